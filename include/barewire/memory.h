/* barewire memory: typed, zero-copy access to native C structures in memory the caller owns.
 *
 * A region is (base pointer, length, writable?) over memory the caller owns: an array, a raw
 * pointer, a mapping. Making one never copies. A view binds a type of a validated schema that
 * has a native layout (imported by bw-import, or the natural host layout of a hand-written
 * fixed-size type) to a region at an offset; every read and write is bounds-checked against the
 * region with integer arithmetic and goes through memcpy, so packed (unaligned) records and
 * records of the other byte order (a schema imported for a big-endian target) read correctly.
 *
 * Views of fields, array elements, C-union members and members of anonymous structs and unions
 * are reached by C-syntax paths ("st_mtim.tv_sec", "items[3].x", "m[2][1]"). A path compiles
 * once to a bw_accessor; reading through an accessor is a type check, a bounds check and a load,
 * inline in this header.
 *
 * Native <-> wire: a view encodes to a BARE message (bitfields extracted, padding skipped,
 * enums mapped, C unions as their bytes) and a BARE message decodes into native memory at the
 * native offsets (padding zeroed; nothing is written when the message is invalid or a value
 * does not fit its native field).
 *
 * Every fallible function returns 0 or a negative BW_E* code and fills an optional bw_error
 * (NULL: no details). Errors in paths carry the 1-based column of the offending character in
 * err->column (line 1); errors in memory carry the region offset in err->offset. */
#ifndef BAREWIRE_MEMORY_H
#define BAREWIRE_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define BW_LIKELY_(x) __builtin_expect(!!(x), 1)
#else
#define BW_LIKELY_(x) (x)
#endif

/* ---- regions ------------------------------------------------------------------------- */

/* Memory the caller owns. base_address is the address the first byte had in the program whose
 * pointers the memory holds: (uintptr_t)base for live memory, or whatever the caller says for a
 * dump read from a file (bw_region_set_base_address). Plain data: copy it freely. */
typedef struct bw_region {
  uint8_t *base;
  size_t len;
  int writable;
  uint64_t base_address;
} bw_region;

/* A read-only region over len bytes at base (used in place, never copied). base may be NULL
 * only when len is 0. Returns 0 or BW_EINVAL. */
int bw_region_init_readonly(bw_region *r, const void *base, size_t len, bw_error *err);

/* A writable region over len bytes at base. Same rules as bw_region_init_readonly. */
int bw_region_init_writable(bw_region *r, void *base, size_t len, bw_error *err);

/* The len bytes at off of r as a region of its own (same writability; its base address moves
 * with it). BW_ERANGE when [off, off+len) is not inside r. out may equal r. */
int bw_region_slice(const bw_region *r, uint64_t off, uint64_t len, bw_region *out, bw_error *err);

/* The address of byte off of r, for reading len bytes there. BW_ERANGE when [off, off+len) is
 * not inside r. */
int bw_region_address(const bw_region *r, uint64_t off, uint64_t len, const void **out,
                      bw_error *err);

/* The same for writing: also BW_EREADONLY when r is read-only. */
int bw_region_address_writable(const bw_region *r, uint64_t off, uint64_t len, void **out,
                               bw_error *err);

/* Declares which address the region's first byte had where its pointers were made (a dump of
 * another process). Pointer targets (bw_view_deref) are looked up with it. */
void bw_region_set_base_address(bw_region *r, uint64_t address);

/* ---- views --------------------------------------------------------------------------- */

/* A typed window on a region. Fill with bw_view_init or derive with bw_view_at / bw_view_field /
 * bw_view_index; plain data, copy freely; it borrows the schema and the region's memory, which
 * must outlive it. Fields are read-only for callers. */
typedef struct bw_view {
  const bw_schema *schema;
  const bw_type *type;     /* resolved (never a REF) */
  const bw_type *declared; /* as the field or user type names it (may be a REF) */
  const bw_native *native; /* layout of type (or of the alias naming it); may be NULL */
  bw_region region;
  uint64_t offset;       /* of the first byte, from the region's start */
  uint64_t size;         /* native size; for a bitfield the bytes that hold it */
  uint8_t *base;         /* region.base + offset */
  uint64_t avail;        /* region.len - offset: what accessors are checked against */
  uint32_t bit_shift;    /* bitfields: bit position inside the first byte (see docs/model.md) */
  uint32_t bit_width;    /* bitfields: width; 0 for every other view */
  uint32_t field_flags;  /* BW_FIELD_* of the field the view was reached through */
  const bw_field *field; /* that field (C name, C type); array elements keep their array's;
                            NULL for a view made by bw_view_init */
  int swap;              /* native byte order differs from the host's */
  int big_endian;        /* native byte order of the schema */
} bw_view;

/* A view of the user type named type_name of s at offset of r. The type must have a native
 * layout (BW_ENOLAYOUT otherwise, BW_ENOTFOUND for an unknown name) and its size must fit in r
 * at offset (BW_ERANGE). */
int bw_view_init(bw_view *v, const bw_schema *s, const char *type_name, const bw_region *r,
                 uint64_t offset, bw_error *err);

/* The same with a type node of s (a user type's type, a field's type). */
int bw_view_init_type(bw_view *v, const bw_schema *s, const bw_type *type, const bw_region *r,
                      uint64_t offset, bw_error *err);

/* The view at a C-syntax path below v: ".name" or "name" selects a struct field, a C-union
 * member or a member of an anonymous struct/union (by C name or BARE name), "[i]" an array
 * element, "p->name" follows the pointer p to its pointee (the type its C type names) inside
 * v's region only (bw_view_deref). An empty path gives v itself. Unknown names and out-of-range
 * indexes are BW_ENOTFOUND and BW_ERANGE whose message names the path and the type and whose
 * column points into path; BW_ESYNTAX for a malformed path. Elements of a flexible array are
 * bounded by the region. */
int bw_view_at(const bw_view *v, const char *path, bw_view *out, bw_error *err);

/* One step of bw_view_at: the field or member called name; element i of an array (of a byte
 * array too: one char, i8 or u8 as the C type and the target's char signedness say). */
int bw_view_field(const bw_view *v, const char *name, bw_view *out, bw_error *err);
int bw_view_index(const bw_view *v, uint64_t i, bw_view *out, bw_error *err);

/* Moves v to another offset of its region (the next record of an array in a file). BW_ERANGE
 * when the type does not fit there; v is unchanged then. */
static inline int bw_view_seek(bw_view *v, uint64_t offset) {
  if (offset > v->region.len || v->size > v->region.len - offset) return BW_ERANGE;
  v->offset = offset;
  v->base = v->region.base + offset;
  v->avail = v->region.len - offset;
  return 0;
}

/* The kind of the view's type (BW_KIND_STRUCT, BW_KIND_U32...), and a printable name: the user
 * type's name, else the C type, else the kind ("u32"). Never NULL. */
bw_kind bw_view_kind(const bw_view *v);
const char *bw_view_type_name(const bw_view *v);

/* Number of elements of an array view: the length of a fixed array; for a flexible array the
 * number of whole elements that fit in the region. 0 for other views. */
uint64_t bw_view_length(const bw_view *v);

/* ---- typed get and set ---------------------------------------------------------------- */
/* Each getter checks that the view's type is exactly that primitive (BW_ETYPE otherwise) and
 * reads it in the schema's byte order (bitfields: shifted, masked and, when signed, sign
 * extended). Setters also need a writable region (BW_EREADONLY) and, for a bitfield, a value
 * that fits its width (BW_ERANGE); they leave the other bits of the storage unit alone. A bool
 * byte other than 0 or 1 reads as BW_EBOOL. A `uint` is held in memory as a uint64_t and an
 * `int` as an int64_t: their views are read and set with the u64 and i64 functions (and so
 * are their accessors). */
int bw_view_get_u8(const bw_view *v, uint8_t *out, bw_error *err);
int bw_view_get_u16(const bw_view *v, uint16_t *out, bw_error *err);
int bw_view_get_u32(const bw_view *v, uint32_t *out, bw_error *err);
int bw_view_get_u64(const bw_view *v, uint64_t *out, bw_error *err);
int bw_view_get_i8(const bw_view *v, int8_t *out, bw_error *err);
int bw_view_get_i16(const bw_view *v, int16_t *out, bw_error *err);
int bw_view_get_i32(const bw_view *v, int32_t *out, bw_error *err);
int bw_view_get_i64(const bw_view *v, int64_t *out, bw_error *err);
int bw_view_get_f32(const bw_view *v, float *out, bw_error *err);
int bw_view_get_f64(const bw_view *v, double *out, bw_error *err);
int bw_view_get_bool(const bw_view *v, int *out, bw_error *err);

int bw_view_set_u8(const bw_view *v, uint8_t value, bw_error *err);
int bw_view_set_u16(const bw_view *v, uint16_t value, bw_error *err);
int bw_view_set_u32(const bw_view *v, uint32_t value, bw_error *err);
int bw_view_set_u64(const bw_view *v, uint64_t value, bw_error *err);
int bw_view_set_i8(const bw_view *v, int8_t value, bw_error *err);
int bw_view_set_i16(const bw_view *v, int16_t value, bw_error *err);
int bw_view_set_i32(const bw_view *v, int32_t value, bw_error *err);
int bw_view_set_i64(const bw_view *v, int64_t value, bw_error *err);
int bw_view_set_f32(const bw_view *v, float value, bw_error *err);
int bw_view_set_f64(const bw_view *v, double value, bw_error *err);
int bw_view_set_bool(const bw_view *v, int value, bw_error *err);

/* Widening access for tools: any integer view (u8..i64, bool, a bitfield, an enum, a pointer)
 * as int64 or uint64. BW_ERANGE when the value does not fit the requested type (a negative
 * value as uint64, a u64 above INT64_MAX as int64) or, for the setters, the field. */
int bw_view_get_int64(const bw_view *v, int64_t *out, bw_error *err);
int bw_view_get_uint64(const bw_view *v, uint64_t *out, bw_error *err);
int bw_view_set_int64(const bw_view *v, int64_t value, bw_error *err);
int bw_view_set_uint64(const bw_view *v, uint64_t value, bw_error *err);

/* Enums (BW_KIND_ENUM views): the stored value, and the member's BARE name (*name NULL when the
 * memory holds a value that is not a member; the value is still returned). name may be NULL.
 * A C enum carried as its integer type (it has a negative enumerator) works too: *value holds
 * the integer's bits (sign-extended) and *name is the first C enumerator with that value. */
int bw_view_get_enum(const bw_view *v, uint64_t *value, const char **name, bw_error *err);
/* Stores a member's value: BW_EENUM when value is not a member, BW_ERANGE when it does not
 * fit the storage. */
int bw_view_set_enum(const bw_view *v, uint64_t value, bw_error *err);
/* Stores the member named name (BARE member name or C enumerator, aliases included; for a C
 * enum carried as an integer, its C enumerators): BW_ENOTFOUND when there is none. */
int bw_view_set_enum_name(const bw_view *v, const char *name, bw_error *err);

/* Character arrays and other fixed byte arrays (BW_KIND_DATA_FIXED, C unions included): the
 * bytes in place (*data points into the region; valid as long as it is). */
int bw_view_get_bytes(const bw_view *v, const uint8_t **data, size_t *len, bw_error *err);
/* The array as a C string: *s points into the region, *len is the length up to the first NUL or
 * the whole array when it has none (so *s is NOT always NUL-terminated). */
int bw_view_get_cstr(const bw_view *v, const char **s, size_t *len, bw_error *err);
/* Copies len bytes into the array and zeroes the rest (BW_ERANGE when len exceeds it). */
int bw_view_set_bytes(const bw_view *v, const void *data, size_t len, bw_error *err);
/* Copies the C string s and zeroes the rest; a string as long as the array is stored without
 * its NUL, as C does for `char a[3] = "abc"`. BW_ERANGE when longer. */
int bw_view_set_cstr(const bw_view *v, const char *s, bw_error *err);

/* Pointers (fields flagged BW_FIELD_POINTER): the address value. */
int bw_view_get_pointer(const bw_view *v, uint64_t *address, bw_error *err);
int bw_view_set_pointer(const bw_view *v, uint64_t address, bw_error *err);
/* A view of what the pointer v points to, inside target only (a region the caller vouches for,
 * whose base_address says where it lived): the address must fall in target with the pointee's
 * whole size (BW_ERANGE otherwise, also for NULL). type_name names the pointee's user type;
 * NULL looks it up from the field's C type ("struct node *" -> the type whose native C name is
 * "struct node"), BW_ENOTFOUND when none matches. */
int bw_view_deref(const bw_view *v, const bw_region *target, const char *type_name, bw_view *out,
                  bw_error *err);

/* ---- accessors ----------------------------------------------------------------------- */

/* A compiled path: where the value is relative to the start of a view of the root type, how
 * wide it is and how to load it. Plain data, copy freely; it borrows the schema. */
typedef struct bw_accessor {
  const bw_schema *schema;
  const bw_type *root; /* resolved type of the views it reads */
  const bw_type *type; /* resolved type of the value */
  const bw_type *declared;
  uint64_t offset; /* first byte loaded, from the view's start */
  uint64_t end;    /* offset + bytes loaded: the bounds check */
  uint32_t width;  /* bytes of the value; for a bitfield the bytes that hold it */
  uint32_t bit_shift;
  uint32_t bit_width; /* 0: not a bitfield */
  uint32_t field_flags;
  const bw_field *field; /* the last field of the path, or NULL */
  bw_kind kind;          /* kind of the value (of type) */
  int plain;             /* host byte order, not a bitfield: one memcpy reads it */
  uintptr_t fast_key;    /* plain accessors: (uintptr_t)root + kind, else 0. The inline fast path
                            checks view type and value kind with one compare: two type nodes lie
                            further apart than any two kinds, so the sum names both. */
  int swap;
  int big_endian;
} bw_accessor;

/* Compiles path (bw_view_at syntax without '->': BW_ETYPE) for views of the user type
 * type_name. Indexes into a flexible array are allowed; reads through them are checked against
 * the region. Same errors as bw_view_at. */
int bw_accessor_compile(bw_accessor *a, const bw_schema *s, const char *type_name, const char *path,
                        bw_error *err);

/* The view a reads in v (for the operations accessors have no shortcut for: enums by name,
 * strings, encoding). BW_ETYPE when v is not of a's root type, BW_ERANGE when out of bounds. */
int bw_accessor_view(const bw_accessor *a, const bw_view *v, bw_view *out, bw_error *err);

/* The general read behind the inline getters, for bitfields, other byte orders and errors:
 * rc 0 and the raw value of a in v (zero-extended; sign-extended for signed kinds and
 * bitfields), or rc < 0. It only reads memory (hence pure), which lets a compiler keep an
 * accessor's fields in registers across a loop of inline reads. */
typedef struct bw_accessor_result_ {
  int rc;
  uint64_t raw;
} bw_accessor_result_;
bw_accessor_result_ bw_accessor_read_(const bw_accessor *a, const bw_view *v, bw_kind kind)
#if defined(__GNUC__)
    __attribute__((pure))
#endif
    ;

/* Fills err with the details of the failure bw_accessor_read_ reported; returns the code. The
 * inline getters return the code bw_accessor_read_ gave, which the compiler knows is not 0. */
int bw_accessor_explain_(const bw_accessor *a, const bw_view *v, bw_kind kind, bw_error *err);

/* Inline reads through an accessor: a type check, a bounds check and a load. Same errors as the
 * bw_view_get_* functions, plus BW_ETYPE when v is not a view of the accessor's root type. */
#define BW_ACCESSOR_GETTER_(suffix, ctype, kindv)                                                  \
  static inline int bw_accessor_get_##suffix(const bw_accessor *a, const bw_view *v, ctype *out,   \
                                             bw_error *err) {                                      \
    if (BW_LIKELY_(a->fast_key == (uintptr_t)v->type + (kindv) && a->end <= v->avail)) {           \
      memcpy(out, v->base + a->offset, sizeof(ctype));                                             \
      return 0;                                                                                    \
    }                                                                                              \
    bw_accessor_result_ r_ = bw_accessor_read_(a, v, (kindv));                                     \
    if (r_.rc != 0) {                                                                              \
      bw_accessor_explain_(a, v, (kindv), err);                                                    \
      return r_.rc;                                                                                \
    }                                                                                              \
    if (sizeof(ctype) == 4 && (kindv) == BW_KIND_F32) {                                            \
      uint32_t bits_ = (uint32_t)r_.raw;                                                           \
      memcpy(out, &bits_, sizeof(ctype));                                                          \
    } else if ((kindv) == BW_KIND_F64) {                                                           \
      memcpy(out, &r_.raw, sizeof(ctype));                                                         \
    } else {                                                                                       \
      *out = (ctype)r_.raw;                                                                        \
    }                                                                                              \
    return 0;                                                                                      \
  }
BW_ACCESSOR_GETTER_(u8, uint8_t, BW_KIND_U8)
BW_ACCESSOR_GETTER_(u16, uint16_t, BW_KIND_U16)
BW_ACCESSOR_GETTER_(u32, uint32_t, BW_KIND_U32)
BW_ACCESSOR_GETTER_(u64, uint64_t, BW_KIND_U64)
BW_ACCESSOR_GETTER_(i8, int8_t, BW_KIND_I8)
BW_ACCESSOR_GETTER_(i16, int16_t, BW_KIND_I16)
BW_ACCESSOR_GETTER_(i32, int32_t, BW_KIND_I32)
BW_ACCESSOR_GETTER_(i64, int64_t, BW_KIND_I64)
BW_ACCESSOR_GETTER_(f32, float, BW_KIND_F32)
BW_ACCESSOR_GETTER_(f64, double, BW_KIND_F64)
#undef BW_ACCESSOR_GETTER_

/* Widening reads through an accessor (any integer kind, as bw_view_get_int64/uint64). */
int bw_accessor_get_int64(const bw_accessor *a, const bw_view *v, int64_t *out, bw_error *err);
int bw_accessor_get_uint64(const bw_accessor *a, const bw_view *v, uint64_t *out, bw_error *err);

/* Writes through an accessor: the setter of the value's kind (bw_view_set_*) on the view a
 * reads in v. */
int bw_accessor_set_int64(const bw_accessor *a, const bw_view *v, int64_t value, bw_error *err);
int bw_accessor_set_uint64(const bw_accessor *a, const bw_view *v, uint64_t value, bw_error *err);

/* ---- native <-> wire ----------------------------------------------------------------- */

typedef struct bw_native_options {
  uint64_t flex_count;     /* encode: elements of the record's flexible array member (the last
                              field of the root, or of its last struct field) */
  size_t max_message_size; /* decode: 0 = BW_DEFAULT_MAX_MESSAGE_SIZE */
  size_t max_elements;     /* decode: elements of a flexible array; 0 = BW_DEFAULT_MAX_ELEMENTS */
  int allow_trailing;      /* decode: accept bytes after the value (*consumed says where the
                              value ends) */
} bw_native_options;

/* Encodes v as a BARE message of its type into out[0..cap): struct fields in order (bitfields
 * extracted, padding skipped), enums as their value (BW_EENUM for a value that is not a member),
 * bools strictly (BW_EBOOL), C unions and byte arrays as their bytes, a flexible array as
 * opts->flex_count elements that must lie inside the region (BW_ERANGE). *len gets the message
 * size; BW_ENOSPACE when cap is too small (then *len is the size needed). opts may be NULL.
 * Bytes of out between the end of the message and cap may be overwritten (small records are
 * stored as whole words); nothing at or past cap is. A view of a flexible array member itself
 * encodes as list<T> of opts->flex_count elements. */
int bw_view_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                      size_t *len, bw_error *err);

/* The same into a malloc'd buffer (*out, freed by the caller with free). */
int bw_view_encode(const bw_view *v, const bw_native_options *opts, uint8_t **out, size_t *len,
                   bw_error *err);

/* Decodes the BARE message msg[0..len) of v's type into the native memory of v (writable):
 * every value at its native offset in the schema's byte order, padding and unused bits zeroed,
 * a flexible array's elements after the record (the region must hold them: BW_ERANGE). The
 * message is checked strictly (as a BARE decoder does) and every value must fit its native
 * field (BW_ERANGE) before the first byte is written: on error the memory is untouched.
 * *consumed (may be NULL) gets the bytes read, *flex_count (may be NULL) the flexible array's
 * element count (0 when there is none). opts may be NULL. msg must not overlap the destination.
 * A view of a flexible array member itself decodes a list<T> into its elements. */
int bw_view_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                   size_t *consumed, uint64_t *flex_count, bw_error *err);

/* Arrays of records (a C array of the view's struct: count records back to back from v, one
 * every v->size bytes) as count concatenated BARE messages, one per record: the same strict
 * rules and results as count bw_view_encode_to / bw_view_decode calls (also the same
 * compiled plans), with the per-call work done once. The type must have a fixed size (no
 * flexible array member; not a bitfield: BW_EINVAL) and the count records must lie inside the
 * region (BW_ERANGE).
 *
 * Encode: the messages go to out[0..cap); *len (may be NULL) gets their total size, ends (may
 * be NULL, count entries) the offset just after each message. BW_ENOSPACE when cap is too
 * small: *len is then the size needed for all of them (ends is filled for those that fit).
 * Any other error (BW_EBOOL, BW_EENUM...) is the single call's, for the first bad record. */
int bw_view_encode_array(const bw_view *v, uint64_t count, uint8_t *out, size_t cap, size_t *len,
                         size_t *ends, bw_error *err);

/* Decode: count messages from msgs[0..len) into the records. Each message at most
 * opts->max_message_size bytes (BW_ELIMIT); bytes after the last message are BW_ETRAILING
 * unless opts->allow_trailing. Stops at the first bad message with its error, err->offset
 * counted from the start of msgs: the records before it are written, that one and the ones
 * after it are untouched. *decoded (may be NULL) gets the records written, *consumed (may be
 * NULL) the bytes of their messages. opts may be NULL; its flex_count is not used. msgs must
 * not overlap the records. */
int bw_view_decode_array(const bw_view *v, uint64_t count, const void *msgs, size_t len,
                         const bw_native_options *opts, uint64_t *decoded, size_t *consumed,
                         bw_error *err);

/* Bytes a record of v's type occupies with flex_count elements in its flexible array (just its
 * size when it has none). BW_ERANGE on overflow. */
int bw_view_native_size(const bw_view *v, uint64_t flex_count, uint64_t *size, bw_error *err);

#ifdef __cplusplus
}
#endif
#endif

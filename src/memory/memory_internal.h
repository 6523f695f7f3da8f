/* barewire memory module: pieces shared by regions, views, paths, accessors and the native <->
 * wire walkers (internal; not installed).
 *
 * A mem_loc is where a value lives relative to the start of some record, without any memory:
 * paths resolve to locations (so an accessor can be compiled with no region at all), and views
 * are locations bound to a region. A mem_slot is a scalar in memory ready to load or store: the
 * address, the storage width, the bitfield position and the byte order. */
#ifndef BAREWIRE_MEMORY_INTERNAL_H
#define BAREWIRE_MEMORY_INTERNAL_H

#include "barewire/memory.h"
#include "core/core.h"

/* Nesting bound of every recursive walk (anonymous members, nested records): the schema's own
 * depth limit keeps real schemas far below it. */
#define BW_MEM_MAX_DEPTH 128u

/* Storage of a C enum that carries no native layout of its own (hand-written schemas): a C
 * enum whose values all fit is an int or unsigned int on every ABI barewire targets. */
#define BW_MEM_ENUM_DEFAULT_SIZE 4u

/* Native size of the varint kinds: a `uint` is held in memory as a uint64_t, an `int` as an
 * int64_t (docs/layout.md), in the layout's byte order; on the wire they are LEB128 varints
 * (an int zig-zag encoded first). */
#define BW_MEM_VARINT_SIZE 8u

/* 1 for uint and int. */
static inline int bw_mem_kind_varint(bw_kind k) {
  return k == BW_KIND_UINT || k == BW_KIND_INT;
}

/* The kind whose typed getters and setters read a value of kind k: u64 for uint, i64 for int,
 * else k itself. */
static inline bw_kind bw_mem_access_kind(bw_kind k) {
  return k == BW_KIND_UINT ? BW_KIND_U64 : k == BW_KIND_INT ? BW_KIND_I64 : k;
}

typedef struct mem_loc {
  const bw_type *declared; /* as named by the field or user type (may be a REF) */
  const bw_type *type;     /* resolved */
  const bw_native *native; /* layout of the type, NULL for primitives and arrays */
  uint64_t offset;         /* first byte, from the start of the record the walk began at */
  uint64_t size;           /* native size (bitfields: bytes that hold the bits) */
  uint32_t bit_shift;
  uint32_t bit_width;
  uint32_t field_flags;
  const bw_field *field; /* the field the location was reached through, or NULL */
} mem_loc;

typedef struct mem_slot {
  uint8_t *p; /* first byte of the storage */
  uint32_t width;
  uint32_t bit_shift;
  uint32_t bit_width; /* 0: a whole value of width bytes */
  bw_kind kind;       /* resolved kind of the value */
  int big_endian;
} mem_slot;

/* The native layout of t: the resolved type's, or the first one found along its REF chain. */
const bw_native *bw_mem_native(const bw_type *t);

/* Native size of a value of type t. BW_ENOLAYOUT (message naming the type) for types without a
 * fixed native size (str, data, list, map, optional, union, varints). */
int bw_mem_type_size(const bw_schema *s, const bw_type *t, uint64_t *size, bw_error *err);

/* Printable name of a type: the user type's name, the C name of its layout, else its kind. */
const char *bw_mem_type_name(const bw_schema *s, const bw_type *declared);

/* Location of a whole value of type t at offset 0. */
int bw_mem_loc_root(const bw_schema *s, const bw_type *t, mem_loc *loc, bw_error *err);

/* Location of field f of the record at parent (a struct field or C-union member). */
int bw_mem_loc_field(const bw_schema *s, const mem_loc *parent, const bw_field *f, mem_loc *out,
                     bw_error *err);

/* Follows path[begin..end) from loc (bw_view_at syntax, without '->'); errors quote the whole
 * path and point at columns in it. room is how many bytes exist from the start of the walk's
 * record (bounds flexible-array indexes); UINT64_MAX when unknown. */
int bw_mem_resolve_path(const bw_schema *s, const mem_loc *loc, const char *path, size_t begin,
                        size_t end, uint64_t room, mem_loc *out, bw_error *err);

/* Binds loc, taken relative to byte base_off of r, to r: BW_ERANGE when it does not fit. */
int bw_mem_view_from_loc(const bw_schema *s, const bw_region *r, uint64_t base_off,
                         const mem_loc *loc, bw_view *v, bw_error *err);

/* Location of element idx of the array at loc (fixed arrays: idx < length; flexible arrays: the
 * element must end within room bytes of the walk's start). */
int bw_mem_loc_index(const bw_schema *s, const mem_loc *loc, uint64_t idx, uint64_t room,
                     mem_loc *out, bw_error *err);

/* 1 for i8..i64 and int. */
int bw_mem_kind_signed(bw_kind k);

/* Storage width of a scalar (enum included) of resolved type t. 0 when t is not a scalar. */
uint32_t bw_mem_scalar_width(const bw_type *t, const bw_native *n);

/* Loads a scalar: zero-extended for unsigned kinds, sign-extended for signed kinds (a bitfield
 * of a signed kind is sign-extended from its width). */
uint64_t bw_mem_slot_load(const mem_slot *s);

/* 1 when raw (as bw_mem_slot_load returns it) fits the slot: the kind's range, and the width of
 * a bitfield. */
int bw_mem_slot_fits(const mem_slot *s, uint64_t raw);

/* Stores raw into the slot (a bitfield's neighbouring bits are kept). raw must fit. */
void bw_mem_slot_store(const mem_slot *s, uint64_t raw);

/* The enum member of resolved enum type t with that value, or NULL. */
const bw_enum_member *bw_mem_enum_member(const bw_type *t, uint64_t value);

/* The tail flexible array member of t (the last field of a struct, or of its last struct field,
 * recursively): its element type and offset from the start of t. 0 when found, else
 * BW_ENOTFOUND. */
int bw_mem_find_flex(const bw_type *t, const bw_type **elem, uint64_t *offset);

/* ---- native <-> wire: the compiled plans (plan.c) and the reference walker (native_wire.c) */

/* What the plan functions return when they do not handle a call (no plan for the type, or an
 * input the plan does not accept: a bad value, a short buffer, a malformed message): the
 * caller then runs the walker, which does the work or reports the exact error. */
#define BW_MEM_PLAN_FALLBACK 1

/* The stand-ins for the elements of byte arrays (path.c): shared by every schema and in
 * read-only memory, so their plans are never kept in their native_plan slots. */
extern const bw_type bw_mem_byte_u8, bw_mem_byte_i8;

/* bw_view_encode_to through the type's cached plan: 0 and *len, or BW_MEM_PLAN_FALLBACK
 * (nothing reported; out may hold garbage). */
int bw_mem_plan_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                          size_t *len);

/* bw_view_decode through the type's cached plan: 0 (memory written, *consumed and *flex_count
 * set when not NULL), or BW_MEM_PLAN_FALLBACK with the memory untouched. */
int bw_mem_plan_decode(const bw_view *v, const uint8_t *msg, size_t len,
                       const bw_native_options *opts, size_t *consumed, uint64_t *flex_count);

/* Which compiled forms the plan of v's type has, for tests: BW_MEM_PLAN_FORM_* bits (0 when
 * the type has no plan). */
#define BW_MEM_PLAN_FORM_STEPS 1 /* the step plan */
#define BW_MEM_PLAN_FORM_FLAT 2  /* the flat program (size-specialised steps) */
/* the wide form (fixed wire size, 16-byte moves): encode, and decode in the array calls */
#define BW_MEM_PLAN_FORM_WIDE 4
/* the wide form's byte permutes (AVX-512 VBMI, records and messages of 64 bytes at most):
 * encode and decode in single calls */
#define BW_MEM_PLAN_FORM_PERM 8
/* the varint form (AVX-512 varint runs, records of 128 bytes at most): checked decode */
#define BW_MEM_PLAN_FORM_VARINT 16
int bw_mem_plan_forms(const bw_view *v);

/* For tests: plans compiled after bw_mem_plan_allow_simd(0) use no CPU-specific code (pext and
 * pdep runs of varints, byte permutes); 1 (the default) lets them use it where the CPU has it.
 * Not for use while other threads compile plans. */
void bw_mem_plan_allow_simd(int on);

/* The reference walkers behind bw_view_encode_to and bw_view_decode (same contracts), kept
 * for the fallback and for the differential test against the plans. */
/* The fronts of bw_view_encode_to and bw_view_decode (plan.c): the permute form in one tail
 * call where the view has it, else the plan's other forms, then the walker. */
int bw_mem_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                     size_t *len, bw_error *err);
int bw_mem_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                  size_t *consumed, uint64_t *flex_count, bw_error *err);
int bw_mem_walk_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                          size_t *len, bw_error *err);
int bw_mem_walk_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                       size_t *consumed, uint64_t *flex_count, bw_error *err);

#endif

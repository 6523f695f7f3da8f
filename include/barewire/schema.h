/* barewire: the schema model, the builder (drafts), validation, the schema language and the
 * native layout of types.
 *
 * A schema is built as a *draft* (by the text parser, by the C importer, or by hand with the
 * bw_draft_* functions) and becomes an immutable, validated bw_schema through
 * bw_draft_validate. Everything downstream (codec, views, mapping) accepts validated schemas
 * only, so it can rely on every reference being resolved and every rule of BARE.md holding.
 *
 * The model is a tree of plain structs that callers read directly. Their fields are read-only
 * once the schema is validated; while a draft is being built, the builder functions are the
 * way to fill them, and setting the documented plain fields (doc, c_name, offsets...) by hand
 * is allowed.
 *
 * Wire type and native layout are separate: every type has its BARE wire form; a type may also
 * carry a bw_native (size, alignment, C spelling), and then its struct fields carry byte
 * offsets, bitfield positions, C names and C types. */
#ifndef BAREWIRE_SCHEMA_H
#define BAREWIRE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "limits.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bw_kind {
  BW_KIND_UINT,
  BW_KIND_INT,
  BW_KIND_U8,
  BW_KIND_U16,
  BW_KIND_U32,
  BW_KIND_U64,
  BW_KIND_I8,
  BW_KIND_I16,
  BW_KIND_I32,
  BW_KIND_I64,
  BW_KIND_F32,
  BW_KIND_F64,
  BW_KIND_BOOL,
  BW_KIND_STR,
  BW_KIND_DATA,       /* data: uint length, then bytes */
  BW_KIND_DATA_FIXED, /* data[length] */
  BW_KIND_VOID,
  BW_KIND_OPTIONAL,   /* optional<elem> */
  BW_KIND_LIST,       /* list<elem> */
  BW_KIND_LIST_FIXED, /* list<elem>[length] */
  BW_KIND_MAP,        /* map<key><elem> */
  BW_KIND_ENUM,
  BW_KIND_UNION,
  BW_KIND_STRUCT,
  BW_KIND_REF /* a use of a named user type: ref_name, resolved to ref by validation */
} bw_kind;

#define BW_KIND_COUNT (BW_KIND_REF + 1)

/* Position in schema text, 1-based; {0, 0} for types built by hand. */
typedef struct bw_pos {
  uint32_t line;
  uint32_t column;
} bw_pos;

typedef struct bw_type bw_type;
typedef struct bw_user_type bw_user_type;
typedef struct bw_schema bw_schema;
typedef struct bw_draft bw_draft;

/* bw_field.flags */
#define BW_FIELD_BITFIELD 0x1u /* bit_offset and bit_width are meaningful */
#define BW_FIELD_FLEXIBLE 0x2u /* C flexible array member; wire type list<T>, last field */
#define BW_FIELD_ANONYMOUS                                                                         \
  0x4u                        /* anonymous struct/union member: its members are reached by         \
                                 their own names, as in C; c_name is NULL */
#define BW_FIELD_POINTER 0x8u /* a C pointer carried as u32/u64; c_type names the pointee */

/* A struct field (wire), or a member of a C union (native only, see bw_native.members). */
typedef struct bw_field {
  const char *name; /* BARE field name */
  bw_type *type;
  const char *doc; /* comment lines before the field, '#' and one space stripped, joined by
                      '\n'; NULL when none */
  bw_pos pos;
  /* Native layout; meaningful when the containing type has a bw_native. */
  uint64_t offset;     /* byte offset; for a bitfield bit_offset / 8 rounded down */
  uint64_t bit_offset; /* bitfields: absolute bit offset from the start of the record */
  uint32_t bit_width;  /* bitfields: width in bits */
  uint32_t flags;      /* BW_FIELD_* */
  const char *c_name;  /* C member name; NULL for anonymous members */
  const char *c_type;  /* C type spelling ("unsigned int", "struct timespec", "char[16]") */
} bw_field;

typedef struct bw_enum_member {
  const char *name;
  uint64_t value; /* computed by validation when has_value is 0 */
  int has_value;  /* written as `NAME = value` */
  const char *doc;
  bw_pos pos;
  const char *c_name; /* the C enumerator, when imported */
} bw_enum_member;

typedef struct bw_union_member {
  bw_type *type;
  uint64_t tag; /* computed by validation when has_tag is 0 */
  int has_tag;
  const char *doc;
  bw_pos pos;
} bw_union_member;

/* A named integer constant: an object-like macro of an imported header (schema level), or an
 * enumerator kept in a native layout (C enum aliases, enums with negative values). value holds
 * the bits; is_unsigned says how to read them. */
typedef struct bw_constant {
  const char *name;   /* BARE-style name (may equal c_name) */
  const char *c_name; /* C spelling, may be NULL */
  int64_t value;
  int is_unsigned;
} bw_constant;

/* bw_native.flags */
#define BW_NATIVE_C_UNION 0x1u /* a C union: wire form data[size]; members overlay at offsets */
#define BW_NATIVE_C_ENUM 0x2u  /* a C enum (possibly carried as its underlying integer) */
#define BW_NATIVE_PACKED 0x4u  /* declared packed (informational; offsets say the rest) */
#define BW_NATIVE_NATURAL                                                                          \
  0x8u /* computed by barewire as the host's natural C layout, not                                 \
          imported */

/* Native layout of a type for one target. */
typedef struct bw_native {
  uint64_t size;
  uint64_t align;
  uint32_t flags;         /* BW_NATIVE_* */
  const char *c_name;     /* C spelling usable in C ("struct stat", "cplx_t"); NULL when C
                             cannot name the type (anonymous) */
  const char *underlying; /* C enums: the underlying integer type ("unsigned int") */
  const char *file;       /* declaration site, when imported */
  uint32_t line;
  size_t member_count; /* C unions: every member, at its offset */
  bw_field *members;
  size_t constant_count; /* C enums: every enumerator, aliases and negative ones included */
  bw_constant *constants;
  size_t member_capacity; /* builder bookkeeping */
  size_t constant_capacity;
} bw_native;

struct bw_type {
  bw_kind kind;
  bw_pos pos;
  uint64_t length;           /* DATA_FIXED, LIST_FIXED */
  bw_type *elem;             /* OPTIONAL, LIST, LIST_FIXED; the value type of a MAP */
  bw_type *key;              /* MAP */
  const char *ref_name;      /* REF */
  bw_user_type *ref;         /* REF, after validation */
  size_t count;              /* number of fields / enum members / union members */
  size_t capacity;           /* builder bookkeeping */
  bw_field *fields;          /* STRUCT */
  bw_enum_member *members;   /* ENUM */
  bw_union_member *variants; /* UNION */
  bw_native *native;         /* NULL when the type has no native layout */
  /* Internal to the codec, not an API: set by bw_draft_validate for a STRUCT of fixed-width
   * numbers, bools, uint, int and enums (src/codec/wire_plan.h), else NULL; freed with the
   * schema. */
  const struct bw_wire_plan *wire;
  /* Internal to the memory module, not an API: the native plans of this type as a view
   * declares it ([1]: a big-endian layout), compiled on first use and owned by the schema. */
  const void *native_plan[2];
};

struct bw_user_type {
  const char *name;
  bw_type *type;
  const char *doc;
  bw_pos pos;
  size_t index; /* position in the schema, in definition order */
};

/* Target the native layouts were made for. A schema without one (hand-written) has natural
 * host layouts where its types are fixed-size. */
typedef struct bw_target {
  const char *triple;
  uint32_t pointer_size;
  int big_endian;
  int char_signed;
} bw_target;

/* ---- building drafts ------------------------------------------------------------------ */

/* A new empty draft. Returns NULL when out of memory. Free with bw_draft_free unless it is
 * handed to bw_draft_validate (which always takes ownership). */
bw_draft *bw_draft_new(void);
void bw_draft_free(bw_draft *d);

/* Type constructors. Every node lives in the draft's arena (later the schema's); nothing is
 * freed individually. They return NULL only when out of memory, and then the draft remembers
 * it, so validation fails with BW_ENOMEM: callers may chain calls and check once. */
bw_type *bw_draft_type(bw_draft *d, bw_kind kind); /* primitives, empty struct/enum/union */
bw_type *bw_draft_data_fixed(bw_draft *d, uint64_t length);
bw_type *bw_draft_optional(bw_draft *d, bw_type *elem);
bw_type *bw_draft_list(bw_draft *d, bw_type *elem);
bw_type *bw_draft_list_fixed(bw_draft *d, bw_type *elem, uint64_t length);
bw_type *bw_draft_map(bw_draft *d, bw_type *key, bw_type *value);
bw_type *bw_draft_ref(bw_draft *d, const char *name);

/* Members. The returned pointer stays valid until the next addition to the same type. */
bw_field *bw_draft_add_field(bw_draft *d, bw_type *st, const char *name, bw_type *type);
bw_enum_member *bw_draft_add_enum_member(bw_draft *d, bw_type *en, const char *name, int has_value,
                                         uint64_t value);
bw_union_member *bw_draft_add_union_member(bw_draft *d, bw_type *un, bw_type *type, int has_tag,
                                           uint64_t tag);

/* Adds a named user type (in definition order). */
bw_user_type *bw_draft_add_type(bw_draft *d, const char *name, bw_type *type);

/* Attaches a zeroed native layout to t (or returns the one it has). */
bw_native *bw_draft_native(bw_draft *d, bw_type *t);
bw_field *bw_draft_add_native_member(bw_draft *d, bw_native *n, const char *name, bw_type *t);
bw_constant *bw_draft_add_native_constant(bw_draft *d, bw_native *n, const char *name,
                                          const char *c_name, int64_t value, int is_unsigned);

/* Schema-level constants (imported macros). */
bw_constant *bw_draft_add_constant(bw_draft *d, const char *name, const char *c_name, int64_t value,
                                   int is_unsigned);

/* Records the target the layouts were made for. triple is copied. */
int bw_draft_set_target(bw_draft *d, const char *triple, uint32_t pointer_size, int big_endian,
                        int char_signed);

/* The schema's leading comment (printed at the top). Copied. */
int bw_draft_set_doc(bw_draft *d, const char *doc);

/* Copies a string (or len bytes of one) into the draft's arena; NULL when out of memory or s
 * is NULL. Use it for doc, c_name and c_type strings. */
char *bw_draft_strdup(bw_draft *d, const char *s);
char *bw_draft_strndup(bw_draft *d, const char *s, size_t len);

/* Number of user types so far, and the i-th one (for builders that look back). */
size_t bw_draft_type_count(const bw_draft *d);
bw_user_type *bw_draft_type_at(bw_draft *d, size_t i);
bw_user_type *bw_draft_find(bw_draft *d, const char *name);

/* ---- validation ----------------------------------------------------------------------- */

typedef struct bw_validate_options {
  size_t max_depth;    /* 0: BW_DEFAULT_MAX_SCHEMA_DEPTH */
  size_t max_types;    /* 0: BW_DEFAULT_MAX_SCHEMA_TYPES */
  int allow_recursion; /* old drafts: allow recursion that terminates through optional, list,
                          map or union (off by default) */
} bw_validate_options;

/* Checks every validity rule of BARE.md, resolves type references, computes implicit enum
 * values and union tags, checks native layouts for consistency (fields inside the record,
 * bitfields within their storage) and computes the host's natural C layout for fixed-size types
 * that have none. Always takes ownership of d (freed on failure). On success *out is the
 * validated schema (free with bw_schema_free). On failure returns BW_ESCHEMA (or BW_ENOMEM),
 * *out is NULL, and every problem found is appended to diags (NULL: not reported), each with
 * its position. opts may be NULL. */
int bw_draft_validate(bw_draft *d, const bw_validate_options *opts, bw_schema **out,
                      bw_diags *diags);

void bw_schema_free(bw_schema *s);

/* ---- reading a validated schema ------------------------------------------------------- */

size_t bw_schema_type_count(const bw_schema *s);
const bw_user_type *bw_schema_type_at(const bw_schema *s, size_t i);
/* The user type named name, or NULL. */
const bw_user_type *bw_schema_find(const bw_schema *s, const char *name);
/* The target of imported layouts, or NULL for a hand-written schema (natural host layout). */
const bw_target *bw_schema_target(const bw_schema *s);
size_t bw_schema_constant_count(const bw_schema *s);
const bw_constant *bw_schema_constant_at(const bw_schema *s, size_t i);
/* The leading comment, or NULL. */
const char *bw_schema_doc(const bw_schema *s);
/* The file name the schema was parsed from, or NULL. */
const char *bw_schema_filename(const bw_schema *s);
/* 1 when the schema's layouts are big-endian (imported for such a target), else 0. */
int bw_schema_big_endian(const bw_schema *s);

/* Follows REF nodes to the type they name (t itself when it is not a REF; NULL for NULL).
 * Inline: it is on every hot path of the codec and the views. Validation guarantees that
 * references are resolved and that any recursion passes through a non-REF node, so this
 * loop ends. */
static inline const bw_type *bw_type_resolve(const bw_type *t) {
  while (t && t->kind == BW_KIND_REF && t->ref) t = t->ref->type;
  return t;
}

/* Lower-case keyword of a kind ("u32", "list", "struct"...). */
const char *bw_kind_name(bw_kind kind);

/* 1 for the fixed-width numeric kinds and bool (u8..u64, i8..i64, f32, f64, bool). */
static inline int bw_kind_is_fixed_primitive(bw_kind kind) {
  return kind >= BW_KIND_U8 && kind <= BW_KIND_BOOL;
}

/* Byte width of a fixed primitive kind (bool is 1), 0 for others. */
static inline unsigned bw_kind_width(bw_kind kind) {
  switch (kind) {
    case BW_KIND_U8:
    case BW_KIND_I8:
    case BW_KIND_BOOL:
      return 1;
    case BW_KIND_U16:
    case BW_KIND_I16:
      return 2;
    case BW_KIND_U32:
    case BW_KIND_I32:
    case BW_KIND_F32:
      return 4;
    case BW_KIND_U64:
    case BW_KIND_I64:
    case BW_KIND_F64:
      return 8;
    default:
      return 0;
  }
}

/* The native layout of t (following references), or NULL with BW_ENOLAYOUT in err, whose
 * message names the first field (by path) whose type has no fixed native size. */
const bw_native *bw_type_native(const bw_schema *s, const bw_type *t, bw_error *err);

/* ---- the schema language -------------------------------------------------------------- */

typedef struct bw_parse_options {
  const char *filename; /* used in positions' file names and kept in the schema; may be NULL */
  int old_syntax;       /* also accept the pre-draft-03 syntax of BARE.md */
  size_t max_size;      /* 0: BW_DEFAULT_MAX_SCHEMA_SIZE */
  size_t max_depth;     /* 0: BW_DEFAULT_MAX_SCHEMA_DEPTH */
  size_t max_types;     /* 0: BW_DEFAULT_MAX_SCHEMA_TYPES */
} bw_parse_options;

/* Parses schema text (len bytes; need not be NUL-terminated) including `#@` layout
 * annotations and doc comments, then validates. On success *out is the validated schema (free
 * with bw_schema_free). On failure returns BW_ESYNTAX, BW_ESCHEMA, BW_ELIMIT or BW_ENOMEM,
 * *out is NULL, and diags (if not NULL) holds one entry per problem with line and column.
 * opts may be NULL. */
int bw_schema_parse(const char *text, size_t len, const bw_parse_options *opts, bw_schema **out,
                    bw_diags *diags);

/* Like bw_schema_parse but stops before validation and returns the draft (free with
 * bw_draft_free or hand to bw_draft_validate). */
int bw_draft_parse(const char *text, size_t len, const bw_parse_options *opts, bw_draft **out,
                   bw_diags *diags);

/* bw_schema_print flags */
#define BW_PRINT_LAYOUT 0x1u /* write `#@` native-layout annotations (imported layouts only) */
#define BW_PRINT_DOCS 0x2u   /* write doc comments */

/* Writes the canonical text of s: one definition per type in schema order, two-space
 * indentation, enum values and union tags only where they differ from the implicit ones.
 * Parsing the output gives the same schema; printing again gives the same bytes. *out is
 * malloc'd and NUL-terminated (caller frees with free); *len (may be NULL) excludes the NUL. */
int bw_schema_print(const bw_schema *s, unsigned flags, char **out, size_t *len, bw_error *err);

/* Writes one type expression as in schema text ("list<i32>[4]", a user type's name, or an
 * inline body on one line). Same ownership as bw_schema_print. */
int bw_type_print(const bw_type *t, char **out, size_t *len, bw_error *err);

#define BW_FINGERPRINT_SIZE 32

/* SHA-256 of the canonical text without comments or annotations: equal schemas have equal
 * fingerprints whatever their spacing and comments. */
int bw_schema_fingerprint(const bw_schema *s, uint8_t out[BW_FINGERPRINT_SIZE]);

/* ---- native layout as documents ------------------------------------------------------- */

/* The layout document (`bw-import --format=json`): keys as documented in docs/layout.md.
 * Same ownership as bw_schema_print. */
int bw_schema_layout_json(const bw_schema *s, char **out, size_t *len, bw_error *err);

/* A pahole-style listing of the native layout of the named types (all types with a layout
 * when count is 0): offsets, sizes, bitfield positions, holes, bit holes, trailing padding,
 * cacheline boundaries, totals. An unknown name, or a type without native layout, is an error
 * naming it. Same ownership as bw_schema_print. */
int bw_schema_layout_table(const bw_schema *s, const char *const *names, size_t count, char **out,
                           size_t *len, bw_error *err);

#ifdef __cplusplus
}
#endif
#endif

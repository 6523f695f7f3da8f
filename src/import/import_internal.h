/* barewire import: what the importer's files share (internal; not installed).
 *
 * import.c parses the translation unit and owns the context; walk.c turns declarations into
 * the draft (records, fields, bitfields, enums, typedefs, selection, ordering) with records.c,
 * enums.c and ctypes.c (C types: spellings, kinds, a cache per clang type); names.c makes BARE
 * names; macros.c turns object-like macros into schema constants (macro_eval.c, macro_lex.c,
 * macro_expr.c, macro_names.c). Only src/import includes clang-c/. */
#ifndef BAREWIRE_IMPORT_INTERNAL_H
#define BAREWIRE_IMPORT_INTERNAL_H

#include <clang-c/Index.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barewire/import.h"
#include "barewire/schema.h"
#include "core/core.h"

/* ---- names (names.c) ------------------------------------------------------------------ */

/* BARE spellings of a C identifier; malloc'd, never NULL unless out of memory. */
char *bw_import_type_name(const char *c);             /* PascalCase user type name */
char *bw_import_field_name(const char *c, int camel); /* snake_case (or camelCase) field */
char *bw_import_member_name(const char *c);           /* UPPER_CASE enum member / constant */
/* The same written into buf when it has room (strlen(c) + 8 bytes), else malloc'd: the result
 * is buf or a string to free; NULL when out of memory. */
char *bw_import_type_name_buf(const char *c, char *buf, size_t cap);
char *bw_import_field_name_buf(const char *c, int camel, char *buf, size_t cap);
char *bw_import_member_name_buf(const char *c, char *buf, size_t cap);

/* A set of names handed out once each (a zeroed struct is an empty set). */
typedef struct bw_nameslot {
  const char *name; /* NULL: empty */
  uint64_t hash;
} bw_nameslot;
typedef struct bw_nameset {
  bw_nameslot *slots; /* open addressing; the names live in arena */
  size_t size;
  size_t count;
  bw_arena arena;
} bw_nameset;

/* Claims base, or base+sep+N (N = 2, 3, ...) when base is taken. Returns the claimed name
 * (owned by the set, valid until bw_nameset_free, clearing included) or NULL when out of
 * memory. */
const char *bw_nameset_claim(bw_nameset *set, const char *base, const char *sep);
int bw_nameset_has(const bw_nameset *set, const char *name);
/* Forgets every name (for reuse, e.g. one record's fields after another's); the names handed
 * out stay valid until bw_nameset_free. */
void bw_nameset_clear(bw_nameset *set);
void bw_nameset_free(bw_nameset *set);

/* ---- entities (walk.c) ---------------------------------------------------------------- */

typedef enum bw_entity_kind {
  BW_ENT_STRUCT,
  BW_ENT_UNION,
  BW_ENT_ENUM,
  BW_ENT_TYPEDEF
} bw_entity_kind;

typedef enum bw_entity_state {
  BW_ENT_NEW,
  BW_ENT_BUSY, /* being emitted: its dependencies are being emitted */
  BW_ENT_DONE, /* in the draft */
  BW_ENT_FAILED
} bw_entity_state;

/* An enumerator as enums.c read it: its name and value bits in the signedness of its enum's
 * integer type (kept for macro_names.c, which would otherwise read them again). */
typedef struct bw_enumerator {
  const char *c_name; /* ctx->strings */
  uint64_t bits;
} bw_enumerator;

/* One C declaration that may become a user type: a record or enum definition, or a typedef. */
typedef struct bw_entity {
  CXCursor cursor; /* the definition (records, enums) or the typedef declaration */
  CXCursor canon;  /* its canonical cursor, and that cursor's hash (walk.c's map) */
  unsigned hash;
  bw_entity_kind kind;
  bw_entity_state state;
  const char *c_name;   /* "struct stat", "cplx_t"; NULL for unnamed records (ctx->strings) */
  const char *tag;      /* identifier that names it ("stat", "cplx_t"); NULL when unnamed */
  const char *name;     /* BARE name (owned by ctx->type_names); NULL until assigned */
  const char *base;     /* walk.c: tag in PascalCase, the base of name (ctx->strings) */
  const char *base_tag; /* the tag base was made from (resolve_typedef may rename) */
  const char *file;     /* declaration site (ctx->strings), read by bw_import_entity_site */
  uint32_t line;
  int site_known;     /* file, line and builtin are filled (bw_import_entity_site) */
  int builtin;        /* declared in clang's builtin headers or the generated main file */
  int is_alias;       /* typedef of a record or enum (possibly through other typedefs) */
  size_t merged_into; /* typedef: index+1 of the record it only renames, 0 when none */
  size_t target;      /* alias: index+1 of the entity it refers to */
  size_t anon_count;  /* anonymous members numbered so far (records) */
  int unnamed;        /* a record C names only through an over-aligning typedef */
  const bw_enumerator *enumerators; /* enums that were built: every enumerator, in order */
  size_t enumerator_count;
  int enumerators_known;   /* enumerators is filled */
  int enumerators_signed;  /* the enum's integer type is signed */
  const bw_native *native; /* walk.c: the layout of the type emitted for it (DONE), or NULL */
} bw_entity;

/* ---- the import context ------------------------------------------------------------- */

typedef struct bw_import_macro {
  const char *c_name; /* ctx->strings */
  int64_t value;
  int is_unsigned;
  int state; /* 0 pending, 1 evaluated, 2 not an integer */
} bw_import_macro;

typedef struct bw_import_eval bw_import_eval; /* macro_eval.c */
typedef struct bw_import_expr bw_import_expr; /* macro_expr.c */

/* A preprocessing token of a macro (macro_eval.c, macro_expr.c). */
typedef struct bw_import_tok {
  const char *text;
  CXTokenKind kind;
} bw_import_tok;

/* Where one entry of a file lies in clang's source locations (spelling.c): a file location's
 * raw encoding (CXSourceLocation.int_data) is base + its offset in the file, for offsets below
 * size; the entries of other files, other inclusions of this file and macro expansions lie
 * elsewhere. text is the file's text, NULL when the range is unset. */
struct bw_file_range {
  unsigned base;
  size_t size;
  const char *text;
};

typedef struct bw_import_ctx {
  const bw_import_options *opts;
  CXIndex index;
  CXTranslationUnit tu;
  bw_draft *draft;
  bw_import_report *report;
  bw_error *err;
  int failed; /* a fatal problem: the import returns BW_EIMPORT */

  char *main_path; /* the generated main file (in memory) */
  char *main_text; /* its text */
  size_t main_header_lines;
  const char *resource_include; /* clang's builtin headers directory, "" when unknown */

  /* target facts */
  char *triple;
  uint32_t pointer_size;
  int big_endian;
  int char_signed;
  unsigned short_size, int_size, long_size, llong_size, size_t_size; /* bytes, for macros */

  /* strings that live as long as the import: entity names and file names */
  bw_arena strings;
  /* file names by clang file (open addressing; file NULL empty), valid for the walk */
  struct bw_file_name {
    CXFile file;
    const char *name;      /* ctx->strings; "./" prefixes removed */
    uint32_t *line_starts; /* offsets where its lines start (malloc'd), once asked */
    size_t line_count;
    int lines_known;
  } * file_names;
  size_t file_name_size;
  size_t file_name_count;

  /* entities, in declaration order, and a map from canonical cursor to entity */
  bw_entity *ents;
  size_t ent_count;
  size_t ent_cap;
  size_t *map; /* open addressing: entity index + 1, 0 empty */
  size_t map_size;
  bw_nameset type_names;
  bw_nameset constant_names;

  /* selection */
  regex_t *type_res;
  size_t type_re_count;
  regex_t *exclude_res;
  size_t exclude_re_count;

  /* macros (macros.c) */
  bw_import_macro *macros;
  size_t macro_count;
  size_t macro_cap;
  size_t macro_pending; /* macros left for clang to evaluate */
  bw_import_eval *eval; /* every macro definition, for macro_eval.c */
  CXFile macro_file;    /* the file of the last macro seen, and whether it is selected */
  int macro_file_known;
  int macro_file_wanted;
  int macro_file_system; /* the file of the last macro seen is a system header */
  bw_import_expr *expr;  /* name indexes for macro_expr.c */
  CXCursor *decls;       /* enum definitions, functions and variables in declaration order,
                            noted by the walk for macro_names.c (valid until a reparse) */
  CXFile *included;      /* the files #include directives entered (the walk notes them for
                            macro_eval.c's #undef scan; valid until a reparse) */
  size_t included_count;
  size_t included_cap;
  size_t decl_count;
  size_t decl_cap;

  size_t depth;            /* emission recursion depth */
  size_t mapped_slot;      /* walk.c: the entity the last map_type referred to (index + 1) */
  bw_nameset *field_names; /* records.c: the field names of the record built at each depth */
  bw_nameset enum_names;   /* enums.c: the member names of the enum being built */
  size_t field_name_count;

  /* What the walk learnt about each clang type (QualType) met, valid for the walk (open
   * addressing; key NULL empty): its spelling (bw_import_c_type_text), what a member of that
   * type maps to when that does not depend on the member (a primitive or pointer, or a user
   * type), and its size and alignment. */
  struct bw_type_text {
    const void *key;
    const char *text; /* draft string; NULL until asked */
    int mapped;       /* BW_TYPE_MAPPED_*: what map_type (top level) gave */
    bw_kind kind;     /* MAPPED_KIND: a new node of this kind */
    uint32_t flags;   /* MAPPED_KIND: the field flags it sets (BW_FIELD_POINTER) */
    size_t slot;      /* MAPPED_ENTITY: a reference to this entity (index + 1) */
    int layout_known; /* size and align are filled */
    long long size, align;
    int array_kind; /* records.c: 0 unknown, 1 other, 2 an array without elements ([], [0]) */
  } * type_text;
  size_t type_text_size;
  size_t type_text_count;

  /* spelling.c: the text of the files declarations were named from, by clang file (open
   * addressing; file NULL empty), and the last one asked; valid for the walk. */
  struct bw_file_text {
    CXFile file;
    const char *text; /* clang's buffer; NULL when clang has none */
    size_t size;
  } * file_texts, last_text;
  size_t file_text_size;
  size_t file_text_count;
  struct bw_file_range name_range;  /* the file of the last name read (spelling.c) */
  struct bw_file_range macro_range; /* the file of the last macro definition (walk.c) */
  size_t names_read, names_asked;   /* -DBW_IMPORT_CHECK: names from the text, from clang */
} bw_import_ctx;

/* Appends a line to the report (printf-style); marks it an error when is_error. */
void bw_import_note(bw_import_ctx *ctx, int is_error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reports a problem with a declaration: with keep_going a note that it was skipped, else an
 * error that fails the import. */
void bw_import_skip(bw_import_ctx *ctx, CXCursor where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reports, as a warning at the cursor, something left out that is not an error (an empty
 * record BARE cannot express). */
void bw_import_warn(bw_import_ctx *ctx, CXCursor where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Copies a CXString into a malloc'd C string and disposes of it (NULL when out of memory). */
char *bw_import_string(CXString s);

/* File (malloc'd, NULL when none) and line of a cursor's location. */
char *bw_import_location(CXCursor c, uint32_t *line, uint32_t *column);

/* The same, with the file name looked up once per clang file: owned by ctx (ctx->strings),
 * NULL when the location has no file or out of memory. line and column may be NULL. */
const char *bw_import_site(bw_import_ctx *ctx, CXCursor c, uint32_t *line, uint32_t *column);
/* Forgets the files bw_import_site met (their names stay in ctx->strings). */
void bw_import_files_free(bw_import_ctx *ctx);

/* walk.c: the entity of a declaration (index + 1), 0 when it is none. */
size_t bw_import_entity_of(const bw_import_ctx *ctx, CXCursor c);

/* walk.c: fills e's file, line and builtin (once; most typedefs never need them). */
void bw_import_entity_site(bw_import_ctx *ctx, bw_entity *e);

/* 1 when file is clang's builtin headers or the generated main file. */
int bw_import_is_builtin(const bw_import_ctx *ctx, const char *file);

/* 1 when the file is one --from selects (always 1 without --from). */
int bw_import_from_matches(const bw_import_ctx *ctx, const char *file);

/* walk.c helpers shared with enums.c: a C type's spelling without clang's "(anonymous at
 * path)" parts (draft string); signedness of a canonical builtin kind; the BARE kind of an
 * arithmetic type by signedness and size (BW_KIND_VOID when BARE has none). */
const char *bw_import_c_type_text(bw_import_ctx *ctx, CXType t);
/* ctypes.c: the cache entry of clang type t (keyed by t.data[0], the QualType with its sugar
 * and qualifiers), created empty when new; NULL when t has no key or out of memory. Valid
 * until the next call (the table may grow). mapped says what bw_import_map_type remembered. */
enum { BW_TYPE_MAPPED_NONE, BW_TYPE_MAPPED_KIND, BW_TYPE_MAPPED_ENTITY };
struct bw_type_text *bw_import_type_info(bw_import_ctx *ctx, CXType t);
/* clang's size and alignment of t (clang_Type_getSizeOf / getAlignOf), asked once per type. */
void bw_import_type_layout(bw_import_ctx *ctx, CXType t, long long *size, long long *align);
int bw_import_is_signed_kind(enum CXTypeKind k);
bw_kind bw_import_int_kind(long long size, int is_signed); /* BW_KIND_VOID: no such width */
bw_kind bw_import_builtin_kind(CXType t);

/* Result of mapping a C type (walk.c, records.c, enums.c). */
enum { MAP_OK = 0, MAP_EMPTY = 1, MAP_FAIL = -1 };

/* The name an unnamed record or enum met as a member's type gets: parent + the member's
 * PascalCase name, or parent + "Anon" + N for an anonymous member. Made only when such a type
 * is met (most members never need it). */
typedef struct bw_import_hint {
  const char *parent; /* the record's BARE name */
  const char *member; /* the member's C name; NULL for anonymous member number anon */
  size_t anon;
  int ready;
  char text[1024];
} bw_import_hint;
const char *bw_import_hint_text(bw_import_hint *h); /* NULL when out of memory */

/* walk.c: the wire type of C type t (emitting the user types it holds by value first); hint
 * names unnamed records met on the way; top is 1 for a member's own type. Sets
 * BW_FIELD_POINTER / BW_FIELD_FLEXIBLE in *flags (FLEXIBLE on entry: the member is the last,
 * so a zero-length array may be flexible). MAP_EMPTY: takes no space. */
int bw_import_map_type(bw_import_ctx *ctx, CXType t, bw_import_hint *hint, int top, uint32_t *flags,
                       CXCursor where, bw_type **out);

/* walk.c: bw_import_map_type of a member's own type (top 1), with t's cache entry when the
 * caller has it (info from bw_import_type_info, valid; NULL: looked up here). */
int bw_import_map_member(bw_import_ctx *ctx, CXType t, struct bw_type_text *info,
                         bw_import_hint *hint, uint32_t *flags, CXCursor where, bw_type **out);

/* records.c: the type of record entity idx (MAP_OK, MAP_EMPTY with *empty set, MAP_FAIL). */
int bw_import_build_record(bw_import_ctx *ctx, size_t idx, bw_type **out, int *empty);

/* enums.c: the constants of an unnamed file-scope enum; the type of enum entity idx (0, or -1
 * when it could not be imported, reported). */
void bw_import_enum_constants(bw_import_ctx *ctx, CXCursor en);
int bw_import_build_enum(bw_import_ctx *ctx, size_t idx, bw_type **out);

/* spelling.c: a declaration's name, read from its header's text where that is exact (see the
 * file's comment), else from clang_getCursorSpelling. */
typedef struct bw_import_name {
  const char *text; /* the name, "" for an unnamed declaration; valid until bw_import_name_done */
  size_t len;
  int from_clang; /* owned holds clang's string */
  CXString owned;
  char buf[128];
} bw_import_name;
/* The name of declaration c of the given kind (a typedef, a struct, union or enum definition, an
 * enumerator; other kinds ask clang). Returns n->text. Call bw_import_name_done after use. */
const char *bw_import_decl_name(bw_import_ctx *ctx, CXCursor c, enum CXCursorKind kind,
                                bw_import_name *n);
/* The name of field f: bitfield and declared (clang_getCursorType(f)) are what the walk asked. */
const char *bw_import_field_decl_name(bw_import_ctx *ctx, CXCursor f, int bitfield, CXType declared,
                                      bw_import_name *n);
void bw_import_name_done(bw_import_name *n);
/* Forgets the file texts (cursors and files die with a reparse). */
void bw_import_decl_names_free(bw_import_ctx *ctx);
/* The offset in r's file of location loc (1), or 0 when loc is not in r's range. */
static inline int bw_file_range_offset(const struct bw_file_range *r, CXSourceLocation loc,
                                       unsigned *offset) {
  unsigned delta = loc.int_data - r->base; /* wraps around below base */
  if (!r->text || delta >= r->size) return 0;
  *offset = delta;
  return 1;
}
/* Sets r to the entry of file that holds loc, at offset (what clang said of loc); leaves it
 * unset when clang has no text for the file. */
void bw_file_range_set(bw_import_ctx *ctx, struct bw_file_range *r, CXSourceLocation loc,
                       CXFile file, unsigned offset);

/* walk.c: collects the declarations, selects, and fills the draft. Returns 0 or BW_E*. */
int bw_import_walk(bw_import_ctx *ctx);
void bw_import_walk_free(bw_import_ctx *ctx);

/* macros.c: a macro definition cursor seen by the walk; wanted when it is in a selected
 * header (then an object-like macro is a candidate constant). */
void bw_import_macro_seen(bw_import_ctx *ctx, CXCursor c, int wanted);
/* Evaluates the macros collected and adds the integer ones as schema constants: through
 * macro_eval.c, and what that leaves through a reparse with one declaration per macro. Run it
 * after the walk (cursors are invalid after a reparse). */
int bw_import_macros_finish(bw_import_ctx *ctx);
void bw_import_macros_free(bw_import_ctx *ctx);

/* macro_eval.c: records a definition (the last of a name wins); *kept is the name as kept
 * (ctx->strings: as long as the import). Returns the name's candidate flag, for macros.c to
 * mark the names it recorded (kept across redefinitions; valid until the next definition), or
 * NULL when out of memory. bw_import_eval_macro evaluates object-like macro name as clang
 * would at the end of the unit: 1 with *value / *is_unsigned, 0 when it is not an integer
 * constant (a pointer, float or string), -1 when it cannot tell (ask clang). */
int *bw_import_eval_define(bw_import_ctx *ctx, CXCursor c, const char *name, int function_like,
                           const char **kept);
/* 1 when macro name's body is safe to hand to clang in a declaration (balanced, no braces,
 * semicolons, strings or statements). */
int bw_import_eval_safe(bw_import_ctx *ctx, const char *name);
int bw_import_eval_macro(bw_import_ctx *ctx, const char *name, int64_t *value, int *is_unsigned);
void bw_import_eval_free(bw_import_ctx *ctx);

/* macro_lex.c: the body tokens of the object-like macro name whose name starts at offset of
 * text (the file's n bytes), when the definition is one plain line (identifiers that are no
 * keywords, numbers, strings without escapes, integer operators): 1 with *body (in mem) and
 * *count, 0 when clang_tokenize must read it, -1 when out of memory. */
int bw_import_lex_plain(bw_arena *mem, const char *name, size_t offset, const char *text, size_t n,
                        bw_import_tok **body, size_t *count);

/* macro_expr.c: evaluates expanded macro tokens as an integer constant expression of the
 * target: 1 with *value / *is_unsigned (after integer promotion, as `(NAME) + 0`), 0 surely not
 * an integer constant, -1 not sure. */
int bw_import_expr_eval(bw_import_ctx *ctx, const bw_import_tok *t, size_t n, int64_t *value,
                        int *is_unsigned);
void bw_import_expr_free(bw_import_ctx *ctx);

/* macro_names.c: what a name left after expansion denotes. */
enum { BW_IDENT_ENUMERATOR = 1, BW_IDENT_FUNCTION, BW_IDENT_VARIABLE, BW_IDENT_OTHER_VALUE };
typedef struct bw_import_ident {
  const char *name; /* macro_names.c's arena or ctx->strings */
  int kind;         /* BW_IDENT_*: a variable of integer type, or of another (pointer, struct...) */
  int64_t value;    /* enumerators */
  int fits_int;     /* enumerators: the value is an int (its type in C) */
} bw_import_ident;
/* The typedef entity named name, the record or enum entity spelt "struct x", or 0 (index + 1);
 * the declaration a name denotes (the last one), or NULL. */
size_t bw_import_find_typedef(bw_import_ctx *ctx, const char *name);
size_t bw_import_find_tag(bw_import_ctx *ctx, const char *spelling);
const bw_import_ident *bw_import_find_ident(bw_import_ctx *ctx, const char *name);

#endif

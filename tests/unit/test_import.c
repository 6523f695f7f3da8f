/* Check suite for bw_import (src/import): C headers to a validated schema with clang's layout.
 *
 * Every layout number compared here comes from the C compiler that builds this test: the
 * declarations below are compiled into the test (sizeof, _Alignof, offsetof, bit positions
 * found by setting a bitfield in zeroed memory) and also written, as text, to a header in a
 * temporary directory that bw_import reads. Names, ordering, determinism, selection, macros,
 * targets and errors (code, report line and position) are checked as well. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "barewire/barewire.h"
#include "barewire/import.h"
#include "core/core.h"

/* The macros fixture, compiled in so that its values come from the compiler. */
#include "../../fixtures/headers/macros.h"

#define IM_STR_(...) #__VA_ARGS__
#define IM_STR(...) IM_STR_(__VA_ARGS__)

#define IM_RECORDS                                                                                 \
  struct rec_basic {                                                                               \
    char c;                                                                                        \
    int i;                                                                                         \
    double d;                                                                                      \
    short s;                                                                                       \
  };                                                                                               \
  struct rec_nested {                                                                              \
    struct rec_basic inner;                                                                        \
    char tag[3];                                                                                   \
    long long ll;                                                                                  \
  };                                                                                               \
  struct __attribute__((packed)) rec_packed {                                                      \
    char c;                                                                                        \
    int i;                                                                                         \
    short s;                                                                                       \
  };                                                                                               \
  struct rec_aligned {                                                                             \
    char c;                                                                                        \
    _Alignas(16) int i;                                                                            \
    char tail;                                                                                     \
  };                                                                                               \
  struct rec_anon {                                                                                \
    int kind;                                                                                      \
    union {                                                                                        \
      int as_int;                                                                                  \
      float as_float;                                                                              \
    };                                                                                             \
    struct {                                                                                       \
      short lo, hi;                                                                                \
    } pair;                                                                                        \
  };                                                                                               \
  typedef struct {                                                                                 \
    double re, im;                                                                                 \
  } rec_cplx_t;                                                                                    \
  typedef unsigned int rec_u32;                                                                    \
  struct rec_arrays {                                                                              \
    int grid[2][3];                                                                                \
    char name[5];                                                                                  \
    rec_cplx_t z[2];                                                                               \
    void *ptrs[2];                                                                                 \
    rec_u32 word;                                                                                  \
    struct rec_basic *next;                                                                        \
    long double ld;                                                                                \
    _Complex float cf;                                                                             \
  };                                                                                               \
  struct rec_flex {                                                                                \
    uint32_t n;                                                                                    \
    uint16_t items[];                                                                              \
  };                                                                                               \
  union rec_union {                                                                                \
    uint64_t u;                                                                                    \
    double d;                                                                                      \
    unsigned char b[8];                                                                            \
  };                                                                                               \
  typedef struct rec_basic rec_basic_t;

#define IM_BITFIELDS                                                                               \
  enum bf_mode { BF_OFF, BF_ON, BF_AUTO };                                                         \
  struct bf_flags {                                                                                \
    unsigned a : 3;                                                                                \
    unsigned : 2;                                                                                  \
    signed b : 5;                                                                                  \
    _Bool c : 1;                                                                                   \
    enum bf_mode mode : 2;                                                                         \
    unsigned : 0;                                                                                  \
    unsigned long long big : 40;                                                                   \
    unsigned char d : 4;                                                                           \
  };

#define IM_ENUMS                                                                                   \
  enum en_color { EN_RED, EN_GREEN = 5, EN_VERDE = 5, en_blue };                                   \
  enum en_sign { EN_NEG = -2, EN_POS = 7 };                                                        \
  enum __attribute__((packed)) en_small { EN_S0, EN_S1 };                                          \
  enum { EN_LOOSE_A = 11, EN_LOOSE_B };

#define IM_NAMES                                                                                   \
  struct nm_thing {                                                                                \
    int __pad0;                                                                                    \
    int pad0;                                                                                      \
    int _Upper;                                                                                    \
    int st_dev;                                                                                    \
  };                                                                                               \
  typedef struct nm_thing nm_thing;                                                                \
  typedef struct nm_thing nm_thing_t;                                                              \
  struct Mixed_case_name {                                                                         \
    int a;                                                                                         \
  };                                                                                               \
  struct mixed_case_name {                                                                         \
    int b;                                                                                         \
  };                                                                                               \
  enum nm_e { nm_lower, NM_UPPER, _nm_under };

IM_RECORDS
IM_BITFIELDS
IM_ENUMS
IM_NAMES

static char tmp_dir[256];

static void make_tmp_dir(void) {
  if (tmp_dir[0]) return;
  snprintf(tmp_dir, sizeof tmp_dir, "/tmp/bw_test_import_XXXXXX");
  if (!mkdtemp(tmp_dir)) {
    perror("mkdtemp");
    exit(EXIT_FAILURE);
  }
}

/* Writes text to tmp_dir/name after two #include lines (<stdint.h>, <stddef.h>) unless
 * bare; returns the malloc'd path. */
static char *write_file(const char *name, const char *text, int bare) {
  make_tmp_dir();
  size_t n = strlen(tmp_dir) + strlen(name) + 2;
  char *path = malloc(n);
  ck_assert_ptr_nonnull(path);
  snprintf(path, n, "%s/%s", tmp_dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  if (!bare) fputs("#include <stdint.h>\n#include <stddef.h>\n", f);
  fputs(text, f);
  fputc('\n', f);
  fclose(f);
  return path;
}

static char *write_header(const char *name, const char *text) {
  return write_file(name, text, 0);
}

/* Imports one header with default options (opts may be NULL); asserts success. */
static bw_schema *import_one(const char *path, bw_import_options *opts) {
  bw_import_options local;
  if (!opts) {
    memset(&local, 0, sizeof local);
    opts = &local;
  }
  const char *headers[1] = {path};
  opts->headers = headers;
  opts->header_count = 1;
  bw_schema *s = NULL;
  bw_import_report report;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_import(opts, &s, &report, &err);
  if (rc != 0)
    for (size_t i = 0; i < report.count; i++) fprintf(stderr, "%s\n", report.lines[i]);
  ck_assert_msg(rc == 0, "bw_import failed: %d %s", rc, err.message);
  bw_import_report_free(&report);
  opts->headers = NULL;
  opts->header_count = 0;
  return s;
}

static const bw_type *type_of(const bw_schema *s, const char *name) {
  const bw_user_type *u = bw_schema_find(s, name);
  ck_assert_msg(u != NULL, "type %s not imported", name);
  return u->type;
}

static const bw_native *native_of(const bw_schema *s, const char *name) {
  const bw_type *t = type_of(s, name);
  ck_assert_msg(t->native != NULL, "type %s has no layout", name);
  return t->native;
}

/* The field (struct) or member (C union) whose C name is c_name; anonymous members are looked
 * up by their BARE name. */
static const bw_field *field_of(const bw_schema *s, const char *type, const char *c_name) {
  const bw_type *t = type_of(s, type);
  const bw_field *fields = t->kind == BW_KIND_STRUCT ? t->fields : t->native->members;
  size_t count = t->kind == BW_KIND_STRUCT ? t->count : t->native->member_count;
  for (size_t i = 0; i < count; i++) {
    const char *n = fields[i].c_name ? fields[i].c_name : fields[i].name;
    if (strcmp(n, c_name) == 0) return &fields[i];
  }
  ck_abort_msg("%s has no field %s", type, c_name);
  return NULL;
}

#define ASSERT_RECORD(s, bare, ctype)                                                              \
  do {                                                                                             \
    const bw_native *n_ = native_of(s, bare);                                                      \
    ck_assert_uint_eq(n_->size, sizeof(ctype));                                                    \
    ck_assert_uint_eq(n_->align, _Alignof(ctype));                                                 \
  } while (0)

#define ASSERT_OFFSET(s, bare, ctype, member)                                                      \
  ck_assert_uint_eq(field_of(s, bare, #member)->offset, offsetof(ctype, member))

/* ---- records ------------------------------------------------------------------------------ */

START_TEST(records_match_the_compiler) {
  char *path = write_header("records.h", IM_STR(IM_RECORDS));
  bw_schema *s = import_one(path, NULL);

  ASSERT_RECORD(s, "RecBasic", struct rec_basic);
  ASSERT_OFFSET(s, "RecBasic", struct rec_basic, c);
  ASSERT_OFFSET(s, "RecBasic", struct rec_basic, i);
  ASSERT_OFFSET(s, "RecBasic", struct rec_basic, d);
  ASSERT_OFFSET(s, "RecBasic", struct rec_basic, s);

  ASSERT_RECORD(s, "RecNested", struct rec_nested);
  ASSERT_OFFSET(s, "RecNested", struct rec_nested, inner);
  ASSERT_OFFSET(s, "RecNested", struct rec_nested, tag);
  ASSERT_OFFSET(s, "RecNested", struct rec_nested, ll);

  ASSERT_RECORD(s, "RecPacked", struct rec_packed);
  ASSERT_OFFSET(s, "RecPacked", struct rec_packed, i);
  ASSERT_OFFSET(s, "RecPacked", struct rec_packed, s);
  ck_assert(native_of(s, "RecPacked")->flags & BW_NATIVE_PACKED);

  ASSERT_RECORD(s, "RecAligned", struct rec_aligned);
  ASSERT_OFFSET(s, "RecAligned", struct rec_aligned, i);
  ASSERT_OFFSET(s, "RecAligned", struct rec_aligned, tail);

  ASSERT_RECORD(s, "RecArrays", struct rec_arrays);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, grid);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, name);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, z);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, ptrs);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, word);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, next);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, ld);
  ASSERT_OFFSET(s, "RecArrays", struct rec_arrays, cf);

  ASSERT_RECORD(s, "RecFlex", struct rec_flex);
  ASSERT_OFFSET(s, "RecFlex", struct rec_flex, items);

  ASSERT_RECORD(s, "RecUnion", union rec_union);
  ck_assert(native_of(s, "RecUnion")->flags & BW_NATIVE_C_UNION);
  ck_assert_int_eq(type_of(s, "RecUnion")->kind, BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(type_of(s, "RecUnion")->length, sizeof(union rec_union));
  ck_assert_uint_eq(native_of(s, "RecUnion")->member_count, 3);

  ASSERT_RECORD(s, "RecCplxT", rec_cplx_t);
  ck_assert_str_eq(native_of(s, "RecCplxT")->c_name, "rec_cplx_t");
  bw_schema_free(s);
  free(path);
}
END_TEST

START_TEST(anonymous_members_are_generated_types) {
  char *path = write_header("anon.h", IM_STR(IM_RECORDS));
  bw_schema *s = import_one(path, NULL);
  /* The anonymous union is the first anonymous member of RecAnon: field anon0 of type
   * RecAnonAnon0, reachable members as_int / as_float at the union's offset. */
  const bw_field *anon = field_of(s, "RecAnon", "anon0");
  ck_assert(anon->flags & BW_FIELD_ANONYMOUS);
  ck_assert_ptr_null(anon->c_name);
  ck_assert_uint_eq(anon->offset, offsetof(struct rec_anon, as_int));
  ck_assert_str_eq(anon->type->ref_name, "RecAnonAnon0");
  ck_assert(native_of(s, "RecAnonAnon0")->flags & BW_NATIVE_C_UNION);
  ck_assert_uint_eq(native_of(s, "RecAnonAnon0")->size, sizeof(((struct rec_anon *)0)->as_int));
  ck_assert_ptr_null(native_of(s, "RecAnonAnon0")->c_name);
  /* A named member of an unnamed struct type: the type is named after parent and member. */
  const bw_field *pair = field_of(s, "RecAnon", "pair");
  ck_assert_str_eq(pair->type->ref_name, "RecAnonPair");
  ck_assert_uint_eq(native_of(s, "RecAnonPair")->size, sizeof(((struct rec_anon *)0)->pair));
  ck_assert_uint_eq(field_of(s, "RecAnonPair", "hi")->offset,
                    offsetof(struct rec_anon, pair.hi) - offsetof(struct rec_anon, pair));
  bw_schema_free(s);
  free(path);
}
END_TEST

START_TEST(field_types_follow_the_model) {
  char *path = write_header("types.h", IM_STR(IM_RECORDS));
  bw_schema *s = import_one(path, NULL);
  /* int grid[2][3]: list<list<i32>[3]>[2] */
  const bw_type *grid = field_of(s, "RecArrays", "grid")->type;
  ck_assert_int_eq(grid->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(grid->length, 2);
  ck_assert_int_eq(grid->elem->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(grid->elem->length, 3);
  ck_assert_int_eq(grid->elem->elem->kind, sizeof(int) == 4 ? BW_KIND_I32 : BW_KIND_I64);
  /* char name[5]: data[5] */
  const bw_type *name = field_of(s, "RecArrays", "name")->type;
  ck_assert_int_eq(name->kind, BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(name->length, sizeof(((struct rec_arrays *)0)->name));
  /* pointers: u64/u32 by pointer size, flagged, with the C type */
  const bw_field *next = field_of(s, "RecArrays", "next");
  ck_assert_int_eq(next->type->kind, sizeof(void *) == 8 ? BW_KIND_U64 : BW_KIND_U32);
  ck_assert(next->flags & BW_FIELD_POINTER);
  ck_assert_str_eq(next->c_type, "struct rec_basic *");
  /* a typedef of a primitive resolves, its name kept as the C type */
  const bw_field *word = field_of(s, "RecArrays", "word");
  ck_assert_int_eq(word->type->kind, BW_KIND_U32);
  ck_assert_str_eq(word->c_type, "rec_u32");
  /* long double: bytes of its size; _Complex float: list<f32>[2] */
  const bw_field *ld = field_of(s, "RecArrays", "ld");
  ck_assert_int_eq(ld->type->kind, BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(ld->type->length, sizeof(long double));
  ck_assert_str_eq(ld->c_type, "long double");
  const bw_field *cf = field_of(s, "RecArrays", "cf");
  ck_assert_int_eq(cf->type->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(cf->type->length, 2);
  ck_assert_int_eq(cf->type->elem->kind, BW_KIND_F32);
  /* flexible array: list<u16>, flagged */
  const bw_field *items = field_of(s, "RecFlex", "items");
  ck_assert_int_eq(items->type->kind, BW_KIND_LIST);
  ck_assert(items->flags & BW_FIELD_FLEXIBLE);
  /* typedef of a record: an alias; typedef naming an unnamed struct: the struct itself */
  ck_assert_int_eq(type_of(s, "RecBasicT")->kind, BW_KIND_REF);
  ck_assert_str_eq(type_of(s, "RecBasicT")->ref_name, "RecBasic");
  ck_assert_int_eq(type_of(s, "RecCplxT")->kind, BW_KIND_STRUCT);
  /* padding is not on the wire: RecBasic has exactly its four members */
  ck_assert_uint_eq(type_of(s, "RecBasic")->count, 4);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- bitfields ------------------------------------------------------------------------------ */

/* Finds the bits a bitfield occupies: the member is set to all ones in zeroed memory and the
 * set bits are read back in the target's (here: the host's) bit numbering. */
static void bit_range(const void *p, size_t size, uint64_t *first, uint32_t *width) {
  const unsigned char *b = p;
  int big = bw_host_big_endian();
  uint64_t lo = UINT64_MAX;
  uint32_t n = 0;
  for (size_t bit = 0; bit < size * 8; bit++) {
    unsigned shift = big ? 7 - (unsigned)(bit % 8) : (unsigned)(bit % 8);
    if (b[bit / 8] >> shift & 1) {
      if (lo == UINT64_MAX) lo = bit;
      n++;
    }
  }
  *first = lo;
  *width = n;
}

#define ASSERT_BITFIELD(s, member, ones)                                                           \
  do {                                                                                             \
    struct bf_flags x_;                                                                            \
    memset(&x_, 0, sizeof x_);                                                                     \
    x_.member = ones;                                                                              \
    uint64_t first_;                                                                               \
    uint32_t width_;                                                                               \
    bit_range(&x_, sizeof x_, &first_, &width_);                                                   \
    const bw_field *f_ = field_of(s, "BfFlags", #member);                                          \
    ck_assert(f_->flags &BW_FIELD_BITFIELD);                                                       \
    ck_assert_uint_eq(f_->bit_offset, first_);                                                     \
    ck_assert_uint_eq(f_->bit_width, width_);                                                      \
    ck_assert_uint_eq(f_->offset, first_ / 8);                                                     \
  } while (0)

START_TEST(bitfields_match_the_compiler) {
  char *path = write_header("bitfields.h", IM_STR(IM_BITFIELDS));
  bw_schema *s = import_one(path, NULL);
  ASSERT_RECORD(s, "BfFlags", struct bf_flags);
  ASSERT_BITFIELD(s, a, 7);
  ASSERT_BITFIELD(s, b, -1);
  ASSERT_BITFIELD(s, c, 1);
  ASSERT_BITFIELD(s, mode, 3);
  ASSERT_BITFIELD(s, big, 0xFFFFFFFFFFull);
  ASSERT_BITFIELD(s, d, 15);
  /* Unnamed and zero-width bitfields are padding, not fields. */
  ck_assert_uint_eq(type_of(s, "BfFlags")->count, 6);
  /* Smallest integer of the bitfield's signedness; bool; the enum kept. */
  ck_assert_int_eq(field_of(s, "BfFlags", "a")->type->kind, BW_KIND_U8);
  ck_assert_int_eq(field_of(s, "BfFlags", "b")->type->kind, BW_KIND_I8);
  ck_assert_int_eq(field_of(s, "BfFlags", "c")->type->kind, BW_KIND_BOOL);
  ck_assert_str_eq(field_of(s, "BfFlags", "mode")->type->ref_name, "BfMode");
  ck_assert_int_eq(field_of(s, "BfFlags", "big")->type->kind, BW_KIND_U64);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- enums -------------------------------------------------------------------------------- */

START_TEST(enums_sorted_with_aliases_kept) {
  char *path = write_header("enums.h", IM_STR(IM_ENUMS));
  bw_schema *s = import_one(path, NULL);
  const bw_type *color = type_of(s, "EnColor");
  ck_assert_int_eq(color->kind, BW_KIND_ENUM);
  /* one member per distinct value, ascending; the first enumerator names the value */
  ck_assert_uint_eq(color->count, 3);
  ck_assert_uint_eq(color->members[0].value, EN_RED);
  ck_assert_uint_eq(color->members[1].value, EN_GREEN);
  ck_assert_str_eq(color->members[1].c_name, "EN_GREEN");
  ck_assert_uint_eq(color->members[2].value, en_blue);
  ck_assert_str_eq(color->members[2].name, "EN_BLUE");
  ck_assert_str_eq(color->members[2].c_name, "en_blue");
  const bw_native *n = color->native;
  ck_assert(n->flags & BW_NATIVE_C_ENUM);
  ck_assert_uint_eq(n->size, sizeof(enum en_color));
  ck_assert_uint_eq(n->align, _Alignof(enum en_color));
  ck_assert_uint_eq(n->constant_count, 4); /* EN_VERDE kept as a constant */
  ck_assert_str_eq(n->constants[2].c_name, "EN_VERDE");
  ck_assert_int_eq(n->constants[2].value, EN_VERDE);
  ck_assert_ptr_nonnull(n->underlying);

  /* negative values: the underlying integer type, constants listed */
  const bw_type *sign = type_of(s, "EnSign");
  ck_assert_int_eq(sign->kind, sizeof(enum en_sign) == 4 ? BW_KIND_I32 : BW_KIND_I64);
  ck_assert_uint_eq(sign->native->constant_count, 2);
  ck_assert_int_eq(sign->native->constants[0].value, EN_NEG);
  ck_assert_int_eq(sign->native->constants[0].is_unsigned, 0);

  /* a packed enum has the size the compiler gives it */
  ck_assert_uint_eq(native_of(s, "EnSmall")->size, sizeof(enum en_small));

  /* an unnamed enum at file scope gives schema constants */
  int found = 0;
  for (size_t i = 0; i < bw_schema_constant_count(s); i++) {
    const bw_constant *c = bw_schema_constant_at(s, i);
    if (c->c_name && strcmp(c->c_name, "EN_LOOSE_B") == 0) {
      ck_assert_int_eq(c->value, EN_LOOSE_B);
      found = 1;
    }
  }
  ck_assert(found);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- names -------------------------------------------------------------------------------- */

START_TEST(names_are_valid_and_collision_free) {
  char *path = write_header("names.h", IM_STR(IM_NAMES));
  bw_schema *s = import_one(path, NULL);
  /* struct nm_thing -> NmThing; `typedef struct nm_thing nm_thing` only renames it */
  const bw_type *t = type_of(s, "NmThing");
  ck_assert_int_eq(t->kind, BW_KIND_STRUCT);
  ck_assert_str_eq(t->native->c_name, "struct nm_thing");
  ck_assert_str_eq(t->fields[0].name, "pad0"); /* __pad0 */
  ck_assert_str_eq(t->fields[0].c_name, "__pad0");
  ck_assert_str_eq(t->fields[1].name, "pad0_2"); /* pad0, after __pad0 took "pad0" */
  ck_assert_str_eq(t->fields[2].name, "upper");  /* _Upper */
  ck_assert_str_eq(t->fields[3].name, "st_dev");
  ck_assert_str_eq(type_of(s, "NmThingT")->ref_name, "NmThing");
  /* two C names with one PascalCase spelling: the later one gets a suffix */
  ck_assert_str_eq(native_of(s, "MixedCaseName")->c_name, "struct Mixed_case_name");
  ck_assert_str_eq(native_of(s, "MixedCaseName2")->c_name, "struct mixed_case_name");
  /* enum members upper case, leading underscores dropped, C names kept */
  const bw_type *e = type_of(s, "NmE");
  ck_assert_str_eq(e->members[0].name, "NM_LOWER");
  ck_assert_str_eq(e->members[0].c_name, "nm_lower");
  ck_assert_str_eq(e->members[2].name, "NM_UNDER");
  ck_assert_str_eq(e->members[2].c_name, "_nm_under");
  bw_schema_free(s);

  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.camel_fields = 1;
  s = import_one(path, &o);
  ck_assert_str_eq(type_of(s, "NmThing")->fields[3].name, "stDev");
  ck_assert_str_eq(type_of(s, "NmThing")->fields[1].name, "pad02");
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- order and determinism ------------------------------------------------------------------- */

static char *print_schema(const bw_schema *s) {
  char *text = NULL;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_schema_print(s, BW_PRINT_LAYOUT | BW_PRINT_DOCS, &text, NULL, &err), 0);
  return text;
}

START_TEST(output_is_define_before_use_and_deterministic) {
  char *path = write_header("order.h", IM_STR(IM_RECORDS IM_BITFIELDS IM_ENUMS IM_NAMES));
  bw_schema *a = import_one(path, NULL);
  bw_schema *b = import_one(path, NULL);
  char *ta = print_schema(a), *tb = print_schema(b);
  ck_assert_str_eq(ta, tb);
  /* every type is defined after the types it holds by value */
  const bw_user_type *basic = bw_schema_find(a, "RecBasic");
  const bw_user_type *nested = bw_schema_find(a, "RecNested");
  const bw_user_type *anon = bw_schema_find(a, "RecAnonAnon0");
  const bw_user_type *rec_anon = bw_schema_find(a, "RecAnon");
  ck_assert_uint_lt(basic->index, nested->index);
  ck_assert_uint_lt(anon->index, rec_anon->index);
  /* then declaration order */
  ck_assert_uint_lt(nested->index, bw_schema_find(a, "RecPacked")->index);
  free(ta);
  free(tb);
  bw_schema_free(a);
  bw_schema_free(b);
  free(path);
}
END_TEST

/* leave_clang (a tool about to exit) keeps clang's translation unit for the process exit: the
 * same schema as when it is freed, and, under the sanitizers' leak check, nothing lost (two
 * imports leave two units, both still reachable at exit). */
START_TEST(leave_clang_gives_the_same_schema) {
  char *path = write_header("leave.h", IM_STR(IM_RECORDS IM_BITFIELDS IM_ENUMS IM_NAMES));
  bw_import_options freed, left;
  memset(&freed, 0, sizeof freed);
  memset(&left, 0, sizeof left);
  left.leave_clang = 1;
  bw_schema *a = import_one(path, &freed);
  bw_schema *b = import_one(path, &left);
  bw_schema *c = import_one(path, &left);
  char *ta = print_schema(a), *tb = print_schema(b), *tc = print_schema(c);
  ck_assert_str_eq(ta, tb);
  ck_assert_str_eq(ta, tc);
  free(ta);
  free(tb);
  free(tc);
  bw_schema_free(a);
  bw_schema_free(b);
  bw_schema_free(c);
  free(path);
}
END_TEST

/* The C spelling of each type, as C code names it: tagged records and enums with their keyword
 * (the importer spells those itself), a typedef'd unnamed record by its typedef name. */
START_TEST(c_names_spell_tags_with_their_keyword) {
  char *path = write_header("cnames.h", "struct cn_s { int a; };\n"
                                        "union cn_u { int b; float c; };\n"
                                        "enum cn_e { CN_A = 1, CN_B };\n"
                                        "typedef struct { int d; } cn_t;\n"
                                        "struct cn_holder { struct cn_s s; union cn_u u; "
                                        "enum cn_e e; cn_t t; };\n");
  bw_schema *s = import_one(path, NULL);
  ck_assert_str_eq(native_of(s, "CnS")->c_name, "struct cn_s");
  ck_assert_str_eq(native_of(s, "CnU")->c_name, "union cn_u");
  ck_assert_str_eq(native_of(s, "CnE")->c_name, "enum cn_e");
  ck_assert_str_eq(native_of(s, "CnT")->c_name, "cn_t");
  ck_assert_str_eq(field_of(s, "CnHolder", "u")->c_type, "union cn_u");
  bw_schema_free(s);
  free(path);
}
END_TEST

START_TEST(generated_names_do_not_depend_on_include_order) {
  char *p1 = write_header("first.h", "struct ord_a { union { int x; float y; }; };");
  char *p2 = write_header("second.h", "struct ord_b { struct { int z; }; };");
  const char *ab[2] = {p1, p2}, *ba[2] = {p2, p1};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.header_count = 2;
  bw_schema *s1 = NULL, *s2 = NULL;
  o.headers = ab;
  ck_assert_int_eq(bw_import(&o, &s1, NULL, NULL), 0);
  o.headers = ba;
  ck_assert_int_eq(bw_import(&o, &s2, NULL, NULL), 0);
  ck_assert_ptr_nonnull(bw_schema_find(s1, "OrdAAnon0"));
  ck_assert_ptr_nonnull(bw_schema_find(s2, "OrdAAnon0"));
  ck_assert_ptr_nonnull(bw_schema_find(s1, "OrdBAnon0"));
  ck_assert_ptr_nonnull(bw_schema_find(s2, "OrdBAnon0"));
  bw_schema_free(s1);
  bw_schema_free(s2);
  free(p1);
  free(p2);
}
END_TEST

/* ---- selection ------------------------------------------------------------------------------- */

START_TEST(type_selection_pulls_in_dependencies) {
  char *path = write_header("select.h", IM_STR(IM_RECORDS));
  bw_import_options o;
  memset(&o, 0, sizeof o);
  const char *types[1] = {"^struct rec_nested$"};
  o.type_regexes = types;
  o.type_count = 1;
  bw_schema *s = import_one(path, &o);
  ck_assert_uint_eq(bw_schema_type_count(s), 2);
  ck_assert_ptr_nonnull(bw_schema_find(s, "RecBasic")); /* needed by value */
  ck_assert_ptr_nonnull(bw_schema_find(s, "RecNested"));
  bw_schema_free(s);

  memset(&o, 0, sizeof o);
  const char *excludes[1] = {"^Rec(Packed|Union)$"};
  o.exclude_regexes = excludes;
  o.exclude_count = 1;
  s = import_one(path, &o);
  ck_assert_ptr_null(bw_schema_find(s, "RecPacked"));
  ck_assert_ptr_null(bw_schema_find(s, "RecUnion"));
  ck_assert_ptr_nonnull(bw_schema_find(s, "RecFlex"));
  bw_schema_free(s);

  /* --from: only the glob's files; by default the system headers' types come too */
  memset(&o, 0, sizeof o);
  const char *from[1] = {"select.h"};
  o.from_globs = from;
  o.from_count = 1;
  s = import_one(path, &o);
  for (size_t i = 0; i < bw_schema_type_count(s); i++) {
    const bw_type *t = bw_schema_type_at(s, i)->type;
    if (t->native && t->native->file)
      ck_assert_msg(strstr(t->native->file, "select.h") != NULL, "%s", t->native->file);
  }
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- macros -------------------------------------------------------------------------------- */

static const bw_constant *constant(const bw_schema *s, const char *c_name) {
  for (size_t i = 0; i < bw_schema_constant_count(s); i++) {
    const bw_constant *c = bw_schema_constant_at(s, i);
    if (c->c_name && strcmp(c->c_name, c_name) == 0) return c;
  }
  return NULL;
}

START_TEST(macros_evaluated_by_clang) {
  bw_schema *s = import_one(BW_SOURCE_DIR "/fixtures/headers/macros.h", NULL);
  ck_assert_int_eq(constant(s, "MAC_DECIMAL")->value, MAC_DECIMAL);
  ck_assert_int_eq(constant(s, "MAC_OCTAL")->value, MAC_OCTAL);
  ck_assert_int_eq(constant(s, "MAC_CHAR")->value, MAC_CHAR);
  ck_assert_int_eq(constant(s, "MAC_NEGATIVE")->value, MAC_NEGATIVE);
  ck_assert_int_eq(constant(s, "MAC_MIN")->value, MAC_MIN);
  ck_assert_int_eq(constant(s, "MAC_EXPR")->value, MAC_EXPR);
  ck_assert_int_eq(constant(s, "MAC_TERNARY")->value, MAC_TERNARY);
  ck_assert_uint_eq((uint64_t)constant(s, "MAC_UBIG")->value, MAC_UBIG);
  ck_assert_int_eq(constant(s, "MAC_UBIG")->is_unsigned, 1);
  ck_assert_uint_eq((uint64_t)constant(s, "MAC_SHIFT")->value, MAC_SHIFT);
  ck_assert_uint_eq((uint64_t)constant(s, "MAC_SIZEOF")->value, MAC_SIZEOF);
  ck_assert_ptr_null(constant(s, "MAC_STRING"));
  ck_assert_ptr_null(constant(s, "MAC_FLOAT"));
  ck_assert_ptr_null(constant(s, "MAC_FUNCTION"));
  ck_assert_ptr_null(constant(s, "MAC_EMPTY"));
  ck_assert_ptr_null(constant(s, "MAC_TYPE"));
  bw_schema_free(s);

  /* A macro #undef'd later is not a constant; a redefined one has its last value. */
  char *path = write_header("undef.h", "#define MU_GONE 1\n#undef MU_GONE\n#define MU_TWICE 1\n"
                                       "#undef MU_TWICE\n#define MU_TWICE (MU_KEPT + 1)\n"
                                       "#define MU_KEPT 5\nstruct mu { int x; };\n");
  s = import_one(path, NULL);
  ck_assert_ptr_null(constant(s, "MU_GONE"));
  ck_assert_int_eq(constant(s, "MU_TWICE")->value, 6);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* Reserved names (C11 7.1.3: "__x", "_X") of system headers are the implementation's: skipped
 * unless all_macros. The same text read as a user header keeps every macro. */
#define RSV_TEXT                                                                                   \
  "#ifndef _RSV_SYS_H\n#define _RSV_SYS_H 1\n#define __RSV_FEATURE 2\n#define _rsv_lower 3\n"      \
  "#define RSV_PUBLIC 4\n#define RSV_USES (__RSV_FEATURE + 10)\nstruct rsv { int x; };\n#endif\n"

START_TEST(reserved_macros_of_system_headers_are_skipped) {
  char *path = write_file("rsv_sys.h", RSV_TEXT, 1);
  /* A user header: every macro is a constant. */
  bw_schema *s = import_one(path, NULL);
  ck_assert_int_eq(constant(s, "_RSV_SYS_H")->value, 1);
  ck_assert_int_eq(constant(s, "__RSV_FEATURE")->value, 2);
  ck_assert_int_eq(constant(s, "_rsv_lower")->value, 3);
  ck_assert_int_eq(constant(s, "RSV_PUBLIC")->value, 4);
  bw_schema_free(s);

  /* Found through -isystem it is a system header: "_RSV_SYS_H" and "__RSV_FEATURE" are
   * skipped, "_rsv_lower" (underscore, lowercase: file-scope reserved only) and the public
   * names stay, and a kept macro may still use a skipped one. */
  const char *args[2] = {"-isystem", tmp_dir};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.clang_args = args;
  o.clang_arg_count = 2;
  s = import_one("<rsv_sys.h>", &o);
  ck_assert_ptr_null(constant(s, "_RSV_SYS_H"));
  ck_assert_ptr_null(constant(s, "__RSV_FEATURE"));
  ck_assert_int_eq(constant(s, "_rsv_lower")->value, 3);
  ck_assert_int_eq(constant(s, "RSV_PUBLIC")->value, 4);
  ck_assert_int_eq(constant(s, "RSV_USES")->value, 12);
  ck_assert_uint_eq(bw_schema_constant_count(s), 3);
  bw_schema_free(s);

  /* all_macros keeps them. */
  o.all_macros = 1;
  s = import_one("<rsv_sys.h>", &o);
  ck_assert_int_eq(constant(s, "_RSV_SYS_H")->value, 1);
  ck_assert_int_eq(constant(s, "__RSV_FEATURE")->value, 2);
  ck_assert_uint_eq(bw_schema_constant_count(s), 5);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- targets ------------------------------------------------------------------------------- */

START_TEST(target_facts_come_from_clang) {
  /* No #include: the cross targets' C libraries need not be installed. */
  char *path = write_file("target.h", "struct tg { char c; long l; void *p; };", 1);
  bw_schema *s = import_one(path, NULL);
  const bw_target *t = bw_schema_target(s);
  ck_assert_ptr_nonnull(t);
  ck_assert_uint_eq(t->pointer_size, sizeof(void *));
  ck_assert_int_eq(t->big_endian, bw_host_big_endian());
  ck_assert_int_eq(t->char_signed, (char)-1 < 0);
  bw_schema_free(s);

  /* ABI facts of other targets: s390x is big-endian, ARM's char is unsigned, i686 is ILP32. */
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.target = "s390x-linux-gnu";
  s = import_one(path, &o);
  ck_assert_int_eq(bw_schema_target(s)->big_endian, 1);
  ck_assert_str_eq(bw_schema_target(s)->triple, "s390x-unknown-linux-gnu");
  bw_schema_free(s);
  o.target = "aarch64-linux-gnu";
  s = import_one(path, &o);
  ck_assert_int_eq(bw_schema_target(s)->char_signed, 0);
  ck_assert_int_eq(field_of(s, "Tg", "c")->type->kind, BW_KIND_U8);
  bw_schema_free(s);
  o.target = "i686-linux-gnu";
  s = import_one(path, &o);
  ck_assert_uint_eq(bw_schema_target(s)->pointer_size, 4);
  ck_assert_int_eq(field_of(s, "Tg", "l")->type->kind, BW_KIND_I32);
  ck_assert_int_eq(field_of(s, "Tg", "p")->type->kind, BW_KIND_U32);
  bw_schema_free(s);
  free(path);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------- */

static int report_has(const bw_import_report *r, const char *needle) {
  for (size_t i = 0; i < r->count; i++)
    if (strstr(r->lines[i], needle)) return 1;
  return 0;
}

START_TEST(missing_header_fails_with_clang_diagnostic) {
  bw_import_options o;
  memset(&o, 0, sizeof o);
  const char *headers[1] = {"/nonexistent/bw_missing.h"};
  o.headers = headers;
  o.header_count = 1;
  bw_schema *s = (bw_schema *)&o; /* must be reset to NULL */
  bw_import_report r;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import(&o, &s, &r, &err), BW_EIMPORT);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(err.code, BW_EIMPORT);
  ck_assert_uint_ge(r.error_count, 1);
  ck_assert(report_has(
      &r, "<command line>:1:10: fatal error: '/nonexistent/bw_missing.h' file not found"));
  bw_import_report_free(&r);
}
END_TEST

START_TEST(syntax_error_fails_at_its_position_unless_keep_going) {
  /* write_header adds two #include lines: the broken declaration is on line 4. */
  char *path = write_header("broken.h", "struct ok1 { int a; };\nstruct bad { int b; } oops\n"
                                        "struct ok2 { int c; };");
  bw_import_options o;
  memset(&o, 0, sizeof o);
  const char *headers[1] = {path};
  o.headers = headers;
  o.header_count = 1;
  bw_schema *s = NULL;
  bw_import_report r;
  ck_assert_int_eq(bw_import(&o, &s, &r, NULL), BW_EIMPORT);
  ck_assert_ptr_null(s);
  char where[512];
  snprintf(where, sizeof where, "%s:4:", path);
  ck_assert(report_has(&r, where));
  ck_assert(report_has(&r, ": error: expected ';'"));
  bw_import_report_free(&r);

  o.keep_going = 1;
  ck_assert_int_eq(bw_import(&o, &s, &r, NULL), 0);
  ck_assert_ptr_nonnull(bw_schema_find(s, "Ok1"));
  ck_assert_ptr_nonnull(bw_schema_find(s, "Ok2"));
  ck_assert(report_has(&r, where));
  bw_import_report_free(&r);
  bw_schema_free(s);
  free(path);
}
END_TEST

START_TEST(what_bare_cannot_carry_is_left_out_and_reported) {
  /* write_header adds two #include lines: the declarations start on line 3. */
  char *path = write_header("empty.h", "struct em_empty {};\n"
                                       "struct em_user { struct em_empty e; int q; };\n"
                                       "struct em_zero { int a; char mark[0]; int b; };\n"
                                       "struct em_bad { unknown_t x; };\n"
                                       "struct em_ok { int y; };");
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.keep_going = 1;
  const char *headers[1] = {path};
  o.headers = headers;
  o.header_count = 1;
  bw_schema *s = NULL;
  bw_import_report r;
  ck_assert_int_eq(bw_import(&o, &s, &r, NULL), 0);
  ck_assert_ptr_null(bw_schema_find(s, "EmEmpty"));
  ck_assert_ptr_null(bw_schema_find(s, "EmBad"));
  ck_assert_ptr_nonnull(bw_schema_find(s, "EmOk"));
  /* the member of the empty type and the zero-length array in the middle take no space */
  ck_assert_uint_eq(bw_schema_find(s, "EmUser")->type->count, 1);
  ck_assert_uint_eq(bw_schema_find(s, "EmZero")->type->count, 2);
  char where[512];
  snprintf(where, sizeof where, "%s:3:8: warning: struct em_empty is empty", path);
  ck_assert(report_has(&r, where));
  snprintf(where, sizeof where, "%s:6:8: warning: skipped: struct em_bad has errors", path);
  ck_assert(report_has(&r, where));
  ck_assert_uint_eq(r.error_count, 1); /* clang's unknown type name */
  bw_import_report_free(&r);
  bw_schema_free(s);
  free(path);
}
END_TEST

START_TEST(invalid_arguments) {
  bw_schema *s = NULL;
  bw_error err;
  bw_error_clear(&err);
  bw_import_options o;
  memset(&o, 0, sizeof o);
  ck_assert_int_eq(bw_import(&o, &s, NULL, &err), BW_EINVAL); /* no header */
  ck_assert_int_eq(bw_import(NULL, &s, NULL, NULL), BW_EINVAL);
  const char *headers[1] = {"bad\"name.h"};
  o.headers = headers;
  o.header_count = 1;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import(&o, &s, NULL, &err), BW_EINVAL);
  const char *types[1] = {"(unclosed"};
  headers[0] = "x.h";
  o.type_regexes = types;
  o.type_count = 1;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import(&o, &s, NULL, &err), BW_EINVAL);
  ck_assert(strstr(err.message, "(unclosed") != NULL);
}
END_TEST

static Suite *import_suite(void) {
  Suite *s = suite_create("import");
  TCase *tc = tcase_create("import");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, records_match_the_compiler);
  tcase_add_test(tc, anonymous_members_are_generated_types);
  tcase_add_test(tc, field_types_follow_the_model);
  tcase_add_test(tc, bitfields_match_the_compiler);
  tcase_add_test(tc, enums_sorted_with_aliases_kept);
  tcase_add_test(tc, names_are_valid_and_collision_free);
  tcase_add_test(tc, output_is_define_before_use_and_deterministic);
  tcase_add_test(tc, leave_clang_gives_the_same_schema);
  tcase_add_test(tc, c_names_spell_tags_with_their_keyword);
  tcase_add_test(tc, generated_names_do_not_depend_on_include_order);
  tcase_add_test(tc, type_selection_pulls_in_dependencies);
  tcase_add_test(tc, macros_evaluated_by_clang);
  tcase_add_test(tc, reserved_macros_of_system_headers_are_skipped);
  tcase_add_test(tc, target_facts_come_from_clang);
  tcase_add_test(tc, missing_header_fails_with_clang_diagnostic);
  tcase_add_test(tc, syntax_error_fails_at_its_position_unless_keep_going);
  tcase_add_test(tc, what_bare_cannot_carry_is_left_out_and_reported);
  tcase_add_test(tc, invalid_arguments);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  make_tmp_dir(); /* before the tests fork, so that every test writes here and main cleans up */
  SRunner *sr = srunner_create(import_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if (tmp_dir[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp_dir);
  }
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

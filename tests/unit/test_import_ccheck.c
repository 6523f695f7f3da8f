/* Check suite for bw_import_c_check (src/import/c_check.c): the C file that lets a compiler
 * judge an imported layout.
 *
 * The schemas here are built with the draft builder, and every number in them (sizes,
 * alignments, offsets, bit positions, enumerator and macro values) is taken from the C
 * compiler that builds this test: the declarations below are compiled into the test and also
 * written, as text, to a header that the generated check includes. The generated file is then
 * compiled with gcc (an independent compiler) and run. A correct layout must pass; a layout
 * with one deliberate error must fail, at compile time for offsets, sizes and values, at run
 * time for bitfield positions, naming the member. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "barewire/import.h"
#include "core/core.h"

#define CK_STR_(...) #__VA_ARGS__
#define CK_STR(...) CK_STR_(__VA_ARGS__)

/* The body of an anonymous struct member: kept in a macro so that the test can measure an
 * identical type with sizeof/_Alignof (C cannot name the member's own type). */
#define CK_ANON_BODY                                                                               \
  struct {                                                                                         \
    char a;                                                                                        \
    union {                                                                                        \
      long long wide;                                                                              \
      char narrow;                                                                                 \
    };                                                                                             \
    char b;                                                                                        \
  }

#define CK_DECLS                                                                                   \
  struct ck_point {                                                                                \
    int x;                                                                                         \
    double y;                                                                                      \
  };                                                                                               \
  typedef struct ck_point ck_point_t;                                                              \
  enum ck_mode { CK_OFF, CK_ON, CK_ALSO_ON = 1, CK_MAX = 9 };                                      \
  enum ck_delta { CK_DOWN = -1, CK_UP = 1 };                                                       \
  struct ck_flags {                                                                                \
    unsigned char tag;                                                                             \
    unsigned ready : 1;                                                                            \
    signed level : 5;                                                                              \
    _Bool ok : 1;                                                                                  \
    unsigned long long wide : 40;                                                                  \
  };                                                                                               \
  struct ck_anon {                                                                                 \
    int first;                                                                                     \
    CK_ANON_BODY;                                                                                  \
    int last;                                                                                      \
  };                                                                                               \
  union ck_either {                                                                                \
    int i;                                                                                         \
    float f;                                                                                       \
    unsigned bits : 3;                                                                             \
  };                                                                                               \
  struct ck_outer {                                                                                \
    struct {                                                                                       \
      short lo;                                                                                    \
      unsigned hi : 4;                                                                             \
    } inner[2];                                                                                    \
    union ck_either e;                                                                             \
    enum ck_mode mode;                                                                             \
    ck_point_t pt;                                                                                 \
    int flex[];                                                                                    \
  };

CK_DECLS

#define CK_LIMIT 7

/* The header the generated check includes: the same declarations, as text. */
static const char ck_header_text[] =
    "#define CK_LIMIT " CK_STR(CK_LIMIT) "\n" CK_STR(CK_DECLS) "\n";

/* Deliberate faults: each turns one number of the layout into a wrong one. */
enum ck_fault {
  FAULT_NONE,
  FAULT_OFFSET,      /* struct ck_point.y offset */
  FAULT_ANON_OFFSET, /* struct ck_anon.narrow, inside two anonymous members */
  FAULT_SIZE,        /* sizeof(struct ck_outer) */
  FAULT_ALIGN,       /* _Alignof(struct ck_point) */
  FAULT_BITFIELD,    /* struct ck_flags.level bit offset */
  FAULT_NESTED_BITS, /* struct ck_outer.inner[0].hi bit offset */
  FAULT_ENUM_VALUE,  /* CK_ALSO_ON */
  FAULT_MACRO,       /* CK_LIMIT */
  FAULT_UNDERLYING,  /* enum ck_mode's underlying type said to be int */
  FAULT_C_TYPE,      /* struct ck_point.x said to be unsigned int */
};

/* The bit range a bitfield occupies, measured on an instance where only it is all ones. */
typedef struct bit_range {
  uint64_t offset;
  uint32_t width;
} bit_range;

static bit_range measure_bits(const void *record, size_t size) {
  const unsigned char *p = record;
  bit_range r = {0, 0};
  int big = bw_host_big_endian();
  int first = 1;
  for (size_t i = 0; i < size; i++)
    for (unsigned j = 0; j < 8; j++)
      if ((p[i] >> j) & 1u) {
        uint64_t bit = i * 8u + (big ? 7u - j : j);
        if (first || bit < r.offset) r.offset = bit;
        first = 0;
        r.width++;
      }
  return r;
}

#define MEASURE(type, member, value)                                                               \
  __extension__({                                                                                  \
    type bw_v;                                                                                     \
    memset(&bw_v, 0, sizeof bw_v);                                                                 \
    bw_v.member = (value);                                                                         \
    measure_bits(&bw_v, sizeof bw_v);                                                              \
  })

static bw_field *add_field(bw_draft *d, bw_type *st, const char *name, bw_type *t, uint64_t off,
                           const char *c_type) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  ck_assert_ptr_nonnull(f);
  f->offset = off;
  f->c_name = name;
  f->c_type = c_type;
  return f;
}

static void set_bits(bw_field *f, bit_range r, int64_t skew) {
  f->flags |= BW_FIELD_BITFIELD;
  f->bit_offset = (uint64_t)((int64_t)r.offset + skew);
  f->bit_width = r.width;
  f->offset = f->bit_offset / 8;
}

static bw_native *set_native(bw_draft *d, bw_type *t, uint64_t size, uint64_t align,
                             const char *c_name) {
  bw_native *n = bw_draft_native(d, t);
  ck_assert_ptr_nonnull(n);
  n->size = size;
  n->align = align;
  n->c_name = c_name;
  return n;
}

/* Builds the schema of CK_DECLS with one fault (or none), numbers from this compiler. */
static bw_schema *build_schema(enum ck_fault fault) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(
      bw_draft_set_target(d, "host", (uint32_t)sizeof(void *), bw_host_big_endian(), (char)-1 < 0),
      0);

  /* struct ck_point, and its typedef as an alias */
  bw_type *point = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, point, "x", bw_draft_type(d, BW_KIND_I32), offsetof(struct ck_point, x),
            fault == FAULT_C_TYPE ? "unsigned int" : "int");
  add_field(d, point, "y", bw_draft_type(d, BW_KIND_F64),
            offsetof(struct ck_point, y) - (fault == FAULT_OFFSET ? 4 : 0), "double");
  set_native(d, point, sizeof(struct ck_point),
             _Alignof(struct ck_point) * (fault == FAULT_ALIGN ? 2 : 1), "struct ck_point");
  bw_draft_add_type(d, "CkPoint", point);
  bw_type *alias = bw_draft_ref(d, "CkPoint");
  set_native(d, alias, sizeof(ck_point_t), _Alignof(ck_point_t), "ck_point_t");
  bw_draft_add_type(d, "CkPointT", alias);

  /* enum ck_mode: non-negative, with an alias */
  bw_type *mode = bw_draft_type(d, BW_KIND_ENUM);
  bw_draft_add_enum_member(d, mode, "CK_OFF", 1, CK_OFF)->c_name = "CK_OFF";
  bw_draft_add_enum_member(d, mode, "CK_ON", 1, CK_ON)->c_name = "CK_ON";
  bw_draft_add_enum_member(d, mode, "CK_MAX", 1, CK_MAX)->c_name = "CK_MAX";
  bw_native *mn = set_native(d, mode, sizeof(enum ck_mode), _Alignof(enum ck_mode), "enum ck_mode");
  mn->flags = BW_NATIVE_C_ENUM;
  mn->underlying = fault == FAULT_UNDERLYING ? "int" : "unsigned int";
  bw_draft_add_native_constant(d, mn, "CK_OFF", "CK_OFF", CK_OFF, 1);
  bw_draft_add_native_constant(d, mn, "CK_ON", "CK_ON", CK_ON, 1);
  bw_draft_add_native_constant(d, mn, "CK_ALSO_ON", "CK_ALSO_ON",
                               CK_ALSO_ON + (fault == FAULT_ENUM_VALUE), 1);
  bw_draft_add_native_constant(d, mn, "CK_MAX", "CK_MAX", CK_MAX, 1);
  bw_draft_add_type(d, "CkMode", mode);

  /* enum ck_delta: negative values, carried as its underlying integer */
  bw_type *delta = bw_draft_type(d, BW_KIND_I32);
  bw_native *dn =
      set_native(d, delta, sizeof(enum ck_delta), _Alignof(enum ck_delta), "enum ck_delta");
  dn->flags = BW_NATIVE_C_ENUM;
  dn->underlying = "int";
  bw_draft_add_native_constant(d, dn, "CK_DOWN", "CK_DOWN", CK_DOWN, 0);
  bw_draft_add_native_constant(d, dn, "CK_UP", "CK_UP", CK_UP, 0);
  bw_draft_add_type(d, "CkDelta", delta);

  /* struct ck_flags: bitfields of every kind */
  bw_type *flags = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, flags, "tag", bw_draft_type(d, BW_KIND_U8), offsetof(struct ck_flags, tag),
            "unsigned char");
  set_bits(add_field(d, flags, "ready", bw_draft_type(d, BW_KIND_U8), 0, "unsigned int"),
           MEASURE(struct ck_flags, ready, 1), 0);
  set_bits(add_field(d, flags, "level", bw_draft_type(d, BW_KIND_I8), 0, "int"),
           MEASURE(struct ck_flags, level, -1), fault == FAULT_BITFIELD ? 1 : 0);
  set_bits(add_field(d, flags, "ok", bw_draft_type(d, BW_KIND_BOOL), 0, "_Bool"),
           MEASURE(struct ck_flags, ok, 1), 0);
  set_bits(add_field(d, flags, "wide", bw_draft_type(d, BW_KIND_U64), 0, "unsigned long long"),
           MEASURE(struct ck_flags, wide, (1ull << 40) - 1), 0);
  set_native(d, flags, sizeof(struct ck_flags), _Alignof(struct ck_flags), "struct ck_flags");
  bw_draft_add_type(d, "CkFlags", flags);

  /* struct ck_anon: an anonymous struct member holding an anonymous union member */
  const uint64_t anon_at = offsetof(struct ck_anon, a);
  const size_t un_size = sizeof(union {
    long long w;
    char n;
  });
  bw_type *un = bw_draft_data_fixed(d, un_size);
  bw_native *unn = set_native(d, un, un_size, _Alignof(union {
                                long long w;
                                char n;
                              }),
                              NULL);
  unn->flags = BW_NATIVE_C_UNION;
  bw_field *m = bw_draft_add_native_member(d, unn, "wide", bw_draft_type(d, BW_KIND_I64));
  m->c_name = "wide";
  m = bw_draft_add_native_member(d, unn, "narrow", bw_draft_type(d, BW_KIND_I8));
  m->c_name = "narrow";
  m->offset = fault == FAULT_ANON_OFFSET ? 1 : 0;
  bw_draft_add_type(d, "CkAnonAnon0Anon1", un);
  bw_type *inner = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, inner, "a", bw_draft_type(d, BW_KIND_I8), offsetof(struct ck_anon, a) - anon_at,
            "char");
  bw_field *f = add_field(d, inner, "anon1", bw_draft_ref(d, "CkAnonAnon0Anon1"),
                          offsetof(struct ck_anon, wide) - anon_at, NULL);
  f->c_name = NULL;
  f->flags |= BW_FIELD_ANONYMOUS;
  add_field(d, inner, "b", bw_draft_type(d, BW_KIND_I8), offsetof(struct ck_anon, b) - anon_at,
            "char");
  set_native(d, inner, sizeof(CK_ANON_BODY), _Alignof(CK_ANON_BODY), NULL);
  bw_draft_add_type(d, "CkAnonAnon0", inner);
  bw_type *anon = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, anon, "first", bw_draft_type(d, BW_KIND_I32), offsetof(struct ck_anon, first),
            "int");
  f = add_field(d, anon, "anon0", bw_draft_ref(d, "CkAnonAnon0"), anon_at, NULL);
  f->c_name = NULL;
  f->flags |= BW_FIELD_ANONYMOUS;
  add_field(d, anon, "last", bw_draft_type(d, BW_KIND_I32), offsetof(struct ck_anon, last), "int");
  set_native(d, anon, sizeof(struct ck_anon), _Alignof(struct ck_anon), "struct ck_anon");
  bw_draft_add_type(d, "CkAnon", anon);

  /* union ck_either: data[size] on the wire, members in the layout, one a bitfield */
  bw_type *either = bw_draft_data_fixed(d, sizeof(union ck_either));
  bw_native *en =
      set_native(d, either, sizeof(union ck_either), _Alignof(union ck_either), "union ck_either");
  en->flags = BW_NATIVE_C_UNION;
  m = bw_draft_add_native_member(d, en, "i", bw_draft_type(d, BW_KIND_I32));
  m->c_name = "i";
  m = bw_draft_add_native_member(d, en, "f", bw_draft_type(d, BW_KIND_F32));
  m->c_name = "f";
  m = bw_draft_add_native_member(d, en, "bits", bw_draft_type(d, BW_KIND_U8));
  m->c_name = "bits";
  set_bits(m, MEASURE(union ck_either, bits, 7), 0);
  bw_draft_add_type(d, "CkEither", either);

  /* struct ck_outer: an array of an anonymous record type, a union, an enum, an alias and a
   * flexible array */
  const struct ck_outer *o = NULL;
  bw_type *elem = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, elem, "lo", bw_draft_type(d, BW_KIND_I16),
            offsetof(struct ck_outer, inner[0].lo) - offsetof(struct ck_outer, inner), "short");
  bw_field *hi = add_field(d, elem, "hi", bw_draft_type(d, BW_KIND_U8), 0, "unsigned int");
  bit_range hr = MEASURE(struct ck_outer, inner[0].hi, 15);
  hr.offset -= offsetof(struct ck_outer, inner) * 8;
  set_bits(hi, hr, fault == FAULT_NESTED_BITS ? 1 : 0);
  set_native(d, elem, sizeof(o->inner[0]), _Alignof(__typeof__(o->inner[0])), NULL);
  bw_draft_add_type(d, "CkOuterInner", elem);
  bw_type *outer = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, outer, "inner", bw_draft_list_fixed(d, bw_draft_ref(d, "CkOuterInner"), 2),
            offsetof(struct ck_outer, inner), "struct {...}[2]");
  add_field(d, outer, "e", bw_draft_ref(d, "CkEither"), offsetof(struct ck_outer, e),
            "union ck_either");
  add_field(d, outer, "mode", bw_draft_ref(d, "CkMode"), offsetof(struct ck_outer, mode),
            "enum ck_mode");
  add_field(d, outer, "pt", bw_draft_ref(d, "CkPointT"), offsetof(struct ck_outer, pt),
            "ck_point_t");
  f = add_field(d, outer, "flex", bw_draft_list(d, bw_draft_type(d, BW_KIND_I32)),
                offsetof(struct ck_outer, flex), "int[]");
  f->flags |= BW_FIELD_FLEXIBLE;
  set_native(d, outer, sizeof(struct ck_outer) + (fault == FAULT_SIZE ? 8 : 0),
             _Alignof(struct ck_outer), "struct ck_outer");
  bw_draft_add_type(d, "CkOuter", outer);

  bw_draft_add_constant(d, "CK_LIMIT", "CK_LIMIT", CK_LIMIT + (fault == FAULT_MACRO), 0);

  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "validate: %u:%u: %s\n", diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
  return s;
}

/* A scratch directory with the declarations header. */
typedef struct scratch {
  char dir[64];
  char path[256];
} scratch;

static void scratch_open(scratch *w) {
  snprintf(w->dir, sizeof w->dir, "/tmp/bw_ccheck_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(w->dir));
  snprintf(w->path, sizeof w->path, "%s/decls.h", w->dir);
  FILE *fp = fopen(w->path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(ck_header_text, fp);
  fclose(fp);
}

/* BW_CCHECK_KEEP=1 in the environment keeps the directories for a look at the files. */
static void scratch_close(scratch *w) {
  if (getenv("BW_CCHECK_KEEP")) return;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
  ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return strdup("");
  bw_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) bw_buf_append(&b, chunk, n);
  fclose(fp);
  char *out = NULL;
  if (b.len == 0) return strdup("");
  ck_assert_int_eq(bw_buf_finish(&b, &out, NULL), 0);
  return out;
}

/* What happened to a generated check. */
typedef struct outcome {
  char *source;  /* the generated C file */
  int compiled;  /* gcc exit status was 0 */
  char *compile; /* gcc's output */
  int status;    /* exit status of the check when it compiled, else -1 */
  char *run;     /* its output */
} outcome;

static outcome check_with_gcc(enum ck_fault fault) {
  outcome r = {0};
  scratch w;
  scratch_open(&w);
  bw_schema *s = build_schema(fault);
  const char *headers[] = {w.path};
  bw_import_options opts = {0};
  opts.headers = headers;
  opts.header_count = 1;
  size_t len = 0;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import_c_check(s, &opts, &r.source, &len, &err), 0);
  ck_assert_uint_eq(len, strlen(r.source));
  bw_schema_free(s);

  char path[320], cmd[1200];
  snprintf(path, sizeof path, "%s/check.c", w.dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(r.source, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd,
           "gcc -std=c11 -Wall -Wextra -Werror -o '%s/check' '%s/check.c' > '%s/compile.log' 2>&1",
           w.dir, w.dir, w.dir);
  int rc = system(cmd);
  r.compiled = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
  snprintf(path, sizeof path, "%s/compile.log", w.dir);
  r.compile = slurp(path);
  r.status = -1;
  if (r.compiled) {
    snprintf(cmd, sizeof cmd, "'%s/check' > '%s/run.log' 2>&1", w.dir, w.dir);
    rc = system(cmd);
    r.status = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -2;
    snprintf(path, sizeof path, "%s/run.log", w.dir);
    r.run = slurp(path);
  }
  scratch_close(&w);
  return r;
}

static void outcome_free(outcome *r) {
  free(r->source);
  free(r->compile);
  free(r->run);
}

/* Expects compilation to fail because of the static assertion whose message is `message`. */
static void expect_compile_failure(enum ck_fault fault, const char *message) {
  outcome r = check_with_gcc(fault);
  if (r.compiled || !strstr(r.compile, message))
    fprintf(stderr, "--- gcc said:\n%s\n--- expected a failed assertion \"%s\"\n", r.compile,
            message);
  ck_assert(!r.compiled);
  ck_assert_ptr_nonnull(strstr(r.compile, message));
  ck_assert_ptr_nonnull(strstr(r.compile, "static assertion failed"));
  outcome_free(&r);
}

START_TEST(correct_layout_compiles_and_runs_clean) {
  outcome r = check_with_gcc(FAULT_NONE);
  if (!r.compiled) fprintf(stderr, "--- gcc said:\n%s\n--- source:\n%s\n", r.compile, r.source);
  ck_assert(r.compiled);
  ck_assert_str_eq(r.compile, ""); /* not even a warning under -Wall -Wextra */
  ck_assert_int_eq(r.status, 0);
  ck_assert_str_eq(r.run, "");
  outcome_free(&r);
}
END_TEST

START_TEST(wrong_offset_fails_to_compile) {
  expect_compile_failure(FAULT_OFFSET, "struct ck_point.y offset");
}
END_TEST

START_TEST(wrong_offset_inside_anonymous_members_fails) {
  /* narrow is a member of an anonymous union inside an anonymous struct: C reaches it by name */
  expect_compile_failure(FAULT_ANON_OFFSET, "struct ck_anon.narrow offset");
}
END_TEST

START_TEST(wrong_size_fails_to_compile) {
  expect_compile_failure(FAULT_SIZE, "struct ck_outer size");
}
END_TEST

START_TEST(wrong_alignment_fails_to_compile) {
  expect_compile_failure(FAULT_ALIGN, "struct ck_point alignment");
}
END_TEST

START_TEST(wrong_enumerator_value_fails_to_compile) {
  expect_compile_failure(FAULT_ENUM_VALUE, "enum ck_mode: CK_ALSO_ON value");
}
END_TEST

START_TEST(wrong_macro_value_fails_to_compile) {
  expect_compile_failure(FAULT_MACRO, "CK_LIMIT value");
}
END_TEST

START_TEST(wrong_enum_underlying_type_fails_to_compile) {
  /* gcc gives an enum without negative values the underlying type unsigned int */
  expect_compile_failure(FAULT_UNDERLYING, "enum ck_mode underlying type int");
}
END_TEST

START_TEST(wrong_member_c_type_fails_to_compile) {
  expect_compile_failure(FAULT_C_TYPE, "struct ck_point.x type unsigned int");
}
END_TEST

START_TEST(wrong_bitfield_position_fails_at_run_time) {
  outcome r = check_with_gcc(FAULT_BITFIELD);
  ck_assert(r.compiled);
  ck_assert_int_eq(r.status, 1);
  bit_range level = MEASURE(struct ck_flags, level, -1);
  char line[200];
  snprintf(line, sizeof line,
           "struct ck_flags.level: bit offset %llu width %u, expected bit offset %llu width %u\n",
           (unsigned long long)level.offset, level.width, (unsigned long long)level.offset + 1,
           level.width);
  ck_assert_str_eq(r.run, line); /* one line: only the faulty member */
  outcome_free(&r);
}
END_TEST

START_TEST(wrong_bitfield_in_array_of_anonymous_records_fails) {
  outcome r = check_with_gcc(FAULT_NESTED_BITS);
  ck_assert(r.compiled);
  ck_assert_int_eq(r.status, 1);
  ck_assert_ptr_nonnull(strstr(r.run, "struct ck_outer.inner[0].hi: bit offset "));
  ck_assert_ptr_null(strchr(strchr(r.run, '\n') + 1, '\n')); /* one line */
  outcome_free(&r);
}
END_TEST

START_TEST(text_names_every_check) {
  bw_schema *s = build_schema(FAULT_NONE);
  const char *headers[] = {"<stddef.h>", "dir/decls.h"};
  const char *args[] = {"-DFOO=3", "-D", "BAR", "-UBAZ", "-I/x"};
  bw_import_options opts = {0};
  opts.headers = headers;
  opts.header_count = 2;
  opts.clang_args = args;
  opts.clang_arg_count = 5;
  char *text = NULL, *again = NULL;
  ck_assert_int_eq(bw_import_c_check(s, &opts, &text, NULL, NULL), 0);
  ck_assert_int_eq(bw_import_c_check(s, &opts, &again, NULL, NULL), 0);
  ck_assert_str_eq(text, again); /* deterministic */
  /* headers as given, after the -D/-U of the import */
  ck_assert_ptr_nonnull(strstr(text,
                               "#define FOO 3\n#define BAR 1\n#undef BAZ\n#include <stddef.h>\n"
                               "#include \"dir/decls.h\"\n"));
  char want[300];
  snprintf(want, sizeof want,
           "_Static_assert(offsetof(struct ck_anon, narrow) == %zu, \"struct ck_anon.narrow "
           "offset\");\n",
           offsetof(struct ck_anon, narrow));
  ck_assert_ptr_nonnull(strstr(text, want));
  snprintf(want, sizeof want,
           "_Static_assert(sizeof(((struct ck_outer *)0)->inner[0].lo) == %zu, \"struct "
           "ck_outer.inner[0].lo size\");\n",
           sizeof(short));
  ck_assert_ptr_nonnull(strstr(text, want));
  snprintf(want, sizeof want, "_Static_assert(sizeof(ck_point_t) == %zu, \"ck_point_t size\");\n",
           sizeof(ck_point_t));
  ck_assert_ptr_nonnull(strstr(text, want));
  ck_assert_ptr_nonnull(
      strstr(text, "_Static_assert((CK_DOWN) == (-1LL), \"enum ck_delta: CK_DOWN value\");\n"));
  /* every check is guarded against member names that are macros */
  ck_assert_ptr_nonnull(strstr(text, "#if !defined(inner) && !defined(hi)\n"));
  /* the flexible array has an offset check but no size check */
  ck_assert_ptr_nonnull(strstr(text, "offsetof(struct ck_outer, flex)"));
  ck_assert_ptr_null(strstr(text, "sizeof(((struct ck_outer *)0)->flex)"));
  /* the C type of a member is compared where C can spell it, not for anonymous records */
  ck_assert_ptr_nonnull(strstr(text, "__builtin_types_compatible_p(__typeof__(((struct ck_outer "
                                     "*)0)->pt), ck_point_t)"));
  ck_assert_ptr_null(strstr(text, "->inner), "));
  free(text);
  free(again);
  bw_schema_free(s);
}
END_TEST

START_TEST(rejects_schema_without_target_and_bad_header) {
  bw_draft *d = bw_draft_new();
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_draft_add_field(d, st, "x", bw_draft_type(d, BW_KIND_U32));
  bw_draft_add_type(d, "Plain", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  char *text = (char *)1;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import_c_check(s, NULL, &text, NULL, &err), BW_EINVAL);
  ck_assert_ptr_null(text);
  ck_assert_int_eq(err.code, BW_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "no target"));
  bw_schema_free(s);

  s = build_schema(FAULT_NONE);
  const char *headers[] = {"bad\"name.h"};
  bw_import_options opts = {0};
  opts.headers = headers;
  opts.header_count = 1;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import_c_check(s, &opts, &text, NULL, &err), BW_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "header 1"));
  ck_assert_int_eq(bw_import_c_check(NULL, &opts, &text, NULL, NULL), BW_EINVAL);
  bw_schema_free(s);
}
END_TEST

/* Names are written into C code: text that is not a C identifier or type name (here, each
 * trying to end the assertion, start a directive or a comment) is skipped, never copied. */
START_TEST(hostile_names_are_skipped) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(
      bw_draft_set_target(d, "host", (uint32_t)sizeof(void *), bw_host_big_endian(), (char)-1 < 0),
      0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, st, "x", bw_draft_type(d, BW_KIND_I32), offsetof(struct ck_point, x),
            "int /* evil */");
  add_field(d, st, "y", bw_draft_type(d, BW_KIND_F64), offsetof(struct ck_point, y), "double")
      ->c_name = "y) == 8, \"\");\n#error evil-member\n_Static_assert((1";
  set_native(d, st, sizeof(struct ck_point), _Alignof(struct ck_point), "struct ck_point");
  bw_draft_add_type(d, "CkPoint", st);
  bw_type *bad = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, bad, "z", bw_draft_type(d, BW_KIND_I32), 0, "int");
  set_native(d, bad, 4, 4, "int) == 4, \"\"); int evil_type(void");
  bw_draft_add_type(d, "Bad", bad);
  bw_type *en = bw_draft_type(d, BW_KIND_ENUM);
  bw_draft_add_enum_member(d, en, "A", 1, 0)->c_name = "CK_OFF";
  bw_native *n = set_native(d, en, sizeof(enum ck_mode), _Alignof(enum ck_mode), "enum ck_mode");
  n->flags = BW_NATIVE_C_ENUM;
  n->underlying = "unsigned int\n#error evil-underlying";
  bw_draft_add_native_constant(d, n, "CK_OFF", "CK_OFF", CK_OFF, 1);
  bw_draft_add_native_constant(d, n, "B", "CK_ON\n#error evil-enumerator", 1, 1);
  bw_draft_add_type(d, "CkMode", en);
  bw_draft_add_constant(d, "CK_LIMIT", "CK_LIMIT", CK_LIMIT, 0);
  bw_draft_add_constant(d, "EVIL", "/* */ 1 || 1", 1, 0);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);

  scratch w;
  scratch_open(&w);
  const char *headers[] = {w.path};
  const char *args[] = {"-DOK=1", "-DEVIL\n#error evil-define", "-D/*=1", "-include", "a\"b"};
  bw_import_options opts = {0};
  opts.headers = headers;
  opts.header_count = 1;
  opts.clang_args = args;
  opts.clang_arg_count = 5;
  char *text = NULL;
  ck_assert_int_eq(bw_import_c_check(s, &opts, &text, NULL, NULL), 0);
  bw_schema_free(s);
  ck_assert_ptr_null(strstr(text, "evil"));
  ck_assert_ptr_null(strstr(text, "#error"));
  ck_assert_ptr_null(strstr(text, "/* */"));
  ck_assert_ptr_nonnull(strstr(text, "#define OK 1\n"));
  /* the member y, type Bad, the underlying type, one enumerator, one macro */
  ck_assert_ptr_nonnull(
      strstr(text, "; 5 skipped (names that are not C, const enum bitfields). */"));
  ck_assert_ptr_nonnull(strstr(text, "offsetof(struct ck_point, x)"));
  ck_assert_ptr_nonnull(strstr(text, "(CK_OFF) == 0ULL"));
  ck_assert_ptr_nonnull(strstr(text, "(CK_LIMIT) == 7LL"));

  /* What is left is still a check gcc accepts. */
  char path[320], cmd[1000];
  snprintf(path, sizeof path, "%s/check.c", w.dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd, "gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only '%s' 2>&1", path);
  ck_assert_int_eq(system(cmd), 0);
  free(text);
  scratch_close(&w);
}
END_TEST

/* A type name in a member's C type may be a macro where the check is compiled (gcc's stddef.h
 * defines __size_t empty, which glibc's <glob.h> uses as a typedef): the type comparison is
 * then left out, the offset and size checks stay. */
typedef unsigned int ck_word_t;
typedef unsigned short ck_half_t;
struct ck_w {
  ck_word_t n;
  ck_half_t h;
};
#define CK_W_DECLS                                                                                 \
  "typedef unsigned int ck_word_t;\ntypedef unsigned short ck_half_t;\n"                           \
  "struct ck_w { ck_word_t n; ck_half_t h; };\n#define ck_word_t\n"

START_TEST(type_names_that_are_macros_are_not_compared) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(
      bw_draft_set_target(d, "host", (uint32_t)sizeof(void *), bw_host_big_endian(), (char)-1 < 0),
      0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  add_field(d, st, "n", bw_draft_type(d, BW_KIND_U32), offsetof(struct ck_w, n), "ck_word_t");
  add_field(d, st, "h", bw_draft_type(d, BW_KIND_U16), offsetof(struct ck_w, h), "ck_half_t");
  set_native(d, st, sizeof(struct ck_w), _Alignof(struct ck_w), "struct ck_w");
  bw_draft_add_type(d, "CkW", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);

  scratch w;
  scratch_open(&w);
  char path[320], cmd[1000];
  snprintf(path, sizeof path, "%s/word.h", w.dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(CK_W_DECLS, fp);
  fclose(fp);
  const char *headers[] = {path};
  bw_import_options opts = {0};
  opts.headers = headers;
  opts.header_count = 1;
  char *text = NULL;
  ck_assert_int_eq(bw_import_c_check(s, &opts, &text, NULL, NULL), 0);
  bw_schema_free(s);
  ck_assert_ptr_nonnull(strstr(text,
                               "#if defined(__GNUC__) && !defined(ck_word_t)\n"
                               "_Static_assert(__builtin_types_compatible_p(__typeof__(((struct "
                               "ck_w *)0)->n), ck_word_t), "));
  ck_assert_ptr_nonnull(strstr(text, "#if defined(__GNUC__) && !defined(ck_half_t)\n"));

  /* gcc compiles it (without the guard: `__builtin_types_compatible_p(..., )`) and it runs
   * clean; the type of h is still compared. */
  snprintf(path, sizeof path, "%s/check.c", w.dir);
  fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd,
           "gcc -std=c11 -Wall -Wextra -Werror -o '%s/check' '%s' 2>&1 && '%s/check'", w.dir, path,
           w.dir);
  ck_assert_int_eq(system(cmd), 0);
  free(text);
  scratch_close(&w);
}
END_TEST

static Suite *ccheck_suite(void) {
  Suite *s = suite_create("import_ccheck");
  TCase *t = tcase_create("ccheck");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, correct_layout_compiles_and_runs_clean);
  tcase_add_test(t, wrong_offset_fails_to_compile);
  tcase_add_test(t, wrong_offset_inside_anonymous_members_fails);
  tcase_add_test(t, wrong_size_fails_to_compile);
  tcase_add_test(t, wrong_alignment_fails_to_compile);
  tcase_add_test(t, wrong_enumerator_value_fails_to_compile);
  tcase_add_test(t, wrong_macro_value_fails_to_compile);
  tcase_add_test(t, wrong_enum_underlying_type_fails_to_compile);
  tcase_add_test(t, wrong_member_c_type_fails_to_compile);
  tcase_add_test(t, wrong_bitfield_position_fails_at_run_time);
  tcase_add_test(t, wrong_bitfield_in_array_of_anonymous_records_fails);
  tcase_add_test(t, text_names_every_check);
  tcase_add_test(t, rejects_schema_without_target_and_bad_header);
  tcase_add_test(t, hostile_names_are_skipped);
  tcase_add_test(t, type_names_that_are_macros_are_not_compared);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(ccheck_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

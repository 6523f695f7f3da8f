/* Check suite for the schema printer and fingerprint (src/schema/print.c, fingerprint.c): the
 * exact canonical form, implicit values and tags, one-line type expressions, round trips
 * print -> parse -> print on every fixture, the `#@` annotations carrying every native-layout
 * feature of a draft built from real C declarations (compared field by field after the trip),
 * and fingerprints that ignore spacing, comments, docs and annotations but nothing else. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "schema/schema_internal.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static void dump(const bw_diags *dg) {
  for (size_t i = 0; i < dg->count; i++)
    fprintf(stderr, "  %u:%u: %s\n", dg->items[i].line, dg->items[i].column, dg->items[i].message);
}

static bw_schema *parse_with(const char *text, size_t len, int old_syntax) {
  bw_parse_options o = {0};
  o.old_syntax = old_syntax;
  bw_schema *s = NULL;
  bw_diags dg = {0};
  int rc = bw_schema_parse(text, len, &o, &s, &dg);
  if (rc != 0) {
    fprintf(stderr, "parse failed (%d) on:\n%.*s\n", rc, (int)len, text);
    dump(&dg);
  }
  ck_assert_int_eq(rc, 0);
  bw_diags_free(&dg);
  return s;
}

static bw_schema *parse(const char *text) {
  return parse_with(text, strlen(text), 0);
}

static char *print(const bw_schema *s, unsigned flags) {
  char *out = NULL;
  size_t len = 0;
  bw_error err = {0};
  ck_assert_int_eq(bw_schema_print(s, flags, &out, &len, &err), 0);
  ck_assert_uint_eq(len, strlen(out));
  return out;
}

static char *type_text(const bw_type *t) {
  char *out = NULL;
  ck_assert_int_eq(bw_type_print(t, &out, NULL, NULL), 0);
  return out;
}

static const bw_type *type_of(const bw_schema *s, const char *name) {
  const bw_user_type *u = bw_schema_find(s, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return u->type;
}

/* ---- canonical form ----------------------------------------------------------------------- */

START_TEST(canonical_form_exact) {
  const char *text =
      "# Schema doc.\n"
      "\n"
      "#  Point doc\n"
      "type Point struct { x: f64   y: f64 }  type Mode enum { A = 0 B = 1 C = 5 D }\n"
      "type Shape union { Point = 0 | Mode = 1 | str = 4 }\n"
      "type List list< optional< Point > >[ 3 ]\n"
      "type Tagged union {\n"
      "  # First.\n"
      "  | struct { a: u8 } = 3\n"
      "}\n";
  const char *expected = "# Schema doc.\n"
                         "\n"
                         "#  Point doc\n"
                         "type Point struct {\n"
                         "  x: f64\n"
                         "  y: f64\n"
                         "}\n"
                         "\n"
                         "type Mode enum {\n"
                         "  A\n"
                         "  B\n"
                         "  C = 5\n"
                         "  D\n"
                         "}\n"
                         "\n"
                         "type Shape union {\n"
                         "  | Point\n"
                         "  | Mode\n"
                         "  | str = 4\n"
                         "}\n"
                         "\n"
                         "type List list<optional<Point>>[3]\n"
                         "\n"
                         "type Tagged union {\n"
                         "  # First.\n"
                         "  | struct {\n"
                         "    a: u8\n"
                         "  } = 3\n"
                         "}\n";
  bw_schema *s = parse(text);
  char *out = print(s, BW_PRINT_DOCS);
  ck_assert_str_eq(out, expected);
  free(out);
  /* Without BW_PRINT_DOCS no comment is written. */
  out = print(s, 0);
  ck_assert_ptr_null(strchr(out, '#'));
  ck_assert(strncmp(out, "type Point struct {\n", 20) == 0);
  free(out);
  bw_schema_free(s);
}
END_TEST

START_TEST(values_printed_only_when_not_implicit) {
  bw_schema *s = parse("type E enum { A = 1 B = 2 C = 4 D = 5 }\n"
                       "type F enum { X = 0 Y = 18446744073709551615 }\n"
                       "type U union { u8 = 0 | u16 = 2 | u32 = 3 }\n");
  char *out = print(s, 0);
  ck_assert_str_eq(out, "type E enum {\n  A = 1\n  B\n  C = 4\n  D\n}\n\n"
                        "type F enum {\n  X\n  Y = 18446744073709551615\n}\n\n"
                        "type U union {\n  | u8\n  | u16 = 2\n  | u32\n}\n");
  free(out);
  bw_schema_free(s);
}
END_TEST

START_TEST(type_print_one_line) {
  bw_schema *s = parse("type C enum { R G }\n"
                       "type T struct {\n"
                       "  a: struct { left: i32 right: i32 }\n"
                       "  b: enum { ON OFF = 7 }\n"
                       "  c: union { str | u64 = 9 | struct { z: u8 } }\n"
                       "  d: map<C><list<optional<data>>>\n"
                       "  e: list<list<f64>[3]>[3]\n"
                       "  f: C\n"
                       "  g: data[16]\n"
                       "}\n");
  const bw_type *t = type_of(s, "T");
  static const char *const expected[] = {"struct { left: i32 right: i32 }",
                                         "enum { ON OFF = 7 }",
                                         "union { str | u64 = 9 | struct { z: u8 } }",
                                         "map<C><list<optional<data>>>",
                                         "list<list<f64>[3]>[3]",
                                         "C",
                                         "data[16]"};
  ck_assert_uint_eq(t->count, 7);
  for (size_t i = 0; i < 7; i++) {
    char *out = type_text(t->fields[i].type);
    ck_assert_str_eq(out, expected[i]);
    free(out);
  }
  char *out = NULL;
  ck_assert_int_eq(bw_type_print(NULL, &out, NULL, NULL), BW_EINVAL);
  /* Malformed nodes (a kind out of range, a list without its element) are refused. */
  bw_type bad = {0};
  bad.kind = (bw_kind)99;
  ck_assert_int_eq(bw_type_print(&bad, &out, NULL, NULL), BW_EINVAL);
  ck_assert_ptr_null(out);
  bad.kind = BW_KIND_LIST;
  ck_assert_int_eq(bw_type_print(&bad, &out, NULL, NULL), BW_EINVAL);
  /* A draft nested deeper than any validated schema: an error, not a stack overflow. */
  bw_draft *d = bw_draft_new();
  bw_type *deep = bw_draft_type(d, BW_KIND_U8);
  for (int i = 0; i < 20000; i++) deep = bw_draft_optional(d, deep);
  bw_error perr = {0};
  ck_assert_int_eq(bw_type_print(deep, &out, NULL, &perr), BW_ELIMIT);
  ck_assert_str_eq(perr.message, "type nesting too deep to print");
  bw_draft_free(d);
  ck_assert_int_eq(bw_type_print(t, NULL, NULL, NULL), BW_EINVAL);
  bw_error err = {0};
  ck_assert_int_eq(bw_schema_print(NULL, 0, &out, NULL, &err), BW_EINVAL);
  ck_assert_int_eq(err.code, BW_EINVAL);
  bw_schema_free(s);
}
END_TEST

/* ---- round trips on the fixtures ---------------------------------------------------------- */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* print(parse(file)) parses again to a schema that prints to the same bytes, with every
 * combination of flags. Returns the number of files checked. */
static int round_trip_dir(const char *sub, int old_syntax) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/fixtures/schemas/%s", BW_SOURCE_DIR, sub);
  DIR *dp = opendir(dir);
  ck_assert_msg(dp != NULL, "cannot open %s", dir);
  int files = 0;
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 5, ".bare") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    char *text = read_file(path, &len);
    bw_schema *s1 = parse_with(text, len, old_syntax);
    for (unsigned flags = 0; flags < 4; flags++) {
      char *p1 = print(s1, flags);
      bw_schema *s2 = parse_with(p1, strlen(p1), old_syntax);
      char *p2 = print(s2, flags);
      ck_assert_msg(strcmp(p1, p2) == 0, "%s (flags %u) not stable:\n%s\n---\n%s", path, flags, p1,
                    p2);
      uint8_t f1[BW_FINGERPRINT_SIZE], f2[BW_FINGERPRINT_SIZE];
      ck_assert_int_eq(bw_schema_fingerprint(s1, f1), 0);
      ck_assert_int_eq(bw_schema_fingerprint(s2, f2), 0);
      ck_assert(memcmp(f1, f2, sizeof f1) == 0);
      free(p1);
      free(p2);
      bw_schema_free(s2);
    }
    bw_schema_free(s1);
    free(text);
    files++;
  }
  closedir(dp);
  return files;
}

START_TEST(fixtures_round_trip) {
  ck_assert_int_ge(round_trip_dir("valid", 0), 5);
  ck_assert_int_ge(round_trip_dir("old", 1), 1);
}
END_TEST

START_TEST(imported_fixture_prints_as_written) {
  /* The annotated fixture is written in canonical form: fmt --layout leaves it unchanged. */
  char path[1024];
  snprintf(path, sizeof path, "%s/fixtures/schemas/valid/imported_layout.bare", BW_SOURCE_DIR);
  size_t len;
  char *text = read_file(path, &len);
  bw_schema *s = parse_with(text, len, 0);
  char *out = print(s, BW_PRINT_DOCS | BW_PRINT_LAYOUT);
  ck_assert_str_eq(out, text);
  free(out);
  bw_schema_free(s);
  free(text);
}
END_TEST

/* ---- annotations carry every native feature ----------------------------------------------- */

union rt_value {
  int32_t i;
  float f;
  unsigned char bytes[4];
};
enum rt_color { RT_RED, RT_CRIMSON = 0, RT_GREEN, RT_BLUE = 7 };
enum rt_sign { RT_MINUS = -1, RT_PLUS = 1 };
struct rt_anon {
  uint16_t x;
  uint16_t y;
};
struct rt_record {
  unsigned int kind : 3;
  unsigned int mode : 5;
  enum rt_color color;
  void *next;
  union rt_value value;
  struct {
    uint16_t x;
    uint16_t y;
  };
  enum rt_sign sign;
  char tail[];
};
struct rt_packed {
  uint8_t a;
  uint32_t b;
} __attribute__((packed));

/* Finds the bits a bitfield occupies by setting it in zeroed memory (the compiler's layout,
 * not a number typed in here), numbering bits as model.md says for the host's byte order. */
static void bit_range(const unsigned char *mem, size_t size, uint64_t *first, uint32_t *width) {
  int big = bw_host_big_endian();
  uint64_t lo = UINT64_MAX, count = 0;
  for (size_t byte = 0; byte < size; byte++)
    for (unsigned bit = 0; bit < 8; bit++)
      if (mem[byte] & (1u << bit)) {
        uint64_t b = byte * 8 + (big ? 7 - bit : bit);
        if (b < lo) lo = b;
        count++;
      }
  *first = lo;
  *width = (uint32_t)count;
}

static bw_field *native_field(bw_draft *d, bw_type *st, const char *name, bw_type *t,
                              uint64_t offset, const char *c_name, const char *c_type) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  ck_assert_ptr_nonnull(f);
  f->offset = offset;
  f->c_name = c_name ? bw_draft_strdup(d, c_name) : NULL;
  f->c_type = bw_draft_strdup(d, c_type);
  return f;
}

static bw_native *native_of(bw_draft *d, bw_type *t, uint64_t size, uint64_t align, uint32_t flags,
                            const char *c_name) {
  bw_native *n = bw_draft_native(d, t);
  ck_assert_ptr_nonnull(n);
  n->size = size;
  n->align = align;
  n->flags = flags;
  n->c_name = c_name ? bw_draft_strdup(d, c_name) : NULL;
  return n;
}

static bw_draft *build_native_draft(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(bw_draft_set_target(d, "test-triple \"quoted\"\\", (uint32_t)sizeof(void *),
                                       bw_host_big_endian(), (char)-1 < 0),
                   0);
  ck_assert_int_eq(bw_draft_set_doc(d, "Every native feature.\n\n  Indented, \"quoted\"."), 0);
  ck_assert_ptr_nonnull(bw_draft_add_constant(d, "S_IFMT", "S_IFMT", 0170000, 1));
  ck_assert_ptr_nonnull(bw_draft_add_constant(d, "MIN", NULL, INT64_MIN, 0));
  ck_assert_ptr_nonnull(bw_draft_add_constant(d, "MAX", "UINT64_MAX", -1, 1));
  ck_assert_ptr_nonnull(bw_draft_add_constant(d, "tab\tand\x01", "c", -42, 0));

  /* union rt_value -> data[sizeof] with its members. */
  bw_type *value = bw_draft_data_fixed(d, sizeof(union rt_value));
  bw_native *n = native_of(d, value, sizeof(union rt_value), _Alignof(union rt_value),
                           BW_NATIVE_C_UNION, "union rt_value");
  n->file = bw_draft_strdup(d, "dir with space/\"odd\"\\name\t\xc3\xa9.h");
  n->line = 4294967295u;
  bw_field *m = bw_draft_add_native_member(d, n, "i", bw_draft_type(d, BW_KIND_I32));
  m->offset = offsetof(union rt_value, i);
  m->c_name = "i";
  m->c_type = "int32_t";
  m->doc = "The integer view.\nSecond line.\r";
  m = bw_draft_add_native_member(d, n, "f", bw_draft_type(d, BW_KIND_F32));
  m->offset = offsetof(union rt_value, f);
  m->c_name = "f";
  m->c_type = "float";
  m = bw_draft_add_native_member(d, n, "bytes", bw_draft_data_fixed(d, 4));
  m->offset = offsetof(union rt_value, bytes);
  m->c_type = "unsigned char[4]";
  /* The member's type carries the C array's own layout, as the importer writes it. */
  bw_native *mn =
      native_of(d, m->type, sizeof(((union rt_value *)0)->bytes), _Alignof(unsigned char), 0, NULL);
  mn->underlying = "unsigned char";
  bw_user_type *u = bw_draft_add_type(d, "RtValue", value);
  u->doc = "A C union.";

  /* enum rt_color with an alias. */
  bw_type *color = bw_draft_type(d, BW_KIND_ENUM);
  bw_enum_member *em = bw_draft_add_enum_member(d, color, "RED", 0, 0);
  em->c_name = "RT_RED";
  em->doc = "Red.";
  em = bw_draft_add_enum_member(d, color, "GREEN", 0, 0);
  em->c_name = "RT_GREEN";
  em = bw_draft_add_enum_member(d, color, "BLUE", 1, RT_BLUE);
  em->c_name = "RT_BLUE";
  n = native_of(d, color, sizeof(enum rt_color), _Alignof(enum rt_color), BW_NATIVE_C_ENUM,
                "enum rt_color");
  n->underlying = "unsigned int";
  bw_draft_add_native_constant(d, n, "RED", "RT_RED", RT_RED, 1);
  bw_draft_add_native_constant(d, n, "CRIMSON", "RT_CRIMSON", RT_CRIMSON, 1);
  bw_draft_add_native_constant(d, n, "GREEN", "RT_GREEN", RT_GREEN, 1);
  bw_draft_add_native_constant(d, n, "BLUE", "RT_BLUE", RT_BLUE, 1);
  bw_draft_add_type(d, "RtColor", color);

  /* enum rt_sign has a negative value: carried as i32. */
  ck_assert_uint_eq(sizeof(enum rt_sign), 4);
  bw_type *sign = bw_draft_type(d, BW_KIND_I32);
  n = native_of(d, sign, sizeof(enum rt_sign), _Alignof(enum rt_sign), BW_NATIVE_C_ENUM,
                "enum rt_sign");
  n->underlying = "int";
  bw_draft_add_native_constant(d, n, "MINUS", "RT_MINUS", RT_MINUS, 0);
  bw_draft_add_native_constant(d, n, "PLUS", "RT_PLUS", RT_PLUS, 0);
  bw_draft_add_type(d, "RtSign", sign);

  /* The anonymous struct member, as a generated type without a C name. */
  bw_type *anon = bw_draft_type(d, BW_KIND_STRUCT);
  native_of(d, anon, sizeof(struct rt_anon), _Alignof(struct rt_anon), 0, NULL);
  native_field(d, anon, "x", bw_draft_type(d, BW_KIND_U16), offsetof(struct rt_anon, x), "x",
               "uint16_t");
  native_field(d, anon, "y", bw_draft_type(d, BW_KIND_U16), offsetof(struct rt_anon, y), "y",
               "uint16_t");
  bw_draft_add_type(d, "RtRecordAnon0", anon);

  /* struct rt_record: bitfields, an enum, a pointer, a union with an alias layout on the field
   * node, the anonymous member, a negative enum and a flexible array. */
  bw_type *rec = bw_draft_type(d, BW_KIND_STRUCT);
  n = native_of(d, rec, sizeof(struct rt_record), _Alignof(struct rt_record), 0,
                "struct rt_record");
  n->file = "records.h";
  n->line = 42;
  struct rt_record probe;
  memset(&probe, 0, sizeof probe);
  probe.kind = 7;
  uint64_t first;
  uint32_t width;
  bit_range((const unsigned char *)&probe, sizeof probe, &first, &width);
  bw_field *f =
      native_field(d, rec, "kind", bw_draft_type(d, BW_KIND_U8), first / 8, "kind", "unsigned int");
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = first;
  f->bit_width = width;
  f->doc = "Three bits.";
  memset(&probe, 0, sizeof probe);
  probe.mode = 31;
  bit_range((const unsigned char *)&probe, sizeof probe, &first, &width);
  f = native_field(d, rec, "mode", bw_draft_type(d, BW_KIND_U8), first / 8, "mode", "unsigned int");
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = first;
  f->bit_width = width;
  native_field(d, rec, "color", bw_draft_ref(d, "RtColor"), offsetof(struct rt_record, color),
               "color", "enum rt_color");
  f = native_field(d, rec, "next",
                   bw_draft_type(d, sizeof(void *) == 8 ? BW_KIND_U64 : BW_KIND_U32),
                   offsetof(struct rt_record, next), "next", "struct rt_record *");
  f->flags = BW_FIELD_POINTER;
  f = native_field(d, rec, "value", bw_draft_ref(d, "RtValue"), offsetof(struct rt_record, value),
                   "value", "union rt_value");
  native_of(d, f->type, sizeof(union rt_value), _Alignof(union rt_value), 0, "rt_value_t");
  f = native_field(d, rec, "anon0", bw_draft_ref(d, "RtRecordAnon0"), offsetof(struct rt_record, x),
                   NULL, "struct (anonymous)");
  f->flags = BW_FIELD_ANONYMOUS;
  native_field(d, rec, "sign", bw_draft_ref(d, "RtSign"), offsetof(struct rt_record, sign), "sign",
               "enum rt_sign");
  f = native_field(d, rec, "tail", bw_draft_list(d, bw_draft_type(d, BW_KIND_I8)),
                   offsetof(struct rt_record, tail), "tail", "char[]");
  f->flags = BW_FIELD_FLEXIBLE;
  u = bw_draft_add_type(d, "RtRecord", rec);
  u->doc = "The record.";

  /* typedef struct rt_record rt_record_t: an alias with its own C spelling. */
  bw_type *alias = bw_draft_ref(d, "RtRecord");
  native_of(d, alias, sizeof(struct rt_record), _Alignof(struct rt_record), 0, "rt_record_t");
  bw_draft_add_type(d, "RtRecordT", alias);

  /* A packed record. */
  bw_type *packed = bw_draft_type(d, BW_KIND_STRUCT);
  native_of(d, packed, sizeof(struct rt_packed), _Alignof(struct rt_packed), BW_NATIVE_PACKED,
            "struct rt_packed");
  native_field(d, packed, "a", bw_draft_type(d, BW_KIND_U8), offsetof(struct rt_packed, a), "a",
               "uint8_t");
  native_field(d, packed, "b", bw_draft_type(d, BW_KIND_U32), offsetof(struct rt_packed, b), "b",
               "uint32_t");
  bw_draft_add_type(d, "RtPacked", packed);

  /* A BARE union whose member node carries a layout. */
  bw_type *choice = bw_draft_type(d, BW_KIND_UNION);
  bw_union_member *um = bw_draft_add_union_member(d, choice, bw_draft_ref(d, "RtRecordT"), 0, 0);
  um->doc = "A record.";
  um = bw_draft_add_union_member(d, choice, bw_draft_type(d, BW_KIND_U8), 1, 5);
  native_of(d, um->type, 1, 1, 0, "uint8_t");
  bw_draft_add_type(d, "RtChoice", choice);
  return d;
}

#define ck_assert_same_str(a, b)                                                                   \
  do {                                                                                             \
    const char *a_ = (a), *b_ = (b);                                                               \
    ck_assert_msg((a_ == NULL) == (b_ == NULL) && (!a_ || strcmp(a_, b_) == 0),                    \
                  "%s: '%s' != '%s'", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
  } while (0)

static void compare_type(const bw_type *a, const bw_type *b);

static void compare_field(const bw_field *a, const bw_field *b) {
  ck_assert_same_str(a->name, b->name);
  ck_assert_same_str(a->doc, b->doc);
  ck_assert_uint_eq(a->offset, b->offset);
  ck_assert_uint_eq(a->bit_offset, b->bit_offset);
  ck_assert_uint_eq(a->bit_width, b->bit_width);
  ck_assert_uint_eq(a->flags, b->flags);
  ck_assert_same_str(a->c_name, b->c_name);
  ck_assert_same_str(a->c_type, b->c_type);
  compare_type(a->type, b->type);
}

static void compare_constant(const bw_constant *a, const bw_constant *b) {
  ck_assert_same_str(a->name, b->name);
  ck_assert_same_str(a->c_name, b->c_name);
  ck_assert(a->value == b->value);
  ck_assert_int_eq(a->is_unsigned, b->is_unsigned);
}

static void compare_native(const bw_native *a, const bw_native *b) {
  ck_assert((a == NULL) == (b == NULL));
  if (!a) return;
  ck_assert_uint_eq(a->size, b->size);
  ck_assert_uint_eq(a->align, b->align);
  ck_assert_uint_eq(a->flags, b->flags);
  ck_assert_same_str(a->c_name, b->c_name);
  ck_assert_same_str(a->underlying, b->underlying);
  ck_assert_same_str(a->file, b->file);
  ck_assert_uint_eq(a->line, b->line);
  ck_assert_uint_eq(a->member_count, b->member_count);
  for (size_t i = 0; i < a->member_count; i++) compare_field(&a->members[i], &b->members[i]);
  ck_assert_uint_eq(a->constant_count, b->constant_count);
  for (size_t i = 0; i < a->constant_count; i++)
    compare_constant(&a->constants[i], &b->constants[i]);
}

static void compare_type(const bw_type *a, const bw_type *b) {
  ck_assert_int_eq(a->kind, b->kind);
  ck_assert_uint_eq(a->length, b->length);
  ck_assert_uint_eq(a->count, b->count);
  ck_assert((a->elem == NULL) == (b->elem == NULL));
  if (a->elem) compare_type(a->elem, b->elem);
  ck_assert((a->key == NULL) == (b->key == NULL));
  if (a->key) compare_type(a->key, b->key);
  if (a->kind == BW_KIND_REF) ck_assert_str_eq(a->ref->name, b->ref->name);
  for (size_t i = 0; i < a->count; i++) {
    if (a->kind == BW_KIND_STRUCT) compare_field(&a->fields[i], &b->fields[i]);
    if (a->kind == BW_KIND_ENUM) {
      ck_assert_same_str(a->members[i].name, b->members[i].name);
      ck_assert_uint_eq(a->members[i].value, b->members[i].value);
      ck_assert_same_str(a->members[i].doc, b->members[i].doc);
      ck_assert_same_str(a->members[i].c_name, b->members[i].c_name);
    }
    if (a->kind == BW_KIND_UNION) {
      ck_assert_uint_eq(a->variants[i].tag, b->variants[i].tag);
      ck_assert_same_str(a->variants[i].doc, b->variants[i].doc);
      compare_type(a->variants[i].type, b->variants[i].type);
    }
  }
  compare_native(a->native, b->native);
}

static void compare_schemas(const bw_schema *a, const bw_schema *b) {
  ck_assert_same_str(bw_schema_doc(a), bw_schema_doc(b));
  const bw_target *ta = bw_schema_target(a), *tb = bw_schema_target(b);
  ck_assert((ta == NULL) == (tb == NULL));
  if (ta) {
    ck_assert_same_str(ta->triple, tb->triple);
    ck_assert_uint_eq(ta->pointer_size, tb->pointer_size);
    ck_assert_int_eq(ta->big_endian, tb->big_endian);
    ck_assert_int_eq(ta->char_signed, tb->char_signed);
  }
  ck_assert_uint_eq(bw_schema_constant_count(a), bw_schema_constant_count(b));
  for (size_t i = 0; i < bw_schema_constant_count(a); i++)
    compare_constant(bw_schema_constant_at(a, i), bw_schema_constant_at(b, i));
  ck_assert_uint_eq(bw_schema_type_count(a), bw_schema_type_count(b));
  for (size_t i = 0; i < bw_schema_type_count(a); i++) {
    const bw_user_type *ua = bw_schema_type_at(a, i), *ub = bw_schema_type_at(b, i);
    ck_assert_str_eq(ua->name, ub->name);
    ck_assert_same_str(ua->doc, ub->doc);
    compare_type(ua->type, ub->type);
  }
}

START_TEST(annotations_round_trip_every_native_feature) {
  bw_schema *s1 = NULL;
  bw_diags dg = {0};
  int rc = bw_draft_validate(build_native_draft(), NULL, &s1, &dg);
  if (rc) dump(&dg);
  ck_assert_int_eq(rc, 0);
  bw_diags_free(&dg);
  char *p1 = print(s1, BW_PRINT_LAYOUT | BW_PRINT_DOCS);
  bw_schema *s2 = parse(p1);
  compare_schemas(s1, s2);
  char *p2 = print(s2, BW_PRINT_LAYOUT | BW_PRINT_DOCS);
  ck_assert_str_eq(p1, p2);
  /* Spot checks of the text itself. */
  ck_assert_ptr_nonnull(strstr(p1, "#@ target triple=\"test-triple \\\"quoted\\\"\\\\\""));
  ck_assert_ptr_nonnull(strstr(p1, "file=\"dir with space/\\\"odd\\\"\\\\name\\t\\xc3\\xa9.h\""));
  ck_assert_ptr_nonnull(strstr(p1, "#@ constant name=\"MAX\" c_name=\"UINT64_MAX\" "
                                   "value=18446744073709551615 unsigned\n"));
  ck_assert_ptr_nonnull(strstr(p1, "#@ constant name=\"MIN\" value=-9223372036854775808\n"));
  ck_assert_ptr_nonnull(strstr(p1, "  #@ enumerator c_name=\"RT_RED\"\n  RED\n"));
  ck_assert_ptr_nonnull(strstr(p1, "#@ c_member name=\"bytes\" type=\"data[4]\" offset=0 "
                                   "c_type=\"unsigned char[4]\"\n"
                                   "#@ c_member_native size=4 align=1 underlying=\"unsigned "
                                   "char\"\n"));
  /* Without BW_PRINT_LAYOUT there is no annotation, and the result is a hand-written schema
   * (natural layouts, no target). */
  char *plain = print(s1, BW_PRINT_DOCS);
  ck_assert_ptr_null(strstr(plain, "#@"));
  bw_schema *s3 = parse(plain);
  ck_assert_ptr_null(bw_schema_target(s3));
  bw_schema_free(s3);
  free(plain);
  free(p1);
  free(p2);
  bw_schema_free(s1);
  bw_schema_free(s2);
}
END_TEST

START_TEST(odd_docs_print_stably) {
  /* Docs set by a builder may hold anything but NUL: CRLF line ends, control characters,
   * lines that look like annotations or are empty. Printing the parse of the printed text
   * gives the same bytes. */
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(bw_draft_set_doc(d, "line\r\n@not an annotation\n\n\x01\x7f\xff end\n"), 0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_field *f = bw_draft_add_field(d, st, "a", bw_draft_type(d, BW_KIND_U8));
  f->doc = "#@ native size=1 align=1\r";
  bw_user_type *u = bw_draft_add_type(d, "A", st);
  u->doc = "";
  bw_schema *s1 = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s1, NULL), 0);
  char *p1 = print(s1, BW_PRINT_DOCS);
  ck_assert_str_eq(p1, "# line\n# @not an annotation\n#\n# \x01\x7f\xff end\n#\n\n"
                       "#\ntype A struct {\n  # #@ native size=1 align=1\n  a: u8\n}\n");
  bw_schema *s2 = parse(p1);
  ck_assert_str_eq(bw_schema_doc(s2), "line\n@not an annotation\n\n\x01\x7f\xff end\n");
  ck_assert_str_eq(bw_schema_find(s2, "A")->doc, "");
  ck_assert_str_eq(type_of(s2, "A")->fields[0].doc, "#@ native size=1 align=1");
  char *p2 = print(s2, BW_PRINT_DOCS);
  ck_assert_str_eq(p1, p2);
  free(p1);
  free(p2);
  bw_schema_free(s1);
  bw_schema_free(s2);
}
END_TEST

START_TEST(natural_layouts_are_not_printed) {
  /* A hand-written schema gets natural layouts from validation; they are not annotations. */
  bw_schema *s = parse("type P struct { x: f64 y: f64 }\n");
  ck_assert_ptr_nonnull(type_of(s, "P")->native);
  char *out = print(s, BW_PRINT_LAYOUT | BW_PRINT_DOCS);
  ck_assert_str_eq(out, "type P struct {\n  x: f64\n  y: f64\n}\n");
  free(out);
  bw_schema_free(s);
}
END_TEST

/* ---- fingerprints ------------------------------------------------------------------------- */

static void fingerprint_of(const char *text, int old_syntax, uint8_t out[BW_FINGERPRINT_SIZE]) {
  bw_schema *s = parse_with(text, strlen(text), old_syntax);
  ck_assert_int_eq(bw_schema_fingerprint(s, out), 0);
  bw_schema_free(s);
}

START_TEST(fingerprint_ignores_spacing_and_comments) {
  static const char *const same[] = {
      "type A struct { x: u8 y: list<str> }\ntype E enum { P Q = 4 }\n",
      ("# doc\n\n# A's doc\ntype A struct {\n\tx: u8   # x\n  y: list< str >\n}\n\n\n"
       "type E enum {\n  P = 0\n  Q = 4 # four\n}"),
      "type A struct{x:u8 y:list<str>}type E enum{P Q=4}",
  };
  uint8_t first[BW_FINGERPRINT_SIZE], other[BW_FINGERPRINT_SIZE];
  fingerprint_of(same[0], 0, first);
  for (size_t i = 1; i < sizeof same / sizeof same[0]; i++) {
    fingerprint_of(same[i], 0, other);
    ck_assert_msg(memcmp(first, other, sizeof first) == 0, "variant %zu differs", i);
  }
  /* The old syntax spells the same schema differently. */
  fingerprint_of("type A { x: u8 y: []string }\nenum E { P Q = 4 }", 1, other);
  ck_assert(memcmp(first, other, sizeof first) == 0);
  /* The fingerprint is the SHA-256 of the canonical text without docs. */
  const char *canonical = "type A struct {\n  x: u8\n  y: list<str>\n}\n\n"
                          "type E enum {\n  P\n  Q = 4\n}\n";
  uint8_t expect[32];
  bw_sha256(canonical, strlen(canonical), expect);
  ck_assert(memcmp(first, expect, sizeof first) == 0);
  ck_assert_int_eq(bw_schema_fingerprint(NULL, other), BW_EINVAL);
}
END_TEST

START_TEST(fingerprint_ignores_layout_annotations) {
  char path[1024];
  snprintf(path, sizeof path, "%s/fixtures/schemas/valid/imported_layout.bare", BW_SOURCE_DIR);
  size_t len;
  char *text = read_file(path, &len);
  bw_schema *s = parse_with(text, len, 0);
  char *plain = print(s, 0);
  ck_assert_ptr_null(strstr(plain, "#"));
  uint8_t a[BW_FINGERPRINT_SIZE], b[BW_FINGERPRINT_SIZE];
  ck_assert_int_eq(bw_schema_fingerprint(s, a), 0);
  fingerprint_of(plain, 0, b);
  ck_assert(memcmp(a, b, sizeof a) == 0);
  free(plain);
  free(text);
  bw_schema_free(s);
}
END_TEST

START_TEST(fingerprint_changes_with_the_schema) {
  static const char *const different[] = {
      "type A struct { x: u8 y: list<str> }\ntype E enum { P Q = 4 }\n",    /* the base */
      "type A struct { z: u8 y: list<str> }\ntype E enum { P Q = 4 }\n",    /* field name */
      "type A struct { x: u16 y: list<str> }\ntype E enum { P Q = 4 }\n",   /* field type */
      "type A struct { y: list<str> x: u8 }\ntype E enum { P Q = 4 }\n",    /* field order */
      "type A struct { x: u8 y: list<str>[2] }\ntype E enum { P Q = 4 }\n", /* length */
      "type A struct { x: u8 y: list<str> }\ntype E enum { P Q = 5 }\n",    /* enum value */
      "type A struct { x: u8 y: list<str> }\ntype F enum { P Q = 4 }\n",    /* type name */
      "type E enum { P Q = 4 }\ntype A struct { x: u8 y: list<str> }\n",    /* type order */
  };
  size_t n = sizeof different / sizeof different[0];
  uint8_t prints[8][BW_FINGERPRINT_SIZE];
  for (size_t i = 0; i < n; i++) fingerprint_of(different[i], 0, prints[i]);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      ck_assert_msg(memcmp(prints[i], prints[j], BW_FINGERPRINT_SIZE) != 0,
                    "schemas %zu and %zu share a fingerprint", i, j);
}
END_TEST

/* Annotation strings are copied eight plain bytes at a time: every byte value, at every
 * position of a word and across word ends, must still come back exactly. */
START_TEST(annotation_strings_round_trip_every_byte_at_every_position) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(bw_draft_set_target(d, "x86_64-pc-linux-gnu", 8, 0, 1), 0);
  ck_assert_ptr_nonnull(bw_draft_add_type(d, "T", bw_draft_type(d, BW_KIND_U8)));
  char text[256 * 17][24];
  size_t n = 0;
  for (unsigned b = 1; b < 256; b++) {
    for (unsigned at = 0; at < 17; at++, n++) {
      memcpy(text[n], "plain-run-of-23-bytes..", 24); /* 23 characters and the NUL */
      text[n][at] = (char)b;
      char name[16];
      snprintf(name, sizeof name, "C%zu", n);
      ck_assert_ptr_nonnull(bw_draft_add_constant(d, name, text[n], (int64_t)n, 0));
    }
  }
  bw_schema *s1 = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s1, NULL), 0);
  char *p1 = print(s1, BW_PRINT_LAYOUT);
  bw_schema *s2 = parse(p1);
  ck_assert_uint_eq(bw_schema_constant_count(s2), n);
  for (size_t i = 0; i < n; i++) ck_assert_str_eq(bw_schema_constant_at(s2, i)->c_name, text[i]);
  free(p1);
  bw_schema_free(s1);
  bw_schema_free(s2);
}
END_TEST

static Suite *print_suite(void) {
  Suite *s = suite_create("schema_print");
  TCase *tc = tcase_create("canonical");
  tcase_add_test(tc, canonical_form_exact);
  tcase_add_test(tc, values_printed_only_when_not_implicit);
  tcase_add_test(tc, type_print_one_line);
  tcase_add_test(tc, fixtures_round_trip);
  tcase_add_test(tc, imported_fixture_prints_as_written);
  suite_add_tcase(s, tc);
  tc = tcase_create("annotations");
  tcase_add_test(tc, annotations_round_trip_every_native_feature);
  tcase_add_test(tc, natural_layouts_are_not_printed);
  tcase_add_test(tc, odd_docs_print_stably);
  suite_add_tcase(s, tc);
  tc = tcase_create("fingerprint");
  tcase_add_test(tc, fingerprint_ignores_spacing_and_comments);
  tcase_add_test(tc, fingerprint_ignores_layout_annotations);
  tcase_add_test(tc, fingerprint_changes_with_the_schema);
  tcase_add_test(tc, annotation_strings_round_trip_every_byte_at_every_position);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(print_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

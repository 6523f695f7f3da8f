/* Check suite: native -> BARE -> native round trips with random contents on every type of the
 * importer's fixture headers, as bw-import lays them out for x86-64 (little-endian) and for
 * s390x (big-endian): fixtures/memory/imported_{x86_64,s390x}.bare, written by
 *
 *   bw-import --target=TRIPLE fixtures/headers/{bitfields,packing,records,arrays,enums,
 *             scalars}.h --exclude='^arr_zero_length$' -o fixtures/memory/imported_ARCH.bare
 *
 * Every record gets random bytes (padding included); then every bool and enum in it is set to
 * a valid value through views, as C code would. The record is encoded, decoded into memory
 * full of 0xee, and the copy must hold the same values in every field (read through views, in
 * the schema's byte order) and encode to the same message. A record with a flexible array
 * member carries three elements. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/memory.h"
#include "barewire/schema.h"

#define FLEX_COUNT 3u

static uint64_t rng = 0x853c49e6748fea9bull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static bw_schema *load(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/fixtures/memory/%s", BW_SOURCE_DIR, name);
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  static char text[1 << 20];
  size_t len = fread(text, 1, sizeof text, f);
  fclose(f);
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_schema_parse(text, len, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "%s:%u:%u: %s\n", name, diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
  return s;
}

/* Leaf visitor: mode 0 makes bools and enums valid; mode 1 appends every leaf's value to out. */
typedef struct leaves {
  int mode;
  uint8_t *out;
  size_t len, cap;
} leaves;

static void append(leaves *l, const void *p, size_t n) {
  if (l->len + n > l->cap) {
    l->cap = (l->len + n) * 2;
    l->out = realloc(l->out, l->cap);
    ck_assert_ptr_nonnull(l->out);
  }
  memcpy(l->out + l->len, p, n);
  l->len += n;
}

static void leaf(const bw_view *v, leaves *l) {
  bw_kind k = bw_view_kind(v);
  if (l->mode == 0) {
    if (k == BW_KIND_BOOL) ck_assert_int_eq(bw_view_set_bool(v, (int)(rnd() & 1), NULL), 0);
    if (k == BW_KIND_ENUM) {
      const bw_enum_member *m = &v->type->members[rnd() % v->type->count];
      ck_assert_int_eq(bw_view_set_enum(v, m->value, NULL), 0);
    }
    return;
  }
  if (k == BW_KIND_DATA_FIXED) {
    const uint8_t *p;
    size_t n;
    ck_assert_int_eq(bw_view_get_bytes(v, &p, &n, NULL), 0);
    append(l, p, n);
  } else if (k == BW_KIND_F32) {
    float f;
    ck_assert_int_eq(bw_view_get_f32(v, &f, NULL), 0);
    append(l, &f, sizeof f);
  } else if (k == BW_KIND_F64) {
    double d;
    ck_assert_int_eq(bw_view_get_f64(v, &d, NULL), 0);
    append(l, &d, sizeof d);
  } else {
    uint64_t u;
    int64_t i;
    /* the widening reads: signed kinds as int64, the others as uint64 */
    if (bw_view_get_uint64(v, &u, NULL) != 0) {
      ck_assert_int_eq(bw_view_get_int64(v, &i, NULL), 0);
      u = (uint64_t)i;
    }
    append(l, &u, sizeof u);
  }
}

static void walk(const bw_view *v, leaves *l, int depth) {
  ck_assert_int_lt(depth, 64);
  const bw_type *t = v->type;
  bw_view sub;
  switch (t->kind) {
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < t->count; i++) {
        bw_error err;
        bw_error_clear(&err);
        int rc = bw_view_field(v, t->fields[i].name, &sub, &err);
        if (rc) fprintf(stderr, "field %s: %s\n", t->fields[i].name, err.message);
        ck_assert_int_eq(rc, 0);
        walk(&sub, l, depth + 1);
      }
      break;
    case BW_KIND_LIST_FIXED:
      for (uint64_t i = 0; i < t->length; i++) {
        ck_assert_int_eq(bw_view_index(v, i, &sub, NULL), 0);
        walk(&sub, l, depth + 1);
      }
      break;
    case BW_KIND_LIST: /* a flexible array: the elements the record carries */
      for (uint64_t i = 0; i < FLEX_COUNT; i++) {
        ck_assert_int_eq(bw_view_index(v, i, &sub, NULL), 0);
        walk(&sub, l, depth + 1);
      }
      break;
    default: /* scalars, enums, byte arrays and C unions (their bytes) */
      leaf(v, l);
      break;
  }
}

static void round_trip_all(const char *file) {
  bw_schema *s = load(file);
  size_t tested = 0;
  for (size_t ti = 0; ti < bw_schema_type_count(s); ti++) {
    const bw_user_type *ut = bw_schema_type_at(s, ti);
    bw_kind kind = bw_type_resolve(ut->type)->kind;
    if (kind != BW_KIND_STRUCT && kind != BW_KIND_DATA_FIXED) continue;
    bw_view pv;
    uint64_t size;
    /* the record's size with its flexible array, from a view over enough memory */
    {
      static uint8_t big[1 << 16];
      bw_region br;
      ck_assert_int_eq(bw_region_init_readonly(&br, big, sizeof big, NULL), 0);
      if (bw_view_init(&pv, s, ut->name, &br, 0, NULL) != 0) continue; /* no native layout */
      ck_assert_int_eq(bw_view_native_size(&pv, FLEX_COUNT, &size, NULL), 0);
    }
    uint8_t *orig = malloc(size), *back = malloc(size);
    for (int round = 0; round < 20; round++) {
      for (uint64_t i = 0; i < size; i++) orig[i] = (uint8_t)rnd();
      bw_region r, br;
      bw_view v, bv;
      ck_assert_int_eq(bw_region_init_writable(&r, orig, size, NULL), 0);
      ck_assert_int_eq(bw_view_init(&v, s, ut->name, &r, 0, NULL), 0);
      leaves fix = {0, NULL, 0, 0};
      walk(&v, &fix, 0);
      bw_native_options o = {0};
      o.flex_count = FLEX_COUNT;
      uint8_t *msg, *again;
      size_t len, len2;
      bw_error err;
      bw_error_clear(&err);
      int rc = bw_view_encode(&v, &o, &msg, &len, &err);
      if (rc) fprintf(stderr, "%s %s: encode: %s\n", file, ut->name, err.message);
      ck_assert_int_eq(rc, 0);
      memset(back, 0xee, size);
      ck_assert_int_eq(bw_region_init_writable(&br, back, size, NULL), 0);
      ck_assert_int_eq(bw_view_init(&bv, s, ut->name, &br, 0, NULL), 0);
      uint64_t count = 99;
      rc = bw_view_decode(&bv, msg, len, NULL, NULL, &count, &err);
      if (rc) fprintf(stderr, "%s %s: decode: %s\n", file, ut->name, err.message);
      ck_assert_int_eq(rc, 0);
      ck_assert_uint_eq(count, size > pv.size ? FLEX_COUNT : 0);
      leaves a = {1, NULL, 0, 0}, b = {1, NULL, 0, 0};
      walk(&v, &a, 0);
      walk(&bv, &b, 0);
      ck_assert_uint_eq(a.len, b.len);
      if (memcmp(a.out, b.out, a.len) != 0)
        fprintf(stderr, "%s %s: values differ\n", file, ut->name);
      ck_assert(memcmp(a.out, b.out, a.len) == 0);
      ck_assert_int_eq(bw_view_encode(&bv, &o, &again, &len2, NULL), 0);
      ck_assert_uint_eq(len2, len);
      ck_assert(memcmp(again, msg, len) == 0);
      free(a.out);
      free(b.out);
      free(msg);
      free(again);
    }
    free(orig);
    free(back);
    tested++;
  }
  ck_assert_uint_ge(tested, 50);
  bw_schema_free(s);
}

START_TEST(round_trip_every_imported_type_little_endian) {
  round_trip_all("imported_x86_64.bare");
}
END_TEST

START_TEST(round_trip_every_imported_type_big_endian) {
  round_trip_all("imported_s390x.bare");
}
END_TEST

/* C enums by name: aliases (EN_ALIAS_ONE is EN_ALIAS_FIRST's value) and an enum with a negative
 * enumerator, carried as i32 with its enumerators in the layout. */
START_TEST(c_enumerators_by_name) {
  bw_schema *s = load("imported_x86_64.bare");
  int32_t mem[1] = {0};
  bw_region r;
  bw_view v;
  uint64_t value;
  const char *name;
  ck_assert_int_eq(bw_region_init_writable(&r, mem, sizeof mem, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "EnAlias", &r, 0, NULL), 0);
  ck_assert_int_eq(bw_view_set_enum_name(&v, "EN_ALIAS_ONE", NULL), 0);
  ck_assert_int_eq(mem[0], 1);
  ck_assert_int_eq(bw_view_get_enum(&v, &value, &name, NULL), 0);
  ck_assert_str_eq(name, "EN_ALIAS_FIRST");
  ck_assert_int_eq(bw_view_init(&v, s, "EnSigned", &r, 0, NULL), 0);
  ck_assert_int_eq(bw_view_kind(&v), BW_KIND_I32);
  ck_assert_int_eq(bw_view_set_enum_name(&v, "EN_SIGNED_MINUS_TWO", NULL), 0);
  ck_assert_int_eq(mem[0], -2);
  ck_assert_int_eq(bw_view_get_enum(&v, &value, &name, NULL), 0);
  ck_assert_int_eq((int64_t)value, -2);
  ck_assert_str_eq(name, "EN_SIGNED_MINUS_TWO");
  mem[0] = 7;
  ck_assert_int_eq(bw_view_get_enum(&v, &value, &name, NULL), 0);
  ck_assert_ptr_null(name);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_set_enum_name(&v, "EN_NOPE", &err), BW_ENOTFOUND);
  ck_assert(strstr(err.message, "EN_NOPE") != NULL);
  bw_schema_free(s);
}
END_TEST

static Suite *imported_suite(void) {
  Suite *s = suite_create("memory_imported");
  TCase *tc = tcase_create("round_trips");
  tcase_add_test(tc, round_trip_every_imported_type_little_endian);
  tcase_add_test(tc, round_trip_every_imported_type_big_endian);
  tcase_add_test(tc, c_enumerators_by_name);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(imported_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

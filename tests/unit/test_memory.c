/* Check suite for src/memory: regions, views, C-syntax paths, typed get/set, type safety and
 * accessors, over struct tm_sample filled and read by compiled C code (the oracle). */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_memory_fixtures.h"

static void fill_sample(struct tm_sample *s, int seed) {
  memset(s, 0xa5, sizeof *s); /* padding holds garbage, as in real memory */
  s->a = (uint8_t)(200 + seed);
  s->b = (int16_t)(-12345 - seed);
  s->c = 4000000000u + (uint32_t)seed;
  s->d = -9000000000000LL * (seed + 1);
  s->e = 1.5f + (float)seed;
  s->f = -2.25e100;
  s->g = 1;
  s->h = UINT64_MAX - 7 - (uint64_t)seed;
  s->i = -100;
  strcpy(s->name, "hello");
  s->arr[0] = 1;
  s->arr[1] = 65535;
  s->arr[2] = (uint16_t)(300 + seed);
  for (int r = 0; r < 2; r++)
    for (int c = 0; c < 3; c++) s->m[r][c] = r * 1000 - c * 7 - seed;
  s->in.x = 7;
  s->in.y = 123456;
  for (int k = 0; k < 4; k++) {
    s->items[k].x = (uint8_t)(k + 1);
    s->items[k].y = (uint32_t)(k + 1) * 1000000u + (uint32_t)seed;
  }
  s->color = TM_BLUE;
}

static bw_view field(const bw_view *v, const char *path) {
  bw_view out;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_at(v, path, &out, &err);
  if (rc) fprintf(stderr, "%s: %s\n", path, err.message);
  ck_assert_int_eq(rc, 0);
  return out;
}

/* ---- regions ------------------------------------------------------------------------- */

START_TEST(region_bounds_and_slices) {
  uint8_t buf[16] = {0};
  bw_region r, s;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_region_init_writable(&r, NULL, 4, &err), BW_EINVAL);
  ck_assert_int_eq(bw_region_init_readonly(&r, NULL, 0, NULL), 0); /* empty is fine */
  ck_assert_int_eq(bw_region_init_writable(&r, buf, sizeof buf, NULL), 0);
  ck_assert_int_eq(bw_region_slice(&r, 4, 8, &s, NULL), 0);
  ck_assert_ptr_eq(s.base, buf + 4);
  ck_assert_uint_eq(s.len, 8);
  ck_assert_uint_eq(s.base_address, (uint64_t)(uintptr_t)(buf + 4));
  ck_assert_int_eq(bw_region_slice(&r, 16, 0, &s, NULL), 0); /* the empty tail */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_region_slice(&r, 9, 8, &s, &err), BW_ERANGE); /* 9 + 8 > 16 */
  ck_assert_uint_eq(err.offset, 9);
  ck_assert_int_eq(bw_region_slice(&r, UINT64_MAX, 2, &s, NULL), BW_ERANGE); /* no overflow */
  const void *p;
  ck_assert_int_eq(bw_region_address(&r, 15, 1, &p, NULL), 0);
  ck_assert_ptr_eq(p, buf + 15);
  ck_assert_int_eq(bw_region_address(&r, 15, 2, &p, NULL), BW_ERANGE);
  bw_region ro;
  ck_assert_int_eq(bw_region_init_readonly(&ro, buf, sizeof buf, NULL), 0);
  void *w;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_region_address_writable(&ro, 0, 1, &w, &err), BW_EREADONLY);
  ck_assert_int_eq(bw_region_address_writable(&r, 0, 1, &w, NULL), 0);
  ck_assert_ptr_eq(w, buf);
}
END_TEST

/* ---- views of struct tm_sample -------------------------------------------------------- */

START_TEST(view_reads_every_field_as_c_does) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  fill_sample(&c, 3);
  bw_region r = tm_region(&c, sizeof c, 0);
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  ck_assert_uint_eq(v.size, sizeof c);
  ck_assert_str_eq(bw_view_type_name(&v), "Sample");

  uint8_t u8;
  int16_t i16;
  uint32_t u32;
  int64_t i64;
  float f32;
  double f64;
  int b;
  uint64_t u64;
  int8_t i8;
  bw_view fv = field(&v, "a");
  ck_assert_int_eq(bw_view_get_u8(&fv, &u8, NULL), 0);
  ck_assert_uint_eq(u8, c.a);
  fv = field(&v, "b");
  ck_assert_int_eq(bw_view_get_i16(&fv, &i16, NULL), 0);
  ck_assert_int_eq(i16, c.b);
  fv = field(&v, "c");
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), 0);
  ck_assert_uint_eq(u32, c.c);
  fv = field(&v, "d");
  ck_assert_int_eq(bw_view_get_i64(&fv, &i64, NULL), 0);
  ck_assert_int_eq(i64, c.d);
  fv = field(&v, "e");
  ck_assert_int_eq(bw_view_get_f32(&fv, &f32, NULL), 0);
  ck_assert(f32 == c.e);
  fv = field(&v, "f");
  ck_assert_int_eq(bw_view_get_f64(&fv, &f64, NULL), 0);
  ck_assert(f64 == c.f);
  fv = field(&v, "g");
  ck_assert_int_eq(bw_view_get_bool(&fv, &b, NULL), 0);
  ck_assert_int_eq(b, c.g);
  fv = field(&v, "h");
  ck_assert_int_eq(bw_view_get_u64(&fv, &u64, NULL), 0);
  ck_assert_uint_eq(u64, c.h);
  fv = field(&v, "i");
  ck_assert_int_eq(bw_view_get_i8(&fv, &i8, NULL), 0);
  ck_assert_int_eq(i8, c.i);

  /* char name[12]: as bytes (all 12, in place) and as a C string bounded by the array */
  const uint8_t *bytes;
  size_t len;
  fv = field(&v, "name");
  ck_assert_int_eq(bw_view_get_bytes(&fv, &bytes, &len, NULL), 0);
  ck_assert_ptr_eq(bytes, (const uint8_t *)c.name);
  ck_assert_uint_eq(len, sizeof c.name);
  const char *str;
  ck_assert_int_eq(bw_view_get_cstr(&fv, &str, &len, NULL), 0);
  ck_assert_uint_eq(len, 5);
  ck_assert(memcmp(str, "hello", 5) == 0);

  /* one char of the array: a byte of the host's char signedness, as C reads it */
  c.name[1] = (char)0xe9;
  fv = field(&v, "name[1]");
  ck_assert_int_eq(bw_view_kind(&fv), (char)-1 < 0 ? BW_KIND_I8 : BW_KIND_U8);
  int64_t ch;
  ck_assert_int_eq(bw_view_get_int64(&fv, &ch, NULL), 0);
  ck_assert_int_eq(ch, c.name[1]);
  c.name[1] = 'e';
  bw_view past;
  bw_error perr;
  bw_error_clear(&perr);
  ck_assert_int_eq(bw_view_at(&v, "name[12]", &past, &perr), BW_ERANGE);
  ck_assert_uint_eq(perr.column, 6);
  for (int k = 0; k < 3; k++) {
    char path[32];
    snprintf(path, sizeof path, "arr[%d]", k);
    uint16_t u16;
    fv = field(&v, path);
    ck_assert_int_eq(bw_view_get_u16(&fv, &u16, NULL), 0);
    ck_assert_uint_eq(u16, c.arr[k]);
  }
  for (int row = 0; row < 2; row++)
    for (int col = 0; col < 3; col++) {
      char path[32];
      snprintf(path, sizeof path, "m[%d][%d]", row, col);
      int32_t i32;
      fv = field(&v, path);
      ck_assert_int_eq(bw_view_get_i32(&fv, &i32, NULL), 0);
      ck_assert_int_eq(i32, c.m[row][col]);
    }
  fv = field(&v, "in.x");
  ck_assert_int_eq(bw_view_get_u8(&fv, &u8, NULL), 0);
  ck_assert_uint_eq(u8, c.in.x);
  fv = field(&v, "in.y");
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), 0);
  ck_assert_uint_eq(u32, c.in.y);
  for (int k = 0; k < 4; k++) {
    char path[32];
    snprintf(path, sizeof path, "items[%d].y", k);
    fv = field(&v, path);
    ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), 0);
    ck_assert_uint_eq(u32, c.items[k].y);
    snprintf(path, sizeof path, "items[%d].x", k);
    fv = field(&v, path);
    ck_assert_int_eq(bw_view_get_u8(&fv, &u8, NULL), 0);
    ck_assert_uint_eq(u8, c.items[k].x);
  }
  /* a step at a time gives the same view as the path */
  bw_view items, el, y;
  ck_assert_int_eq(bw_view_field(&v, "items", &items, NULL), 0);
  ck_assert_uint_eq(bw_view_length(&items), 4);
  ck_assert_int_eq(bw_view_index(&items, 2, &el, NULL), 0);
  ck_assert_int_eq(bw_view_field(&el, "y", &y, NULL), 0);
  ck_assert_ptr_eq(y.base, (uint8_t *)&c.items[2].y);

  uint64_t value;
  const char *member;
  fv = field(&v, "color");
  ck_assert_int_eq(bw_view_get_enum(&fv, &value, &member, NULL), 0);
  ck_assert_uint_eq(value, TM_BLUE);
  ck_assert_str_eq(member, "BLUE");
  bw_schema_free(s);
}
END_TEST

START_TEST(view_writes_every_field_and_c_reads_them) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  fill_sample(&c, 0);
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v, fv;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  fv = field(&v, "a");
  ck_assert_int_eq(bw_view_set_u8(&fv, 17, NULL), 0);
  fv = field(&v, "b");
  ck_assert_int_eq(bw_view_set_i16(&fv, -32768, NULL), 0);
  fv = field(&v, "c");
  ck_assert_int_eq(bw_view_set_u32(&fv, 0xdeadbeef, NULL), 0);
  fv = field(&v, "d");
  ck_assert_int_eq(bw_view_set_i64(&fv, INT64_MIN, NULL), 0);
  fv = field(&v, "e");
  ck_assert_int_eq(bw_view_set_f32(&fv, -0.125f, NULL), 0);
  fv = field(&v, "f");
  ck_assert_int_eq(bw_view_set_f64(&fv, 6.02214076e23, NULL), 0);
  fv = field(&v, "g");
  ck_assert_int_eq(bw_view_set_bool(&fv, 0, NULL), 0);
  fv = field(&v, "h");
  ck_assert_int_eq(bw_view_set_u64(&fv, 42, NULL), 0);
  fv = field(&v, "i");
  ck_assert_int_eq(bw_view_set_int64(&fv, -128, NULL), 0); /* widening set, in range */
  fv = field(&v, "name");
  ck_assert_int_eq(bw_view_set_cstr(&fv, "abcdefghijkl", NULL), 0); /* 12 chars: no NUL */
  ck_assert(memcmp(c.name, "abcdefghijkl", 12) == 0);
  ck_assert_int_eq(bw_view_set_cstr(&fv, "xy", NULL), 0); /* the rest is zeroed */
  ck_assert_str_eq(c.name, "xy");
  ck_assert_int_eq(c.name[11], 0);
  fv = field(&v, "arr[2]");
  ck_assert_int_eq(bw_view_set_u16(&fv, 9, NULL), 0);
  fv = field(&v, "m[1][2]");
  ck_assert_int_eq(bw_view_set_i32(&fv, -77, NULL), 0);
  fv = field(&v, "in.y");
  ck_assert_int_eq(bw_view_set_uint64(&fv, 99, NULL), 0);
  fv = field(&v, "items[3].x");
  ck_assert_int_eq(bw_view_set_u8(&fv, 250, NULL), 0);
  fv = field(&v, "color");
  ck_assert_int_eq(bw_view_set_enum_name(&fv, "GREEN", NULL), 0);

  ck_assert_uint_eq(c.a, 17);
  ck_assert_int_eq(c.b, -32768);
  ck_assert_uint_eq(c.c, 0xdeadbeef);
  ck_assert_int_eq(c.d, INT64_MIN);
  ck_assert(c.e == -0.125f);
  ck_assert(c.f == 6.02214076e23);
  ck_assert_int_eq(c.g, 0);
  ck_assert_uint_eq(c.h, 42);
  ck_assert_int_eq(c.i, -128);
  ck_assert_uint_eq(c.arr[2], 9);
  ck_assert_uint_eq(c.arr[1], 65535); /* neighbours untouched */
  ck_assert_int_eq(c.m[1][2], -77);
  ck_assert_uint_eq(c.in.y, 99);
  ck_assert_uint_eq(c.items[3].x, 250);
  ck_assert_uint_eq(c.items[3].y, 4000000);
  ck_assert_int_eq(c.color, TM_GREEN);

  /* enum by C enumerator name, and a value that is not a member */
  fv = field(&v, "color");
  ck_assert_int_eq(bw_view_set_enum_name(&fv, "TM_RED", NULL), 0);
  ck_assert_int_eq(c.color, TM_RED);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_set_enum(&fv, 4, &err), BW_EENUM);
  ck_assert_int_eq(c.color, TM_RED);
  ck_assert_int_eq(bw_view_set_enum_name(&fv, "PURPLE", NULL), BW_ENOTFOUND);
  c.color = (enum tm_color)4; /* C can store a non-member; the view reports it without a name */
  uint64_t value;
  const char *name = "x";
  ck_assert_int_eq(bw_view_get_enum(&fv, &value, &name, NULL), 0);
  ck_assert_uint_eq(value, 4);
  ck_assert_ptr_null(name);
  bw_schema_free(s);
}
END_TEST

START_TEST(type_safety_and_widening) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  fill_sample(&c, 0);
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v, fv;
  bw_error err;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  uint32_t u32;
  int64_t i64;
  uint64_t u64;
  fv = field(&v, "a");
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, &err), BW_ETYPE); /* a is u8 */
  ck_assert_uint_eq(err.offset, offsetof(struct tm_sample, a));
  ck_assert_int_eq(bw_view_get_int64(&fv, &i64, NULL), 0); /* explicit widening works */
  ck_assert_int_eq(i64, 200);
  fv = field(&v, "b");
  ck_assert_int_eq(bw_view_get_int64(&fv, &i64, NULL), 0);
  ck_assert_int_eq(i64, -12345);
  ck_assert_int_eq(bw_view_get_uint64(&fv, &u64, NULL), BW_ERANGE); /* negative */
  fv = field(&v, "h");
  ck_assert_int_eq(bw_view_get_int64(&fv, &i64, NULL), BW_ERANGE); /* above INT64_MAX */
  ck_assert_int_eq(bw_view_get_uint64(&fv, &u64, NULL), 0);
  fv = field(&v, "color");
  ck_assert_int_eq(bw_view_get_uint64(&fv, &u64, NULL), 0); /* an enum is an integer */
  ck_assert_uint_eq(u64, TM_BLUE);
  fv = field(&v, "e");
  ck_assert_int_eq(bw_view_get_int64(&fv, &i64, NULL), BW_ETYPE); /* a float is not */
  fv = field(&v, "in");
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), BW_ETYPE); /* a struct is not a scalar */
  /* widening sets check the range of the field */
  fv = field(&v, "a");
  ck_assert_int_eq(bw_view_set_int64(&fv, 256, NULL), BW_ERANGE);
  ck_assert_int_eq(bw_view_set_int64(&fv, -1, NULL), BW_ERANGE);
  fv = field(&v, "i");
  ck_assert_int_eq(bw_view_set_int64(&fv, -129, NULL), BW_ERANGE);
  ck_assert_int_eq(bw_view_set_uint64(&fv, UINT64_MAX, NULL), BW_ERANGE);
  ck_assert_uint_eq(c.a, 200);
  ck_assert_int_eq(c.i, -100);
  /* a bool byte that is neither 0 nor 1 */
  memset(&c.g, 2, 1);
  fv = field(&v, "g");
  int b;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_bool(&fv, &b, &err), BW_EBOOL);
  ck_assert_uint_eq(err.offset, offsetof(struct tm_sample, g));
  bw_schema_free(s);
}
END_TEST

START_TEST(read_only_regions_refuse_writes) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  fill_sample(&c, 0);
  bw_region r = tm_region(&c, sizeof c, 0);
  bw_view v, fv;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  bw_error err;
  bw_error_clear(&err);
  fv = field(&v, "c");
  ck_assert_int_eq(bw_view_set_u32(&fv, 1, &err), BW_EREADONLY);
  ck_assert_uint_eq(err.offset, offsetof(struct tm_sample, c));
  fv = field(&v, "name");
  ck_assert_int_eq(bw_view_set_cstr(&fv, "x", NULL), BW_EREADONLY);
  fv = field(&v, "color");
  ck_assert_int_eq(bw_view_set_enum(&fv, TM_RED, NULL), BW_EREADONLY);
  ck_assert_uint_eq(c.c, 4000000000u);
  ck_assert_str_eq(c.name, "hello");
  ck_assert_int_eq(c.color, TM_BLUE);
  bw_schema_free(s);
}
END_TEST

START_TEST(view_must_fit_its_region) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c[2];
  fill_sample(&c[0], 0);
  fill_sample(&c[1], 1);
  bw_region r = tm_region(c, sizeof c, 0);
  bw_view v;
  bw_error err;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, sizeof c[0], NULL), 0);
  uint32_t u32;
  bw_view fv = field(&v, "c");
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), 0);
  ck_assert_uint_eq(u32, c[1].c);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, sizeof c[0] + 1, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, sizeof c[0] + 1);
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, UINT64_MAX, NULL), BW_ERANGE);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_init(&v, s, "Nope", &r, 0, &err), BW_ENOTFOUND);
  ck_assert(strstr(err.message, "Nope") != NULL);
  /* seek moves a view to the next record, bounds-checked */
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  ck_assert_int_eq(bw_view_seek(&v, sizeof c[0]), 0);
  fv = field(&v, "items[1].y");
  ck_assert_int_eq(bw_view_get_u32(&fv, &u32, NULL), 0);
  ck_assert_uint_eq(u32, c[1].items[1].y);
  ck_assert_int_eq(bw_view_seek(&v, sizeof c[0] + 1), BW_ERANGE);
  ck_assert_uint_eq(v.offset, sizeof c[0]);
  bw_schema_free(s);
}
END_TEST

/* ---- path errors name the path and the type, and point at the column ------------------ */

typedef struct path_case {
  const char *path;
  int code;
  uint32_t column;
  const char *mentions; /* besides the path itself */
} path_case;

START_TEST(path_errors) {
  static const path_case cases[] = {
      {"in.z", BW_ENOTFOUND, 4, "Inner (struct tm_inner) has no member 'z'"},
      {"nope", BW_ENOTFOUND, 1, "Sample (struct tm_sample) has no member 'nope'"},
      {"items[4].x", BW_ERANGE, 7, "index 4 is out of range"},
      {"m[1][3]", BW_ERANGE, 6, "[3]"},
      {"a.b", BW_ETYPE, 3, "not a struct or union"},
      {"a[0]", BW_ETYPE, 3, "not an array"},
      {"items[x]", BW_ESYNTAX, 7, "expected an index"},
      {"items[1", BW_ESYNTAX, 8, "expected ']'"},
      {".a", BW_ESYNTAX, 1, "expected a name"},
      {"in..x", BW_ESYNTAX, 4, "expected a name"},
      {"in x", BW_ESYNTAX, 3, "expected '.' or '['"},
      {"items[99999999999999999999]", BW_ESYNTAX, 7, "index too large"},
  };
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  fill_sample(&c, 0);
  bw_region r = tm_region(&c, sizeof c, 0);
  bw_view v, out;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bw_error err;
    bw_error_clear(&err);
    int rc = bw_view_at(&v, cases[i].path, &out, &err);
    if (rc != cases[i].code || err.column != cases[i].column ||
        !strstr(err.message, cases[i].mentions) || !strstr(err.message, cases[i].path))
      fprintf(stderr, "case %s: rc %d col %u: %s\n", cases[i].path, rc, err.column, err.message);
    ck_assert_int_eq(rc, cases[i].code);
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.column, cases[i].column);
    ck_assert(strstr(err.message, cases[i].path) != NULL);
    ck_assert(strstr(err.message, cases[i].mentions) != NULL);
  }
  /* the empty path is the view itself */
  ck_assert_int_eq(bw_view_at(&v, "", &out, NULL), 0);
  ck_assert_ptr_eq(out.base, v.base);
  ck_assert_uint_eq(out.size, v.size);
  bw_schema_free(s);
}
END_TEST

/* ---- accessors ----------------------------------------------------------------------- */

START_TEST(accessors_read_like_views) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c[3];
  for (int k = 0; k < 3; k++) fill_sample(&c[k], k);
  bw_region r = tm_region(c, sizeof c, 1);
  bw_accessor ay, ad, ae, af, am, acolor;
  ck_assert_int_eq(bw_accessor_compile(&ay, s, "Sample", "items[2].y", NULL), 0);
  ck_assert_uint_eq(ay.offset, offsetof(struct tm_sample, items[2].y));
  ck_assert_uint_eq(ay.width, 4);
  ck_assert_int_eq(ay.plain, 1);
  ck_assert_int_eq(bw_accessor_compile(&ad, s, "Sample", "d", NULL), 0);
  ck_assert_int_eq(bw_accessor_compile(&ae, s, "Sample", "e", NULL), 0);
  ck_assert_int_eq(bw_accessor_compile(&af, s, "Sample", "f", NULL), 0);
  ck_assert_int_eq(bw_accessor_compile(&am, s, "Sample", "m[1][0]", NULL), 0);
  ck_assert_int_eq(bw_accessor_compile(&acolor, s, "Sample", "color", NULL), 0);
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Sample", &r, 0, NULL), 0);
  for (int k = 0; k < 3; k++) {
    ck_assert_int_eq(bw_view_seek(&v, k * sizeof c[0]), 0);
    uint32_t y;
    int64_t d;
    float e;
    double f;
    int32_t m;
    uint64_t color;
    ck_assert_int_eq(bw_accessor_get_u32(&ay, &v, &y, NULL), 0);
    ck_assert_uint_eq(y, c[k].items[2].y);
    ck_assert_int_eq(bw_accessor_get_i64(&ad, &v, &d, NULL), 0);
    ck_assert_int_eq(d, c[k].d);
    ck_assert_int_eq(bw_accessor_get_f32(&ae, &v, &e, NULL), 0);
    ck_assert(e == c[k].e);
    ck_assert_int_eq(bw_accessor_get_f64(&af, &v, &f, NULL), 0);
    ck_assert(f == c[k].f);
    ck_assert_int_eq(bw_accessor_get_i32(&am, &v, &m, NULL), 0);
    ck_assert_int_eq(m, c[k].m[1][0]);
    ck_assert_int_eq(bw_accessor_get_uint64(&acolor, &v, &color, NULL), 0);
    ck_assert_uint_eq(color, TM_BLUE);
  }
  /* writes through an accessor */
  ck_assert_int_eq(bw_accessor_set_uint64(&ay, &v, 5, NULL), 0);
  ck_assert_uint_eq(c[2].items[2].y, 5);
  ck_assert_int_eq(bw_accessor_set_uint64(&ay, &v, UINT64_C(1) << 32, NULL), BW_ERANGE);
  /* wrong C type, wrong view type, unknown path */
  bw_error err;
  uint16_t u16;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_accessor_get_u16(&ay, &v, &u16, &err), BW_ETYPE);
  bw_view inner;
  ck_assert_int_eq(bw_view_at(&v, "in", &inner, NULL), 0);
  uint32_t y;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_accessor_get_u32(&ay, &inner, &y, &err), BW_ETYPE);
  ck_assert(strstr(err.message, "Sample") && strstr(err.message, "Inner"));
  bw_error_clear(&err);
  ck_assert_int_eq(bw_accessor_compile(&ay, s, "Sample", "items[9].y", &err), BW_ERANGE);
  ck_assert_uint_eq(err.column, 7);
  ck_assert_int_eq(bw_accessor_compile(&ay, s, "Nope", "a", NULL), BW_ENOTFOUND);
  /* a view cut short by its region: the accessor's bounds check catches it */
  bw_accessor a_last;
  ck_assert_int_eq(bw_accessor_compile(&a_last, s, "Sample", "color", NULL), 0);
  bw_view whole;
  ck_assert_int_eq(bw_view_init(&whole, s, "Sample", &r, 2 * sizeof c[0], NULL), 0);
  whole.avail = offsetof(struct tm_sample, color); /* as if the region ended before color */
  uint64_t col;
  ck_assert_int_eq(bw_accessor_get_uint64(&a_last, &whole, &col, NULL), BW_ERANGE);
  bw_schema_free(s);
}
END_TEST

static Suite *memory_suite(void) {
  Suite *s = suite_create("memory");
  TCase *tc = tcase_create("views");
  tcase_add_test(tc, region_bounds_and_slices);
  tcase_add_test(tc, view_reads_every_field_as_c_does);
  tcase_add_test(tc, view_writes_every_field_and_c_reads_them);
  tcase_add_test(tc, type_safety_and_widening);
  tcase_add_test(tc, read_only_regions_refuse_writes);
  tcase_add_test(tc, view_must_fit_its_region);
  tcase_add_test(tc, path_errors);
  tcase_add_test(tc, accessors_read_like_views);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(memory_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

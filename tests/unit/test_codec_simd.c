/* Check suite for the codec's AVX-512 paths (encode.c enc_run_avx512 and enc_fixed_avx512,
 * decode.c dec_run_avx512 and dec_fixed_avx512), which run on CPUs with AVX-512 F, BW, VL, CD, VBMI
 * and VBMI2 and are switched off by bw_codec_allow_simd(0): every check here runs both ways and the
 * two must agree byte for byte, value for value, code for code and offset for offset, and agree
 * with bytes the test writes itself. Structs with runs of 1 to 9 uint and int fields (a run is 8
 * fields at most), runs between fixed-width fields, and structs of 16 and 17 fixed-width
 * fields (the vector form takes 16); values at every varint length (2^56 and above go the
 * scalar way), values of another kind or of a type other than the field's own, numbers out of
 * range, and messages with a varint not minimal, longer than 8 bytes or cut at every byte, or
 * with a bool byte above 1. And the vector paths take every run and vector form they can (a
 * refusal is invisible in the output). On a CPU without those instructions both ways are the
 * portable one and the checks still hold. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"
#include "codec/codec_internal.h"

static const char *schema_text =
    "type R4 struct { a: uint  b: int  c: uint  d: int }\n"
    "type R9 struct { a: uint  b: int  c: uint  d: int  e: uint  f: int  g: uint  h: int  i: uint "
    "}\n"
    "type M struct { x: u8  a: uint  b: int  c: uint  d: int  e: uint  f: bool  g: int  h: uint"
    "  i: int  j: uint  k: int  y: i16 }\n"
    "type F16 struct { a: u8  b: u16  c: u32  d: u64  e: i8  f: i16  g: i32  h: i64  x: f32"
    "  y: f64  z: bool  a2: u8  f2: i16  c2: u32  h2: i64  z2: bool }\n"
    "type F17 struct { a: u8  b: u16  c: u32  d: u64  e: i8  f: i16  g: i32  h: i64  x: f32"
    "  y: f64  z: bool  a2: u8  f2: i16  c2: u32  h2: i64  z2: bool  q: u32 }\n"
    "type W struct { n: uint }\n";

#include "../common/codec_schema.h"

static const char *const names[] = {"R4", "R9", "M", "F16", "F17"};
enum { NTYPES = 5, MAXF = 20 };

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

/* Every varint length: 0, 2^(7k) - 1 and 2^(7k), random magnitudes, the top. */
static uint64_t some_bits(void) {
  uint64_t r = rnd();
  unsigned k = (unsigned)(r % 10);
  switch ((r >> 8) % 4) {
    case 0:
      return k ? ((uint64_t)1 << (7 * k)) - 1 : 0;
    case 1:
      return (uint64_t)1 << (7 * k);
    case 2:
      return (r >> 16) % 3 ? rnd() >> (rnd() % 64) : UINT64_MAX;
    default:
      return rnd() >> (8 + rnd() % 56);
  }
}

/* Random values for the fields of t (types set), and their bytes as the test writes them. */
static size_t random_values(const bw_type *t, bw_value *f, uint8_t *want) {
  size_t n = 0;
  memset(f, 0, t->count * sizeof *f);
  for (size_t k = 0; k < t->count; k++) {
    const bw_type *ft = bw_type_resolve(t->fields[k].type);
    f[k].type = ft;
    uint64_t u = some_bits();
    unsigned w = bw_kind_width(ft->kind);
    switch (ft->kind) {
      case BW_KIND_UINT:
        f[k].as.u = u;
        n += leb(u, want + n);
        continue;
      case BW_KIND_INT:
        f[k].as.i = (int64_t)u;
        n += leb(f[k].as.i < 0 ? ~(u << 1) : u << 1, want + n);
        continue;
      case BW_KIND_BOOL:
        u &= 1;
        break;
      case BW_KIND_F32: {
        float x = (float)(int32_t)u / 3.0f;
        uint32_t b;
        memcpy(&b, &x, 4);
        f[k].as.f32 = x;
        for (unsigned j = 0; j < 4; j++) want[n++] = (uint8_t)(b >> (8 * j));
        continue;
      }
      case BW_KIND_F64: {
        double x = (double)(int64_t)u / 7.0;
        memcpy(&u, &x, 8);
        break;
      }
      case BW_KIND_I8:
      case BW_KIND_I16:
      case BW_KIND_I32:
        u = w == 1   ? (uint64_t)(int64_t)(int8_t)u
            : w == 2 ? (uint64_t)(int64_t)(int16_t)u
                     : (uint64_t)(int64_t)(int32_t)u;
        break;
      default:
        if (w < 8) u &= ((uint64_t)1 << (8 * w)) - 1;
        break;
    }
    f[k].as.u = u;
    for (unsigned j = 0; j < w; j++) want[n++] = (uint8_t)(u >> (8 * j));
  }
  return n;
}

/* bw_encode of v into a large buffer with the vector paths on or off: code, bytes, offset. */
static int encode_with(int simd, const bw_type *t, const bw_value *v, uint8_t *out, size_t *n,
                       bw_error *err) {
  bw_codec_allow_simd(simd);
  bw_error_clear(err);
  int rc = bw_encode(t, v, out, 512, n, err);
  bw_codec_allow_simd(1);
  return rc;
}

static int decode_with(int simd, const bw_type *t, const uint8_t *m, size_t n, bw_value_arena *a,
                       bw_value **out, bw_error *err) {
  bw_codec_allow_simd(simd);
  bw_error_clear(err);
  int rc = bw_decode(t, m, n, NULL, a, out, NULL, err);
  bw_codec_allow_simd(1);
  return rc;
}

/* 3,000 random values of each type: both ways give the test's bytes, and read them back. */
START_TEST(both_ways_agree_with_the_bytes) {
  bw_value_arena *a = bw_value_arena_new();
  for (int tn = 0; tn < NTYPES; tn++) {
    const bw_type *t = type(names[tn]);
    for (int round = 0; round < 3000; round++) {
      bw_value f[MAXF], v = {.type = t}, *back[2];
      uint8_t want[256], out[2][512];
      size_t n = random_values(t, f, want), got[2];
      v.as.list.items = f;
      v.as.list.count = t->count;
      bw_error err;
      for (int simd = 0; simd < 2; simd++) {
        ck_assert_msg(encode_with(simd, t, &v, out[simd], &got[simd], &err) == 0, "%s: %s",
                      names[tn], err.message);
        ck_assert_uint_eq(got[simd], n);
        ck_assert_mem_eq(out[simd], want, n);
        ck_assert_msg(decode_with(simd, t, want, n, a, &back[simd], &err) == 0, "%s: %s", names[tn],
                      err.message);
        ck_assert(bw_value_equal(back[simd], &v));
      }
      bw_value_arena_reset(a);
    }
  }
  bw_value_arena_free(a);
}
END_TEST

/* The vector paths really run: a refused run or struct goes to the scalar loop, which writes
 * the same bytes, so the checks above cannot see one that refuses everything. Values a vector
 * path must take (varints below 2^56): every run and every vector form is taken, both ways
 * (-1 when the CPU has no AVX-512 or it is switched off). */
START_TEST(vector_paths_take_what_they_can) {
  /* per type: encode takes, decode takes (R4, R9 start with a run; M does not; F17 has 17
   * fields, past the vector form) */
  static const int enc_takes[NTYPES] = {1, 1, 1, 1, 0}, dec_takes[NTYPES] = {1, 1, 0, 1, 0};
  for (int tn = 0; tn < NTYPES; tn++) {
    const bw_type *t = type(names[tn]);
    for (int round = 0; round < 500; round++) {
      bw_value f[MAXF], v = {.type = t};
      uint8_t want[256], out[512];
      random_values(t, f, want);
      for (size_t k = 0; k < t->count; k++) {
        if (f[k].type->kind == BW_KIND_UINT) f[k].as.u >>= 8;
        if (f[k].type->kind == BW_KIND_INT) f[k].as.i >>= 9;
      }
      v.as.list.items = f;
      v.as.list.count = t->count;
      size_t n;
      bw_error err;
      ck_assert_int_eq(encode_with(1, t, &v, out, &n, &err), 0);
      int e = bw_codec_simd_encode_takes_(t, f), d = bw_codec_simd_decode_takes_(t, out, n);
      if (e == -1) { /* no AVX-512 here: both are off */
        ck_assert_int_eq(d, -1);
        continue;
      }
      ck_assert_msg(e == enc_takes[tn], "%s: encode takes %d", names[tn], e);
      ck_assert_msg(d == dec_takes[tn], "%s: decode takes %d", names[tn], d);
      bw_codec_allow_simd(0);
      ck_assert_int_eq(bw_codec_simd_encode_takes_(t, f), -1);
      ck_assert_int_eq(bw_codec_simd_decode_takes_(t, out, n), -1);
      bw_codec_allow_simd(1);
    }
  }
}
END_TEST

/* Both ways refuse the same value with the same code at the same offset. */
static void refused_alike(const bw_type *t, const bw_value *f, int code, const char *what) {
  bw_value v = {.type = t};
  v.as.list.items = (bw_value *)f;
  v.as.list.count = t->count;
  uint8_t out[2][512];
  size_t n;
  bw_error e[2];
  for (int simd = 0; simd < 2; simd++)
    ck_assert_msg(encode_with(simd, t, &v, out[simd], &n, &e[simd]) == code, "%s: %s", what,
                  e[simd].message);
  ck_assert_uint_eq(e[0].offset, e[1].offset);
}

/* In each field of each type: a value of another kind (a str), and a value of the field's kind
 * from another type (accepted: its kind is right); numbers out of range, bools above 1. */
START_TEST(refusals_alike) {
  const bw_type *other_uint = bw_type_resolve(type("W")->fields[0].type);
  static bw_type not_this = {.kind = BW_KIND_STR}; /* a type of another kind */
  for (int tn = 0; tn < NTYPES; tn++) {
    const bw_type *t = type(names[tn]);
    for (int round = 0; round < 100; round++) {
      bw_value f[MAXF], g[MAXF];
      uint8_t want[256];
      random_values(t, f, want);
      for (size_t k = 0; k < t->count; k++) {
        memcpy(g, f, sizeof g);
        g[k].type = &not_this;
        refused_alike(t, g, BW_ETYPE, names[tn]);
        const bw_type *ft = bw_type_resolve(t->fields[k].type);
        memcpy(g, f, sizeof g);
        if (ft->kind == BW_KIND_UINT) {
          g[k].type = other_uint; /* another type of the same kind: written as the field's */
          bw_value v = {.type = t}, w = {.type = t};
          v.as.list.items = g;
          v.as.list.count = t->count;
          w.as.list.items = f;
          w.as.list.count = t->count;
          uint8_t o1[512], o2[512];
          size_t n1, n2;
          bw_error err;
          for (int simd = 0; simd < 2; simd++) {
            ck_assert_int_eq(encode_with(simd, t, &v, o1, &n1, &err), 0);
            ck_assert_int_eq(encode_with(simd, t, &w, o2, &n2, &err), 0);
            ck_assert_uint_eq(n1, n2);
            ck_assert_mem_eq(o1, o2, n1);
          }
        } else if (ft->kind == BW_KIND_BOOL) {
          g[k].as.u = 2 + rnd() % 100;
          refused_alike(t, g, BW_EBOOL, names[tn]);
        } else if (bw_kind_width(ft->kind) && bw_kind_width(ft->kind) < 8 &&
                   ft->kind != BW_KIND_F32) {
          unsigned w = bw_kind_width(ft->kind);
          g[k].as.u = (uint64_t)1 << (8 * w); /* one past the range (signed: far past it) */
          refused_alike(t, g, BW_EOVERFLOW, names[tn]);
        }
      }
    }
  }
}
END_TEST

/* R9's messages with varint k (0..8) not minimal, of 9 or 10 bytes, of more than 64 bits, and
 * cut at every byte: both ways give the same code at the same offset, the varint's. */
START_TEST(decode_refusals_alike) {
  const bw_type *t = type("R9");
  bw_value_arena *a = bw_value_arena_new();
  for (int round = 0; round < 300; round++) {
    bw_value f[MAXF];
    uint8_t want[256];
    size_t n = random_values(t, f, want);
    /* the varints' starts */
    size_t start[10], p = 0;
    for (size_t k = 0; k < 9; k++) {
      start[k] = p;
      while (want[p] & 0x80) p++;
      p++;
    }
    start[9] = p;
    for (size_t k = 0; k < 9; k++) {
      uint8_t m[300];
      size_t len = start[k + 1] - start[k];
      bw_value *v;
      bw_error e[2];
      int rc[2];
      /* not minimal: a zero group added after the last (an overflow past 10 bytes) */
      memcpy(m, want, start[k + 1]);
      m[start[k + 1] - 1] |= 0x80;
      m[start[k + 1]] = 0;
      memcpy(m + start[k + 1] + 1, want + start[k + 1], n - start[k + 1]);
      for (int simd = 0; simd < 2; simd++)
        rc[simd] = decode_with(simd, t, m, n + 1, a, &v, &e[simd]);
      ck_assert_int_eq(rc[0], len < 10 ? BW_ENONMINIMAL : BW_EOVERFLOW);
      ck_assert_int_eq(rc[1], rc[0]);
      ck_assert_uint_eq(e[0].offset, start[k]);
      ck_assert_uint_eq(e[1].offset, start[k]);
      /* cut at every byte of varint k */
      for (size_t cut = start[k]; cut < start[k + 1]; cut++) {
        for (int simd = 0; simd < 2; simd++)
          rc[simd] = decode_with(simd, t, want, cut, a, &v, &e[simd]);
        ck_assert_int_eq(rc[0], BW_ETRUNCATED);
        ck_assert_int_eq(rc[1], BW_ETRUNCATED);
        ck_assert_uint_eq(e[0].offset, start[k]);
        ck_assert_uint_eq(e[1].offset, start[k]);
      }
      /* more than 64 bits: ten bytes with a tenth above 1 */
      memcpy(m, want, start[k]);
      for (size_t j = 0; j < 9; j++) m[start[k] + j] = 0xff;
      m[start[k] + 9] = 0x02;
      memcpy(m + start[k] + 10, want + start[k + 1], n - start[k + 1]);
      size_t mn = start[k] + 10 + n - start[k + 1];
      for (int simd = 0; simd < 2; simd++) rc[simd] = decode_with(simd, t, m, mn, a, &v, &e[simd]);
      ck_assert_int_eq(rc[0], BW_EOVERFLOW);
      ck_assert_int_eq(rc[1], BW_EOVERFLOW);
      ck_assert_uint_eq(e[0].offset, start[k]);
      ck_assert_uint_eq(e[1].offset, start[k]);
      bw_value_arena_reset(a);
    }
  }
  bw_value_arena_free(a);
}
END_TEST

/* F16's messages with a bool byte of 2..255 in each bool field, and cut at every byte: both
 * ways give the same code at the same offset. */
START_TEST(fixed_decode_refusals_alike) {
  const bw_type *t = type("F16");
  bw_value_arena *a = bw_value_arena_new();
  for (int round = 0; round < 200; round++) {
    bw_value f[MAXF];
    uint8_t want[256];
    size_t n = random_values(t, f, want), at = 0;
    for (size_t k = 0; k < t->count; k++) {
      const bw_type *ft = bw_type_resolve(t->fields[k].type);
      bw_value *v;
      bw_error e[2];
      int rc[2];
      if (ft->kind == BW_KIND_BOOL) {
        uint8_t m[256];
        memcpy(m, want, n);
        m[at] = (uint8_t)(2 + rnd() % 254);
        for (int simd = 0; simd < 2; simd++) rc[simd] = decode_with(simd, t, m, n, a, &v, &e[simd]);
        ck_assert_int_eq(rc[0], BW_EBOOL);
        ck_assert_int_eq(rc[1], BW_EBOOL);
        ck_assert_uint_eq(e[0].offset, at);
        ck_assert_uint_eq(e[1].offset, at);
      }
      at += bw_kind_width(ft->kind);
    }
    for (size_t cut = 0; cut < n; cut++) {
      bw_value *v;
      bw_error e[2];
      int rc[2];
      for (int simd = 0; simd < 2; simd++)
        rc[simd] = decode_with(simd, t, want, cut, a, &v, &e[simd]);
      ck_assert_int_eq(rc[0], BW_ETRUNCATED);
      ck_assert_int_eq(rc[1], BW_ETRUNCATED);
      ck_assert_uint_eq(e[0].offset, e[1].offset);
    }
    bw_value_arena_reset(a);
  }
  bw_value_arena_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_simd");
  TCase *tc = tcase_create("simd");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, both_ways_agree_with_the_bytes);
  tcase_add_test(tc, vector_paths_take_what_they_can);
  tcase_add_test(tc, refusals_alike);
  tcase_add_test(tc, decode_refusals_alike);
  tcase_add_test(tc, fixed_decode_refusals_alike);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

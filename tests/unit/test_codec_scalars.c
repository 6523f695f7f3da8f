/* Check suite for the codec's scalar plans (src/codec/wire_plan.h, enc_scalars in encode.c,
 * dec_scalars in decode.c): structs of uint, int, enum, fixed-width numbers and bools, written
 * in one loop over the fields' operations when the buffer has room for the longest encoding,
 * and by the general walk otherwise. Random values of every field kind (boundaries included)
 * must encode to the bytes the test writes itself, by both paths (a large buffer, a buffer of
 * exactly the message's size), at the root and nested in lists, and decode back equal; every
 * refusal (a number out of its range, a bool above 1, a value outside its enum, a value of
 * another kind) must come with the same code and the same offset from both paths, the offset
 * being the field's own; and the decoder's refusals in such a struct (bool byte, enum value,
 * non-minimal varint, cut input) are reported at the field's first byte. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static const char *schema_text =
    "type E enum { A B C = 200 D = 300000 }\n"
    "type S struct { u: uint  i: int  e: E  a: u8  b: i16  c: u32  d: i64  f: f32  g: f64  h: bool"
    "  k: u16  m: i8 }\n"
    "type N struct { tag: str  s: S  more: list<S> }\n"
    "type Rec struct { id: u32  ok: bool  c: E  pts: list<i16>[4]  w: f64  bits: list<bool>[3] }\n"
    "type Recs struct { all: list<Rec> }\n";

#include "../common/codec_schema.h"

enum { NF = 12 }; /* fields of S */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

/* A value of about every varint length, and the edges now and then. */
static uint64_t some_bits(void) {
  uint64_t r = rnd();
  switch (r % 8) {
    case 0:
      return 0;
    case 1:
      return UINT64_MAX;
    default:
      return rnd() >> (r % 64);
  }
}

/* Random values for S's fields (types set) and the bytes the test expects for them. */
static size_t random_s(bw_value *f, uint8_t *want) {
  static const uint64_t members[] = {0, 1, 200, 300000};
  const bw_type *st = type("S");
  memset(f, 0, NF * sizeof *f);
  for (int k = 0; k < NF; k++) f[k].type = bw_type_resolve(st->fields[k].type);
  f[0].as.u = some_bits();
  f[1].as.i = (int64_t)some_bits();
  f[2].as.u = members[rnd() % 4];
  f[3].as.u = rnd() & 0xff;
  f[4].as.i = (int16_t)rnd();
  f[5].as.u = (uint32_t)rnd();
  f[6].as.i = (int64_t)rnd();
  f[7].as.f32 = (float)(int32_t)rnd() / 7.0f;
  f[8].as.f64 = (double)(int64_t)rnd() / 3.0;
  f[9].as.u = rnd() & 1;
  f[10].as.u = rnd() & 0xffff;
  f[11].as.i = (int8_t)rnd();
  size_t n = leb(f[0].as.u, want);
  uint64_t zz = f[1].as.i < 0 ? ~((uint64_t)f[1].as.i << 1) : (uint64_t)f[1].as.i << 1;
  n += leb(zz, want + n);
  n += leb(f[2].as.u, want + n);
  uint32_t f32;
  uint64_t f64;
  memcpy(&f32, &f[7].as.f32, 4);
  memcpy(&f64, &f[8].as.f64, 8);
  struct {
    uint64_t v;
    unsigned w;
  } fixed[] = {
      {f[3].as.u, 1}, {(uint64_t)f[4].as.i, 2}, {f[5].as.u, 4},  {(uint64_t)f[6].as.i, 8}, {f32, 4},
      {f64, 8},       {f[9].as.u, 1},           {f[10].as.u, 2}, {(uint64_t)f[11].as.i, 1}};
  for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
    for (unsigned b = 0; b < fixed[k].w; b++) want[n++] = (uint8_t)(fixed[k].v >> (8 * b));
  return n;
}

/* v of type t: into a buffer with room for any S (the plan's loop) and into one of exactly
 * want's size (the general walk: no room for the longest encoding), both giving want. */
static void both_paths_give(const bw_type *t, const bw_value *v, const uint8_t *want, size_t n) {
  uint8_t big[4096], exact[4096];
  size_t w1 = 0, w2 = 0;
  bw_error err = {0};
  ck_assert_msg(bw_encode(t, v, big, sizeof big, &w1, &err) == 0, "%s", err.message);
  ck_assert_msg(bw_encode(t, v, exact, n, &w2, &err) == 0, "%s", err.message);
  ck_assert_uint_eq(w1, n);
  ck_assert_uint_eq(w2, n);
  ck_assert_mem_eq(big, want, n);
  ck_assert_mem_eq(exact, want, n);
}

/* 2,000 random S values, alone and as N { tag, s, more: [3 more] }: the bytes, both paths, and
 * the decoded values equal to the encoded ones. */
START_TEST(scalars_round_trip) {
  const bw_type *st = type("S"), *nt = type("N");
  bw_value_arena *a = bw_value_arena_new();
  for (int round = 0; round < 2000; round++) {
    bw_value f[4][NF];
    uint8_t want[4][128];
    size_t n[4];
    for (int k = 0; k < 4; k++) n[k] = random_s(f[k], want[k]);
    bw_value s[4];
    for (int k = 0; k < 4; k++) {
      s[k].type = st;
      s[k].as.list.items = f[k];
      s[k].as.list.count = NF;
    }
    both_paths_give(st, &s[0], want[0], n[0]);
    bw_value *back;
    bw_error err = {0};
    ck_assert_msg(bw_decode(st, want[0], n[0], NULL, a, &back, NULL, &err) == 0, "%s", err.message);
    ck_assert(bw_value_equal(back, &s[0]));

    /* nested: N { tag: "t", s: s[0], more: [s[1], s[2], s[3]] } */
    bw_value nf[3], more;
    memset(nf, 0, sizeof nf);
    for (int k = 0; k < 3; k++) nf[k].type = bw_type_resolve(nt->fields[k].type);
    nf[0].as.bytes.ptr = (const uint8_t *)"t";
    nf[0].as.bytes.len = 1;
    nf[1] = s[0];
    more.type = nf[2].type;
    more.as.list.items = &s[1];
    more.as.list.count = 3;
    nf[2] = more;
    bw_value nv = {.type = nt};
    nv.as.list.items = nf;
    nv.as.list.count = 3;
    uint8_t nw[1024];
    size_t nn = 0;
    nw[nn++] = 1;
    nw[nn++] = 't';
    memcpy(nw + nn, want[0], n[0]);
    nn += n[0];
    nw[nn++] = 3;
    for (int k = 1; k < 4; k++) {
      memcpy(nw + nn, want[k], n[k]);
      nn += n[k];
    }
    both_paths_give(nt, &nv, nw, nn);
    ck_assert_msg(bw_decode(nt, nw, nn, NULL, a, &back, NULL, &err) == 0, "%s", err.message);
    ck_assert(bw_value_equal(back, &nv));
    bw_value_arena_reset(a);
  }
  bw_value_arena_free(a);
}
END_TEST

/* The encoded size of S's fields before field k, for values f. */
static size_t offset_of_field(const bw_value *f, int k) {
  uint8_t tmp[128];
  static const unsigned widths[NF] = {0, 0, 0, 1, 2, 4, 8, 4, 8, 1, 2, 1};
  size_t at = 0;
  for (int j = 0; j < k; j++) {
    if (j == 0 || j == 2) {
      at += leb(f[j].as.u, tmp);
    } else if (j == 1) {
      at += leb(f[j].as.i < 0 ? ~((uint64_t)f[j].as.i << 1) : (uint64_t)f[j].as.i << 1, tmp);
    } else {
      at += widths[j];
    }
  }
  return at;
}

/* Each refusal from both paths (a buffer with room, and the size-only pass, which has none):
 * the same code, at the field's offset. */
static void refused_at(const bw_value *f, int k, int code) {
  const bw_type *st = type("S");
  bw_value s = {.type = st};
  s.as.list.items = (bw_value *)f;
  s.as.list.count = NF;
  uint8_t big[256];
  size_t w;
  bw_error e1 = {0}, e2 = {0}; /* (an error is kept until cleared: the first one wins) */
  int rc1 = bw_encode(st, &s, big, sizeof big, &w, &e1);
  int rc2 = bw_encoded_size(st, &s, &w, &e2);
  ck_assert_msg(rc1 == code, "field %d: %s", k, e1.message);
  ck_assert_int_eq(rc2, code);
  ck_assert_uint_eq(e1.offset, offset_of_field(f, k));
  ck_assert_uint_eq(e2.offset, e1.offset);
}

START_TEST(scalar_refusals_at_their_offset) {
  const bw_type *str_type = type("N")->fields[0].type;
  for (int round = 0; round < 200; round++) {
    bw_value f[NF];
    uint8_t want[128];
    random_s(f, want);
    bw_value g[NF];
    memcpy(g, f, sizeof g);
    g[2].as.u = 5 + rnd() % 195; /* not a member of E (0, 1, 200, 300000) */
    refused_at(g, 2, BW_EENUM);
    memcpy(g, f, sizeof g);
    g[3].as.u = 256 + rnd() % 1000; /* u8 */
    refused_at(g, 3, BW_EOVERFLOW);
    memcpy(g, f, sizeof g);
    g[4].as.i = round & 1 ? 32768 : -32769; /* i16 */
    refused_at(g, 4, BW_EOVERFLOW);
    memcpy(g, f, sizeof g);
    g[5].as.u = (uint64_t)1 << 32; /* u32 */
    refused_at(g, 5, BW_EOVERFLOW);
    memcpy(g, f, sizeof g);
    g[9].as.u = 2 + rnd() % 250; /* bool */
    refused_at(g, 9, BW_EBOOL);
    memcpy(g, f, sizeof g);
    g[10].as.u = 65536; /* u16 */
    refused_at(g, 10, BW_EOVERFLOW);
    memcpy(g, f, sizeof g);
    g[11].as.i = round & 1 ? 128 : -129; /* i8 */
    refused_at(g, 11, BW_EOVERFLOW);
    for (int k = 0; k < NF; k++) { /* a value of another kind (a str) in each field */
      memcpy(g, f, sizeof g);
      g[k].type = str_type;
      g[k].as.bytes.ptr = (const uint8_t *)"x";
      g[k].as.bytes.len = 1;
      refused_at(g, k, BW_ETYPE);
    }
  }
}
END_TEST

/* The decoder in a struct with a scalar plan, alone and after N's tag: a bool byte of 2, an
 * enum value outside E, a non-minimal varint in each varint field and the input cut inside each
 * field, each at the field's first byte. */
START_TEST(scalar_decode_refusals) {
  const bw_type *st = type("S"), *nt = type("N");
  bw_value_arena *a = bw_value_arena_new();
  for (int round = 0; round < 200; round++) {
    bw_value f[NF];
    uint8_t want[128], m[256];
    size_t n = random_s(f, want);
    for (int nested = 0; nested < 2; nested++) {
      const bw_type *t = nested ? nt : st;
      size_t pre = nested ? 2 : 0;  /* N's tag "t" */
      size_t post = nested ? 1 : 0; /* N's empty list */
      m[0] = 1;
      m[1] = 't';
      bw_value *v;
      bw_error err = {0};
      for (int k = 0; k < NF; k++) {
        size_t at = pre + offset_of_field(f, k);
        int code = 0;
        memcpy(m + pre, want, n);
        m[pre + n] = 0;
        if (k == 9) {
          m[at] = 2;
          code = BW_EBOOL;
        } else if (k == 2) {
          m[at] = 5; /* E has 0, 1, 200 and 300000 */
          code = BW_EENUM;
          /* (a one-byte varint replaces the member's: the message shrinks, which only
           * matters after the refusal) */
          size_t old = offset_of_field(f, 3) - offset_of_field(f, 2);
          memmove(m + at + 1, m + at + old, n + post - (at - pre) - old);
        } else if (k < 2) {
          /* non-minimal: the same value with a last group of 0 added */
          uint8_t v2[12];
          size_t len = offset_of_field(f, k + 1) - offset_of_field(f, k);
          memcpy(v2, m + at, len);
          v2[len - 1] |= 0x80;
          v2[len] = 0;
          if (len == 10) { /* (ten bytes: an eleventh is an overflow, not a zero group) */
            code = BW_EOVERFLOW;
          } else {
            code = BW_ENONMINIMAL;
          }
          memmove(m + at + len + 1, m + at + len, n + post - (at - pre) - len);
          memcpy(m + at, v2, len + 1);
        }
        size_t total = n + pre + post + (k < 2 ? 1 : 0);
        if (k == 2) total -= offset_of_field(f, 3) - offset_of_field(f, 2) - 1;
        if (code) {
          bw_error_clear(&err);
          ck_assert_int_eq(bw_decode(t, m, total, NULL, a, &v, NULL, &err), code);
          ck_assert_uint_eq(err.offset, at);
        }
        /* the input cut inside field k (or just before it) */
        memcpy(m + pre, want, n);
        bw_error_clear(&err);
        ck_assert_int_eq(bw_decode(t, m, at, NULL, a, &v, NULL, &err), BW_ETRUNCATED);
        ck_assert_uint_eq(err.offset, at);
      }
      memcpy(m + pre, want, n);
      m[pre + n] = 0;
      ck_assert_int_eq(bw_decode(t, m, n + pre + post, NULL, a, &v, NULL, &err), 0);
      bw_value_arena_reset(a);
    }
  }
  bw_value_arena_free(a);
}
END_TEST

/* Rec { id: u32, ok: bool, c: E, pts: list<i16>[4], w: f64, bits: list<bool>[3] } (a scalar
 * plan with fixed-length lists): random values in both paths, alone and in a list; an element
 * out of range, a bool element of 2 and a list of the wrong length refused alike by both, at
 * the element's offset (the list's for its length); decoding refuses a bool element byte of 2
 * and input cut inside a list at their offsets. */
START_TEST(lists_in_scalar_plans) {
  static const uint64_t members[] = {0, 1, 200, 300000};
  const bw_type *rt = type("Rec"), *lt = type("Recs");
  bw_value_arena *a = bw_value_arena_new();
  for (int round = 0; round < 500; round++) {
    bw_value f[6], pts[4], bits[3];
    memset(f, 0, sizeof f);
    for (int k = 0; k < 6; k++) f[k].type = bw_type_resolve(rt->fields[k].type);
    const bw_type *i16 = bw_type_resolve(f[3].type->elem), *bt = bw_type_resolve(f[5].type->elem);
    uint8_t want[64];
    size_t n = 0;
    f[0].as.u = (uint32_t)rnd();
    f[1].as.u = rnd() & 1;
    f[2].as.u = members[rnd() % 4];
    for (int b = 0; b < 4; b++) want[n++] = (uint8_t)(f[0].as.u >> (8 * b));
    want[n++] = (uint8_t)f[1].as.u;
    n += leb(f[2].as.u, want + n);
    size_t pts_at = n;
    for (int k = 0; k < 4; k++) {
      pts[k].type = i16;
      pts[k].as.i = (int16_t)rnd();
      want[n++] = (uint8_t)pts[k].as.i;
      want[n++] = (uint8_t)((uint16_t)pts[k].as.i >> 8);
    }
    f[3].as.list.items = pts;
    f[3].as.list.count = 4;
    f[4].as.f64 = (double)(int64_t)rnd() / 5.0;
    uint64_t wb;
    memcpy(&wb, &f[4].as.f64, 8);
    for (int b = 0; b < 8; b++) want[n++] = (uint8_t)(wb >> (8 * b));
    size_t bits_at = n;
    for (int k = 0; k < 3; k++) {
      bits[k].type = bt;
      bits[k].as.u = rnd() & 1;
      want[n++] = (uint8_t)bits[k].as.u;
    }
    f[5].as.list.items = bits;
    f[5].as.list.count = 3;
    bw_value r = {.type = rt};
    r.as.list.items = f;
    r.as.list.count = 6;
    both_paths_give(rt, &r, want, n);
    bw_value *back;
    bw_error err = {0};
    ck_assert_msg(bw_decode(rt, want, n, NULL, a, &back, NULL, &err) == 0, "%s", err.message);
    ck_assert(bw_value_equal(back, &r));
    /* in a list: [r, r] */
    bw_value two[2] = {r, r}, lf = {.type = bw_type_resolve(lt->fields[0].type)};
    lf.as.list.items = two;
    lf.as.list.count = 2;
    bw_value l = {.type = lt};
    l.as.list.items = &lf;
    l.as.list.count = 1;
    uint8_t lw[160];
    lw[0] = 2;
    memcpy(lw + 1, want, n);
    memcpy(lw + 1 + n, want, n);
    both_paths_give(lt, &l, lw, 1 + 2 * n);
    ck_assert_int_eq(bw_decode(lt, lw, 1 + 2 * n, NULL, a, &back, NULL, &err), 0);
    ck_assert(bw_value_equal(back, &l));
    /* refusals, both paths (a large buffer and the size-only pass) */
    uint8_t big[256];
    size_t w;
    struct {
      bw_value *v;
      uint64_t bad;
      size_t at;
      int code;
    } cases[] = {{&pts[rnd() % 4], 40000, 0, BW_EOVERFLOW}, {&bits[rnd() % 3], 2, 0, BW_EBOOL}};
    cases[0].at = pts_at + 2 * (size_t)(cases[0].v - pts);
    cases[1].at = bits_at + (size_t)(cases[1].v - bits);
    for (size_t c = 0; c < 2; c++) {
      uint64_t keep = cases[c].v->as.u;
      cases[c].v->as.u = cases[c].bad;
      bw_error e1 = {0}, e2 = {0};
      ck_assert_int_eq(bw_encode(rt, &r, big, sizeof big, &w, &e1), cases[c].code);
      ck_assert_int_eq(bw_encoded_size(rt, &r, &w, &e2), cases[c].code);
      ck_assert_uint_eq(e1.offset, cases[c].at);
      ck_assert_uint_eq(e2.offset, cases[c].at);
      cases[c].v->as.u = keep;
    }
    f[3].as.list.count = 3; /* three items for list<i16>[4] */
    bw_error e1 = {0}, e2 = {0};
    ck_assert_int_eq(bw_encode(rt, &r, big, sizeof big, &w, &e1), BW_ETYPE);
    ck_assert_int_eq(bw_encoded_size(rt, &r, &w, &e2), BW_ETYPE);
    ck_assert_uint_eq(e1.offset, pts_at);
    ck_assert_uint_eq(e2.offset, pts_at);
    f[3].as.list.count = 4;
    /* decoding: a bool element byte of 2, and the input cut inside each list */
    uint8_t m[64];
    memcpy(m, want, n);
    size_t k = bits_at + rnd() % 3;
    m[k] = 2;
    bw_error_clear(&err);
    ck_assert_int_eq(bw_decode(rt, m, n, NULL, a, &back, NULL, &err), BW_EBOOL);
    ck_assert_uint_eq(err.offset, k);
    for (size_t cut = pts_at; cut < pts_at + 8; cut++) {
      bw_error_clear(&err);
      ck_assert_int_eq(bw_decode(rt, want, cut, NULL, a, &back, NULL, &err), BW_ETRUNCATED);
      ck_assert_uint_eq(err.offset, pts_at);
    }
    bw_value_arena_reset(a);
  }
  bw_value_arena_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_scalars");
  TCase *tc = tcase_create("scalars");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, scalars_round_trip);
  tcase_add_test(tc, scalar_refusals_at_their_offset);
  tcase_add_test(tc, scalar_decode_refusals);
  tcase_add_test(tc, lists_in_scalar_plans);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

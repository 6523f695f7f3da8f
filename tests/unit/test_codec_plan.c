/* Check suite for the codec's wire plans (src/codec/wire_plan.h): which structs get one, and
 * that decoding and encoding through a plan give exactly what the general walk gives: the same
 * values and bytes, the same refusals at the same offsets (compared with bw_message_check, whose
 * reader never uses plans), no byte written past the struct, and truncated structs left to the
 * general walk. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/codec/wire_plan.h"
#include "barewire/codec.h"

void bw_codec_allow_simd(int on); /* (codec_internal.h: the vector paths on or off) */

static const char *schema_text =
    "type W u32\n"
    "type P struct { a: u8  b: i8  c: u16  d: i16  e: u32  f: i32  g: u64  h: i64  x: f32  "
    "y: f64  z: bool }\n"
    "type Q struct { s: bool  a: u64  b: W  c: u64  t: bool }\n"
    "type Small struct { a: u32  b: u32 }\n"
    "type WithStr struct { a: u64  b: u64  s: str }\n"
    "type Nested list<struct { a: u64  b: u64 }>\n"
    "type Color enum { RED GREEN BLUE = 7 }\n"
    "type L struct { a: uint  b: int  c: uint  d: int  e: i16  f: bool  g: Color  h: f32  "
    "i: uint  j: i8 }\n"
    "type Sparse enum { A = 1  B = 5  C = 63  D = 64  E = 1000 }\n"
    "type Dense enum { X Y Z }\n"
    "type Far enum { M = 100  N = 200 }\n"
    "type EnumLean struct { a: uint  s: Sparse  d: Dense  f: Far  b: bool }\n"
    "type EnumList struct { s: Sparse  l: list<u8>[2]  d: Dense  f: Far }\n";

#include "../common/codec_schema.h"

static int little_endian(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 1;
}

/* The struct's size on the wire: the sum of its fields' widths. */
static size_t wire_size(const bw_type *t) {
  size_t n = 0;
  for (size_t i = 0; i < t->count; i++)
    n += bw_kind_width(bw_type_resolve(t->fields[i].type)->kind);
  return n;
}

START_TEST(which_structs_are_planned) {
  const bw_type *p = type("P"), *q = type("Q");
  if (little_endian()) {
    ck_assert_ptr_nonnull(p->wire);
    ck_assert_uint_eq(p->wire->size, wire_size(p));
    ck_assert_uint_eq(p->wire->count, p->count);
    ck_assert_ptr_nonnull(q->wire); /* a reference to u32 counts as u32 */
    ck_assert_ptr_eq(q->wire->fields[2].type, bw_type_resolve(q->fields[2].type));
    ck_assert_ptr_nonnull(type("Nested")->elem->wire); /* anonymous structs too */
  }
  ck_assert_ptr_null(type("Small")->wire);   /* 8 bytes: below the minimum */
  ck_assert_ptr_null(type("WithStr")->wire); /* a str field */
  ck_assert_ptr_null(type("W")->wire);
}
END_TEST

/* Decodes msg[0..n) as t and checks code and offset against bw_message_check (no plans). */
static int decode_like_reader(const bw_type *t, const uint8_t *msg, size_t n, bw_value_arena *a,
                              bw_value **v, uint64_t *offset) {
  bw_error e1, e2;
  bw_error_clear(&e1);
  bw_error_clear(&e2);
  int rc = bw_decode(t, msg, n, NULL, a, v, NULL, &e1);
  ck_assert_int_eq(rc, bw_message_check(t, msg, n, NULL, &e2));
  if (rc) {
    ck_assert_uint_eq(e1.offset, e2.offset);
    *offset = e1.offset;
  }
  return rc;
}

/* P's fields at their ends: a=255 b=-128 c=65535 d=-32768 e=2^32-1 f=INT32_MIN g=2^64-1
 * h=INT64_MIN x=(bits 0x7fa00001) y=(bits 0x8000000000000001) z=true, and the opposite ends. */
static size_t p_bytes(uint8_t *m, const uint64_t *u) {
  static const unsigned widths[11] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 1};
  size_t at = 0;
  for (int i = 0; i < 11; i++)
    for (unsigned k = 0; k < widths[i]; k++) m[at++] = (uint8_t)(u[i] >> (8 * k));
  return at;
}

START_TEST(decode_through_plan) {
  const bw_type *p = type("P");
  static const uint64_t ends[2][11] = {
      {255, (uint64_t)-128, 65535, (uint64_t)-32768, 0xffffffffu, (uint64_t)(int64_t)INT32_MIN,
       UINT64_MAX, (uint64_t)INT64_MIN, 0x7fa00001u, 0x8000000000000001ull, 1},
      {0, 127, 0, 32767, 0, INT32_MAX, 0, INT64_MAX, 0x80000000u, 0x7ff0000000000000ull, 0}};
  bw_value_arena *a = bw_value_arena_new();
  for (int r = 0; r < 2; r++) {
    uint8_t m[64], out[64];
    size_t n = p_bytes(m, ends[r]);
    ck_assert_uint_eq(n, wire_size(p));
    bw_value *v;
    uint64_t off = 0;
    ck_assert_int_eq(decode_like_reader(p, m, n, a, &v, &off), 0);
    ck_assert_uint_eq(v->as.list.count, 11);
    for (int i = 0; i < 11; i++) {
      const bw_value *it = &v->as.list.items[i];
      ck_assert_ptr_eq(it->type, bw_type_resolve(p->fields[i].type));
      switch (it->type->kind) {
        case BW_KIND_I8:
        case BW_KIND_I16:
        case BW_KIND_I32:
        case BW_KIND_I64:
          ck_assert_int_eq(it->as.i, (int64_t)ends[r][i]);
          break;
        case BW_KIND_F32: {
          uint32_t bits;
          memcpy(&bits, &it->as.f32, 4);
          ck_assert_uint_eq(bits, ends[r][i]);
          break;
        }
        case BW_KIND_F64: {
          uint64_t bits;
          memcpy(&bits, &it->as.f64, 8);
          ck_assert_uint_eq(bits, ends[r][i]);
          break;
        }
        default:
          ck_assert_uint_eq(it->as.u, ends[r][i]);
      }
    }
    size_t written = 0;
    ck_assert_int_eq(bw_encode(p, v, out, sizeof out, &written, NULL), 0);
    ck_assert_uint_eq(written, n);
    ck_assert_mem_eq(out, m, n);
    /* every shorter message: truncated, where the reader says */
    for (size_t k = 0; k < n; k++) {
      ck_assert_int_eq(decode_like_reader(p, m, k, a, &v, &off), BW_ETRUNCATED);
      ck_assert_uint_le(off, k);
    }
    /* a trailing byte */
    m[n] = 0;
    ck_assert_int_eq(decode_like_reader(p, m, n + 1, a, &v, &off), BW_ETRAILING);
    ck_assert_uint_eq(off, n);
  }
  bw_value_arena_free(a);
}
END_TEST

/* Bools loaded forward (offset 0) and backward (the last byte): a byte above 1 is refused at
 * its offset, every value 2..255. */
START_TEST(decode_bool_refusals) {
  const bw_type *q = type("Q");
  size_t n = wire_size(q);
  ck_assert_uint_eq(n, 1 + 8 + 4 + 8 + 1);
  uint8_t m[32];
  memset(m, 0x5a, sizeof m);
  m[0] = 1;
  m[n - 1] = 0;
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  uint64_t off = 0;
  ck_assert_int_eq(decode_like_reader(q, m, n, a, &v, &off), 0);
  ck_assert_uint_eq(v->as.list.items[0].as.u, 1);
  ck_assert_uint_eq(v->as.list.items[1].as.u, 0x5a5a5a5a5a5a5a5aull);
  ck_assert_uint_eq(v->as.list.items[2].as.u, 0x5a5a5a5au);
  ck_assert_uint_eq(v->as.list.items[3].as.u, 0x5a5a5a5a5a5a5a5aull);
  ck_assert_uint_eq(v->as.list.items[4].as.u, 0);
  for (unsigned b = 2; b < 256; b++) {
    m[0] = (uint8_t)b;
    ck_assert_int_eq(decode_like_reader(q, m, n, a, &v, &off), BW_EBOOL);
    ck_assert_uint_eq(off, 0);
    m[0] = 0;
    m[n - 1] = (uint8_t)b;
    ck_assert_int_eq(decode_like_reader(q, m, n, a, &v, &off), BW_EBOOL);
    ck_assert_uint_eq(off, n - 1);
    m[n - 1] = 1;
  }
  bw_value_arena_free(a);
}
END_TEST

/* Encoding through the plan: exactly the struct's bytes, nothing written past them, and each
 * refusal (a value out of range, a value of another kind) at its field's offset in every mode. */
START_TEST(encode_through_plan) {
  const bw_type *p = type("P");
  static const uint64_t vals[11] = {
      7,           (uint64_t)-2,          300,        (uint64_t)-300,
      70000,       (uint64_t)-70000,      1ull << 40, (uint64_t) - (1ll << 40),
      0x3f800000u, 0x4000000000000000ull, 1};
  uint8_t want[64];
  size_t n = p_bytes(want, vals);
  bw_value items[11];
  memset(items, 0, sizeof items);
  for (int i = 0; i < 11; i++) {
    items[i].type = bw_type_resolve(p->fields[i].type);
    items[i].as.u = vals[i];
  }
  uint32_t fbits = 0x3f800000u;
  memcpy(&items[8].as.f32, &fbits, 4);
  bw_value v = {.type = p};
  v.as.list.items = items;
  v.as.list.count = 11;
  uint8_t buf[128];
  memset(buf, 0xaa, sizeof buf);
  size_t written = 0;
  ck_assert_int_eq(bw_encode(p, &v, buf, n + 32, &written, NULL), 0);
  ck_assert_uint_eq(written, n);
  ck_assert_mem_eq(buf, want, n);
  for (size_t k = n; k < sizeof buf; k++) ck_assert_uint_eq(buf[k], 0xaa);
  ck_assert_int_eq(bw_encode(p, &v, buf, n, &written, NULL), 0);
  ck_assert_mem_eq(buf, want, n);
  ck_assert_int_eq(bw_encode(p, &v, buf, n - 1, &written, NULL), BW_ENOSPACE);
  ck_assert_uint_eq(written, n);
  uint8_t *heap = NULL;
  ck_assert_int_eq(bw_encode_alloc(p, &v, &heap, &written, NULL), 0);
  ck_assert_uint_eq(written, n);
  ck_assert_mem_eq(heap, want, n);
  free(heap);
  /* out of range, field by field (u64, i64, f32, f64 have no range) */
  static const struct {
    int field;
    uint64_t value;
    int code;
  } bad[] = {{0, 256, BW_EOVERFLOW},
             {1, 128, BW_EOVERFLOW},
             {1, (uint64_t)-129, BW_EOVERFLOW},
             {2, 65536, BW_EOVERFLOW},
             {3, 32768, BW_EOVERFLOW},
             {3, (uint64_t)-32769, BW_EOVERFLOW},
             {4, 1ull << 32, BW_EOVERFLOW},
             {5, 1ull << 31, BW_EOVERFLOW},
             {5, (uint64_t)(-(1ll << 31) - 1), BW_EOVERFLOW},
             {10, 2, BW_EBOOL}};
  size_t at[11];
  for (int i = 0, o = 0; i < 11; o += (int)bw_kind_width(items[i].type->kind), i++)
    at[i] = (size_t)o;
  for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
    bw_value keep = items[bad[c].field];
    items[bad[c].field].as.u = bad[c].value;
    bw_error err;
    bw_error_clear(&err);
    ck_assert_int_eq(bw_encode(p, &v, buf, sizeof buf, NULL, &err), bad[c].code);
    ck_assert_uint_eq(err.offset, at[bad[c].field]);
    bw_error_clear(&err);
    ck_assert_int_eq(bw_encoded_size(p, &v, &written, &err), bad[c].code);
    ck_assert_uint_eq(err.offset, at[bad[c].field]);
    items[bad[c].field] = keep;
  }
  /* a value of another kind in each field: at its offset */
  for (int i = 0; i < 11; i++) {
    bw_value keep = items[i];
    items[i].type = items[i == 0 ? 1 : 0].type;
    bw_error err;
    bw_error_clear(&err);
    ck_assert_int_eq(bw_encode(p, &v, buf, sizeof buf, NULL, &err), BW_ETYPE);
    ck_assert_uint_eq(err.offset, at[i]);
    items[i].type = NULL;
    ck_assert_int_eq(bw_encode(p, &v, buf, sizeof buf, NULL, &err), BW_ETYPE);
    ck_assert_uint_eq(err.offset, at[i]);
    items[i] = keep;
  }
}
END_TEST

/* Values whose type is another bw_type of the same kind (not the field's own, which the plan
 * compares first) encode to the same bytes; a struct whose last fields sit in its last 7
 * bytes (Q: t) is written without a byte past it; and of two bad bools the first is reported,
 * in both directions. */
START_TEST(plan_kind_by_value_and_tail_fields) {
  const bw_type *p = type("P"), *q = type("Q");
  static const uint64_t vals[11] = {1, 2, 3, 4, 5, 6, 7, 8, 0x3f800000u, 9, 0};
  uint8_t want[64];
  size_t n = p_bytes(want, vals);
  bw_type copies[11];
  bw_value items[11];
  memset(items, 0, sizeof items);
  for (int i = 0; i < 11; i++) {
    copies[i] = *bw_type_resolve(p->fields[i].type); /* same kind, another address */
    items[i].type = &copies[i];
    items[i].as.u = vals[i];
  }
  bw_value v = {.type = p};
  v.as.list.items = items;
  v.as.list.count = 11;
  uint8_t buf[128];
  size_t written = 0;
  ck_assert_int_eq(bw_encode(p, &v, buf, sizeof buf, &written, NULL), 0);
  ck_assert_uint_eq(written, n);
  ck_assert_mem_eq(buf, want, n);
  /* Q { s: bool, a: u64, b: u32, c: u64, t: bool }: c and t are in the last 8 bytes */
  size_t qn = wire_size(q);
  bw_value qi[5];
  memset(qi, 0, sizeof qi);
  uint64_t qv[5] = {1, 0x0102030405060708ull, 0x0a0b0c0du, 0x1112131415161718ull, 1};
  uint8_t qwant[32];
  size_t k = 0;
  for (int i = 0; i < 5; i++) {
    qi[i].type = bw_type_resolve(q->fields[i].type);
    qi[i].as.u = qv[i];
    unsigned w = bw_kind_width(qi[i].type->kind);
    for (unsigned b = 0; b < w; b++) qwant[k++] = (uint8_t)(qv[i] >> (8 * b));
  }
  ck_assert_uint_eq(k, qn);
  if (q->wire) { /* s a b c: 8 bytes from their offsets fit; t's bytes are checked first */
    ck_assert_uint_eq(q->wire->forward_count, 4);
    ck_assert_uint_eq(q->wire->bool_count, 2);
    ck_assert_uint_eq(q->wire->bool_at[0], 0);
    ck_assert_uint_eq(q->wire->bool_at[1], qn - 1);
  }
  bw_value qval = {.type = q};
  qval.as.list.items = qi;
  qval.as.list.count = 5;
  for (size_t cap = qn; cap < qn + 10; cap++) {
    memset(buf, 0xaa, sizeof buf);
    ck_assert_int_eq(bw_encode(q, &qval, buf, cap, &written, NULL), 0);
    ck_assert_uint_eq(written, qn);
    ck_assert_mem_eq(buf, qwant, qn);
    for (size_t b = qn; b < sizeof buf; b++) ck_assert_uint_eq(buf[b], 0xaa);
  }
  /* both bools bad: the first one, at 0 */
  qi[0].as.u = 2;
  qi[4].as.u = 3;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode(q, &qval, buf, sizeof buf, NULL, &err), BW_EBOOL);
  ck_assert_uint_eq(err.offset, 0);
  qi[0].as.u = 1; /* then the last, at qn - 1 */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode(q, &qval, buf, sizeof buf, NULL, &err), BW_EBOOL);
  ck_assert_uint_eq(err.offset, qn - 1);
  bw_value_arena *a = bw_value_arena_new();
  bw_value *out;
  uint64_t off = 0;
  qwant[0] = 2;
  qwant[qn - 1] = 3;
  ck_assert_int_eq(decode_like_reader(q, qwant, qn, a, &out, &off), BW_EBOOL);
  ck_assert_uint_eq(off, 0);
  qwant[0] = 0;
  ck_assert_int_eq(decode_like_reader(q, qwant, qn, a, &out, &off), BW_EBOOL);
  ck_assert_uint_eq(off, qn - 1);
  bw_value_arena_free(a);
}
END_TEST

/* Random messages of Q: the plan's answer is the reader's; accepted ones encode back. */
START_TEST(random_messages_agree_with_reader) {
  const bw_type *q = type("Q");
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  bw_value_arena *a = bw_value_arena_new();
  for (int r = 0; r < 2000; r++) {
    uint8_t m[32], out[32];
    for (size_t k = 0; k < sizeof m; k++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      m[k] = (uint8_t)(rng % 4 == 0 ? rng >> 8 : rng % 2); /* bool bytes mostly valid */
    }
    size_t n = 18 + (size_t)(rng >> 40) % 8; /* 22 is the size */
    bw_value *v;
    uint64_t off;
    bw_value_arena_reset(a);
    if (decode_like_reader(q, m, n, a, &v, &off) == 0) {
      size_t w = 0;
      ck_assert_int_eq(bw_encode(q, v, out, sizeof out, &w, NULL), 0);
      ck_assert_uint_eq(w, n);
      ck_assert_mem_eq(out, m, n);
    }
  }
  bw_value_arena_free(a);
}
END_TEST

/* A struct with a lean plan (uint, int, enum and fixed-width fields, the first four a run for
 * the vector path): random messages cut at random lengths, with the vector paths on and off.
 * Alone: the same results as the reader. At the front of a stream: the message found is the
 * one decoded alone, its bytes what encoding gives back, and a refusal is the one the reader
 * gives for the whole input, unless that is the trailing bytes. Each input is a buffer of
 * its own length, so that ASan sees any read past it. */
START_TEST(lean_structs_agree_with_reader) {
  const bw_type *l = type("L");
  if (little_endian()) ck_assert_int_eq(l->wire->lean, 1);
  uint64_t rng = 0x2545f4914f6cdd1dull;
  bw_value_arena *a = bw_value_arena_new();
  for (int simd = 0; simd < 2; simd++) {
    bw_codec_allow_simd(simd);
    for (int r = 0; r < 4000; r++) {
      uint8_t m[40], out[64];
      for (size_t k = 0; k < sizeof m; k++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        /* mostly short varints and valid bools and enum members; now and then anything */
        m[k] = (uint8_t)(rng % 8 == 0 ? rng >> 8 : rng % 8 == 1 ? 0x80 | (rng >> 8) : rng % 3);
      }
      size_t n = 1 + (size_t)(rng >> 33) % sizeof m;
      uint8_t *h = malloc(n);
      memcpy(h, m, n);
      bw_value *v;
      uint64_t off;
      bw_value_arena_reset(a);
      int whole = decode_like_reader(l, h, n, a, &v, &off);
      size_t used = 0, w = 0;
      int rc = bw_decode(l, h, n, NULL, a, &v, &used, NULL);
      if (rc == 0) {
        ck_assert_uint_le(used, n);
        ck_assert_int_eq(bw_encode(l, v, out, sizeof out, &w, NULL), 0);
        ck_assert_uint_eq(w, used);
        ck_assert_mem_eq(out, h, used);
        ck_assert_int_eq(decode_like_reader(l, h, used, a, &v, &off), 0);
      } else {
        ck_assert_int_eq(rc, whole);
        ck_assert_ptr_null(v);
      }
      if (whole == BW_ETRAILING) ck_assert_int_eq(rc, 0);
      free(h);
    }
  }
  bw_codec_allow_simd(1);
  bw_value_arena_free(a);
}
END_TEST

/* Whether v is a member of enum t, by its list. */
static int member(const bw_type *t, uint64_t v) {
  for (size_t k = 0; k < t->count; k++)
    if (t->members[k].value == v) return 1;
  return 0;
}

static size_t put_varint(uint8_t *p, uint64_t v) {
  size_t n = 0;
  for (; v >= 0x80; v >>= 7) p[n++] = (uint8_t)(v | 0x80);
  p[n++] = (uint8_t)v;
  return n;
}

/* Enum fields in the scalar plans (the lean decoder's and the list one's): each candidate value
 * of each enum field, members and not, below 64, at 64 and past the largest member, is taken
 * or refused as the member list says, by the encoder and the decoder, with the reader's error
 * and offset. */
START_TEST(enum_members_in_plans) {
  static const uint64_t cand[] = {0,   1,    2,    4,    5,          6,         62,  63,
                                  64,  65,   99,   100,  101,        199,       200, 201,
                                  999, 1000, 1001, 4096, 1ull << 63, UINT64_MAX};
  const char *names[2] = {"EnumLean", "EnumList"};
  bw_value_arena *a = bw_value_arena_new();
  for (int simd = 0; simd < 2; simd++) {
    bw_codec_allow_simd(simd);
    for (int s = 0; s < 2; s++) {
      const bw_type *t = type(names[s]);
      if (little_endian()) ck_assert_int_eq(t->wire->scalar, 1);
      size_t n = t->count;
      for (size_t f = 0; f < n; f++) {
        const bw_type *ft = bw_type_resolve(t->fields[f].type);
        if (ft->kind != BW_KIND_ENUM) continue;
        for (size_t c = 0; c < sizeof cand / sizeof cand[0]; c++) {
          /* every field valid (an enum its first member), field f the candidate */
          bw_value items[5];
          uint8_t msg[64], out[64];
          size_t len = 0, at = 0;
          memset(items, 0, sizeof items);
          for (size_t i = 0; i < n; i++) {
            const bw_type *it = bw_type_resolve(t->fields[i].type);
            items[i].type = it;
            if (i == f) at = len;
            if (it->kind == BW_KIND_LIST_FIXED) {
              static bw_value two[2];
              two[0].type = two[1].type = bw_type_resolve(it->elem);
              items[i].as.list.items = two;
              items[i].as.list.count = 2;
              msg[len++] = 0, msg[len++] = 0;
              continue;
            }
            items[i].as.u = i == f ? cand[c] : it->kind == BW_KIND_ENUM ? it->members[0].value : 1;
            len += put_varint(msg + len, items[i].as.u);
          }
          int ok = member(ft, cand[c]);
          bw_value v = {.type = t};
          v.as.list.items = items;
          v.as.list.count = n;
          bw_error err;
          bw_error_clear(&err);
          size_t w = 0;
          int rc = bw_encode(t, &v, out, sizeof out, &w, &err);
          ck_assert_msg(rc == (ok ? 0 : BW_EENUM), "%s.%s = %llu: encode %d", names[s],
                        t->fields[f].name, (unsigned long long)cand[c], rc);
          if (ok) {
            ck_assert_uint_eq(w, len);
            ck_assert_mem_eq(out, msg, len);
          } else {
            ck_assert_uint_eq(err.offset, at);
          }
          bw_value *d;
          uint64_t off = 0;
          bw_value_arena_reset(a);
          rc = decode_like_reader(t, msg, len, a, &d, &off);
          ck_assert_msg(rc == (ok ? 0 : BW_EENUM), "%s.%s = %llu: decode %d", names[s],
                        t->fields[f].name, (unsigned long long)cand[c], rc);
          if (ok)
            ck_assert_uint_eq(d->as.list.items[f].as.u, cand[c]);
          else
            ck_assert_uint_eq(off, at);
        }
      }
    }
  }
  bw_codec_allow_simd(1);
  bw_value_arena_free(a);
}
END_TEST

/* The planned struct at the front of a stream, under a message size limit, and inside a list
 * (planned structs below the root): the same results as the general walk and the reader. */
START_TEST(streams_limits_and_nesting) {
  const bw_type *p = type("P"), *nested = type("Nested");
  static const uint64_t vals[11] = {1, 2, 3, 4, 5, 6, 7, 8, 0x3f800000u, 9, 1};
  uint8_t m[128];
  size_t n = p_bytes(m, vals);
  memcpy(m + n, m, n); /* two messages back to back */
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  size_t used = 0;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_decode(p, m, 2 * n, NULL, a, &v, &used, &err), 0);
  ck_assert_uint_eq(used, n);
  ck_assert_uint_eq(v->as.list.items[10].as.u, 1);
  ck_assert_int_eq(bw_decode(p, m, n - 1, NULL, a, &v, &used, &err), BW_ETRUNCATED);
  ck_assert_ptr_null(v);
  /* a limit below the struct's size: BW_ELIMIT, as for any message */
  bw_decode_options o = {.max_message_size = n - 1};
  bw_error_clear(&err);
  ck_assert_int_eq(bw_decode(p, m, n, &o, a, &v, NULL, &err), BW_ELIMIT);
  ck_assert_uint_eq(err.offset, 0);
  ck_assert_int_eq(bw_decode(p, m, 2 * n, &o, a, &v, &used, &err), BW_ELIMIT);
  o.max_message_size = n;
  ck_assert_int_eq(bw_decode(p, m, n, &o, a, &v, NULL, &err), 0);
  /* list<struct { a: u64  b: u64 }> of three, the second b = 2^64 - 1 */
  uint8_t l[1 + 3 * 16], out[64];
  l[0] = 3;
  for (size_t k = 0; k < 3 * 16; k++)
    l[1 + k] = (uint8_t)(k == 31 ? 0 : k >= 24 && k < 32 ? 0xff : k);
  uint64_t off = 0;
  ck_assert_int_eq(decode_like_reader(nested, l, sizeof l, a, &v, &off), 0);
  ck_assert_uint_eq(v->as.list.count, 3);
  ck_assert_uint_eq(v->as.list.items[1].as.list.items[1].as.u, 0x00ffffffffffffffull);
  ck_assert_uint_eq(v->as.list.items[2].as.list.items[0].as.u, 0x2726252423222120ull);
  size_t w = 0;
  ck_assert_int_eq(bw_encode(nested, v, out, sizeof out, &w, NULL), 0);
  ck_assert_uint_eq(w, sizeof l);
  ck_assert_mem_eq(out, l, sizeof l);
  /* the last struct cut short: truncated where the reader says */
  ck_assert_int_eq(decode_like_reader(nested, l, sizeof l - 1, a, &v, &off), BW_ETRUNCATED);
  /* a value of another kind in the second struct: at its offset (1 + 16 + 8) */
  ck_assert_int_eq(bw_decode(nested, l, sizeof l, NULL, a, &v, NULL, NULL), 0);
  bw_value *inner = &v->as.list.items[1].as.list.items[1];
  inner->type = p->fields[0].type; /* a u8 */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode(nested, v, out, sizeof out, NULL, &err), BW_ETYPE);
  ck_assert_uint_eq(err.offset, 1 + 16 + 8);
  bw_value_arena_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_plan");
  TCase *tc = tcase_create("plan");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, which_structs_are_planned);
  tcase_add_test(tc, decode_through_plan);
  tcase_add_test(tc, decode_bool_refusals);
  tcase_add_test(tc, encode_through_plan);
  tcase_add_test(tc, plan_kind_by_value_and_tail_fields);
  tcase_add_test(tc, random_messages_agree_with_reader);
  tcase_add_test(tc, streams_limits_and_nesting);
  tcase_add_test(tc, lean_structs_agree_with_reader);
  tcase_add_test(tc, enum_members_in_plans);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

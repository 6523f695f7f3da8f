/* Check suite for the codec's word-at-a-time varints and the field loop that writes from a
 * local position (src/core/varint_word.h, encode.c, decode.c): uint and int values at every
 * varint length 1..10 and at both sides of each length boundary, as struct fields, list
 * elements, optional contents, union tags, enum values and list counts, compared with LEB128
 * bytes the test writes itself; a caller buffer of every size below the message's (the bytes
 * that fit are the message's first bytes, nothing past the buffer is touched); and the
 * decoder's refusals of varints (overlong at every length, more than 64 bits, truncated at
 * every byte, each next to the end of the input or with bytes after it), code and offset. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static const char *schema_text =
    "type V struct { u: uint  i: int  flag: bool }\n"
    "type L struct { us: list<uint>  is: list<int>  o: optional<uint>  x: list<uint>[2] }\n"
    "type E enum { A B C = 200 D = 300000 }\n"
    "type U union { uint | str = 1000 }\n"
    "type R struct { e: E  s: str  n: list<i16>[3]  bits: list<bool>  w: f64  t: U }\n"
    "type W uint\n";

#include "../common/codec_schema.h"

static uint64_t zigzag(int64_t v) {
  return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

/* Values at every varint length and at both sides of each boundary 2^(7k). */
static size_t boundary_values(uint64_t *out) {
  size_t n = 0;
  out[n++] = 0;
  out[n++] = 1;
  for (unsigned k = 1; k < 10; k++) {
    uint64_t b = (uint64_t)1 << (7 * k);
    out[n++] = b - 1;
    out[n++] = b;
    out[n++] = b + 1;
  }
  out[n++] = ((uint64_t)1 << 56) - 1; /* the last value of one 8-byte word */
  out[n++] = (uint64_t)1 << 63;
  out[n++] = UINT64_MAX;
  out[n++] = 0x8102040810204080ull; /* a set bit at the top of every group */
  out[n++] = 0x7efdfbf7efdfbf7full; /* every group's top bit clear */
  return n;
}

/* v encodes to want[0..n): into a buffer of exactly n bytes with guard bytes after it (never
 * touched), a growing buffer and a size-only pass; into every smaller buffer it is
 * BW_ENOSPACE with the size needed, the buffer holds want's first bytes and nothing past it is
 * written; the bytes decode back to an equal value. */
static void encodes_to(const bw_type *t, const bw_value *v, const uint8_t *want, size_t n) {
  enum { GUARD = 16 };
  uint8_t *buf = malloc(n + GUARD);
  size_t written = 0;
  bw_error err;
  for (size_t cap = 0; cap <= n; cap++) {
    memset(buf, 0xee, n + GUARD);
    bw_error_clear(&err);
    int rc = bw_encode(t, v, cap ? buf : NULL, cap, &written, &err);
    ck_assert_int_eq(rc, cap == n ? 0 : BW_ENOSPACE);
    ck_assert_uint_eq(written, n);
    ck_assert_mem_eq(buf, want, cap);
    for (size_t k = cap; k < n + GUARD; k++)
      ck_assert_msg(buf[k] == 0xee, "cap %zu: byte %zu written", cap, k);
  }
  uint8_t *heap = NULL;
  ck_assert_int_eq(bw_encode_alloc(t, v, &heap, &written, NULL), 0);
  ck_assert_uint_eq(written, n);
  ck_assert_mem_eq(heap, want, n);
  free(heap);
  ck_assert_int_eq(bw_encoded_size(t, v, &written, NULL), 0);
  ck_assert_uint_eq(written, n);
  bw_value_arena *a = bw_value_arena_new();
  bw_value *back;
  ck_assert_msg(bw_decode(t, want, n, NULL, a, &back, NULL, &err) == 0, "%s", err.message);
  ck_assert(bw_value_equal(back, v));
  ck_assert_int_eq(bw_message_check(t, want, n, NULL, &err), 0);
  bw_value_arena_free(a);
  free(buf);
}

/* V { u, i, flag } with every boundary value as u and as i (and its negation), in a buffer of
 * every size: the word store of a varint never shows past the buffer or in the prefix. */
START_TEST(struct_varints_every_length) {
  const bw_type *vt = type("V");
  uint64_t vals[64];
  size_t nv = boundary_values(vals);
  for (size_t a = 0; a < nv; a++) {
    for (int neg = 0; neg < 2; neg++) {
      bw_value fields[3], v = {.type = vt};
      memset(fields, 0, sizeof fields);
      for (int f = 0; f < 3; f++) fields[f].type = bw_type_resolve(vt->fields[f].type);
      fields[0].as.u = vals[a];
      uint64_t b = vals[(a + 7) % nv]; /* (as int64 bits, negated modulo 2^64) */
      fields[1].as.i = (int64_t)(neg ? 0 - b : b);
      fields[2].as.u = 1;
      v.as.list.items = fields;
      v.as.list.count = 3;
      uint8_t want[32];
      size_t k = leb(fields[0].as.u, want);
      k += leb(zigzag(fields[1].as.i), want + k);
      want[k++] = 1;
      encodes_to(vt, &v, want, k);
    }
  }
}
END_TEST

/* The extremes of int: INT64_MIN is 2^64 - 1 zig-zagged (ten bytes), INT64_MAX 2^64 - 2. */
START_TEST(struct_int_extremes) {
  const bw_type *vt = type("V");
  int64_t ints[] = {INT64_MIN, INT64_MAX, -1, 0, 63, -64, 64, -65};
  for (size_t a = 0; a < sizeof ints / sizeof ints[0]; a++) {
    bw_value fields[3], v = {.type = vt};
    memset(fields, 0, sizeof fields);
    for (int f = 0; f < 3; f++) fields[f].type = bw_type_resolve(vt->fields[f].type);
    fields[1].as.i = ints[a];
    v.as.list.items = fields;
    v.as.list.count = 3;
    uint8_t want[32];
    size_t k = leb(0, want);
    k += leb(zigzag(ints[a]), want + k);
    want[k++] = 0;
    encodes_to(vt, &v, want, k);
  }
  /* the vectors of BARE.md written out: -1 is 01, 64 is 80 01, INT64_MIN ten bytes */
  uint8_t m1[1], p64[2], min[10];
  ck_assert_uint_eq(leb(zigzag(-1), m1), 1);
  ck_assert_uint_eq(m1[0], 0x01);
  ck_assert_uint_eq(leb(zigzag(64), p64), 2);
  ck_assert_uint_eq(p64[0], 0x80);
  ck_assert_uint_eq(p64[1], 0x01);
  ck_assert_uint_eq(leb(zigzag(INT64_MIN), min), 10);
  ck_assert_uint_eq(min[9], 0x01);
}
END_TEST

/* L { us: list<uint>, is: list<int>, o: optional<uint>, x: list<uint>[2] }: elements, counts
 * and the optional's content at every length; lists of 0..12 elements (short lists and the
 * general loop). */
START_TEST(list_and_optional_varints) {
  const bw_type *lt = type("L");
  uint64_t vals[64];
  size_t nv = boundary_values(vals);
  bw_value fields[4], us[12], is[12], o, x[2], v = {.type = lt};
  for (size_t count = 0; count <= 12; count++) {
    for (size_t start = 0; start < nv; start += 5) {
      memset(fields, 0, sizeof fields);
      for (int f = 0; f < 4; f++) fields[f].type = bw_type_resolve(lt->fields[f].type);
      const bw_type *ut = bw_type_resolve(fields[0].type->elem);
      const bw_type *it = bw_type_resolve(fields[1].type->elem);
      for (size_t i = 0; i < count; i++) {
        memset(&us[i], 0, sizeof us[i]);
        memset(&is[i], 0, sizeof is[i]);
        us[i].type = ut;
        us[i].as.u = vals[(start + i) % nv];
        is[i].type = it;
        is[i].as.i = (int64_t)vals[(start + 3 * i) % nv];
      }
      fields[0].as.list.items = us;
      fields[0].as.list.count = count;
      fields[1].as.list.items = is;
      fields[1].as.list.count = count;
      memset(&o, 0, sizeof o);
      o.type = ut;
      o.as.u = vals[(start + count) % nv];
      fields[2].as.optional = count % 2 ? &o : NULL;
      for (int i = 0; i < 2; i++) {
        memset(&x[i], 0, sizeof x[i]);
        x[i].type = ut;
        x[i].as.u = vals[(start + 11 * (size_t)i + count) % nv];
      }
      fields[3].as.list.items = x;
      fields[3].as.list.count = 2;
      v.as.list.items = fields;
      v.as.list.count = 4;
      uint8_t want[512];
      size_t k = leb(count, want);
      for (size_t i = 0; i < count; i++) k += leb(us[i].as.u, want + k);
      k += leb(count, want + k);
      for (size_t i = 0; i < count; i++) k += leb(zigzag(is[i].as.i), want + k);
      want[k++] = count % 2 ? 1 : 0;
      if (count % 2) k += leb(o.as.u, want + k);
      for (int i = 0; i < 2; i++) k += leb(x[i].as.u, want + k);
      encodes_to(lt, &v, want, k);
    }
  }
}
END_TEST

/* R { e: E, s: str, n: list<i16>[3], bits: list<bool>, w: f64, t: U }: an enum value that is
 * not its index (a search) and one that is, str lengths across the copy's size classes, fixed
 * lists written whole, a union tag of two bytes. */
typedef struct r_case {
  bw_value r, fields[6], n[3], bits[4], inner;
  char text[140];
} r_case;

static size_t build_r(r_case *c, uint64_t e, size_t slen, int64_t n0, size_t nbits, uint64_t tag,
                      uint8_t *want) {
  const bw_type *rt = type("R");
  memset(c, 0, sizeof *c);
  c->r.type = rt;
  c->r.as.list.items = c->fields;
  c->r.as.list.count = 6;
  for (int i = 0; i < 6; i++) c->fields[i].type = bw_type_resolve(rt->fields[i].type);
  size_t k = 0;
  c->fields[0].as.u = e;
  k += leb(e, want + k);
  for (size_t i = 0; i < slen; i++) c->text[i] = (char)('a' + i % 26);
  c->fields[1].as.bytes.ptr = (const uint8_t *)c->text;
  c->fields[1].as.bytes.len = slen;
  k += leb(slen, want + k);
  memcpy(want + k, c->text, slen);
  k += slen;
  for (int i = 0; i < 3; i++) {
    c->n[i].type = bw_type_resolve(c->fields[2].type->elem);
    c->n[i].as.i = i ? -i : n0;
    uint16_t b = (uint16_t)(int16_t)c->n[i].as.i;
    want[k++] = (uint8_t)b;
    want[k++] = (uint8_t)(b >> 8);
  }
  c->fields[2].as.list.items = c->n;
  c->fields[2].as.list.count = 3;
  k += leb(nbits, want + k);
  for (size_t i = 0; i < nbits; i++) {
    c->bits[i].type = bw_type_resolve(c->fields[3].type->elem);
    c->bits[i].as.u = i % 2;
    want[k++] = (uint8_t)(i % 2);
  }
  c->fields[3].as.list.items = c->bits;
  c->fields[3].as.list.count = nbits;
  uint64_t wbits = 0x400921fb54442d18ull; /* pi */
  memcpy(&c->fields[4].as.f64, &wbits, 8);
  for (int b = 0; b < 8; b++) want[k++] = (uint8_t)(wbits >> (8 * b));
  const bw_type *ut = c->fields[5].type;
  c->fields[5].as.variant.tag = tag;
  c->fields[5].as.variant.index = tag ? 1 : 0;
  c->fields[5].as.variant.value = &c->inner;
  c->inner.type = bw_type_resolve(ut->variants[tag ? 1 : 0].type);
  k += leb(tag, want + k);
  if (tag) {
    c->inner.as.bytes.ptr = (const uint8_t *)"q";
    c->inner.as.bytes.len = 1;
    want[k++] = 1;
    want[k++] = 'q';
  } else {
    c->inner.as.u = 300;
    k += leb(300, want + k);
  }
  return k;
}

START_TEST(record_fields) {
  static r_case c;
  uint8_t want[256];
  uint64_t enums[] = {0, 1, 200, 300000};
  size_t lens[] = {0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 127, 128, 130};
  for (size_t a = 0; a < 4; a++)
    for (size_t b = 0; b < sizeof lens / sizeof lens[0]; b++) {
      size_t n = build_r(&c, enums[a], lens[b], a ? -32768 : 32767, b % 5, b % 2 ? 1000 : 0, want);
      encodes_to(c.r.type, &c.r, want, n);
    }
}
END_TEST

/* Refusals in the field loop, each at its own offset: an enum value not defined, a str that
 * is not UTF-8 (short and long), an i16 out of range inside list<i16>[3], a bool of 2 inside
 * list<bool>, a list<i16>[3] with two items, a union tag not defined, a value of the wrong
 * kind. */
START_TEST(record_refusals) {
  static r_case c;
  uint8_t want[256], buf[256];
  bw_error err;
  const bw_type *rt = type("R");
  /* R as build_r(1, 5 bytes of str, 7, 3 bools, tag 0) lays it out: e at 0; s: its length at 1,
   * its bytes at 2..6; n at 7..12; bits: the count at 13, the items at 14..16; w at 17..24; the
   * union tag at 25 */
  struct {
    int what;
    int code;
    size_t at;
  } cases[] = {
      {0, BW_EENUM, 0},  {1, BW_EUTF8, 1},  {2, BW_EUTF8, 1}, {3, BW_EOVERFLOW, 1 + 1 + 5 + 2},
      {4, BW_EBOOL, 15}, {5, BW_ETYPE, 7},  {6, BW_ETAG, 25}, {7, BW_ETYPE, 0},
      {8, BW_ETYPE, 7},  {9, BW_ETYPE, 14},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    build_r(&c, 1, 5, 7, 3, 0, want);
    switch (cases[i].what) {
      case 0:
        c.fields[0].as.u = 2; /* between B and C */
        break;
      case 1:
        c.text[4] = (char)0xff;
        break;
      case 2: /* a long str (a two-byte length): the general path */
        build_r(&c, 1, 130, 7, 3, 0, want);
        c.text[129] = (char)0xc3;
        break;
      case 3:
        c.n[1].as.i = 32768;
        break;
      case 4:
        c.bits[1].as.u = 2;
        break;
      case 5:
        c.fields[2].as.list.count = 2;
        break;
      case 6:
        c.fields[5].as.variant.tag = 2;
        break;
      case 7:
        c.fields[0].type = c.fields[1].type; /* a str where E is expected */
        break;
      case 8:
        c.n[0].type = c.fields[4].type; /* an f64 inside list<i16>[3] */
        break;
      case 9:
        c.bits[0].type = c.n[0].type; /* an i16 inside list<bool>, after the count */
        break;
    }
    size_t at = cases[i].at;
    bw_error_clear(&err);
    ck_assert_int_eq(bw_encode(rt, &c.r, buf, sizeof buf, NULL, &err), cases[i].code);
    ck_assert_msg(err.offset == at, "case %d: offset %llu, want %zu", cases[i].what,
                  (unsigned long long)err.offset, at);
    size_t n;
    bw_error_clear(&err);
    ck_assert_int_eq(bw_encoded_size(rt, &c.r, &n, &err), cases[i].code);
    ck_assert_uint_eq(err.offset, at);
  }
}
END_TEST

/* V { u, i, flag } with u's varint written here byte by byte, after `lead` bytes of a valid
 * u (so that u is not at offset 0: the field is i) or as u itself, and `tail` bytes after it
 * (0: the varint ends the input). Returns the size; *at is the varint's offset. */
static size_t v_with(uint8_t *m, const uint8_t *vb, size_t vn, int as_int, size_t tail,
                     size_t *at) {
  size_t k = 0;
  if (as_int) m[k++] = 0x05; /* u = 5 */
  *at = k;
  memcpy(m + k, vb, vn);
  k += vn;
  if (!as_int) m[k++] = 0x00;                                      /* i = 0 */
  for (size_t t = 0; t < tail; t++) m[k++] = t == 0 ? 0x01 : 0x00; /* flag, then extra bytes */
  return k;
}

/* Decodes m[0..n) as V from an exact-size copy (ASan sees any read past it): the code, and the
 * offset (the reader's too). */
static int decode_v(const uint8_t *m, size_t n, uint64_t *offset, bw_value **out,
                    bw_value_arena *a) {
  const bw_type *vt = type("V");
  uint8_t *msg = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(msg);
  memcpy(msg, m, n);
  bw_error e1, e2;
  bw_error_clear(&e1);
  bw_error_clear(&e2);
  int rc = bw_decode(vt, msg, n, NULL, a, out, NULL, &e1);
  ck_assert_int_eq(bw_message_check(vt, msg, n, NULL, &e2), rc);
  if (rc) {
    ck_assert_uint_eq(e1.offset, e2.offset);
    *offset = e1.offset;
  }
  free(msg);
  return rc;
}

/* The decoder's varints as struct fields (the field loop): every length 1..10 reads back;
 * a last group of 0 at every length 2..10 is not minimal, a tenth byte above 1 or an eleventh
 * byte overflows, and a varint cut at every byte is truncated: each at the varint's first byte,
 * with the varint ending the input (i last), followed by the flag only, or by 12 bytes (the
 * reader's path for ten bytes there). */
START_TEST(decode_varint_fields) {
  bw_value_arena *a = bw_value_arena_new();
  uint8_t vb[12], m[40];
  for (int as_int = 0; as_int < 2; as_int++) {
    for (size_t tail = 0; tail <= 12; tail += 12) {
      for (size_t len = 1; len <= 10; len++) {
        /* valid: len - 1 bytes 0x80 | k, a last byte of 1 */
        for (size_t k = 0; k + 1 < len; k++) vb[k] = (uint8_t)(0x80 | k);
        vb[len - 1] = 1;
        uint64_t want = 0;
        for (size_t k = 0; k < len; k++) want |= (uint64_t)(vb[k] & 0x7f) << (7 * k);
        size_t at, n = v_with(m, vb, len, as_int, 1, &at); /* (a whole message: the flag) */
        bw_value *v;
        uint64_t off = 0;
        ck_assert_int_eq(decode_v(m, n, &off, &v, a), 0);
        if (!as_int)
          ck_assert_uint_eq(v->as.list.items[0].as.u, want);
        else /* (zig-zag is one to one: its encoding gives back the varint's value) */
          ck_assert_uint_eq(zigzag(v->as.list.items[1].as.i), want);
        /* more bytes after the message: trailing, after the flag */
        n = v_with(m, vb, len, as_int, tail, &at);
        if (tail) {
          ck_assert_int_eq(decode_v(m, n, &off, &v, a), BW_ETRAILING);
        }
        if (len >= 2) { /* not minimal: the last group 0 */
          vb[len - 1] = 0;
          n = v_with(m, vb, len, as_int, tail, &at);
          ck_assert_int_eq(decode_v(m, n, &off, &v, a), BW_ENONMINIMAL);
          ck_assert_uint_eq(off, at);
          vb[len - 1] = 1;
        }
        /* cut at every byte: the input ends inside the varint */
        for (size_t cut = 0; cut < len; cut++) {
          uint8_t c[12];
          memcpy(c, vb, cut);
          size_t cn = v_with(m, c, cut, as_int, 0, &at);
          if (!as_int) cn = at + cut; /* (nothing after a cut u) */
          ck_assert_int_eq(decode_v(m, cn, &off, &v, a), BW_ETRUNCATED);
          ck_assert_uint_eq(off, at);
        }
      }
      /* more than 64 bits: a tenth byte of 2..0x7f, or continued into an eleventh */
      for (size_t k = 0; k < 9; k++) vb[k] = 0xff;
      size_t at, n;
      bw_value *v;
      uint64_t off = 0;
      static const uint8_t tenth[] = {0x02, 0x40, 0x7f};
      for (size_t t = 0; t < sizeof tenth; t++) {
        vb[9] = tenth[t];
        n = v_with(m, vb, 10, as_int, tail, &at);
        ck_assert_int_eq(decode_v(m, n, &off, &v, a), BW_EOVERFLOW);
        ck_assert_uint_eq(off, at);
      }
      vb[9] = 0x81;
      vb[10] = 0x01;
      n = v_with(m, vb, 11, as_int, tail, &at);
      ck_assert_int_eq(decode_v(m, n, &off, &v, a), BW_EOVERFLOW);
      ck_assert_uint_eq(off, at);
      vb[9] = 0x00; /* a tenth byte of 0: not minimal */
      n = v_with(m, vb, 10, as_int, tail, &at);
      ck_assert_int_eq(decode_v(m, n, &off, &v, a), BW_ENONMINIMAL);
      ck_assert_uint_eq(off, at);
      vb[9] = 0x01; /* 2^64 - 1 */
      n = v_with(m, vb, 10, as_int, 1, &at);
      ck_assert_int_eq(decode_v(m, n, &off, &v, a), 0);
      if (!as_int)
        ck_assert_uint_eq(v->as.list.items[0].as.u, UINT64_MAX);
      else
        ck_assert_int_eq(v->as.list.items[1].as.i, INT64_MIN);
    }
  }
  bw_value_arena_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_varint");
  TCase *tc = tcase_create("varints");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, struct_varints_every_length);
  tcase_add_test(tc, struct_int_extremes);
  tcase_add_test(tc, list_and_optional_varints);
  tcase_add_test(tc, record_fields);
  tcase_add_test(tc, record_refusals);
  tcase_add_test(tc, decode_varint_fields);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

/* Check suite for the encoder's shortcuts (src/codec/encode.c): str and data values under 128
 * bytes written with one room check and a short copy, and the repeated-key check of maps with
 * leaf values done while the keys are written (a table on the stack up to 256 keys, the
 * general check beyond and for aggregate values). Every case compares the bytes with a message
 * the test builds itself, decodes them back, and pins the refusals: code, offset and the
 * repeated key's index, the same on both sides of each size boundary. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static const char *schema_text = "type T str\n"
                                 "type D data\n"
                                 "type M map<str><u8>\n"
                                 "type MU map<uint><bool>\n"
                                 "type MI map<i64><str>\n"
                                 "type ML map<str><list<u8>>\n"
                                 "type MU8 map<str><u8>\n"
                                 "type MU16 map<str><u16>\n"
                                 "type MU32 map<str><u32>\n"
                                 "type MU64 map<str><u64>\n"
                                 "type MI8 map<str><i8>\n"
                                 "type MI16 map<str><i16>\n"
                                 "type MI32 map<str><i32>\n"
                                 "type MI64 map<str><i64>\n"
                                 "type MF32 map<str><f32>\n"
                                 "type MF64 map<str><f64>\n"
                                 "type MB map<str><bool>\n"
                                 "type R struct { name: str  tags: list<str>  opt: optional<u16>  "
                                 "fx: list<u8>[3]  nums: list<i32> }\n";

#include "../common/codec_schema.h"

/* v encodes to want[0..n) in all three modes (a caller buffer of exactly n bytes, a growing
 * buffer, a size-only pass); one byte less is BW_ENOSPACE with the size needed; the bytes
 * decode back to an equal value. */
static void encodes_to(const bw_type *t, const bw_value *v, const uint8_t *want, size_t n) {
  uint8_t *buf = malloc(n + 1);
  size_t written = 0;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_encode(t, v, buf, n, &written, &err) == 0, "%s", err.message);
  ck_assert_uint_eq(written, n);
  ck_assert_mem_eq(buf, want, n);
  if (n) {
    ck_assert_int_eq(bw_encode(t, v, buf, n - 1, &written, &err), BW_ENOSPACE);
    ck_assert_uint_eq(written, n);
    ck_assert_mem_eq(buf, want, n - 1); /* the prefix that fits */
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
  ck_assert_int_eq(bw_decode(t, want, n, NULL, a, &back, NULL, &err), 0);
  ck_assert(bw_value_equal(back, v));
  bw_value_arena_free(a);
  free(buf);
}

/* v is refused with code at offset in every mode (a big buffer, a growing one, size only). */
static void refused(const bw_type *t, const bw_value *v, int code, uint64_t offset,
                    const char *message) {
  uint8_t buf[8192];
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode(t, v, buf, sizeof buf, NULL, &err), code);
  ck_assert_uint_eq(err.offset, offset);
  if (message) ck_assert_str_eq(err.message, message);
  uint8_t *heap = NULL;
  size_t n;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode_alloc(t, v, &heap, &n, &err), code);
  ck_assert_ptr_null(heap);
  ck_assert_uint_eq(err.offset, offset);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encoded_size(t, v, &n, &err), code);
  ck_assert_uint_eq(err.offset, offset);
}

/* Strings of every length from 0 to 140 (short copies of 1-3, 4-7, 8-16 bytes, a call from
 * 17, a two-byte length from 128), as str and data, at every offset of a source buffer. */
START_TEST(short_strings_every_length) {
  const bw_type *ts = type("T"), *td = type("D");
  char text[160];
  for (size_t i = 0; i < sizeof text; i++) text[i] = (char)('A' + (i * 7) % 26);
  uint8_t want[160];
  for (size_t len = 0; len <= 140; len++) {
    for (size_t at = 0; at < 3; at++) {
      bw_value v = {.type = ts};
      v.as.bytes.ptr = len ? (const uint8_t *)text + at : NULL;
      v.as.bytes.len = len;
      size_t h = leb(len, want);
      ck_assert_uint_eq(h, len < 128 ? 1 : 2);
      memcpy(want + h, text + at, len);
      encodes_to(ts, &v, want, h + len);
      v.type = td;
      encodes_to(td, &v, want, h + len);
    }
  }
}
END_TEST

/* A str after other bytes: the refusals of the string shortcut are at the string's offset. */
START_TEST(short_string_refusals) {
  const bw_type *ts = type("T");
  bw_value v = {.type = ts};
  /* invalid UTF-8 of every short length: at offset 0, nothing counted */
  uint8_t bad[20];
  for (size_t len = 1; len < sizeof bad; len++) {
    memset(bad, 'a', sizeof bad);
    bad[len - 1] = 0xff; /* the last byte (the overlapping loads' tail) */
    v.as.bytes.ptr = bad;
    v.as.bytes.len = len;
    refused(ts, &v, BW_EUTF8, 0, "str value is not valid UTF-8");
    memset(bad, 'a', sizeof bad);
    bad[0] = 0xc3; /* a lead byte without its continuation */
    refused(ts, &v, BW_EUTF8, 0, "str value is not valid UTF-8");
  }
  /* valid two-byte sequences pass: "é" repeated */
  uint8_t e_acute[8] = {0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9};
  v.as.bytes.ptr = e_acute;
  v.as.bytes.len = 8;
  uint8_t want[9] = {8};
  memcpy(want + 1, e_acute, 8);
  encodes_to(ts, &v, want, 9);
  /* bytes claimed without a pointer: a value of the wrong shape */
  v.as.bytes.ptr = NULL;
  v.as.bytes.len = 3;
  refused(ts, &v, BW_ETYPE, 0, "value of kind str where str is expected");
}
END_TEST

/* A map<str><u8> of n pairs with keys "k<i>" (or key[dup] = key[first]), built by hand, and
 * the bytes it must encode to. Keys and values live in the caller's arrays. */
typedef struct map_case {
  bw_value map;
  bw_value pairs[2 * 400];
  char keys[400][16];
  uint8_t want[400 * 18 + 4];
  size_t want_len;
  size_t key0; /* offset of the first key: after the count */
} map_case;

static void build_str_map(map_case *c, size_t n, long first, long dup) {
  const bw_type *m = type("M");
  c->map.type = m;
  c->map.as.list.items = c->pairs;
  c->map.as.list.count = n;
  size_t k = leb(n, c->want);
  c->key0 = k;
  for (size_t i = 0; i < n; i++) {
    size_t which = (long)i == dup ? (size_t)first : i;
    /* lengths 2..13: every branch of the hash and the copy */
    int len = snprintf(c->keys[i], sizeof c->keys[i], "k%0*zu", (int)(1 + which % 12), which);
    bw_value *key = &c->pairs[2 * i], *val = key + 1;
    memset(key, 0, 2 * sizeof *key);
    key->type = bw_type_resolve(m->key);
    key->as.bytes.ptr = (const uint8_t *)c->keys[i];
    key->as.bytes.len = (size_t)len;
    val->type = bw_type_resolve(m->elem);
    val->as.u = (uint64_t)(i % 251);
    c->want[k++] = (uint8_t)len;
    memcpy(c->want + k, c->keys[i], (size_t)len);
    k += (size_t)len;
    c->want[k++] = (uint8_t)(i % 251);
  }
  c->want_len = k;
}

/* Distinct keys encode, for sizes on both sides of the pairwise, table and sort boundaries. */
START_TEST(map_distinct_keys) {
  static map_case c;
  static const size_t sizes[] = {0, 1, 2, 8, 9, 17, 100, 255, 256, 257, 400};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    build_str_map(&c, sizes[s], -1, -1);
    encodes_to(c.map.type, &c.map, c.want, c.want_len);
  }
}
END_TEST

/* A repeated key: BW_EDUPKEY at the first key's offset, naming the second occurrence; where
 * there are several, the earliest second occurrence. The same on both sides of 256. */
START_TEST(map_repeated_key) {
  static map_case c;
  static const struct {
    size_t n;
    long first, dup;
  } cases[] = {{2, 0, 1},     {9, 3, 8},       {17, 0, 16},   {100, 42, 43},
               {256, 0, 255}, {256, 254, 255}, {257, 0, 256}, {300, 100, 200}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    build_str_map(&c, cases[i].n, cases[i].first, cases[i].dup);
    char msg[64];
    snprintf(msg, sizeof msg, "map key %ld repeats an earlier key", cases[i].dup);
    refused(c.map.type, &c.map, BW_EDUPKEY, c.key0, msg);
  }
  /* two repeats: keys 5 = 1 and 7 = 2; key 5 is named */
  build_str_map(&c, 20, 1, 5);
  c.pairs[14] = c.pairs[4];
  refused(c.map.type, &c.map, BW_EDUPKEY, 1, "map key 5 repeats an earlier key");
  /* empty keys: "" twice (one without a pointer) */
  build_str_map(&c, 20, -1, -1);
  c.pairs[6].as.bytes.len = 0;
  c.pairs[18].as.bytes.len = 0;
  c.pairs[18].as.bytes.ptr = NULL;
  refused(c.map.type, &c.map, BW_EDUPKEY, 1, "map key 9 repeats an earlier key");
}
END_TEST

/* Any refusal of a pair comes before the repeated key, wherever the repeat is. */
START_TEST(map_refusals_before_repeats) {
  static map_case c;
  build_str_map(&c, 20, 0, 1);
  /* pair 12's value 300 does not fit in u8: at its offset */
  c.pairs[25].as.u = 300;
  size_t at = c.key0;
  for (size_t i = 0; i < 12; i++) at += 1 + c.pairs[2 * i].as.bytes.len + 1;
  at += 1 + c.pairs[24].as.bytes.len;
  refused(c.map.type, &c.map, BW_EOVERFLOW, at, "300 does not fit in u8");
  /* a key that is not UTF-8: at the key's offset */
  build_str_map(&c, 20, 0, 1);
  c.keys[12][1] = (char)0xfe;
  at = c.key0;
  for (size_t i = 0; i < 12; i++) at += 1 + c.pairs[2 * i].as.bytes.len + 1;
  refused(c.map.type, &c.map, BW_EUTF8, at, "str value is not valid UTF-8");
  /* a key of another kind, a key with bytes but no pointer */
  build_str_map(&c, 20, 0, 1);
  c.pairs[24].type = c.pairs[25].type; /* a u8 */
  refused(c.map.type, &c.map, BW_ETYPE, at, "value of kind u8 where str is expected");
  build_str_map(&c, 20, 0, 1);
  c.pairs[24].as.bytes.ptr = NULL;
  refused(c.map.type, &c.map, BW_ETYPE, at, "value of kind str where str is expected");
  /* a key with a valid two-byte sequence is fine */
  build_str_map(&c, 20, -1, -1);
  c.keys[3][0] = (char)0xc3;
  c.keys[3][1] = (char)0xa9;
  at = c.key0 + 1; /* key 3's bytes: after three pairs of a length byte, the key and a u8 */
  for (size_t i = 0; i < 3; i++) at += 2 + c.pairs[2 * i].as.bytes.len;
  c.want[at] = 0xc3;
  c.want[at + 1] = 0xa9;
  encodes_to(c.map.type, &c.map, c.want, c.want_len);
}
END_TEST

/* Number keys (uint, i64) in the table: equal 64-bit values repeat. Aggregate values take the
 * general check: same results. */
START_TEST(map_number_keys_and_aggregate_values) {
  const bw_type *mu = type("MU"), *mi = type("MI"), *ml = type("ML");
  static bw_value pairs[2 * 300];
  static uint8_t want[300 * 16 + 4];
  for (size_t n = 2; n <= 300; n += 149) { /* 2, 151, 300 */
    size_t k = leb(n, want);
    for (size_t i = 0; i < n; i++) {
      memset(&pairs[2 * i], 0, 2 * sizeof pairs[0]);
      pairs[2 * i].type = bw_type_resolve(mu->key);
      pairs[2 * i].as.u = (uint64_t)i * 0x0101010101ull; /* long varints */
      pairs[2 * i + 1].type = bw_type_resolve(mu->elem);
      pairs[2 * i + 1].as.u = i & 1;
      k += leb(pairs[2 * i].as.u, want + k);
      want[k++] = (uint8_t)(i & 1);
    }
    bw_value map = {.type = mu};
    map.as.list.items = pairs;
    map.as.list.count = n;
    encodes_to(mu, &map, want, k);
    pairs[2 * (n - 1)].as.u = pairs[0].as.u;
    char msg[64];
    snprintf(msg, sizeof msg, "map key %zu repeats an earlier key", n - 1);
    refused(mu, &map, BW_EDUPKEY, leb(n, want), msg);
  }
  /* map<i64><str>: {-1: "a", 5: "b", -1: "c"} */
  bw_value ip[6];
  memset(ip, 0, sizeof ip);
  const char *vals[3] = {"a", "b", "c"};
  int64_t keys[3] = {-1, 5, -1};
  for (int i = 0; i < 3; i++) {
    ip[2 * i].type = bw_type_resolve(mi->key);
    ip[2 * i].as.i = keys[i];
    ip[2 * i + 1].type = bw_type_resolve(mi->elem);
    ip[2 * i + 1].as.bytes.ptr = (const uint8_t *)vals[i];
    ip[2 * i + 1].as.bytes.len = 1;
  }
  bw_value imap = {.type = mi};
  imap.as.list.items = ip;
  imap.as.list.count = 3;
  refused(mi, &imap, BW_EDUPKEY, 1, "map key 2 repeats an earlier key");
  ip[4].as.i = -2;
  uint8_t iwant[] = {3,    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1,   'a',
                     5,    0,    0,    0,    0,    0,    0,    0,    1,    'b', 0xfe,
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1,    'c'};
  encodes_to(mi, &imap, iwant, sizeof iwant);
  /* map<str><list<u8>>: {"x": [1], "y": [], "x": [2]} */
  bw_value lp[6], elems[2];
  memset(lp, 0, sizeof lp);
  memset(elems, 0, sizeof elems);
  const bw_type *lt = bw_type_resolve(ml->elem);
  const char *lk[3] = {"x", "y", "x"};
  for (int i = 0; i < 3; i++) {
    lp[2 * i].type = bw_type_resolve(ml->key);
    lp[2 * i].as.bytes.ptr = (const uint8_t *)lk[i];
    lp[2 * i].as.bytes.len = 1;
    lp[2 * i + 1].type = lt;
  }
  elems[0].type = elems[1].type = bw_type_resolve(lt->elem);
  elems[0].as.u = 1;
  elems[1].as.u = 2;
  lp[1].as.list.items = &elems[0];
  lp[1].as.list.count = 1;
  lp[5].as.list.items = &elems[1];
  lp[5].as.list.count = 1;
  bw_value lmap = {.type = ml};
  lmap.as.list.items = lp;
  lmap.as.list.count = 3;
  refused(ml, &lmap, BW_EDUPKEY, 1, "map key 2 repeats an earlier key");
  lk[2] = "z";
  lp[4].as.bytes.ptr = (const uint8_t *)"z";
  uint8_t lwant[] = {3, 1, 'x', 1, 1, 1, 'y', 0, 1, 'z', 1, 2};
  encodes_to(ml, &lmap, lwant, sizeof lwant);
}
END_TEST

/* map<str><number or bool> of every fixed width: each value at and just past the ends of its
 * range. In range: the pairs' bytes (key, then the value little-endian); past the range:
 * BW_EOVERFLOW (BW_EBOOL for bool) at the value's offset, after the key. */
START_TEST(map_fixed_values_at_range_ends) {
  static const struct {
    const char *type;
    unsigned width;
    int64_t lo, hi; /* the range (u64: hi = -1 stands for 2^64 - 1) */
    int has_range;
  } kinds[] = {
      {"MU8", 1, 0, 255, 1},
      {"MU16", 2, 0, 65535, 1},
      {"MU32", 4, 0, 4294967295, 1},
      {"MU64", 8, 0, -1, 0},
      {"MI8", 1, -128, 127, 1},
      {"MI16", 2, -32768, 32767, 1},
      {"MI32", 4, INT32_MIN, INT32_MAX, 1},
      {"MI64", 8, INT64_MIN, INT64_MAX, 0},
      {"MB", 1, 0, 1, 1},
  };
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    const bw_type *m = type(kinds[k].type);
    bw_value pairs[8];
    memset(pairs, 0, sizeof pairs);
    const char *keys[4] = {"lo", "hi", "zero", "one"};
    int64_t vals[4] = {kinds[k].lo, kinds[k].hi, 0, 1};
    uint8_t want[64];
    size_t at = 0;
    want[at++] = 4;
    for (int i = 0; i < 4; i++) {
      pairs[2 * i].type = bw_type_resolve(m->key);
      pairs[2 * i].as.bytes.ptr = (const uint8_t *)keys[i];
      pairs[2 * i].as.bytes.len = strlen(keys[i]);
      pairs[2 * i + 1].type = bw_type_resolve(m->elem);
      pairs[2 * i + 1].as.i = vals[i];
      want[at++] = (uint8_t)strlen(keys[i]);
      memcpy(want + at, keys[i], strlen(keys[i]));
      at += strlen(keys[i]);
      for (unsigned b = 0; b < kinds[k].width; b++)
        want[at++] = (uint8_t)((uint64_t)vals[i] >> (8 * b));
    }
    bw_value map = {.type = m};
    map.as.list.items = pairs;
    map.as.list.count = 4;
    encodes_to(m, &map, want, at);
    if (!kinds[k].has_range) continue;
    /* value 1 ("hi") one past the top, then value 0 ("lo") one below the bottom (unsigned:
     * -1 is 2^64 - 1): at 1 + 3 + width + 3 and at 1 + 3 */
    int code = m->elem->kind == BW_KIND_BOOL ? BW_EBOOL : BW_EOVERFLOW;
    pairs[3].as.i = kinds[k].hi + 1;
    refused(m, &map, code, 1 + 3 + kinds[k].width + 3, NULL);
    pairs[3].as.i = kinds[k].hi;
    pairs[1].as.i = kinds[k].lo - 1;
    refused(m, &map, code, 1 + 3, NULL);
  }
  /* f32 and f64 values: their bits (a NaN with a payload, -0.0), no range */
  const bw_type *mf = type("MF32"), *md = type("MF64");
  bw_value fp[4];
  memset(fp, 0, sizeof fp);
  uint32_t fbits[2] = {0x7fa00001u, 0x80000000u};
  uint64_t dbits[2] = {0x7ff4000000000001ull, 0x8000000000000000ull};
  uint8_t fwant[1 + 2 * (2 + 4)], dwant[1 + 2 * (2 + 8)];
  size_t fa = 0, da = 0;
  fwant[fa++] = dwant[da++] = 2;
  for (int i = 0; i < 2; i++) {
    fp[2 * i].type = bw_type_resolve(mf->key);
    fp[2 * i].as.bytes.ptr = (const uint8_t *)(i ? "b" : "a");
    fp[2 * i].as.bytes.len = 1;
    fwant[fa++] = dwant[da++] = 1;
    fwant[fa++] = dwant[da++] = (uint8_t)(i ? 'b' : 'a');
    for (int b = 0; b < 4; b++) fwant[fa++] = (uint8_t)(fbits[i] >> (8 * b));
    for (int b = 0; b < 8; b++) dwant[da++] = (uint8_t)(dbits[i] >> (8 * b));
  }
  bw_value fmap = {.type = mf};
  fmap.as.list.items = fp;
  fmap.as.list.count = 2;
  for (int i = 0; i < 2; i++) {
    fp[2 * i + 1].type = bw_type_resolve(mf->elem);
    memcpy(&fp[2 * i + 1].as.f32, &fbits[i], 4);
  }
  encodes_to(mf, &fmap, fwant, fa);
  fmap.type = md;
  for (int i = 0; i < 2; i++) {
    fp[2 * i + 1].type = bw_type_resolve(md->elem);
    memcpy(&fp[2 * i + 1].as.f64, &dbits[i], 8);
  }
  encodes_to(md, &fmap, dwant, da);
}
END_TEST

/* Struct fields that are optional<leaf>, list<leaf> or list<leaf>[N] are written by the struct
 * loop itself: the same bytes and the same refusals, at the same offsets, as the general walk.
 * R { name: "ab", tags: ["x", "yz"], opt: 0x1234, fx: [1, 2, 3], nums: [-1] } */
typedef struct r_case {
  bw_value r, fields[5], tags[2], opt, fx[3], nums[1];
} r_case;

static void build_r(r_case *c) {
  const bw_type *rt = type("R");
  memset(c, 0, sizeof *c);
  c->r.type = rt;
  c->r.as.list.items = c->fields;
  c->r.as.list.count = 5;
  for (int i = 0; i < 5; i++) c->fields[i].type = bw_type_resolve(rt->fields[i].type);
  c->fields[0].as.bytes.ptr = (const uint8_t *)"ab";
  c->fields[0].as.bytes.len = 2;
  const char *tags[2] = {"x", "yz"};
  for (int i = 0; i < 2; i++) {
    c->tags[i].type = bw_type_resolve(c->fields[1].type->elem);
    c->tags[i].as.bytes.ptr = (const uint8_t *)tags[i];
    c->tags[i].as.bytes.len = strlen(tags[i]);
  }
  c->fields[1].as.list.items = c->tags;
  c->fields[1].as.list.count = 2;
  c->opt.type = bw_type_resolve(c->fields[2].type->elem);
  c->opt.as.u = 0x1234;
  c->fields[2].as.optional = &c->opt;
  for (int i = 0; i < 3; i++) {
    c->fx[i].type = bw_type_resolve(c->fields[3].type->elem);
    c->fx[i].as.u = (uint64_t)(i + 1);
  }
  c->fields[3].as.list.items = c->fx;
  c->fields[3].as.list.count = 3;
  c->nums[0].type = bw_type_resolve(c->fields[4].type->elem);
  c->nums[0].as.i = -1;
  c->fields[4].as.list.items = c->nums;
  c->fields[4].as.list.count = 1;
}

START_TEST(struct_fields_of_leaves) {
  static r_case c;
  build_r(&c);
  const bw_type *rt = c.r.type;
  uint8_t want[] = {2, 'a',  'b',                  /* name */
                    2, 1,    'x',  2,    'y', 'z', /* tags */
                    1, 0x34, 0x12,                 /* opt */
                    1, 2,    3,                    /* fx */
                    1, 0xff, 0xff, 0xff, 0xff};
  encodes_to(rt, &c.r, want, sizeof want);
  /* absent optional, empty list */
  c.fields[2].as.optional = NULL;
  c.fields[4].as.list.count = 0;
  uint8_t want2[] = {2, 'a', 'b', 2, 1, 'x', 2, 'y', 'z', 0, 1, 2, 3, 0};
  encodes_to(rt, &c.r, want2, sizeof want2);
  /* refusals, each at its offset */
  build_r(&c);
  c.tags[1].type = c.opt.type; /* a u16 in list<str>: at tags[1] */
  refused(rt, &c.r, BW_ETYPE, 6, "value of kind u16 where str is expected");
  build_r(&c);
  c.tags[1].as.bytes.ptr = (const uint8_t *)"\xff\xfe";
  refused(rt, &c.r, BW_EUTF8, 6, "str value is not valid UTF-8");
  build_r(&c);
  c.fields[1].as.list.items = NULL; /* two items claimed, none given */
  refused(rt, &c.r, BW_ETYPE, 3, "value of kind list where list is expected");
  build_r(&c);
  c.opt.as.u = 70000; /* does not fit in u16: after the flag */
  refused(rt, &c.r, BW_EOVERFLOW, 10, "70000 does not fit in u16");
  build_r(&c);
  c.opt.type = c.tags[0].type; /* a str in optional<u16> */
  refused(rt, &c.r, BW_ETYPE, 10, "value of kind str where u16 is expected");
  build_r(&c);
  c.fields[3].as.list.count = 2; /* list<u8>[3] with two items */
  refused(rt, &c.r, BW_ETYPE, 12, "list value has 2 items, type has 3");
  build_r(&c);
  c.fx[2].as.u = 256;
  refused(rt, &c.r, BW_EOVERFLOW, 14, "256 does not fit in u8");
  build_r(&c);
  c.nums[0].as.i = (int64_t)1 << 31;
  refused(rt, &c.r, BW_EOVERFLOW, 16, "2147483648 does not fit in i32");
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_encode");
  TCase *tc = tcase_create("encode");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, short_strings_every_length);
  tcase_add_test(tc, short_string_refusals);
  tcase_add_test(tc, map_distinct_keys);
  tcase_add_test(tc, map_repeated_key);
  tcase_add_test(tc, map_refusals_before_repeats);
  tcase_add_test(tc, map_number_keys_and_aggregate_values);
  tcase_add_test(tc, map_fixed_values_at_range_ends);
  tcase_add_test(tc, struct_fields_of_leaves);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

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
                                 "type ML map<str><list<u8>>\n";

static bw_schema *schema;

static void setup(void) {
  ck_assert_int_eq(bw_schema_parse(schema_text, strlen(schema_text), NULL, &schema, NULL), 0);
}

static void teardown(void) {
  bw_schema_free(schema);
  schema = NULL;
}

static const bw_type *type(const char *name) {
  const bw_user_type *u = bw_schema_find(schema, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return bw_type_resolve(u->type);
}

/* LEB128 of v into out; returns its size. Written here, not taken from the library. */
static size_t leb(uint64_t v, uint8_t *out) {
  size_t n = 0;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
  } while (v);
  return n;
}

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
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

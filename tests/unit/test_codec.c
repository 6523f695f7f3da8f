/* Check suite for src/codec, binary side: every test vector of BARE.md (decoded, printed as
 * JSON, encoded back), every rejection of a strict decoder with its code and byte offset, the
 * limits, the encoder's three modes and its refusals, and the zero-copy reader. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

/* One schema holds every type the vectors use. */
static const char *schema_text = "type U uint\n"
                                 "type I int\n"
                                 "type W u32\n"
                                 "type S i16\n"
                                 "type F f64\n"
                                 "type B bool\n"
                                 "type T str\n"
                                 "type D data\n"
                                 "type DF data[16]\n"
                                 "type O optional<u32>\n"
                                 "type LS list<str>\n"
                                 "type LU list<uint>[10]\n"
                                 "type LB list<u8>\n"
                                 "type Department enum {\n"
                                 "  ACCOUNTING\n"
                                 "  ADMINISTRATION\n"
                                 "  CUSTOMER_SERVICE = 7\n"
                                 "}\n"
                                 "type Customer struct {\n"
                                 "  name: str\n"
                                 "  tags: list<str>[2]\n"
                                 "  orders: list<struct { orderId: i64  quantity: i32 }>\n"
                                 "  metadata: map<str><data>\n"
                                 "  dept: optional<Department>\n"
                                 "}\n"
                                 "type Terminated void\n"
                                 "type Person union { Customer | Terminated = 3 }\n"
                                 "type M map<str><u8>\n"
                                 "type MU map<uint><bool>\n"
                                 "type Deep list<list<list<list<u8>>>>\n"
                                 "type LBool list<bool>\n"
                                 "type AI16 list<i16>[4]\n"
                                 "type LF32 list<f32>\n"
                                 "type Rec struct { id: u32  ok: bool  dept: Department  pts: "
                                 "list<i16>[4]  bits: list<bool>[3] }\n";

static bw_schema *schema;

static void setup(void) {
  bw_diags diags = {0};
  int rc = bw_schema_parse(schema_text, strlen(schema_text), NULL, &schema, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "schema:%u:%u: %s\n", diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
}

static void teardown(void) {
  bw_schema_free(schema);
  schema = NULL;
}

static const bw_type *type(const char *name) {
  const bw_user_type *u = bw_schema_find(schema, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return u->type;
}

/* Hex text (spaces allowed) to bytes; returns the count. */
static size_t unhex(const char *hex, uint8_t *out) {
  size_t n = 0;
  for (const char *p = hex; *p;) {
    if (*p == ' ') {
      p++;
      continue;
    }
    unsigned b;
    ck_assert(sscanf(p, "%2x", &b) == 1);
    out[n++] = (uint8_t)b;
    p += 2;
  }
  return n;
}

/* A vector: hex decodes to a value whose JSON is json, and that value encodes to the same
 * bytes; the JSON reads back to an equal value. */
static void vector(const char *tname, const char *hex, const char *json) {
  uint8_t bytes[256], out[256];
  size_t n = unhex(hex, bytes);
  const bw_type *t = type(tname);
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v, *w;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_decode(t, bytes, n, NULL, a, &v, NULL, &err) == 0, "%s %s: %s", tname, hex,
                err.message);
  char *text;
  ck_assert_int_eq(bw_value_to_json(v, 0, &text, NULL, &err), 0);
  ck_assert_str_eq(text, json);
  size_t written;
  ck_assert_int_eq(bw_encode(t, v, out, sizeof out, &written, &err), 0);
  ck_assert_uint_eq(written, n);
  ck_assert(memcmp(out, bytes, n) == 0);
  ck_assert_int_eq(bw_message_check(t, bytes, n, NULL, &err), 0);
  ck_assert_msg(bw_value_from_json(t, text, strlen(text), NULL, a, &w, NULL, &err) == 0, "%s",
                err.message);
  ck_assert(bw_value_equal(v, w));
  free(text);
  bw_value_arena_free(a);
}

START_TEST(vectors_uint) {
  vector("U", "00", "0");
  vector("U", "01", "1");
  vector("U", "7e", "126");
  vector("U", "7f", "127");
  vector("U", "80 01", "128");
  vector("U", "81 01", "129");
  vector("U", "ff 01", "255");
  vector("U", "93 02", "275");
  vector("U", "ff ff ff ff ff ff ff ff ff 01", "18446744073709551615"); /* 2^64-1 */
}
END_TEST

START_TEST(vectors_int) {
  vector("I", "00", "0");
  vector("I", "02", "1");
  vector("I", "01", "-1");
  vector("I", "7e", "63");
  vector("I", "7d", "-63");
  vector("I", "80 01", "64");
  vector("I", "7f", "-64");
  vector("I", "82 01", "65");
  vector("I", "81 01", "-65");
  vector("I", "fe 03", "255");
  vector("I", "fd 03", "-255");
  vector("I", "ff ff ff ff ff ff ff ff ff 01", "-9223372036854775808"); /* INT64_MIN */
  vector("I", "fe ff ff ff ff ff ff ff ff 01", "9223372036854775807");  /* INT64_MAX */
}
END_TEST

START_TEST(vectors_fixed) {
  vector("W", "00 00 00 00", "0");
  vector("W", "01 00 00 00", "1");
  vector("W", "ff 00 00 00", "255");
  vector("S", "00 00", "0");
  vector("S", "01 00", "1");
  vector("S", "ff ff", "-1");
  vector("S", "ff 00", "255");
  vector("S", "01 ff", "-255");
  vector("F", "00 00 00 00 00 00 00 00", "0");
  vector("F", "00 00 00 00 00 00 f0 3f", "1");
  vector("F", "66 66 66 66 66 66 04 40", "2.55");
  vector("F", "00 00 00 00 00 80 39 c0", "-25.5");
  vector("B", "01", "true");
  vector("B", "00", "false");
}
END_TEST

START_TEST(vectors_bytes_and_aggregates) {
  vector("T", "04 42 41 52 45", "\"BARE\"");
  vector("D",
         "10"                                               /* length 16 */
         "aa ee ff ee dd cc bb aa ee dd cc bb ee dd cc bb", /* bytes */
         "\"aaeeffeeddccbbaaeeddccbbeeddccbb\"");
  vector("DF", "aa ee ff ee dd cc bb aa ee dd cc bb ee dd cc bb",
         "\"aaeeffeeddccbbaaeeddccbbeeddccbb\"");
  vector("O", "00", "null");
  vector("O", "01 00 00 00 00", "0");
  vector("O", "01 01 00 00 00", "1");
  vector("O", "01 ff 00 00 00", "255");
  vector("LS",
         "03"          /* 3 strings */
         "03 66 6f 6f" /* "foo" */
         "03 62 61 72" /* "bar" */
         "04 62 75 7a 7a" /* "buzz" */,
         "[\"foo\",\"bar\",\"buzz\"]");
  vector("LU", "00 01 fe 01 ff 01 80 02 81 02 7e 7f 80 01 81 01",
         "[0,1,254,255,256,257,126,127,128,129]");
  vector("Department", "07", "\"CUSTOMER_SERVICE\"");
  vector("Person",
         "00"                                     /* tag 0: Customer */
         "02 41 6c"                               /* name "Al" */
         "01 78 00"                               /* tags ["x", ""] */
         "01 fe ff ff ff ff ff ff ff 02 00 00 00" /* orders [{-2, 2}] */
         "01 01 6b 01 ff"                         /* metadata {"k": "ff"} */
         "01 01",                                 /* dept ADMINISTRATION */
         "{\"tag\":0,\"value\":{\"name\":\"Al\",\"tags\":[\"x\",\"\"],\"orders\":[{\"orderId\":"
         "-2,\"quantity\":2}],\"metadata\":{\"k\":\"ff\"},\"dept\":\"ADMINISTRATION\"}}");
  vector("Person", "03", "{\"tag\":3,\"value\":null}");
  vector("MU", "02 05 01 00 00", "[[5,true],[0,false]]");
}
END_TEST

/* A rejection: decoding hex as tname fails with code at offset (bw_decode, bw_message_check
 * and bw_reader_skip agree, except that the reader does not see repeated map keys). */
static void reject_with(const char *tname, const char *hex, const bw_decode_options *opts, int code,
                        uint64_t offset) {
  uint8_t bytes[4096];
  size_t n = unhex(hex, bytes);
  const bw_type *t = type(tname);
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v = (bw_value *)1;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_decode(t, bytes, n, opts, a, &v, NULL, &err), code);
  ck_assert_ptr_null(v);
  ck_assert_int_eq(err.code, code);
  ck_assert_msg(err.offset == offset, "%s %s: offset %llu, expected %llu (%s)", tname, hex,
                (unsigned long long)err.offset, (unsigned long long)offset, err.message);
  ck_assert(err.message[0] != 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_message_check(t, bytes, n, opts, &err), code);
  ck_assert_uint_eq(err.offset, offset);
  /* The reader has no whole-message size (it reads streams): skip that limit there. */
  if (code != BW_EDUPKEY && code != BW_ETRAILING && !(opts && opts->max_message_size)) {
    bw_reader r;
    bw_error_clear(&err);
    if (bw_reader_init(&r, bytes, n, opts, &err) == 0) {
      ck_assert_int_eq(bw_reader_skip(&r, t), code);
      ck_assert_uint_eq(err.offset, offset);
      ck_assert_uint_eq(bw_reader_offset(&r), 0); /* a failed read does not move */
    }
  }
  bw_value_arena_free(a);
}

/* hex decodes under opts (and checks with the reader). */
static void vector_ok(const char *tname, const char *hex, const bw_decode_options *opts) {
  uint8_t bytes[4096];
  size_t n = unhex(hex, bytes);
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v = NULL;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_decode(type(tname), bytes, n, opts, a, &v, NULL, &err) == 0, "%s %s: %s", tname,
                hex, err.message);
  ck_assert_int_eq(bw_message_check(type(tname), bytes, n, opts, NULL), 0);
  bw_value_arena_free(a);
}

static void reject(const char *tname, const char *hex, int code, uint64_t offset) {
  reject_with(tname, hex, NULL, code, offset);
}

START_TEST(rejections_varint) {
  reject("U", "80 00", BW_ENONMINIMAL, 0);                            /* trailing zero group */
  reject("U", "ff 80 00", BW_ENONMINIMAL, 0);                         /* same, 3 bytes */
  reject("U", "ff 80 00 00 00 00 00 00 00 00 00", BW_ENONMINIMAL, 0); /* with 10+ bytes left */
  reject("U", "ff ff ff ff ff ff ff ff ff 02 00", BW_EOVERFLOW, 0);   /* 10th byte > 1 */
  reject("U", "ff ff ff ff ff ff ff ff ff ff 01", BW_EOVERFLOW, 0);   /* 11 bytes */
  reject("U", "80 80 80 80 80 80 80 80 80 02", BW_EOVERFLOW, 0);      /* 10th byte > 1 */
  reject("U", "80 80 80 80 80 80 80 80 80 80 01", BW_EOVERFLOW, 0);   /* 11 bytes */
  reject("U", "", BW_ETRUNCATED, 0);
  reject("U", "80", BW_ETRUNCATED, 0);                                 /* ends inside the varint */
  reject("I", "80 00", BW_ENONMINIMAL, 0);                             /* int too */
  reject("LU", "00 01 80 00 04 05 06 07 08 09 0a", BW_ENONMINIMAL, 2); /* third element */
}
END_TEST

START_TEST(rejections_flags_and_text) {
  reject("B", "02", BW_EBOOL, 0);
  reject("B", "ff", BW_EBOOL, 0);
  reject("O", "02 00 00 00 00", BW_EBOOL, 0); /* optional flag */
  reject("T", "02 c0 af", BW_EUTF8, 1);       /* overlong '/' */
  reject("T", "04 41 ed a0 80", BW_EUTF8, 2); /* surrogate U+D800 after "A" */
  reject("T", "04 f4 90 80 80", BW_EUTF8, 1); /* above U+10FFFF */
  reject("T", "02 41 80", BW_EUTF8, 2);       /* lone continuation byte */
  reject("Department", "02", BW_EENUM, 0);    /* 2 is between ADMINISTRATION and 7 */
  reject("Department", "08", BW_EENUM, 0);
  reject("Person", "01", BW_ETAG, 0);
  reject("Person", "04", BW_ETAG, 0);
  /* A bad str deep inside a struct: orders[0] fine, metadata key "\xff" at offset 18. */
  reject("Person",
         "00"                                     /* Customer */
         "02 41 6c"                               /* name */
         "01 78 00"                               /* tags */
         "01 fe ff ff ff ff ff ff ff 02 00 00 00" /* orders */
         "01 01 ff 00"                            /* metadata: key "\xff" at 22 */
         "00",
         BW_EUTF8, 22);
}
END_TEST

/* The decoder's shortcuts (lists of numbers and bools in one loop, strings checked for ASCII
 * a word at a time, dense enums found without a search, varints near the end of the input)
 * give the same values and the same rejections at the same offsets as the reader. */
START_TEST(fast_paths_vectors) {
  vector("LBool", "03 01 00 01", "[true,false,true]");
  vector("AI16", "01 00 ff ff 00 80 ff 7f", "[1,-1,-32768,32767]");
  vector("LF32", "02 00 00 80 3f 00 00 c0 7f", "[1,\"NaN\"]");
  vector("Rec",
         "2a 00 00 00"             /* id 42 */
         "01"                      /* ok */
         "07"                      /* CUSTOMER_SERVICE: not at index 7 (three members) */
         "01 00 02 00 03 00 04 00" /* pts */
         "00 01 00",               /* bits */
         "{\"id\":42,\"ok\":true,\"dept\":\"CUSTOMER_SERVICE\",\"pts\":[1,2,3,4],"
         "\"bits\":[false,true,false]}");
  vector("Department", "01", "\"ADMINISTRATION\"");
  /* ASCII and not: strings of 1-3, 4-7, 8-16 and more bytes */
  vector("T", "03 c3 a9 41", "\"\u00e9A\"");
  vector("T", "05 41 42 43 c3 a9", "\"ABC\u00e9\"");
  vector("T", "0c 30 31 32 33 34 35 36 37 38 39 c3 a9", "\"0123456789\u00e9\"");
  vector("T", "14 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 c3 a9",
         "\"012345678901234567\u00e9\"");
  /* varints of every length near the end of the input (fewer than ten bytes left) */
  vector("U", "ff ff 03", "65535");
  vector("U", "ff ff ff ff ff ff ff ff 7f", "9223372036854775807");
}
END_TEST

START_TEST(fast_paths_rejections) {
  reject("LBool", "03 01 00 02", BW_EBOOL, 3);   /* third element */
  reject("LBool", "03 ff 00 01", BW_EBOOL, 1);   /* first element */
  reject("LBool", "03 01 00", BW_ETRUNCATED, 0); /* count 3, 2 bytes */
  reject("AI16", "01 00 02 00 03 00 04", BW_ETRUNCATED, 0);
  reject("LF32", "02 00 00 80 3f 00 00 c0", BW_ETRUNCATED, 0);
  reject("AI16", "01 00 02 00 03 00 04 00 05", BW_ETRAILING, 8);
  reject("Rec", "2a 00 00 00 02", BW_EBOOL, 4);                              /* ok */
  reject("Rec", "2a 00 00 00 01 03", BW_EENUM, 5);                           /* between 1 and 7 */
  reject("Rec", "2a 00 00 00 01 80 01", BW_EENUM, 5);                        /* 128 */
  reject("Rec", "2a 00 00 00 01 01 01 00 02 00 03 00 04", BW_ETRUNCATED, 6); /* pts */
  reject("Rec", "2a 00 00 00 01 01 01 00 02 00 03 00 04 00 00 01 02", BW_EBOOL, 16);
  reject("Rec", "2a 00 00 00 01 01 01 00 02 00 03 00 04 00 00 01", BW_ETRUNCATED, 14);
  reject("Rec", "2a 00 00", BW_ETRUNCATED, 0);
  reject("Department", "03", BW_EENUM, 0);
  /* invalid UTF-8 in each length class, at the bad byte */
  reject("T", "03 41 41 ff", BW_EUTF8, 3);
  reject("T", "06 41 42 43 44 45 80", BW_EUTF8, 6);
  reject("T", "0c 30 31 32 33 34 35 36 37 38 39 c3 41", BW_EUTF8, 11);
  reject("T", "14 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 fe 37 38 39", BW_EUTF8, 17);
  /* varints that end the input early */
  reject("U", "ff ff", BW_ETRUNCATED, 0);
  reject("U", "ff ff ff ff ff ff ff ff ff", BW_ETRUNCATED, 0); /* nine bytes, all continue */
  reject("U", "ff ff ff ff ff ff ff 80 00", BW_ENONMINIMAL, 0);
  reject("I", "81", BW_ETRUNCATED, 0);
  /* the limits on lists of numbers: nesting (the list is one level below the struct: at
   * max_depth 1 it is refused where it starts) and element counts */
  static const char *rec = "2a 00 00 00 01 01 01 00 02 00 03 00 04 00 00 01 00";
  bw_decode_options o = {0};
  o.max_depth = 1;
  reject_with("Rec", rec, &o, BW_ELIMIT, 6);
  vector_ok("LBool", "01 01", &o); /* a list at the root is the first level */
  o.max_depth = 2;
  vector_ok("Rec", rec, &o);
  memset(&o, 0, sizeof o);
  o.max_elements = 3;
  reject_with("LBool", "04 01 00 01 00", &o, BW_ELIMIT, 0);
  reject_with("AI16", "01 00 02 00 03 00 04 00", &o, BW_ELIMIT, 0);
  reject_with("Rec", rec, &o, BW_ELIMIT, 6);
  o.max_elements = 4;
  vector_ok("Rec", rec, &o);
}
END_TEST

START_TEST(rejections_lengths_keys_trailing) {
  reject("LS", "05 01 61", BW_ETRUNCATED, 0);      /* count 5 > 2 bytes left */
  reject("T", "05 41 42", BW_ETRUNCATED, 0);       /* length 5 > 2 bytes left */
  reject("D", "ff ff ff ff 0f", BW_ETRUNCATED, 0); /* 4 GiB length, 0 bytes left */
  reject("W", "01 02 03", BW_ETRUNCATED, 0);
  reject("DF", "aa bb", BW_ETRUNCATED, 0);
  reject("LU", "00 01 02", BW_ETRUNCATED, 0); /* 10 elements need 10 bytes, 3 left */
  reject("M",
         "03"       /* 3 pairs */
         "01 61 05" /* "a": 5 */
         "01 62 06" /* "b": 6 */
         "01 61 07" /* "a" again, at offset 7 */,
         BW_EDUPKEY, 7);
  reject("MU", "02 05 01 05 00", BW_EDUPKEY, 3);
  reject("U", "01 00", BW_ETRAILING, 1);
  reject("O", "00 00", BW_ETRAILING, 1);
}
END_TEST

/* map<uint><bool> with `distinct` keys 0, 1, ... and then key `again` once more, at the end:
 * BW_EDUPKEY at the repeated key's offset. */
static void reject_repeated_key(unsigned distinct, unsigned again) {
  static char hex[16384];
  size_t k = 0;
  unsigned count = distinct + 1;
  k += (size_t)sprintf(hex + k, count < 0x80 ? "%02x" : "%02x %02x",
                       count < 0x80 ? count : (count & 0x7f) | 0x80, count >> 7);
  uint64_t offset = count < 0x80 ? 1 : 2;
  for (unsigned i = 0; i < distinct; i++) {
    unsigned x = i;
    size_t n = 0;
    while (x >= 0x80) k += (size_t)sprintf(hex + k, " %02x", (x & 0x7f) | 0x80), x >>= 7, n++;
    k += (size_t)sprintf(hex + k, " %02x 01", x); /* key i, true */
    offset += n + 2;
  }
  if (again < 0x80)
    sprintf(hex + k, " %02x 00", again);
  else
    sprintf(hex + k, " %02x %02x 00", (again & 0x7f) | 0x80, again >> 7);
  reject("MU", hex, BW_EDUPKEY, offset);
}

START_TEST(rejection_repeated_key_any_size) {
  reject_repeated_key(3, 1);      /* 4 keys: compared pairwise */
  reject_repeated_key(49, 17);    /* 50 keys: hashed */
  reject_repeated_key(255, 200);  /* 256 keys: hashed, full table */
  reject_repeated_key(1000, 500); /* 1001 keys: sorted */
}
END_TEST

START_TEST(limits) {
  bw_decode_options o = {0};
  o.max_elements = 4;
  reject_with("LB", "05 01 02 03 04 05", &o, BW_ELIMIT, 0);
  o.max_elements = 0;
  o.max_depth = 3;
  /* Deep: list<list<list<list<u8>>>> needs 4 levels. */
  reject_with("Deep", "01 01 01 01 07", &o, BW_ELIMIT, 3);
  o.max_depth = 0;
  o.max_message_size = 3;
  reject_with("LB", "03 01 02 03", &o, BW_ELIMIT, 0);
  /* Within the limits the same messages decode. */
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  uint8_t deep[] = {1, 1, 1, 1, 7};
  ck_assert_int_eq(bw_decode(type("Deep"), deep, 5, NULL, a, &v, NULL, NULL), 0);
  bw_value_arena_free(a);
}
END_TEST

/* Decoding allocates a bounded multiple of the input, even for counts that claim a lot. */
START_TEST(allocation_bounded) {
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  uint8_t msg[1 + 2 + 1000];
  msg[0] = 0xe8, msg[1] = 0x07; /* list<u8> of 1000 */
  memset(msg + 2, 9, 1000);
  ck_assert_int_eq(bw_decode(type("LB"), msg, 1002, NULL, a, &v, NULL, NULL), 0);
  ck_assert_uint_le(bw_value_arena_used(a), 1002 * 40 + 64);
  bw_value_arena_free(a);
}
END_TEST

/* Counts are claims: a message that claims "as many elements as bytes left" at every level and
 * then fails deep inside must not make every level allocate for its claim (regression found
 * by fuzz_decode). */
START_TEST(allocation_bounded_on_hostile_counts) {
  static uint8_t msg[2000];
  const uint16_t claims[4] = {1990, 1985, 1980, 1995}; /* the last exceeds the 1992 bytes left */
  for (int i = 0; i < 4; i++) {
    msg[2 * i] = (uint8_t)(0x80 | (claims[i] & 0x7f));
    msg[2 * i + 1] = (uint8_t)(claims[i] >> 7);
  }
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_decode(type("Deep"), msg, sizeof msg, NULL, a, &v, NULL, &err),
                   BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 6);
  ck_assert_uint_le(bw_value_arena_used(a), 64 * sizeof msg);
  bw_value_arena_free(a);
}
END_TEST

static bw_value scalar(const char *tname, uint64_t u) {
  bw_value v;
  memset(&v, 0, sizeof v);
  v.type = bw_type_resolve(type(tname));
  v.as.u = u;
  return v;
}

START_TEST(encode_modes) {
  /* list<str> ["foo","bar","buzz"] built by hand. */
  bw_value_arena *a = bw_value_arena_new();
  const bw_type *ls = bw_type_resolve(type("LS"));
  bw_value *items = bw_value_alloc(a, 3);
  const char *words[] = {"foo", "bar", "buzz"};
  for (int i = 0; i < 3; i++) {
    items[i].type = bw_type_resolve(ls->elem);
    items[i].as.bytes.ptr = (const uint8_t *)words[i];
    items[i].as.bytes.len = strlen(words[i]);
  }
  bw_value list = {.type = ls};
  list.as.list.items = items;
  list.as.list.count = 3;
  uint8_t expect[14], buf[14];
  unhex("03 03 66 6f 6f 03 62 61 72 04 62 75 7a 7a", expect);
  size_t size = 0, written = 0;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encoded_size(ls, &list, &size, &err), 0);
  ck_assert_uint_eq(size, 14);
  /* Too small: BW_ENOSPACE and the size needed; the prefix that fits is written. */
  ck_assert_int_eq(bw_encode(ls, &list, buf, 5, &written, &err), BW_ENOSPACE);
  ck_assert_uint_eq(written, 14);
  ck_assert_int_eq(err.code, BW_ENOSPACE);
  ck_assert(memcmp(buf, expect, 5) == 0);
  ck_assert_int_eq(bw_encode(ls, &list, buf, sizeof buf, &written, NULL), 0);
  ck_assert(memcmp(buf, expect, 14) == 0);
  uint8_t *heap;
  size_t len;
  ck_assert_int_eq(bw_encode_alloc(ls, &list, &heap, &len, NULL), 0);
  ck_assert_uint_eq(len, 14);
  ck_assert(memcmp(heap, expect, 14) == 0);
  free(heap);
  bw_value_arena_free(a);
}
END_TEST

static void refuse(const char *tname, const bw_value *v, int code, uint64_t offset) {
  uint8_t buf[64];
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encode(type(tname), v, buf, sizeof buf, NULL, &err), code);
  ck_assert_uint_eq(err.offset, offset);
}

START_TEST(encode_refusals) {
  bw_value v = scalar("B", 2);
  refuse("B", &v, BW_EBOOL, 0);
  v = scalar("Department", 3);
  refuse("Department", &v, BW_EENUM, 0);
  v = scalar("U", 1); /* a uint where u32 is expected */
  refuse("W", &v, BW_ETYPE, 0);
  /* u8 inside a list: 256 does not fit, at offset 2 (count, then one element). */
  bw_value items[2] = {scalar("U", 0), scalar("U", 0)};
  const bw_type *lb = bw_type_resolve(type("LB"));
  items[0].type = items[1].type = bw_type_resolve(lb->elem);
  items[0].as.u = 7;
  items[1].as.u = 256;
  bw_value list = {.type = lb};
  list.as.list.items = items;
  list.as.list.count = 2;
  refuse("LB", &list, BW_EOVERFLOW, 2);
  /* Invalid UTF-8 in a str. */
  bw_value s = {.type = bw_type_resolve(type("T"))};
  s.as.bytes.ptr = (const uint8_t *)"\xc0\xaf";
  s.as.bytes.len = 2;
  refuse("T", &s, BW_EUTF8, 0);
  /* data[16] with 2 bytes, list<uint>[10] with 2 elements. */
  s.type = bw_type_resolve(type("DF"));
  refuse("DF", &s, BW_ETYPE, 0);
  list.type = bw_type_resolve(type("LU"));
  items[0].type = items[1].type = bw_type_resolve(list.type->elem);
  refuse("LU", &list, BW_ETYPE, 0);
  /* map<uint><bool> {5: true, 5: false}: repeated key, reported at the first key. */
  const bw_type *mu = bw_type_resolve(type("MU"));
  bw_value pairs[4];
  for (int i = 0; i < 4; i++) {
    memset(&pairs[i], 0, sizeof pairs[i]);
    pairs[i].type = bw_type_resolve(i % 2 ? mu->elem : mu->key);
  }
  pairs[0].as.u = pairs[2].as.u = 5;
  bw_value map = {.type = mu};
  map.as.list.items = pairs;
  map.as.list.count = 2;
  refuse("MU", &map, BW_EDUPKEY, 1);
  /* Union tag 2 is not defined. */
  bw_value un = {.type = bw_type_resolve(type("Person"))};
  un.as.variant.tag = 2;
  un.as.variant.value = &pairs[0];
  refuse("Person", &un, BW_ETAG, 0);
}
END_TEST

/* Lists of eight numbers or more are encoded in one loop per kind: the same bytes, and the
 * same refusal at the same offset for an element out of range or of another kind, in a
 * caller buffer, a growing buffer and a size-only pass. */
START_TEST(encode_number_lists) {
  const bw_type *lb = bw_type_resolve(type("LB")), *lbool = bw_type_resolve(type("LBool"));
  bw_value items[12];
  for (int i = 0; i < 12; i++) {
    memset(&items[i], 0, sizeof items[i]);
    items[i].type = bw_type_resolve(lb->elem);
    items[i].as.u = (uint64_t)(0xf0 + i);
  }
  bw_value list = {.type = lb};
  list.as.list.items = items;
  list.as.list.count = 12;
  uint8_t buf[64], want[13];
  want[0] = 12;
  for (int i = 0; i < 12; i++) want[1 + i] = (uint8_t)(0xf0 + i);
  size_t n = 0;
  ck_assert_int_eq(bw_encode(lb, &list, buf, sizeof buf, &n, NULL), 0);
  ck_assert_uint_eq(n, 13);
  ck_assert_mem_eq(buf, want, 13);
  uint8_t *heap = NULL;
  ck_assert_int_eq(bw_encode_alloc(lb, &list, &heap, &n, NULL), 0);
  ck_assert_uint_eq(n, 13);
  ck_assert_mem_eq(heap, want, 13);
  free(heap);
  ck_assert_int_eq(bw_encoded_size(lb, &list, &n, NULL), 0);
  ck_assert_uint_eq(n, 13);
  /* a buffer too small for the elements: BW_ENOSPACE and the size needed */
  ck_assert_int_eq(bw_encode(lb, &list, buf, 5, &n, NULL), BW_ENOSPACE);
  ck_assert_uint_eq(n, 13);
  /* element 9 is 256: BW_EOVERFLOW at 1 + 9 */
  items[9].as.u = 256;
  refuse("LB", &list, BW_EOVERFLOW, 10);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_encoded_size(lb, &list, &n, &err), BW_EOVERFLOW);
  ck_assert_uint_eq(err.offset, 10);
  /* element 10 is a u16: BW_ETYPE at 1 + 10 */
  items[9].as.u = 1;
  items[10].type = bw_type_resolve(type("S"));
  refuse("LB", &list, BW_ETYPE, 11);
  /* bools: element 8 is 2 */
  for (int i = 0; i < 12; i++) {
    items[i].type = bw_type_resolve(lbool->elem);
    items[i].as.u = (uint64_t)(i & 1);
  }
  list.type = lbool;
  ck_assert_int_eq(bw_encode(lbool, &list, buf, sizeof buf, &n, NULL), 0);
  ck_assert_uint_eq(n, 13);
  ck_assert_uint_eq(buf[12], 1);
  items[8].as.u = 2;
  refuse("LBool", &list, BW_EBOOL, 9);
}
END_TEST

START_TEST(encode_preserves_nan_payload) {
  uint8_t msg[8] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x7f}; /* signalling NaN */
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  ck_assert_int_eq(bw_decode(type("F"), msg, 8, NULL, a, &v, NULL, NULL), 0);
  uint8_t out[8];
  ck_assert_int_eq(bw_encode(type("F"), v, out, 8, NULL, NULL), 0);
  ck_assert(memcmp(out, msg, 8) == 0);
  char *json;
  ck_assert_int_eq(bw_value_to_json(v, 0, &json, NULL, NULL), 0);
  ck_assert_str_eq(json, "\"NaN\"");
  free(json);
  bw_value_arena_free(a);
}
END_TEST

START_TEST(reader_walks_without_copying) {
  uint8_t msg[64];
  size_t n = unhex("00"                                     /* Person tag 0: Customer */
                   "02 41 6c"                               /* name "Al" */
                   "01 78 00"                               /* tags ["x", ""] */
                   "01 fe ff ff ff ff ff ff ff 02 00 00 00" /* orders [{-2, 2}] */
                   "01 01 6b 01 ff"                         /* metadata {"k": ff} */
                   "01 07",                                 /* dept CUSTOMER_SERVICE */
                   msg);
  bw_reader r;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_reader_init(&r, msg, n, NULL, &err), 0);
  uint64_t tag;
  const bw_type *member;
  ck_assert_int_eq(bw_reader_union(&r, type("Person"), &tag, &member), 0);
  ck_assert_uint_eq(tag, 0);
  /* Reach "metadata" by skipping name, tags and orders. */
  const bw_field *f;
  ck_assert_int_eq(bw_reader_field(&r, member, "metadata", &f), 0);
  ck_assert_str_eq(f->name, "metadata");
  ck_assert_uint_eq(bw_reader_offset(&r), 20);
  uint64_t count;
  ck_assert_int_eq(bw_reader_count(&r, f->type, &count), 0);
  ck_assert_uint_eq(count, 1);
  const char *key;
  size_t klen;
  ck_assert_int_eq(bw_reader_str(&r, &key, &klen), 0);
  ck_assert_ptr_eq(key, (const char *)msg + 22); /* points into the input */
  ck_assert_uint_eq(klen, 1);
  const uint8_t *data;
  size_t dlen;
  ck_assert_int_eq(bw_reader_data(&r, &data, &dlen), 0);
  ck_assert_uint_eq(dlen, 1);
  ck_assert_uint_eq(data[0], 0xff);
  int present;
  ck_assert_int_eq(bw_reader_optional(&r, &present), 0);
  ck_assert_int_eq(present, 1);
  uint64_t dept;
  ck_assert_int_eq(bw_reader_scalar(&r, type("Department"), &dept), 0);
  ck_assert_uint_eq(dept, 7);
  ck_assert_uint_eq(bw_reader_remaining(&r), 0);
  /* Unknown field name. */
  bw_reader_init(&r, msg + 1, n - 1, NULL, &err);
  ck_assert_int_eq(bw_reader_field(&r, member, "nope", NULL), BW_ENOTFOUND);
  /* Signed fixed reads sign-extend. */
  uint8_t i16[2] = {0x01, 0xff};
  bw_reader_init(&r, i16, 2, NULL, NULL);
  uint64_t x;
  ck_assert_int_eq(bw_reader_scalar(&r, type("S"), &x), 0);
  ck_assert_int_eq((int64_t)x, -255);
}
END_TEST

START_TEST(reader_stream) {
  /* Three list<str> messages back to back, then a truncated fourth. */
  uint8_t msg[64];
  size_t n = unhex("01 01 61"  /* ["a"] */
                   "00"        /* [] */
                   "02 00 00"  /* ["", ""] */
                   "02 01 61", /* truncated */
                   msg);
  bw_reader r;
  bw_error err;
  bw_error_clear(&err);
  bw_reader_init(&r, msg, n, NULL, &err);
  const uint8_t *m;
  size_t len;
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &len), 1);
  ck_assert_ptr_eq(m, msg);
  ck_assert_uint_eq(len, 3);
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &len), 1);
  ck_assert_uint_eq(len, 1);
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &len), 1);
  ck_assert_uint_eq(len, 3);
  /* The fourth claims 2 strings; the second one's length byte is missing (offset 10). */
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &len), BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 10);
  /* Without the bad tail the stream ends with 0. Decoding with `consumed` walks it too. */
  bw_reader_init(&r, msg, 7, NULL, NULL);
  int k = 0;
  while (bw_reader_next(&r, type("LS"), &m, &len) == 1) k++;
  ck_assert_int_eq(k, 3);
  bw_value_arena *a = bw_value_arena_new();
  size_t pos = 0, used;
  bw_value *v;
  for (k = 0; pos < 7; k++, pos += used)
    ck_assert_int_eq(bw_decode(type("LS"), msg + pos, 7 - pos, NULL, a, &v, &used, NULL), 0);
  ck_assert_int_eq(k, 3);
  bw_value_arena_free(a);
  /* A zero-size type cannot make a stream: the bytes after it are an error, not a loop. */
  bw_error_clear(&err);
  bw_reader_init(&r, msg, 2, NULL, &err);
  ck_assert_int_eq(bw_reader_next(&r, type("Terminated"), &m, &len), BW_ETRAILING);
  ck_assert_uint_eq(err.offset, 0);
  bw_reader_init(&r, msg, 0, NULL, NULL);
  ck_assert_int_eq(bw_reader_next(&r, type("Terminated"), &m, &len), 0);
}
END_TEST

START_TEST(reader_primitives) {
  uint8_t msg[64];
  size_t n = unhex("7d"                      /* int -63 */
                   "00 00 c0 3f"             /* f32 1.5 */
                   "00 00 00 00 00 80 39 c0" /* f64 -25.5 */
                   "01"                      /* bool true */
                   "aa bb cc"                /* data[3] */
                   "02" /* bool 2: invalid */,
                   msg);
  bw_reader r;
  bw_error err;
  bw_error_clear(&err);
  bw_reader_init(&r, msg, n, NULL, &err);
  int64_t i;
  ck_assert_int_eq(bw_reader_int(&r, &i), 0);
  ck_assert_int_eq(i, -63);
  float f;
  ck_assert_int_eq(bw_reader_f32(&r, &f), 0);
  ck_assert(f == 1.5f);
  double d;
  ck_assert_int_eq(bw_reader_f64(&r, &d), 0);
  ck_assert(d == -25.5);
  int b;
  ck_assert_int_eq(bw_reader_bool(&r, &b), 0);
  ck_assert_int_eq(b, 1);
  const uint8_t *p;
  ck_assert_int_eq(bw_reader_data_fixed(&r, 3, &p), 0);
  ck_assert_ptr_eq(p, msg + 14);
  ck_assert_int_eq(bw_reader_bool(&r, &b), BW_EBOOL);
  ck_assert_uint_eq(err.offset, 17);
  ck_assert_uint_eq(bw_reader_offset(&r), 17); /* unmoved */
  /* Reads past the end are BW_ETRUNCATED at the current offset. */
  bw_error_clear(&err);
  bw_reader_init(&r, msg, 2, NULL, &err);
  ck_assert_int_eq(bw_reader_f32(&r, &f), BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 0);
  /* A count that the bytes left cannot hold is refused before anything else. */
  uint8_t count[] = {0x05, 0x01};
  bw_error_clear(&err);
  bw_reader_init(&r, count, 2, NULL, &err);
  uint64_t c;
  ck_assert_int_eq(bw_reader_count(&r, type("LS"), &c), BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 0);
  /* The message size limit applies to each message of a stream, not to the whole input. */
  uint8_t stream[] = {0x00, 0x01, 0x00, 0x01, 0x02, 0x61, 0x62}; /* [], [""], ["ab"]: 1, 2, 4 B */
  bw_decode_options o = {0};
  o.max_message_size = 2;
  const uint8_t *m;
  size_t mlen;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_reader_init(&r, stream, sizeof stream, &o, &err), 0);
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &mlen), 1);
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &mlen), 1);
  ck_assert_int_eq(bw_reader_next(&r, type("LS"), &m, &mlen), BW_ELIMIT);
  ck_assert_uint_eq(err.offset, 3);
  ck_assert_uint_eq(bw_reader_offset(&r), 3);
  /* bw_decode with `consumed` too: the first two fit, the third is over the limit. */
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  size_t used;
  ck_assert_int_eq(bw_decode(type("LS"), stream, sizeof stream, &o, a, &v, &used, NULL), 0);
  ck_assert_uint_eq(used, 1);
  ck_assert_int_eq(bw_decode(type("LS"), stream + 1, 6, &o, a, &v, &used, NULL), 0);
  ck_assert_uint_eq(used, 2);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_decode(type("LS"), stream + 3, 4, &o, a, &v, &used, &err), BW_ELIMIT);
  ck_assert_int_eq(err.code, BW_ELIMIT);
  /* Without `consumed` the input is the message: longer than the limit is refused at once. */
  ck_assert_int_eq(bw_decode(type("LS"), stream + 3, 4, &o, a, &v, NULL, NULL), BW_ELIMIT);
  bw_value_arena_free(a);
}
END_TEST

START_TEST(void_message_is_empty) {
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  ck_assert_int_eq(bw_decode(type("Terminated"), NULL, 0, NULL, a, &v, NULL, NULL), 0);
  uint8_t *out;
  size_t len = 99;
  ck_assert_int_eq(bw_encode_alloc(type("Terminated"), v, &out, &len, NULL), 0);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(len, 0);
  free(out);
  bw_value_arena_free(a);
}
END_TEST

START_TEST(borrow_and_reset) {
  uint8_t msg[] = {0x04, 'B', 'A', 'R', 'E'};
  bw_decode_options o = {0};
  o.borrow = 1;
  bw_value_arena *a = bw_value_arena_new();
  bw_value *v;
  ck_assert_int_eq(bw_decode(type("T"), msg, 5, &o, a, &v, NULL, NULL), 0);
  ck_assert_ptr_eq(v->as.bytes.ptr, msg + 1);
  bw_value_arena_reset(a);
  ck_assert_uint_eq(bw_value_arena_used(a), 0);
  ck_assert_int_eq(bw_decode(type("T"), msg, 5, NULL, a, &v, NULL, NULL), 0);
  ck_assert_ptr_ne(v->as.bytes.ptr, msg + 1);
  ck_assert_str_eq((const char *)v->as.bytes.ptr, "BARE");
  bw_value_arena_free(a);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("codec");
  TCase *tc = tcase_create("binary");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, vectors_uint);
  tcase_add_test(tc, vectors_int);
  tcase_add_test(tc, vectors_fixed);
  tcase_add_test(tc, vectors_bytes_and_aggregates);
  tcase_add_test(tc, rejections_varint);
  tcase_add_test(tc, rejections_flags_and_text);
  tcase_add_test(tc, rejections_lengths_keys_trailing);
  tcase_add_test(tc, rejection_repeated_key_any_size);
  tcase_add_test(tc, fast_paths_vectors);
  tcase_add_test(tc, fast_paths_rejections);
  tcase_add_test(tc, limits);
  tcase_add_test(tc, allocation_bounded);
  tcase_add_test(tc, allocation_bounded_on_hostile_counts);
  tcase_add_test(tc, encode_modes);
  tcase_add_test(tc, encode_refusals);
  tcase_add_test(tc, encode_preserves_nan_payload);
  tcase_add_test(tc, encode_number_lists);
  tcase_add_test(tc, reader_walks_without_copying);
  tcase_add_test(tc, reader_stream);
  tcase_add_test(tc, reader_primitives);
  tcase_add_test(tc, void_message_is_empty);
  tcase_add_test(tc, borrow_and_reset);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Check suite for src/codec, JSON side: the form of every kind (issue 3's table), exact 64-bit
 * integers, floats that need 17 digits, NaN/Infinity/-0, strings with escapes and surrogate
 * pairs, and the reader's errors with line and column: syntax, wrong kinds, invalid UTF-8,
 * overflow, repeated keys, deep nesting. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static const char *schema_text = "type U64 u64\n"
                                 "type I64 i64\n"
                                 "type U uint\n"
                                 "type I int\n"
                                 "type U8 u8\n"
                                 "type I8 i8\n"
                                 "type F32 f32\n"
                                 "type F64 f64\n"
                                 "type T str\n"
                                 "type D data\n"
                                 "type D4 data[4]\n"
                                 "type Color enum { RED GREEN = 5 BLUE }\n"
                                 "type Point struct { x: i32  y: i32 }\n"
                                 "type Shape union { Point | str = 4 | void }\n"
                                 "type Bag struct {\n"
                                 "  name: str\n"
                                 "  color: optional<Color>\n"
                                 "  counts: map<str><u16>\n"
                                 "  byId: map<u32><str>\n"
                                 "  pts: list<Point>[2]\n"
                                 "  shape: Shape\n"
                                 "}\n"
                                 "type Nest list<list<list<list<list<u8>>>>>\n"
                                 "type Key str\n"
                                 "type ByKey map<Key><bool>\n"
                                 "type ByColor map<Color><i8>\n";

static bw_schema *schema;
static bw_value_arena *arena;

static void setup(void) {
  bw_diags diags = {0};
  int rc = bw_schema_parse(schema_text, strlen(schema_text), NULL, &schema, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "schema:%u:%u: %s\n", diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
  arena = bw_value_arena_new();
}

static void teardown(void) {
  bw_schema_free(schema);
  bw_value_arena_free(arena);
}

static const bw_type *type(const char *name) {
  const bw_user_type *u = bw_schema_find(schema, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return u->type;
}

/* JSON in, the canonical JSON out (NULL: the same text), and through BARE and back. */
static void round_trip(const char *tname, const char *in, const char *out) {
  bw_error err;
  bw_error_clear(&err);
  bw_value *v, *w;
  const bw_type *t = type(tname);
  ck_assert_msg(bw_value_from_json(t, in, strlen(in), NULL, arena, &v, NULL, &err) == 0,
                "%s: %s at %u:%u", in, err.message, err.line, err.column);
  char *text;
  ck_assert_int_eq(bw_value_to_json(v, 0, &text, NULL, &err), 0);
  ck_assert_str_eq(text, out ? out : in);
  uint8_t *bytes;
  size_t n;
  ck_assert_int_eq(bw_encode_alloc(t, v, &bytes, &n, &err), 0);
  ck_assert_int_eq(bw_decode(t, bytes, n, NULL, arena, &w, NULL, &err), 0);
  ck_assert(bw_value_equal(v, w));
  free(bytes);
  free(text);
}

/* JSON that must fail with code at line:column. */
static void bad(const char *tname, const char *in, int code, uint32_t line, uint32_t column) {
  bw_error err;
  bw_error_clear(&err);
  bw_value *v = (bw_value *)1;
  ck_assert_int_eq(bw_value_from_json(type(tname), in, strlen(in), NULL, arena, &v, NULL, &err),
                   code);
  ck_assert_ptr_null(v);
  ck_assert_msg(err.line == line && err.column == column, "%s: at %u:%u, expected %u:%u (%s)", in,
                err.line, err.column, line, column, err.message);
}

START_TEST(integers_exact_64_bit) {
  round_trip("U64", "18446744073709551615", NULL); /* UINT64_MAX */
  round_trip("U", "18446744073709551615", NULL);
  round_trip("I64", "-9223372036854775808", NULL); /* INT64_MIN */
  round_trip("I64", "9223372036854775807", NULL);  /* INT64_MAX */
  round_trip("I", "-9223372036854775808", NULL);
  round_trip("U64", "9007199254740993", NULL); /* 2^53 + 1: not representable as a double */
  round_trip("I8", "-128", NULL);
  round_trip("U8", "  255  ", "255");
  bad("U64", "18446744073709551616", BW_EOVERFLOW, 1, 1); /* UINT64_MAX + 1 */
  bad("I64", "-9223372036854775809", BW_EOVERFLOW, 1, 1); /* INT64_MIN - 1 */
  bad("I64", "9223372036854775808", BW_EOVERFLOW, 1, 1);
  bad("U8", "256", BW_EOVERFLOW, 1, 1);
  bad("I8", "128", BW_EOVERFLOW, 1, 1);
  bad("U", "-1", BW_EOVERFLOW, 1, 1);
  bad("U", "1.0", BW_ETYPE, 1, 1);   /* integers have no fraction */
  bad("U", "1e3", BW_ETYPE, 1, 1);   /* ... nor exponent */
  bad("U", "01", BW_EJSON, 1, 1);    /* leading zero */
  bad("U", "\"1\"", BW_ETYPE, 1, 1); /* a string is not a number */
  bad("U", "1 2", BW_EJSON, 1, 3);   /* one value only */
}
END_TEST

START_TEST(floats_shortest_round_trip) {
  round_trip("F64", "0.30000000000000004", NULL); /* 0.1 + 0.2: needs 17 digits */
  round_trip("F64", "0.1", NULL);
  round_trip("F64", "5e-324", NULL);                  /* smallest subnormal */
  round_trip("F64", "1.7976931348623157e+308", NULL); /* DBL_MAX */
  round_trip("F64", "-0", NULL);                      /* -0.0 keeps its sign */
  round_trip("F64", "2.5E3", "2500");
  round_trip("F32", "0.1", NULL);                       /* f32 0.1 is short in binary32 */
  round_trip("F32", "16777217", "16777216");            /* rounds to the nearest f32 */
  round_trip("F32", "3.40282347e+38", "3.4028235e+38"); /* FLT_MAX, 8 digits suffice */
  round_trip("F64", "\"NaN\"", NULL);
  round_trip("F64", "\"Infinity\"", NULL);
  round_trip("F32", "\"-Infinity\"", NULL);
  bad("F64", "1e400", BW_EOVERFLOW, 1, 1);
  bad("F32", "1e39", BW_EOVERFLOW, 1, 1);
  bad("F64", "\"nan\"", BW_ETYPE, 1, 1);
  bad("F64", ".5", BW_EJSON, 1, 1);
  bad("F64", "1.", BW_EJSON, 1, 3);
  bad("F64", "NaN", BW_EJSON, 1, 1);
  /* Bits survive: -0.0 and 0.0 differ. */
  bw_value *a, *b;
  ck_assert_int_eq(bw_value_from_json(type("F64"), "-0", 2, NULL, arena, &a, NULL, NULL), 0);
  ck_assert_int_eq(bw_value_from_json(type("F64"), "0", 1, NULL, arena, &b, NULL, NULL), 0);
  ck_assert(!bw_value_equal(a, b));
  ck_assert(signbit(a->as.f64));
}
END_TEST

START_TEST(strings_and_escapes) {
  round_trip("T", "\"plain\"", NULL);
  round_trip("T", "\"tab\\there \\\"q\\\" back\\\\slash\"", NULL);
  round_trip("T", "\"\\u0041\\u00e9\\u20ac\"", "\"A\xc3\xa9\xe2\x82\xac\"");
  round_trip("T", "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\""); /* surrogate pair: U+1F600 */
  round_trip("T", "\"nul\\u0000inside\\u001f\"", NULL);          /* U+0000 is legal in str */
  round_trip("T", "\"\\/\"", "\"/\"");
  bad("T", "\"\\ud83d\"", BW_EUTF8, 1, 2);      /* high surrogate alone */
  bad("T", "\"\\ude00\"", BW_EUTF8, 1, 2);      /* low surrogate alone */
  bad("T", "\"ab\xc0\xaf\"", BW_EUTF8, 1, 4);   /* overlong UTF-8 */
  bad("T", "\"\xed\xa0\x80\"", BW_EUTF8, 1, 2); /* encoded surrogate */
  bad("T", "\n  \"a\tb\"", BW_EJSON, 2, 5);     /* raw control character */
  bad("T", "\"\\x41\"", BW_EJSON, 1, 2);        /* unknown escape */
  bad("T", "\"open", BW_EJSON, 1, 1);           /* unterminated */
  round_trip("D", "\"00ff10ab\"", NULL);
  round_trip("D", "\"00FF\"", "\"00ff\""); /* upper case accepted, lower case written */
  round_trip("D4", "\"deadbeef\"", NULL);
  bad("D4", "\"dead\"", BW_ETYPE, 1, 1);
  bad("D", "\"abc\"", BW_ETYPE, 1, 2);
  bad("D", "\"zz\"", BW_ETYPE, 1, 2);
}
END_TEST

START_TEST(aggregates) {
  round_trip("Color", "\"GREEN\"", NULL);
  bad("Color", "\"PURPLE\"", BW_EENUM, 1, 1);
  round_trip("Shape", "{\"tag\":0,\"value\":{\"x\":1,\"y\":-2}}", NULL);
  round_trip("Shape", "{\"tag\":4,\"value\":\"s\"}", NULL);
  round_trip("Shape", "{\"tag\":5,\"value\":null}", NULL);
  /* Members in any order, "type" checked against the tag's member. */
  round_trip("Shape", "{\"value\":\"s\",\"type\":\"str\",\"tag\":4}",
             "{\"tag\":4,\"value\":\"s\"}");
  round_trip("Shape", "{ \"type\" : \"Point\", \"tag\" : 0, \"value\" : {\"y\":2,\"x\":1} }",
             "{\"tag\":0,\"value\":{\"x\":1,\"y\":2}}");
  bad("Shape", "{\"tag\":1,\"value\":null}", BW_ETAG, 1, 8);
  bad("Shape", "{\"tag\":4,\"value\":\"s\",\"type\":\"Point\"}", BW_ETAG, 1, 29);
  bad("Shape", "{\"tag\":4}", BW_ETYPE, 1, 1);
  const char *bag = "{\"name\":\"b\",\"color\":null,\"counts\":{\"a\":1,\"b\":2},"
                    "\"byId\":[[7,\"seven\"],[1,\"one\"]],\"pts\":[{\"x\":1,\"y\":2},{\"x\":3,"
                    "\"y\":4}],\"shape\":{\"tag\":5,\"value\":null}}";
  round_trip("Bag", bag, NULL);
  /* Pretty printing and the union's type name. */
  bw_value *v;
  const char *point = "{\"tag\":0,\"value\":{\"x\":1,\"y\":2}}";
  ck_assert_int_eq(
      bw_value_from_json(type("Shape"), point, strlen(point), NULL, arena, &v, NULL, NULL), 0);
  char *text;
  ck_assert_int_eq(bw_value_to_json(v, BW_JSON_PRETTY | BW_JSON_UNION_TYPE, &text, NULL, NULL), 0);
  ck_assert_str_eq(text, "{\n  \"type\": \"Point\",\n  \"tag\": 0,\n  \"value\": {\n    \"x\": 1,\n"
                         "    \"y\": 2\n  }\n}");
  free(text);
}
END_TEST

/* Names (of fields, members, union keys and "type"), a float's "NaN" and a skipped string are
 * read where they are: the arena holds the values and nothing else. An escaped name still
 * reads. */
static size_t arena_for(const char *tname, const char *json) {
  bw_value *v;
  bw_value_arena_reset(arena);
  ck_assert_int_eq(bw_value_from_json(type(tname), json, strlen(json), NULL, arena, &v, NULL, NULL),
                   0);
  return bw_value_arena_used(arena);
}

START_TEST(names_take_no_arena) {
  const size_t node = sizeof(bw_value);
  ck_assert_uint_eq(arena_for("Point", "{\"x\":1,\"y\":-2}"), 3 * node);
  ck_assert_uint_gt(arena_for("Point", "{\"\\u0079\":2,\"x\":1}"), 3 * node);
  ck_assert_uint_eq(arena_for("Color", "\"BLUE\""), node);
  ck_assert_uint_eq(arena_for("F64", "\"-Infinity\""), node);
  ck_assert_uint_eq(
      arena_for("Shape", "{\"value\":{\"y\":2,\"x\":1},\"type\":\"Point\",\"tag\":0}"), 4 * node);
  ck_assert_uint_gt(arena_for("Shape", "{\"value\":\"four\",\"tag\":4}"), 2 * node);
  ck_assert_uint_lt(arena_for("Shape", "{\"value\":\"four\",\"tag\":4}"), 3 * node);
  /* A str is kept (with its NUL). */
  ck_assert_uint_ge(arena_for("T", "\"abc\""), node + 4);
}
END_TEST

START_TEST(map_forms) {
  /* A key that resolves to str makes an object; any other key type an array of pairs. */
  round_trip("ByKey", "{\"a\":true,\"\":false}", NULL);
  round_trip("ByColor", "[[\"BLUE\",-1],[\"RED\",2]]", NULL);
  round_trip("ByColor", "[]", NULL);
  bad("ByColor", "[[\"RED\",1],[\"RED\",2]]", BW_EDUPKEY, 1, 13); /* the second key */
  bad("ByColor", "[[\"RED\",1,2]]", BW_EJSON, 1, 10);             /* a pair has two items */
  bad("ByKey", "[[\"a\",true]]", BW_ETYPE, 1, 1);
  /* 40 keys k0..k39, then k7 again: the hashed check, reported at the repeated key. */
  char obj[1024];
  size_t k = 0;
  for (int i = 0; i < 40; i++) k += (size_t)sprintf(obj + k, "%c\"k%d\":true", i ? ',' : '{', i);
  size_t at = k + 1;
  sprintf(obj + k, ",\"k7\":false}");
  bad("ByKey", obj, BW_EDUPKEY, 1, (uint32_t)at + 1);
}
END_TEST

START_TEST(structure_errors) {
  bad("Bag", "{\"name\":\"b\"}", BW_ETYPE, 1, 12);                /* missing fields */
  bad("Bag", "{\"name\":\"b\",\"name\":\"c\"}", BW_EJSON, 1, 13); /* field twice */
  bad("Bag", "{\"nom\":\"b\"}", BW_ETYPE, 1, 2);                  /* unknown field */
  bad("Bag", "{\"name\":\"b\",}", BW_EJSON, 1, 13);               /* trailing comma */
  bad("Bag", "{\"name\" \"b\"}", BW_EJSON, 1, 9);                 /* missing ':' */
  bad("Bag", "[1]", BW_ETYPE, 1, 1);                              /* not an object */
  bad("Point", "{\"x\":1,\n \"y\":true}", BW_ETYPE, 2, 6);
  bad("Bag",
      "{\"name\":\"b\",\"color\":null,\"counts\":{\"a\":1,\n\"a\":2},\"byId\":[],\"pts\":[],"
      "\"shape\":{\"tag\":5,\"value\":null}}",
      BW_EDUPKEY, 2, 1); /* repeated map key, reported at the second one */
  bad("Bag",
      "{\"name\":\"b\",\"color\":null,\"counts\":{},\"byId\":[[1,\"x\"],[1,\"y\"]],\"pts\":[],"
      "\"shape\":{\"tag\":5,\"value\":null}}",
      BW_EDUPKEY, 1, 55); /* the second key 1 */
  bad("Bag",
      "{\"name\":\"b\",\"color\":null,\"counts\":{},\"byId\":[],\"pts\":[{\"x\":1,\"y\":2}],"
      "\"shape\":{\"tag\":5,\"value\":null}}",
      BW_ETYPE, 1, 54); /* list<Point>[2] with one element, at its '[' */
  bad("T", "", BW_EJSON, 1, 1);
  bad("T", "\xef\xbb\xbf\"bom\"", BW_EJSON, 1, 1);
}
END_TEST

START_TEST(deep_nesting_is_an_error) {
  /* Five levels are fine; a tighter limit or a deeper union value is refused, not a crash. */
  round_trip("Nest", "[[[[[1]]]]]", NULL);
  bw_json_options o = {0};
  o.max_depth = 3;
  bw_error err;
  bw_error_clear(&err);
  bw_value *v;
  ck_assert_int_eq(bw_value_from_json(type("Nest"), "[[[[[1]]]]]", 11, &o, arena, &v, NULL, &err),
                   BW_ELIMIT);
  ck_assert_uint_eq(err.column, 4);
  /* A union "value" that comes before "tag" is skipped generically: 100000 brackets. */
  size_t n = 100000;
  char *deep = malloc(2 * n + 32);
  size_t k = (size_t)sprintf(deep, "{\"value\":");
  memset(deep + k, '[', n);
  memset(deep + k + n, ']', n);
  strcpy(deep + k + 2 * n, ",\"tag\":5}");
  bw_error_clear(&err);
  ck_assert_int_eq(
      bw_value_from_json(type("Shape"), deep, strlen(deep), NULL, arena, &v, NULL, &err),
      BW_ELIMIT);
  ck_assert_uint_eq(err.line, 1);
  free(deep);
}
END_TEST

START_TEST(stream_of_values) {
  const char *text = "1 2\n 3";
  size_t pos = 0, used;
  uint64_t sum = 0;
  bw_value *v;
  while (pos < strlen(text)) {
    ck_assert_int_eq(
        bw_value_from_json(type("U"), text + pos, strlen(text) - pos, NULL, arena, &v, &used, NULL),
        0);
    sum += v->as.u;
    pos += used;
  }
  ck_assert_uint_eq(sum, 6);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("codec_json");
  TCase *tc = tcase_create("json");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, integers_exact_64_bit);
  tcase_add_test(tc, floats_shortest_round_trip);
  tcase_add_test(tc, strings_and_escapes);
  tcase_add_test(tc, aggregates);
  tcase_add_test(tc, names_take_no_arena);
  tcase_add_test(tc, map_forms);
  tcase_add_test(tc, structure_errors);
  tcase_add_test(tc, deep_nesting_is_an_error);
  tcase_add_test(tc, stream_of_values);
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

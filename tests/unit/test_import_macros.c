/* Check suite for the macro constants of bw_import (src/import/macros.c, macro_eval.c,
 * macro_expr.c): object-like macros that are integer constants, with their values and
 * signedness as C gives them on the target.
 *
 * The test imports its own source file (--from this file only), so the macros below are read
 * by bw_import and compiled into the test from the same text: every expected value is the C
 * compiler's own, (NAME) + 0 as the importer's contract says. The cases cover what the importer
 * evaluates itself (literal types, conversions, casts through typedefs, token pasting, sizeof,
 * enumerators, #undef) and what it must leave out (strings, floats, pointers, types,
 * attributes, calls of undeclared functions). Headers with macros and no type (a BARE schema
 * needs one) fail the import but give the layout document of their constants in the report. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/barewire.h"
#include "barewire/import.h"

/* ---- the macros under test (this file is also the imported header) ---------------------- */

/* Some cases mix signedness on purpose: C's conversions are what is being tested. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Woverflow"

typedef uint32_t tm_u32;
struct tm_record {
  long l;
  char c;
};
enum tm_color { TM_RED, TM_GREEN = 7 };
enum tm_big { TM_HUGE = 1u << 31 }; /* does not fit an int: the enum's own type (GNU C) */

#define TM_DECIMAL 42
#define TM_HEX_UINT 0xFFFFFFFF /* hex literal too big for int: unsigned int */
#define TM_NEG_ONE_U (-1U)     /* wraps at unsigned int's width */
#define TM_NOT_ZERO (~0UL)     /* unsigned long: 32 or 64 bits by target */
#define TM_LL_MIN (-9223372036854775807LL - 1)
#define TM_CHAR '\xff'     /* an int with the value of a char */
#define TM_MIXED (-1 < 0u) /* -1 converts to unsigned: 0 */
#define TM_SHIFT (1u << 31)
#define TM_TERNARY (TM_DECIMAL > 10 ? 1u : -1) /* the common type is unsigned */
#define TM_CAST ((tm_u32)-1)
#define TM_CAST_CHAR ((unsigned char)0x1ff)
#define TM_PASTE_(c) c##ULL
#define TM_PASTE TM_PASTE_(123)
#define TM_MAKE(a, b) ((((tm_u32)(a)) << 16) | (tm_u32)(b))
#define TM_VERSION TM_MAKE(2, TM_DECIMAL)
#define TM_SIZEOF sizeof(struct tm_record)
#define TM_SIZEOF_PTR sizeof(void *)
#define TM_BITS (sizeof(long) * 8)
#define TM_ENUM TM_GREEN
#define TM_ENUM_BIG TM_HUGE
#define TM_BOOL_AND (TM_DECIMAL && 0)
#define TM_REDEFINED 1
#undef TM_REDEFINED
#define TM_REDEFINED (TM_DECIMAL + 1)
#define TM_GONE 5
#undef TM_GONE

/* One-line bodies that macro_eval.c reads from the file itself (no comment on the line) and
 * look-alikes that it leaves to clang's tokenizer; their spacing, or its absence, is part of
 * the cases. */
// clang-format off
#define TM_PLAIN_OPS ((TM_DECIMAL << 2) | 1) != 0 && -1 >= -2 ? ~0u >> 4 : 0
#define TM_PLAIN_COMPOUND ((TM_DECIMAL<<1)+(TM_SHIFT>>30)-(3*4%5))^(6&7)
#define TM_PLAIN_KEYWORD sizeof(int) * 2
#define TM_PLAIN_PPNUMBER 0xE+1
#define TM_PLAIN_FLOAT_EXP 1e+5
// clang-format on

#define TM_STRING "text"
#define TM_FLOAT 1.5f
#define TM_NULL ((void *)0)
#define TM_TYPE unsigned long
#define TM_ATTRIBUTE __attribute__((unused))
#define TM_CALL tm_undeclared_function(3)
#define TM_EMPTY

/* ---- the test -------------------------------------------------------------------------- */

static bw_schema *schema;

static void import_self(void) {
  const char *headers[1] = {__FILE__};
  const char *from[1] = {"test_import_macros.c"};
  const char *args[2] = {"-I", BW_SOURCE_DIR "/include"};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.headers = headers;
  o.header_count = 1;
  o.from_globs = from;
  o.from_count = 1;
  o.clang_args = args;
  o.clang_arg_count = 2;
  bw_error err;
  bw_error_clear(&err);
  bw_import_report report;
  int rc = bw_import(&o, &schema, &report, &err);
  if (rc != 0)
    for (size_t i = 0; i < report.count; i++) fprintf(stderr, "%s\n", report.lines[i]);
  bw_import_report_free(&report);
  ck_assert_msg(rc == 0, "import of %s failed: %s", __FILE__, err.message);
}

static const bw_constant *constant(const char *c_name) {
  if (!schema) import_self();
  for (size_t i = 0; i < bw_schema_constant_count(schema); i++) {
    const bw_constant *c = bw_schema_constant_at(schema, i);
    if (c->c_name && strcmp(c->c_name, c_name) == 0) return c;
  }
  return NULL;
}

/* The macro's value and signedness after integer promotion, as the compiler has them. */
#define IS_UNSIGNED(x) ((__typeof__((x) + 0))-1 > 0)
#define ASSERT_CONSTANT(name)                                                                      \
  do {                                                                                             \
    const bw_constant *c_ = constant(#name);                                                       \
    ck_assert_msg(c_ != NULL, "%s is not a constant", #name);                                      \
    ck_assert_int_eq(c_->is_unsigned, IS_UNSIGNED(name));                                          \
    if (IS_UNSIGNED(name))                                                                         \
      ck_assert_uint_eq((uint64_t)c_->value, (uint64_t)((name) + 0));                              \
    else                                                                                           \
      ck_assert_int_eq(c_->value, (int64_t)((name) + 0));                                          \
  } while (0)

#define ASSERT_NOT_CONSTANT(name)                                                                  \
  ck_assert_msg(constant(#name) == NULL, "%s should not be a constant", #name)

START_TEST(literals_have_their_c_types) {
  ASSERT_CONSTANT(TM_DECIMAL);
  ASSERT_CONSTANT(TM_HEX_UINT);
  ASSERT_CONSTANT(TM_NEG_ONE_U);
  ASSERT_CONSTANT(TM_NOT_ZERO);
  ASSERT_CONSTANT(TM_LL_MIN);
  ASSERT_CONSTANT(TM_CHAR);
}
END_TEST

START_TEST(conversions_and_operators) {
  ASSERT_CONSTANT(TM_MIXED);
  ASSERT_CONSTANT(TM_SHIFT);
  ASSERT_CONSTANT(TM_TERNARY);
  ASSERT_CONSTANT(TM_BOOL_AND);
}
END_TEST

START_TEST(casts_pasting_and_function_like_macros) {
  ASSERT_CONSTANT(TM_CAST);
  ASSERT_CONSTANT(TM_CAST_CHAR);
  ASSERT_CONSTANT(TM_PASTE);
  ASSERT_CONSTANT(TM_VERSION);
}
END_TEST

START_TEST(sizeof_and_enumerators) {
  ASSERT_CONSTANT(TM_SIZEOF);
  ASSERT_CONSTANT(TM_SIZEOF_PTR);
  ASSERT_CONSTANT(TM_BITS);
  ASSERT_CONSTANT(TM_ENUM);
  ASSERT_CONSTANT(TM_ENUM_BIG);
}
END_TEST

START_TEST(the_definition_at_the_end_counts) {
  ASSERT_CONSTANT(TM_REDEFINED);
  ASSERT_NOT_CONSTANT(TM_GONE);
}
END_TEST

START_TEST(plain_one_line_bodies) {
  ASSERT_CONSTANT(TM_PLAIN_OPS);
  ASSERT_CONSTANT(TM_PLAIN_COMPOUND);
  ASSERT_CONSTANT(TM_PLAIN_KEYWORD);
  /* "0xE+1" is one preprocessing number, and not a valid one; 1e+5 is a double. */
  ASSERT_NOT_CONSTANT(TM_PLAIN_PPNUMBER);
  ASSERT_NOT_CONSTANT(TM_PLAIN_FLOAT_EXP);
}
END_TEST

START_TEST(non_integers_are_left_out) {
  ASSERT_NOT_CONSTANT(TM_STRING);
  ASSERT_NOT_CONSTANT(TM_FLOAT);
  ASSERT_NOT_CONSTANT(TM_NULL);
  ASSERT_NOT_CONSTANT(TM_TYPE);
  ASSERT_NOT_CONSTANT(TM_ATTRIBUTE);
  ASSERT_NOT_CONSTANT(TM_CALL);
  ASSERT_NOT_CONSTANT(TM_EMPTY);
  ASSERT_NOT_CONSTANT(TM_PASTE_); /* function-like */
  /* Constants keep the C name and get a BARE-style one. */
  ck_assert_str_eq(constant("TM_DECIMAL")->name, "TM_DECIMAL");
}
END_TEST

/* ---- headers with macros and no type ------------------------------------------------------ */

/* A header of macros and no type, like <limits.h>: written out from these definitions, whose
 * values the compiler gives the test below. MO_TEXT is no integer. */
#define MO_ANSWER 42
#define MO_TOP_BIT (1u << 31)
#define MO_NEGATIVE (-7 * 3)
#define MO_WIDE (~0ULL)
#define MO_STR_(x) #x
#define MO_STR(x) MO_STR_(x)
#define MO_DEFINE(name) "#define " #name " " MO_STR(name) "\n"
static const char macros_only_text[] = MO_DEFINE(MO_ANSWER) MO_DEFINE(MO_TOP_BIT)
    MO_DEFINE(MO_NEGATIVE) MO_DEFINE(MO_WIDE) "#define MO_TEXT \"text\"\n";

static char tmp_dir[64];

/* Writes a header into a fresh temporary directory; returns its path (static storage). */
static const char *write_header(const char *name, const char *text) {
  static char path[128];
  if (!tmp_dir[0]) {
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/bw_test_macros_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
  }
  snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  return path;
}

/* Imports one header; returns bw_import's code with the report filled (and *out freed). */
static int import_report(const char *path, bw_import_report *report, bw_error *err) {
  const char *headers[1] = {path};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.headers = headers;
  o.header_count = 1;
  bw_schema *s = NULL;
  bw_error_clear(err);
  int rc = bw_import(&o, &s, report, err);
  bw_schema_free(s);
  return rc;
}

/* The document's entry for constant name, as the compiler has its value. */
#define ASSERT_JSON_CONSTANT(json, name)                                                           \
  do {                                                                                             \
    char entry_[128];                                                                              \
    if (IS_UNSIGNED(name))                                                                         \
      snprintf(entry_, sizeof entry_, "{\"name\":\"%s\",\"value\":%llu}", #name,                   \
               (unsigned long long)((name) + 0));                                                  \
    else                                                                                           \
      snprintf(entry_, sizeof entry_, "{\"name\":\"%s\",\"value\":%lld}", #name,                   \
               (long long)((name) + 0));                                                           \
    ck_assert_msg(strstr(json, entry_) != NULL, "%s not in %s", entry_, json);                     \
  } while (0)

START_TEST(macros_without_types_give_a_layout_document) {
  bw_import_report report;
  bw_error err;
  int rc = import_report(write_header("macros_only.h", macros_only_text), &report, &err);
  /* A BARE schema needs a type: the import fails, saying why and how many constants. */
  ck_assert_int_eq(rc, BW_EIMPORT);
  ck_assert_int_eq(err.code, BW_EIMPORT);
  ck_assert_msg(strstr(err.message, "no types to import (4 constants found)") != NULL, "%s",
                err.message);
  ck_assert_uint_eq(report.error_count, 0);
  ck_assert_int_eq(report.no_types, 1);
  ck_assert_uint_eq(report.constant_count, 4);
  /* The layout document has the target, no type and the four integer constants. */
  const char *json = report.layout_json;
  ck_assert_ptr_nonnull(json);
  ck_assert_msg(strncmp(json, "{\"format\":\"barewire-layout\",\"version\":1,\"target\":{", 50) ==
                    0,
                "%s", json);
  ck_assert_msg(strstr(json, "\"pointer_size\":" MO_STR(__SIZEOF_POINTER__) ",") != NULL, "%s",
                json);
  ck_assert_msg(strstr(json, "},\"types\":[],\"constants\":[\n{") != NULL, "%s", json);
  ASSERT_JSON_CONSTANT(json, MO_ANSWER);
  ASSERT_JSON_CONSTANT(json, MO_TOP_BIT);
  ASSERT_JSON_CONSTANT(json, MO_NEGATIVE);
  ASSERT_JSON_CONSTANT(json, MO_WIDE);
  ck_assert_msg(strstr(json, "MO_TEXT") == NULL, "%s", json);
  ck_assert_msg(strstr(json, "Placeholder") == NULL, "%s", json);
  bw_import_report_free(&report);
  ck_assert_ptr_null(report.layout_json);
}
END_TEST

START_TEST(an_empty_header_has_no_constants_either) {
  bw_import_report report;
  bw_error err;
  int rc = import_report(write_header("nothing.h", "/* nothing */\n"), &report, &err);
  ck_assert_int_eq(rc, BW_EIMPORT);
  ck_assert_int_eq(report.no_types, 1);
  ck_assert_uint_eq(report.constant_count, 0);
  ck_assert_ptr_nonnull(report.layout_json);
  ck_assert_msg(strstr(report.layout_json, "\"types\":[],\"constants\":[]}\n") != NULL, "%s",
                report.layout_json);
  bw_import_report_free(&report);
}
END_TEST

START_TEST(headers_with_types_leave_the_no_types_fields_empty) {
  bw_import_report report;
  bw_error err;
  int rc = import_report(write_header("typed.h", "struct mo_typed { int a; };\n#define MO_ONE 1\n"),
                         &report, &err);
  ck_assert_int_eq(rc, 0);
  ck_assert_int_eq(report.no_types, 0);
  ck_assert_uint_eq(report.constant_count, 0);
  ck_assert_ptr_null(report.layout_json);
  bw_import_report_free(&report);
  /* A failure for another reason (a syntax error) is not a header without types. */
  rc = import_report(write_header("broken.h", "#define MO_TWO 2\nint x = ;\n"), &report, &err);
  ck_assert_int_eq(rc, BW_EIMPORT);
  ck_assert_int_eq(report.no_types, 0);
  ck_assert_ptr_null(report.layout_json);
  bw_import_report_free(&report);
}
END_TEST

/* An #undef in a file that the header includes after the definition: the macro is gone at
 * the end of the unit (the #undef scan reaches every included file). */
START_TEST(an_undef_in_an_included_file_counts) {
  write_header("undef_inner.h", "#undef MO_GONE_LATER\n#define MO_KEPT 3\n");
  const char *path = write_header("undef_outer.h", "struct mo_t { int a; };\n"
                                                   "#define MO_GONE_LATER 1\n"
                                                   "#include \"undef_inner.h\"\n");
  const char *headers[1] = {path};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.headers = headers;
  o.header_count = 1;
  bw_schema *s = NULL;
  bw_import_report report;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_import(&o, &s, &report, &err), 0);
  bw_import_report_free(&report);
  int kept = 0, gone = 0;
  for (size_t i = 0; i < bw_schema_constant_count(s); i++) {
    const bw_constant *c = bw_schema_constant_at(s, i);
    if (strcmp(c->c_name, "MO_KEPT") == 0 && c->value == 3) kept = 1;
    if (strcmp(c->c_name, "MO_GONE_LATER") == 0) gone = 1;
  }
  bw_schema_free(s);
  ck_assert_msg(kept, "MO_KEPT = 3 is missing");
  ck_assert_msg(!gone, "MO_GONE_LATER was #undef'd in undef_inner.h");
}
END_TEST

static Suite *macros_suite(void) {
  Suite *s = suite_create("import_macros");
  TCase *tc = tcase_create("macros");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, literals_have_their_c_types);
  tcase_add_test(tc, conversions_and_operators);
  tcase_add_test(tc, casts_pasting_and_function_like_macros);
  tcase_add_test(tc, sizeof_and_enumerators);
  tcase_add_test(tc, the_definition_at_the_end_counts);
  tcase_add_test(tc, plain_one_line_bodies);
  tcase_add_test(tc, non_integers_are_left_out);
  suite_add_tcase(s, tc);
  TCase *only = tcase_create("macros_only");
  tcase_set_timeout(only, 120);
  tcase_add_test(only, macros_without_types_give_a_layout_document);
  tcase_add_test(only, an_empty_header_has_no_constants_either);
  tcase_add_test(only, headers_with_types_leave_the_no_types_fields_empty);
  tcase_add_test(only, an_undef_in_an_included_file_counts);
  suite_add_tcase(s, only);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(macros_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  bw_schema_free(schema);
  if (tmp_dir[0]) {
    const char *names[] = {"macros_only.h", "nothing.h",     "typed.h",
                           "broken.h",      "undef_inner.h", "undef_outer.h"};
    char path[160];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
      snprintf(path, sizeof path, "%s/%s", tmp_dir, names[i]);
      remove(path);
    }
    remove(tmp_dir);
  }
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

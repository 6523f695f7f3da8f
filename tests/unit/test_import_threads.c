/* bw_import validates the walk's types on a second thread while it evaluates the macros (see
 * validate_types in src/import/import.c), unless BW_IMPORT_THREADS=0 asks for one thread.
 *
 * Both ways must give the same result: the same return code, the same report lines in the same
 * order, and a schema that prints (with layouts and docs) and lays out (JSON) to the same bytes,
 * constants included and in the same order. The inputs are every fixture header, with
 * --keep-going and without, and the macro suite's own source, whose macros clang evaluates in
 * a reparse; a missing header fails before either path. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/barewire.h"
#include "barewire/import.h"

typedef struct outcome {
  int rc;
  char *text; /* bw_schema_print, NULL when the import failed */
  char *json; /* bw_schema_layout_json, or the report's document of constants */
  size_t constants;
  bw_import_report report;
} outcome;

static outcome import_with(const char *header, const char *from, int keep_going, int threads) {
  if (threads)
    unsetenv("BW_IMPORT_THREADS");
  else
    setenv("BW_IMPORT_THREADS", "0", 1);
  const char *headers[1] = {header};
  const char *args[2] = {"-I", BW_SOURCE_DIR "/include"};
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.headers = headers;
  o.header_count = 1;
  o.from_globs = &from;
  o.from_count = from ? 1 : 0;
  o.clang_args = args;
  o.clang_arg_count = 2;
  o.keep_going = keep_going;
  outcome r;
  memset(&r, 0, sizeof r);
  bw_schema *s = NULL;
  bw_error err;
  bw_error_clear(&err);
  r.rc = bw_import(&o, &s, &r.report, &err);
  if (r.rc == 0) {
    ck_assert_int_eq(bw_schema_print(s, BW_PRINT_LAYOUT | BW_PRINT_DOCS, &r.text, NULL, NULL), 0);
    ck_assert_int_eq(bw_schema_layout_json(s, &r.json, NULL, NULL), 0);
    r.constants = bw_schema_constant_count(s);
  } else if (r.report.layout_json) {
    r.json = strdup(r.report.layout_json);
  }
  bw_schema_free(s);
  unsetenv("BW_IMPORT_THREADS");
  return r;
}

static void outcome_free(outcome *r) {
  free(r->text);
  free(r->json);
  bw_import_report_free(&r->report);
}

static void check_same(const char *header, const char *from, int keep_going) {
  outcome one = import_with(header, from, keep_going, 0);
  outcome two = import_with(header, from, keep_going, 1);
  ck_assert_msg(one.rc == two.rc, "%s: rc %d on one thread, %d on two", header, one.rc, two.rc);
  ck_assert_uint_eq(one.report.count, two.report.count);
  ck_assert_uint_eq(one.report.error_count, two.report.error_count);
  for (size_t i = 0; i < one.report.count; i++)
    ck_assert_str_eq(one.report.lines[i], two.report.lines[i]);
  ck_assert_int_eq(one.text == NULL, two.text == NULL);
  if (one.text) ck_assert_str_eq(one.text, two.text);
  ck_assert_int_eq(one.json == NULL, two.json == NULL);
  if (one.json) ck_assert_str_eq(one.json, two.json);
  ck_assert_uint_eq(one.constants, two.constants);
  outcome_free(&one);
  outcome_free(&two);
}

START_TEST(every_fixture_header_alike_on_one_and_two_threads) {
  const char *dir_path = BW_SOURCE_DIR "/fixtures/headers";
  DIR *dir = opendir(dir_path);
  ck_assert_ptr_nonnull(dir);
  size_t files = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    size_t l = strlen(e->d_name);
    if (l < 3 || strcmp(e->d_name + l - 2, ".h") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
    check_same(path, NULL, 0);
    check_same(path, NULL, 1);
    files++;
  }
  closedir(dir);
  ck_assert_uint_ge(files, 8);
}
END_TEST

START_TEST(macros_clang_evaluates_alike_on_one_and_two_threads) {
  outcome r =
      import_with(BW_SOURCE_DIR "/tests/unit/test_import_macros.c", "test_import_macros.c", 0, 1);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_uint_gt(r.constants, 20);
  outcome_free(&r);
  check_same(BW_SOURCE_DIR "/tests/unit/test_import_macros.c", "test_import_macros.c", 0);
}
END_TEST

START_TEST(missing_header_alike_on_one_and_two_threads) {
  check_same(BW_SOURCE_DIR "/fixtures/headers/no_such_header.h", NULL, 0);
  outcome r = import_with(BW_SOURCE_DIR "/fixtures/headers/no_such_header.h", NULL, 0, 1);
  ck_assert_int_eq(r.rc, BW_EIMPORT);
  ck_assert_ptr_null(r.text);
  outcome_free(&r);
}
END_TEST

int main(void) {
  Suite *s = suite_create("import_threads");
  TCase *tc = tcase_create("threads");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, every_fixture_header_alike_on_one_and_two_threads);
  tcase_add_test(tc, macros_clang_evaluates_alike_on_one_and_two_threads);
  tcase_add_test(tc, missing_header_alike_on_one_and_two_threads);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

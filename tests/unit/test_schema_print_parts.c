/* barewire schema printer in parts (bw_schema_print_range, bw_schema_print_split) and constants
 * appended to a schema (bw_schema_append_constants): the internal pieces that let bw-import print
 * a long schema on two threads and evaluate macros while the types are validated.
 *
 * The parts of any split of the user types, joined, must be bw_schema_print's text byte for
 * byte, on every valid schema fixture and on an imported one, with and without the layout
 * annotations and docs. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "schema/schema_internal.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char *text = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 65536;
      text = realloc(text, cap);
      ck_assert_ptr_nonnull(text);
    }
    size_t got = fread(text + n, 1, 4096, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  text[n] = 0;
  *len = n;
  return text;
}

static bw_schema *parse_file(const char *path) {
  size_t len = 0;
  char *text = read_file(path, &len);
  bw_schema *s = NULL;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_schema_parse(text, len, NULL, &s, NULL) == 0, "%s does not parse", path);
  free(text);
  return s;
}

static char *print_part(const bw_schema *s, unsigned flags, size_t first, size_t end, size_t *len) {
  char *text = NULL;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_schema_print_range(s, flags, first, end, &text, len, &err), 0);
  ck_assert_uint_eq(strlen(text), *len);
  return text;
}

/* Every split into two parts and one into three give the whole text back. */
static void check_parts(const bw_schema *s, const char *what) {
  static const unsigned flag_sets[] = {0, BW_PRINT_DOCS, BW_PRINT_LAYOUT,
                                       BW_PRINT_LAYOUT | BW_PRINT_DOCS};
  size_t n = bw_schema_type_count(s);
  for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
    unsigned flags = flag_sets[f];
    char *whole = NULL;
    size_t whole_len = 0;
    ck_assert_int_eq(bw_schema_print(s, flags, &whole, &whole_len, NULL), 0);
    for (size_t k = 0; k <= n; k++) {
      size_t len0 = 0, len1 = 0, len2 = 0;
      char *p0 = print_part(s, flags, 0, k, &len0);
      char *p1 = print_part(s, flags, k, n, &len1);
      ck_assert_msg(len0 + len1 == whole_len && memcmp(p0, whole, len0) == 0 &&
                        memcmp(p1, whole + len0, len1) == 0,
                    "%s, flags %u: parts [0,%zu) and [%zu,%zu) differ from the whole text", what,
                    flags, k, k, n);
      free(p1);
      size_t m = k + (n - k) / 2; /* [0,k) [k,m) [m,n) */
      p1 = print_part(s, flags, k, m, &len1);
      char *p2 = print_part(s, flags, m, n, &len2);
      ck_assert_msg(len0 + len1 + len2 == whole_len && memcmp(p1, whole + len0, len1) == 0 &&
                        memcmp(p2, whole + len0 + len1, len2) == 0,
                    "%s, flags %u: three parts at %zu and %zu differ", what, flags, k, m);
      free(p0);
      free(p1);
      free(p2);
    }
    free(whole);
  }
}

START_TEST(parts_join_into_the_whole_text_on_every_fixture) {
  char dir_path[1024];
  snprintf(dir_path, sizeof dir_path, "%s/fixtures/schemas/valid", BW_SOURCE_DIR);
  DIR *dir = opendir(dir_path);
  ck_assert_ptr_nonnull(dir);
  size_t files = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".bare") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
    bw_schema *s = parse_file(path);
    check_parts(s, e->d_name);
    bw_schema_free(s);
    files++;
  }
  closedir(dir);
  ck_assert_uint_gt(files, 3);
  char path[2048];
  snprintf(path, sizeof path, "%s/fixtures/memory/imported_x86_64.bare", BW_SOURCE_DIR);
  bw_schema *s = parse_file(path);
  ck_assert_uint_gt(bw_schema_constant_count(s) + bw_schema_type_count(s), 50);
  check_parts(s, "imported_x86_64.bare");
  bw_schema_free(s);
}
END_TEST

START_TEST(split_gives_parts_of_about_equal_text) {
  char path[2048];
  snprintf(path, sizeof path, "%s/fixtures/memory/imported_x86_64.bare", BW_SOURCE_DIR);
  bw_schema *s = parse_file(path);
  size_t n = bw_schema_type_count(s);
  unsigned flags = BW_PRINT_LAYOUT | BW_PRINT_DOCS;
  char *whole = NULL;
  size_t whole_len = 0;
  ck_assert_int_eq(bw_schema_print(s, flags, &whole, &whole_len, NULL), 0);
  for (size_t parts = 1; parts <= 8; parts++) {
    ck_assert_uint_eq(bw_schema_print_split(s, 0, parts), 0);
    ck_assert_uint_eq(bw_schema_print_split(s, parts, parts), n);
    ck_assert_uint_eq(bw_schema_print_split(s, parts + 1, parts), n);
    size_t at = 0;
    for (size_t i = 0; i < parts; i++) {
      size_t first = bw_schema_print_split(s, i, parts),
             end = bw_schema_print_split(s, i + 1, parts);
      ck_assert_uint_le(first, end);
      size_t len = 0;
      char *text = print_part(s, flags, first, end, &len);
      ck_assert_msg(memcmp(text, whole + at, len) == 0, "part %zu of %zu", i, parts);
      at += len;
      /* By lines written, not bytes: in two parts each has at least a quarter of the text. */
      if (parts == 2)
        ck_assert_msg(len * 4 >= whole_len, "part %zu of 2 (types %zu..%zu of %zu): %zu of %zu", i,
                      first, end, n, len, whole_len);
      free(text);
    }
    ck_assert_uint_eq(at, whole_len);
  }
  ck_assert_uint_eq(bw_schema_print_split(NULL, 1, 2), 0);
  ck_assert_uint_eq(bw_schema_print_split(s, 1, 0), 0);
  free(whole);
  bw_schema_free(s);
}
END_TEST

START_TEST(range_outside_the_schema) {
  char path[2048];
  snprintf(path, sizeof path, "%s/fixtures/schemas/valid/every_kind.bare", BW_SOURCE_DIR);
  bw_schema *s = parse_file(path);
  size_t n = bw_schema_type_count(s);
  char *text = (char *)"untouched";
  size_t len = 7;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_schema_print_range(s, 0, 0, n + 1, &text, &len, &err), BW_EINVAL);
  ck_assert_int_eq(err.code, BW_EINVAL);
  ck_assert_ptr_null(text);
  ck_assert_uint_eq(len, 0);
  ck_assert_int_eq(bw_schema_print_range(s, 0, 2, 1, &text, NULL, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_schema_print_range(NULL, 0, 0, 0, &text, NULL, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_schema_print_range(s, 0, 0, 0, NULL, NULL, NULL), BW_EINVAL);
  /* An empty range after the first type is empty text; from 0 it is the header alone. */
  ck_assert_int_eq(bw_schema_print_range(s, 0, 1, 1, &text, &len, NULL), 0);
  ck_assert_str_eq(text, "");
  ck_assert_uint_eq(len, 0);
  free(text);
  bw_schema_free(s);
}
END_TEST

/* ---- constants appended after validation ------------------------------------------------ */

static bw_draft *draft_with_type(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(bw_draft_add_type(d, "T", bw_draft_type(d, BW_KIND_U8)));
  return d;
}

START_TEST(constants_appended_in_order_as_if_added_before_validation) {
  /* Expected: one draft with all five constants, validated and printed. */
  bw_draft *all = draft_with_type();
  bw_draft *first = draft_with_type();
  bw_draft *later = bw_draft_new(); /* constants only, never validated */
  struct {
    const char *name, *c_name;
    int64_t value;
    int is_unsigned;
  } c[] = {{"A", "a", 1, 0},
           {"B", NULL, -2, 0},
           {"C", "c_c", (int64_t)UINT64_MAX, 1},
           {"D", "d", 0, 1},
           {"E", "\"e\\", INT64_MIN, 0}};
  for (size_t i = 0; i < 5; i++) {
    ck_assert_ptr_nonnull(
        bw_draft_add_constant(all, c[i].name, c[i].c_name, c[i].value, c[i].is_unsigned));
    ck_assert_ptr_nonnull(bw_draft_add_constant(i < 2 ? first : later, c[i].name, c[i].c_name,
                                                c[i].value, c[i].is_unsigned));
  }
  bw_schema *expected = NULL, *s = NULL;
  ck_assert_int_eq(bw_draft_validate(all, NULL, &expected, NULL), 0);
  ck_assert_int_eq(bw_draft_validate(first, NULL, &s, NULL), 0);
  ck_assert_int_eq(bw_schema_append_constants(s, (const struct bw_schema *)later), 0);
  bw_draft_free(later); /* the schema holds copies */
  ck_assert_uint_eq(bw_schema_constant_count(s), 5);
  for (size_t i = 0; i < 5; i++) {
    const bw_constant *k = bw_schema_constant_at(s, i);
    ck_assert_str_eq(k->name, c[i].name);
    if (c[i].c_name)
      ck_assert_str_eq(k->c_name, c[i].c_name);
    else
      ck_assert_ptr_null(k->c_name);
    ck_assert_int_eq(k->value, c[i].value);
    ck_assert_int_eq(k->is_unsigned, c[i].is_unsigned);
  }
  char *want = NULL, *got = NULL;
  ck_assert_int_eq(bw_schema_print(expected, BW_PRINT_LAYOUT, &want, NULL, NULL), 0);
  ck_assert_int_eq(bw_schema_print(s, BW_PRINT_LAYOUT, &got, NULL, NULL), 0);
  ck_assert_str_eq(got, want);
  /* Appending nothing changes nothing. */
  bw_draft *none = bw_draft_new();
  ck_assert_int_eq(bw_schema_append_constants(s, (const struct bw_schema *)none), 0);
  ck_assert_uint_eq(bw_schema_constant_count(s), 5);
  bw_draft_free(none);
  free(want);
  free(got);
  bw_schema_free(expected);
  bw_schema_free(s);
}
END_TEST

int main(void) {
  Suite *s = suite_create("schema_print_parts");
  TCase *tc = tcase_create("parts");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, parts_join_into_the_whole_text_on_every_fixture);
  tcase_add_test(tc, split_gives_parts_of_about_equal_text);
  tcase_add_test(tc, range_outside_the_schema);
  tcase_add_test(tc, constants_appended_in_order_as_if_added_before_validation);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

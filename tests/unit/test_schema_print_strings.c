/* barewire schema printer: the quoted strings of `#@` annotations (c_name, c_type, file...).
 *
 * The printer copies plain runs sixteen and eight bytes at a time and settles the last bytes of
 * a string with one word that overlaps the bytes before them. These cases put each kind of
 * byte that needs an escape, and each kind that does not, at every position of strings of
 * every length from 0 to 40 (every word boundary and every tail length), and compare the
 * printed line with the escaping rule of docs/schema-annotations.md written out byte by byte
 * below, then parse the text back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

/* The rule, one byte at a time: printable ASCII as is except '"' and '\', which get a
 * backslash; \n, \t, \r; every other byte as \xNN (lower-case hex). */
static size_t escape_reference(const char *s, char *out) {
  size_t o = 0;
  out[o++] = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned c = *p;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c == '\n') {
      o += (size_t)sprintf(out + o, "\\n");
    } else if (c == '\t') {
      o += (size_t)sprintf(out + o, "\\t");
    } else if (c == '\r') {
      o += (size_t)sprintf(out + o, "\\r");
    } else if (c < 0x20 || c > 0x7e) {
      o += (size_t)sprintf(out + o, "\\x%02x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o++] = '"';
  out[o] = 0;
  return o;
}

#define MAX_LEN 40
/* Bytes that need an escape (each kind), bytes next to them that do not, and bytes whose
 * word arithmetic borrows or carries into the next byte. */
static const unsigned char probes[] = {0x01, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b,
                                       0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xfe, 0xff};

/* Prints a schema whose constants have the given C names and checks each `#@ constant` line's
 * c_name against the reference, then that parsing the text gives the same names back. */
static void check_names(char (*names)[MAX_LEN + 1], size_t count) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(bw_draft_add_type(d, "T", bw_draft_type(d, BW_KIND_U8)));
  for (size_t i = 0; i < count; i++) {
    char name[24];
    snprintf(name, sizeof name, "C%zu", i);
    ck_assert_ptr_nonnull(bw_draft_add_constant(d, name, names[i], (int64_t)i, 0));
  }
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  char *text = NULL;
  size_t len = 0;
  ck_assert_int_eq(bw_schema_print(s, BW_PRINT_LAYOUT, &text, &len, NULL), 0);
  ck_assert_uint_eq(strlen(text), len);
  const char *line = text;
  for (size_t i = 0; i < count; i++) {
    char expected[64 + 4 * MAX_LEN + 64];
    int at = snprintf(expected, sizeof expected, "#@ constant name=\"C%zu\" c_name=", i);
    at += (int)escape_reference(names[i], expected + at);
    snprintf(expected + at, sizeof expected - (size_t)at, " value=%zu\n", i);
    ck_assert_msg(strncmp(line, expected, strlen(expected)) == 0,
                  "constant %zu (length %zu): expected %s", i, strlen(names[i]), expected);
    line += strlen(expected);
  }
  bw_schema *back = NULL;
  ck_assert_int_eq(bw_schema_parse(text, len, NULL, &back, NULL), 0);
  ck_assert_uint_eq(bw_schema_constant_count(back), count);
  for (size_t i = 0; i < count; i++)
    ck_assert_str_eq(bw_schema_constant_at(back, i)->c_name, names[i]);
  bw_schema_free(back);
  bw_schema_free(s);
  free(text);
}

START_TEST(every_probe_byte_at_every_position_of_every_length) {
  size_t count = 0;
  for (size_t n = 1; n <= MAX_LEN; n++) count += n * sizeof probes;
  char(*names)[MAX_LEN + 1] = calloc(count + MAX_LEN + 1, sizeof *names);
  ck_assert_ptr_nonnull(names);
  size_t k = 0;
  for (size_t n = 0; n <= MAX_LEN; n++) { /* plain strings of every length, "" included */
    for (size_t i = 0; i < n; i++) names[k][i] = (char)('a' + (i % 26));
    k++;
  }
  for (size_t n = 1; n <= MAX_LEN; n++)
    for (size_t at = 0; at < n; at++)
      for (size_t p = 0; p < sizeof probes; p++, k++) {
        for (size_t i = 0; i < n; i++) names[k][i] = (char)('A' + (i % 26));
        names[k][at] = (char)probes[p];
      }
  check_names(names, k);
  free(names);
}
END_TEST

START_TEST(every_byte_value_at_the_ends_of_words_and_tails) {
  /* Lengths 8, 16, 17 and 23: the last byte of the first word, of the sixteen-byte run, the
   * only byte after it, and the last byte of an overlapping tail word. */
  static const size_t lengths[] = {8, 16, 17, 23};
  size_t count = 255 * 4 * 3;
  char(*names)[MAX_LEN + 1] = calloc(count, sizeof *names);
  ck_assert_ptr_nonnull(names);
  size_t k = 0;
  for (size_t l = 0; l < 4; l++) {
    size_t n = lengths[l];
    size_t positions[3] = {0, n / 2, n - 1};
    for (size_t q = 0; q < 3; q++)
      for (unsigned b = 1; b < 256; b++, k++) {
        memset(names[k], '_', n);
        names[k][positions[q]] = (char)b;
      }
  }
  check_names(names, k);
  free(names);
}
END_TEST

int main(void) {
  Suite *s = suite_create("schema_print_strings");
  TCase *tc = tcase_create("escapes");
  tcase_add_test(tc, every_probe_byte_at_every_position_of_every_length);
  tcase_add_test(tc, every_byte_value_at_the_ends_of_words_and_tails);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

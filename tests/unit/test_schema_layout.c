/* Check suite for native layouts (src/schema/layout*.c): the natural host layout of hand-written
 * schemas checked against the C compiler (each BARE type below has its equivalent C declaration
 * in this file, and the expected numbers are offsetof/sizeof/_Alignof of those declarations,
 * never typed in), bw_type_native's explanation of a missing layout, the JSON layout document
 * and the pahole-style table. */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "schema/schema_internal.h"

/* ---- the C oracle ------------------------------------------------------------------------- */

/* type Widths struct { a: u8 b: i16 c: u32 d: i64 e: f32 f: f64 g: bool h: i8 i: u16 j: u64 } */
struct c_widths {
  uint8_t a;
  int16_t b;
  uint32_t c;
  int64_t d;
  float e;
  double f;
  bool g;
  int8_t h;
  uint16_t i;
  uint64_t j;
};

/* type Small struct { a: u8 b: u64 c: u8 }: a hole after a, tail padding after c. */
struct c_small {
  uint8_t a;
  uint64_t b;
  uint8_t c;
};

/* type Color enum { RED GREEN BLUE = 7 } */
enum c_color { C_RED, C_GREEN, C_BLUE = 7 };
/* type Wide enum { LOW HIGH = 5000000000 }: a value past 32 bits widens the C enum. */
enum c_wide { C_LOW, C_HIGH = 5000000000 };

/* type Point struct { x: i32 y: i32 } */
struct c_point {
  int32_t x;
  int32_t y;
};

/* type Shape struct { name: data[13] color: Color center: Point corners: list<Point>[3]
 *                     flag: bool wide: Wide tail: u16 } */
struct c_shape {
  uint8_t name[13];
  enum c_color color;
  struct c_point center;
  struct c_point corners[3];
  bool flag;
  enum c_wide wide;
  uint16_t tail;
};

/* type Grid struct { cells: list<list<u16>[3]>[2] z: u8 } */
struct c_grid {
  uint16_t cells[2][3];
  uint8_t z;
};

/* type Nested struct { head: u8 inner: struct { a: u8 b: u32 } c: u8 } */
struct c_nested {
  uint8_t head;
  struct {
    uint8_t a;
    uint32_t b;
  } inner;
  uint8_t c;
};

/* type Packets struct { n: u8 items: list<Small>[2] } */
struct c_packets {
  uint8_t n;
  struct c_small items[2];
};

/* ---- building the schema ------------------------------------------------------------------ */

static bw_draft *draft;

static bw_type *prim(bw_kind kind) {
  bw_type *t = bw_draft_type(draft, kind);
  ck_assert_ptr_nonnull(t);
  return t;
}

static void add(bw_type *st, const char *name, bw_type *t) {
  ck_assert_ptr_nonnull(bw_draft_add_field(draft, st, name, t));
}

static bw_schema *natural_schema(void) {
  draft = bw_draft_new();
  bw_draft *d = draft;
  bw_type *t = prim(BW_KIND_STRUCT);
  const bw_kind widths[] = {BW_KIND_U8,  BW_KIND_I16,  BW_KIND_U32, BW_KIND_I64, BW_KIND_F32,
                            BW_KIND_F64, BW_KIND_BOOL, BW_KIND_I8,  BW_KIND_U16, BW_KIND_U64};
  const char *names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  for (size_t i = 0; i < 10; i++) add(t, names[i], prim(widths[i]));
  bw_draft_add_type(d, "Widths", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "a", prim(BW_KIND_U8));
  add(t, "b", prim(BW_KIND_U64));
  add(t, "c", prim(BW_KIND_U8));
  bw_draft_add_type(d, "Small", t);

  t = prim(BW_KIND_ENUM);
  bw_draft_add_enum_member(d, t, "RED", 0, 0);
  bw_draft_add_enum_member(d, t, "GREEN", 0, 0);
  bw_draft_add_enum_member(d, t, "BLUE", 1, 7);
  bw_draft_add_type(d, "Color", t);

  t = prim(BW_KIND_ENUM);
  bw_draft_add_enum_member(d, t, "LOW", 0, 0);
  bw_draft_add_enum_member(d, t, "HIGH", 1, 5000000000u);
  bw_draft_add_type(d, "Wide", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "x", prim(BW_KIND_I32));
  add(t, "y", prim(BW_KIND_I32));
  bw_draft_add_type(d, "Point", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "name", bw_draft_data_fixed(d, 13));
  add(t, "color", bw_draft_ref(d, "Color"));
  add(t, "center", bw_draft_ref(d, "Point"));
  add(t, "corners", bw_draft_list_fixed(d, bw_draft_ref(d, "Point"), 3));
  add(t, "flag", prim(BW_KIND_BOOL));
  add(t, "wide", bw_draft_ref(d, "Wide"));
  add(t, "tail", prim(BW_KIND_U16));
  bw_draft_add_type(d, "Shape", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "cells", bw_draft_list_fixed(d, bw_draft_list_fixed(d, prim(BW_KIND_U16), 3), 2));
  add(t, "z", prim(BW_KIND_U8));
  bw_draft_add_type(d, "Grid", t);

  t = prim(BW_KIND_STRUCT);
  bw_type *inner = prim(BW_KIND_STRUCT);
  add(inner, "a", prim(BW_KIND_U8));
  add(inner, "b", prim(BW_KIND_U32));
  add(t, "head", prim(BW_KIND_U8));
  add(t, "inner", inner);
  add(t, "c", prim(BW_KIND_U8));
  bw_draft_add_type(d, "Nested", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "n", prim(BW_KIND_U8));
  add(t, "items", bw_draft_list_fixed(d, bw_draft_ref(d, "Small"), 2));
  bw_draft_add_type(d, "Packets", t);

  bw_draft_add_type(d, "Location", bw_draft_ref(d, "Point")); /* an alias */
  bw_draft_add_type(d, "Time", prim(BW_KIND_U64));
  bw_draft_add_type(d, "Key", bw_draft_data_fixed(d, 32));

  /* Types without a native layout. */
  t = prim(BW_KIND_STRUCT);
  add(t, "street", prim(BW_KIND_STR));
  add(t, "number", prim(BW_KIND_U32));
  bw_draft_add_type(d, "Address", t);
  t = prim(BW_KIND_STRUCT);
  add(t, "age", prim(BW_KIND_U8));
  add(t, "address", bw_draft_ref(d, "Address"));
  bw_draft_add_type(d, "Person", t);
  t = prim(BW_KIND_STRUCT);
  add(t, "id", prim(BW_KIND_U32));
  add(t, "tags", bw_draft_list(d, prim(BW_KIND_STR)));
  bw_draft_add_type(d, "Tagged", t);
  bw_draft_add_type(d, "Count", prim(BW_KIND_UINT));

  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++) fprintf(stderr, "%s\n", diags.items[i].message);
  ck_assert_int_eq(rc, 0);
  bw_diags_free(&diags);
  return s;
}

static const bw_native *layout(const bw_schema *s, const char *name) {
  const bw_user_type *u = bw_schema_find(s, name);
  ck_assert_ptr_nonnull(u);
  bw_error err;
  bw_error_clear(&err);
  const bw_native *n = bw_type_native(s, u->type, &err);
  ck_assert_msg(n != NULL, "%s: %s", name, err.message);
  ck_assert_uint_ne(n->flags & BW_NATIVE_NATURAL, 0);
  return n;
}

static const bw_field *field_of(const bw_schema *s, const char *type, const char *name) {
  const bw_type *t = bw_type_resolve(bw_schema_find(s, type)->type);
  for (size_t i = 0; i < t->count; i++)
    if (strcmp(t->fields[i].name, name) == 0) return &t->fields[i];
  ck_abort_msg("no field %s.%s", type, name);
  return NULL;
}

/* Asserts the computed size and alignment of a BARE type against a C type. */
#define ASSERT_TYPE(s, name, ctype)                                                                \
  do {                                                                                             \
    const bw_native *n_ = layout(s, name);                                                         \
    ck_assert_uint_eq(n_->size, sizeof(ctype));                                                    \
    ck_assert_uint_eq(n_->align, _Alignof(ctype));                                                 \
  } while (0)

/* Asserts the computed offset of a field against offsetof of the C member. */
#define ASSERT_FIELD(s, name, ctype, member)                                                       \
  ck_assert_uint_eq(field_of(s, name, #member)->offset, offsetof(ctype, member))

/* ---- natural layout against the compiler -------------------------------------------------- */

START_TEST(primitives_of_every_width) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Widths", struct c_widths);
  ASSERT_FIELD(s, "Widths", struct c_widths, a);
  ASSERT_FIELD(s, "Widths", struct c_widths, b);
  ASSERT_FIELD(s, "Widths", struct c_widths, c);
  ASSERT_FIELD(s, "Widths", struct c_widths, d);
  ASSERT_FIELD(s, "Widths", struct c_widths, e);
  ASSERT_FIELD(s, "Widths", struct c_widths, f);
  ASSERT_FIELD(s, "Widths", struct c_widths, g);
  ASSERT_FIELD(s, "Widths", struct c_widths, h);
  ASSERT_FIELD(s, "Widths", struct c_widths, i);
  ASSERT_FIELD(s, "Widths", struct c_widths, j);
  /* Each primitive field's own node carries its layout too. */
  const bw_field *d = field_of(s, "Widths", "d");
  ck_assert_uint_eq(d->type->native->size, sizeof(int64_t));
  ck_assert_uint_eq(d->type->native->align, _Alignof(int64_t));
  ck_assert_str_eq(d->c_type, "int64_t");
  ck_assert_str_eq(d->c_name, "d");
  bw_schema_free(s);
}
END_TEST

START_TEST(u8_after_u64_hole_and_tail_padding) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Small", struct c_small);
  ASSERT_FIELD(s, "Small", struct c_small, a);
  ASSERT_FIELD(s, "Small", struct c_small, b);
  ASSERT_FIELD(s, "Small", struct c_small, c);
  bw_schema_free(s);
}
END_TEST

START_TEST(enums_like_c_enums) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Color", enum c_color);
  ASSERT_TYPE(s, "Wide", enum c_wide);
  ck_assert_uint_ne(layout(s, "Color")->flags & BW_NATIVE_C_ENUM, 0);
  ck_assert_str_eq(layout(s, "Color")->underlying, "unsigned int");
  bw_schema_free(s);
}
END_TEST

START_TEST(char_arrays_nested_structs_arrays_of_structs) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Shape", struct c_shape);
  ASSERT_FIELD(s, "Shape", struct c_shape, name);
  ASSERT_FIELD(s, "Shape", struct c_shape, color);
  ASSERT_FIELD(s, "Shape", struct c_shape, center);
  ASSERT_FIELD(s, "Shape", struct c_shape, corners);
  ASSERT_FIELD(s, "Shape", struct c_shape, flag);
  ASSERT_FIELD(s, "Shape", struct c_shape, wide);
  ASSERT_FIELD(s, "Shape", struct c_shape, tail);
  ck_assert_str_eq(field_of(s, "Shape", "name")->c_type, "uint8_t[13]");
  ck_assert_str_eq(field_of(s, "Shape", "corners")->c_type, "Point[3]");
  const bw_native *corners = field_of(s, "Shape", "corners")->type->native;
  ck_assert_ptr_nonnull(corners);
  ck_assert_uint_eq(corners->size, sizeof(((struct c_shape *)0)->corners));
  bw_schema_free(s);
}
END_TEST

START_TEST(multidimensional_arrays) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Grid", struct c_grid);
  ASSERT_FIELD(s, "Grid", struct c_grid, cells);
  ASSERT_FIELD(s, "Grid", struct c_grid, z);
  ck_assert_str_eq(field_of(s, "Grid", "cells")->c_type, "uint16_t[2][3]");
  bw_schema_free(s);
}
END_TEST

START_TEST(inline_struct_and_array_of_structs_with_tail_padding) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Nested", struct c_nested);
  ASSERT_FIELD(s, "Nested", struct c_nested, head);
  ASSERT_FIELD(s, "Nested", struct c_nested, inner);
  ASSERT_FIELD(s, "Nested", struct c_nested, c);
  const bw_type *inner = field_of(s, "Nested", "inner")->type;
  ck_assert_ptr_nonnull(inner->native);
  ck_assert_uint_eq(inner->native->size, sizeof(((struct c_nested *)0)->inner));
  ck_assert_uint_eq(inner->fields[1].offset,
                    offsetof(struct c_nested, inner.b) - offsetof(struct c_nested, inner));
  ASSERT_TYPE(s, "Packets", struct c_packets);
  ASSERT_FIELD(s, "Packets", struct c_packets, items);
  bw_schema_free(s);
}
END_TEST

START_TEST(aliases_and_primitive_types) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Location", struct c_point);
  ASSERT_TYPE(s, "Time", uint64_t);
  ASSERT_TYPE(s, "Key", uint8_t[32]);
  bw_schema_free(s);
}
END_TEST

START_TEST(no_layout_names_the_field) {
  bw_schema *s = natural_schema();
  bw_error err;
  const char *cases[][2] = {
      {"Person", "type Person has no native layout: field 'address.street' is str, which has no "
                 "fixed size"},
      {"Address", "type Address has no native layout: field 'street' is str"},
      {"Tagged", "type Tagged has no native layout: field 'tags' is list<...>, which has no "
                 "fixed size"},
      {"Count", "type Count has no native layout: it is uint, which has no fixed size"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bw_error_clear(&err);
    ck_assert_ptr_null(bw_type_native(s, bw_schema_find(s, cases[i][0])->type, &err));
    ck_assert_int_eq(err.code, BW_ENOLAYOUT);
    ck_assert_msg(strstr(err.message, cases[i][1]) != NULL, "got '%s'", err.message);
  }
  /* A field's type that has a layout inside a type that has none still has its own. */
  ck_assert_ptr_nonnull(bw_type_native(s, field_of(s, "Person", "age")->type, NULL));
  bw_schema_free(s);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

static Suite *layout_suite(void) {
  Suite *s = suite_create("schema_layout");
  TCase *tc = tcase_create("natural");
  tcase_add_test(tc, primitives_of_every_width);
  tcase_add_test(tc, u8_after_u64_hole_and_tail_padding);
  tcase_add_test(tc, enums_like_c_enums);
  tcase_add_test(tc, char_arrays_nested_structs_arrays_of_structs);
  tcase_add_test(tc, multidimensional_arrays);
  tcase_add_test(tc, inline_struct_and_array_of_structs_with_tail_padding);
  tcase_add_test(tc, aliases_and_primitive_types);
  tcase_add_test(tc, no_layout_names_the_field);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(layout_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

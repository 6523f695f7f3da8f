/* Check suite for native layouts (src/schema/layout*.c): the natural host layout of hand-written
 * schemas checked against the C compiler (each BARE type below has its equivalent C declaration
 * in this file, and the expected numbers are offsetof/sizeof/_Alignof of those declarations,
 * never typed in), bw_type_native's explanation of a missing layout, the JSON layout document
 * and the pahole-style table. */
#include <check.h>
#include <limits.h>
#include <stdarg.h>
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

/* type Arrays struct { flags: list<bool>[3] colors: list<Color>[2] blobs: list<data[3]>[2]
 *                      reals: list<f32>[2] wides: list<Wide>[1] tail: i64 } */
struct c_arrays {
  bool flags[3];
  enum c_color colors[2];
  uint8_t blobs[2][3];
  float reals[2];
  enum c_wide wides[1];
  int64_t tail;
};

/* type Varints struct { a: u8 id: uint b: i8 delta: int c: u16 ids: list<uint>[3]
 *                       deltas: list<int>[2] tail: u8 }: uint and int are held as uint64_t
 * and int64_t. */
struct c_varints {
  uint8_t a;
  uint64_t id;
  int8_t b;
  int64_t delta;
  uint16_t c;
  uint64_t ids[3];
  int64_t deltas[2];
  uint8_t tail;
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

  t = prim(BW_KIND_STRUCT);
  add(t, "flags", bw_draft_list_fixed(d, prim(BW_KIND_BOOL), 3));
  add(t, "colors", bw_draft_list_fixed(d, bw_draft_ref(d, "Color"), 2));
  add(t, "blobs", bw_draft_list_fixed(d, bw_draft_data_fixed(d, 3), 2));
  add(t, "reals", bw_draft_list_fixed(d, prim(BW_KIND_F32), 2));
  add(t, "wides", bw_draft_list_fixed(d, bw_draft_ref(d, "Wide"), 1));
  add(t, "tail", prim(BW_KIND_I64));
  bw_draft_add_type(d, "Arrays", t);

  t = prim(BW_KIND_STRUCT);
  add(t, "a", prim(BW_KIND_U8));
  add(t, "id", prim(BW_KIND_UINT));
  add(t, "b", prim(BW_KIND_I8));
  add(t, "delta", prim(BW_KIND_INT));
  add(t, "c", prim(BW_KIND_U16));
  add(t, "ids", bw_draft_list_fixed(d, prim(BW_KIND_UINT), 3));
  add(t, "deltas", bw_draft_list_fixed(d, prim(BW_KIND_INT), 2));
  add(t, "tail", prim(BW_KIND_U8));
  bw_draft_add_type(d, "Varints", t);

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
  bw_draft_add_type(d, "Delta", prim(BW_KIND_INT));
  bw_draft_add_type(d, "Blob", prim(BW_KIND_DATA));

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

START_TEST(arrays_of_bools_enums_data_floats) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Arrays", struct c_arrays);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, flags);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, colors);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, blobs);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, reals);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, wides);
  ASSERT_FIELD(s, "Arrays", struct c_arrays, tail);
  ck_assert_str_eq(field_of(s, "Arrays", "blobs")->c_type, "uint8_t[2][3]");
  ck_assert_str_eq(field_of(s, "Arrays", "colors")->c_type, "Color[2]");
  bw_schema_free(s);
}
END_TEST

START_TEST(aliases_and_primitive_types) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Location", struct c_point);
  ASSERT_TYPE(s, "Time", uint64_t);
  ASSERT_TYPE(s, "Key", uint8_t[32]);
  ASSERT_TYPE(s, "Count", uint64_t); /* a uint */
  ASSERT_TYPE(s, "Delta", int64_t);  /* an int */
  bw_schema_free(s);
}
END_TEST

START_TEST(varints_as_64_bit_integers) {
  bw_schema *s = natural_schema();
  ASSERT_TYPE(s, "Varints", struct c_varints);
  ASSERT_FIELD(s, "Varints", struct c_varints, a);
  ASSERT_FIELD(s, "Varints", struct c_varints, id);
  ASSERT_FIELD(s, "Varints", struct c_varints, b);
  ASSERT_FIELD(s, "Varints", struct c_varints, delta);
  ASSERT_FIELD(s, "Varints", struct c_varints, c);
  ASSERT_FIELD(s, "Varints", struct c_varints, ids);
  ASSERT_FIELD(s, "Varints", struct c_varints, deltas);
  ASSERT_FIELD(s, "Varints", struct c_varints, tail);
  const bw_native *id = bw_type_native(s, field_of(s, "Varints", "id")->type, NULL);
  ck_assert_uint_eq(id->size, sizeof(uint64_t));
  ck_assert_uint_eq(id->align, _Alignof(uint64_t));
  const bw_native *delta = bw_type_native(s, field_of(s, "Varints", "delta")->type, NULL);
  ck_assert_uint_eq(delta->size, sizeof(int64_t));
  ck_assert_uint_eq(delta->align, _Alignof(int64_t));
  /* the C spellings of the equivalent declaration */
  ck_assert_str_eq(field_of(s, "Varints", "id")->c_type, "uint64_t");
  ck_assert_str_eq(field_of(s, "Varints", "delta")->c_type, "int64_t");
  ck_assert_str_eq(field_of(s, "Varints", "ids")->c_type, "uint64_t[3]");
  ck_assert_str_eq(field_of(s, "Varints", "deltas")->c_type, "int64_t[2]");
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
      {"Blob", "type Blob has no native layout: it is data, which has no fixed size"},
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

/* type Outer struct { inner: Inner  n: u8 }  type Inner struct { a: u16  b: u64 }, written in
 * that order (old drafts allow forward references): the layout of Inner is computed first. */
struct c_inner {
  uint16_t a;
  uint64_t b;
};
struct c_outer {
  struct c_inner inner;
  uint8_t n;
};

START_TEST(forward_references_laid_out_in_dependency_order) {
  draft = bw_draft_new();
  bw_type *t = prim(BW_KIND_STRUCT);
  add(t, "inner", bw_draft_ref(draft, "Inner"));
  add(t, "n", prim(BW_KIND_U8));
  bw_draft_add_type(draft, "Outer", t);
  t = prim(BW_KIND_STRUCT);
  add(t, "a", prim(BW_KIND_U16));
  add(t, "b", prim(BW_KIND_U64));
  bw_draft_add_type(draft, "Inner", t);
  bw_validate_options opts = {0, 0, 1};
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(draft, &opts, &s, NULL), 0);
  ASSERT_TYPE(s, "Outer", struct c_outer);
  ASSERT_TYPE(s, "Inner", struct c_inner);
  ASSERT_FIELD(s, "Outer", struct c_outer, n);
  ASSERT_FIELD(s, "Inner", struct c_inner, b);
  bw_schema_free(s);
}
END_TEST

START_TEST(no_layout_in_an_imported_schema) {
  /* With a target, layouts are what the importer recorded: nothing is computed, and a type
   * without one is explained by its first unsized field, or as not imported. */
  draft = bw_draft_new();
  bw_draft_set_target(draft, "x86_64-linux-gnu", 8, 0, 1);
  bw_type *t = prim(BW_KIND_STRUCT);
  add(t, "a", prim(BW_KIND_U32));
  add(t, "name", prim(BW_KIND_STR));
  bw_draft_add_type(draft, "Named", t);
  t = prim(BW_KIND_STRUCT);
  add(t, "a", prim(BW_KIND_U32));
  bw_draft_add_type(draft, "Plain", t);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(draft, NULL, &s, NULL), 0);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_ptr_null(bw_type_native(s, bw_schema_find(s, "Named")->type, &err));
  ck_assert_str_eq(err.message,
                   "type Named has no native layout: field 'name' is str, which has no fixed size");
  bw_error_clear(&err);
  ck_assert_ptr_null(bw_type_native(s, bw_schema_find(s, "Plain")->type, &err));
  ck_assert_str_eq(err.message, "type Plain has no native layout in this imported schema");
  ck_assert_ptr_null(bw_schema_find(s, "Plain")->type->fields[0].type->native);
  bw_schema_free(s);
}
END_TEST

START_TEST(oversized_types_explained_without_exponential_search) {
  /* T0 is two halves of 2^64 bytes: no layout, and no field to blame. Each T(k) uses T(k-1)
   * twice, so a naive search for the unsized field would visit 2^80 paths. */
  char text[8192];
  size_t len = (size_t)snprintf(text, sizeof text,
                                "type T0 struct { a: data[9223372036854775807] "
                                "b: data[9223372036854775807] }\n");
  for (int k = 1; k <= 80; k++)
    len += (size_t)snprintf(text + len, sizeof text - len, "type T%d struct { a: T%d b: T%d }\n", k,
                            k - 1, k - 1);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_schema_parse(text, len, NULL, &s, NULL), 0);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_ptr_null(bw_type_native(s, bw_schema_find(s, "T80")->type, &err));
  ck_assert_int_eq(err.code, BW_ENOLAYOUT);
  ck_assert_str_eq(err.message, "type T80 has no native layout: its size does not fit in 64 bits");
  bw_schema_free(s);
}
END_TEST

/* ---- the JSON document -------------------------------------------------------------------- */

/* A strict JSON syntax check (RFC 8259 grammar; no semantic checks): returns the position after
 * the value, or NULL when the text is not JSON. Enough to prove the document parses. */
static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
  return p;
}

static const char *json_str(const char *p) {
  if (*p++ != '"') return NULL;
  while (*p != '"') {
    if ((unsigned char)*p < 0x20) return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) return NULL;
        p += 4;
      } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
    p++;
  }
  return p + 1;
}

static const char *json_value(const char *p, int depth) {
  if (depth > 64) return NULL;
  p = json_ws(p);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = json_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        p = json_str(json_ws(p));
        if (!p) return NULL;
        p = json_ws(p);
        if (*p++ != ':') return NULL;
      }
      p = json_value(p, depth + 1);
      if (!p) return NULL;
      p = json_ws(p);
      if (*p == close) return p + 1;
      if (*p++ != ',') return NULL;
    }
  }
  if (*p == '"') return json_str(p);
  if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0) return p + 4;
  if (strncmp(p, "false", 5) == 0) return p + 5;
  const char *start = p;
  if (*p == '-') p++;
  while (*p >= '0' && *p <= '9') p++;
  return p > start && p[-1] != '-' ? p : NULL;
}

static void assert_json(const char *doc) {
  const char *end = json_value(doc, 0);
  ck_assert_msg(end != NULL, "not JSON");
  ck_assert_str_eq(json_ws(end), "");
}

static void assert_contains(const char *doc, const char *fmt, ...) {
  char want[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(want, sizeof want, fmt, ap);
  va_end(ap);
  ck_assert_msg(strstr(doc, want) != NULL, "missing: %s", want);
}

/* The JSON object of one field, built from the C declaration. */
#define FIELD_JSON(ctype, member, bare, c_type_text)                                               \
  "{\"name\":\"" #member "\",\"c_name\":\"" #member "\",\"type\":\"" bare                          \
  "\",\"c_type\":\"" c_type_text "\",\"offset\":%zu,\"size\":%zu,\"bit_offset\":null,"             \
  "\"bit_width\":null,\"flexible\":false}",                                                        \
      offsetof(ctype, member), sizeof(((ctype *)0)->member)

START_TEST(json_document_matches_the_compiler) {
  bw_schema *s = natural_schema();
  char *doc = NULL;
  size_t len = 0;
  ck_assert_int_eq(bw_schema_layout_json(s, &doc, &len, NULL), 0);
  ck_assert_uint_eq(len, strlen(doc));
  assert_json(doc);
  ck_assert(strncmp(doc, "{\"format\":\"barewire-layout\",\"version\":1,\"target\":{", 50) == 0);
  assert_contains(doc, "\"pointer_size\":%zu,\"endian\":\"%s\",\"char_signed\":%s}", sizeof(void *),
                  bw_schema_big_endian(s) ? "big" : "little", CHAR_MIN < 0 ? "true" : "false");
  assert_contains(doc,
                  "{\"name\":\"Small\",\"c_name\":null,\"kind\":\"struct\",\"size\":%zu,"
                  "\"align\":%zu,\"file\":null,\"line\":null,\"fields\":[",
                  sizeof(struct c_small), _Alignof(struct c_small));
  assert_contains(doc, FIELD_JSON(struct c_small, a, "u8", "uint8_t"));
  assert_contains(doc, FIELD_JSON(struct c_small, b, "u64", "uint64_t"));
  assert_contains(doc, FIELD_JSON(struct c_small, c, "u8", "uint8_t"));
  assert_contains(doc, FIELD_JSON(struct c_shape, corners, "list<Point>[3]", "Point[3]"));
  assert_contains(doc, FIELD_JSON(struct c_shape, name, "data[13]", "uint8_t[13]"));
  assert_contains(doc, FIELD_JSON(struct c_grid, cells, "list<list<u16>[3]>[2]", "uint16_t[2][3]"));
  /* An inline body as the schema printer writes it on one line. */
  assert_contains(doc,
                  FIELD_JSON(struct c_nested, inner, "struct { a: u8 b: u32 }", "struct {...}"));
  assert_contains(
      doc,
      "{\"name\":\"Color\",\"c_name\":null,\"kind\":\"enum\",\"size\":%zu,\"align\":%zu,"
      "\"file\":null,\"line\":null,\"fields\":[],\"values\":[{\"name\":\"RED\","
      "\"c_name\":null,\"value\":%d},{\"name\":\"GREEN\",\"c_name\":null,\"value\":%d},"
      "{\"name\":\"BLUE\",\"c_name\":null,\"value\":%d}],\"underlying\":\"unsigned int\"}",
      sizeof(enum c_color), _Alignof(enum c_color), C_RED, C_GREEN, C_BLUE);
  assert_contains(doc, "{\"name\":\"Location\",\"c_name\":null,\"kind\":\"alias\",\"size\":%zu",
                  sizeof(struct c_point));
  /* Types without a layout are left out; the type order is the schema's. */
  ck_assert_ptr_null(strstr(doc, "\"name\":\"Person\""));
  ck_assert_ptr_null(strstr(doc, "\"name\":\"Blob\""));
  /* uint and int as the C integers that hold them */
  assert_contains(doc, FIELD_JSON(struct c_varints, id, "uint", "uint64_t"));
  assert_contains(doc, FIELD_JSON(struct c_varints, delta, "int", "int64_t"));
  assert_contains(doc, FIELD_JSON(struct c_varints, ids, "list<uint>[3]", "uint64_t[3]"));
  assert_contains(doc,
                  "{\"name\":\"Count\",\"c_name\":null,\"kind\":\"alias\",\"size\":%zu,"
                  "\"align\":%zu,",
                  sizeof(uint64_t), _Alignof(uint64_t));
  ck_assert(strstr(doc, "\"name\":\"Widths\"") < strstr(doc, "\"name\":\"Small\""));
  /* Deterministic: the same schema gives the same bytes. */
  char *again = NULL;
  ck_assert_int_eq(bw_schema_layout_json(s, &again, NULL, NULL), 0);
  ck_assert_str_eq(doc, again);
  free(again);
  free(doc);
  bw_schema_free(s);
}
END_TEST

/* An imported-style schema: target, C spellings to escape, bitfields, a C union member, constants.
 */
static bw_schema *imported_schema(void) {
  bw_draft *d = draft = bw_draft_new();
  bw_draft_set_target(d, "s390x-linux-gnu", 8, 1, 0);
  bw_draft_add_constant(d, "NEG", "NEG", -5, 0);
  bw_draft_add_constant(d, "ALL", "ALL", (int64_t)UINT64_MAX, 1);

  /* union { uint32_t i; float f; } as data[4] */
  bw_type *un = bw_draft_data_fixed(d, 4);
  bw_native *n = bw_draft_native(d, un);
  n->size = 4;
  n->align = 4;
  n->flags = BW_NATIVE_C_UNION;
  bw_field *m = bw_draft_add_native_member(d, n, "i", prim(BW_KIND_U32));
  m->c_name = "i";
  m = bw_draft_add_native_member(d, n, "f", prim(BW_KIND_F32));
  m->c_name = "f";
  bw_draft_add_type(d, "RecAnon0", un);

  /* struct rec { unsigned a : 3; unsigned b : 2; (byte 1) uint32_t x; union {...}; char q[]; } */
  bw_type *st = prim(BW_KIND_STRUCT);
  n = bw_draft_native(d, st);
  n->size = 12;
  n->align = 4;
  n->c_name = "struct rec";
  n->file = "dir\\rec \"1\".h";
  n->line = 7;
  bw_field *f = bw_draft_add_field(d, st, "a", prim(BW_KIND_U8));
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = 0;
  f->bit_width = 3;
  f->c_name = "a";
  f->c_type = "unsigned int";
  f = bw_draft_add_field(d, st, "b", prim(BW_KIND_U8));
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = 8;
  f->bit_width = 2;
  f->offset = 1;
  f->c_name = "b";
  f->c_type = "weird\t\"type\"\x01\xff";
  f = bw_draft_add_field(d, st, "x", prim(BW_KIND_U32));
  f->offset = 4;
  f->c_name = "x";
  f->c_type = "uint32_t";
  f = bw_draft_add_field(d, st, "anon0", bw_draft_ref(d, "RecAnon0"));
  f->offset = 8;
  f->flags = BW_FIELD_ANONYMOUS;
  f->c_type = "union (anonymous)";
  f = bw_draft_add_field(d, st, "q", bw_draft_list(d, prim(BW_KIND_U8)));
  f->offset = 12;
  f->flags = BW_FIELD_FLEXIBLE;
  f->c_name = "q";
  f->c_type = "char[]";
  bw_draft_add_type(d, "Rec", st);
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++) fprintf(stderr, "%s\n", diags.items[i].message);
  ck_assert_int_eq(rc, 0);
  bw_diags_free(&diags);
  return s;
}

START_TEST(json_imported_bitfields_unions_escapes_constants) {
  bw_schema *s = imported_schema();
  char *doc = NULL;
  ck_assert_int_eq(bw_schema_layout_json(s, &doc, NULL, NULL), 0);
  assert_json(doc);
  assert_contains(doc, "\"target\":{\"triple\":\"s390x-linux-gnu\",\"pointer_size\":8,"
                       "\"endian\":\"big\",\"char_signed\":false}");
  assert_contains(doc, "{\"name\":\"RecAnon0\",\"c_name\":null,\"kind\":\"union\",\"size\":4,"
                       "\"align\":4,\"file\":null,\"line\":null,\"fields\":[{\"name\":\"i\"");
  assert_contains(doc, "{\"name\":\"Rec\",\"c_name\":\"struct rec\",\"kind\":\"struct\","
                       "\"size\":12,\"align\":4,\"file\":\"dir\\\\rec \\\"1\\\".h\",\"line\":7,");
  assert_contains(doc, "{\"name\":\"a\",\"c_name\":\"a\",\"type\":\"u8\",\"c_type\":\"unsigned "
                       "int\",\"offset\":0,\"size\":1,\"bit_offset\":0,\"bit_width\":3,"
                       "\"flexible\":false}");
  /* Control characters, quotes and a byte that is not UTF-8 are escaped. */
  assert_contains(doc, "\"c_type\":\"weird\\t\\\"type\\\"\\u0001\\u00ff\",\"offset\":1,"
                       "\"size\":1,\"bit_offset\":8,\"bit_width\":2");
  assert_contains(doc, "{\"name\":\"anon0\",\"c_name\":null,\"type\":\"RecAnon0\"");
  assert_contains(doc, "{\"name\":\"q\",\"c_name\":\"q\",\"type\":\"list<u8>\",\"c_type\":"
                       "\"char[]\",\"offset\":12,\"size\":0,\"bit_offset\":null,\"bit_width\":"
                       "null,\"flexible\":true}");
  assert_contains(doc, "\"constants\":[\n{\"name\":\"NEG\",\"value\":-5},\n{\"name\":\"ALL\","
                       "\"value\":18446744073709551615}\n]}");
  free(doc);
  bw_schema_free(s);
}
END_TEST

/* ---- the table ---------------------------------------------------------------------------- */

static char *table_of(const bw_schema *s, const char *name) {
  char *out = NULL;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_schema_layout_table(s, &name, 1, &out, NULL, &err);
  ck_assert_msg(rc == 0, "%s", err.message);
  return out;
}

/* Asserts that a line containing `before` comes earlier than one containing `after`. */
static void assert_order(const char *doc, const char *before, const char *after) {
  const char *a = strstr(doc, before), *b = strstr(doc, after);
  ck_assert_msg(a && b && a < b, "'%s' should come before '%s'", before, after);
}

START_TEST(table_holes_and_padding_where_the_compiler_puts_them) {
  bw_schema *s = natural_schema();
  char *t = table_of(s, "Small");
  char hole[64], pad[64], size[96];
  snprintf(hole, sizeof hole, "/* XXX %zu bytes hole, try to pack */",
           offsetof(struct c_small, b) - sizeof(uint8_t));
  snprintf(pad, sizeof pad, "/* padding: %zu */",
           sizeof(struct c_small) - offsetof(struct c_small, c) - sizeof(uint8_t));
  snprintf(size, sizeof size, "/* size: %zu, cachelines: 1, members: 3 */", sizeof(struct c_small));
  ck_assert(strncmp(t, "struct Small {", 14) == 0);
  assert_order(t, " a;", hole);
  assert_order(t, hole, " b;");
  assert_order(t, " c;", size);
  assert_order(t, size, pad);
  assert_contains(t, "sum holes: %zu */", offsetof(struct c_small, b) - sizeof(uint8_t));
  free(t);

  /* Shape: a hole after data[13], a cacheline boundary before the member at or past 64. */
  t = table_of(s, "Shape");
  snprintf(hole, sizeof hole, "/* XXX %zu bytes hole, try to pack */",
           offsetof(struct c_shape, color) - 13);
  assert_order(t, " name[13];", hole);
  assert_order(t, hole, " color;");
  ck_assert_uint_ge(offsetof(struct c_shape, tail), 64); /* the oracle puts tail past 64 */
  if (offsetof(struct c_shape, tail) == 64)
    assert_order(t, "/* --- cacheline 1 boundary (64 bytes) --- */", " tail;");
  else
    assert_order(t, "/* --- cacheline 1 boundary (64 bytes) was", " tail;");
  assert_order(t, " wide;", "cacheline 1 boundary");
  assert_contains(t, "cachelines: %zu,", (sizeof(struct c_shape) + 63) / 64);
  free(t);

  /* The inline struct body is shown inline, its own hole inside it. */
  t = table_of(s, "Nested");
  snprintf(hole, sizeof hole, "/* XXX %zu bytes hole, try to pack */",
           offsetof(struct c_nested, inner.b) - offsetof(struct c_nested, inner.a) - 1);
  const char *body = strstr(t, "\tstruct {\n");
  ck_assert_ptr_nonnull(body);
  assert_order(body, "\tstruct {\n", " a;");
  assert_order(body, " a;", hole);
  assert_order(body, hole, " b;");
  assert_order(body, " b;", "} inner;");
  free(t);
  bw_schema_free(s);
}
END_TEST

START_TEST(table_bitfields_bit_holes_anonymous_unions) {
  bw_schema *s = imported_schema();
  char *t = table_of(s, "struct rec"); /* by its C spelling */
  /* a: bits 0-2, b: bits 8-9: 5 bits hole between them; x at byte 4: 2 bytes and 6 bits
   * between b and x. */
  assert_order(t, "struct rec {", " a:3;");
  assert_order(t, " a:3;", "/* XXX 5 bits hole, try to pack */");
  assert_order(t, "/* XXX 5 bits hole, try to pack */", " b:2;");
  assert_order(t, " b:2;", "/* XXX 6 bits hole, try to pack */");
  assert_order(t, "/* XXX 6 bits hole, try to pack */", "/* XXX 2 bytes hole, try to pack */");
  assert_order(t, "/* XXX 2 bytes hole, try to pack */", " x;");
  assert_contains(t, "/*     1:0 ");               /* b: byte 1, bit 0 */
  assert_order(t, " x;", "\tunion {\n");           /* the anonymous union, inline */
  assert_contains(t, "\t\tu32                i;"); /* its members one level in, BARE types */
  assert_contains(t, "\tweird?\"type\"?"); /* control characters do not reach the terminal */
  assert_order(t, "\tunion {\n", "\t};");
  assert_contains(t, " q[];");
  assert_contains(t, "/* bit holes: 2, sum bit holes: 11 bits */");
  free(t);
  bw_schema_free(s);
}
END_TEST

START_TEST(table_inline_members_bounded) {
  /* L0 { x: u64 }; L(k) has four anonymous members of type L(k-1), all at offset 0 (as C
   * unions of unions do). Shown inline 16 levels deep that would be 4^16 records: the table
   * stops inlining after a budget and prints the rest as plain members. */
  draft = bw_draft_new();
  bw_draft_set_target(draft, "x86_64-linux-gnu", 8, 0, 1);
  char name[16], prev[16];
  for (int k = 0; k <= 20; k++) {
    bw_type *t = prim(BW_KIND_STRUCT);
    bw_native *n = bw_draft_native(draft, t);
    n->size = 8;
    n->align = 8;
    snprintf(prev, sizeof prev, "L%d", k - 1);
    for (int i = 0; i < (k ? 4 : 1); i++) {
      snprintf(name, sizeof name, "m%d", i);
      bw_field *f =
          bw_draft_add_field(draft, t, name, k ? bw_draft_ref(draft, prev) : prim(BW_KIND_U64));
      ck_assert_ptr_nonnull(f);
      f->flags = k ? BW_FIELD_ANONYMOUS : 0;
    }
    snprintf(name, sizeof name, "L%d", k);
    bw_draft_add_type(draft, name, t);
  }
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(draft, NULL, &s, NULL), 0);
  char *t = NULL;
  size_t len = 0;
  const char *which = "L20";
  ck_assert_int_eq(bw_schema_layout_table(s, &which, 1, &t, &len, NULL), 0);
  ck_assert_uint_lt(len, 1u << 20);
  assert_contains(t, "\tstruct {\n\t\tstruct {\n"); /* inlined while the budget lasts */
  assert_contains(t, "/* size: 8, cachelines: 1, members: 4 */");
  free(t);
  bw_schema_free(s);
}
END_TEST

/* An imported record that C cannot name is not given a C-looking name, and an alias names the
 * aliased type by its C spelling. */
START_TEST(table_imported_names_are_c_names) {
  bw_schema *s = imported_schema();
  char *t = table_of(s, "RecAnon0");
  ck_assert_msg(strncmp(t, "union /* RecAnon0 */ {", 22) == 0, "%s", t);
  free(t);
  bw_schema_free(s);

  bw_draft *d = draft = bw_draft_new();
  bw_draft_set_target(d, "x86_64-linux-gnu", 8, 0, 1);
  bw_type *st = prim(BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = sizeof(struct c_small);
  n->align = _Alignof(struct c_small);
  n->c_name = "struct small";
  bw_field *f = bw_draft_add_field(d, st, "a", prim(BW_KIND_U8));
  f->c_name = "a";
  f->offset = offsetof(struct c_small, a);
  bw_draft_add_type(d, "Small", st);
  bw_type *alias = bw_draft_ref(d, "Small");
  n = bw_draft_native(d, alias);
  n->size = sizeof(struct c_small);
  n->align = _Alignof(struct c_small);
  n->c_name = "small_t";
  bw_draft_add_type(d, "SmallT", alias);
  bw_diags diags = {0};
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, &diags), 0);
  t = table_of(s, "SmallT");
  ck_assert_msg(strncmp(t, "typedef struct small small_t;", 29) == 0, "%s", t);
  free(t);
  bw_schema_free(s);
  bw_diags_free(&diags);
}
END_TEST

START_TEST(table_errors_name_the_type) {
  bw_schema *s = natural_schema();
  char *out = (char *)1;
  bw_error err;
  bw_error_clear(&err);
  const char *unknown[] = {"Small", "Nope"};
  ck_assert_int_eq(bw_schema_layout_table(s, unknown, 2, &out, NULL, &err), BW_ENOTFOUND);
  ck_assert_ptr_null(out);
  ck_assert_str_eq(err.message, "unknown type 'Nope'");
  bw_error_clear(&err);
  const char *person[] = {"Person"};
  ck_assert_int_eq(bw_schema_layout_table(s, person, 1, &out, NULL, &err), BW_ENOLAYOUT);
  ck_assert_ptr_nonnull(strstr(err.message, "type Person has no native layout: field "
                                            "'address.street' is str"));
  /* All types: those with a layout, in schema order. */
  ck_assert_int_eq(bw_schema_layout_table(s, NULL, 0, &out, NULL, NULL), 0);
  assert_order(out, "struct Widths {", "struct Small {");
  assert_order(out, "enum Color {", "typedef Point Location;");
  ck_assert_ptr_null(strstr(out, "Person"));
  free(out);
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
  tcase_add_test(tc, arrays_of_bools_enums_data_floats);
  tcase_add_test(tc, aliases_and_primitive_types);
  tcase_add_test(tc, varints_as_64_bit_integers);
  tcase_add_test(tc, no_layout_names_the_field);
  tcase_add_test(tc, no_layout_in_an_imported_schema);
  tcase_add_test(tc, forward_references_laid_out_in_dependency_order);
  tcase_add_test(tc, oversized_types_explained_without_exponential_search);
  suite_add_tcase(s, tc);
  tc = tcase_create("documents");
  tcase_add_test(tc, json_document_matches_the_compiler);
  tcase_add_test(tc, json_imported_bitfields_unions_escapes_constants);
  tcase_add_test(tc, table_holes_and_padding_where_the_compiler_puts_them);
  tcase_add_test(tc, table_bitfields_bit_holes_anonymous_unions);
  tcase_add_test(tc, table_inline_members_bounded);
  tcase_add_test(tc, table_errors_name_the_type);
  tcase_add_test(tc, table_imported_names_are_c_names);
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

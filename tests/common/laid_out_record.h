/* A record laid out by hand as an x86-64 (or, big-endian, s390x) compiler lays out
 *
 *   struct rec {
 *     uint8_t a;            // 0
 *     int16_t b;            // 2
 *     unsigned c : 3;       // bit 32
 *     int d : 5;            // bit 35
 *     _Bool e : 1;          // bit 40
 *     unsigned f : 20;      // bit 41
 *     enum color color;     // 12 (4 bytes: RED 0, GREEN 5, BLUE 6)
 *     char name[5];         // 16, then 1 byte of padding
 *     int16_t arr[3];       // 22, then 4 bytes of padding
 *     double x;             // 32
 *     uint16_t items[];     // 40
 *   };
 *
 * shared by tests/unit/test_memory_plan.c and tests/fuzz/fuzz_native_decode.c, so that the
 * fuzzer and the differential test exercise the same bitfields, enum, padding and flexible
 * array. Header-only (static inline), for test code. */
#ifndef BW_TESTS_LAID_OUT_RECORD_H
#define BW_TESTS_LAID_OUT_RECORD_H

#include "barewire/schema.h"

#define BW_LAID_OUT_SIZE 40u

/* A field at byte offset off, its C name its BARE name. */
static inline bw_field *bw_test_field(bw_draft *d, bw_type *st, const char *name, bw_type *t,
                                      uint64_t off) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  f->offset = off;
  f->c_name = name;
  return f;
}

/* A bitfield of width bits at absolute bit offset bit. */
static inline void bw_test_bitfield(bw_draft *d, bw_type *st, const char *name, bw_type *t,
                                    uint64_t bit, uint32_t width) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = bit;
  f->bit_width = width;
  f->offset = bit / 8;
  f->c_name = name;
}

/* A C enum of size bytes (underlying its C type) named name, with count members. */
static inline void bw_test_c_enum(bw_draft *d, const char *name, uint64_t size,
                                  const char *underlying, const char *const *members,
                                  const uint64_t *values, size_t count) {
  bw_type *e = bw_draft_type(d, BW_KIND_ENUM);
  for (size_t i = 0; i < count; i++) bw_draft_add_enum_member(d, e, members[i], 1, values[i]);
  bw_native *n = bw_draft_native(d, e);
  n->size = size;
  n->align = size;
  n->flags = BW_NATIVE_C_ENUM;
  n->underlying = underlying;
  bw_draft_add_type(d, name, e);
}

/* The validated schema of struct rec as the type type_name (and enum Color), or NULL. */
static inline bw_schema *bw_test_laid_out_schema(const char *type_name, int big_endian) {
  bw_draft *d = bw_draft_new();
  if (!d) return NULL;
  if (big_endian) bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0);
  static const char *const colors[] = {"RED", "GREEN", "BLUE"};
  static const uint64_t color_values[] = {0, 5, 6};
  bw_test_c_enum(d, "Color", 4, "unsigned int", colors, color_values, 3);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = BW_LAID_OUT_SIZE;
  n->align = 8;
  bw_test_field(d, st, "a", bw_draft_type(d, BW_KIND_U8), 0);
  bw_test_field(d, st, "b", bw_draft_type(d, BW_KIND_I16), 2);
  bw_test_bitfield(d, st, "c", bw_draft_type(d, BW_KIND_U8), 32, 3);
  bw_test_bitfield(d, st, "d", bw_draft_type(d, BW_KIND_I8), 35, 5);
  bw_test_bitfield(d, st, "e", bw_draft_type(d, BW_KIND_BOOL), 40, 1);
  bw_test_bitfield(d, st, "f", bw_draft_type(d, BW_KIND_U32), 41, 20);
  bw_test_field(d, st, "color", bw_draft_ref(d, "Color"), 12);
  bw_test_field(d, st, "name", bw_draft_data_fixed(d, 5), 16);
  bw_test_field(d, st, "arr", bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_I16), 3), 22);
  bw_test_field(d, st, "x", bw_draft_type(d, BW_KIND_F64), 32);
  bw_test_field(d, st, "items", bw_draft_list(d, bw_draft_type(d, BW_KIND_U16)), 40)->flags =
      BW_FIELD_FLEXIBLE;
  bw_draft_add_type(d, type_name, st);
  bw_schema *s = NULL;
  if (bw_draft_validate(d, NULL, &s, NULL) != 0) return NULL;
  return s;
}

#endif

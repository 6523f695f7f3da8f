/* libFuzzer target: BARE messages (untrusted bytes) decoded into native memory with
 * bw_view_decode, for a record with every native construct the decoder handles: padding,
 * bitfields (unsigned, signed, bool), an enum, a char array, a fixed array, a float, and a
 * flexible array member, in little-endian and in big-endian layout.
 *
 * Input: byte 0 picks the layout (bit 0: big-endian) and the room left for flexible-array
 * elements (bits 1-4: 0..15 elements); the rest is the message. Invariants checked (abort on
 * violation):
 *   - an error leaves the memory exactly as it was (nothing is written on error) and sets the
 *     error's code;
 *   - success consumes the whole message, zeroes the padding, and encoding the memory again
 *     gives back exactly the message (decode/encode round trip);
 *   - nothing is read or written outside the region (ASan: the region is a heap block of
 *     exactly its size);
 *   - the message bytes taken as native memory either encode (and then decode and encode back
 *     to the same message) or are refused with an error at an offset inside them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/memory.h"
#include "barewire/schema.h"

#define REC_SIZE 40u
#define ELEM_SIZE 2u

static bw_field *field(bw_draft *d, bw_type *st, const char *name, bw_type *t, uint64_t off) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  f->offset = off;
  f->c_name = name;
  return f;
}

static void bitfield(bw_draft *d, bw_type *st, const char *name, bw_type *t, uint64_t bit,
                     uint32_t width) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  f->flags = BW_FIELD_BITFIELD;
  f->bit_offset = bit;
  f->bit_width = width;
  f->offset = bit / 8;
  f->c_name = name;
}

/* struct rec {
 *   uint8_t a;            // 0, then 1 byte of padding
 *   int16_t b;            // 2
 *   unsigned c : 3;       // bit 32
 *   int d : 5;            // bit 35
 *   _Bool e : 1;          // bit 40
 *   unsigned f : 20;      // bit 41
 *   enum color color;     // 12 (4 bytes: RED 0, GREEN 5, BLUE 6)
 *   char name[5];         // 16, then 1 byte of padding
 *   int16_t arr[3];       // 22, then 4 bytes of padding
 *   double x;             // 32
 *   uint16_t items[];     // 40
 * }; */
static bw_schema *make_schema(int big_endian) {
  bw_draft *d = bw_draft_new();
  if (!d) return NULL;
  if (big_endian) bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0);
  bw_type *color = bw_draft_type(d, BW_KIND_ENUM);
  bw_draft_add_enum_member(d, color, "RED", 1, 0);
  bw_draft_add_enum_member(d, color, "GREEN", 1, 5);
  bw_draft_add_enum_member(d, color, "BLUE", 1, 6);
  bw_native *cn = bw_draft_native(d, color);
  cn->size = 4;
  cn->align = 4;
  cn->flags = BW_NATIVE_C_ENUM;
  cn->underlying = "unsigned int";
  bw_draft_add_type(d, "Color", color);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = REC_SIZE;
  n->align = 8;
  field(d, st, "a", bw_draft_type(d, BW_KIND_U8), 0);
  field(d, st, "b", bw_draft_type(d, BW_KIND_I16), 2);
  bitfield(d, st, "c", bw_draft_type(d, BW_KIND_U8), 32, 3);
  bitfield(d, st, "d", bw_draft_type(d, BW_KIND_I8), 35, 5);
  bitfield(d, st, "e", bw_draft_type(d, BW_KIND_BOOL), 40, 1);
  bitfield(d, st, "f", bw_draft_type(d, BW_KIND_U32), 41, 20);
  field(d, st, "color", bw_draft_ref(d, "Color"), 12);
  field(d, st, "name", bw_draft_data_fixed(d, 5), 16);
  field(d, st, "arr", bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_I16), 3), 22);
  field(d, st, "x", bw_draft_type(d, BW_KIND_F64), 32);
  field(d, st, "items", bw_draft_list(d, bw_draft_type(d, BW_KIND_U16)), 40)->flags =
      BW_FIELD_FLEXIBLE;
  bw_draft_add_type(d, "Rec", st);
  bw_schema *s = NULL;
  if (bw_draft_validate(d, NULL, &s, NULL) != 0) return NULL;
  return s;
}

/* Bytes of struct rec that no field covers. */
static const unsigned padding[] = {1, 21, 28, 29, 30, 31};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bw_schema *schemas[2];
  if (!schemas[0]) {
    schemas[0] = make_schema(0);
    schemas[1] = make_schema(1);
    if (!schemas[0] || !schemas[1]) abort();
  }
  if (size < 1) return 0;
  const bw_schema *s = schemas[data[0] & 1];
  size_t room = ((data[0] >> 1) & 15u) * ELEM_SIZE;
  size_t len = REC_SIZE + room;
  uint8_t *mem = malloc(len), *before = malloc(len);
  if (!mem || !before) abort();
  memset(mem, 0xa5, len);
  memcpy(before, mem, len);
  bw_region r;
  bw_view v;
  if (bw_region_init_writable(&r, mem, len, NULL) || bw_view_init(&v, s, "Rec", &r, 0, NULL))
    abort();
  const uint8_t *msg = data + 1;
  size_t msg_len = size - 1;
  size_t consumed = 0;
  uint64_t count = 0;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_decode(&v, msg, msg_len, NULL, &consumed, &count, &err);
  if (rc != 0) {
    if (err.code != rc || memcmp(mem, before, len) != 0) abort();
  } else {
    if (consumed != msg_len || count * ELEM_SIZE > room) abort();
    for (size_t i = 0; i < sizeof padding / sizeof padding[0]; i++)
      if (mem[padding[i]] != 0) abort();
    bw_native_options o = {0};
    o.flex_count = count;
    uint8_t *again = NULL;
    size_t again_len = 0;
    if (bw_view_encode(&v, &o, &again, &again_len, NULL) != 0) abort();
    if (again_len != msg_len || memcmp(again, msg, msg_len) != 0) abort();
    free(again);
  }
  free(mem);
  free(before);

  /* The other direction: the same bytes taken as native memory (any contents: invalid bools
   * and enums must be refused, not crash), encoded with as many flexible-array elements as fit;
   * a message that encodes must decode back to memory that encodes to the same message. */
  if (msg_len >= REC_SIZE) {
    uint8_t *native = malloc(msg_len);
    if (!native) abort();
    memcpy(native, msg, msg_len);
    if (bw_region_init_readonly(&r, native, msg_len, NULL) ||
        bw_view_init(&v, s, "Rec", &r, 0, NULL))
      abort();
    bw_native_options o = {0};
    o.flex_count = (msg_len - REC_SIZE) / ELEM_SIZE;
    uint8_t *enc = NULL, *again = NULL;
    size_t enc_len = 0, again_len = 0;
    bw_error_clear(&err);
    rc = bw_view_encode(&v, &o, &enc, &enc_len, &err);
    if (rc != 0) {
      if (err.code != rc || err.offset >= msg_len) abort();
    } else {
      uint8_t *copy = malloc(msg_len);
      bw_region cr;
      bw_view cv;
      if (!copy || bw_region_init_writable(&cr, copy, msg_len, NULL) ||
          bw_view_init(&cv, s, "Rec", &cr, 0, NULL) ||
          bw_view_decode(&cv, enc, enc_len, NULL, NULL, &count, NULL) != 0 ||
          count != o.flex_count || bw_view_encode(&cv, &o, &again, &again_len, NULL) != 0 ||
          again_len != enc_len || memcmp(again, enc, enc_len) != 0)
        abort();
      free(copy);
    }
    free(enc);
    free(again);
    free(native);
  }
  return 0;
}

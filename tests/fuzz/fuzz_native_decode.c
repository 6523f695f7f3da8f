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
 *     to the same message) or are refused with an error at an offset inside them.
 * With bit 5 of byte 0 set, the input goes instead to two records without bitfields or
 * flexible arrays in the host's natural layout (the plans' flat programs and wide encode),
 * decoded and encoded as arrays of one to four records (bits 6-7) with bw_view_decode_array /
 * bw_view_encode_array and with single calls, which must agree in everything; bit 3 then picks
 * a record of varints instead (`uint` and `int` held as uint64_t and int64_t: overlong,
 * truncated and oversized varints must be refused, good ones round-trip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/laid_out_record.h"
#include "barewire/memory.h"
#include "barewire/schema.h"

#define REC_SIZE BW_LAID_OUT_SIZE
#define ELEM_SIZE 2u

/* struct rec of tests/common/laid_out_record.h (bitfields, an enum, padding, a flexible
 * array), shared with the plan's differential unit test. */
static bw_schema *make_schema(int big_endian) {
  return bw_test_laid_out_schema("Rec", big_endian);
}

/* Bytes of struct rec that no field covers. */
static const unsigned padding[] = {1, 21, 28, 29, 30, 31};

/* Records without bitfields or flexible arrays, in the host's natural layout: the flat
 * programs of the plans (and, for Wire, whose enum members are all below 64, the wide
 * encode), single and through the array calls. */
static const char *flat_text =
    "type Color enum { RED GREEN BLUE = 63 }\n"
    "type Wide enum { A = 3 B = 64 C = 300 }\n"
    "type Flat struct { a: u8  b: i16  c: u32  color: Color  ok: bool  two: list<bool>[2]  d: "
    "u64  x: f32  w: Wide }\n"
    "type Wire struct { id: u32  ok: bool  color: Color  pts: list<i16>[4]  w: f64  bits: "
    "list<bool>[3] }\n"
    "type Varints struct { a: u8  id: uint  d: int  ok: bool  ids: list<int>[2] }\n";

/* Decodes msg as n records of type name with bw_view_decode_array and with n single calls
 * (each on the rest of the input, trailing bytes allowed), over the same garbage: the same
 * code, offset, counts and memory. On success the array encodes back to the same bytes. Then
 * the message bytes taken as n records encode the same way through both. */
static void flat_case(const bw_schema *s, const char *name, unsigned n, const uint8_t *msg,
                      size_t msg_len) {
  bw_region r;
  bw_view v;
  uint8_t probe[512];
  if (bw_region_init_writable(&r, probe, sizeof probe, NULL) ||
      bw_view_init(&v, s, name, &r, 0, NULL))
    abort();
  size_t rec = (size_t)v.size, len = rec * n;
  uint8_t *a = malloc(len), *b = malloc(len);
  if (!a || !b) abort();
  for (size_t i = 0; i < len; i++) a[i] = b[i] = (uint8_t)(i * 37 + 11);
  /* the single calls */
  bw_error eb;
  bw_error_clear(&eb);
  size_t pos = 0;
  uint64_t done = 0;
  int rb = 0;
  bw_native_options one = {0};
  one.allow_trailing = 1;
  for (; done < n; done++) {
    size_t used = 0;
    if (bw_region_init_writable(&r, b, len, NULL) ||
        bw_view_init(&v, s, name, &r, done * rec, NULL))
      abort();
    rb = bw_view_decode(&v, msg + pos, msg_len - pos, &one, &used, NULL, &eb);
    if (rb) {
      eb.offset += pos;
      break;
    }
    pos += used;
  }
  if (!rb && pos != msg_len) {
    rb = bw_error_set(&eb, BW_ETRAILING, pos, "trailing");
    eb.offset = pos;
  }
  /* the array call */
  bw_error ea;
  bw_error_clear(&ea);
  uint64_t adone = 99;
  size_t aused = 99;
  if (bw_region_init_writable(&r, a, len, NULL) || bw_view_init(&v, s, name, &r, 0, NULL)) abort();
  int ra = bw_view_decode_array(&v, n, msg, msg_len, NULL, &adone, &aused, &ea);
  if (ra != rb || ea.code != eb.code || ea.offset != eb.offset || adone != done ||
      (ra != BW_ETRAILING && aused != pos) || memcmp(a, b, len) != 0)
    abort();
  if (ra == 0) {
    uint8_t *out = malloc(msg_len + 1);
    size_t out_len = 0;
    if (!out || bw_view_encode_array(&v, n, out, msg_len + 1, &out_len, NULL, NULL) != 0 ||
        out_len != msg_len || memcmp(out, msg, msg_len) != 0)
      abort();
    free(out);
  }
  free(a);
  free(b);
  /* the bytes as records: encode through both */
  if (msg_len < len) return;
  uint8_t *native = malloc(len), *o1 = malloc(64 * n + 1), *o2 = malloc(64 * n + 1);
  if (!native || !o1 || !o2) abort();
  memcpy(native, msg, len);
  if (bw_region_init_readonly(&r, native, len, NULL)) abort();
  size_t p1 = 0;
  bw_error e1, e2;
  bw_error_clear(&e1);
  bw_error_clear(&e2);
  int r1 = 0;
  for (unsigned i = 0; i < n && !r1; i++) {
    size_t k = 0;
    if (bw_view_init(&v, s, name, &r, i * rec, NULL)) abort();
    r1 = bw_view_encode_to(&v, NULL, o1 + p1, 64 * n + 1 - p1, &k, &e1);
    p1 += k;
  }
  size_t p2 = 0;
  if (bw_view_init(&v, s, name, &r, 0, NULL)) abort();
  int r2 = bw_view_encode_array(&v, n, o2, 64 * n + 1, &p2, NULL, &e2);
  if (r1 != r2 || e1.code != e2.code || e1.offset != e2.offset ||
      (!r1 && (p1 != p2 || memcmp(o1, o2, p1) != 0)))
    abort();
  free(native);
  free(o1);
  free(o2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bw_schema *schemas[2], *flat;
  if (!schemas[0]) {
    schemas[0] = make_schema(0);
    schemas[1] = make_schema(1);
    if (!schemas[0] || !schemas[1] ||
        bw_schema_parse(flat_text, strlen(flat_text), NULL, &flat, NULL) != 0)
      abort();
  }
  if (size < 1) return 0;
  if (data[0] & 0x20) {
    /* bit 5: the flat records; bits 3 and 4: which; bits 6-7: one to four records */
    const char *name = data[0] & 0x08 ? "Varints" : data[0] & 0x10 ? "Wire" : "Flat";
    flat_case(flat, name, 1 + (data[0] >> 6), data + 1, size - 1);
    return 0;
  }
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

/* Check suite for src/memory over every C construct of docs/model.md: bitfields (signed,
 * unsigned, _Bool, wider than 32 bits), a packed record, anonymous struct and union members, a
 * C union, a flexible array member, pointers, a big-endian record read on this host, and
 * struct stat filled by stat(2). Compiled C code fills and reads every structure. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_memory_fixtures.h"

static bw_view at(const bw_view *v, const char *path) {
  bw_view out;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_at(v, path, &out, &err);
  if (rc) fprintf(stderr, "%s: %s\n", path, err.message);
  ck_assert_int_eq(rc, 0);
  return out;
}

static int64_t get_i(const bw_view *v, const char *path) {
  bw_view f = at(v, path);
  int64_t x;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_get_int64(&f, &x, &err);
  if (rc) fprintf(stderr, "%s: %s\n", path, err.message);
  ck_assert_int_eq(rc, 0);
  return x;
}

static uint64_t get_u(const bw_view *v, const char *path) {
  bw_view f = at(v, path);
  uint64_t x;
  ck_assert_int_eq(bw_view_get_uint64(&f, &x, NULL), 0);
  return x;
}

/* ---- bitfields ----------------------------------------------------------------------- */

START_TEST(bitfields_read_and_write_as_c_does) {
  bw_schema *s = tm_host_schema();
  struct tm_bits c;
  memset(&c, 0, sizeof c);
  c.a = 5;
  c.b = -11;
  c.c = 4000;
  c.d = -64;
  c.e = 1;
  c.f = 0xabcdef1234ull;
  c.g = -4000000;
  c.tail = 0x5a;
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "Bits", &r, 0, NULL), 0);
  /* typed reads with the wire type of each bitfield */
  uint8_t u8;
  int8_t i8;
  uint16_t u16;
  uint64_t u64;
  int32_t i32;
  int b;
  f = at(&v, "a");
  ck_assert_uint_eq(f.bit_width, 3);
  ck_assert_int_eq(bw_view_get_u8(&f, &u8, NULL), 0);
  ck_assert_uint_eq(u8, c.a);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_get_i8(&f, &i8, NULL), 0);
  ck_assert_int_eq(i8, c.b); /* sign-extended from 5 bits */
  f = at(&v, "c");
  ck_assert_int_eq(bw_view_get_u16(&f, &u16, NULL), 0);
  ck_assert_uint_eq(u16, c.c);
  f = at(&v, "d");
  ck_assert_int_eq(bw_view_get_i8(&f, &i8, NULL), 0);
  ck_assert_int_eq(i8, c.d);
  f = at(&v, "e");
  ck_assert_int_eq(bw_view_get_bool(&f, &b, NULL), 0);
  ck_assert_int_eq(b, c.e);
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_get_u64(&f, &u64, NULL), 0);
  ck_assert_uint_eq(u64, c.f);
  f = at(&v, "g");
  ck_assert_int_eq(bw_view_get_i32(&f, &i32, NULL), 0);
  ck_assert_int_eq(i32, c.g);
  ck_assert_uint_eq(get_u(&v, "tail"), c.tail);

  /* writes: the extreme values that fit, then C reads them and the neighbours are intact */
  f = at(&v, "a");
  ck_assert_int_eq(bw_view_set_u8(&f, 7, NULL), 0);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_i8(&f, -16, NULL), 0);
  f = at(&v, "c");
  ck_assert_int_eq(bw_view_set_u16(&f, 4095, NULL), 0);
  f = at(&v, "d");
  ck_assert_int_eq(bw_view_set_i8(&f, 63, NULL), 0);
  f = at(&v, "e");
  ck_assert_int_eq(bw_view_set_bool(&f, 0, NULL), 0);
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_set_u64(&f, (1ull << 40) - 1, NULL), 0);
  f = at(&v, "g");
  ck_assert_int_eq(bw_view_set_i32(&f, -(1 << 22), NULL), 0);
  ck_assert_uint_eq(c.a, 7);
  ck_assert_int_eq(c.b, -16);
  ck_assert_uint_eq(c.c, 4095);
  ck_assert_int_eq(c.d, 63);
  ck_assert_int_eq(c.e, 0);
  ck_assert_uint_eq(c.f, (1ull << 40) - 1);
  ck_assert_int_eq(c.g, -(1 << 22));
  ck_assert_uint_eq(c.tail, 0x5a);

  /* values that do not fit are refused and change nothing */
  bw_error err;
  f = at(&v, "a");
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_set_u8(&f, 8, &err), BW_ERANGE);
  ck_assert(strstr(err.message, "bitfield") != NULL);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_i8(&f, 16, NULL), BW_ERANGE);
  ck_assert_int_eq(bw_view_set_i8(&f, -17, NULL), BW_ERANGE);
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_set_u64(&f, 1ull << 40, NULL), BW_ERANGE);
  f = at(&v, "g");
  ck_assert_int_eq(bw_view_set_int64(&f, 1 << 22, NULL), BW_ERANGE);
  ck_assert_uint_eq(c.a, 7);
  ck_assert_int_eq(c.b, -16);
  ck_assert_uint_eq(c.f, (1ull << 40) - 1);
  ck_assert_int_eq(c.g, -(1 << 22));

  /* accessors take the general path for bitfields */
  bw_accessor ab, ag;
  ck_assert_int_eq(bw_accessor_compile(&ab, s, "Bits", "b", NULL), 0);
  ck_assert_int_eq(ab.plain, 0);
  ck_assert_int_eq(bw_accessor_get_i8(&ab, &v, &i8, NULL), 0);
  ck_assert_int_eq(i8, -16);
  ck_assert_int_eq(bw_accessor_compile(&ag, s, "Bits", "g", NULL), 0);
  ck_assert_int_eq(bw_accessor_get_i32(&ag, &v, &i32, NULL), 0);
  ck_assert_int_eq(i32, -(1 << 22));
  bw_schema_free(s);
}
END_TEST

/* ---- packed ---------------------------------------------------------------------------- */

START_TEST(packed_fields_read_unaligned) {
  bw_schema *s = tm_host_schema();
  /* Placed at an odd address so every multi-byte field is misaligned. */
  unsigned char buf[sizeof(struct tm_packed) + 1];
  struct tm_packed c;
  memset(&c, 0, sizeof c);
  c.a = 0x11;
  c.b = 0x22334455;
  c.c = 0x6677;
  c.d = -3.75;
  c.e = -1234567890123LL;
  c.f = 100;
  c.g = 99999;
  memset(buf, 0, sizeof buf);
  memcpy(buf + 1, &c, sizeof c);
  bw_region r = tm_region(buf, sizeof buf, 1);
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Packed", &r, 1, NULL), 0);
  ck_assert_uint_eq(get_u(&v, "a"), c.a);
  ck_assert_uint_eq(get_u(&v, "b"), c.b);
  ck_assert_uint_eq(get_u(&v, "c"), c.c);
  ck_assert_int_eq(get_i(&v, "e"), c.e);
  ck_assert_uint_eq(get_u(&v, "f"), c.f);
  ck_assert_uint_eq(get_u(&v, "g"), c.g);
  double d;
  bw_view f = at(&v, "d");
  ck_assert_int_eq(bw_view_get_f64(&f, &d, NULL), 0);
  ck_assert(d == c.d);
  bw_accessor ab;
  ck_assert_int_eq(bw_accessor_compile(&ab, s, "Packed", "b", NULL), 0);
  ck_assert_uint_eq(ab.offset, offsetof(struct tm_packed, b));
  uint32_t b;
  ck_assert_int_eq(bw_accessor_get_u32(&ab, &v, &b, NULL), 0);
  ck_assert_uint_eq(b, 0x22334455);

  /* every field written through the view, then read by C */
  f = at(&v, "a");
  ck_assert_int_eq(bw_view_set_u8(&f, 0xee, NULL), 0);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_u32(&f, 0xcafef00d, NULL), 0);
  f = at(&v, "c");
  ck_assert_int_eq(bw_view_set_u16(&f, 0xbeef, NULL), 0);
  f = at(&v, "d");
  ck_assert_int_eq(bw_view_set_f64(&f, 0.5, NULL), 0);
  f = at(&v, "e");
  ck_assert_int_eq(bw_view_set_i64(&f, INT64_MIN + 1, NULL), 0);
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_set_u8(&f, 127, NULL), 0);
  f = at(&v, "g");
  ck_assert_int_eq(bw_view_set_u32(&f, (1u << 17) - 1, NULL), 0);
  ck_assert_int_eq(bw_view_set_u32(&f, 1u << 17, NULL), BW_ERANGE);
  memcpy(&c, buf + 1, sizeof c);
  ck_assert_uint_eq(c.a, 0xee);
  ck_assert_uint_eq(c.b, 0xcafef00d);
  ck_assert_uint_eq(c.c, 0xbeef);
  ck_assert(c.d == 0.5);
  ck_assert_int_eq(c.e, INT64_MIN + 1);
  ck_assert_uint_eq(c.f, 127);
  ck_assert_uint_eq(c.g, (1u << 17) - 1);
  ck_assert_uint_eq(buf[0], 0); /* the byte before the record is untouched */
  bw_schema_free(s);
}
END_TEST

/* A packed bitfield spread over nine bytes: bits 3..64. */
struct __attribute__((packed)) tm_span9 {
  unsigned char a : 3;
  unsigned long long b : 62;
  unsigned char c;
};

START_TEST(packed_bitfield_over_nine_bytes) {
  bw_draft *d = bw_draft_new();
  bw_type *st = tm_record(d, "Span9", "struct tm_span9", sizeof(struct tm_span9),
                          _Alignof(struct tm_span9), BW_NATIVE_PACKED);
  TM_BITFIELD(d, st, struct tm_span9, a, bw_draft_type(d, BW_KIND_U8));
  TM_BITFIELD(d, st, struct tm_span9, b, bw_draft_type(d, BW_KIND_U64));
  TM_FIELD(d, st, struct tm_span9, c, bw_draft_type(d, BW_KIND_U8));
  bw_schema *s = tm_validate(d);
  struct tm_span9 c;
  memset(&c, 0, sizeof c);
  c.a = 6;
  c.b = 0x2aaaaaaaaaaaaaabull; /* 62 bits, alternating, so every byte differs */
  c.c = 0x77;
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "Span9", &r, 0, NULL), 0);
  f = at(&v, "b");
  ck_assert_uint_eq(f.size, 9);
  ck_assert_uint_eq(get_u(&v, "a"), 6);
  ck_assert_uint_eq(get_u(&v, "b"), c.b);
  ck_assert_uint_eq(get_u(&v, "c"), 0x77);
  ck_assert_int_eq(bw_view_set_u64(&f, 0x3fffffff00000001ull, NULL), 0);
  ck_assert_uint_eq(c.b, 0x3fffffff00000001ull);
  ck_assert_uint_eq(c.a, 6);
  ck_assert_uint_eq(c.c, 0x77);
  ck_assert_int_eq(bw_view_set_u64(&f, 1ull << 62, NULL), BW_ERANGE);
  /* and through the wire: a u8, a u64, a u8 */
  uint8_t msg[16];
  size_t len;
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, msg, sizeof msg, &len, NULL), 0);
  ck_assert_uint_eq(len, 10);
  struct tm_span9 back;
  memset(&back, 0xff, sizeof back);
  bw_region br = tm_region(&back, sizeof back, 1);
  bw_view bv;
  ck_assert_int_eq(bw_view_init(&bv, s, "Span9", &br, 0, NULL), 0);
  ck_assert_int_eq(bw_view_decode(&bv, msg, len, NULL, NULL, NULL, NULL), 0);
  ck_assert(memcmp(&back, &c, sizeof c) == 0);
  bw_schema_free(s);

  /* The same bit positions on a big-endian target: the first bit is the most significant. */
  d = bw_draft_new();
  bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0);
  st = tm_record(d, "Span9", "struct tm_span9", 10, 1, BW_NATIVE_PACKED);
  bw_field *fa = bw_draft_add_field(d, st, "a", bw_draft_type(d, BW_KIND_U8));
  fa->flags = BW_FIELD_BITFIELD, fa->bit_offset = 0, fa->bit_width = 3;
  bw_field *fb = bw_draft_add_field(d, st, "b", bw_draft_type(d, BW_KIND_U64));
  fb->flags = BW_FIELD_BITFIELD, fb->bit_offset = 3, fb->bit_width = 62;
  tm_field(d, st, "c", bw_draft_type(d, BW_KIND_U8), 9);
  s = tm_validate(d);
  uint8_t be[10] = {0};
  bw_region ber = tm_region(be, sizeof be, 1);
  ck_assert_int_eq(bw_view_init(&v, s, "Span9", &ber, 0, NULL), 0);
  f = at(&v, "a");
  ck_assert_int_eq(bw_view_set_u8(&f, 6, NULL), 0);
  ck_assert_uint_eq(be[0], 0xc0); /* 110x xxxx */
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_u64(&f, 1, NULL), 0); /* the last bit: bit 64 */
  ck_assert_uint_eq(be[8], 0x80);
  ck_assert_int_eq(bw_view_set_u64(&f, 1ull << 61, NULL), 0); /* the first bit: bit 3 */
  ck_assert_uint_eq(be[0], 0xd0);                             /* 110 1 0000 */
  ck_assert_uint_eq(be[8], 0x00);
  ck_assert_uint_eq(get_u(&v, "b"), 1ull << 61);
  ck_assert_uint_eq(get_u(&v, "a"), 6);
  memset(be, 0, sizeof be);
  be[4] = 0xff; /* record bits 32..39 hold value bits 32..25 of b (bit 64 is its bit 0) */
  ck_assert_uint_eq(get_u(&v, "b"), 0xffull << 25);
  bw_schema_free(s);
}
END_TEST

/* ---- anonymous members and C unions ---------------------------------------------------- */

START_TEST(anonymous_members_by_their_c_names) {
  bw_schema *s = tm_host_schema();
  struct tm_anon c;
  memset(&c, 0, sizeof c);
  c.kind = 3;
  c.lo = 0x1234;
  c.hi = 0xfedc;
  c.p = 9;
  c.q = 10;
  c.last = 77;
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Anon", &r, 0, NULL), 0);
  ck_assert_int_eq(get_i(&v, "kind"), 3);
  ck_assert_uint_eq(get_u(&v, "lo"), 0x1234);
  ck_assert_uint_eq(get_u(&v, "hi"), 0xfedc);
  ck_assert_int_eq(get_i(&v, "i"), c.i); /* the same bytes through another member */
  ck_assert_uint_eq(get_u(&v, "p"), 9);
  ck_assert_uint_eq(get_u(&v, "q"), 10);
  ck_assert_uint_eq(get_u(&v, "last"), 77);
  /* BARE names reach the same places */
  ck_assert_uint_eq(get_u(&v, "anon0.anon0.hi"), 0xfedc);
  ck_assert_uint_eq(get_u(&v, "anon1.q"), 10);
  float fl;
  bw_view f = at(&v, "f");
  ck_assert_int_eq(bw_view_get_f32(&f, &fl, NULL), 0);
  ck_assert(memcmp(&fl, &c.f, sizeof fl) == 0);
  /* writes: every member, C reads each back */
  f = at(&v, "kind");
  ck_assert_int_eq(bw_view_set_i32(&f, -9, NULL), 0);
  ck_assert_int_eq(c.kind, -9);
  f = at(&v, "i");
  ck_assert_int_eq(bw_view_set_i32(&f, 0x10002, NULL), 0);
  ck_assert_int_eq(c.i, 0x10002);
  ck_assert_uint_eq(c.lo, 2); /* the same bytes, as C sees them through the other members */
  ck_assert_uint_eq(c.hi, 1);
  f = at(&v, "lo");
  ck_assert_int_eq(bw_view_set_u16(&f, 7, NULL), 0);
  ck_assert_uint_eq(c.lo, 7);
  f = at(&v, "hi");
  ck_assert_int_eq(bw_view_set_u16(&f, 1, NULL), 0);
  f = at(&v, "p");
  ck_assert_int_eq(bw_view_set_u8(&f, 100, NULL), 0);
  f = at(&v, "q");
  ck_assert_int_eq(bw_view_set_u8(&f, 200, NULL), 0);
  f = at(&v, "last");
  ck_assert_int_eq(bw_view_set_u32(&f, 4000000000u, NULL), 0);
  ck_assert_uint_eq(c.hi, 1);
  ck_assert_uint_eq(c.p, 100);
  ck_assert_uint_eq(c.q, 200);
  ck_assert_uint_eq(c.last, 4000000000u);
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_set_f32(&f, 2.5f, NULL), 0);
  ck_assert(c.f == 2.5f);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_at(&v, "lox", &f, &err), BW_ENOTFOUND);
  ck_assert(strstr(err.message, "Anon (struct tm_anon) has no member 'lox'") != NULL);
  bw_schema_free(s);
}
END_TEST

START_TEST(c_union_members_overlay) {
  bw_schema *s = tm_host_schema();
  union tm_cu c;
  c.u = 0x3f800000u; /* 1.0f */
  bw_region r = tm_region(&c, sizeof c, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "Cu", &r, 0, NULL), 0);
  ck_assert_int_eq(bw_view_kind(&v), BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(get_u(&v, "u"), c.u);
  float fl;
  f = at(&v, "f");
  ck_assert_int_eq(bw_view_get_f32(&f, &fl, NULL), 0);
  ck_assert(fl == c.f);
  ck_assert_int_eq(get_i(&v, "h[1]"), c.h[1]);
  const uint8_t *bytes;
  size_t len;
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_get_bytes(&f, &bytes, &len, NULL), 0);
  ck_assert_uint_eq(len, 4);
  ck_assert(memcmp(bytes, c.b, 4) == 0);
  /* the whole union is its bytes */
  ck_assert_int_eq(bw_view_get_bytes(&v, &bytes, &len, NULL), 0);
  ck_assert_uint_eq(len, sizeof c);
  f = at(&v, "h[0]");
  ck_assert_int_eq(bw_view_set_i16(&f, -2, NULL), 0);
  ck_assert_int_eq(c.h[0], -2);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_bytes(&f, "\x01\x02\x03\x04", 4, NULL), 0);
  ck_assert_uint_eq(c.b[3], 4);
  ck_assert_int_eq(bw_view_set_bytes(&f, "\x01\x02\x03\x04\x05", 5, NULL), BW_ERANGE);
  bw_schema_free(s);
}
END_TEST

/* ---- flexible arrays ------------------------------------------------------------------ */

START_TEST(flexible_array_bounded_by_the_region) {
  bw_schema *s = tm_host_schema();
  size_t size = sizeof(struct tm_flex) + 5 * sizeof(int32_t);
  struct tm_flex *c = calloc(1, size);
  ck_assert_ptr_nonnull(c);
  c->n = 5;
  c->tag = 0xbeef;
  for (int k = 0; k < 5; k++) c->items[k] = -k * 1000;
  bw_region r = tm_region(c, size, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "Flex", &r, 0, NULL), 0);
  ck_assert_uint_eq(get_u(&v, "n"), 5);
  ck_assert_uint_eq(get_u(&v, "tag"), 0xbeef);
  for (int k = 0; k < 5; k++) {
    char path[32];
    snprintf(path, sizeof path, "items[%d]", k);
    ck_assert_int_eq(get_i(&v, path), c->items[k]);
  }
  f = at(&v, "items");
  ck_assert_uint_eq(bw_view_length(&f), 5);
  f = at(&v, "items[4]");
  ck_assert_int_eq(bw_view_set_i32(&f, 123, NULL), 0);
  ck_assert_int_eq(c->items[4], 123);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_at(&v, "items[5]", &f, &err), BW_ERANGE);
  ck_assert_uint_eq(err.column, 7);
  ck_assert(strstr(err.message, "beyond the end") != NULL);
  /* an accessor compiled for items[4] reads it when the memory holds it, not otherwise */
  bw_accessor a4;
  int32_t x;
  ck_assert_int_eq(bw_accessor_compile(&a4, s, "Flex", "items[4]", NULL), 0);
  ck_assert_int_eq(bw_accessor_get_i32(&a4, &v, &x, NULL), 0);
  ck_assert_int_eq(x, 123);
  bw_region shorter = tm_region(c, size - 1, 0);
  bw_view vs;
  ck_assert_int_eq(bw_view_init(&vs, s, "Flex", &shorter, 0, NULL), 0);
  ck_assert_int_eq(bw_accessor_get_i32(&a4, &vs, &x, NULL), BW_ERANGE);
  uint64_t native;
  ck_assert_int_eq(bw_view_native_size(&v, 5, &native, NULL), 0);
  ck_assert_uint_eq(native, size);
  free(c);
  bw_schema_free(s);
}
END_TEST

/* ---- pointers ------------------------------------------------------------------------ */

START_TEST(pointers_deref_only_inside_supplied_memory) {
  bw_schema *s = tm_host_schema();
  struct tm_node nodes[3];
  memset(nodes, 0, sizeof nodes);
  for (int k = 0; k < 3; k++) nodes[k].value = 10 * (k + 1);
  nodes[0].next = &nodes[1];
  nodes[1].next = &nodes[2];
  nodes[2].next = NULL;
  bw_region r = tm_region(nodes, sizeof nodes, 1);
  bw_view v, next, pointee;
  ck_assert_int_eq(bw_view_init(&v, s, "Node", &r, 0, NULL), 0);
  next = at(&v, "next");
  uint64_t address;
  ck_assert_int_eq(bw_view_get_pointer(&next, &address, NULL), 0);
  ck_assert_uint_eq(address, (uint64_t)(uintptr_t)&nodes[1]);
  /* follow the list: the pointee's type comes from the field's C type "struct tm_node *" */
  int32_t seen[3];
  int count = 0;
  bw_view cur = v;
  for (;;) {
    seen[count++] = (int32_t)get_i(&cur, "value");
    next = at(&cur, "next");
    bw_error err;
    bw_error_clear(&err);
    int rc = bw_view_deref(&next, &r, NULL, &pointee, &err);
    if (rc) {
      ck_assert_int_eq(rc, BW_ERANGE);
      ck_assert(strstr(err.message, "NULL") != NULL);
      break;
    }
    cur = pointee;
  }
  ck_assert_int_eq(count, 3);
  ck_assert_int_eq(seen[2], 30);
  /* '->' in a path follows a pointer inside the view's region */
  ck_assert_int_eq(get_i(&v, "next->value"), 20);
  ck_assert_int_eq(get_i(&v, "next->next->value"), 30);
  bw_view far;
  bw_error perr;
  bw_error_clear(&perr);
  ck_assert_int_eq(bw_view_at(&v, "next->next->next->value", &far, &perr), BW_ERANGE);
  ck_assert_uint_eq(perr.column, 17); /* at the third '->': nodes[2].next is NULL */
  ck_assert(strstr(perr.message, "NULL pointer") != NULL);
  bw_error_clear(&perr);
  ck_assert_int_eq(bw_view_at(&v, "value->x", &far, &perr), BW_ETYPE);
  ck_assert_uint_eq(perr.column, 6);
  bw_error_clear(&perr);
  ck_assert_int_eq(bw_view_at(&v, "next->", &far, &perr), BW_ESYNTAX);
  ck_assert_uint_eq(perr.column, 7);
  bw_error_clear(&perr);
  ck_assert_int_eq(bw_view_at(&v, "next->nope", &far, &perr), BW_ENOTFOUND);
  ck_assert_uint_eq(perr.column, 7);
  bw_accessor acc;
  ck_assert_int_eq(bw_accessor_compile(&acc, s, "Node", "next->value", NULL), BW_ETYPE);

  /* a dump read elsewhere: same bytes, the region says where they lived */
  unsigned char copy[sizeof nodes];
  memcpy(copy, nodes, sizeof nodes);
  bw_region dump = tm_region(copy, sizeof copy, 0);
  bw_region_set_base_address(&dump, (uint64_t)(uintptr_t)nodes);
  ck_assert_int_eq(bw_view_init(&v, s, "Node", &dump, 0, NULL), 0);
  next = at(&v, "next");
  ck_assert_int_eq(bw_view_deref(&next, &dump, "Node", &pointee, NULL), 0);
  ck_assert_ptr_eq(pointee.base, copy + sizeof(struct tm_node));
  ck_assert_int_eq(get_i(&pointee, "value"), 20);
  /* memory the caller did not vouch for is never read */
  bw_region first_only = tm_region(nodes, sizeof nodes[0], 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Node", &first_only, 0, NULL), 0);
  next = at(&v, "next");
  ck_assert_int_eq(bw_view_deref(&next, &first_only, NULL, &pointee, NULL), BW_ERANGE);
  /* a pointer is not a plain u64 for deref purposes, and a plain field is not a pointer */
  bw_view value = at(&v, "value");
  ck_assert_int_eq(bw_view_get_pointer(&value, &address, NULL), BW_ETYPE);
  /* writing an address */
  ck_assert_int_eq(bw_view_init(&v, s, "Node", &r, 2 * sizeof nodes[0], NULL), 0);
  next = at(&v, "next");
  ck_assert_int_eq(bw_view_set_pointer(&next, (uint64_t)(uintptr_t)&nodes[0], NULL), 0);
  ck_assert_ptr_eq(nodes[2].next, &nodes[0]);
  bw_schema_free(s);
}
END_TEST

/* ---- big-endian ---------------------------------------------------------------------- */

/* Writes the bytes of v (width bytes) most significant first. */
static void put_be(unsigned char *p, uint64_t v, unsigned width) {
  for (unsigned i = 0; i < width; i++) p[i] = (unsigned char)(v >> (8 * (width - 1 - i)));
}
static uint64_t get_be(const unsigned char *p, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; i++) v = (v << 8) | p[i];
  return v;
}

static bw_schema *be_schema(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_int_eq(bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0), 0);
  bw_type *st = tm_record(d, "Be", "struct tm_be", sizeof(struct tm_be), _Alignof(struct tm_be), 0);
  TM_FIELD(d, st, struct tm_be, a, bw_draft_type(d, BW_KIND_U16));
  TM_FIELD(d, st, struct tm_be, b, bw_draft_type(d, BW_KIND_U32));
  TM_FIELD(d, st, struct tm_be, c, bw_draft_type(d, BW_KIND_I64));
  TM_FIELD(d, st, struct tm_be, d, bw_draft_type(d, BW_KIND_F64));
  TM_FIELD(d, st, struct tm_be, e, bw_draft_type(d, BW_KIND_F32));
  TM_FIELD(d, st, struct tm_be, f, bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_I16), 3));
  TM_FIELD(d, st, struct tm_be, g, bw_draft_type(d, BW_KIND_U8));
  TM_FIELD(d, st, struct tm_be, h, bw_draft_type(d, BW_KIND_I8));
  /* struct { unsigned a : 3; unsigned b : 9; int c : 4; } on s390x: bit offsets 0, 3, 12 in a
   * 4-byte unit, first field in the most significant bits. */
  bw_type *bits = tm_record(d, "BeBits", "struct be_bits", 4, 4, 0);
  bw_field *f = bw_draft_add_field(d, bits, "a", bw_draft_type(d, BW_KIND_U8));
  f->flags = BW_FIELD_BITFIELD, f->bit_offset = 0, f->bit_width = 3, f->offset = 0;
  f = bw_draft_add_field(d, bits, "b", bw_draft_type(d, BW_KIND_U16));
  f->flags = BW_FIELD_BITFIELD, f->bit_offset = 3, f->bit_width = 9, f->offset = 0;
  f = bw_draft_add_field(d, bits, "c", bw_draft_type(d, BW_KIND_I8));
  f->flags = BW_FIELD_BITFIELD, f->bit_offset = 12, f->bit_width = 4, f->offset = 1;
  return tm_validate(d);
}

/* The host struct in big-endian byte order, at the same offsets (s390x aligns these types as
 * x86-64 and aarch64 do). */
static void to_be(const struct tm_be *c, unsigned char *buf) {
  uint64_t bits;
  uint32_t bits32;
  memset(buf, 0, sizeof *c);
  put_be(buf + offsetof(struct tm_be, a), c->a, 2);
  put_be(buf + offsetof(struct tm_be, b), c->b, 4);
  put_be(buf + offsetof(struct tm_be, c), (uint64_t)c->c, 8);
  memcpy(&bits, &c->d, 8);
  put_be(buf + offsetof(struct tm_be, d), bits, 8);
  memcpy(&bits32, &c->e, 4);
  put_be(buf + offsetof(struct tm_be, e), bits32, 4);
  for (int k = 0; k < 3; k++) put_be(buf + offsetof(struct tm_be, f[k]), (uint16_t)c->f[k], 2);
  buf[offsetof(struct tm_be, g)] = c->g;
  buf[offsetof(struct tm_be, h)] = (unsigned char)c->h;
}

static void from_be(const unsigned char *buf, struct tm_be *c) {
  c->a = (uint16_t)get_be(buf + offsetof(struct tm_be, a), 2);
  c->b = (uint32_t)get_be(buf + offsetof(struct tm_be, b), 4);
  c->c = (int64_t)get_be(buf + offsetof(struct tm_be, c), 8);
  uint64_t bits = get_be(buf + offsetof(struct tm_be, d), 8);
  memcpy(&c->d, &bits, 8);
  uint32_t bits32 = (uint32_t)get_be(buf + offsetof(struct tm_be, e), 4);
  memcpy(&c->e, &bits32, 4);
  for (int k = 0; k < 3; k++) c->f[k] = (int16_t)get_be(buf + offsetof(struct tm_be, f[k]), 2);
  c->g = buf[offsetof(struct tm_be, g)];
  c->h = (int8_t)buf[offsetof(struct tm_be, h)];
}

START_TEST(big_endian_records_on_this_host) {
  bw_schema *s = be_schema();
  ck_assert_int_eq(bw_schema_big_endian(s), 1);
  struct tm_be c = {0xa1b2, 0xc3d4e5f6u, -0x123456789abcLL, -1.0e-300, 3.5f, {-1, 2, -300},
                    0xfe,   -5};
  unsigned char buf[sizeof c];
  to_be(&c, buf);
  bw_region r = tm_region(buf, sizeof buf, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "Be", &r, 0, NULL), 0);
  ck_assert_uint_eq(get_u(&v, "a"), c.a);
  ck_assert_uint_eq(get_u(&v, "b"), c.b);
  ck_assert_int_eq(get_i(&v, "c"), c.c);
  double d;
  float e;
  f = at(&v, "d");
  ck_assert_int_eq(bw_view_get_f64(&f, &d, NULL), 0);
  ck_assert(d == c.d);
  f = at(&v, "e");
  ck_assert_int_eq(bw_view_get_f32(&f, &e, NULL), 0);
  ck_assert(e == c.e);
  for (int k = 0; k < 3; k++) {
    char path[16];
    snprintf(path, sizeof path, "f[%d]", k);
    ck_assert_int_eq(get_i(&v, path), c.f[k]);
  }
  ck_assert_uint_eq(get_u(&v, "g"), c.g);
  ck_assert_int_eq(get_i(&v, "h"), c.h);
  bw_accessor ab;
  ck_assert_int_eq(bw_accessor_compile(&ab, s, "Be", "b", NULL), 0);
  ck_assert_int_eq(ab.plain, 0); /* a byte swap is needed */
  uint32_t b;
  ck_assert_int_eq(bw_accessor_get_u32(&ab, &v, &b, NULL), 0);
  ck_assert_uint_eq(b, c.b);

  /* writes land in big-endian order: C reads them after swapping back */
  f = at(&v, "a");
  ck_assert_int_eq(bw_view_set_u16(&f, 0x0102, NULL), 0);
  ck_assert_uint_eq(buf[offsetof(struct tm_be, a)], 0x01);
  f = at(&v, "c");
  ck_assert_int_eq(bw_view_set_i64(&f, -2, NULL), 0);
  f = at(&v, "d");
  ck_assert_int_eq(bw_view_set_f64(&f, 1.0 / 3.0, NULL), 0);
  f = at(&v, "e");
  ck_assert_int_eq(bw_view_set_f32(&f, -7.25f, NULL), 0);
  f = at(&v, "f[2]");
  ck_assert_int_eq(bw_view_set_i16(&f, 12345, NULL), 0);
  struct tm_be back;
  from_be(buf, &back);
  ck_assert_uint_eq(back.a, 0x0102);
  ck_assert_uint_eq(back.b, c.b);
  ck_assert_int_eq(back.c, -2);
  ck_assert(back.d == 1.0 / 3.0);
  ck_assert(back.e == -7.25f);
  ck_assert_int_eq(back.f[2], 12345);
  ck_assert_int_eq(back.f[1], 2);
  bw_schema_free(s);
}
END_TEST

START_TEST(big_endian_bitfields_first_field_most_significant) {
  bw_schema *s = be_schema();
  /* a = 5 (101), b = 0x1a5 (110100101), c = -3 (1101), then zero bits:
   * 1011 1010 | 0101 1101 | 0000 0000 | 0000 0000 */
  unsigned char buf[4] = {0xba, 0x5d, 0x00, 0x00};
  bw_region r = tm_region(buf, sizeof buf, 1);
  bw_view v, f;
  ck_assert_int_eq(bw_view_init(&v, s, "BeBits", &r, 0, NULL), 0);
  ck_assert_uint_eq(get_u(&v, "a"), 5);
  ck_assert_uint_eq(get_u(&v, "b"), 0x1a5);
  ck_assert_int_eq(get_i(&v, "c"), -3);
  f = at(&v, "b");
  ck_assert_int_eq(bw_view_set_u16(&f, 0x003, NULL), 0);
  /* 101 000000011 1101 -> 1010 0000 | 0011 1101 */
  ck_assert_uint_eq(buf[0], 0xa0);
  ck_assert_uint_eq(buf[1], 0x3d);
  f = at(&v, "c");
  ck_assert_int_eq(bw_view_set_i8(&f, 7, NULL), 0);
  ck_assert_uint_eq(buf[1], 0x37); /* 0011 0111: c = 0111 */
  ck_assert_int_eq(bw_view_set_i8(&f, 8, NULL), BW_ERANGE);
  bw_schema_free(s);
}
END_TEST

/* ---- struct stat ---------------------------------------------------------------------- */

START_TEST(struct_stat_from_stat2) {
  bw_schema *s = tm_stat_schema();
  struct stat st;
  ck_assert_int_eq(stat(BW_SOURCE_DIR "/CMakeLists.txt", &st), 0);
  bw_region r = tm_region(&st, sizeof st, 1);
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Stat", &r, 0, NULL), 0);
  ck_assert_uint_eq(get_u(&v, "st_dev"), (uint64_t)st.st_dev);
  ck_assert_uint_eq(get_u(&v, "st_ino"), (uint64_t)st.st_ino);
  ck_assert_uint_eq(get_u(&v, "st_mode"), (uint64_t)st.st_mode);
  ck_assert_uint_eq(get_u(&v, "st_nlink"), (uint64_t)st.st_nlink);
  ck_assert_uint_eq(get_u(&v, "st_uid"), (uint64_t)st.st_uid);
  ck_assert_uint_eq(get_u(&v, "st_gid"), (uint64_t)st.st_gid);
  ck_assert_uint_eq(get_u(&v, "st_rdev"), (uint64_t)st.st_rdev);
  ck_assert_int_eq(get_i(&v, "st_size"), (int64_t)st.st_size);
  ck_assert_int_eq(get_i(&v, "st_blksize"), (int64_t)st.st_blksize);
  ck_assert_int_eq(get_i(&v, "st_blocks"), (int64_t)st.st_blocks);
  ck_assert_int_eq(get_i(&v, "st_atim.tv_sec"), (int64_t)st.st_atim.tv_sec);
  ck_assert_int_eq(get_i(&v, "st_atim.tv_nsec"), (int64_t)st.st_atim.tv_nsec);
  ck_assert_int_eq(get_i(&v, "st_mtim.tv_sec"), (int64_t)st.st_mtim.tv_sec);
  ck_assert_int_eq(get_i(&v, "st_mtim.tv_nsec"), (int64_t)st.st_mtim.tv_nsec);
  ck_assert_int_eq(get_i(&v, "st_ctim.tv_sec"), (int64_t)st.st_ctim.tv_sec);
  ck_assert_int_eq(get_i(&v, "st_ctim.tv_nsec"), (int64_t)st.st_ctim.tv_nsec);
  /* the mode as the C type it is */
  if (sizeof(mode_t) == 4) {
    uint32_t mode;
    bw_view f = at(&v, "st_mode");
    ck_assert_int_eq(bw_view_get_u32(&f, &mode, NULL), 0);
    ck_assert(S_ISREG(mode));
  }
  /* every field written through the view (value 1000 + its position), read back by C */
  static const char *const fields[] = {
      "st_dev",         "st_ino",          "st_mode",        "st_nlink",
      "st_uid",         "st_gid",          "st_rdev",        "st_size",
      "st_blksize",     "st_blocks",       "st_atim.tv_sec", "st_atim.tv_nsec",
      "st_mtim.tv_sec", "st_mtim.tv_nsec", "st_ctim.tv_sec", "st_ctim.tv_nsec"};
  bw_view f;
  for (int k = 0; k < 16; k++) {
    f = at(&v, fields[k]);
    ck_assert_int_eq(bw_view_set_int64(&f, 1000 + k, NULL), 0);
  }
  ck_assert_uint_eq(st.st_dev, 1000);
  ck_assert_uint_eq(st.st_ino, 1001);
  ck_assert_uint_eq(st.st_mode, 1002);
  ck_assert_uint_eq(st.st_nlink, 1003);
  ck_assert_uint_eq(st.st_uid, 1004);
  ck_assert_uint_eq(st.st_gid, 1005);
  ck_assert_uint_eq(st.st_rdev, 1006);
  ck_assert_int_eq(st.st_size, 1007);
  ck_assert_int_eq(st.st_blksize, 1008);
  ck_assert_int_eq(st.st_blocks, 1009);
  ck_assert_int_eq(st.st_atim.tv_sec, 1010);
  ck_assert_int_eq(st.st_atim.tv_nsec, 1011);
  ck_assert_int_eq(st.st_mtim.tv_sec, 1012);
  ck_assert_int_eq(st.st_mtim.tv_nsec, 1013);
  ck_assert_int_eq(st.st_ctim.tv_sec, 1014);
  ck_assert_int_eq(st.st_ctim.tv_nsec, 1015);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_at(&v, "st_mtim.tv_nsex", &f, &err), BW_ENOTFOUND);
  ck_assert_str_eq(err.message, "path 'st_mtim.tv_nsex': Timespec (struct timespec) has no "
                                "member 'tv_nsex'");
  ck_assert_uint_eq(err.column, 9);
  bw_schema_free(s);
}
END_TEST

static Suite *layouts_suite(void) {
  Suite *s = suite_create("memory_layouts");
  TCase *tc = tcase_create("c_constructs");
  tcase_add_test(tc, bitfields_read_and_write_as_c_does);
  tcase_add_test(tc, packed_fields_read_unaligned);
  tcase_add_test(tc, packed_bitfield_over_nine_bytes);
  tcase_add_test(tc, anonymous_members_by_their_c_names);
  tcase_add_test(tc, c_union_members_overlay);
  tcase_add_test(tc, flexible_array_bounded_by_the_region);
  tcase_add_test(tc, pointers_deref_only_inside_supplied_memory);
  tcase_add_test(tc, big_endian_records_on_this_host);
  tcase_add_test(tc, big_endian_bitfields_first_field_most_significant);
  tcase_add_test(tc, struct_stat_from_stat2);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(layouts_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

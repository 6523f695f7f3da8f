/* Check suite for `uint` and `int` in native memory (src/memory): they are held as uint64_t
 * and int64_t (docs/layout.md), in the layout's byte order, and travel as LEB128 varints (int
 * zig-zag encoded first). Hex vectors through the compiled plan and through the reference
 * walker, strict refusals of malformed varints with their code and offset (memory untouched),
 * both byte orders, the typed and widening getters and setters, accessors, and the array calls.
 * The layout is checked against offsetof/sizeof of the equivalent C struct. */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/memory.h"
#include "barewire/schema.h"
#include "memory/memory_internal.h"
#include "../common/laid_out_record.h" /* bw_test_field */

/* type Rec struct { a: u8  id: uint  delta: int  c: u16 } as C declares it. */
struct c_rec {
  uint8_t a;
  uint64_t id;
  int64_t delta;
  uint16_t c;
};

static const char *schema_text = "type Rec struct { a: u8  id: uint  delta: int  c: u16 }\n"
                                 "type Ids struct { n: uint  ids: list<int>[3] }\n";

static bw_schema *host_schema(void) {
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_schema_parse(schema_text, strlen(schema_text), NULL, &s, NULL), 0);
  return s;
}

static bw_view view_of(const bw_schema *s, const char *type, void *p, size_t len) {
  bw_region r;
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_region_init_writable(&r, p, len, NULL), 0);
  ck_assert_msg(bw_view_init(&v, s, type, &r, 0, &err) == 0, "%s: %s", type, err.message);
  return v;
}

/* Encodes v through the public call (the plan) and through the walker: both must give the
 * hex bytes. */
static void assert_encodes(const bw_view *v, const char *hex) {
  uint8_t want[128], got[128], walk[128];
  size_t n = 0, len = 0, wlen = 0;
  for (const char *p = hex; *p;) {
    unsigned byte;
    if (*p == ' ') {
      p++;
      continue;
    }
    ck_assert_int_eq(sscanf(p, "%2x", &byte), 1);
    want[n++] = (uint8_t)byte;
    p += 2;
  }
  ck_assert_int_eq(bw_mem_plan_encode_to(v, NULL, got, sizeof got, &len), 0); /* the plan did it */
  ck_assert_uint_eq(len, n);
  ck_assert_mem_eq(got, want, n);
  ck_assert_int_eq(bw_view_encode_to(v, NULL, got, sizeof got, &len, NULL), 0);
  ck_assert_uint_eq(len, n);
  ck_assert_mem_eq(got, want, n);
  ck_assert_int_eq(bw_mem_walk_encode_to(v, NULL, walk, sizeof walk, &wlen, NULL), 0);
  ck_assert_uint_eq(wlen, n);
  ck_assert_mem_eq(walk, want, n);
}

START_TEST(layout_is_the_c_structs) {
  bw_schema *s = host_schema();
  struct c_rec rec;
  bw_view v = view_of(s, "Rec", &rec, sizeof rec);
  ck_assert_uint_eq(v.size, sizeof(struct c_rec));
  const struct {
    const char *path;
    size_t off;
  } fields[] = {{"a", offsetof(struct c_rec, a)},
                {"id", offsetof(struct c_rec, id)},
                {"delta", offsetof(struct c_rec, delta)},
                {"c", offsetof(struct c_rec, c)}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    bw_accessor a;
    ck_assert_int_eq(bw_accessor_compile(&a, s, "Rec", fields[i].path, NULL), 0);
    ck_assert_uint_eq(a.offset, fields[i].off);
  }
  bw_view f;
  ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
  ck_assert_int_eq(bw_view_kind(&f), BW_KIND_UINT);
  ck_assert_uint_eq(f.size, sizeof(uint64_t));
  bw_schema_free(s);
}
END_TEST

START_TEST(encode_vectors) {
  bw_schema *s = host_schema();
  struct c_rec rec;
  memset(&rec, 0xcc, sizeof rec); /* padding is skipped, whatever it holds */
  rec.a = 1;
  rec.id = 300;
  rec.delta = -3;
  rec.c = 0x0102;
  bw_view v = view_of(s, "Rec", &rec, sizeof rec);
  assert_encodes(&v, "01"     /* a: u8 */
                     " ac 02" /* id: uint 300 */
                     " 05"    /* delta: int -3, zig-zag 5 */
                     " 02 01" /* c: u16 0x0102 */);
  rec.id = UINT64_MAX;
  rec.delta = INT64_MIN;
  assert_encodes(&v, "01"
                     " ff ff ff ff ff ff ff ff ff 01" /* id: 2^64 - 1, ten bytes */
                     " ff ff ff ff ff ff ff ff ff 01" /* delta: -2^63, zig-zag 2^64 - 1 */
                     " 02 01");
  rec.id = 0;
  rec.delta = INT64_MAX;
  assert_encodes(&v, "01"
                     " 00"                            /* id: 0 */
                     " fe ff ff ff ff ff ff ff ff 01" /* delta: 2^63 - 1, zig-zag 2^64 - 2 */
                     " 02 01");
  bw_schema_free(s);
}
END_TEST

START_TEST(decode_vectors_zero_padding) {
  bw_schema *s = host_schema();
  struct c_rec rec, want;
  memset(&want, 0, sizeof want); /* the padding a decode must leave: zero */
  want.a = 7;
  want.id = 300;
  want.delta = -3;
  want.c = 0x0102;
  static const uint8_t msg[] = {0x07, 0xac, 0x02, 0x05, 0x02, 0x01};
  /* the public call (the plan), then the walker alone */
  for (int walker = 0; walker < 2; walker++) {
    memset(&rec, 0xee, sizeof rec);
    bw_view v = view_of(s, "Rec", &rec, sizeof rec);
    size_t used = 0;
    int rc = walker ? bw_mem_walk_decode(&v, msg, sizeof msg, NULL, &used, NULL, NULL)
                    : bw_view_decode(&v, msg, sizeof msg, NULL, &used, NULL, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(used, sizeof msg);
    ck_assert_mem_eq(&rec, &want, sizeof rec);
  }
  /* the plan alone accepts it */
  memset(&rec, 0xee, sizeof rec);
  bw_view v = view_of(s, "Rec", &rec, sizeof rec);
  ck_assert_int_eq(bw_mem_plan_decode(&v, msg, sizeof msg, NULL, NULL, NULL), 0);
  ck_assert_mem_eq(&rec, &want, sizeof rec);
  /* the extremes */
  static const uint8_t big[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00};
  ck_assert_int_eq(bw_view_decode(&v, big, sizeof big, NULL, NULL, NULL, NULL), 0);
  ck_assert_uint_eq(rec.id, UINT64_MAX);
  ck_assert(rec.delta == INT64_MIN);
  bw_schema_free(s);
}
END_TEST

/* Malformed varints: refused with the reader's code at the varint's first byte, by the
 * public call and by the walker; the plan refuses too; nothing is written. */
START_TEST(strict_refusals_with_offsets) {
  bw_schema *s = host_schema();
  static const struct {
    const char *what;
    uint8_t msg[24];
    size_t len;
    int code;
    size_t offset;
  } cases[] = {
      /* id: 80 00 is 0 with a trailing zero group */
      {"overlong id", {0x01, 0x80, 0x00, 0x05, 0x02, 0x01}, 6, BW_ENONMINIMAL, 1},
      /* delta: 81 80 00 is 1 in three bytes */
      {"overlong delta", {0x01, 0x05, 0x81, 0x80, 0x00, 0x02, 0x01}, 7, BW_ENONMINIMAL, 2},
      /* id: the tenth byte carries more than bit 63 */
      {"id past 64 bits",
       {0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x05, 0x02, 0x01},
       14,
       BW_EOVERFLOW,
       1},
      /* delta: eleven bytes */
      {"delta of eleven bytes",
       {0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
       13,
       BW_EOVERFLOW,
       2},
      /* the message ends inside id */
      {"truncated inside id", {0x01, 0xac}, 2, BW_ETRUNCATED, 1},
      /* the message ends before delta */
      {"truncated before delta", {0x01, 0xac, 0x02}, 3, BW_ETRUNCATED, 3},
      /* the message ends inside c, after the varints */
      {"truncated inside c", {0x01, 0xac, 0x02, 0x05, 0x02}, 5, BW_ETRUNCATED, 4},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (int walker = 0; walker < 2; walker++) {
      struct c_rec rec;
      uint8_t before[sizeof rec];
      memset(&rec, 0xee, sizeof rec);
      memcpy(before, &rec, sizeof rec);
      bw_view v = view_of(s, "Rec", &rec, sizeof rec);
      bw_error err;
      bw_error_clear(&err);
      int rc = walker ? bw_mem_walk_decode(&v, cases[i].msg, cases[i].len, NULL, NULL, NULL, &err)
                      : bw_view_decode(&v, cases[i].msg, cases[i].len, NULL, NULL, NULL, &err);
      ck_assert_msg(rc == cases[i].code, "%s: rc %d", cases[i].what, rc);
      ck_assert_int_eq(err.code, cases[i].code);
      ck_assert_msg(err.offset == cases[i].offset, "%s: offset %llu", cases[i].what,
                    (unsigned long long)err.offset);
      ck_assert_mem_eq(&rec, before, sizeof rec);
      ck_assert_int_eq(bw_mem_plan_decode(&v, cases[i].msg, cases[i].len, NULL, NULL, NULL),
                       BW_MEM_PLAN_FALLBACK);
      ck_assert_mem_eq(&rec, before, sizeof rec);
    }
  }
  bw_schema_free(s);
}
END_TEST

static void put_be(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

/* struct { uint64_t id; int64_t delta; } for a big-endian target (s390x), laid out by hand. */
static bw_schema *big_endian_schema(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0), 0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = 16;
  n->align = 8;
  bw_field *f = bw_draft_add_field(d, st, "id", bw_draft_type(d, BW_KIND_UINT));
  f->offset = 0;
  f->c_name = "id";
  f = bw_draft_add_field(d, st, "delta", bw_draft_type(d, BW_KIND_INT));
  f->offset = 8;
  f->c_name = "delta";
  bw_draft_add_type(d, "Be", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

START_TEST(big_endian_layout) {
  bw_schema *s = big_endian_schema();
  uint8_t mem[16];
  put_be(mem, 300);                       /* id */
  put_be(mem + 8, (uint64_t)(int64_t)-3); /* delta */
  bw_view v = view_of(s, "Be", mem, sizeof mem);
  assert_encodes(&v, "ac 02" /* id: 300 */
                     " 05" /* delta: -3 */);
  bw_view f;
  uint64_t id = 0;
  int64_t delta = 0;
  ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
  ck_assert_int_eq(bw_view_get_u64(&f, &id, NULL), 0);
  ck_assert_uint_eq(id, 300);
  ck_assert_int_eq(bw_view_at(&v, "delta", &f, NULL), 0);
  ck_assert_int_eq(bw_view_get_i64(&f, &delta, NULL), 0);
  ck_assert_int_eq(delta, -3);
  /* decode back: the bytes in big-endian order, by the plan and by the walker */
  static const uint8_t msg[] = {0x88, 0x88, 0x04, 0x03}; /* id 0x10408, delta -2 */
  uint8_t want[16];
  put_be(want, 0x10408);
  put_be(want + 8, (uint64_t)(int64_t)-2);
  for (int walker = 0; walker < 2; walker++) {
    memset(mem, 0xee, sizeof mem);
    int rc = walker ? bw_mem_walk_decode(&v, msg, sizeof msg, NULL, NULL, NULL, NULL)
                    : bw_mem_plan_decode(&v, msg, sizeof msg, NULL, NULL, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_mem_eq(mem, want, sizeof want);
  }
  /* an accessor reads it in the target's order */
  bw_accessor a;
  ck_assert_int_eq(bw_accessor_compile(&a, s, "Be", "delta", NULL), 0);
  ck_assert_int_eq(bw_accessor_get_i64(&a, &v, &delta, NULL), 0);
  ck_assert_int_eq(delta, -2);
  /* overlong in big-endian memory too: offset 3 (delta's first byte) */
  static const uint8_t bad[] = {0x88, 0x88, 0x04, 0x83, 0x00};
  bw_error err;
  bw_error_clear(&err);
  memcpy(mem, want, sizeof want);
  ck_assert_int_eq(bw_view_decode(&v, bad, sizeof bad, NULL, NULL, NULL, &err), BW_ENONMINIMAL);
  ck_assert_uint_eq(err.offset, 3);
  ck_assert_mem_eq(mem, want, sizeof want);
  bw_schema_free(s);
}
END_TEST

START_TEST(typed_and_widening_access) {
  bw_schema *s = host_schema();
  struct c_rec rec;
  memset(&rec, 0, sizeof rec);
  bw_view v = view_of(s, "Rec", &rec, sizeof rec), id, delta;
  ck_assert_int_eq(bw_view_at(&v, "id", &id, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "delta", &delta, NULL), 0);
  /* a uint is set and read as u64, an int as i64: what C reads */
  ck_assert_int_eq(bw_view_set_u64(&id, UINT64_MAX - 1, NULL), 0);
  ck_assert_int_eq(bw_view_set_i64(&delta, INT64_MIN + 1, NULL), 0);
  ck_assert_uint_eq(rec.id, UINT64_MAX - 1);
  ck_assert(rec.delta == INT64_MIN + 1);
  uint64_t u = 0;
  int64_t i = 0;
  ck_assert_int_eq(bw_view_get_u64(&id, &u, NULL), 0);
  ck_assert_uint_eq(u, UINT64_MAX - 1);
  ck_assert_int_eq(bw_view_get_i64(&delta, &i, NULL), 0);
  ck_assert(i == INT64_MIN + 1);
  /* other widths and signs are type errors at the field's offset */
  bw_error err;
  uint32_t u32;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_u32(&id, &u32, &err), BW_ETYPE);
  ck_assert_uint_eq(err.offset, offsetof(struct c_rec, id));
  ck_assert_str_eq(err.message, "uint is uint, not u32");
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_i64(&id, &i, &err), BW_ETYPE);
  ck_assert_str_eq(err.message, "uint is uint, not i64");
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_set_u64(&delta, 1, &err), BW_ETYPE);
  ck_assert_uint_eq(err.offset, offsetof(struct c_rec, delta));
  /* widening: the value must fit the requested type */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_int64(&id, &i, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, offsetof(struct c_rec, id));
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_get_uint64(&delta, &u, &err), BW_ERANGE);
  ck_assert_int_eq(bw_view_set_uint64(&id, 42, NULL), 0);
  ck_assert_int_eq(bw_view_get_int64(&id, &i, NULL), 0);
  ck_assert_int_eq(i, 42);
  ck_assert_int_eq(bw_view_set_int64(&delta, -7, NULL), 0);
  ck_assert_int_eq(rec.delta, -7);
  ck_assert_int_eq(bw_view_set_int64(&id, -1, &err), BW_ERANGE); /* a uint is never negative */
  ck_assert_int_eq(bw_view_set_uint64(&delta, UINT64_MAX, &err), BW_ERANGE);
  ck_assert_uint_eq(rec.id, 42);
  /* accessors: the inline u64 / i64 getters, on the host's order with one memcpy */
  bw_accessor aid, adelta;
  ck_assert_int_eq(bw_accessor_compile(&aid, s, "Rec", "id", NULL), 0);
  ck_assert_int_eq(bw_accessor_compile(&adelta, s, "Rec", "delta", NULL), 0);
  ck_assert_int_eq(aid.plain, 1);
  ck_assert_int_eq(bw_accessor_get_u64(&aid, &v, &u, NULL), 0);
  ck_assert_uint_eq(u, 42);
  ck_assert_int_eq(bw_accessor_get_i64(&adelta, &v, &i, NULL), 0);
  ck_assert_int_eq(i, -7);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_accessor_get_i64(&aid, &v, &i, &err), BW_ETYPE);
  ck_assert_str_eq(err.message, "accessor reads uint, not i64");
  ck_assert_int_eq(bw_accessor_get_int64(&adelta, &v, &i, NULL), 0);
  ck_assert_int_eq(i, -7);
  ck_assert_int_eq(bw_accessor_set_uint64(&aid, &v, 9, NULL), 0);
  ck_assert_uint_eq(rec.id, 9);
  bw_schema_free(s);
}
END_TEST

/* type Ids struct { n: uint  ids: list<int>[3] }: arrays of varints, one call for three
 * records, against the single calls. */
START_TEST(array_calls) {
  bw_schema *s = host_schema();
  struct c_ids {
    uint64_t n;
    int64_t ids[3];
  } recs[3], back[3];
  for (int r = 0; r < 3; r++) {
    recs[r].n = (uint64_t)r << (20 * r);
    for (int k = 0; k < 3; k++) recs[r].ids[k] = (int64_t)(k - r) * 1000;
  }
  bw_view v = view_of(s, "Ids", recs, sizeof recs);
  ck_assert_uint_eq(v.size, sizeof(struct c_ids));
  uint8_t all[256], one[64];
  size_t len = 0, ends[3], pos = 0;
  ck_assert_int_eq(bw_view_encode_array(&v, 3, all, sizeof all, &len, ends, NULL), 0);
  for (int r = 0; r < 3; r++) {
    size_t n = 0;
    ck_assert_int_eq(bw_view_seek(&v, (uint64_t)r * sizeof(struct c_ids)), 0);
    ck_assert_int_eq(bw_view_encode_to(&v, NULL, one, sizeof one, &n, NULL), 0);
    ck_assert_mem_eq(all + pos, one, n);
    pos += n;
    ck_assert_uint_eq(ends[r], pos);
  }
  ck_assert_uint_eq(len, pos);
  /* record 0: n 0, ids 0, 1000, 2000 (zig-zag 0, 2000, 4000) */
  static const uint8_t first[] = {0x00, 0x00, 0xd0, 0x0f, 0xa0, 0x1f};
  ck_assert_mem_eq(all, first, sizeof first);
  memset(back, 0xee, sizeof back);
  bw_view b = view_of(s, "Ids", back, sizeof back);
  uint64_t done = 0;
  ck_assert_int_eq(bw_view_decode_array(&b, 3, all, len, NULL, &done, NULL, NULL), 0);
  ck_assert_uint_eq(done, 3);
  ck_assert_mem_eq(back, recs, sizeof recs);
  /* an overlong varint in the second message: its offset from the start of all, the first
   * record written, the others untouched */
  uint8_t bad[256];
  memcpy(bad, all, ends[0]);
  bad[ends[0]] = 0x81; /* n: 81 00 */
  bad[ends[0] + 1] = 0x00;
  memcpy(bad + ends[0] + 2, all + ends[0] + 1, len - ends[0] - 1);
  memset(back, 0xee, sizeof back);
  bw_error err;
  bw_error_clear(&err);
  size_t used = 0;
  ck_assert_int_eq(bw_view_decode_array(&b, 3, bad, len + 1, NULL, &done, &used, &err),
                   BW_ENONMINIMAL);
  ck_assert_uint_eq(err.offset, ends[0]);
  ck_assert_uint_eq(done, 1);
  ck_assert_uint_eq(used, ends[0]);
  ck_assert_mem_eq(&back[0], &recs[0], sizeof recs[0]);
  const uint8_t *rest = (const uint8_t *)&back[1];
  for (size_t k = 0; k < 2 * sizeof(struct c_ids); k++) ck_assert_uint_eq(rest[k], 0xee);
  bw_schema_free(s);
}
END_TEST

/* Long runs of varints, as the array calls and the decoder's 64-byte windows see them:
 * struct { uint8_t a; uint64_t/int64_t v0..v11; bool flag; } in the host's layout and, laid
 * out by hand, in a big-endian one. Values of every varint length from 1 to 10 bytes in random
 * mix; the array calls against the reference walker message by message, on good streams and on
 * streams with a byte set to 0 (trailing zero groups), a byte given a continuation bit
 * (varints of 11 bytes, values past 64 bits, messages shifted) or the end cut: the same
 * code, offset, records written and bytes in every record. */
#define RUN_FIELDS 12
#define RUN_RECORDS 40
#define RUN_SIZE (8 + 8 * RUN_FIELDS + 8) /* a, the varints, flag and its padding */
/* the offsets below are the C compiler's for the host */
struct run_c {
  uint8_t a;
  uint64_t v[RUN_FIELDS];
  _Bool flag;
};
_Static_assert(offsetof(struct run_c, v) == 8, "v0 at 8");
_Static_assert(offsetof(struct run_c, flag) == 8 + 8 * RUN_FIELDS, "flag after the varints");
_Static_assert(sizeof(struct run_c) == RUN_SIZE, "RUN_SIZE is the struct's size");

static uint64_t run_rng = 0x9e3779b97f4a7c15ull;
static uint64_t run_rand(void) {
  run_rng ^= run_rng << 13;
  run_rng ^= run_rng >> 7;
  run_rng ^= run_rng << 17;
  return run_rng;
}

/* A value whose varint has 1..10 bytes, each size about as likely. */
static uint64_t run_value(void) {
  unsigned bytes = 1 + (unsigned)(run_rand() % 10);
  unsigned bits =
      bytes == 1 ? (unsigned)(run_rand() % 8) : 7 * (bytes - 1) + 1 + (unsigned)(run_rand() % 7);
  if (bits > 64) bits = 64;
  if (bits == 0) return 0;
  uint64_t v = bits == 64 ? run_rand() : run_rand() & (((uint64_t)1 << bits) - 1);
  return v | (uint64_t)1 << (bits - 1);
}

static bw_schema *run_schema(int big_endian) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  if (big_endian) ck_assert_int_eq(bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0), 0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = RUN_SIZE;
  n->align = 8;
  static const char *names[RUN_FIELDS] = {"v0", "v1", "v2", "v3", "v4",  "v5",
                                          "v6", "v7", "v8", "v9", "v10", "v11"};
  bw_test_field(d, st, "a", bw_draft_type(d, BW_KIND_U8), 0);
  for (int k = 0; k < RUN_FIELDS; k++)
    bw_test_field(d, st, names[k], bw_draft_type(d, k % 3 == 1 ? BW_KIND_INT : BW_KIND_UINT),
                  8 + 8 * (uint64_t)k);
  bw_test_field(d, st, "flag", bw_draft_type(d, BW_KIND_BOOL), 8 + 8 * RUN_FIELDS);
  bw_draft_add_type(d, "Run", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

static void run_fill(uint8_t *rec, int big_endian) {
  memset(rec, 0, RUN_SIZE);
  rec[0] = (uint8_t)run_rand();
  for (int k = 0; k < RUN_FIELDS; k++) {
    uint64_t v = run_value();
    if (k % 3 == 1) v = (uint64_t)bw_zigzag_decode(v); /* an int: its zig-zag has that size */
    for (int b = 0; b < 8; b++) rec[8 + 8 * k + (big_endian ? 7 - b : b)] = (uint8_t)(v >> (8 * b));
  }
  rec[8 + 8 * RUN_FIELDS] = (uint8_t)(run_rand() & 1);
}

START_TEST(long_runs_against_the_walker) {
  const size_t size = RUN_SIZE;
  static uint8_t recs[RUN_RECORDS * (RUN_SIZE)];
  static uint8_t got[sizeof recs], want[sizeof recs];
  static uint8_t stream[RUN_RECORDS * 128], one[128];
  for (int round = 0; round < 4; round++) {
    /* plans compiled with and without the CPU's pext/pdep runs (where it has them) */
    int big_endian = round & 1;
    bw_mem_plan_allow_simd(round < 2);
    bw_schema *s = run_schema(big_endian);
    for (int trial = 0; trial < 300; trial++) {
      for (int r = 0; r < RUN_RECORDS; r++) run_fill(recs + r * size, big_endian);
      /* the array encode is the walker's messages back to back */
      bw_view v = view_of(s, "Run", recs, sizeof recs);
      ck_assert_uint_eq(v.size, size);
      size_t len = 0, pos = 0;
      ck_assert_int_eq(
          bw_view_encode_array(&v, RUN_RECORDS, stream, sizeof stream, &len, NULL, NULL), 0);
      for (int r = 0; r < RUN_RECORDS; r++) {
        size_t n = 0;
        ck_assert_int_eq(bw_view_seek(&v, (uint64_t)r * size), 0);
        ck_assert_int_eq(bw_mem_walk_encode_to(&v, NULL, one, sizeof one, &n, NULL), 0);
        ck_assert_mem_eq(stream + pos, one, n);
        pos += n;
      }
      ck_assert_uint_eq(pos, len);
      /* damage: none, a zero byte, a continuation bit, a cut */
      int damage = trial % 4;
      if (damage == 1) stream[run_rand() % len] = 0;
      if (damage == 2) stream[run_rand() % len] |= 0x80;
      if (damage == 3) len = (size_t)(run_rand() % len);
      bw_native_options opts = {0};
      opts.allow_trailing = 1;
      /* reference: the walker, one message at a time */
      memset(want, 0xee, sizeof want);
      bw_view w = view_of(s, "Run", want, sizeof want);
      bw_error werr;
      bw_error_clear(&werr);
      int wrc = 0;
      uint64_t wdone = 0;
      size_t wpos = 0;
      for (; wdone < RUN_RECORDS; wdone++) {
        size_t used = 0;
        ck_assert_int_eq(bw_view_seek(&w, wdone * size), 0);
        wrc = bw_mem_walk_decode(&w, stream + wpos, len - wpos, &opts, &used, NULL, &werr);
        if (wrc) break;
        wpos += used;
      }
      /* the array call */
      memset(got, 0xee, sizeof got);
      bw_view g = view_of(s, "Run", got, sizeof got);
      bw_error err;
      bw_error_clear(&err);
      uint64_t done = 0;
      size_t used = 0;
      int rc = bw_view_decode_array(&g, RUN_RECORDS, stream, len, &opts, &done, &used, &err);
      ck_assert_msg(rc == wrc, "be %d trial %d: rc %d, walker %d", big_endian, trial, rc, wrc);
      ck_assert_uint_eq(done, wdone);
      if (rc) {
        ck_assert_int_eq(err.code, werr.code);
        ck_assert_msg(err.offset == wpos + werr.offset, "be %d trial %d: offset %llu, walker %llu",
                      big_endian, trial, (unsigned long long)err.offset,
                      (unsigned long long)(wpos + werr.offset));
      } else {
        ck_assert_uint_eq(used, wpos);
      }
      ck_assert_mem_eq(got, want, sizeof got);
      if (!damage) ck_assert_mem_eq(got, recs, sizeof recs);
    }
    bw_schema_free(s);
  }
  bw_mem_plan_allow_simd(1);
}
END_TEST

static Suite *varint_suite(void) {
  Suite *s = suite_create("memory_varint");
  TCase *tc = tcase_create("varints");
  tcase_add_test(tc, layout_is_the_c_structs);
  tcase_add_test(tc, encode_vectors);
  tcase_add_test(tc, decode_vectors_zero_padding);
  tcase_add_test(tc, strict_refusals_with_offsets);
  tcase_add_test(tc, big_endian_layout);
  tcase_add_test(tc, typed_and_widening_access);
  tcase_add_test(tc, array_calls);
  tcase_add_test(tc, long_runs_against_the_walker);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(varint_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

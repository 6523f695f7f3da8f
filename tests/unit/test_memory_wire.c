/* Check suite for native memory <-> BARE messages (src/memory/native_wire.c): hex vectors,
 * agreement with the codec's decoder, strict decoding that writes nothing on error, padding
 * zeroed, flexible arrays, and native -> BARE -> native round trips with random contents on every
 * fixture type. Which bytes are padding is asked of the compiler: every member of a zeroed
 * struct is set to all ones, and what stays zero is padding. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "barewire/codec.h"
#include "test_memory_fixtures.h"

static bw_view view_of(const bw_schema *s, const char *type, void *p, size_t len, int writable) {
  bw_region r = tm_region(p, len, writable);
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_init(&v, s, type, &r, 0, &err);
  if (rc) fprintf(stderr, "%s: %s\n", type, err.message);
  ck_assert_int_eq(rc, 0);
  return v;
}

static void assert_hex(const uint8_t *got, size_t got_len, const char *hex) {
  uint8_t want[256];
  size_t n = 0;
  for (const char *p = hex; *p;) {
    if (*p == ' ') {
      p++;
      continue;
    }
    unsigned byte;
    ck_assert_int_eq(sscanf(p, "%2x", &byte), 1);
    want[n++] = (uint8_t)byte;
    p += 2;
  }
  if (got_len != n || memcmp(got, want, n) != 0) {
    fprintf(stderr, "got:  ");
    for (size_t i = 0; i < got_len; i++) fprintf(stderr, "%02x ", got[i]);
    fprintf(stderr, "\nwant: %s\n", hex);
  }
  ck_assert_uint_eq(got_len, n);
  ck_assert(memcmp(got, want, n) == 0);
}

static void fill_bits(struct tm_bits *c) {
  memset(c, 0, sizeof *c);
  c->a = 5;
  c->b = -11;
  c->c = 4000;
  c->d = -64;
  c->e = 1;
  c->f = 0xabcdef1234ull;
  c->g = -4000000;
  c->tail = 0x5a;
}

/* ---- encoding vectors -------------------------------------------------------------------- */

START_TEST(encode_vectors) {
  bw_schema *s = tm_host_schema();
  uint8_t out[256];
  size_t len;

  struct tm_inner in;
  memset(&in, 0xcc, sizeof in); /* padding after x is skipped, whatever it holds */
  in.x = 7;
  in.y = 123456;
  bw_view v = view_of(s, "Inner", &in, sizeof in, 0);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, sizeof out, &len, NULL), 0);
  assert_hex(out, len,
             "07" /* x: u8 */
             " 40 e2 01 00" /* y: u32 123456 */);

  struct tm_bits b;
  fill_bits(&b);
  v = view_of(s, "Bits", &b, sizeof b, 0);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, sizeof out, &len, NULL), 0);
  assert_hex(out, len,
             "05"                       /* a:3 as u8 */
             " f5"                      /* b:5 = -11 as i8 */
             " a0 0f"                   /* c:12 = 4000 as u16 */
             " c0"                      /* d:7 = -64 as i8 */
             " 01"                      /* e: _Bool:1 as bool */
             " 34 12 ef cd ab 00 00 00" /* f:40 as u64 */
             " 00 f7 c2 ff"             /* g:23 = -4000000 as i32 */
             " 5a" /* tail: u8 */);

  union tm_cu u;
  u.u = 0x01020304;
  v = view_of(s, "Cu", &u, sizeof u, 0);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, sizeof out, &len, NULL), 0);
  assert_hex(out, len, "04 03 02 01" /* data[4]: the union's bytes as they are in memory */);

  /* too small a buffer: BW_ENOSPACE and the size needed */
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, 3, &len, &err), BW_ENOSPACE);
  ck_assert_uint_eq(len, 4);
  /* malloc'd form */
  uint8_t *m;
  ck_assert_int_eq(bw_view_encode(&v, NULL, &m, &len, NULL), 0);
  assert_hex(m, len, "04 03 02 01");
  free(m);
  bw_schema_free(s);
}
END_TEST

START_TEST(encode_refuses_what_bare_cannot_carry) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  memset(&c, 0, sizeof c);
  c.color = TM_GREEN;
  memset(&c.g, 2, 1); /* a _Bool byte that is not 0 or 1 */
  bw_view v = view_of(s, "Sample", &c, sizeof c, 0);
  uint8_t out[512];
  size_t len;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, sizeof out, &len, &err), BW_EBOOL);
  ck_assert_uint_eq(err.offset, offsetof(struct tm_sample, g));
  c.g = 1;
  c.color = (enum tm_color)3; /* not a member */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, sizeof out, &len, &err), BW_EENUM);
  ck_assert_uint_eq(err.offset, offsetof(struct tm_sample, color));
  bw_schema_free(s);
}
END_TEST

/* The codec decodes what a view encodes, and its values are what C put in memory. */
START_TEST(codec_reads_what_views_encode) {
  bw_schema *s = tm_host_schema();
  struct tm_sample c;
  memset(&c, 0x5c, sizeof c);
  c.a = 1;
  c.b = -2;
  c.c = 3;
  c.d = -4;
  c.e = 5.5f;
  c.f = -6.25;
  c.g = 1;
  c.h = UINT64_MAX;
  c.i = -8;
  memcpy(c.name, "twelve chars", 12);
  for (int k = 0; k < 3; k++) c.arr[k] = (uint16_t)(k * 1000);
  for (int k = 0; k < 6; k++) c.m[k / 3][k % 3] = -k;
  c.in.x = 9;
  c.in.y = 10;
  for (int k = 0; k < 4; k++) c.items[k] = (struct tm_inner){(uint8_t)k, (uint32_t)k << 20};
  c.color = TM_GREEN;
  bw_view v = view_of(s, "Sample", &c, sizeof c, 0);
  uint8_t *msg;
  size_t len;
  ck_assert_int_eq(bw_view_encode(&v, NULL, &msg, &len, NULL), 0);
  bw_value_arena *arena = bw_value_arena_new();
  bw_value *val;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_decode(bw_schema_find(s, "Sample")->type, msg, len, NULL, arena, &val, NULL, &err);
  if (rc) fprintf(stderr, "codec: %s at %llu\n", err.message, (unsigned long long)err.offset);
  ck_assert_int_eq(rc, 0);
  bw_value *f = val->as.list.items;
  ck_assert_uint_eq(f[0].as.u, c.a);
  ck_assert_int_eq(f[1].as.i, c.b);
  ck_assert_uint_eq(f[2].as.u, c.c);
  ck_assert_int_eq(f[3].as.i, c.d);
  ck_assert(f[4].as.f32 == c.e);
  ck_assert(f[5].as.f64 == c.f);
  ck_assert_uint_eq(f[6].as.u, 1);
  ck_assert_uint_eq(f[7].as.u, c.h);
  ck_assert_int_eq(f[8].as.i, c.i);
  ck_assert_uint_eq(f[9].as.bytes.len, 12);
  ck_assert(memcmp(f[9].as.bytes.ptr, c.name, 12) == 0);
  ck_assert_uint_eq(f[10].as.list.items[2].as.u, c.arr[2]);
  ck_assert_int_eq(f[11].as.list.items[1].as.list.items[2].as.i, c.m[1][2]);
  ck_assert_uint_eq(f[12].as.list.items[1].as.u, c.in.y);
  ck_assert_uint_eq(f[13].as.list.items[3].as.list.items[1].as.u, c.items[3].y);
  ck_assert_uint_eq(f[14].as.u, TM_GREEN);
  bw_value_arena_free(arena);
  free(msg);
  bw_schema_free(s);
}
END_TEST

/* ---- decoding into native memory ---------------------------------------------------------- */

START_TEST(decode_writes_native_offsets_and_zeroes_padding) {
  bw_schema *s = tm_host_schema();
  struct tm_inner in;
  memset(&in, 0xee, sizeof in);
  bw_view v = view_of(s, "Inner", &in, sizeof in, 1);
  static const uint8_t msg[] = {
      0x07,                  /* x */
      0x40, 0xe2, 0x01, 0x00 /* y = 123456 */
  };
  size_t consumed;
  ck_assert_int_eq(bw_view_decode(&v, msg, sizeof msg, NULL, &consumed, NULL, NULL), 0);
  ck_assert_uint_eq(consumed, sizeof msg);
  ck_assert_uint_eq(in.x, 7);
  ck_assert_uint_eq(in.y, 123456);
  const uint8_t *bytes = (const uint8_t *)&in;
  for (size_t k = offsetof(struct tm_inner, x) + 1; k < offsetof(struct tm_inner, y); k++)
    ck_assert_uint_eq(bytes[k], 0); /* padding zeroed */

  struct tm_bits b;
  memset(&b, 0xff, sizeof b);
  v = view_of(s, "Bits", &b, sizeof b, 1);
  static const uint8_t bits_msg[] = {
      0x05,                                           /* a = 5 */
      0xf5,                                           /* b = -11 */
      0xa0, 0x0f,                                     /* c = 4000 */
      0xc0,                                           /* d = -64 */
      0x01,                                           /* e = 1 */
      0x34, 0x12, 0xef, 0xcd, 0xab, 0x00, 0x00, 0x00, /* f */
      0x00, 0xf7, 0xc2, 0xff,                         /* g = -4000000 */
      0x5a                                            /* tail */
  };
  ck_assert_int_eq(bw_view_decode(&v, bits_msg, sizeof bits_msg, NULL, NULL, NULL, NULL), 0);
  struct tm_bits want;
  fill_bits(&want);
  ck_assert(memcmp(&b, &want, sizeof b) == 0); /* unused bits and padding are zero too */
  bw_schema_free(s);
}
END_TEST

typedef struct bad_case {
  const char *name;
  uint8_t msg[24];
  size_t len;
  int code;
  uint64_t offset;
} bad_case;

START_TEST(decode_errors_write_nothing) {
  static const bad_case cases[] = {
      /* Bits: a b c(2) d e f(8) g(4) tail */
      {"a:3 holds 8",
       {0x08, 0xf5, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_ERANGE,
       0},
      {"b:5 holds 16",
       {0x05, 0x10, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_ERANGE,
       1},
      {"b:5 holds -17",
       {0x05, 0xef, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_ERANGE,
       1},
      {"c:12 holds 4096",
       {0x05, 0xf5, 0x00, 0x10, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_ERANGE,
       2},
      {"e holds 2",
       {0x05, 0xf5, 0xa0, 0x0f, 0xc0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_EBOOL,
       5},
      {"f:40 holds 2^40",
       {0x05, 0xf5, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x5a},
       19,
       BW_ERANGE,
       6},
      {"g:23 holds 2^22",
       {0x05, 0xf5, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0x5a},
       19,
       BW_ERANGE,
       14},
      {"ends inside g",
       {0x05, 0xf5, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
       16,
       BW_ETRUNCATED,
       14},
      {"a trailing byte",
       {0x05, 0xf5, 0xa0, 0x0f, 0xc0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a, 0x00},
       20,
       BW_ETRAILING,
       19},
  };
  bw_schema *s = tm_host_schema();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct tm_bits b;
    memset(&b, 0x77, sizeof b);
    unsigned char before[sizeof b];
    memcpy(before, &b, sizeof b);
    bw_view v = view_of(s, "Bits", &b, sizeof b, 1);
    bw_error err;
    bw_error_clear(&err);
    int rc = bw_view_decode(&v, cases[i].msg, cases[i].len, NULL, NULL, NULL, &err);
    if (rc != cases[i].code || err.offset != cases[i].offset)
      fprintf(stderr, "%s: rc %d offset %llu: %s\n", cases[i].name, rc,
              (unsigned long long)err.offset, err.message);
    ck_assert_int_eq(rc, cases[i].code);
    ck_assert_uint_eq(err.offset, cases[i].offset);
    ck_assert(memcmp(&b, before, sizeof b) == 0);
  }
  /* an enum value that is not a member, a bool that is not 0/1, in Sample */
  struct tm_sample c;
  memset(&c, 0, sizeof c);
  c.color = TM_GREEN;
  bw_view v = view_of(s, "Sample", &c, sizeof c, 1);
  uint8_t *msg;
  size_t len;
  ck_assert_int_eq(bw_view_encode(&v, NULL, &msg, &len, NULL), 0);
  ck_assert_uint_eq(msg[len - 1], TM_GREEN); /* the enum is the last byte: uint 5 */
  msg[len - 1] = 4;
  memset(&c, 0x33, sizeof c);
  unsigned char before[sizeof c];
  memcpy(before, &c, sizeof c);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode(&v, msg, len, NULL, NULL, NULL, &err), BW_EENUM);
  ck_assert_uint_eq(err.offset, len - 1);
  ck_assert(memcmp(&c, before, sizeof c) == 0);
  /* a read-only destination */
  msg[len - 1] = TM_GREEN;
  bw_view ro = view_of(s, "Sample", &c, sizeof c, 0);
  ck_assert_int_eq(bw_view_decode(&ro, msg, len, NULL, NULL, NULL, NULL), BW_EREADONLY);
  free(msg);
  bw_schema_free(s);
}
END_TEST

/* ---- flexible arrays ---------------------------------------------------------------------- */

START_TEST(flexible_array_count_from_the_caller_and_the_message) {
  bw_schema *s = tm_host_schema();
  size_t size = sizeof(struct tm_flex) + 3 * sizeof(int32_t);
  struct tm_flex *c = calloc(1, size);
  c->n = 3;
  c->tag = 0x0102;
  c->items[0] = 1;
  c->items[1] = -1;
  c->items[2] = 256;
  bw_view v = view_of(s, "Flex", c, size, 0);
  bw_native_options o = {0};
  o.flex_count = 3;
  uint8_t out[64];
  size_t len;
  ck_assert_int_eq(bw_view_encode_to(&v, &o, out, sizeof out, &len, NULL), 0);
  assert_hex(out, len,
             "03 00 00 00"  /* n: u32 */
             " 02 01"       /* tag: u16 */
             " 03"          /* items: list<i32>, count 3 */
             " 01 00 00 00" /* 1 */
             " ff ff ff ff" /* -1 */
             " 00 01 00 00" /* 256 */);
  /* the flexible array member on its own: list<i32> */
  bw_view items;
  ck_assert_int_eq(bw_view_at(&v, "items", &items, NULL), 0);
  ck_assert_int_eq(bw_view_encode_to(&items, &o, out, sizeof out, &len, NULL), 0);
  assert_hex(out, len, "03 01 00 00 00 ff ff ff ff 00 01 00 00" /* count 3, 1, -1, 256 */);
  o.flex_count = 4; /* the memory holds only 3 */
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_to(&v, &o, out, sizeof out, &len, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, offsetof(struct tm_flex, items));

  /* decoding: the count comes from the message; the memory must hold the elements */
  uint8_t msg[64];
  memcpy(msg, out, 0);
  o.flex_count = 3;
  ck_assert_int_eq(bw_view_encode_to(&v, &o, msg, sizeof msg, &len, NULL), 0);
  struct tm_flex *d = malloc(size);
  memset(d, 0xee, size);
  bw_view dv = view_of(s, "Flex", d, size, 1);
  uint64_t count;
  ck_assert_int_eq(bw_view_decode(&dv, msg, len, NULL, NULL, &count, NULL), 0);
  ck_assert_uint_eq(count, 3);
  ck_assert(memcmp(d, c, size) == 0);
  /* decoding into the flexible array member alone leaves the record's head alone */
  static const uint8_t two[] = {0x02, 0x07, 0x00, 0x00, 0x00, 0xf9, 0xff, 0xff, 0xff};
  bw_view ditems;
  ck_assert_int_eq(bw_view_at(&dv, "items", &ditems, NULL), 0);
  ck_assert_int_eq(bw_view_decode(&ditems, two, sizeof two, NULL, NULL, &count, NULL), 0);
  ck_assert_uint_eq(count, 2);
  ck_assert_int_eq(d->items[0], 7);
  ck_assert_int_eq(d->items[1], -7);
  ck_assert_int_eq(d->items[2], 256);
  ck_assert_uint_eq(d->n, 3);
  bw_view small = view_of(s, "Flex", d, size - 1, 1);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode(&small, msg, len, NULL, NULL, NULL, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, 6); /* the count */
  /* a count larger than the bytes left is refused before anything else */
  static const uint8_t huge[] = {0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f};
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode(&dv, huge, sizeof huge, NULL, NULL, NULL, &err), BW_ELIMIT);
  ck_assert_uint_eq(err.offset, 6);
  free(c);
  free(d);
  bw_schema_free(s);
}
END_TEST

/* ---- round trips with random contents ----------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
static void random_bytes(void *p, size_t n) {
  uint8_t *b = p;
  for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rnd();
}

#define ONES(m) memset(&(m), 0xff, sizeof(m))
#define BIT_ONES(m)                                                                                \
  do {                                                                                             \
    volatile long long ones_ = -1;                                                                 \
    (m) = ones_;                                                                                   \
  } while (0)

/* Per fixture: fill with random bytes (then make bools and enums valid, as C code would), and
 * the compiler's answer to "which bytes are not padding". */
static void sample_random(void *p) {
  struct tm_sample *c = p;
  random_bytes(c, sizeof *c);
  c->g = rnd() & 1;
  static const enum tm_color colors[] = {TM_RED, TM_GREEN, TM_BLUE};
  c->color = colors[rnd() % 3];
}
static void sample_mask(void *p) {
  struct tm_sample *m = p;
  memset(m, 0, sizeof *m);
  ONES(m->a), ONES(m->b), ONES(m->c), ONES(m->d), ONES(m->e), ONES(m->f), ONES(m->g), ONES(m->h);
  ONES(m->i), ONES(m->name), ONES(m->arr), ONES(m->m), ONES(m->color);
  for (int k = 0; k < 4; k++) ONES(m->items[k].x), ONES(m->items[k].y);
  ONES(m->in.x), ONES(m->in.y);
}
static void bits_random(void *p) {
  struct tm_bits *c = p;
  random_bytes(c, sizeof *c);
}
static void bits_mask(void *p) {
  struct tm_bits *m = p;
  memset(m, 0, sizeof *m);
  BIT_ONES(m->a);
  BIT_ONES(m->b);
  BIT_ONES(m->c);
  BIT_ONES(m->d);
  BIT_ONES(m->e);
  BIT_ONES(m->f);
  BIT_ONES(m->g);
  ONES(m->tail);
}
static void packed_random(void *p) {
  random_bytes(p, sizeof(struct tm_packed));
}
static void packed_mask(void *p) {
  struct tm_packed *m = p;
  memset(m, 0, sizeof *m);
  m->a = 0xff, m->b = UINT32_MAX, m->c = 0xffff, m->e = -1;
  memset((char *)m + offsetof(struct tm_packed, d), 0xff, sizeof(double));
  BIT_ONES(m->f);
  BIT_ONES(m->g);
}
static void anon_random(void *p) {
  random_bytes(p, sizeof(struct tm_anon));
}
static void anon_mask(void *p) {
  struct tm_anon *m = p;
  memset(m, 0, sizeof *m);
  ONES(m->kind), ONES(m->i), ONES(m->p), ONES(m->q), ONES(m->last);
}
static void cu_random(void *p) {
  random_bytes(p, sizeof(union tm_cu));
}
static void cu_mask(void *p) {
  memset(p, 0xff, sizeof(union tm_cu));
}
static void node_random(void *p) {
  random_bytes(p, sizeof(struct tm_node));
}
static void node_mask(void *p) {
  struct tm_node *m = p;
  memset(m, 0, sizeof *m);
  ONES(m->value), ONES(m->next);
}
static void stat_random(void *p) {
  random_bytes(p, sizeof(struct stat));
}
static void stat_mask(void *p) {
  struct stat *m = p;
  memset(m, 0, sizeof *m);
  ONES(m->st_dev), ONES(m->st_ino), ONES(m->st_mode), ONES(m->st_nlink), ONES(m->st_uid);
  ONES(m->st_gid), ONES(m->st_rdev), ONES(m->st_size), ONES(m->st_blksize), ONES(m->st_blocks);
  ONES(m->st_atim.tv_sec), ONES(m->st_atim.tv_nsec), ONES(m->st_mtim.tv_sec);
  ONES(m->st_mtim.tv_nsec), ONES(m->st_ctim.tv_sec), ONES(m->st_ctim.tv_nsec);
}

typedef struct fixture {
  const char *type;
  size_t size;
  void (*random)(void *);
  void (*mask)(void *);
  int stat_schema;
} fixture;

START_TEST(round_trip_random_contents) {
  static const fixture fixtures[] = {
      {"Sample", sizeof(struct tm_sample), sample_random, sample_mask, 0},
      {"Bits", sizeof(struct tm_bits), bits_random, bits_mask, 0},
      {"Packed", sizeof(struct tm_packed), packed_random, packed_mask, 0},
      {"Anon", sizeof(struct tm_anon), anon_random, anon_mask, 0},
      {"Cu", sizeof(union tm_cu), cu_random, cu_mask, 0},
      {"Node", sizeof(struct tm_node), node_random, node_mask, 0},
      {"Stat", sizeof(struct stat), stat_random, stat_mask, 1},
  };
  bw_schema *host = tm_host_schema(), *st = tm_stat_schema();
  for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
    const fixture *fx = &fixtures[f];
    bw_schema *s = fx->stat_schema ? st : host;
    unsigned char *orig = malloc(fx->size), *back = malloc(fx->size), *mask = malloc(fx->size);
    fx->mask(mask);
    for (int round = 0; round < 200; round++) {
      fx->random(orig);
      memset(back, 0xee, fx->size);
      bw_view v = view_of(s, fx->type, orig, fx->size, 0);
      bw_view bv = view_of(s, fx->type, back, fx->size, 1);
      uint8_t *msg, *again;
      size_t len, len2;
      bw_error err;
      bw_error_clear(&err);
      int rc = bw_view_encode(&v, NULL, &msg, &len, &err);
      if (rc) fprintf(stderr, "%s: %s\n", fx->type, err.message);
      ck_assert_int_eq(rc, 0);
      rc = bw_view_decode(&bv, msg, len, NULL, NULL, NULL, &err);
      if (rc) fprintf(stderr, "%s: %s\n", fx->type, err.message);
      ck_assert_int_eq(rc, 0);
      for (size_t k = 0; k < fx->size; k++) {
        if ((back[k] != (orig[k] & mask[k])))
          fprintf(stderr, "%s byte %zu: %02x, want %02x (mask %02x)\n", fx->type, k, back[k],
                  orig[k], mask[k]);
        ck_assert_uint_eq(back[k], orig[k] & mask[k]); /* same bytes; padding zero */
      }
      ck_assert_int_eq(bw_view_encode(&bv, NULL, &again, &len2, NULL), 0);
      ck_assert_uint_eq(len2, len);
      ck_assert(memcmp(again, msg, len) == 0);
      free(msg);
      free(again);
    }
    free(orig);
    free(back);
    free(mask);
  }
  bw_schema_free(host);
  bw_schema_free(st);
}
END_TEST

static Suite *wire_suite(void) {
  Suite *s = suite_create("memory_wire");
  TCase *tc = tcase_create("native_wire");
  tcase_add_test(tc, encode_vectors);
  tcase_add_test(tc, encode_refuses_what_bare_cannot_carry);
  tcase_add_test(tc, codec_reads_what_views_encode);
  tcase_add_test(tc, decode_writes_native_offsets_and_zeroes_padding);
  tcase_add_test(tc, decode_errors_write_nothing);
  tcase_add_test(tc, flexible_array_count_from_the_caller_and_the_message);
  tcase_add_test(tc, round_trip_random_contents);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(wire_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* C structures and the schemas that describe them, shared by the memory test suites.
 *
 * The compiler is the oracle: every offset, size and alignment below comes from offsetof,
 * sizeof and _Alignof of the real declarations, and every bitfield position is probed from
 * compiled code (set the member to all ones in a zeroed struct, see which bits changed). The
 * schemas are built with the draft builder, as the importer would build them (docs/model.md). */
#ifndef TEST_MEMORY_FIXTURES_H
#define TEST_MEMORY_FIXTURES_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "barewire/memory.h"
#include "barewire/schema.h"

/* ---- the C declarations --------------------------------------------------------------- */

enum tm_color { TM_RED, TM_GREEN = 5, TM_BLUE };

struct tm_inner {
  uint8_t x;
  uint32_t y;
};

struct tm_sample {
  uint8_t a;
  int16_t b;
  uint32_t c;
  int64_t d;
  float e;
  double f;
  _Bool g;
  uint64_t h;
  int8_t i;
  char name[12];
  uint16_t arr[3];
  int32_t m[2][3];
  struct tm_inner in;
  struct tm_inner items[4];
  enum tm_color color;
};

struct tm_bits {
  unsigned a : 3;
  int b : 5;
  unsigned c : 12;
  int d : 7;
  _Bool e : 1;
  unsigned long long f : 40;
  long long g : 23;
  uint8_t tail;
};

struct __attribute__((packed)) tm_packed {
  uint8_t a;
  uint32_t b;
  uint16_t c;
  double d;
  int64_t e;
  unsigned f : 7;
  unsigned g : 17;
};

struct tm_anon {
  int32_t kind;
  union {
    int32_t i;
    float f;
    struct {
      uint16_t lo;
      uint16_t hi;
    };
  };
  struct {
    uint8_t p;
    uint8_t q;
  };
  uint32_t last;
};

union tm_cu {
  uint32_t u;
  float f;
  uint8_t b[4];
  int16_t h[2];
};

struct tm_flex {
  uint32_t n;
  uint16_t tag;
  int32_t items[];
};

struct tm_node {
  int32_t value;
  struct tm_node *next;
};

/* Same field shapes as tm_sample's scalars; stored big-endian for the s390x test. */
struct tm_be {
  uint16_t a;
  uint32_t b;
  int64_t c;
  double d;
  float e;
  int16_t f[3];
  uint8_t g;
  int8_t h;
};

/* ---- builder helpers ------------------------------------------------------------------ */

/* The BARE kind of an integer C type, from its size and signedness. */
#define TM_INT_KIND(T)                                                                             \
  (sizeof(T) == 1   ? (((T)-1 < (T)1) ? BW_KIND_I8 : BW_KIND_U8)                                   \
   : sizeof(T) == 2 ? (((T)-1 < (T)1) ? BW_KIND_I16 : BW_KIND_U16)                                 \
   : sizeof(T) == 4 ? (((T)-1 < (T)1) ? BW_KIND_I32 : BW_KIND_U32)                                 \
                    : (((T)-1 < (T)1) ? BW_KIND_I64 : BW_KIND_U64))

/* A struct user type with a native layout of the given size and alignment. */
static inline bw_type *tm_record(bw_draft *d, const char *name, const char *c_name, uint64_t size,
                                 uint64_t align, uint32_t flags) {
  bw_type *t = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, t);
  n->size = size;
  n->align = align;
  n->flags = flags;
  n->c_name = bw_draft_strdup(d, c_name);
  bw_draft_add_type(d, name, t);
  return t;
}

static inline bw_field *tm_field(bw_draft *d, bw_type *st, const char *name, bw_type *type,
                                 uint64_t offset) {
  bw_field *f = bw_draft_add_field(d, st, name, type);
  f->offset = offset;
  f->c_name = bw_draft_strdup(d, name);
  return f;
}

#define TM_FIELD(d, st, S, member, type) tm_field(d, st, #member, type, offsetof(S, member))

/* Bit position and width of a bitfield, probed on a little-endian host: the member is set to
 * all ones in a zeroed struct and the changed bits are found. */
static inline void tm_scan_bits(const void *p, size_t size, uint64_t *bit_offset, uint32_t *width) {
  const uint8_t *b = p;
  uint64_t first = UINT64_MAX;
  uint32_t count = 0;
  for (size_t i = 0; i < size * 8; i++)
    if ((b[i / 8] >> (i % 8)) & 1) {
      if (first == UINT64_MAX) first = i;
      count++;
    }
  *bit_offset = first;
  *width = count;
}

#define TM_BITFIELD(d, st, S, member, type)                                                        \
  do {                                                                                             \
    S probe_;                                                                                      \
    volatile long long ones_ = -1;                                                                 \
    uint64_t bo_;                                                                                  \
    uint32_t bw_;                                                                                  \
    memset(&probe_, 0, sizeof probe_);                                                             \
    probe_.member = ones_;                                                                         \
    tm_scan_bits(&probe_, sizeof probe_, &bo_, &bw_);                                              \
    bw_field *f_ = bw_draft_add_field(d, st, #member, type);                                       \
    f_->flags = BW_FIELD_BITFIELD;                                                                 \
    f_->bit_offset = bo_;                                                                          \
    f_->bit_width = bw_;                                                                           \
    f_->offset = bo_ / 8;                                                                          \
    f_->c_name = bw_draft_strdup(d, #member);                                                      \
  } while (0)

static inline bw_schema *tm_validate(bw_draft *d) {
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(d, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++)
    fprintf(stderr, "schema %u:%u: %s\n", diags.items[i].line, diags.items[i].column,
            diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* Adds Color, Inner and Sample (struct tm_sample) to d. */
static inline void tm_add_sample(bw_draft *d) {
  bw_type *color = bw_draft_type(d, BW_KIND_ENUM);
  bw_draft_add_enum_member(d, color, "RED", 1, TM_RED)->c_name = "TM_RED";
  bw_draft_add_enum_member(d, color, "GREEN", 1, TM_GREEN)->c_name = "TM_GREEN";
  bw_draft_add_enum_member(d, color, "BLUE", 1, TM_BLUE)->c_name = "TM_BLUE";
  bw_native *cn = bw_draft_native(d, color);
  cn->size = sizeof(enum tm_color);
  cn->align = _Alignof(enum tm_color);
  cn->flags = BW_NATIVE_C_ENUM;
  cn->underlying = "unsigned int";
  cn->c_name = "enum tm_color";
  bw_draft_add_type(d, "Color", color);

  bw_type *inner = tm_record(d, "Inner", "struct tm_inner", sizeof(struct tm_inner),
                             _Alignof(struct tm_inner), 0);
  TM_FIELD(d, inner, struct tm_inner, x, bw_draft_type(d, BW_KIND_U8));
  TM_FIELD(d, inner, struct tm_inner, y, bw_draft_type(d, BW_KIND_U32));

  bw_type *st = tm_record(d, "Sample", "struct tm_sample", sizeof(struct tm_sample),
                          _Alignof(struct tm_sample), 0);
  TM_FIELD(d, st, struct tm_sample, a, bw_draft_type(d, BW_KIND_U8));
  TM_FIELD(d, st, struct tm_sample, b, bw_draft_type(d, BW_KIND_I16));
  TM_FIELD(d, st, struct tm_sample, c, bw_draft_type(d, BW_KIND_U32));
  TM_FIELD(d, st, struct tm_sample, d, bw_draft_type(d, BW_KIND_I64));
  TM_FIELD(d, st, struct tm_sample, e, bw_draft_type(d, BW_KIND_F32));
  TM_FIELD(d, st, struct tm_sample, f, bw_draft_type(d, BW_KIND_F64));
  TM_FIELD(d, st, struct tm_sample, g, bw_draft_type(d, BW_KIND_BOOL));
  TM_FIELD(d, st, struct tm_sample, h, bw_draft_type(d, BW_KIND_U64));
  TM_FIELD(d, st, struct tm_sample, i, bw_draft_type(d, BW_KIND_I8));
  TM_FIELD(d, st, struct tm_sample, name, bw_draft_data_fixed(d, 12))->c_type = "char[12]";
  TM_FIELD(d, st, struct tm_sample, arr, bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_U16), 3));
  TM_FIELD(d, st, struct tm_sample, m,
           bw_draft_list_fixed(d, bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_I32), 3), 2));
  TM_FIELD(d, st, struct tm_sample, in, bw_draft_ref(d, "Inner"));
  TM_FIELD(d, st, struct tm_sample, items, bw_draft_list_fixed(d, bw_draft_ref(d, "Inner"), 4));
  TM_FIELD(d, st, struct tm_sample, color, bw_draft_ref(d, "Color"));
}

/* Bits (struct tm_bits): the wire type of a bitfield is the smallest integer that holds it. */
static inline void tm_add_bits(bw_draft *d) {
  bw_type *st =
      tm_record(d, "Bits", "struct tm_bits", sizeof(struct tm_bits), _Alignof(struct tm_bits), 0);
  TM_BITFIELD(d, st, struct tm_bits, a, bw_draft_type(d, BW_KIND_U8));
  TM_BITFIELD(d, st, struct tm_bits, b, bw_draft_type(d, BW_KIND_I8));
  TM_BITFIELD(d, st, struct tm_bits, c, bw_draft_type(d, BW_KIND_U16));
  TM_BITFIELD(d, st, struct tm_bits, d, bw_draft_type(d, BW_KIND_I8));
  TM_BITFIELD(d, st, struct tm_bits, e, bw_draft_type(d, BW_KIND_BOOL));
  TM_BITFIELD(d, st, struct tm_bits, f, bw_draft_type(d, BW_KIND_U64));
  TM_BITFIELD(d, st, struct tm_bits, g, bw_draft_type(d, BW_KIND_I32));
  TM_FIELD(d, st, struct tm_bits, tail, bw_draft_type(d, BW_KIND_U8));
}

static inline void tm_add_packed(bw_draft *d) {
  bw_type *st = tm_record(d, "Packed", "struct tm_packed", sizeof(struct tm_packed),
                          _Alignof(struct tm_packed), BW_NATIVE_PACKED);
  TM_FIELD(d, st, struct tm_packed, a, bw_draft_type(d, BW_KIND_U8));
  TM_FIELD(d, st, struct tm_packed, b, bw_draft_type(d, BW_KIND_U32));
  TM_FIELD(d, st, struct tm_packed, c, bw_draft_type(d, BW_KIND_U16));
  TM_FIELD(d, st, struct tm_packed, d, bw_draft_type(d, BW_KIND_F64));
  TM_FIELD(d, st, struct tm_packed, e, bw_draft_type(d, BW_KIND_I64));
  TM_BITFIELD(d, st, struct tm_packed, f, bw_draft_type(d, BW_KIND_U8));
  TM_BITFIELD(d, st, struct tm_packed, g, bw_draft_type(d, BW_KIND_U32));
}

/* Anon (struct tm_anon): an anonymous union (AnonUnion, a C union carried as data[4]) holding
 * an anonymous struct (AnonPair), then an anonymous struct (AnonBytes). */
static inline void tm_add_anon(bw_draft *d) {
  size_t u_off = offsetof(struct tm_anon, i);
  bw_type *pair = tm_record(d, "AnonPair", NULL, 2 * sizeof(uint16_t), _Alignof(uint16_t), 0);
  tm_field(d, pair, "lo", bw_draft_type(d, BW_KIND_U16), offsetof(struct tm_anon, lo) - u_off);
  tm_field(d, pair, "hi", bw_draft_type(d, BW_KIND_U16), offsetof(struct tm_anon, hi) - u_off);

  size_t u_size = offsetof(struct tm_anon, p) - u_off; /* the union ends where the struct starts */
  bw_type *un = bw_draft_data_fixed(d, u_size);
  bw_native *n = bw_draft_native(d, un);
  n->size = u_size;
  n->align = _Alignof(int32_t);
  n->flags = BW_NATIVE_C_UNION;
  bw_field *m = bw_draft_add_native_member(d, n, "i", bw_draft_type(d, BW_KIND_I32));
  m->c_name = "i";
  m = bw_draft_add_native_member(d, n, "f", bw_draft_type(d, BW_KIND_F32));
  m->c_name = "f";
  m = bw_draft_add_native_member(d, n, "anon0", bw_draft_ref(d, "AnonPair"));
  m->flags = BW_FIELD_ANONYMOUS;
  bw_draft_add_type(d, "AnonUnion", un);

  bw_type *bytes = tm_record(d, "AnonBytes", NULL, 2, 1, 0);
  tm_field(d, bytes, "p", bw_draft_type(d, BW_KIND_U8), 0);
  tm_field(d, bytes, "q", bw_draft_type(d, BW_KIND_U8),
           offsetof(struct tm_anon, q) - offsetof(struct tm_anon, p));

  bw_type *st =
      tm_record(d, "Anon", "struct tm_anon", sizeof(struct tm_anon), _Alignof(struct tm_anon), 0);
  TM_FIELD(d, st, struct tm_anon, kind, bw_draft_type(d, BW_KIND_I32));
  bw_field *f = tm_field(d, st, "anon0", bw_draft_ref(d, "AnonUnion"), u_off);
  f->flags = BW_FIELD_ANONYMOUS;
  f->c_name = NULL;
  f = tm_field(d, st, "anon1", bw_draft_ref(d, "AnonBytes"), offsetof(struct tm_anon, p));
  f->flags = BW_FIELD_ANONYMOUS;
  f->c_name = NULL;
  TM_FIELD(d, st, struct tm_anon, last, bw_draft_type(d, BW_KIND_U32));
}

/* Cu (union tm_cu): a top-level C union. */
static inline void tm_add_cunion(bw_draft *d) {
  bw_type *un = bw_draft_data_fixed(d, sizeof(union tm_cu));
  bw_native *n = bw_draft_native(d, un);
  n->size = sizeof(union tm_cu);
  n->align = _Alignof(union tm_cu);
  n->flags = BW_NATIVE_C_UNION;
  n->c_name = "union tm_cu";
  bw_draft_add_native_member(d, n, "u", bw_draft_type(d, BW_KIND_U32))->c_name = "u";
  bw_draft_add_native_member(d, n, "f", bw_draft_type(d, BW_KIND_F32))->c_name = "f";
  bw_draft_add_native_member(d, n, "b", bw_draft_data_fixed(d, 4))->c_name = "b";
  bw_draft_add_native_member(d, n, "h", bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_I16), 2))
      ->c_name = "h";
  bw_draft_add_type(d, "Cu", un);
}

static inline void tm_add_flex(bw_draft *d) {
  bw_type *st =
      tm_record(d, "Flex", "struct tm_flex", sizeof(struct tm_flex), _Alignof(struct tm_flex), 0);
  TM_FIELD(d, st, struct tm_flex, n, bw_draft_type(d, BW_KIND_U32));
  TM_FIELD(d, st, struct tm_flex, tag, bw_draft_type(d, BW_KIND_U16));
  bw_field *f =
      TM_FIELD(d, st, struct tm_flex, items, bw_draft_list(d, bw_draft_type(d, BW_KIND_I32)));
  f->flags = BW_FIELD_FLEXIBLE;
  f->c_type = "int32_t[]";
}

static inline void tm_add_node(bw_draft *d) {
  bw_type *st =
      tm_record(d, "Node", "struct tm_node", sizeof(struct tm_node), _Alignof(struct tm_node), 0);
  TM_FIELD(d, st, struct tm_node, value, bw_draft_type(d, BW_KIND_I32));
  bw_field *f = TM_FIELD(d, st, struct tm_node, next,
                         bw_draft_type(d, sizeof(void *) == 8 ? BW_KIND_U64 : BW_KIND_U32));
  f->flags = BW_FIELD_POINTER;
  f->c_type = "struct tm_node *";
}

/* All the host-layout fixtures in one schema (without a target: hand-written). */
static inline bw_schema *tm_host_schema(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  tm_add_sample(d);
  tm_add_bits(d);
  tm_add_packed(d);
  tm_add_anon(d);
  tm_add_cunion(d);
  tm_add_flex(d);
  tm_add_node(d);
  return tm_validate(d);
}

/* Timespec and Stat (struct stat of this host), integer kinds from the C types. */
static inline bw_schema *tm_stat_schema(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  bw_type *ts = tm_record(d, "Timespec", "struct timespec", sizeof(struct timespec),
                          _Alignof(struct timespec), 0);
  TM_FIELD(d, ts, struct timespec, tv_sec, bw_draft_type(d, TM_INT_KIND(time_t)));
  TM_FIELD(d, ts, struct timespec, tv_nsec, bw_draft_type(d, TM_INT_KIND(long)));
  bw_type *st = tm_record(d, "Stat", "struct stat", sizeof(struct stat), _Alignof(struct stat), 0);
  TM_FIELD(d, st, struct stat, st_dev, bw_draft_type(d, TM_INT_KIND(dev_t)));
  TM_FIELD(d, st, struct stat, st_ino, bw_draft_type(d, TM_INT_KIND(ino_t)));
  TM_FIELD(d, st, struct stat, st_mode, bw_draft_type(d, TM_INT_KIND(mode_t)));
  TM_FIELD(d, st, struct stat, st_nlink, bw_draft_type(d, TM_INT_KIND(nlink_t)));
  TM_FIELD(d, st, struct stat, st_uid, bw_draft_type(d, TM_INT_KIND(uid_t)));
  TM_FIELD(d, st, struct stat, st_gid, bw_draft_type(d, TM_INT_KIND(gid_t)));
  TM_FIELD(d, st, struct stat, st_rdev, bw_draft_type(d, TM_INT_KIND(dev_t)));
  TM_FIELD(d, st, struct stat, st_size, bw_draft_type(d, TM_INT_KIND(off_t)));
  TM_FIELD(d, st, struct stat, st_blksize, bw_draft_type(d, TM_INT_KIND(blksize_t)));
  TM_FIELD(d, st, struct stat, st_blocks, bw_draft_type(d, TM_INT_KIND(blkcnt_t)));
  TM_FIELD(d, st, struct stat, st_atim, bw_draft_ref(d, "Timespec"));
  TM_FIELD(d, st, struct stat, st_mtim, bw_draft_ref(d, "Timespec"));
  TM_FIELD(d, st, struct stat, st_ctim, bw_draft_ref(d, "Timespec"));
  return tm_validate(d);
}

/* A region over a C object. */
static inline bw_region tm_region(void *p, size_t len, int writable) {
  bw_region r;
  int rc = writable ? bw_region_init_writable(&r, p, len, NULL)
                    : bw_region_init_readonly(&r, p, len, NULL);
  ck_assert_int_eq(rc, 0);
  return r;
}

#endif

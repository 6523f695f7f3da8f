/* Check suite for the compiled native <-> wire plans (src/memory/plan.c), differential against
 * the reference walker (src/memory/native_wire.c, reachable as bw_mem_walk_*):
 *
 *   - random schemas of every construct with a natural host layout (numbers, uint and int,
 *     bools, enums, byte arrays, fixed arrays short and long, nested structs), a hand-laid
 *     record of varints in both byte orders, and a hand-laid record with padding,
 *     bitfields (unsigned, signed, bool), an enum, a byte array, a fixed array and a flexible
 *     array member, in little-endian and in big-endian layout;
 *   - for each, valid messages made from the type (random values), mutated messages (a byte
 *     changed, cut short, a byte appended) and random bytes, decoded by the plan alone, by the
 *     walker alone and by bw_view_decode: the plan must accept exactly what the walker accepts
 *     and write exactly the same memory (padding zeroed), and leave the memory untouched when
 *     it refuses; bw_view_decode must give the walker's code, offset, message, consumed bytes,
 *     flexible count and memory;
 *   - the records those messages decode to, and the same records with random bytes written
 *     into them (bad bools and enums), encoded by the plan, the walker and bw_view_encode_to
 *     (also into buffers too small): same bytes, same lengths, same errors.
 * Each test also counts the cases the plan handled, so a plan that always gives up fails. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/laid_out_record.h"
#include "core/varint_avx512.h"
#include "barewire/memory.h"
#include "barewire/schema.h"
#include "memory/memory_internal.h"

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* ---- schemas ------------------------------------------------------------------------- */

static int enum_counter;

static bw_type *gen_type(bw_draft *d, int depth) {
  unsigned pick = (unsigned)(rnd() % (depth < 3 ? 16 : 12));
  static const bw_kind fixed[] = {BW_KIND_U8,  BW_KIND_U16, BW_KIND_U32,  BW_KIND_U64,
                                  BW_KIND_I8,  BW_KIND_I16, BW_KIND_I32,  BW_KIND_I64,
                                  BW_KIND_F32, BW_KIND_F64, BW_KIND_UINT, BW_KIND_INT};
  if (pick < 6) return bw_draft_type(d, fixed[rnd() % 12]);
  switch (pick) {
    case 6:
    case 7:
      return bw_draft_type(d, BW_KIND_BOOL);
    case 8: {
      char name[32];
      snprintf(name, sizeof name, "Enum%d", enum_counter++);
      bw_type *e = bw_draft_type(d, BW_KIND_ENUM);
      unsigned members = 1 + (unsigned)(rnd() % 5);
      uint64_t value = rnd() % 3;
      for (unsigned i = 0; i < members; i++) {
        char m[16];
        snprintf(m, sizeof m, "M%u", i);
        bw_draft_add_enum_member(d, e, m, 1, value);
        uint64_t gap = rnd() % 2 ? 3 : 300; /* (one rnd() per statement: a fixed order) */
        value += 1 + rnd() % gap;
      }
      bw_draft_add_type(d, name, e);
      return bw_draft_ref(d, name);
    }
    case 9:
      return bw_draft_data_fixed(d, 1 + rnd() % 9);
    case 10:
    case 11: {
      bw_type *elem = gen_type(d, depth + 1);
      return bw_draft_list_fixed(d, elem, 1 + rnd() % 5);
    }
    case 12:
      /* long enough to become a repeat step when the element is not plain */
      {
        bw_type *elem = gen_type(d, depth + 1);
        return bw_draft_list_fixed(d, elem, 20 + rnd() % 30);
      }
    default: {
      bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
      unsigned fields = 1 + (unsigned)(rnd() % 6);
      for (unsigned i = 0; i < fields; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%u", i);
        bw_draft_add_field(d, st, name, gen_type(d, depth + 1));
      }
      return st;
    }
  }
}

/* A random struct "Root" with the host's natural layout. */
static bw_schema *random_schema(void) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  enum_counter = 0;
  bw_type *root = bw_draft_type(d, BW_KIND_STRUCT);
  unsigned fields = 1 + (unsigned)(rnd() % 8);
  for (unsigned i = 0; i < fields; i++) {
    char name[16];
    snprintf(name, sizeof name, "f%u", i);
    bw_draft_add_field(d, root, name, gen_type(d, 0));
  }
  bw_draft_add_type(d, "Root", root);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

#define field bw_test_field
#define bitfield bw_test_bitfield

#define REC_SIZE BW_LAID_OUT_SIZE

/* struct rec { uint8_t a; int16_t b; unsigned c : 3; int d : 5; _Bool e : 1; unsigned f : 20;
 *              enum color color; char name[5]; int16_t arr[3]; double x; uint16_t items[]; }
 * as an x86-64 (or, big_endian, s390x) compiler lays it out (tests/common/laid_out_record.h,
 * shared with tests/fuzz/fuzz_native_decode.c). */
static bw_schema *laid_out_schema(int big_endian) {
  bw_schema *s = bw_test_laid_out_schema("Root", big_endian);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* struct flat { uint8_t a; int16_t b; uint32_t c; enum color color; _Bool ok; _Bool two[2];
 *               uint64_t d; float x; enum wide w; }   (enum wide: 2 bytes, members 3, 64, 300)
 * laid out by hand (a@0 b@2 c@4 color@8 ok@12 two@13 d@16 x@24 w@28, 32 bytes) in either byte
 * order: every step of the flat program (copies, bool runs, byte swaps, enums by mask and by
 * table) and no bitfield or flexible array. */
static bw_schema *flat_schema(int big_endian) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  if (big_endian) bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0);
  static const char *const colors[] = {"RED", "GREEN", "BLUE"}, *const wides[] = {"W3", "W64",
                                                                                  "W300"};
  static const uint64_t color_values[] = {0, 5, 63}, wide_values[] = {3, 64, 300};
  bw_test_c_enum(d, "Color", 4, "unsigned int", colors, color_values, 3);
  bw_test_c_enum(d, "Wide", 2, "unsigned short", wides, wide_values, 3);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = 32;
  n->align = 8;
  field(d, st, "a", bw_draft_type(d, BW_KIND_U8), 0);
  field(d, st, "b", bw_draft_type(d, BW_KIND_I16), 2);
  field(d, st, "c", bw_draft_type(d, BW_KIND_U32), 4);
  field(d, st, "color", bw_draft_ref(d, "Color"), 8);
  field(d, st, "ok", bw_draft_type(d, BW_KIND_BOOL), 12);
  field(d, st, "two", bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_BOOL), 2), 13);
  field(d, st, "d", bw_draft_type(d, BW_KIND_U64), 16);
  field(d, st, "x", bw_draft_type(d, BW_KIND_F32), 24);
  field(d, st, "w", bw_draft_ref(d, "Wide"), 28);
  bw_draft_add_type(d, "Root", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

/* struct varints { uint8_t a; uint64_t id; int64_t d; _Bool ok; uint64_t ids[2]; int64_t e; }
 * written `a: u8  id: uint  d: int  ok: bool  ids: list<uint>[2]  e: int`, laid out by hand
 * (a@0 id@8 d@16 ok@24 ids@32 e@48, 56 bytes) in either byte order: the varint steps of the
 * plan, of the flat program and of the array calls. */
#define VARINT_REC_SIZE 56u
static bw_schema *varint_schema(int big_endian) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
  if (big_endian) bw_draft_set_target(d, "s390x-ibm-linux", 8, 1, 0);
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, st);
  n->size = VARINT_REC_SIZE;
  n->align = 8;
  field(d, st, "a", bw_draft_type(d, BW_KIND_U8), 0);
  field(d, st, "id", bw_draft_type(d, BW_KIND_UINT), 8);
  field(d, st, "d", bw_draft_type(d, BW_KIND_INT), 16);
  field(d, st, "ok", bw_draft_type(d, BW_KIND_BOOL), 24);
  field(d, st, "ids", bw_draft_list_fixed(d, bw_draft_type(d, BW_KIND_UINT), 2), 32);
  field(d, st, "e", bw_draft_type(d, BW_KIND_INT), 48);
  bw_draft_add_type(d, "Root", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

/* ---- valid messages from the type ---------------------------------------------------- */

typedef struct msgbuf {
  uint8_t b[1 << 14];
  size_t len;
} msgbuf;

static void put_bytes(msgbuf *m, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n && m->len < sizeof m->b; i++) m->b[m->len++] = (uint8_t)(v >> 8 * i);
}

static void put_varint(msgbuf *m, uint64_t v) {
  do {
    uint8_t byte = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) byte |= 0x80;
    put_bytes(m, byte, 1);
  } while (v);
}

static void gen_value(msgbuf *m, const bw_type *t, uint64_t flex_room);

static void gen_scalar(msgbuf *m, const bw_type *r, uint32_t bits) {
  if (r->kind == BW_KIND_ENUM) {
    put_varint(m, r->members[rnd() % r->count].value);
  } else if (r->kind == BW_KIND_BOOL) {
    put_bytes(m, rnd() % 2, 1);
  } else if (r->kind == BW_KIND_UINT || r->kind == BW_KIND_INT) {
    /* any 64-bit value is a uint, or an int zig-zag encoded: magnitudes of 1..10 bytes */
    uint64_t v = rnd();
    put_varint(m, v >> (rnd() % 64));
  } else {
    uint64_t v = rnd();
    if (bits && bits < 64) {
      v &= ((uint64_t)1 << bits) - 1;
      int is_signed = r->kind >= BW_KIND_I8 && r->kind <= BW_KIND_I64;
      if (is_signed && ((v >> (bits - 1)) & 1)) v |= ~(uint64_t)0 << bits;
    }
    put_bytes(m, v, bw_kind_width(r->kind));
  }
}

static void gen_value(msgbuf *m, const bw_type *t, uint64_t flex_room) {
  const bw_type *r = bw_type_resolve(t);
  switch (r->kind) {
    case BW_KIND_DATA_FIXED:
      for (uint64_t i = 0; i < r->length; i++) put_bytes(m, rnd(), 1);
      return;
    case BW_KIND_LIST_FIXED:
      for (uint64_t i = 0; i < r->length; i++) gen_value(m, r->elem, 0);
      return;
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < r->count; i++) {
        const bw_field *f = &r->fields[i];
        const bw_type *ft = bw_type_resolve(f->type);
        if (f->flags & BW_FIELD_BITFIELD) {
          gen_scalar(m, ft, f->bit_width);
        } else if (f->flags & BW_FIELD_FLEXIBLE) {
          uint64_t count = flex_room ? rnd() % (flex_room + 1) : 0;
          put_varint(m, count);
          for (uint64_t k = 0; k < count; k++) gen_value(m, ft->elem, 0);
        } else {
          gen_value(m, f->type, flex_room);
        }
      }
      return;
    default:
      gen_scalar(m, r, 0);
  }
}

/* ---- the differential checks --------------------------------------------------------- */

typedef struct counts {
  unsigned decode_ok, decode_refused, encode_ok, encode_refused;
  unsigned flat, wide; /* schemas whose plan has the flat program, the wide encode */
  unsigned perm;       /* ... the wide form's byte permutes */
  unsigned vr;         /* ... the varint form */
} counts;

typedef struct fixture {
  const bw_schema *s;
  size_t mem_len; /* record and flexible room */
  uint8_t *garbage;
  uint8_t *mem_walk, *mem_plan, *mem_pub;
  bw_view v_walk, v_plan, v_pub;
} fixture;

/* Records bigger than this are skipped (their messages would not fit the message buffer). */
#define MAX_RECORD 8192u

/* 0, or 1 when the record is bigger than MAX_RECORD (nothing allocated then). */
static int fixture_init(fixture *fx, const bw_schema *s, size_t flex_bytes, size_t slack) {
  memset(fx, 0, sizeof *fx);
  fx->s = s;
  const bw_user_type *ut = bw_schema_find(s, "Root");
  ck_assert_ptr_nonnull(ut);
  uint64_t size = 0;
  bw_region r;
  /* the record's size, from a view over enough memory */
  uint8_t *big = calloc(1, 1 << 20);
  ck_assert_ptr_nonnull(big);
  ck_assert_int_eq(bw_region_init_writable(&r, big, 1 << 20, NULL), 0);
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_view_init(&v, s, "Root", &r, 0, &err) == 0, "view: %s", err.message);
  ck_assert_int_eq(bw_view_native_size(&v, 0, &size, NULL), 0);
  free(big);
  if (size > MAX_RECORD) return 1;
  fx->mem_len = (size_t)size + flex_bytes + slack;
  fx->garbage = malloc(fx->mem_len);
  fx->mem_walk = malloc(fx->mem_len);
  fx->mem_plan = malloc(fx->mem_len);
  fx->mem_pub = malloc(fx->mem_len);
  ck_assert_ptr_nonnull(fx->mem_pub);
  uint8_t *mems[3] = {fx->mem_walk, fx->mem_plan, fx->mem_pub};
  bw_view *views[3] = {&fx->v_walk, &fx->v_plan, &fx->v_pub};
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(bw_region_init_writable(&r, mems[i], fx->mem_len, NULL), 0);
    ck_assert_int_eq(bw_view_init(views[i], s, "Root", &r, 0, NULL), 0);
  }
  return 0;
}

static void fixture_free(fixture *fx) {
  free(fx->garbage);
  free(fx->mem_walk);
  free(fx->mem_plan);
  free(fx->mem_pub);
}

/* Decodes msg three ways over the same garbage and compares. */
static void check_decode(fixture *fx, const uint8_t *msg, size_t len, int trailing, counts *c) {
  for (size_t i = 0; i < fx->mem_len; i++) fx->garbage[i] = (uint8_t)rnd();
  memcpy(fx->mem_walk, fx->garbage, fx->mem_len);
  memcpy(fx->mem_plan, fx->garbage, fx->mem_len);
  memcpy(fx->mem_pub, fx->garbage, fx->mem_len);
  bw_native_options o = {0};
  o.allow_trailing = trailing;
  bw_error ew, ep;
  bw_error_clear(&ew);
  bw_error_clear(&ep);
  size_t cw = 7, cp = 7, cu = 7;
  uint64_t fw = 9, fp = 9, fu = 9;
  int rw = bw_mem_walk_decode(&fx->v_walk, msg, len, &o, &cw, &fw, &ew);
  int rp = bw_mem_plan_decode(&fx->v_plan, msg, len, &o, &cp, &fp);
  int ru = bw_view_decode(&fx->v_pub, msg, len, &o, &cu, &fu, &ep);
  /* bw_view_decode is the walker, observably */
  ck_assert_int_eq(ru, rw);
  ck_assert_int_eq(ep.code, ew.code);
  ck_assert_uint_eq(ep.offset, ew.offset);
  ck_assert_str_eq(ep.message, ew.message);
  ck_assert_uint_eq(cu, cw);
  ck_assert_uint_eq(fu, fw);
  ck_assert_mem_eq(fx->mem_pub, fx->mem_walk, fx->mem_len);
  if (rw == 0) {
    /* the plan accepts what the walker accepts, with the same result */
    ck_assert_int_eq(rp, 0);
    ck_assert_uint_eq(cp, cw);
    ck_assert_uint_eq(fp, fw);
    ck_assert_mem_eq(fx->mem_plan, fx->mem_walk, fx->mem_len);
    c->decode_ok++;
  } else {
    /* and refuses the rest without writing */
    ck_assert_int_eq(rp, BW_MEM_PLAN_FALLBACK);
    ck_assert_mem_eq(fx->mem_plan, fx->garbage, fx->mem_len);
    ck_assert_mem_eq(fx->mem_walk, fx->garbage, fx->mem_len);
    c->decode_refused++;
  }
}

/* Encodes the record in mem_walk three ways (and into short buffers) and compares. */
static void check_encode(fixture *fx, uint64_t flex_count, counts *c) {
  memcpy(fx->mem_plan, fx->mem_walk, fx->mem_len);
  memcpy(fx->mem_pub, fx->mem_walk, fx->mem_len);
  static uint8_t bw_[1 << 15], bp[1 << 15], bu[1 << 15];
  bw_native_options o = {0};
  o.flex_count = flex_count;
  bw_error ew, ep;
  bw_error_clear(&ew);
  bw_error_clear(&ep);
  size_t lw = 3, lp = 3, lu = 3;
  int rw = bw_mem_walk_encode_to(&fx->v_walk, &o, bw_, sizeof bw_, &lw, &ew);
  int rp = bw_mem_plan_encode_to(&fx->v_plan, &o, bp, sizeof bp, &lp);
  int ru = bw_view_encode_to(&fx->v_pub, &o, bu, sizeof bu, &lu, &ep);
  ck_assert_int_eq(ru, rw);
  ck_assert_int_eq(ep.code, ew.code);
  ck_assert_uint_eq(ep.offset, ew.offset);
  ck_assert_str_eq(ep.message, ew.message);
  ck_assert_uint_eq(lu, lw);
  if (rw == 0) {
    ck_assert_int_eq(rp, 0);
    ck_assert_uint_eq(lp, lw);
    ck_assert_mem_eq(bp, bw_, lw);
    ck_assert_mem_eq(bu, bw_, lw);
    c->encode_ok++;
    /* a buffer one byte short: BW_ENOSPACE with the size needed, as the walker says */
    if (lw) {
      size_t l1 = 0, l2 = 0;
      int r1 = bw_view_encode_to(&fx->v_pub, &o, bu, lw - 1, &l1, NULL);
      int r2 = bw_mem_walk_encode_to(&fx->v_walk, &o, bw_, lw - 1, &l2, NULL);
      ck_assert_int_eq(r1, BW_ENOSPACE);
      ck_assert_int_eq(r2, BW_ENOSPACE);
      ck_assert_uint_eq(l1, lw);
      ck_assert_uint_eq(l2, lw);
    }
    /* the malloc'd form too */
    uint8_t *heap = NULL;
    size_t hl = 0;
    ck_assert_int_eq(bw_view_encode(&fx->v_pub, &o, &heap, &hl, NULL), 0);
    ck_assert_uint_eq(hl, lw);
    ck_assert_mem_eq(heap, bw_, lw);
    free(heap);
  } else {
    ck_assert_int_eq(rp, BW_MEM_PLAN_FALLBACK);
    c->encode_refused++;
  }
  ck_assert_mem_eq(fx->mem_plan, fx->mem_walk, fx->mem_len); /* encoding never writes */
}

/* Runs the whole differential on one schema: `rounds` valid messages, each also mutated.
 * slack: bytes of region after the record (the wide encode needs 16 readable bytes after
 * each move, so slack 0 and 32 take different paths). */
static void run_schema(const bw_schema *s, uint64_t flex_room, size_t flex_elem, unsigned rounds,
                       size_t slack, counts *c) {
  fixture fx;
  if (fixture_init(&fx, s, (size_t)flex_room * flex_elem, slack)) return;
  int forms = bw_mem_plan_forms(&fx.v_plan);
  c->flat += (forms & BW_MEM_PLAN_FORM_FLAT) != 0;
  c->wide += (forms & BW_MEM_PLAN_FORM_WIDE) != 0;
  c->perm += (forms & BW_MEM_PLAN_FORM_PERM) != 0;
  c->vr += (forms & BW_MEM_PLAN_FORM_VARINT) != 0;
  const bw_type *root = bw_schema_find(s, "Root")->type;
  static msgbuf m;
  static uint8_t mut[sizeof m.b + 1];
  for (unsigned round = 0; round < rounds; round++) {
    m.len = 0;
    gen_value(&m, root, flex_room);
    ck_assert_uint_lt(m.len, sizeof m.b);
    /* the valid message, then the record it gives, encoded back */
    check_decode(&fx, m.b, m.len, 0, c);
    uint64_t count = 0;
    ck_assert_int_eq(bw_mem_walk_decode(&fx.v_walk, m.b, m.len, NULL, NULL, &count, NULL), 0);
    check_encode(&fx, count, c);
    /* the record with random bytes written into it (bad bools, enums, bitfields) */
    for (int k = 0; k < 3; k++) {
      ck_assert_int_eq(bw_mem_walk_decode(&fx.v_walk, m.b, m.len, NULL, NULL, &count, NULL), 0);
      size_t at = rnd() % fx.mem_len;
      fx.mem_walk[at] = (uint8_t)rnd();
      check_encode(&fx, count, c);
    }
    /* a flexible count past the memory */
    if (flex_room) check_encode(&fx, flex_room + 1 + rnd() % 3, c);
    /* mutations: one byte changed, cut short, one byte more (with and without allow_trailing) */
    memcpy(mut, m.b, m.len);
    if (m.len) {
      size_t at = rnd() % m.len;
      mut[at] = (uint8_t)(rnd() % 4 == 0 ? rnd() % 3 : rnd());
      check_decode(&fx, mut, m.len, 0, c);
      memcpy(mut, m.b, m.len);
      check_decode(&fx, mut, rnd() % m.len, 0, c);
    }
    mut[m.len] = (uint8_t)rnd();
    check_decode(&fx, mut, m.len + 1, 0, c);
    check_decode(&fx, mut, m.len + 1, 1, c);
    /* random bytes of about the right size */
    size_t rl = m.len ? rnd() % (m.len + 2) : 1;
    for (size_t i = 0; i < rl; i++) mut[i] = (uint8_t)(rnd() % 2 ? rnd() : rnd() % 2);
    check_decode(&fx, mut, rl, 0, c);
  }
  fixture_free(&fx);
}

/* _i: 1 plans with the CPU's vector forms where it has them, 0 without (the same schemas). */
START_TEST(random_natural_schemas_agree_with_the_walker) {
  rng_state = 0x9e3779b97f4a7c15ull;
  counts c = {0};
  bw_mem_plan_allow_simd(_i);
  for (int i = 0; i < 150; i++) {
    bw_schema *s = random_schema();
    run_schema(s, 0, 0, 12, 0, &c);
    uint64_t keep = rng_state; /* the extra runs leave the schema sequence as it was */
    run_schema(s, 0, 0, 6, 32, &c);
    bw_schema_free(s);
    rng_state = keep;
  }
  bw_mem_plan_allow_simd(1);
  /* every form of the plan was exercised */
  ck_assert_uint_gt(c.flat, 50);
  ck_assert_uint_gt(c.wide, 20);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (_i && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vbmi"))
    ck_assert_uint_gt(c.perm, 20);
  else
#endif
    ck_assert_uint_eq(c.perm, 0);
#ifdef BW_VARINT_AVX512
  if (_i && bw_varint_avx512_cpu())
    ck_assert_uint_gt(c.vr, 10);
  else
#endif
    ck_assert_uint_eq(c.vr, 0);
  /* the plan did the work (it is not silently falling back everywhere) */
  ck_assert_uint_gt(c.decode_ok, 1000);
  ck_assert_uint_gt(c.decode_refused, 1000);
  ck_assert_uint_gt(c.encode_ok, 1000);
  ck_assert_uint_gt(c.encode_refused, 100);
}
END_TEST

START_TEST(bitfields_enum_flex_little_and_big_endian_agree_with_the_walker) {
  rng_state = 0x2545f4914f6cdd1dull + (uint64_t)_i;
  counts c = {0};
  bw_schema *s = laid_out_schema(_i);
  run_schema(s, 9, 2, 2000, 0, &c);
  bw_schema_free(s);
  ck_assert_uint_gt(c.decode_ok, 1000);
  ck_assert_uint_gt(c.decode_refused, 1000);
  ck_assert_uint_gt(c.encode_ok, 1000);
  ck_assert_uint_gt(c.encode_refused, 500);
}
END_TEST

/* _i: 0 little-endian, 1 big-endian; each with no slack after the record and with 32 bytes. */
START_TEST(flat_record_every_step_agrees_with_the_walker) {
  rng_state = 0x51f15e5d00d5ull + (uint64_t)_i;
  counts c = {0};
  bw_schema *s = flat_schema(_i);
  run_schema(s, 0, 0, 1500, 0, &c);
  run_schema(s, 0, 0, 1500, 32, &c);
  bw_schema_free(s);
  ck_assert_uint_eq(c.flat, 2);
  ck_assert_uint_eq(c.wide, 0); /* an enum of the table: the wire size varies */
  ck_assert_uint_gt(c.decode_ok, 1000);
  ck_assert_uint_gt(c.decode_refused, 1000);
  ck_assert_uint_gt(c.encode_ok, 1000);
  ck_assert_uint_gt(c.encode_refused, 500);
}
END_TEST

/* _i: 0 little-endian, 1 big-endian. */
START_TEST(varint_record_agrees_with_the_walker) {
  rng_state = 0x7a41e7ull + (uint64_t)_i;
  counts c = {0};
  bw_schema *s = varint_schema(_i);
  run_schema(s, 0, 0, 1500, 0, &c);
  run_schema(s, 0, 0, 1500, 32, &c);
  bw_schema_free(s);
  ck_assert_uint_eq(c.flat, 2);
  ck_assert_uint_eq(c.wide, 0); /* varints: the wire size varies */
  ck_assert_uint_gt(c.decode_ok, 1000);
  ck_assert_uint_gt(c.decode_refused, 1000);
  ck_assert_uint_gt(c.encode_ok, 1000);
  ck_assert_uint_gt(c.encode_refused, 100); /* every 64-bit value has a varint: only the bool */
}
END_TEST

/* ---- arrays of records: bw_view_encode_array and bw_view_decode_array against the single
 * calls they stand for ------------------------------------------------------------------- */

#define ARRAY_N 7u

/* Decodes msgs[0..len) into the ARRAY_N records of mem the way the array call is specified:
 * one bw_view_decode per record on the rest of the input with allow_trailing, stopping at the
 * first error (its offset moved to count from the start of msgs). */
static int reference_decode_array(const bw_schema *s, uint8_t *mem, size_t size, const uint8_t *m,
                                  size_t len, int trailing, uint64_t *decoded, size_t *consumed,
                                  bw_error *err) {
  bw_region r;
  ck_assert_int_eq(bw_region_init_writable(&r, mem, size * ARRAY_N, NULL), 0);
  size_t pos = 0;
  bw_native_options one = {0};
  one.allow_trailing = 1;
  for (unsigned i = 0; i < ARRAY_N; i++) {
    bw_view v;
    size_t n = 0;
    ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, i * size, NULL), 0);
    int rc = bw_view_decode(&v, m + pos, len - pos, &one, &n, NULL, err);
    if (rc) {
      err->offset += pos;
      *decoded = i;
      *consumed = pos;
      return rc;
    }
    pos += n;
  }
  *decoded = ARRAY_N;
  *consumed = pos;
  if (pos != len && !trailing)
    return bw_error_set(err, BW_ETRAILING, pos, "%zu bytes after the last message", len - pos);
  return 0;
}

/* Decodes msgs both ways over the same garbage and compares everything. */
static void check_decode_array(const bw_schema *s, size_t size, const uint8_t *m, size_t len,
                               int trailing, counts *c) {
  size_t total = size * ARRAY_N;
  uint8_t *ref = malloc(total), *got = malloc(total);
  ck_assert_ptr_nonnull(got);
  for (size_t i = 0; i < total; i++) ref[i] = (uint8_t)rnd();
  memcpy(got, ref, total);
  bw_error er, eg;
  bw_error_clear(&er);
  bw_error_clear(&eg);
  uint64_t dr = 99, dg = 99;
  size_t cr = 99, cg = 99;
  int rr = reference_decode_array(s, ref, size, m, len, trailing, &dr, &cr, &er);
  bw_region r;
  bw_view v;
  ck_assert_int_eq(bw_region_init_writable(&r, got, total, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  bw_native_options o = {0};
  o.allow_trailing = trailing;
  int rg = bw_view_decode_array(&v, ARRAY_N, m, len, &o, &dg, &cg, &eg);
  ck_assert_int_eq(rg, rr);
  ck_assert_int_eq(eg.code, er.code);
  ck_assert_uint_eq(eg.offset, er.offset);
  ck_assert_str_eq(eg.message, er.message);
  ck_assert_uint_eq(dg, dr);
  ck_assert_uint_eq(cg, cr);
  ck_assert_mem_eq(got, ref, total); /* records after a bad message untouched, as in ref */
  if (rr == 0)
    c->decode_ok++;
  else
    c->decode_refused++;
  free(ref);
  free(got);
}

/* Encodes the ARRAY_N records of mem both ways (and into a buffer one byte short). */
static void check_encode_array(const bw_schema *s, uint8_t *mem, size_t size, counts *c) {
  static uint8_t want[1 << 17], out[1 << 17];
  size_t want_ends[ARRAY_N], ends[ARRAY_N], pos = 0;
  bw_region r;
  ck_assert_int_eq(bw_region_init_writable(&r, mem, size * ARRAY_N, NULL), 0);
  bw_error er, eg;
  bw_error_clear(&er);
  bw_error_clear(&eg);
  int rr = 0;
  for (unsigned i = 0; i < ARRAY_N && !rr; i++) {
    bw_view v;
    size_t n = 0;
    ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, i * size, NULL), 0);
    rr = bw_view_encode_to(&v, NULL, want + pos, sizeof want - pos, &n, &er);
    pos += n;
    want_ends[i] = pos;
  }
  bw_view v;
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  size_t len = 0;
  int rg = bw_view_encode_array(&v, ARRAY_N, out, sizeof out, &len, ends, &eg);
  ck_assert_int_eq(rg, rr);
  ck_assert_int_eq(eg.code, er.code);
  ck_assert_uint_eq(eg.offset, er.offset);
  ck_assert_str_eq(eg.message, er.message);
  if (rr) {
    c->encode_refused++;
    return;
  }
  c->encode_ok++;
  ck_assert_uint_eq(len, pos);
  ck_assert_mem_eq(out, want, pos);
  ck_assert_mem_eq(ends, want_ends, sizeof ends);
  /* one byte short: BW_ENOSPACE, the size needed, the ends of the messages that fit */
  memset(ends, 0, sizeof ends);
  len = 0;
  ck_assert_int_eq(bw_view_encode_array(&v, ARRAY_N, out, pos - 1, &len, ends, &eg), BW_ENOSPACE);
  ck_assert_uint_eq(len, pos);
  for (unsigned i = 0; i + 1 < ARRAY_N; i++) ck_assert_uint_eq(ends[i], want_ends[i]);
  ck_assert_uint_eq(ends[ARRAY_N - 1], 0);
  /* the size alone */
  len = 0;
  ck_assert_int_eq(bw_view_encode_array(&v, ARRAY_N, NULL, 0, &len, NULL, NULL), BW_ENOSPACE);
  ck_assert_uint_eq(len, pos);
}

static void run_array(const bw_schema *s, unsigned rounds, counts *c) {
  fixture fx;
  if (fixture_init(&fx, s, 0, 0)) return;
  size_t size = fx.mem_len;
  int forms = bw_mem_plan_forms(&fx.v_plan);
  c->flat += (forms & BW_MEM_PLAN_FORM_FLAT) != 0;
  c->wide += (forms & BW_MEM_PLAN_FORM_WIDE) != 0;
  c->vr += (forms & BW_MEM_PLAN_FORM_VARINT) != 0;
  fixture_free(&fx);
  const bw_type *root = bw_schema_find(s, "Root")->type;
  static msgbuf m;
  static uint8_t mut[sizeof m.b + 1];
  uint8_t *mem = malloc(size * ARRAY_N);
  ck_assert_ptr_nonnull(mem);
  for (unsigned round = 0; round < rounds; round++) {
    m.len = 0;
    for (unsigned i = 0; i < ARRAY_N; i++) gen_value(&m, root, 0);
    if (m.len >= sizeof m.b) break; /* records too big for the buffer: another schema */
    check_decode_array(s, size, m.b, m.len, 0, c);
    /* the records, encoded back; then with a random byte written into one of them */
    uint64_t done = 0;
    bw_region r;
    bw_view v;
    ck_assert_int_eq(bw_region_init_writable(&r, mem, size * ARRAY_N, NULL), 0);
    ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
    ck_assert_int_eq(bw_view_decode_array(&v, ARRAY_N, m.b, m.len, NULL, &done, NULL, NULL), 0);
    ck_assert_uint_eq(done, ARRAY_N);
    check_encode_array(s, mem, size, c);
    size_t at = rnd() % (size * ARRAY_N);
    mem[at] = (uint8_t)rnd();
    check_encode_array(s, mem, size, c);
    /* one byte changed; cut short; one byte more, with and without allow_trailing */
    memcpy(mut, m.b, m.len);
    if (m.len) {
      size_t at2 = rnd() % m.len;
      mut[at2] = (uint8_t)(rnd() % 4 == 0 ? rnd() % 3 : rnd());
      check_decode_array(s, size, mut, m.len, 0, c);
      memcpy(mut, m.b, m.len);
      check_decode_array(s, size, mut, rnd() % m.len, 0, c);
    }
    mut[m.len] = (uint8_t)rnd();
    check_decode_array(s, size, mut, m.len + 1, 0, c);
    check_decode_array(s, size, mut, m.len + 1, 1, c);
  }
  free(mem);
}

START_TEST(arrays_of_records_agree_with_single_calls) {
  rng_state = 0xa11a7e5ull;
  counts c = {0};
  for (int i = 0; i < 60; i++) {
    bw_schema *s = random_schema();
    run_array(s, 6, &c);
    bw_schema_free(s);
  }
  for (int be = 0; be < 2; be++) {
    bw_schema *s = flat_schema(be);
    run_array(s, 200, &c);
    bw_schema_free(s);
    s = varint_schema(be);
    unsigned vr_before = c.vr;
    run_array(s, 200, &c);
    bw_schema_free(s);
    /* (the varint form: little-endian layouts on a CPU with the AVX-512 varint kernels) */
#ifdef BW_VARINT_AVX512
    if (!be && !bw_host_big_endian() && bw_varint_avx512_cpu())
      ck_assert_uint_eq(c.vr, vr_before + 1);
    else
#endif
      ck_assert_uint_eq(c.vr, vr_before);
  }
  /* a record of fixed wire size with bools and a small enum (the wide encode and decode:
   * every bool byte and enum value checked before anything is stored) */
  static const char *text = "type Color enum { RED GREEN BLUE = 7 }\n"
                            "type Root struct { id: u32  ok: bool  color: Color  pts: "
                            "list<i16>[4]  w: f64  bits: list<bool>[3] }\n";
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, NULL), 0);
  unsigned wide_before = c.wide;
  run_array(s, 300, &c);
  if (!bw_host_big_endian()) ck_assert_uint_eq(c.wide, wide_before + 1);
  bw_schema_free(s);
  ck_assert_uint_gt(c.flat, 20);
  ck_assert_uint_gt(c.wide, 5); /* the wide encode and decode of arrays */
  ck_assert_uint_gt(c.decode_ok, 200);
  ck_assert_uint_gt(c.decode_refused, 500);
  ck_assert_uint_gt(c.encode_ok, 200);
  ck_assert_uint_gt(c.encode_refused, 50);
}
END_TEST

/* What an array call refuses before looking at any record. */
START_TEST(array_call_errors) {
  bw_schema *s = flat_schema(0);
  uint8_t mem[32 * 3];
  memset(mem, 0, sizeof mem);
  for (int i = 0; i < 3; i++) mem[32 * i + 28] = 3; /* w = W3 (0 is not a member) */
  bw_region r;
  bw_view v;
  bw_error err;
  ck_assert_int_eq(bw_region_init_writable(&r, mem, sizeof mem, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 32, NULL), 0);
  uint8_t out[256];
  size_t len = 0;
  /* records 1 and 2 fit from offset 32, a third does not: BW_ERANGE at the view's offset */
  ck_assert_int_eq(bw_view_encode_array(&v, 2, out, sizeof out, &len, NULL, NULL), 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_array(&v, 3, out, sizeof out, &len, NULL, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, 32);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode_array(&v, 3, out, len, NULL, NULL, NULL, &err), BW_ERANGE);
  ck_assert_uint_eq(err.offset, 32);
  /* zero records: nothing to do, and no bytes may follow */
  ck_assert_int_eq(bw_view_encode_array(&v, 0, out, sizeof out, &len, NULL, NULL), 0);
  ck_assert_uint_eq(len, 0);
  ck_assert_int_eq(bw_view_decode_array(&v, 0, out, 0, NULL, NULL, NULL, NULL), 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode_array(&v, 0, out, 1, NULL, NULL, NULL, &err), BW_ETRAILING);
  ck_assert_uint_eq(err.offset, 0);
  /* a read-only destination */
  bw_region ro;
  bw_view rv;
  ck_assert_int_eq(bw_region_init_readonly(&ro, mem, sizeof mem, NULL), 0);
  ck_assert_int_eq(bw_view_init(&rv, s, "Root", &ro, 0, NULL), 0);
  ck_assert_int_eq(bw_view_decode_array(&rv, 1, out, 1, NULL, NULL, NULL, NULL), BW_EREADONLY);
  bw_schema_free(s);
  /* a record with a flexible array member has no fixed size */
  s = laid_out_schema(0);
  uint8_t big[REC_SIZE * 2];
  ck_assert_int_eq(bw_region_init_writable(&r, big, sizeof big, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_encode_array(&v, 1, out, sizeof out, &len, NULL, &err), BW_EINVAL);
  ck_assert_int_eq(bw_view_decode_array(&v, 1, out, 1, NULL, NULL, NULL, &err), BW_EINVAL);
  bw_schema_free(s);
}
END_TEST

/* A message over the size limit in the middle of an array: BW_ELIMIT at its start, the
 * records before it written. */
START_TEST(array_message_over_the_limit) {
  rng_state = 0x11417ull;
  bw_schema *s = flat_schema(0);
  const bw_type *root = bw_schema_find(s, "Root")->type;
  static msgbuf m;
  size_t first;
  do { /* a second message longer than the first (enum varints of 1 or 2 bytes) */
    m.len = 0;
    gen_value(&m, root, 0);
    first = m.len;
    gen_value(&m, root, 0);
  } while (m.len - first <= first);
  uint8_t mem[32 * 2];
  memset(mem, 0xee, sizeof mem);
  bw_region r;
  bw_view v;
  ck_assert_int_eq(bw_region_init_writable(&r, mem, sizeof mem, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  bw_native_options o = {0};
  o.max_message_size = first;
  bw_error err;
  bw_error_clear(&err);
  uint64_t done = 9;
  size_t used = 9;
  ck_assert_int_eq(bw_view_decode_array(&v, 2, m.b, m.len, &o, &done, &used, &err), BW_ELIMIT);
  ck_assert_uint_eq(err.offset, first);
  char want[96];
  snprintf(want, sizeof want, "array: message 1 exceeds the limit of %zu bytes", first);
  ck_assert_str_eq(err.message, want);
  ck_assert_uint_eq(done, 1);
  ck_assert_uint_eq(used, first);
  ck_assert_uint_ne(mem[1], 0xee);  /* the first record's padding byte, zeroed */
  ck_assert_uint_eq(mem[32], 0xee); /* the second record untouched */
  /* with the limit at the longer one, both decode */
  o.max_message_size = m.len - first;
  ck_assert_int_eq(bw_view_decode_array(&v, 2, m.b, m.len, &o, &done, &used, NULL), 0);
  ck_assert_uint_eq(done, 2);
  ck_assert_uint_eq(used, m.len);
  bw_schema_free(s);
}
END_TEST

/* A schema of one type, Root: a struct of n fields of these kinds and names. */
static bw_schema *root_struct(const bw_kind *kinds, const char *const *names, size_t n) {
  bw_draft *d = bw_draft_new();
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  for (size_t i = 0; i < n; i++) bw_draft_add_field(d, st, names[i], bw_draft_type(d, kinds[i]));
  bw_draft_add_type(d, "Root", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
  return s;
}

/* A hex vector through the plan: struct { u8 a; u32 b; } (natural layout: 3 bytes of padding)
 * holding a = 0x11, b = 0x44332211 is the 5 bytes 11 11 22 33 44. */
START_TEST(plain_record_vector) {
  static const bw_kind kinds[] = {BW_KIND_U8, BW_KIND_U32};
  static const char *const names[] = {"a", "b"};
  bw_schema *s = root_struct(kinds, names, 2);
  struct {
    uint8_t a;
    uint32_t b;
  } rec;
  memset(&rec, 0xee, sizeof rec);
  bw_region r;
  bw_view v;
  ck_assert_int_eq(bw_region_init_writable(&r, &rec, sizeof rec, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  static const uint8_t msg[] = {0x11, 0x11, 0x22, 0x33, 0x44};
  size_t consumed = 0;
  ck_assert_int_eq(bw_mem_plan_decode(&v, msg, sizeof msg, NULL, &consumed, NULL), 0);
  ck_assert_uint_eq(consumed, 5);
  ck_assert_uint_eq(rec.a, 0x11);
  ck_assert_uint_eq(rec.b, 0x44332211u);
  const uint8_t *pad = (const uint8_t *)&rec + 1;
  ck_assert(pad[0] == 0 && pad[1] == 0 && pad[2] == 0); /* padding zeroed */
  uint8_t out[8];
  size_t len = 0;
  ck_assert_int_eq(bw_mem_plan_encode_to(&v, NULL, out, sizeof out, &len), 0);
  ck_assert_uint_eq(len, 5);
  ck_assert_mem_eq(out, msg, 5);
  /* truncated: the plan refuses, the public call reports the walker's offset (1: b) */
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mem_plan_decode(&v, msg, 4, NULL, NULL, NULL), BW_MEM_PLAN_FALLBACK);
  ck_assert_int_eq(bw_view_decode(&v, msg, 4, NULL, NULL, NULL, &err), BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 1);
  bw_schema_free(s);
}
END_TEST

/* The public calls' fronts on a record with the permute form (where the CPU has it; the same
 * answers without): trailing bytes, the size limit, a read-only region, a bad bool and too
 * little room each get the walker's error, with the record and the buffer untouched. */
START_TEST(permute_front_refusals) {
  static const bw_kind kinds[] = {BW_KIND_U8, BW_KIND_BOOL, BW_KIND_U32};
  static const char *const names[] = {"a", "ok", "b"};
  bw_schema *s = root_struct(kinds, names, 3);
  struct {
    uint8_t a;
    bool ok;
    uint32_t b;
  } rec, before;
  memset(&rec, 0xee, sizeof rec);
  before = rec;
  bw_region r, ro;
  bw_view v, vro;
  ck_assert_int_eq(bw_region_init_writable(&r, &rec, sizeof rec, NULL), 0);
  ck_assert_int_eq(bw_view_init(&v, s, "Root", &r, 0, NULL), 0);
  static const uint8_t msg[] = {0x11, 0x01, 0x22, 0x33, 0x44, 0x55, 0x99};
  bw_error err;
  size_t used = 0;
  /* a trailing byte: refused unless allowed */
  ck_assert_int_eq(bw_view_decode(&v, msg, 7, NULL, &used, NULL, &err), BW_ETRAILING);
  ck_assert_mem_eq(&rec, &before, sizeof rec);
  bw_native_options o = {0};
  o.allow_trailing = 1;
  ck_assert_int_eq(bw_view_decode(&v, msg, 7, &o, &used, NULL, &err), 0);
  ck_assert_uint_eq(used, 6);
  ck_assert_uint_eq(rec.b, 0x55443322u);
  /* the size limit below the message */
  memset(&rec, 0xee, sizeof rec);
  bw_native_options lim = {0};
  lim.max_message_size = 5;
  ck_assert_int_eq(bw_view_decode(&v, msg, 6, &lim, &used, NULL, &err), BW_ELIMIT);
  ck_assert_mem_eq(&rec, &before, sizeof rec);
  /* a read-only region */
  uint8_t frozen[sizeof rec];
  memset(frozen, 0xee, sizeof frozen);
  ck_assert_int_eq(bw_region_init_readonly(&ro, frozen, sizeof frozen, NULL), 0);
  ck_assert_int_eq(bw_view_init(&vro, s, "Root", &ro, 0, NULL), 0);
  ck_assert_int_eq(bw_view_decode(&vro, msg, 6, NULL, &used, NULL, &err), BW_EREADONLY);
  for (size_t k = 0; k < sizeof frozen; k++) ck_assert_uint_eq(frozen[k], 0xee);
  /* a bool of 2, at its offset */
  static const uint8_t bad[] = {0x11, 0x02, 0x22, 0x33, 0x44, 0x55};
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_decode(&v, bad, 6, NULL, &used, NULL, &err), BW_EBOOL);
  ck_assert_uint_eq(err.offset, 1);
  ck_assert_mem_eq(&rec, &before, sizeof rec);
  /* encoding: too little room (the size needed reported), then room, then a bool of 2 */
  ck_assert_int_eq(bw_view_decode(&v, msg, 6, NULL, &used, NULL, &err), 0);
  uint8_t out[6];
  size_t len = 0;
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, 5, &len, &err), BW_ENOSPACE);
  ck_assert_uint_eq(len, 6);
  ck_assert_int_eq(bw_view_encode_to(&v, NULL, out, 6, &len, &err), 0);
  ck_assert_uint_eq(len, 6);
  ck_assert_mem_eq(out, msg, 6);
  memset(&rec.ok, 2, 1);
  ck_assert_int_ne(bw_view_encode_to(&v, NULL, out, 6, &len, &err), 0);
  bw_schema_free(s);
}
END_TEST

static Suite *plan_suite(void) {
  Suite *s = suite_create("memory_plan");
  TCase *tc = tcase_create("differential");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, plain_record_vector);
  tcase_add_test(tc, permute_front_refusals);
  tcase_add_loop_test(tc, random_natural_schemas_agree_with_the_walker, 0, 2);
  tcase_add_loop_test(tc, flat_record_every_step_agrees_with_the_walker, 0, 2);
  tcase_add_loop_test(tc, varint_record_agrees_with_the_walker, 0, 2);
  tcase_add_test(tc, arrays_of_records_agree_with_single_calls);
  tcase_add_test(tc, array_call_errors);
  tcase_add_test(tc, array_message_over_the_limit);
  tcase_add_loop_test(tc, bitfields_enum_flex_little_and_big_endian_agree_with_the_walker, 0, 2);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(plan_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

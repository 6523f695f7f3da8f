/* Check suite for the compiled native <-> wire plans (src/memory/plan.c), differential against
 * the reference walker (src/memory/native_wire.c, reachable as bw_mem_walk_*):
 *
 *   - random schemas of every construct with a natural host layout (numbers, bools, enums, byte
 *     arrays, fixed arrays short and long, nested structs), and a hand-laid record with padding,
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  static const bw_kind fixed[] = {BW_KIND_U8,  BW_KIND_U16, BW_KIND_U32, BW_KIND_U64, BW_KIND_I8,
                                  BW_KIND_I16, BW_KIND_I32, BW_KIND_I64, BW_KIND_F32, BW_KIND_F64};
  if (pick < 6) return bw_draft_type(d, fixed[rnd() % 10]);
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
        value += 1 + rnd() % (rnd() % 2 ? 3 : 300);
      }
      bw_draft_add_type(d, name, e);
      return bw_draft_ref(d, name);
    }
    case 9:
      return bw_draft_data_fixed(d, 1 + rnd() % 9);
    case 10:
    case 11:
      return bw_draft_list_fixed(d, gen_type(d, depth + 1), 1 + rnd() % 5);
    case 12:
      /* long enough to become a repeat step when the element is not plain */
      return bw_draft_list_fixed(d, gen_type(d, depth + 1), 20 + rnd() % 30);
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

#define REC_SIZE 40u

/* struct rec { uint8_t a; int16_t b; unsigned c : 3; int d : 5; _Bool e : 1; unsigned f : 20;
 *              enum color color; char name[5]; int16_t arr[3]; double x; uint16_t items[]; }
 * as an x86-64 (or, big_endian, s390x) compiler lays it out: the layout of
 * tests/fuzz/fuzz_native_decode.c. */
static bw_schema *laid_out_schema(int big_endian) {
  bw_draft *d = bw_draft_new();
  ck_assert_ptr_nonnull(d);
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

static unsigned kind_width(bw_kind k) {
  switch (k) {
    case BW_KIND_U8:
    case BW_KIND_I8:
    case BW_KIND_BOOL:
      return 1;
    case BW_KIND_U16:
    case BW_KIND_I16:
      return 2;
    case BW_KIND_U32:
    case BW_KIND_I32:
    case BW_KIND_F32:
      return 4;
    default:
      return 8;
  }
}

static void gen_value(msgbuf *m, const bw_type *t, uint64_t flex_room);

static void gen_scalar(msgbuf *m, const bw_type *r, uint32_t bits) {
  if (r->kind == BW_KIND_ENUM) {
    put_varint(m, r->members[rnd() % r->count].value);
  } else if (r->kind == BW_KIND_BOOL) {
    put_bytes(m, rnd() % 2, 1);
  } else {
    uint64_t v = rnd();
    if (bits && bits < 64) {
      v &= ((uint64_t)1 << bits) - 1;
      int is_signed = r->kind >= BW_KIND_I8 && r->kind <= BW_KIND_I64;
      if (is_signed && ((v >> (bits - 1)) & 1)) v |= ~(uint64_t)0 << bits;
    }
    put_bytes(m, v, kind_width(r->kind));
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
} counts;

typedef struct fixture {
  const bw_schema *s;
  size_t mem_len; /* record and flexible room */
  uint8_t *garbage;
  uint8_t *mem_walk, *mem_plan, *mem_pub;
  bw_view v_walk, v_plan, v_pub;
} fixture;

static void fixture_init(fixture *fx, const bw_schema *s, size_t flex_bytes) {
  memset(fx, 0, sizeof *fx);
  fx->s = s;
  const bw_user_type *ut = bw_schema_find(s, "Root");
  ck_assert_ptr_nonnull(ut);
  uint64_t size = 0;
  bw_region r;
  /* the record's size, from a view over enough memory */
  uint8_t *big = calloc(1, 1 << 16);
  ck_assert_int_eq(bw_region_init_writable(&r, big, 1 << 16, NULL), 0);
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_msg(bw_view_init(&v, s, "Root", &r, 0, &err) == 0, "view: %s", err.message);
  ck_assert_int_eq(bw_view_native_size(&v, 0, &size, NULL), 0);
  free(big);
  fx->mem_len = (size_t)size + flex_bytes;
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

/* Runs the whole differential on one schema: `rounds` valid messages, each also mutated. */
static void run_schema(const bw_schema *s, uint64_t flex_room, size_t flex_elem, unsigned rounds,
                       counts *c) {
  fixture fx;
  fixture_init(&fx, s, (size_t)flex_room * flex_elem);
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
      fx.mem_walk[rnd() % fx.mem_len] = (uint8_t)rnd();
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

START_TEST(random_natural_schemas_agree_with_the_walker) {
  rng_state = 0x9e3779b97f4a7c15ull;
  counts c = {0};
  for (int i = 0; i < 150; i++) {
    bw_schema *s = random_schema();
    run_schema(s, 0, 0, 12, &c);
    bw_schema_free(s);
  }
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
  run_schema(s, 9, 2, 2000, &c);
  bw_schema_free(s);
  ck_assert_uint_gt(c.decode_ok, 1000);
  ck_assert_uint_gt(c.decode_refused, 1000);
  ck_assert_uint_gt(c.encode_ok, 1000);
  ck_assert_uint_gt(c.encode_refused, 500);
}
END_TEST

/* A hex vector through the plan: struct { u8 a; u32 b; } (natural layout: 3 bytes of padding)
 * holding a = 0x11, b = 0x44332211 is the 5 bytes 11 11 22 33 44. */
START_TEST(plain_record_vector) {
  bw_draft *d = bw_draft_new();
  bw_type *st = bw_draft_type(d, BW_KIND_STRUCT);
  bw_draft_add_field(d, st, "a", bw_draft_type(d, BW_KIND_U8));
  bw_draft_add_field(d, st, "b", bw_draft_type(d, BW_KIND_U32));
  bw_draft_add_type(d, "Root", st);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_draft_validate(d, NULL, &s, NULL), 0);
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

static Suite *plan_suite(void) {
  Suite *s = suite_create("memory_plan");
  TCase *tc = tcase_create("differential");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, plain_record_vector);
  tcase_add_test(tc, random_natural_schemas_agree_with_the_walker);
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

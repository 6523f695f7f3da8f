/* barewire codec: wire plans of structs of scalars (internal; not installed). Two kinds, made
 * once by bw_draft_validate through bw_wire_plan_tree (bw_type.wire, in the schema's arena,
 * freed with it):
 * - A struct whose fields all resolve to u8..u64, i8..i64, f32, f64 or bool has the same size
 *   and the same field offsets in every message; its plan gives each field's offset and the
 *   shifts and range that read or check it without a dispatch on its kind. The decoder checks
 *   the bool fields' bytes first (a list of their offsets) and then reads the struct with one
 *   bounds check and one 8-byte load per field, no check in the loop: fields whose 8 bytes
 *   from their offset stay inside the struct load forward and shift their bytes to the top;
 *   the others load the 8 bytes that end with them (the struct takes at least
 *   BW_WIRE_PLAN_MIN bytes, so those start inside it). The encoder checks each value's kind
 *   and range and stores it (forward fields as 8 bytes that later fields overwrite).
 * - A struct of those and uint, int and enum fields and fixed-length lists of fixed-width
 *   numbers (sizes vary, or the struct has a list; `scalar` set): encoded and decoded in one
 *   loop over the fields' resolved types and operations, with room for its longest encoding
 *   checked once, without the walk's per-field resolution and room checks.
 * Little-endian hosts only (f32 values are read and written through the low half of their 64
 * bits). */
#ifndef BAREWIRE_WIRE_PLAN_H
#define BAREWIRE_WIRE_PLAN_H

#include "barewire/schema.h"

#include "../core/core.h"

#define BW_WIRE_PLAN_MIN 16u
#define BW_WIRE_PLAN_MAX_FIELDS 4096u

/* bw_wire_field.op */
enum { BW_WIRE_FIXED, BW_WIRE_UINT, BW_WIRE_INT, BW_WIRE_ENUM, BW_WIRE_NUMBERS };

typedef struct bw_wire_field {
  const bw_type *type; /* the field's resolved type */
  const bw_type *elem; /* NUMBERS: the resolved element type of the list<T>[N] */
  uint64_t mask;       /* encode: value bits & mask (f32: the low 32) ... */
  uint64_t bias;       /* ... + bias must be <= limit (signed kinds shifted to unsigned) */
  uint64_t limit;      /* (ENUM: mask has bit v for each member v below 64, limit is the
                          largest member: bw_wire_enum_member) */
  uint64_t dmask;      /* decode: value = (load << left) >> right (arithmetic) & dmask */
  uint32_t at;         /* the field's offset in the struct */
  uint32_t load;       /* decode: offset of the 8-byte load */
  uint8_t width;       /* 1, 2, 4 or 8 */
  uint8_t left;        /* decode: see dmask */
  uint8_t right;
  uint8_t is_signed;  /* i8..i64 */
  uint8_t is_bool;    /* a byte above 1 is refused (decode: by bool_at, before the loads) */
  uint8_t is_forward; /* load == at: 8 bytes from the field's offset stay inside the struct */
  uint8_t op;         /* BW_WIRE_*: FIXED (every field of a plan without varints), a varint, or
                         NUMBERS (a list<T>[N] of fixed-width numbers or bools: N x width) */
  uint8_t run;        /* uint and int fields in a row from this one (at most 8), else 0 */
  uint8_t ints;       /* bit j: field j of that run is an int */
} bw_wire_field;

/* A plan of the first kind with at most 16 fields and 64 bytes, in the form the AVX-512
 * encoder and decoder read (encode.c, decode.c).
 * - Decoder, fields in order: each field's type (types); which wire byte is byte k of value i
 *   (unpack, for the bytes set in unpack_keep); the shift that sign-extends each value
 *   (64 - 8 x width for i8..i32, else 0), and the bool fields (bit i).
 * - Encoder, fields in the order its in-lane unpacks leave them (bw_wire_vec_slot): each
 *   field's type (enc_types), bias and limit (no mask: an f32's limit lets any bits pass), and
 *   which byte of the 16 values (8 bytes each) is each byte of the wire form (pack).
 * Zeros and the null type past count. The struct is 64-byte aligned (bw_wire_plan_struct),
 * and so is each row: a 64-byte load of one then keeps to one cache line. */
typedef struct bw_wire_vec {
  uint8_t pack[64];
  uint8_t unpack[128];
  const bw_type *types[16], *enc_types[16];
  uint64_t bias[16], limit[16];
  uint64_t shift[16];
  uint64_t unpack_keep[2];
  uint32_t bools;
} bw_wire_vec;

/* F(n) for each field count a vec form can have: the vector encoder and decoder compile a
 * function for each (a table by the plan's count). */
#define BW_WIRE_VEC_COUNTS(F)                                                                      \
  F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15) F(16)

struct bw_wire_plan;
/* The vec form of a plan that has one (bw_wire_plan_has_vec): right before the plan, found
 * without a load. */
static inline const bw_wire_vec *bw_wire_plan_vec(const struct bw_wire_plan *wp) {
  return (const bw_wire_vec *)(const void *)wp - 1;
}

/* The encoder's slot of field i: in each half of 8 fields, fields 0..3 go to the even slots and
 * 4..7 to the odd ones (an unpack of the 128-bit lanes of two registers of 4 nodes each). */
static inline unsigned bw_wire_vec_slot(size_t i) {
  unsigned k = (unsigned)(i % 8);
  return (unsigned)(i - k) + (k < 4 ? 2 * k : 2 * (k - 4) + 1);
}

struct bw_wire_plan {
  int scalar;      /* the second kind: uint, int, enum or list<T>[N] fields (then only op,
                      type, elem, width, mask, bias, limit, is_signed, is_bool, run and ints
                      are set, and size is the least size) */
  size_t max_size; /* bytes of the longest encoding */
  size_t size;     /* bytes on the wire */
  size_t count;
  size_t forward_count;    /* fields[0..forward_count) are the ones with is_forward set */
  size_t bool_count;       /* decode: the bool fields' bytes are checked before the loads, */
  const uint32_t *bool_at; /* at these offsets (in field order), so that the loop has no check */
  const bw_type **types;   /* scalar plans: the fields' types in a row (count entries) */
  size_t vec_count;        /* count when the plan has a vec form (the first kind, 16 fields and 64
                              bytes at most: see above, and bw_wire_plan_vec), else SIZE_MAX */
  int lean;                /* a scalar plan without list<T>[N] fields (bw_decode's dec_lean) */
  bw_wire_field fields[];
};
typedef struct bw_wire_plan bw_wire_plan;

/* Whether wp has a vec form. */
static inline int bw_wire_plan_has_vec(const bw_wire_plan *wp) {
  return wp->vec_count != SIZE_MAX;
}

/* Plans struct t if its fields qualify (leaves t->wire NULL otherwise, or when out of memory:
 * the codec then takes its general path). */
static inline void bw_wire_plan_struct(bw_arena *arena, bw_type *t) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  size_t size = 0, max_size = 0, varints = 0;
  if (t->count == 0 || t->count > BW_WIRE_PLAN_MAX_FIELDS) return;
  for (size_t i = 0; i < t->count; i++) {
    const bw_type *ft = bw_type_resolve(t->fields[i].type);
    if (!ft) return;
    if (ft->kind == BW_KIND_UINT || ft->kind == BW_KIND_INT || ft->kind == BW_KIND_ENUM) {
      varints++;
      size += 1;
      max_size += BW_VARINT_MAX;
      continue;
    }
    if (ft->kind == BW_KIND_LIST_FIXED) {
      const bw_type *et = bw_type_resolve(ft->elem);
      if (!et || !bw_kind_is_fixed_primitive(et->kind) || ft->length > BW_WIRE_PLAN_MAX_FIELDS)
        return;
      varints++; /* (a plan of the second kind) */
      size += (size_t)ft->length * bw_kind_width(et->kind);
      max_size += (size_t)ft->length * bw_kind_width(et->kind);
      continue;
    }
    if (!bw_kind_is_fixed_primitive(ft->kind)) return;
    size += bw_kind_width(ft->kind);
    max_size += bw_kind_width(ft->kind);
  }
  if (!varints && size < BW_WIRE_PLAN_MIN) return;
  size_t bools = 0;
  for (size_t i = 0; i < t->count && !varints; i++)
    if (bw_type_resolve(t->fields[i].type)->kind == BW_KIND_BOOL) bools++;
  size_t head = sizeof(bw_wire_plan) + t->count * sizeof(bw_wire_field);
  size_t tail = varints ? t->count * sizeof(const bw_type *) : bools * sizeof(uint32_t);
  /* a vec form goes right before the plan, 64-byte aligned (bw_wire_plan_vec: no load) */
  int vec = !varints && t->count <= 16 && size <= 64;
  unsigned char *raw = bw_arena_alloc(arena, (vec ? sizeof(bw_wire_vec) + 63 : 0) + head + tail);
  if (!raw) return;
  bw_wire_vec *v = vec ? (bw_wire_vec *)(void *)(raw + (-(uintptr_t)raw & 63)) : NULL;
  bw_wire_plan *p = v ? (bw_wire_plan *)(void *)(v + 1) : (bw_wire_plan *)(void *)raw;
  memset(p, 0, sizeof *p + t->count * sizeof p->fields[0]);
  p->scalar = varints != 0;
  p->lean = p->scalar;
  p->vec_count = SIZE_MAX;
  p->max_size = max_size;
  p->size = size;
  p->count = t->count;
  uint32_t *bool_at = (uint32_t *)(void *)&p->fields[t->count];
  p->bool_at = bool_at;
  const bw_type **types = (const bw_type **)(void *)&p->fields[t->count];
  if (varints) p->types = types;
  size_t at = 0;
  for (size_t i = 0; i < t->count; i++) {
    bw_wire_field *f = &p->fields[i];
    const bw_type *ft = bw_type_resolve(t->fields[i].type);
    unsigned w = bw_kind_width(ft->kind);
    f->type = ft;
    f->op = ft->kind == BW_KIND_UINT         ? BW_WIRE_UINT
            : ft->kind == BW_KIND_INT        ? BW_WIRE_INT
            : ft->kind == BW_KIND_ENUM       ? BW_WIRE_ENUM
            : ft->kind == BW_KIND_LIST_FIXED ? BW_WIRE_NUMBERS
                                             : BW_WIRE_FIXED;
    if (f->op == BW_WIRE_NUMBERS) {
      p->lean = 0;
      f->elem = bw_type_resolve(ft->elem);
      w = bw_kind_width(f->elem->kind);
    }
    f->width = (uint8_t)w;
    f->is_signed = ft->kind >= BW_KIND_I8 && ft->kind <= BW_KIND_I64;
    f->is_bool = ft->kind == BW_KIND_BOOL;
    f->mask = ft->kind == BW_KIND_F32 ? 0xffffffffu : UINT64_MAX;
    f->bias = 0;
    f->limit = UINT64_MAX;
    if (ft->kind == BW_KIND_ENUM) { /* (members ascend: the last is the largest) */
      f->mask = 0;
      for (size_t k = 0; k < ft->count && ft->members[k].value < 64; k++)
        f->mask |= (uint64_t)1 << ft->members[k].value;
      f->limit = ft->count ? ft->members[ft->count - 1].value : 0;
    } else if (ft->kind == BW_KIND_BOOL) {
      f->limit = 1;
    } else if (w && w < 8 && ft->kind != BW_KIND_F32) {
      f->limit = ((uint64_t)1 << (8 * w)) - 1;
      if (f->is_signed) f->bias = (uint64_t)1 << (8 * w - 1);
    }
    if (varints) {
      types[i] = ft;
      continue;
    }
    f->at = (uint32_t)at;
    f->is_forward = at + 8 <= size;
    f->load = (uint32_t)(f->is_forward ? at : at + w - 8);
    f->right = (uint8_t)(64 - 8 * w);
    f->left = f->is_forward ? f->right : 0;
    f->dmask = f->is_signed || w == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * w)) - 1;
    if (f->is_bool) bool_at[p->bool_count++] = (uint32_t)at;
    if (f->is_forward) p->forward_count++; /* (a prefix: at + 8 <= size holds up to a point) */
    at += w;
  }
  if (v) {
    for (size_t i = 0; i < t->count; i++) {
      const bw_wire_field *f = &p->fields[i];
      unsigned slot = bw_wire_vec_slot(i);
      v->types[i] = f->type;
      v->enc_types[slot] = f->type;
      v->bias[slot] = f->bias;
      v->limit[slot] = f->limit;
      for (unsigned b = 0; b < f->width; b++) {
        v->pack[f->at + b] = (uint8_t)(8 * slot + b);
        v->unpack[8 * i + b] = (uint8_t)(f->at + b);
        v->unpack_keep[i / 8] |= (uint64_t)1 << (8 * (i % 8) + b);
      }
      if (f->is_signed && f->width < 8) v->shift[i] = 64u - 8u * f->width;
      if (f->is_bool) v->bools |= 1u << i;
    }
    p->vec_count = t->count;
  }
  /* the runs of uint and int fields, from their ends back */
  for (size_t i = t->count; i-- > 0;) {
    bw_wire_field *f = &p->fields[i];
    if (f->op != BW_WIRE_UINT && f->op != BW_WIRE_INT) continue;
    const bw_wire_field *next = i + 1 < t->count ? &p->fields[i + 1] : NULL;
    unsigned run = next && next->run ? next->run + 1u : 1u;
    if (run > 8) run = 8;
    f->run = (uint8_t)run;
    f->ints = (uint8_t)((f->op == BW_WIRE_INT) | (run > 1 ? next->ints << 1 : 0));
  }
  t->wire = p;
#else
  (void)arena, (void)t;
#endif
}

/* Plans every struct in the type tree t (anonymous ones included; references are not followed:
 * the types they name are planned as trees of their own). depth bounds the recursion (a
 * validated schema is nested at most its max_depth). */
static inline void bw_wire_plan_tree(bw_arena *arena, bw_type *t, size_t depth) {
  if (!t || depth > 4096) return;
  switch (t->kind) {
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
      bw_wire_plan_tree(arena, t->elem, depth + 1);
      return;
    case BW_KIND_MAP:
      bw_wire_plan_tree(arena, t->key, depth + 1);
      bw_wire_plan_tree(arena, t->elem, depth + 1);
      return;
    case BW_KIND_UNION:
      for (size_t i = 0; i < t->count; i++)
        bw_wire_plan_tree(arena, t->variants[i].type, depth + 1);
      return;
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < t->count; i++) bw_wire_plan_tree(arena, t->fields[i].type, depth + 1);
      bw_wire_plan_struct(arena, t);
      return;
    default:
      return;
  }
}

#endif

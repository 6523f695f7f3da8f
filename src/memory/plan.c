/* barewire memory: compiled native <-> wire plans, the fast path of bw_view_encode_to and
 * bw_view_decode.
 *
 * A type with a native layout compiles once into a flat array of steps, in wire order, each at
 * a native offset from the start of the record: "copy N bytes" (runs of adjacent little-endian
 * numbers, byte arrays and arrays of numbers, merged when memory and wire are both contiguous),
 * "byte-swap W bytes" (numbers of a big-endian layout), "bool byte", "enum of W bytes" (checked
 * against a sorted value table), "varint" (a uint or int held as 8 bytes in the layout's byte
 * order, a LEB128 varint on the wire, zig-zag for int), "bitfield" (any kind), "repeat a sub-plan N
 * times with a stride" (long arrays of records) and "flexible array" (a sub-plan per element,
 * last). Encoding and decoding a record is then a loop over the steps: no tree walk, no allocation,
 * no names.
 *
 * Plans are cached per (schema, type node, byte order) in a lock-free list hung on the schema
 * (freed by bw_schema_free); a type that cannot be planned (no native layout, a flexible array
 * that is not the record's tail, nesting too deep, a plan too large) is cached as such.
 *
 * The walker of native_wire.c stays the reference: the plan handles only the good cases and
 * gives up (returns BW_MEM_PLAN_FALLBACK) on anything else (no plan, a bad bool or enum, a
 * short buffer, a malformed or truncated message), and the caller then runs the walker, which
 * produces the exact error, code, message and offset. So the plan only has to agree with the
 * walker on which inputs are good, and on the bytes: tests/unit/test_memory_plan.c checks that
 * on random records and messages. Decoding checks the whole message first and writes only
 * after that (nothing is written on error), as the walker does.
 *
 * A flat plan (a record of numbers, varints, bools, enums and arrays of them: no bitfield, no
 * repeat, no flexible array) also gets two faster forms: a program of size-specialised steps
 * (copies as two overlapping fixed-size moves, enums checked against a 64-bit member mask) that
 * small records decode with in one checked pass, and, when every message has the same size,
 * a wide encode (16-byte moves to constant wire offsets, checks without dispatch). The array
 * calls bw_view_encode_array and bw_view_decode_array run them over many records per call,
 * and fall back to the single public calls record by record for anything else. */
#include <stdlib.h>

#include "core/varint_avx512.h"
#include "core/varint_word.h"
#include "memory_internal.h"
#include "schema/schema_internal.h"

/* Upper bound of steps in one plan (sub-plans count separately): bigger types use the walker. */
#define PLAN_MAX_STEPS 4096u
/* Arrays whose unrolled steps would exceed this become a repeat step. */
#define PLAN_UNROLL_STEPS 64u
/* Records up to this size get a zero list (the bytes no step writes) instead of a memset of
 * the whole record, and decode in one checked pass into a scratch copy on the stack. */
#define PLAN_SMALL_RECORD 256u

enum {
  OP_COPY,   /* n bytes, same in memory and on the wire */
  OP_SWAP,   /* a number of width bytes stored big-endian; little-endian on the wire */
  OP_BOOL,   /* n adjacent bytes, each 0 or 1 (a run of bools) */
  OP_ENUM,   /* width bytes of the layout's byte order; a uint varint on the wire */
  OP_VARINT, /* uint (kind BW_KIND_UINT) or int: 8 bytes of the layout's byte order; a varint on
                the wire, zig-zag encoded for int */
  OP_BITS,   /* a bitfield (or any scalar the others do not cover) through a mem_slot */
  OP_REPEAT  /* sub-plan n times, stride apart */
};

typedef struct plan plan;
struct wide_enum;

/* The permute form of a flat plan (on 1; AVX-512 VBMI, checked when the plan is made): a record
 * of at most 64 bytes and a message of at most 64, moved by one byte permute each way. It sits
 * at the start of its plan (64-byte aligned), so that a call reaches it by the type's slot and
 * no further load. */
typedef struct perm_form {
  _Alignas(64) uint8_t eperm[64]; /* message byte k is record byte eperm[k] */
  uint8_t dperm[64];              /* record byte k is message byte dperm[k] (where rec_keep) */
  /* the enums (at most 8), checked in one vector: byte 8i of enum_rec (enum_msg) is where enum
   * i's low byte is in the record (the message), enum_members[i] its members (bit v for value
   * v, all below 64), enum_bytes the bytes 8i and enum_lanes the bits i in use */
  uint8_t enum_rec[64], enum_msg[64];
  uint64_t enum_members[8];
  uint64_t enum_bytes;
  uint8_t enum_lanes;
  int on;
  size_t wire;         /* bytes of every message */
  uint64_t src_end;    /* encode: the record's bytes [0, src_end) are loaded */
  uint64_t src_mask;   /* (its low src_end bits) */
  uint64_t wire_mask;  /* the low `wire` bits */
  uint64_t rec_size;   /* decode: the record's size */
  uint64_t rec_mask;   /* (its low rec_size bits) */
  uint64_t rec_keep;   /* the record's bytes that come from the message (the rest are 0) */
  uint64_t bool_bytes; /* the message's bytes that are bools */
  uint64_t src_bools;  /* encode: the record's bytes that are bools */
  uint64_t enum_high;  /* ... that are an enum's bytes above its low one (0 in a member) */
} perm_form;

/* The varint form of a flat plan with varint runs (see "the varint form" below); one segment. */
typedef struct vr_seg {
  _Alignas(64) uint8_t idx[2][64]; /* record bytes 0-63 and 64-127: the group's byte each comes
                                      from, or (a run) the value each 8 bytes come from */
  uint64_t keep[2];                /* the record bytes (a group) or 8-byte words (a run) set */
  uint64_t bools;                  /* a group: its bytes that are bools */
  uint64_t enum_members[8];        /* a group: its enums' members (all below 64), */
  uint8_t enum_at[8];              /* and where each enum's byte is in the group */
  uint8_t enum_count;
  uint8_t run; /* 1: a run of n varints (ints: bit j when the j-th is an int) */
  uint8_t ints;
  uint8_t n; /* a run: its varints (1..8); a group: its bytes (1..64) */
} vr_seg;

#define VR_SEGS 8u

typedef struct vr_form {
  vr_seg seg[VR_SEGS];
  size_t count;
  uint64_t size;    /* the record's */
  uint64_t mask[2]; /* its bytes in each half */
} vr_form;

typedef struct step {
  uint8_t op;
  uint8_t width; /* SWAP, ENUM, VARINT, BITS: storage bytes */
  uint8_t bit_shift;
  uint8_t kind;           /* BITS, VARINT: resolved kind of the value */
  uint32_t bit_width;     /* BITS: 0 for a whole value */
  uint64_t off;           /* native offset from the record's start */
  uint64_t n;             /* COPY: bytes; REPEAT: count */
  uint64_t stride;        /* REPEAT */
  const plan *sub;        /* REPEAT */
  const uint64_t *values; /* ENUM, BITS of an enum: the members' values, sorted */
  size_t value_count;
} step;

struct plan {
  perm_form perm; /* (first: see there) */
  step *steps;
  size_t count, cap;
  uint64_t extent; /* native bytes from the record's start that the steps touch */
  size_t max_wire; /* wire bytes at most (without the flexible array) */
  int fixed_wire;  /* every message has exactly max_wire bytes (no varints, no flex) */
  int checks;      /* some step can reject a message (bool, enum, varint, bitfield range) */
  int all_copy;    /* every step is a COPY (and no flex): the loops below need no dispatch */
  int varints;     /* some step is a VARINT (then checks is set too) */
  int big_endian;
  /* the flexible array (the record's tail), when has_flex */
  int has_flex;
  uint64_t flex_off, flex_stride;
  plan *flex;
  /* root plans of records up to PLAN_SMALL_RECORD bytes: the byte ranges no step writes
   * (padding, bitfield storage, repeats), to zero before a write pass; zero_size is the
   * record size they were computed for, 0 when there is no list */
  uint64_t zero_size;
  size_t zero_count;
  struct {
    uint16_t off, len;
  } zero[PLAN_SMALL_RECORD / 2 + 1];
  /* flat root plans (only COPY, SWAP, BOOL and ENUM steps, offsets below 4 GiB): the same
   * steps as a specialised program ending in F_END (see "the flat program" below); else NULL */
  struct fstep *fast;
  /* flat little-endian plans whose wire size is fixed (enums with members below 64 are one
   * byte): the encode program of wide moves (see "the wide encode" below); else NULL */
  struct wide *wide;
  /* flat little-endian plans with varint runs, records up to 128 bytes, on CPUs with the
   * AVX-512 varint kernels: the varint form (see there); else NULL */
  vr_form *vr;
  /* everything malloc'd for this plan and its sub-plans */
  plan **subs;
  size_t sub_count;
  uint64_t **tables;
  size_t table_count;
};

typedef struct cache_entry {
  struct cache_entry *next;
  const bw_type *type;
  int big_endian;
  plan *p; /* NULL: not plannable */
} cache_entry;

/* ---- building ------------------------------------------------------------------------ */

static void plan_free(plan *p) {
  if (!p) return;
  for (size_t i = 0; i < p->sub_count; i++) plan_free(p->subs[i]); /* NULL-safe */
  for (size_t i = 0; i < p->table_count; i++) free(p->tables[i]);
  free(p->subs);
  free(p->tables);
  free(p->steps);
  free(p->fast);
  free(p->wide);
  free(p->vr);
  free(p);
}

static plan *plan_new(int big_endian) {
  plan *p = aligned_alloc(_Alignof(plan), sizeof *p); /* (sizeof is a multiple of it) */
  if (p) {
    memset(p, 0, sizeof *p);
    p->fixed_wire = 1;
    p->big_endian = big_endian;
  }
  return p;
}

/* Keeps q (freed with p). 0, or -1 when out of memory (q is freed). */
static int adopt(plan *p, plan *q) {
  plan **s = realloc(p->subs, (p->sub_count + 1) * sizeof *s);
  if (!s) {
    plan_free(q);
    return -1;
  }
  p->subs = s;
  s[p->sub_count++] = q;
  return 0;
}

/* Takes over what sub owns (its enum tables and sub-plans, which p's steps now point to) and
 * frees sub's own arrays. 0, or -1 when out of memory (sub is freed either way). */
static int absorb(plan *p, plan *sub) {
  int rc = 0;
  for (size_t i = 0; i < sub->sub_count && !rc; i++) {
    rc = adopt(p, sub->subs[i]);
    sub->subs[i] = NULL;
  }
  for (size_t i = 0; i < sub->table_count && !rc; i++) {
    uint64_t **t = realloc(p->tables, (p->table_count + 1) * sizeof *t);
    if (!t) {
      rc = -1;
      break;
    }
    p->tables = t;
    t[p->table_count++] = sub->tables[i];
    sub->tables[i] = NULL;
  }
  plan_free(sub); /* frees whatever was not taken over */
  return rc;
}

static void note_extent(plan *p, uint64_t end) {
  if (end > p->extent) p->extent = end;
}

static size_t add_wire(size_t a, uint64_t b) {
  return b > SIZE_MAX - a ? SIZE_MAX : a + (size_t)b;
}

/* Appends st, merging a COPY (a BOOL run) with a preceding COPY (BOOL run) that ends where it
 * starts. 0 or -1. */
static int push(plan *p, const step *st) {
  if ((st->op == OP_COPY || st->op == OP_BOOL) && p->count && p->steps[p->count - 1].op == st->op &&
      p->steps[p->count - 1].off + p->steps[p->count - 1].n == st->off) {
    p->steps[p->count - 1].n += st->n;
    return 0;
  }
  if (p->count == p->cap) {
    if (p->cap >= PLAN_MAX_STEPS) return -1;
    size_t cap = p->cap ? p->cap * 2 : 8;
    step *s = realloc(p->steps, cap * sizeof *s);
    if (!s) return -1;
    p->steps = s;
    p->cap = cap;
  }
  p->steps[p->count++] = *st;
  return 0;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The sorted member values of resolved enum t, owned by p. */
static int enum_table(plan *p, const bw_type *t, const uint64_t **values, size_t *count) {
  uint64_t *v = malloc((t->count ? t->count : 1) * sizeof *v);
  uint64_t **tables = realloc(p->tables, (p->table_count + 1) * sizeof *tables);
  if (!v || !tables) {
    free(v);
    if (tables) p->tables = tables;
    return -1;
  }
  p->tables = tables;
  tables[p->table_count++] = v;
  for (size_t i = 0; i < t->count; i++) v[i] = t->members[i].value;
  qsort(v, t->count, sizeof *v, cmp_u64);
  *values = v;
  *count = t->count;
  return 0;
}

/* A scalar of resolved type r in sw bytes at off (bitfields: bit_width > 0). */
static int add_scalar(plan *p, const bw_type *r, uint64_t off, uint32_t sw, uint32_t shift,
                      uint32_t bit_width) {
  step st;
  memset(&st, 0, sizeof st);
  st.off = off;
  st.width = (uint8_t)sw;
  note_extent(p, off + sw);
  if (r->kind == BW_KIND_ENUM) {
    p->fixed_wire = 0;
    p->max_wire = add_wire(p->max_wire, BW_VARINT_MAX);
    p->checks = 1;
    if (enum_table(p, r, &st.values, &st.value_count)) return -1;
  } else if (bw_mem_kind_varint(r->kind)) {
    /* (a message can hold an overlong or truncated varint: the checked paths decode it) */
    if (bit_width || sw != BW_MEM_VARINT_SIZE) return -1;
    p->fixed_wire = 0;
    p->max_wire = add_wire(p->max_wire, BW_VARINT_MAX);
    p->checks = 1;
    st.op = OP_VARINT;
    st.kind = (uint8_t)r->kind;
    p->varints = 1;
    return push(p, &st);
  } else {
    p->max_wire = add_wire(p->max_wire, r->kind == BW_KIND_BOOL ? 1 : bw_kind_width(r->kind));
  }
  if (bit_width) {
    st.op = OP_BITS;
    st.kind = (uint8_t)r->kind;
    st.bit_shift = (uint8_t)shift;
    st.bit_width = bit_width;
    p->checks = 1;
  } else if (r->kind == BW_KIND_ENUM) {
    st.op = OP_ENUM;
  } else if (r->kind == BW_KIND_BOOL) {
    st.op = OP_BOOL;
    st.n = 1;
    p->checks = 1;
  } else if (sw != bw_kind_width(r->kind)) {
    return -1;
  } else if (p->big_endian && sw > 1) {
    st.op = OP_SWAP;
  } else {
    st.op = OP_COPY;
    st.n = sw;
  }
  return push(p, &st);
}

static int compile_value(plan *p, const bw_schema *s, const bw_type *t, uint64_t off, int tail,
                         unsigned depth);

/* Appends the steps of sub (compiled at offset 0) shifted by off. */
static int append_shifted(plan *p, const plan *sub, uint64_t off) {
  for (size_t i = 0; i < sub->count; i++) {
    step st = sub->steps[i];
    st.off += off;
    if (push(p, &st)) return -1;
  }
  return 0;
}

static int compile_array(plan *p, const bw_schema *s, const bw_type *r, uint64_t off,
                         unsigned depth) {
  uint64_t es;
  if (bw_mem_type_size(s, r->elem, &es, NULL)) return -1;
  if (r->length == 0) return 0;
  if (es && r->length - 1 > (UINT64_MAX - off) / es) return -1;
  plan *sub = plan_new(p->big_endian);
  if (!sub || compile_value(sub, s, r->elem, 0, 0, depth + 1) || sub->has_flex) {
    plan_free(sub);
    return -1;
  }
  uint64_t last = off + (r->length - 1) * es;
  if (sub->extent > UINT64_MAX - last) {
    plan_free(sub);
    return -1;
  }
  note_extent(p, last + sub->extent);
  p->fixed_wire &= sub->fixed_wire;
  p->checks |= sub->checks;
  p->varints |= sub->varints;
  p->max_wire = sub->max_wire && r->length > SIZE_MAX / sub->max_wire
                    ? SIZE_MAX
                    : add_wire(p->max_wire, sub->max_wire * r->length);
  int rc = 0;
  if (sub->count == 0) {
    /* nothing to copy (zero-length byte arrays) */
  } else if (sub->count == 1 && sub->steps[0].op == OP_COPY && sub->steps[0].off == 0 &&
             sub->steps[0].n == es && r->length <= SIZE_MAX / es) {
    step st = sub->steps[0]; /* elements of plain bytes back to back: one copy */
    st.off = off;
    st.n = es * r->length;
    rc = push(p, &st);
  } else if (r->length <= PLAN_UNROLL_STEPS / sub->count) {
    for (uint64_t i = 0; i < r->length && !rc; i++) rc = append_shifted(p, sub, off + i * es);
  } else {
    step st;
    memset(&st, 0, sizeof st);
    st.op = OP_REPEAT;
    st.off = off;
    st.n = r->length;
    st.stride = es;
    st.sub = sub;
    if (adopt(p, sub)) return -1;
    return push(p, &st);
  }
  if (absorb(p, sub)) return -1;
  return rc;
}

static int compile_field(plan *p, const bw_schema *s, const bw_field *f, uint64_t off, int tail,
                         unsigned depth) {
  const bw_type *ft = bw_type_resolve(f->type);
  if (!ft) return -1;
  if (f->flags & BW_FIELD_BITFIELD) {
    uint32_t shift = (uint32_t)(f->bit_offset % 8);
    uint32_t width = (shift + f->bit_width + 7) / 8;
    if (f->bit_width == 0 || f->bit_width > 64 || width > 8 || f->bit_offset / 8 > UINT64_MAX - off)
      return -1;
    if (!bw_kind_is_fixed_primitive(ft->kind) && ft->kind != BW_KIND_ENUM) return -1;
    return add_scalar(p, ft, off + f->bit_offset / 8, width, shift, f->bit_width);
  }
  if (f->offset > UINT64_MAX - off) return -1;
  if (f->flags & BW_FIELD_FLEXIBLE) {
    /* Only the record's tail: anywhere else the walker handles it (count 0 or an error). */
    if (!tail || p->has_flex || ft->kind != BW_KIND_LIST) return -1;
    uint64_t es;
    if (bw_mem_type_size(s, ft->elem, &es, NULL)) return -1;
    plan *sub = plan_new(p->big_endian);
    if (!sub || compile_value(sub, s, ft->elem, 0, 0, depth + 1) || sub->has_flex ||
        sub->extent > es || adopt(p, sub)) {
      plan_free(sub);
      return -1;
    }
    p->has_flex = 1;
    p->fixed_wire = 0;
    p->flex_off = off + f->offset;
    p->flex_stride = es;
    p->flex = sub;
    note_extent(p, p->flex_off);
    return 0;
  }
  return compile_value(p, s, f->type, off + f->offset, tail, depth + 1);
}

static int compile_value(plan *p, const bw_schema *s, const bw_type *t, uint64_t off, int tail,
                         unsigned depth) {
  const bw_type *r = bw_type_resolve(t);
  if (!r || depth > BW_MEM_MAX_DEPTH || p->has_flex) return -1;
  uint32_t sw = bw_mem_scalar_width(r, bw_mem_native(t));
  if (sw) return add_scalar(p, r, off, sw, 0, 0);
  switch (r->kind) {
    case BW_KIND_DATA_FIXED: {
      if (r->length > UINT64_MAX - off) return -1;
      note_extent(p, off + r->length);
      p->max_wire = add_wire(p->max_wire, r->length);
      if (r->length == 0) return 0;
      step st;
      memset(&st, 0, sizeof st);
      st.op = OP_COPY;
      st.off = off;
      st.n = r->length;
      return push(p, &st);
    }
    case BW_KIND_LIST_FIXED:
      return compile_array(p, s, r, off, depth);
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < r->count; i++)
        if (compile_field(p, s, &r->fields[i], off, tail && i + 1 == r->count, depth)) return -1;
      return 0;
    default:
      return -1;
  }
}

/* The zero list of a root plan of a record of size bytes (see struct plan). */
static void make_zero_list(plan *p, uint64_t size) {
  uint8_t covered[PLAN_SMALL_RECORD];
  if (size == 0 || size > PLAN_SMALL_RECORD || p->extent > size) return;
  memset(covered, 0, sizeof covered);
  for (size_t i = 0; i < p->count; i++) {
    const step *st = &p->steps[i];
    uint64_t n = st->op == OP_COPY || st->op == OP_BOOL                          ? st->n
                 : st->op == OP_SWAP || st->op == OP_ENUM || st->op == OP_VARINT ? st->width
                                                                                 : 0;
    for (uint64_t k = 0; k < n; k++) covered[st->off + k] = 1;
  }
  size_t count = 0;
  for (uint64_t at = 0; at < size;) {
    if (covered[at]) {
      at++;
      continue;
    }
    uint64_t from = at;
    while (at < size && !covered[at]) at++;
    p->zero[count].off = (uint16_t)from;
    p->zero[count].len = (uint16_t)(at - from);
    count++;
  }
  p->zero_count = count;
  p->zero_size = size;
}

/* ---- the flat program ------------------------------------------------------------------
 * A flat plan runs as a second form of its steps where the operation also says the size:
 * copies and bool runs of 1, 2-3, 4-7, 8-16, 17-32 and 33-64 bytes are two overlapping
 * fixed-size moves (no branch on the length, no call), byte swaps have one operation per
 * width, and an enum whose members are all below 64 is checked with a 64-bit member mask (its
 * wire form is then one byte: a byte of 64 or more is never a member, whatever follows it).
 * The program ends with F_END, so the loop needs no step count. */
enum {
  F_END,
  F_CP1,  /* copy 1 byte */
  F_CP2,  /* copy 2..3 bytes */
  F_CP4,  /* copy 4..7 bytes */
  F_CP8,  /* copy 8..16 bytes */
  F_CP16, /* copy 17..32 bytes */
  F_CP32, /* copy 33..64 bytes */
  F_CPN,  /* copy n bytes (memcpy) */
  F_B1,   /* bools: 1 byte */
  F_B2,   /* 2..3 bytes */
  F_B4,   /* 4..7 bytes */
  F_B8,   /* 8..16 bytes */
  F_BN,   /* n bytes (a loop) */
  F_SW2,  /* big-endian number of 2, 4, 8 bytes */
  F_SW4,
  F_SW8,
  F_EM, /* enum of width bytes, members below 64: mask */
  F_EG, /* enum of width bytes: the sorted table of the step */
  F_VR, /* n uint or int fields 8 bytes apart (u.mask: bit k set when field k is an int),
           little-endian; each a varint on the wire, an int zig-zag encoded */
  F_VRB /* the same, big-endian */
};

typedef struct fstep {
  uint8_t op;
  uint8_t width; /* F_EM, F_EG: storage bytes; F_VR, F_VRB: pext_varints_ok() (0: the byte
                    loops) */
  uint32_t off;  /* native offset */
  uint32_t n;    /* bytes of the copy or bool run; wire bytes at least (enums: 1; F_VR: the
                    number of varints, one byte each at least) */
  union {
    uint64_t mask;  /* F_EM: bit v set for each member value v; F_VR: the ints of the run */
    const step *st; /* F_EG: the plan step (its table) */
  } u;
} fstep;

static int pext_varints_ok(void);
static int perm_ok(void);

/* bw_mem_plan_allow_simd: tests compile plans both ways. */
static int simd_allowed_ = 1;
void bw_mem_plan_allow_simd(int on) {
  simd_allowed_ = on;
}

static uint8_t size_op(uint64_t n, int bools) {
  if (bools) return n == 1 ? F_B1 : n <= 3 ? F_B2 : n <= 7 ? F_B4 : n <= 16 ? F_B8 : F_BN;
  return n == 1    ? F_CP1
         : n <= 3  ? F_CP2
         : n <= 7  ? F_CP4
         : n <= 16 ? F_CP8
         : n <= 32 ? F_CP16
         : n <= 64 ? F_CP32
                   : F_CPN;
}

/* p->fast for a flat root plan (left NULL for any other, or when memory is short). */
static void make_fast(plan *p) {
  if (p->has_flex) return;
  for (size_t i = 0; i < p->count; i++) {
    const step *st = &p->steps[i];
    uint64_t n = st->op == OP_COPY || st->op == OP_BOOL ? st->n : st->width;
    if ((st->op != OP_COPY && st->op != OP_SWAP && st->op != OP_BOOL && st->op != OP_ENUM &&
         st->op != OP_VARINT) ||
        st->off > UINT32_MAX || n > UINT32_MAX - st->off || n == 0)
      return;
  }
  fstep *f = calloc(p->count + 1, sizeof *f);
  if (!f) return;
  size_t i = 0; /* f[i]: the program's next step */
  for (size_t j = 0; j < p->count; j++, i++) {
    const step *st = &p->steps[j];
    f[i].off = (uint32_t)st->off;
    f[i].width = st->width;
    switch (st->op) {
      case OP_COPY:
      case OP_BOOL:
        f[i].op = size_op(st->n, st->op == OP_BOOL);
        f[i].n = (uint32_t)st->n;
        break;
      case OP_SWAP:
        f[i].op = st->width == 2 ? F_SW2 : st->width == 4 ? F_SW4 : F_SW8;
        f[i].n = st->width;
        break;
      case OP_VARINT:
        /* adjacent varint fields (uint64_t and int64_t back to back) are one step: one
         * dispatch for the run */
        f[i].op = p->big_endian ? F_VRB : F_VR;
        f[i].width = (uint8_t)pext_varints_ok(); /* the loops of the run (see there) */
        f[i].n = 0;
        f[i].u.mask = 0;
        for (;;) {
          if (p->steps[j].kind == BW_KIND_INT) f[i].u.mask |= (uint64_t)1 << f[i].n;
          f[i].n++;
          if (j + 1 == p->count || f[i].n == 64 || p->steps[j + 1].op != OP_VARINT ||
              p->steps[j + 1].off != st->off + 8 * (uint64_t)f[i].n)
            break;
          j++;
        }
        break;
      default: /* OP_ENUM */
        f[i].n = 1;
        f[i].op = F_EM;
        f[i].u.mask = 0;
        for (size_t k = 0; k < st->value_count; k++) {
          if (st->values[k] >= 64) {
            f[i].op = F_EG;
            f[i].u.st = st;
            break;
          }
          f[i].u.mask |= (uint64_t)1 << st->values[k];
        }
        break;
    }
  }
  f[i].op = F_END;
  p->fast = f;
}

/* ---- the wide encode -------------------------------------------------------------------
 * When the message has a fixed size and the caller's buffer and region leave 16 bytes of
 * slack, encoding is three flat loops without dispatch: check every bool run (bytes masked
 * with 0xfe) and enum (member mask) of the record, move 16 bytes from each run's native
 * offset to its wire offset in ascending wire order (a run's surplus bytes are overwritten by
 * the runs after it), then store each enum's byte (a member below 64 is its own varint). */
typedef struct wide_move {
  uint32_t off, woff;
} wide_move;

typedef struct wide_bool {
  uint32_t off, woff;
  uint64_t m0, m1; /* bytes 0-7 and 8-15 of the run: 0xfe in each byte of the run */
} wide_bool;

typedef struct wide_enum {
  uint32_t off, woff, width;
  uint64_t width_mask; /* the low `width` bytes */
  uint64_t members;    /* bit v set for each member value v */
} wide_enum;

typedef struct wide {
  size_t wire;     /* bytes of every message */
  size_t need;     /* bytes of out written (moves of 16) */
  uint64_t extent; /* bytes of the record read (loads of 8 and 16) */
  size_t move_count, bool_count, enum_count;
  wide_move *moves; /* in ascending wire order; all four point into the same allocation */
  wide_bool *bools;
  wide_enum *enums;
  /* decoding (arrays): the moves in ascending native order, and the message bytes read
   * (moves and bool checks of 16 from each one's wire offset) */
  wide_move *dmoves;
  size_t dneed;
  /* the record's bytes as words with 0x00 at the padding (the bytes no step writes), 0xff
   * elsewhere: words 0..size/8-1, and the last 8 bytes (size - 8..size) when size % 8; set
   * only when the plan has a zero list (keep_size == its record size) */
  uint64_t keep_size;
  uint64_t keep[PLAN_SMALL_RECORD / 8];
  uint64_t keep_tail;
} wide;

static uint64_t low_bits(uint64_t n) {
  return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

/* p's permute form from its wide form w, if the record (size bytes) and the message fit in 64
 * bytes each. */
static void make_perm(plan *p, const wide *w, uint64_t size) {
  perm_form *pf = &p->perm;
  if (!perm_ok() || w->wire > 64 || !size || size > 64 || w->enum_count > 8) return;
  for (size_t i = 0; i < w->enum_count; i++) {
    const wide_enum *e = &w->enums[i];
    pf->enum_rec[8 * i] = (uint8_t)e->off; /* (below size, checked below) */
    pf->enum_msg[8 * i] = (uint8_t)e->woff;
    pf->enum_members[i] = e->members;
    pf->enum_bytes |= (uint64_t)1 << (8 * i);
    pf->enum_lanes |= (uint8_t)(1u << i);
  }
  uint64_t woff = 0;
  for (const fstep *f = p->fast; f->op != F_END; f++) {
    uint32_t n = f->op == F_EM ? 1 : f->n; /* (an enum: its low byte is its varint) */
    if (f->off + (f->op == F_EM ? f->width : n) > size) return;
    for (uint32_t k = 0; k < n; k++) {
      pf->eperm[woff + k] = (uint8_t)(f->off + k);
      pf->dperm[f->off + k] = (uint8_t)(woff + k);
      pf->rec_keep |= (uint64_t)1 << (f->off + k);
      if (f->op >= F_B1 && f->op <= F_B8) {
        pf->bool_bytes |= (uint64_t)1 << (woff + k);
        pf->src_bools |= (uint64_t)1 << (f->off + k);
      }
    }
    for (uint32_t k = 1; f->op == F_EM && k < f->width; k++)
      pf->enum_high |= (uint64_t)1 << (f->off + k);
    uint64_t end = f->off + (f->op == F_EM ? f->width : n);
    if (end > pf->src_end) pf->src_end = end;
    woff += n;
  }
  pf->wire = w->wire;
  pf->src_mask = low_bits(pf->src_end);
  pf->wire_mask = low_bits(w->wire);
  pf->rec_size = size;
  pf->rec_mask = low_bits(size);
  pf->on = 1;
}

static int cmp_move_off(const void *a, const void *b) {
  const wide_move *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

static void wide_reach(wide *w, uint64_t off) {
  if (off + 16 > w->extent) w->extent = off + 16;
}

/* p->wide for a flat little-endian plan on a little-endian host (the masks read bytes as
 * host words) whose enums all have members below 64 and whose bool runs have at most 16
 * bytes; left NULL otherwise. */
static void make_wide(plan *p) {
  if (!p->fast || p->big_endian || bw_host_big_endian()) return;
  size_t moves = 0, bools = 0, enums = 0;
  for (const fstep *f = p->fast; f->op != F_END; f++) {
    if (f->op == F_EG || f->op == F_BN || f->op == F_SW2 || f->op == F_SW4 || f->op == F_SW8 ||
        f->op == F_VR || f->op == F_VRB)
      return;
    if (f->op == F_EM)
      enums++;
    else
      moves += (f->n + 15) / 16;
    if (f->op >= F_B1 && f->op <= F_B8) bools++;
  }
  wide *w = calloc(1, sizeof *w + 2 * moves * sizeof(wide_move) + bools * sizeof(wide_bool) +
                          enums * sizeof(wide_enum));
  if (!w) return;
  w->bools = (wide_bool *)(void *)(w + 1);
  w->enums = (wide_enum *)(void *)(w->bools + bools);
  w->moves = (wide_move *)(void *)(w->enums + enums);
  w->dmoves = w->moves + moves;
  uint64_t woff = 0;
  for (const fstep *f = p->fast; f->op != F_END; f++) {
    if (f->op == F_EM) {
      wide_enum *e = &w->enums[w->enum_count++];
      e->off = f->off;
      e->woff = (uint32_t)woff;
      e->width = f->width;
      e->width_mask = f->width >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * f->width)) - 1;
      e->members = f->u.mask;
      wide_reach(w, f->off);
      woff += 1;
      continue;
    }
    if (f->op >= F_B1 && f->op <= F_B8) {
      wide_bool *b = &w->bools[w->bool_count++];
      b->off = f->off;
      b->woff = (uint32_t)woff;
      if (woff + 16 > w->dneed) w->dneed = (size_t)(woff + 16);
      for (uint32_t k = 0; k < f->n; k++) {
        if (k < 8)
          b->m0 |= (uint64_t)0xfe << (8 * k);
        else
          b->m1 |= (uint64_t)0xfe << (8 * (k - 8));
      }
      wide_reach(w, f->off);
    }
    for (uint32_t k = 0; k < f->n; k += 16) {
      wide_move *m = &w->moves[w->move_count++];
      m->off = f->off + k;
      m->woff = (uint32_t)(woff + k);
      wide_reach(w, m->off);
      if (woff + k + 16 > w->need) w->need = (size_t)(woff + k + 16);
    }
    woff += f->n;
  }
  w->wire = (size_t)woff;
  if (w->need < w->wire) w->need = w->wire; /* enum bytes after the last move */
  if (w->dneed < w->need) w->dneed = w->need;
  if (p->zero_size >= 8) {
    uint8_t keep[PLAN_SMALL_RECORD];
    uint64_t size = p->zero_size;
    memset(keep, 0xff, sizeof keep);
    for (size_t i = 0; i < p->zero_count; i++) memset(keep + p->zero[i].off, 0, p->zero[i].len);
    for (uint64_t k = 0; k < size / 8; k++) memcpy(&w->keep[k], keep + 8 * k, 8);
    memcpy(&w->keep_tail, keep + size - 8, 8);
    w->keep_size = size;
  }
  memcpy(w->dmoves, w->moves, moves * sizeof *w->moves);
  qsort(w->dmoves, moves, sizeof *w->dmoves, cmp_move_off);
  p->wide = w;
  make_perm(p, w, p->zero_size);
}

/* ---- the varint form --------------------------------------------------------------------
 * The checked flat program decodes into a scratch record and copies it out when the whole
 * message was good; with varints (which no fixed-size form covers) that copy waits for the
 * scratch's stores. The varint form builds the record in two registers instead (bytes 0-63
 * and 64-127, zero where no field is: the padding), segment by segment, and stores them once
 * at the end. A segment is a run of up to 8 varints (bw_varint8_get_avx512, or the byte loop
 * for a varint of 9 or 10 bytes; each value moved to its 8 bytes by a word permute) or a group of
 * fixed-size fields with at most 64 wire bytes (loaded under a mask, its bools and enums checked,
 * moved to their bytes by a byte permute). Anything it refuses (a bad value, a short message) goes
 * to the checked program, which finds it. */
static int vr_ok(void);

/* Starts segment *count of f as a run (1) or a group (0); NULL when f has VR_SEGS already. */
static vr_seg *vr_start(vr_form *f, int run) {
  if (f->count == VR_SEGS) return NULL;
  vr_seg *g = &f->seg[f->count++];
  g->run = (uint8_t)run;
  return g;
}

/* p->vr for a flat plan of a record of size bytes (left NULL when it does not qualify). */
static void make_vr(plan *p, uint64_t size) {
  if (!p->fast || !p->varints || p->big_endian || bw_host_big_endian() || !size || size > 128 ||
      !vr_ok())
    return;
  vr_form *f = aligned_alloc(_Alignof(vr_form), sizeof *f); /* (sizeof is a multiple of it) */
  if (!f) return;
  memset(f, 0, sizeof *f);
  vr_seg *g = NULL; /* the group being filled */
  for (const fstep *st = p->fast; st->op != F_END; st++) {
    if (st->op == F_VR) {
      if (st->off % 8 || st->off + 8 * (uint64_t)st->n > size) goto no;
      for (uint32_t k = 0; k < st->n; k += 8) {
        vr_seg *r = vr_start(f, 1);
        if (!r) goto no;
        r->n = (uint8_t)(st->n - k < 8 ? st->n - k : 8);
        r->ints = (uint8_t)(st->u.mask >> k);
        for (unsigned j = 0; j < r->n; j++) {
          uint64_t word = st->off / 8 + k + j; /* (below 16) */
          uint64_t lane = j;
          memcpy(&r->idx[word / 8][8 * (word % 8)], &lane, 8);
          r->keep[word / 8] |= (uint64_t)1 << (word % 8);
        }
      }
      g = NULL;
      continue;
    }
    int bools = st->op >= F_B1 && st->op <= F_B8, en = st->op == F_EM;
    if (!bools && !en && (st->op < F_CP1 || st->op > F_CP32)) goto no;
    uint32_t n = en ? 1 : st->n; /* (an enum: its low byte; the bytes above it stay 0) */
    if (st->off + (uint64_t)(en ? st->width : n) > size) goto no;
    if (!g || g->n + n > 64 || (en && g->enum_count == 8)) {
      if (!(g = vr_start(f, 0))) goto no;
    }
    for (uint32_t k = 0; k < n; k++) {
      uint64_t b = st->off + k;
      g->idx[b / 64][b % 64] = (uint8_t)(g->n + k);
      g->keep[b / 64] |= (uint64_t)1 << (b % 64);
      if (bools) g->bools |= (uint64_t)1 << (g->n + k);
    }
    if (en) {
      g->enum_at[g->enum_count] = g->n;
      g->enum_members[g->enum_count++] = st->u.mask;
    }
    g->n = (uint8_t)(g->n + n);
  }
  f->size = size;
  f->mask[0] = low_bits(size < 64 ? size : 64);
  f->mask[1] = size > 64 ? low_bits(size - 64) : 0;
  p->vr = f;
  return;
no:
  free(f);
}

static void cache_free(void *head) {
  cache_entry *e = head;
  while (e) {
    cache_entry *next = e->next;
    plan_free(e->p);
    free(e);
    e = next;
  }
}

/* Compiles the plan of t and adds it to the cache of s (whose head was head). */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static const plan *
plan_add(struct bw_schema *s, cache_entry *head, const bw_type *t, int big_endian) {
  const bw_schema *cs = s;
  cache_entry *e = malloc(sizeof *e);
  if (!e) return NULL;
  e->type = t;
  e->big_endian = big_endian;
  e->p = plan_new(big_endian);
  uint64_t size;
  if (e->p && compile_value(e->p, cs, t, 0, 1, 0) != 0) {
    plan_free(e->p);
    e->p = NULL;
  } else if (e->p && !e->p->has_flex && bw_mem_type_size(cs, t, &size, NULL) == 0) {
    make_zero_list(e->p, size);
    e->p->all_copy = 1;
    for (size_t i = 0; i < e->p->count; i++)
      if (e->p->steps[i].op != OP_COPY) e->p->all_copy = 0;
    make_fast(e->p);
    make_wide(e->p);
    make_vr(e->p, size);
  }
  __atomic_store_n(&s->native_plans_free, cache_free, __ATOMIC_RELEASE);
  /* Another thread may have added entries meanwhile: retry on the new head (duplicates are
   * harmless, the first one found wins). */
  void *expected = head;
  e->next = head;
  while (!__atomic_compare_exchange_n(&s->native_plans, &expected, e, 1, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE))
    e->next = expected;
  return e->p;
}

/* What a type's native_plan slot holds when the type has no plan. */
static const char no_plan_;

/* plan_get on a type whose slot is empty: the plan from the schema's cache (compiled and
 * added on first use), then kept in the slot. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static const plan *
plan_find(const bw_schema *cs, const bw_type *t, int big_endian) {
  struct bw_schema *s = (struct bw_schema *)cs; /* the cache is not part of the schema's value */
  cache_entry *head = __atomic_load_n(&s->native_plans, __ATOMIC_ACQUIRE), *e;
  for (e = head; e; e = e->next)
    if (e->type == t && e->big_endian == big_endian) break;
  const plan *p = e ? e->p : plan_add(s, head, t, big_endian);
  /* (not after a failed malloc of the entry: the next call tries again; not in the byte
   * stand-ins, which every schema shares) */
  if ((e || p) && t != &bw_mem_byte_u8 && t != &bw_mem_byte_i8)
    __atomic_store_n(&((bw_type *)t)->native_plan[big_endian != 0],
                     p ? (const void *)p : (const void *)&no_plan_, __ATOMIC_RELEASE);
  return p;
}

/* The plan of type t (as a view declares it) of s, compiled on first use; NULL when it has
 * none (or when memory is short: the walker then does the work). One load: the plan is kept
 * in the type (a walk of the schema's list of plans was a fifth of a native call). */
static inline const plan *plan_get(const bw_schema *cs, const bw_type *t, int big_endian) {
  const void *p = __atomic_load_n(&t->native_plan[big_endian != 0], __ATOMIC_ACQUIRE);
  if (__builtin_expect(p != NULL, 1)) return p == (const void *)&no_plan_ ? NULL : p;
  return plan_find(cs, t, big_endian);
}

/* ---- running ------------------------------------------------------------------------- */

/* memcpy of a small run without a call: overlapping fixed-size moves. */
static inline void copy_bytes(uint8_t *d, const uint8_t *s, size_t n) {
  if (n >= 8) {
    if (n <= 16) {
      memcpy(d, s, 8);
      memcpy(d + n - 8, s + n - 8, 8);
    } else if (n <= 32) {
      memcpy(d, s, 16);
      memcpy(d + n - 16, s + n - 16, 16);
    } else if (n <= 64) {
      memcpy(d, s, 32);
      memcpy(d + n - 32, s + n - 32, 32);
    } else if (n <= 128) {
      memcpy(d, s, 64);
      memcpy(d + n - 64, s + n - 64, 64);
    } else {
      memcpy(d, s, n);
    }
  } else if (n >= 4) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else if (n >= 2) {
    memcpy(d, s, 2);
    memcpy(d + n - 2, s + n - 2, 2);
  } else if (n) {
    *d = *s;
  }
}

/* Loads and stores of 1, 2, 4 or 8 bytes in either byte order, with a constant width in each
 * branch so that they compile to a move (and a byte swap), not a call or a byte loop. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_BE_ 0
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BE_ 1
#endif

#ifdef HOST_BE_
static inline uint64_t load_w(const uint8_t *p, unsigned w, int be) {
  int swap = be != HOST_BE_;
  switch (w) {
    case 1:
      return p[0];
    case 2: {
      uint16_t v;
      memcpy(&v, p, 2);
      return swap ? __builtin_bswap16(v) : v;
    }
    case 4: {
      uint32_t v;
      memcpy(&v, p, 4);
      return swap ? __builtin_bswap32(v) : v;
    }
    default: {
      uint64_t v;
      memcpy(&v, p, 8);
      return swap ? __builtin_bswap64(v) : v;
    }
  }
}
static inline void store_w(uint8_t *p, uint64_t v, unsigned w, int be) {
  int swap = be != HOST_BE_;
  switch (w) {
    case 1:
      p[0] = (uint8_t)v;
      return;
    case 2: {
      uint16_t x = (uint16_t)v;
      if (swap) x = __builtin_bswap16(x);
      memcpy(p, &x, 2);
      return;
    }
    case 4: {
      uint32_t x = (uint32_t)v;
      if (swap) x = __builtin_bswap32(x);
      memcpy(p, &x, 4);
      return;
    }
    default: {
      uint64_t x = v;
      if (swap) x = __builtin_bswap64(x);
      memcpy(p, &x, 8);
      return;
    }
  }
}
#else
static inline uint64_t load_w(const uint8_t *p, unsigned w, int be) {
  switch (w) {
    case 1:
      return p[0];
    case 2:
      return be ? bw_load_be(p, 2) : bw_load_le(p, 2);
    case 4:
      return be ? bw_load_be(p, 4) : bw_load_le(p, 4);
    default:
      return be ? bw_load_be(p, 8) : bw_load_le(p, 8);
  }
}
static inline void store_w(uint8_t *p, uint64_t v, unsigned w, int be) {
  switch (w) {
    case 1:
      p[0] = (uint8_t)v;
      return;
    case 2:
      if (be)
        bw_store_be(p, v, 2);
      else
        bw_store_le(p, v, 2);
      return;
    case 4:
      if (be)
        bw_store_be(p, v, 4);
      else
        bw_store_le(p, v, 4);
      return;
    default:
      if (be)
        bw_store_be(p, v, 8);
      else
        bw_store_le(p, v, 8);
  }
}

#endif

static inline void zero_bytes(uint8_t *d, size_t n) {
  static const uint8_t zeros[128];
  if (n <= 128)
    copy_bytes(d, zeros, n);
  else
    memset(d, 0, n);
}

/* The varints of uint and int fields. varint_put writes v (into room for BW_VARINT_MAX bytes)
 * and returns its size; varint_get is bw_varint_get (strict: minimal, at most 64 bits)
 * returning the bytes read, or 0 for a varint the plan refuses (the walker then reports it).
 * One-byte values take no loop. On little-endian hosts a value of up to 8 bytes is written as
 * one 8-byte word (core/varint_word.h).
 * Reading is a loop over the bytes, unrolled, with no bounds check per byte when ten bytes are
 * there. (The same gather from one 8-byte load was slower in time: 28 -> 39 ns per 9-field
 * record in the array call, since each varint's position then waits for the previous one's
 * length, while the loop's exit is predicted and the next varint starts early.) On x86-64
 * CPUs with a fast BMI2, runs of varints use pext and pdep instead (get_varints_pext). */
static inline size_t varint_put(uint8_t *out, uint64_t v) {
  if (v < 0x80) {
    out[0] = (uint8_t)v;
    return 1;
  }
#ifdef BW_VARINT_WORD
  return bw_varint_put_word(out, v); /* (the bytes past the varint: room the caller reserved) */
#else
  return bw_varint_put(out, v);
#endif
}

/* The continuation bits of the first i (1..9) bytes of a varint, as they add up when each
 * byte is added whole at 7 bits per byte: bits 7, 14, ... 7i. */
#define varint_cont_bits_(i) (0x8102040810204080ull & (((uint64_t)2 << (7 * (i))) - 1))

/* One varint from p, which has at least BW_VARINT_MAX readable bytes: the rules of
 * bw_varint_get with no bounds check per byte. Each byte is added whole (its continuation bit
 * too) and the continuation bits of the bytes before the last are taken off once at the end:
 * a constant for each length. Returns the bytes read, or 0 for a varint the plan refuses. */
static BW_ALWAYS_INLINE size_t varint_get10(const uint8_t *p, uint64_t *v) {
  uint64_t x = p[0], b;
  if (x < 0x80) {
    *v = x;
    return 1;
  }
#define VARINT_BYTE_(i)                                                                            \
  b = p[i];                                                                                        \
  x += b << (7 * (i));                                                                             \
  if (b < 0x80) {                                                                                  \
    if (!b) return 0; /* a trailing zero group */                                                  \
    *v = x - varint_cont_bits_((i));                                                               \
    return (i) + 1;                                                                                \
  }
  VARINT_BYTE_(1)
  VARINT_BYTE_(2)
  VARINT_BYTE_(3)
  VARINT_BYTE_(4)
  VARINT_BYTE_(5)
  VARINT_BYTE_(6)
  VARINT_BYTE_(7)
  VARINT_BYTE_(8)
#undef VARINT_BYTE_
  b = p[9];
  if (b != 1) return 0; /* a trailing zero group, or more than 64 bits */
  *v = x + (b << 63) - varint_cont_bits_(9);
  return 10;
}

static inline size_t varint_get(const uint8_t *p, size_t len, uint64_t *v) {
  if (len >= BW_VARINT_MAX) return varint_get10(p, v);
  int n = bw_varint_get(p, len, v);
  return n < 0 ? 0 : (size_t)n;
}

/* Stores v, the value of varint k of a run (bit k of ints: an int, zig-zag encoded), into the
 * field 8 * k bytes from rec in the byte order be. */
static BW_ALWAYS_INLINE void store_varint(uint8_t *rec, uint32_t k, uint64_t v, uint64_t ints,
                                          int be) {
  uint64_t zz = (v >> 1) ^ (uint64_t) - (int64_t)(v & 1);
  store_w(rec + 8 * (size_t)k, (ints >> k) & 1 ? zz : v, 8, be);
}

/* A run of count uint/int fields 8 bytes apart at rec (bit k of ints: field k is an int), in
 * the byte order be, to varints at out: the bytes written. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t
put_varints(uint8_t *out, const uint8_t *rec, uint32_t count, uint64_t ints, int be) {
  size_t pos = 0;
  for (uint32_t k = 0; k < count; k++) {
    uint64_t v = load_w(rec + 8 * (size_t)k, 8, be);
    uint64_t zz = (v << 1) ^ (uint64_t)((int64_t)v >> 63);
    pos += varint_put(out + pos, (ints >> k) & 1 ? zz : v);
  }
  return pos;
}

/* The varints of count uint/int fields from msg[0..len) into the fields 8 bytes apart at rec:
 * the bytes read, or SIZE_MAX for a varint the plan refuses. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t
get_varints(uint8_t *rec, const uint8_t *msg, size_t len, uint32_t count, uint64_t ints, int be) {
  size_t at = 0;
  uint32_t k = 0;
  if (len / BW_VARINT_MAX >= count) {
    /* room for count varints of the longest kind: no bounds check in the run */
    for (; k < count; k++) {
      uint64_t v;
      size_t n = varint_get10(msg + at, &v);
      if (!n) return SIZE_MAX;
      at += n;
      store_varint(rec, k, v, ints, be);
    }
    return at;
  }
  for (; k < count; k++) {
    uint64_t v;
    size_t n = varint_get(msg + at, len - at, &v);
    if (!n) return SIZE_MAX;
    at += n;
    store_varint(rec, k, v, ints, be);
  }
  return at;
}

/* With BMI2 and AVX2 (and a fast pext: not AMD's Zen 1 and 2, where it is microcoded), a run
 * of varints is read from a mask of the continuation bits of 64 bytes: each varint ends at the
 * mask's lowest clear bit, so the chain from one varint to the next is one bit operation (the
 * byte loop's chain is its predicted exits), and its value is one pext of an 8-byte load. A
 * varint of 9 or 10 bytes, one that runs past the window, and the last 72 bytes of the input
 * go through the byte loop. pext_varints_ok() says whether this CPU has it (checked when a
 * plan is compiled). */
#if defined(BW_VARINT_WORD) && defined(__x86_64__) && defined(__SSE2__) &&                         \
    (defined(__GNUC__) || defined(__clang__))
#define PEXT_VARINTS_ 1
#include <immintrin.h>

/* 0: the byte loop; 1: pext windows; 2: and the last bytes of the input through a window too
 * (AVX-512 BW: a masked load reads no byte past the input); 3: 8 varints at once by the
 * AVX-512 kernels of core/varint_avx512.h (get_varints_avx512, put_varints_avx512). */
static int pext_varints_ok(void) {
  if (!simd_allowed_) return 0;
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("bmi2") || !__builtin_cpu_supports("avx2") ||
      __builtin_cpu_is("znver1") || __builtin_cpu_is("znver2"))
    return 0;
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")) return 1;
#ifdef BW_VARINT_AVX512
  if (bw_varint_avx512_cpu()) return 3;
#endif
  return 2;
}

/* The n (at most 64) bytes at p into buf (72 bytes), zeros after them: one masked load, which
 * reads nothing past p + n; their continuation bits (bit i: byte i has its top bit set) and
 * their zero bytes as masks. */
__attribute__((target("avx512f,avx512bw"))) static void
window_tail(uint8_t *buf, const uint8_t *p, size_t n, uint64_t *cont, uint64_t *zeros) {
  __m512i x = _mm512_maskz_loadu_epi8(n >= 64 ? ~0ull : ((uint64_t)1 << n) - 1, p);
  _mm512_storeu_si512((void *)buf, x);
  memset(buf + 64, 0, 8);
  *cont = _mm512_movepi8_mask(x);
  *zeros = _mm512_testn_epi8_mask(x, x);
}

/* The value of the varint of n (1..8) bytes at p (8 bytes readable). */
__attribute__((target("bmi,bmi2"))) static inline uint64_t pext_varint(const uint8_t *p, size_t n) {
  uint64_t x;
  memcpy(&x, p, 8);
  return _pext_u64(x, _bzhi_u64(0x7f7f7f7f7f7f7f7full, (unsigned)(8 * n)));
}

__attribute__((target("avx2,bmi,bmi2,popcnt"))) static BW_ALWAYS_INLINE size_t
pext_run(uint8_t *rec, const uint8_t *msg, size_t len, uint32_t count, uint64_t ints, const int be,
         int tail) {
  size_t at = 0;
  uint32_t k = 0;
  while (k < count && len - at >= 72) {
    const uint8_t *w = msg + at;
    /* bit i: byte i has its top bit set; byte i is 0 */
    __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)w);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(w + 32));
    uint64_t cont =
        (uint32_t)_mm256_movemask_epi8(lo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
    uint64_t zeros =
        (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, _mm256_setzero_si256())) |
        (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, _mm256_setzero_si256()))
            << 32;
    uint64_t ends = ~cont;
    size_t rel = 0; /* the next varint's start in the window */
    uint64_t c2 = cont & (cont >> 1), c4 = c2 & (c2 >> 2);
    if (!(c4 & (c4 >> 4)) && (uint64_t)__builtin_popcountll(ends) >= count - k) {
      /* no 8 continuation bytes in a row (every varint here has at most 8 bytes) and the
       * remaining varints all end in the window: no check in the loop */
      for (; k < count; k++) {
        size_t e = (size_t)_tzcnt_u64(ends);
        uint64_t x = pext_varint(w + rel, e - rel + 1);
        store_varint(rec, k, x, ints, be);
        rel = e + 1;
        ends = _blsr_u64(ends);
      }
      if (_bzhi_u64(zeros & (cont << 1), (unsigned)rel)) return SIZE_MAX;
      return at + rel;
    }
    while (k < count && ends) {
      size_t e = (size_t)_tzcnt_u64(ends);
      if (e - rel >= 8) break; /* 9 bytes or more */
      uint64_t x = pext_varint(w + rel, e - rel + 1);
      store_varint(rec, k, x, ints, be);
      k++;
      rel = e + 1;
      ends = _blsr_u64(ends);
    }
    /* a trailing zero group: a 0 byte after a continuation byte, in the bytes read */
    if (_bzhi_u64(zeros & (cont << 1), (unsigned)rel)) return SIZE_MAX;
    at += rel;
    if (k == count) return at;
    /* the next varint: 9 or 10 bytes, or past the window (or no varint: refused) */
    uint64_t v;
    size_t n = varint_get(msg + at, len - at, &v);
    if (!n) return SIZE_MAX;
    at += n;
    store_varint(rec, k, v, ints, be);
    k++;
  }
  if (k == count) return at;
  if (tail && len - at <= 64) {
    /* the last bytes: a window of them, zeros after (which end no varint here: valid) */
    uint8_t buf[72];
    size_t avail = len - at;
    uint64_t cont, zeros;
    window_tail(buf, msg + at, avail, &cont, &zeros);
    uint64_t valid = avail >= 64 ? ~0ull : ((uint64_t)1 << avail) - 1;
    uint64_t ends = ~cont & valid;
    uint64_t c2 = cont & (cont >> 1), c4 = c2 & (c2 >> 2);
    if (!(c4 & (c4 >> 4)) && (uint64_t)__builtin_popcountll(ends) >= count - k) {
      /* every varint has at most 8 bytes and all end here */
      size_t rel = 0;
      for (; k < count; k++) {
        size_t e = (size_t)_tzcnt_u64(ends);
        store_varint(rec, k, pext_varint(buf + rel, e - rel + 1), ints, be);
        rel = e + 1;
        ends = _blsr_u64(ends);
      }
      if (_bzhi_u64(zeros & (cont << 1), (unsigned)rel)) return SIZE_MAX;
      return at + rel;
    }
  }
  size_t n = get_varints(rec + 8 * (size_t)k, msg + at, len - at, count - k, ints >> k, be);
  return n == SIZE_MAX ? n : at + n;
}

/* pext_run with the byte order a constant in each copy. */
__attribute__((target("avx2,bmi,bmi2,popcnt"))) static size_t
get_varints_pext(uint8_t *rec, const uint8_t *msg, size_t len, uint32_t count, uint64_t ints,
                 int be, int tail) {
  return be ? pext_run(rec, msg, len, count, ints, 1, tail)
            : pext_run(rec, msg, len, count, ints, 0, tail);
}

/* The encoder's side: each value below 2^56 is one pdep (its 7-bit groups to bytes), its
 * continuation bits and one 8-byte store. */
__attribute__((target("bmi,bmi2,lzcnt"))) static BW_ALWAYS_INLINE size_t
pdep_run(uint8_t *out, const uint8_t *rec, uint32_t count, uint64_t ints, const int be) {
  size_t pos = 0;
  for (uint32_t k = 0; k < count; k++) {
    uint64_t v = load_w(rec + 8 * (size_t)k, 8, be);
    uint64_t zz = (v << 1) ^ (uint64_t)((int64_t)v >> 63);
    v = (ints >> k) & 1 ? zz : v;
    if (v < (uint64_t)1 << 56) {
      unsigned z = (unsigned)_lzcnt_u64(v | 1);
      uint64_t x = _pdep_u64(v, 0x7f7f7f7f7f7f7f7full) | bw_varint_more_by_clz[z];
      memcpy(out + pos, &x, 8); /* (the bytes past the varint are room the caller reserved) */
      pos += bw_varint_size_by_clz[z];
    } else {
      pos += bw_varint_put(out + pos, v);
    }
  }
  return pos;
}

__attribute__((target("bmi,bmi2,lzcnt"))) static size_t
put_varints_pdep(uint8_t *out, const uint8_t *rec, uint32_t count, uint64_t ints, int be) {
  return be ? pdep_run(out, rec, count, ints, 1) : pdep_run(out, rec, count, ints, 0);
}

#ifdef BW_VARINT_AVX512
#define AVX512_VARINTS_ 1
/* Each 64-bit lane of x with its bytes in the other order. */
__attribute__((target("avx512f,avx512bw"))) static inline __m512i swap_words(__m512i x) {
  return _mm512_shuffle_epi8(x, _mm512_set4_epi64(0x08090a0b0c0d0e0fll, 0x0001020304050607ll,
                                                  0x08090a0b0c0d0e0fll, 0x0001020304050607ll));
}

/* get_varints with 8 varints at once (bw_varint8_get_avx512) while they take them, one
 * masked store of their fields each; the rest (a varint of 9 or 10 bytes, or a refused one)
 * by get_varints. */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static size_t
get_varints_avx512(uint8_t *rec, const uint8_t *msg, size_t len, uint32_t count, uint64_t ints,
                   int be) {
  size_t at = 0;
  uint32_t k = 0;
  while (k < count) {
    unsigned n = count - k < 8 ? count - k : 8;
    __m512i x;
    size_t used = bw_varint8_get_avx512(msg + at, len - at, n, &x);
    if (used == SIZE_MAX) break;
    x = bw_zigzag_decode_avx512(x, (unsigned)(ints >> k) & 0xffu);
    _mm512_mask_storeu_epi64(rec + 8 * (size_t)k, (__mmask8)((1u << n) - 1),
                             be ? swap_words(x) : x);
    at += used;
    k += n;
  }
  if (k == count) return at;
  size_t rest = get_varints(rec + 8 * (size_t)k, msg + at, len - at, count - k, ints >> k, be);
  return rest == SIZE_MAX ? rest : at + rest;
}

/* put_varints with 8 fields at once: one masked load of their values, then
 * bw_varint8_put_avx512 (put_varints for 8 fields it refuses: a value of 2^56 or more). */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static size_t
put_varints_avx512(uint8_t *out, const uint8_t *rec, uint32_t count, uint64_t ints, int be) {
  size_t pos = 0;
  for (uint32_t k = 0; k < count; k += 8) {
    unsigned n = count - k < 8 ? count - k : 8;
    const uint8_t *src = rec + 8 * (size_t)k;
    __m512i v = _mm512_maskz_loadu_epi64((__mmask8)((1u << n) - 1), src);
    size_t w = bw_varint8_put_avx512(
        out + pos, bw_zigzag_encode_avx512(be ? swap_words(v) : v, (unsigned)(ints >> k) & 0xffu),
        n);
    pos += w != SIZE_MAX ? w : put_varints(out + pos, src, n, ints >> k, be);
  }
  return pos;
}
#endif
#else
static int pext_varints_ok(void) {
  return 0;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PERM_ 1
#include <immintrin.h>

/* Whether plans get the permute form: AVX-512 F, BW and VBMI (Ice Lake, Zen 4 and later). */
static int perm_ok(void) {
  if (!simd_allowed_) return 0;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
}

/* The lanes of w's enums (bits i) whose low byte in bytes (the record's, or the message's) is
 * not a member: each low byte moved to a lane of its own by one byte permute, its members'
 * mask shifted right by it (by 64 or more: 0), bit 0 tested. */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static inline __mmask8
perm_bad_enums(const perm_form *w, __m512i bytes, int message) {
  __m512i v = _mm512_maskz_permutexvar_epi8(
      w->enum_bytes, _mm512_loadu_si512((const void *)(message ? w->enum_msg : w->enum_rec)),
      bytes);
  __m512i bit = _mm512_srlv_epi64(_mm512_loadu_si512((const void *)w->enum_members), v);
  return _mm512_mask_testn_epi64_mask(w->enum_lanes, bit, _mm512_set1_epi64(1));
}

/* wide_encode by the permute form (w->perm; avail >= src_end bytes readable at rec, cap >=
 * wire bytes of room at out): one load (masked unless 64 bytes are readable), one byte
 * permute, the bools and enums checked in the record's bytes, one store (masked unless there
 * are 64 bytes of room). The size, or SIZE_MAX (nothing written) for a bad bool or enum. */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static inline size_t
perm_encode(const perm_form *w, const uint8_t *rec, uint64_t avail, uint8_t *out, size_t cap) {
  __m512i x = avail >= 64 ? _mm512_loadu_si512((const void *)rec)
                          : _mm512_maskz_loadu_epi8(w->src_mask, rec);
  __m512i m = _mm512_permutexvar_epi8(_mm512_loadu_si512((const void *)w->eperm), x);
  /* (the checks on the record's bytes: beside the permute, not after it) */
  if (_mm512_mask_cmpgt_epu8_mask(w->src_bools, x, _mm512_set1_epi8(1)) |
      _mm512_mask_test_epi8_mask(w->enum_high, x, x) |
      (uint64_t)(w->enum_lanes ? perm_bad_enums(w, x, 0) : 0))
    return SIZE_MAX;
  if (cap >= 64)
    _mm512_storeu_si512((void *)out, m);
  else
    _mm512_mask_storeu_epi8(out, w->wire_mask, m);
  return w->wire;
}

/* encode_flat by the permute form, as one call that bw_mem_plan_encode_to ends with. */
__attribute__((noinline, target("avx512f,avx512bw,avx512vbmi"))) static int
perm_encode_to(const perm_form *w, const uint8_t *rec, uint64_t avail, uint8_t *out, size_t cap,
               size_t *len) {
  size_t n = perm_encode(w, rec, avail, out, cap);
  if (n == SIZE_MAX) return BW_MEM_PLAN_FALLBACK;
  *len = n;
  return 0;
}

/* The message at msg (w->wire bytes) into the record at rec (w->rec_size bytes, its padding
 * zeroed) by the permute form: 0, or -1 (rec untouched) for a bad bool or enum. */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static inline int
perm_decode(const perm_form *w, uint8_t *rec, const uint8_t *msg) {
  __m512i m = _mm512_maskz_loadu_epi8(w->wire_mask, msg);
  if (_mm512_mask_cmpgt_epu8_mask(w->bool_bytes, m, _mm512_set1_epi8(1)) |
      (uint64_t)(w->enum_lanes ? perm_bad_enums(w, m, 1) : 0))
    return -1;
  __m512i r =
      _mm512_maskz_permutexvar_epi8(w->rec_keep, _mm512_loadu_si512((const void *)w->dperm), m);
  _mm512_mask_storeu_epi8(rec, w->rec_mask, r);
  return 0;
}

/* bw_mem_plan_decode by the permute form (a message of at least w->wire bytes, its length
 * checked), as the call that its front ends with. */
__attribute__((noinline, target("avx512f,avx512bw,avx512vbmi"))) static int
perm_decode_to(const perm_form *w, uint8_t *rec, const uint8_t *msg, size_t *consumed,
               uint64_t *flex_count) {
  if (perm_decode(w, rec, msg)) return BW_MEM_PLAN_FALLBACK;
  if (consumed) *consumed = w->wire;
  if (flex_count) *flex_count = 0;
  return 0;
}
#ifdef AVX512_VARINTS_
#define VR_ 1
/* Whether plans get the varint form: the permute form's CPU and the varint kernels'. */
static int vr_ok(void) {
  return perm_ok() && bw_varint_avx512_cpu();
}

/* get_varints of a little-endian run into v, out of line (inline, it slowed vr_decode's
 * common case by 8%). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t
vr_run_bytes(uint64_t *v, const uint8_t *msg, size_t len, uint32_t n, uint64_t ints) {
  return get_varints((uint8_t *)v, msg, len, n, ints, 0);
}

/* The message msg[0..len) into the record at rec (f->size bytes, its padding zeroed) by the
 * varint form: 0 and *used (the bytes read; only len when !trailing), or -1 with rec untouched
 * for anything the checked program must look at. */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static inline int
vr_decode(const vr_form *f, uint8_t *rec, const uint8_t *msg, size_t len, int trailing,
          size_t *used) {
  __m512i lo = _mm512_setzero_si512(), hi = lo;
  size_t at = 0;
  for (size_t i = 0; i < f->count; i++) {
    const vr_seg *g = &f->seg[i];
    __m512i ilo = _mm512_load_si512((const void *)g->idx[0]);
    __m512i ihi = _mm512_load_si512((const void *)g->idx[1]);
    if (g->run) {
      __m512i x;
      size_t k = bw_varint8_get_avx512(msg + at, len - at, g->n, &x);
      if (k != SIZE_MAX) {
        x = bw_zigzag_decode_avx512(x, g->ints);
      } else {         /* a varint of 9 or 10 bytes, or a bad one: the byte loop, through memory */
        uint64_t v[8]; /* (not 64-byte aligned: that would cost every call a realigned frame) */
        k = vr_run_bytes(v, msg + at, len - at, g->n, g->ints);
        if (k == SIZE_MAX) return -1;
        x = _mm512_maskz_loadu_epi64((__mmask8)((1u << g->n) - 1), v);
      }
      lo = _mm512_mask_permutexvar_epi64(lo, (__mmask8)g->keep[0], ilo, x);
      hi = _mm512_mask_permutexvar_epi64(hi, (__mmask8)g->keep[1], ihi, x);
      at += k;
      continue;
    }
    if (len - at < g->n) return -1;
    const uint8_t *b = msg + at;
    __m512i w = _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, g->n), b);
    if (_mm512_mask_test_epi8_mask(g->bools, w, _mm512_set1_epi8((char)0xfe))) return -1;
    for (unsigned e = 0; e < g->enum_count; e++) {
      unsigned v = b[g->enum_at[e]];
      if (v >= 64 || !((g->enum_members[e] >> v) & 1)) return -1;
    }
    lo = _mm512_mask_permutexvar_epi8(lo, g->keep[0], ilo, w);
    hi = _mm512_mask_permutexvar_epi8(hi, g->keep[1], ihi, w);
    at += g->n;
  }
  if (at != len && !trailing) return -1;
  _mm512_mask_storeu_epi8(rec, f->mask[0], lo);
  if (f->mask[1]) _mm512_mask_storeu_epi8(rec + 64, f->mask[1], hi);
  *used = at;
  return 0;
}
#else
static int vr_ok(void) {
  return 0;
}
#endif
#else
static int perm_ok(void) {
  return 0;
}

static int vr_ok(void) {
  return 0;
}
#endif

static int enum_has(const step *st, uint64_t v) {
  size_t lo = 0, hi = st->value_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->values[mid] < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < st->value_count && st->values[lo] == v;
}

/* Two overlapping moves of w bytes cover any n in [w, 2w]. */
#define COPY_PAIR(d, s, n, w)                                                                      \
  do {                                                                                             \
    memcpy((d), (s), (w));                                                                         \
    memcpy((d) + (n) - (w), (s) + (n) - (w), (w));                                                 \
  } while (0)

/* 1 when one of the n bytes at p (1 <= n <= 16, op from size_op) is neither 0 nor 1. */
static inline int bad_bools(const uint8_t *p, uint32_t n, uint8_t op) {
  switch (op) {
    case F_B1:
      return p[0] > 1;
    case F_B2: {
      uint16_t a, b;
      memcpy(&a, p, 2);
      memcpy(&b, p + n - 2, 2);
      return ((a | b) & 0xfefeu) != 0;
    }
    case F_B4: {
      uint32_t a, b;
      memcpy(&a, p, 4);
      memcpy(&b, p + n - 4, 4);
      return ((a | b) & 0xfefefefeu) != 0;
    }
    case F_B8: {
      uint64_t a, b;
      memcpy(&a, p, 8);
      memcpy(&b, p + n - 8, 8);
      return ((a | b) & 0xfefefefefefefefeull) != 0;
    }
    default: {
      uint8_t any = 0;
      for (uint32_t k = 0; k < n; k++) any |= p[k];
      return any > 1;
    }
  }
}

/* The cases of the flat program's copies, from s to d, in either direction (then break). */
#define FAST_COPY_CASES(d, s, n)                                                                   \
  case F_CP1:                                                                                      \
    (d)[0] = (s)[0];                                                                               \
    break;                                                                                         \
  case F_CP2:                                                                                      \
    COPY_PAIR(d, s, n, 2);                                                                         \
    break;                                                                                         \
  case F_CP4:                                                                                      \
    COPY_PAIR(d, s, n, 4);                                                                         \
    break;                                                                                         \
  case F_CP8:                                                                                      \
    COPY_PAIR(d, s, n, 8);                                                                         \
    break;                                                                                         \
  case F_CP16:                                                                                     \
    COPY_PAIR(d, s, n, 16);                                                                        \
    break;                                                                                         \
  case F_CP32:                                                                                     \
    COPY_PAIR(d, s, n, 32);                                                                        \
    break;                                                                                         \
  case F_CPN:                                                                                      \
    memcpy(d, s, n);                                                                               \
    break;                                                                                         \
  case F_B1:                                                                                       \
    if ((s)[0] > 1) BAD_VALUE;                                                                     \
    (d)[0] = (s)[0];                                                                               \
    break;                                                                                         \
  case F_B2:                                                                                       \
  case F_B4:                                                                                       \
  case F_B8:                                                                                       \
  case F_BN:                                                                                       \
    if (bad_bools(s, n, f->op)) BAD_VALUE;                                                         \
    memcpy(d, s, n);                                                                               \
    break;

#if defined(__GNUC__) && __GNUC__ >= 7
#define FALLTHROUGH_ __attribute__((fallthrough))
#else
#define FALLTHROUGH_ ((void)0)
#endif

/* Encodes rec with w into out (w->need bytes of room; w->extent bytes readable at rec): the
 * message size, or SIZE_MAX when a bool or enum is refused. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t
wide_encode(const wide *w, const uint8_t *restrict rec, uint8_t *restrict out) {
  /* locals: stores through out cannot change them (out is only bytes of the message) */
  const wide_bool *bools = w->bools;
  const wide_enum *enums = w->enums;
  const wide_move *moves = w->moves;
  size_t nb = w->bool_count, ne = w->enum_count, nm = w->move_count;
  uint64_t bad = 0;
  /* the checks, unrolled for up to four bool runs and two enums */
#define WIDE_BOOL_(i)                                                                              \
  do {                                                                                             \
    uint64_t a_, b_;                                                                               \
    memcpy(&a_, rec + bools[i].off, 8);                                                            \
    memcpy(&b_, rec + bools[i].off + 8, 8);                                                        \
    bad |= (a_ & bools[i].m0) | (b_ & bools[i].m1);                                                \
  } while (0)
#define WIDE_ENUM_(i)                                                                              \
  do {                                                                                             \
    uint64_t v_;                                                                                   \
    memcpy(&v_, rec + enums[i].off, 8);                                                            \
    v_ &= enums[i].width_mask;                                                                     \
    bad |= v_ >= 64 || !((enums[i].members >> (v_ & 63)) & 1);                                     \
  } while (0)
  if (nb | ne) { /* records of numbers only skip both */
    switch (nb) {
      case 4:
        WIDE_BOOL_(3);
        FALLTHROUGH_;
      case 3:
        WIDE_BOOL_(2);
        FALLTHROUGH_;
      case 2:
        WIDE_BOOL_(1);
        FALLTHROUGH_;
      case 1:
        WIDE_BOOL_(0);
        FALLTHROUGH_;
      case 0:
        break;
      default:
        for (size_t i = 0; i < nb; i++) WIDE_BOOL_(i);
    }
    switch (ne) {
      case 2:
        WIDE_ENUM_(1);
        FALLTHROUGH_;
      case 1:
        WIDE_ENUM_(0);
        FALLTHROUGH_;
      case 0:
        break;
      default:
        for (size_t i = 0; i < ne; i++) WIDE_ENUM_(i);
    }
  }
#undef WIDE_BOOL_
#undef WIDE_ENUM_
  if (bad) return SIZE_MAX;
#define WIDE_MOVE_(i) memcpy(out + moves[i].woff, rec + moves[i].off, 16)
  switch (nm) { /* unrolled for the usual records, in ascending wire order (the surplus of a
                   move is overwritten by the moves after it) */
    case 8:
      WIDE_MOVE_(nm - 8);
      FALLTHROUGH_;
    case 7:
      WIDE_MOVE_(nm - 7);
      FALLTHROUGH_;
    case 6:
      WIDE_MOVE_(nm - 6);
      FALLTHROUGH_;
    case 5:
      WIDE_MOVE_(nm - 5);
      FALLTHROUGH_;
    case 4:
      WIDE_MOVE_(nm - 4);
      FALLTHROUGH_;
    case 3:
      WIDE_MOVE_(nm - 3);
      FALLTHROUGH_;
    case 2:
      WIDE_MOVE_(nm - 2);
      FALLTHROUGH_;
    case 1:
      WIDE_MOVE_(nm - 1);
      FALLTHROUGH_;
    case 0:
      break;
    default:
      for (size_t i = 0; i < nm; i++) WIDE_MOVE_(i);
  }
#undef WIDE_MOVE_
  if (ne == 1) {
    out[enums[0].woff] = rec[enums[0].off];
  } else {
    for (size_t i = 0; i < ne; i++) out[enums[i].woff] = rec[enums[i].off];
  }
  return w->wire;
}

/* Decodes the message at msg (w->dneed bytes readable there: a message and what follows it)
 * into the record of size bytes at rec through scratch (size + 16 bytes) with w and the zero
 * list of p: 0, or -1 when a bool or enum is refused (rec untouched). The moves go in
 * ascending native order, so the surplus bytes of each land on bytes that a later move, an
 * enum store or the padding zeroing rewrites. */
static inline int wide_decode(const plan *p, const wide *w, uint8_t *restrict rec, uint64_t size,
                              const uint8_t *restrict msg, uint8_t *restrict scratch) {
  const wide_bool *bools = w->bools;
  const wide_enum *enums = w->enums;
  const wide_move *moves = w->dmoves;
  size_t nb = w->bool_count, ne = w->enum_count, nm = w->move_count;
  uint64_t bad = 0;
  for (size_t i = 0; i < nb; i++) {
    uint64_t a, b;
    memcpy(&a, msg + bools[i].woff, 8);
    memcpy(&b, msg + bools[i].woff + 8, 8);
    bad |= (a & bools[i].m0) | (b & bools[i].m1);
  }
  for (size_t i = 0; i < ne; i++) {
    uint8_t v = msg[enums[i].woff];
    bad |= v >= 64 || !((enums[i].members >> (v & 63)) & 1);
  }
  if (bad) return -1;
  for (size_t i = 0; i < nm; i++) memcpy(scratch + moves[i].off, msg + moves[i].woff, 16);
  for (size_t i = 0; i < ne; i++) {
    /* the member's value in the enum's storage (little-endian, every byte) */
    store_w(scratch + enums[i].off, msg[enums[i].woff], enums[i].width, 0);
  }
  if (w->keep_size == size) {
    /* to the record a word at a time, the padding masked to zero */
    size_t words = (size_t)size / 8;
    for (size_t k = 0; k < words; k++) {
      uint64_t x;
      memcpy(&x, scratch + 8 * k, 8);
      x &= w->keep[k];
      memcpy(rec + 8 * k, &x, 8);
    }
    if (size % 8) {
      uint64_t x;
      memcpy(&x, scratch + size - 8, 8);
      x &= w->keep_tail;
      memcpy(rec + size - 8, &x, 8);
    }
    return 0;
  }
  for (size_t i = 0; i < p->zero_count; i++) zero_bytes(scratch + p->zero[i].off, p->zero[i].len);
  copy_bytes(rec, scratch, (size_t)size);
  return 0;
}

/* Encodes the record at rec with the flat program f into out (room for the plan's max_wire
 * bytes): the bytes written, or SIZE_MAX when a value is refused (a bool byte other than 0 or
 * 1, an enum value that is not a member). */
static size_t fast_encode(const fstep *f, const uint8_t *rec, uint8_t *out, int be) {
  size_t pos = 0;
  for (;; f++) {
    const uint8_t *src = rec + f->off;
    uint8_t *o = out + pos;
    switch (f->op) {
      case F_END:
        return pos;
#define BAD_VALUE return SIZE_MAX
        FAST_COPY_CASES(o, src, f->n)
#undef BAD_VALUE
      case F_SW2:
        store_w(o, load_w(src, 2, 1), 2, 0);
        break;
      case F_SW4:
        store_w(o, load_w(src, 4, 1), 4, 0);
        break;
      case F_SW8:
        store_w(o, load_w(src, 8, 1), 8, 0);
        break;
      case F_EM: {
        uint64_t v = load_w(src, f->width, be);
        if (v >= 64 || !((f->u.mask >> v) & 1)) return SIZE_MAX;
        *o = (uint8_t)v; /* below 0x80: one varint byte */
        break;
      }
      case F_EG: {
        uint64_t v = load_w(src, f->width, be);
        if (!enum_has(f->u.st, v)) return SIZE_MAX;
        pos += bw_varint_put(o, v);
        continue;
      }
      case F_VR:
      case F_VRB:
#ifdef AVX512_VARINTS_
        if (f->width == 3) {
          pos += put_varints_avx512(o, src, f->n, f->u.mask, f->op == F_VRB);
          continue;
        }
#endif
#ifdef PEXT_VARINTS_
        if (f->width) {
          pos += put_varints_pdep(o, src, f->n, f->u.mask, f->op == F_VRB);
          continue;
        }
#endif
        pos += f->op == F_VR ? put_varints(o, src, f->n, f->u.mask, 0)
                             : put_varints(o, src, f->n, f->u.mask, 1);
        continue;
    }
    pos += f->n;
  }
}

/* Decodes msg[0..len) with the flat program f into the record at rec (every byte the program
 * does not write is left as it was): 0 and *pos (the bytes read), or -1 when the message is
 * short or a value is refused (rec may then be partly written). Without bounds the caller
 * has checked that len covers the whole program (fixed-size wire, no enum). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
fast_decode(const fstep *f, uint8_t *rec, const uint8_t *msg, size_t len, size_t *pos, int be,
            int bounds, int varints) {
  size_t at = 0;
  for (;; f++) {
    uint8_t *dst = rec + f->off;
    const uint8_t *m = msg + at;
    if (bounds && f->n > len - at) return -1;
    switch (f->op) {
      case F_END:
        *pos = at;
        return 0;
#define BAD_VALUE return -1
        FAST_COPY_CASES(dst, m, f->n)
#undef BAD_VALUE
      case F_SW2:
        store_w(dst, load_w(m, 2, 0), 2, 1);
        break;
      case F_SW4:
        store_w(dst, load_w(m, 4, 0), 4, 1);
        break;
      case F_SW8:
        store_w(dst, load_w(m, 8, 0), 8, 1);
        break;
      case F_EM:
        /* members are below 64: a first byte of 64 or more (a longer varint too) is none */
        if (m[0] >= 64 || !((f->u.mask >> m[0]) & 1)) return -1;
        store_w(dst, m[0], f->width, be);
        break;
      case F_EG: {
        uint64_t raw;
        int n = bw_varint_get(m, len - at, &raw);
        if (n < 0 || !enum_has(f->u.st, raw) || (f->width < 8 && raw >> (8 * f->width))) return -1;
        store_w(dst, raw, f->width, be);
        at += (size_t)n;
        continue;
      }
      case F_VR:
      case F_VRB: {
        /* (the program of a record without varints is compiled without this code, which would
         * cost its loop a few spills per step) */
        if (!varints) return -1;
        size_t n;
#ifdef AVX512_VARINTS_
        if (f->width == 3)
          n = get_varints_avx512(dst, m, len - at, f->n, f->u.mask, f->op == F_VRB);
        else
#endif
#ifdef PEXT_VARINTS_
            if (f->width)
          n = get_varints_pext(dst, m, len - at, f->n, f->u.mask, f->op == F_VRB, f->width >= 2);
        else
#endif
          n = f->op == F_VR ? get_varints(dst, m, len - at, f->n, f->u.mask, 0)
                            : get_varints(dst, m, len - at, f->n, f->u.mask, 1);
        if (n == SIZE_MAX) return -1;
        at += n;
        continue;
      }
    }
    at += f->n;
  }
}

static mem_slot step_slot(const plan *p, const step *st, uint8_t *at) {
  mem_slot sl = {at, st->width, st->bit_shift, st->bit_width, (bw_kind)st->kind, p->big_endian};
  return sl;
}

/* Encodes the record at rec into out (room for p->max_wire bytes); returns the bytes written,
 * or SIZE_MAX when a value is refused. */
static size_t run_encode(const plan *p, const uint8_t *rec, uint8_t *out) {
  size_t pos = 0;
  for (size_t i = 0; i < p->count; i++) {
    const step *st = &p->steps[i];
    const uint8_t *src = rec + st->off;
    switch (st->op) {
      case OP_COPY:
        copy_bytes(out + pos, src, (size_t)st->n);
        pos += (size_t)st->n;
        break;
      case OP_SWAP:
        store_w(out + pos, load_w(src, st->width, 1), st->width, 0);
        pos += st->width;
        break;
      case OP_BOOL: {
        uint8_t any = 0;
        for (uint64_t k = 0; k < st->n; k++) any |= src[k];
        if (any > 1) return SIZE_MAX;
        copy_bytes(out + pos, src, (size_t)st->n);
        pos += (size_t)st->n;
        break;
      }
      case OP_ENUM: {
        uint64_t v = load_w(src, st->width, p->big_endian);
        if (!enum_has(st, v)) return SIZE_MAX;
        pos += bw_varint_put(out + pos, v);
        break;
      }
      case OP_VARINT: {
        uint64_t v = load_w(src, 8, p->big_endian);
        if (st->kind == BW_KIND_INT) v = bw_zigzag_encode((int64_t)v);
        pos += varint_put(out + pos, v);
        break;
      }
      case OP_BITS: {
        mem_slot sl = step_slot(p, st, (uint8_t *)(uintptr_t)src);
        uint64_t raw = bw_mem_slot_load(&sl);
        if (st->kind == BW_KIND_BOOL) {
          if (raw > 1) return SIZE_MAX;
          out[pos++] = (uint8_t)raw;
        } else if (st->kind == BW_KIND_ENUM) {
          if (!enum_has(st, raw)) return SIZE_MAX;
          pos += bw_varint_put(out + pos, raw);
        } else {
          unsigned w = bw_kind_width((bw_kind)st->kind);
          bw_store_le(out + pos, raw, w);
          pos += w;
        }
        break;
      }
      default: /* OP_REPEAT */
        for (uint64_t k = 0; k < st->n; k++) {
          size_t n = run_encode(st->sub, src + k * st->stride, out + pos);
          if (n == SIZE_MAX) return SIZE_MAX;
          pos += n;
        }
        break;
    }
  }
  return pos;
}

/* Whether the permute form pf (if any) encodes a record with avail bytes readable into cap
 * bytes of room. */
static inline int perm_fits(const perm_form *pf, uint64_t avail, size_t cap) {
  return pf->on && pf->wire <= cap && pf->src_end <= avail;
}

/* Whether a message of len bytes is one for the permute form pf: exactly its bytes, or more
 * when trailing bytes are allowed. */
static inline int perm_takes_len(const perm_form *pf, size_t len, int trailing) {
  return len >= pf->wire && (len == pf->wire || trailing);
}

/* Whether plan p's flat forms decode into view v whole: p's zero list is for v's size, its
 * extents fit what the view can reach, and a message of len bytes is within opts' limit. */
static inline int flat_decode_fits(const plan *p, const bw_view *v, size_t len,
                                   const bw_native_options *opts) {
  return p->zero_size == v->size && v->size && v->avail <= v->region.len && p->extent <= v->avail &&
         v->size <= v->avail &&
         len <= (opts && opts->max_message_size ? opts->max_message_size
                                                : BW_DEFAULT_MAX_MESSAGE_SIZE);
}

/* Encodes the record at rec (avail bytes readable there) with a flat plan p (p->fast): 0 and
 * *len, or BW_MEM_PLAN_FALLBACK (a refused value, too little room). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
encode_flat(const plan *p, const uint8_t *rec, uint64_t avail, uint8_t *out, size_t cap,
            size_t *len) {
  size_t n;
  const wide *w = p->wide;
#ifdef PERM_
  if (perm_fits(&p->perm, avail, cap)) return perm_encode_to(&p->perm, rec, avail, out, cap, len);
#endif
  if (w && w->need <= cap && w->extent <= avail)
    n = wide_encode(w, rec, out);
  else if (p->max_wire <= cap && p->extent <= avail)
    n = fast_encode(p->fast, rec, out, p->big_endian);
  else
    return BW_MEM_PLAN_FALLBACK;
  if (n == SIZE_MAX) return BW_MEM_PLAN_FALLBACK;
  *len = n;
  return 0;
}

/* bw_mem_plan_encode_to past its front, with v's plan p (checked there: out or no room, v is
 * not a bitfield and has a schema and a type): a record with a flexible array, or one without
 * the flat program. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
plan_encode_any(const plan *p, const bw_view *v, const bw_native_options *opts, uint8_t *out,
                size_t cap, size_t *len) {
  if (v->offset > v->region.len || p->extent > v->region.len - v->offset)
    return BW_MEM_PLAN_FALLBACK;
  uint64_t count = opts ? opts->flex_count : 0;
  size_t need = p->max_wire;
  if (p->has_flex) {
    uint64_t start = v->offset + p->flex_off, es = p->flex_stride;
    if (!es || count > (v->region.len - start) / es) return BW_MEM_PLAN_FALLBACK;
    need = add_wire(need, BW_VARINT_MAX);
    if (count && p->flex->max_wire > (SIZE_MAX - need) / count) return BW_MEM_PLAN_FALLBACK;
    need += (size_t)count * p->flex->max_wire;
  }
  if (need > cap) return BW_MEM_PLAN_FALLBACK; /* the walker sizes exactly */
  if (p->all_copy) {
    size_t at = 0;
    for (size_t i = 0; i < p->count; i++) {
      copy_bytes(out + at, v->base + p->steps[i].off, (size_t)p->steps[i].n);
      at += (size_t)p->steps[i].n;
    }
    *len = at;
    return 0;
  }
  size_t pos = run_encode(p, v->base, out);
  if (pos == SIZE_MAX) return BW_MEM_PLAN_FALLBACK;
  if (p->has_flex) {
    pos += bw_varint_put(out + pos, count);
    const uint8_t *elems = v->base + p->flex_off;
    for (uint64_t k = 0; k < count; k++) {
      size_t n = run_encode(p->flex, elems + k * p->flex_stride, out + pos);
      if (n == SIZE_MAX) return BW_MEM_PLAN_FALLBACK;
      pos += n;
    }
  }
  *len = pos;
  return 0;
}

/* encode_flat as the call that bw_mem_plan_encode_to ends with. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
encode_flat_to(const plan *p, const uint8_t *rec, uint64_t avail, uint8_t *out, size_t cap,
               size_t *len) {
  return encode_flat(p, rec, avail, out, cap, len);
}

/* The front: a record with the flat program (the permute form, or the program) by a tail
 * call that has its whole work (the permute form's with no registers to save); the rest by
 * plan_encode_any. */
int bw_mem_plan_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                          size_t *len) {
  if (!v || (!out && cap) || v->bit_width || !v->schema || !v->declared)
    return BW_MEM_PLAN_FALLBACK;
  const plan *p = plan_get(v->schema, v->declared, v->big_endian);
  if (!p) return BW_MEM_PLAN_FALLBACK;
  if (p->fast && v->avail <= v->region.len) { /* (the extents are checked against avail) */
#ifdef PERM_
    if (perm_fits(&p->perm, v->avail, cap))
      return perm_encode_to(&p->perm, v->base, v->avail, out, cap, len);
#endif
    return encode_flat_to(p, v->base, v->avail, out, cap, len);
  }
  return plan_encode_any(p, v, opts, out, cap, len);
}

/* Reads the record's values from msg[*pos..len) and, when write, stores them at rec (zeroed by
 * the caller). Without write it only checks (rec is NULL then and never offset): 0 when every
 * value is good and fits, else -1. With write the message is known to be good. */
static inline int run_decode(const plan *p, uint8_t *rec, const uint8_t *msg, size_t len,
                             size_t *pos, int write, int check) {
  size_t at = *pos;
  for (size_t i = 0; i < p->count; i++) {
    const step *st = &p->steps[i];
    uint8_t *dst = write ? rec + st->off : NULL;
    switch (st->op) {
      case OP_COPY:
        if (check && st->n > len - at) return -1;
        if (write) copy_bytes(dst, msg + at, (size_t)st->n);
        at += (size_t)st->n;
        break;
      case OP_SWAP:
        if (check && st->width > len - at) return -1;
        if (write) store_w(dst, load_w(msg + at, st->width, 0), st->width, 1);
        at += st->width;
        break;
      case OP_BOOL:
        if (check) {
          uint8_t any = 0;
          if (st->n > len - at) return -1;
          for (uint64_t k = 0; k < st->n; k++) any |= msg[at + k];
          if (any > 1) return -1;
        }
        if (write) copy_bytes(dst, msg + at, (size_t)st->n);
        at += (size_t)st->n;
        break;
      case OP_ENUM: {
        uint64_t raw;
        int n = bw_varint_get(msg + at, len - at, &raw);
        if (n < 0) return -1;
        at += (size_t)n;
        if (check && (!enum_has(st, raw) || (st->width < 8 && raw >> (8 * st->width)))) return -1;
        if (write) store_w(dst, raw, st->width, p->big_endian);
        break;
      }
      case OP_VARINT: {
        uint64_t raw;
        size_t n = varint_get(msg + at, len - at, &raw);
        if (!n) return -1;
        at += n;
        if (st->kind == BW_KIND_INT) raw = (uint64_t)bw_zigzag_decode(raw);
        if (write) store_w(dst, raw, 8, p->big_endian);
        break;
      }
      case OP_BITS: {
        uint64_t raw;
        bw_kind k = (bw_kind)st->kind;
        if (k == BW_KIND_ENUM) {
          int n = bw_varint_get(msg + at, len - at, &raw);
          if (n < 0) return -1;
          at += (size_t)n;
          if (check && !enum_has(st, raw)) return -1;
        } else {
          unsigned w = bw_kind_width(k);
          if (check && w > len - at) return -1;
          raw = bw_load_le(msg + at, w);
          at += w;
          if (k == BW_KIND_BOOL && raw > 1) return -1;
          if (bw_mem_kind_signed(k) && w < 8 && ((raw >> (8 * w - 1)) & 1))
            raw |= ~(uint64_t)0 << (8 * w);
        }
        mem_slot sl = step_slot(p, st, dst);
        sl.kind = k;
        if (check && !bw_mem_slot_fits(&sl, raw)) return -1;
        if (write) bw_mem_slot_store(&sl, raw);
        break;
      }
      default: /* OP_REPEAT */
        for (uint64_t k = 0; k < st->n; k++)
          if (run_decode(st->sub, write ? dst + k * st->stride : NULL, msg, len, &at, write, check))
            return -1;
        break;
    }
  }
  *pos = at;
  return 0;
}

static int check_pass(const plan *p, const uint8_t *msg, size_t len, size_t *pos) {
  return run_decode(p, NULL, msg, len, pos, 0, 1);
}

static int write_pass(const plan *p, uint8_t *rec, const uint8_t *msg, size_t len, size_t *pos) {
  return run_decode(p, rec, msg, len, pos, 1, 0);
}

static int checked_write_pass(const plan *p, uint8_t *rec, const uint8_t *msg, size_t len,
                              size_t *pos) {
  return run_decode(p, rec, msg, len, pos, 1, 1);
}

/* Zeroes the bytes of a record of p that the write pass will not store (all of it when p has
 * no zero list for size bytes). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
zero_record(const plan *p, uint8_t *rec, uint64_t size) {
  if (p->zero_size != size || size <= 64) {
    /* two overlapping stores are cheaper than a list for small records */
    zero_bytes(rec, (size_t)size);
    return;
  }
  for (size_t i = 0; i < p->zero_count; i++) zero_bytes(rec + p->zero[i].off, p->zero[i].len);
}

/* A small record that needs checks: one checked pass into a scratch copy, then one copy to
 * the destination (which is written only when everything was good). Out of line so that the
 * other paths keep a small stack frame. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
decode_small(const plan *p, const bw_view *v, const uint8_t *msg, size_t len, int trailing,
             size_t *consumed, uint64_t *flex_count) {
  uint8_t scratch[PLAN_SMALL_RECORD];
  size_t pos = 0;
  zero_record(p, scratch, v->size);
  if ((p->fast ? (p->varints ? fast_decode(p->fast, scratch, msg, len, &pos, p->big_endian, 1, 1)
                             : fast_decode(p->fast, scratch, msg, len, &pos, p->big_endian, 1, 0))
               : checked_write_pass(p, scratch, msg, len, &pos)) ||
      (pos != len && !trailing))
    return BW_MEM_PLAN_FALLBACK;
  copy_bytes(v->base, scratch, (size_t)v->size);
  if (consumed) *consumed = pos;
  if (flex_count) *flex_count = 0;
  return 0;
}

/* The checked half of decode_flat: into scratch (PLAN_SMALL_RECORD bytes) first, so that rec
 * is written only when the whole message was good. zeroed: the padding of scratch is zero
 * already (the program writes only fields: a scratch zeroed once stays so for every record). */
static BW_ALWAYS_INLINE int flat_checked(const plan *p, uint8_t *rec, uint64_t size,
                                         const uint8_t *msg, size_t len, int trailing,
                                         size_t *consumed, uint8_t *scratch, int zeroed) {
  size_t pos = 0;
  if (!zeroed) zero_record(p, scratch, size);
  int bad = p->varints ? fast_decode(p->fast, scratch, msg, len, &pos, p->big_endian, 1, 1)
                       : fast_decode(p->fast, scratch, msg, len, &pos, p->big_endian, 1, 0);
  if (bad || (pos != len && !trailing)) return BW_MEM_PLAN_FALLBACK;
  copy_bytes(rec, scratch, (size_t)size);
  *consumed = pos;
  return 0;
}

/* flat_checked out of line (the scratch stays out of the callers' frames), after the varint
 * form when vr and the plan has one for size: 0 with *consumed and *flex_count (0; either may
 * be NULL), or BW_MEM_PLAN_FALLBACK. bw_mem_plan_decode ends with it. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
decode_flat_checked(const plan *p, uint8_t *rec, uint64_t size, const uint8_t *msg, size_t len,
                    int trailing, size_t *consumed, uint64_t *flex_count, int vr) {
  uint8_t scratch[PLAN_SMALL_RECORD];
  size_t used;
#ifdef VR_
  if (!(vr && p->vr && p->vr->size == size &&
        vr_decode(p->vr, rec, msg, len, trailing, &used) == 0))
#else
  (void)vr;
#endif
    if (flat_checked(p, rec, size, msg, len, trailing, &used, scratch, 0))
      return BW_MEM_PLAN_FALLBACK;
  if (consumed) *consumed = used;
  if (flex_count) *flex_count = 0;
  return 0;
}

/* Decodes msg[0..len) into the record at rec of size bytes with a flat plan p whose zero list
 * is for size (p->fast, p->zero_size == size): 0 and *consumed, or BW_MEM_PLAN_FALLBACK with
 * rec untouched. Without checks the length is the only one: the record is written in place;
 * with checks, into a scratch copy first. */
static inline int decode_flat(const plan *p, uint8_t *rec, uint64_t size, const uint8_t *msg,
                              size_t len, int trailing, size_t *consumed) {
#ifdef PERM_
  const perm_form *w = &p->perm;
  if (w->on && w->rec_size == size) {
    if (!perm_takes_len(w, len, trailing) || perm_decode(w, rec, msg)) return BW_MEM_PLAN_FALLBACK;
    *consumed = w->wire;
    return 0;
  }
#endif
  if (p->checks) return decode_flat_checked(p, rec, size, msg, len, trailing, consumed, NULL, 1);
  if (len < p->max_wire || (len != p->max_wire && !trailing)) return BW_MEM_PLAN_FALLBACK;
  zero_record(p, rec, size);
  fast_decode(p->fast, rec, msg, len, consumed, p->big_endian, 0, 0); /* (no varints: no checks) */
  return 0;
}

/* bw_mem_plan_decode past its front, with v's plan p (checked there: v is not a bitfield, has
 * a schema and a type, and its region is writable). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
plan_decode_any(const plan *p, const bw_view *v, const uint8_t *msg, size_t len,
                const bw_native_options *opts, size_t *consumed, uint64_t *flex_count) {
  /* v->avail is region.len - offset (bw_view_init, bw_view_seek and the derived views keep it) */
  if (!p || v->avail > v->region.len || p->extent > v->avail || v->size > v->avail)
    return BW_MEM_PLAN_FALLBACK;
  size_t max_size =
      opts && opts->max_message_size ? opts->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  int trailing = opts && opts->allow_trailing;
  if (len > max_size) return BW_MEM_PLAN_FALLBACK;
  size_t pos = 0, end;
  uint64_t count = 0;
  if (p->fast && p->zero_size == v->size && v->size) {
    size_t used;
    if (decode_flat(p, v->base, v->size, msg, len, trailing, &used)) return BW_MEM_PLAN_FALLBACK;
    if (consumed) *consumed = used;
    if (flex_count) *flex_count = 0;
    return 0;
  }
  if (p->checks && !p->has_flex && p->zero_size && p->zero_size == v->size)
    return decode_small(p, v, msg, len, trailing, consumed, flex_count);
  /* Numbers only: the length is the only check. */
  if (p->all_copy && p->zero_size && p->zero_size == v->size) {
    if (len < p->max_wire || (len != p->max_wire && !trailing)) return BW_MEM_PLAN_FALLBACK;
    zero_record(p, v->base, v->size);
    if (p->fast) {
      fast_decode(p->fast, v->base, msg, len, &pos, 0, 0, 0); /* copies of max_wire bytes */
    } else {
      for (size_t i = 0; i < p->count; i++) {
        copy_bytes(v->base + p->steps[i].off, msg + pos, (size_t)p->steps[i].n);
        pos += (size_t)p->steps[i].n;
      }
    }
    if (consumed) *consumed = pos;
    if (flex_count) *flex_count = 0;
    return 0;
  }
  /* pass 1: the whole message is good and fits */
  if (p->fixed_wire && !p->checks) {
    if (len < p->max_wire || (len != p->max_wire && !trailing)) return BW_MEM_PLAN_FALLBACK;
    pos = p->max_wire;
  } else if (check_pass(p, msg, len, &pos)) {
    return BW_MEM_PLAN_FALLBACK;
  }
  uint64_t total = v->size;
  size_t flex_at = pos;
  if (p->has_flex) {
    int n = bw_varint_get(msg + pos, len - pos, &count);
    size_t max_elements = opts && opts->max_elements ? opts->max_elements : BW_DEFAULT_MAX_ELEMENTS;
    if (n < 0) return BW_MEM_PLAN_FALLBACK;
    pos += (size_t)n;
    uint64_t start = v->offset + p->flex_off, es = p->flex_stride;
    if (count > max_elements || count > len - pos || !es || count > (v->region.len - start) / es)
      return BW_MEM_PLAN_FALLBACK;
    for (uint64_t k = 0; k < count; k++)
      if (check_pass(p->flex, msg, len, &pos)) return BW_MEM_PLAN_FALLBACK;
    if (p->flex_off + count * es > total) total = p->flex_off + count * es;
  }
  if (pos != len && !trailing) return BW_MEM_PLAN_FALLBACK;
  end = pos;
  /* pass 2: zero the record (padding included) and store */
  if (p->has_flex) {
    if (total) memset(v->base, 0, (size_t)total);
  } else {
    zero_record(p, v->base, total);
  }
  pos = 0;
  write_pass(p, v->base, msg, len, &pos);
  if (p->has_flex) {
    pos = flex_at + bw_varint_size(count);
    uint8_t *elems = v->base + p->flex_off;
    for (uint64_t k = 0; k < count; k++)
      write_pass(p->flex, elems + k * p->flex_stride, msg, len, &pos);
  }
  if (consumed) *consumed = end;
  if (flex_count) *flex_count = count;
  return 0;
}

/* The front: a record with the flat program and checks (the permute form, or the checked
 * program) by a tail call that has its whole work; the rest by plan_decode_any. */
int bw_mem_plan_decode(const bw_view *v, const uint8_t *msg, size_t len,
                       const bw_native_options *opts, size_t *consumed, uint64_t *flex_count) {
  if (!v || !msg || v->bit_width || !v->schema || !v->declared || !v->region.writable)
    return BW_MEM_PLAN_FALLBACK;
  const plan *p = plan_get(v->schema, v->declared, v->big_endian);
  if (!p) return BW_MEM_PLAN_FALLBACK;
  if (p->fast && flat_decode_fits(p, v, len, opts)) {
    int trailing = opts && opts->allow_trailing;
#ifdef PERM_
    const perm_form *w = &p->perm;
    if (w->on && w->rec_size == v->size) {
      if (!perm_takes_len(w, len, trailing)) return BW_MEM_PLAN_FALLBACK;
      return perm_decode_to(w, v->base, msg, consumed, flex_count);
    }
#endif
    if (p->checks)
      return decode_flat_checked(p, v->base, v->size, msg, len, trailing, consumed, flex_count, 1);
  }
  return plan_decode_any(p, v, msg, len, opts, consumed, flex_count);
}

/* ---- the fronts of bw_view_encode_to and bw_view_decode -------------------------------- */

/* The plan in the slot of the view's type, which bw_mem_encode_to or bw_mem_decode found
 * there (not the no-plan mark). */
static inline const plan *plan_of_front(const bw_view *v) {
  return __atomic_load_n(&v->declared->native_plan[v->big_endian != 0], __ATOMIC_ACQUIRE);
}

/* The view's plan if its type's slot holds one already (NULL: none, or not compiled yet). */
static inline const plan *plan_in_slot(const bw_view *v) {
  const void *p = __atomic_load_n(&v->declared->native_plan[v->big_endian != 0], __ATOMIC_ACQUIRE);
  return p == (const void *)&no_plan_ ? NULL : p;
}

/* bw_view_encode_to and bw_view_decode for what their fronts leave (a plan not compiled yet,
 * a flexible array, a bitfield view...): the plan's other paths, then the walker. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
encode_rest(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap, size_t *len,
            bw_error *err) {
  size_t n;
  if (bw_mem_plan_encode_to(v, opts, out, cap, &n) == 0) {
    if (len) *len = n;
    return 0;
  }
  return bw_mem_walk_encode_to(v, opts, out, cap, len, err);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
decode_rest(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
            size_t *consumed, uint64_t *flex_count, bw_error *err) {
  if (bw_mem_plan_decode(v, msg, len, opts, consumed, flex_count) == 0) return 0;
  return bw_mem_walk_decode(v, msg, len, opts, consumed, flex_count, err);
}

#ifdef PERM_
/* bw_view_encode_to by the permute form (checked by bw_mem_encode_to), the walker for a bad
 * bool or enum. */
__attribute__((noinline, target("avx512f,avx512bw,avx512vbmi"))) static int
perm_encode_front(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                  size_t *len, bw_error *err) {
  const plan *p = plan_of_front(v);
  size_t n = perm_encode(&p->perm, v->base, v->avail, out, cap);
  if (n == SIZE_MAX) return bw_mem_walk_encode_to(v, opts, out, cap, len, err);
  if (len) *len = n;
  return 0;
}

/* bw_view_decode by the permute form (checked by bw_mem_decode), the walker for a bad bool or
 * enum. */
__attribute__((noinline, target("avx512f,avx512bw,avx512vbmi"))) static int
perm_decode_front(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                  size_t *consumed, uint64_t *flex_count, bw_error *err) {
  const plan *p = plan_of_front(v);
  if (perm_decode(&p->perm, v->base, msg))
    return bw_mem_walk_decode(v, msg, len, opts, consumed, flex_count, err);
  if (consumed) *consumed = p->perm.wire;
  if (flex_count) *flex_count = 0;
  return 0;
}
#endif

/* bw_view_encode_to by the flat program (checked by bw_mem_encode_to: the plan in the slot has
 * one, the view's extents are within its region), the walker for what the program refuses. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
flat_encode_front(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                  size_t *len, bw_error *err) {
  size_t n;
  if (encode_flat(plan_of_front(v), v->base, v->avail, out, cap, &n))
    return bw_mem_walk_encode_to(v, opts, out, cap, len, err);
  if (len) *len = n;
  return 0;
}

/* bw_view_decode by the checked flat program (checked by bw_mem_decode as bw_mem_plan_decode
 * checks it; the varint form, if any, tried already), the walker for what it refuses. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
flat_decode_front(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                  size_t *consumed, uint64_t *flex_count, bw_error *err) {
  if (decode_flat_checked(plan_of_front(v), v->base, v->size, msg, len,
                          opts && opts->allow_trailing, consumed, flex_count, 0))
    return bw_mem_walk_decode(v, msg, len, opts, consumed, flex_count, err);
  return 0;
}

#ifdef VR_
/* bw_view_decode by the varint form (checked by bw_mem_decode, and the record's size), the
 * checked flat program for what it refuses. */
__attribute__((noinline, target(BW_VARINT_AVX512_TARGET))) static int
vr_decode_front(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                size_t *consumed, uint64_t *flex_count, bw_error *err) {
  size_t used;
  if (vr_decode(plan_of_front(v)->vr, v->base, msg, len, opts && opts->allow_trailing, &used))
    return flat_decode_front(v, msg, len, opts, consumed, flex_count, err);
  if (consumed) *consumed = used;
  if (flex_count) *flex_count = 0;
  return 0;
}
#endif

/* Fronts without a stack frame: a view whose plan is in its type's slot already and has the
 * flat program goes in one tail call to the permute form or to that program (with the checks
 * bw_mem_plan_encode_to and bw_mem_plan_decode make for them), anything else to encode_rest
 * and decode_rest. */
int bw_mem_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                     size_t *len, bw_error *err) {
  const plan *p;
  if (v && out && !v->bit_width && v->schema && v->declared && (p = plan_in_slot(v)) &&
      v->avail <= v->region.len) {
#ifdef PERM_
    if (perm_fits(&p->perm, v->avail, cap))
      return perm_encode_front(v, opts, out, cap, len, err); /* (a permute form has a program) */
#endif
    if (p->fast) return flat_encode_front(v, opts, out, cap, len, err);
  }
  return encode_rest(v, opts, out, cap, len, err);
}

int bw_mem_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                  size_t *consumed, uint64_t *flex_count, bw_error *err) {
  const plan *p;
  if (v && msg && !v->bit_width && v->schema && v->declared && v->region.writable &&
      (p = plan_in_slot(v)) && flat_decode_fits(p, v, len, opts)) {
#ifdef PERM_
    if (p->perm.on && perm_takes_len(&p->perm, len, opts && opts->allow_trailing))
      return perm_decode_front(v, msg, len, opts, consumed, flex_count, err);
#endif
#ifdef VR_
    if (p->vr && p->vr->size == v->size)
      return vr_decode_front(v, msg, len, opts, consumed, flex_count, err);
#endif
    if (p->fast && p->checks && !p->perm.on)
      return flat_decode_front(v, msg, len, opts, consumed, flex_count, err);
  }
  return decode_rest(v, msg, len, opts, consumed, flex_count, err);
}

int bw_mem_plan_forms(const bw_view *v) {
  const plan *p = v && v->schema && v->declared && !v->bit_width
                      ? plan_get(v->schema, v->declared, v->big_endian)
                      : NULL;
  if (!p) return 0;
  return BW_MEM_PLAN_FORM_STEPS | (p->fast ? BW_MEM_PLAN_FORM_FLAT : 0) |
         (p->wide ? BW_MEM_PLAN_FORM_WIDE : 0) | (p->perm.on ? BW_MEM_PLAN_FORM_PERM : 0) |
         (p->vr ? BW_MEM_PLAN_FORM_VARINT : 0);
}

/* ---- arrays of records --------------------------------------------------------------- */

/* The plan of an array call on v (NULL: every record goes through the public single call),
 * or an error when v cannot start an array of count records. */
static int array_prepare(const bw_view *v, uint64_t count, const plan **p, bw_error *err) {
  const bw_type *elem;
  uint64_t flex_off;
  *p = NULL;
  if (!v || !v->schema || !v->declared)
    return bw_error_set(err, BW_EINVAL, 0, "array: NULL argument");
  if (v->bit_width || v->size == 0 || bw_mem_find_flex(v->declared, &elem, &flex_off) == 0 ||
      (v->type->kind == BW_KIND_LIST && (v->field_flags & BW_FIELD_FLEXIBLE)))
    return bw_error_set(err, BW_EINVAL, v->offset,
                        "array: %s is not a record of a fixed size (bitfield, flexible array)",
                        bw_mem_type_name(v->schema, v->declared));
  if (v->offset > v->region.len || count > (v->region.len - v->offset) / v->size)
    return bw_error_set(err, BW_ERANGE, v->offset,
                        "array: %llu records of %llu bytes at offset %llu do not fit in a region "
                        "of %zu bytes",
                        (unsigned long long)count, (unsigned long long)v->size,
                        (unsigned long long)v->offset, v->region.len);
  const plan *q = plan_get(v->schema, v->declared, v->big_endian);
  if (q && q->fast && q->extent <= v->size) *p = q;
  return 0;
}

/* v moved to record i of the array (the caller checked that it fits). */
static void array_view(const bw_view *v, uint64_t i, bw_view *out) {
  *out = *v;
  out->offset = v->offset + i * v->size;
  out->base = v->region.base + out->offset;
  out->avail = v->region.len - out->offset;
}

int bw_view_encode_array(const bw_view *v, uint64_t count, uint8_t *out, size_t cap, size_t *len,
                         size_t *ends, bw_error *err) {
  const plan *p;
  if (!out && cap) return bw_error_set(err, BW_EINVAL, 0, "array: NULL argument");
  int rc = array_prepare(v, count, &p, err);
  if (rc) return rc;
  size_t pos = 0;
  uint64_t avail = v->region.len - v->offset, i = 0;
  if (p && p->wide && out) {
    /* every message has w->wire bytes: the records that fit are known up front */
    const wide *w = p->wide;
    uint64_t size = v->size, fit = count;
    const uint8_t *rec = v->base;
    /* records whose 16-byte moves stay inside the region and the buffer */
    if (w->extent > avail)
      fit = 0;
    else if ((avail - w->extent) / size + 1 < fit)
      fit = (avail - w->extent) / size + 1;
    if (w->wire && (cap < w->need ? 0 : (cap - w->need) / w->wire + 1) < fit)
      fit = cap < w->need ? 0 : (cap - w->need) / w->wire + 1;
    else if (!w->wire && cap < w->need)
      fit = 0;
    for (; i < fit; i++, rec += size) {
      if (wide_encode(w, rec, out + pos) == SIZE_MAX) break;
      pos += w->wire;
      if (ends) ends[i] = pos;
    }
  }
  for (; i < count; i++) {
    size_t n = 0;
    if (p && out && pos <= cap &&
        encode_flat(p, v->base + i * v->size, avail - i * v->size, out + pos, cap - pos, &n) == 0) {
      pos += n;
      if (ends) ends[i] = pos;
      continue;
    }
    /* the public call does this record (and reports the exact error) */
    bw_view r;
    array_view(v, i, &r);
    int have = out && pos <= cap;
    rc = bw_view_encode_to(&r, NULL, have ? out + pos : NULL, have ? cap - pos : 0, &n, err);
    if (rc && rc != BW_ENOSPACE) return rc;
    if (n > SIZE_MAX - pos)
      return bw_error_set(err, BW_ELIMIT, r.offset, "array: the messages exceed SIZE_MAX bytes");
    pos += n;
    if (ends && pos <= cap) ends[i] = pos;
  }
  if (len) *len = pos;
  if (pos > cap)
    return bw_error_set(err, BW_ENOSPACE, cap, "array: the messages need %zu bytes, buffer has %zu",
                        pos, cap);
  return 0;
}

/* The array decode of checked records with no wide form (varints, enums with large values):
 * the checked path inline and the scratch zeroed once (the programs write only fields). Records
 * i..count from msgs + *pos; returns where it stopped (the first record it cannot do, which
 * the caller takes up) and advances *pos. Out of line: in the caller's loop the same code
 * slowed the other forms. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t
decode_array_checked(const plan *p, const bw_view *v, uint64_t i, uint64_t count, const uint8_t *m,
                     size_t len, size_t *pos) {
  _Alignas(64) uint8_t scratch[PLAN_SMALL_RECORD];
  size_t at = *pos;
  zero_record(p, scratch, v->size);
  for (; i < count; i++) {
    size_t n = 0;
    if (flat_checked(p, v->base + i * v->size, v->size, m + at, len - at, 1, &n, scratch, 1)) break;
    at += n;
  }
  *pos = at;
  return i;
}

#ifdef VR_
/* decode_array_checked by the varint form f, while it takes the records (vr_decode inline: its
 * constants loaded once for the array, not once a record). */
__attribute__((noinline, target(BW_VARINT_AVX512_TARGET))) static uint64_t
decode_array_vr(const vr_form *f, const bw_view *v, uint64_t i, uint64_t count, const uint8_t *m,
                size_t len, size_t *pos) {
  size_t at = *pos;
  for (; i < count; i++) {
    size_t n = 0;
    if (vr_decode(f, v->base + i * v->size, m + at, len - at, 1, &n)) break;
    at += n;
  }
  *pos = at;
  return i;
}
#endif

int bw_view_decode_array(const bw_view *v, uint64_t count, const void *msgs, size_t len,
                         const bw_native_options *opts, uint64_t *decoded, size_t *consumed,
                         bw_error *err) {
  const plan *p;
  const uint8_t *m = msgs;
  if (decoded) *decoded = 0;
  if (!m && len) return bw_error_set(err, BW_EINVAL, 0, "array: NULL argument");
  int rc = array_prepare(v, count, &p, err);
  if (rc) return rc;
  if (!v->region.writable)
    return bw_error_set(err, BW_EREADONLY, v->offset, "decode: the destination is read-only");
  if (!m) m = (const uint8_t *)"";
  size_t max_size =
      opts && opts->max_message_size ? opts->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  bw_native_options one;
  memset(&one, 0, sizeof one);
  one.max_message_size = max_size;
  one.max_elements = opts ? opts->max_elements : 0;
  one.allow_trailing = 1;
  int flat = p && p->zero_size == v->size && p->max_wire <= max_size;
  const wide *w = flat && p->checks ? p->wide : NULL; /* (no checks: in place is cheaper) */
  _Alignas(64) uint8_t scratch[PLAN_SMALL_RECORD + 16];
  size_t pos = 0;
  uint64_t i = 0;
  if (flat && p->checks && !w) {
#ifdef VR_
    if (p->vr && p->vr->size == v->size) {
      /* the varint form, and the checked program for each record it leaves */
      while ((i = decode_array_vr(p->vr, v, i, count, m, len, &pos)) < count &&
             decode_array_checked(p, v, i, i + 1, m, len, &pos) > i)
        i++;
    } else
#endif
      i = decode_array_checked(p, v, 0, count, m, len, &pos);
  }
  for (; i < count; i++) {
    size_t n = 0;
    if (w && w->dneed <= len - pos &&
        wide_decode(p, w, v->base + i * v->size, v->size, m + pos, scratch) == 0) {
      pos += w->wire;
      continue;
    }
    if (flat && decode_flat(p, v->base + i * v->size, v->size, m + pos, len - pos, 1, &n) == 0) {
      pos += n;
      continue;
    }
    /* the public call does this record (and reports the exact error) */
    bw_view r;
    size_t left = len - pos, clip = left > max_size ? max_size : left;
    array_view(v, i, &r);
    bw_error e1;
    bw_error_clear(&e1);
    rc = bw_view_decode(&r, m + pos, clip, &one, &n, NULL, &e1);
    if (rc) {
      if (rc == BW_ETRUNCATED && clip < left)
        rc = bw_error_set(err, BW_ELIMIT, pos, "array: message %llu exceeds the limit of %zu bytes",
                          (unsigned long long)i, max_size);
      else /* the offset from the message's start to the start of msgs */
        bw_error_set(err, rc, e1.offset + pos, "%s", e1.message);
      if (decoded) *decoded = i;
      if (consumed) *consumed = pos;
      return rc;
    }
    pos += n;
  }
  if (decoded) *decoded = count;
  if (consumed) *consumed = pos;
  if (pos != len && !(opts && opts->allow_trailing))
    return bw_error_set(err, BW_ETRAILING, pos, "%zu bytes after the last message", len - pos);
  return 0;
}

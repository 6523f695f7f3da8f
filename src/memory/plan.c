/* barewire memory: compiled native <-> wire plans, the fast path of bw_view_encode_to and
 * bw_view_decode.
 *
 * A type with a native layout compiles once into a flat array of steps, in wire order, each at
 * a native offset from the start of the record: "copy N bytes" (runs of adjacent little-endian
 * numbers, byte arrays and arrays of numbers, merged when memory and wire are both contiguous),
 * "byte-swap W bytes" (numbers of a big-endian layout), "bool byte", "enum of W bytes" (checked
 * against a sorted value table), "bitfield" (any kind), "repeat a sub-plan N times with a
 * stride" (long arrays of records) and "flexible array" (a sub-plan per element, last). Encoding
 * and decoding a record is then a loop over the steps: no tree walk, no allocation, no names.
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
 * after that (nothing is written on error), as the walker does. */
#include <stdlib.h>

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
  OP_COPY,  /* n bytes, same in memory and on the wire */
  OP_SWAP,  /* a number of width bytes stored big-endian; little-endian on the wire */
  OP_BOOL,  /* n adjacent bytes, each 0 or 1 (a run of bools) */
  OP_ENUM,  /* width bytes of the layout's byte order; a uint varint on the wire */
  OP_BITS,  /* a bitfield (or any scalar the others do not cover) through a mem_slot */
  OP_REPEAT /* sub-plan n times, stride apart */
};

typedef struct plan plan;

typedef struct step {
  uint8_t op;
  uint8_t width; /* SWAP, ENUM, BITS: storage bytes */
  uint8_t bit_shift;
  uint8_t kind;           /* BITS: resolved kind of the value */
  uint32_t bit_width;     /* BITS: 0 for a whole value */
  uint64_t off;           /* native offset from the record's start */
  uint64_t n;             /* COPY: bytes; REPEAT: count */
  uint64_t stride;        /* REPEAT */
  const plan *sub;        /* REPEAT */
  const uint64_t *values; /* ENUM, BITS of an enum: the members' values, sorted */
  size_t value_count;
} step;

struct plan {
  step *steps;
  size_t count, cap;
  uint64_t extent; /* native bytes from the record's start that the steps touch */
  size_t max_wire; /* wire bytes at most (without the flexible array) */
  int fixed_wire;  /* every message has exactly max_wire bytes (no varints, no flex) */
  int checks;      /* some step can reject a message (bool, enum, bitfield range) */
  int all_copy;    /* every step is a COPY (and no flex): the loops below need no dispatch */
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
  free(p);
}

static plan *plan_new(int big_endian) {
  plan *p = calloc(1, sizeof *p);
  if (p) {
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
    uint64_t n = st->op == OP_COPY || st->op == OP_BOOL   ? st->n
                 : st->op == OP_SWAP || st->op == OP_ENUM ? st->width
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

/* The plan of type t (as a view declares it) of s, compiled on first use; NULL when it has
 * none (or when memory is short: the walker then does the work). */
static inline const plan *plan_get(const bw_schema *cs, const bw_type *t, int big_endian) {
  struct bw_schema *s = (struct bw_schema *)cs; /* the cache is not part of the schema's value */
  cache_entry *head = __atomic_load_n(&s->native_plans, __ATOMIC_ACQUIRE);
  for (cache_entry *e = head; e; e = e->next)
    if (e->type == t && e->big_endian == big_endian) return e->p;
  return plan_add(s, head, t, big_endian);
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
 * branch so that they compile to a move (and a byte swap), not a call. */
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

static inline void zero_bytes(uint8_t *d, size_t n) {
  static const uint8_t zeros[64];
  if (n <= 64)
    copy_bytes(d, zeros, n);
  else
    memset(d, 0, n);
}

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

int bw_mem_plan_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                          size_t *len) {
  if (!v || (!out && cap) || v->bit_width || !v->schema || !v->declared)
    return BW_MEM_PLAN_FALLBACK;
  const plan *p = plan_get(v->schema, v->declared, v->big_endian);
  if (!p || v->offset > v->region.len || p->extent > v->region.len - v->offset)
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
  if (p->zero_size != size || !size) {
    if (size) memset(rec, 0, (size_t)size);
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
  if (checked_write_pass(p, scratch, msg, len, &pos) || (pos != len && !trailing))
    return BW_MEM_PLAN_FALLBACK;
  copy_bytes(v->base, scratch, (size_t)v->size);
  if (consumed) *consumed = pos;
  if (flex_count) *flex_count = 0;
  return 0;
}

int bw_mem_plan_decode(const bw_view *v, const uint8_t *msg, size_t len,
                       const bw_native_options *opts, size_t *consumed, uint64_t *flex_count) {
  if (!v || !msg || v->bit_width || !v->schema || !v->declared || !v->region.writable)
    return BW_MEM_PLAN_FALLBACK;
  const plan *p = plan_get(v->schema, v->declared, v->big_endian);
  if (!p || v->offset > v->region.len || p->extent > v->region.len - v->offset ||
      v->size > v->region.len - v->offset)
    return BW_MEM_PLAN_FALLBACK;
  size_t max_size =
      opts && opts->max_message_size ? opts->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  int trailing = opts && opts->allow_trailing;
  if (len > max_size) return BW_MEM_PLAN_FALLBACK;
  size_t pos = 0, end;
  uint64_t count = 0;
  if (p->checks && !p->has_flex && p->zero_size && p->zero_size == v->size)
    return decode_small(p, v, msg, len, trailing, consumed, flex_count);
  /* Numbers only: the length is the only check. */
  if (p->all_copy && p->zero_size && p->zero_size == v->size) {
    if (len < p->max_wire || (len != p->max_wire && !trailing)) return BW_MEM_PLAN_FALLBACK;
    zero_record(p, v->base, v->size);
    for (size_t i = 0; i < p->count; i++) {
      copy_bytes(v->base + p->steps[i].off, msg + pos, (size_t)p->steps[i].n);
      pos += (size_t)p->steps[i].n;
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

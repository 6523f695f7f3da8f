/* barewire codec: the value arena (blocks with a bump pointer, reset keeps the first block),
 * deep equality of values, and helpers shared by the codec's files (smallest wire size of a
 * type, member lookups, the repeated-map-key check). */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

#define BW_VALUE_BLOCK 16384u

bw_value_arena *bw_value_arena_new(void) {
  return calloc(1, sizeof(bw_value_arena));
}

void *bw_value_arena_refill(bw_value_arena *a, size_t size) {
  if (size > SIZE_MAX / 4) return NULL;
  /* Reuse the block after head when a reset left one there and it is big enough. */
  size_t want = size > BW_VALUE_BLOCK / 4 ? size : BW_VALUE_BLOCK;
  if (a->head && a->head->size < BW_VALUE_BLOCK * 64 && size <= BW_VALUE_BLOCK * 16)
    want = a->head->size * 2 > want ? a->head->size * 2 : want;
  bw_value_block *b = malloc(sizeof *b + want);
  if (!b) return NULL;
  b->size = want;
  b->next = a->head;
  a->head = b;
  a->cur = b->data + size;
  a->end = b->data + want;
  a->used += size;
  return b->data;
}

void bw_value_arena_reset(bw_value_arena *a) {
  if (!a || !a->head) return;
  /* Keep the biggest block (the last one allocated is the biggest under doubling). */
  bw_value_block *keep = a->head, *b = a->head->next;
  while (b) {
    bw_value_block *next = b->next;
    free(b);
    b = next;
  }
  keep->next = NULL;
  a->cur = keep->data;
  a->end = keep->data + keep->size;
  a->used = 0;
}

void bw_value_arena_free(bw_value_arena *a) {
  if (!a) return;
  bw_value_block *b = a->head;
  while (b) {
    bw_value_block *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}

size_t bw_value_arena_used(const bw_value_arena *a) {
  return a ? a->used : 0;
}

bw_value *bw_value_alloc(bw_value_arena *a, size_t count) {
  if (!a || count > SIZE_MAX / 4 / sizeof(bw_value)) return NULL;
  bw_value *v = bw_value_arena_raw(a, count ? count * sizeof *v : 1);
  if (v && count) memset(v, 0, count * sizeof *v);
  return v;
}

uint8_t *bw_value_copy_bytes(bw_value_arena *a, const void *p, size_t len) {
  if (!a || len >= SIZE_MAX / 4) return NULL;
  uint8_t *q = bw_value_arena_raw(a, len + 1);
  if (!q) return NULL;
  if (len) memcpy(q, p, len);
  q[len] = 0;
  return q;
}

/* ---- equality ---------------------------------------------------------------------------- */

static int equal_at(const bw_value *a, const bw_value *b, unsigned depth) {
  if (a == b) return 1;
  if (!a || !b || !a->type || !b->type || depth > 4096) return 0;
  const bw_type *t = a->type;
  if (t->kind != b->type->kind) return 0;
  switch (t->kind) {
    case BW_KIND_UINT:
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_ENUM:
    case BW_KIND_BOOL:
      return a->as.u == b->as.u;
    case BW_KIND_INT:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
      return a->as.i == b->as.i;
    case BW_KIND_F32:
      return memcmp(&a->as.f32, &b->as.f32, sizeof(float)) == 0;
    case BW_KIND_F64:
      return memcmp(&a->as.f64, &b->as.f64, sizeof(double)) == 0;
    case BW_KIND_STR:
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED:
      return a->as.bytes.len == b->as.bytes.len &&
             (a->as.bytes.len == 0 ||
              memcmp(a->as.bytes.ptr, b->as.bytes.ptr, a->as.bytes.len) == 0);
    case BW_KIND_VOID:
      return 1;
    case BW_KIND_OPTIONAL:
      if (!a->as.optional || !b->as.optional) return a->as.optional == b->as.optional;
      return equal_at(a->as.optional, b->as.optional, depth + 1);
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_STRUCT:
    case BW_KIND_MAP: {
      size_t n = a->as.list.count;
      if (n != b->as.list.count) return 0;
      if (t->kind == BW_KIND_MAP) n *= 2;
      for (size_t i = 0; i < n; i++)
        if (!equal_at(&a->as.list.items[i], &b->as.list.items[i], depth + 1)) return 0;
      return 1;
    }
    case BW_KIND_UNION:
      return a->as.variant.tag == b->as.variant.tag &&
             equal_at(a->as.variant.value, b->as.variant.value, depth + 1);
    case BW_KIND_REF:
      return 0;
  }
  return 0;
}

int bw_value_equal(const bw_value *a, const bw_value *b) {
  return equal_at(a, b, 0);
}

/* ---- shared helpers ---------------------------------------------------------------------- */

static uint64_t sat_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t min_size_at(const bw_type *t, unsigned depth) {
  t = bw_type_resolve(t);
  if (!t || depth > 64) return 0;
  switch (t->kind) {
    case BW_KIND_VOID:
      return 0;
    case BW_KIND_DATA_FIXED:
      return t->length;
    case BW_KIND_LIST_FIXED: {
      uint64_t e = min_size_at(t->elem, depth + 1);
      return e && t->length > UINT64_MAX / e ? UINT64_MAX : e * t->length;
    }
    case BW_KIND_STRUCT: {
      uint64_t sum = 0;
      for (size_t i = 0; i < t->count; i++)
        sum = sat_add(sum, min_size_at(t->fields[i].type, depth + 1));
      return sum;
    }
    default: {
      unsigned w = bw_kind_width(t->kind);
      /* Varints, lengths, counts, flags and tags all take at least one byte; recursion (old
       * drafts) always passes through one of these, so the walk ends. */
      return w ? w : 1;
    }
  }
}

uint64_t bw_codec_min_size(const bw_type *t) {
  return min_size_at(t, 0);
}

long bw_codec_enum_index(const bw_type *t, uint64_t v) {
  size_t lo = 0, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint64_t m = t->members[mid].value;
    if (m == v) return (long)mid;
    if (m < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

long bw_codec_union_index(const bw_type *t, uint64_t tag) {
  size_t lo = 0, hi = t->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint64_t m = t->variants[mid].tag;
    if (m == tag) return (long)mid;
    if (m < tag)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static int span_cmp(const void *pa, const void *pb) {
  const bw_span *a = pa, *b = pb;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  int c = a->len ? memcmp(a->p, b->p, a->len) : 0;
  if (c) return c;
  return a->index < b->index ? -1 : a->index > b->index;
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

static inline uint64_t load32(const uint8_t *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}

/* Keys are short: whole words, the last (possibly overlapping) word, a multiplicative mix. */
static uint32_t span_hash(const bw_span *sp) {
  const uint8_t *p = sp->p;
  size_t n = sp->len;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8) h = (h ^ load64(p + i)) * 0xff51afd7ed558ccdull;
    h ^= load64(p + n - 8);
  } else if (n >= 4) {
    h ^= load32(p) << 32 | load32(p + n - 4);
  } else if (n > 0) {
    h ^= (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
  }
  h *= 0xc4ceb9fe1a85ec53ull;
  return (uint32_t)(h >> 32);
}

static int span_equal(const bw_span *a, const bw_span *b) {
  return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Small maps use an open-addressing table on the stack (O(n) expected; even if every key
 * collided, n <= 256 bounds the work); bigger ones sort a copy of the spans (O(n log n)
 * whatever the keys). */
long bw_codec_find_duplicate(bw_span *spans, size_t n) {
  if (n < 2) return -1;
  if (n <= 8) {
    for (size_t j = 1; j < n; j++)
      for (size_t i = 0; i < j; i++)
        if (span_equal(&spans[i], &spans[j])) return (long)j;
    return -1;
  }
  if (n <= 256) {
    uint16_t table[512];
    uint32_t hashes[256];
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    memset(table, 0, size * sizeof table[0]);
    for (size_t j = 0; j < n; j++) {
      uint32_t h = hashes[j] = span_hash(&spans[j]);
      size_t slot = h & (size - 1);
      while (table[slot]) {
        size_t k = table[slot] - 1u;
        if (hashes[k] == h && span_equal(&spans[k], &spans[j])) return (long)j;
        slot = (slot + 1) & (size - 1);
      }
      table[slot] = (uint16_t)(j + 1);
    }
    return -1;
  }
  for (size_t i = 0; i < n; i++) spans[i].index = i;
  qsort(spans, n, sizeof *spans, span_cmp);
  long best = -1;
  for (size_t i = 1; i < n; i++)
    if (span_equal(&spans[i], &spans[i - 1]) && (best < 0 || spans[i].index < (size_t)best))
      best = (long)spans[i].index;
  return best;
}

int bw_span_vec_grow(bw_span_vec *v, size_t i) {
  if (i < v->cap) return 0;
  size_t cap = v->cap * 2;
  bw_span *p = v->items == v->small ? malloc(cap * sizeof *p) : realloc(v->items, cap * sizeof *p);
  if (!p) return BW_ENOMEM;
  if (v->items == v->small) memcpy(p, v->small, sizeof v->small);
  v->items = p;
  v->cap = cap;
  return 0;
}

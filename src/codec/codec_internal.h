/* barewire codec module: pieces shared by the decoder, the reader, the encoder and JSON
 * (internal; not installed): the value arena's layout and its inline allocation fast path,
 * limits resolution, the smallest wire size of a type, and member lookups by value. */
#ifndef BAREWIRE_CODEC_INTERNAL_H
#define BAREWIRE_CODEC_INTERNAL_H

#include "barewire/codec.h"
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../core/core.h"
#include "wire_plan.h"

/* On the codec's hot entry points and walks: a start on a 64-byte boundary, so that the
 * placement of their loops in the instruction fetch windows depends on their own code only,
 * not on how much code of other files the linker put before them (a shift of 16 bytes moved
 * encode times by 10-15%). */
#if defined(__GNUC__)
#define BW_CODEC_HOT __attribute__((aligned(64)))
#else
#define BW_CODEC_HOT
#endif

/* The value arena is a list of blocks with a bump pointer. It is separate from core's
 * bw_arena because decoding many messages in a row wants a reset that keeps the first block
 * (no malloc per message) and an allocation fast path that the compiler can inline. */
typedef struct bw_value_block {
  struct bw_value_block *next;
  size_t size;
  _Alignas(16) unsigned char data[];
} bw_value_block;

struct bw_value_arena {
  bw_value_block *head; /* current block; blocks before it are in ->next */
  unsigned char *cur;
  unsigned char *end;
  size_t used;
};

/* Slow path: a new block big enough for size bytes. */
void *bw_value_arena_refill(bw_value_arena *a, size_t size);

/* size bytes aligned to 16, NOT zeroed (callers fill every byte they use). NULL when out of
 * memory. */
static inline void *bw_value_arena_raw(bw_value_arena *a, size_t size) {
  size = (size + 15u) & ~(size_t)15u;
  if (size <= (size_t)(a->end - a->cur)) {
    void *p = a->cur;
    a->cur += size;
    a->used += size;
    return p;
  }
  return bw_value_arena_refill(a, size);
}

/* memcpy of n bytes where short strings (keys, names) are two overlapping moves, no call. */
static BW_ALWAYS_INLINE void bw_codec_copy(uint8_t *d, const uint8_t *s, size_t n) {
  if (n >= 8 && n <= 16) {
    memcpy(d, s, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else {
    memcpy(d, s, n);
  }
}

/* bw_value_copy_bytes without the call (len + 1 bytes: a NUL follows). */
static inline uint8_t *bw_value_arena_copy(bw_value_arena *a, const uint8_t *p, size_t len) {
  uint8_t *q = len < SIZE_MAX / 4 ? (uint8_t *)bw_value_arena_raw(a, len + 1) : NULL;
  if (!q) return NULL;
  bw_codec_copy(q, p, len);
  q[len] = 0;
  return q;
}

/* Little-endian loads and stores of 1, 2, 4 or 8 bytes as one move (and a byte swap on a
 * big-endian host): core.h's byte loops are not always folded into one move by the compiler,
 * and these sit on every number the codec reads or writes. With a constant width the switch
 * disappears. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BW_LE16_(x) (x)
#define BW_LE32_(x) (x)
#define BW_LE64_(x) (x)
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BW_LE16_(x) __builtin_bswap16(x)
#define BW_LE32_(x) __builtin_bswap32(x)
#define BW_LE64_(x) __builtin_bswap64(x)
#endif

static BW_ALWAYS_INLINE uint64_t bw_ld_le(const uint8_t *p, unsigned width) {
#ifdef BW_LE16_
  switch (width) {
    case 1:
      return p[0];
    case 2: {
      uint16_t v;
      memcpy(&v, p, 2);
      return BW_LE16_(v);
    }
    case 4: {
      uint32_t v;
      memcpy(&v, p, 4);
      return BW_LE32_(v);
    }
    case 8: {
      uint64_t v;
      memcpy(&v, p, 8);
      return BW_LE64_(v);
    }
    default:
      break;
  }
#endif
  return bw_load_le(p, width);
}

static BW_ALWAYS_INLINE void bw_st_le(uint8_t *p, uint64_t v, unsigned width) {
#ifdef BW_LE16_
  switch (width) {
    case 1:
      p[0] = (uint8_t)v;
      return;
    case 2: {
      uint16_t x = BW_LE16_((uint16_t)v);
      memcpy(p, &x, 2);
      return;
    }
    case 4: {
      uint32_t x = BW_LE32_((uint32_t)v);
      memcpy(p, &x, 4);
      return;
    }
    case 8: {
      uint64_t x = BW_LE64_(v);
      memcpy(p, &x, 8);
      return;
    }
    default:
      break;
  }
#endif
  bw_store_le(p, v, width);
}

/* Copies a string of n bytes from p to d in 16-byte (SSE2) or 8-byte moves, overlapping at the
 * tail (no byte outside p[0..n) or d[0..n) is touched), no call: for strings of up to a few
 * hundred bytes (the loop does not unroll). Returns the OR of the moved words' high bits: 0
 * when the string is ASCII (the encoder's and the decoder's UTF-8 fast check). */
static BW_ALWAYS_INLINE uint64_t bw_codec_copy_check(uint8_t *d, const uint8_t *p, size_t n) {
  if (n > 16) {
#ifdef __SSE2__
    __m128i acc = _mm_setzero_si128(), x;
    for (size_t i = 0; i + 16 < n; i += 16) {
      x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      acc = _mm_or_si128(acc, x);
      _mm_storeu_si128((__m128i *)(void *)(d + i), x);
    }
    x = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
    acc = _mm_or_si128(acc, x);
    _mm_storeu_si128((__m128i *)(void *)(d + n - 16), x);
    return (uint64_t)(unsigned)_mm_movemask_epi8(acc);
#else
    uint64_t any = 0, a, b;
    for (size_t i = 0; i + 16 < n; i += 16) {
      a = bw_ld_le(p + i, 8);
      b = bw_ld_le(p + i + 8, 8);
      any |= a | b;
      bw_st_le(d + i, a, 8);
      bw_st_le(d + i + 8, b, 8);
    }
    a = bw_ld_le(p + n - 16, 8);
    b = bw_ld_le(p + n - 8, 8);
    any |= a | b;
    bw_st_le(d + n - 16, a, 8);
    bw_st_le(d + n - 8, b, 8);
    return any & 0x8080808080808080ull;
#endif
  }
  if (n >= 8) {
    uint64_t a = bw_ld_le(p, 8), b = bw_ld_le(p + n - 8, 8);
    bw_st_le(d, a, 8);
    bw_st_le(d + n - 8, b, 8);
    return (a | b) & 0x8080808080808080ull;
  }
  if (n >= 4) {
    uint64_t a = bw_ld_le(p, 4), b = bw_ld_le(p + n - 4, 4);
    bw_st_le(d, a, 4);
    bw_st_le(d + n - 4, b, 4);
    return (a | b) & 0x80808080u;
  }
  if (n) {
    uint8_t a = p[0], b = p[n / 2], c = p[n - 1];
    d[0] = a;
    d[n / 2] = b;
    d[n - 1] = c;
    return (a | b | c) & 0x80u;
  }
  return 0;
}

/* Resolved limits. */
typedef struct bw_limits {
  size_t max_message_size;
  size_t max_depth;
  size_t max_elements;
  int borrow;
} bw_limits;

static inline bw_limits bw_limits_of(const bw_decode_options *o) {
  bw_limits l;
  l.max_message_size = o && o->max_message_size ? o->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  l.max_depth = o && o->max_depth ? o->max_depth : BW_DEFAULT_MAX_VALUE_DEPTH;
  l.max_elements = o && o->max_elements ? o->max_elements : BW_DEFAULT_MAX_ELEMENTS;
  l.borrow = o ? o->borrow : 0;
  return l;
}

/* The fewest bytes a value of type t takes on the wire (a lower bound; 0 only for void-like
 * shapes). Used to check a count against the bytes left before allocating. */
uint64_t bw_codec_min_size(const bw_type *t);

/* Tests: whether the codec may use the CPU's vector instructions where it has them (1, the
 * default) or must keep its portable loops (0). */
void bw_codec_allow_simd(int on);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The runs of uint and int fields in structs with scalar plans, and the structs with a vec form,
 * go through AVX-512 (the features of core/varint_avx512.h) where the CPU has it and
 * bw_codec_allow_simd allows it: 1 then. */
#define BW_CODEC_AVX512 1
extern int bw_codec_simd_state_; /* 0 not known yet, 1 no, 2 yes */
int bw_codec_simd_probe_(void);
static inline int bw_codec_avx512(void) {
  int st = __atomic_load_n(&bw_codec_simd_state_, __ATOMIC_RELAXED);
  return st ? st == 2 : bw_codec_simd_probe_();
}
#endif

/* Tests: whether the AVX-512 paths take these values or bytes (1), leave them to the scalar
 * loops (0), or are off (-1); see encode.c and decode.c. */
int bw_codec_simd_encode_takes_(const bw_type *t, const bw_value *items);
int bw_codec_simd_decode_takes_(const bw_type *t, const uint8_t *d, size_t len);

/* The index of the enum member with value v, or -1. Members are strictly ascending by value
 * (a validity rule), so this is a binary search. */
long bw_codec_enum_index(const bw_type *t, uint64_t v);
/* Whether v is a member of enum t: one load when member v has value v (dense enums), else
 * bw_codec_enum_index. */
static BW_ALWAYS_INLINE int bw_codec_enum_defined(const bw_type *t, uint64_t v) {
  return (v < t->count && t->members[v].value == v) || bw_codec_enum_index(t, v) >= 0;
}
/* Whether v is a member of the enum of a scalar plan's ENUM field wf: a bit of its member mask
 * below 64, else bw_codec_enum_defined up to its largest member. */
static BW_ALWAYS_INLINE int bw_wire_enum_member(const bw_wire_field *wf, uint64_t v) {
  return v < 64 ? (int)((wf->mask >> v) & 1) : v <= wf->limit && bw_codec_enum_defined(wf->type, v);
}
/* The index of the union member with tag, or -1 (tags are strictly ascending too). */
long bw_codec_union_index(const bw_type *t, uint64_t tag);

/* 1 when a map with this key type is written as a JSON object (key resolves to str). */
static inline int bw_codec_map_is_object(const bw_type *map) {
  return bw_type_resolve(map->key)->kind == BW_KIND_STR;
}

/* Map duplicate-key check over the encoded key bytes: spans of the input. Equal keys have equal
 * encodings because keys are never floats and every other key encoding is canonical. Returns
 * the index (into spans) of the second occurrence of a repeated key, or -1; -2 when out of
 * memory. Small maps hash (bounded work), big ones are sorted in place (O(n log n); then
 * spans[].index keeps the original positions). */
typedef struct bw_span {
  const uint8_t *p;
  size_t len;
  size_t index;
} bw_span;
long bw_codec_find_duplicate(bw_span *spans, size_t n);

/* A list of key spans that starts in place and grows by doubling as keys are read (never
 * sized by a count the message claims). */
typedef struct bw_span_vec {
  bw_span small[64];
  bw_span *items;
  size_t cap;
} bw_span_vec;

static inline void bw_span_vec_init(bw_span_vec *v) {
  v->items = v->small;
  v->cap = 64;
}
/* Room for item i; 0 or BW_ENOMEM. */
int bw_span_vec_grow(bw_span_vec *v, size_t i);
static inline int bw_span_vec_reserve(bw_span_vec *v, size_t i) {
  return i < v->cap ? 0 : bw_span_vec_grow(v, i);
}
static inline void bw_span_vec_free(bw_span_vec *v) {
  if (v->items != v->small) free(v->items);
}
/* The repeated key's index (as bw_codec_find_duplicate) mapped back to its span. */
static inline const bw_span *bw_span_vec_find(const bw_span_vec *v, size_t n, long dup) {
  if (n <= 256) return &v->items[dup]; /* not sorted */
  size_t k = 0;
  while (v->items[k].index != (size_t)dup) k++;
  return &v->items[k];
}

/* The same check over key values: pairs holds n (key, value) pairs as in a MAP value. Returns
 * the pair index of the second occurrence of a repeated key, -1 when none, -2 when out of
 * memory. */
long bw_codec_find_duplicate_key(const bw_value *pairs, size_t n);

/* Writes a float for JSON: the shortest round-trip decimal, or "NaN", "Infinity",
 * "-Infinity" with their quotes. out needs 32 bytes. Returns the length. */
int bw_codec_format_float(char *out, size_t cap, double v, int is_f32);

/* ---- strict primitive reads over d[0..len) at *pos, shared by the decoder and the reader.
 * Each checks the bytes it needs, advances *pos only on success, and reports failures at the
 * first byte of the item. ---- */

int bw_codec_varint_error(int code, size_t pos, bw_error *err);

static inline int bw_rd_uint(const uint8_t *d, size_t len, size_t *pos, uint64_t *out,
                             bw_error *err) {
  size_t p = *pos;
  if (p < len && d[p] < 0x80) {
    *out = d[p];
    *pos = p + 1;
    return 0;
  }
  if (len - p >= BW_VARINT_MAX) {
    /* Ten bytes are there: no bounds check per byte. The same strict rules as bw_varint_get. */
    uint64_t v = 0;
    for (size_t i = 0; i < BW_VARINT_MAX; i++) {
      uint8_t b = d[p + i];
      v |= (uint64_t)(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) {
        if (b == 0) return bw_codec_varint_error(BW_ENONMINIMAL, p, err); /* i > 0 here */
        if (i == 9 && b > 1) break;
        *out = v;
        *pos = p + i + 1;
        return 0;
      }
    }
    return bw_codec_varint_error(BW_EOVERFLOW, p, err);
  }
  /* Near the end: one loop over the bytes there are, with the same strict rules and the same
   * codes as bw_varint_get: a zero last group is not minimal, a tenth byte above 1 overflows,
   * running out of input inside the varint is truncation. */
  size_t max = len - p < BW_VARINT_MAX ? len - p : BW_VARINT_MAX;
  uint64_t v = 0;
  for (size_t i = 0; i < max; i++) {
    uint8_t b = d[p + i];
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (b == 0) return bw_codec_varint_error(BW_ENONMINIMAL, p, err); /* i > 0 here */
      if (i == 9 && b > 1) break;
      *out = v;
      *pos = p + i + 1;
      return 0;
    }
  }
  return bw_codec_varint_error(max < BW_VARINT_MAX ? BW_ETRUNCATED : BW_EOVERFLOW, p, err);
}

/* Reads a length or count prefix and checks it: more than max is BW_ELIMIT, more than the
 * bytes left after it (count * unit) is BW_ETRUNCATED; both reported at the prefix. */
int bw_codec_count_error(uint64_t count, uint64_t unit, uint64_t max, size_t left, size_t pos,
                         bw_error *err);

static inline int bw_rd_count(const uint8_t *d, size_t len, size_t *pos, uint64_t unit,
                              uint64_t max, uint64_t *out, bw_error *err) {
  size_t start = *pos;
  int rc = bw_rd_uint(d, len, pos, out, err);
  if (rc) return rc;
  size_t left = len - *pos;
  if (*out > max || (unit && *out > left / unit)) {
    *pos = start;
    return bw_codec_count_error(*out, unit, max, left, start, err);
  }
  return 0;
}

/* Checks a UTF-8 string of len bytes at d[pos]; BW_EUTF8 at the first bad byte. */
int bw_codec_utf8_slow(const uint8_t *d, size_t pos, size_t len, bw_error *err);
static inline int bw_codec_utf8(const uint8_t *d, size_t pos, size_t len, bw_error *err) {
  /* ASCII strings (most keys and names) without a call: the high bits of 8 bytes at a time
   * (overlapping loads for the tail), else the full check, which also finds the offset. */
  if (!len) return 0; /* (d may be NULL then) */
  const uint8_t *p = d + pos;
  uint64_t any = 0;
  if (len >= 8) {
    size_t i = 0;
    for (; i + 8 < len; i += 8) any |= bw_ld_le(p + i, 8);
    any |= bw_ld_le(p + len - 8, 8);
  } else if (len >= 4) {
    any = bw_ld_le(p, 4) | bw_ld_le(p + len - 4, 4);
  } else {
    any = (uint64_t)p[0] | p[len / 2] | p[len - 1];
  }
  if (!(any & 0x8080808080808080ull)) return 0;
  return bw_codec_utf8_slow(d, pos, len, err);
}

/* Fixed-width load sign- or zero-extended to 64 bits by kind (u8..u64, i8..i64, bool). */
static inline uint64_t bw_codec_load_fixed(const uint8_t *p, bw_kind kind) {
  switch (kind) {
    case BW_KIND_U8:
    case BW_KIND_BOOL:
      return p[0];
    case BW_KIND_I8:
      return (uint64_t)(int64_t)(int8_t)p[0];
    case BW_KIND_U16:
      return bw_ld_le(p, 2);
    case BW_KIND_I16:
      return (uint64_t)(int64_t)(int16_t)(uint16_t)bw_ld_le(p, 2);
    case BW_KIND_U32:
    case BW_KIND_F32:
      return bw_ld_le(p, 4);
    case BW_KIND_I32:
      return (uint64_t)(int64_t)(int32_t)(uint32_t)bw_ld_le(p, 4);
    default:
      return bw_ld_le(p, 8);
  }
}

#endif

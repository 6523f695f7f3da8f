/* barewire codec: the encoder, a tree of bw_value -> BARE bytes. One writer serves the three
 * entry points: a caller buffer (bytes past the end are counted, not written, so BW_ENOSPACE
 * can report the size needed), a malloc'd buffer that doubles as needed, and a size-only pass
 * (a caller buffer of capacity 0). The encoder checks everything a strict decoder would reject
 * so that it never produces a message that barewire itself refuses. */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "core/varint_word.h"
#include "wire_plan.h"

typedef struct encoder {
  uint8_t *buf;
  size_t cap;
  size_t pos; /* may exceed cap in a fixed buffer: the size needed so far */
  int grow;   /* buf is ours (malloc) and grows */
  int oom;
  bw_error *err;
} encoder;

static int grow(encoder *e, size_t n) {
  if (!e->grow || e->oom || e->pos > e->cap) return 0;
  size_t cap = e->cap ? e->cap : 256;
  while (cap - e->pos < n) {
    if (cap > SIZE_MAX / 2) {
      e->oom = 1;
      return 0;
    }
    cap *= 2;
  }
  uint8_t *p = realloc(e->buf, cap);
  if (!p) {
    e->oom = 1;
    return 0;
  }
  e->buf = p;
  e->cap = cap;
  return 1;
}

static BW_ALWAYS_INLINE int room(encoder *e, size_t n) {
  return (e->pos <= e->cap && n <= e->cap - e->pos) || grow(e, n);
}

/* room for a small constant n (at most BW_VARINT_MAX): one compare. When pos has passed cap
 * (counting the size needed), cap - pos wraps to more than PTRDIFF_MAX, i.e. negative as a
 * signed difference. */
static BW_ALWAYS_INLINE int room_small(encoder *e, size_t n) {
  return (ptrdiff_t)(e->cap - e->pos) >= (ptrdiff_t)n || grow(e, n);
}

/* The bytes of an item that does not fit in a caller buffer: those before its end, so that
 * after BW_ENOSPACE the buffer holds the message's first cap bytes. (The word stores of
 * varints may have written zeros past a varint; the item after it overwrites them here as far
 * as the buffer goes.) */
static __attribute__((noinline)) void put_part(encoder *e, const void *p, size_t n) {
  if (e->pos < e->cap) memcpy(e->buf + e->pos, p, e->cap - e->pos < n ? e->cap - e->pos : n);
}

static inline void put(encoder *e, const void *p, size_t n) {
  if (n && room(e, n))
    bw_codec_copy(e->buf + e->pos, p, n);
  else if (n)
    put_part(e, p, n);
  e->pos += n;
}

/* n < 128 bytes from s to d: overlapping moves, a call only from 16 bytes up. */
static BW_ALWAYS_INLINE void copy_short(uint8_t *d, const uint8_t *s, size_t n) {
  if (n > 16) {
    memcpy(d, s, n);
  } else if (n >= 8) {
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + n - 8, 8);
    memcpy(d, &a, 8);
    memcpy(d + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    memcpy(&a, s, 4);
    memcpy(&b, s + n - 4, 4);
    memcpy(d, &a, 4);
    memcpy(d + n - 4, &b, 4);
  } else if (n) {
    uint8_t a = s[0], b = s[n / 2], c = s[n - 1];
    d[0] = a;
    d[n / 2] = b;
    d[n - 1] = c;
  }
}

/* A str or data value's length and bytes (checked by the caller): a string under 128 bytes
 * with room for it is one length byte and the short copy, with one room check. */
static BW_ALWAYS_INLINE void put_bytes(encoder *e, const uint8_t *p, size_t n);

static BW_ALWAYS_INLINE void put_uint(encoder *e, uint64_t v) {
#ifdef BW_VARINT_WORD
  /* one word, no branch on the size (room for ten bytes: the word may write zeros past it) */
  if (room_small(e, BW_VARINT_MAX)) {
    e->pos += bw_varint_put_word(e->buf + e->pos, v);
    return;
  }
#else
  if (v < 0x80 && room_small(e, 1)) {
    e->buf[e->pos++] = (uint8_t)v;
    return;
  }
  if (room_small(e, BW_VARINT_MAX)) {
    e->pos += bw_varint_put(e->buf + e->pos, v);
    return;
  }
#endif
  uint8_t tmp[BW_VARINT_MAX];
  put(e, tmp, bw_varint_put(tmp, v));
}

static BW_ALWAYS_INLINE void put_bytes(encoder *e, const uint8_t *p, size_t n) {
  if (n < 0x80 && (ptrdiff_t)(e->cap - e->pos) > (ptrdiff_t)n) {
    uint8_t *d = e->buf + e->pos;
    e->pos += n + 1; /* (before the byte stores, which could alias it) */
    d[0] = (uint8_t)n;
    copy_short(d + 1, p, n);
    return;
  }
  put_uint(e, n);
  put(e, p, n);
}

/* The OR of n bytes at p (n > 0 needs p), 8 at a time with an overlapping tail: no high bit
 * set means ASCII. Inline where bw_codec_utf8 would be a call. */
static BW_ALWAYS_INLINE uint64_t ascii_high(const uint8_t *p, size_t n) {
  if (n >= 8) {
    uint64_t any = bw_ld_le(p + n - 8, 8);
    for (size_t i = 0; i + 8 < n; i += 8) any |= bw_ld_le(p + i, 8);
    return any;
  }
  if (n >= 4) return bw_ld_le(p, 4) | bw_ld_le(p + n - 4, 4);
  return n ? (uint64_t)p[0] | p[n / 2] | p[n - 1] : 0;
}

/* put_str for a string of 128 bytes or more, or without room for it (counted or grown). */
static __attribute__((noinline)) int put_str_long(encoder *e, const uint8_t *p, size_t n) {
  if ((ascii_high(p, n) & 0x8080808080808080ull) && bw_codec_utf8_slow(p, 0, n, NULL))
    return bw_error_set(e->err, BW_EUTF8, e->pos, "str value is not valid UTF-8");
  put_uint(e, n);
  put(e, p, n);
  return 0;
}

/* A str value's length and bytes (n && !p checked by the caller) with its UTF-8 check in the
 * same pass: a string under 128 bytes with room for it is copied by bw_codec_copy_check, whose high
 * bits are the ASCII check; only a string with a high bit set is then checked in full.
 * Returns 0, or BW_EUTF8 at the string's offset (nothing counted; bytes past the position may
 * have been written, as after any refusal). */
static BW_ALWAYS_INLINE int put_str(encoder *e, const uint8_t *p, size_t n) {
  if (n < 0x80 && (ptrdiff_t)(e->cap - e->pos) > (ptrdiff_t)n) {
    uint8_t *d = e->buf + e->pos;
    d[0] = (uint8_t)n;
    if (bw_codec_copy_check(d + 1, p, n) && bw_codec_utf8_slow(p, 0, n, NULL))
      return bw_error_set(e->err, BW_EUTF8, e->pos, "str value is not valid UTF-8");
    e->pos += n + 1;
    return 0;
  }
  return put_str_long(e, p, n);
}

static BW_ALWAYS_INLINE void put_fixed(encoder *e, uint64_t v, unsigned w) {
  if (room_small(e, w)) {
    bw_st_le(e->buf + e->pos, v, w);
  } else {
    uint8_t tmp[8];
    bw_st_le(tmp, v, w);
    put_part(e, tmp, w);
  }
  e->pos += w;
}

/* 1 when value v (not NULL) cannot be of resolved type t: it has no type or one of another kind.
 * (Comparing the type pointers first saves instructions but measured slower.) */
static BW_ALWAYS_INLINE int wrong_kind(const bw_value *v, const bw_type *t) {
  return !v->type || v->type->kind != t->kind;
}

static int mismatch(encoder *e, const bw_type *t, const bw_value *v) {
  return bw_error_set(e->err, BW_ETYPE, e->pos, "value of kind %s where %s is expected",
                      v && v->type ? bw_kind_name(v->type->kind) : "(none)", bw_kind_name(t->kind));
}

/* The bytes that identify a map key value: its string or data bytes, or the 64 bits of a
 * number, bool or enum (equal keys of one key type have equal bits). */
static void key_span(const bw_value *k, bw_span *sp) {
  switch (k->type->kind) {
    case BW_KIND_STR:
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED:
      sp->p = k->as.bytes.len ? k->as.bytes.ptr : (const uint8_t *)"";
      sp->len = k->as.bytes.len;
      return;
    default:
      sp->p = (const uint8_t *)&k->as.u;
      sp->len = sizeof k->as.u;
      return;
  }
}

long bw_codec_find_duplicate_key(const bw_value *pairs, size_t n) {
  bw_span_vec spans;
  bw_span_vec_init(&spans);
  long dup = -1;
  for (size_t i = 0; i < n; i++) {
    if (bw_span_vec_reserve(&spans, i)) {
      bw_span_vec_free(&spans);
      return -2;
    }
    key_span(&pairs[2 * i], &spans.items[i]);
  }
  dup = bw_codec_find_duplicate(spans.items, n);
  bw_span_vec_free(&spans);
  return dup;
}

#define NOT_LEAF 1

/* The duplicate-key check of a map whose values are leaves, done while the keys are written: an
 * open-addressing table on the stack (no span list, no second pass). The keys are the map's
 * key values themselves (bytes or 64 bits, as key_span). Only for maps of up to
 * KEYSET_MAX keys and leaf values (no recursion while the table is live, so the 1.5 KiB frame is
 * never nested); bw_codec_find_duplicate_key serves every other map. */
#define KEYSET_MAX 256u

/* The kinds enc_leaf writes (no recursion). */
static inline int kind_is_leaf(bw_kind k) {
  return k <= BW_KIND_VOID || k == BW_KIND_ENUM;
}

typedef struct keyset {
  uint16_t slot[2 * KEYSET_MAX]; /* 0: empty, else key index + 1 */
  uint32_t hash[KEYSET_MAX];
  size_t mask;
} keyset;

/* The hash of a byte string, and in *high the OR of its bytes' high bits (0x80 in some byte of
 * *high & 0x8080808080808080 when it is not ASCII): one pass of word loads for the UTF-8 fast
 * check and the hash. */
static BW_ALWAYS_INLINE uint32_t bytes_hash(const uint8_t *p, size_t n, uint64_t *high) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n, any = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      uint64_t w = bw_ld_le(p + i, 8);
      any |= w;
      h = (h ^ w) * 0xff51afd7ed558ccdull;
    }
    uint64_t w = bw_ld_le(p + n - 8, 8);
    any |= w;
    h ^= w;
  } else if (n >= 4) {
    uint64_t a = bw_ld_le(p, 4), b = bw_ld_le(p + n - 4, 4);
    any = a | b;
    h ^= a << 32 | b;
  } else if (n > 0) {
    any = (uint64_t)p[0] | p[n / 2] | p[n - 1];
    h ^= (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
  }
  *high = any;
  h *= 0xc4ceb9fe1a85ec53ull;
  return (uint32_t)(h >> 32);
}

static BW_ALWAYS_INLINE uint32_t key_hash(const bw_value *k, int bytes) {
  if (bytes) {
    uint64_t high;
    return bytes_hash(k->as.bytes.ptr, k->as.bytes.len, &high);
  }
  return (uint32_t)((k->as.u * 0xc4ceb9fe1a85ec53ull) >> 32);
}

static BW_ALWAYS_INLINE int keyset_add(keyset *ks, const bw_value *pairs, size_t i, int bytes,
                                       uint32_t h);

/* Pairs i.. of a map<str><fixed-width number or bool> with its table ks, whole pairs at a time
 * from local copies of the position: checks first (kinds, the value's range as
 * value + bias <= limit, a key under 128 bytes that is ASCII or valid UTF-8, room for the pair),
 * then the moves. Returns the index of the first pair it did not write (n when done): that pair
 * fails a check or does not fit, and the caller writes or refuses it one value at a time. */
static BW_ALWAYS_INLINE size_t enc_str_pairs(encoder *e, const bw_value *items, size_t i, size_t n,
                                             keyset *ks, const bw_type *kt, const bw_type *vt,
                                             unsigned w, uint64_t bias, uint64_t limit, long *dup) {
  uint8_t *buf = e->buf;
  size_t pos = e->pos, cap = e->cap;
  for (; i < n; i++) {
    const bw_value *k = &items[2 * i], *val = k + 1;
    if ((k->type != kt && (!k->type || k->type->kind != BW_KIND_STR)) ||
        (val->type != vt && (!val->type || val->type->kind != vt->kind)))
      break;
    const uint8_t *kp = k->as.bytes.ptr;
    size_t kn = k->as.bytes.len;
    uint64_t bits = val->as.u; /* (f64: its bits; signed kinds: two's complement) */
    if (kn >= 0x80 || (kn && !kp) || bits + bias > limit ||
        (ptrdiff_t)(cap - pos) < (ptrdiff_t)(kn + 1 + w))
      break;
    uint64_t high;
    uint32_t h = bytes_hash(kp, kn, &high);
    if ((high & 0x8080808080808080ull) && bw_codec_utf8_slow(kp, 0, kn, NULL)) break;
    uint8_t *d = buf + pos;
    pos += kn + 1 + w;
    d[0] = (uint8_t)kn;
    copy_short(d + 1, kp, kn);
    bw_st_le(d + 1 + kn, bits, w);
    if (*dup < 0 && keyset_add(ks, items, i, 1, h)) *dup = (long)i;
  }
  e->pos = pos;
  return i;
}

/* Adds key i (pairs[2 * i]); 1 when an earlier key equals it (then it is not added). */
static BW_ALWAYS_INLINE int keyset_add(keyset *ks, const bw_value *pairs, size_t i, int bytes,
                                       uint32_t h) {
  const bw_value *k = &pairs[2 * i];
  size_t s = h & ks->mask;
  while (ks->slot[s]) {
    size_t j = ks->slot[s] - 1u;
    if (ks->hash[j] == h) {
      const bw_value *o = &pairs[2 * j];
      if (bytes
              ? o->as.bytes.len == k->as.bytes.len &&
                    (!k->as.bytes.len || !memcmp(o->as.bytes.ptr, k->as.bytes.ptr, k->as.bytes.len))
              : o->as.u == k->as.u)
        return 1;
    }
    s = (s + 1) & ks->mask;
  }
  ks->slot[s] = (uint16_t)(i + 1);
  ks->hash[i] = h;
  return 0;
}

static BW_ALWAYS_INLINE int enc_unsigned(encoder *e, const bw_value *v, unsigned w,
                                         const char *name) {
  if (w < 8 && v->as.u >> (8 * w))
    return bw_error_set(e->err, BW_EOVERFLOW, e->pos, "%llu does not fit in %s",
                        (unsigned long long)v->as.u, name);
  put_fixed(e, v->as.u, w);
  return 0;
}

static BW_ALWAYS_INLINE int enc_signed(encoder *e, const bw_value *v, unsigned w,
                                       const char *name) {
  int64_t lim = w < 8 ? (int64_t)1 << (8 * w - 1) : 0;
  if (w < 8 && (v->as.i < -lim || v->as.i >= lim))
    return bw_error_set(e->err, BW_EOVERFLOW, e->pos, "%lld does not fit in %s", (long long)v->as.i,
                        name);
  put_fixed(e, (uint64_t)v->as.i, w);
  return 0;
}

/* Scalars, strings and data (no recursion); inlined into the struct and list loops. t is
 * resolved and v's kind already checked against it. */
static BW_ALWAYS_INLINE int enc_leaf(encoder *e, const bw_type *t, const bw_value *v) {
  switch (t->kind) {
    case BW_KIND_UINT:
      put_uint(e, v->as.u);
      return 0;
    case BW_KIND_ENUM:
      if (bw_codec_enum_index(t, v->as.u) < 0)
        return bw_error_set(e->err, BW_EENUM, e->pos, "enum value %llu is not defined",
                            (unsigned long long)v->as.u);
      put_uint(e, v->as.u);
      return 0;
    case BW_KIND_INT:
      put_uint(e, bw_zigzag_encode(v->as.i));
      return 0;
    case BW_KIND_U8:
      return enc_unsigned(e, v, 1, "u8");
    case BW_KIND_U16:
      return enc_unsigned(e, v, 2, "u16");
    case BW_KIND_U32:
      return enc_unsigned(e, v, 4, "u32");
    case BW_KIND_U64:
      return enc_unsigned(e, v, 8, "u64");
    case BW_KIND_I8:
      return enc_signed(e, v, 1, "i8");
    case BW_KIND_I16:
      return enc_signed(e, v, 2, "i16");
    case BW_KIND_I32:
      return enc_signed(e, v, 4, "i32");
    case BW_KIND_I64:
      return enc_signed(e, v, 8, "i64");
    case BW_KIND_F32: {
      uint32_t b;
      memcpy(&b, &v->as.f32, 4);
      put_fixed(e, b, 4);
      return 0;
    }
    case BW_KIND_F64: {
      uint64_t b;
      memcpy(&b, &v->as.f64, 8);
      put_fixed(e, b, 8);
      return 0;
    }
    case BW_KIND_BOOL:
      if (v->as.u > 1)
        return bw_error_set(e->err, BW_EBOOL, e->pos, "bool value %llu is not 0 or 1",
                            (unsigned long long)v->as.u);
      put_fixed(e, v->as.u, 1);
      return 0;
    case BW_KIND_STR:
      if (v->as.bytes.len && !v->as.bytes.ptr) return mismatch(e, t, v);
      return put_str(e, v->as.bytes.ptr, v->as.bytes.len);
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED: {
      size_t n = v->as.bytes.len;
      if (n && !v->as.bytes.ptr) return mismatch(e, t, v);
      if (t->kind == BW_KIND_DATA_FIXED) {
        if (n != t->length)
          return bw_error_set(e->err, BW_ETYPE, e->pos, "data[%llu] value has %zu bytes",
                              (unsigned long long)t->length, n);
        put(e, v->as.bytes.ptr, n);
      } else {
        put_bytes(e, v->as.bytes.ptr, n);
      }
      return 0;
    }
    case BW_KIND_VOID:
      return 0;
    default:
      return NOT_LEAF;
  }
}

/* The common leaves (uint, int, fixed-width numbers, bool, str under 128 bytes) written at a
 * position the caller keeps in a local, *pp into buf[0..cap): the encoder's own position lives
 * in memory, and every byte store may alias it, so that a loop of fields writing through e
 * reloads and stores it once per field, a chain through memory. 1 when v was written (*pp
 * moved on); 0 when there was not room for ten bytes (or the string), the value is refused or
 * of another kind: nothing was counted, and the caller brings e->pos up to date and writes or
 * refuses v with enc_leaf. t is resolved and v's kind already checked against it. */
#ifdef BW_VARINT_WORD
#define VARINT_PUT_ bw_varint_put_word /* (no branch on the size: measured faster) */
#else
#define VARINT_PUT_ bw_varint_put
#endif
static BW_ALWAYS_INLINE int leaf_fast(uint8_t *buf, size_t cap, size_t *pp, const bw_type *t,
                                      const bw_value *v) {
  size_t pos = *pp;
  if ((ptrdiff_t)(cap - pos) < BW_VARINT_MAX) return 0;
  uint8_t *d = buf + pos;
  uint64_t u = v->as.u;
  switch (t->kind) {
    case BW_KIND_UINT:
      *pp = pos + VARINT_PUT_(d, u);
      return 1;
    case BW_KIND_INT:
      *pp = pos + VARINT_PUT_(d, bw_zigzag_encode(v->as.i));
      return 1;
#define FIXED_(kindv, ok, w)                                                                       \
  case kindv:                                                                                      \
    if (!(ok)) return 0;                                                                           \
    bw_st_le(d, u, w);                                                                             \
    *pp = pos + (w);                                                                               \
    return 1;
      FIXED_(BW_KIND_U8, u <= 0xffu, 1)
      FIXED_(BW_KIND_U16, u <= 0xffffu, 2)
      FIXED_(BW_KIND_U32, u <= 0xffffffffu, 4)
      FIXED_(BW_KIND_U64, 1, 8)
      FIXED_(BW_KIND_I8, u + 0x80u <= 0xffu, 1)
      FIXED_(BW_KIND_I16, u + 0x8000u <= 0xffffu, 2)
      FIXED_(BW_KIND_I32, u + 0x80000000u <= 0xffffffffu, 4)
      FIXED_(BW_KIND_I64, 1, 8)
      FIXED_(BW_KIND_BOOL, u <= 1, 1)
      FIXED_(BW_KIND_F64, 1, 8)
#undef FIXED_
    case BW_KIND_F32: {
      uint32_t b;
      memcpy(&b, &v->as.f32, 4);
      bw_st_le(d, b, 4);
      *pp = pos + 4;
      return 1;
    }
    case BW_KIND_ENUM:
      /* a dense enum (values 0..count-1) finds u at index u without the search */
      if (!bw_codec_enum_defined(t, u)) return 0;
      *pp = pos + VARINT_PUT_(d, u);
      return 1;
    case BW_KIND_STR: {
      const uint8_t *p = v->as.bytes.ptr;
      size_t n = v->as.bytes.len;
      if (n >= 0x80 || (n && !p) || (ptrdiff_t)(cap - pos) <= (ptrdiff_t)n) return 0;
      d[0] = (uint8_t)n;
      if (bw_codec_copy_check(d + 1, p, n) && bw_codec_utf8_slow(p, 0, n, NULL)) return 0;
      *pp = pos + n + 1;
      return 1;
    }
    default:
      return 0;
  }
}

/* Writes items[0..n), fixed-width numbers or bools of resolved type et, to out (room for all
 * of them): one loop per kind, no dispatch per element. Stops at an element of another kind or
 * out of range; returns the count written. */
static BW_ALWAYS_INLINE size_t numbers_at(uint8_t *out, const bw_type *et, const bw_value *items,
                                          size_t n) {
  size_t i = 0;
  switch (et->kind) {
#define NUMBERS_(kindv, ok, w)                                                                     \
  case kindv:                                                                                      \
    for (; i < n; i++) {                                                                           \
      const bw_value *it = &items[i];                                                              \
      uint64_t u = it->as.u;                                                                       \
      if ((it->type != et && (!it->type || it->type->kind != kindv)) || !(ok)) break;              \
      bw_st_le(out + i * (w), u, w);                                                               \
    }                                                                                              \
    break;
    NUMBERS_(BW_KIND_U8, u <= 0xffu, 1)
    NUMBERS_(BW_KIND_U16, u <= 0xffffu, 2)
    NUMBERS_(BW_KIND_U32, u <= 0xffffffffu, 4)
    NUMBERS_(BW_KIND_U64, 1, 8)
    NUMBERS_(BW_KIND_I8, u + 0x80u <= 0xffu, 1) /* (two's complement bits, shifted) */
    NUMBERS_(BW_KIND_I16, u + 0x8000u <= 0xffffu, 2)
    NUMBERS_(BW_KIND_I32, u + 0x80000000u <= 0xffffffffu, 4)
    NUMBERS_(BW_KIND_I64, 1, 8)
    NUMBERS_(BW_KIND_BOOL, u <= 1, 1)
    NUMBERS_(BW_KIND_F64, 1, 8) /* (its bits) */
#undef NUMBERS_
    default: /* BW_KIND_F32 */
      for (; i < n; i++) {
        const bw_value *it = &items[i];
        if (!it->type || it->type->kind != BW_KIND_F32) break;
        uint32_t b;
        memcpy(&b, &it->as.f32, 4);
        bw_st_le(out + i * 4, b, 4);
      }
      break;
  }
  return i;
}

/* A list of n fixed-width numbers or bools of resolved type et with room for all of them, by
 * numbers_at. NOT_LEAF (nothing written) when there is not room for all of them (the general
 * loop then counts or grows). An element of another kind or out of range stops the loop:
 * enc_leaf or mismatch reports it, at its offset, exactly as the general loop would. */
BW_CODEC_HOT static int enc_numbers(encoder *e, const bw_type *et, const bw_value *items,
                                    size_t n) {
  unsigned w = bw_kind_width(et->kind);
  /* (w is 1, 2, 4 or 8: a shift, not a division) */
  if (!n || e->pos > e->cap || n > (e->cap - e->pos) >> __builtin_ctz(w)) return NOT_LEAF;
  size_t i = numbers_at(e->buf + e->pos, et, items, n);
  e->pos += i * w;
  if (i == n) return 0;
  const bw_value *bad = &items[i];
  if (!bad->type || bad->type->kind != et->kind) return mismatch(e, et, bad);
  return enc_leaf(e, et, bad); /* the range error */
}

static int enc_value(encoder *e, const bw_type *t, const bw_value *v, size_t depth);

/* enc_leaf as a call, for the loops below (their own code stays small). */
static __attribute__((noinline)) int enc_leaf_call(encoder *e, const bw_type *t,
                                                   const bw_value *v) {
  return enc_leaf(e, t, v);
}

/* items[0..n) of leaf type et (resolved), each one by leaf_fast from a local position, the
 * others (and every refusal, at its offset) by enc_leaf. */
BW_CODEC_HOT static int enc_leaf_items(encoder *e, const bw_type *et, const bw_value *items,
                                       size_t n) {
  uint8_t *buf = e->buf;
  size_t cap = e->cap, pos = e->pos;
  for (size_t i = 0; i < n; i++) {
    const bw_value *item = &items[i];
    if (wrong_kind(item, et)) {
      e->pos = pos;
      return mismatch(e, et, item);
    }
    if (leaf_fast(buf, cap, &pos, et, item)) continue;
    e->pos = pos;
    int rc = enc_leaf_call(e, et, item);
    if (rc) return rc;
    buf = e->buf;
    cap = e->cap;
    pos = e->pos;
  }
  e->pos = pos;
  return 0;
}

/* A field's aggregate value whose parts are leaves (optional<leaf>, list<leaf>, list<leaf>[N]
 * of up to 7 numbers or any strings): written here
 * without a call, exactly as enc_value writes and refuses it; anything else, and every value at
 * the depth limit, goes to enc_value. t is resolved and v's kind checked against it. */
static BW_ALWAYS_INLINE int enc_shallow(encoder *e, const bw_type *t, const bw_value *v,
                                        size_t depth) {
  if (depth < BW_DEFAULT_MAX_VALUE_DEPTH * 64) {
    const bw_type *et = t->elem;
    if (t->kind == BW_KIND_OPTIONAL) {
      if (et->kind == BW_KIND_REF) et = bw_type_resolve(et);
      if (kind_is_leaf(et->kind)) {
        const bw_value *in = v->as.optional;
        put_fixed(e, in != NULL, 1);
        if (!in) return 0;
        if (wrong_kind(in, et)) return mismatch(e, et, in);
        return enc_leaf(e, et, in);
      }
    } else if (t->kind == BW_KIND_LIST || t->kind == BW_KIND_LIST_FIXED) {
      if (et->kind == BW_KIND_REF) et = bw_type_resolve(et);
      size_t n = v->as.list.count;
      const bw_value *items = v->as.list.items;
      if (kind_is_leaf(et->kind) && (n < 8 || !bw_kind_width(et->kind))) {
        if (n && !items) return mismatch(e, t, v);
        if (t->kind == BW_KIND_LIST)
          put_uint(e, n);
        else if (n != t->length)
          return bw_error_set(e->err, BW_ETYPE, e->pos, "%s value has %zu items, type has %llu",
                              bw_kind_name(t->kind), n, (unsigned long long)t->length);
        return enc_leaf_items(e, et, items, n);
      }
    }
  }
  return enc_value(e, t, v, depth);
}

/* A field that leaf_fast does not write: enc_leaf, then enc_shallow (as a call: the field loop
 * stays small). */
static __attribute__((noinline)) int enc_field_call(encoder *e, const bw_type *ft,
                                                    const bw_value *item, size_t depth) {
  int rc = enc_leaf(e, ft, item);
  if (rc == NOT_LEAF) rc = enc_shallow(e, ft, item, depth);
  return rc;
}

/* The n field values of a struct (fields f), the common leaves by leaf_fast from a local
 * position, everything else by enc_field_call. depth is the struct's contents' depth. */
BW_CODEC_HOT static int enc_fields(encoder *e, const bw_field *f, const bw_value *items, size_t n,
                                   size_t depth) {
  uint8_t *buf = e->buf;
  size_t cap = e->cap, pos = e->pos;
  for (size_t i = 0; i < n; i++, f++) {
    const bw_type *ft = f->type;
    if (ft->kind == BW_KIND_REF) ft = bw_type_resolve(ft);
    const bw_value *item = &items[i];
    if (wrong_kind(item, ft)) {
      e->pos = pos;
      return mismatch(e, ft, item);
    }
    if (leaf_fast(buf, cap, &pos, ft, item)) continue;
    if (depth < BW_DEFAULT_MAX_VALUE_DEPTH * 64 && (ptrdiff_t)(cap - pos) >= BW_VARINT_MAX) {
      /* optional<leaf>, list<leaf>, list<leaf>[N]: as enc_shallow, the parts by leaf_fast */
      const bw_type *et = ft->elem;
      if (ft->kind == BW_KIND_OPTIONAL) {
        if (et->kind == BW_KIND_REF) et = bw_type_resolve(et);
        const bw_value *in = item->as.optional;
        if (!in) {
          buf[pos++] = 0;
          continue;
        }
        size_t at = pos + 1;
        if (kind_is_leaf(et->kind) && !wrong_kind(in, et) && leaf_fast(buf, cap, &at, et, in)) {
          buf[pos] = 1;
          pos = at;
          continue;
        }
      } else if (ft->kind == BW_KIND_LIST || ft->kind == BW_KIND_LIST_FIXED) {
        if (et->kind == BW_KIND_REF) et = bw_type_resolve(et);
        size_t count = item->as.list.count;
        const bw_value *elems = item->as.list.items;
        if (kind_is_leaf(et->kind) && (elems || !count) &&
            (ft->kind == BW_KIND_LIST || count == ft->length)) {
          size_t at = pos;
          if (ft->kind == BW_KIND_LIST) at += VARINT_PUT_(buf + at, count);
          unsigned w = bw_kind_width(et->kind);
          if (w && count <= (size_t)(cap - at) >> __builtin_ctz(w)) {
            /* numbers with room for all of them: written here, or the whole field again by
             * enc_field_call (which refuses the bad element at its offset) */
            if (numbers_at(buf + at, et, elems, count) < count) goto slow;
            pos = at + count * w;
            continue;
          }
          e->pos = at;
          int rc = enc_leaf_items(e, et, elems, count);
          if (rc) return rc;
          buf = e->buf;
          cap = e->cap;
          pos = e->pos;
          continue;
        }
      }
    }
  slow:
    e->pos = pos;
    int rc = enc_field_call(e, ft, item, depth);
    if (rc) return rc;
    buf = e->buf;
    cap = e->cap;
    pos = e->pos;
  }
  e->pos = pos;
  return 0;
}

#if defined(BW_CODEC_AVX512) && defined(BW_VARINT_WORD)
#define BW_ENC_AVX512 1
#include "core/varint_avx512.h"

int bw_codec_simd_state_;

void bw_codec_allow_simd(int on) {
  __atomic_store_n(&bw_codec_simd_state_, on ? 0 : 1, __ATOMIC_RELAXED);
}

int bw_codec_simd_probe_(void) {
  int st = bw_varint_avx512_cpu() ? 2 : 1; /* (the fixed-width paths use a subset) */
  __atomic_store_n(&bw_codec_simd_state_, st, __ATOMIC_RELAXED);
  return st == 2;
}

/* Nodes w[0..m) (m at least 1; 4 words each): the first 16 bytes of each (type and value) by
 * one aligned 16-byte load (none crosses a cache line; 64-byte loads of two nodes each did,
 * and were 11-13% slower), into the 128-bit lanes of one register (the lanes past m are left
 * as they come). */
__attribute__((target("avx512f"))) static BW_ALWAYS_INLINE __m512i gather4(const uint64_t *w,
                                                                           unsigned m) {
  __m512i x = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)w));
  if (m > 1) x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(w + 4)), 1);
  if (m > 2) x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(w + 8)), 2);
  if (m > 3) x = _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(w + 12)), 3);
  return x;
}

/* The type and value words of nodes[0..n) (n 1..8; the lanes past n are left as they come)
 * into *t and *v: gather4 of each 4, then one two-source permute for the types and one for
 * the values. */
__attribute__((target("avx512f"))) static BW_ALWAYS_INLINE void
gather_nodes(const bw_value *nodes, unsigned n, __m512i *t, __m512i *v) {
  const uint64_t *w = (const uint64_t *)(const void *)nodes; /* 4 words per node */
  __m512i q0 = gather4(w, n), q1 = n > 4 ? gather4(w + 16, n - 4) : _mm512_setzero_si512();
  *t = _mm512_permutex2var_epi64(q0, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), q1);
  *v = _mm512_permutex2var_epi64(q0, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), q1);
}

/* A run of n (1..8) uint and int fields (ints: bit j for an int; types: theirs) from items to
 * out (room for 8 varints of 8 bytes): the nodes' type and value words gathered (gather_nodes:
 * nothing past the run is read), the types compared, int values zig-zagged, then
 * bw_varint8_put_avx512. Returns the bytes written, or SIZE_MAX (nothing written) when a value
 * is not of its field's type or is 2^56 or more: the scalar loop then writes the run. */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static size_t
enc_run_avx512(uint8_t *out, const bw_value *items, unsigned n, unsigned ints,
               const bw_type *const *types) {
  __mmask8 lanes = (__mmask8)((1u << n) - 1);
  __m512i t, v;
  gather_nodes(items, n, &t, &v);
  __m512i want = _mm512_maskz_loadu_epi64(lanes, types);
  if (_mm512_mask_cmpneq_epi64_mask(lanes, t, want)) return SIZE_MAX;
  return bw_varint8_put_avx512(out, bw_zigzag_encode_avx512(v, ints), n);
}

/* The slots (bw_wire_vec_slot) of the first m fields of 8: 2k for field k < 4, 2(k - 4) + 1
 * for field k >= 4. */
static inline unsigned enc_slots(unsigned m) {
  unsigned even = m < 4 ? m : 4, odd = m > 4 ? m - 4 : 0;
  return (((1u << 2 * even) - 1) & 0x55u) | (((1u << 2 * odd) - 1) & 0xaau);
}

/* Fields 8h..min(n, 8h + 8) of enc_fixed_n: their values into *val (in the slots of
 * bw_wire_vec_slot: two in-lane unpacks, no permute and no index to load), and the slots whose
 * type and range are right. (An f32's value needs no mask: its limit lets any bits pass, and
 * the permute takes only its 4 bytes.) */
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static BW_ALWAYS_INLINE __mmask8
enc_fixed_half(const bw_value *items, const bw_wire_vec *vec, unsigned h, unsigned n,
               __m512i *val) {
  const uint64_t *w = (const uint64_t *)(const void *)(items + 8 * h);
  unsigned m = n - 8 * h < 8 ? n - 8 * h : 8;
  __m512i lo = gather4(w, m), hi = m > 4 ? gather4(w + 16, m - 4) : _mm512_setzero_si512();
  __m512i typ = _mm512_unpacklo_epi64(lo, hi);
  *val = _mm512_unpackhi_epi64(lo, hi);
  __mmask8 ok = _mm512_mask_cmpeq_epi64_mask(
      (__mmask8)enc_slots(m), typ, _mm512_loadu_si512((const void *)(vec->enc_types + 8 * h)));
  return _mm512_mask_cmple_epu64_mask(
      ok, _mm512_add_epi64(*val, _mm512_loadu_si512((const void *)(vec->bias + 8 * h))),
      _mm512_loadu_si512((const void *)(vec->limit + 8 * h)));
}

/* A struct of the first kind with a vec form (n fields, at most 16, and 64 bytes) from items
 * to out (room for wp->size bytes): the nodes' type and value words gathered 8 at a time
 * (enc_fixed_half: nothing past the fields is read), the types compared, the ranges
 * checked, and the wire bytes picked from the values by one two-source byte permute and
 * stored under a mask. 1 when written; 0 (nothing written) when a value is not of its field's
 * type or out of its range: the caller then writes the struct or finds the value. Inlined
 * with n a constant (enc_fixed_by_count, enc_front_by_count): no test of n is left. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static BW_ALWAYS_INLINE int
enc_fixed_n(uint8_t *out, const bw_value *items, const bw_wire_plan *wp, unsigned n) {
  const bw_wire_vec *vec = bw_wire_plan_vec(wp);
  __m512i v0, v1 = _mm512_setzero_si512();
  __mmask16 ok = enc_fixed_half(items, vec, 0, n, &v0);
  if (n > 8) ok = _mm512_kunpackb(enc_fixed_half(items, vec, 1, n, &v1), ok);
  unsigned all = enc_slots(n < 8 ? n : 8) | (n > 8 ? enc_slots(n - 8) << 8 : 0);
  if (!_kortestc_mask16_u8(ok, (__mmask16)~all)) return 0; /* (one k-register test) */
  __m512i wire = _mm512_permutex2var_epi8(v0, _mm512_loadu_si512((const void *)vec->pack), v1);
  _mm512_mask_storeu_epi8(out, _bzhi_u64(~0ull, (unsigned)wp->size), wire);
  return 1;
}

/* enc_fixed_n for each field count, by the plan's count: a function for each, so that each
 * is as lean as one written for its count (one function with a switch or a tree of tests
 * over them was 10% slower: it kept a stack frame). */
#define BW_ENC_FIXED_N(n)                                                                          \
  __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static int enc_fixed_##n(        \
      uint8_t *out, const bw_value *items, const bw_wire_plan *wp) {                               \
    return enc_fixed_n(out, items, wp, n);                                                         \
  }
BW_WIRE_VEC_COUNTS(BW_ENC_FIXED_N)
#undef BW_ENC_FIXED_N
#define BW_ENC_FIXED_REF(n) enc_fixed_##n,
static int (*const enc_fixed_by_count[17])(uint8_t *, const bw_value *, const bw_wire_plan *) = {
    NULL, BW_WIRE_VEC_COUNTS(BW_ENC_FIXED_REF)};
#undef BW_ENC_FIXED_REF

static int enc_fixed_avx512(uint8_t *out, const bw_value *items, const bw_wire_plan *wp) {
  return enc_fixed_by_count[wp->count](out, items, wp);
}
#else
void bw_codec_allow_simd(int on) {
  (void)on;
}

#ifdef BW_CODEC_AVX512
int bw_codec_simd_state_ = 1;

int bw_codec_simd_probe_(void) {
  return 0;
}
#endif
#endif

/* A struct of fixed-width numbers (wire plan wp, items its field values) with room for all of
 * it: each value checked and stored without a dispatch. 1 when written; 0 (e->pos unchanged)
 * at the first value of another kind or out of range, or without room: the general walk then
 * writes the struct and refuses that value at its offset. */
static BW_ALWAYS_INLINE int enc_planned(encoder *e, const bw_wire_plan *wp, const bw_value *items) {
  if (!room(e, wp->size)) return 0;
  uint8_t *b = e->buf + e->pos;
#ifdef BW_ENC_AVX512
  if (bw_wire_plan_has_vec(wp) && bw_codec_avx512() && enc_fixed_avx512(b, items, wp)) {
    e->pos += wp->size;
    return 1;
  }
#endif
  const bw_wire_field *wf = wp->fields;
  size_t n = wp->count;
  /* The range checks or'ed together (one test at the end, no branch per field); the kind
   * check by type pointer first (values made by the decoder and the JSON reader carry the
   * field's own type). Refused values are written too: the general walk then writes the
   * struct again and refuses the value. */
  uint64_t bad = 0;
  size_t i = 0, nf = wp->forward_count;
  for (; i < nf; i++, wf++) {
    const bw_value *item = &items[i];
    if (item->type != wf->type && wrong_kind(item, wf->type)) return 0;
    uint64_t bits = item->as.u & wf->mask;
    bad |= bits + wf->bias > wf->limit;
    bw_st_le(b + wf->at, bits, 8); /* 8 bytes inside the struct; later fields overwrite them */
  }
  for (; i < n; i++, wf++) { /* the fields in the last 7 bytes: their own width */
    const bw_value *item = &items[i];
    if (item->type != wf->type && wrong_kind(item, wf->type)) return 0;
    uint64_t bits = item->as.u & wf->mask;
    bad |= bits + wf->bias > wf->limit;
    bw_st_le(b + wf->at, bits, wf->width);
  }
  if (bad) return 0;
  e->pos += wp->size;
  return 1;
}

/* Tests: whether the AVX-512 encoder takes every run of 4 or more uint and int fields (a
 * scalar plan) or the whole struct (a vec form) of these field values: 1, 0 when it leaves
 * one to the scalar loop, -1 when the CPU or bw_codec_allow_simd keeps it off (a refusal is
 * invisible in the output: the scalar loop writes the same bytes). */
int bw_codec_simd_encode_takes_(const bw_type *t, const bw_value *items) {
#ifdef BW_ENC_AVX512
  if (!bw_codec_avx512()) return -1;
  const bw_wire_plan *wp = t->wire;
  uint8_t buf[128];
  if (!wp) return 0;
  if (!wp->scalar) return bw_wire_plan_has_vec(wp) && enc_fixed_avx512(buf, items, wp);
  for (size_t i = 0; i < wp->count; i++) {
    const bw_wire_field *wf = &wp->fields[i];
    if (wf->run < 4) continue;
    if (enc_run_avx512(buf, items + i, wf->run, wf->ints, wp->types + i) == SIZE_MAX) return 0;
    i += wf->run - 1u;
  }
  return 1;
#else
  (void)t, (void)items;
  return -1;
#endif
}

/* A struct of numbers, bools, varints, enums and list<T>[N] of numbers (scalar plan wp, items
 * its field values), with room for its longest encoding: one loop over the fields' operations,
 * no resolution and no room check per field, runs of 4 to 8 uint and int fields by
 * enc_run_avx512 where the CPU has it. 1 when written; 0 (e->pos unchanged) at the first value
 * of another kind, out of range or not a member of its enum, a list of another length, or
 * without room: the general walk then writes the struct and refuses that value at its offset.
 * (Varints by pdep on CPUs that have it: 10% fewer instructions, 13% slower on AMD Zen 4.) */
static BW_ALWAYS_INLINE int enc_scalars(encoder *e, const bw_wire_plan *wp, const bw_value *items) {
  if (!room(e, wp->max_size + 8)) return 0; /* (+ 8: the word stores of the last field) */
  uint8_t *b = e->buf + e->pos;
  const bw_wire_field *wf = wp->fields;
  size_t n = wp->count, pos = 0;
  uint64_t bad = 0;
#ifdef BW_ENC_AVX512
  int wide = bw_codec_avx512();
#endif
  for (size_t i = 0; i < n; i++, wf++) {
    const bw_value *item = &items[i];
    const bw_type *t = wf->type;
#ifdef BW_ENC_AVX512
    if (wf->run >= 4 && wide) {
      size_t k = enc_run_avx512(b + pos, item, wf->run, wf->ints, wp->types + i);
      if (k != SIZE_MAX) {
        pos += k;
        i += wf->run - 1u;
        wf += wf->run - 1u;
        continue;
      }
    }
#endif
    if (item->type != t && wrong_kind(item, t)) return 0;
    uint64_t u = item->as.u;
    switch (wf->op) {
      case BW_WIRE_INT:
        u = bw_zigzag_encode(item->as.i);
        /* fall through */
      case BW_WIRE_UINT:
        pos += VARINT_PUT_(b + pos, u);
        break;
      case BW_WIRE_ENUM:
        if (!bw_wire_enum_member(wf, u)) return 0;
        pos += VARINT_PUT_(b + pos, u);
        break;
      case BW_WIRE_NUMBERS: {
        size_t count = item->as.list.count;
        const bw_value *elems = item->as.list.items;
        if (count != t->length || (count && !elems) ||
            numbers_at(b + pos, wf->elem, elems, count) < count)
          return 0;
        pos += count * wf->width;
        break;
      }
      default: {
        uint64_t bits = u & wf->mask;
        bad |= bits + wf->bias > wf->limit;
        bw_st_le(b + pos, bits, 8); /* the next field overwrites the bytes past this one */
        pos += wf->width;
        break;
      }
    }
  }
  if (bad) return 0;
  e->pos += pos;
  return 1;
}

/* A struct with a plan: enc_planned or enc_scalars. */
static BW_ALWAYS_INLINE int enc_wire(encoder *e, const bw_wire_plan *wp, const bw_value *items) {
  return wp->scalar ? enc_scalars(e, wp, items) : enc_planned(e, wp, items);
}

/* The pairs of a map of 2..KEYSET_MAX pairs with leaf values (key types kt, vt resolved), after
 * its count; key0 is the offset of the first key. The keys go into a table as they are written.
 * (A function of its own: its loops keep their place whatever the rest of the walk becomes.) */
BW_CODEC_HOT static int enc_map_leaves(encoder *e, const bw_value *items, size_t n,
                                       const bw_type *kt, const bw_type *vt, size_t key0) {
  int rc;
  /* leaf values: the keys go into a table as they are written */
  keyset ks;
  size_t size = 16;
  while (size < 2 * n) size *= 2;
  ks.mask = size - 1;
  memset(ks.slot, 0, size * sizeof ks.slot[0]);
  int bytes = kt->kind == BW_KIND_STR || kt->kind == BW_KIND_DATA || kt->kind == BW_KIND_DATA_FIXED;
  long dup = -1;
  /* str keys and fixed-width values (not f32): whole pairs in one step while they fit */
  unsigned w = kt->kind == BW_KIND_STR && vt->kind != BW_KIND_F32 ? bw_kind_width(vt->kind) : 0;
  uint64_t bias = 0, limit = UINT64_MAX; /* u64, i64, f64 */
  if (w && w < 8) {
    limit = vt->kind == BW_KIND_BOOL ? 1 : ((uint64_t)1 << (8 * w)) - 1;
    if (vt->kind >= BW_KIND_I8 && vt->kind <= BW_KIND_I32) bias = (uint64_t)1 << (8 * w - 1);
  }
  for (size_t i = 0;; i++) {
    switch (w) {
      case 1:
        i = enc_str_pairs(e, items, i, n, &ks, kt, vt, 1, bias, limit, &dup);
        break;
      case 2:
        i = enc_str_pairs(e, items, i, n, &ks, kt, vt, 2, bias, limit, &dup);
        break;
      case 4:
        i = enc_str_pairs(e, items, i, n, &ks, kt, vt, 4, bias, limit, &dup);
        break;
      case 8:
        i = enc_str_pairs(e, items, i, n, &ks, kt, vt, 8, bias, limit, &dup);
        break;
      default:
        break;
    }
    if (i >= n) break;
    /* pair i one value at a time (and its refusal, if any, at its offset) */
    const bw_value *k = &items[2 * i], *val = k + 1;
    if (wrong_kind(k, kt)) return mismatch(e, kt, k);
    if (kt->kind == BW_KIND_STR) {
      /* str keys: one pass of loads for the ASCII check and the hash */
      const uint8_t *kp = k->as.bytes.ptr;
      size_t kn = k->as.bytes.len;
      if (kn && !kp) return mismatch(e, kt, k);
      uint64_t high;
      uint32_t h = bytes_hash(kp, kn, &high);
      if ((high & 0x8080808080808080ull) && bw_codec_utf8_slow(kp, 0, kn, NULL))
        return bw_error_set(e->err, BW_EUTF8, e->pos, "str value is not valid UTF-8");
      put_bytes(e, kp, kn);
      if (dup < 0 && keyset_add(&ks, items, i, 1, h)) dup = (long)i;
    } else {
      if ((rc = enc_leaf(e, kt, k))) return rc; /* keys are never aggregates */
      if (dup < 0 && keyset_add(&ks, items, i, bytes, key_hash(k, bytes))) dup = (long)i;
    }
    if (wrong_kind(val, vt)) return mismatch(e, vt, val);
    if ((rc = enc_leaf(e, vt, val))) return rc;
  }
  if (dup >= 0)
    return bw_error_set(e->err, BW_EDUPKEY, key0, "map key %ld repeats an earlier key", dup);
  return 0;
}

BW_CODEC_HOT static int enc_value(encoder *e, const bw_type *t, const bw_value *v, size_t depth) {
  if (t->kind == BW_KIND_REF) t = bw_type_resolve(t);
  if (!v || !v->type || v->type->kind != t->kind) return mismatch(e, t, v);
  int rc = enc_leaf(e, t, v);
  if (rc != NOT_LEAF) return rc;
  if (depth >= BW_DEFAULT_MAX_VALUE_DEPTH * 64)
    return bw_error_set(e->err, BW_ELIMIT, e->pos, "value nested too deeply");
  depth++;
  switch (t->kind) {
    case BW_KIND_OPTIONAL:
      put_fixed(e, v->as.optional != NULL, 1);
      return v->as.optional ? enc_value(e, t->elem, v->as.optional, depth) : 0;
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_STRUCT: {
      size_t n = v->as.list.count;
      const bw_value *items = v->as.list.items;
      if (n && !items) return mismatch(e, t, v);
      if (t->kind == BW_KIND_LIST) {
        put_uint(e, n);
      } else if (n != (t->kind == BW_KIND_STRUCT ? t->count : t->length)) {
        return bw_error_set(e->err, BW_ETYPE, e->pos, "%s value has %zu items, type has %llu",
                            bw_kind_name(t->kind), n,
                            (unsigned long long)(t->kind == BW_KIND_STRUCT ? t->count : t->length));
      }
      if (t->kind == BW_KIND_STRUCT) {
        if (t->wire && enc_wire(e, t->wire, items)) return 0;
        return enc_fields(e, t->fields, items, n, depth);
      }
      const bw_type *et = bw_type_resolve(t->elem);
      /* (short lists: the setup costs more than the dispatch it saves) */
      if (n >= 8 && et && bw_kind_width(et->kind) &&
          (rc = enc_numbers(e, et, items, n)) != NOT_LEAF)
        return rc;
      for (size_t i = 0; i < n; i++) {
        const bw_value *item = &items[i];
        if (wrong_kind(item, et)) return mismatch(e, et, item);
        rc = enc_leaf(e, et, item);
        if (rc == NOT_LEAF) rc = enc_value(e, et, item, depth);
        if (rc) return rc;
      }
      return 0;
    }
    case BW_KIND_MAP: {
      size_t n = v->as.list.count;
      const bw_value *items = v->as.list.items;
      if (n && !items) return mismatch(e, t, v);
      size_t start = e->pos;
      put_uint(e, n);
      size_t key0 = e->pos;
      const bw_type *kt = bw_type_resolve(t->key), *vt = bw_type_resolve(t->elem);
      if (n >= 2 && n <= KEYSET_MAX && kind_is_leaf(vt->kind))
        return enc_map_leaves(e, items, n, kt, vt, key0);
      for (size_t i = 0; i < n; i++) {
        const bw_value *k = &items[2 * i], *val = k + 1;
        if (wrong_kind(k, kt)) return mismatch(e, kt, k);
        if ((rc = enc_leaf(e, kt, k))) return rc; /* keys are never aggregates */
        if (wrong_kind(val, vt)) return mismatch(e, vt, val);
        rc = enc_leaf(e, vt, val);
        if (rc == NOT_LEAF) rc = enc_value(e, vt, val, depth);
        if (rc) return rc;
      }
      long dup = bw_codec_find_duplicate_key(items, n);
      if (dup == -2) return bw_error_set(e->err, BW_ENOMEM, start, "out of memory");
      if (dup >= 0)
        return bw_error_set(e->err, BW_EDUPKEY, key0, "map key %ld repeats an earlier key", dup);
      return 0;
    }
    case BW_KIND_UNION: {
      long idx = bw_codec_union_index(t, v->as.variant.tag);
      if (idx < 0)
        return bw_error_set(e->err, BW_ETAG, e->pos, "union tag %llu is not defined",
                            (unsigned long long)v->as.variant.tag);
      put_uint(e, v->as.variant.tag);
      return enc_value(e, t->variants[idx].type, v->as.variant.value, depth);
    }
    default:
      return bw_error_set(e->err, BW_EINVAL, e->pos, "unresolved type (schema not validated?)");
  }
}

/* bw_encode but for its front's case. */
static __attribute__((noinline)) int encode_walk(const bw_type *t, const bw_value *v, void *buf,
                                                 size_t cap, size_t *written, bw_error *err) {
  if (!t || !v || (!buf && cap)) return bw_error_set(err, BW_EINVAL, 0, "bw_encode: NULL argument");
  encoder e = {buf, cap, 0, 0, 0, err};
  if (t->wire && !wrong_kind(v, t) && v->as.list.count == t->count && v->as.list.items &&
      enc_wire(&e, t->wire, v->as.list.items)) {
    if (written) *written = e.pos; /* (a whole struct with a wire plan, no walk) */
    return 0;
  }
  int rc;
  if (t->kind == BW_KIND_STRUCT && (!t->wire || t->wire->scalar) && !wrong_kind(v, t) &&
      v->as.list.count == t->count && (v->as.list.items || !t->count))
    rc = enc_fields(&e, t->fields, v->as.list.items, t->count, 1); /* (enc_value's struct case,
                                                                       without its dispatch) */
  else
    rc = enc_value(&e, t, v, 0);
  if (rc) return rc;
  if (written) *written = e.pos;
  if (e.pos > cap)
    return bw_error_set(err, BW_ENOSPACE, cap, "message needs %zu bytes, buffer has %zu", e.pos,
                        cap);
  return 0;
}

#ifdef BW_ENC_AVX512
/* bw_encode of a struct value of t (its vec form with n fields, room for it, and AVX-512
 * known to be there): enc_fixed_n, and encode_walk when it refuses a value. A function for
 * each n, found by the plan's count. */
#define BW_ENC_FRONT_N(n)                                                                          \
  __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static int enc_front_##n(        \
      const bw_type *t, const bw_value *v, void *buf, size_t cap, size_t *written,                 \
      bw_error *err) {                                                                             \
    const bw_wire_plan *wp = t->wire;                                                              \
    if (!enc_fixed_n(buf, v->as.list.items, wp, n))                                                \
      return encode_walk(t, v, buf, cap, written, err);                                            \
    if (written) *written = wp->size;                                                              \
    return 0;                                                                                      \
  }
BW_WIRE_VEC_COUNTS(BW_ENC_FRONT_N)
#undef BW_ENC_FRONT_N
#define BW_ENC_FRONT_REF(n) enc_front_##n,
static int (*const enc_front_by_count[17])(const bw_type *, const bw_value *, void *, size_t,
                                           size_t *, bw_error *) = {
    NULL, BW_WIRE_VEC_COUNTS(BW_ENC_FRONT_REF)};
#undef BW_ENC_FRONT_REF
#endif

/* A front without a stack frame: a struct value with its type's own pointer and a vec form
 * goes to its enc_front_N, anything else to the walk. */
BW_CODEC_HOT int bw_encode(const bw_type *t, const bw_value *v, void *buf, size_t cap,
                           size_t *written, bw_error *err) {
#ifdef BW_ENC_AVX512
  const bw_wire_plan *wp;
  if (t && v && v->type == t && (wp = t->wire) && v->as.list.count == wp->vec_count &&
      v->as.list.items && buf && cap >= wp->size &&
      __atomic_load_n(&bw_codec_simd_state_, __ATOMIC_RELAXED) == 2)
    return enc_front_by_count[wp->count](t, v, buf, cap, written, err);
#endif
  return encode_walk(t, v, buf, cap, written, err);
}

int bw_encoded_size(const bw_type *t, const bw_value *v, size_t *size, bw_error *err) {
  if (!size) return bw_error_set(err, BW_EINVAL, 0, "bw_encoded_size: NULL size");
  if (!t || !v) return bw_error_set(err, BW_EINVAL, 0, "bw_encoded_size: NULL argument");
  encoder e = {NULL, 0, 0, 0, 0, err};
  int rc = enc_value(&e, t, v, 0);
  if (!rc) *size = e.pos;
  return rc;
}

int bw_encode_alloc(const bw_type *t, const bw_value *v, uint8_t **out, size_t *len,
                    bw_error *err) {
  if (out) *out = NULL;
  if (!t || !v || !out || !len)
    return bw_error_set(err, BW_EINVAL, 0, "bw_encode_alloc: NULL argument");
  encoder e = {NULL, 0, 0, 1, 0, err};
  int rc = enc_value(&e, t, v, 0);
  if (!rc && e.oom) rc = bw_error_set(err, BW_ENOMEM, e.pos, "out of memory while encoding");
  if (!rc && !e.buf && !(e.buf = malloc(1)))
    rc = bw_error_set(err, BW_ENOMEM, 0, "out of memory while encoding");
  if (rc) {
    free(e.buf);
    return rc;
  }
  *out = e.buf;
  *len = e.pos;
  return 0;
}

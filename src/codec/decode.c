/* barewire codec: the decoder, BARE bytes -> a tree of bw_value in a value arena. One recursive
 * walk with a switch on the kind; lists and structs get their element arrays in one arena
 * allocation; every count is checked against the bytes left (count times the smallest element
 * size) and the element cap before that allocation; repeated map keys are found by sorting the
 * encoded key bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "wire_plan.h"

typedef struct decoder {
  const uint8_t *d;
  size_t len;
  size_t pos;
  bw_limits lim;
  bw_value_arena *arena;
  bw_error *err;
} decoder;

/* The smallest encoding of an element: inline for the common leaf kinds, a walk only for
 * structs, fixed-length lists and data[N] (and references to them). */
static inline uint64_t elem_min_size(const bw_type *t) {
  switch (t->kind) {
    case BW_KIND_STRUCT:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_DATA_FIXED:
    case BW_KIND_REF:
    case BW_KIND_VOID:
      return bw_codec_min_size(t);
    default: {
      /* Fixed-width numbers and bool take their width; every other kind at least one byte. */
      unsigned w = bw_kind_width(t->kind);
      return w ? w : 1;
    }
  }
}

static int oom(decoder *s) {
  return bw_error_set(s->err, BW_ENOMEM, s->pos, "out of memory while decoding");
}

static int truncated(decoder *s, size_t need, const char *what) {
  return bw_error_set(s->err, BW_ETRUNCATED, s->pos, "%s needs %zu bytes, %zu left", what, need,
                      s->len - s->pos);
}

static int dec_value(decoder *s, const bw_type *t, bw_value *out, size_t depth);

static BW_ALWAYS_INLINE int dec_bytes(decoder *s, const bw_type *t, bw_value *out, size_t n) {
  if (t->kind == BW_KIND_STR && !s->lim.borrow && n < 256) {
    /* a copied str: its ASCII check in the copy's moves; the full check (and the offset of a
     * bad byte) only when a high bit is set */
    const uint8_t *p = s->d + s->pos;
    uint8_t *q = bw_value_arena_raw(s->arena, n + 1);
    if (!q) return oom(s);
    if (bw_codec_copy_check(q, p, n)) {
      int rc = bw_codec_utf8_slow(s->d, s->pos, n, s->err);
      if (rc) return rc;
    }
    q[n] = 0;
    out->as.bytes.ptr = q;
    out->as.bytes.len = n;
    s->pos += n;
    return 0;
  }
  if (t->kind == BW_KIND_STR) {
    int rc = bw_codec_utf8(s->d, s->pos, n, s->err);
    if (rc) return rc;
  }
  const uint8_t *p = s->d + s->pos;
  if (!s->lim.borrow) {
    p = bw_value_arena_copy(s->arena, p, n);
    if (!p) return oom(s);
  }
  out->as.bytes.ptr = p;
  out->as.bytes.len = n;
  s->pos += n;
  return 0;
}

/* n fixed-width numbers (the count was checked against the bytes left: no bounds checks), or
 * bools (each byte checked). One loop per kind, no dispatch per element. */
BW_CODEC_HOT static int dec_numbers(decoder *s, const bw_type *e, bw_value *items, size_t n) {
  const uint8_t *d = s->d + s->pos;
  switch (e->kind) {
#define NUMBERS_(kindv, member, expr, w)                                                           \
  case kindv:                                                                                      \
    for (size_t i = 0; i < n; i++) {                                                               \
      const uint8_t *p = d + i * (w);                                                              \
      items[i].type = e;                                                                           \
      items[i].as.member = (expr);                                                                 \
    }                                                                                              \
    s->pos += n * (w);                                                                             \
    return 0;
    NUMBERS_(BW_KIND_U8, u, p[0], 1)
    NUMBERS_(BW_KIND_I8, i, (int8_t)p[0], 1)
    NUMBERS_(BW_KIND_U16, u, bw_ld_le(p, 2), 2)
    NUMBERS_(BW_KIND_I16, i, (int16_t)(uint16_t)bw_ld_le(p, 2), 2)
    NUMBERS_(BW_KIND_U32, u, bw_ld_le(p, 4), 4)
    NUMBERS_(BW_KIND_I32, i, (int32_t)(uint32_t)bw_ld_le(p, 4), 4)
    NUMBERS_(BW_KIND_U64, u, bw_ld_le(p, 8), 8)
    NUMBERS_(BW_KIND_I64, u, bw_ld_le(p, 8), 8)
    NUMBERS_(BW_KIND_F32, u, bw_ld_le(p, 4), 4) /* the bits; f32 is read through them */
    NUMBERS_(BW_KIND_F64, u, bw_ld_le(p, 8), 8)
#undef NUMBERS_
    default: /* BW_KIND_BOOL */
      for (size_t i = 0; i < n; i++) {
        if (d[i] > 1) {
          s->pos += i;
          return bw_error_set(s->err, BW_EBOOL, s->pos, "bool byte is %u, not 0 or 1", d[i]);
        }
        items[i].type = e;
        items[i].as.u = d[i];
      }
      s->pos += n;
      return 0;
  }
}

/* The same with f32 values stored as floats (dec_numbers stores their bits). */
static int dec_number_items(decoder *s, const bw_type *e, bw_value *items, size_t n) {
  int rc = dec_numbers(s, e, items, n);
  if (e->kind == BW_KIND_F32)
    for (size_t i = 0; i < n; i++) { /* bits to float, exactly (NaN payloads too) */
      uint32_t b = (uint32_t)items[i].as.u;
      float f;
      memcpy(&f, &b, 4);
      items[i].as.f32 = f;
    }
  return rc;
}

/* Returned by dec_leaf for kinds it does not handle (aggregates). */
#define NOT_LEAF 1

/* Scalars, strings and data: everything that needs no recursion. Inlined into the struct and
 * list loops so that a record of numbers decodes without a call per field. The position is
 * the caller's local *pp (kept in a register across a loop of fields); s->pos is brought up to
 * date only where an error is reported (the error paths read it). */
static BW_ALWAYS_INLINE int dec_leaf(decoder *s, const bw_type *t, bw_value *out, size_t *pp,
                                     size_t depth, const uint8_t *d, size_t len) {
  /* d and len are s->d and len, which the loops keep in registers */
  size_t pos = *pp, left = len - pos;
  int rc;
  switch (t->kind) {
    case BW_KIND_UINT:
      if (left && d[pos] < 0x80) {
        out->as.u = d[pos];
        *pp = pos + 1;
        return 0;
      }
      return bw_rd_uint(d, len, pp, &out->as.u, s->err);
    case BW_KIND_INT: {
      uint64_t z = 0;
      if (left && d[pos] < 0x80) {
        z = d[pos];
        *pp = pos + 1;
      } else if ((rc = bw_rd_uint(d, len, pp, &z, s->err))) {
        return rc;
      }
      out->as.i = bw_zigzag_decode(z);
      return 0;
    }
    case BW_KIND_U8:
      if (left < 1) goto short1;
      out->as.u = d[pos];
      *pp = pos + 1;
      return 0;
    case BW_KIND_I8:
      if (left < 1) goto short1;
      out->as.i = (int8_t)d[pos];
      *pp = pos + 1;
      return 0;
    case BW_KIND_U16:
      if (left < 2) goto short2;
      out->as.u = bw_ld_le(d + pos, 2);
      *pp = pos + 2;
      return 0;
    case BW_KIND_I16:
      if (left < 2) goto short2;
      out->as.i = (int16_t)(uint16_t)bw_ld_le(d + pos, 2);
      *pp = pos + 2;
      return 0;
    case BW_KIND_U32:
      if (left < 4) goto short4;
      out->as.u = bw_ld_le(d + pos, 4);
      *pp = pos + 4;
      return 0;
    case BW_KIND_I32:
      if (left < 4) goto short4;
      out->as.i = (int32_t)(uint32_t)bw_ld_le(d + pos, 4);
      *pp = pos + 4;
      return 0;
    case BW_KIND_U64:
    case BW_KIND_I64:
      if (left < 8) goto short8;
      out->as.u = bw_ld_le(d + pos, 8);
      *pp = pos + 8;
      return 0;
    case BW_KIND_F32: {
      /* Through the bit pattern: NaN payloads pass unchanged. */
      if (left < 4) goto short4;
      uint32_t b = (uint32_t)bw_ld_le(d + pos, 4);
      float f; /* (a typed store: a byte copy into out could alias the decoder's fields) */
      memcpy(&f, &b, 4);
      out->as.f32 = f;
      *pp = pos + 4;
      return 0;
    }
    case BW_KIND_F64: {
      if (left < 8) goto short8;
      uint64_t b = bw_ld_le(d + pos, 8);
      double f;
      memcpy(&f, &b, 8);
      out->as.f64 = f;
      *pp = pos + 8;
      return 0;
    }
    case BW_KIND_BOOL:
      if (left < 1) goto short1;
      if (d[pos] > 1) {
        s->pos = pos;
        return bw_error_set(s->err, BW_EBOOL, pos, "bool byte is %u, not 0 or 1", d[pos]);
      }
      out->as.u = d[pos];
      *pp = pos + 1;
      return 0;
    case BW_KIND_STR:
    case BW_KIND_DATA: {
      uint64_t n = 0;
      if (left && d[pos] < 0x80 && d[pos] < left) {
        n = d[pos];
        pos++;
      } else {
        if ((rc = bw_rd_count(d, len, pp, 1, UINT64_MAX, &n, s->err))) return rc;
        pos = *pp;
      }
      s->pos = pos;
      rc = dec_bytes(s, t, out, (size_t)n);
      *pp = s->pos;
      return rc;
    }
    case BW_KIND_DATA_FIXED:
      s->pos = pos;
      if (t->length > left) return truncated(s, (size_t)t->length, "data[N]");
      rc = dec_bytes(s, t, out, (size_t)t->length);
      *pp = s->pos;
      return rc;
    case BW_KIND_VOID:
      return 0;
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED: {
      /* Lists of fixed-width numbers and bools need no recursion either: the same checks as
       * dec_value's (which reports every failure but a bad count, reported the same here). */
      const bw_type *e = t->elem;
      unsigned w = bw_kind_width(e->kind); /* 0 for a REF and for aggregates */
      uint64_t n = 0;
      if (!w || depth >= s->lim.max_depth) return NOT_LEAF;
      if (t->kind == BW_KIND_LIST) {
        if ((rc = bw_rd_count(d, len, pp, w, s->lim.max_elements, &n, s->err))) return rc;
      } else {
        n = t->length;
        if (n > s->lim.max_elements || n > left / w) return NOT_LEAF;
      }
      s->pos = *pp;
      bw_value *items = bw_value_arena_raw(s->arena, n ? (size_t)n * sizeof *items : 1);
      out->as.list.items = items;
      out->as.list.count = (size_t)n;
      if (!items) return oom(s);
      rc = dec_number_items(s, e, items, (size_t)n);
      *pp = s->pos;
      return rc;
    }
    case BW_KIND_ENUM:
      if ((rc = bw_rd_uint(d, len, pp, &out->as.u, s->err))) return rc;
      if (!bw_codec_enum_defined(t, out->as.u)) {
        *pp = pos;
        return bw_error_set(s->err, BW_EENUM, pos, "enum value %llu is not defined",
                            (unsigned long long)out->as.u);
      }
      return 0;
    default:
      return NOT_LEAF;
  }
short1:
  s->pos = pos;
  return truncated(s, 1, bw_kind_name(t->kind));
short2:
  s->pos = pos;
  return truncated(s, 2, bw_kind_name(t->kind));
short4:
  s->pos = pos;
  return truncated(s, 4, bw_kind_name(t->kind));
short8:
  s->pos = pos;
  return truncated(s, 8, bw_kind_name(t->kind));
}

/* Element arrays grow as elements are decoded instead of being sized by the count up front:
 * a hostile message can claim a count as large as the bytes left at every nesting level and
 * then fail, and sizing by the claim would allocate depth x count values. Growing keeps the
 * arena within twice the values actually decoded (plus BW_EAGER_ELEMENTS per open level).
 * Elements that cannot fail (fixed-width numbers, already checked against the bytes left)
 * get their whole array at once. */
#define BW_EAGER_ELEMENTS 64u

static int grow_items(decoder *s, bw_value **items, size_t *cap, size_t need, size_t limit) {
  size_t ncap = *cap ? *cap * 2 : BW_EAGER_ELEMENTS;
  if (ncap < need) ncap = need;
  if (ncap > limit) ncap = limit;
  bw_value *p = bw_value_arena_raw(s->arena, ncap ? ncap * sizeof *p : 1);
  if (!p) return oom(s);
  if (*cap) memcpy(p, *items, *cap * sizeof *p);
  *items = p;
  *cap = ncap;
  return 0;
}

BW_CODEC_HOT static int dec_elements(decoder *s, const bw_type *elem, bw_value *out, uint64_t n,
                                     size_t depth) {
  const bw_type *e = bw_type_resolve(elem);
  unsigned w = bw_kind_width(e->kind);
  bw_value *items = NULL;
  size_t cap = 0;
  if (w) {
    /* Fixed-width numbers and bools: the count was checked against the bytes left (n * w),
     * so the whole array is allocated at once and the elements cannot be short. */
    items = bw_value_arena_raw(s->arena, n ? (size_t)n * sizeof *items : 1);
    out->as.list.items = items;
    out->as.list.count = (size_t)n;
    if (!items) return oom(s);
    return dec_number_items(s, e, items, (size_t)n);
  }
  int rc = grow_items(s, &items, &cap, 0, (size_t)n);
  const uint8_t *d = s->d;
  size_t len = s->len;
  size_t pos = s->pos;
  for (size_t i = 0; i < n && !rc; i++) {
    if (i == cap && (rc = grow_items(s, &items, &cap, i + 1, (size_t)n))) break;
    items[i].type = e;
    rc = dec_leaf(s, e, &items[i], &pos, depth, d, len);
    if (rc == NOT_LEAF) {
      s->pos = pos;
      rc = dec_value(s, e, &items[i], depth);
      pos = s->pos;
    }
  }
  s->pos = pos;
  out->as.list.items = items;
  out->as.list.count = (size_t)n;
  return rc;
}

BW_CODEC_HOT static int dec_map(decoder *s, const bw_type *t, bw_value *out, size_t depth) {
  uint64_t n = 0;
  uint64_t unit = elem_min_size(t->key) + elem_min_size(t->elem);
  int rc = bw_rd_count(s->d, s->len, &s->pos, unit, s->lim.max_elements, &n, s->err);
  if (rc) return rc;
  bw_value *items = NULL;
  size_t cap = 0;
  const bw_type *kt = bw_type_resolve(t->key), *vt = bw_type_resolve(t->elem);
  bw_span_vec spans;
  bw_span_vec_init(&spans);
  rc = grow_items(s, &items, &cap, 0, 2 * (size_t)n);
  const uint8_t *d = s->d;
  size_t len = s->len;
  for (size_t i = 0; i < n && !rc; i++) {
    if (2 * i == cap && (rc = grow_items(s, &items, &cap, 2 * i + 2, 2 * (size_t)n))) break;
    if (bw_span_vec_reserve(&spans, i)) {
      rc = oom(s);
      break;
    }
    bw_span *sp = &spans.items[i];
    size_t pos = s->pos;
    sp->p = d + pos;
    items[2 * i].type = kt;
    rc = dec_leaf(s, kt, &items[2 * i], &pos, depth, d, len); /* keys: never aggregates */
    sp->len = (size_t)(d + pos - sp->p);
    if (!rc) {
      items[2 * i + 1].type = vt;
      rc = dec_leaf(s, vt, &items[2 * i + 1], &pos, depth, d, len);
      if (rc == NOT_LEAF) {
        s->pos = pos;
        rc = dec_value(s, vt, &items[2 * i + 1], depth);
        pos = s->pos;
      }
    }
    s->pos = pos;
  }
  out->as.list.items = items;
  out->as.list.count = (size_t)n;
  if (!rc) {
    long dup = bw_codec_find_duplicate(spans.items, (size_t)n);
    if (dup >= 0)
      rc = bw_error_set(s->err, BW_EDUPKEY, (uint64_t)(bw_span_vec_find(&spans, n, dup)->p - s->d),
                        "map key %ld repeats an earlier key", dup);
  }
  bw_span_vec_free(&spans);
  return rc;
}

/* The fields of a struct with a wire plan from b (all wp->size bytes are there) into items:
 * the bool bytes checked first, then one load per field, no dispatch and no check. Returns
 * SIZE_MAX, or the offset in the struct of the first bool byte above 1 (nothing stored). */
static BW_ALWAYS_INLINE size_t dec_planned(const bw_wire_plan *wp, const uint8_t *b,
                                           bw_value *items) {
  for (size_t k = 0; k < wp->bool_count; k++)
    if (b[wp->bool_at[k]] > 1) return wp->bool_at[k];
  const bw_wire_field *wf = wp->fields;
  size_t n = wp->count;
#if defined(__GNUC__)
#pragma GCC unroll 4
#endif
  for (size_t i = 0; i < n; i++, wf++) {
    uint64_t x = bw_ld_le(b + wf->load, 8) << wf->left;
    items[i].type = wf->type;
    /* (f32: its bits in the low half, as the union reads them) */
    items[i].as.u = (uint64_t)((int64_t)x >> wf->right) & wf->dmask;
  }
  return SIZE_MAX;
}

#ifdef BW_CODEC_AVX512
#include "core/varint_avx512.h"

/* nodes[0..n) (n at most 8) as (type, value) pairs from the lanes of t and v: one aligned
 * 16-byte store each (none crosses a cache line; 64-byte stores of two nodes did), the rest of
 * each node left as it is, as the scalar loops leave it. */
__attribute__((target("avx512f"))) static BW_ALWAYS_INLINE void
put_nodes(bw_value *nodes, unsigned n, __m512i t, __m512i v) {
  __m512i even = _mm512_unpacklo_epi64(t, v); /* nodes 0, 2, 4, 6 */
  __m512i odd = _mm512_unpackhi_epi64(t, v);  /* nodes 1, 3, 5, 7 */
  uint64_t *w = (uint64_t *)(void *)nodes;    /* 4 words per node */
  _mm_storeu_si128((__m128i *)(void *)w, _mm512_castsi512_si128(even));
  if (n > 1) _mm_storeu_si128((__m128i *)(void *)(w + 4), _mm512_castsi512_si128(odd));
  if (n > 2) _mm_storeu_si128((__m128i *)(void *)(w + 8), _mm512_extracti32x4_epi32(even, 1));
  if (n > 3) _mm_storeu_si128((__m128i *)(void *)(w + 12), _mm512_extracti32x4_epi32(odd, 1));
  if (n > 4) _mm_storeu_si128((__m128i *)(void *)(w + 16), _mm512_extracti32x4_epi32(even, 2));
  if (n > 5) _mm_storeu_si128((__m128i *)(void *)(w + 20), _mm512_extracti32x4_epi32(odd, 2));
  if (n > 6) _mm_storeu_si128((__m128i *)(void *)(w + 24), _mm512_extracti32x4_epi32(even, 3));
  if (n > 7) _mm_storeu_si128((__m128i *)(void *)(w + 28), _mm512_extracti32x4_epi32(odd, 3));
}

/* A run of n (1..8) uint and int fields (ints: bit j for an int; types: theirs) from d[0..avail)
 * into items: bw_varint8_get_avx512, ints zig-zagged, and the nodes written as (type, value)
 * pairs. Returns the bytes read, or SIZE_MAX (nothing written) for anything the scalar loop
 * must look at. */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static size_t
dec_run_avx512(const uint8_t *d, size_t avail, bw_value *items, unsigned n, unsigned ints,
               const bw_type *const *types) {
  __m512i x;
  size_t total = bw_varint8_get_avx512(d, avail, n, &x);
  if (total == SIZE_MAX) return SIZE_MAX;
  put_nodes(items, n, _mm512_maskz_loadu_epi64((__mmask8)((1u << n) - 1), types),
            bw_zigzag_decode_avx512(x, ints));
  return total;
}

/* A struct of the first kind with a vec form (n fields, at most 16, and 64 bytes) from b
 * (wp->size bytes there) into items: the wire bytes loaded under a mask, spread to a value per
 * field by one byte permute per 8 fields (the bytes past each width zeroed), sign-extended by
 * a variable shift pair, the bools checked, and the nodes written as (type, value) pairs. 1
 * when written; 0 (nothing written) when a bool is above 1: dec_planned then finds and
 * reports it. Inlined with n a constant (dec_fixed_by_count): no test of n is left. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static BW_ALWAYS_INLINE int
dec_fixed_n(const uint8_t *b, const bw_wire_plan *wp, bw_value *items, unsigned n) {
  const bw_wire_vec *vec = bw_wire_plan_vec(wp);
  __m512i wire = _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, (unsigned)wp->size), b);
  __m512i v[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
  __mmask8 bad = 0;
  for (unsigned h = 0; h < 2 && 8 * h < n; h++) {
    __m512i x = _mm512_maskz_permutexvar_epi8(
        vec->unpack_keep[h], _mm512_loadu_si512((const void *)(vec->unpack + 64 * h)), wire);
    __m512i sh = _mm512_loadu_si512((const void *)(vec->shift + 8 * h));
    x = _mm512_srav_epi64(_mm512_sllv_epi64(x, sh), sh);
    bad |= _mm512_mask_cmpgt_epu64_mask((__mmask8)(vec->bools >> (8 * h)), x, _mm512_set1_epi64(1));
    v[h] = x;
  }
  if (bad) return 0;
  for (unsigned h = 0; h < 2 && 8 * h < n; h++)
    put_nodes(items + 8 * h, n - 8 * h > 8 ? 8 : n - 8 * h,
              _mm512_loadu_si512((const void *)(vec->types + 8 * h)), v[h]);
  return 1;
}

/* dec_fixed_n for each field count, by the plan's count (as enc_fixed_by_count). */
#define BW_DEC_FIXED_N(n)                                                                          \
  __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2"))) static int dec_fixed_##n(        \
      const uint8_t *b, const bw_wire_plan *wp, bw_value *items) {                                 \
    return dec_fixed_n(b, wp, items, n);                                                           \
  }
BW_WIRE_VEC_COUNTS(BW_DEC_FIXED_N)
#undef BW_DEC_FIXED_N
#define BW_DEC_FIXED_REF(n) dec_fixed_##n,
static int (*const dec_fixed_by_count[17])(const uint8_t *, const bw_wire_plan *, bw_value *) = {
    NULL, BW_WIRE_VEC_COUNTS(BW_DEC_FIXED_REF)};
#undef BW_DEC_FIXED_REF

static int dec_fixed_avx512(const uint8_t *b, const bw_wire_plan *wp, bw_value *items) {
  return dec_fixed_by_count[wp->count](b, wp, items);
}
#endif

/* Tests: whether the AVX-512 decoder takes the message at d[0..len) of struct t whole (a vec
 * form) or its first run (a scalar plan whose first field starts a run of 4 or more): 1, 0
 * when it leaves it to the scalar loop, -1 when the CPU or bw_codec_allow_simd keeps it off. */
int bw_codec_simd_decode_takes_(const bw_type *t, const uint8_t *d, size_t len) {
#ifdef BW_CODEC_AVX512
  if (!bw_codec_avx512()) return -1;
  const bw_wire_plan *wp = t->wire;
  bw_value items[16];
  if (!wp || wp->count > 16) return 0;
  if (!wp->scalar)
    return bw_wire_plan_has_vec(wp) && wp->size <= len && dec_fixed_avx512(d, wp, items);
  return wp->fields[0].run >= 4 && dec_run_avx512(d, len, items, wp->fields[0].run,
                                                  wp->fields[0].ints, wp->types) != SIZE_MAX;
#else
  (void)t, (void)d, (void)len;
  return -1;
#endif
}

#ifdef BW_CODEC_AVX512
/* The run of uint and int fields that starts at field *i (*wf) of plan wp, when it has 4 or
 * more and dec_run_avx512 takes it: its nodes written, *pos, *i and *wf on its last field (the
 * loop's step then passes it), 1; else 0 (nothing written). */
static BW_ALWAYS_INLINE int dec_take_run(const uint8_t *d, size_t len, size_t *pos, bw_value *items,
                                         const bw_wire_plan *wp, size_t *i,
                                         const bw_wire_field **wf) {
  const bw_wire_field *f = *wf;
  if (f->run < 4) return 0;
  size_t k = dec_run_avx512(d + *pos, len - *pos, items + *i, f->run, f->ints, wp->types + *i);
  if (k == SIZE_MAX) return 0;
  *pos += k;
  *i += f->run - 1u;
  *wf += f->run - 1u;
  return 1;
}
#endif

/* The n fields of a struct with a scalar plan (wp->scalar) into items, from a local position
 * (depth: the struct's contents' depth): dec_fields without the resolution and the dispatch on
 * kinds per field (the same checks and errors: numbers, bools and lists by dec_leaf). */
BW_CODEC_HOT __attribute__((noinline)) static int dec_scalars(decoder *s, const bw_wire_plan *wp,
                                                              bw_value *items, size_t depth) {
  const uint8_t *d = s->d;
  size_t len = s->len, pos = s->pos;
  const bw_wire_field *wf = wp->fields;
  size_t n = wp->count;
#ifdef BW_CODEC_AVX512
  int wide = bw_codec_avx512();
#endif
  for (size_t i = 0; i < n; i++, wf++) {
    const bw_type *t = wf->type;
    bw_value *out = &items[i];
    out->type = t;
    if (wf->op == BW_WIRE_FIXED || wf->op == BW_WIRE_NUMBERS) {
      int rc = dec_leaf(s, t, out, &pos, depth, d, len);
      if (rc == NOT_LEAF) { /* a list at the depth limit, or longer than the elements limit */
        s->pos = pos;
        rc = dec_value(s, t, out, depth);
        pos = s->pos;
      }
      if (rc) return rc;
      continue;
    }
#ifdef BW_CODEC_AVX512
    if (wide && dec_take_run(d, len, &pos, items, wp, &i, &wf)) continue;
#endif
    size_t at = pos;
    uint64_t u = 0;
    if (pos < len && d[pos] < 0x80) {
      u = d[pos++];
    } else {
      int rc = bw_rd_uint(d, len, &pos, &u, s->err);
      if (rc) return rc;
    }
    if (wf->op == BW_WIRE_INT) {
      out->as.i = bw_zigzag_decode(u);
      continue;
    }
    if (wf->op == BW_WIRE_ENUM && !bw_wire_enum_member(wf, u))
      return bw_error_set(s->err, BW_EENUM, at, "enum value %llu is not defined",
                          (unsigned long long)u);
    out->as.u = u;
  }
  s->pos = pos;
  return 0;
}

/* dec_planned's refusal, as dec_leaf reports a bool: at the byte, s->pos there. */
static int planned_bool_error(decoder *s, size_t pos, size_t at) {
  s->pos = pos + at;
  return bw_error_set(s->err, BW_EBOOL, s->pos, "bool byte is %u, not 0 or 1", s->d[s->pos]);
}

static inline const bw_type *field_type(const bw_field *f) {
  const bw_type *ft = f->type;
  return ft->kind == BW_KIND_REF ? bw_type_resolve(ft) : ft;
}

/* The n fields f of a struct into items, from a local position: leaves by dec_leaf, the rest
 * by dec_value. A function of its own, never inlined: its loop keeps its place whatever the
 * rest of the walk becomes (inlined into dec_value, the varint record's decode was 15% slower
 * in time with the same instructions). (Varints read as one 8-byte word, or found in a
 * 64-byte window by a mask of their ends, measured slower than the byte loop here: 0.38 s ->
 * 0.48 and 0.52 s for 10M varint records; the position then waits on each varint's size.) */
BW_CODEC_HOT __attribute__((noinline)) static int
dec_fields(decoder *s, const bw_field *f, bw_value *items, size_t n, size_t depth) {
  const uint8_t *d = s->d;
  size_t len = s->len, pos = s->pos;
  for (size_t i = 0; i < n; i++) {
    const bw_type *ft = field_type(&f[i]);
    items[i].type = ft;
    int rc = dec_leaf(s, ft, &items[i], &pos, depth, d, len);
    if (rc == NOT_LEAF) {
      s->pos = pos;
      rc = dec_value(s, ft, &items[i], depth);
      pos = s->pos;
    }
    if (rc) return rc;
  }
  s->pos = pos;
  return 0;
}

BW_CODEC_HOT static int dec_value(decoder *s, const bw_type *t, bw_value *out, size_t depth) {
  if (t->kind == BW_KIND_REF) t = bw_type_resolve(t);
  out->type = t;
  size_t at = s->pos;
  int rc = dec_leaf(s, t, out, &at, depth, s->d, s->len);
  if (rc != NOT_LEAF) {
    if (!rc) s->pos = at;
    return rc;
  }
  size_t left = s->len - s->pos;
  /* Aggregates: one more level of nesting. */
  if (depth >= s->lim.max_depth)
    return bw_error_set(s->err, BW_ELIMIT, s->pos, "values nested deeper than %zu",
                        s->lim.max_depth);
  depth++;
  switch (t->kind) {
    case BW_KIND_OPTIONAL: {
      if (left < 1) return truncated(s, 1, "optional");
      uint8_t flag = s->d[s->pos];
      if (flag > 1)
        return bw_error_set(s->err, BW_EBOOL, s->pos, "optional flag is %u, not 0 or 1", flag);
      s->pos++;
      if (!flag) {
        out->as.optional = NULL;
        return 0;
      }
      bw_value *inner = bw_value_arena_raw(s->arena, sizeof *inner);
      if (!inner) return oom(s);
      out->as.optional = inner;
      return dec_value(s, t->elem, inner, depth);
    }
    case BW_KIND_LIST: {
      uint64_t n = 0;
      rc = bw_rd_count(s->d, s->len, &s->pos, elem_min_size(t->elem), s->lim.max_elements, &n,
                       s->err);
      if (rc) return rc;
      return dec_elements(s, t->elem, out, n, depth);
    }
    case BW_KIND_LIST_FIXED: {
      uint64_t unit = elem_min_size(t->elem);
      if (t->length > s->lim.max_elements)
        return bw_error_set(s->err, BW_ELIMIT, s->pos, "list of %llu exceeds the element limit",
                            (unsigned long long)t->length);
      if (unit && t->length > left / unit)
        return truncated(s, (size_t)(t->length * unit), "list<T>[N]");
      return dec_elements(s, t->elem, out, t->length, depth);
    }
    case BW_KIND_STRUCT: {
      size_t n = t->count;
      bw_value *items = bw_value_arena_raw(s->arena, n ? n * sizeof *items : 1);
      if (!items) return oom(s);
      out->as.list.items = items;
      out->as.list.count = n;
      const uint8_t *d = s->d;
      size_t len = s->len;
      size_t pos = s->pos;
      const bw_wire_plan *wp = t->wire;
      if (wp && !wp->scalar && wp->size <= len - pos) {
#ifdef BW_CODEC_AVX512
        if (bw_wire_plan_has_vec(wp) && bw_codec_avx512() && dec_fixed_avx512(d + pos, wp, items)) {
          s->pos = pos + wp->size;
          return 0;
        }
#endif
        size_t bad = dec_planned(wp, d + pos, items);
        if (bad != SIZE_MAX) return planned_bool_error(s, pos, bad);
        s->pos = pos + wp->size;
        return 0;
      }
      if (wp && wp->scalar) return dec_scalars(s, wp, items, depth);
      return dec_fields(s, t->fields, items, n, depth);
    }
    case BW_KIND_MAP:
      return dec_map(s, t, out, depth);
    case BW_KIND_UNION: {
      size_t start = s->pos;
      uint64_t tag = 0;
      if ((rc = bw_rd_uint(s->d, s->len, &s->pos, &tag, s->err))) return rc;
      long idx = bw_codec_union_index(t, tag);
      if (idx < 0) {
        s->pos = start;
        return bw_error_set(s->err, BW_ETAG, start, "union tag %llu is not defined",
                            (unsigned long long)tag);
      }
      bw_value *inner = bw_value_arena_raw(s->arena, sizeof *inner);
      if (!inner) return oom(s);
      out->as.variant.tag = tag;
      out->as.variant.index = (uint32_t)idx;
      out->as.variant.value = inner;
      return dec_value(s, t->variants[idx].type, inner, depth);
    }
    default:
      return bw_error_set(s->err, BW_EINVAL, s->pos, "unresolved type (schema not validated?)");
  }
}

/* bw_decode past its front: the walk. */
static __attribute__((noinline)) int decode_walk(const bw_type *t, const void *data, size_t len,
                                                 const bw_decode_options *opts,
                                                 bw_value_arena *arena, bw_value **out,
                                                 size_t *consumed, bw_error *err) {
  const bw_wire_plan *wp = t->wire;
  decoder s;
  s.d = data ? data : (const uint8_t *)"";
  s.len = len;
  s.pos = 0;
  s.lim = bw_limits_of(opts);
  s.arena = arena;
  s.err = err;
  size_t max = s.lim.max_message_size;
  if (len > max) {
    if (!consumed)
      return bw_error_set(err, BW_ELIMIT, 0, "message of %zu bytes exceeds the limit of %zu", len,
                          max);
    s.len = max; /* a message at the front of a stream: it alone must fit the limit */
  }
  int rc;
  bw_value *root;
  if (t->kind == BW_KIND_STRUCT && (!wp || wp->scalar)) {
    /* a struct message: its fields without dec_value's dispatch (as dec_value does it: the
     * root and its fields in one allocation, the fields at depth 1, within any depth limit) */
    size_t n = t->count;
    root = bw_value_arena_raw(arena, (1 + n) * sizeof *root);
    if (!root) return oom(&s);
    root->type = t;
    root->as.list.items = root + 1;
    root->as.list.count = n;
    rc = wp ? dec_scalars(&s, wp, root + 1, 1) : dec_fields(&s, t->fields, root + 1, n, 1);
  } else {
    root = bw_value_arena_raw(arena, sizeof *root);
    if (!root) return oom(&s);
    rc = dec_value(&s, t, root, 0);
  }
  if (rc == BW_ETRUNCATED && s.len < len) {
    /* The message runs past the limit, not past the input: say so. */
    if (err && err->code == BW_ETRUNCATED) {
      err->code = BW_ELIMIT;
      err->offset = 0;
      snprintf(err->message, sizeof err->message,
               "message at the front of the input exceeds the limit of %zu bytes", max);
    }
    return BW_ELIMIT;
  }
  if (rc) return rc;
  if (consumed) {
    *consumed = s.pos;
  } else if (s.pos != len) {
    return bw_error_set(err, BW_ETRAILING, s.pos, "%zu trailing byte(s) after the message",
                        len - s.pos);
  }
  *out = root;
  return 0;
}

/* bw_decode of a whole struct of fixed-width numbers (what dec_value would do, without its
 * walk; the struct is at depth 0, within any depth limit; wp->size bytes there, within the
 * size limit). */
static __attribute__((noinline)) int dec_fixed_root(const bw_type *t, const void *data,
                                                    bw_value_arena *arena, bw_value **out,
                                                    size_t *consumed, bw_error *err) {
  const bw_wire_plan *wp = t->wire;
  bw_value *root = bw_value_arena_raw(arena, (1 + wp->count) * sizeof *root);
  if (!root) return bw_error_set(err, BW_ENOMEM, 0, "out of memory while decoding");
  size_t at = SIZE_MAX;
#ifdef BW_CODEC_AVX512
  if (!bw_wire_plan_has_vec(wp) || !bw_codec_avx512() || !dec_fixed_avx512(data, wp, root + 1))
#endif
    at = dec_planned(wp, data, root + 1);
  if (at != SIZE_MAX)
    return bw_error_set(err, BW_EBOOL, at, "bool byte is %u, not 0 or 1",
                        ((const uint8_t *)data)[at]);
  root->type = t;
  root->as.list.items = root + 1;
  root->as.list.count = wp->count;
  if (consumed) *consumed = wp->size;
  *out = root;
  return 0;
}

/* The fixed-width number of w bytes at p (little-endian), its sign extended when sign. */
static BW_ALWAYS_INLINE uint64_t lean_fixed(const uint8_t *p, unsigned w, int sign) {
  uint64_t x = bw_ld_le(p, w);
  unsigned sh = 64 - 8 * w;
  return sign && w < 8 ? (uint64_t)((int64_t)(x << sh) >> sh) : x;
}

/* bw_decode of a struct with a lean plan (uint, int, enum and fixed-width fields; len at least
 * its least size and within the size limit): dec_scalars without a decoder, without dec_leaf
 * and without an error of its own. At anything it refuses (a bad varint, bool or enum member,
 * a short message, trailing bytes) it leaves the message to decode_walk, which finds the same
 * place and reports it (the root allocated here is then left unused in the arena: at most
 * 32 (1 + count) bytes, count at most len). */
BW_CODEC_HOT static __attribute__((noinline)) int
dec_lean(const bw_type *t, const void *data, size_t len, const bw_decode_options *opts,
         bw_value_arena *arena, bw_value **out, size_t *consumed, bw_error *err) {
  const bw_wire_plan *wp = t->wire;
  const uint8_t *d = data;
  size_t n = wp->count, pos = 0;
  bw_value *root = bw_value_arena_raw(arena, (1 + n) * sizeof *root);
  if (!root) return decode_walk(t, data, len, opts, arena, out, consumed, err);
  bw_value *items = root + 1;
  const bw_wire_field *wf = wp->fields;
#ifdef BW_CODEC_AVX512
  int wide = bw_codec_avx512();
#endif
  for (size_t i = 0; i < n; i++, wf++) {
#ifdef BW_CODEC_AVX512
    if (wide && dec_take_run(d, len, &pos, items, wp, &i, &wf)) continue;
#endif
    bw_value *v = &items[i];
    v->type = wf->type;
    if (wf->op == BW_WIRE_FIXED) {
      unsigned w = wf->width;
      if (len - pos < w) goto walk;
      uint64_t x = lean_fixed(d + pos, w, wf->is_signed);
      if (wf->is_bool && x > 1) goto walk;
      v->as.u = x; /* (an f32: its bits in the low half, as the union reads them) */
      pos += w;
      continue;
    }
    uint64_t u;
    if (pos < len && d[pos] < 0x80) {
      u = d[pos++];
    } else {
      int k = bw_varint_get(d + pos, len - pos, &u);
      if (k < 0) goto walk;
      pos += (size_t)k;
    }
    if (wf->op == BW_WIRE_INT) {
      v->as.i = bw_zigzag_decode(u);
      continue;
    }
    if (wf->op == BW_WIRE_ENUM && !bw_wire_enum_member(wf, u)) goto walk;
    v->as.u = u;
  }
  if (pos != len && !consumed) goto walk;
  root->type = t;
  root->as.list.items = items;
  root->as.list.count = n;
  if (consumed) *consumed = pos;
  *out = root;
  return 0;
walk:
  return decode_walk(t, data, len, opts, arena, out, consumed, err);
}

/* A front without a stack frame: the checks of the arguments, then dec_fixed_root for a whole
 * struct of fixed-width numbers, dec_lean for a struct with a lean plan, else decode_walk. */
BW_CODEC_HOT int bw_decode(const bw_type *t, const void *data, size_t len,
                           const bw_decode_options *opts, bw_value_arena *arena, bw_value **out,
                           size_t *consumed, bw_error *err) {
  if (out) *out = NULL;
  if (!t || !arena || !out || (!data && len))
    return bw_error_set(err, BW_EINVAL, 0, "bw_decode: NULL argument");
  const bw_wire_plan *wp = t->wire;
  if (wp) {
    size_t max =
        opts && opts->max_message_size ? opts->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
    if (!wp->scalar && (consumed ? wp->size <= len : wp->size == len) && wp->size <= max)
      return dec_fixed_root(t, data, arena, out, consumed, err);
    if (wp->lean && len >= wp->size && len <= max)
      return dec_lean(t, data, len, opts, arena, out, consumed, err);
  }
  return decode_walk(t, data, len, opts, arena, out, consumed, err);
}

/* barewire codec: the encoder, a tree of bw_value -> BARE bytes. One writer serves the three
 * entry points: a caller buffer (bytes past the end are counted, not written, so BW_ENOSPACE
 * can report the size needed), a malloc'd buffer that doubles as needed, and a size-only pass
 * (a caller buffer of capacity 0). The encoder checks everything a strict decoder would reject
 * so that it never produces a message that barewire itself refuses. */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

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

static inline int room(encoder *e, size_t n) {
  return (e->pos <= e->cap && n <= e->cap - e->pos) || grow(e, n);
}

static inline void put(encoder *e, const void *p, size_t n) {
  if (n && room(e, n)) memcpy(e->buf + e->pos, p, n);
  e->pos += n;
}

static inline void put_uint(encoder *e, uint64_t v) {
  if (v < 0x80 && room(e, 1)) {
    e->buf[e->pos++] = (uint8_t)v;
    return;
  }
  if (room(e, BW_VARINT_MAX)) {
    e->pos += bw_varint_put(e->buf + e->pos, v);
    return;
  }
  uint8_t tmp[BW_VARINT_MAX];
  put(e, tmp, bw_varint_put(tmp, v));
}

static inline void put_fixed(encoder *e, uint64_t v, unsigned w) {
  if (room(e, w)) bw_store_le(e->buf + e->pos, v, w);
  e->pos += w;
}

static int mismatch(encoder *e, const bw_type *t, const bw_value *v) {
  return bw_error_set(e->err, BW_ETYPE, e->pos, "value of kind %s where %s is expected",
                      v && v->type ? bw_kind_name(v->type->kind) : "(none)", bw_kind_name(t->kind));
}

/* Orders map keys of one key kind (the value comparator behind the repeated-key check). */
static int key_cmp(const bw_value *a, const bw_value *b) {
  switch (a->type->kind) {
    case BW_KIND_INT:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
      return a->as.i < b->as.i ? -1 : a->as.i > b->as.i;
    case BW_KIND_STR:
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED: {
      size_t n = a->as.bytes.len < b->as.bytes.len ? a->as.bytes.len : b->as.bytes.len;
      int c = n ? memcmp(a->as.bytes.ptr, b->as.bytes.ptr, n) : 0;
      if (c) return c;
      return a->as.bytes.len < b->as.bytes.len ? -1 : a->as.bytes.len > b->as.bytes.len;
    }
    default:
      return a->as.u < b->as.u ? -1 : a->as.u > b->as.u;
  }
}

static int key_ptr_cmp(const void *pa, const void *pb) {
  const bw_value *a = *(const bw_value *const *)pa, *b = *(const bw_value *const *)pb;
  int c = key_cmp(a, b);
  return c ? c : (a < b ? -1 : a > b);
}

long bw_codec_find_duplicate_key(const bw_value *pairs, size_t n) {
  if (n < 2) return -1;
  if (n <= 8) {
    for (size_t j = 1; j < n; j++)
      for (size_t i = 0; i < j; i++)
        if (key_cmp(&pairs[2 * i], &pairs[2 * j]) == 0) return (long)j;
    return -1;
  }
  const bw_value **keys = malloc(n * sizeof *keys);
  if (!keys) return -2;
  for (size_t i = 0; i < n; i++) keys[i] = &pairs[2 * i];
  qsort(keys, n, sizeof *keys, key_ptr_cmp);
  long best = -1;
  for (size_t i = 1; i < n; i++)
    if (key_cmp(keys[i - 1], keys[i]) == 0) {
      long idx = (long)((keys[i] - pairs) / 2);
      if (best < 0 || idx < best) best = idx;
    }
  free(keys);
  return best;
}

static int enc_value(encoder *e, const bw_type *t, const bw_value *v, size_t depth) {
  if (t->kind == BW_KIND_REF) t = bw_type_resolve(t);
  if (!v || !v->type || v->type->kind != t->kind) return mismatch(e, t, v);
  int rc;
  switch (t->kind) {
    case BW_KIND_UINT:
    case BW_KIND_ENUM:
      if (t->kind == BW_KIND_ENUM && bw_codec_enum_index(t, v->as.u) < 0)
        return bw_error_set(e->err, BW_EENUM, e->pos, "enum value %llu is not defined",
                            (unsigned long long)v->as.u);
      put_uint(e, v->as.u);
      return 0;
    case BW_KIND_INT:
      put_uint(e, bw_zigzag_encode(v->as.i));
      return 0;
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64: {
      unsigned w = bw_kind_width(t->kind);
      if (w < 8 && v->as.u >> (8 * w))
        return bw_error_set(e->err, BW_EOVERFLOW, e->pos, "%llu does not fit in %s",
                            (unsigned long long)v->as.u, bw_kind_name(t->kind));
      put_fixed(e, v->as.u, w);
      return 0;
    }
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64: {
      unsigned w = bw_kind_width(t->kind);
      int64_t lim = w < 8 ? (int64_t)1 << (8 * w - 1) : 0;
      if (w < 8 && (v->as.i < -lim || v->as.i >= lim))
        return bw_error_set(e->err, BW_EOVERFLOW, e->pos, "%lld does not fit in %s",
                            (long long)v->as.i, bw_kind_name(t->kind));
      put_fixed(e, (uint64_t)v->as.i, w);
      return 0;
    }
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
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED: {
      size_t n = v->as.bytes.len;
      if (n && !v->as.bytes.ptr) return mismatch(e, t, v);
      if (t->kind == BW_KIND_STR && bw_utf8_check(v->as.bytes.ptr, n) != n)
        return bw_error_set(e->err, BW_EUTF8, e->pos, "str value is not valid UTF-8");
      if (t->kind == BW_KIND_DATA_FIXED) {
        if (n != t->length)
          return bw_error_set(e->err, BW_ETYPE, e->pos, "data[%llu] value has %zu bytes",
                              (unsigned long long)t->length, n);
      } else {
        put_uint(e, n);
      }
      put(e, v->as.bytes.ptr, n);
      return 0;
    }
    case BW_KIND_VOID:
      return 0;
    default:
      break;
  }
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
      for (size_t i = 0; i < n; i++) {
        const bw_type *et = t->kind == BW_KIND_STRUCT ? t->fields[i].type : t->elem;
        if ((rc = enc_value(e, et, &items[i], depth))) return rc;
      }
      return 0;
    }
    case BW_KIND_MAP: {
      size_t n = v->as.list.count;
      const bw_value *items = v->as.list.items;
      if (n && !items) return mismatch(e, t, v);
      size_t start = e->pos;
      put_uint(e, n);
      size_t key0 = 0;
      for (size_t i = 0; i < n; i++) {
        if (i == 0) key0 = e->pos;
        if ((rc = enc_value(e, t->key, &items[2 * i], depth))) return rc;
        if ((rc = enc_value(e, t->elem, &items[2 * i + 1], depth))) return rc;
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

int bw_encode(const bw_type *t, const bw_value *v, void *buf, size_t cap, size_t *written,
              bw_error *err) {
  if (!t || !v || (!buf && cap)) return bw_error_set(err, BW_EINVAL, 0, "bw_encode: NULL argument");
  encoder e = {buf, cap, 0, 0, 0, err};
  int rc = enc_value(&e, t, v, 0);
  if (rc) return rc;
  if (written) *written = e.pos;
  if (e.pos > cap)
    return bw_error_set(err, BW_ENOSPACE, cap, "message needs %zu bytes, buffer has %zu", e.pos,
                        cap);
  return 0;
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

/* barewire codec: the decoder, BARE bytes -> a tree of bw_value in a value arena. One recursive
 * walk with a switch on the kind; lists and structs get their element arrays in one arena
 * allocation; every count is checked against the bytes left (count times the smallest element
 * size) and the element cap before that allocation; repeated map keys are found by sorting the
 * encoded key bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

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

static int dec_bytes(decoder *s, const bw_type *t, bw_value *out, size_t n) {
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

/* Returned by dec_leaf for kinds it does not handle (aggregates). */
#define NOT_LEAF 1

/* Scalars, strings and data: everything that needs no recursion. Inlined into the struct and
 * list loops so that a record of numbers decodes without a call per field. */
static BW_ALWAYS_INLINE int dec_leaf(decoder *s, const bw_type *t, bw_value *out) {
  const uint8_t *d = s->d;
  size_t pos = s->pos, left = s->len - pos;
  int rc;
  switch (t->kind) {
    case BW_KIND_UINT:
      if (left && d[pos] < 0x80) {
        out->as.u = d[pos];
        s->pos = pos + 1;
        return 0;
      }
      return bw_rd_uint(d, s->len, &s->pos, &out->as.u, s->err);
    case BW_KIND_INT: {
      uint64_t z = 0;
      if (left && d[pos] < 0x80) {
        z = d[pos];
        s->pos = pos + 1;
      } else if ((rc = bw_rd_uint(d, s->len, &s->pos, &z, s->err))) {
        return rc;
      }
      out->as.i = bw_zigzag_decode(z);
      return 0;
    }
    case BW_KIND_U8:
      if (left < 1) return truncated(s, 1, "u8");
      out->as.u = d[pos];
      s->pos = pos + 1;
      return 0;
    case BW_KIND_I8:
      if (left < 1) return truncated(s, 1, "i8");
      out->as.i = (int8_t)d[pos];
      s->pos = pos + 1;
      return 0;
    case BW_KIND_U16:
      if (left < 2) return truncated(s, 2, "u16");
      out->as.u = bw_load_le(d + pos, 2);
      s->pos = pos + 2;
      return 0;
    case BW_KIND_I16:
      if (left < 2) return truncated(s, 2, "i16");
      out->as.i = (int16_t)(uint16_t)bw_load_le(d + pos, 2);
      s->pos = pos + 2;
      return 0;
    case BW_KIND_U32:
      if (left < 4) return truncated(s, 4, "u32");
      out->as.u = bw_load_le(d + pos, 4);
      s->pos = pos + 4;
      return 0;
    case BW_KIND_I32:
      if (left < 4) return truncated(s, 4, "i32");
      out->as.i = (int32_t)(uint32_t)bw_load_le(d + pos, 4);
      s->pos = pos + 4;
      return 0;
    case BW_KIND_U64:
    case BW_KIND_I64:
      if (left < 8) return truncated(s, 8, bw_kind_name(t->kind));
      out->as.u = bw_load_le(d + pos, 8);
      s->pos = pos + 8;
      return 0;
    case BW_KIND_F32: {
      /* Through the bit pattern: NaN payloads pass unchanged. */
      if (left < 4) return truncated(s, 4, "f32");
      uint32_t b = (uint32_t)bw_load_le(d + pos, 4);
      memcpy(&out->as.f32, &b, 4);
      s->pos = pos + 4;
      return 0;
    }
    case BW_KIND_F64: {
      if (left < 8) return truncated(s, 8, "f64");
      uint64_t b = bw_load_le(d + pos, 8);
      memcpy(&out->as.f64, &b, 8);
      s->pos = pos + 8;
      return 0;
    }
    case BW_KIND_BOOL:
      if (left < 1) return truncated(s, 1, "bool");
      if (d[pos] > 1)
        return bw_error_set(s->err, BW_EBOOL, pos, "bool byte is %u, not 0 or 1", d[pos]);
      out->as.u = d[pos];
      s->pos = pos + 1;
      return 0;
    case BW_KIND_STR:
    case BW_KIND_DATA: {
      uint64_t n = 0;
      if (left && d[pos] < 0x80 && d[pos] < left) {
        n = d[pos];
        s->pos = pos + 1;
      } else if ((rc = bw_rd_count(d, s->len, &s->pos, 1, UINT64_MAX, &n, s->err))) {
        return rc;
      }
      return dec_bytes(s, t, out, (size_t)n);
    }
    case BW_KIND_DATA_FIXED:
      if (t->length > left) return truncated(s, (size_t)t->length, "data[N]");
      return dec_bytes(s, t, out, (size_t)t->length);
    case BW_KIND_VOID:
      return 0;
    case BW_KIND_ENUM:
      if ((rc = bw_rd_uint(d, s->len, &s->pos, &out->as.u, s->err))) return rc;
      if (bw_codec_enum_index(t, out->as.u) < 0) {
        s->pos = pos;
        return bw_error_set(s->err, BW_EENUM, pos, "enum value %llu is not defined",
                            (unsigned long long)out->as.u);
      }
      return 0;
    default:
      return NOT_LEAF;
  }
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

static int dec_elements(decoder *s, const bw_type *elem, bw_value *out, uint64_t n, size_t depth) {
  const bw_type *e = bw_type_resolve(elem);
  unsigned w = bw_kind_width(e->kind);
  bw_value *items = NULL;
  size_t cap = 0;
  int rc = grow_items(s, &items, &cap, w && e->kind != BW_KIND_BOOL ? (size_t)n : 0, (size_t)n);
  for (size_t i = 0; i < n && !rc; i++) {
    if (i == cap && (rc = grow_items(s, &items, &cap, i + 1, (size_t)n))) break;
    items[i].type = e;
    rc = dec_leaf(s, e, &items[i]);
    if (rc == NOT_LEAF) rc = dec_value(s, e, &items[i], depth);
  }
  out->as.list.items = items;
  out->as.list.count = (size_t)n;
  return rc;
}

static int dec_map(decoder *s, const bw_type *t, bw_value *out, size_t depth) {
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
  for (size_t i = 0; i < n && !rc; i++) {
    if (2 * i == cap && (rc = grow_items(s, &items, &cap, 2 * i + 2, 2 * (size_t)n))) break;
    if (bw_span_vec_reserve(&spans, i)) {
      rc = oom(s);
      break;
    }
    bw_span *sp = &spans.items[i];
    sp->p = s->d + s->pos;
    items[2 * i].type = kt;
    rc = dec_leaf(s, kt, &items[2 * i]); /* keys are never aggregates */
    sp->len = (size_t)(s->d + s->pos - sp->p);
    if (!rc) {
      items[2 * i + 1].type = vt;
      rc = dec_leaf(s, vt, &items[2 * i + 1]);
      if (rc == NOT_LEAF) rc = dec_value(s, vt, &items[2 * i + 1], depth);
    }
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

static int dec_value(decoder *s, const bw_type *t, bw_value *out, size_t depth) {
  if (t->kind == BW_KIND_REF) t = bw_type_resolve(t);
  out->type = t;
  int rc = dec_leaf(s, t, out);
  if (rc != NOT_LEAF) return rc;
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
      for (size_t i = 0; i < n; i++) {
        const bw_type *ft = t->fields[i].type;
        if (ft->kind == BW_KIND_REF) ft = bw_type_resolve(ft);
        items[i].type = ft;
        rc = dec_leaf(s, ft, &items[i]);
        if (rc == NOT_LEAF) rc = dec_value(s, ft, &items[i], depth);
        if (rc) return rc;
      }
      return 0;
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

int bw_decode(const bw_type *t, const void *data, size_t len, const bw_decode_options *opts,
              bw_value_arena *arena, bw_value **out, size_t *consumed, bw_error *err) {
  if (out) *out = NULL;
  if (!t || !arena || !out || (!data && len))
    return bw_error_set(err, BW_EINVAL, 0, "bw_decode: NULL argument");
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
  bw_value *root = bw_value_arena_raw(arena, sizeof *root);
  if (!root) return oom(&s);
  int rc = dec_value(&s, t, root, 0);
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

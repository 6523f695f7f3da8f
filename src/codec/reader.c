/* barewire codec: the zero-copy reader (a cursor over encoded bytes that never allocates),
 * strict skipping of any value, struct field lookup by name, streams of messages, and
 * bw_message_check (skip plus the repeated-map-key check). Also the error helpers that the
 * decoder shares. */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "wire_plan.h"

/* ---- shared error helpers ---------------------------------------------------------------- */

int bw_codec_varint_error(int code, size_t pos, bw_error *err) {
  switch (code) {
    case BW_ETRUNCATED:
      return bw_error_set(err, code, pos, "input ends inside a varint");
    case BW_ENONMINIMAL:
      return bw_error_set(err, code, pos, "varint is not minimal (trailing zero group)");
    default:
      return bw_error_set(err, BW_EOVERFLOW, pos, "varint does not fit in 64 bits");
  }
}

int bw_codec_count_error(uint64_t count, uint64_t unit, uint64_t max, size_t left, size_t pos,
                         bw_error *err) {
  if (count > max)
    return bw_error_set(err, BW_ELIMIT, pos, "count %llu exceeds the element limit %llu",
                        (unsigned long long)count, (unsigned long long)max);
  if (unit == 1)
    return bw_error_set(err, BW_ETRUNCATED, pos, "length %llu exceeds the %zu bytes left",
                        (unsigned long long)count, left);
  return bw_error_set(err, BW_ETRUNCATED, pos,
                      "count %llu needs at least %llu bytes each, %zu bytes left",
                      (unsigned long long)count, (unsigned long long)unit, left);
}

int bw_codec_utf8_slow(const uint8_t *d, size_t pos, size_t len, bw_error *err) {
  size_t ok = bw_utf8_check(d + pos, len);
  if (ok == len) return 0;
  return bw_error_set(err, BW_EUTF8, pos + ok, "invalid UTF-8 in str at byte %zu", ok);
}

/* ---- reader ------------------------------------------------------------------------------ */

int bw_reader_init(bw_reader *r, const void *data, size_t len, const bw_decode_options *opts,
                   bw_error *err) {
  bw_limits l = bw_limits_of(opts);
  memset(r, 0, sizeof *r);
  r->data = data ? data : (const uint8_t *)"";
  r->err = err;
  r->max_depth = l.max_depth;
  r->max_elements = l.max_elements;
  r->max_message_size = l.max_message_size;
  if (!data && len) return bw_error_set(err, BW_EINVAL, 0, "bw_reader_init: NULL data");
  r->len = len;
  return 0;
}

size_t bw_reader_offset(const bw_reader *r) {
  return r->pos;
}

size_t bw_reader_remaining(const bw_reader *r) {
  return r->len - r->pos;
}

static int need(bw_reader *r, size_t n, const char *what) {
  if (n <= r->len - r->pos) return 0;
  return bw_error_set(r->err, BW_ETRUNCATED, r->pos, "%s needs %zu bytes, %zu left", what, n,
                      r->len - r->pos);
}

int bw_reader_uint(bw_reader *r, uint64_t *out) {
  return bw_rd_uint(r->data, r->len, &r->pos, out, r->err);
}

int bw_reader_int(bw_reader *r, int64_t *out) {
  uint64_t z = 0;
  int rc = bw_rd_uint(r->data, r->len, &r->pos, &z, r->err);
  if (!rc) *out = bw_zigzag_decode(z);
  return rc;
}

int bw_reader_bool(bw_reader *r, int *out) {
  int rc = need(r, 1, "bool");
  if (rc) return rc;
  uint8_t b = r->data[r->pos];
  if (b > 1) return bw_error_set(r->err, BW_EBOOL, r->pos, "bool byte is %u, not 0 or 1", b);
  r->pos++;
  *out = b;
  return 0;
}

int bw_reader_optional(bw_reader *r, int *present) {
  int rc = need(r, 1, "optional");
  if (rc) return rc;
  uint8_t b = r->data[r->pos];
  if (b > 1) return bw_error_set(r->err, BW_EBOOL, r->pos, "optional flag is %u, not 0 or 1", b);
  r->pos++;
  *present = b;
  return 0;
}

int bw_reader_f32(bw_reader *r, float *out) {
  int rc = need(r, 4, "f32");
  if (rc) return rc;
  uint32_t b = (uint32_t)bw_ld_le(r->data + r->pos, 4);
  memcpy(out, &b, 4);
  r->pos += 4;
  return 0;
}

int bw_reader_f64(bw_reader *r, double *out) {
  int rc = need(r, 8, "f64");
  if (rc) return rc;
  uint64_t b = bw_ld_le(r->data + r->pos, 8);
  memcpy(out, &b, 8);
  r->pos += 8;
  return 0;
}

int bw_reader_scalar(bw_reader *r, const bw_type *t, uint64_t *out) {
  t = bw_type_resolve(t);
  size_t start = r->pos;
  int rc;
  switch (t ? t->kind : BW_KIND_REF) {
    case BW_KIND_UINT:
      return bw_reader_uint(r, out);
    case BW_KIND_INT:
      return bw_reader_int(r, (int64_t *)out);
    case BW_KIND_BOOL: {
      int b;
      if ((rc = bw_reader_bool(r, &b))) return rc;
      *out = (uint64_t)b;
      return 0;
    }
    case BW_KIND_ENUM:
      if ((rc = bw_reader_uint(r, out))) return rc;
      if (bw_codec_enum_index(t, *out) < 0) {
        r->pos = start;
        return bw_error_set(r->err, BW_EENUM, start, "enum value %llu is not defined",
                            (unsigned long long)*out);
      }
      return 0;
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64: {
      unsigned w = bw_kind_width(t->kind);
      if ((rc = need(r, w, bw_kind_name(t->kind)))) return rc;
      *out = bw_codec_load_fixed(r->data + r->pos, t->kind);
      r->pos += w;
      return 0;
    }
    default:
      return bw_error_set(r->err, BW_ETYPE, r->pos, "bw_reader_scalar: %s is not a scalar kind",
                          t ? bw_kind_name(t->kind) : "NULL");
  }
}

int bw_reader_data(bw_reader *r, const uint8_t **p, size_t *len) {
  uint64_t n = 0;
  int rc = bw_rd_count(r->data, r->len, &r->pos, 1, UINT64_MAX, &n, r->err);
  if (rc) return rc;
  *p = r->data + r->pos;
  *len = (size_t)n;
  r->pos += (size_t)n;
  return 0;
}

int bw_reader_str(bw_reader *r, const char **s, size_t *len) {
  size_t start = r->pos;
  uint64_t n = 0;
  int rc = bw_rd_count(r->data, r->len, &r->pos, 1, UINT64_MAX, &n, r->err);
  if (rc) return rc;
  if ((rc = bw_codec_utf8(r->data, r->pos, (size_t)n, r->err))) {
    r->pos = start;
    return rc;
  }
  *s = (const char *)r->data + r->pos;
  *len = (size_t)n;
  r->pos += (size_t)n;
  return 0;
}

int bw_reader_data_fixed(bw_reader *r, size_t n, const uint8_t **p) {
  int rc = need(r, n, "data[N]");
  if (rc) return rc;
  *p = r->data + r->pos;
  r->pos += n;
  return 0;
}

int bw_reader_count(bw_reader *r, const bw_type *t, uint64_t *count) {
  t = bw_type_resolve(t);
  if (!t || (t->kind != BW_KIND_LIST && t->kind != BW_KIND_MAP))
    return bw_error_set(r->err, BW_ETYPE, r->pos, "bw_reader_count: not a list or map");
  uint64_t unit = bw_codec_min_size(t->elem);
  if (t->kind == BW_KIND_MAP) unit += bw_codec_min_size(t->key);
  return bw_rd_count(r->data, r->len, &r->pos, unit, r->max_elements, count, r->err);
}

int bw_reader_union(bw_reader *r, const bw_type *t, uint64_t *tag, const bw_type **member) {
  t = bw_type_resolve(t);
  if (!t || t->kind != BW_KIND_UNION)
    return bw_error_set(r->err, BW_ETYPE, r->pos, "bw_reader_union: not a union");
  size_t start = r->pos;
  int rc = bw_reader_uint(r, tag);
  if (rc) return rc;
  long idx = bw_codec_union_index(t, *tag);
  if (idx < 0) {
    r->pos = start;
    return bw_error_set(r->err, BW_ETAG, start, "union tag %llu is not defined",
                        (unsigned long long)*tag);
  }
  if (member) *member = t->variants[idx].type;
  return 0;
}

/* ---- skipping ---------------------------------------------------------------------------- */

static int skip_at(bw_reader *r, const bw_type *t, size_t depth, int check_keys);

/* Skips n elements of a map; with check_keys, detects a repeated key through the encoded key
 * bytes (temporary index, freed here). */
static int skip_map(bw_reader *r, const bw_type *t, uint64_t n, size_t depth, int check_keys) {
  bw_span_vec spans;
  bw_span_vec_init(&spans);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t start = r->pos;
    rc = skip_at(r, t->key, depth, check_keys);
    if (check_keys && !rc) {
      if (bw_span_vec_reserve(&spans, i)) {
        rc = bw_error_set(r->err, BW_ENOMEM, r->pos, "out of memory");
        break;
      }
      spans.items[i].p = r->data + start;
      spans.items[i].len = r->pos - start;
    }
    if (!rc) rc = skip_at(r, t->elem, depth, check_keys);
  }
  if (!rc && check_keys) {
    long dup = bw_codec_find_duplicate(spans.items, (size_t)n);
    if (dup >= 0)
      rc = bw_error_set(r->err, BW_EDUPKEY,
                        (uint64_t)(bw_span_vec_find(&spans, (size_t)n, dup)->p - r->data),
                        "map key %ld repeats an earlier key", dup);
  }
  bw_span_vec_free(&spans);
  return rc;
}

#define NOT_LEAF 1

/* Scalars, strings and data, checked as strictly as the decoder does; inlined into the struct
 * and list loops. t is resolved. */
static BW_ALWAYS_INLINE int skip_leaf(bw_reader *r, const bw_type *t) {
  size_t pos = r->pos, left = r->len - pos;
  uint64_t u = 0;
  int rc;
  switch (t->kind) {
    case BW_KIND_UINT:
    case BW_KIND_INT:
      if (left && r->data[pos] < 0x80) {
        r->pos = pos + 1;
        return 0;
      }
      return bw_rd_uint(r->data, r->len, &r->pos, &u, r->err);
    case BW_KIND_BOOL:
      if (!left) return need(r, 1, "bool");
      if (r->data[pos] > 1)
        return bw_error_set(r->err, BW_EBOOL, pos, "bool byte is %u, not 0 or 1", r->data[pos]);
      r->pos = pos + 1;
      return 0;
    case BW_KIND_ENUM:
      return bw_reader_scalar(r, t, &u);
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
    case BW_KIND_F32:
    case BW_KIND_F64: {
      unsigned w = bw_kind_width(t->kind);
      if (left < w) return need(r, w, bw_kind_name(t->kind));
      r->pos = pos + w;
      return 0;
    }
    case BW_KIND_STR:
    case BW_KIND_DATA: {
      uint64_t n = 0;
      if (left && r->data[pos] < 0x80 && r->data[pos] < left) {
        n = r->data[pos];
        r->pos = pos + 1;
      } else if ((rc = bw_rd_count(r->data, r->len, &r->pos, 1, UINT64_MAX, &n, r->err))) {
        return rc;
      }
      if (t->kind == BW_KIND_STR && (rc = bw_codec_utf8(r->data, r->pos, (size_t)n, r->err))) {
        r->pos = pos;
        return rc;
      }
      r->pos += (size_t)n;
      return 0;
    }
    case BW_KIND_DATA_FIXED:
      if (t->length > left) return need(r, (size_t)t->length, "data[N]");
      r->pos = pos + (size_t)t->length;
      return 0;
    case BW_KIND_VOID:
      return 0;
    default:
      return NOT_LEAF;
  }
}

/* A struct with a wire plan (its fields at depth), checked without the walk's per-field
 * resolution: 1 when it is good (r->pos past it), 0 (r->pos unchanged) when the walk must go
 * over it, to find and report what is wrong or to apply a limit the plan does not. The first
 * kind: its size, then its bools (in field order: the first bad one is the walk's error). */
static BW_ALWAYS_INLINE int skip_planned(bw_reader *r, const bw_wire_plan *wp, size_t depth) {
  const uint8_t *d = r->data;
  size_t len = r->len, pos = r->pos;
  if (!wp->scalar) {
    if (wp->size > len - pos) return 0;
    for (size_t i = 0; i < wp->bool_count; i++)
      if (d[pos + wp->bool_at[i]] > 1) return 0;
    r->pos = pos + wp->size;
    return 1;
  }
  const bw_wire_field *wf = wp->fields;
  for (size_t i = 0; i < wp->count; i++, wf++) {
    size_t left = len - pos;
    switch (wf->op) {
      case BW_WIRE_UINT:
      case BW_WIRE_INT:
        if (left && d[pos] < 0x80) {
          pos++;
        } else {
          uint64_t u = 0;
          if (bw_rd_uint(d, len, &pos, &u, NULL)) return 0;
        }
        break;
      case BW_WIRE_ENUM: {
        uint64_t u = 0;
        if (left && d[pos] < 0x80)
          u = d[pos++];
        else if (bw_rd_uint(d, len, &pos, &u, NULL))
          return 0;
        if (!bw_wire_enum_member(wf, u)) return 0;
        break;
      }
      case BW_WIRE_NUMBERS: {
        /* a list<T>[N] is a level of its own, and within the element limit */
        uint64_t n = wf->type->length;
        if (depth >= r->max_depth || n > r->max_elements || n > left / wf->width) return 0;
        if (wf->elem->kind == BW_KIND_BOOL)
          for (uint64_t k = 0; k < n; k++)
            if (d[pos + k] > 1) return 0;
        pos += (size_t)n * wf->width;
        break;
      }
      default: /* BW_WIRE_FIXED */
        if (wf->width > left || (wf->is_bool && d[pos] > 1)) return 0;
        pos += wf->width;
        break;
    }
  }
  r->pos = pos;
  return 1;
}

static int skip_at(bw_reader *r, const bw_type *t, size_t depth, int check_keys) {
  t = bw_type_resolve(t);
  int rc = skip_leaf(r, t);
  if (rc != NOT_LEAF) return rc;
  uint64_t n = 0, u = 0;
  if (depth >= r->max_depth)
    return bw_error_set(r->err, BW_ELIMIT, r->pos, "values nested deeper than %zu", r->max_depth);
  depth++;
  switch (t->kind) {
    case BW_KIND_OPTIONAL: {
      int present;
      if ((rc = bw_reader_optional(r, &present))) return rc;
      return present ? skip_at(r, t->elem, depth, check_keys) : 0;
    }
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED: {
      if (t->kind == BW_KIND_LIST) {
        if ((rc = bw_reader_count(r, t, &n))) return rc;
      } else {
        n = t->length;
        if (n > r->max_elements)
          return bw_error_set(r->err, BW_ELIMIT, r->pos, "list of %llu exceeds the element limit",
                              (unsigned long long)n);
      }
      const bw_type *e = bw_type_resolve(t->elem);
      /* bools are fixed-width too, but each must be checked as 0 or 1 */
      unsigned w = e->kind == BW_KIND_BOOL ? 0 : bw_kind_width(e->kind);
      uint64_t unit = w ? w : bw_codec_min_size(e);
      if (unit && n > (r->len - r->pos) / unit)
        return bw_error_set(r->err, BW_ETRUNCATED, r->pos,
                            "%llu elements of at least %llu bytes exceed the %zu bytes left",
                            (unsigned long long)n, (unsigned long long)unit, r->len - r->pos);
      if (w) {
        /* Fixed-width numbers need no per-element check (the size was checked above). */
        r->pos += (size_t)n * w;
        return 0;
      }
      for (uint64_t i = 0; i < n; i++) {
        rc = skip_leaf(r, e);
        if (rc == NOT_LEAF) rc = skip_at(r, e, depth, check_keys);
        if (rc) return rc;
      }
      return 0;
    }
    case BW_KIND_MAP:
      if ((rc = bw_reader_count(r, t, &n))) return rc;
      return skip_map(r, t, n, depth, check_keys);
    case BW_KIND_STRUCT:
      if (t->wire && skip_planned(r, t->wire, depth)) return 0;
      for (size_t i = 0; i < t->count; i++) {
        const bw_type *ft = bw_type_resolve(t->fields[i].type);
        rc = skip_leaf(r, ft);
        if (rc == NOT_LEAF) rc = skip_at(r, ft, depth, check_keys);
        if (rc) return rc;
      }
      return 0;
    case BW_KIND_UNION: {
      const bw_type *m;
      if ((rc = bw_reader_union(r, t, &u, &m))) return rc;
      return skip_at(r, m, depth, check_keys);
    }
    default:
      return bw_error_set(r->err, BW_EINVAL, r->pos, "unresolved type (schema not validated?)");
  }
}

int bw_reader_skip(bw_reader *r, const bw_type *t) {
  if (!t) return bw_error_set(r->err, BW_EINVAL, r->pos, "bw_reader_skip: NULL type");
  size_t start = r->pos;
  int rc = skip_at(r, t, 0, 0);
  if (rc) r->pos = start;
  return rc;
}

int bw_reader_field(bw_reader *r, const bw_type *t, const char *name, const bw_field **field) {
  t = bw_type_resolve(t);
  if (!t || t->kind != BW_KIND_STRUCT || !name)
    return bw_error_set(r->err, BW_ETYPE, r->pos, "bw_reader_field: not a struct");
  size_t i = 0;
  while (i < t->count && strcmp(t->fields[i].name, name) != 0) i++;
  if (i == t->count)
    return bw_error_set(r->err, BW_ENOTFOUND, r->pos, "struct has no field '%s'", name);
  size_t start = r->pos;
  for (size_t k = 0; k < i; k++) {
    int rc = skip_at(r, t->fields[k].type, 1, 0);
    if (rc) {
      r->pos = start;
      return rc;
    }
  }
  if (field) *field = &t->fields[i];
  return 0;
}

int bw_reader_next(bw_reader *r, const bw_type *t, const uint8_t **msg, size_t *len) {
  if (r->pos == r->len) return 0;
  size_t start = r->pos;
  int rc = bw_reader_skip(r, t);
  if (rc) return rc;
  if (r->pos - start > r->max_message_size) {
    r->pos = start;
    return bw_error_set(r->err, BW_ELIMIT, start, "message of %zu bytes exceeds the limit of %zu",
                        r->pos - start, r->max_message_size);
  }
  if (r->pos == start)
    return bw_error_set(r->err, BW_ETRAILING, start,
                        "%zu bytes after a zero-size message (a stream of them has no bytes)",
                        r->len - start);
  *msg = r->data + start;
  *len = r->pos - start;
  return 1;
}

int bw_message_check(const bw_type *t, const void *data, size_t len, const bw_decode_options *opts,
                     bw_error *err) {
  bw_reader r;
  int rc = bw_reader_init(&r, data, len, opts, err);
  if (rc) return rc;
  if (!t) return bw_error_set(err, BW_EINVAL, 0, "bw_message_check: NULL type");
  if (len > r.max_message_size)
    return bw_error_set(err, BW_ELIMIT, 0, "message of %zu bytes exceeds the limit of %zu", len,
                        r.max_message_size);
  if ((rc = skip_at(&r, t, 0, 1))) return rc;
  if (r.pos != len)
    return bw_error_set(err, BW_ETRAILING, r.pos, "%zu trailing byte(s) after the message",
                        len - r.pos);
  return 0;
}

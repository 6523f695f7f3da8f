/* barewire memory: native memory <-> BARE messages.
 *
 * The public functions first try the type's compiled plan (plan.c), which handles every good
 * input of a plannable type; anything else comes here. One walker follows a type with a native
 * layout over memory: struct fields in declaration order at their native offsets, bitfields by bit
 * position, array elements by their native stride, a flexible array after the record. Encoding
 * reads memory and writes the wire form; decoding makes two passes over the message: the first
 * checks everything (strict BARE rules, and that every value fits its native field and every
 * element fits the memory) without writing, the second zeroes the destination (padding included)
 * and stores the values. An invalid message therefore never leaves a half-written record behind,
 * and no scratch copy is needed.
 *
 * Wire forms (BARE.md): fixed-width numbers little-endian, bool one byte 0/1, enums as their
 * value in a uint varint, `uint` and `int` (8 bytes in memory: uint64_t and int64_t) as a
 * varint (an int zig-zag encoded first), byte arrays and C unions (data[N]) as their bytes, fixed
 * arrays as their elements, a flexible array (list<T>) as a count and its elements. */
#include <stdint.h>
#include <stdlib.h>

#include "memory_internal.h"

typedef struct walker {
  const bw_schema *schema;
  const bw_region *region;
  int big_endian;
  bw_error *err;
  /* encoding */
  uint8_t *out;
  size_t cap;
  size_t len;
  uint64_t flex_count;
  /* decoding */
  const uint8_t *msg;
  size_t msg_len;
  size_t pos;
  int write;
  uint64_t flex_seen;
  size_t max_elements;
} walker;

static int in_region(walker *w, uint64_t off, uint64_t n) {
  if (off > w->region->len || n > w->region->len - off)
    return bw_error_set(w->err, BW_ERANGE, off, "%llu bytes at offset %llu lie outside the memory",
                        (unsigned long long)n, (unsigned long long)off);
  return 0;
}

/* A view of a flexible array member itself (`bw view --field items`): it is walked as its
 * field, from the record that holds it. */
static int is_flex_view(const bw_view *v) {
  return v->type->kind == BW_KIND_LIST && (v->field_flags & BW_FIELD_FLEXIBLE) && v->field &&
         v->field->offset <= v->offset;
}

/* ---- encoding ------------------------------------------------------------------------ */

static inline int put(walker *w, const void *p, size_t n) {
  if (n > SIZE_MAX - w->len) return bw_error_set(w->err, BW_ELIMIT, 0, "message too large");
  if (n && w->len <= w->cap && n <= w->cap - w->len) memcpy(w->out + w->len, p, n);
  w->len += n;
  return 0;
}

static int put_varint(walker *w, uint64_t v) {
  uint8_t tmp[BW_VARINT_MAX];
  return put(w, tmp, bw_varint_put(tmp, v));
}

/* The wire form of a scalar of resolved type t whose memory holds raw (as bw_mem_slot_load
 * returns it); off locates it for messages. */
static int encode_scalar(walker *w, const bw_type *t, uint64_t raw, uint64_t off) {
  if (t->kind == BW_KIND_BOOL) {
    if (raw > 1)
      return bw_error_set(w->err, BW_EBOOL, off, "bool at offset %llu holds %llu",
                          (unsigned long long)off, (unsigned long long)raw);
    uint8_t b = (uint8_t)raw;
    return put(w, &b, 1);
  }
  if (t->kind == BW_KIND_ENUM) {
    if (!bw_mem_enum_member(t, raw))
      return bw_error_set(w->err, BW_EENUM, off, "enum at offset %llu holds %llu, not a member",
                          (unsigned long long)off, (unsigned long long)raw);
    return put_varint(w, raw);
  }
  if (t->kind == BW_KIND_UINT) return put_varint(w, raw);
  if (t->kind == BW_KIND_INT) return put_varint(w, bw_zigzag_encode((int64_t)raw));
  uint8_t tmp[8];
  unsigned width = bw_kind_width(t->kind);
  bw_store_le(tmp, raw, width);
  return put(w, tmp, width);
}

static int encode_value(walker *w, const bw_type *t, uint64_t off, int tail, unsigned depth);

static int encode_field(walker *w, const bw_field *f, uint64_t off, int tail, unsigned depth) {
  const bw_type *ft = bw_type_resolve(f->type);
  if (f->flags & BW_FIELD_BITFIELD) {
    uint64_t first = off + f->bit_offset / 8;
    mem_slot s = {NULL, 0, (uint32_t)(f->bit_offset % 8), f->bit_width, ft->kind, w->big_endian};
    s.width = (s.bit_shift + s.bit_width + 7) / 8;
    int rc = in_region(w, first, s.width);
    if (rc) return rc;
    s.p = w->region->base + first;
    return encode_scalar(w, ft, bw_mem_slot_load(&s), first);
  }
  if (f->flags & BW_FIELD_FLEXIBLE) {
    uint64_t count = tail ? w->flex_count : 0, es;
    int rc = bw_mem_type_size(w->schema, ft->elem, &es, w->err);
    if (rc) return rc;
    uint64_t start = off + f->offset;
    if (es && count > (UINT64_MAX - start) / es)
      return bw_error_set(w->err, BW_ERANGE, start, "flexible array too long");
    if ((rc = in_region(w, start, count * es)) != 0) return rc;
    if ((rc = put_varint(w, count)) != 0) return rc;
    for (uint64_t i = 0; i < count; i++)
      if ((rc = encode_value(w, ft->elem, start + i * es, 0, depth + 1)) != 0) return rc;
    return 0;
  }
  return encode_value(w, f->type, off + f->offset, tail, depth + 1);
}

/* 1 when a value of resolved kind k is the same bytes in memory and on the wire: a fixed-width
 * number (not bool, which must be checked) stored in little-endian order. */
static int same_bytes(const walker *w, bw_kind k) {
  return !w->big_endian && bw_kind_is_fixed_primitive(k) && k != BW_KIND_BOOL;
}

/* Bytes covered by the run of fields of struct r starting at field i that are little-endian
 * numbers stored back to back (each at the end of the previous one); 0 when field i is not
 * such a number. */
static size_t plain_run(const walker *w, const bw_type *r, size_t i, size_t *fields) {
  size_t bytes = 0;
  *fields = 0;
  uint64_t next = r->fields[i].offset;
  for (; i < r->count; i++) {
    const bw_field *f = &r->fields[i];
    bw_kind k = bw_type_resolve(f->type)->kind;
    if (f->flags & (BW_FIELD_BITFIELD | BW_FIELD_FLEXIBLE) || !same_bytes(w, k) ||
        f->offset != next)
      break;
    bytes += bw_kind_width(k);
    next += bw_kind_width(k);
    ++*fields;
  }
  return bytes;
}

static int encode_value(walker *w, const bw_type *t, uint64_t off, int tail, unsigned depth) {
  const bw_type *r = bw_type_resolve(t);
  int rc;
  if (depth > BW_MEM_MAX_DEPTH) return bw_error_set(w->err, BW_ELIMIT, off, "nesting too deep");
  /* Fast path: little-endian numbers are copied as they are. */
  if (same_bytes(w, r->kind)) {
    unsigned width = bw_kind_width(r->kind);
    if ((rc = in_region(w, off, width)) != 0) return rc;
    return put(w, w->region->base + off, width);
  }
  const bw_native *n = bw_mem_native(t);
  uint32_t sw = bw_mem_scalar_width(r, n);
  if (sw) {
    if ((rc = in_region(w, off, sw)) != 0) return rc;
    mem_slot s = {w->region->base + off, sw, 0, 0, r->kind, w->big_endian};
    return encode_scalar(w, r, bw_mem_slot_load(&s), off);
  }
  switch (r->kind) {
    case BW_KIND_DATA_FIXED:
      if ((rc = in_region(w, off, r->length)) != 0) return rc;
      return put(w, w->region->base + off, (size_t)r->length);
    case BW_KIND_LIST_FIXED: {
      uint64_t es;
      if ((rc = bw_mem_type_size(w->schema, r->elem, &es, w->err)) != 0) return rc;
      const bw_type *e = bw_type_resolve(r->elem);
      /* An array of little-endian numbers is one copy: the stride is the width, no padding. */
      if (same_bytes(w, e->kind) && es == bw_kind_width(e->kind) && r->length <= SIZE_MAX / es) {
        if ((rc = in_region(w, off, es * r->length)) != 0) return rc;
        return put(w, w->region->base + off, (size_t)(es * r->length));
      }
      for (uint64_t i = 0; i < r->length; i++)
        if ((rc = encode_value(w, r->elem, off + i * es, 0, depth + 1)) != 0) return rc;
      return 0;
    }
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < r->count;) {
        /* Adjacent little-endian numbers with no padding between them are one copy. */
        size_t nfields, run = plain_run(w, r, i, &nfields);
        if (run) {
          const bw_field *f = &r->fields[i];
          if ((rc = in_region(w, off + f->offset, run)) != 0) return rc;
          if ((rc = put(w, w->region->base + off + f->offset, run)) != 0) return rc;
          i += nfields;
          continue;
        }
        if ((rc = encode_field(w, &r->fields[i], off, tail && i + 1 == r->count, depth)) != 0)
          return rc;
        i++;
      }
      return 0;
    default:
      return bw_error_set(w->err, BW_ENOLAYOUT, off, "%s has no native layout",
                          bw_mem_type_name(w->schema, t));
  }
}

int bw_view_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                      size_t *len, bw_error *err) {
  return bw_mem_encode_to(v, opts, out, cap, len, err);
}

int bw_mem_walk_encode_to(const bw_view *v, const bw_native_options *opts, uint8_t *out, size_t cap,
                          size_t *len, bw_error *err) {
  if (!v || (!out && cap)) return bw_error_set(err, BW_EINVAL, 0, "encode: NULL argument");
  walker w;
  memset(&w, 0, sizeof w);
  w.schema = v->schema;
  w.region = &v->region;
  w.big_endian = v->big_endian;
  w.err = err;
  w.out = out;
  w.cap = cap;
  w.flex_count = opts ? opts->flex_count : 0;
  int rc;
  if (v->bit_width) {
    mem_slot s = {v->base,      (uint32_t)v->size, v->bit_shift,
                  v->bit_width, v->type->kind,     v->big_endian};
    rc = encode_scalar(&w, v->type, bw_mem_slot_load(&s), v->offset);
  } else if (is_flex_view(v)) {
    rc = encode_field(&w, v->field, v->offset - v->field->offset, 1, 0);
  } else {
    rc = encode_value(&w, v->declared, v->offset, 1, 0);
  }
  if (rc) return rc;
  if (len) *len = w.len;
  if (w.len > cap)
    return bw_error_set(err, BW_ENOSPACE, 0, "message needs %zu bytes, the buffer has %zu", w.len,
                        cap);
  return 0;
}

int bw_view_encode(const bw_view *v, const bw_native_options *opts, uint8_t **out, size_t *len,
                   bw_error *err) {
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "encode: NULL output");
  /* Small records through the plan into a stack buffer: no sizing pass. */
  uint8_t small[512];
  size_t need = 0;
  if (bw_mem_plan_encode_to(v, opts, small, sizeof small, &need) == 0) {
    uint8_t *copy = malloc(need ? need : 1);
    if (!copy) return bw_error_set(err, BW_ENOMEM, 0, "out of memory");
    memcpy(copy, small, need);
    *out = copy;
    if (len) *len = need;
    return 0;
  }
  int rc = bw_view_encode_to(v, opts, NULL, 0, &need, NULL);
  if (rc && rc != BW_ENOSPACE) return bw_view_encode_to(v, opts, NULL, 0, &need, err);
  uint8_t *buf = malloc(need ? need : 1);
  if (!buf) return bw_error_set(err, BW_ENOMEM, 0, "out of memory");
  rc = bw_view_encode_to(v, opts, buf, need, &need, err);
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  if (len) *len = need;
  return 0;
}

/* ---- decoding ------------------------------------------------------------------------ */

static int take(walker *w, size_t n, const uint8_t **p) {
  if (n > w->msg_len - w->pos)
    return bw_error_set(w->err, BW_ETRUNCATED, w->pos, "message ends inside a value");
  *p = w->msg + w->pos;
  w->pos += n;
  return 0;
}

static int take_varint(walker *w, uint64_t *v) {
  int n = bw_varint_get(w->msg + w->pos, w->msg_len - w->pos, v);
  if (n < 0) return bw_error_set(w->err, n, w->pos, "%s", bw_status_message(n));
  w->pos += (size_t)n;
  return 0;
}

/* Reads one scalar of resolved type t from the message and stores it in slot s (whose p is
 * only used on the writing pass). */
static int decode_scalar(walker *w, const bw_type *t, mem_slot *s) {
  size_t at = w->pos;
  uint64_t raw = 0;
  const uint8_t *p = NULL;
  int rc;
  if (t->kind == BW_KIND_ENUM) {
    if ((rc = take_varint(w, &raw)) != 0) return rc;
    if (!bw_mem_enum_member(t, raw))
      return bw_error_set(w->err, BW_EENUM, at, "%llu is not a member of %s",
                          (unsigned long long)raw, bw_mem_type_name(w->schema, t));
  } else if (bw_mem_kind_varint(t->kind)) {
    /* strict: a minimal varint of at most 64 bits, else the reader's code at its first byte */
    if ((rc = take_varint(w, &raw)) != 0) return rc;
    if (t->kind == BW_KIND_INT) raw = (uint64_t)bw_zigzag_decode(raw);
  } else {
    unsigned width = bw_kind_width(t->kind);
    if ((rc = take(w, width, &p)) != 0) return rc;
    raw = bw_load_le(p, width);
    if (t->kind == BW_KIND_BOOL && raw > 1)
      return bw_error_set(w->err, BW_EBOOL, at, "bool byte is %llu", (unsigned long long)raw);
    if (bw_mem_kind_signed(t->kind) && width < 8 && ((raw >> (8 * width - 1)) & 1))
      raw |= ~(uint64_t)0 << (8 * width);
  }
  if (!bw_mem_slot_fits(s, raw))
    return bw_error_set(w->err, BW_ERANGE, at, "%lld does not fit its native field of %u bits",
                        (long long)raw, s->bit_width ? s->bit_width : s->width * 8);
  if (w->write) bw_mem_slot_store(s, raw);
  return 0;
}

static int decode_value(walker *w, const bw_type *t, uint64_t off, int tail, unsigned depth);

static int decode_field(walker *w, const bw_field *f, uint64_t off, int tail, unsigned depth) {
  const bw_type *ft = bw_type_resolve(f->type);
  int rc;
  if (f->flags & BW_FIELD_BITFIELD) {
    uint64_t first = off + f->bit_offset / 8;
    mem_slot s = {NULL, 0, (uint32_t)(f->bit_offset % 8), f->bit_width, ft->kind, w->big_endian};
    s.width = (s.bit_shift + s.bit_width + 7) / 8;
    if ((rc = in_region(w, first, s.width)) != 0) return rc;
    s.p = w->region->base + first;
    return decode_scalar(w, ft, &s);
  }
  if (f->flags & BW_FIELD_FLEXIBLE) {
    size_t at = w->pos;
    uint64_t count, es;
    if ((rc = take_varint(w, &count)) != 0) return rc;
    if ((rc = bw_mem_type_size(w->schema, ft->elem, &es, w->err)) != 0) return rc;
    if (count && !tail)
      return bw_error_set(w->err, BW_ERANGE, at,
                          "flexible array inside an array or not at the end holds %llu elements",
                          (unsigned long long)count);
    if (count > w->max_elements)
      return bw_error_set(w->err, BW_ELIMIT, at, "%llu elements exceed the limit of %zu",
                          (unsigned long long)count, w->max_elements);
    /* Every element takes at least one byte on the wire: check before looping. */
    if (count > w->msg_len - w->pos)
      return bw_error_set(w->err, BW_ETRUNCATED, at, "%llu elements but %zu bytes remain",
                          (unsigned long long)count, w->msg_len - w->pos);
    uint64_t start = off + f->offset;
    if (es && count > (UINT64_MAX - start) / es)
      return bw_error_set(w->err, BW_ERANGE, at, "flexible array too long");
    if (start > w->region->len || count * es > w->region->len - start)
      return bw_error_set(w->err, BW_ERANGE, at,
                          "%llu elements of the flexible array do not fit in the memory",
                          (unsigned long long)count);
    w->flex_seen = count;
    for (uint64_t i = 0; i < count; i++)
      if ((rc = decode_value(w, ft->elem, start + i * es, 0, depth + 1)) != 0) return rc;
    return 0;
  }
  return decode_value(w, f->type, off + f->offset, tail, depth + 1);
}

static int decode_value(walker *w, const bw_type *t, uint64_t off, int tail, unsigned depth) {
  const bw_type *r = bw_type_resolve(t);
  const bw_native *n = bw_mem_native(t);
  const uint8_t *p = NULL;
  int rc;
  if (depth > BW_MEM_MAX_DEPTH) return bw_error_set(w->err, BW_ELIMIT, w->pos, "nesting too deep");
  uint32_t sw = bw_mem_scalar_width(r, n);
  if (sw) {
    if ((rc = in_region(w, off, sw)) != 0) return rc;
    mem_slot s = {w->region->base + off, sw, 0, 0, r->kind, w->big_endian};
    return decode_scalar(w, r, &s);
  }
  switch (r->kind) {
    case BW_KIND_DATA_FIXED:
      if ((rc = in_region(w, off, r->length)) != 0) return rc;
      if ((rc = take(w, (size_t)r->length, &p)) != 0) return rc;
      if (w->write) memmove(w->region->base + off, p, (size_t)r->length);
      return 0;
    case BW_KIND_LIST_FIXED: {
      uint64_t es;
      if ((rc = bw_mem_type_size(w->schema, r->elem, &es, w->err)) != 0) return rc;
      for (uint64_t i = 0; i < r->length; i++)
        if ((rc = decode_value(w, r->elem, off + i * es, 0, depth + 1)) != 0) return rc;
      return 0;
    }
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < r->count; i++)
        if ((rc = decode_field(w, &r->fields[i], off, tail && i + 1 == r->count, depth)) != 0)
          return rc;
      return 0;
    default:
      return bw_error_set(w->err, BW_ENOLAYOUT, w->pos, "%s has no native layout",
                          bw_mem_type_name(w->schema, t));
  }
}

static int decode_pass(walker *w, const bw_view *v) {
  w->pos = 0;
  w->flex_seen = 0;
  if (v->bit_width) {
    mem_slot s = {v->base,      (uint32_t)v->size, v->bit_shift,
                  v->bit_width, v->type->kind,     v->big_endian};
    return decode_scalar(w, v->type, &s);
  }
  if (is_flex_view(v)) return decode_field(w, v->field, v->offset - v->field->offset, 1, 0);
  return decode_value(w, v->declared, v->offset, 1, 0);
}

int bw_view_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                   size_t *consumed, uint64_t *flex_count, bw_error *err) {
  return bw_mem_decode(v, msg, len, opts, consumed, flex_count, err);
}

int bw_mem_walk_decode(const bw_view *v, const void *msg, size_t len, const bw_native_options *opts,
                       size_t *consumed, uint64_t *flex_count, bw_error *err) {
  if (!v || (!msg && len)) return bw_error_set(err, BW_EINVAL, 0, "decode: NULL argument");
  if (!v->region.writable)
    return bw_error_set(err, BW_EREADONLY, v->offset, "decode: the destination is read-only");
  size_t max_size =
      opts && opts->max_message_size ? opts->max_message_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  if (len > max_size)
    return bw_error_set(err, BW_ELIMIT, 0, "message of %zu bytes exceeds the limit of %zu", len,
                        max_size);
  static const uint8_t empty[1] = {0};
  walker w;
  memset(&w, 0, sizeof w);
  w.schema = v->schema;
  w.region = &v->region;
  w.big_endian = v->big_endian;
  w.err = err;
  w.msg = msg ? msg : empty;
  w.msg_len = len;
  w.max_elements = opts && opts->max_elements ? opts->max_elements : BW_DEFAULT_MAX_ELEMENTS;
  int rc = decode_pass(&w, v);
  if (rc) return rc;
  if (w.pos != len && !(opts && opts->allow_trailing))
    return bw_error_set(err, BW_ETRAILING, w.pos, "%zu bytes after the value", len - w.pos);
  uint64_t total;
  if ((rc = bw_view_native_size(v, w.flex_seen, &total, err)) != 0) return rc;
  /* The first pass proved every store lands inside the region. */
  if (!v->bit_width && total) memset(v->base, 0, (size_t)total);
  w.write = 1;
  rc = decode_pass(&w, v);
  if (rc) return rc;
  if (consumed) *consumed = w.pos;
  if (flex_count) *flex_count = w.flex_seen;
  return 0;
}

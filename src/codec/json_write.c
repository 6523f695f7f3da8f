/* barewire codec: values -> JSON text, in the form of the table in codec.h. Integers are
 * printed from their 64-bit values (never through a double); floats with the shortest of
 * %.{6..9}g (f32) or %.{15..17}g (f64) that reads back to the same bits; strings are escaped as
 * RFC 8259 requires and otherwise kept as UTF-8. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

typedef struct writer {
  bw_buf out;
  unsigned flags;
  bw_error *err;
} writer;

static void newline(writer *w, size_t depth) {
  if (!(w->flags & BW_JSON_PRETTY)) return;
  bw_buf_putc(&w->out, '\n');
  for (size_t i = 0; i < depth; i++) bw_buf_append(&w->out, "  ", 2);
}

static void put_string(writer *w, const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  bw_buf *b = &w->out;
  if (bw_buf_reserve(b, n + 2)) return;
  bw_buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    bw_buf_append(b, s + run, i - run);
    run = i + 1;
    char esc[7] = {'\\', 0};
    switch (c) {
      case '"':
      case '\\':
        esc[1] = (char)c;
        break;
      case '\n':
        esc[1] = 'n';
        break;
      case '\r':
        esc[1] = 'r';
        break;
      case '\t':
        esc[1] = 't';
        break;
      case '\b':
        esc[1] = 'b';
        break;
      case '\f':
        esc[1] = 'f';
        break;
      default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        bw_buf_append(b, esc, 6);
        continue;
    }
    bw_buf_append(b, esc, 2);
  }
  bw_buf_append(b, s + run, n - run);
  bw_buf_putc(b, '"');
}

static void put_hex(writer *w, const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  bw_buf *b = &w->out;
  if (n > SIZE_MAX / 2 - 4 || bw_buf_reserve(b, 2 * n + 3)) return;
  b->data[b->len++] = '"';
  for (size_t i = 0; i < n; i++) {
    b->data[b->len++] = hex[s[i] >> 4];
    b->data[b->len++] = hex[s[i] & 15];
  }
  b->data[b->len++] = '"';
  b->data[b->len] = 0;
}

/* Integers are printed by hand (printf is the slowest part of writing numbers). */
static void put_u64(writer *w, uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  bw_buf_append(&w->out, tmp + i, sizeof tmp - i);
}

static void put_i64(writer *w, int64_t v) {
  if (v < 0) {
    bw_buf_putc(&w->out, '-');
    put_u64(w, 0 - (uint64_t)v); /* exact for INT64_MIN too */
    return;
  }
  put_u64(w, (uint64_t)v);
}

/* Formats a finite double with the fewest significant digits (from lo to hi) that read back
 * as the same value; is_f32 reads back through strtof. Returns the length written to out. */
static int shortest(char *out, size_t cap, double v, int is_f32) {
  /* For normal numbers a decimal of at most FLT_DIG/DBL_DIG digits that reads back is what
   * %.{6,15}g prints (trailing zeros stripped), so starting there finds the shortest. Subnormals
   * carry fewer bits: their shortest form may be shorter still, so they start from 1. */
  double tiny = is_f32 ? FLT_MIN : DBL_MIN;
  int lo = fabs(v) < tiny ? 1 : is_f32 ? 6 : 15, hi = is_f32 ? 9 : 17;
  int n = 0;
  for (int prec = lo; prec <= hi; prec++) {
    n = snprintf(out, cap, "%.*g", prec, v);
    if (is_f32 ? strtof(out, NULL) == (float)v : strtod(out, NULL) == v) break;
  }
  return n;
}

int bw_codec_format_float(char *out, size_t cap, double v, int is_f32) {
  if (isnan(v)) return snprintf(out, cap, "\"NaN\"");
  if (isinf(v)) return snprintf(out, cap, v < 0 ? "\"-Infinity\"" : "\"Infinity\"");
  return shortest(out, cap, v, is_f32);
}

static int write_value(writer *w, const bw_value *v, size_t depth);

static int write_union(writer *w, const bw_value *v, size_t depth) {
  const bw_type *t = v->type;
  long idx = bw_codec_union_index(t, v->as.variant.tag);
  if (idx < 0)
    return bw_error_set(w->err, BW_ETAG, 0, "union tag %llu is not defined",
                        (unsigned long long)v->as.variant.tag);
  const bw_type *mt = t->variants[idx].type;
  bw_buf_putc(&w->out, '{');
  newline(w, depth + 1);
  if (w->flags & BW_JSON_UNION_TYPE) {
    const char *name = mt->kind == BW_KIND_REF ? mt->ref_name : bw_kind_name(mt->kind);
    bw_buf_puts(&w->out, "\"type\":");
    if (w->flags & BW_JSON_PRETTY) bw_buf_putc(&w->out, ' ');
    put_string(w, (const uint8_t *)name, strlen(name));
    bw_buf_putc(&w->out, ',');
    newline(w, depth + 1);
  }
  bw_buf_puts(&w->out, "\"tag\":");
  if (w->flags & BW_JSON_PRETTY) bw_buf_putc(&w->out, ' ');
  put_u64(w, v->as.variant.tag);
  bw_buf_putc(&w->out, ',');
  newline(w, depth + 1);
  bw_buf_puts(&w->out, "\"value\":");
  if (w->flags & BW_JSON_PRETTY) bw_buf_putc(&w->out, ' ');
  int rc = write_value(w, v->as.variant.value, depth + 1);
  newline(w, depth);
  bw_buf_putc(&w->out, '}');
  return rc;
}

static int write_value(writer *w, const bw_value *v, size_t depth) {
  if (!v || !v->type) return bw_error_set(w->err, BW_ETYPE, 0, "value without a type");
  if (depth > BW_DEFAULT_MAX_VALUE_DEPTH * 64)
    return bw_error_set(w->err, BW_ELIMIT, 0, "value nested too deeply");
  const bw_type *t = v->type;
  char tmp[40];
  int rc;
  switch (t->kind) {
    case BW_KIND_UINT:
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
      put_u64(w, v->as.u);
      return 0;
    case BW_KIND_INT:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
      put_i64(w, v->as.i);
      return 0;
    case BW_KIND_F32:
      bw_buf_append(&w->out, tmp, (size_t)bw_codec_format_float(tmp, sizeof tmp, v->as.f32, 1));
      return 0;
    case BW_KIND_F64:
      bw_buf_append(&w->out, tmp, (size_t)bw_codec_format_float(tmp, sizeof tmp, v->as.f64, 0));
      return 0;
    case BW_KIND_BOOL:
      bw_buf_puts(&w->out, v->as.u ? "true" : "false");
      return 0;
    case BW_KIND_STR:
      put_string(w, v->as.bytes.ptr, v->as.bytes.len);
      return 0;
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED:
      put_hex(w, v->as.bytes.ptr, v->as.bytes.len);
      return 0;
    case BW_KIND_VOID:
      bw_buf_puts(&w->out, "null");
      return 0;
    case BW_KIND_ENUM: {
      long idx = bw_codec_enum_index(t, v->as.u);
      if (idx < 0)
        return bw_error_set(w->err, BW_EENUM, 0, "enum value %llu is not defined",
                            (unsigned long long)v->as.u);
      bw_buf_putc(&w->out, '"');
      bw_buf_puts(&w->out, t->members[idx].name);
      bw_buf_putc(&w->out, '"');
      return 0;
    }
    case BW_KIND_OPTIONAL:
      if (!v->as.optional) {
        bw_buf_puts(&w->out, "null");
        return 0;
      }
      return write_value(w, v->as.optional, depth);
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_STRUCT:
    case BW_KIND_MAP: {
      int is_struct = t->kind == BW_KIND_STRUCT;
      int object = is_struct || (t->kind == BW_KIND_MAP && bw_codec_map_is_object(t));
      int pairs = t->kind == BW_KIND_MAP && !object;
      size_t n = v->as.list.count;
      if (is_struct && n != t->count)
        return bw_error_set(w->err, BW_ETYPE, 0, "struct value has %zu fields, type has %zu", n,
                            t->count);
      bw_buf_putc(&w->out, object ? '{' : '[');
      for (size_t i = 0; i < n; i++) {
        if (i) bw_buf_putc(&w->out, ',');
        newline(w, depth + 1);
        const bw_value *item =
            t->kind == BW_KIND_MAP ? &v->as.list.items[2 * i] : &v->as.list.items[i];
        if (is_struct) {
          put_string(w, (const uint8_t *)t->fields[i].name, strlen(t->fields[i].name));
        } else if (object) {
          if (!item->type || item->type->kind != BW_KIND_STR)
            return bw_error_set(w->err, BW_ETYPE, 0, "map key is not a str");
          put_string(w, item->as.bytes.ptr, item->as.bytes.len);
          item++;
        } else if (pairs) {
          bw_buf_putc(&w->out, '[');
          if ((rc = write_value(w, item, depth + 1))) return rc;
          bw_buf_putc(&w->out, ',');
          if (w->flags & BW_JSON_PRETTY) bw_buf_putc(&w->out, ' ');
          if ((rc = write_value(w, item + 1, depth + 1))) return rc;
          bw_buf_putc(&w->out, ']');
          continue;
        }
        if (object) {
          bw_buf_putc(&w->out, ':');
          if (w->flags & BW_JSON_PRETTY) bw_buf_putc(&w->out, ' ');
        }
        if ((rc = write_value(w, item, depth + 1))) return rc;
      }
      if (n) newline(w, depth);
      bw_buf_putc(&w->out, object ? '}' : ']');
      return 0;
    }
    case BW_KIND_UNION:
      return write_union(w, v, depth);
    case BW_KIND_REF:
      break;
  }
  return bw_error_set(w->err, BW_ETYPE, 0, "value with an unresolved type");
}

int bw_value_to_json(const bw_value *v, unsigned flags, char **out, size_t *len, bw_error *err) {
  if (out) *out = NULL;
  if (!v || !out) return bw_error_set(err, BW_EINVAL, 0, "bw_value_to_json: NULL argument");
  writer w;
  memset(&w, 0, sizeof w);
  w.flags = flags;
  w.err = err;
  int rc = write_value(&w, v, 0);
  if (rc) {
    bw_buf_free(&w.out);
    return rc;
  }
  if (bw_buf_finish(&w.out, out, len)) return bw_error_set(err, BW_ENOMEM, 0, "out of memory");
  return 0;
}

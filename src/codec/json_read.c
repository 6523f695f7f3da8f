/* barewire codec: JSON text -> a value of a known type. A recursive-descent reader driven by
 * the schema type (no intermediate JSON tree): strict RFC 8259 syntax, a nesting limit, UTF-8
 * checked inside strings, \u escapes with surrogate pairs, integers parsed exactly into 64
 * bits, floats through strtod/strtof on the number's own text. Errors carry line and column
 * (computed from the byte offset only when an error happens). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"

typedef struct jreader {
  const char *s;
  size_t len;
  size_t pos;
  size_t max_depth;
  bw_value_arena *arena;
  bw_error *err;
} jreader;

static int jerr(jreader *r, int code, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int jerr(jreader *r, int code, size_t at, const char *fmt, ...) {
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < at && i < r->len; i++) {
    if (r->s[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  va_list ap;
  va_start(ap, fmt);
  bw_error_vset(r->err, code, at, line, col, fmt, ap);
  va_end(ap);
  return code;
}

static int oom(jreader *r) {
  return jerr(r, BW_ENOMEM, r->pos, "out of memory");
}

static void skip_ws(jreader *r) {
  while (r->pos < r->len) {
    char c = r->s[r->pos];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
    r->pos++;
  }
}

static int peek(jreader *r) {
  skip_ws(r);
  return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static const char *what(int c) {
  switch (c) {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    case -1:
      return "end of input";
    default:
      return c == '-' || (c >= '0' && c <= '9') ? "a number" : "an invalid character";
  }
}

static int expect(jreader *r, char c) {
  if (peek(r) != c) {
    int got = peek(r);
    if (got == -1) return jerr(r, BW_EJSON, r->pos, "expected '%c', found end of input", c);
    return jerr(r, BW_EJSON, r->pos, "expected '%c', found '%c'", c, got);
  }
  r->pos++;
  return 0;
}

/* A literal word (true, false, null). */
static int literal(jreader *r, const char *word) {
  size_t n = strlen(word);
  if (n > r->len - r->pos || memcmp(r->s + r->pos, word, n) != 0)
    return jerr(r, BW_EJSON, r->pos, "invalid literal (expected %s)", word);
  r->pos += n;
  return 0;
}

static int type_error(jreader *r, const char *want) {
  int c = peek(r);
  if (c != -1 && !strchr("{[\"tfn-0123456789", c))
    return jerr(r, BW_EJSON, r->pos, "unexpected character '%c'", c);
  return jerr(r, c == -1 ? BW_EJSON : BW_ETYPE, r->pos, "expected %s, found %s", want, what(c));
}

static int hex4(const char *p, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(uint8_t *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (uint8_t)(0xc0 | cp >> 6);
    o[1] = (uint8_t)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (uint8_t)(0xe0 | cp >> 12);
    o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (uint8_t)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (uint8_t)(0xf0 | cp >> 18);
  o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (uint8_t)(0x80 | (cp & 0x3f));
  return 4;
}

/* Reads a JSON string at the cursor: into the arena (unescaped, NUL after it) when keep, or
 * when it has escapes; else *out points into the text itself (no NUL after it), for a string
 * only looked at while reading (a field or member name, a float's "NaN"...), which would
 * otherwise take room in the arena for as long as the values do. */
static int scan_string(jreader *r, const uint8_t **out, size_t *out_len, int keep) {
  if (peek(r) != '"') return type_error(r, "a string");
  size_t start = ++r->pos, end = start;
  int escapes = 0;
  /* Find the closing quote; reject raw control characters. */
  while (1) {
    if (end >= r->len) return jerr(r, BW_EJSON, start - 1, "unterminated string");
    unsigned char c = (unsigned char)r->s[end];
    if (c == '"') break;
    if (c < 0x20) return jerr(r, BW_EJSON, end, "control character in string (escape it)");
    if (c == '\\') {
      escapes = 1;
      end++;
      if (end >= r->len) return jerr(r, BW_EJSON, start - 1, "unterminated string");
    }
    end++;
  }
  size_t n = end - start;
  size_t bad = bw_utf8_check((const uint8_t *)r->s + start, n);
  if (bad != n) return jerr(r, BW_EUTF8, start + bad, "invalid UTF-8 in string");
  if (!keep && !escapes) {
    *out = (const uint8_t *)r->s + start;
    *out_len = n;
    r->pos = end + 1;
    return 0;
  }
  uint8_t *o = bw_value_arena_raw(r->arena, n + 1);
  if (!o) return oom(r);
  if (!escapes) {
    memcpy(o, r->s + start, n);
    o[n] = 0;
    *out = o;
    *out_len = n;
    r->pos = end + 1;
    return 0;
  }
  size_t k = 0;
  for (size_t i = start; i < end;) {
    char c = r->s[i];
    if (c != '\\') {
      o[k++] = (uint8_t)c;
      i++;
      continue;
    }
    char e = r->s[i + 1];
    const char *simple = "\"\\/bfnrt", *repl = "\"\\/\b\f\n\r\t";
    const char *hit = e ? strchr(simple, e) : NULL;
    if (hit) {
      o[k++] = (uint8_t)repl[hit - simple];
      i += 2;
      continue;
    }
    uint32_t cp, lo;
    if (e != 'u' || end - i < 6 || hex4(r->s + i + 2, &cp))
      return jerr(r, BW_EJSON, i, "invalid escape in string");
    size_t at = i;
    i += 6;
    if (cp >= 0xdc00 && cp <= 0xdfff)
      return jerr(r, BW_EUTF8, at, "unpaired low surrogate \\u%04x", (unsigned)cp);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (end - i < 6 || r->s[i] != '\\' || r->s[i + 1] != 'u' || hex4(r->s + i + 2, &lo) ||
          lo < 0xdc00 || lo > 0xdfff)
        return jerr(r, BW_EUTF8, at, "unpaired high surrogate \\u%04x", (unsigned)cp);
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      i += 6;
    }
    k += put_utf8(o + k, cp);
  }
  o[k] = 0;
  *out = o;
  *out_len = k;
  r->pos = end + 1;
  return 0;
}

/* A string value kept in the arena (str, a map's str key, hex to decode in place). */
static int read_string(jreader *r, const uint8_t **out, size_t *out_len) {
  return scan_string(r, out, out_len, 1);
}

/* A string only looked at while reading: scan_string without a copy when it can. */
static int read_name(jreader *r, const uint8_t **out, size_t *out_len) {
  return scan_string(r, out, out_len, 0);
}

/* Scans a JSON number at the cursor: [start, end) and whether it has a fraction/exponent. */
static int scan_number(jreader *r, size_t *start, size_t *end, int *is_float) {
  size_t p = r->pos;
  *start = p;
  *is_float = 0;
  if (p < r->len && r->s[p] == '-') p++;
  if (p >= r->len || r->s[p] < '0' || r->s[p] > '9')
    return jerr(r, BW_EJSON, r->pos, "invalid number");
  if (r->s[p] == '0') {
    p++;
    if (p < r->len && r->s[p] >= '0' && r->s[p] <= '9')
      return jerr(r, BW_EJSON, r->pos, "leading zero in number");
  } else {
    while (p < r->len && r->s[p] >= '0' && r->s[p] <= '9') p++;
  }
  if (p < r->len && r->s[p] == '.') {
    *is_float = 1;
    p++;
    if (p >= r->len || r->s[p] < '0' || r->s[p] > '9')
      return jerr(r, BW_EJSON, p, "digit expected after '.'");
    while (p < r->len && r->s[p] >= '0' && r->s[p] <= '9') p++;
  }
  if (p < r->len && (r->s[p] == 'e' || r->s[p] == 'E')) {
    *is_float = 1;
    p++;
    if (p < r->len && (r->s[p] == '+' || r->s[p] == '-')) p++;
    if (p >= r->len || r->s[p] < '0' || r->s[p] > '9')
      return jerr(r, BW_EJSON, p, "digit expected in exponent");
    while (p < r->len && r->s[p] >= '0' && r->s[p] <= '9') p++;
  }
  *end = p;
  return 0;
}

/* An integer of kind k: exact, range-checked for the kind's width. */
static int read_integer(jreader *r, const bw_type *t, bw_value *out) {
  if (peek(r) != '-' && (peek(r) < '0' || peek(r) > '9')) return type_error(r, "an integer");
  size_t start, end;
  int is_float, rc;
  if ((rc = scan_number(r, &start, &end, &is_float))) return rc;
  if (is_float) return jerr(r, BW_ETYPE, start, "%s needs an integer", bw_kind_name(t->kind));
  int neg = r->s[start] == '-';
  uint64_t mag = 0;
  for (size_t i = start + (size_t)neg; i < end; i++) {
    unsigned d = (unsigned)(r->s[i] - '0');
    if (mag > (UINT64_MAX - d) / 10)
      return jerr(r, BW_EOVERFLOW, start, "integer does not fit in 64 bits");
    mag = mag * 10 + d;
  }
  unsigned w = bw_kind_width(t->kind);
  int is_signed = t->kind == BW_KIND_INT || (t->kind >= BW_KIND_I8 && t->kind <= BW_KIND_I64);
  if (!is_signed) {
    if (neg && mag)
      return jerr(r, BW_EOVERFLOW, start, "%s cannot be negative", bw_kind_name(t->kind));
    if (w && w < 8 && mag >> (8 * w))
      return jerr(r, BW_EOVERFLOW, start, "%llu does not fit in %s", (unsigned long long)mag,
                  bw_kind_name(t->kind));
    out->as.u = mag;
  } else {
    unsigned bits = w ? 8 * w : 64;
    uint64_t lim = (uint64_t)1 << (bits - 1); /* |min| */
    if (neg ? mag > lim : mag >= lim)
      return jerr(r, BW_EOVERFLOW, start, "integer does not fit in %s", bw_kind_name(t->kind));
    out->as.i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
  }
  r->pos = end;
  return 0;
}

static int read_float(jreader *r, const bw_type *t, bw_value *out) {
  int c = peek(r), is_f32 = t->kind == BW_KIND_F32;
  double d;
  if (c == '"') {
    size_t at = r->pos;
    const uint8_t *s;
    size_t n;
    int rc = read_name(r, &s, &n);
    if (rc) return rc;
    if (n == 3 && memcmp(s, "NaN", 3) == 0)
      d = NAN;
    else if (n == 8 && memcmp(s, "Infinity", 8) == 0)
      d = INFINITY;
    else if (n == 9 && memcmp(s, "-Infinity", 9) == 0)
      d = -INFINITY;
    else
      return jerr(r, BW_ETYPE, at, "string for a float must be NaN, Infinity or -Infinity");
    if (is_f32)
      out->as.f32 = (float)d;
    else
      out->as.f64 = d;
    return 0;
  }
  if (c != '-' && (c < '0' || c > '9')) return type_error(r, "a number");
  size_t start, end;
  int is_float, rc;
  if ((rc = scan_number(r, &start, &end, &is_float))) return rc;
  size_t n = end - start;
  char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
  if (!buf) return oom(r);
  memcpy(buf, r->s + start, n);
  buf[n] = 0;
  errno = 0;
  int overflow;
  if (is_f32) {
    float f = strtof(buf, NULL);
    overflow = isinf(f);
    out->as.f32 = f;
  } else {
    d = strtod(buf, NULL);
    overflow = isinf(d);
    out->as.f64 = d;
  }
  if (buf != small) free(buf);
  if (overflow)
    return jerr(r, BW_EOVERFLOW, start, "number is too large for %s", bw_kind_name(t->kind));
  r->pos = end;
  return 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int read_hex(jreader *r, const bw_type *t, bw_value *out) {
  size_t at = r->pos;
  const uint8_t *s;
  size_t n;
  int rc = read_string(r, &s, &n);
  if (rc) return rc;
  at++;
  if (n % 2) return jerr(r, BW_ETYPE, at, "hex string has an odd number of digits");
  /* Decode in place: the output is half the size of the text. */
  uint8_t *o = (uint8_t *)s;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval((char)s[2 * i]), lo = hexval((char)s[2 * i + 1]);
    if (hi < 0 || lo < 0) return jerr(r, BW_ETYPE, at + 2 * i, "invalid hex digit");
    o[i] = (uint8_t)(hi << 4 | lo);
  }
  if (t->kind == BW_KIND_DATA_FIXED && n / 2 != t->length)
    return jerr(r, BW_ETYPE, at - 1, "data[%llu] needs %llu bytes, found %zu",
                (unsigned long long)t->length, (unsigned long long)t->length, n / 2);
  out->as.bytes.ptr = o;
  out->as.bytes.len = n / 2;
  return 0;
}

static int read_value(jreader *r, const bw_type *t, bw_value *out, size_t depth);

/* Skips any JSON value (a union's "value" seen before its "tag"). */
static int skip_json(jreader *r, size_t depth) {
  int c = peek(r), rc;
  if (depth >= r->max_depth)
    return jerr(r, BW_ELIMIT, r->pos, "JSON nested deeper than %zu", r->max_depth);
  if (c == '"') {
    const uint8_t *s;
    size_t n;
    return read_name(r, &s, &n);
  }
  if (c == 't') return literal(r, "true");
  if (c == 'f') return literal(r, "false");
  if (c == 'n') return literal(r, "null");
  if (c == '-' || (c >= '0' && c <= '9')) {
    size_t a, b;
    int f;
    if ((rc = scan_number(r, &a, &b, &f))) return rc;
    r->pos = b;
    return 0;
  }
  if (c != '[' && c != '{') return type_error(r, "a value");
  char close = c == '[' ? ']' : '}';
  r->pos++;
  if (peek(r) == close) {
    r->pos++;
    return 0;
  }
  while (1) {
    if (close == '}') {
      const uint8_t *s;
      size_t n;
      if ((rc = read_name(r, &s, &n)) || (rc = expect(r, ':'))) return rc;
    }
    if ((rc = skip_json(r, depth + 1))) return rc;
    if (peek(r) == ',') {
      r->pos++;
      continue;
    }
    return expect(r, close);
  }
}

/* A growable array of values (malloc'd while reading, copied into the arena at the end). */
typedef struct vec {
  bw_value *items;
  size_t *at; /* text offset of each item (map keys: for the repeated-key error) */
  size_t count, cap;
} vec;

static bw_value *vec_push(vec *v, size_t n, size_t at) {
  if (v->count + n > v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 16;
    bw_value *items = realloc(v->items, cap * sizeof *items);
    if (!items) return NULL;
    v->items = items;
    size_t *pos = realloc(v->at, cap * sizeof *pos);
    if (!pos) return NULL;
    v->at = pos;
    v->cap = cap;
  }
  v->at[v->count] = at;
  bw_value *p = &v->items[v->count];
  memset(p, 0, n * sizeof *p);
  v->count += n;
  return p;
}

static int vec_finish(jreader *r, vec *v, bw_value *out, size_t per) {
  bw_value *items = bw_value_alloc(r->arena, v->count);
  if (!items) return oom(r);
  if (v->count) memcpy(items, v->items, v->count * sizeof *items);
  out->as.list.items = items;
  out->as.list.count = v->count / per;
  return 0;
}

static int read_array(jreader *r, const bw_type *t, bw_value *out, size_t depth) {
  if (peek(r) != '[') return type_error(r, "an array");
  size_t open = r->pos++;
  int pairs = t->kind == BW_KIND_MAP, rc = 0;
  vec v = {0};
  if (peek(r) == ']') {
    r->pos++;
  } else {
    while (!rc) {
      size_t at = r->pos;
      bw_value *item = vec_push(&v, pairs ? 2 : 1, at);
      if (!item) {
        rc = oom(r);
        break;
      }
      if (pairs) {
        if ((rc = expect(r, '['))) break;
        at = r->pos;
        if ((rc = read_value(r, t->key, item, depth + 1)) || (rc = expect(r, ',')) ||
            (rc = read_value(r, t->elem, item + 1, depth + 1)) || (rc = expect(r, ']')))
          break;
        v.at[v.count - 2] = at;
      } else if ((rc = read_value(r, t->elem, item, depth))) {
        break;
      }
      if (peek(r) == ',') {
        r->pos++;
        continue;
      }
      rc = expect(r, ']');
      break;
    }
  }
  if (!rc && t->kind == BW_KIND_LIST_FIXED && v.count != t->length)
    rc = jerr(r, BW_ETYPE, open, "list<T>[%llu] needs %llu elements, found %zu",
              (unsigned long long)t->length, (unsigned long long)t->length, v.count);
  if (!rc && pairs) {
    long dup = bw_codec_find_duplicate_key(v.items, v.count / 2);
    if (dup == -2) rc = oom(r);
    if (dup >= 0) rc = jerr(r, BW_EDUPKEY, v.at[2 * (size_t)dup], "repeated map key");
  }
  if (!rc) rc = vec_finish(r, &v, out, pairs ? 2 : 1);
  free(v.items);
  free(v.at);
  return rc;
}

/* map<str><V> as an object. */
static int read_map_object(jreader *r, const bw_type *t, bw_value *out, size_t depth) {
  if (peek(r) != '{') return type_error(r, "an object");
  r->pos++;
  const bw_type *kt = bw_type_resolve(t->key);
  int rc = 0;
  vec v = {0};
  if (peek(r) == '}') {
    r->pos++;
  } else {
    while (!rc) {
      peek(r); /* skips whitespace: the key's position is where its quote is */
      size_t at = r->pos;
      bw_value *item = vec_push(&v, 2, at);
      if (!item) {
        rc = oom(r);
        break;
      }
      item->type = kt;
      if ((rc = read_string(r, &item->as.bytes.ptr, &item->as.bytes.len)) ||
          (rc = expect(r, ':')) || (rc = read_value(r, t->elem, item + 1, depth)))
        break;
      if (peek(r) == ',') {
        r->pos++;
        continue;
      }
      rc = expect(r, '}');
      break;
    }
  }
  if (!rc) {
    long dup = bw_codec_find_duplicate_key(v.items, v.count / 2);
    if (dup == -2) rc = oom(r);
    if (dup >= 0) rc = jerr(r, BW_EDUPKEY, v.at[2 * (size_t)dup], "repeated map key");
  }
  if (!rc) rc = vec_finish(r, &v, out, 2);
  free(v.items);
  free(v.at);
  return rc;
}

static int read_struct(jreader *r, const bw_type *t, bw_value *out, size_t depth) {
  if (peek(r) != '{') return type_error(r, "an object");
  r->pos++;
  bw_value *items = bw_value_alloc(r->arena, t->count);
  if (!items) return oom(r);
  out->as.list.items = items;
  out->as.list.count = t->count;
  int rc;
  if (peek(r) == '}') {
    r->pos++;
  } else {
    while (1) {
      size_t at = r->pos;
      const uint8_t *name;
      size_t n;
      if ((rc = read_name(r, &name, &n)) || (rc = expect(r, ':'))) return rc;
      size_t i = 0;
      while (i < t->count && (strlen(t->fields[i].name) != n || memcmp(t->fields[i].name, name, n)))
        i++;
      if (i == t->count)
        return jerr(r, BW_ETYPE, at, "struct has no field \"%.*s\"", (int)(n > 64 ? 64 : n),
                    (const char *)name);
      if (items[i].type)
        return jerr(r, BW_EJSON, at, "field \"%s\" appears twice", t->fields[i].name);
      if ((rc = read_value(r, t->fields[i].type, &items[i], depth))) return rc;
      if (peek(r) == ',') {
        r->pos++;
        continue;
      }
      if ((rc = expect(r, '}'))) return rc;
      break;
    }
  }
  for (size_t i = 0; i < t->count; i++)
    if (!items[i].type)
      return jerr(r, BW_ETYPE, r->pos - 1, "missing field \"%s\"", t->fields[i].name);
  return 0;
}

static int read_union(jreader *r, const bw_type *t, bw_value *out, size_t depth) {
  if (peek(r) != '{') return type_error(r, "an object");
  size_t open = r->pos++;
  int have_tag = 0, have_value = 0, rc;
  size_t value_at = 0, type_at = 0;
  const uint8_t *tname = NULL;
  size_t tname_len = 0;
  uint64_t tag = 0;
  long idx = -1;
  bw_value *inner = bw_value_alloc(r->arena, 1);
  if (!inner) return oom(r);
  if (peek(r) != '}') {
    while (1) {
      size_t at = r->pos;
      const uint8_t *key;
      size_t n;
      if ((rc = read_name(r, &key, &n)) || (rc = expect(r, ':'))) return rc;
      if (n == 3 && !memcmp(key, "tag", 3) && !have_tag) {
        /* The tag reads as a uint (exact, non-negative, any 64-bit value). */
        bw_value tv;
        static const bw_type uint_type = {.kind = BW_KIND_UINT};
        size_t tag_at = r->pos;
        if ((rc = read_integer(r, &uint_type, &tv))) return rc;
        tag = tv.as.u;
        idx = bw_codec_union_index(t, tag);
        if (idx < 0)
          return jerr(r, BW_ETAG, tag_at, "union tag %llu is not defined", (unsigned long long)tag);
        have_tag = 1;
        if (have_value) {
          /* The value came first: read it again now that its type is known. */
          size_t resume = r->pos;
          r->pos = value_at;
          if ((rc = read_value(r, t->variants[idx].type, inner, depth))) return rc;
          r->pos = resume;
        }
      } else if (n == 5 && !memcmp(key, "value", 5) && !have_value) {
        have_value = 1;
        value_at = r->pos;
        if (have_tag)
          rc = read_value(r, t->variants[idx].type, inner, depth);
        else
          rc = skip_json(r, depth);
        if (rc) return rc;
      } else if (n == 4 && !memcmp(key, "type", 4) && !tname) {
        type_at = r->pos;
        if ((rc = read_name(r, &tname, &tname_len))) return rc;
      } else {
        return jerr(r, BW_ETYPE, at,
                    "union object takes only \"tag\", \"value\" and \"type\" once each");
      }
      if (peek(r) == ',') {
        r->pos++;
        continue;
      }
      break;
    }
  }
  if ((rc = expect(r, '}'))) return rc;
  if (!have_tag || !have_value)
    return jerr(r, BW_ETYPE, open, "union object needs \"tag\" and \"value\"");
  if (tname) {
    const bw_type *mt = t->variants[idx].type;
    const char *want = mt->kind == BW_KIND_REF ? mt->ref_name : bw_kind_name(mt->kind);
    if (strlen(want) != tname_len || memcmp(want, tname, tname_len) != 0)
      return jerr(r, BW_ETAG, type_at, "\"type\" does not name the member of tag %llu (%s)",
                  (unsigned long long)tag, want);
  }
  out->as.variant.tag = tag;
  out->as.variant.index = (uint32_t)idx;
  out->as.variant.value = inner;
  return 0;
}

static int read_value(jreader *r, const bw_type *t, bw_value *out, size_t depth) {
  t = bw_type_resolve(t);
  out->type = t;
  int c = peek(r), rc;
  switch (t->kind) {
    case BW_KIND_UINT:
    case BW_KIND_INT:
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
      return read_integer(r, t, out);
    case BW_KIND_F32:
    case BW_KIND_F64:
      return read_float(r, t, out);
    case BW_KIND_BOOL:
      if (c == 't' || c == 'f') {
        out->as.u = c == 't';
        return literal(r, c == 't' ? "true" : "false");
      }
      return type_error(r, "true or false");
    case BW_KIND_STR:
      return read_string(r, &out->as.bytes.ptr, &out->as.bytes.len);
    case BW_KIND_DATA:
    case BW_KIND_DATA_FIXED:
      if (c != '"') return type_error(r, "a hex string");
      return read_hex(r, t, out);
    case BW_KIND_VOID:
      if (c != 'n') return type_error(r, "null");
      return literal(r, "null");
    case BW_KIND_ENUM: {
      size_t at = r->pos;
      const uint8_t *name;
      size_t n;
      if (c != '"') return type_error(r, "an enum member name");
      if ((rc = read_name(r, &name, &n))) return rc;
      for (size_t i = 0; i < t->count; i++)
        if (strlen(t->members[i].name) == n && memcmp(t->members[i].name, name, n) == 0) {
          out->as.u = t->members[i].value;
          return 0;
        }
      return jerr(r, BW_EENUM, at, "\"%.*s\" is not a member of the enum", (int)(n > 64 ? 64 : n),
                  (const char *)name);
    }
    default:
      break;
  }
  if (depth >= r->max_depth)
    return jerr(r, BW_ELIMIT, r->pos, "JSON nested deeper than %zu", r->max_depth);
  depth++;
  switch (t->kind) {
    case BW_KIND_OPTIONAL:
      if (c == 'n') {
        out->as.optional = NULL;
        return literal(r, "null");
      }
      if (!(out->as.optional = bw_value_alloc(r->arena, 1))) return oom(r);
      return read_value(r, t->elem, out->as.optional, depth);
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
      return read_array(r, t, out, depth);
    case BW_KIND_MAP:
      return bw_codec_map_is_object(t) ? read_map_object(r, t, out, depth)
                                       : read_array(r, t, out, depth);
    case BW_KIND_STRUCT:
      return read_struct(r, t, out, depth);
    case BW_KIND_UNION:
      return read_union(r, t, out, depth);
    default:
      return jerr(r, BW_EINVAL, r->pos, "unresolved type (schema not validated?)");
  }
}

int bw_value_from_json(const bw_type *t, const char *text, size_t len, const bw_json_options *opts,
                       bw_value_arena *arena, bw_value **out, size_t *consumed, bw_error *err) {
  if (out) *out = NULL;
  if (!t || !arena || !out || (!text && len))
    return bw_error_set(err, BW_EINVAL, 0, "bw_value_from_json: NULL argument");
  jreader r = {text ? text : "", len, 0, 0, arena, err};
  r.max_depth = opts && opts->max_depth ? opts->max_depth : BW_DEFAULT_MAX_VALUE_DEPTH;
  size_t max_size = opts && opts->max_size ? opts->max_size : BW_DEFAULT_MAX_MESSAGE_SIZE;
  if (len > max_size)
    return jerr(&r, BW_ELIMIT, 0, "JSON text of %zu bytes exceeds the limit", len);
  bw_value *root = bw_value_alloc(arena, 1);
  if (!root) return oom(&r);
  int rc = read_value(&r, t, root, 0);
  if (rc) return rc;
  skip_ws(&r);
  if (consumed)
    *consumed = r.pos;
  else if (r.pos != len)
    return jerr(&r, BW_EJSON, r.pos, "unexpected text after the JSON value");
  *out = root;
  return 0;
}

/* barewire schema module: the printer of the canonical schema text (bw_schema_print,
 * bw_type_print).
 *
 * The canonical form is what the parser reads back into the same schema: one definition per
 * user type in schema order separated by blank lines, struct/enum/union bodies one item per
 * line with two-space indentation, union members each on a line starting with '|', and
 * `= N` only where a value or tag differs from the implicit one (previous + 1, the first 0).
 * With BW_PRINT_DOCS doc comments precede what they document ("#" + one space per line); with
 * BW_PRINT_LAYOUT the imported native layouts (not the natural ones, which validation
 * recomputes) are written as the `#@` annotations of docs/schema-annotations.md, with every
 * string quoted and escaped so that any byte sequence survives the trip. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

/* Nesting the printer follows before refusing (validated schemas never come close). */
#define BW_PRINT_MAX_DEPTH 10000u

typedef struct printer {
  bw_buf b;
  unsigned flags;
  int error;
} printer;

/* bw_buf appends with the common case (room left) inline: the printer appends many short
 * pieces. The fast path leaves the terminating NUL to finish() (and to the one place that reads
 * a buffer as a C string before that, put_native's member types). */
static void put_n(bw_buf *b, const void *p, size_t n) {
  if (n < b->cap - b->len) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
  } else {
    bw_buf_append(b, p, n);
  }
}

/* A string literal, its length known at compile time. */
#define put_lit(b, lit) put_n((b), (lit), sizeof(lit) - 1)

static void put_c(bw_buf *b, char c) {
  put_n(b, &c, 1);
}

static void put_s(bw_buf *b, const char *s) {
  put_n(b, s, strlen(s));
}

/* Appends v in decimal, as printf's PRIu64 would, without printf's cost: the importer's output
 * has a few numbers on each of thousands of lines. */
static void put_u64(bw_buf *b, uint64_t v) {
  char tmp[20];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put_n(b, tmp + i, sizeof tmp - i);
}

static void put_i64(bw_buf *b, int64_t v) {
  if (v < 0) {
    put_c(b, '-');
    put_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    put_u64(b, (uint64_t)v);
  }
}

/* Appends key (a string literal) then v (" offset=8"). */
#define put_key_u64(b, key, v) (put_lit(b, key), put_u64(b, v))

/* Appends a name as printf's "%s" would ("(null)" for NULL, which validated schemas never
 * have). */
static void put_name(bw_buf *b, const char *name) {
  put_s(b, name ? name : "(null)");
}

static void indent_to(bw_buf *b, unsigned indent) {
  for (unsigned i = 0; i < indent; i++) put_n(b, "  ", 2);
}

static void put_doc(bw_buf *b, const char *doc, unsigned indent) {
  const char *line = doc;
  for (;;) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    /* The parser drops a '\r' before the end of a comment line (CRLF files): so does the
     * printer, so that printing what it parsed gives the same bytes. */
    if (len && line[len - 1] == '\r') len--;
    indent_to(b, indent);
    put_c(b, '#');
    if (len) {
      put_c(b, ' ');
      put_n(b, line, len);
    }
    put_c(b, '\n');
    if (!nl) break;
    line = nl + 1;
  }
}

/* 1 when none of the eight bytes of w is below 0x20, above 0x7e, '"' or '\\': a high bit of
 * w - 0x20 for bytes below 0x20 (and 0xa0 and above), of w + 1 for 0x7f to 0xfe, of quote - 1
 * and slash - 1 for '"' and '\\'. The borrows and carries between bytes only ever add false
 * alarms, which put_key_string_n's byte loop settles. */
static int plain_word(uint64_t w) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
  return !(((w - ones * 0x20) | (w + ones * 0x01) | (quote - ones) | (slash - ones)) & highs);
}

/* A quoted annotation string after key (" c_name="): printable ASCII as is, '"' and '\'
 * escaped, everything else (control characters, bytes above 0x7e) as an escape, so the line
 * stays one plain line. Room for the worst case is reserved once and the bytes are written in
 * place: this is on the importer's output path, where names and C types are most of the text
 * (vulkan_core.h: 22,500 strings of 29 bytes on average). */
static void put_key_string_n(bw_buf *b, const char *key, size_t key_len, const char *s) {
  static const char hex[] = "0123456789abcdef";
  size_t n = strlen(s);
  /* The key, at most 4 bytes per input byte ("\\xNN"), two quotes and the terminating NUL. */
  if (n > (SIZE_MAX - 3 - key_len) / 4) {
    b->oom = 1;
    return;
  }
  size_t need = key_len + n * 4 + 3;
  if (need > b->cap - b->len && bw_buf_reserve(b, need) != 0) return;
  char *o = b->data + b->len;
  memcpy(o, key, key_len);
  o += key_len;
  *o++ = '"';
  size_t i = 0;
  /* Sixteen plain bytes at a time, then eight. */
  for (; n - i >= 16; i += 16) {
    uint64_t w0, w1;
    memcpy(&w0, s + i, 8);
    memcpy(&w1, s + i + 8, 8);
    if (!plain_word(w0) || !plain_word(w1)) break;
    memcpy(o, s + i, 16);
    o += 16;
  }
  for (; n - i >= 8; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (!plain_word(w)) break;
    memcpy(o, s + i, 8);
    o += 8;
  }
  /* Fewer than eight bytes left of a string of eight or more, all before them plain: the last
   * eight bytes tested as one word and, when plain, copied whole over the copy of the plain
   * ones they overlap. */
  if (n - i < 8 && n >= 8 && i < n) {
    uint64_t w;
    memcpy(&w, s + n - 8, 8);
    if (plain_word(w)) {
      memcpy(o - (8 - (n - i)), s + n - 8, 8);
      o += n - i;
      i = n;
    }
  }
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
      *o++ = (char)c;
      continue;
    }
    *o++ = '\\';
    switch (c) {
      case '"':
      case '\\':
        *o++ = (char)c;
        break;
      case '\n':
        *o++ = 'n';
        break;
      case '\t':
        *o++ = 't';
        break;
      case '\r':
        *o++ = 'r';
        break;
      default:
        *o++ = 'x';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 15];
        break;
    }
  }
  *o++ = '"';
  b->len = (size_t)(o - b->data);
}

/* Appends " key=" (key a string literal) and the quoted value; nothing for a NULL value. */
#define put_key_string(b, key, value) put_key_string_or_not(b, " " key "=", sizeof(key) + 1, value)

static void put_key_string_or_not(bw_buf *b, const char *key, size_t key_len, const char *value) {
  if (value) put_key_string_n(b, key, key_len, value);
}

static void print_type(printer *pr, bw_buf *b, const bw_type *t, unsigned indent, int multiline,
                       size_t depth);

/* The native part of a struct field or C union member: offsets, names and flags. */
static void put_field_layout(bw_buf *b, const bw_field *f) {
  put_key_u64(b, " offset=", f->offset);
  if (f->bit_offset || f->bit_width || (f->flags & BW_FIELD_BITFIELD)) {
    put_key_u64(b, " bit_offset=", f->bit_offset);
    put_key_u64(b, " bit_width=", f->bit_width);
  }
  put_key_string(b, "c_name", f->c_name);
  put_key_string(b, "c_type", f->c_type);
}

static void put_field_flags(bw_buf *b, uint32_t flags) {
  if (flags & BW_FIELD_BITFIELD) put_lit(b, " bitfield");
  if (flags & BW_FIELD_FLEXIBLE) put_lit(b, " flexible");
  if (flags & BW_FIELD_ANONYMOUS) put_lit(b, " anonymous");
  if (flags & BW_FIELD_POINTER) put_lit(b, " pointer");
}

static void put_constant(bw_buf *b, const char *kind, const bw_constant *c, unsigned indent) {
  indent_to(b, indent);
  put_lit(b, "#@ ");
  put_name(b, kind);
  put_key_string(b, "name", c->name ? c->name : "");
  put_key_string(b, "c_name", c->c_name);
  put_lit(b, " value=");
  if (c->is_unsigned) {
    put_u64(b, (uint64_t)c->value);
    put_lit(b, " unsigned\n");
  } else {
    put_i64(b, c->value);
    put_c(b, '\n');
  }
}

static int layout_printed(const printer *pr, const bw_type *t) {
  return (pr->flags & BW_PRINT_LAYOUT) && t && t->native && !(t->native->flags & BW_NATIVE_NATURAL);
}

/* The keys and flags of a native layout, then the end of the line. */
static void put_native_keys(bw_buf *b, const bw_native *n) {
  put_key_string(b, "c_name", n->c_name);
  put_key_u64(b, " size=", n->size);
  put_key_u64(b, " align=", n->align);
  put_key_string(b, "underlying", n->underlying);
  put_key_string(b, "file", n->file);
  if (n->line) put_key_u64(b, " line=", n->line);
  if (n->flags & BW_NATIVE_C_UNION) put_lit(b, " c_union");
  if (n->flags & BW_NATIVE_C_ENUM) put_lit(b, " c_enum");
  if (n->flags & BW_NATIVE_PACKED) put_lit(b, " packed");
  put_c(b, '\n');
}

/* `#@ native` and its c_member / c_constant lines for the top node t of an item. */
static void put_native(printer *pr, const bw_type *t, unsigned indent, size_t depth) {
  if (!layout_printed(pr, t)) return;
  bw_buf *b = &pr->b;
  const bw_native *n = t->native;
  indent_to(b, indent);
  put_lit(b, "#@ native");
  put_native_keys(b, n);
  for (size_t i = 0; i < n->member_count; i++) {
    const bw_field *f = &n->members[i];
    bw_buf type_text = {0};
    print_type(pr, &type_text, f->type, 0, 0, depth + 1);
    if (type_text.data) type_text.data[type_text.len] = 0; /* put_n leaves it out */
    indent_to(b, indent);
    put_lit(b, "#@ c_member");
    put_key_string(b, "name", f->name ? f->name : "");
    put_key_string(b, "type", type_text.data ? type_text.data : "");
    bw_buf_free(&type_text);
    put_field_layout(b, f);
    put_key_string(b, "doc", f->doc);
    put_field_flags(b, f->flags);
    put_c(b, '\n');
    /* The member type's own layout (a member array's size and alignment); its members and
     * constants, which the importer never sets on a member's type, are not carried. */
    if (layout_printed(pr, f->type)) {
      indent_to(b, indent);
      put_lit(b, "#@ c_member_native");
      put_native_keys(b, f->type->native);
    }
  }
  for (size_t i = 0; i < n->constant_count; i++)
    put_constant(b, "c_constant", &n->constants[i], indent);
}

static void put_item_doc(printer *pr, const char *doc, unsigned indent) {
  if ((pr->flags & BW_PRINT_DOCS) && doc) put_doc(&pr->b, doc, indent);
}

static void print_struct(printer *pr, bw_buf *b, const bw_type *t, unsigned indent, int multiline,
                         size_t depth) {
  put_lit(b, "struct {");
  for (size_t i = 0; i < t->count; i++) {
    const bw_field *f = &t->fields[i];
    if (!multiline) {
      put_c(b, ' ');
      put_name(b, f->name);
      put_lit(b, ": ");
      print_type(pr, b, f->type, 0, 0, depth + 1);
      continue;
    }
    put_c(b, '\n');
    put_item_doc(pr, f->doc, indent + 1);
    if (layout_printed(pr, t)) {
      indent_to(b, indent + 1);
      put_lit(b, "#@ field");
      put_field_layout(b, f);
      put_field_flags(b, f->flags);
      put_c(b, '\n');
    }
    put_native(pr, f->type, indent + 1, depth);
    indent_to(b, indent + 1);
    put_name(b, f->name);
    put_lit(b, ": ");
    print_type(pr, b, f->type, indent + 1, 1, depth + 1);
  }
  if (multiline) {
    put_c(b, '\n');
    indent_to(b, indent);
    put_c(b, '}');
  } else {
    put_lit(b, " }");
  }
}

static void print_enum(printer *pr, bw_buf *b, const bw_type *t, unsigned indent, int multiline) {
  put_lit(b, "enum {");
  uint64_t prev = 0;
  for (size_t i = 0; i < t->count; i++) {
    const bw_enum_member *m = &t->members[i];
    int implicit = i == 0 ? m->value == 0 : prev != UINT64_MAX && m->value == prev + 1;
    prev = m->value;
    if (multiline) {
      put_c(b, '\n');
      put_item_doc(pr, m->doc, indent + 1);
      if ((pr->flags & BW_PRINT_LAYOUT) && m->c_name) {
        indent_to(b, indent + 1);
        put_lit(b, "#@ enumerator");
        put_key_string(b, "c_name", m->c_name);
        put_c(b, '\n');
      }
      indent_to(b, indent + 1);
    } else {
      put_c(b, ' ');
    }
    put_s(b, m->name);
    if (!implicit) put_key_u64(b, " = ", m->value);
  }
  if (multiline) {
    put_c(b, '\n');
    indent_to(b, indent);
    put_c(b, '}');
  } else {
    put_lit(b, " }");
  }
}

static void print_union(printer *pr, bw_buf *b, const bw_type *t, unsigned indent, int multiline,
                        size_t depth) {
  put_lit(b, "union {");
  uint64_t prev = 0;
  for (size_t i = 0; i < t->count; i++) {
    const bw_union_member *m = &t->variants[i];
    int implicit = i == 0 ? m->tag == 0 : prev != UINT64_MAX && m->tag == prev + 1;
    prev = m->tag;
    if (multiline) {
      put_c(b, '\n');
      put_item_doc(pr, m->doc, indent + 1);
      put_native(pr, m->type, indent + 1, depth);
      indent_to(b, indent + 1);
      put_lit(b, "| ");
    } else {
      put_s(b, i ? " | " : " ");
    }
    print_type(pr, b, m->type, indent + 1, multiline, depth + 1);
    if (!implicit) put_key_u64(b, " = ", m->tag);
  }
  if (multiline) {
    put_c(b, '\n');
    indent_to(b, indent);
    put_c(b, '}');
  } else {
    put_lit(b, " }");
  }
}

/* Writes t into b. multiline: bodies one item per line at indent + 1 (the canonical form);
 * otherwise everything on one line (bw_type_print, c_member types). */
static void print_type(printer *pr, bw_buf *b, const bw_type *t, unsigned indent, int multiline,
                       size_t depth) {
  if (!t || depth > BW_PRINT_MAX_DEPTH || (unsigned)t->kind >= BW_KIND_COUNT) {
    if (!pr->error) pr->error = t && depth > BW_PRINT_MAX_DEPTH ? BW_ELIMIT : BW_EINVAL;
    return;
  }
  switch (t->kind) {
    case BW_KIND_DATA_FIXED:
      put_key_u64(b, "data[", t->length);
      put_c(b, ']');
      return;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
      put_s(b, t->kind == BW_KIND_OPTIONAL ? "optional<" : "list<");
      print_type(pr, b, t->elem, indent, multiline, depth + 1);
      put_c(b, '>');
      if (t->kind == BW_KIND_LIST_FIXED) {
        put_key_u64(b, "[", t->length);
        put_c(b, ']');
      }
      return;
    case BW_KIND_MAP:
      put_lit(b, "map<");
      print_type(pr, b, t->key, indent, multiline, depth + 1);
      put_lit(b, "><");
      print_type(pr, b, t->elem, indent, multiline, depth + 1);
      put_c(b, '>');
      return;
    case BW_KIND_STRUCT:
      print_struct(pr, b, t, indent, multiline, depth);
      return;
    case BW_KIND_ENUM:
      print_enum(pr, b, t, indent, multiline);
      return;
    case BW_KIND_UNION:
      print_union(pr, b, t, indent, multiline, depth);
      return;
    case BW_KIND_REF: {
      const char *name = t->ref ? t->ref->name : t->ref_name;
      if (!name) {
        if (!pr->error) pr->error = BW_EINVAL;
        return;
      }
      put_s(b, name);
      return;
    }
    default:
      put_s(b, bw_kind_name(t->kind));
      return;
  }
}

static int finish(printer *pr, char **out, size_t *len, bw_error *err) {
  if (pr->error) {
    bw_buf_free(&pr->b);
    return bw_error_set(err, pr->error, 0,
                        pr->error == BW_ELIMIT ? "type nesting too deep to print"
                                               : "malformed type (missing node or name)");
  }
  if (!pr->b.data) bw_buf_reserve(&pr->b, 1);
  if (bw_buf_finish(&pr->b, out, len) != 0) return bw_error_set(err, BW_ENOMEM, 0, NULL);
  return 0;
}

/* A generous guess of the size of bw_schema_print's text: a line or two for each item, more
 * with the layout annotations, which hold names and C types. */
static size_t print_estimate(const bw_schema *s, unsigned flags) {
  size_t per_item = (flags & BW_PRINT_LAYOUT) ? 192 : 64, items = s->constant_count;
  for (size_t i = 0; i < s->type_count; i++) {
    const bw_type *t = s->types[i]->type;
    items += 4;
    if (!t) continue;
    items += t->count;
    if (t->native) items += t->native->member_count + t->native->constant_count;
  }
  if (items > (SIZE_MAX / 2 - 4096) / per_item) return 4096;
  return 4096 + items * per_item;
}

int bw_schema_print(const bw_schema *s, unsigned flags, char **out, size_t *len, bw_error *err) {
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "no output pointer");
  *out = NULL;
  if (len) *len = 0;
  if (!s) return bw_error_set(err, BW_EINVAL, 0, "no schema");
  printer pr = {{0}, flags, 0};
  bw_buf *b = &pr.b;
  /* Room for the usual text at once, so that a long schema's text is not copied over and over
   * as the buffer doubles (vulkan_core.h: 1.5 MB, 0.8 M instructions of copies). Pages past
   * the text are never touched. */
  bw_buf_reserve(b, print_estimate(s, flags));
  if ((flags & BW_PRINT_DOCS) && s->doc) {
    put_doc(b, s->doc, 0);
    put_c(b, '\n');
  }
  if ((flags & BW_PRINT_LAYOUT) && (s->has_target || s->constant_count)) {
    if (s->has_target) {
      put_lit(b, "#@ target");
      put_key_string(b, "triple", s->target.triple);
      bw_buf_printf(b, " pointer_size=%" PRIu32 " endian=%s char_signed=%d\n",
                    s->target.pointer_size, s->target.big_endian ? "big" : "little",
                    s->target.char_signed ? 1 : 0);
    }
    for (size_t i = 0; i < s->constant_count; i++) put_constant(b, "constant", &s->constants[i], 0);
    put_c(b, '\n');
  }
  for (size_t i = 0; i < s->type_count; i++) {
    const bw_user_type *u = s->types[i];
    if (i) put_c(b, '\n');
    put_item_doc(&pr, u->doc, 0);
    put_native(&pr, u->type, 0, 0);
    put_lit(b, "type ");
    put_name(b, u->name);
    put_c(b, ' ');
    print_type(&pr, b, u->type, 0, 1, 1);
    put_c(b, '\n');
  }
  return finish(&pr, out, len, err);
}

int bw_type_print(const bw_type *t, char **out, size_t *len, bw_error *err) {
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "no output pointer");
  *out = NULL;
  if (len) *len = 0;
  if (!t) return bw_error_set(err, BW_EINVAL, 0, "no type");
  printer pr = {{0}, 0, 0};
  print_type(&pr, &pr.b, t, 0, 0, 1);
  return finish(&pr, out, len, err);
}

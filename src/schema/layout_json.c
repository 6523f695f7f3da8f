/* barewire schema module: the layout document (`bw-import --format=json`, `bw layout --json`).
 *
 * One JSON object, keys in a fixed order, every user type that has a native layout in schema
 * order, then the schema's constants. Strings are escaped per RFC 8259; bytes that are not
 * valid UTF-8 are written as \u00XX escapes so the document is always valid JSON. Every key is
 * documented in docs/layout.md. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "validate_internal.h"

static void json_string(bw_buf *b, const char *s) {
  if (!s) {
    bw_buf_puts(b, "null");
    return;
  }
  size_t len = strlen(s);
  int utf8_ok = bw_utf8_check((const uint8_t *)s, len) == len;
  bw_buf_putc(b, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"':
        bw_buf_puts(b, "\\\"");
        break;
      case '\\':
        bw_buf_puts(b, "\\\\");
        break;
      case '\n':
        bw_buf_puts(b, "\\n");
        break;
      case '\r':
        bw_buf_puts(b, "\\r");
        break;
      case '\t':
        bw_buf_puts(b, "\\t");
        break;
      case '\b':
        bw_buf_puts(b, "\\b");
        break;
      case '\f':
        bw_buf_puts(b, "\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8_ok))
          bw_buf_printf(b, "\\u%04x", c);
        else
          bw_buf_putc(b, (char)c);
        break;
    }
  }
  bw_buf_putc(b, '"');
}

/* "key": as the start of a member, with a comma before all but the first. */
static void key(bw_buf *b, int *first, const char *name) {
  if (!*first) bw_buf_putc(b, ',');
  *first = 0;
  bw_buf_printf(b, "\"%s\":", name);
}

static void json_u64(bw_buf *b, uint64_t v) {
  bw_buf_printf(b, "%llu", (unsigned long long)v);
}

static void json_constant_value(bw_buf *b, const bw_constant *c) {
  if (c->is_unsigned)
    json_u64(b, (uint64_t)c->value);
  else
    bw_buf_printf(b, "%lld", (long long)c->value);
}

/* The JSON kind of a user type with a layout. */
static const char *type_kind(const bw_type *t, const bw_native *n) {
  if (t->kind == BW_KIND_STRUCT) return "struct";
  if (n->flags & BW_NATIVE_C_UNION) return "union";
  if (t->kind == BW_KIND_ENUM || (n->flags & BW_NATIVE_C_ENUM)) return "enum";
  return "alias";
}

static void json_field(bw_buf *b, const bw_field *f) {
  int first = 1;
  bw_buf_putc(b, '{');
  key(b, &first, "name");
  json_string(b, f->name);
  key(b, &first, "c_name");
  json_string(b, (f->flags & BW_FIELD_ANONYMOUS) ? NULL : f->c_name);
  key(b, &first, "type");
  bw_buf tmp = {0};
  bw_layout_expr(&tmp, f->type);
  bw_buf_putc(&tmp, 0);
  if (tmp.oom) b->oom = 1;
  json_string(b, tmp.oom ? "" : tmp.data);
  bw_buf_free(&tmp);
  key(b, &first, "c_type");
  json_string(b, f->c_type);
  key(b, &first, "offset");
  json_u64(b, f->offset);
  key(b, &first, "size");
  uint64_t size = 0;
  if ((f->flags & BW_FIELD_FLEXIBLE) || !bw_layout_size(f->type, &size)) size = 0;
  json_u64(b, size);
  key(b, &first, "bit_offset");
  if (f->flags & BW_FIELD_BITFIELD)
    json_u64(b, f->bit_offset);
  else
    bw_buf_puts(b, "null");
  key(b, &first, "bit_width");
  if (f->flags & BW_FIELD_BITFIELD)
    json_u64(b, f->bit_width);
  else
    bw_buf_puts(b, "null");
  key(b, &first, "flexible");
  bw_buf_puts(b, (f->flags & BW_FIELD_FLEXIBLE) ? "true" : "false");
  bw_buf_putc(b, '}');
}

static void json_values(bw_buf *b, const bw_type *t, const bw_native *n) {
  bw_buf_putc(b, '[');
  if (n->constant_count) {
    /* C enums: every enumerator, aliases and negative values included. */
    for (size_t i = 0; i < n->constant_count; i++) {
      const bw_constant *c = &n->constants[i];
      int first = 1;
      bw_buf_puts(b, i ? ",{" : "{");
      key(b, &first, "name");
      json_string(b, c->name);
      key(b, &first, "c_name");
      json_string(b, c->c_name);
      key(b, &first, "value");
      json_constant_value(b, c);
      bw_buf_putc(b, '}');
    }
  } else if (t->kind == BW_KIND_ENUM) {
    for (size_t i = 0; i < t->count; i++) {
      const bw_enum_member *m = &t->members[i];
      int first = 1;
      bw_buf_puts(b, i ? ",{" : "{");
      key(b, &first, "name");
      json_string(b, m->name);
      key(b, &first, "c_name");
      json_string(b, m->c_name);
      key(b, &first, "value");
      json_u64(b, m->value);
      bw_buf_putc(b, '}');
    }
  }
  bw_buf_putc(b, ']');
}

static void json_type(bw_buf *b, const bw_user_type *u, const bw_native *n) {
  const bw_type *t = u->type;
  /* An alias's own layout carries its C spelling; the fields are those of the type named. */
  const bw_type *r = bw_type_resolve(t);
  const char *kind = type_kind(t->kind == BW_KIND_REF ? t : r, n);
  int first = 1;
  bw_buf_putc(b, '{');
  key(b, &first, "name");
  json_string(b, u->name);
  key(b, &first, "c_name");
  json_string(b, n->c_name);
  key(b, &first, "kind");
  json_string(b, kind);
  key(b, &first, "size");
  json_u64(b, n->size);
  key(b, &first, "align");
  json_u64(b, n->align);
  key(b, &first, "file");
  json_string(b, n->file);
  key(b, &first, "line");
  if (n->line)
    json_u64(b, n->line);
  else
    bw_buf_puts(b, "null");
  key(b, &first, "fields");
  bw_buf_putc(b, '[');
  if (t->kind == BW_KIND_STRUCT) {
    for (size_t i = 0; i < t->count; i++) {
      if (i) bw_buf_putc(b, ',');
      json_field(b, &t->fields[i]);
    }
  } else if (t->kind != BW_KIND_REF && (n->flags & BW_NATIVE_C_UNION)) {
    for (size_t i = 0; i < n->member_count; i++) {
      if (i) bw_buf_putc(b, ',');
      json_field(b, &n->members[i]);
    }
  }
  bw_buf_putc(b, ']');
  int is_enum = strcmp(kind, "enum") == 0;
  key(b, &first, "values");
  if (is_enum)
    json_values(b, t, n);
  else
    bw_buf_puts(b, "null");
  key(b, &first, "underlying");
  json_string(b, is_enum ? n->underlying : NULL);
  bw_buf_putc(b, '}');
}

int bw_schema_layout_json(const bw_schema *s, char **out, size_t *len, bw_error *err) {
  if (out) *out = NULL;
  if (len) *len = 0;
  if (!s || !out) return bw_error_set(err, BW_EINVAL, 0, "no schema or no output");
  if (!s->validated) return bw_error_set(err, BW_EINVAL, 0, "the schema is not validated");
  bw_buf b = {0};
  const bw_target *tg = bw_schema_target(s);
  int first = 1;
  bw_buf_putc(&b, '{');
  key(&b, &first, "format");
  json_string(&b, "barewire-layout");
  key(&b, &first, "version");
  bw_buf_puts(&b, "1");
  key(&b, &first, "target");
  int tfirst = 1;
  bw_buf_putc(&b, '{');
  key(&b, &tfirst, "triple");
  json_string(&b, tg ? tg->triple : bw_layout_host_triple());
  key(&b, &tfirst, "pointer_size");
  json_u64(&b, tg ? tg->pointer_size : sizeof(void *));
  key(&b, &tfirst, "endian");
  json_string(&b, (tg ? tg->big_endian : bw_host_big_endian()) ? "big" : "little");
  key(&b, &tfirst, "char_signed");
  bw_buf_puts(&b, (tg ? tg->char_signed : CHAR_MIN < 0) ? "true" : "false");
  bw_buf_putc(&b, '}');
  key(&b, &first, "types");
  bw_buf_putc(&b, '[');
  size_t shown = 0;
  for (size_t i = 0; i < s->type_count; i++) {
    const bw_user_type *u = s->types[i];
    const bw_native *n = bw_layout_of(u->type);
    if (!n) continue;
    bw_buf_puts(&b, shown++ ? ",\n" : "\n");
    json_type(&b, u, n);
  }
  bw_buf_puts(&b, shown ? "\n]" : "]");
  key(&b, &first, "constants");
  bw_buf_putc(&b, '[');
  for (size_t i = 0; i < s->constant_count; i++) {
    const bw_constant *c = &s->constants[i];
    int cfirst = 1;
    bw_buf_puts(&b, i ? ",\n{" : "\n{");
    key(&b, &cfirst, "name");
    json_string(&b, c->name);
    key(&b, &cfirst, "value");
    json_constant_value(&b, c);
    bw_buf_putc(&b, '}');
  }
  bw_buf_puts(&b, s->constant_count ? "\n]}\n" : "]}\n");
  if (bw_buf_finish(&b, out, len) != 0)
    return bw_error_set(err, BW_ENOMEM, 0, "out of memory writing the layout document");
  return 0;
}

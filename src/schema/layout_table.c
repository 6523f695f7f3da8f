/* barewire schema module: the pahole-style listing of native layouts (`bw layout`,
 * `bw-import --format=layout`).
 *
 * Per type a header with its size and alignment, one line per field with its offset and size
 * (bitfields as byte:bit and their width), the holes between fields in bytes and in bits, the
 * trailing padding, a marker at each 64-byte cacheline boundary, and totals in pahole's words
 * (size, cachelines, members, sum members, holes, sum holes, padding). Anonymous members and
 * inline struct bodies are shown inline with absolute offsets. The text is for people; the JSON
 * document is for programs. */
#include <stdio.h>
#include <string.h>

#include "validate_internal.h"

#define CACHELINE 64u
#define TYPE_COLUMN 26 /* pahole-like column widths */
#define NAME_COLUMN 22
#define MAX_INLINE_LEVEL 16
#define MAX_INLINE_RECORDS 1000

typedef struct table {
  bw_buf *b;
  uint64_t next_line; /* next cacheline boundary not yet marked (absolute offset) */
  uint64_t holes, sum_holes, bit_holes, sum_bit_holes;
  /* Records shown inline, left for this type: anonymous members name other types, and types
   * that each hold several anonymous members of the next could otherwise multiply the output
   * exponentially. Past the budget, members print as one line. */
  size_t inline_left;
} table;

static void indent(bw_buf *b, int level) {
  for (int i = 0; i < level; i++) bw_buf_putc(b, '\t');
}

static void comment(table *T, int level, const char *text) {
  indent(T->b, level);
  bw_buf_printf(T->b, "/* %s */\n", text);
}

/* Marks the last cacheline boundary at or before the absolute offset off, once. */
static void cacheline_marker(table *T, int level, uint64_t off) {
  if (off < T->next_line) return;
  uint64_t line = off / CACHELINE;
  uint64_t boundary = line * CACHELINE;
  char text[128];
  if (boundary == off)
    snprintf(text, sizeof text, "--- cacheline %llu boundary (%llu bytes) ---",
             (unsigned long long)line, (unsigned long long)boundary);
  else
    snprintf(text, sizeof text, "--- cacheline %llu boundary (%llu bytes) was %llu bytes ago ---",
             (unsigned long long)line, (unsigned long long)boundary,
             (unsigned long long)(off - boundary));
  comment(T, level, text);
  T->next_line = boundary + CACHELINE;
}

/* Reports the gap between bit positions from and to (from < to) as bit and byte holes. */
static void holes(table *T, int level, uint64_t from, uint64_t to) {
  char text[128];
  uint64_t gap = to - from;
  if (from % 8) {
    uint64_t bits = 8 - from % 8;
    if (bits > gap) bits = gap;
    snprintf(text, sizeof text, "XXX %llu bit%s hole, try to pack", (unsigned long long)bits,
             bits == 1 ? "" : "s");
    comment(T, level, text);
    T->bit_holes++;
    T->sum_bit_holes += bits;
    gap -= bits;
  }
  if (gap >= 8) {
    uint64_t bytes = gap / 8;
    snprintf(text, sizeof text, "XXX %llu byte%s hole, try to pack", (unsigned long long)bytes,
             bytes == 1 ? "" : "s");
    comment(T, level, text);
    T->holes++;
    T->sum_holes += bytes;
    gap %= 8;
  }
  if (gap) {
    snprintf(text, sizeof text, "XXX %llu bit%s hole, try to pack", (unsigned long long)gap,
             gap == 1 ? "" : "s");
    comment(T, level, text);
    T->bit_holes++;
    T->sum_bit_holes += gap;
  }
}

/* One member line: type, name, then offset and size in a comment. */
static void member_line(table *T, int level, const bw_field *f, uint64_t base, uint64_t size) {
  bw_buf tmp = {0};
  if (f->c_type)
    bw_buf_puts(&tmp, f->c_type);
  else
    bw_layout_expr(&tmp, f->type);
  bw_buf_putc(&tmp, 0);
  /* The table goes to terminals: no control characters from imported spellings. */
  for (char *c = tmp.data; c && *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
  /* C puts array dimensions after the name: "uint8_t[13]" prints as "uint8_t name[13]". */
  const char *type = tmp.data ? tmp.data : "?";
  const char *dims = f->c_type ? strchr(type, '[') : NULL;
  if (dims && dims > type) {
    tmp.data[dims - type] = 0;
    dims = f->c_type + (dims - type);
  } else {
    dims = "";
  }
  char name[200];
  const char *label = f->c_name ? f->c_name : f->name;
  if (f->flags & BW_FIELD_BITFIELD)
    snprintf(name, sizeof name, "%.100s:%u;", label, (unsigned)f->bit_width);
  else if (f->flags & BW_FIELD_FLEXIBLE)
    snprintf(name, sizeof name, "%.100s[];", label);
  else
    snprintf(name, sizeof name, "%.100s%.80s;", label, dims);
  indent(T->b, level);
  int type_width = TYPE_COLUMN - 8 * (level - 1);
  if (type_width < 1) type_width = 1;
  bw_buf_printf(T->b, "%-*s %-*s", type_width, type, NAME_COLUMN, name);
  if (f->flags & BW_FIELD_BITFIELD)
    bw_buf_printf(T->b, "/* %5llu:%-2u %5llu */\n", (unsigned long long)(base + f->offset),
                  (unsigned)(f->bit_offset - f->offset * 8), (unsigned long long)size);
  else
    bw_buf_printf(T->b, "/* %5llu    %5llu */\n", (unsigned long long)(base + f->offset),
                  (unsigned long long)size);
  if (tmp.oom) T->b->oom = 1;
  bw_buf_free(&tmp);
}

static void record(table *T, const bw_type *t, const bw_native *n, uint64_t base, int level);

/* Bytes a member occupies: its type's native size (0 for a flexible array member). */
static uint64_t field_size(const bw_field *f) {
  uint64_t size = 0;
  if (!(f->flags & BW_FIELD_FLEXIBLE) && !bw_layout_size(f->type, &size)) size = 0;
  return size;
}

/* A member whose type is a record shown inline: an anonymous member, or an inline body. */
static int shown_inline(const table *T, const bw_field *f, int level) {
  if (level >= MAX_INLINE_LEVEL || T->inline_left == 0 ||
      (f->flags & (BW_FIELD_BITFIELD | BW_FIELD_FLEXIBLE)))
    return 0;
  const bw_type *r = bw_type_resolve(f->type);
  const bw_native *n = bw_layout_of(f->type);
  if (!r || !n) return 0;
  int is_record = r->kind == BW_KIND_STRUCT || (n->flags & BW_NATIVE_C_UNION);
  return is_record && ((f->flags & BW_FIELD_ANONYMOUS) || f->type->kind == BW_KIND_STRUCT);
}

static void inline_member(table *T, int level, const bw_field *f, uint64_t base) {
  const bw_type *r = bw_type_resolve(f->type);
  const bw_native *n = bw_layout_of(f->type);
  int is_union = (n->flags & BW_NATIVE_C_UNION) != 0;
  T->inline_left--;
  indent(T->b, level);
  bw_buf_puts(T->b, is_union ? "union {\n" : "struct {\n");
  record(T, r, n, base + f->offset, level + 1);
  indent(T->b, level);
  char tail[160];
  if (f->flags & BW_FIELD_ANONYMOUS)
    snprintf(tail, sizeof tail, "};");
  else
    snprintf(tail, sizeof tail, "} %.100s;", f->c_name ? f->c_name : f->name);
  int width = TYPE_COLUMN + 1 + NAME_COLUMN - 8 * (level - 1);
  if (width < 1) width = 1;
  bw_buf_printf(T->b, "%-*s/* %5llu    %5llu */\n", width, tail,
                (unsigned long long)(base + f->offset), (unsigned long long)n->size);
}

/* The members of a struct or C union with layout n, at absolute offset base. Returns nothing;
 * holes go to T's totals and are printed in place. */
static void record(table *T, const bw_type *t, const bw_native *n, uint64_t base, int level) {
  int is_union = t->kind != BW_KIND_STRUCT;
  const bw_field *fields = is_union ? n->members : t->fields;
  size_t count = is_union ? n->member_count : t->count;
  uint64_t cursor = 0; /* bits covered so far, relative to the record */
  for (size_t i = 0; i < count; i++) {
    const bw_field *f = &fields[i];
    uint64_t size = field_size(f);
    uint64_t start = (f->flags & BW_FIELD_BITFIELD) ? f->bit_offset : f->offset * 8;
    uint64_t end =
        (f->flags & BW_FIELD_BITFIELD) ? f->bit_offset + f->bit_width : (f->offset + size) * 8;
    if (!is_union && start > cursor) holes(T, level, cursor, start);
    cacheline_marker(T, level, base + f->offset);
    if (shown_inline(T, f, level))
      inline_member(T, level, f, base);
    else
      member_line(T, level, f, base, size);
    if (end > cursor) cursor = end;
  }
  if (level > 1 && cursor < n->size * 8) {
    char text[64];
    uint64_t bits = n->size * 8 - cursor;
    if (bits % 8)
      snprintf(text, sizeof text, "XXX %llu bits padding", (unsigned long long)bits);
    else
      snprintf(text, sizeof text, "XXX %llu bytes padding", (unsigned long long)(bits / 8));
    comment(T, level, text);
  }
}

/* Totals of a top-level struct or C union, in pahole's words. */
static void totals(table *T, const bw_type *t, const bw_native *n) {
  int is_union = t->kind != BW_KIND_STRUCT;
  const bw_field *fields = is_union ? n->members : t->fields;
  size_t count = is_union ? n->member_count : t->count;
  uint64_t member_bits = 0, cursor = 0;
  for (size_t i = 0; i < count; i++) {
    const bw_field *f = &fields[i];
    uint64_t size = field_size(f);
    uint64_t bits = (f->flags & BW_FIELD_BITFIELD) ? f->bit_width : size * 8;
    uint64_t end =
        (f->flags & BW_FIELD_BITFIELD) ? f->bit_offset + f->bit_width : (f->offset + size) * 8;
    if (is_union) {
      if (bits > member_bits) member_bits = bits;
    } else {
      member_bits += bits;
    }
    if (end > cursor) cursor = end;
  }
  uint64_t lines = n->size / CACHELINE + (n->size % CACHELINE != 0);
  bw_buf_printf(T->b, "\n\t/* size: %llu, cachelines: %llu, members: %zu */\n",
                (unsigned long long)n->size, (unsigned long long)lines, count);
  bw_buf_printf(T->b, "\t/* sum members: %llu", (unsigned long long)(member_bits / 8));
  if (member_bits % 8)
    bw_buf_printf(T->b, " bytes %llu bits", (unsigned long long)(member_bits % 8));
  if (T->holes)
    bw_buf_printf(T->b, ", holes: %llu, sum holes: %llu", (unsigned long long)T->holes,
                  (unsigned long long)T->sum_holes);
  bw_buf_puts(T->b, " */\n");
  if (T->bit_holes)
    bw_buf_printf(T->b, "\t/* bit holes: %llu, sum bit holes: %llu bits */\n",
                  (unsigned long long)T->bit_holes, (unsigned long long)T->sum_bit_holes);
  uint64_t size_bits = n->size > UINT64_MAX / 8 ? UINT64_MAX : n->size * 8;
  if (cursor < size_bits) {
    uint64_t pad = size_bits - cursor;
    if (pad / 8) bw_buf_printf(T->b, "\t/* padding: %llu */\n", (unsigned long long)(pad / 8));
    if (pad % 8)
      bw_buf_printf(T->b, "\t/* bit_padding: %llu bits */\n", (unsigned long long)(pad % 8));
  }
  if (n->size % CACHELINE && n->size > CACHELINE)
    bw_buf_printf(T->b, "\t/* last cacheline: %llu bytes */\n",
                  (unsigned long long)(n->size % CACHELINE));
}

/* The opening words of a record or enum: "struct stat" when the C spelling names it that way,
 * "typedef struct" for a typedef'd anonymous one (closed by "} name;"); for a natural layout
 * the keyword and the BARE name (the equivalent C declaration); for an imported record that C
 * cannot name, the keyword with the BARE name in a comment, so the line never reads as a C
 * name that does not exist. Writes the closing line into close. */
static void record_header(bw_buf *b, const char *keyword, const bw_user_type *u, const bw_native *n,
                          char *close, size_t close_size) {
  size_t k = strlen(keyword);
  snprintf(close, close_size, "};\n");
  if (n->c_name && strncmp(n->c_name, keyword, k) == 0 && n->c_name[k] == ' ') {
    bw_buf_puts(b, n->c_name);
  } else if (n->c_name) {
    bw_buf_printf(b, "typedef %s", keyword);
    snprintf(close, close_size, "} %.200s;\n", n->c_name);
  } else if (n->flags & BW_NATIVE_NATURAL) {
    bw_buf_printf(b, "%s %s", keyword, u->name);
  } else {
    bw_buf_printf(b, "%s /* %s */", keyword, u->name);
  }
}

static void enum_body(table *T, const bw_type *t, const bw_native *n) {
  if (n->constant_count) {
    for (size_t i = 0; i < n->constant_count; i++) {
      const bw_constant *c = &n->constants[i];
      if (c->is_unsigned)
        bw_buf_printf(T->b, "\t%s = %llu,\n", c->c_name ? c->c_name : c->name,
                      (unsigned long long)c->value);
      else
        bw_buf_printf(T->b, "\t%s = %lld,\n", c->c_name ? c->c_name : c->name, (long long)c->value);
    }
    return;
  }
  for (size_t i = 0; t->kind == BW_KIND_ENUM && i < t->count; i++)
    bw_buf_printf(T->b, "\t%s = %llu,\n",
                  t->members[i].c_name ? t->members[i].c_name : t->members[i].name,
                  (unsigned long long)t->members[i].value);
}

static void one_type(bw_buf *b, const bw_user_type *u, const bw_native *n) {
  table T = {b, CACHELINE, 0, 0, 0, 0, MAX_INLINE_RECORDS};
  char close[256];
  const bw_type *t = u->type;
  const bw_type *r = bw_type_resolve(t);
  if (t->kind == BW_KIND_REF) {
    /* Name the aliased type as C does when it has a C spelling, else by its BARE name. */
    const bw_native *target = t->ref ? t->ref->type->native : NULL;
    const char *aliased = target && target->c_name ? target->c_name : t->ref_name;
    bw_buf_printf(b, "typedef %s %s;\t/* size: %llu, align: %llu */\n", aliased,
                  n->c_name ? n->c_name : u->name, (unsigned long long)n->size,
                  (unsigned long long)n->align);
  } else if (r->kind == BW_KIND_STRUCT || (n->flags & BW_NATIVE_C_UNION)) {
    int is_union = r->kind != BW_KIND_STRUCT;
    record_header(b, is_union ? "union" : "struct", u, n, close, sizeof close);
    bw_buf_printf(b, " {\t/* size: %llu, align: %llu */\n", (unsigned long long)n->size,
                  (unsigned long long)n->align);
    record(&T, r, n, 0, 1);
    totals(&T, r, n);
    bw_buf_puts(b, close);
  } else if (r->kind == BW_KIND_ENUM || (n->flags & BW_NATIVE_C_ENUM)) {
    record_header(b, "enum", u, n, close, sizeof close);
    bw_buf_printf(b, " {\t/* size: %llu, align: %llu", (unsigned long long)n->size,
                  (unsigned long long)n->align);
    if (n->underlying) bw_buf_printf(b, ", underlying: %s", n->underlying);
    bw_buf_puts(b, " */\n");
    enum_body(&T, r, n);
    bw_buf_puts(b, close);
  } else {
    bw_buf tmp = {0};
    bw_layout_expr(&tmp, t);
    bw_buf_putc(&tmp, 0);
    bw_buf_printf(b, "typedef %s %s;\t/* size: %llu, align: %llu */\n", tmp.data ? tmp.data : "?",
                  n->c_name ? n->c_name : u->name, (unsigned long long)n->size,
                  (unsigned long long)n->align);
    if (tmp.oom) b->oom = 1;
    bw_buf_free(&tmp);
  }
}

/* A type by its BARE name, else by its C spelling ("struct stat", or "stat" for the tag). */
static const bw_user_type *find_type(const bw_schema *s, const char *name) {
  const bw_user_type *u = bw_schema_find(s, name);
  for (size_t i = 0; !u && i < s->type_count; i++) {
    const bw_native *n = s->types[i]->type->native;
    const char *c = n ? n->c_name : NULL;
    if (!c) continue;
    const char *space = strchr(c, ' ');
    if (strcmp(c, name) == 0 || (space && strcmp(space + 1, name) == 0)) u = s->types[i];
  }
  return u;
}

int bw_schema_layout_table(const bw_schema *s, const char *const *names, size_t count, char **out,
                           size_t *len, bw_error *err) {
  if (out) *out = NULL;
  if (len) *len = 0;
  if (!s || !out || (count && !names))
    return bw_error_set(err, BW_EINVAL, 0, "no schema, names or output");
  if (!s->validated) return bw_error_set(err, BW_EINVAL, 0, "the schema is not validated");
  bw_buf b = {0};
  size_t shown = 0;
  for (size_t i = 0; i < (count ? count : s->type_count); i++) {
    const bw_user_type *u = count ? find_type(s, names[i]) : s->types[i];
    if (!u) {
      bw_buf_free(&b);
      return bw_error_set(err, BW_ENOTFOUND, 0, "unknown type '%.100s'", names[i]);
    }
    const bw_native *n = bw_layout_of(u->type);
    if (!n) {
      if (!count) continue;
      bw_buf_free(&b);
      bw_type_native(s, u->type, err);
      return BW_ENOLAYOUT;
    }
    if (shown++) bw_buf_putc(&b, '\n');
    one_type(&b, u, n);
  }
  if (bw_buf_finish(&b, out, len) != 0)
    return bw_error_set(err, BW_ENOMEM, 0, "out of memory writing the layout table");
  return 0;
}

/* barewire schema module: the recursive-descent parser of the schema language (BARE draft -15,
 * and the pre-draft-03 syntax behind bw_parse_options.old_syntax), doc comments and the `#@`
 * layout annotations described in docs/schema-annotations.md.
 *
 * The parser pulls tokens from the lexer one at a time. Comments never reach the grammar: as
 * they go by, full-line comments are gathered into a doc block and `#@` lines are parsed into
 * annotation records; both are hung on the next real token, and the grammar rule that starts
 * an item (type definition, field, enum or union member) takes them from there. Syntax errors
 * are reported through bw_diags with line and column; the parser then skips to the next `type`
 * keyword that starts a line, so one run reports several errors (at most
 * BW_PARSE_MAX_ERRORS). Nesting is bounded by an explicit depth counter (max_depth, and never
 * more than BW_PARSE_HARD_MAX_DEPTH) so hostile input cannot exhaust the stack. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "schema_internal.h"

/* Error paths stay out of line so that their message buffers are not part of the frames of
 * the recursive functions (which bounds the stack used per nesting level). */
#if defined(__GNUC__)
#define BW_NOINLINE __attribute__((noinline, cold))
#else
#define BW_NOINLINE
#endif

/* Syntax errors reported before the parser gives up on a text. */
#define BW_PARSE_MAX_ERRORS 100
/* Recursion depth the parser allows whatever max_depth says: each level costs a few stack
 * frames, and this keeps the worst case well below a thread's default stack. */
#define BW_PARSE_HARD_MAX_DEPTH 1000u

typedef enum annotation_kind {
  ANNOT_TARGET,
  ANNOT_CONSTANT,
  ANNOT_NATIVE,
  ANNOT_C_MEMBER,
  ANNOT_C_CONSTANT,
  ANNOT_C_MEMBER_NATIVE,
  ANNOT_FIELD,
  ANNOT_ENUMERATOR,
  ANNOT_KIND_COUNT
} annotation_kind;

static const char *const annotation_names[ANNOT_KIND_COUNT] = {
    "target",     "constant",        "native", "c_member",
    "c_constant", "c_member_native", "field",  "enumerator"};

/* One parsed `#@` line. Strings live in the draft's arena. */
struct bw_annotation {
  annotation_kind kind;
  uint32_t line, column;
  struct bw_annotation *next;
  const char *name, *c_name, *c_type, *file, *underlying, *triple, *doc;
  bw_type *type; /* c_member: its wire type */
  uint64_t size, align, offset, bit_offset, decl_line, pointer_size, bit_width;
  uint64_t magnitude; /* constant values: |value| and its sign until `unsigned` is known */
  int negative;
  int64_t value;
  int is_unsigned;
  uint32_t flags; /* BW_FIELD_* or BW_NATIVE_* by kind */
  int big_endian, char_signed;
};

/* State shared by the main parser and the sub-parsers of annotation type expressions. */
typedef struct parse_shared {
  bw_draft *d;
  bw_diags *diags;
  int first_code;
  size_t errors;
  int stop;
  int old_syntax;
  size_t max_depth;
  size_t max_types;
  size_t types;
  int has_target;
} parse_shared;

typedef struct parser {
  parse_shared *sh;
  bw_lexer lx;
  bw_token cur;
  int sub;        /* parsing a type expression inside an annotation: no comments */
  int recovering; /* skipping after an error: unused annotations are not reported */
  /* The doc block being gathered: consecutive full-line comments. */
  bw_buf doc;
  int block_active;
  int block_has_text;
  uint32_t block_last;
  int seen_token;
  int schema_doc_done;
  struct bw_annotation *pending;
  struct bw_annotation **pending_tail;
} parser;

/* ---- diagnostics ------------------------------------------------------------------------ */

static BW_NOINLINE int report(parser *p, int code, uint32_t line, uint32_t column, const char *fmt,
                              ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static BW_NOINLINE int report(parser *p, int code, uint32_t line, uint32_t column, const char *fmt,
                              ...) {
  parse_shared *sh = p->sh;
  if (sh->stop) return -1;
  char message[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  bw_diags_add(sh->diags, code, line, column, "%s", message);
  if (!sh->first_code) sh->first_code = code;
  if (++sh->errors >= BW_PARSE_MAX_ERRORS) {
    bw_diags_add(sh->diags, code, line, column, "too many errors; giving up");
    sh->stop = 1;
  }
  if (code == BW_ENOMEM) sh->stop = 1;
  return -1;
}

static BW_NOINLINE int out_of_memory(parser *p) {
  return report(p, BW_ENOMEM, p->cur.line, p->cur.column, "out of memory");
}

/* A short quotable description of a token for "found ..." in messages. */
static void describe(const bw_token *t, char *buf, size_t size) {
  switch (t->kind) {
    case BW_TOK_EOF:
      snprintf(buf, size, "end of input");
      return;
    case BW_TOK_IDENT:
    case BW_TOK_NUMBER:
    case BW_TOK_PUNCT:
      if (t->len > 40)
        snprintf(buf, size, "'%.40s...'", t->text);
      else
        snprintf(buf, size, "'%.*s'", (int)t->len, t->text);
      return;
    default: {
      unsigned char c = t->len ? (unsigned char)t->text[0] : 0;
      if (c > 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
      else
        snprintf(buf, size, "byte 0x%02x", c);
      return;
    }
  }
}

/* Reports "expected WHAT, found TOKEN" at the current token (or the lexer's own complaint
 * when the token is unusable). Returns -1. */
static BW_NOINLINE int expected(parser *p, const char *what) {
  const bw_token *t = &p->cur;
  char found[64];
  describe(t, found, sizeof found);
  if (t->kind == BW_TOK_ERROR) {
    if (t->len != 1) return report(p, BW_ESYNTAX, t->line, t->column, "%s", t->message);
    if (strncmp(t->message, "unexpected", 10) == 0)
      return report(p, BW_ESYNTAX, t->line, t->column, "%s %s (expected %s)", t->message, found,
                    what);
    return report(p, BW_ESYNTAX, t->line, t->column, "%s (%s)", t->message, found);
  }
  return report(p, BW_ESYNTAX, t->line, t->column, "expected %s, found %s", what, found);
}

/* expected() with a formatted WHAT. */
static BW_NOINLINE int expectedf(parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static BW_NOINLINE int expectedf(parser *p, const char *fmt, ...) {
  char what[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return expected(p, what);
}

/* Reports the current token as a name of the wrong form; rule completes "name %s must ...". */
static BW_NOINLINE int bad_name(parser *p, const char *what, const char *rule) {
  char found[64];
  describe(&p->cur, found, sizeof found);
  return report(p, BW_ESYNTAX, p->cur.line, p->cur.column, "%s %s must %s", what, found, rule);
}

/* ---- token helpers ---------------------------------------------------------------------- */

static int is_word(const bw_token *t, const char *w) {
  size_t n = strlen(w);
  return t->kind == BW_TOK_IDENT && t->len == n && memcmp(t->text, w, n) == 0;
}

static int is_punct(const bw_token *t, char c) {
  return t->kind == BW_TOK_PUNCT && t->text[0] == c;
}

static void handle_comment(parser *p, const bw_token *c);

static void report_unused(parser *p, struct bw_annotation *a) {
  for (; a; a = a->next)
    report(p, BW_ESYNTAX, a->line, a->column,
           "'#@ %s' annotation is not followed by anything it can apply to",
           annotation_names[a->kind]);
}

/* Ends the current doc block without attaching it to a token. The first block of the file
 * that is followed by a blank line (rather than by a definition) is the schema's doc. */
static void close_block(parser *p) {
  if (p->block_active && p->block_has_text && !p->seen_token && !p->schema_doc_done) {
    p->schema_doc_done = 1;
    if (bw_draft_set_doc(p->sh->d, p->doc.len ? p->doc.data : "") != 0) out_of_memory(p);
  }
  p->block_active = 0;
  p->block_has_text = 0;
  p->doc.len = 0;
}

/* Moves to the next token that is not a comment, handling the comments on the way. */
static void advance(parser *p) {
  if (p->cur.annotations && !p->recovering) report_unused(p, p->cur.annotations);
  p->cur.annotations = NULL;
  bw_token t;
  for (;;) {
    bw_lexer_next(&p->lx, &t);
    if (t.kind != BW_TOK_COMMENT) break;
    if (p->sub) {
      t.kind = BW_TOK_ERROR;
      t.message = "'#' inside an annotation's type expression";
      break;
    }
    handle_comment(p, &t);
  }
  if (!p->sub) {
    if (p->block_active) {
      if (t.kind != BW_TOK_EOF && p->block_has_text && p->block_last + 1 == t.line) {
        t.doc = bw_draft_strndup(p->sh->d, p->doc.len ? p->doc.data : "", p->doc.len);
        if (!t.doc) out_of_memory(p);
        p->block_active = 0;
        p->block_has_text = 0;
        p->doc.len = 0;
      } else {
        close_block(p);
      }
    }
    t.annotations = p->pending;
    p->pending = NULL;
    p->pending_tail = &p->pending;
    if (t.kind != BW_TOK_EOF) p->seen_token = 1;
  }
  p->cur = t;
}

/* Takes the annotations hung on the current token (the caller applies them). */
static struct bw_annotation *take_annotations(parser *p) {
  struct bw_annotation *a = p->cur.annotations;
  p->cur.annotations = NULL;
  return a;
}

/* Reads the current NUMBER token. Returns 0 and advances, or reports and returns -1. */
static int parse_number(parser *p, const char *what, uint64_t *out) {
  if (p->cur.kind != BW_TOK_NUMBER) return expected(p, what);
  if (p->cur.overflow) {
    if (p->cur.len > 40)
      return report(p, BW_ESYNTAX, p->cur.line, p->cur.column,
                    "number %.40s... is too large (the largest is 18446744073709551615)",
                    p->cur.text);
    return report(p, BW_ESYNTAX, p->cur.line, p->cur.column,
                  "number %.*s is too large (the largest is 18446744073709551615)", (int)p->cur.len,
                  p->cur.text);
  }
  *out = p->cur.number;
  advance(p);
  return 0;
}

static int expect_punct(parser *p, char c, const char *what) {
  if (!is_punct(&p->cur, c)) return expected(p, what);
  advance(p);
  return 0;
}

/* Copies the current identifier into the arena (builders copy names again; this keeps a
 * NUL-terminated spelling while nested parsing moves on). */
static char *cur_name(parser *p) {
  char *s = bw_draft_strndup(p->sh->d, p->cur.text, p->cur.len);
  if (!s) out_of_memory(p);
  return s;
}

/* ---- name classes ----------------------------------------------------------------------- */

static int upper(char c) {
  return c >= 'A' && c <= 'Z';
}
static int lower(char c) {
  return c >= 'a' && c <= 'z';
}
static int digit(char c) {
  return c >= '0' && c <= '9';
}

static int is_type_name(const bw_token *t) {
  if (t->kind != BW_TOK_IDENT || !upper(t->text[0])) return 0;
  for (size_t i = 1; i < t->len; i++)
    if (!upper(t->text[i]) && !lower(t->text[i]) && !digit(t->text[i])) return 0;
  return 1;
}

static int is_field_name(const bw_token *t) {
  return t->kind == BW_TOK_IDENT && lower(t->text[0]);
}

static int is_member_name(const bw_token *t) {
  if (t->kind != BW_TOK_IDENT || !upper(t->text[0])) return 0;
  for (size_t i = 1; i < t->len; i++)
    if (lower(t->text[i])) return 0;
  return 1;
}

static int bad_type_name(parser *p) {
  return bad_name(p, "type name",
                  "start with an upper-case letter and contain only letters and digits");
}

/* ---- annotations applied to items --------------------------------------------------------- */

typedef enum item_kind {
  ITEM_DEFINITION,
  ITEM_FIELD,
  ITEM_ENUM_MEMBER,
  ITEM_UNION_MEMBER,
  ITEM_END
} item_kind;

static const char *const item_names[] = {"a type definition", "a struct field", "an enum member",
                                         "a union member", "the end of the schema"};

/* What the annotations before one item say, until the item exists. */
typedef struct layout_notes {
  bw_native native;
  int has_native;
  const struct bw_annotation *field;
  const char *enumerator_c_name;
  bw_type *last_member_type; /* the type of the latest c_member, for c_member_native */
} layout_notes;

static int allowed(annotation_kind k, item_kind item) {
  switch (item) {
    case ITEM_DEFINITION:
      return k == ANNOT_TARGET || k == ANNOT_CONSTANT || k == ANNOT_NATIVE || k == ANNOT_C_MEMBER ||
             k == ANNOT_C_CONSTANT || k == ANNOT_C_MEMBER_NATIVE;
    case ITEM_END:
      return k == ANNOT_TARGET || k == ANNOT_CONSTANT;
    case ITEM_FIELD:
      return k == ANNOT_FIELD || k == ANNOT_NATIVE || k == ANNOT_C_MEMBER ||
             k == ANNOT_C_CONSTANT || k == ANNOT_C_MEMBER_NATIVE;
    case ITEM_UNION_MEMBER:
      return k == ANNOT_NATIVE || k == ANNOT_C_MEMBER || k == ANNOT_C_CONSTANT ||
             k == ANNOT_C_MEMBER_NATIVE;
    case ITEM_ENUM_MEMBER:
      return k == ANNOT_ENUMERATOR;
  }
  return 0;
}

static void fill_native(bw_native *n, const struct bw_annotation *a) {
  n->size = a->size;
  n->align = a->align;
  n->flags = a->flags;
  n->c_name = a->c_name;
  n->underlying = a->underlying;
  n->file = a->file;
  n->line = (uint32_t)a->decl_line;
}

/* Applies schema-level annotations at once and gathers the others into notes. */
static void collect(parser *p, struct bw_annotation *a, item_kind item, layout_notes *notes) {
  bw_draft *d = p->sh->d;
  for (; a; a = a->next) {
    const char *kind = annotation_names[a->kind];
    if (!allowed(a->kind, item)) {
      report(p, BW_ESYNTAX, a->line, a->column, "'#@ %s' annotation cannot come before %s", kind,
             item_names[item]);
      continue;
    }
    switch (a->kind) {
      case ANNOT_TARGET:
        if (p->sh->has_target) {
          report(p, BW_ESYNTAX, a->line, a->column, "second '#@ target' annotation");
          break;
        }
        p->sh->has_target = 1;
        if (bw_draft_set_target(d, a->triple, (uint32_t)a->pointer_size, a->big_endian,
                                a->char_signed) != 0)
          out_of_memory(p);
        break;
      case ANNOT_CONSTANT:
        if (!bw_draft_add_constant(d, a->name, a->c_name, a->value, a->is_unsigned))
          out_of_memory(p);
        break;
      case ANNOT_NATIVE:
        if (notes->has_native) {
          report(p, BW_ESYNTAX, a->line, a->column, "second '#@ native' annotation for %s",
                 item_names[item]);
          break;
        }
        notes->has_native = 1;
        fill_native(&notes->native, a);
        break;
      case ANNOT_C_MEMBER: {
        if (!notes->has_native) {
          report(p, BW_ESYNTAX, a->line, a->column,
                 "'#@ c_member' annotation must follow a '#@ native' annotation");
          break;
        }
        bw_field *f = bw_draft_add_native_member(d, &notes->native, a->name, a->type);
        if (!f) {
          out_of_memory(p);
          break;
        }
        f->pos = (bw_pos){a->line, a->column};
        f->offset = a->offset;
        f->bit_offset = a->bit_offset;
        f->bit_width = (uint32_t)a->bit_width;
        f->flags = a->flags;
        f->c_name = a->c_name;
        f->c_type = a->c_type;
        f->doc = a->doc;
        notes->last_member_type = a->type;
        break;
      }
      case ANNOT_C_MEMBER_NATIVE: {
        if (!notes->last_member_type) {
          report(p, BW_ESYNTAX, a->line, a->column,
                 "'#@ c_member_native' annotation must follow a '#@ c_member' annotation");
          break;
        }
        if (notes->last_member_type->native) {
          report(p, BW_ESYNTAX, a->line, a->column,
                 "second '#@ c_member_native' annotation for one member");
          break;
        }
        bw_native *n = bw_draft_native(d, notes->last_member_type);
        if (!n) {
          out_of_memory(p);
          break;
        }
        fill_native(n, a);
        break;
      }
      case ANNOT_C_CONSTANT:
        if (!notes->has_native) {
          report(p, BW_ESYNTAX, a->line, a->column,
                 "'#@ c_constant' annotation must follow a '#@ native' annotation");
          break;
        }
        if (!bw_draft_add_native_constant(d, &notes->native, a->name, a->c_name, a->value,
                                          a->is_unsigned))
          out_of_memory(p);
        break;
      case ANNOT_FIELD:
        if (notes->field)
          report(p, BW_ESYNTAX, a->line, a->column, "second '#@ field' annotation for one field");
        else
          notes->field = a;
        break;
      case ANNOT_ENUMERATOR:
        if (notes->enumerator_c_name)
          report(p, BW_ESYNTAX, a->line, a->column,
                 "second '#@ enumerator' annotation for one member");
        else
          notes->enumerator_c_name = a->c_name;
        break;
      case ANNOT_KIND_COUNT:
        break;
    }
  }
}

static void attach_native(parser *p, bw_type *t, const layout_notes *notes) {
  if (!notes->has_native || !t) return;
  bw_native *n = bw_draft_native(p->sh->d, t);
  if (!n) {
    out_of_memory(p);
    return;
  }
  *n = notes->native;
}

/* ---- type expressions ------------------------------------------------------------------- */

static bw_type *parse_type(parser *p, size_t depth);

static bw_type *new_node(parser *p, bw_type *t, const bw_token *at) {
  if (!t) {
    out_of_memory(p);
    return NULL;
  }
  t->pos = (bw_pos){at->line, at->column};
  return t;
}

/* `{ name: type ... }` (the '{' is the current token); close is '}'. */
static int parse_struct_body(parser *p, bw_type *st, size_t depth) {
  bw_pos open = {p->cur.line, p->cur.column};
  advance(p);
  while (!is_punct(&p->cur, '}')) {
    if (p->sh->stop) return -1;
    if (p->cur.kind == BW_TOK_EOF) {
      return report(p, BW_ESYNTAX, p->cur.line, p->cur.column,
                    "expected '}' to close the struct body opened at %u:%u, found end of input",
                    open.line, open.column);
    }
    if (p->cur.kind != BW_TOK_IDENT) return expected(p, "a field name or '}' in struct body");
    if (!is_field_name(&p->cur))
      return bad_name(p, "field name",
                      "start with a lower-case letter and contain only letters, digits and '_'");
    bw_pos name_pos = {p->cur.line, p->cur.column};
    const char *name_doc = p->cur.doc;
    layout_notes notes = {0};
    collect(p, take_annotations(p), ITEM_FIELD, &notes);
    char *name = cur_name(p);
    if (!name) return -1;
    advance(p);
    if (!is_punct(&p->cur, ':')) return expectedf(p, "':' after field name '%.40s'", name);
    advance(p);
    bw_type *ft = parse_type(p, depth + 1);
    if (!ft) return -1;
    bw_field *f = bw_draft_add_field(p->sh->d, st, name, ft);
    if (!f) return out_of_memory(p);
    f->pos = name_pos;
    f->doc = name_doc;
    if (notes.field) {
      const struct bw_annotation *a = notes.field;
      f->offset = a->offset;
      f->bit_offset = a->bit_offset;
      f->bit_width = (uint32_t)a->bit_width;
      f->flags = a->flags;
      f->c_name = a->c_name;
      f->c_type = a->c_type;
    }
    attach_native(p, ft, &notes);
  }
  advance(p);
  return 0;
}

static int parse_enum_body(parser *p, bw_type *en) {
  bw_pos open = {p->cur.line, p->cur.column};
  advance(p);
  while (!is_punct(&p->cur, '}')) {
    if (p->sh->stop) return -1;
    if (p->cur.kind == BW_TOK_EOF)
      return report(p, BW_ESYNTAX, p->cur.line, p->cur.column,
                    "expected '}' to close the enum body opened at %u:%u, found end of input",
                    open.line, open.column);
    if (p->cur.kind != BW_TOK_IDENT) return expected(p, "an enum member name or '}'");
    if (!is_member_name(&p->cur))
      return bad_name(p, "enum member name",
                      "start with an upper-case letter and contain only upper-case letters, "
                      "digits and '_'");
    bw_pos name_pos = {p->cur.line, p->cur.column};
    const char *name_doc = p->cur.doc;
    layout_notes notes = {0};
    collect(p, take_annotations(p), ITEM_ENUM_MEMBER, &notes);
    char *name = cur_name(p);
    if (!name) return -1;
    advance(p);
    uint64_t value = 0;
    int has_value = 0;
    if (is_punct(&p->cur, '=')) {
      advance(p);
      if (p->cur.kind != BW_TOK_NUMBER) return expectedf(p, "a value after '%.40s ='", name);
      if (parse_number(p, "a value", &value) < 0) return -1;
      has_value = 1;
    }
    bw_enum_member *m = bw_draft_add_enum_member(p->sh->d, en, name, has_value, value);
    if (!m) return out_of_memory(p);
    m->pos = name_pos;
    m->doc = name_doc;
    m->c_name = notes.enumerator_c_name;
  }
  advance(p);
  return 0;
}

/* `{ A | B = 3 }` or, in the old syntax, `( A | B )`; the opening bracket is current. */
static int parse_union_body(parser *p, bw_type *un, size_t depth, char close) {
  bw_pos open = {p->cur.line, p->cur.column};
  advance(p);
  const char *bar_doc = NULL;
  int after_bar = 0;
  layout_notes notes = {0};
  if (is_punct(&p->cur, '|')) {
    bar_doc = p->cur.doc;
    collect(p, take_annotations(p), ITEM_UNION_MEMBER, &notes);
    advance(p);
    after_bar = 1;
  }
  for (;;) {
    if (p->sh->stop) return -1;
    if (is_punct(&p->cur, close)) {
      if (after_bar) return expected(p, "a type after '|'");
      break;
    }
    if (p->cur.kind == BW_TOK_EOF)
      return report(p, BW_ESYNTAX, p->cur.line, p->cur.column,
                    "expected '%c' to close the union body opened at %u:%u, found end of input",
                    close, open.line, open.column);
    bw_pos start = {p->cur.line, p->cur.column};
    const char *doc = bar_doc ? bar_doc : p->cur.doc;
    collect(p, take_annotations(p), ITEM_UNION_MEMBER, &notes);
    bw_type *mt = parse_type(p, depth + 1);
    if (!mt) return -1;
    uint64_t tag = 0;
    int has_tag = 0;
    if (is_punct(&p->cur, '=')) {
      advance(p);
      if (parse_number(p, "a tag value after '='", &tag) < 0) return -1;
      has_tag = 1;
    }
    bw_union_member *m = bw_draft_add_union_member(p->sh->d, un, mt, has_tag, tag);
    if (!m) return out_of_memory(p);
    m->pos = start;
    m->doc = doc;
    attach_native(p, mt, &notes);
    memset(&notes, 0, sizeof notes);
    bar_doc = NULL;
    after_bar = 0;
    if (is_punct(&p->cur, close)) break;
    if (p->cur.kind == BW_TOK_EOF) continue; /* reported as an unclosed body above */
    if (!is_punct(&p->cur, '|')) return expectedf(p, "'|' or '%c' after a union member", close);
    bar_doc = p->cur.doc;
    collect(p, take_annotations(p), ITEM_UNION_MEMBER, &notes);
    advance(p);
    after_bar = 1;
  }
  advance(p);
  return 0;
}

static BW_NOINLINE void unknown_type(parser *p, const bw_token *t) {
  char found[64];
  describe(t, found, sizeof found);
  if (is_word(t, "string"))
    report(p, BW_ESYNTAX, t->line, t->column,
           "unknown type 'string' (the current syntax says 'str'; 'string' is old syntax)");
  else
    report(p, BW_ESYNTAX, t->line, t->column, "unknown type %s", found);
}

typedef struct primitive_word {
  const char *word;
  bw_kind kind;
} primitive_word;

static const primitive_word primitives[] = {
    {"uint", BW_KIND_UINT}, {"int", BW_KIND_INT}, {"u8", BW_KIND_U8},     {"u16", BW_KIND_U16},
    {"u32", BW_KIND_U32},   {"u64", BW_KIND_U64}, {"i8", BW_KIND_I8},     {"i16", BW_KIND_I16},
    {"i32", BW_KIND_I32},   {"i64", BW_KIND_I64}, {"f32", BW_KIND_F32},   {"f64", BW_KIND_F64},
    {"bool", BW_KIND_BOOL}, {"str", BW_KIND_STR}, {"void", BW_KIND_VOID},
};

/* `<` type `>` with messages naming the construct. */
static bw_type *parse_angle(parser *p, size_t depth, const char *open_what,
                            const char *close_what) {
  if (expect_punct(p, '<', open_what) < 0) return NULL;
  bw_type *t = parse_type(p, depth + 1);
  if (!t) return NULL;
  if (expect_punct(p, '>', close_what) < 0) return NULL;
  return t;
}

/* `[` N `]`; the '[' is current. */
static int parse_length(parser *p, const char *what, const char *close_what, uint64_t *n) {
  advance(p);
  if (parse_number(p, what, n) < 0) return -1;
  return expect_punct(p, ']', close_what);
}

static bw_type *parse_keyword_type(parser *p, size_t depth, const bw_token *t) {
  bw_draft *d = p->sh->d;
  for (size_t i = 0; i < sizeof primitives / sizeof primitives[0]; i++)
    if (is_word(t, primitives[i].word)) {
      advance(p);
      return bw_draft_type(d, primitives[i].kind);
    }
  if (p->sh->old_syntax && is_word(t, "string")) {
    advance(p);
    return bw_draft_type(d, BW_KIND_STR);
  }
  if (is_word(t, "data")) {
    advance(p);
    uint64_t n = 0;
    if (is_punct(&p->cur, '[')) {
      if (parse_length(p, "a length after 'data['", "']' after the data length", &n) < 0)
        return NULL;
      return bw_draft_data_fixed(d, n);
    }
    if (p->sh->old_syntax && is_punct(&p->cur, '<')) {
      advance(p);
      if (parse_number(p, "a length after 'data<'", &n) < 0) return NULL;
      if (expect_punct(p, '>', "'>' after the data length") < 0) return NULL;
      return bw_draft_data_fixed(d, n);
    }
    return bw_draft_type(d, BW_KIND_DATA);
  }
  if (is_word(t, "optional")) {
    advance(p);
    bw_type *e =
        parse_angle(p, depth, "'<' after 'optional'", "'>' after the optional element type");
    return e ? bw_draft_optional(d, e) : NULL;
  }
  if (is_word(t, "list")) {
    advance(p);
    bw_type *e = parse_angle(p, depth, "'<' after 'list'", "'>' after list element type");
    if (!e) return NULL;
    if (is_punct(&p->cur, '[')) {
      uint64_t n = 0;
      if (parse_length(p, "a length after 'list<...>['", "']' after the list length", &n) < 0)
        return NULL;
      return bw_draft_list_fixed(d, e, n);
    }
    return bw_draft_list(d, e);
  }
  if (is_word(t, "map")) {
    advance(p);
    if (p->sh->old_syntax && is_punct(&p->cur, '[')) {
      advance(p);
      bw_type *k = parse_type(p, depth + 1);
      if (!k || expect_punct(p, ']', "']' after the map key type") < 0) return NULL;
      bw_type *v = parse_type(p, depth + 1);
      return v ? bw_draft_map(d, k, v) : NULL;
    }
    bw_type *k = parse_angle(p, depth, "'<' after 'map'", "'>' after the map key type");
    if (!k) return NULL;
    bw_type *v =
        parse_angle(p, depth, "'<' before the map value type", "'>' after the map value type");
    return v ? bw_draft_map(d, k, v) : NULL;
  }
  if (is_word(t, "struct") || is_word(t, "enum") || is_word(t, "union")) {
    bw_kind kind = is_word(t, "struct") ? BW_KIND_STRUCT
                   : is_word(t, "enum") ? BW_KIND_ENUM
                                        : BW_KIND_UNION;
    advance(p);
    if (!is_punct(&p->cur, '{')) {
      expectedf(p, "'{' after '%s'", bw_kind_name(kind));
      return NULL;
    }
    bw_type *body = bw_draft_type(d, kind);
    if (!body) {
      out_of_memory(p);
      return NULL;
    }
    int rc = kind == BW_KIND_STRUCT ? parse_struct_body(p, body, depth)
             : kind == BW_KIND_ENUM ? parse_enum_body(p, body)
                                    : parse_union_body(p, body, depth, '}');
    return rc < 0 ? NULL : body;
  }
  unknown_type(p, t);
  return NULL;
}

/* Old-syntax forms that start with punctuation: []T, [N]T, { fields }, ( A | B ). */
static bw_type *parse_old_punct_type(parser *p, size_t depth) {
  bw_draft *d = p->sh->d;
  if (is_punct(&p->cur, '[')) {
    advance(p);
    uint64_t n = 0;
    int fixed = 0;
    if (p->cur.kind == BW_TOK_NUMBER) {
      if (parse_number(p, "a list length", &n) < 0) return NULL;
      fixed = 1;
    }
    if (expect_punct(p, ']', fixed ? "']' after the list length" : "a length or ']' after '['") < 0)
      return NULL;
    bw_type *e = parse_type(p, depth + 1);
    if (!e) return NULL;
    return fixed ? bw_draft_list_fixed(d, e, n) : bw_draft_list(d, e);
  }
  bw_kind kind = is_punct(&p->cur, '{') ? BW_KIND_STRUCT : BW_KIND_UNION;
  bw_type *body = bw_draft_type(d, kind);
  if (!body) {
    out_of_memory(p);
    return NULL;
  }
  int rc = kind == BW_KIND_STRUCT ? parse_struct_body(p, body, depth)
                                  : parse_union_body(p, body, depth, ')');
  return rc < 0 ? NULL : body;
}

static bw_type *parse_type(parser *p, size_t depth) {
  if (depth > p->sh->max_depth) {
    report(p, BW_ELIMIT, p->cur.line, p->cur.column,
           "types are nested more than %zu levels deep (the limit)", p->sh->max_depth);
    return NULL;
  }
  bw_token t = p->cur;
  bw_type *ty = NULL;
  if (t.kind == BW_TOK_IDENT && upper(t.text[0])) {
    if (!is_type_name(&t)) {
      bad_type_name(p);
      return NULL;
    }
    char *name = cur_name(p);
    if (!name) return NULL;
    advance(p);
    ty = bw_draft_ref(p->sh->d, name);
  } else if (t.kind == BW_TOK_IDENT) {
    ty = parse_keyword_type(p, depth, &t);
    if (!ty) {
      if (p->sh->d->s.oom) out_of_memory(p);
      return NULL;
    }
  } else if (p->sh->old_syntax && (is_punct(&t, '[') || is_punct(&t, '{') || is_punct(&t, '('))) {
    ty = parse_old_punct_type(p, depth);
    if (!ty) {
      if (p->sh->d->s.oom) out_of_memory(p);
      return NULL;
    }
  } else {
    expected(p, "a type");
    return NULL;
  }
  return new_node(p, ty, &t);
}

/* ---- definitions ------------------------------------------------------------------------ */

/* Whether the current token starts a definition: `type` (or old `enum`) at the start of a
 * line, not followed by ':' (a field named "type"). Used to resynchronise after an error. */
static int at_definition_start(parser *p) {
  if (!p->cur.first_on_line) return 0;
  if (!is_word(&p->cur, "type") && !(p->sh->old_syntax && is_word(&p->cur, "enum"))) return 0;
  bw_lexer peek = p->lx;
  bw_token t;
  do bw_lexer_next(&peek, &t);
  while (t.kind == BW_TOK_COMMENT);
  return !is_punct(&t, ':');
}

static void recover(parser *p) {
  p->recovering = 1;
  while (p->cur.kind != BW_TOK_EOF && !p->sh->stop && !at_definition_start(p)) advance(p);
  p->recovering = 0;
}

/* `type Name <type>`, or old `enum Name { ... }`; the keyword is current. */
static int parse_definition(parser *p) {
  int old_enum = is_word(&p->cur, "enum");
  const char *doc = p->cur.doc;
  layout_notes notes = {0};
  collect(p, take_annotations(p), ITEM_DEFINITION, &notes);
  if (p->sh->types >= p->sh->max_types) {
    report(p, BW_ELIMIT, p->cur.line, p->cur.column, "more than %zu types (the limit)",
           p->sh->max_types);
    p->sh->stop = 1;
    return -1;
  }
  advance(p);
  if (p->cur.kind != BW_TOK_IDENT) {
    return expected(p, old_enum ? "an enum name after 'enum'" : "a type name after 'type'");
  }
  if (!is_type_name(&p->cur)) return bad_type_name(p);
  bw_token name_tok = p->cur;
  char *name = cur_name(p);
  if (!name) return -1;
  advance(p);
  bw_type *t;
  if (old_enum) {
    if (!is_punct(&p->cur, '{')) return expected(p, "'{' after the enum name");
    t = bw_draft_type(p->sh->d, BW_KIND_ENUM);
    if (!t) return out_of_memory(p);
    t->pos = (bw_pos){name_tok.line, name_tok.column};
    if (parse_enum_body(p, t) < 0) return -1;
  } else {
    t = parse_type(p, 1);
    if (!t) return -1;
  }
  bw_user_type *u = bw_draft_add_type(p->sh->d, name, t);
  if (!u) return out_of_memory(p);
  p->sh->types++;
  u->pos = (bw_pos){name_tok.line, name_tok.column};
  u->doc = doc;
  attach_native(p, t, &notes);
  return 0;
}

static void parse_schema(parser *p) {
  advance(p);
  while (p->cur.kind != BW_TOK_EOF && !p->sh->stop) {
    if (is_word(&p->cur, "type") || (p->sh->old_syntax && is_word(&p->cur, "enum"))) {
      if (parse_definition(p) < 0) recover(p);
      continue;
    }
    expected(p, "'type' at the start of a definition");
    advance(p);
    recover(p);
  }
  if (p->sh->stop) return;
  layout_notes notes = {0};
  collect(p, take_annotations(p), ITEM_END, &notes);
  close_block(p);
}

/* ---- annotation lines ------------------------------------------------------------------- */

typedef enum value_kind { V_STR, V_U64, V_U32, V_VALUE, V_ENDIAN, V_BOOL, V_TYPE } value_kind;

typedef struct key_spec {
  unsigned kinds; /* bit per annotation_kind */
  const char *key;
  value_kind vk;
  size_t offset; /* into struct bw_annotation */
} key_spec;

#define K(kind) (1u << (kind))
#define AT(member) offsetof(struct bw_annotation, member)
#define FIELD_LIKE (K(ANNOT_C_MEMBER) | K(ANNOT_FIELD))
#define CONSTANT_LIKE (K(ANNOT_CONSTANT) | K(ANNOT_C_CONSTANT))
#define NATIVE_LIKE (K(ANNOT_NATIVE) | K(ANNOT_C_MEMBER_NATIVE))

static const key_spec keys[] = {
    {K(ANNOT_TARGET), "triple", V_STR, AT(triple)},
    {K(ANNOT_TARGET), "pointer_size", V_U32, AT(pointer_size)},
    {K(ANNOT_TARGET), "endian", V_ENDIAN, AT(big_endian)},
    {K(ANNOT_TARGET), "char_signed", V_BOOL, AT(char_signed)},
    {CONSTANT_LIKE | K(ANNOT_C_MEMBER), "name", V_STR, AT(name)},
    {CONSTANT_LIKE | NATIVE_LIKE | FIELD_LIKE | K(ANNOT_ENUMERATOR), "c_name", V_STR, AT(c_name)},
    {CONSTANT_LIKE, "value", V_VALUE, AT(magnitude)},
    {NATIVE_LIKE, "size", V_U64, AT(size)},
    {NATIVE_LIKE, "align", V_U64, AT(align)},
    {NATIVE_LIKE, "underlying", V_STR, AT(underlying)},
    {NATIVE_LIKE, "file", V_STR, AT(file)},
    {NATIVE_LIKE, "line", V_U32, AT(decl_line)},
    {K(ANNOT_C_MEMBER), "type", V_TYPE, AT(type)},
    {FIELD_LIKE, "offset", V_U64, AT(offset)},
    {FIELD_LIKE, "bit_offset", V_U64, AT(bit_offset)},
    {FIELD_LIKE, "bit_width", V_U32, AT(bit_width)},
    {FIELD_LIKE, "c_type", V_STR, AT(c_type)},
    {K(ANNOT_C_MEMBER), "doc", V_STR, AT(doc)},
};

typedef struct flag_spec {
  unsigned kinds;
  const char *word;
  uint32_t bit; /* 0: is_unsigned */
} flag_spec;

static const flag_spec flag_words[] = {
    {NATIVE_LIKE, "c_union", BW_NATIVE_C_UNION},
    {NATIVE_LIKE, "c_enum", BW_NATIVE_C_ENUM},
    {NATIVE_LIKE, "packed", BW_NATIVE_PACKED},
    {NATIVE_LIKE, "natural", BW_NATIVE_NATURAL},
    {FIELD_LIKE, "bitfield", BW_FIELD_BITFIELD},
    {FIELD_LIKE, "flexible", BW_FIELD_FLEXIBLE},
    {FIELD_LIKE, "anonymous", BW_FIELD_ANONYMOUS},
    {FIELD_LIKE, "pointer", BW_FIELD_POINTER},
    {CONSTANT_LIKE, "unsigned", 0},
};

/* A cursor over one annotation line. */
typedef struct annot_scan {
  parser *p;
  const char *s;
  size_t n, i;
  uint32_t line, column0; /* column of s[0] */
  int failed;
  size_t kind_at; /* where the kind word starts: whole-annotation problems are reported there */
} annot_scan;

static int scan_fail(annot_scan *sc, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int scan_fail(annot_scan *sc, size_t at, const char *fmt, ...) {
  char message[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (!sc->failed) {
    uint64_t col = (uint64_t)sc->column0 + at;
    report(sc->p, BW_ESYNTAX, sc->line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col, "%s",
           message);
  }
  sc->failed = 1;
  return -1;
}

static void skip_blanks(annot_scan *sc) {
  while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t')) sc->i++;
}

static size_t scan_word(annot_scan *sc) {
  size_t start = sc->i;
  while (sc->i < sc->n && (lower(sc->s[sc->i]) || digit(sc->s[sc->i]) || sc->s[sc->i] == '_'))
    sc->i++;
  return sc->i - start;
}

static int hex_value(char c) {
  if (digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A value: "quoted string" with escapes, or a bare run of non-blank characters. The result is
 * NUL-terminated in the arena; *start is where it began (for positions). */
static char *scan_value(annot_scan *sc, size_t *len_out) {
  bw_buf b = {0};
  if (sc->i < sc->n && sc->s[sc->i] == '"') {
    size_t open = sc->i++;
    for (;;) {
      if (sc->i >= sc->n) {
        bw_buf_free(&b);
        scan_fail(sc, open, "string is not closed (expected '\"' before the end of the line)");
        return NULL;
      }
      char c = sc->s[sc->i];
      if (c == '"') {
        sc->i++;
        break;
      }
      if (c != '\\') {
        bw_buf_putc(&b, c);
        sc->i++;
        continue;
      }
      size_t esc = sc->i;
      char e = esc + 1 < sc->n ? sc->s[esc + 1] : 0;
      sc->i += 2;
      if (e == '"' || e == '\\')
        bw_buf_putc(&b, e);
      else if (e == 'n')
        bw_buf_putc(&b, '\n');
      else if (e == 't')
        bw_buf_putc(&b, '\t');
      else if (e == 'r')
        bw_buf_putc(&b, '\r');
      else if (e == 'x' && esc + 3 < sc->n && hex_value(sc->s[esc + 2]) >= 0 &&
               hex_value(sc->s[esc + 3]) >= 0 &&
               (hex_value(sc->s[esc + 2]) | hex_value(sc->s[esc + 3])) != 0) {
        bw_buf_putc(&b, (char)(hex_value(sc->s[esc + 2]) * 16 + hex_value(sc->s[esc + 3])));
        sc->i += 2;
      } else {
        bw_buf_free(&b);
        scan_fail(sc, esc,
                  "bad escape in string (use \\\", \\\\, \\n, \\t, \\r or \\xHH with HH not 00)");
        return NULL;
      }
    }
  } else {
    size_t start = sc->i;
    while (sc->i < sc->n && sc->s[sc->i] != ' ' && sc->s[sc->i] != '\t' && sc->s[sc->i] != '"')
      sc->i++;
    if (sc->i == start) {
      scan_fail(sc, start, "expected a value after '='");
      return NULL;
    }
    bw_buf_append(&b, sc->s + start, sc->i - start);
  }
  char *out = bw_draft_strndup(sc->p->sh->d, b.len ? b.data : "", b.len);
  bw_buf_free(&b);
  if (!out) out_of_memory(sc->p);
  *len_out = out ? strlen(out) : 0;
  return out;
}

static int parse_u64_text(const char *s, uint64_t *out) {
  if (!*s) return -1;
  uint64_t v = 0;
  for (; *s; s++) {
    if (!digit(*s)) return -1;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -2;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* Parses the type expression of a c_member (value already unescaped) with a sub-parser. */
static bw_type *parse_type_text(annot_scan *sc, const char *text, size_t len, size_t at) {
  parser sub = {0};
  sub.sh = sc->p->sh;
  sub.sub = 1;
  uint64_t col = (uint64_t)sc->column0 + at + 1;
  bw_lexer_init(&sub.lx, text, len, sc->line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col);
  advance(&sub);
  bw_type *t = parse_type(&sub, 1);
  if (t && sub.cur.kind != BW_TOK_EOF) {
    expected(&sub, "the end of the type expression");
    t = NULL;
  }
  if (!t) sc->failed = 1;
  return t;
}

static void set_value(annot_scan *sc, struct bw_annotation *a, const key_spec *k, const char *v,
                      size_t vlen, size_t at) {
  char *field = (char *)a + k->offset;
  uint64_t u = 0;
  int rc;
  switch (k->vk) {
    case V_STR:
      *(const char **)field = v;
      return;
    case V_U64:
    case V_U32:
      rc = parse_u64_text(v, &u);
      if (rc == 0 && k->vk == V_U32 && u > UINT32_MAX) rc = -2;
      if (rc == -1)
        scan_fail(sc, at, "%s= takes a decimal number, found '%.40s'", k->key, v);
      else if (rc == -2)
        scan_fail(sc, at, "%s=%.40s is too large", k->key, v);
      else
        *(uint64_t *)field = u;
      return;
    case V_VALUE:
      a->negative = v[0] == '-';
      rc = parse_u64_text(v + a->negative, &u);
      if (rc == -1)
        scan_fail(sc, at, "value= takes a decimal integer, found '%.40s'", v);
      else if (rc == -2)
        scan_fail(sc, at, "value=%.40s is too large for 64 bits", v);
      else
        a->magnitude = u;
      return;
    case V_ENDIAN:
      if (strcmp(v, "little") == 0)
        a->big_endian = 0;
      else if (strcmp(v, "big") == 0)
        a->big_endian = 1;
      else
        scan_fail(sc, at, "endian= takes 'little' or 'big', found '%.40s'", v);
      return;
    case V_BOOL:
      if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
        a->char_signed = v[0] == '1';
      else
        scan_fail(sc, at, "%s= takes 0 or 1, found '%.40s'", k->key, v);
      return;
    case V_TYPE:
      a->type = parse_type_text(sc, v, vlen, at);
      return;
  }
}

/* Turns the magnitude and sign of value= into the stored bits once `unsigned` is known. */
static void finish_value(annot_scan *sc, struct bw_annotation *a) {
  if (a->is_unsigned) {
    if (a->negative) {
      scan_fail(sc, sc->kind_at, "value= of an unsigned constant cannot be negative");
      return;
    }
    a->value = (int64_t)a->magnitude;
  } else if (a->negative) {
    if (a->magnitude > (uint64_t)INT64_MAX + 1) {
      scan_fail(sc, sc->kind_at, "value= is below the smallest signed 64-bit integer");
      return;
    }
    a->value = a->magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)a->magnitude;
  } else {
    if (a->magnitude > (uint64_t)INT64_MAX) {
      scan_fail(sc, sc->kind_at,
                "value= is above the largest signed 64-bit integer (add 'unsigned')");
      return;
    }
    a->value = (int64_t)a->magnitude;
  }
}

static struct bw_annotation *parse_annotation_line(annot_scan *sc, const bw_token *c) {
  skip_blanks(sc);
  size_t kind_at = sc->i;
  sc->kind_at = kind_at;
  size_t kn = scan_word(sc);
  int kind = -1;
  for (int k = 0; k < ANNOT_KIND_COUNT && kn; k++)
    if (strlen(annotation_names[k]) == kn && memcmp(annotation_names[k], sc->s + kind_at, kn) == 0)
      kind = k;
  if (kind < 0) {
    scan_fail(sc, kind_at,
              "unknown annotation '#@ %.*s' (expected target, constant, native, c_member, "
              "c_constant, c_member_native, field or enumerator)",
              (int)(kn ? kn : (sc->i < sc->n ? 1 : 0)), sc->s + kind_at);
    return NULL;
  }
  struct bw_annotation *a = bw_arena_alloc(&sc->p->sh->d->s.arena, sizeof *a);
  if (!a) {
    out_of_memory(sc->p);
    return NULL;
  }
  a->kind = (annotation_kind)kind;
  a->line = c->line;
  a->column = c->column;
  uint64_t seen = 0;
  int has_value = 0;
  while (!sc->failed) {
    if (sc->i < sc->n && sc->s[sc->i] != ' ' && sc->s[sc->i] != '\t')
      return scan_fail(sc, sc->i, "expected a blank between annotation items"), NULL;
    skip_blanks(sc);
    if (sc->i >= sc->n) break;
    size_t key_at = sc->i;
    size_t len = scan_word(sc);
    if (len == 0) {
      scan_fail(sc, key_at, "unexpected '%c' in '#@ %s' annotation", sc->s[key_at],
                annotation_names[kind]);
      break;
    }
    if (sc->i < sc->n && sc->s[sc->i] == '=') {
      sc->i++;
      const key_spec *k = NULL;
      size_t ki = 0;
      for (; ki < sizeof keys / sizeof keys[0]; ki++)
        if ((keys[ki].kinds & K(kind)) && strlen(keys[ki].key) == len &&
            memcmp(keys[ki].key, sc->s + key_at, len) == 0) {
          k = &keys[ki];
          break;
        }
      if (!k) {
        scan_fail(sc, key_at, "unknown key '%.*s' in '#@ %s' annotation", (int)len, sc->s + key_at,
                  annotation_names[kind]);
        break;
      }
      if (seen & (1ull << ki)) {
        scan_fail(sc, key_at, "key '%s' given twice", k->key);
        break;
      }
      seen |= 1ull << ki;
      size_t value_at = sc->i, vlen = 0;
      char *v = scan_value(sc, &vlen);
      if (!v) break;
      if (k->vk == V_VALUE) has_value = 1;
      set_value(sc, a, k, v, vlen, value_at);
      continue;
    }
    size_t fi = 0;
    for (; fi < sizeof flag_words / sizeof flag_words[0]; fi++)
      if ((flag_words[fi].kinds & K(kind)) && strlen(flag_words[fi].word) == len &&
          memcmp(flag_words[fi].word, sc->s + key_at, len) == 0)
        break;
    if (fi == sizeof flag_words / sizeof flag_words[0]) {
      scan_fail(sc, key_at, "unknown word '%.*s' in '#@ %s' annotation", (int)len, sc->s + key_at,
                annotation_names[kind]);
      break;
    }
    if (flag_words[fi].bit == 0)
      a->is_unsigned = 1;
    else
      a->flags |= flag_words[fi].bit;
  }
  if (sc->failed) return NULL;
  if ((kind == ANNOT_CONSTANT || kind == ANNOT_C_CONSTANT) && (!a->name || !has_value))
    return scan_fail(sc, sc->kind_at, "'#@ %s' needs name= and value=", annotation_names[kind]),
           NULL;
  if (kind == ANNOT_C_MEMBER && (!a->name || !a->type))
    return scan_fail(sc, sc->kind_at, "'#@ c_member' needs name= and type="), NULL;
  if (has_value) finish_value(sc, a);
  return sc->failed ? NULL : a;
}

static void handle_comment(parser *p, const bw_token *c) {
  int is_annotation = c->len > 0 && c->text[0] == '@';
  if (!c->first_on_line) {
    if (is_annotation)
      report(p, BW_ESYNTAX, c->line, c->column, "a '#@' annotation must be on a line of its own");
    return; /* a comment after code documents nothing */
  }
  if (!(p->block_active && c->line == p->block_last + 1)) {
    close_block(p);
    p->block_active = 1;
  }
  p->block_last = c->line;
  if (is_annotation) {
    annot_scan sc = {p, c->text + 1, c->len - 1, 0, c->line, c->column + 2, 0, 0};
    struct bw_annotation *a = parse_annotation_line(&sc, c);
    if (a) {
      *p->pending_tail = a;
      p->pending_tail = &a->next;
    }
    return;
  }
  const char *text = c->text;
  size_t len = c->len;
  if (len > 0 && text[0] == ' ') text++, len--;
  if (p->block_has_text) bw_buf_putc(&p->doc, '\n');
  bw_buf_append(&p->doc, text, len);
  p->block_has_text = 1;
  if (p->doc.oom) out_of_memory(p);
}

/* ---- entry points ----------------------------------------------------------------------- */

int bw_draft_parse(const char *text, size_t len, const bw_parse_options *opts, bw_draft **out,
                   bw_diags *diags) {
  if (!out) return BW_EINVAL;
  *out = NULL;
  if (!text && len) return BW_EINVAL;
  size_t max_size = opts && opts->max_size ? opts->max_size : BW_DEFAULT_MAX_SCHEMA_SIZE;
  if (len > max_size)
    return bw_diags_add(diags, BW_ELIMIT, 1, 1,
                        "schema text is %zu bytes, more than the limit of %zu bytes", len,
                        max_size);
  bw_draft *d = bw_draft_new();
  if (!d) return bw_diags_add(diags, BW_ENOMEM, 1, 1, "out of memory");
  if (opts && opts->filename) {
    d->s.filename = bw_arena_strdup(&d->s.arena, opts->filename);
    if (!d->s.filename) {
      bw_draft_free(d);
      return bw_diags_add(diags, BW_ENOMEM, 1, 1, "out of memory");
    }
  }
  parse_shared sh = {0};
  sh.d = d;
  sh.diags = diags;
  sh.old_syntax = opts && opts->old_syntax;
  sh.max_depth = opts && opts->max_depth ? opts->max_depth : BW_DEFAULT_MAX_SCHEMA_DEPTH;
  if (sh.max_depth > BW_PARSE_HARD_MAX_DEPTH) sh.max_depth = BW_PARSE_HARD_MAX_DEPTH;
  sh.max_types = opts && opts->max_types ? opts->max_types : BW_DEFAULT_MAX_SCHEMA_TYPES;
  parser p = {0};
  p.sh = &sh;
  p.pending_tail = &p.pending;
  bw_lexer_init(&p.lx, text ? text : "", len, 1, 1);
  parse_schema(&p);
  bw_buf_free(&p.doc);
  if (!sh.first_code && d->s.oom)
    sh.first_code = bw_diags_add(diags, BW_ENOMEM, 1, 1, "out of memory");
  if (sh.first_code) {
    bw_draft_free(d);
    return sh.first_code;
  }
  *out = d;
  return 0;
}

int bw_schema_parse(const char *text, size_t len, const bw_parse_options *opts, bw_schema **out,
                    bw_diags *diags) {
  if (!out) return BW_EINVAL;
  *out = NULL;
  bw_draft *d = NULL;
  int rc = bw_draft_parse(text, len, opts, &d, diags);
  if (rc != 0) return rc;
  bw_validate_options vo = {0};
  if (opts) {
    vo.max_depth = opts->max_depth;
    vo.max_types = opts->max_types;
    vo.allow_recursion = opts->old_syntax != 0;
  }
  return bw_draft_validate(d, &vo, out, diags);
}

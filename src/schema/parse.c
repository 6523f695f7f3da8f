/* barewire schema module: the recursive-descent parser of the schema language (BARE draft -15,
 * and the pre-draft-03 syntax behind bw_parse_options.old_syntax), doc comments and the `#@`
 * layout annotations described in docs/schema-annotations.md.
 *
 * The parser pulls tokens from the lexer one at a time. Comments never reach the grammar: as
 * they go by, full-line comments are gathered into a doc block and `#@` lines are parsed into
 * annotation records (annotation.c); both are hung on the next real token, and the grammar rule
 * that starts an item (type definition, field, enum or union member) takes them from there.
 * The type expression of a C union member annotation is parsed by a sub-parser over the
 * annotation's value, with the same limits. Syntax errors
 * are reported through bw_diags with line and column; the parser then skips to the next `type`
 * keyword that starts a line, so one run reports several errors (at most
 * BW_PARSE_MAX_ERRORS). Nesting is bounded by an explicit depth counter (max_depth, and never
 * more than BW_PARSE_HARD_MAX_DEPTH) so hostile input cannot exhaust the stack. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotation.h"
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
  bw_annotation_env env; /* how annotations reach back into the parser */
  char name_buf[BW_MAX_NAME_LENGTH + 1];
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

/* Appends one problem; the first code is the result, and too many problems stop the parse. */
static BW_NOINLINE int record(parse_shared *sh, int code, uint32_t line, uint32_t column,
                              const char *message) {
  if (sh->stop) return -1;
  bw_diags_add(sh->diags, code, line, column, "%s", message);
  if (!sh->first_code) sh->first_code = code;
  if (++sh->errors >= BW_PARSE_MAX_ERRORS) {
    bw_diags_add(sh->diags, code, line, column, "too many errors; giving up");
    sh->stop = 1;
  }
  if (code == BW_ENOMEM) sh->stop = 1;
  return -1;
}

static BW_NOINLINE int report(parser *p, int code, uint32_t line, uint32_t column, const char *fmt,
                              ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static BW_NOINLINE int report(parser *p, int code, uint32_t line, uint32_t column, const char *fmt,
                              ...) {
  char message[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return record(p->sh, code, line, column, message);
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
           bw_annotation_name(a->kind));
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
      t.len = 0;
      t.message = "a comment ('#') cannot appear inside an annotation's type expression";
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

/* A name as it stands in the text (the text outlives the parse). */
typedef struct name_text {
  const char *text;
  size_t len; /* at most BW_MAX_NAME_LENGTH: the lexer refuses longer identifiers */
} name_text;

static name_text cur_name(const parser *p) {
  return (name_text){p->cur.text, p->cur.len};
}

/* The name NUL-terminated in a scratch buffer, for a builder call that copies it at once. */
static const char *name_z(parser *p, name_text n) {
  memcpy(p->sh->name_buf, n.text, n.len);
  p->sh->name_buf[n.len] = 0;
  return p->sh->name_buf;
}

/* Up to 40 bytes of a name for a message. */
#define NAME_40(n) (int)((n).len < 40 ? (n).len : 40), (n).text

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
    bw_layout_notes notes = {0};
    bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_FIELD, &notes);
    name_text name = cur_name(p);
    advance(p);
    if (!is_punct(&p->cur, ':')) return expectedf(p, "':' after field name '%.*s'", NAME_40(name));
    advance(p);
    bw_type *ft = parse_type(p, depth + 1);
    if (!ft) return -1;
    bw_field *f = bw_draft_add_field(p->sh->d, st, name_z(p, name), ft);
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
    bw_layout_notes_attach(&p->sh->env, ft, &notes);
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
    bw_layout_notes notes = {0};
    bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_ENUM_MEMBER, &notes);
    name_text name = cur_name(p);
    advance(p);
    uint64_t value = 0;
    int has_value = 0;
    if (is_punct(&p->cur, '=')) {
      advance(p);
      if (p->cur.kind != BW_TOK_NUMBER)
        return expectedf(p, "a value after '%.*s ='", NAME_40(name));
      if (parse_number(p, "a value", &value) < 0) return -1;
      has_value = 1;
    }
    bw_enum_member *m = bw_draft_add_enum_member(p->sh->d, en, name_z(p, name), has_value, value);
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
  bw_layout_notes notes = {0};
  if (is_punct(&p->cur, '|')) {
    bar_doc = p->cur.doc;
    bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_UNION_MEMBER, &notes);
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
    bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_UNION_MEMBER, &notes);
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
    bw_layout_notes_attach(&p->sh->env, mt, &notes);
    memset(&notes, 0, sizeof notes);
    bar_doc = NULL;
    after_bar = 0;
    if (is_punct(&p->cur, close)) break;
    if (p->cur.kind == BW_TOK_EOF) continue; /* reported as an unclosed body above */
    if (!is_punct(&p->cur, '|')) return expectedf(p, "'|' or '%c' after a union member", close);
    bar_doc = p->cur.doc;
    bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_UNION_MEMBER, &notes);
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
    ty = bw_draft_ref(p->sh->d, name_z(p, cur_name(p)));
    advance(p);
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
  bw_layout_notes notes = {0};
  bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_DEFINITION, &notes);
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
  bw_pos name_pos = {p->cur.line, p->cur.column};
  name_text name = cur_name(p);
  advance(p);
  bw_type *t;
  if (old_enum) {
    if (!is_punct(&p->cur, '{')) return expected(p, "'{' after the enum name");
    t = bw_draft_type(p->sh->d, BW_KIND_ENUM);
    if (!t) return out_of_memory(p);
    t->pos = name_pos;
    if (parse_enum_body(p, t) < 0) return -1;
  } else {
    t = parse_type(p, 1);
    if (!t) return -1;
  }
  bw_user_type *u = bw_draft_add_type(p->sh->d, name_z(p, name), t);
  if (!u) return out_of_memory(p);
  p->sh->types++;
  u->pos = name_pos;
  u->doc = doc;
  bw_layout_notes_attach(&p->sh->env, t, &notes);
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
  bw_layout_notes notes = {0};
  bw_annotations_collect(&p->sh->env, take_annotations(p), BW_ITEM_END, &notes);
  close_block(p);
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
    struct bw_annotation *a = bw_annotation_parse(&p->sh->env, c->text, c->len, c->line, c->column);
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

static void annotation_report(void *ctx, int code, uint32_t line, uint32_t column,
                              const char *message) {
  record(ctx, code, line, column, message);
}

/* Parses a c_member's type expression with a sub-parser over the unescaped value. */
static bw_type *annotation_type(void *ctx, const char *text, size_t len, uint32_t line,
                                uint32_t column) {
  parser sub = {0};
  sub.sh = ctx;
  sub.sub = 1;
  bw_lexer_init(&sub.lx, text, len, line, column);
  advance(&sub);
  bw_type *t = parse_type(&sub, 1);
  if (t && sub.cur.kind != BW_TOK_EOF) {
    expected(&sub, "the end of the type expression");
    t = NULL;
  }
  return t;
}

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
  sh.env.d = d;
  sh.env.ctx = &sh;
  sh.env.report = annotation_report;
  sh.env.parse_type = annotation_type;
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

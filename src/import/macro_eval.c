/* barewire import: evaluating macros without a second parse.
 *
 * Most integer macros are literals, `(~0U)`, `(1u << 4)`, other macros, or uses of a
 * function-like macro such as `VK_MAKE_API_VERSION(0, 1, 3, 0)` that casts to `uint32_t`.
 * This file expands and evaluates those with C's rules for the target (integer literal types,
 * promotions, usual arithmetic conversions, the target's widths of short, int, long and long
 * long, char signedness, typedefs of integer types as clang resolved them), so that clang's
 * second parse (macros.c) is needed only for what is left: sizeof, enumerators, `#`/`##`,
 * variadic macros, anything unusual. The evaluator is conservative: whatever it is not sure
 * about (overflow, shifts out of range, a macro that some file #undefs, unknown identifiers)
 * it leaves to clang, so its answers are clang's answers.
 *
 * Every definition of the translation unit is kept (the last one of each name wins, as at the
 * end of the unit); a name that an `#undef` line of any included file may undefine after its
 * last definition is never evaluated here. Expansion depth, expanded length and argument counts are
 * bounded. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define MAX_DEPTH 32    /* nested macro expansions */
#define MAX_TOKENS 4096 /* tokens of one expanded macro */
#define MAX_PARAMS 64   /* parameters of a function-like macro */

typedef bw_import_tok tok;

typedef struct mdef {
  const char *name; /* ctx->strings: lives as long as the import */
  int candidate;    /* macros.c recorded the name as a candidate constant (kept across
                       redefinitions) */
  CXCursor cursor;  /* the last definition */
  int loaded;       /* site and tokens read */
  int broken;       /* no tokens */
  const char *file; /* where the last definition is (mem) */
  unsigned offset;  /* byte offset there */
  int function_like;
  int variadic;
  int stringify; /* the body has # (not followed here) */
  int pastes;    /* the body has ## */
  size_t param_count;
  char **params;
  size_t count; /* body tokens */
  tok *body;
} mdef;

typedef struct undef_line {
  char *name;
  const char *file; /* owned by bw_import_eval.files */
  size_t offset;
} undef_line;

struct bw_import_eval {
  CXTranslationUnit tu;
  undef_line *undefs;
  size_t undef_count;
  size_t undef_cap;
  mdef *defs;
  size_t count;
  size_t cap;
  size_t *index; /* open addressing: def index + 1 */
  size_t index_size;
  bw_nameset undefined; /* names some #undef line mentions */
  bw_nameset files;     /* files scanned for #undef */
  int scanned;
  bw_arena mem;     /* the definitions' files, parameters and tokens */
  CXFile last_file; /* the file of the last definition loaded, its name and text */
  const char *last_file_name;
  const char *last_text;
  size_t last_size;
};

static bw_import_eval *eval_of(bw_import_ctx *ctx) {
  if (!ctx->eval) ctx->eval = calloc(1, sizeof(bw_import_eval));
  return ctx->eval;
}

static mdef *find_def(const bw_import_eval *e, const char *name) {
  if (!e || !e->index_size) return NULL;
  size_t mask = e->index_size - 1;
  for (size_t i = (size_t)bw_hash_cstr(name) & mask;; i = (i + 1) & mask) {
    size_t slot = e->index[i];
    if (!slot) return NULL;
    if (strcmp(e->defs[slot - 1].name, name) == 0) return &e->defs[slot - 1];
  }
}

static void index_put(size_t *index, size_t size, const mdef *defs, size_t slot) {
  size_t mask = size - 1;
  size_t i = (size_t)bw_hash_cstr(defs[slot - 1].name) & mask;
  while (index[i]) i = (i + 1) & mask;
  index[i] = slot;
}

/* A definition's site, parameters and tokens live in the evaluator's arena (freed with it). */
static void free_def(mdef *d) {
  memset(d, 0, sizeof *d);
}

/* A new definition slot for name (the previous definition of the name is replaced). */
static mdef *new_def(bw_import_ctx *ctx, bw_import_eval *e, const char *name) {
  mdef *old = find_def(e, name);
  if (old) {
    const char *kept = old->name;
    int candidate = old->candidate;
    free_def(old);
    old->name = kept;
    old->candidate = candidate;
    return old;
  }
  if (e->count == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 256;
    mdef *defs = realloc(e->defs, cap * sizeof *defs);
    if (!defs) return NULL;
    e->defs = defs;
    e->cap = cap;
  }
  if ((e->count + 1) * 2 > e->index_size) {
    size_t size = e->index_size ? e->index_size * 2 : 512;
    size_t *index = calloc(size, sizeof *index);
    if (!index) return NULL;
    for (size_t i = 0; i < e->count; i++) index_put(index, size, e->defs, i + 1);
    free(e->index);
    e->index = index;
    e->index_size = size;
  }
  mdef *d = &e->defs[e->count];
  memset(d, 0, sizeof *d);
  d->name = bw_arena_strdup(&ctx->strings, name);
  if (!d->name) return NULL;
  e->count++;
  index_put(e->index, e->index_size, e->defs, e->count);
  return d;
}

int *bw_import_eval_define(bw_import_ctx *ctx, CXCursor c, const char *name, int function_like,
                           const char **kept) {
  bw_import_eval *e = eval_of(ctx);
  if (!e) return NULL;
  e->tu = ctx->tu;
  mdef *d = new_def(ctx, e, name);
  if (!d) return NULL;
  d->cursor = c; /* tokens are read when an evaluation needs them */
  d->function_like = function_like;
  *kept = d->name;
  return &d->candidate;
}

/* Reads a definition's site, parameters and body tokens (once). */
static void load_def(bw_import_eval *e, mdef *d) {
  if (d->loaded) return;
  d->loaded = 1;
  CXFile file = NULL;
  clang_getSpellingLocation(clang_getCursorLocation(d->cursor), &file, NULL, NULL, &d->offset);
  if (file && file != e->last_file) { /* definitions come file by file */
    CXString fs = clang_getFileName(file);
    const char *fname = clang_getCString(fs);
    e->last_file_name = bw_arena_strdup(&e->mem, fname ? fname : "");
    e->last_file = e->last_file_name ? file : NULL;
    e->last_size = 0;
    e->last_text = clang_getFileContents(e->tu, file, &e->last_size);
    clang_disposeString(fs);
  }
  d->file = file ? e->last_file_name : NULL;
  if (file && file == e->last_file && e->last_text && !d->function_like &&
      bw_import_lex_plain(&e->mem, d->name, d->offset, e->last_text, e->last_size, &d->body,
                          &d->count) == 1)
    return;
  d->body = NULL;
  d->count = 0;
  CXToken *t = NULL;
  unsigned n = 0;
  clang_tokenize(e->tu, clang_getCursorExtent(d->cursor), &t, &n);
  if (!t || n == 0) {
    d->broken = 1;
    return;
  }
  unsigned i = 1; /* t[0] is the name */
  if (d->function_like) {
    d->params = bw_arena_alloc(&e->mem, MAX_PARAMS * sizeof *d->params);
    for (i = 2; i < n && d->params; i++) { /* t[1] is '(' */
      CXString s = clang_getTokenSpelling(e->tu, t[i]);
      const char *p = clang_getCString(s);
      int done = strcmp(p, ")") == 0;
      if (strcmp(p, "...") == 0) d->variadic = 1;
      if (clang_getTokenKind(t[i]) == CXToken_Identifier && d->param_count < MAX_PARAMS)
        d->params[d->param_count++] = bw_arena_strdup(&e->mem, p);
      clang_disposeString(s);
      if (done) {
        i++;
        break;
      }
    }
  }
  d->body = bw_arena_alloc(&e->mem, n * sizeof *d->body);
  for (; d->body && i < n; i++) {
    CXTokenKind k = clang_getTokenKind(t[i]);
    if (k == CXToken_Comment) continue;
    CXString s = clang_getTokenSpelling(e->tu, t[i]);
    const char *p = clang_getCString(s);
    if (k == CXToken_Punctuation && !strcmp(p, "#")) d->stringify = 1;
    if (k == CXToken_Punctuation && !strcmp(p, "##")) d->pastes = 1;
    d->body[d->count].text = bw_arena_strdup(&e->mem, p);
    d->body[d->count].kind = k;
    if (d->body[d->count].text) d->count++;
    clang_disposeString(s);
  }
  clang_disposeTokens(e->tu, t, n);
}

int bw_import_eval_safe(bw_import_ctx *ctx, const char *name) {
  bw_import_eval *e = ctx->eval;
  mdef *d = e ? find_def(e, name) : NULL;
  if (!d) return 0;
  load_def(e, d);
  if (d->broken || d->count == 0) return 0;
  int depth = 0;
  for (size_t i = 0; i < d->count; i++) {
    const tok *t = &d->body[i];
    const char *s = t->text;
    if (t->kind == CXToken_Literal && (s[0] == '"' || (s[0] && s[1] == '"'))) return 0;
    if (t->kind == CXToken_Punctuation) {
      if (!strcmp(s, "(") || !strcmp(s, "[")) depth++;
      if (!strcmp(s, ")") || !strcmp(s, "]")) depth--;
      if (!strcmp(s, "{") || !strcmp(s, "}") || !strcmp(s, ";") || !strcmp(s, "#") ||
          !strcmp(s, "##"))
        return 0;
    }
    if (t->kind == CXToken_Keyword &&
        (!strcmp(s, "do") || !strcmp(s, "while") || !strcmp(s, "if") || !strcmp(s, "return")))
      return 0;
    if (depth < 0) return 0;
  }
  return depth == 0;
}

/* ---- #undef lines ----------------------------------------------------------------------- */

static int ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void add_undef(bw_import_eval *e, const char *name, const char *file, size_t offset) {
  if (e->undef_count == e->undef_cap) {
    size_t cap = e->undef_cap ? e->undef_cap * 2 : 64;
    undef_line *u = realloc(e->undefs, cap * sizeof *u);
    if (!u) return;
    e->undefs = u;
    e->undef_cap = cap;
  }
  char *copy = strdup(name);
  if (!copy) return;
  e->undefs[e->undef_count++] = (undef_line){copy, file, offset};
  if (!bw_nameset_has(&e->undefined, name)) bw_nameset_claim(&e->undefined, name, "");
}

/* Byte ranges the preprocessor skipped (inactive #if branches) in one file, asked of clang
 * when the file has an #undef line (few have). */
typedef struct skipped {
  CXTranslationUnit tu;
  CXFile file;
  int loaded;
  unsigned *begin;
  unsigned *end;
  unsigned count;
} skipped;

static void load_skipped(skipped *sk) {
  sk->loaded = 1;
  CXSourceRangeList *ranges = clang_getSkippedRanges(sk->tu, sk->file);
  if (ranges && ranges->count) {
    sk->begin = calloc(ranges->count, sizeof *sk->begin);
    sk->end = calloc(ranges->count, sizeof *sk->end);
    for (unsigned i = 0; sk->begin && sk->end && i < ranges->count; i++) {
      clang_getSpellingLocation(clang_getRangeStart(ranges->ranges[i]), NULL, NULL, NULL,
                                &sk->begin[i]);
      clang_getSpellingLocation(clang_getRangeEnd(ranges->ranges[i]), NULL, NULL, NULL,
                                &sk->end[i]);
      sk->count = i + 1;
    }
  }
  if (ranges) clang_disposeSourceRangeList(ranges);
}

static int in_skipped(skipped *sk, size_t offset) {
  if (!sk->loaded) load_skipped(sk);
  for (unsigned i = 0; i < sk->count; i++)
    if (offset >= sk->begin[i] && offset < sk->end[i]) return 1;
  return 0;
}

/* Finds the #undef lines of a file's text: every '#' that only blanks precede on its line
 * starts a directive (found with memchr: headers are mostly not directives). */
static void scan_text(bw_import_eval *e, const char *file, const char *s, size_t n, skipped *sk) {
  size_t p = 0;
  while (p < n) {
    const char *hash = memchr(s + p, '#', n - p);
    if (!hash) break;
    size_t h = (size_t)(hash - s);
    p = h + 1;
    size_t i = h; /* the start of the line, when only blanks come before the '#' */
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) i--;
    if (i > 0 && s[i - 1] != '\n') continue;
    size_t j = h + 1;
    while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
    if (n - j >= 5 && memcmp(s + j, "undef", 5) == 0 && j + 5 < n && !ident_char(s[j + 5])) {
      j += 5;
      while (j < n && (s[j] == ' ' || s[j] == '\t')) j++;
      size_t k = j;
      while (k < n && ident_char(s[k])) k++;
      if (k > j && k - j < 256) {
        char name[256];
        memcpy(name, s + j, k - j);
        name[k - j] = 0;
        if (!in_skipped(sk, i)) add_undef(e, name, file, i);
      }
    }
  }
}

typedef struct scan_ctx {
  bw_import_ctx *ctx;
  bw_import_eval *e;
} scan_ctx;

/* Scans a file of the unit for #undef lines (once per file name). */
static void scan_file(scan_ctx *sc, CXFile file) {
  char *name = bw_import_string(clang_getFileName(file));
  if (!name) return;
  const char *kept =
      bw_nameset_has(&sc->e->files, name) ? NULL : bw_nameset_claim(&sc->e->files, name, "");
  free(name);
  if (!kept) return;
  size_t size = 0;
  const char *text = clang_getFileContents(sc->ctx->tu, file, &size);
  if (!text) return;
  skipped sk = {sc->ctx->tu, file, 0, NULL, NULL, 0};
  scan_text(sc->e, kept, text, size, &sk);
  free(sk.begin);
  free(sk.end);
}

/* ---- expansion ------------------------------------------------------------------------------ */

typedef struct toklist {
  tok *items;
  size_t count;
  size_t cap;
} toklist;

static int push_tok(toklist *l, const tok *t) {
  if (l->count >= MAX_TOKENS) return -1;
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    tok *items = realloc(l->items, cap * sizeof *items);
    if (!items) return -1;
    l->items = items;
    l->cap = cap;
  }
  l->items[l->count++] = *t;
  return 0;
}

typedef struct expander {
  bw_import_eval *e;
  const mdef *active[MAX_DEPTH];
  size_t depth;
  size_t nesting; /* calls of expand() in progress (arguments nest too) */
  char **owned;   /* texts of pasted tokens, freed with the expander */
  size_t owned_count;
  size_t owned_cap;
} expander;

static int expand(expander *x, const tok *in, size_t n, toklist *out);

/* Whether name is a macro at the end of the unit, given the #undef lines: 0 it is (no #undef
 * can come after its last definition d: an #undef earlier in d's file, as glibc's features.h
 * does before defining __USE_* again, does not matter), 2 it surely is not (no definition, or
 * an #undef later in d's own file), 1 cannot tell (an #undef in another file). */
static int undef_state(const bw_import_eval *e, const char *name, const mdef *d) {
  if (!bw_nameset_has(&e->undefined, name)) return 0;
  if (!d || !d->file) return d ? 1 : 2;
  int later = 0;
  for (size_t i = 0; i < e->undef_count; i++) {
    const undef_line *u = &e->undefs[i];
    if (strcmp(u->name, name) != 0) continue;
    if (strcmp(d->file, u->file) != 0) return 1;
    if (u->offset > d->offset) later = 1;
  }
  return later ? 2 : 0;
}

/* The token a ## b makes (its text is owned by the expander). */
static int paste(expander *x, tok *left, const tok *right) {
  size_t la = strlen(left->text), lb = strlen(right->text);
  if (x->owned_count == x->owned_cap) {
    size_t cap = x->owned_cap ? x->owned_cap * 2 : 16;
    char **owned = realloc(x->owned, cap * sizeof *owned);
    if (!owned) return -1;
    x->owned = owned;
    x->owned_cap = cap;
  }
  char *text = malloc(la + lb + 1);
  if (!text) return -1;
  memcpy(text, left->text, la);
  memcpy(text + la, right->text, lb + 1);
  x->owned[x->owned_count++] = text;
  char c = text[0];
  int ident = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  for (size_t i = 1; ident && text[i]; i++) ident = ident_char(text[i]);
  left->text = text;
  left->kind = (c >= '0' && c <= '9') || c == '.' ? CXToken_Literal
               : ident                            ? CXToken_Identifier
                                                  : CXToken_Punctuation;
  return 0;
}

static int is_active(const expander *x, const mdef *d) {
  for (size_t i = 0; i < x->depth; i++)
    if (x->active[i] == d) return 1;
  return 0;
}

/* Expands a function-like macro invocation whose '(' is at in[*i]; on success *i is past the
 * closing ')'. */
static int expand_call(expander *x, const mdef *d, const tok *in, size_t n, size_t *i,
                       toklist *out) {
  size_t starts[MAX_PARAMS + 1], ends[MAX_PARAMS + 1], argc = 0;
  size_t k = *i + 1;
  int depth = 0;
  starts[0] = k;
  for (; k < n; k++) {
    const char *s = in[k].text;
    if (!strcmp(s, "(")) depth++;
    if (!strcmp(s, ")")) {
      if (depth == 0) break;
      depth--;
    }
    if (!strcmp(s, ",") && depth == 0) {
      if (argc >= MAX_PARAMS) return -1;
      ends[argc++] = k;
      starts[argc] = k + 1;
    }
  }
  if (k >= n) return -1;
  ends[argc] = k;
  size_t nargs = argc + 1;
  if (d->param_count == 0 && ends[0] == starts[0]) nargs = 0;
  if (nargs != d->param_count) return -1;
  *i = k + 1;
  toklist args[MAX_PARAMS];
  memset(args, 0, sizeof args);
  int rc = 0;
  for (size_t a = 0; a < nargs && rc == 0; a++)
    rc = expand(x, in + starts[a], ends[a] - starts[a], &args[a]);
  toklist body = {0};
  int paste_next = 0; /* the previous body token was ## */
  for (size_t b = 0; b < d->count && rc == 0; b++) {
    const tok *bt = &d->body[b];
    if (bt->kind == CXToken_Punctuation && !strcmp(bt->text, "##")) {
      if (body.count == 0) rc = -1;
      paste_next = 1;
      continue;
    }
    size_t p = 0;
    while (p < d->param_count &&
           (bt->kind != CXToken_Identifier || strcmp(bt->text, d->params[p]) != 0))
      p++;
    /* Operands of ## are the arguments as written, not expanded (C11 6.10.3.1). */
    int raw = paste_next || (b + 1 < d->count && !strcmp(d->body[b + 1].text, "##"));
    const tok *src = bt;
    size_t count = 1;
    if (p < d->param_count) {
      src = raw ? in + starts[p] : args[p].items;
      count = raw ? ends[p] - starts[p] : args[p].count;
    }
    for (size_t q = 0; q < count && rc == 0; q++) {
      if (q == 0 && paste_next)
        rc = paste(x, &body.items[body.count - 1], &src[0]);
      else
        rc = push_tok(&body, &src[q]);
    }
    paste_next = 0;
  }
  if (paste_next) rc = -1;
  if (rc == 0) {
    x->active[x->depth++] = d;
    rc = expand(x, body.items, body.count, out);
    x->depth--;
  }
  for (size_t a = 0; a < nargs; a++) free(args[a].items);
  free(body.items);
  return rc;
}

static int expand_tokens(expander *x, const tok *in, size_t n, toklist *out);

static int expand(expander *x, const tok *in, size_t n, toklist *out) {
  if (x->nesting >= 4 * MAX_DEPTH) return -1; /* arguments within arguments within... */
  x->nesting++;
  int rc = expand_tokens(x, in, n, out);
  x->nesting--;
  return rc;
}

static int expand_tokens(expander *x, const tok *in, size_t n, toklist *out) {
  for (size_t i = 0; i < n;) {
    const tok *t = &in[i];
    mdef *d = t->kind == CXToken_Identifier ? find_def(x->e, t->text) : NULL;
    if (d) load_def(x->e, d);
    int state = t->kind == CXToken_Identifier ? undef_state(x->e, t->text, d) : 0;
    if (state == 1) return -1; /* its state at the end of the unit is clang's to say */
    if (state == 2) d = NULL;  /* no longer a macro: a plain identifier */
    if (!d || is_active(x, d)) {
      if (push_tok(out, t)) return -1;
      i++;
      continue;
    }
    if (x->depth >= MAX_DEPTH || d->variadic || d->stringify || d->broken) return -1;
    if (d->pastes && !d->function_like) return -1;
    if (d->function_like) {
      if (i + 1 >= n || strcmp(in[i + 1].text, "(") != 0) {
        if (push_tok(out, t)) return -1;
        i++;
        continue;
      }
      i++;
      if (expand_call(x, d, in, n, &i, out)) return -1;
      continue;
    }
    x->active[x->depth++] = d;
    int rc = expand(x, d->body, d->count, out);
    x->depth--;
    if (rc) return -1;
    i++;
  }
  return 0;
}

int bw_import_eval_macro(bw_import_ctx *ctx, const char *name, int64_t *value, int *is_unsigned) {
  bw_import_eval *e = ctx->eval;
  if (!e) return -1;
  if (!e->scanned) {
    /* Every file but the generated main file, which has no #undef, came through an #include
     * directive the walk noted; clang_getInclusions would say the same at a higher price. */
    scan_ctx sc = {ctx, e};
    for (size_t i = 0; i < ctx->included_count; i++) scan_file(&sc, ctx->included[i]);
    e->scanned = 1;
  }
  mdef *d = find_def(e, name);
  if (d) load_def(e, d);
  int state = undef_state(e, name, d);
  if (state == 2) return 0; /* undefined by the end of the unit: no constant */
  if (!d || d->function_like || state == 1) return -1;
  expander x;
  memset(&x, 0, sizeof x);
  x.e = e;
  toklist out = {0};
  tok self = {d->name, CXToken_Identifier};
  int rc = expand(&x, &self, 1, &out);
  if (rc == 0) rc = bw_import_expr_eval(ctx, out.items, out.count, value, is_unsigned);
  free(out.items);
  for (size_t i = 0; i < x.owned_count; i++) free(x.owned[i]);
  free(x.owned);
  return rc;
}

void bw_import_eval_free(bw_import_ctx *ctx) {
  bw_import_eval *e = ctx->eval;
  if (!e) return;
  free(e->defs);
  bw_arena_free(&e->mem);
  free(e->index);
  for (size_t i = 0; i < e->undef_count; i++) free(e->undefs[i].name);
  free(e->undefs);
  bw_nameset_free(&e->undefined);
  bw_nameset_free(&e->files);
  free(e);
  ctx->eval = NULL;
}

/* barewire import: what names in macros denote, for macro_expr.c.
 *
 * Indexes built on first use, once per import: typedefs by name (casts such as (uint32_t) and
 * sizeof), records and enums by C spelling (sizeof(struct x)), and every enumerator, function
 * and variable of the translation unit (read from the declarations walk.c noted, only when a
 * macro leaves such a name after expansion). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

struct bw_import_expr {
  size_t *typedefs; /* name -> typedef entity index + 1 */
  size_t typedef_size;
  size_t *tags; /* "struct x" -> record or enum entity index + 1 */
  size_t tag_size;
  bw_import_ident *idents;
  size_t ident_count;
  size_t ident_cap;
  size_t *ident_index; /* name -> ident index + 1 */
  size_t ident_size;
  int idents_built;
  bw_arena names; /* the identifiers' names read from clang */
};

/* An index of entities by a name: typedefs by their name, records and enums by their C
 * spelling ("struct x"). */
static size_t *build_index(const bw_import_ctx *ctx, int typedefs, size_t *size_out) {
  size_t size = 64;
  while (size < ctx->ent_count * 2 + 2) size *= 2;
  size_t *index = calloc(size, sizeof *index);
  if (!index) return NULL;
  for (size_t i = 0; i < ctx->ent_count; i++) {
    const bw_entity *e = &ctx->ents[i];
    int is_typedef = e->kind == BW_ENT_TYPEDEF;
    if (is_typedef != typedefs || !e->c_name || (!is_typedef && !e->tag)) continue;
    size_t k = (size_t)bw_hash_cstr(e->c_name) & (size - 1);
    while (index[k]) k = (k + 1) & (size - 1);
    index[k] = i + 1;
  }
  *size_out = size;
  return index;
}

static size_t index_find(const bw_import_ctx *ctx, const size_t *index, size_t size,
                         const char *name) {
  if (!index) return 0;
  size_t mask = size - 1;
  for (size_t k = (size_t)bw_hash_cstr(name) & mask;; k = (k + 1) & mask) {
    size_t slot = index[k];
    if (!slot) return 0;
    if (slot <= ctx->ent_count && strcmp(ctx->ents[slot - 1].c_name, name) == 0) return slot;
  }
}

static bw_import_expr *cache(bw_import_ctx *ctx) {
  if (!ctx->expr) ctx->expr = calloc(1, sizeof *ctx->expr);
  return ctx->expr;
}

size_t bw_import_find_typedef(bw_import_ctx *ctx, const char *name) {
  bw_import_expr *x = cache(ctx);
  if (!x) return 0;
  if (!x->typedefs) x->typedefs = build_index(ctx, 1, &x->typedef_size);
  return index_find(ctx, x->typedefs, x->typedef_size, name);
}

size_t bw_import_find_tag(bw_import_ctx *ctx, const char *spelling) {
  bw_import_expr *x = cache(ctx);
  if (!x) return 0;
  if (!x->tags) x->tags = build_index(ctx, 0, &x->tag_size);
  return index_find(ctx, x->tags, x->tag_size, spelling);
}

/* ---- identifiers: enumerators, functions, variables ---------------------------------------- */

/* Adds an identifier; name is copied unless it is stable (lives as long as the import). */
static void add_ident(bw_import_expr *x, const char *name, int stable, int kind, int64_t value,
                      int fits) {
  if (x->ident_count == x->ident_cap) {
    size_t cap = x->ident_cap ? x->ident_cap * 2 : 256;
    bw_import_ident *ids = realloc(x->idents, cap * sizeof *ids);
    if (!ids) return;
    x->idents = ids;
    x->ident_cap = cap;
  }
  const char *copy = stable ? name : bw_arena_strdup(&x->names, name);
  if (!copy) return;
  x->idents[x->ident_count++] = (bw_import_ident){copy, kind, value, fits};
}

/* An enumerator's identifier, from its value bits in the signedness of its enum's integer
 * type: in C an enumerator is an int; one that does not fit is clang's to type. */
static void add_enumerator(bw_import_expr *x, const bw_import_ctx *ctx, const char *name,
                           int stable, uint64_t bits, int is_signed) {
  long long value = is_signed ? (long long)bits : (long long)(bits & (uint64_t)INT64_MAX);
  if (!is_signed && bits > (uint64_t)INT64_MAX) value = INT64_MAX; /* fits no int either way */
  unsigned width = 8 * ctx->int_size;
  int64_t hi = width >= 64 ? INT64_MAX : (int64_t)(((uint64_t)1 << (width - 1)) - 1);
  int64_t lo = -hi - 1;
  add_ident(x, name, stable, BW_IDENT_ENUMERATOR, value, value >= lo && value <= hi);
}

typedef struct ident_walk {
  bw_import_expr *x;
  bw_import_ctx *ctx;
  int is_signed; /* enumerators: their enum's integer type is signed */
} ident_walk;

static enum CXChildVisitResult visit_ident(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  ident_walk *w = data;
  enum CXCursorKind k = clang_getCursorKind(c);
  if (k == CXCursor_StructDecl || k == CXCursor_UnionDecl || k == CXCursor_EnumDecl)
    return CXChildVisit_Recurse;
  if (k != CXCursor_EnumConstantDecl && k != CXCursor_FunctionDecl && k != CXCursor_VarDecl)
    return CXChildVisit_Continue;
  CXString sp = clang_getCursorSpelling(c);
  const char *name = clang_getCString(sp);
  if (name && *name) {
    if (k == CXCursor_EnumConstantDecl) {
      /* The value in the signedness of the enum's integer type. */
      uint64_t bits = w->is_signed ? (uint64_t)clang_getEnumConstantDeclValue(c)
                                   : (uint64_t)clang_getEnumConstantDeclUnsignedValue(c);
      add_enumerator(w->x, w->ctx, name, 0, bits, w->is_signed);
    } else if (k == CXCursor_FunctionDecl) {
      add_ident(w->x, name, 0, BW_IDENT_FUNCTION, 0, 0);
    } else {
      /* A variable is never a constant here, but an integer const one might be folded:
       * only the others are surely not integers. */
      CXType t = clang_getCanonicalType(clang_getCursorType(c));
      int integer = t.kind == CXType_Bool || t.kind == CXType_Enum ||
                    bw_import_is_signed_kind(t.kind) || bw_import_builtin_kind(t) != BW_KIND_VOID;
      add_ident(w->x, name, 0, integer ? BW_IDENT_VARIABLE : BW_IDENT_OTHER_VALUE, 0, 0);
    }
  }
  clang_disposeString(sp);
  return CXChildVisit_Continue;
}

/* What name denotes (the last declaration of it wins), or NULL. Built on first use, only for
 * headers whose macros mention enumerators or variables, from the enum definitions, functions
 * and variables the walk noted in declaration order (ctx->decls). */
const bw_import_ident *bw_import_find_ident(bw_import_ctx *ctx, const char *name) {
  bw_import_expr *x = cache(ctx);
  if (!x) return NULL;
  if (!x->idents_built) {
    x->idents_built = 1;
    ident_walk w = {x, ctx, 0};
    for (size_t i = 0; i < ctx->decl_count; i++) {
      CXCursor c = ctx->decls[i];
      if (clang_getCursorKind(c) != CXCursor_EnumDecl) {
        visit_ident(c, clang_getNullCursor(), &w);
        continue;
      }
      /* Its enumerators: as enums.c read them when it built the enum, else from clang. */
      size_t slot = bw_import_entity_of(ctx, c);
      const bw_entity *e = slot ? &ctx->ents[slot - 1] : NULL;
      if (e && e->enumerators_known) {
        for (size_t j = 0; j < e->enumerator_count; j++)
          if (*e->enumerators[j].c_name)
            add_enumerator(x, ctx, e->enumerators[j].c_name, 1, e->enumerators[j].bits,
                           e->enumerators_signed);
        continue;
      }
      CXType it = clang_getCanonicalType(clang_getEnumDeclIntegerType(c));
      w.is_signed = bw_import_is_signed_kind(it.kind);
      clang_visitChildren(c, visit_ident, &w);
    }
    size_t size = 64;
    while (size < x->ident_count * 2 + 2) size *= 2;
    x->ident_index = calloc(size, sizeof *x->ident_index);
    if (!x->ident_index) return NULL;
    x->ident_size = size;
    for (size_t i = 0; i < x->ident_count; i++) {
      size_t k = (size_t)bw_hash_cstr(x->idents[i].name) & (size - 1);
      while (x->ident_index[k] && strcmp(x->idents[x->ident_index[k] - 1].name, x->idents[i].name))
        k = (k + 1) & (size - 1);
      x->ident_index[k] = i + 1; /* a later declaration of a name replaces an earlier one */
    }
  }
  if (!x->ident_index) return NULL;
  size_t mask = x->ident_size - 1;
  for (size_t k = (size_t)bw_hash_cstr(name) & mask;; k = (k + 1) & mask) {
    size_t slot = x->ident_index[k];
    if (!slot) return NULL;
    if (strcmp(x->idents[slot - 1].name, name) == 0) return &x->idents[slot - 1];
  }
}

void bw_import_expr_free(bw_import_ctx *ctx) {
  bw_import_expr *x = ctx->expr;
  if (!x) return;
  free(x->typedefs);
  free(x->tags);
  bw_arena_free(&x->names);
  free(x->idents);
  free(x->ident_index);
  free(x);
  ctx->expr = NULL;
}

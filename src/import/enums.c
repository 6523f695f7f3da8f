/* barewire import: C enums.
 *
 * An enum whose values are all non-negative becomes a BARE enum: one member per distinct value,
 * ascending, named after the first enumerator with that value; every enumerator (aliases
 * included) stays in the native layout's constants. An enum with a negative value becomes its
 * underlying integer type, with its constants. The integer type, size and alignment are
 * clang's (clang_getEnumDeclIntegerType, packed enums included). An unnamed enum at file scope
 * is a set of schema constants. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

typedef struct enumerator {
  const char *c_name; /* ctx->strings */
  uint64_t bits;
  int negative;
  size_t order;
} enumerator;

typedef struct enum_walk {
  bw_import_ctx *ctx;
  enumerator *items;
  size_t count;
  size_t cap;
  int is_signed;
  int oom;
} enum_walk;

static enum CXChildVisitResult visit_enumerator(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  enum_walk *w = data;
  if (clang_getCursorKind(c) != CXCursor_EnumConstantDecl) return CXChildVisit_Continue;
  if (w->count == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    enumerator *items = realloc(w->items, cap * sizeof *items);
    if (!items) {
      w->oom = 1;
      return CXChildVisit_Break;
    }
    w->items = items;
    w->cap = cap;
  }
  enumerator *it = &w->items[w->count];
  /* Kept as long as the import: keep_enumerators hands the names on to macro_names.c. */
  bw_import_name spelling;
  bw_import_decl_name(w->ctx, c, CXCursor_EnumConstantDecl, &spelling);
  it->c_name = bw_arena_strndup(&w->ctx->strings, spelling.text, spelling.len);
  bw_import_name_done(&spelling);
  if (!it->c_name) {
    w->oom = 1;
    return CXChildVisit_Break;
  }
  if (w->is_signed) {
    long long v = clang_getEnumConstantDeclValue(c);
    it->bits = (uint64_t)v;
    it->negative = v < 0;
  } else {
    it->bits = (uint64_t)clang_getEnumConstantDeclUnsignedValue(c);
    it->negative = 0;
  }
  it->order = w->count++;
  return CXChildVisit_Continue;
}

static int by_value(const void *a, const void *b) {
  const enumerator *x = a, *y = b;
  if (x->bits != y->bits) return x->bits < y->bits ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void enum_walk_free(enum_walk *w) {
  free(w->items);
}

static int read_enumerators(bw_import_ctx *ctx, CXCursor c, enum_walk *w) {
  memset(w, 0, sizeof *w);
  w->ctx = ctx;
  CXType it = clang_getCanonicalType(clang_getEnumDeclIntegerType(c));
  w->is_signed = bw_import_is_signed_kind(it.kind);
  clang_visitChildren(c, visit_enumerator, w);
  return w->oom ? BW_ENOMEM : 0;
}

/* Keeps the enumerators with the entity for macro_names.c (nothing when out of memory: it
 * reads them from clang then). */
static void keep_enumerators(bw_import_ctx *ctx, size_t idx, const enum_walk *w) {
  bw_enumerator *list = w->count ? bw_arena_alloc(&ctx->strings, w->count * sizeof *list) : NULL;
  if (w->count && !list) return;
  for (size_t i = 0; i < w->count; i++) {
    list[i].c_name = w->items[i].c_name; /* already in ctx->strings */
    list[i].bits = w->items[i].bits;
  }
  bw_entity *e = &ctx->ents[idx];
  e->enumerators = list;
  e->enumerator_count = w->count;
  e->enumerators_signed = w->is_signed;
  e->enumerators_known = 1;
}

void bw_import_enum_constants(bw_import_ctx *ctx, CXCursor en) {
  char *file = bw_import_location(en, NULL, NULL);
  int wanted = !bw_import_is_builtin(ctx, file) && bw_import_from_matches(ctx, file);
  free(file);
  if (!wanted) return;
  enum_walk w;
  if (read_enumerators(ctx, en, &w) != 0) {
    enum_walk_free(&w);
    return;
  }
  for (size_t i = 0; i < w.count; i++) {
    char buf[256];
    char *base = bw_import_member_name_buf(w.items[i].c_name, buf, sizeof buf);
    const char *name = base ? bw_nameset_claim(&ctx->constant_names, base, "_") : NULL;
    if (base != buf) free(base);
    if (name)
      bw_draft_add_constant(ctx->draft, name, w.items[i].c_name, (int64_t)w.items[i].bits,
                            !w.is_signed);
  }
  enum_walk_free(&w);
}

int bw_import_build_enum(bw_import_ctx *ctx, size_t idx, bw_type **out) {
  CXCursor c = ctx->ents[idx].cursor;
  bw_draft *d = ctx->draft;
  CXType et = clang_getCursorType(c);
  long long size = clang_Type_getSizeOf(et), align = clang_Type_getAlignOf(et);
  CXType it = clang_getEnumDeclIntegerType(c);
  if (size <= 0 || align <= 0) {
    bw_import_skip(ctx, c, "clang gives no layout for %s", ctx->ents[idx].name);
    return -1;
  }
  enum_walk w;
  if (read_enumerators(ctx, c, &w) != 0) {
    enum_walk_free(&w);
    return -1;
  }
  int negative = 0;
  for (size_t i = 0; i < w.count; i++) negative |= w.items[i].negative;
  keep_enumerators(ctx, idx, &w);

  /* Every enumerator gets a BARE-style name, in declaration order; the member carrying a
   * value uses the name of the first enumerator with that value. Enums do not nest: one name
   * set serves them all. */
  bw_nameset *names = &ctx->enum_names;
  bw_nameset_clear(names);
  const char **cnames = calloc(w.count ? w.count : 1, sizeof *cnames);
  int rc = cnames ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < w.count; i++) {
    char buf[256];
    char *base = bw_import_member_name_buf(w.items[i].c_name, buf, sizeof buf);
    cnames[i] = base ? bw_nameset_claim(names, base, "_") : NULL;
    if (base != buf) free(base);
    if (!cnames[i]) rc = -1;
  }
  bw_type *t = NULL;
  if (rc == 0) {
    if (negative || w.count == 0) {
      bw_kind k = bw_import_builtin_kind(it);
      t = k != BW_KIND_VOID ? bw_draft_type(d, k) : bw_draft_data_fixed(d, (uint64_t)size);
    } else {
      t = bw_draft_type(d, BW_KIND_ENUM);
      /* Most enums list their values in ascending order already: then the sort (by value,
       * then declaration order) would leave them as they are. */
      int ascending = 1;
      for (size_t i = 1; i < w.count && ascending; i++)
        ascending = w.items[i - 1].bits <= w.items[i].bits;
      enumerator *sorted = ascending ? w.items : malloc(w.count * sizeof *sorted);
      if (sorted) {
        if (!ascending) {
          memcpy(sorted, w.items, w.count * sizeof *sorted);
          qsort(sorted, w.count, sizeof *sorted, by_value);
        }
        for (size_t i = 0; i < w.count; i++) {
          if (i > 0 && sorted[i].bits == sorted[i - 1].bits) continue; /* an alias */
          bw_enum_member *m =
              bw_draft_add_enum_member(d, t, cnames[sorted[i].order], 1, sorted[i].bits);
          if (m) m->c_name = bw_draft_strdup(d, sorted[i].c_name);
        }
        if (sorted != w.items) free(sorted);
      } else {
        rc = -1;
      }
    }
  }
  bw_native *n = t ? bw_draft_native(d, t) : NULL;
  if (rc == 0 && n) {
    bw_import_entity_site(ctx, &ctx->ents[idx]);
    const bw_entity *e = &ctx->ents[idx];
    n->size = (uint64_t)size;
    n->align = (uint64_t)align;
    n->flags |= BW_NATIVE_C_ENUM;
    n->c_name = e->tag ? bw_draft_strdup(d, e->c_name) : NULL;
    n->underlying = bw_import_c_type_text(ctx, it);
    n->file = e->file ? bw_draft_strdup(d, e->file) : NULL;
    n->line = e->line;
    for (size_t i = 0; i < w.count; i++)
      bw_draft_add_native_constant(d, n, cnames[i], w.items[i].c_name, (int64_t)w.items[i].bits,
                                   !w.is_signed);
    *out = t;
  } else {
    rc = -1;
  }
  free(cnames);
  enum_walk_free(&w);
  return rc;
}

/* barewire import: from clang's declarations to the draft.
 *
 * Three passes. collect() visits the translation unit once and records every record and enum
 * definition and every typedef, in declaration order (nested records included), plus macro
 * definitions for macros.c. resolve_typedefs() decides what each typedef is: an alias of a
 * record or enum, a mere new name for one (`typedef struct foo foo;`, or the typedef that names
 * an anonymous struct), or a primitive that resolves away. Then names are claimed in
 * declaration order and the selected entities are emitted: emitting a type first emits every
 * type it holds by value, so the draft comes out define-before-use, then in declaration order,
 * the same on every run. Records are built in records.c, enums in enums.c; the C type of every
 * member maps to its wire type here (bw_import_map_type), with what ctypes.c knows of it.
 *
 * Every layout fact comes from clang (sizes, alignments, field offsets in bits, bitfield
 * widths, enum integer types), asked once: a typedef with no attribute has its underlying
 * type's layout (typedef_keeps_layout, alias_layout), and C places some members at offset 0
 * (records.c). Integer kinds come from the canonical type's signedness and its size, never
 * from type-name strings. Declarations' names are read from the headers' text where that is
 * exact (spelling.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

/* Deepest chain of records held by value that the importer follows (C has no limit; this
 * keeps the recursion bounded on generated or hostile headers). */
#define MAX_EMIT_DEPTH 2000

/* ---- cursor -> entity map --------------------------------------------------------------- */

/* A declaration's canonical cursor and its hash: the key of the map. */
typedef struct map_key {
  CXCursor canon;
  unsigned hash;
} map_key;

static map_key key_of(CXCursor c) {
  map_key k;
  k.canon = clang_getCanonicalCursor(c);
  k.hash = clang_hashCursor(k.canon);
  return k;
}

/* Entities are found by their canonical cursor, kept with its hash in the entity. */
static size_t map_find(const bw_import_ctx *ctx, map_key k) {
  if (!ctx->map_size) return 0;
  CXCursor canon = k.canon;
  unsigned hash = k.hash;
  size_t mask = ctx->map_size - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    size_t slot = ctx->map[i];
    if (!slot) return 0;
    const bw_entity *e = &ctx->ents[slot - 1];
    if (e->hash == hash && clang_equalCursors(e->canon, canon)) return slot;
  }
}

static size_t map_lookup(const bw_import_ctx *ctx, CXCursor c) {
  if (!ctx->map_size || clang_Cursor_isNull(c)) return 0;
  return map_find(ctx, key_of(c));
}

size_t bw_import_entity_of(const bw_import_ctx *ctx, CXCursor c) {
  return map_lookup(ctx, c);
}

static void map_put(size_t *map, size_t size, const bw_entity *ents, size_t slot) {
  size_t mask = size - 1;
  size_t i = ents[slot - 1].hash & mask;
  while (map[i]) i = (i + 1) & mask;
  map[i] = slot;
}

/* Adds an entity (zeroed but for cursor, key and kind); returns its index + 1, 0 when out of
 * memory. */
static size_t add_entity(bw_import_ctx *ctx, CXCursor c, map_key key, bw_entity_kind kind) {
  if (ctx->ent_count == ctx->ent_cap) {
    size_t cap = ctx->ent_cap ? ctx->ent_cap * 2 : 64;
    bw_entity *ents = realloc(ctx->ents, cap * sizeof *ents);
    if (!ents) return 0;
    ctx->ents = ents;
    ctx->ent_cap = cap;
  }
  if ((ctx->ent_count + 1) * 2 > ctx->map_size) {
    size_t size = ctx->map_size ? ctx->map_size * 2 : 128;
    size_t *map = calloc(size, sizeof *map);
    if (!map) return 0;
    for (size_t i = 0; i < ctx->ent_count; i++) map_put(map, size, ctx->ents, i + 1);
    free(ctx->map);
    ctx->map = map;
    ctx->map_size = size;
  }
  bw_entity *e = &ctx->ents[ctx->ent_count++];
  memset(e, 0, sizeof *e);
  e->cursor = c;
  e->canon = key.canon;
  e->hash = key.hash;
  e->kind = kind;
  map_put(ctx->map, ctx->map_size, ctx->ents, ctx->ent_count);
  return ctx->ent_count;
}

void bw_import_walk_free(bw_import_ctx *ctx) {
  free(ctx->ents);
  bw_arena_free(&ctx->strings); /* the entities' names and files */
  bw_import_files_free(ctx);
  free(ctx->map);
  for (size_t i = 0; i < ctx->field_name_count; i++) bw_nameset_free(&ctx->field_names[i]);
  free(ctx->field_names);
  bw_nameset_free(&ctx->enum_names);
  ctx->field_names = NULL;
  ctx->field_name_count = 0;
  free(ctx->decls);
  ctx->decls = NULL;
  ctx->decl_count = ctx->decl_cap = 0;
  free(ctx->included);
  ctx->included = NULL;
  ctx->included_count = ctx->included_cap = 0;
  bw_nameset_free(&ctx->type_names);
  bw_nameset_free(&ctx->constant_names);
  free(ctx->type_text);
  ctx->type_text = NULL;
  ctx->type_text_size = ctx->type_text_count = 0;
  bw_import_decl_names_free(ctx);
  ctx->ents = NULL;
  ctx->map = NULL;
  ctx->ent_count = ctx->ent_cap = ctx->map_size = 0;
}

/* ---- small helpers -------------------------------------------------------------------- */

/* 1 when s is a plain C identifier (clang spells unnamed declarations in various ways:
 * "", "(anonymous struct at f.h:3:5)", "struct (unnamed at ...)"). */
static int is_identifier(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (*s == ' ' || *s == '(' || *s == ':') return 0;
  return 1;
}

static const char *emit(bw_import_ctx *ctx, size_t idx, int *empty);

static CXType strip_sugar(CXType t) {
  for (;;) {
    if (t.kind == CXType_Elaborated)
      t = clang_Type_getNamedType(t);
    else if (t.kind == CXType_Attributed)
      t = clang_Type_getModifiedType(t);
    else
      return t;
  }
}

/* The three C character types: arrays of them are bytes (data[N]). */
static int is_char_type(CXType t) {
  t = clang_getCanonicalType(t);
  return (t.kind == CXType_Char_S || t.kind == CXType_Char_U || t.kind == CXType_SChar ||
          t.kind == CXType_UChar) &&
         clang_Type_getSizeOf(t) == 1;
}

/* ---- pass 1: collect ----------------------------------------------------------------- */

void bw_import_entity_site(bw_import_ctx *ctx, bw_entity *e) {
  if (e->site_known) return;
  e->site_known = 1;
  e->file = bw_import_site(ctx, e->cursor, &e->line, NULL);
  e->builtin = bw_import_is_builtin(ctx, e->file);
}

/* A copy of a clang string in ctx->strings (NULL when out of memory), disposing of it. */
static const char *keep_string(bw_import_ctx *ctx, CXString s) {
  const char *c = clang_getCString(s);
  const char *copy = bw_arena_strdup(&ctx->strings, c ? c : "");
  clang_disposeString(s);
  return copy;
}

/* Notes a declaration whose names macros may use (macro_names.c reads them from this list
 * rather than walking the translation unit again). Returns 0, or -1 when out of memory. */
static int note_decl(bw_import_ctx *ctx, CXCursor c) {
  if (ctx->decl_count == ctx->decl_cap) {
    size_t cap = ctx->decl_cap ? ctx->decl_cap * 2 : 256;
    CXCursor *d = realloc(ctx->decls, cap * sizeof *d);
    if (!d) return -1;
    ctx->decls = d;
    ctx->decl_cap = cap;
  }
  ctx->decls[ctx->decl_count++] = c;
  return 0;
}

/* Notes a file an #include directive entered (every file of the unit but the generated main
 * file, -include ones included): macro_eval.c scans them for #undef lines. 0, or -1 when out
 * of memory. */
static int note_included(bw_import_ctx *ctx, CXFile file) {
  if (ctx->included_count == ctx->included_cap) {
    size_t cap = ctx->included_cap ? ctx->included_cap * 2 : 64;
    CXFile *f = realloc(ctx->included, cap * sizeof *f);
    if (!f) return -1;
    ctx->included = f;
    ctx->included_cap = cap;
  }
  ctx->included[ctx->included_count++] = file;
  return 0;
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  bw_import_ctx *ctx = data;
  if (ctx->failed) return CXChildVisit_Break;
  enum CXCursorKind kind = clang_getCursorKind(c);
  switch (kind) {
    case CXCursor_MacroDefinition: {
      /* Macros come in long runs from one file: decide once per file. A definition in the
       * range of the last one's file is in that file (struct bw_file_range): clang is asked
       * where the others are. */
      CXSourceLocation loc = clang_getCursorLocation(c);
      unsigned offset = 0;
      if (ctx->macro_file_known && bw_file_range_offset(&ctx->macro_range, loc, &offset)) {
        bw_import_macro_seen(ctx, c, ctx->macro_file_wanted);
        return CXChildVisit_Continue;
      }
      CXFile file = NULL;
      clang_getExpansionLocation(loc, &file, NULL, NULL, &offset);
      bw_file_range_set(ctx, &ctx->macro_range, loc, file, offset);
      if (!ctx->macro_file_known || file != ctx->macro_file) {
        const char *name = bw_import_site(ctx, c, NULL, NULL);
        ctx->macro_file = file;
        ctx->macro_file_known = 1;
        ctx->macro_file_wanted =
            !bw_import_is_builtin(ctx, name) && bw_import_from_matches(ctx, name);
        ctx->macro_file_system = clang_Location_isInSystemHeader(clang_getCursorLocation(c)) != 0;
      }
      bw_import_macro_seen(ctx, c, ctx->macro_file_wanted);
      return CXChildVisit_Continue;
    }
    case CXCursor_FunctionDecl:
    case CXCursor_VarDecl:
      if (note_decl(ctx, c) != 0) goto oom;
      return CXChildVisit_Continue;
    case CXCursor_InclusionDirective: {
      CXFile file = clang_getIncludedFile(c);
      if (file && note_included(ctx, file) != 0) goto oom;
      return CXChildVisit_Continue;
    }
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
    case CXCursor_EnumDecl: {
      if (!clang_isCursorDefinition(c)) return CXChildVisit_Continue;
      if (kind == CXCursor_EnumDecl && note_decl(ctx, c) != 0) goto oom;
      map_key key = key_of(c);
      if (map_find(ctx, key)) return CXChildVisit_Continue; /* seen (e.g. a reparse) */
      int anonymous = clang_Cursor_isAnonymous(c);
      if (anonymous) {
        /* Unnamed: named after the field that uses it, when one does (walk time). A
         * top-level unnamed enum is a set of constants. */
        if (kind == CXCursor_EnumDecl && clang_getCursorKind(parent) == CXCursor_TranslationUnit)
          bw_import_enum_constants(ctx, c);
        return kind == CXCursor_EnumDecl ? CXChildVisit_Continue : CXChildVisit_Recurse;
      }
      bw_entity_kind ek = kind == CXCursor_StructDecl  ? BW_ENT_STRUCT
                          : kind == CXCursor_UnionDecl ? BW_ENT_UNION
                                                       : BW_ENT_ENUM;
      size_t slot = add_entity(ctx, c, key, ek);
      if (!slot) goto oom;
      bw_import_name spelling;
      const char *sp = bw_import_decl_name(ctx, c, kind, &spelling);
      bw_entity *e = &ctx->ents[slot - 1];
      if (is_identifier(sp) && clang_getCursorLanguage(c) == CXLanguage_C) {
        /* C spells a named record or enum type with its keyword, "struct stat": what
         * clang_getTypeSpelling prints, without printing (a tenth of the instructions). */
        const char *keyword = kind == CXCursor_StructDecl  ? "struct "
                              : kind == CXCursor_UnionDecl ? "union "
                                                           : "enum ";
        size_t kn = strlen(keyword), n = spelling.len;
        char *c_name = bw_arena_alloc(&ctx->strings, kn + n + 1);
        if (c_name) {
          memcpy(c_name, keyword, kn);
          memcpy(c_name + kn, sp, n + 1);
        }
        e->c_name = c_name;
        e->tag = c_name ? c_name + kn : NULL;
      } else {
        const char *type_spelling = keep_string(ctx, clang_getTypeSpelling(clang_getCursorType(c)));
        e->c_name = type_spelling; /* "struct stat", or the typedef name of an unnamed one */
        if (is_identifier(sp))
          e->tag = bw_arena_strdup(&ctx->strings, sp);
        else
          e->tag = is_identifier(type_spelling) ? type_spelling : NULL;
      }
      bw_import_name_done(&spelling);
      if (!e->c_name || !e->tag) goto oom;
      return kind == CXCursor_EnumDecl ? CXChildVisit_Continue : CXChildVisit_Recurse;
    }
    case CXCursor_TypedefDecl: {
      map_key key = key_of(c);
      if (map_find(ctx, key)) return CXChildVisit_Continue;
      size_t slot = add_entity(ctx, c, key, BW_ENT_TYPEDEF);
      if (!slot) goto oom;
      bw_entity *e = &ctx->ents[slot - 1];
      bw_import_name spelling;
      bw_import_decl_name(ctx, c, kind, &spelling);
      e->tag = bw_arena_strndup(&ctx->strings, spelling.text, spelling.len);
      bw_import_name_done(&spelling);
      e->c_name = e->tag;
      if (!e->tag) goto oom;
      return CXChildVisit_Continue;
    }
    default:
      return CXChildVisit_Continue;
  }
oom:
  ctx->failed = 1;
  bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  return CXChildVisit_Break;
}

/* ---- pass 2: typedefs --------------------------------------------------------------- */

/* The PascalCase spelling of an entity's tag, made once (ctx->strings); NULL when out of
 * memory. */
static const char *entity_base(bw_import_ctx *ctx, bw_entity *e) {
  if (!e->base || e->base_tag != e->tag) {
    char buf[256];
    char *name = bw_import_type_name_buf(e->tag, buf, sizeof buf);
    if (!name) return NULL;
    e->base = bw_arena_strdup(&ctx->strings, name);
    e->base_tag = e->tag;
    if (name != buf) free(name);
  }
  return e->base;
}

/* 1 when typedef e has the size and alignment of record or enum rec, its underlying type. A
 * typedef's type has its underlying type's size, and its alignment unless an `aligned`
 * attribute (or __declspec(align)) on the typedef overrides it (ASTContext::getTypeInfo): a
 * typedef with no attribute at all keeps the layout, which is then not asked of clang (the
 * record's layout is asked when it is built). Built with -DBW_IMPORT_CHECK, clang is asked
 * anyway and must agree. */
static int typedef_keeps_layout(bw_import_ctx *ctx, const bw_entity *e, const bw_entity *rec) {
  int attributes = clang_Cursor_hasAttrs(e->cursor) != 0;
#ifndef BW_IMPORT_CHECK
  if (!attributes) return 1;
#endif
  CXType tt = clang_getCursorType(e->cursor), rt = clang_getCursorType(rec->cursor);
  int same = clang_Type_getSizeOf(tt) == clang_Type_getSizeOf(rt) &&
             clang_Type_getAlignOf(tt) == clang_Type_getAlignOf(rt);
#ifdef BW_IMPORT_CHECK
  if (!attributes && !same) {
    bw_import_skip(ctx, e->cursor, "layout check: typedef %s without attributes changes the layout",
                   e->tag ? e->tag : "?");
    ctx->failed = 1;
    bw_error_set(ctx->err, BW_EIMPORT, 0, "layout check failed");
  }
#else
  (void)ctx;
#endif
  return same;
}

/* What a typedef stands for: sets is_alias/target or merged_into; leaves both 0 for a
 * primitive, pointer, array or function typedef, and for an opaque (incomplete) record. */
static void resolve_typedef(bw_import_ctx *ctx, size_t idx) {
  CXType t = strip_sugar(clang_getTypedefDeclUnderlyingType(ctx->ents[idx].cursor));
  if (t.kind == CXType_Typedef) {
    size_t slot = map_lookup(ctx, clang_getTypeDeclaration(t));
    if (!slot) return;
    const bw_entity *inner = &ctx->ents[slot - 1];
    if (inner->merged_into)
      slot = inner->merged_into;
    else if (!inner->is_alias)
      return;
    ctx->ents[idx].is_alias = 1;
    ctx->ents[idx].target = slot;
    return;
  }
  if (t.kind != CXType_Record && t.kind != CXType_Enum) return;
  CXCursor def = clang_getCursorDefinition(clang_getTypeDeclaration(t));
  if (clang_Cursor_isNull(def)) return; /* opaque: pointers to it are fine, values are not */
  size_t slot = map_lookup(ctx, def);
  if (!slot) return;
  bw_entity *e = &ctx->ents[idx];
  bw_entity *rec = &ctx->ents[slot - 1];
  int same_layout = typedef_keeps_layout(ctx, e, rec);
  if (rec->c_name && strcmp(rec->c_name, e->tag) == 0) {
    if (same_layout) { /* the typedef names an unnamed record: the record takes its name */
      e->merged_into = slot;
      return;
    }
    /* `typedef struct {...} t __attribute__((aligned(32)))`: t is over-aligned (size 16,
     * align 32, which no record can be), the record itself is not. The record becomes an
     * unnamed type ("TAnon"), t an alias of it with t's own layout. */
    size_t n = strlen(e->tag) + 8;
    char *tag = bw_arena_alloc(&ctx->strings, n);
    if (!tag) return;
    snprintf(tag, n, "%s_anon", e->tag);
    rec->tag = tag;
    rec->c_name = NULL;
    rec->unnamed = 1;
    e->is_alias = 1;
    e->target = slot;
    return;
  }
  int same = 0;
  if (rec->tag) {
    const char *a = entity_base(ctx, rec), *b = entity_base(ctx, e);
    same = a && b && strcmp(a, b) == 0; /* typedef struct foo foo; */
    if (!same_layout) same = 0; /* ...unless the typedef changes the layout: an alias then */
  }
  if (same) {
    e->merged_into = slot;
  } else {
    e->is_alias = 1;
    e->target = slot;
  }
}

/* ---- selection ----------------------------------------------------------------------- */

static int regex_any(const regex_t *res, size_t count, const bw_entity *e) {
  for (size_t i = 0; i < count; i++) {
    if ((e->c_name && regexec(&res[i], e->c_name, 0, NULL, 0) == 0) ||
        (e->tag && regexec(&res[i], e->tag, 0, NULL, 0) == 0) ||
        (e->name && regexec(&res[i], e->name, 0, NULL, 0) == 0))
      return 1;
  }
  return 0;
}

static int selected(bw_import_ctx *ctx, bw_entity *e) {
  if (e->kind == BW_ENT_TYPEDEF && !e->is_alias) return 0;
  if (!e->name) return 0;
  bw_import_entity_site(ctx, e);
  const bw_import_options *o = ctx->opts;
  if (o->from_count) {
    if (!bw_import_from_matches(ctx, e->file)) return 0;
    if (e->file && strcmp(e->file, ctx->main_path) == 0) return 0;
  } else if (e->builtin) {
    return 0;
  }
  if (ctx->type_re_count && !regex_any(ctx->type_res, ctx->type_re_count, e)) return 0;
  if (ctx->exclude_re_count && regex_any(ctx->exclude_res, ctx->exclude_re_count, e)) return 0;
  return 1;
}

/* ---- pass 3: emission ---------------------------------------------------------------- */

/* Emits entity idx (and first everything it holds by value). Returns its BARE name, or NULL
 * when it could not be imported (reported) or holds nothing BARE can carry (*empty set). */
static const char *emit(bw_import_ctx *ctx, size_t idx, int *empty);

/* An entity for an unnamed record or enum met as a field's type, named hint (claimed now). */
static size_t anonymous_entity(bw_import_ctx *ctx, CXCursor def, bw_import_hint *hint) {
  map_key key = key_of(def);
  size_t slot = map_find(ctx, key);
  if (slot) return slot;
  enum CXCursorKind k = clang_getCursorKind(def);
  slot = add_entity(ctx, def, key,
                    k == CXCursor_UnionDecl  ? BW_ENT_UNION
                    : k == CXCursor_EnumDecl ? BW_ENT_ENUM
                                             : BW_ENT_STRUCT);
  if (!slot) return 0;
  const char *text = bw_import_hint_text(hint);
  ctx->ents[slot - 1].name = text ? bw_nameset_claim(&ctx->type_names, text, "") : NULL;
  if (!ctx->ents[slot - 1].name) return 0;
  return slot;
}

static int map_type_uncached(bw_import_ctx *ctx, CXType t, bw_import_hint *hint, int top,
                             uint32_t *flags, CXCursor where, bw_type **out);

/* Maps C type t to a wire type. hint names unnamed records met on the way. top is 1 for the
 * field's own type (pointer flag), 0 inside arrays. Sets BW_FIELD_POINTER / FLEXIBLE in
 * *flags. A member's own type that maps to a primitive, a pointer or a reference to a user type
 * maps the same way for every member of that clang type: that is remembered (type_info). */
int bw_import_map_type(bw_import_ctx *ctx, CXType t, bw_import_hint *hint, int top, uint32_t *flags,
                       CXCursor where, bw_type **out) {
  if (!top) return map_type_uncached(ctx, t, hint, top, flags, where, out);
  return bw_import_map_member(ctx, t, NULL, hint, flags, where, out);
}

int bw_import_map_member(bw_import_ctx *ctx, CXType t, struct bw_type_text *info,
                         bw_import_hint *hint, uint32_t *flags, CXCursor where, bw_type **out) {
  const int top = 1;
  if (!info) info = bw_import_type_info(ctx, t);
  if (info && info->mapped == BW_TYPE_MAPPED_KIND) {
    *flags |= info->flags;
    *out = bw_draft_type(ctx->draft, info->kind);
    return *out ? MAP_OK : MAP_FAIL;
  }
  if (info && info->mapped == BW_TYPE_MAPPED_ENTITY) {
    int empty = 0;
    const char *name = emit(ctx, info->slot - 1, &empty);
    if (!name) return empty ? MAP_EMPTY : MAP_FAIL;
    *out = bw_draft_ref(ctx->draft, name);
    return *out ? MAP_OK : MAP_FAIL;
  }
  uint32_t before = *flags;
  ctx->mapped_slot = 0;
  int rc = map_type_uncached(ctx, t, hint, top, flags, where, out);
  if (rc != MAP_OK || !*out) return rc;
  int mapped = BW_TYPE_MAPPED_NONE;
  if ((*out)->kind == BW_KIND_REF && ctx->mapped_slot)
    mapped = BW_TYPE_MAPPED_ENTITY;
  else if (bw_kind_is_fixed_primitive((*out)->kind) && !(*out)->native)
    mapped = BW_TYPE_MAPPED_KIND;
  if (mapped == BW_TYPE_MAPPED_NONE) return rc;
  info = bw_import_type_info(ctx, t); /* again: emitting may have grown the table */
  if (info) {
    info->mapped = mapped;
    info->kind = (*out)->kind;
    info->flags = *flags & ~before;
    info->slot = ctx->mapped_slot;
  }
  return rc;
}

static int map_type_uncached(bw_import_ctx *ctx, CXType t, bw_import_hint *hint, int top,
                             uint32_t *flags, CXCursor where, bw_type **out) {
  bw_draft *d = ctx->draft;
  for (;;) {
    t = strip_sugar(t);
    if (t.kind == CXType_Typedef) {
      CXCursor td = clang_getTypeDeclaration(t);
      size_t slot = map_lookup(ctx, td);
      if (slot && (ctx->ents[slot - 1].is_alias || ctx->ents[slot - 1].merged_into)) {
        int empty = 0;
        const char *name = emit(ctx, slot - 1, &empty);
        if (!name) return empty ? MAP_EMPTY : MAP_FAIL;
        *out = bw_draft_ref(d, name);
        ctx->mapped_slot = slot;
        return *out ? MAP_OK : MAP_FAIL;
      }
      t = clang_getTypedefDeclUnderlyingType(td);
      continue;
    }
    if (t.kind == CXType_Atomic) {
      t = clang_Type_getValueType(t);
      continue;
    }
    break;
  }
  long long size = clang_Type_getSizeOf(t);
  switch (t.kind) {
    case CXType_Record:
    case CXType_Enum: {
      CXCursor def = clang_getCursorDefinition(clang_getTypeDeclaration(t));
      if (clang_Cursor_isNull(def)) {
        char *sp = bw_import_string(clang_getTypeSpelling(t));
        bw_import_skip(ctx, where, "incomplete type '%s' held by value", sp ? sp : "?");
        free(sp);
        return MAP_FAIL;
      }
      size_t slot = map_lookup(ctx, def);
      if (!slot) slot = anonymous_entity(ctx, def, hint);
      if (!slot) {
        bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
        ctx->failed = 1;
        return MAP_FAIL;
      }
      int empty = 0;
      const char *name = emit(ctx, slot - 1, &empty);
      if (!name) return empty ? MAP_EMPTY : MAP_FAIL;
      *out = bw_draft_ref(d, name);
      ctx->mapped_slot = slot;
      return *out ? MAP_OK : MAP_FAIL;
    }
    case CXType_Pointer:
    case CXType_BlockPointer:
    case CXType_MemberPointer:
    case CXType_ObjCObjectPointer:
      if (top) *flags |= BW_FIELD_POINTER;
      *out = size == 8   ? bw_draft_type(d, BW_KIND_U64)
             : size == 4 ? bw_draft_type(d, BW_KIND_U32)
             : size > 0  ? bw_draft_data_fixed(d, (uint64_t)size)
                         : NULL;
      return *out ? MAP_OK : MAP_FAIL;
    case CXType_ConstantArray: {
      long long n = clang_getArraySize(t);
      CXType elem = clang_getArrayElementType(t);
      if (n <= 0) { /* GNU zero-length array: a flexible array when it is the last member */
        if (!top || !(*flags & BW_FIELD_FLEXIBLE)) return MAP_EMPTY;
        *flags &= ~BW_FIELD_FLEXIBLE;
        bw_type *et = NULL;
        int rc = map_type_uncached(ctx, elem, hint, 0, flags, where, &et);
        if (rc != MAP_OK) return rc;
        *flags |= BW_FIELD_FLEXIBLE;
        *out = bw_draft_list(d, et);
        return *out ? MAP_OK : MAP_FAIL;
      }
      if (is_char_type(elem)) {
        *out = bw_draft_data_fixed(d, (uint64_t)n);
        return *out ? MAP_OK : MAP_FAIL;
      }
      bw_type *et = NULL;
      int rc = map_type_uncached(ctx, elem, hint, 0, flags, where, &et);
      if (rc != MAP_OK) return rc;
      *out = bw_draft_list_fixed(d, et, (uint64_t)n);
      return *out ? MAP_OK : MAP_FAIL;
    }
    case CXType_IncompleteArray: {
      if (!top) return MAP_FAIL;
      bw_type *et = NULL;
      int rc = map_type_uncached(ctx, clang_getArrayElementType(t), hint, 0, flags, where, &et);
      if (rc != MAP_OK) return rc;
      *flags |= BW_FIELD_FLEXIBLE;
      *out = bw_draft_list(d, et);
      return *out ? MAP_OK : MAP_FAIL;
    }
    case CXType_Complex:
    case CXType_Vector:
    case CXType_ExtVector: {
      long long n = t.kind == CXType_Complex ? 2 : clang_getNumElements(t);
      long long es = clang_Type_getSizeOf(clang_getElementType(t));
      if (!top && n > 0 && es > 0 && size != n * es) {
        /* float3 x[2]: the padding inside each element has no annotation in BARE text. */
        char *sp = bw_import_string(clang_getTypeSpelling(t));
        bw_import_skip(ctx, where, "array of padded vectors ('%s': %lld elements in %lld bytes)",
                       sp ? sp : "?", n, size);
        free(sp);
        return MAP_FAIL;
      }
      bw_type *et = NULL;
      int rc = map_type_uncached(ctx, clang_getElementType(t), hint, 0, flags, where, &et);
      if (rc != MAP_OK) return rc;
      if (n <= 0) return MAP_FAIL;
      *out = bw_draft_list_fixed(d, et, (uint64_t)n);
      return *out ? MAP_OK : MAP_FAIL;
    }
    default:
      break;
  }
  bw_kind k = bw_import_builtin_kind(t);
  if (k != BW_KIND_VOID) {
    *out = bw_draft_type(d, k);
    return *out ? MAP_OK : MAP_FAIL;
  }
  if (size > 0) { /* long double, __int128, _Float16...: bytes, with the C type kept */
    *out = bw_draft_data_fixed(d, (uint64_t)size);
    return *out ? MAP_OK : MAP_FAIL;
  }
  char *sp = bw_import_string(clang_getTypeSpelling(t));
  bw_import_skip(ctx, where, "type '%s' has no size", sp ? sp : "?");
  free(sp);
  return MAP_FAIL;
}

/* ---- emission ----------------------------------------------------------------------------- */

/* The size and alignment of alias typedef e, whose target (emitted) is its underlying type:
 * the target's layout when e has no attribute (typedef_keeps_layout), else clang's. Built with
 * -DBW_IMPORT_CHECK, clang is asked anyway and must agree. */
static void alias_layout(bw_import_ctx *ctx, const bw_entity *e, const bw_entity *target,
                         bw_native *n) {
  int known = target->native && !clang_Cursor_hasAttrs(e->cursor);
  if (known) {
    n->size = target->native->size;
    n->align = target->native->align;
#ifndef BW_IMPORT_CHECK
    return;
#endif
  }
  CXType tt = clang_getCursorType(e->cursor);
  uint64_t size = (uint64_t)clang_Type_getSizeOf(tt), align = (uint64_t)clang_Type_getAlignOf(tt);
#ifdef BW_IMPORT_CHECK
  if (known && (size != n->size || align != n->align)) {
    bw_import_skip(ctx, e->cursor, "layout check: alias %s: %llu/%llu, clang %llu/%llu",
                   e->tag ? e->tag : "?", (unsigned long long)n->size, (unsigned long long)n->align,
                   (unsigned long long)size, (unsigned long long)align);
    ctx->failed = 1;
    bw_error_set(ctx->err, BW_EIMPORT, 0, "layout check failed");
  }
#else
  (void)ctx;
#endif
  n->size = size;
  n->align = align;
}

static const char *emit(bw_import_ctx *ctx, size_t idx, int *empty) {
  bw_entity *e = &ctx->ents[idx];
  switch (e->state) {
    case BW_ENT_DONE:
      if (!e->name) *empty = 1;
      return e->name;
    case BW_ENT_FAILED:
      return NULL;
    case BW_ENT_BUSY:
      bw_import_skip(ctx, e->cursor, "%s contains itself", e->name ? e->name : "type");
      return NULL;
    default:
      break;
  }
  if (ctx->depth >= MAX_EMIT_DEPTH) {
    bw_import_skip(ctx, e->cursor, "types nested more than %d deep", MAX_EMIT_DEPTH);
    return NULL;
  }
  if (e->kind == BW_ENT_TYPEDEF && e->merged_into) {
    e->state = BW_ENT_BUSY;
    ctx->depth++;
    const char *name = emit(ctx, e->merged_into - 1, empty);
    ctx->depth--;
    e = &ctx->ents[idx];
    e->state = name || *empty ? BW_ENT_DONE : BW_ENT_FAILED;
    e->name = name;
    return name;
  }
  e->state = BW_ENT_BUSY;
  ctx->depth++;
  bw_type *t = NULL;
  int rc;
  int is_empty = 0;
  switch (e->kind) {
    case BW_ENT_STRUCT:
    case BW_ENT_UNION:
      rc = bw_import_build_record(ctx, idx, &t, &is_empty);
      break;
    case BW_ENT_ENUM:
      rc = bw_import_build_enum(ctx, idx, &t);
      break;
    default: {
      const char *target = emit(ctx, e->target - 1, &is_empty);
      rc = target ? MAP_OK : is_empty ? MAP_EMPTY : MAP_FAIL;
      if (target) {
        t = bw_draft_ref(ctx->draft, target);
        bw_native *n = bw_draft_native(ctx->draft, t);
        if (n) {
          bw_import_entity_site(ctx, &ctx->ents[idx]);
          alias_layout(ctx, &ctx->ents[idx], &ctx->ents[ctx->ents[idx].target - 1], n);
          n->c_name = bw_draft_strdup(ctx->draft, ctx->ents[idx].c_name);
          n->file = ctx->ents[idx].file ? bw_draft_strdup(ctx->draft, ctx->ents[idx].file) : NULL;
          n->line = ctx->ents[idx].line;
        }
      }
      break;
    }
  }
  ctx->depth--;
  e = &ctx->ents[idx];
  if (rc == MAP_EMPTY || is_empty) {
    e->state = BW_ENT_DONE;
    e->name = NULL;
    *empty = 1;
    return NULL;
  }
  if (rc != MAP_OK || !t || !bw_draft_add_type(ctx->draft, e->name, t)) {
    e->state = BW_ENT_FAILED;
    return NULL;
  }
  e->state = BW_ENT_DONE;
  e->native = t->native;
  return e->name;
}

int bw_import_walk(bw_import_ctx *ctx) {
  clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), collect, ctx);
  if (ctx->failed) return ctx->err && ctx->err->code ? ctx->err->code : BW_EIMPORT;
  size_t n = ctx->ent_count;
  for (size_t i = 0; i < n; i++)
    if (ctx->ents[i].kind == BW_ENT_TYPEDEF) resolve_typedef(ctx, i);

  /* Names in declaration order: records, enums and alias typedefs. */
  for (size_t i = 0; i < n; i++) {
    bw_entity *e = &ctx->ents[i];
    if (e->kind == BW_ENT_TYPEDEF && !e->is_alias) continue;
    if (!e->tag) continue;
    const char *base = entity_base(ctx, e);
    e->name = base ? bw_nameset_claim(&ctx->type_names, base, "") : NULL;
    if (!e->name) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  }
  for (size_t i = 0; i < n && !(ctx->failed && !ctx->opts->keep_going); i++) {
    if (!selected(ctx, &ctx->ents[i])) continue;
    int empty = 0;
    emit(ctx, i, &empty);
  }
  /* The cached spellings and file names are keyed by clang's types and files, which a reparse
   * (macros.c) frees. */
  bw_import_files_free(ctx);
  bw_import_decl_names_free(ctx);
  free(ctx->type_text);
  ctx->type_text = NULL;
  ctx->type_text_size = ctx->type_text_count = 0;
#ifdef BW_IMPORT_CHECK
  bw_import_note(ctx, 0, "name check: %zu names read from the text, %zu asked of clang",
                 ctx->names_read, ctx->names_asked);
#endif
  if (ctx->err && ctx->err->code == BW_ENOMEM) return BW_ENOMEM;
  return 0;
}

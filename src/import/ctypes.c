/* barewire import: C types, as the walk asks about them.
 *
 * Every member's type is asked for its spelling, size and alignment, and mapped to a wire type
 * (walk.c); headers repeat a few hundred types over thousands of members, and clang prints a
 * type afresh on every clang_getTypeSpelling and walks typedef chains on every query, so what
 * was learnt is kept per clang type (bw_import_type_info). Integer kinds come from the
 * canonical type's signedness and clang's size, never from type-name strings. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

static const char *c_type_text_uncached(bw_import_ctx *ctx, CXType t);

/* The cache entry of clang type t, keyed by t.data[0] (the QualType, sugar and qualifiers
 * included: the same pointer is the same type), created empty when new. NULL when t has no
 * key or out of memory. The pointer is valid until the next call (the table may grow).
 * Headers repeat a few hundred types over thousands of members, and clang prints a type
 * afresh on every clang_getTypeSpelling and walks typedef chains on every query. */
struct bw_type_text *bw_import_type_info(bw_import_ctx *ctx, CXType t) {
  const void *key = t.data[0];
  if (!key) return NULL;
  if ((ctx->type_text_count + 1) * 2 > ctx->type_text_size) {
    size_t size = ctx->type_text_size ? ctx->type_text_size * 2 : 1024;
    struct bw_type_text *tab = calloc(size, sizeof *tab);
    if (!tab) return NULL;
    for (size_t i = 0; i < ctx->type_text_size; i++) {
      if (!ctx->type_text[i].key) continue;
      size_t j = ((uintptr_t)ctx->type_text[i].key >> 4) & (size - 1);
      while (tab[j].key) j = (j + 1) & (size - 1);
      tab[j] = ctx->type_text[i];
    }
    free(ctx->type_text);
    ctx->type_text = tab;
    ctx->type_text_size = size;
  }
  size_t mask = ctx->type_text_size - 1;
  size_t i = ((uintptr_t)key >> 4) & mask;
  for (; ctx->type_text[i].key; i = (i + 1) & mask)
    if (ctx->type_text[i].key == key) return &ctx->type_text[i];
  memset(&ctx->type_text[i], 0, sizeof ctx->type_text[i]);
  ctx->type_text[i].key = key;
  ctx->type_text_count++;
  return &ctx->type_text[i];
}

/* A C type spelling with clang's "(anonymous at file:line:col)" / "(unnamed ...)" parts
 * replaced by "{...}", so that the text does not depend on paths. Arena string, cached per
 * clang type. */
const char *bw_import_c_type_text(bw_import_ctx *ctx, CXType t) {
  struct bw_type_text *info = bw_import_type_info(ctx, t);
  if (info && info->text) return info->text;
  const char *text = c_type_text_uncached(ctx, t);
  if (info && text) info->text = text; /* nothing was added to the table meanwhile */
  return text;
}

void bw_import_type_layout(bw_import_ctx *ctx, CXType t, long long *size, long long *align) {
  struct bw_type_text *info = bw_import_type_info(ctx, t);
  if (info && info->layout_known) {
    *size = info->size;
    *align = info->align;
    return;
  }
  *size = clang_Type_getSizeOf(t);
  *align = clang_Type_getAlignOf(t);
  if (info) {
    info->layout_known = 1;
    info->size = *size;
    info->align = *align;
  }
}

static const char *c_type_text_uncached(bw_import_ctx *ctx, CXType t) {
  char *s = bw_import_string(clang_getTypeSpelling(t));
  if (!s) return NULL;
  char *p;
  while ((p = strstr(s, "(anonymous")) || (p = strstr(s, "(unnamed"))) {
    char *end = strchr(p, ')');
    if (!end) break;
    /* Drop the "outer::" scopes clang writes before it too. */
    char *start = p;
    while (start - s >= 2 && start[-1] == ':' && start[-2] == ':') {
      char *q = start - 2;
      while (q > s && (q[-1] == '_' || (q[-1] >= 'a' && q[-1] <= 'z') ||
                       (q[-1] >= 'A' && q[-1] <= 'Z') || (q[-1] >= '0' && q[-1] <= '9')))
        q--;
      start = q;
    }
    memcpy(start, "{...}", 5);
    memmove(start + 5, end + 1, strlen(end + 1) + 1);
  }
  const char *out = bw_draft_strdup(ctx->draft, s);
  free(s);
  return out;
}

int bw_import_is_signed_kind(enum CXTypeKind k) {
  switch (k) {
    case CXType_Char_S:
    case CXType_SChar:
    case CXType_Short:
    case CXType_Int:
    case CXType_Long:
    case CXType_LongLong:
    case CXType_Int128:
      return 1;
    default:
      return 0;
  }
}

static int is_unsigned_kind(enum CXTypeKind k) {
  switch (k) {
    case CXType_Char_U:
    case CXType_UChar:
    case CXType_UShort:
    case CXType_UInt:
    case CXType_ULong:
    case CXType_ULongLong:
    case CXType_UInt128:
    case CXType_Char16:
    case CXType_Char32:
      return 1;
    default:
      return 0;
  }
}

bw_kind bw_import_int_kind(long long size, int is_signed) {
  switch (size) {
    case 1:
      return is_signed ? BW_KIND_I8 : BW_KIND_U8;
    case 2:
      return is_signed ? BW_KIND_I16 : BW_KIND_U16;
    case 4:
      return is_signed ? BW_KIND_I32 : BW_KIND_U32;
    case 8:
      return is_signed ? BW_KIND_I64 : BW_KIND_U64;
    default:
      return BW_KIND_VOID; /* no BARE integer of that size */
  }
}

/* BARE kind of a builtin arithmetic type, by its canonical kind's signedness and its size;
 * BW_KIND_VOID when BARE has no counterpart (long double, __int128, half floats...). */
bw_kind bw_import_builtin_kind(CXType t) {
  t = clang_getCanonicalType(t);
  long long size = clang_Type_getSizeOf(t);
  if (t.kind == CXType_Bool) return size == 1 ? BW_KIND_BOOL : BW_KIND_VOID;
  if (t.kind == CXType_Int128 || t.kind == CXType_UInt128) return BW_KIND_VOID;
  if (bw_import_is_signed_kind(t.kind)) return bw_import_int_kind(size, 1);
  if (is_unsigned_kind(t.kind)) return bw_import_int_kind(size, 0);
  if (t.kind == CXType_Float || t.kind == CXType_Double)
    return size == 4 ? BW_KIND_F32 : size == 8 ? BW_KIND_F64 : BW_KIND_VOID;
  return BW_KIND_VOID;
}

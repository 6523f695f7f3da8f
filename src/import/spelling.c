/* barewire import: declarations' names, read from the header's text where that is exact.
 *
 * clang_getCursorSpelling prints a declaration's name through a stream and mallocs a copy
 * (670-750 instructions a call), and the walk asks it for every typedef, record, field and
 * enumerator. A declaration that has a name is located at its name's identifier token; when
 * that token was read straight from a file (not produced by a macro expansion, which covers
 * macro arguments, bodies and token pasting), the name is the identifier at that offset of
 * the file's text, which clang keeps in memory (clang_getFileContents, asked once per file).
 *
 * The text is used only where it is proven to be the name; everything else asks clang:
 *   - a location inside a macro expansion. libclang's clang_getSpellingLocation is
 *     SourceManager::getFileLoc (see the FIXME in CXSourceLocation.cpp): for a name from a
 *     macro body it returns the macro's invocation, whose text is the macro's name. Whether a
 *     location is a macro location is its raw encoding's top bit (clang's
 *     SourceLocation::MacroIDBit, which libclang copies into CXSourceLocation.int_data);
 *   - a location with no file (clang's scratch space, implicit declarations) or out of the
 *     file's text;
 *   - an identifier that is not plain ASCII [A-Za-z_][A-Za-z0-9_]* up to a byte that cannot
 *     continue one: a line splice (backslash-newline), a universal character name, a trigraph,
 *     '$' or a UTF-8 byte would make the name differ from the bytes;
 *   - declarations that may have no name, which are located elsewhere: an unnamed record or
 *     enum (one a typedef names) is located at its keyword, "struct", "union" or "enum"; an
 *     unnamed bitfield at the start of its declaration ("int", "uint32_t"); an anonymous
 *     member (C11, or Microsoft's `T;`) at its record's keyword or its type's name. Keywords
 *     are recognised; bitfields and fields whose declared type is a bare record type (the type
 *     clang gives anonymous members; a named member's type is sugared: "struct x", a typedef)
 *     always ask clang;
 *   - records of another language than C, and every cursor kind not listed here.
 *
 * Built with -DBW_IMPORT_CHECK, every name is also asked of clang and a difference fails
 * the import with both spellings (the proof that the rules above are exact, run over system
 * headers and every test input). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

/* clang's SourceLocation::MacroIDBit: set in the raw encoding of a macro expansion location. */
#define MACRO_LOCATION_BIT 0x80000000u

/* The text of clang file f (its size in *size), asked of clang once per file; NULL when
 * clang has none or out of memory. */
static const char *file_text(bw_import_ctx *ctx, CXFile f, size_t *size) {
  if (ctx->last_text.file == f) {
    *size = ctx->last_text.size;
    return ctx->last_text.text;
  }
  if ((ctx->file_text_count + 1) * 2 > ctx->file_text_size) {
    size_t cap = ctx->file_text_size ? ctx->file_text_size * 2 : 64;
    struct bw_file_text *tab = calloc(cap, sizeof *tab);
    if (!tab) return NULL;
    for (size_t i = 0; i < ctx->file_text_size; i++) {
      if (!ctx->file_texts[i].file) continue;
      size_t j = ((uintptr_t)ctx->file_texts[i].file >> 4) & (cap - 1);
      while (tab[j].file) j = (j + 1) & (cap - 1);
      tab[j] = ctx->file_texts[i];
    }
    free(ctx->file_texts);
    ctx->file_texts = tab;
    ctx->file_text_size = cap;
  }
  size_t mask = ctx->file_text_size - 1;
  size_t i = ((uintptr_t)f >> 4) & mask;
  while (ctx->file_texts[i].file && ctx->file_texts[i].file != f) i = (i + 1) & mask;
  struct bw_file_text *e = &ctx->file_texts[i];
  if (!e->file) {
    e->file = f;
    e->size = 0;
    e->text = clang_getFileContents(ctx->tu, f, &e->size); /* a linear search of clang's */
    ctx->file_text_count++;
  }
  ctx->last_text = *e;
  *size = e->size;
  return e->text;
}

void bw_import_decl_names_free(bw_import_ctx *ctx) {
  free(ctx->file_texts);
  ctx->file_texts = NULL;
  ctx->file_text_size = ctx->file_text_count = 0;
  memset(&ctx->last_text, 0, sizeof ctx->last_text);
  memset(&ctx->name_range, 0, sizeof ctx->name_range);
  memset(&ctx->macro_range, 0, sizeof ctx->macro_range);
}

void bw_file_range_set(bw_import_ctx *ctx, struct bw_file_range *r, CXSourceLocation loc,
                       CXFile file, unsigned offset) {
  size_t size = 0;
  const char *text = file ? file_text(ctx, file, &size) : NULL;
  r->text = NULL;
  if (!text || (loc.int_data & MACRO_LOCATION_BIT) || offset > loc.int_data) return;
  r->base = loc.int_data - offset;
  r->size = size;
  r->text = text;
}

/* Bytes by what they are to an identifier: IDENT_START may begin one, IDENT_PART continue it,
 * IDENT_UNSURE after one means clang would read more than the ASCII bytes (a line splice or a
 * universal character name, a trigraph, '$', UTF-8). */
enum { IDENT_START = 1, IDENT_PART = 2, IDENT_UNSURE = 4 };
#define S_ (IDENT_START | IDENT_PART)
#define P_ IDENT_PART
#define U_ IDENT_UNSURE
#define U16_ U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_
/* clang-format off */
static const unsigned char ident_class[256] = {
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x00 */
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x10 */
    0,  0,  0,  0,  U_, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x20: $ */
    P_, P_, P_, P_, P_, P_, P_, P_, P_, P_, 0,  0,  0,  0,  0,  U_, /* 0x30: 0-9 ? */
    0,  S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, /* 0x40: A-O */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, 0,  U_, 0,  0,  S_, /* 0x50: P-Z, backslash, _ */
    0,  S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, /* 0x60: a-o */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, 0,  0,  0,  0,  0,  /* 0x70: p-z */
    U16_, U16_, U16_, U16_, U16_, U16_, U16_, U16_,                 /* 0x80-0xff: UTF-8 */
};
/* clang-format on */
#undef S_
#undef P_
#undef U_
#undef U16_

/* Eight bytes at a time: 0x80 in each byte of w (a little-endian load) that is not an ASCII
 * letter, digit or '_'. Each range test adds to bytes below 0x80, so no carry crosses a byte. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static uint64_t bytes_at_least(uint64_t low7, unsigned c) {
  return (low7 + ONES * (0x80 - c)) & HIGHS;
}
static uint64_t non_ident_bytes(uint64_t w) {
  uint64_t a = w & ~HIGHS;      /* the low seven bits; bytes from 0x80 are marked below */
  uint64_t l = a | ONES * 0x20; /* letters folded to lower case (nothing else lands in a-z) */
  uint64_t alpha = bytes_at_least(l, 'a') & ~bytes_at_least(l, 'z' + 1);
  uint64_t digit = bytes_at_least(a, '0') & ~bytes_at_least(a, '9' + 1);
  uint64_t under = ~((a ^ ONES * '_') + ONES * 0x7f) & HIGHS; /* the byte's xor is 0 */
  return (w & HIGHS) | (~(alpha | digit | under) & HIGHS);
}

/* 1 when the identifier at c's location was read from a file and is plain ASCII: copies it
 * into n->buf. 0 when clang must be asked. */
static int name_from_text(bw_import_ctx *ctx, CXCursor c, bw_import_name *n) {
  CXSourceLocation loc = clang_getCursorLocation(c);
  if (!loc.ptr_data[0] || (loc.int_data & MACRO_LOCATION_BIT)) return 0;
  /* A location in the range of the file of the last name is at location - base there (see
   * struct bw_file_range); others ask clang where they are (a third of the cost of a name). */
  unsigned offset;
  if (!bw_file_range_offset(&ctx->name_range, loc, &offset)) {
    CXFile file = NULL;
    offset = 0;
    clang_getSpellingLocation(loc, &file, NULL, NULL, &offset);
    if (!file) return 0;
    bw_file_range_set(ctx, &ctx->name_range, loc, file, offset);
    if (!bw_file_range_offset(&ctx->name_range, loc, &offset)) return 0;
  }
  const char *text = ctx->name_range.text;
  size_t size = ctx->name_range.size;
  if (offset >= size || !(ident_class[(unsigned char)text[offset]] & IDENT_START)) return 0;
  /* Copied as it is scanned, up to the buffer's size (a longer name asks clang). */
  const unsigned char *p = (const unsigned char *)text + offset;
  size_t rest = size - offset, cap = sizeof n->buf - 1, len = 0;
  size_t avail = rest < cap + 1 ? rest : cap + 1;
  for (; len + 8 <= avail; len += 8) {
    memcpy(n->buf + len, p + len, 8);
    uint64_t stop = non_ident_bytes(bw_load_le(p + len, 8));
    if (stop) {
      len += (size_t)__builtin_ctzll(stop) / 8;
      goto scanned;
    }
  }
  while (len < avail && (ident_class[p[len]] & IDENT_PART)) {
    n->buf[len] = (char)p[len];
    len++;
  }
scanned:
  if (len > cap || (len < rest && (ident_class[p[len]] & IDENT_UNSURE))) return 0;
  n->buf[len] = '\0';
  n->text = n->buf;
  n->len = len;
  return 1;
}

/* 1 when s is the keyword an unnamed declaration of this kind is located at. */
static int is_tag_keyword(const char *s, size_t len) {
  return (len == 6 && (memcmp(s, "struct", 6) == 0)) || (len == 5 && memcmp(s, "union", 5) == 0) ||
         (len == 4 && memcmp(s, "enum", 4) == 0);
}

static const char *name_from_clang(bw_import_name *n, CXCursor c) {
  n->owned = clang_getCursorSpelling(c);
  n->from_clang = 1;
  n->text = clang_getCString(n->owned);
  if (!n->text) n->text = "";
  n->len = strlen(n->text);
  return n->text;
}

#ifdef BW_IMPORT_CHECK
/* The proof: clang's spelling beside the text's, a difference an error of the import. */
static const char *checked(bw_import_ctx *ctx, CXCursor c, bw_import_name *n) {
  if (n->from_clang) {
    ctx->names_asked++;
    return n->text;
  }
  ctx->names_read++;
  CXString s = clang_getCursorSpelling(c);
  const char *sp = clang_getCString(s);
  if (!sp || strcmp(sp, n->text) != 0) {
    uint32_t line = 0, column = 0;
    char *file = bw_import_location(c, &line, &column);
    bw_import_note(ctx, 1, "%s:%u:%u: error: name check: the text gives '%s', clang '%s'",
                   file ? file : "<unknown>", line, column, n->text, sp ? sp : "(null)");
    free(file);
    ctx->failed = 1;
    bw_error_set(ctx->err, BW_EIMPORT, 0, "name check failed");
  }
  clang_disposeString(s);
  return n->text;
}
#define RESULT(ctx, c, n) checked(ctx, c, n)
#else
#define RESULT(ctx, c, n) ((void)(ctx), (void)(c), (n)->text)
#endif

const char *bw_import_decl_name(bw_import_ctx *ctx, CXCursor c, enum CXCursorKind kind,
                                bw_import_name *n) {
  n->from_clang = 0;
  switch (kind) {
    case CXCursor_TypedefDecl:
    case CXCursor_EnumConstantDecl:
      /* Always named, and located at the name. */
      if (name_from_text(ctx, c, n)) return RESULT(ctx, c, n);
      break;
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
    case CXCursor_EnumDecl:
      /* Unnamed ones are located at their keyword, which no name can be. */
      if (clang_getCursorLanguage(c) == CXLanguage_C && name_from_text(ctx, c, n) &&
          !is_tag_keyword(n->text, n->len))
        return RESULT(ctx, c, n);
      break;
    default:
      break;
  }
  name_from_clang(n, c);
  return RESULT(ctx, c, n);
}

const char *bw_import_field_decl_name(bw_import_ctx *ctx, CXCursor f, int bitfield, CXType declared,
                                      bw_import_name *n) {
  n->from_clang = 0;
  /* An unnamed bitfield is located at its type's first token, an anonymous member at its
   * record's keyword or its typedef's name (a bare record type): the text cannot tell. */
  if (!bitfield && declared.kind != CXType_Record && name_from_text(ctx, f, n) &&
      !is_tag_keyword(n->text, n->len))
    return RESULT(ctx, f, n);
  name_from_clang(n, f);
  return RESULT(ctx, f, n);
}

void bw_import_name_done(bw_import_name *n) {
  if (n->from_clang) clang_disposeString(n->owned);
  n->from_clang = 0;
}

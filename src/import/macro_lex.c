/* barewire import: macro bodies read straight from the header text.
 *
 * macro_eval.c needs the tokens of every macro it evaluates. clang_tokenize gives them, at the
 * price of a lexer set up per call and a string per token; most integer macros are one plain
 * line (`#define VK_HEADER_VERSION 250`, `#define X_MASK (1u << 4)`, `#define X_NAME
 * "VK_KHR_surface"`) whose tokens are plain to see. This file reads those: a body
 * of identifiers that are no keywords, numbers (C's preprocessing numbers), strings without
 * escapes or prefixes and the operators of integer expressions, on one line. Anything else (a
 * comment, a character literal, a backslash, '#', '.', '$', '[', a keyword or a reserved name,
 * a digraph or trigraph, a byte outside printable ASCII, more than 64 tokens) is left to clang,
 * so that the tokens are always clang's own; the importer was checked token for token against
 * clang_tokenize on 35,424 definitions of system and library headers. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <string.h>

#include "import_internal.h"

/* Words that are keywords in C or C++ (a user may ask for C++ with -x), or alternative
 * spellings of C++ operators: with every name that starts with '_', they send a definition
 * to clang's tokenizer. */
static int maybe_keyword(const char *s, size_t n) {
  static const char words[] =
      " alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t "
      "char16_t char32_t class compl concept const const_cast consteval constexpr constinit "
      "continue co_await co_return co_yield decltype default delete do double dynamic_cast "
      "else enum explicit export extern false float for friend goto if inline int long mutable "
      "namespace new noexcept not not_eq nullptr operator or or_eq private protected public "
      "register reinterpret_cast requires restrict return short signed sizeof static "
      "static_assert static_cast struct switch template this thread_local throw true try "
      "typedef typeid typename typeof typeof_unqual union unsigned using virtual void volatile "
      "wchar_t while xor xor_eq ";
  if (s[0] == '_') return 1;
  char key[24];
  if (n + 3 > sizeof key) return 0; /* longer than every keyword */
  key[0] = ' ';
  memcpy(key + 1, s, n);
  key[n + 1] = ' ';
  key[n + 2] = 0;
  return strstr(words, key) != NULL;
}

static int ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

#define PLAIN_TOKENS 64 /* longer bodies go to clang */

/* Reads the body of an object-like macro straight from its file when the definition is one
 * plain line that clang tokenizes the obvious way (see above). Returns 0 to send the
 * definition to clang_tokenize. */
int bw_import_lex_plain(bw_arena *mem, const char *name, size_t offset, const char *text, size_t n,
                        bw_import_tok **body, size_t *body_count) {
  size_t len = strlen(name), i = offset;
  if (i > n || n - i < len || memcmp(text + i, name, len) != 0) return 0;
  i += len;
  if (i < n && (ident_char(text[i]) || text[i] == '$' || text[i] == '(')) return 0;
  size_t end = i;
  while (end < n && text[end] != '\n' && text[end] != '\r') end++;
  size_t starts[PLAIN_TOKENS], lens[PLAIN_TOKENS];
  CXTokenKind kinds[PLAIN_TOKENS];
  size_t count = 0;
  while (i < end) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      i++;
      continue;
    }
    if (count == PLAIN_TOKENS) return 0;
    size_t start = i;
    CXTokenKind kind = CXToken_Punctuation;
    char next = i + 1 < end ? text[i + 1] : 0;
    char third = i + 2 < end ? text[i + 2] : 0;
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      while (i < end && ident_char(text[i])) i++;
      if ((i < end && text[i] == '$') || maybe_keyword(text + start, i - start)) return 0;
      kind = CXToken_Identifier;
    } else if (c >= '0' && c <= '9') {
      /* a preprocessing number: digits, letters, '_' and '.', and a sign after e, E, p, P */
      for (i++; i < end; i++) {
        char prev = text[i - 1];
        if (ident_char(text[i]) || text[i] == '.') continue;
        if ((text[i] == '+' || text[i] == '-') &&
            (prev == 'e' || prev == 'E' || prev == 'p' || prev == 'P'))
          continue;
        break;
      }
      if (i < end && (text[i] == '$' || text[i] == '\'')) return 0;
      kind = CXToken_Literal;
    } else if (c == '"') {
      /* a string without escapes or prefix ("VK_KHR_surface"), closed on the line */
      for (i++; i < end && text[i] != '"'; i++)
        if (text[i] == '\\' || text[i] < 0x20 || text[i] > 0x7e) return 0;
      if (i == end) return 0;
      i++;
      if (i < end && (ident_char(text[i]) || text[i] == '$')) return 0; /* a suffix */
      kind = CXToken_Literal;
    } else {
      switch (c) {
        case '(':
        case ')':
        case ',':
        case '~':
          i++;
          break;
        case '?':
          if (next == '?') return 0; /* a trigraph (under -std=c11) */
          i++;
          break;
        case ':':
          if (next == '>') return 0; /* a digraph */
          i++;
          break;
        case '<':
        case '>':
          if (c == '<' && (next == ':' || next == '%')) return 0; /* digraphs */
          i += next == c ? (third == '=' ? 3 : 2) : next == '=' ? 2 : 1;
          break;
        case '%':
          if (next == '>' || next == ':') return 0; /* digraphs */
          i += next == '=' ? 2 : 1;
          break;
        case '+':
        case '-':
        case '&':
        case '|':
          i += next == c || next == '=' || (c == '-' && next == '>') ? 2 : 1;
          break;
        case '*':
        case '!':
        case '^':
        case '=':
          i += next == '=' ? 2 : 1;
          break;
        default:
          return 0;
      }
    }
    starts[count] = start;
    lens[count] = i - start;
    kinds[count] = kind;
    count++;
  }
  bw_import_tok *toks = NULL;
  if (count) {
    toks = bw_arena_alloc(mem, count * sizeof *toks);
    if (!toks) return -1;
  }
  for (size_t k = 0; k < count; k++) {
    toks[k].text = bw_arena_strndup(mem, text + starts[k], lens[k]);
    toks[k].kind = kinds[k];
    if (!toks[k].text) return -1;
  }
  *body = toks;
  *body_count = count;
  return 1;
}

/* barewire schema module: the tokenizer of the schema language; see lexer.h.
 *
 * Every loop advances pos by at least one byte per iteration and compares offsets with len, so
 * lexing is linear in the input and never reads outside it. Identifiers longer than
 * BW_MAX_NAME_LENGTH and numbers larger than 2^64-1 are reported (as an ERROR token and an
 * overflow flag) without copying them anywhere. */
#include "lexer.h"

#include <stdio.h>

#include "barewire/limits.h"

void bw_lexer_init(bw_lexer *lx, const char *text, size_t len, uint32_t line, uint32_t column) {
  lx->text = text;
  lx->len = len;
  lx->pos = 0;
  lx->line_start = 0;
  lx->line = line ? line : 1;
  lx->column_base = column ? column - 1 : 0;
  lx->last_line = 0;
}

static int is_alpha(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

static uint32_t column_of(const bw_lexer *lx, size_t pos) {
  size_t col = pos - lx->line_start + 1 + lx->column_base;
  return col > UINT32_MAX ? UINT32_MAX : (uint32_t)col;
}

/* A comment from the '#' at start to the end of the line. A NUL inside makes the whole line
 * an ERROR token, so that the rest of it is not read as tokens. */
static void lex_comment(bw_lexer *lx, bw_token *tok, size_t start) {
  const unsigned char *s = (const unsigned char *)lx->text;
  size_t len = lx->len;
  size_t end = start + 1, nul = 0;
  while (end < len && s[end] != '\n') {
    if (s[end] == 0 && nul == 0) nul = end;
    end++;
  }
  if (nul != 0) {
    lx->pos = end;
    tok->kind = BW_TOK_ERROR;
    tok->text = lx->text + nul;
    tok->column = column_of(lx, nul);
    tok->len = 1;
    tok->message = "NUL byte in a comment";
    return;
  }
  lx->pos = end;
  tok->text = lx->text + start + 1;
  tok->len = end - start - 1;
  if (tok->len > 0 && tok->text[tok->len - 1] == '\r') tok->len--;
  tok->kind = BW_TOK_COMMENT;
}

void bw_lexer_next(bw_lexer *lx, bw_token *tok) {
  const unsigned char *s = (const unsigned char *)lx->text;
  size_t len = lx->len;
  while (lx->pos < len) {
    unsigned char c = s[lx->pos];
    if (c == '\n') {
      lx->pos++;
      lx->line_start = lx->pos;
      if (lx->line < UINT32_MAX) lx->line++;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      lx->pos++;
    } else {
      break;
    }
  }
  size_t start = lx->pos;
  tok->text = lx->text + start;
  tok->len = 0;
  tok->number = 0;
  tok->overflow = 0;
  tok->line = lx->line;
  tok->column = column_of(lx, start);
  tok->first_on_line = lx->last_line != lx->line;
  tok->message = NULL;
  tok->doc = NULL;
  tok->annotations = NULL;
  if (start >= len) {
    tok->kind = BW_TOK_EOF;
    tok->first_on_line = 1;
    return;
  }
  lx->last_line = lx->line;
  unsigned char c = s[start];
  if (is_alpha(c)) {
    size_t end = start + 1;
    while (end < len && (is_alpha(s[end]) || is_digit(s[end]))) end++;
    lx->pos = end;
    tok->len = end - start;
    if (tok->len > BW_MAX_NAME_LENGTH) {
      tok->kind = BW_TOK_ERROR;
      snprintf(lx->message, sizeof lx->message, "name is longer than the limit of %u bytes",
               (unsigned)BW_MAX_NAME_LENGTH);
      tok->message = lx->message;
      return;
    }
    tok->kind = BW_TOK_IDENT;
    return;
  }
  if (is_digit(c)) {
    size_t end = start;
    uint64_t v = 0;
    while (end < len && is_digit(s[end])) {
      unsigned d = (unsigned)(s[end] - '0');
      if (v > (UINT64_MAX - d) / 10) tok->overflow = 1;
      if (!tok->overflow) v = v * 10 + d;
      end++;
    }
    lx->pos = end;
    tok->len = end - start;
    tok->number = tok->overflow ? 0 : v;
    tok->kind = BW_TOK_NUMBER;
    return;
  }
  if (c == '#') {
    lex_comment(lx, tok, start);
    return;
  }
  lx->pos = start + 1;
  tok->len = 1;
  switch (c) {
    case '<':
    case '>':
    case '{':
    case '}':
    case '[':
    case ']':
    case '(':
    case ')':
    case '|':
    case '=':
    case ':':
      tok->kind = BW_TOK_PUNCT;
      return;
    default:
      break;
  }
  tok->kind = BW_TOK_ERROR;
  if (c == 0)
    tok->message = "NUL byte in schema text";
  else if (c >= 0x80)
    tok->message = "non-ASCII byte outside a comment";
  else if (c < 0x20 || c == 0x7f)
    tok->message = "control character in schema text";
  else
    tok->message = "unexpected character";
}

/* barewire schema module: the tokenizer of the schema language (internal; not installed).
 *
 * The lexer turns schema text into identifiers, decimal numbers, one-character punctuation and
 * comments, each with its 1-based line and byte column. It works on demand (no token array), so
 * its memory use does not depend on the input size. It never reads past len and treats NUL and
 * bytes outside ASCII as errors outside comments. Comments are returned as tokens (their text
 * without the '#') so that the parser can keep doc comments and read `#@` annotations. */
#ifndef BAREWIRE_SCHEMA_LEXER_H
#define BAREWIRE_SCHEMA_LEXER_H

#include <stddef.h>
#include <stdint.h>

typedef enum bw_token_kind {
  BW_TOK_EOF,
  BW_TOK_IDENT,   /* [A-Za-z_][A-Za-z0-9_]* (keywords are identifiers too) */
  BW_TOK_NUMBER,  /* [0-9]+; number holds the value unless overflow is set */
  BW_TOK_PUNCT,   /* one of < > { } [ ] ( ) | = : */
  BW_TOK_COMMENT, /* from '#' to the end of the line; text excludes '#' and a trailing '\r' */
  BW_TOK_ERROR    /* an unusable character or token; message says why */
} bw_token_kind;

struct bw_annotation; /* parse.c */

typedef struct bw_token {
  bw_token_kind kind;
  const char *text; /* points into the input */
  size_t len;
  uint64_t number;
  int overflow;        /* NUMBER: more than 2^64-1 */
  uint32_t line;       /* 1-based */
  uint32_t column;     /* 1-based, in bytes */
  int first_on_line;   /* nothing but blanks before it on its line */
  const char *message; /* ERROR: static text or the lexer's message buffer */
  /* Filled by the parser, not the lexer: the doc comment directly above the token and the
   * `#@` annotations seen since the previous token. */
  const char *doc;
  struct bw_annotation *annotations;
} bw_token;

typedef struct bw_lexer {
  const char *text;
  size_t len;
  size_t pos;
  size_t line_start; /* offset of the current line's first byte */
  uint32_t line;
  uint32_t column_base; /* added to columns (sub-lexers over annotation values) */
  uint32_t last_line;   /* line of the previous token, 0 before the first */
  char message[80];     /* text of the last ERROR token when it had to be formatted */
} bw_lexer;

/* Starts lexing text[0..len) at the given line and column (1, 1 for a whole file). */
void bw_lexer_init(bw_lexer *lx, const char *text, size_t len, uint32_t line, uint32_t column);

/* Reads the next token into tok (EOF forever at the end). Never fails; problems are ERROR
 * tokens, after which lexing continues with the next byte. */
void bw_lexer_next(bw_lexer *lx, bw_token *tok);

#endif

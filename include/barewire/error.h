/* barewire: error codes, the error struct every fallible call fills, diagnostic lists and
 * the library's documented limits.
 *
 * Every public function that can fail returns 0 on success or a negative BW_E* code, and fills
 * an optional bw_error (NULL means "I do not want details"). The first error sticks: a function
 * that fails does not overwrite the details with a later, less precise one. Functions that can
 * find several problems at once (schema validation) also fill a bw_diags list. */
#ifndef BAREWIRE_ERROR_H
#define BAREWIRE_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One X-macro keeps codes, names and default messages in step. */
#define BW_ERROR_LIST(X)                                                                           \
  X(OK, 0, "no error")                                                                             \
  X(EINVAL, -1, "invalid argument")                                                                \
  X(ENOMEM, -2, "out of memory")                                                                   \
  X(ESYNTAX, -3, "syntax error")                                                                   \
  X(ESCHEMA, -4, "invalid schema")                                                                 \
  X(ELIMIT, -5, "limit exceeded")                                                                  \
  X(ETRUNCATED, -6, "unexpected end of input")                                                     \
  X(ENONMINIMAL, -7, "varint is not minimal")                                                      \
  X(EOVERFLOW, -8, "value does not fit")                                                           \
  X(EBOOL, -9, "invalid bool or optional flag")                                                    \
  X(EUTF8, -10, "invalid UTF-8")                                                                   \
  X(EENUM, -11, "undefined enum value")                                                            \
  X(ETAG, -12, "undefined union tag")                                                              \
  X(EDUPKEY, -13, "repeated map key")                                                              \
  X(ETRAILING, -14, "trailing bytes after message")                                                \
  X(ENOSPACE, -15, "output buffer too small")                                                      \
  X(ETYPE, -16, "type mismatch")                                                                   \
  X(ENOTFOUND, -17, "not found")                                                                   \
  X(ERANGE, -18, "out of range")                                                                   \
  X(ENOLAYOUT, -19, "type has no native layout")                                                   \
  X(EREADONLY, -20, "region is read-only")                                                         \
  X(EIO, -21, "input/output error")                                                                \
  X(EJSON, -22, "invalid JSON")                                                                    \
  X(EFORMAT, -23, "file or segment header mismatch")                                               \
  X(EIMPORT, -24, "C import failed")

typedef enum bw_status {
#define BW_ERROR_ENUM_(name, value, text) BW_##name = value,
  BW_ERROR_LIST(BW_ERROR_ENUM_)
#undef BW_ERROR_ENUM_
} bw_status;

#define BW_ERROR_MESSAGE_MAX 256

/* Details of one failure. offset is a byte offset into binary input (messages, regions);
 * line and column (1-based, 0 when unknown) locate text input (schemas, JSON). */
typedef struct bw_error {
  int code;
  uint64_t offset;
  uint32_t line;
  uint32_t column;
  char message[BW_ERROR_MESSAGE_MAX];
} bw_error;

/* The constant name of a code ("BW_ESYNTAX") and its default message. Never NULL. */
const char *bw_status_name(int code);
const char *bw_status_message(int code);

/* Clears err (NULL is fine). */
void bw_error_clear(bw_error *err);

/* Fills err unless it is NULL or already holds an error (the first error sticks).
 * Returns code, so that `return bw_error_set(err, BW_EINVAL, 0, "...")` reads naturally. */
int bw_error_set(bw_error *err, int code, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Same for text input: position given as line and column. */
int bw_error_set_at(bw_error *err, int code, uint32_t line, uint32_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* One problem found in text input. message is owned by the list. */
typedef struct bw_diag {
  int code;
  uint32_t line;
  uint32_t column;
  char *message;
} bw_diag;

/* A growable list of diagnostics. Zero-initialise it ({0}) before first use; free it with
 * bw_diags_free. A list that could not grow (out of memory) sets `truncated` and keeps what
 * it has. */
typedef struct bw_diags {
  size_t count;
  size_t capacity;
  bw_diag *items;
  int truncated;
} bw_diags;

/* Appends a diagnostic. d may be NULL (then nothing is recorded). Returns code. */
int bw_diags_add(bw_diags *d, int code, uint32_t line, uint32_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Releases the messages and the array; the list is empty and reusable afterwards. NULL is
 * fine. */
void bw_diags_free(bw_diags *d);

#ifdef __cplusplus
}
#endif
#endif

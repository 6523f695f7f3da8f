/* barewire core: error codes, the sticky error struct and diagnostic lists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

const char *bw_status_name(int code) {
  switch (code) {
#define BW_ERROR_NAME_(name, value, text)                                                          \
  case value:                                                                                      \
    return "BW_" #name;
    BW_ERROR_LIST(BW_ERROR_NAME_)
#undef BW_ERROR_NAME_
  }
  return "BW_EUNKNOWN";
}

const char *bw_status_message(int code) {
  switch (code) {
#define BW_ERROR_TEXT_(name, value, text)                                                          \
  case value:                                                                                      \
    return text;
    BW_ERROR_LIST(BW_ERROR_TEXT_)
#undef BW_ERROR_TEXT_
  }
  return "unknown error";
}

void bw_error_clear(bw_error *err) {
  if (err) memset(err, 0, sizeof *err);
}

int bw_error_vset(bw_error *err, int code, uint64_t offset, uint32_t line, uint32_t column,
                  const char *fmt, va_list ap) {
  if (!err || err->code != 0) return code;
  err->code = code;
  err->offset = offset;
  err->line = line;
  err->column = column;
  if (fmt)
    vsnprintf(err->message, sizeof err->message, fmt, ap);
  else
    snprintf(err->message, sizeof err->message, "%s", bw_status_message(code));
  return code;
}

int bw_error_set(bw_error *err, int code, uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bw_error_vset(err, code, offset, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int bw_error_set_at(bw_error *err, int code, uint32_t line, uint32_t column, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bw_error_vset(err, code, 0, line, column, fmt, ap);
  va_end(ap);
  return code;
}

int bw_diags_add(bw_diags *d, int code, uint32_t line, uint32_t column, const char *fmt, ...) {
  if (!d || d->truncated) return code;
  if (d->count == d->capacity) {
    size_t cap = d->capacity ? d->capacity * 2 : 8;
    bw_diag *items = realloc(d->items, cap * sizeof *items);
    if (!items) {
      d->truncated = 1;
      return code;
    }
    d->items = items;
    d->capacity = cap;
  }
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  char *copy = malloc(strlen(message) + 1);
  if (!copy) {
    d->truncated = 1;
    return code;
  }
  strcpy(copy, message);
  d->items[d->count++] = (bw_diag){code, line, column, copy};
  return code;
}

void bw_diags_free(bw_diags *d) {
  if (!d) return;
  for (size_t i = 0; i < d->count; i++) free(d->items[i].message);
  free(d->items);
  memset(d, 0, sizeof *d);
}

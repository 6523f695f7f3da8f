/* barewire core: a growable byte buffer for printers and encoders. The first failed growth
 * is remembered so that callers append freely and check once at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int bw_buf_reserve(bw_buf *b, size_t extra) {
  if (b->oom) return BW_ENOMEM;
  if (extra <= b->cap - b->len) return 0;
  if (extra > SIZE_MAX / 2 - b->len) {
    b->oom = 1;
    return BW_ENOMEM;
  }
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < extra + 1) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) {
    b->oom = 1;
    return BW_ENOMEM;
  }
  b->data = p;
  b->cap = cap;
  return 0;
}

void bw_buf_append(bw_buf *b, const void *p, size_t n) {
  if (n == 0 || bw_buf_reserve(b, n + 1) != 0) return;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

void bw_buf_puts(bw_buf *b, const char *s) {
  bw_buf_append(b, s, strlen(s));
}

void bw_buf_putc(bw_buf *b, char c) {
  bw_buf_append(b, &c, 1);
}

void bw_buf_vprintf(bw_buf *b, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    bw_buf_append(b, small, (size_t)n);
    return;
  }
  if (bw_buf_reserve(b, (size_t)n + 1) != 0) return;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void bw_buf_printf(bw_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bw_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

int bw_buf_finish(bw_buf *b, char **out, size_t *len) {
  if (b->oom || bw_buf_reserve(b, 1) != 0) {
    bw_buf_free(b);
    return BW_ENOMEM;
  }
  b->data[b->len] = 0;
  *out = b->data;
  if (len) *len = b->len;
  memset(b, 0, sizeof *b);
  return 0;
}

void bw_buf_free(bw_buf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

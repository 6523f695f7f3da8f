/* barewire core: small shared pieces used by every module (internal; not installed).
 *
 * - bw_arena: a bump allocator whose blocks are freed together;
 * - bw_buf: a growable byte buffer that remembers running out of memory;
 * - UTF-8 validation, LEB128 varints, zig-zag, little/big-endian loads and stores through
 *   memcpy (safe for unaligned memory), and SHA-256. */
#ifndef BAREWIRE_CORE_H
#define BAREWIRE_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barewire/error.h"

/* ---- arena --------------------------------------------------------------------------- */

typedef struct bw_arena_block bw_arena_block;
typedef struct bw_arena {
  bw_arena_block *head;
  size_t used;  /* bytes used in head */
  size_t total; /* bytes handed out over the arena's life (for limits) */
} bw_arena;

/* Zeroed memory of size bytes aligned for any object, or NULL when out of memory or when size
 * is absurd. */
void *bw_arena_alloc(bw_arena *a, size_t size);
/* Resizes an allocation made from the arena by copying (old memory is not reused). */
void *bw_arena_grow(bw_arena *a, void *old, size_t old_size, size_t new_size);
char *bw_arena_strndup(bw_arena *a, const char *s, size_t len);
char *bw_arena_strdup(bw_arena *a, const char *s);
void bw_arena_free(bw_arena *a);

/* ---- growable buffer ----------------------------------------------------------------- */

typedef struct bw_buf {
  char *data;
  size_t len;
  size_t cap;
  int oom; /* set once an append failed; later appends do nothing */
} bw_buf;

int bw_buf_reserve(bw_buf *b, size_t extra);
void bw_buf_append(bw_buf *b, const void *p, size_t n);
void bw_buf_puts(bw_buf *b, const char *s);
void bw_buf_putc(bw_buf *b, char c);
void bw_buf_printf(bw_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void bw_buf_vprintf(bw_buf *b, const char *fmt, va_list ap);
/* Hands the NUL-terminated contents to the caller (*out, *len may be NULL for len) and resets
 * b. Returns BW_ENOMEM (and frees) when any append failed. */
int bw_buf_finish(bw_buf *b, char **out, size_t *len);
void bw_buf_free(bw_buf *b);

/* ---- UTF-8 ----------------------------------------------------------------------------- */

/* Returns len when s[0..len) is valid UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF), else the offset of the first bad byte. */
size_t bw_utf8_check(const uint8_t *s, size_t len);

/* ---- varints --------------------------------------------------------------------------- */

#define BW_VARINT_MAX 10

/* For small helpers on hot loops that compilers stop inlining once the caller is large (a
 * call per varint or per field costs as much as the work). */
#if defined(__GNUC__)
#define BW_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define BW_ALWAYS_INLINE inline
#endif

/* Writes v as unsigned LEB128 to out (at least BW_VARINT_MAX bytes); returns the byte count.
 * Always inlined: the encoders call it inside their field loops. */
static BW_ALWAYS_INLINE size_t bw_varint_put(uint8_t *out, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  out[n++] = (uint8_t)v;
  return n;
}

static inline size_t bw_varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

/* A hash of a C string for in-memory tables (nothing stored or printed depends on its value):
 * eight bytes at a time, as many names are long (VK_STRUCTURE_TYPE_..., 40-80 characters). */
static inline uint64_t bw_hash_cstr(const char *s) {
  size_t n = strlen(s);
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  for (; n >= 8; s += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint64_t)(uint8_t)s[i] << (8 * i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 29);
}

/* Strict read of a minimal unsigned LEB128 from p[0..len). Returns the number of bytes read
 * (1..10), or a negative code: BW_ETRUNCATED when the input ends inside the varint,
 * BW_ENONMINIMAL for a trailing zero group, BW_EOVERFLOW for more than 64 bits. */
static inline int bw_varint_get(const uint8_t *p, size_t len, uint64_t *out) {
  uint64_t v = 0;
  for (size_t i = 0; i < BW_VARINT_MAX; i++) {
    if (i >= len) return BW_ETRUNCATED;
    uint8_t b = p[i];
    if (i == 9 && b > 1) return BW_EOVERFLOW;
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      if (b == 0 && i > 0) return BW_ENONMINIMAL;
      *out = v;
      return (int)(i + 1);
    }
  }
  return BW_EOVERFLOW;
}

static inline uint64_t bw_zigzag_encode(int64_t v) {
  return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t bw_zigzag_decode(uint64_t v) {
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* ---- loads and stores ------------------------------------------------------------------ */

static inline uint64_t bw_load_le(const void *p, unsigned width) {
  uint8_t b[8];
  uint64_t v = 0;
  memcpy(b, p, width);
  for (unsigned i = width; i-- > 0;) v = (v << 8) | b[i];
  return v;
}
static inline uint64_t bw_load_be(const void *p, unsigned width) {
  uint8_t b[8];
  uint64_t v = 0;
  memcpy(b, p, width);
  for (unsigned i = 0; i < width; i++) v = (v << 8) | b[i];
  return v;
}
static inline void bw_store_le(void *p, uint64_t v, unsigned width) {
  uint8_t b[8];
  for (unsigned i = 0; i < width; i++) b[i] = (uint8_t)(v >> (8 * i));
  memcpy(p, b, width);
}
static inline void bw_store_be(void *p, uint64_t v, unsigned width) {
  uint8_t b[8];
  for (unsigned i = 0; i < width; i++) b[width - 1 - i] = (uint8_t)(v >> (8 * i));
  memcpy(p, b, width);
}

/* 1 when the host is big-endian. */
static inline int bw_host_big_endian(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 0;
}

/* ---- SHA-256 --------------------------------------------------------------------------- */

void bw_sha256(const void *data, size_t len, uint8_t out[32]);

/* ---- formatting helpers for error messages --------------------------------------------- */

/* vsnprintf into err->message after the sticky check; used by the error.c setters. */
int bw_error_vset(bw_error *err, int code, uint64_t offset, uint32_t line, uint32_t column,
                  const char *fmt, va_list ap);

#endif

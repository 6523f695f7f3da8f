/* barewire core: a bump allocator. A schema and all its nodes live in one arena and are freed
 * in one call; nothing inside is freed on its own. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define BW_ARENA_BLOCK 16384u
#define BW_ARENA_ALIGN (alignof(max_align_t))

struct bw_arena_block {
  bw_arena_block *next;
  size_t size;
  alignas(max_align_t) unsigned char data[];
};

/* size bytes (a multiple of BW_ARENA_ALIGN, not 0), not zeroed; NULL when out of memory. */
static void *alloc_raw(bw_arena *a, size_t size) {
  if (a->head && a->head->size - a->used >= size) {
    void *p = a->head->data + a->used;
    a->used += size;
    a->total += size;
    return p;
  }
  size_t block = size > BW_ARENA_BLOCK / 4 ? size : BW_ARENA_BLOCK;
  bw_arena_block *b = malloc(sizeof *b + block);
  if (!b) return NULL;
  b->size = block;
  a->total += size;
  if (a->head && size > BW_ARENA_BLOCK / 4) {
    /* A large allocation gets a block of its own behind the current one, so the space left
     * in the current block is not wasted. */
    b->next = a->head->next;
    a->head->next = b;
    return b->data;
  }
  b->next = a->head;
  a->head = b;
  a->used = size;
  return b->data;
}

static size_t rounded(size_t size) {
  size = (size + BW_ARENA_ALIGN - 1) & ~(size_t)(BW_ARENA_ALIGN - 1);
  return size ? size : BW_ARENA_ALIGN;
}

void *bw_arena_alloc(bw_arena *a, size_t size) {
  if (size > SIZE_MAX / 2) return NULL;
  size = rounded(size);
  void *p = alloc_raw(a, size);
  if (p) memset(p, 0, size);
  return p;
}

void *bw_arena_grow(bw_arena *a, void *old, size_t old_size, size_t new_size) {
  if (new_size > SIZE_MAX / 2) return NULL;
  size_t size = rounded(new_size), keep = old ? (old_size < new_size ? old_size : new_size) : 0;
  unsigned char *p = alloc_raw(a, size);
  if (!p) return NULL;
  /* What is copied is not zeroed first (arrays of fields and enumerators grow by doubling). */
  if (keep) memcpy(p, old, keep);
  memset(p + keep, 0, size - keep);
  return p;
}

/* A copy of the len bytes at s and a NUL. Not zeroed first: every byte up to the NUL is written
 * here (strings are a good part of what an importer's schema allocates). Static, so that both
 * callers inline it: the library is built as position-independent code, where a call from one
 * exported function to another is not inlined. */
static char *copy_string(bw_arena *a, const char *s, size_t len) {
  if (len >= SIZE_MAX / 2) return NULL;
  char *p = alloc_raw(a, rounded(len + 1));
  if (!p) return NULL;
  memcpy(p, s, len);
  p[len] = 0;
  return p;
}

char *bw_arena_strndup(bw_arena *a, const char *s, size_t len) {
  return s ? copy_string(a, s, len) : NULL;
}

char *bw_arena_strdup(bw_arena *a, const char *s) {
  return s ? copy_string(a, s, strlen(s)) : NULL;
}

void bw_arena_free(bw_arena *a) {
  bw_arena_block *b = a->head;
  while (b) {
    bw_arena_block *next = b->next;
    free(b);
    b = next;
  }
  memset(a, 0, sizeof *a);
}

/* libFuzzer target: C-syntax field paths (user input in `bw view --field`) resolved against a
 * record with nested structs, arrays of arrays, a char array, a C union with an anonymous
 * struct member, a bitfield and a flexible array, over a region cut short by the input.
 *
 * Input: byte 0 sets how many bytes of the record's memory the region holds (so flexible-array
 * indexes and short regions are exercised); the rest is the path. Invariants (abort on
 * violation): a path either resolves to a view lying inside the region or fails with an error
 * whose code is set and whose column points into the path; an accessor compiled from the same
 * path reads the same value as the view; nothing outside the region is touched (ASan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/memory.h"
#include "barewire/schema.h"

static bw_field *field(bw_draft *d, bw_type *st, const char *name, bw_type *t, uint64_t off) {
  bw_field *f = bw_draft_add_field(d, st, name, t);
  f->offset = off;
  f->c_name = name;
  return f;
}

static bw_type *record(bw_draft *d, const char *name, uint64_t size, uint64_t align) {
  bw_type *t = bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, t);
  n->size = size;
  n->align = align;
  bw_draft_add_type(d, name, t);
  return t;
}

/* struct pt { int32_t x, y; };
 * union u { uint32_t w; struct { uint16_t lo, hi; }; };
 * struct rec {
 *   struct pt p;           // 0
 *   struct pt grid[2][3];  // 8
 *   char name[8];          // 56
 *   union u u;             // 64
 *   unsigned bits : 5;     // bit 544 (byte 68)
 *   uint16_t items[];      // 72
 * }; */
static bw_schema *make_schema(void) {
  bw_draft *d = bw_draft_new();
  if (!d) return NULL;
  bw_type *pt = record(d, "Pt", 8, 4);
  field(d, pt, "x", bw_draft_type(d, BW_KIND_I32), 0);
  field(d, pt, "y", bw_draft_type(d, BW_KIND_I32), 4);
  bw_type *half = record(d, "Half", 4, 2);
  field(d, half, "lo", bw_draft_type(d, BW_KIND_U16), 0);
  field(d, half, "hi", bw_draft_type(d, BW_KIND_U16), 2);
  bw_type *u = bw_draft_data_fixed(d, 4);
  bw_native *un = bw_draft_native(d, u);
  un->size = 4;
  un->align = 4;
  un->flags = BW_NATIVE_C_UNION;
  bw_draft_add_native_member(d, un, "w", bw_draft_type(d, BW_KIND_U32))->c_name = "w";
  bw_draft_add_native_member(d, un, "anon0", bw_draft_ref(d, "Half"))->flags = BW_FIELD_ANONYMOUS;
  bw_draft_add_type(d, "U", u);
  bw_type *rec = record(d, "Rec", 72, 4);
  field(d, rec, "p", bw_draft_ref(d, "Pt"), 0);
  field(d, rec, "grid", bw_draft_list_fixed(d, bw_draft_list_fixed(d, bw_draft_ref(d, "Pt"), 3), 2),
        8);
  field(d, rec, "name", bw_draft_data_fixed(d, 8), 56)->c_type = "char[8]";
  field(d, rec, "u", bw_draft_ref(d, "U"), 64);
  bw_field *b = bw_draft_add_field(d, rec, "bits", bw_draft_type(d, BW_KIND_U8));
  b->flags = BW_FIELD_BITFIELD;
  b->bit_offset = 544;
  b->bit_width = 5;
  b->offset = 68;
  b->c_name = "bits";
  field(d, rec, "items", bw_draft_list(d, bw_draft_type(d, BW_KIND_U16)), 72)->flags =
      BW_FIELD_FLEXIBLE;
  bw_schema *s = NULL;
  if (bw_draft_validate(d, NULL, &s, NULL) != 0) return NULL;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bw_schema *s;
  if (!s && !(s = make_schema())) abort();
  if (size < 1 || size > 4096) return 0;
  size_t len = 72 + data[0]; /* the record and up to 255 bytes after it */
  uint8_t *mem = malloc(len);
  char *path = malloc(size);
  if (!mem || !path) abort();
  for (size_t i = 0; i < len; i++) mem[i] = (uint8_t)(i * 37);
  memcpy(path, data + 1, size - 1);
  path[size - 1] = '\0';
  size_t path_len = strlen(path);
  bw_region r;
  bw_view v, out;
  if (bw_region_init_readonly(&r, mem, len, NULL) || bw_view_init(&v, s, "Rec", &r, 0, NULL))
    abort();
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_view_at(&v, path, &out, &err);
  if (rc != 0) {
    if (err.code != rc || err.column < 1 || err.column > path_len + 1) abort();
  } else {
    if (out.offset > len || out.size > len - out.offset) abort();
    uint64_t a = 0, b = 0;
    int got = bw_view_get_uint64(&out, &a, NULL);
    bw_accessor acc;
    if (!strstr(path, "->")) { /* accessors do not follow pointers */
      if (bw_accessor_compile(&acc, s, "Rec", path, NULL) != 0) abort();
      int got2 = bw_accessor_get_uint64(&acc, &v, &b, NULL);
      if (got != got2 || (got == 0 && a != b)) abort();
    }
    const uint8_t *bytes;
    size_t n;
    if (bw_view_get_bytes(&out, &bytes, &n, NULL) == 0 &&
        (bytes < mem || n > len || (size_t)(bytes - mem) > len - n))
      abort();
  }
  free(mem);
  free(path);
  return 0;
}

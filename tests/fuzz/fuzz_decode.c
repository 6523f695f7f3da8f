/* libFuzzer target for the decoder. The first input byte picks one of several built-in schema
 * types that together cover every kind; the rest is the message. Invariants checked (abort on
 * violation):
 *   - bw_decode, bw_message_check and bw_reader_skip agree on acceptance, error code and byte
 *     offset (the reader does not see repeated map keys, so it may accept more, never less);
 *   - an accepted message re-encodes to exactly the same bytes (one value, one encoding), also
 *     into a caller buffer of its size, where nothing past the buffer is written, and into one
 *     a byte short: BW_ENOSPACE, the size needed, and the message's bytes that fit;
 *   - its JSON reads back to a value whose JSON is the same text;
 *   - the decoder's arena stays within a small multiple of the message size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"
#include "fuzz_support.h"

static const char *schema_text =
    "type Color enum { RED GREEN = 5 BLUE }\n"
    "type Point struct { x: i32  y: f64  z: f32 }\n"
    "type Nums struct { a: u8  b: u16  c: u32  d: u64  e: i8  f: i16  g: i32  h: i64 }\n"
    "type Vars struct { u: uint  i: int  b: bool  c: Color }\n"
    "type Blob struct { s: str  d: data  f: data[3] }\n"
    "type Opt optional<list<Point>>\n"
    "type Lists struct { l: list<uint>  f: list<str>[2]  n: list<list<u8>> }\n"
    "type Maps struct { s: map<str><int>  u: map<u32><bool>  e: map<Color><data>  d: "
    "map<data[2]><str> }\n"
    "type Nothing void\n"
    "type Shape union { Point | Nums | Nothing = 4 | str | Color = 9 }\n"
    "type Tree struct { name: str  kids: list<Shape>  meta: optional<Maps>  all: Lists }\n"
    "type Deep list<optional<list<optional<list<map<str><list<u8>>>>>>>\n"
    "type NumLists struct { b: list<bool>  s: list<i16>[4]  f: list<f32>  w: list<u64>  bits: "
    "list<bool>[3]  c: list<Color> }\n"
    "type Flags struct { a: bool  b: u64  c: i8  d: u64  e: bool }\n"
    "type Run struct { a: uint  b: int  c: uint  d: int  e: uint  f: int  g: int  h: uint  i: uint"
    "  j: bool  k: list<i16>[2]  col: Color }\n";

static const char *const type_names[] = {"Point", "Nums",     "Vars",  "Blob", "Opt",
                                         "Lists", "Maps",     "Shape", "Tree", "Deep",
                                         "Color", "NumLists", "Flags", "Run"};
#define TYPE_COUNT (sizeof type_names / sizeof type_names[0])

static bw_schema *schema;
static const bw_type *types[TYPE_COUNT];

static void init(void) {
  fuzz_load_types(schema_text, type_names, TYPE_COUNT, &schema, types);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init();
  if (size < 1) return 0;
  const bw_type *t = types[data[0] % TYPE_COUNT];
  const uint8_t *msg = data + 1;
  size_t len = size - 1;
  bw_value_arena *arena = bw_value_arena_new();
  bw_value *v = NULL;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_decode(t, msg, len, NULL, arena, &v, NULL, &err);
  bw_error check_err, skip_err;
  bw_error_clear(&check_err);
  bw_error_clear(&skip_err);
  CHECK(bw_message_check(t, msg, len, NULL, &check_err) == rc);
  CHECK(rc == 0 || check_err.offset == err.offset);
  CHECK(bw_value_arena_used(arena) <= 64 * len + 64 * 64 * sizeof(bw_value) + 4096);
  bw_reader r;
  bw_reader_init(&r, msg, len, NULL, &skip_err);
  int skip = bw_reader_skip(&r, t);
  if (rc == 0) {
    CHECK(skip == 0 && bw_reader_remaining(&r) == 0);
    uint8_t *out;
    size_t n;
    CHECK(bw_encode_alloc(t, v, &out, &n, NULL) == 0);
    CHECK(n == len && memcmp(out, msg, n) == 0);
    free(out);
    /* into caller buffers: the exact size, with 16 guard bytes after it that stay untouched;
     * and one byte less: BW_ENOSPACE, the size needed, the message's first len - 1 bytes */
    uint8_t *buf = malloc(len + 16);
    CHECK(buf != NULL);
    for (size_t cap = len ? len - 1 : 0; cap <= len; cap++) {
      memset(buf, 0xa5, len + 16);
      size_t written = 0;
      CHECK(bw_encode(t, v, buf, cap, &written, NULL) == (cap == len ? 0 : BW_ENOSPACE));
      CHECK(written == len && memcmp(buf, msg, cap) == 0);
      for (size_t k = cap; k < len + 16; k++) CHECK(buf[k] == 0xa5);
    }
    free(buf);
    char *j1, *j2;
    CHECK(bw_value_to_json(v, 0, &j1, NULL, NULL) == 0);
    bw_value *w;
    CHECK(bw_value_from_json(t, j1, strlen(j1), NULL, arena, &w, NULL, NULL) == 0);
    CHECK(bw_value_to_json(w, 0, &j2, NULL, NULL) == 0);
    CHECK(strcmp(j1, j2) == 0);
    free(j1);
    free(j2);
  } else {
    CHECK(v == NULL && err.code == rc && err.offset <= len);
    if (rc != BW_EDUPKEY && rc != BW_ETRAILING) CHECK(skip == rc && skip_err.offset == err.offset);
  }
  bw_value_arena_free(arena);
  return 0;
}

/* libFuzzer target for the JSON reader. The first input byte picks a schema type; the rest is
 * JSON text. Invariants (abort on violation): a rejected text has an error with a line and a
 * column inside the text; an accepted one gives a value that encodes to BARE, decodes back to
 * an equal value, and whose JSON (written twice: from the value and from the decoded copy)
 * reads back to the same JSON text. */
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
    "type Maps struct { s: map<str><int>  u: map<u32><bool>  e: map<Color><data> }\n"
    "type Nothing void\n"
    "type Shape union { Point | Nums | Nothing = 4 | str | Color = 9 }\n"
    "type Tree struct { name: str  kids: list<Shape>  meta: optional<Maps>  pts: "
    "list<Point>[2] }\n"
    "type Deep list<optional<list<optional<list<map<str><list<u8>>>>>>>\n";

static const char *const type_names[] = {"Point", "Nums", "Vars", "Blob", "Maps",
                                         "Shape", "Tree", "Deep", "Color"};
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
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  bw_value_arena *arena = bw_value_arena_new();
  bw_value *v = NULL;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_value_from_json(t, text, len, NULL, arena, &v, NULL, &err);
  if (rc) {
    CHECK(v == NULL && err.code == rc && err.line >= 1 && err.column >= 1 && err.offset <= len);
  } else {
    uint8_t *msg;
    size_t n;
    CHECK(bw_encode_alloc(t, v, &msg, &n, NULL) == 0);
    bw_value *w;
    CHECK(bw_decode(t, msg, n, NULL, arena, &w, NULL, NULL) == 0);
    CHECK(bw_value_equal(v, w));
    char *j1, *j2, *j3;
    CHECK(bw_value_to_json(v, 0, &j1, NULL, NULL) == 0);
    CHECK(bw_value_to_json(w, 0, &j2, NULL, NULL) == 0);
    CHECK(strcmp(j1, j2) == 0);
    bw_value *x;
    CHECK(bw_value_from_json(t, j1, strlen(j1), NULL, arena, &x, NULL, NULL) == 0);
    CHECK(bw_value_to_json(x, BW_JSON_PRETTY, &j3, NULL, NULL) == 0);
    bw_value *y;
    CHECK(bw_value_from_json(t, j3, strlen(j3), NULL, arena, &y, NULL, NULL) == 0);
    CHECK(bw_value_equal(x, y));
    free(msg);
    free(j1);
    free(j2);
    free(j3);
  }
  bw_value_arena_free(arena);
  return 0;
}

/* libFuzzer target for the layout documents: parses arbitrary bytes as schema text (natural
 * or `#@`-annotated layouts) and, when the text is a valid schema, builds the JSON layout
 * document and the pahole-style table of every type, and asks every user type for its native
 * layout. Nothing may crash, leak or read out of bounds; the JSON must be well-formed at the
 * level of balanced brackets and quotes (checked here), and a type either has a layout or an
 * error that explains why. Seeds: the parser's corpus (tests/fuzz/corpus/fuzz_schema_parse). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz_schema_layout: %s\n", what);
    abort();
  }
}

/* Brackets balance outside strings, and strings close: enough to catch a truncated or
 * mis-escaped document without a JSON parser here. */
static void check_json_shape(const char *json, size_t len) {
  int depth = 0, in_string = 0;
  for (size_t i = 0; i < len; i++) {
    char c = json[i];
    if (in_string) {
      check((unsigned char)c >= 0x20, "raw control character inside a JSON string");
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = 0;
      continue;
    }
    if (c == '"')
      in_string = 1;
    else if (c == '{' || c == '[')
      depth++;
    else if (c == '}' || c == ']')
      check(--depth >= 0, "unbalanced JSON brackets");
  }
  check(depth == 0 && !in_string, "JSON document not closed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bw_parse_options opts = {0};
  opts.max_size = 1 << 16;
  bw_schema *s = NULL;
  if (bw_schema_parse((const char *)data, size, &opts, &s, NULL) != 0) return 0;

  char *out = NULL;
  size_t len = 0;
  bw_error err;
  bw_error_clear(&err);
  if (bw_schema_layout_json(s, &out, &len, &err) == 0) {
    check(out != NULL && strlen(out) == len, "JSON length disagrees with its text");
    check_json_shape(out, len);
    free(out);
  } else {
    check(err.code != 0 && err.message[0] != 0, "JSON failed without an error message");
  }

  out = NULL;
  bw_error_clear(&err);
  if (bw_schema_layout_table(s, NULL, 0, &out, &len, &err) == 0) {
    check(out != NULL && strlen(out) == len, "table length disagrees with its text");
    free(out);
  } else {
    check(err.code != 0 && err.message[0] != 0, "table failed without an error message");
  }

  for (size_t i = 0; i < bw_schema_type_count(s); i++) {
    const bw_user_type *u = bw_schema_type_at(s, i);
    bw_error_clear(&err);
    const bw_native *n = bw_type_native(s, u->type, &err);
    if (n) {
      check(n->align != 0 && (n->align & (n->align - 1)) == 0, "alignment not a power of two");
    } else {
      check(err.code == BW_ENOLAYOUT && err.message[0] != 0, "no layout and no reason");
    }
  }
  bw_schema_free(s);
  return 0;
}

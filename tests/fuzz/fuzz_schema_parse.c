/* libFuzzer target for the schema language: parses arbitrary bytes as schema text (the first
 * byte picks the options: old syntax, small depth/type/size limits). Whatever the input, the
 * parser must return without crashing, leaking or hanging. When it accepts the input, the
 * printed canonical form (docs and `#@` annotations included) must parse again with the same
 * options and print to the same bytes, with the same fingerprint; any difference aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz_schema_parse: %s\n", what);
    abort();
  }
}

static char *print_or_die(const bw_schema *s, size_t *len) {
  char *out = NULL;
  check(bw_schema_print(s, BW_PRINT_DOCS | BW_PRINT_LAYOUT, &out, len, NULL) == 0,
        "printing a validated schema failed");
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  bw_parse_options opts = {0};
  opts.old_syntax = mode & 1;
  if (mode & 2) {
    opts.max_depth = 2 + ((mode >> 2) & 7);
    opts.max_types = 1 + ((mode >> 5) & 7);
    opts.max_size = 4096;
  }
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_schema_parse(text, len, &opts, &s, &diags);
  check(rc == 0 ? s != NULL && diags.count == 0 : s == NULL && diags.count > 0,
        "result and diagnostics disagree");
  for (size_t i = 0; i < diags.count; i++)
    check(diags.items[i].line >= 1 && diags.items[i].column >= 1 && diags.items[i].message,
          "diagnostic without a position");
  bw_diags_free(&diags);
  if (rc != 0) return 0;

  size_t len1 = 0, len2 = 0;
  char *p1 = print_or_die(s, &len1);
  /* The canonical text may be longer than the input: only the size limit is relaxed. */
  opts.max_size = 0;
  bw_schema *s2 = NULL;
  rc = bw_schema_parse(p1, len1, &opts, &s2, &diags);
  if (rc != 0) {
    fprintf(stderr, "printed text:\n%s\n", p1);
    for (size_t i = 0; i < diags.count; i++)
      fprintf(stderr, "%u:%u: %s\n", diags.items[i].line, diags.items[i].column,
              diags.items[i].message);
  }
  check(rc == 0, "the printed schema does not parse");
  bw_diags_free(&diags);
  char *p2 = print_or_die(s2, &len2);
  if (len1 != len2 || memcmp(p1, p2, len1) != 0)
    fprintf(stderr, "first:\n%s\nsecond:\n%s\n", p1, p2);
  check(len1 == len2 && memcmp(p1, p2, len1) == 0, "printing is not stable");
  uint8_t f1[BW_FINGERPRINT_SIZE], f2[BW_FINGERPRINT_SIZE];
  check(bw_schema_fingerprint(s, f1) == 0 && bw_schema_fingerprint(s2, f2) == 0,
        "fingerprint failed");
  check(memcmp(f1, f2, sizeof f1) == 0, "fingerprints differ");
  for (size_t i = 0; i < bw_schema_type_count(s); i++) {
    char *t = NULL;
    check(bw_type_print(bw_schema_type_at(s, i)->type, &t, NULL, NULL) == 0,
          "bw_type_print failed");
    free(t);
  }
  free(p1);
  free(p2);
  bw_schema_free(s);
  bw_schema_free(s2);
  return 0;
}

/* barewire schema module: the schema fingerprint, a SHA-256 of the canonical text printed
 * without doc comments and without `#@` annotations. Spacing, comments and the order of
 * nothing but whitespace cannot change it; any change to a type, name, value or tag does.
 * Mapped files and shared-memory segments store it so that a reader with another schema is
 * refused. */
#include <stdlib.h>

#include "schema_internal.h"

int bw_schema_fingerprint(const bw_schema *s, uint8_t out[BW_FINGERPRINT_SIZE]) {
  if (!s || !out) return BW_EINVAL;
  char *text = NULL;
  size_t len = 0;
  int rc = bw_schema_print(s, 0, &text, &len, NULL);
  if (rc != 0) return rc;
  bw_sha256(text, len, out);
  free(text);
  return 0;
}

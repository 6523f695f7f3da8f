/* Shared by the codec fuzz targets: a CHECK that aborts with the failing condition, and the
 * loading of a built-in schema whose types the first input byte picks from. Header-only,
 * because each target is built from one source file. */
#ifndef BW_FUZZ_SUPPORT_H
#define BW_FUZZ_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s: %s failed at line %d\n", __FILE__, #cond, __LINE__);                    \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

/* Parses text once (aborting if it is not a valid schema, which would be a bug of the target)
 * and fills types[i] with the type named names[i]. Later calls do nothing. */
static inline void fuzz_load_types(const char *text, const char *const *names, size_t count,
                                   bw_schema **schema, const bw_type **types) {
  if (*schema) return;
  if (bw_schema_parse(text, strlen(text), NULL, schema, NULL) != 0) abort();
  for (size_t i = 0; i < count; i++) {
    const bw_user_type *u = bw_schema_find(*schema, names[i]);
    if (!u) abort();
    types[i] = u->type;
  }
}

#endif

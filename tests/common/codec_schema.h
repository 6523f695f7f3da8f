/* Shared by the codec suites: the suite's schema, parsed from its schema_text (a
 * `static const char *schema_text` defined before this header is included) for each test by
 * the Check fixture setup/teardown; its types by name with references resolved; and a LEB128
 * writer of the tests' own (not the library's), for expected bytes; and the suite runner. */
#ifndef BAREWIRE_TESTS_CODEC_SCHEMA_H
#define BAREWIRE_TESTS_CODEC_SCHEMA_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"

static bw_schema *schema;

static void setup(void) {
  bw_diags d = {0};
  int rc = bw_schema_parse(schema_text, strlen(schema_text), NULL, &schema, &d);
  ck_assert_msg(rc == 0, "schema:%u:%u: %s", d.count ? d.items[0].line : 0,
                d.count ? d.items[0].column : 0, d.count ? d.items[0].message : "?");
  bw_diags_free(&d);
}

static void teardown(void) {
  bw_schema_free(schema);
  schema = NULL;
}

static inline const bw_type *type(const char *name) {
  const bw_user_type *u = bw_schema_find(schema, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return bw_type_resolve(u->type);
}

/* LEB128 of v into out; returns its size. */
static inline size_t leb(uint64_t v, uint8_t *out) {
  size_t n = 0;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
  } while (v);
  return n;
}

/* Runs the suite: the process exit status (EXIT_FAILURE when a test failed). */
static inline int run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif

/* libFuzzer target: the header of mapped files and shared-memory segments (untrusted bytes: any
 * file handed to bw_mapped_open), checked by bw_mapped_header_check_
 * (src/memory/mapped_internal.h), the function bw_mapped_open and bw_shm_open run on the whole
 * mapping.
 *
 * Input: the whole file (header and records), copied into a heap block of exactly its size so
 * that ASan sees any read past the end. The expected schema is a fixed struct type; seeds in
 * tests/fuzz/corpus/fuzz_mapped_header/ carry its fingerprint. Invariants (abort on violation):
 *   - failure is BW_EFORMAT with the error code set and err.offset inside the header (or the
 *     input's length for an input shorter than the header);
 *   - success implies that the header's count records lie inside the input
 *     (count <= (len - header) / record size), and a view of the last record reads its fields
 *     inside the input (ASan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/memory.h"
#include "barewire/schema.h"
#include "memory/mapped_internal.h"

static const char schema_text[] = "type Reading struct {\n"
                                  "  id: u32\n"
                                  "  value: f64\n"
                                  "  flags: u16\n"
                                  "  tag: data[6]\n"
                                  "}\n";

static bw_schema *schema;
static bw_mapped_expect_ expect;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!schema) {
    if (bw_schema_parse(schema_text, sizeof schema_text - 1, NULL, &schema, NULL) != 0) abort();
    if (bw_mapped_expect_init_(schema, "Reading", &expect, NULL) != 0) abort();
  }
  uint8_t *bytes = malloc(size ? size : 1);
  if (!bytes) return 0;
  if (size) memcpy(bytes, data, size);
  bw_error err;
  bw_error_clear(&err);
  uint64_t count = 0;
  int rc = bw_mapped_header_check_(size ? bytes : NULL, size, &expect, &count, &err);
  if (rc != 0) {
    if (rc != BW_EFORMAT || err.code != rc) abort();
    if (size < BW_MAPPED_HEADER_SIZE ? err.offset != size : err.offset >= BW_MAPPED_HEADER_SIZE)
      abort();
  } else {
    if (size < BW_MAPPED_HEADER_SIZE) abort();
    if (count > (size - BW_MAPPED_HEADER_SIZE) / expect.record_size) abort();
    if (count > 0) {
      bw_region r;
      bw_view v, f;
      uint32_t id;
      if (bw_region_init_readonly(&r, bytes + BW_MAPPED_HEADER_SIZE,
                                  (size_t)(count * expect.record_size), NULL) != 0)
        abort();
      if (bw_view_init(&v, schema, "Reading", &r, (count - 1) * expect.record_size, NULL) != 0)
        abort();
      if (bw_view_at(&v, "id", &f, NULL) != 0 || bw_view_get_u32(&f, &id, NULL) != 0) abort();
    }
  }
  /* The schema-free reader: an accepted header is one the check also accepts, up to the
   * fields the expectation compares; its name is NUL-terminated and its count fits. */
  bw_mapped_info info;
  bw_error_clear(&err);
  int rrc = bw_mapped_header_read(size ? bytes : NULL, size, &info, &err);
  if (rrc != 0) {
    if (rrc != BW_EFORMAT || err.code != rrc || rc == 0) abort();
  } else {
    if (memchr(info.type_name, 0, sizeof info.type_name) == NULL || info.record_size == 0 ||
        info.count > (size - BW_MAPPED_HEADER_SIZE) / info.record_size || info.big_endian > 1)
      abort();
    if (rc == 0 && (info.count != count || info.record_size != expect.record_size)) abort();
  }
  free(bytes);
  return 0;
}

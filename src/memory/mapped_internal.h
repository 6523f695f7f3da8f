/* barewire mapped files: the header check shared by files, shared memory and the fuzzer
 * (internal; not installed). It works on bytes in memory, so it can be tested on any input. */
#ifndef BAREWIRE_MAPPED_INTERNAL_H
#define BAREWIRE_MAPPED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "barewire/mapped.h"

/* What an opener expects to find in a header: computed once from the schema and type. */
typedef struct bw_mapped_expect_ {
  uint8_t fingerprint[BW_FINGERPRINT_SIZE];
  const char *type_name; /* the schema's copy; at most 63 bytes */
  uint64_t record_size;  /* > 0 */
  int big_endian;
  const bw_schema *schema;
} bw_mapped_expect_;

/* Fills *exp for the user type type_name of s: BW_ENOTFOUND, BW_ENOLAYOUT, BW_ELIMIT (name too
 * long for the header, or a record size of 0). */
int bw_mapped_expect_init_(const bw_schema *s, const char *type_name, bw_mapped_expect_ *exp,
                           bw_error *err);

/* Checks the header at the start of bytes[0..len) (the whole file or segment) against exp.
 * On success returns 0 and *count (the header's record count, with
 * BW_MAPPED_HEADER_SIZE + *count * exp->record_size <= len); otherwise BW_EFORMAT naming the
 * field, with err->offset the field's offset. bytes may be NULL only when len is 0. */
int bw_mapped_header_check_(const uint8_t *bytes, size_t len, const bw_mapped_expect_ *exp,
                            uint64_t *count, bw_error *err);

/* Writes a header for count records of exp into out[0..BW_MAPPED_HEADER_SIZE). */
void bw_mapped_header_write_(uint8_t *out, const bw_mapped_expect_ *exp, uint64_t count);

#endif

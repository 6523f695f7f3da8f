/* barewire memory: regions, the (base, length, writable) triples every view is bound to.
 *
 * A region never owns or copies its memory. Every check compares sizes as integers
 * (`len <= r->len - off`) so that no out-of-range pointer is ever formed. */
#include <stdint.h>

#include "memory_internal.h"

static int region_init(bw_region *r, void *base, size_t len, int writable, bw_error *err) {
  if (!r) return bw_error_set(err, BW_EINVAL, 0, "region: NULL region");
  if (!base && len > 0)
    return bw_error_set(err, BW_EINVAL, 0, "region: NULL base with length %zu", len);
  r->base = base;
  r->len = base ? len : 0;
  r->writable = writable;
  r->base_address = (uint64_t)(uintptr_t)base;
  return 0;
}

int bw_region_init_readonly(bw_region *r, const void *base, size_t len, bw_error *err) {
  /* The pointer loses its const here only to share the struct with writable regions; every
   * write path checks `writable` first. */
  return region_init(r, (void *)(uintptr_t)base, len, 0, err);
}

int bw_region_init_writable(bw_region *r, void *base, size_t len, bw_error *err) {
  return region_init(r, base, len, 1, err);
}

static int check_range(const bw_region *r, uint64_t off, uint64_t len, bw_error *err) {
  if (!r) return bw_error_set(err, BW_EINVAL, 0, "region: NULL region");
  if (off > r->len || len > r->len - off)
    return bw_error_set(err, BW_ERANGE, off,
                        "region: %llu bytes at offset %llu do not fit in a region of %zu bytes",
                        (unsigned long long)len, (unsigned long long)off, r->len);
  return 0;
}

int bw_region_slice(const bw_region *r, uint64_t off, uint64_t len, bw_region *out, bw_error *err) {
  int rc = check_range(r, off, len, err);
  if (rc) return rc;
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "region: NULL output");
  bw_region s = *r;
  s.base = r->base ? r->base + off : NULL;
  s.len = (size_t)len;
  s.base_address = r->base_address + off;
  *out = s;
  return 0;
}

int bw_region_address(const bw_region *r, uint64_t off, uint64_t len, const void **out,
                      bw_error *err) {
  int rc = check_range(r, off, len, err);
  if (rc) return rc;
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "region: NULL output");
  *out = r->base ? r->base + off : NULL;
  return 0;
}

int bw_region_address_writable(const bw_region *r, uint64_t off, uint64_t len, void **out,
                               bw_error *err) {
  int rc = check_range(r, off, len, err);
  if (rc) return rc;
  if (!r->writable) return bw_error_set(err, BW_EREADONLY, off, "region: read-only");
  if (!out) return bw_error_set(err, BW_EINVAL, 0, "region: NULL output");
  *out = r->base ? r->base + off : NULL;
  return 0;
}

void bw_region_set_base_address(bw_region *r, uint64_t address) {
  if (r) r->base_address = address;
}

/* barewire core: strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. ASCII runs are skipped eight bytes at a time. */
#include "core.h"

size_t bw_utf8_check(const uint8_t *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (len - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!(w & 0x8080808080808080ull)) {
        i += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0; /* overlong */
      if (c == 0xed) hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90; /* overlong */
      if (c == 0xf4) hi = 0x8f; /* above U+10FFFF */
    } else {
      return i;
    }
    if (n > len - i - 1) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k <= n; k++)
      if ((s[i + k] & 0xc0) != 0x80) return i;
    i += n + 1;
  }
  return len;
}

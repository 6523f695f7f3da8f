/* barewire core: varints as whole 8-byte words (internal; not installed). The byte loops of
 * core.h branch once per byte, and in messages whose varints have mixed sizes the branch that
 * ends the loop is mispredicted about once per varint. Here a varint of up to 8 bytes is
 * written as one word: its size from the count of leading zero bits, its 7-bit groups spread
 * to the bytes with three mask-and-shift steps, the continuation bits or'ed in from a
 * constant shifted by the size. Little-endian hosts only (BW_VARINT_WORD is defined there);
 * elsewhere the encoders keep core's byte loop. Used by the codec's encoder and by the memory
 * module's compiled plans (which also use the tables with pdep on CPUs that have it). */
#ifndef BAREWIRE_CORE_VARINT_WORD_H
#define BAREWIRE_CORE_VARINT_WORD_H

#include <stdint.h>
#include <string.h>

#include "core.h"

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BW_VARINT_WORD 1

/* The bytes of the varint of v < 2^56 (without continuation bits) in a word, group i in byte
 * i: 28-bit halves apart by 4 bits, then 14-bit quarters by 2, then 7-bit groups by 1. Each
 * step moves the upper part of every piece up by k bits as x + (x & upper) * (2^k - 1) (the
 * lower part stays where it is): a mask, a multiply (or lea) and an add. */
static BW_ALWAYS_INLINE uint64_t bw_varint_spread(uint64_t v) {
  uint64_t x = v + (v & 0x00fffffff0000000ull) * 15u;
  x += (x & 0x0fffc0000fffc000ull) * 3u;
  return x + (x & 0x3f803f803f803f80ull);
}

/* By the leading zero bits of v | 1, for v < 2^56 (8..63; the table starts at 0): the size of
 * v's varint, and its continuation bits (0x80 in bytes 0..size-2). */
#define BW_VARINT_MORE_(n) (0x0080808080808080ull >> (8u * (8u - (n))))
#define BW_VARINT_ROW7_(n)                                                                         \
  BW_VARINT_MORE_(n), BW_VARINT_MORE_(n), BW_VARINT_MORE_(n), BW_VARINT_MORE_(n),                  \
      BW_VARINT_MORE_(n), BW_VARINT_MORE_(n), BW_VARINT_MORE_(n)
static const uint8_t bw_varint_size_by_clz[64] = {10, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 7,
                                                  7,  7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5,
                                                  5,  5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3,
                                                  3,  3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1};
static const uint64_t bw_varint_more_by_clz[64] = {0,
                                                   0,
                                                   0,
                                                   0,
                                                   0,
                                                   0,
                                                   0,
                                                   0, /* (v >= 2^56: not used) */
                                                   BW_VARINT_ROW7_(8),
                                                   BW_VARINT_ROW7_(7),
                                                   BW_VARINT_ROW7_(6),
                                                   BW_VARINT_ROW7_(5),
                                                   BW_VARINT_ROW7_(4),
                                                   BW_VARINT_ROW7_(3),
                                                   BW_VARINT_ROW7_(2),
                                                   BW_VARINT_ROW7_(1)};
#undef BW_VARINT_ROW7_
#undef BW_VARINT_MORE_

/* Writes v as a varint to out, which has room for BW_VARINT_MAX bytes (bytes after the varint
 * may be overwritten with zeros); returns its size. No branch on the size below 2^56. */
static BW_ALWAYS_INLINE size_t bw_varint_put_word(uint8_t *out, uint64_t v) {
  if (v < (uint64_t)1 << 56) {
    unsigned z = (unsigned)__builtin_clzll(v | 1);
    uint64_t x = bw_varint_spread(v) | bw_varint_more_by_clz[z];
    memcpy(out, &x, 8);
    return bw_varint_size_by_clz[z];
  }
  return bw_varint_put(out, v);
}

#endif

#endif

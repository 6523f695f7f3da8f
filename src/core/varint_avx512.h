/* barewire core: runs of up to 8 varints by AVX-512, for the codec (values in a tree) and the
 * memory module (fields of a C struct). x86-64 with GCC or Clang only (BW_VARINT_AVX512 is
 * defined there); each caller checks that the CPU has BW_VARINT_AVX512_CPU before a call.
 * Both kernels take what they can and refuse the rest to the caller's scalar loop, which then
 * finds the error, if any, and its offset. */
#ifndef BAREWIRE_VARINT_AVX512_H
#define BAREWIRE_VARINT_AVX512_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BW_VARINT_AVX512 1
#include <immintrin.h>

/* The features the kernels use, as __builtin_cpu_supports names them (bw_varint_avx512_cpu). */
#define BW_VARINT_AVX512_TARGET                                                                    \
  "avx512f,avx512bw,avx512vl,avx512cd,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt,lzcnt"

/* Whether this CPU has every feature of BW_VARINT_AVX512_TARGET (LZCNT goes untested: Clang 14
 * has no name for it, and every CPU with AVX-512 has it). */
static inline int bw_varint_avx512_cpu(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
}

/* n (1..8) varints from d[0..avail) into the 64-bit lanes of *out (lanes past n are 0), 8 at
 * once: up to 64 bytes loaded under a mask (nothing past avail is read), the varints' ends
 * from the bytes without a continuation bit, their sizes from the ends' positions (the first
 * n used; the run's length by one pdep, off the vector chain), each varint's bytes moved to a
 * value of its own by one byte permute, the continuation bits dropped and the 7-bit groups joined
 * by two multiply-adds and a select. Returns the bytes read, or SIZE_MAX (*out unset) for anything
 * the scalar loop must look at: a varint of more than 8 bytes, a zero last group, fewer than n
 * varints in the bytes there. (The checks of sizes and last groups done in scalar registers on the
 * masks instead measured 5% slower.) */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static inline size_t
bw_varint8_get_avx512(const uint8_t *d, size_t avail, unsigned n, __m512i *out) {
  __mmask64 valid = avail >= 64 ? ~0ull : _bzhi_u64(~0ull, (unsigned)avail);
  __m512i bytes = _mm512_maskz_loadu_epi8(valid, d);
  __mmask64 ends = _kandn_mask64(_mm512_movepi8_mask(bytes), valid);
  /* (the count and the size of the run off the vector chain: the positions below come from
   * all the ends, in mask registers, and only the first n are used) */
  if ((unsigned)__builtin_popcountll((uint64_t)ends) < n) return SIZE_MAX;
  unsigned total = 64 - (unsigned)_lzcnt_u64(_pdep_u64(_bzhi_u64(~0ull, n), (uint64_t)ends));
  /* the ends' positions (bytes 0..n-1), the one before each (-1 for the first): the sizes */
  __m128i at = _mm512_castsi512_si128(_mm512_maskz_compress_epi8(
      ends, _mm512_set_epi64(0x3f3e3d3c3b3a3938ll, 0x3736353433323130ll, 0x2f2e2d2c2b2a2928ll,
                             0x2726252423222120ll, 0x1f1e1d1c1b1a1918ll, 0x1716151413121110ll,
                             0x0f0e0d0c0b0a0908ll, 0x0706050403020100ll)));
  __m128i before = _mm_or_si128(_mm_slli_si128(at, 1), _mm_cvtsi32_si128(0xff));
  __m128i size = _mm_sub_epi8(at, before);
  __mmask16 lanes16 = (__mmask16)((1u << n) - 1);
  if (_mm_mask_cmpgt_epu8_mask(lanes16, size, _mm_set1_epi8(8))) return SIZE_MAX;
  /* each size in the 8 bytes of its value, against the byte's index in the value */
  const __m512i lane =
      _mm512_set_epi64(0x0707070707070707ll, 0x0606060606060606ll, 0x0505050505050505ll,
                       0x0404040404040404ll, 0x0303030303030303ll, 0x0202020202020202ll,
                       0x0101010101010101ll, 0); /* byte k of each value */
  __m512i sizes = _mm512_permutexvar_epi8(lane, _mm512_castsi128_si512(size));
  const __m512i index = _mm512_set1_epi64(0x0706050403020100ll);
  __mmask64 spread = _mm512_cmplt_epu8_mask(index, sizes) & _bzhi_u64(~0ull, 8 * n);
  /* each varint's bytes to its value by a byte permute (its start broadcast to the value's
   * bytes, plus their index), not an expand: 2-5% faster on Zen 4 */
  __m512i starts = _mm512_permutexvar_epi8(lane, _mm512_castsi128_si512(before));
  __m512i x = _mm512_maskz_permutexvar_epi8(
      spread, _mm512_add_epi8(starts, _mm512_set1_epi64(0x0807060504030201ll)), bytes);
  /* a zero last group (a size above 1): the byte at size - 1 is 0x00 */
  __mmask64 last = _mm512_cmpeq_epi8_mask(_mm512_add_epi8(index, _mm512_set1_epi8(1)), sizes) &
                   _mm512_cmpgt_epu8_mask(sizes, _mm512_set1_epi8(1)) & spread;
  if (_mm512_mask_cmpeq_epi8_mask(last, x, _mm512_setzero_si512())) return SIZE_MAX;
  /* the 7-bit groups joined: pairs into 14 bits (multiply-add of bytes by 1 and 128), those
   * into 28 bits (of words by 1 and 2^14), the two halves into 56 (the high one 4 bits down) */
  x = _mm512_maddubs_epi16(_mm512_set1_epi16((short)0x8001),
                           _mm512_and_si512(x, _mm512_set1_epi8(0x7f)));
  x = _mm512_madd_epi16(x, _mm512_set1_epi32(0x40000001));
  *out = _mm512_ternarylogic_epi64(_mm512_set1_epi64(0x0fffffff), x, _mm512_srli_epi64(x, 4), 0xca);
  return total;
}

/* The lanes of x set in ints zig-zag decoded (int fields), the others as they are. */
__attribute__((target("avx512f"))) static inline __m512i bw_zigzag_decode_avx512(__m512i x,
                                                                                 unsigned ints) {
  __m512i zz = _mm512_xor_si512(
      _mm512_srli_epi64(x, 1),
      _mm512_sub_epi64(_mm512_setzero_si512(), _mm512_and_si512(x, _mm512_set1_epi64(1))));
  return _mm512_mask_mov_epi64(x, (__mmask8)ints, zz);
}

/* The lanes of v set in ints zig-zag encoded (int fields), the others as they are. */
__attribute__((target("avx512f"))) static inline __m512i bw_zigzag_encode_avx512(__m512i v,
                                                                                 unsigned ints) {
  __m512i zz = _mm512_xor_si512(_mm512_slli_epi64(v, 1), _mm512_srai_epi64(v, 63));
  return _mm512_mask_mov_epi64(v, (__mmask8)ints, zz);
}

/* The varints of the first n (1..8) lanes of v (zig-zag encoded already) to out, 8 at once:
 * the bytes each needs from its leading zeros (one byte compare for all), the 7-bit groups
 * spread to bytes by one multishift, the continuation bits or'ed in, and the bytes of all the
 * varints packed together by one compress and stored under a mask (out has room for the
 * bytes written; nothing past them is written). Returns the bytes written, or SIZE_MAX
 * (nothing written) when a value is 2^56 or more. */
__attribute__((target(BW_VARINT_AVX512_TARGET))) static inline size_t
bw_varint8_put_avx512(uint8_t *out, __m512i v, unsigned n) {
  __mmask8 lanes = (__mmask8)((1u << n) - 1);
  if (_mm512_mask_test_epi64_mask(lanes, v, _mm512_set1_epi64((long long)0xff00000000000000ull)))
    return SIZE_MAX;
  /* byte j of a value is kept when 7j is below its bit length: 7j + the leading zeros of
   * v | 1 (8..63, each value's in all its bytes) below 64; it has the continuation bit when
   * byte j + 1 is kept */
  __m512i lz = _mm512_lzcnt_epi64(_mm512_or_si512(v, _mm512_set1_epi64(1)));
  __m512i lzs = _mm512_permutexvar_epi8(
      _mm512_set_epi64(0x3838383838383838ll, 0x3030303030303030ll, 0x2828282828282828ll,
                       0x2020202020202020ll, 0x1818181818181818ll, 0x1010101010101010ll,
                       0x0808080808080808ll, 0), /* byte 0 of each value */
      lz);
  __mmask64 keep = _mm512_cmplt_epu8_mask(
      _mm512_add_epi8(lzs, _mm512_set1_epi64(0x312a231c150e0700ll)), _mm512_set1_epi8(64));
  __mmask64 more = (keep >> 1) & 0x7f7f7f7f7f7f7f7full;
  /* byte j of each value: its bits 7j..7j+7; the low 7 kept */
  __m512i groups = _mm512_multishift_epi64_epi8(_mm512_set1_epi64((long long)0x312a231c150e0700ull),
                                                v); /* 0 7 14 21 28 35 42 49 */
  groups = _mm512_and_si512(groups, _mm512_set1_epi8(0x7f));
  groups = _mm512_mask_mov_epi8(groups, more, _mm512_or_si512(groups, _mm512_set1_epi8(-128)));
  keep &= _bzhi_u64(~0ull, 8 * n);
  __m512i packed = _mm512_maskz_compress_epi8(keep, groups);
  unsigned total = (unsigned)__builtin_popcountll(keep);
  _mm512_mask_storeu_epi8(out, _bzhi_u64(~0ull, total), packed);
  return total;
}
#endif

#endif

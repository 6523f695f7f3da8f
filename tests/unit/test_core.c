/* Check suite for src/core: errors, arena, buffer, UTF-8, varints, endian helpers, SHA-256. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

START_TEST(error_first_sticks) {
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_error_set(&err, BW_ETRUNCATED, 7, "first %d", 1), BW_ETRUNCATED);
  bw_error_set(&err, BW_EUTF8, 9, "second");
  ck_assert_int_eq(err.code, BW_ETRUNCATED);
  ck_assert_uint_eq(err.offset, 7);
  ck_assert_str_eq(err.message, "first 1");
  ck_assert_str_eq(bw_status_name(BW_EUTF8), "BW_EUTF8");
  ck_assert_int_eq(bw_error_set(NULL, BW_EINVAL, 0, "x"), BW_EINVAL);
}
END_TEST

START_TEST(diags_collect) {
  bw_diags d = {0};
  for (int i = 0; i < 20; i++) bw_diags_add(&d, BW_ESCHEMA, (uint32_t)i + 1, 2, "problem %d", i);
  ck_assert_uint_eq(d.count, 20);
  ck_assert_uint_eq(d.items[19].line, 20);
  ck_assert_str_eq(d.items[3].message, "problem 3");
  bw_diags_free(&d);
  ck_assert_uint_eq(d.count, 0);
}
END_TEST

START_TEST(arena_alloc_zeroed_and_large) {
  bw_arena a = {0};
  for (int i = 0; i < 1000; i++) {
    unsigned char *p = bw_arena_alloc(&a, (size_t)i + 1);
    ck_assert_ptr_nonnull(p);
    for (int k = 0; k <= i; k++) ck_assert_uint_eq(p[k], 0);
    memset(p, 0xab, (size_t)i + 1);
  }
  ck_assert_ptr_nonnull(bw_arena_alloc(&a, 1u << 20));
  ck_assert_ptr_null(bw_arena_alloc(&a, SIZE_MAX - 3));
  ck_assert_str_eq(bw_arena_strndup(&a, "hello world", 5), "hello");
  bw_arena_free(&a);
}
END_TEST

START_TEST(buf_printf_and_finish) {
  bw_buf b = {0};
  for (int i = 0; i < 1000; i++) bw_buf_printf(&b, "%d,", i);
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  bw_buf_printf(&b, "%s", big);
  char *out;
  size_t len;
  ck_assert_int_eq(bw_buf_finish(&b, &out, &len), 0);
  ck_assert_uint_eq(len, strlen(out));
  ck_assert(strncmp(out, "0,1,2,", 6) == 0);
  ck_assert_uint_eq(out[len - 1], 'x');
  free(out);
}
END_TEST

static size_t utf8(const char *s) {
  return bw_utf8_check((const uint8_t *)s, strlen(s));
}

START_TEST(utf8_strict) {
  ck_assert_uint_eq(utf8("plain ascii text, long enough"), 29);
  ck_assert_uint_eq(utf8("caf\xc3\xa9"), 5);                       /* U+00E9 */
  ck_assert_uint_eq(utf8("\xf4\x8f\xbf\xbf"), 4);                  /* U+10FFFF */
  ck_assert_uint_eq(utf8("ab\xc0\xaf"), 2);                        /* overlong '/' */
  ck_assert_uint_eq(utf8("\xe0\x80\xaf"), 0);                      /* overlong, 3 bytes */
  ck_assert_uint_eq(utf8("x\xed\xa0\x80"), 1);                     /* surrogate U+D800 */
  ck_assert_uint_eq(utf8("\xf4\x90\x80\x80"), 0);                  /* above U+10FFFF */
  ck_assert_uint_eq(utf8("abc\xe2\x82"), 3);                       /* truncated */
  ck_assert_uint_eq(utf8("\x80"), 0);                              /* lone continuation */
  ck_assert_uint_eq(bw_utf8_check((const uint8_t *)"a\0b", 3), 3); /* U+0000 is legal */
}
END_TEST

START_TEST(varint_vectors) {
  static const struct {
    uint64_t v;
    const char *hex;
  } vec[] = {{0, "00"},     {1, "01"},     {126, "7e"},
             {127, "7f"},   {128, "8001"}, {129, "8101"},
             {255, "ff01"}, {275, "9302"}, {UINT64_MAX, "ffffffffffffffffff01"}};
  for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
    uint8_t out[10], expect[10];
    size_t n = strlen(vec[i].hex) / 2;
    for (size_t k = 0; k < n; k++) {
      unsigned x;
      sscanf(vec[i].hex + 2 * k, "%2x", &x);
      expect[k] = (uint8_t)x;
    }
    ck_assert_uint_eq(bw_varint_put(out, vec[i].v), n);
    ck_assert_uint_eq(bw_varint_size(vec[i].v), n);
    ck_assert_mem_eq(out, expect, n);
    uint64_t back = 0;
    ck_assert_int_eq(bw_varint_get(expect, n, &back), (int)n);
    ck_assert_uint_eq(back, vec[i].v);
  }
}
END_TEST

START_TEST(varint_rejects) {
  uint64_t v;
  const uint8_t nonminimal[] = {0x80, 0x00};
  ck_assert_int_eq(bw_varint_get(nonminimal, 2, &v), BW_ENONMINIMAL);
  const uint8_t tenth[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02};
  ck_assert_int_eq(bw_varint_get(tenth, 10, &v), BW_EOVERFLOW);
  const uint8_t eleven[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x01};
  ck_assert_int_eq(bw_varint_get(eleven, 11, &v), BW_EOVERFLOW);
  const uint8_t cut[] = {0x80, 0x80};
  ck_assert_int_eq(bw_varint_get(cut, 2, &v), BW_ETRUNCATED);
  ck_assert_int_eq(bw_varint_get(cut, 0, &v), BW_ETRUNCATED);
}
END_TEST

START_TEST(zigzag_vectors) {
  ck_assert_uint_eq(bw_zigzag_encode(0), 0);
  ck_assert_uint_eq(bw_zigzag_encode(-1), 1);
  ck_assert_uint_eq(bw_zigzag_encode(1), 2);
  ck_assert_uint_eq(bw_zigzag_encode(-64), 127);
  ck_assert_uint_eq(bw_zigzag_encode(INT64_MIN), UINT64_MAX);
  ck_assert_uint_eq(bw_zigzag_encode(INT64_MAX), UINT64_MAX - 1);
  for (int64_t x = -1000; x <= 1000; x++)
    ck_assert_int_eq(bw_zigzag_decode(bw_zigzag_encode(x)), x);
  ck_assert_int_eq(bw_zigzag_decode(UINT64_MAX), INT64_MIN);
}
END_TEST

START_TEST(endian_helpers) {
  uint8_t b[9] = {0};
  bw_store_le(b + 1, 0x0102030405060708ull, 8); /* unaligned on purpose */
  ck_assert_uint_eq(b[1], 0x08);
  ck_assert_uint_eq(bw_load_le(b + 1, 8), 0x0102030405060708ull);
  ck_assert_uint_eq(bw_load_be(b + 1, 2), 0x0807);
  bw_store_be(b, 0xa1b2, 2);
  ck_assert_uint_eq(b[0], 0xa1);
  ck_assert_uint_eq(bw_load_be(b, 2), 0xa1b2);
}
END_TEST

static void sha_hex(const char *msg, size_t len, char out[65]) {
  uint8_t d[32];
  bw_sha256(msg, len, d);
  for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(sha256_vectors) {
  char hex[65];
  sha_hex("", 0, hex);
  ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha_hex("abc", 3, hex);
  ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
  sha_hex(two, strlen(two), hex);
  ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

static Suite *core_suite(void) {
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, error_first_sticks);
  tcase_add_test(tc, diags_collect);
  tcase_add_test(tc, arena_alloc_zeroed_and_large);
  tcase_add_test(tc, buf_printf_and_finish);
  tcase_add_test(tc, utf8_strict);
  tcase_add_test(tc, varint_vectors);
  tcase_add_test(tc, varint_rejects);
  tcase_add_test(tc, zigzag_vectors);
  tcase_add_test(tc, endian_helpers);
  tcase_add_test(tc, sha256_vectors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(core_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

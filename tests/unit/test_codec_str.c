/* Check suite for the decoder's str copy (src/codec/decode.c, dec_bytes): strings under 256
 * bytes are copied into the arena in 16- or 8-byte moves whose high bits are the ASCII check,
 * and only a string with a high bit set gets the full UTF-8 check. Every length from 0 to 300
 * (each size class of the copy, both sides of 256), after a struct field so that the string
 * does not start at offset 0: the value's bytes and the NUL after them, the same with borrowed
 * strings; a bad byte at every position of strings of many lengths: BW_EUTF8 at that byte's
 * offset, the same as the reader (bw_message_check) reports; valid multi-byte text passes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static const char *schema_text = "type S struct { n: u16  s: str }\n";

#include "../common/codec_schema.h"

/* S { n: 0x0201, s: text[0..len) } as bytes: u16 LE, the LEB128 length, the text. Returns the
 * size; *text_at is the offset of the text. */
static size_t s_message(uint8_t *m, const uint8_t *text, size_t len, size_t *text_at) {
  size_t k = 0;
  m[k++] = 0x01;
  m[k++] = 0x02;
  size_t v = len;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    m[k++] = (uint8_t)(b | (v ? 0x80 : 0));
  } while (v);
  *text_at = k;
  memcpy(m + k, text, len);
  return k + len;
}

/* A heap copy of m[0..n) of exactly n bytes (ASan then sees any read past the message). */
static uint8_t *exact(const uint8_t *m, size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  memcpy(p, m, n);
  return p;
}

START_TEST(str_every_length) {
  const bw_type *t = type("S");
  uint8_t text[304], m[320]; /* (the text starts at 0, 1 or 2: three alignments) */
  for (size_t i = 0; i < sizeof text; i++) text[i] = (uint8_t)('a' + (i * 11) % 26);
  bw_value_arena *a = bw_value_arena_new();
  for (size_t len = 0; len <= 300; len++) {
    size_t at;
    size_t n = s_message(m, text + len % 3, len, &at);
    uint8_t *msg = exact(m, n);
    for (int borrow = 0; borrow < 2; borrow++) {
      bw_decode_options o = {0};
      o.borrow = borrow;
      bw_value *v;
      bw_error err;
      bw_error_clear(&err);
      ck_assert_msg(bw_decode(t, msg, n, &o, a, &v, NULL, &err) == 0, "len %zu: %s", len,
                    err.message);
      const bw_value *s = &v->as.list.items[1];
      ck_assert_uint_eq(v->as.list.items[0].as.u, 0x0201);
      ck_assert_uint_eq(s->as.bytes.len, len);
      ck_assert_mem_eq(s->as.bytes.ptr, text + len % 3, len);
      if (!borrow) {
        ck_assert_uint_eq(s->as.bytes.ptr[len], 0); /* a copied str is also a C string */
        ck_assert(s->as.bytes.ptr < msg || s->as.bytes.ptr >= msg + n);
      } else {
        ck_assert_ptr_eq(s->as.bytes.ptr, msg + at);
      }
      bw_value_arena_reset(a);
    }
    free(msg);
  }
  bw_value_arena_free(a);
}
END_TEST

/* A byte that cannot be in UTF-8 (0xff), a lead byte without its continuation (0xc3 last), a
 * stray continuation byte (0x80): at every position of strings of lengths 1..40, 120..136 and
 * 250..260; the error is at that byte in the message, as the reader says. */
START_TEST(str_bad_byte_everywhere) {
  const bw_type *t = type("S");
  uint8_t text[300], m[320];
  bw_value_arena *a = bw_value_arena_new();
  static const uint8_t bad[3] = {0xff, 0xc3, 0x80};
  size_t lens[64], nl = 0;
  for (size_t l = 1; l <= 40; l++) lens[nl++] = l;
  for (size_t l = 120; l <= 136; l += 4) lens[nl++] = l;
  for (size_t l = 250; l <= 260; l += 2) lens[nl++] = l;
  for (size_t li = 0; li < nl; li++) {
    size_t len = lens[li];
    for (size_t pos = 0; pos < len; pos++) {
      for (int b = 0; b < 3; b++) {
        if (b == 1 && pos != len - 1) continue; /* (a lead byte: at the end only) */
        memset(text, 'x', len);
        text[pos] = bad[b];
        size_t at;
        size_t n = s_message(m, text, len, &at);
        uint8_t *msg = exact(m, n);
        bw_value *v;
        bw_error err, rerr;
        bw_error_clear(&err);
        bw_error_clear(&rerr);
        ck_assert_int_eq(bw_decode(t, msg, n, NULL, a, &v, NULL, &err), BW_EUTF8);
        ck_assert_msg(err.offset == at + pos, "len %zu pos %zu: offset %llu", len, pos,
                      (unsigned long long)err.offset);
        ck_assert_int_eq(bw_message_check(t, msg, n, NULL, &rerr), BW_EUTF8);
        ck_assert_uint_eq(rerr.offset, err.offset);
        ck_assert_ptr_null(v);
        bw_value_arena_reset(a);
        free(msg);
      }
    }
  }
  bw_value_arena_free(a);
}
END_TEST

/* Two-, three- and four-byte sequences at every position of short strings pass and come back
 * unchanged (a high bit set: the full check, which accepts them). */
START_TEST(str_multibyte_passes) {
  const bw_type *t = type("S");
  static const uint8_t seqs[3][4] = {{0xc3, 0xa9}, {0xe2, 0x82, 0xac}, {0xf0, 0x9f, 0x98, 0x80}};
  static const size_t seq_len[3] = {2, 3, 4};
  uint8_t text[64], m[80];
  bw_value_arena *a = bw_value_arena_new();
  for (int q = 0; q < 3; q++)
    for (size_t len = seq_len[q]; len <= 40; len++)
      for (size_t pos = 0; pos + seq_len[q] <= len; pos++) {
        memset(text, 'y', len);
        memcpy(text + pos, seqs[q], seq_len[q]);
        size_t at;
        size_t n = s_message(m, text, len, &at);
        uint8_t *msg = exact(m, n);
        bw_value *v;
        ck_assert_int_eq(bw_decode(t, msg, n, NULL, a, &v, NULL, NULL), 0);
        ck_assert_mem_eq(v->as.list.items[1].as.bytes.ptr, text, len);
        bw_value_arena_reset(a);
        free(msg);
      }
  bw_value_arena_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("codec_str");
  TCase *tc = tcase_create("str");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, str_every_length);
  tcase_add_test(tc, str_bad_byte_everywhere);
  tcase_add_test(tc, str_multibyte_passes);
  suite_add_tcase(s, tc);
  return run_suite(s);
}

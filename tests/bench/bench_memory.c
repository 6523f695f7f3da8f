/* Benchmark of the memory module, each figure beside its baseline measured in the same run:
 *
 *   1. summing two fields over an array of millions of structs through compiled accessors
 *      (bw_view_seek + bw_accessor_get_*) versus direct C field access: the ratio (target 1.3x);
 *   2. path compilations (bw_accessor_compile) per second;
 *   3. native -> BARE encoding throughput (bw_view_encode_to per record) and BARE -> native
 *      decoding throughput (bw_view_decode of those messages into a second array, which must
 *      then equal the first byte for byte, padding included) versus memcpy of the same bytes;
 *      and the same through one bw_view_encode_array / bw_view_decode_array call for all the
 *      records (same bytes, same records).
 *
 * Usage: bench_memory [RECORDS] (default 4000000). Build with -DCMAKE_BUILD_TYPE=Release; the
 * numbers of a sanitizer build mean nothing. Times are the thread's CPU time, so that other
 * processes on a shared machine disturb the figures less (they still share caches and memory).
 * Every loop's result is checked against the direct C result, so a broken accessor cannot look
 * fast. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "barewire/memory.h"
#include "barewire/schema.h"

struct item {
  uint8_t x;
  uint16_t y;
};

struct rec {
  uint32_t id;
  int32_t delta;
  double value;
  struct item items[4];
  int64_t stamp;
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#if defined(__GNUC__)
__attribute__((noreturn, cold))
#endif
static void
die(const char *what, const bw_error *err);
static void die(const char *what, const bw_error *err) {
  fprintf(stderr, "bench_memory: %s: %s\n", what, err ? err->message : "failed");
  exit(1);
}

/* The hand-written schema; validation gives it the host's natural layout, which must be the
 * compiler's (checked below against offsetof). */
static bw_schema *make_schema(void) {
  bw_draft *d = bw_draft_new();
  bw_type *item = bw_draft_type(d, BW_KIND_STRUCT);
  bw_draft_add_field(d, item, "x", bw_draft_type(d, BW_KIND_U8));
  bw_draft_add_field(d, item, "y", bw_draft_type(d, BW_KIND_U16));
  bw_draft_add_type(d, "Item", item);
  bw_type *rec = bw_draft_type(d, BW_KIND_STRUCT);
  bw_draft_add_field(d, rec, "id", bw_draft_type(d, BW_KIND_U32));
  bw_draft_add_field(d, rec, "delta", bw_draft_type(d, BW_KIND_I32));
  bw_draft_add_field(d, rec, "value", bw_draft_type(d, BW_KIND_F64));
  bw_draft_add_field(d, rec, "items", bw_draft_list_fixed(d, bw_draft_ref(d, "Item"), 4));
  bw_draft_add_field(d, rec, "stamp", bw_draft_type(d, BW_KIND_I64));
  bw_draft_add_type(d, "Rec", rec);
  bw_schema *s = NULL;
  if (bw_draft_validate(d, NULL, &s, NULL) != 0) die("schema", NULL);
  return s;
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 4000000;
  if (n == 0) n = 1;
  bw_schema *s = make_schema();
  bw_error err;
  bw_error_clear(&err);
  bw_accessor a_delta, a_y, a_stamp;
  if (bw_accessor_compile(&a_delta, s, "Rec", "delta", &err) ||
      bw_accessor_compile(&a_y, s, "Rec", "items[3].y", &err) ||
      bw_accessor_compile(&a_stamp, s, "Rec", "stamp", &err))
    die("compile", &err);
  if (a_delta.offset != offsetof(struct rec, delta) ||
      a_y.offset != offsetof(struct rec, items[3].y) ||
      a_stamp.offset != offsetof(struct rec, stamp))
    die("natural layout differs from the compiler's", NULL);

  struct rec *arr = malloc(n * sizeof *arr);
  if (!arr) die("out of memory", NULL);
  memset(arr, 0, n * sizeof *arr);
  for (size_t i = 0; i < n; i++) {
    arr[i].id = (uint32_t)i;
    arr[i].delta = (int32_t)(i * 2654435761u) >> 3;
    arr[i].value = (double)i * 0.5;
    for (int k = 0; k < 4; k++)
      arr[i].items[k] = (struct item){(uint8_t)(i + k), (uint16_t)(i * k)};
    arr[i].stamp = (int64_t)i * 1000003;
  }
  bw_region r;
  bw_view v;
  if (bw_region_init_readonly(&r, arr, n * sizeof *arr, &err) ||
      bw_view_init(&v, s, "Rec", &r, 0, &err))
    die("view", &err);

  /* 1. field sums: eleven interleaved runs of each; the best of each, and the median of the
   * per-run ratios (robust when other processes share the machine) */
  enum { REPS = 11 };
  double best_direct = 1e9, best_acc = 1e9, ratios[REPS];
  int64_t sum_direct = 0, sum_acc = 0;
  for (int rep = 0; rep < REPS; rep++) {
    double t0 = now();
    int64_t sd = 0;
    for (size_t i = 0; i < n; i++) sd += arr[i].delta + arr[i].items[3].y + arr[i].stamp;
    double t1 = now();
    int64_t sa = 0;
    /* Compiled once, read many times: const copies tell the compiler the accessors do not
     * change inside the loop, so their checks can stay in registers. */
    const bw_accessor ad = a_delta, ay = a_y, ast = a_stamp;
    for (size_t i = 0; i < n; i++) {
      int32_t delta = 0;
      uint16_t y = 0;
      int64_t stamp = 0;
      if (bw_view_seek(&v, (uint64_t)i * sizeof(struct rec)) ||
          bw_accessor_get_i32(&ad, &v, &delta, NULL) || bw_accessor_get_u16(&ay, &v, &y, NULL) ||
          bw_accessor_get_i64(&ast, &v, &stamp, NULL))
        die("accessor read", NULL);
      sa += delta + y + stamp;
    }
    double t2 = now();
    if (t1 - t0 < best_direct) best_direct = t1 - t0;
    if (t2 - t1 < best_acc) best_acc = t2 - t1;
    ratios[rep] = (t2 - t1) / (t1 - t0);
    sum_direct = sd;
    sum_acc = sa;
  }
  if (sum_direct != sum_acc) die("accessor sum differs from the C sum", NULL);
  printf("records: %zu of %zu bytes (%.1f MB)\n", n, sizeof(struct rec),
         (double)(n * sizeof(struct rec)) / 1e6);
  qsort(ratios, REPS, sizeof ratios[0], cmp_double);
  printf("field sums (3 fields/record, best of %d): direct C %.2f ms, accessors %.2f ms, ratio "
         "%.2fx; median ratio %.2fx (target <= 1.30x)\n",
         REPS, best_direct * 1e3, best_acc * 1e3, best_acc / best_direct, ratios[REPS / 2]);

  /* 2. path compilations per second */
  static const char *const paths[] = {"delta", "items[3].y", "stamp", "items[0].x", "value"};
  size_t compiles = 0;
  double t0 = now(), t1;
  do {
    for (int k = 0; k < 1000; k++) {
      bw_accessor a;
      if (bw_accessor_compile(&a, s, "Rec", paths[k % 5], NULL)) die("compile", NULL);
      compiles++;
    }
    t1 = now();
  } while (t1 - t0 < 0.5);
  printf("path compilations: %.2f million/s\n", (double)compiles / (t1 - t0) / 1e6);

  /* 3. native -> BARE throughput beside memcpy of the same native bytes */
  size_t cap = n * 64;
  uint8_t *out = malloc(cap);
  uint8_t *copy = malloc(n * sizeof *arr);
  if (!out || !copy) die("out of memory", NULL);
  double best_enc = 1e9, best_copy = 1e9;
  size_t total = 0;
  for (int rep = 0; rep < 3; rep++) {
    double e0 = now();
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
      size_t len;
      if (bw_view_seek(&v, (uint64_t)i * sizeof(struct rec)) ||
          bw_view_encode_to(&v, NULL, out + pos, cap - pos, &len, &err))
        die("encode", &err);
      pos += len;
    }
    double e1 = now();
    memcpy(copy, arr, n * sizeof *arr);
    double e2 = now();
    if (e1 - e0 < best_enc) best_enc = e1 - e0;
    if (e2 - e1 < best_copy) best_copy = e2 - e1;
    total = pos;
  }
  if (memcmp(copy, arr, n * sizeof *arr) != 0) die("memcpy", NULL);
  double mb = (double)(n * sizeof(struct rec)) / 1e6;
  printf("native -> BARE: %.0f MB/s of records (%.2f M records/s, %zu message bytes); memcpy "
         "%.0f MB/s; memcpy is %.1fx faster\n",
         mb / best_enc, (double)n / best_enc / 1e6, total, mb / best_copy, best_enc / best_copy);

  /* the same through one array call (the bytes must be the single calls' bytes) */
  uint8_t *out2 = malloc(cap);
  if (!out2) die("out of memory", NULL);
  double best_aenc = 1e9;
  for (int rep = 0; rep < 3; rep++) {
    size_t len = 0;
    double e0 = now();
    if (bw_view_seek(&v, 0) || bw_view_encode_array(&v, n, out2, cap, &len, NULL, &err))
      die("encode array", &err);
    double e1 = now();
    if (len != total || memcmp(out2, out, total) != 0) die("array encode differs", NULL);
    if (e1 - e0 < best_aenc) best_aenc = e1 - e0;
  }
  free(out2);
  printf("native -> BARE, array call: %.0f MB/s of records (%.2f M records/s); memcpy is %.1fx "
         "faster\n",
         mb / best_aenc, (double)n / best_aenc / 1e6, best_aenc / best_copy);

  /* BARE -> native: the messages back into a second array (every message is the same size) */
  bw_region wr;
  bw_view wv;
  memset(copy, 0xee, n * sizeof *arr);
  if (bw_region_init_writable(&wr, copy, n * sizeof *arr, &err) ||
      bw_view_init(&wv, s, "Rec", &wr, 0, &err))
    die("view", &err);
  size_t msg_len = total / n;
  double best_dec = 1e9;
  for (int rep = 0; rep < 3; rep++) {
    double d0 = now();
    for (size_t i = 0; i < n; i++) {
      if (bw_view_seek(&wv, (uint64_t)i * sizeof(struct rec)) ||
          bw_view_decode(&wv, out + i * msg_len, msg_len, NULL, NULL, NULL, &err))
        die("decode", &err);
    }
    double d1 = now();
    if (d1 - d0 < best_dec) best_dec = d1 - d0;
  }
  if (memcmp(copy, arr, n * sizeof *arr) != 0) die("decoded records differ", NULL);
  printf("BARE -> native: %.0f MB/s of records (%.2f M records/s); memcpy is %.1fx faster\n",
         mb / best_dec, (double)n / best_dec / 1e6, best_dec / best_copy);
  double best_adec = 1e9;
  for (int rep = 0; rep < 3; rep++) {
    uint64_t done = 0;
    memset(copy, 0xee, n * sizeof *arr);
    double d0 = now();
    if (bw_view_seek(&wv, 0) || bw_view_decode_array(&wv, n, out, total, NULL, &done, NULL, &err) ||
        done != n)
      die("decode array", &err);
    double d1 = now();
    if (memcmp(copy, arr, n * sizeof *arr) != 0) die("array decode differs", NULL);
    if (d1 - d0 < best_adec) best_adec = d1 - d0;
  }
  printf("BARE -> native, array call: %.0f MB/s of records (%.2f M records/s); memcpy is %.1fx "
         "faster\n",
         mb / best_adec, (double)n / best_adec / 1e6, best_adec / best_copy);
  free(out);
  free(copy);
  free(arr);
  bw_schema_free(s);
  return 0;
}

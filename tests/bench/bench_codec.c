/* Benchmark of the codec: decode (bytes -> dynamic values) and encode (values -> bytes into a
 * caller buffer) of four representative kinds of message, each a set of 1000 distinct messages
 * made from a fixed seed:
 *   fixed   a struct of fixed-width numbers (u8..u64, i8..i64, f32, f64),
 *   varint  a record of uint/int fields of mixed magnitudes and a bool,
 *   text    strings and lists (two str, list<str>, list<u32>, optional<str>),
 *   map     map<str><u32> of 8..24 entries,
 *   record  a record of fixed-size numbers, a bool, an enum and fixed arrays.
 * The kinds with a native layout (fixed, varint, record) also go through the memory module's
 * native path (a varint record's `uint` and `int` fields are uint64_t and int64_t in C): "native
 * decode" (BARE -> the C struct, bw_view_decode) and "native encode" (the C struct -> BARE,
 * bw_view_encode_to), into and from an array of the real C structs (their layout checked against
 * offsetof). The same two kinds also go through the array calls (bw_view_decode_array and
 * bw_view_encode_array: all 1000 records of the C array in one call), in their own table.
 * Also the zero-copy path (bw_message_check: strict validation with the reader, no values).
 * Beside it, in the same run: memcpy of the same bytes (the floor) and @bare-ts/lib in node
 * (tests/bench/bare-ts/bench.mjs; `npm install` there first), which reads the same messages
 * from a temporary directory. Prints MB/s and messages/s and the ratios barewire / bare-ts.
 *
 *   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBW_BENCH=ON
 *   cmake --build build/release --target bench_codec && build/release/bench_codec
 * Options: --no-node (skip bare-ts); --only KIND OP PASSES runs one pass (OP: dec enc check
 * memcpy ndec nenc adec aenc) PASSES times and prints nothing, for profilers (callgrind). */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "barewire/codec.h"
#include "barewire/memory.h"

#define MESSAGES 1000

static const char *schema_text =
    "type Fixed struct { a: u8  b: u16  c: u32  d: u64  e: i8  f: i16  g: i32  h: i64  x: f32 "
    " y: f64  z: f64 }\n"
    "type Varint struct { id: uint  a: int  b: uint  c: int  d: uint  e: int  f: uint  g: int  "
    "flag: bool }\n"
    "type Text struct { name: str  email: str  tags: list<str>  scores: list<u32>  note: "
    "optional<str> }\n"
    "type Dict map<str><u32>\n"
    "type Color enum { RED GREEN BLUE = 7 }\n"
    "type Record struct { id: u32  ok: bool  color: Color  pts: list<i16>[4]  w: f64  bits: "
    "list<bool>[3] }\n";

/* The C structs of the kinds with a native layout: the schema's natural host layout must be
 * the compiler's (checked in main). */
struct fixed_c {
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  int8_t e;
  int16_t f;
  int32_t g;
  int64_t h;
  float x;
  double y;
  double z;
};
struct varint_c {
  uint64_t id;
  int64_t a;
  uint64_t b;
  int64_t c;
  uint64_t d;
  int64_t e;
  uint64_t f;
  int64_t g;
  bool flag;
};
enum color_c { RED, GREEN, BLUE = 7 };
struct record_c {
  uint32_t id;
  bool ok;
  enum color_c color;
  int16_t pts[4];
  double w;
  bool bits[3];
};

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
/* Magnitudes spread over 1..7 varint bytes; below 2^50 so that bare-ts can use numbers. */
static uint64_t mag(void) {
  uint64_t bits = rnd();
  return bits >> (14 + rnd() % 50);
}

static void word(char *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = (char)('a' + rnd() % 26);
  out[n] = 0;
}

/* One JSON value of the kind, from the generator. */
static void make_json(int kind, char *j, size_t cap) {
  char w1[64], w2[64], w3[64];
  size_t k = 0;
  switch (kind) {
    case 0: {
      /* Draw in a fixed order (argument evaluation order is unspecified). */
      uint64_t r[11];
      for (int i = 0; i < 11; i++) r[i] = rnd();
      snprintf(j, cap,
               "{\"a\":%u,\"b\":%u,\"c\":%u,\"d\":%llu,\"e\":%d,\"f\":%d,\"g\":%d,\"h\":%lld,"
               "\"x\":%.9g,\"y\":%.17g,\"z\":%.17g}",
               (unsigned)(r[0] % 256), (unsigned)(r[1] % 65536), (unsigned)r[2],
               (unsigned long long)(r[3] >> 12), (int)(r[4] % 256) - 128,
               (int)(r[5] % 65536) - 32768, (int)(int32_t)r[6],
               (long long)(r[7] >> 12) - (1ll << 51),
               (double)(float)((double)(r[8] % 100000) / 7.0), (double)(r[9] % 1000000) / 3.0,
               -(double)(r[10] % 1000) * 1e-3);
      return;
    }
    case 1: {
      uint64_t m[10];
      for (int i = 0; i < 10; i++) m[i] = mag();
      uint64_t r0 = rnd(), r1 = rnd(), r2 = rnd();
      snprintf(j, cap,
               "{\"id\":%llu,\"a\":%lld,\"b\":%llu,\"c\":%lld,\"d\":%llu,\"e\":%lld,\"f\":%llu,"
               "\"g\":%lld,\"flag\":%s}",
               (unsigned long long)m[0], (long long)m[1] - (long long)m[2],
               (unsigned long long)m[3], (long long)m[4] - (long long)m[5],
               (unsigned long long)(r0 % 100), -(long long)(r1 % 1000), (unsigned long long)m[6],
               (long long)m[7], r2 % 2 ? "true" : "false");
      return;
    }
    case 2: {
      word(w1, 4 + rnd() % 12);
      word(w2, 6 + rnd() % 10);
      word(w3, 5 + rnd() % 8);
      k += (size_t)snprintf(j + k, cap - k,
                            "{\"name\":\"%s %s\",\"email\":\"%s@%s.example\",\"tags\":[", w1, w2,
                            w3, w1);
      int tags = 1 + (int)(rnd() % 6);
      for (int i = 0; i < tags; i++) {
        word(w1, 3 + rnd() % 9);
        k += (size_t)snprintf(j + k, cap - k, "%s\"%s\"", i ? "," : "", w1);
      }
      k += (size_t)snprintf(j + k, cap - k, "],\"scores\":[");
      int scores = (int)(rnd() % 12);
      for (int i = 0; i < scores; i++)
        k += (size_t)snprintf(j + k, cap - k, "%s%u", i ? "," : "", (unsigned)(rnd() % 100000));
      word(w1, 10 + rnd() % 30);
      if (rnd() % 2)
        snprintf(j + k, cap - k, "],\"note\":\"%s\"}", w1);
      else
        snprintf(j + k, cap - k, "],\"note\":null}");
      return;
    }
    case 4: {
      static const char *const colors[3] = {"RED", "GREEN", "BLUE"};
      uint64_t r[10];
      for (int i = 0; i < 10; i++) r[i] = rnd();
      snprintf(j, cap,
               "{\"id\":%u,\"ok\":%s,\"color\":\"%s\",\"pts\":[%d,%d,%d,%d],\"w\":%.17g,"
               "\"bits\":[%s,%s,%s]}",
               (unsigned)r[0], r[1] % 2 ? "true" : "false", colors[r[2] % 3],
               (int)(r[3] % 65536) - 32768, (int)(r[4] % 65536) - 32768,
               (int)(r[5] % 65536) - 32768, (int)(r[6] % 65536) - 32768,
               (double)(r[7] % 1000000) / 3.0, r[8] & 1 ? "true" : "false",
               r[8] & 2 ? "true" : "false", r[9] & 1 ? "true" : "false");
      return;
    }
    default: {
      int n = 8 + (int)(rnd() % 17);
      k += (size_t)snprintf(j + k, cap - k, "{");
      for (int i = 0; i < n; i++) {
        word(w1, 4 + rnd() % 8);
        k += (size_t)snprintf(j + k, cap - k, "%s\"%s%d\":%u", i ? "," : "", w1, i,
                              (unsigned)(rnd() % 1000000));
      }
      snprintf(j + k, cap - k, "}");
      return;
    }
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct kind_set {
  const char *name;
  const bw_type *type;
  uint8_t *bytes; /* the messages back to back */
  size_t offs[MESSAGES + 1];
  bw_value *values[MESSAGES];
  /* kinds with a native layout: a view over MESSAGES C structs of stride bytes */
  int native;
  size_t stride;
  void *structs;
  bw_view view;
} kind_set;

static volatile size_t sink;

/* Runs fn over all messages repeatedly for at least min_seconds; returns seconds per pass. */
typedef int (*pass_fn)(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap);

static int decode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)buf, (void)cap;
  for (size_t i = 0; i < MESSAGES; i++) {
    bw_value *v;
    bw_value_arena_reset(a);
    if (bw_decode(k->type, k->bytes + k->offs[i], k->offs[i + 1] - k->offs[i], NULL, a, &v, NULL,
                  NULL))
      return -1;
    sink += v->as.list.count;
  }
  return 0;
}

/* The zero-copy path: strict validation with the reader, no values built. */
static int check_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a, (void)buf, (void)cap;
  for (size_t i = 0; i < MESSAGES; i++)
    if (bw_message_check(k->type, k->bytes + k->offs[i], k->offs[i + 1] - k->offs[i], NULL, NULL))
      return -1;
  sink++;
  return 0;
}

static int encode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a;
  for (size_t i = 0; i < MESSAGES; i++) {
    size_t n;
    if (bw_encode(k->type, k->values[i], buf, cap, &n, NULL)) return -1;
    sink += n;
  }
  return 0;
}

static int memcpy_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a, (void)cap;
  for (size_t i = 0; i < MESSAGES; i++) {
    size_t n = k->offs[i + 1] - k->offs[i];
    memcpy(buf, k->bytes + k->offs[i], n);
    __asm__ volatile("" : : "r"(buf) : "memory");
    sink += buf[0];
  }
  return 0;
}

/* BARE -> C structs (every message into its own struct). */
static int native_decode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a, (void)buf, (void)cap;
  for (size_t i = 0; i < MESSAGES; i++) {
    if (bw_view_seek(&k->view, i * k->stride) ||
        bw_view_decode(&k->view, k->bytes + k->offs[i], k->offs[i + 1] - k->offs[i], NULL, NULL,
                       NULL, NULL))
      return -1;
  }
  sink++;
  return 0;
}

/* C structs -> BARE into a caller buffer. */
static int native_encode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a;
  for (size_t i = 0; i < MESSAGES; i++) {
    size_t n;
    if (bw_view_seek(&k->view, i * k->stride) ||
        bw_view_encode_to(&k->view, NULL, buf, cap, &n, NULL))
      return -1;
    sink += n;
  }
  return 0;
}

/* The same through the array calls: all MESSAGES records (one C array) in one call. */
static int array_decode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a, (void)buf, (void)cap;
  uint64_t done;
  if (bw_view_seek(&k->view, 0) || bw_view_decode_array(&k->view, MESSAGES, k->bytes,
                                                        k->offs[MESSAGES], NULL, &done, NULL, NULL))
    return -1;
  sink += done;
  return 0;
}

static int array_encode_pass(kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  (void)a;
  size_t n;
  if (bw_view_seek(&k->view, 0) ||
      bw_view_encode_array(&k->view, MESSAGES, buf, cap, &n, NULL, NULL))
    return -1;
  sink += n;
  return 0;
}

/* The native path must give back the codec's bytes, and the structs what C reads. */
static int native_setup(kind_set *k, const bw_schema *schema, const char *type_name,
                        size_t stride) {
  bw_region r;
  bw_error err;
  bw_error_clear(&err);
  k->native = 1;
  k->stride = stride;
  k->structs = calloc(MESSAGES, stride);
  if (!k->structs || bw_region_init_writable(&r, k->structs, MESSAGES * stride, &err) ||
      bw_view_init(&k->view, schema, type_name, &r, 0, &err) || k->view.size != stride) {
    fprintf(stderr, "bench_codec: native %s: %s\n", type_name, err.message);
    return -1;
  }
  if (native_decode_pass(k, NULL, NULL, 0)) return -1;
  /* the array calls give the same structs and bytes */
  uint8_t *copy = malloc(MESSAGES * stride), *all = malloc(k->offs[MESSAGES]);
  size_t total = 0;
  int bad = !copy || !all;
  if (!bad) {
    memcpy(copy, k->structs, MESSAGES * stride);
    memset(k->structs, 0xee, MESSAGES * stride);
    bad = array_decode_pass(k, NULL, NULL, 0) || memcmp(copy, k->structs, MESSAGES * stride) ||
          bw_view_encode_array(&k->view, MESSAGES, all, k->offs[MESSAGES], &total, NULL, NULL) ||
          total != k->offs[MESSAGES] || memcmp(all, k->bytes, total);
  }
  free(copy);
  free(all);
  if (bad) {
    fprintf(stderr, "bench_codec: native %s: the array calls differ\n", type_name);
    return -1;
  }
  uint8_t out[256];
  for (size_t i = 0; i < MESSAGES; i++) {
    size_t n = 0, len = k->offs[i + 1] - k->offs[i];
    if (bw_view_seek(&k->view, i * stride) ||
        bw_view_encode_to(&k->view, NULL, out, sizeof out, &n, NULL) || n != len ||
        memcmp(out, k->bytes + k->offs[i], len) != 0) {
      fprintf(stderr, "bench_codec: native %s: message %zu differs\n", type_name, i);
      return -1;
    }
  }
  return 0;
}

/* Each field's native offset as the schema says it, against offsetof. */
static int check_offset(const bw_schema *s, const char *type, const char *path, size_t off) {
  bw_accessor a;
  if (bw_accessor_compile(&a, s, type, path, NULL) || a.offset != off) {
    fprintf(stderr, "bench_codec: %s.%s: natural layout differs from the compiler's\n", type, path);
    return -1;
  }
  return 0;
}

static double measure(pass_fn fn, kind_set *k, bw_value_arena *a, uint8_t *buf, size_t cap) {
  for (int i = 0; i < 3; i++) fn(k, a, buf, cap); /* warm up */
  /* The machine may be shared: many short rounds, keep the fastest (the least disturbed). */
  double best = 1e9;
  for (int round = 0; round < 30; round++) {
    double t0 = now(), t;
    int passes = 0;
    do {
      if (fn(k, a, buf, cap)) return -1;
      passes++;
      t = now() - t0;
    } while (t < 0.01);
    if (t / passes < best) best = t / passes;
  }
  return best;
}

int main(int argc, char **argv) {
  const char *node_script = BW_SOURCE_DIR "/tests/bench/bare-ts/bench.mjs";
  int skip_node = argc > 1 && strcmp(argv[1], "--no-node") == 0;
  const char *only_kind = NULL, *only_op = NULL;
  long only_passes = 0;
  if (argc == 5 && strcmp(argv[1], "--only") == 0) {
    only_kind = argv[2];
    only_op = argv[3];
    only_passes = strtol(argv[4], NULL, 10);
    skip_node = 1;
  }
  bw_schema *schema;
  if (bw_schema_parse(schema_text, strlen(schema_text), NULL, &schema, NULL)) {
    fprintf(stderr, "bench_codec: schema does not parse\n");
    return 1;
  }
  enum { KINDS = 5 };
  static const char *names[KINDS] = {"Fixed", "Varint", "Text", "Dict", "Record"};
  static const char *labels[KINDS] = {"fixed", "varint", "text", "map", "record"};
  static kind_set sets[KINDS];
  if (check_offset(schema, "Fixed", "b", offsetof(struct fixed_c, b)) ||
      check_offset(schema, "Fixed", "d", offsetof(struct fixed_c, d)) ||
      check_offset(schema, "Fixed", "h", offsetof(struct fixed_c, h)) ||
      check_offset(schema, "Fixed", "x", offsetof(struct fixed_c, x)) ||
      check_offset(schema, "Fixed", "z", offsetof(struct fixed_c, z)) ||
      check_offset(schema, "Varint", "a", offsetof(struct varint_c, a)) ||
      check_offset(schema, "Varint", "d", offsetof(struct varint_c, d)) ||
      check_offset(schema, "Varint", "g", offsetof(struct varint_c, g)) ||
      check_offset(schema, "Varint", "flag", offsetof(struct varint_c, flag)) ||
      check_offset(schema, "Record", "ok", offsetof(struct record_c, ok)) ||
      check_offset(schema, "Record", "color", offsetof(struct record_c, color)) ||
      check_offset(schema, "Record", "pts[1]", offsetof(struct record_c, pts[1])) ||
      check_offset(schema, "Record", "w", offsetof(struct record_c, w)) ||
      check_offset(schema, "Record", "bits[2]", offsetof(struct record_c, bits[2])))
    return 1;
  bw_value_arena *keep = bw_value_arena_new(), *scratch = bw_value_arena_new();
  char dir[] = "/tmp/bench_codec.XXXXXX";
  if (!only_kind && !mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  for (int k = 0; k < KINDS; k++) {
    kind_set *s = &sets[k];
    s->name = labels[k];
    s->type = bw_schema_find(schema, names[k])->type;
    size_t cap = 1 << 20, len = 0;
    s->bytes = malloc(cap);
    for (int i = 0; i < MESSAGES; i++) {
      char json[4096];
      bw_value *v;
      bw_error err;
      bw_error_clear(&err);
      make_json(k, json, sizeof json);
      size_t n;
      if (bw_value_from_json(s->type, json, strlen(json), NULL, keep, &v, NULL, &err) ||
          bw_encode(s->type, v, s->bytes + len, cap - len, &n, &err)) {
        fprintf(stderr, "bench_codec: %s: %s\n%s\n", labels[k], err.message, json);
        return 1;
      }
      s->offs[i] = len;
      s->values[i] = v;
      len += n;
    }
    s->offs[MESSAGES] = len;
    if (only_kind) continue; /* no node: no files */
    /* The messages for node: <kind>.bin (back to back) and <kind>.len (one length a line). */
    char path[512];
    snprintf(path, sizeof path, "%s/%s.bin", dir, labels[k]);
    FILE *f = fopen(path, "wb");
    fwrite(s->bytes, 1, len, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/%s.len", dir, labels[k]);
    f = fopen(path, "w");
    for (int i = 0; i < MESSAGES; i++) fprintf(f, "%zu\n", s->offs[i + 1] - s->offs[i]);
    fclose(f);
  }

  /* bare-ts in node, on the same files. */
  if (native_setup(&sets[0], schema, "Fixed", sizeof(struct fixed_c)) ||
      native_setup(&sets[1], schema, "Varint", sizeof(struct varint_c)) ||
      native_setup(&sets[4], schema, "Record", sizeof(struct record_c)))
    return 1;

  double js_dec[KINDS] = {0}, js_enc[KINDS] = {0};
  int have_js = 0;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "node '%s' '%s' 2>&1", node_script, dir);
  FILE *p = skip_node ? NULL : popen(cmd, "r");
  if (p) {
    char line[512];
    while (fgets(line, sizeof line, p)) {
      char kind[32];
      double d, e;
      if (sscanf(line, "bare-ts %31s %lf %lf", kind, &d, &e) == 3) {
        for (int k = 0; k < KINDS; k++)
          if (strcmp(kind, labels[k]) == 0) js_dec[k] = d, js_enc[k] = e, have_js++;
      } else {
        fprintf(stderr, "node: %s", line);
      }
    }
    pclose(p);
  }

  uint8_t *buf = malloc(1 << 16);
  if (only_kind) {
    /* --only KIND OP PASSES: just that pass, for a profiler (callgrind counts). */
    static const struct {
      const char *name;
      pass_fn fn;
    } ops[] = {{"dec", decode_pass},         {"enc", encode_pass},
               {"check", check_pass},        {"memcpy", memcpy_pass},
               {"ndec", native_decode_pass}, {"nenc", native_encode_pass},
               {"adec", array_decode_pass},  {"aenc", array_encode_pass}};
    for (int k = 0; k < KINDS; k++)
      for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        if (strcmp(only_kind, labels[k]) == 0 && strcmp(only_op, ops[o].name) == 0 &&
            (sets[k].native ||
             (ops[o].fn != native_decode_pass && ops[o].fn != native_encode_pass &&
              ops[o].fn != array_decode_pass && ops[o].fn != array_encode_pass))) {
          for (long i = 0; i < only_passes; i++)
            if (ops[o].fn(&sets[k], scratch, buf, 1 << 16)) return 1;
          return 0;
        }
    fprintf(stderr, "bench_codec: --only %s %s: no such pass\n", only_kind, only_op);
    return 2;
  }
  printf("barewire codec benchmark: %d messages per kind; MB/s of encoded bytes (1 MB = 1e6 B)\n",
         MESSAGES);
  printf("%-7s %7s | %9s %10s | %9s %10s | %9s %9s | %11s %11s | %9s %9s\n", "kind", "avg B",
         "dec MB/s", "dec msg/s", "enc MB/s", "enc msg/s", "check", "memcpy", "bare-ts dec",
         "bare-ts enc", "dec ratio", "enc ratio");
  for (int k = 0; k < KINDS; k++) {
    kind_set *s = &sets[k];
    double bytes = (double)s->offs[MESSAGES];
    double td = measure(decode_pass, s, scratch, buf, 1 << 16);
    double te = measure(encode_pass, s, scratch, buf, 1 << 16);
    double tm = measure(memcpy_pass, s, scratch, buf, 1 << 16);
    double tc = measure(check_pass, s, scratch, buf, 1 << 16);
    if (td < 0 || te < 0 || tc < 0) {
      fprintf(stderr, "bench_codec: %s failed\n", s->name);
      return 1;
    }
    double dec = bytes / td / 1e6, enc = bytes / te / 1e6, mc = bytes / tm / 1e6;
    printf("%-7s %7.1f | %9.1f %10.0f | %9.1f %10.0f | %9.1f %9.0f |", s->name, bytes / MESSAGES,
           dec, MESSAGES / td, enc, MESSAGES / te, bytes / tc / 1e6, mc);
    if (js_dec[k] > 0)
      printf(" %11.1f %11.1f | %8.1fx %8.1fx\n", js_dec[k], js_enc[k], dec / js_dec[k],
             enc / js_enc[k]);
    else
      printf(" %11s %11s | %9s %9s\n", "-", "-", "-", "-");
  }
  /* The native path: C structs <-> BARE, same messages, MB/s of encoded bytes. */
  printf("\nnative path (memory module): BARE <-> C structs, same messages\n");
  printf("%-7s %7s | %9s %9s | %9s %9s | %9s | %11s %11s | %9s %9s\n", "kind", "avg B", "ndec MB/s",
         "nenc MB/s", "ndec/memcp", "nenc/memcp", "memcpy", "bare-ts dec", "bare-ts enc",
         "dec ratio", "enc ratio");
  for (int k = 0; k < KINDS; k++) {
    kind_set *s = &sets[k];
    if (!s->native) continue;
    double bytes = (double)s->offs[MESSAGES];
    double td = measure(native_decode_pass, s, scratch, buf, 1 << 16);
    double te = measure(native_encode_pass, s, scratch, buf, 1 << 16);
    double tm = measure(memcpy_pass, s, scratch, buf, 1 << 16);
    if (td < 0 || te < 0) {
      fprintf(stderr, "bench_codec: native %s failed\n", s->name);
      return 1;
    }
    double dec = bytes / td / 1e6, enc = bytes / te / 1e6, mc = bytes / tm / 1e6;
    printf("%-7s %7.1f | %9.1f %9.1f | %9.1fx %9.1fx | %9.0f |", s->name, bytes / MESSAGES, dec,
           enc, td / tm, te / tm, mc);
    if (js_dec[k] > 0)
      printf(" %11.1f %11.1f | %8.1fx %8.1fx\n", js_dec[k], js_enc[k], dec / js_dec[k],
             enc / js_enc[k]);
    else
      printf(" %11s %11s | %9s %9s\n", "-", "-", "-", "-");
  }
  /* The array calls: one call per 1000 records. */
  printf("\nnative arrays (bw_view_decode_array / bw_view_encode_array: %d records per call)\n",
         MESSAGES);
  printf("%-7s %7s | %9s %9s | %10s %10s | %11s %11s | %9s %9s\n", "kind", "avg B", "adec MB/s",
         "aenc MB/s", "adec ns/msg", "aenc ns/msg", "bare-ts dec", "bare-ts enc", "dec ratio",
         "enc ratio");
  for (int k = 0; k < KINDS; k++) {
    kind_set *s = &sets[k];
    if (!s->native) continue;
    double bytes = (double)s->offs[MESSAGES];
    double td = measure(array_decode_pass, s, scratch, buf, 1 << 16);
    double te = measure(array_encode_pass, s, scratch, buf, 1 << 16);
    if (td < 0 || te < 0) {
      fprintf(stderr, "bench_codec: native arrays %s failed\n", s->name);
      return 1;
    }
    double dec = bytes / td / 1e6, enc = bytes / te / 1e6;
    printf("%-7s %7.1f | %9.1f %9.1f | %10.2f %10.2f |", s->name, bytes / MESSAGES, dec, enc,
           td / MESSAGES * 1e9, te / MESSAGES * 1e9);
    if (js_dec[k] > 0)
      printf(" %11.1f %11.1f | %8.1fx %8.1fx\n", js_dec[k], js_enc[k], dec / js_dec[k],
             enc / js_enc[k]);
    else
      printf(" %11s %11s | %9s %9s\n", "-", "-", "-", "-");
  }
  if (!have_js && !skip_node)
    printf(
        "(bare-ts: no figures; run `npm install` in tests/bench/bare-ts and have node on PATH)\n");
  /* Clean up the message files. */
  for (int k = 0; k < KINDS; k++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s.bin", dir, labels[k]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s.len", dir, labels[k]);
    unlink(path);
    free(sets[k].bytes);
    free(sets[k].structs);
  }
  rmdir(dir);
  free(buf);
  bw_value_arena_free(keep);
  bw_value_arena_free(scratch);
  bw_schema_free(schema);
  return 0;
}

/* Check suite for src/codec: property tests over random schemas and random values. A seeded
 * generator builds schemas with the bw_draft_* builder (every kind, nested, named and inline)
 * and values of their types; for each value:
 *   decode(encode(v)) == v, encode(decode(b)) == b, bw_message_check(b) passes, the reader
 *   skips exactly b, and JSON -> value -> JSON gives the same text;
 * and for mutated messages: the decoder never crashes, bw_message_check agrees with it, and an
 * accepted mutant re-encodes to the very same bytes (strictness: one value, one encoding). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"

static uint64_t rng_state;

static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static unsigned pick(unsigned n) {
  return (unsigned)(rnd() % n);
}

/* ---- random schemas ---------------------------------------------------------------------- */

typedef struct gen {
  bw_draft *d;
  char names[32][16];
  int is_enum[32];
  size_t count; /* user types defined so far (type 0 is the void "Nothing") */
} gen;

static bw_type *gen_type(gen *g, unsigned depth);

/* The value of the next member: implicit ones are previous + 1 (the first 0); explicit ones
 * anything strictly greater than the previous. */
static uint64_t next_value(size_t i, uint64_t prev, int explicit_value) {
  if (!explicit_value) return i == 0 ? 0 : prev + 1;
  return (i == 0 ? 0 : prev + 1) + (pick(3) == 0 ? pick(1000) : pick(2));
}

static bw_type *gen_enum(gen *g) {
  bw_type *e = bw_draft_type(g->d, BW_KIND_ENUM);
  unsigned n = 1 + pick(4);
  uint64_t value = 0;
  for (unsigned i = 0; i < n; i++) {
    char name[16];
    snprintf(name, sizeof name, "M%u", i);
    int explicit_value = pick(2);
    value = next_value(i, value, explicit_value);
    bw_draft_add_enum_member(g->d, e, name, explicit_value, value);
  }
  return e;
}

static bw_type *gen_key(gen *g) {
  static const bw_kind keys[] = {BW_KIND_UINT, BW_KIND_INT,  BW_KIND_U8,  BW_KIND_U16,  BW_KIND_U32,
                                 BW_KIND_I64,  BW_KIND_BOOL, BW_KIND_STR, BW_KIND_DATA, BW_KIND_I8};
  unsigned c = pick(12);
  if (c == 10) return bw_draft_data_fixed(g->d, 1 + pick(2));
  if (c == 11) {
    for (size_t i = 1; i < g->count; i++)
      if (g->is_enum[i]) return bw_draft_ref(g->d, g->names[i]);
    return bw_draft_type(g->d, BW_KIND_U16);
  }
  return bw_draft_type(g->d, keys[c]);
}

static bw_type *gen_type(gen *g, unsigned depth) {
  /* Top-level types are aggregates; deeper ones thin out into primitives. */
  unsigned c = depth == 0 ? 13 + pick(9) : pick(depth >= 4 ? 14 : 22);
  static const bw_kind prims[] = {BW_KIND_UINT, BW_KIND_INT, BW_KIND_U8,   BW_KIND_U16, BW_KIND_U32,
                                  BW_KIND_U64,  BW_KIND_I8,  BW_KIND_I16,  BW_KIND_I32, BW_KIND_I64,
                                  BW_KIND_F32,  BW_KIND_F64, BW_KIND_BOOL, BW_KIND_STR};
  if (c < 13) return bw_draft_type(g->d, prims[c]);
  switch (c) {
    case 13:
      return pick(2) ? bw_draft_type(g->d, BW_KIND_DATA) : bw_draft_data_fixed(g->d, 1 + pick(5));
    case 14: {
      bw_type *inner = gen_type(g, depth + 1);
      /* optional<optional<T>> is valid BARE, but JSON cannot tell its two nulls apart. */
      if (inner->kind == BW_KIND_OPTIONAL) return inner;
      return bw_draft_optional(g->d, inner);
    }
    case 15:
      return bw_draft_list(g->d, gen_type(g, depth + 1));
    case 16:
      return bw_draft_list_fixed(g->d, gen_type(g, depth + 1), 1 + pick(3));
    case 17:
      return bw_draft_map(g->d, gen_key(g), gen_type(g, depth + 1));
    case 18:
      if (g->count > 1) return bw_draft_ref(g->d, g->names[1 + pick((unsigned)g->count - 1)]);
      return bw_draft_type(g->d, BW_KIND_STR);
    case 19:
      return gen_enum(g);
    case 20: {
      bw_type *st = bw_draft_type(g->d, BW_KIND_STRUCT);
      unsigned n = 1 + pick(4);
      for (unsigned i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%u", i);
        bw_draft_add_field(g->d, st, name, gen_type(g, depth + 1));
      }
      return st;
    }
    default: {
      /* A union of distinct members: void (the Nothing type), distinct named types, and
       * distinct primitive kinds. */
      bw_type *un = bw_draft_type(g->d, BW_KIND_UNION);
      uint64_t tag = 0;
      int used_kind[BW_KIND_COUNT] = {0}, used_name[32] = {0};
      unsigned n = 1 + pick(4);
      for (unsigned i = 0; i < n; i++) {
        bw_type *m;
        unsigned what = pick(3);
        if (what == 0 && !used_name[0]) {
          used_name[0] = 1;
          m = bw_draft_ref(g->d, g->names[0]);
        } else if (what == 1 && g->count > 1) {
          size_t k = 1 + pick((unsigned)g->count - 1);
          if (used_name[k]) continue;
          used_name[k] = 1;
          m = bw_draft_ref(g->d, g->names[k]);
        } else {
          bw_kind k = prims[pick(14)];
          if (used_kind[k]) continue;
          used_kind[k] = 1;
          m = bw_draft_type(g->d, k);
        }
        int explicit_tag = pick(2);
        tag = next_value(un->count, tag, explicit_tag);
        bw_draft_add_union_member(g->d, un, m, explicit_tag, tag);
      }
      if (un->count == 0)
        bw_draft_add_union_member(g->d, un, bw_draft_type(g->d, BW_KIND_U8), 0, 0);
      return un;
    }
  }
}

/* Builds and validates a schema of 2..8 user types ("Nothing" is void; the others random). */
static bw_schema *gen_schema(void) {
  gen g;
  memset(&g, 0, sizeof g);
  g.d = bw_draft_new();
  strcpy(g.names[0], "Nothing");
  bw_draft_add_type(g.d, "Nothing", bw_draft_type(g.d, BW_KIND_VOID));
  g.count = 1;
  size_t n = 2 + pick(7);
  while (g.count < n) {
    snprintf(g.names[g.count], sizeof g.names[0], "T%zu", g.count);
    bw_type *t = pick(5) == 0 ? gen_enum(&g) : gen_type(&g, 0);
    g.is_enum[g.count] = t->kind == BW_KIND_ENUM;
    bw_draft_add_type(g.d, g.names[g.count], t);
    g.count++;
  }
  bw_schema *s = NULL;
  bw_diags diags = {0};
  int rc = bw_draft_validate(g.d, NULL, &s, &diags);
  for (size_t i = 0; i < diags.count; i++) fprintf(stderr, "schema: %s\n", diags.items[i].message);
  bw_diags_free(&diags);
  ck_assert_int_eq(rc, 0);
  return s;
}

/* ---- random values ----------------------------------------------------------------------- */

static void gen_utf8(bw_value_arena *a, bw_value *v) {
  static const char *pieces[] = {"a",
                                 "Z",
                                 " ",
                                 "\"",
                                 "\\",
                                 "\n",
                                 "\x01",
                                 "\xc3\xa9",
                                 "\xe2\x82\xac",
                                 "\xf0\x9f\x98\x80",
                                 "\xed\x9f\xbf",
                                 "\0"};
  char buf[64];
  size_t n = 0, count = pick(8);
  for (size_t i = 0; i < count; i++) {
    size_t k = pick(12);
    size_t len = k == 11 ? 1 : strlen(pieces[k]);
    memcpy(buf + n, pieces[k], len);
    n += len;
  }
  v->as.bytes.ptr = bw_value_copy_bytes(a, buf, n);
  v->as.bytes.len = n;
}

static void gen_value(bw_value_arena *a, const bw_type *t, bw_value *v, unsigned depth);

static void gen_bytes(bw_value_arena *a, bw_value *v, size_t n) {
  uint8_t buf[64];
  for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)rnd();
  v->as.bytes.ptr = bw_value_copy_bytes(a, buf, n);
  v->as.bytes.len = n;
}

static uint64_t rnd_wide(void) {
  /* Mostly small numbers, sometimes any 64 bits (varints of every length). */
  switch (pick(4)) {
    case 0:
      return rnd();
    case 1:
      return rnd() >> pick(64);
    default:
      return pick(300);
  }
}

static void gen_value(bw_value_arena *a, const bw_type *t, bw_value *v, unsigned depth) {
  t = bw_type_resolve(t);
  memset(v, 0, sizeof *v);
  v->type = t;
  unsigned w = bw_kind_width(t->kind);
  switch (t->kind) {
    case BW_KIND_UINT:
      v->as.u = rnd_wide();
      return;
    case BW_KIND_INT:
      v->as.i = (int64_t)rnd_wide();
      return;
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
      v->as.u = w == 8 ? rnd() : rnd() & ((1ull << (8 * w)) - 1);
      return;
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
      v->as.i =
          w == 8 ? (int64_t)rnd() : (int64_t)(rnd() % (1ull << (8 * w))) - (1ll << (8 * w - 1));
      return;
    case BW_KIND_F32: {
      uint32_t bits = (uint32_t)rnd();
      if (pick(4) == 0) bits = 0x7fc00000u; /* the default NaN */
      memcpy(&v->as.f32, &bits, 4);
      return;
    }
    case BW_KIND_F64: {
      uint64_t bits = rnd();
      if (pick(4) == 0) bits = 0x7ff8000000000000ull;
      memcpy(&v->as.f64, &bits, 8);
      return;
    }
    case BW_KIND_BOOL:
      v->as.u = pick(2);
      return;
    case BW_KIND_STR:
      gen_utf8(a, v);
      return;
    case BW_KIND_DATA:
      gen_bytes(a, v, pick(6));
      return;
    case BW_KIND_DATA_FIXED:
      gen_bytes(a, v, (size_t)t->length);
      return;
    case BW_KIND_VOID:
      return;
    case BW_KIND_ENUM:
      v->as.u = t->members[pick((unsigned)t->count)].value;
      return;
    case BW_KIND_OPTIONAL:
      if (pick(3) && depth < 8) {
        v->as.optional = bw_value_alloc(a, 1);
        gen_value(a, t->elem, v->as.optional, depth + 1);
      }
      return;
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_STRUCT: {
      size_t n = t->kind == BW_KIND_STRUCT       ? t->count
                 : t->kind == BW_KIND_LIST_FIXED ? (size_t)t->length
                 : depth < 6                     ? pick(4)
                                                 : 0;
      v->as.list.items = bw_value_alloc(a, n);
      v->as.list.count = n;
      for (size_t i = 0; i < n; i++)
        gen_value(a, t->kind == BW_KIND_STRUCT ? t->fields[i].type : t->elem, &v->as.list.items[i],
                  depth + 1);
      return;
    }
    case BW_KIND_MAP: {
      size_t want = depth < 6 ? pick(5) : 0, n = 0;
      bw_value *items = bw_value_alloc(a, 2 * want);
      for (size_t i = 0; i < want; i++) {
        gen_value(a, t->key, &items[2 * n], depth + 1);
        int dup = 0;
        for (size_t k = 0; k < n; k++) dup |= bw_value_equal(&items[2 * k], &items[2 * n]);
        if (dup) continue;
        gen_value(a, t->elem, &items[2 * n + 1], depth + 1);
        n++;
      }
      v->as.list.items = items;
      v->as.list.count = n;
      return;
    }
    case BW_KIND_UNION: {
      unsigned i = pick((unsigned)t->count);
      v->as.variant.tag = t->variants[i].tag;
      v->as.variant.index = i;
      v->as.variant.value = bw_value_alloc(a, 1);
      gen_value(a, t->variants[i].type, v->as.variant.value, depth + 1);
      return;
    }
    case BW_KIND_REF:
      break;
  }
  ck_abort_msg("unresolved type");
}

/* ---- properties -------------------------------------------------------------------------- */

static void check_value(const bw_type *t, const bw_value *v, bw_value_arena *a) {
  bw_error err;
  bw_error_clear(&err);
  uint8_t *b, *b2;
  size_t n, n2;
  ck_assert_msg(bw_encode_alloc(t, v, &b, &n, &err) == 0, "encode: %s", err.message);
  size_t size;
  ck_assert_int_eq(bw_encoded_size(t, v, &size, NULL), 0);
  ck_assert_uint_eq(size, n);
  bw_value *w;
  ck_assert_msg(bw_decode(t, b, n, NULL, a, &w, NULL, &err) == 0, "decode: %s at %llu", err.message,
                (unsigned long long)err.offset);
  ck_assert(bw_value_equal(v, w));
  ck_assert_int_eq(bw_encode_alloc(t, w, &b2, &n2, NULL), 0);
  ck_assert_uint_eq(n2, n);
  ck_assert(memcmp(b, b2, n) == 0);
  ck_assert_int_eq(bw_message_check(t, b, n, NULL, NULL), 0);
  bw_reader r;
  bw_reader_init(&r, b, n, NULL, NULL);
  ck_assert_int_eq(bw_reader_skip(&r, t), 0);
  ck_assert_uint_eq(bw_reader_remaining(&r), 0);
  /* A struct's fields are reached by name at the offset where their encoding starts. */
  const bw_type *rt = bw_type_resolve(t);
  if (rt->kind == BW_KIND_STRUCT) {
    size_t at = 0;
    for (size_t i = 0; i < rt->count; i++) {
      bw_reader_init(&r, b, n, NULL, NULL);
      const bw_field *f;
      ck_assert_int_eq(bw_reader_field(&r, rt, rt->fields[i].name, &f), 0);
      ck_assert_ptr_eq(f, &rt->fields[i]);
      ck_assert_uint_eq(bw_reader_offset(&r), at);
      size_t fs;
      ck_assert_int_eq(bw_encoded_size(f->type, &v->as.list.items[i], &fs, NULL), 0);
      at += fs;
    }
    ck_assert_uint_eq(at, n);
  }
  /* Borrowed decoding gives an equal value whose bytes point into the message. */
  bw_decode_options borrow = {0};
  borrow.borrow = 1;
  bw_value *bv;
  ck_assert_int_eq(bw_decode(t, b, n, &borrow, a, &bv, NULL, NULL), 0);
  ck_assert(bw_value_equal(v, bv));
  /* JSON: text -> value -> text is stable, and the value encodes. */
  char *j1, *j2;
  ck_assert_int_eq(bw_value_to_json(v, 0, &j1, NULL, NULL), 0);
  bw_value *x;
  ck_assert_msg(bw_value_from_json(t, j1, strlen(j1), NULL, a, &x, NULL, &err) == 0,
                "json %s: %s at %u:%u", j1, err.message, err.line, err.column);
  ck_assert_int_eq(bw_value_to_json(x, 0, &j2, NULL, NULL), 0);
  ck_assert_str_eq(j1, j2);
  free(b2);
  ck_assert_int_eq(bw_encode_alloc(t, x, &b2, &n2, NULL), 0);
  ck_assert_uint_eq(n2, n);
  /* Mutants: flip, drop or append bytes. */
  uint8_t *m = malloc(n + 2);
  for (int k = 0; k < 8; k++) {
    memcpy(m, b, n);
    size_t mn = n;
    switch (pick(3)) {
      case 0:
        if (n) m[pick((unsigned)n)] ^= (uint8_t)(1u << pick(8));
        break;
      case 1:
        if (n) mn = pick((unsigned)n);
        break;
      default:
        m[mn++] = (uint8_t)rnd();
        break;
    }
    bw_value *y;
    int rc = bw_decode(t, m, mn, NULL, a, &y, NULL, NULL);
    ck_assert_int_eq(bw_message_check(t, m, mn, NULL, NULL), rc);
    if (rc == 0) {
      uint8_t *b3;
      size_t n3;
      ck_assert_int_eq(bw_encode_alloc(t, y, &b3, &n3, NULL), 0);
      ck_assert_uint_eq(n3, mn);
      ck_assert(memcmp(b3, m, mn) == 0);
      free(b3);
    }
  }
  free(m);
  free(j1);
  free(j2);
  free(b);
  free(b2);
}

START_TEST(random_schemas_round_trip) {
  rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)(_i + 1);
  bw_value_arena *a = bw_value_arena_new();
  for (int s = 0; s < 40; s++) {
    bw_schema *schema = gen_schema();
    for (size_t i = 1; i < bw_schema_type_count(schema); i++) {
      const bw_type *t = bw_schema_type_at(schema, i)->type;
      for (int k = 0; k < 6; k++) {
        bw_value v;
        gen_value(a, t, &v, 0);
        check_value(t, &v, a);
        bw_value_arena_reset(a);
      }
    }
    bw_schema_free(schema);
  }
  bw_value_arena_free(a);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("codec_random");
  TCase *tc = tcase_create("properties");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, random_schemas_round_trip, 0, 10); /* seeds 1..10 */
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

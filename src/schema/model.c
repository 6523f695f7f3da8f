/* barewire schema module: the builder (draft construction), lookups and the read accessors of
 * validated schemas. Validation lives in validate.c, text in parse.c and print.c. */
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

bw_user_type *bw_schema_lookup(const struct bw_schema *s, const char *name) {
  if (!s->table_size || !name) return NULL;
  size_t mask = s->table_size - 1;
  for (size_t i = (size_t)bw_hash_cstr(name) & mask;; i = (i + 1) & mask) {
    size_t slot = s->table[i];
    if (slot == 0) return NULL;
    bw_user_type *u = s->types[slot - 1];
    if (strcmp(u->name, name) == 0) return u;
  }
}

/* Inserts type index idx unless the name is already indexed (the first definition wins; the
 * validator reports the duplicate). */
static int table_insert(struct bw_schema *s, size_t idx) {
  if ((s->type_count + 1) * 2 > s->table_size) {
    size_t size = s->table_size ? s->table_size * 2 : 64;
    size_t *table = calloc(size, sizeof *table);
    if (!table) return BW_ENOMEM;
    free(s->table);
    s->table = table;
    s->table_size = size;
    for (size_t i = 0; i < s->type_count; i++)
      if (i != idx) table_insert(s, i);
  }
  const char *name = s->types[idx]->name;
  size_t mask = s->table_size - 1;
  for (size_t i = (size_t)bw_hash_cstr(name) & mask;; i = (i + 1) & mask) {
    if (s->table[i] == 0) {
      s->table[i] = idx + 1;
      return 0;
    }
    if (strcmp(s->types[s->table[i] - 1]->name, name) == 0) return 0;
  }
}

/* bw_schema_push, static so that the builder's calls below inline it (in position-independent
 * code a call to an exported function is not inlined; the importer adds tens of thousands of
 * fields, enumerators and constants). */
static void *push(struct bw_schema *s, void **items, size_t *count, size_t *cap, size_t elem_size) {
  if (*count == *cap) {
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = bw_arena_grow(&s->arena, *items, *count * elem_size, ncap * elem_size);
    if (!p) {
      s->oom = 1;
      return NULL;
    }
    *items = p;
    *cap = ncap;
  }
  char *item = (char *)*items + (*count)++ * elem_size;
  memset(item, 0, elem_size);
  return item;
}

void *bw_schema_push(struct bw_schema *s, void **items, size_t *count, size_t *cap,
                     size_t elem_size) {
  return push(s, items, count, cap, elem_size);
}

bw_draft *bw_draft_new(void) {
  return calloc(1, sizeof(bw_draft));
}

void bw_schema_free(bw_schema *s) {
  if (!s) return;
  if (s->native_plans_free) s->native_plans_free(s->native_plans);
  bw_arena_free(&s->arena);
  free(s->types);
  free(s->table);
  free(s);
}

void bw_draft_free(bw_draft *d) {
  if (d) bw_schema_free(&d->s);
}

static bw_type *new_type(bw_draft *d, bw_kind kind) {
  if (!d) return NULL;
  bw_type *t = bw_arena_alloc(&d->s.arena, sizeof *t);
  if (!t) {
    d->s.oom = 1;
    return NULL;
  }
  t->kind = kind;
  return t;
}

bw_type *bw_draft_type(bw_draft *d, bw_kind kind) {
  if ((unsigned)kind >= BW_KIND_COUNT) return NULL;
  return new_type(d, kind);
}

bw_type *bw_draft_data_fixed(bw_draft *d, uint64_t length) {
  bw_type *t = new_type(d, BW_KIND_DATA_FIXED);
  if (t) t->length = length;
  return t;
}

static bw_type *wrap(bw_draft *d, bw_kind kind, bw_type *elem) {
  if (!elem) {
    if (d) d->s.oom = 1;
    return NULL;
  }
  bw_type *t = new_type(d, kind);
  if (t) t->elem = elem;
  return t;
}

bw_type *bw_draft_optional(bw_draft *d, bw_type *elem) {
  return wrap(d, BW_KIND_OPTIONAL, elem);
}

bw_type *bw_draft_list(bw_draft *d, bw_type *elem) {
  return wrap(d, BW_KIND_LIST, elem);
}

bw_type *bw_draft_list_fixed(bw_draft *d, bw_type *elem, uint64_t length) {
  bw_type *t = wrap(d, BW_KIND_LIST_FIXED, elem);
  if (t) t->length = length;
  return t;
}

bw_type *bw_draft_map(bw_draft *d, bw_type *key, bw_type *value) {
  if (!key) {
    if (d) d->s.oom = 1;
    return NULL;
  }
  bw_type *t = wrap(d, BW_KIND_MAP, value);
  if (t) t->key = key;
  return t;
}

bw_type *bw_draft_ref(bw_draft *d, const char *name) {
  bw_type *t = new_type(d, BW_KIND_REF);
  if (!t) return NULL;
  t->ref_name = bw_arena_strdup(&d->s.arena, name);
  if (!t->ref_name) d->s.oom = 1;
  return t->ref_name ? t : NULL;
}

bw_field *bw_draft_add_field(bw_draft *d, bw_type *st, const char *name, bw_type *type) {
  if (!d || !st || !type || st->kind != BW_KIND_STRUCT) {
    if (d) d->s.oom = d->s.oom || !type;
    return NULL;
  }
  bw_field *f = push(&d->s, (void **)&st->fields, &st->count, &st->capacity, sizeof *f);
  if (!f) return NULL;
  f->name = bw_arena_strdup(&d->s.arena, name);
  f->type = type;
  if (!f->name) d->s.oom = 1;
  return f;
}

bw_enum_member *bw_draft_add_enum_member(bw_draft *d, bw_type *en, const char *name, int has_value,
                                         uint64_t value) {
  if (!d || !en || en->kind != BW_KIND_ENUM) return NULL;
  bw_enum_member *m = push(&d->s, (void **)&en->members, &en->count, &en->capacity, sizeof *m);
  if (!m) return NULL;
  m->name = bw_arena_strdup(&d->s.arena, name);
  m->has_value = has_value != 0;
  m->value = has_value ? value : 0;
  if (!m->name) d->s.oom = 1;
  return m;
}

bw_union_member *bw_draft_add_union_member(bw_draft *d, bw_type *un, bw_type *type, int has_tag,
                                           uint64_t tag) {
  if (!d || !un || !type || un->kind != BW_KIND_UNION) {
    if (d) d->s.oom = d->s.oom || !type;
    return NULL;
  }
  bw_union_member *m = push(&d->s, (void **)&un->variants, &un->count, &un->capacity, sizeof *m);
  if (!m) return NULL;
  m->type = type;
  m->has_tag = has_tag != 0;
  m->tag = has_tag ? tag : 0;
  return m;
}

bw_user_type *bw_draft_add_type(bw_draft *d, const char *name, bw_type *type) {
  if (!d) return NULL;
  struct bw_schema *s = &d->s;
  if (!type || !name) {
    s->oom = s->oom || !type;
    return NULL;
  }
  if (s->type_count == s->type_cap) {
    size_t cap = s->type_cap ? s->type_cap * 2 : 16;
    bw_user_type **types = realloc(s->types, cap * sizeof *types);
    if (!types) {
      s->oom = 1;
      return NULL;
    }
    s->types = types;
    s->type_cap = cap;
  }
  bw_user_type *u = bw_arena_alloc(&s->arena, sizeof *u);
  if (!u || !(u->name = bw_arena_strdup(&s->arena, name))) {
    s->oom = 1;
    return NULL;
  }
  u->type = type;
  u->index = s->type_count;
  s->types[s->type_count] = u;
  if (table_insert(s, s->type_count) != 0) {
    s->oom = 1;
    return NULL;
  }
  s->type_count++;
  return u;
}

bw_native *bw_draft_native(bw_draft *d, bw_type *t) {
  if (!d || !t) return NULL;
  if (!t->native) {
    t->native = bw_arena_alloc(&d->s.arena, sizeof *t->native);
    if (!t->native) d->s.oom = 1;
  }
  return t->native;
}

bw_field *bw_draft_add_native_member(bw_draft *d, bw_native *n, const char *name, bw_type *t) {
  if (!d || !n || !t) return NULL;
  bw_field *f = push(&d->s, (void **)&n->members, &n->member_count, &n->member_capacity, sizeof *f);
  if (!f) return NULL;
  f->name = bw_arena_strdup(&d->s.arena, name);
  f->type = t;
  if (!f->name) d->s.oom = 1;
  return f;
}

static bw_constant *push_constant(bw_draft *d, bw_constant **items, size_t *count, size_t *cap,
                                  const char *name, const char *c_name, int64_t value,
                                  int is_unsigned) {
  bw_constant *c = push(&d->s, (void **)items, count, cap, sizeof *c);
  if (!c) return NULL;
  c->name = bw_arena_strdup(&d->s.arena, name);
  c->c_name = c_name ? bw_arena_strdup(&d->s.arena, c_name) : NULL;
  c->value = value;
  c->is_unsigned = is_unsigned != 0;
  if (!c->name || (c_name && !c->c_name)) d->s.oom = 1;
  return c;
}

bw_constant *bw_draft_add_native_constant(bw_draft *d, bw_native *n, const char *name,
                                          const char *c_name, int64_t value, int is_unsigned) {
  if (!d || !n) return NULL;
  return push_constant(d, &n->constants, &n->constant_count, &n->constant_capacity, name, c_name,
                       value, is_unsigned);
}

bw_constant *bw_draft_add_constant(bw_draft *d, const char *name, const char *c_name, int64_t value,
                                   int is_unsigned) {
  if (!d) return NULL;
  return push_constant(d, &d->s.constants, &d->s.constant_count, &d->s.constant_cap, name, c_name,
                       value, is_unsigned);
}

int bw_draft_set_target(bw_draft *d, const char *triple, uint32_t pointer_size, int big_endian,
                        int char_signed) {
  if (!d) return BW_EINVAL;
  d->s.target.triple = triple ? bw_arena_strdup(&d->s.arena, triple) : NULL;
  if (triple && !d->s.target.triple) return d->s.oom = 1, BW_ENOMEM;
  d->s.target.pointer_size = pointer_size;
  d->s.target.big_endian = big_endian != 0;
  d->s.target.char_signed = char_signed != 0;
  d->s.has_target = 1;
  return 0;
}

int bw_draft_set_doc(bw_draft *d, const char *doc) {
  if (!d) return BW_EINVAL;
  d->s.doc = doc ? bw_arena_strdup(&d->s.arena, doc) : NULL;
  if (doc && !d->s.doc) return d->s.oom = 1, BW_ENOMEM;
  return 0;
}

char *bw_draft_strdup(bw_draft *d, const char *s) {
  if (!d || !s) return NULL;
  char *p = bw_arena_strdup(&d->s.arena, s);
  if (!p) d->s.oom = 1;
  return p;
}

char *bw_draft_strndup(bw_draft *d, const char *s, size_t len) {
  if (!d || !s) return NULL;
  char *p = bw_arena_strndup(&d->s.arena, s, len);
  if (!p) d->s.oom = 1;
  return p;
}

size_t bw_draft_type_count(const bw_draft *d) {
  return d ? d->s.type_count : 0;
}

bw_user_type *bw_draft_type_at(bw_draft *d, size_t i) {
  return d && i < d->s.type_count ? d->s.types[i] : NULL;
}

bw_user_type *bw_draft_find(bw_draft *d, const char *name) {
  return d ? bw_schema_lookup(&d->s, name) : NULL;
}

/* ---- validated schemas ------------------------------------------------------------------ */

size_t bw_schema_type_count(const bw_schema *s) {
  return s ? s->type_count : 0;
}

const bw_user_type *bw_schema_type_at(const bw_schema *s, size_t i) {
  return s && i < s->type_count ? s->types[i] : NULL;
}

const bw_user_type *bw_schema_find(const bw_schema *s, const char *name) {
  return s ? bw_schema_lookup(s, name) : NULL;
}

const bw_target *bw_schema_target(const bw_schema *s) {
  return s && s->has_target ? &s->target : NULL;
}

size_t bw_schema_constant_count(const bw_schema *s) {
  return s ? s->constant_count : 0;
}

const bw_constant *bw_schema_constant_at(const bw_schema *s, size_t i) {
  return s && i < s->constant_count ? &s->constants[i] : NULL;
}

const char *bw_schema_doc(const bw_schema *s) {
  return s ? s->doc : NULL;
}

const char *bw_schema_filename(const bw_schema *s) {
  return s ? s->filename : NULL;
}

int bw_schema_big_endian(const bw_schema *s) {
  return s && s->has_target ? s->target.big_endian : bw_host_big_endian();
}

static const char *const kind_names[BW_KIND_COUNT] = {
    "uint", "int",  "u8",  "u16",  "u32",   "u64",    "i8",   "i16",  "i32",
    "i64",  "f32",  "f64", "bool", "str",   "data",   "data", "void", "optional",
    "list", "list", "map", "enum", "union", "struct", "ref"};

const char *bw_kind_name(bw_kind kind) {
  return (unsigned)kind < BW_KIND_COUNT ? kind_names[kind] : "?";
}

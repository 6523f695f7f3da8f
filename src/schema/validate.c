/* barewire schema module: validation, which turns a draft into an immutable schema or reports
 * every problem it finds, each at the position of the offending type, field or member.
 *
 * The passes (see validate_internal.h): (1) names, limits, references and the local rules of
 * BARE.md (void placement, data[N]/list<T>[N] lengths, empty bodies, duplicate names, enum
 * values and union tags); (2) the order of user types by direct dependency, which also reports
 * recursion that cannot terminate; (3) rules that look through aliases (map keys, void by
 * alias, a union listing a type twice); (4) native layouts (layout_native.c). Each pass
 * reports everything it finds. A reference that breaks define-before-use is reported in pass 1
 * and then dropped, so pass 2 sees only backward references unless recursion is allowed; pass 3
 * runs when pass 2 found no cycle, and pass 4 only on a schema without any problem. Every walk
 * of a type tree checks the nesting limit before it goes deeper, so hostile nesting is an
 * error and never a stack overflow. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../codec/wire_plan.h"
#include "validate_internal.h"

/* Names are quoted in messages up to this many bytes, so a message stays readable. */
#define NAME_IN_MESSAGE "%.100s"

void bw_vctx_report(bw_vctx *v, int code, bw_pos pos, const char *fmt, ...) {
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  v->errors++;
  bw_diags_add(v->diags, code, pos.line, pos.column, "%s", message);
}

const bw_type *bw_vctx_resolve(const bw_vctx *v, const bw_type *t) {
  if (t && t->kind == BW_KIND_REF) return t->ref && v->resolved ? v->resolved[t->ref->index] : NULL;
  return t;
}

static bw_pos pos_or(bw_pos a, bw_pos b) {
  return a.line ? a : b;
}

/* " (first at 3:7)" when pos is known, else "". */
static void where(char *buf, size_t size, const char *what, bw_pos pos) {
  if (pos.line)
    snprintf(buf, size, " (%s at %u:%u)", what, (unsigned)pos.line, (unsigned)pos.column);
  else
    buf[0] = 0;
}

/* ---- names -------------------------------------------------------------------------------- */

typedef enum name_rule { NAME_TYPE, NAME_MEMBER, NAME_FIELD } name_rule;

/* What each byte may be in a name: NAME_TYPE, NAME_MEMBER and NAME_FIELD characters after the
 * first (bits 1 << rule), and the first character of a type or member name (an upper-case
 * letter, FIRST_UPPER) or of a field name (a lower-case letter, FIRST_LOWER). One load per
 * character: an importer's schema has tens of thousands of names. */
enum { FIRST_UPPER = 8, FIRST_LOWER = 16 };
/* clang-format off */
static const unsigned char name_chars[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x00 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x10 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x20 */
     7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  0,  0,  0,  0,  0,  0,  /* 0x30 */
     0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,  /* 0x40 */
    15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,  0,  0,  0,  0,  6,  /* 0x50 */
     0, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21,  /* 0x60 */
    21, 21, 21, 21, 21, 21, 21, 21, 21, 21, 21,  0,  0,  0,  0,  0,  /* 0x70 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x80 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0x90 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xa0 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xb0 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xc0 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xd0 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xe0 */
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  /* 0xf0 */
};
/* clang-format on */

/* The length of name (at least 1), and in *valid whether it follows rule. */
static size_t name_scan(const char *s, name_rule rule, int *valid) {
  const unsigned char *p = (const unsigned char *)s;
  unsigned first = rule == NAME_FIELD ? FIRST_LOWER : FIRST_UPPER, mask = 1u << rule;
  unsigned all = mask;
  size_t i = 1;
  for (; p[i]; i++) all &= name_chars[p[i]];
  *valid = (name_chars[p[0]] & first) && all;
  return i;
}

static void check_name(bw_vctx *v, const char *name, name_rule rule, bw_pos pos) {
  static const char *const what[] = {"type", "enum member", "field"};
  static const char *const rules[] = {
      "an upper-case letter followed by letters and digits, e.g. PublicKey",
      "an upper-case letter followed by upper-case letters, digits and '_', e.g. CUSTOMER_SERVICE",
      "a lower-case letter followed by letters, digits and '_', e.g. order_id"};
  if (!name || !*name) {
    bw_vctx_report(v, BW_ESCHEMA, pos, "%s name is empty", what[rule]);
    return;
  }
  int valid;
  if (name_scan(name, rule, &valid) > BW_MAX_NAME_LENGTH) {
    bw_vctx_report(v, BW_ELIMIT, pos, "%s name '" NAME_IN_MESSAGE "...' is longer than %u bytes",
                   what[rule], name, (unsigned)BW_MAX_NAME_LENGTH);
    return;
  }
  if (!valid)
    bw_vctx_report(v, BW_ESCHEMA, pos, "invalid %s name '" NAME_IN_MESSAGE "': expected %s",
                   what[rule], name, rules[rule]);
}

/* ---- duplicate member names ------------------------------------------------------------- */

typedef struct member_list {
  const bw_type *t;
  const char *(*name)(const bw_type *t, size_t i);
  bw_pos (*pos)(const bw_type *t, size_t i);
  const char *what;      /* "field", "enum member" */
  const char *container; /* "struct", "enum" */
} member_list;

static const char *field_name(const bw_type *t, size_t i) {
  return t->fields[i].name;
}
static bw_pos field_pos(const bw_type *t, size_t i) {
  return pos_or(t->fields[i].pos, t->pos);
}
static const char *member_name(const bw_type *t, size_t i) {
  return t->members[i].name;
}
static bw_pos member_pos(const bw_type *t, size_t i) {
  return pos_or(t->members[i].pos, t->pos);
}

static void report_duplicate(bw_vctx *v, const member_list *l, size_t first, size_t i) {
  char at[64];
  where(at, sizeof at, "first", l->pos(l->t, first));
  bw_vctx_report(v, BW_ESCHEMA, l->pos(l->t, i),
                 "%s '" NAME_IN_MESSAGE "' appears twice in this %s%s", l->what, l->name(l->t, i),
                 l->container, at);
}

/* A slot of check_unique's table: a member's index + 1 (0 empty) and its name's hash. */
typedef struct name_slot {
  size_t index;
  uint64_t hash;
} name_slot;

/* Reports every name that repeats an earlier one. A few names are compared pairwise; more go
 * through a hash table (on the stack up to 64 names) so a hostile body with many members stays
 * linear, and names are compared only when their hashes are equal. */
static void check_unique(bw_vctx *v, const member_list *l) {
  size_t n = l->t->count;
  if (n <= 6) {
    for (size_t i = 1; i < n; i++) {
      const char *a = l->name(l->t, i);
      for (size_t j = 0; a && j < i; j++) {
        const char *b = l->name(l->t, j);
        if (b && strcmp(a, b) == 0) {
          report_duplicate(v, l, j, i);
          break;
        }
      }
    }
    return;
  }
  name_slot local[128];
  size_t size = 16;
  while (size < n * 2) size *= 2;
  name_slot *table = local;
  if (size <= sizeof local / sizeof local[0])
    memset(local, 0, size * sizeof *local);
  else if (!(table = calloc(size, sizeof *table))) {
    v->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *a = l->name(l->t, i);
    if (!a) continue;
    uint64_t h = bw_hash_cstr(a);
    for (size_t k = (size_t)h & (size - 1);; k = (k + 1) & (size - 1)) {
      if (table[k].index == 0) {
        table[k].index = i + 1;
        table[k].hash = h;
        break;
      }
      if (table[k].hash == h && strcmp(l->name(l->t, table[k].index - 1), a) == 0) {
        report_duplicate(v, l, table[k].index - 1, i);
        break;
      }
    }
  }
  if (table != local) free(table);
}

/* ---- pass 1: local rules ---------------------------------------------------------------- */

static void walk(bw_vctx *v, bw_type *t, size_t depth, int allow_void);

/* Enum values and union tags: implicit ones take the previous + 1 (the first 0); all must be
 * strictly ascending and fit in 64 bits. */
static void check_values(bw_vctx *v, bw_type *t) {
  int is_enum = t->kind == BW_KIND_ENUM;
  const char *what = is_enum ? "value" : "tag";
  uint64_t prev = 0;
  size_t prev_index = SIZE_MAX; /* member that holds prev; SIZE_MAX: none yet */
  for (size_t i = 0; i < t->count; i++) {
    uint64_t *value = is_enum ? &t->members[i].value : &t->variants[i].tag;
    int explicit_value = is_enum ? t->members[i].has_value : t->variants[i].has_tag;
    if (!explicit_value && (prev_index == SIZE_MAX || prev != UINT64_MAX)) {
      *value = prev_index == SIZE_MAX ? 0 : prev + 1;
      prev = *value;
      prev_index = i;
      continue;
    }
    if (explicit_value && (prev_index == SIZE_MAX || *value > prev)) {
      prev = *value;
      prev_index = i;
      continue;
    }
    /* A problem (messages are only formatted here, off the common path). The member keeps
     * out of prev, so the members after it are compared with the last good one. */
    char label[160], prev_label[160];
    bw_pos pos = is_enum ? member_pos(t, i) : pos_or(t->variants[i].pos, t->variants[i].type->pos);
    if (is_enum) {
      snprintf(label, sizeof label, "'" NAME_IN_MESSAGE "'", t->members[i].name);
      snprintf(prev_label, sizeof prev_label, "'" NAME_IN_MESSAGE "'", t->members[prev_index].name);
    } else {
      snprintf(label, sizeof label, "member %zu", i + 1);
      snprintf(prev_label, sizeof prev_label, "member %zu", prev_index + 1);
    }
    if (!explicit_value)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "implicit %s of %s would be 2^64: the previous %s is already the largest "
                     "(18446744073709551615)",
                     what, label, what);
    else if (*value == prev)
      bw_vctx_report(v, BW_ESCHEMA, pos, "%s %llu of %s is already used by %s", what,
                     (unsigned long long)*value, label, prev_label);
    else
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "%s %llu of %s is less than %llu of %s before it: %ss must be strictly "
                     "ascending",
                     what, (unsigned long long)*value, label, (unsigned long long)prev, prev_label,
                     what);
  }
}

static void walk_struct(bw_vctx *v, bw_type *t, size_t depth) {
  if (t->count == 0) bw_vctx_report(v, BW_ESCHEMA, t->pos, "a struct needs at least one field");
  for (size_t i = 0; i < t->count; i++) {
    bw_field *f = &t->fields[i];
    check_name(v, f->name, NAME_FIELD, field_pos(t, i));
    walk(v, f->type, depth + 1, 0);
  }
  member_list l = {t, field_name, field_pos, "field", "struct"};
  check_unique(v, &l);
}

static void walk_enum(bw_vctx *v, bw_type *t) {
  if (t->count == 0) bw_vctx_report(v, BW_ESCHEMA, t->pos, "an enum needs at least one member");
  for (size_t i = 0; i < t->count; i++)
    check_name(v, t->members[i].name, NAME_MEMBER, member_pos(t, i));
  check_values(v, t);
  member_list l = {t, member_name, member_pos, "member", "enum"};
  check_unique(v, &l);
}

static void walk_union(bw_vctx *v, bw_type *t, size_t depth) {
  if (t->count == 0) bw_vctx_report(v, BW_ESCHEMA, t->pos, "a union needs at least one member");
  for (size_t i = 0; i < t->count; i++) walk(v, t->variants[i].type, depth + 1, 1);
  check_values(v, t);
}

static void walk_ref(bw_vctx *v, bw_type *t) {
  bw_user_type *target = bw_schema_lookup(v->s, t->ref_name);
  t->ref = target;
  if (!target) {
    bw_vctx_report(v, BW_ESCHEMA, t->pos, "unknown type '" NAME_IN_MESSAGE "'",
                   t->ref_name ? t->ref_name : "");
    return;
  }
  if (target->index < v->cur || v->allow_recursion) return;
  /* Reported here; the reference is dropped so later passes see only backward references
   * (no cycles) and do not report the same problem again. */
  t->ref = NULL;
  if (target->index == v->cur) {
    bw_vctx_report(v, BW_ESCHEMA, t->pos, "type '" NAME_IN_MESSAGE "' refers to itself",
                   target->name);
  } else {
    char at[64];
    where(at, sizeof at, "defined", target->pos);
    bw_vctx_report(v, BW_ESCHEMA, t->pos,
                   "type '" NAME_IN_MESSAGE "' is used before it is defined%s", target->name, at);
  }
}

/* Checks one type expression and everything inside it. allow_void: t is a union member or a
 * whole user type, the only places void may appear. */
static void walk(bw_vctx *v, bw_type *t, size_t depth, int allow_void) {
  if (!t) return;
  if (depth > v->max_depth) {
    bw_vctx_report(v, BW_ELIMIT, t->pos, "types are nested more than %zu levels deep",
                   v->max_depth);
    return;
  }
  switch (t->kind) {
    case BW_KIND_VOID:
      if (!allow_void)
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "void is only allowed as a union member or as a whole type");
      break;
    case BW_KIND_DATA_FIXED:
      if (t->length == 0)
        bw_vctx_report(v, BW_ESCHEMA, t->pos, "data[0]: the length of data[N] must be at least 1");
      break;
    case BW_KIND_LIST_FIXED:
      if (t->length == 0)
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "list<T>[0]: the length of list<T>[N] must be at least 1");
      walk(v, t->elem, depth + 1, 0);
      break;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
      walk(v, t->elem, depth + 1, 0);
      break;
    case BW_KIND_MAP:
      walk(v, t->key, depth + 1, 0);
      walk(v, t->elem, depth + 1, 0);
      break;
    case BW_KIND_STRUCT:
      walk_struct(v, t, depth);
      break;
    case BW_KIND_ENUM:
      walk_enum(v, t);
      break;
    case BW_KIND_UNION:
      walk_union(v, t, depth);
      break;
    case BW_KIND_REF:
      walk_ref(v, t);
      break;
    default:
      if ((unsigned)t->kind >= BW_KIND_COUNT)
        bw_vctx_report(v, BW_ESCHEMA, t->pos, "invalid type kind %d", (int)t->kind);
      break;
  }
  /* Members of a C union (native only) are types too: their references must resolve. */
  if (t->native)
    for (size_t i = 0; i < t->native->member_count; i++)
      walk(v, t->native->members[i].type, depth + 1, 0);
}

static void pass_local(bw_vctx *v) {
  struct bw_schema *s = v->s;
  for (size_t i = 0; i < s->type_count; i++) {
    bw_user_type *u = s->types[i];
    v->cur = i;
    check_name(v, u->name, NAME_TYPE, u->pos);
    bw_user_type *first = bw_schema_lookup(s, u->name);
    if (first && first != u) {
      char at[64];
      where(at, sizeof at, "first defined", first->pos);
      bw_vctx_report(v, BW_ESCHEMA, u->pos, "type '" NAME_IN_MESSAGE "' is defined twice%s",
                     u->name, at);
    }
    walk(v, u->type, 1, 1);
  }
}

/* ---- pass 2: dependency order and recursion --------------------------------------------- */

typedef struct edge {
  size_t target;
  const bw_type *ref; /* the REF node, for the position of a report */
} edge;

typedef struct edges {
  edge *items;
  size_t count, cap;
} edges;

static void add_edge(bw_vctx *v, edges *e, const bw_type *ref) {
  if (e->count == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 64;
    edge *items = realloc(e->items, cap * sizeof *items);
    if (!items) {
      v->oom = 1;
      return;
    }
    e->items = items;
    e->cap = cap;
  }
  e->items[e->count].target = ref->ref->index;
  e->items[e->count].ref = ref;
  e->count++;
}

/* Collects the user types t contains directly: those whose size is part of t's. Optional,
 * list, map and union stop the walk, since recursion through them terminates. Depth is bounded
 * like every walk (pass 1 reported what lies deeper). */
static void collect_direct(bw_vctx *v, edges *e, const bw_type *t, size_t depth) {
  if (!t || depth > v->max_depth) return;
  switch (t->kind) {
    case BW_KIND_REF:
      if (t->ref) add_edge(v, e, t);
      break;
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < t->count; i++) collect_direct(v, e, t->fields[i].type, depth + 1);
      break;
    case BW_KIND_LIST_FIXED:
      collect_direct(v, e, t->elem, depth + 1);
      break;
    default:
      break;
  }
  if (t->native)
    for (size_t i = 0; i < t->native->member_count; i++)
      collect_direct(v, e, t->native->members[i].type, depth + 1);
}

typedef struct frame {
  size_t node;
  size_t next; /* next edge to follow */
} frame;

/* Depth-first search with an explicit stack (a chain of a million aliases must not overflow
 * the C stack). Post-order gives v->order; an edge back to a type still on the stack is
 * recursion that never passes through optional, list, map or union. */
static void pass_order(bw_vctx *v) {
  struct bw_schema *s = v->s;
  size_t n = s->type_count;
  edges e = {0};
  size_t *start = malloc((n + 1) * sizeof *start);
  unsigned char *color = calloc(n ? n : 1, 1);
  frame *stack = malloc((n ? n : 1) * sizeof *stack);
  v->order = malloc((n ? n : 1) * sizeof *v->order);
  if (!start || !color || !stack || !v->order) {
    v->oom = 1;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    start[i] = e.count;
    collect_direct(v, &e, s->types[i]->type, 1);
  }
  start[n] = e.count;
  if (v->oom) goto done;
  size_t done_count = 0;
  for (size_t root = 0; root < n; root++) {
    if (color[root]) continue;
    size_t sp = 0;
    stack[sp++] = (frame){root, start[root]};
    color[root] = 1;
    while (sp) {
      frame *top = &stack[sp - 1];
      if (top->next < start[top->node + 1]) {
        const edge *ed = &e.items[top->next++];
        if (color[ed->target] == 0) {
          color[ed->target] = 1;
          stack[sp++] = (frame){ed->target, start[ed->target]};
        } else if (color[ed->target] == 1) {
          const bw_user_type *target = s->types[ed->target];
          if (ed->target == top->node)
            bw_vctx_report(v, BW_ESCHEMA, ed->ref->pos,
                           "type '" NAME_IN_MESSAGE "' refers to itself (recursion must pass "
                           "through optional, list, map or union)",
                           target->name);
          else
            bw_vctx_report(v, BW_ESCHEMA, ed->ref->pos,
                           "type '" NAME_IN_MESSAGE "' refers to itself through '" NAME_IN_MESSAGE
                           "' (recursion must pass through optional, list, map or union)",
                           target->name, s->types[top->node]->name);
        }
      } else {
        color[top->node] = 2;
        v->order[done_count++] = top->node;
        sp--;
      }
    }
  }
done:
  free(e.items);
  free(start);
  free(color);
  free(stack);
}

/* ---- pass 3: rules that look through aliases -------------------------------------------- */

static void walk_resolved(bw_vctx *v, const bw_type *t, size_t depth, int allow_void);

static int key_allowed(const bw_type *k) {
  switch (k->kind) {
    case BW_KIND_F32:
    case BW_KIND_F64:
    case BW_KIND_VOID:
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
    case BW_KIND_MAP:
    case BW_KIND_UNION:
    case BW_KIND_STRUCT:
      return 0;
    default:
      return 1;
  }
}

/* Structural hash and equality of type expressions, for "a union does not list the same type
 * twice". User types compare by identity (two names are two types; an unknown name by its
 * spelling); inline bodies compare by their contents. Both stop at the nesting limit: what lies
 * deeper was reported by pass 1. */
static uint64_t type_hash(const bw_type *t, size_t depth) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)t->kind;
  if (depth > 64) return h;
  switch (t->kind) {
    case BW_KIND_REF:
      return h * 31 + (t->ref ? t->ref->index : bw_hash_cstr(t->ref_name ? t->ref_name : ""));
    case BW_KIND_DATA_FIXED:
      return h * 31 + t->length;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
      return h * 31 + type_hash(t->elem, depth + 1);
    case BW_KIND_LIST_FIXED:
      return (h * 31 + t->length) * 31 + type_hash(t->elem, depth + 1);
    case BW_KIND_MAP:
      return (h * 31 + type_hash(t->key, depth + 1)) * 31 + type_hash(t->elem, depth + 1);
    case BW_KIND_STRUCT:
      /* Bodies hash their contents: a union of many distinct inline bodies must not put them
       * all in one bucket (the comparison would turn quadratic). */
      for (size_t i = 0; i < t->count; i++)
        h = (h * 31 + bw_hash_cstr(t->fields[i].name ? t->fields[i].name : "")) * 31 +
            type_hash(t->fields[i].type, depth + 1);
      return h;
    case BW_KIND_ENUM:
      for (size_t i = 0; i < t->count; i++)
        h = (h * 31 + bw_hash_cstr(t->members[i].name ? t->members[i].name : "")) * 31 +
            t->members[i].value;
      return h;
    case BW_KIND_UNION:
      for (size_t i = 0; i < t->count; i++)
        h = (h * 31 + t->variants[i].tag) * 31 + type_hash(t->variants[i].type, depth + 1);
      return h;
    default:
      return h;
  }
}

static int type_equal(const bw_vctx *v, const bw_type *a, const bw_type *b, size_t depth) {
  if (a == b) return 1;
  if (a->kind != b->kind || depth > v->max_depth) return 0;
  switch (a->kind) {
    case BW_KIND_REF:
      if (a->ref || b->ref) return a->ref == b->ref;
      return a->ref_name && b->ref_name && strcmp(a->ref_name, b->ref_name) == 0;
    case BW_KIND_DATA_FIXED:
      return a->length == b->length;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
      return type_equal(v, a->elem, b->elem, depth + 1);
    case BW_KIND_LIST_FIXED:
      return a->length == b->length && type_equal(v, a->elem, b->elem, depth + 1);
    case BW_KIND_MAP:
      return type_equal(v, a->key, b->key, depth + 1) && type_equal(v, a->elem, b->elem, depth + 1);
    case BW_KIND_STRUCT:
      if (a->count != b->count) return 0;
      for (size_t i = 0; i < a->count; i++)
        if (!a->fields[i].name || !b->fields[i].name ||
            strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
            !type_equal(v, a->fields[i].type, b->fields[i].type, depth + 1))
          return 0;
      return 1;
    case BW_KIND_ENUM:
      if (a->count != b->count) return 0;
      for (size_t i = 0; i < a->count; i++)
        if (!a->members[i].name || !b->members[i].name ||
            strcmp(a->members[i].name, b->members[i].name) != 0 ||
            a->members[i].value != b->members[i].value)
          return 0;
      return 1;
    case BW_KIND_UNION:
      if (a->count != b->count) return 0;
      for (size_t i = 0; i < a->count; i++)
        if (a->variants[i].tag != b->variants[i].tag ||
            !type_equal(v, a->variants[i].type, b->variants[i].type, depth + 1))
          return 0;
      return 1;
    default:
      return 1;
  }
}

typedef struct hashed {
  uint64_t hash;
  size_t index;
} hashed;

static int hashed_cmp(const void *pa, const void *pb) {
  const hashed *a = pa, *b = pb;
  if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static void report_union_duplicate(bw_vctx *v, const bw_type *t, size_t first, size_t i) {
  char what[160];
  bw_type_describe(t->variants[i].type, what, sizeof what);
  bw_vctx_report(v, BW_ESCHEMA, pos_or(t->variants[i].pos, t->variants[i].type->pos),
                 "union lists %s twice (members %zu and %zu)", what, first + 1, i + 1);
}

static void check_union_types(bw_vctx *v, const bw_type *t, size_t depth) {
  size_t n = t->count;
  if (n <= 16) {
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (type_equal(v, t->variants[i].type, t->variants[j].type, depth + 1)) {
          report_union_duplicate(v, t, j, i);
          break;
        }
    return;
  }
  hashed *h = malloc(n * sizeof *h);
  if (!h) {
    v->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) h[i] = (hashed){type_hash(t->variants[i].type, 0), i};
  qsort(h, n, sizeof *h, hashed_cmp);
  size_t run = 0; /* first entry with the current hash */
  for (size_t i = 1; i < n; i++) {
    if (h[i].hash != h[run].hash) {
      run = i;
      continue;
    }
    /* Compare with the earlier members of the run, first one first, so a repeated type is
     * reported against its first listing. */
    for (size_t j = run; j < i; j++) {
      if (type_equal(v, t->variants[h[i].index].type, t->variants[h[j].index].type, depth + 1)) {
        report_union_duplicate(v, t, h[j].index, h[i].index);
        break;
      }
    }
  }
  free(h);
}

static void walk_resolved(bw_vctx *v, const bw_type *t, size_t depth, int allow_void) {
  if (!t || depth > v->max_depth) return;
  char what[160];
  switch (t->kind) {
    case BW_KIND_REF: {
      const bw_type *r = bw_vctx_resolve(v, t);
      if (!allow_void && r && r->kind == BW_KIND_VOID)
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "'" NAME_IN_MESSAGE "' is void, which is only allowed as a union member "
                       "or as a whole type",
                       t->ref_name);
      break;
    }
    case BW_KIND_MAP: {
      const bw_type *k = bw_vctx_resolve(v, t->key);
      if (k && !key_allowed(k)) {
        bw_type_describe(t->key, what, sizeof what);
        bw_vctx_report(v, BW_ESCHEMA, t->key->pos,
                       "map key %s%s%s is not allowed: a key must be an integer, bool, enum, str "
                       "or data",
                       what, t->key->kind == BW_KIND_REF ? " is " : "",
                       t->key->kind == BW_KIND_REF ? bw_kind_name(k->kind) : "");
      }
      walk_resolved(v, t->key, depth + 1, 0);
      walk_resolved(v, t->elem, depth + 1, 0);
      break;
    }
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
      walk_resolved(v, t->elem, depth + 1, 0);
      break;
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < t->count; i++) walk_resolved(v, t->fields[i].type, depth + 1, 0);
      break;
    case BW_KIND_UNION:
      for (size_t i = 0; i < t->count; i++) walk_resolved(v, t->variants[i].type, depth + 1, 1);
      check_union_types(v, t, depth);
      break;
    default:
      break;
  }
  if (t->native)
    for (size_t i = 0; i < t->native->member_count; i++)
      walk_resolved(v, t->native->members[i].type, depth + 1, 0);
}

static void pass_resolved(bw_vctx *v) {
  struct bw_schema *s = v->s;
  v->resolved = malloc((s->type_count ? s->type_count : 1) * sizeof *v->resolved);
  if (!v->resolved) {
    v->oom = 1;
    return;
  }
  /* In dependency order an alias's target is resolved before the alias. */
  for (size_t k = 0; k < s->type_count; k++) {
    size_t i = v->order[k];
    const bw_type *t = s->types[i]->type;
    v->resolved[i] = t->kind != BW_KIND_REF ? t : t->ref ? v->resolved[t->ref->index] : NULL;
  }
  for (size_t i = 0; i < s->type_count; i++) {
    v->cur = i;
    walk_resolved(v, s->types[i]->type, 1, 1);
  }
}

/* ---- entry point ------------------------------------------------------------------------ */

typedef struct ranked {
  bw_diag diag;
  size_t index;
} ranked;

static int ranked_cmp(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->diag.line != b->diag.line) return a->diag.line < b->diag.line ? -1 : 1;
  if (a->diag.column != b->diag.column) return a->diag.column < b->diag.column ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* The passes find problems in their own order; a person reads them in text order. Sorts the
 * diagnostics this validation added by position (stable: same position keeps pass order). */
static void sort_diags(bw_diags *diags, size_t first) {
  if (!diags || diags->count - first < 2) return;
  size_t n = diags->count - first;
  ranked *r = malloc(n * sizeof *r);
  if (!r) return; /* unsorted is still correct */
  for (size_t i = 0; i < n; i++) r[i] = (ranked){diags->items[first + i], i};
  qsort(r, n, sizeof *r, ranked_cmp);
  for (size_t i = 0; i < n; i++) diags->items[first + i] = r[i].diag;
  free(r);
}

int bw_draft_validate(bw_draft *d, const bw_validate_options *opts, bw_schema **out,
                      bw_diags *diags) {
  if (out) *out = NULL;
  if (!d) return BW_EINVAL;
  if (!out) {
    bw_draft_free(d);
    return BW_EINVAL;
  }
  struct bw_schema *s = &d->s;
  size_t first_diag = diags ? diags->count : 0;
  bw_vctx v = {0};
  v.s = s;
  v.diags = diags;
  v.max_depth = opts && opts->max_depth ? opts->max_depth : BW_DEFAULT_MAX_SCHEMA_DEPTH;
  v.max_types = opts && opts->max_types ? opts->max_types : BW_DEFAULT_MAX_SCHEMA_TYPES;
  v.allow_recursion = opts ? opts->allow_recursion != 0 : 0;

  if (s->oom) {
    bw_diags_add(diags, BW_ENOMEM, 0, 0, "out of memory while building the schema");
    bw_draft_free(d);
    return BW_ENOMEM;
  }
  if (s->type_count == 0) {
    bw_vctx_report(&v, BW_ESCHEMA, (bw_pos){1, 1}, "a schema must define at least one type");
  } else if (s->type_count > v.max_types) {
    bw_vctx_report(&v, BW_ELIMIT, s->types[v.max_types]->pos,
                   "the schema defines %zu types, more than the limit of %zu", s->type_count,
                   v.max_types);
  } else {
    /* Each pass reports all it finds; a pass that needs acyclic references runs only when the
     * order pass found no cycle, and layouts only on a schema without any problem. */
    pass_local(&v);
    size_t before = v.errors;
    if (!v.oom) pass_order(&v);
    if (!v.oom && v.errors == before) pass_resolved(&v);
    if (!v.errors && !v.oom) bw_layout_native_pass(&v);
  }
  free(v.order);
  free(v.resolved);
  sort_diags(diags, first_diag);
  if (v.oom || v.errors || s->oom) {
    int code = v.oom || s->oom ? BW_ENOMEM : BW_ESCHEMA;
    if (code == BW_ENOMEM) bw_diags_add(diags, BW_ENOMEM, 0, 0, "out of memory while validating");
    bw_draft_free(d);
    return code;
  }
  for (size_t i = 0; i < s->type_count; i++) bw_wire_plan_tree(&s->arena, s->types[i]->type, 0);
  s->validated = 1;
  *out = s;
  return 0;
}

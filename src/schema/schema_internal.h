/* barewire schema module: the representation shared by the builder, the validator, the parser
 * and the printers (internal; not installed). A draft and a validated schema are the same
 * structure; validation flips `validated` and hands the memory to the caller as bw_schema. */
#ifndef BAREWIRE_SCHEMA_INTERNAL_H
#define BAREWIRE_SCHEMA_INTERNAL_H

#include "barewire/schema.h"
#include "../core/core.h"

struct bw_schema {
  bw_arena arena;
  bw_user_type **types; /* malloc'd array of arena nodes, definition order */
  size_t type_count;
  size_t type_cap;
  size_t *table; /* open-addressing name index: type index + 1, 0 = empty */
  size_t table_size;
  bw_constant *constants; /* arena */
  size_t constant_count;
  size_t constant_cap;
  bw_target target;
  int has_target;
  char *doc;
  char *filename;
  int oom;
  int validated;
  /* Cache owned by the memory module (compiled native <-> wire plans, src/memory/plan.c):
   * bw_schema_free calls native_plans_free(native_plans) when it is set. */
  void *native_plans;
  void (*native_plans_free)(void *);
};

struct bw_draft {
  struct bw_schema s;
};

/* Grows an arena array of elem_size-byte items by one, doubling capacity; returns the new
 * zeroed item or NULL (and marks the schema out of memory). */
void *bw_schema_push(struct bw_schema *s, void **items, size_t *count, size_t *cap,
                     size_t elem_size);

/* Index lookup used by both drafts and schemas; NULL when absent. */
bw_user_type *bw_schema_lookup(const struct bw_schema *s, const char *name);

#endif

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

/* Appends copies of from's schema-level constants to s, draft or validated schema (constants take
 * no part in validation: the importer evaluates macros while the types are validated). Returns
 * 0, or BW_ENOMEM with s unchanged. */
int bw_schema_append_constants(struct bw_schema *s, const struct bw_schema *from);

/* print.c: bw_schema_print's text in parts, for printing a long schema on several threads (the
 * schema is only read). bw_schema_print_range prints user types [first, end), preceded by the
 * doc comment, target and constants when the range holds the first type: the parts of [0, k)
 * and [k, n) joined are bw_schema_print's text, byte for byte (an empty part is ""). Same
 * ownership and errors as bw_schema_print, and BW_EINVAL for a range outside the schema. The
 * part that holds the first type gets room for the whole text, so that the others can be
 * appended to it in place. bw_schema_print_split gives the first type of part `part` of `parts`
 * parts of about equal text (by the lines each type and constant writes): 0 for part 0 (and for
 * NULL), the type count for part >= parts, never decreasing with part. */
int bw_schema_print_range(const bw_schema *s, unsigned flags, size_t first, size_t end, char **out,
                          size_t *len, bw_error *err);
size_t bw_schema_print_split(const bw_schema *s, size_t part, size_t parts);

#endif

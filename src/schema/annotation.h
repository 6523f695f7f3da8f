/* barewire schema module: the `#@` layout annotations of schema text (internal; not
 * installed). See docs/schema-annotations.md for the syntax.
 *
 * The parser hands each `#@` comment line to bw_annotation_parse, which checks it and turns it
 * into a record; the records seen before an item (type definition, field, member) are then
 * applied to it with bw_annotations_collect and bw_layout_notes_attach. The annotation code
 * reaches back into the parser only through bw_annotation_env: to report a problem and to parse
 * the type expression of a C union member. */
#ifndef BAREWIRE_SCHEMA_ANNOTATION_H
#define BAREWIRE_SCHEMA_ANNOTATION_H

#include "schema_internal.h"

typedef enum bw_annotation_kind {
  BW_ANNOT_TARGET,
  BW_ANNOT_CONSTANT,
  BW_ANNOT_NATIVE,
  BW_ANNOT_C_MEMBER,
  BW_ANNOT_C_CONSTANT,
  BW_ANNOT_C_MEMBER_NATIVE,
  BW_ANNOT_FIELD,
  BW_ANNOT_ENUMERATOR,
  BW_ANNOT_KIND_COUNT
} bw_annotation_kind;

/* One parsed `#@` line. Strings live in the draft's arena. */
struct bw_annotation {
  bw_annotation_kind kind;
  uint32_t line, column;
  struct bw_annotation *next;
  const char *name, *c_name, *c_type, *file, *underlying, *triple, *doc;
  bw_type *type; /* c_member: its wire type */
  uint64_t size, align, offset, bit_offset, decl_line, pointer_size, bit_width;
  uint64_t magnitude; /* constant values: |value| and its sign until `unsigned` is known */
  int negative;
  int64_t value;
  int is_unsigned;
  uint32_t flags; /* BW_FIELD_* or BW_NATIVE_* by kind */
  int big_endian, char_signed;
};

/* What an annotation may come before. */
typedef enum bw_item_kind {
  BW_ITEM_DEFINITION,
  BW_ITEM_FIELD,
  BW_ITEM_ENUM_MEMBER,
  BW_ITEM_UNION_MEMBER,
  BW_ITEM_END
} bw_item_kind;

/* What the annotations before one item say, until the item exists. */
typedef struct bw_layout_notes {
  bw_native native;
  int has_native;
  const struct bw_annotation *field;
  const char *enumerator_c_name;
  bw_type *last_member_type; /* the type of the latest c_member, for c_member_native */
} bw_layout_notes;

typedef struct bw_annotation_env {
  bw_draft *d;
  void *ctx;
  /* Reports a problem (BW_ESYNTAX, BW_ENOMEM) at line:column. */
  void (*report)(void *ctx, int code, uint32_t line, uint32_t column, const char *message);
  /* Parses text[0..len) as one type expression whose first byte is at line:column. Returns
   * NULL after reporting. */
  bw_type *(*parse_type)(void *ctx, const char *text, size_t len, uint32_t line, uint32_t column);
  int has_target; /* a target annotation was applied */
} bw_annotation_env;

/* The kind's word ("native"). */
const char *bw_annotation_name(bw_annotation_kind kind);

/* Parses one annotation line. text[0..len) is the comment after its '#' (so text[0] is '@');
 * line and column locate the '#'. Returns the record (in the draft's arena), or NULL after
 * reporting every problem through env. */
struct bw_annotation *bw_annotation_parse(bw_annotation_env *env, const char *text, size_t len,
                                          uint32_t line, uint32_t column);

/* Applies the annotations of list that are about the schema (target, constant) at once and
 * gathers the others into notes for an item of the given kind; an annotation that cannot come
 * before such an item is reported. */
void bw_annotations_collect(bw_annotation_env *env, struct bw_annotation *list, bw_item_kind item,
                            bw_layout_notes *notes);

/* Gives t the native layout gathered in notes, if any. */
void bw_layout_notes_attach(bw_annotation_env *env, bw_type *t, const bw_layout_notes *notes);

#endif

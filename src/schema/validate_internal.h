/* barewire schema module: the state shared by the validator (validate.c) and the native layout
 * pass (layout_native.c) while a draft becomes a schema (internal; not installed).
 *
 * Validation runs in passes over the user types: names, references and local rules; then the
 * order of types by their direct dependencies (which also finds recursion that does not
 * terminate); then rules that need references resolved; then native layouts (imported layouts
 * are checked, natural host layouts are computed). Each pass reports all it finds; the passes
 * that need acyclic references run only when the order pass found no cycle, and layouts only on
 * a schema without problems. */
#ifndef BAREWIRE_VALIDATE_INTERNAL_H
#define BAREWIRE_VALIDATE_INTERNAL_H

#include "schema_internal.h"

typedef struct bw_vctx {
  struct bw_schema *s;
  bw_diags *diags;
  size_t max_depth;
  size_t max_types;
  int allow_recursion;
  size_t errors; /* problems reported so far */
  int oom;       /* an allocation failed: validation returns BW_ENOMEM */
  size_t cur;    /* index of the user type being checked */
  /* After the dependency pass: user type indices so that every type comes after the types it
   * contains directly (struct fields, fixed lists, aliases, C union members). */
  size_t *order;
  /* Per user type index: the non-REF node its definition resolves to. */
  const bw_type **resolved;
} bw_vctx;

/* Records one problem at pos (printf-style message) and counts it. */
void bw_vctx_report(bw_vctx *v, int code, bw_pos pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The non-REF node t stands for (t itself when it is not a REF); valid once the dependency
 * pass has filled v->resolved. NULL for an unresolved reference. */
const bw_type *bw_vctx_resolve(const bw_vctx *v, const bw_type *t);

/* Checks the native layouts the draft carries (imported) and, for a schema without a target,
 * gives every fixed-size type its natural host layout. Reports problems through v. */
void bw_layout_native_pass(bw_vctx *v);

/* Writes a short description of a type expression ("u32", "'Point'", "list<str>[4]") for
 * messages into buf (always NUL-terminated, truncated with "..." when too long). */
void bw_type_describe(const bw_type *t, char *buf, size_t size);

/* ---- shared by the layout documents (layout.c, layout_json.c, layout_table.c) ---------- */

/* Appends the BARE type expression of t as bw_type_print writes it ("u64", "list<i32>[4]", a
 * user type's name; an inline body on one line, "struct { a: u8 b: u16 }"). */
void bw_layout_expr(bw_buf *b, const bw_type *t);

/* The host's target triple from the compiler's predefined macros, e.g. "x86_64-linux-gnu". */
const char *bw_layout_host_triple(void);

/* The layout of a field's type (following references); NULL when it has none. */
const bw_native *bw_layout_of(const bw_type *t);

/* The native size of t: its layout's size, or for the nodes an imported schema leaves without
 * one (primitives, data[N], list<T>[N] of sized elements) the size their wire type implies.
 * Returns 0 when t has no fixed size. */
int bw_layout_size(const bw_type *t, uint64_t *size);

#endif

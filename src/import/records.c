/* barewire import: records (structs and C unions) and their members.
 *
 * A struct becomes a STRUCT with one field per member that BARE can carry; a C union becomes
 * data[size] with every member kept in its native layout. Offsets, bit offsets and widths,
 * sizes and alignments are clang's (clang_Type_visitFields, clang_Cursor_getOffsetOfField,
 * clang_getFieldDeclBitWidth), but for the offsets C itself fixes at 0 (a struct's first
 * member, a union's members: member_offset). Unnamed and zero-width bitfields are padding.
 * An anonymous struct/union member is a field anonN of type ParentAnonN; an unnamed record
 * type of a named member is named ParentMember. Bitfields take the smallest integer of their
 * signedness that holds them (bool for _Bool, their enum for enum bitfields). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

/* The wire type of a bitfield: its enum when it has one, bool for _Bool, else the smallest
 * integer of its signedness that holds width bits. */
static int bitfield_type(bw_import_ctx *ctx, CXType t, unsigned width, bw_import_hint *hint,
                         CXCursor where, bw_type **out) {
  CXType canon = clang_getCanonicalType(t);
  if (canon.kind == CXType_Enum) {
    uint32_t flags = 0;
    return bw_import_map_type(ctx, t, hint, 0, &flags, where, out);
  }
  if (canon.kind == CXType_Bool) {
    *out = bw_draft_type(ctx->draft, BW_KIND_BOOL);
    return *out ? MAP_OK : MAP_FAIL;
  }
  int is_signed = bw_import_is_signed_kind(canon.kind);
  long long bytes = width <= 8 ? 1 : width <= 16 ? 2 : width <= 32 ? 4 : 8;
  *out = bw_draft_type(ctx->draft, bw_import_int_kind(bytes, is_signed));
  return *out ? MAP_OK : MAP_FAIL;
}

/* Size and alignment a wire type implies: its width for primitives, 1 for bytes, the
 * element's for fixed lists; 0 when it implies none. */
static void wire_layout(const bw_type *t, uint64_t *size, uint64_t *align) {
  *size = *align = 0;
  if (bw_kind_is_fixed_primitive(t->kind)) {
    *size = *align = bw_kind_width(t->kind);
  } else if (t->kind == BW_KIND_DATA_FIXED) {
    *size = t->length;
    *align = 1;
  } else if (t->kind == BW_KIND_LIST_FIXED && t->elem) {
    uint64_t es, ea;
    wire_layout(t->elem, &es, &ea);
    if (es && t->length <= UINT64_MAX / es) {
      *size = es * t->length;
      *align = ea;
    }
  }
}

/* The target's size and alignment of a member's own type, kept on the type node where the
 * wire type does not imply them (a long long is 4-aligned on i386, a long double is data[16]
 * aligned to 16 on x86-64, vectors keep their alignment). A type whose size is not a multiple
 * of its alignment (a scalar typedef with a larger `aligned`) has no array stride: its
 * member's offset already says where it is. Returns 0, or -1 when out of memory. */
static int add_member_native(bw_import_ctx *ctx, bw_type *type, CXType ft,
                             const struct bw_type_text *info) {
  long long size, align;
  if (info && info->layout_known) {
    size = info->size;
    align = info->align;
  } else {
    bw_import_type_layout(ctx, ft, &size, &align);
  }
  if (size <= 0 || align <= 0 || size % align != 0) return 0;
  uint64_t ws, wa;
  wire_layout(type, &ws, &wa);
  if (ws == (uint64_t)size && wa == (uint64_t)align) return 0;
  bw_native *tn = bw_draft_native(ctx->draft, type);
  if (!tn) return -1;
  tn->size = (uint64_t)size;
  tn->align = (uint64_t)align;
  return 0;
}

typedef struct field_walk {
  bw_import_ctx *ctx;
  size_t idx;        /* the record's entity */
  bw_type *st;       /* STRUCT node (structs) */
  bw_native *un;     /* native layout (unions) */
  bw_nameset *names; /* field names claimed so far (ctx->field_names[depth]) */
  size_t count;      /* fields added */
  CXType record;     /* the record's type */
  CXCursor last;     /* the record\'s last member, once asked (last_known) */
  int last_known;
  int failed;
  int hashed;      /* names holds every field name (large records); else they are compared */
  int c_record;    /* a C record: its first member, and a union's every one, is at offset 0 */
  size_t seen;     /* members visited (unnamed bitfields included) */
  int asked;       /* clang gave a member's offset (which validates the record's layout) */
  CXCursor placed; /* a member placed at 0 without asking clang (asked == 0: check it at the end) */
} field_walk;

/* The bit offset of member f. C places a struct's first member, and every member of a union,
 * at offset 0 (C11 6.7.2.1p15-16: no padding at the beginning, "suitably converted" pointers):
 * for those non-bitfield members of a C record clang is not asked, as its answer (1,800
 * instructions: libclang checks every member of the record, nested records included, on
 * each call) is known. The check is for the record as a whole, not the member: one call for
 * any member of the record makes it, and a record with no other member asks it at the end
 * (check_placed). Built with -DBW_IMPORT_CHECK, clang is asked anyway and must agree. */
static long long member_offset(field_walk *w, CXCursor f, int bitfield, size_t index) {
  if (w->c_record && !bitfield && (index == 0 || w->un)) {
#ifdef BW_IMPORT_CHECK
    long long bits = clang_Cursor_getOffsetOfField(f);
    if (bits != 0) {
      bw_import_skip(w->ctx, f, "offset check: clang places the member at bit %lld, not 0", bits);
      w->ctx->failed = 1;
      bw_error_set(w->ctx->err, BW_EIMPORT, 0, "offset check failed");
    }
#endif
    if (!w->asked) w->placed = f;
    return 0;
  }
  w->asked = 1;
  return clang_Cursor_getOffsetOfField(f);
}

/* After the members: when every one was placed at 0 without asking clang, clang is asked for
 * one of them, so that a record clang cannot lay out fails as it would have. 0, or -1 when
 * reported. */
static int check_placed(field_walk *w) {
  if (w->asked || clang_Cursor_isNull(w->placed)) return 0;
  long long bits = clang_Cursor_getOffsetOfField(w->placed);
  if (bits == 0) return 0;
  if (bits < 0)
    bw_import_skip(w->ctx, w->placed, "clang gives no offset for a member (error %lld)", bits);
  else
    bw_import_skip(w->ctx, w->placed, "clang places the first member at bit %lld", bits);
  return -1;
}

/* Claims a field name: base, or base + sep + N (N = 2, 3...) when a field of the record has
 * it. The record's fields are the names claimed so far: a small record compares them, a
 * large one keeps them in a name set. Returns the name (valid until the next claim) or NULL
 * when out of memory. */
static const char *claim_field_name(field_walk *w, const char *base, const char *sep, char *buf,
                                    size_t cap) {
  const bw_field *list = w->st ? w->st->fields : w->un->members;
  size_t n = w->st ? w->st->count : w->un->member_count;
  if (!w->hashed && (n > 16 || strlen(base) + strlen(sep) + 24 > cap)) {
    w->hashed = 1;
    for (size_t i = 0; i < n; i++)
      if (!bw_nameset_claim(w->names, list[i].name, sep)) return NULL;
  }
  if (w->hashed) return bw_nameset_claim(w->names, base, sep);
  const char *name = base;
  for (unsigned long suffix = 2;; suffix++) {
    size_t i = 0;
    while (i < n && strcmp(list[i].name, name) != 0) i++;
    if (i == n) return name;
    snprintf(buf, cap, "%s%s%lu", base, sep, suffix);
    name = buf;
  }
}

const char *bw_import_hint_text(bw_import_hint *h) {
  if (h->ready) return h->text;
  if (!h->member) {
    snprintf(h->text, sizeof h->text, "%sAnon%zu", h->parent, h->anon);
  } else {
    char buf[256];
    char *pascal = bw_import_type_name_buf(h->member, buf, sizeof buf);
    if (!pascal) return NULL;
    snprintf(h->text, sizeof h->text, "%s%s", h->parent, pascal);
    if (pascal != buf) free(pascal);
  }
  h->ready = 1;
  return h->text;
}

static enum CXVisitorResult find_last_field(CXCursor f, CXClientData data) {
  *(CXCursor *)data = f;
  return CXVisit_Continue;
}

static enum CXVisitorResult visit_field(CXCursor f, CXClientData data) {
  field_walk *w = data;
  bw_import_ctx *ctx = w->ctx;
  size_t index = w->seen++; /* every member counts: an unnamed bitfield may come first */
  int bitfield = clang_Cursor_isBitField(f) != 0;
  int width = bitfield ? clang_getFieldDeclBitWidth(f) : 0;
  CXType ft = clang_getCursorType(f);
  /* The name is used in place (no copy): it is let go of on every way out. */
  bw_import_name spelling;
  const char *c_name = bw_import_field_decl_name(ctx, f, bitfield, ft, &spelling);
  int anonymous = !*c_name;
  if (anonymous && bitfield) goto skip; /* unnamed bitfields are padding */
  if (bitfield && width <= 0) goto skip;
  long long bits = member_offset(w, f, bitfield, index);
  if (bits < 0) {
    bw_import_skip(ctx, f, "clang gives no offset for field '%s' (error %lld)", c_name, bits);
    goto fail;
  }

  /* The names: a C member's own, or anonN for an anonymous struct/union member (whose type is
   * named ParentAnonN); unnamed record types of named fields are named ParentField (the hint,
   * spelt out only when such a type is met). */
  const char *parent = ctx->ents[w->idx].name;
  bw_import_hint hint;
  hint.parent = parent;
  hint.member = NULL;
  hint.anon = 0;
  hint.ready = 0;
  char buf[256]; /* the field name when it fits (base == buf), else malloc'd */
  char *base = NULL;
  if (anonymous) {
    size_t k = ctx->ents[w->idx].anon_count++;
    hint.anon = k;
    snprintf(buf, sizeof buf, "anon%zu", k);
    base = buf;
  } else {
    hint.member = c_name;
    base = bw_import_field_name_buf(c_name, ctx->opts->camel_fields, buf, sizeof buf);
  }
  if (!base) goto fail;

  bw_type *type = NULL;
  /* Only the last member may be flexible: map_type reads the hint from flags, and only for an
   * array without elements ([] or [0], through typedefs): the last member is looked up for
   * those (one more pass over the members, for few records). */
  uint32_t flags = 0;
  /* What the walk knows of the member's type, looked up once: valid while the table keeps its
   * place (tab), which mapping the type may change (emitting what it holds adds types). */
  struct bw_type_text *info = bitfield ? NULL : bw_import_type_info(ctx, ft);
  const struct bw_type_text *tab = ctx->type_text;
  if (!bitfield) {
    int no_elements;
    if (info && info->array_kind) {
      no_elements = info->array_kind == 2;
    } else {
      CXType ct = clang_getCanonicalType(ft);
      no_elements = ct.kind == CXType_IncompleteArray ||
                    (ct.kind == CXType_ConstantArray && clang_getArraySize(ct) == 0);
      if (info) info->array_kind = no_elements ? 2 : 1;
    }
    if (no_elements) {
      if (!w->last_known) {
        w->last_known = 1;
        clang_Type_visitFields(w->record, find_last_field, &w->last);
      }
      if (clang_equalCursors(f, w->last)) flags = BW_FIELD_FLEXIBLE;
    }
  }
  int rc = bitfield ? bitfield_type(ctx, ft, (unsigned)width, &hint, f, &type)
                    : bw_import_map_member(ctx, ft, info, &hint, &flags, f, &type);
  if (ctx->type_text != tab) info = NULL; /* the table grew: look it up again if needed */
  if (rc == MAP_EMPTY) {
    bw_import_warn(ctx, f,
                   "field '%s' of %s takes no space (empty type or zero-length array); "
                   "left out",
                   c_name, parent);
    if (base != buf) free(base);
    goto skip;
  }
  if (rc != MAP_OK || !type) {
    if (base != buf) free(base);
    goto fail;
  }
  if (type->kind != BW_KIND_LIST) flags &= ~BW_FIELD_FLEXIBLE; /* the hint, unused */
  char claimed[300];
  const char *fname =
      claim_field_name(w, base, ctx->opts->camel_fields ? "" : "_", claimed, sizeof claimed);
  if (!fname) {
    if (base != buf) free(base);
    goto fail;
  }
  bw_field *field = w->st ? bw_draft_add_field(ctx->draft, w->st, fname, type)
                          : bw_draft_add_native_member(ctx->draft, w->un, fname, type);
  if (base != buf) free(base); /* fname may be base: the draft has copied it */
  if (!field) goto fail;
  field->offset = (uint64_t)bits / 8;
  if (bitfield) {
    field->flags |= BW_FIELD_BITFIELD;
    field->bit_offset = (uint64_t)bits;
    field->bit_width = (uint32_t)width;
  }
  field->flags |= flags;
  if (anonymous) {
    field->flags |= BW_FIELD_ANONYMOUS;
  } else {
    field->c_name = bw_draft_strdup(ctx->draft, c_name);
  }
  field->c_type = info && info->text ? info->text : bw_import_c_type_text(ctx, ft);
  if (ctx->type_text != tab) info = NULL;
  if (type->kind != BW_KIND_REF && !(flags & BW_FIELD_FLEXIBLE) && !bitfield &&
      add_member_native(ctx, type, ft, info) != 0)
    goto fail;
  w->count++;
skip:
  bw_import_name_done(&spelling);
  return CXVisit_Continue;
fail:
  bw_import_name_done(&spelling);
  w->failed = 1;
  return CXVisit_Break;
}

static int record_packed(CXCursor c);

/* Builds a struct (STRUCT node) or union (data[size] with its members) for entity idx. */
int bw_import_build_record(bw_import_ctx *ctx, size_t idx, bw_type **out, int *empty) {
  CXCursor c = ctx->ents[idx].cursor;
  int is_union = ctx->ents[idx].kind == BW_ENT_UNION;
  CXType rt = clang_getCursorType(c);
  if (clang_isInvalidDeclaration(c)) {
    bw_import_skip(ctx, c, "%s has errors (see clang's diagnostics)",
                   ctx->ents[idx].c_name ? ctx->ents[idx].c_name : ctx->ents[idx].name);
    return MAP_FAIL;
  }
  long long size = clang_Type_getSizeOf(rt), align = clang_Type_getAlignOf(rt);
  if (size < 0 || align <= 0) {
    bw_import_skip(ctx, c, "clang gives no layout for %s (error %lld)",
                   ctx->ents[idx].c_name ? ctx->ents[idx].c_name : ctx->ents[idx].name, size);
    return MAP_FAIL;
  }
  if (size == 0) {
    bw_import_warn(ctx, c, "%s is empty; BARE has no empty records, left out",
                   ctx->ents[idx].c_name ? ctx->ents[idx].c_name : ctx->ents[idx].name);
    *empty = 1;
    return MAP_EMPTY;
  }
  bw_draft *d = ctx->draft;
  bw_type *t = is_union ? bw_draft_data_fixed(d, (uint64_t)size) : bw_draft_type(d, BW_KIND_STRUCT);
  bw_native *n = bw_draft_native(d, t);
  if (!t || !n) return MAP_FAIL;
  field_walk w;
  memset(&w, 0, sizeof w);
  w.ctx = ctx;
  w.idx = idx;
  w.st = is_union ? NULL : t;
  w.un = is_union ? n : NULL;
  /* One name set per emission depth, reused from record to record: a member's type may be a
   * record emitted (with its own names) while this one is half built. */
  if (ctx->depth >= ctx->field_name_count) {
    size_t count = ctx->depth + 8;
    bw_nameset *sets = realloc(ctx->field_names, count * sizeof *sets);
    if (!sets) return MAP_FAIL;
    memset(sets + ctx->field_name_count, 0, (count - ctx->field_name_count) * sizeof *sets);
    ctx->field_names = sets;
    ctx->field_name_count = count;
  }
  w.names = &ctx->field_names[ctx->depth];
  bw_nameset_clear(w.names);
  w.record = rt;
  w.last = clang_getNullCursor();
  w.placed = clang_getNullCursor();
  w.c_record = clang_getCursorLanguage(c) == CXLanguage_C;
  long long visited = clang_Type_visitFields(rt, visit_field, &w);
  if (w.failed || check_placed(&w) != 0) return MAP_FAIL;
  if (visited < 0) {
    bw_import_skip(ctx, c, "clang cannot list the members of %s (error %lld)",
                   ctx->ents[idx].c_name ? ctx->ents[idx].c_name : ctx->ents[idx].name, visited);
    return MAP_FAIL;
  }
  if (w.count == 0) {
    /* Only unnamed bitfields or members of empty types: nothing BARE can carry. */
    bw_import_warn(ctx, c, "%s has no members BARE can carry; left out",
                   ctx->ents[idx].c_name ? ctx->ents[idx].c_name : ctx->ents[idx].name);
    *empty = 1;
    return MAP_EMPTY;
  }
  bw_import_entity_site(ctx, &ctx->ents[idx]);
  const bw_entity *e = &ctx->ents[idx];
  n->size = (uint64_t)size;
  n->align = (uint64_t)align;
  if (is_union) n->flags |= BW_NATIVE_C_UNION;
  if (record_packed(c)) n->flags |= BW_NATIVE_PACKED;
  n->c_name = e->tag && !e->unnamed ? bw_draft_strdup(d, e->c_name) : NULL;
  n->file = e->file ? bw_draft_strdup(d, e->file) : NULL;
  n->line = e->line;
  *out = t;
  return MAP_OK;
}

static enum CXChildVisitResult find_packed(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  if (clang_getCursorKind(c) == CXCursor_PackedAttr) {
    *(int *)data = 1;
    return CXChildVisit_Break;
  }
  return CXChildVisit_Continue;
}

static int record_packed(CXCursor c) {
  /* Most records have no attribute at all: then there is no child to look through. */
  if (!clang_Cursor_hasAttrs(c)) return 0;
  int packed = 0;
  clang_visitChildren(c, find_packed, &packed);
  return packed;
}

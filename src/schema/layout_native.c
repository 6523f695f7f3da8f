/* barewire schema module: the native layout pass of validation.
 *
 * Two jobs, in one walk of every type tree in dependency order:
 * - a native layout the draft already carries (imported from C, or read back from `#@`
 *   annotations) is checked for consistency: alignment a power of two, the size agreeing with
 *   the wire type (a u32 is 4 bytes, a uint or int 8, data[N] is N bytes, list<T>[N] spans N
 * elements), every field and C union member inside the record, bitfields within their storage type
 * and the record, a flexible array member last;
 * - for a schema without a target (hand-written), every fixed-size type without a layout gets
 *   the natural layout a C compiler on this host gives the equivalent declaration
 *   (BW_NATIVE_NATURAL): primitives at their C alignment (uint and int as uint64_t and
 *   int64_t), data[N] as N bytes, list<T>[N] as an array, an enum as a C enum of those values, a
 * struct by the C rules (each field at the next multiple of its alignment, size rounded up to the
 * struct's alignment). Sizes are computed with overflow checks; a layout that does not fit in 64
 * bits is no layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_internal.h"

/* Layout facts of one node: ok says it has a fixed native size. */
typedef struct lay {
  uint64_t size;
  uint64_t align;
  int ok;
} lay;

typedef struct lctx {
  bw_vctx *v;
  int natural;          /* compute natural layouts (schema without a target) */
  lay *memo;            /* per user type index */
  unsigned char *state; /* per user type index: 1 once memo holds its layout */
  /* Natural layouts of primitives, one per kind, shared by every node of that kind (nodes are
   * read-only once validated): thousands of fields cost no allocation each. */
  bw_native *primitive[BW_KIND_COUNT];
} lctx;

static const lay no_layout = {0, 0, 0};

/* Native size of `uint` and `int`: they are held in memory as uint64_t and int64_t. */
#define VARINT_NATIVE_SIZE 8u

/* ---- descriptions for messages ---------------------------------------------------------- */

static void describe(const bw_type *t, char *buf, size_t size, int depth) {
  if (!t) {
    snprintf(buf, size, "?");
    return;
  }
  if (depth > 6) {
    snprintf(buf, size, "...");
    return;
  }
  char inner[256], inner2[256];
  switch (t->kind) {
    case BW_KIND_REF:
      snprintf(buf, size, "'%.100s'", t->ref_name ? t->ref_name : "?");
      break;
    case BW_KIND_DATA_FIXED:
      snprintf(buf, size, "data[%llu]", (unsigned long long)t->length);
      break;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
      describe(t->elem, inner, sizeof inner, depth + 1);
      snprintf(buf, size, "%s<%s>", bw_kind_name(t->kind), inner);
      break;
    case BW_KIND_LIST_FIXED:
      describe(t->elem, inner, sizeof inner, depth + 1);
      snprintf(buf, size, "list<%s>[%llu]", inner, (unsigned long long)t->length);
      break;
    case BW_KIND_MAP:
      describe(t->key, inner, sizeof inner, depth + 1);
      describe(t->elem, inner2, sizeof inner2, depth + 1);
      snprintf(buf, size, "map<%s><%s>", inner, inner2);
      break;
    case BW_KIND_STRUCT:
    case BW_KIND_ENUM:
    case BW_KIND_UNION:
      snprintf(buf, size, "%s {...}", bw_kind_name(t->kind));
      break;
    default:
      snprintf(buf, size, "%s", bw_kind_name(t->kind));
      break;
  }
}

void bw_type_describe(const bw_type *t, char *buf, size_t size) {
  if (!buf || size == 0) return;
  describe(t, buf, size, 0);
}

/* ---- host facts ------------------------------------------------------------------------- */

static uint64_t host_align(bw_kind kind) {
  switch (kind) {
    case BW_KIND_UINT:
      return _Alignof(uint64_t);
    case BW_KIND_INT:
      return _Alignof(int64_t);
    case BW_KIND_U8:
      return _Alignof(uint8_t);
    case BW_KIND_I8:
      return _Alignof(int8_t);
    case BW_KIND_U16:
      return _Alignof(uint16_t);
    case BW_KIND_I16:
      return _Alignof(int16_t);
    case BW_KIND_U32:
      return _Alignof(uint32_t);
    case BW_KIND_I32:
      return _Alignof(int32_t);
    case BW_KIND_U64:
      return _Alignof(uint64_t);
    case BW_KIND_I64:
      return _Alignof(int64_t);
    case BW_KIND_F32:
      return _Alignof(float);
    case BW_KIND_F64:
      return _Alignof(double);
    case BW_KIND_BOOL:
      return _Alignof(_Bool);
    default:
      return 1;
  }
}

/* A C enum whose values are all >= 0 gets unsigned int from gcc and clang, or the 64-bit
 * unsigned long when a value does not fit in 32 bits. */
#define ENUM_WIDE_TYPE_NAME (sizeof(unsigned long) == 8 ? "unsigned long" : "unsigned long long")
#define ENUM_WIDE_ALIGN                                                                            \
  (sizeof(unsigned long) == 8 ? _Alignof(unsigned long) : _Alignof(unsigned long long))

static int is_pow2(uint64_t x) {
  return x != 0 && (x & (x - 1)) == 0;
}

/* x rounded up to a multiple of align (a power of two); 0 on overflow (*ok cleared). */
static uint64_t round_up(uint64_t x, uint64_t align, int *ok) {
  if (x > UINT64_MAX - (align - 1)) {
    *ok = 0;
    return 0;
  }
  return (x + align - 1) & ~(align - 1);
}

/* ---- natural layouts -------------------------------------------------------------------- */

static const char *primitive_c_type(bw_kind kind) {
  switch (kind) {
    case BW_KIND_UINT:
      return "uint64_t";
    case BW_KIND_INT:
      return "int64_t";
    case BW_KIND_U8:
      return "uint8_t";
    case BW_KIND_U16:
      return "uint16_t";
    case BW_KIND_U32:
      return "uint32_t";
    case BW_KIND_U64:
      return "uint64_t";
    case BW_KIND_I8:
      return "int8_t";
    case BW_KIND_I16:
      return "int16_t";
    case BW_KIND_I32:
      return "int32_t";
    case BW_KIND_I64:
      return "int64_t";
    case BW_KIND_F32:
      return "float";
    case BW_KIND_F64:
      return "double";
    case BW_KIND_BOOL:
      return "bool";
    default:
      return NULL;
  }
}

/* The C spelling of a field of type t in the equivalent C declaration: "uint32_t",
 * "uint8_t[16]", "Point[2][3]" (user types as if typedef'd under their BARE name). */
static const char *natural_c_type(lctx *L, const bw_type *t) {
  /* The common cases need no copy: a static spelling, or the name the REF already holds. */
  if (primitive_c_type(t->kind)) return primitive_c_type(t->kind);
  if (t->kind == BW_KIND_REF) return t->ref_name;
  if (t->kind == BW_KIND_STRUCT) return "struct {...}";
  if (t->kind == BW_KIND_ENUM) return "enum {...}";
  char dims[1024] = "", base[160];
  size_t used = 0;
  while (t->kind == BW_KIND_LIST_FIXED || t->kind == BW_KIND_DATA_FIXED) {
    if (used < sizeof dims) {
      int n = snprintf(dims + used, sizeof dims - used, "[%llu]", (unsigned long long)t->length);
      if (n > 0) used += (size_t)n;
    }
    if (t->kind == BW_KIND_DATA_FIXED) break;
    t = t->elem;
  }
  if (t->kind == BW_KIND_DATA_FIXED)
    snprintf(base, sizeof base, "uint8_t");
  else if (t->kind == BW_KIND_REF)
    snprintf(base, sizeof base, "%.150s", t->ref_name);
  else if (t->kind == BW_KIND_STRUCT)
    snprintf(base, sizeof base, "struct {...}");
  else if (t->kind == BW_KIND_ENUM)
    snprintf(base, sizeof base, "enum {...}");
  else
    snprintf(base, sizeof base, "%s", primitive_c_type(t->kind) ? primitive_c_type(t->kind) : "?");
  char out[1200];
  snprintf(out, sizeof out, "%s%s", base, dims);
  char *p = bw_arena_strdup(&L->v->s->arena, out);
  if (!p) L->v->oom = 1;
  return p;
}

static bw_native *new_native(lctx *L, bw_type *t, lay l) {
  bw_native *n = bw_arena_alloc(&L->v->s->arena, sizeof *n);
  if (!n) {
    L->v->oom = 1;
    return NULL;
  }
  n->size = l.size;
  n->align = l.align;
  n->flags = BW_NATIVE_NATURAL;
  t->native = n;
  return n;
}

static lay node_layout(lctx *L, bw_type *t, size_t depth);
static lay ref_layout(lctx *L, bw_type *t);

static lay natural_struct(lctx *L, bw_type *t, size_t depth) {
  uint64_t offset = 0, align = 1;
  int ok = 1;
  for (size_t i = 0; i < t->count; i++) {
    bw_field *f = &t->fields[i];
    lay fl = node_layout(L, f->type, depth + 1);
    if (!fl.ok || !ok) {
      ok = 0;
      continue; /* keep walking: inner types still get their layouts */
    }
    offset = round_up(offset, fl.align, &ok);
    f->offset = offset;
    if (fl.size > UINT64_MAX - offset) ok = 0;
    offset += fl.size;
    if (fl.align > align) align = fl.align;
  }
  if (!ok) return no_layout;
  lay l = {round_up(offset, align, &ok), align, 1};
  if (!ok) return no_layout;
  for (size_t i = 0; i < t->count; i++) {
    bw_field *f = &t->fields[i];
    f->c_name = f->name;
    f->c_type = natural_c_type(L, f->type);
  }
  return l;
}

static lay natural_enum(lctx *L, bw_type *t) {
  uint64_t max = 0;
  for (size_t i = 0; i < t->count; i++)
    if (t->members[i].value > max) max = t->members[i].value;
  int wide = max > UINT32_MAX;
  lay l = {wide ? 8 : sizeof(unsigned int), wide ? ENUM_WIDE_ALIGN : _Alignof(unsigned int), 1};
  bw_native *n = new_native(L, t, l);
  if (n) {
    n->flags |= BW_NATIVE_C_ENUM;
    n->underlying = wide ? ENUM_WIDE_TYPE_NAME : "unsigned int";
  }
  return l;
}

/* ---- checks of given layouts ------------------------------------------------------------ */

/* A type's description for messages, made only when a message needs it. */
typedef struct tdesc {
  const bw_type *t;
  char text[160];
} tdesc;

static const char *tdesc_text(tdesc *d) {
  if (!d->text[0]) bw_type_describe(d->t, d->text, sizeof d->text);
  return d->text;
}

static bw_pos pos_or(bw_pos a, bw_pos b) {
  return a.line ? a : b;
}

/* Checks a field of a record with a native layout (or a member of a C union) of size
 * record_size. fl is the layout of the field's type. */
static void check_member(lctx *L, const bw_type *record, const bw_field *f, lay fl,
                         uint64_t record_size, const char *what) {
  bw_vctx *v = L->v;
  bw_pos pos = pos_or(f->pos, record->pos);
  tdesc type = {f->type, ""};
  const char *name = f->name ? f->name : "?";
  if (f->flags & BW_FIELD_FLEXIBLE) {
    if (f->type->kind != BW_KIND_LIST)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "flexible array member '%.100s' must have a list type, not %s", name,
                     tdesc_text(&type));
    if (f->offset > record_size)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "flexible array member '%.100s' starts at offset %llu, past the end of the "
                     "record (size %llu)",
                     name, (unsigned long long)f->offset, (unsigned long long)record_size);
    return;
  }
  if (f->flags & BW_FIELD_BITFIELD) {
    if (!fl.ok) {
      bw_vctx_report(v, BW_ESCHEMA, pos, "bitfield '%.100s' has type %s, which cannot hold bits",
                     name, tdesc_text(&type));
      return;
    }
    uint64_t storage_bits = fl.size > UINT64_MAX / 8 ? UINT64_MAX : fl.size * 8;
    uint64_t record_bits = record_size > UINT64_MAX / 8 ? UINT64_MAX : record_size * 8;
    if (f->bit_width == 0 || f->bit_width > storage_bits)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "bitfield '%.100s' is %u bits wide, which does not fit its type %s (%llu "
                     "bits)",
                     name, (unsigned)f->bit_width, tdesc_text(&type),
                     (unsigned long long)storage_bits);
    else if (f->bit_width > record_bits || f->bit_offset > record_bits - f->bit_width)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "bitfield '%.100s' (bits %llu..%llu) extends past the end of the %s (%llu "
                     "bits)",
                     name, (unsigned long long)f->bit_offset,
                     (unsigned long long)(f->bit_offset + f->bit_width - 1), what,
                     (unsigned long long)record_bits);
    if (f->offset != f->bit_offset / 8)
      bw_vctx_report(v, BW_ESCHEMA, pos,
                     "bitfield '%.100s' has byte offset %llu but bit offset %llu (byte %llu)", name,
                     (unsigned long long)f->offset, (unsigned long long)f->bit_offset,
                     (unsigned long long)(f->bit_offset / 8));
    return;
  }
  if (!fl.ok) {
    bw_vctx_report(v, BW_ESCHEMA, pos, "%s '%.100s' is %s, which has no fixed native size",
                   what[0] == 'r' ? "field" : "member", name, tdesc_text(&type));
    return;
  }
  if (fl.size > record_size || f->offset > record_size - fl.size)
    bw_vctx_report(v, BW_ESCHEMA, pos,
                   "%s '%.100s' (offset %llu, size %llu) extends past the end of the %s (size "
                   "%llu)",
                   what[0] == 'r' ? "field" : "member", name, (unsigned long long)f->offset,
                   (unsigned long long)fl.size, what, (unsigned long long)record_size);
}

/* A C enum: an integer's size, every value fits it. */
static void check_enum_native(bw_vctx *v, const bw_type *t) {
  const bw_native *n = t->native;
  if (n->size != 1 && n->size != 2 && n->size != 4 && n->size != 8) {
    bw_vctx_report(v, BW_ESCHEMA, t->pos,
                   "enum has native size %llu, which is not the size of an integer type",
                   (unsigned long long)n->size);
    return;
  }
  for (size_t i = 0; i < t->count; i++)
    if (n->size < 8 && t->members[i].value >> (n->size * 8))
      bw_vctx_report(v, BW_ESCHEMA, pos_or(t->members[i].pos, t->pos),
                     "enum value %llu of '%.100s' does not fit the enum's native size of %llu "
                     "bytes",
                     (unsigned long long)t->members[i].value, t->members[i].name,
                     (unsigned long long)n->size);
}

/* A record: every field inside it, a flexible array member last. */
static void check_struct_native(lctx *L, bw_type *t, size_t depth) {
  for (size_t i = 0; i < t->count; i++) {
    bw_field *f = &t->fields[i];
    lay fl = node_layout(L, f->type, depth + 1);
    if ((f->flags & BW_FIELD_FLEXIBLE) && i + 1 != t->count)
      bw_vctx_report(L->v, BW_ESCHEMA, pos_or(f->pos, t->pos),
                     "flexible array member '%.100s' must be the last field", f->name);
    check_member(L, t, f, fl, t->native->size, "record");
  }
}

/* A layout the draft brought with it: checked, then taken as is. */
static lay given_layout(lctx *L, bw_type *t, size_t depth) {
  bw_vctx *v = L->v;
  bw_native *n = t->native;
  tdesc type = {t, ""};
  if (!is_pow2(n->align))
    bw_vctx_report(v, BW_ESCHEMA, t->pos, "native alignment %llu of %s is not a power of two",
                   (unsigned long long)n->align, tdesc_text(&type));
  /* No "size is a multiple of align" check: a typedef may over-align what it names
   * (`typedef struct {...} t __attribute__((aligned(32)))` keeps size 16, align 32), and an
   * anonymous record takes its typedef's name and layout. */
  lay l = {n->size, n->align, 1};
  switch (t->kind) {
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
    case BW_KIND_F32:
    case BW_KIND_F64:
    case BW_KIND_BOOL:
      if (n->size != bw_kind_width(t->kind))
        bw_vctx_report(v, BW_ESCHEMA, t->pos, "%s has native size %llu, but a %s is %u bytes",
                       tdesc_text(&type), (unsigned long long)n->size, tdesc_text(&type),
                       bw_kind_width(t->kind));
      break;
    case BW_KIND_UINT:
    case BW_KIND_INT:
      /* A varint is held in memory as the widest C integer of its sign, whatever its wire
       * size: a narrower C field must be annotated with its own fixed-width type. */
      if (n->size != VARINT_NATIVE_SIZE)
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "%s has native size %llu, but %s is held in memory as %s (%u bytes)",
                       tdesc_text(&type), (unsigned long long)n->size, tdesc_text(&type),
                       primitive_c_type(t->kind), (unsigned)VARINT_NATIVE_SIZE);
      break;
    case BW_KIND_DATA_FIXED:
      if (n->size != t->length)
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "%s has native size %llu: a C union or byte array carried as data[N] "
                       "must have N equal to its size",
                       tdesc_text(&type), (unsigned long long)n->size);
      for (size_t i = 0; i < n->member_count; i++) {
        lay ml = node_layout(L, n->members[i].type, depth + 1);
        check_member(L, t, &n->members[i], ml, n->size, "union");
      }
      break;
    case BW_KIND_LIST_FIXED: {
      /* The elements are contiguous from offset 0. A list of numbers may end in padding to
       * its own alignment (a 3-element vector: 12 bytes of floats in a 16-byte, 16-aligned
       * type); a list of aggregates may not, since its elements' own padding would have no
       * place in the text. */
      lay e = node_layout(L, t->elem, depth + 1);
      int overflow = e.size > UINT64_MAX / t->length;
      uint64_t span = overflow ? 0 : e.size * t->length;
      uint64_t pad_max = bw_kind_is_fixed_primitive(bw_type_resolve(t->elem)->kind) ? n->align : 1;
      if (e.ok && (overflow || span > n->size || n->size - span >= pad_max))
        bw_vctx_report(v, BW_ESCHEMA, t->pos,
                       "%s has native size %llu, but %llu elements of size %llu span %llu%s",
                       tdesc_text(&type), (unsigned long long)n->size,
                       (unsigned long long)t->length, (unsigned long long)e.size,
                       (unsigned long long)span,
                       overflow          ? " (overflow)"
                       : n->size <= span ? ""
                       : pad_max == 1    ? " (only a list of numbers may end in padding)"
                                         : " (more padding than its alignment)");
      break;
    }
    case BW_KIND_ENUM:
      check_enum_native(v, t);
      break;
    case BW_KIND_STRUCT:
      check_struct_native(L, t, depth);
      break;
    case BW_KIND_REF: {
      /* A REF's own layout (a typedef's spelling) must agree with the type it names. */
      lay r = ref_layout(L, t);
      if (r.ok && r.size != n->size)
        bw_vctx_report(v, BW_ESCHEMA, t->pos, "alias of %s has native size %llu, but %s is %llu",
                       tdesc_text(&type), (unsigned long long)n->size, tdesc_text(&type),
                       (unsigned long long)r.size);
      break;
    }
    default:
      bw_vctx_report(v, BW_ESCHEMA, t->pos, "%s cannot have a native layout: it has no fixed size",
                     tdesc_text(&type));
      l = no_layout;
      break;
  }
  return l;
}

/* ---- the walk --------------------------------------------------------------------------- */

static lay ref_layout(lctx *L, bw_type *t) {
  if (!t->ref || !L->state[t->ref->index]) return no_layout;
  return L->memo[t->ref->index];
}

static lay node_layout(lctx *L, bw_type *t, size_t depth) {
  if (!t || depth > L->v->max_depth) return no_layout;
  if (t->native && !(t->native->flags & BW_NATIVE_NATURAL)) {
    return given_layout(L, t, depth);
  }
  lay l = no_layout;
  switch (t->kind) {
    case BW_KIND_U8:
    case BW_KIND_U16:
    case BW_KIND_U32:
    case BW_KIND_U64:
    case BW_KIND_I8:
    case BW_KIND_I16:
    case BW_KIND_I32:
    case BW_KIND_I64:
    case BW_KIND_F32:
    case BW_KIND_F64:
    case BW_KIND_BOOL:
      l = (lay){bw_kind_width(t->kind), L->natural ? host_align(t->kind) : bw_kind_width(t->kind),
                1};
      break;
    case BW_KIND_UINT:
    case BW_KIND_INT:
      l = (lay){VARINT_NATIVE_SIZE, L->natural ? host_align(t->kind) : VARINT_NATIVE_SIZE, 1};
      break;
    case BW_KIND_DATA_FIXED:
      l = (lay){t->length, 1, 1};
      break;
    case BW_KIND_LIST_FIXED: {
      lay e = node_layout(L, t->elem, depth + 1);
      if (e.ok && e.size <= UINT64_MAX / t->length) l = (lay){e.size * t->length, e.align, 1};
      break;
    }
    case BW_KIND_ENUM:
      if (L->natural) return natural_enum(L, t);
      break;
    case BW_KIND_STRUCT:
      if (L->natural) {
        l = natural_struct(L, t, depth);
      } else {
        for (size_t i = 0; i < t->count; i++) node_layout(L, t->fields[i].type, depth + 1);
      }
      break;
    case BW_KIND_REF:
      l = ref_layout(L, t);
      /* A natural REF node shares the layout of the type it names. */
      if (L->natural && l.ok && !t->native) t->native = t->ref->type->native;
      return l;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
      node_layout(L, t->elem, depth + 1);
      break;
    case BW_KIND_MAP:
      node_layout(L, t->key, depth + 1);
      node_layout(L, t->elem, depth + 1);
      break;
    case BW_KIND_UNION:
      for (size_t i = 0; i < t->count; i++) node_layout(L, t->variants[i].type, depth + 1);
      break;
    default:
      break;
  }
  if (L->natural && l.ok && !t->native) {
    int shared =
        bw_kind_is_fixed_primitive(t->kind) || (t->kind == BW_KIND_UINT || t->kind == BW_KIND_INT);
    if (shared && L->primitive[t->kind])
      t->native = L->primitive[t->kind];
    else if (new_native(L, t, l) && shared)
      L->primitive[t->kind] = t->native;
  }
  return l;
}

void bw_layout_native_pass(bw_vctx *v) {
  struct bw_schema *s = v->s;
  size_t n = s->type_count;
  lctx L = {v, !s->has_target, calloc(n ? n : 1, sizeof(lay)), calloc(n ? n : 1, 1), {0}};
  if (!L.memo || !L.state) {
    v->oom = 1;
  } else {
    for (size_t k = 0; k < n; k++) {
      size_t i = v->order[k];
      v->cur = i;
      L.memo[i] = node_layout(&L, s->types[i]->type, 1);
      L.state[i] = 1;
    }
  }
  free(L.memo);
  free(L.state);
}

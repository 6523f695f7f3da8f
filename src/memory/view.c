/* barewire memory: views and the layout facts they are built from.
 *
 * Sizes of native values, locations of fields (byte offset, or byte plus bit position for
 * bitfields), names of types for messages, and binding a location to a region. Nothing here
 * reads the memory a view covers; the loads and stores are in accessor.c. */
#include <stdint.h>

#include "memory_internal.h"

const bw_native *bw_mem_native(const bw_type *t) {
  const bw_type *r = bw_type_resolve(t);
  if (r && r->native) return r->native;
  for (unsigned depth = 0; t && t->kind == BW_KIND_REF && depth < BW_MEM_MAX_DEPTH; depth++) {
    if (t->native) return t->native;
    t = t->ref ? t->ref->type : NULL;
  }
  return NULL;
}

const char *bw_mem_type_name(const bw_schema *s, const bw_type *declared) {
  if (!declared) return "?";
  /* A user type's own node first (an alias is named by itself, not by what it names). */
  size_t n = bw_schema_type_count(s);
  for (size_t i = 0; i < n; i++) {
    const bw_user_type *ut = bw_schema_type_at(s, i);
    if (ut && ut->type == declared) return ut->name;
  }
  if (declared->kind == BW_KIND_REF && declared->ref_name) return declared->ref_name;
  const bw_native *nat = bw_mem_native(declared);
  if (nat && nat->c_name) return nat->c_name;
  return bw_kind_name(bw_type_resolve(declared)->kind);
}

uint32_t bw_mem_scalar_width(const bw_type *t, const bw_native *n) {
  if (bw_kind_is_fixed_primitive(t->kind)) return bw_kind_width(t->kind);
  if (bw_mem_kind_varint(t->kind)) return BW_MEM_VARINT_SIZE;
  if (t->kind == BW_KIND_ENUM) {
    uint64_t size = n && n->size ? n->size : BW_MEM_ENUM_DEFAULT_SIZE;
    return size == 1 || size == 2 || size == 4 || size == 8 ? (uint32_t)size : 0;
  }
  return 0;
}

static int type_size(const bw_schema *s, const bw_type *t, uint64_t *size, unsigned depth,
                     bw_error *err) {
  const bw_type *r = bw_type_resolve(t);
  const bw_native *n = bw_mem_native(t);
  if (!r || depth > BW_MEM_MAX_DEPTH)
    return bw_error_set(err, BW_ELIMIT, 0, "type nesting too deep");
  switch (r->kind) {
    case BW_KIND_ENUM: {
      uint32_t w = bw_mem_scalar_width(r, n);
      if (!w)
        return bw_error_set(err, BW_ENOLAYOUT, 0, "enum %s has a native size of %llu bytes",
                            bw_mem_type_name(s, t), (unsigned long long)(n ? n->size : 0));
      *size = w;
      return 0;
    }
    case BW_KIND_DATA_FIXED:
      *size = n && n->size ? n->size : r->length;
      return 0;
    case BW_KIND_LIST_FIXED: {
      uint64_t es;
      int rc = type_size(s, r->elem, &es, depth + 1, err);
      if (rc) return rc;
      if (es && r->length > UINT64_MAX / es)
        return bw_error_set(err, BW_ELIMIT, 0, "array size overflows");
      *size = es * r->length;
      return 0;
    }
    case BW_KIND_STRUCT:
      if (!n)
        return bw_error_set(err, BW_ENOLAYOUT, 0, "type %s has no native layout",
                            bw_mem_type_name(s, t));
      *size = n->size;
      return 0;
    default:
      if (bw_kind_is_fixed_primitive(r->kind) || bw_mem_kind_varint(r->kind)) {
        *size = bw_mem_scalar_width(r, n);
        return 0;
      }
      return bw_error_set(err, BW_ENOLAYOUT, 0, "type %s (%s) has no fixed native size",
                          bw_mem_type_name(s, t), bw_kind_name(r->kind));
  }
}

int bw_mem_type_size(const bw_schema *s, const bw_type *t, uint64_t *size, bw_error *err) {
  return type_size(s, t, size, 0, err);
}

int bw_mem_loc_root(const bw_schema *s, const bw_type *t, mem_loc *loc, bw_error *err) {
  memset(loc, 0, sizeof *loc);
  int rc = bw_mem_type_size(s, t, &loc->size, err);
  if (rc) return rc;
  loc->declared = t;
  loc->type = bw_type_resolve(t);
  loc->native = bw_mem_native(t);
  return 0;
}

int bw_mem_loc_field(const bw_schema *s, const mem_loc *parent, const bw_field *f, mem_loc *out,
                     bw_error *err) {
  mem_loc loc;
  memset(&loc, 0, sizeof loc);
  loc.declared = f->type;
  loc.type = bw_type_resolve(f->type);
  loc.native = bw_mem_native(f->type);
  loc.field_flags = f->flags;
  loc.field = f;
  const char *fname = f->c_name ? f->c_name : f->name;
  if (f->flags & BW_FIELD_BITFIELD) {
    if (f->bit_width == 0 || f->bit_width > 64 || !bw_mem_scalar_width(loc.type, loc.native))
      return bw_error_set(err, BW_ESCHEMA, 0, "bitfield %s of %s: bad width or type", fname,
                          bw_mem_type_name(s, parent->declared));
    uint64_t first = f->bit_offset / 8;
    loc.bit_shift = (uint32_t)(f->bit_offset % 8);
    loc.bit_width = f->bit_width;
    loc.size = (loc.bit_shift + loc.bit_width + 7) / 8;
    if (first > parent->size || loc.size > parent->size - first)
      return bw_error_set(err, BW_ESCHEMA, 0, "bitfield %s lies outside %s", fname,
                          bw_mem_type_name(s, parent->declared));
    loc.offset = parent->offset + first;
  } else if (f->flags & BW_FIELD_FLEXIBLE) {
    if (loc.type->kind != BW_KIND_LIST || f->offset > parent->size)
      return bw_error_set(err, BW_ESCHEMA, 0, "flexible array %s of %s is malformed", fname,
                          bw_mem_type_name(s, parent->declared));
    uint64_t es;
    int rc = bw_mem_type_size(s, loc.type->elem, &es, err);
    if (rc) return rc;
    loc.offset = parent->offset + f->offset;
    loc.size = 0;
  } else {
    int rc = bw_mem_type_size(s, f->type, &loc.size, err);
    if (rc) return rc;
    if (f->offset > parent->size || loc.size > parent->size - f->offset)
      return bw_error_set(err, BW_ESCHEMA, 0, "field %s lies outside %s", fname,
                          bw_mem_type_name(s, parent->declared));
    loc.offset = parent->offset + f->offset;
  }
  *out = loc;
  return 0;
}

int bw_mem_kind_signed(bw_kind k) {
  return k == BW_KIND_I8 || k == BW_KIND_I16 || k == BW_KIND_I32 || k == BW_KIND_I64 ||
         k == BW_KIND_INT;
}

const bw_enum_member *bw_mem_enum_member(const bw_type *t, uint64_t value) {
  for (size_t i = 0; i < t->count; i++)
    if (t->members[i].value == value) return &t->members[i];
  return NULL;
}

static int find_flex(const bw_type *t, const bw_type **elem, uint64_t *offset, unsigned depth) {
  const bw_type *r = bw_type_resolve(t);
  if (!r || r->kind != BW_KIND_STRUCT || r->count == 0 || depth > BW_MEM_MAX_DEPTH)
    return BW_ENOTFOUND;
  const bw_field *f = &r->fields[r->count - 1];
  if (f->flags & BW_FIELD_FLEXIBLE) {
    const bw_type *lt = bw_type_resolve(f->type);
    if (lt->kind != BW_KIND_LIST) return BW_ENOTFOUND;
    *elem = lt->elem;
    *offset = f->offset;
    return 0;
  }
  if (f->flags & BW_FIELD_BITFIELD) return BW_ENOTFOUND;
  uint64_t inner;
  int rc = find_flex(f->type, elem, &inner, depth + 1);
  if (rc) return rc;
  *offset = f->offset + inner;
  return 0;
}

int bw_mem_find_flex(const bw_type *t, const bw_type **elem, uint64_t *offset) {
  return find_flex(t, elem, offset, 0);
}

int bw_mem_view_from_loc(const bw_schema *s, const bw_region *r, uint64_t base_off,
                         const mem_loc *loc, bw_view *v, bw_error *err) {
  if (base_off > UINT64_MAX - loc->offset)
    return bw_error_set(err, BW_ERANGE, base_off, "offset overflows");
  uint64_t off = base_off + loc->offset;
  if (off > r->len || loc->size > r->len - off)
    return bw_error_set(err, BW_ERANGE, off,
                        "%s (%llu bytes) at offset %llu does not fit in a region of %zu bytes",
                        bw_mem_type_name(s, loc->declared), (unsigned long long)loc->size,
                        (unsigned long long)off, r->len);
  memset(v, 0, sizeof *v);
  v->schema = s;
  v->type = loc->type;
  v->declared = loc->declared;
  v->native = loc->native;
  v->region = *r;
  v->offset = off;
  v->size = loc->size;
  v->base = r->base ? r->base + off : NULL;
  v->avail = r->len - off;
  v->bit_shift = loc->bit_shift;
  v->bit_width = loc->bit_width;
  v->field_flags = loc->field_flags;
  v->field = loc->field;
  v->big_endian = bw_schema_big_endian(s);
  v->swap = v->big_endian != bw_host_big_endian();
  return 0;
}

int bw_view_init_type(bw_view *v, const bw_schema *s, const bw_type *type, const bw_region *r,
                      uint64_t offset, bw_error *err) {
  if (!v || !s || !type || !r) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  mem_loc loc;
  int rc = bw_mem_loc_root(s, type, &loc, err);
  if (rc) return rc;
  return bw_mem_view_from_loc(s, r, offset, &loc, v, err);
}

int bw_view_init(bw_view *v, const bw_schema *s, const char *type_name, const bw_region *r,
                 uint64_t offset, bw_error *err) {
  if (!v || !s || !type_name || !r) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  const bw_user_type *ut = bw_schema_find(s, type_name);
  if (!ut) return bw_error_set(err, BW_ENOTFOUND, 0, "no type named '%s' in the schema", type_name);
  return bw_view_init_type(v, s, ut->type, r, offset, err);
}

bw_kind bw_view_kind(const bw_view *v) {
  return v->type->kind;
}

const char *bw_view_type_name(const bw_view *v) {
  return bw_mem_type_name(v->schema, v->declared);
}

uint64_t bw_view_length(const bw_view *v) {
  if (v->type->kind == BW_KIND_LIST_FIXED) return v->type->length;
  if (v->type->kind == BW_KIND_LIST && (v->field_flags & BW_FIELD_FLEXIBLE)) {
    uint64_t es;
    if (bw_mem_type_size(v->schema, v->type->elem, &es, NULL) || es == 0) return 0;
    return v->avail / es;
  }
  return 0;
}

int bw_view_native_size(const bw_view *v, uint64_t flex_count, uint64_t *size, bw_error *err) {
  const bw_type *elem;
  uint64_t flex_off, es;
  *size = v->size;
  if (v->type->kind == BW_KIND_LIST && (v->field_flags & BW_FIELD_FLEXIBLE)) {
    elem = v->type->elem; /* a view of the flexible array itself */
    flex_off = 0;
  } else if (v->bit_width || bw_mem_find_flex(v->declared, &elem, &flex_off)) {
    return 0;
  }
  int rc = bw_mem_type_size(v->schema, elem, &es, err);
  if (rc) return rc;
  if (es && flex_count > (UINT64_MAX - flex_off) / es)
    return bw_error_set(err, BW_ERANGE, 0, "flexible array of %llu elements overflows",
                        (unsigned long long)flex_count);
  uint64_t end = flex_off + flex_count * es;
  if (end > *size) *size = end;
  return 0;
}

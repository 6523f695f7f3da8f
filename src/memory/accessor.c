/* barewire memory: loads and stores of scalars through views and accessors.
 *
 * Every value is read with memcpy-based helpers in the schema's byte order, so packed
 * (unaligned) fields and records of the other byte order read correctly. Bitfields follow
 * docs/model.md: on a little-endian target bit b of the record is bit b % 8 of byte b / 8, on a
 * big-endian target it is bit 7 - b % 8, and the field's first bit is its most significant. */
#include <stdint.h>

#include "memory_internal.h"

/* ---- scalar slots -------------------------------------------------------------------- */

static uint64_t low_mask(uint32_t bits) {
  return bits >= 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
}

/* Value bit i of a bitfield lives at record bit shift + i (little-endian targets) or, counting
 * from the most significant end, shift + width - 1 - i (big-endian targets). The loop serves
 * fields spread over nine bytes (packed records); the rest take the shifts below. */
static int bit_of(const uint8_t *p, uint32_t pos, int big_endian) {
  uint8_t byte = p[pos / 8];
  return big_endian ? (byte >> (7 - pos % 8)) & 1 : (byte >> (pos % 8)) & 1;
}

static uint64_t bits_load(const uint8_t *p, uint32_t shift, uint32_t width, int big_endian) {
  uint32_t n = (shift + width + 7) / 8;
  if (n <= 8) {
    uint64_t raw = big_endian ? bw_load_be(p, n) : bw_load_le(p, n);
    raw >>= big_endian ? 8 * n - shift - width : shift;
    return raw & low_mask(width);
  }
  uint64_t v = 0;
  for (uint32_t i = 0; i < width; i++) {
    uint32_t pos = big_endian ? shift + width - 1 - i : shift + i;
    v |= (uint64_t)bit_of(p, pos, big_endian) << i;
  }
  return v;
}

static void bits_store(uint8_t *p, uint32_t shift, uint32_t width, int big_endian, uint64_t v) {
  uint32_t n = (shift + width + 7) / 8;
  v &= low_mask(width);
  if (n <= 8) {
    uint64_t raw = big_endian ? bw_load_be(p, n) : bw_load_le(p, n);
    uint32_t at = big_endian ? 8 * n - shift - width : shift;
    uint64_t mask = low_mask(width) << at;
    raw = (raw & ~mask) | (v << at);
    if (big_endian)
      bw_store_be(p, raw, n);
    else
      bw_store_le(p, raw, n);
    return;
  }
  for (uint32_t i = 0; i < width; i++) {
    uint32_t pos = big_endian ? shift + width - 1 - i : shift + i;
    uint8_t bit = (uint8_t)(big_endian ? 1u << (7 - pos % 8) : 1u << (pos % 8));
    if ((v >> i) & 1)
      p[pos / 8] |= bit;
    else
      p[pos / 8] &= (uint8_t)~bit;
  }
}

static uint32_t slot_bits(const mem_slot *s) {
  return s->bit_width ? s->bit_width : s->width * 8;
}

uint64_t bw_mem_slot_load(const mem_slot *s) {
  uint64_t raw = s->bit_width    ? bits_load(s->p, s->bit_shift, s->bit_width, s->big_endian)
                 : s->big_endian ? bw_load_be(s->p, s->width)
                                 : bw_load_le(s->p, s->width);
  uint32_t bits = slot_bits(s);
  if (bw_mem_kind_signed(s->kind) && bits < 64 && ((raw >> (bits - 1)) & 1)) raw |= ~low_mask(bits);
  return raw;
}

int bw_mem_slot_fits(const mem_slot *s, uint64_t raw) {
  uint32_t bits = slot_bits(s);
  if (s->kind == BW_KIND_BOOL) return raw <= 1;
  if (bits >= 64) return 1;
  if (bw_mem_kind_signed(s->kind)) {
    int64_t v = (int64_t)raw, lim = (int64_t)1 << (bits - 1);
    return v >= -lim && v < lim;
  }
  return raw <= low_mask(bits);
}

void bw_mem_slot_store(const mem_slot *s, uint64_t raw) {
  if (s->bit_width)
    bits_store(s->p, s->bit_shift, s->bit_width, s->big_endian, raw);
  else if (s->big_endian)
    bw_store_be(s->p, raw, s->width);
  else
    bw_store_le(s->p, raw, s->width);
}

/* ---- views --------------------------------------------------------------------------- */

static int view_slot(const bw_view *v, int write, mem_slot *s, bw_error *err) {
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  uint32_t w = bw_mem_scalar_width(v->type, v->native);
  if (!w)
    return bw_error_set(err, BW_ETYPE, v->offset, "%s is a %s, not a scalar", bw_view_type_name(v),
                        bw_kind_name(v->type->kind));
  if (write && !v->region.writable)
    return bw_error_set(err, BW_EREADONLY, v->offset, "region is read-only");
  s->p = v->base;
  s->width = v->bit_width ? (uint32_t)v->size : w;
  s->bit_shift = v->bit_shift;
  s->bit_width = v->bit_width;
  s->kind = v->type->kind;
  s->big_endian = v->big_endian;
  return 0;
}

static int kind_error(const bw_view *v, bw_kind want, bw_error *err) {
  return bw_error_set(err, BW_ETYPE, v->offset, "%s is %s, not %s", bw_view_type_name(v),
                      bw_kind_name(v->type->kind), bw_kind_name(want));
}

/* The typed get and set of kind k accept a view of kind k; those of u64 and i64 also a view of
 * uint and int (held as uint64_t and int64_t). */
static int get_kind(const bw_view *v, bw_kind k, uint64_t *raw, bw_error *err) {
  mem_slot s;
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (bw_mem_access_kind(v->type->kind) != k) return kind_error(v, k, err);
  int rc = view_slot(v, 0, &s, err);
  if (rc) return rc;
  *raw = bw_mem_slot_load(&s);
  if (k == BW_KIND_BOOL && *raw > 1)
    return bw_error_set(err, BW_EBOOL, v->offset, "bool holds %llu", (unsigned long long)*raw);
  return 0;
}

static int store_checked(const bw_view *v, const mem_slot *s, uint64_t raw, bw_error *err) {
  if (!bw_mem_slot_fits(s, raw))
    return bw_error_set(err, BW_ERANGE, v->offset, "value %lld does not fit %s%s", (long long)raw,
                        bw_view_type_name(v), s->bit_width ? " bitfield" : "");
  bw_mem_slot_store(s, raw);
  return 0;
}

static int set_kind(const bw_view *v, bw_kind k, uint64_t raw, bw_error *err) {
  mem_slot s;
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (bw_mem_access_kind(v->type->kind) != k) return kind_error(v, k, err);
  int rc = view_slot(v, 1, &s, err);
  if (rc) return rc;
  return store_checked(v, &s, raw, err);
}

#define BW_VIEW_INT_ACCESS_(suffix, ctype, kindv)                                                  \
  int bw_view_get_##suffix(const bw_view *v, ctype *out, bw_error *err) {                          \
    uint64_t raw = 0;                                                                              \
    int rc = get_kind(v, kindv, &raw, err);                                                        \
    if (rc == 0) *out = (ctype)raw;                                                                \
    return rc;                                                                                     \
  }                                                                                                \
  int bw_view_set_##suffix(const bw_view *v, ctype value, bw_error *err) {                         \
    return set_kind(v, kindv, (uint64_t)value, err);                                               \
  }
BW_VIEW_INT_ACCESS_(u8, uint8_t, BW_KIND_U8)
BW_VIEW_INT_ACCESS_(u16, uint16_t, BW_KIND_U16)
BW_VIEW_INT_ACCESS_(u32, uint32_t, BW_KIND_U32)
BW_VIEW_INT_ACCESS_(u64, uint64_t, BW_KIND_U64)
BW_VIEW_INT_ACCESS_(i8, int8_t, BW_KIND_I8)
BW_VIEW_INT_ACCESS_(i16, int16_t, BW_KIND_I16)
BW_VIEW_INT_ACCESS_(i32, int32_t, BW_KIND_I32)
BW_VIEW_INT_ACCESS_(i64, int64_t, BW_KIND_I64)
#undef BW_VIEW_INT_ACCESS_

int bw_view_get_f32(const bw_view *v, float *out, bw_error *err) {
  uint64_t raw = 0;
  int rc = get_kind(v, BW_KIND_F32, &raw, err);
  if (rc == 0) {
    uint32_t bits = (uint32_t)raw;
    memcpy(out, &bits, sizeof *out);
  }
  return rc;
}

int bw_view_get_f64(const bw_view *v, double *out, bw_error *err) {
  uint64_t raw = 0;
  int rc = get_kind(v, BW_KIND_F64, &raw, err);
  if (rc == 0) memcpy(out, &raw, sizeof *out);
  return rc;
}

int bw_view_set_f32(const bw_view *v, float value, bw_error *err) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  return set_kind(v, BW_KIND_F32, bits, err);
}

int bw_view_set_f64(const bw_view *v, double value, bw_error *err) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  return set_kind(v, BW_KIND_F64, bits, err);
}

int bw_view_get_bool(const bw_view *v, int *out, bw_error *err) {
  uint64_t raw = 0;
  int rc = get_kind(v, BW_KIND_BOOL, &raw, err);
  if (rc == 0) *out = (int)raw;
  return rc;
}

int bw_view_set_bool(const bw_view *v, int value, bw_error *err) {
  return set_kind(v, BW_KIND_BOOL, value ? 1u : 0u, err);
}

/* ---- widening access ----------------------------------------------------------------- */

static int is_integer_kind(bw_kind k) {
  return (k >= BW_KIND_U8 && k <= BW_KIND_I64) || k == BW_KIND_BOOL || k == BW_KIND_ENUM ||
         bw_mem_kind_varint(k);
}

static int widen(const char *name, uint64_t offset, bw_kind kind, uint64_t raw, int want_signed,
                 uint64_t *out, bw_error *err) {
  int is_signed = bw_mem_kind_signed(kind);
  if (want_signed && !is_signed && raw > (uint64_t)INT64_MAX)
    return bw_error_set(err, BW_ERANGE, offset, "%s holds %llu, which does not fit int64", name,
                        (unsigned long long)raw);
  if (!want_signed && is_signed && (int64_t)raw < 0)
    return bw_error_set(err, BW_ERANGE, offset, "%s holds %lld, which does not fit uint64", name,
                        (long long)raw);
  *out = raw;
  return 0;
}

static int get_integer(const bw_view *v, int want_signed, uint64_t *out, bw_error *err) {
  mem_slot s;
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (!is_integer_kind(v->type->kind))
    return bw_error_set(err, BW_ETYPE, v->offset, "%s is %s, not an integer", bw_view_type_name(v),
                        bw_kind_name(v->type->kind));
  int rc = view_slot(v, 0, &s, err);
  if (rc) return rc;
  return widen(bw_view_type_name(v), v->offset, s.kind, bw_mem_slot_load(&s), want_signed, out,
               err);
}

int bw_view_get_int64(const bw_view *v, int64_t *out, bw_error *err) {
  uint64_t raw = 0;
  int rc = get_integer(v, 1, &raw, err);
  if (rc == 0) *out = (int64_t)raw;
  return rc;
}

int bw_view_get_uint64(const bw_view *v, uint64_t *out, bw_error *err) {
  return get_integer(v, 0, out, err);
}

static int set_integer(const bw_view *v, uint64_t raw, int is_negative, int above_int64,
                       bw_error *err) {
  mem_slot s;
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (!is_integer_kind(v->type->kind))
    return bw_error_set(err, BW_ETYPE, v->offset, "%s is %s, not an integer", bw_view_type_name(v),
                        bw_kind_name(v->type->kind));
  if (v->type->kind == BW_KIND_ENUM) {
    if (is_negative) return bw_error_set(err, BW_EENUM, v->offset, "negative enum value");
    return bw_view_set_enum(v, raw, err);
  }
  int rc = view_slot(v, 1, &s, err);
  if (rc) return rc;
  int is_signed = bw_mem_kind_signed(s.kind);
  if ((is_negative && !is_signed) || (above_int64 && is_signed))
    return bw_error_set(err, BW_ERANGE, v->offset, "value does not fit %s", bw_view_type_name(v));
  return store_checked(v, &s, raw, err);
}

int bw_view_set_int64(const bw_view *v, int64_t value, bw_error *err) {
  return set_integer(v, (uint64_t)value, value < 0, 0, err);
}

int bw_view_set_uint64(const bw_view *v, uint64_t value, bw_error *err) {
  return set_integer(v, value, 0, value > (uint64_t)INT64_MAX, err);
}

/* ---- enums --------------------------------------------------------------------------- */

/* A C enum with a negative enumerator is carried as its underlying integer (docs/model.md);
 * its names are only among the layout's constants. */
static int is_integer_c_enum(const bw_view *v) {
  return v->type->kind != BW_KIND_ENUM && v->native && (v->native->flags & BW_NATIVE_C_ENUM) &&
         is_integer_kind(v->type->kind);
}

static const char *constant_name(const bw_native *n, int64_t value) {
  for (size_t i = 0; n && i < n->constant_count; i++)
    if (n->constants[i].value == value)
      return n->constants[i].c_name ? n->constants[i].c_name : n->constants[i].name;
  return NULL;
}

int bw_view_get_enum(const bw_view *v, uint64_t *value, const char **name, bw_error *err) {
  uint64_t raw = 0;
  if (v && is_integer_c_enum(v)) {
    mem_slot s;
    int rc = view_slot(v, 0, &s, err);
    if (rc) return rc;
    raw = bw_mem_slot_load(&s);
    if (value) *value = raw;
    if (name) *name = constant_name(v->native, (int64_t)raw);
    return 0;
  }
  int rc = get_kind(v, BW_KIND_ENUM, &raw, err);
  if (rc) return rc;
  const bw_enum_member *m = bw_mem_enum_member(v->type, raw);
  if (value) *value = raw;
  if (name) *name = m ? m->name : NULL;
  return 0;
}

int bw_view_set_enum(const bw_view *v, uint64_t value, bw_error *err) {
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (v->type->kind != BW_KIND_ENUM) return kind_error(v, BW_KIND_ENUM, err);
  if (!bw_mem_enum_member(v->type, value))
    return bw_error_set(err, BW_EENUM, v->offset, "%llu is not a member of %s",
                        (unsigned long long)value, bw_view_type_name(v));
  return set_kind(v, BW_KIND_ENUM, value, err);
}

int bw_view_set_enum_name(const bw_view *v, const char *name, bw_error *err) {
  if (!v || !name) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  if (is_integer_c_enum(v)) {
    const bw_native *n = v->native;
    for (size_t i = 0; i < n->constant_count; i++) {
      const bw_constant *c = &n->constants[i];
      if ((c->name && strcmp(c->name, name) == 0) || (c->c_name && strcmp(c->c_name, name) == 0))
        return bw_mem_kind_signed(v->type->kind) ? bw_view_set_int64(v, c->value, err)
                                                 : bw_view_set_uint64(v, (uint64_t)c->value, err);
    }
    return bw_error_set(err, BW_ENOTFOUND, v->offset, "%s has no enumerator named '%s'",
                        bw_view_type_name(v), name);
  }
  if (v->type->kind != BW_KIND_ENUM) return kind_error(v, BW_KIND_ENUM, err);
  for (size_t i = 0; i < v->type->count; i++) {
    const bw_enum_member *m = &v->type->members[i];
    if (strcmp(m->name, name) == 0 || (m->c_name && strcmp(m->c_name, name) == 0))
      return bw_view_set_enum(v, m->value, err);
  }
  /* C aliases (two enumerators with one value) are kept only among the layout's constants. */
  const bw_native *n = v->native;
  for (size_t i = 0; n && i < n->constant_count; i++) {
    const bw_constant *c = &n->constants[i];
    if ((c->name && strcmp(c->name, name) == 0) || (c->c_name && strcmp(c->c_name, name) == 0))
      return bw_view_set_enum(v, (uint64_t)c->value, err);
  }
  return bw_error_set(err, BW_ENOTFOUND, v->offset, "%s has no member named '%s'",
                      bw_view_type_name(v), name);
}

/* ---- byte arrays --------------------------------------------------------------------- */

static int bytes_view(const bw_view *v, int write, bw_error *err) {
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (v->type->kind != BW_KIND_DATA_FIXED || v->bit_width)
    return kind_error(v, BW_KIND_DATA_FIXED, err);
  if (write && !v->region.writable)
    return bw_error_set(err, BW_EREADONLY, v->offset, "region is read-only");
  return 0;
}

int bw_view_get_bytes(const bw_view *v, const uint8_t **data, size_t *len, bw_error *err) {
  int rc = bytes_view(v, 0, err);
  if (rc) return rc;
  *data = v->base;
  *len = (size_t)v->size;
  return 0;
}

int bw_view_get_cstr(const bw_view *v, const char **s, size_t *len, bw_error *err) {
  int rc = bytes_view(v, 0, err);
  if (rc) return rc;
  const uint8_t *nul = memchr(v->base, 0, (size_t)v->size);
  *s = (const char *)v->base;
  *len = nul ? (size_t)(nul - v->base) : (size_t)v->size;
  return 0;
}

int bw_view_set_bytes(const bw_view *v, const void *data, size_t len, bw_error *err) {
  int rc = bytes_view(v, 1, err);
  if (rc) return rc;
  if (len > v->size)
    return bw_error_set(err, BW_ERANGE, v->offset, "%zu bytes do not fit %s of %llu bytes", len,
                        bw_view_type_name(v), (unsigned long long)v->size);
  if (len) memmove(v->base, data, len);
  memset(v->base + len, 0, (size_t)v->size - len);
  return 0;
}

int bw_view_set_cstr(const bw_view *v, const char *s, bw_error *err) {
  if (!s) return bw_error_set(err, BW_EINVAL, 0, "view: NULL string");
  return bw_view_set_bytes(v, s, strlen(s), err);
}

/* ---- pointers ------------------------------------------------------------------------ */

static int pointer_view(const bw_view *v, bw_error *err) {
  if (!v) return bw_error_set(err, BW_EINVAL, 0, "view: NULL view");
  if (!(v->field_flags & BW_FIELD_POINTER) ||
      (v->type->kind != BW_KIND_U64 && v->type->kind != BW_KIND_U32))
    return bw_error_set(err, BW_ETYPE, v->offset, "%s is not a pointer", bw_view_type_name(v));
  return 0;
}

int bw_view_get_pointer(const bw_view *v, uint64_t *address, bw_error *err) {
  int rc = pointer_view(v, err);
  return rc ? rc : get_kind(v, v->type->kind, address, err);
}

int bw_view_set_pointer(const bw_view *v, uint64_t address, bw_error *err) {
  int rc = pointer_view(v, err);
  return rc ? rc : set_kind(v, v->type->kind, address, err);
}

/* The pointee's C spelling: "const struct node *" -> "struct node". */
static size_t pointee_spelling(const char *c_type, const char **start) {
  const char *s = c_type;
  if (strncmp(s, "const ", 6) == 0) s += 6;
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ') n--;
  if (!n || s[n - 1] != '*') return 0;
  n--;
  while (n && s[n - 1] == ' ') n--;
  *start = s;
  return n;
}

static const bw_user_type *find_pointee(const bw_schema *s, const char *c_type) {
  const char *name;
  size_t n = c_type ? pointee_spelling(c_type, &name) : 0;
  if (!n) return NULL;
  for (size_t i = 0; i < bw_schema_type_count(s); i++) {
    const bw_user_type *ut = bw_schema_type_at(s, i);
    const bw_native *nat = bw_mem_native(ut->type);
    if (nat && nat->c_name && strncmp(nat->c_name, name, n) == 0 && nat->c_name[n] == '\0')
      return ut;
  }
  return NULL;
}

int bw_view_deref(const bw_view *v, const bw_region *target, const char *type_name, bw_view *out,
                  bw_error *err) {
  uint64_t address;
  int rc = bw_view_get_pointer(v, &address, err);
  if (rc) return rc;
  if (!target || !out) return bw_error_set(err, BW_EINVAL, 0, "deref: NULL argument");
  const char *c_type = v->field ? v->field->c_type : NULL;
  const bw_user_type *ut =
      type_name ? bw_schema_find(v->schema, type_name) : find_pointee(v->schema, c_type);
  if (!ut)
    return bw_error_set(err, BW_ENOTFOUND, v->offset, "no type for the pointee of %s (%s)",
                        v->field && v->field->c_name ? v->field->c_name : "pointer",
                        type_name ? type_name
                        : c_type  ? c_type
                                  : "no C type");
  if (address == 0) return bw_error_set(err, BW_ERANGE, v->offset, "NULL pointer");
  if (address < target->base_address || address - target->base_address > target->len)
    return bw_error_set(err, BW_ERANGE, v->offset,
                        "address 0x%llx is outside the memory supplied for it",
                        (unsigned long long)address);
  return bw_view_init_type(out, v->schema, ut->type, target, address - target->base_address, err);
}

/* ---- accessors ----------------------------------------------------------------------- */

static int accessor_raw(const bw_accessor *a, const bw_view *v, uint64_t *raw, bw_error *err) {
  if (!a || !v) return bw_error_set(err, BW_EINVAL, 0, "accessor: NULL argument");
  if (a->root != v->type)
    return bw_error_set(err, BW_ETYPE, v->offset, "accessor for %s used on a view of %s",
                        bw_mem_type_name(a->schema, a->root), bw_view_type_name(v));
  if (!a->width)
    return bw_error_set(err, BW_ETYPE, v->offset, "accessor reads a %s, not a scalar",
                        bw_kind_name(a->kind));
  if (a->end > v->avail)
    return bw_error_set(err, BW_ERANGE, v->offset + a->offset,
                        "%u bytes at offset %llu lie beyond the end of the memory", a->width,
                        (unsigned long long)(v->offset + a->offset));
  mem_slot s = {v->base + a->offset, a->width, a->bit_shift, a->bit_width, a->kind, a->big_endian};
  *raw = bw_mem_slot_load(&s);
  if (a->kind == BW_KIND_BOOL && *raw > 1)
    return bw_error_set(err, BW_EBOOL, v->offset + a->offset, "bool holds %llu",
                        (unsigned long long)*raw);
  return 0;
}

bw_accessor_result_ bw_accessor_read_(const bw_accessor *a, const bw_view *v, bw_kind kind) {
  bw_accessor_result_ r = {0, 0};
  if (a && bw_mem_access_kind(a->kind) != kind)
    r.rc = BW_ETYPE;
  else
    r.rc = accessor_raw(a, v, &r.raw, NULL);
  return r;
}

int bw_accessor_explain_(const bw_accessor *a, const bw_view *v, bw_kind kind, bw_error *err) {
  uint64_t raw;
  if (a && bw_mem_access_kind(a->kind) != kind)
    return bw_error_set(err, BW_ETYPE, v ? v->offset : 0, "accessor reads %s, not %s",
                        bw_kind_name(a->kind), bw_kind_name(kind));
  return accessor_raw(a, v, &raw, err);
}

int bw_accessor_get_int64(const bw_accessor *a, const bw_view *v, int64_t *out, bw_error *err) {
  uint64_t raw = 0;
  if (a && !is_integer_kind(a->kind))
    return bw_error_set(err, BW_ETYPE, 0, "accessor reads %s, not an integer",
                        bw_kind_name(a->kind));
  int rc = accessor_raw(a, v, &raw, err);
  if (rc == 0) rc = widen("field", v->offset + a->offset, a->kind, raw, 1, &raw, err);
  if (rc == 0) *out = (int64_t)raw;
  return rc;
}

int bw_accessor_get_uint64(const bw_accessor *a, const bw_view *v, uint64_t *out, bw_error *err) {
  uint64_t raw = 0;
  if (a && !is_integer_kind(a->kind))
    return bw_error_set(err, BW_ETYPE, 0, "accessor reads %s, not an integer",
                        bw_kind_name(a->kind));
  int rc = accessor_raw(a, v, &raw, err);
  if (rc == 0) rc = widen("field", v->offset + a->offset, a->kind, raw, 0, out, err);
  return rc;
}

int bw_accessor_set_int64(const bw_accessor *a, const bw_view *v, int64_t value, bw_error *err) {
  bw_view fv;
  int rc = bw_accessor_view(a, v, &fv, err);
  return rc ? rc : bw_view_set_int64(&fv, value, err);
}

int bw_accessor_set_uint64(const bw_accessor *a, const bw_view *v, uint64_t value, bw_error *err) {
  bw_view fv;
  int rc = bw_accessor_view(a, v, &fv, err);
  return rc ? rc : bw_view_set_uint64(&fv, value, err);
}

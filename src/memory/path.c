/* barewire memory: C-syntax field paths ("st_mtim.tv_sec", "items[3].x", "m[2][1]"), member
 * lookup (struct fields, C-union members, members of anonymous structs and unions by their own
 * names) and accessors compiled from paths.
 *
 * A path is resolved to a location (offset, size, bit position) without touching memory, so the
 * same code serves views, which then bind the location to a region, and accessors, which keep
 * it for later reads. */
#include <stdio.h>
#include <stdint.h>

#include "memory_internal.h"

/* "Stat (struct stat)" or "Stat": how messages name a type. */
static void describe(const bw_schema *s, const mem_loc *loc, char *buf, size_t cap) {
  const char *name = bw_mem_type_name(s, loc->declared);
  const char *c_name = loc->native ? loc->native->c_name : NULL;
  if (c_name && strcmp(c_name, name) != 0)
    snprintf(buf, cap, "%s (%s)", name, c_name);
  else
    snprintf(buf, cap, "%s", name);
}

static int name_is(const char *candidate, const char *name, size_t len) {
  return candidate && strncmp(candidate, name, len) == 0 && candidate[len] == '\0';
}

/* Members of the record at loc: struct fields, or the members of a C union. */
static int record_members(const mem_loc *loc, const bw_field **fields, size_t *count) {
  if (loc->bit_width) return 0;
  if (loc->type->kind == BW_KIND_STRUCT) {
    *fields = loc->type->fields;
    *count = loc->type->count;
    return 1;
  }
  if (loc->type->kind == BW_KIND_DATA_FIXED && loc->native &&
      (loc->native->flags & BW_NATIVE_C_UNION)) {
    *fields = loc->native->members;
    *count = loc->native->member_count;
    return 1;
  }
  return 0;
}

/* Finds name among the members of loc: C names first, then BARE names, then inside anonymous
 * members, depth first, as C does. Returns BW_ENOTFOUND without touching err when absent. */
static int find_member(const bw_schema *s, const mem_loc *loc, const char *name, size_t len,
                       mem_loc *out, unsigned depth, bw_error *err) {
  const bw_field *fields;
  size_t count;
  if (depth > BW_MEM_MAX_DEPTH || !record_members(loc, &fields, &count)) return BW_ENOTFOUND;
  for (size_t i = 0; i < count; i++)
    if (name_is(fields[i].c_name, name, len)) return bw_mem_loc_field(s, loc, &fields[i], out, err);
  for (size_t i = 0; i < count; i++)
    if (name_is(fields[i].name, name, len)) return bw_mem_loc_field(s, loc, &fields[i], out, err);
  for (size_t i = 0; i < count; i++) {
    if (!(fields[i].flags & BW_FIELD_ANONYMOUS)) continue;
    mem_loc anon;
    int rc = bw_mem_loc_field(s, loc, &fields[i], &anon, err);
    if (rc) return rc;
    rc = find_member(s, &anon, name, len, out, depth + 1, err);
    if (rc != BW_ENOTFOUND) return rc;
  }
  return BW_ENOTFOUND;
}

/* Elements of byte arrays (data[N]: char arrays) are single bytes with no type node of their
 * own in the schema; these stand in. A char is signed when the C type says so or, for plain
 * char, when the target's (or this host's) char is. */
const bw_type bw_mem_byte_u8 = {.kind = BW_KIND_U8};
const bw_type bw_mem_byte_i8 = {.kind = BW_KIND_I8};

static int char_is_signed(const bw_schema *s, const char *c_type) {
  if (!c_type) return 0;
  if (strncmp(c_type, "const ", 6) == 0) c_type += 6;
  if (strncmp(c_type, "signed char", 11) == 0 || strncmp(c_type, "int8_t", 6) == 0) return 1;
  if (strncmp(c_type, "char", 4) != 0 || (c_type[4] != '[' && c_type[4] != ' ')) return 0;
  const bw_target *t = bw_schema_target(s);
  return t ? t->char_signed : (char)-1 < 0;
}

static int byte_element(const bw_schema *s, const mem_loc *loc, uint64_t idx, mem_loc *out,
                        bw_error *err) {
  if (idx >= loc->type->length) {
    char what[160];
    describe(s, loc, what, sizeof what);
    return bw_error_set(err, BW_ERANGE, 0, "index %llu is out of range for %s[%llu]",
                        (unsigned long long)idx, what, (unsigned long long)loc->type->length);
  }
  mem_loc e;
  memset(&e, 0, sizeof e);
  e.declared =
      char_is_signed(s, loc->field ? loc->field->c_type : NULL) ? &bw_mem_byte_i8 : &bw_mem_byte_u8;
  e.type = e.declared;
  e.offset = loc->offset + idx;
  e.size = 1;
  e.field = loc->field;
  *out = e;
  return 0;
}

int bw_mem_loc_index(const bw_schema *s, const mem_loc *loc, uint64_t idx, uint64_t room,
                     mem_loc *out, bw_error *err) {
  char what[160]; /* filled only when an error is reported */
#define LOC_ERROR(code, ...)                                                                       \
  (describe(s, loc, what, sizeof what), bw_error_set(err, code, 0, __VA_ARGS__))
  int is_bytes = loc->type->kind == BW_KIND_DATA_FIXED &&
                 !(loc->native && (loc->native->flags & BW_NATIVE_C_UNION));
  if (is_bytes && !loc->bit_width) return byte_element(s, loc, idx, out, err);
  int flexible = loc->type->kind == BW_KIND_LIST && (loc->field_flags & BW_FIELD_FLEXIBLE);
  if (loc->bit_width || (loc->type->kind != BW_KIND_LIST_FIXED && !flexible))
    return LOC_ERROR(BW_ETYPE, "%s is not an array", what);
  uint64_t es;
  int rc = bw_mem_type_size(s, loc->type->elem, &es, err);
  if (rc) return rc;
  if (!flexible && idx >= loc->type->length)
    return LOC_ERROR(BW_ERANGE, "index %llu is out of range for %s[%llu]", (unsigned long long)idx,
                     what, (unsigned long long)loc->type->length);
  if (es && idx >= (UINT64_MAX - loc->offset) / es)
    return bw_error_set(err, BW_ERANGE, 0, "index %llu overflows", (unsigned long long)idx);
  uint64_t off = loc->offset + idx * es;
  if (flexible && (off > room || es > room - off))
    return LOC_ERROR(BW_ERANGE, "index %llu of flexible array %s is beyond the end of the memory",
                     (unsigned long long)idx, what);
#undef LOC_ERROR
  mem_loc e;
  memset(&e, 0, sizeof e);
  e.declared = loc->type->elem;
  e.type = bw_type_resolve(e.declared);
  e.native = bw_mem_native(e.declared);
  e.offset = off;
  e.size = es;
  /* Elements keep the array's field (its C type says whether a char is signed) and pointer
   * flag (an array of pointers holds pointers). */
  e.field = loc->field;
  e.field_flags = loc->field_flags & BW_FIELD_POINTER;
  *out = e;
  return 0;
}

static int is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Errors in paths point at the column (1-based) of the path where the problem is. */
static int path_error(bw_error *err, int code, const char *path, size_t at, const char *what) {
  return bw_error_set_at(err, code, 1, (uint32_t)at + 1, "path '%s': %s", path, what);
}

static int member_step(const bw_schema *s, const mem_loc *cur, const char *path, size_t at,
                       size_t len, mem_loc *out, bw_error *err) {
  char what[160], msg[400];
  const bw_field *fields;
  size_t count;
  if (!record_members(cur, &fields, &count)) {
    describe(s, cur, what, sizeof what);
    snprintf(msg, sizeof msg, "%s is not a struct or union, it has no member '%.*s'", what,
             (int)len, path + at);
    return path_error(err, BW_ETYPE, path, at, msg);
  }
  /* Messages are formatted only on failure: the lookup runs again to fill them. */
  int rc = find_member(s, cur, path + at, len, out, 0, NULL);
  if (rc == BW_ENOTFOUND) {
    describe(s, cur, what, sizeof what);
    snprintf(msg, sizeof msg, "%s has no member '%.*s'", what, (int)len, path + at);
    return path_error(err, BW_ENOTFOUND, path, at, msg);
  }
  if (rc) {
    bw_error inner;
    bw_error_clear(&inner);
    find_member(s, cur, path + at, len, out, 0, &inner);
    return path_error(err, rc, path, at, inner.message);
  }
  return 0;
}

int bw_mem_resolve_path(const bw_schema *s, const mem_loc *loc, const char *path, size_t begin,
                        size_t end, uint64_t room, mem_loc *out, bw_error *err) {
  if (!path) return bw_error_set(err, BW_EINVAL, 0, "NULL path");
  mem_loc cur = *loc;
  size_t i = begin;
  while (i < end) {
    if (path[i] == '[') {
      size_t start = ++i;
      uint64_t idx = 0;
      while (i < end && path[i] >= '0' && path[i] <= '9') {
        unsigned d = (unsigned)(path[i] - '0');
        if (idx > (UINT64_MAX - d) / 10)
          return path_error(err, BW_ESYNTAX, path, start, "index too large");
        idx = idx * 10 + d;
        i++;
      }
      if (i == start) return path_error(err, BW_ESYNTAX, path, i, "expected an index");
      if (i >= end || path[i] != ']') return path_error(err, BW_ESYNTAX, path, i, "expected ']'");
      mem_loc next;
      int rc = bw_mem_loc_index(s, &cur, idx, room, &next, NULL);
      if (rc) {
        bw_error inner;
        bw_error_clear(&inner);
        bw_mem_loc_index(s, &cur, idx, room, &next, &inner);
        return path_error(err, rc, path, start, inner.message);
      }
      cur = next;
      i++;
      continue;
    }
    if (path[i] == '.') {
      if (i == begin) return path_error(err, BW_ESYNTAX, path, i, "expected a name");
      i++;
    } else if (i != begin) {
      return path_error(err, BW_ESYNTAX, path, i, "expected '.' or '['");
    }
    size_t start = i;
    if (i >= end || !is_name_start(path[i]))
      return path_error(err, BW_ESYNTAX, path, i, "expected a name");
    while (i < end && is_name_char(path[i])) i++;
    int rc = member_step(s, &cur, path, start, i - start, &cur, err);
    if (rc) return rc;
  }
  *out = cur;
  return 0;
}

static mem_loc loc_of_view(const bw_view *v) {
  mem_loc loc;
  memset(&loc, 0, sizeof loc);
  loc.declared = v->declared;
  loc.type = v->type;
  loc.native = v->native;
  loc.size = v->size;
  loc.bit_shift = v->bit_shift;
  loc.bit_width = v->bit_width;
  loc.field_flags = v->field_flags;
  loc.field = v->field;
  return loc;
}

int bw_view_at(const bw_view *v, const char *path, bw_view *out, bw_error *err) {
  if (!v || !out || !path) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  size_t begin = 0, len = strlen(path);
  bw_view cur = *v;
  for (;;) {
    /* "p->x": the part before the arrow names a pointer, followed inside v's region. */
    const char *arrow = strstr(path + begin, "->");
    size_t end = arrow ? (size_t)(arrow - path) : len;
    mem_loc root = loc_of_view(&cur), loc;
    bw_view next;
    int rc = bw_mem_resolve_path(v->schema, &root, path, begin, end, cur.avail, &loc, err);
    if (rc) return rc;
    rc = bw_mem_view_from_loc(v->schema, &cur.region, cur.offset, &loc, &next, err);
    if (rc) return rc;
    if (!arrow) {
      *out = next;
      return 0;
    }
    if (end == begin) return path_error(err, BW_ESYNTAX, path, end, "expected a name before '->'");
    bw_error inner;
    bw_error_clear(&inner);
    rc = bw_view_deref(&next, &v->region, NULL, &cur, &inner);
    if (rc) return path_error(err, rc, path, end, inner.message);
    begin = end + 2;
    if (begin == len) return path_error(err, BW_ESYNTAX, path, begin, "expected a name");
  }
}

int bw_view_field(const bw_view *v, const char *name, bw_view *out, bw_error *err) {
  if (!v || !name || !out) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  mem_loc root = loc_of_view(v), loc;
  char what[160];
  describe(v->schema, &root, what, sizeof what);
  bw_error inner;
  bw_error_clear(&inner);
  int rc = find_member(v->schema, &root, name, strlen(name), &loc, 0, &inner);
  if (rc == BW_ENOTFOUND)
    return bw_error_set(err, BW_ENOTFOUND, v->offset, "%s has no member '%s'", what, name);
  if (rc) return bw_error_set(err, rc, v->offset, "%s", inner.message);
  return bw_mem_view_from_loc(v->schema, &v->region, v->offset, &loc, out, err);
}

int bw_view_index(const bw_view *v, uint64_t i, bw_view *out, bw_error *err) {
  if (!v || !out) return bw_error_set(err, BW_EINVAL, 0, "view: NULL argument");
  mem_loc root = loc_of_view(v), loc;
  int rc = bw_mem_loc_index(v->schema, &root, i, v->avail, &loc, err);
  if (rc) return rc;
  return bw_mem_view_from_loc(v->schema, &v->region, v->offset, &loc, out, err);
}

/* The fast key of an accessor adds a kind to a type node's address: distinct nodes lie further
 * apart than any two kinds. */
_Static_assert(sizeof(bw_type) > BW_KIND_COUNT, "type nodes must be larger than the kind count");

int bw_accessor_compile(bw_accessor *a, const bw_schema *s, const char *type_name, const char *path,
                        bw_error *err) {
  if (!a || !s || !type_name || !path)
    return bw_error_set(err, BW_EINVAL, 0, "accessor: NULL argument");
  const bw_user_type *ut = bw_schema_find(s, type_name);
  if (!ut) return bw_error_set(err, BW_ENOTFOUND, 0, "no type named '%s' in the schema", type_name);
  mem_loc root, loc;
  int rc = bw_mem_loc_root(s, ut->type, &root, err);
  if (rc) return rc;
  if (strstr(path, "->"))
    return bw_error_set_at(err, BW_ETYPE, 1, (uint32_t)(strstr(path, "->") - path) + 1,
                           "path '%s': accessors do not follow pointers; use bw_view_at", path);
  rc = bw_mem_resolve_path(s, &root, path, 0, strlen(path), UINT64_MAX, &loc, err);
  if (rc) return rc;
  if (loc.offset > UINT64_MAX - loc.size)
    return bw_error_set(err, BW_ERANGE, 0, "offset overflows");
  memset(a, 0, sizeof *a);
  a->schema = s;
  a->root = root.type;
  a->type = loc.type;
  a->declared = loc.declared;
  a->offset = loc.offset;
  a->end = loc.offset + loc.size;
  uint32_t sw = bw_mem_scalar_width(loc.type, loc.native);
  a->width = loc.bit_width ? (uint32_t)loc.size : (sw ? sw : (uint32_t)0);
  a->bit_shift = loc.bit_shift;
  a->bit_width = loc.bit_width;
  a->field_flags = loc.field_flags;
  a->field = loc.field;
  a->kind = loc.type->kind;
  a->big_endian = bw_schema_big_endian(s);
  a->swap = a->big_endian != bw_host_big_endian();
  /* The inline fast path is a memcpy into the caller's C type, right only for whole values in
   * host order; a bool must still be checked for 0/1, so it takes the general path. */
  a->plain = !a->swap && !a->bit_width && sw &&
             (bw_kind_is_fixed_primitive(a->kind) || bw_mem_kind_varint(a->kind)) &&
             a->kind != BW_KIND_BOOL;
  /* uint and int are read by the u64 and i64 getters: the key names the kind they ask for */
  a->fast_key = a->plain ? (uintptr_t)a->root + (uintptr_t)bw_mem_access_kind(a->kind) : 0;
  return 0;
}

int bw_accessor_view(const bw_accessor *a, const bw_view *v, bw_view *out, bw_error *err) {
  if (!a || !v || !out) return bw_error_set(err, BW_EINVAL, 0, "accessor: NULL argument");
  if (a->root != v->type)
    return bw_error_set(err, BW_ETYPE, v->offset, "accessor for %s used on a view of %s",
                        bw_mem_type_name(a->schema, a->root), bw_view_type_name(v));
  mem_loc loc;
  memset(&loc, 0, sizeof loc);
  loc.declared = a->declared;
  loc.type = a->type;
  loc.native = bw_mem_native(a->declared);
  loc.offset = a->offset;
  loc.size = a->end - a->offset;
  loc.bit_shift = a->bit_shift;
  loc.bit_width = a->bit_width;
  loc.field_flags = a->field_flags;
  loc.field = a->field;
  return bw_mem_view_from_loc(v->schema, &v->region, v->offset, &loc, out, err);
}

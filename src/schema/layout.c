/* barewire schema module: reading native layouts of a validated schema. bw_type_native returns
 * a type's layout or explains, by field path, why it has none. Also the small pieces the layout
 * documents share: the type expression printer and the host's target triple. The documents
 * themselves (JSON and the pahole-style table) are in layout_json.c and layout_table.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_internal.h"

/* Follows REF nodes until one carries a layout (an alias may carry its own C spelling). */
const bw_native *bw_layout_of(const bw_type *t) {
  while (t && !t->native && t->kind == BW_KIND_REF && t->ref) t = t->ref->type;
  return t ? t->native : NULL;
}

int bw_layout_size(const bw_type *t, uint64_t *size) {
  /* Fixed lists nest at most max_depth deep in a validated schema; the loop multiplies. */
  uint64_t factor = 1;
  for (int depth = 0; t && depth < 4096; depth++) {
    const bw_native *n = bw_layout_of(t);
    uint64_t unit;
    if (n) {
      unit = n->size;
    } else {
      t = bw_type_resolve(t);
      if (!t) return 0;
      if (t->kind == BW_KIND_LIST_FIXED) {
        if (t->length && factor > UINT64_MAX / t->length) return 0;
        factor *= t->length;
        t = t->elem;
        continue;
      }
      if (t->kind == BW_KIND_DATA_FIXED)
        unit = t->length;
      else if (bw_kind_is_fixed_primitive(t->kind))
        unit = bw_kind_width(t->kind);
      else
        return 0;
    }
    if (unit && factor > UINT64_MAX / unit) return 0;
    *size = unit * factor;
    return 1;
  }
  return 0;
}

/* Appends ".name" (or "name" at the start) to path, truncating safely. */
static void path_push(char *path, size_t size, const char *sep, const char *name) {
  size_t len = strlen(path);
  if (len < size) snprintf(path + len, size - len, "%s%s", len ? sep : "", name);
}

/* The search for the field that explains a missing layout. */
typedef struct unsized {
  char path[512];
  char why[160];
  size_t budget; /* steps left: a schema shaped as a DAG (each type using the previous one
                    twice) must not make the search exponential */
} unsized;

/* Finds the first field (by path) inside t whose type has no fixed native size, and writes a
 * sentence about it into u->why. Returns 1 when found, 0 when t is sized or the search ran out
 * of depth or budget. */
static int find_unsized(unsized *u, const bw_type *t, int depth) {
  uint64_t bytes;
  if (!t || depth > 256 || u->budget == 0) return 0;
  u->budget--;
  while (t->kind == BW_KIND_REF && t->ref && !t->native && u->budget) {
    t = t->ref->type;
    u->budget--;
  }
  if (t->native || bw_layout_size(t, &bytes) || t->kind == BW_KIND_REF) return 0;
  switch (t->kind) {
    case BW_KIND_STRUCT:
      for (size_t i = 0; i < t->count; i++) {
        const bw_field *f = &t->fields[i];
        if (bw_layout_size(f->type, &bytes)) continue;
        size_t len = strlen(u->path);
        path_push(u->path, sizeof u->path, ".", f->name);
        if (find_unsized(u, f->type, depth + 1)) return 1;
        u->path[len] = 0;
      }
      return 0;
    case BW_KIND_LIST_FIXED:
      path_push(u->path, sizeof u->path, "", "[]");
      return find_unsized(u, t->elem, depth + 1);
    default: {
      const char *kind = bw_kind_name(t->kind);
      if (t->kind == BW_KIND_LIST || t->kind == BW_KIND_OPTIONAL || t->kind == BW_KIND_MAP)
        snprintf(u->why, sizeof u->why, "is %s<...>, which has no fixed size", kind);
      else if (t->kind == BW_KIND_UNION)
        snprintf(u->why, sizeof u->why, "is a union, which has no fixed size");
      else if (t->kind == BW_KIND_VOID)
        snprintf(u->why, sizeof u->why, "is void, which has no native representation");
      else
        snprintf(u->why, sizeof u->why, "is %s, which has no fixed size", kind);
      return 1;
    }
  }
}

/* The name of the user type whose definition is t, or NULL. */
static const char *user_name(const bw_schema *s, const bw_type *t) {
  if (t->kind == BW_KIND_REF) return t->ref_name;
  for (size_t i = 0; s && i < s->type_count; i++)
    if (s->types[i]->type == t) return s->types[i]->name;
  return NULL;
}

const bw_native *bw_type_native(const bw_schema *s, const bw_type *t, bw_error *err) {
  if (!t) {
    bw_error_set(err, BW_EINVAL, 0, "no type given");
    return NULL;
  }
  const bw_native *n = bw_layout_of(t);
  if (n) return n;
  unsized u = {"", "", 100000};
  char label[160];
  const char *name = user_name(s, t);
  if (name)
    snprintf(label, sizeof label, "type %.100s", name);
  else
    snprintf(label, sizeof label, "this %s type", bw_kind_name(t->kind));
  if (find_unsized(&u, t, 0)) {
    if (u.path[0])
      bw_error_set(err, BW_ENOLAYOUT, 0, "%s has no native layout: field '%s' %s", label, u.path,
                   u.why);
    else
      bw_error_set(err, BW_ENOLAYOUT, 0, "%s has no native layout: it %s", label, u.why);
  } else if (s && s->has_target) {
    bw_error_set(err, BW_ENOLAYOUT, 0, "%s has no native layout in this imported schema", label);
  } else {
    bw_error_set(err, BW_ENOLAYOUT, 0, "%s has no native layout: its size does not fit in 64 bits",
                 label);
  }
  return NULL;
}

/* ---- pieces shared by the layout documents ---------------------------------------------- */

static void expr(bw_buf *b, const bw_type *t, int depth) {
  if (!t) {
    bw_buf_puts(b, "?");
    return;
  }
  if (depth > 256) { /* deeper than any validated schema nests */
    bw_buf_puts(b, "...");
    return;
  }
  switch (t->kind) {
    case BW_KIND_REF:
      bw_buf_puts(b, t->ref_name);
      break;
    case BW_KIND_DATA_FIXED:
      bw_buf_printf(b, "data[%llu]", (unsigned long long)t->length);
      break;
    case BW_KIND_OPTIONAL:
    case BW_KIND_LIST:
    case BW_KIND_LIST_FIXED:
      bw_buf_printf(b, "%s<", bw_kind_name(t->kind));
      expr(b, t->elem, depth + 1);
      bw_buf_putc(b, '>');
      if (t->kind == BW_KIND_LIST_FIXED) bw_buf_printf(b, "[%llu]", (unsigned long long)t->length);
      break;
    case BW_KIND_MAP:
      bw_buf_puts(b, "map<");
      expr(b, t->key, depth + 1);
      bw_buf_puts(b, "><");
      expr(b, t->elem, depth + 1);
      bw_buf_putc(b, '>');
      break;
    case BW_KIND_STRUCT:
      bw_buf_puts(b, "struct{");
      for (size_t i = 0; i < t->count; i++) {
        bw_buf_printf(b, "%s%s:", i ? " " : "", t->fields[i].name);
        expr(b, t->fields[i].type, depth + 1);
      }
      bw_buf_putc(b, '}');
      break;
    case BW_KIND_ENUM:
      bw_buf_puts(b, "enum{");
      for (size_t i = 0; i < t->count; i++) {
        bw_buf_printf(b, "%s%s", i ? " " : "", t->members[i].name);
        if (t->members[i].has_value)
          bw_buf_printf(b, "=%llu", (unsigned long long)t->members[i].value);
      }
      bw_buf_putc(b, '}');
      break;
    case BW_KIND_UNION:
      bw_buf_puts(b, "union{");
      for (size_t i = 0; i < t->count; i++) {
        if (i) bw_buf_putc(b, '|');
        expr(b, t->variants[i].type, depth + 1);
        if (t->variants[i].has_tag)
          bw_buf_printf(b, "=%llu", (unsigned long long)t->variants[i].tag);
      }
      bw_buf_putc(b, '}');
      break;
    default:
      bw_buf_puts(b, bw_kind_name(t->kind));
      break;
  }
}

void bw_layout_expr(bw_buf *b, const bw_type *t) {
  /* The schema printer's spelling, so documents and schema text agree; the local printer only
   * when it refuses (a type nested past its limit) or runs out of memory. */
  char *text = NULL;
  if (bw_type_print(t, &text, NULL, NULL) == 0) {
    bw_buf_puts(b, text);
    free(text);
    return;
  }
  expr(b, t, 0);
}

#if defined(__x86_64__)
#define HOST_ARCH "x86_64"
#elif defined(__aarch64__)
#define HOST_ARCH "aarch64"
#elif defined(__i386__)
#define HOST_ARCH "i686"
#elif defined(__arm__)
#define HOST_ARCH "arm"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define HOST_ARCH "powerpc64le"
#elif defined(__powerpc64__)
#define HOST_ARCH "powerpc64"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#define HOST_ARCH "unknown"
#endif

#if defined(__linux__) && defined(__arm__) && defined(__ARM_PCS_VFP)
#define HOST_OS "linux-gnueabihf"
#elif defined(__linux__) && defined(__arm__)
#define HOST_OS "linux-gnueabi"
#elif defined(__linux__)
#define HOST_OS "linux-gnu"
#elif defined(__APPLE__)
#define HOST_OS "apple-darwin"
#elif defined(__FreeBSD__)
#define HOST_OS "unknown-freebsd"
#elif defined(_WIN32)
#define HOST_OS "w64-mingw32"
#else
#define HOST_OS "unknown"
#endif

const char *bw_layout_host_triple(void) {
  return HOST_ARCH "-" HOST_OS;
}

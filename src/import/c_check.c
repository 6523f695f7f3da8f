/* barewire import: the `--format=c-check` generator. It turns the native layouts of an imported
 * schema back into C that a compiler judges: a file that includes the imported headers and
 * states every size, alignment, field offset, field size, enumerator value and macro value as
 * a _Static_assert, plus a main() that checks every bitfield's position at run time (C cannot
 * take the offset of a bitfield). Compiling the file with any C compiler for the target (gcc,
 * a cross compiler with -fsyntax-only) tells whether barewire's layout is that compiler's;
 * running it on the host also checks the bitfields.
 *
 * Types with no C name (anonymous records) cannot be named in C, so they are checked through
 * the named type that contains them, with offsetof's member path (`offsetof(T, a.b)`,
 * `offsetof(T, arr[0].x)`); members of anonymous struct and union members are reached by their
 * own names, as C allows. A member name that is also an object-like macro of the headers would
 * be expanded inside offsetof, so each check is guarded by `#if !defined(name)`; likewise the
 * comparison of a member's C type is left out where a name in its spelling is a macro (gcc's
 * stddef.h defines __size_t empty, which glibc's <glob.h> uses as a typedef).
 *
 * This file needs no libclang: only the validated schema and the options' header list. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/import.h"
#include "core/core.h"

/* Nesting of anonymous records reached through one named type; deeper ones are not checked. */
#define CCHECK_MAX_DEPTH 64

typedef struct ccheck {
  bw_buf asserts; /* file-scope _Static_assert lines */
  bw_buf run;     /* statements of main() */
  unsigned long long static_count;
  unsigned long long bit_count;
  unsigned long long skipped; /* names that are not C (see is_type_name) */
} ccheck;

/* Writes s as the inside of a C string literal. */
static void put_escaped(bw_buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      bw_buf_putc(b, '\\');
      bw_buf_putc(b, (char)ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      bw_buf_printf(b, "\\%03o", ch);
    } else {
      bw_buf_putc(b, (char)ch);
    }
  }
}

/* Writes a constant's value as a C integer literal of at least 64 bits with its signedness. */
static void put_value(bw_buf *b, int64_t value, int is_unsigned) {
  if (is_unsigned)
    bw_buf_printf(b, "%" PRIu64 "ULL", (uint64_t)value);
  else if (value == INT64_MIN)
    bw_buf_puts(b, "(-9223372036854775807LL - 1)");
  else if (value < 0)
    bw_buf_printf(b, "(%" PRId64 "LL)", value);
  else
    bw_buf_printf(b, "%" PRId64 "LL", value);
}

/* `#if !defined(a) && !defined(b)` for every identifier in a member path such as "a.b[0].c";
 * returns 1 when a guard was opened (then the caller closes it with `#endif`). */
static int open_guard(bw_buf *b, const char *path) {
  int n = 0;
  const char *p = path;
  while (*p) {
    if (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
      const char *start = p;
      while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
             (*p >= '0' && *p <= '9'))
        p++;
      bw_buf_puts(b, n++ ? " && !defined(" : "#if !defined(");
      bw_buf_append(b, start, (size_t)(p - start));
      bw_buf_putc(b, ')');
    } else {
      p++;
    }
  }
  if (n) bw_buf_putc(b, '\n');
  return n > 0;
}

/* 1 when the n bytes at s are a keyword of a C type spelling (never a macro in practice). */
static int is_type_keyword(const char *s, size_t n) {
  static const char *const kw[] = {"struct",   "union",  "enum", "const", "volatile", "restrict",
                                   "unsigned", "signed", "char", "short", "int",      "long",
                                   "float",    "double", "void", "_Bool", "_Complex", "_Atomic"};
  for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
    if (strlen(kw[i]) == n && memcmp(kw[i], s, n) == 0) return 1;
  return 0;
}

/* ` && !defined(x)` for every identifier of C type spelling s that is not a keyword: a
 * header may define a typedef's name as a macro where it is used (gcc's stddef.h defines
 * __size_t empty for glibc's <glob.h>), and then the spelling means something else. */
static void put_type_guard(bw_buf *b, const char *s) {
  const char *p = s;
  while (*p) {
    if (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
      const char *start = p;
      while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
             (*p >= '0' && *p <= '9'))
        p++;
      if (is_type_keyword(start, (size_t)(p - start))) continue;
      bw_buf_puts(b, " && !defined(");
      bw_buf_append(b, start, (size_t)(p - start));
      bw_buf_putc(b, ')');
    } else {
      p++;
    }
  }
}

static void close_guard(bw_buf *b, int opened) {
  if (opened) bw_buf_puts(b, "#endif\n");
}

/* Names from the schema are written into C code, so only text that is what it claims to be
 * is used: an identifier for members, enumerators and macros; for a type, the characters of
 * a C type name (letters, digits, '_', spaces, '*', ',', '.', balanced '[]' and '()'), which
 * cannot end an expression early, start a comment or a directive. Anything else is skipped
 * (and counted). */
static int is_identifier(const char *s) {
  if (!s || !(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))) return 0;
  for (; *s; s++)
    if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
          (*s >= '0' && *s <= '9')))
      return 0;
  return 1;
}

static int is_type_name(const char *s) {
  if (!s || !*s) return 0;
  int round = 0, square = 0;
  for (; *s; s++) {
    char ch = *s;
    if (ch == '(')
      round++;
    else if (ch == ')' && --round < 0)
      return 0;
    else if (ch == '[')
      square++;
    else if (ch == ']' && --square < 0)
      return 0;
    else if (!(ch == '_' || ch == ' ' || ch == '*' || ch == ',' || ch == '.' || ch == '(' ||
               ch == ')' || ch == '[' || ch == ']' || (ch >= 'A' && ch <= 'Z') ||
               (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
      return 0;
  }
  return round == 0 && square == 0;
}

/* The node that carries a type's layout: follows references to user types, stopping at the
 * first node with a C name (*named set) or at the definition. */
static const bw_type *layout_node(const bw_type *t, int *named) {
  *named = 0;
  for (int hops = 0; t && hops < CCHECK_MAX_DEPTH; hops++) {
    if (t->native && t->native->c_name) {
      *named = 1;
      return t;
    }
    if (t->kind != BW_KIND_REF) return t;
    t = t->ref ? t->ref->type : NULL;
  }
  return NULL;
}

/* Native size of a field's type, or 0 when it cannot be told from the model. */
static uint64_t field_type_size(const bw_type *t, int depth) {
  if (!t || depth > CCHECK_MAX_DEPTH) return 0;
  if (t->native && t->native->size) return t->native->size;
  switch (t->kind) {
    case BW_KIND_REF:
      return t->ref ? field_type_size(t->ref->type, depth + 1) : 0;
    case BW_KIND_DATA_FIXED:
      return t->length;
    case BW_KIND_LIST_FIXED: {
      uint64_t elem = field_type_size(t->elem, depth + 1);
      if (elem == 0 || t->length > UINT64_MAX / elem) return 0;
      return elem * t->length;
    }
    default:
      return bw_kind_is_fixed_primitive(t->kind) ? bw_kind_width(t->kind) : 0;
  }
}

/* The members of a record-like node: a struct's fields or a C union's members. */
static const bw_field *record_members(const bw_type *t, size_t *count) {
  if (t && t->kind == BW_KIND_STRUCT) {
    *count = t->count;
    return t->fields;
  }
  if (t && t->native && (t->native->flags & BW_NATIVE_C_UNION)) {
    *count = t->native->member_count;
    return t->native->members;
  }
  *count = 0;
  return NULL;
}

/* A run-time check of one bitfield: in a static instance of the record (all zero bits,
 * padding included, and used once), set the bitfield to all ones, then find which bits of the
 * record changed. A const bitfield cannot be assigned: a designated initializer sets it, with
 * all ones written for its width and signedness. Returns 0, or -1 when it cannot be set. */
static int emit_bitfield(ccheck *c, const char *tname, const char *path, const bw_field *f,
                         uint64_t bit_offset) {
  bw_kind kind = bw_type_resolve(f->type)->kind;
  int is_const = f->c_type && strncmp(f->c_type, "const ", 6) == 0;
  if (is_const &&
      (f->bit_width == 0 || f->bit_width > 64 ||
       !(bw_kind_is_fixed_primitive(kind) && kind != BW_KIND_F32 && kind != BW_KIND_F64)))
    return -1;
  int guard = open_guard(&c->run, path);
  if (is_const) {
    int is_signed =
        kind == BW_KIND_I8 || kind == BW_KIND_I16 || kind == BW_KIND_I32 || kind == BW_KIND_I64;
    uint64_t ones = f->bit_width == 64 ? UINT64_MAX : (UINT64_C(1) << f->bit_width) - 1;
    if (kind == BW_KIND_BOOL || is_signed)
      bw_buf_printf(&c->run, "  {\n    static %s bw_v = {.%s = %s};\n", tname, path,
                    is_signed ? "-1" : "1");
    else
      bw_buf_printf(&c->run, "  {\n    static %s bw_v = {.%s = %" PRIu64 "ULL};\n", tname, path,
                    ones);
  } else {
    bw_buf_printf(&c->run, "  {\n    static %s bw_v;\n", tname);
    if (kind == BW_KIND_BOOL)
      bw_buf_printf(&c->run, "    bw_v.%s = 1;\n", path);
    else
      bw_buf_printf(&c->run, "    bw_v.%s = 0;\n    bw_v.%s--;\n", path, path);
  }
  bw_buf_printf(&c->run,
                "    bad |= bw_check_bits((const unsigned char *)&bw_v, sizeof bw_v, %" PRIu64
                ", %" PRIu32 ", \"",
                bit_offset, f->bit_width);
  put_escaped(&c->run, tname);
  bw_buf_putc(&c->run, '.');
  put_escaped(&c->run, path);
  bw_buf_puts(&c->run, "\");\n  }\n");
  close_guard(&c->run, guard);
  c->bit_count++;
  return 0;
}

/* `_Static_assert(<before><tname><after> == expected, "tname.path what");`. */
static void emit_assert(ccheck *c, const char *path, const char *before, const char *tname,
                        const char *after, uint64_t expected, const char *what) {
  if (!after) {
    c->asserts.oom = 1; /* the expression could not be built */
    return;
  }
  bw_buf_printf(&c->asserts, "_Static_assert(%s%s%s == %" PRIu64 ", \"", before, tname, after,
                expected);
  put_escaped(&c->asserts, tname);
  if (path) {
    bw_buf_putc(&c->asserts, '.');
    put_escaped(&c->asserts, path);
  }
  bw_buf_printf(&c->asserts, " %s\");\n", what);
  c->static_count++;
}

static void check_members(ccheck *c, const char *tname, const bw_field *fields, size_t n,
                          const char *prefix, uint64_t base, int depth);

/* A named member: its offset and size, and the members of its type when that type has no C
 * name of its own (it is checked nowhere else). */
static void check_named_member(ccheck *c, const char *tname, const bw_field *f, const char *path,
                               uint64_t base, int depth) {
  int guard = open_guard(&c->asserts, path);
  bw_buf expr = {0};
  bw_buf_printf(&expr, ", %s)", path);
  emit_assert(c, path, "offsetof(", tname, expr.data, base + f->offset, "offset");
  bw_buf_free(&expr);
  uint64_t size = f->flags & BW_FIELD_FLEXIBLE ? 0 : field_type_size(f->type, 0);
  if (size) {
    bw_buf_printf(&expr, " *)0)->%s)", path);
    emit_assert(c, path, "sizeof(((", tname, expr.data, size, "size");
    bw_buf_free(&expr);
  }
  if (f->c_type && !strchr(f->c_type, '{') && is_type_name(f->c_type)) {
    /* The recorded C type is the member's type (GNU C can compare types), unless a name in
     * its spelling is a macro where the check is compiled. */
    bw_buf_puts(&c->asserts, "#if defined(__GNUC__)");
    put_type_guard(&c->asserts, f->c_type);
    bw_buf_printf(&c->asserts,
                  "\n_Static_assert(__builtin_types_compatible_p(__typeof__(((%s *)0)->%s), %s), "
                  "\"",
                  tname, path, f->c_type);
    put_escaped(&c->asserts, tname);
    bw_buf_putc(&c->asserts, '.');
    put_escaped(&c->asserts, path);
    bw_buf_puts(&c->asserts, " type ");
    put_escaped(&c->asserts, f->c_type);
    bw_buf_puts(&c->asserts, "\");\n#endif\n");
    c->static_count++;
  }
  /* Elements of arrays (fixed or flexible) of anonymous records are reached through element
   * 0. */
  bw_buf sub = {0};
  bw_buf_puts(&sub, path);
  const bw_type *t = f->type;
  for (int hops = 0; t && hops < CCHECK_MAX_DEPTH; hops++) {
    const bw_type *r = bw_type_resolve(t);
    int flexible = hops == 0 && (f->flags & BW_FIELD_FLEXIBLE) && r && r->kind == BW_KIND_LIST;
    if (!r || (r->kind != BW_KIND_LIST_FIXED && !flexible) || (r->native && r->native->c_name))
      break;
    bw_buf_puts(&sub, "[0]");
    t = r->elem;
  }
  int named;
  const bw_type *node = layout_node(t, &named);
  size_t count = 0;
  const bw_field *members = named ? NULL : record_members(node, &count);
  if (members && !sub.oom && node->native && node->native->align) {
    bw_buf_printf(&expr, " *)0)->%s))", sub.data);
    emit_assert(c, sub.data, "_Alignof(__typeof__(((", tname, expr.data, node->native->align,
                "alignment");
    bw_buf_free(&expr);
  }
  close_guard(&c->asserts, guard);
  if (members && !sub.oom) {
    bw_buf_putc(&sub, '.');
    check_members(c, tname, members, count, sub.data, base + f->offset, depth + 1);
  }
  bw_buf_free(&sub);
}

static void check_members(ccheck *c, const char *tname, const bw_field *fields, size_t n,
                          const char *prefix, uint64_t base, int depth) {
  if (depth > CCHECK_MAX_DEPTH) return;
  for (size_t i = 0; i < n; i++) {
    const bw_field *f = &fields[i];
    if (!f->c_name) {
      /* An anonymous struct or union member: its members belong to the enclosing record. */
      int named;
      const bw_type *node = layout_node(f->type, &named);
      size_t count;
      const bw_field *members = named ? NULL : record_members(node, &count);
      if (members) check_members(c, tname, members, count, prefix, base + f->offset, depth + 1);
      continue;
    }
    if (!is_identifier(f->c_name)) {
      c->skipped++;
      continue;
    }
    bw_buf path = {0};
    bw_buf_printf(&path, "%s%s", prefix, f->c_name);
    if (path.oom) continue;
    if (f->flags & BW_FIELD_BITFIELD) {
      if (emit_bitfield(c, tname, path.data, f, base * 8 + f->bit_offset) != 0) c->skipped++;
    } else
      check_named_member(c, tname, f, path.data, base, depth);
    bw_buf_free(&path);
  }
}

static void check_constant(ccheck *c, const char *owner, const char *name, int64_t value,
                           int is_unsigned) {
  if (!is_identifier(name)) {
    c->skipped++;
    return;
  }
  bw_buf_printf(&c->asserts, "_Static_assert((%s) == ", name);
  put_value(&c->asserts, value, is_unsigned);
  bw_buf_puts(&c->asserts, ", \"");
  if (owner) {
    put_escaped(&c->asserts, owner);
    bw_buf_puts(&c->asserts, ": ");
  }
  put_escaped(&c->asserts, name);
  bw_buf_puts(&c->asserts, " value\");\n");
  c->static_count++;
}

static void check_type(ccheck *c, const bw_user_type *ut) {
  const bw_type *t = ut->type;
  const bw_native *nat = t->native;
  if (nat && (nat->flags & BW_NATIVE_C_ENUM)) {
    const char *owner = nat->c_name ? nat->c_name : ut->name;
    for (size_t i = 0; i < nat->constant_count; i++) {
      const bw_constant *k = &nat->constants[i];
      check_constant(c, owner, k->c_name ? k->c_name : k->name, k->value, k->is_unsigned);
    }
    if (nat->constant_count == 0 && t->kind == BW_KIND_ENUM)
      for (size_t i = 0; i < t->count; i++)
        if (t->members[i].c_name)
          check_constant(c, owner, t->members[i].c_name, (int64_t)t->members[i].value, 1);
  }
  if (!nat || !nat->c_name) return;
  if (!is_type_name(nat->c_name)) {
    c->skipped++;
    return;
  }
  uint64_t size = nat->size ? nat->size : field_type_size(t, 0);
  uint64_t align = nat->align;
  if (!align && t->kind == BW_KIND_REF) {
    const bw_type *r = bw_type_resolve(t);
    if (r && r->native) align = r->native->align;
  }
  if (size == 0) return; /* incomplete: named in the layout, nothing to measure */
  emit_assert(c, NULL, "sizeof(", nat->c_name, ")", size, "size");
  if (align) emit_assert(c, NULL, "_Alignof(", nat->c_name, ")", align, "alignment");
  if ((nat->flags & BW_NATIVE_C_ENUM) && nat->underlying && !is_type_name(nat->underlying))
    c->skipped++;
  else if ((nat->flags & BW_NATIVE_C_ENUM) && nat->underlying) {
    /* The compiler itself says what the underlying type's size and signedness are. */
    bw_buf_printf(&c->asserts,
                  "_Static_assert(sizeof(%s) == sizeof(%s) && ((%s)-1 > (%s)0) == ((%s)-1 > "
                  "(%s)0), \"",
                  nat->c_name, nat->underlying, nat->c_name, nat->c_name, nat->underlying,
                  nat->underlying);
    put_escaped(&c->asserts, nat->c_name);
    bw_buf_puts(&c->asserts, " underlying type ");
    put_escaped(&c->asserts, nat->underlying);
    bw_buf_puts(&c->asserts, "\");\n");
    c->static_count++;
  }
  if (t->kind == BW_KIND_REF) return; /* a typedef: its record is checked where defined */
  size_t count;
  const bw_field *members = record_members(t, &count);
  if (members) check_members(c, nat->c_name, members, count, "", 0, 0);
}

/* -D, -U and -include among the clang arguments change what the headers declare, so the
 * check file repeats them before its #include lines. */
static void put_clang_defines(bw_buf *b, const bw_import_options *opts) {
  for (size_t i = 0; i < opts->clang_arg_count; i++) {
    const char *a = opts->clang_args[i];
    const char *next = i + 1 < opts->clang_arg_count ? opts->clang_args[i + 1] : NULL;
    const char *value = NULL;
    char kind = 0;
    if (!a) continue;
    if (strncmp(a, "-D", 2) == 0 || strncmp(a, "-U", 2) == 0) {
      kind = a[1];
      value = a[2] ? a + 2 : next;
      if (!a[2]) i++;
    } else if (strcmp(a, "-include") == 0) {
      kind = 'i';
      value = next;
      i++;
    }
    if (!value || strchr(value, '\n') || (kind == 'i' && strchr(value, '"'))) continue;
    if (kind != 'i') {
      /* The macro's name (before '=' or a parameter list) must be an identifier. */
      char name[256];
      size_t name_len = strcspn(value, "=(");
      if (name_len == 0 || name_len >= sizeof name) continue;
      memcpy(name, value, name_len);
      name[name_len] = 0;
      if (!is_identifier(name)) continue;
    }
    if (kind == 'D') {
      const char *eq = strchr(value, '=');
      bw_buf_puts(b, "#define ");
      if (eq) {
        bw_buf_append(b, value, (size_t)(eq - value));
        bw_buf_printf(b, " %s\n", eq + 1);
      } else {
        bw_buf_printf(b, "%s 1\n", value);
      }
    } else if (kind == 'U') {
      bw_buf_printf(b, "#undef %s\n", value);
    } else if (kind == 'i') {
      bw_buf_printf(b, "#include \"%s\"\n", value);
    }
  }
}

static const char bits_helper[] =
    "/* Finds the bits of the record that are set: they must be exactly the bitfield's. On a\n"
    " * big-endian target bit b of the record is bit 7 - b % 8 of byte b / 8. */\n"
    "static int bw_check_bits(const unsigned char *p, size_t size, unsigned long long offset,\n"
    "                         unsigned long long width, const char *what) {\n"
    "  unsigned long long lo = 0, hi = 0, count = 0;\n"
    "  for (size_t i = 0; i < size; i++)\n"
    "    for (unsigned j = 0; j < 8; j++) {\n"
    "      if (!((p[i] >> j) & 1u)) continue;\n"
    "      unsigned long long bit = i * 8ull + (BW_CHECK_BIG_ENDIAN ? 7u - j : j);\n"
    "      if (count == 0 || bit < lo) lo = bit;\n"
    "      if (count == 0 || bit > hi) hi = bit;\n"
    "      count++;\n"
    "    }\n"
    "  if (count == width && lo == offset && hi == offset + width - 1) return 0;\n"
    "  printf(\"%s: bit offset %llu width %llu, expected bit offset %llu width %llu\\n\", what,\n"
    "         lo, count, offset, width);\n"
    "  return 1;\n"
    "}\n\n";

/* The head of the file: what it is, the -D/-U of the import, the headers, the target checks. */
static void put_prologue(bw_buf *b, const bw_target *target, const ccheck *c,
                         const bw_import_options *opts) {
  bw_buf_puts(b, "/* Layout check generated by bw-import --format=c-check for target ");
  put_escaped(b, target->triple ? target->triple : "(unknown)");
  bw_buf_printf(b,
                ".\n * Compile it with a C11 compiler for that target (same -I/-D flags as the "
                "import;\n * -DBW_CHECK_NO_LIBC where there is no C library): every "
                "_Static_assert states a\n * size, alignment, offset, type or value barewire "
                "recorded; running it checks the\n * bitfields and prints each "
                "mismatch.\n * %llu static checks, %llu bitfield checks",
                c->static_count, c->bit_count);
  if (c->skipped)
    bw_buf_printf(b, "; %llu skipped (names that are not C, const enum bitfields)", c->skipped);
  bw_buf_puts(b, ". */\n");
  if (opts) put_clang_defines(b, opts);
  size_t header_count = opts ? opts->header_count : 0;
  for (size_t i = 0; i < header_count; i++) {
    const char *h = opts->headers[i];
    if (h[0] == '<')
      bw_buf_printf(b, "#include %s\n", h);
    else
      bw_buf_printf(b, "#include \"%s\"\n", h);
  }
  bw_buf_printf(b,
                "#include <stddef.h>\n"
                "#ifdef BW_CHECK_NO_LIBC /* a compiler without a C library: only declare printf "
                "*/\nint printf(const char *, ...);\n#else\n#include <stdio.h>\n#endif\n\n"
                "#define BW_CHECK_BIG_ENDIAN %d\n\n"
                "/* The compiler must be one for the target. */\n"
                "_Static_assert(sizeof(void *) == %" PRIu32 ", \"pointer size of the target\");\n"
                "_Static_assert(((char)-1 > (char)0) == %d, \"char signedness of the target\");\n"
                "#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__)\n"
                "_Static_assert((__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__) == %d, "
                "\"byte order of the target\");\n#endif\n\n",
                target->big_endian ? 1 : 0, target->pointer_size, target->char_signed ? 0 : 1,
                target->big_endian ? 1 : 0);
}

int bw_import_c_check(const bw_schema *s, const bw_import_options *opts, char **out, size_t *len,
                      bw_error *err) {
  if (out) *out = NULL;
  if (len) *len = 0;
  if (!s || !out) return bw_error_set(err, BW_EINVAL, 0, "c-check: schema and out are required");
  const bw_target *target = bw_schema_target(s);
  if (!target)
    return bw_error_set(err, BW_EINVAL, 0,
                        "c-check: the schema has no target (not imported): nothing to check");
  size_t header_count = opts ? opts->header_count : 0;
  for (size_t i = 0; i < header_count; i++) {
    const char *h = opts->headers[i];
    size_t n = h ? strlen(h) : 0;
    int angled = n >= 2 && h[0] == '<' && h[n - 1] == '>';
    if (n == 0 || strchr(h, '\n') || (!angled && strchr(h, '"')))
      return bw_error_set(err, BW_EINVAL, 0, "c-check: header %zu cannot be #included", i + 1);
  }

  ccheck c = {0};
  size_t type_count = bw_schema_type_count(s);
  for (size_t i = 0; i < type_count; i++) check_type(&c, bw_schema_type_at(s, i));
  size_t constant_count = bw_schema_constant_count(s);
  for (size_t i = 0; i < constant_count; i++) {
    const bw_constant *k = bw_schema_constant_at(s, i);
    check_constant(&c, NULL, k->c_name ? k->c_name : k->name, k->value, k->is_unsigned);
  }

  bw_buf b = {0};
  put_prologue(&b, target, &c, opts);
  if (c.asserts.len) bw_buf_append(&b, c.asserts.data, c.asserts.len);
  bw_buf_putc(&b, '\n');
  if (c.bit_count) bw_buf_puts(&b, bits_helper);
  bw_buf_puts(&b, "int main(void) {\n  int bad = 0;\n");
  if (c.run.len) bw_buf_append(&b, c.run.data, c.run.len);
  bw_buf_puts(&b, "  return bad;\n}\n");
  int oom = c.asserts.oom || c.run.oom;
  bw_buf_free(&c.asserts);
  bw_buf_free(&c.run);
  if (oom) {
    bw_buf_free(&b);
    return bw_error_set(err, BW_ENOMEM, 0, "c-check: out of memory");
  }
  if (bw_buf_finish(&b, out, len) != 0)
    return bw_error_set(err, BW_ENOMEM, 0, "c-check: out of memory");
  return 0;
}

/* barewire schema module: `#@` layout annotations (docs/schema-annotations.md): parsing one
 * annotation line into a record, and applying the records seen before an item to the draft.
 *
 * A line is `#@ KIND ITEM...` where each item is `key=value` or a flag word; the keys and flags
 * each kind accepts are in the tables below, so the parser, the error messages and the
 * documentation follow one list. Values are copied into the draft's arena; numbers are checked
 * for overflow; a type expression (c_member's type=) is parsed by the schema parser through
 * bw_annotation_env. Every problem is reported at its line and column. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotation.h"

static const char *const annotation_names[BW_ANNOT_KIND_COUNT] = {
    "target",     "constant",        "native", "c_member",
    "c_constant", "c_member_native", "field",  "enumerator"};

const char *bw_annotation_name(bw_annotation_kind kind) {
  return (unsigned)kind < BW_ANNOT_KIND_COUNT ? annotation_names[kind] : "?";
}

static void env_report(bw_annotation_env *env, int code, uint32_t line, uint32_t column,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void env_report(bw_annotation_env *env, int code, uint32_t line, uint32_t column,
                       const char *fmt, ...) {
  char message[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  env->report(env->ctx, code, line, column, message);
}

static void env_oom(bw_annotation_env *env) {
  env->report(env->ctx, BW_ENOMEM, 1, 1, "out of memory");
}

static int lower(char c) {
  return c >= 'a' && c <= 'z';
}
static int digit(char c) {
  return c >= '0' && c <= '9';
}

/* ---- one annotation line ----------------------------------------------------------------- */

typedef enum value_kind { V_STR, V_U64, V_U32, V_VALUE, V_ENDIAN, V_BOOL, V_TYPE } value_kind;

typedef struct key_spec {
  unsigned kinds; /* bit per annotation_kind */
  const char *key;
  value_kind vk;
  size_t offset; /* into struct bw_annotation */
} key_spec;

#define K(kind) (1u << (kind))
#define AT(member) offsetof(struct bw_annotation, member)
#define FIELD_LIKE (K(BW_ANNOT_C_MEMBER) | K(BW_ANNOT_FIELD))
#define CONSTANT_LIKE (K(BW_ANNOT_CONSTANT) | K(BW_ANNOT_C_CONSTANT))
#define NATIVE_LIKE (K(BW_ANNOT_NATIVE) | K(BW_ANNOT_C_MEMBER_NATIVE))

static const key_spec keys[] = {
    {K(BW_ANNOT_TARGET), "triple", V_STR, AT(triple)},
    {K(BW_ANNOT_TARGET), "pointer_size", V_U32, AT(pointer_size)},
    {K(BW_ANNOT_TARGET), "endian", V_ENDIAN, AT(big_endian)},
    {K(BW_ANNOT_TARGET), "char_signed", V_BOOL, AT(char_signed)},
    {CONSTANT_LIKE | K(BW_ANNOT_C_MEMBER), "name", V_STR, AT(name)},
    {CONSTANT_LIKE | NATIVE_LIKE | FIELD_LIKE | K(BW_ANNOT_ENUMERATOR), "c_name", V_STR,
     AT(c_name)},
    {CONSTANT_LIKE, "value", V_VALUE, AT(magnitude)},
    {NATIVE_LIKE, "size", V_U64, AT(size)},
    {NATIVE_LIKE, "align", V_U64, AT(align)},
    {NATIVE_LIKE, "underlying", V_STR, AT(underlying)},
    {NATIVE_LIKE, "file", V_STR, AT(file)},
    {NATIVE_LIKE, "line", V_U32, AT(decl_line)},
    {K(BW_ANNOT_C_MEMBER), "type", V_TYPE, AT(type)},
    {FIELD_LIKE, "offset", V_U64, AT(offset)},
    {FIELD_LIKE, "bit_offset", V_U64, AT(bit_offset)},
    {FIELD_LIKE, "bit_width", V_U32, AT(bit_width)},
    {FIELD_LIKE, "c_type", V_STR, AT(c_type)},
    {K(BW_ANNOT_C_MEMBER), "doc", V_STR, AT(doc)},
};

typedef struct flag_spec {
  unsigned kinds;
  const char *word;
  uint32_t bit; /* 0: is_unsigned */
} flag_spec;

static const flag_spec flag_words[] = {
    {NATIVE_LIKE, "c_union", BW_NATIVE_C_UNION},
    {NATIVE_LIKE, "c_enum", BW_NATIVE_C_ENUM},
    {NATIVE_LIKE, "packed", BW_NATIVE_PACKED},
    {NATIVE_LIKE, "natural", BW_NATIVE_NATURAL},
    {FIELD_LIKE, "bitfield", BW_FIELD_BITFIELD},
    {FIELD_LIKE, "flexible", BW_FIELD_FLEXIBLE},
    {FIELD_LIKE, "anonymous", BW_FIELD_ANONYMOUS},
    {FIELD_LIKE, "pointer", BW_FIELD_POINTER},
    {CONSTANT_LIKE, "unsigned", 0},
};

/* A cursor over one annotation line. */
typedef struct annot_scan {
  bw_annotation_env *env;
  const char *s;
  size_t n, i;
  uint32_t line, column0; /* column of s[0] */
  int failed;
  size_t kind_at; /* where the kind word starts: whole-annotation problems are reported there */
} annot_scan;

static int scan_fail(annot_scan *sc, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int scan_fail(annot_scan *sc, size_t at, const char *fmt, ...) {
  char message[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (!sc->failed) {
    uint64_t col = (uint64_t)sc->column0 + at;
    sc->env->report(sc->env->ctx, BW_ESYNTAX, sc->line,
                    col > UINT32_MAX ? UINT32_MAX : (uint32_t)col, message);
  }
  sc->failed = 1;
  return -1;
}

static void skip_blanks(annot_scan *sc) {
  while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t')) sc->i++;
}

static size_t scan_word(annot_scan *sc) {
  size_t start = sc->i;
  while (sc->i < sc->n && (lower(sc->s[sc->i]) || digit(sc->s[sc->i]) || sc->s[sc->i] == '_'))
    sc->i++;
  return sc->i - start;
}

static int hex_value(char c) {
  if (digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A value: "quoted string" with escapes, or a bare run of non-blank characters. The result is
 * NUL-terminated in the arena; *start is where it began (for positions). */
static char *scan_value(annot_scan *sc, size_t *len_out) {
  bw_buf b = {0};
  if (sc->i < sc->n && sc->s[sc->i] == '"') {
    size_t open = sc->i++;
    for (;;) {
      if (sc->i >= sc->n) {
        bw_buf_free(&b);
        scan_fail(sc, open, "string is not closed (expected '\"' before the end of the line)");
        return NULL;
      }
      char c = sc->s[sc->i];
      if (c == '"') {
        sc->i++;
        break;
      }
      if (c != '\\') {
        bw_buf_putc(&b, c);
        sc->i++;
        continue;
      }
      size_t esc = sc->i;
      char e = esc + 1 < sc->n ? sc->s[esc + 1] : 0;
      sc->i += 2;
      if (e == '"' || e == '\\')
        bw_buf_putc(&b, e);
      else if (e == 'n')
        bw_buf_putc(&b, '\n');
      else if (e == 't')
        bw_buf_putc(&b, '\t');
      else if (e == 'r')
        bw_buf_putc(&b, '\r');
      else if (e == 'x' && esc + 3 < sc->n && hex_value(sc->s[esc + 2]) >= 0 &&
               hex_value(sc->s[esc + 3]) >= 0 &&
               (hex_value(sc->s[esc + 2]) | hex_value(sc->s[esc + 3])) != 0) {
        bw_buf_putc(&b, (char)(hex_value(sc->s[esc + 2]) * 16 + hex_value(sc->s[esc + 3])));
        sc->i += 2;
      } else {
        bw_buf_free(&b);
        scan_fail(sc, esc,
                  "bad escape in string (use \\\", \\\\, \\n, \\t, \\r or \\xHH with HH not 00)");
        return NULL;
      }
    }
  } else {
    size_t start = sc->i;
    while (sc->i < sc->n && sc->s[sc->i] != ' ' && sc->s[sc->i] != '\t' && sc->s[sc->i] != '"')
      sc->i++;
    if (sc->i == start) {
      scan_fail(sc, start, "expected a value after '='");
      return NULL;
    }
    bw_buf_append(&b, sc->s + start, sc->i - start);
  }
  char *out = bw_draft_strndup(sc->env->d, b.len ? b.data : "", b.len);
  bw_buf_free(&b);
  if (!out) env_oom(sc->env);
  *len_out = out ? strlen(out) : 0;
  return out;
}

static int parse_u64_text(const char *s, uint64_t *out) {
  if (!*s) return -1;
  uint64_t v = 0;
  for (; *s; s++) {
    if (!digit(*s)) return -1;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -2;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* Parses the type expression of a c_member (value already unescaped, at offset at). */
static bw_type *parse_type_text(annot_scan *sc, const char *text, size_t len, size_t at) {
  uint64_t col = (uint64_t)sc->column0 + at + 1;
  bw_type *t = sc->env->parse_type(sc->env->ctx, text, len, sc->line,
                                   col > UINT32_MAX ? UINT32_MAX : (uint32_t)col);
  if (!t) sc->failed = 1;
  return t;
}

static void set_value(annot_scan *sc, struct bw_annotation *a, const key_spec *k, const char *v,
                      size_t vlen, size_t at) {
  char *field = (char *)a + k->offset;
  uint64_t u = 0;
  int rc;
  switch (k->vk) {
    case V_STR:
      *(const char **)field = v;
      return;
    case V_U64:
    case V_U32:
      rc = parse_u64_text(v, &u);
      if (rc == 0 && k->vk == V_U32 && u > UINT32_MAX) rc = -2;
      if (rc == -1)
        scan_fail(sc, at, "%s= takes a decimal number, found '%.40s'", k->key, v);
      else if (rc == -2)
        scan_fail(sc, at, "%s=%.40s is too large", k->key, v);
      else
        *(uint64_t *)field = u;
      return;
    case V_VALUE:
      a->negative = v[0] == '-';
      rc = parse_u64_text(v + a->negative, &u);
      if (rc == -1)
        scan_fail(sc, at, "value= takes a decimal integer, found '%.40s'", v);
      else if (rc == -2)
        scan_fail(sc, at, "value=%.40s is too large for 64 bits", v);
      else
        a->magnitude = u;
      return;
    case V_ENDIAN:
      if (strcmp(v, "little") == 0)
        a->big_endian = 0;
      else if (strcmp(v, "big") == 0)
        a->big_endian = 1;
      else
        scan_fail(sc, at, "endian= takes 'little' or 'big', found '%.40s'", v);
      return;
    case V_BOOL:
      if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
        a->char_signed = v[0] == '1';
      else
        scan_fail(sc, at, "%s= takes 0 or 1, found '%.40s'", k->key, v);
      return;
    case V_TYPE:
      a->type = parse_type_text(sc, v, vlen, at);
      return;
  }
}

/* Turns the magnitude and sign of value= into the stored bits once `unsigned` is known. */
static void finish_value(annot_scan *sc, struct bw_annotation *a) {
  if (a->is_unsigned) {
    if (a->negative) {
      scan_fail(sc, sc->kind_at, "value= of an unsigned constant cannot be negative");
      return;
    }
    a->value = (int64_t)a->magnitude;
  } else if (a->negative) {
    if (a->magnitude > (uint64_t)INT64_MAX + 1) {
      scan_fail(sc, sc->kind_at, "value= is below the smallest signed 64-bit integer");
      return;
    }
    a->value = a->magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)a->magnitude;
  } else {
    if (a->magnitude > (uint64_t)INT64_MAX) {
      scan_fail(sc, sc->kind_at,
                "value= is above the largest signed 64-bit integer (add 'unsigned')");
      return;
    }
    a->value = (int64_t)a->magnitude;
  }
}

static struct bw_annotation *parse_annotation_line(annot_scan *sc, uint32_t line, uint32_t column) {
  skip_blanks(sc);
  size_t kind_at = sc->i;
  sc->kind_at = kind_at;
  size_t kn = scan_word(sc);
  int kind = -1;
  for (int k = 0; k < BW_ANNOT_KIND_COUNT && kn; k++)
    if (strlen(annotation_names[k]) == kn && memcmp(annotation_names[k], sc->s + kind_at, kn) == 0)
      kind = k;
  if (kind < 0) {
    scan_fail(sc, kind_at,
              "unknown annotation '#@ %.*s' (expected target, constant, native, c_member, "
              "c_constant, c_member_native, field or enumerator)",
              (int)(kn ? kn : (sc->i < sc->n ? 1 : 0)), sc->s + kind_at);
    return NULL;
  }
  struct bw_annotation *a = bw_arena_alloc(&sc->env->d->s.arena, sizeof *a);
  if (!a) {
    env_oom(sc->env);
    return NULL;
  }
  a->kind = (bw_annotation_kind)kind;
  a->line = line;
  a->column = column;
  uint64_t seen = 0;
  int has_value = 0;
  while (!sc->failed) {
    if (sc->i < sc->n && sc->s[sc->i] != ' ' && sc->s[sc->i] != '\t')
      return scan_fail(sc, sc->i, "expected a blank between annotation items"), NULL;
    skip_blanks(sc);
    if (sc->i >= sc->n) break;
    size_t key_at = sc->i;
    size_t len = scan_word(sc);
    if (len == 0) {
      scan_fail(sc, key_at, "unexpected '%c' in '#@ %s' annotation", sc->s[key_at],
                annotation_names[kind]);
      break;
    }
    if (sc->i < sc->n && sc->s[sc->i] == '=') {
      sc->i++;
      const key_spec *k = NULL;
      size_t ki = 0;
      for (; ki < sizeof keys / sizeof keys[0]; ki++)
        if ((keys[ki].kinds & K(kind)) && strlen(keys[ki].key) == len &&
            memcmp(keys[ki].key, sc->s + key_at, len) == 0) {
          k = &keys[ki];
          break;
        }
      if (!k) {
        scan_fail(sc, key_at, "unknown key '%.*s' in '#@ %s' annotation", (int)len, sc->s + key_at,
                  annotation_names[kind]);
        break;
      }
      if (seen & (1ull << ki)) {
        scan_fail(sc, key_at, "key '%s' given twice", k->key);
        break;
      }
      seen |= 1ull << ki;
      size_t value_at = sc->i, vlen = 0;
      char *v = scan_value(sc, &vlen);
      if (!v) break;
      if (k->vk == V_VALUE) has_value = 1;
      set_value(sc, a, k, v, vlen, value_at);
      continue;
    }
    size_t fi = 0;
    for (; fi < sizeof flag_words / sizeof flag_words[0]; fi++)
      if ((flag_words[fi].kinds & K(kind)) && strlen(flag_words[fi].word) == len &&
          memcmp(flag_words[fi].word, sc->s + key_at, len) == 0)
        break;
    if (fi == sizeof flag_words / sizeof flag_words[0]) {
      scan_fail(sc, key_at, "unknown word '%.*s' in '#@ %s' annotation", (int)len, sc->s + key_at,
                annotation_names[kind]);
      break;
    }
    if (flag_words[fi].bit == 0)
      a->is_unsigned = 1;
    else
      a->flags |= flag_words[fi].bit;
  }
  if (sc->failed) return NULL;
  if ((kind == BW_ANNOT_CONSTANT || kind == BW_ANNOT_C_CONSTANT) && (!a->name || !has_value))
    return scan_fail(sc, sc->kind_at, "'#@ %s' needs name= and value=", annotation_names[kind]),
           NULL;
  if (kind == BW_ANNOT_C_MEMBER && (!a->name || !a->type))
    return scan_fail(sc, sc->kind_at, "'#@ c_member' needs name= and type="), NULL;
  if (has_value) finish_value(sc, a);
  return sc->failed ? NULL : a;
}

struct bw_annotation *bw_annotation_parse(bw_annotation_env *env, const char *text, size_t len,
                                          uint32_t line, uint32_t column) {
  if (len == 0 || text[0] != '@') return NULL;
  uint64_t col = (uint64_t)column + 2;
  annot_scan sc = {env, text + 1, len - 1, 0, line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col,
                   0,   0};
  return parse_annotation_line(&sc, line, column);
}

/* ---- applying annotations to items -------------------------------------------------------- */

static const char *const item_names[] = {"a type definition", "a struct field", "an enum member",
                                         "a union member", "the end of the schema"};

static int allowed(bw_annotation_kind k, bw_item_kind item) {
  switch (item) {
    case BW_ITEM_DEFINITION:
      return k == BW_ANNOT_TARGET || k == BW_ANNOT_CONSTANT || k == BW_ANNOT_NATIVE ||
             k == BW_ANNOT_C_MEMBER || k == BW_ANNOT_C_CONSTANT || k == BW_ANNOT_C_MEMBER_NATIVE;
    case BW_ITEM_END:
      return k == BW_ANNOT_TARGET || k == BW_ANNOT_CONSTANT;
    case BW_ITEM_FIELD:
      return k == BW_ANNOT_FIELD || k == BW_ANNOT_NATIVE || k == BW_ANNOT_C_MEMBER ||
             k == BW_ANNOT_C_CONSTANT || k == BW_ANNOT_C_MEMBER_NATIVE;
    case BW_ITEM_UNION_MEMBER:
      return k == BW_ANNOT_NATIVE || k == BW_ANNOT_C_MEMBER || k == BW_ANNOT_C_CONSTANT ||
             k == BW_ANNOT_C_MEMBER_NATIVE;
    case BW_ITEM_ENUM_MEMBER:
      return k == BW_ANNOT_ENUMERATOR;
  }
  return 0;
}

static void fill_native(bw_native *n, const struct bw_annotation *a) {
  n->size = a->size;
  n->align = a->align;
  n->flags = a->flags;
  n->c_name = a->c_name;
  n->underlying = a->underlying;
  n->file = a->file;
  n->line = (uint32_t)a->decl_line;
}

/* A C union member of the pending native layout. */
static void add_c_member(bw_annotation_env *env, const struct bw_annotation *a,
                         bw_layout_notes *notes) {
  if (!notes->has_native) {
    env_report(env, BW_ESYNTAX, a->line, a->column,
               "'#@ c_member' annotation must follow a '#@ native' annotation");
    return;
  }
  bw_field *f = bw_draft_add_native_member(env->d, &notes->native, a->name, a->type);
  if (!f) {
    env_oom(env);
    return;
  }
  f->pos = (bw_pos){a->line, a->column};
  f->offset = a->offset;
  f->bit_offset = a->bit_offset;
  f->bit_width = (uint32_t)a->bit_width;
  f->flags = a->flags;
  f->c_name = a->c_name;
  f->c_type = a->c_type;
  f->doc = a->doc;
  notes->last_member_type = a->type;
}

/* The layout of the latest C union member's own type. */
static void add_c_member_native(bw_annotation_env *env, const struct bw_annotation *a,
                                bw_layout_notes *notes) {
  if (!notes->last_member_type) {
    env_report(env, BW_ESYNTAX, a->line, a->column,
               "'#@ c_member_native' annotation must follow a '#@ c_member' annotation");
    return;
  }
  if (notes->last_member_type->native) {
    env_report(env, BW_ESYNTAX, a->line, a->column,
               "second '#@ c_member_native' annotation for one member");
    return;
  }
  bw_native *n = bw_draft_native(env->d, notes->last_member_type);
  if (!n) {
    env_oom(env);
    return;
  }
  fill_native(n, a);
}

/* Applies schema-level annotations at once and gathers the others into notes. */
void bw_annotations_collect(bw_annotation_env *env, struct bw_annotation *a, bw_item_kind item,
                            bw_layout_notes *notes) {
  bw_draft *d = env->d;
  for (; a; a = a->next) {
    const char *kind = bw_annotation_name(a->kind);
    if (!allowed(a->kind, item)) {
      env_report(env, BW_ESYNTAX, a->line, a->column, "'#@ %s' annotation cannot come before %s",
                 kind, item_names[item]);
      continue;
    }
    switch (a->kind) {
      case BW_ANNOT_TARGET:
        if (env->has_target) {
          env_report(env, BW_ESYNTAX, a->line, a->column, "second '#@ target' annotation");
          break;
        }
        env->has_target = 1;
        if (bw_draft_set_target(d, a->triple, (uint32_t)a->pointer_size, a->big_endian,
                                a->char_signed) != 0)
          env_oom(env);
        break;
      case BW_ANNOT_CONSTANT:
        if (!bw_draft_add_constant(d, a->name, a->c_name, a->value, a->is_unsigned)) env_oom(env);
        break;
      case BW_ANNOT_NATIVE:
        if (notes->has_native) {
          env_report(env, BW_ESYNTAX, a->line, a->column, "second '#@ native' annotation for %s",
                     item_names[item]);
          break;
        }
        notes->has_native = 1;
        fill_native(&notes->native, a);
        break;
      case BW_ANNOT_C_MEMBER:
        add_c_member(env, a, notes);
        break;
      case BW_ANNOT_C_MEMBER_NATIVE:
        add_c_member_native(env, a, notes);
        break;
      case BW_ANNOT_C_CONSTANT:
        if (!notes->has_native) {
          env_report(env, BW_ESYNTAX, a->line, a->column,
                     "'#@ c_constant' annotation must follow a '#@ native' annotation");
          break;
        }
        if (!bw_draft_add_native_constant(d, &notes->native, a->name, a->c_name, a->value,
                                          a->is_unsigned))
          env_oom(env);
        break;
      case BW_ANNOT_FIELD:
        if (notes->field)
          env_report(env, BW_ESYNTAX, a->line, a->column,
                     "second '#@ field' annotation for one field");
        else
          notes->field = a;
        break;
      case BW_ANNOT_ENUMERATOR:
        if (notes->enumerator_c_name)
          env_report(env, BW_ESYNTAX, a->line, a->column,
                     "second '#@ enumerator' annotation for one member");
        else
          notes->enumerator_c_name = a->c_name;
        break;
      case BW_ANNOT_KIND_COUNT:
        break;
    }
  }
}

void bw_layout_notes_attach(bw_annotation_env *env, bw_type *t, const bw_layout_notes *notes) {
  if (!notes->has_native || !t) return;
  bw_native *n = bw_draft_native(env->d, t);
  if (!n) {
    env_oom(env);
    return;
  }
  *n = notes->native;
}

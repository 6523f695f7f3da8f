/* barewire import: the value of an expanded macro, as C computes it for the target.
 *
 * macro_eval.c expands a macro into tokens; this file evaluates them as an integer constant
 * expression with C's rules: the types of integer and character literals, integer promotions
 * and the usual arithmetic conversions with the target's widths of short, int, long and long
 * long and its char signedness, casts to integer types (keywords, or typedefs as clang resolved
 * them), sizeof of types (keywords, typedefs, struct/union/enum tags, pointers, by clang's
 * sizes), enumerators (by clang's values), and every C operator but assignment and comma. It
 * answers 1 (a value), 0 (surely not an integer constant: a pointer, float, string, type,
 * attribute, member access) or -1 (not sure: overflow, division by zero, shifts out of range,
 * variables, anything unusual), and -1 sends the macro to clang. What names denote comes from
 * macro_names.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

typedef bw_import_tok tok;

/* ---- values -------------------------------------------------------------------------------- */

enum { R_BOOL, R_CHAR, R_SHORT, R_INT, R_LONG, R_LLONG };
enum { V_INT, V_POINTER, V_FLOAT, V_STRING };

typedef struct ival {
  uint64_t bits; /* the value's bits, masked to the type's width */
  int rank;
  int uns;
  int kind;
} ival;

typedef struct evaluator {
  bw_import_ctx *ctx;
  const tok *t;
  size_t n;
  size_t pos;
  int fail;       /* not sure: let clang decide */
  int surely_not; /* found something no integer constant has (an undeclared function...) */
} evaluator;

static unsigned width_of(const evaluator *v, int rank) {
  const bw_import_ctx *c = v->ctx;
  switch (rank) {
    case R_BOOL:
    case R_CHAR:
      return 1;
    case R_SHORT:
      return c->short_size;
    case R_INT:
      return c->int_size;
    case R_LONG:
      return c->long_size;
    default:
      return c->llong_size;
  }
}

static uint64_t mask_of(unsigned width) {
  return width >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * width)) - 1;
}

static int64_t sval(const evaluator *v, ival x) {
  unsigned w = width_of(v, x.rank);
  if (x.uns || w >= 8) return (int64_t)x.bits;
  uint64_t sign = (uint64_t)1 << (8 * w - 1);
  return (int64_t)((x.bits ^ sign) - sign);
}

static ival convert(const evaluator *v, ival x, int rank, int uns) {
  ival r = {0, rank, uns, V_INT};
  if (rank == R_BOOL) {
    r.bits = x.bits != 0;
    r.uns = 1;
    return r;
  }
  uint64_t src = x.uns ? x.bits : (uint64_t)sval(v, x);
  r.bits = src & mask_of(width_of(v, rank));
  return r;
}

static ival promote(const evaluator *v, ival x) {
  if (x.rank < R_INT) return convert(v, x, R_INT, 0);
  return x;
}

/* The common type of two promoted operands (C11 6.3.1.8). */
static void common_type(const evaluator *v, ival a, ival b, int *rank, int *uns) {
  if (a.uns == b.uns) {
    *rank = a.rank > b.rank ? a.rank : b.rank;
    *uns = a.uns;
    return;
  }
  ival u = a.uns ? a : b, s = a.uns ? b : a;
  if (u.rank >= s.rank) {
    *rank = u.rank;
    *uns = 1;
  } else if (width_of(v, s.rank) > width_of(v, u.rank)) {
    *rank = s.rank;
    *uns = 0;
  } else {
    *rank = s.rank;
    *uns = 1;
  }
}

static ival make_int(const evaluator *v, int64_t value) {
  ival r = {(uint64_t)value & mask_of(width_of(v, R_INT)), R_INT, 0, V_INT};
  return r;
}

static int fits_signed(const evaluator *v, int rank, int64_t x) {
  unsigned w = width_of(v, rank);
  if (w >= 8) return 1;
  int64_t max = (int64_t)(((uint64_t)1 << (8 * w - 1)) - 1);
  return x <= max && x >= -max - 1;
}

/* ---- literals ------------------------------------------------------------------------------ */

static ival int_literal(evaluator *v, const char *s) {
  ival r = {0, R_INT, 0, V_INT};
  uint64_t x = 0;
  unsigned base = 10;
  const char *p = s;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    base = 2, p += 2;
  else if (p[0] == '0')
    base = 8;
  const char *digits = p;
  for (;; p++) {
    unsigned d;
    if (*p >= '0' && *p <= '9')
      d = (unsigned)(*p - '0');
    else if (*p >= 'a' && *p <= 'f')
      d = (unsigned)(*p - 'a' + 10);
    else if (*p >= 'A' && *p <= 'F')
      d = (unsigned)(*p - 'A' + 10);
    else
      break;
    if (d >= base || x > (UINT64_MAX - d) / base) {
      v->fail = 1;
      return r;
    }
    x = x * base + d;
  }
  if (p == digits && base != 8) {
    v->fail = 1;
    return r;
  }
  int u = 0, l = 0;
  for (; *p; p++) {
    if ((*p == 'u' || *p == 'U') && !u)
      u = 1;
    else if ((*p == 'l' || *p == 'L') && l < 2)
      l++;
    else {
      v->fail = 1; /* a suffix we do not know (i, wb, f...) */
      return r;
    }
  }
  /* The first type of the literal's list that holds the value (C11 6.4.4.1). */
  int ranks[3] = {R_INT, R_LONG, R_LLONG};
  for (int k = l; k < 3; k++) {
    for (int su = u; su <= 1; su++) {
      if (su && !u && base == 10) continue; /* decimal without u stays signed */
      unsigned w = width_of(v, ranks[k]);
      uint64_t max = su ? mask_of(w) : mask_of(w) >> 1;
      if (x <= max) {
        r.bits = x;
        r.rank = ranks[k];
        r.uns = su;
        return r;
      }
      if (!su && u) break;
    }
  }
  v->fail = 1; /* too big for any type: clang extension territory */
  return r;
}

static ival char_literal(evaluator *v, const char *s) {
  ival r = make_int(v, 0);
  if (s[0] != '\'') {
    v->fail = 1; /* L'x', u'x', U'x', u8'x' */
    return r;
  }
  const char *p = s + 1;
  unsigned c;
  if (*p == '\\') {
    p++;
    switch (*p) {
      case 'n':
        c = '\n', p++;
        break;
      case 't':
        c = '\t', p++;
        break;
      case 'r':
        c = '\r', p++;
        break;
      case 'a':
        c = '\a', p++;
        break;
      case 'b':
        c = '\b', p++;
        break;
      case 'f':
        c = '\f', p++;
        break;
      case 'v':
        c = '\v', p++;
        break;
      case '\\':
        c = '\\', p++;
        break;
      case '\'':
        c = '\'', p++;
        break;
      case '"':
        c = '"', p++;
        break;
      case '?':
        c = '?', p++;
        break;
      case 'x': {
        c = 0;
        p++;
        int nd = 0;
        for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F');
             p++, nd++)
          c = c * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10);
        if (nd == 0 || nd > 2) v->fail = 1;
        break;
      }
      default: {
        c = 0;
        int nd = 0;
        for (; *p >= '0' && *p <= '7' && nd < 3; p++, nd++) c = c * 8 + (unsigned)(*p - '0');
        if (nd == 0) v->fail = 1;
      }
    }
  } else {
    c = (unsigned char)*p++;
  }
  if (*p != '\'' || p[1] != 0 || c > 255) {
    v->fail = 1; /* multi-character constants and UTF-8 sequences: clang knows */
    return r;
  }
  /* A character constant has type int with the value of the char (C11 6.4.4.4p10). */
  int64_t value = (v->ctx->char_signed && c > 127) ? (int64_t)c - 256 : (int64_t)c;
  return make_int(v, value);
}

/* ---- expressions --------------------------------------------------------------------------- */

static ival cond_expr(evaluator *v);

static const char *peek(const evaluator *v) {
  return v->pos < v->n ? v->t[v->pos].text : "";
}

static int accept(evaluator *v, const char *s) {
  if (v->pos < v->n && strcmp(v->t[v->pos].text, s) == 0) {
    v->pos++;
    return 1;
  }
  return 0;
}

static int is_type_keyword(const char *s) {
  static const char *const words[] = {"unsigned", "signed", "int",   "long",     "short",
                                      "char",     "_Bool",  "const", "volatile", "void"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcmp(s, words[i]) == 0) return 1;
  return 0;
}

/* After '(' when a type name follows: parses `type-name )` into rank/uns or pointer. Returns
 * 1 when it was a type name. */
static int cast_type(evaluator *v, int *rank, int *uns, int *pointer) {
  size_t start = v->pos;
  int n_long = 0, n_short = 0, n_char = 0, n_unsigned = 0, n_signed = 0, n_bool = 0, n_int = 0;
  int n_void = 0, named = 0, any = 0;
  *pointer = 0;
  for (; v->pos < v->n; v->pos++) {
    const tok *t = &v->t[v->pos];
    if (t->kind == CXToken_Keyword && is_type_keyword(t->text)) {
      any = 1;
      n_long += !strcmp(t->text, "long");
      n_short += !strcmp(t->text, "short");
      n_char += !strcmp(t->text, "char");
      n_unsigned += !strcmp(t->text, "unsigned");
      n_signed += !strcmp(t->text, "signed");
      n_bool += !strcmp(t->text, "_Bool");
      n_int += !strcmp(t->text, "int");
      n_void += !strcmp(t->text, "void");
      continue;
    }
    if (t->kind == CXToken_Identifier && !named && !any &&
        bw_import_find_typedef(v->ctx, t->text)) {
      size_t slot = bw_import_find_typedef(v->ctx, t->text);
      CXType ct =
          clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(v->ctx->ents[slot - 1].cursor));
      if (ct.kind == CXType_Pointer) {
        *pointer = 1;
      } else {
        bw_kind k = bw_import_builtin_kind(ct);
        long long size = clang_Type_getSizeOf(ct);
        int found = 0;
        if (k == BW_KIND_BOOL) {
          *rank = R_BOOL, *uns = 1, found = 1;
        } else if (k >= BW_KIND_U8 && k <= BW_KIND_I64) {
          *uns = k <= BW_KIND_U64;
          /* the lowest rank of that width: the arithmetic only depends on the width */
          for (int r = R_CHAR; r <= R_LLONG && !found; r++)
            if ((long long)width_of(v, r) == size) *rank = r, found = 1;
        }
        if (!found) v->fail = 1;
      }
      named = 1;
      continue;
    }
    if (t->kind == CXToken_Punctuation && !strcmp(t->text, "*") && (any || named)) {
      *pointer = 1;
      continue;
    }
    break;
  }
  if ((!any && !named) || !accept(v, ")")) {
    v->pos = start;
    return 0;
  }
  if (named || *pointer) return 1;
  if (n_void) { /* (void)x is not an integer */
    v->fail = 1;
    return 1;
  }
  *uns = n_unsigned > 0 || (n_char && !n_signed && !v->ctx->char_signed);
  if (n_bool)
    *rank = R_BOOL, *uns = 1;
  else if (n_char)
    *rank = R_CHAR;
  else if (n_short)
    *rank = R_SHORT;
  else if (n_long >= 2)
    *rank = R_LLONG;
  else if (n_long == 1)
    *rank = R_LONG;
  else
    *rank = R_INT;
  (void)n_int;
  return 1;
}

static ival unary_expr(evaluator *v);

/* size_t: unsigned, of the lowest rank with its width. */
static ival size_value(evaluator *v, uint64_t size) {
  ival r = {size, R_LLONG, 1, V_INT};
  for (int k = R_INT; k <= R_LLONG; k++) {
    if (width_of(v, k) == v->ctx->size_t_size) {
      r.rank = k;
      break;
    }
  }
  if (width_of(v, r.rank) != v->ctx->size_t_size) v->fail = 1;
  r.bits &= mask_of(width_of(v, r.rank));
  return r;
}

/* `sizeof ( type-name )` after the sizeof: integer keywords, a typedef, or struct/union/enum
 * TAG, each possibly with '*'; the sizes are clang's. Anything else is left to clang. */
static ival sizeof_type(evaluator *v) {
  ival fail = make_int(v, 0);
  if (!accept(v, "(")) {
    v->fail = 1;
    return fail;
  }
  long long size = -1;
  const tok *t = v->pos < v->n ? &v->t[v->pos] : NULL;
  if (t && t->kind == CXToken_Keyword &&
      (!strcmp(t->text, "struct") || !strcmp(t->text, "union") || !strcmp(t->text, "enum")) &&
      v->pos + 1 < v->n && v->t[v->pos + 1].kind == CXToken_Identifier) {
    char spelling[300];
    snprintf(spelling, sizeof spelling, "%s %s", t->text, v->t[v->pos + 1].text);
    size_t slot = bw_import_find_tag(v->ctx, spelling);
    if (slot)
      size = clang_Type_getSizeOf(clang_getCursorType(v->ctx->ents[slot - 1].cursor));
    else
      v->surely_not = 1; /* an incomplete type: sizeof is an error */
    v->pos += 2;
  } else if (t && t->kind == CXToken_Identifier) {
    size_t slot = bw_import_find_typedef(v->ctx, t->text);
    if (slot) size = clang_Type_getSizeOf(clang_getCursorType(v->ctx->ents[slot - 1].cursor));
    v->pos++;
  } else {
    int rank = R_INT, uns = 0, pointer = 0;
    size_t start = v->pos;
    /* reuse the cast parser: it consumes `type-name )` */
    if (cast_type(v, &rank, &uns, &pointer) && !v->fail) {
      if (pointer) return size_value(v, v->ctx->pointer_size);
      if (rank == R_BOOL) {
        v->fail = 1; /* sizeof(_Bool): ask clang */
        return fail;
      }
      return size_value(v, width_of(v, rank));
    }
    v->pos = start;
    v->fail = 1;
    return fail;
  }
  int pointer = 0;
  while (accept(v, "*")) pointer = 1;
  if (!accept(v, ")") || (size <= 0 && !pointer)) {
    v->fail = 1;
    return fail;
  }
  return size_value(v, pointer ? v->ctx->pointer_size : (uint64_t)size);
}

static ival primary_expr(evaluator *v) {
  ival r = make_int(v, 0);
  if (v->pos >= v->n) {
    v->fail = 1;
    return r;
  }
  const tok *t = &v->t[v->pos];
  if (t->kind == CXToken_Literal) {
    v->pos++;
    const char *s = t->text;
    if (strchr(s, '"')) {
      r.kind = V_STRING;
      return r;
    }
    if (strchr(s, '\'')) return char_literal(v, s);
    int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (strchr(s, '.') || (!hex && strpbrk(s, "eE")) || (hex && strpbrk(s, "pP"))) {
      r.kind = V_FLOAT;
      return r;
    }
    return int_literal(v, s);
  }
  if (accept(v, "(")) {
    int rank = R_INT, uns = 0, pointer = 0;
    if (cast_type(v, &rank, &uns, &pointer)) {
      ival x = unary_expr(v);
      if (pointer) {
        if (x.kind != V_INT && x.kind != V_POINTER) v->fail = 1;
        x.kind = V_POINTER;
        return x;
      }
      if (x.kind != V_INT) {
        v->fail = 1;
        return r;
      }
      return convert(v, x, rank, uns);
    }
    r = cond_expr(v);
    if (!accept(v, ")")) v->fail = 1;
    return r;
  }
  if (t->kind == CXToken_Keyword && !strcmp(t->text, "sizeof")) {
    v->pos++;
    return sizeof_type(v);
  }
  if (t->kind == CXToken_Identifier) {
    v->pos++;
    const bw_import_ident *id = bw_import_find_ident(v->ctx, t->text);
    if (id && id->kind == BW_IDENT_ENUMERATOR && id->fits_int) return make_int(v, id->value);
    if (id && (id->kind == BW_IDENT_FUNCTION || id->kind == BW_IDENT_OTHER_VALUE)) {
      r.kind = V_POINTER; /* a function, a pointer, a struct...: no integer */
      return r;
    }
    /* A call of a function nothing declares (often a macro that the headers use but never
     * define): an error in C, never a constant. A plain unknown name may be one of clang's
     * predefined macros, which the preprocessing record does not list, and a reserved name
     * may be one of its builtins (__has_builtin(x), __builtin_constant_p(x)): clang's to
     * say. */
    if (!id && !strncmp(peek(v), "(", 2) && strncmp(t->text, "__", 2) != 0) v->surely_not = 1;
  }
  v->fail = 1; /* a variable, an unknown name, or syntax we do not follow */
  return r;
}

static ival unary_expr(evaluator *v) {
  const char *p = peek(v);
  if (v->pos < v->n && v->t[v->pos].kind == CXToken_Punctuation &&
      (!strcmp(p, "-") || !strcmp(p, "+") || !strcmp(p, "~") || !strcmp(p, "!"))) {
    char op = p[0];
    v->pos++;
    ival x = unary_expr(v);
    if (x.kind != V_INT) {
      v->fail = 1;
      return x;
    }
    x = promote(v, x);
    uint64_t m = mask_of(width_of(v, x.rank));
    switch (op) {
      case '-':
        if (!x.uns && !fits_signed(v, x.rank, -sval(v, x))) v->fail = 1;
        if (!x.uns && sval(v, x) == INT64_MIN) v->fail = 1;
        x.bits = (0 - x.bits) & m;
        return x;
      case '+':
        return x;
      case '~':
        x.bits = ~x.bits & m;
        return x;
      default:
        return make_int(v, x.bits == 0);
    }
  }
  return primary_expr(v);
}

/* Applies a binary operator to two integer operands with C's conversions. */
static ival binary(evaluator *v, const char *op, ival a, ival b) {
  if (a.kind != V_INT || b.kind != V_INT) {
    v->fail = 1;
    return make_int(v, 0);
  }
  a = promote(v, a);
  b = promote(v, b);
  if (!strcmp(op, "&&")) return make_int(v, a.bits && b.bits);
  if (!strcmp(op, "||")) return make_int(v, a.bits || b.bits);
  if (!strcmp(op, "<<") || !strcmp(op, ">>")) {
    int64_t count = b.uns ? (int64_t)(b.bits > 1000 ? 1000 : b.bits) : sval(v, b);
    unsigned w = width_of(v, a.rank);
    if (count < 0 || count >= (int64_t)(8 * w)) {
      v->fail = 1;
      return a;
    }
    if (op[0] == '<') {
      if (!a.uns) {
        int64_t x = sval(v, a);
        if (x < 0 || (count > 0 && (uint64_t)x > (mask_of(w) >> 1) >> count)) {
          v->fail = 1;
          return a;
        }
      }
      a.bits = (a.bits << count) & mask_of(w);
    } else {
      a.bits = a.uns ? a.bits >> count : (uint64_t)(sval(v, a) >> count) & mask_of(w);
    }
    return a;
  }
  int rank, uns;
  common_type(v, a, b, &rank, &uns);
  a = convert(v, a, rank, uns);
  b = convert(v, b, rank, uns);
  uint64_t m = mask_of(width_of(v, rank));
  int64_t sa = sval(v, a), sb = sval(v, b);
  ival r = a;
  int cmp = uns ? (a.bits > b.bits) - (a.bits < b.bits) : (sa > sb) - (sa < sb);
  if (!strcmp(op, "==")) return make_int(v, cmp == 0);
  if (!strcmp(op, "!=")) return make_int(v, cmp != 0);
  if (!strcmp(op, "<")) return make_int(v, cmp < 0);
  if (!strcmp(op, ">")) return make_int(v, cmp > 0);
  if (!strcmp(op, "<=")) return make_int(v, cmp <= 0);
  if (!strcmp(op, ">=")) return make_int(v, cmp >= 0);
  if (!strcmp(op, "&")) {
    r.bits = a.bits & b.bits;
    return r;
  }
  if (!strcmp(op, "|")) {
    r.bits = a.bits | b.bits;
    return r;
  }
  if (!strcmp(op, "^")) {
    r.bits = a.bits ^ b.bits;
    return r;
  }
  if (uns) {
    switch (op[0]) {
      case '+':
        r.bits = (a.bits + b.bits) & m;
        return r;
      case '-':
        r.bits = (a.bits - b.bits) & m;
        return r;
      case '*':
        r.bits = (a.bits * b.bits) & m;
        return r;
      default:
        if (b.bits == 0) {
          v->fail = 1;
          return r;
        }
        r.bits = op[0] == '/' ? a.bits / b.bits : a.bits % b.bits;
        return r;
    }
  }
  int64_t x = 0;
  int overflow = 0;
  switch (op[0]) {
    case '+':
      overflow = __builtin_add_overflow(sa, sb, &x);
      break;
    case '-':
      overflow = __builtin_sub_overflow(sa, sb, &x);
      break;
    case '*':
      overflow = __builtin_mul_overflow(sa, sb, &x);
      break;
    default:
      if (sb == 0 || (sb == -1 && sa == INT64_MIN)) {
        v->fail = 1;
        return r;
      }
      x = op[0] == '/' ? sa / sb : sa % sb;
  }
  if (overflow || !fits_signed(v, rank, x)) {
    v->fail = 1; /* signed overflow is not a constant clang would give us quietly */
    return r;
  }
  r.bits = (uint64_t)x & m;
  return r;
}

/* The precedence level of binary operator s, lowest first: || 0, && 1, | 2, ^ 3, & 4, == != 5,
 * < > <= >= 6, << >> 7, + - 8, * / % 9; -1 for anything else. */
static int binary_level_of(const char *s) {
  switch (s[0]) {
    case '|':
      return s[1] == 0 ? 2 : s[1] == '|' && s[2] == 0 ? 0 : -1;
    case '&':
      return s[1] == 0 ? 4 : s[1] == '&' && s[2] == 0 ? 1 : -1;
    case '^':
      return s[1] == 0 ? 3 : -1;
    case '=':
    case '!':
      return s[1] == '=' && s[2] == 0 ? 5 : -1;
    case '<':
    case '>':
      if (s[1] == 0 || (s[1] == '=' && s[2] == 0)) return 6;
      return s[1] == s[0] && s[2] == 0 ? 7 : -1;
    case '+':
    case '-':
      return s[1] == 0 ? 8 : -1;
    case '*':
    case '/':
    case '%':
      return s[1] == 0 ? 9 : -1;
    default:
      return -1;
  }
}

/* Binary operators of level min_level and above, left to right (precedence climbing: the same
 * operands and operations, in the same order, as one function per level). */
static ival binary_expr(evaluator *v, int min_level) {
  ival a = unary_expr(v);
  while (!v->fail && v->pos < v->n && v->t[v->pos].kind == CXToken_Punctuation) {
    const char *op = v->t[v->pos].text;
    int level = binary_level_of(op);
    if (level < min_level) break; /* a lower level's, or no binary operator */
    v->pos++;
    ival b = binary_expr(v, level + 1);
    a = binary(v, op, a, b);
  }
  return a;
}

static ival cond_expr(evaluator *v) {
  ival c = binary_expr(v, 0);
  if (!accept(v, "?")) return c;
  ival a = cond_expr(v);
  if (!accept(v, ":")) v->fail = 1;
  ival b = cond_expr(v);
  if (c.kind != V_INT || a.kind != V_INT || b.kind != V_INT) {
    v->fail = 1;
    return c;
  }
  a = promote(v, a);
  b = promote(v, b);
  int rank, uns;
  common_type(v, a, b, &rank, &uns);
  return convert(v, c.bits ? a : b, rank, uns);
}

/* Keywords an integer constant expression may contain (casts, sizeof and friends). */
static int expression_keyword(const char *s) {
  static const char *const words[] = {"sizeof",    "_Alignof",   "__alignof__",
                                      "__alignof", "alignof",    "__extension__",
                                      "struct",    "union",      "enum",
                                      "unsigned",  "signed",     "int",
                                      "long",      "short",      "char",
                                      "_Bool",     "const",      "volatile",
                                      "float",     "double",     "void",
                                      "__int128",  "__typeof__", "__typeof",
                                      "typeof",    "_Generic",   "__builtin_offsetof"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcmp(s, words[i]) == 0) return 1;
  return 0;
}

/* 1 when the expanded tokens cannot be an integer constant expression whatever the names in
 * them mean: nothing at all, a keyword no expression has (an attribute, a storage class, a
 * calling convention), or a start no expression has (a type, `[`, `{`). clang would reject
 * `(NAME) + 0` for these too. */
static int surely_not_integer(evaluator *v) {
  size_t i = 0;
  while (i < v->n && v->t[i].kind == CXToken_Keyword && !strcmp(v->t[i].text, "__extension__")) i++;
  if (i >= v->n) return 1;
  for (size_t k = i; k < v->n; k++)
    if (v->t[k].kind == CXToken_Keyword && !expression_keyword(v->t[k].text)) return 1;
  const tok *first = &v->t[i];
  if (first->kind == CXToken_Keyword)
    return is_type_keyword(first->text) || !strcmp(first->text, "struct") ||
           !strcmp(first->text, "union") || !strcmp(first->text, "enum");
  if (first->kind == CXToken_Punctuation)
    return strcmp(first->text, "(") && strcmp(first->text, "-") && strcmp(first->text, "+") &&
           strcmp(first->text, "~") && strcmp(first->text, "!") && strcmp(first->text, "&") &&
           strcmp(first->text, "*");
  if (first->kind == CXToken_Identifier && bw_import_find_typedef(v->ctx, first->text)) return 1;
  for (size_t k = i; k < v->n; k++) /* member access: no constant */
    if (v->t[k].kind == CXToken_Punctuation &&
        (!strcmp(v->t[k].text, ".") || !strcmp(v->t[k].text, "->")))
      return 1;
  return 0;
}

int bw_import_expr_eval(bw_import_ctx *ctx, const bw_import_tok *t, size_t n, int64_t *value,
                        int *is_unsigned) {
  if (!ctx->int_size || !ctx->long_size || !ctx->llong_size || !ctx->short_size ||
      !ctx->size_t_size)
    return -1;
  evaluator v;
  memset(&v, 0, sizeof v);
  v.ctx = ctx;
  v.t = t;
  v.n = n;
  if (surely_not_integer(&v)) return 0;
  while (v.pos < v.n && v.t[v.pos].kind == CXToken_Keyword &&
         !strcmp(v.t[v.pos].text, "__extension__"))
    v.pos++;
  ival r = cond_expr(&v);
  if (v.surely_not) return 0;
  if (v.fail || v.pos != v.n) return -1;
  if (r.kind != V_INT) return 0; /* a pointer, a float or a string: not an integer constant */
  r = promote(&v, r);            /* as `(NAME) + 0` */
  *is_unsigned = r.uns;
  *value = r.uns ? (int64_t)r.bits : sval(&v, r);
  return 1;
}

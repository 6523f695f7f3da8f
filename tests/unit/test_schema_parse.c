/* Check suite for the schema language parser (src/schema/lexer.c, parse.c): every type kind of
 * the current syntax with positions, enum values and union tags, doc comments, `#@` layout
 * annotations, the old syntax behind its option, every syntax error with its message and
 * line:column, recovery to the next definition, the limits (size, depth, types, numbers) and
 * hostile input (binary garbage, NUL bytes, a 100 MB line). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "schema/lexer.h"
#include "schema/schema_internal.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static void dump(const bw_diags *dg) {
  for (size_t i = 0; i < dg->count; i++)
    fprintf(stderr, "  %u:%u: %s\n", dg->items[i].line, dg->items[i].column, dg->items[i].message);
}

static bw_draft *parse_opts(const char *text, const bw_parse_options *opts) {
  bw_draft *d = NULL;
  bw_diags dg = {0};
  int rc = bw_draft_parse(text, strlen(text), opts, &d, &dg);
  if (rc != 0) dump(&dg);
  ck_assert_int_eq(rc, 0);
  ck_assert_uint_eq(dg.count, 0);
  ck_assert_ptr_nonnull(d);
  bw_diags_free(&dg);
  return d;
}

static bw_draft *parse(const char *text) {
  return parse_opts(text, NULL);
}

static bw_type *type_of(bw_draft *d, const char *name) {
  bw_user_type *u = bw_draft_find(d, name);
  ck_assert_msg(u != NULL, "no type %s", name);
  return u->type;
}

#define ck_assert_pos(pos, l, c)                                                                   \
  do {                                                                                             \
    ck_assert_uint_eq((pos).line, (l));                                                            \
    ck_assert_uint_eq((pos).column, (c));                                                          \
  } while (0)

/* ---- the lexer ---------------------------------------------------------------------------- */

START_TEST(lexer_tokens_and_positions) {
  const char *text = "type A<u8>[18446744073709551615]  # note\r\n"
                     "\t 18446744073709551616 _x9 #\n"
                     "$";
  static const struct {
    bw_token_kind kind;
    const char *text;
    uint32_t line, column;
    int first_on_line;
  } want[] = {
      {BW_TOK_IDENT, "type", 1, 1, 1},
      {BW_TOK_IDENT, "A", 1, 6, 0},
      {BW_TOK_PUNCT, "<", 1, 7, 0},
      {BW_TOK_IDENT, "u8", 1, 8, 0},
      {BW_TOK_PUNCT, ">", 1, 10, 0},
      {BW_TOK_PUNCT, "[", 1, 11, 0},
      {BW_TOK_NUMBER, "18446744073709551615", 1, 12, 0},
      {BW_TOK_PUNCT, "]", 1, 32, 0},
      {BW_TOK_COMMENT, " note", 1, 35, 0}, /* text after '#', without the '\r' */
      {BW_TOK_NUMBER, "18446744073709551616", 2, 3, 1},
      {BW_TOK_IDENT, "_x9", 2, 24, 0},
      {BW_TOK_COMMENT, "", 2, 28, 0},
      {BW_TOK_ERROR, "$", 3, 1, 1},
      {BW_TOK_EOF, "", 3, 2, 1},
  };
  bw_lexer lx;
  bw_lexer_init(&lx, text, strlen(text), 1, 1);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    bw_token t;
    bw_lexer_next(&lx, &t);
    ck_assert_msg(t.kind == want[i].kind, "token %zu: kind %d", i, (int)t.kind);
    ck_assert_uint_eq(t.len, strlen(want[i].text));
    ck_assert(memcmp(t.text, want[i].text, t.len) == 0);
    ck_assert_uint_eq(t.line, want[i].line);
    ck_assert_uint_eq(t.column, want[i].column);
    ck_assert_int_eq(t.first_on_line, want[i].first_on_line);
    if (i == 6) {
      ck_assert_int_eq(t.overflow, 0);
      ck_assert(t.number == UINT64_MAX);
    }
    if (i == 9) ck_assert_int_eq(t.overflow, 1);
    if (i == 12) ck_assert_str_eq(t.message, "unexpected character");
  }
  /* A sub-lexer starts at a given line and column. */
  bw_lexer_init(&lx, "list<u8>", 8, 7, 30);
  bw_token t;
  bw_lexer_next(&lx, &t);
  bw_lexer_next(&lx, &t);
  ck_assert_uint_eq(t.line, 7);
  ck_assert_uint_eq(t.column, 34);
}
END_TEST

/* ---- every kind --------------------------------------------------------------------------- */

START_TEST(parse_primitives) {
  static const struct {
    const char *word;
    bw_kind kind;
  } cases[] = {
      {"uint", BW_KIND_UINT}, {"int", BW_KIND_INT}, {"u8", BW_KIND_U8},     {"u16", BW_KIND_U16},
      {"u32", BW_KIND_U32},   {"u64", BW_KIND_U64}, {"i8", BW_KIND_I8},     {"i16", BW_KIND_I16},
      {"i32", BW_KIND_I32},   {"i64", BW_KIND_I64}, {"f32", BW_KIND_F32},   {"f64", BW_KIND_F64},
      {"bool", BW_KIND_BOOL}, {"str", BW_KIND_STR}, {"data", BW_KIND_DATA}, {"void", BW_KIND_VOID}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[64];
    snprintf(text, sizeof text, "type T %s\n", cases[i].word);
    bw_draft *d = parse(text);
    bw_type *t = type_of(d, "T");
    ck_assert_int_eq(t->kind, cases[i].kind);
    ck_assert_pos(t->pos, 1, 8);
    bw_draft_free(d);
  }
}
END_TEST

START_TEST(parse_composites_with_positions) {
  const char *text = "type Key data[16]\n"                 /* line 1 */
                     "type Msg struct {\n"                 /* line 2 */
                     "  names: list<str>[4]\n"             /* line 3 */
                     "  tags: list<optional<Key>>\n"       /* line 4 */
                     "  meta: map<str><data>\n"            /* line 5 */
                     "  inner: struct { a: u8  b: i64 }\n" /* line 6 */
                     "}\n";
  bw_draft *d = parse(text);
  ck_assert_uint_eq(bw_draft_type_count(d), 2);
  bw_user_type *key = bw_draft_type_at(d, 0);
  ck_assert_str_eq(key->name, "Key");
  ck_assert_pos(key->pos, 1, 6);
  ck_assert_int_eq(key->type->kind, BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(key->type->length, 16);
  bw_type *msg = type_of(d, "Msg");
  ck_assert_int_eq(msg->kind, BW_KIND_STRUCT);
  ck_assert_pos(msg->pos, 2, 10);
  ck_assert_uint_eq(msg->count, 4);
  bw_field *f = &msg->fields[0];
  ck_assert_str_eq(f->name, "names");
  ck_assert_pos(f->pos, 3, 3);
  ck_assert_int_eq(f->type->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(f->type->length, 4);
  ck_assert_pos(f->type->pos, 3, 10);
  ck_assert_int_eq(f->type->elem->kind, BW_KIND_STR);
  ck_assert_pos(f->type->elem->pos, 3, 15);
  f = &msg->fields[1];
  ck_assert_int_eq(f->type->kind, BW_KIND_LIST);
  ck_assert_int_eq(f->type->elem->kind, BW_KIND_OPTIONAL);
  ck_assert_int_eq(f->type->elem->elem->kind, BW_KIND_REF);
  ck_assert_str_eq(f->type->elem->elem->ref_name, "Key");
  ck_assert_pos(f->type->elem->elem->pos, 4, 23);
  f = &msg->fields[2];
  ck_assert_int_eq(f->type->kind, BW_KIND_MAP);
  ck_assert_int_eq(f->type->key->kind, BW_KIND_STR);
  ck_assert_int_eq(f->type->elem->kind, BW_KIND_DATA);
  ck_assert_pos(f->type->elem->pos, 5, 18);
  f = &msg->fields[3];
  ck_assert_int_eq(f->type->kind, BW_KIND_STRUCT);
  ck_assert_uint_eq(f->type->count, 2);
  ck_assert_str_eq(f->type->fields[1].name, "b");
  ck_assert_pos(f->type->fields[1].pos, 6, 26);
  ck_assert_int_eq(f->type->fields[1].type->kind, BW_KIND_I64);
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_enum_values) {
  bw_draft *d = parse("type Dept enum {\n  ACCOUNTING\n  ADMIN_2\n  CUSTOMER_SERVICE = 7\n  "
                      "LAST\n}\n");
  bw_type *t = type_of(d, "Dept");
  ck_assert_int_eq(t->kind, BW_KIND_ENUM);
  ck_assert_uint_eq(t->count, 4);
  ck_assert_str_eq(t->members[1].name, "ADMIN_2");
  ck_assert_int_eq(t->members[1].has_value, 0);
  ck_assert_int_eq(t->members[2].has_value, 1);
  ck_assert_uint_eq(t->members[2].value, 7);
  ck_assert_pos(t->members[2].pos, 4, 3);
  ck_assert_int_eq(t->members[3].has_value, 0);
  bw_draft_free(d);
  /* The largest value a member can have. */
  d = parse("type E enum { A = 18446744073709551615 }");
  ck_assert_uint_eq(type_of(d, "E")->members[0].value, UINT64_MAX);
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_union_forms) {
  /* Without a leading '|', with one, on one line and over several lines. */
  const char *forms[] = {
      "type A u8 type B str type U union { A | B = 3 | void }",
      "type A u8 type B str type U union { | A | B = 3 | void }",
      "type A u8\ntype B str\ntype U union {\n  | A\n  | B = 3\n  | void\n}\n",
      "type A u8\ntype B str\ntype U union {\n  A |\n  B = 3 |\n  void\n}\n",
  };
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    bw_draft *d = parse(forms[i]);
    bw_type *u = type_of(d, "U");
    ck_assert_int_eq(u->kind, BW_KIND_UNION);
    ck_assert_uint_eq(u->count, 3);
    ck_assert_str_eq(u->variants[0].type->ref_name, "A");
    ck_assert_int_eq(u->variants[0].has_tag, 0);
    ck_assert_int_eq(u->variants[1].has_tag, 1);
    ck_assert_uint_eq(u->variants[1].tag, 3);
    ck_assert_int_eq(u->variants[2].type->kind, BW_KIND_VOID);
    bw_draft_free(d);
  }
  bw_draft *d = parse("type A u8\ntype U union {\n  | A\n  | struct { x: u8 }\n}\n");
  bw_type *u = type_of(d, "U");
  /* A member's position is its type's, after the '|'. */
  ck_assert_pos(u->variants[0].pos, 3, 5);
  ck_assert_pos(u->variants[1].pos, 4, 5);
  ck_assert_pos(u->variants[1].type->pos, 4, 5);
  ck_assert_int_eq(u->variants[1].type->kind, BW_KIND_STRUCT);
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_comments_and_field_named_like_keywords) {
  /* Comments run to the end of the line, anywhere; keywords are fine as field names; a field
   * called "type" does not confuse error recovery. */
  bw_draft *d = parse("# leading\ntype T struct { # open\n  type: u8 # trailing\n  list: str\n"
                      "  struct: map<u8><u8>\n}# end");
  bw_type *t = type_of(d, "T");
  ck_assert_uint_eq(t->count, 3);
  ck_assert_str_eq(t->fields[0].name, "type");
  ck_assert_str_eq(t->fields[1].name, "list");
  ck_assert_str_eq(t->fields[2].name, "struct");
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_snake_and_camel_field_names) {
  bw_draft *d = parse("type T struct { snake_case: u8 camelCase: u8 x1: u8 }");
  ck_assert_uint_eq(type_of(d, "T")->count, 3);
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_crlf_and_tabs) {
  bw_draft *d = parse("# doc\r\ntype T struct {\r\n\tb: u8\r\n}\r\n");
  bw_type *t = type_of(d, "T");
  ck_assert_str_eq(bw_draft_find(d, "T")->doc, "doc");
  ck_assert_pos(t->fields[0].pos, 3, 2);
  bw_draft_free(d);
}
END_TEST

START_TEST(parse_keeps_filename) {
  bw_parse_options o = {0};
  o.filename = "dir/x.bare";
  bw_draft *d = parse_opts("type A u8", &o);
  ck_assert_str_eq(d->s.filename, "dir/x.bare");
  bw_draft_free(d);
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_schema_parse("type A u8", 9, &o, &s, NULL), 0);
  ck_assert_str_eq(bw_schema_filename(s), "dir/x.bare");
  bw_schema_free(s);
  ck_assert_int_eq(bw_schema_parse("type A u8", 9, NULL, &s, NULL), 0);
  ck_assert_ptr_null(bw_schema_filename(s));
  bw_schema_free(s);
}
END_TEST

START_TEST(schema_parse_validates) {
  /* Syntax is fine but the schema is not: the validator's diagnostics come through. */
  bw_schema *s = (bw_schema *)1;
  bw_diags dg = {0};
  const char *text = "type A struct {\n  b: Missing\n}\n";
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, &dg), BW_ESCHEMA);
  ck_assert_ptr_null(s);
  ck_assert_uint_ge(dg.count, 1);
  ck_assert_uint_eq(dg.items[0].line, 2);
  ck_assert_uint_eq(dg.items[0].column, 6);
  bw_diags_free(&dg);
  /* Text that is not even syntax stops before validation. */
  ck_assert_int_eq(bw_schema_parse("type", 4, NULL, &s, &dg), BW_ESYNTAX);
  bw_diags_free(&dg);
  ck_assert_int_eq(bw_schema_parse("type A u8", 9, NULL, NULL, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_schema_parse(NULL, 3, NULL, &s, NULL), BW_EINVAL);
}
END_TEST

START_TEST(empty_text_is_an_empty_draft) {
  bw_draft *d = parse("");
  ck_assert_uint_eq(bw_draft_type_count(d), 0);
  bw_draft_free(d);
  d = parse("  # only a comment\n\n");
  ck_assert_uint_eq(bw_draft_type_count(d), 0);
  bw_draft_free(d);
}
END_TEST

/* ---- doc comments ------------------------------------------------------------------------- */

START_TEST(docs_attach_to_what_follows) {
  const char *text = "# Schema doc,\n"                       /* 1 */
                     "#  two lines.\n"                       /* 2 */
                     "\n"                                    /* 3 */
                     "# Not a doc: a blank line follows.\n"  /* 4 */
                     "\n"                                    /* 5 */
                     "# A key.\n"                            /* 6 */
                     "#\n"                                   /* 7 */
                     "# With an empty line.\n"               /* 8 */
                     "type Key data[4] # not a doc of Msg\n" /* 9 */
                     "type Msg struct {\n"                   /* 10 */
                     "  # The id.\n"                         /* 11 */
                     "  id: u8\n"                            /* 12 */
                     "  no_doc: u8 # trailing\n"             /* 13 */
                     "  e: enum {\n"                         /* 14 */
                     "    # First.\n"                        /* 15 */
                     "    A\n"                               /* 16 */
                     "  }\n"                                 /* 17 */
                     "  u: union {\n"                        /* 18 */
                     "    # Member doc.\n"                   /* 19 */
                     "    | Key\n"                           /* 20 */
                     "    | u8\n"                            /* 21 */
                     "  }\n"                                 /* 22 */
                     "}\n";
  bw_draft *d = parse(text);
  ck_assert_str_eq(d->s.doc, "Schema doc,\n two lines.");
  ck_assert_str_eq(bw_draft_find(d, "Key")->doc, "A key.\n\nWith an empty line.");
  ck_assert_ptr_null(bw_draft_find(d, "Msg")->doc);
  bw_type *m = type_of(d, "Msg");
  ck_assert_str_eq(m->fields[0].doc, "The id.");
  ck_assert_ptr_null(m->fields[1].doc);
  ck_assert_str_eq(m->fields[2].type->members[0].doc, "First.");
  ck_assert_str_eq(m->fields[3].type->variants[0].doc, "Member doc.");
  ck_assert_ptr_null(m->fields[3].type->variants[1].doc);
  bw_draft_free(d);
}
END_TEST

START_TEST(docs_first_block_without_blank_is_type_doc) {
  bw_draft *d = parse("# Only the type's.\ntype A u8\n");
  ck_assert_ptr_null(d->s.doc);
  ck_assert_str_eq(bw_draft_find(d, "A")->doc, "Only the type's.");
  bw_draft_free(d);
  /* A block separated from the type by a blank line documents nothing but the schema. */
  d = parse("# Schema.\n\n# Type.\n\n\ntype A u8\n");
  ck_assert_str_eq(d->s.doc, "Schema.");
  ck_assert_ptr_null(bw_draft_find(d, "A")->doc);
  bw_draft_free(d);
}
END_TEST

/* ---- annotations -------------------------------------------------------------------------- */

START_TEST(annotations_fill_the_native_model) {
  const char *text =
      "#@ target triple=\"x86_64-pc-linux-gnu\" pointer_size=8 endian=little char_signed=1\n"
      "#@ constant name=\"S_IFMT\" c_name=\"S_IFMT\" value=61440 unsigned\n"
      "#@ constant name=\"NEG\" value=-9223372036854775808\n"
      "\n"
      "#@ native c_name=\"union u\" size=4 align=4 file=\"/a \\\"b\\\"\\\\c\\x01\\n.h\" line=7 "
      "c_union\n"
      "#@ c_member name=\"i\" type=\"i32\" offset=0 c_name=\"i\" c_type=\"int\"\n"
      "#@ c_member name=\"b\" type=\"list<u8>[4]\" offset=0 doc=\"bytes\" c_type=\"char[4]\"\n"
      "type U data[4]\n"
      "#@ native size=4 align=4 underlying=\"int\" c_enum\n"
      "#@ c_constant name=\"MINUS\" c_name=\"E_MINUS\" value=-1\n"
      "type E i32\n"
      "#@ native c_name=\"struct s\" size=16 align=8 packed\n"
      "type S struct {\n"
      "  #@ field offset=0 bit_offset=3 bit_width=5 c_name=\"bits\" c_type=\"unsigned int\" "
      "bitfield\n"
      "  bits: u32\n"
      "  #@ field offset=8 c_type=\"void *\" pointer c_name=p\n"
      "  p: u64\n"
      "  #@ field offset=16 flexible c_name=\"tail\" c_type=\"char[]\"\n"
      "  #@ native c_name=\"tail_t\" size=0 align=1\n"
      "  tail: list<u8>\n"
      "}\n"
      "type C enum {\n"
      "  #@ enumerator c_name=\"C_RED\"\n"
      "  RED\n"
      "}\n";
  bw_draft *d = parse(text);
  ck_assert_int_eq(d->s.has_target, 1);
  ck_assert_str_eq(d->s.target.triple, "x86_64-pc-linux-gnu");
  ck_assert_uint_eq(d->s.target.pointer_size, 8);
  ck_assert_int_eq(d->s.target.big_endian, 0);
  ck_assert_int_eq(d->s.target.char_signed, 1);
  ck_assert_uint_eq(d->s.constant_count, 2);
  ck_assert_str_eq(d->s.constants[0].name, "S_IFMT");
  ck_assert_int_eq(d->s.constants[0].value, 61440);
  ck_assert_int_eq(d->s.constants[0].is_unsigned, 1);
  ck_assert_ptr_null(d->s.constants[1].c_name);
  ck_assert(d->s.constants[1].value == INT64_MIN);
  ck_assert_int_eq(d->s.constants[1].is_unsigned, 0);

  bw_native *n = type_of(d, "U")->native;
  ck_assert_ptr_nonnull(n);
  ck_assert_str_eq(n->c_name, "union u");
  ck_assert_uint_eq(n->size, 4);
  ck_assert_uint_eq(n->align, 4);
  ck_assert_str_eq(n->file, "/a \"b\"\\c\x01\n.h");
  ck_assert_uint_eq(n->line, 7);
  ck_assert_uint_eq(n->flags, BW_NATIVE_C_UNION);
  ck_assert_uint_eq(n->member_count, 2);
  ck_assert_str_eq(n->members[0].name, "i");
  ck_assert_int_eq(n->members[0].type->kind, BW_KIND_I32);
  ck_assert_str_eq(n->members[0].c_type, "int");
  ck_assert_int_eq(n->members[1].type->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(n->members[1].type->length, 4);
  ck_assert_str_eq(n->members[1].doc, "bytes");
  ck_assert_ptr_null(n->members[1].c_name);

  n = type_of(d, "E")->native;
  ck_assert_uint_eq(n->flags, BW_NATIVE_C_ENUM);
  ck_assert_str_eq(n->underlying, "int");
  ck_assert_uint_eq(n->constant_count, 1);
  ck_assert_str_eq(n->constants[0].c_name, "E_MINUS");
  ck_assert_int_eq(n->constants[0].value, -1);

  bw_type *s = type_of(d, "S");
  ck_assert_uint_eq(s->native->flags, BW_NATIVE_PACKED);
  ck_assert_uint_eq(s->native->size, 16);
  ck_assert_uint_eq(s->fields[0].bit_offset, 3);
  ck_assert_uint_eq(s->fields[0].bit_width, 5);
  ck_assert_uint_eq(s->fields[0].flags, BW_FIELD_BITFIELD);
  ck_assert_str_eq(s->fields[0].c_name, "bits");
  ck_assert_str_eq(s->fields[1].c_name, "p"); /* bare words are strings too */
  ck_assert_uint_eq(s->fields[1].offset, 8);
  ck_assert_uint_eq(s->fields[1].flags, BW_FIELD_POINTER);
  ck_assert_uint_eq(s->fields[2].flags, BW_FIELD_FLEXIBLE);
  ck_assert_ptr_nonnull(s->fields[2].type->native);
  ck_assert_str_eq(s->fields[2].type->native->c_name, "tail_t");
  ck_assert_str_eq(type_of(d, "C")->members[0].c_name, "C_RED");
  bw_draft_free(d);
}
END_TEST

START_TEST(annotation_escapes_and_big_endian) {
  bw_draft *d = parse("#@ target triple=\"a\\x7F\\r\\t\" pointer_size=4 endian=big char_signed=0\n"
                      "type A u8\n");
  ck_assert_str_eq(d->s.target.triple, "a\x7f\r\t");
  ck_assert_uint_eq(d->s.target.pointer_size, 4);
  ck_assert_int_eq(d->s.target.big_endian, 1);
  ck_assert_int_eq(d->s.target.char_signed, 0);
  bw_draft_free(d);
}
END_TEST

/* ---- syntax errors ------------------------------------------------------------------------ */

typedef struct error_case {
  const char *name;
  const char *text;
  int old_syntax;
  int code;
  uint32_t line, column;
  const char *message;
} error_case;

static const error_case error_cases[] = {
    {"list without '>'", "type A list<u8{", 0, BW_ESYNTAX, 1, 15,
     "expected '>' after list element type, found '{'"},
    {"field without ':'", "type A struct {\n  x u8\n}", 0, BW_ESYNTAX, 2, 5,
     "expected ':' after field name 'x', found 'u8'"},
    {"lower-case type name", "type a u8", 0, BW_ESYNTAX, 1, 6,
     "type name 'a' must start with an upper-case letter and contain only letters and digits"},
    {"type name with '_'", "type A_B u8", 0, BW_ESYNTAX, 1, 6,
     "type name 'A_B' must start with an upper-case letter and contain only letters and digits"},
    {"upper-case field name", "type A struct { X: u8 }", 0, BW_ESYNTAX, 1, 17,
     "field name 'X' must start with a lower-case letter and contain only letters, digits and "
     "'_'"},
    {"lower-case enum member", "type A enum { a }", 0, BW_ESYNTAX, 1, 15,
     "enum member name 'a' must start with an upper-case letter and contain only upper-case "
     "letters, digits and '_'"},
    {"camel-case enum member", "type A enum { Ab }", 0, BW_ESYNTAX, 1, 15,
     "enum member name 'Ab' must start with an upper-case letter and contain only upper-case "
     "letters, digits and '_'"},
    {"unknown type word", "type A strin", 0, BW_ESYNTAX, 1, 8, "unknown type 'strin'"},
    {"old 'string' without option", "type A string", 0, BW_ESYNTAX, 1, 8,
     "unknown type 'string' (the current syntax says 'str'; 'string' is old syntax)"},
    {"number too large", "type A data[18446744073709551616]", 0, BW_ESYNTAX, 1, 13,
     "number 18446744073709551616 is too large (the largest is 18446744073709551615)"},
    {"enum value too large", "type A enum { X = 99999999999999999999 }", 0, BW_ESYNTAX, 1, 19,
     "number 99999999999999999999 is too large (the largest is 18446744073709551615)"},
    {"data without length", "type A data[]", 0, BW_ESYNTAX, 1, 13,
     "expected a length after 'data[', found ']'"},
    {"data length not closed", "type A data[4 type B u8", 0, BW_ESYNTAX, 1, 15,
     "expected ']' after the data length, found 'type'"},
    {"list length not a number", "type A list<u8>[x]", 0, BW_ESYNTAX, 1, 17,
     "expected a length after 'list<...>[', found 'x'"},
    {"optional without '<'", "type A optional u8", 0, BW_ESYNTAX, 1, 17,
     "expected '<' after 'optional', found 'u8'"},
    {"map with one type", "type A map<str>\ntype B u8", 0, BW_ESYNTAX, 2, 1,
     "expected '<' before the map value type, found 'type'"},
    {"map value not closed", "type A map<str><u8 }", 0, BW_ESYNTAX, 1, 20,
     "expected '>' after the map value type, found '}'"},
    {"struct without '{'", "type A struct a: u8", 0, BW_ESYNTAX, 1, 15,
     "expected '{' after 'struct', found 'a'"},
    {"struct not closed", "type A struct {\n  a: u8\n", 0, BW_ESYNTAX, 3, 1,
     "expected '}' to close the struct body opened at 1:15, found end of input"},
    {"enum not closed", "type A enum { X", 0, BW_ESYNTAX, 1, 16,
     "expected '}' to close the enum body opened at 1:13, found end of input"},
    {"enum value missing", "type A enum { X = }", 0, BW_ESYNTAX, 1, 19,
     "expected a value after 'X =', found '}'"},
    {"union trailing bar", "type A union { u8 | }", 0, BW_ESYNTAX, 1, 21,
     "expected a type after '|', found '}'"},
    {"union only a bar", "type A union { | }", 0, BW_ESYNTAX, 1, 18,
     "expected a type after '|', found '}'"},
    {"union missing bar", "type A union { u8 str }", 0, BW_ESYNTAX, 1, 19,
     "expected '|' or '}' after a union member, found 'str'"},
    {"union tag missing", "type A union { u8 = | str }", 0, BW_ESYNTAX, 1, 21,
     "expected a tag value after '=', found '|'"},
    {"definition without 'type'", "A u8", 0, BW_ESYNTAX, 1, 1,
     "expected 'type' at the start of a definition, found 'A'"},
    {"'type' at the end", "type", 0, BW_ESYNTAX, 1, 5,
     "expected a type name after 'type', found end of input"},
    {"missing type", "type A\n", 0, BW_ESYNTAX, 2, 1, "expected a type, found end of input"},
    {"bad character", "type A $", 0, BW_ESYNTAX, 1, 8,
     "unexpected character '$' (expected a type)"},
    {"non-ASCII byte", "type A \xc3\xa9", 0, BW_ESYNTAX, 1, 8,
     "non-ASCII byte outside a comment (byte 0xc3)"},
    {"old [] list without option", "type A []u8", 0, BW_ESYNTAX, 1, 8,
     "expected a type, found '['"},
    {"old struct without option", "type A { a: u8 }", 0, BW_ESYNTAX, 1, 8,
     "expected a type, found '{'"},
    {"old enum definition without option", "enum A { X }", 0, BW_ESYNTAX, 1, 1,
     "expected 'type' at the start of a definition, found 'enum'"},
    {"old data<N> not closed", "type A data<4]", 1, BW_ESYNTAX, 1, 14,
     "expected '>' after the data length, found ']'"},
    {"old map key not closed", "type A map[str>u8", 1, BW_ESYNTAX, 1, 15,
     "expected ']' after the map key type, found '>'"},
    {"old union not closed", "type A (u8 | str", 1, BW_ESYNTAX, 1, 17,
     "expected ')' to close the union body opened at 1:8, found end of input"},
    {"old list length not closed", "type A [4 u8", 1, BW_ESYNTAX, 1, 11,
     "expected ']' after the list length, found 'u8'"},
    {"old enum without body", "enum A X", 1, BW_ESYNTAX, 1, 8,
     "expected '{' after the enum name, found 'X'"},
    {"too long name", NULL, 0, BW_ESYNTAX, 1, 6, "name is longer than the limit of 1024 bytes"},
    /* Annotations. */
    {"unknown annotation", "#@ bogus x=1\ntype A u8", 0, BW_ESYNTAX, 1, 4,
     "unknown annotation '#@ bogus' (expected target, constant, native, c_member, c_constant, "
     "c_member_native, field or enumerator)"},
    {"annotation after code", "type A u8 #@ native size=1 align=1", 0, BW_ESYNTAX, 1, 11,
     "a '#@' annotation must be on a line of its own"},
    {"unknown key", "#@ native sise=4\ntype A u32", 0, BW_ESYNTAX, 1, 11,
     "unknown key 'sise' in '#@ native' annotation"},
    {"key of another kind", "#@ native offset=4\ntype A u32", 0, BW_ESYNTAX, 1, 11,
     "unknown key 'offset' in '#@ native' annotation"},
    {"unknown flag", "#@ native size=4 align=4 shiny\ntype A u32", 0, BW_ESYNTAX, 1, 26,
     "unknown word 'shiny' in '#@ native' annotation"},
    {"key twice", "#@ native size=4 size=4\ntype A u32", 0, BW_ESYNTAX, 1, 18,
     "key 'size' given twice"},
    {"number expected", "#@ native size=four\ntype A u32", 0, BW_ESYNTAX, 1, 16,
     "size= takes a decimal number, found 'four'"},
    {"number too large in annotation", "#@ native size=18446744073709551616\ntype A u32", 0,
     BW_ESYNTAX, 1, 16, "size=18446744073709551616 is too large"},
    {"line above 32 bits", "#@ native line=4294967296\ntype A u32", 0, BW_ESYNTAX, 1, 16,
     "line=4294967296 is too large"},
    {"string not closed", "#@ native c_name=\"abc\ntype A u32", 0, BW_ESYNTAX, 1, 18,
     "string is not closed (expected '\"' before the end of the line)"},
    {"bad escape", "#@ native c_name=\"a\\qb\"\ntype A u32", 0, BW_ESYNTAX, 1, 20,
     "bad escape in string (use \\\", \\\\, \\n, \\t, \\r or \\xHH with HH not 00)"},
    {"NUL escape", "#@ native c_name=\"a\\x00\"\ntype A u32", 0, BW_ESYNTAX, 1, 20,
     "bad escape in string (use \\\", \\\\, \\n, \\t, \\r or \\xHH with HH not 00)"},
    {"no blank between items", "#@ native size=4\"x\"\ntype A u32", 0, BW_ESYNTAX, 1, 17,
     "expected a blank between annotation items"},
    {"bad endian", "#@ target endian=middle\ntype A u8", 0, BW_ESYNTAX, 1, 18,
     "endian= takes 'little' or 'big', found 'middle'"},
    {"bad char_signed", "#@ target char_signed=2\ntype A u8", 0, BW_ESYNTAX, 1, 23,
     "char_signed= takes 0 or 1, found '2'"},
    {"constant without value", "#@ constant name=X\ntype A u8", 0, BW_ESYNTAX, 1, 4,
     "'#@ constant' needs name= and value="},
    {"negative unsigned constant", "#@ constant name=X value=-1 unsigned\ntype A u8", 0, BW_ESYNTAX,
     1, 4, "value= of an unsigned constant cannot be negative"},
    {"signed constant too large", "#@ constant name=X value=9223372036854775808\ntype A u8", 0,
     BW_ESYNTAX, 1, 4, "value= is above the largest signed 64-bit integer (add 'unsigned')"},
    {"signed constant too small", "#@ constant name=X value=-9223372036854775809\ntype A u8", 0,
     BW_ESYNTAX, 1, 4, "value= is below the smallest signed 64-bit integer"},
    {"c_member without type",
     "#@ native size=4 align=4 c_union\n#@ c_member name=x\ntype A "
     "data[4]",
     0, BW_ESYNTAX, 2, 4, "'#@ c_member' needs name= and type="},
    {"c_member with a bad type",
     "#@ native size=4 align=4\n#@ c_member name=x type=\"list<u8\"\n"
     "type A data[4]",
     0, BW_ESYNTAX, 2, 33, "expected '>' after list element type, found end of input"},
    {"c_member with two types",
     "#@ native size=4 align=4\n#@ c_member name=x type=\"u8 u8\"\n"
     "type A data[4]",
     0, BW_ESYNTAX, 2, 29, "expected the end of the type expression, found 'u8'"},
    {"c_member without native", "#@ c_member name=x type=u8\ntype A data[4]", 0, BW_ESYNTAX, 1, 1,
     "'#@ c_member' annotation must follow a '#@ native' annotation"},
    {"c_member_native without c_member",
     "#@ native size=4 align=4\n#@ c_member_native size=4 align=1\ntype A data[4]", 0, BW_ESYNTAX,
     2, 1, "'#@ c_member_native' annotation must follow a '#@ c_member' annotation"},
    {"c_member_native twice",
     "#@ native size=4 align=4\n#@ c_member name=x type=\"data[4]\"\n"
     "#@ c_member_native size=4 align=1\n#@ c_member_native size=4 align=1\ntype A data[4]",
     0, BW_ESYNTAX, 4, 1, "second '#@ c_member_native' annotation for one member"},
    {"long bad field name",
     "type A struct { X234567890123456789012345678901234567890123456789: u8 }", 0, BW_ESYNTAX, 1,
     17,
     "field name 'X234567890123456789012345678901234567890...' must start with a lower-case letter "
     "and contain only letters, digits "
     "and '_'"},
    {"comment in an annotation type",
     "#@ native size=4 align=4\n#@ c_member name=x type=\"u8 # c\"\n"
     "type A data[4]",
     0, BW_ESYNTAX, 2, 29, "a comment ('#') cannot appear inside an annotation's type expression"},
    {"bad type name in a type", "type A B_c", 0, BW_ESYNTAX, 1, 8,
     "type name 'B_c' must start with an upper-case letter and contain only letters and digits"},
    {"empty bare value", "#@ native c_name=\ntype A u8", 0, BW_ESYNTAX, 1, 18,
     "expected a value after '='"},
    {"bad constant value", "#@ constant name=X value=1x\ntype A u8", 0, BW_ESYNTAX, 1, 26,
     "value= takes a decimal integer, found '1x'"},
    {"constant value beyond 64 bits", "#@ constant name=X value=-18446744073709551616\ntype A u8",
     0, BW_ESYNTAX, 1, 26, "value=-18446744073709551616 is too large for 64 bits"},
    {"stray character in an annotation", "#@ native -x\ntype A u8", 0, BW_ESYNTAX, 1, 11,
     "unexpected '-' in '#@ native' annotation"},
    {"c_constant without native", "#@ c_constant name=A value=1\ntype A u8", 0, BW_ESYNTAX, 1, 1,
     "'#@ c_constant' annotation must follow a '#@ native' annotation"},
    {"field annotation twice",
     "type A struct {\n  #@ field offset=0\n  #@ field offset=0\n  a: u8\n}", 0, BW_ESYNTAX, 3, 3,
     "second '#@ field' annotation for one field"},
    {"enumerator annotation twice",
     "type A enum {\n  #@ enumerator c_name=X\n  #@ enumerator c_name=Y\n  A\n}", 0, BW_ESYNTAX, 3,
     3, "second '#@ enumerator' annotation for one member"},
    {"field before a definition", "#@ field offset=0\ntype A u8", 0, BW_ESYNTAX, 1, 1,
     "'#@ field' annotation cannot come before a type definition"},
    {"enumerator before a field", "type A struct {\n  #@ enumerator c_name=X\n  a: u8\n}", 0,
     BW_ESYNTAX, 2, 3, "'#@ enumerator' annotation cannot come before a struct field"},
    {"target inside a body", "type A struct {\n  #@ target pointer_size=8\n  a: u8\n}", 0,
     BW_ESYNTAX, 2, 3, "'#@ target' annotation cannot come before a struct field"},
    {"native twice", "#@ native size=1 align=1\n#@ native size=1 align=1\ntype A u8", 0, BW_ESYNTAX,
     2, 1, "second '#@ native' annotation for a type definition"},
    {"target twice", "#@ target pointer_size=8\n#@ target pointer_size=4\ntype A u8", 0, BW_ESYNTAX,
     2, 1, "second '#@ target' annotation"},
    {"annotation before '}'", "type A struct {\n  a: u8\n  #@ field offset=0\n}", 0, BW_ESYNTAX, 3,
     3, "'#@ field' annotation is not followed by anything it can apply to"},
    {"native at the end", "type A u8\n#@ native size=1 align=1\n", 0, BW_ESYNTAX, 2, 1,
     "'#@ native' annotation cannot come before the end of the schema"},
    {"NUL in a comment", "type A u8 # a\0b\n", 0, BW_ESYNTAX, 1, 14,
     "NUL byte in a comment (byte 0x00)"},
};

START_TEST(syntax_error_cases) {
  const error_case *c = &error_cases[_i];
  char *long_text = NULL;
  const char *text = c->text;
  size_t len = text ? strlen(text) : 0;
  if (strcmp(c->name, "NUL in a comment") == 0) len = 16;
  if (!text) {
    /* "type " and a 1025-byte name. */
    long_text = malloc(5 + 1025 + 5);
    memcpy(long_text, "type ", 5);
    memset(long_text + 5, 'A', 1025);
    memcpy(long_text + 1030, " u8\n", 5);
    text = long_text;
    len = strlen(text);
  }
  bw_parse_options o = {0};
  o.old_syntax = c->old_syntax;
  bw_draft *d = (bw_draft *)1;
  bw_diags dg = {0};
  int rc = bw_draft_parse(text, len, &o, &d, &dg);
  if (dg.count == 0 || strcmp(dg.items[0].message, c->message) != 0 ||
      dg.items[0].line != c->line || dg.items[0].column != c->column) {
    fprintf(stderr, "case '%s':\n", c->name);
    dump(&dg);
  }
  ck_assert_int_eq(rc, c->code);
  ck_assert_ptr_null(d);
  ck_assert_uint_ge(dg.count, 1);
  ck_assert_str_eq(dg.items[0].message, c->message);
  ck_assert_int_eq(dg.items[0].code, c->code);
  ck_assert_uint_eq(dg.items[0].line, c->line);
  ck_assert_uint_eq(dg.items[0].column, c->column);
  bw_diags_free(&dg);
  free(long_text);
}
END_TEST

START_TEST(recovery_reports_several_errors) {
  const char *text = "type A list<u8\n" /* 2:1: '>' missing */
                     "type B struct {\n"
                     "  x: u8\n"
                     "  type: u8 y\n" /* 4:12: ':' missing after y */
                     "}\n"
                     "type C u8\n"
                     "type D data[x]\n" /* 7:13 */
                     "type E str\n";
  bw_draft *d = (bw_draft *)1;
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse(text, strlen(text), NULL, &d, &dg), BW_ESYNTAX);
  ck_assert_ptr_null(d);
  if (dg.count != 3) dump(&dg);
  ck_assert_uint_eq(dg.count, 3);
  ck_assert_uint_eq(dg.items[0].line, 2);
  ck_assert_uint_eq(dg.items[0].column, 1);
  ck_assert_uint_eq(dg.items[1].line, 5);
  ck_assert_uint_eq(dg.items[1].column, 1);
  ck_assert_str_eq(dg.items[1].message, "expected ':' after field name 'y', found '}'");
  ck_assert_uint_eq(dg.items[2].line, 7);
  ck_assert_uint_eq(dg.items[2].column, 13);
  bw_diags_free(&dg);
}
END_TEST

START_TEST(error_count_is_bounded) {
  /* 10000 broken definitions give at most 100 errors and a final note. */
  size_t n = 10000;
  char *text = malloc(n * 9 + 1);
  for (size_t i = 0; i < n; i++) memcpy(text + i * 9, "type A $\n", 9);
  text[n * 9] = 0;
  bw_draft *d = NULL;
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse(text, n * 9, NULL, &d, &dg), BW_ESYNTAX);
  ck_assert_uint_eq(dg.count, 101);
  ck_assert_str_eq(dg.items[100].message, "too many errors; giving up");
  bw_diags_free(&dg);
  free(text);
}
END_TEST

/* ---- old syntax --------------------------------------------------------------------------- */

START_TEST(old_syntax_forms) {
  const char *text = "enum Color { RED GREEN = 4 }\n"
                     "type Point { x: f32 y: f32 }\n"
                     "type Shape (Point | Color = 2)\n"
                     "type All {\n"
                     "  name: string\n"
                     "  key: data<16>\n"
                     "  items: []Point\n"
                     "  fixed: [3]u8\n"
                     "  index: map[string]Point\n"
                     "  maybe: optional<Shape>\n"
                     "}\n";
  bw_parse_options o = {0};
  o.old_syntax = 1;
  bw_draft *d = parse_opts(text, &o);
  bw_type *c = type_of(d, "Color");
  ck_assert_int_eq(c->kind, BW_KIND_ENUM);
  ck_assert_uint_eq(c->members[1].value, 4);
  ck_assert_pos(bw_draft_find(d, "Color")->pos, 1, 6);
  ck_assert_int_eq(type_of(d, "Point")->kind, BW_KIND_STRUCT);
  bw_type *s = type_of(d, "Shape");
  ck_assert_int_eq(s->kind, BW_KIND_UNION);
  ck_assert_uint_eq(s->variants[1].tag, 2);
  bw_type *a = type_of(d, "All");
  ck_assert_int_eq(a->fields[0].type->kind, BW_KIND_STR);
  ck_assert_int_eq(a->fields[1].type->kind, BW_KIND_DATA_FIXED);
  ck_assert_uint_eq(a->fields[1].type->length, 16);
  ck_assert_int_eq(a->fields[2].type->kind, BW_KIND_LIST);
  ck_assert_str_eq(a->fields[2].type->elem->ref_name, "Point");
  ck_assert_int_eq(a->fields[3].type->kind, BW_KIND_LIST_FIXED);
  ck_assert_uint_eq(a->fields[3].type->length, 3);
  ck_assert_int_eq(a->fields[4].type->kind, BW_KIND_MAP);
  ck_assert_int_eq(a->fields[4].type->key->kind, BW_KIND_STR);
  ck_assert_str_eq(a->fields[4].type->elem->ref_name, "Point");
  ck_assert_int_eq(a->fields[5].type->kind, BW_KIND_OPTIONAL);
  bw_draft_free(d);
  /* The current syntax still works with the option on. */
  d = parse_opts("type A list<str>[2]", &o);
  ck_assert_int_eq(type_of(d, "A")->kind, BW_KIND_LIST_FIXED);
  bw_draft_free(d);
}
END_TEST

START_TEST(old_syntax_allows_recursion) {
  const char *text = "type Node { value: i32 next: optional<Node> }";
  bw_parse_options o = {0};
  o.old_syntax = 1;
  bw_schema *s = NULL;
  bw_diags dg = {0};
  int rc = bw_schema_parse(text, strlen(text), &o, &s, &dg);
  if (rc) dump(&dg);
  ck_assert_int_eq(rc, 0);
  bw_schema_free(s);
  bw_diags_free(&dg);
}
END_TEST

/* ---- limits and hostile input ------------------------------------------------------------- */

static char *nested_lists(size_t depth) {
  char *text = malloc(7 + depth * 6 + 3);
  size_t n = 0;
  memcpy(text, "type A ", 7), n = 7;
  for (size_t i = 0; i < depth; i++) memcpy(text + n, "list<", 5), n += 5;
  memcpy(text + n, "u8", 2), n += 2;
  for (size_t i = 0; i < depth; i++) text[n++] = '>';
  text[n] = 0;
  return text;
}

START_TEST(depth_limit) {
  /* 63 lists and u8 are 64 levels: accepted; one more is over the default limit. */
  char *text = nested_lists(63);
  bw_draft *d = parse(text);
  bw_draft_free(d);
  free(text);
  text = nested_lists(64);
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse(text, strlen(text), NULL, &d, &dg), BW_ELIMIT);
  ck_assert_uint_eq(dg.items[0].line, 1);
  ck_assert_uint_eq(dg.items[0].column, 8 + 64 * 5);
  ck_assert_str_eq(dg.items[0].message, "types are nested more than 64 levels deep (the limit)");
  bw_diags_free(&dg);
  free(text);
  /* A caller's smaller limit, and struct bodies count as levels too. */
  bw_parse_options o = {0};
  o.max_depth = 2;
  const char *s = "type A struct { a: struct { b: u8 } }";
  ck_assert_int_eq(bw_draft_parse(s, strlen(s), &o, &d, &dg), BW_ELIMIT);
  ck_assert_uint_eq(dg.items[0].column, 32);
  bw_diags_free(&dg);
  /* The type expression of an annotation is held to the same limit. */
  char *deep = nested_lists(64);
  size_t n = strlen(deep) + 128;
  char *annotated = malloc(n);
  snprintf(annotated, n, "#@ native size=1 align=1\n#@ c_member name=m type=\"%s\"\ntype U data[1]",
           deep + 7);
  ck_assert_int_eq(bw_draft_parse(annotated, strlen(annotated), NULL, &d, &dg), BW_ELIMIT);
  ck_assert_uint_eq(dg.items[0].line, 2);
  ck_assert_uint_eq(dg.items[0].column, 26 + 64 * 5);
  bw_diags_free(&dg);
  free(annotated);
  free(deep);
  /* A million levels with a huge max_depth: an error, not a stack overflow. */
  text = nested_lists(1000000);
  o.max_depth = (size_t)-1;
  ck_assert_int_eq(bw_draft_parse(text, strlen(text), &o, &d, &dg), BW_ELIMIT);
  ck_assert_str_eq(dg.items[0].message, "types are nested more than 1000 levels deep (the limit)");
  bw_diags_free(&dg);
  free(text);
}
END_TEST

START_TEST(size_limit_before_lexing) {
  bw_parse_options o = {0};
  o.max_size = 8;
  bw_draft *d = (bw_draft *)1;
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse("type A u8", 9, &o, &d, &dg), BW_ELIMIT);
  ck_assert_ptr_null(d);
  ck_assert_uint_eq(dg.count, 1);
  ck_assert_uint_eq(dg.items[0].line, 1);
  ck_assert_uint_eq(dg.items[0].column, 1);
  ck_assert_str_eq(dg.items[0].message, "schema text is 9 bytes, more than the limit of 8 bytes");
  bw_diags_free(&dg);
  o.max_size = 9;
  d = parse_opts("type A u8", &o);
  bw_draft_free(d);
}
END_TEST

START_TEST(types_limit) {
  bw_parse_options o = {0};
  o.max_types = 2;
  const char *text = "type A u8\ntype B u8\ntype C u8\ntype D u8\n";
  bw_draft *d = NULL;
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse(text, strlen(text), &o, &d, &dg), BW_ELIMIT);
  ck_assert_uint_eq(dg.count, 1);
  ck_assert_uint_eq(dg.items[0].line, 3);
  ck_assert_uint_eq(dg.items[0].column, 1);
  ck_assert_str_eq(dg.items[0].message, "more than 2 types (the limit)");
  bw_diags_free(&dg);
}
END_TEST

START_TEST(binary_garbage_is_an_error) {
  /* Deterministic pseudo-random bytes, with and without the old syntax. */
  uint32_t x = 12345;
  char *buf = malloc(65536);
  for (int round = 0; round < 50; round++) {
    for (size_t i = 0; i < 65536; i++) {
      x = x * 1103515245u + 12345u;
      buf[i] = (char)(x >> 16);
    }
    bw_parse_options o = {0};
    o.old_syntax = round & 1;
    bw_draft *d = NULL;
    bw_diags dg = {0};
    int rc = bw_draft_parse(buf, 65536, &o, &d, &dg);
    ck_assert_int_ne(rc, 0);
    ck_assert_ptr_null(d);
    ck_assert_uint_ge(dg.count, 1);
    ck_assert_uint_le(dg.count, 101);
    bw_diags_free(&dg);
  }
  free(buf);
}
END_TEST

START_TEST(hundred_megabyte_line) {
  size_t n = 100u * 1024u * 1024u;
  char *text = malloc(n);
  /* One line: a valid definition, then a 100 MB trailing comment. */
  memcpy(text, "type A u8 #", 11);
  memset(text + 11, 'x', n - 11);
  bw_parse_options o = {0};
  o.max_size = n;
  bw_draft *d = NULL;
  bw_diags dg = {0};
  ck_assert_int_eq(bw_draft_parse(text, n, &o, &d, &dg), 0);
  bw_draft_free(d);
  /* Over the default limit: refused before lexing. */
  ck_assert_int_eq(bw_draft_parse(text, n, NULL, &d, &dg), BW_ELIMIT);
  bw_diags_free(&dg);
  /* One 100 MB identifier-like run: one error, quickly. */
  memset(text, 'a', n);
  ck_assert_int_eq(bw_draft_parse(text, n, &o, &d, &dg), BW_ESYNTAX);
  ck_assert_uint_eq(dg.count, 1);
  bw_diags_free(&dg);
  /* 100 MB of digits after "data[": one overflow error. */
  memcpy(text, "type A data[", 12);
  memset(text + 12, '9', n - 12);
  ck_assert_int_eq(bw_draft_parse(text, n, &o, &d, &dg), BW_ESYNTAX);
  ck_assert_uint_eq(dg.count, 1);
  ck_assert(strstr(dg.items[0].message, "is too large") != NULL);
  bw_diags_free(&dg);
  free(text);
}
END_TEST

static Suite *parse_suite(void) {
  Suite *s = suite_create("schema_parse");
  TCase *tc = tcase_create("syntax");
  tcase_add_test(tc, lexer_tokens_and_positions);
  tcase_add_test(tc, parse_primitives);
  tcase_add_test(tc, parse_composites_with_positions);
  tcase_add_test(tc, parse_enum_values);
  tcase_add_test(tc, parse_union_forms);
  tcase_add_test(tc, parse_comments_and_field_named_like_keywords);
  tcase_add_test(tc, parse_snake_and_camel_field_names);
  tcase_add_test(tc, parse_crlf_and_tabs);
  tcase_add_test(tc, parse_keeps_filename);
  tcase_add_test(tc, schema_parse_validates);
  tcase_add_test(tc, empty_text_is_an_empty_draft);
  tcase_add_test(tc, old_syntax_forms);
  tcase_add_test(tc, old_syntax_allows_recursion);
  suite_add_tcase(s, tc);
  tc = tcase_create("docs_and_annotations");
  tcase_add_test(tc, docs_attach_to_what_follows);
  tcase_add_test(tc, docs_first_block_without_blank_is_type_doc);
  tcase_add_test(tc, annotations_fill_the_native_model);
  tcase_add_test(tc, annotation_escapes_and_big_endian);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  tcase_add_loop_test(tc, syntax_error_cases, 0, (int)(sizeof error_cases / sizeof error_cases[0]));
  tcase_add_test(tc, recovery_reports_several_errors);
  tcase_add_test(tc, error_count_is_bounded);
  suite_add_tcase(s, tc);
  tc = tcase_create("limits");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, depth_limit);
  tcase_add_test(tc, size_limit_before_lexing);
  tcase_add_test(tc, types_limit);
  tcase_add_test(tc, binary_garbage_is_an_error);
  tcase_add_test(tc, hundred_megabyte_line);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(parse_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

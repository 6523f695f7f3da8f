/* barewire import: object-like macros that are integer constants become schema constants.
 *
 * The walk hands over every macro definition; the object-like ones of the selected headers
 * are candidates. macro_eval.c evaluates most of them from their tokens; what it cannot
 * decide, clang evaluates as they stand at the end of the translation unit (a header may #undef or
 * redefine a macro after defining it, as glibc's features.h does): the main file gets one
 * `#ifdef NAME` / `static const __typeof__((NAME) + 0) __bw_m_N = (NAME);` per macro, the
 * translation unit is reparsed, and clang_Cursor_Evaluate gives each value and its signedness
 * (`(1 << 4)`, `VK_MAKE_API_VERSION(0, 1, 0, 0)` and `~0U` alike). Macros that are
 * not integer constant expressions (strings, types, statements, floats) fail to evaluate and
 * are left out; the diagnostics of that second parse are not the user's and are ignored.
 * Macros with reserved names (`__USE_POSIX`, `_SYS_STAT_H`) defined in system headers are the
 * implementation's and are skipped unless opts->all_macros.
 * Bodies with unbalanced brackets or a brace or semicolon are not tried, so one odd macro
 * cannot swallow the declarations of the others. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

static bw_import_macro *push_macro(bw_import_ctx *ctx) {
  if (ctx->macro_count == ctx->macro_cap) {
    size_t cap = ctx->macro_cap ? ctx->macro_cap * 2 : 64;
    bw_import_macro *m = realloc(ctx->macros, cap * sizeof *m);
    if (!m) return NULL;
    ctx->macros = m;
    ctx->macro_cap = cap;
  }
  bw_import_macro *m = &ctx->macros[ctx->macro_count++];
  memset(m, 0, sizeof *m);
  return m;
}

/* 1 when name is reserved to the implementation (C11 7.1.3): "__..." or "_" + uppercase. */
static int reserved_name(const char *name) {
  return name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z'));
}

void bw_import_macro_seen(bw_import_ctx *ctx, CXCursor c, int wanted) {
  /* No builtin macro (__LINE__, __FILE__...) comes here: clang registers those without a
   * definition, and the preprocessing record lists definitions. */
  CXString sp = clang_getCursorSpelling(c);
  const char *name = clang_getCString(sp);
  if (name && *name) {
    int function_like = clang_Cursor_isMacroFunctionLike(c) != 0;
    const char *kept = NULL;
    int *recorded = bw_import_eval_define(ctx, c, name, function_like, &kept);
    /* Reserved names of system headers are the implementation's own (include guards,
     * feature macros, compiler versions): skipped unless asked for. */
    if (wanted && ctx->macro_file_system && !ctx->opts->all_macros && reserved_name(name))
      wanted = 0;
    if (wanted && recorded && !*recorded && !function_like && strncmp(name, "__bw_", 5) != 0) {
      *recorded = 1;
      bw_import_macro *m = push_macro(ctx);
      if (m) m->c_name = kept;
    }
  }
  clang_disposeString(sp);
}

static enum CXChildVisitResult visit_evaluated(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  bw_import_ctx *ctx = data;
  if (clang_getCursorKind(c) != CXCursor_VarDecl) return CXChildVisit_Continue;
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(c))) return CXChildVisit_Continue;
  CXString sp = clang_getCursorSpelling(c);
  const char *name = clang_getCString(sp);
  size_t i = 0;
  int ok = name && sscanf(name, "__bw_m_%zu", &i) == 1 && i < ctx->macro_count;
  clang_disposeString(sp);
  if (!ok || ctx->macros[i].state != 0) return CXChildVisit_Continue;
  bw_import_macro *m = &ctx->macros[i];
  m->state = 2;
  if (clang_isInvalidDeclaration(c)) return CXChildVisit_Continue;
  CXEvalResult r = clang_Cursor_Evaluate(c);
  if (!r) return CXChildVisit_Continue;
  if (clang_EvalResult_getKind(r) == CXEval_Int) {
    m->is_unsigned = clang_EvalResult_isUnsignedInt(r) != 0;
    m->value = m->is_unsigned ? (int64_t)clang_EvalResult_getAsUnsigned(r)
                              : (int64_t)clang_EvalResult_getAsLongLong(r);
    m->state = 1;
  }
  clang_EvalResult_dispose(r);
  return CXChildVisit_Continue;
}

/* Reparses with one declaration per pending macro and reads their values. */
static int evaluate_pending(bw_import_ctx *ctx) {
  bw_buf b = {0};
  bw_buf_puts(&b, ctx->main_text);
  for (size_t i = 0; i < ctx->macro_count; i++) {
    if (ctx->macros[i].state != 0) continue;
    const char *n = ctx->macros[i].c_name;
    bw_buf_printf(&b,
                  "#ifdef %s\n"
                  "static const __typeof__((%s) + 0) __bw_m_%zu __attribute__((unused)) = "
                  "(%s);\n"
                  "#endif\n",
                  n, n, i, n);
  }
  char *text = NULL;
  size_t len = 0;
  if (bw_buf_finish(&b, &text, &len) != 0)
    return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  struct CXUnsavedFile main_file = {ctx->main_path, text, (unsigned long)len};
  int rc =
      clang_reparseTranslationUnit(ctx->tu, 1, &main_file, clang_defaultReparseOptions(ctx->tu));
  free(text);
  if (rc != 0) {
    /* The types are imported; only the computed constants are lost. */
    bw_import_note(ctx, 0, "bw-import: warning: could not evaluate macros (clang error %d)", rc);
    return 0;
  }
  clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), visit_evaluated, ctx);
  return 0;
}

int bw_import_macros_finish(bw_import_ctx *ctx) {
  ctx->macro_pending = 0;
  for (size_t i = 0; i < ctx->macro_count; i++) {
    bw_import_macro *m = &ctx->macros[i];
    int rc = bw_import_eval_macro(ctx, m->c_name, &m->value, &m->is_unsigned);
    /* What the evaluator leaves goes to clang, unless its body could derail the parse of
     * the others (braces, semicolons, unbalanced brackets) or cannot be a number anyway. */
    if (rc < 0 && !bw_import_eval_safe(ctx, m->c_name)) rc = 0;
    m->state = rc > 0 ? 1 : rc == 0 ? 2 : 0;
    if (rc < 0) ctx->macro_pending++;
  }
  bw_import_eval_free(ctx); /* its cursors and tokens die with the reparse */
  bw_import_expr_free(ctx);
  if (ctx->macro_pending) {
    int rc = evaluate_pending(ctx);
    if (rc) return rc;
  }
  for (size_t i = 0; i < ctx->macro_count; i++) {
    bw_import_macro *m = &ctx->macros[i];
    if (m->state != 1) continue;
    char buf[256];
    char *base = bw_import_member_name_buf(m->c_name, buf, sizeof buf);
    const char *name = base ? bw_nameset_claim(&ctx->constant_names, base, "_") : NULL;
    if (base != buf) free(base);
    if (!name) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
    bw_draft_add_constant(ctx->draft, name, m->c_name, m->value, m->is_unsigned);
  }
  return 0;
}

void bw_import_macros_free(bw_import_ctx *ctx) {
  free(ctx->macros);
  ctx->macros = NULL;
  ctx->macro_count = ctx->macro_cap = ctx->macro_pending = 0;
  bw_import_eval_free(ctx);
  bw_import_expr_free(ctx);
}

/* barewire import: the entry point. Builds the clang command line and an in-memory main file
 * that includes the headers in order, parses them as one translation unit for the target,
 * gathers clang's diagnostics into the report, learns the target's facts (triple, pointer size,
 * byte order, char signedness) from clang itself, then hands over to walk.c (types) and
 * macros.c (constants) and validates the draft. */
#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_internal.h"

#ifndef BW_CLANG_RESOURCE_DIR
#define BW_CLANG_RESOURCE_DIR ""
#endif

#define MAIN_FILE_NAME "bw-import-main.c"

/* ---- report ------------------------------------------------------------------------- */

static void report_add(bw_import_report *r, int is_error, const char *line) {
  if (!r) return;
  char *copy = strdup(line);
  if (!copy) return;
  char **lines = realloc(r->lines, (r->count + 1) * sizeof *lines);
  if (!lines) {
    free(copy);
    return;
  }
  r->lines = lines;
  r->lines[r->count++] = copy;
  if (is_error) r->error_count++;
}

void bw_import_note(bw_import_ctx *ctx, int is_error, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  report_add(ctx->report, is_error, line);
  if (is_error && !ctx->opts->keep_going) {
    ctx->failed = 1;
    bw_error_set(ctx->err, BW_EIMPORT, 0, "%s", line);
  }
}

void bw_import_skip(bw_import_ctx *ctx, CXCursor where, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  uint32_t line = 0, column = 0;
  char *file = bw_import_location(where, &line, &column);
  int keep = ctx->opts->keep_going;
  bw_import_note(ctx, !keep, "%s:%u:%u: %s: %s%s", file ? file : "<unknown>", line, column,
                 keep ? "warning" : "error", keep ? "skipped: " : "", msg);
  free(file);
}

void bw_import_warn(bw_import_ctx *ctx, CXCursor where, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  uint32_t line = 0, column = 0;
  char *file = bw_import_location(where, &line, &column);
  bw_import_note(ctx, 0, "%s:%u:%u: warning: %s", file ? file : "<unknown>", line, column, msg);
  free(file);
}

void bw_import_report_free(bw_import_report *report) {
  if (!report) return;
  for (size_t i = 0; i < report->count; i++) free(report->lines[i]);
  free(report->lines);
  free(report->layout_json);
  memset(report, 0, sizeof *report);
}

/* ---- small clang helpers ---------------------------------------------------------------- */

char *bw_import_string(CXString s) {
  const char *c = clang_getCString(s);
  char *copy = strdup(c ? c : "");
  clang_disposeString(s);
  return copy;
}

char *bw_import_location(CXCursor c, uint32_t *line, uint32_t *column) {
  CXFile file = NULL;
  unsigned l = 0, col = 0;
  clang_getExpansionLocation(clang_getCursorLocation(c), &file, line ? &l : NULL,
                             column ? &col : NULL, NULL);
  if (line) *line = l;
  if (column) *column = col;
  if (!file) return NULL;
  char *name = bw_import_string(clang_getFileName(file));
  /* Headers named relative to the working directory come back as "./dir/x.h": keep the
   * spelling the user wrote, so that the output does not change with how it was reached. */
  while (name && name[0] == '.' && name[1] == '/') memmove(name, name + 2, strlen(name + 2) + 1);
  return name;
}

/* A file's name as the user would write it: "./dir/x.h" (a header named relative to the
 * working directory) comes back as "dir/x.h", so that the output does not change with how it
 * was reached. Returns a string of ctx->strings, or NULL when out of memory. */
static const char *file_name_of(bw_import_ctx *ctx, CXFile file) {
  CXString s = clang_getFileName(file);
  const char *c = clang_getCString(s);
  if (!c) c = "";
  while (c[0] == '.' && c[1] == '/') c += 2;
  const char *name = bw_arena_strdup(&ctx->strings, c);
  clang_disposeString(s);
  return name;
}

static size_t file_slot(const void *file, size_t mask) {
  return ((uintptr_t)file >> 4) & mask;
}

void bw_import_files_free(bw_import_ctx *ctx) {
  for (size_t i = 0; i < ctx->file_name_size; i++) free(ctx->file_names[i].line_starts);
  free(ctx->file_names);
  ctx->file_names = NULL;
  ctx->file_name_size = ctx->file_name_count = 0;
}

/* The cache entry of a clang file, created with its name when new; NULL when out of memory. */
static struct bw_file_name *file_entry(bw_import_ctx *ctx, CXFile file) {
  if ((ctx->file_name_count + 1) * 2 > ctx->file_name_size) {
    size_t size = ctx->file_name_size ? ctx->file_name_size * 2 : 64;
    struct bw_file_name *tab = calloc(size, sizeof *tab);
    if (!tab) return NULL;
    for (size_t i = 0; i < ctx->file_name_size; i++) {
      if (!ctx->file_names[i].file) continue;
      size_t j = file_slot(ctx->file_names[i].file, size - 1);
      while (tab[j].file) j = (j + 1) & (size - 1);
      tab[j] = ctx->file_names[i];
    }
    free(ctx->file_names);
    ctx->file_names = tab;
    ctx->file_name_size = size;
  }
  size_t mask = ctx->file_name_size - 1;
  size_t i = file_slot(file, mask);
  for (; ctx->file_names[i].file; i = (i + 1) & mask)
    if (ctx->file_names[i].file == file) return &ctx->file_names[i];
  const char *name = file_name_of(ctx, file);
  if (!name) return NULL;
  memset(&ctx->file_names[i], 0, sizeof ctx->file_names[i]);
  ctx->file_names[i].file = file;
  ctx->file_names[i].name = name;
  ctx->file_name_count++;
  return &ctx->file_names[i];
}

/* Where the file's lines start, as clang counts them (a line ends at "\n", "\r\n" or a lone
 * "\r": SourceManager's ComputeLineNumbers), found with memchr: clang's byte loop costs ~3
 * instructions a byte, which is felt on a 1 MB header. 0 when the text is unavailable. */
static int file_lines(bw_import_ctx *ctx, struct bw_file_name *f) {
  if (f->lines_known) return f->line_starts != NULL;
  f->lines_known = 1;
  size_t n = 0;
  const char *text = clang_getFileContents(ctx->tu, f->file, &n);
  if (!text || n >= UINT32_MAX) return 0;
  size_t cap = 1024, count = 0;
  uint32_t *starts = malloc(cap * sizeof *starts);
  if (!starts) return 0;
  starts[count++] = 0;
  int has_cr = memchr(text, '\r', n) != NULL;
  for (size_t i = 0; i < n;) {
    size_t next; /* the offset after the next line end */
    if (!has_cr) {
      const char *nl = memchr(text + i, '\n', n - i);
      if (!nl) break;
      next = (size_t)(nl - text) + 1;
    } else {
      while (i < n && text[i] != '\n' && text[i] != '\r') i++;
      if (i == n) break;
      next = text[i] == '\r' && i + 1 < n && text[i + 1] == '\n' ? i + 2 : i + 1;
    }
    if (count == cap) {
      uint32_t *grown = realloc(starts, cap * 2 * sizeof *starts);
      if (!grown) {
        free(starts);
        return 0;
      }
      starts = grown;
      cap *= 2;
    }
    starts[count++] = (uint32_t)next;
    i = next;
  }
  f->line_starts = starts;
  f->line_count = count;
  return 1;
}

const char *bw_import_site(bw_import_ctx *ctx, CXCursor c, uint32_t *line, uint32_t *column) {
  CXFile file = NULL;
  unsigned col = 0, offset = 0;
  CXSourceLocation loc = clang_getCursorLocation(c);
  /* File and offset only: the line is counted here, once per file (file_lines); a column is
   * clang's to compute. */
  clang_getExpansionLocation(loc, &file, NULL, column ? &col : NULL, &offset);
  if (column) *column = col;
  struct bw_file_name *f = file ? file_entry(ctx, file) : NULL;
  if (line) {
    if (f && file_lines(ctx, f)) {
      /* the number of line starts at or before offset */
      size_t lo = 0, hi = f->line_count;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->line_starts[mid] <= offset)
          lo = mid + 1;
        else
          hi = mid;
      }
      *line = (uint32_t)lo;
    } else {
      unsigned l = 0;
      clang_getExpansionLocation(loc, NULL, &l, NULL, NULL);
      *line = l;
    }
  }
  return f ? f->name : NULL;
}

int bw_import_is_builtin(const bw_import_ctx *ctx, const char *file) {
  if (!file) return 1;
  if (strcmp(file, ctx->main_path) == 0) return 1;
  size_t n = strlen(ctx->resource_include);
  return n > 0 && strncmp(file, ctx->resource_include, n) == 0 && file[n] == '/';
}

int bw_import_from_matches(const bw_import_ctx *ctx, const char *file) {
  const bw_import_options *o = ctx->opts;
  if (!o->from_count) return 1;
  if (!file) return 0;
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  for (size_t i = 0; i < o->from_count; i++) {
    if (fnmatch(o->from_globs[i], file, 0) == 0 || fnmatch(o->from_globs[i], base, 0) == 0)
      return 1;
  }
  return 0;
}

/* ---- the translation unit ------------------------------------------------------------- */

/* The main file: one #include per header, in order, then declarations whose values tell the
 * target's byte order and char signedness (evaluated by clang, read back in read_target, which
 * looks for them at these lines: see main_vars). */
static int build_main(bw_import_ctx *ctx) {
  const bw_import_options *o = ctx->opts;
  bw_buf b = {0};
  for (size_t i = 0; i < o->header_count; i++) {
    const char *h = o->headers[i];
    if (!h || !*h || strpbrk(h, "\"\n\r")) {
      bw_buf_free(&b);
      return bw_error_set(ctx->err, BW_EINVAL, 0, "invalid header name '%s'", h ? h : "");
    }
    if (h[0] == '<')
      bw_buf_printf(&b, "#include %s\n", h);
    else
      bw_buf_printf(&b, "#include \"%s\"\n", h);
  }
  ctx->main_header_lines = o->header_count;
  bw_buf_puts(&b, "static const int __bw_target_char_signed __attribute__((unused)) = "
                  "(char)-1 < 0;\n"
                  "#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__)\n"
                  "static const int __bw_target_big_endian __attribute__((unused)) = "
                  "__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;\n"
                  "#endif\n"
                  "static const int __bw_target_size_short __attribute__((unused)) = "
                  "sizeof(short);\n"
                  "static const int __bw_target_size_int __attribute__((unused)) = sizeof(int);\n"
                  "static const int __bw_target_size_long __attribute__((unused)) = "
                  "sizeof(long);\n"
                  "static const int __bw_target_size_llong __attribute__((unused)) = "
                  "sizeof(long long);\n"
                  "static const int __bw_target_size_size_t __attribute__((unused)) = "
                  "sizeof(sizeof(int));\n");
  if (bw_buf_finish(&b, &ctx->main_text, NULL) != 0)
    return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  return 0;
}

static int dir_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The clang command line: builtin headers, C, the caller's arguments, then the target and
 * Debian's cross sysroot for it when one is installed. */
static int build_args(bw_import_ctx *ctx, const char ***out_args, int *out_count,
                      char **sysroot_include) {
  const bw_import_options *o = ctx->opts;
  size_t cap = o->clang_arg_count + 16;
  const char **args = calloc(cap, sizeof *args);
  if (!args) return BW_ENOMEM;
  int n = 0;
  args[n++] = "-x";
  args[n++] = "c";
  if (BW_CLANG_RESOURCE_DIR[0]) {
    args[n++] = "-resource-dir";
    args[n++] = BW_CLANG_RESOURCE_DIR;
  }
  args[n++] = "-ferror-limit=0";
  args[n++] = "-Wno-pragma-once-outside-header";
  if (o->target && *o->target) {
    args[n++] = "-target";
    args[n++] = o->target;
  }
  for (size_t i = 0; i < o->clang_arg_count; i++) args[n++] = o->clang_args[i];
  *sysroot_include = NULL;
  if (o->target && *o->target && !strchr(o->target, '/')) {
    size_t len = strlen(o->target) + 16;
    char *dir = malloc(len);
    if (!dir) {
      free(args);
      return BW_ENOMEM;
    }
    snprintf(dir, len, "/usr/%s/include", o->target);
    if (dir_exists(dir)) {
      args[n++] = "-isystem";
      args[n++] = dir;
      *sysroot_include = dir;
    } else {
      free(dir);
    }
  }
  *out_args = args;
  *out_count = n;
  return 0;
}

/* Diagnostics in the generated main file are about a header on one of its #include lines
 * (line N is the Nth header): they are located at `<command line>:N:col`, as clang does for
 * what comes from the command line, and name the header. */
static void collect_diagnostics(bw_import_ctx *ctx) {
  unsigned count = clang_getNumDiagnostics(ctx->tu);
  for (unsigned i = 0; i < count; i++) {
    CXDiagnostic d = clang_getDiagnostic(ctx->tu, i);
    enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
    if (sev < CXDiagnostic_Warning) {
      clang_disposeDiagnostic(d);
      continue;
    }
    int is_error = sev >= CXDiagnostic_Error;
    CXFile file = NULL;
    unsigned line = 0, column = 0;
    clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, &line, &column, NULL);
    char *fname = file ? bw_import_string(clang_getFileName(file)) : NULL;
    while (fname && fname[0] == '.' && fname[1] == '/')
      memmove(fname, fname + 2, strlen(fname + 2) + 1);
    char *msg = bw_import_string(clang_getDiagnosticSpelling(d));
    const char *sevname = sev == CXDiagnostic_Fatal   ? "fatal error"
                          : sev == CXDiagnostic_Error ? "error"
                                                      : "warning";
    char line_text[2048];
    if (fname && strcmp(fname, ctx->main_path) == 0 && line >= 1 && line <= ctx->main_header_lines)
      snprintf(line_text, sizeof line_text, "<command line>:%u:%u: %s: %s", line, column, sevname,
               msg ? msg : "");
    else if (fname)
      snprintf(line_text, sizeof line_text, "%s:%u:%u: %s: %s", fname, line, column, sevname,
               msg ? msg : "");
    else
      snprintf(line_text, sizeof line_text, "bw-import: %s: %s", sevname, msg ? msg : "");
    report_add(ctx->report, is_error, line_text);
    if (is_error && !ctx->opts->keep_going && !ctx->failed) {
      ctx->failed = 1;
      bw_error_set(ctx->err, BW_EIMPORT, 0, "%s", line_text);
    }
    free(fname);
    free(msg);
    clang_disposeDiagnostic(d);
  }
}

static long long eval_main_var(CXCursor c) {
  CXEvalResult r = clang_Cursor_Evaluate(c);
  long long v = -1;
  if (r) {
    if (clang_EvalResult_getKind(r) == CXEval_Int) v = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
  }
  return v;
}

/* Records the value of target variable `name` of the main file (build_main). */
static void note_main_var(bw_import_ctx *ctx, CXCursor c, const char *name) {
  long long v = eval_main_var(c);
  if (strcmp(name, "__bw_target_char_signed") == 0 && v >= 0) ctx->char_signed = v != 0;
  if (strcmp(name, "__bw_target_big_endian") == 0 && v >= 0) ctx->big_endian = v != 0;
  if (v > 0 && v <= 8) {
    if (strcmp(name, "__bw_target_size_short") == 0) ctx->short_size = (unsigned)v;
    if (strcmp(name, "__bw_target_size_int") == 0) ctx->int_size = (unsigned)v;
    if (strcmp(name, "__bw_target_size_long") == 0) ctx->long_size = (unsigned)v;
    if (strcmp(name, "__bw_target_size_llong") == 0) ctx->llong_size = (unsigned)v;
    if (strcmp(name, "__bw_target_size_size_t") == 0) ctx->size_t_size = (unsigned)v;
  }
}

static enum CXChildVisitResult visit_main_vars(CXCursor c, CXCursor parent, CXClientData data) {
  (void)parent;
  bw_import_ctx *ctx = data;
  if (clang_getCursorKind(c) != CXCursor_VarDecl) return CXChildVisit_Continue;
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(c))) return CXChildVisit_Continue;
  char *name = bw_import_string(clang_getCursorSpelling(c));
  if (!name) return CXChildVisit_Continue;
  note_main_var(ctx, c, name);
  free(name);
  return CXChildVisit_Continue;
}

/* Where build_main writes the target variables: the line after the #include lines, and the
 * name, which starts in column 18 ("static const int " before it). The big-endian one is absent
 * when the target does not say its byte order. */
static const struct {
  unsigned line;
  const char *name;
} main_vars[] = {{1, "__bw_target_char_signed"}, {3, "__bw_target_big_endian"},
                 {5, "__bw_target_size_short"},  {6, "__bw_target_size_int"},
                 {7, "__bw_target_size_long"},   {8, "__bw_target_size_llong"},
                 {9, "__bw_target_size_size_t"}};

/* Reads the target variables from the cursors at their known places; returns how many of
 * those that are always there were found. (Finding them by visiting the translation unit's top
 * level is a walk over every declaration and preprocessing entity of the headers: 1.4 M
 * instructions on vulkan_core.h.) */
static size_t read_main_vars_in_place(bw_import_ctx *ctx) {
  CXFile main_file = clang_getFile(ctx->tu, ctx->main_path);
  if (!main_file) return 0;
  size_t found = 0;
  for (size_t i = 0; i < sizeof main_vars / sizeof main_vars[0]; i++) {
    unsigned line = (unsigned)ctx->main_header_lines + main_vars[i].line;
    CXCursor c = clang_getCursor(ctx->tu, clang_getLocation(ctx->tu, main_file, line, 18));
    if (clang_getCursorKind(c) != CXCursor_VarDecl) continue;
    CXString sp = clang_getCursorSpelling(c);
    const char *name = clang_getCString(sp);
    if (name && strcmp(name, main_vars[i].name) == 0) {
      note_main_var(ctx, c, name);
      found += main_vars[i].line != 3; /* the big-endian one may be absent */
    }
    clang_disposeString(sp);
  }
  return found;
}

static int read_target(bw_import_ctx *ctx) {
  CXTargetInfo ti = clang_getTranslationUnitTargetInfo(ctx->tu);
  if (ti) {
    ctx->triple = bw_import_string(clang_TargetInfo_getTriple(ti));
    int bits = clang_TargetInfo_getPointerWidth(ti);
    ctx->pointer_size = bits > 0 ? (uint32_t)bits / 8 : 0;
    clang_TargetInfo_dispose(ti);
  }
  if (!ctx->triple) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  /* Every variable but the big-endian one must be where build_main put it; else the main
   * file's declarations, which come last among the top-level cursors, are found by visiting
   * them all. */
  if (read_main_vars_in_place(ctx) != sizeof main_vars / sizeof main_vars[0] - 1)
    clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), visit_main_vars, ctx);
  return 0;
}

static int compile_regexes(bw_import_ctx *ctx, const char *const *src, size_t count, regex_t **out,
                           size_t *out_count) {
  if (!count) return 0;
  regex_t *res = calloc(count, sizeof *res);
  if (!res) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  *out = res;
  for (size_t i = 0; i < count; i++) {
    int rc = regcomp(&res[i], src[i] ? src[i] : "", REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char msg[256];
      regerror(rc, &res[i], msg, sizeof msg);
      return bw_error_set(ctx->err, BW_EINVAL, 0, "invalid regular expression '%s': %s",
                          src[i] ? src[i] : "", msg);
    }
    (*out_count)++;
  }
  return 0;
}

static void free_regexes(regex_t *res, size_t count) {
  for (size_t i = 0; i < count; i++) regfree(&res[i]);
  free(res);
}

/* The schema's leading comment: what was imported, for which target. */
static void set_doc(bw_import_ctx *ctx) {
  bw_buf b = {0};
  bw_buf_puts(&b, "Imported by bw-import from");
  for (size_t i = 0; i < ctx->opts->header_count; i++)
    bw_buf_printf(&b, "%s %s", i ? "," : "", ctx->opts->headers[i]);
  bw_buf_printf(&b, "\nTarget %s: %u-byte pointers, %s-endian, char is %s.", ctx->triple,
                ctx->pointer_size, ctx->big_endian ? "big" : "little",
                ctx->char_signed ? "signed" : "unsigned");
  char *doc = NULL;
  if (bw_buf_finish(&b, &doc, NULL) == 0) {
    bw_draft_set_doc(ctx->draft, doc);
    free(doc);
  }
}

/* Headers that declare no type: a BARE schema needs one, so the import fails, but the report
 * gets what was found, the target and the constants, as a layout document. The document is
 * bw_schema_layout_json's own: the constants are validated in a schema whose only type is a
 * placeholder without native layout, which the document does not list. */
static int no_types(bw_import_ctx *ctx) {
  bw_draft *d = ctx->draft;
  ctx->draft = NULL;
  bw_draft_add_type(d, "BwImportPlaceholder", bw_draft_type(d, BW_KIND_U8));
  bw_schema *s = NULL;
  int rc = bw_draft_validate(d, NULL, &s, NULL);
  size_t count = rc == 0 ? bw_schema_constant_count(s) : 0;
  char *json = NULL;
  if (rc == 0) rc = bw_schema_layout_json(s, &json, NULL, NULL);
  bw_schema_free(s);
  if (rc == BW_ENOMEM) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  if (ctx->report && rc == 0) {
    ctx->report->no_types = 1;
    ctx->report->constant_count = count;
    ctx->report->layout_json = json;
  } else {
    free(json);
  }
  return bw_error_set(ctx->err, BW_EIMPORT, 0,
                      "no types to import (%zu constant%s found): a BARE schema needs at least "
                      "one type",
                      count, count == 1 ? "" : "s");
}

static int run(bw_import_ctx *ctx, bw_schema **out) {
  const bw_import_options *o = ctx->opts;
  int rc = build_main(ctx);
  if (rc) return rc;
  rc = compile_regexes(ctx, o->type_regexes, o->type_count, &ctx->type_res, &ctx->type_re_count);
  if (rc) return rc;
  rc = compile_regexes(ctx, o->exclude_regexes, o->exclude_count, &ctx->exclude_res,
                       &ctx->exclude_re_count);
  if (rc) return rc;

  const char **args = NULL;
  int argc = 0;
  char *sysroot_include = NULL;
  if (build_args(ctx, &args, &argc, &sysroot_include) != 0)
    return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  ctx->index = clang_createIndex(0, 0);
  struct CXUnsavedFile main_file = {ctx->main_path, ctx->main_text,
                                    (unsigned long)strlen(ctx->main_text)};
  unsigned flags =
      CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_SkipFunctionBodies;
  if (o->keep_going) flags |= CXTranslationUnit_KeepGoing;
  enum CXErrorCode ec = clang_parseTranslationUnit2(ctx->index, ctx->main_path, args, argc,
                                                    &main_file, 1, flags, &ctx->tu);
  free(args);
  free(sysroot_include);
  if (ec != CXError_Success || !ctx->tu) {
    bw_import_note(ctx, 1, "bw-import: error: clang could not parse the headers (code %d)",
                   (int)ec);
    return bw_error_set(ctx->err, BW_EIMPORT, 0, "clang could not parse the headers (code %d)",
                        (int)ec);
  }
  collect_diagnostics(ctx);
  if (ctx->failed) return BW_EIMPORT;

  ctx->draft = bw_draft_new();
  if (!ctx->draft) return bw_error_set(ctx->err, BW_ENOMEM, 0, "out of memory");
  rc = read_target(ctx);
  if (rc) return rc;
  bw_draft_set_target(ctx->draft, ctx->triple, ctx->pointer_size, ctx->big_endian,
                      ctx->char_signed);
  set_doc(ctx);

  rc = bw_import_walk(ctx);
  if (rc) return rc;
  if (ctx->failed) return BW_EIMPORT;
  rc = bw_import_macros_finish(ctx);
  if (rc) return rc;
  if (ctx->failed) return BW_EIMPORT;

  if (bw_draft_type_count(ctx->draft) == 0) return no_types(ctx);
  bw_diags diags = {0};
  bw_draft *d = ctx->draft;
  ctx->draft = NULL;
  rc = bw_draft_validate(d, NULL, out, &diags);
  if (rc != 0) {
    for (size_t i = 0; i < diags.count; i++)
      bw_import_note(ctx, 1, "bw-import: error: the imported schema is invalid: %s",
                     diags.items[i].message);
    bw_error_set(ctx->err, BW_EIMPORT, 0, "the imported schema is invalid%s%s",
                 diags.count ? ": " : "", diags.count ? diags.items[0].message : "");
    bw_diags_free(&diags);
    return rc == BW_ENOMEM ? BW_ENOMEM : BW_EIMPORT;
  }
  bw_diags_free(&diags);
  return 0;
}

/* Translation units left to the process exit (opts->leave_clang), reachable from here. */
typedef struct left_unit {
  CXTranslationUnit tu;
  CXIndex index;
  struct left_unit *next;
} left_unit;
static _Atomic(left_unit *) left_units;

/* Frees clang's translation unit and index, or with opts->leave_clang keeps them for the
 * process exit (disposing of them is work that an exiting program does not need: the system
 * takes the memory back whole). */
static void release_clang(bw_import_ctx *ctx) {
  if (ctx->opts->leave_clang && (ctx->tu || ctx->index)) {
    left_unit *u = malloc(sizeof *u);
    if (u) {
      u->tu = ctx->tu;
      u->index = ctx->index;
      u->next = atomic_load(&left_units);
      while (!atomic_compare_exchange_weak(&left_units, &u->next, u)) {
      }
      return;
    }
  }
  if (ctx->tu) clang_disposeTranslationUnit(ctx->tu);
  if (ctx->index) clang_disposeIndex(ctx->index);
}

int bw_import(const bw_import_options *opts, bw_schema **out, bw_import_report *report,
              bw_error *err) {
  if (out) *out = NULL;
  if (report) memset(report, 0, sizeof *report);
  if (!opts || !out || (!opts->headers && opts->header_count))
    return bw_error_set(err, BW_EINVAL, 0, "bw_import: NULL options or output");
  if (!opts->header_count) return bw_error_set(err, BW_EINVAL, 0, "no header to import");

  bw_import_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.opts = opts;
  ctx.report = report;
  ctx.err = err;
  ctx.main_path = MAIN_FILE_NAME;
  char resource_include[4096] = "";
  if (BW_CLANG_RESOURCE_DIR[0])
    snprintf(resource_include, sizeof resource_include, "%s/include", BW_CLANG_RESOURCE_DIR);
  ctx.resource_include = resource_include;

  int rc = run(&ctx, out);
  if (rc == 0 && ctx.failed) rc = BW_EIMPORT;
  if (rc != 0 && *out) {
    bw_schema_free(*out);
    *out = NULL;
  }
  if (rc != 0 && err && err->code == 0) bw_error_set(err, rc, 0, "%s", bw_status_message(rc));

  bw_import_macros_free(&ctx);
  bw_import_walk_free(&ctx);
  bw_draft_free(ctx.draft);
  free_regexes(ctx.type_res, ctx.type_re_count);
  free_regexes(ctx.exclude_res, ctx.exclude_re_count);
  free(ctx.main_text);
  free(ctx.triple);
  release_clang(&ctx);
  return rc;
}

/* barewire import: C headers to validated BARE schemas with the compiler's real layout
 * (libbarewire-import, the only library that links libclang).
 *
 * bw_import parses the headers as one translation unit for the chosen target, walks the
 * declarations, and builds a draft whose native layouts come from clang's record layout (see
 * docs/model.md), then validates it. */
#ifndef BAREWIRE_IMPORT_H
#define BAREWIRE_IMPORT_H

#include <stddef.h>

#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bw_import_options {
  const char *const *headers; /* "path/to/file.h" or "<sys/stat.h>" (found through the include
                                 path); several form one translation unit, in order */
  size_t header_count;
  const char *const *clang_args; /* passed to clang as they are: -I -D -U -std -isystem
                                    --sysroot ... */
  size_t clang_arg_count;
  const char *target;            /* triple; NULL for the host */
  const char *const *from_globs; /* keep declarations in files whose path matches (fnmatch) */
  size_t from_count;
  const char *const *type_regexes; /* keep types whose C or BARE name matches (POSIX ERE) */
  size_t type_count;
  const char *const *exclude_regexes; /* drop types whose C or BARE name matches */
  size_t exclude_count;
  int camel_fields; /* camelCase field names (for tools that predate draft -14) */
  int keep_going;   /* import what can be imported; say what was skipped */
  int all_macros;   /* also keep macros with reserved names (`__X`, `_X`) defined in system
                       headers (_SYS_STAT_H, __USE_POSIX...); 0: skip them, user headers keep
                       every macro either way */
  int leave_clang;  /* for a program that exits right after the import: clang's translation
                       unit and index are not freed but left to the process exit, as
                       `clang -fsyntax-only` leaves its AST (-disable-free); the library keeps
                       them reachable (no leak is reported). 0: freed before bw_import returns */
} bw_import_options;

/* What the import said besides its result: clang's diagnostics and, with keep_going, what was
 * skipped; each line formatted `file:line:col: severity: message`. */
typedef struct bw_import_report {
  size_t count;
  char **lines;
  size_t error_count; /* lines that are errors */
  /* Set when bw_import failed only because the headers declare no type (a header of macros
   * such as <limits.h>; a BARE schema needs at least one type): no_types is 1,
   * constant_count the number of constants found, and layout_json the layout document of the
   * target and those constants, with an empty "types" (bw_schema_layout_json's format and
   * keys; malloc'd, freed by bw_import_report_free). 0 and NULL otherwise. */
  int no_types;
  size_t constant_count;
  char *layout_json;
} bw_import_report;

/* Imports the headers. On success *out is a validated schema with a target and native layouts
 * (free with bw_schema_free). On failure (a missing header, a syntax or other clang error,
 * unless keep_going) returns BW_EIMPORT with *out NULL and the reasons in report (may be NULL)
 * and err; BW_EINVAL for unusable options (no header, a header name with a quote or newline,
 * an invalid regular expression). report is filled on success too (warnings, what was left
 * out); free it with bw_import_report_free. Object-like macros whose value at the end of the
 * translation unit is an integer constant become schema constants (docs/model.md), except,
 * unless all_macros, those whose names are reserved identifiers (starting with "__" or "_" and
 * an uppercase letter) defined in a system header. */
int bw_import(const bw_import_options *opts, bw_schema **out, bw_import_report *report,
              bw_error *err);

void bw_import_report_free(bw_import_report *report);

/* Writes a C file that includes opts->headers and checks every size, alignment and offset of
 * the schema's native layouts with _Static_assert, and every bitfield position at run time
 * (main() returns 0 and prints nothing when all match; otherwise prints each mismatch and
 * returns 1). Compiling it for the target tells whether the layout is the compiler's. Same
 * ownership as bw_schema_print. */
int bw_import_c_check(const bw_schema *s, const bw_import_options *opts, char **out, size_t *len,
                      bw_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* bw-import: C headers to a BARE schema with the compiler's real layout, a thin shell over
 * bw_import (include/barewire/import.h). Parses the command line, runs the import, prints
 * clang's diagnostics and what was skipped on stderr, and writes the chosen format (bare,
 * json, layout, c-check) whole or not at all. */
#define _DEFAULT_SOURCE /* sbrk, madvise */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h> /* _exit */
#if defined(__GLIBC__) && defined(__linux__)
#include <sys/mman.h>
#endif

#include "barewire/barewire.h"
#include "barewire/import.h"
#include "common/util.h"

#ifndef BW_VERSION
#define BW_VERSION "unknown"
#endif

static const char *prog = "bw-import";

static void usage(FILE *out) {
  fprintf(out,
          "usage: bw-import [OPTIONS] HEADER... [-- CLANG_ARGS...]\n"
          "\n"
          "Reads C headers with libclang (several headers form one translation unit, in order;\n"
          "'<sys/stat.h>' is found through the include path) and writes a BARE schema with the\n"
          "native layout the compiler uses for the target.\n"
          "\n"
          "options:\n"
          "  --format=FORMAT      bare (default: schema with #@ layout annotations), json,\n"
          "                       layout (pahole-style listing), c-check (C file that checks\n"
          "                       the layout with the compiler); headers of macros and no\n"
          "                       type (<limits.h>) import with json only\n"
          "  -o FILE              write to FILE (whole or not at all) instead of stdout\n"
          "  --target=TRIPLE      import for another ABI (uses /usr/TRIPLE/include when present)\n"
          "  --from=GLOB          keep declarations from files matching GLOB (repeatable)\n"
          "  --type=REGEX         keep types whose C or BARE name matches (repeatable)\n"
          "  --exclude=REGEX      drop types whose C or BARE name matches (repeatable)\n"
          "                       (types that selected ones need are always kept)\n"
          "  --field-case=CASE    snake (default: C names as they are) or camel\n"
          "  --keep-going         import what can be imported; say what was skipped\n"
          "  --all-macros         also list constants with reserved names (__X, _X) from system\n"
          "                       headers (include guards, feature and compiler macros)\n"
          "  -I DIR, -D NAME[=V], -U NAME, -std=STD, -isystem DIR, --sysroot=DIR\n"
          "                       passed to clang; anything after -- is too\n"
          "  --help, --version\n"
          "\n"
          "exit status: 0 ok, 1 invalid input (clang errors, nothing imported), 2 usage\n");
}

/* A growable list of borrowed strings. */
typedef struct strlist {
  const char **items;
  size_t count;
  size_t cap;
} strlist;

static int push(strlist *l, const char *s) {
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    const char **items = realloc(l->items, cap * sizeof *items);
    if (!items) {
      fprintf(stderr, "%s: out of memory\n", prog);
      return -1;
    }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->count++] = s;
  return 0;
}

typedef struct cli {
  strlist headers, clang, from, types, excludes;
  const char *format;
  const char *output;
  const char *target;
  int camel;
  int keep_going;
  int all_macros;
} cli;

static void cli_free(cli *c) {
  free(c->headers.items);
  free(c->clang.items);
  free(c->from.items);
  free(c->types.items);
  free(c->excludes.items);
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see bw-import --help)\n");
  return BW_EXIT_USAGE;
}

/* Clang options taken directly: the flag, and whether it takes the next argument when its
 * value is not attached. */
static int clang_option(const char *arg, int *takes_next) {
  static const char *const with_value[] = {"-I",         "-D",      "-U",      "-isystem",
                                           "-idirafter", "-iquote", "-include"};
  for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++) {
    size_t n = strlen(with_value[i]);
    if (strncmp(arg, with_value[i], n) == 0) {
      *takes_next = arg[n] == 0;
      return 1;
    }
  }
  if (strncmp(arg, "-std=", 5) == 0 || strncmp(arg, "--sysroot=", 10) == 0 ||
      strncmp(arg, "-m", 2) == 0 || strncmp(arg, "-f", 2) == 0 || strcmp(arg, "-nostdinc") == 0) {
    *takes_next = 0;
    return 1;
  }
  if (strcmp(arg, "--sysroot") == 0) {
    *takes_next = 1;
    return 1;
  }
  return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, cli *c) {
  c->format = "bare";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    int next = 0;
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc; i++)
        if (push(&c->clang, argv[i])) return BW_EXIT_INVALID;
      break;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return BW_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0) {
      printf("bw-import %s\n", BW_VERSION);
      return BW_EXIT_OK;
    }
    if (bw_tool_opt(a, "--format", &v) || bw_tool_opt(a, "--target", &v) ||
        bw_tool_opt(a, "--from", &v) || bw_tool_opt(a, "--type", &v) ||
        bw_tool_opt(a, "--exclude", &v) || bw_tool_opt(a, "--field-case", &v)) {
      const char *name = a;
      if (!v) {
        if (i + 1 >= argc) return usage_error("option '%s' needs a value", a);
        v = argv[++i];
      }
      if (strncmp(name, "--format", 8) == 0) {
        if (strcmp(v, "bare") && strcmp(v, "json") && strcmp(v, "layout") && strcmp(v, "c-check"))
          return usage_error("unknown format '%s' (bare, json, layout, c-check)", v);
        c->format = v;
      } else if (strncmp(name, "--target", 8) == 0) {
        c->target = v;
      } else if (strncmp(name, "--from", 6) == 0) {
        if (push(&c->from, v)) return BW_EXIT_INVALID;
      } else if (strncmp(name, "--type", 6) == 0) {
        if (push(&c->types, v)) return BW_EXIT_INVALID;
      } else if (strncmp(name, "--exclude", 9) == 0) {
        if (push(&c->excludes, v)) return BW_EXIT_INVALID;
      } else {
        if (strcmp(v, "camel") == 0)
          c->camel = 1;
        else if (strcmp(v, "snake") != 0)
          return usage_error("unknown field case '%s' (snake, camel)", v);
      }
      continue;
    }
    if (strcmp(a, "--keep-going") == 0) {
      c->keep_going = 1;
      continue;
    }
    if (strcmp(a, "--all-macros") == 0) {
      c->all_macros = 1;
      continue;
    }
    if (strcmp(a, "-o") == 0 || strncmp(a, "--output=", 9) == 0) {
      if (a[1] == '-') {
        c->output = a + 9;
      } else {
        if (i + 1 >= argc) return usage_error("option '%s' needs a file", a);
        c->output = argv[++i];
      }
      continue;
    }
    if (clang_option(a, &next)) {
      if (push(&c->clang, a)) return BW_EXIT_INVALID;
      if (next) {
        if (i + 1 >= argc) return usage_error("option '%s' needs a value", a);
        if (push(&c->clang, argv[++i])) return BW_EXIT_INVALID;
      }
      continue;
    }
    if (a[0] == '-' && a[1] != 0) return usage_error("unknown option '%s'", a);
    if (push(&c->headers, a)) return BW_EXIT_INVALID;
  }
  if (c->headers.count == 0) return usage_error("%s", "no header given");
  return -1;
}

static int render(const bw_schema *s, const bw_import_options *o, const char *format, char **out,
                  size_t *len, bw_error *err) {
  if (strcmp(format, "json") == 0) return bw_schema_layout_json(s, out, len, err);
  if (strcmp(format, "layout") == 0) return bw_schema_layout_table(s, NULL, 0, out, len, err);
  if (strcmp(format, "c-check") == 0) return bw_import_c_check(s, o, out, len, err);
  return bw_schema_print(s, BW_PRINT_LAYOUT | BW_PRINT_DOCS, out, len, err);
}

/* The output for headers that define constants but declare no type: the layout document with
 * an empty "types" for --format=json, else an error that says what was found. */
static int only_constants(const cli *c, const bw_import_report *report) {
  if (strcmp(c->format, "json") == 0)
    return bw_tool_write(prog, c->output, report->layout_json, strlen(report->layout_json)) == 0
               ? BW_EXIT_OK
               : BW_EXIT_INVALID;
  size_t n = report->constant_count;
  fprintf(stderr,
          "%s: error: no types to import, only %zu constant%s (a BARE schema needs at least one "
          "type); use --format=json to get the constants\n",
          prog, n, n == 1 ? "" : "s");
  return BW_EXIT_INVALID;
}

/* A short run that allocates a few hundred MiB in many pieces (clang's AST, the schema, the
 * output): keep freed memory and large blocks in the heap instead of returning them to the
 * system and mapping them again (fewer mmap/munmap/brk calls and page faults). */
static void tune_malloc(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  /* One heap for every thread (libclang parses in a thread of its own), grown once by 192 MiB
   * of address space and backed by transparent huge pages where the system gives them on
   * request (transparent_hugepage/enabled = madvise): a page fault per 2 MiB instead of per
   * 4 KiB, about 2,700 fewer on vulkan_core.h. Nothing is committed until touched. */
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TOP_PAD, 192 << 20);
  uintptr_t before = (uintptr_t)sbrk(0);
  void *probe = malloc(1 << 20);
  uintptr_t after = (uintptr_t)sbrk(0);
  uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t start = (before + huge - 1) & ~(huge - 1), end = after & ~(huge - 1);
  if (probe && before != (uintptr_t)-1 && end > start)
    madvise((void *)start, end - start, MADV_HUGEPAGE);
  free(probe);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
#endif
}

/* Builds with sanitizers exit as usual, so that their leak check runs. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BW_IMPORT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define BW_IMPORT_SANITIZED 1
#endif
#endif

/* The end of a run that imported: with the output written, the process exits without running
 * libclang's and LLVM's C++ static destructors (about 0.9 M instructions, which a program about
 * to exit does not need: the system takes the memory back whole). */
static int finish(int status) {
#ifndef BW_IMPORT_SANITIZED
  if (fflush(stdout) == 0 && fflush(stderr) == 0) _exit(status);
#endif
  return status;
}

int main(int argc, char **argv) {
  tune_malloc();
  cli c;
  memset(&c, 0, sizeof c);
  int status = parse_args(argc, argv, &c);
  if (status >= 0) {
    cli_free(&c);
    return status;
  }
  bw_import_options o;
  memset(&o, 0, sizeof o);
  o.headers = c.headers.items;
  o.header_count = c.headers.count;
  o.clang_args = c.clang.items;
  o.clang_arg_count = c.clang.count;
  o.target = c.target;
  o.from_globs = c.from.items;
  o.from_count = c.from.count;
  o.type_regexes = c.types.items;
  o.type_count = c.types.count;
  o.exclude_regexes = c.excludes.items;
  o.exclude_count = c.excludes.count;
  o.camel_fields = c.camel;
  o.keep_going = c.keep_going;
  o.all_macros = c.all_macros;
  o.leave_clang = 1; /* the program exits right after */

  bw_schema *s = NULL;
  bw_import_report report;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_import(&o, &s, &report, &err);
  for (size_t i = 0; i < report.count; i++) fprintf(stderr, "%s\n", report.lines[i]);
  if (rc == BW_EIMPORT && report.no_types && report.layout_json) {
    /* Macros and no type (<limits.h>): the layout document has the constants; a schema, a
     * listing of record layouts or a layout check has nothing to hold. */
    status = only_constants(&c, &report);
    bw_import_report_free(&report);
    cli_free(&c);
    return status;
  }
  if (rc != 0) {
    if (report.error_count == 0) bw_tool_print_error(prog, NULL, &err);
    bw_import_report_free(&report);
    cli_free(&c);
    return rc == BW_EINVAL ? BW_EXIT_USAGE : BW_EXIT_INVALID;
  }
  bw_import_report_free(&report);

  char *text = NULL;
  size_t len = 0;
  bw_error_clear(&err);
  rc = render(s, &o, c.format, &text, &len, &err);
  if (rc == 0)
    status = bw_tool_write(prog, c.output, text, len) == 0 ? BW_EXIT_OK : BW_EXIT_INVALID;
  else {
    bw_tool_print_error(prog, NULL, &err);
    status = BW_EXIT_INVALID;
  }
  free(text);
  bw_schema_free(s);
  cli_free(&c);
  return finish(status);
}

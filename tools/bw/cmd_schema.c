/* bw check and bw fmt: the schema-language commands of the bw tool, thin shells over
 * bw_schema_parse and bw_schema_print. check reports every problem of every file as
 * `file:line:col: error: message`; fmt writes the canonical form (docs kept, `#@` layout
 * annotations with --layout) to stdout or, with -w, atomically over the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "commands.h"
#include "common/util.h"

static void check_usage(FILE *out) {
  fprintf(out, "usage: bw check [--old-syntax] FILE...\n\n"
               "Parses and validates each BARE schema FILE ('-' reads standard input).\n"
               "Prints every problem as FILE:LINE:COL: error: MESSAGE on standard error.\n\n"
               "  --old-syntax  also accept the pre-draft-03 syntax (string, []T, map[K]V, ...)\n"
               "  -h, --help    show this help\n\n"
               "Exit status: 0 when every file is valid, 1 when any is not, 2 on usage errors.\n");
}

int bw_cmd_check(int argc, char **argv) {
  int old_syntax = 0, files = 0, status = BW_EXIT_OK, options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      check_usage(stdout);
      return BW_EXIT_OK;
    }
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = 1;
    } else if (!options_done && strcmp(a, "--old-syntax") == 0) {
      old_syntax = 1;
    } else if (!options_done && a[0] == '-' && a[1] != 0) {
      fprintf(stderr, "bw check: unknown option '%s'\n", a);
      check_usage(stderr);
      return BW_EXIT_USAGE;
    }
  }
  options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = 1;
      continue;
    }
    if (!options_done && a[0] == '-' && a[1] != 0) continue;
    files++;
    bw_schema *s = NULL;
    if (bw_tool_load_schema("bw check", a, old_syntax, &s) != 0) status = BW_EXIT_INVALID;
    bw_schema_free(s);
  }
  if (files == 0) {
    fprintf(stderr, "bw check: no input files\n");
    check_usage(stderr);
    return BW_EXIT_USAGE;
  }
  return status;
}

static void fmt_usage(FILE *out) {
  fprintf(out, "usage: bw fmt [-w] [--layout] [--old-syntax] FILE\n\n"
               "Prints the canonical form of the BARE schema FILE ('-' reads standard input):\n"
               "one definition per type, two-space indentation, doc comments kept.\n\n"
               "  -w            rewrite FILE in place (atomically; untouched on any error)\n"
               "  --layout      keep the '#@' native-layout annotations of imported schemas\n"
               "  --old-syntax  also accept the pre-draft-03 syntax (written out in the current "
               "one)\n"
               "  -h, --help    show this help\n\n"
               "Exit status: 0 on success, 1 when the schema is invalid, 2 on usage errors.\n");
}

int bw_cmd_fmt(int argc, char **argv) {
  int write_back = 0, layout = 0, old_syntax = 0, options_done = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
      fmt_usage(stdout);
      return BW_EXIT_OK;
    }
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = 1;
    } else if (!options_done && strcmp(a, "-w") == 0) {
      write_back = 1;
    } else if (!options_done && strcmp(a, "--layout") == 0) {
      layout = 1;
    } else if (!options_done && strcmp(a, "--old-syntax") == 0) {
      old_syntax = 1;
    } else if (!options_done && a[0] == '-' && a[1] != 0) {
      fprintf(stderr, "bw fmt: unknown option '%s'\n", a);
      fmt_usage(stderr);
      return BW_EXIT_USAGE;
    } else if (path) {
      fprintf(stderr, "bw fmt: one FILE at a time\n");
      fmt_usage(stderr);
      return BW_EXIT_USAGE;
    } else {
      path = a;
    }
  }
  if (!path) {
    fprintf(stderr, "bw fmt: no input file\n");
    fmt_usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (write_back && strcmp(path, "-") == 0) {
    fprintf(stderr, "bw fmt: -w needs a file, not standard input\n");
    return BW_EXIT_USAGE;
  }
  bw_schema *s = NULL;
  if (bw_tool_load_schema("bw fmt", path, old_syntax, &s) != 0) return BW_EXIT_INVALID;
  char *text = NULL;
  size_t len = 0;
  bw_error err = {0};
  unsigned flags = BW_PRINT_DOCS | (layout ? BW_PRINT_LAYOUT : 0u);
  int rc = bw_schema_print(s, flags, &text, &len, &err);
  bw_schema_free(s);
  if (rc != 0) {
    bw_tool_print_error("bw fmt", NULL, &err);
    return BW_EXIT_INVALID;
  }
  rc = bw_tool_write("bw fmt", write_back ? path : "-", text, len);
  free(text);
  return rc == 0 ? BW_EXIT_OK : BW_EXIT_INVALID;
}

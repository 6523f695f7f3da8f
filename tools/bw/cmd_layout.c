/* bw layout: prints the native layout of a schema's types, a thin shell over bw_schema_parse,
 * bw_schema_layout_table and bw_schema_layout_json. Without TYPE arguments it shows every type
 * that has a layout; a named type that is unknown or has no layout is an error naming it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/schema.h"
#include "commands.h"
#include "common/util.h"

static void layout_usage(FILE *out) {
  fprintf(out,
          "usage: bw layout [--json] [--old-syntax] FILE [TYPE...]\n\n"
          "Prints the native layout of the types of the BARE schema FILE ('-' reads standard\n"
          "input): each field's offset and size, bitfield positions (byte:bit), holes, trailing\n"
          "padding, cacheline boundaries and totals, like pahole. Imported schemas show the\n"
          "layout recorded by bw-import; hand-written ones the natural C layout of this host.\n"
          "Without TYPE, every type that has a layout is shown.\n\n"
          "  --json        print the layout document (JSON; keys in docs/layout.md) instead\n"
          "  --old-syntax  also accept the pre-draft-03 schema syntax\n"
          "  -h, --help    show this help\n\n"
          "Exit status: 0 ok, 1 invalid schema or unknown type or type without layout, 2 usage.\n");
}

typedef struct layout_args {
  int json, old_syntax;
  const char *file;
  const char **names; /* TYPE arguments, in argv */
  size_t count;
} layout_args;

/* Fills a from argv. Returns -1 to go on, else the exit status (help printed, usage error). */
static int parse_args(int argc, char **argv, layout_args *a) {
  int options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (options_done || arg[0] != '-' || arg[1] == 0) {
      if (!a->file)
        a->file = arg;
      else
        a->names[a->count++] = arg;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      layout_usage(stdout);
      return BW_EXIT_OK;
    } else if (strcmp(arg, "--") == 0) {
      options_done = 1;
    } else if (strcmp(arg, "--json") == 0) {
      a->json = 1;
    } else if (strcmp(arg, "--old-syntax") == 0) {
      a->old_syntax = 1;
    } else {
      fprintf(stderr, "bw layout: unknown option '%s'\n", arg);
      layout_usage(stderr);
      return BW_EXIT_USAGE;
    }
  }
  if (!a->file) {
    fprintf(stderr, "bw layout: no schema file\n");
    layout_usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (a->json && a->count) {
    fprintf(stderr, "bw layout: --json describes the whole schema; it takes no TYPE\n");
    return BW_EXIT_USAGE;
  }
  return -1;
}

int bw_cmd_layout(int argc, char **argv) {
  layout_args args = {0, 0, NULL, calloc((size_t)argc, sizeof(const char *)), 0};
  if (!args.names) {
    fprintf(stderr, "bw layout: out of memory\n");
    return BW_EXIT_INVALID;
  }
  int rc = parse_args(argc, argv, &args);
  if (rc >= 0) {
    free(args.names);
    return rc;
  }
  const char *file = args.file, **names = args.names;
  size_t count = args.count;
  int json = args.json;

  bw_schema *s = NULL;
  if (bw_tool_load_schema("bw layout", file, args.old_syntax, &s) != 0) {
    free(names);
    return BW_EXIT_INVALID;
  }

  char *out = NULL;
  size_t out_len = 0;
  bw_error err;
  bw_error_clear(&err);
  rc = json ? bw_schema_layout_json(s, &out, &out_len, &err)
            : bw_schema_layout_table(s, names, count, &out, &out_len, &err);
  int status = BW_EXIT_OK;
  if (rc != 0) {
    fprintf(stderr, "%s: error: %s\n", bw_tool_display_name(file),
            err.message[0] ? err.message : bw_status_message(rc));
    status = BW_EXIT_INVALID;
  } else if (out_len == 0) {
    fprintf(stderr,
            "%s: no type has a native layout (every type contains a type without a "
            "fixed size)\n",
            bw_tool_display_name(file));
  } else if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
    fprintf(stderr, "bw layout: cannot write the output\n");
    status = BW_EXIT_INVALID;
  }
  free(out);
  bw_schema_free(s);
  free(names);
  return status;
}

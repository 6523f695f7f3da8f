/* bw: the barewire command-line tool, a thin shell over the public API. This file only
 * dispatches to the subcommands (commands.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common/util.h"

#ifndef BW_VERSION
#define BW_VERSION "unknown"
#endif

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    /* {"name", bw_cmd_name, "one-line summary"}, in the order --help lists them */
    {"check", bw_cmd_check, "parse and validate BARE schema files"},
    {"fmt", bw_cmd_fmt, "print a schema in canonical form (-w: rewrite in place)"},
    {"layout", bw_cmd_layout, "print the native layout of types (offsets, holes, padding)"},
    {"encode", bw_cmd_encode, "JSON value(s) -> BARE message(s) of a schema type"},
    {"decode", bw_cmd_decode, "BARE message(s) -> JSON, strictly checked"},
    {"view", bw_cmd_view, "native records in a binary file -> JSON or BARE (zero-copy views)"},
    {"unview", bw_cmd_unview, "BARE messages -> native records in a type's C layout"},
    {"mapped", bw_cmd_mapped, "the header of a mapped file or shared-memory segment"},
    {NULL, NULL, NULL},
};

static void usage(FILE *out) {
  fprintf(out, "usage: bw COMMAND [ARGS...]\n\ncommands:\n");
  for (size_t i = 0; commands[i].name; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n`bw COMMAND --help` for a command's options; `bw --version`.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return BW_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("bw %s\n", BW_VERSION);
    return BW_EXIT_OK;
  }
  for (size_t i = 0; commands[i].name; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "bw: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return BW_EXIT_USAGE;
}

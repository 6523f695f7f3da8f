/* Helpers shared by the command-line tools (bw, bw-import): reading whole inputs, writing
 * outputs atomically, and printing diagnostics as `file:line:col: error: message`. The library
 * never prints; the tools do it here. */
#ifndef BW_TOOLS_UTIL_H
#define BW_TOOLS_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "barewire/error.h"
#include "barewire/schema.h"

/* Exit statuses shared by every tool. */
#define BW_EXIT_OK 0
#define BW_EXIT_INVALID 1 /* invalid input */
#define BW_EXIT_USAGE 2   /* usage error */

/* Largest input bw_tool_read accepts (1 GiB): bounds memory on endless inputs such as
 * /dev/zero. */
#define BW_TOOL_READ_MAX ((size_t)1 << 30)

/* Reads a whole file ("-" is stdin) into a malloc'd buffer with a NUL after the last byte.
 * Returns 0, or prints `prog: path: reason` and returns -1. */
int bw_tool_read(const char *prog, const char *path, char **data, size_t *len);

/* The same, reading at most max bytes: an input that is longer is NOT an error here; the
 * caller gets the first max bytes and *len == max, so that a limit check downstream (set just
 * below max) reports it with its own message. */
int bw_tool_read_max(const char *prog, const char *path, size_t max, char **data, size_t *len);

/* Reads a schema file: at most one byte more than the parser's default size limit, so an
 * oversized or endless schema gets the parser's limit error instead of exhausting memory. */
int bw_tool_read_schema(const char *prog, const char *path, char **data, size_t *len);

/* Writes len bytes to path atomically: a temporary file in the same directory, fsync, then
 * rename over path. "-" (or NULL) writes to stdout. Returns 0, or prints and returns -1 (the
 * destination is untouched). */
int bw_tool_write(const char *prog, const char *path, const void *data, size_t len);

/* A growable output buffer. The tools collect their whole output here and write it only when
 * the whole input was good. oom is set once an append fails; later appends do nothing. Free
 * data with free. */
typedef struct bw_tool_buf {
  char *data;
  size_t len, cap;
  int oom;
} bw_tool_buf;

void bw_tool_buf_append(bw_tool_buf *o, const void *p, size_t n);

/* The name a path is shown by in messages: "<stdin>" for "-", else the path. */
const char *bw_tool_display_name(const char *path);

/* Reads (bw_tool_read_schema) and validates a schema file ("-" is stdin). Returns 0 with *out
 * set (free with bw_schema_free), or BW_EXIT_INVALID after printing every problem as
 * `file:line:col: error: message`; *out is then NULL. */
int bw_tool_load_schema(const char *prog, const char *path, int old_syntax, bw_schema **out);

/* Prints each diagnostic as `file:line:col: error: message` on stderr. */
void bw_tool_print_diags(const char *file, const bw_diags *diags);

/* Prints an error as `file:line:col: error: message` when it has a line, `file: error: offset
 * N: message` when it has none (binary input), or `prog: error: message` without a file. */
void bw_tool_print_error(const char *prog, const char *file, const bw_error *err);

/* 1 when arg equals name or starts with "name=" (then *value points after '='). */
int bw_tool_opt(const char *arg, const char *name, const char **value);

#endif

/* Helpers shared by the command-line tools; see util.h. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include "barewire/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int bw_tool_read_max(const char *prog, const char *path, size_t max, char **data, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
    return -1;
  }
  size_t cap = 65536 < max ? 65536 : max, n = 0;
  char *buf = malloc(cap + 1);
  if (!buf) fprintf(stderr, "%s: %s: out of memory\n", prog, path);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) {
      if (ferror(f)) {
        fprintf(stderr, "%s: %s: read error: %s\n", prog, path, strerror(errno));
        free(buf);
        buf = NULL;
      }
      break;
    }
    if (cap == max) break; /* the caller's limit: it reports what is too long */
    size_t ncap = cap <= max / 2 ? cap * 2 : max;
    char *bigger = realloc(buf, ncap + 1);
    if (!bigger) {
      free(buf);
      buf = NULL;
      fprintf(stderr, "%s: %s: out of memory\n", prog, path);
      break;
    }
    buf = bigger;
    cap = ncap;
  }
  if (f != stdin) fclose(f);
  if (!buf) return -1;
  buf[n] = 0;
  *data = buf;
  *len = n;
  return 0;
}

int bw_tool_read(const char *prog, const char *path, char **data, size_t *len) {
  if (bw_tool_read_max(prog, path, BW_TOOL_READ_MAX + 1, data, len) != 0) return -1;
  if (*len > BW_TOOL_READ_MAX) {
    fprintf(stderr, "%s: %s: input larger than %zu bytes\n", prog, path, BW_TOOL_READ_MAX);
    free(*data);
    *data = NULL;
    return -1;
  }
  return 0;
}

int bw_tool_read_schema(const char *prog, const char *path, char **data, size_t *len) {
  return bw_tool_read_max(prog, path, (size_t)BW_DEFAULT_MAX_SCHEMA_SIZE + 1, data, len);
}

int bw_tool_write(const char *prog, const char *path, const void *data, size_t len) {
  if (!path || strcmp(path, "-") == 0) {
    if (len && fwrite(data, 1, len, stdout) != len) {
      fprintf(stderr, "%s: write error on stdout: %s\n", prog, strerror(errno));
      return -1;
    }
    if (fflush(stdout) != 0) {
      fprintf(stderr, "%s: write error on stdout: %s\n", prog, strerror(errno));
      return -1;
    }
    return 0;
  }
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return -1;
  }
  snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
    free(tmp);
    return -1;
  }
  const char *p = data;
  size_t left = len;
  int ok = 1;
  while (left > 0 && ok) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      ok = 0;
    else
      p += w, left -= (size_t)w;
  }
  if (ok && fsync(fd) != 0) ok = 0;
  int saved = errno;
  if (close(fd) != 0 && ok) ok = 0, saved = errno;
  /* Keep the mode a plain new file would get (mkstemp makes 0600). */
  mode_t mask = umask(0);
  umask(mask);
  if (ok) chmod(tmp, 0666 & ~mask);
  if (ok && rename(tmp, path) != 0) ok = 0, saved = errno;
  if (!ok) {
    fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(saved));
    unlink(tmp);
  }
  free(tmp);
  return ok ? 0 : -1;
}

void bw_tool_buf_append(bw_tool_buf *o, const void *p, size_t n) {
  if (o->oom || n == 0) return;
  if (n > o->cap - o->len) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap - o->len < n && cap < SIZE_MAX / 2) cap *= 2;
    char *q = cap - o->len >= n ? realloc(o->data, cap) : NULL;
    if (!q) {
      o->oom = 1;
      return;
    }
    o->data = q;
    o->cap = cap;
  }
  memcpy(o->data + o->len, p, n);
  o->len += n;
}

const char *bw_tool_display_name(const char *path) {
  return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int bw_tool_load_schema(const char *prog, const char *path, int old_syntax, bw_schema **out) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  if (bw_tool_read_schema(prog, path, &text, &len) != 0) return BW_EXIT_INVALID;
  bw_parse_options opts = {0};
  opts.filename = bw_tool_display_name(path);
  opts.old_syntax = old_syntax;
  bw_diags diags = {0};
  int rc = bw_schema_parse(text, len, &opts, out, &diags);
  free(text);
  if (rc != 0) {
    if (diags.count == 0 && !diags.truncated)
      fprintf(stderr, "%s: error: %s\n", opts.filename, bw_status_message(rc));
    bw_tool_print_diags(opts.filename, &diags);
  }
  bw_diags_free(&diags);
  return rc != 0 ? BW_EXIT_INVALID : 0;
}

void bw_tool_print_diags(const char *file, const bw_diags *diags) {
  for (size_t i = 0; i < diags->count; i++) {
    const bw_diag *d = &diags->items[i];
    fprintf(stderr, "%s:%u:%u: error: %s\n", file, d->line, d->column, d->message);
  }
  if (diags->truncated) fprintf(stderr, "%s: error: more problems (out of memory)\n", file);
}

void bw_tool_print_error(const char *prog, const char *file, const bw_error *err) {
  const char *msg = err->message[0] ? err->message : bw_status_message(err->code);
  if (!file)
    fprintf(stderr, "%s: error: %s\n", prog, msg);
  else if (err->line)
    fprintf(stderr, "%s:%u:%u: error: %s\n", file, err->line, err->column, msg);
  else
    fprintf(stderr, "%s: error: offset %llu: %s\n", file, (unsigned long long)err->offset, msg);
}

int bw_tool_opt(const char *arg, const char *name, const char **value) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) return 0;
  if (arg[n] == 0) {
    if (value) *value = NULL;
    return 1;
  }
  if (arg[n] == '=') {
    if (value) *value = arg + n + 1;
    return 1;
  }
  return 0;
}

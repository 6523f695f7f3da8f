/* bw view and bw unview: native records in binary files <-> JSON and BARE, thin shells over the
 * memory module (regions, views, native <-> BARE) and the codec's JSON writer.
 *
 * `bw view` reads records laid out as the schema's native layout says (a dump, a file of
 * structs written by a C program), encodes each record (or one field of it) as a BARE message
 * with bw_view_encode, and prints that message as JSON with bw_decode + bw_value_to_json, so the
 * value form is exactly that of `bw decode`. `--to-bare` writes the messages instead.
 * `bw unview` does the reverse: BARE messages back to back -> native records back to back.
 * Output is collected whole and written only when every record is good.
 *
 * With --mapped (a file) or --shm NAME (a POSIX shared-memory segment) the records live behind
 * barewire's mapped header (barewire/mapped.h): `bw view` opens the file or segment with the
 * schema, which refuses a header written with another schema, type, record size or byte order,
 * and views the records it counts; `bw unview` creates one (a file under a temporary name,
 * synced and renamed into place, so it appears whole or not at all). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "barewire/codec.h"
#include "barewire/mapped.h"
#include "barewire/memory.h"
#include "barewire/schema.h"
#include "commands.h"
#include "common/util.h"

typedef struct view_args {
  const char *prog;
  const char *schema_path;
  const char *type_name;
  const char *input; /* "-" for stdin */
  const char *output;
  const char *field;
  uint64_t offset;
  uint64_t count;
  int has_count;
  uint64_t flex;
  uint64_t base_address;
  int has_base_address;
  int to_bare;
  int pretty;
  int old_syntax;
  int mapped;      /* --mapped: FILE (view) or -o FILE (unview) is a mapped file */
  const char *shm; /* --shm NAME: a shared-memory segment instead */
} view_args;

static void view_usage(FILE *out) {
  fprintf(out, "usage: bw view [OPTIONS] SCHEMA TYPE FILE\n\n"
               "Prints records stored in FILE (or - for standard input) in the native layout of\n"
               "TYPE as JSON, one record per line (the value forms of `bw decode`). TYPE is a\n"
               "type of SCHEMA or the C name of one (\"struct stat\").\n\n"
               "  --offset N    the first record starts at byte N (default 0)\n"
               "  --count N     print N records (default: every whole record after the offset)\n"
               "  --field PATH  print only this field of each record (C syntax: st_mtim.tv_sec,\n"
               "                items[3].x; members of anonymous structs and unions by name)\n"
               "  --flex N      records end with N elements of their flexible array member\n"
               "  --base-address ADDR\n"
               "                the address FILE's first byte had in the process that wrote it:\n"
               "                --field paths follow pointers ('next->value') inside FILE\n"
               "  --mapped      FILE is a barewire mapped file (header + records, as written by\n"
               "                `bw unview --mapped`): the header must match SCHEMA and TYPE\n"
               "  --shm NAME    the same in the POSIX shared-memory segment NAME (no FILE)\n"
               "  --to-bare     write the records as BARE messages, back to back, instead of JSON\n"
               "  --pretty      indent the JSON\n"
               "  -o FILE       write to FILE (atomically) instead of standard output\n"
               "  --old-syntax  accept the pre-draft-03 schema syntax\n"
               "  -h, --help    show this help\n\n"
               "Errors: FILE: error: offset N: MESSAGE. Exit status: 0 on success, 1 for invalid\n"
               "input (nothing is written), 2 on usage errors.\n");
}

static void unview_usage(FILE *out) {
  fprintf(out,
          "usage: bw unview [OPTIONS] SCHEMA TYPE [FILE]\n\n"
          "Reads BARE messages of TYPE back to back (FILE, or standard input) and writes each\n"
          "as a record in TYPE's native layout (padding zeroed), records back to back. A value\n"
          "that does not fit its native field (a bitfield, a narrow enum) is an error.\n\n"
          "  --flex N      records end with N elements of their flexible array member (each\n"
          "                message must carry exactly N)\n"
          "  -o FILE       write to FILE (atomically) instead of standard output\n"
          "  --mapped      write a barewire mapped file (header + records; needs -o), for\n"
          "                `bw view --mapped` or bw_mapped_open\n"
          "  --shm NAME    create the POSIX shared-memory segment NAME holding the records\n"
          "  --old-syntax  accept the pre-draft-03 schema syntax\n"
          "  -h, --help    show this help\n\n"
          "Errors: FILE: error: offset N: MESSAGE. Exit status: 0 on success, 1 for invalid\n"
          "input (nothing is written), 2 on usage errors.\n");
}

static int parse_u64(const view_args *a, const char *opt, const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-') goto bad;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) goto bad;
  *out = v;
  return 0;
bad:
  fprintf(stderr, "%s: %s needs a non-negative integer, not '%s'\n", a->prog, opt, s ? s : "");
  return -1;
}

/* Parses the command line. Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, int view, view_args *a) {
  void (*usage)(FILE *) = view ? view_usage : unview_usage;
  const char *pos[3];
  int npos = 0, options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i], *value = NULL;
    if (!options_done && s[0] == '-' && s[1] != 0) {
      /* Options with a value take it as --opt=V or as the next argument. */
#define TAKE_VALUE(name)                                                                           \
  (bw_tool_opt(s, name, &value) &&                                                                 \
   (value || (i + 1 < argc ? (value = argv[++i], 1) : (value = NULL, 1))))
      if (strcmp(s, "--") == 0) {
        options_done = 1;
      } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
        usage(stdout);
        return BW_EXIT_OK;
      } else if (strcmp(s, "-o") == 0 || TAKE_VALUE("--output")) {
        if (strcmp(s, "-o") == 0) value = i + 1 < argc ? argv[++i] : NULL;
        if (!value) {
          fprintf(stderr, "%s: -o needs a file name\n", a->prog);
          return BW_EXIT_USAGE;
        }
        a->output = value;
      } else if (strcmp(s, "--old-syntax") == 0) {
        a->old_syntax = 1;
      } else if (view && TAKE_VALUE("--offset")) {
        if (parse_u64(a, "--offset", value, &a->offset)) return BW_EXIT_USAGE;
      } else if (view && TAKE_VALUE("--count")) {
        if (parse_u64(a, "--count", value, &a->count)) return BW_EXIT_USAGE;
        a->has_count = 1;
      } else if (view && TAKE_VALUE("--base-address")) {
        char *end = NULL;
        errno = 0;
        unsigned long long addr = value ? strtoull(value, &end, 0) : 0;
        if (!value || !*value || *value == '-' || errno || *end) {
          fprintf(stderr, "%s: --base-address needs an address, not '%s'\n", a->prog,
                  value ? value : "");
          return BW_EXIT_USAGE;
        }
        a->base_address = addr;
        a->has_base_address = 1;
      } else if (TAKE_VALUE("--flex")) {
        if (parse_u64(a, "--flex", value, &a->flex)) return BW_EXIT_USAGE;
      } else if (view && TAKE_VALUE("--field")) {
        if (!value) {
          fprintf(stderr, "%s: --field needs a path\n", a->prog);
          return BW_EXIT_USAGE;
        }
        a->field = value;
      } else if (strcmp(s, "--mapped") == 0) {
        a->mapped = 1;
      } else if (TAKE_VALUE("--shm")) {
        if (!value) {
          fprintf(stderr, "%s: --shm needs a segment name (/name)\n", a->prog);
          return BW_EXIT_USAGE;
        }
        a->shm = value;
      } else if (view && strcmp(s, "--to-bare") == 0) {
        a->to_bare = 1;
      } else if (view && strcmp(s, "--pretty") == 0) {
        a->pretty = 1;
      } else {
        fprintf(stderr, "%s: unknown option '%s'\n", a->prog, s);
        usage(stderr);
        return BW_EXIT_USAGE;
      }
#undef TAKE_VALUE
      continue;
    }
    if (npos == 3) {
      fprintf(stderr, "%s: too many arguments\n", a->prog);
      usage(stderr);
      return BW_EXIT_USAGE;
    }
    pos[npos++] = s;
  }
  int want_file = view && !a->shm;
  if (npos < (want_file ? 3 : 2)) {
    fprintf(stderr, "%s: SCHEMA, TYPE%s are required\n", a->prog, want_file ? " and FILE" : "");
    usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (view && a->shm && npos > 2) {
    fprintf(stderr, "%s: no FILE with --shm NAME (the segment holds the records)\n", a->prog);
    return BW_EXIT_USAGE;
  }
  const char *conflict = NULL;
  if (a->mapped && a->shm)
    conflict = "--mapped and --shm";
  else if ((a->mapped || a->shm) && a->flex)
    conflict = "--flex and a mapped file (its records have one fixed size)";
  else if (view && (a->mapped || a->shm) && a->offset)
    conflict = "--offset and a mapped file (its header says where the records are)";
  else if (!view && a->mapped && (!a->output || strcmp(a->output, "-") == 0))
    conflict = "--mapped without -o FILE";
  else if (!view && a->shm && a->output)
    conflict = "--shm and -o";
  if (conflict) {
    fprintf(stderr, "%s: cannot combine %s\n", a->prog, conflict);
    return BW_EXIT_USAGE;
  }
  if (a->to_bare && a->pretty) {
    fprintf(stderr, "%s: --pretty is for JSON, not with --to-bare\n", a->prog);
    return BW_EXIT_USAGE;
  }
  a->schema_path = pos[0];
  a->type_name = pos[1];
  a->input = npos == 3 ? pos[2] : view && a->shm ? a->shm : "-";
  return -1;
}

/* TYPE names a user type, or a type by its C name ("struct stat", a typedef name). */
static const bw_user_type *find_type(const bw_schema *s, const char *name) {
  const bw_user_type *ut = bw_schema_find(s, name);
  for (size_t i = 0; !ut && i < bw_schema_type_count(s); i++) {
    const bw_user_type *u = bw_schema_type_at(s, i);
    const bw_native *n = u->type->native;
    if (n && n->c_name && strcmp(n->c_name, name) == 0) ut = u;
  }
  return ut;
}

static int load_schema(const view_args *a, bw_schema **schema) {
  if (bw_tool_load_schema(a->prog, a->schema_path, a->old_syntax, schema) != 0)
    return BW_EXIT_INVALID;
  if (!find_type(*schema, a->type_name)) {
    fprintf(stderr, "%s: error: schema %s has no type '%s'\n", a->prog,
            bw_tool_display_name(a->schema_path), a->type_name);
    return BW_EXIT_INVALID;
  }
  return 0;
}

static int finish(const view_args *a, bw_tool_buf *out, int status) {
  if (!status && out->oom) {
    fprintf(stderr, "%s: out of memory\n", a->prog);
    status = BW_EXIT_INVALID;
  }
  if (!status && bw_tool_write(a->prog, a->output, out->data ? out->data : "", out->len) != 0)
    status = BW_EXIT_INVALID;
  free(out->data);
  return status;
}

/* One record (or its field) at v: BARE bytes, or the JSON of those bytes. */
static int view_record(const view_args *a, const bw_view *record, bw_value_arena *arena,
                       bw_tool_buf *out) {
  bw_error err;
  bw_error_clear(&err);
  bw_view v = *record;
  int rc = 0;
  if (a->field && (rc = bw_view_at(record, a->field, &v, &err)) != 0) {
    fprintf(stderr, "%s: error: %s\n", a->prog, err.message);
    return BW_EXIT_INVALID;
  }
  bw_native_options o = {0};
  o.flex_count = a->flex;
  uint8_t *msg = NULL;
  size_t len = 0;
  bw_value *value = NULL;
  char *json = NULL;
  size_t jlen = 0;
  rc = bw_view_encode(&v, &o, &msg, &len, &err);
  if (!rc && a->to_bare) {
    bw_tool_buf_append(out, msg, len);
  } else if (!rc) {
    /* The type of the field's value: a bitfield's or flexible array's wire type, or the
     * record's own type. */
    const bw_type *t = v.declared;
    rc = bw_decode(t, msg, len, NULL, arena, &value, NULL, &err);
    if (!rc) rc = bw_value_to_json(value, a->pretty ? BW_JSON_PRETTY : 0, &json, &jlen, &err);
    if (!rc) {
      bw_tool_buf_append(out, json, jlen);
      bw_tool_buf_append(out, "\n", 1);
    }
    bw_value_arena_reset(arena);
  }
  free(json);
  free(msg);
  if (rc) {
    bw_tool_print_error(a->prog, bw_tool_display_name(a->input), &err);
    return BW_EXIT_INVALID;
  }
  return 0;
}

/* The records to view: a regular file is mapped read-only (used in place, however large);
 * standard input and other files are read whole. *mapped says which, for release_input. */
static int acquire_input(const view_args *a, char **data, size_t *len, int *mapped) {
  *mapped = 0;
  if (strcmp(a->input, "-") != 0) {
    int fd = open(a->input, O_RDONLY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size <= SIZE_MAX) {
      void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        close(fd);
        *data = p;
        *len = (size_t)st.st_size;
        *mapped = 1;
        return 0;
      }
    }
    if (fd >= 0) close(fd);
  }
  return bw_tool_read(a->prog, a->input, data, len);
}

static void release_input(char *data, size_t len, int mapped) {
  if (mapped)
    munmap(data, len);
  else
    free(data);
}

/* Opens the mapped file or segment of --mapped / --shm read-only; its records become the
 * input. The header is checked against the schema and type by the library. */
static int open_mapped(const view_args *a, const bw_schema *schema, bw_mapped *m) {
  bw_error err;
  bw_error_clear(&err);
  const char *type = find_type(schema, a->type_name)->name;
  int rc = a->shm ? bw_shm_open(a->shm, schema, type, 0, m, &err)
                  : bw_mapped_open(a->input, schema, type, 0, m, &err);
  if (rc) {
    bw_tool_print_error(a->prog, bw_tool_display_name(a->input), &err);
    return BW_EXIT_INVALID;
  }
  return 0;
}

/* Writes count records of size bytes each into a new mapped file (under a temporary name in
 * the same directory, synced, then renamed over -o FILE) or a new shared-memory segment. */
static int write_mapped(const view_args *a, const bw_schema *schema, const uint8_t *records,
                        uint64_t count, uint64_t size) {
  const char *type = find_type(schema, a->type_name)->name;
  bw_error err;
  bw_error_clear(&err);
  bw_mapped m;
  char *tmp = NULL;
  int rc;
  if (a->shm) {
    rc = bw_shm_create(a->shm, schema, type, count, &m, &err);
  } else {
    size_t plen = strlen(a->output);
    if (!(tmp = malloc(plen + 32))) {
      fprintf(stderr, "%s: out of memory\n", a->prog);
      return BW_EXIT_INVALID;
    }
    snprintf(tmp, plen + 32, "%s.tmp%ld", a->output, (long)getpid());
    rc = bw_mapped_create(tmp, schema, type, count, &m, &err);
  }
  int created = !rc; /* a failed create leaves nothing behind */
  if (!rc) {
    if (count) memcpy(m.records, records, (size_t)(count * size));
    rc = bw_mapped_sync(&m, 1, &err);
    bw_mapped_close(&m);
  }
  if (!rc && tmp && rename(tmp, a->output) != 0)
    rc = bw_error_set(&err, BW_EIO, 0, "rename to %s: %s", a->output, strerror(errno));
  if (rc) {
    if (created && tmp) unlink(tmp);
    if (created && a->shm) bw_shm_unlink(a->shm, NULL);
    bw_tool_print_error(a->prog, a->shm ? a->shm : a->output, &err);
  }
  free(tmp);
  return rc ? BW_EXIT_INVALID : 0;
}

int bw_cmd_view(int argc, char **argv) {
  view_args a = {0};
  a.prog = "bw view";
  int status = parse_args(argc, argv, 1, &a);
  if (status >= 0) return status;
  bw_schema *schema = NULL;
  char *data = NULL;
  size_t len = 0;
  bw_tool_buf out = {0};
  bw_value_arena *arena = bw_value_arena_new();
  if (!arena) {
    fprintf(stderr, "%s: out of memory\n", a.prog);
    return BW_EXIT_INVALID;
  }
  int mapped = 0;
  bw_mapped m = {0};
  status = load_schema(&a, &schema);
  if (!status && (a.mapped || a.shm)) {
    status = open_mapped(&a, schema, &m);
    data = (char *)m.records;
    len = status ? 0 : (size_t)(m.count * m.record_size);
  } else if (!status && acquire_input(&a, &data, &len, &mapped) != 0) {
    status = BW_EXIT_INVALID;
  }
  bw_region region;
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  uint64_t stride = 0;
  if (!status && bw_region_init_readonly(&region, data, len, &err) != 0) {
    bw_tool_print_error(a.prog, bw_tool_display_name(a.input), &err);
    status = BW_EXIT_INVALID;
  }
  if (!status && a.has_base_address) bw_region_set_base_address(&region, a.base_address);
  if (!status && (bw_view_init_type(&v, schema, find_type(schema, a.type_name)->type, &region,
                                    a.offset, &err) ||
                  bw_view_native_size(&v, a.flex, &stride, &err))) {
    bw_tool_print_error(a.prog, bw_tool_display_name(a.input), &err);
    status = BW_EXIT_INVALID;
  }
  if (!status) {
    uint64_t avail = len - a.offset;
    uint64_t fits = stride ? avail / stride : 0;
    uint64_t count = a.has_count ? a.count : fits;
    if (count > fits) {
      fprintf(stderr,
              "%s: error: %s holds %llu whole records of %llu bytes after offset %llu, not %llu\n",
              a.prog, bw_tool_display_name(a.input), (unsigned long long)fits,
              (unsigned long long)stride, (unsigned long long)a.offset, (unsigned long long)count);
      status = BW_EXIT_INVALID;
    }
    for (uint64_t i = 0; !status && i < count; i++) {
      if (bw_view_seek(&v, a.offset + i * stride) != 0) {
        fprintf(stderr, "%s: error: record %llu does not fit\n", a.prog, (unsigned long long)i);
        status = BW_EXIT_INVALID;
        break;
      }
      status = view_record(&a, &v, arena, &out);
    }
  }
  status = finish(&a, &out, status);
  if (m.map)
    bw_mapped_close(&m);
  else
    release_input(data, len, mapped);
  bw_value_arena_free(arena);
  bw_schema_free(schema);
  return status;
}

int bw_cmd_unview(int argc, char **argv) {
  view_args a = {0};
  a.prog = "bw unview";
  int status = parse_args(argc, argv, 0, &a);
  if (status >= 0) return status;
  bw_schema *schema = NULL;
  char *data = NULL;
  size_t len = 0;
  bw_tool_buf out = {0};
  uint8_t *record = NULL;
  status = load_schema(&a, &schema);
  if (!status && bw_tool_read(a.prog, a.input, &data, &len) != 0) status = BW_EXIT_INVALID;
  bw_region region;
  bw_view v;
  bw_error err;
  bw_error_clear(&err);
  if (!status) {
    /* The record's size, from a view over a buffer of exactly that size. */
    uint64_t size = 0;
    const bw_user_type *ut = find_type(schema, a.type_name);
    const bw_native *n = bw_type_native(schema, ut->type, &err);
    size = n ? n->size : 0;
    record = n ? calloc(1, size ? size : 1) : NULL;
    if (!n || !record || bw_region_init_writable(&region, record, size, &err) ||
        bw_view_init_type(&v, schema, ut->type, &region, 0, &err)) {
      if (!err.code) bw_error_set(&err, BW_ENOMEM, 0, "out of memory");
      bw_tool_print_error(a.prog, bw_tool_display_name(a.schema_path), &err);
      status = BW_EXIT_INVALID;
    }
    /* With --flex the record grows by N elements of its flexible array. */
    uint64_t with_flex = size;
    if (!status && a.flex) {
      uint8_t *bigger = NULL;
      if (bw_view_native_size(&v, a.flex, &with_flex, &err) == 0 && with_flex == size)
        bw_error_set(&err, BW_EINVAL, 0, "%s has no flexible array member for --flex", a.type_name);
      else if (!err.code && (with_flex > SIZE_MAX || !(bigger = calloc(1, (size_t)with_flex))))
        bw_error_set(&err, BW_ENOMEM, 0, "out of memory");
      if (err.code) {
        bw_tool_print_error(a.prog, NULL, &err);
        status = BW_EXIT_INVALID;
      } else {
        free(record);
        record = bigger;
        size = with_flex;
        bw_region_init_writable(&region, record, (size_t)size, NULL);
        bw_view_init_type(&v, schema, ut->type, &region, 0, NULL);
      }
    }
    bw_native_options o = {0};
    o.allow_trailing = 1;
    for (size_t pos = 0; !status && pos < len;) {
      size_t used = 0;
      bw_error_clear(&err);
      uint64_t count = 0;
      if (bw_view_decode(&v, data + pos, len - pos, &o, &used, &count, &err) != 0 ||
          count != a.flex) {
        if (!err.code)
          bw_error_set(&err, BW_ERANGE, 0, "the flexible array has %llu elements, not %llu",
                       (unsigned long long)count, (unsigned long long)a.flex);
        err.offset += pos;
        bw_tool_print_error(a.prog, bw_tool_display_name(a.input), &err);
        status = BW_EXIT_INVALID;
        break;
      }
      bw_tool_buf_append(&out, record, (size_t)size);
      pos += used;
    }
    if (!status && (a.mapped || a.shm)) {
      if (out.oom) {
        fprintf(stderr, "%s: out of memory\n", a.prog);
        status = BW_EXIT_INVALID;
      } else {
        status =
            write_mapped(&a, schema, (const uint8_t *)out.data, size ? out.len / size : 0, size);
      }
    }
  }
  if (a.mapped || a.shm)
    free(out.data);
  else
    status = finish(&a, &out, status);
  free(record);
  free(data);
  bw_schema_free(schema);
  return status;
}

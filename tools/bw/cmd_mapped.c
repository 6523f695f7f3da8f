/* bw mapped: what a barewire mapped file or shared-memory segment holds, read from its header
 * alone (bw_mapped_inspect / bw_shm_inspect), optionally checked against a schema the way
 * bw_mapped_open checks it, and, for a segment, removed afterwards (--unlink). The records
 * themselves are printed by `bw view --mapped` / `--shm`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "barewire/mapped.h"
#include "barewire/schema.h"
#include "commands.h"
#include "common/util.h"

static void mapped_usage(FILE *out) {
  fprintf(out, "usage: bw mapped [OPTIONS] FILE\n"
               "       bw mapped [OPTIONS] --shm NAME\n\n"
               "Prints the header of a barewire mapped file (or of the POSIX shared-memory\n"
               "segment NAME): format version, the type of its records, record size, record\n"
               "count, byte order and the fingerprint of the schema that wrote it. Every field\n"
               "is checked as bw_mapped_open checks it.\n\n"
               "  --schema SCHEMA  also check that the header was written with SCHEMA (the\n"
               "                   fingerprint, the type, its record size and byte order)\n"
               "  --json           print one JSON object\n"
               "  --unlink         with --shm: remove the segment after reading it\n"
               "  --old-syntax     accept the pre-draft-03 schema syntax\n"
               "  -h, --help       show this help\n\n"
               "Errors: FILE: error: offset N: MESSAGE (N is the header field's offset). Exit\n"
               "status: 0 on success, 1 for an invalid or mismatched header, 2 on usage errors.\n");
}

/* The header's type name in a JSON string: printable ASCII, with " and \ escaped. */
static void json_name(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    putchar(*s);
  }
  putchar('"');
}

static void print_info(const char *where, const bw_mapped_info *info, int json) {
  char fp[2 * BW_FINGERPRINT_SIZE + 1];
  for (size_t i = 0; i < BW_FINGERPRINT_SIZE; i++)
    snprintf(fp + 2 * i, 3, "%02x", info->fingerprint[i]);
  const char *order = info->big_endian ? "big" : "little";
  if (json) {
    printf("{\"version\":%u,\"type\":", (unsigned)info->version);
    json_name(info->type_name);
    printf(",\"record_size\":%llu,\"count\":%llu,\"endian\":\"%s\",\"fingerprint\":\"%s\"}\n",
           (unsigned long long)info->record_size, (unsigned long long)info->count, order, fp);
    return;
  }
  printf("%s: barewire mapped records, format version %u\n"
         "type:        %s\n"
         "record size: %llu bytes\n"
         "records:     %llu\n"
         "byte order:  %s-endian\n"
         "schema:      sha256 %s\n",
         where, (unsigned)info->version, info->type_name, (unsigned long long)info->record_size,
         (unsigned long long)info->count, order, fp);
}

int bw_cmd_mapped(int argc, char **argv) {
  const char *prog = "bw mapped", *file = NULL, *shm = NULL, *schema_path = NULL;
  int json = 0, unlink_after = 0, old_syntax = 0;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i], *value = NULL;
    if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
      mapped_usage(stdout);
      return BW_EXIT_OK;
    } else if (bw_tool_opt(s, "--shm", &value) || bw_tool_opt(s, "--schema", &value)) {
      int is_shm = strncmp(s, "--shm", 5) == 0;
      if (!value && i + 1 < argc) value = argv[++i];
      if (!value) {
        fprintf(stderr, "%s: %s needs a value\n", prog, is_shm ? "--shm" : "--schema");
        return BW_EXIT_USAGE;
      }
      *(is_shm ? &shm : &schema_path) = value;
    } else if (strcmp(s, "--json") == 0) {
      json = 1;
    } else if (strcmp(s, "--unlink") == 0) {
      unlink_after = 1;
    } else if (strcmp(s, "--old-syntax") == 0) {
      old_syntax = 1;
    } else if (s[0] == '-' && s[1] != 0) {
      fprintf(stderr, "%s: unknown option '%s'\n", prog, s);
      mapped_usage(stderr);
      return BW_EXIT_USAGE;
    } else if (file) {
      fprintf(stderr, "%s: too many arguments\n", prog);
      return BW_EXIT_USAGE;
    } else {
      file = s;
    }
  }
  if (!file == !shm) {
    fprintf(stderr, "%s: give a FILE or --shm NAME (one of them)\n", prog);
    mapped_usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (unlink_after && !shm) {
    fprintf(stderr, "%s: --unlink is for --shm segments (remove a file with rm)\n", prog);
    return BW_EXIT_USAGE;
  }
  const char *where = shm ? shm : file;
  bw_schema *schema = NULL;
  if (schema_path && bw_tool_load_schema(prog, schema_path, old_syntax, &schema) != 0)
    return BW_EXIT_INVALID;
  bw_mapped_info info;
  bw_error err;
  bw_error_clear(&err);
  int rc = shm ? bw_shm_inspect(shm, &info, &err) : bw_mapped_inspect(file, &info, &err);
  if (!rc && schema) {
    /* The library's own check: opening with the schema compares every field. */
    bw_mapped m = {0};
    if (!bw_schema_find(schema, info.type_name))
      rc = bw_error_set(&err, BW_EFORMAT, 48, "schema %s has no type '%s' (the header's type)",
                        bw_tool_display_name(schema_path), info.type_name);
    else
      rc = shm ? bw_shm_open(shm, schema, info.type_name, 0, &m, &err)
               : bw_mapped_open(file, schema, info.type_name, 0, &m, &err);
    if (!rc) bw_mapped_close(&m);
  }
  if (rc) {
    bw_tool_print_error(prog, where, &err);
  } else {
    print_info(where, &info, json);
    if (schema && !json)
      printf("check:       written with %s\n", bw_tool_display_name(schema_path));
  }
  bw_schema_free(schema);
  if (unlink_after) {
    bw_error_clear(&err);
    if (bw_shm_unlink(shm, &err) != 0) {
      bw_tool_print_error(prog, where, &err);
      rc = rc ? rc : BW_EIO;
    }
  }
  return rc ? BW_EXIT_INVALID : BW_EXIT_OK;
}

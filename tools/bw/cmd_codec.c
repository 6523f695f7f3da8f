/* bw encode and bw decode: the codec commands of the bw tool, thin shells over
 * bw_value_from_json + bw_encode_alloc and bw_decode + bw_value_to_json. Input is read whole
 * and output is buffered, so nothing is written unless the whole input is good. Errors are
 * `FILE:LINE:COL: error: message` for JSON and `FILE: error: offset N: message` for BARE bytes
 * (exit 1); usage errors exit 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barewire/codec.h"
#include "barewire/schema.h"
#include "commands.h"
#include "common/util.h"

typedef struct codec_args {
  const char *prog;
  const char *schema_path;
  const char *type_name;
  const char *input;  /* "-" for stdin */
  const char *output; /* NULL: stdout */
  int hex;
  int stream;
  int pretty;
  int union_type;
  int old_syntax;
} codec_args;

static void encode_usage(FILE *out) {
  fprintf(out,
          "usage: bw encode [OPTIONS] SCHEMA TYPE [FILE]\n\n"
          "Reads a JSON value of type TYPE (FILE, or standard input) and writes its BARE\n"
          "encoding. JSON forms: integers exact, floats (\"NaN\", \"Infinity\" as strings),\n"
          "data as hex strings, enums by name, unions as {\"tag\": N, \"value\": V}, map<str><V>\n"
          "as objects, other maps as [[key, value], ...].\n\n"
          "  -o FILE       write the message to FILE (atomically) instead of standard output\n"
          "  --hex         write the bytes as lowercase hex and a newline\n"
          "  --stream      read one JSON value per line; write the messages back to back\n"
          "  --old-syntax  accept the pre-draft-03 schema syntax\n"
          "  -h, --help    show this help\n\n"
          "Exit status: 0 on success, 1 for invalid input (nothing is written), 2 on usage "
          "errors.\n");
}

static void decode_usage(FILE *out) {
  fprintf(out,
          "usage: bw decode [OPTIONS] SCHEMA TYPE [FILE]\n\n"
          "Reads a BARE message of type TYPE (FILE, or standard input) strictly and prints it\n"
          "as JSON (the forms of `bw encode --help`). Without --stream the input must be\n"
          "exactly one message.\n\n"
          "  -o FILE       write the JSON to FILE (atomically) instead of standard output\n"
          "  --hex         the input is hex text (whitespace and # comments ignored)\n"
          "  --stream      the input is any number of messages; print one JSON value per line\n"
          "  --pretty      indent the JSON (not with --stream)\n"
          "  --type-names  add \"type\": NAME to unions\n"
          "  --old-syntax  accept the pre-draft-03 schema syntax\n"
          "  -h, --help    show this help\n\n"
          "Errors: FILE: error: offset N: MESSAGE. Exit status: 0 on success, 1 for invalid\n"
          "input (nothing is written), 2 on usage errors.\n");
}

/* Parses the command line. Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, int decode, codec_args *a) {
  void (*usage)(FILE *) = decode ? decode_usage : encode_usage;
  const char *pos[3];
  int npos = 0, options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i], *value;
    if (!options_done && s[0] == '-' && s[1] != 0) {
      if (strcmp(s, "--") == 0) {
        options_done = 1;
      } else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
        usage(stdout);
        return BW_EXIT_OK;
      } else if (strcmp(s, "-o") == 0) {
        if (i + 1 >= argc) {
          fprintf(stderr, "%s: -o needs a file name\n", a->prog);
          return BW_EXIT_USAGE;
        }
        a->output = argv[++i];
      } else if (bw_tool_opt(s, "--output", &value) && value) {
        a->output = value;
      } else if (strcmp(s, "--hex") == 0) {
        a->hex = 1;
      } else if (strcmp(s, "--stream") == 0) {
        a->stream = 1;
      } else if (strcmp(s, "--old-syntax") == 0) {
        a->old_syntax = 1;
      } else if (decode && strcmp(s, "--pretty") == 0) {
        a->pretty = 1;
      } else if (decode && strcmp(s, "--type-names") == 0) {
        a->union_type = 1;
      } else {
        fprintf(stderr, "%s: unknown option '%s'\n", a->prog, s);
        usage(stderr);
        return BW_EXIT_USAGE;
      }
      continue;
    }
    if (npos == 3) {
      fprintf(stderr, "%s: too many arguments\n", a->prog);
      usage(stderr);
      return BW_EXIT_USAGE;
    }
    pos[npos++] = s;
  }
  if (npos < 2) {
    fprintf(stderr, "%s: SCHEMA and TYPE are required\n", a->prog);
    usage(stderr);
    return BW_EXIT_USAGE;
  }
  if (a->pretty && a->stream) {
    fprintf(stderr, "%s: --pretty and --stream do not go together (one value per line)\n", a->prog);
    return BW_EXIT_USAGE;
  }
  a->schema_path = pos[0];
  a->type_name = pos[1];
  a->input = npos == 3 ? pos[2] : "-";
  return -1;
}

/* Loads the schema and finds the type. Returns 0 or an exit status (reported). */
static int load_type(const codec_args *a, bw_schema **schema, const bw_type **type) {
  if (bw_tool_load_schema(a->prog, a->schema_path, a->old_syntax, schema) != 0)
    return BW_EXIT_INVALID;
  const bw_user_type *u = bw_schema_find(*schema, a->type_name);
  if (!u) {
    fprintf(stderr, "%s: error: schema %s has no type '%s'\n", a->prog,
            bw_tool_display_name(a->schema_path), a->type_name);
    return BW_EXIT_INVALID;
  }
  *type = u->type;
  return 0;
}

static int write_output(const codec_args *a, const void *data, size_t len) {
  return bw_tool_write(a->prog, a->output, data, len) == 0 ? BW_EXIT_OK : BW_EXIT_INVALID;
}

/* The output, collected whole before anything is written. */
static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Hex text to bytes in place. Returns 0, or reports the offending character and returns 1. */
static int unhex(const codec_args *a, char *text, size_t *len) {
  size_t n = 0, digits = 0;
  int hi = 0;
  for (size_t i = 0; i < *len; i++) {
    int c = (unsigned char)text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '#') { /* a comment runs to the end of the line */
      while (i + 1 < *len && text[i + 1] != '\n') i++;
      continue;
    }
    int v = hexval(c);
    if (v < 0) {
      fprintf(stderr, "%s: error: offset %zu: not a hex digit\n", bw_tool_display_name(a->input),
              i);
      return 1;
    }
    if (digits++ % 2 == 0) {
      hi = v;
    } else {
      text[n++] = (char)(hi << 4 | v);
    }
  }
  if (digits % 2) {
    fprintf(stderr, "%s: error: odd number of hex digits\n", bw_tool_display_name(a->input));
    return 1;
  }
  *len = n;
  return 0;
}

int bw_cmd_decode(int argc, char **argv) {
  codec_args a = {0};
  a.prog = "bw decode";
  int status = parse_args(argc, argv, 1, &a);
  if (status >= 0) return status;
  bw_schema *schema = NULL;
  const bw_type *type = NULL;
  char *data = NULL;
  size_t len = 0;
  bw_value_arena *arena = bw_value_arena_new();
  bw_tool_buf out = {0};
  status = load_type(&a, &schema, &type);
  if (!status && bw_tool_read(a.prog, a.input, &data, &len) != 0) status = BW_EXIT_INVALID;
  if (!status && a.hex && unhex(&a, data, &len)) status = BW_EXIT_INVALID;
  if (!status && !arena) {
    fprintf(stderr, "%s: out of memory\n", a.prog);
    status = BW_EXIT_INVALID;
  }
  unsigned flags = (a.pretty ? BW_JSON_PRETTY : 0) | (a.union_type ? BW_JSON_UNION_TYPE : 0);
  size_t pos = 0;
  while (!status && (pos < len || (!a.stream && pos == 0))) {
    bw_error err;
    bw_error_clear(&err);
    bw_value *v;
    size_t used = 0;
    int rc = bw_decode(type, data + pos, len - pos, NULL, arena, &v, a.stream ? &used : NULL, &err);
    char *json = NULL;
    size_t jlen = 0;
    if (!rc) rc = bw_value_to_json(v, flags, &json, &jlen, &err);
    if (rc) {
      err.offset += pos;
      bw_tool_print_error(a.prog, bw_tool_display_name(a.input), &err);
      status = BW_EXIT_INVALID;
      break;
    }
    bw_tool_buf_append(&out, json, jlen);
    bw_tool_buf_append(&out, "\n", 1);
    free(json);
    bw_value_arena_reset(arena);
    if (!a.stream) break;
    if (used == 0) { /* a zero-size type (void): the bytes left cannot be messages */
      fprintf(stderr, "%s: error: offset %zu: %zu bytes after a zero-size message\n",
              bw_tool_display_name(a.input), pos, len - pos);
      status = BW_EXIT_INVALID;
      break;
    }
    pos += used;
  }
  if (!status && out.oom) {
    fprintf(stderr, "%s: out of memory\n", a.prog);
    status = BW_EXIT_INVALID;
  }
  if (!status) status = write_output(&a, out.data ? out.data : "", out.len);
  free(out.data);
  free(data);
  bw_value_arena_free(arena);
  bw_schema_free(schema);
  return status;
}

/* Encodes one JSON text (a whole input, or one line of a stream) and appends the message. */
static int encode_one(const codec_args *a, const bw_type *type, const char *text, size_t len,
                      uint32_t first_line, bw_value_arena *arena, bw_tool_buf *out) {
  bw_error err;
  bw_error_clear(&err);
  bw_value *v;
  uint8_t *msg = NULL;
  size_t n = 0;
  int rc = bw_value_from_json(type, text, len, NULL, arena, &v, NULL, &err);
  if (rc) {
    err.line += first_line - 1;
    bw_tool_print_error(a->prog, bw_tool_display_name(a->input), &err);
    return BW_EXIT_INVALID;
  }
  if ((rc = bw_encode_alloc(type, v, &msg, &n, &err))) {
    bw_tool_print_error(a->prog, NULL, &err);
    return BW_EXIT_INVALID;
  }
  if (a->hex) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
      char h[2] = {digits[msg[i] >> 4], digits[msg[i] & 15]};
      bw_tool_buf_append(out, h, 2);
    }
    if (!a->stream) bw_tool_buf_append(out, "\n", 1);
  } else {
    bw_tool_buf_append(out, msg, n);
  }
  free(msg);
  bw_value_arena_reset(arena);
  return 0;
}

int bw_cmd_encode(int argc, char **argv) {
  codec_args a = {0};
  a.prog = "bw encode";
  int status = parse_args(argc, argv, 0, &a);
  if (status >= 0) return status;
  bw_schema *schema = NULL;
  const bw_type *type = NULL;
  char *text = NULL;
  size_t len = 0;
  bw_value_arena *arena = bw_value_arena_new();
  bw_tool_buf out = {0};
  status = load_type(&a, &schema, &type);
  if (!status && bw_tool_read(a.prog, a.input, &text, &len) != 0) status = BW_EXIT_INVALID;
  if (!status && !arena) {
    fprintf(stderr, "%s: out of memory\n", a.prog);
    status = BW_EXIT_INVALID;
  }
  if (!status && !a.stream) {
    status = encode_one(&a, type, text, len, 1, arena, &out);
  } else if (!status) {
    /* One JSON value per line; blank lines are skipped. */
    uint32_t line = 1;
    for (size_t start = 0; start < len && !status; line++) {
      const char *nl = memchr(text + start, '\n', len - start);
      size_t end = nl ? (size_t)(nl - text) : len;
      size_t k = start;
      while (k < end && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r')) k++;
      if (k < end) status = encode_one(&a, type, text + start, end - start, line, arena, &out);
      start = end + 1;
    }
    if (!status && a.hex && out.len) bw_tool_buf_append(&out, "\n", 1);
  }
  if (!status && out.oom) {
    fprintf(stderr, "%s: out of memory\n", a.prog);
    status = BW_EXIT_INVALID;
  }
  if (!status) status = write_output(&a, out.data ? out.data : "", out.len);
  free(out.data);
  free(text);
  bw_value_arena_free(arena);
  bw_schema_free(schema);
  return status;
}

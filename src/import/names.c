/* barewire import: BARE names for C identifiers.
 *
 * C names become valid BARE names (BARE.md): user types PascalCase ([A-Z][A-Za-z0-9]*), fields
 * snake_case or camelCase ([a-z][A-Za-z0-9_]*), enum members upper case ([A-Z][A-Z0-9_]*).
 * Leading underscores are dropped, a leading digit gets a letter in front, and characters BARE
 * does not allow are dropped or become '_'. A name set hands out each name once: a repeated
 * name gets a numeric suffix, so that collisions resolve deterministically in the order names
 * are claimed. The C spelling is always kept separately (c_name), so nothing is lost. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

static int is_alnum(char c) {
  return isalnum((unsigned char)c) != 0;
}

static char upper(char c) {
  return (char)toupper((unsigned char)c);
}

static char lower(char c) {
  return (char)tolower((unsigned char)c);
}

/* Where a name of at most n + 7 characters is written: buf when it has room, else malloc'd. */
static char *name_buffer(size_t n, char *buf, size_t cap) {
  return buf && n + 8 <= cap ? buf : malloc(n + 8);
}

static int ascii_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

static int ascii_lower(char c) {
  return c >= 'a' && c <= 'z';
}

static int ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

/* Character classes of the checks below, one table load a character (names of enumerators and
 * macros are often long): */
enum { C_UPPER = 1, C_LOWER = 2, C_DIGIT = 4, C_UNDERSCORE = 8 };
#define C_RANGE8(first, cls)                                                                       \
  [first] = cls, [first + 1] = cls, [first + 2] = cls, [first + 3] = cls, [first + 4] = cls,       \
  [first + 5] = cls, [first + 6] = cls, [first + 7] = cls
static const unsigned char char_class[256] = {
    C_RANGE8('0', C_DIGIT), ['8'] = C_DIGIT,        ['9'] = C_DIGIT,        C_RANGE8('A', C_UPPER),
    C_RANGE8('I', C_UPPER), C_RANGE8('Q', C_UPPER), ['Y'] = C_UPPER,        ['Z'] = C_UPPER,
    C_RANGE8('a', C_LOWER), C_RANGE8('i', C_LOWER), C_RANGE8('q', C_LOWER), ['y'] = C_LOWER,
    ['z'] = C_LOWER,        ['_'] = C_UNDERSCORE};
#undef C_RANGE8

/* The length of the prefix of c[from..n) whose characters are all in classes cls. */
static size_t span(const char *c, size_t from, size_t n, unsigned cls) {
  while (from < n && (char_class[(unsigned char)c[from]] & cls)) from++;
  return from;
}

/* Most C names are already what the rules below make of them (VkInstanceCreateInfo, sType,
 * VK_STRUCTURE_TYPE_APPLICATION_INFO): then the name is copied as it is. */
static char *copy_name(const char *c, size_t n, char *buf, size_t cap) {
  char *out = name_buffer(n, buf, cap);
  if (out) memcpy(out, c, n + 1);
  return out;
}

char *bw_import_type_name(const char *c) {
  return bw_import_type_name_buf(c, NULL, 0);
}

char *bw_import_field_name(const char *c, int camel) {
  return bw_import_field_name_buf(c, camel, NULL, 0);
}

char *bw_import_member_name(const char *c) {
  return bw_import_member_name_buf(c, NULL, 0);
}

char *bw_import_type_name_buf(const char *c, char *buf, size_t cap) {
  size_t n = strlen(c);
  /* PascalCase already: [A-Z][A-Za-z0-9]* */
  if (ascii_upper(c[0]) && span(c, 1, n, C_UPPER | C_LOWER | C_DIGIT) == n)
    return copy_name(c, n, buf, cap);
  char *out = name_buffer(n, buf, cap);
  if (!out) return NULL;
  size_t k = 0;
  int start = 1; /* the next letter begins a word */
  for (size_t i = 0; i < n; i++) {
    if (!is_alnum(c[i])) {
      start = 1;
      continue;
    }
    if (k == 0 && isdigit((unsigned char)c[i])) out[k++] = 'T';
    out[k++] = start ? upper(c[i]) : c[i];
    start = 0;
  }
  if (k == 0) {
    memcpy(out, "Type", 4);
    k = 4;
  }
  out[k] = 0;
  return out;
}

char *bw_import_field_name_buf(const char *c, int camel, char *buf, size_t cap) {
  size_t n = strlen(c);
  /* Already a field name: [a-z][A-Za-z0-9_]* without "__" (without '_' at all in camelCase). */
  size_t plain = ascii_lower(c[0]) ? 1 : n + 1;
  while (plain < n && (ascii_upper(c[plain]) || ascii_lower(c[plain]) || ascii_digit(c[plain]) ||
                       (c[plain] == '_' && !camel && c[plain - 1] != '_')))
    plain++;
  if (plain == n) return copy_name(c, n, buf, cap);
  char *out = name_buffer(n, buf, cap);
  if (!out) return NULL;
  size_t k = 0;
  int boundary = 0; /* camel: an underscore was skipped since the last character */
  for (size_t i = 0; i < n; i++) {
    char ch = c[i];
    if (!is_alnum(ch)) {
      if (k == 0) continue; /* leading underscores (and other junk) are dropped */
      if (camel) {
        boundary = 1;
        continue;
      }
      if (ch != '_' || out[k - 1] != '_') out[k++] = '_';
      continue;
    }
    if (k == 0) {
      if (isdigit((unsigned char)ch)) out[k++] = 'f';
      out[k++] = isdigit((unsigned char)ch) ? ch : lower(ch);
      boundary = 0;
      continue;
    }
    out[k++] = (camel && boundary) ? upper(ch) : ch;
    boundary = 0;
  }
  if (k == 0) {
    memcpy(out, "field", 5);
    k = 5;
  }
  out[k] = 0;
  return out;
}

char *bw_import_member_name_buf(const char *c, char *buf, size_t cap) {
  size_t n = strlen(c);
  /* UPPER_CASE already: [A-Z][A-Z0-9_]* */
  if (ascii_upper(c[0]) && span(c, 1, n, C_UPPER | C_DIGIT | C_UNDERSCORE) == n)
    return copy_name(c, n, buf, cap);
  char *out = name_buffer(n, buf, cap);
  if (!out) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = c[i];
    if (!is_alnum(ch)) {
      if (k > 0) out[k++] = '_'; /* leading underscores are dropped, the others kept */
      continue;
    }
    if (k == 0 && isdigit((unsigned char)ch)) out[k++] = 'V';
    out[k++] = upper(ch);
  }
  if (k == 0) {
    memcpy(out, "VALUE", 5);
    k = 5;
  }
  out[k] = 0;
  return out;
}

/* ---- name sets ---------------------------------------------------------------------- */

/* The names live in the set's arena (one allocation per block, not per name): the importer
 * claims one name per type, field, enumerator and constant, tens of thousands for a large
 * header. */

/* The slot that holds name (hash h), or the empty slot where it would go. */
static size_t set_find(const bw_nameset *set, const char *name, uint64_t h) {
  size_t mask = set->size - 1;
  size_t i = (size_t)h & mask;
  for (; set->slots[i].name; i = (i + 1) & mask)
    if (set->slots[i].hash == h && strcmp(set->slots[i].name, name) == 0) break;
  return i;
}

static int set_has(const bw_nameset *set, const char *name) {
  if (!set->size) return 0;
  return set->slots[set_find(set, name, bw_hash_cstr(name))].name != NULL;
}

/* Room for one more name (the table stays at most half full). */
static int set_reserve(bw_nameset *set) {
  if ((set->count + 1) * 2 <= set->size) return 0;
  size_t size = set->size ? set->size * 2 : 64;
  bw_nameslot *slots = calloc(size, sizeof *slots);
  if (!slots) return BW_ENOMEM;
  for (size_t i = 0; i < set->size; i++) {
    if (!set->slots[i].name) continue;
    size_t j = (size_t)set->slots[i].hash & (size - 1);
    while (slots[j].name) j = (j + 1) & (size - 1);
    slots[j] = set->slots[i];
  }
  free(set->slots);
  set->slots = slots;
  set->size = size;
  return 0;
}

/* Stores a copy of name in empty slot i. */
static const char *set_store(bw_nameset *set, size_t i, const char *name, uint64_t h) {
  char *copy = bw_arena_strdup(&set->arena, name);
  if (!copy) return NULL;
  set->slots[i].name = copy;
  set->slots[i].hash = h;
  set->count++;
  return copy;
}

const char *bw_nameset_claim(bw_nameset *set, const char *base, const char *sep) {
  if (set_reserve(set) != 0) return NULL;
  uint64_t h = bw_hash_cstr(base);
  size_t i = set_find(set, base, h);
  if (!set->slots[i].name) return set_store(set, i, base, h);
  size_t n = strlen(base), sn = strlen(sep);
  char small[256];
  char *buf = n + sn + 24 <= sizeof small ? small : malloc(n + sn + 24);
  if (!buf) return NULL;
  memcpy(buf, base, n + 1);
  for (unsigned long suffix = 2;; suffix++) {
    snprintf(buf + n, sn + 24, "%s%lu", sep, suffix);
    h = bw_hash_cstr(buf);
    i = set_find(set, buf, h);
    if (!set->slots[i].name) break;
  }
  const char *name = set_store(set, i, buf, h);
  if (buf != small) free(buf);
  return name;
}

int bw_nameset_has(const bw_nameset *set, const char *name) {
  return set_has(set, name);
}

void bw_nameset_clear(bw_nameset *set) {
  if (set->size > 256) {
    /* Grown for a large record or enum: the next ones are small, start over small rather than
     * wiping the whole table every time. */
    free(set->slots);
    set->slots = NULL;
    set->size = 0;
  } else if (set->count) {
    memset(set->slots, 0, set->size * sizeof *set->slots);
  }
  set->count = 0;
}

void bw_nameset_free(bw_nameset *set) {
  free(set->slots);
  bw_arena_free(&set->arena);
  memset(set, 0, sizeof *set);
}

/* Check suite for src/memory/mapped.c: memory-mapped files and POSIX shared-memory segments of
 * native records behind the self-describing header of include/barewire/mapped.h.
 *
 * Files live in a fresh mkdtemp directory; shared-memory names carry the pid. The record type is
 * a hand-written schema type with the natural host layout; its size and field offsets are
 * checked against the C compiler's struct reading. Header corruption is made by patching single
 * fields of a good file with pwrite, so each refusal is tied to exactly one field. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "barewire/mapped.h"
#include "core/core.h"

/* The C twin of Reading (natural layout). */
struct reading {
  uint32_t id;
  double value;
  uint16_t flags;
  uint8_t tag[6];
};

static const char schema_text[] = "type Reading struct {\n"
                                  "  id: u32\n"
                                  "  value: f64\n"
                                  "  flags: u16\n"
                                  "  tag: data[6]\n"
                                  "}\n"
                                  "type Pair struct {\n"
                                  "  a: u8\n"
                                  "  b: u8\n"
                                  "}\n";

/* The same Reading, plus one more type: a different schema, so a different fingerprint. */
static const char other_schema_text[] = "type Reading struct {\n"
                                        "  id: u32\n"
                                        "  value: f64\n"
                                        "  flags: u16\n"
                                        "  tag: data[6]\n"
                                        "}\n"
                                        "type Extra u64\n";

static bw_schema *schema;
static char dir[64];
static char path[128];

static bw_schema *parse(const char *text) {
  bw_schema *s = NULL;
  ck_assert_int_eq(bw_schema_parse(text, strlen(text), NULL, &s, NULL), 0);
  return s;
}

static void setup(void) {
  schema = parse(schema_text);
  strcpy(dir, "/tmp/bw_mapped_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/readings.bwm", dir);
}

static void teardown(void) {
  unlink(path);
  rmdir(dir);
  bw_schema_free(schema);
}

static uint64_t file_size(void) {
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  return (uint64_t)st.st_size;
}

static void patch(const void *bytes, uint64_t off, size_t n) {
  int fd = open(path, O_WRONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(pwrite(fd, bytes, n, (off_t)off), (ssize_t)n);
  close(fd);
}

static void patch_le(uint64_t off, uint64_t v, unsigned width) {
  uint8_t b[8];
  bw_store_le(b, v, width);
  patch(b, off, width);
}

/* Creates path with count records, each filled through views: id = 100 + i, value = i / 4.0,
 * flags = 0xbeef ^ i, tag = "tag-" + i. */
static void make_file(uint64_t count) {
  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_mapped_create(path, schema, "Reading", count, &m, &err);
  if (rc) fprintf(stderr, "create: %s\n", err.message);
  ck_assert_int_eq(rc, 0);
  for (uint64_t i = 0; i < count; i++) {
    bw_view v, f;
    char tag[7];
    ck_assert_int_eq(bw_mapped_view(&m, i, &v, NULL), 0);
    ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
    ck_assert_int_eq(bw_view_set_u32(&f, 100 + (uint32_t)i, NULL), 0);
    ck_assert_int_eq(bw_view_at(&v, "value", &f, NULL), 0);
    ck_assert_int_eq(bw_view_set_f64(&f, (double)i / 4.0, NULL), 0);
    ck_assert_int_eq(bw_view_at(&v, "flags", &f, NULL), 0);
    ck_assert_int_eq(bw_view_set_u16(&f, (uint16_t)(0xbeef ^ i), NULL), 0);
    ck_assert_int_eq(bw_view_at(&v, "tag", &f, NULL), 0);
    snprintf(tag, sizeof tag, "tag-%u", (unsigned)i);
    ck_assert_int_eq(bw_view_set_bytes(&f, tag, strlen(tag), NULL), 0);
  }
  bw_mapped_close(&m);
  ck_assert_ptr_null(m.map);
}

/* Opens path read-only expecting BW_EFORMAT at header offset off with a message containing
 * needle. */
static void expect_format_error(const bw_schema *s, const char *type, uint64_t off,
                                const char *needle) {
  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_open(path, s, type, 0, &m, &err), BW_EFORMAT);
  ck_assert_int_eq(err.code, BW_EFORMAT);
  ck_assert_uint_eq(err.offset, off);
  if (!strstr(err.message, needle)) fprintf(stderr, "message: %s\n", err.message);
  ck_assert_ptr_nonnull(strstr(err.message, needle));
  ck_assert_ptr_null(m.map);
}

/* ---- round trip ------------------------------------------------------------------------ */

START_TEST(create_write_close_reopen_read) {
  make_file(5);
  /* the file is exactly header + 5 records of the C struct's size */
  ck_assert_uint_eq(file_size(), BW_MAPPED_HEADER_SIZE + 5 * sizeof(struct reading));

  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, &err), 0);
  ck_assert_uint_eq(m.count, 5);
  ck_assert_uint_eq(m.record_size, sizeof(struct reading));
  ck_assert_int_eq(m.writable, 0);
  ck_assert_str_eq(m.type_name, "Reading");
  bw_region r = bw_mapped_region(&m);
  ck_assert_uint_eq(r.len, 5 * sizeof(struct reading));
  ck_assert_int_eq(r.writable, 0);
  ck_assert_ptr_eq(r.base, (uint8_t *)m.map + BW_MAPPED_HEADER_SIZE);
  ck_assert_uint_eq((uintptr_t)r.base % 64, 0); /* records start 64-byte aligned */

  /* The records read back through views and, since the layout is the host's, as C structs. */
  for (uint64_t i = 0; i < 5; i++) {
    bw_view v, f;
    uint32_t id;
    double value;
    uint16_t flags;
    ck_assert_int_eq(bw_mapped_view(&m, i, &v, NULL), 0);
    ck_assert_uint_eq(v.offset, i * sizeof(struct reading));
    ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
    ck_assert_uint_eq(f.offset - v.offset, offsetof(struct reading, id));
    ck_assert_int_eq(bw_view_get_u32(&f, &id, NULL), 0);
    ck_assert_uint_eq(id, 100 + i);
    ck_assert_int_eq(bw_view_at(&v, "value", &f, NULL), 0);
    ck_assert_uint_eq(f.offset - v.offset, offsetof(struct reading, value));
    ck_assert_int_eq(bw_view_get_f64(&f, &value, NULL), 0);
    ck_assert(value == (double)i / 4.0);
    ck_assert_int_eq(bw_view_at(&v, "flags", &f, NULL), 0);
    ck_assert_uint_eq(f.offset - v.offset, offsetof(struct reading, flags));
    ck_assert_int_eq(bw_view_get_u16(&f, &flags, NULL), 0);
    ck_assert_uint_eq(flags, 0xbeef ^ i);

    struct reading c;
    memcpy(&c, r.base + i * sizeof c, sizeof c);
    char tag[7];
    snprintf(tag, sizeof tag, "tag-%u", (unsigned)i);
    ck_assert_uint_eq(c.id, 100 + i);
    ck_assert(c.value == (double)i / 4.0);
    ck_assert_uint_eq(c.flags, 0xbeef ^ i);
    ck_assert_int_eq(memcmp(c.tag, tag, strlen(tag)), 0);
  }

  /* index bounds */
  bw_view v;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_view(&m, 5, &v, &err), BW_ERANGE);
  ck_assert_int_eq(bw_mapped_view(&m, UINT64_MAX, &v, NULL), BW_ERANGE);
  bw_mapped_close(&m);
  bw_mapped_close(&m); /* closing twice is harmless */
  ck_assert_int_eq(bw_mapped_view(&m, 0, &v, NULL), BW_EINVAL);
  ck_assert_uint_eq(bw_mapped_region(&m).len, 0);
}
END_TEST

START_TEST(header_bytes_are_the_documented_layout) {
  make_file(3);
  uint8_t h[BW_MAPPED_HEADER_SIZE];
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(read(fd, h, sizeof h), (ssize_t)sizeof h);
  close(fd);
  ck_assert_int_eq(memcmp(h, "BWMAP\0\0\1", 8), 0);
  ck_assert_uint_eq(bw_load_le(h + 8, 4), 1);    /* version */
  ck_assert_uint_eq(bw_load_le(h + 12, 4), 192); /* header size */
  uint8_t fp[BW_FINGERPRINT_SIZE];
  ck_assert_int_eq(bw_schema_fingerprint(schema, fp), 0);
  ck_assert_int_eq(memcmp(h + 16, fp, sizeof fp), 0);
  ck_assert_str_eq((const char *)h + 48, "Reading"); /* NUL-padded to 64 */
  for (int i = 48 + 7; i < 112; i++) ck_assert_uint_eq(h[i], 0);
  ck_assert_uint_eq(bw_load_le(h + 112, 8), sizeof(struct reading));
  ck_assert_uint_eq(bw_load_le(h + 120, 8), 3);
  ck_assert_uint_eq(h[128], (unsigned)bw_schema_big_endian(schema));
  for (int i = 129; i < 192; i++) ck_assert_uint_eq(h[i], 0);
}
END_TEST

START_TEST(writable_open_writes_through_to_the_file) {
  make_file(2);
  bw_mapped m;
  bw_view v, f;
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 1, &m, NULL), 0);
  ck_assert_int_eq(bw_mapped_region(&m).writable, 1);
  ck_assert_int_eq(bw_mapped_view(&m, 1, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
  ck_assert_int_eq(bw_view_set_u32(&f, 4242, NULL), 0);
  bw_mapped_close(&m);
  /* read the bytes with plain I/O: MAP_SHARED writes reach the file */
  struct reading c;
  int fd = open(path, O_RDONLY);
  ck_assert_int_eq(pread(fd, &c, sizeof c, BW_MAPPED_HEADER_SIZE + sizeof c), (ssize_t)sizeof c);
  close(fd);
  ck_assert_uint_eq(c.id, 4242);
}
END_TEST

START_TEST(read_only_mapping_refuses_writes) {
  make_file(1);
  bw_mapped m;
  bw_view v, f;
  bw_error err;
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, NULL), 0);
  ck_assert_int_eq(bw_mapped_view(&m, 0, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "flags", &f, NULL), 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_view_set_u16(&f, 1, &err), BW_EREADONLY);
  ck_assert_int_eq(err.code, BW_EREADONLY);
  uint16_t flags;
  ck_assert_int_eq(bw_view_get_u16(&f, &flags, NULL), 0);
  ck_assert_uint_eq(flags, 0xbeef); /* unchanged */
  bw_mapped_close(&m);
}
END_TEST

START_TEST(zero_records) {
  make_file(0);
  bw_mapped m;
  bw_view v;
  ck_assert_uint_eq(file_size(), BW_MAPPED_HEADER_SIZE);
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, NULL), 0);
  ck_assert_uint_eq(m.count, 0);
  ck_assert_uint_eq(bw_mapped_region(&m).len, 0);
  ck_assert_int_eq(bw_mapped_view(&m, 0, &v, NULL), BW_ERANGE);
  bw_mapped_close(&m);
}
END_TEST

/* ---- refusals: schema and type --------------------------------------------------------- */

START_TEST(other_schema_is_refused_by_fingerprint) {
  make_file(2);
  bw_schema *other = parse(other_schema_text);
  expect_format_error(other, "Reading", 16, "schema fingerprint differs");
  bw_schema_free(other);
}
END_TEST

START_TEST(other_type_is_refused_by_name) {
  make_file(2);
  expect_format_error(schema, "Pair", 48, "type name differs: expected 'Pair', found 'Reading'");
}
END_TEST

START_TEST(other_record_size_is_refused) {
  make_file(2);
  patch_le(112, sizeof(struct reading) + 8, 8);
  char needle[96];
  snprintf(needle, sizeof needle, "record size differs: expected %zu, found %zu",
           sizeof(struct reading), sizeof(struct reading) + 8);
  expect_format_error(schema, "Reading", 112, needle);
}
END_TEST

START_TEST(each_header_field_is_checked) {
  make_file(2);
  patch("X", 0, 1);
  expect_format_error(schema, "Reading", 0, "magic differs: expected 42574d4150000001");
  expect_format_error(schema, "Reading", 0, "found 58574d4150000001"); /* "XWMAP\0\0\1" */
  patch("B", 0, 1);
  patch_le(8, 2, 4);
  expect_format_error(schema, "Reading", 8, "format version differs: expected 1, found 2");
  patch_le(8, 1, 4);
  patch_le(12, 256, 4);
  expect_format_error(schema, "Reading", 12, "header size differs: expected 192, found 256");
  patch_le(12, 192, 4);
  patch("\x01", 55, 1); /* a byte after the name's NUL */
  expect_format_error(schema, "Reading", 48, "not a NUL-padded name");
  patch("\0", 55, 1);
  patch("\x01", 128, 1);
  expect_format_error(schema, "Reading", 128, "byte order differs: expected 0 (little), found 1");
  patch("\x07", 128, 1);
  expect_format_error(schema, "Reading", 128, "found 7");
  patch("\0", 128, 1);
  patch("\x05", 191, 1);
  expect_format_error(schema, "Reading", 191, "padding differs");
  patch("\0", 191, 1);
  /* and after restoring every field it opens again */
  bw_mapped m;
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, NULL), 0);
  bw_mapped_close(&m);
}
END_TEST

/* Layout annotations are not part of the fingerprint: the same type imported for a big-endian
 * target, or with a padded layout, fingerprints as the hand-written one, so only the header's
 * byte order and record size fields tell the files apart. */
static const char be_text[] = "#@ target triple=\"powerpc-unknown-linux-gnu\" pointer_size=4 "
                              "endian=big char_signed=0\n"
                              "#@ native size=8 align=4\n"
                              "type Be struct {\n"
                              "  #@ field offset=0\n"
                              "  a: u32\n"
                              "  #@ field offset=4\n"
                              "  b: u32\n"
                              "}\n";
static const char le_text[] = "type Be struct {\n  a: u32\n  b: u32\n}\n";
static const char wide_text[] = "#@ target triple=\"x86_64-pc-linux-gnu\" pointer_size=8 "
                                "endian=little char_signed=1\n"
                                "#@ native size=16 align=8\n"
                                "type Be struct {\n"
                                "  #@ field offset=0\n"
                                "  a: u32\n"
                                "  #@ field offset=8\n"
                                "  b: u32\n"
                                "}\n";

START_TEST(byte_order_and_layout_are_checked_beyond_the_fingerprint) {
  bw_schema *be = parse(be_text), *le = parse(le_text), *wide = parse(wide_text);
  uint8_t f1[BW_FINGERPRINT_SIZE], f2[BW_FINGERPRINT_SIZE], f3[BW_FINGERPRINT_SIZE];
  ck_assert_int_eq(bw_schema_fingerprint(be, f1), 0);
  ck_assert_int_eq(bw_schema_fingerprint(le, f2), 0);
  ck_assert_int_eq(bw_schema_fingerprint(wide, f3), 0);
  ck_assert_int_eq(memcmp(f1, f2, sizeof f1), 0);
  ck_assert_int_eq(memcmp(f1, f3, sizeof f1), 0);

  bw_mapped m;
  bw_view v, f;
  ck_assert_int_eq(bw_mapped_create(path, be, "Be", 1, &m, NULL), 0);
  ck_assert_int_eq(bw_mapped_view(&m, 0, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "b", &f, NULL), 0);
  ck_assert_int_eq(bw_view_set_u32(&f, 0x01020304, NULL), 0);
  ck_assert_int_eq(memcmp(m.records + 4, "\x01\x02\x03\x04", 4), 0); /* stored big-endian */
  ck_assert_uint_eq(((uint8_t *)m.map)[128], 1);                     /* header says big */
  bw_mapped_close(&m);

  ck_assert_int_eq(bw_mapped_open(path, be, "Be", 0, &m, NULL), 0);
  uint32_t b = 0;
  ck_assert_int_eq(bw_mapped_view(&m, 0, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "b", &f, NULL), 0);
  ck_assert_int_eq(bw_view_get_u32(&f, &b, NULL), 0);
  ck_assert_uint_eq(b, 0x01020304);
  bw_mapped_close(&m);

  expect_format_error(le, "Be", 128, "byte order differs: expected 0 (little), found 1");
  expect_format_error(wide, "Be", 112, "record size differs: expected 16, found 8");
  bw_schema_free(be);
  bw_schema_free(le);
  bw_schema_free(wide);
}
END_TEST

/* ---- refusals: sizes ------------------------------------------------------------------- */

START_TEST(truncated_file_is_refused) {
  make_file(4);
  /* room for 2 whole records and part of a third */
  ck_assert_int_eq(truncate(path, BW_MAPPED_HEADER_SIZE + 2 * sizeof(struct reading) + 5), 0);
  expect_format_error(schema, "Reading", 120, "record count 4 does not fit");
  ck_assert_int_eq(truncate(path, BW_MAPPED_HEADER_SIZE + 4 * sizeof(struct reading)), 0);
  bw_mapped m;
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, NULL), 0); /* exact fits */
  bw_mapped_close(&m);
}
END_TEST

START_TEST(file_shorter_than_the_header_is_refused) {
  make_file(1);
  ck_assert_int_eq(truncate(path, 100), 0);
  expect_format_error(schema, "Reading", 100, "shorter than the 192-byte header");
  ck_assert_int_eq(truncate(path, 0), 0);
  expect_format_error(schema, "Reading", 0, "shorter than the 192-byte header");
}
END_TEST

START_TEST(garbage_file_is_refused) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  ck_assert_int_ge(fd, 0);
  uint8_t junk[512];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37 + 11);
  ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  close(fd);
  expect_format_error(schema, "Reading", 0, "magic differs");
}
END_TEST

START_TEST(count_larger_than_the_file_is_refused) {
  make_file(3);
  patch_le(120, 4, 8);
  expect_format_error(schema, "Reading", 120, "record count 4 does not fit");
  /* counts whose byte size overflows 64 bits: refused, no wrap-around */
  patch_le(120, UINT64_MAX, 8);
  expect_format_error(schema, "Reading", 120, "does not fit");
  patch_le(120, UINT64_MAX / sizeof(struct reading) + 1, 8);
  expect_format_error(schema, "Reading", 120, "does not fit");
}
END_TEST

START_TEST(huge_count_cannot_be_created) {
  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_create(path, schema, "Reading", UINT64_MAX / 8, &m, &err), BW_ELIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "do not fit"));
  ck_assert_int_eq(access(path, F_OK), -1); /* nothing left behind */
}
END_TEST

/* ---- creation and arguments ------------------------------------------------------------ */

START_TEST(create_over_an_existing_path_fails) {
  make_file(2);
  uint64_t before = file_size();
  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_create(path, schema, "Reading", 9, &m, &err), BW_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "File exists"));
  ck_assert_ptr_nonnull(strstr(err.message, path));
  ck_assert_uint_eq(file_size(), before); /* the existing file is untouched */
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, NULL), 0);
  ck_assert_uint_eq(m.count, 2);
  bw_mapped_close(&m);
}
END_TEST

START_TEST(create_applies_the_umask) {
  mode_t old = umask(027);
  make_file(1);
  umask(old);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0640);
}
END_TEST

START_TEST(bad_arguments) {
  bw_mapped m;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_create(path, schema, "Nope", 1, &m, &err), BW_ENOTFOUND);
  ck_assert_int_eq(access(path, F_OK), -1);
  ck_assert_int_eq(bw_mapped_create(NULL, schema, "Reading", 1, &m, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_mapped_create(path, NULL, "Reading", 1, &m, NULL), BW_EINVAL);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 0, &m, &err), BW_EIO); /* missing */
  ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_open(dir, schema, "Reading", 0, &m, &err), BW_EIO); /* a dir */
  /* a FIFO is refused at once instead of blocking the open */
  char fifo[160];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_open(fifo, schema, "Reading", 0, &m, &err), BW_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
  unlink(fifo);
  bw_schema *open_list = parse("type L list<u8>\n");
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_create(path, open_list, "L", 1, &m, &err), BW_ENOLAYOUT);
  ck_assert_int_eq(access(path, F_OK), -1);
  bw_schema_free(open_list);
  /* a name that does not fit the 64-byte field */
  char long_text[160], long_name[70];
  memset(long_name, 'N', 64);
  long_name[64] = '\0';
  snprintf(long_text, sizeof long_text, "type %s u32\n", long_name);
  bw_schema *ls = parse(long_text);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_create(path, ls, long_name, 1, &m, &err), BW_ELIMIT);
  long_name[63] = '\0';
  snprintf(long_text, sizeof long_text, "type %s u32\n", long_name);
  bw_schema_free(ls);
  ls = parse(long_text); /* 63 bytes: the longest that fits */
  ck_assert_int_eq(bw_mapped_create(path, ls, long_name, 1, &m, NULL), 0);
  bw_mapped_close(&m);
  ck_assert_int_eq(bw_mapped_open(path, ls, long_name, 0, &m, NULL), 0);
  bw_mapped_close(&m);
  bw_schema_free(ls);
}
END_TEST

/* ---- shared memory --------------------------------------------------------------------- */

START_TEST(shm_round_trip) {
  char name[64];
  snprintf(name, sizeof name, "/bw_mapped_test_%ld", (long)getpid());
  bw_mapped w, r;
  bw_view v, f;
  bw_error err;
  bw_error_clear(&err);
  int rc = bw_shm_create(name, schema, "Reading", 3, &w, &err);
  if (rc) fprintf(stderr, "shm create: %s\n", err.message);
  ck_assert_int_eq(rc, 0);
  ck_assert_int_eq(bw_mapped_view(&w, 2, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "value", &f, NULL), 0);
  ck_assert_int_eq(bw_view_set_f64(&f, -7.5, NULL), 0);
  /* a second, read-only mapping of the same segment sees the write at once */
  ck_assert_int_eq(bw_shm_open(name, schema, "Reading", 0, &r, NULL), 0);
  ck_assert_uint_eq(r.count, 3);
  double value = 0;
  ck_assert_int_eq(bw_mapped_view(&r, 2, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "value", &f, NULL), 0);
  ck_assert_int_eq(bw_view_get_f64(&f, &value, NULL), 0);
  ck_assert(value == -7.5);
  ck_assert_int_eq(bw_view_set_f64(&f, 1.0, NULL), BW_EREADONLY);
  /* the wrong type is refused as for files */
  bw_mapped bad;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_shm_open(name, schema, "Pair", 0, &bad, &err), BW_EFORMAT);
  ck_assert_uint_eq(err.offset, 48);
  /* creating it again fails; unlinking removes the name but not the mappings */
  ck_assert_int_eq(bw_shm_create(name, schema, "Reading", 3, &bad, NULL), BW_EIO);
  ck_assert_int_eq(bw_shm_unlink(name, NULL), 0);
  ck_assert_int_eq(bw_view_get_f64(&f, &value, NULL), 0);
  ck_assert(value == -7.5);
  bw_mapped_close(&r);
  bw_mapped_close(&w);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_shm_open(name, schema, "Reading", 0, &r, &err), BW_EIO);
  ck_assert_int_eq(bw_shm_unlink(name, NULL), BW_EIO);
}
END_TEST

START_TEST(shm_names_are_validated) {
  bw_mapped m;
  bw_error err;
  char longest[300];
  const char *bad[] = {"", "noslash", "/", "/a/b", "//", "/.", "/.."};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    bw_error_clear(&err);
    ck_assert_int_eq(bw_shm_create(bad[i], schema, "Reading", 1, &m, &err), BW_EINVAL);
    ck_assert_int_eq(bw_shm_open(bad[i], schema, "Reading", 0, &m, NULL), BW_EINVAL);
    ck_assert_int_eq(bw_shm_unlink(bad[i], NULL), BW_EINVAL);
  }
  bw_error_clear(&err);
  ck_assert_int_eq(bw_shm_create("/a/b", schema, "Reading", 1, &m, &err), BW_EINVAL);
  ck_assert_uint_eq(err.offset, 2); /* the second '/' */
  longest[0] = '/';
  memset(longest + 1, 'x', 256);
  longest[257] = '\0'; /* 256 bytes after the slash: one too many */
  ck_assert_int_eq(bw_shm_unlink(longest, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_shm_create(NULL, schema, "Reading", 1, &m, NULL), BW_EINVAL);
}
END_TEST

/* ---- inspecting without a schema, and syncing ----------------------------------------- */

START_TEST(inspect_reads_the_header_without_a_schema) {
  make_file(3);
  bw_mapped_info info;
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_inspect(path, &info, &err), 0);
  uint8_t fp[BW_FINGERPRINT_SIZE];
  ck_assert_int_eq(bw_schema_fingerprint(schema, fp), 0);
  ck_assert_int_eq(memcmp(info.fingerprint, fp, sizeof fp), 0);
  ck_assert_str_eq(info.type_name, "Reading");
  ck_assert_uint_eq(info.version, BW_MAPPED_VERSION);
  ck_assert_uint_eq(info.record_size, sizeof(struct reading));
  ck_assert_uint_eq(info.count, 3);
  ck_assert_int_eq(info.big_endian, 0);
  /* the same facts from the bytes of the file */
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  uint8_t bytes[BW_MAPPED_HEADER_SIZE + 3 * sizeof(struct reading)];
  ck_assert_int_eq(read(fd, bytes, sizeof bytes), (ssize_t)sizeof bytes);
  close(fd);
  bw_mapped_info again;
  ck_assert_int_eq(bw_mapped_header_read(bytes, sizeof bytes, &again, NULL), 0);
  ck_assert_int_eq(memcmp(&info, &again, sizeof info), 0);
  /* one byte short of the last record: the count no longer fits */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_header_read(bytes, sizeof bytes - 1, &again, &err), BW_EFORMAT);
  ck_assert_uint_eq(err.offset, 120);
  ck_assert_ptr_nonnull(strstr(err.message, "record count 3 does not fit"));
  /* a record size of 0 cannot hold any count */
  bw_store_le(bytes + 112, 0, 8);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_header_read(bytes, sizeof bytes, &again, &err), BW_EFORMAT);
  ck_assert_uint_eq(err.offset, 112);
  ck_assert_ptr_nonnull(strstr(err.message, "record size is 0"));
  /* fields the schema does not decide are still checked */
  patch("\x02", 128, 1);
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_inspect(path, &info, &err), BW_EFORMAT);
  ck_assert_uint_eq(err.offset, 128);
  ck_assert_ptr_nonnull(strstr(err.message, "expected 0 (little) or 1 (big), found 2"));
  /* a missing file, and a directory */
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_inspect(dir, &info, &err), BW_EIO);
  ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
  unlink(path);
  ck_assert_int_eq(bw_mapped_inspect(path, &info, NULL), BW_EIO);
  ck_assert_int_eq(bw_mapped_inspect(NULL, &info, NULL), BW_EINVAL);
  ck_assert_int_eq(bw_mapped_header_read(NULL, 0, &info, NULL), BW_EFORMAT);
}
END_TEST

START_TEST(sync_writes_through_and_refuses_closed_mappings) {
  make_file(2);
  bw_mapped m;
  ck_assert_int_eq(bw_mapped_open(path, schema, "Reading", 1, &m, NULL), 0);
  bw_view v, f;
  ck_assert_int_eq(bw_mapped_view(&m, 1, &v, NULL), 0);
  ck_assert_int_eq(bw_view_at(&v, "id", &f, NULL), 0);
  ck_assert_int_eq(bw_view_set_u32(&f, 0xfeedbeef, NULL), 0);
  ck_assert_int_eq(bw_mapped_sync(&m, 1, NULL), 0);
  ck_assert_int_eq(bw_mapped_sync(&m, 0, NULL), 0);
  /* read back through the file descriptor interface, not the mapping */
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  uint8_t id[4];
  off_t at = BW_MAPPED_HEADER_SIZE + sizeof(struct reading) + offsetof(struct reading, id);
  ck_assert_int_eq(pread(fd, id, 4, at), 4);
  close(fd);
  ck_assert_uint_eq(bw_load_le(id, 4), 0xfeedbeef);
  bw_mapped_close(&m);
  bw_error err;
  bw_error_clear(&err);
  ck_assert_int_eq(bw_mapped_sync(&m, 1, &err), BW_EINVAL);
  ck_assert_int_eq(bw_mapped_sync(NULL, 1, NULL), BW_EINVAL);
}
END_TEST

START_TEST(shm_inspect) {
  char name[64];
  snprintf(name, sizeof name, "/bw_mapped_inspect_%ld", (long)getpid());
  bw_mapped w;
  ck_assert_int_eq(bw_shm_create(name, schema, "Pair", 5, &w, NULL), 0);
  ck_assert_int_eq(bw_mapped_sync(&w, 1, NULL), 0);
  bw_mapped_info info;
  ck_assert_int_eq(bw_shm_inspect(name, &info, NULL), 0);
  ck_assert_str_eq(info.type_name, "Pair");
  ck_assert_uint_eq(info.count, 5);
  ck_assert_uint_eq(info.record_size, 2);
  bw_mapped_close(&w);
  ck_assert_int_eq(bw_shm_unlink(name, NULL), 0);
  ck_assert_int_eq(bw_shm_inspect(name, &info, NULL), BW_EIO);
  ck_assert_int_eq(bw_shm_inspect("bad", &info, NULL), BW_EINVAL);
}
END_TEST

static Suite *mapped_suite(void) {
  Suite *s = suite_create("mapped");
  TCase *tc = tcase_create("mapped");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, create_write_close_reopen_read);
  tcase_add_test(tc, header_bytes_are_the_documented_layout);
  tcase_add_test(tc, writable_open_writes_through_to_the_file);
  tcase_add_test(tc, read_only_mapping_refuses_writes);
  tcase_add_test(tc, zero_records);
  tcase_add_test(tc, other_schema_is_refused_by_fingerprint);
  tcase_add_test(tc, other_type_is_refused_by_name);
  tcase_add_test(tc, other_record_size_is_refused);
  tcase_add_test(tc, each_header_field_is_checked);
  tcase_add_test(tc, byte_order_and_layout_are_checked_beyond_the_fingerprint);
  tcase_add_test(tc, truncated_file_is_refused);
  tcase_add_test(tc, file_shorter_than_the_header_is_refused);
  tcase_add_test(tc, garbage_file_is_refused);
  tcase_add_test(tc, count_larger_than_the_file_is_refused);
  tcase_add_test(tc, huge_count_cannot_be_created);
  tcase_add_test(tc, create_over_an_existing_path_fails);
  tcase_add_test(tc, create_applies_the_umask);
  tcase_add_test(tc, bad_arguments);
  tcase_add_test(tc, shm_round_trip);
  tcase_add_test(tc, shm_names_are_validated);
  tcase_add_test(tc, inspect_reads_the_header_without_a_schema);
  tcase_add_test(tc, sync_writes_through_and_refuses_closed_mappings);
  tcase_add_test(tc, shm_inspect);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(mapped_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

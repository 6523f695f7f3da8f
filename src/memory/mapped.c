/* barewire mapped: memory-mapped files and POSIX shared-memory segments of native records
 * behind a self-describing header (layout in include/barewire/mapped.h).
 *
 * Files and segments differ only in how the descriptor is obtained (open or shm_open) and how a
 * failed create is undone (unlink or shm_unlink); sizing, mapping and the header check are
 * shared. The header check reads a byte array and trusts nothing in it: every size is compared
 * as an integer before any pointer is formed. The descriptor is closed once the mapping exists. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "mapped_internal.h"

static const uint8_t bw_mapped_magic[8] = {'B', 'W', 'M', 'A', 'P', 0, 0, 1};

/* Header field offsets. */
enum {
  OFF_MAGIC = 0,
  OFF_VERSION = 8,
  OFF_HEADER_SIZE = 12,
  OFF_FINGERPRINT = 16,
  OFF_TYPE_NAME = 48,
  OFF_RECORD_SIZE = 112,
  OFF_COUNT = 120,
  OFF_BYTE_ORDER = 128,
  OFF_PADDING = 129
};

/* ---- the header -------------------------------------------------------------------------- */

int bw_mapped_expect_init_(const bw_schema *s, const char *type_name, bw_mapped_expect_ *exp,
                           bw_error *err) {
  if (!s || !type_name || !exp)
    return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL schema, type name or output");
  const bw_user_type *ut = bw_schema_find(s, type_name);
  if (!ut) return bw_error_set(err, BW_ENOTFOUND, 0, "mapped: no type named '%s'", type_name);
  if (strlen(ut->name) >= BW_MAPPED_TYPE_NAME_SIZE)
    return bw_error_set(err, BW_ELIMIT, 0,
                        "mapped: type name '%s' is longer than the header's %u-byte field",
                        ut->name, BW_MAPPED_TYPE_NAME_SIZE - 1);
  const bw_native *n = bw_type_native(s, ut->type, err);
  if (!n) return BW_ENOLAYOUT;
  if (n->size == 0)
    return bw_error_set(err, BW_ELIMIT, 0, "mapped: type '%s' has a native size of 0", ut->name);
  int rc = bw_schema_fingerprint(s, exp->fingerprint);
  if (rc) return bw_error_set(err, rc, 0, "mapped: cannot fingerprint the schema");
  exp->type_name = ut->name;
  exp->record_size = n->size;
  exp->big_endian = bw_schema_big_endian(s) ? 1 : 0;
  exp->schema = s;
  return 0;
}

void bw_mapped_header_write_(uint8_t *out, const bw_mapped_expect_ *exp, uint64_t count) {
  memset(out, 0, BW_MAPPED_HEADER_SIZE);
  memcpy(out + OFF_MAGIC, bw_mapped_magic, sizeof bw_mapped_magic);
  bw_store_le(out + OFF_VERSION, BW_MAPPED_VERSION, 4);
  bw_store_le(out + OFF_HEADER_SIZE, BW_MAPPED_HEADER_SIZE, 4);
  memcpy(out + OFF_FINGERPRINT, exp->fingerprint, BW_FINGERPRINT_SIZE);
  memcpy(out + OFF_TYPE_NAME, exp->type_name, strlen(exp->type_name));
  bw_store_le(out + OFF_RECORD_SIZE, exp->record_size, 8);
  bw_store_le(out + OFF_COUNT, count, 8);
  out[OFF_BYTE_ORDER] = (uint8_t)exp->big_endian;
}

/* The first 8 bytes of a fingerprint in hex (enough to tell two apart in a message). */
static void hex_prefix(const uint8_t *fp, char out[17]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 8; i++) {
    out[2 * i] = digits[fp[i] >> 4];
    out[2 * i + 1] = digits[fp[i] & 15];
  }
  out[16] = '\0';
}

/* 1 when the name field holds a printable name followed only by NULs; *len gets its length. */
static int name_field_ok(const uint8_t *f, size_t *len) {
  size_t n = 0;
  while (n < BW_MAPPED_TYPE_NAME_SIZE && f[n] != 0) {
    if (f[n] < 0x21 || f[n] > 0x7e) return 0;
    n++;
  }
  if (n == BW_MAPPED_TYPE_NAME_SIZE) return 0; /* no NUL */
  for (size_t i = n; i < BW_MAPPED_TYPE_NAME_SIZE; i++)
    if (f[i] != 0) return 0;
  *len = n;
  return 1;
}

/* The header's own structure, trusting nothing: magic, version, header size, the name field,
 * the byte order value and the padding. The count is left to count_fits. */
static int parse_header(const uint8_t *bytes, size_t len, bw_mapped_info *info, bw_error *err) {
  if (!info || (!bytes && len > 0))
    return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL bytes or output");
  memset(info, 0, sizeof *info);
  if (len < BW_MAPPED_HEADER_SIZE)
    return bw_error_set(err, BW_EFORMAT, len,
                        "mapped header: %zu bytes, shorter than the %u-byte header", len,
                        BW_MAPPED_HEADER_SIZE);
  if (memcmp(bytes + OFF_MAGIC, bw_mapped_magic, sizeof bw_mapped_magic) != 0)
    return bw_error_set(err, BW_EFORMAT, OFF_MAGIC,
                        "mapped header: magic differs: expected 42574d4150000001 "
                        "(\"BWMAP\\0\\0\\1\"), found %016llx: not a barewire mapped file",
                        (unsigned long long)bw_load_be(bytes + OFF_MAGIC, 8));
  uint64_t version = bw_load_le(bytes + OFF_VERSION, 4);
  if (version != BW_MAPPED_VERSION)
    return bw_error_set(err, BW_EFORMAT, OFF_VERSION,
                        "mapped header: format version differs: expected %u, found %llu",
                        BW_MAPPED_VERSION, (unsigned long long)version);
  uint64_t header_size = bw_load_le(bytes + OFF_HEADER_SIZE, 4);
  if (header_size != BW_MAPPED_HEADER_SIZE)
    return bw_error_set(err, BW_EFORMAT, OFF_HEADER_SIZE,
                        "mapped header: header size differs: expected %u, found %llu",
                        BW_MAPPED_HEADER_SIZE, (unsigned long long)header_size);
  size_t name_len = 0;
  if (!name_field_ok(bytes + OFF_TYPE_NAME, &name_len))
    return bw_error_set(err, BW_EFORMAT, OFF_TYPE_NAME,
                        "mapped header: the type name field is not a NUL-padded name");
  uint8_t order = bytes[OFF_BYTE_ORDER];
  if (order > 1)
    return bw_error_set(err, BW_EFORMAT, OFF_BYTE_ORDER,
                        "mapped header: byte order differs: expected 0 (little) or 1 (big), "
                        "found %u",
                        order);
  for (size_t i = OFF_PADDING; i < BW_MAPPED_HEADER_SIZE; i++)
    if (bytes[i] != 0)
      return bw_error_set(err, BW_EFORMAT, i,
                          "mapped header: padding differs: expected 0, found 0x%02x", bytes[i]);
  info->version = (uint32_t)version;
  memcpy(info->fingerprint, bytes + OFF_FINGERPRINT, BW_FINGERPRINT_SIZE);
  memcpy(info->type_name, bytes + OFF_TYPE_NAME, name_len);
  info->record_size = bw_load_le(bytes + OFF_RECORD_SIZE, 8);
  info->count = bw_load_le(bytes + OFF_COUNT, 8);
  info->big_endian = order;
  return 0;
}

/* The records the header counts lie inside the len bytes of the file or segment. */
static int count_fits(const bw_mapped_info *info, size_t len, bw_error *err) {
  if (info->record_size == 0)
    return bw_error_set(err, BW_EFORMAT, OFF_RECORD_SIZE, "mapped header: record size is 0");
  uint64_t fits = (uint64_t)(len - BW_MAPPED_HEADER_SIZE) / info->record_size;
  if (info->count > fits)
    return bw_error_set(err, BW_EFORMAT, OFF_COUNT,
                        "mapped header: record count %llu does not fit: %zu bytes hold %llu "
                        "records of %llu bytes after the header",
                        (unsigned long long)info->count, len, (unsigned long long)fits,
                        (unsigned long long)info->record_size);
  return 0;
}

int bw_mapped_header_read(const void *bytes, size_t len, bw_mapped_info *info, bw_error *err) {
  int rc = parse_header(bytes, len, info, err);
  return rc ? rc : count_fits(info, len, err);
}

int bw_mapped_header_check_(const uint8_t *bytes, size_t len, const bw_mapped_expect_ *exp,
                            uint64_t *count, bw_error *err) {
  if (!exp || !count || (!bytes && len > 0))
    return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL bytes, expectation or count");
  bw_mapped_info info;
  int rc = parse_header(bytes, len, &info, err);
  if (rc) return rc;
  if (memcmp(info.fingerprint, exp->fingerprint, BW_FINGERPRINT_SIZE) != 0) {
    char want[17], got[17];
    hex_prefix(exp->fingerprint, want);
    hex_prefix(info.fingerprint, got);
    return bw_error_set(err, BW_EFORMAT, OFF_FINGERPRINT,
                        "mapped header: schema fingerprint differs: expected %s..., found %s... "
                        "(written with another schema)",
                        want, got);
  }
  if (strcmp(info.type_name, exp->type_name) != 0)
    return bw_error_set(err, BW_EFORMAT, OFF_TYPE_NAME,
                        "mapped header: type name differs: expected '%s', found '%s'",
                        exp->type_name, info.type_name);
  if (info.record_size != exp->record_size)
    return bw_error_set(err, BW_EFORMAT, OFF_RECORD_SIZE,
                        "mapped header: record size differs: expected %llu, found %llu",
                        (unsigned long long)exp->record_size, (unsigned long long)info.record_size);
  if (info.big_endian != exp->big_endian)
    return bw_error_set(err, BW_EFORMAT, OFF_BYTE_ORDER,
                        "mapped header: byte order differs: expected %u (%s), found %u",
                        exp->big_endian, exp->big_endian ? "big" : "little", info.big_endian);
  rc = count_fits(&info, len, err);
  if (!rc) *count = info.count;
  return rc;
}

/* ---- files and segments ------------------------------------------------------------------ */

static int sys_error(bw_error *err, const char *call, const char *name, int e) {
  return bw_error_set(err, BW_EIO, 0, "mapped: %s %s: %s", call, name, strerror(e));
}

/* Total bytes of a mapping of count records: BW_ELIMIT when it overflows size_t or off_t. */
static int total_size(const bw_mapped_expect_ *exp, uint64_t count, size_t *out, bw_error *err) {
  uint64_t max = SIZE_MAX < (uint64_t)INT64_MAX ? SIZE_MAX : (uint64_t)INT64_MAX;
  if (count > (max - BW_MAPPED_HEADER_SIZE) / exp->record_size)
    return bw_error_set(err, BW_ELIMIT, 0,
                        "mapped: %llu records of %llu bytes do not fit in a file",
                        (unsigned long long)count, (unsigned long long)exp->record_size);
  *out = (size_t)(BW_MAPPED_HEADER_SIZE + count * exp->record_size);
  return 0;
}

static void fill(bw_mapped *m, void *map, size_t len, int writable, const bw_mapped_expect_ *exp,
                 uint64_t count) {
  m->map = map;
  m->map_len = len;
  m->records = (uint8_t *)map + BW_MAPPED_HEADER_SIZE;
  m->count = count;
  m->record_size = exp->record_size;
  m->writable = writable;
  m->schema = exp->schema;
  m->type_name = exp->type_name;
}

/* Sizes the new object behind fd, maps it writable and writes the header. */
static int create_on(int fd, const char *name, const bw_mapped_expect_ *exp, uint64_t count,
                     size_t total, bw_mapped *m, bw_error *err) {
  if (ftruncate(fd, (off_t)total) != 0) return sys_error(err, "ftruncate", name, errno);
  void *map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return sys_error(err, "mmap", name, errno);
  bw_mapped_header_write_(map, exp, count);
  fill(m, map, total, 1, exp, count);
  return 0;
}

/* Maps the existing object behind fd whole (it must hold at least a header). */
static int map_fd(int fd, const char *name, int must_be_regular, int writable, void **map,
                  size_t *len, bw_error *err) {
  struct stat st;
  if (fstat(fd, &st) != 0) return sys_error(err, "fstat", name, errno);
  if (must_be_regular && !S_ISREG(st.st_mode))
    return bw_error_set(err, BW_EIO, 0, "mapped: %s is not a regular file", name);
  if (st.st_size < 0 || (uint64_t)st.st_size > SIZE_MAX)
    return bw_error_set(err, BW_ELIMIT, 0, "mapped: %s is too large to map", name);
  *len = (size_t)st.st_size;
  if (*len < BW_MAPPED_HEADER_SIZE) /* also keeps mmap away from empty files */
    return bw_error_set(err, BW_EFORMAT, *len,
                        "mapped header: %s is %zu bytes, shorter than the %u-byte header", name,
                        *len, BW_MAPPED_HEADER_SIZE);
  int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
  *map = mmap(NULL, *len, prot, MAP_SHARED, fd, 0);
  if (*map == MAP_FAILED) return sys_error(err, "mmap", name, errno);
  return 0;
}

/* Maps the existing object behind fd and checks its header. */
static int open_on(int fd, const char *name, int must_be_regular, const bw_mapped_expect_ *exp,
                   int writable, bw_mapped *m, bw_error *err) {
  void *map = NULL;
  size_t len = 0;
  int rc = map_fd(fd, name, must_be_regular, writable, &map, &len, err);
  if (rc) return rc;
  uint64_t count = 0;
  rc = bw_mapped_header_check_(map, len, exp, &count, err);
  if (rc) {
    munmap(map, len);
    return rc;
  }
  fill(m, map, len, writable ? 1 : 0, exp, count);
  return 0;
}

/* Reads the header of the object behind fd, mapping it only for the call. */
static int inspect_on(int fd, const char *name, int must_be_regular, bw_mapped_info *info,
                      bw_error *err) {
  void *map = NULL;
  size_t len = 0;
  int rc = map_fd(fd, name, must_be_regular, 0, &map, &len, err);
  if (rc) return rc;
  rc = bw_mapped_header_read(map, len, info, err);
  munmap(map, len);
  return rc;
}

static int check_args(const char *name, bw_mapped *m, bw_error *err) {
  if (!name || !m) return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL name or output");
  memset(m, 0, sizeof *m);
  return 0;
}

int bw_mapped_create(const char *path, const bw_schema *s, const char *type_name, uint64_t count,
                     bw_mapped *m, bw_error *err) {
  bw_mapped_expect_ exp;
  size_t total = 0;
  int rc = check_args(path, m, err);
  if (!rc) rc = bw_mapped_expect_init_(s, type_name, &exp, err);
  if (!rc) rc = total_size(&exp, count, &total, err);
  if (rc) return rc;
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return sys_error(err, "open", path, errno);
  rc = create_on(fd, path, &exp, count, total, m, err);
  close(fd);
  if (rc) unlink(path);
  return rc;
}

int bw_mapped_open(const char *path, const bw_schema *s, const char *type_name, int writable,
                   bw_mapped *m, bw_error *err) {
  bw_mapped_expect_ exp;
  int rc = check_args(path, m, err);
  if (!rc) rc = bw_mapped_expect_init_(s, type_name, &exp, err);
  if (rc) return rc;
  /* O_NONBLOCK: a FIFO at path is refused (not a regular file) instead of blocking the open;
   * it changes nothing for regular files. */
  int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return sys_error(err, "open", path, errno);
  rc = open_on(fd, path, 1, &exp, writable, m, err);
  close(fd);
  return rc;
}

int bw_mapped_inspect(const char *path, bw_mapped_info *info, bw_error *err) {
  if (!path || !info) return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL path or output");
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return sys_error(err, "open", path, errno);
  int rc = inspect_on(fd, path, 1, info, err);
  close(fd);
  return rc;
}

int bw_mapped_sync(const bw_mapped *m, int wait, bw_error *err) {
  if (!m || !m->map) return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL or closed mapping");
  if (msync(m->map, m->map_len, wait ? MS_SYNC : MS_ASYNC) != 0)
    return bw_error_set(err, BW_EIO, 0, "mapped: msync: %s", strerror(errno));
  return 0;
}

bw_region bw_mapped_region(const bw_mapped *m) {
  bw_region r = {0};
  if (!m || !m->map) return r;
  r.base = m->records;
  r.len = (size_t)(m->count * m->record_size); /* checked against the mapping when opened */
  r.writable = m->writable;
  r.base_address = (uint64_t)(uintptr_t)m->records;
  return r;
}

int bw_mapped_view(const bw_mapped *m, uint64_t index, bw_view *view, bw_error *err) {
  if (!m || !m->map || !view)
    return bw_error_set(err, BW_EINVAL, 0, "mapped: NULL or closed mapping, or NULL view");
  if (index >= m->count)
    return bw_error_set(err, BW_ERANGE, 0, "mapped: record %llu out of range (%llu records)",
                        (unsigned long long)index, (unsigned long long)m->count);
  bw_region r = bw_mapped_region(m);
  return bw_view_init(view, m->schema, m->type_name, &r, index * m->record_size, err);
}

void bw_mapped_close(bw_mapped *m) {
  if (!m || !m->map) return;
  munmap(m->map, m->map_len);
  memset(m, 0, sizeof *m);
}

/* ---- shared memory ----------------------------------------------------------------------- */

static int check_shm_name(const char *name, bw_error *err) {
  if (!name) return bw_error_set(err, BW_EINVAL, 0, "shm: NULL name");
  size_t len = strlen(name);
  if (len == 0 || name[0] != '/')
    return bw_error_set(err, BW_EINVAL, 0, "shm: name '%s' must start with '/'", name);
  if (len < 2 || len - 1 > NAME_MAX)
    return bw_error_set(err, BW_EINVAL, 0, "shm: name must have 1 to %d bytes after the '/'",
                        NAME_MAX);
  const char *slash = strchr(name + 1, '/');
  if (slash)
    return bw_error_set(err, BW_EINVAL, (uint64_t)(slash - name),
                        "shm: name '%s' has a '/' after the first byte", name);
  if (strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0)
    return bw_error_set(err, BW_EINVAL, 0, "shm: name '%s' is not allowed", name);
  return 0;
}

int bw_shm_create(const char *name, const bw_schema *s, const char *type_name, uint64_t count,
                  bw_mapped *m, bw_error *err) {
  bw_mapped_expect_ exp;
  size_t total = 0;
  int rc = check_args(name, m, err);
  if (!rc) rc = check_shm_name(name, err);
  if (!rc) rc = bw_mapped_expect_init_(s, type_name, &exp, err);
  if (!rc) rc = total_size(&exp, count, &total, err);
  if (rc) return rc;
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0666);
  if (fd < 0) return sys_error(err, "shm_open", name, errno);
  rc = create_on(fd, name, &exp, count, total, m, err);
  close(fd);
  if (rc) shm_unlink(name);
  return rc;
}

int bw_shm_open(const char *name, const bw_schema *s, const char *type_name, int writable,
                bw_mapped *m, bw_error *err) {
  bw_mapped_expect_ exp;
  int rc = check_args(name, m, err);
  if (!rc) rc = check_shm_name(name, err);
  if (!rc) rc = bw_mapped_expect_init_(s, type_name, &exp, err);
  if (rc) return rc;
  int fd = shm_open(name, writable ? O_RDWR : O_RDONLY, 0);
  if (fd < 0) return sys_error(err, "shm_open", name, errno);
  rc = open_on(fd, name, 0, &exp, writable, m, err);
  close(fd);
  return rc;
}

int bw_shm_inspect(const char *name, bw_mapped_info *info, bw_error *err) {
  int rc = check_shm_name(name, err);
  if (rc) return rc;
  if (!info) return bw_error_set(err, BW_EINVAL, 0, "shm: NULL output");
  int fd = shm_open(name, O_RDONLY, 0);
  if (fd < 0) return sys_error(err, "shm_open", name, errno);
  rc = inspect_on(fd, name, 0, info, err);
  close(fd);
  return rc;
}

int bw_shm_unlink(const char *name, bw_error *err) {
  int rc = check_shm_name(name, err);
  if (rc) return rc;
  if (shm_unlink(name) != 0) return sys_error(err, "shm_unlink", name, errno);
  return 0;
}

/* barewire mapped: memory-mapped files and POSIX shared-memory segments holding an array of
 * native records of one schema type, with a self-describing header, as typed views without
 * copying.
 *
 * Layout (all header fields little-endian, whatever the records' byte order):
 *
 *   offset  size  field
 *        0     8  magic "BWMAP\0\0\1"
 *        8     4  format version (u32, 1)
 *       12     4  header size (u32, BW_MAPPED_HEADER_SIZE = 192 for version 1)
 *       16    32  schema fingerprint (bw_schema_fingerprint)
 *       48    64  root type name, NUL-padded (at most 63 bytes, then NULs)
 *      112     8  record size (u64, the type's native size)
 *      120     8  record count (u64)
 *      128     1  byte order of the records (0 little, 1 big: bw_schema_big_endian)
 *      129    63  zero padding, so that the records start 64-byte aligned
 *      192        records: count * record size bytes (a file may be longer; never shorter)
 *
 * An opener names the schema and the type it expects; a header that differs in any field is
 * refused with BW_EFORMAT whose message names the field with the expected and found values and
 * whose err->offset is the field's offset in the header. Sizes are checked with integer
 * arithmetic (count <= (size - 192) / record size), so no header value can make a view reach
 * outside the mapping.
 *
 * Limit of mmap: the mapping follows the file. If another process truncates a mapped file (or
 * segment) below what the header promised, touching the lost pages raises SIGBUS in this
 * process; barewire does not catch it. Map only files whose size no one else changes.
 *
 * Every fallible function returns 0 or a negative BW_E* code and fills an optional bw_error;
 * system call failures are BW_EIO with the call, the name and strerror(errno) in the message. */
#ifndef BAREWIRE_MAPPED_H
#define BAREWIRE_MAPPED_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "memory.h"
#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_MAPPED_VERSION 1u
#define BW_MAPPED_HEADER_SIZE 192u   /* also the data offset */
#define BW_MAPPED_TYPE_NAME_SIZE 64u /* field size; names up to 63 bytes */

/* An open mapping. Fill with bw_mapped_create / bw_mapped_open / bw_shm_create / bw_shm_open;
 * release with bw_mapped_close. It borrows the schema, which must outlive it. Fields are
 * read-only for callers. */
typedef struct bw_mapped {
  void *map;               /* the whole mapping (header included); NULL when closed */
  size_t map_len;          /* its length */
  uint8_t *records;        /* map + BW_MAPPED_HEADER_SIZE */
  uint64_t count;          /* records in the header */
  uint64_t record_size;    /* native size of the type */
  int writable;            /* mapped PROT_READ|PROT_WRITE */
  const bw_schema *schema; /* borrowed */
  const char *type_name;   /* the user type's name, owned by the schema */
} bw_mapped;

/* Creates the file path (O_CREAT|O_EXCL: an existing path is BW_EIO "File exists"; mode 0666
 * minus the umask), sizes it for count records of the user type type_name of s, writes the
 * header, zeroes the records and maps it writable into *m. BW_ENOTFOUND for an unknown type,
 * BW_ENOLAYOUT for a type without a native layout, BW_ELIMIT for a type name longer than 63
 * bytes or a size that overflows. On failure nothing is left behind (the file is removed). */
int bw_mapped_create(const char *path, const bw_schema *s, const char *type_name, uint64_t count,
                     bw_mapped *m, bw_error *err);

/* Maps the existing file path (MAP_SHARED; read-only, or read-write when writable is non-zero)
 * and checks its header against s and type_name: BW_EFORMAT for a file shorter than the header,
 * a wrong magic, version, header size, fingerprint, type name, record size, byte order or
 * padding, or a file too short for its record count. BW_EIO when the file cannot be opened or
 * is not a regular file. */
int bw_mapped_open(const char *path, const bw_schema *s, const char *type_name, int writable,
                   bw_mapped *m, bw_error *err);

/* The records as a region (count * record_size bytes; writable only when the mapping is). A
 * closed or zeroed m gives an empty region. */
bw_region bw_mapped_region(const bw_mapped *m);

/* A view of record index (0-based). BW_ERANGE when index >= count, BW_EINVAL for a NULL or
 * closed m. */
int bw_mapped_view(const bw_mapped *m, uint64_t index, bw_view *view, bw_error *err);

/* Unmaps and zeroes m (views of it become invalid). NULL or closed m: nothing. */
void bw_mapped_close(bw_mapped *m);

/* The same over POSIX shared memory: name must start with '/', contain no other '/', not be
 * "/." or "/..", and have 1 to 255 bytes after the slash (BW_EINVAL otherwise). The segment
 * outlives the process until bw_shm_unlink. bw_shm_create leaves no segment behind on failure;
 * bw_mapped_close releases either kind. */
int bw_shm_create(const char *name, const bw_schema *s, const char *type_name, uint64_t count,
                  bw_mapped *m, bw_error *err);
int bw_shm_open(const char *name, const bw_schema *s, const char *type_name, int writable,
                bw_mapped *m, bw_error *err);
/* Removes the segment name (mappings stay valid until closed). BW_EIO when it does not exist. */
int bw_shm_unlink(const char *name, bw_error *err);

/* Writes the mapping's changes to its file: msync of the whole mapping, waiting for the writes
 * to finish when wait is non-zero (MS_SYNC), only starting them otherwise (MS_ASYNC). A segment
 * of shared memory has no file behind it; syncing one is allowed and does nothing visible.
 * BW_EINVAL for a closed mapping, BW_EIO when msync fails. */
int bw_mapped_sync(const bw_mapped *m, int wait, bw_error *err);

/* What a header says, read without a schema (to tell what a file holds before opening it). */
typedef struct bw_mapped_info {
  uint32_t version;
  uint8_t fingerprint[BW_FINGERPRINT_SIZE]; /* SHA-256 of the writer's canonical schema text */
  char type_name[BW_MAPPED_TYPE_NAME_SIZE]; /* NUL-terminated */
  uint64_t record_size;
  uint64_t count;
  int big_endian;
} bw_mapped_info;

/* Reads and checks the header at the start of bytes[0..len) (the whole file or segment, so
 * that the count can be checked against the size): everything bw_mapped_open checks that does
 * not need the schema. 0, or BW_EFORMAT naming the field with err->offset at it. */
int bw_mapped_header_read(const void *bytes, size_t len, bw_mapped_info *info, bw_error *err);

/* bw_mapped_header_read on the file at path, or on the shared-memory segment name. The file or
 * segment is mapped read-only for the call and closed again. BW_EIO when it cannot be opened. */
int bw_mapped_inspect(const char *path, bw_mapped_info *info, bw_error *err);
int bw_shm_inspect(const char *name, bw_mapped_info *info, bw_error *err);

#ifdef __cplusplus
}
#endif
#endif

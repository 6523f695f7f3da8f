/* barewire: the BARE wire codec. Encodes and decodes messages of any type of a validated schema
 * at run time (no generated code), strictly: every rejection of BARE.md is reported with an
 * error code, a message and the byte offset where it happened.
 *
 * Four parts:
 * - dynamic values (bw_value): a tree of plain structs allocated in a bw_value_arena and freed
 *   with it in one call; deep equality;
 * - the decoder (bytes -> values) and encoder (values -> bytes: into a caller buffer, into a
 *   malloc'd buffer, or a size-only pass);
 * - the zero-copy reader (bw_reader): a cursor that walks a message without allocating, hands
 *   out str/data as (pointer, length) into the input, skips values, finds struct fields by name
 *   and reads streams of concatenated messages;
 * - JSON for values, both directions (the table of issue 3, repeated at bw_value_to_json).
 *
 * Limits (bw_decode_options, defaults in limits.h): message size, nesting depth of values and
 * elements per list or map. A length or count is checked against the bytes that remain (count
 * times the smallest encoding of an element) before anything is allocated, and a list of
 * zero-size elements is bounded by the element cap. Element arrays grow with the elements
 * actually decoded, never with the count a message claims, so the decoder's arena stays within
 * 64 bytes per input byte plus a constant (64 values per open nesting level), also for hostile
 * messages that fail half-way (the fuzz target asserts this). The repeated-map-key check works
 * on the encoded key bytes (a temporary 24 bytes per key): a hash table on the stack for maps
 * of up to 256 keys (bounded work even if every key collides), a sort beyond: O(n log n),
 * never quadratic.
 *
 * Invariants on untrusted bytes (fuzz_decode asserts the last four on every input):
 *   - nothing outside data[0..len) is read: every bound is `n <= len - pos`, checked before
 *     the read; a failed read leaves the cursor where it was;
 *   - nesting is bounded by max_depth, element counts by max_elements, total work by the
 *     input size (the map-key check is O(n log n));
 *   - bw_decode, bw_message_check and bw_reader_skip agree on what they accept (the reader
 *     alone does not check repeated map keys), and report the same code and offset;
 *   - an accepted message re-encodes to exactly the same bytes (strictness: one encoding per
 *     value) and its JSON reads back to the same JSON;
 *   - the decoder's arena stays within 64 bytes per input byte plus 64 values per level.
 *
 * Floats: f32 and f64 values are carried as their bit patterns; NaN payloads (signalling or
 * quiet, any sign) pass through the decoder and the encoder unchanged. JSON cannot carry a
 * payload: every NaN is written as "NaN" and read back as the default quiet NaN.
 *
 * Types: every function takes the bw_type of a validated schema (e.g. the `type` of a
 * bw_schema_find result). REF nodes are followed with bw_type_resolve. */
#ifndef BAREWIRE_CODEC_H
#define BAREWIRE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "limits.h"
#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- dynamic values ------------------------------------------------------------------- */

typedef struct bw_value bw_value;

/* One value of one type. `type` is the resolved type (never a REF node). Which member of `as`
 * is meaningful depends on type->kind:
 *   UINT U8 U16 U32 U64 ENUM: u (ENUM: the member's value)     BOOL: u (0 or 1)
 *   INT I8 I16 I32 I64: i                                      F32: f32   F64: f64
 *   STR DATA DATA_FIXED: bytes (str is UTF-8, not NUL-terminated)
 *   VOID: nothing
 *   OPTIONAL: optional (NULL when absent)
 *   LIST LIST_FIXED: list.items[0..list.count)
 *   STRUCT: list.items[i] is the i-th field, in schema order, list.count == type->count
 *   MAP: list.count pairs, key list.items[2*i], value list.items[2*i+1], in message order
 *   UNION: variant.index into type->variants, variant.tag, variant.value (type of the member)
 * Integer values of narrow kinds (u8, i16...) must fit their width; the encoder checks. */
struct bw_value {
  const bw_type *type;
  union {
    uint64_t u;
    int64_t i;
    float f32;
    double f64;
    struct {
      const uint8_t *ptr;
      size_t len;
    } bytes;
    struct {
      bw_value *items;
      size_t count;
    } list;
    bw_value *optional;
    struct {
      uint64_t tag;
      uint32_t index;
      bw_value *value;
    } variant;
  } as;
};

/* Owner of value trees: every bw_value, array and byte string made by the decoder, the JSON
 * reader or the allocation functions below lives in one arena and is freed with it. */
typedef struct bw_value_arena bw_value_arena;

/* A new, empty arena, or NULL when out of memory. Free with bw_value_arena_free. */
bw_value_arena *bw_value_arena_new(void);
/* Frees the arena and every value in it. NULL is fine. */
void bw_value_arena_free(bw_value_arena *a);
/* Forgets every value in the arena but keeps its first block of memory for reuse (decoding
 * many messages one after another without calling malloc each time). */
void bw_value_arena_reset(bw_value_arena *a);
/* Bytes handed out since creation or the last reset. */
size_t bw_value_arena_used(const bw_value_arena *a);
/* count zeroed values (count 0 gives a valid non-NULL pointer), or NULL when out of memory. */
bw_value *bw_value_alloc(bw_value_arena *a, size_t count);
/* A copy of len bytes of p in the arena (a NUL follows the copy, so a copied str is also a C
 * string), or NULL when out of memory. */
uint8_t *bw_value_copy_bytes(bw_value_arena *a, const void *p, size_t len);

/* Deep equality: same kind, same type shape, same contents. Floats compare by bit pattern (a
 * NaN equals the same NaN, 0.0 differs from -0.0); maps compare pair by pair in order. Returns
 * 1 or 0; two NULLs are equal. */
int bw_value_equal(const bw_value *a, const bw_value *b);

/* ---- decoding ------------------------------------------------------------------------- */

typedef struct bw_decode_options {
  size_t max_message_size; /* 0: BW_DEFAULT_MAX_MESSAGE_SIZE; a longer message is BW_ELIMIT
                              (with a stream, each message; the input may be longer) */
  size_t max_depth;        /* 0: BW_DEFAULT_MAX_VALUE_DEPTH; nesting of optional, list, map,
                              union and struct levels */
  size_t max_elements;     /* 0: BW_DEFAULT_MAX_ELEMENTS; elements in one list or map */
  int borrow;              /* decode: str/data values point into the input instead of being
                              copied into the arena (the input must outlive the values) */
} bw_decode_options;

/* Decodes one value of type t from data[0..len) into *out, allocated in arena. consumed NULL
 * means "a whole message": bytes after the value are BW_ETRAILING. With consumed not NULL,
 * decoding stops after the value and *consumed is its size (for streams of messages). opts may
 * be NULL (defaults). Returns 0 or a negative code (BW_ETRUNCATED, BW_ENONMINIMAL, BW_EOVERFLOW,
 * BW_EBOOL, BW_EUTF8, BW_EENUM, BW_ETAG, BW_EDUPKEY, BW_ETRAILING, BW_ELIMIT, BW_ENOMEM,
 * BW_EINVAL) with err->offset at the first byte of the bad item; on failure *out is NULL and
 * whatever was allocated stays in the arena until it is freed or reset. */
int bw_decode(const bw_type *t, const void *data, size_t len, const bw_decode_options *opts,
              bw_value_arena *arena, bw_value **out, size_t *consumed, bw_error *err);

/* Checks that data[0..len) is exactly one valid message of type t (every rule bw_decode
 * applies, map keys included) without building values. Allocates only a temporary index for
 * the map-key check, freed before returning. Returns 0 or a code as bw_decode. */
int bw_message_check(const bw_type *t, const void *data, size_t len, const bw_decode_options *opts,
                     bw_error *err);

/* ---- encoding ------------------------------------------------------------------------- */

/* Encodes v (a value of type t) into buf[0..cap). *written (may be NULL) receives the size of
 * the message; when it is larger than cap the call returns BW_ENOSPACE, *written is the size
 * needed and buf holds a truncated prefix. buf may be NULL when cap is 0 (a size-only pass).
 * The encoder refuses what a strict decoder would reject: BW_ETYPE (a value whose kind is not
 * t's, or a list[N] with another count), BW_EOVERFLOW (an integer too wide for its kind),
 * BW_EUTF8, BW_EBOOL, BW_EENUM, BW_ETAG, BW_EDUPKEY; err->offset is the output offset where
 * the bad value would have started. Bytes of buf between the end of the message and cap may
 * be overwritten (varints are stored as 8-byte words); nothing at or past cap is. */
int bw_encode(const bw_type *t, const bw_value *v, void *buf, size_t cap, size_t *written,
              bw_error *err);

/* The size of v's message (bw_encode with no buffer). Returns 0 or an error as bw_encode. */
int bw_encoded_size(const bw_type *t, const bw_value *v, size_t *size, bw_error *err);

/* Encodes v into a new buffer: *out is malloc'd (free with free), *len its size. On error
 * *out is NULL. */
int bw_encode_alloc(const bw_type *t, const bw_value *v, uint8_t **out, size_t *len, bw_error *err);

/* ---- zero-copy reader ----------------------------------------------------------------- */

/* A cursor over encoded bytes. Caller-allocated; initialise with bw_reader_init. Nothing is
 * allocated and the input is never copied: str and data come back as pointers into it. Each
 * read checks the bytes it needs and fails with the same codes and offsets as bw_decode; the
 * first error sticks in the error given to bw_reader_init and the cursor does not move on a
 * failed read. The fields are private. */
typedef struct bw_reader {
  const uint8_t *data;
  size_t len;
  size_t pos;
  size_t max_depth;
  size_t max_elements;
  size_t max_message_size;
  bw_error *err;
} bw_reader;

/* Starts a reader at data[0] (the input may be a stream of any length: the message size
 * limit applies to each message of bw_reader_next). opts may be NULL (defaults); err may be
 * NULL. Returns 0, or BW_EINVAL for NULL data with a length. */
int bw_reader_init(bw_reader *r, const void *data, size_t len, const bw_decode_options *opts,
                   bw_error *err);
/* Current byte offset, and the bytes left after it. */
size_t bw_reader_offset(const bw_reader *r);
size_t bw_reader_remaining(const bw_reader *r);

/* Primitive reads. Each returns 0 or a negative code. */
int bw_reader_uint(bw_reader *r, uint64_t *out);
int bw_reader_int(bw_reader *r, int64_t *out);
/* u8..u64, i8..i64 (sign-extended into *out as int64 bits), bool (strict 0/1), enum (a defined
 * value), uint, int: any scalar kind of t except floats, read into 64 bits. */
int bw_reader_scalar(bw_reader *r, const bw_type *t, uint64_t *out);
int bw_reader_f32(bw_reader *r, float *out);
int bw_reader_f64(bw_reader *r, double *out);
int bw_reader_bool(bw_reader *r, int *out);
/* str: checked UTF-8, *s points into the input (not NUL-terminated). */
int bw_reader_str(bw_reader *r, const char **s, size_t *len);
/* data: length-prefixed bytes. */
int bw_reader_data(bw_reader *r, const uint8_t **p, size_t *len);
/* data[n]: n bytes. */
int bw_reader_data_fixed(bw_reader *r, size_t n, const uint8_t **p);
/* optional flag: *present is 0 or 1; the value follows when 1. */
int bw_reader_optional(bw_reader *r, int *present);
/* The count of a list<T> or map<K><V> of type t (resolved), checked against the element cap
 * and against the bytes left (count times the smallest element size). The elements follow:
 * read or skip them (a map: key, value, key, value...). list<T>[N] has no count: N elements
 * follow. */
int bw_reader_count(bw_reader *r, const bw_type *t, uint64_t *count);
/* Union tag: a tag t defines; *member (may be NULL) is the member's type. */
int bw_reader_union(bw_reader *r, const bw_type *t, uint64_t *tag, const bw_type **member);
/* Skips one value of type t, checking it as strictly as bw_decode except that repeated map
 * keys are not detected (that check needs memory; use bw_message_check). Nesting is limited
 * by max_depth. */
int bw_reader_skip(bw_reader *r, const bw_type *t);
/* With the cursor at the start of a struct of type t, skips the fields before the one named
 * name and leaves the cursor at its first byte; *field (may be NULL) is that field.
 * BW_ENOTFOUND when t has no such field. */
int bw_reader_field(bw_reader *r, const bw_type *t, const char *name, const bw_field **field);
/* Streams: with the cursor at the start of a message of type t, skips (checks) it and gives
 * its extent. Returns 1 with *msg and *len set, 0 at the end of the input, or a negative code
 * (BW_ELIMIT for a message longer than max_message_size; BW_ETRAILING for bytes after a
 * zero-size type, which cannot make a stream). */
int bw_reader_next(bw_reader *r, const bw_type *t, const uint8_t **msg, size_t *len);

/* ---- JSON ------------------------------------------------------------------------------ */

/* bw_value_to_json flags */
#define BW_JSON_PRETTY 0x1u     /* two-space indentation, one member per line */
#define BW_JSON_UNION_TYPE 0x2u /* unions also carry "type": the member's type name */

/* Writes v as JSON:
 *   integers (uint, int, u8..u64, i8..i64): exact decimal, never through a double;
 *   f32/f64: the shortest decimal that reads back to the same bits; "NaN", "Infinity",
 *     "-Infinity" as strings;
 *   bool: true/false; str: string (control characters, '"' and '\\' escaped; other
 *     characters as UTF-8); data, data[N]: lowercase hex string; void: null;
 *   enum: the member's name; optional: null or the value; list: array;
 *   map<str><V> (key resolving to str): object; other maps: [[key, value], ...];
 *   union: {"tag": N, "value": V} (with BW_JSON_UNION_TYPE, "type": "Name" first);
 *   struct: object with the fields in schema order.
 * *out is malloc'd and NUL-terminated (free with free); *len (may be NULL) excludes the NUL.
 * Fails with BW_ETYPE/BW_EENUM/BW_ETAG for a value that does not match its type. */
int bw_value_to_json(const bw_value *v, unsigned flags, char **out, size_t *len, bw_error *err);

typedef struct bw_json_options {
  size_t max_size;  /* 0: BW_DEFAULT_MAX_MESSAGE_SIZE bytes of text */
  size_t max_depth; /* 0: BW_DEFAULT_MAX_VALUE_DEPTH levels of arrays and objects */
} bw_json_options;

/* Reads one JSON value (RFC 8259, strict: no comments, no trailing commas, no leading zeros,
 * valid UTF-8, \u escapes with surrogate pairs) as a value of type t, in the form written by
 * bw_value_to_json: struct members in any order but each exactly once; unknown members,
 * missing fields, repeated map keys, numbers that do not fit the kind (or a fraction or
 * exponent for an integer kind) are errors. A "type" member of a union must name the member
 * the tag selects. consumed NULL: only whitespace may follow the value; otherwise *consumed is
 * the offset after the value. Errors: BW_EJSON (syntax), BW_ETYPE (a JSON value of the wrong
 * kind), BW_EOVERFLOW, BW_EENUM, BW_ETAG, BW_EDUPKEY, BW_EUTF8, BW_ELIMIT, BW_ENOMEM, each with
 * err->line and err->column (1-based; column counts bytes) and err->offset (byte offset). */
int bw_value_from_json(const bw_type *t, const char *text, size_t len, const bw_json_options *opts,
                       bw_value_arena *arena, bw_value **out, size_t *consumed, bw_error *err);

#ifdef __cplusplus
}
#endif
#endif

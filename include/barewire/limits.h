/* barewire: the library's default limits, in one place.
 *
 * BARE sets no size limits; an implementation must. Each default below can be changed per call
 * through the options struct of the function that enforces it; these macros only give the
 * defaults (and can be overridden at build time with -D). Each comment names the attack the
 * limit stops. */
#ifndef BAREWIRE_LIMITS_H
#define BAREWIRE_LIMITS_H

/* Schema text larger than this is refused before lexing: stops memory exhaustion from a
 * hostile or runaway schema file. */
#ifndef BW_DEFAULT_MAX_SCHEMA_SIZE
#define BW_DEFAULT_MAX_SCHEMA_SIZE (64u * 1024u * 1024u)
#endif

/* Nesting of inline types (list<list<...>>, inline struct bodies): stops stack exhaustion in
 * the recursive-descent parser, the validator and every recursive walk of a type. */
#ifndef BW_DEFAULT_MAX_SCHEMA_DEPTH
#define BW_DEFAULT_MAX_SCHEMA_DEPTH 64u
#endif

/* Number of user types in one schema: bounds the type table and lookups. */
#ifndef BW_DEFAULT_MAX_SCHEMA_TYPES
#define BW_DEFAULT_MAX_SCHEMA_TYPES 1000000u
#endif

/* Length of one identifier in schema text. */
#ifndef BW_MAX_NAME_LENGTH
#define BW_MAX_NAME_LENGTH 1024u
#endif

/* Encoded message size accepted by the decoder: stops a caller from being handed gigabytes. */
#ifndef BW_DEFAULT_MAX_MESSAGE_SIZE
#define BW_DEFAULT_MAX_MESSAGE_SIZE (256u * 1024u * 1024u)
#endif

/* Nesting depth of values while decoding (optional/list/map/union/struct levels): stops stack
 * exhaustion from a deep message. */
#ifndef BW_DEFAULT_MAX_VALUE_DEPTH
#define BW_DEFAULT_MAX_VALUE_DEPTH 64u
#endif

/* Elements in one list or map: besides the bytes-remaining check, caps the work spent on a
 * message full of zero-size elements (list<void>-like shapes). */
#ifndef BW_DEFAULT_MAX_ELEMENTS
#define BW_DEFAULT_MAX_ELEMENTS (16u * 1024u * 1024u)
#endif

#endif

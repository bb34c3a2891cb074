/*
 * tp_cache_entry.h: the byte layout of a cached response (the value the
 * response cache, shm/tp_cache.h, stores): status, flags, headers in
 * order, body.  Pure functions, no I/O; used by workers (store, serve)
 * and turnpikectl (inspect).
 *
 * Another process, maybe an older or newer turnpike, wrote the bytes a
 * decoder reads, so decoding checks everything and fails on anything it
 * does not know.  Layout, version 1 (integers little-endian):
 *
 *   u8  version (1)       u8  reserved (0)
 *   u16 status (100-599)  u16 flags (TP_CACHE_ENTRY_FLAGS only)
 *   u16 nheaders          u32 body length
 *   nheaders x { u32 name length, u32 value length }
 *   name 0, value 0, name 1, value 1, ..., body
 *
 * The lengths come first so that a decoder checks the total against the
 * input before it touches a byte of data; the input is exactly that long.
 */
#ifndef TP_CACHE_ENTRY_H
#define TP_CACHE_ENTRY_H

#include "tp_arena.h"
#include "tp_core.h"

#define TP_CACHE_ENTRY_V1        1
#define TP_CACHE_ENTRY_GZIP      0x0001u  /* body is gzip-compressed */
#define TP_CACHE_ENTRY_FLAGS     TP_CACHE_ENTRY_GZIP   /* known flags */
#define TP_CACHE_ENTRY_HEADERS   65535u   /* at most, per entry */
#define TP_CACHE_ENTRY_FIXED     12u      /* bytes before the length table */

struct tp_cache_entry {
    uint16_t status;
    uint16_t flags;                  /* TP_CACHE_ENTRY_* */
    unsigned nheaders;
    struct tp_str *names;            /* [nheaders], in response order */
    struct tp_str *values;           /* [nheaders] */
    struct tp_str body;
};

/*
 * The encoded size of <e>; 0 when it cannot be encoded: a status outside
 * 100-599, unknown flags, more than TP_CACHE_ENTRY_HEADERS headers, a
 * piece longer than 4 GiB - 1, or a total that overflows.
 */
size_t tp_cache_entry_size(const struct tp_cache_entry *e);

/* Writes <e> into <out> (<cap> bytes), its size in *len.  TP_ERROR when
 * it cannot be encoded or does not fit. */
int tp_cache_entry_encode(const struct tp_cache_entry *e, void *out,
    size_t cap, size_t *len);

/*
 * Reads an entry from <p, len>.  Names, values and the body point into
 * <p> (which must outlive *e); only the two header arrays come from <a>.
 * TP_ERROR when the input is anything but one exact version-1 encoding
 * (unknown version, truncated, trailing bytes, bad status or flags) or
 * when <a> has no memory.
 */
int tp_cache_entry_decode(const void *p, size_t len, struct tp_cache_entry *e,
    struct tp_arena *a);

#endif /* TP_CACHE_ENTRY_H */

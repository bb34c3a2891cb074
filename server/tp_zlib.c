/*
 * tp_zlib.c: gzip and deflate of whole buffers with the system's zlib.
 * No I/O; used by workers (response compression, request decompression).
 */
#include "tp_zlib.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define ZLIB_CONST
#include <zlib.h>

#define ZL_LEVEL        6       /* zlib's default: API Gateway has no knob */
#define ZL_WBITS        15      /* 32 KiB window, what every decoder takes */
#define ZL_GZIP         16      /* added to the window bits: gzip wrapper */
#define ZL_MAX_RATIO    1032    /* deflate expands at most this much */
#define ZL_GUESS_RATIO  4       /* JSON shrinks 4 to 10 times */
#define ZL_MIN_CAP      256

static const char zl_oom[] = "out of memory";

/*
 * deflateInit2() allocates about 260 KiB (window, hash chains, pending
 * buffer) and zeroes the hash heads; deflateEnd() frees it.  Whether that
 * is cheap depends on the heap: when the freed block is at its top, glibc
 * gives it back with brk() and the next response faults it in again.
 * Measured on the 2-CPU build VM (gzip of JSON, per body, medians of 5
 * runs of 2000-10000 bodies, a loaded machine):
 *
 *                       fresh stream        fresh, heap       reused
 *                       (heap kept)         trimmed each      (deflateReset)
 *     1 KiB body         7-15 us            350-1100 us        7-11 us
 *     16 KiB body        110-130 us         440-1600 us        72-125 us
 *
 * A worker's heap layout is not ours to control, so each process keeps
 * one stream per coding, made on first use and reset for each body: a
 * cache of zlib objects, not state, like tp_apikey_hash()'s, that costs
 * a worker up to 2 x 260 KiB once it has used both.  Processes are
 * single-threaded and what crosses fork() is each child's own copy.
 * inflate needs no such cache: its 7 KiB + 32 KiB per body cost nothing
 * measurable (1 KiB: 2.4 us either way; 16 KiB: 19-24 us either way).
 */
static z_stream *
zl_deflater(enum tp_coding c)
{
    static z_stream streams[2];
    static bool ready[2];
    unsigned i = c == TP_CODING_GZIP ? 0 : 1;
    z_stream *z = &streams[i];

    if (ready[i]) {
        if (deflateReset(z) == Z_OK) {
            return z;
        }
        (void) deflateEnd(z);
        ready[i] = false;
    }
    memset(z, 0, sizeof(*z));
    if (deflateInit2(z, ZL_LEVEL, Z_DEFLATED,
                     i == 0 ? ZL_WBITS + ZL_GZIP : ZL_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
    {
        return NULL;
    }
    ready[i] = true;
    return z;
}

int
tp_zlib_compress(enum tp_coding c, const void *in, size_t len,
    struct tp_arena *a, struct tp_str *out)
{
    z_stream *z;
    uLong bound;
    Bytef *buf;

    if (c == TP_CODING_IDENTITY) {
        *out = (struct tp_str) { in, len };
        return TP_OK;
    }
    if (len >= UINT_MAX || (z = zl_deflater(c)) == NULL) {
        return TP_ERROR;
    }
    /* One deflate(Z_FINISH) into deflateBound() bytes always finishes. */
    bound = deflateBound(z, (uLong) len);
    if (bound >= UINT_MAX || (buf = tp_arena_alloc(a, bound)) == NULL) {
        return TP_ERROR;
    }
    z->next_in = in;
    z->avail_in = (uInt) len;
    z->next_out = buf;
    z->avail_out = (uInt) bound;
    if (deflate(z, Z_FINISH) != Z_STREAM_END) {
        return TP_ERROR;
    }
    *out = (struct tp_str) { (const char *) buf, bound - z->avail_out };
    return TP_OK;
}

/* A zlib header (RFC 1950 2.2): method 8, window <= 32 KiB, check bits. */
static bool
zl_is_zlib_header(const unsigned char *p, size_t len)
{
    return len >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7
           && ((unsigned) p[0] << 8 | p[1]) % 31 == 0;
}

/*
 * First size of the output buffer.  A gzip member ends with its size mod
 * 2^32: right for the usual single member, and believed only as far as
 * deflate can expand, so a forged one cannot make a small body reserve
 * much more than a real bomb of its size would fill.
 */
static size_t
zl_first_cap(enum tp_coding c, const unsigned char *in, size_t len,
    size_t limit)
{
    size_t guess = len * ZL_GUESS_RATIO, isize;

    if (c == TP_CODING_GZIP && len >= 18) {
        isize = (size_t) in[len - 4] | (size_t) in[len - 3] << 8
                | (size_t) in[len - 2] << 16 | (size_t) in[len - 1] << 24;
        if (isize / ZL_MAX_RATIO <= len) {
            guess = isize + 1;   /* room to see the end without growing */
        }
    }
    return TP_MIN(TP_MAX(guess, ZL_MIN_CAP), limit + 1);
}

/* What went wrong, per coding (static: failures must not allocate). */
struct zl_msgs {
    const char *corrupt;
    const char *truncated;
    const char *trailing;
};

static const struct zl_msgs zl_gzip_msgs = {
    "corrupt gzip data", "truncated gzip data",
    "trailing data after the gzip stream"
};
static const struct zl_msgs zl_deflate_msgs = {
    "corrupt deflate data", "truncated deflate data",
    "trailing data after the deflate stream"
};

/*
 * Runs <z> (input set) to the end of the input into *<buf> (capacity
 * *<cap>, grown up to <limit> + 1 bytes) and sets *<used>.  Returns TP_OK
 * or the failure, with *<why>.
 */
static int
zl_inflate_all(z_stream *z, enum tp_coding c, size_t limit, char **buf,
    size_t *cap, size_t *used, struct tp_arena *a, const char **why)
{
    const struct zl_msgs *m = c == TP_CODING_GZIP ? &zl_gzip_msgs
                                                  : &zl_deflate_msgs;
    size_t ncap;
    char *nbuf;
    int rc;

    for (;;) {
        if (*used == *cap) {
            ncap = *cap > (limit + 1) / 2 ? limit + 1 : *cap * 2;
            if ((nbuf = realloc(*buf, ncap)) == NULL) {
                *why = zl_oom;
                return TP_BUSY;
            }
            *buf = nbuf;
            *cap = ncap;
        }
        z->next_out = (Bytef *) *buf + *used;
        z->avail_out = (uInt) (*cap - *used);
        rc = inflate(z, Z_NO_FLUSH);
        *used = *cap - z->avail_out;
        if (*used > limit) {
            *why = tp_arena_sprintf(a, "body larger than %zu bytes after "
                                    "decompression", limit);
            *why = *why != NULL ? *why : "body too large after decompression";
            return TP_ERROR;
        }
        if (rc == Z_OK) {
            continue;               /* progress; the output may be full */
        }
        if (rc == Z_STREAM_END && z->avail_in == 0) {
            return TP_OK;
        }
        if (rc == Z_STREAM_END && c == TP_CODING_GZIP && z->avail_in >= 2
            && z->next_in[0] == 0x1f && z->next_in[1] == 0x8b)
        {
            (void) inflateReset(z);        /* the next member */
            continue;
        }
        if (rc == Z_MEM_ERROR) {
            *why = zl_oom;
            return TP_BUSY;
        }
        /* Z_BUF_ERROR: no progress with room left, so the input ended. */
        *why = rc == Z_STREAM_END ? m->trailing
               : rc == Z_BUF_ERROR ? m->truncated
               : rc == Z_NEED_DICT ? "deflate data needs a preset dictionary"
               : z->msg != NULL ? tp_arena_sprintf(a, "%s (%s)", m->corrupt,
                                                   z->msg)
               : NULL;
        *why = *why != NULL ? *why : m->corrupt;
        return TP_ERROR;
    }
}

/*
 * The output grows with realloc() (in place for large blocks) rather than
 * by copies left behind in the arena, which frees the buffer on reset.
 */
int
tp_zlib_decompress(enum tp_coding c, const void *in, size_t len,
    size_t max_out, struct tp_arena *a, struct tp_str *out,
    const char **why)
{
    const unsigned char *p = in;
    size_t limit = TP_MIN(max_out, (size_t) UINT_MAX - 1), cap, used = 0;
    z_stream z;
    char *buf;
    int rc, wbits;

    if (c == TP_CODING_IDENTITY) {
        *out = (struct tp_str) { in, len };
        return TP_OK;
    }
    if (len == 0) {
        *out = (struct tp_str) { "", 0 };
        return TP_OK;
    }
    if (len >= UINT_MAX) {
        *why = "compressed body of 4 GiB or more";
        return TP_ERROR;
    }
    wbits = c == TP_CODING_GZIP ? ZL_WBITS + ZL_GZIP
            : zl_is_zlib_header(p, len) ? ZL_WBITS : -ZL_WBITS;
    cap = zl_first_cap(c, p, len, limit);
    memset(&z, 0, sizeof(z));
    if ((buf = malloc(cap)) == NULL || inflateInit2(&z, wbits) != Z_OK) {
        free(buf);
        *why = zl_oom;
        return TP_BUSY;
    }
    z.next_in = p;
    z.avail_in = (uInt) len;
    rc = zl_inflate_all(&z, c, limit, &buf, &cap, &used, a, why);
    (void) inflateEnd(&z);
    if (rc == TP_OK && tp_arena_cleanup_add(a, free, buf) != TP_OK) {
        *why = zl_oom;
        rc = TP_BUSY;
    }
    if (rc != TP_OK) {
        free(buf);
        return rc;
    }
    *out = (struct tp_str) { buf, used };
    return TP_OK;
}

int
tp_content_coding(const char *v, size_t len, enum tp_coding *out)
{
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) {
        len--;
    }
    return len == 0 ? TP_DECLINED : tp_coding_lookup(v, len, out);
}

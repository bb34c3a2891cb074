/*
 * tp_sigv4_int.h: what the three tp_sigv4 files share and nobody else
 * needs: the unreserved set, percent-decoding and -encoding, header
 * lookup and the failure helper.
 */
#ifndef TP_SIGV4_INT_H
#define TP_SIGV4_INT_H

#include "tp_sigv4.h"

/* RFC 3986 unreserved: never percent-encoded by SigV4. */
static inline bool
tp_sigv4_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
           || c == '~';
}

static inline bool
tp_sigv4_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Percent-decodes <in> into <out> (room for in.len bytes); *<outlen> the
 * decoded length.  A raw '+' stays '+' (SigV4 knows no form encoding)
 * unless <plus_space> (TP_SIGV4_PLUS_SPACE).  TP_OK, or TP_DECLINED with
 * <err> naming the bad escape.
 */
int tp_sigv4_decode(struct tp_str in, char *out, size_t *outlen,
    bool plus_space, struct tp_sigv4_canon_err *err);

/* <parts> joined with <sep> (and a NUL after) in the arena. */
int tp_sigv4_join(struct tp_arena *a, const struct tp_str *parts, size_t n,
    char sep, struct tp_str *out);

/* The first header named <lname> (lower case, compared ignoring case). */
const struct tp_sigv4_hdr *tp_sigv4_find_hdr(const struct tp_sigv4_req *req,
    const char *lname);

/*
 * Ends verification with <st>: res->status and res->message (the printf
 * of <fmt>, in the arena; INTERNAL if the arena is out of memory).
 * Returns the status res holds.
 */
enum tp_sigv4_status tp_sigv4_fail(struct tp_sigv4_result *res,
    struct tp_arena *a, enum tp_sigv4_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fails MALFORMED with AWS's text for the bad escape <err> names. */
enum tp_sigv4_status tp_sigv4_fail_escape(struct tp_sigv4_result *res,
    struct tp_arena *a, const struct tp_sigv4_canon_err *err);

#endif /* TP_SIGV4_INT_H */

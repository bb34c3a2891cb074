/*
 * tp_accept_enc.h: content codings named in request headers: the response
 * coding an Accept-Encoding value asks for (REST payload compression,
 * rest-api.md 12) and the name lookup tp_zlib.c uses for Content-Encoding.
 * Pure, no I/O, no allocation; used by workers and unit tests.
 */
#ifndef TP_ACCEPT_ENC_H
#define TP_ACCEPT_ENC_H

#include "tp_core.h"

/* The codings turnpike can produce and decode (API Gateway's three). */
enum tp_coding {
    TP_CODING_IDENTITY,
    TP_CODING_GZIP,
    TP_CODING_DEFLATE
};

/*
 * The coding of a response to a request whose Accept-Encoding is <v, len>
 * (<present> false: no such header; <v> may then be NULL).  Never fails:
 * the worst answer is identity (turnpike never answers 406).
 *
 * Parsing (RFC 9110 12.5.3): a comma-separated list; empty elements and
 * OWS (space, tab) around elements, ';' and '=' are skipped.  An element is
 * a token (the coding, ASCII case-insensitive), optionally followed by one
 * ";q=" weight ('q' or 'Q'): "0", "0." + up to 3 digits, "1", "1." + up to
 * 3 zeros.  Any other element (no token, bad or repeated weight, another
 * parameter, text after the weight) is malformed and ignored as if absent;
 * the rest of the list still counts.  "x-gzip" is "gzip" (RFC 9110
 * 8.4.1.3).  A coding listed more than once takes its highest weight.
 *
 * Choice (API Gateway's rules, rest-api.md 12):
 *  1. No header: identity.  AWS reads an absent header as "*" but does
 *     not compress for it.
 *  2. q(gzip) is gzip's weight if listed, else that of "*" if listed,
 *     else 0; likewise q(deflate).  q = 0 means "not acceptable", so an
 *     explicit "gzip;q=0" excludes gzip whatever "*" says.
 *  3. top is the highest weight of any valid element (unknown codings,
 *     "identity" and "*" included).  top == 0 (empty value, everything
 *     refused, only garbage): identity.
 *  4. The highest-priority coding must be one we support, else no
 *     compression: gzip if q(gzip) == top, else deflate if
 *     q(deflate) == top, else identity.  So ties prefer gzip to deflate,
 *     and prefer compressing to identity ("gzip, identity": gzip), while
 *     "br;q=1, gzip;q=0.9" and "identity;q=1, gzip;q=0.5" give identity.
 */
enum tp_coding tp_accept_enc_choose(const char *v, size_t len, bool present);

/*
 * The coding named by the token <p, len> (ASCII case-insensitive):
 * "identity", "gzip", "x-gzip", "deflate" -> TP_OK and *<out>; anything
 * else -> TP_DECLINED.
 */
int tp_coding_lookup(const char *p, size_t len, enum tp_coding *out);

#endif /* TP_ACCEPT_ENC_H */

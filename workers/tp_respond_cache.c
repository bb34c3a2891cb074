/*
 * tp_respond_cache.c: the last steps of a whole response: storing it in
 * the response cache when the request missed (or refreshed) its entry,
 * compressing it when the API has a minimum compression size and the
 * client accepts gzip or deflate, and answering cache hits.  An entry the
 * API would compress is stored once, gzip-compressed: gzip hits are then
 * sent as stored, and other clients get it inflated, which costs a tenth
 * of compressing it again (docs/BENCHMARKS.md, "Response cache", has the
 * measurement: a gzip hit of 16 KiB of JSON compressed per hit costs some
 * 9 times the CPU of an identity hit).  Workers only.
 */
#include "tp_accept_enc.h"
#include "tp_cache.h"
#include "tp_cache_entry.h"
#include "tp_log.h"
#include "tp_mapping.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"
#include "tp_zlib.h"

#include <strings.h>

#define RESP_MAX_HEADERS 40

/* Only responses of the integration are cached, and not its 5xx: a
 * passing backend failure must not be served for a whole TTL. */
static bool
resp_cacheable(int status)
{
    return status >= 200 && status < 500 && status != 304;
}

/* Does the response already carry a Content-Encoding? */
static bool
resp_encoded(const struct tp_hdr_out *hdrs, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (tp_str_caseeq(hdrs[i].name, "content-encoding")) {
            return true;
        }
    }
    return false;
}

/* Would the API compress this response for a client that asks? */
static bool
resp_compressible(const struct tp_request *r, int status,
    const struct tp_hdr_out *hdrs, unsigned n, size_t len)
{
    int32_t min = r->api != NULL ? r->api->min_compress : -1;

    return min >= 0 && len >= (size_t) min && len > 0 && status != 204
        && status != 304 && !resp_encoded(hdrs, n);
}

/* Stores the response; <*gz> is its gzip form when that was made (for
 * the client too), else left as it was. */
static void
resp_store(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body,
    struct tp_str *gz)
{
    struct tp_str names[RESP_MAX_HEADERS + 1], values[RESP_MAX_HEADERS + 1];
    struct tp_cache_entry e = { .status = (uint16_t) status, .names = names,
        .values = values };
    struct tp_worker *w = r->c->w;
    char err[256];
    size_t len;
    void *buf;
    unsigned i;

    if (body.len > TP_CACHE_ITEM_MAX) {
        return;                      /* as API Gateway: too big to cache */
    }
    if (resp_compressible(r, status, hdrs, n, body.len)
        && tp_zlib_compress(TP_CODING_GZIP, body.p, body.len, &r->c->arena,
            &e.body) == TP_OK)
    {
        e.flags = TP_CACHE_ENTRY_GZIP;
        *gz = e.body;
    } else {
        e.body = body;
    }
    names[0] = TP_STR("Content-Type");
    values[0] = ctype;
    e.nheaders = 1;
    for (i = 0; i < n && e.nheaders <= RESP_MAX_HEADERS; i++) {
        names[e.nheaders] = hdrs[i].name;
        values[e.nheaders++] = hdrs[i].value;
    }
    len = tp_cache_entry_size(&e);
    buf = tp_arena_alloc(&r->c->arena, len);
    if (buf == NULL || tp_cache_entry_encode(&e, buf, len, &len) != TP_OK) {
        return;
    }
    if (tp_cache_put(w->cache, r->cache.key, tp_clock.real_ms
            + (uint64_t) r->cache.ttl_s * 1000, buf, len, err, sizeof(err))
        == TP_ERROR)
    {
        tp_worker_cache_error(w, err);
    }
}

int
tp_respond_coding(struct tp_request *r)
{
    struct tp_str v;
    bool present;

    if (r->coding == 0) {
        present = tp_req_header_get(r, "accept-encoding", true, &v);
        r->coding = (uint8_t) (1 + tp_accept_enc_choose(present ? v.p : "",
            present ? v.len : 0, present));
    }
    return r->coding - 1;
}

/* The cache Warning, when due, as the last of <out>. */
static unsigned
resp_warning(const struct tp_request *r, struct tp_hdr_out *out, unsigned k)
{
    if (r->cache.warn) {
        out[k++] = (struct tp_hdr_out) { TP_STR("Warning"),
            TP_STR("199 - \"Cache-Control: max-age=0 ignored: not "
                "authorized to invalidate the cache\"") };
    }
    return k;
}

/*
 * Compresses when due, adds the cache Warning, and sends.  <gz>, when not
 * empty, is the body's gzip form already made (stored in the cache): a
 * gzip client gets it as it is; <body> is then NULL until another client
 * needs it inflated.
 */
static void
resp_finish(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body,
    struct tp_str gz)
{
    struct tp_hdr_out out[RESP_MAX_HEADERS + 4];
    enum tp_coding coding;
    struct tp_str z;
    unsigned k = 0, i;
    const char *why;

    for (i = 0; i < n && i < RESP_MAX_HEADERS; i++) {
        out[k++] = hdrs[i];
    }
    coding = gz.p != NULL || resp_compressible(r, status, hdrs, n, body.len)
        ? (enum tp_coding) tp_respond_coding(r) : TP_CODING_IDENTITY;
    if (gz.p != NULL && coding != TP_CODING_GZIP && body.p == NULL
        && tp_zlib_decompress(TP_CODING_GZIP, gz.p, gz.len,
            TP_CACHE_ITEM_MAX, &r->c->arena, &body, &why) != TP_OK)
    {
        tp_respond_gw(r, TP_GW_INTERNAL, NULL);
        return;
    }
    if (gz.p != NULL || resp_compressible(r, status, hdrs, n, body.len)) {
        out[k++] = (struct tp_hdr_out) { TP_STR("Vary"),
            TP_STR("Accept-Encoding") };
        if (coding == TP_CODING_GZIP && gz.p != NULL) {
            body = gz;
            out[k++] = (struct tp_hdr_out) { TP_STR("Content-Encoding"),
                TP_STR("gzip") };
        } else if (coding != TP_CODING_IDENTITY && tp_zlib_compress(coding,
                body.p, body.len, &r->c->arena, &z) == TP_OK)
        {
            body = z;
            out[k++] = (struct tp_hdr_out) { TP_STR("Content-Encoding"),
                coding == TP_CODING_GZIP ? TP_STR("gzip")
                                         : TP_STR("deflate") };
        }
    }
    k = resp_warning(r, out, k);
    tp_respond_send(r, status, ctype, out, k, body, NULL);
}

void
tp_respond_integ(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body)
{
    struct tp_str gz = TP_NULL_STR;

    if (r->cache.store && r->c->w->cache != NULL && resp_cacheable(status))
    {
        resp_store(r, status, ctype, hdrs, n, body, &gz);
    }
    resp_finish(r, status, ctype, hdrs, n, body, gz);
}

void
tp_respond_cached(struct tp_request *r, const struct tp_cache_entry *e)
{
    struct tp_hdr_out hdrs[RESP_MAX_HEADERS];
    struct tp_str ctype = TP_STR("application/json");
    bool gzip = (e->flags & TP_CACHE_ENTRY_GZIP) != 0;
    unsigned i, n = 0;

    for (i = 0; i < e->nheaders && n < RESP_MAX_HEADERS; i++) {
        if (tp_str_caseeq(e->names[i], "content-type")) {
            ctype = e->values[i];
        } else {
            hdrs[n++] = (struct tp_hdr_out) { e->names[i], e->values[i] };
        }
    }
    resp_finish(r, e->status, ctype, hdrs, n, gzip ? TP_NULL_STR : e->body,
        gzip ? e->body : TP_NULL_STR);
}

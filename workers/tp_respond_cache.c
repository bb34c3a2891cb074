/*
 * tp_respond_cache.c: the last steps of a whole response: storing it in
 * the response cache when the request missed (or refreshed) its entry,
 * compressing it when the API has a minimum compression size and the
 * client accepts gzip or deflate, and answering cache hits.  The entry is
 * stored uncompressed and compressed again on each hit that asks for it:
 * docs/BENCHMARKS.md ("Response cache") measures that choice (a gzip hit
 * of 16 KiB of JSON costs some 9 times the CPU of an identity hit) and
 * why a stored gzip copy would pay.  Workers only.
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

static void
resp_store(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body)
{
    struct tp_str names[RESP_MAX_HEADERS + 1], values[RESP_MAX_HEADERS + 1];
    struct tp_cache_entry e = { .status = (uint16_t) status, .names = names,
        .values = values, .body = body };
    struct tp_worker *w = r->c->w;
    char err[256];
    size_t len;
    void *buf;
    unsigned i;

    if (body.len > TP_CACHE_ITEM_MAX) {
        return;                      /* as API Gateway: too big to cache */
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

/* Compresses when due, adds the cache Warning, and sends. */
static void
resp_finish(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body)
{
    struct tp_hdr_out out[RESP_MAX_HEADERS + 4];
    int32_t min = r->api != NULL ? r->api->min_compress : -1;
    struct tp_str v, z;
    unsigned k = 0, i;
    enum tp_coding coding;

    for (i = 0; i < n && i < RESP_MAX_HEADERS; i++) {
        out[k++] = hdrs[i];
    }
    if (min >= 0 && body.len >= (size_t) min && status != 204
        && status != 304 && !resp_encoded(hdrs, n))
    {
        bool present = tp_req_header_get(r, "accept-encoding", true, &v);

        coding = tp_accept_enc_choose(present ? v.p : "", present ? v.len : 0,
            present);
        out[k++] = (struct tp_hdr_out) { TP_STR("Vary"),
            TP_STR("Accept-Encoding") };
        if (coding != TP_CODING_IDENTITY && tp_zlib_compress(coding, body.p,
                body.len, &r->c->arena, &z) == TP_OK)
        {
            body = z;
            out[k++] = (struct tp_hdr_out) { TP_STR("Content-Encoding"),
                coding == TP_CODING_GZIP ? TP_STR("gzip")
                                         : TP_STR("deflate") };
        }
    }
    if (r->cache.warn) {
        out[k++] = (struct tp_hdr_out) { TP_STR("Warning"),
            TP_STR("199 - \"Cache-Control: max-age=0 ignored: not "
                "authorized to invalidate the cache\"") };
    }
    tp_respond_send(r, status, ctype, out, k, body, NULL);
}

void
tp_respond_integ(struct tp_request *r, int status, struct tp_str ctype,
    const struct tp_hdr_out *hdrs, unsigned n, struct tp_str body)
{
    if (r->cache.store && r->c->w->cache != NULL && resp_cacheable(status))
    {
        resp_store(r, status, ctype, hdrs, n, body);
    }
    resp_finish(r, status, ctype, hdrs, n, body);
}

void
tp_respond_cached(struct tp_request *r, const struct tp_cache_entry *e)
{
    struct tp_hdr_out hdrs[RESP_MAX_HEADERS];
    struct tp_str ctype = TP_STR("application/json");
    unsigned i, n = 0;

    for (i = 0; i < e->nheaders && n < RESP_MAX_HEADERS; i++) {
        if (tp_str_caseeq(e->names[i], "content-type")) {
            ctype = e->values[i];
        } else {
            hdrs[n++] = (struct tp_hdr_out) { e->names[i], e->values[i] };
        }
    }
    resp_finish(r, e->status, ctype, hdrs, n, e->body);
}

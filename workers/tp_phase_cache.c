/*
 * tp_phase_cache.c: the response cache on the request path.  A request
 * its stage caches is answered from data_dir/cache when an unexpired entry
 * exists (CacheHitCount); otherwise it goes on to its integration, whose
 * response is stored (CacheMissCount).  "Cache-Control: max-age=0" asks
 * for a fresh response: allowed when the stage does not require
 * authorization for it or the caller is an IAM principal allowed
 * execute-api:InvalidateCache, else the stage's unauthorized strategy
 * applies (403, or the header is ignored with or without a Warning).  Any cache
 * error bypasses the cache.  Workers only.
 */
#include "tp_auth.h"
#include "tp_cache.h"
#include "tp_cache_entry.h"
#include "tp_cache_key.h"
#include "tp_log.h"
#include "tp_mapping.h"
#include "tp_pipeline.h"
#include "tp_respond.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <strings.h>

/* "Cache-Control: max-age=0" among the request's directives. */
static bool
cache_refresh_asked(const struct tp_request *r)
{
    struct tp_str v;
    const char *p, *end;

    if (!tp_req_header_get(r, "cache-control", true, &v)) {
        return false;
    }
    for (p = v.p, end = v.p + v.len; p < end; p++) {
        if ((size_t) (end - p) >= 9 && strncasecmp(p, "max-age=0", 9) == 0
            && (p == v.p || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t')
            && (p + 9 == end || p[9] == ',' || p[9] == ' ' || p[9] == ';'))
        {
            return true;
        }
    }
    return false;
}

/*
 * May this caller invalidate its entry?  When the stage asks for
 * authorization, only an IAM principal (an AWS_IAM route's signed
 * request) whose policies allow execute-api:InvalidateCache on the method
 * ARN may.
 */
static bool
cache_may_refresh(struct tp_request *r)
{
    return !r->stage->cache.require_auth
        || tp_auth_iam_may(r, "execute-api:InvalidateCache");
}

static void
cache_release(struct tp_worker *w)
{
    tp_cache_get_end(w->cache);
}

/*
 * Answers from the entry, which <val> points to in place, in the cache's
 * read transaction: true, and <r> may be gone (the response may have
 * ended the request); false when the entry is damaged.  The response
 * points into the entry (headers are copied into the head, the body is
 * sent from the map), so tp_client_send copies what the socket does not
 * take at once and ends the transaction (r->out_release) before the
 * request can end and the next pipelined one start.
 */
static bool
cache_hit(struct tp_request *r, const void *val, size_t len)
{
    struct tp_cache_entry e;

    if (tp_cache_entry_decode(val, len, &e, &r->c->arena) != TP_OK) {
        tp_log(TP_LOG_WARN, 0, "cache: a damaged entry was ignored");
        r->cache.store = true;       /* replace it */
        return false;
    }
    r->cache.hit = true;
    r->cache.store = false;
    r->out_release = cache_release;
    tp_respond_cached(r, &e);
    return true;
}

int
tp_phase_cache(struct tp_request *r)
{
    struct tp_worker *w = r->c->w;
    const void *val;
    size_t len;
    uint64_t expires;
    int rc;

    if (w->cache == NULL || !tp_cache_key_plan(r)) {
        return TP_PHASE_CONTINUE;
    }
    if (tp_cache_key_make(r) != TP_OK) {
        return TP_PHASE_CONTINUE;
    }
    r->cache.store = r->msg.method != TP_HTTP_HEAD;
    if (cache_refresh_asked(r)) {
        if (cache_may_refresh(r)) {
            r->cache.miss = true;
            return TP_PHASE_CONTINUE;        /* fetch and replace */
        }
        switch (r->stage->cache.unauth) {
        case TP_CACHE_FAIL_403:
            r->cache.store = false;
            tp_respond_gw(r, TP_GW_ACCESS_DENIED, "User is not authorized "
                "to invalidate the cache");
            return TP_PHASE_DONE;
        case TP_CACHE_IGNORE_WARN:
            r->cache.warn = true;
            break;
        default:
            break;
        }
    }
    rc = tp_cache_get_ref(w->cache, r->cache.key, tp_clock.real_ms, &val,
        &len, &expires);
    if (rc == TP_OK) {
        bool hit = cache_hit(r, val, len);

        /* Normally ended by the send; not when no response was sent (no
         * memory for its head) or the entry was damaged. */
        tp_cache_get_end(w->cache);
        if (hit) {
            return TP_PHASE_DONE;
        }
    } else if (rc == TP_ERROR) {
        r->cache.store = false;      /* bypass: never fail the request */
        tp_worker_cache_error(w, "lookup");
        return TP_PHASE_CONTINUE;
    }
    r->cache.miss = true;
    return TP_PHASE_CONTINUE;
}

/*
 * tp_jwks_fetch.c: a worker's copy of an authorizer's key set from an
 * https URL, and the GET exchange that fetches it (see tp_jwks_fetch.h).
 *
 * One exchange per authorizer at a time; every request that needs the
 * keys meanwhile waits on it.  With OIDC discovery the exchange is two
 * documents on two connections: {issuer}/.well-known/openid-configuration
 * (whose "issuer" must be the configured one and whose "jwks_uri" must be
 * on the same origin, the only one resolved at load), then the JWKS.  The
 * JWKS path found stays for the worker's life, until a fetch of it fails.
 *
 *   IDLE -> CONNECT -> SEND -> RECV -> (discovery: CONNECT again) -> IDLE
 *
 * Any failure (connect, TLS, timeout, status, content type, size, JSON,
 * no usable key) ends the exchange: the old keys, if any, stay.
 */
#include "tp_jwks_fetch.h"
#include "tp_json.h"
#include "tp_jwt.h"
#include "tp_log.h"
#include "tp_siphash.h"
#include "tp_sock.h"
#include "tp_time.h"
#include "tp_upx.h"
#include "tp_worker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define JF_HEAD_MAX   16384
#define JF_BUF_CAP    (JF_HEAD_MAX + TP_JWKS_MAX_SIZE + 8192)

static void jf_event(void *owner, int what, uint32_t events);
static void jf_timeout(struct tp_timer *t);
static int jf_start(struct tp_jwks_state *st);

struct tp_jwks_state *
tp_jwks_state_new(struct tp_worker *w, const struct tp_authorizer *az)
{
    struct tp_jwks_state *st = calloc(1, sizeof(*st));

    if (st != NULL) {
        st->w = w;
        st->az = az;
        tp_timer_init(&st->timer, jf_timeout);
    }
    return st;
}

/* ---- waiters ---- */

int
tp_jwks_wait(struct tp_jwks_state *st, struct tp_jwks_waiter *wt,
    enum tp_jwks_need need)
{
    uint64_t now = tp_clock.mono_ms;

    if (st->phase == TP_JF_IDLE) {
        if (need == TP_JWKS_NEED_KEYS && st->failed_ms != 0
            && now - st->failed_ms < TP_JWKS_RETRY_MS)
        {
            return TP_DECLINED;
        }
        if (need == TP_JWKS_NEED_KID && st->kid_ms != 0
            && now - st->kid_ms < TP_JWKS_KID_EVERY_MS)
        {
            return TP_DECLINED;
        }
        if (need == TP_JWKS_NEED_KID) {
            st->kid_ms = now;
        }
        if (jf_start(st) != TP_OK) {
            return TP_DECLINED;
        }
    }
    wt->st = st;
    wt->prev = NULL;
    wt->next = st->waiters;
    if (st->waiters != NULL) {
        st->waiters->prev = wt;
    }
    st->waiters = wt;
    return TP_AGAIN;
}

void
tp_jwks_cancel(struct tp_jwks_waiter *wt)
{
    struct tp_jwks_state *st = wt->st;

    if (st == NULL) {
        return;
    }
    if (wt->prev != NULL) {
        wt->prev->next = wt->next;
    } else {
        st->waiters = wt->next;
    }
    if (wt->next != NULL) {
        wt->next->prev = wt->prev;
    }
    wt->st = NULL;
}

/* The exchange ended: every waiter goes on, one at a time (each may end
 * its request, and with it that request's arena). */
static void
jf_wake(struct tp_jwks_state *st)
{
    struct tp_jwks_waiter *wt;

    while ((wt = st->waiters) != NULL) {
        tp_jwks_cancel(wt);
        wt->done(wt);
    }
}

const struct tp_jwks *
tp_jwks_current(struct tp_jwks_state *st)
{
    uint64_t now = tp_clock.mono_ms;

    if (st->keys != NULL && st->phase == TP_JF_IDLE
        && now - st->fetched_ms >= TP_JWKS_MAX_AGE_MS
        && (st->failed_ms == 0 || now - st->failed_ms >= TP_JWKS_RETRY_MS)
        && !st->w->draining)
    {
        (void) jf_start(st);         /* stale: refresh in the background */
    }
    return st->keys;
}

/* ---- the exchange ---- */

static void
jf_close(struct tp_jwks_state *st)
{
    tp_timer_del(&st->w->loop.timers, &st->timer);
    if (st->up != NULL) {
        tp_upstream_release(st->up, false);
        st->up = NULL;
    }
    free(st->buf);
    st->buf = NULL;
    st->phase = TP_JF_IDLE;
}

/* Ends the exchange as failed, with the reason logged. */
static void
jf_fail(struct tp_jwks_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
jf_fail(struct tp_jwks_state *st, const char *fmt, ...)
{
    char why[sizeof(st->error)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);    /* <fmt> may use st->error */
    va_end(ap);
    memcpy(st->error, why, sizeof(why));
    if (st->discovery || st->az->jwks_path != NULL) {
        tp_log(TP_LOG_ERROR, 0, "authorizer \"%s\": %s %s: %s%s",
            st->az->name, st->discovery ? "OIDC discovery" : "JWKS",
            st->az->jwks_url, st->error, st->keys != NULL
            ? " (the keys fetched before stay in use)" : "");
    } else {
        tp_log(TP_LOG_ERROR, 0, "authorizer \"%s\": JWKS https://%s%s: "
            "%s%s", st->az->name, st->az->jwks_backend->hostport,
            st->jwks_path != NULL ? st->jwks_path : "", st->error,
            st->keys != NULL ? " (the keys fetched before stay in use)"
            : "");
    }
    if (!st->discovery && st->az->jwks_path == NULL) {
        free(st->jwks_path);         /* discover it again next time */
        st->jwks_path = NULL;
    }
    st->failed_ms = tp_clock.mono_ms;
    jf_close(st);
    jf_wake(st);
}

static int
jf_connect(struct tp_jwks_state *st)
{
    const struct tp_backend *be = st->az->jwks_backend;
    const char *path = st->discovery ? st->az->discovery_path
        : st->az->jwks_path != NULL ? st->az->jwks_path : st->jwks_path;
    int n;

    if (be->addrlen == 0) {
        snprintf(st->error, sizeof(st->error), "cannot resolve host \"%s\"",
            be->host);
        return TP_ERROR;
    }
    n = snprintf(st->req, sizeof(st->req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
        "Accept: application/json\r\nUser-Agent: turnpike\r\n"
        "Connection: close\r\n\r\n", path, be->hostport);
    if (n < 0 || (size_t) n >= sizeof(st->req)) {
        snprintf(st->error, sizeof(st->error), "URL too long");
        return TP_ERROR;
    }
    st->req_len = (size_t) n;
    st->req_off = 0;
    st->len = st->raw = st->body_end = 0;
    st->head_done = st->chunked = false;
    memset(&st->ch, 0, sizeof(st->ch));
    tp_http_msg_init(&st->msg);
    st->buf = st->buf != NULL ? st->buf : malloc(JF_BUF_CAP);
    if (st->buf == NULL) {
        snprintf(st->error, sizeof(st->error), "out of memory");
        return TP_ERROR;
    }
    st->up = tp_upstream_get(st->w, st->az->jwks_backend, true, st,
        jf_event);
    if (st->up == NULL) {
        snprintf(st->error, sizeof(st->error), "%s", strerror(errno));
        return TP_ERROR;
    }
    st->phase = TP_JF_CONNECT;
    (void) tp_timer_set(&st->w->loop.timers, &st->timer,
        tp_clock.mono_ms + TP_JWKS_TIMEOUT_MS);
    return TP_OK;
}

static int
jf_start(struct tp_jwks_state *st)
{
    st->started_ms = tp_clock.mono_ms;
    st->discovery = st->az->jwks_path == NULL && st->jwks_path == NULL;
    if (jf_connect(st) != TP_OK) {
        jf_fail(st, "%s", st->error);
        return TP_ERROR;
    }
    return TP_OK;
}

static void
jf_timeout(struct tp_timer *t)
{
    struct tp_jwks_state *st = TP_CONTAINER_OF(t, struct tp_jwks_state,
        timer);

    jf_fail(st, "timed out after %d ms", TP_JWKS_TIMEOUT_MS);
}

/* Whether Content-Type is JSON: application/json or any +json type. */
static bool
jf_json_type(const struct tp_jwks_state *st)
{
    int i = tp_http_find_header(&st->msg, st->buf, "content-type", 0);
    const char *v;
    size_t n;

    if (i < 0) {
        return false;
    }
    v = st->buf + st->msg.hdrs[i].value_off;
    n = strcspn(v, ";");
    if (n > st->msg.hdrs[i].value_len) {
        n = st->msg.hdrs[i].value_len;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) {
        n--;
    }
    return (n == 16 && strncasecmp(v, "application/json", 16) == 0)
        || (n > 5 && strncasecmp(v + n - 5, "+json", 5) == 0);
}

/* The discovery document: its jwks_uri on our origin becomes the path. */
static int
jf_discovered(struct tp_jwks_state *st, const char *body, size_t len)
{
    const struct tp_backend *be = st->az->jwks_backend;
    struct tp_arena a;
    struct tp_json d;
    const char *uri, *iss, *p;
    char err[128];
    size_t hl;
    int rc = TP_ERROR;

    tp_arena_init(&a, 4096);
    if (tp_json_parse(&d, &a, body, len, err, sizeof(err)) != TP_OK
        || tp_json_type(&d, 0) != TP_JSON_OBJECT)
    {
        snprintf(st->error, sizeof(st->error), "not a JSON object");
        goto done;
    }
    iss = tp_json_str(&d, tp_json_get(&d, 0, "issuer"), &a, NULL);
    uri = tp_json_str(&d, tp_json_get(&d, 0, "jwks_uri"), &a, NULL);
    if (iss == NULL || strcmp(iss, st->az->jwt->issuer) != 0) {
        /* OIDC Discovery 4.3: it must be the issuer it was fetched for */
        snprintf(st->error, sizeof(st->error), "its issuer is not \"%s\"",
            st->az->jwt->issuer);
        goto done;
    }
    hl = strlen(be->hostport);
    if (uri == NULL || strncasecmp(uri, "https://", 8) != 0
        || strncasecmp(uri + 8, be->hostport, hl) != 0
        || (uri[8 + hl] != '/' && uri[8 + hl] != '\0')
        || strcspn(uri, " \t\r\n") != strlen(uri))
    {
        snprintf(st->error, sizeof(st->error), "jwks_uri %s%.80s%s is not "
            "on https://%s (set the authorizer's jwks to it)", uri != NULL
            ? "\"" : "", uri != NULL ? uri : "(none)", uri != NULL ? "\""
            : "", be->hostport);
        goto done;
    }
    p = uri[8 + hl] == '\0' ? "/" : uri + 8 + hl;
    st->jwks_path = strndup(p, strcspn(p, "#"));
    if (st->jwks_path == NULL) {
        snprintf(st->error, sizeof(st->error), "out of memory");
        goto done;
    }
    rc = TP_OK;
done:
    tp_arena_free(&a);
    return rc;
}

/* The JWKS document: a set with a usable key replaces the old one. */
static int
jf_keys(struct tp_jwks_state *st, const char *body, size_t len)
{
    uint64_t seed[2] = { 0x6a776b73, (uint64_t) st->az->id };
    uint64_t h = tp_siphash(seed, body, len);
    struct tp_jwks *set;
    char err[200];

    if (st->keys != NULL && h == st->doc_hash) {
        return TP_OK;                /* the same document: same keys */
    }
    set = tp_jwks_parse(body, len, err, sizeof(err));
    if (set == NULL) {
        snprintf(st->error, sizeof(st->error), "%s", err);
        return TP_ERROR;
    }
    if (set->nkeys == 0) {
        snprintf(st->error, sizeof(st->error), "no usable key%s%s",
            set->nskipped > 0 ? ": " : " (\"keys\" is empty)",
            set->nskipped > 0 ? set->skipped[0].why : "");
        tp_jwks_free(set);
        return TP_ERROR;
    }
    tp_jwks_free(st->keys);
    st->keys = set;
    st->doc_hash = h;
    st->gen++;                       /* cached tokens of old keys: misses */
    tp_log(TP_LOG_INFO, 0, "authorizer \"%s\": %d keys from %s",
        st->az->name, set->nkeys, st->az->jwks_url);
    return TP_OK;
}

/* The whole response is in: its body goes to discovery or the keys. */
static void
jf_complete(struct tp_jwks_state *st)
{
    const char *body = st->buf + st->msg.head_len;
    size_t len = st->body_end - st->msg.head_len;
    bool discovery = st->discovery;
    int rc;

    rc = discovery ? jf_discovered(st, body, len) : jf_keys(st, body, len);
    if (rc != TP_OK) {
        jf_fail(st, "%s", st->error);
        return;
    }
    tp_timer_del(&st->w->loop.timers, &st->timer);
    tp_upstream_release(st->up, false);
    st->up = NULL;
    if (discovery) {
        st->discovery = false;       /* now the JWKS itself */
        if (jf_connect(st) != TP_OK) {
            jf_fail(st, "%s", st->error);
        }
        return;
    }
    st->fetched_ms = tp_clock.mono_ms;
    st->failed_ms = 0;
    st->error[0] = '\0';
    jf_close(st);
    jf_wake(st);
}

/* The head is in: 200 and JSON, with a body that can fit. */
static int
jf_head(struct tp_jwks_state *st)
{
    const struct tp_http_msg *m = &st->msg;

    if (m->status != 200) {
        snprintf(st->error, sizeof(st->error), "status %u", m->status);
        return TP_ERROR;
    }
    if (!jf_json_type(st)) {
        snprintf(st->error, sizeof(st->error), "not a JSON response "
            "(Content-Type)");
        return TP_ERROR;
    }
    if (m->content_length > TP_JWKS_MAX_SIZE) {
        snprintf(st->error, sizeof(st->error), "response larger than "
            "%d bytes", TP_JWKS_MAX_SIZE);
        return TP_ERROR;
    }
    st->head_done = true;
    st->chunked = (m->flags & TP_HTTP_F_CHUNKED) != 0;
    st->raw = st->body_end = m->head_len;
    return TP_OK;
}

/* Whatever has been read: TP_DONE once the response is complete. */
static int
jf_progress(struct tp_jwks_state *st, bool eof)
{
    struct tp_http_limits lim = { 8192, JF_HEAD_MAX };
    int rc;

    if (!st->head_done) {
        rc = tp_http_parse_response(&st->msg, st->buf, st->len, &lim);
        if (rc == TP_AGAIN && !eof) {
            return TP_AGAIN;
        }
        if (rc != TP_OK) {
            snprintf(st->error, sizeof(st->error), "%s", rc == TP_AGAIN
                ? "closed before a response" : "malformed response");
            return TP_ERROR;
        }
        if (jf_head(st) != TP_OK) {
            return TP_ERROR;
        }
    }
    if (st->chunked) {
        rc = tp_upx_dechunk(&st->ch, st->buf, st->len, &st->raw,
            &st->body_end);
        if (rc == TP_ERROR) {
            snprintf(st->error, sizeof(st->error), "bad chunked framing");
        }
    } else {
        st->body_end = st->len;
        rc = st->msg.content_length >= 0 && st->len - st->msg.head_len
            >= (uint64_t) st->msg.content_length ? TP_DONE : TP_AGAIN;
        if (rc == TP_DONE) {
            st->body_end = st->msg.head_len
                + (size_t) st->msg.content_length;
        }
    }
    if (rc == TP_AGAIN && eof) {
        if (st->chunked || st->msg.content_length >= 0) {
            snprintf(st->error, sizeof(st->error), "closed mid-body");
            return TP_ERROR;
        }
        return TP_DONE;              /* the body ends with the close */
    }
    if (rc != TP_ERROR && st->body_end - st->msg.head_len
        > TP_JWKS_MAX_SIZE)
    {
        snprintf(st->error, sizeof(st->error), "response larger than %d "
            "bytes", TP_JWKS_MAX_SIZE);
        return TP_ERROR;
    }
    return rc;
}

static int
jf_send(struct tp_jwks_state *st)
{
    int rc = tp_upx_send(st->up, st->req, st->req_len, &st->req_off);

    if (rc == TP_ERROR) {
        snprintf(st->error, sizeof(st->error), "send failed");
    } else if (rc == TP_OK) {
        st->phase = TP_JF_RECV;
    }
    return rc;
}

static void
jf_recv(struct tp_jwks_state *st)
{
    ssize_t n;
    int rc;

    for (;;) {
        if (st->len == JF_BUF_CAP) {
            jf_fail(st, "response larger than %d bytes", TP_JWKS_MAX_SIZE);
            return;
        }
        n = tp_sock_read(&st->up->sock, st->buf + st->len,
            JF_BUF_CAP - st->len);
        if (n == TP_AGAIN) {
            return;
        }
        if (n < 0) {
            jf_fail(st, "read failed");
            return;
        }
        st->len += (size_t) n;
        rc = jf_progress(st, n == 0);
        if (rc == TP_ERROR) {
            jf_fail(st, "%s", st->error);
            return;
        }
        if (rc == TP_DONE) {
            jf_complete(st);
            return;
        }
        if (n == 0) {
            return;                  /* not reached: EOF ends it above */
        }
    }
}

static void
jf_event(void *owner, int what, uint32_t events)
{
    struct tp_jwks_state *st = owner;
    int rc;

    (void) events;
    if (what == TP_UP_FAILED) {
        jf_fail(st, "cannot connect%s: %s", st->az->jwks_backend->tls
            ? " (or TLS handshake failed)" : "", strerror(st->up->error));
        return;
    }
    if (st->phase == TP_JF_CONNECT) {
        st->phase = TP_JF_SEND;
    }
    if (st->phase == TP_JF_SEND) {
        rc = jf_send(st);
        if (rc == TP_ERROR) {
            jf_fail(st, "%s", st->error);
            return;
        }
        if (rc == TP_AGAIN) {
            return;
        }
    }
    if (st->phase == TP_JF_RECV) {
        jf_recv(st);
    }
}

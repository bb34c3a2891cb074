/*
 * tp_fn.c: tp_fn_invoke() for local functions: one connection per worker
 * to its generation's function host (tp_fnhost.h), opened on the first
 * invocation and again after it breaks, carrying INVOKE frames out and
 * RESULT frames back (tp_fnproto.h), never blocking the worker's loop.
 *
 * Connection states: CLOSED (no socket; the next invoke connects) ->
 * OPEN (frames flow).  A broken connection fails every call in flight
 * with TP_FN_UNAVAILABLE and returns to CLOSED.  A call whose connection
 * cannot be made fails the same way, from a posted event, so that <done>
 * never runs inside tp_fn_invoke().  A cancelled call stays in the list
 * (its id must still match its RESULT) without a callback.
 */
#include "tp_fn.h"
#include "tp_fnhost.h"
#include "tp_fnproto.h"
#include "tp_log.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define FN_READ_CHUNK      65536
#define FN_REPORT_EVERY_MS 10000

struct tp_fn_call {
    struct tp_fn_client *cl;
    struct tp_fn_call *next;
    uint32_t id;
    tp_fn_done done;                 /* NULL: cancelled */
    void *ctx;
};

struct fn_out {
    struct fn_out *next;
    size_t len;
    uint8_t data[];
};

struct tp_fn_client {
    struct tp_worker *w;
    struct tp_ev ev;                 /* fd -1: CLOSED */
    struct tp_ev fail_ev;            /* posted: fails <failed> */
    struct tp_fn_call *calls;        /* sent or queued, awaiting RESULT */
    struct tp_fn_call *failed;       /* to be told UNAVAILABLE */
    uint32_t next_id;
    struct fn_out *out, **out_tail;
    size_t out_off;
    uint8_t *in;
    size_t in_len, in_cap;
    unsigned closes;                 /* fn_close() calls: a callback may
                                        close (and reopen) the connection */
    uint64_t reported;               /* mono ms of the last connect error */
};

static void
fn_report(struct tp_fn_call *call, const struct tp_fn_result *res)
{
    if (call->done != NULL) {
        call->done(call->ctx, res);
    }
    free(call);
}

static void
fn_fail_posted(struct tp_ev *ev, uint32_t events)
{
    struct tp_fn_client *cl = TP_CONTAINER_OF(ev, struct tp_fn_client,
        fail_ev);
    struct tp_fn_call *call;
    struct tp_fn_result res;

    (void) events;
    memset(&res, 0, sizeof(res));
    res.status = TP_FN_UNAVAILABLE;
    res.error_type = "ServiceException";
    while ((call = cl->failed) != NULL) {
        cl->failed = call->next;
        fn_report(call, &res);
    }
}

/* The connection is gone: every call in flight fails (posted). */
static void
fn_close(struct tp_fn_client *cl)
{
    struct fn_out *o, *next;
    struct tp_fn_call **tail;

    if (cl->ev.fd >= 0) {
        tp_loop_del(&cl->w->loop, &cl->ev);
        close(cl->ev.fd);
        cl->ev.fd = -1;
    }
    for (o = cl->out; o != NULL; o = next) {
        next = o->next;
        free(o);
    }
    cl->out = NULL;
    cl->out_tail = &cl->out;
    cl->out_off = 0;
    cl->in_len = 0;
    cl->closes++;
    for (tail = &cl->failed; *tail != NULL; tail = &(*tail)->next) {
    }
    *tail = cl->calls;
    cl->calls = NULL;
    if (cl->failed != NULL) {
        tp_loop_post(&cl->w->loop, &cl->fail_ev);
    }
}

static void
fn_flush(struct tp_fn_client *cl)
{
    while (cl->out != NULL) {
        struct fn_out *o = cl->out;
        ssize_t n = send(cl->ev.fd, o->data + cl->out_off,
            o->len - cl->out_off, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                tp_log(TP_LOG_ERROR, errno, "function host connection");
                fn_close(cl);
            }
            return;
        }
        cl->out_off += (size_t) n;
        if (cl->out_off == o->len) {
            cl->out = o->next;
            cl->out_off = 0;
            free(o);
        }
    }
    cl->out_tail = &cl->out;
}

static void
fn_result(struct tp_fn_client *cl, const struct tp_fnmsg *m)
{
    struct tp_fn_call **pp, *call;
    struct tp_fn_result res;
    char etype[TP_FNPROTO_MAX_NAME + 1];

    for (pp = &cl->calls; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->id == m->call) {
            break;
        }
    }
    if (*pp == NULL) {
        return;                      /* not ours (any more) */
    }
    call = *pp;
    *pp = call->next;
    memset(&res, 0, sizeof(res));
    res.status = (enum tp_fn_status) m->status;
    if (m->name.len > 0) {
        memcpy(etype, m->name.p, m->name.len);
        etype[m->name.len] = '\0';
        res.error_type = etype;
    }
    res.payload = m->payload;
    res.duration_ms = m->duration_ms;
    res.cold = m->cold;
    fn_report(call, &res);
}

static int
fn_frames(struct tp_fn_client *cl)
{
    size_t off = 0, flen;
    unsigned closes = cl->closes;
    struct tp_fnmsg m;
    int rc;

    while ((rc = tp_fnproto_decode(cl->in + off, cl->in_len - off, &m,
                &flen)) == TP_OK)
    {
        if (m.type != TP_FNPROTO_RESULT) {
            return TP_ERROR;
        }
        fn_result(cl, &m);
        if (cl->closes != closes) {
            return TP_OK;            /* closed by a callback */
        }
        off += flen;
    }
    if (rc == TP_ERROR) {
        return TP_ERROR;
    }
    memmove(cl->in, cl->in + off, cl->in_len - off);
    cl->in_len -= off;
    if (flen > cl->in_cap) {
        uint8_t *p = realloc(cl->in, flen);

        if (p == NULL) {
            return TP_ERROR;
        }
        cl->in = p;
        cl->in_cap = flen;
    }
    return TP_OK;
}

static void
fn_event(struct tp_ev *ev, uint32_t events)
{
    struct tp_fn_client *cl = TP_CONTAINER_OF(ev, struct tp_fn_client, ev);
    unsigned closes;
    size_t room;
    ssize_t n;

    if (events & EPOLLOUT) {
        fn_flush(cl);
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        return;                      /* write-ready only: each read
                                        before emptied the socket */
    }
    while (cl->ev.fd >= 0) {
        if (cl->in_cap - cl->in_len < 4096) {
            size_t cap = cl->in_cap + FN_READ_CHUNK;
            uint8_t *p = realloc(cl->in, cap);

            if (p == NULL) {
                fn_close(cl);
                return;
            }
            cl->in = p;
            cl->in_cap = cap;
        }
        room = cl->in_cap - cl->in_len;
        n = read(cl->ev.fd, cl->in + cl->in_len, room);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            tp_log(TP_LOG_WARN, n < 0 ? errno : 0, "the function host "
                "closed its connection");
            fn_close(cl);
            return;
        }
        if (n < 0) {
            return;
        }
        cl->in_len += (size_t) n;
        closes = cl->closes;
        if (fn_frames(cl) != TP_OK) {
            tp_log(TP_LOG_ERROR, 0, "the function host sent a malformed "
                "frame");
            fn_close(cl);
            return;
        }
        if (cl->closes != closes) {
            return;                  /* a new connection: its own events */
        }
        if (tp_loop_read_drained(n, room, events)) {
            return;
        }
    }
}

static int
fn_connect(struct tp_fn_client *cl)
{
    struct sockaddr_un sa;
    int fd;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (tp_fnhost_sock_path(cl->w->cycle, sa.sun_path,
            sizeof(sa.sun_path))[0] == '\0')
    {
        return TP_ERROR;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return TP_ERROR;
    }
    /* A Unix stream connect completes at once or fails (EAGAIN: the
     * host's backlog is full, as good as down). */
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        /* Once in a while: every invocation fails the same way. */
        if (cl->reported == 0
            || tp_clock.mono_ms - cl->reported >= FN_REPORT_EVERY_MS)
        {
            cl->reported = tp_clock.mono_ms;
            tp_log(TP_LOG_ERROR, errno, "cannot reach the function host at "
                "\"%s\"", sa.sun_path);
        }
        close(fd);
        return TP_ERROR;
    }
    cl->ev.fd = fd;
    if (tp_loop_add(&cl->w->loop, &cl->ev) != TP_OK) {
        close(fd);
        cl->ev.fd = -1;
        return TP_ERROR;
    }
    return TP_OK;
}

static struct tp_fn_client *
fn_client(struct tp_worker *w)
{
    struct tp_fn_client *cl = w->fn;

    if (cl == NULL) {
        cl = calloc(1, sizeof(*cl));
        if (cl == NULL) {
            return NULL;
        }
        cl->w = w;
        cl->ev.fd = -1;
        cl->ev.handler = fn_event;
        cl->fail_ev.fd = 0;          /* posted handlers need fd >= 0 */
        cl->fail_ev.handler = fn_fail_posted;
        cl->out_tail = &cl->out;
        w->fn = cl;
    }
    return cl;
}

struct tp_fn_call *
tp_fn_invoke(struct tp_worker *w, const char *function,
    struct tp_str payload, const char *request_id, bool event,
    tp_fn_done done, void *ctx)
{
    return tp_fn_invoke_ctx(w, function, payload, request_id, event,
        TP_NULL_STR, done, ctx);
}

struct tp_fn_call *
tp_fn_invoke_ctx(struct tp_worker *w, const char *function,
    struct tp_str payload, const char *request_id, bool event,
    struct tp_str client_ctx, tp_fn_done done, void *ctx)
{
    struct tp_fn_client *cl = fn_client(w);
    struct tp_fn_call *call;
    struct tp_fnmsg m;
    struct fn_out *o;
    uint8_t head[TP_FNPROTO_HEAD_MAX];
    size_t hl;

    if (cl == NULL || payload.len > TP_FNPROTO_MAX_PAYLOAD) {
        return NULL;
    }
    memset(&m, 0, sizeof(m));
    m.type = TP_FNPROTO_INVOKE;
    m.event = event;
    m.call = ++cl->next_id;
    m.name.p = function;
    m.name.len = strlen(function);
    if (request_id != NULL) {
        m.request_id.p = request_id;
        m.request_id.len = strlen(request_id);
    }
    m.client_ctx = client_ctx;
    m.payload = payload;
    hl = tp_fnproto_encode_head(&m, head);
    call = calloc(1, sizeof(*call));
    o = hl > 0 ? malloc(sizeof(*o) + hl + payload.len) : NULL;
    if (call == NULL || o == NULL) {
        free(call);
        free(o);
        return NULL;
    }
    call->cl = cl;
    call->id = m.call;
    call->done = done;
    call->ctx = ctx;
    if (cl->ev.fd < 0 && fn_connect(cl) != TP_OK) {
        free(o);
        call->next = cl->failed;
        cl->failed = call;
        tp_loop_post(&w->loop, &cl->fail_ev);
        return call;
    }
    o->next = NULL;
    o->len = hl + payload.len;
    memcpy(o->data, head, hl);
    if (payload.len > 0) {
        memcpy(o->data + hl, payload.p, payload.len);
    }
    *cl->out_tail = o;
    cl->out_tail = &o->next;
    call->next = cl->calls;
    cl->calls = call;
    fn_flush(cl);
    return call;
}

void
tp_fn_cancel(struct tp_fn_call *call)
{
    if (call != NULL) {
        call->done = NULL;
        call->ctx = NULL;
    }
}

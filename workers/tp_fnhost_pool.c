/*
 * tp_fnhost_pool.c: each function's instances and queue in the function
 * host: warm instances started ahead (and again, with back-off, when
 * they die), invocations handed to a free instance or to a new one while
 * `concurrency` allows, else queued for at most FH_QUEUE_WAIT_MS (then
 * TP_FN_THROTTLED); a per-invocation deadline (the instance is killed:
 * TP_FN_TIMEOUT), crash and init-error detection (TP_FN_CRASHED), idle
 * instances above `warm` stopped after the function's idle_timeout.  The
 * function's log (data_dir/functions/<name>.log) gets the instances'
 * stdout and stderr and Lambda's START / END / REPORT lines.
 */
#include "tp_fnhost_int.h"
#include "tp_cycle.h"
#include "tp_log.h"
#include "tp_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define QUICK_FAIL_MS   2000         /* died this soon: back off */
#define BACKOFF_MIN_MS  1000
#define BACKOFF_MAX_MS  30000

static void pool_dispatch(struct fh_pool *p);
static void pool_refill(struct fh_pool *p);

static void
pool_log(struct fh_pool *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pool_log(struct fh_pool *p, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    if (p->log_fd < 0) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    n = TP_MIN(n, (int) sizeof(line) - 2);
    line[n++] = '\n';
    (void) !write(p->log_fd, line, (size_t) n);
}

static int
pool_log_open(struct fh_pool *p)
{
    char name[128];
    int fd, dfd = tp_proc.cycle->data_fd;

    if (dfd < 0) {
        return TP_ERROR;
    }
    (void) mkdirat(dfd, "functions", 0750);
    snprintf(name, sizeof(name), "functions/%s.log", p->fn->name);
    fd = openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        tp_log(TP_LOG_ERROR, errno, "function \"%s\": cannot open "
            "data_dir/%s; its output is lost", p->fn->name, name);
        return TP_ERROR;
    }
    if (p->log_fd >= 0) {
        close(p->log_fd);
    }
    p->log_fd = fd;
    return TP_OK;
}

/*
 * Max Memory Used of REPORT: the instance's peak resident set (VmHWM of
 * its /proc/PID/status, which stays open), as last read.  Read on the
 * instance's first REPORT and then at most every FH_MEM_SAMPLE_MS, so a
 * peak reached within that time of the last reading shows in a later
 * REPORT; warm invocations mostly make no system call for it.
 */
static unsigned
inst_peak_mb(struct fh_inst *in)
{
    char path[64], buf[2048], *v;
    ssize_t n;

    if (in->mem_read_ms != 0
        && tp_clock.mono_ms - in->mem_read_ms < FH_MEM_SAMPLE_MS)
    {
        return in->peak_mb;
    }
    in->mem_read_ms = TP_MAX(tp_clock.mono_ms, 1);
    if (in->status_fd < 0) {
        if (in->state == FH_INST_DEAD) {
            return in->peak_mb;      /* its pid may be reaped, reused */
        }
        snprintf(path, sizeof(path), "/proc/%d/status", (int) in->pid);
        in->status_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->status_fd < 0) {
            return in->peak_mb;
        }
    }
    n = pread(in->status_fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) {
        return in->peak_mb;
    }
    buf[n] = '\0';
    v = strstr(buf, "VmHWM:");
    if (v != NULL) {
        in->peak_mb = (unsigned) ((strtoul(v + 6, NULL, 10) + 1023) / 1024);
    }
    return in->peak_mb;
}

/*
 * Finishes <inv> (taken off every list by the caller): the RESULT to its
 * worker, END and REPORT lines when an instance ran it, then frees it.
 */
static void
inv_finish(struct fh_inv *inv, struct fh_inst *in, enum tp_fn_status st,
    const char *error_type, const char *body, size_t len)
{
    struct fh_pool *p = inv->pool;
    struct tp_fn_result res;
    uint64_t us = 0;

    if (tp_timer_armed(&inv->wait)) {
        tp_timer_del(&p->host->loop.timers, &inv->wait);
    }
    memset(&res, 0, sizeof(res));
    res.status = st;
    res.error_type = error_type;
    res.payload.p = body;
    res.payload.len = len;
    res.cold = inv->cold;
    if (inv->start_ms != 0) {
        us = (tp_clock.mono_ms - inv->start_ms) * 1000;
        res.duration_ms = (uint32_t) (us / 1000);
    }
    fh_count_invoke(p->host, p->fn, st, inv->cold, inv->start_ms != 0
        ? (int64_t) (tp_time_mono_us() - inv->start_us) : -1);
    if (in != NULL && inv->start_ms != 0) {
        char init[48] = "";

        if (!in->reported_init) {
            in->reported_init = true;
            snprintf(init, sizeof(init), "\tInit Duration: %u.00 ms",
                in->init_ms);
        }
        /* END and REPORT in one write (START went before the event, as
         * the instance's own output follows it in the same file). */
        pool_log(p, "END RequestId: %s\n"
            "REPORT RequestId: %s\tDuration: %llu.00 ms\t"
            "Billed Duration: %llu ms\tMemory Size: %u MB\t"
            "Max Memory Used: %u MB%s", inv->id, inv->id,
            (unsigned long long) (us / 1000),
            (unsigned long long) (us / 1000 + 1), p->fn->memory_mb,
            inst_peak_mb(in), init);
    }
    if (inv->wc != NULL) {
        fh_send_result(inv->wc, inv->call, &res);
        fh_wconn_release(inv->wc);
    } else {
        p->nevents--;
        if (st != TP_FN_OK) {
            tp_log(TP_LOG_WARN, 0, "function \"%s\": event invocation %s "
                "failed (%s)", p->fn->name, inv->id,
                error_type != NULL ? error_type : "no error type");
        }
    }
    free(inv);
}

/* Finishes <inv> with a Lambda error document. */
static void
inv_fail(struct fh_inv *inv, struct fh_inst *in, enum tp_fn_status st,
    const char *error_type, const char *doc_type, const char *message)
{
    char body[512];
    int n;

    n = snprintf(body, sizeof(body), "{\"errorType\":\"%s\","
        "\"errorMessage\":\"RequestId: %s Error: %s\"}", doc_type, inv->id,
        message);
    inv_finish(inv, in, st, error_type, body,
        (size_t) TP_MIN(n, (int) sizeof(body) - 1));
}

static void
queue_remove(struct fh_pool *p, struct fh_inv *inv)
{
    struct fh_inv **pp;

    for (pp = &p->queue; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == inv) {
            *pp = inv->next;
            if (p->queue_tail == &inv->next) {
                p->queue_tail = pp;
            }
            p->nqueued--;
            inv->next = NULL;
            return;
        }
    }
}

static void
inv_wait_due(struct tp_timer *t)
{
    struct fh_inv *inv = TP_CONTAINER_OF(t, struct fh_inv, wait);
    struct fh_pool *p = inv->pool;
    static const char doc[] = "{\"Reason\":\"ReservedFunctionConcurrent"
        "InvocationLimitExceeded\",\"Type\":\"User\",\"message\":"
        "\"Rate Exceeded.\"}";

    queue_remove(p, inv);
    inv_finish(inv, NULL, TP_FN_THROTTLED, "TooManyRequestsException", doc,
        sizeof(doc) - 1);
    fh_check_drained(p->host);
}

/* Stops <in> for good: its process group is killed, its sockets close;
 * the struct goes when the process is reaped. */
static void
inst_kill(struct fh_inst *in)
{
    struct fh_pool *p = in->pool;

    if (in->state == FH_INST_DEAD) {
        return;
    }
    in->state = FH_INST_DEAD;
    p->ninsts--;
    if (tp_timer_armed(&in->timer)) {
        tp_timer_del(&p->host->loop.timers, &in->timer);
    }
    if (in->pid > 0) {
        (void) kill(-in->pid, SIGKILL);
        (void) kill(in->pid, SIGKILL);
    }
    fh_rt_close_all(in);
}

static void
pool_backoff(struct fh_pool *p)
{
    p->backoff_ms = p->backoff_ms == 0 ? BACKOFF_MIN_MS
        : TP_MIN(p->backoff_ms * 2, BACKOFF_MAX_MS);
    (void) tp_timer_set(&p->host->loop.timers, &p->refill,
        tp_clock.mono_ms + p->backoff_ms);
}

static void
inst_timer_due(struct tp_timer *t)
{
    struct fh_inst *in = TP_CONTAINER_OF(t, struct fh_inst, timer);
    struct fh_pool *p = in->pool;
    struct fh_inv *inv = in->inv;
    char msg[96];

    in->inv = NULL;
    if (in->state == FH_INST_IDLE) {
        if (p->ninsts > p->fn->warm) {
            inst_kill(in);
        }
        return;
    }
    if (in->state == FH_INST_INIT) {
        tp_log(TP_LOG_WARN, 0, "function \"%s\": instance pid %d did not "
            "ask for work within %d ms of its start; stopped", p->fn->name,
            (int) in->pid, FH_INIT_TIMEOUT_MS);
        pool_log(p, "Init timed out after %d ms", FH_INIT_TIMEOUT_MS);
        inst_kill(in);
        if (inv != NULL) {
            inv_fail(inv, NULL, TP_FN_TIMEOUT, "Sandbox.Timedout",
                "Sandbox.Timedout", "Init timed out");
        }
        pool_backoff(p);
    } else if (inv != NULL) {
        snprintf(msg, sizeof(msg), "Task timed out after %u.00 seconds",
            p->fn->timeout_s);
        pool_log(p, "%s RequestId: %s %s", "Task timed out:", inv->id, msg);
        inv_fail(inv, in, TP_FN_TIMEOUT, "Sandbox.Timedout",
            "Sandbox.Timedout", msg);
        inst_kill(in);
        pool_refill(p);
    }
    pool_dispatch(p);
    fh_check_drained(p->host);
}

static struct fh_inst *
inst_start(struct fh_pool *p)
{
    struct fh_inst *in = calloc(1, sizeof(*in));

    if (in == NULL) {
        return NULL;
    }
    in->pool = p;
    in->listen.fd = -1;
    in->status_fd = -1;
    tp_timer_init(&in->timer, inst_timer_due);
    if (fh_rt_listen(in) != TP_OK) {
        free(in);
        return NULL;
    }
    in->pid = fh_spawn(p, in->port);
    if (in->pid < 0) {
        in->pid = 0;
        fh_rt_close_all(in);
        free(in);
        return NULL;
    }
    in->started_ms = tp_clock.mono_ms;
    in->state = FH_INST_INIT;
    in->next = p->insts;
    p->insts = in;
    p->ninsts++;
    (void) tp_timer_set(&p->host->loop.timers, &in->timer,
        tp_clock.mono_ms + FH_INIT_TIMEOUT_MS);
    return in;
}

/* Hands <inv> to <in>, whose GET .../next is parked. */
static void
inst_deliver(struct fh_inst *in, struct fh_inv *inv)
{
    struct fh_pool *p = in->pool;
    struct fh_rt *rt = in->parked;

    if (tp_timer_armed(&inv->wait)) {
        tp_timer_del(&p->host->loop.timers, &inv->wait);
    }
    in->inv = inv;
    in->parked = NULL;
    in->state = FH_INST_BUSY;
    inv->start_ms = tp_clock.mono_ms;
    inv->start_us = tp_clock.mono_us;
    if (inv->start_ms == 0) {
        inv->start_ms = 1;
    }
    (void) tp_timer_set(&p->host->loop.timers, &in->timer,
        tp_clock.mono_ms + (uint64_t) p->fn->timeout_s * 1000);
    pool_log(p, "START RequestId: %s Version: $LATEST", inv->id);
    fh_rt_deliver(rt, inv);
}

static struct fh_inv *
queue_pop(struct fh_pool *p)
{
    struct fh_inv *inv = p->queue;

    p->queue = inv->next;
    if (p->queue == NULL) {
        p->queue_tail = &p->queue;
    }
    p->nqueued--;
    inv->next = NULL;
    return inv;
}

/* Queued invocations to free instances, new ones while allowed. */
static void
pool_dispatch(struct fh_pool *p)
{
    struct fh_inst *in;

    while (p->queue != NULL) {
        for (in = p->insts; in != NULL; in = in->next) {
            if (in->state == FH_INST_IDLE && in->parked != NULL
                && in->inv == NULL)
            {
                break;
            }
        }
        if (in != NULL) {
            if (tp_timer_armed(&in->timer)) {
                tp_timer_del(&p->host->loop.timers, &in->timer);
            }
            inst_deliver(in, queue_pop(p));
            continue;
        }
        for (in = p->insts; in != NULL; in = in->next) {
            if (in->state == FH_INST_INIT && in->inv == NULL) {
                break;
            }
        }
        if (in == NULL && p->ninsts < p->fn->concurrency
            && !tp_timer_armed(&p->refill))
        {
            in = inst_start(p);
            if (in == NULL) {
                inv_fail(queue_pop(p), NULL, TP_FN_CRASHED,
                    "Runtime.Unknown", "Runtime.Unknown",
                    "the function host could not start an instance");
                pool_backoff(p);
                continue;
            }
        }
        if (in == NULL) {
            return;                  /* waits for an instance */
        }
        /* Its instance's init deadline rules from now on. */
        in->inv = queue_pop(p);
        if (tp_timer_armed(&in->inv->wait)) {
            tp_timer_del(&p->host->loop.timers, &in->inv->wait);
        }
        /* cold: started for it (a warm one still starting is not) */
        in->inv->cold = !in->prestarted;
    }
}

static void
pool_refill(struct fh_pool *p)
{
    if (p->host->draining || tp_timer_armed(&p->refill)) {
        return;
    }
    while (p->ninsts < p->fn->warm) {
        struct fh_inst *in = inst_start(p);

        if (in != NULL) {
            in->prestarted = true;
        } else {
            tp_log(TP_LOG_ERROR, errno, "function \"%s\": cannot start an "
                "instance", p->fn->name);
            pool_backoff(p);
            return;
        }
    }
}

static void
pool_refill_due(struct tp_timer *t)
{
    struct fh_pool *p = TP_CONTAINER_OF(t, struct fh_pool, refill);

    pool_refill(p);
    pool_dispatch(p);
}

void
fh_inst_next(struct fh_inst *in, struct fh_rt *rt)
{
    struct fh_pool *p = in->pool;
    struct fh_inv *inv;

    if (in->state == FH_INST_INIT) {
        in->init_ms = (uint32_t) (tp_clock.mono_ms - in->started_ms);
        fh_count_instance(p->host, p->fn, (uint64_t) in->init_ms * 1000);
        p->backoff_ms = 0;
    } else if (in->state == FH_INST_BUSY && in->inv != NULL) {
        /* Asked again without answering: that invocation has failed. */
        inv = in->inv;
        in->inv = NULL;
        inv_fail(inv, in, TP_FN_ERROR, "Unhandled", "Runtime.Unknown",
            "the runtime asked for the next event without answering");
    }
    if (in->stale && in->inv == NULL) {
        inst_kill(in);               /* closes <rt> too */
        pool_refill(p);
        pool_dispatch(p);
        fh_check_drained(p->host);
        return;
    }
    if (in->parked != NULL && in->parked != rt) {
        fh_rt_deliver(in->parked, NULL);     /* superseded: closed */
    }
    if (tp_timer_armed(&in->timer)) {
        tp_timer_del(&p->host->loop.timers, &in->timer);
    }
    in->parked = rt;
    in->state = FH_INST_IDLE;
    if (in->inv != NULL) {
        inv = in->inv;
        in->inv = NULL;
        inst_deliver(in, inv);
        return;
    }
    pool_dispatch(p);
    if (in->state == FH_INST_IDLE) {
        (void) tp_timer_set(&p->host->loop.timers, &in->timer,
            tp_clock.mono_ms + (uint64_t) p->fn->idle_timeout_s * 1000);
    }
    fh_check_drained(p->host);
}

void
fh_inst_answer(struct fh_inst *in, enum tp_fn_status st,
    const char *error_type, const char *body, size_t len)
{
    struct fh_inv *inv = in->inv;

    in->inv = NULL;
    if (tp_timer_armed(&in->timer)) {
        tp_timer_del(&in->pool->host->loop.timers, &in->timer);
    }
    if (inv != NULL) {
        inv_finish(inv, in, st, error_type, body, len);
    }
    fh_check_drained(in->pool->host);
}

void
fh_inst_init_error(struct fh_inst *in, const char *body, size_t len)
{
    struct fh_pool *p = in->pool;
    struct fh_inv *inv = in->inv;
    static const char doc[] = "{\"errorType\":\"Runtime.Unknown\","
        "\"errorMessage\":\"the runtime reported an init error\"}";

    in->inv = NULL;
    pool_log(p, "INIT_REPORT Status: error %.*s", (int) TP_MIN(len, 512),
        body);
    tp_log(TP_LOG_WARN, 0, "function \"%s\": instance pid %d reported an "
        "init error; stopped", p->fn->name, (int) in->pid);
    inst_kill(in);
    if (inv != NULL) {
        if (len == 0) {
            body = doc;
            len = sizeof(doc) - 1;
        }
        inv_finish(inv, NULL, TP_FN_CRASHED, "Unhandled", body, len);
    }
    pool_backoff(p);
    fh_check_drained(p->host);
}

void
fh_invoke(struct fh_host *h, struct fh_wconn *wc, const struct tp_fnmsg *m)
{
    struct fh_pool *p = NULL;
    struct tp_fn_result res;
    struct fh_inv *inv;
    char doc[256];
    unsigned i;
    int n;

    for (i = 0; i < h->model->nfunctions; i++) {
        if (strlen(h->pools[i].fn->name) == m->name.len
            && memcmp(h->pools[i].fn->name, m->name.p, m->name.len) == 0)
        {
            p = &h->pools[i];
        }
    }
    memset(&res, 0, sizeof(res));
    if (p == NULL) {
        n = snprintf(doc, sizeof(doc), "{\"Type\":\"User\",\"message\":"
            "\"Function not found: arn:aws:lambda:%s:%s:function:%.*s\"}",
            h->model->server.region, h->model->server.account_id,
            (int) m->name.len, m->name.p);
        res.status = TP_FN_UNAVAILABLE;
        res.error_type = "ResourceNotFoundException";
        res.payload.p = doc;
        res.payload.len = (size_t) TP_MIN(n, (int) sizeof(doc) - 1);
        fh_send_result(wc, m->call, &res);
        return;
    }
    if (m->event && p->nevents >= FH_MAX_EVENTS) {
        fh_count_invoke(h, p->fn, TP_FN_THROTTLED, false, -1);
        res.status = TP_FN_THROTTLED;
        res.error_type = "TooManyRequestsException";
        fh_send_result(wc, m->call, &res);
        return;
    }
    inv = calloc(1, sizeof(*inv) + m->payload.len + m->client_ctx.len);
    if (inv == NULL) {
        res.status = TP_FN_UNAVAILABLE;
        res.error_type = "ServiceException";
        fh_send_result(wc, m->call, &res);
        return;
    }
    inv->pool = p;
    inv->call = m->call;
    inv->len = m->payload.len;
    if (m->payload.len > 0) {
        memcpy(inv->payload, m->payload.p, m->payload.len);
    }
    inv->ctx_len = m->client_ctx.len;
    if (m->client_ctx.len > 0) {
        memcpy(inv->payload + inv->len, m->client_ctx.p, m->client_ctx.len);
    }
    tp_timer_init(&inv->wait, inv_wait_due);
    if (m->request_id.len > 0) {
        memcpy(inv->id, m->request_id.p, m->request_id.len);
    } else {
        fh_random_uuid(h, inv->id);
    }
    if (m->event) {
        /* Answered now (202 to the caller); runs when it can. */
        res.status = TP_FN_OK;
        fh_send_result(wc, m->call, &res);
        p->nevents++;
    } else {
        inv->wc = wc;
        wc->refs++;
        (void) tp_timer_set(&h->loop.timers, &inv->wait, tp_clock.mono_ms
            + TP_MIN((uint64_t) p->fn->timeout_s * 1000, FH_QUEUE_WAIT_MS));
    }
    *p->queue_tail = inv;
    p->queue_tail = &inv->next;
    p->nqueued++;
    pool_dispatch(p);
}

static struct fh_inst *
fh_find_pid(struct fh_host *h, pid_t pid, struct fh_inst ***link)
{
    unsigned i;

    for (i = 0; i < h->model->nfunctions; i++) {
        struct fh_inst **pp;

        for (pp = &h->pools[i].insts; *pp != NULL; pp = &(*pp)->next) {
            if ((*pp)->pid == pid) {
                *link = pp;
                return *pp;
            }
        }
    }
    return NULL;
}

static void
reap_one(struct fh_inst *in, int status)
{
    struct fh_pool *p = in->pool;
    struct fh_inv *inv = in->inv;
    char why[96];

    if (WIFEXITED(status)) {
        snprintf(why, sizeof(why), "Runtime exited with error: exit "
            "status %d", WEXITSTATUS(status));
    } else {
        snprintf(why, sizeof(why), "Runtime exited with error: signal: "
            "%s", WTERMSIG(status) == SIGKILL ? "killed"
                                               : strsignal(WTERMSIG(status)));
    }
    in->inv = NULL;
    tp_log(TP_LOG_WARN, 0, "function \"%s\": instance pid %d exited (%s)",
        p->fn->name, (int) in->pid, why);
    pool_log(p, "%s%s Error: %s", inv != NULL ? "RequestId: " : "",
        inv != NULL ? inv->id : "", why);
    inst_kill(in);
    if (inv != NULL) {
        inv_fail(inv, in, TP_FN_CRASHED, "Unhandled", "Runtime.ExitError",
            why);
    }
    if (tp_clock.mono_ms - in->started_ms < QUICK_FAIL_MS) {
        pool_backoff(p);
    }
}

void
fh_reap(struct fh_host *h)
{
    struct fh_inst *in, **link;
    unsigned i;
    int status;
    pid_t pid;

    tp_time_update();
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        in = fh_find_pid(h, pid, &link);
        if (in == NULL) {
            continue;
        }
        if (in->state != FH_INST_DEAD) {
            reap_one(in, status);
        }
        *link = in->next;
        if (in->status_fd >= 0) {
            close(in->status_fd);
        }
        tp_loop_defer_free(&h->loop, in);
    }
    for (i = 0; i < h->model->nfunctions; i++) {
        pool_refill(&h->pools[i]);
        pool_dispatch(&h->pools[i]);
    }
    fh_check_drained(h);
}

bool
fh_pools_busy(const struct fh_host *h)
{
    unsigned i;

    for (i = 0; i < h->model->nfunctions; i++) {
        const struct fh_pool *p = &h->pools[i];
        const struct fh_inst *in;

        if (p->queue != NULL) {
            return true;
        }
        for (in = p->insts; in != NULL; in = in->next) {
            if (in->inv != NULL) {
                return true;
            }
        }
    }
    return false;
}

void
fh_pools_kill(struct fh_host *h)
{
    unsigned i;

    for (i = 0; h->pools != NULL && i < h->model->nfunctions; i++) {
        struct fh_inst *in;

        for (in = h->pools[i].insts; in != NULL; in = in->next) {
            if (in->pid > 0) {
                (void) kill(-in->pid, SIGKILL);
                (void) kill(in->pid, SIGKILL);
            }
        }
    }
}

/*
 * USR1: the functions' logs are opened anew.  An instance writes its
 * stdout and stderr straight into the file it was started with, so every
 * instance is replaced: the idle ones now, a busy one when it asks for
 * its next event; their successors write to the new file.
 */
void
fh_pools_reopen(struct fh_host *h)
{
    struct fh_inst *in;
    unsigned i;

    for (i = 0; i < h->model->nfunctions; i++) {
        struct fh_pool *p = &h->pools[i];

        (void) pool_log_open(p);
        for (in = p->insts; in != NULL; in = in->next) {
            if (in->state == FH_INST_DEAD) {
                continue;
            }
            in->stale = true;
            if (in->inv == NULL && in->state != FH_INST_BUSY) {
                inst_kill(in);       /* idle, or starting for no one */
            }
        }
        pool_refill(p);
        pool_dispatch(p);
    }
}

int
fh_pools_init(struct fh_host *h)
{
    unsigned i;

    h->pools = calloc(h->model->nfunctions, sizeof(*h->pools));
    if (h->pools == NULL) {
        return TP_ERROR;
    }
    for (i = 0; i < h->model->nfunctions; i++) {
        struct fh_pool *p = &h->pools[i];

        p->host = h;
        p->fn = &h->model->functions[i];
        p->queue_tail = &p->queue;
        p->log_fd = -1;
        tp_timer_init(&p->refill, pool_refill_due);
        (void) pool_log_open(p);
    }
    for (i = 0; i < h->model->nfunctions; i++) {
        pool_refill(&h->pools[i]);
    }
    return TP_OK;
}

/*
 * tp_logbuf.c: a worker's buffered access-log lines (tp_logbuf.h).
 */
#include "tp_logbuf.h"
#include "tp_accesslog.h"
#include "tp_time.h"
#include "tp_worker.h"

#include <stdlib.h>
#include <unistd.h>

/* One write(2) of every kept line; a failure loses them, counted. */
static void
logbuf_flush(struct tp_logbuf *b)
{
    ssize_t n;

    if (tp_timer_armed(&b->timer)) {
        tp_timer_del(&b->w->loop.timers, &b->timer);
    }
    if (b->len == 0) {
        return;
    }
    n = write(b->lf->fd, b->data, b->len);
    if (n != (ssize_t) b->len) {
        tp_accesslog_lost(b->w, b->lf, n, b->lines);
    }
    b->len = 0;
    b->lines = 0;
}

static void
logbuf_timer(struct tp_timer *t)
{
    logbuf_flush(TP_CONTAINER_OF(t, struct tp_logbuf, timer));
}

int
tp_logbuf_init(struct tp_worker *w)
{
    const struct tp_logfile *lf;
    unsigned n = 0;

    for (lf = w->model->logfiles; lf != NULL; lf = lf->next) {
        n++;
    }
    w->logbufs = calloc(n > 0 ? n : 1, sizeof(*w->logbufs));
    if (w->logbufs == NULL) {
        return TP_ERROR;
    }
    w->nlogbufs = n;
    for (lf = w->model->logfiles; lf != NULL; lf = lf->next) {
        w->logbufs[lf->num].lf = lf;
        w->logbufs[lf->num].w = w;
        tp_timer_init(&w->logbufs[lf->num].timer, logbuf_timer);
    }
    return TP_OK;
}

/* The line at once: unbuffered, longer than the buffer, or no memory. */
static void
logbuf_write_now(struct tp_worker *w, const struct tp_logfile *lf,
    const char *line, size_t len)
{
    ssize_t n = write(lf->fd, line, len);

    if (n != (ssize_t) len) {
        tp_accesslog_lost(w, lf, n, 1);
    }
}

void
tp_logbuf_line(struct tp_worker *w, const struct tp_logfile *lf,
    const char *line, size_t len)
{
    const struct tp_logfile *own = lf->owner;
    struct tp_logbuf *b;

    if (own->buffer == 0 || own->num >= w->nlogbufs) {
        logbuf_write_now(w, lf, line, len);
        return;
    }
    b = &w->logbufs[own->num];
    if (len > own->buffer - b->len) {
        logbuf_flush(b);
    }
    if (b->data == NULL) {
        b->data = malloc(own->buffer);
    }
    if (len > own->buffer || b->data == NULL) {
        logbuf_write_now(w, lf, line, len);
        return;
    }
    memcpy(b->data + b->len, line, len);
    b->len += (uint32_t) len;
    b->lines++;
    if (!tp_timer_armed(&b->timer)) {
        /* Out of memory for the timer: the next full buffer or the
         * exit writes the lines. */
        (void) tp_timer_set(&w->loop.timers, &b->timer,
            tp_clock.mono_ms + (uint64_t) own->flush_s * 1000);
    }
}

void
tp_logbuf_flush_all(struct tp_worker *w)
{
    unsigned i;

    for (i = 0; i < w->nlogbufs; i++) {
        logbuf_flush(&w->logbufs[i]);
    }
}

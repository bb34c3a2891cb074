/*
 * tpctl_stats.h: what the parts of turnpikectl stats share: the options,
 * one refresh ("frame": the rows of the table with their counts over the
 * interval and since the start) and the printers.  turnpikectl only.
 */
#ifndef TPCTL_STATS_H
#define TPCTL_STATS_H

#include "tpctl.h"
#include "tp_mstat.h"

#include <sys/types.h>

struct tpctl_stats_opts {
    double interval;                 /* seconds between refreshes */
    long count;                      /* refreshes, then exit; 0: forever */
    bool json;
    bool routes;                     /* -r: a row per route too */
    bool live;                       /* a terminal: redraw like top */
};

enum tpctl_srow_kind {
    TPCTL_SROW_STAGE,                /* an API's stage: all its series */
    TPCTL_SROW_ROUTE,                /* one route of the stage above */
    TPCTL_SROW_NOROUTE,              /* the stage's requests no route took */
    TPCTL_SROW_NOAPI,                /* requests no API took */
    TPCTL_SROW_TOTAL
};

/* One line of the table. */
struct tpctl_srow {
    enum tpctl_srow_kind kind;
    const struct tp_mseries *info;   /* NULL for TOTAL */
    struct tp_mcount total;          /* since the daemon started */
    struct tp_mcount delta;          /* over the interval */
};

/* One refresh. */
struct tpctl_sframe {
    const struct tpctl_stats_opts *o;
    pid_t master;
    uint64_t now_ms;                 /* real ms */
    uint64_t uptime_ms;
    double seconds;                  /* the interval, measured */
    unsigned workers;                /* alive: pid and a fresh heartbeat */
    unsigned draining;               /* of those, told to quit */
    bool fnhost;                     /* a function host is alive */
    unsigned nrows;
    struct tpctl_srow *rows;         /* the last one is TOTAL */
};

/*
 * tpctl_stats_rows.c: the rows of a frame from the current and previous
 * sums of every series (<nseries> of them, <order> scratch space for as
 * many); <rows> has room for 2 * nseries + 2.
 */
struct tpctl_sref {
    uint32_t s;
    const struct tp_mseries *info;
};

unsigned tpctl_stats_rows(const struct tp_mstat *m, uint32_t nseries,
    const struct tp_mcount *cur, const struct tp_mcount *prev, bool routes,
    struct tpctl_sref *order, struct tpctl_srow *rows);

/* tpctl_stats_out.c: a frame as a table (<height> lines at most when
 * > 0: the terminal's) or as one line of JSON. */
void tpctl_stats_table(FILE *f, const struct tpctl_sframe *fr, int height,
    bool ansi);
void tpctl_stats_json(FILE *f, const struct tpctl_sframe *fr);

#endif /* TPCTL_STATS_H */

/*
 * tp_mstat.h: the metrics region: request counters and latency histograms
 * in shared memory, read by the metrics worker, the admin listener's
 * /metrics and turnpikectl stats.
 *
 * A series is one thing counted: an API's stage and route (REST: method
 * and resource), the stage without a route (requests no route took), a
 * function of the function host, or "no API at all".  The master adds
 * series when it loads a configuration and never removes one, so a
 * series keeps its index across reloads.
 *
 * Every process that counts (request workers, the function host) owns a
 * block: one tp_mcount per series, written by that process alone with
 * plain loads and stores (no locks, no atomic read-modify-write on the
 * request path).  Counts only grow: a block outlives its process, and the
 * master hands a dead process's block, counts and all, to the next one.
 * A reader sums the blocks; the growth of that sum between two readings
 * is exactly what was served in between, across deaths and reloads.
 *
 * The region is a memfd the master creates at start and keeps open, so
 * that turnpikectl (root, or the master's user) can map it read-only
 * through /proc/<master>/fd; it goes away with the last process mapping
 * it, however the daemon ends (a named /dev/shm object would be left
 * behind by a killed master).
 */
#ifndef TP_MSTAT_H
#define TP_MSTAT_H

#include "tp_core.h"
#include "tp_mhist.h"
#include "tp_shm_lock.h"

#include <sys/types.h>

#define TP_MSTAT_MAGIC    0x74704d53u    /* "tpMS" */
#define TP_MSTAT_VERSION  1
#define TP_MSTAT_NONE     UINT32_MAX     /* no series */
#define TP_MSTAT_FIELD    256            /* dimension values: CloudWatch
                                            takes 255 characters */

enum tp_mseries_kind {
    TP_MS_NOAPI = 0,                 /* no API matched the request */
    TP_MS_REST,
    TP_MS_HTTP,
    TP_MS_WEBSOCKET,
    TP_MS_FUNCTION                   /* api_id = the function's name */
};

/* Request status bins: the common codes, then "other" per class. */
#define TP_MSTATUS_CODES \
    X(200) X(201) X(202) X(204) X(301) X(302) X(304) X(400) X(401) \
    X(403) X(404) X(405) X(409) X(413) X(415) X(429) X(500) X(502) \
    X(503) X(504)
enum {
#define X(n) TP_MST_##n,
    TP_MSTATUS_CODES
#undef X
    TP_MST_1XX, TP_MST_2XX, TP_MST_3XX, TP_MST_4XX, TP_MST_5XX,
    TP_MSTATUS_N
};

/* Counters of a request series: n[] past the status bins. */
enum {
    TP_MC_CACHE_HIT = TP_MSTATUS_N,
    TP_MC_CACHE_MISS,
    TP_MC_BYTES_IN,                  /* request body bytes */
    TP_MC_BYTES_OUT,                 /* response body bytes */
    TP_MC_INTEG,                     /* requests that called a backend */
    TP_MC_N
};

/* Counters of a function series (they reuse n[]). */
enum {
    TP_MF_INVOKES = 0,               /* invocations answered */
    TP_MF_ERRORS,                    /* function errors (handled or not) */
    TP_MF_THROTTLES,                 /* refused: concurrency limit */
    TP_MF_TIMEOUTS,
    TP_MF_COLD,                      /* answered by a new instance */
    TP_MF_N
};

/* hist[] of a request series / of a function series */
#define TP_MH_LATENCY   0            /* Latency / Duration */
#define TP_MH_INTEG     1            /* IntegrationLatency / Init Duration */

struct tp_mcount {
    uint64_t n[TP_MC_N];
    uint64_t sum_us[2];              /* of the histograms' samples */
    uint64_t hist[2][TP_MH_N];
};

struct tp_mseries {
    uint64_t hash;
    uint8_t kind;                    /* enum tp_mseries_kind */
    bool route;                      /* false: stage level (no route) */
    char api_id[TP_MSTAT_FIELD];
    char api_name[TP_MSTAT_FIELD];   /* ASCII only: CloudWatch's ApiName */
    char stage[TP_MSTAT_FIELD];
    char method[16];                 /* REST: GET ... ANY; HTTP: "" */
    char resource[TP_MSTAT_FIELD];   /* REST: /pets/{id}; HTTP: route key */
};

enum tp_mblock_role {
    TP_MB_FREE = 0,
    TP_MB_WORKER,
    TP_MB_FNHOST
};

struct tp_mblock {
    pid_t pid;                       /* owner; 0: none (counts stay) */
    int32_t slot;
    uint32_t generation;
    uint8_t role;                    /* of the last owner */
    bool draining;                   /* the owner was told to quit */
    uint64_t started_ms;             /* real ms the owner started */
    uint64_t beat_ms;                /* real ms the owner last ran its loop */
};

struct tp_mstat {
    uint32_t magic;
    uint32_t version;
    uint64_t size;                   /* of the whole mapping */
    uint32_t series_cap;             /* a power of two */
    uint32_t nblocks;
    uint32_t nseries;                /* published with a release store */
    uint32_t mh_n;                   /* TP_MH_N of the writer */
    uint64_t created_ms;             /* real ms */
    pid_t master;
    uint32_t generation;             /* the master's current configuration
                                        (relaxed atomic store) */

    /* the metrics worker's EMF reporting: under <report_lock>, the
     * period last written and the totals it covered (report[]) */
    struct tp_shm_lock report_lock;
    uint64_t reported_until;         /* real ms: end of the last period */

    uint64_t off_series;             /* struct tp_mseries[series_cap] */
    uint64_t off_index;              /* uint32_t[2 * series_cap] */
    uint64_t off_report;             /* struct tp_mcount[series_cap] */
    uint64_t off_blocks;             /* nblocks x block_size */
    uint64_t block_size;             /* struct tp_mblock, then the counts */
};

/* ---- the master ---- */

#define TP_MSTAT_MEMFD "turnpike-metrics"

/*
 * Creates the region for <series_cap> series and <nblocks> blocks; its
 * memfd goes to <*fd> (to keep open), or with <fd> NULL an anonymous
 * mapping (unit tests).  NULL + <err> when memory cannot be had.
 */
struct tp_mstat *tp_mstat_create(uint32_t series_cap, uint32_t nblocks,
    int *fd, char *err, size_t errlen);

void tp_mstat_destroy(struct tp_mstat *m);

/* The series for <key> (its kind and strings; hash ignored), added when
 * new.  TP_MSTAT_NONE when the region is full. */
uint32_t tp_mstat_series(struct tp_mstat *m, const struct tp_mseries *key);

/* A free block for a process about to be forked, or -1 when none is. */
int tp_mstat_claim(struct tp_mstat *m, uint8_t role, int slot,
    unsigned generation);
void tp_mstat_set_owner(struct tp_mstat *m, int b, pid_t pid);
void tp_mstat_release(struct tp_mstat *m, int b);

/* ---- turnpikectl ---- */

/* Maps the region of the master <pid> read-only.  NULL + <err> (not
 * running, not allowed, another version). */
const struct tp_mstat *tp_mstat_attach(pid_t master, char *err,
    size_t errlen);
void tp_mstat_detach(const struct tp_mstat *m);

/* ---- every reader and writer ---- */

static inline struct tp_mseries *
tp_mstat_info(const struct tp_mstat *m, uint32_t s)
{
    return (struct tp_mseries *) ((char *) m + m->off_series) + s;
}

static inline struct tp_mblock *
tp_mstat_block(const struct tp_mstat *m, unsigned b)
{
    return (struct tp_mblock *) ((char *) m + m->off_blocks
        + (uint64_t) b * m->block_size);
}

/* Block <b>'s counts of series <s>. */
static inline struct tp_mcount *
tp_mstat_counts(const struct tp_mstat *m, unsigned b, uint32_t s)
{
    return (struct tp_mcount *) ((char *) tp_mstat_block(m, b) + 64) + s;
}

static inline uint32_t
tp_mstat_nseries(const struct tp_mstat *m)
{
    return __atomic_load_n(&m->nseries, __ATOMIC_ACQUIRE);
}

/* Sum of every block's counts of series <s> into <out>. */
void tp_mstat_sum(const struct tp_mstat *m, uint32_t s,
    struct tp_mcount *out);

/* Sum of every block's n[<i>] of series <s> (a reader after one count). */
uint64_t tp_mstat_sum_n(const struct tp_mstat *m, uint32_t s, unsigned i);

/* <a> - <b> field by field (counts only grow) into <out>. */
void tp_mstat_diff(const struct tp_mcount *a, const struct tp_mcount *b,
    struct tp_mcount *out);

/* Requests of a request series (the sum of its status bins), and those
 * of one class (4 for 4xx). */
uint64_t tp_mcount_requests(const struct tp_mcount *c);
uint64_t tp_mcount_class(const struct tp_mcount *c, unsigned cls);

/* The bin of status <status>, and the status a bin names (a class bin
 * names 100, 200, ...: tp_mstatus_label() gives "1xx" etc.). */
unsigned tp_mstatus_bin(int status);
const char *tp_mstatus_label(unsigned bin, char buf[8]);

/*
 * Adding to a block: the owner alone writes it, so a plain load and
 * store suffice; the relaxed atomics only keep readers from seeing a
 * torn value (they compile to ordinary moves on x86-64 and arm64).
 */
static inline void
tp_mc_add(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v,
        __ATOMIC_RELAXED);
}

static inline uint64_t
tp_mc_get(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* One sample into histogram <h> of <c>. */
static inline void
tp_mc_sample(struct tp_mcount *c, unsigned h, uint64_t us)
{
    tp_mc_add(&c->hist[h][tp_mhist_bucket(us)], 1);
    tp_mc_add(&c->sum_us[h], us);
}

#endif /* TP_MSTAT_H */

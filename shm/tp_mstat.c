/*
 * tp_mstat.c: the metrics region: creating and mapping it, the series
 * directory (master only), blocks, and summing.
 */
#include "tp_mstat.h"
#include "tp_hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MSTAT_HDR   4096             /* the header's own page */
#define MSTAT_ALIGN 64

static uint64_t
mstat_align(uint64_t n)
{
    return (n + MSTAT_ALIGN - 1) & ~(uint64_t) (MSTAT_ALIGN - 1);
}

static void
mstat_layout(struct tp_mstat *m, uint32_t cap, uint32_t nblocks)
{
    m->series_cap = cap;
    m->nblocks = nblocks;
    m->off_series = MSTAT_HDR;
    m->off_index = mstat_align(m->off_series
        + (uint64_t) cap * sizeof(struct tp_mseries));
    m->off_report = mstat_align(m->off_index
        + (uint64_t) cap * 2 * sizeof(uint32_t));
    m->off_blocks = mstat_align(m->off_report
        + (uint64_t) cap * sizeof(struct tp_mcount));
    m->block_size = mstat_align(64 + (uint64_t) cap
        * sizeof(struct tp_mcount));
    m->size = m->off_blocks + (uint64_t) nblocks * m->block_size;
}

struct tp_mstat *
tp_mstat_create(uint32_t series_cap, uint32_t nblocks, int *fd, char *err,
    size_t errlen)
{
    struct tp_mstat tmp = { 0 }, *m;
    struct timespec ts;
    int mfd = -1;
    void *p;

    mstat_layout(&tmp, series_cap, nblocks);
    if (fd != NULL) {
        /* pages come on first touch: untouched series and blocks cost
         * nothing */
        mfd = memfd_create(TP_MSTAT_MEMFD, MFD_CLOEXEC);
        if (mfd < 0 || ftruncate(mfd, (off_t) tmp.size) != 0) {
            snprintf(err, errlen, "metrics region of %llu bytes: %s",
                (unsigned long long) tmp.size, strerror(errno));
            if (mfd >= 0) {
                close(mfd);
            }
            return NULL;
        }
    }
    p = mmap(NULL, tmp.size, PROT_READ | PROT_WRITE,
        mfd >= 0 ? MAP_SHARED : MAP_SHARED | MAP_ANONYMOUS, mfd, 0);
    if (p == MAP_FAILED) {
        snprintf(err, errlen, "mmap of %llu bytes for metrics: %s",
            (unsigned long long) tmp.size, strerror(errno));
        if (mfd >= 0) {
            close(mfd);
        }
        return NULL;
    }
    if (fd != NULL) {
        *fd = mfd;
    }
    m = p;
    *m = tmp;
    m->magic = TP_MSTAT_MAGIC;
    m->version = TP_MSTAT_VERSION;
    m->mh_n = TP_MH_N;
    m->master = getpid();
    clock_gettime(CLOCK_REALTIME, &ts);
    m->created_ms = (uint64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return m;
}

void
tp_mstat_destroy(struct tp_mstat *m)
{
    if (m != NULL) {
        munmap(m, m->size);
    }
}

static uint64_t
mstat_key_hash(const struct tp_mseries *k)
{
    const char *s[5] = { k->api_id, k->api_name, k->stage, k->method,
        k->resource };

    return tp_hash_strs(5, s) ^ ((uint64_t) k->kind << 56)
        ^ ((uint64_t) k->route << 48);
}

static bool
mstat_same(const struct tp_mseries *a, const struct tp_mseries *b)
{
    return a->kind == b->kind && a->route == b->route
        && strcmp(a->api_id, b->api_id) == 0
        && strcmp(a->api_name, b->api_name) == 0
        && strcmp(a->stage, b->stage) == 0
        && strcmp(a->method, b->method) == 0
        && strcmp(a->resource, b->resource) == 0;
}

uint32_t
tp_mstat_series(struct tp_mstat *m, const struct tp_mseries *key)
{
    uint32_t *index = (uint32_t *) ((char *) m + m->off_index);
    uint32_t mask = m->series_cap * 2 - 1, i, s;
    uint64_t h = mstat_key_hash(key);
    struct tp_mseries *e;

    /* index[] holds series + 1; 0 is an empty slot */
    for (i = (uint32_t) h & mask; index[i] != 0; i = (i + 1) & mask) {
        e = tp_mstat_info(m, index[i] - 1);
        if (e->hash == h && mstat_same(e, key)) {
            return index[i] - 1;
        }
    }
    s = m->nseries;
    if (s >= m->series_cap) {
        return TP_MSTAT_NONE;
    }
    e = tp_mstat_info(m, s);
    *e = *key;
    e->hash = h;
    index[i] = s + 1;
    __atomic_store_n(&m->nseries, s + 1, __ATOMIC_RELEASE);
    return s;
}

int
tp_mstat_claim(struct tp_mstat *m, uint8_t role, int slot,
    unsigned generation)
{
    unsigned b;

    for (b = 0; b < m->nblocks; b++) {
        struct tp_mblock *k = tp_mstat_block(m, b);

        if (k->pid == 0) {
            k->pid = -1;             /* reserved until the fork returns */
            k->slot = slot;
            k->generation = generation;
            k->role = role;
            k->draining = false;
            k->started_ms = 0;
            k->beat_ms = 0;
            return (int) b;
        }
    }
    return -1;
}

void
tp_mstat_set_owner(struct tp_mstat *m, int b, pid_t pid)
{
    if (m != NULL && b >= 0) {
        tp_mstat_block(m, (unsigned) b)->pid = pid;
    }
}

void
tp_mstat_release(struct tp_mstat *m, int b)
{
    if (m != NULL && b >= 0) {
        tp_mstat_block(m, (unsigned) b)->pid = 0;
    }
}

/* The master's descriptor of the region: a link to "/memfd:NAME". */
static int
mstat_find_fd(pid_t master, char *path, size_t len)
{
    static const char want[] = "/memfd:" TP_MSTAT_MEMFD " ";
    char dir[64], target[320];
    struct dirent *de;
    ssize_t n;
    DIR *d;

    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int) master);
    d = opendir(dir);
    if (d == NULL) {
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        snprintf(path, len, "%s/%s", dir, de->d_name);
        n = readlink(path, target, sizeof(target) - 1);
        if (n > 0) {
            target[n] = '\0';
            if (strncmp(target, want, sizeof(want) - 1) == 0) {
                closedir(d);
                return 0;
            }
        }
    }
    closedir(d);
    errno = ENOENT;
    return -1;
}

const struct tp_mstat *
tp_mstat_attach(pid_t master, char *err, size_t errlen)
{
    struct tp_mstat *m;
    char path[320];
    struct stat st;
    void *p;
    int fd;

    if (mstat_find_fd(master, path, sizeof(path)) != 0
        || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    {
        snprintf(err, errlen, "cannot read the metrics of process %d: %s%s",
            (int) master, strerror(errno), errno == EACCES || errno == EPERM
            ? " (run as root or as the user turnpike runs as)" : "");
        return NULL;
    }
    if (fstat(fd, &st) != 0 || (size_t) st.st_size < MSTAT_HDR) {
        snprintf(err, errlen, "process %d has no metrics region",
            (int) master);
        close(fd);
        return NULL;
    }
    p = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        snprintf(err, errlen, "mmap of the metrics region: %s",
            strerror(errno));
        return NULL;
    }
    m = p;
    if (m->magic != TP_MSTAT_MAGIC || m->version != TP_MSTAT_VERSION
        || m->mh_n != TP_MH_N || m->size != (uint64_t) st.st_size)
    {
        snprintf(err, errlen, "process %d runs another version of "
            "turnpike", (int) master);
        munmap(p, (size_t) st.st_size);
        return NULL;
    }
    return m;
}

void
tp_mstat_detach(const struct tp_mstat *m)
{
    if (m != NULL) {
        munmap((void *) m, m->size);
    }
}

void
tp_mstat_sum(const struct tp_mstat *m, uint32_t s, struct tp_mcount *out)
{
    const uint64_t *src;
    uint64_t *dst = (uint64_t *) out;
    size_t i, n = sizeof(*out) / sizeof(uint64_t);
    unsigned b;

    memset(out, 0, sizeof(*out));
    for (b = 0; b < m->nblocks; b++) {
        src = (const uint64_t *) tp_mstat_counts(m, b, s);
        for (i = 0; i < n; i++) {
            dst[i] += tp_mc_get(&src[i]);
        }
    }
}

uint64_t
tp_mstat_sum_n(const struct tp_mstat *m, uint32_t s, unsigned i)
{
    uint64_t n = 0;
    unsigned b;

    for (b = 0; b < m->nblocks; b++) {
        n += tp_mc_get(&tp_mstat_counts(m, b, s)->n[i]);
    }
    return n;
}

void
tp_mstat_diff(const struct tp_mcount *a, const struct tp_mcount *b,
    struct tp_mcount *out)
{
    const uint64_t *x = (const uint64_t *) a, *y = (const uint64_t *) b;
    uint64_t *o = (uint64_t *) out;
    size_t i, n = sizeof(*out) / sizeof(uint64_t);

    for (i = 0; i < n; i++) {
        o[i] = x[i] >= y[i] ? x[i] - y[i] : 0;
    }
}

uint64_t
tp_mcount_requests(const struct tp_mcount *c)
{
    uint64_t n = 0;
    unsigned i;

    for (i = 0; i < TP_MSTATUS_N; i++) {
        n += c->n[i];
    }
    return n;
}

static const uint16_t mstatus_codes[] = {
#define X(n) n,
    TP_MSTATUS_CODES
#undef X
};

uint64_t
tp_mcount_class(const struct tp_mcount *c, unsigned cls)
{
    uint64_t n = c->n[TP_MST_1XX + cls - 1];
    unsigned i;

    for (i = 0; i < TP_NELEM(mstatus_codes); i++) {
        if (mstatus_codes[i] / 100 == cls) {
            n += c->n[i];
        }
    }
    return n;
}

unsigned
tp_mstatus_bin(int status)
{
    unsigned i;

    for (i = 0; i < TP_NELEM(mstatus_codes); i++) {
        if (mstatus_codes[i] == status) {
            return i;
        }
    }
    if (status < 100 || status > 599) {
        return TP_MST_5XX;
    }
    return TP_MST_1XX + (unsigned) (status / 100) - 1;
}

const char *
tp_mstatus_label(unsigned bin, char buf[8])
{
    if (bin < TP_NELEM(mstatus_codes)) {
        snprintf(buf, 8, "%u", mstatus_codes[bin]);
    } else {
        snprintf(buf, 8, "%uxx", (bin - TP_MST_1XX + 1) % 10);
    }
    return buf;
}

/*
 * tp_mhealth.c: process states and the /health document (tp_mhealth.h).
 * Pure.
 */
#include "tp_mhealth.h"
#include "tp_jsonw.h"

enum tp_mproc_state
tp_mhealth_state(const struct tp_mblock *b, uint64_t now_ms)
{
    uint64_t beat = __atomic_load_n(&b->beat_ms, __ATOMIC_RELAXED);

    if (beat != 0 && now_ms > beat + TP_MHEALTH_STALL_MS) {
        return TP_MP_STALLED;
    }
    return b->draining ? TP_MP_DRAINING : TP_MP_RUNNING;
}

const char *
tp_mhealth_state_name(enum tp_mproc_state s)
{
    static const char *const names[TP_MP_N] = {
        "running", "draining", "stalled"
    };

    return (unsigned) s < TP_MP_N ? names[s] : "unknown";
}

uint64_t
tp_mhealth_served(const struct tp_mstat *m, unsigned b)
{
    uint32_t s, n = tp_mstat_nseries(m);
    uint64_t sum = 0;
    unsigned i;

    for (s = 0; s < n; s++) {
        const struct tp_mcount *c = tp_mstat_counts(m, b, s);
        bool fn = tp_mstat_info(m, s)->kind == TP_MS_FUNCTION;

        if (tp_mstat_block(m, b)->role == TP_MB_FNHOST) {
            sum += fn ? tp_mc_get(&c->n[TP_MF_INVOKES]) : 0;
            continue;
        }
        for (i = 0; !fn && i < TP_MSTATUS_N; i++) {
            sum += tp_mc_get(&c->n[i]);
        }
    }
    return sum;
}

static void
health_u64(struct tp_jsonw *j, const char *key, uint64_t v)
{
    tp_jsonw_key(j, key);
    tp_jsonw_u64(j, v);
}

static void
health_process(struct tp_jsonw *j, const struct tp_mstat *m, unsigned b,
    uint64_t now_ms, enum tp_mproc_state st)
{
    const struct tp_mblock *k = tp_mstat_block(m, b);
    uint64_t beat = __atomic_load_n(&k->beat_ms, __ATOMIC_RELAXED);

    tp_jsonw_open(j, '{');
    health_u64(j, "pid", (uint64_t) k->pid);
    tp_jsonw_key(j, "role");
    tp_jsonw_cstr(j, k->role == TP_MB_FNHOST ? "function host" : "worker");
    health_u64(j, "slot", (uint64_t) k->slot);
    health_u64(j, "generation", k->generation);
    tp_jsonw_key(j, "state");
    tp_jsonw_cstr(j, tp_mhealth_state_name(st));
    tp_jsonw_key(j, "heartbeat_age_ms");
    if (beat == 0) {
        tp_jsonw_null(j);
    } else {
        tp_jsonw_u64(j, now_ms > beat ? now_ms - beat : 0);
    }
    health_u64(j, "uptime_s", k->started_ms != 0 && now_ms > k->started_ms
        ? (now_ms - k->started_ms) / 1000 : 0);
    health_u64(j, "requests", tp_mhealth_served(m, b));
    tp_jsonw_close(j, '}');
}

int
tp_mhealth_render(const struct tp_mstat *m, uint64_t now_ms,
    struct tp_arena *a, struct tp_str *out, bool *healthy)
{
    struct tp_jsonw j;
    unsigned b;
    bool ok = true;

    tp_jsonw_init(&j, a, 256 + 192 * (size_t) m->nblocks);
    tp_jsonw_open(&j, '{');
    tp_jsonw_key(&j, "master");
    tp_jsonw_open(&j, '{');
    health_u64(&j, "pid", (uint64_t) m->master);
    health_u64(&j, "generation",
        __atomic_load_n(&m->generation, __ATOMIC_RELAXED));
    health_u64(&j, "uptime_s", now_ms > m->created_ms
        ? (now_ms - m->created_ms) / 1000 : 0);
    tp_jsonw_close(&j, '}');
    tp_jsonw_key(&j, "processes");
    tp_jsonw_open(&j, '[');
    for (b = 0; b < m->nblocks; b++) {
        const struct tp_mblock *k = tp_mstat_block(m, b);
        enum tp_mproc_state st;

        if (k->pid == 0) {
            continue;                /* a free block: counts, no process */
        }
        /* one reading per process: the status agrees with the list */
        st = tp_mhealth_state(k, now_ms);
        ok = ok && st != TP_MP_STALLED;
        health_process(&j, m, b, now_ms, st);
    }
    tp_jsonw_close(&j, ']');
    tp_jsonw_key(&j, "status");
    tp_jsonw_cstr(&j, ok ? "ok" : "stalled");
    tp_jsonw_close(&j, '}');
    *healthy = ok;
    return tp_jsonw_done(&j, out);
}

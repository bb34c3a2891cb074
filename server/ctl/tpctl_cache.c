/*
 * tpctl_cache.c: turnpikectl cache flush API/STAGE (API Gateway's "flush
 * stage cache") and cache stats [API/STAGE]: entries and bytes from
 * data_dir/cache, hit and miss counts from the stats.json the metrics
 * worker writes.  turnpikectl only.
 */
#include "tpctl.h"
#include "tp_cache.h"
#include "tp_cache_keymat.h"
#include "tp_json.h"
#include "tp_model.h"

#include <errno.h>
#include <sys/stat.h>

/* "API/STAGE" of the config, or an error naming what is missing. */
static const struct tp_stage *
cache_stage(const struct tpctl *c, const char *arg, const struct tp_api **ap)
{
    const char *slash = strchr(arg, '/');
    const struct tp_api *api;
    unsigned i;

    if (slash == NULL || slash == arg || slash[1] == '\0') {
        tpctl_fail("\"%s\": expected API/STAGE (an api id and one of its "
            "stages)", arg);
        return NULL;
    }
    api = tp_model_find_api(c->m, arg, (size_t) (slash - arg));
    if (api == NULL) {
        tpctl_fail("no api \"%.*s\" in %s", (int) (slash - arg), arg,
            c->conf_path);
        return NULL;
    }
    for (i = 0; i < api->nstages; i++) {
        if (strcmp(api->stages[i].name, slash + 1) == 0) {
            *ap = api;
            return &api->stages[i];
        }
    }
    tpctl_fail("api \"%s\" has no stage \"%s\"", api->id, slash + 1);
    return NULL;
}

/* Opens data_dir/cache; only when it exists (nothing to flush else). */
static int
cache_open(struct tpctl *c, struct tp_cache **out)
{
    const struct tp_server_conf *sc = &c->m->server;
    char path[4200], err[512];
    struct stat sb;

    snprintf(path, sizeof(path), "%s/cache/data.mdb", sc->data_dir);
    if (stat(sc->data_dir, &sb) != 0) {
        return tpctl_fail("data_dir %s does not exist (it is created when "
            "turnpike starts)", sc->data_dir);
    }
    if (stat(path, &sb) != 0) {
        *out = NULL;
        return TPCTL_OK;             /* no cache yet: empty */
    }
    if (tp_cache_open(out, sc->data_dir, sc->cache_size, err, sizeof(err))
        != TP_OK)
    {
        return tpctl_fail("%s", err);
    }
    return TPCTL_OK;
}

int
tpctl_cache_flush(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    const struct tp_stage *st;
    const struct tp_api *api;
    struct tp_cache *cache;
    uint8_t ns[8];
    size_t n = 0;
    char err[512];
    int rc;

    if (argc != 1) {
        return tpctl_usage(cmd, argc == 0 ? "which API/STAGE?"
                                          : "one API/STAGE at a time");
    }
    if (tpctl_load(c) != TPCTL_OK
        || (st = cache_stage(c, argv[0], &api)) == NULL)
    {
        return TPCTL_FAIL;
    }
    rc = cache_open(c, &cache);
    if (rc != TPCTL_OK) {
        return rc;
    }
    tp_cache_key_ns(st->hash, ns);
    if (cache != NULL) {
        rc = tp_cache_flush(cache, ns, &n, err, sizeof(err));
        tp_cache_close(cache);
        if (rc != TP_OK) {
            return tpctl_fail("%s", err);
        }
    }
    printf("{\"api\":");
    tpctl_json_str(stdout, api->id);
    printf(",\"stage\":");
    tpctl_json_str(stdout, st->name);
    printf(",\"deleted\":%zu}\n", n);
    return TPCTL_OK;
}

/* stats.json as the metrics worker wrote it, parsed: its "stages" object,
 * or -1 when there is none yet (or it cannot be read). */
static int
cache_counts(struct tpctl *c, struct tp_json *d)
{
    char path[4200], err[128], *buf = NULL;
    size_t n = 0, cap = 0, got;
    FILE *f;

    snprintf(path, sizeof(path), "%s/cache/stats.json",
        c->m->server.data_dir);
    f = fopen(path, "re");
    if (f == NULL) {
        return -1;
    }
    do {
        if (n == cap) {
            char *grown = tp_arena_alloc(&c->arena, cap = cap * 2 + 4096);

            if (grown == NULL) {
                fclose(f);
                return -1;
            }
            if (n > 0) {
                memcpy(grown, buf, n);
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    if (tp_json_parse(d, &c->arena, buf, n, err, sizeof(err)) != TP_OK
        || tp_json_type(d, 0) != TP_JSON_OBJECT)
    {
        return -1;
    }
    return tp_json_get(d, 0, "stages");
}

/* The "hits" or "misses" of "api/stage" under <stages>, or 0. */
static uint64_t
cache_count(const struct tp_json *d, int stages, const char *key,
    const char *field)
{
    int st = stages >= 0 ? tp_json_get(d, stages, key) : -1;
    int v = st >= 0 ? tp_json_get(d, st, field) : -1;
    int64_t n;

    return v >= 0 && tp_json_int(d, v, &n) == TP_OK && n > 0
        ? (uint64_t) n : 0;
}

static void
cache_print(const struct tp_api *api, const struct tp_stage *st,
    struct tp_cache *cache, const struct tp_json *d, int stages, bool first)
{
    struct tp_cache_stat s = { 0, 0, 0 };
    char key[300], err[256];
    uint8_t ns[8];

    tp_cache_key_ns(st->hash, ns);
    if (cache != NULL) {
        (void) tp_cache_stat(cache, ns, &s, err, sizeof(err));
    }
    snprintf(key, sizeof(key), "%s/%s", api->id, st->name);
    printf("%s{\"api\":", first ? "" : ",\n");
    tpctl_json_str(stdout, api->id);
    printf(",\"stage\":");
    tpctl_json_str(stdout, st->name);
    printf(",\"enabled\":%s,\"ttl\":%u,\"entries\":%llu,\"bytes\":%llu,"
        "\"hits\":%llu,\"misses\":%llu}", st->cache.enabled ? "true"
        : "false", st->cache.ttl_s, (unsigned long long) s.entries,
        (unsigned long long) s.bytes_used,
        (unsigned long long) cache_count(d, stages, key, "hits"),
        (unsigned long long) cache_count(d, stages, key, "misses"));
}

int
tpctl_cache_stats(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    const struct tp_stage *only = NULL;
    const struct tp_api *api = NULL;
    struct tp_cache *cache;
    struct tp_json d;
    unsigned i, k;
    bool first = true;
    int rc, stages;

    if (argc > 1) {
        return tpctl_usage(cmd, "one API/STAGE at most");
    }
    if (tpctl_load(c) != TPCTL_OK
        || (argc == 1 && (only = cache_stage(c, argv[0], &api)) == NULL))
    {
        return TPCTL_FAIL;
    }
    rc = cache_open(c, &cache);
    if (rc != TPCTL_OK) {
        return rc;
    }
    stages = cache_counts(c, &d);
    printf("{\"items\":[");
    for (i = 0; i < c->m->napis; i++) {
        for (k = 0; k < c->m->apis[i].nstages; k++) {
            const struct tp_stage *st = &c->m->apis[i].stages[k];

            if ((only != NULL && st != only)
                || (only == NULL && !st->cache.enabled))
            {
                continue;
            }
            cache_print(&c->m->apis[i], st, cache, &d, stages, first);
            first = false;
        }
    }
    printf("]}\n");
    if (cache != NULL) {
        tp_cache_close(cache);
    }
    return TPCTL_OK;
}

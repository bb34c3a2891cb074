/*
 * test_tp_mprom.c: unit tests of the Prometheus text renderer
 * (shm/tp_mprom.c) and the /health document (shm/tp_mhealth.c): label
 * escaping, exact sample lines (status bins, cumulative buckets at their
 * bounds, _sum in seconds, +Inf = _count), series that counted nothing
 * left out but functions always shown, worker states from heartbeats,
 * and 6,000 series in one rendering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_mhealth.h"
#include "tp_mprom.h"
#include "tp_test_mseries.h"

#define NOW 1800000000000ull         /* real ms */

static char *
render(struct tp_mstat *m)
{
    char *text, *z;
    size_t len;

    assert_int_equal(tp_mprom_render(m, NOW, &text, &len), TP_OK);
    z = malloc(len + 1);
    assert_non_null(z);
    memcpy(z, text, len);
    z[len] = '\0';
    free(text);
    return z;
}

static void
has(const char *text, const char *line)
{
    char *want = malloc(strlen(line) + 3);

    sprintf(want, "\n%s\n", line);
    if (strstr(text, want) == NULL) {
        fail_msg("missing line: %s", line);
    }
    free(want);
}

static void
test_shm__tp_mprom__escape(void **state)
{
    char out[64];
    size_t n;

    (void) state;
    n = tp_mprom_escape(out, "a\\b\"c\nd/{x}");
    out[n] = '\0';
    assert_string_equal(out, "a\\\\b\\\"c\\nd/{x}");
    assert_int_equal(tp_mprom_escape(out, ""), 0);
}

static void
test_shm__tp_mprom__lines(void **state)
{
    char err[256], *t;
    struct tp_mstat *m = tp_mstat_create(16, 4, NULL, err, sizeof(err));
    struct tp_mseries k;
    struct tp_mcount *c;
    uint32_t rest, idle, http, noapi, fn;

    (void) state;
    assert_non_null(m);
    k = tp_test_mseries(TP_MS_REST, "a\"1", "s\\t\ng", "GET", "/p/{id}");
    rest = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_REST, "a\"1", "s\\t\ng", "POST", "/p");
    idle = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_HTTP, "h", "$default", "", "GET /pets");
    http = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_NOAPI, "", "", "", "");
    noapi = tp_mstat_series(m, &k);
    k = tp_test_mseries(TP_MS_FUNCTION, "fn", "", "", "");
    fn = tp_mstat_series(m, &k);
    (void) idle;
    assert_int_equal(tp_mstat_claim(m, TP_MB_WORKER, 0, 1), 0);
    assert_int_equal(tp_mstat_claim(m, TP_MB_WORKER, 1, 1), 1);

    /* REST: two blocks; samples at 9 us (< 10), 10 us (not <= 10 us
     * once truncated from more) and 3 s */
    c = tp_mstat_counts(m, 0, rest);
    tp_mc_add(&c->n[tp_mstatus_bin(200)], 2);
    tp_mc_add(&c->n[tp_mstatus_bin(418)], 1);
    tp_mc_sample(c, TP_MH_LATENCY, 9);
    tp_mc_sample(c, TP_MH_LATENCY, 10);
    tp_mc_add(&c->n[TP_MC_BYTES_OUT], 77);
    tp_mc_add(&c->n[TP_MC_INTEG], 1);
    tp_mc_sample(c, TP_MH_INTEG, 2500);
    c = tp_mstat_counts(m, 1, rest);
    tp_mc_sample(c, TP_MH_LATENCY, 3000000);
    tp_mc_add(&c->n[TP_MC_CACHE_HIT], 4);
    c = tp_mstat_counts(m, 1, http);
    tp_mc_add(&c->n[tp_mstatus_bin(200)], 5);
    c = tp_mstat_counts(m, 1, noapi);
    tp_mc_add(&c->n[tp_mstatus_bin(404)], 1);
    c = tp_mstat_counts(m, 0, fn);
    tp_mc_add(&c->n[TP_MF_INVOKES], 2);
    tp_mc_add(&c->n[TP_MF_COLD], 1);
    tp_mc_sample(c, TP_MH_LATENCY, 1500);

    t = render(m);
#define L "api=\"a\\\"1\",stage=\"s\\\\t\\ng\",method=\"GET\"," \
    "resource=\"/p/{id}\""
    has(t, "# TYPE turnpike_requests_total counter");
    has(t, "turnpike_requests_total{" L ",status=\"200\"} 2");
    has(t, "turnpike_requests_total{" L ",status=\"4xx\"} 1");
    has(t, "turnpike_request_duration_seconds_bucket{" L ",le=\"1e-05\"} 1");
    has(t, "turnpike_request_duration_seconds_bucket{" L
        ",le=\"2.5e-05\"} 2");
    has(t, "turnpike_request_duration_seconds_bucket{" L ",le=\"2.5\"} 2");
    has(t, "turnpike_request_duration_seconds_bucket{" L ",le=\"5\"} 3");
    has(t, "turnpike_request_duration_seconds_bucket{" L ",le=\"+Inf\"} 3");
    has(t, "turnpike_request_duration_seconds_sum{" L "} 3.000019");
    has(t, "turnpike_request_duration_seconds_count{" L "} 3");
    has(t, "turnpike_integration_duration_seconds_bucket{" L
        ",le=\"0.0025\"} 0");
    has(t, "turnpike_integration_duration_seconds_bucket{" L
        ",le=\"0.005\"} 1");
    has(t, "turnpike_integration_duration_seconds_sum{" L "} 0.002500");
    has(t, "turnpike_cache_hits_total{" L "} 4");
    has(t, "turnpike_sent_bytes_total{" L "} 77");
    has(t, "turnpike_requests_total{api=\"h\",stage=\"$default\","
        "method=\"\",resource=\"GET /pets\",status=\"200\"} 5");
    has(t, "turnpike_requests_total{api=\"\",stage=\"\",method=\"\","
        "resource=\"\",status=\"404\"} 1");
    has(t, "turnpike_function_invocations_total{function=\"fn\"} 2");
    has(t, "turnpike_function_errors_total{function=\"fn\"} 0");
    has(t, "turnpike_function_cold_starts_total{function=\"fn\"} 1");
    has(t, "turnpike_function_duration_seconds_bucket{function=\"fn\","
        "le=\"0.001\"} 0");
    has(t, "turnpike_function_duration_seconds_bucket{function=\"fn\","
        "le=\"0.0025\"} 1");
    has(t, "turnpike_function_init_duration_seconds_count{function=\"fn\"} "
        "0");
    /* nothing counted: not shown; no integration: no histogram */
    assert_null(strstr(t, "method=\"POST\""));
    assert_null(strstr(t, "turnpike_integration_duration_seconds_bucket"
        "{api=\"h\""));
    /* HELP first, every family once */
    assert_true(strncmp(t, "# HELP turnpike_requests_total ", 31) == 0);
    has(t, "# TYPE turnpike_workers gauge");
#undef L
    free(t);
    tp_mstat_destroy(m);
}

static void
test_shm__tp_mprom__states_and_health(void **state)
{
    char err[256], *t, *doc;
    struct tp_mstat *m = tp_mstat_create(16, 6, NULL, err, sizeof(err));
    struct tp_mseries k = tp_test_mseries(TP_MS_REST, "a", "s", "GET", "/");
    struct tp_arena a;
    struct tp_str out;
    bool healthy;
    uint32_t s;
    int i;

    (void) state;
    assert_non_null(m);
    s = tp_mstat_series(m, &k);
    m->master = 4242;
    m->generation = 3;
    m->created_ms = NOW - 90500;
    for (i = 0; i < 5; i++) {
        assert_int_equal(tp_mstat_claim(m, i == 4 ? TP_MB_FNHOST
            : TP_MB_WORKER, i, 3), i);
        tp_mstat_set_owner(m, i, 100 + i);
        tp_mstat_block(m, i)->started_ms = NOW - 10000;
        tp_mstat_block(m, i)->beat_ms = NOW - 300;
    }
    tp_mstat_block(m, 1)->draining = true;
    tp_mstat_block(m, 3)->beat_ms = 0;           /* never beat */
    tp_mc_add(&tp_mstat_counts(m, 0, s)->n[tp_mstatus_bin(200)], 6);
    tp_mc_add(&tp_mstat_counts(m, 0, s)->n[tp_mstatus_bin(503)], 1);

    assert_int_equal(tp_mhealth_state(tp_mstat_block(m, 0), NOW),
        TP_MP_RUNNING);
    assert_int_equal(tp_mhealth_state(tp_mstat_block(m, 1), NOW),
        TP_MP_DRAINING);
    assert_int_equal(tp_mhealth_state(tp_mstat_block(m, 3), NOW),
        TP_MP_RUNNING);
    assert_int_equal(tp_mhealth_served(m, 0), 7);

    tp_arena_init(&a, 4096);
    assert_int_equal(tp_mhealth_render(m, NOW, &a, &out, &healthy), TP_OK);
    assert_true(healthy);
    doc = tp_arena_strndup(&a, out.p, out.len);
    assert_non_null(strstr(doc, "\"master\":{\"pid\":4242,\"generation\":3,"
        "\"uptime_s\":90}"));
    assert_non_null(strstr(doc, "{\"pid\":100,\"role\":\"worker\",\"slot\":0,"
        "\"generation\":3,\"state\":\"running\",\"heartbeat_age_ms\":300,"
        "\"uptime_s\":10,\"requests\":7}"));
    assert_non_null(strstr(doc, "\"pid\":101,\"role\":\"worker\",\"slot\":1,"
        "\"generation\":3,\"state\":\"draining\""));
    assert_non_null(strstr(doc, "\"heartbeat_age_ms\":null"));
    assert_non_null(strstr(doc, "\"role\":\"function host\""));
    assert_non_null(strstr(doc, "\"status\":\"ok\"}"));

    /* block 2 stops beating */
    tp_mstat_block(m, 2)->beat_ms = NOW - TP_MHEALTH_STALL_MS - 1;
    assert_int_equal(tp_mhealth_state(tp_mstat_block(m, 2), NOW),
        TP_MP_STALLED);
    assert_int_equal(tp_mhealth_render(m, NOW, &a, &out, &healthy), TP_OK);
    assert_false(healthy);
    doc = tp_arena_strndup(&a, out.p, out.len);
    assert_non_null(strstr(doc, "\"pid\":102,\"role\":\"worker\",\"slot\":2,"
        "\"generation\":3,\"state\":\"stalled\",\"heartbeat_age_ms\":5001"));
    assert_non_null(strstr(doc, "\"status\":\"stalled\"}"));
    t = render(m);
    has(t, "turnpike_workers{state=\"running\"} 2");
    has(t, "turnpike_workers{state=\"draining\"} 1");
    has(t, "turnpike_workers{state=\"stalled\"} 1");
    free(t);

    /* a free block is no process */
    tp_mstat_release(m, 2);
    assert_int_equal(tp_mhealth_render(m, NOW, &a, &out, &healthy), TP_OK);
    assert_true(healthy);
    tp_arena_free(&a);
    tp_mstat_destroy(m);
}

static void
test_shm__tp_mprom__thousands(void **state)
{
    char err[256], res[32], *t, *p;
    struct tp_mstat *m = tp_mstat_create(8192, 1, NULL, err, sizeof(err));
    struct tp_mseries k;
    uint32_t s;
    unsigned i, n = 0;

    (void) state;
    assert_non_null(m);
    assert_int_equal(tp_mstat_claim(m, TP_MB_WORKER, 0, 1), 0);
    for (i = 0; i < 6000; i++) {
        snprintf(res, sizeof(res), "/r%u", i);
        k = tp_test_mseries(TP_MS_REST, "big", "prod", "GET", res);
        s = tp_mstat_series(m, &k);
        assert_int_not_equal(s, TP_MSTAT_NONE);
        tp_mc_add(&tp_mstat_counts(m, 0, s)->n[tp_mstatus_bin(200)], i + 1);
        tp_mc_sample(tp_mstat_counts(m, 0, s), TP_MH_LATENCY, i);
    }
    t = render(m);
    assert_true(strlen(t) > 6000 * 2000);
    for (p = t; (p = strstr(p, "\nturnpike_requests_total{")) != NULL; p++) {
        n++;
    }
    assert_int_equal(n, 6000);
    has(t, "turnpike_requests_total{api=\"big\",stage=\"prod\","
        "method=\"GET\",resource=\"/r5999\",status=\"200\"} 6000");
    has(t, "turnpike_request_duration_seconds_count{api=\"big\","
        "stage=\"prod\",method=\"GET\",resource=\"/r5999\"} 1");
    free(t);
    tp_mstat_destroy(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shm__tp_mprom__escape),
        cmocka_unit_test(test_shm__tp_mprom__lines),
        cmocka_unit_test(test_shm__tp_mprom__states_and_health),
        cmocka_unit_test(test_shm__tp_mprom__thousands),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

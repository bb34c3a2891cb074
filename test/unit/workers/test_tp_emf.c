/*
 * test_tp_emf.c: unit tests of the EMF document builder (tp_emf.c): the
 * exact text of a REST route's, a REST stage's, an HTTP route's and a
 * function's document; no document for a series without requests or
 * samples, for no-API and WebSocket series; one with zero counts for
 * samples alone; cache metrics when the stage caches or
 * when counted; latency arrays (one midpoint per sample up to 100, then
 * 100 increasing quantiles that follow the distribution); escaping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_emf.h"
#include "tp_test_arena.h"

#define TS 1700000040000ull

static struct tp_mseries
series(uint8_t kind, bool route, const char *method, const char *res)
{
    struct tp_mseries s;

    memset(&s, 0, sizeof(s));
    s.kind = kind;
    s.route = route;
    snprintf(s.api_id, sizeof(s.api_id), "a1b2c3");
    snprintf(s.api_name, sizeof(s.api_name), "shop");
    snprintf(s.stage, sizeof(s.stage), "prod");
    snprintf(s.method, sizeof(s.method), "%s", method);
    snprintf(s.resource, sizeof(s.resource), "%s", res);
    return s;
}

/* <n> samples of <us> in <h> of <c>. */
static void
samples(struct tp_mcount *c, unsigned h, uint64_t us, uint64_t n)
{
    c->hist[h][tp_mhist_bucket(us)] += n;
    c->sum_us[h] += us * n;
}

static const char *
doc(const struct tp_mseries *s, const struct tp_mcount *c, bool cache)
{
    struct tp_emf_in in = { s, c, "AWS/ApiGateway", TS, cache };
    struct tp_str out;

    assert_int_equal(tp_emf_doc(&in, &tp_test_arena, &out), TP_OK);
    assert_int_equal(out.len, strlen(out.p));
    assert_true(out.len > 0 && out.p[out.len - 1] == '\n');
    assert_null(memchr(out.p, '\n', out.len - 1));
    return out.p;
}

static int
done(const struct tp_mseries *s, const struct tp_mcount *c)
{
    struct tp_emf_in in = { s, c, "AWS/ApiGateway", TS, false };
    struct tp_str out;

    return tp_emf_doc(&in, &tp_test_arena, &out);
}

static void
test_workers__tp_emf__rest_route(void **state)
{
    struct tp_mseries s = series(TP_MS_REST, true, "GET", "/pets/{id}");
    struct tp_mcount c;

    (void) state;
    memset(&c, 0, sizeof(c));
    c.n[tp_mstatus_bin(200)] = 2;
    c.n[tp_mstatus_bin(404)] = 1;
    c.n[tp_mstatus_bin(502)] = 1;
    samples(&c, TP_MH_LATENCY, 2000, 3);     /* [2000, 2500): 2.25 ms */
    samples(&c, TP_MH_LATENCY, 40, 1);       /* [40, 45): 0.0425 ms */
    samples(&c, TP_MH_INTEG, 1000, 1);       /* [1000, 1500): 1.25 ms */
    assert_string_equal(doc(&s, &c, false),
        "{\"_aws\":{\"Timestamp\":1700000040000,\"CloudWatchMetrics\":[{"
        "\"Namespace\":\"AWS/ApiGateway\",\"Dimensions\":[[\"ApiName\","
        "\"Stage\"],[\"ApiName\",\"Method\",\"Resource\",\"Stage\"]],"
        "\"Metrics\":[{\"Name\":\"Count\",\"Unit\":\"Count\"},"
        "{\"Name\":\"4XXError\",\"Unit\":\"Count\"},"
        "{\"Name\":\"5XXError\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},"
        "{\"Name\":\"IntegrationLatency\",\"Unit\":\"Milliseconds\"}]}]},"
        "\"ApiName\":\"shop\",\"Stage\":\"prod\",\"Method\":\"GET\","
        "\"Resource\":\"/pets/{id}\",\"Count\":4,\"4XXError\":1,"
        "\"5XXError\":1,\"Latency\":[0.0425,2.25,2.25,2.25],"
        "\"IntegrationLatency\":[1.25]}\n");
}

static void
test_workers__tp_emf__rest_stage_and_cache(void **state)
{
    struct tp_mseries s = series(TP_MS_REST, false, "", "");
    struct tp_mcount c;
    const char *d;

    (void) state;
    memset(&c, 0, sizeof(c));
    c.n[tp_mstatus_bin(403)] = 1;
    samples(&c, TP_MH_LATENCY, 100, 1);      /* [100, 150): 0.125 ms */
    assert_string_equal(doc(&s, &c, false),
        "{\"_aws\":{\"Timestamp\":1700000040000,\"CloudWatchMetrics\":[{"
        "\"Namespace\":\"AWS/ApiGateway\",\"Dimensions\":[[\"ApiName\","
        "\"Stage\"]],\"Metrics\":[{\"Name\":\"Count\",\"Unit\":\"Count\"},"
        "{\"Name\":\"4XXError\",\"Unit\":\"Count\"},"
        "{\"Name\":\"5XXError\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]}]},"
        "\"ApiName\":\"shop\",\"Stage\":\"prod\",\"Count\":1,"
        "\"4XXError\":1,\"5XXError\":0,\"Latency\":[0.125]}\n");
    /* a caching stage reports hits and misses, zero or not */
    d = doc(&s, &c, true);
    assert_non_null(strstr(d, "{\"Name\":\"CacheHitCount\",\"Unit\":"
        "\"Count\"},{\"Name\":\"CacheMissCount\",\"Unit\":\"Count\"}"));
    assert_non_null(strstr(d, "\"CacheHitCount\":0,\"CacheMissCount\":0"));
    /* counted hits show without the flag (a stage cached before a reload) */
    c.n[TP_MC_CACHE_HIT] = 1;
    d = doc(&s, &c, false);
    assert_non_null(strstr(d, "\"CacheHitCount\":1,\"CacheMissCount\":0"));
}

static void
test_workers__tp_emf__http_route(void **state)
{
    struct tp_mseries s = series(TP_MS_HTTP, true, "", "GET /pets");
    struct tp_mcount c;

    (void) state;
    memset(&c, 0, sizeof(c));
    c.n[tp_mstatus_bin(200)] = 1;
    c.n[tp_mstatus_bin(418)] = 1;
    c.n[TP_MC_BYTES_IN] = 10;
    c.n[TP_MC_BYTES_OUT] = 32;
    c.n[TP_MC_CACHE_HIT] = 5;                /* not an HTTP API metric */
    samples(&c, TP_MH_LATENCY, 3000000, 2);  /* [3 s, 3.5 s): 3250 ms */
    assert_string_equal(doc(&s, &c, true),
        "{\"_aws\":{\"Timestamp\":1700000040000,\"CloudWatchMetrics\":[{"
        "\"Namespace\":\"AWS/ApiGateway\",\"Dimensions\":[[\"ApiId\","
        "\"Stage\"],[\"ApiId\",\"Stage\",\"Route\"]],"
        "\"Metrics\":[{\"Name\":\"Count\",\"Unit\":\"Count\"},"
        "{\"Name\":\"4xx\",\"Unit\":\"Count\"},"
        "{\"Name\":\"5xx\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},"
        "{\"Name\":\"DataProcessed\",\"Unit\":\"Bytes\"}]}]},"
        "\"ApiId\":\"a1b2c3\",\"Stage\":\"prod\",\"Route\":\"GET /pets\","
        "\"Count\":2,\"4xx\":1,\"5xx\":0,\"Latency\":[3250,3250],"
        "\"DataProcessed\":42}\n");
}

static void
test_workers__tp_emf__function(void **state)
{
    struct tp_mseries s = series(TP_MS_FUNCTION, false, "", "");
    struct tp_mcount c;

    (void) state;
    snprintf(s.api_id, sizeof(s.api_id), "hello");
    memset(&c, 0, sizeof(c));
    c.n[TP_MF_INVOKES] = 3;
    c.n[TP_MF_ERRORS] = 1;
    samples(&c, TP_MH_LATENCY, 20000, 3);    /* [20, 25) ms: 22.5 */
    samples(&c, TP_MH_INTEG, 150000, 1);     /* [150, 200) ms: 175 */
    assert_string_equal(doc(&s, &c, false),
        "{\"_aws\":{\"Timestamp\":1700000040000,\"CloudWatchMetrics\":[{"
        "\"Namespace\":\"AWS/Lambda\",\"Dimensions\":[[\"FunctionName\"]],"
        "\"Metrics\":[{\"Name\":\"Invocations\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Errors\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Throttles\",\"Unit\":\"Count\"},"
        "{\"Name\":\"Duration\",\"Unit\":\"Milliseconds\"},"
        "{\"Name\":\"InitDuration\",\"Unit\":\"Milliseconds\"}]}]},"
        "\"FunctionName\":\"hello\",\"Invocations\":3,\"Errors\":1,"
        "\"Throttles\":0,\"Duration\":[22.5,22.5,22.5],"
        "\"InitDuration\":[175]}\n");
    /* throttled only: a document, without Duration */
    memset(&c, 0, sizeof(c));
    c.n[TP_MF_THROTTLES] = 2;
    assert_null(strstr(doc(&s, &c, false), "Duration"));
}

static void
test_workers__tp_emf__nothing_to_report(void **state)
{
    struct tp_mseries rest = series(TP_MS_REST, true, "GET", "/");
    struct tp_mseries noapi = series(TP_MS_NOAPI, false, "", "");
    struct tp_mseries ws = series(TP_MS_WEBSOCKET, true, "", "$connect");
    struct tp_mseries fn = series(TP_MS_FUNCTION, false, "", "");
    struct tp_mcount c;

    (void) state;
    memset(&c, 0, sizeof(c));
    c.n[TP_MC_BYTES_IN] = 5;                 /* not a request */
    assert_int_equal(done(&rest, &c), TP_DONE);
    assert_int_equal(done(&fn, &c), TP_DONE);
    c.n[tp_mstatus_bin(200)] = 1;
    assert_int_equal(done(&noapi, &c), TP_DONE);
    assert_int_equal(done(&ws, &c), TP_DONE);
    assert_int_equal(done(&rest, &c), TP_OK);
    memset(&c, 0, sizeof(c));
    c.n[TP_MF_COLD] = 1;                     /* a cold start alone */
    assert_int_equal(done(&fn, &c), TP_DONE);
}

static void
test_workers__tp_emf__samples_without_requests(void **state)
{
    struct tp_mseries rest = series(TP_MS_REST, false, "", "");
    struct tp_mseries fn = series(TP_MS_FUNCTION, false, "", "");
    struct tp_mcount c;
    const char *d;

    (void) state;
    /* a latency sample whose status was read a period earlier */
    memset(&c, 0, sizeof(c));
    samples(&c, TP_MH_LATENCY, 100, 1);
    d = doc(&rest, &c, false);
    assert_non_null(strstr(d, "\"Count\":0,\"4XXError\":0,"
        "\"5XXError\":0,\"Latency\":[0.125]}"));
    /* a warm instance's start: InitDuration, zero invocations */
    memset(&c, 0, sizeof(c));
    snprintf(fn.api_id, sizeof(fn.api_id), "hello");
    samples(&c, TP_MH_INTEG, 150000, 1);
    d = doc(&fn, &c, false);
    assert_non_null(strstr(d, "\"Invocations\":0,\"Errors\":0,"
        "\"Throttles\":0,\"InitDuration\":[175]}"));
}

static void
test_workers__tp_emf__values(void **state)
{
    double ms[TP_EMF_VALUES];
    uint64_t h[TP_MH_N];
    unsigned i, n;

    (void) state;
    memset(h, 0, sizeof(h));
    assert_int_equal(tp_emf_values(h, ms), 0);
    /* 100 samples: one value each */
    h[tp_mhist_bucket(5000)] = 60;           /* [5, 5.5) ms */
    h[tp_mhist_bucket(90000)] = 40;          /* [90, 95) ms */
    n = tp_emf_values(h, ms);
    assert_int_equal(n, 100);
    for (i = 0; i < n; i++) {
        assert_true(ms[i] == (i < 60 ? 5.25 : 92.5));
    }
    /* 1000 samples: 100 quantiles, increasing, in the right places */
    h[tp_mhist_bucket(5000)] = 600;
    h[tp_mhist_bucket(90000)] = 400;
    n = tp_emf_values(h, ms);
    assert_int_equal(n, 100);
    for (i = 0; i < n; i++) {
        if (i > 0) {
            assert_true(ms[i] >= ms[i - 1]);
        }
        if (i < 60) {
            assert_true(ms[i] >= 5 && ms[i] < 5.5);
        } else {
            assert_true(ms[i] >= 90 && ms[i] < 95);
        }
    }
    /* the last bucket (100 s and up) counts as its lower bound */
    memset(h, 0, sizeof(h));
    h[TP_MH_N - 1] = 1;
    assert_int_equal(tp_emf_values(h, ms), 1);
    assert_true(ms[0] == 100000);
}

static void
test_workers__tp_emf__escaping(void **state)
{
    struct tp_mseries s = series(TP_MS_REST, true, "GET", "/a\"b\\c");
    struct tp_mcount c;

    (void) state;
    memset(&c, 0, sizeof(c));
    c.n[tp_mstatus_bin(200)] = 1;
    assert_non_null(strstr(doc(&s, &c, false),
        "\"Resource\":\"/a\\\"b\\\\c\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_emf__rest_route),
        cmocka_unit_test(test_workers__tp_emf__rest_stage_and_cache),
        cmocka_unit_test(test_workers__tp_emf__http_route),
        cmocka_unit_test(test_workers__tp_emf__function),
        cmocka_unit_test(test_workers__tp_emf__nothing_to_report),
        cmocka_unit_test(test_workers__tp_emf__samples_without_requests),
        cmocka_unit_test(test_workers__tp_emf__values),
        cmocka_unit_test(test_workers__tp_emf__escaping),
    };

    return cmocka_run_group_tests(tests, tp_test_arena_setup,
        tp_test_arena_teardown);
}

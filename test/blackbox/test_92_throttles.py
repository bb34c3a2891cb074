"""Tier 92: throttles (issue 4, traffic control), black-box.

Token buckets of rate r per second and burst b (GCRA in shared memory, the
same for every worker): the account's (top-level throttle), the route's on
its stage (stage throttle = a bucket per route, route_settings replace it for
one route), and the key's in its usage plan (plan throttle = one bucket per
key across the plan's stages, method_throttles replace it for one route).
A request is admitted when every bucket has a token, and then each gives one;
otherwise none gives any and the answer is 429 {"message":"Too Many
Requests"} (TooManyRequestsException).  A request that its quota refuses
gives its tokens back.

Rates are measured with many client threads on keep-alive connections: the
admitted count must be b + r * t within a tolerance (t = from the first
request sent to the last response received), and so must the admitted rate
once the burst is spent.  Burst tests use rates so low (0.1/s or less) that
no token comes back while they run.
"""

import threading

import pytest

from traffic import (QUOTA, THROTTLED, Client, assert_refused, bucket, codes, hammer,  # noqa: F401
                     key, kv, mock, plan, reachable_workdir, statuses, tally,
                     traffic_config)

pytestmark = pytest.mark.usefixtures("reachable_workdir")

SLOW = 0.01          # one token per 100 s: none comes back during a test


def expect(results, n_ok, message=THROTTLED, what=""):
    """The first <n_ok> results are 200, the rest 429 <message>."""
    got = codes(results)
    want = [(200, None)] * n_ok + [(429, message)] * (len(results) - n_ok)
    assert got == want, "%s: expected %d x 200 then 429 %r, got %s" % (
        what, n_ok, message, got)


# -- rates ----------------------------------------------------------------------------------

def check_rate(results, rate, burst, what):
    """admitted ~ burst + rate * t, and ~ rate per second once the burst is spent."""
    ok = sorted(r.received for r in results if r.status == 200)
    others = tally(r for r in results if r.status != 200)
    assert set(others) <= {(429, THROTTLED)}, "%s: unexpected answers %r" % (what, others)
    t0 = min(r.sent for r in results)
    t = max(r.received for r in results) - t0
    offered = len(results) / t
    assert offered > 3 * rate, \
        "%s: the clients offered only %.0f requests/s (%d in %.2f s), too few to " \
        "measure a rate of %g/s" % (what, offered, len(results), t, rate)
    admitted = len(ok)
    lo = burst + rate * t * 0.8
    hi = burst + rate * (t + 0.2) + 2
    assert lo <= admitted <= hi, \
        "%s: %d admitted in %.2f s (%d offered); rate %g burst %g allows %.0f " \
        "(accepted range %.0f..%.0f)" % (what, admitted, t, len(results), rate, burst,
                                         burst + rate * t, lo, hi)
    # once the burst is spent: the admitted rate over the second half
    half = [x for x in ok if x >= t0 + t / 2]
    per_s = len(half) / (t / 2)
    assert rate * 0.7 <= per_s <= rate * 1.3 + 2 / t, \
        "%s: %.1f admitted per second in the second half of the run, throttle rate %g" % (
            what, per_s, rate)


def test_account_rate_and_burst_under_load(turnpike):
    rate, burst = 100.0, 50
    gw = turnpike(traffic_config([mock("GET /open")], workers=2,
                                 throttle=bucket(rate, burst)))
    results = hammer(gw.port, "/prod/open", duration=2.0, threads=8)
    check_rate(results, rate, burst, "account throttle (rate %g, burst %d)" % (rate, burst))


def test_plan_rate_per_key_under_load(turnpike):
    """Two keys of one plan hammered at once: each gets its own bucket."""
    rate, burst = 40.0, 20
    cfg = traffic_config([mock("GET /keyed", key=True)], workers=2,
                         plans=[plan("basic", throttle=bucket(rate, burst))],
                         keys=[key("k1", kv(1)), key("k2", kv(2))])
    gw = turnpike(cfg)
    out = {}

    def run(name, value):
        out[name] = hammer(gw.port, "/prod/keyed", api_key=value, duration=2.0, threads=4)
    ts = [threading.Thread(target=run, args=(n, v)) for n, v in (("k1", kv(1)), ("k2", kv(2)))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)
    for name in ("k1", "k2"):
        check_rate(out[name], rate, burst, "plan throttle of key %s (rate %g, burst %d)" % (
            name, rate, burst))


# -- bursts and buckets ---------------------------------------------------------------------

def test_burst_at_once_then_refused(turnpike):
    burst = 30
    gw = turnpike(traffic_config([mock("GET /a")], workers=2,
                                 stages=[{"name": "prod", "throttle": bucket(0.1, burst)}]))
    conns = [Client(gw.port) for _ in range(burst)]
    for c in conns:
        c._connect()
    barrier = threading.Barrier(burst)
    results = [None] * burst

    def one(i):
        barrier.wait(10)
        results[i] = conns[i].get("/prod/a")
    ts = [threading.Thread(target=one, args=(i,)) for i in range(burst)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)
    for c in conns:
        c.close()
    assert codes(results) == [(200, None)] * burst, \
        "%d requests at once on a bucket of burst %d: %s" % (burst, burst, tally(results))
    for r in statuses(gw, "/prod/a", 3):
        assert_refused(r, 429, THROTTLED, "TooManyRequestsException",
                       "request %d after the burst" % (burst + 1))


def stage_config():
    routes = [mock("GET /a"), mock("GET /b"), mock("GET /c"), mock("GET /zero"),
              mock("GET /noburst")]
    stages = [{"name": "prod", "throttle": bucket(SLOW, 3),
               "route_settings": [{"route": "GET /b", "throttle": bucket(SLOW, 6)},
                                  {"route": "GET /zero", "throttle": bucket(0, 10)},
                                  {"route": "GET /noburst", "throttle": bucket(100, 0)}]},
              {"name": "beta"}]
    return traffic_config(routes, stages)


def test_stage_default_is_a_bucket_per_route_and_route_settings_replace_it(turnpike):
    gw = turnpike(stage_config())
    expect(statuses(gw, "/prod/a", 5), 3, what="/prod/a (stage default, burst 3)")
    expect(statuses(gw, "/prod/c", 5), 3,
           what="/prod/c: the stage default gives each route its own bucket")
    expect(statuses(gw, "/prod/b", 8), 6, what="/prod/b (route_settings, burst 6)")
    expect(statuses(gw, "/beta/a", 10), 10, what="/beta/a (a stage without throttle)")


@pytest.mark.parametrize("route", ["/prod/zero", "/prod/noburst"], ids=["rate-0", "burst-0"])
def test_rate_or_burst_zero_admits_nothing(turnpike, route):
    gw = turnpike(stage_config())
    expect(statuses(gw, route, 3), 0, what=route)


def test_refused_requests_take_no_token_from_other_buckets(turnpike):
    """All buckets are charged or none: /a's refusals leave the account's tokens."""
    stages = [{"name": "prod", "route_settings": [{"route": "GET /a",
                                                   "throttle": bucket(SLOW, 2)}]}]
    gw = turnpike(traffic_config([mock("GET /a"), mock("GET /b")], stages,
                                 throttle=bucket(SLOW, 6)))
    expect(statuses(gw, "/prod/a", 7), 2, what="/prod/a (route burst 2, account burst 6)")
    expect(statuses(gw, "/prod/b", 6), 4,
           what="/prod/b after /a's 2 admitted and 5 refused (account burst 6)")


def plan_config():
    routes = [mock("GET /keyed", key=True), mock("GET /m", key=True), mock("GET /open")]
    methods = [{"stage": "shop/prod", "route": "GET /m", "throttle": bucket(SLOW, 2)}]
    plans = [plan("basic", ["shop/prod", "shop/beta"], throttle=bucket(SLOW, 4),
                  methods=methods)]
    return traffic_config(routes, plans=plans,
                          keys=[key("k1", kv(1)), key("k2", kv(2)), key("k3", kv(3))])


def test_plan_bucket_is_per_key_across_the_plans_stages(turnpike):
    gw = turnpike(plan_config())
    with Client(gw.port) as c:
        got = [c.get(p, api_key=kv(1)) for p in ("/prod/keyed", "/beta/keyed") * 3]
    expect(got, 4, what="k1 alternating prod and beta (one plan bucket, burst 4)")
    expect(statuses(gw, "/prod/keyed", 6, api_key=kv(2)), 4,
           what="k2, after k1 emptied its own bucket")
    # routes without api_key_required use no plan bucket, even with the key
    expect(statuses(gw, "/prod/open", 6, api_key=kv(1)), 6, what="k1 on /prod/open")


def test_method_throttle_replaces_the_plan_bucket_for_its_route(turnpike):
    gw = turnpike(plan_config())
    expect(statuses(gw, "/prod/keyed", 5, api_key=kv(1)), 4, what="k1 on /prod/keyed")
    expect(statuses(gw, "/prod/m", 4, api_key=kv(1)), 2,
           what="k1 on /prod/m (method_throttles burst 2, plan bucket already empty)")
    expect(statuses(gw, "/beta/m", 2, api_key=kv(1)), 0,
           what="k1 on /beta/m (no method throttle on beta: the empty plan bucket)")
    # the method bucket is per key as well, and does not take from the plan bucket
    expect(statuses(gw, "/prod/m", 3, api_key=kv(2)), 2, what="k2 on /prod/m")
    expect(statuses(gw, "/prod/keyed", 5, api_key=kv(2)), 4, what="k2 on /prod/keyed")


def test_quota_refusal_gives_the_tokens_back(turnpike):
    """The route bucket (burst 5) is shared by every key.  Key a's quota (2)
    refuses its 3rd..8th requests: were their tokens not given back, the bucket
    would run dry and answer "Too Many Requests" instead of "Limit Exceeded"."""
    stages = [{"name": "prod", "route_settings": [{"route": "GET /keyed",
                                                   "throttle": bucket(SLOW, 5)}]}]
    keys = [key("a", kv(1), ["tiny"]), key("b", kv(2), ["tiny"]), key("c", kv(3), ["tiny"])]
    gw = turnpike(traffic_config([mock("GET /keyed", key=True)], stages, keys=keys,
                                 plans=[plan("tiny", quota={"limit": 2, "period": "DAY"})]))
    got = statuses(gw, "/prod/keyed", 8, api_key=kv(1))
    expect(got, 2, QUOTA, what="key a: quota 2, route burst 5")
    for r in got[2:]:
        assert r.error_type == "LimitExceededException", r.error_type
    expect(statuses(gw, "/prod/keyed", 3, api_key=kv(2)), 2, QUOTA,
           what="key b (its own quota of 2) after a's 2 admitted and 6 refused")
    # 4 admitted took 4 of the 5 tokens: key c gets the last one
    expect(statuses(gw, "/prod/keyed", 3, api_key=kv(3)), 1, THROTTLED,
           what="key c after 4 admitted requests on a route of burst 5")


def test_http_api_stage_throttle(turnpike, backend):
    route = {"route": "GET /h", "integration": {
        "type": "HTTP_PROXY", "uri": "http://127.0.0.1:%d/h" % backend.port}}
    cfg = traffic_config([route], [{"name": "$default", "throttle": bucket(SLOW, 3)}],
                         api_type="HTTP")
    gw = turnpike(cfg)
    got = statuses(gw, "/h", 5)
    assert [r.status for r in got] == [200] * 3 + [429] * 2, codes(got)
    assert got[-1].message == THROTTLED, got[-1].body


def test_buckets_outlive_a_reload(turnpike):
    gw = turnpike(stage_config())
    expect(statuses(gw, "/prod/a", 4), 3, what="/prod/a before the reload")
    gw.reload()
    expect(statuses(gw, "/prod/a", 2), 0,
           what="/prod/a after a reload (the bucket is in shared memory: still empty)")
    expect(statuses(gw, "/prod/c", 4), 3, what="/prod/c after the reload")

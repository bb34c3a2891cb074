"""Tier b3: GET /metrics and GET /health on the admin listener, black-box.

/metrics is parsed with python3-prometheus-client's own parser
(prometheus_client.parser.text_string_to_metric_families). Checked here:

- format: Content-Type text/plain; version=0.0.4; charset=utf-8, HELP and TYPE
  for every family, counters per api/stage/method/resource/status (REST method
  and resource; HTTP APIs method="" and resource = the route key; requests no
  route took: method="" resource=""; requests no API took: api="" stage=""),
  histograms with the 1-2.5-5 buckets from 10 us to 100 s, cumulative, +Inf
  equal to _count, _count equal to the requests; integration histograms for
  requests whose integration ran; bytes and cache counters; worker gauges;
  a local function's invocations, cold starts and duration histograms; HEAD
  answers the headers only, other methods 405 with Allow; a public listener
  answers /metrics and /health like any other unknown path; admin requests
  themselves are not counted; thousands of series (1,200 routes) in one answer
- exact counts, counted on the client side (each thread on its own keep-alive
  connection, reconnecting after a failure; a request counts as answered only
  when its whole response was read): N requests of mixed statuses from 20
  threads across both workers (worker_connections = 16 forces the second one
  to take connections) -> the deltas equal the client's counts per route and
  status exactly, and /health's per-process request counts add up to N;
  across a reload (HUP in the middle of traffic) and a kill -9 of one worker
  in the middle of traffic, the total delta equals the responses received
- /health: the master (pid, generation, uptime) and every block owner (pid,
  role, slot, generation, state, heartbeat age, uptime, requests); a reload
  raises the generation; a worker stopped with SIGSTOP is "stalled" after 5 s
  and /health answers 503 (polled for at most 20 s), then 200 again after
  SIGCONT
"""

import http.client
import json
import os
import signal
import threading
import time
from collections import Counter

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import base_config, demo_api, proxy_route
from test_a0_functions import PY_BOOTSTRAP, py_function, write_function

ADMIN = "@PORT2@"
CTYPE = "text/plain; version=0.0.4; charset=utf-8"
LE = ["1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001",
      "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
      "2.5", "5", "10", "25", "50", "100", "+Inf"]
# the status codes with a bin of their own (shm/tp_mstat.h); others: "4xx" ...
CODES = {200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409,
         413, 415, 429, 500, 502, 503, 504}
STATUSES = (200, 201, 404, 418, 500, 503)
MOCK = {"type": "MOCK", "responses": [{"status": 200}]}


def status_label(code):
    return str(code) if code in CODES else "%dxx" % (code // 100)


def admin_config(backend_port, workers=2, apis=None, listeners=None, **server):
    cfg = base_config(backend_port, workers=workers, apis=apis, listeners=listeners,
                      **server)
    cfg["metrics"] = {"admin": "127.0.0.1:" + ADMIN}
    return cfg


def rest_api(backend_port):
    b = "http://127.0.0.1:%d" % backend_port
    return demo_api(backend_port, routes=[
        proxy_route(b + "/status/{code}", route="GET /s/{code}"),
        {"route": "GET /mock", "integration": MOCK},
    ])


def raw(gw, method, path, port=ADMIN, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", gw.ports[port], timeout=10)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        c.close()


def scrape(gw):
    status, h, body = raw(gw, "GET", "/metrics")
    assert status == 200, body[:500]
    assert h["content-type"] == CTYPE
    return {f.name: f for f in text_string_to_metric_families(body.decode())}


def requests_by_key(fams):
    """{(api, stage, method, resource, status): count}"""
    out = {}
    for s in fams["turnpike_requests"].samples:
        assert s.name == "turnpike_requests_total"
        lab = s.labels
        out[(lab["api"], lab["stage"], lab["method"], lab["resource"],
             lab["status"])] = s.value
    return out


def delta(after, before):
    return {k: v - before.get(k, 0) for k, v in after.items()
            if v - before.get(k, 0) != 0}


def series_of(fams, family, suffix=None):
    """{labels minus le/status as a tuple: {sample name or le: value}}"""
    out = {}
    for s in fams[family].samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        d = out.setdefault(key, {})
        d[s.labels["le"] if "le" in s.labels else s.name] = s.value
    return out


def check_histograms(fams, family):
    """Buckets as expected, cumulative, +Inf == _count; {labels: _count}."""
    counts = {}
    for key, d in series_of(fams, family).items():
        les = [k for k in d if not k.startswith("turnpike_")]
        assert les == LE, (family, key, les)
        vals = [d[le] for le in LE]
        assert vals == sorted(vals), (family, key, vals)
        assert d["+Inf"] == d[family + "_count"], (family, key, d)
        assert d[family + "_sum"] >= 0
        counts[key] = d[family + "_count"]
    return counts


def health(gw):
    status, h, body = raw(gw, "GET", "/health")
    assert h["content-type"] == "application/json"
    return status, json.loads(body)


def served_by_pid(gw):
    _, doc = health(gw)
    return {p["pid"]: p["requests"] for p in doc["processes"] if p["role"] == "worker"}


# -- format ------------------------------------------------------------------------------

def test_format_labels_and_families(turnpike, backend):
    b = "http://127.0.0.1:%d" % backend.port
    http_api = demo_api(backend.port, api_id="h", api_type="HTTP", routes=[
        proxy_route(b + "/pets", route="GET /pets")])
    gw = turnpike(admin_config(
        backend.port, apis=[rest_api(backend.port), http_api],
        listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "demo"},
                   {"address": "127.0.0.1:@PORT3@", "default_api": "h"},
                   {"address": "127.0.0.1:@PORT4@"}]))
    before = requests_by_key(scrape(gw))
    sent = Counter()
    for code in STATUSES:
        for _ in range(2):
            assert raw(gw, "GET", "/prod/s/%d" % code, port="@PORT@")[0] == code
            sent[("demo", "prod", "GET", "/s/{code}", status_label(code))] += 1
    assert raw(gw, "GET", "/prod/mock", port="@PORT@")[0] == 200
    sent[("demo", "prod", "GET", "/mock", "200")] += 1
    assert raw(gw, "GET", "/prod/none/here", port="@PORT@")[0] == 403
    sent[("demo", "prod", "", "", "403")] += 1
    for _ in range(3):
        assert raw(gw, "GET", "/prod/pets", port="@PORT3@")[0] == 200
    sent[("h", "prod", "", "GET /pets", "200")] += 3
    noapi = raw(gw, "GET", "/x", port="@PORT4@")[0]
    sent[("", "", "", "", status_label(noapi))] += 1
    # admin requests are not counted: these scrapes change nothing
    for _ in range(3):
        raw(gw, "GET", "/health")
        raw(gw, "GET", "/metrics")
    fams = scrape(gw)
    assert delta(requests_by_key(fams), before) == dict(sent)

    text = raw(gw, "GET", "/metrics")[2].decode()
    for name, typ in (("turnpike_requests_total", "counter"),
                      ("turnpike_request_duration_seconds", "histogram"),
                      ("turnpike_integration_duration_seconds", "histogram"),
                      ("turnpike_cache_hits_total", "counter"),
                      ("turnpike_cache_misses_total", "counter"),
                      ("turnpike_received_bytes_total", "counter"),
                      ("turnpike_sent_bytes_total", "counter"),
                      ("turnpike_function_invocations_total", "counter"),
                      ("turnpike_function_errors_total", "counter"),
                      ("turnpike_function_throttles_total", "counter"),
                      ("turnpike_function_timeouts_total", "counter"),
                      ("turnpike_function_cold_starts_total", "counter"),
                      ("turnpike_function_duration_seconds", "histogram"),
                      ("turnpike_function_init_duration_seconds", "histogram"),
                      ("turnpike_workers", "gauge")):
        assert "\n# TYPE %s %s\n" % (name, typ) in text, name
        assert "# HELP %s " % name in text, name

    # latency histograms: one per series that counted, _count = its requests
    lat = check_histograms(fams, "turnpike_request_duration_seconds")
    reqs = Counter()
    for (api, stage, method, resource, _), v in requests_by_key(fams).items():
        reqs[(("api", api), ("method", method), ("resource", resource),
              ("stage", stage))] += v
    assert lat == dict(reqs)
    # integration latency: only where an integration ran (MOCK too), not for
    # the 403 of a request without a route
    integ = check_histograms(fams, "turnpike_integration_duration_seconds")
    assert integ == {
        (("api", "demo"), ("method", "GET"), ("resource", "/mock"),
         ("stage", "prod")): 1,
        (("api", "demo"), ("method", "GET"), ("resource", "/s/{code}"),
         ("stage", "prod")): 2 * len(STATUSES),
        (("api", "h"), ("method", ""), ("resource", "GET /pets"),
         ("stage", "prod")): 3}
    sent_bytes = {k: v["turnpike_sent_bytes_total"]
                  for k, v in series_of(fams, "turnpike_sent_bytes").items()}
    assert set(sent_bytes) == set(lat)
    assert sent_bytes[(("api", "demo"), ("method", "GET"), ("resource", "/s/{code}"),
                       ("stage", "prod"))] > 0
    assert set(series_of(fams, "turnpike_cache_hits")) == set(lat)
    workers = {s.labels["state"]: s.value for s in fams["turnpike_workers"].samples}
    assert workers == {"running": 2, "draining": 0, "stalled": 0}


def test_methods_and_public_listener(turnpike, backend):
    gw = turnpike(admin_config(backend.port, apis=[rest_api(backend.port)]))
    status, h, body = raw(gw, "HEAD", "/metrics")
    assert status == 200 and body == b"" and h["content-type"] == CTYPE
    assert int(h["content-length"]) > 1000
    status, h, body = raw(gw, "HEAD", "/health")
    assert status == 200 and body == b""
    for path in ("/metrics", "/health"):
        for method in ("POST", "PUT", "DELETE"):
            status, h, body = raw(gw, method, path)
            assert status == 405, (method, path)
            assert h["allow"] == "GET, HEAD"
            assert h["x-amzn-errortype"] == "MethodNotAllowedException"
            assert json.loads(body)["Type"] == "User"
    status, h, body = raw(gw, "GET", "/metrics/")
    assert status == 404 and h["x-amzn-errortype"] == "UnknownOperationException"
    # a public listener: /metrics and /health are paths like any other
    unknown = raw(gw, "GET", "/prod/not-a-route", port="@PORT@")
    for path in ("/metrics", "/health", "/prod/metrics"):
        status, h, body = raw(gw, "GET", path, port="@PORT@")
        assert (status, body) == (unknown[0], unknown[2]), path
        assert h["content-type"] != CTYPE


def test_thousands_of_series(turnpike, backend):
    n = 1200
    routes = [{"route": "GET /r%d" % i, "integration": MOCK}
              for i in range(n)]
    gw = turnpike(admin_config(backend.port, workers=1,
                               apis=[demo_api(backend.port, routes=routes)]))
    c = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        for i in range(n):
            c.request("GET", "/prod/r%d" % i)
            r = c.getresponse()
            r.read()
            assert r.status == 200
    finally:
        c.close()
    fams = scrape(gw)
    got = requests_by_key(fams)
    assert got == {("demo", "prod", "GET", "/r%d" % i, "200"): 1 for i in range(n)}
    assert len(check_histograms(fams, "turnpike_request_duration_seconds")) == n


def test_function_series(turnpike, backend, workdir):
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    cfg = admin_config(backend.port, workers=1)
    cfg["functions"] = [py_function("hello")]
    gw = turnpike(cfg)
    fams = scrape(gw)
    lab = {"function": "hello"}
    for fam in ("invocations", "errors", "throttles", "timeouts", "cold_starts"):
        s = fams["turnpike_function_" + fam].samples
        assert [(x.labels, x.value) for x in s] == [(lab, 0)], fam
    for _ in range(3):
        status, _, body = raw_post(gw, "/2015-03-31/functions/hello/invocations",
                                   b'{"a": 1}')
        assert status == 200, body
    fams = scrape(gw)

    def value(fam):
        return [x.value for x in fams["turnpike_function_" + fam].samples]
    assert value("invocations") == [3]
    assert value("errors") == [0]
    # the host's own notion of a cold start (tier a0): at least the first
    assert 1 <= value("cold_starts")[0] <= 3
    key = (("function", "hello"),)
    assert check_histograms(fams, "turnpike_function_duration_seconds") == {key: 3}
    init = check_histograms(fams, "turnpike_function_init_duration_seconds")
    assert list(init) == [key] and 1 <= init[key] <= 3


def raw_post(gw, path, body):
    c = http.client.HTTPConnection("127.0.0.1", gw.ports[ADMIN], timeout=30)
    try:
        c.request("POST", path, body=body)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


# -- exact counts -----------------------------------------------------------------------

class Traffic:
    """<threads> threads, each on its own keep-alive connection, making
    <per_thread> requests of mixed statuses; a failed request (no complete
    response) reconnects. Only complete responses are counted."""

    def __init__(self, gw, threads, per_thread, together=False):
        self.gw = gw
        # together: every connection open at once after the first request
        self.barrier = threading.Barrier(threads) if together else None
        self.lock = threading.Lock()
        self.received = Counter()
        self.failed = 0
        self.done = 0
        self.threads = [threading.Thread(target=self.run, args=(i, per_thread))
                        for i in range(threads)]

    def run(self, t, n):
        conn = None
        for i in range(n):
            code = STATUSES[(t + i) % len(STATUSES)]
            path, key = "/prod/s/%d" % code, ("GET", "/s/{code}", status_label(code))
            if i % 7 == 3:
                path, key = "/prod/no/route", ("", "", "403")
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.gw.port,
                                                      timeout=10)
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()             # IncompleteRead: not a response
                with self.lock:
                    self.received[key] += 1
                    self.done += 1
                if i == 0 and self.barrier is not None:
                    try:
                        self.barrier.wait(20)
                    except threading.BrokenBarrierError:
                        pass         # the counts below still hold
                if r.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.failed += 1
                    self.done += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def start(self):
        for th in self.threads:
            th.start()

    def wait_done(self, n, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.done >= n:
                    return
            time.sleep(0.005)

    def join(self):
        for th in self.threads:
            th.join(60)
            assert not th.is_alive(), "a traffic thread hangs"


def api_deltas(after, before):
    return {(k[2], k[3], k[4]): v for k, v in delta(after, before).items()
            if k[0] == "demo"}


def exact_config(backend_port):
    # 20 connections open at once cannot all be one worker's: both serve
    return admin_config(backend_port, apis=[rest_api(backend_port)],
                        worker_connections=16)


def test_exact_counts_across_workers(turnpike, backend):
    gw = turnpike(exact_config(backend.port))
    gw.wait_workers(2)
    before, served = requests_by_key(scrape(gw)), served_by_pid(gw)
    tr = Traffic(gw, threads=20, per_thread=18, together=True)
    tr.start()
    tr.join()
    assert tr.failed == 0
    assert sum(tr.received.values()) == 360
    after = requests_by_key(scrape(gw))
    assert api_deltas(after, before) == dict(tr.received)
    assert delta(after, before).keys() == {("demo", "prod") + k for k in tr.received}
    now = served_by_pid(gw)
    grew = {p: now[p] - served.get(p, 0) for p in now if now[p] != served.get(p, 0)}
    assert len(grew) >= 2, "one worker served everything: %r" % grew
    assert sum(grew.values()) == 360


@pytest.mark.parametrize("event", ["reload", "kill"])
def test_exact_counts_across_reload_and_kill(turnpike, backend, event):
    gw = turnpike(exact_config(backend.port))
    old = gw.wait_workers(2)
    before = requests_by_key(scrape(gw))
    tr = Traffic(gw, threads=20, per_thread=45)
    tr.start()
    tr.wait_done(300)
    if event == "reload":
        gw.reload()
    else:
        os.kill(old[0], signal.SIGKILL)
        assert gw.wait_workers(2, exclude=[old[0]]), "the killed worker was not replaced"
    tr.join()
    assert tr.done == 900
    after = requests_by_key(scrape(gw))
    got = api_deltas(after, before)
    # the total is exact; per key too, since a request is counted only once answered
    assert sum(got.values()) == sum(tr.received.values()), (got, tr.received, tr.failed)
    assert got == dict(tr.received)
    if event == "reload":
        status, doc = health(gw)
        assert doc["master"]["generation"] == 2


# -- /health -----------------------------------------------------------------------------

def wait_health(gw, want_status, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        status, doc = health(gw)
        if status == want_status or time.monotonic() > deadline:
            return status, doc
        time.sleep(0.25)


def test_health_shape_and_stalled_worker(turnpike, backend):
    gw = turnpike(admin_config(backend.port, apis=[rest_api(backend.port)]))
    workers = sorted(gw.wait_workers(2))
    for _ in range(5):
        raw(gw, "GET", "/prod/mock", port="@PORT@")
    # a worker names itself before it takes its block and beats: wait for
    # the first heartbeat of both (heartbeat_age_ms null until then)
    deadline = time.monotonic() + 10
    while True:
        status, doc = health(gw)
        ages = [p["heartbeat_age_ms"] for p in doc["processes"]
                if p["role"] == "worker"]
        if (len(ages) == 2 and None not in ages) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status == 200, doc
    assert doc["status"] == "ok"
    assert doc["master"]["pid"] == gw.pid
    assert doc["master"]["generation"] == 1
    assert doc["master"]["uptime_s"] >= 0
    procs = [p for p in doc["processes"] if p["role"] == "worker"]
    assert sorted(p["pid"] for p in procs) == workers
    assert sorted(p["slot"] for p in procs) == [0, 1]
    for p in procs:
        assert set(p) == {"pid", "role", "slot", "generation", "state",
                          "heartbeat_age_ms", "uptime_s", "requests"}
        assert p["generation"] == 1 and p["state"] == "running"
        assert 0 <= p["heartbeat_age_ms"] < 5000
    assert sum(p["requests"] for p in procs) == 5

    victim = workers[0]
    os.kill(victim, signal.SIGSTOP)
    try:
        status, doc = wait_health(gw, 503)
        assert status == 503, doc
        assert doc["status"] == "stalled"
        states = {p["pid"]: p["state"] for p in doc["processes"]}
        assert states[victim] == "stalled"
        assert states[workers[1]] == "running"
        stalled = {p["pid"]: p for p in doc["processes"]}[victim]
        assert stalled["heartbeat_age_ms"] > 5000
        fams = scrape(gw)
        g = {s.labels["state"]: s.value for s in fams["turnpike_workers"].samples}
        assert g == {"running": 1, "draining": 0, "stalled": 1}
    finally:
        os.kill(victim, signal.SIGCONT)
    status, doc = wait_health(gw, 200)
    assert status == 200, doc
    assert doc["status"] == "ok"

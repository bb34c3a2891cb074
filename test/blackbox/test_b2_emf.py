"""Tier b2: the metrics worker's CloudWatch Embedded Metric Format output (issue 8).

A REST API (routes answering 200, 403 for a missing API key, 5xx with the
backend down, and paths no route takes: 403 Missing Authentication Token)
and an HTTP API (200, and 404 for no route) behind a daemon with 2 workers
and `metrics { period = 1; emf_log = ... }`.  Clients fire a known number of
requests from several threads and count the responses they received; then
the daemon stops (the metrics worker writes the last, partial period) and
the emf_log is read:

- every line is one JSON document that passes the EMF checker written here
  (the spec's rules: _aws.Timestamp integer ms, CloudWatchMetrics[] with
  Namespace / Dimensions / Metrics only, <= 100 metrics, <= 30 dimensions per
  set, every referenced member at the top level, dimension values strings,
  metric values numbers or arrays of <= 100 numbers, CloudWatch units);
- per dimension set (e.g. ApiName=shop,Stage=prod or ApiId=hapi,Stage=prod,
  Route=GET /pets) the sum of Count equals the responses received exactly,
  and so do 4XXError / 5XXError (REST) and 4xx / 5xx (HTTP);
- the same across reloads in the middle of the traffic, across kill -9 of a
  request worker, of the metrics worker (twice) and of the master in the
  middle of the traffic (the metrics worker reports once the orphaned
  workers are gone);
- documents appear every period while the daemon runs, stamped with the
  period's start (multiples of 1000 ms), and USR1 moves them to a new file;
- a caching stage reports CacheHitCount / CacheMissCount, zero or not;
- a local function invoked N times gives Invocations summing to N in the
  AWS/Lambda namespace.
"""

import http.client
import json
import os
import signal
import threading
import time

import pytest

from conftest import base_config
from helpers import free_port, pid_alive, wait_until
from traffic import all_children, metrics_pid
from test_a0_functions import PY_BOOTSTRAP, invoke, py_function, write_function

UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
    "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}

# What AWS publishes, by namespace: metric name -> unit.
API_METRICS = {
    "Count": "Count", "4XXError": "Count", "5XXError": "Count", "4xx": "Count",
    "5xx": "Count", "Latency": "Milliseconds", "IntegrationLatency": "Milliseconds",
    "CacheHitCount": "Count", "CacheMissCount": "Count", "DataProcessed": "Bytes",
}
LAMBDA_METRICS = {
    "Invocations": "Count", "Errors": "Count", "Throttles": "Count",
    "Duration": "Milliseconds", "InitDuration": "Milliseconds",
}


# ---------------------------------------------------------------------------
# the EMF checker
# ---------------------------------------------------------------------------

def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_emf(line):
    """The document of one line, after checking it against the EMF spec; raises
    AssertionError naming the broken rule."""
    assert line.endswith("\n"), "a document is one whole line: %r" % line[-80:]
    assert len(line.encode()) < 256 * 1024, "document over 256 KB"
    doc = json.loads(line)
    assert isinstance(doc, dict), "root is not an object"
    aws = doc.get("_aws")
    assert isinstance(aws, dict), "no _aws object"
    ts = aws.get("Timestamp")
    assert isinstance(ts, int) and not isinstance(ts, bool) and ts > 10 ** 12, \
        "_aws.Timestamp must be integer ms: %r" % ts
    cwm = aws.get("CloudWatchMetrics")
    assert isinstance(cwm, list) and cwm, "_aws.CloudWatchMetrics must be a non-empty array"
    for d in cwm:
        assert isinstance(d, dict), "a MetricDirective is an object"
        assert set(d) == {"Namespace", "Dimensions", "Metrics"}, \
            "MetricDirective members: %r" % sorted(d)
        ns = d["Namespace"]
        assert isinstance(ns, str) and 1 <= len(ns) <= 1024, "Namespace %r" % ns
        dims = d["Dimensions"]
        assert isinstance(dims, list) and dims, "Dimensions: a non-empty array of sets"
        for ds in dims:
            assert isinstance(ds, list) and len(ds) <= 30, "DimensionSet %r" % ds
            for k in ds:
                assert isinstance(k, str) and 1 <= len(k) <= 250, "dimension key %r" % k
                assert k in doc, "dimension %r is not a top-level member" % k
                v = doc[k]
                assert isinstance(v, str) and 1 <= len(v) <= 1024, \
                    "dimension %s: value %r must be a string" % (k, v)
        mets = d["Metrics"]
        assert isinstance(mets, list) and 1 <= len(mets) <= 100, "Metrics: 1-100"
        names = set()
        for m in mets:
            assert isinstance(m, dict) and set(m) <= {"Name", "Unit", "StorageResolution"}, \
                "MetricDefinition %r" % m
            name = m.get("Name")
            assert isinstance(name, str) and 1 <= len(name) <= 1024, "Name %r" % name
            assert name not in names, "metric %s defined twice" % name
            names.add(name)
            assert m.get("Unit", "None") in UNITS, "unit %r" % m.get("Unit")
            assert name in doc, "metric %s is not a top-level member" % name
            v = doc[name]
            if isinstance(v, list):
                assert 1 <= len(v) <= 100 and all(_is_number(x) for x in v), \
                    "metric %s: array of 1-100 numbers, got %r" % (name, v)
            else:
                assert _is_number(v), "metric %s: %r is not a number" % (name, v)
            known = LAMBDA_METRICS if ns == "AWS/Lambda" else API_METRICS
            assert known.get(name) == m.get("Unit"), \
                "metric %s with unit %r" % (name, m.get("Unit"))
    return doc


def read_docs(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [check_emf(line) for line in f]


def sums(docs, metric):
    """{(namespace, ((dim, value), ...)): sum of <metric>} over every dimension
    set of every document carrying it."""
    out = {}
    for doc in docs:
        for d in doc["_aws"]["CloudWatchMetrics"]:
            if metric not in [m["Name"] for m in d["Metrics"]]:
                continue
            for ds in d["Dimensions"]:
                key = (d["Namespace"], tuple((k, doc[k]) for k in ds))
                out[key] = out.get(key, 0) + doc[metric]
    return out


# ---------------------------------------------------------------------------
# the gateway and its traffic
# ---------------------------------------------------------------------------

def emf_config(backend_port, workdir, **metrics):
    dead = free_port()                 # nothing listens there: 5xx
    ok = {"type": "HTTP_PROXY", "uri": "http://127.0.0.1:%d/echo" % backend_port}
    shop = {"id": "a1b2c3", "name": "shop", "type": "REST", "stages": [{"name": "prod"}],
            "routes": [
                {"route": "GET /ok", "integration": ok},
                {"route": "GET /keyed", "api_key_required": True,
                 "integration": {"type": "MOCK", "responses": [{"status": 200}]}},
                {"route": "GET /down", "integration": {
                    "type": "HTTP_PROXY", "uri": "http://127.0.0.1:%d/x" % dead}},
            ]}
    hapi = {"id": "hapi", "name": "hapi", "type": "HTTP", "stages": [{"name": "prod"}],
            "routes": [{"route": "GET /pets", "integration": ok}]}
    cfg = base_config(backend_port, workers=2, apis=[shop, hapi], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "a1b2c3"},
        {"address": "127.0.0.1:@PORT2@", "default_api": "hapi"}])
    m = {"period": 1, "emf_log": os.path.join(workdir, "emf.log")}
    m.update(metrics)
    cfg["metrics"] = m
    return cfg


# (listener token, path, series it counts in): what the clients send
REQUESTS = [
    ("@PORT@", "/prod/ok", "ok"),
    ("@PORT@", "/prod/keyed", "keyed"),
    ("@PORT@", "/prod/down", "down"),
    ("@PORT@", "/prod/nowhere", "rest-noroute"),
    ("@PORT2@", "/prod/pets", "pets"),
    ("@PORT2@", "/prod/nowhere", "http-noroute"),
]


class Fire:
    """Threads sending REQUESTS round-robin on keep-alive connections; each
    response received is tallied (label, status); a request that got no
    response (connection reset by a killed or draining worker) is not."""

    def __init__(self, gw, per_thread, threads=6, pace=0.0):
        self.gw = gw
        self.pace = pace               # seconds between a thread's requests
        self.per_thread = per_thread
        self.threads = threads
        self.lock = threading.Lock()
        self.got = {}
        self.lost = 0
        self.done = 0
        self.ts = []

    def _run(self, k):
        conns = {}
        for i in range(self.per_thread):
            token, path, label = REQUESTS[(i + k) % len(REQUESTS)]
            if self.pace:
                time.sleep(self.pace)
            c = conns.get(token)
            if c is None:
                c = conns[token] = http.client.HTTPConnection(
                    "127.0.0.1", self.gw.ports[token], timeout=20)
            try:
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                status = r.status
                if r.will_close:
                    c.close()
                    conns.pop(token)
            except (OSError, http.client.HTTPException):
                c.close()
                conns.pop(token)
                with self.lock:
                    self.lost += 1
                continue
            with self.lock:
                self.got[(label, status)] = self.got.get((label, status), 0) + 1
                self.done += 1
        for c in conns.values():
            c.close()

    def start(self):
        self.ts = [threading.Thread(target=self._run, args=(k,)) for k in range(self.threads)]
        for t in self.ts:
            t.start()
        return self

    def join(self):
        for t in self.ts:
            t.join(120)
        assert not any(t.is_alive() for t in self.ts), "client threads still running"
        return self


def expected(got):
    """What the documents must add up to, from the responses received."""
    def n(pred):
        return sum(c for (label, status), c in got.items() if pred(label, status))
    rest = ("AWS/ApiGateway", (("ApiName", "shop"), ("Stage", "prod")))
    http_ = ("AWS/ApiGateway", (("ApiId", "hapi"), ("Stage", "prod")))

    def route(method, res):
        return ("AWS/ApiGateway", (("ApiName", "shop"), ("Method", method),
                                   ("Resource", res), ("Stage", "prod")))
    is_rest = lambda lb: lb in ("ok", "keyed", "down", "rest-noroute")  # noqa: E731
    count = {
        rest: n(lambda lb, s: is_rest(lb)),
        route("GET", "/ok"): n(lambda lb, s: lb == "ok"),
        route("GET", "/keyed"): n(lambda lb, s: lb == "keyed"),
        route("GET", "/down"): n(lambda lb, s: lb == "down"),
        http_: n(lambda lb, s: not is_rest(lb)),
        ("AWS/ApiGateway", (("ApiId", "hapi"), ("Stage", "prod"), ("Route", "GET /pets"))):
            n(lambda lb, s: lb == "pets"),
    }
    err4 = {rest: n(lambda lb, s: is_rest(lb) and 400 <= s < 500)}
    err5 = {rest: n(lambda lb, s: is_rest(lb) and s >= 500)}
    h4 = {http_: n(lambda lb, s: not is_rest(lb) and 400 <= s < 500)}
    h5 = {http_: n(lambda lb, s: not is_rest(lb) and s >= 500)}
    return count, err4, err5, h4, h5


def assert_exact(docs, got):
    count, err4, err5, h4, h5 = expected(got)
    have = sums(docs, "Count")
    assert {k: have.get(k, 0) for k in count} == count
    assert set(have) == set(count), "documents for series never requested: %r" % (
        set(have) - set(count))
    for metric, want in (("4XXError", err4), ("5XXError", err5), ("4xx", h4),
                         ("5xx", h5)):
        s = sums(docs, metric)
        assert {k: s.get(k, 0) for k in want} == want, metric


def emf_path(gw):
    return gw.cfg["metrics"]["emf_log"]


@pytest.fixture
def gw(turnpike, backend, workdir):
    return turnpike(emf_config(backend.port, workdir))


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------

def test_statuses_are_what_the_documents_expect(gw):
    """The traffic itself: each kind of request answers the status class the
    sums below rely on."""
    f = Fire(gw, per_thread=len(REQUESTS), threads=1).start().join()
    got = {label: status for (label, status) in f.got}
    assert got == {"ok": 200, "keyed": 403, "down": got["down"],
                   "rest-noroute": 403, "pets": 200, "http-noroute": 404}
    assert got["down"] >= 500


def periods(docs):
    return len({d["_aws"]["Timestamp"] for d in docs})


def test_counts_exact_across_workers(gw):
    # about 2 s of traffic: several periods
    f = Fire(gw, per_thread=400, pace=0.005).start().join()
    assert f.lost == 0
    # documents are written while the daemon runs, one period at a time
    assert wait_until(lambda: read_docs(emf_path(gw)), 5), "no document within 5 s"
    gw.stop()
    docs = read_docs(emf_path(gw))
    assert periods(docs) >= 2
    assert_exact(docs, f.got)
    for d in docs:
        ts = d["_aws"]["Timestamp"]
        assert ts % 1000 == 0, "Timestamp %d is not a period start" % ts
        assert ts <= time.time() * 1000
        assert d["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AWS/ApiGateway"
    # latency arrays: one value per request up to 100, each a positive ms
    # value (a report taken while a request is being counted may see its
    # status but not yet its latency: one value off, carried to the next)
    for d in docs:
        if "Latency" in d:
            assert all(v > 0 for v in d["Latency"])
            assert abs(len(d["Latency"]) - min(d["Count"], 100)) <= 1
            if d["Count"] > 101:
                assert len(d["Latency"]) == 100
                assert d["Latency"] == sorted(d["Latency"])
    # the stage-level series has one dimension set; a route's has both
    rest_dims = {json.dumps(d["_aws"]["CloudWatchMetrics"][0]["Dimensions"])
                 for d in docs if "ApiName" in d}
    assert rest_dims <= {'[["ApiName", "Stage"]]',
                         '[["ApiName", "Stage"], ["ApiName", "Method", "Resource", "Stage"]]'}
    http_docs = [d for d in docs if "ApiId" in d]
    assert http_docs and all("DataProcessed" in d and d["DataProcessed"] > 0
                             for d in http_docs if "Route" in d)


def test_one_latency_value_per_request(gw):
    """Under 100 requests per period and series, each request's latency is one
    array value, exactly once over all the documents (a sample read apart from
    its count still comes out, in a document of zero counts)."""
    f = Fire(gw, per_thread=90, threads=2, pace=0.02).start().join()
    gw.stop()
    docs = read_docs(emf_path(gw))
    assert periods(docs) >= 2
    per = {}
    for d in docs:
        key = tuple(d.get(k) for k in ("ApiName", "ApiId", "Stage", "Method",
                                        "Resource", "Route"))
        n, v = per.get(key, (0, 0))
        per[key] = (n + d["Count"], v + len(d.get("Latency", [])))
    assert all(n == v for n, v in per.values()), per
    assert sum(n for n, v in per.values()) == f.done


def test_counts_exact_across_a_reload(gw):
    f = Fire(gw, per_thread=500, pace=0.004).start()
    wait_until(lambda: f.done >= 1000, 30)
    gw.reload()
    wait_until(lambda: f.done >= 2000, 30)
    gw.reload()                        # two generations drain at once
    f.join()
    gw.stop()
    assert f.done >= 2000
    docs = read_docs(emf_path(gw))
    assert periods(docs) >= 2
    assert_exact(docs, f.got)


def test_counts_exact_across_kill_9_of_a_worker(gw):
    f = Fire(gw, per_thread=500, pace=0.004).start()
    wait_until(lambda: f.done >= 1000, 30)
    victim = gw.wait_workers()[0]
    os.kill(victim, signal.SIGKILL)
    f.join()
    gw.stop()
    assert f.done > 1000
    docs = read_docs(emf_path(gw))
    assert periods(docs) >= 2
    assert_exact(docs, f.got)


def test_counts_exact_across_kill_9_of_the_metrics_worker(gw):
    """The master starts another metrics worker, which reports from the
    totals the killed one left in shared memory."""
    f = Fire(gw, per_thread=500, pace=0.004).start()
    killed = set()
    for at in (800, 1600):
        wait_until(lambda: f.done >= at, 30)
        pid = wait_until(lambda: metrics_pid(gw) not in killed | {None} and metrics_pid(gw),
                         10)
        assert pid, "no metrics worker"
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)
    f.join()
    assert wait_until(lambda: metrics_pid(gw) not in killed | {None}, 10), \
        "the master did not start another metrics worker"
    gw.stop()
    assert f.done >= 1600
    docs = read_docs(emf_path(gw))
    assert periods(docs) >= 2
    assert_exact(docs, f.got)


def test_counts_exact_when_the_master_dies(gw):
    """kill -9 of the master: the workers finish what they have and exit, the
    metrics worker reports once they are gone."""
    gw.wait_workers()
    assert wait_until(lambda: metrics_pid(gw), 10)
    children = set(all_children(gw))
    f = Fire(gw, per_thread=500, pace=0.004).start()
    wait_until(lambda: f.done >= 1000, 30)
    os.kill(gw.pid, signal.SIGKILL)
    f.join()
    assert wait_until(lambda: not any(pid_alive(p) for p in children), 30), \
        "children still running 30 s after the master died"
    gw.stop()
    assert f.done >= 1000
    assert_exact(read_docs(emf_path(gw)), f.got)


def test_usr1_moves_documents_to_a_new_file(gw):
    path = emf_path(gw)
    f = Fire(gw, per_thread=30, threads=2).start().join()
    assert wait_until(lambda: read_docs(path), 5)
    os.rename(path, path + ".1")
    gw.signal(signal.SIGUSR1)
    assert wait_until(lambda: os.path.exists(path), 5), "USR1 did not recreate emf_log"
    g = Fire(gw, per_thread=30, threads=2).start().join()
    gw.stop()
    old, new = read_docs(path + ".1"), read_docs(path)
    assert new, "no document in the reopened file"
    got = dict(f.got)
    for k, v in g.got.items():
        got[k] = got.get(k, 0) + v
    assert_exact(old + new, got)


def test_function_invocations(turnpike, backend, workdir):
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    cfg = emf_config(backend.port, workdir)
    cfg["functions"] = [py_function()]
    g = turnpike(cfg)
    for _ in range(5):
        assert invoke(g, "hello", {"x": 1}).status == "OK"
    g.stop()
    docs = [d for d in read_docs(emf_path(g))
            if d["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AWS/Lambda"]
    key = ("AWS/Lambda", (("FunctionName", "hello"),))
    assert sums(docs, "Invocations") == {key: 5}
    assert sums(docs, "Errors") == {key: 0}
    assert sum(len(d["Duration"]) for d in docs) == 5


def test_cache_hits_and_misses(turnpike, backend, workdir):
    """A caching stage reports CacheHitCount and CacheMissCount (zero too: its
    requests no route took); a stage without a cache reports neither."""
    cfg = emf_config(backend.port, workdir)
    cfg["apis"][0]["stages"].append(
        {"name": "cached", "cache": {"ttl": 300, "require_authorization": False}})
    g = turnpike(cfg)
    with_cache = [get_status(g, "/cached/ok") for _ in range(10)]
    assert with_cache == [200] * 10
    assert get_status(g, "/cached/nowhere") == 403
    assert get_status(g, "/prod/ok") == 200
    g.stop()
    docs = read_docs(emf_path(g))
    route = ("AWS/ApiGateway", (("ApiName", "shop"), ("Method", "GET"),
                                ("Resource", "/ok"), ("Stage", "cached")))
    stage = ("AWS/ApiGateway", (("ApiName", "shop"), ("Stage", "cached")))
    hits, misses = sums(docs, "CacheHitCount"), sums(docs, "CacheMissCount")
    assert hits[route] + misses[route] == 10
    assert 1 <= misses[route] <= 2     # one per worker at most, racing
    assert hits[stage] == hits[route] and misses[stage] == misses[route]
    noroute = [d for d in docs if d.get("Stage") == "cached" and "Resource" not in d]
    assert noroute and all(d["CacheHitCount"] == 0 and d["CacheMissCount"] == 0
                           for d in noroute)
    assert not any("CacheHitCount" in d for d in docs if d.get("Stage") == "prod")


def get_status(gw, path):
    c = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def test_namespace_and_no_document_without_requests(turnpike, backend, workdir):
    g = turnpike(emf_config(backend.port, workdir, namespace="Gateway/Test"))
    time.sleep(1.5)                    # periods without a request
    assert read_docs(emf_path(g)) == []
    Fire(g, per_thread=6, threads=1).start().join()
    g.stop()
    docs = read_docs(emf_path(g))
    assert docs and {d["_aws"]["CloudWatchMetrics"][0]["Namespace"] for d in docs} \
        == {"Gateway/Test"}


def test_checker_rejects_broken_documents():
    """The checker above is not vacuous."""
    good = {"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [["A"]],
         "Metrics": [{"Name": "Count", "Unit": "Count"}]}]}, "A": "x", "Count": 1}
    check_emf(json.dumps(good) + "\n")
    bad = [
        lambda d: d["_aws"].update(Timestamp=1.5),
        lambda d: d["_aws"].update(Timestamp="1700000000000"),
        lambda d: d.pop("A"),
        lambda d: d.update(A=3),
        lambda d: d.pop("Count"),
        lambda d: d.update(Count="1"),
        lambda d: d.update(Count=list(range(101))),
        lambda d: d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0].update(Unit="ms"),
        lambda d: d["_aws"]["CloudWatchMetrics"][0].update(Extra=1),
        lambda d: d["_aws"]["CloudWatchMetrics"][0].update(Dimensions=[]),
        lambda d: d["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0].extend(["A"] * 30),
    ]
    for i, breaker in enumerate(bad):
        d = json.loads(json.dumps(good))
        breaker(d)
        with pytest.raises(AssertionError):
            check_emf(json.dumps(d) + "\n")
        assert i >= 0

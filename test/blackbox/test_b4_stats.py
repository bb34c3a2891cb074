"""turnpikectl stats: the live table of the metrics region, checked against a real
daemon with 2 workers and traffic whose every answer the test counted itself.

- totals per API and stage (and per status code, per class) equal the requests the
  clients got answers to, across both workers; the no-API row; TOTAL is their sum
- rates are the interval's counts over the interval; the intervals' counts add up
  to exactly the requests sent while stats ran
- p50/p99 of a route behind a backend sleeping 50 ms lie inside the histogram
  buckets the server-side latencies can fall in (at least 50 ms, at most the
  bucket of the slowest round trip the clients measured)
- -r / --routes rows, plain tables, a terminal (pty: redrawn, cursor restored,
  Ctrl-C exits 0), a reload adding a route while stats runs, the master exiting
  while stats runs (exit 1), no daemon (exit 1 naming the pid file), usage errors
"""

import http.client
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import threading
import time

import pytest

from conftest import base_config, demo_api, proxy_route
from traffic import TURNPIKECTL_BIN, mock

MOCK_OK = {"type": "MOCK", "responses": [{"status": 200}]}


def stats_config(backend_port, extra_routes=()):
    backend = "http://127.0.0.1:%d" % backend_port
    shop = demo_api(backend_port, api_id="shop", routes=[
        mock("GET /ok"), *extra_routes, proxy_route(backend + "/{proxy}")],
        stages=[{"name": "prod"}, {"name": "beta"}])
    web = demo_api(backend_port, api_id="web", api_type="HTTP", routes=[
        proxy_route(backend + "/status/201", route="GET /items")],
        stages=[{"name": "v1"}])
    return base_config(backend_port, workers=2, apis=[shop, web], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "shop"},
        {"address": "127.0.0.1:@PORT2@", "default_api": "web"}])


def ctl(gw, *args, timeout=30):
    return subprocess.run([TURNPIKECTL_BIN, "-c", gw.conf_path, "stats"] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def popen_ctl(gw, *args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.Popen([TURNPIKECTL_BIN, "-c", gw.conf_path, "stats"] + list(args),
                            stderr=subprocess.PIPE, text=True, **kw)


def fire(jobs, threads=4):
    """jobs: [(port, path, key)]; each thread one keep-alive connection.  Returns
    [(key, status, seconds)] for every request."""
    out, lock = [], threading.Lock()
    parts = [jobs[i::threads] for i in range(threads)]

    def run(part):
        conn, mine = None, []
        for port, path, key in part:
            if conn is None or conn.port != port:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            t0 = time.monotonic()
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            mine.append((key, r.status, time.monotonic() - t0))
            if r.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            out.extend(mine)

    ts = [threading.Thread(target=run, args=(p,)) for p in parts]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert len(out) == len(jobs), "some requests got no answer"
    return out


def tally(results):
    """{(api, stage): {"requests", "2xx", "4xx", "5xx", "status": {code: n}}}"""
    t = {}
    for key, status, _ in results:
        e = t.setdefault(key, {"requests": 0, "2xx": 0, "4xx": 0, "5xx": 0, "status": {}})
        e["requests"] += 1
        cls = "%dxx" % (status // 100)
        if cls in e:
            e[cls] += 1
        e["status"][str(status)] = e["status"].get(str(status), 0) + 1
    return t


def rows_by_stage(doc):
    return {(r["api"], r["stage"]): r for r in doc["rows"]}


def mixed_jobs(gw):
    shop, web = gw.ports["@PORT@"], gw.ports["@PORT2@"]
    jobs = []
    jobs += [(shop, "/prod/ok", ("shop", "prod"))] * 12
    jobs += [(shop, "/prod/status/404", ("shop", "prod"))] * 5
    jobs += [(shop, "/prod/status/503", ("shop", "prod"))] * 4
    jobs += [(shop, "/prod/", ("shop", "prod"))] * 3         # no route
    jobs += [(shop, "/beta/ok", ("shop", "beta"))] * 7
    jobs += [(shop, "/beta/status/500", ("shop", "beta"))] * 2
    jobs += [(web, "/v1/items", ("web", "v1"))] * 6
    jobs += [(web, "/v1/nothing-here", ("web", "v1"))] * 3     # no route: 404
    jobs += [(shop, "/nostage/ok", (None, None))] * 4          # no such stage
    return jobs


def check_rate(row, seconds):
    for cls in ("requests", "2xx", "4xx", "5xx"):
        assert row["rate"][cls] == pytest.approx(row["interval"][cls] / seconds, abs=0.002), \
            (cls, row)


# ---------------------------------------------------------------------------
# hist bounds (tp_mhist.h: 18 linear steps of half a decade's first value)
# ---------------------------------------------------------------------------

def bucket_upper_us(us):
    """The exclusive upper bound of the bucket that holds <us> microseconds."""
    p = 1
    while us >= p * 10:
        p *= 10
    k = (us * 2) // p                 # the bucket holds [k*p/2, (k+1)*p/2)
    return (k + 1) * p // 2 + (1 if p == 1 and (k + 1) % 2 == 1 else 0)


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------

@pytest.fixture
def gw(turnpike, backend):
    g = turnpike(stats_config(backend.port))
    g.wait_workers(2)
    return g


def test_totals_exact_per_api_stage_and_status(gw):
    results = fire(mixed_jobs(gw))
    want = tally(results)
    assert want[("shop", "prod")]["5xx"] == 4 and want[("web", "v1")]["status"].get("404") == 3
    p = ctl(gw, "--json", "-n", "2", "-i", "0.5")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 2, p.stdout
    for line in lines:
        doc = json.loads(line)
        assert doc["master"] == gw.pid
        assert doc["workers"] == 2 and doc["draining"] == 0
        assert 0.5 <= doc["seconds"] < 30      # never shorter than -i
        rows = rows_by_stage(doc)
        assert set(rows) == set(want), sorted(rows, key=str)
        for key, w in want.items():
            r = rows[key]
            for cls in ("requests", "2xx", "4xx", "5xx"):
                assert r["total"][cls] == w[cls], (key, cls, r["total"], w)
                # no traffic while stats ran
                assert r["interval"][cls] == 0 and r["rate"][cls] == 0
            assert r["total"]["status"] == w["status"], (key, r["total"]["status"], w)
            assert r["interval"]["p50_ms"] is None and r["interval"]["p99_ms"] is None
            assert r["total"]["p50_ms"] > 0 and r["total"]["p99_ms"] >= r["total"]["p50_ms"]
        assert rows[("shop", "prod")]["type"] == "REST"
        assert rows[("shop", "prod")]["api_name"] == "Shop"
        assert rows[("web", "v1")]["type"] == "HTTP"
        assert rows[(None, None)]["type"] is None
        assert doc["all"]["total"]["requests"] == len(results)
        assert doc["all"]["total"]["5xx"] == sum(w["5xx"] for w in want.values())
        assert "routes" not in rows[("shop", "prod")]


def test_routes_json(gw):
    results = fire(mixed_jobs(gw))
    p = ctl(gw, "--json", "--once", "-i", "0.2", "--routes")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    rows = rows_by_stage(doc)
    prod = {r["route"]: r["total"] for r in rows[("shop", "prod")]["routes"]}
    # every route of the stage, and the requests no route took (403)
    assert prod["GET /ok"]["requests"] == 12 and prod["GET /ok"]["status"] == {"200": 12}
    assert prod["ANY /{proxy+}"]["status"] == {"404": 5, "503": 4}
    assert prod[None]["requests"] == 3
    beta = {r["route"]: r["total"] for r in rows[("shop", "beta")]["routes"]}
    # no request took no route on beta: no such row
    assert set(beta) == {"GET /ok", "ANY /{proxy+}"}
    assert beta["ANY /{proxy+}"]["5xx"] == 2
    web = {r["route"]: r["total"] for r in rows[("web", "v1")]["routes"]}
    assert web["GET /items"]["status"] == {"201": 6}
    assert web[None]["status"] == {"404": 3}
    assert "routes" not in rows[(None, None)]
    # the stage row is the sum of its routes
    for key in (("shop", "prod"), ("shop", "beta"), ("web", "v1")):
        assert rows[key]["total"]["requests"] == sum(
            r["total"]["requests"] for r in rows[key]["routes"])
    assert doc["all"]["total"]["requests"] == len(results)


def test_rates_and_latency_while_running(gw):
    shop = gw.ports["@PORT@"]
    proc = popen_ctl(gw, "--json", "-r", "-i", "0.3")
    try:
        first = json.loads(proc.stdout.readline())
        base = first["all"]["total"]["requests"]
        n = 40
        results = fire([(shop, "/prod/slow?ms=50", ("shop", "prod"))] * n)
        assert all(s == 200 for _, s, _ in results)
        docs = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            docs.append(json.loads(proc.stdout.readline()))
            if docs[-1]["all"]["total"]["requests"] >= base + n:
                break
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 0, proc.stderr.read()
    assert docs[-1]["all"]["total"]["requests"] == base + n
    # the intervals add up to exactly the requests sent
    assert sum(d["all"]["interval"]["requests"] for d in docs) == n
    assert sum(rows_by_stage(d)[("shop", "prod")]["interval"]["2xx"] for d in docs) == n
    busy = []
    for d in docs:
        assert 0.3 <= d["seconds"] < 30
        check_rate(d["all"], d["seconds"])
        row = rows_by_stage(d)[("shop", "prod")]
        check_rate(row, d["seconds"])
        proxy = [r for r in row["routes"] if r["route"] == "ANY /{proxy+}"][0]
        if proxy["interval"]["requests"] > 0:
            busy.append(proxy["interval"])
        else:
            assert proxy["interval"]["p50_ms"] is None
    assert busy, "no interval saw the slow requests"
    # server-side latency: at least the backend's 50 ms, at most the client's round trip
    top_ms = bucket_upper_us(int(max(s for _, _, s in results) * 1e6) + 1) / 1000.0
    for iv in busy:
        assert 40 <= iv["p50_ms"] <= iv["p99_ms"] <= top_ms, (iv, top_ms)
    total = [r for r in rows_by_stage(docs[-1])[("shop", "prod")]["routes"]
             if r["route"] == "ANY /{proxy+}"][0]["total"]
    assert total["requests"] == n
    assert 50 <= total["p50_ms"] <= total["p99_ms"] <= top_ms, (total, top_ms)


def test_plain_table(gw):
    results = fire(mixed_jobs(gw))
    want = tally(results)
    p = ctl(gw, "-n", "2", "-i", "0.2")
    assert p.returncode == 0, p.stderr
    tables = p.stdout.strip("\n").split("\n\n")
    assert len(tables) == 2, p.stdout
    for t in tables:
        lines = t.splitlines()
        assert lines[0].startswith("turnpike ") and "workers 2 alive" in lines[0] \
            and "master %d" % gw.pid in lines[0], lines[0]
        assert lines[1].split() == ["API", "STAGE", "REQ/S", "2XX/S", "4XX/S", "5XX/S",
                                    "P50ms", "P99ms", "REQS", "4XX", "5XX"]
        rows = {tuple(l.split()[:2]): l.split() for l in lines[2:]}
        assert set(rows) == {("shop", "prod"), ("shop", "beta"), ("web", "v1"),
                             ("(none)", "-"), ("TOTAL", "-")}, lines
        for (api, stage), w in want.items():
            cols = rows[(api, stage) if api else ("(none)", "-")]
            assert cols[2:6] == ["0.0"] * 4 and cols[6:8] == ["-", "-"], cols
            assert [int(x) for x in cols[8:11]] == [w["requests"], w["4xx"], w["5xx"]], cols
        assert int(rows[("TOTAL", "-")][8]) == len(results)
    # with -r: a ROUTE column, "*" for the stage rows
    p = ctl(gw, "--once", "-i", "0.1", "-r")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[1].split()[:3] == ["API", "STAGE", "ROUTE"]
    assert any(l.split()[:4] == ["shop", "prod", "GET", "/ok"] and l.split()[-3:] == [
        "12", "0", "0"] for l in lines), p.stdout
    assert any(l.split()[:3] == ["shop", "prod", "*"] for l in lines)


def test_terminal_redraw_and_ctrl_c(gw):
    master, slave = pty.openpty()
    proc = popen_ctl(gw, "-i", "0.2", stdout=slave)
    os.close(slave)
    out = b""
    try:
        deadline = time.monotonic() + 20
        while out.count(b"TOTAL") < 2 and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                out += os.read(master, 65536)
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(10)
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert rc == 0, proc.stderr.read()
    assert out.count(b"TOTAL") >= 2, out
    assert out.startswith(b"\033[?25l\033[?7l"), out[:40]  # no cursor, no wrap
    assert out.count(b"\033[H") >= 2                     # redrawn in place
    assert out.rstrip().endswith(b"\033[?7h\033[?25h"), out[-40:]  # restored


def test_reload_adds_series(gw, backend):
    """A reload adds a route (a new series) while stats runs: its row appears with
    exactly the requests it answered (202: old workers still draining answer
    /prod/new through ANY /{proxy+}, with the echo's 200)."""
    shop = gw.ports["@PORT@"]
    new_route = proxy_route("http://127.0.0.1:%d/status/202" % backend.port, route="GET /new")
    proc = popen_ctl(gw, "--json", "-r", "-i", "0.3")
    try:
        json.loads(proc.stdout.readline())
        gw.write_config(stats_config(backend.port, extra_routes=[new_route]))
        gw.reload()
        results = []
        while sum(1 for _, s, _ in results if s == 202) < 9 and len(results) < 300:
            results += fire([(shop, "/prod/new", ("shop", "prod"))] * 3, threads=3)
        got = tally(results)[("shop", "prod")]["status"]
        assert got.get("202") >= 9 and set(got) <= {"200", "202"}, got
        seen = doc = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            doc = json.loads(proc.stdout.readline())
            if doc["all"]["total"]["requests"] == len(results):
                seen = doc
                break
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 0, proc.stderr.read()
    assert seen is not None, "stats never counted the %d requests: %s" % (
        len(results), json.dumps(doc))
    routes = {r["route"]: r["total"] for r in rows_by_stage(seen)[("shop", "prod")]["routes"]}
    assert routes["GET /new"]["status"] == {"202": got["202"]}, routes
    assert routes["ANY /{proxy+}"]["requests"] == got.get("200", 0), routes


def test_master_exits_while_running(gw):
    proc = popen_ctl(gw, "--json", "-i", "0.2")
    try:
        json.loads(proc.stdout.readline())
        gw.stop()
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, (out, err)
    assert "turnpike (pid %d) exited" % gw.pid in err, err


def test_not_running(turnpike, backend, workdir):
    gw = turnpike(stats_config(backend.port), start=False)
    gw.write_config(gw.cfg)
    p = ctl(gw, "--once")
    assert p.returncode == 1, p
    assert p.stderr.startswith("turnpikectl: turnpike is not running") and gw.pid_file in \
        p.stderr, p.stderr
    # a stale pid file: a process that is gone
    dead = subprocess.Popen(["true"])
    dead.wait()
    with open(gw.pid_file, "w") as f:
        f.write("%d\n" % dead.pid)
    p = ctl(gw, "--once")
    assert p.returncode == 1 and "no process %d" % dead.pid in p.stderr \
        and gw.pid_file in p.stderr, p.stderr
    with open(gw.pid_file, "w") as f:
        f.write("junk\n")
    p = ctl(gw, "--once")
    assert p.returncode == 1 and "holds no pid" in p.stderr, p.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run as another user")
def test_another_user_may_not_read(gw, workdir):
    """The region is the master's: another user gets a clear refusal (exit 1)."""
    os.chmod(workdir, 0o711)
    os.chmod(gw.conf_path, 0o644)
    os.chmod(gw.pid_file, 0o644)
    # a copy nobody may run: the build tree may sit in a directory only
    # root can enter (a fresh clone under mktemp -d)
    ctl_copy = os.path.join(workdir, "turnpikectl")
    shutil.copy(TURNPIKECTL_BIN, ctl_copy)
    os.chmod(ctl_copy, 0o755)
    cmd = ["runuser", "-u", "nobody", "--", ctl_copy, "-c", gw.conf_path, "stats",
           "--once", "-i", "0.1"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert p.returncode == 1, p
    assert p.stderr == ("turnpikectl: cannot read the metrics of process %d: Permission "
                        "denied (run as root or as the user turnpike runs as)\n" % gw.pid), \
        p.stderr
    os.chmod(gw.pid_file, 0o600)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert p.returncode == 1, p
    assert p.stderr == ("turnpikectl: cannot read the pid file %s: Permission denied (run "
                        "as root or as the user turnpike runs as)\n" % gw.pid_file), p.stderr


def test_usage_errors(turnpike, backend):
    gw = turnpike(stats_config(backend.port), start=False)
    gw.write_config(gw.cfg)
    for args, msg in ((["--bogus"], 'unknown option "--bogus"'),
                      (["extra"], 'unexpected argument "extra"'),
                      (["-i"], "-i needs a number"),
                      (["-i", "0"], "-i needs a number from 0.1 to 3600"),
                      (["--interval=abc"], "-i needs a number"),
                      (["-n", "1.5"], "-n needs a whole number"),
                      (["-n", "0"], "-n needs a number from 1")):
        p = ctl(gw, *args)
        assert p.returncode == 2, (args, p)
        assert p.stderr.startswith("turnpikectl: " + msg), (args, p.stderr)
        assert "usage: turnpikectl" in p.stderr and " stats " in p.stderr

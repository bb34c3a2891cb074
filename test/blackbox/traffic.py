"""Helpers shared by the traffic-control tests (test_91..test_93): throttles,
usage plans, quotas and API keys.

- traffic_config(): a REST API "shop" (MOCK routes, optionally a proxied one)
  plus top-level throttle / usage_plans / api_keys
- Client: one keep-alive HTTP/1.1 connection (http.client), reconnecting
- hammer(): many requests from threads, each with its own keep-alive connection
- ctl()/ctl_ok(): turnpikectl on a running gateway's config
- usage_today(): (used, remaining) of one key in one plan, from `turnpikectl usage`
- metrics_pid(): the "turnpike: metrics worker" child of a master
- fixtures ``reachable_workdir`` and ``module_gateway`` (import them into the test
  module): run as root, turnpike's workers drop to an unprivileged user and open
  data_dir/state themselves, so the work directory (which mkdtemp and pytest make
  0700) must be traversable by that user
"""

import datetime
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import KEEP, REPO, Gateway, base_config
from helpers import children_of, cmdline_of

TURNPIKECTL_BIN = os.environ.get("TURNPIKECTL_BIN",
                                 os.path.join(REPO, "objs", "turnpikectl"))

FORBIDDEN = ("Forbidden", "ForbiddenException")
THROTTLED = "Too Many Requests"
QUOTA = "Limit Exceeded"


def kv(n, tag="key"):
    """A valid API key value of 40 characters, distinct per <n> and <tag>."""
    return ("%s-%06d-" % (tag, n)).ljust(40, "z")


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------

@pytest.fixture
def reachable_workdir(workdir):
    """The test's work directory, made traversable for turnpike's workers."""
    os.chmod(workdir, 0o711)
    return workdir


@pytest.fixture(scope="module")
def module_gateway():
    """module_gateway(cfg) -> a started Gateway shared by a module's tests, in a work
    directory its workers can reach (see the module docstring).  <cfg> may be a
    function of that directory."""
    d = tempfile.mkdtemp(prefix="turnpike-bb-mod-")
    os.chmod(d, 0o711)
    started = []

    def make(cfg):
        started.append(Gateway(d, cfg(d) if callable(cfg) else cfg, name="gw%d" % len(started)))
        return started[-1].start()
    yield make
    for gw in started:
        gw.stop()
    if KEEP:
        print("\nTURNPIKE_KEEP: work directory kept: %s" % d)
    else:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------

def mock(route, key=False):
    """A MOCK route answering 200 (no backend); key: api_key_required."""
    r = {"route": route, "integration": {"type": "MOCK", "responses": [{"status": 200}]}}
    if key:
        r["api_key_required"] = True
    return r


def proxied(route, backend_port, key=False):
    """An HTTP_PROXY route to the echo backend (which shows the headers it got)."""
    r = {"route": route, "integration": {
        "type": "HTTP_PROXY", "uri": "http://127.0.0.1:%d/echo" % backend_port}}
    if key:
        r["api_key_required"] = True
    return r


def traffic_config(routes, stages=None, workers=1, throttle=None, plans=None, keys=None,
                   api_type="REST", access_log=None, **server):
    """One API "shop" with <routes> and <stages> (default: prod and beta);
    <throttle> (the account's), <plans> (usage_plans), <keys> (api_keys)."""
    if stages is None:
        stages = [{"name": "prod"}, {"name": "beta"}]
    if access_log is not None:
        for st in stages:
            st.setdefault("access_log", access_log)
    api = {"id": "shop", "name": "shop", "type": api_type, "routes": routes, "stages": stages}
    # the backend port of base_config is only used by its default API
    cfg = base_config(9, workers=workers, apis=[api],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "shop"}],
                      **server)
    if throttle is not None:
        cfg["throttle"] = throttle
    if plans is not None:
        cfg["usage_plans"] = plans
    if keys is not None:
        cfg["api_keys"] = keys
    return cfg


def plan(name, stages=("shop/prod",), throttle=None, quota=None, methods=None):
    """A usage plan; the optional settings are left out when None."""
    p = {"name": name, "stages": list(stages), "throttle": throttle, "quota": quota,
         "method_throttles": methods}
    return {k: v for k, v in p.items() if v is not None}


def key(name, value, plans=("basic",), enabled=None):
    """An api_keys entry (enabled left out when None: the default, true)."""
    k = {"name": name, "value": value, "plans": list(plans)}
    return dict(k, enabled=enabled) if enabled is not None else k


def bucket(rate, burst):
    return {"rate": float(rate), "burst": burst}


# ---------------------------------------------------------------------------
# clients
# ---------------------------------------------------------------------------

class Result:
    __slots__ = ("status", "message", "error_type", "body", "sent", "received")

    def __init__(self, status, body, error_type, sent, received):
        self.status = status
        self.body = body
        self.error_type = error_type
        self.sent = sent
        self.received = received
        self.message = None
        if status >= 400:
            try:
                self.message = json.loads(body).get("message")
            except (ValueError, AttributeError):
                self.message = None

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:100])


class Client:
    """One keep-alive connection to 127.0.0.1:<port>; reconnects when the server
    closed it between requests (never resends a request that was sent)."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.connect()

    def get(self, path, headers=None, api_key=None):
        h = dict(headers or {})
        if api_key is not None:
            h["x-api-key"] = api_key
        if self.conn is None or self.conn.sock is None:
            self._connect()
        sent = time.monotonic()
        try:
            self.conn.request("GET", path, headers=h)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed an idle keep-alive connection: once more, fresh
            self.close()
            self._connect()
            sent = time.monotonic()
            self.conn.request("GET", path, headers=h)
            resp = self.conn.getresponse()
        body = resp.read()
        r = Result(resp.status, body, resp.getheader("x-amzn-ErrorType"), sent,
                   time.monotonic())
        if resp.will_close:
            self.close()
        return r

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def get(gw, path, api_key=None, headers=None):
    """One request on a fresh connection."""
    with Client(gw.port) as c:
        return c.get(path, headers=headers, api_key=api_key)


def statuses(gw, path, n, api_key=None, headers=None):
    """n sequential requests on one keep-alive connection: their results."""
    with Client(gw.port) as c:
        return [c.get(path, headers=headers, api_key=api_key) for _ in range(n)]


def codes(results):
    return [(r.status, r.message) for r in results]


def assert_ok(r, what=""):
    assert r.status == 200, "%sexpected 200, got %d %r (x-amzn-ErrorType %r)" % (
        what + ": " if what else "", r.status, r.body[:200], r.error_type)


def assert_refused(r, status, message, error_type=None, what=""):
    assert (r.status, r.message) == (status, message), \
        "%sexpected %d %r, got %d %r" % (what + ": " if what else "", status, message,
                                         r.status, r.body[:200])
    if error_type is not None:
        assert r.error_type == error_type, "%sx-amzn-ErrorType %r, expected %r" % (
            what + ": " if what else "", r.error_type, error_type)


def hammer(port, path, api_key=None, total=None, duration=None, threads=16, stop_when=None):
    """Requests from <threads> threads, each on its own keep-alive connection,
    until <total> requests were made, <duration> seconds passed or a result
    satisfies <stop_when>; the results."""
    assert total is not None or duration is not None
    stop = threading.Event()
    lock = threading.Lock()
    results = []
    left = [total if total is not None else 1 << 60]
    deadline = time.monotonic() + duration if duration is not None else None
    errors = []

    def take():
        with lock:
            if left[0] <= 0 or stop.is_set():
                return False
            left[0] -= 1
            return True

    def run():
        mine = []
        try:
            with Client(port) as c:
                while (deadline is None or time.monotonic() < deadline) and take():
                    r = c.get(path, api_key=api_key)
                    mine.append(r)
                    if stop_when is not None and stop_when(r):
                        stop.set()
        except Exception as e:         # reported by the caller
            errors.append(repr(e))
        with lock:
            results.extend(mine)

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert not any(t.is_alive() for t in ts), "client threads still running after 60 s"
    assert not errors, "client errors while hammering %s: %s" % (path, errors[:5])
    return results


def tally(results):
    """{(status, message): count}"""
    out = {}
    for r in results:
        out[(r.status, r.message)] = out.get((r.status, r.message), 0) + 1
    return out


# ---------------------------------------------------------------------------
# turnpikectl and processes
# ---------------------------------------------------------------------------

def ctl(gw, *args, timeout=30):
    """turnpikectl -c <gw's config> ARGS: (rc, stdout, stderr)."""
    if not os.path.exists(TURNPIKECTL_BIN):
        pytest.fail("turnpikectl binary %s does not exist: build it with `make` "
                    "(or set TURNPIKECTL_BIN)" % TURNPIKECTL_BIN, pytrace=False)
    p = subprocess.run([TURNPIKECTL_BIN, "-c", gw.conf_path] + list(args),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, cwd=gw.workdir)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def ctl_ok(gw, *args):
    rc, out, err = ctl(gw, *args)
    assert rc == 0, "turnpikectl %s: exit %d\nstdout: %s\nstderr: %s" % (
        " ".join(args), rc, out, err)
    return json.loads(out) if out.strip() else None


def key_id(gw, name):
    for k in ctl_ok(gw, "keys", "list")["items"]:
        if k["name"] == name:
            return k["id"]
    raise AssertionError("turnpikectl keys list has no key %r" % name)


def usage_today(gw, plan_name, key_name):
    """(used, remaining) today for <key_name> in <plan_name> (the last day of the
    plan's current period as `turnpikectl usage` reports it)."""
    kid = key_id(gw, key_name)
    out = ctl_ok(gw, "usage", "--plan", plan_name, "--key", key_name)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert out["endDate"] == today, "usage endDate %r is not today (%s)" % (
        out["endDate"], today)
    days = out["items"].get(kid)
    assert days, "usage --plan %s --key %s: no item for id %s: %r" % (
        plan_name, key_name, kid, out)
    used = sum(d[0] for d in days)
    return used, days[-1][1]


def wait_usage(gw, plan_name, key_name, used, timeout=3.0):
    """Poll `turnpikectl usage` until <key_name> has <used> requests (the metrics
    worker flushes every second); returns the last (used, remaining)."""
    deadline = time.monotonic() + timeout
    while True:
        got = usage_today(gw, plan_name, key_name)
        if got[0] == used or time.monotonic() >= deadline:
            return got
        time.sleep(0.1)


def metrics_pid(gw):
    """The pid of the master's metrics worker child (comm "tp-metrics", titled
    "turnpike: metrics worker"), or None."""
    for pid in children_of(gw.pid):
        try:
            with open("/proc/%d/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm == "tp-metrics" or "metrics worker" in cmdline_of(pid):
            return pid
    return None


def all_children(gw):
    """Every child of the master: request workers and the metrics worker."""
    return children_of(gw.pid) if gw.pid else []

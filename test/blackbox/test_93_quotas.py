"""Tier 93: quotas, their durability and the metrics worker (issue 4), black-box.

A usage plan's quota counts each key's admitted requests per period (UTC DAY
here) across the plan's stages and every worker, exactly (compare-and-swap in
shared memory): a key with limit Q gets exactly Q answers 200 however many
workers and connections serve it, then 429 {"message":"Limit Exceeded"}.  In
the plan's first period the offset is taken off the limit.  Requests refused
by a throttle or for their key, and requests to routes without
api_key_required, do not count.

The "turnpike: metrics worker" child writes the counts to data_dir/state
every second and once more after the request workers have stopped (at a
stop the master stops it last; when the master dies it waits for the draining
workers), so that
`turnpikectl usage` reports them and a restart continues counting: a reload,
a stop and start, a killed worker, a killed metrics worker (respawned) or a
killed master lose nothing.  Only a power cut (or kill -9 of every process)
may lose the last second of counting: the tests that kill everything wait
for the flush first.
"""

import os
import signal
import threading
import time

import pytest

from conftest import run_turnpike
from helpers import cmdline_of, pid_alive, wait_until
from traffic import (QUOTA, THROTTLED, Client, all_children, bucket, codes, ctl_ok,  # noqa: F401
                     hammer,
                     key, kv, metrics_pid, mock, plan, reachable_workdir, statuses, tally,
                     traffic_config, usage_today, wait_usage)

pytestmark = pytest.mark.usefixtures("reachable_workdir")


def quota_config(limit, offset=None, workers=2, stages=("shop/prod",), throttle=None,
                 **server):
    quota = {"limit": limit, "period": "DAY"}
    if offset is not None:
        quota["offset"] = offset
    routes = [mock("GET /keyed", key=True), mock("GET /open")]
    return traffic_config(routes, workers=workers,
                          plans=[plan("basic", list(stages), quota=quota, throttle=throttle)],
                          keys=[key("alice", kv(1)), key("bob", kv(2))], **server)


def expect(results, n_ok, message=QUOTA, what=""):
    got = codes(results)
    want = [(200, None)] * n_ok + [(429, message)] * (len(results) - n_ok)
    assert got == want, "%s: expected %d x 200 then 429 %r, got %s" % (
        what, n_ok, message, got)


def assert_usage(gw, used, remaining, who="alice", timeout=3.0):
    got = wait_usage(gw, "basic", who, used, timeout)
    assert got == (used, remaining), \
        "turnpikectl usage for %s: (used, remaining) = %r, expected %r (the metrics " \
        "worker flushes every second; waited %.0f s)" % (who, got, (used, remaining), timeout)


# -- exactness --------------------------------------------------------------------------------

def test_quota_is_exact_across_workers_and_connections(turnpike):
    q, total = 300, 800
    gw = turnpike(quota_config(q, workers=3))
    assert len(gw.wait_workers(3)) == 3
    results = hammer(gw.port, "/prod/keyed", api_key=kv(1), total=total, threads=32)
    assert len(results) == total
    got = tally(results)
    assert got == {(200, None): q, (429, QUOTA): total - q}, \
        "%d concurrent requests from 32 connections on 3 workers, quota %d: %r" % (
            total, q, got)
    assert_usage(gw, q, 0)
    assert_usage(gw, 0, q, who="bob")


def test_offset_applies_to_the_first_period(turnpike):
    gw = turnpike(quota_config(10, offset=4))
    expect(statuses(gw, "/prod/keyed", 9, api_key=kv(1)), 6,
           what="limit 10, offset 4, first period")
    assert_usage(gw, 6, 0)


def test_quota_counts_across_the_plans_stages(turnpike):
    gw = turnpike(quota_config(5, stages=("shop/prod", "shop/beta")))
    expect(statuses(gw, "/prod/keyed", 3, api_key=kv(1)), 3, what="alice on prod")
    expect(statuses(gw, "/beta/keyed", 3, api_key=kv(1)), 2, what="alice on beta")
    expect(statuses(gw, "/prod/keyed", 1, api_key=kv(1)), 0, what="alice on prod again")
    expect(statuses(gw, "/prod/keyed", 6, api_key=kv(2)), 5, what="bob (his own count)")


def test_only_admitted_keyed_requests_count(turnpike):
    gw = turnpike(quota_config(100, throttle=bucket(0.01, 3)))
    expect(statuses(gw, "/prod/keyed", 8, api_key=kv(1)), 3, THROTTLED,
           what="alice: plan throttle burst 3")
    expect(statuses(gw, "/prod/open", 5, api_key=kv(1)), 5,
           what="alice on a route without api_key_required")
    r = statuses(gw, "/prod/keyed", 2, api_key=kv(1) + "x")
    assert [x.status for x in r] == [403, 403]
    assert_usage(gw, 3, 97)


# -- durability -------------------------------------------------------------------------------

LIMIT, USED = 20, 7


def _kill_master(gw, wait_flush):
    """kill -9 the master; its children (workers: SIGQUIT by PDEATHSIG; the
    metrics worker: flushes when the master's channel closes) must go away."""
    if wait_flush:
        # a power cut loses up to the last second: let the metrics worker flush first
        assert_usage(gw, USED, LIMIT - USED)
    assert wait_until(lambda: metrics_pid(gw), 10), "no metrics worker"
    kids = all_children(gw)
    os.kill(gw.pid, signal.SIGKILL)
    assert gw.wait_exit(10), "the master survived SIGKILL"
    gone = wait_until(lambda: not any(pid_alive(p) for p in kids), 15)
    assert gone, "children of the killed master still run: %r" % [
        p for p in kids if pid_alive(p)]


def _kill_everything(gw):
    assert_usage(gw, USED, LIMIT - USED)      # wait for the flush (see the docstring)
    kids = all_children(gw)
    for p in [gw.pid] + kids:
        os.kill(p, signal.SIGKILL)
    assert gw.wait_exit(10)
    assert wait_until(lambda: not any(pid_alive(p) for p in kids), 10)


def _quit(gw):
    gw.signal(signal.SIGQUIT)
    assert gw.wait_exit(15), "SIGQUIT: the master did not exit within 15 s"


def _kill_workers(gw):
    old = gw.wait_workers(2)
    for p in old:
        os.kill(p, signal.SIGKILL)
    new = gw.wait_workers(2, exclude=old)
    assert len(new) == 2, "killed workers were not replaced: %r" % gw.worker_pids()


def _signal_reload(gw):
    old = gw.wait_workers(2)
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "reload")
    assert rc == 0, "turnpike -s reload: exit %d: %s" % (rc, out)
    assert len(gw.wait_workers(2, exclude=old)) == 2, "no new generation after -s reload"


EVENTS = {
    # event: (action, restart afterwards)
    "reload": (lambda gw: gw.reload(), False),
    "s-reload": (_signal_reload, False),
    "stop-term-and-start": (lambda gw: gw.stop(), True),
    "stop-quit-and-start": (_quit, True),
    "kill-9-workers": (_kill_workers, False),
    "kill-9-master-after-flush": (lambda gw: _kill_master(gw, True), True),
    "kill-9-master-at-once": (lambda gw: _kill_master(gw, False), True),
    "kill-9-everything-after-flush": (_kill_everything, True),
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_counting_continues_after(turnpike, event):
    action, restart = EVENTS[event]
    cfg = quota_config(LIMIT)
    gw = turnpike(cfg)
    expect(statuses(gw, "/prod/keyed", USED, api_key=kv(1)), USED, what="before the " + event)
    action(gw)
    if restart:
        gw = turnpike(cfg)               # the same work directory, so the same data_dir
    expect(statuses(gw, "/prod/keyed", LIMIT - USED + 3, api_key=kv(1)), LIMIT - USED,
           what="after %s, %d of the %d already used" % (event, USED, LIMIT))
    assert_usage(gw, LIMIT, 0)


def _kill_master_only(gw):
    os.kill(gw.pid, signal.SIGKILL)
    assert gw.wait_exit(10), "the master survived SIGKILL"


@pytest.mark.parametrize("stop", ["quit", "kill-9-master"])
def test_requests_admitted_while_draining_are_counted(turnpike, stop):
    """A worker drains the requests it has begun after a stop; the metrics
    worker must outlive it and flush what those requests counted."""
    import socket
    cfg = quota_config(LIMIT)
    gw = turnpike(cfg)
    gw.wait_workers(2)
    kids = all_children(gw)
    expect(statuses(gw, "/prod/keyed", USED, api_key=kv(1)), USED, what="before the stop")
    s = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
    try:
        s.sendall(b"GET /prod/keyed HTTP/1.1\r\nHost: x\r\n")   # half a request
        time.sleep(0.3)
        if stop == "quit":
            gw.signal(signal.SIGQUIT)
        else:
            _kill_master_only(gw)
        time.sleep(1.2)      # past a flush interval: the metrics worker must wait
        s.sendall(b"x-api-key: " + kv(1).encode() + b"\r\n\r\n")
        head = s.recv(65536).split(b"\r\n", 1)[0]
        assert head == b"HTTP/1.1 200 OK", "the draining worker answered %r" % head
    finally:
        s.close()
    assert gw.wait_exit(15) or stop != "quit", "SIGQUIT: the master did not exit"
    assert wait_until(lambda: not any(pid_alive(p) for p in kids), 15), \
        "children still run: %r" % [p for p in kids if pid_alive(p)]
    assert usage_today(gw, "basic", "alice") == (USED + 1, LIMIT - USED - 1), \
        "the request admitted while draining was not flushed"


def test_metrics_worker_is_respawned_and_flushes(turnpike):
    gw = turnpike(quota_config(LIMIT))
    first = wait_until(lambda: metrics_pid(gw), 5)
    assert first, "no metrics worker among the master's children %r" % [
        (p, cmdline_of(p)) for p in all_children(gw)]
    # (the title may use the space of the environment after the arguments)
    assert cmdline_of(first) == "turnpike: metrics worker", cmdline_of(first)
    assert first not in gw.worker_pids()
    expect(statuses(gw, "/prod/keyed", USED, api_key=kv(1)), USED)
    os.kill(first, signal.SIGKILL)           # probably before it flushed these
    second = wait_until(lambda: (lambda p: p if p not in (None, first) else None)(
        metrics_pid(gw)), 10)
    assert second, "the killed metrics worker was not respawned within 10 s:\n" + gw.log_tail()
    assert_usage(gw, USED, LIMIT - USED)
    expect(statuses(gw, "/prod/keyed", 4, api_key=kv(1)), 4)
    assert_usage(gw, USED + 4, LIMIT - USED - 4)
    assert gw.master_alive()


def test_reload_cannot_resize_the_tables(turnpike):
    cfg = quota_config(LIMIT, throttle_entries=1024, quota_entries=1024)
    gw = turnpike(cfg)
    expect(statuses(gw, "/prod/keyed", USED, api_key=kv(1)), USED)
    cfg["server"].update(throttle_entries=4096, quota_entries=8192)
    gw.write_config(cfg)
    gw.reload()
    log = gw.log_text()
    for setting in ("throttle_entries = 4096", "quota_entries = 8192"):
        assert "server.%s takes effect at the next restart" % setting in log, \
            "no warning that %s waits for a restart:\n%s" % (setting, gw.log_tail())
    expect(statuses(gw, "/prod/keyed", LIMIT - USED + 1, api_key=kv(1)), LIMIT - USED,
           what="after the reload")


def test_usage_report_names_the_keys_of_the_plan(turnpike):
    gw = turnpike(quota_config(50))
    created = ctl_ok(gw, "keys", "create", "--name", "carol", "--plan", "basic",
                     "--value", kv(3))
    expect(statuses(gw, "/prod/keyed", 4, api_key=kv(3)), 4)
    expect(statuses(gw, "/prod/keyed", 2, api_key=kv(2)), 2)
    assert_usage(gw, 4, 46, who="carol")
    assert_usage(gw, 2, 48, who="bob")
    assert usage_today(gw, "basic", "alice") == (0, 50)
    out = ctl_ok(gw, "usage", "--plan", "basic")
    assert created["id"] in out["items"], out


# -- under load -------------------------------------------------------------------------------

def _in_background(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as e:    # re-raised by the caller
            out["error"] = e
    t = threading.Thread(target=run)
    t.start()

    def join():
        t.join(60)
        assert not t.is_alive(), "background clients still running after 60 s"
        if "error" in out:
            raise out["error"]
        return out["value"]
    return join


def test_quota_stays_exact_through_a_reload_under_load(turnpike):
    """The counts live in shared memory that outlives a generation of workers:
    old workers draining and new ones starting share them.  A plan throttle
    (500/s) makes the quota (1000) last about two seconds, past the reload."""
    q = 1000
    gw = turnpike(quota_config(q, throttle=bucket(500, 50)))
    gw.wait_workers(2)
    join = _in_background(lambda: hammer(gw.port, "/prod/keyed", api_key=kv(1), duration=10,
                                         threads=16, stop_when=lambda r: r.message == QUOTA))
    time.sleep(0.2)                          # load first, then the reload
    start = time.monotonic()
    gw.reload()
    done = time.monotonic()
    results = join()
    got = tally(results)
    assert set(got) <= {(200, None), (429, QUOTA), (429, THROTTLED)} \
        and got.get((200, None)) == q and got.get((429, QUOTA)), \
        "requests across a reload, quota %d: %r" % (q, got)
    before = sum(1 for r in results if r.status == 200 and r.received < start)
    after = sum(1 for r in results if r.status == 200 and r.sent > done)
    assert before > 0 and after > 0, \
        "the quota was not spent on both sides of the reload (%d admitted before it, " \
        "%d after)" % (before, after)
    assert_usage(gw, q, 0)


def test_usage_matches_the_admitted_requests_after_continuous_load(turnpike):
    """Flushes every second while requests keep coming: once the load stops, the
    stored usage is exactly the number of 200s (nothing lost between flushes)."""
    limit = 1000000
    gw = turnpike(quota_config(limit))
    results = hammer(gw.port, "/prod/keyed", api_key=kv(1), duration=2.5, threads=8)
    ok = sum(1 for r in results if r.status == 200)
    assert ok == len(results), "not all admitted: %r" % tally(results)
    assert_usage(gw, ok, limit - ok)


# -- full tables --------------------------------------------------------------------------------

def each_key(port, path, values, threads=8):
    """One request per key value, from <threads> keep-alive connections."""
    out = [None] * len(values)

    def run(k):
        with Client(port) as c:
            for i in range(k, len(values), threads):
                out[i] = c.get(path, api_key=values[i])
    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert all(r is not None for r in out), "client threads did not finish"
    return out


@pytest.mark.parametrize("table", ["throttle", "quota"])
def test_full_table_answers_500_and_names_the_setting(turnpike, workdir, table):
    """1300 keys, each with a bucket that does not refill (or a quota entry), on
    tables of 1024 entries: requests needing a new entry get 500 and the error log
    says which setting to raise; the keys that got an entry keep working."""
    n = 1300
    routes = [mock("GET /keyed", key=True)]
    p = plan("basic", throttle=bucket(0.01, 5)) if table == "throttle" else \
        plan("basic", quota={"limit": 100, "period": "DAY"})
    gw = turnpike(traffic_config(routes, workers=2, plans=[p], throttle_entries=1024,
                                 quota_entries=1024))
    path = os.path.join(workdir, "keys.csv")
    values = [kv(i, "full") for i in range(n)]
    with open(path, "w") as f:
        f.write("Name,Key,UsagePlanIds\n")
        f.writelines("k%05d,%s,basic\n" % (i, v) for i, v in enumerate(values))
    assert ctl_ok(gw, "keys", "import", "--file", path)["count"] == n
    results = each_key(gw.port, "/prod/keyed", values)
    got = tally(results)
    ok, errors = got.get((200, None), 0), got.get((500, "Internal server error"), 0)
    assert ok + errors == n, "only 200 or 500 expected: %r" % got
    assert 512 <= ok <= 1024, "%d keys got an entry in a table of 1024: %r" % (ok, got)
    assert errors > 0, "no 500 with %d keys on a %s table of 1024 entries" % (n, table)
    setting = "server.%s_entries" % table
    assert "the %s table is full" % table in gw.log_text() and setting in gw.log_text(), \
        "the error log does not name %s:\n%s" % (setting, gw.log_tail())
    # a key that has an entry is served as before
    first_ok = next(i for i, r in enumerate(results) if r.status == 200)
    r = statuses(gw, "/prod/keyed", 1, api_key=values[first_ok])[0]
    assert r.status == 200, "key %d, which had an entry, now gets %r" % (first_ok, r)


def test_reload_that_adds_the_first_usage_plan(turnpike):
    """A config without usage plans has no state database in use; a reload that
    adds a plan and keys brings keys, quotas and flushing (a new metrics worker)."""
    cfg = quota_config(5)
    plans, keys = cfg.pop("usage_plans"), cfg.pop("api_keys")
    gw = turnpike(cfg)
    assert statuses(gw, "/prod/keyed", 1, api_key=kv(1))[0].status == 403
    cfg["usage_plans"], cfg["api_keys"] = plans, keys
    gw.write_config(cfg)
    gw.reload()
    assert wait_until(lambda: statuses(gw, "/prod/keyed", 1, api_key=kv(2))[0].status == 200,
                      10), "the key added by the reload is refused"
    expect(statuses(gw, "/prod/keyed", 7, api_key=kv(1)), 5, what="alice after the reload")
    assert_usage(gw, 5, 0)
    ctl_ok(gw, "keys", "create", "--name", "carol", "--plan", "basic", "--value", kv(3))
    expect(statuses(gw, "/prod/keyed", 6, api_key=kv(3)), 5, what="a turnpikectl key")


def test_zero_limit_admits_nothing(turnpike):
    gw = turnpike(quota_config(0))
    expect(statuses(gw, "/prod/keyed", 3, api_key=kv(1)), 0, what="quota limit 0")
    assert_usage(gw, 0, 0)


# -- data_dir and the workers' user ---------------------------------------------------------

def test_workers_reach_data_dir_below_a_closed_directory(turnpike, workdir):
    """Run as root, the workers drop to nobody; the work directory is 0700 (closed
    to them), yet they reach data_dir/state through the master's descriptor."""
    if os.geteuid() != 0:
        pytest.skip("needs root (the workers drop privileges)")
    os.chmod(workdir, 0o700)
    gw = turnpike(quota_config(LIMIT))
    expect(statuses(gw, "/prod/keyed", 3, api_key=kv(1)), 3, what="below a 0700 directory")
    assert_usage(gw, 3, LIMIT - 3)
    assert "exited with code 2" not in gw.log_text(), gw.log_tail()


def test_state_files_the_workers_cannot_use_fail_the_start(turnpike, workdir):
    """A state file the workers' user cannot write (here: mode 0400) would only show
    as workers dying at start; turnpike refuses to start and names the file."""
    import subprocess
    from conftest import TURNPIKE_BIN
    if os.geteuid() != 0:
        pytest.skip("needs root (the workers drop privileges)")
    gw = turnpike(quota_config(LIMIT))
    expect(statuses(gw, "/prod/keyed", 1, api_key=kv(1)), 1)
    gw.stop()
    mdb = os.path.join(gw.workdir, "data", "state", "data.mdb")
    assert os.path.exists(mdb), "no state database at %s" % mdb
    os.chmod(mdb, 0o400)
    p = subprocess.run([TURNPIKE_BIN, "-c", gw.conf_path, "-f"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=20)
    out = p.stdout.decode()
    assert p.returncode == 1, "turnpike started (exit %d):\n%s" % (p.returncode, out)
    assert "data.mdb" in out and "nobody" in out and "Permission denied" in out, out

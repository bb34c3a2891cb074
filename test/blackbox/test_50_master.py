"""Tier 50: the prefork master and its workers.

Worker count, respawn of a killed worker, reload generations (SIGHUP) with
valid and broken configs, reloads under load, log reopening (SIGUSR1),
graceful (SIGQUIT) and fast (SIGTERM) stops, and that only workers accept.
"""

import os
import re
import signal
import threading
import time

import pytest
import requests

from conftest import base_config, demo_api, proxy_route
from helpers import RawConn, pid_alive, wait_until

pytestmark = pytest.mark.master


def get_ok(gw, path="/prod/x", **kw):
    r = requests.get(gw.url + path, timeout=10, **kw)
    assert r.status_code == 200, "%s -> %d %r" % (path, r.status_code, r.text[:200])
    return r


def test_two_workers(turnpike):
    gw = turnpike()
    assert wait_until(lambda: len(gw.worker_pids()) == 2, 10), \
        "expected 2 worker processes (children of master %d), found %r" % (
            gw.pid, gw.worker_pids())
    get_ok(gw)


def test_workers_auto_is_one_per_cpu(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers="auto"))
    cpus = {os.cpu_count(), len(os.sched_getaffinity(0))}
    assert wait_until(lambda: len(gw.worker_pids()) in cpus, 10), \
        'workers = "auto": expected %s workers, found %d' % (
            " or ".join(map(str, sorted(cpus))), len(gw.worker_pids()))
    get_ok(gw)


def test_killed_worker_is_replaced(turnpike):
    gw = turnpike()
    before = gw.wait_workers(2)
    assert len(before) == 2, "expected 2 workers, found %r" % before
    victim = before[0]
    os.kill(victim, signal.SIGKILL)

    def replaced():
        now = gw.worker_pids()
        return len(now) == 2 and victim not in now and now
    now = wait_until(replaced, 10)
    assert now, "killed worker %d not replaced: workers now %r" % (victim, gw.worker_pids())
    assert set(now) - set(before), "no new worker pid appeared"
    assert gw.master_alive(), "the master died with its worker"
    for i in range(10):
        get_ok(gw, "/prod/after-kill/%d" % i)


def test_worker_dying_at_once_is_respawned_with_backoff(turnpike, backend):
    """A worker that dies right after it starts is replaced after a growing delay,
    so a crash loop does not spin: kill each new worker as soon as it appears."""
    gw = turnpike(base_config(backend.port, workers=1))
    seen = set()
    for _ in range(4):
        pids = wait_until(lambda: [p for p in gw.worker_pids() if p not in seen], 15)
        assert pids, "no replacement worker appeared (log:\n%s)" % gw.log_tail()
        for p in pids:
            seen.add(p)
            os.kill(p, signal.SIGKILL)
    delays = [int(d) for d in re.findall(r"respawning in (\d+) ms", gw.log_text())]
    assert len(delays) >= 3, "no back-off logged:\n" + gw.log_tail()
    assert delays[:3] == sorted(delays[:3]) and delays[2] > delays[0], \
        "respawn delays do not grow: %r" % delays
    # And it recovers: the next worker, left alone, serves.
    assert wait_until(lambda: len(gw.worker_pids()) == 1, 15)
    assert wait_until(lambda: _serves(gw), 15), "no worker serving after the crash loop"


def _serves(gw):
    try:
        return requests.get(gw.url + "/prod/back", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to bind a privileged port")
def test_root_binds_privileged_port_then_workers_drop_privileges(turnpike, backend):
    """Started as root: the master binds a port below 1024, the workers run as the
    unprivileged user (default nobody) and still serve it."""
    import pwd
    import socket as so
    port = None
    for cand in range(900, 1000):
        s = so.socket()
        try:
            s.bind(("127.0.0.1", cand))
            port = cand
            break
        except OSError:
            continue
        finally:
            s.close()
    assert port is not None, "no free privileged port"
    cfg = base_config(backend.port, listeners=[
        {"address": "127.0.0.1:%d" % port, "default_api": "demo"}])
    gw = turnpike(cfg)
    nobody = pwd.getpwnam("nobody").pw_uid
    workers = gw.wait_workers(2)

    def uids(p):
        with open("/proc/%d/status" % p) as f:
            return [int(u) for u in
                    [l.split()[1:] for l in f if l.startswith("Uid:")][0]]

    # A new worker switches user right after fork: wait for it (slow
    # under sanitizers), then it must have dropped every uid.
    for p in workers:
        assert wait_until(lambda: all(u == nobody for u in uids(p)), 10), \
            "worker %d runs as uid %r" % (p, uids(p))
    with open("/proc/%d/status" % gw.pid) as f:
        assert [l for l in f if l.startswith("Uid:")][0].split()[1] == "0"
    r = requests.get("http://127.0.0.1:%d/prod/low" % port, timeout=10)
    assert r.status_code == 200


def test_reload_serves_new_config_from_new_workers(turnpike, backend_factory):
    old_b, new_b = backend_factory(), backend_factory()
    gw = turnpike(base_config(old_b.port))
    get_ok(gw, "/prod/before")
    assert len(old_b.requests) == 1
    master = gw.pid
    old_workers = set(gw.wait_workers(2))

    gw.write_config(base_config(new_b.port))
    new_workers = gw.reload()
    assert not set(new_workers) & old_workers
    assert gw.pid == master and gw.master_alive(), "the master changed or died on reload"

    def served_by_new():
        requests.get(gw.url + "/prod/after", timeout=10)
        return len(new_b.requests) > 0
    assert wait_until(served_by_new, 10, interval=0.2), \
        "after reload requests still go to the old backend"
    new_b.clear()
    for i in range(5):
        get_ok(gw, "/prod/after/%d" % i)
    assert len(new_b.requests) == 5, "not every request after reload used the new config"
    assert wait_until(lambda: not any(pid_alive(p) for p in old_workers), 10), \
        "old generation workers %r still alive 10 s after reload" % sorted(old_workers)


def test_reload_adds_route(turnpike, backend):
    pets = proxy_route("http://127.0.0.1:%d/pets" % backend.port, route="GET /pets")
    cats = proxy_route("http://127.0.0.1:%d/cats" % backend.port, route="GET /cats")
    gw = turnpike(base_config(backend.port, apis=[demo_api(backend.port, routes=[pets])]))
    assert requests.get(gw.url + "/prod/cats", timeout=10).status_code == 403
    gw.write_config(base_config(backend.port,
                                apis=[demo_api(backend.port, routes=[pets, cats])]))
    gw.reload()
    assert wait_until(lambda: requests.get(gw.url + "/prod/cats", timeout=10).status_code
                      == 200, 10, interval=0.2), "route added by reload is not served"


def test_reload_with_broken_config_keeps_old_generation(turnpike, backend):
    gw = turnpike()
    old_workers = set(gw.wait_workers(2))
    master = gw.pid
    with open(gw.conf_path) as f:
        text = f.read()
    text = text.rstrip("\n") + "\nbroken_setting = = 1;\n"
    bad_line = len(text.splitlines())
    with open(gw.conf_path, "w") as f:
        f.write(text)
    gw.signal(signal.SIGHUP)

    where = "%s:%d" % (gw.conf_path, bad_line)
    assert wait_until(lambda: where in gw.log_text(), 10), \
        "the error log does not name %s after a broken reload:\n%s" % (where, gw.log_tail())
    time.sleep(0.5)
    assert gw.master_alive() and gw.pid == master, "master died on a broken reload"
    assert set(gw.worker_pids()) == old_workers, \
        "workers changed on a broken reload: %r -> %r" % (sorted(old_workers), gw.worker_pids())
    for i in range(5):
        get_ok(gw, "/prod/still/%d" % i)


def test_reloads_under_load_lose_no_request(turnpike, backend):
    gw = turnpike()
    gw.wait_workers(2)
    stop = threading.Event()
    lock = threading.Lock()
    ok = [0]
    failures = []

    def client(n):
        with requests.Session() as s:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    r = s.get(gw.url + "/prod/load/%d/%d" % (n, i), timeout=10)
                    good = r.status_code == 200 and r.json()["path"] == "/load/%d/%d" % (n, i)
                    with lock:
                        if good:
                            ok[0] += 1
                        else:
                            failures.append("status %d body %r" % (r.status_code, r.text[:100]))
                except Exception as e:  # noqa: BLE001 - every failure counts
                    with lock:
                        failures.append(repr(e))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        gw.reload()
        time.sleep(2)
        gw.reload()
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join(15)
    assert not failures, "%d of %d requests failed during reloads, e.g. %s" % (
        len(failures), len(failures) + ok[0], failures[:5])
    assert ok[0] > 20, "only %d requests completed in 6 s" % ok[0]


def test_reopen_logs_on_usr1(turnpike):
    gw = turnpike(daemon=True)
    log = gw.error_log
    assert wait_until(lambda: os.path.exists(log), 10), "no error log at %s" % log
    os.rename(log, log + ".1")
    gw.signal(signal.SIGUSR1)
    assert wait_until(lambda: os.path.exists(log), 10), \
        "SIGUSR1 did not reopen (re-create) %s" % log
    gw.reload()
    assert wait_until(lambda: os.path.getsize(log) > 0, 10), \
        "the reopened error log receives no lines (after a reload)"
    get_ok(gw)


def test_quit_is_graceful(turnpike, backend):
    gw = turnpike()
    workers = gw.wait_workers(2)
    result = {}

    def slow():
        try:
            result["r"] = requests.get(gw.url + "/prod/slow?ms=1500", timeout=20)
        except Exception as e:  # noqa: BLE001
            result["e"] = e

    t = threading.Thread(target=slow)
    t.start()
    assert backend.wait_for_requests(1, timeout=10), "the slow request never reached the backend"
    gw.signal(signal.SIGQUIT)
    t.join(20)
    assert "e" not in result, "in-flight request failed on SIGQUIT: %r" % result.get("e")
    assert result["r"].status_code == 200, "in-flight request got %d" % result["r"].status_code
    assert gw.wait_exit(10), "master did not exit after a graceful stop"
    assert wait_until(lambda: not any(pid_alive(p) for p in workers), 5), \
        "workers outlived the master"


def test_quit_gives_up_after_shutdown_timeout(turnpike, backend):
    """shutdown_timeout_ms = 1000: a graceful stop does not wait for a 20 s request."""
    gw = turnpike(base_config(backend.port, shutdown_timeout_ms=1000))
    workers = gw.wait_workers(2)

    def slow():
        try:
            requests.get(gw.url + "/prod/slow?ms=20000", timeout=30)
        except Exception:  # noqa: BLE001 - the connection is expected to drop
            pass

    threading.Thread(target=slow, daemon=True).start()
    assert backend.wait_for_requests(1, timeout=10)
    gw.signal(signal.SIGQUIT)
    assert gw.wait_exit(8), "master still running 8 s after SIGQUIT with shutdown_timeout_ms 1000"
    assert wait_until(lambda: not any(pid_alive(p) for p in workers), 5)


def test_term_is_fast(turnpike, backend):
    gw = turnpike()
    workers = gw.wait_workers(2)

    def slow():
        try:
            requests.get(gw.url + "/prod/slow?ms=20000", timeout=30)
        except Exception:  # noqa: BLE001 - the connection is expected to drop
            pass

    threading.Thread(target=slow, daemon=True).start()
    assert backend.wait_for_requests(1, timeout=10)
    gw.signal(signal.SIGTERM)
    assert gw.wait_exit(8), "master still running 8 s after SIGTERM (a 20 s request in flight)"
    assert wait_until(lambda: not any(pid_alive(p) for p in workers), 5), \
        "workers outlived the master after SIGTERM"


def test_int_stops_like_term(turnpike):
    gw = turnpike()
    workers = gw.wait_workers(2)
    gw.signal(signal.SIGINT)
    assert gw.wait_exit(8), "master still running 8 s after SIGINT"
    assert wait_until(lambda: not any(pid_alive(p) for p in workers), 5)


def _socket_inode(local_port, remote_port):
    """Inode of the TCP socket 127.0.0.1:local_port <-> 127.0.0.1:remote_port."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            lport = int(cols[1].split(":")[1], 16)
            rport = int(cols[2].split(":")[1], 16)
            if lport == local_port and rport == remote_port and cols[9] != "0":
                return cols[9]
    return None


def _pids_holding(inode, pids):
    target = "socket:[%s]" % inode
    out = []
    for pid in pids:
        try:
            fds = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == target:
                    out.append(pid)
                    break
            except OSError:
                continue
    return out


def test_master_never_serves_connections(turnpike):
    gw = turnpike()
    workers = gw.wait_workers(2)
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/who HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
        client_port = c.sock.getsockname()[1]
        inode = _socket_inode(gw.port, client_port)
        if inode is None:
            pytest.skip("cannot find the accepted socket in /proc/net/tcp")
        holders = _pids_holding(inode, [gw.pid] + workers)
    assert gw.pid not in holders, "the master holds an accepted client connection"
    assert holders and set(holders) <= set(workers), \
        "accepted connection held by %r, workers are %r" % (holders, workers)


def test_error_log_lines_have_levels(turnpike):
    gw = turnpike()
    gw.wait_workers(2)
    assert wait_until(lambda: re.search(r"\[info\]", gw.log_text()), 5), \
        "no [info] line in the log after startup (log_level info):\n%s" % gw.log_tail()
    with open(gw.conf_path, "a") as f:
        f.write("\nbroken_setting = = 1;\n")
    gw.signal(signal.SIGHUP)
    assert wait_until(lambda: re.search(r"\[error\].*%s:\d+" % re.escape(gw.conf_path),
                                        gw.log_text()), 10), \
        "a broken reload is not logged as an [error] line naming the file:\n%s" % gw.log_tail()


def test_log_level_error_hides_info(turnpike, backend):
    gw = turnpike(base_config(backend.port, log_level="error"))
    gw.wait_workers(2)
    get_ok(gw)
    assert "[info]" not in gw.log_text(), "log_level error still logs [info] lines:\n%s" % (
        gw.log_tail())

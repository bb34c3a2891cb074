"""Tier 60: daemon mode, `-s reload|reopen|stop|quit`, and the `-p` prefix."""

import os
import signal

import pytest
import requests

from conftest import run_turnpike
from helpers import children_of, free_port, pid_alive, wait_until

pytestmark = pytest.mark.daemon


def test_daemon_mode_detaches_and_writes_pid_file(turnpike):
    gw = turnpike(daemon=True)          # `turnpike -c CONF` returned 0 (checked by start)
    pid = gw.read_pid_file()
    assert pid and pid_alive(pid), "pid file %s does not name a live process" % gw.pid_file
    assert pid != gw.proc.pid, "daemon mode: the pid file names the launching process, " \
        "which has exited"
    assert gw.wait_workers(2), "the daemonized master has no workers"
    assert requests.get(gw.url + "/prod/daemon", timeout=10).status_code == 200


def test_signal_stop_removes_pid_file(turnpike):
    gw = turnpike(daemon=True)
    workers = gw.wait_workers(2)
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "stop")
    assert rc == 0, "-s stop exited %d: %s" % (rc, out)
    assert gw.wait_exit(10), "master still alive 10 s after -s stop"
    assert wait_until(lambda: not any(pid_alive(p) for p in workers), 5)
    assert wait_until(lambda: not os.path.exists(gw.pid_file), 5), \
        "pid file %s left behind after stop" % gw.pid_file


def test_signal_quit_stops_gracefully(turnpike):
    gw = turnpike(daemon=True)
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "quit")
    assert rc == 0, "-s quit exited %d: %s" % (rc, out)
    assert gw.wait_exit(10), "master still alive 10 s after -s quit"
    assert wait_until(lambda: not os.path.exists(gw.pid_file), 5)


def test_signal_reload_starts_new_generation(turnpike):
    gw = turnpike(daemon=True)
    master = gw.pid
    old = set(gw.wait_workers(2))
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "reload")
    assert rc == 0, "-s reload exited %d: %s" % (rc, out)
    new = gw.wait_workers(2, exclude=old)
    assert len(new) == 2, "no new workers after -s reload (old %r, now %r)" % (
        sorted(old), gw.worker_pids())
    assert gw.read_pid_file() == master and pid_alive(master)
    assert requests.get(gw.url + "/prod/x", timeout=10).status_code == 200


def test_signal_reopen_recreates_error_log(turnpike):
    gw = turnpike(daemon=True)
    log = gw.error_log
    assert wait_until(lambda: os.path.exists(log), 10)
    os.rename(log, log + ".old")
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "reopen")
    assert rc == 0, "-s reopen exited %d: %s" % (rc, out)
    assert wait_until(lambda: os.path.exists(log), 10), "-s reopen did not re-create the log"
    assert gw.master_alive()


def test_signal_without_running_master_fails(turnpike):
    gw = turnpike(start=False)
    gw.write_config(gw.cfg)
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "stop")
    assert rc == 1, "-s stop with no master running exited %d: %s" % (rc, out)
    assert "pid" in out.lower(), "the error should mention the pid file: %s" % out


def test_bad_signal_name(turnpike):
    gw = turnpike(start=False)
    gw.write_config(gw.cfg)
    rc, out = run_turnpike("-c", gw.conf_path, "-s", "explode")
    assert rc != 0, "-s explode accepted: %s" % out
    assert "explode" in out, out


def _find(root, suffix):
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(suffix):
                return os.path.join(d, f)
    return None


def test_prefix_sets_default_runtime_paths(workdir, backend):
    prefix = os.path.join(workdir, "prefix")
    os.makedirs(prefix)
    port = free_port()
    conf = os.path.join(workdir, "noprefix.conf")
    with open(conf, "w") as f:
        f.write('server: { workers = 1; log_level = "info"; };\n'
                'listeners = ( { address = "127.0.0.1:%d"; default_api = "demo"; } );\n'
                'apis = ( { id = "demo"; name = "Demo"; type = "REST";\n'
                '  routes = ( { route = "ANY /{proxy+}"; integration = { type = "HTTP_PROXY";\n'
                '    uri = "http://127.0.0.1:%d/{proxy}"; }; } );\n'
                '  stages = ( { name = "prod"; } ); } );\n' % (port, backend.port))
    rc, out = run_turnpike("-p", prefix, "-c", conf)
    pid = None
    try:
        assert rc == 0, "`turnpike -p DIR -c CONF` exited %d: %s" % (rc, out)
        pid_file = wait_until(lambda: _find(prefix, ".pid"), 10)
        assert pid_file, "no pid file created under the prefix %s" % prefix
        with open(pid_file) as f:
            pid = int(f.read().strip())
        assert pid_alive(pid)
        assert wait_until(lambda: _find(prefix, ".log"), 10), \
            "no error log created under the prefix %s" % prefix
        r = requests.get("http://127.0.0.1:%d/prod/prefixed" % port, timeout=10)
        assert r.status_code == 200
        rc, out = run_turnpike("-p", prefix, "-c", conf, "-s", "stop")
        assert rc == 0, "-p DIR -s stop exited %d: %s" % (rc, out)
        assert wait_until(lambda: not pid_alive(pid), 10)
    finally:
        if pid and pid_alive(pid):
            orphans = children_of(pid)
            os.kill(pid, signal.SIGKILL)
            for child in orphans:
                if pid_alive(child):
                    os.kill(child, signal.SIGKILL)

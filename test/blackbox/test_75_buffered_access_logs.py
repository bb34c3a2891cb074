"""Tier 75: buffered access logs (access_log buffer = "64k"; flush = 1;).

A worker keeps a buffered log's lines and writes them with one write(2)
when the next line would not fit, flush seconds after the first kept line,
when it exits (graceful `-s quit`, fast `-s stop`) and before a USR1
reopen puts the new file on its descriptor.  Checked: lines are kept, then
appear within flush + slack; every line of concurrent load from several
threads over 2 workers is present exactly once and whole, with a buffer
that fills every few lines and with a large one; `-s quit` and `-s stop`
with a 60 s flush write everything; USR1 after moving the file puts the
lines made before it in the moved file and the later ones in the new file,
counts exact; a reload's retired workers write their kept lines as they
exit; two logs naming one file with different settings share one buffer;
config errors (size, range, flush without buffer) are FILE:LINE.
"""

import json
import os
import signal
import time

import pytest

from conftest import base_config, run_turnpike
from helpers import read_lines, start_load, wait_lines, wait_until
from test_70_access_logs import _line_of, _test_config, get, log_api, log_config


def buffered_config(backend_port, workdir, buffer="64k", flush=None, fmt="CLF",
                    workers=2):
    cfg = log_config(backend_port, workdir, fmt, workers=workers)
    al = cfg["apis"][0]["stages"][0]["access_log"]
    al["buffer"] = buffer
    if flush is not None:
        al["flush"] = flush
    return cfg


def log_path(workdir):
    return os.path.join(workdir, "access.log")


def test_lines_are_kept_then_flushed(turnpike, backend, workdir):
    flush = 5
    gw = turnpike(buffered_config(backend.port, workdir, flush=flush))
    assert len(gw.wait_workers(2)) == 2
    t0 = time.monotonic()
    for _ in range(4):
        assert get(gw, "/prod/pets/1").status_code == 200
    kept = read_lines(log_path(workdir))
    if time.monotonic() - t0 < flush - 1:
        # Well inside the flush time: nothing written yet.
        assert kept == [], kept
    lines = wait_lines(log_path(workdir), 4, timeout=flush + 10)
    assert len(lines) == 4 and all("/pets/{id}" in x for x in lines), lines


def test_default_flush_is_one_second(turnpike, backend, workdir):
    gw = turnpike(buffered_config(backend.port, workdir))
    assert len(gw.wait_workers(2)) == 2
    assert get(gw, "/prod/pets/1").status_code == 200
    assert len(wait_lines(log_path(workdir), 1, timeout=1 + 10)) == 1


@pytest.mark.parametrize("buffer", ["1k", "64k"])
def test_concurrent_lines_whole_and_complete(turnpike, backend, workdir, buffer):
    """"1k" holds two of these lines: most writes are of a full buffer."""
    fmt = ('{"id":"$context.requestId","ua":"$context.identity.userAgent",'
           '"path":"$context.path","status":"$context.status"}')
    gw = turnpike(buffered_config(backend.port, workdir, buffer, fmt=fmt))
    assert len(gw.wait_workers(2)) == 2
    n_threads, per_thread = 8, 50
    threads, ids, errors = start_load(
        lambda t, i: "%s/prod/pets/%d-%d" % (gw.url, t, i), n_threads, per_thread,
        lambda t, i: {"User-Agent": "buf-test-%d-%d " % (t, i) + "x" * 300})
    for t in threads:
        t.join(60)
    assert not errors, errors[:5]
    total = n_threads * per_thread
    lines = wait_lines(log_path(workdir), total, timeout=15)
    assert len(lines) == total
    recs = [json.loads(x) for x in lines]
    assert sorted(r["id"] for r in recs) == sorted(ids)
    for r in recs:
        t, i = r["path"].rsplit("/", 1)[1].split("-")
        assert r["ua"] == "buf-test-%s-%s " % (t, i) + "x" * 300


@pytest.mark.parametrize("how", ["quit", "stop"])
def test_stop_writes_kept_lines(turnpike, backend, workdir, how):
    gw = turnpike(buffered_config(backend.port, workdir, flush=60), daemon=True)
    workers = gw.wait_workers(2)
    assert len(workers) == 2
    n = 12
    for i in range(n):
        assert get(gw, "/prod/pets/%d" % i).status_code == 200
    assert read_lines(log_path(workdir)) == [], "flush = 60 wrote early"
    rc, out = run_turnpike("-c", gw.conf_path, "-s", how)
    assert rc == 0, out
    assert gw.wait_exit(20), "turnpike -s %s: the master did not exit" % how
    assert wait_until(lambda: not any(os.path.exists("/proc/%d" % p) for p in workers),
                      10), "workers still running"
    lines = read_lines(log_path(workdir))
    assert len(lines) == n and all("/pets/{id}" in x for x in lines), lines
    gw.stopped = True


def test_usr1_kept_lines_go_to_the_moved_file(turnpike, backend, workdir):
    log = log_path(workdir)
    gw = turnpike(buffered_config(backend.port, workdir, flush=60))
    assert len(gw.wait_workers(2)) == 2
    before, after = 7, 9
    for _ in range(before):
        assert get(gw, "/prod/pets/1").status_code == 200
    assert read_lines(log) == [], "flush = 60 wrote early"
    os.rename(log, log + ".1")
    gw.signal(signal.SIGUSR1)
    assert wait_until(lambda: os.path.exists(log), 10), "reopen did not re-create the log"
    # The kept lines are written to the old file before the new one is taken.
    assert len(wait_lines(log + ".1", before)) == before
    time.sleep(0.3)                  # the workers take the new file from the master
    for _ in range(after):
        assert get(gw, "/prod/pets/2").status_code == 200
    assert read_lines(log) == [], "flush = 60 wrote early"
    gw.signal(signal.SIGQUIT)
    assert gw.wait_exit(20)
    gw.stopped = True
    old, new = read_lines(log + ".1"), read_lines(log)
    assert len(old) == before and all("/pets/{id}" in x for x in old), old
    assert len(new) == after and all("/pets/{id}" in x for x in new), new


def test_shared_file_takes_larger_buffer(turnpike, backend, workdir):
    """Two stages log to one file, one buffered: both are kept (one buffer)."""
    path = log_path(workdir)
    stages = [{"name": "prod", "access_log": {"path": path, "format": "A $context.stage",
                                             "buffer": "64k", "flush": 60}},
              {"name": "dev", "access_log": {"path": path, "format": "B $context.stage"}}]
    gw = turnpike(base_config(backend.port, workers=1,
                              apis=[log_api(backend.port, "HTTP", stages)]))
    assert len(gw.wait_workers(1)) == 1
    for st in ("prod", "dev", "prod"):
        assert get(gw, "/%s/pets/1" % st).status_code == 200
    assert read_lines(path) == [], "the unbuffered log's file is buffered too"
    gw.signal(signal.SIGQUIT)
    assert gw.wait_exit(20)
    gw.stopped = True
    assert read_lines(path) == ["A prod", "B dev", "A prod"]


@pytest.mark.parametrize("setting,value,message", [
    ("buffer", "2M", "'buffer' = 2097152 is out of range [0, 1048576]"),
    ("buffer", "lots", "'buffer': invalid size \"lots\""),
    ("flush", 0, "'flush' = 0 is out of range [1, 60]"),
    ("flush", 61, "'flush' = 61 is out of range [1, 60]"),
])
def test_config_errors(turnpike, backend, workdir, setting, value, message):
    cfg = buffered_config(backend.port, workdir)
    cfg["apis"][0]["stages"][0]["access_log"][setting] = value
    gw, text, rc, out = _test_config(turnpike, cfg)
    assert rc != 0
    want = "%s:%d:" % (gw.conf_path, _line_of(text, "%s = " % setting))
    assert want in out and message in out, out


def test_config_flush_needs_buffer(turnpike, backend, workdir):
    cfg = log_config(backend.port, workdir)
    cfg["apis"][0]["stages"][0]["access_log"]["flush"] = 5
    gw, text, rc, out = _test_config(turnpike, cfg)
    assert rc != 0
    want = "%s:%d:" % (gw.conf_path, _line_of(text, "flush = 5"))
    assert want in out and "'flush' needs 'buffer'" in out, out


def test_buffer_zero_is_unbuffered(turnpike, backend, workdir):
    gw = turnpike(buffered_config(backend.port, workdir, buffer="0"))
    assert len(gw.wait_workers(2)) == 2
    assert get(gw, "/prod/pets/1").status_code == 200
    assert len(wait_lines(log_path(workdir), 1)) == 1


def test_reload_retired_workers_write_kept_lines(turnpike, backend, workdir):
    """A reload's old workers drain and exit: their kept lines are written."""
    log = log_path(workdir)
    gw = turnpike(buffered_config(backend.port, workdir, flush=60))
    old = gw.wait_workers(2)
    assert len(old) == 2
    for _ in range(5):
        assert get(gw, "/prod/pets/1").status_code == 200
    assert read_lines(log) == [], "flush = 60 wrote early"
    gw.reload()
    assert wait_until(lambda: not any(os.path.exists("/proc/%d" % p) for p in old),
                      20), "the old workers did not exit"
    assert len(read_lines(log)) == 5
    for _ in range(3):
        assert get(gw, "/prod/pets/2").status_code == 200
    gw.signal(signal.SIGQUIT)
    assert gw.wait_exit(20)
    gw.stopped = True
    assert len(read_lines(log)) == 8

"""Sends batched through io_uring (server.io_uring, server/tp_uring.c).

Every other tier runs with io_uring on (the default), so proxying itself is
covered there; this tier checks what is particular to it: that the workers
really use a ring, that a write the kernel cannot take at once still holds
its sender back (no unbounded buffering in the worker), reaches a slow
reader whole, and survives a reload; that a client that never reads is cut
off after send_timeout_ms; and that io_uring = false writes directly.
"""

import os
import socket
import time

import pytest
import requests

from backend import pattern, sha256
from conftest import base_config
from helpers import wait_until


def _uses_io_uring(pid):
    fd_dir = "/proc/%d/fd" % pid
    for name in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, name)) == "anon_inode:[io_uring]":
                return True
        except OSError:
            pass
    return False


def _rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def _stalled_download(port, n):
    """A GET of n bytes on a socket that reads nothing yet.  (Its receive
    buffer keeps the kernel's default: one smaller than the loopback MSS
    stalls TCP itself, whoever sends.)"""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /prod/big?n=%d HTTP/1.1\r\nHost: x\r\n\r\n" % n)
    return s


def _read_response(s, timeout=30):
    """The whole response on s: (head bytes, body bytes)."""
    s.settimeout(timeout)
    buf = bytearray()
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        assert chunk, "connection closed before the response head"
        buf += chunk
    head, _, body = bytes(buf).partition(b"\r\n\r\n")
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    assert length is not None, head
    body = bytearray(body)
    while len(body) < length:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        body += chunk
    return head, bytes(body)


def test_workers_send_through_io_uring(turnpike, backend):
    gw = turnpike(base_config(backend.port))
    assert requests.get(gw.url + "/prod/x", timeout=5).status_code == 200
    if "io_uring is not available" in gw.log_text():
        pytest.skip("this kernel refuses io_uring (the workers said so)")
    pids = gw.wait_workers()
    assert pids
    # A worker that is still starting has not set its ring up yet.
    assert wait_until(lambda: all(_uses_io_uring(p) for p in pids), timeout=10), \
        "workers without an io_uring: %r" % [p for p in pids if not _uses_io_uring(p)]


def test_io_uring_false_writes_directly(turnpike, backend):
    gw = turnpike(base_config(backend.port, io_uring=False))
    n = 3 * 1000 * 1000
    r = requests.get(gw.url + "/prod/big?n=%d" % n, timeout=30)
    assert r.status_code == 200 and sha256(r.content) == sha256(pattern(n))
    for pid in gw.wait_workers():
        assert not _uses_io_uring(pid), "worker %d has an io_uring" % pid


def test_stalled_reader_holds_back_its_sender(turnpike, backend):
    """A client that reads nothing for a while: the worker stops reading the
    backend instead of queueing the whole body in its memory, then the body
    arrives whole and unchanged."""
    gw = turnpike(base_config(backend.port, workers=1))
    (pid,) = gw.wait_workers(1)
    n = 40 * 1000 * 1000
    before = _rss_kib(pid)
    s = _stalled_download(gw.port, n)
    try:
        time.sleep(1.5)
        grown = _rss_kib(pid) - before
        # A 32 KiB upstream window and a 4 KiB send buffer; allow for
        # allocator slack, but not for a body of 40 MB.
        assert grown < 4096, "worker grew by %d KiB for a stalled reader" % grown
        head, body = _read_response(s)
    finally:
        s.close()
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    assert len(body) == n and sha256(body) == sha256(pattern(n))


def test_reader_that_never_reads_is_cut_off(turnpike, backend):
    """send_timeout_ms applies to a write the kernel holds: the connection
    is closed, and the send in flight is cancelled rather than left holding
    the socket open (the reader then meets the end of the stream)."""
    gw = turnpike(base_config(backend.port, workers=1, send_timeout_ms=1000))
    n = 40 * 1000 * 1000
    s = _stalled_download(gw.port, n)
    try:
        assert wait_until(lambda: "client send timeout" in gw.log_text(),
                          timeout=15), gw.log_tail()
        s.settimeout(10)
        got = 0
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
        except ConnectionResetError:
            pass
        assert got < n, "a reader that never read got the whole body"
    finally:
        s.close()
    # The worker still serves.
    assert requests.get(gw.url + "/prod/x", timeout=5).status_code == 200


def test_slow_reader_survives_a_reload(turnpike, backend):
    """The old worker drains: writes the kernel still holds when its last
    connection closes are sent before it exits."""
    gw = turnpike(base_config(backend.port, workers=1))
    n = 8 * 1000 * 1000
    s = _stalled_download(gw.port, n)
    try:
        time.sleep(0.5)
        gw.reload()
        time.sleep(0.5)
        head, body = _read_response(s)
    finally:
        s.close()
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    assert len(body) == n and sha256(body) == sha256(pattern(n))
    assert requests.get(gw.url + "/prod/x", timeout=5).status_code == 200

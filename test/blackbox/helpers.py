"""Helpers shared by turnpike's black-box tests (imported by conftest and tests).

- render_libconfig(): Python dicts/lists -> libconfig text
- free_port(): a port that is free for IPv4 and (when available) IPv6
- RawConn: a raw-socket HTTP/1.1 client for malformed input, pipelining,
  100-continue, timeouts; it parses responses itself and can tell when the
  server closed the connection
- assertions for gateway-generated errors and the headers every response has
- read_lines() / wait_lines(): a log file's whole lines; start_load(): GETs from
  threads, each on its own keep-alive session
"""

import json
import os
import re
import socket
import threading
import time

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


# ---------------------------------------------------------------------------
# libconfig rendering
# ---------------------------------------------------------------------------

class Raw(str):
    """A value rendered verbatim (e.g. Raw('10M') would be invalid; use for expressions)."""


_NAME_RE = re.compile(r"^[A-Za-z*][-A-Za-z0-9_*]*$")


def _quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t") + '"'


def _render_value(v, indent):
    pad = "  " * indent
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) if -2**31 <= v < 2**31 else "%dL" % v
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return _quote(v)
    if isinstance(v, dict):
        if not v:
            return "{ }"
        inner = "".join("%s  %s\n" % (pad, _render_setting(k, x, indent + 1))
                        for k, x in v.items())
        return "{\n" + inner + pad + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "( )"
        items = [pad + "  " + _render_value(x, indent + 1) for x in v]
        return "(\n" + ",\n".join(items) + "\n" + pad + ")"
    raise TypeError("cannot render %r as libconfig" % (v,))


def _render_setting(name, value, indent):
    if not _NAME_RE.match(name):
        raise ValueError("invalid libconfig setting name %r" % name)
    return "%s = %s;" % (name, _render_value(value, indent))


def render_libconfig(cfg):
    """Render a top-level dict of settings as a libconfig document."""
    return "".join(_render_setting(k, v, 0) + "\n\n" for k, v in cfg.items())


# ---------------------------------------------------------------------------
# ports and processes
# ---------------------------------------------------------------------------

def have_ipv6_loopback():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        s.bind(("::1", 0))
        return True
    except OSError:
        return False
    finally:
        s.close()


_HAVE_V6 = have_ipv6_loopback()


def free_port():
    """A TCP port free on 127.0.0.1 and, when there is IPv6, on ::1 too.

    Bound on the wildcard address (dual-stack when possible) and released at
    once; a later bind by someone else is possible (callers retry)."""
    if _HAVE_V6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", 0))
            return s.getsockname()[1]
        except OSError:
            pass
        finally:
            s.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def children_of(pid):
    """PIDs whose parent is <pid> (scans /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read().decode("latin-1")
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces/parens
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) >= 2 and rest[0] != "Z" and int(rest[1]) == pid:
            out.append(int(entry))
    return sorted(out)


def cmdline_of(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("latin-1").strip()
    except OSError:
        return ""


def comm_of(pid):
    """The kernel's short name of <pid> (/proc/PID/comm), "" if gone."""
    try:
        with open("/proc/%d/comm" % pid, "rb") as f:
            return f.read().decode("latin-1").strip()
    except OSError:
        return ""


def pid_alive(pid):
    """True if <pid> exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read().decode("latin-1")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"


def wait_until(predicate, timeout, interval=0.05):
    """Poll predicate() until it is truthy or timeout seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


# ---------------------------------------------------------------------------
# raw HTTP client
# ---------------------------------------------------------------------------

class RawResponse:
    def __init__(self, version, status, reason, headers, body, head_raw):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers          # list of (name, value)
        self.body = body
        self.head_raw = head_raw

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<RawResponse %s %d %s, %d body bytes: %r>" % (
            self.version, self.status, self.reason, len(self.body), self.body[:200])


class ConnectionClosed(Exception):
    pass


class RawConn:
    """A raw TCP (or pre-wrapped TLS) connection speaking HTTP by hand."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0, sock=None):
        if sock is None:
            sock = socket.create_connection((host, port), timeout=timeout)
        sock.settimeout(timeout)
        self.sock = sock
        self.buf = b""
        self.eof = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def send_tolerant(self, data):
        """Send, ignoring a peer that already closed/reset (it may have answered)."""
        try:
            self.send(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def _fill(self):
        if self.eof:
            raise ConnectionClosed("connection closed by the server")
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed by the server")
        self.buf += data

    def _read_until(self, sep):
        while sep not in self.buf:
            self._fill()
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def _read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        """Read one response head; returns RawResponse with an empty body."""
        try:
            head = self._read_until(b"\r\n\r\n")
        except ConnectionClosed:
            raise ConnectionClosed("server closed the connection before a complete response "
                                   "head; got %r" % self.buf[:300])
        lines = head.split(b"\r\n")
        m = re.match(rb"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", lines[0])
        assert m, "malformed status line %r" % lines[0]
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            assert sep, "malformed response header line %r" % line
            headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
        return RawResponse(m.group(1).decode(), int(m.group(2)),
                           (m.group(3) or b"").decode("latin-1"), headers, b"", head)

    def read_response(self, method="GET", skip_interim=True):
        """Read one complete response (framing per RFC 9112 6.3)."""
        while True:
            r = self.read_head()
            if 100 <= r.status < 200 and skip_interim:
                continue
            break
        if method == "HEAD" or 100 <= r.status < 200 or r.status in (204, 304):
            return r
        te = r.header("transfer-encoding")
        cl = r.header("content-length")
        if te is not None:
            assert te.lower() == "chunked", "unexpected Transfer-Encoding %r" % te
            body = bytearray()
            while True:
                size = int(self._read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    while self._read_until(b"\r\n") != b"":
                        pass
                    break
                body += self._read_exact(size)
                assert self._read_exact(2) == b"\r\n", "chunk data not followed by CRLF"
            r.body = bytes(body)
        elif cl is not None:
            r.body = self._read_exact(int(cl))
        else:
            while True:
                try:
                    self._fill()
                except ConnectionClosed:
                    break
            r.body, self.buf = self.buf, b""
        return r

    def wait_closed(self, timeout=5.0):
        """True if the server closes (FIN or RST) within timeout seconds.

        Bytes arriving meanwhile are kept in self.buf (e.g. a 408)."""
        if self.eof:
            return True
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(left)
                try:
                    data = self.sock.recv(65536)
                except socket.timeout:
                    return False
                except ConnectionResetError:
                    self.eof = True
                    return True
                if not data:
                    self.eof = True
                    return True
                self.buf += data
        finally:
            try:
                self.sock.settimeout(10.0)
            except OSError:
                pass

    def is_open(self, wait=0.3):
        """True if the server has not closed the connection (nothing to read after <wait> s)."""
        return not self.wait_closed(wait)


def raw_exchange(port, data, method="GET", host="127.0.0.1", timeout=10.0):
    """Send raw bytes, read one response; returns (response, RawConn)."""
    c = RawConn(port, host=host, timeout=timeout)
    c.send_tolerant(data)
    return c.read_response(method=method), c


# ---------------------------------------------------------------------------
# assertions
# ---------------------------------------------------------------------------

def _hdr(resp, name):
    """Header lookup for requests.Response and RawResponse alike."""
    if isinstance(resp, RawResponse):
        return resp.header(name)
    return resp.headers.get(name)


def _status(resp):
    return resp.status if isinstance(resp, RawResponse) else resp.status_code


def _body(resp):
    return resp.body if isinstance(resp, RawResponse) else resp.content


def _all_headers(resp):
    if isinstance(resp, RawResponse):
        return resp.headers
    return list(resp.headers.items())


def assert_common_headers(resp):
    """Every response carries Date and an x-amzn-RequestId that is a UUID."""
    hdrs = _all_headers(resp)
    assert _hdr(resp, "Date"), "no Date header in %r" % (hdrs,)
    rid = _hdr(resp, "x-amzn-RequestId")
    assert rid, "no x-amzn-RequestId header in %r" % (hdrs,)
    assert UUID_RE.match(rid), "x-amzn-RequestId %r is not a UUID" % rid


def assert_gateway_error(resp, status, message=None, error_type=None):
    """A gateway-generated error: exact status, JSON {"message": ...}, common headers."""
    body = _body(resp)
    assert _status(resp) == status, \
        "expected status %d, got %d; headers %r body %r" % (
            status, _status(resp), _all_headers(resp), body[:300])
    ctype = _hdr(resp, "Content-Type") or ""
    assert "application/json" in ctype, "error Content-Type is %r, not application/json" % ctype
    try:
        doc = json.loads(body)
    except ValueError:
        raise AssertionError("error body is not JSON: %r" % body[:300])
    assert isinstance(doc, dict) and "message" in doc, \
        "error body has no \"message\": %r" % doc
    if message is not None:
        assert doc["message"] == message, "message %r, expected %r" % (doc["message"], message)
    if error_type is not None:
        assert _hdr(resp, "x-amzn-ErrorType") == error_type, \
            "x-amzn-ErrorType %r, expected %r" % (_hdr(resp, "x-amzn-ErrorType"), error_type)
    assert_common_headers(resp)
    assert _hdr(resp, "Server"), "gateway error without a Server header: %r" % (
        _all_headers(resp),)
    return doc


# ---------------------------------------------------------------------------
# log files and concurrent load
# ---------------------------------------------------------------------------

def read_lines(path):
    """The lines of <path> (none if it does not exist); a partial last line fails."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    assert data == b"" or data.endswith(b"\n"), "partial last line in %s: %r" % (
        path, data[-200:])
    return [line.decode("utf-8") for line in data.split(b"\n")[:-1]]


def wait_lines(path, n, timeout=10.0):
    """The lines of <path> once it has at least <n> (lines follow the response)."""
    lines = wait_until(lambda: (lambda ls: ls if len(ls) >= n else None)(read_lines(path)),
                       timeout)
    got = read_lines(path)
    assert len(got) >= n, "%s has %d lines, wanted %d:\n%s" % (path, len(got), n,
                                                                "\n".join(got))
    return lines or got


def start_load(url_of, n_threads, per_thread, headers_of=None):
    """GET url_of(t, i) for i < per_thread from n_threads threads, each on a
    keep-alive session of its own.  Returns (threads, ids, errors), filled as
    they run: the x-amzn-RequestId of every 200, the status of anything else,
    the exception of a failed request."""
    import requests                  # not every user of helpers has it

    ids, errors = [], []
    lock = threading.Lock()

    def client(t):
        s = requests.Session()
        for i in range(per_thread):
            try:
                r = s.get(url_of(t, i), timeout=10,
                          headers=headers_of(t, i) if headers_of else None)
                with lock:
                    if r.status_code == 200:
                        ids.append(r.headers["x-amzn-RequestId"])
                    else:
                        errors.append(r.status_code)
            except requests.RequestException as e:
                with lock:
                    errors.append(repr(e))
    threads = [threading.Thread(target=client, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    return threads, ids, errors

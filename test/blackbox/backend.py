#!/usr/bin/python3
"""A small, honest HTTP/1.1 origin server for turnpike's black-box tests.

Written on raw sockets (stdlib only) so that the tests can see *exactly* what
the gateway sent upstream: every accepted connection is recorded together with
every raw byte received on it and every request parsed from those bytes.

Use it in-process::

    b = Backend()
    port = b.start()            # port=0: pick a free port
    ...                         # b.requests, b.connections, b.raw_connections
    b.clear()
    b.stop()

or standalone (logs each request on stdout)::

    /usr/bin/python3 backend.py PORT

Endpoints
---------
The endpoint is chosen from the *last segments of the path*, so that any
prefix the gateway keeps or adds (``/foo/bar/status/404``) does not matter.
Parameters come from the query string.

``.../status/NNN``          respond with status NNN and a small JSON body
                            (no body for 1xx/204/304)
``.../slow?ms=N``           sleep N ms, then answer like echo
``.../big?n=N``             N bytes of ``pattern(N)`` with Content-Length
``.../chunked?n=N&parts=P`` ``pattern(N)`` sent chunked in P chunks (one send each)
``.../eof?n=N&close_ms=M``  ``pattern(N)`` with neither Content-Length nor
                            chunked: close-delimited; the socket is closed M ms
                            (default 0) after the last byte
``.../close``               echo body with ``Connection: close``, then close
``.../reset``               no response: the socket is closed with SO_LINGER 0 (RST)
``.../headers?h=Name:value&h=...``
                            echo body sent chunked, with the given response
                            headers plus hop-by-hop ones that a proxy must drop:
                            ``Connection: keep-alive, X-Hop-Custom``,
                            ``X-Hop-Custom``, ``Keep-Alive``, ``Proxy-Connection``,
                            ``Transfer-Encoding: chunked``
``.../head-test``           ``Content-Length: 1234``; GET sends 1234 bytes of
                            ``pattern(1234)``, HEAD sends no body
anything else (echo)        200 ``application/json``::

                              {"method", "path", "query", "version",
                               "headers": [[name, value], ...] (as received),
                               "body_len", "body_sha256",
                               "body" (latin-1 text, only when < 64 KiB),
                               "connection": serial number of the connection}

A request with ``Expect: 100-continue`` gets ``HTTP/1.1 100 Continue`` before
its body is read, as a real origin server would send it.
"""

import hashlib
import json
import socket
import ssl
import sys
import threading
import time
from urllib.parse import parse_qs

__all__ = ["Backend", "pattern", "sha256"]

_BLOCK = b"turnpike-blackbox-pattern-0123456789-abcdefghijklmnopqrstuvwxyz\n"
ECHO_BODY_LIMIT = 64 * 1024
IDLE_TIMEOUT = 60.0


def pattern(n):
    """The deterministic n-byte body served by /big, /chunked, /eof."""
    reps = n // len(_BLOCK) + 1
    return (_BLOCK * reps)[:n]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


REASONS = {
    100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
    301: "Moved Permanently", 302: "Found", 304: "Not Modified", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 418: "I'm a teapot", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}


class _Closed(Exception):
    """The peer closed the connection (or it broke) mid-message."""


class _BadRequest(Exception):
    pass


class Request:
    """One request as the backend parsed it."""

    def __init__(self, conn_id, method, target, version, headers, body):
        self.conn_id = conn_id
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # list of [name, value], as received
        self.body = body                # bytes (chunked bodies decoded)
        path, _, query = target.partition("?")
        self.path = path
        self.query = query

    def header(self, name, default=None):
        """First value of header <name> (case-insensitive)."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        return "<Request #%d %s %s %d body bytes>" % (
            self.conn_id, self.method, self.target, len(self.body))


class Connection:
    """One accepted connection: its raw input and the requests parsed from it."""

    def __init__(self, conn_id, peer):
        self.id = conn_id
        self.peer = peer
        self.raw = bytearray()
        self.requests = []
        self.closed = False
        self.tls_error = None

    def __repr__(self):
        return "<Connection #%d from %s: %d raw bytes, %d requests%s>" % (
            self.id, self.peer, len(self.raw), len(self.requests),
            ", closed" if self.closed else "")


class _Reader:
    """Buffered reads from a socket, recording every byte into conn.raw."""

    def __init__(self, sock, conn, lock):
        self.sock = sock
        self.conn = conn
        self.lock = lock
        self.buf = b""

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (OSError, ssl.SSLError):
            data = b""
        if not data:
            raise _Closed()
        with self.lock:
            self.conn.raw += data
        self.buf += data

    def read_until(self, sep, limit=1 << 20):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(sep):]
                return out
            if len(self.buf) > limit:
                raise _BadRequest("line too long")
            self._fill()

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


class Backend:
    """A threaded HTTP/1.1 server recording everything it receives."""

    def __init__(self, ssl_context=None, host="127.0.0.1", verbose=False,
                 idle_timeout=IDLE_TIMEOUT):
        self.ssl_context = ssl_context
        self.host = host
        self.verbose = verbose
        self.idle_timeout = idle_timeout    # an idle keep-alive connection is closed after it
        self.port = None
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._listener = None
        self._socks = set()
        self._stopping = False
        self.connections = []
        self.requests = []

    # -- lifecycle ---------------------------------------------------------

    def start(self, port=0):
        """Listen on host:port (0 = any free port); returns the port."""
        if self.host in ("::", "::1"):
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            if self.host == "::":
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, port))
        s.listen(128)
        self._listener = s
        self.port = s.getsockname()[1]
        t = threading.Thread(target=self._accept_loop, name="backend-accept", daemon=True)
        t.start()
        return self.port

    def stop(self):
        self._stopping = True
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    # -- what the tests read -------------------------------------------------

    def clear(self):
        with self._lock:
            self.connections = []
            self.requests = []

    @property
    def raw_connections(self):
        """The raw bytes received on each connection, in accept order."""
        with self._lock:
            return [bytes(c.raw) for c in self.connections]

    def total_bytes(self):
        with self._lock:
            return sum(len(c.raw) for c in self.connections)

    def wait_for_requests(self, n, timeout=10.0):
        """Block until at least n requests were parsed; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.requests)

    def describe(self):
        """A readable summary for assertion messages."""
        with self._lock:
            lines = []
            for c in self.connections:
                lines.append(repr(c))
                lines.append("    raw: %r" % bytes(c.raw[:300]))
            return "\n".join(lines) or "(no connections)"

    # -- serving -------------------------------------------------------------

    def _accept_loop(self):
        serial = 0
        while not self._stopping:
            try:
                sock, peer = self._listener.accept()
            except OSError:
                return
            serial += 1
            conn = Connection(serial, peer)
            with self._lock:
                self.connections.append(conn)
                self._socks.add(sock)
            t = threading.Thread(target=self._serve, args=(sock, conn),
                                 name="backend-conn-%d" % serial, daemon=True)
            t.start()

    def _serve(self, sock, conn):
        try:
            sock.settimeout(self.idle_timeout)
            if self.ssl_context is not None:
                try:
                    tls = self.ssl_context.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError) as e:
                    conn.tls_error = str(e)
                    return
                with self._lock:
                    self._socks.discard(sock)
                    self._socks.add(tls)
                sock = tls
            reader = _Reader(sock, conn, self._lock)
            while True:
                req = self._read_request(sock, reader, conn)
                with self._cond:
                    conn.requests.append(req)
                    self.requests.append(req)
                    self._cond.notify_all()
                if self.verbose:
                    print("#%d %s %s %s (%d body bytes)" % (
                        conn.id, req.method, req.target, req.version, len(req.body)),
                        flush=True)
                keep = self._respond(sock, req)
                if not keep:
                    return
        except (_Closed, OSError, ssl.SSLError):
            return
        except _BadRequest as e:
            body = json.dumps({"backend_error": str(e)}).encode()
            try:
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            except OSError:
                pass
        finally:
            conn.closed = True
            with self._lock:
                self._socks.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _read_request(self, sock, reader, conn):
        # Tolerate empty lines before a request line (RFC 9112 2.2).
        line = b""
        while line == b"":
            line = reader.read_until(b"\r\n")
        parts = line.decode("latin-1").split(" ")
        if len(parts) != 3:
            raise _BadRequest("bad request line %r" % line)
        method, target, version = parts
        headers = []
        while True:
            hline = reader.read_until(b"\r\n")
            if hline == b"":
                break
            name, sep, value = hline.decode("latin-1").partition(":")
            if not sep:
                raise _BadRequest("bad header line %r" % hline)
            headers.append([name, value.strip(" \t")])

        def first(name):
            for k, v in headers:
                if k.lower() == name:
                    return v
            return None

        if (first("expect") or "").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")

        te = first("transfer-encoding")
        cl = first("content-length")
        if te is not None and te.lower() == "chunked":
            body = self._read_chunked(reader)
        elif cl is not None:
            try:
                n = int(cl)
            except ValueError:
                raise _BadRequest("bad content-length %r" % cl)
            body = reader.read_exact(n)
        else:
            body = b""
        return Request(conn.id, method, target, version, headers, body)

    @staticmethod
    def _read_chunked(reader):
        body = bytearray()
        while True:
            size_line = reader.read_until(b"\r\n")
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _BadRequest("bad chunk size %r" % size_line)
            if size == 0:
                # trailers, up to the empty line
                while reader.read_until(b"\r\n") != b"":
                    pass
                return bytes(body)
            body += reader.read_exact(size)
            if reader.read_exact(2) != b"\r\n":
                raise _BadRequest("chunk not followed by CRLF")

    # -- responses -------------------------------------------------------------

    @staticmethod
    def _wants_keepalive(req):
        conn = (req.header("connection") or "").lower()
        tokens = [t.strip() for t in conn.split(",")]
        if req.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens

    @staticmethod
    def _head(status, headers):
        lines = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Status"))]
        lines += ["%s: %s" % (k, v) for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _echo_doc(self, req):
        doc = {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "version": req.version,
            "headers": req.headers,
            "body_len": len(req.body),
            "body_sha256": sha256(req.body),
            "connection": req.conn_id,
        }
        if len(req.body) < ECHO_BODY_LIMIT:
            doc["body"] = req.body.decode("latin-1")
        return json.dumps(doc).encode()

    def _send(self, sock, req, status, headers, body, keep):
        """A Content-Length framed response (no body bytes for HEAD)."""
        hdrs = list(headers)
        if status >= 200 and status not in (204, 304):
            hdrs.append(("Content-Length", str(len(body))))
        if not keep:
            hdrs.append(("Connection", "close"))
        data = self._head(status, hdrs)
        if req.method != "HEAD" and status >= 200 and status not in (204, 304):
            data += body
        sock.sendall(data)
        return keep

    def _respond(self, sock, req):
        keep = self._wants_keepalive(req)
        segs = [s for s in req.path.split("/") if s]
        last = segs[-1] if segs else ""
        q = parse_qs(req.query, keep_blank_values=True)

        def qint(name, default):
            try:
                return int(q.get(name, [default])[0])
            except ValueError:
                return default

        json_ct = [("Content-Type", "application/json")]

        if len(segs) >= 2 and segs[-2] == "status" and last.isdigit():
            status = int(last)
            body = json.dumps({"status": status}).encode()
            return self._send(sock, req, status, json_ct, body, keep)

        if last == "slow":
            time.sleep(qint("ms", 1000) / 1000.0)
            return self._send(sock, req, 200, json_ct, self._echo_doc(req), keep)

        if last == "big":
            body = pattern(qint("n", 1024))
            return self._send(sock, req, 200, [("Content-Type", "application/octet-stream")],
                              body, keep)

        if last == "chunked":
            n, parts = qint("n", 1024), max(1, qint("parts", 4))
            body = pattern(n)
            hdrs = [("Content-Type", "application/octet-stream"),
                    ("Transfer-Encoding", "chunked")]
            if not keep:
                hdrs.append(("Connection", "close"))
            sock.sendall(self._head(200, hdrs))
            if req.method != "HEAD":
                step = -(-n // parts) if n else 1
                for i in range(0, n, step):
                    piece = body[i:i + step]
                    sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            return keep

        if last == "eof":
            body = pattern(qint("n", 1024))
            sock.sendall(self._head(200, [("Content-Type", "application/octet-stream")]))
            if req.method != "HEAD":
                sock.sendall(body)
            time.sleep(qint("close_ms", 0) / 1000.0)
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return False

        if last == "close":
            return self._send(sock, req, 200, json_ct, self._echo_doc(req), False)

        if last == "reset":
            raw = sock
            if isinstance(sock, ssl.SSLSocket):
                raw = socket.socket(fileno=sock.detach())
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            raw.close()
            raise _Closed()

        if last == "headers":
            hdrs = list(json_ct)
            for spec in q.get("h", []):
                name, _, value = spec.partition(":")
                hdrs.append((name.strip(), value.strip()))
            hdrs += [
                ("Connection", "keep-alive, X-Hop-Custom" if keep else "close, X-Hop-Custom"),
                ("X-Hop-Custom", "must-not-reach-the-client"),
                ("Keep-Alive", "timeout=5, max=100"),
                ("Proxy-Connection", "keep-alive"),
                ("Transfer-Encoding", "chunked"),
            ]
            body = self._echo_doc(req)
            data = self._head(200, hdrs)
            if req.method != "HEAD":
                half = len(body) // 2
                for piece in (body[:half], body[half:]):
                    data += b"%x\r\n" % len(piece) + piece + b"\r\n"
                data += b"0\r\n\r\n"
            sock.sendall(data)
            return keep

        if last == "head-test":
            body = pattern(1234)
            return self._send(sock, req, 200, [("Content-Type", "text/plain")], body, keep)

        return self._send(sock, req, 200, json_ct, self._echo_doc(req), keep)


def main(argv):
    if len(argv) != 2:
        print("usage: %s PORT" % argv[0], file=sys.stderr)
        return 2
    b = Backend(verbose=True)
    port = b.start(int(argv[1]))
    print("backend listening on 127.0.0.1:%d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        b.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

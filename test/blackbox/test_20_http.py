"""Tier 20: the HTTP/1.1 engine, seen through the proxy to a recording backend.

Connection management (keep-alive, HTTP/1.0, pipelining), message framing
(chunked, close-delimited, big bodies, 100-continue, HEAD), rejection of bad
input (exact statuses, JSON bodies, nothing forwarded upstream, connection
closed) and client timeouts.
"""

import http.client
import json
import socket
import time

import pytest
import requests

from backend import pattern, sha256
from conftest import base_config
from helpers import RawConn, assert_common_headers, assert_gateway_error, raw_exchange

pytestmark = pytest.mark.http


def echo(resp):
    """The backend's echo document from a response (requests or RawResponse)."""
    body = resp.content if hasattr(resp, "content") else resp.body
    try:
        return json.loads(body)
    except ValueError:
        raise AssertionError("response is not the backend's JSON echo: status %s body %r" % (
            getattr(resp, "status_code", getattr(resp, "status", "?")), body[:300]))


# -- headers every response carries ------------------------------------------------

def test_proxied_response_has_date_and_request_id(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/hello", timeout=10)
    assert r.status_code == 200, r.text
    assert_common_headers(r)


def test_backend_error_status_passes_through_with_request_id(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/status/404", timeout=10)
    assert r.status_code == 404, "backend's 404 not passed through: %d %r" % (
        r.status_code, r.text)
    assert r.json() == {"status": 404}
    assert_common_headers(r)


def test_request_ids_are_distinct(turnpike):
    gw = turnpike()
    ids = [requests.get(gw.url + "/prod/x", timeout=10).headers.get("x-amzn-RequestId")
           for _ in range(10)]
    assert None not in ids, "a response lacked x-amzn-RequestId: %r" % ids
    assert len(set(ids)) == 10, "request ids repeat: %r" % ids


def test_gateway_error_has_date_request_id_and_server(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/nostage/x", timeout=10)
    assert_gateway_error(r, 403)


# -- connection management ---------------------------------------------------------

def test_keepalive_many_requests_on_one_connection(turnpike):
    gw = turnpike()
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    local_ports = set()
    try:
        for i in range(20):
            conn.request("GET", "/prod/item/%d" % i)
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, body
            assert json.loads(body)["path"] == "/item/%d" % i
            assert not r.will_close, "server asked to close after request %d: %r" % (
                i, r.getheaders())
            local_ports.add(conn.sock.getsockname()[1])
    finally:
        conn.close()
    assert len(local_ports) == 1, "the client had to reconnect: local ports %r" % local_ports


def test_http10_without_keepalive_closes_after_response(turnpike):
    gw = turnpike()
    r, c = raw_exchange(gw.port, b"GET /prod/old HTTP/1.0\r\n\r\n")
    with c:
        assert r.status == 200, r
        assert echo(r)["path"] == "/old"
        assert c.wait_closed(5), "HTTP/1.0 request without keep-alive: connection left open"


def test_http10_keepalive_stays_open(turnpike):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert (r.header("Connection") or "").lower() == "keep-alive", \
            "HTTP/1.0 keep-alive response must say Connection: keep-alive: %r" % r.headers
        assert r.header("Transfer-Encoding") is None, \
            "chunked coding sent to an HTTP/1.0 client: %r" % r.headers
        assert c.is_open(0.5), "connection closed despite Connection: keep-alive"
        c.send(b"GET /prod/two HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r2 = c.read_response()
        assert r2.status == 200 and echo(r2)["path"] == "/two", r2


def test_http10_client_gets_chunked_backend_response_unchunked(turnpike):
    gw = turnpike()
    r, c = raw_exchange(gw.port, b"GET /prod/chunked?n=20000&parts=5 HTTP/1.0\r\n\r\n")
    with c:
        assert r.status == 200, r
        assert r.header("Transfer-Encoding") is None, \
            "chunked coding sent to an HTTP/1.0 client: %r" % r.headers
        assert r.body == pattern(20000)


def test_connection_close_honoured(turnpike):
    gw = turnpike()
    r, c = raw_exchange(gw.port, b"GET /prod/bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    with c:
        assert r.status == 200, r
        assert c.wait_closed(5), "Connection: close not honoured"


def test_pipelined_requests_answered_in_order(turnpike):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/first HTTP/1.1\r\nHost: x\r\n\r\n"
               b"POST /prod/second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
               b"GET /prod/third?q=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        paths = []
        for _ in range(3):
            r = c.read_response()
            assert r.status == 200, r
            paths.append(echo(r)["path"])
        assert paths == ["/first", "/second", "/third"], "responses out of order: %r" % paths
        assert c.is_open(0.3)


# -- framing and bodies ----------------------------------------------------------

def test_chunked_request_body_reaches_backend(turnpike, backend):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"POST /prod/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: text/plain\r\n\r\n")
        c.send(b"5\r\nhello\r\n")
        c.send(b"6;name=value\r\n world\r\n")
        c.send(b"0\r\n\r\n")
        r = c.read_response()
    assert r.status == 200, r
    doc = echo(r)
    assert doc["body"] == "hello world" and doc["body_len"] == 11, doc
    assert backend.requests[-1].body == b"hello world"


def test_chunked_response_reaches_client_intact(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/chunked?n=300000&parts=7", timeout=20)
    assert r.status_code == 200
    assert len(r.content) == 300000
    assert r.content == pattern(300000), "chunked backend response corrupted"


@pytest.mark.parametrize("close_ms", [0, 300], ids=["eof_with_data", "eof_later"])
def test_close_delimited_response_reaches_client_intact(turnpike, close_ms):
    """Backend body ends by closing the connection (at once, or 300 ms after the data).

    Repeated, because whether the EOF arrives together with the last data is up to
    the scheduler and both cases must end the client's response."""
    gw = turnpike()
    for i in range(20 if close_ms == 0 else 2):
        try:
            r = requests.get(gw.url + "/prod/eof?n=300000&close_ms=%d" % close_ms, timeout=5)
            body = r.content
        except requests.exceptions.RequestException as e:
            pytest.fail("attempt %d: the response never completed after the backend closed "
                        "(%s)" % (i + 1, e))
        assert r.status_code == 200
        assert len(body) == 300000, "close-delimited body truncated: %d bytes" % len(body)
        assert body == pattern(300000)


def test_small_close_delimited_response(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/eof?n=10&close_ms=200", timeout=10)
    assert r.status_code == 200 and r.content == pattern(10)


def test_big_request_body_streams_intact(turnpike, backend):
    gw = turnpike()
    body = pattern(5 * 1000 * 1000)
    r = requests.post(gw.url + "/prod/upload", data=body, timeout=60,
                      headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text[:300]
    doc = echo(r)
    assert doc["body_len"] == len(body)
    assert doc["body_sha256"] == sha256(body), "5 MB request body corrupted on the way"


def test_big_chunked_request_body_is_buffered_then_forwarded_with_length(turnpike, backend):
    """A chunked body larger than the connection buffer is kept (spooled) until
    its end, then forwarded whole with a Content-Length: its size was unknown, so
    this is the only way a too large one never reaches the backend."""
    gw = turnpike()
    body = pattern(3 * 1000 * 1000)

    def pieces():
        for i in range(0, len(body), 100000):
            yield body[i:i + 100000]

    r = requests.post(gw.url + "/prod/upload", data=pieces(), timeout=60)
    assert r.status_code == 200, r.text[:300]
    doc = echo(r)
    assert doc["body_len"] == len(body)
    assert doc["body_sha256"] == sha256(body), "spooled chunked body corrupted"
    got = backend.requests[-1]
    assert got.header("Content-Length") == str(len(body))
    assert got.header("Transfer-Encoding") is None


def test_big_response_body_streams_intact(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/big?n=5000000", timeout=60)
    assert r.status_code == 200
    assert r.headers.get("Content-Length") == "5000000"
    assert sha256(r.content) == sha256(pattern(5000000)), "5 MB response body corrupted"


def test_big_chunked_response_streams_intact(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/chunked?n=3000000&parts=50", timeout=60)
    assert r.status_code == 200
    assert sha256(r.content) == sha256(pattern(3000000))


def test_expect_100_continue(turnpike, backend):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"POST /prod/continue HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n"
               b"Expect: 100-continue\r\n\r\n")
        interim = c.read_head()
        assert interim.status == 100, \
            "expected 'HTTP/1.1 100 Continue' before the body, got %r" % interim.head_raw
        c.send(b"hello world")
        r = c.read_response()
    assert r.status == 200, r
    assert echo(r)["body"] == "hello world"


def test_expect_100_continue_too_large_gets_413(turnpike, backend):
    gw = turnpike(base_config(backend.port, max_request_body="64K"))
    with RawConn(gw.port) as c:
        c.send(b"POST /prod/continue HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n"
               b"Expect: 100-continue\r\n\r\n")
        r = c.read_response(skip_interim=False)
        assert_gateway_error(r, 413, message="Request Too Long")
        c.wait_closed(5)
    assert backend.total_bytes() == 0, "backend saw the oversized request:\n" + backend.describe()


def test_unsupported_expectation_417(turnpike, backend):
    gw = turnpike()
    r, c = raw_exchange(gw.port, b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                 b"Expect: teleportation\r\n\r\nhi")
    with c:
        assert_gateway_error(r, 417)
    assert backend.total_bytes() == 0, backend.describe()


def test_head_has_headers_without_body_and_connection_reusable(turnpike):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"HEAD /prod/head-test HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response(method="HEAD")
        assert r.status == 200, r
        assert r.header("Content-Length") == "1234", \
            "HEAD response lost the backend's Content-Length: %r" % r.headers
        assert c.is_open(0.3), "connection closed after HEAD"
        assert c.buf == b"", "HEAD response carried body bytes: %r" % c.buf[:100]
        c.send(b"GET /prod/after-head HTTP/1.1\r\nHost: x\r\n\r\n")
        r2 = c.read_response()
        assert r2.status == 200 and echo(r2)["path"] == "/after-head", r2


def test_head_via_requests(turnpike):
    gw = turnpike()
    r = requests.head(gw.url + "/prod/head-test", timeout=10)
    assert r.status_code == 200
    assert r.headers.get("Content-Length") == "1234"
    assert r.content == b""


def test_curl_get(turnpike):
    import subprocess
    gw = turnpike()
    p = subprocess.run(["curl", "-sS", "-i", gw.url + "/prod/via-curl?x=1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    doc = json.loads(body)
    assert doc["path"] == "/via-curl" and doc["query"] == "x=1"


# -- bad input ---------------------------------------------------------------------
#
# Each case: the raw request, the exact status.  The gateway answers with a JSON
# {"message": ...}, closes the connection, and forwards nothing to the backend.
# Limits used: max_uri_length = 1024, max_header_size = "4K", max_request_body = "64K".

LIMITS = dict(max_uri_length=1024, max_header_size="4K", max_request_body="64K")

BIG_HEADERS = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 1000) for i in range(10))
# Sent in pieces (head + first chunk, then the rest): the gateway sees a valid start
# and must still not forward anything once the body turns out too large.
CHUNKED_TOO_LARGE = [b"POST /prod/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     + b"4000\r\n" + b"c" * 0x4000 + b"\r\n"] + \
                    [b"4000\r\n" + b"c" * 0x4000 + b"\r\n" for _ in range(4)] + [b"0\r\n\r\n"]

BAD_REQUESTS = [
    ("cl_and_te", b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, None),
    ("two_content_lengths", b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            b"Content-Length: 6\r\n\r\nhello!", 400, None),
    ("bad_content_length", b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\n"
                           b"hello", 400, None),
    ("negative_content_length", b"POST /prod/x HTTP/1.1\r\nHost: x\r\n"
                                b"Content-Length: -1\r\n\r\n", 400, None),
    ("bad_chunk_size", b"POST /prod/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"zz\r\nhello\r\n0\r\n\r\n", 400, None),
    ("obs_fold", b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n  second\r\n\r\n",
     400, None),
    ("nul_in_header", b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n", 400, None),
    ("control_byte_in_header", b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n",
     400, None),
    ("bare_cr_in_header", b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n", 400, None),
    ("space_before_colon", b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Spaced : v\r\n\r\n", 400, None),
    ("missing_host", b"GET /prod/x HTTP/1.1\r\nX-Other: 1\r\n\r\n", 400, None),
    ("two_hosts", b"GET /prod/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, None),
    ("bad_method_token", b"G(ET /prod/x HTTP/1.1\r\nHost: x\r\n\r\n", 400, None),
    ("te_in_http10", b"POST /prod/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     400, None),
    ("uri_too_long", b"GET /prod/" + b"a" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, None),
    ("headers_too_large", b"GET /prod/x HTTP/1.1\r\nHost: x\r\n" + BIG_HEADERS + b"\r\n",
     431, None),
    ("content_length_too_large", b"POST /prod/x HTTP/1.1\r\nHost: x\r\n"
                                 b"Content-Length: 100000\r\n\r\n", 413, "Request Too Long"),
    ("chunked_body_too_large", CHUNKED_TOO_LARGE, 413, None),
    ("http_2_0", b"GET /prod/x HTTP/2.0\r\nHost: x\r\n\r\n", 505, None),
    ("http_3_0", b"GET /prod/x HTTP/3.0\r\nHost: x\r\n\r\n", 505, None),
    ("te_gzip", b"POST /prod/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc",
     501, None),
]


@pytest.mark.parametrize("raw,status,message", [c[1:] for c in BAD_REQUESTS],
                         ids=[c[0] for c in BAD_REQUESTS])
def test_bad_request_rejected(turnpike, backend, raw, status, message):
    gw = turnpike(base_config(backend.port, **LIMITS))
    with RawConn(gw.port) as c:
        for piece in raw if isinstance(raw, list) else [raw]:
            if not c.send_tolerant(piece):
                break
            if isinstance(raw, list):
                time.sleep(0.1)
        r = c.read_response()
        assert_gateway_error(r, status, message=message)
        assert c.wait_closed(5), "connection still open after a %d" % status
    assert backend.total_bytes() == 0, \
        "the backend received bytes of a rejected request:\n" + backend.describe()


def test_connection_usable_before_bad_request(turnpike, backend):
    """A good request, then a bad one on the same connection: 200, then 400 + close."""
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/good HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
        c.send(b"GET /prod/bad HTTP/1.1\r\nHost: x\r\nX-Spaced : v\r\n\r\n")
        assert_gateway_error(c.read_response(), 400)
        assert c.wait_closed(5)
    assert [r.path for r in backend.requests] == ["/good"]


def test_default_max_uri_length(turnpike, backend):
    """Defaults: max_uri_length 10240 (a 9000-byte path passes, 11000 gets 414)."""
    gw = turnpike()
    ok = requests.get(gw.url + "/prod/" + "a" * 9000, timeout=10)
    assert ok.status_code == 200, "9000-byte URI refused: %d" % ok.status_code
    r, c = raw_exchange(gw.port, b"GET /prod/" + b"b" * 11000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    with c:
        assert_gateway_error(r, 414)


def test_default_max_header_size(turnpike, backend):
    """Defaults: max_header_size 16K (12 KB of headers pass, 20 KB get 431)."""
    gw = turnpike()
    ok = requests.get(gw.url + "/prod/x", timeout=10,
                      headers={"X-Filler-%d" % i: "v" * 1000 for i in range(12)})
    assert ok.status_code == 200, "12 KB of headers refused: %d" % ok.status_code
    big = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 1000) for i in range(20))
    r, c = raw_exchange(gw.port, b"GET /prod/x HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
    with c:
        assert_gateway_error(r, 431)


def test_body_within_max_request_body_accepted(turnpike, backend):
    gw = turnpike(base_config(backend.port, max_request_body="64K"))
    body = pattern(60 * 1024)
    r = requests.post(gw.url + "/prod/x", data=body, timeout=10)
    assert r.status_code == 200, r.text[:200]
    assert echo(r)["body_sha256"] == sha256(body)


# -- timeouts ---------------------------------------------------------------------
# Timeouts are 1000 ms; a connection must be closed within 3x that.

TIMEOUTS = dict(client_header_timeout_ms=1000, client_body_timeout_ms=1000,
                keepalive_timeout_ms=1000)


def assert_closed_maybe_408(c, within, what):
    assert c.wait_closed(within), "%s: connection still open after %.1f s" % (what, within)
    assert c.buf == b"" or c.buf.startswith(b"HTTP/1.1 408"), \
        "%s: unexpected bytes before close: %r" % (what, c.buf[:200])


def test_client_header_timeout(turnpike, backend):
    gw = turnpike(base_config(backend.port, **TIMEOUTS))
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/x HT")
        assert_closed_maybe_408(c, 3.5, "half a request line")
    assert backend.total_bytes() == 0, backend.describe()


def test_client_header_timeout_is_not_reset_by_each_byte(turnpike, backend):
    """A slowloris dribbling one header byte every 200 ms is still cut off."""
    gw = turnpike(base_config(backend.port, **TIMEOUTS))
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/x HTTP/1.1\r\nHost: x\r\n")
        deadline = time.monotonic() + 3.5
        closed = False
        while time.monotonic() < deadline:
            if not c.send_tolerant(b"X"):
                closed = True
                break
            if c.wait_closed(0.2):
                closed = True
                break
        assert closed, "a client dribbling header bytes kept the connection open for 3.5 s"
    assert backend.total_bytes() == 0, backend.describe()


def test_idle_keepalive_connection_closed(turnpike, backend):
    gw = turnpike(base_config(backend.port, **TIMEOUTS))
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/x HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
        assert c.wait_closed(3.5), "idle keep-alive connection still open after 3.5 s"
        assert c.buf == b"", "bytes sent on an idle connection: %r" % c.buf[:200]


def test_client_body_timeout(turnpike, backend):
    gw = turnpike(base_config(backend.port, **TIMEOUTS))
    with RawConn(gw.port) as c:
        c.send(b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"0123456789")
        assert_closed_maybe_408(c, 3.5, "body stalled after 10 of 100 bytes")
    assert backend.requests == [], \
        "the backend got a complete request from a stalled body: %r" % backend.requests


def test_connection_survives_slow_but_steady_keepalive(turnpike, backend):
    """keepalive_timeout_ms = 5000: a pause of 1 s between requests is fine."""
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/a HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
        assert c.is_open(1.0), "connection closed after 1 s idle with keepalive_timeout_ms 5000"
        c.send(b"GET /prod/b HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200


def test_many_concurrent_connections(turnpike):
    """50 connections open at once all get answers."""
    gw = turnpike()
    conns = []
    try:
        for i in range(50):
            c = RawConn(gw.port)
            c.send(b"GET /prod/c/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            conns.append(c)
        for i, c in enumerate(conns):
            r = c.read_response()
            assert r.status == 200 and echo(r)["path"] == "/c/%d" % i, r
    finally:
        for c in conns:
            c.close()


def test_client_disconnect_mid_request_does_not_break_worker(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers=1))
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", gw.port), timeout=5)
        s.sendall(b"POST /prod/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
        s.close()
        s = socket.create_connection(("127.0.0.1", gw.port), timeout=5)
        s.sendall(b"GET /prod/slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n")
        s.close()
    r = requests.get(gw.url + "/prod/still-alive", timeout=10)
    assert r.status_code == 200


def test_keepalive_requests_limit(turnpike, backend):
    """keepalive_requests = 3: the third response on a connection closes it."""
    gw = turnpike(base_config(backend.port, keepalive_requests=3))
    with RawConn(gw.port) as c:
        for i in range(2):
            c.send(b"GET /prod/n/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            assert c.read_response().status == 200
            assert c.is_open(0.2), "closed after %d of 3 requests" % (i + 1)
        c.send(b"GET /prod/n/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
        assert r.status == 200
        assert (r.header("Connection") or "").lower() == "close", \
            "the last allowed response should say Connection: close: %r" % r.headers
        assert c.wait_closed(5), "connection open after keepalive_requests were served"


@pytest.mark.parametrize("status", [204, 304])
def test_bodyless_backend_status_keeps_connection_usable(turnpike, status):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/status/%d HTTP/1.1\r\nHost: x\r\n\r\n" % status)
        r = c.read_response()
        assert r.status == status, r
        assert c.is_open(0.3) and c.buf == b"", "bytes after a %d: %r" % (status, c.buf[:100])
        c.send(b"GET /prod/next HTTP/1.1\r\nHost: x\r\n\r\n")
        r2 = c.read_response()
        assert r2.status == 200 and echo(r2)["path"] == "/next"


def test_absolute_form_request_target(turnpike, backend):
    gw = turnpike()
    r, c = raw_exchange(gw.port, b"GET http://127.0.0.1/prod/absolute?a=1 HTTP/1.1\r\n"
                                 b"Host: 127.0.0.1\r\n\r\n")
    with c:
        assert r.status == 200, r
    assert backend.requests[-1].target == "/absolute?a=1"


def test_slow_reading_client_gets_whole_big_response(turnpike, backend):
    """Client backpressure is not an integration timeout (integration_timeout_ms 1000,
    the client takes about 3 s to read 20 MB)."""
    gw = turnpike(base_config(backend.port, integration_timeout_ms=1000))
    n = 20 * 1000 * 1000
    with requests.get(gw.url + "/prod/big?n=%d" % n, timeout=15, stream=True) as r:
        assert r.status_code == 200
        got = bytearray()
        for piece in r.iter_content(1 << 20):
            got += piece
            time.sleep(0.15)
    assert len(got) == n, "slow reader got %d of %d bytes" % (len(got), n)
    assert sha256(bytes(got)) == sha256(pattern(n))

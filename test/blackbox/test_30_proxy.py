"""Tier 30: HTTP_PROXY integrations and routing.

What the backend receives (path, query, Host, X-Forwarded-*, no hop-by-hop
headers), what the client gets back, upstream keep-alive, upstream failures
(502/504), and how requests are routed to APIs, stages and routes.
"""

import json
import threading

import pytest
import requests

from conftest import base_config, demo_api, proxy_route
from helpers import RawConn, assert_common_headers, assert_gateway_error, free_port

pytestmark = pytest.mark.proxy


def last_request(backend):
    reqs = backend.wait_for_requests(1, timeout=5)
    assert reqs, "the backend received no request:\n" + backend.describe()
    return reqs[-1]


# -- what reaches the backend ---------------------------------------------------------

def test_stage_and_path_mapped_to_backend(turnpike, backend):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/foo/bar?x=1", timeout=10)
    assert r.status_code == 200, r.text
    req = last_request(backend)
    assert req.method == "GET"
    assert req.target == "/foo/bar?x=1", "backend got %r, expected /foo/bar?x=1" % req.target


def test_query_string_passed_unchanged(turnpike, backend):
    gw = turnpike()
    query = "b=2&a=1&a=3&empty=&flag&enc=%20%2F%3F%26&plus=a+b&utf=%C3%A9"
    with RawConn(gw.port) as c:
        c.send(("GET /prod/q?%s HTTP/1.1\r\nHost: x\r\n\r\n" % query).encode())
        assert c.read_response().status == 200
    assert last_request(backend).query == query


def test_encoded_path_passed_through(turnpike, backend):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/a%20b/c%2Fd HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
    path = last_request(backend).path
    assert path in ("/a%20b/c%2Fd", "/a%20b/c%2fd"), "path re-encoded badly: %r" % path


def test_execute_api_host_selects_api(turnpike, backend):
    """Host {api-id}.execute-api.* selects the API on a listener without default_api."""
    cfg = base_config(backend.port, listeners=[{"address": "127.0.0.1:@PORT@"}])
    gw = turnpike(cfg)
    r = requests.get(gw.url + "/prod/by-host", timeout=10,
                     headers={"Host": "demo.execute-api.eu-west-1.amazonaws.com"})
    assert r.status_code == 200, r.text
    assert last_request(backend).path == "/by-host"


def test_execute_api_host_on_default_listener(turnpike, backend):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/by-host", timeout=10,
                     headers={"Host": "demo.execute-api.localhost"})
    assert r.status_code == 200, r.text
    assert last_request(backend).path == "/by-host"


def test_execute_api_host_picks_between_apis(turnpike, backend_factory):
    b1, b2 = backend_factory(), backend_factory()
    cfg = base_config(b1.port, apis=[demo_api(b1.port, "one"), demo_api(b2.port, "two")],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "one"}])
    gw = turnpike(cfg)
    r = requests.get(gw.url + "/prod/x", timeout=10, headers={"Host": "two.execute-api.test"})
    assert r.status_code == 200
    assert len(b2.requests) == 1 and len(b1.requests) == 0, \
        "Host two.execute-api.test did not select API 'two'"
    requests.get(gw.url + "/prod/x", timeout=10)
    assert len(b1.requests) == 1, "without such a Host, the listener's default_api serves"


def test_stage_variable_in_uri(turnpike, backend_factory):
    wrong, right = backend_factory(), backend_factory()
    api = demo_api(wrong.port, routes=[proxy_route("${stageVariables.backend}/{proxy}")],
                   stages=[{"name": "prod",
                            "variables": {"backend": "http://127.0.0.1:%d" % right.port}}])
    gw = turnpike(base_config(wrong.port, apis=[api]))
    r = requests.get(gw.url + "/prod/sv/path", timeout=10)
    assert r.status_code == 200, r.text
    assert [q.path for q in right.requests] == ["/sv/path"]
    assert wrong.requests == []


def test_x_forwarded_for_added(turnpike, backend):
    gw = turnpike()
    requests.get(gw.url + "/prod/x", timeout=10)
    xff = last_request(backend).header("X-Forwarded-For")
    assert xff is not None and "127.0.0.1" in xff, "X-Forwarded-For is %r" % xff


def test_x_forwarded_for_appended(turnpike, backend):
    gw = turnpike()
    requests.get(gw.url + "/prod/x", timeout=10, headers={"X-Forwarded-For": "203.0.113.7"})
    xffs = last_request(backend).header_all("X-Forwarded-For")
    assert len(xffs) == 1, "several X-Forwarded-For headers sent upstream: %r" % xffs
    parts = [p.strip() for p in xffs[0].split(",")]
    assert parts == ["203.0.113.7", "127.0.0.1"], "X-Forwarded-For is %r" % xffs[0]


def test_x_forwarded_proto_http(turnpike, backend):
    gw = turnpike()
    requests.get(gw.url + "/prod/x", timeout=10, headers={"X-Forwarded-Proto": "https"})
    assert last_request(backend).header_all("X-Forwarded-Proto") == ["http"]


def test_host_header_is_the_backend(turnpike, backend):
    gw = turnpike()
    requests.get(gw.url + "/prod/x", timeout=10, headers={"Host": "client.example"})
    hosts = last_request(backend).header_all("Host")
    assert hosts == ["127.0.0.1:%d" % backend.port], "backend got Host %r" % hosts


def test_hop_by_hop_request_headers_not_forwarded(turnpike, backend):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/x HTTP/1.1\r\nHost: x\r\n"
               b"Connection: keep-alive, X-Secret-Hop\r\n"
               b"X-Secret-Hop: do-not-forward\r\n"
               b"Keep-Alive: timeout=100\r\n"
               b"TE: trailers\r\n"
               b"Upgrade: example/1\r\n"
               b"Proxy-Connection: keep-alive\r\n"
               b"X-End-To-End: please-forward\r\n\r\n")
        assert c.read_response().status == 200
    req = last_request(backend)
    names = [k.lower() for k, _ in req.headers]
    for hop in ("x-secret-hop", "keep-alive", "te", "upgrade", "proxy-connection"):
        assert hop not in names, "hop-by-hop header %s forwarded: %r" % (hop, req.headers)
    for v in req.header_all("Connection"):
        assert "x-secret-hop" not in v.lower(), "client's Connection forwarded: %r" % v
    assert req.header("X-End-To-End") == "please-forward"


def test_end_to_end_request_headers_forwarded(turnpike, backend):
    gw = turnpike()
    sent = {"Authorization": "Bearer abc", "Accept": "application/xml",
            "X-Custom": "value with spaces", "Cookie": "a=1; b=2",
            "Content-Type": "text/plain", "User-Agent": "blackbox/1.0"}
    requests.post(gw.url + "/prod/x", data=b"body", headers=sent, timeout=10)
    req = last_request(backend)
    for k, v in sent.items():
        assert req.header(k) == v, "%s: backend got %r, sent %r" % (k, req.header(k), v)


def test_repeated_request_headers_forwarded(turnpike, backend):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/x HTTP/1.1\r\nHost: x\r\nX-Multi: one\r\nX-Multi: two\r\n\r\n")
        assert c.read_response().status == 200
    values = last_request(backend).header_all("X-Multi")
    assert values == ["one", "two"] or values == ["one, two"], "X-Multi became %r" % values


def test_hop_by_hop_response_headers_dropped(turnpike):
    gw = turnpike()
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/headers?h=X-Foo:bar HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
    assert r.status == 200, r
    names = [k.lower() for k, _ in r.headers]
    for hop in ("x-hop-custom", "keep-alive", "proxy-connection"):
        assert hop not in names, "hop-by-hop response header %s passed on: %r" % (hop, r.headers)
    for v in r.header_all("Connection"):
        assert "x-hop-custom" not in v.lower(), "backend's Connection passed on: %r" % v
    assert json.loads(r.body)["path"] == "/headers", "body not relayed intact"


def test_end_to_end_response_headers_passed(turnpike):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/headers", timeout=10,
                     params=[("h", "X-Foo:bar"), ("h", "Cache-Control:no-store"),
                             ("h", "ETag:\"v1\""), ("h", "Set-Cookie:s=1; Path=/")])
    assert r.status_code == 200
    assert r.headers.get("X-Foo") == "bar"
    assert r.headers.get("Cache-Control") == "no-store"
    assert r.headers.get("ETag") == '"v1"'
    assert r.headers.get("Set-Cookie") == "s=1; Path=/"
    assert r.headers.get("Content-Type") == "application/json"


def test_rest_drops_backend_via_keeps_content_encoding(turnpike):
    """rest-api.md section 9: REST drops the HTTP_PROXY backend's Via.  AWS also
    drops Content-Encoding; turnpike keeps it because it relays the body as is
    (dropping it would hand the client undecodable bytes)."""
    gw = turnpike()
    r = requests.get(gw.url + "/prod/headers", timeout=10,
                     params=[("h", "Via:1.1 backend-proxy"), ("h", "X-Kept:yes")])
    assert r.status_code == 200
    assert "Via" not in r.headers, "backend Via passed on: %r" % r.headers
    assert r.headers.get("X-Kept") == "yes"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_request_body_methods(turnpike, backend, method):
    gw = turnpike()
    body = b'{"name": "rex", "kind": "dog"}'
    r = requests.request(method, gw.url + "/prod/pets/1", data=body, timeout=10,
                         headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    req = last_request(backend)
    assert (req.method, req.path, req.body) == (method, "/pets/1", body)
    assert req.header("Content-Type") == "application/json"


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_bodyless_methods(turnpike, backend, method):
    gw = turnpike()
    r = requests.request(method, gw.url + "/prod/thing", timeout=10)
    assert r.status_code == 200
    req = last_request(backend)
    assert req.method == method and req.body == b""


# -- upstream connections ---------------------------------------------------------------

def test_upstream_keepalive_reuses_connections(turnpike, backend):
    gw = turnpike()
    for i in range(50):
        r = requests.get(gw.url + "/prod/ka/%d" % i, timeout=10)
        assert r.status_code == 200
    assert len(backend.requests) == 50
    n = len(backend.connections)
    assert n <= 4, "50 sequential requests used %d backend connections (expected <= 2 x " \
                   "workers = 4)" % n


def test_backend_closing_connection_is_handled(turnpike, backend):
    """A backend that says Connection: close, then the next request still works."""
    gw = turnpike(base_config(backend.port, workers=1))
    for i in range(3):
        assert requests.get(gw.url + "/prod/close", timeout=10).status_code == 200
        assert requests.get(gw.url + "/prod/after/%d" % i, timeout=10).status_code == 200


def test_concurrent_requests_through_proxy(turnpike, backend):
    gw = turnpike()
    results = []
    lock = threading.Lock()

    def worker(n):
        with requests.Session() as s:
            for i in range(10):
                r = s.get(gw.url + "/prod/t%d/%d" % (n, i), timeout=15)
                with lock:
                    results.append((r.status_code, r.json()["path"], "/t%d/%d" % (n, i)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 80
    for status, got, want in results:
        assert status == 200 and got == want, (status, got, want)


# -- upstream failures ----------------------------------------------------------------

def test_backend_connection_refused_502(turnpike):
    closed = free_port()
    cfg = base_config(closed, apis=[demo_api(closed)])
    gw = turnpike(cfg)
    r = requests.get(gw.url + "/prod/x", timeout=15)
    assert_gateway_error(r, 502)
    assert r.headers.get("x-amzn-ErrorType"), "502 without x-amzn-ErrorType: %r" % r.headers


def test_backend_reset_502(turnpike, backend):
    gw = turnpike()
    r = requests.get(gw.url + "/prod/reset", timeout=15)
    assert_gateway_error(r, 502)
    assert r.headers.get("x-amzn-ErrorType")


def test_backend_malformed_response_502(turnpike, backend_factory):
    """A backend that answers garbage gets the client a 502."""
    import socket
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]

    def serve():
        while True:
            try:
                s, _ = srv.accept()
            except OSError:
                return
            try:
                s.settimeout(5)
                s.recv(65536)
                s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            except OSError:
                pass
            finally:
                s.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        gw = turnpike(base_config(port, apis=[demo_api(port)]))
        r = requests.get(gw.url + "/prod/x", timeout=15)
        assert_gateway_error(r, 502)
    finally:
        srv.close()


def test_route_timeout_504(turnpike, backend):
    api = demo_api(backend.port, routes=[
        proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port, timeout_ms=500)])
    gw = turnpike(base_config(backend.port, apis=[api]))
    r = requests.get(gw.url + "/prod/slow?ms=3000", timeout=15)
    assert_gateway_error(r, 504, message="Endpoint request timed out")


def test_server_integration_timeout_504(turnpike, backend):
    gw = turnpike(base_config(backend.port, integration_timeout_ms=500))
    r = requests.get(gw.url + "/prod/slow?ms=3000", timeout=15)
    assert_gateway_error(r, 504, message="Endpoint request timed out")


def test_route_timeout_overrides_server_timeout(turnpike, backend):
    api = demo_api(backend.port, routes=[
        proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port, timeout_ms=5000)])
    gw = turnpike(base_config(backend.port, apis=[api], integration_timeout_ms=300))
    r = requests.get(gw.url + "/prod/slow?ms=1000", timeout=15)
    assert r.status_code == 200, "route timeout_ms 5000 did not override " \
                                 "integration_timeout_ms 300: %d %r" % (r.status_code, r.text)


def test_after_504_gateway_keeps_serving(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers=1, integration_timeout_ms=300))
    assert requests.get(gw.url + "/prod/slow?ms=2000", timeout=15).status_code == 504
    r = requests.get(gw.url + "/prod/fine", timeout=10)
    assert r.status_code == 200 and r.json()["path"] == "/fine"


# -- routing ----------------------------------------------------------------------------

def test_unknown_stage_403_missing_authentication_token(turnpike, backend):
    gw = turnpike()
    r = requests.get(gw.url + "/nostage/x", timeout=10)
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")
    assert backend.total_bytes() == 0


def test_unmatched_method_403_missing_authentication_token(turnpike, backend):
    api = demo_api(backend.port, routes=[
        proxy_route("http://127.0.0.1:%d/pets" % backend.port, route="GET /pets")])
    gw = turnpike(base_config(backend.port, apis=[api]))
    ok = requests.get(gw.url + "/prod/pets", timeout=10)
    assert ok.status_code == 200 and ok.json()["path"] == "/pets", ok.text
    r = requests.post(gw.url + "/prod/pets", data=b"{}", timeout=10)
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")


def test_unmatched_path_403(turnpike, backend):
    api = demo_api(backend.port, routes=[
        proxy_route("http://127.0.0.1:%d/pets" % backend.port, route="GET /pets")])
    gw = turnpike(base_config(backend.port, apis=[api]))
    r = requests.get(gw.url + "/prod/cats", timeout=10)
    assert_gateway_error(r, 403, message="Missing Authentication Token")
    assert len(backend.requests) == 0


def test_path_parameter_substituted_into_uri(turnpike, backend):
    api = demo_api(backend.port, routes=[
        proxy_route("http://127.0.0.1:%d/animals/{petId}/info" % backend.port,
                    route="GET /pets/{petId}")])
    gw = turnpike(base_config(backend.port, apis=[api]))
    r = requests.get(gw.url + "/prod/pets/42?verbose=1", timeout=10)
    assert r.status_code == 200, r.text
    req = last_request(backend)
    assert req.path == "/animals/42/info", "backend got %r" % req.target
    assert req.query == "verbose=1"


def test_specific_route_beats_greedy_proxy(turnpike, backend_factory):
    specific, greedy = backend_factory(), backend_factory()
    api = demo_api(greedy.port, routes=[
        proxy_route("http://127.0.0.1:%d/{proxy}" % greedy.port),
        proxy_route("http://127.0.0.1:%d/special" % specific.port, route="GET /pets/special"),
    ])
    gw = turnpike(base_config(greedy.port, apis=[api]))
    assert requests.get(gw.url + "/prod/pets/special", timeout=10).status_code == 200
    assert requests.get(gw.url + "/prod/pets/other", timeout=10).status_code == 200
    assert [q.path for q in specific.requests] == ["/special"]
    assert [q.path for q in greedy.requests] == ["/pets/other"]


def test_http_api_no_route_404(turnpike, backend):
    api = demo_api(backend.port, api_type="HTTP", routes=[
        proxy_route("http://127.0.0.1:%d/items" % backend.port, route="GET /items")],
        stages=[{"name": "v1"}])
    gw = turnpike(base_config(backend.port, apis=[api]))
    ok = requests.get(gw.url + "/v1/items", timeout=10)
    assert ok.status_code == 200, "HTTP API route GET /items on stage v1: %d %r" % (
        ok.status_code, ok.text)
    r = requests.get(gw.url + "/v1/nothing-here", timeout=10)
    assert r.status_code == 404, "%d %r" % (r.status_code, r.text)
    assert r.json() == {"message": "Not Found"}
    assert r.headers.get("apigw-requestid"), "HTTP API response without apigw-requestid: %r" \
        % r.headers
    assert [q.path for q in backend.requests] == ["/items"]


def test_http_api_responses_carry_apigw_requestid(turnpike, backend):
    api = demo_api(backend.port, api_type="HTTP", stages=[{"name": "v1"}])
    gw = turnpike(base_config(backend.port, apis=[api]))
    r = requests.get(gw.url + "/v1/anything", timeout=10)
    assert r.status_code == 200
    assert r.headers.get("apigw-requestid")
    assert r.headers.get("Date")


def test_http_api_responses_also_carry_x_amzn_requestid(turnpike, backend):
    """CONFIG.md: "Responses carry x-amzn-RequestId (and, for HTTP APIs, apigw-requestid)"."""
    api = demo_api(backend.port, api_type="HTTP", stages=[{"name": "v1"}])
    gw = turnpike(base_config(backend.port, apis=[api]))
    for path in ("/v1/anything", "/nostage-at-all"):
        r = requests.get(gw.url + path, timeout=10)
        assert_common_headers(r)


def test_upstream_keepalive_zero_disables_reuse(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers=1, upstream_keepalive=0))
    for i in range(5):
        assert requests.get(gw.url + "/prod/nk/%d" % i, timeout=10).status_code == 200
    assert len(backend.connections) == 5, \
        "upstream_keepalive = 0 still reused connections: %d for 5 requests" % (
            len(backend.connections))


def test_idle_upstream_connection_closed_after_timeout(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers=1, upstream_keepalive_timeout_ms=500))
    assert requests.get(gw.url + "/prod/idle", timeout=10).status_code == 200
    from helpers import wait_until
    assert wait_until(lambda: all(c.closed for c in backend.connections), 3), \
        "idle upstream connection still open 3 s after upstream_keepalive_timeout_ms 500"
    assert requests.get(gw.url + "/prod/again", timeout=10).status_code == 200


def test_backend_closing_idle_keepalive_connection_is_retried(turnpike, backend_factory):
    """The backend drops an idle pooled connection (after 300 ms); the next request
    must not fail with 502 because of it."""
    b = backend_factory(idle_timeout=0.3)
    gw = turnpike(base_config(b.port, workers=1))
    from helpers import wait_until
    for i in range(3):
        assert requests.get(gw.url + "/prod/first/%d" % i, timeout=10).status_code == 200
        assert wait_until(lambda: all(c.closed for c in b.connections), 5)
        r = requests.get(gw.url + "/prod/after-idle-close/%d" % i, timeout=10)
        assert r.status_code == 200, "request after the backend closed its idle " \
                                     "connection: %d %r" % (r.status_code, r.text)

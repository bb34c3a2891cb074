"""Tier 95: the response cache (issue 5), black-box.

A stage with a ``cache = { ... }`` group (API Gateway's stage cache) answers
repeated GETs from data_dir/cache (LMDB) without calling the integration.
Checked here, with the recording backend counting what reaches it:

- what is cached: GET only by default (HEAD is answered from GET's entry, a HEAD
  miss is not stored); route_settings overrides enable POST or disable GET; the
  integration's 2xx-4xx (not 5xx, never gateway errors); bodies up to exactly
  1,048,576 bytes; REST HTTP_PROXY, HTTP (non-proxy), MOCK; HTTP APIs that opt in
- the key: method + resource (or cache_namespace) + stage + the values of the
  integration's cache_key_parameters; anything else is ignored; an absent
  parameter differs from an empty one; stages and APIs are separate
- hits across workers and connections; TTL expiry (stage and route); ttl 0 and
  enabled = false cache nothing
- Cache-Control: max-age=0: refresh without require_authorization, else the
  stage's unauthorized_strategy (403 / Warning 199 / silently cached)
- a 1M cache filled with ~100 KB entries evicts and never fails a request
- turnpikectl cache flush / cache stats
- OpenAPI import of cacheKeyParameters / cacheNamespace
- `turnpike -t`: FILE:LINE errors for bad cache settings (as test_87)

Requests for one test use a unique token in the cache key, so the tests sharing
the module's gateway are independent of each other and of their order.
"""

import hashlib
import json
import re
import os
import socket
import threading
import time
import uuid

import pytest
import requests

from backend import Backend, pattern
from conftest import base_config, proxy_route
from helpers import (RawConn, assert_common_headers, assert_gateway_error, free_port,
                     wait_until)
from test_87_config_errors import NEEDLE, check_error, check_ok, config_text
from traffic import ctl, ctl_ok, module_gateway, reachable_workdir  # noqa: F401

pytestmark = pytest.mark.usefixtures("reachable_workdir")

MIB = 1048576
NOT_AUTHORIZED = "User is not authorized to invalidate the cache"

# stages of API "c" and their cache groups
STAGES = {
    "prod": {"ttl": 300, "require_authorization": False},
    "beta": {"ttl": 300, "require_authorization": False},
    "short": {"ttl": 2, "require_authorization": False},
    "zero": {"ttl": 0},
    "off": {"enabled": False, "ttl": 300},
    "nocache": None,
    "fail403": {"require_authorization": True, "unauthorized_strategy": "FAIL_WITH_403"},
    "warn": {"require_authorization": True,
             "unauthorized_strategy": "SUCCEED_WITH_RESPONSE_HEADER"},
    "silent": {"unauthorized_strategy": "SUCCEED_WITHOUT_RESPONSE_HEADER"},
    "dflt": {},
    "stats": {"require_authorization": False},
    "flush1": {"require_authorization": False},
    "flush2": {"require_authorization": False},
    "inplace": {"require_authorization": False},
}


def tok():
    return uuid.uuid4().hex[:12]


def keys(*names):
    return {"cache_key_parameters": list(names)}


def cache_api(u, dead_port):
    mock_tmpl = '{"rid": "$context.requestId", "id": "$input.params(\'id\')"}'
    routes = [
        proxy_route(u + "/{proxy}", route="ANY /p/{proxy+}", **keys("method.request.path.proxy")),
        proxy_route(u + "/q/{id}/{proxy}", route="ANY /q/{id}/{proxy+}",
                    **keys("method.request.querystring.type", "method.request.header.Accept",
                           "method.request.path.id")),
        proxy_route(u + "/{proxy}", route="GET /nokey/{proxy+}"),
        proxy_route(u + "/search", route="POST /search", **keys("method.request.querystring.q")),
        proxy_route(u + "/{proxy}", route="GET /nocache/{proxy+}",
                    **keys("method.request.path.proxy")),
        proxy_route(u + "/{proxy}", route="GET /rttl/{proxy+}",
                    **keys("method.request.path.proxy")),
        proxy_route(u + "/{proxy}", route="GET /to/{proxy+}", timeout_ms=300,
                    **keys("method.request.path.proxy")),
        proxy_route("http://127.0.0.1:%d/{proxy}" % dead_port, route="GET /dead/{proxy+}",
                    **keys("method.request.path.proxy")),
        proxy_route(u + "/ns-a", route="GET /ns/a", cache_namespace="shared",
                    **keys("method.request.querystring.t")),
        proxy_route(u + "/ns-b", route="GET /ns/b", cache_namespace="shared",
                    **keys("method.request.querystring.t")),
        {"route": "GET /h/{id}", "integration": dict(
            type="HTTP", uri=u + "/h/{id}",
            request_parameters=[("integration.request.path.id", "method.request.path.id")],
            responses=[{"status": 200}], **keys("method.request.path.id"))},
        {"route": "GET /m/{id}", "integration": dict(
            type="MOCK", responses=[{"status": 200, "templates": [
                ("application/json", mock_tmpl)]}],
            **keys("method.request.path.id"))},
    ]
    stages = []
    for name, cache in STAGES.items():
        st = {"name": name}
        if cache is not None:
            st["cache"] = cache
        stages.append(st)
    stages[0]["route_settings"] = [
        {"route": "POST /search", "cache": {"enabled": True, "ttl": 60},
         "throttle": {"rate": 10000.0, "burst": 5000}},
        {"route": "GET /nocache/{proxy+}", "cache": {"enabled": False}},
        {"route": "GET /rttl/{proxy+}", "cache": {"ttl": 2}},
    ]
    return {"id": "c", "name": "c", "type": "REST", "routes": routes, "stages": stages}


def cache_config(port, dead_port, workers=3):
    u = "http://127.0.0.1:%d" % port
    other = {"id": "c2", "name": "c2", "type": "REST",
             "routes": [proxy_route(u + "/{proxy}", route="ANY /p/{proxy+}",
                                    **keys("method.request.path.proxy"))],
             "stages": [{"name": "prod", "cache": {"require_authorization": False}}]}
    hapi = {"id": "hapi", "name": "hapi", "type": "HTTP",
            "routes": [proxy_route(u + "/hc", route="GET /hc")],
            "stages": [{"name": "cached", "cache": {"ttl": 300}}, {"name": "plain"}]}
    cfg = base_config(port, workers=workers, apis=[cache_api(u, dead_port), other, hapi],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "c"},
                                 {"address": "127.0.0.1:@PORT2@", "default_api": "c2"},
                                 {"address": "127.0.0.1:@PORT3@", "default_api": "hapi"}])
    cfg["cache"] = {"size": "64M"}
    return cfg


@pytest.fixture(scope="module")
def gw(module_gateway, module_backend_factory):
    b = module_backend_factory()
    dead = free_port()
    g = module_gateway(cache_config(b.port, dead))
    g.backend = b
    g.dead_port = dead
    g.wait_workers(3)
    return g


# -- helpers -------------------------------------------------------------------------------

def url(gw, path, port_token="@PORT@"):
    return "http://127.0.0.1:%d%s" % (gw.ports[port_token], path)


def get(gw, path, method="GET", headers=None, data=None, port_token="@PORT@"):
    """One request on a fresh connection (requests.request opens a new session)."""
    return requests.request(method, url(gw, path, port_token), headers=headers or {},
                            data=data, timeout=15, allow_redirects=False)


def seen(gw, token):
    """How many requests containing <token> in their target reached the backend."""
    return sum(1 for r in list(gw.backend.requests) if token in r.target)


def echo_header(resp, name):
    """A header as the echo backend received it (the body a response was made of)."""
    doc = resp.json()
    for k, v in doc["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def sha(data):
    return hashlib.sha256(data).hexdigest()


def assert_seen(gw, token, n, what):
    got = seen(gw, token)
    assert got == n, "%s: the backend got %d request(s) for %s, expected %d\n%s" % (
        what, got, token, n, "\n".join(repr(r) for r in list(gw.backend.requests)
                                       if token in r.target))


# -- what is cached ----------------------------------------------------------------------

def test_second_get_is_a_hit_with_the_same_response(gw):
    t = tok()
    r1 = get(gw, "/prod/p/%s/echo" % t, headers={"X-Ver": "1"})
    assert r1.status_code == 200, r1.text
    r2 = get(gw, "/prod/p/%s/echo" % t, headers={"X-Ver": "2"})
    assert r2.status_code == 200, r2.text
    assert_seen(gw, t, 1, "two GETs of the same key")
    assert r2.content == r1.content, "a hit must return the stored body"
    assert echo_header(r2, "X-Ver") == "1", "the hit is not the first response"
    assert r2.headers.get("Content-Type") == r1.headers.get("Content-Type"), \
        "Content-Type of a hit %r != the miss's %r" % (r2.headers.get("Content-Type"),
                                                       r1.headers.get("Content-Type"))
    assert_common_headers(r2)
    assert r2.headers["x-amzn-RequestId"] != r1.headers["x-amzn-RequestId"], \
        "a hit reused the request id of the response it was stored from"


def test_hits_across_workers_and_connections(gw):
    t = tok()
    path = "/prod/p/%s/echo" % t
    first = get(gw, path)
    assert first.status_code == 200
    assert len(gw.worker_pids()) >= 3, "expected 3 workers: %r" % gw.worker_pids()
    bodies = []
    lock = threading.Lock()
    errors = []

    def run():
        try:
            for _ in range(8):
                r = get(gw, path)          # a new connection each time
                with lock:
                    bodies.append((r.status_code, r.content))
        except Exception as e:              # reported below
            errors.append(repr(e))
    ts = [threading.Thread(target=run) for _ in range(6)]
    for th in ts:
        th.start()
    for th in ts:
        th.join(60)
    assert not errors, errors[:3]
    assert len(bodies) == 48
    bad = [b for b in bodies if b != (200, first.content)]
    assert not bad, "%d of 48 hits differ from the stored response, e.g. %r" % (
        len(bad), bad[0][:1] + (bad[0][1][:200],))
    assert_seen(gw, t, 1, "49 GETs from many connections over 3 workers")


def test_head_is_answered_from_the_get_entry(gw):
    t = tok()
    path = "/prod/p/%s/echo" % t
    g = get(gw, path)
    assert g.status_code == 200
    h = get(gw, path, method="HEAD")
    assert h.status_code == 200, "HEAD of a cached GET: %d" % h.status_code
    assert h.content == b"", "HEAD got a body: %r" % h.content[:100]
    assert_seen(gw, t, 1, "HEAD after a cached GET")
    assert h.headers.get("Content-Type") == g.headers.get("Content-Type")
    cl = h.headers.get("Content-Length")
    if cl is not None:
        assert int(cl) == len(g.content), \
            "HEAD from the cache says Content-Length %s, the GET body has %d bytes" % (
                cl, len(g.content))


def test_head_miss_is_not_stored(gw):
    t = tok()
    path = "/prod/p/%s/echo" % t
    h = get(gw, path, method="HEAD")
    assert h.status_code == 200 and h.content == b""
    assert_seen(gw, t, 1, "a HEAD miss")
    g = get(gw, path)
    assert g.status_code == 200
    assert g.json()["method"] == "GET", "a GET was answered with the stored HEAD: %r" % g.text
    assert_seen(gw, t, 2, "a GET after a HEAD miss (the HEAD must not have been stored)")
    h2 = get(gw, path, method="HEAD")
    assert h2.status_code == 200
    assert_seen(gw, t, 2, "a HEAD after the GET was stored")


def test_post_is_not_cached_by_default(gw):
    t = tok()
    path = "/prod/p/%s/echo" % t
    for i in range(2):
        r = get(gw, path, method="POST", data="body%d" % i)
        assert r.status_code == 200
        assert r.json()["body"] == "body%d" % i
    assert_seen(gw, t, 2, "two POSTs on a stage caching only GET")
    g = get(gw, path)
    assert g.json()["method"] == "GET", "a GET got a POST's response: %r" % g.text[:200]
    assert_seen(gw, t, 3, "a GET after two POSTs")


def test_route_setting_enables_post_caching(gw):
    t = tok()
    r1 = get(gw, "/prod/search?q=%s" % t, method="POST", data="first")
    r2 = get(gw, "/prod/search?q=%s" % t, method="POST", data="second")
    assert r1.status_code == 200 and r2.status_code == 200
    assert_seen(gw, t, 1, "POST /search with route_settings cache enabled")
    assert r2.json()["body"] == "first", \
        "the request body is not part of the key: the second POST must get the first's " \
        "response, got %r" % r2.json()["body"]
    r3 = get(gw, "/prod/search?q=%s-other" % t, method="POST", data="third")
    assert r3.json()["body"] == "third"
    assert_seen(gw, t, 2, "POST /search with another q (a key parameter)")


def test_route_setting_disables_get_caching(gw):
    t = tok()
    for _ in range(3):
        assert get(gw, "/prod/nocache/%s/echo" % t).status_code == 200
    assert_seen(gw, t, 3, "GET on a route whose route_settings say cache enabled = false")


@pytest.mark.parametrize("stage", ["zero", "off", "nocache"])
def test_stage_that_caches_nothing(gw, stage):
    """ttl = 0, enabled = false, and no cache group at all."""
    t = tok()
    for _ in range(3):
        assert get(gw, "/%s/p/%s/echo" % (stage, t)).status_code == 200
    assert_seen(gw, t, 3, "stage %s" % stage)


@pytest.mark.parametrize("status", [201, 204, 302, 400, 404, 429])
def test_backend_2xx_to_4xx_are_cached(gw, status):
    t = tok()
    path = "/prod/p/%s/status/%d" % (t, status)
    r1, r2 = get(gw, path), get(gw, path)
    assert (r1.status_code, r2.status_code) == (status, status), \
        "statuses %d, %d; expected %d twice" % (r1.status_code, r2.status_code, status)
    assert r2.content == r1.content
    assert_seen(gw, t, 1, "backend status %d" % status)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_backend_5xx_is_not_cached(gw, status):
    t = tok()
    path = "/prod/p/%s/status/%d" % (t, status)
    r1, r2 = get(gw, path), get(gw, path)
    assert (r1.status_code, r2.status_code) == (status, status)
    assert_seen(gw, t, 2, "backend status %d" % status)


def test_gateway_timeout_is_not_cached(gw):
    t = tok()
    r1 = get(gw, "/prod/to/%s/slow?ms=2000" % t)
    assert_gateway_error(r1, 504)
    # the same key (only the path is a key parameter): the 504 must not be served
    r2 = get(gw, "/prod/to/%s/slow?ms=0" % t)
    assert r2.status_code == 200, \
        "after a 504 the same key got %d %r (a gateway error was cached?)" % (
            r2.status_code, r2.text[:200])
    assert r2.json()["query"] == "ms=0"


def test_unreachable_backend_error_is_not_cached(gw, backend_factory):
    t = tok()
    path = "/prod/dead/%s/echo" % t
    r1 = get(gw, path)
    assert r1.status_code in (500, 502, 503, 504), "unreachable backend: %d" % r1.status_code
    assert_gateway_error(r1, r1.status_code)
    late = Backend()
    try:
        late.start(gw.dead_port)
    except OSError as e:
        pytest.skip("port %d was taken meanwhile: %s" % (gw.dead_port, e))
    try:
        r2 = get(gw, path)
        assert r2.status_code == 200, \
            "once the backend listens, the same key got %d %r (a gateway error was " \
            "cached?)" % (r2.status_code, r2.text[:200])
        assert len(late.requests) == 1
    finally:
        late.stop()


@pytest.mark.parametrize("n,cached", [(MIB, True), (MIB + 1, False)])
def test_item_size_limit(gw, n, cached):
    t = tok()
    path = "/prod/p/%s/big?n=%d" % (t, n)
    want = sha(pattern(n))
    for i in range(2):
        r = get(gw, path)
        assert r.status_code == 200
        assert len(r.content) == n and sha(r.content) == want, \
            "request %d: %d bytes, sha256 %s; expected %d bytes of the pattern" % (
                i + 1, len(r.content), sha(r.content), n)
    assert_seen(gw, t, 1 if cached else 2,
                "a body of %d bytes (%s)" % (n, "cached" if cached else "over the limit"))


TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
VARYING = {"date", "x-amzn-requestid", "server"}


def raw_get(gw, path):
    with RawConn(gw.port) as c:
        c.send("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path)
        return c.read_response()


def header_set(r):
    return sorted((k.lower(), v) for k, v in r.headers if k.lower() not in VARYING)


@pytest.mark.parametrize("n", [1000, 40000, 500000, MIB])
def test_cached_responses_keep_the_backend_headers(gw, n):
    """The miss and the hit carry the same headers as the same response on a stage
    without a cache (REST HTTP_PROXY: x-amzn-Remapped-Content-Length etc.), and
    every header line is a valid name: value pair."""
    t = tok()
    ref = raw_get(gw, "/nocache/p/%s/big?n=%d" % (t, n))
    miss = raw_get(gw, "/prod/p/%s/big?n=%d" % (t, n))
    hit = raw_get(gw, "/prod/p/%s/big?n=%d" % (t, n))
    for what, r in (("uncached", ref), ("miss", miss), ("hit", hit)):
        assert r.status == 200 and r.body == pattern(n), "%s: %r" % (what, r)
        bad = [(k, v) for k, v in r.headers if not TOKEN_RE.match(k)
               or "\n" in v or "\r" in v]
        assert not bad, "%s of a %d-byte body: malformed header lines %r\nhead: %r" % (
            what, n, bad, r.head_raw[:600])
    assert header_set(miss) == header_set(ref), \
        "%d bytes: the miss's headers %r differ from the uncached response's %r" % (
            n, header_set(miss), header_set(ref))
    assert header_set(hit) == header_set(ref), \
        "%d bytes: the hit's headers %r differ from the uncached response's %r" % (
            n, header_set(hit), header_set(ref))


def test_a_slow_reader_of_a_hit_gets_the_entry_as_it_was(gw):
    """A hit is sent from the cache in place; what the socket does not take at once
    is copied before the cache's snapshot is let go. So a client that reads its
    hits slowly gets the stored bytes even when the entry is flushed meanwhile and
    new entries (other bytes) reuse its pages. Three pipelined 1 MiB hits, unread:
    loopback's send buffer takes the first whole, not the second."""
    t = tok()
    path = "/inplace/p/%s/big?n=%d" % (t, MIB)
    assert get(gw, path).status_code == 200
    assert_seen(gw, t, 1, "the entry is stored")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", gw.port))
    with RawConn(gw.port, sock=s, timeout=30) as c:
        c.send("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path * 3)
        time.sleep(0.5)                    # the rest of the hits is queued
        doc = ctl_ok(gw, "cache", "flush", "c/inplace")
        assert flushed_count(doc) == 1, "cache flush c/inplace: %r" % doc
        fill = {"X-Fill": "Z" * 12000}     # ~12 KB entries of other bytes
        u = tok()
        for i in range(200):
            r = get(gw, "/inplace/p/%s-%d/echo" % (u, i), headers=fill)
            assert r.status_code == 200
        got = [c.read_response() for _ in range(3)]
    for i, r in enumerate(got):
        assert r.status == 200
        assert len(r.body) == MIB and r.body == pattern(MIB), \
            "hit %d of the slow reader: %d bytes, sha256 %s; not the stored " \
            "entry" % (i + 1, len(r.body), sha(r.body))
    assert_seen(gw, t, 1, "the slow reader's requests were hits")


# -- integration types and API types ------------------------------------------------------

def test_http_non_proxy_integration_is_cached(gw):
    t = tok()
    r1, r2 = get(gw, "/prod/h/%s" % t), get(gw, "/prod/h/%s" % t)
    assert r1.status_code == 200 and r2.status_code == 200
    assert r1.json()["path"] == "/h/%s" % t
    assert r2.content == r1.content
    assert_seen(gw, t, 1, "HTTP (non-proxy) integration")


def test_mock_integration_is_cached(gw):
    t = tok()
    r1, r2 = get(gw, "/prod/m/%s" % t), get(gw, "/prod/m/%s" % t)
    assert r1.status_code == 200 and r2.status_code == 200
    d1, d2 = r1.json(), r2.json()
    assert d1 == {"rid": r1.headers["x-amzn-RequestId"], "id": t}, d1
    assert d2 == d1, "the second MOCK response was not the cached one: %r vs %r" % (d2, d1)
    r3 = get(gw, "/prod/m/%s-x" % t)
    assert r3.json()["rid"] == r3.headers["x-amzn-RequestId"], \
        "another id (a key parameter) must miss: %r" % r3.json()


def test_http_api_opts_in_with_a_stage_cache_group(gw):
    def n():
        return sum(1 for r in list(gw.backend.requests) if r.path == "/hc")
    before = n()
    for _ in range(3):
        r = get(gw, "/cached/hc", port_token="@PORT3@")
        assert r.status_code == 200, r.text
    assert n() - before == 1, "HTTP API stage with a cache group: %d backend requests " \
        "for 3 GETs" % (n() - before)
    for _ in range(2):
        assert get(gw, "/plain/hc", port_token="@PORT3@").status_code == 200
    assert n() - before == 3, "HTTP API stage without a cache group must not cache"


# -- the key -------------------------------------------------------------------------------

def test_unlisted_query_parameters_and_headers_are_ignored(gw):
    t = tok()
    base = "/prod/q/%s/echo" % t
    r1 = get(gw, base + "?type=a&x=1", headers={"X-Other": "1"})
    r2 = get(gw, base + "?type=a&x=2", headers={"X-Other": "2"})
    assert_seen(gw, t, 1, "?type=a&x=1 then ?type=a&x=2 (only type is a key)")
    assert r2.content == r1.content
    get(gw, base + "?type=b&x=1")
    assert_seen(gw, t, 2, "?type=b (type is a key parameter)")
    # the rest of the path ({proxy+}) is not a key parameter either
    r4 = get(gw, "/prod/q/%s/other?type=a" % t)
    assert_seen(gw, t, 2, "another {proxy+} with the same id and type")
    assert r4.content == r1.content


def test_header_key_parameter(gw):
    t = tok()
    base = "/prod/q/%s/echo?type=a" % t
    get(gw, base, headers={"Accept": "application/json"})
    get(gw, base, headers={"Accept": "application/json"})
    assert_seen(gw, t, 1, "the same Accept twice")
    get(gw, base, headers={"Accept": "text/plain"})
    assert_seen(gw, t, 2, "another Accept (a key parameter)")


def test_path_key_parameter(gw):
    t = tok()
    get(gw, "/prod/q/%s-1/echo?type=a" % t)
    get(gw, "/prod/q/%s-2/echo?type=a" % t)
    assert_seen(gw, t, 2, "two ids (a path key parameter)")


def test_absent_parameter_differs_from_empty(gw):
    t = tok()
    base = "/prod/q/%s/echo" % t
    a = get(gw, base)
    assert_seen(gw, t, 1, "no type")
    e = get(gw, base + "?type=")
    assert_seen(gw, t, 2, "type= (empty) after no type")
    assert e.json()["query"] == "type=", "?type= was answered from the entry of no type"
    get(gw, base + "?type=")
    get(gw, base)
    assert_seen(gw, t, 2, "each of them again")
    assert a.json()["query"] == ""


def test_without_key_parameters_the_resource_is_the_key(gw):
    """GET /nokey/{proxy+} has no cache_key_parameters: every path under it shares
    one entry (as API Gateway: the key is the resource, not the request path)."""
    r1 = get(gw, "/prod/nokey/one/echo")
    r2 = get(gw, "/prod/nokey/two/echo")
    assert r1.status_code == 200 and r2.status_code == 200
    assert r2.json()["path"] == r1.json()["path"] == "/one/echo", \
        "paths under a resource without key parameters must share an entry: %r, %r" % (
            r1.json()["path"], r2.json()["path"])


def test_cache_namespace_is_shared_by_its_routes(gw):
    t = tok()
    a = get(gw, "/prod/ns/a?t=%s" % t)
    b = get(gw, "/prod/ns/b?t=%s" % t)
    assert a.json()["path"] == "/ns-a"
    assert b.json()["path"] == "/ns-a", \
        "GET /ns/b shares cache_namespace \"shared\" with /ns/a: expected /ns/a's entry, " \
        "got the backend's %r" % b.json()["path"]
    assert_seen(gw, t, 1, "two routes of one cache_namespace")
    c = get(gw, "/prod/ns/b?t=%s-2" % t)
    assert c.json()["path"] == "/ns-b"


def test_stages_and_apis_are_separate(gw):
    t = tok()
    path = "/p/%s/echo" % t
    get(gw, "/prod" + path)
    get(gw, "/beta" + path)
    assert_seen(gw, t, 2, "the same path on stages prod and beta")
    get(gw, "/prod" + path, port_token="@PORT2@")
    assert_seen(gw, t, 3, "the same path and stage name on another API")
    for port in ("@PORT@", "@PORT2@"):
        get(gw, "/prod" + path, port_token=port)
    get(gw, "/beta" + path)
    assert_seen(gw, t, 3, "each of them again (hits)")


# -- TTL -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/short/p/{t}/echo", "/prod/rttl/{t}/echo"],
                         ids=["stage-ttl-2", "route-settings-ttl-2"])
def test_entry_expires_after_its_ttl(gw, path):
    t = tok()
    path = path.format(t=t)
    get(gw, path)
    get(gw, path)
    assert_seen(gw, t, 1, "two GETs in a row with ttl 2")
    # poll: after 2 s the entry is gone and the next request reaches the backend
    expired = wait_until(lambda: (get(gw, path), seen(gw, t) >= 2)[1], 10, interval=0.2)
    assert expired, "the entry was still served 10 s after it was stored (ttl 2)"
    assert_seen(gw, t, 2, "the first request after the ttl")
    get(gw, path)
    assert_seen(gw, t, 2, "right after the refetch (stored again)")


# -- Cache-Control: max-age=0 -----------------------------------------------------------

def test_max_age_0_refreshes_without_require_authorization(gw):
    t = tok()
    path = "/prod/p/%s/echo" % t
    get(gw, path, headers={"X-Ver": "1"})
    r = get(gw, path, headers={"X-Ver": "2"})
    assert echo_header(r, "X-Ver") == "1"
    assert_seen(gw, t, 1, "setup")
    f = get(gw, path, headers={"X-Ver": "3", "Cache-Control": "max-age=0"})
    assert f.status_code == 200
    assert_seen(gw, t, 2, "Cache-Control: max-age=0 (require_authorization = false)")
    assert echo_header(f, "X-Ver") == "3", "max-age=0 did not return a fresh response"
    assert "Warning" not in f.headers, "a permitted refresh has a Warning: %r" % \
        f.headers["Warning"]
    n = get(gw, path, headers={"X-Ver": "4"})
    assert_seen(gw, t, 2, "a plain GET after the refresh")
    assert echo_header(n, "X-Ver") == "3", \
        "the refresh did not replace the entry: X-Ver %r" % echo_header(n, "X-Ver")


def test_max_age_0_fail_with_403(gw):
    t = tok()
    path = "/fail403/p/%s/echo" % t
    first = get(gw, path)
    r = get(gw, path, headers={"Cache-Control": "max-age=0"})
    assert r.status_code == 403, "FAIL_WITH_403: %d %r" % (r.status_code, r.text[:200])
    assert "application/json" in r.headers.get("Content-Type", "")
    assert_common_headers(r)
    # the brief says {"message": ...}; API Gateway's ACCESS_DENIED bodies (which IAM
    # denials use) capitalise the key, {"Message": ...} (reference/errors.md)
    assert r.json() in ({"message": NOT_AUTHORIZED}, {"Message": NOT_AUTHORIZED}), \
        "FAIL_WITH_403 body %r" % r.text
    assert_seen(gw, t, 1, "a refused invalidation")
    again = get(gw, path)
    assert again.status_code == 200 and again.content == first.content
    assert_seen(gw, t, 1, "the entry after a refused invalidation")


@pytest.mark.parametrize("stage,warning", [("warn", True), ("dflt", True),
                                           ("silent", False)])
def test_max_age_0_unauthorized_is_served_from_the_cache(gw, stage, warning):
    t = tok()
    path = "/%s/p/%s/echo" % (stage, t)
    first = get(gw, path, headers={"X-Ver": "1"})
    r = get(gw, path, headers={"X-Ver": "2", "Cache-Control": "max-age=0"})
    assert r.status_code == 200, r.text
    assert_seen(gw, t, 1, "stage %s: an unauthorized max-age=0" % stage)
    assert r.content == first.content, "stage %s: not the cached response" % stage
    w = r.headers.get("Warning")
    if warning:
        assert w is not None and w.startswith("199"), \
            "stage %s (SUCCEED_WITH_RESPONSE_HEADER): Warning %r, expected one starting " \
            "with 199" % (stage, w)
    else:
        assert w is None, "SUCCEED_WITHOUT_RESPONSE_HEADER added a Warning: %r" % w
    plain = get(gw, path)
    assert "Warning" not in plain.headers, "a plain hit has a Warning: %r" % \
        plain.headers.get("Warning")


# -- eviction ------------------------------------------------------------------------------

def test_tiny_cache_evicts_and_never_fails_a_request(turnpike, backend):
    cfg = cache_config(backend.port, 9, workers=2)
    cfg["cache"] = {"size": "1M"}
    gw = turnpike(cfg)
    n = 100 * 1024
    want = sha(pattern(n))
    for rnd in range(2):
        for i in range(30):
            r = requests.get(gw.url + "/prod/p/e%d/big?n=%d" % (i, n), timeout=15)
            assert r.status_code == 200, "round %d entry %d: %d %r" % (
                rnd, i, r.status_code, r.content[:200])
            assert sha(r.content) == want, "round %d entry %d: wrong body (%d bytes)" % (
                rnd, i, len(r.content))
    assert gw.master_alive() and len(gw.worker_pids()) == 2
    # the full cache still takes new entries (it evicts, it does not stop caching)
    t = tok()
    for _ in range(3):
        assert requests.get(gw.url + "/prod/p/%s/echo" % t, timeout=15).status_code == 200
    got = sum(1 for r in backend.requests if t in r.target)
    assert got == 1, "after filling a 1M cache a new small entry was not stored " \
        "(%d backend requests for 3 GETs): the cache does not evict" % got


# -- turnpikectl ----------------------------------------------------------------------------

def stats_item(doc, api="c", stage=None):
    """hits/misses/entries from `cache stats API/STAGE` output (a document or its
    items[] entry for API/STAGE)."""
    if isinstance(doc, dict) and "hits" in doc:
        return doc
    items = doc.get("items") if isinstance(doc, dict) else doc
    assert isinstance(items, list), "cache stats output: %r" % doc
    for it in items:
        if it.get("stage") == stage and it.get("api", api) == api:
            return it
    assert len(items) == 1, "cache stats: no item for %s/%s in %r" % (api, stage, doc)
    return items[0]


def flushed_count(doc):
    for k in ("deleted", "flushed", "entries", "count"):
        if isinstance(doc.get(k), int):
            return doc[k]
    ints = [v for v in doc.values() if isinstance(v, int) and not isinstance(v, bool)]
    assert len(ints) == 1, "cache flush: which number is the deleted count? %r" % doc
    return ints[0]


def test_ctl_cache_flush_clears_only_its_stage(gw):
    t = tok()
    for i in range(3):
        get(gw, "/flush1/p/%s-%d/echo" % (t, i))
    get(gw, "/flush2/p/%s-9/echo" % t)
    assert_seen(gw, t, 4, "setup")
    doc = ctl_ok(gw, "cache", "flush", "c/flush1")
    assert flushed_count(doc) == 3, "cache flush c/flush1 after 3 entries: %r" % doc
    get(gw, "/flush1/p/%s-0/echo" % t)
    assert_seen(gw, t, 5, "a request of the flushed stage")
    get(gw, "/flush2/p/%s-9/echo" % t)
    assert_seen(gw, t, 5, "the other stage keeps its entries")
    doc = ctl_ok(gw, "cache", "flush", "c/flush2")
    assert flushed_count(doc) == 1, "cache flush c/flush2: %r" % doc
    doc = ctl_ok(gw, "cache", "flush", "c/flush2")
    assert flushed_count(doc) == 0, "a second flush: %r" % doc


def test_ctl_cache_stats_counts_hits_misses_and_entries(gw):
    t = tok()
    for _ in range(4):
        get(gw, "/stats/p/%s-a/echo" % t)
    get(gw, "/stats/p/%s-b/echo" % t)
    assert_seen(gw, t, 2, "setup")
    want = {"hits": 3, "misses": 2, "entries": 2}
    last = [None]

    def check():
        last[0] = stats_item(ctl_ok(gw, "cache", "stats", "c/stats"), "c", "stats")
        return all(last[0].get(k) == v for k, v in want.items())
    assert wait_until(check, 6, interval=0.2), \
        "cache stats c/stats after 1 miss + 3 hits + 1 miss: %r, expected %r" % (
            last[0], want)


@pytest.mark.parametrize("cmd", ["flush", "stats"])
@pytest.mark.parametrize("target,name", [("nope/prod", "nope"), ("c/nostage", "nostage")])
def test_ctl_cache_unknown_api_or_stage(gw, cmd, target, name):
    rc, out, err = ctl(gw, "cache", cmd, target)
    assert rc == 1, "turnpikectl cache %s %s: exit %d (want 1)\nstdout %s\nstderr %s" % (
        cmd, target, rc, out, err)
    assert name in err, "the error does not name %r: %s" % (name, err)


# -- OpenAPI import --------------------------------------------------------------------------

def test_openapi_cache_key_parameters_and_namespace(turnpike, backend, workdir):
    u = "http://127.0.0.1:%d" % backend.port

    def op(target):
        return {"get": {
            "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"},
                           {"name": "v", "in": "query", "type": "string"}],
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {
                "type": "http_proxy", "httpMethod": "GET", "uri": u + target,
                "requestParameters": {"integration.request.path.id": "method.request.path.id"},
                "cacheKeyParameters": ["method.request.path.id",
                                       "method.request.querystring.v"],
                "cacheNamespace": "items",
                "passthroughBehavior": "when_no_match"}}}
    spec = {"swagger": "2.0", "info": {"title": "oa", "version": "1"},
            "paths": {"/items/{id}": op("/items/{id}"), "/things/{id}": op("/things/{id}")}}
    with open(os.path.join(workdir, "cache-spec.json"), "w") as f:
        json.dump(spec, f)
    api = {"id": "oa", "name": "oa", "type": "REST", "openapi": "cache-spec.json",
           "stages": [{"name": "prod", "cache": {"require_authorization": False}}]}
    cfg = base_config(backend.port, workers=2, apis=[api],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "oa"}])
    gw = turnpike(cfg)

    def n():
        return len(backend.requests)
    r1 = requests.get(gw.url + "/prod/items/7?v=a&other=1", timeout=10)
    assert r1.status_code == 200, r1.text
    assert r1.json()["path"] == "/items/7"
    requests.get(gw.url + "/prod/items/7?v=a&other=2", timeout=10)
    assert n() == 1, "imported cacheKeyParameters: ?other is not a key, got %d backend " \
        "requests" % n()
    requests.get(gw.url + "/prod/items/7?v=b", timeout=10)
    assert n() == 2, "v is a key parameter"
    requests.get(gw.url + "/prod/items/8?v=a", timeout=10)
    assert n() == 3, "id is a key parameter"
    r = requests.get(gw.url + "/prod/things/7?v=a", timeout=10)
    assert n() == 3 and r.json()["path"] == "/items/7", \
        "/things/{id} shares cacheNamespace \"items\" with /items/{id}: expected the " \
        "entry of /items/7, got %r (%d backend requests)" % (r.json().get("path"), n())


# -- turnpike -t ---------------------------------------------------------------------------

def stage_with(cache_lines, route_settings=""):
    return '{ name = "prod";\n' + route_settings + "      cache = {\n" + cache_lines + \
        "      };\n    }"


def test_full_cache_config_is_valid(workdir):
    text = config_text(
        workdir, route_key="GET /items/{proxy+}",
        integ='          cache_key_parameters = ( "method.request.querystring.type", '
              '"method.request.header.Accept", "method.request.path.proxy" );\n'
              '          cache_namespace = "ns1";',
        api="    minimum_compression_size = 1024;",
        stage=stage_with('        enabled = true;\n        ttl = 3600;\n'
                         '        require_authorization = false;\n'
                         '        unauthorized_strategy = "FAIL_WITH_403";\n',
                         '      route_settings = ( { route = "GET /items/{proxy+}"; '
                         'throttle = { rate = 10.0; burst = 5; }; '
                         'cache = { enabled = false; ttl = 0; }; } );\n'),
        extra='cache = { size = "64M"; };')
    check_ok(workdir, text)


@pytest.mark.parametrize("strategy", ["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER",
                                      "SUCCEED_WITHOUT_RESPONSE_HEADER"])
def test_each_unauthorized_strategy_is_valid(workdir, strategy):
    check_ok(workdir, config_text(workdir, stage=stage_with(
        '        unauthorized_strategy = "%s";\n' % strategy)))


@pytest.mark.parametrize("ttl", [0, 3600])
def test_ttl_bounds_are_valid(workdir, ttl):
    check_ok(workdir, config_text(workdir, stage=stage_with("        ttl = %d;\n" % ttl)))


@pytest.mark.parametrize("ttl", [3601, -1])
def test_stage_ttl_out_of_range(workdir, ttl):
    check_error(workdir, config_text(workdir, stage=stage_with(
        "        ttl = %d; %s\n" % (ttl, NEEDLE))), "ttl")


def test_route_settings_ttl_out_of_range(workdir):
    check_error(workdir, config_text(workdir, stage=stage_with(
        "        ttl = 60;\n",
        '      route_settings = ( { route = "ANY /{proxy+}"; cache = { ttl = 3601; }; } ); '
        '%s\n' % NEEDLE)), "ttl")


def test_unknown_unauthorized_strategy(workdir):
    out = check_error(workdir, config_text(workdir, stage=stage_with(
        '        unauthorized_strategy = "SUCCEED_QUIETLY"; %s\n' % NEEDLE)),
        "unauthorized_strategy")
    assert "SUCCEED_QUIETLY" in out, "the error does not name the value: %s" % out


@pytest.mark.parametrize("size", ['"512K"', '"0"'])
def test_cache_size_below_1m(workdir, size):
    check_error(workdir, config_text(workdir, extra="cache = {\n  size = %s; %s\n};"
                                     % (size, NEEDLE)), "size")


def test_cache_size_1m_is_valid(workdir):
    check_ok(workdir, config_text(workdir, extra='cache = { size = "1M"; };'))


@pytest.mark.parametrize("param", ["stageVariables.v", "'static'", "context.requestId",
                                   "integration.request.header.X"])
def test_cache_key_parameter_must_be_a_method_request_value(workdir, param):
    """The error may name the integration (written on one line here) or the setting."""
    text = config_text(workdir, integ='          cache_key_parameters = ( "%s" ); %s'
                       % (param, NEEDLE))
    # put the whole integration group on the needle's line
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if "integration = {" in l)
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "};")
    joined = " ".join(l.strip() for l in lines[start:end + 1])
    text = "\n".join(lines[:start] + [joined.replace(NEEDLE, "") + " " + NEEDLE]
                     + lines[end + 1:]) + "\n"
    out = check_error(workdir, text)
    assert param in out or "cache_key_parameters" in out or "cache key" in out.lower(), \
        "the error does not name the parameter: %s" % out


# -- a broken cache directory is an error at start --------------------------------------

def test_corrupt_cache_files_stop_the_start(turnpike, backend, workdir):
    """data_dir/cache/data.mdb overwritten with garbage: turnpike refuses to start
    and names the cache directory, rather than serving with a broken cache."""
    import subprocess
    from conftest import TURNPIKE_BIN
    api = {"id": "c", "type": "REST", "stages": [{"name": "prod", "cache": {}}],
           "routes": [proxy_route("http://127.0.0.1:%d/x" % backend.port, "GET /x")]}
    cfg = base_config(backend.port, workers=1, apis=[api],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "c"}])
    cfg["cache"] = {"size": "4M"}
    gw = turnpike(cfg)
    assert requests.get(gw.url + "/prod/x", timeout=10).status_code == 200
    gw.stop()
    mdb = os.path.join(gw.workdir, "data", "cache", "data.mdb")
    assert os.path.exists(mdb), "no cache database at %s" % mdb
    with open(mdb, "r+b") as f:
        f.write(b"\xde\xad\xbe\xef" * 4096)
    p = subprocess.run([TURNPIKE_BIN, "-c", gw.conf_path, "-f"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=20)
    out = p.stdout.decode()
    assert p.returncode == 1, "turnpike started on a corrupt cache (exit %d):\n%s" % (
        p.returncode, out)
    assert os.path.join(gw.workdir, "data", "cache") in out, out

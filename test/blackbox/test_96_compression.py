"""Tier 96: payload compression (issue 5), black-box.

Responses: a REST API with ``minimum_compression_size = N`` compresses a
response body of at least N bytes with gzip or zlib-wrapped deflate when the
request's Accept-Encoding picks one (RFC 9110 q-values; the highest-priority
coding must be supported, else identity), adding ``Vary: Accept-Encoding``.
No Accept-Encoding, smaller bodies, APIs without the setting, and responses the
integration already encoded are sent as they are.  The size is that of the
mapped payload (templates run first).  Cache hits are compressed per request.
HEAD gets no body.

Requests: a body with ``Content-Encoding: gzip`` or ``deflate`` reaches an HTTP
(non-proxy) or MOCK integration decompressed (templates and passthrough see the
plain body); any other coding or corrupt data is 415 {"message":"Unsupported
Media Type"}.

Also the OpenAPI root ``x-amazon-apigateway-minimum-compression-size`` and
`turnpike -t` range checks.  Every request here is written by hand (RawConn) so
that Accept-Encoding is exactly what the test says and bodies are not decoded.
"""

import gzip
import json
import os
import re
import uuid
import zlib

import pytest

from backend import pattern
from conftest import base_config, proxy_route, run_turnpike
from helpers import RawConn, assert_common_headers, render_libconfig
from test_87_config_errors import NEEDLE, check_error, check_ok, config_text
from traffic import module_gateway, reachable_workdir  # noqa: F401

pytestmark = pytest.mark.usefixtures("reachable_workdir")

MIN = 100
UNSUPPORTED = "Unsupported Media Type"
BIG_TMPL = '{"stage": "$context.stage", "filler": "' + "a mapped payload; " * 20 + '"}'


def zapi(api_id, u, minimum=None, stages=None, routes=None):
    api = {"id": api_id, "name": api_id, "type": "REST",
           "routes": routes if routes is not None else [
               proxy_route(u + "/{proxy}", route="ANY /{proxy+}",
                           cache_key_parameters=["method.request.path.proxy"])],
           "stages": stages if stages is not None else [{"name": "prod"}]}
    if minimum is not None:
        api["minimum_compression_size"] = minimum
    return api


def http_route(route, uri, **extra):
    integ = {"type": "HTTP", "uri": uri, "responses": [{"status": 200}]}
    integ.update(extra)
    return {"route": route, "integration": integ}


@pytest.fixture(scope="module")
def gw(module_gateway, module_backend_factory):
    b = module_backend_factory()
    u = "http://127.0.0.1:%d" % b.port
    z_routes = [
        proxy_route(u + "/{proxy}", route="ANY /{proxy+}",
                    cache_key_parameters=["method.request.path.proxy"]),
        {"route": "GET /tmpl/big", "integration": {"type": "MOCK", "responses": [
            {"status": 200, "templates": [("application/json", BIG_TMPL)]}]}},
        http_route("GET /tmpl/small", u + "/big?n=5000", responses=[
            {"status": 200, "templates": [("application/json", "ok")]}]),
    ]
    in_routes = [
        http_route("POST /in/http", u + "/in"),
        http_route("POST /in/tmpl", u + "/in", request_templates=[
            ("application/json", '{"got": $input.json(\'$\')}')]),
        {"route": "POST /in/mock", "integration": {
            "type": "MOCK",
            "request_templates": [("application/json",
                                   '{"statusCode": $input.json(\'$.code\')}')],
            "responses": [{"pattern": "201", "status": 201,
                           "templates": [("application/json", '{"sel": "201"}')]},
                          {"status": 200, "templates": [("application/json",
                                                         '{"sel": "default"}')]}]}},
    ]
    apis = [
        zapi("z", u, MIN, routes=z_routes,
             stages=[{"name": "prod"},
                     {"name": "cached", "cache": {"require_authorization": False}}]),
        zapi("z0", u, 0),
        zapi("znone", u, routes=[proxy_route(u + "/{proxy}", route="ANY /{proxy+}")]
             + in_routes),
    ]
    cfg = base_config(b.port, workers=2, apis=apis,
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "z"},
                                 {"address": "127.0.0.1:@PORT2@", "default_api": "z0"},
                                 {"address": "127.0.0.1:@PORT3@", "default_api": "znone"}])
    g = module_gateway(cfg)
    g.backend = b
    return g


# -- helpers -------------------------------------------------------------------------------

def fetch(gw, path, method="GET", headers=(), body=None, port_token="@PORT@"):
    """One request written by hand on a fresh connection: exactly <headers>."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    lines += ["%s: %s" % h for h in headers]
    if body is not None:
        lines.append("Content-Length: %d" % len(body))
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    with RawConn(gw.ports[port_token]) as c:
        c.send(data)
        return c.read_response(method=method)


def ae(value):
    return [("Accept-Encoding", value)]


def decode(r):
    """The body with the response's Content-Encoding undone (gzip / zlib deflate)."""
    ce = r.header("Content-Encoding")
    if ce is None:
        return r.body
    if ce == "gzip":
        return gzip.decompress(r.body)
    if ce == "deflate":
        return zlib.decompress(r.body)
    raise AssertionError("unexpected Content-Encoding %r" % ce)


TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def assert_sane_headers(r, what):
    bad = [(k, v) for k, v in r.headers if not TOKEN_RE.match(k) or "\n" in v or "\r" in v]
    assert not bad, "%s: malformed header lines %r\nhead: %r" % (what, bad, r.head_raw[:600])


def assert_coding(r, coding, original, what):
    assert r.status == 200, "%s: status %d %r" % (what, r.status, r.body[:200])
    assert_sane_headers(r, what)
    ce = r.header("Content-Encoding")
    want = None if coding == "identity" else coding
    assert ce == want, "%s: Content-Encoding %r, expected %r (headers %r)" % (
        what, ce, want, r.headers)
    cl = r.header("Content-Length")
    if cl is not None:
        assert int(cl) == len(r.body), "%s: Content-Length %s for %d body bytes" % (
            what, cl, len(r.body))
    if want is not None:
        vary = ",".join(r.header_all("Vary")).lower()
        assert "accept-encoding" in vary, "%s: compressed without Vary: Accept-Encoding " \
            "(Vary %r)" % (what, r.header_all("Vary"))
        assert r.body != original, "%s: labelled %s but not compressed" % (what, ce)
    try:
        plain = decode(r)
    except (OSError, zlib.error, EOFError) as e:
        raise AssertionError("%s: the %s body does not decode: %s (%r...)" % (
            what, ce, e, r.body[:40]))
    assert plain == original, "%s: the decoded body (%d bytes) differs from the original " \
        "(%d bytes)" % (what, len(plain), len(original))


def tok():
    return uuid.uuid4().hex[:12]


# -- response compression ---------------------------------------------------------------

@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_compressed_when_accepted(gw, coding):
    r = fetch(gw, "/prod/big?n=5000", headers=ae(coding))
    assert_coding(r, coding, pattern(5000), "Accept-Encoding: %s" % coding)
    assert_common_headers(r)


def test_deflate_is_zlib_wrapped(gw):
    r = fetch(gw, "/prod/big?n=5000", headers=ae("deflate"))
    assert r.header("Content-Encoding") == "deflate"
    # RFC 9110 "deflate" = the zlib format (RFC 1950): a CMF byte of 0x78 for a
    # 32 KiB window, and the header is a multiple of 31
    assert r.body[0] & 0x0f == 8 and ((r.body[0] << 8) | r.body[1]) % 31 == 0, \
        "deflate body does not start with a zlib header: %r" % r.body[:4]
    assert zlib.decompress(r.body) == pattern(5000)


@pytest.mark.parametrize("value,coding", [
    ("gzip, deflate", ("gzip", "deflate")),
    ("deflate;q=0.5,gzip;q=1.0", "gzip"),
    ("gzip;q=0.5, deflate;q=0.9", "deflate"),
    ("gzip;q=0,deflate", "deflate"),
    ("GZIP", "gzip"),
    ("gzip;q=1.0,identity;q=0.5,*;q=0", "gzip"),
    ("br", "identity"),
    ("br;q=1,gzip;q=0.5", "identity"),
    ("identity", "identity"),
    ("gzip;q=0", "identity"),
    ("", "identity"),
])
def test_accept_encoding_negotiation(gw, value, coding):
    r = fetch(gw, "/prod/big?n=5000", headers=ae(value))
    if isinstance(coding, tuple):
        got = r.header("Content-Encoding")
        assert got in coding, "Accept-Encoding %r: Content-Encoding %r, expected one of " \
            "%r" % (value, got, coding)
        coding = got
    assert_coding(r, coding, pattern(5000), "Accept-Encoding %r" % value)


def test_star_gives_a_decodable_body(gw):
    r = fetch(gw, "/prod/big?n=5000", headers=ae("*"))
    assert r.header("Content-Encoding") in (None, "gzip", "deflate"), r.headers
    assert_coding(r, r.header("Content-Encoding") or "identity", pattern(5000),
                  "Accept-Encoding: *")


def test_no_accept_encoding_is_identity(gw):
    r = fetch(gw, "/prod/big?n=5000")
    assert_coding(r, "identity", pattern(5000), "no Accept-Encoding")


@pytest.mark.parametrize("n,coding", [(MIN - 1, "identity"), (MIN, "gzip"), (1, "identity")])
def test_minimum_size_is_inclusive(gw, n, coding):
    r = fetch(gw, "/prod/big?n=%d" % n, headers=ae("gzip"))
    assert_coding(r, coding, pattern(n), "%d bytes with minimum_compression_size %d" % (n, MIN))


def test_minimum_0_compresses_any_nonempty_body(gw):
    r = fetch(gw, "/prod/big?n=1", headers=ae("gzip"), port_token="@PORT2@")
    assert_coding(r, "gzip", pattern(1), "1 byte with minimum_compression_size 0")


def test_minimum_0_leaves_an_empty_body_alone(gw):
    r = fetch(gw, "/prod/big?n=0", headers=ae("gzip"), port_token="@PORT2@")
    assert r.status == 200
    assert r.body == b"" and r.header("Content-Encoding") is None, \
        "an empty body was 'compressed' into %d bytes (%r)" % (len(r.body), r.headers)


def test_no_minimum_never_compresses(gw):
    r = fetch(gw, "/prod/big?n=50000", headers=ae("gzip"), port_token="@PORT3@")
    assert_coding(r, "identity", pattern(50000), "an API without minimum_compression_size")


@pytest.mark.parametrize("encoding", ["x-custom", "identity"])
def test_encoded_backend_response_passes_untouched(gw, encoding):
    r = fetch(gw, "/prod/headers?h=Content-Encoding:%s" % encoding, headers=ae("gzip"))
    assert r.status == 200
    assert r.header_all("Content-Encoding") == [encoding], \
        "the backend's Content-Encoding %r became %r" % (encoding,
                                                         r.header_all("Content-Encoding"))
    try:
        doc = json.loads(r.body)
    except ValueError:
        raise AssertionError("a response the backend encoded was changed: %r" % r.body[:60])
    assert doc["path"] == "/headers"


@pytest.mark.parametrize("n", [5000, 40000, 500000])
def test_compression_keeps_the_other_headers(gw, n):
    """A compressed HTTP_PROXY response has the headers of the identity one (e.g.
    x-amzn-Remapped-Content-Length), plus Vary and Content-Encoding."""
    skip = {"date", "x-amzn-requestid", "server", "content-length", "vary",
            "content-encoding"}

    def names(r):
        return sorted((k.lower(), v) for k, v in r.headers if k.lower() not in skip)
    plain = fetch(gw, "/prod/big?n=%d" % n, headers=ae("identity"))
    z = fetch(gw, "/prod/big?n=%d" % n, headers=ae("gzip"))
    assert_coding(plain, "identity", pattern(n), "%d bytes, identity" % n)
    assert_coding(z, "gzip", pattern(n), "%d bytes, gzip" % n)
    assert names(z) == names(plain), \
        "%d bytes: gzip response headers %r, identity response headers %r" % (
            n, names(z), names(plain))


def test_large_body_round_trips_compressed(gw):
    n = 1048576
    r = fetch(gw, "/prod/big?n=%d" % n, headers=ae("gzip"))
    assert_coding(r, "gzip", pattern(n), "1 MiB gzip")
    assert len(r.body) < n // 4, "1 MiB of a repetitive pattern compressed to %d bytes" % \
        len(r.body)


def test_head_gets_no_body(gw):
    with RawConn(gw.port) as c:
        c.send("HEAD /prod/big?n=5000 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
        h = c.read_response(method="HEAD")
        assert h.status == 200, h
        # a body after the HEAD response would be read as the next response
        c.send("GET /prod/big?n=300 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n")
        g = c.read_response()
        assert g.status == 200 and g.body == pattern(300), \
            "the response after a HEAD is garbled (did the HEAD carry a body?): %r" % g


def test_mapped_payload_size_decides(gw):
    """Templates run before compression: a large mapped payload from a MOCK is
    compressed; a tiny mapping of a 5000-byte backend body is not."""
    big = fetch(gw, "/prod/tmpl/big", headers=ae("gzip"))
    assert big.status == 200, big
    assert big.header("Content-Encoding") == "gzip", \
        "a %s-byte mapped MOCK payload was not compressed: %r" % (
            big.header("Content-Length"), big.headers)
    assert json.loads(gzip.decompress(big.body))["stage"] == "prod"
    small = fetch(gw, "/prod/tmpl/small", headers=ae("gzip"))
    assert small.status == 200, small
    assert small.header("Content-Encoding") is None and small.body == b"ok", \
        "a 2-byte mapped payload: %r %r" % (small.headers, small.body[:60])


def test_cache_hits_are_compressed_per_request(gw):
    t = tok()
    path = "/cached/%s/big?n=5000" % t
    want = pattern(5000)
    r1 = fetch(gw, path, headers=ae("gzip"))
    assert_coding(r1, "gzip", want, "miss, gzip")
    r2 = fetch(gw, path)
    assert_coding(r2, "identity", want, "hit, no Accept-Encoding")
    r3 = fetch(gw, path, headers=ae("deflate"))
    assert_coding(r3, "deflate", want, "hit, deflate")
    r4 = fetch(gw, path, headers=ae("gzip"))
    assert_coding(r4, "gzip", want, "hit, gzip")
    got = sum(1 for r in list(gw.backend.requests) if t in r.target)
    assert got == 1, "the 4 requests reached the backend %d times (expected 1: hits)" % got


# -- request decompression ---------------------------------------------------------------

def compress(coding, data):
    return gzip.compress(data) if coding == "gzip" else zlib.compress(data)


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_request_body_decompressed_for_passthrough(gw, coding):
    plain = json.dumps({"hello": "world", "n": list(range(50))}).encode()
    r = fetch(gw, "/prod/in/http", "POST", port_token="@PORT3@",
              headers=[("Content-Type", "application/json"), ("Content-Encoding", coding)],
              body=compress(coding, plain))
    assert r.status == 200, r
    doc = json.loads(r.body)
    assert doc["body"].encode("latin-1") == plain, \
        "the backend got %r, expected the decompressed body" % doc["body"][:100]
    assert doc["body_len"] == len(plain)


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_request_body_decompressed_for_templates(gw, coding):
    plain = b'{"a": {"b": [1, 2, 3]}}'
    r = fetch(gw, "/prod/in/tmpl", "POST", port_token="@PORT3@",
              headers=[("Content-Type", "application/json"), ("Content-Encoding", coding)],
              body=compress(coding, plain))
    assert r.status == 200, r
    sent = json.loads(json.loads(r.body)["body"])
    assert sent == {"got": {"a": {"b": [1, 2, 3]}}}, \
        "the request template saw %r" % sent


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_request_body_decompressed_for_mock(gw, coding):
    r = fetch(gw, "/prod/in/mock", "POST", port_token="@PORT3@",
              headers=[("Content-Type", "application/json"), ("Content-Encoding", coding)],
              body=compress(coding, b'{"code": 201}'))
    assert (r.status, json.loads(r.body)) == (201, {"sel": "201"}), \
        "MOCK with a %s body {\"code\": 201}: %d %r" % (coding, r.status, r.body[:200])


@pytest.mark.parametrize("route", ["/prod/in/http", "/prod/in/mock"])
@pytest.mark.parametrize("coding,body", [
    ("br", b'{"code": 201}'),
    ("gzip", b"\x1f\x8b\x08\x00garbage-that-is-not-deflate"),
    ("gzip", b'{"code": 201}'),
    ("deflate", b"\x78\x9cnot really zlib data"),
], ids=["br", "corrupt-gzip", "plain-as-gzip", "corrupt-deflate"])
def test_unsupported_or_corrupt_request_encoding_is_415(gw, route, coding, body):
    before = len(gw.backend.requests)
    r = fetch(gw, route, "POST", port_token="@PORT3@",
              headers=[("Content-Type", "application/json"), ("Content-Encoding", coding)],
              body=body)
    assert r.status == 415, "%s with Content-Encoding %s: %d %r" % (
        route, coding, r.status, r.body[:200])
    assert json.loads(r.body) == {"message": UNSUPPORTED}, r.body
    assert "application/json" in (r.header("Content-Type") or "")
    assert len(gw.backend.requests) == before, "a 415 request reached the backend"


def test_truncated_gzip_request_is_415(gw):
    body = gzip.compress(b'{"code": 201}' * 50)[:-12]
    r = fetch(gw, "/prod/in/http", "POST", port_token="@PORT3@",
              headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
              body=body)
    assert r.status == 415, "a truncated gzip body: %d %r" % (r.status, r.body[:200])


# -- OpenAPI -------------------------------------------------------------------------------

def openapi_api(workdir, u, minimum, with_config_minimum=None):
    spec = {"swagger": "2.0", "info": {"title": "z", "version": "1"},
            "x-amazon-apigateway-minimum-compression-size": minimum,
            "paths": {"/big": {"get": {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    "type": "http_proxy", "httpMethod": "GET", "uri": u + "/big",
                    "passthroughBehavior": "when_no_match"}}}}}
    with open(os.path.join(workdir, "z-spec.json"), "w") as f:
        json.dump(spec, f)
    api = {"id": "oa", "name": "oa", "type": "REST", "openapi": "z-spec.json",
           "stages": [{"name": "prod"}]}
    if with_config_minimum is not None:
        api["minimum_compression_size"] = with_config_minimum
    return api


def test_openapi_minimum_compression_size(turnpike, backend, workdir):
    u = "http://127.0.0.1:%d" % backend.port
    cfg = base_config(backend.port, workers=1, apis=[openapi_api(workdir, u, 1000)],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "oa"}])
    gw = turnpike(cfg)
    r = fetch(gw, "/prod/big?n=1000", headers=ae("gzip"))
    assert_coding(r, "gzip", pattern(1000), "imported minimum 1000, 1000 bytes")
    r = fetch(gw, "/prod/big?n=999", headers=ae("gzip"))
    assert_coding(r, "identity", pattern(999), "imported minimum 1000, 999 bytes")


@pytest.mark.parametrize("value", [-1, 10485761])
def test_openapi_minimum_compression_size_out_of_range(workdir, value):
    api = openapi_api(workdir, "http://127.0.0.1:9", value)
    cfg = base_config(9, workers=1, apis=[api],
                      listeners=[{"address": "127.0.0.1:18080", "default_api": "oa"}])
    cfg["server"].update(pid_file=workdir + "/t.pid", error_log=workdir + "/e.log",
                         data_dir=workdir + "/data")
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(render_libconfig(cfg))
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, "x-amazon-apigateway-minimum-compression-size %d: exit %d\n%s" % (
        value, rc, out)
    assert "minimum-compression-size" in out, out


# -- turnpike -t ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 10485760])
def test_minimum_compression_size_bounds_are_valid(workdir, value):
    check_ok(workdir, config_text(workdir, api="    minimum_compression_size = %d;" % value))


@pytest.mark.parametrize("value", ["-1", "10485761", '"1K"'])
def test_minimum_compression_size_out_of_range(workdir, value):
    check_error(workdir, config_text(workdir, api="    minimum_compression_size = %s; %s"
                                     % (value, NEEDLE)), "minimum_compression_size")

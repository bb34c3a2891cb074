"""Tier 81: which API and stage a request addresses.

Custom domains (Host, port ignored) with base path mappings: the longest base
path that prefixes the path on whole segments wins, "" catches the rest, no
match is 403 {"message":"Forbidden"}; several APIs on one domain; wildcard
domains; a domain without mappings but with a certificate only provides SNI.
Otherwise Host {api-id}.execute-api.{anything} selects an API (unless it has
disable_execute_api_endpoint), else the listener's default_api, else 404.
"""

import os
import subprocess

import pytest
import requests

from conftest import base_config, proxy_route
from helpers import assert_common_headers, assert_gateway_error

pytestmark = pytest.mark.proxy


def tagged_api(backend_port, api_id, api_type="REST", stages=("prod", "beta"), **extra):
    """ANY /{proxy+} and GET / -> backend /<api_id>/<stage>/<proxy>: the echo names
    the API and the stage that served a request."""
    u = "http://127.0.0.1:%d/%s/${stageVariables.s}" % (backend_port, api_id)
    a = {"id": api_id, "name": api_id, "type": api_type,
         "routes": [proxy_route(u + "/{proxy}"), proxy_route(u + "/", route="GET /")],
         "stages": [{"name": s, "variables": {"s": s.strip("$") or "default"}}
                    for s in stages]}
    a.update(extra)
    return a


def served(resp):
    assert resp.status_code == 200, "expected a proxied 200, got %d: %r" % (
        resp.status_code, resp.text[:300])
    return resp.json()["path"]


def get(gw, path, host, method="GET"):
    return requests.request(method, gw.url + path, headers={"Host": host}, timeout=10)


def assert_forbidden(resp):
    assert_gateway_error(resp, 403, message="Forbidden")
    assert resp.json() == {"message": "Forbidden"}
    assert resp.headers.get("x-amzn-ErrorType"), "403 Forbidden without x-amzn-ErrorType"


def assert_not_found(resp):
    assert_gateway_error(resp, 404, message="Not Found")
    assert resp.json() == {"message": "Not Found"}


# -- one gateway with domains, shared by the table tests ---------------------------------

@pytest.fixture(scope="module")
def gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    p = b.port
    apis = [
        tagged_api(p, "rest"),
        tagged_api(p, "orders"),
        tagged_api(p, "catchall"),
        tagged_api(p, "web", api_type="HTTP", stages=("$default", "live")),
        tagged_api(p, "hidden", disable_execute_api_endpoint=True),
        tagged_api(p, "fallback"),
    ]
    domains = [
        {"name": "api.example.com", "mappings": [
            {"base_path": "v1", "api": "rest", "stage": "prod"},
            {"base_path": "v1/orders", "api": "orders", "stage": "beta"},
            {"base_path": "web", "api": "web", "stage": "$default"},
            {"base_path": "live", "api": "web", "stage": "live"},
            {"base_path": "h", "api": "hidden", "stage": "prod"},
            {"base_path": "", "api": "catchall", "stage": "prod"},
        ]},
        {"name": "strict.example.com", "mappings": [
            {"base_path": "v1", "api": "rest", "stage": "beta"},
            {"base_path": "v2/deep", "api": "orders", "stage": "prod"},
        ]},
        {"name": "*.wild.example.com", "mappings": [
            {"base_path": "", "api": "orders", "stage": "prod"},
        ]},
        {"name": "exact.wild.example.com", "mappings": [
            {"base_path": "", "api": "rest", "stage": "beta"},
        ]},
    ]
    cfg = base_config(p, workers=1, apis=apis, listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "fallback"},
        {"address": "127.0.0.1:@PORT2@"}])
    cfg["domains"] = domains
    g = module_turnpike(cfg)
    g.backend = b
    g.bare_url = "http://127.0.0.1:%d" % g.ports["@PORT2@"]
    return g


DOMAIN_TABLE = [
    # (host, request path, backend path)
    ("api.example.com", "/v1/pets/1", "/rest/prod/pets/1"),
    ("api.example.com", "/v1", "/rest/prod/"),
    ("api.example.com", "/v1/", "/rest/prod/"),
    ("api.example.com", "/v1/orders/5", "/orders/beta/5"),
    ("api.example.com", "/v1/orders", "/orders/beta/"),
    # whole segments only: "ordersx" is not under "v1/orders", "v10" not under "v1"
    ("api.example.com", "/v1/ordersx/5", "/rest/prod/ordersx/5"),
    ("api.example.com", "/v10/x", "/catchall/prod/v10/x"),
    # the empty mapping catches everything else, the whole path is the resource
    ("api.example.com", "/other/thing", "/catchall/prod/other/thing"),
    ("api.example.com", "/", "/catchall/prod/"),
    # the stage comes from the mapping: a stage-like first segment is resource path
    ("api.example.com", "/prod/x", "/catchall/prod/prod/x"),
    ("api.example.com", "/beta/x", "/catchall/prod/beta/x"),
    # an HTTP API on the same domain, its $default stage and a named stage
    ("api.example.com", "/web/a/b", "/web/default/a/b"),
    ("api.example.com", "/live/a/b", "/web/live/a/b"),
    # port ignored, case-insensitive host
    ("api.example.com:8443", "/v1/pets", "/rest/prod/pets"),
    ("API.Example.COM", "/v1/pets", "/rest/prod/pets"),
    # a disabled execute-api endpoint does not affect custom domains
    ("api.example.com", "/h/x", "/hidden/prod/x"),
    ("strict.example.com", "/v1/a", "/rest/beta/a"),
    ("strict.example.com", "/v2/deep/a", "/orders/prod/a"),
    # wildcard domain; an exact name beats the wildcard
    ("foo.wild.example.com", "/p", "/orders/prod/p"),
    ("exact.wild.example.com", "/p", "/rest/beta/p"),
]


@pytest.mark.parametrize("host,path,expected", DOMAIN_TABLE,
                         ids=["%s%s" % (h, p) for h, p, _ in DOMAIN_TABLE])
def test_base_path_mappings(gw, host, path, expected):
    assert served(get(gw, path, host)) == expected


@pytest.mark.parametrize("path", ["/v2", "/v2/x", "/v2/deeper/a", "/", "/v1x/a", "/deep/a"])
def test_domain_with_mappings_no_match_403_forbidden(gw, path):
    before = len(gw.backend.requests)
    assert_forbidden(get(gw, path, "strict.example.com"))
    assert len(gw.backend.requests) == before


def test_domain_mapping_query_string_kept(gw):
    r = get(gw, "/v1/orders/5?a=1&b=2", "api.example.com")
    assert served(r) == "/orders/beta/5"
    assert r.json()["query"] == "a=1&b=2"


def test_domain_rest_api_route_miss_is_403_token(gw):
    """Inside a mapped REST API, a missing route is the API's own 403."""
    r = get(gw, "/v1", "api.example.com", method="POST")
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")


def test_domain_http_api_miss_is_404(gw):
    """An HTTP API mapped on a domain: POST / has no route there -> 404."""
    r = get(gw, "/web", "api.example.com", method="POST")
    assert r.status_code == 404 and r.json() == {"message": "Not Found"}, r.text
    assert r.headers.get("apigw-requestid")


def test_http_api_on_domain_carries_apigw_requestid(gw):
    r = get(gw, "/web/x", "api.example.com")
    assert served(r) == "/web/default/x"
    assert r.headers.get("apigw-requestid")
    r = get(gw, "/v1/x", "api.example.com")
    assert served(r) == "/rest/prod/x"
    assert "apigw-requestid" not in r.headers, "a REST API response has apigw-requestid"


# -- execute-api host names and default_api --------------------------------------------

EXECUTE_API_TABLE = [
    ("rest.execute-api.eu-west-1.amazonaws.com", "/prod/x", "/rest/prod/x"),
    ("rest.execute-api.localhost", "/beta/x", "/rest/beta/x"),
    ("orders.execute-api.test:1234", "/prod/y", "/orders/prod/y"),
    ("web.execute-api.test", "/a/b", "/web/default/a/b"),
    ("web.execute-api.test", "/live/a/b", "/web/live/a/b"),
    ("web.execute-api.test", "/", "/web/default/"),
    # anything else goes to the listener's default_api
    ("example.org", "/prod/z", "/fallback/prod/z"),
    ("nosuch.execute-api.test", "/prod/z", "/fallback/prod/z"),
    ("execute-api.test", "/beta/z", "/fallback/beta/z"),
    # a disabled execute-api endpoint falls through to default_api
    ("hidden.execute-api.test", "/prod/z", "/fallback/prod/z"),
]


@pytest.mark.parametrize("host,path,expected", EXECUTE_API_TABLE,
                         ids=["%s%s" % (h, p) for h, p, _ in EXECUTE_API_TABLE])
def test_execute_api_and_default_api(gw, host, path, expected):
    assert served(get(gw, path, host)) == expected


def test_rest_execute_api_unknown_stage_403(gw):
    r = get(gw, "/gamma/x", "rest.execute-api.test")
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")


@pytest.mark.parametrize("host", ["example.org", "nosuch.execute-api.test",
                                  "hidden.execute-api.test", "127.0.0.1"])
def test_no_api_404_on_listener_without_default_api(gw, host):
    before = len(gw.backend.requests)
    r = requests.get(gw.bare_url + "/prod/x", headers={"Host": host}, timeout=10)
    assert_not_found(r)
    assert_common_headers(r)
    assert len(gw.backend.requests) == before


def test_listener_without_default_api_serves_execute_api_and_domains(gw):
    r = requests.get(gw.bare_url + "/prod/x", headers={"Host": "rest.execute-api.test"},
                     timeout=10)
    assert served(r) == "/rest/prod/x"
    r = requests.get(gw.bare_url + "/v1/x", headers={"Host": "api.example.com"}, timeout=10)
    assert served(r) == "/rest/prod/x"


def test_missing_host_uses_default_api(gw):
    """HTTP/1.0 without Host: the listener's default_api serves it."""
    from helpers import RawConn
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/nohost HTTP/1.0\r\n\r\n")
        r = c.read_response()
    assert r.status == 200, r
    assert r.json()["path"] == "/fallback/prod/nohost"


# -- domains that only provide a certificate ---------------------------------------------

def test_domain_without_mappings_is_not_an_address(turnpike, backend, certs, workdir):
    """A domain with a certificate but no mappings: plain Host routing (default_api)."""
    certs.copy_to(workdir, "domain.pem", "domain.key")
    cfg = base_config(backend.port, workers=1,
                      apis=[tagged_api(backend.port, "demo")])
    cfg["domains"] = [{"name": "api.example.com", "certificate": "domain.pem",
                       "key": "domain.key"}]
    g = turnpike(cfg)
    assert served(get(g, "/prod/x", "api.example.com")) == "/demo/prod/x"
    assert served(get(g, "/beta/x", "demo.execute-api.test")) == "/demo/beta/x"


def _curl(*args):
    p = subprocess.run(["curl", "-sS", "--max-time", "10"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode()


@pytest.mark.tls
def test_domain_over_tls_sni_certificate_and_mapping(turnpike, backend, certs, workdir):
    """TLS listener: SNI api.example.com gets the domain's certificate and its mapping."""
    certs.copy_to(workdir, "server.pem", "server.key", "domain.pem", "domain.key")
    cfg = base_config(backend.port, workers=1,
                      apis=[tagged_api(backend.port, "demo"),
                            tagged_api(backend.port, "other")],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "demo",
                                  "tls": {"certificate": "server.pem", "key": "server.key"}}])
    cfg["domains"] = [{"name": "api.example.com", "certificate": "domain.pem",
                       "key": "domain.key",
                       "mappings": [{"base_path": "v1", "api": "other", "stage": "beta"}]}]
    g = turnpike(cfg)
    rc, out, err = _curl("--resolve", "api.example.com:%d:127.0.0.1" % g.port,
                         "--cacert", os.path.join(workdir, "domain.pem"),
                         "https://api.example.com:%d/v1/pets?x=1" % g.port)
    assert rc == 0, "curl over TLS to api.example.com failed (%d): %s" % (rc, err)
    import json
    doc = json.loads(out)
    assert doc["path"] == "/other/beta/pets" and doc["query"] == "x=1", doc
    # the listener's own name and certificate: the default_api
    rc, out, err = _curl("--cacert", os.path.join(workdir, "server.pem"),
                         "https://localhost:%d/prod/pets" % g.port)
    assert rc == 0, err
    assert json.loads(out)["path"] == "/demo/prod/pets"

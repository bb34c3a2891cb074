"""Tier 85: the CORS configuration of HTTP APIs (http-api.md section 5).

A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered
204 by the gateway itself, even without an OPTIONS route, with Allow-Methods,
-Headers, -Max-Age and Allow-Origin when the origin is allowed (echoed, or "*"
when "*" is configured and credentials are off).  Actual requests from an allowed
origin get Allow-Origin (+ -Credentials, -Expose-Headers); the backend's own
Access-Control-* headers are dropped; disallowed origins get no CORS headers.
REST APIs have no CORS engine (a cors group warns and does nothing).
"""

import pytest
import requests

from conftest import base_config, proxy_route
from helpers import assert_common_headers

pytestmark = pytest.mark.proxy

ALLOWED = "https://a.example"
OTHER = "https://evil.example"


def cors_api(api_id, backend_port, cors, routes=None, api_type="HTTP"):
    u = "http://127.0.0.1:%d" % backend_port
    if routes is None:
        routes = [proxy_route(u + "/items", route="GET /items"),
                  proxy_route(u + "/items", route="POST /items"),
                  proxy_route(u + "/{proxy}", route="ANY /any/{proxy+}")]
    a = {"id": api_id, "name": api_id, "type": api_type, "routes": routes,
         "stages": [{"name": "$default"}] if api_type == "HTTP" else [{"name": "prod"}]}
    if cors is not None:
        a["cors"] = cors
    return a


CORS_LIST = {"allow_origins": [ALLOWED, "https://b.example"],
             "allow_methods": ["GET", "POST", "DELETE"],
             "allow_headers": ["content-type", "x-api-key"],
             "expose_headers": ["x-request-id", "date"],
             "max_age": 300, "allow_credentials": True}
CORS_STAR = {"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]}
CORS_STAR_CREDS = {"allow_origins": ["*"], "allow_methods": ["GET"],
                   "allow_credentials": True}


@pytest.fixture(scope="module")
def gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    apis = [cors_api("list", b.port, CORS_LIST),
            cors_api("star", b.port, CORS_STAR),
            cors_api("creds", b.port, CORS_STAR_CREDS),
            cors_api("nocors", b.port, None),
            cors_api("rest", b.port, CORS_LIST, api_type="REST")]
    g = module_turnpike(base_config(b.port, workers=1, apis=apis,
                                    listeners=[{"address": "127.0.0.1:@PORT@"}]))
    g.backend = b
    return g


def req(gw, api_id, method, path, headers=None):
    h = {"Host": "%s.execute-api.test" % api_id}
    h.update(headers or {})
    return requests.request(method, gw.url + path, headers=h, timeout=10)


def preflight(gw, api_id, path="/items", origin=ALLOWED, method="POST", req_headers=None):
    h = {"Origin": origin, "Access-Control-Request-Method": method}
    if req_headers:
        h["Access-Control-Request-Headers"] = req_headers
    return req(gw, api_id, "OPTIONS", path, h)


def cors_headers(resp):
    return {k.lower(): v for k, v in resp.headers.items()
            if k.lower().startswith("access-control-")}


def norm(hdrs):
    """List-valued CORS headers compared without the blanks after commas."""
    return {k: ",".join(x.strip() for x in v.split(",")) for k, v in hdrs.items()}


# -- preflights ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/items", "/any/x/y", "/no/route/at/all", "/"])
def test_preflight_answered_by_gateway(gw, path):
    before = len(gw.backend.requests)
    r = preflight(gw, "list", path=path, req_headers="content-type")
    assert r.status_code == 204, "preflight of %s: %d %r" % (path, r.status_code, r.text)
    assert r.content == b""
    assert norm(cors_headers(r)) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-methods": "GET,POST,DELETE",
        "access-control-allow-headers": "content-type,x-api-key",
        "access-control-max-age": "300",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-request-id,date",
    }, cors_headers(r)
    assert r.headers.get("apigw-requestid")
    assert_common_headers(r)
    assert len(gw.backend.requests) == before, "a preflight reached the backend"


def test_preflight_second_listed_origin_echoed(gw):
    r = preflight(gw, "list", origin="https://b.example")
    assert r.status_code == 204
    assert r.headers.get("Access-Control-Allow-Origin") == "https://b.example"


def test_preflight_star_without_credentials(gw):
    r = preflight(gw, "star", origin="https://anything.example", method="PUT")
    assert r.status_code == 204
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    assert r.headers.get("Access-Control-Allow-Methods") == "*"
    assert r.headers.get("Access-Control-Allow-Headers") == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "Access-Control-Max-Age" not in r.headers, "no max_age configured"


def test_preflight_star_with_credentials_echoes_origin(gw):
    r = preflight(gw, "creds", origin="https://x.example", method="GET")
    assert r.status_code == 204
    assert r.headers.get("Access-Control-Allow-Origin") == "https://x.example"
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"


def test_preflight_disallowed_origin_gets_no_cors_headers(gw):
    before = len(gw.backend.requests)
    r = preflight(gw, "list", origin=OTHER)
    assert r.status_code == 204, r.text
    assert cors_headers(r) == {}, "disallowed origin got CORS headers: %r" % cors_headers(r)
    assert len(gw.backend.requests) == before


@pytest.mark.parametrize("headers", [
    {"Origin": ALLOWED},                                  # no Access-Control-Request-Method
    {"Access-Control-Request-Method": "GET"},             # no Origin
])
def test_options_that_is_not_a_preflight_is_routed(gw, headers):
    r = req(gw, "list", "OPTIONS", "/any/thing", headers)
    assert r.status_code == 200, r.text
    assert r.json()["method"] == "OPTIONS" and r.json()["path"] == "/thing"


def test_non_preflight_options_without_route_is_404(gw):
    r = req(gw, "list", "OPTIONS", "/items", {"Origin": ALLOWED})
    assert r.status_code == 404 and r.json() == {"message": "Not Found"}


def test_api_without_cors_routes_preflight(gw):
    r = preflight(gw, "nocors", path="/any/p")
    assert r.status_code == 200 and r.json()["method"] == "OPTIONS", \
        "without a CORS configuration OPTIONS goes to the route"
    r = preflight(gw, "nocors", path="/items")
    assert r.status_code == 404


# -- actual requests ----------------------------------------------------------------------------

def test_actual_request_from_allowed_origin(gw):
    r = req(gw, "list", "GET", "/items", {"Origin": ALLOWED})
    assert r.status_code == 200 and r.json()["path"] == "/items"
    assert r.headers.get("Access-Control-Allow-Origin") == ALLOWED
    assert r.headers.get("Access-Control-Allow-Credentials") == "true"
    assert r.headers.get("Access-Control-Expose-Headers", "").replace(" ", "") == \
        "x-request-id,date"
    assert "Access-Control-Allow-Methods" not in r.headers
    assert "Access-Control-Max-Age" not in r.headers
    # the backend saw the Origin header
    assert [v for k, v in r.json()["headers"] if k.lower() == "origin"] == [ALLOWED]


def test_actual_request_star_origin(gw):
    r = req(gw, "star", "POST", "/items", {"Origin": "https://z.example"})
    assert r.status_code == 200
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


@pytest.mark.parametrize("origin", [OTHER, None])
def test_actual_request_without_allowed_origin_gets_no_cors_headers(gw, origin):
    r = req(gw, "list", "GET", "/items", {"Origin": origin} if origin else {})
    assert r.status_code == 200
    assert cors_headers(r) == {}


@pytest.mark.parametrize("origin,expected", [(ALLOWED, ALLOWED), (OTHER, None)])
def test_backend_cors_headers_dropped(gw, origin, expected):
    r = req(gw, "list", "GET", "/any/headers?h=Access-Control-Allow-Origin:https://backend"
            "&h=Access-Control-Allow-Methods:PATCH&h=X-Kept:1", {"Origin": origin})
    assert r.status_code == 200
    assert r.headers.get("X-Kept") == "1"
    acao = [v for k, v in r.raw.headers.items() if k.lower() == "access-control-allow-origin"]
    assert acao == ([expected] if expected else []), \
        "Access-Control-Allow-Origin values %r (the backend's must be dropped)" % acao
    assert "Access-Control-Allow-Methods" not in r.headers


def test_api_without_cors_passes_backend_cors_headers(gw):
    r = req(gw, "nocors", "GET", "/any/headers?h=Access-Control-Allow-Origin:https://backend",
            {"Origin": ALLOWED})
    assert r.headers.get("Access-Control-Allow-Origin") == "https://backend"


# -- REST APIs ------------------------------------------------------------------------------------

def test_rest_api_cors_group_has_no_effect(gw):
    r = preflight(gw, "rest", path="/prod/items")
    assert r.status_code == 403, "REST: no OPTIONS route -> Missing Authentication Token"
    assert r.json() == {"message": "Missing Authentication Token"}
    r = req(gw, "rest", "GET", "/prod/items", {"Origin": ALLOWED})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers


def test_rest_api_cors_group_warned(gw):
    log = gw.log_text()
    assert any("CORS" in l and "HTTP APIs" in l for l in log.splitlines()), \
        "no warning that cors applies to HTTP APIs:\n" + log

"""Tier 80: route selection in REST and HTTP APIs.

REST: at each path level a literal segment beats {param}, which beats {proxy+}
(with backtracking when a more specific branch dead-ends); a method route beats
ANY; a miss is 403 Missing Authentication Token; "/{proxy+}" does not match "/".
HTTP APIs: the same trie plus the $default route; a miss is 404 Not Found; the
worked example of http-api.md section 2 resolves exactly as its table says.

Each route's integration points at the recording backend with a path naming the
route (``/r/<name>/...``), so the echo tells which route served a request.
"""

import pytest
import requests

from conftest import base_config, proxy_route
from helpers import RawConn, assert_common_headers, assert_gateway_error

pytestmark = pytest.mark.proxy


def routed(backend_port, name, route, suffix=""):
    """An HTTP_PROXY route whose backend path names it: /r/<name><suffix>."""
    return proxy_route("http://127.0.0.1:%d/r/%s%s" % (backend_port, name, suffix),
                       route=route)


def api(api_id, api_type, routes, stages):
    return {"id": api_id, "name": api_id, "type": api_type, "routes": routes,
            "stages": stages}


def served_by(resp):
    """The backend path a proxied request reached (the route's name and params)."""
    assert resp.status_code == 200, "expected a proxied 200, got %d: %r" % (
        resp.status_code, resp.text[:300])
    return resp.json()["path"]


# -- REST: one API with a precedence table -------------------------------------------

def rest_routes(p):
    return [
        routed(p, "root", "GET /"),
        routed(p, "pets-get", "GET /pets"),
        routed(p, "pets-any", "ANY /pets"),
        routed(p, "pet-param", "GET /pets/{id}", "/{id}"),
        routed(p, "pet-special", "GET /pets/special"),
        routed(p, "pet-toys", "GET /pets/{id}/toys", "/{id}"),
        routed(p, "special-food", "GET /pets/special/food"),
        routed(p, "files-greedy", "GET /files/{proxy+}", "/{proxy}"),
        routed(p, "files-readme", "GET /files/readme"),
        routed(p, "deep-param", "GET /a/{x}/c/{y}", "/{x}/{y}"),
        routed(p, "deep-literal", "GET /a/b/c/d"),
    ]


@pytest.fixture(scope="module")
def rest_gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    cfg = base_config(b.port, workers=1, apis=[
        api("rest", "REST", rest_routes(b.port), [{"name": "prod"}]),
        api("greedy", "REST", [routed(b.port, "catchall", "ANY /{proxy+}", "/{proxy}"),
                               routed(b.port, "ab", "GET /a/b")], [{"name": "prod"}]),
    ], listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "rest"}])
    gw = module_turnpike(cfg)
    gw.backend = b
    return gw


REST_TABLE = [
    ("GET", "/prod", "/r/root"),
    ("GET", "/prod/", "/r/root"),
    ("GET", "/prod/pets", "/r/pets-get"),
    ("POST", "/prod/pets", "/r/pets-any"),
    ("DELETE", "/prod/pets", "/r/pets-any"),
    ("PATCH", "/prod/pets", "/r/pets-any"),
    ("GET", "/prod/pets/7", "/r/pet-param/7"),
    ("GET", "/prod/pets/special", "/r/pet-special"),
    ("GET", "/prod/pets/special/food", "/r/special-food"),
    # the literal branch "special" has no "toys" child: back to {id}
    ("GET", "/prod/pets/special/toys", "/r/pet-toys/special"),
    ("GET", "/prod/pets/7/toys", "/r/pet-toys/7"),
    ("GET", "/prod/files/readme", "/r/files-readme"),
    ("GET", "/prod/files/a/b/c", "/r/files-greedy/a/b/c"),
    # "readme" has no children: the greedy sibling takes the rest
    ("GET", "/prod/files/readme/x", "/r/files-greedy/readme/x"),
    ("GET", "/prod/a/b/c/d", "/r/deep-literal"),
    # literal a/b/c dead-ends at "e": back to {x}=b, then c, then {y}=e
    ("GET", "/prod/a/b/c/e", "/r/deep-param/b/e"),
    ("GET", "/prod/a/z/c/d", "/r/deep-param/z/d"),
]


@pytest.mark.parametrize("method,path,expected", REST_TABLE,
                         ids=["%s %s" % (m, p) for m, p, _ in REST_TABLE])
def test_rest_route_precedence(rest_gw, method, path, expected):
    r = requests.request(method, rest_gw.url + path, timeout=10)
    assert served_by(r) == expected, "%s %s reached %s, expected %s" % (
        method, path, served_by(r), expected)


REST_MISSES = [
    ("POST", "/prod/pets/special"),       # resource without that method, no ANY
    ("PUT", "/prod/pets/7"),
    ("GET", "/prod/pets/7/food"),         # no such resource
    ("GET", "/prod/files"),               # {proxy+} needs at least one segment
    ("GET", "/prod/nothing"),
    ("GET", "/prod/Pets"),                # paths are case-sensitive
    ("GET", "/prod/a/b/x/d"),
    ("POST", "/prod"),                    # root resource has GET only
    ("GET", "/nostage/pets"),             # not a stage of the API
]


@pytest.mark.parametrize("method,path", REST_MISSES,
                         ids=["%s %s" % (m, p) for m, p in REST_MISSES])
def test_rest_miss_is_403_missing_authentication_token(rest_gw, method, path):
    before = len(rest_gw.backend.requests)
    r = requests.request(method, rest_gw.url + path, timeout=10)
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")
    assert r.json() == {"message": "Missing Authentication Token"}
    assert len(rest_gw.backend.requests) == before, "a missed route reached the backend"


GREEDY_TABLE = [
    ("GET", "/prod/a/b", "/r/ab"),
    ("GET", "/prod/x", "/r/catchall/x"),
    ("DELETE", "/prod/x/y/z", "/r/catchall/x/y/z"),
    # a/b has no child "c": the root greedy route takes the whole path
    ("GET", "/prod/a/b/c", "/r/catchall/a/b/c"),
]


@pytest.mark.parametrize("method,path,expected", GREEDY_TABLE,
                         ids=["%s %s" % (m, p) for m, p, _ in GREEDY_TABLE])
def test_rest_greedy_catch_all(rest_gw, method, path, expected):
    r = requests.request(method, rest_gw.url + path, timeout=10,
                         headers={"Host": "greedy.execute-api.test"})
    assert served_by(r) == expected


@pytest.mark.parametrize("path", ["/prod", "/prod/"])
def test_rest_greedy_does_not_match_root(rest_gw, path):
    """ "/{proxy+}" needs one segment or more: the root path is a miss."""
    r = requests.get(rest_gw.url + path, timeout=10,
                     headers={"Host": "greedy.execute-api.test"})
    assert_gateway_error(r, 403, message="Missing Authentication Token",
                         error_type="MissingAuthenticationTokenException")


def test_rest_path_parameter_keeps_query(rest_gw):
    r = requests.get(rest_gw.url + "/prod/pets/42?verbose=1&x=a%20b", timeout=10)
    assert served_by(r) == "/r/pet-param/42"
    assert r.json()["query"] == "verbose=1&x=a%20b"


def test_rest_miss_over_raw_socket_keeps_connection(rest_gw):
    """A 403 miss is an ordinary response: the keep-alive connection stays usable."""
    with RawConn(rest_gw.port) as c:
        c.send(b"GET /prod/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        r1 = c.read_response()
        c.send(b"GET /prod/pets HTTP/1.1\r\nHost: x\r\n\r\n")
        r2 = c.read_response()
    assert r1.status == 403 and r1.header("x-amzn-ErrorType") == \
        "MissingAuthenticationTokenException"
    assert r2.status == 200 and r2.json()["path"] == "/r/pets-get"


# -- HTTP APIs: the worked example of http-api.md section 2 -------------------------------

def worked_example_routes(p):
    return [
        routed(p, "${stageVariables.s}/exact", "GET /pets/dog/1"),
        routed(p, "${stageVariables.s}/dog-id", "GET /pets/dog/{id}", "/{id}"),
        routed(p, "${stageVariables.s}/pets-greedy", "GET /pets/{proxy+}", "/{proxy}"),
        routed(p, "${stageVariables.s}/any-greedy", "ANY /{proxy+}", "/{proxy}"),
        routed(p, "${stageVariables.s}/default", "$default"),
    ]


@pytest.fixture(scope="module")
def http_gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    p = b.port
    apis = [
        api("worked", "HTTP", worked_example_routes(p),
            [{"name": "$default", "variables": {"s": "dflt"}},
             {"name": "beta", "variables": {"s": "beta"}}]),
        # no $default route, only a $default stage
        api("plain", "HTTP", [routed(p, "items", "GET /items"),
                              routed(p, "item", "GET /items/{id}", "/{id}")],
            [{"name": "$default"}]),
        # only named stages
        api("named", "HTTP", [routed(p, "items", "GET /items")], [{"name": "v1"}]),
        # $default route with a uri without a path: the full request path goes on
        api("fullpath", "HTTP",
            [proxy_route("http://127.0.0.1:%d" % p, route="$default"),
             routed(p, "items", "GET /items")],
            [{"name": "$default"}, {"name": "v2"}]),
    ]
    cfg = base_config(p, workers=1, apis=apis,
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "worked"}])
    gw = module_turnpike(cfg)
    gw.backend = b
    return gw


WORKED_TABLE = [
    # the table of http-api.md section 2, on the $default stage
    ("GET", "/pets/dog/1", "/r/dflt/exact"),
    ("GET", "/pets/dog/2", "/r/dflt/dog-id/2"),
    ("GET", "/pets/cat/1", "/r/dflt/pets-greedy/cat/1"),
    ("POST", "/test/5", "/r/dflt/any-greedy/test/5"),
    # more of the same rules
    ("POST", "/pets/dog/1", "/r/dflt/any-greedy/pets/dog/1"),
    ("GET", "/pets", "/r/dflt/any-greedy/pets"),
    ("GET", "/", "/r/dflt/default"),
    ("DELETE", "/", "/r/dflt/default"),
    # a named stage is the first segment, stripped before routing
    ("GET", "/beta/pets/dog/1", "/r/beta/exact"),
    ("GET", "/beta/pets/dog/2", "/r/beta/dog-id/2"),
    ("GET", "/beta/pets/cat/1", "/r/beta/pets-greedy/cat/1"),
    ("PUT", "/beta/test/5", "/r/beta/any-greedy/test/5"),
    ("GET", "/beta", "/r/beta/default"),
    # "betax" is no stage: the $default stage routes the whole path
    ("GET", "/betax/pets/dog/1", "/r/dflt/any-greedy/betax/pets/dog/1"),
]


@pytest.mark.parametrize("method,path,expected", WORKED_TABLE,
                         ids=["%s %s" % (m, p) for m, p, _ in WORKED_TABLE])
def test_http_api_worked_example(http_gw, method, path, expected):
    r = requests.request(method, http_gw.url + path, timeout=10)
    assert served_by(r) == expected, "%s %s reached %s, expected %s" % (
        method, path, served_by(r), expected)
    assert r.headers.get("apigw-requestid"), "HTTP API response without apigw-requestid"


def http_get(gw, path, api_id, method="GET"):
    return requests.request(method, gw.url + path, timeout=10,
                            headers={"Host": "%s.execute-api.test" % api_id})


def assert_http_not_found(r):
    assert r.status_code == 404, "expected 404, got %d %r" % (r.status_code, r.text[:300])
    assert r.json() == {"message": "Not Found"}
    assert "application/json" in r.headers.get("Content-Type", "")
    assert r.headers.get("apigw-requestid"), "404 without apigw-requestid: %r" % r.headers
    assert_common_headers(r)


@pytest.mark.parametrize("method,path", [
    ("GET", "/nothing"), ("POST", "/items"), ("GET", "/items/1/2"), ("GET", "/"),
    ("GET", "/Items")])
def test_http_api_miss_is_404(http_gw, method, path):
    before = len(http_gw.backend.requests)
    r = http_get(http_gw, path, "plain", method)
    assert_http_not_found(r)
    assert len(http_gw.backend.requests) == before


def test_http_api_plain_routes(http_gw):
    assert served_by(http_get(http_gw, "/items", "plain")) == "/r/items"
    assert served_by(http_get(http_gw, "/items/9", "plain")) == "/r/item/9"


def test_http_api_unknown_stage_without_default_stage_404(http_gw):
    assert served_by(http_get(http_gw, "/v1/items", "named")) == "/r/items"
    assert_http_not_found(http_get(http_gw, "/v2/items", "named"))
    assert_http_not_found(http_get(http_gw, "/items", "named"))


@pytest.mark.parametrize("path,backend_path,query", [
    ("/store/checkout?x=1", "/store/checkout", "x=1"),
    ("/v2/store/checkout", "/store/checkout", ""),
    ("/a/b/c/", "/a/b/c/", ""),
])
def test_http_api_default_route_gets_full_path(http_gw, path, backend_path, query):
    """$default + uri without a path: the request path (stage stripped) goes on."""
    r = http_get(http_gw, path, "fullpath")
    assert r.status_code == 200, r.text
    assert r.json()["path"] == backend_path
    assert r.json()["query"] == query


def test_http_api_default_route_not_used_when_a_route_matches(http_gw):
    assert served_by(http_get(http_gw, "/items", "fullpath")) == "/r/items"
    assert served_by(http_get(http_gw, "/v2/items", "fullpath")) == "/r/items"


# -- REST resolves the resource first, HTTP APIs match (method, path) ----------------

@pytest.mark.parametrize("api_type", ["REST", "HTTP"])
def test_method_missing_on_resource(turnpike, backend, api_type):
    """GET /a/b and ANY /{proxy+}: a POST to /a/b is refused by a REST API (the
    resource /a/b exists and lacks POST), while an HTTP API's ANY /{proxy+}
    route takes it (routes are method + path)."""
    routes = [routed(backend.port, "get-ab", "GET /a/b"),
              routed(backend.port, "proxy", "ANY /{proxy+}")]
    stage = "$default" if api_type == "HTTP" else "prod"
    gw = turnpike(base_config(backend.port, workers=1, apis=[
        api("m", api_type, routes, [{"name": stage}])], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "m"}]))
    prefix = "" if api_type == "HTTP" else "/prod"
    assert served_by(requests.get(gw.url + prefix + "/a/b", timeout=10)) == "/r/get-ab"
    r = requests.post(gw.url + prefix + "/a/b", timeout=10)
    if api_type == "REST":
        assert_gateway_error(r, 403, message="Missing Authentication Token")
    else:
        assert served_by(r) == "/r/proxy"
    # Elsewhere the greedy route serves both.
    assert served_by(requests.post(gw.url + prefix + "/z/b", timeout=10)) == "/r/proxy"

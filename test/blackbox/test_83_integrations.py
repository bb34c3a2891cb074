"""Tier 83: integration types other than plain HTTP_PROXY passthrough.

MOCK (no backend; the request template's "statusCode" selects the integration
response, 200 without a template), HTTP non-proxy (request templates and
passthrough behaviour, http_method, integration responses selected by full-match
patterns on the backend status, response header mappings, response templates by
Accept), REST HTTP_PROXY header remapping (x-amzn-Remapped-*), HTTP API header
passing, server.resolve, unresolvable backends, and the integration types and
template features that are "not supported yet" (warned at load, answer 500).
"""

import json

import pytest
import requests

from conftest import base_config, proxy_route
from helpers import RawConn, assert_gateway_error

pytestmark = pytest.mark.proxy

JSON_TMPL = '{"t": "json", "b": $input.json(\'$\')}'
PLAIN_TMPL = 'plain:$input.body'


def api(api_id, routes, stages=None, api_type="REST"):
    return {"id": api_id, "name": api_id, "type": api_type, "routes": routes,
            "stages": stages if stages is not None else
            [{"name": "prod", "variables": {"v": "prod-var"}},
             {"name": "dev", "variables": {"v": "dev-var"}}]}


def mock(route, responses=None, request_templates=None, **extra):
    integ = {"type": "MOCK"}
    if responses is not None:
        integ["responses"] = responses
    if request_templates is not None:
        integ["request_templates"] = request_templates
    integ.update(extra)
    return {"route": route, "integration": integ}


def http(route, uri, responses=None, **extra):
    integ = {"type": "HTTP", "uri": uri,
             "responses": responses if responses is not None else [{"status": 200}]}
    integ.update(extra)
    return {"route": route, "integration": integ}


def status_mock(code):
    return [("application/json", '{"statusCode": %d}' % code)]


def assert_internal_error(r):
    assert_gateway_error(r, 500, message="Internal server error")
    assert r.json() == {"message": "Internal server error"}
    assert r.headers.get("x-amzn-ErrorType"), "500 without x-amzn-ErrorType"


# -- one REST API with every kind of route, shared by the table tests -------------------

@pytest.fixture(scope="module")
def gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    u = "http://127.0.0.1:%d" % b.port
    sel = [{"pattern": "2\\d{2}", "status": 200,
            "templates": [("application/json", '{"sel": "2xx"}')]},
           {"pattern": "4\\d{2}", "status": 418,
            "templates": [("application/json", '{"sel": "4xx"}')]},
           {"pattern": "default", "status": 502,
            "templates": [("application/json", '{"sel": "default"}')]}]
    routes = [
        # MOCK
        mock("GET /mock", responses=[{"status": 200, "templates": [(
            "application/json",
            '{"stage": "$context.stage", "v": "$stageVariables.v", '
            '"q": "$input.params(\'q\')", "h": "$input.params().header.get(\'X-In\')", '
            '"m": "$context.httpMethod"}')],
            "parameters": [("method.response.header.X-Static", "'static value'"),
                           ("method.response.header.X-Rid", "context.requestId"),
                           ("method.response.header.X-Var", "stageVariables.v")]}]),
        mock("GET /mock/none", responses=[{"status": 200}]),
        mock("GET /mock/nodefault",
             responses=[{"pattern": "4\\d{2}", "status": 400}]),
        mock("GET /mock/noresponses"),
    ] + [
        mock("GET /mock/select/%d" % code, request_templates=status_mock(code),
             responses=sel)
        for code in (200, 201, 404, 302)
    ] + [
        mock("GET /mock/created", request_templates=status_mock(201),
             responses=[{"pattern": "201", "status": 201,
                         "templates": [("application/json", "")]},
                        {"status": 200}]),
        # templates by Accept
        mock("GET /accept", responses=[{"status": 200, "templates": [
            ("application/xml", "<x>$context.stage</x>"),
            ("application/json", '{"j": "$context.stage"}')]}]),
        mock("GET /accept/first", responses=[{"status": 200, "templates": [
            ("text/html", "<p>$context.stage</p>"), ("application/xml", "<x/>")]}]),
        # HTTP non-proxy
        http("POST /h/{id}", u + "/backend/{id}", http_method="PUT",
             request_parameters=[("integration.request.path.id", "method.request.path.id"),
                                 ("integration.request.header.X-Mapped",
                                  "method.request.header.X-In")],
             request_templates=[("application/json", JSON_TMPL),
                                ("text/plain", PLAIN_TMPL)]),
        http("GET /hsel/{code}", u + "/status/{code}",
             request_parameters=[("integration.request.path.code",
                                  "method.request.path.code")],
             responses=sel),
        http("GET /hfull/{code}", u + "/status/{code}",
             request_parameters=[("integration.request.path.code",
                                  "method.request.path.code")],
             responses=[{"pattern": "20", "status": 299}, {"pattern": "2\\d", "status": 298},
                        {"pattern": "2\\d{2}|30\\d", "status": 200}]),
        http("GET /hresp", u + "/headers?h=X-Back:from-backend&h=X-Unmapped:no",
             responses=[{"status": 200, "parameters": [
                 ("method.response.header.X-Copied", "integration.response.header.X-Back"),
                 ("method.response.header.X-Body", "integration.response.body"),
                 ("method.response.header.X-Static", "'s'")]}]),
        http("GET /hraw", u + "/status/201", responses=[{"status": 202}]),
        mock("GET /ctype/html", responses=[{"status": 200, "parameters": [
            ("method.response.header.Content-Type", "'text/html'")],
            "templates": [("text/html", "<p/>")]}]),
        mock("GET /ctype/plain", responses=[{"status": 200, "parameters": [
            ("method.response.header.Content-Type", "'text/plain'")],
            "templates": [("application/json", "{}")]}]),
        http("GET /ctype/http", u + "/ct", responses=[{"status": 200, "parameters": [
            ("method.response.header.Content-Type", "'text/plain'")]}]),
        http("POST /pp/{x}", u + "/pp", request_templates=[(
            "application/json",
            '{"x": "$input.params(\'x\')", "y": "$input.params(\'y\')", '
            '"z": "$input.params(\'z\')", "s": "$context.stage", "v": "$stageVariables.v"}')],
             responses=[{"status": 200, "templates": [(
                 "application/json", '{"wrapped": $input.json(\'$\')}')]}]),
        mock("GET /mock/dyn", request_templates=[
            ("application/json", '{"statusCode": $input.params(\'code\')}')],
            responses=[{"pattern": "4\\d{2}", "status": 418}, {"status": 200}]),
        http("ANY /hany", u + "/any"),
        http("ANY /hany2", u + "/any", http_method="ANY"),
    ]
    for pb in ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"):
        routes.append(http("POST /pass/t/%s" % pb, u + "/pass", passthrough_behavior=pb,
                           request_templates=[("application/json", JSON_TMPL),
                                              ("text/plain", PLAIN_TMPL)]))
        routes.append(http("POST /pass/n/%s" % pb, u + "/pass", passthrough_behavior=pb))
    g = module_turnpike(base_config(b.port, workers=1, apis=[api("demo", routes)]))
    g.backend = b
    return g


# -- MOCK --------------------------------------------------------------------------------

def test_mock_response_template_and_parameters(gw):
    before = gw.backend.total_bytes()
    r = requests.get(gw.url + "/dev/mock?q=hi", headers={"X-In": "xin"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"stage": "dev", "v": "dev-var", "q": "hi", "h": "xin", "m": "GET"}
    assert r.headers.get("Content-Type") == "application/json"
    assert r.headers.get("X-Static") == "static value"
    assert r.headers.get("X-Rid") == r.headers.get("x-amzn-RequestId")
    assert r.headers.get("X-Var") == "dev-var"
    assert gw.backend.total_bytes() == before, "a MOCK integration contacted the backend"


def test_mock_without_template_is_200_with_empty_body(gw):
    r = requests.get(gw.url + "/prod/mock/none", timeout=10)
    assert r.status_code == 200
    assert r.content == b""


@pytest.mark.parametrize("code,status,sel", [(200, 200, "2xx"), (201, 200, "2xx"),
                                             (404, 418, "4xx"), (302, 502, "default")])
def test_mock_status_code_selects_response(gw, code, status, sel):
    r = requests.get(gw.url + "/prod/mock/select/%d" % code, timeout=10)
    assert r.status_code == status, "statusCode %d: got %d %r" % (code, r.status_code, r.text)
    assert r.json() == {"sel": sel}


def test_mock_empty_response_template_and_literal_pattern(gw):
    r = requests.get(gw.url + "/prod/mock/created", timeout=10)
    assert r.status_code == 201, r.text


def test_mock_no_matching_response_is_500(gw):
    """statusCode 200 (no template) matches no response and there is no default."""
    assert_internal_error(requests.get(gw.url + "/prod/mock/nodefault", timeout=10))


def test_mock_without_responses_is_500(gw):
    assert_internal_error(requests.get(gw.url + "/prod/mock/noresponses", timeout=10))


@pytest.mark.parametrize("accept,ctype,body", [
    (None, "application/json", '{"j": "prod"}'),
    ("application/json", "application/json", '{"j": "prod"}'),
    ("application/xml", "application/xml", "<x>prod</x>"),
    ("text/html", "application/json", '{"j": "prod"}'),          # no match: json
    ("application/xml, application/json", "application/xml", "<x>prod</x>"),
    ("application/json;q=0.1, application/xml", "application/json", '{"j": "prod"}'),
])
def test_response_template_by_accept(gw, accept, ctype, body):
    """Only the first media type of Accept counts; no match -> application/json."""
    r = requests.get(gw.url + "/prod/accept", timeout=10,
                     headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.text == body
    assert r.headers.get("Content-Type", "").split(";")[0] == ctype


@pytest.mark.parametrize("accept,body", [(None, "<p>prod</p>"),
                                         ("application/json", "<p>prod</p>"),
                                         ("application/xml", "<x/>")])
def test_response_template_first_when_no_json(gw, accept, body):
    r = requests.get(gw.url + "/prod/accept/first", timeout=10,
                     headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.text == body


# -- HTTP (non-proxy) ----------------------------------------------------------------------

def test_http_request_template_transforms_body(gw):
    r = requests.post(gw.url + "/prod/h/5?x=1", data=b'{"k": 2}', timeout=10,
                      headers={"Content-Type": "application/json", "X-In": "v",
                               "X-Client": "dropped"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["method"] == "PUT"
    assert doc["path"] == "/backend/5"
    assert doc["query"] == ""
    assert json.loads(doc["body"]) == {"t": "json", "b": {"k": 2}}
    names = [k.lower() for k, _ in doc["headers"]]
    assert "x-client" not in names and "x-in" not in names, doc["headers"]
    assert dict((k.lower(), v) for k, v in doc["headers"])["x-mapped"] == "v"
    assert [v for k, v in doc["headers"] if k.lower() == "content-type"] == \
        ["application/json"]


def test_http_request_template_for_content_type(gw):
    r = requests.post(gw.url + "/prod/h/6", data=b"hello", timeout=10,
                      headers={"Content-Type": "text/plain; charset=utf-8"})
    doc = r.json()
    assert doc["body"] == "plain:hello"
    assert [v for k, v in doc["headers"] if k.lower() == "content-type"][0] \
        .startswith("text/plain")


def test_template_params_search_path_query_header(gw):
    """$input.params('x'): path, then query string, then header; $context and
    $stageVariables in a request template; $input.json('$') in a response template is
    the backend's body."""
    r = requests.post(gw.url + "/dev/pp/px?x=qx&y=qy&z=qz", json={}, timeout=10,
                      headers={"x": "hx", "y": "hy", "z": "hz", "w": "hw"})
    assert r.status_code == 200, r.text
    wrapped = r.json()["wrapped"]
    assert wrapped["path"] == "/pp", wrapped
    assert json.loads(wrapped["body"]) == {"x": "px", "y": "qy", "z": "qz", "s": "dev",
                                           "v": "dev-var"}
    r = requests.post(gw.url + "/dev/pp/px", json={}, timeout=10, headers={"y": "hy"})
    assert json.loads(r.json()["wrapped"]["body"])["y"] == "hy"


@pytest.mark.parametrize("code,status", [("404", 418), ("200", 200), ("503", 200)])
def test_mock_status_code_from_request_parameter(gw, code, status):
    r = requests.get(gw.url + "/prod/mock/dyn?code=" + code, timeout=10)
    assert r.status_code == status, r.text


def test_http_response_without_templates_passes_body_and_maps_status(gw):
    r = requests.get(gw.url + "/prod/hraw", timeout=10)
    assert r.status_code == 202, "integration response status 202, got %d" % r.status_code
    assert r.json() == {"status": 201}


@pytest.mark.parametrize("code,status,sel", [(200, 200, "2xx"), (204, 200, "2xx"),
                                             (404, 418, "4xx"), (429, 418, "4xx"),
                                             (500, 502, "default"), (302, 502, "default")])
def test_http_integration_response_selected_by_backend_status(gw, code, status, sel):
    r = requests.get(gw.url + "/prod/hsel/%d" % code, timeout=10,
                     allow_redirects=False)
    assert r.status_code == status, "backend %d: got %d %r" % (code, r.status_code, r.text)
    assert r.json() == {"sel": sel}


@pytest.mark.parametrize("code,status", [(200, 200), (201, 200), (301, 200)])
def test_selection_patterns_match_the_whole_status(gw, code, status):
    """"20" and "2\\d" do not match "200": patterns are full matches."""
    r = requests.get(gw.url + "/prod/hfull/%d" % code, timeout=10, allow_redirects=False)
    assert r.status_code == status, "backend %d answered %d" % (code, r.status_code)


def test_http_no_matching_response_is_500(gw):
    r = requests.get(gw.url + "/prod/hfull/404", timeout=10)
    assert_internal_error(r)


def test_http_response_headers_only_mapped(gw):
    r = requests.get(gw.url + "/prod/hresp", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers.get("X-Copied") == "from-backend"
    assert r.headers.get("X-Static") == "s"
    assert "X-Unmapped" not in r.headers and "X-Back" not in r.headers, \
        "non-proxy response passed unmapped backend headers: %r" % r.headers
    assert "X-Hop-Custom" not in r.headers
    body = r.json()
    assert body["path"] == "/headers"
    assert json.loads(r.headers.get("X-Body", "null")) == body, \
        "integration.response.body mapped to X-Body: %r" % r.headers.get("X-Body")


@pytest.mark.parametrize("route", ["hany", "hany2"])
@pytest.mark.parametrize("method", ["GET", "DELETE", "PATCH"])
def test_http_method_unset_or_any_uses_the_request_method(gw, route, method):
    r = requests.request(method, gw.url + "/prod/" + route, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["method"] == method


@pytest.mark.parametrize("route,expected", [("ctype/html", "text/html"),
                                            ("ctype/plain", "text/plain"),
                                            ("ctype/http", "text/plain")])
def test_content_type_mapping_replaces_content_type(gw, route, expected):
    """method.response.header.Content-Type sets the one Content-Type of the response."""
    with RawConn(gw.port) as c:
        c.send(("GET /prod/%s HTTP/1.1\r\nHost: x\r\n\r\n" % route).encode())
        r = c.read_response()
    assert r.status == 200, r
    assert r.header_all("Content-Type") == [expected], \
        "Content-Type headers %r, expected exactly [%r]" % (r.header_all("Content-Type"),
                                                           expected)


# -- passthrough ---------------------------------------------------------------------------

PASSTHROUGH = [
    # (templates?, behaviour, Content-Type, expected body or 415)
    ("t", "WHEN_NO_MATCH", "application/json", "json"),
    ("t", "WHEN_NO_MATCH", "application/json; charset=utf-8", "json"),
    ("t", "WHEN_NO_MATCH", None, "json"),                 # missing -> application/json
    ("t", "WHEN_NO_MATCH", "text/plain", "plain"),
    ("t", "WHEN_NO_MATCH", "application/xml", "raw"),
    ("t", "WHEN_NO_TEMPLATES", "application/json", "json"),
    ("t", "WHEN_NO_TEMPLATES", "application/xml", 415),
    ("t", "NEVER", "text/plain", "plain"),
    ("t", "NEVER", "application/xml", 415),
    ("n", "WHEN_NO_MATCH", "application/xml", "raw"),
    ("n", "WHEN_NO_TEMPLATES", "application/xml", "raw"),
    ("n", "WHEN_NO_TEMPLATES", None, "raw"),
    ("n", "NEVER", "application/json", 415),
    ("n", "NEVER", None, 415),
]


@pytest.mark.parametrize("kind,behaviour,ctype,expected", PASSTHROUGH,
                         ids=["%s-%s-%s" % (k, b, c) for k, b, c, _ in PASSTHROUGH])
def test_passthrough_behaviour(gw, kind, behaviour, ctype, expected):
    payload = b'{"k": 2}'
    before = len(gw.backend.requests)
    r = requests.post(gw.url + "/prod/pass/%s/%s" % (kind, behaviour), data=payload,
                      timeout=10, headers={"Content-Type": ctype} if ctype else {})
    if expected == 415:
        assert_gateway_error(r, 415, message="Unsupported Media Type")
        assert r.json() == {"message": "Unsupported Media Type"}
        assert r.headers.get("x-amzn-ErrorType")
        assert len(gw.backend.requests) == before, "a 415 request reached the backend"
        return
    assert r.status_code == 200, r.text
    body = r.json()["body"]
    want = {"json": '{"t": "json", "b": {"k": 2}}', "plain": 'plain:{"k": 2}',
            "raw": '{"k": 2}'}[expected]
    assert body == want, "%s %s %s: backend got %r" % (kind, behaviour, ctype, body)


# -- REST HTTP_PROXY and HTTP API response headers ---------------------------------------------

REMAP_QUERY = [("h", "Date:Mon, 01 Jan 2001 00:00:00 GMT"), ("h", "Server:backend-srv"),
               ("h", "X-Foo:bar")]


def test_rest_proxy_remaps_date_server_connection(turnpike, backend):
    gw = turnpike(base_config(backend.port, workers=1))
    r = requests.get(gw.url + "/prod/headers", params=REMAP_QUERY, timeout=10)
    assert r.status_code == 200
    assert r.headers.get("x-amzn-Remapped-Date") == "Mon, 01 Jan 2001 00:00:00 GMT"
    assert r.headers.get("x-amzn-Remapped-Server") == "backend-srv"
    assert r.headers.get("Date") and "2001" not in r.headers["Date"], \
        "the gateway must send its own Date: %r" % r.headers.get("Date")
    assert r.headers.get("Server") != "backend-srv"
    assert r.headers.get("X-Foo") == "bar"
    remapped_conn = r.headers.get("x-amzn-Remapped-Connection")
    assert remapped_conn is not None, "backend Connection not remapped: %r" % r.headers
    # Content-Length framed backend answer: its length is remapped too
    r = requests.get(gw.url + "/prod/status/200", timeout=10)
    assert r.headers.get("x-amzn-Remapped-Content-Length") == str(len(r.content))


def test_http_api_passes_date_and_server(turnpike, backend):
    api_ = api("web", [proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port)],
               stages=[{"name": "$default"}], api_type="HTTP")
    gw = turnpike(base_config(backend.port, workers=1, apis=[api_],
                              listeners=[{"address": "127.0.0.1:@PORT@",
                                          "default_api": "web"}]))
    with RawConn(gw.port) as c:
        c.send(b"GET /headers?h=Date:Mon,%2001%20Jan%202001%2000:00:00%20GMT"
               b"&h=Server:backend-srv&h=X-Foo:bar HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
    assert r.status == 200
    assert r.header_all("Server") == ["backend-srv"]
    assert r.header("X-Foo") == "bar"
    assert r.header("apigw-requestid")
    names = [k.lower() for k, _ in r.headers]
    assert not any(n.startswith("x-amzn-remapped") for n in names), r.headers
    for hop in ("x-hop-custom", "keep-alive", "proxy-connection"):
        assert hop not in names
    assert r.header_all("Date") == ["Mon, 01 Jan 2001 00:00:00 GMT"], \
        "HTTP API: the backend's Date should pass; got Date %r" % r.header_all("Date")


# -- server.resolve and unresolvable hosts ---------------------------------------------------

def test_server_resolve_points_host_at_local_backend(turnpike, backend):
    routes = [proxy_route("http://petstore.execute-api.eu-west-1.amazonaws.com/petstore/{proxy}")]
    cfg = base_config(backend.port, workers=1, apis=[api("demo", routes)],
                      resolve=[{"host": "petstore.execute-api.eu-west-1.amazonaws.com",
                                "port": 80, "address": "127.0.0.1:%d" % backend.port}])
    gw = turnpike(cfg)
    r = requests.get(gw.url + "/prod/pets/1?x=1", timeout=10)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["path"] == "/petstore/pets/1" and doc["query"] == "x=1"
    hosts = [v for k, v in doc["headers"] if k.lower() == "host"]
    assert hosts == ["petstore.execute-api.eu-west-1.amazonaws.com"], \
        "Host toward a resolved backend: %r" % hosts


def test_unresolvable_backend_warns_and_answers_502(turnpike, backend):
    routes = [proxy_route("http://no-such-host.invalid/{proxy}", route="GET /bad/{proxy+}"),
              proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port)]
    gw = turnpike(base_config(backend.port, workers=1, apis=[api("demo", routes)]))
    r = requests.get(gw.url + "/prod/bad/x", timeout=10)
    assert_gateway_error(r, 502)
    assert r.headers.get("x-amzn-ErrorType")
    assert requests.get(gw.url + "/prod/good", timeout=10).json()["path"] == "/good"
    log = gw.log_text()
    assert "no-such-host.invalid" in log and "resolve" in log.lower(), \
        "no load warning about the unresolvable host:\n" + log


# -- not supported yet -------------------------------------------------------------------------

def not_supported_lines(log):
    return [l for l in log.splitlines() if "not supported yet" in l]


@pytest.mark.parametrize("integration,needle", [
    ({"type": "AWS_PROXY", "uri": "http://127.0.0.1:9/not-a-function"}, "AWS_PROXY"),
    ({"type": "AWS", "uri": "arn:aws:apigateway:us-east-1:s3:path/bucket/key",
      "http_method": "GET", "responses": [{"status": 200}]}, "AWS"),
    ({"type": "MOCK", "request_templates": [("application/json",
                                             '#set($a = 1){"statusCode": 200}')],
      "responses": [{"status": 200}]}, "#set"),
    ({"type": "MOCK", "responses": [{"status": 200, "templates": [
        ("application/json", '{"e": "$util.escapeJavaScript($input.body)"}')]}]}, "$util"),
    ({"type": "MOCK", "responses": [{"status": 200, "templates": [
        ("application/json", '#foreach($x in [1])$x#end')]}]}, "#foreach"),
])
def test_unsupported_feature_warns_and_answers_500(turnpike, backend, integration, needle):
    routes = [{"route": "GET /x", "integration": integration},
              proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port)]
    gw = turnpike(base_config(backend.port, workers=1, apis=[api("demo", routes)]))
    with open(gw.stderr_path) as f:
        stderr = f.read()
    lines = not_supported_lines(stderr)
    assert lines, "no 'not supported yet' warning on stderr:\n" + stderr
    assert any(needle in l for l in lines), "warning does not name %r: %r" % (needle, lines)
    assert any("%s:" % gw.conf_path in l for l in lines), \
        "warning does not name the config file and line: %r" % lines
    before = len(backend.requests)
    assert_internal_error(requests.get(gw.url + "/prod/x", timeout=10))
    assert len(backend.requests) == before
    assert requests.get(gw.url + "/prod/other", timeout=10).status_code == 200

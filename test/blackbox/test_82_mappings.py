"""Tier 82: parameter mappings and stage variables.

REST integrations: request_parameters ``("integration.request.{header|querystring|path}.X",
source)`` with sources method.request.{path|querystring|multivaluequerystring|header|
multivalueheader}.NAME, method.request.body, context.VAR, stageVariables.NAME and
'static'.  HTTP_PROXY passes client headers and query through (mappings add or
replace); HTTP (non-proxy) sends only what is mapped.
HTTP APIs: ``append:/overwrite:/remove:`` header and querystring actions,
``overwrite:path``, value expressions mixing literals and ${...}; response_parameters
keyed by the backend status (overwrite:statuscode, header actions).
Stage variables: in uris (host, path, query) and mappings; a stage lacking a
variable its uri uses answers 500 (and the load warned).
"""

import re
import pytest
import requests

from conftest import base_config, proxy_route
from helpers import RawConn, UUID_RE, assert_gateway_error

pytestmark = pytest.mark.proxy


def api(api_id, routes, stages=None, api_type="REST"):
    return {"id": api_id, "name": api_id, "type": api_type, "routes": routes,
            "stages": stages if stages is not None else [{"name": "prod"}]}


def echo(resp):
    assert resp.status_code == 200, "expected 200 from the backend echo, got %d: %r" % (
        resp.status_code, resp.text[:300])
    return resp.json()


def hdrs(doc, name):
    """Values of header <name> (case-insensitive) as the backend received them."""
    return [v for k, v in doc["headers"] if k.lower() == name.lower()]


def hdr(doc, name):
    vals = hdrs(doc, name)
    assert len(vals) <= 1, "header %s sent %d times: %r" % (name, len(vals), vals)
    return vals[0] if vals else None


def split_list(v):
    return [x.strip() for x in v.split(",")] if v is not None else None


def raw_request(port, text, body=b""):
    with RawConn(port) as c:
        c.send(text.replace("\n", "\r\n").encode("latin-1") + body)
        return c.read_response()


# -- REST, HTTP_PROXY ------------------------------------------------------------------

REST_MAPPINGS = [
    ("integration.request.header.X-From-Query", "method.request.querystring.q"),
    ("integration.request.querystring.a", "'static'"),
    ("integration.request.querystring.from_path", "method.request.path.id"),
    ("integration.request.header.X-Rid", "context.requestId"),
    ("integration.request.header.X-Method", "context.httpMethod"),
    ("integration.request.header.X-Stage-Var", "stageVariables.v"),
    ("integration.request.header.X-Stage", "context.stage"),
    ("integration.request.header.X-Multi-Q", "method.request.multivaluequerystring.m"),
    ("integration.request.header.X-Multi-H", "method.request.multivalueheader.X-Many"),
    ("integration.request.header.X-Copy", "method.request.header.X-In"),
    ("integration.request.header.X-Static", "'a static value'"),
]


@pytest.fixture(scope="module")
def rest_gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    u = "http://127.0.0.1:%d" % b.port
    routes = [
        proxy_route(u + "/items/{id}", route="POST /things/{id}",
                    request_parameters=REST_MAPPINGS),
        proxy_route(u + "/items/{id}", route="GET /lookup",
                    request_parameters=[("integration.request.path.id",
                                         "method.request.querystring.id")]),
        proxy_route(u + "/body", route="POST /body",
                    request_parameters=[("integration.request.header.X-Body",
                                         "method.request.body")]),
        proxy_route("${stageVariables.base}/sv/${stageVariables.seg}?x=${stageVariables.q}",
                    route="GET /sv",
                    request_parameters=[("integration.request.header.X-V",
                                         "stageVariables.v")]),
        proxy_route(u + "/only/${stageVariables.only}", route="GET /only"),
        {"route": "POST /plain", "integration": {
            "type": "HTTP", "uri": u + "/plain/{id}", "http_method": "PUT",
            "request_parameters": [
                ("integration.request.header.X-Mapped", "method.request.header.X-In"),
                ("integration.request.querystring.kept", "method.request.querystring.k"),
                ("integration.request.path.id", "method.request.querystring.id"),
                ("integration.request.header.X-Body", "method.request.body")],
            "responses": [{"status": 200}]}},
    ]
    stages = [{"name": "prod", "variables": {"v": "prod-value", "base": u, "seg": "p",
                                             "q": "qp", "only": "here"}},
              {"name": "dev", "variables": {"v": "dev-value", "base": u, "seg": "d",
                                            "q": "qd"}}]
    gw = module_turnpike(base_config(b.port, workers=1, apis=[api("demo", routes, stages)]))
    gw.backend = b
    return gw


def test_rest_proxy_request_parameters(rest_gw):
    r = raw_request(rest_gw.port,
                    "POST /prod/things/42?q=hello&m=1&m=2&keep=yes HTTP/1.1\n"
                    "Host: x\nX-In: copied\nX-Many: h1\nX-Many: h2\nX-Client: passes\n"
                    "Content-Type: text/plain\nContent-Length: 4\n\n", b"data")
    assert r.status == 200, r
    doc = r.json()
    assert doc["path"] == "/items/42"
    # the client's query passes, the mapped parameters are added
    assert sorted(doc["query"].split("&")) == sorted(
        ["q=hello", "m=1", "m=2", "keep=yes", "a=static", "from_path=42"]), doc["query"]
    assert hdr(doc, "X-From-Query") == "hello"
    assert hdr(doc, "X-Rid") == r.header("x-amzn-RequestId"), \
        "context.requestId %r is not the response's x-amzn-RequestId %r" % (
            hdr(doc, "X-Rid"), r.header("x-amzn-RequestId"))
    assert UUID_RE.match(hdr(doc, "X-Rid"))
    assert hdr(doc, "X-Method") == "POST"
    assert hdr(doc, "X-Stage-Var") == "prod-value"
    assert hdr(doc, "X-Stage") == "prod"
    assert split_list(hdr(doc, "X-Multi-Q")) == ["1", "2"]
    assert split_list(hdr(doc, "X-Multi-H")) == ["h1", "h2"]
    assert hdr(doc, "X-Copy") == "copied"
    assert hdr(doc, "X-Static") == "a static value"
    # HTTP_PROXY: everything else from the client still passes
    assert hdr(doc, "X-Client") == "passes" and hdr(doc, "X-In") == "copied"
    assert doc["body"] == "data"


def test_rest_multivalue_query_with_valueless_fields(rest_gw):
    # "?m&...&m=2&m": a field without '=' is an empty value; the walk over
    # every value resumes after each one (it once read past the query)
    r = raw_request(rest_gw.port, "POST /prod/things/7?m&keep=yes&m=2&m HTTP/1.1\n"
                    "Host: x\nContent-Length: 0\n\n")
    assert r.status == 200, r
    assert split_list(hdr(r.json(), "X-Multi-Q")) == ["", "2", ""]


def test_rest_proxy_client_headers_never_forwarded(rest_gw):
    """rest-api.md section 9: headers API Gateway never forwards from the client
    (and Via, not sent to HTTP integrations); Referer is forwarded."""
    r = raw_request(rest_gw.port,
                    "GET /prod/lookup?id=1 HTTP/1.1\nHost: x\nMax-Forwards: 3\n"
                    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\nTrailer: X-T\n"
                    "Proxy-Authenticate: Basic\nWWW-Authenticate: Basic\nServer: client\n"
                    "Via: 1.1 client-proxy\nReferer: https://ref.example/\n\n")
    assert r.status == 200, r
    doc = r.json()
    names = {k.lower() for k, _ in doc["headers"]}
    for h in ("max-forwards", "content-md5", "trailer", "proxy-authenticate",
              "www-authenticate", "server", "via"):
        assert h not in names, "client header %s forwarded: %r" % (h, doc["headers"])
    assert hdr(doc, "Referer") == "https://ref.example/"


def test_rest_proxy_mapping_replaces_client_values(rest_gw):
    doc = echo(requests.post(rest_gw.url + "/prod/things/1?q=mapped&a=client", timeout=10,
                             headers={"X-From-Query": "client", "X-Static": "client"}))
    assert hdrs(doc, "X-From-Query") == ["mapped"]
    assert hdrs(doc, "X-Static") == ["a static value"]
    assert [p for p in doc["query"].split("&") if p.startswith("a=")] == ["a=static"], \
        "a mapped querystring.a must replace the client's a: %r" % doc["query"]


def test_rest_proxy_missing_source_sends_nothing(rest_gw):
    doc = echo(requests.post(rest_gw.url + "/prod/things/1", timeout=10))
    for name in ("X-From-Query", "X-Multi-Q", "X-Multi-H", "X-Copy"):
        assert hdrs(doc, name) == [], "%s sent although its source is missing: %r" % (
            name, hdrs(doc, name))
    assert hdr(doc, "X-Static") == "a static value"


def test_rest_path_placeholder_from_mapping(rest_gw):
    """uri {id} filled from integration.request.path.id (mapped from the query)."""
    doc = echo(requests.get(rest_gw.url + "/prod/lookup?id=77&z=1", timeout=10))
    assert doc["path"] == "/items/77"
    assert doc["query"] == "id=77&z=1"


def test_rest_proxy_body_mapped_to_header(rest_gw):
    """method.request.body is a valid source for an HTTP_PROXY integration too."""
    doc = echo(requests.post(rest_gw.url + "/prod/body", data=b'{"a":1}', timeout=10,
                             headers={"Content-Type": "application/json"}))
    assert doc["body"] == '{"a":1}'
    assert hdr(doc, "X-Body") == '{"a":1}', \
        "method.request.body mapped to a header of an HTTP_PROXY request: backend got " \
        "X-Body %r" % hdr(doc, "X-Body")


def test_rest_non_proxy_sends_only_mapped_parameters(rest_gw):
    r = requests.post(rest_gw.url + "/prod/plain?k=kv&id=9&other=1", data=b'{"x":1}',
                      timeout=10, headers={"X-In": "v", "X-Client": "not-forwarded",
                                           "Content-Type": "application/json"})
    doc = echo(r)
    assert doc["method"] == "PUT", "http_method PUT toward the backend, got %s" % doc["method"]
    assert doc["path"] == "/plain/9"
    assert doc["query"] == "kept=kv", "non-proxy: only mapped query parameters: %r" % (
        doc["query"])
    assert hdr(doc, "X-Mapped") == "v"
    assert hdr(doc, "X-Body") == '{"x":1}'
    names = {k.lower() for k, _ in doc["headers"]}
    for unwanted in ("x-in", "x-client", "user-agent", "accept", "accept-encoding"):
        assert unwanted not in names, "non-proxy request forwarded the client's %s: %r" % (
            unwanted, doc["headers"])
    assert hdr(doc, "Content-Type") == "application/json"
    assert doc["body"] == '{"x":1}'


# -- stage variables ---------------------------------------------------------------------

@pytest.mark.parametrize("stage,seg,q,v", [("prod", "p", "qp", "prod-value"),
                                           ("dev", "d", "qd", "dev-value")])
def test_stage_variables_in_uri_and_mappings(rest_gw, stage, seg, q, v):
    doc = echo(requests.get(rest_gw.url + "/%s/sv?z=1" % stage, timeout=10))
    assert doc["path"] == "/sv/" + seg
    assert doc["query"].split("&")[0] == "x=" + q and "z=1" in doc["query"].split("&"), \
        doc["query"]
    assert hdr(doc, "X-V") == v


def test_stage_missing_uri_variable_answers_500(rest_gw):
    doc = echo(requests.get(rest_gw.url + "/prod/only", timeout=10))
    assert doc["path"] == "/only/here"
    before = len(rest_gw.backend.requests)
    r = requests.get(rest_gw.url + "/dev/only", timeout=10)
    assert_gateway_error(r, 500, message="Internal server error")
    assert r.headers.get("x-amzn-ErrorType")
    assert len(rest_gw.backend.requests) == before


def test_stage_missing_uri_variable_warned_at_load(rest_gw):
    log = rest_gw.log_text()
    lines = [l for l in log.splitlines() if "only" in l and "dev" in l]
    assert lines, "no load warning naming stage dev and variable 'only':\n" + log
    assert any("warn" in l.lower() for l in lines), lines


# -- HTTP APIs ----------------------------------------------------------------------------

HTTP_REQUEST_MAPPINGS = [
    ("append:header.x-app", "$request.header.y"),
    ("overwrite:header.x-ow", "static text and ${request.querystring.q}"),
    ("remove:header.x-rm", ""),
    ("append:querystring.rid", "$context.requestId"),
    ("remove:querystring.b", ""),
    ("overwrite:querystring.o", "new"),
    ("overwrite:header.x-sv", "$stageVariables.v"),
    ("overwrite:header.x-path", "$request.path"),
    ("overwrite:header.x-pp", "$request.path.id"),
    ("append:header.x-new", "fresh"),
]


@pytest.fixture(scope="module")
def http_gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    u = "http://127.0.0.1:%d" % b.port
    routes = [
        proxy_route(u + "/items/{id}", route="POST /things/{id}",
                    request_parameters=HTTP_REQUEST_MAPPINGS),
        proxy_route(u + "/{proxy}", route="ANY /p/{proxy+}",
                    request_parameters=[("overwrite:path", "/new$request.path")]),
        proxy_route(u + "/body", route="POST /body",
                    request_parameters=[("overwrite:header.x-body-b", "$request.body.a.b"),
                                        ("overwrite:header.x-body", "$request.body")]),
        proxy_route(u + "/join", route="GET /join",
                    request_parameters=[("overwrite:header.x-joined",
                                         "$request.header.x-many")]),
        proxy_route(u + "/{proxy}", route="ANY /r/{proxy+}", response_parameters=[
            {"status": "500", "parameters": [("overwrite:statuscode", "403"),
                                             ("append:header.x-rid", "$context.requestId")]},
            {"status": "404", "parameters": [("overwrite:header.x-sv", "$stageVariables.v")]},
            {"status": "200", "parameters": [("remove:header.x-gone", ""),
                                             ("overwrite:header.x-keep", "replaced"),
                                             ("append:header.x-add", "added")]},
        ]),
    ]
    stages = [{"name": "$default", "variables": {"v": "sv-default"}},
              {"name": "beta", "variables": {"v": "sv-beta"}}]
    gw = module_turnpike(base_config(b.port, workers=1,
                                     apis=[api("demo", routes, stages, api_type="HTTP")]))
    gw.backend = b
    return gw


def test_http_api_request_parameters(http_gw):
    r = raw_request(http_gw.port,
                    "POST /things/42?q=hello&b=1&b=3&keep=yes&o=old HTTP/1.1\nHost: x\n"
                    "y: yv\nx-app: orig\nx-ow: old\nx-rm: bye\nx-other: passes\n"
                    "Content-Length: 0\n\n")
    assert r.status == 200, r
    doc = r.json()
    assert doc["path"] == "/items/42"
    query = doc["query"].split("&")
    assert [p for p in query if p.startswith("b=")] == [], "remove:querystring.b: %r" % query
    assert "q=hello" in query and "keep=yes" in query
    assert [p for p in query if p.startswith("o=")] == ["o=new"], query
    rids = [p[4:] for p in query if p.startswith("rid=")]
    assert len(rids) == 1 and rids[0] in (r.header("x-amzn-RequestId"),
                                          r.header("apigw-requestid")), \
        "append:querystring.rid = $context.requestId gave %r (response ids %r, %r)" % (
            rids, r.header("x-amzn-RequestId"), r.header("apigw-requestid"))
    assert split_list(hdr(doc, "x-app")) == ["orig", "yv"], \
        "append:header keeps the client's value and adds one: %r" % hdrs(doc, "x-app")
    assert hdrs(doc, "x-ow") == ["static text and hello"]
    assert hdrs(doc, "x-rm") == []
    assert hdrs(doc, "x-sv") == ["sv-default"]
    assert hdrs(doc, "x-path") == ["/things/42"]
    assert hdrs(doc, "x-pp") == ["42"]
    assert hdrs(doc, "x-new") == ["fresh"]
    assert hdrs(doc, "x-other") == ["passes"]


def test_http_api_request_header_values_comma_joined(http_gw):
    """http-api.md section 4: $request.header.<name> joins repeated values with commas."""
    r = raw_request(http_gw.port, "GET /join HTTP/1.1\nHost: x\nX-Many: a\nx-many: b\n\n")
    assert r.status == 200, r
    assert hdrs(r.json(), "x-joined") == ["a,b"], hdrs(r.json(), "x-joined")


def test_http_api_sends_forwarded_not_x_forwarded(http_gw):
    """http-api.md section 3: HTTP APIs fold the client's X-Forwarded-* into one RFC 7239
    Forwarded header and append this hop (client address, Host, protocol)."""
    r = raw_request(http_gw.port,
                    "GET /join HTTP/1.1\nHost: api.example.com\n"
                    "Forwarded: for=192.0.2.60;proto=https\n"
                    "X-Forwarded-For: 203.0.113.7, 2001:db8::1\n"
                    "X-Forwarded-Host: evil.example\nX-Forwarded-Proto: https\n"
                    "X-Forwarded-Port: 443\n\n")
    assert r.status == 200, r
    doc = r.json()
    assert hdrs(doc, "Forwarded") == [
        'for=192.0.2.60;proto=https, for=203.0.113.7, for="[2001:db8::1]", '
        'for=127.0.0.1;host=api.example.com;proto=http'], hdrs(doc, "Forwarded")
    for h in ("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
              "X-Forwarded-Port"):
        assert hdrs(doc, h) == [], "%s sent by an HTTP API: %r" % (h, doc["headers"])


def test_http_api_forwarded_quotes_values_that_are_not_tokens(http_gw):
    """RFC 7239: a Host with a port is not a token, so it is quoted; so are
    X-Forwarded-For entries with odd characters (escaped, never passed raw)."""
    r = raw_request(http_gw.port, 'GET /join HTTP/1.1\nHost: api.example.com:8443\n'
                    'X-Forwarded-For: a"b\n\n')
    assert r.status == 200, r
    assert hdrs(r.json(), "Forwarded") == [
        'for="a\\"b", for=127.0.0.1;host="api.example.com:8443";proto=http'], \
        hdrs(r.json(), "Forwarded")


def test_http_api_stage_variable_per_stage(http_gw):
    doc = echo(requests.post(http_gw.url + "/beta/things/1", timeout=10))
    assert hdrs(doc, "x-sv") == ["sv-beta"]
    assert hdrs(doc, "x-path") == ["/things/1"], "$request.path is the path without the stage"


@pytest.mark.parametrize("path,expected", [("/p/a/b?x=1", "/new/p/a/b"),
                                           ("/beta/p/c", "/new/p/c")])
def test_http_api_overwrite_path(http_gw, path, expected):
    doc = echo(requests.get(http_gw.url + path, timeout=10))
    assert doc["path"] == expected
    if "?" in path:
        assert doc["query"] == "x=1"


def post_body(http_gw):
    return echo(requests.post(http_gw.url + "/body", data=b'{"a":{"b":5}}', timeout=10,
                              headers={"Content-Type": "application/json"}))


def test_http_api_whole_body_mapping(http_gw):
    """$request.body (http-api.md section 4)."""
    doc = post_body(http_gw)
    assert doc["body"] == '{"a":{"b":5}}'
    assert hdrs(doc, "x-body") == ['{"a":{"b":5}}'], hdrs(doc, "x-body")


def test_http_api_body_jsonpath_mapping(http_gw):
    """$request.body.<JSONPath> (http-api.md section 4): $request.body.a.b -> 5."""
    doc = post_body(http_gw)
    assert hdrs(doc, "x-body-b") == ["5"], "$request.body.a.b gave %r" % hdrs(doc, "x-body-b")


def test_http_api_response_overwrite_statuscode(http_gw):
    r = requests.get(http_gw.url + "/r/status/500", timeout=10)
    assert r.status_code == 403, "overwrite:statuscode 403 for a backend 500: %d" % (
        r.status_code)
    assert r.json() == {"status": 500}, "the body is the backend's"
    assert r.headers.get("x-rid") in (r.headers.get("x-amzn-RequestId"),
                                      r.headers.get("apigw-requestid"))
    assert r.headers.get("x-rid")


def test_http_api_response_parameters_keyed_by_status(http_gw):
    r = requests.get(http_gw.url + "/beta/r/status/404", timeout=10)
    assert r.status_code == 404 and r.json() == {"status": 404}
    assert r.headers.get("x-sv") == "sv-beta"
    assert "x-rid" not in r.headers
    r = requests.get(http_gw.url + "/r/status/201", timeout=10)
    assert r.status_code == 201
    for h in ("x-rid", "x-sv", "x-add"):
        assert h not in r.headers, "%s added for a status without response_parameters" % h


def test_http_api_response_header_actions(http_gw):
    r = requests.get(http_gw.url + "/r/headers", timeout=10,
                     params=[("h", "x-gone:1"), ("h", "x-keep:orig"), ("h", "x-other:2")])
    assert r.status_code == 200
    assert "x-gone" not in r.headers, "remove:header.x-gone: %r" % r.headers
    assert r.headers.get("x-keep") == "replaced"
    assert r.headers.get("x-add") == "added"
    assert r.headers.get("x-other") == "2"
    assert r.headers.get("apigw-requestid")


# -- mapping that cannot change reserved headers (HTTP APIs) ------------------------------

def check_http_mapping_key(workdir, key):
    """turnpike -t on an HTTP API route mapping <key>: (exit code, output)."""
    from conftest import run_turnpike
    from helpers import render_libconfig
    import os
    routes = [proxy_route("http://127.0.0.1:9/x", route="GET /x",
                          request_parameters=[(key, "x")])]
    cfg = base_config(9, apis=[api("demo", routes, api_type="HTTP")])
    cfg["server"].update(pid_file=workdir + "/t.pid", error_log=workdir + "/e.log",
                         data_dir=workdir + "/data")
    cfg["listeners"][0]["address"] = "127.0.0.1:18080"
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(render_libconfig(cfg))
    return run_turnpike("-c", path, "-t")


def test_http_api_reserved_header_mapping_rejected(workdir):
    """http-api.md section 4: reserved headers cannot be mapped (config error)."""
    rc, out = check_http_mapping_key(workdir, "overwrite:header.x-amz-date")
    assert rc == 1, "mapping the reserved header x-amz-date accepted:\n" + out
    assert "x-amz-date" in out.lower(), out


@pytest.mark.parametrize("key", ["append:header.x-a b", "overwrite:header.x:y",
                                 "append:querystring.a&b", "append:querystring.a=b"])
def test_http_api_mapping_name_that_would_split_rejected(workdir, key):
    """A header or query name that would split the header block or the query
    (space, ':', '&', '=') is a config error naming the key, at its file and line."""
    rc, out = check_http_mapping_key(workdir, key)
    assert rc == 1, "mapping key %r accepted:\n%s" % (key, out)
    assert "invalid name in mapping key" in out and key in out, out
    assert re.search(r"t\.conf:\d+", out), "no FILE:LINE in: " + out


def test_http_api_mapping_name_allowed_characters_accepted(workdir):
    """The control: letters, digits, '.', '_', '$' and '-' pass the same check."""
    rc, out = check_http_mapping_key(workdir, "append:header.X-My_h.v$1")
    assert rc == 0, out

"""Tier 84: gateway responses (errors.md sections 1 and 2).

REST APIs: every triggerable type with its built-in status, message and
x-amzn-ErrorType; customisation of a type (status, header mappings, templates
by Accept); DEFAULT_4XX / DEFAULT_5XX as fallbacks by the type's default status
class, whose status replaces the status of the types falling back to them;
REQUEST_TOO_LARGE cannot be customised.  HTTP APIs: fixed bodies, apigw-requestid,
gateway_responses do not apply.

Triggers: a route miss (MISSING_AUTHENTICATION_TOKEN 403), a body over
max_request_body (REQUEST_TOO_LARGE 413), a refused backend (INTEGRATION_FAILURE
502), a slow backend (INTEGRATION_TIMEOUT 504), a MOCK whose status matches no
integration response (API_CONFIGURATION_ERROR 500), passthrough NEVER
(UNSUPPORTED_MEDIA_TYPE 415).
"""

import json

import pytest
import requests

from conftest import base_config, proxy_route, run_turnpike
from helpers import RawConn, assert_common_headers, assert_gateway_error, free_port

pytestmark = pytest.mark.proxy

MAX_BODY = 1024


def trigger_routes(backend_port, closed_port):
    u = "http://127.0.0.1:%d" % backend_port
    return [
        proxy_route("http://127.0.0.1:%d/x" % closed_port, route="GET /fail"),
        proxy_route(u + "/slow", route="GET /slow", timeout_ms=100),
        proxy_route(u + "/{proxy}", route="POST /big/{proxy+}"),
        {"route": "POST /never", "integration": {
            "type": "HTTP", "uri": u + "/never", "passthrough_behavior": "NEVER",
            "responses": [{"status": 200}]}},
        {"route": "GET /config", "integration": {
            "type": "MOCK", "responses": [{"pattern": "4\\d{2}", "status": 400}]}},
        proxy_route(u + "/ok", route="GET /ok"),
    ]


TRIGGERS = {
    # name: (method, path, body, headers)
    "MISSING_AUTHENTICATION_TOKEN": ("GET", "/nothing/here", None, {}),
    "INTEGRATION_FAILURE": ("GET", "/fail", None, {}),
    "INTEGRATION_TIMEOUT": ("GET", "/slow?ms=1500", None, {}),
    "UNSUPPORTED_MEDIA_TYPE": ("POST", "/never", b"{}", {"Content-Type": "application/json"}),
    "API_CONFIGURATION_ERROR": ("GET", "/config", None, {}),
    "REQUEST_TOO_LARGE": ("POST", "/big/x", b"z" * (MAX_BODY + 1), {}),
}

BUILT_IN = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token",
                                     "MissingAuthenticationTokenException"),
    "INTEGRATION_FAILURE": (502, "Network error communicating with endpoint", None),
    "INTEGRATION_TIMEOUT": (504, "Endpoint request timed out", None),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Unsupported Media Type", None),
    "API_CONFIGURATION_ERROR": (500, "Internal server error", None),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", None),
}

CUSTOM_MAT = {
    "type": "MISSING_AUTHENTICATION_TOKEN", "status": 404,
    "headers": [("gatewayresponse.header.X-Static", "'static'"),
                ("gatewayresponse.header.X-Echo", "method.request.header.h"),
                ("gatewayresponse.header.X-Rid", "context.requestId"),
                ("gatewayresponse.header.X-Var", "stageVariables.v")],
    "templates": [("application/json",
                   '{"msg": $context.error.messageString, "raw": "$context.error.message", '
                   '"type": "$context.error.responseType", "stage": "$context.stage", '
                   '"v": "$stageVariables.v"}'),
                  ("text/plain", "plain $context.error.responseType")],
}

FALLBACKS = [
    {"type": "DEFAULT_4XX", "status": 418,
     "headers": [("gatewayresponse.header.Access-Control-Allow-Origin", "'*'")],
     "templates": [("application/json", '{"d4": "$context.error.responseType", '
                                        '"m": $context.error.messageString}')]},
    {"type": "DEFAULT_5XX",
     "headers": [("gatewayresponse.header.X-D5", "'yes'")],
     "templates": [("application/json", '{"d5": "$context.error.responseType", '
                                        '"m": $context.error.messageString}')]},
    # an own customisation beats the fallback entirely (no DEFAULT_4XX header/status)
    {"type": "UNSUPPORTED_MEDIA_TYPE",
     "templates": [("application/json", '{"own": "$context.error.responseType"}')]},
    # status only: the built-in body stays
    {"type": "INTEGRATION_TIMEOUT", "status": 599},
]


def api(api_id, routes, api_type="REST", stages=None, **extra):
    a = {"id": api_id, "name": api_id, "type": api_type, "routes": routes,
         "stages": stages or [{"name": "prod", "variables": {"v": "var-" + api_id}}]}
    a.update(extra)
    return a


@pytest.fixture(scope="module")
def gw(module_turnpike, module_backend_factory):
    b = module_backend_factory()
    closed = free_port()
    routes = trigger_routes(b.port, closed)
    apis = [
        api("plain", routes),
        api("custom", routes, gateway_responses=[CUSTOM_MAT]),
        api("fallback", routes, gateway_responses=FALLBACKS),
        api("web", [r for r in routes if r["integration"]["type"] == "HTTP_PROXY"],
            api_type="HTTP", stages=[{"name": "$default"}],
            gateway_responses=[FALLBACKS[0]]),
    ]
    g = module_turnpike(base_config(b.port, workers=1, apis=apis,
                                    max_request_body=MAX_BODY,
                                    listeners=[{"address": "127.0.0.1:@PORT@"}]))
    g.backend = b
    return g


def send(gw, api_id, kind, headers=None, chunked=False, stage="/prod"):
    method, path, body, hdrs = TRIGGERS[kind]
    hdrs = dict(hdrs)
    hdrs["Host"] = "%s.execute-api.test" % api_id
    hdrs.update(headers or {})
    if chunked and body is not None:
        data = body

        def gen():
            for i in range(0, len(data), 256):
                yield data[i:i + 256]
        body = gen()
    return requests.request(method, gw.url + stage + path, data=body, headers=hdrs,
                            timeout=15)


# -- built-in responses --------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(TRIGGERS))
def test_built_in_gateway_response(gw, kind):
    status, message, error_type = BUILT_IN[kind]
    r = send(gw, "plain", kind)
    doc = assert_gateway_error(r, status, message=message, error_type=error_type)
    assert list(doc) == ["message"], "built-in body is {\"message\": ...}: %r" % doc
    assert r.headers.get("x-amzn-ErrorType"), "REST gateway response without x-amzn-ErrorType"
    assert "apigw-requestid" not in r.headers


def test_ok_route_is_not_an_error(gw):
    r = requests.get(gw.url + "/prod/ok", headers={"Host": "plain.execute-api.test"},
                     timeout=10)
    assert r.status_code == 200 and r.json()["path"] == "/ok"


# -- a customised type -------------------------------------------------------------------------

def test_customised_type_status_headers_template(gw):
    r = send(gw, "custom", "MISSING_AUTHENTICATION_TOKEN", headers={"h": "echoed"})
    assert r.status_code == 404, r.text
    assert r.headers.get("Content-Type", "").startswith("application/json")
    assert r.json() == {"msg": "Missing Authentication Token",
                        "raw": "Missing Authentication Token",
                        "type": "MISSING_AUTHENTICATION_TOKEN", "stage": "prod",
                        "v": "var-custom"}
    assert r.headers.get("X-Static") == "static"
    assert r.headers.get("X-Echo") == "echoed"
    assert r.headers.get("X-Rid") == r.headers.get("x-amzn-RequestId")
    assert r.headers.get("X-Var") == "var-custom"
    assert r.headers.get("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert_common_headers(r)


def test_customised_type_missing_header_source_omitted(gw):
    r = send(gw, "custom", "MISSING_AUTHENTICATION_TOKEN")
    assert r.status_code == 404
    assert "X-Echo" not in r.headers, "a mapping from an absent header produced %r" % (
        r.headers.get("X-Echo"))


def test_customised_type_template_by_accept(gw):
    r = send(gw, "custom", "MISSING_AUTHENTICATION_TOKEN", headers={"Accept": "text/plain"})
    assert r.status_code == 404
    assert r.text == "plain MISSING_AUTHENTICATION_TOKEN"
    assert r.headers.get("Content-Type", "").startswith("text/plain")
    r = send(gw, "custom", "MISSING_AUTHENTICATION_TOKEN", headers={"Accept": "image/png"})
    assert r.json()["type"] == "MISSING_AUTHENTICATION_TOKEN", "no match -> application/json"


@pytest.mark.parametrize("kind", ["INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT",
                                  "UNSUPPORTED_MEDIA_TYPE", "API_CONFIGURATION_ERROR"])
def test_other_types_not_affected_by_one_customisation(gw, kind):
    status, message, _ = BUILT_IN[kind]
    r = send(gw, "custom", kind)
    assert_gateway_error(r, status, message=message)
    assert "X-Static" not in r.headers


def test_unknown_stage_miss_has_no_stage_variables(gw):
    r = requests.get(gw.url + "/nostage/x", timeout=10,
                     headers={"Host": "custom.execute-api.test"})
    assert r.status_code == 404
    assert r.json()["type"] == "MISSING_AUTHENTICATION_TOKEN"
    assert r.json()["v"] in ("", "$stageVariables.v"), r.json()
    assert "X-Var" not in r.headers


# -- DEFAULT_4XX / DEFAULT_5XX ------------------------------------------------------------------

def test_default_4xx_applies_with_its_status(gw):
    r = send(gw, "fallback", "MISSING_AUTHENTICATION_TOKEN")
    assert r.status_code == 418, "DEFAULT_4XX status 418 replaces 403: got %d" % r.status_code
    assert r.json() == {"d4": "MISSING_AUTHENTICATION_TOKEN",
                        "m": "Missing Authentication Token"}
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    assert r.headers.get("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert "X-D5" not in r.headers


def test_own_customisation_beats_default_4xx(gw):
    r = send(gw, "fallback", "UNSUPPORTED_MEDIA_TYPE")
    assert r.status_code == 415, "own customisation without status keeps 415: %d" % (
        r.status_code)
    assert r.json() == {"own": "UNSUPPORTED_MEDIA_TYPE"}
    assert "Access-Control-Allow-Origin" not in r.headers
    assert r.headers.get("x-amzn-ErrorType")


@pytest.mark.parametrize("kind,status", [("INTEGRATION_FAILURE", 502),
                                         ("API_CONFIGURATION_ERROR", 500)])
def test_default_5xx_without_status_keeps_each_status(gw, kind, status):
    r = send(gw, "fallback", kind)
    assert r.status_code == status, r.text
    assert r.json()["d5"] == kind
    assert isinstance(r.json()["m"], str) and r.json()["m"]
    assert r.headers.get("X-D5") == "yes"
    assert "Access-Control-Allow-Origin" not in r.headers
    assert r.headers.get("x-amzn-ErrorType") == "InternalServerErrorException"


def test_status_only_customisation_keeps_built_in_body(gw):
    r = send(gw, "fallback", "INTEGRATION_TIMEOUT")
    assert r.status_code == 599, r.text
    assert r.json() == {"message": "Endpoint request timed out"}
    assert "X-D5" not in r.headers


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_request_too_large_not_customisable_even_by_default_4xx(gw, chunked):
    r = send(gw, "fallback", "REQUEST_TOO_LARGE", chunked=chunked)
    assert r.status_code == 413, "REQUEST_TOO_LARGE with DEFAULT_4XX (status 418) " \
        "customised: got %d %r" % (r.status_code, r.text)
    assert r.json() == {"message": "Request Too Long"}
    assert "Access-Control-Allow-Origin" not in r.headers
    assert r.headers.get("x-amzn-ErrorType")


def test_request_too_large_customisation_warned_and_ignored(turnpike, backend):
    routes = [proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port)]
    gw = turnpike(base_config(backend.port, workers=1, max_request_body=MAX_BODY, apis=[
        api("demo", routes, gateway_responses=[
            {"type": "REQUEST_TOO_LARGE", "status": 400,
             "templates": [("application/json", '{"custom": true}')]}])]))
    with open(gw.stderr_path) as f:
        stderr = f.read()
    assert "REQUEST_TOO_LARGE" in stderr and "cannot be customized" in stderr.replace(
        "customised", "customized"), "no warning for a REQUEST_TOO_LARGE customisation:\n" \
        + stderr
    r = requests.post(gw.url + "/prod/x", data=b"q" * (MAX_BODY + 10), timeout=10)
    assert_gateway_error(r, 413, message="Request Too Long")
    assert len(backend.requests) == 0


# -- HTTP APIs: fixed bodies ---------------------------------------------------------------------

HTTP_FIXED = [
    ("MISSING_AUTHENTICATION_TOKEN", 404, "Not Found"),
    ("INTEGRATION_FAILURE", 500, "Internal Server Error"),
    ("INTEGRATION_TIMEOUT", 503, "Service Unavailable"),
]


@pytest.mark.parametrize("kind,status,message", HTTP_FIXED, ids=[k for k, _, _ in HTTP_FIXED])
def test_http_api_fixed_error_bodies(gw, kind, status, message):
    r = send(gw, "web", kind, stage="")
    assert r.status_code == status, "%s on an HTTP API: %d %r" % (kind, r.status_code, r.text)
    assert r.json() == {"message": message}, \
        "HTTP API bodies are fixed (gateway_responses do not apply): %r" % r.text
    assert "application/json" in r.headers.get("Content-Type", "")
    assert r.headers.get("apigw-requestid"), "HTTP API error without apigw-requestid"
    assert "Access-Control-Allow-Origin" not in r.headers
    assert_common_headers(r)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_http_api_request_too_large(gw, chunked):
    r = send(gw, "web", "REQUEST_TOO_LARGE", chunked=chunked, stage="")
    assert r.status_code == 413
    assert r.headers.get("apigw-requestid"), \
        "413 from an HTTP API without apigw-requestid: %r %r" % (dict(r.headers), r.text)
    assert r.json() == {"message": "Request Entity Too Large"}, r.text


def test_no_api_at_all_404(gw):
    r = requests.get(gw.url + "/prod/x", headers={"Host": "nowhere.example"}, timeout=10)
    assert_gateway_error(r, 404, message="Not Found")


# -- config checks ---------------------------------------------------------------------------

def test_unknown_gateway_response_type_is_an_error(workdir):
    from helpers import render_libconfig
    import os
    cfg = base_config(9, apis=[api("demo", [proxy_route("http://127.0.0.1:9/{proxy}")],
                                   gateway_responses=[{"type": "NO_SUCH_TYPE",
                                                       "status": 400}])])
    cfg["server"].update(pid_file=workdir + "/t.pid", error_log=workdir + "/e.log",
                         data_dir=workdir + "/data")
    cfg["listeners"][0]["address"] = "127.0.0.1:18080"
    path = os.path.join(workdir, "t.conf")
    text = render_libconfig(cfg)
    with open(path, "w") as f:
        f.write(text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, out
    assert "NO_SUCH_TYPE" in out and "%s:" % path in out, out


def test_error_body_is_valid_json_for_quotes_in_message(gw):
    """$context.error.messageString is JSON-quoted: the customised body parses."""
    r = send(gw, "fallback", "API_CONFIGURATION_ERROR")
    json.loads(r.text)


def test_gateway_error_keeps_keepalive(gw):
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/nothing HTTP/1.1\r\nHost: custom.execute-api.test\r\n\r\n")
        r1 = c.read_response()
        c.send(b"GET /prod/ok HTTP/1.1\r\nHost: custom.execute-api.test\r\n\r\n")
        r2 = c.read_response()
    assert r1.status == 404 and r2.status == 200

"""Tier a1: AWS_PROXY (Lambda proxy) integrations against local functions.

A Lambda custom runtime written here in Python (BOOTSTRAP: the Runtime API loop
of lambda.md 8, urllib only) runs under turnpike's function host; what it does
depends on the request path it finds in the event:

- anything else: echoes the event back as a 1.0 answer (the body is the event)
- .../answer: returns the request's body verbatim as its answer (to drive the
  answer parser: malformed answers, 2.0 inference, cookies, base64)
- .../error: reports an unhandled error (POST .../error)
- .../crash: exits mid-invocation
- .../sleep: sleeps 3 s before answering (integration timeout of 1 s)

Also: an event over Lambda's 6 MB payload (500), access-log integration fields,
a client going away mid-invocation, an HTTP API's $default route.

Functions named by ARN in the uri: a local one, and a remote one run by a second
turnpike behind its admin listener's Invoke API (the `lambda` endpoint).

Every event field of lambda.md 1-3 is checked for a REST API, an HTTP API with
payload 1.0 and one with 2.0; answers per lambda.md 5; failures per errors.md.
"""

import base64
import http.client
import json
import os
import re
import stat
import time

import pytest
import requests

from conftest import base_config
from helpers import assert_gateway_error

ACCOUNT = "123456789012"

BOOTSTRAP = r'''#!/usr/bin/python3
import json, os, sys, time, urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"

def post(path, data, headers=None):
    req = urllib.request.Request(API + path, data=data, method="POST",
                                 headers=headers or {})
    urllib.request.urlopen(req).read()

def path_of(ev):
    return ev.get("rawPath") or ev.get("path") or ""

while True:
    with urllib.request.urlopen(API + "/invocation/next") as resp:
        rid = resp.headers["Lambda-Runtime-Aws-Request-Id"]
        raw = resp.read()
    ev = json.loads(raw)
    p = path_of(ev)
    if p.endswith("/error"):
        post("/invocation/%s/error" % rid,
             json.dumps({"errorMessage": "boom", "errorType": "ValueError"}).encode(),
             {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
        continue
    if p.endswith("/crash"):
        os._exit(3)
    if p.endswith("/sleep"):
        time.sleep(3)
    if p.endswith("/answer"):
        body = ev.get("body") or ""
        out = body.encode("utf-8")
    else:
        out = json.dumps({"statusCode": 200,
                          "headers": {"Content-Type": "application/json"},
                          "body": raw.decode("utf-8")}).encode()
    post("/invocation/%s/response" % rid, out)
'''


@pytest.fixture
def bootstrap(workdir):
    # functions run as the unprivileged user: their directory must be reachable
    os.chmod(workdir, 0o755)
    path = os.path.join(workdir, "bootstrap")
    with open(path, "w") as f:
        f.write(BOOTSTRAP)
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fn_route(key, fmt=None, **extra):
    integ = {"type": "AWS_PROXY", "function": "echo"}
    if fmt is not None:
        integ["payload_format"] = fmt
    integ.update(extra)
    return {"route": key, "integration": integ}


def lambda_config(bootstrap, backend_port, access_log=None):
    routes = [fn_route("ANY /items/{id}"), fn_route("ANY /{proxy+}"),
              fn_route("GET /slow/sleep", timeout_ms=1000)]
    http_routes = lambda fmt: [fn_route("ANY /items/{id}", fmt), fn_route("ANY /{proxy+}", fmt),
                               fn_route("GET /slow/sleep", fmt, timeout_ms=1000)]
    apis = [
        {"id": "demo", "name": "Demo", "type": "REST", "routes": routes,
         "binary_media_types": ["image/png"],
         "stages": [{"name": "prod", "variables": {"env": "dev"}}]},
        {"id": "h1", "name": "H1", "type": "HTTP", "routes": http_routes("1.0"),
         "stages": [{"name": "prod", "variables": {"env": "dev"}}]},
        {"id": "h2", "name": "H2", "type": "HTTP", "routes": http_routes("2.0"),
         "stages": [{"name": "prod", "variables": {"env": "dev"}}]},
    ]
    if access_log is not None:
        apis[0]["stages"][0]["access_log"] = {
            "path": access_log, "format": "$context.requestId $context.status "
            "$context.integration.status $context.integrationLatency"}
    cfg = base_config(backend_port, workers=1, apis=apis, account_id=ACCOUNT)
    cfg["listeners"] = [{"address": "127.0.0.1:@PORT@", "default_api": "demo"},
                        {"address": "127.0.0.1:@PORT2@", "default_api": "h1"},
                        {"address": "127.0.0.1:@PORT3@", "default_api": "h2"}]
    cfg["functions"] = [{"name": "echo", "command": bootstrap, "handler": "echo.handler",
                         "timeout": 10, "concurrency": 4, "warm": 1}]
    return cfg


@pytest.fixture
def gw(turnpike, backend, bootstrap, workdir):
    g = turnpike(lambda_config(bootstrap, backend.port,
                               access_log=os.path.join(workdir, "access.log")))
    g.access_log = os.path.join(workdir, "access.log")
    g.rest = "http://127.0.0.1:%d" % g.ports["@PORT@"]
    g.h1 = "http://127.0.0.1:%d" % g.ports["@PORT2@"]
    g.h2 = "http://127.0.0.1:%d" % g.ports["@PORT3@"]
    return g


def raw_request(base, method, target, headers, body=None):
    """One request with repeated headers (requests folds them)."""
    host, port = base[len("http://"):].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    c.putrequest(method, target, skip_accept_encoding=True)
    for k, v in headers:
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    data = r.read()
    out = (r.status, r.getheaders(), data)
    c.close()
    return out


def event_of(status, headers, data):
    assert status == 200, (status, headers, data[:500])
    return json.loads(data)


HDRS = [("User-Agent", "a1-test/1.0"), ("X-Multi", "one"), ("x-multi", "two"),
        ("X-Forwarded-For", "198.51.100.7"), ("Cookie", "c1=v1; c2=v2"),
        ("Cookie", "c3=v3")]


def check_common_context(ev, ctx, rid):
    assert ctx["accountId"] == ACCOUNT
    assert ctx["domainName"] == "127.0.0.1"
    assert ctx["domainPrefix"] == "127"
    assert re.match(r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$",
                    ctx.get("requestTime") or ctx.get("time"))
    epoch = ctx.get("requestTimeEpoch") or ctx.get("timeEpoch")
    assert abs(epoch / 1000.0 - time.time()) < 120
    assert ctx["requestId"] == rid


# -- events --------------------------------------------------------------------------

def test_rest_event_fields(gw):
    status, headers, data = raw_request(
        gw.rest, "GET", "/prod/items/a%20b?category=electronics&category=books&price=1",
        HDRS)
    ev = event_of(status, headers, data)
    rid = dict((k.lower(), v) for k, v in headers)["x-amzn-requestid"]
    assert "version" not in ev
    assert ev["resource"] == "/items/{id}"
    assert ev["path"] == "/items/a%20b"
    assert ev["httpMethod"] == "GET"
    assert ev["headers"]["X-Multi"] == "two"
    assert ev["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert ev["headers"]["User-Agent"] == "a1-test/1.0"
    assert ev["headers"]["X-Forwarded-For"] == "198.51.100.7, 127.0.0.1"
    assert ev["headers"]["X-Forwarded-Proto"] == "http"
    assert ev["headers"]["X-Forwarded-Port"] == gw.rest.rsplit(":", 1)[1]
    assert ev["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert ev["headers"]["Cookie"] == "c3=v3"
    assert ev["queryStringParameters"] == {"category": "books", "price": "1"}
    assert ev["multiValueQueryStringParameters"] == {
        "category": ["electronics", "books"], "price": ["1"]}
    assert ev["pathParameters"] == {"id": "a b"}
    assert ev["stageVariables"] == {"env": "dev"}
    assert ev["body"] is None and ev["isBase64Encoded"] is False
    ctx = ev["requestContext"]
    check_common_context(ev, ctx, rid)
    assert ctx["apiId"] == "demo" and ctx["stage"] == "prod"
    assert ctx["httpMethod"] == "GET"
    assert ctx["path"] == "/prod/items/a%20b"
    assert ctx["protocol"] == "HTTP/1.1"
    assert ctx["resourcePath"] == "/items/{id}"
    assert re.match(r"^[a-z0-9]{10}$", ctx["resourceId"])
    assert len(ctx["extendedRequestId"]) == 16
    assert "authorizer" not in ctx
    ident = ctx["identity"]
    assert ident["sourceIp"] == "127.0.0.1"
    assert ident["userAgent"] == "a1-test/1.0"
    for k in ("accessKey", "accountId", "caller", "user", "userArn", "apiKey",
              "apiKeyId", "cognitoIdentityId"):
        assert ident[k] is None, k
    assert "clientCert" not in ident


def test_rest_event_no_query_and_text_body(gw):
    r = requests.post(gw.rest + "/prod/other/path", data=b'{"a": "\xc3\xa9"}',
                      headers={"Content-Type": "application/json"}, timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["resource"] == "/{proxy+}"
    assert ev["pathParameters"] == {"proxy": "other/path"}
    assert ev["queryStringParameters"] is None
    assert ev["multiValueQueryStringParameters"] is None
    assert ev["body"] == '{"a": "\u00e9"}'
    assert ev["isBase64Encoded"] is False
    assert "Content-Length" not in ev["headers"]


def test_rest_binary_body_is_base64(gw):
    blob = bytes(range(256))
    r = requests.post(gw.rest + "/prod/bin", data=blob,
                      headers={"Content-Type": "image/png"}, timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["isBase64Encoded"] is True
    assert base64.b64decode(ev["body"]) == blob


def test_http_v1_event_fields(gw):
    status, headers, data = raw_request(gw.h1, "POST", "/prod/items/7?a=1&a=2",
                                        HDRS + [("Content-Type", "text/plain")], b"hi")
    ev = event_of(status, headers, data)
    assert ev["version"] == "1.0"
    assert ev["resource"] == "/items/{id}"
    assert ev["httpMethod"] == "POST"
    assert ev["headers"]["x-multi"] == "two"
    assert ev["multiValueHeaders"]["x-multi"] == ["one", "two"]
    assert ev["queryStringParameters"] == {"a": "2"}
    assert ev["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert ev["pathParameters"] == {"id": "7"}
    assert ev["body"] == "hi" and ev["isBase64Encoded"] is False
    ctx = ev["requestContext"]
    assert ctx["apiId"] == "h1"
    assert ctx["authorizer"] == {"claims": None, "scopes": None}
    assert ctx["resourceId"] is None
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"


def test_http_v2_event_fields(gw):
    status, headers, data = raw_request(gw.h2, "PUT", "/prod/items/7?a=1&a=2&b=x",
                                        HDRS + [("Content-Type", "text/plain")], b"hi")
    ev = event_of(status, headers, data)
    assert ev["version"] == "2.0"
    assert ev["routeKey"] == "ANY /items/{id}"
    assert ev["rawPath"] == "/prod/items/7"
    assert ev["rawQueryString"] == "a=1&a=2&b=x"
    assert ev["cookies"] == ["c1=v1", "c2=v2", "c3=v3"]
    assert "cookie" not in ev["headers"]
    assert ev["headers"]["x-multi"] == "one,two"
    assert ev["headers"]["user-agent"] == "a1-test/1.0"
    assert "multiValueHeaders" not in ev
    assert "multiValueQueryStringParameters" not in ev
    assert ev["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert ev["pathParameters"] == {"id": "7"}
    assert ev["stageVariables"] == {"env": "dev"}
    assert ev["body"] == "hi" and ev["isBase64Encoded"] is False
    ctx = ev["requestContext"]
    rid = dict((k.lower(), v) for k, v in headers)["x-amzn-requestid"] \
        if any(k.lower() == "x-amzn-requestid" for k, v in headers) else ctx["requestId"]
    check_common_context(ev, ctx, rid)
    assert ctx["apiId"] == "h2" and ctx["stage"] == "prod"
    assert ctx["routeKey"] == "ANY /items/{id}"
    assert ctx["http"] == {"method": "PUT", "path": "/prod/items/7", "protocol": "HTTP/1.1",
                           "sourceIp": "127.0.0.1", "userAgent": "a1-test/1.0"}
    assert "authorizer" not in ctx


def test_http_v2_empty_fields_left_out_and_binary(gw):
    r = requests.get(gw.h2 + "/prod/plain", timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    for k in ("cookies", "queryStringParameters", "body"):
        assert k not in ev, k
    assert ev["rawQueryString"] == ""
    blob = b"\x00\xff\xfe binary"
    r = requests.post(gw.h2 + "/prod/bin", data=blob,
                      headers={"Content-Type": "application/octet-stream"}, timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["isBase64Encoded"] is True
    assert base64.b64decode(ev["body"]) == blob


# -- answers ---------------------------------------------------------------------------

def answer(base, doc):
    body = doc if isinstance(doc, str) else json.dumps(doc)
    return requests.post(base + "/prod/x/answer", data=body.encode(),
                         headers={"Content-Type": "application/json"}, timeout=20)


def test_v1_answers(gw):
    for base in (gw.rest, gw.h1):
        r = answer(base, {"statusCode": 201, "headers": {"X-A": "1", "h": True},
                          "multiValueHeaders": {"X-M": ["a", "b"],
                                                "Set-Cookie": ["s1=1", "s2=2"]},
                          "body": "created"})
        assert r.status_code == 201 and r.text == "created"
        assert r.headers["X-A"] == "1" and r.headers["h"] == "true"
        assert r.headers["X-M"] == "a, b"
        assert r.raw.headers.getlist("Set-Cookie") == ["s1=1", "s2=2"]
        assert r.headers["Content-Type"] == "application/json"
        r = answer(base, {"statusCode": "202"})
        assert r.status_code == 202 and r.text == ""
        r = answer(base, {"headers": {"t": "v"}})
        assert r.status_code == 200 and r.headers["t"] == "v"


@pytest.mark.parametrize("doc", [
    {"statusCode": "test"}, {}, "\"justAString\"", {"statusCode": 200, "wrongValue": 1},
    {"statusCode": 200, "multiValueHeaders": {"m": "v1"}}, "not json",
])
def test_v1_malformed_answers_502(gw, doc):
    assert_gateway_error(answer(gw.rest, doc), 502, "Internal server error",
                         "InternalServerErrorException")
    assert_gateway_error(answer(gw.h1, doc), 500, "Internal Server Error")


def test_rest_base64_answer_needs_binary_media_type(gw):
    doc = {"statusCode": 200, "body": base64.b64encode(b"\x89PNG").decode(),
           "isBase64Encoded": True}
    r = answer(gw.rest, doc)
    assert r.status_code == 200 and r.text == doc["body"]   # not binary: as text
    doc["headers"] = {"Content-Type": "image/png"}
    r = answer(gw.rest, doc)
    assert r.status_code == 200 and r.content == b"\x89PNG"


def test_v2_answers(gw):
    r = answer(gw.h2, "\"Hello from Lambda!\"")
    assert r.status_code == 200 and r.text == "Hello from Lambda!"
    assert r.headers["Content-Type"] == "application/json"
    r = answer(gw.h2, {"message": "Hello from Lambda!"})
    assert r.status_code == 200 and r.json() == {"message": "Hello from Lambda!"}
    r = answer(gw.h2, {"statusCode": 418, "cookies": ["c1=v1; Secure", "c2=v2"],
                       "headers": {"content-type": "text/plain"},
                       "body": base64.b64encode(b"\x00\x01tea").decode(),
                       "isBase64Encoded": True})
    assert r.status_code == 418 and r.content == b"\x00\x01tea"
    assert r.headers["Content-Type"] == "text/plain"
    assert r.raw.headers.getlist("Set-Cookie") == ["c1=v1; Secure", "c2=v2"]
    assert_gateway_error(answer(gw.h2, {"statusCode": "x"}), 500, "Internal Server Error")
    assert_gateway_error(answer(gw.h2, "not json"), 500, "Internal Server Error")


# -- failures --------------------------------------------------------------------------

def test_unhandled_error_and_crash_502(gw):
    for path in ("/prod/x/error", "/prod/x/crash"):
        assert_gateway_error(requests.get(gw.rest + path, timeout=20), 502,
                             "Internal server error", "InternalServerErrorException")
        assert_gateway_error(requests.get(gw.h2 + path, timeout=20), 500,
                             "Internal Server Error")
    # the function serves again once the host has replaced the crashed
    # instances (it may refuse while it starts them: a few tries)
    for _ in range(10):
        r = requests.get(gw.rest + "/prod/after", timeout=20)
        if r.status_code == 200:
            break
        time.sleep(0.5)
    assert event_of(r.status_code, r.headers, r.content)["path"] == "/after"


def test_integration_timeout_504(gw):
    assert_gateway_error(requests.get(gw.rest + "/prod/slow/sleep", timeout=20), 504,
                         "Endpoint request timed out", "InternalServerErrorException")
    assert_gateway_error(requests.get(gw.h2 + "/prod/slow/sleep", timeout=20), 503,
                         "Service Unavailable")
    r = requests.get(gw.rest + "/prod/after", timeout=20)
    assert r.status_code == 200


def test_access_log_integration_fields(gw):
    r = answer(gw.rest, {"statusCode": 201, "body": "x"})
    assert r.status_code == 201
    rid = r.headers["x-amzn-RequestId"]
    line = None
    for _ in range(50):
        with open(gw.access_log) as f:
            lines = [l.split() for l in f if l.startswith(rid)]
        if lines:
            line = lines[0]
            break
        time.sleep(0.1)
    assert line is not None, "no access log line for " + rid
    assert line[1] == "201" and line[2] == "201", line
    assert line[3].isdigit(), line


def test_client_abort_then_serving(gw):
    # a client that goes away during an invocation cancels it; the worker
    # goes on serving
    host, port = gw.rest[len("http://"):].split(":")
    import socket
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"GET /prod/slow/sleep HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    s.close()
    r = requests.get(gw.rest + "/prod/after", timeout=20)
    assert event_of(r.status_code, r.headers, r.content)["path"] == "/after"


# -- a function named by its ARN -----------------------------------------------------

ARN = "arn:aws:lambda:eu-west-1:%s:function:echo" % ACCOUNT
APIGW_URI = ("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/%s/invocations"
             % ARN)


def test_uri_naming_a_local_function(turnpike, backend, bootstrap):
    cfg = lambda_config(bootstrap, backend.port)
    cfg["apis"][0]["routes"] = [{"route": "ANY /{proxy+}", "integration": {
        "type": "AWS_PROXY", "uri": APIGW_URI}}]
    g = turnpike(cfg)
    assert "answers 500" not in g.log_text()
    r = requests.get("http://127.0.0.1:%d/prod/by/arn" % g.ports["@PORT@"], timeout=20)
    assert event_of(r.status_code, r.headers, r.content)["path"] == "/by/arn"


def test_remote_function_through_another_turnpike(turnpike, backend, bootstrap):
    # B runs the function and serves the Invoke API on its admin listener;
    # A has no functions and invokes B's by ARN at its `lambda` endpoint
    b_cfg = lambda_config(bootstrap, backend.port)
    b_cfg["server"]["region"] = "eu-west-1"
    b_cfg["metrics"] = {"admin": "127.0.0.1:@PORT4@"}
    b = turnpike(b_cfg, name="b")
    a_cfg = base_config(backend.port, workers=1, account_id=ACCOUNT, region="eu-west-1")
    a_cfg["apis"] = [{"id": "demo", "name": "Demo", "type": "REST",
                      "routes": [{"route": "ANY /{proxy+}", "integration": {
                          "type": "AWS_PROXY", "uri": ARN}}],
                      "stages": [{"name": "prod"}]}]
    a_cfg["lambda"] = {"endpoint": "http://127.0.0.1:%d" % b.ports["@PORT4@"],
                       "timeout_ms": 10000}
    a = turnpike(a_cfg, name="a")
    r = requests.get(a.url + "/prod/remote/x?q=1", timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["path"] == "/remote/x" and ev["queryStringParameters"] == {"q": "1"}
    assert ev["requestContext"]["apiId"] == "demo"
    assert_gateway_error(requests.get(a.url + "/prod/x/error", timeout=20), 502,
                         "Internal server error", "InternalServerErrorException")
    r = answer(a.url, {"statusCode": 203, "body": "remote"})
    assert r.status_code == 203 and r.text == "remote"


def test_remote_without_endpoint_warns_and_answers_500(turnpike, backend):
    cfg = base_config(backend.port, workers=1, account_id=ACCOUNT)
    cfg["apis"][0]["routes"] = [{"route": "ANY /{proxy+}", "integration": {
        "type": "AWS_PROXY", "uri": ARN}}]
    g = turnpike(cfg)
    log = g.log_text()
    assert "AWS_PROXY" in log and "no 'lambda' endpoint" in log, log
    assert_gateway_error(requests.get(g.url + "/prod/x", timeout=20), 500,
                         "Internal server error")


def test_http_default_route(turnpike, backend, bootstrap):
    cfg = lambda_config(bootstrap, backend.port)
    for api in cfg["apis"][1:]:
        fmt = api["routes"][0]["integration"]["payload_format"]
        api["routes"] = [fn_route("$default", fmt)]
    g = turnpike(cfg)
    r = requests.get("http://127.0.0.1:%d/prod/any/where?x=1" % g.ports["@PORT3@"],
                     timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["routeKey"] == "$default"
    assert ev["requestContext"]["routeKey"] == "$default"
    assert ev["rawPath"] == "/prod/any/where"
    assert "pathParameters" not in ev
    r = requests.get("http://127.0.0.1:%d/prod/any/where" % g.ports["@PORT2@"], timeout=20)
    ev = event_of(r.status_code, r.headers, r.content)
    assert ev["resource"] == "$default" and ev["path"] == "/any/where"
    assert ev["requestContext"]["resourcePath"] == "$default"
    assert ev["pathParameters"] is None


def test_event_over_lambda_payload_limit_500(gw):
    # 5 MB of binary body is ~6.7 MB of base64: more than Lambda's 6 MB
    # payload; the invocation cannot start, the gateway answers 500
    blob = os.urandom(5 * 1024 * 1024)
    r = requests.post(gw.rest + "/prod/big", data=blob,
                      headers={"Content-Type": "image/png"}, timeout=60)
    assert_gateway_error(r, 500, "Internal server error")
    r = requests.post(gw.rest + "/prod/big", data=blob[:1024 * 1024],
                      headers={"Content-Type": "image/png"}, timeout=60)
    ev = event_of(r.status_code, r.headers, r.content)
    assert base64.b64decode(ev["body"]) == blob[:1024 * 1024]

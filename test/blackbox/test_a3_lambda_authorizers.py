"""Tier a3: Lambda authorizers (issue 7; auth.md 2 and 3, errors.md), black-box.

The authorizer function here is a remote Lambda: a Python Invoke API endpoint
written in the test (test_a2's LambdaStub, the `lambda` group of the config
pointing at it) that decides by the event it gets and records every call, so
the number of invocations is exact.  Checked:

- TOKEN (REST): the event (type, authorizationToken as sent, methodArn);
  an Allow policy lets the request through to the backend; a Deny policy is
  403 ACCESS_DENIED ("... with an explicit deny"), a policy that does not
  name the method 403 without it; the function failing with "Unauthorized"
  is 401; any other failure, a malformed answer or a closed endpoint is 500
  AUTHORIZER_CONFIGURATION_ERROR ({"message": null}); a missing header or
  one not matching identity_validation_expression is 401 without invoking
- the result cache, shared by both workers: many requests on new
  connections invoke once; the cached policy is evaluated again for another
  method (denied without invoking); ttl = 0 invokes every time; failures
  are not cached
- REQUEST (REST): the event's headers, query, stage variables, path
  parameters and requestContext; a missing identity source is 401
- principalId and context in the access log, a MOCK template and an HTTP
  integration's header mappings ($context.authorizer.*); usageIdentifierKey as the API key when
  api_key_source = AUTHORIZER
- HTTP APIs: payload 2.0 simple responses (isAuthorized true/false, the
  event's version, routeArn, identitySource), 2.0 and 1.0 policies, 500
  "Internal Server Error" on failure

- the local function host: a Python Runtime API bootstrap written here acts
  as the authorizer and appends each event to a file (the invocation count):
  allow, deny, "Unauthorized" -> 401, an error -> 500, the cache shared by two
  workers, a `uri` whose ARN names a local function running locally, an
  AWS_PROXY event carrying principalId and context, and an OpenAPI token
  authorizer (authorizerUri, the scheme's header, identityValidationExpression)
"""

import json
import os

import pytest
import requests

from conftest import base_config, proxy_route
from helpers import wait_until
from test_a0_functions import write_function
from test_a2_invoke_api import LambdaStub

ARN = "arn:aws:lambda:us-west-2:999999999999:function:auth"
REGION = "us-east-1"
ACCOUNT = "123456789012"
LOG_FORMAT = ("$context.requestId|$context.authorizer.principalId|"
              "$context.authorizer.user|$context.authorizer.num|"
              "$context.authorizer.error|$context.status")


def policy(effect, resource):
    return {"Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect,
                           "Resource": resource}]}


def decide(event):
    """The authorizer: its answer by the token (or the first identity value)."""
    tok = event.get("authorizationToken") or ""
    if "identitySource" in event and isinstance(event["identitySource"], list):
        tok = event["identitySource"][0]
    tok = tok.replace("Bearer ", "")
    arn = event.get("methodArn") or event.get("routeArn")
    prefix = arn.split("/")[0]
    if event.get("version") == "2.0" and "simple" in tok:
        return {"isAuthorized": tok.startswith("simple-yes"),
                "context": {"user": "u-" + tok, "obj": {"a": [1]}}}
    if tok.startswith("deny"):
        return {"principalId": "p-" + tok, "policyDocument": policy("Deny", prefix + "/*")}
    if tok.startswith("getonly"):
        return {"principalId": "p-" + tok,
                "policyDocument": policy("Allow", prefix + "/*/GET/*")}
    if tok.startswith("bad"):
        return {"principalId": "p-" + tok}
    answer = {"principalId": "p-" + tok, "policyDocument": policy("Allow", prefix + "/*"),
              "context": {"user": "u-" + tok, "num": 7, "flag": True}}
    if tok.startswith("usage"):
        answer["usageIdentifierKey"] = "usage-key-000000000000000000000001"
    return answer


class Authorizer(LambdaStub):
    """The stub answering with decide(); 'unauth' and 'fail' tokens error."""

    def __init__(self):
        super().__init__()
        self.answer = (200, {}, self.respond)

    def respond(self, body):
        return json.dumps(decide(json.loads(body))).encode()

    def events(self):
        return [json.loads(b) for _, _, b in self.requests]


@pytest.fixture
def fn():
    s = Authorizer()
    yield s
    s.close()


def config(fn, workdir, api_type="REST", authorizers=None, routes=None, workers=1,
           api_extra=None):
    u = "http://127.0.0.1:9"
    if routes is None:
        routes = [dict(proxy_route(u + "/{proxy}"), authorizer="tok")]
    stage = {"name": "prod", "variables": {"sv": "stage-value"},
             "access_log": {"path": os.path.join(workdir, "access.log"),
                            "format": LOG_FORMAT}}
    api = {"id": "api1", "name": "api1", "type": api_type, "routes": routes,
           "stages": [stage]}
    api.update(api_extra or {})
    cfg = base_config(9, workers=workers, apis=[api], region=REGION, account_id=ACCOUNT,
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "api1"}])
    cfg["lambda"] = {"endpoint": "http://127.0.0.1:%d" % fn.port, "region": "us-west-2",
                     "timeout_ms": 5000}
    cfg["authorizers"] = authorizers if authorizers is not None else [
        {"name": "tok", "type": "TOKEN", "uri": ARN,
         "identity_validation_expression": "^Bearer [a-z0-9-]+$"}]
    return cfg


def gateway(turnpike, fn, workdir, backend, **kw):
    cfg = config(fn, workdir, **kw)
    # the proxy routes go to the echo backend
    for r in cfg["apis"][0]["routes"]:
        integ = r["integration"]
        if integ.get("uri", "").startswith("http://127.0.0.1:9/"):
            integ["uri"] = integ["uri"].replace(":9/", ":%d/" % backend.port)
    return turnpike(cfg)


def get(gw, path, token=None, method="GET", headers=None, **kw):
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = token
    # a new connection each time: the kernel spreads them over the workers
    with requests.Session() as s:
        return s.request(method, gw.url + path, headers=h, timeout=10, **kw)


def error(resp, status, message, etype=None):
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.json() == {"message": message} or resp.json() == {"Message": message}, \
        resp.text
    if etype is not None:
        assert resp.headers.get("x-amzn-ErrorType", "").startswith(etype), resp.headers


def access_lines(workdir, n):
    path = os.path.join(workdir, "access.log")

    def lines():
        if not os.path.exists(path):
            return None
        with open(path) as f:
            got = [l.rstrip("\n").split("|") for l in f if l.strip()]
        return got if len(got) >= n else None
    got = wait_until(lines, 10)
    assert got, "access log has fewer than %d lines" % n
    return got


# ---------------------------------------------------------------------------
# TOKEN
# ---------------------------------------------------------------------------

def test_token_allow_event_and_context(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend)
    r = get(gw, "/prod/pets/7?x=1", token="Bearer alice")
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "/pets/7"
    ev = fn.events()
    assert len(ev) == 1
    assert ev[0] == {"type": "TOKEN", "authorizationToken": "Bearer alice",
                     "methodArn": "arn:aws:execute-api:%s:%s:api1/prod/GET/pets/7"
                     % (REGION, ACCOUNT)}
    path, headers, _ = fn.requests[0]
    assert path == "/2015-03-31/functions/%s/invocations" % ARN.replace(":", "%3A")
    # principalId and context in the access log ("-" when unset)
    line = access_lines(workdir, 1)[0]
    assert line[1:] == ["p-alice", "u-alice", "7", "-", "200"], line


def test_token_deny_and_unnamed_method(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend)
    r = get(gw, "/prod/pets", token="Bearer deny-1")
    error(r, 403, "User is not authorized to access this resource with an explicit deny",
          "AccessDeniedException")
    # cached: GET allowed, another method denied by the same cached policy
    assert get(gw, "/prod/pets", token="Bearer getonly-1").status_code == 200
    n = len(fn.requests)
    r = get(gw, "/prod/pets", token="Bearer getonly-1", method="POST", data=b"{}")
    error(r, 403, "User is not authorized to access this resource", "AccessDeniedException")
    assert len(fn.requests) == n, "the cached policy decided"
    assert get(gw, "/prod/other", token="Bearer getonly-1").status_code == 200
    assert len(fn.requests) == n


def test_token_unauthorized_and_failures(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend)
    fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                 b'{"errorMessage": "Unauthorized", "errorType": "Error"}')
    error(get(gw, "/prod/a", token="Bearer unauth"), 401, "Unauthorized",
          "UnauthorizedException")
    fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                 b'{"errorMessage": "boom", "errorType": "Error"}')
    error(get(gw, "/prod/a", token="Bearer fail"), 500, None,
          "AuthorizerConfigurationException")
    fn.answer = (200, {}, b'not json')
    error(get(gw, "/prod/a", token="Bearer garbage"), 500, None)
    fn.answer = (200, {}, fn.respond)
    error(get(gw, "/prod/a", token="Bearer bad-policy"), 500, None)
    n = len(fn.requests)
    # failures are not cached: the function is asked again
    fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                 b'{"errorMessage": "Unauthorized"}')
    error(get(gw, "/prod/a", token="Bearer unauth"), 401, "Unauthorized")
    assert len(fn.requests) == n + 1
    lines = access_lines(workdir, 5)
    assert [l[-1] for l in lines[:5]] == ["401", "500", "500", "500", "401"], lines
    assert lines[1][4] != "-", "the failure's reason is $context.authorizer.error"


def test_token_missing_or_invalid_is_401_without_invoking(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend)
    error(get(gw, "/prod/a"), 401, "Unauthorized", "UnauthorizedException")
    error(get(gw, "/prod/a", token=""), 401, "Unauthorized")
    error(get(gw, "/prod/a", token="Basic abc"), 401, "Unauthorized")
    error(get(gw, "/prod/a", token="Bearer UPPER"), 401, "Unauthorized")
    assert fn.requests == []


def test_function_unreachable_is_500(turnpike, fn, workdir, backend):
    cfg = config(fn, workdir)
    fn.close()
    gw = turnpike(cfg)
    error(get(gw, "/prod/a", token="Bearer alice"), 500, None,
          "AuthorizerConfigurationException")


def test_cache_shared_by_workers(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend, workers=2)
    gw.wait_workers(2)
    for i in range(30):
        assert get(gw, "/prod/c/%d" % i, token="Bearer shared").status_code == 200
    assert len(fn.requests) == 1, "one invocation for 30 requests over 2 workers"
    # another token is another entry
    assert get(gw, "/prod/c", token="Bearer other").status_code == 200
    assert len(fn.requests) == 2


def test_ttl_zero_invokes_every_time(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend, authorizers=[
        {"name": "tok", "type": "TOKEN", "uri": ARN, "ttl": 0}])
    for _ in range(3):
        assert get(gw, "/prod/a", token="Bearer same").status_code == 200
    assert len(fn.requests) == 3


# ---------------------------------------------------------------------------
# REQUEST (REST)
# ---------------------------------------------------------------------------

def test_request_event_and_missing_source(turnpike, fn, workdir, backend):
    u = "http://127.0.0.1:9"
    routes = [dict(proxy_route(u + "/items/{id}", route="GET /items/{id}"), authorizer="req")]
    gw = gateway(turnpike, fn, workdir, backend, routes=routes, authorizers=[
        {"name": "req", "type": "REQUEST", "uri": ARN,
         "identity_source": "method.request.header.Authorization, "
                            "method.request.querystring.q, stageVariables.sv"}])
    r = get(gw, "/prod/items/a%20b?q=x%20y&q=z&o=1", token="alice",
            headers={"X-Multi": "1"})
    assert r.status_code == 200, r.text
    ev = fn.events()[0]
    assert ev["type"] == "REQUEST"
    assert ev["methodArn"] == "arn:aws:execute-api:%s:%s:api1/prod/GET/items/a%%20b" % (
        REGION, ACCOUNT)
    assert ev["resource"] == "/items/{id}"
    assert ev["path"] == "/items/a%20b"
    assert ev["httpMethod"] == "GET"
    assert ev["headers"]["Authorization"] == "alice"
    assert ev["multiValueHeaders"]["X-Multi"] == ["1"]
    assert ev["queryStringParameters"] == {"q": "z", "o": "1"}
    assert ev["multiValueQueryStringParameters"]["q"] == ["x y", "z"]
    assert ev["pathParameters"] == {"id": "a b"}
    assert ev["stageVariables"] == {"sv": "stage-value"}
    rc = ev["requestContext"]
    assert rc["stage"] == "prod" and rc["apiId"] == "api1" and rc["accountId"] == ACCOUNT
    assert rc["httpMethod"] == "GET" and rc["resourcePath"] == "/items/{id}"
    assert rc["identity"]["sourceIp"] == "127.0.0.1"
    assert len(rc["requestId"]) == 36
    # every source is needed while results are cached
    error(get(gw, "/prod/items/1", token="alice"), 401, "Unauthorized")
    assert len(fn.requests) == 1
    # the cache key is every value: another query value invokes again
    assert get(gw, "/prod/items/1?q=other", token="alice").status_code == 200
    assert len(fn.requests) == 2
    assert get(gw, "/prod/items/2?q=other", token="alice").status_code == 200
    assert len(fn.requests) == 2


def test_context_in_templates_and_usage_key(turnpike, fn, workdir, backend):
    tmpl = ('{"p": "$context.authorizer.principalId", "u": "$context.authorizer.user", '
            '"n": "$context.authorizer.num", "f": "$context.authorizer.flag", '
            '"k": "$context.identity.apiKeyId"}')
    routes = [{"route": "GET /m", "authorizer": "tok", "integration": {
        "type": "MOCK", "responses": [{"status": 200, "templates": [
            ("application/json", tmpl)]}]}},
        {"route": "GET /keyed", "authorizer": "tok", "api_key_required": True,
         "integration": {"type": "MOCK", "responses": [{"status": 200, "templates": [
             ("application/json", tmpl)]}]}}]
    routes.append({"route": "GET /mapped", "authorizer": "tok", "integration": {
        "type": "HTTP", "uri": "http://127.0.0.1:%d/echo" % backend.port,
        "responses": [{"status": 200}],
        "request_parameters": [
            ("integration.request.header.X-User", "context.authorizer.user"),
            ("integration.request.header.X-Principal", "context.authorizer.principalId")]}})
    cfg = config(fn, workdir, routes=routes, api_extra={"api_key_source": "AUTHORIZER"})
    cfg["usage_plans"] = [{"name": "basic", "stages": ["api1/prod"]}]
    cfg["api_keys"] = [{"name": "k1", "value": "usage-key-000000000000000000000001",
                        "plans": ["basic"]}]
    gw = turnpike(cfg)
    r = get(gw, "/prod/m", token="Bearer carol")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["p"], doc["u"], doc["n"], doc["f"]) == ("p-carol", "u-carol", "7", "true")
    assert "AUTHORIZER" not in gw.log_text(), "no warning about the key source"
    # header mappings read the context too
    r = get(gw, "/prod/mapped", token="Bearer carol")
    assert r.status_code == 200, r.text
    got = dict((k.lower(), v) for k, v in r.json()["headers"])
    assert got["x-user"] == "u-carol" and got["x-principal"] == "p-carol", got
    # the key comes from the authorizer, not from x-api-key
    r = get(gw, "/prod/keyed", token="Bearer usage-1")
    assert r.status_code == 200, r.text
    # the key's id (generated for file keys) once the key was accepted
    assert r.json()["k"] not in ("", "$context.identity.apiKeyId"), r.text
    r = get(gw, "/prod/keyed", token="Bearer carol",
            headers={"x-api-key": "usage-key-000000000000000000000001"})
    assert r.status_code == 403, r.text


# ---------------------------------------------------------------------------
# HTTP APIs
# ---------------------------------------------------------------------------

def http_routes():
    return [dict(proxy_route("http://127.0.0.1:9/{proxy}"), authorizer="h")]


def test_http_simple_responses(turnpike, fn, workdir, backend):
    gw = gateway(turnpike, fn, workdir, backend, api_type="HTTP", routes=http_routes(),
                 authorizers=[{"name": "h", "type": "REQUEST", "uri": ARN,
                               "identity_source": ["$request.header.Authorization",
                                                   "$context.routeKey"],
                               "payload_format": "2.0", "simple_responses": True}])
    r = get(gw, "/prod/x?a=1&a=2", token="simple-yes")
    assert r.status_code == 200, r.text
    ev = fn.events()[0]
    assert ev["version"] == "2.0" and ev["type"] == "REQUEST"
    assert ev["routeArn"] == "arn:aws:execute-api:%s:%s:api1/prod/GET/x" % (REGION, ACCOUNT)
    assert ev["identitySource"] == ["simple-yes", "ANY /{proxy+}"]
    assert ev["routeKey"] == "ANY /{proxy+}"
    assert ev["rawQueryString"] == "a=1&a=2"
    assert ev["queryStringParameters"] == {"a": "1,2"}
    assert ev["headers"]["authorization"] == "simple-yes"
    assert ev["requestContext"]["http"]["method"] == "GET"
    line = access_lines(workdir, 1)[0]
    assert line[2] == "u-simple-yes", line
    r = get(gw, "/prod/x", token="simple-no")
    error(r, 403, "Forbidden")
    error(get(gw, "/prod/x"), 401, "Unauthorized")
    assert len(fn.requests) == 2
    fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"}, b'{"errorMessage": "x"}')
    error(get(gw, "/prod/x", token="simple-err"), 500, "Internal Server Error")


@pytest.mark.parametrize("fmt", ["1.0", "2.0"])
def test_http_policy_answers(turnpike, fn, workdir, backend, fmt):
    gw = gateway(turnpike, fn, workdir, backend, api_type="HTTP", routes=http_routes(),
                 authorizers=[{"name": "h", "type": "REQUEST", "uri": ARN, "ttl": 0,
                               "identity_source": "$request.header.Authorization",
                               "payload_format": fmt}])
    assert get(gw, "/prod/x", token="Bearer dave").status_code == 200
    error(get(gw, "/prod/x", token="Bearer deny-2"), 403, "Forbidden")
    ev = fn.events()[0]
    if fmt == "1.0":
        assert ev["version"] == "1.0" and ev["identitySource"] == "Bearer dave"
        assert ev["authorizationToken"] == "Bearer dave" and "methodArn" in ev
    else:
        assert ev["identitySource"] == ["Bearer dave"] and "routeArn" in ev


# ---------------------------------------------------------------------------
# the local function host: a Runtime API bootstrap as the authorizer
# ---------------------------------------------------------------------------

AUTH_BOOTSTRAP = r'''#!/usr/bin/python3
import http.client, json, os
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))
calls = os.path.join(os.environ["LAMBDA_TASK_ROOT"], "calls", "log")
base = "/2018-06-01/runtime/invocation/"
while True:
    conn.request("GET", base + "next")
    r = conn.getresponse()
    event = json.loads(r.read())
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    if "type" not in event:
        # a proxy integration's event: show what the authorizer left
        auth = event["requestContext"].get("authorizer")
        conn.request("POST", base + rid + "/response",
                     json.dumps({"statusCode": 200, "body": json.dumps(auth)}))
        conn.getresponse().read()
        continue
    with open(calls, "a") as f:
        f.write(json.dumps(event) + "\n")
    tok = event.get("authorizationToken", "").replace("Bearer ", "")
    prefix = event["methodArn"].split("/")[0]
    if tok in ("unauth", "fail"):
        msg = "Unauthorized" if tok == "unauth" else "boom"
        conn.request("POST", base + rid + "/error",
                     json.dumps({"errorMessage": msg, "errorType": "Error"}),
                     {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
        conn.getresponse().read()
        continue
    effect = "Deny" if tok.startswith("deny") else "Allow"
    out = {"principalId": "local-" + tok, "context": {"user": "u-" + tok},
           "policyDocument": {"Version": "2012-10-17", "Statement": [
               {"Action": "execute-api:Invoke", "Effect": effect,
                "Resource": prefix + "/*"}]}}
    conn.request("POST", base + rid + "/response", json.dumps(out))
    conn.getresponse().read()
'''


def local_gateway(turnpike, workdir, backend, authorizer, workers=1, openapi=None):
    d = write_function(workdir, "localauth", {"bootstrap": AUTH_BOOTSTRAP})
    calls = os.path.join(d, "calls")
    os.makedirs(calls, exist_ok=True)
    os.chmod(calls, 0o777)
    routes = [dict(proxy_route("http://127.0.0.1:%d/{proxy}" % backend.port),
                   authorizer="tok"),
              {"route": "GET /proxied", "authorizer": "tok",
               "integration": {"type": "AWS_PROXY", "function": "localauth"}}]
    stage = {"name": "prod", "access_log": {"path": os.path.join(workdir, "access.log"),
                                            "format": LOG_FORMAT}}
    api = {"id": "api1", "name": "api1", "type": "REST", "routes": routes,
           "stages": [stage]}
    cfg = base_config(9, workers=workers, apis=[api], region=REGION, account_id=ACCOUNT,
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "api1"}])
    cfg["functions"] = [{"name": "localauth", "command": os.path.join(d, "bootstrap"),
                         "timeout": 10}]
    if openapi is not None:
        api["routes"] = []
        api["openapi"] = openapi
    else:
        cfg["authorizers"] = [dict(authorizer, name="tok", type="TOKEN")]
    gw = turnpike(cfg)
    log = os.path.join(calls, "log")

    def count():
        if not os.path.exists(log):
            return 0
        with open(log) as f:
            return sum(1 for _ in f)
    return gw, count


def test_local_function_decides(turnpike, workdir, backend):
    gw, count = local_gateway(turnpike, workdir, backend, {"function": "localauth"})
    r = get(gw, "/prod/a", token="Bearer erin")
    assert r.status_code == 200, r.text
    assert count() == 1
    error(get(gw, "/prod/a", token="Bearer deny-3"), 403,
          "User is not authorized to access this resource with an explicit deny")
    error(get(gw, "/prod/a", token="Bearer unauth"), 401, "Unauthorized")
    error(get(gw, "/prod/a", token="Bearer fail"), 500, None,
          "AuthorizerConfigurationException")
    error(get(gw, "/prod/a"), 401, "Unauthorized")
    assert count() == 4, "no invocation without a token"
    line = access_lines(workdir, 1)[0]
    assert line[1:3] == ["local-erin", "u-erin"], line


def test_proxy_event_carries_principal_and_context(turnpike, workdir, backend):
    gw, count = local_gateway(turnpike, workdir, backend, {"function": "localauth"})
    r = get(gw, "/prod/proxied", token="Bearer hal")
    assert r.status_code == 200, r.text
    assert r.json() == {"principalId": "local-hal", "user": "u-hal"}
    assert count() == 1


def test_local_cache_shared_by_workers(turnpike, workdir, backend):
    gw, count = local_gateway(turnpike, workdir, backend, {"function": "localauth"},
                              workers=2)
    gw.wait_workers(2)
    for i in range(20):
        assert get(gw, "/prod/c/%d" % i, token="Bearer frank").status_code == 200
    assert count() == 1


def test_uri_naming_a_local_function_runs_it(turnpike, workdir, backend):
    uri = ("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/arn:aws:lambda:%s:%s:"
           "function:localauth/invocations" % (REGION, REGION, ACCOUNT))
    gw, count = local_gateway(turnpike, workdir, backend, {"uri": uri, "ttl": 0})
    assert get(gw, "/prod/a", token="Bearer gina").status_code == 200
    assert get(gw, "/prod/a", token="Bearer gina").status_code == 200
    assert count() == 2


def test_openapi_token_authorizer_runs_the_local_function(turnpike, workdir, backend):
    """A REST API's x-amazon-apigateway-authorizer of type token whose
    authorizerUri names a function of `functions`: that one runs; the header
    comes from the apiKey scheme's name, the validation expression applies."""
    uri = ("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/arn:aws:lambda:%s:%s:"
           "function:localauth/invocations" % (REGION, REGION, ACCOUNT))
    doc = {
        "swagger": "2.0", "info": {"title": "oa", "version": "1"},
        "securityDefinitions": {"custom": {
            "type": "apiKey", "name": "X-Auth", "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "type": "token", "authorizerUri": uri,
                "identityValidationExpression": "^Bearer [a-z]+$",
                "authorizerResultTtlInSeconds": 0}}},
        "paths": {"/pets": {"get": {
            "security": [{"custom": []}],
            "x-amazon-apigateway-integration": {
                "type": "http_proxy", "httpMethod": "GET",
                "uri": "http://127.0.0.1:%d/pets" % backend.port}}}}}
    path = os.path.join(workdir, "api.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    gw, count = local_gateway(turnpike, workdir, backend, None, openapi=path)
    r = get(gw, "/prod/pets", headers={"X-Auth": "Bearer ivy"})
    assert r.status_code == 200, r.text
    error(get(gw, "/prod/pets", headers={"X-Auth": "Bearer deny"}), 403,
          "User is not authorized to access this resource with an explicit deny")
    error(get(gw, "/prod/pets", headers={"X-Auth": "Bearer 123"}), 401, "Unauthorized")
    error(get(gw, "/prod/pets", token="Bearer ivy"), 401, "Unauthorized")
    assert count() == 2
    assert "not supported" not in gw.log_text()

"""Tier 97: IAM authorization (AWS_IAM routes), black-box.

Requests are signed with botocore's own signers (``botocore.auth.SigV4Auth`` for
the Authorization header, ``SigV4QueryAuth`` for presigned URLs) and sent with
http.client, so that what reaches the gateway is exactly what botocore signed.
Checked here:

- signed GET/POST reach the backend: bodies with Content-Length and chunked, a body
  larger than the client buffer, query strings with encodings, paths with spaces
  and unicode, presigned URLs, session tokens; X-Amz-Content-Sha256 (a hash is
  checked against the body, UNSIGNED-PAYLOAD is accepted)
- every failure with API Gateway's status, x-amzn-ErrorType and message: no
  signature, tampered signature/path/query/header/body, unknown key, wrong region,
  wrong service, too old, too new, presigned expired, header and query combined,
  missing or wrong session token
- identity policies: allow, no allow, resource wildcard mismatch, explicit deny wins
  over an allow in another policy, a cross-account principal without a resource
  policy is denied; with a resource policy: another account needs both sides, the
  same account either, a Deny in it wins
- the credentials are not forwarded: no Authorization or X-Amz-Security-Token header,
  no X-Amz-Signature in the query
- $context.identity.{accessKey,caller,user,userArn,accountId} in an access log
- Cache-Control: max-age=0 on a stage cache with require_authorization: allowed with
  execute-api:InvalidateCache, else the stage's FAIL_WITH_403
- HTTP APIs: the same checks and texts, without x-amzn-ErrorType
- OpenAPI import: an awsSigv4 security scheme and x-amazon-apigateway-auth AWS_IAM
  make enforced AWS_IAM routes
- `turnpike -t`: FILE:LINE errors for bad iam settings (secrets never printed)
"""

import datetime
import hashlib
import http.client
import json
import os
import re
import uuid
from unittest import mock
from urllib.parse import quote

import botocore.auth
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from backend import pattern
from conftest import proxy_route, run_turnpike
from helpers import RawConn, assert_gateway_error, wait_until
from test_87_config_errors import NEEDLE, check_error, check_ok, config_text
from traffic import module_gateway, reachable_workdir  # noqa: F401

pytestmark = pytest.mark.usefixtures("reachable_workdir")

REGION = "eu-west-3"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "999988887777"
API = "iamapi"
ARN = "arn:aws:execute-api:%s:%s:%s" % (REGION, ACCOUNT, API)
HTTP_ARN = "arn:aws:execute-api:%s:%s:hiam" % (REGION, ACCOUNT)
OA_ARN = "arn:aws:execute-api:%s:%s:oapi" % (REGION, ACCOUNT)
RP_ARN = "arn:aws:execute-api:%s:%s:rp" % (REGION, ACCOUNT)
# as API Gateway's messages show it: the account masked but its last 4 digits
MASKED_ARN = "arn:aws:execute-api:%s:********%s:%s" % (REGION, ACCOUNT[-4:], API)

MISSING = "Missing Authentication Token"
BAD_TOKEN = "The security token included in the request is invalid."
MISMATCH_START = ("The request signature we calculated does not match the signature "
                  "you provided. Check your AWS Secret Access Key and signing method. "
                  "Consult the service documentation for details.")


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(resource, action="execute-api:Invoke"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(resource, action="execute-api:Invoke"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def principal(name, akid, secret, policies, **extra):
    p = {"name": name, "access_key_id": akid, "secret_access_key": secret,
         "policies": policies}
    p.update(extra)
    return p


# name -> (access key id, secret, session token or None)
KEYS = {
    "alice": ("AKIAALICE00000000001", "alice/Secret+Key0123456789abcdefghijklm", None),
    "bob": ("AKIABOB0000000000002", "bobSecretKey", None),
    "carol": ("AKIACAROL00000000003", "carolSecretKey", None),
    "dave": ("AKIADAVE000000000004", "daveSecretKey", None),
    "temp": ("ASIATEMP000000000005", "tempSecretKey",
             "FwoGZXIvYXdzEJr//////////wEaDOtoken+with/slashes=="),
    "xacct": ("AKIAXACCT00000000006", "xacctSecretKey", None),
    "cacher": ("AKIACACHER0000000007", "cacherSecretKey", None),
}


def principals():
    k = KEYS
    return [
        principal("alice", k["alice"][0], k["alice"][1],
                  [policy(allow([ARN + "/*", HTTP_ARN + "/*", OA_ARN + "/*",
                                 RP_ARN + "/*"]))]),
        # only GET under /pets
        principal("bob", k["bob"][0], k["bob"][1],
                  [policy(allow(ARN + "/prod/GET/pets/*"))]),
        principal("carol", k["carol"][0], k["carol"][1], []),
        # two policies: everything, but DELETE denied by the second
        principal("dave", k["dave"][0], k["dave"][1],
                  [policy(allow(ARN + "/*")), policy(deny(ARN + "/*/DELETE/*"))]),
        principal("temp", k["temp"][0], k["temp"][1], [policy(allow(ARN + "/*"))],
                  session_token=k["temp"][2]),
        principal("xacct", k["xacct"][0], k["xacct"][1], [policy(allow("*"))],
                  account_id=OTHER_ACCOUNT),
        principal("cacher", k["cacher"][0], k["cacher"][1],
                  [policy(allow(ARN + "/*", action=["execute-api:Invoke",
                                                     "execute-api:InvalidateCache"]))]),
    ]


IDENTITY_FMT = ("$context.requestId key=$context.identity.accessKey "
                "caller=$context.identity.caller user=$context.identity.user "
                "arn=$context.identity.userArn acct=$context.identity.accountId "
                "status=$context.status")


def openapi_doc(u):
    """Swagger 2.0 as API Gateway exports it: an awsSigv4 security scheme, and
    x-amazon-apigateway-auth on an operation."""
    def op(**extra):
        o = {"responses": {"200": {"description": "ok"}},
             "x-amazon-apigateway-integration": {
                 "type": "http_proxy", "httpMethod": "GET", "uri": u + "/oa"}}
        o.update(extra)
        return o
    return {
        "swagger": "2.0", "info": {"title": "oapi", "version": "1"},
        "securityDefinitions": {"sigv4": {
            "type": "apiKey", "name": "Authorization", "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4"}},
        "paths": {
            "/sig": {"get": op(security=[{"sigv4": []}])},
            "/auth": {"get": op(**{"x-amazon-apigateway-auth": {"type": "AWS_IAM"}})},
            "/none": {"get": op()},
        }}


def resource_policy():
    """API "rp": another account's user may read /shared, carol (no identity policy)
    may read /carol, nobody may read /shared/secret."""
    def stmt(effect, who, resource):
        return {"Effect": effect, "Principal": who, "Action": "execute-api:Invoke",
                "Resource": resource}
    return policy(
        stmt("Allow", {"AWS": "arn:aws:iam::%s:user/xacct" % OTHER_ACCOUNT},
             "execute-api:/prod/GET/shared/*"),
        stmt("Allow", {"AWS": "arn:aws:iam::%s:user/carol" % ACCOUNT},
             "execute-api:/prod/GET/carol/*"),
        stmt("Deny", "*", "execute-api:/prod/GET/shared/secret"))


def iam_config(workdir, backend_port):
    u = "http://127.0.0.1:%d" % backend_port
    with open(os.path.join(workdir, "oapi.json"), "w") as f:
        json.dump(openapi_doc(u), f)

    def iam(route):
        route["authorization"] = "AWS_IAM"
        return route
    routes = [
        iam(proxy_route(u + "/{proxy}")),
        proxy_route(u + "/open", route="GET /open"),
        iam(dict(proxy_route(u + "/c/{proxy}", route="GET /c/{proxy+}"),
                 **{})),
    ]
    routes[2]["integration"]["cache_key_parameters"] = ["method.request.path.proxy"]
    rest = {"id": API, "name": API, "type": "REST", "routes": routes, "stages": [
        {"name": "prod", "access_log": {"path": os.path.join(workdir, "iam.log"),
                                        "format": IDENTITY_FMT}},
        {"name": "cached", "cache": {"ttl": 300, "require_authorization": True,
                                     "unauthorized_strategy": "FAIL_WITH_403"}},
    ]}
    http_api = {"id": "hiam", "name": "hiam", "type": "HTTP",
                "routes": [iam(proxy_route(u + "/h/{proxy}", route="ANY /h/{proxy+}"))],
                "stages": [{"name": "$default"}]}
    oapi = {"id": "oapi", "name": "oapi", "type": "REST", "openapi": "oapi.json",
            "stages": [{"name": "prod"}]}
    rp = {"id": "rp", "name": "rp", "type": "REST", "policy": resource_policy(),
          "routes": [iam(proxy_route(u + "/rp/{proxy}"))], "stages": [{"name": "prod"}]}
    return {
        "server": {"workers": 2, "log_level": "info", "region": REGION,
                   "account_id": ACCOUNT, "client_header_timeout_ms": 5000,
                   "keepalive_timeout_ms": 5000},
        "listeners": [{"address": "127.0.0.1:@PORT@", "default_api": API},
                      {"address": "127.0.0.1:@PORT2@", "default_api": "hiam"},
                      {"address": "127.0.0.1:@PORT3@", "default_api": "oapi"},
                      {"address": "127.0.0.1:@PORT4@", "default_api": "rp"}],
        "apis": [rest, http_api, oapi, rp],
        "iam": {"principals": principals()},
        "cache": {"size": "16M"},
    }


@pytest.fixture(scope="module")
def gw(module_gateway, module_backend_factory):
    b = module_backend_factory()
    g = module_gateway(lambda d: iam_config(d, b.port))
    g.backend = b
    g.wait_workers(2)
    return g


# -- signing and sending ---------------------------------------------------------------------

def creds(name):
    akid, secret, token = KEYS[name]
    return Credentials(akid, secret, token)


def base(gw, token="@PORT@"):
    return "http://127.0.0.1:%d" % gw.ports[token]


def signed(gw, method, path, who="alice", body=None, headers=None, when=None,
           region=REGION, service="execute-api", presign=None, port="@PORT@",
           credentials=None):
    """An AWSRequest for <path> (already encoded as it goes on the wire), signed by
    botocore as <who> at <when> (a datetime, UTC; default now).  presign: seconds
    of X-Amz-Expires for SigV4QueryAuth instead of the Authorization header."""
    req = AWSRequest(method=method, url=base(gw, port) + path, data=body,
                     headers=dict(headers or {}))
    c = credentials or creds(who)
    signer = (SigV4QueryAuth(c, service, region, expires=presign) if presign is not None
              else SigV4Auth(c, service, region))
    if when is None:
        signer.add_auth(req)
    else:
        with mock.patch.object(botocore.auth, "datetime") as dt:
            dt.datetime.utcnow.return_value = when
            signer.add_auth(req)
    return req


class Resp:
    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.content = body
        self.text = body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


def send(gw, req, chunked=False, extra_headers=None, port="@PORT@"):
    """Sends an AWSRequest as signed (url, headers, body) with http.client."""
    m = re.match(r"^https?://[^/]+(/.*)$", req.url)
    target = m.group(1)
    body = req.body
    if isinstance(body, str):
        body = body.encode()
    conn = http.client.HTTPConnection("127.0.0.1", gw.ports[port], timeout=30)
    try:
        conn.putrequest(req.method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in req.headers.items():
            conn.putheader(k, v)
        if "host" not in {k.lower() for k in req.headers}:
            conn.putheader("Host", "127.0.0.1:%d" % gw.ports[port])
        for k, v in (extra_headers or {}).items():
            conn.putheader(k, v)
        if body and chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        elif body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body and chunked:
            step = 7777
            for i in range(0, len(body), step):
                part = body[i:i + step]
                conn.send(b"%x\r\n%s\r\n" % (len(part), part))
            conn.send(b"0\r\n\r\n")
        elif body:
            conn.send(body)
        r = conn.getresponse()
        return Resp(r.status, r.headers, r.read())
    finally:
        conn.close()


def call(gw, method, path, **kw):
    chunked = kw.pop("chunked", False)
    extra = kw.pop("extra_headers", None)
    port = kw.get("port", "@PORT@")
    return send(gw, signed(gw, method, path, **kw), chunked=chunked,
                extra_headers=extra, port=port)


def echo(resp):
    assert resp.status_code == 200, "expected 200, got %d: %s" % (
        resp.status_code, resp.text[:600])
    return resp.json()


def echo_header(doc, name):
    for k, v in doc["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def refused(resp, status, error_type, message=None, prefix=None):
    doc = assert_gateway_error(resp, status, error_type=error_type, message=message) \
        if error_type != "AccessDeniedException" else None
    if doc is None:
        assert resp.status_code == status, (resp.status_code, resp.text)
        doc = resp.json()
        assert resp.headers.get("x-amzn-ErrorType") == error_type, dict(resp.headers)
        if message is not None:
            assert doc.get("Message") == message, doc
    if prefix is not None:
        assert doc["message"].startswith(prefix), "message %r does not start with %r" % (
            doc["message"][:300], prefix)
    return doc


def now():
    return datetime.datetime.utcnow()


def tok():
    return uuid.uuid4().hex[:10]


# -- signed requests reach the backend -------------------------------------------------------

def test_signed_get_reaches_the_backend(gw):
    doc = echo(call(gw, "GET", "/prod/pets/1"))
    assert doc["method"] == "GET"
    assert doc["path"] == "/pets/1"


def test_unsigned_request_to_an_open_route_passes(gw):
    r = send(gw, AWSRequest(method="GET", url=base(gw) + "/prod/open"))
    assert r.status_code == 200, r.text


def test_no_signature_is_missing_authentication_token(gw):
    r = send(gw, AWSRequest(method="GET", url=base(gw) + "/prod/pets/1"))
    assert_gateway_error(r, 403, MISSING, "MissingAuthenticationTokenException")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("size", [13, 200000], ids=["small", "beyond-buffer"])
def test_signed_post_with_body_reaches_the_backend_whole(gw, chunked, size):
    body = pattern(size)
    doc = echo(call(gw, "POST", "/prod/upload", body=body, chunked=chunked,
                    headers={"Content-Type": "application/octet-stream"}))
    assert doc["body_len"] == size, "the backend got %d of %d body bytes" % (
        doc["body_len"], size)
    assert doc["body_sha256"] == hashlib.sha256(body).hexdigest(), \
        "the backend got another body than the one signed"


def test_signed_bodies_on_one_keep_alive_connection(gw):
    """The body the authorize phase read is the request's: the next request on the
    connection starts right after it (pipelined bytes kept in place)."""
    reqs = [signed(gw, "POST", "/prod/ka/%d" % i, body=pattern(n))
            for i, n in enumerate((10, 40000, 0, 5))]
    wire = b""
    for req in reqs:
        target = re.match(r"^https?://[^/]+(/.*)$", req.url).group(1)
        head = "%s %s HTTP/1.1\r\n" % (req.method, target)
        head += "".join("%s: %s\r\n" % kv for kv in req.headers.items())
        head += "Host: 127.0.0.1:%d\r\nContent-Length: %d\r\n\r\n" % (
            gw.ports["@PORT@"], len(req.body or b""))
        wire += head.encode() + (req.body or b"")
    with RawConn(gw.ports["@PORT@"]) as c:
        c.send(wire)                         # all four at once: pipelined
        for i, n in enumerate((10, 40000, 0, 5)):
            resp = c.read_response()
            assert resp.status == 200, (i, resp)
            doc = resp.json()
            assert doc["path"] == "/ka/%d" % i
            assert doc["body_sha256"] == hashlib.sha256(pattern(n)).hexdigest(), i


def test_empty_post(gw):
    doc = echo(call(gw, "POST", "/prod/empty", body=b""))
    assert doc["body_len"] == 0


def test_body_tampered_after_signing(gw):
    req = signed(gw, "POST", "/prod/upload", body=b"amount=10")
    req.data = b"amount=99"
    r = send(gw, req)
    refused(r, 403, "InvalidSignatureException", prefix=MISMATCH_START)
    assert hashlib.sha256(b"amount=99").hexdigest() in r.json()["message"], \
        "the canonical string should end with the received body's hash"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_content_sha256_header_is_checked_against_the_body(gw, chunked):
    body = pattern(50000)
    h = {"X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()}
    doc = echo(call(gw, "PUT", "/prod/obj", body=body, headers=h, chunked=chunked))
    assert doc["body_sha256"] == h["X-Amz-Content-Sha256"]
    req = signed(gw, "PUT", "/prod/obj", body=body, headers=h)
    req.data = body[:-1] + b"!"
    r = send(gw, req, chunked=chunked)
    refused(r, 403, "InvalidSignatureException",
            "The provided 'x-amz-content-sha256' header does not match what was computed.")


def test_unsigned_payload(gw):
    body = b"not covered by the signature"
    req = signed(gw, "POST", "/prod/up", body=body,
                 headers={"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})
    req.data = b"anything else, still accepted"
    doc = echo(send(gw, req))
    assert doc["body"] == "anything else, still accepted"


def test_query_strings_with_encodings(gw):
    q = "type=dog&page=2&a%20b=c%2Fd&empty=&flag&uni=%C3%A9t%C3%A9&star=%2A&tilde=~x"
    doc = echo(call(gw, "GET", "/prod/search?" + q))
    assert doc["query"] == q, "the query reached the backend as %r" % doc["query"]


def test_query_from_params_encoded_by_botocore(gw):
    req = AWSRequest(method="GET", url=base(gw) + "/prod/search",
                     params={"q": "a b+c/d", "x": "é", "z": ""})
    SigV4Auth(creds("alice"), "execute-api", REGION).add_auth(req)
    prepared = req.prepare()
    req.url = prepared.url
    doc = echo(send(gw, req))
    assert doc["path"] == "/search"


@pytest.mark.parametrize("path", [
    "/prod/pets/my%20pet",
    "/prod/caf%C3%A9/%E2%9C%93",
    "/prod/a%2Fb/c",
    "/prod/x/(paren)/%21%27%2A",
])
def test_paths_with_spaces_unicode_and_reserved_bytes(gw, path):
    doc = echo(call(gw, "GET", path))
    assert doc["path"] == path[len("/prod"):]


def test_presigned_url(gw):
    req = signed(gw, "GET", "/prod/pets/7?color=red", presign=300)
    assert "X-Amz-Signature=" in req.url
    assert "authorization" not in {k.lower() for k in req.headers}
    doc = echo(send(gw, req))
    assert "color=red" in doc["query"]


def test_presigned_url_with_session_token(gw):
    req = signed(gw, "GET", "/prod/pets/8", who="temp", presign=60)
    assert "X-Amz-Security-Token=" in req.url
    doc = echo(send(gw, req))
    assert "X-Amz-Security-Token" not in doc["query"], \
        "the session token was forwarded in the query: %r" % doc["query"]
    assert "X-Amz-Signature" not in doc["query"], \
        "the presigned signature was forwarded: %r" % doc["query"]


def test_session_token(gw):
    doc = echo(call(gw, "GET", "/prod/pets/9", who="temp"))
    assert echo_header(doc, "X-Amz-Security-Token") is None, \
        "the session token was forwarded to the backend"


def test_session_token_missing_or_wrong(gw):
    akid, secret, token = KEYS["temp"]
    r = call(gw, "GET", "/prod/pets/9", credentials=Credentials(akid, secret))
    refused(r, 403, "UnrecognizedClientException", BAD_TOKEN)
    r = call(gw, "GET", "/prod/pets/9",
             credentials=Credentials(akid, secret, token[:-3] + "xx="))
    refused(r, 403, "UnrecognizedClientException", BAD_TOKEN)
    # a long-term key with a token it was not issued with
    a = KEYS["alice"]
    r = call(gw, "GET", "/prod/pets/9", credentials=Credentials(a[0], a[1], token))
    refused(r, 403, "UnrecognizedClientException", BAD_TOKEN)


# -- what the backend gets ---------------------------------------------------------------------

def test_authorization_header_is_not_forwarded(gw):
    doc = echo(call(gw, "GET", "/prod/fwd"))
    names = {k.lower() for k, _ in doc["headers"]}
    assert "authorization" not in names, "the SigV4 Authorization header was forwarded"
    assert "x-amz-date" in names, "X-Amz-Date should pass on: %r" % sorted(names)


def test_open_route_forwards_authorization(gw):
    r = send(gw, AWSRequest(method="GET", url=base(gw) + "/prod/open",
                            headers={"Authorization": "Bearer xyz"}))
    doc = echo(r)
    assert echo_header(doc, "Authorization") == "Bearer xyz"


# -- each check -------------------------------------------------------------------------------

def test_tampered_signature(gw):
    req = signed(gw, "GET", "/prod/pets/1")
    a = req.headers["Authorization"]
    sig = a[-64:]
    req.headers.replace_header("Authorization", a[:-64] + ("0" if sig[0] != "0" else "1")
                               + sig[1:])
    r = send(gw, req)
    doc = refused(r, 403, "InvalidSignatureException", prefix=MISMATCH_START)
    assert "The Canonical String for this request should have been\n'GET\n/prod/pets/1\n" \
        in doc["message"], doc["message"]
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in doc["message"]


def test_tampered_path(gw):
    req = signed(gw, "GET", "/prod/pets/1")
    req.url = req.url.replace("/pets/1", "/pets/2")
    refused(send(gw, req), 403, "InvalidSignatureException", prefix=MISMATCH_START)


def test_tampered_query(gw):
    req = signed(gw, "GET", "/prod/pets?limit=10")
    req.url = req.url.replace("limit=10", "limit=1000")
    refused(send(gw, req), 403, "InvalidSignatureException", prefix=MISMATCH_START)
    req = signed(gw, "GET", "/prod/pets?limit=10")
    req.url += "&admin=1"
    refused(send(gw, req), 403, "InvalidSignatureException", prefix=MISMATCH_START)


def test_tampered_signed_header(gw):
    req = signed(gw, "GET", "/prod/pets/1", headers={"X-Tenant": "a"})
    req.headers.replace_header("X-Tenant", "b")
    refused(send(gw, req), 403, "InvalidSignatureException", prefix=MISMATCH_START)


def test_unsigned_x_amz_header_is_refused(gw):
    req = signed(gw, "GET", "/prod/pets/1")
    r = send(gw, req, extra_headers={"X-Amz-Target": "sneaky"})
    refused(r, 403, "InvalidSignatureException")


def test_unknown_access_key(gw):
    r = call(gw, "GET", "/prod/pets/1",
             credentials=Credentials("AKIANOBODY0000000000", "whatever"))
    refused(r, 403, "UnrecognizedClientException", BAD_TOKEN)


def test_wrong_secret(gw):
    r = call(gw, "GET", "/prod/pets/1",
             credentials=Credentials(KEYS["alice"][0], "not-the-secret"))
    refused(r, 403, "InvalidSignatureException", prefix=MISMATCH_START)


def test_wrong_region(gw):
    r = call(gw, "GET", "/prod/pets/1", region="us-east-1")
    doc = refused(r, 403, "InvalidSignatureException")
    assert "Credential should be scoped to a valid region, not 'us-east-1'" in \
        doc["message"], doc["message"]


def test_wrong_service(gw):
    r = call(gw, "GET", "/prod/pets/1", service="s3")
    refused(r, 403, "InvalidSignatureException",
            "Credential should be scoped to correct service: 'execute-api'. ")


def test_signature_too_old(gw):
    r = call(gw, "GET", "/prod/pets/1", when=now() - datetime.timedelta(minutes=6))
    doc = refused(r, 403, "InvalidSignatureException", prefix="Signature expired: ")
    assert re.match(r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                    r"\(\d{8}T\d{6}Z - 5 min\.\)$", doc["message"]), doc["message"]


def test_signature_from_the_future(gw):
    r = call(gw, "GET", "/prod/pets/1", when=now() + datetime.timedelta(minutes=6))
    refused(r, 403, "InvalidSignatureException", prefix="Signature not yet current: ")


def test_signature_within_the_skew_is_accepted(gw):
    echo(call(gw, "GET", "/prod/pets/1", when=now() - datetime.timedelta(minutes=4)))
    echo(call(gw, "GET", "/prod/pets/1", when=now() + datetime.timedelta(minutes=4)))


def test_presigned_url_expired(gw):
    req = signed(gw, "GET", "/prod/pets/1", presign=60,
                 when=now() - datetime.timedelta(seconds=120))
    refused(send(gw, req), 403, "InvalidSignatureException", prefix="Signature expired")


def test_presigned_url_tampered(gw):
    req = signed(gw, "GET", "/prod/pets/1?x=1", presign=300)
    req.url = req.url.replace("x=1", "x=2")
    refused(send(gw, req), 403, "InvalidSignatureException", prefix=MISMATCH_START)


def test_header_and_query_signature_combined(gw):
    q = signed(gw, "GET", "/prod/pets/1", presign=300)
    h = signed(gw, "GET", "/prod/pets/1")
    q.headers["Authorization"] = h.headers["Authorization"]
    q.headers["X-Amz-Date"] = h.headers["X-Amz-Date"]
    refused(send(gw, q), 403, "IncompleteSignatureException")


def test_malformed_authorization_header(gw):
    req = AWSRequest(method="GET", url=base(gw) + "/prod/pets/1",
                     headers={"Authorization": "AWS4-HMAC-SHA256 Credential",
                              "X-Amz-Date": now().strftime("%Y%m%dT%H%M%SZ")})
    refused(send(gw, req), 403, "IncompleteSignatureException")


def test_refused_request_body_never_reaches_the_backend(gw):
    t = tok()
    body = pattern(300000)
    r = call(gw, "POST", "/prod/%s" % t, body=body,
             credentials=Credentials("AKIANOBODY0000000000", "x"))
    refused(r, 403, "UnrecognizedClientException", BAD_TOKEN)
    assert not any(t in q.target for q in list(gw.backend.requests))


# -- identity policies ------------------------------------------------------------------------

def denied_message(who, method, path, explicit=False):
    acct = OTHER_ACCOUNT if who == "xacct" else ACCOUNT
    return "User: arn:aws:iam::%s:user/%s is not authorized to perform: " \
        "execute-api:Invoke on resource: %s/prod/%s/%s%s" % (
            acct, who, MASKED_ARN, method, path, " with an explicit deny" if explicit else "")


def test_policy_allows_matching_resource(gw):
    echo(call(gw, "GET", "/prod/pets/12", who="bob"))


def test_policy_resource_wildcard_mismatch(gw):
    r = call(gw, "POST", "/prod/pets/12", who="bob", body=b"{}")
    refused(r, 403, "AccessDeniedException", denied_message("bob", "POST", "pets/12"))
    r = call(gw, "GET", "/prod/owners/1", who="bob")
    refused(r, 403, "AccessDeniedException", denied_message("bob", "GET", "owners/1"))
    # the wildcard needs something after "pets/"
    r = call(gw, "GET", "/prod/pets", who="bob")
    refused(r, 403, "AccessDeniedException", denied_message("bob", "GET", "pets"))


def test_no_allow_is_denied(gw):
    r = call(gw, "GET", "/prod/pets/1", who="carol")
    refused(r, 403, "AccessDeniedException", denied_message("carol", "GET", "pets/1"))


def test_explicit_deny_wins_over_another_policys_allow(gw):
    echo(call(gw, "GET", "/prod/things/1", who="dave"))
    r = call(gw, "DELETE", "/prod/things/1", who="dave")
    refused(r, 403, "AccessDeniedException",
            denied_message("dave", "DELETE", "things/1", explicit=True))


def test_cross_account_principal_without_resource_policy_is_denied(gw):
    r = call(gw, "GET", "/prod/pets/1", who="xacct")
    refused(r, 403, "AccessDeniedException", denied_message("xacct", "GET", "pets/1"))


# -- with a resource policy (auth.md 7, tables A and B) -----------------------------------

def test_cross_account_principal_allowed_by_identity_and_resource_policy(gw):
    echo(call(gw, "GET", "/prod/shared/doc", who="xacct", port="@PORT4@"))
    # its identity policy allows everything; the resource policy does not name this
    r = call(gw, "GET", "/prod/other/doc", who="xacct", port="@PORT4@")
    refused(r, 403, "AccessDeniedException")


def test_same_account_resource_policy_allow_suffices(gw):
    echo(call(gw, "GET", "/prod/carol/doc", who="carol", port="@PORT4@"))
    r = call(gw, "GET", "/prod/shared/doc", who="carol", port="@PORT4@")
    refused(r, 403, "AccessDeniedException")


def test_resource_policy_deny_wins_over_identity_allow(gw):
    echo(call(gw, "GET", "/prod/shared/doc", who="alice", port="@PORT4@"))
    r = call(gw, "GET", "/prod/shared/secret", who="alice", port="@PORT4@")
    refused(r, 403, "AccessDeniedException")
    assert r.json()["Message"].endswith(" with an explicit deny"), r.text


# -- $context.identity -------------------------------------------------------------------------

def test_identity_in_access_log(gw):
    r = call(gw, "GET", "/prod/who", who="alice")
    rid = r.headers["x-amzn-RequestId"]
    path = os.path.join(os.path.dirname(gw.conf_path), "iam.log")

    def line():
        if not os.path.exists(path):
            return None
        for ln in open(path).read().splitlines():
            if ln.startswith(rid):
                return ln
        return None
    assert wait_until(lambda: line() is not None, 10), "no access log line for %s" % rid
    want = "%s key=%s caller=alice user=alice arn=arn:aws:iam::%s:user/alice acct=%s " \
        "status=200" % (rid, KEYS["alice"][0], ACCOUNT, ACCOUNT)
    assert line() == want, "%r\n!=\n%r" % (line(), want)
    r = send(gw, AWSRequest(method="GET", url=base(gw) + "/prod/open"))
    rid = r.headers["x-amzn-RequestId"]
    assert wait_until(lambda: line() is not None, 10)
    assert line() == "%s key=- caller=- user=- arn=- acct=- status=200" % rid, line()


# -- cache invalidation ------------------------------------------------------------------------

def test_invalidate_cache_needs_the_permission(gw):
    t = tok()
    path = "/cached/c/%s" % t
    first = echo(call(gw, "GET", path, headers={"X-Ver": "1"}))
    again = echo(call(gw, "GET", path, headers={"X-Ver": "2"}))
    assert echo_header(again, "X-Ver") == "1", "the second GET was not a cache hit"
    # alice may invoke but not invalidate: FAIL_WITH_403
    r = call(gw, "GET", path, headers={"X-Ver": "3", "Cache-Control": "max-age=0"})
    assert r.status_code == 403, (r.status_code, r.text)
    assert "invalidate" in r.text
    # cacher has execute-api:InvalidateCache
    fresh = echo(call(gw, "GET", path, who="cacher",
                      headers={"X-Ver": "4", "Cache-Control": "max-age=0"}))
    assert echo_header(fresh, "X-Ver") == "4", "an allowed max-age=0 was served the cache"
    after = echo(call(gw, "GET", path, headers={"X-Ver": "5"}))
    assert echo_header(after, "X-Ver") == "4", "the refresh did not replace the entry"
    assert first["path"] == "/c/%s" % t


# -- HTTP APIs ----------------------------------------------------------------------------------

def test_http_api_signed_request(gw):
    doc = echo(call(gw, "POST", "/h/x", body=b"hello", port="@PORT2@"))
    assert doc["body"] == "hello"


def test_http_api_failures(gw):
    r = send(gw, AWSRequest(method="GET", url=base(gw, "@PORT2@") + "/h/x"), port="@PORT2@")
    assert r.status_code == 403
    assert r.json() == {"message": MISSING}
    r = call(gw, "GET", "/h/x", port="@PORT2@", region="us-west-2")
    assert r.status_code == 403
    assert "region" in r.json()["message"]
    r = call(gw, "GET", "/h/x", port="@PORT2@", who="carol")
    assert r.status_code == 403
    assert r.json() == {"message": "Forbidden"}, r.text


# -- OpenAPI import ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/prod/sig", "/prod/auth"])
def test_openapi_sigv4_scheme_and_auth_extension_are_enforced(gw, path):
    r = send(gw, AWSRequest(method="GET", url=base(gw, "@PORT3@") + path), port="@PORT3@")
    assert_gateway_error(r, 403, MISSING, "MissingAuthenticationTokenException")
    echo(call(gw, "GET", path, port="@PORT3@"))
    r = call(gw, "GET", path, port="@PORT3@", who="carol")
    refused(r, 403, "AccessDeniedException")


def test_openapi_operation_without_security_is_open(gw):
    r = send(gw, AWSRequest(method="GET", url=base(gw, "@PORT3@") + "/prod/none"),
             port="@PORT3@")
    assert r.status_code == 200, r.text


# -- turnpike -t -------------------------------------------------------------------------------

GOOD_POLICY = policy(allow("*")).replace('"', '\\"')


def iam_text(workdir, principals_text, route='        authorization = "AWS_IAM";'):
    return config_text(workdir, route=route, extra="iam = {\n  principals = (\n%s\n  );\n};\n"
                       % principals_text)


def p_text(name="alice", akid="AKIAIOSFODNN7EXAMPLE", secret="wJalrXUtnFEMI/K7MDENG",
           extra="", policies=None):
    pol = policies if policies is not None else '( "%s" )' % GOOD_POLICY
    return ('    { name = "%s";\n      access_key_id = "%s";\n'
            '      secret_access_key = "%s";\n%s      policies = %s; }'
            % (name, akid, secret, extra, pol))


def test_config_valid(workdir):
    out = check_ok(workdir, iam_text(workdir, p_text() + ",\n" + p_text(
        "bob", "ASIAIOSFODNN7EXAMPL2", extra='      session_token = "tok";\n'
        '      account_id = "111122223333";\n')))
    assert "not supported" not in out and "not enforced" not in out, out


def test_config_duplicate_name(workdir):
    t = iam_text(workdir, p_text() + ",\n" + p_text(akid="AKIAIOSFODNN7EXAMPL2").replace(
        'name = "alice";', 'name = "alice"; ' + NEEDLE))
    check_error(workdir, t, "alice", "twice")


def test_config_duplicate_access_key(workdir):
    t = iam_text(workdir, p_text() + ",\n" + p_text("bob").replace(
        'access_key_id = "AKIAIOSFODNN7EXAMPLE";',
        'access_key_id = "AKIAIOSFODNN7EXAMPLE"; ' + NEEDLE))
    check_error(workdir, t, "same access_key_id")


@pytest.mark.parametrize("akid", ["AKIA123", "akiaiosfodnn7example", "AKIA-IOSFODNN7EXAM",
                                  "A" * 129])
def test_config_bad_access_key_id(workdir, akid):
    t = iam_text(workdir, p_text(akid=akid).replace(
        'access_key_id = "%s";' % akid, 'access_key_id = "%s"; %s' % (akid, NEEDLE)))
    check_error(workdir, t, "access_key_id", "16-128")


def test_config_missing_secret(workdir):
    t = iam_text(workdir, '    { name = "alice"; %s\n      access_key_id = '
                 '"AKIAIOSFODNN7EXAMPLE"; }' % NEEDLE)
    check_error(workdir, t, "secret_access_key")


def test_config_secret_too_long_is_not_printed(workdir):
    secret = "S3cr3t" * 50
    t = iam_text(workdir, p_text(secret=secret).replace(
        'secret_access_key = "%s";' % secret,
        'secret_access_key = "%s"; %s' % (secret, NEEDLE)))
    out = check_error(workdir, t, "secret_access_key", "256")
    assert "S3cr3t" not in out, "the secret was printed:\n" + out


def test_config_bad_policy_json(workdir):
    t = iam_text(workdir, p_text(policies='( %s\n        "%s",\n        "{\\"Statement\\": ["'
                                 '\n      )' % (NEEDLE, GOOD_POLICY)))
    out = check_error(workdir, t, "alice", "policies[1]", "not valid JSON")
    assert "wJalrXUtnFEMI" not in out


def test_config_policy_errors_are_the_evaluators(workdir):
    bad = policy({"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*",
                  "Principal": "*"}).replace('"', '\\"')
    t = iam_text(workdir, '    { name = "alice";\n      access_key_id = "AKIAIOSFODNN7EXAMPLE";'
                 '\n      secret_access_key = "x";\n      policies = ( "%s" ); %s\n    }'
                 % (bad, NEEDLE))
    check_error(workdir, t, "policies[0]", "Principal")


def test_config_bad_account_id(workdir):
    t = iam_text(workdir, p_text(extra='      account_id = "12345"; %s\n' % NEEDLE))
    check_error(workdir, t, "account_id", "12 digits")


def test_config_unknown_setting(workdir):
    t = iam_text(workdir, p_text(extra='      secret = "x"; %s\n' % NEEDLE))
    check_error(workdir, t, "unknown setting 'secret'")


def test_config_no_principals_warns(workdir):
    out = check_ok(workdir, config_text(workdir, route='        authorization = "AWS_IAM";'))
    assert "AWS_IAM" in out and "no principals" in out, out
    assert "not enforced" not in out, out

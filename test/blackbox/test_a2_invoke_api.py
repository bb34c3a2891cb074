"""Tier a2: the Lambda Invoke API on the admin listener (metrics.admin), black-box.

Driven by botocore's own Lambda client (what the AWS CLI and SDKs send: a SigV4
signed POST /2015-03-31/functions/{name}/invocations) and by raw HTTP for what
botocore refuses to send. Checked here:

- the admin listener serves only its built-in routes: an API's paths are not found
  there (Lambda's UnknownOperationException), while the API listener serves them
- unknown functions: 404 ResourceNotFoundException with Lambda's message (the ARN
  from server.region/account_id, the qualifier appended), for RequestResponse,
  Event and DryRun; another region's or account's ARN and a version qualifier are
  not found either
- 413 RequestTooLargeException above 6 MB, 400 for a bad invocation type, a bad
  function name, a qualifier that contradicts the name; 405 for GET
- remote Lambda: a full ARN of another region/account is forwarded to the `lambda`
  endpoint (a Python stub that records requests): the path with the encoded ARN,
  Qualifier in the query, X-Amz-Invocation-Type, X-Amz-Security-Token, the
  Authorization header recomputed with botocore's SigV4Auth from what was received,
  a path prefix, HTTPS with lambda.ca (an untrusted certificate refused),
  credentials from the environment (the config's win), unsigned
  without any (and the warning); the answers:
  payload, X-Amz-Function-Error, 202 Event, 429, 500 -> 502 (logged), no answer in
  timeout_ms -> Sandbox.Timedout, a closed endpoint -> 502; a client context sent
  on as X-Amz-Client-Context (base64, signed); and one turnpike's remote invoke
  reaching a second turnpike's Invoke API (its 404 logged by the first) and its
  function (the client context arriving as Lambda-Runtime-Client-Context)
- config: the admin listener's address shared with an API listener is refused
  with FILE:LINE; a non-loopback address is warned about; metrics.period beside
  it is accepted
- local functions (the Python Runtime API bootstrap of tier a0): every FunctionName
  form and Qualifier $LATEST reach it, X-Amz-Executed-Version, an empty payload is
  {}, DryRun 204, a payload that is not JSON 400, a function error with
  X-Amz-Function-Error (tier a0 covers Event, timeouts, throttling, large payloads)
- client context: botocore's ClientContext (base64 JSON) reaches the runtime as
  Lambda-Runtime-Client-Context on /next (JSON text, newlines flattened, up to
  3583 bytes of base64), absent without one; Lambda-Runtime-Cognito-Identity is
  never sent; not base64, not a JSON object, or over 3583 bytes: 400
  InvalidRequestContentException
"""

import base64
import http.client
import re
import json
import os

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import base_config, run_turnpike
from test_a0_functions import PY_BOOTSTRAP, py_function, write_function

REGION = "eu-west-1"
ACCOUNT = "123456789012"


def admin_config(backend_port, **metrics):
    cfg = base_config(backend_port, workers=1, region=REGION, account_id=ACCOUNT)
    m = {"admin": "127.0.0.1:@PORT2@"}
    m.update(metrics)
    cfg["metrics"] = m
    return cfg


@pytest.fixture
def gw(turnpike, backend):
    return turnpike(admin_config(backend.port))


def lambda_client(gw):
    s = botocore.session.get_session()
    return s.create_client(
        "lambda", endpoint_url="http://127.0.0.1:%d" % gw.ports["@PORT2@"],
        region_name=REGION, aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 0}, read_timeout=10,
                      connect_timeout=5))


def raw(gw, method, path, body=b"", headers=None, port_token="@PORT2@"):
    c = http.client.HTTPConnection("127.0.0.1", gw.ports[port_token], timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        c.close()


def error_of(exc):
    e = exc.value.response
    return (e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Code"],
            e["Error"].get("Message", ""))


def test_unknown_function_is_not_found(gw):
    lam = lambda_client(gw)
    arn = "arn:aws:lambda:%s:%s:function:nope" % (REGION, ACCOUNT)
    for itype in ("RequestResponse", "Event", "DryRun"):
        with pytest.raises(ClientError) as exc:
            lam.invoke(FunctionName="nope", Payload=b'{"a": 1}', InvocationType=itype)
        assert error_of(exc) == (404, "ResourceNotFoundException",
                                 "Function not found: " + arn), itype
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="nope", Qualifier="prod", Payload=b"{}")
    assert error_of(exc) == (404, "ResourceNotFoundException",
                             "Function not found: " + arn + ":prod")
    # the forms of FunctionName: a partial ARN, a full ARN (another region's
    # or account's function is never a local one)
    for name, want in (
            ("%s:function:nope" % ACCOUNT, arn),
            (arn, arn),
            ("arn:aws:lambda:us-west-2:%s:function:f" % ACCOUNT,
             "arn:aws:lambda:us-west-2:%s:function:f" % ACCOUNT),
            ("arn:aws:lambda:%s:999999999999:function:f" % REGION,
             "arn:aws:lambda:%s:999999999999:function:f" % REGION)):
        with pytest.raises(ClientError) as exc:
            lam.invoke(FunctionName=name, Payload=b"{}")
        assert error_of(exc) == (404, "ResourceNotFoundException",
                                 "Function not found: " + want), name


def test_error_body_shape(gw):
    status, h, body = raw(gw, "POST", "/2015-03-31/functions/nope/invocations", b"{}")
    assert status == 404
    assert h["x-amzn-errortype"] == "ResourceNotFoundException"
    assert h["content-type"] == "application/json"
    assert "x-amzn-requestid" in h
    assert json.loads(body) == {
        "Type": "User",
        "message": "Function not found: arn:aws:lambda:%s:%s:function:nope" % (REGION, ACCOUNT)}


def test_request_too_large(gw):
    # the head alone: the declared length is refused before any body is read
    c = http.client.HTTPConnection("127.0.0.1", gw.ports["@PORT2@"], timeout=10)
    try:
        c.putrequest("POST", "/2015-03-31/functions/nope/invocations")
        c.putheader("Content-Length", str(6 * 1024 * 1024 + 1))
        c.endheaders()
        r = c.getresponse()
        body = r.read()
    finally:
        c.close()
    assert r.status == 413
    assert r.getheader("x-amzn-ErrorType") == "RequestTooLargeException"
    assert json.loads(body) == {
        "Type": "User", "message": "Request must be smaller than 6291456 bytes "
        "for the InvokeFunction operation"}


def test_bad_requests(gw):
    status, h, body = raw(gw, "POST", "/2015-03-31/functions/nope/invocations", b"{}",
                          {"X-Amz-Invocation-Type": "Sometimes"})
    assert status == 400
    assert h["x-amzn-errortype"] == "InvalidParameterValueException"
    assert "invocationType" in json.loads(body)["message"]
    for name in ("a%20b", "f:a:b", "arn:aws:s3:::bucket", "x" * 65):
        status, h, body = raw(gw, "POST", "/2015-03-31/functions/%s/invocations" % name,
                              b"{}")
        assert status == 400, name
        assert h["x-amzn-errortype"] == "InvalidParameterValueException"
    status, h, body = raw(gw, "POST",
                          "/2015-03-31/functions/f%3Aprod/invocations?Qualifier=live", b"{}")
    assert status == 400
    assert "does not match" in json.loads(body)["message"]
    status, h, body = raw(gw, "GET", "/2015-03-31/functions/f/invocations")
    assert status == 405


def test_only_builtin_routes(gw):
    # the demo API answers on its listener ...
    status, h, body = raw(gw, "GET", "/prod/anything", port_token="@PORT@")
    assert status == 200, (status, body)
    # ... never on the admin listener, whatever the Host
    for host in ("demo.execute-api.localhost", "127.0.0.1"):
        status, h, body = raw(gw, "GET", "/prod/anything", headers={"Host": host})
        assert status == 404
        assert h["x-amzn-errortype"] == "UnknownOperationException"
        assert json.loads(body)["Type"] == "User"


def write(workdir, text):
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


CONF = """server = { workers = 1; pid_file = "%(w)s/t.pid"; error_log = "%(w)s/e.log";
  data_dir = "%(w)s/data"; };
listeners = ( { address = "127.0.0.1:18080"; default_api = "demo"; } );
apis = ( { id = "demo"; type = "REST"; routes = ( { route = "GET /";
  integration = { type = "MOCK"; }; } ); stages = ( { name = "prod"; } ); } );
metrics = {
  period = 60;
  admin = "%(admin)s";
};
"""


def test_config(workdir):
    path = write(workdir, CONF % {"w": workdir, "admin": "127.0.0.1:18080"})
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, out
    assert "%s:8:" % path in out and "duplicate listener address" in out, out

    path = write(workdir, CONF % {"w": workdir, "admin": "0.0.0.0:19180"})
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, out
    assert "%s:8:" % path in out and "not a loopback address" in out, out
    assert "not supported" not in out, out      # metrics.period is served

    path = write(workdir, CONF % {"w": workdir, "admin": "127.0.0.1:19180"})
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0 and "loopback" not in out, out


# ---------------------------------------------------------------------------
# remote Lambda: the admin listener forwards a foreign function's call to the
# `lambda` endpoint, signed with SigV4 (service "lambda")
# ---------------------------------------------------------------------------

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FAR = "arn:aws:lambda:us-west-2:999999999999:function:far"
AKID, SECRET, TOKEN = "AKIDREMOTE", "remote/secret+key", "session-token-1"


class LambdaStub:
    """An Invoke API endpoint that records each request and answers as told."""

    def __init__(self, tls=None):
        self.requests = []
        self.answer = (200, {}, b'{"ok": true}')
        self.delay = 0
        stub = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                stub.requests.append((self.path, dict(self.headers.items()), body))
                if stub.delay:
                    time.sleep(stub.delay)
                status, headers, out = stub.answer
                if callable(out):
                    out = out(body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    s = LambdaStub()
    yield s
    s.close()


def remote_config(backend_port, endpoint, **lam):
    cfg = admin_config(backend_port)
    la = {"endpoint": endpoint, "region": "us-west-2", "timeout_ms": 5000}
    la.update(lam)
    cfg["lambda"] = la
    return cfg


def check_signature(path, headers, body, token=TOKEN):
    """The Authorization header is what botocore's signer makes of the request."""
    authz = headers["Authorization"]
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/lambda/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", authz)
    assert m, authz
    assert m.group(1) == AKID and m.group(3) == "us-west-2"
    signed = m.group(4).split(";")
    assert "host" in signed and "x-amz-date" in signed
    lower = dict((k.lower(), v) for k, v in headers.items())
    req = AWSRequest(method="POST", url="http://%s%s" % (lower["host"], path),
                     data=body, headers=dict((h, lower[h]) for h in signed))
    req.context["timestamp"] = lower["x-amz-date"]
    auth = SigV4Auth(Credentials(AKID, SECRET, token), "lambda", "us-west-2")
    sts = auth.string_to_sign(req, auth.canonical_request(req))
    assert auth.signature(sts, req) == m.group(5), auth.canonical_request(req)


def test_remote_invoke_signed(turnpike, backend, stub):
    gw = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % stub.port,
                                access_key_id=AKID, secret_access_key=SECRET,
                                session_token=TOKEN))
    lam = lambda_client(gw)
    stub.answer = (200, {}, lambda body: b'{"echo": ' + body + b"}")
    out = lam.invoke(FunctionName=FAR, Payload=b'{"n": 1}')
    assert out["StatusCode"] == 200
    assert "FunctionError" not in out
    assert json.loads(out["Payload"].read()) == {"echo": {"n": 1}}
    path, headers, body = stub.requests[-1]
    assert urlsplit(path).path == "/2015-03-31/functions/%s/invocations" % FAR.replace(
        ":", "%3A")
    assert unquote(urlsplit(path).path.split("/")[3]) == FAR
    assert headers["X-Amz-Invocation-Type"] == "RequestResponse"
    assert headers["X-Amz-Security-Token"] == TOKEN
    assert "X-Amz-Client-Context" not in headers
    assert body == b'{"n": 1}'
    check_signature(path, headers, body)

    # a client context goes along as X-Amz-Client-Context (base64 of the
    # JSON, newlines flattened as for a local runtime), and is signed
    cc = {"custom": {"k": "v\u00e9"}, "env": {"platform": "linux"}}
    lam.invoke(FunctionName=FAR, Payload=b"{}", ClientContext=base64.b64encode(
        json.dumps(cc, indent=1).encode()).decode())
    path, headers, body = stub.requests[-1]
    sent = base64.b64decode(headers["X-Amz-Client-Context"], validate=True)
    assert b"\n" not in sent and json.loads(sent) == cc
    assert "x-amz-client-context" in headers["Authorization"]
    check_signature(path, headers, body)

    # a qualifier goes along in the query, and is signed there too
    lam.invoke(FunctionName=FAR, Qualifier="prod", Payload=b"{}")
    path, headers, body = stub.requests[-1]
    assert urlsplit(path).query == "Qualifier=prod"
    check_signature(path, headers, body)

    # Event: 202 from the endpoint is 202 to the caller
    stub.answer = (202, {}, b"")
    out = lam.invoke(FunctionName=FAR, InvocationType="Event", Payload=b"{}")
    assert out["StatusCode"] == 202
    assert stub.requests[-1][1]["X-Amz-Invocation-Type"] == "Event"


def test_remote_over_https(turnpike, backend, certs):
    stub = LambdaStub(tls=(certs.path("backend-ca.pem"), certs.path("backend-ca.key")))
    try:
        resolve = [{"host": "localhost", "port": stub.port,
                    "address": "127.0.0.1:%d" % stub.port}]
        cfg = remote_config(backend.port, "https://localhost:%d" % stub.port,
                            access_key_id=AKID, secret_access_key=SECRET,
                            ca=certs.path("ca.pem"))
        cfg["server"]["resolve"] = resolve
        gw = turnpike(cfg)
        out = lambda_client(gw).invoke(FunctionName=FAR, Payload=b'{"tls": 1}')
        assert out["StatusCode"] == 200
        path, headers, body = stub.requests[-1]
        assert headers["Host"] == "localhost:%d" % stub.port
        check_signature(path, headers, body, token=None)
        gw.stop()
        # without the CA the endpoint's certificate is not trusted
        del cfg["lambda"]["ca"]
        n = len(stub.requests)
        gw = turnpike(cfg, name="untrusted")
        with pytest.raises(ClientError) as exc:
            lambda_client(gw).invoke(FunctionName=FAR, Payload=b"{}")
        assert error_of(exc)[:2] == (502, "ResourceNotReadyException")
        assert "TLS handshake failed" in gw.log_text()
        assert len(stub.requests) == n
    finally:
        stub.close()


def test_remote_credentials_from_environment(turnpike, backend, stub, monkeypatch):
    # the master's AWS_* environment when the config has no keys ...
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    gw = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % stub.port))
    lambda_client(gw).invoke(FunctionName=FAR, Payload=b"{}")
    path, headers, body = stub.requests[-1]
    assert headers["X-Amz-Security-Token"] == TOKEN
    check_signature(path, headers, body)
    gw.stop()
    # ... and the config's keys over the environment's (no token then)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDOTHER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "other")
    gw = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % stub.port,
                                access_key_id=AKID, secret_access_key=SECRET),
                  name="second")
    lambda_client(gw).invoke(FunctionName=FAR, Payload=b"{}")
    path, headers, body = stub.requests[-1]
    assert "X-Amz-Security-Token" not in headers
    check_signature(path, headers, body, token=None)


def test_remote_function_error_and_throttle(turnpike, backend, stub):
    gw = turnpike(remote_config(backend.port, "http://127.0.0.1:%d/prefix/" % stub.port,
                                access_key_id=AKID, secret_access_key=SECRET))
    lam = lambda_client(gw)
    doc = b'{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}'
    stub.answer = (200, {"X-Amz-Function-Error": "Unhandled"}, doc)
    out = lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert out["Payload"].read() == doc
    path, headers, body = stub.requests[-1]
    assert path.startswith("/prefix/2015-03-31/functions/")
    assert "X-Amz-Security-Token" not in headers
    check_signature(path, headers, body, token=None)

    stub.answer = (429, {"x-amzn-ErrorType": "TooManyRequestsException"},
                   b'{"Type": "User", "message": "Rate Exceeded."}')
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert error_of(exc)[:2] == (429, "TooManyRequestsException")

    stub.answer = (500, {"x-amzn-ErrorType": "ServiceException"},
                   b'{"Type": "Service", "message": "oops"}')
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert error_of(exc)[:2] == (502, "ResourceNotReadyException")
    assert "answered 500 ServiceException" in gw.log_text()


def test_remote_unsigned_timeout_unreachable(turnpike, backend, stub):
    gw = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % stub.port,
                                timeout_ms=300))
    assert "remote functions are invoked unsigned" in gw.log_text()
    lam = lambda_client(gw)
    out = lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert out["StatusCode"] == 200
    assert "Authorization" not in stub.requests[-1][1]
    stub.delay = 2
    out = lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert json.loads(out["Payload"].read())["errorType"] == "Sandbox.Timedout"
    stub.delay = 0
    stub.close()
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert error_of(exc)[:2] == (502, "ResourceNotReadyException")
    stub.__init__()                  # the fixture closes it again


def test_local_function(turnpike, backend, workdir):
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    cfg = admin_config(backend.port)
    cfg["functions"] = [py_function("hello")]
    gw = turnpike(cfg)
    lam = lambda_client(gw)
    arn = "arn:aws:lambda:%s:%s:function:hello" % (REGION, ACCOUNT)
    for name in ("hello", "hello:$LATEST", "%s:function:hello" % ACCOUNT, arn):
        out = lam.invoke(FunctionName=name, Payload=b'{"a": [1, "x"]}')
        assert out["StatusCode"] == 200, name
        assert out["ExecutedVersion"] == "$LATEST"
        assert "FunctionError" not in out
        doc = json.loads(out["Payload"].read())
        assert doc["event"] == {"a": [1, "x"]}
        assert doc["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "hello"
    out = lam.invoke(FunctionName="hello", Qualifier="$LATEST", Payload=b"")
    assert json.loads(out["Payload"].read())["event"] == {}
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="hello", Qualifier="7", Payload=b"{}")
    assert error_of(exc) == (404, "ResourceNotFoundException",
                             "Function not found: %s:7" % arn)
    out = lam.invoke(FunctionName="hello", InvocationType="DryRun")
    assert out["StatusCode"] == 204
    out = lam.invoke(FunctionName="hello", Payload=b'{"fail": true}')
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert json.loads(out["Payload"].read())["errorType"] == "ValueError"
    status, h, body = raw(gw, "POST", "/2015-03-31/functions/hello/invocations",
                          b"{not json")
    assert status == 400
    assert h["x-amzn-errortype"] == "InvalidRequestContentException"
    assert json.loads(body)["message"].startswith(
        "Could not parse request body into json")


def test_local_client_context(turnpike, backend, workdir):
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    cfg = admin_config(backend.port)
    cfg["functions"] = [py_function("hello")]
    gw = turnpike(cfg)
    lam = lambda_client(gw)

    def headers(**kw):
        out = lam.invoke(FunctionName="hello", Payload=b"{}", **kw)
        assert out["StatusCode"] == 200 and "FunctionError" not in out
        return json.loads(out["Payload"].read())["headers"]

    h = headers()
    assert "lambda-runtime-client-context" not in h
    assert "lambda-runtime-cognito-identity" not in h
    cc = {"client": {"app_title": "t\u00e9st"}, "custom": {"k": "v"},
          "env": {"platform": "linux"}}
    h = headers(ClientContext=base64.b64encode(
        json.dumps(cc).encode()).decode())
    assert json.loads(h["lambda-runtime-client-context"]) == cc
    assert "lambda-runtime-cognito-identity" not in h
    # pretty-printed JSON arrives on one line; the largest size passes
    text = json.dumps(cc, indent=2)
    h = headers(ClientContext=base64.b64encode(text.encode()).decode())
    assert "\n" not in h["lambda-runtime-client-context"]
    assert json.loads(h["lambda-runtime-client-context"]) == cc
    big = {"custom": {"pad": "x" * 2660}}
    raw_big = json.dumps(big).encode()
    raw_big = raw_big[:-3] + b"x" * (2687 - len(raw_big)) + b"\"}}"
    b64 = base64.b64encode(raw_big).decode().rstrip("=")
    assert len(b64) == 3583
    h = headers(ClientContext=b64)
    assert json.loads(h["lambda-runtime-client-context"]) == json.loads(raw_big)
    # refused: one byte over, not base64, not JSON, not an object
    for bad in (base64.b64encode(raw_big + b" ").decode(), "!!!not base64",
                base64.b64encode(b"{not json").decode(),
                base64.b64encode(b"[1, 2]").decode()):
        with pytest.raises(ClientError) as exc:
            lam.invoke(FunctionName="hello", Payload=b"{}", ClientContext=bad)
        assert error_of(exc) == (400, "InvalidRequestContentException",
                                 "Client context must be a valid "
                                 "Base64-encoded JSON object."), bad


def test_remote_to_second_turnpike_function(turnpike, backend, workdir):
    """One turnpike's remote invoke runs a function of another turnpike."""
    write_function(workdir, "far", {"bootstrap": PY_BOOTSTRAP})
    cfg = base_config(backend.port, workers=1, region="us-west-2",
                      account_id="999999999999",
                      data_dir=os.path.join(workdir, "far-data"),
                      error_log=os.path.join(workdir, "far-error.log"))
    cfg["metrics"] = {"admin": "127.0.0.1:@PORT2@"}
    cfg["functions"] = [py_function("far")]
    far = turnpike(cfg, name="far")
    near = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % far.ports["@PORT2@"],
                                  access_key_id=AKID, secret_access_key=SECRET),
                    name="near")
    lam = lambda_client(near)
    out = lam.invoke(FunctionName=FAR, Payload=b'{"hop": 1}')
    assert out["StatusCode"] == 200 and "FunctionError" not in out
    doc = json.loads(out["Payload"].read())
    assert doc["event"] == {"hop": 1}
    assert doc["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "far"
    assert doc["env"]["AWS_REGION"] == "us-west-2"
    assert "lambda-runtime-client-context" not in doc["headers"]
    # the client context crosses both gateways to the far function's runtime
    cc = {"client": {"app_title": "hop"}, "custom": {"n": [1, 2]}}
    out = lam.invoke(FunctionName=FAR, Payload=b"{}", ClientContext=base64.b64encode(
        json.dumps(cc).encode()).decode())
    assert out["StatusCode"] == 200 and "FunctionError" not in out
    doc = json.loads(out["Payload"].read())
    assert json.loads(doc["headers"]["lambda-runtime-client-context"]) == cc
    out = lam.invoke(FunctionName=FAR, Payload=b'{"fail": true}')
    assert out["FunctionError"] == "Unhandled"
    assert json.loads(out["Payload"].read())["errorMessage"] == "boom"
    out = lam.invoke(FunctionName=FAR, InvocationType="Event", Payload=b'{"e": 1}')
    assert out["StatusCode"] == 202


def test_remote_to_second_turnpike(turnpike, backend):
    """One turnpike's remote invoke reaches another's Invoke API."""
    far = turnpike(admin_config(backend.port), name="far")
    near = turnpike(remote_config(backend.port, "http://127.0.0.1:%d" % far.ports["@PORT2@"],
                                  access_key_id=AKID, secret_access_key=SECRET),
                    name="near")
    lam = lambda_client(near)
    # the far gateway (region eu-west-1, account 123456789012 like the near
    # one) knows no function "other" in us-west-2: its 404 reaches the near one
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName=FAR, Payload=b"{}")
    assert error_of(exc)[:2] == (502, "ResourceNotReadyException")
    assert ("answered 404 ResourceNotFoundException: {\"Type\":\"User\",\"message\":"
            "\"Function not found: %s\"}" % FAR) in near.log_text()

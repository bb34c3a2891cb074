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
- config: the admin listener's address shared with an API listener is refused
  with FILE:LINE; a non-loopback address is warned about; the other metrics
  settings are "not supported yet"

Not yet (the function host is not on main): invoking a configured function
(200 payload, X-Amz-Function-Error, 202 Event, 204 DryRun, 429 throttling).
"""

import http.client
import json
import os

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import base_config, run_turnpike

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
    assert "%s:7:" % path in out and "not supported yet: 'period'" in out, out

    path = write(workdir, CONF % {"w": workdir, "admin": "127.0.0.1:19180"})
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0 and "loopback" not in out, out

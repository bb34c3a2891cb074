"""Tier b1: per-stage execution logs (issue 8, Logs), and log rotation.

`execution_log = { path; level; data_trace; }` in a stage writes API
Gateway's execution-log messages (monitoring.md 4) as
"<ISO time>Z (<requestId>) <message>" lines: the exact lines of a proxied
request at INFO, of the API key and usage plan checks (a 403 without the
key, an unknown key, an accepted key, a 429 over the plan's quota), of a
429 from the stage throttle naming the limit, of an unreachable backend
(502), a backend that never answers (504) and one cutting its response
short (the connection is closed: still logged at ERROR), a JWT and a
Lambda TOKEN authorizer's decisions (allow, deny, 401, failure), and an
HTTP API's $default route.  Level ERROR writes only failed requests, OFF
nothing; data_trace shows the request's path, query string, headers
(Authorization and X-Api-Key masked), bodies and the endpoint response's
headers and body; lines are cut at 1024 bytes.  Under concurrent load
from 8 threads across 2 workers every line is whole and each request has
exactly its lines.  The real logrotate (Debian) rotates the access,
execution and error logs with a postrotate running
`turnpike -c CONF -s reopen` while traffic runs: every line is in the
rotated or the new file, none lost or duplicated, and lines before/after
the rotation are in the old/new file.  Bad levels are config errors with
FILE:LINE.
"""

import os
import re
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import base_config, proxy_route, run_turnpike
from helpers import free_port, read_lines, start_load, wait_lines, wait_until
from traffic import bucket, key, kv, plan

LINE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})Z \(([0-9a-f-]{36})\) (.*)$")
KEY = kv(1)


def messages(path, request_id, n):
    """The messages of <request_id> in <path> (at least <n> lines there)."""
    out = []
    for line in wait_lines(path, n):
        m = LINE_RE.match(line)
        assert m, "not an execution-log line: %r" % line
        assert len(line.encode()) + 1 <= 1024, line
        if m.group(2) == request_id:
            out.append(m.group(3))
    return out


class Silent:
    """A TCP port that accepts connections (backlog) and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


class Truncating:
    """A backend that answers a head and 3 of 100 body bytes, then closes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")

    def close(self):
        self.sock.close()


@pytest.fixture
def silent():
    s = Silent()
    yield s
    s.close()


def xlog_config(backend_port, workdir, level="INFO", data_trace=False, workers=2,
                silent_port=None, access_log=False, cut_port=None, **server):
    be = "http://127.0.0.1:%d" % backend_port
    routes = [proxy_route(be + "/pets/{id}", route="GET /pets/{id}"),
              proxy_route(be + "/pets", route="POST /pets"),
              dict(proxy_route(be + "/keyed", route="GET /keyed"), api_key_required=True),
              proxy_route("http://127.0.0.1:%d/" % free_port(), route="GET /down"),
              proxy_route("http://127.0.0.1:%d/slow" % (silent_port or free_port()),
                          route="GET /slow", timeout_ms=300),
              proxy_route(be + "/slim", route="GET /slim"),
              proxy_route("http://127.0.0.1:%d/cut" % (cut_port or free_port()),
                          route="GET /cut")]
    xlog = {"path": os.path.join(workdir, "exec.log"), "level": level,
            "data_trace": data_trace}
    stage = {"name": "prod", "execution_log": xlog,
             "route_settings": [{"route": "GET /slim", "throttle": bucket(0.01, 1)}]}
    if access_log:
        stage["access_log"] = {"path": os.path.join(workdir, "access.log"),
                               "format": "$context.requestId $context.status"}
    api = {"id": "shop", "name": "shop", "type": "REST", "routes": routes,
           "stages": [stage]}
    cfg = base_config(backend_port, workers=workers, apis=[api],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "shop"}],
                      **server)
    cfg["usage_plans"] = [plan("basic", ["shop/prod"])]
    cfg["api_keys"] = [key("alice", KEY)]
    return cfg


def get(gw, path, **kw):
    return requests.get(gw.url + path, timeout=10, **kw)


def masked(v):
    return "*" * (len(v) - 4) + v[-4:]


def no_key_lines(rid, path):
    return ["Verifying Usage Plan for request: %s. API Key:  API Stage: shop/prod" % rid,
            "API Key authorized because method 'GET %s' does not require API Key. Request "
            "will not contribute to throttle or quota limits" % path,
            "Starting execution for request: %s" % rid,
            "HTTP Method: GET, Resource Path: %s" % path]


LATENCY_RE = re.compile(r"^Received response\. Status: 200, Integration latency: \d+ ms$")


# -- the lines of each kind of request --------------------------------------------------

def test_info_proxied_request(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir))
    r = get(gw, "/prod/pets/7?x=1")
    assert r.status_code == 200, r.text
    rid = r.headers["x-amzn-RequestId"]
    got = messages(os.path.join(workdir, "exec.log"), rid, 8)
    assert got[:5] == no_key_lines(rid, "/pets/{id}") + [
        "Endpoint request URI: http://127.0.0.1:%d/pets/7?x=1" % backend.port], got
    assert LATENCY_RE.match(got[5]), got
    assert got[6:] == ["Successfully completed execution", "Method completed with status: 200"]
    # time stamps are UTC and near now
    line = read_lines(os.path.join(workdir, "exec.log"))[0]
    stamp = time.strptime(LINE_RE.match(line).group(1)[:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(time.mktime(stamp) - time.mktime(time.gmtime())) < 120


def test_info_api_key_lines(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir))
    log = os.path.join(workdir, "exec.log")
    r = get(gw, "/prod/keyed")
    assert r.status_code == 403
    rid = r.headers["x-amzn-RequestId"]
    assert messages(log, rid, 4) == [
        "Verifying Usage Plan for request: %s. API Key:  API Stage: shop/prod" % rid,
        "API Key not authorized because method 'GET /keyed' requires API Key and no API "
        "Key was sent",
        "Gateway response type: INVALID_API_KEY with status code: 403",
        "Method completed with status: 403"]
    bad = kv(99)
    r = get(gw, "/prod/keyed", headers={"x-api-key": bad})
    assert r.status_code == 403
    rid = r.headers["x-amzn-RequestId"]
    got = messages(log, rid, 8)
    assert got[1] == ("API Key %s not authorized because method 'GET /keyed' requires API "
                      "Key and API Key is not associated with a Usage Plan for API Stage "
                      "shop/prod" % masked(bad)), got
    r = get(gw, "/prod/keyed", headers={"x-api-key": KEY})
    assert r.status_code == 200
    rid = r.headers["x-amzn-RequestId"]
    got = messages(log, rid, 16)
    assert got[:4] == [
        "Verifying Usage Plan for request: %s. API Key: %s API Stage: shop/prod"
        % (rid, masked(KEY)),
        "Usage Plan check succeeded for API Key %s and API Stage shop/prod" % masked(KEY),
        "Starting execution for request: %s" % rid,
        "HTTP Method: GET, Resource Path: /keyed"], got
    text = open(log).read()
    assert KEY not in text and bad not in text


def test_info_quota_exceeded(turnpike, backend, workdir):
    cfg = xlog_config(backend.port, workdir)
    cfg["usage_plans"] = [plan("basic", ["shop/prod"], quota={"limit": 1, "period": "DAY"})]
    gw = turnpike(cfg)
    assert get(gw, "/prod/keyed", headers={"x-api-key": KEY}).status_code == 200
    r = get(gw, "/prod/keyed", headers={"x-api-key": KEY})
    assert r.status_code == 429
    rid = r.headers["x-amzn-RequestId"]
    got = messages(os.path.join(workdir, "exec.log"), rid, 8 + 7)
    assert got[2:] == [
        "Starting execution for request: %s" % rid,
        "HTTP Method: GET, Resource Path: /keyed",
        "Request throttled: usage plan basic quota exceeded (limit 1)",
        "Gateway response type: QUOTA_EXCEEDED with status code: 429",
        "Method completed with status: 429"], got


def test_info_throttled(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir))
    assert get(gw, "/prod/slim").status_code == 200
    r = get(gw, "/prod/slim")
    assert r.status_code == 429
    rid = r.headers["x-amzn-RequestId"]
    got = messages(os.path.join(workdir, "exec.log"), rid, 12)
    assert got == no_key_lines(rid, "/slim") + [
        "Request throttled: stage (method) throttle limit exceeded (rate 0.01 requests per "
        "second, burst 1)",
        "Gateway response type: THROTTLED with status code: 429",
        "Method completed with status: 429"], got


def test_info_backend_down_and_timeout(turnpike, backend, workdir, silent):
    gw = turnpike(xlog_config(backend.port, workdir, silent_port=silent.port))
    log = os.path.join(workdir, "exec.log")
    r = get(gw, "/prod/down")
    assert r.status_code == 502
    rid = r.headers["x-amzn-RequestId"]
    got = messages(log, rid, 8)
    assert got[:4] == no_key_lines(rid, "/down")
    assert re.match(r"^Endpoint request URI: http://127\.0\.0\.1:\d+/$", got[4]), got
    assert got[5].startswith("Execution failed due to configuration error: "), got
    assert got[6:] == ["Gateway response type: INTEGRATION_FAILURE with status code: 502",
                       "Method completed with status: 502"], got
    r = get(gw, "/prod/slow")
    assert r.status_code == 504
    rid = r.headers["x-amzn-RequestId"]
    got = messages(log, rid, 16)
    assert got[4:] == [
        "Endpoint request URI: http://127.0.0.1:%d/slow" % silent.port,
        "Execution failed due to a timeout error",
        "Gateway response type: INTEGRATION_TIMEOUT with status code: 504",
        "Method completed with status: 504"], got


def test_http_api_default_route(turnpike, backend, workdir):
    """HTTP APIs: no usage plan lines; the $default route is the resource."""
    be = "http://127.0.0.1:%d" % backend.port
    api = {"id": "h", "name": "h", "type": "HTTP",
           "routes": [proxy_route(be + "/any", route="$default")],
           "stages": [{"name": "prod", "execution_log": {
               "path": os.path.join(workdir, "exec.log"), "level": "INFO"}}]}
    gw = turnpike(base_config(backend.port, workers=1, apis=[api], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "h"}]))
    r = get(gw, "/prod/whatever")
    assert r.status_code == 200
    rid = r.headers["x-amzn-RequestId"]
    got = messages(os.path.join(workdir, "exec.log"), rid, 6)
    assert got[:3] == ["Starting execution for request: %s" % rid,
                       "HTTP Method: GET, Resource Path: $default",
                       "Endpoint request URI: http://127.0.0.1:%d/any/whatever"
                       % backend.port], got
    assert got[-1] == "Method completed with status: 200", got


def test_error_level_logs_failed_requests_only(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir, level="ERROR"))
    log = os.path.join(workdir, "exec.log")
    ok = [get(gw, "/prod/pets/%d" % i) for i in range(5)]
    assert all(r.status_code == 200 for r in ok)
    r = get(gw, "/prod/down")
    assert r.status_code == 502
    rid = r.headers["x-amzn-RequestId"]
    lines = wait_lines(log, 8)
    time.sleep(0.3)                  # nothing else comes
    lines = read_lines(log)
    assert len(lines) == 8, lines
    assert {LINE_RE.match(x).group(2) for x in lines} == {rid}
    assert LINE_RE.match(lines[-1]).group(3) == "Method completed with status: 502"


def test_backend_failing_mid_response_is_an_error(turnpike, backend, workdir):
    """The connection is cut (the status was sent): still logged at ERROR."""
    cut = Truncating()
    try:
        gw = turnpike(xlog_config(backend.port, workdir, level="ERROR",
                                  cut_port=cut.port))
        with pytest.raises(requests.RequestException):
            requests.get(gw.url + "/prod/cut", timeout=10).content
        lines = wait_lines(os.path.join(workdir, "exec.log"), 9)
    finally:
        cut.close()
    got = [LINE_RE.match(x).group(3) for x in lines]
    assert got[4] == "Endpoint request URI: http://127.0.0.1:%d/cut" % cut.port, got
    assert LATENCY_RE.match(got[5]), got
    assert got[6].startswith("Execution failed due to configuration error: "), got
    assert got[7:] == ["Execution failed: the client connection was closed (backend "
                       "failed mid-response)", "Method completed with status: 200"], got


def test_off_writes_nothing(turnpike, backend, workdir):
    cfg = xlog_config(backend.port, workdir, level="OFF")
    gw = turnpike(cfg)
    assert get(gw, "/prod/down").status_code == 502
    assert get(gw, "/prod/pets/1").status_code == 200
    time.sleep(0.3)
    assert not os.path.exists(os.path.join(workdir, "exec.log"))


def test_data_trace_masks_secrets(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir, data_trace=True))
    secret = "Bearer supersecret-token-value-0042"
    body = '{"name": "rex",\n "kind": "dog"}'
    r = requests.post(gw.url + "/prod/pets?a=1&b=two", data=body, timeout=10,
                      headers={"Authorization": secret, "X-Api-Key": KEY,
                               "Content-Type": "application/json", "X-Custom": "c1"})
    assert r.status_code == 200, r.text
    rid = r.headers["x-amzn-RequestId"]
    got = messages(os.path.join(workdir, "exec.log"), rid, 10)
    # masked everywhere but in the response body (the echo backend repeats
    # the request's headers there; bodies are logged as they are)
    text = "\n".join(m for m in got if not m.startswith("Endpoint response body"))
    assert "supersecret" not in text and KEY not in text
    assert "Method request path: {}" in got
    assert "Method request query string: {a=1, b=two}" in got
    hdr = [m for m in got if m.startswith("Method request headers: {")]
    assert len(hdr) == 1 and hdr[0].endswith("}"), got
    assert "Authorization=%s" % masked(secret) in hdr[0]
    assert "X-Api-Key=%s" % masked(KEY) in hdr[0]
    assert "X-Custom=c1" in hdr[0] and "Content-Type=application/json" in hdr[0]
    # the body's newline is escaped: one line per message
    resp = [m for m in got if m.startswith("Endpoint response headers: {")]
    assert len(resp) == 1 and "Content-Type=application/json" in resp[0], got
    assert got.index(resp[0]) == got.index(
        [m for m in got if m.startswith("Received response.")][0]) + 1, got
    rbody = [m for m in got if m.startswith("Endpoint response body before "
                                            "transformations: {")]
    assert len(rbody) == 1 and '"method": "POST"' in rbody[0], got
    want = body.replace("\n", "\\x0a")
    assert "Method request body before transformations: %s" % want in got, got
    assert "Endpoint request body after transformations: %s" % want in got, got


def test_long_lines_are_cut_at_1024_bytes(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir, data_trace=True))
    r = requests.post(gw.url + "/prod/pets", data="b" * 5000, timeout=10,
                      headers={"X-Long": "h" * 3000})
    assert r.status_code == 200
    rid = r.headers["x-amzn-RequestId"]
    messages(os.path.join(workdir, "exec.log"), rid, 10)   # checks <= 1024 bytes
    lines = read_lines(os.path.join(workdir, "exec.log"))
    body = [x for x in lines if "Method request body before" in x]
    assert len(body) == 1 and len(body[0]) + 1 == 1024, len(body[0])


HS_SECRET = "turnpike-blackbox-hs256-secret-0123456789"


def test_authorizer_decisions(turnpike, backend, workdir):
    """A JWT authorizer on an HTTP API (no usage plan lines there)."""
    import jwt
    be = "http://127.0.0.1:%d" % backend.port
    route = dict(proxy_route(be + "/hs", route="GET /hs"), authorizer="hs")
    api = {"id": "h", "name": "h", "type": "HTTP", "routes": [route],
           "stages": [{"name": "prod", "execution_log": {
               "path": os.path.join(workdir, "exec.log"), "level": "INFO"}}]}
    cfg = base_config(backend.port, workers=1, apis=[api],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "h"}])
    iss = "https://issuer.example.com/pool1"
    cfg["authorizers"] = [{"name": "hs", "type": "JWT", "issuer": iss, "audience": ["a"],
                           "algorithms": ["HS256"], "hs256_secret": HS_SECRET}]
    gw = turnpike(cfg)
    log = os.path.join(workdir, "exec.log")
    now = int(time.time())
    claims = {"iss": iss, "aud": "a", "sub": "u1", "iat": now, "exp": now + 600}
    token = "Bearer " + jwt.encode(claims, HS_SECRET, algorithm="HS256")
    r = get(gw, "/prod/hs", headers={"Authorization": token})
    assert r.status_code == 200, r.text
    rid = r.headers["x-amzn-RequestId"]
    got = messages(log, rid, 9)
    assert got[:5] == ["Starting authorizer: hs for request: %s" % rid,
                       "Incoming identity: %s" % masked(token),
                       "Successfully completed authorizer execution",
                       "Starting execution for request: %s" % rid,
                       "HTTP Method: GET, Resource Path: /hs"], got
    assert got[-1] == "Method completed with status: 200"
    bad = "Bearer " + jwt.encode(claims, HS_SECRET + "x", algorithm="HS256")
    r = get(gw, "/prod/hs", headers={"Authorization": bad})
    assert r.status_code == 401
    rid = r.headers["x-amzn-RequestId"]
    assert messages(log, rid, 14) == [
        "Starting authorizer: hs for request: %s" % rid,
        "Incoming identity: %s" % masked(bad),
        "Unauthorized request: %s" % rid,
        "Gateway response type: UNAUTHORIZED with status code: 401",
        "Method completed with status: 401"]
    assert token[12:40] not in open(log).read()


def test_lambda_authorizer_decisions(turnpike, backend, workdir):
    """A TOKEN Lambda authorizer (tier a3's stub Invoke API deciding by token)."""
    from test_a3_lambda_authorizers import Authorizer, config as lauth_config
    fn = Authorizer()
    try:
        cfg = lauth_config(fn, workdir)
        api = cfg["apis"][0]
        api["routes"][0]["integration"]["uri"] = "http://127.0.0.1:%d/{proxy}" % backend.port
        api["stages"][0]["execution_log"] = {"path": os.path.join(workdir, "exec.log"),
                                             "level": "INFO"}
        gw = turnpike(cfg)
        log = os.path.join(workdir, "exec.log")
        n = 0

        def lines_of(token, status):
            nonlocal n
            r = get(gw, "/prod/pets", headers={"Authorization": token})
            assert r.status_code == status, r.text
            got = messages(log, r.headers["x-amzn-RequestId"], n + 1)
            n += len(got)
            return r.headers["x-amzn-RequestId"], got
        rid, got = lines_of("Bearer alice", 200)
        assert got[:2] == ["Starting authorizer: tok for request: %s" % rid,
                           "Incoming identity: %s" % masked("Bearer alice")], got
        assert got[2].startswith("Authorizer result body before parsing: {"), got
        assert '"principalId": "p-alice"' in got[2], got
        assert got[3:5] == ["Successfully completed authorizer execution",
                            "Verifying Usage Plan for request: %s. API Key:  API Stage: "
                            "api1/prod" % rid], got
        assert got[-1] == "Method completed with status: 200"
        rid, got = lines_of("Bearer deny-1", 403)
        assert got[3:] == ["The client is not authorized to perform this operation.",
                           "Gateway response type: ACCESS_DENIED with status code: 403",
                           "Method completed with status: 403"], got
        fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                     b'{"errorMessage": "Unauthorized", "errorType": "Error"}')
        rid, got = lines_of("Bearer unauth", 401)
        assert got[2:] == ["Unauthorized request: %s" % rid,
                           "Gateway response type: UNAUTHORIZED with status code: 401",
                           "Method completed with status: 401"], got
        fn.answer = (200, {"X-Amz-Function-Error": "Unhandled"},
                     b'{"errorMessage": "boom", "errorType": "Error"}')
        rid, got = lines_of("Bearer fail", 500)
        assert got[2:] == [
            "Execution failed due to configuration error: Authorizer error",
            "Gateway response type: AUTHORIZER_CONFIGURATION_ERROR with status code: 500",
            "Method completed with status: 500"], got
    finally:
        fn.close()


# -- concurrency --------------------------------------------------------------------------

def run_load(gw, n_threads, per_thread, path="/prod/pets/%d-%d"):
    return start_load(lambda t, i: gw.url + path % (t, i), n_threads, per_thread)


def check_groups(lines, ids, per_request=8):
    """Every line whole; each request has exactly its lines, in order."""
    groups = {}
    for line in lines:
        m = LINE_RE.match(line)
        assert m, "not a whole line: %r" % line
        groups.setdefault(m.group(2), []).append(m.group(3))
    assert sorted(groups) == sorted(ids)
    for rid, msgs in groups.items():
        assert len(msgs) == per_request, msgs
        assert msgs[2] == "Starting execution for request: %s" % rid, msgs
        assert msgs[-1] == "Method completed with status: 200", msgs


def test_concurrent_workers_lines_stay_whole(turnpike, backend, workdir):
    gw = turnpike(xlog_config(backend.port, workdir, workers=2))
    assert len(gw.wait_workers(2)) == 2
    threads, ids, errors = run_load(gw, 8, 50)
    for t in threads:
        t.join(120)
    assert not errors, errors[:5]
    assert len(ids) == 400
    lines = wait_lines(os.path.join(workdir, "exec.log"), 400 * 8)
    assert len(lines) == 400 * 8
    check_groups(lines, ids)


# -- rotation with the real logrotate ---------------------------------------------------

def logrotate(workdir, conf_path, logs):
    conf = os.path.join(workdir, "logrotate.conf")
    with open(conf, "w") as f:
        f.write("%s {\n    rotate 3\n    missingok\n    nocompress\n    sharedscripts\n"
                "    postrotate\n        %s -c %s -s reopen\n    endscript\n}\n"
                % (" ".join(logs), os.environ["TURNPIKE_BIN"], conf_path))
    p = subprocess.run(["logrotate", "-f", "-v", "-s", os.path.join(workdir, "lr.state"),
                        conf], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr


def test_logrotate_moves_every_log(turnpike, backend, workdir):
    os.chmod(workdir, 0o755)         # logrotate refuses insecure directories
    cfg = xlog_config(backend.port, workdir, access_log=True, workers=2)
    gw = turnpike(cfg, daemon=True)
    assert len(gw.wait_workers(2)) == 2
    xlog, alog, elog = (os.path.join(workdir, n) for n in ("exec.log", "access.log",
                                                           "error.log"))
    elog = gw.error_log
    before = [get(gw, "/prod/pets/b%d" % i).headers["x-amzn-RequestId"] for i in range(20)]
    wait_lines(xlog, 20 * 8)
    wait_lines(alog, 20)
    # rotate while 4 threads keep sending
    threads, ids, errors = run_load(gw, 4, 60, "/prod/pets/r%d-%d")
    time.sleep(0.05)
    logrotate(workdir, gw.conf_path, [xlog, alog, elog])
    for t in threads:
        t.join(120)
    assert not errors, errors[:5]
    assert wait_until(lambda: os.path.exists(xlog) and os.path.exists(alog), 10)
    time.sleep(0.3)                  # the workers take the new files from the master
    after = [get(gw, "/prod/pets/a%d" % i).headers["x-amzn-RequestId"] for i in range(20)]
    total = before + ids + after
    # lines are written once the response is out: wait for all of them
    wait_until(lambda: len(read_lines(xlog)) + len(read_lines(xlog + ".1"))
               >= 8 * len(total), 10)
    wait_until(lambda: len(read_lines(alog)) + len(read_lines(alog + ".1"))
               >= len(total), 10)
    # every request's lines are in the rotated file or the new one, once
    new_x, old_x = read_lines(xlog), read_lines(xlog + ".1")
    check_groups(old_x + new_x, total)
    new_a, old_a = read_lines(alog), read_lines(alog + ".1")
    assert sorted(x.split()[0] for x in old_a + new_a) == sorted(total)
    old_ids = {LINE_RE.match(x).group(2) for x in old_x}
    new_ids = {LINE_RE.match(x).group(2) for x in new_x}
    assert set(before) <= old_ids and not set(before) & new_ids
    assert set(after) <= new_ids and not set(after) & old_ids
    assert set(before) <= {x.split()[0] for x in old_a}
    assert set(after) <= {x.split()[0] for x in new_a}
    # the error log: the rotated one has the start, the new one the reopen
    assert "reopened" in open(elog).read()
    assert os.path.getsize(elog + ".1") > 0


# -- config ---------------------------------------------------------------------------------

def test_bad_level_is_a_config_error(backend, workdir):
    cfg_path = os.path.join(workdir, "bad.conf")
    with open(cfg_path, "w") as f:
        f.write('server = { workers = 1; };\n'
                'listeners = ( { address = "127.0.0.1:%d"; default_api = "a"; } );\n'
                'apis = ( { id = "a"; routes = ( { route = "GET /x"; integration = {\n'
                '  type = "MOCK"; responses = ( { status = 200; } ); }; } );\n'
                '  stages = ( { name = "prod"; execution_log = {\n'
                '      path = "x.log";\n'
                '      level = "DEBUG"; }; } ); } );\n' % free_port())
    rc, out = run_turnpike("-t", "-c", cfg_path)
    assert rc != 0
    assert "%s:7:" % cfg_path in out, out
    assert '"OFF", "ERROR" or "INFO"' in out, out

"""Tier a0: the function host (issue 7), with real Lambda custom runtimes.

Two bootstraps are written here: a Python Runtime API client (http.client,
/usr/bin/python3) whose answers report what it saw (environment, working
directory, user, /next headers, Runtime API answers to bad requests), and
the shell + curl bootstrap of AWS's custom-runtime tutorial.  Invocations
go through `turnpikectl invoke`, which speaks the workers' framed protocol
to the running host (status line on stderr, the function's answer on
stdout).  Checked: the Lambda environment, warm instances, reuse and cold
starts, respawn, timeouts, crashes, init errors, function errors, the
concurrency limit (throttling), event invocations, the 6 MB response limit,
the per-function log with START/END/REPORT lines (in AWS's order around the
function's output, REPORT right after END), reload, config errors.
"""

import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import REPO, base_config, run_turnpike
from helpers import children_of, cmdline_of, comm_of, pid_alive, wait_until

TURNPIKECTL_BIN = os.environ.get("TURNPIKECTL_BIN",
                                 os.path.join(REPO, "objs", "turnpikectl"))

PY_BOOTSTRAP = r'''#!/usr/bin/python3
import http.client, json, os, sys, time
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))
print("init pid=%d greeting=%s" % (os.getpid(), os.environ.get("GREETING")),
      flush=True)
if os.environ.get("INIT_FAIL"):
    conn.request("POST", "/2018-06-01/runtime/init/error",
                 json.dumps({"errorMessage": "no handler",
                             "errorType": "Runtime.NoSuchHandler"}),
                 {"Lambda-Runtime-Function-Error-Type": "Runtime.NoSuchHandler"})
    conn.getresponse().read()
    sys.exit(1)

def call(method, path, body=None, headers={}):
    conn.request(method, path, body, headers)
    r = conn.getresponse()
    return r.status, r.read().decode()

while True:
    conn.request("GET", "/2018-06-01/runtime/invocation/next")
    r = conn.getresponse()
    event = json.loads(r.read() or b"{}")
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    base = "/2018-06-01/runtime/invocation/"
    print("event %s" % json.dumps(event), flush=True)
    if event.get("crash"):
        sys.exit(3)
    if event.get("wait_for"):
        while not os.path.exists(event["wait_for"]):
            time.sleep(0.05)
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("fail"):
        st, body = call("POST", base + rid + "/error",
                        json.dumps({"errorMessage": "boom",
                                    "errorType": "ValueError",
                                    "stackTrace": []}),
                        {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
        continue
    if event.get("big"):
        st, body = call("POST", base + rid + "/response", b"x" * event["big"])
        print("big answer %d %s" % (st, body), flush=True)
        conn.close()
        continue
    out = {"event": event, "env": dict(os.environ), "cwd": os.getcwd(),
           "pid": os.getpid(), "uid": os.getuid(),
           "headers": {k.lower(): v for k, v in r.getheaders()}}
    if event.get("probe"):
        out["bad_id"] = call("POST", base + "not-the-id/response", "{}")
        out["bad_path"] = call("GET", "/2018-06-01/runtime/nothing")
    st, body = call("POST", base + rid + "/response", json.dumps(out))
    print("answered %d %s" % (st, body), flush=True)
    st, body = call("POST", base + rid + "/response", "{}")
    print("again %d %s" % (st, body), flush=True)
'''

# AWS's tutorial (Lambda docs, "Building a custom runtime"), as written.
SH_BOOTSTRAP = r'''#!/bin/bash
set -euo pipefail

# Initialization - load function handler
source $LAMBDA_TASK_ROOT/"$(echo $_HANDLER | cut -d. -f1).sh"

# Processing
while true
do
  HEADERS="$(mktemp)"
  # Get an event. The HTTP request will block until one is received
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")

  # Extract request ID by scraping response headers received above
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)

  # Run the handler function from the script
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")

  # Send the response
  curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response"  -d "$RESPONSE"
  rm -f "$HEADERS"
done
'''

SH_HANDLER = r'''function handler () {
  EVENT_DATA=$1
  echo "$EVENT_DATA" 1>&2;
  RESPONSE="Echoing request: '$EVENT_DATA'"

  echo $RESPONSE
}
'''

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                     r"[0-9a-f]{12}$")


def write_function(workdir, name, files):
    """functions/<name>/ with <files> (name -> text; 'bootstrap' executable),
    reachable by the unprivileged user the instances run as."""
    os.chmod(workdir, 0o755)
    d = os.path.join(workdir, "functions", name)
    os.makedirs(d, exist_ok=True)
    os.chmod(os.path.join(workdir, "functions"), 0o755)
    os.chmod(d, 0o755)
    for fname, text in files.items():
        p = os.path.join(d, fname)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o755 if fname == "bootstrap" else 0o644)
    return d


def fn_config(backend_port, functions, **server):
    cfg = base_config(backend_port, workers=1, **server)
    cfg["functions"] = functions
    return cfg


def py_function(name="hello", **kw):
    f = {"name": name, "command": "functions/%s/bootstrap" % name,
         "handler": "hello.handler", "memory": 256, "timeout": 3,
         "concurrency": 3, "warm": 0, "environment": {"GREETING": "hi"}}
    f.update(kw)
    return f


class Invoke:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err
        m = re.search(r"status=(\S+) cold=(\d) duration_ms=(\d+)"
                      r"(?: error_type=(\S+))?", err)
        assert m, "no status line in %r" % err
        self.status = m.group(1)
        self.cold = m.group(2) == "1"
        self.duration_ms = int(m.group(3))
        self.error_type = m.group(4)

    def json(self):
        return json.loads(self.out)


def invoke(gw, function, payload=None, event=False, timeout=30):
    argv = [TURNPIKECTL_BIN, "-c", gw.conf_path, "invoke", function]
    if payload is not None:
        argv += ["--payload", json.dumps(payload)]
    if event:
        argv.append("--event")
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return Invoke(p.returncode, p.stdout.decode(), p.stderr.decode())


def invoke_async(gw, function, payload):
    argv = [TURNPIKECTL_BIN, "-c", gw.conf_path, "invoke", function,
            "--payload", json.dumps(payload)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(p, timeout=30):
    out, err = p.communicate(timeout=timeout)
    return Invoke(p.returncode, out.decode(), err.decode())


def fnhost_pid(gw):
    pids = [p for p in children_of(gw.pid) if comm_of(p) == "tp-fnhost"]
    return pids[0] if pids else None


def instances(gw, host=None):
    host = host or fnhost_pid(gw)
    return [p for p in children_of(host)] if host else []


def fn_log(gw, name):
    try:
        with open(os.path.join(gw.data_dir, "functions", name + ".log")) as f:
            return f.read()
    except OSError:
        return ""


@pytest.fixture
def hello(turnpike, backend, workdir):
    """A gateway with the Python function "hello" (2 warm, concurrency 3)."""
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    gw = turnpike(fn_config(backend.port, [py_function(warm=2)],
                            region="eu-west-3", account_id="123456789012"))
    assert wait_until(lambda: len(instances(gw)) == 2, 10), gw.log_tail()
    return gw


def test_environment_and_headers(hello, workdir):
    before = time.time() * 1000
    r = invoke(hello, "hello", {"probe": 1, "k": "v"})
    assert r.rc == 0 and r.status == "OK", (r.err, hello.log_tail())
    doc = r.json()
    env = doc["env"]
    root = os.path.join(workdir, "functions", "hello")
    assert doc["event"] == {"probe": 1, "k": "v"}
    assert doc["cwd"] == root
    assert env["LAMBDA_TASK_ROOT"] == root
    assert env["_HANDLER"] == "hello.handler"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "hello"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-3"
    assert env["TZ"] == ":UTC"
    assert env["GREETING"] == "hi"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/hello"
    assert re.match(r"^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$",
                    env["AWS_LAMBDA_LOG_STREAM_NAME"])
    host, port = env["AWS_LAMBDA_RUNTIME_API"].split(":")
    assert host == "127.0.0.1" and 0 < int(port) < 65536
    if os.geteuid() == 0:
        assert doc["uid"] != 0          # the unprivileged user
    h = doc["headers"]
    assert UUID_RE.match(h["lambda-runtime-aws-request-id"])
    assert h["lambda-runtime-invoked-function-arn"] == \
        "arn:aws:lambda:eu-west-3:123456789012:function:hello"
    deadline = int(h["lambda-runtime-deadline-ms"])
    assert before < deadline <= time.time() * 1000 + 3000
    assert re.match(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};"
                    r"Sampled=0$", h["lambda-runtime-trace-id"])
    assert "lambda-runtime-client-context" not in h
    # the Runtime API's answers to a wrong id and a wrong path
    st, body = doc["bad_id"]
    assert st == 400
    assert json.loads(body) == {"errorMessage": "Invalid request ID",
                                "errorType": "InvalidRequestID"}
    assert doc["bad_path"][0] == 404
    # a second answer for the same id is refused too (logged by the bootstrap)
    assert wait_until(lambda: "again 400" in fn_log(hello, "hello"), 5)
    assert 'answered 202 {"status":"OK"}' in fn_log(hello, "hello")


def test_instances_have_their_own_endpoint_and_are_reused(hello):
    ports, pids = set(), set()
    running = instances(hello)
    for _ in range(4):
        r = invoke(hello, "hello", {})
        assert r.status == "OK" and not r.cold, r.err
        doc = r.json()
        pids.add(doc["pid"])
        ports.add(doc["env"]["AWS_LAMBDA_RUNTIME_API"])
    # sequential calls reuse the warm instances; no new process
    assert pids <= set(running)
    assert len(ports) == len(pids)
    assert sorted(instances(hello)) == sorted(running)


def test_log_has_output_and_start_end_report(hello):
    r = invoke(hello, "hello", {"marker": "m-1"})
    rid = r.json()["headers"]["lambda-runtime-aws-request-id"]
    log = fn_log(hello, "hello")
    assert "init pid=" in log                   # the instances' stdout
    assert 'event {"marker": "m-1"}' in log
    assert "START RequestId: %s Version: $LATEST" % rid in log
    assert "END RequestId: %s" % rid in log
    m = re.search(r"REPORT RequestId: %s\tDuration: [\d.]+ ms\t"
                  r"Billed Duration: \d+ ms\tMemory Size: 256 MB\t"
                  r"Max Memory Used: (\d+) MB" % rid, log)
    assert m and int(m.group(1)) > 0       # a Python process's peak RSS
    # AWS's order: START, the function's output (the instance writes to the
    # same file), then END with REPORT on the very next line
    lines = log.splitlines()
    start = lines.index("START RequestId: %s Version: $LATEST" % rid)
    end = lines.index("END RequestId: %s" % rid)
    assert start < lines.index('event {"marker": "m-1"}') < end
    assert lines[end + 1].startswith("REPORT RequestId: %s\t" % rid)


def test_function_error(hello):
    r = invoke(hello, "hello", {"fail": 1})
    assert r.rc == 1 and r.status == "ERROR" and r.error_type == "Unhandled"
    assert r.json() == {"errorMessage": "boom", "errorType": "ValueError",
                        "stackTrace": []}
    # the instance stays and serves the next one
    assert invoke(hello, "hello", {}).status == "OK"


def test_timeout_kills_and_replaces(turnpike, backend, workdir):
    write_function(workdir, "slow", {"bootstrap": PY_BOOTSTRAP})
    gw = turnpike(fn_config(backend.port, [py_function("slow", timeout=1,
                                                       warm=1)]))
    assert wait_until(lambda: len(instances(gw)) == 1, 10)
    old = instances(gw)[0]
    r = invoke(gw, "slow", {"sleep": 30})
    assert r.status == "TIMEOUT" and r.error_type == "Sandbox.Timedout"
    doc = r.json()
    assert doc["errorType"] == "Sandbox.Timedout"
    assert re.match(r"^RequestId: \S+ Error: Task timed out after 1.00 "
                    r"seconds$", doc["errorMessage"])
    assert r.duration_ms >= 1000
    assert wait_until(lambda: not pid_alive(old), 5)
    # replaced: warm = 1 again, and it answers
    assert wait_until(lambda: len(instances(gw)) == 1, 10)
    assert instances(gw)[0] != old
    assert invoke(gw, "slow", {}).status == "OK"
    assert "Task timed out after 1.00 seconds" in fn_log(gw, "slow")


def test_crash_and_respawn(hello):
    r = invoke(hello, "hello", {"crash": 1})
    assert r.status == "CRASHED" and r.error_type == "Unhandled"
    doc = r.json()
    assert doc["errorType"] == "Runtime.ExitError"
    assert doc["errorMessage"].endswith("Runtime exited with error: exit "
                                        "status 3")
    # warm instances come back (with a back-off after a quick death)
    assert wait_until(lambda: len(instances(hello)) == 2, 15), \
        hello.log_tail()
    # a killed idle instance is replaced as well
    victim = instances(hello)[0]
    os.kill(victim, signal.SIGKILL)
    assert wait_until(lambda: victim not in instances(hello)
                      and len(instances(hello)) == 2, 15), hello.log_tail()
    assert invoke(hello, "hello", {}).status == "OK"


def test_cold_start_then_warm(turnpike, backend, workdir):
    write_function(workdir, "cold", {"bootstrap": PY_BOOTSTRAP})
    gw = turnpike(fn_config(backend.port, [py_function("cold", warm=0)]))
    assert wait_until(lambda: fnhost_pid(gw) is not None, 10)
    assert instances(gw) == []
    r1 = invoke(gw, "cold", {})
    assert r1.status == "OK" and r1.cold
    r2 = invoke(gw, "cold", {})
    assert r2.status == "OK" and not r2.cold
    assert r1.json()["pid"] == r2.json()["pid"]
    assert "Init Duration: " in fn_log(gw, "cold")


def test_idle_instances_above_warm_stop_after_idle_timeout(turnpike, backend,
                                                         workdir):
    write_function(workdir, "idle", {"bootstrap": PY_BOOTSTRAP})
    gate = os.path.join(workdir, "gate")
    gw = turnpike(fn_config(backend.port, [py_function(
        "idle", concurrency=2, warm=0, timeout=20, idle_timeout=1)]))
    assert wait_until(lambda: fnhost_pid(gw) is not None, 10)
    assert instances(gw) == []
    # both held until the gate opens: the second needs its own instance
    calls = [invoke_async(gw, "idle", {"wait_for": gate, "n": i})
             for i in range(2)]
    assert wait_until(lambda: len(instances(gw)) == 2, 10), gw.log_tail()
    assert wait_until(lambda: fn_log(gw, "idle").count("wait_for") == 2, 10)
    with open(gate, "w"):
        pass
    done = [finish(c) for c in calls]
    assert all(r.status == "OK" and r.cold for r in done), [r.err for r in done]
    pids = {r.json()["pid"] for r in done}
    assert len(pids) == 2
    # idle for idle_timeout (1 s): both stop, down to warm (0)
    assert wait_until(lambda: instances(gw) == [], 15), instances(gw)
    r = invoke(gw, "idle", {"after": 1})
    assert r.status == "OK" and r.cold, r.err
    assert r.json()["pid"] not in pids
    # three cold starts in all: the REPORT line has the third's init
    assert wait_until(
        lambda: fn_log(gw, "idle").count("Init Duration: ") == 3, 10), \
        fn_log(gw, "idle")


def test_concurrency_limit_throttles(turnpike, backend, workdir):
    write_function(workdir, "one", {"bootstrap": PY_BOOTSTRAP})
    gate = os.path.join(workdir, "gate")
    gw = turnpike(fn_config(backend.port, [py_function(
        "one", concurrency=1, warm=0, timeout=20)]))
    first = invoke_async(gw, "one", {"wait_for": gate})
    assert wait_until(lambda: "wait_for" in fn_log(gw, "one"), 10)
    # the only instance is busy: the second waits briefly, then 429-like
    r = invoke(gw, "one", {})
    assert r.status == "THROTTLED", r.err
    assert r.error_type == "TooManyRequestsException"
    assert r.json()["Reason"] == \
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert len(instances(gw)) == 1
    with open(gate, "w"):
        pass
    r = finish(first)
    assert r.status == "OK", r.err
    # a waiting invocation gets the instance once it is free
    with open(gate + "2", "w"):
        pass
    busy = invoke_async(gw, "one", {"sleep": 0.5})
    queued = invoke_async(gw, "one", {"q": 1})
    assert finish(busy).status == "OK"
    r = finish(queued)
    assert r.status == "OK" and r.json()["event"] == {"q": 1}


def test_event_invocation(hello):
    r = invoke(hello, "hello", {"marker": "ev-1"}, event=True)
    assert r.rc == 0 and r.status == "OK" and r.out == ""
    assert wait_until(lambda: 'event {"marker": "ev-1"}'
                      in fn_log(hello, "hello"), 10)


def test_response_too_large(hello):
    r = invoke(hello, "hello", {"big": 6291556 + 1})
    assert r.status == "ERROR" and r.error_type == "Unhandled"
    assert r.json()["errorType"] == "Function.ResponseSizeTooLarge"
    assert wait_until(lambda: "big answer 413" in fn_log(hello, "hello"), 5)
    assert "RequestEntityTooLarge" in fn_log(hello, "hello")
    # exactly the limit passes
    r = invoke(hello, "hello", {"big": 6291556})
    assert r.status == "OK" and len(r.out) == 6291556


def test_init_error(turnpike, backend, workdir):
    write_function(workdir, "broken", {"bootstrap": PY_BOOTSTRAP})
    gw = turnpike(fn_config(backend.port, [py_function(
        "broken", environment={"INIT_FAIL": "1"})]))
    r = invoke(gw, "broken", {})
    assert r.status == "CRASHED" and r.error_type == "Unhandled", r.err
    assert r.json() == {"errorMessage": "no handler",
                        "errorType": "Runtime.NoSuchHandler"}
    assert "INIT_REPORT Status: error" in fn_log(gw, "broken")


def test_shell_curl_bootstrap(turnpike, backend, workdir):
    write_function(workdir, "tutorial", {"bootstrap": SH_BOOTSTRAP,
                                         "function.sh": SH_HANDLER})
    gw = turnpike(fn_config(backend.port, [{
        "name": "tutorial", "command": "functions/tutorial/bootstrap",
        "handler": "function.handler", "warm": 1}]))
    for i in range(3):
        r = invoke(gw, "tutorial", {"n": i})
        assert r.status == "OK", (r.err, fn_log(gw, "tutorial"))
        assert r.out == "Echoing request: '{\"n\": %d}'" % i
    assert '{"n": 2}' in fn_log(gw, "tutorial")     # the handler's stderr


def test_reload_restarts_instances_with_the_new_config(hello, workdir):
    old_host = fnhost_pid(hello)
    old = set(instances(hello))
    cfg = dict(hello.cfg)
    cfg["functions"] = [py_function(warm=1, environment={"GREETING": "hey"})]
    hello.write_config(cfg)
    hello.reload()
    assert wait_until(lambda: fnhost_pid(hello) not in (None, old_host), 10)
    assert wait_until(lambda: not any(pid_alive(p) for p in old), 10)
    assert wait_until(lambda: len(instances(hello)) == 1, 10)
    r = invoke(hello, "hello", {})
    assert r.status == "OK" and r.json()["env"]["GREETING"] == "hey"
    socks = [n for n in os.listdir(hello.data_dir) if n.endswith(".sock")]
    assert wait_until(lambda: [n for n in os.listdir(hello.data_dir)
                               if n.endswith(".sock")] == ["fnhost-2.sock"],
                      10), socks


def test_stop_leaves_no_instance(hello):
    host = fnhost_pid(hello)
    pids = instances(hello)
    hello.stop()
    assert wait_until(lambda: not pid_alive(host)
                      and not any(pid_alive(p) for p in pids), 10)
    assert not [n for n in os.listdir(hello.data_dir) if n.endswith(".sock")]


def test_config_errors(workdir):
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    os.chmod(os.path.join(workdir, "functions", "hello", "bootstrap"), 0o644)
    conf = os.path.join(workdir, "t.conf")
    text = ('listeners = ( { address = "127.0.0.1:1"; } );\n'
            'functions = (\n'
            '  { name = "hello";\n'
            '    command = "functions/hello/bootstrap"; } );\n')
    with open(conf, "w") as f:
        f.write(text)
    rc, out = run_turnpike("-t", "-c", conf)
    assert rc != 0
    assert "%s:4: function \"hello\": command" % conf in out
    assert "is not an executable file" in out
    os.chmod(os.path.join(workdir, "functions", "hello", "bootstrap"), 0o755)
    text += ('apis = ( { id = "a"; routes = ( { route = "GET /";\n'
             '  integration = { type = "AWS_PROXY"; function = "nope"; }; } );\n'
             '  stages = ( { name = "p"; } ); } );\n')
    with open(conf, "w") as f:
        f.write(text)
    rc, out = run_turnpike("-t", "-c", conf)
    assert rc != 0
    assert "%s:6: route 'GET /': function \"nope\" is not defined" % conf in out
    with open(conf, "w") as f:
        f.write(text.replace('"nope"', '"hello"'))
    rc, out = run_turnpike("-t", "-c", conf)
    assert rc == 0, out


# -- through a worker: the admin listener's Lambda Invoke API (tp_fn.c) ------

def admin_gateway(turnpike, backend, workdir, functions=None, **fn):
    import botocore.session
    from botocore.config import Config
    functions = functions or [py_function(**fn)]
    for f in functions:
        write_function(workdir, f["name"], {"bootstrap": PY_BOOTSTRAP})
    cfg = fn_config(backend.port, functions, region="eu-west-1",
                    account_id="123456789012")
    cfg["metrics"] = {"admin": "127.0.0.1:@PORT2@"}
    gw = turnpike(cfg)
    lam = botocore.session.get_session().create_client(
        "lambda", endpoint_url="http://127.0.0.1:%d" % gw.ports["@PORT2@"],
        region_name="eu-west-1", aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 0}, read_timeout=30,
                      connect_timeout=5))
    return gw, lam


def lambda_invoke(lam, payload, name="hello", **kw):
    r = lam.invoke(FunctionName=name, Payload=json.dumps(payload), **kw)
    return r, r["Payload"].read()


def test_invoke_api_through_a_worker(turnpike, backend, workdir):
    gw, lam = admin_gateway(turnpike, backend, workdir, warm=1)
    r, body = lambda_invoke(lam, {"k": 1})
    assert r["StatusCode"] == 200 and "FunctionError" not in r
    doc = json.loads(body)
    assert doc["event"] == {"k": 1}
    # the Lambda request id is the Invoke API's request id
    assert doc["headers"]["lambda-runtime-aws-request-id"] == \
        r["ResponseMetadata"]["RequestId"]
    r, body = lambda_invoke(lam, {"fail": 1})
    assert r["StatusCode"] == 200 and r["FunctionError"] == "Unhandled"
    assert json.loads(body)["errorType"] == "ValueError"
    r, body = lambda_invoke(lam, {"marker": "ev-2"}, InvocationType="Event")
    assert r["StatusCode"] == 202 and body == b""
    assert wait_until(lambda: 'event {"marker": "ev-2"}'
                      in fn_log(gw, "hello"), 10)
    # a big request payload crosses the worker -> host socket whole
    big = "y" * (5 * 1024 * 1024)
    r, body = lambda_invoke(lam, {"big_in": big})
    assert r["StatusCode"] == 200
    assert json.loads(body)["event"]["big_in"] == big


def test_invoke_api_timeout_and_throttle(turnpike, backend, workdir):
    gw, lam = admin_gateway(turnpike, backend, workdir, functions=[
        py_function("slow", timeout=1),
        py_function(warm=0, concurrency=1, timeout=20)])
    r, body = lambda_invoke(lam, {"sleep": 30}, name="slow")
    assert r["StatusCode"] == 200 and r["FunctionError"] == "Unhandled"
    assert json.loads(body)["errorType"] == "Sandbox.Timedout"
    gate = os.path.join(workdir, "gate")
    import threading
    first = {}
    t = threading.Thread(target=lambda: first.update(
        r=lambda_invoke(lam, {"wait_for": gate})))
    t.start()
    assert wait_until(lambda: "wait_for" in fn_log(gw, "hello"), 10)
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as exc:
        lambda_invoke(lam, {})
    e = exc.value.response
    assert e["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert e["Error"]["Code"] == "TooManyRequestsException"
    with open(gate, "w"):
        pass
    t.join(30)
    assert first["r"][0]["StatusCode"] == 200


def test_worker_reconnects_after_the_host_dies(turnpike, backend, workdir):
    gw, lam = admin_gateway(turnpike, backend, workdir, warm=1)
    assert lambda_invoke(lam, {})[0]["StatusCode"] == 200
    host = fnhost_pid(gw)
    inst = instances(gw)
    os.kill(host, signal.SIGKILL)
    # the master starts another host; its instances died with the old one
    assert wait_until(lambda: fnhost_pid(gw) not in (None, host), 15)
    assert wait_until(lambda: not any(pid_alive(p) for p in inst), 10)
    r, body = lambda_invoke(lam, {"again": 1})
    assert r["StatusCode"] == 200, body
    assert json.loads(body)["event"] == {"again": 1}


def test_command_the_workers_cannot_run_fails_the_start(turnpike, backend,
                                                       workdir):
    """Checked as root at -t time is not enough: the instances run as the
    workers' user, so turnpike refuses to start when that user cannot."""
    from conftest import TURNPIKE_BIN
    if os.geteuid() != 0:
        pytest.skip("needs root (the workers drop privileges)")
    d = write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    os.chmod(d, 0o700)
    gw = turnpike(fn_config(backend.port, [py_function()]), start=False)
    gw.write_config(gw.cfg)
    p = subprocess.run([TURNPIKE_BIN, "-c", gw.conf_path, "-f"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=20)
    out = p.stdout.decode()
    assert p.returncode == 1, "turnpike started (exit %d):\n%s" % (
        p.returncode, out)
    assert ('the workers\' user "nobody" cannot use function "hello": '
            'command "%s/bootstrap": Permission denied' % d) in out, out


def test_reopen_moves_every_instance_to_the_new_log(turnpike, backend,
                                                   workdir):
    """USR1 (logrotate's postrotate): an instance writes its output straight
    into the file it was started with, so the host replaces every instance:
    the idle ones at once (warm ones come back), a busy one after its
    invocation; after the reopen nothing is written to the rotated file."""
    write_function(workdir, "hello", {"bootstrap": PY_BOOTSTRAP})
    gw = turnpike(fn_config(backend.port, [py_function(warm=1)]))
    assert wait_until(lambda: len(instances(gw)) == 1, 10), gw.log_tail()
    r = invoke(gw, "hello", {"marker": "before"})
    assert r.status == "OK"
    old_pid = r.json()["pid"]
    # a busy one too: a slow invocation in flight across the reopen
    go = os.path.join(workdir, "go")
    slow = invoke_async(gw, "hello", {"marker": "slow", "wait_for": go})
    assert wait_until(lambda: 'event {"marker": "slow"' in fn_log(gw, "hello"),
                      10), gw.log_tail()
    log = os.path.join(gw.data_dir, "functions", "hello.log")
    os.rename(log, log + ".1")
    gw.signal(signal.SIGUSR1)
    assert wait_until(lambda: os.path.exists(log), 10), gw.log_tail()
    assert old_pid in instances(gw)             # busy: not stopped
    open(go, "w").close()
    assert finish(slow).status == "OK"          # it finished its work
    assert wait_until(lambda: old_pid not in instances(gw), 10), gw.log_tail()
    for marker in ("after-1", "after-2", "after-3"):
        r = invoke(gw, "hello", {"marker": marker})
        assert r.status == "OK", r.err
        assert r.json()["pid"] != old_pid
        rid = r.json()["headers"]["lambda-runtime-aws-request-id"]
        new = fn_log(gw, "hello")
        assert 'event {"marker": "%s"}' % marker in new
        assert "START RequestId: %s" % rid in new
    with open(log + ".1") as f:
        rotated = f.read()
    assert 'event {"marker": "before"}' in rotated
    assert '"after-' not in rotated
    assert wait_until(lambda: len(instances(gw)) >= 1, 10)    # warm again


def test_reload_with_the_same_functions_keeps_warm_instances(turnpike, backend,
                                                             workdir):
    gw, lam = admin_gateway(turnpike, backend, workdir, warm=2)
    assert wait_until(lambda: len(instances(gw)) == 2, 10)
    host, insts = fnhost_pid(gw), sorted(instances(gw))
    cfg = dict(gw.cfg)
    cfg["server"] = dict(cfg["server"], keepalive_timeout_ms=4000)
    gw.write_config(cfg)
    gw.reload()
    # the new generation's workers reach the same host and instances
    r, body = lambda_invoke(lam, {"after": "reload"})
    assert r["StatusCode"] == 200, body
    assert json.loads(body)["pid"] in insts
    assert fnhost_pid(gw) == host and sorted(instances(gw)) == insts
    assert "kept for generation 2" in gw.log_text()
    # the old generation's socket goes when it has drained; the new one
    # (which turnpikectl picks) is served by the kept host
    assert wait_until(lambda: sorted(n for n in os.listdir(gw.data_dir)
                                     if n.endswith(".sock"))
                      == ["fnhost-2.sock"], 15)
    r = invoke(gw, "hello", {})
    assert r.status == "OK" and r.json()["pid"] in insts
    # a later reload that changes them starts a new host after all
    cfg["functions"] = [py_function(warm=1, environment={"GREETING": "yo"})]
    gw.write_config(cfg)
    gw.reload()
    assert wait_until(lambda: fnhost_pid(gw) not in (None, host), 10)
    assert wait_until(lambda: not any(pid_alive(p) for p in insts), 10)
    r, body = lambda_invoke(lam, {})
    assert json.loads(body)["env"]["GREETING"] == "yo"

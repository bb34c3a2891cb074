"""Tier 91: API keys (issue 4, traffic control), black-box.

A route with api_key_required admits a request only with an x-api-key header
(name case-insensitive) holding a key that exists, is enabled and is in a
usage plan serving the request's stage; everything else is 403
{"message":"Forbidden"} with x-amzn-ErrorType ForbiddenException.  Routes
without api_key_required ignore keys.  Keys come from the config file
(api_keys) and from the state database, which `turnpikectl keys
create/disable/enable/delete/import` change while turnpike runs: a change
applies within a second, without a reload, in every worker.  Key values are
never written to a log ($context.identity.apiKey is masked to its last four
characters; $context.identity.apiKeyId is the key's id).

Also: oversized and malformed x-api-key headers, and `turnpike -t` on the
traffic-control settings (FILE:LINE: errors, as in test_87).
"""

import array
import csv
import fcntl
import io
import os
import subprocess
import termios

import pytest
import requests

from helpers import RawConn, assert_gateway_error, wait_until
from test_87_config_errors import NEEDLE, check_error, check_ok, config_text
from traffic import (FORBIDDEN, TURNPIKECTL_BIN, Client, ctl, ctl_ok, get, key,  # noqa: F401
                     key_id, kv, mock, module_gateway, plan, proxied, reachable_workdir,
                     traffic_config)

pytestmark = pytest.mark.usefixtures("reachable_workdir")

# Values at the bounds: 20 and 128 printable characters.
V20 = "abcdefghij0123456789"
V128 = "K" * 100 + "0123456789abcdefghijklmnopqr"
PUNCT = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~" + "0123456789"
LOG_FORMAT = "$context.requestId $context.identity.apiKeyId $context.identity.apiKey " \
    "$context.status"


def keys_config(backend_port, workdir, **kw):
    """Stages prod (plan "basic"), beta (plan "betaplan"), gamma (no plan)."""
    routes = [proxied("GET /echo", backend_port, key=True), mock("GET /keyed", key=True),
              mock("GET /open"), proxied("GET /open-echo", backend_port)]
    stages = [{"name": "prod"}, {"name": "beta"}, {"name": "gamma"}]
    plans = [plan("basic", ["shop/prod"]), plan("betaplan", ["shop/beta"])]
    keys = [key("alice", kv(1)), key("bob", kv(2), ["betaplan"]),
            key("carol", kv(3), enabled=False), key("dave", kv(4), []),
            key("both", kv(5), ["basic", "betaplan"]), key("min20", V20),
            key("max128", V128), key("punct", PUNCT)]
    return traffic_config(routes, stages, plans=plans, keys=keys,
                          access_log={"path": os.path.join(workdir, "access.log"),
                                      "format": LOG_FORMAT}, **kw)


@pytest.fixture(scope="module")
def kgw(module_gateway, module_backend_factory):
    b = module_backend_factory()
    gw = module_gateway(lambda d: keys_config(b.port, d))
    gw.backend = b
    gw.access_log = os.path.join(gw.workdir, "access.log")
    return gw


def req(gw, path, api_key=None, header="x-api-key"):
    headers = {header: api_key} if api_key is not None else {}
    return requests.get(gw.url + path, headers=headers, timeout=10)


def forbidden(resp):
    assert_gateway_error(resp, 403, *FORBIDDEN)


def access_records(path, *responses):
    """{requestId: (apiKeyId, apiKey, status)} once the access log <path> has the
    lines of <responses>."""
    ids = {r.headers["x-amzn-RequestId"] for r in responses}

    def read():
        try:
            with open(path) as f:
                recs = {p[0]: tuple(p[1:]) for p in (x.split(" ") for x in f)}
        except FileNotFoundError:
            return None
        return recs if ids <= set(recs) else None
    recs = wait_until(read, 5)
    assert recs, "the access log %s lacks the lines of requests %s" % (path, ids)
    return {k: tuple(x.strip() for x in v) for k, v in recs.items()}


# -- accepted keys ---------------------------------------------------------------------------

def test_accepted_key_reaches_the_backend_and_the_access_log(kgw):
    kgw.backend.clear()
    r = req(kgw, "/prod/echo", kv(1))
    assert r.status_code == 200, "alice's key on its plan's stage: %d %r" % (
        r.status_code, r.text[:300])
    assert len(kgw.backend.requests) == 1, "the backend did not get the admitted request"
    doc = r.json()
    assert doc["path"] == "/echo"
    # HTTP_PROXY passes the client's headers through, x-api-key included (as API Gateway)
    sent = [v for k, v in doc["headers"] if k.lower() == "x-api-key"]
    assert sent == [kv(1)], "x-api-key as the backend got it: %r" % sent
    denied = req(kgw, "/prod/echo", kv(99))
    long_key = req(kgw, "/prod/keyed", V128)
    recs = access_records(kgw.access_log, r, denied, long_key)

    def rec(resp):
        return recs[resp.headers["x-amzn-RequestId"]]
    assert rec(r) == (key_id(kgw, "alice"), "*" * 36 + kv(1)[-4:], "200"), \
        "access log of an admitted request: %r (want id, masked key, 200)" % (rec(r),)
    # at most 64 characters: asterisks and the last four
    assert rec(long_key) == (key_id(kgw, "max128"), "*" * 60 + V128[-4:], "200"), \
        "access log of a 128-character key: %r" % (rec(long_key),)
    assert rec(denied) == ("-", "-", "403"), \
        "a refused key must leave apiKeyId/apiKey unset: %r" % (rec(denied),)


@pytest.mark.parametrize("header", ["x-api-key", "X-API-KEY", "X-Api-Key", "x-API-key"])
def test_header_name_is_case_insensitive(kgw, header):
    r = req(kgw, "/prod/keyed", kv(1), header=header)
    assert r.status_code == 200, "header %r: %d %r" % (header, r.status_code, r.text)


@pytest.mark.parametrize("name,value", [("min20", V20), ("max128", V128), ("punct", PUNCT)],
                         ids=["20-chars", "128-chars", "punctuation"])
def test_key_values_at_the_bounds(kgw, name, value):
    r = req(kgw, "/prod/keyed", value)
    assert r.status_code == 200, "key %s (%d chars): %d %r" % (name, len(value),
                                                               r.status_code, r.text)


def test_surrounding_whitespace_is_not_part_of_the_value(kgw):
    with RawConn(kgw.port) as c:
        c.send("GET /prod/keyed HTTP/1.1\r\nHost: x\r\nx-api-key: \t %s \t\r\n\r\n" % kv(1))
        r = c.read_response()
    assert r.status == 200, "optional whitespace around the header value: %r" % r


def test_key_in_two_plans_serves_both_stages(kgw):
    assert req(kgw, "/prod/keyed", kv(5)).status_code == 200
    assert req(kgw, "/beta/keyed", kv(5)).status_code == 200
    forbidden(req(kgw, "/gamma/keyed", kv(5)))


# -- refused keys ----------------------------------------------------------------------------

REFUSED = [
    ("missing", None),
    ("empty", ""),
    ("19-chars", V20[:-1]),
    ("129-chars", V128 + "x"),
    ("unknown", kv(99)),
    ("prefix-of-a-key", kv(1)[:-1]),
    ("key-plus-a-char", kv(1) + "z"),
    ("other-case", kv(1).upper()),
    ("disabled", kv(3)),
    ("in-no-plan", kv(4)),
    ("plan-of-another-stage", kv(2)),
]


@pytest.mark.parametrize("what,value", REFUSED, ids=[w for w, _ in REFUSED])
def test_refused_keys_are_403(kgw, what, value):
    kgw.backend.clear()
    forbidden(req(kgw, "/prod/echo", value))
    forbidden(req(kgw, "/prod/keyed", value))
    assert kgw.backend.total_bytes() == 0, "a request with a refused key reached the backend"


def test_key_of_another_stage(kgw):
    forbidden(req(kgw, "/prod/keyed", kv(2)))
    assert req(kgw, "/beta/keyed", kv(2)).status_code == 200, "bob on his plan's stage"
    forbidden(req(kgw, "/beta/keyed", kv(1)))
    # a stage that no plan serves refuses every key
    for v in (kv(1), kv(2), kv(5)):
        forbidden(req(kgw, "/gamma/keyed", v))


def test_routes_without_api_key_required_ignore_keys(kgw):
    for value in (None, "", "short", kv(1), kv(3), kv(99), "x" * 4000):
        r = req(kgw, "/prod/open", value)
        assert r.status_code == 200, "route without api_key_required, key %r: %d %r" % (
            value and value[:50], r.status_code, r.text)
    r = req(kgw, "/gamma/open-echo", kv(99))
    assert r.status_code == 200, r.text


def test_refused_key_keeps_the_connection(kgw):
    """403 for a key is an ordinary response: the keep-alive connection stays usable."""
    with Client(kgw.port) as c:
        for value in (kv(99), kv(1), None, kv(1)):
            r = c.get("/prod/keyed", api_key=value)
            assert r.status == (200 if value == kv(1) else 403), r
        assert c.conn is not None, "the server closed the connection after a 403"


def test_64k_header_is_431_but_a_long_key_is_403(kgw):
    """A head over the server's limit is refused by the HTTP layer (431, close);
    a key of a few KiB within the limit is simply not a key (403)."""
    kgw.backend.clear()
    with RawConn(kgw.port) as c:
        c.send_tolerant("GET /prod/echo HTTP/1.1\r\nHost: x\r\nx-api-key: %s\r\n\r\n"
                        % ("k" * 65536))
        r = c.read_response()
        assert r.status in (400, 431), "64 KiB x-api-key header: %r" % r
        assert c.wait_closed(5), "the connection stays open after %d" % r.status
    with RawConn(kgw.port) as c:
        c.send("GET /prod/echo HTTP/1.1\r\nHost: x\r\nx-api-key: %s\r\n\r\n" % ("k" * 6000))
        r = c.read_response()
        forbidden(r)
    assert kgw.backend.total_bytes() == 0


def test_key_values_never_reach_the_logs(turnpike, backend, workdir):
    """Error log file (daemon mode, debug level) and access log: after admitted,
    refused (unknown, disabled, too long, other stage) and failing (backend down,
    malformed) requests with keys, no key value appears in any log or state file."""
    cfg = keys_config(backend.port, workdir, log_level="debug")
    cfg["apis"][0]["routes"].append(
        {"route": "GET /down", "api_key_required": True,
         "integration": {"type": "HTTP_PROXY", "uri": "http://127.0.0.1:9/down"}})
    gw = turnpike(cfg, daemon=True)
    ctl_ok(gw, "keys", "create", "--name", "live", "--plan", "basic", "--value", kv(7))
    values = [kv(1), kv(2), kv(3), kv(5), kv(7), kv(99), V20, V128 + "x", PUNCT]
    for v in values:
        for path in ("/prod/echo", "/prod/keyed", "/beta/keyed", "/prod/down", "/prod/open"):
            req(gw, path, v)
    with RawConn(gw.port) as c:          # a malformed request carrying a key
        c.send_tolerant("GET /prod/keyed HTTP/1.1\r\nx-api-key: %s\r\nBad Header\r\n\r\n"
                        % kv(1))
        c.wait_closed(3)
    assert req(gw, "/prod/keyed", kv(7)).status_code == 200
    gw.stop()
    texts = {"stderr/stdout": gw.log_text()}
    for name, path in (("error log", gw.error_log_path()),
                       ("access log", os.path.join(workdir, "access.log"))):
        with open(path) as f:
            texts[name] = f.read()
    assert "Connection refused" in texts["error log"], \
        "the failing requests were not logged in %s" % gw.error_log_path()
    for root, _, files in os.walk(gw.data_dir):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                texts[os.path.join(root, name)] = f.read().decode("latin-1")
    for where, text in texts.items():
        for v in values:
            # nothing but the last four characters (the masked apiKey) may show
            for part in (v, v[:-4], v[:12]):
                assert part not in text, "%r of API key value %r found in the %s" % (
                    part, v, where)


# -- live key management (turnpikectl while turnpike runs) -----------------------------------

def live_config(workdir, workers=2):
    routes = [mock("GET /keyed", key=True), mock("GET /open")]
    stages = [{"name": "prod"}, {"name": "beta"}]
    return traffic_config(routes, stages, workers=workers,
                          plans=[plan("basic", ["shop/prod"]), plan("betaplan", ["shop/beta"])],
                          keys=[key("cfg", kv(1))],
                          access_log={"path": os.path.join(workdir, "access.log"),
                                      "format": LOG_FORMAT})


def every_connection(gw, path, value, n=12):
    """Statuses of <n> requests, each on its own connection, all open at once
    (so that every worker gets some)."""
    conns = [Client(gw.port) for _ in range(n)]
    try:
        for c in conns:
            c._connect()
        return [c.get(path, api_key=value).status for c in conns]
    finally:
        for c in conns:
            c.close()


def within_a_second(gw, path, value, status, what):
    ok = wait_until(lambda: get(gw, path, value).status == status, 1.0, interval=0.02)
    assert ok, "%s: still not %d one second later (no reload was made)" % (what, status)
    got = every_connection(gw, path, value)
    assert got == [status] * len(got), \
        "%s: some workers disagree: statuses on fresh connections %r" % (what, got)


def test_keys_managed_live_apply_within_a_second(turnpike, workdir):
    gw = turnpike(live_config(workdir))
    workers = gw.wait_workers(2)
    assert len(workers) == 2
    v = kv(10, "live")
    assert get(gw, "/prod/keyed", v).status == 403

    created = ctl_ok(gw, "keys", "create", "--name", "live", "--plan", "basic", "--value", v)
    within_a_second(gw, "/prod/keyed", v, 200, "keys create")
    r = req(gw, "/prod/keyed", v)
    rec = access_records(os.path.join(workdir, "access.log"), r)[r.headers["x-amzn-RequestId"]]
    assert rec == (created["id"], "*" * 36 + v[-4:], "200"), \
        "access log of a turnpikectl key: %r, want (%s, masked, 200)" % (rec, created["id"])

    ctl_ok(gw, "keys", "disable", "live")
    within_a_second(gw, "/prod/keyed", v, 403, "keys disable")
    forbidden(req(gw, "/prod/keyed", v))
    ctl_ok(gw, "keys", "enable", "live")
    within_a_second(gw, "/prod/keyed", v, 200, "keys enable")
    rc, out, err = ctl(gw, "keys", "delete", "live")
    assert rc == 0, err
    within_a_second(gw, "/prod/keyed", v, 403, "keys delete")

    # a generated value, and a key whose plan serves another stage
    gen = ctl_ok(gw, "keys", "create", "--name", "gen", "--plan", "betaplan")
    within_a_second(gw, "/beta/keyed", gen["value"], 200, "keys create (generated value)")
    forbidden(req(gw, "/prod/keyed", gen["value"]))
    assert set(gw.worker_pids()) == set(workers), "workers were replaced: was there a reload?"
    assert "reload" not in gw.log_text().lower()


def test_import_while_running(turnpike, workdir):
    gw = turnpike(live_config(workdir))
    gw.wait_workers(2)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Name", "Key", "Enabled", "UsagePlanIds"])
    w.writerow(["imp1", kv(1, "imp"), "true", "basic"])
    w.writerow(["imp2", kv(2, "imp"), "false", "basic"])
    w.writerow(["imp3", kv(3, "imp"), "TRUE", "betaplan"])
    path = os.path.join(workdir, "keys.csv")
    with open(path, "w", newline="") as f:
        f.write(buf.getvalue())
    out = ctl_ok(gw, "keys", "import", "--file", path)
    assert out["count"] == 3, out
    within_a_second(gw, "/prod/keyed", kv(1, "imp"), 200, "imported key")
    forbidden(req(gw, "/prod/keyed", kv(2, "imp")))          # imported disabled
    within_a_second(gw, "/beta/keyed", kv(3, "imp"), 200, "imported key on beta")
    forbidden(req(gw, "/prod/keyed", kv(3, "imp")))


@pytest.mark.parametrize("name", ["/dev/stdin", "-"])
def test_import_from_a_pipe_skips_a_split_byte_order_mark(turnpike, workdir, name):
    """`keys import --file /dev/stdin` (or `-`): the BOM arrives in two reads."""
    gw = turnpike(live_config(workdir, workers=1))
    p = subprocess.Popen([TURNPIKECTL_BIN, "-c", gw.conf_path, "keys", "import", "--file",
                          name], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=workdir)
    try:
        p.stdin.write(b"\xef")
        p.stdin.flush()
        # once turnpikectl has read that byte, the rest follows in a second read
        assert wait_until(lambda: pipe_pending(p.stdin) == 0, 10), "the byte was not read"
        out, err = p.communicate(b"\xbb\xbfName,Key,UsagePlanIds\npiped,%s,basic\n"
                                 % kv(30).encode(), timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, "import from a pipe: exit %d, %s" % (p.returncode,
                                                                   err.decode().strip())
    within_a_second(gw, "/prod/keyed", kv(30), 200, "key imported from a pipe")


def pipe_pending(f):
    """Bytes written to the pipe <f> and not read yet."""
    buf = array.array("i", [0])
    fcntl.ioctl(f.fileno(), termios.FIONREAD, buf)
    return buf[0]


def test_create_with_unknown_plan_fails_and_changes_nothing(turnpike, workdir):
    gw = turnpike(live_config(workdir, workers=1))
    rc, out, err = ctl(gw, "keys", "create", "--name", "x", "--plan", "platinum",
                       "--value", kv(5))
    assert rc == 1, "keys create with an unknown plan: exit %d, expected 1\n%s%s" % (
        rc, out, err)
    assert err.startswith("turnpikectl: ") and "platinum" in err, err
    assert out == ""
    names = [k["name"] for k in ctl_ok(gw, "keys", "list")["items"]]
    assert names == ["cfg"], names
    forbidden(req(gw, "/prod/keyed", kv(5)))
    assert req(gw, "/prod/keyed", kv(1)).status_code == 200
    # the config's own keys cannot be changed by turnpikectl
    rc, out, err = ctl(gw, "keys", "disable", "cfg")
    assert rc == 1 and "change it there" in err, err
    assert req(gw, "/prod/keyed", kv(1)).status_code == 200


def test_reload_picks_up_config_keys_and_keeps_ctl_keys(turnpike, workdir):
    cfg = live_config(workdir)
    gw = turnpike(cfg)
    ctl_ok(gw, "keys", "create", "--name", "ctlkey", "--plan", "basic", "--value", kv(20))
    within_a_second(gw, "/prod/keyed", kv(20), 200, "keys create")
    cfg["api_keys"] = [key("cfg", kv(1), enabled=False), key("new", kv(21))]
    gw.write_config(cfg)
    gw.reload()
    assert wait_until(lambda: get(gw, "/prod/keyed", kv(1)).status == 403, 10), \
        "a config key disabled by a reload is still accepted"
    assert get(gw, "/prod/keyed", kv(21)).status == 200, "a key added by a reload"
    assert get(gw, "/prod/keyed", kv(20)).status == 200, "a turnpikectl key lost on reload"


# -- configuration errors (turnpike -t names FILE:LINE) ----------------------------------------

PLANS = """
usage_plans = (
  { name = "basic";
    stages = ( "demo/prod" );
    throttle = { rate = 10.0; burst = 20; };
    quota = { limit = 100; period = "DAY"; };
  }
);
"""

KEYS = """
api_keys = (
  { name = "alice";
    value = "%s";
    plans = ( "basic" );
  }
);
""" % kv(1)


def test_full_traffic_config_is_valid(workdir):
    stage = ('{ name = "prod";\n      throttle = { rate = 5.0; burst = 10; };\n'
             '      route_settings = ( { route = "ANY /{proxy+}"; '
             'throttle = { rate = 1; burst = 2; }; } ); }')
    extra = "throttle = { rate = 500.0; burst = 100; };\n" + PLANS.replace(
        'period = "DAY"; };',
        'period = "WEEK"; offset = 10; };\n    method_throttles = ( { stage = "demo/prod"; '
        'route = "ANY /{proxy+}"; throttle = { rate = 1.5; burst = 3; }; } );') + KEYS
    text = config_text(workdir, route="        api_key_required = true;", stage=stage,
                       extra=extra).replace(
        "  workers = 1;\n", "  workers = 1;\n  state_size = \"16M\";\n"
        "  throttle_entries = 1024;\n  quota_entries = 4096;\n")
    out = check_ok(workdir, text)
    assert "error" not in out.lower().replace("error_log", ""), out


def _needle(text, old, new):
    assert old in text, old
    return text.replace(old, new + "  " + NEEDLE, 1)


def test_key_names_unknown_plan(workdir):
    text = _needle(config_text(workdir, extra=PLANS + KEYS), 'plans = ( "basic" );',
                   'plans = ( "nope" );')
    check_error(workdir, text, "nope", "usage_plans does not define")


def test_plan_on_http_api_stage(workdir):
    text = config_text(workdir, api_type="HTTP", stage='{ name = "$default"; }',
                       extra=PLANS.replace('"demo/prod"', '"demo/$default"'))
    text = _needle(text, 'stages = ( "demo/$default" );', 'stages = ( "demo/$default" );')
    check_error(workdir, text, "only REST APIs have usage plans")


@pytest.mark.parametrize("quota,words", [
    ('quota = {\n      limit = 10;\n      offset = 10;  %s\n      period = "DAY"; };' % NEEDLE,
     ["offset 10 must be less than the limit 10"]),
    ('quota = {\n      limit = 10;\n      offset = 11;  %s\n      period = "DAY"; };' % NEEDLE,
     ["offset 11"]),
    ('quota = {\n      limit = 10;\n      period = "YEAR"; };  %s' % NEEDLE,
     ["period", "DAY"]),
    ('quota = {\n      limit = 10;\n      period = 1; };  %s' % NEEDLE, ["period"]),
    ('quota = { period = "DAY"; };  %s' % NEEDLE, ["limit"]),
    ('quota = { limit = 10; };  %s' % NEEDLE, ["period"]),
    ('quota = { limit = -1; period = "DAY"; };  %s' % NEEDLE, ["limit"]),
    # libconfig would wrap this to 705032704 without the L suffix
    ('quota = { limit = 5000000000; period = "DAY"; };  %s' % NEEDLE,
     ["'limit' does not fit in 32 bits", "5000000000L"]),
], ids=["offset=limit", "offset>limit", "bad-period", "period-not-string", "no-limit",
        "no-period", "negative-limit", "64-bit-without-L"])
def test_bad_quota(workdir, quota, words):
    text = config_text(workdir, extra=PLANS.replace(
        'quota = { limit = 100; period = "DAY"; };', quota))
    check_error(workdir, text, *words)


def test_64_bit_quota_limit_with_l_suffix(workdir):
    check_ok(workdir, config_text(workdir, extra=PLANS.replace(
        'quota = { limit = 100; period = "DAY"; };',
        'quota = { limit = 5000000000L; period = "DAY"; };')))


@pytest.mark.parametrize("throttle,words", [
    ("throttle = { rate = 10.0; };", ["burst"]),
    ("throttle = { burst = 10; };", ["rate"]),
    ("throttle = { rate = -1.0; burst = 10; };", ["rate"]),
    ('throttle = { rate = "fast"; burst = 10; };', ["rate"]),
    ("throttle = { rate = 10.0; burst = -1; };", ["burst"]),
    ("throttle = { rate = 10.0; burst = 10; bogus_setting = 1; };", ["bogus_setting"]),
], ids=["no-burst", "no-rate", "negative-rate", "rate-string", "negative-burst",
        "unknown-setting"])
@pytest.mark.parametrize("where", ["account", "stage", "plan"])
def test_bad_throttle(workdir, throttle, words, where):
    line = "%s  %s" % (throttle, NEEDLE)
    if where == "account":
        text = config_text(workdir, extra=line)
    elif where == "stage":
        text = config_text(workdir, stage='{ name = "prod";\n      %s\n    }' % line)
    else:
        text = config_text(workdir, extra=PLANS.replace(
            "throttle = { rate = 10.0; burst = 20; };", line))
    check_error(workdir, text, *words)


def test_route_settings_unknown_route(workdir):
    stage = ('{ name = "prod";\n      route_settings = (\n        { route = "GET /nope";  %s\n'
             '          throttle = { rate = 1.0; burst = 1; }; } ); }' % NEEDLE)
    check_error(workdir, config_text(workdir, stage=stage), "GET /nope", "does not define")


def test_route_settings_without_throttle(workdir):
    stage = ('{ name = "prod";\n      route_settings = (\n        { route = "ANY /{proxy+}"; '
             '}  %s\n      ); }' % NEEDLE)
    check_error(workdir, config_text(workdir, stage=stage), "throttle")


def test_method_throttle_on_stage_outside_the_plan(workdir):
    plans = PLANS.replace(
        '    quota = { limit = 100; period = "DAY"; };\n',
        '    quota = { limit = 100; period = "DAY"; };\n    method_throttles = (\n'
        '      { stage = "demo/test";  %s\n        route = "ANY /{proxy+}"; '
        'throttle = { rate = 1.0; burst = 1; }; } );\n' % NEEDLE)
    text = config_text(workdir, stage='{ name = "prod"; }, { name = "test"; }', extra=plans)
    check_error(workdir, text, "demo/test", "not in the plan's stages")


def test_method_throttle_unknown_route(workdir):
    plans = PLANS.replace(
        '    quota = { limit = 100; period = "DAY"; };\n',
        '    method_throttles = (\n      { stage = "demo/prod";\n'
        '        route = "GET /nope";  %s\n        throttle = { rate = 1.0; burst = 1; }; } );\n'
        % NEEDLE)
    check_error(workdir, config_text(workdir, extra=plans), "GET /nope")


def test_plan_unknown_stage(workdir):
    text = _needle(config_text(workdir, extra=PLANS), 'stages = ( "demo/prod" );',
                   'stages = ( "demo/gamma" );')
    check_error(workdir, text, "gamma")


def test_duplicate_plan_name(workdir):
    plans = PLANS.replace("\n);", ',\n  { name = "basic"; stages = ( "demo/prod" ); }  %s\n);'
                          % NEEDLE)
    check_error(workdir, config_text(workdir, extra=plans), "duplicate usage plan")


def test_duplicate_key_values(workdir):
    keys = KEYS.replace("\n);", ',\n  { name = "bob";\n    value = "%s";  %s\n'
                        '    plans = ( "basic" ); }\n);' % (kv(1), NEEDLE))
    check_error(workdir, config_text(workdir, extra=PLANS + keys), "same value")


def test_duplicate_key_names(workdir):
    keys = KEYS.replace("\n);", ',\n  { name = "alice"; value = "%s"; }  %s\n);'
                        % (kv(2), NEEDLE))
    check_error(workdir, config_text(workdir, extra=PLANS + keys), "duplicate API key name")


@pytest.mark.parametrize("value,words", [
    (V20[:-1], ["20"]),
    (V128 + "x", ["128"]),
    ("has a space 0123456789", ["space"]),
], ids=["too-short", "too-long", "space"])
def test_bad_key_value(workdir, value, words):
    text = _needle(config_text(workdir, extra=PLANS + KEYS), 'value = "%s";' % kv(1),
                   'value = "%s";' % value)
    check_error(workdir, text, "alice", *words)


def test_key_enabled_not_boolean(workdir):
    text = _needle(config_text(workdir, extra=PLANS + KEYS), 'plans = ( "basic" );',
                   'plans = ( "basic" ); enabled = "yes";')
    check_error(workdir, text, "enabled")


def test_key_in_two_plans_of_one_stage(workdir):
    plans = PLANS.replace("\n);", ',\n  { name = "other"; stages = ( "demo/prod" ); }\n);')
    keys = _needle(KEYS.replace('plans = ( "basic" );', 'plans = ( "basic", "other" );'),
                   '{ name = "alice";', '{ name = "alice";')
    check_error(workdir, config_text(workdir, extra=plans + keys), "both serve stage")


def test_api_key_required_on_http_api(workdir):
    text = config_text(workdir, api_type="HTTP", stage='{ name = "$default"; }',
                       route="        api_key_required = true;")
    # the error names the route, whose group starts on the line of route = ...
    text = _needle(text, '{ route = "ANY /{proxy+}";', '{ route = "ANY /{proxy+}";')
    check_error(workdir, text, "api_key_required")


@pytest.mark.parametrize("setting", ["throttle_entries = 1000;", "quota_entries = 16;",
                                     'state_size = "1K";'])
def test_server_table_sizes_out_of_range(workdir, setting):
    text = config_text(workdir).replace("  workers = 1;\n",
                                        "  workers = 1;\n  %s  %s\n" % (setting, NEEDLE))
    check_error(workdir, text, setting.split(" ")[0])


def test_config_key_with_the_value_of_a_turnpikectl_key_warns(turnpike, workdir):
    """The config file's key wins (workers look there first): the master says so
    at the reload that adds it, naming the file and line."""
    cfg = live_config(workdir, workers=1)
    gw = turnpike(cfg)
    ctl_ok(gw, "keys", "create", "--name", "made-by-ctl", "--plan", "basic",
           "--value", kv(40))
    cfg["api_keys"].append(key("from-config", kv(40)))
    gw.write_config(cfg)
    gw.reload()
    assert wait_until(lambda: 'api key "from-config" has the value of the turnpikectl key'
                      in gw.log_text(), 10), gw.log_tail()
    line = [l for l in gw.log_text().splitlines() if '"from-config" has the value' in l][0]
    assert "%s:" % gw.conf_path in line and key_id(gw, "made-by-ctl") in line, line
    assert kv(40) not in gw.log_text(), "a key value was logged"
    assert get(gw, "/prod/keyed", api_key=kv(40)).status == 200

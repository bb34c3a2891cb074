#!/usr/bin/python3
"""Helpers for scripts/bench (python3 standard library only).

Sub-commands:
  freeport N                       print N distinct free TCP ports on 127.0.0.1
  wrk FILE                         parse `wrk --latency` output into one TSV line
  seq [-H HDR]... PORT PATH N      N sequential GETs on one keep-alive connection
  idle PORT PATH K1 K2 DIR TIMEOUT hold K1, then K2 idle keep-alive connections
  cgsum FILE...                    sum the Ir totals of callgrind output files
  cgsplit FILE...                  the same, the metrics worker's file apart,
                                   with the inclusive cost of a few functions
  strace FILE                      print "total N" and "<syscall> N" from strace -c
  straceff DIR PID                 the same from strace -ff traces DIR/st.*,
                                   leaving out process PID
  routes N FILE BACKEND_PORT       write the first N routes of the routing
                                   bench's route set (libconfig) to FILE
  json SIZE FILE                   write a JSON document of exactly SIZE
                                   bytes (the response cache section's
                                   compressible body) to FILE
  jwt DIR                          make an RSA key with openssl, its JWKS
                                   (DIR/jwks.json) and an RS256 token for
                                   it (DIR/token), valid for 30 days
  report DIR [DOC]                 print the results table; replace the results
                                   section of DOC (docs/BENCHMARKS.md) if given
                                   (after --mon-only: the monitoring block)

The shell script owns processes and timing; this file owns parsing and
arithmetic, which are clumsy and error-prone in sh.
"""

import base64
import json
import os
import random
import re
import socket
import statistics
import sys
import time

HOST = "127.0.0.1"


# ---------------------------------------------------------------- ports

def cmd_freeport(argv):
    # Bind all sockets before closing any, so the kernel cannot hand the
    # same ephemeral port out twice within one call.
    n = int(argv[0]) if argv else 1
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((HOST, 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


# ---------------------------------------------------------------- wrk

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError("unparsable wrk latency %r" % text)
    return float(m.group(1)) * _UNIT_MS[m.group(2)]


def parse_wrk(text):
    """Return dict rps, p50_ms, p99_ms, requests, non2xx, sockerr."""
    out = {"non2xx": 0, "sockerr": 0}
    m = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    if not m:
        raise ValueError("no Requests/sec line in wrk output")
    out["rps"] = float(m.group(1))
    m = re.search(r"^\s*(\d+) requests in ", text, re.M)
    if not m:
        raise ValueError("no 'N requests in' line in wrk output")
    out["requests"] = int(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(r"^\s*%s%%\s+(\S+)" % pct, text, re.M)
        if not m:
            raise ValueError("no %s%% latency line (was --latency given?)" % pct)
        out[key] = _to_ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", text)
    if m:
        out["sockerr"] = sum(int(x) for x in m.groups())
    return out


def cmd_wrk(argv):
    with open(argv[0]) as f:
        r = parse_wrk(f.read())
    print("%.2f\t%.4f\t%.4f\t%d\t%d\t%d" % (r["rps"], r["p50_ms"], r["p99_ms"],
                                            r["requests"], r["non2xx"],
                                            r["sockerr"]))


# ---------------------------------------------------------------- HTTP client

def request_bytes(port, path, headers=()):
    # The same minimal request wrk sends (with wrk -H, its headers after
    # Host), so every client costs the proxy the same header parsing work.
    return ("GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n"
            % (path, HOST, port,
               "".join("%s\r\n" % h for h in headers))).encode()


class Conn:
    """A keep-alive HTTP/1.1 connection that reads whole responses."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection mid-response")
        self.buf += chunk

    def _take_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def get(self, req):
        """Send one request; return (status, body, keep_alive)."""
        self.sock.sendall(req)
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        keep = headers.get("connection", "").lower() != "close"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int(self._take_line().split(b";")[0], 16)
                if size == 0:
                    while self._take_line():   # trailers, then the empty line
                        pass
                    break
                body += self._take(size)
                self._take(2)
        elif "content-length" in headers:
            body = self._take(int(headers["content-length"]))
        else:
            raise ConnectionError("response has neither Content-Length nor "
                                  "chunked encoding: cannot keep alive")
        return status, body, keep

    def close(self):
        self.sock.close()


def cmd_seq(argv):
    """seq [-H HEADER]... PORT PATH N [PATH N ...]: N sequential requests to
    each PATH in turn, all on one connection, each with the HEADERs ("Name:
    value", as wrk -H); fail on any non-200."""
    headers = []
    while len(argv) >= 2 and argv[0] == "-H":
        headers.append(argv[1])
        argv = argv[2:]
    if not argv:
        sys.exit("seq: usage: seq [-H HEADER]... PORT PATH N [PATH N ...]")
    port, rest = int(argv[0]), argv[1:]
    if not rest or len(rest) % 2:
        sys.exit("seq: usage: seq [-H HEADER]... PORT PATH N [PATH N ...]")
    c = Conn(port, timeout=120.0)     # generous: the server may run under valgrind
    done = 0
    total = sum(int(n) for n in rest[1::2])
    for path, n in zip(rest[0::2], rest[1::2]):
        req = request_bytes(port, path, headers)
        for _ in range(int(n)):
            status, _, keep = c.get(req)
            done += 1
            if status != 200:
                sys.exit("seq: request %d (%s) got status %d"
                         % (done, path, status))
            if not keep and done < total:
                sys.exit("seq: server closed keep-alive after %d requests"
                         % done)
    c.close()
    print(total)


def cmd_idle(argv):
    """Hold idle keep-alive connections, in two steps, for memory sampling.

    Opens K1 connections with one request on each, writes DIR/ready1, waits
    for DIR/go, opens more up to K2 in all, writes DIR/ready2, waits for
    DIR/stop (or TIMEOUT seconds at each wait). Then writes DIR/result: how
    many of the K2 were still open, so a server that silently dropped idle
    connections is caught.
    """
    port, path, k1, k2, d, timeout = (int(argv[0]), argv[1], int(argv[2]),
                                      int(argv[3]), argv[4], float(argv[5]))
    req = request_bytes(port, path)
    conns = []

    def open_up_to(k):
        while len(conns) < k:
            c = Conn(port)
            status, _, keep = c.get(req)
            if status != 200 or not keep:
                sys.exit("idle: connection %d: status %d keep-alive %s"
                         % (len(conns) + 1, status, keep))
            conns.append(c)

    def signal_and_wait(mine, theirs):
        open(os.path.join(d, mine), "w").close()
        deadline = time.monotonic() + timeout
        while not os.path.exists(os.path.join(d, theirs)):
            if time.monotonic() > deadline:
                sys.exit("idle: nobody created %s in time" % theirs)
            time.sleep(0.05)

    try:
        open_up_to(k1)
        signal_and_wait("ready1", "go")
        open_up_to(k2)
        signal_and_wait("ready2", "stop")
        still_open = 0
        for c in conns:
            c.sock.setblocking(False)
            try:
                if c.sock.recv(1, socket.MSG_PEEK):
                    continue      # unsolicited bytes: not idle, count as lost
            except BlockingIOError:
                still_open += 1   # nothing to read and no EOF: still open
            except OSError:
                pass
        with open(os.path.join(d, "result"), "w") as f:
            f.write("%d\n" % still_open)
    finally:
        for c in conns:
            c.close()


# ---------------------------------------------------------------- counters

def cmd_cgsum(argv):
    # "summary:" is the whole-run total; older callgrind wrote "totals:".
    total = 0
    for name in argv:
        found = None
        with open(name) as f:
            for line in f:
                if line.startswith("summary:") or (found is None and
                                                   line.startswith("totals:")):
                    found = int(line.split()[1])
        if found is None:
            sys.exit("cgsum: no summary/totals line in %s" % name)
        total += found
    print(total)


# The functions whose inclusive cost cgsplit reports: the traffic control
# phases of a request and the parts they consist of (report: LIMITS_FUNCS),
# the authorize phase and the JWT check's parts (report: JWT_FUNCS), the
# counting of a finished request and its access-log line (report:
# MON_FUNCS), and the metrics worker's once-a-second quota flush and
# once-a-period EMF report.
CG_FUNCS = ("tp_phase_apikey", "tp_keymemo_hash", "tp_apikey_hash",
            "tp_state_key_find", "tp_phase_throttle", "tp_throttle_admit",
            "tp_quota_take", "metrics_flush", "tp_quota_dirty",
            "tp_phase_auth", "tp_jwt_cache_get", "tp_jwt_decode",
            "tp_jwt_verify", "tp_jwt_validate", "tp_jwt_cache_put",
            "tp_count_request", "tp_accesslog_write", "tp_context_value",
            "write", "emf_tick")
CG_METRICS_MAIN = "tp_metrics_main"


def parse_callgrind(path):
    """(total Ir, {function: [calls, inclusive Ir]}, is the metrics worker)
    of one callgrind output file, from its call records: a "calls=" line
    and, on the next, the call's position and its inclusive cost. Names are
    compressed as "(id) name" at their first use and "(id)" afterwards."""
    names = {}
    calls = {}
    total = None
    is_metrics = False
    npos = 1                     # "positions: line" (the default)
    fn = cfn = None
    pending = None

    def name(spec):
        m = re.match(r"\((\d+)\)(?: (.*))?$", spec)
        if not m:
            return spec
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "?")

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if pending is not None:
                fields = line.split()
                c = calls.setdefault(pending, [0, 0])
                c[0] += pending_n
                c[1] += int(fields[npos]) if len(fields) > npos else 0
                pending = None
            elif line.startswith("fn="):
                fn = name(line[3:])
                is_metrics |= fn == CG_METRICS_MAIN
            elif line.startswith("cfn="):
                cfn = name(line[4:])
                is_metrics |= cfn == CG_METRICS_MAIN
            elif line.startswith("calls="):
                # A recursive call's cost is already in the outer one's.
                pending = cfn if cfn != fn else None
                pending_n = int(line[6:].split()[0])
                if pending is None:
                    next(f, None)
            elif line.startswith("positions:"):
                npos = len(line.split()) - 1
            elif line.startswith("summary:") or (
                    total is None and line.startswith("totals:")):
                total = int(line.split()[1])
    if total is None:
        raise ValueError("no summary/totals line in %s" % path)
    return total, calls, is_metrics


def cmd_cgsplit(argv):
    """total (all processes but the metrics worker), metrics (its total),
    then "fn NAME CALLS IR" for the CG_FUNCS called outside the metrics
    worker and "mfn NAME CALLS IR" for those called inside it."""
    total = metrics = nmetrics = 0
    fns = {}
    mfns = {}
    for path in argv:
        t, calls, is_metrics = parse_callgrind(path)
        if is_metrics:
            metrics += t
            nmetrics += 1
        else:
            total += t
        for k in CG_FUNCS:
            if k in calls:
                acc = (mfns if is_metrics else fns).setdefault(k, [0, 0])
                acc[0] += calls[k][0]
                acc[1] += calls[k][1]
    if nmetrics != 1:
        sys.exit("cgsplit: %d metrics worker files (calls to %s) among %d"
                 % (nmetrics, CG_METRICS_MAIN, len(argv)))
    print("total %d" % total)
    print("metrics %d" % metrics)
    for tag, d in (("fn", fns), ("mfn", mfns)):
        for k in CG_FUNCS:
            if k in d:
                print("%s %s %d %d" % (tag, k, d[k][0], d[k][1]))


def cmd_straceff(argv):
    """Like strace, from the per-process traces of strace -ff -o DIR/st,
    leaving out the process PID (the metrics worker); its own total follows
    as "metrics N"."""
    d, skip = argv[0], argv[1]
    calls = {}
    total = metrics = 0
    files = [n for n in os.listdir(d) if re.fullmatch(r"st\.\d+", n)]
    if not files:
        sys.exit("straceff: no st.PID files in %s" % d)
    if "st." + skip not in files:
        sys.exit("straceff: no trace of process %s in %s" % (skip, d))
    for n in files:
        with open(os.path.join(d, n), errors="replace") as f:
            # One line per call ("name(args) = result"); signals, exits and
            # the second half of an interrupted call are not calls.
            names = [m.group(1) for m in
                     (re.match(r"([a-z_][a-z0-9_]*)\(", line) for line in f)
                     if m]
        if n == "st." + skip:
            metrics += len(names)
            continue
        total += len(names)
        for k in names:
            calls[k] = calls.get(k, 0) + 1
    print("total %d" % total)
    for k, v in sorted(calls.items(), key=lambda kv: -kv[1]):
        print("%s %d" % (k, v))
    print("metrics %d" % metrics)


def parse_strace(path):
    """{syscall: calls} plus 'total' from an `strace -c` table."""
    calls = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            # data rows: % time, seconds, usecs/call, calls, [errors], name
            if len(fields) < 5 or not re.fullmatch(r"[0-9.]+", fields[0]):
                continue
            try:
                calls[fields[-1]] = int(fields[3])
            except ValueError:
                continue
    if "total" not in calls:
        raise ValueError("no total line in strace summary %s" % path)
    return calls


def cmd_strace(argv):
    calls = parse_strace(argv[0])
    for name, n in sorted(calls.items(), key=lambda kv: -kv[1]):
        print("%s %d" % (name, n))


# ---------------------------------------------------------------- route sets

# The routing section of the bench compares one REST API with 10 routes
# against the same API with 10,000. Both are prefixes of one deterministic
# list, so the trie nodes the measured requests walk through hold the same
# routes in both; only the number of siblings along the way differs.
#
# The list: first the fallback ANY /{proxy+}, then services svc0007 (the
# measured one, so it is whole in every prefix of 10 or more), svc0000,
# svc0001, ... with SERVICE_ROUTES routes each. A service looks like a
# typical REST resource tree: literals, {param} segments at several depths,
# a second resource whose name varies from service to service, and a
# {section} parameter right below the service, so a path that fails deep in
# svc0007/items has to back out through {section} before it reaches
# /{proxy+}. 10,000 routes are the fallback and 1,111 services: the root has
# 1,111 literal children (wide) and routes are up to five segments (deep).
ROUTE_TARGET_SERVICE = 7
ROUTE_TARGET_KEY = "GET /svc%04d/items/{id}" % ROUTE_TARGET_SERVICE
ROUTE_FALLBACK_KEY = "ANY /{proxy+}"
ROUTE_RESOURCES = ("orders", "users", "invoices", "devices", "tickets",
                   "reports", "accounts", "shipments", "payments", "events",
                   "sessions")
# The bodies the MOCK routes answer; scripts/bench checks them with curl.
ROUTE_TARGET_BODY = '{"ok":true}'
ROUTE_FALLBACK_BODY = '{"fallback":true}'


def service_routes(k):
    svc = "/svc%04d" % k
    res = ROUTE_RESOURCES[k % len(ROUTE_RESOURCES)]
    one = res[:-1]                                  # "orders" -> "order"
    return [
        "GET %s/items" % svc,
        "POST %s/items" % svc,
        "GET %s/items/{id}" % svc,                  # measured (svc0007)
        "PUT %s/items/{id}" % svc,
        "DELETE %s/items/{id}" % svc,
        "GET %s/items/{id}/parts/{part}" % svc,
        "GET %s/%s/{%sId}" % (svc, res, one),
        "POST %s/%s/{%sId}/cancel" % (svc, res, one),
        "GET %s/{section}/summary" % svc,
    ]


SERVICE_ROUTES = len(service_routes(0))


def route_keys(n):
    keys = [ROUTE_FALLBACK_KEY]
    order = [ROUTE_TARGET_SERVICE] + [k for k in range(n)
                                      if k != ROUTE_TARGET_SERVICE]
    for svc in order:
        if len(keys) >= n:
            break
        keys.extend(service_routes(svc))
    return keys[:n]


def _conf_str(s):
    # libconfig strings: backslash and double quote are escaped.
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def _mock(body):
    # MOCK: the request template picks status 200, whose integration
    # response template is the body. No backend takes part.
    return ("{ type = \"MOCK\";\n"
            "      request_templates = ( (\"application/json\", %s) );\n"
            "      responses = ( { status = 200; templates = ( "
            "(\"application/json\", %s) ); } ); }"
            % (_conf_str('{"statusCode": 200}'), _conf_str(body)))


def route_entry(key, backend_port):
    # The two measured routes are MOCKs, so the backend is not part of the
    # measurement; the others proxy to the bench backend, as the routes of
    # a real REST API in front of services would (they are never called).
    if key == ROUTE_TARGET_KEY:
        integ = _mock(ROUTE_TARGET_BODY)
    elif key == ROUTE_FALLBACK_KEY:
        integ = _mock(ROUTE_FALLBACK_BODY)
    else:
        integ = ("{ type = \"HTTP_PROXY\"; uri = %s; }"
                 % _conf_str("http://127.0.0.1:%d%s"
                             % (backend_port, key.split(" ", 1)[1])))
    return "  { route = %s;\n    integration = %s; }" % (_conf_str(key), integ)


def cmd_routes(argv):
    n, path, backend_port = int(argv[0]), argv[1], int(argv[2])
    if n < SERVICE_ROUTES + 1:
        sys.exit("routes: need at least %d routes (the fallback and the "
                 "measured service)" % (SERVICE_ROUTES + 1))
    keys = route_keys(n)
    with open(path, "w") as f:
        f.write("# %d routes, written by scripts/bench-lib/tool.py routes\n"
                % len(keys))
        f.write(",\n".join(route_entry(k, backend_port) for k in keys))
        f.write("\n")


# ---------------------------------------------------------------- JSON body

# The response cache section compresses a body as an API would return it:
# an array of records with ids, names, prices, flags and short texts from a
# small vocabulary, so gzip finds what it finds in real JSON (about 4-6 to
# 1), not the random letters of /big, which hardly compress. Deterministic.
JSON_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
              "golf", "hotel", "india", "juliett", "kilo", "lima", "mike",
              "november", "oscar", "papa", "quebec", "romeo", "sierra",
              "tango")


def json_body(size):
    r = random.Random(1)
    recs = []
    out = "[]"
    while True:
        i = len(recs)
        rec = ('{"id":%d,"sku":"SKU-%06d","name":"%s %s","price":%d.%02d,'
               '"inStock":%s,"tags":["%s","%s"],"description":"%s"}'
               % (1000 + i, r.randrange(10 ** 6), r.choice(JSON_WORDS),
                  r.choice(JSON_WORDS), r.randrange(1, 500),
                  r.randrange(100), r.choice(("true", "false")),
                  r.choice(JSON_WORDS), r.choice(JSON_WORDS),
                  " ".join(r.choice(JSON_WORDS)
                           for _ in range(r.randrange(4, 12)))))
        nxt = "[" + ",".join(recs + [rec]) + "]"
        if len(nxt) + 1 > size:
            break
        recs.append(rec)
        out = nxt
    # Pad to the exact size with blanks before the newline: still JSON.
    return (out + " " * (size - len(out) - 1) + "\n").encode()


def cmd_json(argv):
    size, path = int(argv[0]), argv[1]
    body = json_body(size)
    assert len(body) == size
    with open(path, "wb") as f:
        f.write(body)


# ---------------------------------------------------------------- JWT

JWT_ISSUER = "https://issuer.bench.example/pool"
JWT_AUDIENCE = "bench-client"


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cmd_jwt(argv):
    """An RSA-2048 key (openssl genrsa), the JWKS of its public half and an
    RS256 token signed with it (openssl dgst), with the claims of a typical
    access token: the standard library has no RSA, the openssl command
    does."""
    import subprocess
    d = argv[0]
    key = os.path.join(d, "jwt-key.pem")
    subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"],
                          check=True, capture_output=True, text=True).stdout
    n = int(text.strip().split("=", 1)[1], 16)
    jwk = {"kty": "RSA", "kid": "bench-1", "use": "sig", "alg": "RS256",
           "n": _b64url(n.to_bytes((n.bit_length() + 7) // 8, "big")),
           "e": _b64url((65537).to_bytes(3, "big"))}
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump({"keys": [jwk]}, f)
    now = int(time.time())
    header = {"alg": "RS256", "kid": "bench-1", "typ": "JWT"}
    claims = {"sub": "3b1f2c9e-5a7d-4e21-9c43-bench0000001",
              "iss": JWT_ISSUER, "aud": JWT_AUDIENCE,
              "client_id": JWT_AUDIENCE, "token_use": "access",
              "scope": "bench/read bench/write", "auth_time": now,
              "iat": now, "nbf": now, "exp": now + 30 * 86400,
              "jti": "c0ffee00-1234-4bcd-8ef0-bench0000001",
              "username": "bench-user"}
    signing_input = "%s.%s" % (
        _b64url(json.dumps(header, separators=(",", ":")).encode()),
        _b64url(json.dumps(claims, separators=(",", ":")).encode()))
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                         input=signing_input.encode(), check=True,
                         capture_output=True).stdout
    with open(os.path.join(d, "token"), "w") as f:
        f.write("%s.%s\n" % (signing_input, _b64url(sig)))


# ---------------------------------------------------------------- report

TARGETS = ("direct", "nginx", "turnpike")
PAGE_TOLERANCE_KIB = 8
SIZES = ("small", "big")
SIZE_LABEL = {"small": "~20-byte response (/prod/small)",
              "big": "16 KiB response (/prod/big)"}


def read_meta(d):
    meta = {}
    with open(os.path.join(d, "meta")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            meta[k] = v
    return meta


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    head, body = rows[0], rows[1:]
    return [dict(zip(head, r)) for r in body]


def fmt(x, digits=None):
    if x is None or x != x:          # None or NaN: nothing was measured
        return "—"
    if digits is None:
        ax = abs(x)
        digits = 0 if ax >= 1000 else 1 if ax >= 100 else 2 if ax >= 1 else 3
    return "{:,.{}f}".format(x, digits)


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def mark(r, op, limit):
    if r is None:
        return "—"
    ok = r <= limit + 1e-9 if op == "<=" else r >= limit - 1e-9
    return "PASS" if ok else "MISS"


def fmt_ratio(r):
    return "—" if r is None else "%.2f×" % r


def per_request_counts(d, meta):
    """{(target, size, tool): per-request} by the two-point difference."""
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    out = {}
    for row in read_tsv(os.path.join(d, "counts.tsv")):
        out.setdefault((row["target"], row["size"], row["tool"]), {})[
            int(row["n"])] = int(row["total"])
    res = {}
    for key, by_n in out.items():
        if n1 in by_n and n2 in by_n:
            res[key] = (by_n[n2] - by_n[n1]) / (n2 - n1)
    return res


def syscall_breakdown(d, meta, target, size):
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    p1 = os.path.join(d, "st-%s-%s-%d.txt" % (target, size, n1))
    p2 = os.path.join(d, "st-%s-%s-%d.txt" % (target, size, n2))
    if not (os.path.exists(p1) and os.path.exists(p2)):
        return {}
    a, b = parse_strace(p1), parse_strace(p2)
    return {k: (b.get(k, 0) - a.get(k, 0)) / (n2 - n1)
            for k in set(a) | set(b) if k != "total"}


def runs_of(runs, t, q):
    """The load runs of target t on request (size) q."""
    return [r for r in runs if r["target"] == t and r["size"] == q]


def run_median(runs, t, q, key):
    vals = [float(r[key]) for r in runs_of(runs, t, q)
            if r[key] not in ("", "nan")]
    return statistics.median(vals) if vals else None


def run_ratios(runs, a, b, q):
    """[(round, req/s of b / req/s of a)] on request q: the two ran back to
    back in each round."""
    by = {}
    for r in runs:
        if r["size"] == q and r["target"] in (a, b):
            by.setdefault(int(r["round"]), {})[r["target"]] = float(r["rps"])
    return [(k, v[b] / v[a]) for k, v in sorted(by.items())
            if a in v and b in v and v[a] > 0]


def run_spread(runs, t, q):
    """(max - min) / median of req/s over the rounds, as text."""
    vals = [float(r["rps"]) for r in runs_of(runs, t, q)]
    if len(vals) < 2:
        return "—"
    return "%.0f %%" % ((max(vals) - min(vals))
                        / statistics.median(vals) * 100)


def build_report(d):
    meta = read_meta(d)
    runs = read_tsv(os.path.join(d, "runs.tsv"))
    idle = {r["target"]: r for r in read_tsv(os.path.join(d, "idle.tsv"))}
    counts = per_request_counts(d, meta)
    L = []
    w = L.append

    flagged = [r for r in runs if r["flag"] != "ok"]
    idle_bad = [t for t, r in idle.items() if r["flag"] != "ok"]
    if meta.get("quick") == "1":
        w("> **QUICK SMOKE RUN (`--quick`): one short round. These numbers are "
          "NOT a valid measurement.**")
        w("")
    if flagged or idle_bad:
        w("> **WARNING: %d load run(s) had errors or lost a process%s. The "
          "figures below include them; see the raw table.**"
          % (len(flagged), " and the idle test failed for " +
             ", ".join(idle_bad) if idle_bad else ""))
        w("")

    w("Run on %s; commit `%s`." % (meta["date"], meta["commit"]))
    w("")
    w("| setting | value |")
    w("| --- | --- |")
    for k, label in (("machine", "machine"), ("kernel", "kernel"),
                     ("nginx", "nginx"), ("wrk", "wrk"),
                     ("valgrind", "valgrind"), ("strace", "strace"),
                     ("turnpike", "turnpike")):
        w("| %s | %s |" % (label, meta.get(k, "?")))
    w("| workers (turnpike = nginx) | %s |" % meta["workers"])
    w("| load | `wrk -t%s -c%s -d%ss --latency`, %s interleaved rounds |"
      % (meta["threads"], meta["connections"], meta["duration"],
         meta["rounds"]))
    w("| idle connections | (memory with %s − memory with %s) / %d per proxy |"
      % (meta["idle_conns"], meta["idle_k1"],
         int(meta["idle_conns"]) - int(meta["idle_k1"])))
    w("| instruction / syscall counts | 1 worker, (count(%s) − count(%s)) / %d "
      "sequential keep-alive requests |"
      % (meta["count_n2"], meta["count_n1"],
         int(meta["count_n2"]) - int(meta["count_n1"])))
    w("")

    def med(target, size, key):
        vals = [float(r[key]) for r in runs
                if r["target"] == target and r["size"] == size
                and r[key] not in ("", "nan")]
        return statistics.median(vals) if vals else None

    def paired(size):
        """Median over rounds of turnpike's req/s over nginx's in that round:
        both ran in the same round, so the machine's drift cancels."""
        by = {}
        for r in runs:
            if r["size"] == size and r["target"] in ("turnpike", "nginx"):
                by.setdefault(r["round"], {})[r["target"]] = float(r["rps"])
        vals = [v["turnpike"] / v["nginx"] for v in by.values()
                if "turnpike" in v and "nginx" in v and v["nginx"] > 0]
        return statistics.median(vals) if vals else None

    def spread(target, size):
        vals = [float(r["rps"]) for r in runs
                if r["target"] == target and r["size"] == size]
        if len(vals) < 2:
            return None
        return (max(vals) - min(vals)) / statistics.median(vals) * 100

    def idle_growth(t):
        """(KiB added from K1 to K2 connections, connections added)."""
        r = idle.get(t)
        if not r:
            return None, None
        return (float(r["pss_k2_kib"]) - float(r["pss_k1_kib"]),
                int(r["k2"]) - int(r["k1"]))

    for size in SIZES:
        w("### %s" % SIZE_LABEL[size])
        w("")
        w("| metric | backend direct | nginx | turnpike | turnpike / nginx "
          "| target | |")
        w("| --- | ---: | ---: | ---: | ---: | --- | --- |")
        rps = {t: med(t, size, "rps") for t in TARGETS}
        r = ratio(rps["turnpike"], rps["nginx"])
        w("| req/s, median | %s | %s | %s | %s | | |"
          % (fmt(rps["direct"], 0), fmt(rps["nginx"], 0),
             fmt(rps["turnpike"], 0), fmt_ratio(r)))
        pr = paired(size)
        w("| req/s, turnpike / nginx within each round, median ⁴ | | | | %s "
          "| ≥ 1.10× | %s |" % (fmt_ratio(pr), mark(pr, ">=", 1.10)))
        sp = {t: spread(t, size) for t in TARGETS}
        w("| req/s spread (max−min)/median | %s | %s | %s | | | |"
          % tuple("—" if sp[t] is None else "%.0f %%" % sp[t]
                  for t in TARGETS))
        for key, label, target_txt, op, lim in (
                ("p50_ms", "p50 latency, ms", "", None, None),
                ("p99_ms", "p99 latency, ms", "≤ 1.00×", "<=", 1.00),
                ("cpu_us", "CPU µs per request ¹", "≤ 0.90×", "<=", 0.90)):
            v = {t: med(t, size, key) for t in TARGETS}
            r = ratio(v["turnpike"], v["nginx"])
            w("| %s | %s | %s | %s | %s | %s | %s |"
              % (label, fmt(v["direct"]), fmt(v["nginx"]), fmt(v["turnpike"]),
                 fmt_ratio(r), target_txt,
                 mark(r, op, lim) if op else ""))
        for tool, label in (("callgrind", "instructions per request ²"),
                            ("strace", "system calls per request ²")):
            v = {t: counts.get((t, size, tool)) for t in ("nginx", "turnpike")}
            r = ratio(v["turnpike"], v["nginx"])
            w("| %s | — | %s | %s | %s | (no target) | |"
              % (label, fmt(v["nginx"], 0 if tool == "callgrind" else 2),
                 fmt(v["turnpike"], 0 if tool == "callgrind" else 2),
                 fmt_ratio(r)))
        w("")

    w("### Idle keep-alive connections")
    w("")
    w("| metric | nginx | turnpike | turnpike / nginx | target | |")
    w("| --- | ---: | ---: | ---: | --- | --- |")
    (gn, nn), (gt, nt) = idle_growth("nginx"), idle_growth("turnpike")
    kn = gn / nn if gn is not None else None
    kt = gt / nt if gt is not None else None
    r = ratio(kt, kn)
    # Pss moves in 4 KiB pages: growths within two pages of each other are
    # equal as far as this measurement can tell.
    verdict = "—" if gn is None or gt is None else (
        "PASS" if gt <= gn + PAGE_TOLERANCE_KIB else "MISS")
    w("| memory per idle connection, KiB ³ | %s | %s | %s | ≤ 1.00× | %s |"
      % (fmt(kn, 3), fmt(kt, 3), fmt_ratio(r), verdict))
    w("")
    for t in ("nginx", "turnpike"):
        if t in idle:
            i = idle[t]
            w("- %s: Pss %s KiB idle, %s KiB with %s connections, %s KiB with "
              "%s; %s of %s still open at the end%s."
              % (t, i["pss_base_kib"], i["pss_k1_kib"], i["k1"],
                 i["pss_k2_kib"], i["k2"], i["still_open"], i["k2"],
                 "" if i["flag"] == "ok" else " — **" + i["flag"] + "**"))
    w("")

    w("¹ user + system CPU time of all the server's processes (master and "
      "every child) during the wrk run, divided by the requests wrk "
      "completed. In the *backend direct* column it is the backend's own "
      "cost.  ")
    w("² deterministic, one worker, small numbers of sequential requests; "
      "see *Method*.  ")
    w("³ growth of the anonymous + shared-memory Pss of all the proxy's "
      "processes between the two idle-connection counts, per connection added; "
      "kernel socket buffers are not included. PASS allows %d KiB in total "
      "(two pages) for page granularity.  " % PAGE_TOLERANCE_KIB)
    w("⁴ the req/s verdict: rounds are interleaved, so the two proxies of one "
      "round ran on the machine in the same state; the ratio of the overall "
      "medians mixes rounds and carries the round-to-round noise (see the "
      "spread row).")
    w("")

    for size in SIZES:
        br = {t: syscall_breakdown(d, meta, t, size)
              for t in ("nginx", "turnpike")}
        if not any(br.values()):
            continue
        top = set()
        for t in br:
            top |= {k for k, v in sorted(br[t].items(),
                                         key=lambda kv: -kv[1])[:8] if v > 0.005}
        if not top:
            continue
        w("System calls per request by name, %s:" % SIZE_LABEL[size])
        w("")
        w("| syscall | nginx | turnpike |")
        w("| --- | ---: | ---: |")
        for k in sorted(top, key=lambda k: -(br["nginx"].get(k, 0) +
                                            br["turnpike"].get(k, 0))):
            w("| %s | %.2f | %.2f |" % (k, br["nginx"].get(k, 0),
                                        br["turnpike"].get(k, 0)))
        w("")

    L.extend(routing_report(d, meta, runs, counts))
    L.extend(limits_report(d, meta, runs, counts))
    L.extend(cache_report(d, meta, runs, counts))
    L.extend(jwt_report(d, meta, runs, counts))
    w(MON_BEGIN)
    w("")
    L.extend(mon_report(d, meta, runs, counts))
    w(MON_END)
    w("")
    L.extend(runs_table(runs))
    return "\n".join(L) + "\n", bool(flagged or idle_bad)


def runs_table(runs):
    """Every load run of <runs>, in the order it ran, as a list of lines."""
    L = []
    w = L.append
    w("<details><summary>Every load run, in the order it ran</summary>")
    w("")
    w("| round | # | server | size | req/s | p50 ms | p99 ms | CPU µs/req "
      "| requests | errors |")
    w("| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in runs:
        errs = "non-2xx %s, socket %s" % (r["non2xx"], r["sockerr"])
        if r["flag"] != "ok":
            errs = "**%s: %s**" % (r["flag"], errs)
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
          % (r["round"], r["seq"], r["target"], r["size"],
             fmt(float(r["rps"]), 0), fmt(float(r["p50_ms"])),
             fmt(float(r["p99_ms"])),
             fmt(float(r["cpu_us"])) if r["cpu_us"] not in ("", "nan") else "—",
             r["requests"], errs))
    w("")
    w("</details>")
    return L


ROUTING_TARGET = 0.95
ROUTING_REQS = (("item", "item"), ("fallback", "fall-through"))


def routing_report(d, meta, runs, counts):
    """The "Routing: 10 vs 10,000 routes" section, as a list of lines."""
    L = []
    w = L.append
    rows = read_tsv(os.path.join(d, "routing.tsv"))
    if meta.get("routing") != "1" or len(rows) != 2:
        w("### Routing")
        w("")
        w("Not measured in this run (`BENCH_ROUTING=0`).")
        w("")
        return L
    few, many = sorted(rows, key=lambda r: int(r["routes"]))
    tf, tm = few["target"], many["target"]
    nf, nm = fmt(int(few["routes"]), 0), fmt(int(many["routes"]), 0)
    w("### Routing: %s vs %s routes" % (nf, nm))
    w("")
    w("The same turnpike with one REST API of %s or of %s routes (see "
      "*Method*). *item*: `GET /prod/svc0007/items/42`, answered by the MOCK "
      "route `GET /svc0007/items/{id}`. *fall-through*: "
      "`GET /prod/svc0007/items/42/parts/7/history`, which matches five "
      "segments deep, finds no route for the sixth, backs out and is "
      "answered by the MOCK route `ANY /{proxy+}`." % (nf, nm))
    w("")

    def med(t, q, key):
        return run_median(runs, t, q, key)

    def round_ratios(q):
        """[(round, req/s with many routes / req/s with few)]."""
        return run_ratios(runs, tf, tm, q)

    def spread(t, q):
        return run_spread(runs, t, q)

    w("| metric | %s routes | %s routes | %s / %s | target | |"
      % (nf, nm, nm, nf))
    w("| --- | ---: | ---: | ---: | --- | --- |")
    for q, lab in ROUTING_REQS:
        rr = round_ratios(q)
        if rr:
            a, b = med(tf, q, "rps"), med(tm, q, "rps")
            w("| %s: req/s, median | %s | %s | %s | | |"
              % (lab, fmt(a, 0), fmt(b, 0), fmt_ratio(ratio(b, a))))
            pr = statistics.median([x for _, x in rr])
            w("| %s: req/s, %s / %s within each round, median ⁵ | | | %s "
              "| ≥ %.2f× | %s |" % (lab, nm, nf, fmt_ratio(pr),
                                   ROUTING_TARGET,
                                   mark(pr, ">=", ROUTING_TARGET)))
            w("| %s: req/s spread (max−min)/median | %s | %s | | | |"
              % (lab, spread(tf, q), spread(tm, q)))
            for key, label in (("p99_ms", "p99 latency, ms"),
                               ("cpu_us", "CPU µs per request ¹")):
                a, b = med(tf, q, key), med(tm, q, key)
                w("| %s: %s | %s | %s | %s | | |"
                  % (lab, label, fmt(a), fmt(b), fmt_ratio(ratio(b, a))))
        a = counts.get((tf, q, "callgrind"))
        b = counts.get((tm, q, "callgrind"))
        w("| %s: instructions per request ² | %s | %s | %s | (no target) | |"
          % (lab, fmt(a, 0), fmt(b, 0), fmt_ratio(ratio(b, a))))
    for key, label, digits in (
            ("check_s", "loading the configuration (`turnpike -t`), s", 2),
            ("ready_s", "start until it answers, s ⁶", 1),
            ("master_pss_kib", "master: Pss, KiB ⁷", 0),
            ("worker_pss_kib", "one worker: Pss, KiB ⁷", 0),
            ("all_pss_kib", "all its processes: Pss, KiB ⁷", 0),
            ("master_private_kib", "master: private dirty, KiB ⁷", 0),
            ("worker_private_kib", "one worker: private dirty, KiB ⁷", 0)):
        a, b = float(few[key]), float(many[key])
        w("| %s | %s | %s | %s | | |"
          % (label, fmt(a, digits), fmt(b, digits), fmt_ratio(ratio(b, a))))
    w("")
    for q, lab in ROUTING_REQS:
        rr = round_ratios(q)
        if rr:
            w("- %s, req/s with %s routes / with %s, round by round: %s."
              % (lab, nm, nf, ", ".join(fmt_ratio(x) for _, x in rr)))
        a = counts.get((tf, q, "callgrind"))
        b = counts.get((tm, q, "callgrind"))
        if a is not None and b is not None and a > 0:
            w("- %s, instructions per request: %s with %s routes, %s with "
              "%s: %+.0f (%+.1f %%)." % (lab, fmt(a, 0), nf, fmt(b, 0), nm,
                                          b - a, (b - a) / a * 100))
    w("")
    w("⁵ the verdict, as for the proxies: the two configurations ran back to "
      "back in each round, in alternating order.  ")
    w("⁶ from starting the master until it answers HTTP, polled every "
      "0.2 s.  ")
    w("⁷ %s workers; sampled once after start and the check requests, before "
      "any load. Pss counts anonymous and shared-memory pages, as in ³, and "
      "divides each page among the processes that map it: the route model, "
      "built by the master before it forks the workers, is shared "
      "copy-on-write and split between them. *Private dirty* counts the "
      "pages only that process maps and has written, pages it copied on "
      "write included." % few["workers"])
    w("")
    return L


LIMITS_TARGET = 0.95
# Rows of the "where the instructions go" table: (function, label); the
# functions are among CG_FUNCS, counted inclusively per request.
LIMITS_FUNCS = (
    ("tp_phase_apikey", "API key phase (`tp_phase_apikey`)"),
    ("tp_keymemo_hash", "&nbsp;&nbsp;of which the key's hash, from the "
                        "worker's memo (`tp_keymemo_hash`)"),
    ("tp_apikey_hash", "&nbsp;&nbsp;&nbsp;&nbsp;of which SHA-256 of the key, "
                       "on a memo miss (`tp_apikey_hash`)"),
    ("tp_state_key_find", "&nbsp;&nbsp;of which the look-up in the state "
                          "database (`tp_state_key_find`)"),
    ("tp_phase_throttle", "throttle and quota phase (`tp_phase_throttle`)"),
    ("tp_throttle_admit", "&nbsp;&nbsp;of which the throttle buckets "
                          "(`tp_throttle_admit`)"),
    ("tp_quota_take", "&nbsp;&nbsp;of which the quota counter "
                      "(`tp_quota_take`)"),
)


def read_sum(path):
    """A cgsplit or straceff output: ({name: value}, {fn: (calls, ir)},
    {metrics fn: (calls, ir)}); {} when the file is missing."""
    vals, fns, mfns = {}, {}, {}
    if not os.path.exists(path):
        return vals, fns, mfns
    with open(path) as f:
        for line in f:
            x = line.split()
            if len(x) == 4 and x[0] in ("fn", "mfn"):
                (fns if x[0] == "fn" else mfns)[x[1]] = (int(x[2]), int(x[3]))
            elif len(x) == 2:
                vals[x[0]] = int(x[1])
    return vals, fns, mfns


def syscalls_by_name(d, tags, n1, n2):
    """{tag: {syscall: calls per request}} from the straceff sums
    sum-strace-TAG-N.txt, by the two-point difference; {} unless every tag
    has both."""
    names = {}
    for t in tags:
        s1 = read_sum(os.path.join(d, "sum-strace-%s-%d.txt" % (t, n1)))[0]
        s2 = read_sum(os.path.join(d, "sum-strace-%s-%d.txt" % (t, n2)))[0]
        names[t] = {k: (s2.get(k, 0) - s1.get(k, 0)) / (n2 - n1)
                    for k in set(s1) | set(s2)
                    if k not in ("total", "metrics")}
    return names if all(names.values()) else {}


def syscalls_text(names, cols):
    """"label: call N, ...; label: ..." for the (tag, label) pairs."""
    return "; ".join("%s: %s" % (lab, ", ".join(
        "%s %.2f" % (k, v) for k, v in sorted(
            names[t].items(), key=lambda kv: (-kv[1], kv[0]))
        if abs(v) >= 0.005)) for t, lab in cols)


def limits_report(d, meta, runs, counts):
    """The "Traffic control" section, as a list of lines."""
    L = []
    w = L.append
    if meta.get("limits") != "1":
        w("### Traffic control: API key + usage plan + quota")
        w("")
        w("Not measured in this run (`BENCH_LIMITS=0`).")
        w("")
        return L
    kf, km = int(meta["limits_keys_few"]), int(meta["limits_keys_many"])
    tp, tk = "lim-plain", "lim-key"
    tf, tm = "lim-db%d" % kf, "lim-db%d" % km
    nf, nm = fmt(kf, 0), fmt(km, 0)
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    imports = {int(r["keys"]): r for r in
               read_tsv(os.path.join(d, "limits.tsv"))}

    def med(t, key):
        return run_median(runs, t, "small", key)

    def round_ratios(a, b):
        return run_ratios(runs, a, b, "small")

    def spread(t):
        return run_spread(runs, t, "small")

    def table(a, b, la, lb, extra=()):
        w("| metric | %s | %s | %s / %s | target | |" % (la, lb, lb, la))
        w("| --- | ---: | ---: | ---: | --- | --- |")
        rr = round_ratios(a, b)
        va, vb = med(a, "rps"), med(b, "rps")
        w("| req/s, median | %s | %s | %s | | |"
          % (fmt(va, 0), fmt(vb, 0), fmt_ratio(ratio(vb, va))))
        pr = statistics.median([x for _, x in rr]) if rr else None
        w("| req/s, %s / %s within each round, median ⁸ | | | %s | ≥ %.2f× "
          "| %s |" % (lb, la, fmt_ratio(pr), LIMITS_TARGET,
                      mark(pr, ">=", LIMITS_TARGET)))
        w("| req/s spread (max−min)/median | %s | %s | | | |"
          % (spread(a), spread(b)))
        for key, label in (("p99_ms", "p99 latency, ms"),
                           ("cpu_us", "CPU µs per request ¹")):
            va, vb = med(a, key), med(b, key)
            w("| %s | %s | %s | %s | | |"
              % (label, fmt(va), fmt(vb), fmt_ratio(ratio(vb, va))))
        for tool, label, digits in (
                ("callgrind", "instructions per request ⁹", 0),
                ("strace", "system calls per request ⁹", 2)):
            va = counts.get((a, "small", tool))
            vb = counts.get((b, "small", tool))
            w("| %s | %s | %s | %s | (no target) | |"
              % (label, fmt(va, digits), fmt(vb, digits),
                 fmt_ratio(ratio(vb, va))))
        for row in extra:
            w(row)
        w("")
        return rr

    w("### Traffic control: API key + usage plan + quota")
    w("")
    w("The same turnpike with one REST API whose route `ANY /{proxy+}` "
      "proxies `/prod/small` to the backend (see *Method*). *plain*: no key "
      "required, no usage plan. *key + plan + quota*: the route requires an "
      "API key, which is in a usage plan with a throttle and a quota that "
      "no run comes near; the key is defined in the configuration file. "
      "*%s keys* and *%s keys*: the same, but the key is not in the file: "
      "it is one of %s or of %s keys that `turnpikectl keys import` put "
      "into the state database (LMDB), where every request looks it up. "
      "All four get the same requests, `x-api-key` header included."
      % (nf, nm, nf, nm))
    w("")
    w("Key + usage plan + quota against the plain proxy:")
    w("")
    rr1 = table(tp, tk, "plain", "key + plan + quota")
    w("The key in a state database of %s keys against one of %s "
      "(both with the plan, throttle and quota above):" % (nm, nf))
    w("")
    extra = []
    if kf in imports and km in imports:
        a, b = imports[kf], imports[km]
        extra.append("| `turnpikectl keys import`, s ¹⁰ | %s | %s | | | |"
                     % (fmt(float(a["import_s"]), 2),
                        fmt(float(b["import_s"]), 1)))
        extra.append("| state database (`data.mdb`), MB | %s | %s | | | |"
                     % (fmt(int(a["state_bytes"]) / 1e6, 2),
                        fmt(int(b["state_bytes"]) / 1e6, 0)))
    rr2 = table(tf, tm, "%s keys" % nf, "%s keys" % nm, extra)

    # Where the instructions go, per request, by phase.
    cols = ((tp, "plain"), (tk, "key in the file"),
            (tf, "key among %s in the state db" % nf),
            (tm, "key among %s in the state db" % nm))
    sums = {t: (read_sum(os.path.join(d, "sum-callgrind-%s-%d.txt" % (t, n1))),
                read_sum(os.path.join(d, "sum-callgrind-%s-%d.txt" % (t, n2))))
            for t, _ in cols}

    def per_req(t, fn):
        (_, f1, _), (_, f2, _) = sums[t]
        if fn not in f1 and fn not in f2:
            return None if fn not in CG_FUNCS else 0.0
        return (f2.get(fn, (0, 0))[1] - f1.get(fn, (0, 0))[1]) / (n2 - n1)

    w("Where the instructions go, per request (callgrind, inclusive, by the "
      "same two-point difference ⁹):")
    w("")
    w("| part of the request | %s |" % " | ".join(lab for _, lab in cols))
    w("| --- |%s" % (" ---: |" * len(cols)))
    w("| whole request | %s |" % " | ".join(
        fmt(counts.get((t, "small", "callgrind")), 0) for t, _ in cols))
    for fn, label in LIMITS_FUNCS:
        w("| %s | %s |" % (label, " | ".join(fmt(per_req(t, fn), 0)
                                             for t, _ in cols)))
    flush = []
    for t, _ in cols:
        c, ir = sums[t][1][2].get("metrics_flush", (0, 0))
        flush.append(fmt(ir / c, 0) if c else "—")
    w("| metrics worker: one quota flush (`metrics_flush`), once a second "
      "¹¹ | %s |" % " | ".join(flush))
    w("")

    for rr, lb, la in ((rr1, "key + plan + quota", "plain"),
                       (rr2, "%s keys" % nm, "%s keys" % nf)):
        if rr:
            w("- req/s with %s / with %s, round by round: %s."
              % (lb, la, ", ".join(fmt_ratio(x) for _, x in rr)))
    for a, b, la, lb in ((tp, tk, "plain", "key + plan + quota"),
                         (tk, tf, "the key in the file",
                          "the key among %s in the state db" % nf),
                         (tf, tm, "%s keys" % nf, "%s keys" % nm)):
        va = counts.get((a, "small", "callgrind"))
        vb = counts.get((b, "small", "callgrind"))
        if va is not None and vb is not None and va > 0:
            w("- instructions per request, %s → %s: %s → %s, %+.0f (%+.1f %%)."
              % (la, lb, fmt(va, 0), fmt(vb, 0), vb - va,
                 (vb - va) / va * 100))
    names = syscalls_by_name(d, [t for t, _ in cols], n1, n2)
    if names:
        w("- system calls per request by name: %s."
          % syscalls_text(names, cols))
    w("")
    w("⁸ the verdict: the two configurations of a pair ran back to back in "
      "each round, in alternating order.  ")
    w("⁹ one worker, N sequential keep-alive requests with the key, as for "
      "the proxies; all the processes except the metrics worker, whose "
      "once-a-second flush of the quota counts grows with the wall time of "
      "a run rather than with its requests (its cost is in the last row of "
      "the table above; the CPU row includes it).  ")
    w("¹⁰ wall time of importing the CSV file of that many keys into an "
      "empty state database, once per run.  ")
    w("¹¹ instructions of one call, averaged over the calls in the "
      "%d-request run (the last is the flush at stop): a scan of the whole "
      "quota table (`server.quota_entries` slots) for changed counts, and "
      "a write transaction when there are some. Without usage plans it "
      "returns at once." % n2)
    w("")
    return L


JWT_TARGET = 0.95
JWT_PLAIN, JWT_WARM, JWT_COLD = "jwt-plain", "jwt-warm", "jwt-cold"
# Rows of its "where the instructions go" table: (function, label).
JWT_FUNCS = (
    ("tp_phase_auth", "authorize phase (`tp_phase_auth`)"),
    ("tp_jwt_cache_get", "&nbsp;&nbsp;of which the token cache look-up "
                         "(`tp_jwt_cache_get`)"),
    ("tp_jwt_decode", "&nbsp;&nbsp;of which decoding the token "
                      "(`tp_jwt_decode`)"),
    ("tp_jwt_verify", "&nbsp;&nbsp;of which the RS256 signature "
                      "(`tp_jwt_verify`)"),
    ("tp_jwt_validate", "&nbsp;&nbsp;of which the claims "
                        "(`tp_jwt_validate`)"),
)


def section_head(title, meta, key, var):
    """(lines, measured): a section's heading, and whether the run measured
    it (meta[key] is "1"); if not, the lines say which variable was 0."""
    L = ["### " + title, ""]
    if meta.get(key) != "1":
        L += ["Not measured in this run (`%s=0`)." % var, ""]
        return L, False
    return L, True


def jwt_report(d, meta, runs, counts):
    """The "JWT" section, as a list of lines."""
    L, measured = section_head(
        "JWT authorizer: an RS256 token on every request", meta, "jwt", "BENCH_JWT")
    w = L.append
    if not measured:
        return L
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    cols = ((JWT_PLAIN, "plain"), (JWT_WARM, "JWT, cache warm"),
            (JWT_COLD, "JWT, no cache"))

    def med(t, key):
        return run_median(runs, t, "small", key)

    w("The same turnpike with one HTTP API whose route `ANY /{proxy+}` "
      "proxies `/prod/small` to the backend (see *Method*). *plain*: no "
      "authorizer. *JWT, cache warm*: the route's JWT authorizer checks an "
      "RS256 token (a 2048-bit key from a JWKS file; issuer, audience, "
      "exp, nbf, iat), with the worker's token cache: every request after "
      "the first presents a token the worker has verified. *JWT, no "
      "cache*: the same authorizer with `token_cache = false`, so every "
      "request decodes the token, checks its signature and its claims: the "
      "cold cost. All three get the same `Authorization: Bearer` header "
      "(%s bytes of token)." % fmt(meta.get("jwt_token_len") and
                                   int(meta["jwt_token_len"]), 0))
    w("")
    w("| metric | plain | JWT, cache warm | JWT, no cache | warm / plain "
      "| target | | no cache / plain |")
    w("| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |")
    v = {t: med(t, "rps") for t, _ in cols}
    w("| req/s, median | %s | %s | %s | %s | | | %s |"
      % (fmt(v[JWT_PLAIN], 0), fmt(v[JWT_WARM], 0), fmt(v[JWT_COLD], 0),
         fmt_ratio(ratio(v[JWT_WARM], v[JWT_PLAIN])),
         fmt_ratio(ratio(v[JWT_COLD], v[JWT_PLAIN]))))
    rw = run_ratios(runs, JWT_PLAIN, JWT_WARM, "small")
    rc = run_ratios(runs, JWT_PLAIN, JWT_COLD, "small")
    pw = statistics.median([x for _, x in rw]) if rw else None
    pc = statistics.median([x for _, x in rc]) if rc else None
    w("| req/s, against plain within each round, median ¹⁴ | | | | %s | "
      "≥ %.2f× | %s | %s |" % (fmt_ratio(pw), JWT_TARGET,
                                mark(pw, ">=", JWT_TARGET), fmt_ratio(pc)))
    w("| req/s spread (max−min)/median | %s | %s | %s | | | | |"
      % tuple(run_spread(runs, t, "small") for t, _ in cols))
    for key, label in (("p99_ms", "p99 latency, ms"),
                       ("cpu_us", "CPU µs per request ¹")):
        v = {t: med(t, key) for t, _ in cols}
        w("| %s | %s | %s | %s | %s | | | %s |"
          % (label, fmt(v[JWT_PLAIN]), fmt(v[JWT_WARM]), fmt(v[JWT_COLD]),
             fmt_ratio(ratio(v[JWT_WARM], v[JWT_PLAIN])),
             fmt_ratio(ratio(v[JWT_COLD], v[JWT_PLAIN]))))
    for tool, label, digits in (
            ("callgrind", "instructions per request ¹⁵", 0),
            ("strace", "system calls per request ¹⁵", 2)):
        v = {t: counts.get((t, "small", tool)) for t, _ in cols}
        w("| %s | %s | %s | %s | %s | (no target) | | %s |"
          % (label, fmt(v[JWT_PLAIN], digits), fmt(v[JWT_WARM], digits),
             fmt(v[JWT_COLD], digits),
             fmt_ratio(ratio(v[JWT_WARM], v[JWT_PLAIN])),
             fmt_ratio(ratio(v[JWT_COLD], v[JWT_PLAIN]))))
    w("")
    sums = {t: (read_sum(os.path.join(d, "sum-callgrind-%s-%d.txt" % (t, n1))),
                read_sum(os.path.join(d, "sum-callgrind-%s-%d.txt" % (t, n2))))
            for t, _ in cols}

    def per_req(t, fn):
        (_, f1, _), (_, f2, _) = sums[t]
        if fn not in f1 and fn not in f2:
            return None if fn not in CG_FUNCS else 0.0
        return (f2.get(fn, (0, 0))[1] - f1.get(fn, (0, 0))[1]) / (n2 - n1)

    w("Where the instructions go, per request (callgrind, inclusive, by the "
      "same two-point difference ¹⁵):")
    w("")
    w("| part of the request | %s |" % " | ".join(lab for _, lab in cols))
    w("| --- |%s" % (" ---: |" * len(cols)))
    w("| whole request | %s |" % " | ".join(
        fmt(counts.get((t, "small", "callgrind")), 0) for t, _ in cols))
    for fn, label in JWT_FUNCS:
        w("| %s | %s |" % (label, " | ".join(fmt(per_req(t, fn), 0)
                                             for t, _ in cols)))
    w("")
    if rw:
        w("- req/s with the JWT authorizer, cache warm / plain, round by "
          "round: %s." % ", ".join(fmt_ratio(x) for _, x in rw))
    if rc:
        w("- req/s with the JWT authorizer, no cache / plain, round by "
          "round: %s." % ", ".join(fmt_ratio(x) for _, x in rc))
    vp = counts.get((JWT_PLAIN, "small", "callgrind"))
    for t, lab in cols[1:]:
        vt = counts.get((t, "small", "callgrind"))
        if vp and vt is not None:
            w("- instructions per request, plain → %s: %s → %s, %+.0f "
              "(%+.1f %%)." % (lab, fmt(vp, 0), fmt(vt, 0), vt - vp,
                              (vt - vp) / vp * 100))
    cold = per_req(JWT_COLD, "tp_jwt_verify")
    if cold:
        w("- the cold verification, one RS256 signature check "
          "(`tp_jwt_verify`): %s instructions; a cache hit replaces it, "
          "the decoding and the claims with the look-up above." % fmt(cold, 0))
    w("")
    w("¹⁴ the verdict: plain and warm ran back to back in each round, in "
      "alternating order; the no-cache run followed them.  ")
    w("¹⁵ one worker, N sequential keep-alive requests with the token, as "
      "for the proxies; all the processes except the metrics worker, as for "
      "traffic control (⁹). The first request of each run, the one that "
      "fills the warm cache, is in both runs and cancels out.")
    w("")
    return L


MON_TARGET = 0.97
MON_BARE, MON_ON, MON_UNBUF = "mon-bare", "mon-on", "mon-unbuf"
MON_BARE2 = "mon-bare2"    # the control: bare again
MON_BEGIN = "<!-- bench:mon:begin (written by scripts/bench; do not edit) -->"
MON_END = "<!-- bench:mon:end -->"
# Rows of its "where the instructions go" table: (function, label).
MON_FUNCS = (
    ("tp_count_request", "counting the request (`tp_count_request`)"),
    ("tp_accesslog_write", "the access-log line (`tp_accesslog_write`)"),
    ("tp_context_value", "&nbsp;&nbsp;of which the values of its "
                         "variables (`tp_context_value`) ¹⁸"),
    ("write", "&nbsp;&nbsp;of which libc's `write` ¹⁸"),
)


def mon_report(d, meta, runs, counts):
    """The "Monitoring" section, as a list of lines; with --mon-only, a
    block of its own (its run's date, settings and load runs)."""
    L, measured = section_head(
        "Monitoring: metrics and access logging", meta, "mon", "BENCH_MON")
    w = L.append
    if not measured:
        return L
    alone = meta.get("mon_only") == "1"
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    cols = ((MON_BARE, "bare"), (MON_ON, "monitored"))
    sizes = [q for q in SIZES if runs_of(runs, MON_BARE, q)]
    # The unbuffered log's instance, for information (not in older runs).
    unbuf = any(runs_of(runs, MON_UNBUF, q) for q in sizes)
    if unbuf:
        cols += ((MON_UNBUF, "monitored, unbuffered log"),)
    emf = read_tsv(os.path.join(d, "mon-emf.tsv"))
    emf_lines = int(emf[0]["emf_lines"]) if emf else 0
    logs = read_tsv(os.path.join(d, "mon-log.tsv"))
    # Pinned (BENCH_MON_PIN): "CPU of the gateway" and "the others".
    pin = meta.get("mon_cpus", "").split()
    if pin:
        where = ("each with 1 worker on CPU %s, which the backend joins "
                 "during their runs, and wrk on CPU %s (`taskset`)"
                 % (pin[0], pin[1]))
    else:
        where = "each with %s workers, unpinned" % meta["workers"]
    if alone:
        if meta.get("quick") == "1":
            w("> **QUICK SMOKE RUN (`--quick`): one short round. These "
              "numbers are NOT a valid measurement.**")
            w("")
        w("Run on %s; commit `%s`; this section alone (`scripts/bench "
          "--mon-only`), not with the rest of this page: %s; the turnpikes "
          "%s; `wrk -t%s -c%s -d%ss --latency`, %s interleaved rounds; "
          "counts with 1 worker, (count(%s) − count(%s)) / %d sequential "
          "keep-alive requests."
          % (meta["date"], meta["commit"], meta.get("machine", "?"), where,
             meta["threads"], meta["connections"], meta["duration"],
             meta["rounds"], n2, n1, n2 - n1))
        w("")
    elif pin:
        w("The turnpikes of this section run %s." % where)
        w("")
    w("The proxies' turnpike (an HTTP API whose route `ANY /{proxy+}` "
      "proxies to the backend, see *Method*) twice. *bare*: `metrics = "
      "{ enabled = false; }` and no access log, so no request is counted "
      "or logged. *monitored*: counting on, the default (every finished "
      "request into the worker's block of the metrics region: status, "
      "latency and integration latency histograms, bytes), `emf_log` with "
      "`period = 1`, and the stage's access log in the CLF format, a file "
      "on the local disk, **buffered: `buffer = \"64k\"; flush = 1;`** "
      "(each worker writes its lines with one `write(2)` per 64 KiB or "
      "per second; the default, unbuffered, is one `write(2)` per line). "
      "The target is measured with this configuration.%s"
      % (" *monitored, unbuffered log*: the same with the default "
         "unbuffered access log, one `write(2)` per request; for "
         "information, no verdict ²⁰." if unbuf else ""))
    w("")
    control = any(runs_of(runs, MON_BARE2, q) for q in sizes)
    if control:
        w("*bare, again*: a second instance of *bare*, the control: its "
          "ratio to *bare* is what two identical servers measure in this "
          "setup, so a verdict nearer 1 than the control's spread is "
          "within the noise ²¹.")
        w("")
    if emf_lines > 0:
        w("The monitored instance's metrics worker wrote %s lines of EMF "
          "(%s bytes) during the load." % (fmt(emf_lines, 0),
                                          fmt(int(emf[0]["emf_bytes"]), 0)))
    else:
        w("**No EMF was written**: this build accepts `emf_log` but has "
          "no EMF writer (it is not in this commit), so the figures "
          "cover counting and the access log only.")
    w("")
    verdicts = []
    for q in sizes:
        w("Bare against monitored, %s:" % SIZE_LABEL[q])
        w("")
        # The unbuffered log's two columns: its value and / bare.
        if unbuf:
            w("| metric | bare | monitored | monitored / bare | target | "
              "| monitored, unbuffered log ²⁰ | unbuffered / bare |")
            w("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |")
        else:
            w("| metric | bare | monitored | monitored / bare | target | |")
            w("| --- | ---: | ---: | ---: | --- | --- |")

        def ub(va, vc, digits=2):
            if not unbuf:
                return ""
            return " %s | %s |" % (fmt(vc, digits), fmt_ratio(ratio(vc, va)))
        va = run_median(runs, MON_BARE, q, "rps")
        vb = run_median(runs, MON_ON, q, "rps")
        vc = run_median(runs, MON_UNBUF, q, "rps")
        w("| req/s, median | %s | %s | %s | | |%s"
          % (fmt(va, 0), fmt(vb, 0), fmt_ratio(ratio(vb, va)),
             ub(va, vc, 0)))
        rr = run_ratios(runs, MON_BARE, MON_ON, q)
        pr = statistics.median([x for _, x in rr]) if rr else None
        verdicts.append((q, pr, rr))
        ru = run_ratios(runs, MON_BARE, MON_UNBUF, q)
        pu = statistics.median([x for _, x in ru]) if ru else None
        w("| req/s, monitored / bare within each round, median ¹⁶ | | | %s "
          "| ≥ %.2f× | %s |%s" % (fmt_ratio(pr), MON_TARGET,
                                  mark(pr, ">=", MON_TARGET),
                                  " | %s |" % fmt_ratio(pu) if unbuf
                                  else ""))
        if control:
            rc = run_ratios(runs, MON_BARE, MON_BARE2, q)
            w("| req/s, bare again / bare within each round, median ²¹ "
              "| | | %s | (control) | |%s"
              % (fmt_ratio(statistics.median([x for _, x in rc])
                           if rc else None), " | |" if unbuf else ""))
        w("| req/s spread (max−min)/median | %s | %s | | | |%s"
          % (run_spread(runs, MON_BARE, q), run_spread(runs, MON_ON, q),
             " %s | |" % run_spread(runs, MON_UNBUF, q) if unbuf else ""))
        for key, label in (("p99_ms", "p99 latency, ms"),
                           ("cpu_us", "CPU µs per request ¹")):
            va, vb = run_median(runs, MON_BARE, q, key), \
                run_median(runs, MON_ON, q, key)
            w("| %s | %s | %s | %s | | |%s"
              % (label, fmt(va), fmt(vb), fmt_ratio(ratio(vb, va)),
                 ub(va, run_median(runs, MON_UNBUF, q, key))))
        for tool, label, digits in (
                ("callgrind", "instructions per request ¹⁷", 0),
                ("strace", "system calls per request ¹⁷", 2)):
            va, vb = counts.get((MON_BARE, q, tool)), \
                counts.get((MON_ON, q, tool))
            w("| %s | %s | %s | %s | (no target) | |%s"
              % (label, fmt(va, digits), fmt(vb, digits),
                 fmt_ratio(ratio(vb, va)),
                 ub(va, counts.get((MON_UNBUF, q, tool)), digits)))

        def lines_per_req(t):
            nl = sum(int(r["lines"]) for r in logs
                     if r["size"] == q and r["target"] == t)
            nr = sum(int(r["requests"]) for r in logs
                     if r["size"] == q and r["target"] == t)
            return fmt(nl / nr, 4) if nr else "—"
        w("| access-log lines per request wrk counted, all rounds | — | %s "
          "| | | |%s" % (lines_per_req(MON_ON),
                         " %s | |" % lines_per_req(MON_UNBUF) if unbuf
                         else ""))
        w("")

    def per_req(t, q, fn):
        f1 = read_sum(os.path.join(d, "sum-callgrind-%s-%s-%d.txt"
                                   % (t, q, n1)))[1]
        f2 = read_sum(os.path.join(d, "sum-callgrind-%s-%s-%d.txt"
                                   % (t, q, n2)))[1]
        if not f1 and not f2:
            return None
        return (f2.get(fn, (0, 0))[1] - f1.get(fn, (0, 0))[1]) / (n2 - n1)

    csizes = [q for q in sizes if counts.get((MON_ON, q, "callgrind"))]
    if csizes:
        heads = ["%s, %s" % (lab, q) for q in csizes for _, lab in cols]
        w("Where the instructions go, per request (callgrind, inclusive, by "
          "the same two-point difference ¹⁷):")
        w("")
        w("| part of the request | %s |" % " | ".join(heads))
        w("| --- |%s" % (" ---: |" * len(heads)))
        w("| whole request | %s |" % " | ".join(
            fmt(counts.get((t, q, "callgrind")), 0)
            for q in csizes for t, _ in cols))
        for fn, label in MON_FUNCS:
            w("| %s | %s |" % (label, " | ".join(
                fmt(per_req(t, q, fn), 0) for q in csizes for t, _ in cols)))
        ticks = []
        for q in csizes:
            for t, _ in cols:
                c, ir = read_sum(os.path.join(
                    d, "sum-callgrind-%s-%s-%d.txt" % (t, q, n2)))[2].get(
                        "emf_tick", (0, 0))
                ticks.append(fmt(ir / c, 0) if c else "—")
        w("| metrics worker: one EMF report (`emf_tick`), once a second ¹⁹ "
          "| %s |" % " | ".join(ticks))
        w("")
    for q, pr, rr in verdicts:
        if rr:
            w("- %s, req/s monitored / bare, round by round: %s."
              % (SIZE_LABEL[q], ", ".join(fmt_ratio(x) for _, x in rr)))
        ru = run_ratios(runs, MON_BARE, MON_UNBUF, q)
        if ru:
            w("- %s, req/s monitored with the unbuffered log / bare, round "
              "by round: %s." % (SIZE_LABEL[q],
                                 ", ".join(fmt_ratio(x) for _, x in ru)))
        rc = run_ratios(runs, MON_BARE, MON_BARE2, q)
        if rc:
            w("- %s, req/s bare again / bare (control), round by round: %s."
              % (SIZE_LABEL[q], ", ".join(fmt_ratio(x) for _, x in rc)))
    for q in csizes:
        va = counts.get((MON_BARE, q, "callgrind"))
        for t, lab in cols[1:]:
            vb = counts.get((t, q, "callgrind"))
            if va and vb is not None:
                w("- instructions per request, %s, bare → %s: %s → %s, "
                  "%+.0f (%+.1f %%)." % (SIZE_LABEL[q], lab, fmt(va, 0),
                                        fmt(vb, 0), vb - va,
                                        (vb - va) / va * 100))
    for q in sizes:
        tags = [(t + "-" + q, lab) for t, lab in cols]
        names = syscalls_by_name(d, [t for t, _ in tags], n1, n2)
        if names:
            w("- system calls per request by name, %s: %s."
              % (SIZE_LABEL[q], syscalls_text(names, tags)))
    w("")
    ok = [q for q, pr, _ in verdicts if mark(pr, ">=", MON_TARGET) == "PASS"]
    w("**Verdict: %s.** req/s monitored / bare, the median of the rounds' "
      "ratios: %s; target ≥ %.2f× for each size."
      % ("PASS" if verdicts and len(ok) == len(verdicts) else "MISS",
         ", ".join("%s %s" % (fmt_ratio(pr), "(~20 bytes)" if q == "small"
                              else "(16 KiB)") for q, pr, _ in verdicts)
         or "—", MON_TARGET))
    w("")
    w("¹⁶ the verdict: bare and monitored ran back to back in each round, "
      "in alternating order.%s  " % (
          " Pinned: the rate is what the gateway's CPU serves, the "
          "gateway's and the backend's time per request; unpinned, where "
          "the scheduler puts wrk, the backend and the workers moves a "
          "run's rate by 15 % or more." if pin else ""))
    w("¹⁷ one worker, N sequential keep-alive requests, as for the "
      "proxies; all the processes except the metrics worker, as for "
      "traffic control (⁹): its EMF documents, once a second, grow with "
      "the wall time of a run rather than with its requests (the CPU row "
      "includes them). The access log's `write(2)` is the worker's and is "
      "counted: the buffered log's one per 64 KiB of lines (or per second "
      "of the run), the unbuffered log's one per request.  ")
    w("¹⁸ inclusive, wherever it is called from; in these requests only "
      "the access log calls it.  ")
    w("¹⁹ instructions of one call, averaged over its calls in the "
      "%d-request run: the growth of each series with requests since the "
      "last report, from every block, into one EMF document each, written "
      "with one `write(2)`; not per request, and left out of the rows "
      "above. — where no EMF log is written." % n2)
    if unbuf:
        w("")
        w("²⁰ the unbuffered access log (the default, one `write(2)` per "
          "line) ran after each round's pair; it has no target and no "
          "verdict, it shows what buffering saves.")
    if control:
        w("")
        w("²¹ the control: *bare, again* ran next to *bare* in each round "
          "(before it in odd rounds, after it in even ones), as monitored "
          "does; how far its median ratio is from 1.00× is the "
          "measurement's own error.")
    w("")
    if alone:
        L.extend(runs_table(runs))
        w("")
    return L


CACHE_TARGET = 1.20
CACHE_NGX, CACHE_TP, CACHE_ID, CACHE_GZ = ("ngx-cache", "tp-cache",
                                          "tp-ident", "tp-gzip")


def cache_report(d, meta, runs, counts):
    """The "Response cache" section, as a list of lines."""
    L, measured = section_head(
        "Response cache: turnpike against nginx `proxy_cache`", meta, "cache", "BENCH_CACHE")
    w = L.append
    if not measured:
        return L
    n1, n2 = int(meta["count_n1"]), int(meta["count_n2"])
    backend = {}
    for r in read_tsv(os.path.join(d, "cache-backend.tsv")):
        k = (r["target"], r["size"])
        backend[k] = backend.get(k, 0) + int(r["backend_requests"])
    sizes = read_tsv(os.path.join(d, "cache.tsv"))

    def rows(a, b, q, target):
        """The timed and counted rows of a against b on request q."""
        rr = run_ratios(runs, a, b, q)
        va, vb = run_median(runs, a, q, "rps"), run_median(runs, b, q, "rps")
        w("| req/s, median | %s | %s | %s | | |"
          % (fmt(va, 0), fmt(vb, 0), fmt_ratio(ratio(vb, va))))
        if target:
            pr = statistics.median([x for _, x in rr]) if rr else None
            w("| req/s, within each round, median ¹² | | | %s | ≥ %.2f× "
              "| %s |" % (fmt_ratio(pr), target, mark(pr, ">=", target)))
        w("| req/s spread (max−min)/median | %s | %s | | | |"
          % (run_spread(runs, a, q), run_spread(runs, b, q)))
        for key, label in (("p99_ms", "p99 latency, ms"),
                           ("cpu_us", "CPU µs per request ¹")):
            va, vb = run_median(runs, a, q, key), run_median(runs, b, q, key)
            w("| %s | %s | %s | %s | | |"
              % (label, fmt(va), fmt(vb), fmt_ratio(ratio(vb, va))))
        for tool, label, digits in (
                ("callgrind", "instructions per request ²", 0),
                ("strace", "system calls per request ²", 2)):
            va, vb = counts.get((a, q, tool)), counts.get((b, q, tool))
            w("| %s | %s | %s | %s | (no target) | |"
              % (label, fmt(va, digits), fmt(vb, digits),
                 fmt_ratio(ratio(vb, va))))
        w("| requests that reached the backend in the measured runs ¹³ "
          "| %s | %s | | | |" % (backend.get((a, q), "—"),
                                 backend.get((b, q), "—")))
        w("")
        return rr

    w("turnpike with a stage cache (`cache = { ttl = %s; }`) on the REST "
      "API of the traffic control section (`ANY /{proxy+}` → "
      "`HTTP_PROXY`, no key), against nginx with `proxy_cache` "
      "(`proxy_cache_valid 200 %sm`); both serve every measured request "
      "from an entry stored before the load, in front of a backend of "
      "their own that logs each request it gets (see *Method*)."
      % (meta.get("cache_ttl", "?"),
         int(meta.get("cache_ttl", "0")) // 60))
    w("")
    ratios = []
    for q in SIZES:
        w("Cache hits, %s:" % SIZE_LABEL[q])
        w("")
        w("| metric | nginx `proxy_cache` | turnpike | turnpike / nginx "
          "| target | |")
        w("| --- | ---: | ---: | ---: | --- | --- |")
        ratios.append((q, rows(CACHE_NGX, CACHE_TP, q, CACHE_TARGET)))
    for q, rr in ratios:
        if rr:
            w("- %s, req/s turnpike / nginx, round by round: %s."
              % (SIZE_LABEL[q], ", ".join(fmt_ratio(x) for _, x in rr)))
    for q in SIZES:
        br = {t: syscall_breakdown(d, meta, t, q)
              for t in (CACHE_NGX, CACHE_TP)}
        if all(br.values()):
            w("- system calls per request by name, %s: %s." % (
                SIZE_LABEL[q], "; ".join("%s: %s" % (lab, ", ".join(
                    "%s %.2f" % (k, v) for k, v in sorted(
                        br[t].items(), key=lambda kv: (-kv[1], kv[0]))
                    if abs(v) >= 0.005))
                    for t, lab in ((CACHE_NGX, "nginx"),
                                   (CACHE_TP, "turnpike")))))
    w("")
    w("Compression on a cache hit: the 16,384-byte JSON body `/prod/json` "
      "from turnpike's cache, with `minimum_compression_size = 1024`, to a "
      "client that sends `Accept-Encoding: gzip` and to one that sends no "
      "`Accept-Encoding` (identity). The entry is stored uncompressed, so "
      "every gzip hit compresses it again:")
    w("")
    w("| metric | identity | gzip | gzip / identity | | |")
    w("| --- | ---: | ---: | ---: | --- | --- |")
    if sizes:
        a, b = int(sizes[0]["json_bytes"]), int(sizes[0]["gzip_bytes"])
        w("| response body, bytes | %s | %s | %s | | |"
          % (fmt(a, 0), fmt(b, 0), fmt_ratio(ratio(b, a))))
    rr = rows(CACHE_ID, CACHE_GZ, "json", None)
    va = counts.get((CACHE_ID, "json", "callgrind"))
    vb = counts.get((CACHE_GZ, "json", "callgrind"))
    if va is not None and vb is not None:
        w("- a gzip hit costs {:+,.0f} instructions more than an identity "
          "hit ({} → {}).".format(vb - va, fmt(va, 0), fmt(vb, 0)))
    if rr:
        w("- req/s gzip / identity, round by round: %s."
          % ", ".join(fmt_ratio(x) for _, x in rr))
    w("")
    w("¹² the verdict: the two gateways ran back to back in each round, in "
      "alternating order.  ")
    w("¹³ lines the cache section's backend logged during the wrk runs of "
      "all rounds (warm-up excluded); any at all flags the run. The "
      "instruction and system call counts run %d and %d requests on a "
      "fresh instance whose first request is the one miss, which cancels "
      "in the difference." % (n1, n2))
    w("")
    return L


BEGIN = "<!-- bench:results:begin (written by scripts/bench; do not edit) -->"
END = "<!-- bench:results:end -->"


def cmd_report(argv):
    d = argv[0]
    meta = read_meta(d)
    begin, end = BEGIN, END
    if meta.get("mon_only") == "1":
        # Only the monitoring block, inside the results of the last full
        # run, which it leaves as they are.
        runs = read_tsv(os.path.join(d, "runs.tsv"))
        text = "\n".join(mon_report(d, meta, runs,
                                    per_request_counts(d, meta))) + "\n"
        bad = any(r["flag"] != "ok" for r in runs)
        begin, end = MON_BEGIN, MON_END
    else:
        text, bad = build_report(d)
    sys.stdout.write(text)
    if len(argv) > 1:
        doc = argv[1]
        with open(doc) as f:
            old = f.read()
        if begin not in old or end not in old:
            sys.exit("report: %s lacks the markers %s; not updated"
                     % (doc, begin))
        head, rest = old.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(doc + ".tmp", "w") as f:
            f.write(head + begin + "\n\n" + text + "\n" + end + tail)
        os.replace(doc + ".tmp", doc)
        sys.stderr.write("bench: results written to %s\n" % doc)
    sys.exit(1 if bad else 0)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    fn = globals().get("cmd_" + cmd)
    if fn is None:
        sys.exit("unknown sub-command %r\n%s" % (cmd, __doc__))
    fn(sys.argv[2:])


if __name__ == "__main__":
    main()

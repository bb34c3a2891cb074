#!/usr/bin/env python3
"""The functions section of scripts/bench (BENCH_FN=1, or --fn-only).

    fn.py --turnpike BIN --work DIR [--doc FILE] [--quick]

Builds fn-bootstrap.c (the cheapest Runtime API bootstrap: plain sockets,
a constant answer carrying its handler time in ns), starts a private nginx
backend (backend.conf.in) and one turnpike (1 worker) with an HTTP API:

    GET /fn        AWS_PROXY to function "warm"  (warm = concurrency = 2)
    GET /proxy     HTTP_PROXY to the backend's /small (20 bytes)
    GET /cold/{i}  AWS_PROXY to function "cold{i}" (warm = 0), i < COLD

and measures, all on 127.0.0.1:
  1. sequential latency, one keep-alive client, N requests per route in
     interleaved blocks: /fn (minus the handler time the bootstrap reports)
     against /proxy;
  2. throughput: wrk, CONNS connections, /fn against /proxy, interleaved;
  3. system calls per request (strace -c attached to the worker, the
     function host and the instances; two points, N1 and N2 requests, the
     difference divided by N2 - N1 so start-up and idle work cancel);
  4. cold start: the first request to each cold{i} (no instance yet)
     against a bare fork+exec+wait of the same bootstrap (fn-bootstrap
     --spawn), COLD samples each, medians.
Prints a Markdown block; with --doc replaces the text between the
functions markers in that file.  Every process it starts is in a process
group of its own, killed on exit.
"""
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

LIB = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, LIB)
import tool  # noqa: E402  (the bench's HTTP client, wrk and strace parsers)

BEGIN = "<!-- bench:fn:begin (written by scripts/bench; do not edit) -->"
END = "<!-- bench:fn:end -->"
TARGET_P50_MS = 0.3

GROUPS = []


def log(msg):
    sys.stderr.write("%s bench-fn: %s\n" % (time.strftime("%H:%M:%S"), msg))


def start(argv, logf):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=open(logf, "w"), stderr=subprocess.STDOUT,
                         start_new_session=True)
    GROUPS.append(p.pid)
    return p


def kill_groups():
    for g in GROUPS:
        try:
            os.killpg(g, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _ in range(50):
            try:
                os.killpg(g, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(g, signal.SIGKILL)
            except ProcessLookupError:
                pass


def render(tpl, out, **kv):
    with open(tpl) as f:
        text = f.read()
    for k, v in kv.items():
        text = text.replace("@%s@" % k, str(v))
    if re.search(r"@[A-Z_]+@", text):
        sys.exit("bench-fn: unfilled placeholder in %s" % out)
    with open(out, "w") as f:
        f.write(text)


def temp_paths(nginx, work):
    build = subprocess.run([nginx, "-V"], capture_output=True,
                           text=True).stderr
    lines = ["    client_body_temp_path %s/tmp-body;" % work,
             "    proxy_temp_path %s/tmp-proxy;" % work]
    for m in ("fastcgi", "uwsgi", "scgi"):
        if "--without-http_%s_module" % m not in build:
            lines.append("    %s_temp_path %s/tmp-%s;" % (m, work, m))
    return "\n".join(lines)


def wait_http(port, proc, secs=20):
    deadline = time.time() + secs
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            c = tool.Conn(port, timeout=2)
            c.close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def turnpike_conf(path, work, port, bport, bootstrap, cold):
    fns = ['{ name = "warm"; command = "%s"; timeout = 10; '
           'concurrency = 2; warm = 2; }' % bootstrap]
    routes = [
        '{ route = "GET /fn"; integration = { type = "AWS_PROXY"; '
        'function = "warm"; payload_format = "2.0"; }; }',
        '{ route = "GET /proxy"; integration = { type = "HTTP_PROXY"; '
        'uri = "http://127.0.0.1:%d/small"; }; }' % bport]
    for i in range(cold):
        fns.append('{ name = "cold%d"; command = "%s"; timeout = 10; '
                   'concurrency = 1; warm = 0; }' % (i, bootstrap))
        routes.append('{ route = "GET /cold/%d"; integration = { type = '
                      '"AWS_PROXY"; function = "cold%d"; payload_format = '
                      '"2.0"; }; }' % (i, i))
    text = """# turnpike for the functions section of scripts/bench (fn.py)
server: {
  workers = 1;
  pid_file = "%(w)s/tp.pid";
  error_log = "%(w)s/tp-error.log";
  data_dir = "%(w)s/tp-data";
  log_level = "warn";
  keepalive_requests = 1000000;
  keepalive_timeout_ms = 600000;
  upstream_keepalive = 64;
};
listeners = ( { address = "127.0.0.1:%(p)d"; default_api = "fn"; } );
throttle = { rate = 100000000.0; burst = 100000000; };
functions = (
  %(fns)s
);
apis = (
  { id = "fn"; type = "HTTP";
    routes = (
      %(routes)s
    );
    stages = ( { name = "$default"; } );
  }
);
""" % {"w": work, "p": port, "fns": ",\n  ".join(fns),
       "routes": ",\n      ".join(routes)}
    with open(path, "w") as f:
        f.write(text)


def children(pid):
    out = []
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % e) as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may contain spaces: fields after the last ")"
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            out.append(int(e))
    return sorted(out)


def title(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def find_procs(master):
    worker = host = None
    for c in children(master):
        t = title(c)
        if "worker process" in t:
            worker = c
        elif "function host" in t:
            host = c
    if worker is None or host is None:
        sys.exit("bench-fn: no worker or function host under %d" % master)
    return worker, host


def request(port, path):
    return tool.request_bytes(port, path)


def seq_latencies(conn, req, n, fn):
    """n requests; latency in ns each, minus the handler time if fn."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        status, body, _ = conn.get(req)
        t1 = time.perf_counter_ns()
        if status != 200:
            sys.exit("bench-fn: status %d: %r" % (status, body[:200]))
        h = int(body) if fn else 0
        out.append(t1 - t0 - h)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def strace_counts(port, pids_by_role, path, n, work, tag):
    """{role: total system calls} while n sequential requests to path run
    with an strace -c -f attached to each role's processes."""
    procs = {}
    for role, pids in pids_by_role.items():
        argv = ["strace", "-c", "-f", "-o", "%s/st-%s-%s-%d.txt"
                % (work, tag, role, n)]
        for p in pids:
            argv += ["-p", str(p)]
        procs[role] = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
    time.sleep(1.0)                     # attached (strace -p is async)
    c = tool.Conn(port)
    req = request(port, path)
    for _ in range(n):
        st, _, _ = c.get(req)
        if st != 200:
            sys.exit("bench-fn: status %d under strace" % st)
    c.close()
    time.sleep(0.2)
    out = {}
    for role, p in procs.items():
        p.send_signal(signal.SIGINT)
        p.wait(timeout=30)
        out[role] = tool.parse_strace("%s/st-%s-%s-%d.txt"
                                      % (work, tag, role, n))
    return out


def wrk(port, path, conns, secs, work, name):
    r = subprocess.run(["wrk", "--latency", "-t1", "-c%d" % conns,
                        "-d%ds" % secs,
                        "http://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, text=True, timeout=secs + 60)
    with open("%s/wrk-%s.txt" % (work, name), "w") as f:
        f.write(r.stdout)
    return tool.parse_wrk(r.stdout)


def main(argv):
    args = {"--turnpike": None, "--work": None, "--doc": None}
    quick = False
    while argv:
        a = argv.pop(0)
        if a == "--quick":
            quick = True
        elif a in args and argv:
            args[a] = argv.pop(0)
        else:
            sys.exit(__doc__)
    if not args["--turnpike"] or not args["--work"]:
        sys.exit(__doc__)
    n = 300 if quick else int(os.environ.get("BENCH_FN_REQUESTS", "2000"))
    cold = 5 if quick else int(os.environ.get("BENCH_FN_COLD", "20"))
    secs = 2 if quick else int(os.environ.get("BENCH_DURATION", "5"))
    conns = int(os.environ.get("BENCH_FN_CONNECTIONS", "4"))
    rounds = 1 if quick else 3
    n1, n2 = (20, 120) if quick else (200, 1200)
    work = os.path.abspath(args["--work"])
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)      # functions run as the unprivileged user
    bootstrap = os.path.join(work, "fn-bootstrap")
    subprocess.run(["cc", "-O2", "-o", bootstrap,
                    os.path.join(LIB, "fn-bootstrap.c")], check=True)
    os.chmod(bootstrap, 0o755)

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    bport, port = (int(x) for x in
                   subprocess.run([sys.executable, os.path.join(LIB,
                                   "tool.py"), "freeport", "2"],
                                  capture_output=True, text=True,
                                  check=True).stdout.split())
    os.makedirs(work + "/www", exist_ok=True)
    with open(work + "/www/small", "w") as f:
        f.write('{"message":"hello"}\n')
    os.chmod(work + "/www", 0o755)
    os.chmod(work + "/www/small", 0o644)
    render(os.path.join(LIB, "backend.conf.in"), work + "/backend.conf",
           DIR=work, NAME="backend", PORT=bport, NOFILE=4096,
           TEMP_PATHS=temp_paths(nginx, work), ACCESS_LOG="off")
    be = start([nginx, "-c", work + "/backend.conf", "-g",
                "daemon off;"], work + "/backend.out")
    conf = work + "/tp.conf"
    turnpike_conf(conf, work, port, bport, bootstrap, cold)
    tp = start([args["--turnpike"], "-c", conf, "-f"], work + "/tp.out")
    if not wait_http(bport, be) or not wait_http(port, tp):
        sys.exit("bench-fn: a server did not start (see %s)" % work)
    time.sleep(1.0)                     # the warm instances start
    master = tp.pid
    worker, host = find_procs(master)

    fn_req, px_req = request(port, "/fn"), request(port, "/proxy")
    conn = tool.Conn(port)
    seq_latencies(conn, fn_req, 200, True)         # warm-up
    seq_latencies(conn, px_req, 200, False)
    instances = children(host)
    log("worker %d, function host %d, instances %s"
        % (worker, host, instances))

    # 1. sequential latency, interleaved blocks
    lat = {"fn": [], "proxy": []}
    blocks = 4
    for b in range(blocks):
        order = (("fn", fn_req), ("proxy", px_req))
        if b % 2:
            order = order[::-1]
        for k, req in order:
            lat[k] += seq_latencies(conn, req, n // blocks, k == "fn")
    conn.close()
    log("sequential: fn p50 %.1f us, proxy p50 %.1f us"
        % (pct(lat["fn"], 50) / 1e3, pct(lat["proxy"], 50) / 1e3))

    # 2. throughput
    thr = {"fn": [], "proxy": []}
    for r in range(rounds):
        for k in (("fn", "proxy") if r % 2 == 0 else ("proxy", "fn")):
            res = wrk(port, "/" + k, conns, secs, work, "%s-%d" % (k, r))
            if res["non2xx"] or res["sockerr"]:
                sys.exit("bench-fn: wrk /%s: %d non-2xx, %d socket errors"
                         % (k, res["non2xx"], res["sockerr"]))
            thr[k].append(res)
    log("throughput: fn %.0f req/s, proxy %.0f req/s"
        % (statistics.median(x["rps"] for x in thr["fn"]),
           statistics.median(x["rps"] for x in thr["proxy"])))

    # 3. system calls per request, two points
    instances = children(host)
    sc = {}
    for path, roles in (("/fn", {"worker": [worker], "host": [host],
                                 "instance": instances}),
                        ("/proxy", {"worker": [worker]})):
        a = strace_counts(port, roles, path, n1, work, path[1:])
        b = strace_counts(port, roles, path, n2, work, path[1:])
        sc[path] = {role: ((b[role]["total"] - a[role]["total"])
                           / float(n2 - n1),
                           {k: (b[role].get(k, 0) - a[role].get(k, 0))
                            / float(n2 - n1) for k in b[role]
                            if k != "total"})
                    for role in roles}
    log("system calls per request: %s"
        % {p: {r: v[0] for r, v in d.items()} for p, d in sc.items()})

    # 4. cold start against a bare spawn, one of each in turn
    conn = tool.Conn(port)
    colds, spawns = [], []
    for i in range(cold):
        colds += seq_latencies(conn, request(port, "/cold/%d" % i), 1, True)
        sp = subprocess.run([bootstrap, "--spawn", "1"],
                            capture_output=True, text=True, check=True)
        spawns.append(int(sp.stdout))
    conn.close()
    log("cold start median %.2f ms, bare spawn median %.2f ms"
        % (statistics.median(colds) / 1e6, statistics.median(spawns) / 1e6))

    kill_groups()
    del GROUPS[:]
    cg = None
    if os.environ.get("BENCH_FN_CALLGRIND", "1") == "1":
        cg = callgrind_counts(args["--turnpike"], work, bport, bootstrap,
                              nginx, n1 // 2, n2 // 2)

    md = report(lat, thr, sc, colds, spawns, n, conns, secs, rounds,
                n1, n2, quick, cg)
    print(md)
    if args["--doc"] and not quick:
        with open(args["--doc"]) as f:
            doc = f.read()
        i, j = doc.find(BEGIN), doc.find(END)
        if i < 0 or j < i:
            sys.exit("bench-fn: %s lacks the functions markers"
                     % args["--doc"])
        doc = doc[:i + len(BEGIN)] + "\n" + md + "\n" + doc[j:]
        with open(args["--doc"], "w") as f:
            f.write(doc)
        log("wrote %s" % args["--doc"])


def callgrind_counts(turnpike, work, bport, bootstrap, nginx, n1, n2):
    """{route: {role: user-space instructions per request}}: four more
    turnpikes under callgrind (the instances run natively), started
    together since most of a callgrind run is starting up; each gets n1 or
    n2 sequential requests to one route, then a graceful stop writes the
    files.  The difference of the two totals of a process role, divided by
    n2 - n1, leaves start-up and stop out.  Under valgrind the titles are
    not visible: a process is told by the main function it calls."""
    be = start([nginx, "-c", work + "/backend.conf", "-g", "daemon off;"],
               work + "/backend2.out")
    ports = [int(x) for x in subprocess.run(
        [sys.executable, os.path.join(LIB, "tool.py"), "freeport", "4"],
        capture_output=True, text=True, check=True).stdout.split()]
    runs = []
    for (path, k), port in zip(((p, k) for p in ("/fn", "/proxy")
                                for k in (n1, n2)), ports):
        d = "%s/cg-%s-%d" % (work, path[1:], k)
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)   # the workers and the host write their files
        conf = d + "/tp.conf"
        turnpike_conf(conf, d, port, bport, bootstrap, 0)
        tp = start(["valgrind", "--tool=callgrind", "--vgdb=no", "-q",
                    "--callgrind-out-file=%s/cg.%%p" % d,
                    "--log-file=%s/vg.%%p.log" % d,
                    turnpike, "-c", conf, "-f"], d + "/tp.out")
        runs.append((path, k, port, d, tp))
    if not wait_http(bport, be):
        sys.exit("bench-fn: the backend did not start")
    for path, k, port, d, tp in runs:
        if not wait_http(port, tp, 180):
            sys.exit("bench-fn: turnpike under callgrind did not start "
                     "(see %s)" % d)
    time.sleep(2.0)                     # the warm instances start
    totals = {}
    for path, k, port, d, tp in runs:
        conn = tool.Conn(port, timeout=120)
        seq_latencies(conn, request(port, path), k, path == "/fn")
        conn.close()
        tp.send_signal(signal.SIGQUIT)  # graceful: callgrind writes
    for path, k, port, d, tp in runs:
        tp.wait(timeout=120)
        roles = {}
        for f in os.listdir(d):
            if not re.fullmatch(r"cg\.\d+", f):
                continue
            total, calls, is_metrics = tool.parse_callgrind(d + "/" + f)
            role = ("metrics" if is_metrics else
                    "host" if "tp_fnhost_main" in calls else
                    "worker" if "tp_worker_main" in calls else "master")
            roles[role] = roles.get(role, 0) + total
        totals[(path, k)] = roles
    out = {}
    for path in ("/fn", "/proxy"):
        a, b = totals[(path, n1)], totals[(path, n2)]
        out[path] = {r: (b.get(r, 0) - a.get(r, 0)) / float(n2 - n1)
                     for r in set(a) | set(b)}
    log("instructions per request: %s" % out)
    return out


def ms(ns):
    return "%.3f" % (ns / 1e6)


def report(lat, thr, sc, colds, spawns, n, conns, secs, rounds, n1, n2,
           quick, cg):
    head = subprocess.run(["git", "-C", LIB, "rev-parse", "--short",
                           "HEAD"], capture_output=True,
                          text=True).stdout.strip() or "?"
    p50 = pct(lat["fn"], 50)
    verdict = "PASS" if p50 / 1e6 <= TARGET_P50_MS else "MISS"
    lines = [
        "Run %s, commit %s, %d CPUs%s." % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), head,
            os.cpu_count(), " (--quick: not a measurement)" if quick else
            ""),
        "",
        "Sequential, one keep-alive client, %d requests per route in 4 "
        "interleaved blocks (ms; /fn minus the handler time its bootstrap "
        "reports):" % n,
        "",
        "| route | p50 | p90 | p99 | mean |",
        "| --- | --- | --- | --- | --- |"]
    for k, label in (("fn", "GET /fn (AWS_PROXY, warm instance)"),
                     ("proxy", "GET /proxy (HTTP_PROXY to nginx)")):
        xs = lat[k]
        lines.append("| %s | %s | %s | %s | %s |" % (
            label, ms(pct(xs, 50)), ms(pct(xs, 90)), ms(pct(xs, 99)),
            ms(statistics.mean(xs))))
    lines.append("| difference (function − proxy) | %s | %s | %s | %s |" % (
        ms(pct(lat["fn"], 50) - pct(lat["proxy"], 50)),
        ms(pct(lat["fn"], 90) - pct(lat["proxy"], 90)),
        ms(pct(lat["fn"], 99) - pct(lat["proxy"], 99)),
        ms(statistics.mean(lat["fn"]) - statistics.mean(lat["proxy"]))))
    lines += [
        "",
        "Warm invocation overhead p50 %s ms against the target ≤ %.1f ms: "
        "**%s**." % (ms(p50), TARGET_P50_MS, verdict),
        "",
        "Throughput, wrk 1 thread %d connections %d s, %d rounds "
        "interleaved, median (the function has 2 instances, warm = "
        "concurrency = 2; turnpike 1 worker):" % (conns, secs, rounds),
        "",
        "| route | req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | --- |"]
    for k in ("fn", "proxy"):
        xs = thr[k]
        lines.append("| GET /%s | %.0f | %.3f | %.3f |" % (
            k, statistics.median(x["rps"] for x in xs),
            statistics.median(x["p50_ms"] for x in xs),
            statistics.median(x["p99_ms"] for x in xs)))
    lines += [
        "",
        "Cold start, %d samples each, median (min–max), ms:" % len(colds),
        "",
        "| | median | min | max |",
        "| --- | --- | --- | --- |",
        "| first request to a function with no instance | %s | %s | %s |"
        % (ms(statistics.median(colds)), ms(min(colds)), ms(max(colds))),
        "| bare fork+exec+wait of the same bootstrap | %s | %s | %s |"
        % (ms(statistics.median(spawns)), ms(min(spawns)), ms(max(spawns))),
        "| difference | %s | | |"
        % ms(statistics.median(colds) - statistics.median(spawns)),
        "",
        "System calls per request (strace -c -f attached, (count at %d − "
        "count at %d) / %d):" % (n2, n1, n2 - n1),
        "",
        "| route | process | calls per request | main calls |",
        "| --- | --- | --- | --- |"]
    for path in ("/fn", "/proxy"):
        for role, (tot, per) in sc[path].items():
            top = sorted(per.items(), key=lambda kv: -kv[1])
            top = ", ".join("%s %.1f" % (k, v) for k, v in top if v >= 0.5)
            lines.append("| GET %s | %s | %.1f | %s |"
                         % (path, role, tot, top))
    if cg:
        lines += [
            "",
            "User-space instructions per request (callgrind, two "
            "points as above with %d and %d requests; the instances run "
            "natively, not counted):" % (n1 // 2, n2 // 2),
            "",
            "| route | worker | function host | master | metrics worker |",
            "| --- | --- | --- | --- | --- |"]
        for path in ("/fn", "/proxy"):
            r = cg[path]
            # round(): an idle process's difference is a few instructions
            # either way; "-0" would look like a bug.
            lines.append("| GET %s | %d | %d | %d | %d |" % tuple(
                [path] + [round(r.get(k, 0)) + 0 for k in
                          ("worker", "host", "master", "metrics")]))
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    finally:
        kill_groups()

"""Fixtures for turnpike's black-box tests.

- ``backend``: a recording HTTP/1.1 origin (backend.py) on 127.0.0.1, one per test
- ``backend_factory``: more backends (e.g. TLS ones): ``backend_factory(ssl_context=...)``
- ``turnpike``: a factory starting the real daemon (``$TURNPIKE_BIN``) on a config
  built from Python data::

      gw = turnpike()                          # base_config() against ``backend``
      cfg = base_config(backend.port, workers=1); gw = turnpike(cfg)
      gw.url, gw.port, gw.ports, gw.conf_path, gw.pid, gw.log_text(),
      gw.worker_pids(), gw.reload(), gw.stop()

  Listener addresses use placeholders ``@PORT@``, ``@PORT2@``, ... that the factory
  replaces with free ports; when the daemon cannot bind (port race) it is restarted
  on fresh ports.  The daemon runs with cwd "/" so that relative paths in the config
  must resolve against the config file's directory.

Set TURNPIKE_KEEP=1 to keep each test's work directory (config, logs, certs).
"""

import copy
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backend import Backend  # noqa: E402
from helpers import (children_of, cmdline_of, comm_of,  # noqa: E402
                     free_port, pid_alive, render_libconfig, wait_until)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TURNPIKE_BIN = os.environ.get("TURNPIKE_BIN", os.path.join(REPO, "objs", "turnpike"))
KEEP = os.environ.get("TURNPIKE_KEEP") == "1"

READY_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0

# Every daemon pid this session started or saw, killed at session end if still alive.
_ALL_PIDS = set()
# Consecutive "never became ready" failures: after 3, later starts give up sooner
# so that a daemon that cannot serve yet fails the suite quickly instead of slowly.
_READY_FAILURES = [0]


# ---------------------------------------------------------------------------
# configuration builders
# ---------------------------------------------------------------------------

def proxy_route(uri, route="ANY /{proxy+}", **integration):
    integ = {"type": "HTTP_PROXY", "uri": uri}
    integ.update(integration)
    return {"route": route, "integration": integ}


def demo_api(backend_port, api_id="demo", api_type="REST", routes=None, stages=None):
    """The API most tests use: ANY /{proxy+} -> http://127.0.0.1:<backend>/{proxy}."""
    backend = "http://127.0.0.1:%d" % backend_port
    if routes is None:
        routes = [proxy_route(backend + "/{proxy}")]
    if stages is None:
        stages = [{"name": "prod", "variables": {"backend": backend}}]
    return {"id": api_id, "name": api_id.capitalize(), "type": api_type,
            "routes": routes, "stages": stages}


def base_config(backend_port, workers=2, apis=None, listeners=None, **server):
    """The minimal config of the contract; keyword arguments override server settings.

    Paths (pid_file, error_log, data_dir) are filled in by the factory: they
    live in the test's work directory."""
    srv = {
        "workers": workers,
        "log_level": "info",
        "client_header_timeout_ms": 2000,
        "keepalive_timeout_ms": 5000,
    }
    srv.update(server)
    return {
        "server": srv,
        "listeners": listeners if listeners is not None else
        [{"address": "127.0.0.1:@PORT@", "default_api": "demo"}],
        "apis": apis if apis is not None else [demo_api(backend_port)],
    }


def _listener_endpoints(cfg_text):
    """(host, port) to probe for each listener address in the rendered config."""
    out = []
    for addr in re.findall(r'address\s*=\s*"([^"]+)"', cfg_text):
        m = re.match(r"^\[(.+)\]:(\d+)$", addr) or re.match(r"^(.*):(\d+)$", addr)
        if not m:
            continue
        host, port = m.group(1), int(m.group(2))
        if host in ("*", "0.0.0.0", "", "::"):
            host = "127.0.0.1"
        out.append((host, port))
    return out


def _can_connect(host, port):
    import socket
    try:
        s = socket.create_connection((host, port), timeout=0.5)
    except OSError:
        return False
    s.close()
    return True


# ---------------------------------------------------------------------------
# the daemon
# ---------------------------------------------------------------------------

def _listening_inodes():
    """Inodes of every TCP socket in LISTEN state on this machine."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[3] == "0A":
                        inodes.add(cols[9])
        except OSError:
            pass
    return inodes


def _socket_inodes(pid):
    """Inodes of the sockets process <pid> has open."""
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                out.add(t[8:-1])
    except OSError:
        pass
    return out


class StartError(Exception):
    pass


class Gateway:
    """One running turnpike master (foreground, or daemonized with daemon=True)."""

    def __init__(self, workdir, cfg, daemon=False, args=(), name="turnpike"):
        self.workdir = workdir
        self.cfg = copy.deepcopy(cfg) if isinstance(cfg, dict) else cfg
        self.daemon = daemon
        self.args = list(args)
        self.name = name
        self.conf_path = os.path.join(workdir, name + ".conf")
        self.pid_file = os.path.join(workdir, name + ".pid")
        self.error_log = os.path.join(workdir, "error.log")
        self.data_dir = os.path.join(workdir, "data")
        self.stdout_path = os.path.join(workdir, name + ".stdout")
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        self.proc = None
        self.pid = None
        self.ports = {}
        self.port = None
        self.url = None
        self.stopped = False

    # -- config --------------------------------------------------------------

    def _with_paths(self, cfg):
        cfg = copy.deepcopy(cfg)
        srv = cfg.setdefault("server", {})
        srv.setdefault("pid_file", self.pid_file)
        srv.setdefault("error_log", self.error_log)
        srv.setdefault("data_dir", self.data_dir)
        return cfg

    def render(self, cfg):
        """Config text for <cfg> (a dict, or text used verbatim), ports substituted."""
        text = cfg if isinstance(cfg, str) else render_libconfig(self._with_paths(cfg))
        for token, port in self.ports.items():
            text = text.replace(token, str(port))
        return text

    def write_config(self, cfg):
        """Replace the config file (for reload tests); keeps the same ports."""
        if isinstance(cfg, dict):
            self.cfg = copy.deepcopy(cfg)
        text = self.render(cfg)
        tokens = set(re.findall(r"@PORT\d*@", text))
        for token in sorted(tokens):
            # two binds to port 0 in a row may return the same port
            taken = {p for t, p in self.ports.items() if t in tokens and t < token}
            port = free_port()
            while port in taken:
                port = free_port()
            self.ports[token] = port
        text = self.render(text)
        with open(self.conf_path, "w") as f:
            f.write(text)
        return text

    @property
    def expected_workers(self):
        if isinstance(self.cfg, dict):
            w = self.cfg.get("server", {}).get("workers")
            if isinstance(w, int):
                return w
        return None

    # -- start / stop --------------------------------------------------------

    def start(self):
        if not os.path.exists(TURNPIKE_BIN):
            pytest.fail("turnpike binary %s does not exist: build it with "
                        "`./configure && make` (or set TURNPIKE_BIN)" % TURNPIKE_BIN,
                        pytrace=False)
        last = None
        for _attempt in range(3):
            self.ports = {}
            self.write_config(self.cfg)
            self.port = self.ports.get("@PORT@")
            self.url = "http://127.0.0.1:%d" % self.port if self.port else None
            try:
                self._spawn()
                self._wait_ready()
                return self
            except StartError as e:
                last = e
                self._kill_everything()
                if "in use" not in self.log_text().lower():
                    break
        pytest.fail("turnpike did not start: %s\n----- log -----\n%s" % (last, self.log_text()),
                    pytrace=False)

    def _spawn(self):
        for p in (self.stdout_path, self.stderr_path):
            if os.path.exists(p):
                os.unlink(p)
        out = open(self.stdout_path, "ab")
        err = open(self.stderr_path, "ab")
        cmd = [TURNPIKE_BIN] + ([] if self.daemon else ["-f"]) + ["-c", self.conf_path] \
            + self.args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                     cwd="/", start_new_session=True)
        out.close()
        err.close()
        _ALL_PIDS.add(self.proc.pid)
        if not self.daemon:
            self.pid = self.proc.pid
            return
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise StartError("`turnpike -c CONF` (daemon mode) did not return within 15 s")
        if rc != 0:
            raise StartError("`turnpike -c CONF` (daemon mode) exited with %d" % rc)
        if not wait_until(lambda: self.read_pid_file(), 10):
            raise StartError("daemon mode: no pid in %s" % self.pid_file)
        self.pid = self.read_pid_file()
        _ALL_PIDS.add(self.pid)

    def read_pid_file(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def master_alive(self):
        if self.proc is not None and not self.daemon:
            return self.proc.poll() is None
        return self.pid is not None and pid_alive(self.pid)

    def _wait_ready(self):
        endpoints = _listener_endpoints(self.render(self.cfg))
        timeout = READY_TIMEOUT if _READY_FAILURES[0] < 3 else 3.0
        deadline = time.monotonic() + timeout
        pending = list(endpoints)
        while pending:
            if not self.master_alive():
                code = self.proc.poll() if self.proc is not None else None
                raise StartError("the master exited (status %r) before listening" % code)
            pending = [e for e in pending if not _can_connect(*e)]
            if not pending:
                break
            if time.monotonic() > deadline:
                _READY_FAILURES[0] += 1
                raise StartError("not listening on %s after %.0f s" % (pending, timeout))
            time.sleep(0.05)
        _READY_FAILURES[0] = 0
        for pid in self.worker_pids():
            _ALL_PIDS.add(pid)

    def worker_pids(self):
        """The master's children that are request workers (not metrics/function hosts).

        A request worker names itself "tp-worker" first thing after fork;
        until then a fresh child is the master's copy and is not counted,
        whatever it is about to become."""
        if self.pid is None:
            return []
        pids = [p for p in children_of(self.pid) if comm_of(p) == "tp-worker"]
        _ALL_PIDS.update(pids)
        return pids

    def wait_workers(self, n=None, timeout=10.0, exclude=()):
        """Wait until at least n workers (not in <exclude>) run; returns them."""
        n = n if n is not None else (self.expected_workers or 1)
        exclude = set(exclude)

        def fresh():
            pids = [p for p in self.worker_pids() if p not in exclude]
            return pids if len(pids) >= n else None
        return wait_until(fresh, timeout) or [p for p in self.worker_pids() if p not in exclude]

    def signal(self, sig):
        os.kill(self.pid, sig)

    def reload(self, timeout=10.0, settle=False):
        """SIGHUP the master and wait for a new generation of workers (new pids).

        With <settle>, also wait until no old worker holds a listening socket:
        until an old worker has read its QUIT it still accepts, so a request
        sent right away could meet the old config (it may go on draining a
        request a test has in flight).  Off by default: tests that measure
        what happens during a reload must not wait for it."""
        old = set(self.wait_workers())
        self.signal(signal.SIGHUP)
        n = self.expected_workers or len(old) or 1
        new = self.wait_workers(n, timeout=timeout, exclude=old)
        assert len(new) >= n, \
            "after SIGHUP no new generation of %d workers appeared within %.0f s " \
            "(old %s, now %s)\n%s" % (n, timeout, sorted(old), self.worker_pids(),
                                      self.log_tail())

        def old_accepting():
            listening = _listening_inodes()
            return any(_socket_inodes(p) & listening
                       for p in set(self.worker_pids()) & old)
        if settle:
            wait_until(lambda: not old_accepting(), min(timeout, 5.0))
        return new

    def wait_exit(self, timeout):
        """Wait for the master to exit; True if it did."""
        if self.proc is not None and not self.daemon:
            try:
                self.proc.wait(timeout=timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        return bool(wait_until(lambda: not pid_alive(self.pid), timeout))

    def _kill_everything(self):
        pids = set(self.worker_pids()) if self.pid else set()
        if self.pid and self.master_alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.wait_exit(5)
        for p in pids:
            if pid_alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def stop(self):
        """SIGTERM the master, wait (SIGKILL after 10 s), and make sure workers are gone."""
        if self.stopped:
            return
        self.stopped = True
        if self.pid is None:
            return
        workers = set(self.worker_pids())
        if self.master_alive():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if not self.wait_exit(STOP_TIMEOUT):
                self._kill_everything()
        wait_until(lambda: not any(pid_alive(p) for p in workers), 5)
        for p in workers:
            if pid_alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    # -- logs ----------------------------------------------------------------

    def error_log_path(self):
        if isinstance(self.cfg, dict):
            return self.cfg.get("server", {}).get("error_log", self.error_log)
        return self.error_log

    def log_text(self):
        """Everything the daemon wrote: stderr, stdout and the error_log file."""
        parts = []
        for label, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path),
                            ("error_log", self.error_log_path())):
            try:
                with open(path, "rb") as f:
                    data = f.read().decode("utf-8", "replace")
            except OSError:
                continue
            if data:
                parts.append("[%s]\n%s" % (label, data))
        return "\n".join(parts)

    def log_tail(self, n=40):
        lines = self.log_text().splitlines()
        return "\n".join(lines[-n:])


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------

@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request):
    for when in ("setup", "call"):
        rep = getattr(request.node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


@pytest.fixture
def workdir(request):
    d = tempfile.mkdtemp(prefix="turnpike-bb-")
    yield d
    if KEEP:
        print("\nTURNPIKE_KEEP: work directory kept: %s" % d)
    else:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def backend_factory():
    started = []

    def make(**kw):
        b = Backend(**kw)
        b.start()
        started.append(b)
        return b
    yield make
    for b in started:
        b.stop()


@pytest.fixture
def backend(backend_factory):
    return backend_factory()


@pytest.fixture
def turnpike(request, workdir):
    """Factory: turnpike(cfg=None, daemon=False, args=(), start=True) -> Gateway.

    Without cfg, the base config pointing at the ``backend`` fixture is used."""
    gateways = []

    def make(cfg=None, daemon=False, args=(), start=True, name="turnpike"):
        if cfg is None:
            b = request.getfixturevalue("backend")
            cfg = base_config(b.port)
        gw = Gateway(workdir, cfg, daemon=daemon, args=args, name=name)
        gateways.append(gw)
        if start:
            gw.start()
        return gw

    yield make
    failed = _failed(request)
    for gw in gateways:
        gw.stop()
        if failed:
            print("\n===== turnpike log (%s) =====\n%s" % (gw.conf_path, gw.log_text()))


@pytest.fixture(scope="module")
def module_backend_factory():
    """Module-scoped ``backend_factory``: backends shared by the tests of one module."""
    started = []

    def make(**kw):
        b = Backend(**kw)
        b.start()
        started.append(b)
        return b
    yield make
    for b in started:
        b.stop()


@pytest.fixture(scope="module")
def module_turnpike(tmp_path_factory):
    """Module-scoped variant of ``turnpike``: module_turnpike(cfg) -> a started Gateway
    shared by the tests of one module (for tables of requests against one config).
    Stopped at the end of the module; its work directory is a pytest tmp dir."""
    gateways = []

    def make(cfg, name="turnpike"):
        d = str(tmp_path_factory.mktemp("module-gw"))
        gw = Gateway(d, cfg, name=name)
        gateways.append(gw)
        gw.start()
        return gw

    yield make
    for gw in gateways:
        gw.stop()


def run_turnpike(*args, timeout=20, cwd="/"):
    """Run the turnpike binary to completion; returns (rc, stdout+stderr text)."""
    if not os.path.exists(TURNPIKE_BIN):
        pytest.fail("turnpike binary %s does not exist: build it with `./configure && make`"
                    % TURNPIKE_BIN, pytrace=False)
    try:
        p = subprocess.run([TURNPIKE_BIN] + list(args), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("utf-8", "replace")
        pytest.fail("`turnpike %s` did not finish within %d s; output: %s"
                    % (" ".join(args), timeout, out), pytrace=False)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def pytest_sessionfinish(session, exitstatus):
    """Leave no daemon behind, whatever happened."""
    for pid in list(_ALL_PIDS):
        if pid_alive(pid) and "turnpike" in cmdline_of(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


# ---------------------------------------------------------------------------
# TLS material (openssl CLI), made once per session
# ---------------------------------------------------------------------------

class Certs:
    """Paths of the test certificates; copy_to() puts them next to a config."""

    def __init__(self, d):
        self.dir = d

    def path(self, name):
        return os.path.join(self.dir, name)

    def copy_to(self, dest, *names):
        for n in names:
            shutil.copy(self.path(n), os.path.join(dest, n))


def _openssl(*args, cwd):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args), p.stdout.decode()))


def _self_signed(d, stem, cn, san):
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", stem + ".key", "-out", stem + ".pem", "-days", "30",
             "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san, cwd=d)


def _ca_signed(d, stem, cn, san):
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", stem + ".key", "-out", stem + ".csr", "-subj", "/CN=" + cn,
             cwd=d)
    with open(os.path.join(d, stem + ".ext"), "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid\n" % san)
    _openssl("x509", "-req", "-in", stem + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", stem + ".pem", "-days", "30",
             "-extfile", stem + ".ext", cwd=d)


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """ca.pem/ca.key (a test CA); server.pem/.key (self-signed, localhost + 127.0.0.1);
    domain.pem/.key (self-signed, api.example.com); wild.pem/.key (self-signed,
    *.example.net); backend-self.pem/.key (self-signed,
    localhost); backend-ca.pem/.key (signed by the CA, localhost + 127.0.0.1)."""
    d = str(tmp_path_factory.mktemp("certs"))
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
             "-subj", "/CN=turnpike test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    _self_signed(d, "server", "localhost", "DNS:localhost,IP:127.0.0.1")
    _self_signed(d, "domain", "api.example.com", "DNS:api.example.com")
    _self_signed(d, "wild", "*.example.net", "DNS:*.example.net")
    _self_signed(d, "backend-self", "localhost", "DNS:localhost,IP:127.0.0.1")
    _ca_signed(d, "backend-ca", "localhost", "DNS:localhost,IP:127.0.0.1")
    return Certs(d)


def pytest_configure(config):
    for name, doc in (("harness", "the test harness itself"),
                      ("cli", "command line and config validation"),
                      ("http", "HTTP/1.1 engine"),
                      ("proxy", "HTTP_PROXY integration and routing"),
                      ("listeners", "listener addresses"),
                      ("tls", "TLS listeners and HTTPS backends"),
                      ("master", "master/worker processes and signals"),
                      ("daemon", "daemon mode and -s/-p")):
        config.addinivalue_line("markers", "%s: %s" % (name, doc))
    if config.option.tbstyle == "auto":
        config.option.tbstyle = "short"

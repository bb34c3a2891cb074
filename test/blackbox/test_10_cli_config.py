"""Tier 10: the command line and configuration validation (`turnpike -t`, `-v`).

Contract: `turnpike -c FILE -t` prints "FILE: syntax ok" (stdout or stderr) and
exits 0; on an error it prints "FILE:LINE: message" naming the problem and
exits 1.  `turnpike -v` prints the version and the linked libraries' versions.
"""

import os
import re

import pytest

from conftest import REPO, base_config, run_turnpike
from helpers import render_libconfig

pytestmark = pytest.mark.cli


def write(workdir, text, name="turnpike.conf"):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def line_of(text, needle):
    """1-based number of the first line of <text> containing <needle>."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError("%r not in config text" % needle)


def config_text(workdir, server_extra="", listener_extra="", integration=None,
                default_api="demo", address="127.0.0.1:18080", extra=""):
    """A complete config, one setting per line so that error lines are predictable."""
    integration = integration or \
        'type = "HTTP_PROXY";\n          uri = "http://127.0.0.1:9/{proxy}";'
    return """\
server: {
  workers = 2;
  pid_file = "%(w)s/turnpike.pid";
  error_log = "%(w)s/error.log";
  data_dir = "%(w)s/data";
  log_level = "info";
  client_header_timeout_ms = 2000;
  keepalive_timeout_ms = 5000;
%(server_extra)s
};

listeners = (
  { address = "%(address)s";
    default_api = "%(default_api)s";
%(listener_extra)s
  }
);

apis = (
  { id = "demo";
    name = "Demo";
    type = "REST";
    routes = (
      { route = "ANY /{proxy+}";
        integration = {
          %(integration)s
        };
      }
    );
    stages = ( { name = "prod"; variables = { backend = "http://127.0.0.1:9"; }; } );
  }
);
%(extra)s
""" % dict(w=workdir, server_extra=server_extra, listener_extra=listener_extra,
           integration=integration, default_api=default_api, address=address, extra=extra)


def assert_config_error(workdir, text, needle, *must_mention):
    """`-t` exits 1 and prints FILE:LINE: for the line holding <needle>."""
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    line = line_of(text, needle)
    assert rc == 1, "expected exit status 1 for an invalid config, got %d; output:\n%s" % (
        rc, out)
    assert "%s:%d:" % (path, line) in out, \
        "expected the error to name %s:%d (the line with %r); output:\n%s" % (
            path, line, needle, out)
    for word in must_mention:
        assert word.lower() in out.lower(), \
            "expected the error message to mention %r; output:\n%s" % (word, out)
    return out


# -- -v ---------------------------------------------------------------------------

def test_version_prints_version_and_libraries():
    rc, out = run_turnpike("-v")
    assert rc == 0, "turnpike -v exited %d: %s" % (rc, out)
    with open(os.path.join(REPO, "VERSION")) as f:
        version = f.read().strip()
    assert "turnpike" in out.lower() and version in out, \
        "expected a version line with turnpike %s; got:\n%s" % (version, out)
    for lib in ("OpenSSL", "libconfig", "LMDB", "zlib", "liburing: io_uring"):
        assert lib.lower() in out.lower(), "-v does not mention %s:\n%s" % (lib, out)
    assert re.search(r"openssl\S*\s+\d+\.\d+", out, re.I), \
        "-v does not give OpenSSL's version number:\n%s" % out


# -- -t: valid configs --------------------------------------------------------------

def test_syntax_ok(workdir):
    path = write(workdir, config_text(workdir))
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "valid config rejected (exit %d):\n%s" % (rc, out)
    assert "%s: syntax ok" % path in out, "no '%s: syntax ok' in output:\n%s" % (path, out)


def test_syntax_ok_for_rendered_base_config(workdir):
    """The config the other tiers use (rendered from Python) is valid."""
    cfg = base_config(9)
    cfg["server"].update(pid_file=workdir + "/t.pid", error_log=workdir + "/e.log",
                         data_dir=workdir + "/data")
    text = render_libconfig(cfg).replace("@PORT@", "18081")
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0 and "%s: syntax ok" % path in out, "exit %d:\n%s\nconfig:\n%s" % (
        rc, out, text)


def test_all_optional_server_settings_accepted(workdir):
    extra = """\
  user = "root";
  group = "root";
  max_request_body = "10M";
  integration_timeout_ms = 29000;
  client_body_timeout_ms = 5000;
  send_timeout_ms = 5000;
  max_header_size = "16K";
  max_uri_length = 10240;
  keepalive_requests = 1000;
  upstream_keepalive = 32;
  upstream_keepalive_timeout_ms = 60000;
  shutdown_timeout_ms = 10000;
  worker_connections = 1024;"""
    path = write(workdir, config_text(workdir, server_extra=extra))
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "documented server settings rejected (exit %d):\n%s" % (rc, out)
    assert "syntax ok" in out


@pytest.mark.parametrize("size", ["512K", "10M", "1G", "1048576"])
def test_size_values_accepted(workdir, size):
    text = config_text(workdir, server_extra='  max_request_body = "%s";' % size) \
        if not size.isdigit() else \
        config_text(workdir, server_extra="  max_request_body = %s;" % size)
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "max_request_body = %s rejected (exit %d):\n%s" % (size, rc, out)


def test_workers_auto_accepted(workdir):
    text = config_text(workdir).replace("workers = 2;", 'workers = "auto";')
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, 'workers = "auto" rejected (exit %d):\n%s' % (rc, out)


def test_route_timeout_and_stage_variable_uri_accepted(workdir):
    integ = ('type = "HTTP_PROXY";\n'
             '          uri = "${stageVariables.backend}/{proxy}";\n'
             '          timeout_ms = 500;')
    path = write(workdir, config_text(workdir, integration=integ))
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "stage-variable uri / timeout_ms rejected (exit %d):\n%s" % (rc, out)


def test_relative_tls_paths_resolve_against_config_dir(workdir, certs):
    certs.copy_to(workdir, "server.pem", "server.key")
    tls = '    tls = { certificate = "server.pem"; key = "server.key"; policy = "TLS_1_2"; };'
    path = write(workdir, config_text(workdir, listener_extra=tls))
    rc, out = run_turnpike("-c", path, "-t", cwd="/")
    assert rc == 0, "relative certificate paths not resolved against %s (exit %d):\n%s" % (
        workdir, rc, out)


# -- -t: invalid configs -------------------------------------------------------------

def test_syntax_error_reports_file_and_line(workdir):
    text = config_text(workdir, server_extra="  max_uri_length = = 10;")
    assert_config_error(workdir, text, "max_uri_length = = 10")


def test_unknown_server_key_reports_name_and_line(workdir):
    text = config_text(workdir, server_extra='  colour = "blue";')
    assert_config_error(workdir, text, "colour", "colour")


def test_wrong_type_reports_setting(workdir):
    text = config_text(workdir).replace("workers = 2;", 'workers = "lots";')
    assert_config_error(workdir, text, 'workers = "lots"', "workers")


def test_unknown_integration_type(workdir):
    integ = 'type = "CARRIER_PIGEON";\n          uri = "http://127.0.0.1:9/{proxy}";'
    assert_config_error(workdir, config_text(workdir, integration=integ),
                        "CARRIER_PIGEON", "type")


def test_default_api_naming_unknown_api(workdir):
    out = assert_config_error(workdir, config_text(workdir, default_api="nosuchapi"),
                              'default_api = "nosuchapi"', "default_api")
    assert "unknown api" in out.lower(), "expected 'unknown api' in:\n%s" % out


@pytest.mark.parametrize("address", ["127.0.0.1:notaport", "127.0.0.1:70000",
                                     "not an address"],
                         ids=["port_not_a_number", "port_out_of_range", "no_port"])
def test_bad_listener_address(workdir, address):
    assert_config_error(workdir, config_text(workdir, address=address),
                        'address = "%s"' % address, "address")


def test_missing_certificate_file(workdir):
    tls = '    tls = { certificate = "missing-cert.pem"; key = "missing-key.pem"; };'
    assert_config_error(workdir, config_text(workdir, listener_extra=tls),
                        "missing-cert.pem", "missing-cert.pem")


def test_bad_size_value(workdir):
    text = config_text(workdir, server_extra='  max_request_body = "ten megs";')
    assert_config_error(workdir, text, "ten megs", "max_request_body")


def test_bad_log_level(workdir):
    text = config_text(workdir).replace('log_level = "info";', 'log_level = "chatty";')
    assert_config_error(workdir, text, "chatty", "log_level")


def test_missing_config_file(workdir):
    path = os.path.join(workdir, "does-not-exist.conf")
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, "expected exit 1 for a missing config file, got %d:\n%s" % (rc, out)
    assert path in out, "the error should name the missing file:\n%s" % out


def test_invalid_config_does_not_start(workdir):
    """A broken config makes the daemon exit 1 at startup too (not only with -t)."""
    text = config_text(workdir, server_extra='  colour = "blue";')
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-f", timeout=15)
    assert rc == 1, "daemon started on an invalid config (exit %d):\n%s" % (rc, out)
    assert "%s:%d:" % (path, line_of(text, "colour")) in out, out

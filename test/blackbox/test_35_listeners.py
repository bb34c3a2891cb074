"""Tier 35: listener addresses (IPv4, IPv6, wildcard) and several listeners."""

import pytest
import requests

from conftest import base_config, demo_api
from helpers import have_ipv6_loopback

pytestmark = pytest.mark.listeners

needs_ipv6 = pytest.mark.skipif(not have_ipv6_loopback(), reason="no ::1 on this machine")


@needs_ipv6
def test_ipv6_listener(turnpike, backend):
    gw = turnpike(base_config(backend.port, listeners=[
        {"address": "[::1]:@PORT@", "default_api": "demo"}]))
    r = requests.get("http://[::1]:%d/prod/v6" % gw.port, timeout=10)
    assert r.status_code == 200, r.text
    xff = backend.requests[-1].header("X-Forwarded-For") or ""
    assert "::1" in xff, "X-Forwarded-For for an IPv6 client is %r" % xff


@needs_ipv6
def test_wildcard_listener_serves_ipv4_and_ipv6(turnpike, backend):
    gw = turnpike(base_config(backend.port, listeners=[
        {"address": "*:@PORT@", "default_api": "demo"}]))
    assert requests.get("http://127.0.0.1:%d/prod/v4" % gw.port, timeout=10).status_code == 200
    assert requests.get("http://[::1]:%d/prod/v6" % gw.port, timeout=10).status_code == 200
    assert [r.path for r in backend.requests] == ["/v4", "/v6"]


def test_two_listeners_with_different_default_apis(turnpike, backend_factory):
    b1, b2 = backend_factory(), backend_factory()
    cfg = base_config(b1.port,
                      apis=[demo_api(b1.port, "first"), demo_api(b2.port, "second")],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "first"},
                                 {"address": "127.0.0.1:@PORT2@", "default_api": "second"}])
    gw = turnpike(cfg)
    assert requests.get("http://127.0.0.1:%d/prod/a" % gw.ports["@PORT@"],
                        timeout=10).status_code == 200
    assert requests.get("http://127.0.0.1:%d/prod/b" % gw.ports["@PORT2@"],
                        timeout=10).status_code == 200
    assert [r.path for r in b1.requests] == ["/a"]
    assert [r.path for r in b2.requests] == ["/b"]


def test_listener_address_already_in_use_fails_startup(turnpike, backend, workdir):
    """Binding a port that is taken is an error at startup (exit status 1)."""
    import socket
    from conftest import run_turnpike
    from helpers import render_libconfig
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        cfg = base_config(backend.port, listeners=[
            {"address": "127.0.0.1:%d" % taken.getsockname()[1], "default_api": "demo"}])
        cfg["server"].update(pid_file=workdir + "/t.pid", error_log=workdir + "/error.log",
                             data_dir=workdir + "/data")
        path = workdir + "/inuse.conf"
        with open(path, "w") as f:
            f.write(render_libconfig(cfg))
        rc, out = run_turnpike("-c", path, "-f", timeout=15)
        assert rc == 1, "started although its port is taken (exit %d):\n%s" % (rc, out)
        assert str(taken.getsockname()[1]) in out, "the error should name the address:\n" + out
    finally:
        taken.close()

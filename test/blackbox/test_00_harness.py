"""Tier 00: the harness itself (no turnpike involved).

If these fail, the problem is in backend.py / helpers.py / the machine, not in
the daemon: every other tier relies on them.
"""

import json
import ssl

import pytest
import requests

from backend import pattern, sha256
from helpers import RawConn, have_ipv6_loopback, render_libconfig

pytestmark = pytest.mark.harness


def test_backend_echo(backend):
    r = requests.post("http://127.0.0.1:%d/a/b?x=1&y" % backend.port, data=b"hi",
                      headers={"X-Test": "1"}, timeout=5)
    doc = r.json()
    assert (doc["method"], doc["path"], doc["query"], doc["body"]) == ("POST", "/a/b", "x=1&y", "hi")
    assert ["X-Test", "1"] in doc["headers"]
    assert doc["body_sha256"] == sha256(b"hi")
    assert backend.requests[0].body == b"hi"
    assert backend.raw_connections[0].startswith(b"POST /a/b?x=1&y HTTP/1.1\r\n")


def test_backend_endpoints(backend):
    base = "http://127.0.0.1:%d/prefix" % backend.port
    assert requests.get(base + "/status/418", timeout=5).status_code == 418
    assert requests.get(base + "/big?n=100000", timeout=5).content == pattern(100000)
    assert requests.get(base + "/chunked?n=100000&parts=7", timeout=5).content == pattern(100000)
    assert requests.get(base + "/eof?n=100000", timeout=5).content == pattern(100000)
    assert requests.get(base + "/slow?ms=10", timeout=5).json()["path"] == "/prefix/slow"
    h = requests.get(base + "/headers?h=X-Foo:bar", timeout=5)
    assert h.headers["X-Foo"] == "bar" and h.headers["Keep-Alive"]
    head = requests.head(base + "/head-test", timeout=5)
    assert head.headers["Content-Length"] == "1234" and head.content == b""
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(base + "/reset", timeout=5)


def test_backend_keepalive_pipelining_and_chunked_requests(backend):
    with RawConn(backend.port) as c:
        c.send(b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
               b"POST /2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"3\r\nabc\r\n0\r\n\r\n"
               b"HEAD /head-test HTTP/1.1\r\nHost: x\r\n\r\n")
        assert json.loads(c.read_response().body)["path"] == "/1"
        assert json.loads(c.read_response().body)["body"] == "abc"
        assert c.read_response(method="HEAD").header("Content-Length") == "1234"
        assert c.is_open(0.2) and c.buf == b""
        c.send(b"POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        assert c.read_head().status == 100
        c.send(b"ok")
        assert json.loads(c.read_response().body)["body"] == "ok"
    assert len(backend.connections) == 1 and len(backend.requests) == 4


def test_tls_backend_and_certificates(certs, backend_factory):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certs.path("backend-ca.pem"), certs.path("backend-ca.key"))
    b = backend_factory(ssl_context=ctx, host="::" if have_ipv6_loopback() else "127.0.0.1")
    r = requests.get("https://localhost:%d/x" % b.port, verify=certs.path("ca.pem"), timeout=5)
    assert r.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get("https://localhost:%d/x" % b.port, verify=certs.path("server.pem"),
                     timeout=5)


def test_render_libconfig():
    text = render_libconfig({"server": {"workers": 2, "name": 'a"b', "on": True},
                             "list": [{"x": 1.5}, "s"], "empty": []})
    assert text == ('server = {\n  workers = 2;\n  name = "a\\"b";\n  on = true;\n};\n\n'
                    'list = (\n  {\n    x = 1.5;\n  },\n  "s"\n);\n\nempty = ( );\n\n')

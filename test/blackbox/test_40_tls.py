"""Tier 40: TLS listeners (certificates, policies, ALPN, SNI) and HTTPS backends.

Certificates come from the session fixture ``certs`` (openssl CLI); they are
copied next to the config and named by relative paths, which the daemon must
resolve against the config file's directory (it runs with cwd "/").
"""

import socket
import ssl
import subprocess
import threading

import pytest
import requests

from backend import pattern, sha256
from conftest import base_config, demo_api, proxy_route
from helpers import RawConn, have_ipv6_loopback, wait_until

pytestmark = [pytest.mark.tls, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def tls_config(backend_port, policy="TLS_1_2", domains=None, plain_listener=False, **server):
    listeners = [{"address": "127.0.0.1:@PORT@", "default_api": "demo",
                  "tls": {"certificate": "server.pem", "key": "server.key", "policy": policy}}]
    if plain_listener:
        listeners.append({"address": "127.0.0.1:@PORT2@", "default_api": "demo"})
    cfg = base_config(backend_port, listeners=listeners, **server)
    if domains is not None:
        cfg["domains"] = domains
    return cfg


@pytest.fixture
def tls_gateway(turnpike, backend, certs, workdir):
    """turnpike with a TLS listener (policy TLS_1_2) in front of ``backend``."""
    def make(**kw):
        certs.copy_to(workdir, "server.pem", "server.key", "domain.pem", "domain.key", "ca.pem",
                      "wild.pem", "wild.key")
        gw = turnpike(tls_config(backend.port, **kw))
        gw.https_url = "https://127.0.0.1:%d" % gw.port
        return gw
    return make


def client_context(certs, cafile="server.pem"):
    ctx = ssl.create_default_context(cafile=certs.path(cafile))
    return ctx


def handshake(port, ctx, server_hostname="localhost"):
    """Open a TLS connection; returns the SSLSocket (caller closes)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        return ctx.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


def old_tls_context(max_version):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = max_version
    return ctx


def local_client_can_speak(version, certs):
    """Can this machine's Python/OpenSSL do a <version> handshake at all?

    Checked against a local Python TLS server that allows it."""
    srv_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv_ctx.load_cert_chain(certs.path("server.pem"), certs.path("server.key"))
    try:
        srv_ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        srv_ctx.minimum_version = ssl.TLSVersion.TLSv1
    except (ssl.SSLError, ValueError):
        return False
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    ok = []

    def serve():
        try:
            s, _ = lsock.accept()
            s.settimeout(5)
            with srv_ctx.wrap_socket(s, server_side=True):
                ok.append(True)
        except (OSError, ssl.SSLError):
            pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        with handshake(lsock.getsockname()[1], old_tls_context(version), None) as s:
            got = s.version()
        return got == {ssl.TLSVersion.TLSv1_1: "TLSv1.1", ssl.TLSVersion.TLSv1: "TLSv1"}[version]
    except (OSError, ssl.SSLError):
        return False
    finally:
        lsock.close()
        t.join(5)


# -- basic HTTPS -------------------------------------------------------------------------

def test_https_request_verified_against_certificate(tls_gateway, certs, backend):
    gw = tls_gateway()
    r = requests.get(gw.https_url + "/prod/secure?x=1", verify=certs.path("server.pem"),
                     timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "/secure" and r.json()["query"] == "x=1"


def test_https_sets_x_forwarded_proto_https(tls_gateway, certs, backend):
    gw = tls_gateway()
    requests.get(gw.https_url + "/prod/x", verify=certs.path("server.pem"), timeout=10)
    assert backend.requests[-1].header_all("X-Forwarded-Proto") == ["https"]


def test_plain_and_tls_listeners_side_by_side(tls_gateway, certs, backend):
    gw = tls_gateway(plain_listener=True)
    plain = "http://127.0.0.1:%d" % gw.ports["@PORT2@"]
    assert requests.get(plain + "/prod/p", timeout=10).status_code == 200
    assert backend.requests[-1].header("X-Forwarded-Proto") == "http"
    assert requests.get(gw.https_url + "/prod/s", verify=certs.path("server.pem"),
                        timeout=10).status_code == 200
    assert backend.requests[-1].header("X-Forwarded-Proto") == "https"


def test_https_keepalive_and_big_bodies(tls_gateway, certs, backend):
    gw = tls_gateway()
    body = pattern(2 * 1000 * 1000)
    ca = certs.path("server.pem")   # per request: REQUESTS_CA_BUNDLE beats Session.verify
    with requests.Session() as s:
        up = s.post(gw.https_url + "/prod/up", data=body, timeout=30, verify=ca)
        assert up.status_code == 200 and up.json()["body_sha256"] == sha256(body)
        down = s.get(gw.https_url + "/prod/big?n=2000000", timeout=30, verify=ca)
        assert down.status_code == 200 and down.content == pattern(2000000)
        for i in range(5):
            assert s.get(gw.https_url + "/prod/k/%d" % i, timeout=10, verify=ca).status_code == 200
    assert len(backend.requests) == 7


def test_curl_https(tls_gateway, certs):
    gw = tls_gateway()
    p = subprocess.run(["curl", "-sS", "--cacert", certs.path("server.pem"),
                        "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                        gw.https_url + "/prod/via-curl"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode() == "200 1.1", "curl got %r" % p.stdout


def test_alpn_selects_http11(tls_gateway, certs):
    gw = tls_gateway()
    ctx = client_context(certs)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with handshake(gw.port, ctx) as s:
        assert s.selected_alpn_protocol() == "http/1.1", \
            "ALPN selected %r" % s.selected_alpn_protocol()
        c = RawConn(None, sock=s)
        c.send(b"GET /prod/alpn HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200


def test_raw_request_over_tls_socket(tls_gateway, certs):
    gw = tls_gateway()
    with handshake(gw.port, client_context(certs)) as s:
        c = RawConn(None, sock=s)
        c.send(b"GET /prod/a HTTP/1.1\r\nHost: x\r\n\r\nGET /prod/b HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200
        assert c.read_response().status == 200


# -- policies ---------------------------------------------------------------------------

def test_policy_tls_1_2_refuses_tls_1_1(tls_gateway, certs):
    if not local_client_can_speak(ssl.TLSVersion.TLSv1_1, certs):
        pytest.skip("this machine's OpenSSL cannot make a TLS 1.1 handshake at all")
    gw = tls_gateway(policy="TLS_1_2")
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        with handshake(gw.port, old_tls_context(ssl.TLSVersion.TLSv1_1), None) as s:
            pytest.fail("policy TLS_1_2 accepted a %s handshake" % s.version())


def test_policy_tls_1_2_refuses_tls_1_0(tls_gateway, certs):
    if not local_client_can_speak(ssl.TLSVersion.TLSv1, certs):
        pytest.skip("this machine's OpenSSL cannot make a TLS 1.0 handshake at all")
    gw = tls_gateway(policy="TLS_1_2")
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        with handshake(gw.port, old_tls_context(ssl.TLSVersion.TLSv1), None) as s:
            pytest.fail("policy TLS_1_2 accepted a %s handshake" % s.version())


@pytest.mark.parametrize("policy", ["TLS_1_2", "TLS_1_0"])
def test_policy_accepts_tls_1_2(tls_gateway, certs, policy):
    gw = tls_gateway(policy=policy)
    ctx = client_context(certs)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with handshake(gw.port, ctx) as s:
        assert s.version() == "TLSv1.2"
        c = RawConn(None, sock=s)
        c.send(b"GET /prod/v12 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200


@pytest.mark.parametrize("policy", ["TLS_1_2", "TLS_1_0"])
def test_policy_accepts_tls_1_3(tls_gateway, certs, policy):
    gw = tls_gateway(policy=policy)
    ctx = client_context(certs)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    with handshake(gw.port, ctx) as s:
        assert s.version() == "TLSv1.3"
        c = RawConn(None, sock=s)
        c.send(b"GET /prod/v13 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert c.read_response().status == 200


# -- SNI ----------------------------------------------------------------------------------

def der_of(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def peer_cert(port, server_hostname):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with handshake(port, ctx, server_hostname) as s:
        return s.getpeercert(binary_form=True)


DOMAINS = [{"name": "api.example.com", "certificate": "domain.pem", "key": "domain.key"}]


def test_sni_selects_domain_certificate(tls_gateway, certs):
    gw = tls_gateway(domains=DOMAINS)
    assert peer_cert(gw.port, "api.example.com") == der_of(certs.path("domain.pem")), \
        "SNI api.example.com did not get the domain's certificate"


def test_sni_other_name_gets_listener_certificate(tls_gateway, certs):
    gw = tls_gateway(domains=DOMAINS)
    assert peer_cert(gw.port, "other.example.org") == der_of(certs.path("server.pem"))
    assert peer_cert(gw.port, None) == der_of(certs.path("server.pem")), \
        "a handshake without SNI did not get the listener's certificate"


def test_sni_wildcard_domain_certificate(tls_gateway, certs):
    """A wildcard custom domain's certificate is served for any name it covers, as
    Host routing matches it; an exact domain still wins for its own name."""
    gw = tls_gateway(domains=DOMAINS + [{"name": "*.example.net", "certificate": "wild.pem",
                                         "key": "wild.key"}])
    assert peer_cert(gw.port, "shop.example.net") == der_of(certs.path("wild.pem")), \
        "SNI shop.example.net did not get the *.example.net certificate"
    assert peer_cert(gw.port, "example.net") == der_of(certs.path("server.pem")), \
        "*.example.net must not cover example.net itself"
    assert peer_cert(gw.port, "api.example.com") == der_of(certs.path("domain.pem"))


def test_sni_domain_certificate_verifies_with_openssl_s_client(tls_gateway, certs):
    gw = tls_gateway(domains=DOMAINS)
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % gw.port,
                        "-servername", "api.example.com", "-CAfile", certs.path("domain.pem"),
                        "-verify_hostname", "api.example.com", "-verify_return_error"],
                       input=b"", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    out = p.stdout.decode("utf-8", "replace")
    assert "Verify return code: 0 (ok)" in out, out
    assert "CN = api.example.com" in out, out


# -- HTTPS backends ----------------------------------------------------------------------

@pytest.fixture
def tls_backend(backend_factory, certs):
    """An HTTPS backend for 'localhost' with the given certificate stem."""
    def make(stem):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certs.path(stem + ".pem"), certs.path(stem + ".key"))
        host = "::" if have_ipv6_loopback() else "127.0.0.1"  # localhost may be ::1
        return backend_factory(ssl_context=ctx, host=host)
    return make


def test_certificate_reloaded_on_hup(tls_gateway, certs, workdir):
    """Replace the listener's certificate files and send HUP: new handshakes get the
    new certificate, with no restart."""
    import os
    import shutil
    gw = tls_gateway()
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE

    def peer_cn():
        with handshake(gw.port, ctx) as s:
            der = s.getpeercert(binary_form=True)
        out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"],
                             input=der, stdout=subprocess.PIPE, check=True).stdout
        return out.decode()

    assert "localhost" in peer_cn()
    shutil.copy(certs.path("domain.pem"), os.path.join(workdir, "server.pem"))
    shutil.copy(certs.path("domain.key"), os.path.join(workdir, "server.key"))
    gw.reload()
    # the old generation may take a connection or two before it hears the QUIT
    assert wait_until(lambda: "api.example.com" in peer_cn(), 10), \
        "HUP did not load the new certificate"


def test_https_backend_untrusted_certificate_502(turnpike, tls_backend):
    b = tls_backend("backend-self")
    api = demo_api(b.port, routes=[proxy_route("https://localhost:%d/{proxy}" % b.port)])
    gw = turnpike(base_config(b.port, apis=[api]))
    r = requests.get(gw.url + "/prod/x", timeout=15)
    assert r.status_code == 502, "a self-signed backend certificate was accepted: %d %r" % (
        r.status_code, r.text)
    assert "message" in r.json()
    assert b.requests == [], "a request was sent over an unverified TLS connection"


def test_https_backend_trusted_via_tls_ca(turnpike, tls_backend, certs, workdir):
    b = tls_backend("backend-ca")
    certs.copy_to(workdir, "ca.pem")
    api = demo_api(b.port, routes=[
        proxy_route("https://localhost:%d/{proxy}" % b.port, tls_ca="ca.pem")])
    gw = turnpike(base_config(b.port, apis=[api]))
    r = requests.get(gw.url + "/prod/over-tls?q=1", timeout=15)
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "/over-tls"
    assert b.requests[-1].header("Host") == "localhost:%d" % b.port


def test_https_backend_gets_spooled_chunked_body(turnpike, tls_backend, certs, workdir):
    """A big chunked upload is spooled, then written to an HTTPS backend intact."""
    b = tls_backend("backend-ca")
    certs.copy_to(workdir, "ca.pem")
    api = demo_api(b.port, routes=[
        proxy_route("https://localhost:%d/{proxy}" % b.port, tls_ca="ca.pem")])
    gw = turnpike(base_config(b.port, apis=[api]))
    body = pattern(1500 * 1000)

    def pieces():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    r = requests.post(gw.url + "/prod/up", data=pieces(), timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["body_sha256"] == sha256(body)
    assert b.requests[-1].header("Content-Length") == str(len(body))


def test_https_backend_wrong_ca_502(turnpike, tls_backend, certs, workdir):
    """tls_ca that did not sign the backend's certificate: 502."""
    b = tls_backend("backend-self")
    certs.copy_to(workdir, "ca.pem")
    api = demo_api(b.port, routes=[
        proxy_route("https://localhost:%d/{proxy}" % b.port, tls_ca="ca.pem")])
    gw = turnpike(base_config(b.port, apis=[api]))
    r = requests.get(gw.url + "/prod/x", timeout=15)
    assert r.status_code == 502

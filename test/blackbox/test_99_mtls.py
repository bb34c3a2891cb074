"""Tier 99: mutual TLS on custom domains (auth.md 9).

A domain with ``truststore`` (a PEM file of CA certificates) demands a client
certificate in the handshake and verifies it: chain to a truststore root of at most
4 certificates, validity period, strength (RSA >= 2048, EC >= 256, no SHA-1); no
revocation checks. A request naming such a domain over a connection that did not
verify a certificate for it (another SNI name, none, a plain listener) gets 403.
The certificate is visible as ``$context.identity.clientCert.*`` in access logs
and parameter mappings. The PKI is made with the ``openssl`` command; clients are
Python's ``ssl`` (``load_cert_chain``) and curl.
"""

import json
import os
import re
import shutil
import socket
import ssl
import subprocess

import pytest

from conftest import base_config, proxy_route, run_turnpike
from helpers import wait_until

pytestmark = [pytest.mark.tls, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

CLIENT_SUBJ = "/C=US/ST=Washington/L=Seattle/O=Example Corp/OU=Security/CN=My Client"
CLIENT_DN = "C=US,ST=Washington,L=Seattle,O=Example Corp,OU=Security,CN=My Client"
INTER_DN = "C=US,O=Turnpike Test,CN=mTLS Issuing CA"
CLIENT_SERIAL = "0x0a1b2c3d4e5f60"
CLIENT_SERIAL_TEXT = "0a:1b:2c:3d:4e:5f:60"
OPENSSL_TIME = re.compile(r"^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4} GMT$")

MTLS = "mtls.example.com"        # truststore: root + intermediates (trust.pem)
ROOTS = "roots.example.com"      # truststore: the root only (root.pem)
OPEN = "open.example.com"        # a domain with a certificate and no truststore


# -- the PKI -------------------------------------------------------------------------------

def openssl(d, *args):
    p = subprocess.run(["openssl"] + list(args), cwd=d, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    assert p.returncode == 0, "openssl %s: %s" % (" ".join(args), p.stdout.decode())
    return p.stdout.decode()


CA_EXT = ("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
          "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
CLIENT_EXT = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\n"
              "authorityKeyIdentifier=keyid\n")
CA_CNF = """[ ca ]
default_ca = tp
[ tp ]
database = %(d)s/index.txt
new_certs_dir = %(d)s
serial = %(d)s/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
"""


class Pki:
    """Keys and certificates in one directory; <stem>.pem / <stem>.key."""

    def __init__(self, d):
        self.d = d
        self.serial = 0x1000

    def path(self, name):
        return os.path.join(self.d, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def key(self, stem, kind="ec"):
        if kind == "ec":
            openssl(self.d, "genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", stem + ".key")
        else:
            openssl(self.d, "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:%d" % kind, "-out", stem + ".key")

    def root(self, stem, subj, kind="ec", md="sha256"):
        self.key(stem, kind)
        openssl(self.d, "req", "-x509", "-new", "-key", stem + ".key", "-subj", subj,
                "-days", "3650", "-" + md, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", stem + ".pem")

    def issue(self, stem, subj, issuer, ext=CLIENT_EXT, kind="ec", md="sha256",
              serial=None, days=30):
        """<stem> signed by <issuer> with `openssl x509 -req`."""
        self.key(stem, kind)
        openssl(self.d, "req", "-new", "-key", stem + ".key", "-subj", subj,
                "-out", stem + ".csr")
        self.write(stem + ".ext", ext)
        self.serial += 1
        openssl(self.d, "x509", "-req", "-in", stem + ".csr", "-CA", issuer + ".pem",
                "-CAkey", issuer + ".key", "-set_serial", serial or str(self.serial),
                "-days", str(days), "-" + md, "-extfile", stem + ".ext",
                "-out", stem + ".pem")

    def issue_window(self, stem, subj, issuer, start, end, ext=CLIENT_EXT):
        """<stem> valid from <start> to <end> (YYYYMMDDHHMMSSZ), by `openssl ca`."""
        self.key(stem)
        openssl(self.d, "req", "-new", "-key", stem + ".key", "-subj", subj,
                "-out", stem + ".csr")
        self.write(stem + ".ext", ext)
        cadir = self.path("ca-" + stem)
        os.mkdir(cadir)
        self.write(os.path.join(cadir, "index.txt"), "")
        self.write(os.path.join(cadir, "serial"), "%X\n" % (0x5000 + len(stem)))
        self.write(os.path.join(cadir, "ca.cnf"), CA_CNF % {"d": cadir})
        openssl(self.d, "ca", "-batch", "-config", os.path.join(cadir, "ca.cnf"),
                "-preserveDN", "-notext", "-cert", issuer + ".pem",
                "-keyfile", issuer + ".key", "-in", stem + ".csr", "-out", stem + ".pem",
                "-startdate", start, "-enddate", end, "-extfile", stem + ".ext")

    def self_signed_server(self, stem, name):
        self.key(stem)
        openssl(self.d, "req", "-x509", "-new", "-key", stem + ".key", "-subj", "/CN=" + name,
                "-days", "30", "-addext", "subjectAltName=DNS:" + name, "-out", stem + ".pem")

    def cat(self, out, *stems):
        self.write(out, "".join(self.read(s + ".pem") for s in stems))


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    p = Pki(str(tmp_path_factory.mktemp("pki")))
    p.root("root", "/C=US/O=Turnpike Test/CN=mTLS Root CA")
    p.issue("inter", "/C=US/O=Turnpike Test/CN=mTLS Issuing CA", "root", ext=CA_EXT)
    p.issue("client", CLIENT_SUBJ, "inter", serial=CLIENT_SERIAL)
    p.issue("client2", "/O=Example Corp/CN=Second Client", "inter")
    p.issue_window("expired", "/CN=Expired Client", "inter",
                   "20200101000000Z", "20200201000000Z")
    p.issue_window("future", "/CN=Future Client", "inter",
                   "20990101000000Z", "20991231000000Z")
    # chains: root > inter > i2 > i3; leaf3 (4 certificates in all), leaf4 (5)
    p.issue("i2", "/O=Turnpike Test/CN=mTLS Level 2 CA", "inter", ext=CA_EXT)
    p.issue("i3", "/O=Turnpike Test/CN=mTLS Level 3 CA", "i2", ext=CA_EXT)
    p.issue("leaf3", "/CN=Chain Of Four", "i2")
    p.issue("leaf4", "/CN=Chain Of Five", "i3")
    p.issue("weak", "/CN=Weak RSA Client", "inter", kind=1024)
    p.issue("sha1", "/CN=SHA1 Client", "inter", md="sha1")
    p.root("other", "/CN=Another CA")
    p.issue("stranger", "/CN=Stranger", "other")
    p.root("selfie", "/CN=My Client")
    for name, stem in ((MTLS, "srv-mtls"), (ROOTS, "srv-roots"), (OPEN, "srv-open")):
        p.self_signed_server(stem, name)
    p.self_signed_server("server", "localhost")
    # for truststore warnings
    p.root("weakroot", "/CN=Weak RSA Root", kind=1024)
    p.root("sha1root", "/CN=SHA1 Root", md="sha1")
    p.issue_window("expiredca", "/CN=Expired CA", "root", "20200101000000Z",
                   "20200201000000Z", ext=CA_EXT)
    p.cat("trust.pem", "inter", "i2", "i3", "root")
    p.cat("client-chain.pem", "client", "inter")
    return p


# -- gateway --------------------------------------------------------------------------------

MAPPED = [("integration.request.header.X-Client-Subject",
           "context.identity.clientCert.subjectDN"),
          ("integration.request.header.X-Client-Issuer", "context.identity.clientCert.issuerDN"),
          ("integration.request.header.X-Client-Serial",
           "context.identity.clientCert.serialNumber"),
          ("integration.request.header.X-Client-Not-Before",
           "context.identity.clientCert.validity.notBefore"),
          ("integration.request.header.X-Client-Not-After",
           "context.identity.clientCert.validity.notAfter"),
          ("integration.request.header.X-Client-Pem",
           "context.identity.clientCert.clientCertPem")]
WHOAMI = ('{"subject": "$context.identity.clientCert.subjectDN", '
          '"issuer": "$context.identity.clientCert.issuerDN", '
          '"serial": "$context.identity.clientCert.serialNumber", '
          '"notAfter": "$context.identity.clientCert.validity.notAfter"}')
LOG_FORMAT = ('{"id":"$context.requestId","status":"$context.status",'
              '"pem":"$context.identity.clientCert.clientCertPem",'
              '"subject":"$context.identity.clientCert.subjectDN",'
              '"issuer":"$context.identity.clientCert.issuerDN",'
              '"serial":"$context.identity.clientCert.serialNumber",'
              '"notBefore":"$context.identity.clientCert.validity.notBefore",'
              '"notAfter":"$context.identity.clientCert.validity.notAfter"}')


def mtls_config(backend_port, workdir, trust=("trust.pem", "root.pem"), listener_policy="TLS_1_2"):
    u = "http://127.0.0.1:%d" % backend_port
    secure = {"id": "secure", "name": "secure", "type": "REST",
              "disable_execute_api_endpoint": True,
              "routes": [proxy_route(u + "/secure/{proxy}", request_parameters=MAPPED),
                         {"route": "GET /whoami", "integration": {
                             "type": "MOCK", "responses": [{"status": 200, "templates": [
                                 ("application/json", WHOAMI)]}]}}],
              "stages": [{"name": "prod", "access_log": {
                  "path": os.path.join(workdir, "access.log"), "format": LOG_FORMAT}}]}
    demo = {"id": "demo", "name": "demo", "type": "REST",
            "routes": [proxy_route(u + "/demo/{proxy}", request_parameters=MAPPED)],
            "stages": [{"name": "prod"}]}
    listeners = [{"address": "127.0.0.1:@PORT@", "default_api": "demo",
                  "tls": {"certificate": "server.pem", "key": "server.key",
                          "policy": listener_policy}},
                 {"address": "127.0.0.1:@PORT2@", "default_api": "demo"}]
    cfg = base_config(backend_port, apis=[secure, demo], listeners=listeners)
    cfg["domains"] = [
        {"name": MTLS, "certificate": "srv-mtls.pem", "key": "srv-mtls.key",
         "truststore": trust[0], "mappings": [{"api": "secure", "stage": "prod"}]},
        {"name": ROOTS, "certificate": "srv-roots.pem", "key": "srv-roots.key",
         "truststore": trust[1], "mappings": [{"api": "secure", "stage": "prod"}]},
        {"name": OPEN, "certificate": "srv-open.pem", "key": "srv-open.key",
         "mappings": [{"api": "demo", "stage": "prod"}]}]
    return cfg


def copy_pki(pki, workdir):
    for n in os.listdir(pki.d):
        if n.endswith((".pem", ".key")):
            shutil.copy(pki.path(n), os.path.join(workdir, n))


@pytest.fixture
def mtls_gateway(turnpike, backend, pki, workdir):
    def make(**kw):
        copy_pki(pki, workdir)
        return turnpike(mtls_config(backend.port, workdir, **kw))
    return make


# -- clients --------------------------------------------------------------------------------

def client_ctx(pki, cert=None, key=None, version=None, seclevel0=False, verify=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify is not None:
        ctx.load_verify_locations(pki.path(verify))
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if seclevel0:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = version
    if cert is not None:
        ctx.load_cert_chain(pki.path(cert), pki.path(key or cert[:-4] + ".key"))
    return ctx


class Refused(Exception):
    pass


def exchange(port, ctx, sni, host=None, path="/hello", session=None, keep=None):
    """One HTTPS request; returns (status, headers, body). Raises Refused when the
    handshake fails or the server ends the connection without a response (TLS 1.3:
    the client certificate is judged after the client's handshake returned)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        try:
            s = ctx.wrap_socket(raw, server_hostname=sni, session=session)
        except (ssl.SSLError, ConnectionError, OSError) as e:
            raise Refused(str(e))
        try:
            s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                       % (path, host or sni or "localhost")).encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ssl.SSLError, ConnectionError, OSError) as e:
            raise Refused(str(e))
        if keep is not None:
            keep.append(s)
        if not data:
            raise Refused("connection closed without a response")
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding") == "chunked":
            body = dechunk(body)
        return status, headers, body
    finally:
        raw.close()


def dechunk(b):
    out = b""
    while b:
        size, _, rest = b.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out += rest[:n]
        b = rest[n + 2:]
    return out


def served(result, api="secure"):
    status, headers, body = result
    assert status == 200, "expected 200 from the backend, got %d: %r" % (status, body[:300])
    doc = json.loads(body)
    assert doc["path"].startswith("/%s/" % api), doc["path"]
    return doc


def backend_headers(doc):
    return {k.lower(): v for k, v in doc["headers"]}


def refused(port, ctx, sni=MTLS, host=None, alert=None):
    """The connection fails. With TLS 1.2 the client's handshake itself fails and
    carries the server's alert; with TLS 1.3 the alert races the client's request
    (it may be lost to a reset), so <alert> is checked for TLS 1.2 only."""
    with pytest.raises(Refused) as ei:
        exchange(port, ctx, sni, host)
    msg = str(ei.value)
    if alert is not None and ctx.maximum_version == ssl.TLSVersion.TLSv1_2:
        assert alert in msg.upper().replace(" ", "_"), msg
    return msg


def wait_log(gw, text):
    assert wait_until(lambda: text in gw.log_text(), 10), \
        "error log lacks %r:\n%s" % (text, gw.log_tail())


VERSIONS = [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]
VERSION_IDS = ["tls12", "tls13"]


# -- the handshake --------------------------------------------------------------------------

@pytest.fixture
def one(mtls_gateway):
    """One gateway per test that reads its error log."""
    return mtls_gateway()


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_valid_client_certificate_is_served(one, pki, version):
    """The leaf alone: its issuing CA is in the truststore."""
    doc = served(exchange(one.port, client_ctx(pki, "client.pem", version=version,
                                               verify="srv-mtls.pem"), MTLS))
    assert backend_headers(doc)["x-client-subject"] == CLIENT_DN


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_no_client_certificate_is_refused(one, pki, version):
    refused(one.port, client_ctx(pki, version=version), alert="HANDSHAKE_FAILURE")
    wait_log(one, "TLS handshake with 127.0.0.1 failed")


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_client_certificate_of_another_ca_is_refused(one, pki, version):
    refused(one.port, client_ctx(pki, "stranger.pem", version=version), alert="UNKNOWN_CA")
    wait_log(one, "client certificate: unable to get local issuer certificate")


def test_self_signed_client_certificate_is_refused(one, pki):
    refused(one.port, client_ctx(pki, "selfie.pem"))
    wait_log(one, "client certificate: self-signed certificate")


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_expired_client_certificate_is_refused(one, pki, version):
    refused(one.port, client_ctx(pki, "expired.pem", version=version),
            alert="CERTIFICATE_EXPIRED")
    wait_log(one, "client certificate: certificate has expired")


def test_not_yet_valid_client_certificate_is_refused(one, pki):
    refused(one.port, client_ctx(pki, "future.pem"))
    wait_log(one, "client certificate: certificate is not yet valid")


def test_chain_of_four_accepted_chain_of_five_refused(one, pki):
    served(exchange(one.port, client_ctx(pki, "leaf3.pem"), MTLS))
    refused(one.port, client_ctx(pki, "leaf4.pem"))
    wait_log(one, "client certificate: certificate chain too long")


def test_weak_rsa_1024_client_certificate_is_refused(one, pki):
    refused(one.port, client_ctx(pki, "weak.pem", seclevel0=True))
    wait_log(one, "client certificate: EE certificate key too weak")


def test_sha1_signed_client_certificate_is_refused(one, pki):
    refused(one.port, client_ctx(pki, "sha1.pem", seclevel0=True))
    wait_log(one, "client certificate: CA signature digest algorithm too weak")


def test_client_sends_its_intermediate(one, pki):
    """roots.example.com trusts only the root: the leaf alone does not chain, the
    leaf with its intermediate does."""
    refused(one.port, client_ctx(pki, "client.pem"), sni=ROOTS)
    served(exchange(one.port, client_ctx(pki, "client-chain.pem", "client.key"), ROOTS))


def test_certificate_request_names_the_truststore_cas(one, pki):
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % one.port,
                        "-servername", MTLS, "-tls1_2"], input=b"",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    out = p.stdout.decode("utf-8", "replace")
    assert "Acceptable client certificate CA names" in out, out
    assert "CN = mTLS Root CA" in out and "CN = mTLS Issuing CA" in out, out


def test_curl_with_and_without_certificate(one, pki):
    base = ["curl", "-sS", "--max-time", "10", "--cacert", pki.path("srv-mtls.pem"),
            "--resolve", "%s:%d:127.0.0.1" % (MTLS, one.port),
            "https://%s:%d/hello" % (MTLS, one.port)]
    p = subprocess.run(base + ["--cert", pki.path("client.pem"), "--key", pki.path("client.key")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["path"] == "/secure/hello"
    assert backend_headers(doc)["x-client-serial"] == CLIENT_SERIAL_TEXT
    p = subprocess.run(base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode != 0 and p.stdout == b"", (p.returncode, p.stdout)


def test_tls_1_0_refused_even_on_a_tls_1_0_listener(mtls_gateway, pki):
    """The listener allows TLS 1.0; the mutual TLS domain does not (TLS 1.2 at least,
    as AWS requires); other names keep the listener's policy."""
    gw = mtls_gateway(listener_policy="TLS_1_0")
    old = client_ctx(pki, "client.pem", version=ssl.TLSVersion.TLSv1, seclevel0=True)
    probe = client_ctx(pki, version=ssl.TLSVersion.TLSv1, seclevel0=True)
    try:
        exchange(gw.port, probe, "localhost")
    except Refused:
        pytest.skip("this machine's OpenSSL cannot speak TLS 1.0")
    msg = refused(gw.port, old)
    assert "VERSION" in msg.upper(), msg
    served(exchange(gw.port, client_ctx(pki, "client.pem", version=ssl.TLSVersion.TLSv1_2),
                    MTLS))


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_resumption_stays_on_its_domain(one, pki, version):
    """A session resumes on the mutual TLS domain that made it, with the client
    certificate still known; a session made without a certificate (no SNI) does not
    let a client onto the domain."""
    ctx = client_ctx(pki, "client.pem", version=version)
    keep = []
    served(exchange(one.port, ctx, MTLS, keep=keep))
    sess = keep[0].session
    keep = []
    doc = served(exchange(one.port, ctx, MTLS, session=sess, keep=keep))
    assert keep[0].session_reused, "the session was not resumed"
    assert backend_headers(doc)["x-client-subject"] == CLIENT_DN
    bare = client_ctx(pki, version=version)
    keep = []
    exchange(one.port, bare, None, host="localhost", keep=keep)
    with pytest.raises(Refused):
        exchange(one.port, bare, MTLS, session=keep[0].session)


# -- requests -------------------------------------------------------------------------------

def assert_forbidden(result):
    status, headers, body = result
    assert status == 403, (status, body)
    assert json.loads(body) == {"message": "Forbidden"}
    assert headers.get("x-amzn-errortype") == "ForbiddenException"
    assert headers.get("x-amzn-requestid")


def test_host_of_mtls_domain_over_another_sni_is_forbidden(gw_one_backend):
    gw, pki, backend = gw_one_backend
    backend.clear()
    assert_forbidden(exchange(gw.port, client_ctx(pki), OPEN, host=MTLS))
    assert_forbidden(exchange(gw.port, client_ctx(pki), None, host=MTLS))
    # verified for roots.example.com, not for mtls.example.com
    assert_forbidden(exchange(gw.port, client_ctx(pki, "client-chain.pem", "client.key"),
                              ROOTS, host=MTLS))
    assert backend.requests == [], "a forbidden request reached the backend"


def test_host_of_mtls_domain_on_plain_listener_is_forbidden(gw_one_backend):
    import requests
    gw, _pki, backend = gw_one_backend
    r = requests.get("http://127.0.0.1:%d/hello" % gw.ports["@PORT2@"],
                     headers={"Host": MTLS}, timeout=10)
    assert r.status_code == 403 and r.json() == {"message": "Forbidden"}
    r = requests.get("http://127.0.0.1:%d/hello" % gw.ports["@PORT2@"],
                     headers={"Host": MTLS.upper() + ":443"}, timeout=10)
    assert r.status_code == 403
    # the API is not reachable by its execute-api name either
    r = requests.get("http://127.0.0.1:%d/prod/hello" % gw.ports["@PORT2@"],
                     headers={"Host": "secure.execute-api.local"}, timeout=10)
    assert r.status_code == 200 and r.json()["path"] == "/demo/hello", r.text


def test_other_hosts_unaffected(gw_one_backend):
    gw, pki, _b = gw_one_backend
    served(exchange(gw.port, client_ctx(pki), OPEN), api="demo")
    served(exchange(gw.port, client_ctx(pki), "localhost", path="/prod/x"), api="demo")


@pytest.fixture(scope="module")
def gw_one_backend(module_turnpike, module_backend_factory, pki, tmp_path_factory):
    b = module_backend_factory()
    d = str(tmp_path_factory.mktemp("mtls-gw"))
    copy_pki(pki, d)
    cfg = mtls_config(b.port, d)
    for dom in cfg["domains"]:          # absolute paths: the module gateway has its own dir
        for k in ("certificate", "key", "truststore"):
            if k in dom:
                dom[k] = os.path.join(d, dom[k])
    for k in ("certificate", "key"):
        cfg["listeners"][0]["tls"][k] = os.path.join(d, cfg["listeners"][0]["tls"][k])
    g = module_turnpike(cfg)
    g.access_log = os.path.join(d, "access.log")
    return g, pki, b


# -- $context.identity.clientCert.* ---------------------------------------------------------

def openssl_field(pki, stem, what):
    out = openssl(pki.d, "x509", "-in", stem + ".pem", "-noout", "-" + what).strip()
    return out.split("=", 1)[1]


def test_client_cert_variables_in_mapping_and_access_log(gw_one_backend):
    gw, pki, _b = gw_one_backend
    status, headers, body = exchange(gw.port, client_ctx(pki, "client.pem"), MTLS,
                                     path="/vars")
    doc = served((status, headers, body))
    h = backend_headers(doc)
    not_before = openssl_field(pki, "client", "startdate")
    not_after = openssl_field(pki, "client", "enddate")
    assert OPENSSL_TIME.match(not_before) and OPENSSL_TIME.match(not_after)
    assert h["x-client-subject"] == CLIENT_DN
    assert h["x-client-issuer"] == INTER_DN
    assert h["x-client-serial"] == CLIENT_SERIAL_TEXT
    assert h["x-client-not-before"] == not_before
    assert h["x-client-not-after"] == not_after
    # a header line cannot hold the PEM's line breaks: they arrive as spaces
    assert h["x-client-pem"].strip() == " ".join(pki.read("client.pem").split("\n")).strip()
    assert h["x-client-pem"].startswith("-----BEGIN CERTIFICATE----- MII"), h["x-client-pem"]

    rid = headers["x-amzn-requestid"]

    def line():
        try:
            with open(gw.access_log, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return None
        for ln in data.split(b"\n"):
            if rid.encode() in ln:
                return ln
        return None
    raw = wait_until(line, 10)
    assert raw, "no access log line for %s" % rid
    rec = json.loads(raw)            # a PEM's newlines are escaped: one JSON line
    assert rec["status"] == "200"
    assert rec["subject"] == CLIENT_DN and rec["issuer"] == INTER_DN
    assert rec["serial"] == CLIENT_SERIAL_TEXT
    assert rec["notBefore"] == not_before and rec["notAfter"] == not_after
    assert rec["pem"].strip() == pki.read("client.pem").strip()
    assert b"\\u000a" in raw or b"\\n" in raw


def test_client_cert_variables_in_a_template(gw_one_backend):
    gw, pki, _b = gw_one_backend
    status, _h, body = exchange(gw.port, client_ctx(pki, "client.pem"), MTLS, path="/whoami")
    assert status == 200, body
    assert json.loads(body) == {"subject": CLIENT_DN, "issuer": INTER_DN,
                                "serial": CLIENT_SERIAL_TEXT,
                                "notAfter": openssl_field(pki, "client", "enddate")}


def test_client_cert_variables_unset_without_mtls(gw_one_backend):
    """Without a verified client certificate the variables are unset: the mappings
    add no header."""
    gw, pki, _b = gw_one_backend
    doc = served(exchange(gw.port, client_ctx(pki, "client.pem"), OPEN), api="demo")
    assert not any(k.startswith("x-client-") for k in backend_headers(doc)), doc["headers"]
    # the same API through roots.example.com: the certificate verified there
    doc = served(exchange(gw.port, client_ctx(pki, "client-chain.pem", "client.key"), ROOTS))
    assert backend_headers(doc)["x-client-serial"] == CLIENT_SERIAL_TEXT


# -- reload ---------------------------------------------------------------------------------

def accepted(port, ctx, sni=MTLS):
    try:
        return exchange(port, ctx, sni)[0] == 200
    except Refused:
        return False


def test_reload_with_changed_truststore(mtls_gateway, pki, workdir):
    """HUP with trust.pem replaced by another CA: new connections are judged by the
    new truststore (the old generation may take a connection or two before it
    leaves)."""
    import signal
    gw = mtls_gateway()
    mine, stranger = client_ctx(pki, "client.pem"), client_ctx(pki, "stranger.pem")
    assert accepted(gw.port, mine) and not accepted(gw.port, stranger)
    shutil.copy(pki.path("other.pem"), os.path.join(workdir, "trust.pem"))
    gw.reload()
    assert wait_until(lambda: accepted(gw.port, stranger), 10), gw.log_tail()
    assert wait_until(lambda: not accepted(gw.port, mine), 10), gw.log_tail()
    # a truststore that stops loading: the reload is refused, the gateway keeps
    # serving with the last good one
    with open(os.path.join(workdir, "trust.pem"), "w") as f:
        f.write("")
    gw.signal(signal.SIGHUP)
    wait_log(gw, "the file is empty")
    assert accepted(gw.port, stranger) and not accepted(gw.port, mine)


# -- configuration --------------------------------------------------------------------------

def line_of(text, needle, start=0):
    for n, line in enumerate(text.splitlines()[start:], start + 1):
        if needle in line:
            return n
    raise AssertionError("%r not in config" % needle)


def check(turnpike, backend, pki, workdir, edit, files=None):
    """`turnpike -t` on the mTLS config after <edit>(cfg, mtls_domain); returns
    (rc, output, path:line of the mtls domain's truststore setting)."""
    copy_pki(pki, workdir)
    for name, text in (files or {}).items():
        with open(os.path.join(workdir, name), "w") as f:
            f.write(text)
    cfg = mtls_config(backend.port, workdir)
    edit(cfg, cfg["domains"][0])
    gw = turnpike(cfg, start=False)
    text = gw.write_config(cfg)
    rc, out = run_turnpike("-t", "-c", gw.conf_path)
    where = "%s:%d:" % (gw.conf_path, line_of(text, "truststore"))
    return rc, out, where


def set_trust(name):
    def edit(cfg, dom):
        dom["truststore"] = name
    return edit


@pytest.mark.parametrize("name,files,words", [
    ("missing.pem", None, ["missing.pem", "cannot read it", "No such file"]),
    ("empty.pem", {"empty.pem": ""}, ["empty.pem", "the file is empty"]),
    ("text.pem", {"text.pem": "just some text\n"}, ["text.pem", "not PEM"]),
    ("withkey.pem", "KEY", ["withkey.pem", "PEM block 2", "PRIVATE KEY", "not a CERTIFICATE"]),
    ("broken.pem", {"broken.pem": "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                  "-----END CERTIFICATE-----\n"},
     ["broken.pem", "PEM block 1", "not a valid X.509 certificate"]),
    ("unfinished.pem", "CUT", ["unfinished.pem", "PEM block 2 is broken"]),
], ids=["missing", "empty", "not-pem", "private-key", "bad-der", "cut"])
def test_truststore_errors_name_file_and_line(turnpike, backend, pki, workdir, name, files,
                                              words):
    if files == "KEY":
        files = {name: pki.read("root.pem") + pki.read("root.key")}
    elif files == "CUT":
        pem = pki.read("inter.pem")
        files = {name: pki.read("root.pem") + pem[:len(pem) // 2]}
    rc, out, where = check(turnpike, backend, pki, workdir, set_trust(name), files)
    assert rc == 1, out
    assert where in out, "expected %s in:\n%s" % (where, out)
    for w in words:
        assert w in out, "expected %r in:\n%s" % (w, out)
    assert MTLS in out


def test_truststore_needs_the_domains_certificate(turnpike, backend, pki, workdir):
    def edit(cfg, dom):
        del dom["certificate"], dom["key"]
    rc, out, where = check(turnpike, backend, pki, workdir, edit)
    assert rc == 1 and where in out and "needs the domain's own 'certificate'" in out, out


def test_truststore_needs_policy_tls_1_2(turnpike, backend, pki, workdir):
    def edit(cfg, dom):
        dom["policy"] = "TLS_1_0"
    rc, out, where = check(turnpike, backend, pki, workdir, edit)
    assert rc == 1 and where in out and 'needs policy "TLS_1_2"' in out, out


def test_truststore_warnings(turnpike, backend, pki, workdir):
    """What AWS lists as truststoreWarnings (and what cannot work) is a warning at the
    truststore's line; the config still loads."""
    pki.cat("warn.pem", "weakroot", "sha1root", "expiredca", "client", "i2", "root")
    shutil.copy(pki.path("warn.pem"), os.path.join(workdir, "warn.pem"))
    rc, out, where = check(turnpike, backend, pki, workdir, set_trust("warn.pem"))
    assert rc == 0, out
    warns = [ln for ln in out.splitlines() if where in ln]
    text = "\n".join(warns)
    for needle in ("certificate 1 (CN=Weak RSA Root): weak RSA key of 1024 bits",
                   "certificate 2 (CN=SHA1 Root): weak signature hash SHA1",
                   "certificate 3 (CN=Expired CA): expired (not after Feb  1 00:00:00 "
                   "2020 GMT)",
                   "certificate 4 (%s): not a CA certificate" % CLIENT_DN,
                   "certificate 5 (O=Turnpike Test,CN=mTLS Level 2 CA): its issuer "
                   "(%s) is not in the truststore" % INTER_DN):
        assert needle in text, "expected %r among the warnings at %s:\n%s" % (
            needle, where, out)
    assert "certificate 6" not in text, "the root drew a warning:\n" + text
    clean = check(turnpike, backend, pki, workdir, lambda c, d: None)
    assert clean[0] == 0 and clean[2] not in clean[1], clean[1]


def test_warning_when_the_api_keeps_its_execute_api_name(turnpike, backend, pki, workdir):
    def edit(cfg, dom):
        cfg["apis"][0]["disable_execute_api_endpoint"] = False
    rc, out, where = check(turnpike, backend, pki, workdir, edit)
    assert rc == 0, out
    assert where in out and 'api "secure" also answers on its execute-api host name' in out, out

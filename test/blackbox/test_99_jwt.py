"""JWT authorizers (HTTP APIs) and Cognito user-pool authorizers (REST APIs), end to end.

Tokens are made by PyJWT (python3-jwt) with python3-cryptography keys, the key sets
written as a JWKS file or served over HTTPS by a Python server of this module (its
certificate signed by the ``certs`` CA, its host name mapped with server.resolve).
Checked: every algorithm turnpike takes (RS256/384/512, PS256, ES256/384, HS256 with a
secret) and a refusal for each check (no token, malformed, alg none, algs not allowed,
unknown kid, bad signature, exp, nbf, iat, iss, aud, client_id, scopes, Cognito ID vs
access tokens) with AWS's exact 401 answers; claims in access logs, parameter mappings
and templates; the token cache (expiry, route scopes on a hit); JWKS over HTTPS (first
fetch, refresh on an unknown kid and its 30-second limit, OIDC discovery, failures);
OpenAPI-imported authorizers; config errors with FILE:LINE.
"""

import json
import os
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from conftest import base_config, proxy_route, run_turnpike
from helpers import wait_until

ISS = "https://issuer.example.com/pool1"
AUD = ["client-a", "client-b"]
HS_SECRET = "turnpike-blackbox-hs256-secret-0123456789"
POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Test"
POOL_ISS = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test"
CAT_SCOPE = "https://api.example.com/cats.read"
IDP_HOST = "idp.example.test"
UNAUTHORIZED = {"message": "Unauthorized"}

RSA1 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA3 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC256 = ec.generate_private_key(ec.SECP256R1())
EC384 = ec.generate_private_key(ec.SECP384R1())

DROP = object()


def jwk(key, kid):
    pub = key.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        d = json.loads(RSAAlgorithm.to_jwk(pub))
    else:
        d = json.loads(ECAlgorithm.to_jwk(pub))
    d["kid"] = kid
    return d


def jwks(*pairs):
    return {"keys": [jwk(k, kid) for k, kid in pairs]}


FILE_JWKS = jwks((RSA1, "rsa1"), (EC256, "ec256"), (EC384, "ec384"))


def claims(**over):
    now = int(time.time())
    c = {"iss": ISS, "aud": "client-a", "sub": "user-1", "exp": now + 3600,
         "iat": now - 60, "nbf": now - 60, "scope": "read write"}
    for k, v in over.items():
        if v is DROP:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def tok(key=RSA1, alg="RS256", kid="rsa1", **over):
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims(**over), key, algorithm=alg, headers=headers)


def cognito(use, key=RSA1, kid="rsa1", **over):
    base = {"iss": POOL_ISS, "token_use": use, "aud": DROP,
            "client_id": "app-client"}
    if use == "id":
        base.update(aud="app-client", client_id=DROP, email="a@example.com")
        base["custom:role"] = "admin"
    else:
        base["scope"] = CAT_SCOPE + " openid"
    base.update(over)
    return tok(key, kid=kid, **base)


def b64part(s):
    import base64
    return base64.urlsafe_b64encode(s).rstrip(b"=").decode()


def bearer(t):
    return {"Authorization": "Bearer " + t}


def www(r):
    return r.headers.get("www-authenticate")


def assert_denied(r, description=None, backend=None, before=None):
    """An HTTP API JWT refusal: 401, AWS's body and www-authenticate."""
    assert r.status_code == 401, "want 401, got %d: %r" % (r.status_code, r.text[:200])
    assert r.json() == UNAUTHORIZED, r.text
    assert r.headers["Content-Type"] == "application/json"
    want = "Bearer" if description is None else \
        'Bearer scope="" error="invalid_token" error_description="%s"' % description
    assert www(r) == want, "www-authenticate %r, want %r" % (www(r), want)
    assert "x-amzn-ErrorType" not in r.headers
    if backend is not None:
        assert len(backend.requests) == before, "a refused request reached the backend"


def assert_rest_denied(r):
    """A REST (Cognito) refusal: the UNAUTHORIZED gateway response."""
    assert r.status_code == 401, "want 401, got %d: %r" % (r.status_code, r.text[:200])
    assert r.json() == UNAUTHORIZED, r.text
    assert r.headers.get("x-amzn-ErrorType") == "UnauthorizedException"
    assert www(r) is None


def echo_headers(r):
    assert r.status_code == 200, "want 200, got %d: %r" % (r.status_code, r.text[:300])
    return {k.lower(): v for k, v in r.json()["headers"]}


# -- the gateway of most tests --------------------------------------------------------

def http_api(u, log):
    routes = [
        proxy_route(u + "/open", route="GET /open"),
        dict(proxy_route(u + "/jwt", route="GET /jwt"), authorizer="j"),
        dict(proxy_route(u + "/scoped", route="GET /scoped"), authorization="JWT",
             authorizer="j", authorization_scopes=["admin", "read"]),
        dict(proxy_route(u + "/hs", route="GET /hs"), authorizer="hs"),
        dict(proxy_route(u + "/mapped", route="GET /mapped", request_parameters=[
            ("append:header.x-sub", "$context.authorizer.claims.sub"),
            ("append:header.x-email", "$context.authorizer.claims.email")]),
             authorizer="j"),
    ]
    fmt = ("$context.requestId sub=$context.authorizer.claims.sub "
           "aud=$context.authorizer.claims.aud err=$context.authorizer.error "
           "status=$context.status")
    return {"id": "h", "name": "h", "type": "HTTP", "routes": routes,
            "stages": [{"name": "prod", "access_log": {"path": log, "format": fmt}}]}


def rest_api(u):
    tmpl = ('{"sub": "$context.authorizer.claims.sub", '
            '"role": "$context.authorizer.claims[\'custom:role\']", '
            '"email": "$context.authorizer.claims.email"}')
    routes = [
        dict(proxy_route(u + "/id", route="GET /id"), authorizer="pool"),
        dict(proxy_route(u + "/access", route="GET /access"),
             authorization="COGNITO_USER_POOLS", authorizer="pool",
             authorization_scopes=[CAT_SCOPE]),
        {"route": "POST /tmpl", "authorizer": "pool", "integration": {
            "type": "HTTP", "uri": u + "/tmpl", "http_method": "POST",
            "request_parameters": [
                ("integration.request.header.X-Sub", "context.authorizer.claims.sub")],
            "request_templates": [("application/json", tmpl)],
            "responses": [{"status": 200}]}},
    ]
    return {"id": "r", "name": "r", "type": "REST", "routes": routes,
            "stages": [{"name": "prod"}]}


def authorizers(jwks_path):
    return [
        {"name": "j", "type": "JWT", "issuer": ISS, "audience": AUD, "jwks": jwks_path,
         "algorithms": ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]},
        {"name": "hs", "type": "JWT", "issuer": ISS, "audience": AUD,
         "algorithms": ["HS256"], "hs256_secret": HS_SECRET},
        {"name": "pool", "type": "COGNITO_USER_POOLS", "provider_arns": [POOL_ARN],
         "jwks": jwks_path},
    ]


@pytest.fixture(scope="module")
def gw(module_turnpike, module_backend_factory, tmp_path_factory):
    b = module_backend_factory()
    u = "http://127.0.0.1:%d" % b.port
    d = str(tmp_path_factory.mktemp("jwt"))
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump(FILE_JWKS, f)
    log = os.path.join(d, "access.log")
    cfg = base_config(b.port, workers=1, apis=[http_api(u, log), rest_api(u)],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "h"},
                                 {"address": "127.0.0.1:@PORT2@", "default_api": "r"}])
    cfg["authorizers"] = authorizers(os.path.join(d, "jwks.json"))
    g = module_turnpike(cfg)
    g.backend = b
    g.access_log = log
    g.rest = "http://127.0.0.1:%d" % g.ports["@PORT2@"]
    return g


def get(gw, path, token=None, headers=None, raw=False):
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = token if raw else "Bearer " + token
    return requests.get(gw.url + "/prod" + path, headers=h, timeout=10)


# -- algorithms ---------------------------------------------------------------------

@pytest.mark.parametrize("alg,key,kid", [
    ("RS256", RSA1, "rsa1"), ("RS384", RSA1, "rsa1"), ("RS512", RSA1, "rsa1"),
    ("PS256", RSA1, "rsa1"), ("ES256", EC256, "ec256"), ("ES384", EC384, "ec384"),
])
def test_each_algorithm_verifies(gw, alg, key, kid):
    r = get(gw, "/jwt", tok(key, alg, kid))
    assert r.status_code == 200, "%s: %d %r" % (alg, r.status_code, r.text[:200])
    assert r.json()["path"] == "/jwt"


def test_token_alone_or_after_bearer(gw):
    t = tok()
    assert get(gw, "/jwt", t, raw=True).status_code == 200
    assert get(gw, "/jwt", "bearer  " + t, raw=True).status_code == 200
    assert get(gw, "/jwt", "Bearer " + t, raw=True).status_code == 200


def test_hs256_with_the_configured_secret(gw):
    t = jwt.encode(claims(), HS_SECRET, algorithm="HS256")
    assert get(gw, "/hs", t).status_code == 200
    other = jwt.encode(claims(), HS_SECRET + "x", algorithm="HS256")
    assert_denied(get(gw, "/hs", other), "the token has an invalid signature")
    # the JWT authorizer "j" has no secret: HS256 is not allowed there
    assert_denied(get(gw, "/jwt", t), "the token's signing algorithm is not allowed")
    # an RS256 token on the HS256-only authorizer
    assert_denied(get(gw, "/hs", tok()), "the token's signing algorithm is not allowed")


# -- a refusal for every check ------------------------------------------------------------

def test_no_token(gw):
    before = len(gw.backend.requests)
    assert_denied(get(gw, "/jwt"), None, gw.backend, before)
    assert_denied(get(gw, "/jwt", "", raw=True), None, gw.backend, before)
    assert_denied(get(gw, "/jwt", "Bearer ", raw=True), None, gw.backend, before)
    assert get(gw, "/open").status_code == 200


@pytest.mark.parametrize("value", [
    "abc", "a.b", "a.b.c.d", "Bearer x.y.z", "..", "%s.%s." % (b64part(b"{}"), b64part(b"{}")),
])
def test_malformed(gw, value):
    before = len(gw.backend.requests)
    assert_denied(get(gw, "/jwt", value, raw=True), "the token is malformed",
                  gw.backend, before)


def test_alg_none(gw):
    t = "%s.%s." % (b64part(json.dumps({"alg": "none", "kid": "rsa1"}).encode()),
                    b64part(json.dumps(claims()).encode()))
    assert_denied(get(gw, "/jwt", t), "the token's signing algorithm is not allowed")


def test_algorithm_not_configured(gw):
    # PS384 is a good signature by a known key, but not in the authorizer's algorithms
    assert_denied(get(gw, "/jwt", tok(RSA1, "PS384")),
                  "the token's signing algorithm is not allowed")


def test_alg_that_does_not_fit_the_key(gw):
    # an ES256 token naming the RSA key's kid
    assert_denied(get(gw, "/jwt", tok(EC256, "ES256", "rsa1")),
                  "the token's signing algorithm is not allowed")


def test_unknown_kid_with_a_file(gw):
    assert_denied(get(gw, "/jwt", tok(RSA2, kid="rsa2")),
                  "the token's kid does not match a known key")
    assert_denied(get(gw, "/jwt", tok(RSA1, kid=None)),
                  "the token's kid does not match a known key")


def test_bad_signature(gw):
    t = tok()
    h, p, s = t.split(".")
    tampered = b64part(json.dumps(claims(sub="admin")).encode())
    assert_denied(get(gw, "/jwt", "%s.%s.%s" % (h, tampered, s)),
                  "the token has an invalid signature")
    wrong_key = tok(RSA2, kid="rsa1")
    assert_denied(get(gw, "/jwt", wrong_key), "the token has an invalid signature")


@pytest.mark.parametrize("over,description", [
    ({"exp": int(time.time()) - 10}, "the token has expired"),
    ({"exp": DROP}, "the token does not have an expiry"),
    ({"exp": "soon"}, "the token has a malformed time claim"),
    ({"nbf": int(time.time()) + 600}, "the token is not valid yet"),
    ({"iat": int(time.time()) + 600}, "the token was issued in the future"),
    ({"iss": "https://other.example.com/pool1"}, "the token does not have a valid issuer"),
    ({"iss": DROP}, "the token does not have a valid issuer"),
    ({"aud": "client-z"}, "the token does not have a valid audience"),
    ({"aud": ["x", "y"]}, "the token does not have a valid audience"),
    ({"aud": DROP}, "the token does not have a valid audience"),
    ({"aud": DROP, "client_id": "client-z"}, "the token does not have a valid audience"),
    # aud wins over client_id when both are there
    ({"aud": "client-z", "client_id": "client-a"},
     "the token does not have a valid audience"),
])
def test_claim_checks(gw, over, description):
    before = len(gw.backend.requests)
    assert_denied(get(gw, "/jwt", tok(**over)), description, gw.backend, before)


@pytest.mark.parametrize("over", [
    {"aud": ["x", "client-b"]},
    {"aud": DROP, "client_id": "client-b"},
    {"nbf": DROP, "iat": DROP},
])
def test_claim_checks_pass(gw, over):
    assert get(gw, "/jwt", tok(**over)).status_code == 200


def test_scopes(gw):
    assert_denied(get(gw, "/scoped", tok(scope="write")),
                  "the token does not have a valid scope")
    assert_denied(get(gw, "/scoped", tok(scope=DROP)),
                  "the token does not have a valid scope")
    assert get(gw, "/scoped", tok(scope="write read")).status_code == 200
    assert get(gw, "/scoped", tok(scope=DROP, scp=["admin"])).status_code == 200
    assert get(gw, "/scoped", tok(scope=DROP, scp="x admin")).status_code == 200


def test_scopes_checked_again_on_a_cached_token(gw):
    t = tok(scope="write", sub="cached-scopes")
    assert get(gw, "/jwt", t).status_code == 200          # verified and cached
    assert_denied(get(gw, "/scoped", t), "the token does not have a valid scope")
    assert get(gw, "/jwt", t).status_code == 200
    t2 = tok(scope="read", sub="cached-scopes-2")
    assert get(gw, "/scoped", t2).status_code == 200
    assert get(gw, "/jwt", t2).status_code == 200


def test_cached_token_expires(gw):
    t = tok(exp=int(time.time()) + 2, sub="short-lived")
    assert get(gw, "/jwt", t).status_code == 200
    assert get(gw, "/jwt", t).status_code == 200          # from the cache
    time.sleep(3.1)
    assert_denied(get(gw, "/jwt", t), "the token has expired")


# -- Cognito user pools (REST) ------------------------------------------------------------

def rest_get(gw, path, token=None):
    h = {"Authorization": token} if token is not None else {}
    return requests.get(gw.rest + "/prod" + path, headers=h, timeout=10)


def test_cognito_id_token_on_a_method_without_scopes(gw):
    assert rest_get(gw, "/id", cognito("id")).status_code == 200
    assert rest_get(gw, "/id", "Bearer " + cognito("id")).status_code == 200
    assert_rest_denied(rest_get(gw, "/id", cognito("access")))
    assert_rest_denied(rest_get(gw, "/id", cognito("id", token_use=DROP)))
    assert_rest_denied(rest_get(gw, "/id"))
    assert_rest_denied(rest_get(gw, "/id", "garbage"))


def test_cognito_access_token_on_a_method_with_scopes(gw):
    assert rest_get(gw, "/access", cognito("access")).status_code == 200
    assert_rest_denied(rest_get(gw, "/access", cognito("access", scope="openid")))
    assert_rest_denied(rest_get(gw, "/access", cognito("id")))
    assert_rest_denied(rest_get(gw, "/access", cognito("access", iss=ISS)))
    assert_rest_denied(rest_get(gw, "/access", cognito("access",
                                                       exp=int(time.time()) - 5)))


def test_cognito_claims_in_templates_and_parameters(gw):
    r = requests.post(gw.rest + "/prod/tmpl", data="{}",
                      headers={"Authorization": cognito("id", sub="pool-user"),
                               "Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert json.loads(doc["body"]) == {"sub": "pool-user", "role": "admin",
                                       "email": "a@example.com"}
    assert dict((k.lower(), v) for k, v in doc["headers"])["x-sub"] == "pool-user"


# -- claims for the integration and the access log -------------------------------------

def test_claims_in_parameter_mappings(gw):
    h = echo_headers(get(gw, "/mapped", tok(sub="mapped-user", email="m@example.com")))
    assert h["x-sub"] == "mapped-user" and h["x-email"] == "m@example.com"
    h = echo_headers(get(gw, "/mapped", tok(sub="mapped-user")))
    assert h["x-sub"] == "mapped-user" and "x-email" not in h


def test_claims_and_errors_in_the_access_log(gw):
    r1 = get(gw, "/jwt", tok(sub="logged-user", aud=["client-b", "q"]))
    r2 = get(gw, "/jwt", tok(exp=int(time.time()) - 100, sub="expired-user"))
    assert r1.status_code == 200 and r2.status_code == 401
    ids = (r1.headers["x-amzn-RequestId"], r2.headers["x-amzn-RequestId"])

    def lines():
        with open(gw.access_log) as f:
            got = {l.split(" ", 1)[0]: l.strip() for l in f}
        return got if all(i in got for i in ids) else None
    got = wait_until(lines, 10)
    assert got, "no access log lines for %r" % (ids,)
    assert got[ids[0]] == '%s sub=logged-user aud=["client-b","q"] err=- status=200' % ids[0]
    assert got[ids[1]] == "%s sub=- aud=- err=the token has expired status=401" % ids[1]


# -- config errors ------------------------------------------------------------------------

def write_conf(workdir, text):
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def conf_text(authorizers_text, route='authorizer = "a";', api_type="HTTP"):
    return """server = { workers = 1; };
listeners = ( { address = "127.0.0.1:8080"; default_api = "x"; } );
authorizers = (
%s
);
apis = ( { id = "x"; type = "%s"; stages = ( { name = "p"; } );
  routes = ( { route = "GET /a"; %s
    integration = { type = "HTTP_PROXY"; uri = "http://127.0.0.1:9/a"; }; } ); } );
""" % (authorizers_text, api_type, route)


def line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1


def check_error(workdir, text, needle, *words):
    path = write_conf(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, "accepted:\n" + text + out
    want = "%s:%d:" % (path, line_of(text, needle))
    assert want in out, "want %r in %r" % (want, out)
    for w in words:
        assert w in out, "want %r in %r" % (w, out)
    return out


GOOD = '  { name = "a"; type = "JWT"; issuer = "https://i.example"; audience = ( "x" ); '


def test_config_errors(workdir):
    with open(os.path.join(workdir, "jwks.json"), "w") as f:
        json.dump(FILE_JWKS, f)
    with open(os.path.join(workdir, "empty.json"), "w") as f:
        json.dump({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "s"},
                            {"kty": "RSA", "kid": "short", "n": "AQAB", "e": "AQAB"}]}, f)
    with open(os.path.join(workdir, "bad.json"), "w") as f:
        f.write("{ not json")
    # the JWKS file: missing, no usable key, not JSON
    check_error(workdir, conf_text(GOOD + '\n    jwks = "nope.json"; }'), "jwks =",
                "nope.json", "cannot read")
    check_error(workdir, conf_text(GOOD + '\n    jwks = "empty.json"; }'), "jwks =",
                "no usable key", "kid \"s\"")
    check_error(workdir, conf_text(GOOD + '\n    jwks = "bad.json"; }'), "jwks =",
                "bad.json")
    check_error(workdir, conf_text(GOOD + '\n    jwks = "http://i.example/k"; }'),
                "jwks =", "https://")
    # settings
    check_error(workdir, conf_text('  { name = "a"; type = "JWT"; issuer = "https://i"; '
                                   'jwks = "jwks.json"; }'), 'name = "a"',
                "needs at least one audience")
    check_error(workdir, conf_text(GOOD + 'jwks = "jwks.json"; algorithms = ( "RS257" ); }'),
                'name = "a"', "unknown algorithm \"RS257\"")
    check_error(workdir, conf_text(GOOD + 'algorithms = ( "HS256" ); }'),
                'name = "a"', "HS256 needs hs256_secret")
    out = check_error(workdir, conf_text(GOOD + 'algorithms = ( "HS256" ); '
                                         'hs256_secret = "short-secret"; }'),
                      'name = "a"', "hs256_secret is 12 bytes")
    assert "short-secret" not in out, "the secret was printed"
    check_error(workdir, conf_text('  { name = "a"; type = "JWT"; issuer = "i.example"; '
                                   'audience = ( "x" ); }'), 'name = "a"', "needs jwks")
    check_error(workdir, conf_text('  { name = "a"; type = "COGNITO_USER_POOLS"; '
                                   'provider_arns = ( "arn:aws:s3:::b" ); }'), 'name = "a"',
                "not a user pool ARN")
    check_error(workdir, conf_text('  { name = "a"; type = "SAML"; }'), 'name = "a"',
                "JWT, COGNITO_USER_POOLS, REQUEST or TOKEN")
    check_error(workdir, conf_text(GOOD + 'identity_source = "$request.querystring.t"; '
                                   'jwks = "jwks.json"; }'), 'name = "a"', "identity_source")
    check_error(workdir, conf_text(GOOD + 'jwks = "jwks.json"; },\n' +
                                   GOOD.replace("i.example", "j.example") +
                                   'jwks = "jwks.json"; }'), "j.example", "defined twice")
    # routes against authorizers
    pool = ('  { name = "a"; type = "COGNITO_USER_POOLS"; provider_arns = '
            '( "%s" ); jwks = "jwks.json"; }' % POOL_ARN)
    check_error(workdir, conf_text(pool, 'authorization = "JWT"; authorizer = "a";'),
                'route = "GET /a"', "authorization JWT needs a JWT authorizer",
                "COGNITO_USER_POOLS")
    check_error(workdir, conf_text(GOOD + 'jwks = "jwks.json"; }',
                                   'authorization = "COGNITO_USER_POOLS"; authorizer = "a";',
                                   api_type="REST"),
                'route = "GET /a"', "needs a COGNITO_USER_POOLS authorizer")
    check_error(workdir, conf_text(GOOD + 'jwks = "jwks.json"; }',
                                   'authorization = "JWT";'),
                'route = "GET /a"', "authorization JWT needs an 'authorizer'")
    check_error(workdir, conf_text(GOOD + 'jwks = "jwks.json"; }', 'authorizer = "b";'),
                'route = "GET /a"', "authorizer \"b\"", "does not define")
    # and a good one
    rc, out = run_turnpike("-c", write_conf(workdir, conf_text(GOOD + 'jwks = "jwks.json"; }')),
                           "-t")
    assert rc == 0, out
    assert "not supported yet" not in out and "not enforced" not in out, out


def test_reload_reads_the_jwks_file_again(turnpike, backend, workdir):
    u = "http://127.0.0.1:%d" % backend.port
    path = os.path.join(workdir, "keys.json")
    with open(path, "w") as f:
        json.dump(jwks((RSA1, "rsa1")), f)
    cfg = base_config(backend.port, workers=1, apis=[{
        "id": "demo", "name": "demo", "type": "HTTP", "stages": [{"name": "prod"}],
        "routes": [dict(proxy_route(u + "/{proxy}"), authorizer="j")]}])
    cfg["authorizers"] = [{"name": "j", "type": "JWT", "issuer": ISS, "audience": AUD,
                           "jwks": "keys.json"}]
    g = turnpike(cfg)
    t1, t2 = tok(RSA1, kid="rsa1"), tok(RSA2, kid="rsa2")
    assert requests.get(g.url + "/prod/a", headers=bearer(t1), timeout=10).status_code == 200
    assert requests.get(g.url + "/prod/a", headers=bearer(t2), timeout=10).status_code == 401
    with open(path, "w") as f:
        json.dump(jwks((RSA2, "rsa2")), f)
    g.reload()
    assert requests.get(g.url + "/prod/a", headers=bearer(t2), timeout=10).status_code == 200
    assert requests.get(g.url + "/prod/a", headers=bearer(t1), timeout=10).status_code == 401
    # a broken file on reload: the old generation keeps serving
    with open(path, "w") as f:
        f.write("{}")
    os.kill(g.pid, 1)
    assert wait_until(lambda: "keys.json" in g.log_text() and "reload" in g.log_text().lower(),
                      10)
    assert requests.get(g.url + "/prod/a", headers=bearer(t2), timeout=10).status_code == 200


# -- JWKS over HTTPS ----------------------------------------------------------------------

class Idp:
    """An HTTPS server for JWKS and OIDC discovery documents, counting requests."""

    def __init__(self, certfile, keyfile):
        self.docs = {}             # path -> (status, content type, body bytes)
        self.hits = {}
        self.lock = threading.Lock()
        idp = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                with idp.lock:
                    idp.hits[self.path] = idp.hits.get(self.path, 0) + 1
                    status, ctype, body = idp.docs.get(self.path, (404, "text/plain",
                                                                   b"no"))
                if callable(body):
                    body = body()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if self.path.endswith("/chunked"):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(body), 100):
                        part = body[i:i + 100]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certfile, keyfile)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set(self, path, doc, status=200, ctype="application/json"):
        body = doc if isinstance(doc, (bytes, type(lambda: 0))) else json.dumps(doc).encode()
        with self.lock:
            self.docs[path] = (status, ctype, body)

    def count(self, path):
        with self.lock:
            return self.hits.get(path, 0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def idp_cert(certs, tmp_path_factory):
    """A certificate for idp.example.test signed by the test CA."""
    d = str(tmp_path_factory.mktemp("idp"))
    shutil.copy(certs.path("ca.pem"), d)
    shutil.copy(certs.path("ca.key"), d)

    def ossl(*args):
        subprocess.run(["openssl"] + list(args), cwd=d, check=True, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ossl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", "idp.key", "-out", "idp.csr", "-subj", "/CN=" + IDP_HOST)
    with open(os.path.join(d, "idp.ext"), "w") as f:
        f.write("subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n" % IDP_HOST)
    ossl("x509", "-req", "-in", "idp.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "idp.pem", "-days", "30", "-extfile", "idp.ext")
    return d


@pytest.fixture
def idp(idp_cert):
    s = Idp(os.path.join(idp_cert, "idp.pem"), os.path.join(idp_cert, "idp.key"))
    yield s
    s.stop()


def https_gateway(turnpike, backend, idp, idp_cert, auth, api_type="HTTP", openapi=None):
    u = "http://127.0.0.1:%d" % backend.port
    api = {"id": "demo", "name": "demo", "type": api_type, "stages": [{"name": "prod"}],
           "routes": [dict(proxy_route(u + "/{proxy}", route="GET /{proxy+}"),
                           authorizer="idp")] if openapi is None else []}
    if openapi is not None:
        api["openapi"] = openapi
    cfg = base_config(backend.port, workers=1, apis=[api],
                      resolve=[{"host": IDP_HOST, "port": idp.port,
                                "address": "127.0.0.1:%d" % idp.port}])
    if auth is not None:
        auth = dict(auth, name="idp")
        auth.setdefault("tls_ca", os.path.join(idp_cert, "ca.pem"))
        cfg["authorizers"] = [auth]
    return turnpike(cfg)


def idp_url(idp, path):
    return "https://%s:%d%s" % (IDP_HOST, idp.port, path)


def jwt_auth(idp, path="/keys.json", **extra):
    a = {"type": "JWT", "issuer": ISS, "audience": AUD, "jwks": idp_url(idp, path)}
    a.update(extra)
    return a


def call(g, t, path="/prod/x"):
    return requests.get(g.url + path, headers=bearer(t), timeout=10)


def test_https_jwks_fetched_once_and_cached(turnpike, backend, idp, idp_cert):
    idp.set("/keys.json", jwks((RSA1, "rsa1"), (EC256, "ec256")))
    g = https_gateway(turnpike, backend, idp, idp_cert,
                      jwt_auth(idp, algorithms=["RS256", "ES256"]))
    assert idp.count("/keys.json") == 0, "fetched before any request needed it"
    assert call(g, tok()).status_code == 200
    assert call(g, tok(EC256, "ES256", "ec256")).status_code == 200
    assert call(g, tok(sub="another")).status_code == 200
    assert_denied(call(g, tok(exp=int(time.time()) - 1)), "the token has expired")
    assert idp.count("/keys.json") == 1
    assert "2 keys from https://%s" % IDP_HOST in g.log_text()


def test_https_jwks_chunked(turnpike, backend, idp, idp_cert):
    idp.set("/chunked", jwks((RSA1, "rsa1")))
    g = https_gateway(turnpike, backend, idp, idp_cert, jwt_auth(idp, "/chunked"))
    assert call(g, tok()).status_code == 200


def test_unknown_kid_refreshes_the_key_set_at_most_every_30_s(turnpike, backend, idp,
                                                              idp_cert):
    idp.set("/keys.json", jwks((RSA1, "rsa1")))
    g = https_gateway(turnpike, backend, idp, idp_cert, jwt_auth(idp))
    t1 = tok()
    assert call(g, t1).status_code == 200
    assert idp.count("/keys.json") == 1
    # the provider rotates: rsa2 joins the set; a token with the new kid makes the
    # worker fetch it again and then passes
    idp.set("/keys.json", jwks((RSA1, "rsa1"), (RSA2, "rsa2")))
    assert call(g, tok(RSA2, kid="rsa2")).status_code == 200
    assert idp.count("/keys.json") == 2
    assert call(g, t1).status_code == 200               # rsa1 is still there
    # another unknown kid within 30 s: refused at once, nothing fetched
    idp.set("/keys.json", jwks((RSA1, "rsa1"), (RSA2, "rsa2"), (RSA3, "rsa3")))
    assert_denied(call(g, tok(RSA3, kid="rsa3")), "the token's kid does not match a known key")
    assert idp.count("/keys.json") == 2
    # rsa1 removed by a refresh: its tokens (cached ones too) no longer pass
    # (the next refresh is allowed 30 s after the last one)
    idp.set("/keys.json", jwks((RSA2, "rsa2"), (RSA3, "rsa3")))
    time.sleep(30.5)
    assert call(g, tok(RSA3, kid="rsa3")).status_code == 200
    assert idp.count("/keys.json") == 3
    assert_denied(call(g, t1), "the token's kid does not match a known key")


@pytest.mark.parametrize("setup,log_needle", [
    (lambda idp: idp.set("/keys.json", {"message": "oops"}, status=500), "status 500"),
    (lambda idp: idp.set("/keys.json", b"<html></html>", ctype="text/html"),
     "not a JSON response"),
    (lambda idp: idp.set("/keys.json", {"keys": []}), "no usable key"),
    (lambda idp: idp.set("/keys.json", b"{\"keys\": [" + b" " * 150001 + b"]}"),
     "larger than 150000 bytes"),
    (lambda idp: None, "status 404"),
])
def test_jwks_fetch_failure_answers_500(turnpike, backend, idp, idp_cert, setup, log_needle):
    setup(idp)
    g = https_gateway(turnpike, backend, idp, idp_cert, jwt_auth(idp))
    before = len(backend.requests)
    r = call(g, tok())
    assert r.status_code == 500, r.text
    assert r.json() == {"message": "Internal Server Error"}
    assert len(backend.requests) == before
    assert wait_until(lambda: log_needle in g.log_text(), 5), g.log_text()
    assert 'authorizer "idp": JWKS https://%s' % IDP_HOST in g.log_text()
    # a token that is refused anyway does not need the keys
    assert_denied(call(g, "x.y"), "the token is malformed")
    # within 5 s of the failure no new fetch is tried
    n = idp.count("/keys.json")
    assert call(g, tok()).status_code == 500
    assert idp.count("/keys.json") == n
    # once the provider is fixed, the next try (5 s later) succeeds
    idp.set("/keys.json", jwks((RSA1, "rsa1")))
    time.sleep(5.2)
    assert call(g, tok()).status_code == 200


def test_jwks_fetch_untrusted_certificate_and_cognito_answer(turnpike, backend, idp, idp_cert,
                                                             tmp_path):
    idp.set("/keys.json", jwks((RSA1, "rsa1")))
    other_ca = tmp_path / "other.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                    str(tmp_path / "other.key"), "-out", str(other_ca), "-days", "2",
                    "-subj", "/CN=other CA"], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    auth = {"type": "COGNITO_USER_POOLS", "provider_arns": [POOL_ARN],
            "jwks": idp_url(idp, "/keys.json"), "tls_ca": str(other_ca)}
    g = https_gateway(turnpike, backend, idp, idp_cert, auth, api_type="REST")
    r = call(g, cognito("id"))
    assert r.status_code == 500, r.text
    assert r.json() == {"message": None}
    assert r.headers.get("x-amzn-ErrorType") == "AuthorizerConfigurationException"
    assert idp.count("/keys.json") == 0
    assert wait_until(lambda: "TLS" in g.log_text(), 5), g.log_text()


def test_jwks_fetch_connection_refused(turnpike, backend, idp, idp_cert):
    g = https_gateway(turnpike, backend, idp, idp_cert, jwt_auth(idp))
    idp.stop()                # (after the start: the harness probes resolve addresses)
    r = call(g, tok())
    assert r.status_code == 500 and r.json() == {"message": "Internal Server Error"}
    assert wait_until(lambda: "cannot connect" in g.log_text(), 5), g.log_text()


def test_oidc_discovery(turnpike, backend, idp, idp_cert):
    iss = idp_url(idp, "/realm")
    idp.set("/realm/.well-known/openid-configuration",
            {"issuer": iss, "jwks_uri": iss + "/certs"})
    idp.set("/realm/certs", jwks((RSA1, "rsa1")))
    auth = {"type": "JWT", "issuer": iss, "audience": AUD}
    g = https_gateway(turnpike, backend, idp, idp_cert, auth)
    assert call(g, tok(iss=iss)).status_code == 200
    assert call(g, tok(iss=iss, sub="2")).status_code == 200
    assert idp.count("/realm/.well-known/openid-configuration") == 1
    assert idp.count("/realm/certs") == 1


@pytest.mark.parametrize("doc,needle", [
    ({"issuer": "https://elsewhere", "jwks_uri": "X/certs"}, "its issuer is not"),
    ({"issuer": "ISS", "jwks_uri": "https://other.example.test/certs"}, "jwks_uri"),
])
def test_oidc_discovery_refusals(turnpike, backend, idp, idp_cert, doc, needle):
    iss = idp_url(idp, "/realm")
    doc = {k: v.replace("ISS", iss).replace("X", iss) for k, v in doc.items()}
    idp.set("/realm/.well-known/openid-configuration", doc)
    idp.set("/realm/certs", jwks((RSA1, "rsa1")))
    g = https_gateway(turnpike, backend, idp, idp_cert,
                      {"type": "JWT", "issuer": iss, "audience": AUD})
    assert call(g, tok(iss=iss)).status_code == 500
    assert wait_until(lambda: needle in g.log_text(), 5), g.log_text()
    assert idp.count("/realm/certs") == 0


def test_openapi_imported_jwt_authorizer(turnpike, backend, idp, idp_cert, workdir,
                                         monkeypatch):
    """An HTTP API's x-amazon-apigateway-authorizer of type jwt: its issuer's keys
    found by OIDC discovery (the system trust store is the test CA here)."""
    iss = idp_url(idp, "/oa")
    idp.set("/oa/.well-known/openid-configuration", {"issuer": iss, "jwks_uri": iss + "/k"})
    idp.set("/oa/k", jwks((RSA1, "rsa1")))
    doc = {
        "openapi": "3.0.1", "info": {"title": "oa", "version": "1"},
        "components": {"securitySchemes": {"oauth": {
            "type": "oauth2", "flows": {},
            "x-amazon-apigateway-authorizer": {
                "type": "jwt", "identitySource": "$request.header.X-Token",
                "jwtConfiguration": {"issuer": iss, "audience": ["client-a"]}}}}},
        "paths": {"/pets": {"get": {
            "security": [{"oauth": ["pets.read"]}],
            "x-amazon-apigateway-integration": {
                "type": "http_proxy", "httpMethod": "GET", "payloadFormatVersion": "1.0",
                "uri": "http://127.0.0.1:%d/pets" % backend.port}}}}}
    path = os.path.join(workdir, "api.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    monkeypatch.setenv("SSL_CERT_FILE", os.path.join(idp_cert, "ca.pem"))
    g = https_gateway(turnpike, backend, idp, idp_cert, None, openapi=path)
    ok = tok(iss=iss, scope="pets.read")
    r = requests.get(g.url + "/prod/pets", headers={"X-Token": ok}, timeout=10)
    assert r.status_code == 200, r.text
    assert_denied(requests.get(g.url + "/prod/pets", headers=bearer(ok), timeout=10))
    assert_denied(requests.get(g.url + "/prod/pets",
                               headers={"X-Token": tok(iss=iss, scope="x")}, timeout=10),
                  "the token does not have a valid scope")

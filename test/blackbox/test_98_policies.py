"""Tier 98: API resource policies, private listeners and PRIVATE APIs.

Resource policies on routes without an authorization type decide alone and need
an explicit Allow (auth.md 7): by source IP (NotIpAddress), by method and path
wildcards, the execute-api:/ shorthand, an explicit Deny winning, aws:CurrentTime
date conditions, aws:SecureTransport (plain vs TLS listener), custom domains (the
method ARN holds the path inside the API), OpenAPI's x-amazon-apigateway-policy.
Denials are 403 ACCESS_DENIED with AWS's text and capital "Message", the account
masked, " with an explicit deny" when a Deny decided.

Private listeners: `allow` CIDRs close other clients at accept; a PRIVATE API is
403 {"message":"Forbidden"} on a public listener; aws:SourceVpce is the listener's
name (default "vpce-" + its address); a PRIVATE API without a policy denies all.
Config errors name FILE:LINE; server.region/account_id are checked and
$context.accountId is server.account_id.

Clients use other loopback addresses (127.0.0.2 ...) as their source to be
"another IP".
"""

import http.client
import json
import os
import socket
import ssl

import pytest

from conftest import base_config, demo_api, proxy_route, run_turnpike
from test_87_config_errors import NEEDLE, check_error

pytestmark = pytest.mark.proxy

REGION = "eu-west-1"
ACCOUNT = "123456789012"
MASKED = "********9012"


# -- building blocks --------------------------------------------------------------------

def stmt(effect, resource="execute-api:/*", condition=None, action="execute-api:Invoke",
         principal="*"):
    s = {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
    if condition is not None:
        s["Condition"] = condition
    return s


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def policy_api(backend_port, pol=None, api_id="demo", **extra):
    """ANY /{proxy+} and GET / proxied to the backend, with resource policy <pol>."""
    b = "http://127.0.0.1:%d" % backend_port
    api = demo_api(backend_port, api_id=api_id, routes=[
        proxy_route(b + "/{proxy}"), proxy_route(b + "/", route="GET /")])
    if pol is not None:
        api["policy"] = pol
    api.update(extra)
    return api


def config(backend_port, apis, listeners=None, **kw):
    return base_config(backend_port, workers=1, apis=apis, listeners=listeners,
                       region=REGION, account_id=ACCOUNT, **kw)


def call(port, method="GET", path="/prod/pets", source="127.0.0.1", host=None,
         context=None):
    """(status, headers dict with lower-case names, body bytes)."""
    if context is not None:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                           source_address=(source, 0), context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                          source_address=(source, 0))
    try:
        conn.request(method, path, headers={"Host": host} if host else {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def arn(path, method="GET", stage="prod", api="demo"):
    """The masked method ARN of a denial message; <path> without its leading '/'."""
    return "arn:aws:execute-api:%s:%s:%s/%s/%s/%s" % (REGION, MASKED, api, stage, method,
                                                     path)


def assert_allowed(resp):
    status, _, body = resp
    assert status == 200, "expected the backend's 200, got %d: %r" % (status, body[:300])
    return json.loads(body)


def assert_denied(resp, resource, explicit, user="anonymous"):
    status, hdrs, body = resp
    assert status == 403, "expected 403, got %d: %r" % (status, body[:300])
    assert hdrs.get("content-type", "").startswith("application/json"), hdrs
    assert hdrs.get("x-amzn-errortype") == "AccessDeniedException", hdrs
    assert "x-amzn-requestid" in hdrs, hdrs
    want = "User: %s is not authorized to perform: execute-api:Invoke on resource: %s%s" % (
        user, resource, " with an explicit deny" if explicit else "")
    assert json.loads(body) == {"Message": want}, body


def assert_forbidden(resp):
    status, hdrs, body = resp
    assert status == 403, "expected 403, got %d: %r" % (status, body[:300])
    assert json.loads(body) == {"message": "Forbidden"}, body
    assert hdrs.get("x-amzn-errortype") == "ForbiddenException", hdrs


# -- resource policies -------------------------------------------------------------------

def test_deny_outside_an_ip_with_not_ip_address(turnpike, backend):
    """auth.md 7's example: allow everything, deny callers outside a network."""
    pol = policy(stmt("Allow", ["execute-api:/*"]),
                 stmt("Deny", ["execute-api:/*"],
                      {"NotIpAddress": {"aws:SourceIp": ["127.0.0.1", "192.0.2.0/24"]}}))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert assert_allowed(call(gw.port, path="/prod/pets/7"))["path"] == "/pets/7"
    assert_denied(call(gw.port, path="/prod/pets/7", source="127.0.0.2"),
                  arn("pets/7"), explicit=True)
    assert_denied(call(gw.port, method="POST", path="/prod/a/b?q=1", source="127.0.0.3"),
                  arn("a/b", "POST"), explicit=True)
    # the root: ".../GET/"
    assert_allowed(call(gw.port, path="/prod/"))
    assert_denied(call(gw.port, path="/prod", source="127.0.0.2"), arn(""), explicit=True)
    # HEAD gets the status and headers, no body
    status, hdrs, body = call(gw.port, method="HEAD", path="/prod/x", source="127.0.0.2")
    assert status == 403 and body == b"", (status, body)
    assert hdrs.get("x-amzn-errortype") == "AccessDeniedException"


def test_allow_by_ip_only_is_an_implicit_deny_for_others(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/*",
                      {"IpAddress": {"aws:SourceIp": "127.0.0.2/32"}}))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert_allowed(call(gw.port, source="127.0.0.2"))
    assert_denied(call(gw.port), arn("pets"), explicit=False)


def test_method_and_path_wildcards(turnpike, backend):
    pol = policy(stmt("Allow", ["execute-api:/prod/GET/pets/*",
                                "execute-api:/*/POST/orders",
                                "arn:aws:execute-api:%s:%s:demo/prod/PUT/i?ems" % (
                                    REGION, ACCOUNT)]))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert_allowed(call(gw.port, path="/prod/pets/1"))
    assert_allowed(call(gw.port, path="/prod/pets/1/toys"))   # '*' spans '/'
    assert_denied(call(gw.port, path="/prod/pets"), arn("pets"), explicit=False)
    assert_denied(call(gw.port, method="DELETE", path="/prod/pets/1"),
                  arn("pets/1", "DELETE"), explicit=False)
    assert_allowed(call(gw.port, method="POST", path="/prod/orders"))
    assert_denied(call(gw.port, method="POST", path="/prod/orders/1"),
                  arn("orders/1", "POST"), explicit=False)
    assert_allowed(call(gw.port, method="PUT", path="/prod/items"))
    assert_allowed(call(gw.port, method="PUT", path="/prod/iXems"))
    assert_denied(call(gw.port, method="PUT", path="/prod/itemss"),
                  arn("itemss", "PUT"), explicit=False)
    assert_denied(call(gw.port, path="/prod/other"), arn("other"), explicit=False)


def test_explicit_deny_wins(turnpike, backend):
    pol = policy(stmt("Deny", "execute-api:/*/DELETE/*"),
                 stmt("Allow", "execute-api:/*"),
                 stmt("Allow", "execute-api:/prod/DELETE/pets/1"))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert_allowed(call(gw.port, path="/prod/pets/1"))
    assert_denied(call(gw.port, method="DELETE", path="/prod/pets/1"),
                  arn("pets/1", "DELETE"), explicit=True)


def test_policy_without_a_matching_allow_denies_implicitly(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/beta/*"),
                 stmt("Deny", "execute-api:/prod/DELETE/*"))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert_denied(call(gw.port, path="/prod/pets"), arn("pets"), explicit=False)
    assert_denied(call(gw.port, method="DELETE", path="/prod/pets"),
                  arn("pets", "DELETE"), explicit=True)
    assert backend.requests == [], "a denied request reached the backend"


def test_current_time_conditions(turnpike, backend):
    pol = policy(
        stmt("Allow", "execute-api:/prod/GET/open/*",
             {"DateGreaterThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}),
        stmt("Allow", "execute-api:/prod/GET/expired/*",
             {"DateLessThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}),
        stmt("Allow", "execute-api:/prod/GET/epoch/*",
             {"NumericGreaterThan": {"aws:EpochTime": 978307200}}),
        stmt("Deny", "execute-api:/prod/GET/open/late",
             {"DateGreaterThanEquals": {"aws:CurrentTime": "2999-12-31"}}))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))
    assert_allowed(call(gw.port, path="/prod/open/x"))
    assert_allowed(call(gw.port, path="/prod/open/late"))
    assert_allowed(call(gw.port, path="/prod/epoch/x"))
    assert_denied(call(gw.port, path="/prod/expired/x"), arn("expired/x"), explicit=False)


def test_secure_transport(turnpike, backend, certs, workdir):
    certs.copy_to(workdir, "server.pem", "server.key")
    pol = policy(stmt("Allow", "execute-api:/*"),
                 stmt("Deny", "execute-api:/*",
                      {"Bool": {"aws:SecureTransport": "false"}}))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "demo"},
        {"address": "127.0.0.1:@PORT2@", "default_api": "demo",
         "tls": {"certificate": "server.pem", "key": "server.key"}}]))
    ctx = ssl.create_default_context(cafile=certs.path("server.pem"))
    assert_allowed(call(gw.ports["@PORT2@"], context=ctx))
    assert_denied(call(gw.port), arn("pets"), explicit=True)


def test_user_agent_and_referer_conditions(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/*",
                      {"StringLike": {"aws:UserAgent": "curl/*"},
                       "StringNotEqualsIfExists": {"aws:Referer": "https://evil.example"}}))
    gw = turnpike(config(backend.port, [policy_api(backend.port, pol)]))

    def get(headers):
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
        try:
            conn.request("GET", "/prod/pets", headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()
    assert_allowed(get({"User-Agent": "curl/8.1"}))
    assert_allowed(get({"User-Agent": "curl/8.1", "Referer": "https://ok.example"}))
    assert_denied(get({"User-Agent": "curl/8.1", "Referer": "https://evil.example"}),
                  arn("pets"), explicit=False)
    assert_denied(get({"User-Agent": "wget/1"}), arn("pets"), explicit=False)
    assert_denied(get({}), arn("pets"), explicit=False)    # no User-Agent: no match


def test_method_arn_over_1600_bytes_is_414(turnpike, backend):
    gw = turnpike(config(backend.port, [policy_api(backend.port, policy(stmt("Allow")))]))
    base = len(arn("", api="demo")) - len(MASKED) + len(ACCOUNT)
    ok = "/prod/" + "a" * (1600 - base)
    assert_allowed(call(gw.port, path=ok))
    status, _, body = call(gw.port, path=ok + "b")
    assert status == 414, (status, body)


def test_cognito_authorizer_with_a_resource_policy(turnpike, backend, workdir):
    """Table A: the verified token allows unless the policy denies explicitly."""
    from test_99_jwt import FILE_JWKS, POOL_ARN, cognito
    with open(os.path.join(workdir, "jwks.json"), "w") as f:
        json.dump(FILE_JWKS, f)
    pol = policy(stmt("Deny", "execute-api:/*/GET/secret"))
    api = policy_api(backend.port, pol)
    for rt in api["routes"]:
        rt["authorizer"] = "pool"
    cfg = config(backend.port, [api])
    cfg["authorizers"] = [{"name": "pool", "type": "COGNITO_USER_POOLS",
                           "provider_arns": [POOL_ARN], "jwks": "jwks.json"}]
    gw = turnpike(cfg)

    def get(path, token):
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Authorization": token} if token else {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()
    assert_allowed(get("/prod/pets", cognito("id")))
    assert_denied(get("/prod/secret", cognito("id")), arn("secret"), explicit=True)
    assert get("/prod/pets", None)[0] == 401       # the authorizer answers first


def test_custom_domain_arn_is_the_path_inside_the_api(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/prod/GET/pets"))
    cfg = config(backend.port, [policy_api(backend.port, pol)])
    cfg["domains"] = [{"name": "api.example.com", "mappings": [
        {"base_path": "v1", "api": "demo", "stage": "prod"}]}]
    gw = turnpike(cfg)
    assert_allowed(call(gw.port, path="/v1/pets", host="api.example.com"))
    assert_denied(call(gw.port, path="/v1/pets/2", host="api.example.com"),
                  arn("pets/2"), explicit=False)


def test_openapi_policy_is_served(turnpike, backend, workdir):
    doc = {"openapi": "3.0.1", "info": {"title": "oa", "version": "1"},
           "x-amazon-apigateway-policy": {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                "Resource": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:oa/*"},
               {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "execute-api:*",
                "Resource": "execute-api:/*/GET/secret"}]},
           "paths": {"/{proxy+}": {"x-amazon-apigateway-any-method": {
               "x-amazon-apigateway-integration": {
                   "type": "http_proxy", "httpMethod": "ANY",
                   "uri": "http://127.0.0.1:%d/{proxy}" % backend.port,
                   "requestParameters": {
                       "integration.request.path.proxy": "method.request.path.proxy"}}}}}}
    with open(os.path.join(workdir, "oa.json"), "w") as f:
        json.dump(doc, f)
    api = {"id": "oa", "type": "REST", "openapi": "oa.json", "stages": [{"name": "prod"}]}
    gw = turnpike(config(backend.port, [api], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "oa"}]))
    assert_allowed(call(gw.port, path="/prod/pets"))
    assert_denied(call(gw.port, path="/prod/secret"), arn("secret", api="oa"),
                  explicit=True)


def test_policy_file_and_account_in_access_log(turnpike, backend, workdir):
    with open(os.path.join(workdir, "policy.json"), "w") as f:
        f.write(policy(stmt("Allow", "execute-api:/prod/*")))
    log = os.path.join(workdir, "access.log")
    api = policy_api(backend.port, policy_file="policy.json", stages=[
        {"name": "prod", "access_log": {"path": log, "format":
                                        "$context.accountId $context.status"}},
        {"name": "beta"}])
    gw = turnpike(config(backend.port, [api]))
    assert_allowed(call(gw.port))
    assert_denied(call(gw.port, path="/beta/x"), arn("x", stage="beta"), explicit=False)
    gw.stop()
    with open(log) as f:
        assert f.read() == "%s 200\n" % ACCOUNT


# -- private listeners and PRIVATE APIs --------------------------------------------------

def refused(port, source="127.0.0.1"):
    """Whether the listener closes a connection from <source> without answering."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                 source_address=(source, 0))
    try:
        s.sendall(b"GET /prod/pets HTTP/1.1\r\nHost: x\r\n\r\n")
        return s.recv(1024) == b""
    except ConnectionResetError:
        return True
    finally:
        s.close()


def test_allow_list_closes_other_clients(turnpike, backend):
    gw = turnpike(config(backend.port, [policy_api(backend.port)], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "demo", "private": True,
         "allow": ["127.0.0.2", "10.0.0.0/8"]},
        {"address": "127.0.0.1:@PORT2@", "default_api": "demo",
         "allow": ["127.0.0.0/30"]}]))
    assert refused(gw.port)
    assert refused(gw.port, source="127.0.0.3")
    assert_allowed(call(gw.port, source="127.0.0.2"))
    p2 = gw.ports["@PORT2@"]
    assert_allowed(call(p2, source="127.0.0.3"))
    assert refused(p2, source="127.0.0.4")
    # the gateway keeps serving after refusals
    assert_allowed(call(gw.port, source="127.0.0.2"))


def test_private_api_only_on_private_listeners(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/*",
                      {"StringEquals": {"aws:SourceVpce": "vpce-inside"}}))
    apis = [policy_api(backend.port, pol, api_id="priv", endpoint_type="PRIVATE"),
            policy_api(backend.port, api_id="pub")]
    gw = turnpike(config(backend.port, apis, listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "priv"},
        {"address": "127.0.0.1:@PORT2@", "default_api": "priv", "private": True,
         "name": "vpce-inside"},
        {"address": "127.0.0.1:@PORT3@", "default_api": "priv", "private": True},
        {"address": "127.0.0.1:@PORT4@", "default_api": "pub", "private": True}]))
    assert_forbidden(call(gw.port))
    assert_forbidden(call(gw.port, host="priv.execute-api.local"))
    assert_allowed(call(gw.ports["@PORT2@"]))
    # another private listener: another aws:SourceVpce
    assert_denied(call(gw.ports["@PORT3@"]), arn("pets", api="priv"), explicit=False)
    # public APIs are served on private listeners too
    assert_allowed(call(gw.ports["@PORT4@"]))
    assert_allowed(call(gw.ports["@PORT4@"], host="pub.execute-api.local"))
    assert_allowed(call(gw.port, host="pub.execute-api.local"))
    assert backend.requests, "nothing reached the backend"


def test_source_vpce_default_name_and_vpc_source_ip(turnpike, backend):
    pol = policy(stmt("Allow", "execute-api:/*", {
        "StringEquals": {"aws:SourceVpce": "vpce-127-0-0-1-@PORT@"},
        "IpAddress": {"aws:VpcSourceIp": "127.0.0.0/31"}}))
    gw = turnpike(config(backend.port, [
        policy_api(backend.port, pol, endpoint_type="PRIVATE")], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "demo", "private": True}]))
    assert_allowed(call(gw.port))
    assert_allowed(call(gw.port, source="127.0.0.1"))
    assert_denied(call(gw.port, source="127.0.0.2"), arn("pets"), explicit=False)


def test_private_api_without_a_policy_denies_everything(turnpike, backend):
    gw = turnpike(config(backend.port, [
        policy_api(backend.port, endpoint_type="PRIVATE")], listeners=[
        {"address": "127.0.0.1:@PORT@", "default_api": "demo", "private": True}]))
    assert_denied(call(gw.port), arn("pets"), explicit=False)
    assert "is PRIVATE and has no resource policy" in gw.log_text()


# -- config errors -----------------------------------------------------------------------

def conf_text(workdir, api="", listener="", server=""):
    return """\
server: {
  workers = 1;
  pid_file = "%(w)s/t.pid";
  error_log = "%(w)s/e.log";
  data_dir = "%(w)s/data";
%(server)s
};

listeners = (
  { address = "127.0.0.1:18080";
    default_api = "demo";
%(listener)s
  }
);

apis = (
  { id = "demo";
    type = "REST";
%(api)s
    routes = ( { route = "ANY /{proxy+}";
                 integration = { type = "MOCK"; }; } );
    stages = ( { name = "prod"; } );
  }
);
""" % dict(w=workdir, api=api, listener=listener, server=server)


def lc(s):
    """<s> as a libconfig string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("setting,words", [
    ('policy = "{\\"Statement\\": [";', ["policy: not valid JSON"]),
    ("policy = %s;" % lc(policy(stmt("Allow", condition={"StringEqual": {"aws:x": "1"}}))),
     ['Statement[0]: unknown condition operator "StringEqual"']),
    ("policy = %s;" % lc(json.dumps({"Statement": [{"Sid": "NoOne", "Effect": "Allow",
                                                    "Action": "*", "Resource": "*"}]})),
     ['Statement[0] (Sid "NoOne"): Principal (or NotPrincipal) is required in a '
      'resource policy']),
    ("policy = %s;" % lc(policy(stmt("Allow"), stmt("Permit"))),
     ['Statement[1]: Effect must be "Allow" or "Deny"']),
    ("policy = %s;" % lc(policy(stmt("Allow", condition={
        "IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}))),
     ['"10.0.0.300/8" is not an IPv4 or IPv6 address or CIDR']),
    ("policy = %s;" % lc(policy(stmt("Allow", resource="pets/*"))),
     ['Resource "pets/*" must be "*", an ARN']),
    ("policy = %s;" % lc(policy(stmt("Allow", action="Invoke"))),
     ['Action "Invoke" must be "*" or "service:action"']),
    ('policy_file = "missing.json";', ['cannot read policy_file']),
    ('endpoint_type = "INTERNAL";', ["'endpoint_type' must be"]),
])
def test_api_policy_config_errors(workdir, setting, words):
    check_error(workdir, conf_text(workdir, api="    %s  %s" % (setting, NEEDLE)), *words)


def test_policy_over_8192_characters(workdir):
    big = policy(*[stmt("Allow", "execute-api:/prod/GET/p%04d" % i) for i in range(200)])
    assert len(big) > 8192
    check_error(workdir, conf_text(workdir, api="    policy = %s;  %s" % (lc(big), NEEDLE)),
                "more than the limit of 8192")


def test_http_api_policy_is_an_error(workdir):
    text = conf_text(workdir, api="    policy = %s;  %s" % (lc(policy(stmt("Allow"))),
                                                          NEEDLE)).replace('"REST"', '"HTTP"')
    check_error(workdir, text, "resource policies are for REST APIs")


@pytest.mark.parametrize("setting,words", [
    ('allow = ( "10.0.0.0/8", "10.0.0.0/40" );',
     ['not "10.0.0.0/40"', "'allow'[1]: entries are CIDRs"]),
    ('allow = ( "localhost" );', ['not "localhost"']),
    ('name = "vpce-1";', ["'name' is for private listeners"]),
    ('private = 1;', ["private"]),
])
def test_listener_config_errors(workdir, setting, words):
    check_error(workdir, conf_text(workdir, listener="    %s  %s" % (setting, NEEDLE)),
                *words)


@pytest.mark.parametrize("setting,words", [
    ('region = "US_EAST";', ["'region' = \"US_EAST\" must be a region name"]),
    ('region = "";', ["must be a region name"]),
    ('account_id = "12345";', ["'account_id' = \"12345\" must be 12 digits"]),
    ('account_id = "12345678901a";', ["must be 12 digits"]),
    ('account_id = 12345;', ["account_id"]),
])
def test_server_region_and_account_errors(workdir, setting, words):
    check_error(workdir, conf_text(workdir, server="  %s  %s" % (setting, NEEDLE)), *words)


def test_principal_in_an_identity_policy_is_an_error(workdir):
    text = conf_text(workdir) + """
iam = { principals = (
  { name = "alice"; access_key_id = "AKIDEXAMPLE000000001";
    secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    policies = ( %s );  %s
  } ); };
""" % (lc(policy(stmt("Allow", resource="*"))), NEEDLE)
    check_error(workdir, text, 'iam principal "alice": policies[0]: Statement[0]: '
                'Principal is not allowed in an identity policy')


def test_private_api_warnings(workdir):
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(conf_text(workdir, api='    endpoint_type = "PRIVATE";'))
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, out
    assert 'api "demo" is PRIVATE and has no resource policy' in out, out
    assert 'api "demo" is PRIVATE but no listener is (private = true)' in out, out

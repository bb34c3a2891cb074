"""Tier 86: OpenAPI import (``openapi = "file.json"`` in an apis entry).

1. ``turnpike -t`` accepts a config importing each file of the shared
   conformance set (../shared/conformance/openapi/*.json relative to the
   repository root; skipped only when that directory does not exist).
2. The imported APIs are served:
   - petstore-swagger.json: MOCK GET / (HTML naming the stage), OPTIONS MOCKs with
     static CORS headers, HTTP GET /pets and /pets/{petId} to
     petstore.execute-api.eu-west-1.amazonaws.com, pointed at the recording backend
     with server.resolve (mapped query parameters type/page, path parameter);
   - openapi-mock.json: ANY /echo/{data} MOCK echoing the path parameter;
   - openapi.spec.stage-variables.json: uri http://${stageVariables.url}.
The files are copied next to the config and named relatively (the daemon runs
with cwd "/").
"""

import glob
import json
import os
import shutil

import pytest
import requests

from conftest import REPO, Gateway, base_config, proxy_route, run_turnpike
from helpers import RawConn, render_libconfig

pytestmark = pytest.mark.proxy

OPENAPI_DIR = os.path.normpath(os.path.join(REPO, "..", "shared", "conformance", "openapi"))
PETSTORE_HOST = "petstore.execute-api.eu-west-1.amazonaws.com"


def conformance_files():
    if not os.path.isdir(OPENAPI_DIR):
        return []
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(OPENAPI_DIR, "*.json")))


def need_dir():
    if not os.path.isdir(OPENAPI_DIR):
        pytest.skip("no conformance directory %s" % OPENAPI_DIR)


def copy_spec(dest, name):
    shutil.copy(os.path.join(OPENAPI_DIR, name), os.path.join(dest, name))


def write_config(workdir, cfg, name="t.conf"):
    cfg = dict(cfg)
    cfg["server"] = dict(cfg["server"], pid_file=workdir + "/t.pid",
                         error_log=workdir + "/e.log", data_dir=workdir + "/data")
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(render_libconfig(cfg).replace("@PORT@", "18080"))
    return path


# -- 1. -t on every conformance file -------------------------------------------------------

@pytest.mark.parametrize("spec", conformance_files() or ["(none)"])
def test_check_config_importing_conformance_file(workdir, spec):
    need_dir()
    copy_spec(workdir, spec)
    if spec == "openapi.cognito-auth.json":
        spec = cognito_template(workdir, spec)
    cfg = base_config(9, apis=[{"id": "imported", "name": "Imported", "type": "REST",
                                "openapi": spec,
                                "stages": [{"name": "prod",
                                            "variables": {"url": "127.0.0.1:9/x"}}]}],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "imported"}])
    path = write_config(workdir, cfg)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "`turnpike -t` on a config importing %s exited %d:\n%s" % (spec, rc, out)
    assert "%s: syntax ok" % path in out, out


def cognito_template(workdir, spec):
    """openapi.cognito-auth.json is a Terraform template: its providerARNs are
    "${cognito_pool_arn}".  As it is, the import fails naming that; with a pool's
    ARN in place, the copy returned imports."""
    cfg = base_config(9, apis=[{"id": "imported", "name": "Imported", "type": "REST",
                                "openapi": spec, "stages": [{"name": "prod"}]}],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "imported"}])
    rc, out = run_turnpike("-c", write_config(workdir, cfg), "-t")
    assert rc == 1 and 'provider ARN "${cognito_pool_arn}" is not a user pool ARN' in out, out
    with open(os.path.join(workdir, spec)) as f:
        text = f.read().replace("${cognito_pool_arn}", "arn:aws:cognito-idp:us-east-1:"
                                "123456789012:userpool/us-east-1_Example")
    with open(os.path.join(workdir, "pool-" + spec), "w") as f:
        f.write(text)
    return "pool-" + spec


def test_conformance_directory_has_files():
    need_dir()
    assert len(conformance_files()) >= 10, conformance_files()


# -- 2. serving imported APIs --------------------------------------------------------------

@pytest.fixture(scope="module")
def gw(module_backend_factory, tmp_path_factory):
    if not os.path.isdir(OPENAPI_DIR):
        pytest.skip("no conformance directory %s" % OPENAPI_DIR)
    b = module_backend_factory()
    p = b.port
    apis = [
        {"id": "pets", "name": "PetStore", "type": "REST", "openapi": "petstore-swagger.json",
         "stages": [{"name": "prod"}, {"name": "test"}]},
        {"id": "mock", "name": "Mock", "type": "REST", "openapi": "openapi-mock.json",
         "stages": [{"name": "prod"}]},
        {"id": "sv", "name": "StageVars", "type": "REST",
         "openapi": "openapi.spec.stage-variables.json",
         "stages": [{"name": "prod", "variables": {"url": "127.0.0.1:%d/sv-prod" % p}},
                    {"name": "dev", "variables": {"url": "127.0.0.1:%d/sv-dev" % p}}]},
        # imported routes plus one inline route on top
        {"id": "mixed", "name": "Mixed", "type": "REST", "openapi": "openapi-mock.json",
         "routes": [proxy_route("http://127.0.0.1:%d/inline/{proxy}" % p,
                                route="GET /inline/{proxy+}")],
         "stages": [{"name": "prod"}]},
    ]
    cfg = base_config(p, workers=1, apis=apis,
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "pets"}],
                      resolve=[{"host": PETSTORE_HOST, "port": 80,
                                "address": "127.0.0.1:%d" % p}])

    # the specs live next to the config and are named relatively
    d = str(tmp_path_factory.mktemp("openapi-gw"))
    for name in ("petstore-swagger.json", "openapi-mock.json",
                 "openapi.spec.stage-variables.json"):
        copy_spec(d, name)
    g = Gateway(d, cfg)
    g.start()
    g.backend = b
    yield g
    g.stop()


def get(gw, api_id, method, path, **kw):
    headers = kw.pop("headers", {})
    headers["Host"] = "%s.execute-api.test" % api_id
    return requests.request(method, gw.url + path, headers=headers, timeout=10, **kw)


@pytest.mark.parametrize("stage", ["prod", "test"])
@pytest.mark.parametrize("path", ["", "/"])
def test_petstore_mock_root_html(gw, stage, path):
    before = gw.backend.total_bytes()
    r = get(gw, "pets", "GET", "/" + stage + path)
    assert r.status_code == 200, r.text[:300]
    assert "<h1>Welcome to your Pet Store API</h1>" in r.text
    assert 'href="/%s/pets/"' % stage in r.text and 'href="/%s/pets/1"' % stage in r.text, \
        "$context.stage not substituted in the HTML: %r" % r.text[:2000]
    assert "$context" not in r.text
    assert gw.backend.total_bytes() == before


def test_petstore_root_content_type_is_text_html(gw):
    with RawConn(gw.port) as c:
        c.send(b"GET /prod/ HTTP/1.1\r\nHost: pets.execute-api.test\r\n\r\n")
        r = c.read_response()
    assert r.status == 200
    assert r.header_all("Content-Type") == ["text/html"], \
        "Content-Type of GET / (responseParameters Content-Type 'text/html' and a text/html " \
        "template): %r" % r.header_all("Content-Type")


@pytest.mark.parametrize("path,methods", [("/prod/pets", "POST,GET,OPTIONS"),
                                          ("/prod/pets/1", "GET,OPTIONS")])
def test_petstore_options_mock_cors(gw, path, methods):
    r = get(gw, "pets", "OPTIONS", path)
    assert r.status_code == 200, r.text
    assert r.headers.get("Access-Control-Allow-Methods") == methods
    assert r.headers.get("Access-Control-Allow-Headers") == \
        "Content-Type,X-Amz-Date,Authorization,X-Api-Key"
    assert r.headers.get("Access-Control-Allow-Origin") == "*"


def test_petstore_get_pets_maps_type_and_page(gw):
    r = get(gw, "pets", "GET", "/prod/pets?type=dog&page=2&other=x",
            headers={"X-Client": "not-forwarded"})
    assert r.status_code == 200, r.text
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    doc = r.json()
    assert doc["method"] == "GET"
    assert doc["path"] == "/petstore/pets"
    assert sorted(doc["query"].split("&")) == ["page=2", "type=dog"], \
        "HTTP integration: only the mapped type and page go on: %r" % doc["query"]
    hosts = [v for k, v in doc["headers"] if k.lower() == "host"]
    assert hosts == [PETSTORE_HOST]
    assert "x-client" not in [k.lower() for k, _ in doc["headers"]]


def test_petstore_get_pets_without_query(gw):
    doc = get(gw, "pets", "GET", "/prod/pets").json()
    assert doc["path"] == "/petstore/pets" and doc["query"] == ""


def test_petstore_get_pet_by_id(gw):
    r = get(gw, "pets", "GET", "/test/pets/42")
    assert r.status_code == 200, r.text
    assert r.json()["path"] == "/petstore/pets/42"
    assert r.headers.get("Access-Control-Allow-Origin") == "*"


def test_petstore_post_pets_passes_body(gw):
    body = {"type": "cat", "price": 123.11}
    r = get(gw, "pets", "POST", "/prod/pets", json=body)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["method"] == "POST" and doc["path"] == "/petstore/pets"
    assert json.loads(doc["body"]) == body


@pytest.mark.parametrize("method,path", [("DELETE", "/prod/pets"), ("GET", "/prod/cats"),
                                         ("PUT", "/prod/pets/1"), ("POST", "/prod")])
def test_petstore_undefined_operations_403(gw, method, path):
    r = get(gw, "pets", method, path)
    assert r.status_code == 403 and r.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_openapi_mock_echo(gw, method):
    r = get(gw, "mock", method, "/prod/echo/hello")
    assert r.status_code == 200, r.text
    assert r.json() == {"echo": "hello", "response": "mocked"}


def test_openapi_mock_echo_other_value(gw):
    r = get(gw, "mock", "GET", "/prod/echo/w0rld-42")
    assert r.json() == {"echo": "w0rld-42", "response": "mocked"}


def test_openapi_mock_when_no_templates_415(gw):
    r = get(gw, "mock", "POST", "/prod/echo/x", data=b"text",
            headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json() == {"message": "Unsupported Media Type"}


def test_openapi_mock_missing_param_segment_403(gw):
    r = get(gw, "mock", "GET", "/prod/echo")
    assert r.status_code == 403


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_stage_variable_uri(gw, stage):
    r = get(gw, "sv", "GET", "/%s/path1?a=1" % stage)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["path"] == "/sv-" + stage
    assert doc["query"] == "a=1"
    assert doc["method"] == "POST", "the integration's httpMethod POST toward the backend"


def test_stage_variable_api_other_operations_403(gw):
    assert get(gw, "sv", "POST", "/prod/path1").status_code == 403


def test_inline_routes_on_top_of_openapi(gw):
    r = get(gw, "mixed", "GET", "/prod/echo/abc")
    assert r.json() == {"echo": "abc", "response": "mocked"}
    r = get(gw, "mixed", "GET", "/prod/inline/x/y")
    assert r.status_code == 200 and r.json()["path"] == "/inline/x/y"


# -- import errors ---------------------------------------------------------------------------

def test_missing_openapi_file_is_an_error(workdir):
    text = """server: { workers = 1; pid_file = "%(w)s/t.pid"; error_log = "%(w)s/e.log";
  data_dir = "%(w)s/data"; };
listeners = ( { address = "127.0.0.1:18080"; } );
apis = ( { id = "x"; type = "REST"; openapi = "nope.json"; stages = ( { name = "p"; } ); } );
""" % {"w": workdir}
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, out
    assert "%s:4:" % path in out, "error does not name %s:4: %s" % (path, out)
    assert os.path.join(workdir, "nope.json") in out or "nope.json" in out, out


def test_invalid_json_openapi_file_is_an_error(workdir):
    with open(os.path.join(workdir, "bad.json"), "w") as f:
        f.write('{"openapi": "3.0.1",\n "paths": {\n')
    text = """server: { workers = 1; pid_file = "%(w)s/t.pid"; error_log = "%(w)s/e.log";
  data_dir = "%(w)s/data"; };
listeners = ( { address = "127.0.0.1:18080"; } );
apis = ( { id = "x"; type = "REST"; openapi = "bad.json"; stages = ( { name = "p"; } ); } );
""" % {"w": workdir}
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, out
    assert "bad.json" in out, "the error does not name the JSON file: %s" % out


def test_http_api_with_api_key_scheme_imports_with_a_warning(workdir, turnpike):
    """API Gateway imports an HTTP API whose operations require an apiKey
    scheme and drops the requirement (HTTP APIs have no API keys): so do we,
    with a warning naming the scheme, and the route answers without a key."""
    spec = {
        "openapi": "3.0.1",
        "info": {"title": "keyed", "version": "1"},
        "paths": {"/ping": {"get": {
            "security": [{"api_key": []}],
            "x-amazon-apigateway-integration": {
                "type": "http_proxy", "httpMethod": "GET",
                "uri": "http://127.0.0.1:9/ping", "payloadFormatVersion": "1.0"}}}},
        "components": {"securitySchemes": {"api_key": {
            "type": "apiKey", "name": "x-api-key", "in": "header"}}},
    }
    with open(os.path.join(workdir, "keyed.json"), "w") as f:
        json.dump(spec, f, indent=1)
    cfg = base_config(9, apis=[{"id": "keyed", "type": "HTTP", "openapi": "keyed.json",
                                "stages": [{"name": "$default"}]}],
                      listeners=[{"address": "127.0.0.1:@PORT@", "default_api": "keyed"}])
    path = write_config(workdir, cfg)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, out
    warn = [l for l in out.splitlines() if "api_key" in l and "HTTP APIs have no API keys" in l]
    assert warn and "keyed.json" in warn[0], out
    gw = turnpike(cfg)
    r = requests.get(gw.url + "/ping", timeout=10)
    assert r.status_code != 403, (r.status_code, r.text)    # 5xx: nothing on port 9

"""Tier 87: `turnpike -t` on the API model settings.

Errors (exit 1) are printed as FILE:LINE: message, naming the line of the
offending setting: unknown keys, wrong types, unknown integration types, bad
mapping targets/sources, bad selection patterns (PCRE2), domain mappings naming
a missing api or stage, duplicate base paths, unknown gateway response types.
Features that are parsed but not served yet load with a warning containing
"not supported yet" and naming the feature (exit 0).

Configs are written one setting per line; where an error may name either a group
or the setting inside it, the group is written on one line (like test_10).
"""

import os

import pytest

from conftest import run_turnpike

pytestmark = pytest.mark.cli

NEEDLE = "#<-"     # marks the line an error must name


def config_text(workdir, api_type="REST", route_key="ANY /{proxy+}", itype="HTTP_PROXY",
                uri="http://127.0.0.1:9/{proxy}", integ="", route="", api="", extra="",
                stage='{ name = "prod"; variables = { v = "x"; }; }', extra_api=""):
    return """\
server: {
  workers = 1;
  pid_file = "%(w)s/t.pid";
  error_log = "%(w)s/e.log";
  data_dir = "%(w)s/data";
};

listeners = (
  { address = "127.0.0.1:18080";
    default_api = "demo";
  }
);

apis = (
  { id = "demo";
    type = "%(api_type)s";
%(api)s
    routes = (
      { route = "%(route_key)s";
%(route)s
        integration = {
          type = "%(itype)s";
          uri = "%(uri)s";
%(integ)s
        };
      }
    );
    stages = ( %(stage)s
    );
  }%(extra_api)s
);
%(extra)s
""" % dict(w=workdir, api_type=api_type, route_key=route_key, itype=itype, uri=uri,
           integ=integ, route=route, api=api, extra=extra, stage=stage, extra_api=extra_api)


def write(workdir, text):
    path = os.path.join(workdir, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def needle_line(text):
    lines = [i for i, l in enumerate(text.splitlines(), 1) if NEEDLE in l]
    assert len(lines) == 1, "config must mark exactly one line with %r" % NEEDLE
    return lines[0]


def check_error(workdir, text, *must_mention):
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    line = needle_line(text)
    assert rc == 1, "expected exit status 1, got %d; output:\n%s\nconfig:\n%s" % (rc, out, text)
    assert "%s:%d:" % (path, line) in out, \
        "expected the error to name %s:%d; output:\n%s" % (path, line, out)
    for word in must_mention:
        assert word.lower() in out.lower(), "the error does not mention %r:\n%s" % (word, out)
    return out


def check_ok(workdir, text):
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 0, "expected exit status 0, got %d; output:\n%s\nconfig:\n%s" % (rc, out, text)
    assert "%s: syntax ok" % path in out, out
    return out


def check_warning(workdir, text, *must_mention):
    out = check_ok(workdir, text)
    lines = [l for l in out.splitlines() if "not supported yet" in l]
    assert lines, "no 'not supported yet' warning:\n" + out
    for word in must_mention:
        assert any(word.lower() in l.lower() for l in lines), \
            "no 'not supported yet' warning mentions %r:\n%s" % (word, out)
    return out


# -- a config using everything is valid -------------------------------------------------------

def test_full_api_model_config_is_valid(workdir):
    integ = """\
          request_parameters = (
            ("integration.request.header.X-Q", "method.request.querystring.q"),
            ("integration.request.querystring.a", "'static'"),
            ("integration.request.path.proxy", "method.request.path.proxy"),
            ("integration.request.header.X-Rid", "context.requestId"),
            ("integration.request.header.X-V", "stageVariables.v"),
            ("integration.request.header.X-M", "method.request.multivalueheader.h"),
            ("integration.request.header.X-B", "method.request.body")
          );
          timeout_ms = 5000;"""
    extra_api = """,
  { id = "rest2"; type = "REST";
    binary_media_types = ( "image/png" );
    api_key_source = "HEADER";
    disable_execute_api_endpoint = true;
    gateway_responses = (
      { type = "MISSING_AUTHENTICATION_TOKEN"; status = 404;
        headers = ( ("gatewayresponse.header.X-A", "'s'"),
                    ("gatewayresponse.header.X-B", "method.request.header.h"),
                    ("gatewayresponse.header.X-C", "context.requestId"),
                    ("gatewayresponse.header.X-D", "stageVariables.v") );
        templates = ( ("application/json", "{\\"msg\\": $context.error.messageString, "
                                           "\\"type\\": \\"$context.error.responseType\\"}") ); },
      { type = "DEFAULT_4XX";
        headers = ( ("gatewayresponse.header.Access-Control-Allow-Origin", "'*'") ); },
      { type = "DEFAULT_5XX"; status = 500; }
    );
    routes = (
      { route = "GET /mock";
        integration = { type = "MOCK";
          request_templates = ( ("application/json", "{\\"statusCode\\": 200}") );
          passthrough_behavior = "WHEN_NO_TEMPLATES";
          responses = (
            { pattern = "2\\\\d{2}"; status = 200;
              parameters = ( ("method.response.header.X-S", "'v'"),
                             ("method.response.header.X-R", "context.requestId") );
              templates = ( ("application/json", "{\\"stage\\": \\"$context.stage\\"}") ); },
            { pattern = "default"; status = "500"; } ); }; },
      { route = "POST /h/{id}";
        integration = { type = "HTTP"; uri = "http://127.0.0.1:9/h/{id}"; http_method = "PUT";
          passthrough_behavior = "NEVER";
          request_parameters = ( ("integration.request.path.id", "method.request.path.id") );
          request_templates = ( ("application/json", "{\\"b\\": $input.json('$'), "
                                                     "\\"p\\": \\"$input.params('id')\\"}") );
          responses = (
            { status = 200;
              parameters = (
                ("method.response.header.X-H", "integration.response.header.X-H"),
                ("method.response.header.X-Body", "integration.response.body"),
                ("method.response.header.X-V", "stageVariables.v") ); },
            { pattern = "4\\\\d{2}"; status = 400; } ); }; }
    );
    stages = ( { name = "prod"; variables = { v = "x"; }; } ); },
  { id = "web"; type = "HTTP";
    cors = { allow_origins = ( "https://a.example" ); allow_methods = ( "GET", "POST" );
             allow_headers = ( "content-type" ); expose_headers = ( "x-id" );
             max_age = 300; allow_credentials = true; };
    routes = (
      { route = "$default";
        integration = { type = "HTTP_PROXY"; uri = "http://127.0.0.1:9"; }; },
      { route = "GET /pets/{id}";
        integration = { type = "HTTP_PROXY"; uri = "http://127.0.0.1:9/pets/{id}";
          request_parameters = (
            ("append:header.x", "$request.header.y"),
            ("overwrite:header.z", "static and ${request.querystring.q}"),
            ("remove:header.w", ""), ("append:querystring.a", "$context.requestId"),
            ("remove:querystring.b", ""), ("overwrite:path", "/new$request.path") );
          response_parameters = (
            { status = "500";
              parameters = ( ("overwrite:statuscode", "403"),
                             ("append:header.x", "$context.requestId"),
                             ("remove:header.y", "") ); } ); }; }
    );
    stages = ( { name = "$default"; }, { name = "beta"; variables = { v = "b"; }; } ); }"""
    extra = """
domains = (
  { name = "api.example.com";
    mappings = ( { base_path = "v1"; api = "demo"; stage = "prod"; },
                 { base_path = "v1/orders"; api = "rest2"; stage = "prod"; },
                 { base_path = ""; api = "web"; stage = "$default"; } ); },
  { name = "*.example.org"; mappings = ( { base_path = "x"; api = "web"; stage = "beta"; } ); }
);
"""
    text = config_text(workdir, integ=integ, extra_api=extra_api, extra=extra)
    text = text.replace("  workers = 1;\n",
                        "  workers = 1;\n  resolve = ( { host = \"petstore.example\"; "
                        "port = 80; address = \"127.0.0.1:9\"; } );\n")
    out = check_ok(workdir, text)
    assert "error" not in out.lower().replace("error_log", ""), out


# -- errors -----------------------------------------------------------------------------------

UNKNOWN_KEYS = [
    # (where, kwargs)
    ("api", dict(api='    bogus_api_key = 1;  %s' % NEEDLE)),
    ("route", dict(route='        bogus_route_key = 1;  %s' % NEEDLE)),
    ("integration", dict(integ='          bogus_integ_key = "x";  %s' % NEEDLE)),
    ("stage", dict(stage='{ name = "prod"; bogus_stage_key = 1; }  %s' % NEEDLE)),
    ("integration response", dict(
        integ='          responses = ( { status = 200; bogus_resp_key = 1; } );  %s' % NEEDLE)),
    ("gateway response", dict(
        api='    gateway_responses = ( { type = "DEFAULT_4XX"; bogus_gw_key = 1; } );  %s'
            % NEEDLE)),
    ("cors", dict(api_type="HTTP",
                  api='    cors = { allow_origins = ( "*" ); bogus_cors_key = 1; };  %s' % NEEDLE)),
    ("domain mapping", dict(extra='domains = ( { name = "a.example";\n  mappings = ( { '
                                  'base_path = "v1"; api = "demo"; stage = "prod"; '
                                  'bogus_map_key = 1; } );  %s\n} );' % NEEDLE)),
]


@pytest.mark.parametrize("where,kw", UNKNOWN_KEYS, ids=[w for w, _ in UNKNOWN_KEYS])
def test_unknown_key(workdir, where, kw):
    text = config_text(workdir, **kw)
    key = [w for w in text.split() if w.startswith("bogus_")][0]
    check_error(workdir, text, key)


WRONG_TYPES = [
    ("disable_execute_api_endpoint", dict(api='    disable_execute_api_endpoint = "yes";  %s'
                                              % NEEDLE)),
    ("binary_media_types", dict(api='    binary_media_types = "image/png";  %s' % NEEDLE)),
    ("request_parameters", dict(integ='          request_parameters = "x";  %s' % NEEDLE)),
    ("timeout_ms", dict(integ='          timeout_ms = "5000";  %s' % NEEDLE)),
    ("variables", dict(stage='{ name = "prod"; variables = ( "v" ); }  %s' % NEEDLE)),
    ("request_templates", dict(integ='          request_templates = ( "application/json" );  %s'
                                     % NEEDLE)),
    ("allow_credentials", dict(api_type="HTTP",
                               api='    cors = { allow_credentials = "yes"; };  %s' % NEEDLE)),
]


@pytest.mark.parametrize("setting,kw", WRONG_TYPES, ids=[s for s, _ in WRONG_TYPES])
def test_wrong_type(workdir, setting, kw):
    check_error(workdir, config_text(workdir, **kw), setting)


def test_unknown_integration_type(workdir):
    text = config_text(workdir).replace('type = "HTTP_PROXY";',
                                        'type = "LAMBDA";  %s' % NEEDLE)
    check_error(workdir, text, "LAMBDA")


def test_integration_without_type(workdir):
    text = config_text(workdir).replace('          type = "HTTP_PROXY";\n', "") \
        .replace("        integration = {", "        integration = {  %s" % NEEDLE)
    check_error(workdir, text, "type")


@pytest.mark.parametrize("pair,word", [
    ('("integration.request.body.x", "\'v\'")', "integration.request.body.x"),
    ('("integration.response.header.X", "\'v\'")', "integration.response.header.X"),
    ('("method.request.header.X", "\'v\'")', "method.request.header.X"),
    ('("integration.request.header.X", "method.request.nowhere.q")', "method.request.nowhere.q"),
    ('("integration.request.header.X", "stage.v")', "stage.v"),
    ('("integration.request.header.X", "unquoted literal")', "unquoted literal"),
])
def test_rest_bad_request_mapping(workdir, pair, word):
    integ = "          request_parameters = (\n            %s  %s\n          );" % (pair, NEEDLE)
    out = check_error(workdir, config_text(workdir, integ=integ), word)
    assert "mapping" in out.lower(), out


def test_rest_bad_source_message(workdir):
    integ = ('          request_parameters = (\n            ("integration.request.header.X", '
             '"method.request.nowhere.q")  %s\n          );' % NEEDLE)
    check_error(workdir, config_text(workdir, integ=integ), "invalid mapping source")


@pytest.mark.parametrize("pair,word", [
    ('("method.response.header.X", "method.request.header.h")', "method.request.header.h"),
    ('("method.response.body", "\'v\'")', "method.response.body"),
    ('("method.response.header.X", "integration.response.nowhere.y")',
     "integration.response.nowhere.y"),
])
def test_rest_bad_response_mapping(workdir, pair, word):
    integ = ("          responses = ( { status = 200;\n            parameters = ( %s );  %s\n"
             "          } );" % (pair, NEEDLE))
    check_error(workdir, config_text(workdir, itype="HTTP", integ=integ), word)


@pytest.mark.parametrize("pair,word", [
    ('("prepend:header.x", "v")', "prepend:header.x"),
    ('("overwrite:body.x", "v")', "overwrite:body.x"),
    ('("overwrite:header.x", "$request.nowhere.y")', "$request.nowhere.y"),
    ('("overwrite:header.x", "${request.header.y")', "${request.header.y"),
])
def test_http_api_bad_request_mapping(workdir, pair, word):
    integ = "          request_parameters = (\n            %s  %s\n          );" % (pair, NEEDLE)
    check_error(workdir, config_text(workdir, api_type="HTTP", integ=integ,
                                     stage='{ name = "$default"; }'), word)


def test_http_api_bad_response_parameters_status(workdir):
    integ = ('          response_parameters = ( { status = "abc"; parameters = '
             '( ("overwrite:statuscode", "403") ); } );  %s' % NEEDLE)
    check_error(workdir, config_text(workdir, api_type="HTTP", integ=integ,
                                     stage='{ name = "$default"; }'), "abc")


@pytest.mark.parametrize("pattern", ["2\\\\d{3,1}", "(", "[a-", "*2"])
def test_bad_selection_pattern(workdir, pattern):
    integ = ('          responses = ( { pattern = "%s"; status = 200; } );  %s'
             % (pattern, NEEDLE))
    check_error(workdir, config_text(workdir, itype="HTTP", integ=integ), "pattern")


def test_bad_integration_response_status(workdir):
    integ = '          responses = ( { status = 700; } );  %s' % NEEDLE
    check_error(workdir, config_text(workdir, itype="HTTP", integ=integ), "700")


def test_integration_response_without_status(workdir):
    integ = '          responses = ( { pattern = "2\\\\d{2}"; } );  %s' % NEEDLE
    check_error(workdir, config_text(workdir, itype="HTTP", integ=integ), "status")


def test_bad_passthrough_behavior(workdir):
    # on the integration's own line: the error may name the group or the setting
    text = config_text(workdir, itype="HTTP").replace(
        "        integration = {",
        '        integration = { passthrough_behavior = "SOMETIMES";  %s' % NEEDLE)
    check_error(workdir, text, "SOMETIMES")


def test_mapping_pair_that_is_not_a_pair(workdir):
    integ = '          request_parameters = ( ("integration.request.header.X") );  %s' % NEEDLE
    check_error(workdir, config_text(workdir, integ=integ), "pair")


def test_unknown_gateway_response_type(workdir):
    api = '    gateway_responses = ( { type = "NOT_A_TYPE"; status = 400; } );  %s' % NEEDLE
    check_error(workdir, config_text(workdir, api=api), "NOT_A_TYPE")


def test_gateway_response_bad_header_source(workdir):
    api = ('    gateway_responses = ( { type = "DEFAULT_4XX"; headers = ( ("gatewayresponse.'
           'header.X", "integration.response.header.Y") ); } );  %s' % NEEDLE)
    check_error(workdir, config_text(workdir, api=api), "integration.response.header.Y")


@pytest.mark.parametrize("itype", ["MOCK", "HTTP", "AWS"])
def test_http_api_rejects_non_proxy_integrations(workdir, itype):
    text = config_text(workdir, api_type="HTTP", stage='{ name = "$default"; }') \
        .replace('        integration = {\n          type = "HTTP_PROXY";',
                 '        integration = {\n          type = "%s";' % itype) \
        .replace("        integration = {", "        integration = {  %s" % NEEDLE)
    check_error(workdir, text, itype)


def test_default_route_only_in_http_apis(workdir):
    text = config_text(workdir, route_key="$default").replace(
        'route = "$default";', 'route = "$default";  %s' % NEEDLE)
    check_error(workdir, text, "$default")


def test_cors_max_age_out_of_range(workdir):
    api = '    cors = { allow_origins = ( "*" ); max_age = 86401; };  %s' % NEEDLE
    check_error(workdir, config_text(workdir, api_type="HTTP", api=api,
                                     stage='{ name = "$default"; }'), "86401")


def test_duplicate_route_key(workdir):
    text = config_text(workdir).replace(
        "        };\n      }\n    );",
        '        };\n      },\n      { route = "ANY /{proxy+}"; integration = { type = "MOCK"; }; }'
        '  %s\n    );' % NEEDLE)
    check_error(workdir, text, "ANY /{proxy+}", "twice")


# -- domains ------------------------------------------------------------------------------------

def domain(mappings, name="api.example.com"):
    return "domains = (\n  { name = \"%s\";\n    mappings = (\n%s\n    );\n  }\n);" % (
        name, ",\n".join("      " + m for m in mappings))


def test_domain_mapping_unknown_api(workdir):
    extra = domain(['{ base_path = "v1"; api = "nosuch"; stage = "prod"; }  %s' % NEEDLE])
    check_error(workdir, config_text(workdir, extra=extra), "nosuch",
                "which no apis entry defines")


def test_domain_mapping_unknown_stage(workdir):
    extra = domain(['{ base_path = "v1"; api = "demo"; stage = "gamma"; }  %s' % NEEDLE])
    check_error(workdir, config_text(workdir, extra=extra), "gamma", "does not have")


@pytest.mark.parametrize("first,second", [('"v1"', '"v1"'), ('"v1/orders"', '"/v1/orders/"'),
                                          ('""', '""')])
def test_domain_duplicate_base_path(workdir, first, second):
    extra = domain(['{ base_path = %s; api = "demo"; stage = "prod"; }' % first,
                    '{ base_path = %s; api = "demo"; stage = "prod"; }  %s' % (second, NEEDLE)])
    check_error(workdir, config_text(workdir, extra=extra), "base path")


def test_domain_mapping_without_api(workdir):
    extra = domain(['{ base_path = "v1"; stage = "prod"; }  %s' % NEEDLE])
    check_error(workdir, config_text(workdir, extra=extra), "api")


# -- warnings (exit 0) -------------------------------------------------------------------------

@pytest.mark.parametrize("kw,words", [
    (dict(itype="AWS_PROXY", uri="http://127.0.0.1:9/not-a-function"), ["AWS_PROXY"]),
    (dict(itype="AWS", uri="arn:aws:apigateway:us-east-1:s3:path/b/k"), ["AWS"]),
    (dict(itype="MOCK", integ='          request_templates = ( ("application/json", '
                               '"#set($x = 1){}") );'), ["#set"]),
    (dict(itype="MOCK", integ='          responses = ( { status = 200; templates = ( '
                               '("application/json", "$util.base64Encode($input.body)") ); } );'),
     ["$util"]),
    (dict(itype="MOCK", integ='          responses = ( { status = 200; templates = ( '
                               '("application/json", "#if($x)a#end") ); } );'), ["#if"]),
], ids=["AWS_PROXY", "AWS", "#set", "$util", "#if"])
def test_not_supported_yet_warns(workdir, kw, words):
    check_warning(workdir, config_text(workdir, **kw), *words)


def test_warning_names_file_and_line(workdir):
    # an AWS_IAM route with no iam principals to sign for it
    text = config_text(workdir, route='        authorization = "AWS_IAM";')
    out = check_ok(workdir, text)
    assert "AWS_IAM" in out and "no principals" in out, out
    path = os.path.join(workdir, "t.conf")
    route_line = [i for i, l in enumerate(text.splitlines(), 1) if 'route = "ANY' in l][0]
    assert "%s:%d:" % (path, route_line) in out, out


def test_request_too_large_customisation_warns(workdir):
    api = '    gateway_responses = ( { type = "REQUEST_TOO_LARGE"; status = 400; } );'
    out = check_ok(workdir, config_text(workdir, api=api))
    assert "REQUEST_TOO_LARGE" in out and "cannot be customized" in out, out


def test_cors_on_rest_api_warns(workdir):
    api = '    cors = { allow_origins = ( "*" ); };'
    out = check_ok(workdir, config_text(workdir, api=api))
    assert "CORS" in out and "HTTP APIs" in out, out


def test_stage_missing_uri_variable_warns(workdir):
    text = config_text(workdir, uri="http://127.0.0.1:9/${stageVariables.nope}")
    out = check_ok(workdir, text)
    assert "nope" in out and "prod" in out, out


def test_unresolvable_backend_warns(workdir):
    out = check_ok(workdir, config_text(workdir, uri="http://no-such-host.invalid/{proxy}"))
    assert "no-such-host.invalid" in out, out


# -- settings that would otherwise be silently ignored -----------------------------------------

def test_api_key_source_must_be_header_or_authorizer(workdir):
    api = '    api_key_source = "COOKIE";  %s' % NEEDLE
    check_error(workdir, config_text(workdir, api=api), "api_key_source", "COOKIE")


@pytest.mark.parametrize("source", ["HEADER", "AUTHORIZER"])
def test_api_key_source_accepted(workdir, source):
    check_ok(workdir, config_text(workdir, api='    api_key_source = "%s";' % source))


def test_default_route_naming_undefined_authorizer(workdir):
    text = config_text(workdir, api_type="HTTP", route_key="$default", uri="http://127.0.0.1:9",
                       route='        authorizer = "nope";  %s' % NEEDLE)
    # the error names the route, whose group starts on the line above the needle
    path = write(workdir, text)
    rc, out = run_turnpike("-c", path, "-t")
    assert rc == 1, out
    assert "nope" in out and "authorizers" in out, out
    assert "%s:%d:" % (path, needle_line(text) - 1) in out, out


def test_binary_media_types_warns(workdir):
    check_warning(workdir, config_text(workdir, api='    binary_media_types = ( "image/png" );'),
                  "binary_media_types")


def test_gateway_responses_on_http_api_warn(workdir):
    api = '    gateway_responses = ( { type = "DEFAULT_4XX"; status = 400; } );'
    out = check_ok(workdir, config_text(workdir, api_type="HTTP", route_key="ANY /{proxy+}",
                                        api=api))
    assert "HTTP APIs have no gateway responses" in out and "DEFAULT_4XX" in out, out


@pytest.mark.parametrize("integ", [
    '          request_templates = ( ("application/json", "{}") );',
    '          responses = ( { status = 200; } );',
], ids=["request_templates", "responses"])
def test_templates_on_http_proxy_warn(workdir, integ):
    out = check_ok(workdir, config_text(workdir, integ=integ))
    assert "ignored for HTTP_PROXY" in out, out


def test_response_parameters_on_rest_warn(workdir):
    integ = ('          response_parameters = ( { status = "500"; parameters = '
             '( ("overwrite:statuscode", "503") ); } );')
    out = check_ok(workdir, config_text(workdir, integ=integ))
    assert "response_parameters is for HTTP APIs" in out, out

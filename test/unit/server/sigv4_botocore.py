#!/usr/bin/python3
"""sigv4_botocore.py: presigned execute-api requests made by botocore.

Writes sigv4_botocore.h (next to this script), the fixtures
test_tp_sigv4.c checks turnpike's verifier and canonical request against:
an implementation turnpike shares no code with.  Each case is presigned by
botocore.auth.SigV4QueryAuth at a fixed time; the fixture holds the
request as a client sends it (method, raw path, raw query with the
signature, headers) and botocore's own canonical request and string to
sign (from its debug log).  Run with /usr/bin/python3 (python3-botocore):

    /usr/bin/python3 test/unit/server/sigv4_botocore.py
"""
import datetime
import logging
import os
import sys
from unittest import mock
from urllib.parse import urlsplit

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = (2024, 1, 15, 9, 30, 0)

CASES = [
    # auth.md 6.3's request, presigned
    dict(name="authmd-example", method="GET",
         url="https://abc123defg.execute-api.us-east-1.amazonaws.com"
             "/prod/pets/my%20pet?type=dog&page=2&a%20b=c",
         region="us-east-1", headers={}, token=None, expires=900),
    # temporary credentials: the token is a signed query parameter
    dict(name="session-token", method="GET",
         url="https://abc123defg.execute-api.eu-west-1.amazonaws.com"
             "/prod/pets",
         region="eu-west-1", headers={},
         token="FQoGZXIvYXdzEPT//////////wEaDExampleToken+/=", expires=60),
    # dot segments, repeated and trailing slashes: both normalize
    dict(name="dot-segments", method="DELETE",
         url="https://abc123defg.execute-api.us-east-1.amazonaws.com"
             "/prod/./a/../pets//7/",
         region="us-east-1", headers={}, token=None, expires=3600),
    # a valueless parameter, escapes, UTF-8, and a second signed header
    dict(name="query-and-header", method="GET",
         url="https://api.example.com/v1/items"
             "?flag&empty=&sp=a%20b&utf=%E2%82%AC&t=~-._",
         region="ap-southeast-2", headers={"X-Custom": "  a   b  "},
         token=None, expires=604800),
]


class _FixedTime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return cls(*WHEN)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def presign(case):
    creds = Credentials(AKID, SECRET, case["token"])
    signer = botocore.auth.SigV4QueryAuth(creds, "execute-api",
                                          case["region"],
                                          expires=case["expires"])
    req = AWSRequest(method=case["method"], url=case["url"],
                     headers=dict(case["headers"]))
    cap = _Capture()
    log = logging.getLogger("botocore.auth")
    log.addHandler(cap)
    log.setLevel(logging.DEBUG)
    try:
        with mock.patch.object(datetime, "datetime", _FixedTime):
            signer.add_auth(req)
    finally:
        log.removeHandler(cap)
    creq = [m for m in cap.records if m.startswith("CanonicalRequest:\n")]
    sts = [m for m in cap.records if m.startswith("StringToSign:\n")]
    parts = urlsplit(req.url)
    headers = [("Host", parts.netloc)] + list(case["headers"].items())
    return dict(name=case["name"], method=case["method"], path=parts.path,
                query=parts.query, headers=headers, region=case["region"],
                token=case["token"], expires=case["expires"],
                creq=creq[-1][len("CanonicalRequest:\n"):],
                sts=sts[-1][len("StringToSign:\n"):])


def c_string(s, indent):
    """<s> as C string literals of at most 80 columns."""
    out, cur = [], ""
    room = 80 - indent - 3
    for ch in s.encode():
        c = chr(ch)
        if c == "\\" or c == '"':
            e = "\\" + c
        elif c == "\n":
            e = "\\n"
        elif 32 <= ch < 127 and c != "?":
            e = c
        else:
            e = "\\%03o" % ch
        if len(cur) + len(e) > room:
            out.append(cur)
            cur = ""
        cur += e
        if c == "\n":
            out.append(cur)
            cur = ""
    if cur or not out:
        out.append(cur)
    pad = " " * indent
    return ("\n" + pad).join('"%s"' % x for x in out)


def field(key, v):
    """One ".key = value," initializer line (or more), within 80 columns."""
    if v is None:
        return "        .%s = NULL," % key
    lit = c_string(v, 12)
    line = "        .%s = %s," % (key, lit)
    if "\n" not in lit and len(line) <= 80:
        return line
    return "        .%s =\n            %s," % (key, lit)


def main():
    when = datetime.datetime(*WHEN, tzinfo=datetime.timezone.utc)
    now = int(when.timestamp())
    lines = [
        "/*",
        " * sigv4_botocore.h: presigned execute-api requests made by",
        " * botocore %s's SigV4QueryAuth at %s (%d)," % (
            botocore.__version__, when.strftime("%Y%m%dT%H%M%SZ"), now),
        " * with botocore's canonical request and string to sign.",
        " * Generated by sigv4_botocore.py; do not edit.",
        " */",
        "#define SV_BOTO_NOW %dLL" % now,
        "#define SV_BOTO_AKID \"%s\"" % AKID,
        "#define SV_BOTO_SECRET \"%s\"" % SECRET,
        "",
        "struct sv_boto_case {",
        "    const char *name, *method, *path, *query, *region, *token;",
        "    const char *hdr_names[2], *hdr_values[2];",
        "    long long expires;",
        "    const char *creq, *sts;",
        "};",
        "",
        "static const struct sv_boto_case sv_boto_cases[] = {",
    ]
    for case in CASES:
        c = presign(case)
        names = [h[0] for h in c["headers"]] + [None, None]
        values = [h[1] for h in c["headers"]] + [None, None]
        lines.append("    {")
        for key in ("name", "method", "path", "query", "region", "token"):
            lines.append(field(key, c[key]))
        lines.append("        .hdr_names = { %s, %s }," % tuple(
            "NULL" if n is None else c_string(n, 0) for n in names[:2]))
        lines.append("        .hdr_values = {")
        for v in values[:2]:
            lines.append("            %s," % (
                "NULL" if v is None else c_string(v, 12)))
        lines.append("        },")
        lines.append("        .expires = %d," % c["expires"])
        lines.append(field("creq", c["creq"]))
        lines.append(field("sts", c["sts"]))
        lines.append("    },")
    lines.append("};")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "sigv4_botocore.h")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", out, file=sys.stderr)


if __name__ == "__main__":
    main()

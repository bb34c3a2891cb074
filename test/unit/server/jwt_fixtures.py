#!/usr/bin/python3
"""jwt_fixtures.py: makes the JWT/JWKS test data of turnpike.

Writes, from the repository root (keys are new on every run, so every
output file changes; commit them together):
  test/unit/server/jwt_fixtures.h   C macros: the JWKS documents, the
                                    HS256 secret, the fixed time and
                                    every token, for the unit tests and
                                    test/fuzz/fuzz_jwt.c
  test/fuzz/corpus/jwt/*            each token, a fuzz_jwt seed
  test/fuzz/corpus/jwks/*           each JWKS, a fuzz_jwks seed

Good tokens are made by PyJWT (python3-jwt) and JWKs by its to_jwk(), an
implementation independent of turnpike's; tokens PyJWT refuses to make
(alg none, alg confusion, crit, repeated claims, DER ECDSA signatures)
are put together here with python3-cryptography.  Run:
    /usr/bin/python3 test/unit/server/jwt_fixtures.py
"""

import base64
import hashlib
import hmac
import json
import os
import sys

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

NOW = 1700000000
ISS = "https://issuer.example.com/pool1"
AUDS = ["client-a", "client-b"]
HS_SECRET = "turnpike-test-hs256-secret-0123456789"
COGNITO_SCOPE = "https://api.example.com/cats.read"

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def js(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def jwk(key, **extra):
    pub = key.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        d = json.loads(RSAAlgorithm.to_jwk(pub))
    else:
        d = json.loads(ECAlgorithm.to_jwk(pub))
    d.update(extra)
    return d


DROP = object()                     # claims(name=DROP): no such claim


def claims(**over):
    c = {"iss": ISS, "aud": "client-a", "sub": "user-1", "exp": NOW + 3600,
         "iat": NOW - 60, "nbf": NOW - 60, "scope": "read write"}
    for k, v in over.items():
        if v is DROP:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def sign_raw(alg, key, signing_input):
    """A JWS signature of <signing_input> (bytes), as RFC 7518 wants it,
    except "ES256-DER": ECDSA left in the DER form JWS does not use."""
    h = {"256": hashes.SHA256(), "384": hashes.SHA384(),
         "512": hashes.SHA512()}[alg[2:5]]
    if alg.startswith("HS"):
        return hmac.new(key, signing_input, hashlib.sha256).digest()
    if alg.startswith("RS"):
        return key.sign(signing_input, padding.PKCS1v15(), h)
    if alg.startswith("PS"):
        return key.sign(signing_input, padding.PSS(
            mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    return key.sign(signing_input, ec.ECDSA(h))


def raw_token(header, payload_bytes, alg, key):
    si = b64(js(header)) + "." + b64(payload_bytes)
    return si + "." + b64(sign_raw(alg, key, si.encode()))


def flip(s, i):
    """<s> with the base64url character at <i> changed (still strict)."""
    c = "B" if s[i] != "B" else "C"
    return s[:i] + c + s[i + 1:]


def main():
    rsa1, rsa2, dup_rsa = rsa_key(), rsa_key(), rsa_key()
    ec256 = ec.generate_private_key(ec.SECP256R1())
    ec384 = ec.generate_private_key(ec.SECP384R1())
    dup_ec = ec.generate_private_key(ec.SECP256R1())

    jwks_main = {"keys": [
        jwk(rsa1, kid="rsa1", alg="RS256", use="sig"),
        jwk(rsa2, kid="rsa2"),
        jwk(ec256, kid="ec256", alg="ES256", use="sig"),
        jwk(ec384, kid="ec384"),
        jwk(dup_ec, kid="dup", use="sig"),
        jwk(dup_rsa, kid="dup", use="sig"),
    ]}

    # every entry but the first is skipped; the unit test knows why
    off_curve = jwk(ec256, kid="offcurve")
    y = bytearray(base64.urlsafe_b64decode(off_curve["y"] + "=="))
    y[-1] ^= 1
    off_curve["y"] = b64(bytes(y))
    short_x = jwk(ec256, kid="shortx")
    short_x["x"] = b64(base64.urlsafe_b64decode(short_x["x"] + "==")[1:])
    padded_n = jwk(rsa2, kid="paddedn")
    padded_n["n"] += "="
    even_e = jwk(rsa2, kid="evene")
    even_e["e"] = b64(b"\x01\x00\x00")
    jwks_mixed = {"keys": [
        jwk(rsa2, kid="good"),
        {"kty": "oct", "kid": "oct", "k": b64(HS_SECRET.encode())},
        jwk(rsa_key(1024), kid="small"),
        jwk(ec.generate_private_key(ec.SECP521R1()), kid="p521"),
        jwk(rsa2, kid="enc", use="enc"),
        {k: v for k, v in jwk(rsa2).items() if k != "kid"},
        jwk(rsa2, kid=7),
        off_curve,
        jwk(rsa2, kid="hs", alg="HS256"),
        jwk(ec256, kid="ecrs", alg="RS256"),
        jwk(rsa2, kid="signops", key_ops=["sign"]),
        {"kty": "OKP", "kid": "okp", "crv": "Ed25519", "x": b64(b"x" * 32)},
        short_x,
        42,
        padded_n,
        even_e,
        jwk(ec384, kid="verifyops", key_ops=["verify"]),
    ]}

    hs = HS_SECRET.encode()
    t = {}

    def enc(name, payload, key, alg, kid):
        headers = {"kid": kid} if kid is not None else None
        t[name] = jwt.encode(payload, key, algorithm=alg, headers=headers)

    # good tokens, one per algorithm, by PyJWT
    enc("GOOD_RS256", claims(), rsa1, "RS256", "rsa1")
    enc("GOOD_RS384", claims(), rsa2, "RS384", "rsa2")
    enc("GOOD_RS512", claims(), rsa2, "RS512", "rsa2")
    enc("GOOD_PS256", claims(), rsa2, "PS256", "rsa2")
    enc("GOOD_PS384", claims(), rsa2, "PS384", "rsa2")
    enc("GOOD_PS512", claims(), rsa2, "PS512", "rsa2")
    enc("GOOD_ES256", claims(), ec256, "ES256", "ec256")
    enc("GOOD_ES384", claims(), ec384, "ES384", "ec384")
    enc("GOOD_HS256", claims(), hs, "HS256", None)
    enc("DUP_RS256", claims(), dup_rsa, "RS256", "dup")
    enc("DUP_ES256", claims(), dup_ec, "ES256", "dup")

    # claims
    enc("EXPIRED", claims(exp=NOW - 30), rsa1, "RS256", "rsa1")
    enc("NBF_FUTURE", claims(nbf=NOW + 30), rsa1, "RS256", "rsa1")
    enc("IAT_FUTURE", claims(iat=NOW + 30), rsa1, "RS256", "rsa1")
    enc("NO_EXP", claims(exp=DROP), rsa1, "RS256", "rsa1")
    enc("NO_NBF_IAT", claims(nbf=DROP, iat=DROP), rsa1, "RS256", "rsa1")
    enc("EXP_STRING", claims(exp=str(NOW + 3600)), rsa1, "RS256", "rsa1")
    enc("EXP_FRACTION", claims(exp=NOW + 0.5), rsa1, "RS256", "rsa1")
    enc("WRONG_ISS", claims(iss=ISS + "x"), rsa1, "RS256", "rsa1")
    enc("NO_ISS", claims(iss=DROP), rsa1, "RS256", "rsa1")
    enc("WRONG_AUD", claims(aud="client-z"), rsa1, "RS256", "rsa1")
    enc("AUD_ARRAY", claims(aud=["client-z", "client-b"]), rsa1, "RS256",
        "rsa1")
    enc("AUD_ARRAY_WRONG", claims(aud=["client-z", "client-y"]), rsa1,
        "RS256", "rsa1")
    enc("CLIENT_ID", claims(aud=DROP, client_id="client-a"), rsa1, "RS256",
        "rsa1")
    enc("CLIENT_ID_WRONG", claims(aud=DROP, client_id="client-z"), rsa1,
        "RS256", "rsa1")
    enc("AUD_WINS", claims(aud="client-z", client_id="client-a"), rsa1,
        "RS256", "rsa1")
    enc("NO_AUD", claims(aud=DROP), rsa1, "RS256", "rsa1")
    enc("SCP_ARRAY", claims(scope=DROP, scp=["admin", "write"]), rsa1,
        "RS256", "rsa1")
    enc("SCP_STRING", claims(scope=DROP, scp="admin delete"), rsa1, "RS256",
        "rsa1")
    enc("NO_SCOPE", claims(scope=DROP), rsa1, "RS256", "rsa1")
    enc("CLAIMS", claims(**{
        "n": 12, "f": 1.5, "flag": True, "nothing": None,
        "obj": {"a": [1, 2]}, "arr": ["x", "y"], "esc": "q\"b\\s\u00e9/",
        "custom:role": "admin", "cognito:groups": ["g1", "g2"],
        "empty": ""}), rsa1, "RS256", "rsa1")
    enc("COGNITO_ID", claims(scope=DROP, token_use="id", **{
        "cognito:username": "alice", "custom:role": "admin"}),
        rsa1, "RS256", "rsa1")
    enc("COGNITO_ACCESS", claims(
        aud=DROP, client_id="client-a", token_use="access",
        scope=COGNITO_SCOPE + " aws.cognito.signin.user.admin"),
        rsa1, "RS256", "rsa1")

    # algorithms and keys
    enc("WRONG_KID", claims(), rsa1, "RS256", "nope")
    enc("NO_KID", claims(), rsa1, "RS256", None)
    enc("HS256_WRONG_SECRET", claims(), b"another-secret-of-32-bytes-or-more",
        "HS256", None)
    enc("ALG_MISMATCH", claims(), ec256, "ES256", "rsa2")
    enc("ALG_JWK_RESTRICTED", claims(), rsa1, "RS384", "rsa1")
    good = t["GOOD_RS256"].split(".")
    t["ALG_NONE"] = (b64(js({"alg": "none", "typ": "JWT"})) + "."
                     + good[1] + ".")
    t["ALG_NONE_SIG"] = (b64(js({"alg": "None", "kid": "rsa1"})) + "."
                         + good[1] + "." + good[2])
    pem = rsa1.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    t["ALG_CONFUSION"] = raw_token({"alg": "HS256", "kid": "rsa1"},
                                   js(claims()), "HS256", pem)
    t["ALG_UNKNOWN"] = raw_token({"alg": "RS1", "kid": "rsa1"},
                                 js(claims()), "RS256", rsa1)
    t["CRIT"] = raw_token({"alg": "RS256", "kid": "rsa1", "crit": ["exp"],
                           "exp": 1}, js(claims()), "RS256", rsa1)
    dup = js(claims())[:-1] + b',"sub":"user-2"}'
    t["DUP_CLAIM"] = raw_token({"alg": "RS256", "kid": "rsa1"}, dup,
                               "RS256", rsa1)
    t["ES256_DER"] = raw_token({"alg": "ES256", "kid": "ec256"},
                               js(claims()), "ES256-DER", ec256)
    t["TAMPERED_PAYLOAD"] = (good[0] + "." + b64(js(claims(sub="root")))
                             + "." + good[2])
    t["TAMPERED_SIG_RS256"] = ".".join(good[:2] + [flip(good[2], 100)])
    es = t["GOOD_ES256"].split(".")
    t["TAMPERED_SIG_ES256"] = ".".join(es[:2] + [flip(es[2], 40)])
    hs_parts = t["GOOD_HS256"].split(".")
    t["TAMPERED_SIG_HS256"] = ".".join(hs_parts[:2] + [flip(hs_parts[2], 20)])

    write_header(t, jwks_main, jwks_mixed, pem)
    write_corpus(t, jwks_main, jwks_mixed)


def c_string(s, indent="    "):
    """<s> as C string literal lines of at most 78 columns."""
    esc = (s.replace("\\", "\\\\").replace('"', '\\"')
           .replace("\n", "\\n"))
    width = 76 - len(indent)
    parts = []
    while esc:
        cut = min(width, len(esc))
        while esc[cut - 1] == "\\" and cut > 1:
            cut -= 1                 # never split an escape
        parts.append(indent + '"' + esc[:cut] + '"')
        esc = esc[cut:]
    return " \\\n".join(parts) if parts else indent + '""'


def write_header(t, jwks_main, jwks_mixed, pem):
    out = ["/*",
           " * jwt_fixtures.h: made by jwt_fixtures.py beside it (run it "
           "from the",
           " * repository root; do not edit).  JWKS documents, the HS256 "
           "secret and",
           " * JWTs: every token has iss JWT_ISS and, unless its name says "
           "otherwise,",
           " * aud \"client-a\", exp JWT_NOW + 3600, nbf and iat JWT_NOW - 60,"
           " scope",
           " * \"read write\".",
           " */",
           "#ifndef JWT_FIXTURES_H",
           "#define JWT_FIXTURES_H",
           "",
           "#define JWT_NOW %dLL" % NOW,
           "#define JWT_ISS \"%s\"" % ISS,
           "#define JWT_AUD_A \"%s\"" % AUDS[0],
           "#define JWT_AUD_B \"%s\"" % AUDS[1],
           "#define JWT_HS_SECRET \"%s\"" % HS_SECRET,
           "#define JWT_COGNITO_SCOPE \"%s\"" % COGNITO_SCOPE,
           ""]
    out.append("#define JWKS_MAIN \\\n" + c_string(json.dumps(jwks_main)))
    out.append("")
    out.append("#define JWKS_MIXED \\\n" + c_string(json.dumps(jwks_mixed)))
    out.append("")
    out.append("/* rsa1's public key (PEM), the ALG_CONFUSION secret */")
    out.append("#define JWT_RSA1_PEM \\\n" + c_string(pem.decode()))
    out.append("")
    for name in sorted(t):
        out.append("#define JWT_%s \\\n%s" % (name, c_string(t[name])))
        out.append("")
    out.append("/* X(JWT_NAME) for every token */")
    out.append("#define JWT_ALL_TOKENS(X) \\")
    out.append(" \\\n".join("    X(JWT_%s)" % n for n in sorted(t)))
    out.append("")
    out.append("#endif /* JWT_FIXTURES_H */")
    path = os.path.join(ROOT, "test/unit/server/jwt_fixtures.h")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_corpus(t, jwks_main, jwks_mixed):
    d = os.path.join(ROOT, "test/fuzz/corpus/jwt")
    os.makedirs(d, exist_ok=True)
    for name, tok in t.items():
        with open(os.path.join(d, name.lower()), "w") as f:
            f.write(tok)
    edges = {
        "bearer_good_es256": "Bearer " + t["GOOD_ES256"],
        "edge_dots": "..",
        "edge_deep_header": b64(b'{"alg":' + b"[" * 600 + b"]" * 600
                                + b"}") + ".e30.",
        "edge_long": "e30." + "A" * 16380 + ".",
        "edge_escapes": b64(b'{"alg":"RS256","kid":"rsa\\u0031"}') + "."
                        + t["GOOD_RS256"].split(".", 1)[1],
    }
    for name, tok in edges.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(tok)
    d = os.path.join(ROOT, "test/fuzz/corpus/jwks")
    os.makedirs(d, exist_ok=True)
    for name, doc in (("main", jwks_main), ("mixed", jwks_mixed)):
        with open(os.path.join(d, name), "w") as f:
            json.dump(doc, f, indent=1)
    for i, key in enumerate(jwks_mixed["keys"]):
        with open(os.path.join(d, "one_%02d" % i), "w") as f:
            json.dump({"keys": [key]}, f)


if __name__ == "__main__":
    sys.exit(main())

/*
 * jwt_fixtures.h: made by jwt_fixtures.py beside it (run it from the
 * repository root; do not edit).  JWKS documents, the HS256 secret and
 * JWTs: every token has iss JWT_ISS and, unless its name says otherwise,
 * aud "client-a", exp JWT_NOW + 3600, nbf and iat JWT_NOW - 60, scope
 * "read write".
 */
#ifndef JWT_FIXTURES_H
#define JWT_FIXTURES_H

#define JWT_NOW 1700000000LL
#define JWT_ISS "https://issuer.example.com/pool1"
#define JWT_AUD_A "client-a"
#define JWT_AUD_B "client-b"
#define JWT_HS_SECRET "turnpike-test-hs256-secret-0123456789"
#define JWT_COGNITO_SCOPE "https://api.example.com/cats.read"

#define JWKS_MAIN \
    "{\"keys\": [{\"kty\": \"RSA\", \"key_ops\": [\"verify\"], \"n\": \"uRKG7" \
    "2EfsI-QPqqiJJPNukFqrOEj2Yu7xSryLCX6-HP6mAiivLboYrNeAX8CFMbmq4iYqhmUDfgCm" \
    "6EUfZRHsRv6fdZo6RnaYo7hU_aU_fy8EPNjBNva5Fbd8TEelyuJak06jetMbm1lFmZd_4t54" \
    "eXDimeHRua1fjupGwaVwWgR3ZYEVMucw7QpwsUe--Yq6DND3PyeEoWbjxsj7ld43XDANk0Rp" \
    "iAsRLAVBnwtbrDxgiWd8Pmm_p6vXJywXr6ljXvEqewuoVf7vVe1j1MWpd7fhMd47zkwFpD_q" \
    "1TnaXyairj9RrHu7yTPUhczfnrAiQ5xvOqONPQGDoVf4v67dQ\", \"e\": \"AQAB\", \"" \
    "kid\": \"rsa1\", \"alg\": \"RS256\", \"use\": \"sig\"}, {\"kty\": \"RSA" \
    "\", \"key_ops\": [\"verify\"], \"n\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r5e" \
    "MeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVYWd" \
    "9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h43N" \
    "InVp7S4-aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-rCG" \
    "Secuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4hP" \
    "g02nlD8-e2sGFalVFHwojQ\", \"e\": \"AQAB\", \"kid\": \"rsa2\"}, {\"kty\":" \
    " \"EC\", \"crv\": \"P-256\", \"x\": \"vlKCG3AIDsroXaKJalgi-2spJRNuYHFi5U" \
    "0pUqEWI3U\", \"y\": \"x2QwCXY-vtNU6DAxpnRdC7xu3ianZoH-2StSw9msJA8\", \"k" \
    "id\": \"ec256\", \"alg\": \"ES256\", \"use\": \"sig\"}, {\"kty\": \"EC\"" \
    ", \"crv\": \"P-384\", \"x\": \"4V_TcIbyq-6ZP02SkjQktjaCBGE37dpAxXZoWKAq_" \
    "8YoJwWQ3R5d5v-eiDQUOi5b\", \"y\": \"s6cp4PVzujtukmekBV1pwiTSlLIkuK__PdmC" \
    "tOJDBuUJ28qo-xkiGFzmO_XxYpGr\", \"kid\": \"ec384\"}, {\"kty\": \"EC\", " \
    "\"crv\": \"P-256\", \"x\": \"kFPOl3NyBvHkoBTrfaLEF-KLU3RRQt1aXbwWI4vxtDw" \
    "\", \"y\": \"d2q2Wl8gA1pJtxaLEwt_dGdtAfOfjH3myXJ3j3qVkLg\", \"kid\": \"d" \
    "up\", \"use\": \"sig\"}, {\"kty\": \"RSA\", \"key_ops\": [\"verify\"], " \
    "\"n\": \"0XfhegaLMkwrloomBzFoRGud1gi22mpXKxN9xcTnrzoqWJcAYu23X7TCJw7Yap_" \
    "4pf640Dm-CqA1s0-UbRaAJupMfSBkpSboEziwjGHpFvwGQjzU2JSQGOijSJkjON2Cxjmvi-C" \
    "YSdF1ho5HSL-62_up8ds006jE0AeDtO05pwzN0hFUjWWQD269OCVDzcld7ofPuGlnavulf3M" \
    "uWz1NjzkEus9t9fwL0wMqiaNxalIg1mYztDUwh86_3ak7sMyKt4FjdwJtkLZfqfS9Txv8dWG" \
    "AXy16feuVWytTvaJMvqAAsSbHox8RF9GMH_-giUiSVcQssXp9lGE7uZyWXuk5rw\", \"e\"" \
    ": \"AQAB\", \"kid\": \"dup\", \"use\": \"sig\"}]}"

#define JWKS_MIXED \
    "{\"keys\": [{\"kty\": \"RSA\", \"key_ops\": [\"verify\"], \"n\": \"zptzB" \
    "4bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_Imh" \
    "PGkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-" \
    "KV_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqn" \
    "vRo8-WLT5SpTABPP-Pq2-td-rCGSecuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_" \
    "CHpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-e2sGFalVFHwojQ\", \"e\": \"AQAB\", \"" \
    "kid\": \"good\"}, {\"kty\": \"oct\", \"kid\": \"oct\", \"k\": \"dHVybnBp" \
    "a2UtdGVzdC1oczI1Ni1zZWNyZXQtMDEyMzQ1Njc4OQ\"}, {\"kty\": \"RSA\", \"key_" \
    "ops\": [\"verify\"], \"n\": \"0ksJ-sPB7z_sDHJpPgwqk9NKggw8Q8oYvle4r9cJWr" \
    "VEfix50FHHdaH-jljNtTyO18jZuCwAFeQ0LDSfv367oZd6QIqaUVMDK4fGJJgCcaWZHfstJ6" \
    "Rn0VI2gwCIbZDYGt5KhFNjsrB9J3AdZo5RJ9QcKgQTBgguNGrjVbnNwfM\", \"e\": \"AQ" \
    "AB\", \"kid\": \"small\"}, {\"kty\": \"EC\", \"crv\": \"P-521\", \"x\": " \
    "\"AZAodk5mZl_QT05tPNLBZHFZhxDPY1ZIPc1jHRjfE62lCumtTXVmeIylIozb5cG3xO1YJ9" \
    "IEJ-VdupH9ePcBXB4a\", \"y\": \"TPMJdG_CBUd21V1nJgSwKJjMwYNk2lfvCLqzOcmef" \
    "ft_pSkQtHDw1m5KoEAYU15OrB69KNhQSFq3f8CMNaeb3lk\", \"kid\": \"p521\"}, {" \
    "\"kty\": \"RSA\", \"key_ops\": [\"verify\"], \"n\": \"zptzB4bhY8DL2gGK9O" \
    "IV9diAxPp78r5eMeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5" \
    "HUp97Aqo2yVYWd9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyM" \
    "d13jQCFjf6h43NInVp7S4-aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTA" \
    "BPP-Pq2-td-rCGSecuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_" \
    "8ERlBdwTofJ4hPg02nlD8-e2sGFalVFHwojQ\", \"e\": \"AQAB\", \"kid\": \"enc" \
    "\", \"use\": \"enc\"}, {\"kty\": \"RSA\", \"key_ops\": [\"verify\"], \"n" \
    "\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLX" \
    "KiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLM" \
    "dL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-aAwsg1hDAKw6MczWVJKYO__dwD" \
    "dkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-rCGSecuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKd" \
    "MgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-e2sGFalVFHwojQ\", \"e\": " \
    "\"AQAB\"}, {\"kty\": \"RSA\", \"key_ops\": [\"verify\"], \"n\": \"zptzB4" \
    "bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_ImhP" \
    "GkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-K" \
    "V_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqnv" \
    "Ro8-WLT5SpTABPP-Pq2-td-rCGSecuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_C" \
    "Hpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-e2sGFalVFHwojQ\", \"e\": \"AQAB\", \"k" \
    "id\": 7}, {\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"vlKCG3AIDsroXaK" \
    "Jalgi-2spJRNuYHFi5U0pUqEWI3U\", \"y\": \"x2QwCXY-vtNU6DAxpnRdC7xu3ianZoH" \
    "-2StSw9msJA4\", \"kid\": \"offcurve\"}, {\"kty\": \"RSA\", \"key_ops\": " \
    "[\"verify\"], \"n\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC9MHoE7Zpf" \
    "hnB18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt50Y367AVx" \
    "kubhaicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-aAwsg1hDA" \
    "Kw6MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-rCGSecuc-Kmj5s5f9ggX" \
    "ZcDpAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-e2sGFalVF" \
    "HwojQ\", \"e\": \"AQAB\", \"kid\": \"hs\", \"alg\": \"HS256\"}, {\"kty\"" \
    ": \"EC\", \"crv\": \"P-256\", \"x\": \"vlKCG3AIDsroXaKJalgi-2spJRNuYHFi5" \
    "U0pUqEWI3U\", \"y\": \"x2QwCXY-vtNU6DAxpnRdC7xu3ianZoH-2StSw9msJA8\", \"" \
    "kid\": \"ecrs\", \"alg\": \"RS256\"}, {\"kty\": \"RSA\", \"key_ops\": [" \
    "\"sign\"], \"n\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC9MHoE7ZpfhnB" \
    "18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt50Y367AVxkub" \
    "haicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-aAwsg1hDAKw6" \
    "MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-rCGSecuc-Kmj5s5f9ggXZcD" \
    "pAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-e2sGFalVFHwo" \
    "jQ\", \"e\": \"AQAB\", \"kid\": \"signops\"}, {\"kty\": \"OKP\", \"kid\"" \
    ": \"okp\", \"crv\": \"Ed25519\", \"x\": \"eHh4eHh4eHh4eHh4eHh4eHh4eHh4eH" \
    "h4eHh4eHh4eHg\"}, {\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"UoIbcAg" \
    "OyuhdoolqWCL7ayklE25gcWLlTSlSoRYjdQ\", \"y\": \"x2QwCXY-vtNU6DAxpnRdC7xu" \
    "3ianZoH-2StSw9msJA8\", \"kid\": \"shortx\"}, 42, {\"kty\": \"RSA\", \"ke" \
    "y_ops\": [\"verify\"], \"n\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r5eMeXmz5rC" \
    "9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVYWd9TY6qxPt" \
    "50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h43NInVp7S4-" \
    "aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-rCGSecuc-Km" \
    "j5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4hPg02nlD8-" \
    "e2sGFalVFHwojQ=\", \"e\": \"AQAB\", \"kid\": \"paddedn\"}, {\"kty\": \"R" \
    "SA\", \"key_ops\": [\"verify\"], \"n\": \"zptzB4bhY8DL2gGK9OIV9diAxPp78r" \
    "5eMeXmz5rC9MHoE7ZpfhnB18WS1TitBZNuLXKiAGpWx_ImhPGkEvjL1VT_K5HUp97Aqo2yVY" \
    "Wd9TY6qxPt50Y367AVxkubhaicT4qHZy9ZLMdL_jbetuD0-KV_V2oKgDGsyMd13jQCFjf6h4" \
    "3NInVp7S4-aAwsg1hDAKw6MczWVJKYO__dwDdkmpu96HDqnvRo8-WLT5SpTABPP-Pq2-td-r" \
    "CGSecuc-Kmj5s5f9ggXZcDpAR8ILuOR7xpKdMgWPLZRZJp_CHpn7k384JdP_8ERlBdwTofJ4" \
    "hPg02nlD8-e2sGFalVFHwojQ\", \"e\": \"AQAA\", \"kid\": \"evene\"}, {\"kty" \
    "\": \"EC\", \"crv\": \"P-384\", \"x\": \"4V_TcIbyq-6ZP02SkjQktjaCBGE37dp" \
    "AxXZoWKAq_8YoJwWQ3R5d5v-eiDQUOi5b\", \"y\": \"s6cp4PVzujtukmekBV1pwiTSlL" \
    "IkuK__PdmCtOJDBuUJ28qo-xkiGFzmO_XxYpGr\", \"kid\": \"verifyops\", \"key_" \
    "ops\": [\"verify\"]}]}"

/* rsa1's public key (PEM), the ALG_CONFUSION secret */
#define JWT_RSA1_PEM \
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" \
    "uRKG72EfsI+QPqqiJJPN\nukFqrOEj2Yu7xSryLCX6+HP6mAiivLboYrNeAX8CFMbmq4iYqh" \
    "mUDfgCm6EUfZRH\nsRv6fdZo6RnaYo7hU/aU/fy8EPNjBNva5Fbd8TEelyuJak06jetMbm1l" \
    "FmZd/4t5\n4eXDimeHRua1fjupGwaVwWgR3ZYEVMucw7QpwsUe++Yq6DND3PyeEoWbjxsj7l" \
    "d4\n3XDANk0RpiAsRLAVBnwtbrDxgiWd8Pmm/p6vXJywXr6ljXvEqewuoVf7vVe1j1MW\npd" \
    "7fhMd47zkwFpD/q1TnaXyairj9RrHu7yTPUhczfnrAiQ5xvOqONPQGDoVf4v67\ndQIDAQAB" \
    "\n-----END PUBLIC KEY-----\n"

#define JWT_ALG_CONFUSION \
    "eyJhbGciOiJIUzI1NiIsImtpZCI6InJzYTEifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5le" \
    "GFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwI" \
    "joxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiO" \
    "iJyZWFkIHdyaXRlIn0.fv3-PHqV3cKGsNYQrzICr9GR4eW1apaUqwXoZqLvJ2w"

#define JWT_ALG_JWK_RESTRICTED \
    "eyJhbGciOiJSUzM4NCIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.oP956qPusumDI5or97cG-DQX7MZITjCrecbNt" \
    "ud77vnconKk9iX8QTrvd5V7HWRwlEaF9PwrZs2B3Ghe2JK72pO1AnEmtz6bWgnx2gTdrc120" \
    "XANlozk8fXQjueicphjyCRZ5BPbyUOCyauv5QgFnMXMwGSASFKEBLSk5EO4rrpaOpeqSEkP1" \
    "3vXhcZ1yaWIglDvsvVj4qg41iIk34P4B3q9wwPwedBo-jl7kU4uwEk9QwnD7r7YEZbCGfjBv" \
    "acKRJdXM-Q5F5K0jKJQhXkUV2-Qynq2ywJEnse21qEkcuZuZNVXtu7zf9w0Hj5l7-3f44JAd" \
    "dYtAuOwKxL2V-BH-w"

#define JWT_ALG_MISMATCH \
    "eyJhbGciOiJFUzI1NiIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.pAdiIqyktySuzP7Etuj2uI3myZhar1guVBRv2" \
    "oo9mrEoyo6zRTlkX7AnfVzBB6w7OEzmxO7gKAyIZj7-wOvLog"

#define JWT_ALG_NONE \
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFt" \
    "cGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjox" \
    "NzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJy" \
    "ZWFkIHdyaXRlIn0."

#define JWT_ALG_NONE_SIG \
    "eyJhbGciOiJOb25lIiwia2lkIjoicnNhMSJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGF" \
    "tcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjo" \
    "xNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJ" \
    "yZWFkIHdyaXRlIn0.QZIOP_11nPy9gdQXXgZ32RIob4f9dRGXDIRiHGKhneFBEDBVpBzWWS1" \
    "toRMlLbfeHllIpYA6lvufCZUQaiJSfs4Pjx7CYdHaKs_MYWSXqw5lr0SAUHUfOaMWfNYgvSP" \
    "t3JVQ0Ckm4Y6sHbLT9wIW4Y-DyRbc2Td4Oedp_mMM7sfzhThLJnlI-IwhxhjRqpMbzfAgOG4" \
    "WbFjlK-BVYkw59P_foh7PwC6PSFnmTL2N0TEAqkh9xfRzEOI7tHluCBcYgiQwdhTymiJ2XS6" \
    "ZFlpEA1bG-esf9GT6FsUVSg-UlHWdLOA6ehC7h2SfvaQjzEAW3mb_1vV_rnIi2OqiLGkQ1Q"

#define JWT_ALG_UNKNOWN \
    "eyJhbGciOiJSUzEiLCJraWQiOiJyc2ExIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFt" \
    "cGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjox" \
    "NzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJy" \
    "ZWFkIHdyaXRlIn0.p8RBMgCNFMMzsjFibJZpWOo8l2x8fdvd4ZmziNHJTMhgIefMB9WTCYjZ" \
    "gPkpyrdqfboocWTvuuPwIceKBWQnldzN71_08a9Jd34VoXLOc_9xPNlZ4fltaCLckadw3IDW" \
    "ecEFfHO6h5hFZyxp5u8EDuyunCAfuqGff9YYoWFWum158CL_qR7KJHbx6xzGuUS90DKioHNp" \
    "_rXqeIhnv_U7A1Vv508km2Rl1yvT19o2nwJeeYMMKMTaiHa6-VuYNlAzDLllaZBsCvVgz_8I" \
    "CQz74BYAAFWF3289JsCrQ1nNbwn_dnu2J3Y8_wUIy1fJMJHUZKxgyfCCBEm0Dplsjgbghw"

#define JWT_AUD_ARRAY \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6WyJjbGllbnQteiIsImNsaWVud" \
    "C1iIl0sInN1YiI6InVzZXItMSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwL" \
    "CJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.cNFSp17oH_2sPe29BIdC" \
    "DZodNt6Rfk41Qsfytu98SLZL4YeTOpvgtdWnk7aDDw96MDpVevqZMdGujSlnsGPGyjpFXLqz" \
    "9Aev9zZQptkzsp6kqxwU2uA_b5nws9GnIVfF7nboAOaF8WeGipElJR2eTGcgxLTO5UDajQj4" \
    "Z3SRzXHAuTmnci5BORnab9k14MyRGAPAib-Ow5-4BUxYtUhjajo5Mnla4LzDogYXfP5rOOqU" \
    "mBj3IaUVhxw8sabPvfJUbvTbEgFU9dOkGPNQ7qqd2YKX-b9QHIpWtirmWsQmma5cm5zNEh0O" \
    "prImot20g3RxMlrg50dXJMIQaSfGYS_j9g"

#define JWT_AUD_ARRAY_WRONG \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6WyJjbGllbnQteiIsImNsaWVud" \
    "C15Il0sInN1YiI6InVzZXItMSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwL" \
    "CJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.HbLgq05xPxkK7HwRM6a-" \
    "A_pVwzHgqiCfi0JA2eejaIMKnpIAPgdEdwbd_fZq_l0vpboE8icIAdz3T_k5ReiRSUSu6J3G" \
    "Deo3WdIXncsrNQ3fDxkJaVI39KS_-G2qerjtCOd27GswKqVycPbdBVVu2jROASyPdso9M8-f" \
    "Ad4tfegxR9CIE5eZgCM6UmRyv1UtAly1oA5tTQYbGg_RSoWYqFDEo9BTImXMrAHfh3s1JntK" \
    "Yb0IZXBi_CTn3Kvk8p6zPDDnn4AaqclW13LW4vn5Whyzkn1zdO93uV6H5VVoUvWKeS7mv4GE" \
    "083_-b8lOjvacMkn3iAjjFcl_ydRNGCCag"

#define JWT_AUD_WINS \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC16Iiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIiwiY2xpZW50X2lkIjoiY2xpZW50LWEifQ.jkgXBZ" \
    "GLX0a4XYrkcJaOw9o8lyic6UaasuDwrZH4zQJ3c73Q-xbeLH0GJo7a58u7RAohcRssziEUit" \
    "_gcMmOwE9AQyX2sRAfY0vD96VLSeUFX_ckmoTA-YyKwzT-yrvq0K3b0mr0MwIAO3HIryMLo1" \
    "SzAjVtA_6CB69qjg9rxwhB8yegJ3qIFfdOzKnNWP0r1EvaibeR3tITIWboB1s1IVw-v2NU7C" \
    "2sYcEt7OHG3kLdkvnBXESe7LpZRHb1qrM0e92U35N6Gc_UtsG1_Lv3FVShsGW9LTS9ELD1yl" \
    "Ef54OYGHjy5ajtD8U0gPLoFzOrIPNgWwlRlMyYPlRCfOjCXw"

#define JWT_CLAIMS \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIiwibiI6MTIsImYiOjEuNSwiZmxhZyI6dHJ1ZSwib" \
    "m90aGluZyI6bnVsbCwib2JqIjp7ImEiOlsxLDJdfSwiYXJyIjpbIngiLCJ5Il0sImVzYyI6I" \
    "nFcImJcXHNcdTAwZTkvIiwiY3VzdG9tOnJvbGUiOiJhZG1pbiIsImNvZ25pdG86Z3JvdXBzI" \
    "jpbImcxIiwiZzIiXSwiZW1wdHkiOiIifQ.Aq7DLqtHcnw0oktb5wuMJA5rfkk6TR_I2CQ7qo" \
    "NUSWw0ypDSo8KdSAEkd4ZLgEVbXyNfgh5cE3k-E6K9MtwYITU8qznKkCzEj1rT-UNjkW6o0O" \
    "RczU5nL1gSaXq-GCr8Lw2qrAdvmgk4JHLPMHz_ESwjPtTuwQCEgwXpK91KqmcW5ONajm0Pp6" \
    "7w6OmbwfkciYhDiUcIUVp1lqXNHjbxjCiywpUIh2-5V18hAughL1qwjUR8HnO9gNueJ_qXfT" \
    "pl1ryvZN7jphPegEnxSmXeTRT1UNMr2gCLvzKIKQk3ZyOD-zei1o91e2hPf13GZrexiafprS" \
    "ymNRjttegYIrlzMQ"

#define JWT_CLIENT_ID \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsInN1YiI6InVzZXItMSIsImV4cCI6MTcwM" \
    "DAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZ" \
    "CB3cml0ZSIsImNsaWVudF9pZCI6ImNsaWVudC1hIn0.m4sEUnmOyaIlud20PvC3Hn1HSujhm" \
    "pt-1OzhcsfTJyfYB16UMDFZ41O47vsQ_L4pNyV2N_QHxp7g9B-OJfguRVPdq5BBUToL67oF3" \
    "OhO5_iGTG6shhRMUtukEbPzaSCQ0IiJoyaWXtvF9yvg82etZp02HcTZBo3adtoY1kPYSW4Ag" \
    "fwGsO3eTuRen_epOaJRAoNzBnImWqvnknMTj7MBR99HAxKbpRPSxyYmJId2GD1NMKRmeUaRa" \
    "3JadMlMoFKZXANye_OxS3ikPjsz_8h7cHVOtqWK2Am40MH0U27FTgU0lRV2hn1MpTJzs-QM_" \
    "lgqbpL99LbXwIc-HefuaEruRw"

#define JWT_CLIENT_ID_WRONG \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsInN1YiI6InVzZXItMSIsImV4cCI6MTcwM" \
    "DAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZ" \
    "CB3cml0ZSIsImNsaWVudF9pZCI6ImNsaWVudC16In0.Ge2BmwBN9Yow8RdAV9_IHUVVI2L38" \
    "UjT0jAXjgVPHbCq8I3e7GKLHbQHm3iOl2uAReTkOeqXvTXuwHLAHkp28K4o1M4C8PhcsdZcX" \
    "CJwT_xBT2-E3WxkaLrhHI8xvl8B-woYj1Ml8xiAdYwovhxnxwAYEfJCHPnAU3m100ZLNhi6Z" \
    "sVTrYgAgk2gDNigyfoejQyyTev2wn6d6JknLELuSUhM0Hy_jcs-3XX-jMsLTn0XmK_yUd4hE" \
    "gP-ol5uah7u0UfkimkCcogR-ZlRCE4p2_IC9x0PqOfLy9hmXX7s7eZXADHca8kwTWc7CkR8S" \
    "4WLg4TKl08sd736iOKTRey8IQ"

#define JWT_COGNITO_ACCESS \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsInN1YiI6InVzZXItMSIsImV4cCI6MTcwM" \
    "DAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoiaHR0c" \
    "HM6Ly9hcGkuZXhhbXBsZS5jb20vY2F0cy5yZWFkIGF3cy5jb2duaXRvLnNpZ25pbi51c2VyL" \
    "mFkbWluIiwiY2xpZW50X2lkIjoiY2xpZW50LWEiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.YA" \
    "uYhY5uzBu2Cocx9ucj0td0vg0cD3T6E6Y65Ox5pohA1D7FyMvmmRxzPCnFRLmZyDMvipvNS9" \
    "Q-EjuCdfPmra4A89l-lDIZfsLHyTYi1TIxc5oUKPOmCcGGS0KP4Sj-ByfP-c1o7SYtYHLyEb" \
    "6xdbMHc1LenQ72DkRTexBZXtQl41xpNv2suEhtz6gzFxZwhfNED7E2Pxy9_teEIb6wspeHK8" \
    "JmKvk1dIv3VBL8Ml80lbPWu_uKaxsh8Z_kAnD0jZKCVAmrbmlVqBlVKJ-5JSXI789flaA9XU" \
    "Bes2Bn5hPE7syQGZrYncq3zWbKOOvWSl3N0u1dVQlV1MqSY13ugg"

#define JWT_COGNITO_ID \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwidG9rZW5fdXNlIjoiaWQiLCJjb2duaXRvOnVzZXJuYW1lIjoiYWxpY2UiLCJjdXN0b" \
    "206cm9sZSI6ImFkbWluIn0.FyWGtVHelBbJ1Rz1JQnd4Ub9YoiwvaJDACz6MKm0j6BQdKMRb" \
    "ef5DXwCKrcjht1zc4AF8prrzhH8hO26SV1NjH_plkd3VcVj7rc-IlaPxg-VFZtokGffG7ETm" \
    "pYsfDW2CPttQ8dK7vOnYt-FxOmXyAlQ62gSBP8tqjK8XZP3sQlldV9ykMLYv6jvslRwIUcSy" \
    "5NFPpA_QfnnV2amxfNyz5EF6A9QAjI8iuhtYpSXzAPwErApK86xRg7mnam50FOvWGwGEwMCk" \
    "alC1Oa02eDG62rl9qAlsiIjkjtQsvf1jgvy0SfIde2R8uVAmG7Y9kcGs_1X54-oTojIETgnq" \
    "fBWOA"

#define JWT_CRIT \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJjcml0IjpbImV4cCJdLCJleHAiOjF9.eyJ" \
    "pc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1" \
    "hIiwic3ViIjoidXNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5" \
    "iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.SCd-UlW3pfZUjB-g351NO6a" \
    "eGY_Iv9XW7y38m1Ch4is2RhE1YOwnhp0tSU2BEDhfDVvxv30bhSnAIAxqASRPlwN9wXBKWJg" \
    "fSRxi5srgNVMXo6afw6SiLO-cjYykPyCXO0u8XH7Yaex_5f4NZhPQaOHs-8FQoGX_RsubgKU" \
    "-JsnnfEfr6WL5h3rAF39ss17SUyJkBu2J5qhvCOaPxqSrMIFJAa75AeaIcLkDc8fapRXUhty" \
    "QWpcK3ADWbhLj8OS7gLw1mLcRlSLjL-6g_CjW_NnXVbHaY7-Szn4uYCM6kFsN_uCKQhhDaqr" \
    "Ii1M3TUNJ_CUfriwNS0KRXrd1JkVU_A"

#define JWT_DUP_CLAIM \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5le" \
    "GFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwI" \
    "joxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiO" \
    "iJyZWFkIHdyaXRlIiwic3ViIjoidXNlci0yIn0.ALbHDv297l2xapxscVTgCBpbfwNdxxdnF" \
    "3lX8zq-3dO6dWeeUYH_C7FnKNYRc7zasee7-FEtGErGp2bFgKkRqeXjzsKmk4gj58kTtrSye" \
    "uqp31Ph7y1vPiDw8YSPT72saqQRUjAaSDEmpxM9jv_6AbZXatVjoz3xsmxuvF4OGkj8XSQ0V" \
    "AYnhXzpbzSzchnqgX2ch1G_Z1nG2LwnuyclFWN7OtrExwa6ECp1R12WqEOpHKNbKIO1uWCTa" \
    "DN7k0m5_UJmLi7b976LOHO58zg4LexB9WM1_kzWiOjzFrcEHrXBxgmb7FSNqATKvbDBF0aHf" \
    "4Bh8Pc9rpHYOg64zfgb-A"

#define JWT_DUP_ES256 \
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImR1cCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczo" \
    "vL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXN" \
    "lci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk" \
    "0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.cRj8gFMtuBx4lh5CyyvAOhTj3PLxPTaGFiCs_m-" \
    "YjIpP6vA7JHxKZNR62u2g-jgjAIQbFUCFbuBk0Mfic8mbeA"

#define JWT_DUP_RS256 \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImR1cCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczo" \
    "vL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXN" \
    "lci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk" \
    "0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.ELTvcSWI9f8ZgxIWQ1n3LK1x591fjFh6fHRpG9w" \
    "i0IH81Q6Uz1VSOF0qGytjb4E7LtAlLfVQWVXUa0mYOeWu94qTDAGzeNfi6Vs_vg0lB8Y777e" \
    "ZONlQS1ltSKP0K8SmG5bzvB3QbyibfejnmuNENaVGD8BdHAtf00_zac5RezAW97mtAPWynhi" \
    "65JwPGbtiVP0gVz9YUnf0-4WQlBHVycPnJqwtCEzR_R4wb4RGg4olEXDidpR7p2I1ELXGhqk" \
    "3ez5EvEPS70SfnovN9oElvg5T0-Y332QNyk6hHrIlGjiPE1tTs1maASa6aDaNNLPhzEhRfhV" \
    "00m-eexLDmopU3Q"

#define JWT_ES256_DER \
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjMjU2In0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5l" \
    "eGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhw" \
    "IjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUi" \
    "OiJyZWFkIHdyaXRlIn0.MEUCIGTbiX4rUx4vHTiH9Tr52MQoJ_Y9iAsYHKkJNUya0TvtAiEA" \
    "lowhMw5smkjO-_j1ZB1xdFUv9cFS018fW4rg4xjz0OI"

#define JWT_EXPIRED \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNjk5OTk5OTcwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.J5Kf6sXsF5x6YuvE4CZVJK4_Q0vvl8Hej6_6z" \
    "bcMJfqOAcrgzrgPoKgrVbY-g6XKlTGzQ3mnLMMD6y9cO8EOsY2Qnx2Ax_gVDvWX7Do3mQ-Hw" \
    "pNsuHxQANVFBNUIm-dIJLsIYP3J7Lum07I82LmVJ_ON07gIPmvq6YGGIvFOnhXzYUwIFzWRM" \
    "8BN7A0YJ3aGX2neeyHTKDrOS1rmk3m4BwOW_146QiFr1KKbcPCRi7EigCQeoDDlVGYQKzaLX" \
    "z8V5wiOFz0f-r57f37paeDs0BXCOjKfGa8ARoUVmOXQ0XTB3-8wEYLXvIyIvunf5luj-KPPS" \
    "0aN1kvfpgJ6L4u1QQ"

#define JWT_EXP_FRACTION \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAwMDAwLjUsImlhdCI6MTY5OTk5OTk0MCwibmJmIjoxNjk5O" \
    "Tk5OTQwLCJzY29wZSI6InJlYWQgd3JpdGUifQ.SNKi4ZY5hKIGUEXDX6nLDDcT6Bejb9mpL1" \
    "KDtyzGUP8gD6Hcu1qBVXPkKFu4Aq9ukaByYGCUAmVRMZeBplEW_Ltmf6XXot45lD0hJ0KDNV" \
    "T97QFZ2DrX9WraAXgwXVKnmv2j4Q1TYZ-xophUfknvS5n6R_Rgmyc0VX4BSnSSNMCWTQh1x_" \
    "-JhXCyyJ9bngLiCEu1k-HxD65aJXTrUGOLVRf3NLppDdTXTG1nAp5IOWzrjiHFhti72FEh_f" \
    "wyaADKMx7TzkoYklSr4Msk4uiDzApPpaNnGTzpK1ktKaDG239Xo4oNJxN3GsrS0wxK2JUz6q" \
    "02kKWtf2yfVcnpCI1IgQ"

#define JWT_EXP_STRING \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoiMTcwMDAwMzYwMCIsImlhdCI6MTY5OTk5OTk0MCwibmJmIjoxNjk5O" \
    "Tk5OTQwLCJzY29wZSI6InJlYWQgd3JpdGUifQ.l1_XwrgsWdwy629K1bxPSfMh7JPSMPPWh1" \
    "pth8Q-r0y1XIYVJ3KDAB52V88C1PZwXWm5o5qAAp4NKiGMZ83WojN0YbBM7Tow2YlPAQta6a" \
    "nFJ7rIgPz-VQ1pXCDRepFwkdBA_5Xb8pBjjXRq7_zqJ2H1x6ujUWfaNlRo9U67f8RfmBgTbx" \
    "ZgRvEeFEQDpe7IxRv33YRZD38MozEp0t53HK7-CfOBsYjlReVsc4dqeydbcERxjWrT0TyI9f" \
    "8s_HSfYORFOKzRt_JXDjLaHoudj_Ck1Cm9nENuewgpbWIFYtv1PKcJ_tyU9R47Q7Mgk0n3sW" \
    "NgoM7O3y4hACBvyUoQ1A"

#define JWT_GOOD_ES256 \
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjMjU2IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRw" \
    "czovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoi" \
    "dXNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5" \
    "OTk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.Z8aVmTeJuDnXdzfZMCvbUx9Gr1TpyxRiC4af" \
    "uWnZyYOHLbBAU80c_iVJNf5KXlaq-btBcspx7FcBZkKYu4g-kw"

#define JWT_GOOD_ES384 \
    "eyJhbGciOiJFUzM4NCIsImtpZCI6ImVjMzg0IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRw" \
    "czovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoi" \
    "dXNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5" \
    "OTk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.M9T_K3fnyc1W1XoNt_SLKu4gvwid2J1-XNHQ" \
    "51znnxVj1mITRJrfmfNHfgms2Pu8J7Kw-1h8sb39R7iPk3ZjOFRvuOwT8Y5Xe8tflvs32SXT" \
    "gB0guoReWxEOkys6IIUe"

#define JWT_GOOD_HS256 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGF" \
    "tcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjo" \
    "xNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJ" \
    "yZWFkIHdyaXRlIn0.etqDkRfWFecdFMnuK7wN0z1TrtM3KkpRKIv_xmIGgGE"

#define JWT_GOOD_PS256 \
    "eyJhbGciOiJQUzI1NiIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.YuEgANZQW34s9IZxUJiT0-HKviO5_7WCWHcFS" \
    "68JUbIhDdAhGMphERHI7jRye6pcZq6supi9dMciJwAY8sKz0fWD3zXv6Se_w53wzumwOgCB-" \
    "yYS9SxclRogWrjLwklaVNFmAnrAEmDxbEfudHK4GsVBitPm-gBB5cdfchEppwWe6oriJffme" \
    "Us8axOYsbFVOi4dad631o-08QJZpPYGbN7jIirLDXnFv9LgW-zWXCNGOcyNDT55PijrEUVDL" \
    "XIGoH28r5I4zUcrM3bo0YzjjeE1SnGc7AWOweqkwdG4LyPCTCMYzgliIiy8Bzy2y6jbT1erG" \
    "4pfz3VFHkIJOQjJtg"

#define JWT_GOOD_PS384 \
    "eyJhbGciOiJQUzM4NCIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.IoxQRIX0V2wbn0kj4QHZyvE3WN-RSpi1_3s8Q" \
    "vXOYRYlTqSpWHB-8uAEsHTZZ1H4NI0PzirrL6TaFASgHnkgncmYTqfKd_EsEBwa77OqY8XCB" \
    "KY02jBQewN9mZCfldOC7oIINsTrSu5HeZBVRcZghV_DvoJuFI4nmjMY1WEdXq7_N_zoTNPlw" \
    "8zaeOiQL2hLAKIEg71C_09rD4M5-QX2i5QQ3f47wdAP6WmcAdWFfTM0C5dUwX_az-KhptOfh" \
    "_dCkn6a6E-elGXv9a2OfE46oDzixHtt91pP3iqgVDWo8K6VTuhD8JzuCa_KPrZG-9PsV7ASM" \
    "wj-OIGhjyeI8I8HkQ"

#define JWT_GOOD_PS512 \
    "eyJhbGciOiJQUzUxMiIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.OHlVbhKDvRZwzzILfPzdHn4VLin31-3pHTFmd" \
    "1W2JOqcXeOK9QdBBaWhdd4hnVu3_4O2La2zuqih4yNYY_fJ5AnUX4zQz7hE-VSjeyGwc8qTC" \
    "19wUy4i5-w90opwukfXQqbFbOrIi1AVB9B6oHBaUVCBxzRsQgq9x2tituZwNhM21bW3UF0Rw" \
    "9WpmLHajuMmZ2-V8nEVd02zU9uUE6INgfvQosUCSQqD-UDETHy-ZcQeJlOlK2AHI84WxWcHj" \
    "LiGOnLWK0yK5m2Y51Y6P5p-XhlyImzphLrB1Y2hBnmkC7romlsXq0frMlt548wo1SXdLzF-X" \
    "DgHnwOIIUpJ7YLbhw"

#define JWT_GOOD_RS256 \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.QZIOP_11nPy9gdQXXgZ32RIob4f9dRGXDIRiH" \
    "GKhneFBEDBVpBzWWS1toRMlLbfeHllIpYA6lvufCZUQaiJSfs4Pjx7CYdHaKs_MYWSXqw5lr" \
    "0SAUHUfOaMWfNYgvSPt3JVQ0Ckm4Y6sHbLT9wIW4Y-DyRbc2Td4Oedp_mMM7sfzhThLJnlI-" \
    "IwhxhjRqpMbzfAgOG4WbFjlK-BVYkw59P_foh7PwC6PSFnmTL2N0TEAqkh9xfRzEOI7tHluC" \
    "BcYgiQwdhTymiJ2XS6ZFlpEA1bG-esf9GT6FsUVSg-UlHWdLOA6ehC7h2SfvaQjzEAW3mb_1" \
    "vV_rnIi2OqiLGkQ1Q"

#define JWT_GOOD_RS384 \
    "eyJhbGciOiJSUzM4NCIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.YnZU-tozZvi6IFcR8VAeeuqUnKFPmNgzKRPuX" \
    "LL5P1AoL8t0dSeplO4ZfY96xsZUl5pyJMHW5D-Z76y7Y4dNNAU1aKecvqrtixLMMhHf-MTCZ" \
    "w2_-yiH-x5UeHVZkeW4tupxKxHbP7LUcmnjJy3JZZXVIl3TZbKYNwBYwG1g2pjdL_jXaRdYY" \
    "5hdXDFK4mkx86-q1Rfp92r_yKZjskhvbmHXETE3P93AaCckD5ZC4IQo_dpQfA595gS52bXNB" \
    "dcEEJQxakteMmAjWSgw8NbJWWnEOgl9hx4dRaukqElE9OsLYTvsN2BvNrTKPK8Ap9Vc3E5_4" \
    "Tp8rUaNvkeAvEjjdA"

#define JWT_GOOD_RS512 \
    "eyJhbGciOiJSUzUxMiIsImtpZCI6InJzYTIiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.yByH3cipjDF_19pCCcX86DL9DVznxvDuTbXHB" \
    "1KsbGn_Zy4z24HSRKoWXbpsUh3trTvY3L29_6VZl_Rr83_CQ9aCWQIRIj-YHWzQVTNjWkVC_" \
    "R7qqk6JFIMVK6NWBlbwwMnMuYSJ1hhlEr4wrQGS-5XYxRXRoc9XSVFaV7tqzqY4g7TNybRn_" \
    "bjW-10ly6hfg9R6Dp4cF1ElY8IICFWjXfCvc5FKTnjiJ_Jm4X13O9JGbXSbk8Vf0ZS4o9Pds" \
    "qQPamWXaJUAuBdaFvW9ER5zPcR5iLsGCOXrF_jvTvsniyOi3TwLYvYQlVIh22Cdvu2k5cHmj" \
    "JrTTjWMvGCubYFwVA"

#define JWT_HS256_WRONG_SECRET \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGF" \
    "tcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjo" \
    "xNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJ" \
    "yZWFkIHdyaXRlIn0.wGfx5zJ-2txn_zAB_VnhY_4nk4Y6EWNJKqGWW1NDD-k"

#define JWT_IAT_FUTURE \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMzAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.jQUCqobXCAwH9yHx67lu8XGWMfGxIlDf06dig" \
    "X9mJa7rfWL7BQoMO7a1ckM5KJVHxM-ccDjztDQS51-F0rNnL7Ue47L9Yb4ELthI-EhQvqvC2" \
    "DGpy98rW2KwOViLwg4wdNpPoRb8SLG4WDAeAKfZHboz1nytIkSdJ9t688NVqfGCjYPI5dMFV" \
    "08WbiberaXeKuiphy-rteXPYOFyfUy2vRYBiMZQZIQTq-vq7JVeQOASGDlfp3_g7wi72Iw8a" \
    "21WJ0uNtm7AugLAwbod7tj__1zbGKgV3oxpWnigH2vBpJGMui-l7LLCW97Qys9Sulc8R6AEI" \
    "1O-jlZadJHY6Ydsnw"

#define JWT_NBF_FUTURE \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTcwMDAwM" \
    "DAzMCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.g25tGWxcpJyD-hP_SPHBM9bgF87jGpys-mQpz" \
    "-orRqWa03kubfkX1_U91IqxAtQwC86OFbIPERjLPjqco1yprpgZlKfiZHV5Aao4yfRj7Yxr2" \
    "KwVrQ471X5eLxoxyH4CoeGAtHOwrW0JPe3ZY4szVjnZI2Rp712VVI1AMlEvJEefyUsTW4Lh0" \
    "qVGmF1CmDcCw-3zwV8IE6XS7KLRKubM_u7tPq9C1XRS18JPoSsiKadvkLq_RvEbuWDVndbKu" \
    "v3c9U1uO1fy8xXFDkJ78Hv7U8aOm5c0gbQbik_W-mg9aCAoUEk0G2FyP0VF-JpYZK7DJKhaN" \
    "vgH_bG0XCt6ih0qWw"

#define JWT_NO_AUD \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsInN1YiI6InVzZXItMSIsImV4cCI6MTcwM" \
    "DAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZ" \
    "CB3cml0ZSJ9.UPmI_LVabM9f8F_hedSiaJU_rNtDoeUv5S4XTDpzhKhQsBjpZPsZPh_PyfNx" \
    "xfhh_F2o6UTvJ8j1WkWzg7nIpp88Qs8hjGBsWeQrW-6Jc31wNEW2HRQ5kIr9rnkZP70aMbu7" \
    "IFxYdM1VXg7bcVgLiyKjgDcb32EqyqHgCF6zpxjAxQVqnNoLPVUMzOVqPgoftZaY9NIIo-PW" \
    "ltduViy-uAHKw3QgLoCn5ryleuMKVpmXfHOKIzb65QCILhduKjZWHItWJRWMimlxfW3FDbE5" \
    "A6VKXJjL-QILGAALmS-zPq05If-JVmOlVZeYHNNO3jQNeBg475cwJEIfMJUdliemVA"

#define JWT_NO_EXP \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZ" \
    "CB3cml0ZSJ9.bBTOiivGAzozr0SClsv9eTAymTSOMDyLJOmvyg7CZXseZ4_DmsFpaEKbdnz-" \
    "WxxmW5qHy-_MqiE1WxqfnSKIFMhljikTGfIlGUwbOipppLdRCw21yZD9bDNQ1wNC1eA5zKA_" \
    "evshP6OcyKCxbaPystanaKnsVLR91HiJqHQOtOX-xuTA7WAs9ObqmCcRsAg0mDLZcgj1ucki" \
    "0uFayZSMqMRWI14SS7SJfFr5dX9axanG9-_wvxXi7xYxlwAaFZ6XQhuXUSNPHLbbgZmAzWoL" \
    "Rl2zDsOJAJ-8P1tAPVBZOrSsqpOpXRIpidW-5HEkpBNiwRjLFO3Soc9L0DsbPQI8jw"

#define JWT_NO_ISS \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJhdWQiOiJjbGllb" \
    "nQtYSIsInN1YiI6InVzZXItMSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwL" \
    "CJuYmYiOjE2OTk5OTk5NDAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.SEZfRh6me0NXKW9XIjlQ" \
    "ANQW5J-pvWgRB0ZR_zHXjcgHmtuPUvK_BiHI5rl2qDHZRgV0i58ifH-0QFxoUjLUM1UMXxkx" \
    "xghY5rXrqehoCb2vssU38ydjJYXx_QEoL79NBn2PxC9s2ahyCM3P79Kc86pSZHt52CXlciei" \
    "bb7cetSMMSlcTQU1CgMXDU_fcy0jW5g44j-7ogJEY9AsCPFftMU-dp3zdqI_0aY1RQVl42Gw" \
    "Q4eOD5GpWcEWOBCFqR0D_QfWzpAoZMOUIJRViCU9LuthYTkQXNzWan31tXVLmmbmU-GvmPPy" \
    "hnRsXk8jvGsL9ICqvvhEM86VrPCdhhaioA"

#define JWT_NO_KID \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGF" \
    "tcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjo" \
    "xNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJ" \
    "yZWFkIHdyaXRlIn0.JGFGihqchlRamSaayGP9dHgmatvVMtKALt_7q07OszL_r81XtV_yROL" \
    "ZMMdz2oJxwy3p1XFSTUTZdpfA242Zs_cWBcHG605J8xfg8sdZiilsI0pkSVsuw8PvjQgVy-y" \
    "E-anbk2UirYz8ufQoibFssRD9H5z9-pddEhTD7Aj5BA2HziFnGGy6VJ3y5zIGc81HIKE7aGw" \
    "3hvL4YECBofqVQ5OqnL1j79e9245Bh63Zr40n0XlIwDKc7a_ZWO3fY-ooe443IxwJT7EosqX" \
    "YTrjZRFaXnWVDS5Sfr1RdyrXFrR9xpI2Gr9WmRQW-TbGLBR2NFc3vTdRtufZs3QyseYJhJA"

#define JWT_NO_NBF_IAT \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJzY29wZSI6InJlYWQgd3JpdGUifQ.MYONC4oAQO" \
    "3RNLj9c9Ovl0CE88R-Zo8rxputokS68G47z7jl2lKSLteBxY13sULHgSr5epSNhRMqDSK_Kp" \
    "3lth967Lw7HI5dfkU7nQQC6yGm_FlQSN4vjyQ48oeZLijZpWNEpYZGnNc92zdqvBMHP3H7kz" \
    "8_Tjo8K5YeKjN7lKt28sgAoo1B54u7j3wmyNl1jdp8bnRjA_L1PCw7gRFPNFaAQ1IOe4ioiS" \
    "ykNAjm-1dfzuByDE8YMhhl_1RoieifIh0hIl1mxulLK8ePmCPwPr5mGLVfH5zyV5w0J1bQbE" \
    "Y1SkjspBqUcPyyU4l8TorBfrmgd0X-JEOhtlJisFItiQ"

#define JWT_NO_SCOPE \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MH0.qHSy1yet3RbZkbSRMJBDfTSLHlDLzY3EbjZJCzCSyXBmxsxjSbgCg5phkkYJqgAF8" \
    "DYXXpLAW4C1j3yv7qAjecmTN1wVZhdCThaKrRQdReuOrx1NiNF9oJiJJ1VRQvsYZP2uEI1tF" \
    "ZYG7U2d1qjcNTCmgebSiRSFbwXw_Y1zp4O3gP4nZaS6YEGVVYY6HyhZ2UJx_6dO7KBL_QNg1" \
    "aCeGOc2tva7VEa9Ebp7rwaa2QSVa6Q2UJ_RIMw-DFKjV74_vi3izP5JxpwWVQsiqN7ToM1MO" \
    "2PwfWV9ALAbqsxVmI2kncDYK2Q1o6S6mJpEsrDsQSFgzgyJCmCraQB9XPmRTQ"

#define JWT_SCP_ARRAY \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NwIjpbImFkbWluIiwid3JpdGUiXX0.EU82rjEC_H8DC-gGzDhqULq8WVjjpI8Sp" \
    "0kVXo-I6njy--jGgiNS_atdJailvZVVIJ00PVIBSfjkXp9H6_FP-9w7tyVgBsTI4XQhgxFKQ" \
    "tkbx1i3q2mjNIPMtrxj-NIsAEtRlb2vNlIpZlvwq-8rQ-7P52B2vSkxWJElcBLXFLxSEJJFi" \
    "_C72Os2yjeImM9eFKCLGEEg9Nl-ZTvZXNECTpcYfLWQ5mI8vAeuoFBKxLOIqncJZxsW15w3E" \
    "eMurcBsiNvatnYt_r6OykYDqJPphzW8nMEjelfBRlz9Tlbn-xFsjPjRZnkKGfvxupBZK0ulp" \
    "wecgEwKTWZS2JQ9zRJ5BQ"

#define JWT_SCP_STRING \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NwIjoiYWRtaW4gZGVsZXRlIn0.cRlD1bftoMNSbDCatG03guY-Kup1Rcl7IKoxf" \
    "lqgPHEdG6bvjXXR6eK3535i5zz1Qw3bhvqeLvAHW9hXxhPDeFPPrAa_gYwpWI7m21ySxzgQw" \
    "cJM5PG_Uw7hpdKqVYNN4rF8HHj1LNcCP1b7ErmdwuEETZbKGKwTlQytTxaE5Ljje3CpRmq0r" \
    "H0d5PGYZYjcDulTAWijrenFEQTFJr-4NQb9deNdrJt8JRN5S31jJn0m0nI6-aLrASz6trTFo" \
    "r_pqcOvN021PZd9_QN5l0kfHzCqGJ3OHABQEm4zWvQhqex3bY2KrPs75tuppcdOlxE-y1Nky" \
    "0GZ1Ilr_TOFrLohGw"

#define JWT_TAMPERED_PAYLOAD \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoic" \
    "m9vdCIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5OTk5N" \
    "DAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.QZIOP_11nPy9gdQXXgZ32RIob4f9dRGXDIRiHGKh" \
    "neFBEDBVpBzWWS1toRMlLbfeHllIpYA6lvufCZUQaiJSfs4Pjx7CYdHaKs_MYWSXqw5lr0SA" \
    "UHUfOaMWfNYgvSPt3JVQ0Ckm4Y6sHbLT9wIW4Y-DyRbc2Td4Oedp_mMM7sfzhThLJnlI-Iwh" \
    "xhjRqpMbzfAgOG4WbFjlK-BVYkw59P_foh7PwC6PSFnmTL2N0TEAqkh9xfRzEOI7tHluCBcY" \
    "giQwdhTymiJ2XS6ZFlpEA1bG-esf9GT6FsUVSg-UlHWdLOA6ehC7h2SfvaQjzEAW3mb_1vV_" \
    "rnIi2OqiLGkQ1Q"

#define JWT_TAMPERED_SIG_ES256 \
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjMjU2IiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRw" \
    "czovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoi" \
    "dXNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5" \
    "OTk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.Z8aVmTeJuDnXdzfZMCvbUx9Gr1TpyxRiC4af" \
    "uWnZBYOHLbBAU80c_iVJNf5KXlaq-btBcspx7FcBZkKYu4g-kw"

#define JWT_TAMPERED_SIG_HS256 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGF" \
    "tcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoidXNlci0xIiwiZXhwIjo" \
    "xNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5OTk0MCwic2NvcGUiOiJ" \
    "yZWFkIHdyaXRlIn0.etqDkRfWFecdFMnuK7wNBz1TrtM3KkpRKIv_xmIGgGE"

#define JWT_TAMPERED_SIG_RS256 \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.QZIOP_11nPy9gdQXXgZ32RIob4f9dRGXDIRiH" \
    "GKhneFBEDBVpBzWWS1toRMlLbfeHllIpYA6lvufCZUQaiJSfs4Pjx7CYdHaKs_MBWSXqw5lr" \
    "0SAUHUfOaMWfNYgvSPt3JVQ0Ckm4Y6sHbLT9wIW4Y-DyRbc2Td4Oedp_mMM7sfzhThLJnlI-" \
    "IwhxhjRqpMbzfAgOG4WbFjlK-BVYkw59P_foh7PwC6PSFnmTL2N0TEAqkh9xfRzEOI7tHluC" \
    "BcYgiQwdhTymiJ2XS6ZFlpEA1bG-esf9GT6FsUVSg-UlHWdLOA6ehC7h2SfvaQjzEAW3mb_1" \
    "vV_rnIi2OqiLGkQ1Q"

#define JWT_WRONG_AUD \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC16Iiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.K1lEBnVy4WrhLapcoVeZvuLEG_fkt5sLbYzIm" \
    "KD_DoGQGvkgffYTDDih8F2hAkL_Zx2oEM0ZTHSVFGyTtern97FwTJUVyEwR7n-tKldPSyuQI" \
    "diazbHtyv59FHrvrcRTX4_ppqzeme2Ar5cLrH7Fo88EwwF3xGkrxhOTnzJeO66wFJQABReVR" \
    "gcv83-uKmgl7p2vsNtq4KMUww8ISarVoUOHlcyzzg7PdcGi-9wqQSCA4P2v_MHmmrodC984f" \
    "74dOApb1k6ADJpNdY5O8OA0soULQzyF-0u7vCvoyyExFPODOPZnwcRsbEKcPyw70Cvm_BUAy" \
    "Ku4YTc5aUP0tgehuw"

#define JWT_WRONG_ISS \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMXgiLCJhdWQiOiJjbGllbnQtYSIsInN1YiI6I" \
    "nVzZXItMSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNjk5OTk5OTQwLCJuYmYiOjE2OTk5O" \
    "Tk5NDAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.GbFLRw-R3BnXwauhn7_lXh23R4vEJ2RMABSk" \
    "anXW9nFS0VuiKCy07Rgw7shqQuXDO1NpF_YpXdQERDY0mos9rGxQhSzowedJlo-4Q_Li8LK0" \
    "HJANK7102Gsgvz7OIfUIXf2PdIBvNAGOz6VW5PUa_aIeHiEHSvg9c7WjPrUNxCXOJJQaWEyl" \
    "rMzDKyNafY2euLYUCUIUbkgtixehU8EvNw408ueMBGn8dVRn92cfPfKe833ifq9b43xQWmPb" \
    "a7RUfj_i7lrWiH4mirNHNAeYcnr2tMLwlWD0DK7CvvlsuV1xujzZxDCqB3qcuaebGrrRg8AV" \
    "OvfPPww4Fe5Ta17rSA"

#define JWT_WRONG_KID \
    "eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vcGUiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwc" \
    "zovL2lzc3Vlci5leGFtcGxlLmNvbS9wb29sMSIsImF1ZCI6ImNsaWVudC1hIiwic3ViIjoid" \
    "XNlci0xIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE2OTk5OTk5NDAsIm5iZiI6MTY5OTk5O" \
    "Tk0MCwic2NvcGUiOiJyZWFkIHdyaXRlIn0.I7ZteXTWTWRmsX34m_3Xr4h-dv8R556Ktfzdt" \
    "pDF2qoVHVu5nYf-QTMFAEAcvHCpft1mhFxTwitKMyp9bdSRovB60ssvy3a4w3IWYlxR0szax" \
    "tmwBDMfXQywjEqhthoSm9FHZelA0GMg96z_OUQs9EeY5gnXRIwei62quf7QJPEwDXaxdpNU_" \
    "gWY-evDUH2Fs2bMlVBK8jvxcT084YK8_dSo79wTiIpHH-7XetGcpi7j1YR0CKyhsK3DkuT4T" \
    "W8BSO-OYmvx-wTRHFsXduaNhcJRFcq6rLhSdEGnzmBSWrtruWVenYkkfvVh1Bim2h1ZsBRrs" \
    "Utg-zvlWtD_AnfIzg"

/* X(JWT_NAME) for every token */
#define JWT_ALL_TOKENS(X) \
    X(JWT_ALG_CONFUSION) \
    X(JWT_ALG_JWK_RESTRICTED) \
    X(JWT_ALG_MISMATCH) \
    X(JWT_ALG_NONE) \
    X(JWT_ALG_NONE_SIG) \
    X(JWT_ALG_UNKNOWN) \
    X(JWT_AUD_ARRAY) \
    X(JWT_AUD_ARRAY_WRONG) \
    X(JWT_AUD_WINS) \
    X(JWT_CLAIMS) \
    X(JWT_CLIENT_ID) \
    X(JWT_CLIENT_ID_WRONG) \
    X(JWT_COGNITO_ACCESS) \
    X(JWT_COGNITO_ID) \
    X(JWT_CRIT) \
    X(JWT_DUP_CLAIM) \
    X(JWT_DUP_ES256) \
    X(JWT_DUP_RS256) \
    X(JWT_ES256_DER) \
    X(JWT_EXPIRED) \
    X(JWT_EXP_FRACTION) \
    X(JWT_EXP_STRING) \
    X(JWT_GOOD_ES256) \
    X(JWT_GOOD_ES384) \
    X(JWT_GOOD_HS256) \
    X(JWT_GOOD_PS256) \
    X(JWT_GOOD_PS384) \
    X(JWT_GOOD_PS512) \
    X(JWT_GOOD_RS256) \
    X(JWT_GOOD_RS384) \
    X(JWT_GOOD_RS512) \
    X(JWT_HS256_WRONG_SECRET) \
    X(JWT_IAT_FUTURE) \
    X(JWT_NBF_FUTURE) \
    X(JWT_NO_AUD) \
    X(JWT_NO_EXP) \
    X(JWT_NO_ISS) \
    X(JWT_NO_KID) \
    X(JWT_NO_NBF_IAT) \
    X(JWT_NO_SCOPE) \
    X(JWT_SCP_ARRAY) \
    X(JWT_SCP_STRING) \
    X(JWT_TAMPERED_PAYLOAD) \
    X(JWT_TAMPERED_SIG_ES256) \
    X(JWT_TAMPERED_SIG_HS256) \
    X(JWT_TAMPERED_SIG_RS256) \
    X(JWT_WRONG_AUD) \
    X(JWT_WRONG_ISS) \
    X(JWT_WRONG_KID)

#endif /* JWT_FIXTURES_H */

/*
 * tp_lambda_resp.h: a Lambda function's answer to a proxy event read by
 * the rules of its payload format (../shared/reference/lambda.md 5):
 * 1.0 (REST APIs, HTTP API payload 1.0) strictly, 2.0 with its inference
 * of a bare answer.  Pure: the worker (tp_aws_proxy.c) turns the result
 * into the client's response; unit tests and the fuzzer call it directly.
 */
#ifndef TP_LAMBDA_RESP_H
#define TP_LAMBDA_RESP_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_lambda_event.h"

/* More distinct header names than this is a malformed answer. */
#define TP_LRESP_MAX_HEADERS 256

struct tp_lresp {
    int status;                      /* 100-599 */
    struct tp_lev_kv *headers;       /* one entry per name, values joined
                                        with ", " (multiValueHeaders
                                        first); Set-Cookie one entry per
                                        cookie (2.0 cookies too) */
    unsigned nheaders;
    struct tp_str body;              /* unescaped; still base64 when
                                        <b64>; empty when none */
    bool b64;                        /* isBase64Encoded */
    bool inferred;                   /* 2.0 without statusCode */
};

/*
 * Parses <payload>.  <v2>: payload format 2.0.  TP_OK with *out filled
 * (in <a>), or TP_ERROR with *<why> saying what is malformed (for logs
 * and $context.integrationErrorMessage).  Header names are HTTP tokens
 * and values carry no line breaks (replaced by blanks) on TP_OK.
 */
int tp_lambda_resp_parse(struct tp_arena *a, bool v2, struct tp_str payload,
    struct tp_lresp *out, const char **why);

/* The value of header <name> (case-insensitive) in <res>, or NULL p. */
struct tp_str tp_lambda_resp_header(const struct tp_lresp *res,
    const char *name);

#endif /* TP_LAMBDA_RESP_H */

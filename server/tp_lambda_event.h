/*
 * tp_lambda_event.h: the Lambda proxy event (AWS_PROXY integrations) for
 * REST APIs (payload 1.0 without "version"), HTTP APIs payload 1.0 and
 * 2.0, built field for field as ../shared/reference/lambda.md sections
 * 1-3 describe.  Pure: every input is in struct tp_lev_in (the worker
 * fills it from the request and its $context values, tp_aws_proxy.c), so
 * unit tests and the fuzzer drive it directly.
 */
#ifndef TP_LAMBDA_EVENT_H
#define TP_LAMBDA_EVENT_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_lev_json.h"

enum tp_lev_format {
    TP_LEV_REST = 0,                 /* REST API: 1.0 shape, no version */
    TP_LEV_HTTP_V1,                  /* HTTP API, payloadFormatVersion 1.0 */
    TP_LEV_HTTP_V2                   /* HTTP API, 2.0 */
};

/* A NULL .p in any tp_str below is JSON null (or the field left out where
 * the format omits empty fields). */
struct tp_lev_in {
    uint8_t format;                  /* enum tp_lev_format */
    struct tp_str method;
    struct tp_str resource;          /* resource template / route path */
    struct tp_str route_key;         /* "GET /pets/{id}" (2.0) */
    struct tp_str path;              /* without the stage (REST "path") */
    struct tp_str raw_path;          /* as received: requestContext.path,
                                        2.0 rawPath and http.path */
    struct tp_str query;             /* raw, without '?'; NULL p: none */
    const struct tp_lev_kv *headers; /* in arrival order, client's case */
    unsigned nheaders;
    const struct tp_lev_kv *path_params;     /* as matched: %-decoded
                                                here */
    unsigned npath_params;
    const struct tp_lev_kv *stage_vars;
    unsigned nstage_vars;
    struct tp_str body;              /* NULL p: no body */
    bool binary;                     /* body goes base64 */

    /* requestContext */
    struct tp_str account_id, api_id, stage, request_id, extended_id;
    struct tp_str request_time;      /* dd/MMM/yyyy:HH:mm:ss +0000 */
    uint64_t request_time_epoch;     /* ms */
    struct tp_str domain_name, domain_prefix, protocol, resource_id;
    struct tp_str source_ip, user_agent, api_key, api_key_id;
    /* AWS_IAM: the signing principal */
    bool iam;
    struct tp_str access_key, caller_account, caller, user, user_arn;
    /* mutual TLS: the client certificate */
    bool client_cert;
    struct tp_str cert_pem, cert_subject, cert_issuer, cert_serial;
    struct tp_str cert_not_before, cert_not_after;
    /* JWT / Cognito: the verified token's claims (values as strings)
     * and scopes (NULL: null) */
    bool jwt;
    const struct tp_lev_kv *claims;
    unsigned nclaims;
    const struct tp_str *scopes;
    unsigned nscopes;
    /* Lambda authorizer: principalId and its context (values are JSON
     * text); NULL principal_id.p: none */
    struct tp_str principal_id;
    const struct tp_lev_kv *auth_context;
    unsigned nauth_context;
};

/*
 * The event as JSON text in <a> (NUL-terminated).  TP_ERROR on
 * out-of-memory only: any input gives valid JSON (invalid UTF-8 in
 * headers or a text body becomes U+FFFD).
 */
int tp_lambda_event(const struct tp_lev_in *in, struct tp_arena *a,
    struct tp_str *out);

/* Headers that never reach a proxy event (lambda.md 1, "Dropped"). */
bool tp_lambda_header_dropped(struct tp_str name);

/*
 * Whether media type <ctype> (parameters ignored) matches one of <types>
 * (binaryMediaTypes: a media type, a type with the subtype "*", or "*" as
 * both).
 */
bool tp_lambda_media_match(const char *const *types, unsigned n,
    struct tp_str ctype);

/*
 * HTTP APIs base64-encode every body that is not text: <ctype> neither
 * text/... nor JSON, XML, JavaScript or a form; without a Content-Type,
 * a body that is not valid UTF-8.
 */
bool tp_lambda_body_binary_http(struct tp_str ctype, struct tp_str body);

#endif /* TP_LAMBDA_EVENT_H */

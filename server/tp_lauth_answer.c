/*
 * tp_lauth_answer.c: a Lambda authorizer's answer (auth.md 2.4, 3).
 * Pure: the worker calls it for each answer and for each request that
 * finds one in the result cache (the cached answer is parsed again, so
 * its policy is evaluated against that request's method ARN, 2.5).
 *
 *   REST, HTTP 1.0 and 2.0 without simple responses:
 *     {"principalId": "...", "policyDocument": {IAM policy},
 *      "context": {"k": "v", "n": 1, "b": true},
 *      "usageIdentifierKey": "..."}
 *   HTTP 2.0 simple responses: {"isAuthorized": bool, "context": {...}}
 *
 * Anything else is TP_LAUTH_INVALID, which the worker answers with 500
 * (AUTHORIZER_CONFIGURATION_ERROR on REST APIs).
 */
#include "tp_lauth.h"
#include "tp_json.h"
#include "tp_policy.h"

#include <string.h>

#define LA_MAX_CONTEXT 256           /* context entries kept */

static void
la_invalid(struct tp_lauth_answer *out, const char *why)
{
    out->verdict = TP_LAUTH_INVALID;
    out->why = why;
}

/* The context object <obj> (may be -1: none).  REST allows strings,
 * numbers and booleans; HTTP APIs any JSON (1.0 not "claims"). */
static int
la_context(const struct tp_json *d, int obj, enum tp_lauth_format format,
    bool simple, struct tp_arena *a, struct tp_lauth_answer *out)
{
    int k, v, t;
    unsigned n = 0;

    if (obj < 0 || tp_json_type(d, obj) == TP_JSON_NULL) {
        return TP_OK;
    }
    if (tp_json_type(d, obj) != TP_JSON_OBJECT) {
        la_invalid(out, "context is not an object");
        return TP_ERROR;
    }
    if (d->toks[obj].size > LA_MAX_CONTEXT) {
        la_invalid(out, "context has more than 256 keys");
        return TP_ERROR;
    }
    out->context = tp_arena_calloc(a, sizeof(*out->context)
        * (size_t) (d->toks[obj].size + 1));
    if (out->context == NULL) {
        la_invalid(out, "out of memory");
        return TP_ERROR;
    }
    for (k = tp_json_child(d, obj); k >= 0; k = tp_json_next(d, k)) {
        struct tp_lauth_kv *kv = &out->context[n];

        v = k + 1;
        t = tp_json_type(d, v);
        if (format == TP_LAUTH_REST && !simple
            && (t == TP_JSON_OBJECT || t == TP_JSON_ARRAY))
        {
            la_invalid(out, "a context value is an object or an array "
                "(REST authorizers return strings, numbers and booleans)");
            return TP_ERROR;
        }
        kv->key = tp_json_str(d, k, a, NULL);
        kv->text = tp_json_text(d, v, a);
        kv->json = tp_json_raw(d, v);
        if (t == TP_JSON_STRING) {
            /* the raw text of a string lacks its quotes */
            kv->json.p--;
            kv->json.len += 2;
        }
        if (kv->key == NULL || kv->text.p == NULL) {
            la_invalid(out, "out of memory");
            return TP_ERROR;
        }
        if (format == TP_LAUTH_HTTP_1 && strcmp(kv->key, "claims") == 0) {
            la_invalid(out, "context uses the reserved key \"claims\"");
            return TP_ERROR;
        }
        n++;
    }
    out->ncontext = n;
    return TP_OK;
}

static void
la_simple(const struct tp_json *d, struct tp_arena *a,
    struct tp_lauth_answer *out)
{
    int v = tp_json_get(d, 0, "isAuthorized");
    bool yes;

    if (v < 0 || tp_json_bool(d, v, &yes) != TP_OK) {
        la_invalid(out, "isAuthorized is missing or not a boolean");
        return;
    }
    if (la_context(d, tp_json_get(d, 0, "context"), TP_LAUTH_HTTP_2, true,
            a, out) != TP_OK)
    {
        return;
    }
    out->verdict = yes ? TP_LAUTH_ALLOWED : TP_LAUTH_DENIED;
}

static void
la_policy(const struct tp_json *d, enum tp_lauth_format format,
    struct tp_arena *a, struct tp_lauth_answer *out)
{
    int p = tp_json_get(d, 0, "principalId");
    int doc = tp_json_get(d, 0, "policyDocument");
    int key = tp_json_get(d, 0, "usageIdentifierKey");
    struct tp_str raw;
    char local[256];

    if (p < 0 || (tp_json_type(d, p) != TP_JSON_STRING
            && tp_json_type(d, p) != TP_JSON_NUMBER))
    {
        la_invalid(out, "principalId is missing or not a string");
        return;
    }
    if (doc < 0 || tp_json_type(d, doc) != TP_JSON_OBJECT) {
        la_invalid(out, "policyDocument is missing or not an object");
        return;
    }
    out->principal_id = tp_json_type(d, p) == TP_JSON_STRING
        ? tp_json_str(d, p, a, NULL)
        : tp_arena_strndup(a, tp_json_raw(d, p).p, tp_json_raw(d, p).len);
    if (key >= 0 && tp_json_type(d, key) == TP_JSON_STRING) {
        out->usage_key = tp_json_str(d, key, a, NULL);
    } else if (key >= 0 && tp_json_type(d, key) != TP_JSON_NULL) {
        la_invalid(out, "usageIdentifierKey is not a string");
        return;
    }
    if (out->principal_id == NULL) {
        la_invalid(out, "out of memory");
        return;
    }
    if (la_context(d, tp_json_get(d, 0, "context"), format, false, a, out)
        != TP_OK)
    {
        return;
    }
    raw = tp_json_raw(d, doc);
    if (tp_policy_parse(raw.p, raw.len, TP_POLICY_IDENTITY, NULL, a,
            &out->policy, local, sizeof(local)) != TP_OK)
    {
        const char *why = tp_arena_sprintf(a, "policyDocument: %s", local);

        la_invalid(out, why != NULL ? why : "policyDocument is not a "
            "valid policy");
        return;
    }
    out->verdict = TP_LAUTH_POLICY;
}

void
tp_lauth_parse(const char *json, size_t len, enum tp_lauth_format format,
    bool simple, struct tp_arena *a, struct tp_lauth_answer *out)
{
    struct tp_json d;
    char err[128];

    memset(out, 0, sizeof(*out));
    if (len > TP_LAUTH_ANSWER_MAX) {
        la_invalid(out, "the answer is larger than 64 KiB");
        return;
    }
    if (tp_json_parse(&d, a, json, len, err, sizeof(err)) != TP_OK) {
        la_invalid(out, "the answer is not JSON");
        return;
    }
    if (tp_json_type(&d, 0) != TP_JSON_OBJECT) {
        la_invalid(out, "the answer is not a JSON object");
        return;
    }
    if (format == TP_LAUTH_HTTP_2 && simple) {
        la_simple(&d, a, out);
    } else {
        la_policy(&d, format, a, out);
    }
}

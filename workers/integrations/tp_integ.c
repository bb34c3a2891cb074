/*
 * tp_integ.c: request templates, passthrough and integration responses of
 * REST non-proxy integrations (rest-api.md sections 4-6).  Workers only.
 */
#include "tp_integ.h"
#include "tp_context.h"
#include "tp_json.h"
#include "tp_respond.h"
#include "tp_zlib.h"
#include "tp_worker.h"
#include "tp_tmpl.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* What $input and friends read while rendering one template. */
struct integ_env {
    struct tp_request *r;
    struct tp_str body;              /* $input.body */
    struct tp_json *json;            /* <body> parsed on first use */
};

/* $input.params('x'): path, then query string, then header. */
static int
integ_param(struct tp_request *r, enum tp_tmpl_var kind, const char *name,
    size_t len, struct tp_str *out)
{
    struct tp_expr_part pt = { 0, (uint32_t) len, name };
    struct tp_expr e = { &pt, 1 };
    static const uint8_t order[] = { TP_EX_REQ_PATH, TP_EX_REQ_QUERY,
        TP_EX_REQ_HEADER };
    size_t i;

    for (i = 0; i < TP_NELEM(order); i++) {
        if ((kind == TP_TV_INPUT_PARAM_PATH && order[i] != TP_EX_REQ_PATH)
            || (kind == TP_TV_INPUT_PARAM_QUERY
                && order[i] != TP_EX_REQ_QUERY)
            || (kind == TP_TV_INPUT_PARAM_HEADER
                && order[i] != TP_EX_REQ_HEADER))
        {
            continue;
        }
        pt.kind = order[i];
        if (tp_expr_eval(&e, r, NULL, out) == TP_OK) {
            return TP_OK;
        }
    }
    *out = TP_STR("");               /* AWS renders a missing param as "" */
    return TP_OK;
}

/* $input.json: the value as JSON text (a string keeps its quotes). */
static struct tp_str
integ_json_text(struct integ_env *env, const char *name, size_t len,
    struct tp_arena *a, struct tp_str unescaped)
{
    int tok = tp_json_path(env->json, 0, name, len);

    (void) a;
    return tok >= 0 ? tp_json_raw(env->json, tok) : unescaped;
}

static int
integ_var(void *ctx, enum tp_tmpl_var kind, const char *name, size_t len,
    struct tp_arena *a, struct tp_str *out)
{
    struct integ_env *env = ctx;
    struct tp_request *r = env->r;
    const char *v;

    switch (kind) {
    case TP_TV_CONTEXT:
        return tp_context_get(r, name, len, a, out);
    case TP_TV_STAGEVAR:
        v = r->stage != NULL ? tp_model_stage_var(r->stage, name, len) : NULL;
        if (v == NULL) {
            return TP_DECLINED;
        }
        *out = (struct tp_str) { v, strlen(v) };
        return TP_OK;
    case TP_TV_INPUT_BODY:
        *out = env->body;
        return TP_OK;
    case TP_TV_INPUT_JSON:
    case TP_TV_INPUT_PATH:
        if (len == 1 && name[0] == '$') {
            *out = env->body.len > 0 ? env->body : TP_STR("{}");
            return TP_OK;
        }
        if (tp_body_json_path(env->body, &env->json, name, len, a, out)
            != TP_OK)
        {
            /* $input.json of nothing is JSON null; $input.path renders
             * nothing. */
            *out = kind == TP_TV_INPUT_JSON ? TP_STR("null") : TP_STR("");
        } else if (kind == TP_TV_INPUT_JSON) {
            *out = integ_json_text(env, name, len, a, *out);
        }
        return TP_OK;
    default:
        return integ_param(r, kind, name, len, out);
    }
}

/*
 * A request body with Content-Encoding gzip or deflate is decompressed
 * before templates and passthrough see it (API Gateway always does); any
 * other coding, or corrupt data, is 415.
 */
static int
integ_decode_body(struct tp_request *r)
{
    struct tp_str ce, out;
    enum tp_coding coding;
    const char *why = NULL;
    int rc;

    if (!tp_req_header_get(r, "content-encoding", true, &ce)) {
        return TP_OK;
    }
    if (tp_content_coding(ce.p, ce.len, &coding) != TP_OK) {
        r->integ_error = "unsupported Content-Encoding";
        return 415;
    }
    if (coding == TP_CODING_IDENTITY) {
        return TP_OK;
    }
    rc = tp_zlib_decompress(coding, r->body.p, r->body.len,
        r->c->w->conf->max_request_body, &r->c->arena, &out, &why);
    if (rc == TP_BUSY) {
        r->integ_error = "out of memory decompressing the request body";
        return 500;
    }
    if (rc != TP_OK) {
        r->integ_error = why != NULL ? why : "undecodable request body";
        return 415;
    }
    r->body = out;
    r->body_json = NULL;
    return TP_OK;
}

int
tp_integ_request_body(struct tp_request *r, struct tp_str *body,
    struct tp_str *ctype)
{
    const struct tp_integration *in = &r->match.route->integ;
    const struct tp_template *t = NULL;
    struct integ_env env = { r, r->body, NULL };
    struct tp_str ct;
    int rc = integ_decode_body(r);

    if (rc != TP_OK) {
        return rc;
    }
    env.body = r->body;

    if (!tp_req_header_get(r, "content-type", false, &ct)) {
        ct = TP_STR("application/json");     /* AWS's default */
    }
    if (in->nreq_templates > 0) {
        t = tp_tmpl_select(in->req_templates, in->nreq_templates, ct.p,
            ct.len);
    }
    if (t == NULL) {
        if (in->passthrough == TP_PASS_NEVER || (in->nreq_templates > 0
                && in->passthrough == TP_PASS_WHEN_NO_TEMPLATES))
        {
            return 415;
        }
        *body = r->body;             /* passed through unmapped */
        *ctype = ct;
        return TP_OK;
    }
    if (t->text[0] == '\0') {
        *body = r->body;             /* an empty template: pass through */
    } else if (tp_tmpl_render(t, integ_var, &env, &r->c->arena, body)
        != TP_OK)
    {
        r->integ_error = "the request template needs the VTL engine";
        return 500;
    }
    *ctype = (struct tp_str) { t->content_type, strlen(t->content_type) };
    return TP_OK;
}

int
tp_integ_mock_status(struct tp_str body)
{
    const char *p = body.p, *end = body.p + body.len;
    static const char key[] = "\"statusCode\"";
    long v;

    while (p != NULL && p < end) {
        p = memmem(p, (size_t) (end - p), key, sizeof(key) - 1);
        if (p == NULL) {
            break;
        }
        p += sizeof(key) - 1;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'
                || *p == '\n'))
        {
            p++;
        }
        if (p < end && *p == ':') {
            p++;
            while (p < end && (*p == ' ' || *p == '\t' || *p == '"')) {
                p++;
            }
            v = strtol(p, NULL, 10);
            if (v >= 100 && v <= 599) {
                return (int) v;
            }
        }
    }
    return 200;
}

/* The integration response whose pattern matches <key>, else the default. */
static const struct tp_int_response *
integ_select(const struct tp_integration *in, const char *key)
{
    const struct tp_int_response *dflt = NULL;
    pcre2_match_data *md;
    unsigned i;
    int rc;

    for (i = 0; i < in->nresponses; i++) {
        const struct tp_int_response *ir = &in->responses[i];

        if (ir->re == NULL) {
            dflt = dflt != NULL ? dflt : ir;
            continue;
        }
        md = pcre2_match_data_create_from_pattern(ir->re, NULL);
        if (md == NULL) {
            continue;
        }
        rc = pcre2_match(ir->re, (PCRE2_SPTR) key, strlen(key), 0, 0, md,
            NULL);
        pcre2_match_data_free(md);
        if (rc >= 0) {
            return ir;
        }
    }
    return dflt;
}

void
tp_integ_respond(struct tp_request *r, int status,
    const struct tp_resp_view *resp)
{
    const struct tp_integration *in = &r->match.route->integ;
    const struct tp_int_response *ir;
    const struct tp_template *t = NULL;
    struct integ_env env = { r, resp->body, NULL };
    struct tp_hdr_out hdrs[32];
    struct tp_str body = resp->body, ctype = TP_STR("application/json"), v;
    char key[8];
    unsigned i, n = 0;

    snprintf(key, sizeof(key), "%d", status);
    ir = integ_select(in, key);
    if (ir == NULL) {
        r->integ_error = "no integration response matches and none is the "
            "default";
        tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
        return;
    }
    if (resp->msg != NULL) {
        int ci = tp_http_find_header(resp->msg, resp->buf, "content-type", 0);

        if (ci >= 0) {
            ctype = (struct tp_str) { resp->buf + resp->msg->hdrs[ci].value_off,
                resp->msg->hdrs[ci].value_len };
        }
    }
    if (ir->ntemplates > 0) {
        if (tp_req_header_get(r, "accept", false, &v)) {
            t = tp_tmpl_select(ir->templates, ir->ntemplates, v.p, v.len);
        }
        if (t == NULL) {
            t = tp_tmpl_select(ir->templates, ir->ntemplates,
                "application/json", 16);
        }
        if (t == NULL) {
            t = &ir->templates[0];
        }
    }
    if (t != NULL && t->text[0] != '\0') {
        if (tp_tmpl_render(t, integ_var, &env, &r->c->arena, &body) != TP_OK) {
            r->integ_error = "the response template needs the VTL engine";
            tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
            return;
        }
        ctype = (struct tp_str) { t->content_type, strlen(t->content_type) };
    }
    /* Mapped headers last: a mapped Content-Type is the one sent. */
    for (i = 0; i < ir->nparams && n < TP_NELEM(hdrs); i++) {
        const struct tp_mapping *m = &ir->params[i];

        if (tp_expr_eval(&m->value, r, resp, &v) != TP_OK) {
            continue;
        }
        if (strcasecmp(m->name, "content-type") == 0) {
            ctype = v;
        } else {
            hdrs[n++] = (struct tp_hdr_out) { { m->name, strlen(m->name) },
                v };
        }
    }
    tp_respond_integ(r, ir->status, ctype, hdrs, n, body);
}

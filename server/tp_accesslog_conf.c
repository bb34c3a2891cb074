/*
 * tp_accesslog_conf.c: access_log settings: the AWS sample formats and
 * format compilation into literal/variable parts.  The files are the
 * model's log files (tp_logfile.c).  Master only.
 */
#include "tp_accesslog_conf.h"
#include "tp_ctxvars.h"
#include "tp_log.h"
#include "tp_logfile.h"


#define CTX_PREFIX     "$context."
#define CTX_PREFIX_LEN (sizeof(CTX_PREFIX) - 1)
#define CLAIMS_PREFIX  "authorizer.claims."
#define CLAIMS_LEN     (sizeof(CLAIMS_PREFIX) - 1)
#define AUTHORIZER_PREFIX "authorizer."
#define AUTHORIZER_LEN (sizeof(AUTHORIZER_PREFIX) - 1)

/* ../shared/reference/monitoring.md 3.1, verbatim. */
static const char rest_clf[] =
    "$context.identity.sourceIp $context.identity.caller "
    "$context.identity.user [$context.requestTime] \"$context.httpMethod "
    "$context.resourcePath $context.protocol\" $context.status "
    "$context.responseLength $context.requestId $context.extendedRequestId";

static const char rest_json[] =
    "{ \"requestId\":\"$context.requestId\", "
    "\"extendedRequestId\":\"$context.extendedRequestId\", "
    "\"ip\": \"$context.identity.sourceIp\", "
    "\"caller\":\"$context.identity.caller\", "
    "\"user\":\"$context.identity.user\", "
    "\"requestTime\":\"$context.requestTime\", "
    "\"httpMethod\":\"$context.httpMethod\", "
    "\"resourcePath\":\"$context.resourcePath\", "
    "\"status\":\"$context.status\", "
    "\"protocol\":\"$context.protocol\", "
    "\"responseLength\":\"$context.responseLength\" }";

static const char rest_xml[] =
    "<request id=\"$context.requestId\"> "
    "<extendedRequestId>$context.extendedRequestId</extendedRequestId> "
    "<ip>$context.identity.sourceIp</ip> "
    "<caller>$context.identity.caller</caller> "
    "<user>$context.identity.user</user> "
    "<requestTime>$context.requestTime</requestTime> "
    "<httpMethod>$context.httpMethod</httpMethod> "
    "<resourcePath>$context.resourcePath</resourcePath> "
    "<status>$context.status</status> "
    "<protocol>$context.protocol</protocol> "
    "<responseLength>$context.responseLength</responseLength> </request>";

static const char rest_csv[] =
    "$context.identity.sourceIp,$context.identity.caller,"
    "$context.identity.user,$context.requestTime,$context.httpMethod,"
    "$context.resourcePath,$context.protocol,$context.status,"
    "$context.responseLength,$context.requestId,$context.extendedRequestId";

static const char http_clf[] =
    "$context.identity.sourceIp - - [$context.requestTime] "
    "\"$context.httpMethod $context.routeKey $context.protocol\" "
    "$context.status $context.responseLength $context.requestId";

static const char http_json[] =
    "{ \"requestId\":\"$context.requestId\", "
    "\"ip\": \"$context.identity.sourceIp\", "
    "\"requestTime\":\"$context.requestTime\", "
    "\"httpMethod\":\"$context.httpMethod\","
    "\"routeKey\":\"$context.routeKey\", "
    "\"status\":\"$context.status\","
    "\"protocol\":\"$context.protocol\", "
    "\"responseLength\":\"$context.responseLength\" }";

static const char http_xml[] =
    "<request id=\"$context.requestId\"> "
    "<ip>$context.identity.sourceIp</ip> "
    "<requestTime>$context.requestTime</requestTime> "
    "<httpMethod>$context.httpMethod</httpMethod> "
    "<routeKey>$context.routeKey</routeKey> "
    "<status>$context.status</status> "
    "<protocol>$context.protocol</protocol> "
    "<responseLength>$context.responseLength</responseLength> </request>";

static const char http_csv[] =
    "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,"
    "$context.routeKey,$context.protocol,$context.status,"
    "$context.responseLength,$context.requestId";

static const struct {
    const char *name;
    const char *rest;
    const char *http;                /* HTTP and WebSocket APIs */
} named_formats[] = {
    { "CLF", rest_clf, http_clf },
    { "JSON", rest_json, http_json },
    { "XML", rest_xml, http_xml },
    { "CSV", rest_csv, http_csv },
};

static const struct tp_conf_field alog_fields[] = {
    { "path", TP_CT_PATH, offsetof(struct tp_access_log, file.path),
        0, 0, NULL },
    { "format", TP_CT_STR, offsetof(struct tp_access_log, format),
        0, 0, NULL },
    { "buffer", TP_CT_SIZE, offsetof(struct tp_access_log, file.buffer),
        0, TP_ACCESSLOG_MAX_BUFFER, NULL },
    { "flush", TP_CT_INT, offsetof(struct tp_access_log, file.flush_s),
        1, TP_ACCESSLOG_MAX_FLUSH, NULL },
};

const char *
tp_accesslog_named(const char *name, enum tp_api_type type)
{
    size_t i;

    for (i = 0; i < TP_NELEM(named_formats); i++) {
        if (strcmp(named_formats[i].name, name) == 0) {
            return type == TP_API_REST ? named_formats[i].rest
                                       : named_formats[i].http;
        }
    }
    return NULL;
}

/* ---- compiling a format ---- */

struct alog_compiler {
    struct tp_conf_ctx *c;
    const config_setting_t *s;
    const char *fmt;
    struct tp_alog_format *out;
    bool json;                       /* the format is a JSON object */
    bool in_string;                  /* scanning inside a JSON string */
};

static void
alog_add(struct alog_compiler *k, uint8_t kind, const char *p, size_t len,
    int var)
{
    struct tp_alog_part *pt;

    if (kind == TP_ALOG_LIT && len == 0) {
        return;
    }
    pt = &k->out->parts[k->out->nparts++];
    if (kind == TP_ALOG_LIT) {
        k->out->lit_len += (uint32_t) len;
    } else {
        k->out->nvars++;
    }
    pt->kind = kind;
    pt->p = p;
    pt->len = (uint32_t) len;
    pt->var = (uint16_t) (var >= 0 ? var : 0);
    pt->escape = k->json && k->in_string ? TP_ALOG_ESC_JSON
                                         : TP_ALOG_ESC_PLAIN;
    pt->escape_free = kind == TP_ALOG_VAR && tp_accesslog_escape_free(var);
}

/*
 * Kept in step with workers/tp_context.c, which makes these values: a
 * variable listed here wrongly would let a client's byte into the line
 * unescaped, so only values turnpike formats itself are.
 */
bool
tp_accesslog_escape_free(int id)
{
    switch (id) {
    case TP_CTX_DATA_PROCESSED:       /* numbers: decimal digits */
    case TP_CTX_INTEGRATION_LATENCY:
    case TP_CTX_INTEGRATION_LATENCY_2:
    case TP_CTX_INTEGRATION_STATUS_2:
    case TP_CTX_REQUEST_TIME_EPOCH:
    case TP_CTX_RESPONSE_LATENCY:
    case TP_CTX_RESPONSE_LENGTH:
    case TP_CTX_STATUS:
    case TP_CTX_REQUEST_ID:           /* tp_reqid.c: a UUID in hex */
    case TP_CTX_EXTENDED_REQUEST_ID:  /* tp_reqid.c: [A-Za-z0-9+/=] */
    case TP_CTX_REQUEST_TIME:         /* tp_time_clf_date() */
    case TP_CTX_HTTP_METHOD:          /* the parser admits a token only */
    case TP_CTX_IDENTITY_SOURCE_IP:   /* inet_ntop() of the peer */
    case TP_CTX_PROTOCOL:             /* "HTTP/1.0" or "HTTP/1.1" */
    case TP_CTX_IS_CANARY:            /* "false" */
        return true;
    default:
        return false;
    }
}

static bool
alog_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
}

/* An unknown variable's text, with the slack of a literal. */
static const char unknown_var[TP_ALOG_LIT_SLACK] = "-";

/*
 * The variable at fmt[i] ("$context." seen): adds the literal text since
 * <lit> and the variable's part, and returns where literal text resumes
 * (<i> itself when there is no name).  A name ends at the first character
 * outside [A-Za-z0-9_.]; a trailing '.' ends a sentence, not the name.
 */
static size_t
alog_variable(struct alog_compiler *k, size_t lit, size_t i)
{
    size_t name = i + CTX_PREFIX_LEN, end = name;
    int id;

    while (alog_name_char(k->fmt[end])) {
        end++;
    }
    while (end > name && k->fmt[end - 1] == '.') {
        end--;
    }
    if (end == name) {
        return i;                    /* "$context." alone: literal text */
    }
    alog_add(k, TP_ALOG_LIT, k->fmt + lit, i - lit, -1);
    id = tp_ctxvar_id(k->fmt + name, end - name);
    if (end - name > CLAIMS_LEN
        && strncmp(k->fmt + name, CLAIMS_PREFIX, CLAIMS_LEN) == 0)
    {
        /* one id for every claim; the claim's name beside it */
        alog_add(k, TP_ALOG_VAR, k->fmt + name + CLAIMS_LEN,
            end - name - CLAIMS_LEN, TP_CTX_AUTHORIZER_CLAIMS);
    } else if (id < 0 && end - name > AUTHORIZER_LEN
        && strncmp(k->fmt + name, AUTHORIZER_PREFIX, AUTHORIZER_LEN) == 0)
    {
        /* a Lambda authorizer's context key, named beside the id */
        alog_add(k, TP_ALOG_VAR, k->fmt + name + AUTHORIZER_LEN,
            end - name - AUTHORIZER_LEN, TP_CTX_AUTHORIZER_CONTEXT);
    } else if (id < 0) {
        tp_conf_warn(k->c, k->s, "access_log format: unknown variable "
            "$context.%.*s (it prints \"-\")", (int) (end - name),
            k->fmt + name);
        alog_add(k, TP_ALOG_LIT, unknown_var, 1, -1);
    } else {
        alog_add(k, TP_ALOG_VAR, NULL, 0, id);
    }
    return end;
}

/* Follows JSON string quoting so variables know whether they are in one. */
static size_t
alog_scan_char(struct alog_compiler *k, size_t i)
{
    if (k->json) {
        if (k->in_string && k->fmt[i] == '\\' && k->fmt[i + 1] != '\0') {
            return i + 2;
        }
        if (k->fmt[i] == '"') {
            k->in_string = !k->in_string;
        }
    }
    return i + 1;
}

static int
alog_check(struct tp_conf_ctx *c, const config_setting_t *s,
    const char *fmt)
{
    size_t len = strlen(fmt);

    if (len == 0) {
        return tp_conf_error(c, s, "access_log format is empty");
    }
    if (len > TP_ACCESSLOG_MAX_FORMAT) {
        return tp_conf_error(c, s, "access_log format is %zu bytes; the "
            "limit is %d (3 KB)", len, TP_ACCESSLOG_MAX_FORMAT);
    }
    if (strpbrk(fmt, "\r\n") != NULL) {
        return tp_conf_error(c, s, "access_log format must be one line "
            "(each entry ends with a newline by itself)");
    }
    return TP_OK;
}

static size_t
alog_count_vars(const char *fmt)
{
    size_t n = 0;
    const char *p = fmt;

    while ((p = strstr(p, CTX_PREFIX)) != NULL) {
        n++;
        p += CTX_PREFIX_LEN;
    }
    return n;
}

static bool
alog_has_request_id(const struct tp_alog_format *f)
{
    unsigned i;

    for (i = 0; i < f->nparts; i++) {
        if (f->parts[i].kind == TP_ALOG_VAR
            && (f->parts[i].var == TP_CTX_REQUEST_ID
                || f->parts[i].var == TP_CTX_EXTENDED_REQUEST_ID))
        {
            return true;
        }
    }
    return false;
}

int
tp_accesslog_compile(struct tp_conf_ctx *c, const config_setting_t *s,
    enum tp_api_type type, const char *fmt, struct tp_alog_format *out)
{
    struct alog_compiler k = { c, s, NULL, out, false, false };
    size_t i = 0, lit = 0, next, n;
    char *copy;

    if (alog_check(c, s, fmt) != TP_OK) {
        return TP_ERROR;
    }
    /* The literal parts point into a copy with TP_ALOG_LIT_SLACK zeros
     * after it (calloc). */
    n = strlen(fmt);
    copy = tp_arena_calloc(c->a, n + TP_ALOG_LIT_SLACK);
    if (copy == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    fmt = k.fmt = memcpy(copy, fmt, n);
    out->nparts = out->nvars = 0;
    out->lit_len = 0;
    out->parts = tp_arena_calloc(c->a, sizeof(*out->parts)
        * (2 * alog_count_vars(fmt) + 1));
    if (out->parts == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    k.json = fmt[strspn(fmt, " \t")] == '{';
    while (fmt[i] != '\0') {
        if (strncmp(fmt + i, CTX_PREFIX, CTX_PREFIX_LEN) == 0) {
            next = alog_variable(&k, lit, i);
            if (next != i) {
                i = lit = next;
                continue;
            }
        } else if (strncmp(fmt + i, "${context.", 10) == 0) {
            tp_conf_warn(c, s, "access_log format: ${context.name} is not "
                "expanded; write $context.name");
        }
        i = alog_scan_char(&k, i);
    }
    alog_add(&k, TP_ALOG_LIT, fmt + lit, i - lit, -1);
    tp_assert(out->nvars <= TP_ACCESSLOG_MAX_VARS);
    if (type == TP_API_REST && !alog_has_request_id(out)) {
        tp_conf_warn(c, s, "access_log format has neither "
            "$context.requestId nor $context.extendedRequestId (API Gateway "
            "requires one for REST APIs)");
    }
    return TP_OK;
}

int
tp_accesslog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    const struct tp_api *api, struct tp_stage *st)
{
    struct tp_access_log *al = tp_arena_calloc(c->a, sizeof(*al));
    struct tp_alog_format *f = tp_arena_calloc(c->a, sizeof(*f));
    const config_setting_t *fs = config_setting_get_member(g, "format");
    const char *named;

    if (al == NULL || f == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    if (tp_conf_apply(c, g, alog_fields, TP_NELEM(alog_fields), al)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (al->file.path == NULL
        || al->file.path[strlen(al->file.path) - 1] == '/')
    {
        return tp_conf_error(c, g, "access_log needs 'path' = \"FILE\"");
    }
    al->file.src = tp_conf_src(c, config_setting_get_member(g, "path"));
    al->file.what = "access log";
    if (al->file.buffer == 0 && al->file.flush_s != 0) {
        return tp_conf_error(c, config_setting_get_member(g, "flush"),
            "access_log 'flush' needs 'buffer' (e.g. buffer = \"64k\";)");
    }
    if (al->file.buffer > 0 && al->file.flush_s == 0) {
        al->file.flush_s = TP_ACCESSLOG_DEFAULT_FLUSH;
    }
    if (al->format == NULL) {
        al->format = "CLF";
    }
    named = tp_accesslog_named(al->format, api->type);
    if (named != NULL) {
        al->format = named;
    }
    if (tp_accesslog_compile(c, fs != NULL ? fs : g, api->type, al->format,
            f) != TP_OK)
    {
        return TP_ERROR;
    }
    al->compiled = f;
    st->access_log = al;
    tp_logfile_add(c->m, &al->file);
    return TP_OK;
}

/*
 * tp_lambda_arn.c: Lambda function names and ARNs, after the Invoke API's
 * FunctionName pattern (lambda.md 7):
 *
 *   (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?
 *   (\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?
 *
 * read field by field (the fields are ':'-separated and none may hold a
 * ':', so taking each optional field when it fits is what the regular
 * expression matches).
 */
#include "tp_lambda_arn.h"

#include <ctype.h>

#define APIGW_PREFIX "arn:aws:apigateway:"
#define APIGW_PATH   ":lambda:path/2015-03-31/functions/"
#define APIGW_TAIL   "/invocations"

/* The fields of s[0..len) split at ':' (at most <max>). */
static unsigned
arn_split(const char *s, size_t len, struct tp_str *f, unsigned max)
{
    const char *end = s + len, *c;
    unsigned n = 0;

    for (;;) {
        c = memchr(s, ':', (size_t) (end - s));
        if (n == max) {
            return max + 1;
        }
        f[n++] = (struct tp_str) { s, (size_t) ((c != NULL ? c : end) - s) };
        if (c == NULL) {
            return n;
        }
        s = c + 1;
    }
}

static bool
arn_is(struct tp_str f, const char *lit)
{
    return f.len == strlen(lit) && memcmp(f.p, lit, f.len) == 0;
}

/* [a-z]{2}(-gov)?-[a-z]+-\d */
static bool
arn_region(struct tp_str f)
{
    size_t i = 2, k;

    if (f.len < 6 || !islower((unsigned char) f.p[0])
        || !islower((unsigned char) f.p[1]))
    {
        return false;
    }
    if (f.len > 6 && memcmp(f.p + 2, "-gov-", 5) == 0) {
        i = 6;
    }
    if (f.p[i] != '-') {
        return false;
    }
    for (k = i + 1; k < f.len && islower((unsigned char) f.p[k]); k++) {
    }
    return k > i + 1 && k + 2 == f.len && f.p[k] == '-'
        && isdigit((unsigned char) f.p[k + 1]);
}

static bool
arn_account(struct tp_str f)
{
    size_t i;

    for (i = 0; i < f.len && isdigit((unsigned char) f.p[i]); i++) {
    }
    return f.len == 12 && i == 12;
}

/* [a-zA-Z0-9-_.]+ (names), [a-zA-Z0-9-_]+ or $LATEST (qualifiers) */
static bool
arn_word(struct tp_str f, bool dot, size_t max)
{
    size_t i;

    if (f.len == 0 || f.len > max) {
        return false;
    }
    for (i = 0; i < f.len; i++) {
        unsigned char ch = (unsigned char) f.p[i];

        if (!isalnum(ch) && ch != '-' && ch != '_' && !(dot && ch == '.')) {
            return false;
        }
    }
    return true;
}

static bool
arn_qualifier(struct tp_str f)
{
    return arn_is(f, "$LATEST") || arn_word(f, false, 128);
}

int
tp_lambda_name_parse(const char *s, size_t len, struct tp_lambda_ref *out)
{
    struct tp_str f[8];
    unsigned n, i = 0;
    bool arn = false;

    memset(out, 0, sizeof(*out));
    if (len == 0 || len > TP_LAMBDA_REF_MAX) {
        return TP_ERROR;
    }
    n = arn_split(s, len, f, TP_NELEM(f));
    if (n > TP_NELEM(f)) {
        return TP_ERROR;
    }
    if (n >= 3 && arn_is(f[0], "arn")) {
        if ((f[1].len > 0 && (f[1].len < 3 || memcmp(f[1].p, "aws", 3)
                != 0)) || !arn_is(f[2], "lambda"))
        {
            return TP_ERROR;
        }
        arn = true;
        i = 3;
    }
    if (i < n && arn_region(f[i]) && n - i > 1) {
        out->region = f[i++];
    }
    if (i < n && arn_account(f[i]) && n - i > 1) {
        out->account = f[i++];
    }
    if (i < n && arn_is(f[i], "function") && n - i > 1) {
        i++;
    } else if (arn) {
        return TP_ERROR;             /* a full ARN names the resource type */
    }
    if (i >= n || !arn_word(f[i], true, TP_LAMBDA_NAME_MAX)) {
        return TP_ERROR;
    }
    out->name = f[i++];
    if (i < n) {
        if (!arn_qualifier(f[i]) || i + 1 < n) {
            return TP_ERROR;
        }
        out->qualifier = f[i];
    }
    return TP_OK;
}

/* A full ARN: arn:aws*:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] */
static int
arn_full(const char *s, size_t len, struct tp_lambda_ref *out)
{
    if (len < 4 || memcmp(s, "arn:", 4) != 0
        || tp_lambda_name_parse(s, len, out) != TP_OK
        || out->region.len == 0 || out->account.len == 0)
    {
        return TP_ERROR;
    }
    return TP_OK;
}

int
tp_lambda_uri_parse(const char *uri, struct tp_lambda_ref *out)
{
    size_t len = strlen(uri), pl = sizeof(APIGW_PREFIX) - 1;
    size_t tl = sizeof(APIGW_TAIL) - 1;
    const char *p, *path;

    memset(out, 0, sizeof(*out));
    if (strncmp(uri, "arn:", 4) != 0) {
        return TP_DECLINED;
    }
    if (strncmp(uri, APIGW_PREFIX, pl) != 0) {
        return arn_full(uri, len, out);
    }
    /* arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/
     * invocations */
    p = uri + pl;
    path = strstr(p, APIGW_PATH);
    if (path == NULL || path == p
        || memchr(p, ':', (size_t) (path - p)) != NULL)
    {
        return TP_ERROR;
    }
    p = path + sizeof(APIGW_PATH) - 1;
    len = strlen(p);
    if (len <= tl || strcmp(p + len - tl, APIGW_TAIL) != 0) {
        return TP_ERROR;
    }
    return arn_full(p, len - tl, out);
}

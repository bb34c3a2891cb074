/*
 * fuzz_lambda_arn.c: libFuzzer target for Lambda function names and ARNs
 * (tp_lambda_arn.c): the admin Invoke API parses a FunctionName every
 * client writes, and integration/authorizer uris are parsed at load.
 *
 * The input is tried as a FunctionName and as a uri.  A name accepted has
 * parts inside the input with only the characters of their patterns, and
 * the full ARN made of its parts (when it has region and account, and is
 * not then longer than a FunctionName may be) parses to the same parts,
 * bare and inside API Gateway's lambda path form.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_lambda_arn.h"

#include "tp_fuzz.h"

#include <ctype.h>

static bool
inside(struct tp_str s, const char *p, size_t n)
{
    return s.len == 0 || (s.p >= p && s.p + s.len <= p + n);
}

static bool
chars_ok(struct tp_str s, const char *extra)
{
    size_t i;

    for (i = 0; i < s.len; i++) {
        if (!isalnum((unsigned char) s.p[i])
            && strchr(extra, s.p[i]) == NULL)
        {
            return false;
        }
    }
    return true;
}

static bool
same(struct tp_str a, struct tp_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void
round_trip(const struct tp_lambda_ref *r)
{
    struct tp_lambda_ref again;
    char arn[400], wrapped[600];
    int n;

    n = snprintf(arn, sizeof(arn), "arn:aws:lambda:%.*s:%.*s:function:%.*s"
        "%s%.*s", (int) r->region.len, r->region.p, (int) r->account.len,
        r->account.p, (int) r->name.len, r->name.p,
        r->qualifier.len > 0 ? ":" : "", (int) r->qualifier.len,
        r->qualifier.p);
    CHECK(n > 0 && (size_t) n < sizeof(arn));
    if (n > TP_LAMBDA_REF_MAX) {
        return;                      /* "aws" made it longer than allowed */
    }
    CHECK(tp_lambda_uri_parse(arn, &again) == TP_OK);
    CHECK(same(again.region, r->region) && same(again.account, r->account)
          && same(again.name, r->name)
          && same(again.qualifier, r->qualifier));
    snprintf(wrapped, sizeof(wrapped), "arn:aws:apigateway:%.*s:lambda:path/"
        "2015-03-31/functions/%s/invocations", (int) r->region.len,
        r->region.p, arn);
    CHECK(tp_lambda_uri_parse(wrapped, &again) == TP_OK);
    CHECK(same(again.name, r->name) && same(again.qualifier, r->qualifier));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *) data;
    struct tp_lambda_ref r;
    char *z;

    if (tp_lambda_name_parse(p, size, &r) == TP_OK) {
        CHECK(size <= TP_LAMBDA_REF_MAX);
        CHECK(inside(r.region, p, size) && inside(r.account, p, size)
              && inside(r.name, p, size) && inside(r.qualifier, p, size));
        CHECK(r.name.len >= 1 && r.name.len <= TP_LAMBDA_NAME_MAX);
        CHECK(chars_ok(r.name, "-_."));
        CHECK(chars_ok(r.qualifier, "-_$"));
        CHECK(chars_ok(r.region, "-") && chars_ok(r.account, ""));
        CHECK(r.account.len == 0 || r.account.len == 12);
        if (r.region.len > 0 && r.account.len > 0) {
            round_trip(&r);
        }
    }
    z = malloc(size + 1);
    CHECK(z != NULL);
    memcpy(z, p, size);
    z[size] = '\0';
    if (tp_lambda_uri_parse(z, &r) == TP_OK) {
        CHECK(r.region.len > 0 && r.account.len == 12 && r.name.len > 0);
        CHECK(inside(r.name, z, size) && inside(r.qualifier, z, size));
        round_trip(&r);
    }
    free(z);
    return 0;
}

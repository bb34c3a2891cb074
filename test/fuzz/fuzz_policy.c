/*
 * fuzz_policy.c: libFuzzer target for the IAM policy evaluator
 * (tp_policy_*.c).  Policies come from the config and OpenAPI files and,
 * later, from Lambda authorizers' answers, which the gateway does not
 * control.
 *
 * The input's first byte picks the kind (bit 0: resource policy), the
 * rest is the document.  Besides never crashing or reading past it: a
 * compile succeeds exactly when it leaves no error message; a document is
 * never both an identity and a resource policy (one forbids Principal,
 * the other requires it); an accepted resource policy is within
 * TP_POLICY_RESOURCE_MAX characters; evaluating it gives one of the three
 * effects, the same one twice.  When the document has a line break, the
 * wildcard matcher is also checked against fnmatch(3) on the text before
 * it (pattern) and after it (subject), which have the same meaning for
 * '*' and '?' without '[' or '\'.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_policy_int.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <strings.h>

#include "tp_fuzz.h"

static const char *const fuzz_keys[] = {
    "aws:SourceIp", "10.1.2.3",
    "aws:VpcSourceIp", "::1",
    "aws:CurrentTime", "2026-11-26T12:00:00Z",
    "aws:EpochTime", "1795694400",
    "aws:SecureTransport", "false",
    "aws:UserAgent", "curl/8.1.2",
    "aws:SourceVpce", "vpce-private",
    "aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice",
    NULL
};

static const char *
fuzz_key(void *ctx, const char *name, size_t len)
{
    const char *const *k;

    (void) ctx;
    for (k = fuzz_keys; k[0] != NULL; k += 2) {
        if (strlen(k[0]) == len && strncasecmp(k[0], name, len) == 0) {
            return k[1];
        }
    }
    return NULL;
}

static const struct tp_policy_scope fuzz_scope = {
    "us-east-1", "123456789012", "abc123"
};

static void
check_eval(const struct tp_policy *p)
{
    static const char *const resources[] = {
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/a/b",
        "arn:aws:execute-api:eu-west-1:210987654321:zzz/dev/DELETE/x",
    };
    struct tp_policy_req q;
    enum tp_policy_effect e;
    size_t i;

    for (i = 0; i < TP_NELEM(resources) * 2; i++) {
        memset(&q, 0, sizeof(q));
        q.action = i % 2 ? "execute-api:Invoke" : "execute-api:Other";
        q.resource = resources[i / 2];
        if (i % 3 == 0) {
            q.principal_arn = "arn:aws:iam::123456789012:user/alice";
            q.principal_account = "123456789012";
        }
        q.key = fuzz_key;
        e = tp_policy_eval(p, &q);
        CHECK(e == TP_POLICY_SILENT || e == TP_POLICY_ALLOW
              || e == TP_POLICY_DENY);
        CHECK(tp_policy_eval(p, &q) == e);
    }
}

static int
compile(const char *doc, size_t len, enum tp_policy_kind kind,
    struct tp_arena *a)
{
    struct tp_policy *p = NULL;
    char err[256] = "";
    int rc;

    rc = tp_policy_parse(doc, len, kind, &fuzz_scope, a, &p, err,
        sizeof(err));
    CHECK((rc == TP_OK) == (err[0] == '\0'));
    if (rc == TP_OK) {
        CHECK(p != NULL);
        check_eval(p);
    }
    return rc;
}

/* '*' and '?' against fnmatch(3), which means the same without '[' and
 * '\' (and FNM_PATHNAME / FNM_PERIOD unset). */
static void
check_glob(const char *doc, size_t len)
{
    const char *nl = memchr(doc, '\n', len);
    size_t pn, sn;
    char *pat, *s;

    if (nl == NULL || memchr(doc, '\0', len) != NULL
        || memchr(doc, '[', len) != NULL || memchr(doc, '\\', len) != NULL)
    {
        return;
    }
    pn = (size_t) (nl - doc);
    sn = len - pn - 1;
    pat = strndup(doc, pn);
    s = strndup(nl + 1, sn);
    CHECK(pat != NULL && s != NULL);
    CHECK(tp_pol_glob(pat, pn, s, sn, false)
          == (fnmatch(pat, s, 0) == 0));
    CHECK(tp_pol_glob(pat, pn, s, sn, true)
          == (fnmatch(pat, s, FNM_CASEFOLD) == 0));
    free(pat);
    free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *) data + 1;
    size_t len = size > 0 ? size - 1 : 0;
    enum tp_policy_kind kind;
    struct tp_arena a;
    int rc;

    if (size == 0) {
        return 0;
    }
    kind = data[0] & 1 ? TP_POLICY_RESOURCE : TP_POLICY_IDENTITY;
    tp_arena_init(&a, 4096);
    rc = compile(doc, len, kind, &a);
    if (rc == TP_OK) {
        /* never both kinds: Principal is forbidden in one, required in
         * the other (every statement has it or none may) */
        CHECK(compile(doc, len, kind == TP_POLICY_RESOURCE
              ? TP_POLICY_IDENTITY : TP_POLICY_RESOURCE, &a) == TP_ERROR);
        if (kind == TP_POLICY_RESOURCE) {
            size_t i, n = 0;

            for (i = 0; i < len; i++) {
                n += strchr(" \t\r\n", doc[i]) == NULL || doc[i] == '\0';
            }
            CHECK(n <= TP_POLICY_RESOURCE_MAX);
        }
    }
    tp_arena_free(&a);
    if (len < 4096) {
        check_glob(doc, len);
    }
    return 0;
}

/*
 * fuzz_lauth_answer.c: libFuzzer target for tp_lauth_parse(), which reads
 * every answer a Lambda authorizer function gives (and every cached one
 * again): the function is user code, so its bytes are untrusted.
 *
 * The first input byte picks the format (REST, HTTP 1.0, 2.0) and simple
 * responses; the rest is the answer.  Whatever the verdict: an invalid
 * answer has a reason; a policy answer has a principal and a compiled
 * policy that evaluates; context keys are strings and values non-NULL,
 * their JSON text inside the input; REST context values are never
 * objects or arrays.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_lauth.h"
#include "tp_policy.h"

#include "tp_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum tp_lauth_format f;
    struct tp_lauth_answer a;
    struct tp_policy_req q;
    struct tp_arena arena;
    const char *in;
    bool simple;
    unsigned i;

    if (size < 1) {
        return 0;
    }
    f = (enum tp_lauth_format) (data[0] % 3);
    simple = (data[0] & 4) != 0;
    in = (const char *) data + 1;
    tp_arena_init(&arena, 4096);
    tp_lauth_parse(in, size - 1, f, simple, &arena, &a);
    switch (a.verdict) {
    case TP_LAUTH_INVALID:
        CHECK(a.why != NULL && a.why[0] != '\0');
        break;
    case TP_LAUTH_POLICY:
        CHECK(!(f == TP_LAUTH_HTTP_2 && simple));
        CHECK(a.principal_id != NULL && a.policy != NULL);
        memset(&q, 0, sizeof(q));
        q.action = "execute-api:Invoke";
        q.resource = "arn:aws:execute-api:us-east-1:123456789012:a/s/GET/x";
        (void) tp_policy_eval(a.policy, &q);
        break;
    case TP_LAUTH_ALLOWED:
    case TP_LAUTH_DENIED:
        CHECK(f == TP_LAUTH_HTTP_2 && simple);
        break;
    default:
        CHECK(0);
    }
    for (i = 0; a.verdict != TP_LAUTH_INVALID && i < a.ncontext; i++) {
        CHECK(a.context[i].key != NULL && a.context[i].text.p != NULL);
        CHECK(a.context[i].json.p >= in && a.context[i].json.p
            + a.context[i].json.len <= in + size - 1);
        if (f == TP_LAUTH_REST) {
            CHECK(a.context[i].json.p[0] != '{'
                && a.context[i].json.p[0] != '[');
        }
    }
    tp_arena_free(&arena);
    return 0;
}

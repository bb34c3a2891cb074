/*
 * fuzz_lambda_resp.c: libFuzzer target for the Lambda proxy answer parser
 * (tp_lambda_resp.c), which workers run on whatever a function returns.
 *
 * The first byte picks the payload format (odd: 2.0), the rest is the
 * answer.  Besides reading only its bytes (an exact copy): an accepted
 * answer has a status of 100-599, at most TP_LRESP_MAX_HEADERS headers
 * whose names are HTTP tokens and whose values carry no control
 * character (nothing can split the response); a 2.0 answer that is not
 * an object is always accepted (inferred); 1.0 accepts only objects.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_lambda_resp.h"

#include "tp_fuzz.h"

static void
check_ok(const struct tp_lresp *res)
{
    unsigned i;
    size_t k;

    CHECK(res->status >= 100 && res->status <= 599);
    CHECK(res->nheaders <= TP_LRESP_MAX_HEADERS);
    CHECK(res->body.len == 0 || res->body.p != NULL);
    for (i = 0; i < res->nheaders; i++) {
        struct tp_str n = res->headers[i].name, v = res->headers[i].value;

        CHECK(n.len > 0);
        for (k = 0; k < n.len; k++) {
            CHECK(n.p[k] > 0x20 && n.p[k] < 0x7f && n.p[k] != ':');
        }
        for (k = 0; k < v.len; k++) {
            CHECK((unsigned char) v.p[k] >= 0x20 && v.p[k] != 0x7f);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tp_arena a;
    struct tp_lresp res;
    const char *why = NULL;
    char *copy;
    bool v2;
    int rc;

    if (size == 0) {
        return 0;
    }
    v2 = data[0] & 1;
    copy = malloc(size);
    CHECK(copy != NULL);
    memcpy(copy, data + 1, size - 1);
    tp_arena_init(&a, 4096);
    rc = tp_lambda_resp_parse(&a, v2, (struct tp_str) { copy, size - 1 },
        &res, &why);
    if (rc == TP_OK) {
        check_ok(&res);
        if (!v2) {
            CHECK(!res.inferred);
        }
    } else {
        CHECK(rc == TP_ERROR && why != NULL);
    }
    tp_arena_free(&a);
    free(copy);
    return 0;
}

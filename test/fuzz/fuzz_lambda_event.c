/*
 * fuzz_lambda_event.c: libFuzzer target for the Lambda proxy event
 * builder (tp_lambda_event.c, tp_jsonw.c, tp_base64.c), which workers
 * run on request heads, queries and bodies any client controls.
 *
 * The input is cut at NUL bytes into: a format byte, the query, the
 * body, then header name/value pairs.  Besides reading only its bytes
 * (exact copies): the event is always valid JSON (whatever bytes the
 * headers, query or a text body hold), has the format's version, and a
 * binary body reads back through base64 to the very bytes.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_base64.h"
#include "tp_json.h"
#include "tp_lambda_event.h"

#include "tp_fuzz.h"

#define MAX_FIELDS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tp_str f[MAX_FIELDS];
    struct tp_lev_kv hdrs[MAX_FIELDS / 2];
    struct tp_lev_in in;
    struct tp_arena a;
    struct tp_json d;
    struct tp_str out;
    unsigned nf = 0, i;
    size_t start = 1, k;
    char err[128], *copy;
    int body;

    if (size == 0) {
        return 0;
    }
    copy = malloc(size);
    CHECK(copy != NULL);
    memcpy(copy, data, size);
    for (k = 1; k <= size && nf < MAX_FIELDS; k++) {
        if (k == size || copy[k] == '\0') {
            f[nf++] = (struct tp_str) { copy + start, k - start };
            start = k + 1;
        }
    }
    memset(&in, 0, sizeof(in));
    in.format = (uint8_t) (copy[0] % 3);
    in.binary = (copy[0] & 4) != 0;
    in.method = TP_STR("GET");
    in.request_id = TP_STR("id");
    in.query = nf > 0 ? f[0] : TP_NULL_STR;
    in.body = nf > 1 ? f[1] : TP_NULL_STR;
    for (i = 2; i + 1 < nf; i += 2) {
        hdrs[in.nheaders++] = (struct tp_lev_kv) { f[i], f[i + 1] };
    }
    in.headers = hdrs;
    in.path_params = hdrs;
    in.npath_params = in.nheaders;
    tp_arena_init(&a, 4096);
    CHECK(tp_lambda_event(&in, &a, &out) == TP_OK);
    CHECK(tp_json_parse(&d, &a, out.p, out.len, err, sizeof(err)) == TP_OK);
    CHECK(tp_json_type(&d, 0) == TP_JSON_OBJECT);
    CHECK((tp_json_get(&d, 0, "version") >= 0) == (in.format != 0));
    body = tp_json_get(&d, 0, "body");
    if (in.binary && in.body.len > 0) {
        size_t n;
        char *s = tp_json_str(&d, body, &a, &n);
        unsigned char *dec = tp_arena_alloc(&a, TP_BASE64_DEC_MAX(n));

        CHECK(s != NULL && dec != NULL);
        CHECK(tp_base64_decode(s, n, dec, &n) == TP_OK);
        CHECK(n == in.body.len && memcmp(dec, in.body.p, n) == 0);
    }
    tp_arena_free(&a);
    free(copy);
    return 0;
}

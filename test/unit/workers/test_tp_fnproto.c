/*
 * test_tp_fnproto.c: unit tests of the worker <-> function host frames
 * (tp_fnproto.c): INVOKE and RESULT round trips, a frame split at every
 * byte, several frames back to back, and the refusals (unknown type,
 * lengths that do not add up, names out of their alphabet, flags, the
 * 6 MB payload limit), and an INVOKE's client context.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tp_fn.h"
#include "tp_fnproto.h"

static size_t
frame(const struct tp_fnmsg *m, uint8_t *out)
{
    size_t hl = tp_fnproto_encode_head(m, out);

    assert_true(hl > 0);
    if (m->payload.len > 0) {
        memcpy(out + hl, m->payload.p, m->payload.len);
    }
    return hl + m->payload.len;
}

static struct tp_fnmsg
invoke_msg(void)
{
    struct tp_fnmsg m;

    memset(&m, 0, sizeof(m));
    m.type = TP_FNPROTO_INVOKE;
    m.event = true;
    m.call = 0xdeadbeef;
    m.name = TP_STR("hello");
    m.request_id = TP_STR("c0ffee00-0000-4000-8000-000000000001");
    m.payload = TP_STR("{\"a\":1}");
    return m;
}

static void
test_workers__tp_fnproto__invoke(void **state)
{
    struct tp_fnmsg m = invoke_msg(), d;
    uint8_t buf[512];
    size_t n = frame(&m, buf), flen, i;

    assert_int_equal(n, TP_FNPROTO_FIXED + 5 + 36 + 7);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[3], n - 4);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(flen, n);
    assert_int_equal(d.type, TP_FNPROTO_INVOKE);
    assert_true(d.event);
    assert_int_equal(d.call, 0xdeadbeef);
    assert_int_equal(d.name.len, 5);
    assert_memory_equal(d.name.p, "hello", 5);
    assert_int_equal(d.request_id.len, 36);
    assert_memory_equal(d.payload.p, "{\"a\":1}", 7);
    /* every prefix is incomplete, never an error */
    for (i = 0; i < n; i++) {
        assert_int_equal(tp_fnproto_decode(buf, i, &d, &flen), TP_AGAIN);
        assert_int_equal(flen, i < 4 ? 0 : n);
    }
}

static void
test_workers__tp_fnproto__result(void **state)
{
    struct tp_fnmsg m, d;
    uint8_t buf[512];
    size_t n, flen;

    memset(&m, 0, sizeof(m));
    m.type = TP_FNPROTO_RESULT;
    m.status = TP_FN_TIMEOUT;
    m.cold = true;
    m.call = 7;
    m.duration_ms = 3001;
    m.name = TP_STR("Sandbox.Timedout");
    m.payload = TP_STR("{}");
    n = frame(&m, buf);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(d.type, TP_FNPROTO_RESULT);
    assert_int_equal(d.status, TP_FN_TIMEOUT);
    assert_true(d.cold);
    assert_int_equal(d.call, 7);
    assert_int_equal(d.duration_ms, 3001);
    assert_int_equal(d.name.len, 16);
    assert_int_equal(d.request_id.len, 0);
    assert_int_equal(d.payload.len, 2);
    /* an empty RESULT: no error type, no payload */
    m.name = TP_NULL_STR;
    m.payload = TP_NULL_STR;
    m.status = TP_FN_OK;
    m.cold = false;
    n = frame(&m, buf);
    assert_int_equal(n, TP_FNPROTO_FIXED);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(d.payload.len, 0);
    assert_false(d.cold);
}

static void
test_workers__tp_fnproto__back_to_back(void **state)
{
    struct tp_fnmsg m = invoke_msg(), d;
    uint8_t buf[1024];
    size_t n1, n2, flen;

    n1 = frame(&m, buf);
    m.call = 2;
    m.payload = TP_NULL_STR;
    m.event = false;
    n2 = frame(&m, buf + n1);
    assert_int_equal(tp_fnproto_decode(buf, n1 + n2, &d, &flen), TP_OK);
    assert_int_equal(flen, n1);
    assert_int_equal(tp_fnproto_decode(buf + n1, n2, &d, &flen), TP_OK);
    assert_int_equal(d.call, 2);
    assert_false(d.event);
    assert_int_equal(d.payload.len, 0);
}

static int
decode_mutated(size_t at, uint8_t v)
{
    struct tp_fnmsg m = invoke_msg(), d;
    uint8_t buf[512];
    size_t n = frame(&m, buf), flen;

    buf[at] = v;
    return tp_fnproto_decode(buf, n, &d, &flen);
}

static void
test_workers__tp_fnproto__refusals(void **state)
{
    struct tp_fnmsg m = invoke_msg(), d;
    uint8_t out[TP_FNPROTO_HEAD_MAX], buf[64];
    size_t flen;

    assert_int_equal(decode_mutated(4, 3), TP_ERROR);      /* type */
    assert_int_equal(decode_mutated(4, 0), TP_ERROR);
    assert_int_equal(decode_mutated(5, 0x02), TP_ERROR);   /* INVOKE flag */
    assert_int_equal(decode_mutated(6, 0), TP_ERROR);      /* no name */
    assert_int_equal(decode_mutated(6, 65), TP_ERROR);     /* name > 64 */
    assert_int_equal(decode_mutated(7, 200), TP_ERROR);    /* past frame */
    assert_int_equal(decode_mutated(14, 0xff), TP_ERROR);  /* ctx > max */
    assert_int_equal(decode_mutated(15, 8), TP_ERROR);     /* ctx past */
    assert_int_equal(decode_mutated(16, ' '), TP_ERROR);   /* name byte */
    assert_int_equal(decode_mutated(17, '"'), TP_ERROR);
    assert_int_equal(decode_mutated(22, 0x80), TP_ERROR);  /* id byte */
    /* a length too small for the fixed part, or over the limit */
    memset(buf, 0, sizeof(buf));
    buf[3] = 11;
    assert_int_equal(tp_fnproto_decode(buf, 16, &d, &flen), TP_ERROR);
    buf[0] = 0x7f;
    assert_int_equal(tp_fnproto_decode(buf, 4, &d, &flen), TP_ERROR);
    /* a RESULT with a status past the last, or a request id */
    memset(buf, 0, sizeof(buf));
    buf[3] = 12;
    buf[4] = TP_FNPROTO_RESULT;
    assert_int_equal(tp_fnproto_decode(buf, 16, &d, &flen), TP_OK);
    buf[5] = TP_FN_UNAVAILABLE + 1;
    assert_int_equal(tp_fnproto_decode(buf, 16, &d, &flen), TP_ERROR);
    buf[5] = 0x40;
    assert_int_equal(tp_fnproto_decode(buf, 16, &d, &flen), TP_ERROR);
    buf[5] = 0;
    buf[3] = 13;
    buf[7] = 1;
    buf[16] = 'x';
    assert_int_equal(tp_fnproto_decode(buf, 17, &d, &flen), TP_ERROR);
    /* the encoder refuses what the decoder would */
    m.payload.len = TP_FNPROTO_MAX_PAYLOAD + 1;
    assert_int_equal(tp_fnproto_encode_head(&m, out), 0);
    m.payload.len = TP_FNPROTO_MAX_PAYLOAD;
    assert_true(tp_fnproto_encode_head(&m, out) > 0);
    m.name = TP_STR("");
    assert_int_equal(tp_fnproto_encode_head(&m, out), 0);
    m.name = TP_STR("a b");
    assert_int_equal(tp_fnproto_encode_head(&m, out), 0);
}

/* The client context rides between the request id and the payload. */
static void
test_workers__tp_fnproto__client_ctx(void **state)
{
    struct tp_fnmsg m = invoke_msg(), d;
    uint8_t buf[TP_FNPROTO_HEAD_MAX + 16], out[TP_FNPROTO_HEAD_MAX];
    char big[TP_FNPROTO_MAX_CTX + 1];
    size_t n, flen, i;

    m.client_ctx = TP_STR("{\"custom\":{\"k\":\"v\"}}");
    n = frame(&m, buf);
    assert_int_equal(n, TP_FNPROTO_FIXED + 5 + 36 + 20 + 7);
    assert_int_equal(buf[15], 20);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(flen, n);
    assert_int_equal(d.duration_ms, 0);
    assert_int_equal(d.client_ctx.len, 20);
    assert_memory_equal(d.client_ctx.p, m.client_ctx.p, 20);
    assert_int_equal(d.payload.len, 7);
    assert_memory_equal(d.payload.p, "{\"a\":1}", 7);
    for (i = 0; i < n; i++) {
        assert_int_equal(tp_fnproto_decode(buf, i, &d, &flen), TP_AGAIN);
    }
    /* a control character would split the header line */
    buf[TP_FNPROTO_FIXED + 5 + 36 + 3] = '\n';
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_ERROR);
    /* the largest decodes, one byte more is refused both ways */
    memset(big, 'x', sizeof(big));
    m.client_ctx.p = big;
    m.client_ctx.len = TP_FNPROTO_MAX_CTX;
    n = frame(&m, buf);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(d.client_ctx.len, TP_FNPROTO_MAX_CTX);
    m.client_ctx.len++;
    assert_int_equal(tp_fnproto_encode_head(&m, out), 0);
    /* a RESULT has none */
    m.type = TP_FNPROTO_RESULT;
    m.request_id = TP_NULL_STR;
    m.name = TP_NULL_STR;
    m.client_ctx = TP_STR("{}");
    assert_int_equal(tp_fnproto_encode_head(&m, out), 0);
}

/* The largest payload decodes; one byte more is refused by its length. */
static void
test_workers__tp_fnproto__limit(void **state)
{
    struct tp_fnmsg m = invoke_msg(), d;
    size_t n, flen;
    uint8_t *buf = malloc(TP_FNPROTO_MAX_FRAME + 1);
    char *big = calloc(1, TP_FNPROTO_MAX_PAYLOAD + 1);

    assert_non_null(buf);
    assert_non_null(big);
    m.name = TP_STR("f");
    m.request_id = TP_NULL_STR;
    m.payload.p = big;
    m.payload.len = TP_FNPROTO_MAX_PAYLOAD;
    n = frame(&m, buf);
    assert_int_equal(tp_fnproto_decode(buf, n, &d, &flen), TP_OK);
    assert_int_equal(d.payload.len, TP_FNPROTO_MAX_PAYLOAD);
    /* one more payload byte: the length still fits the frame limit (the
     * name could be longer), but the payload does not */
    buf[3]++;
    assert_int_equal(tp_fnproto_decode(buf, n + 1, &d, &flen), TP_ERROR);
    free(buf);
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers__tp_fnproto__invoke),
        cmocka_unit_test(test_workers__tp_fnproto__result),
        cmocka_unit_test(test_workers__tp_fnproto__client_ctx),
        cmocka_unit_test(test_workers__tp_fnproto__back_to_back),
        cmocka_unit_test(test_workers__tp_fnproto__refusals),
        cmocka_unit_test(test_workers__tp_fnproto__limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

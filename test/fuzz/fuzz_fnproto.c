/*
 * fuzz_fnproto.c: libFuzzer target for tp_fnproto_decode(), which reads
 * every frame a worker or the function host receives from the other.
 *
 * The input is a byte stream decoded frame after frame, as a connection
 * does.  Besides reading only the input's bytes (an exact copy): a frame
 * found must lie within the input, its strings inside it, its payload
 * within the limit; encoding the decoded message again must give the
 * same bytes; and every shorter prefix of a frame must be incomplete,
 * never a different verdict.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_fnproto.h"

#include "tp_fuzz.h"

static void
fuzz_frame(const uint8_t *p, size_t flen, const struct tp_fnmsg *m)
{
    uint8_t head[TP_FNPROTO_HEAD_MAX];
    struct tp_fnmsg d;
    size_t hl, f2, cut;

    CHECK(flen >= TP_FNPROTO_FIXED && flen <= TP_FNPROTO_MAX_FRAME);
    CHECK(m->payload.len <= TP_FNPROTO_MAX_PAYLOAD);
    CHECK(m->payload.p + m->payload.len == (const char *) p + flen);
    CHECK(m->name.p >= (const char *) p + TP_FNPROTO_FIXED);
    hl = tp_fnproto_encode_head(m, head);
    CHECK(hl > 0 && hl + m->payload.len == flen);
    CHECK(memcmp(head, p, hl) == 0);
    for (cut = flen > 64 ? flen - 64 : 0; cut < flen; cut++) {
        CHECK(tp_fnproto_decode(p, cut, &d, &f2) == TP_AGAIN);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0, flen;
    struct tp_fnmsg m;

    while (off < size
        && tp_fnproto_decode(data + off, size - off, &m, &flen) == TP_OK)
    {
        fuzz_frame(data + off, flen, &m);
        off += flen;
    }
    return 0;
}

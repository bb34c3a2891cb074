/*
 * fuzz_alog_escape.c: libFuzzer target for the access-log value escaper
 * (tp_accesslog_escape(), workers/tp_accesslog.c), which every client-
 * controlled value (path, user agent, authorizer claims...) goes through
 * on its way into a log line.
 *
 * The first byte picks the mode (bit 0: inside a JSON string) and the
 * room: bit 1 clear, enough for any value (6 bytes per byte); set, the
 * second byte is the room, to exercise truncation.  The rest is the
 * value.  Invariants CHECK()ed:
 * - at most <room> bytes are written (the buffer is exactly that big,
 *   so ASan sees a byte past it), and counting (out == NULL) gives the
 *   same length as writing;
 * - the output holds no control byte (below 0x20, 0x7f) and is valid
 *   UTF-8, so a line cannot be split or made undecodable; in JSON mode
 *   every '"' and '\' is escaped;
 * - round trip: decoding the output (\xHH in plain mode, \u00HH, \" and
 *   \\ in JSON mode) against the value gives back a prefix of the value,
 *   all of it when the room sufficed, and never an escape or a UTF-8
 *   sequence cut in half.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_accesslog.h"
#include "tp_accesslog_conf.h"
#include "tp_jsonw.h"

#include "tp_fuzz.h"

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* An escape for byte <b> at o[j] (<left> bytes), or 0 if there is none. */
static size_t
escape_of(const char *o, size_t left, unsigned char b, bool json)
{
    const char *pre = json ? "\\u00" : "\\x";
    size_t k = strlen(pre);
    int hi, lo;

    if (left < k + 2 || memcmp(o, pre, k) != 0) {
        return 0;
    }
    hi = hexval(o[k]);
    lo = hexval(o[k + 1]);
    return hi >= 0 && lo >= 0 && (hi << 4 | lo) == b ? k + 2 : 0;
}

static void
check(const unsigned char *v, size_t n, bool json, size_t room)
{
    char *out = malloc(room > 0 ? room : 1);
    struct tp_str s = { (const char *) v, n };
    uint8_t mode = json ? TP_ALOG_ESC_JSON : TP_ALOG_ESC_PLAIN;
    size_t len, counted, i, j, k, u;

    CHECK(out != NULL);
    len = tp_accesslog_escape(out, s, mode, room);
    counted = tp_accesslog_escape(NULL, s, mode, room);
    CHECK(len <= room && len == counted);
    for (j = 0; j < len; j += u) {
        unsigned char c = (unsigned char) out[j];

        CHECK(c >= 0x20 && c != 0x7f);
        u = tp_utf8_len((const unsigned char *) out + j, len - j);
        CHECK(u > 0);
    }
    /* Decode against the value. */
    for (i = 0, j = 0; j < len; i++) {
        CHECK(i < n);
        if (json && (v[i] == '"' || v[i] == '\\')) {
            CHECK(j + 2 <= len && out[j] == '\\' && out[j + 1] == (char) v[i]);
            j += 2;
        } else if (v[i] < 0x20 || v[i] == 0x7f) {
            k = escape_of(out + j, len - j, v[i], json);
            CHECK(k > 0);
            j += k;
        } else if ((unsigned char) out[j] == v[i]) {
            j++;
        } else {
            CHECK(v[i] >= 0x80);     /* a stray byte of bad UTF-8 */
            k = escape_of(out + j, len - j, v[i], json);
            CHECK(k > 0);
            j += k;
        }
    }
    CHECK(j == len);
    if (room >= 6 * n) {
        CHECK(i == n);
    }
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *v;
    unsigned char *copy;
    size_t n, room;
    bool json;

    if (size < 2) {
        return 0;
    }
    json = (data[0] & 1) != 0;
    v = data + 2;
    n = size - 2;
    room = (data[0] & 2) ? data[1] : 6 * n;
    copy = malloc(n > 0 ? n : 1);    /* exact size: ASan sees overreads */
    CHECK(copy != NULL);
    memcpy(copy, v, n);
    check(copy, n, json, room);
    free(copy);
    return 0;
}

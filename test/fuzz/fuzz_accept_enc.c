/*
 * fuzz_accept_enc.c: libFuzzer target for Accept-Encoding negotiation
 * (tp_accept_enc.c), which the workers run on a header every client
 * controls.
 *
 * The input is the header value.  Besides reading only its bytes (an exact
 * copy), the choice must not change when the value is upper-cased, when
 * its elements come in reverse order or with blanks and empty elements
 * around them (the rules know no order, case or spacing); ",gzip" at the
 * end always wins (q=1 is the highest weight, ties go to gzip); and a
 * coding is chosen only if its name or "*" occurs in the value.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_accept_enc.h"

#include "tp_fuzz.h"

static enum tp_coding
choose(const char *v, size_t n)
{
    char *copy = malloc(n > 0 ? n : 1);
    enum tp_coding c;

    CHECK(copy != NULL);
    memcpy(copy, v, n);
    c = tp_accept_enc_choose(copy, n, true);
    free(copy);
    CHECK(c == TP_CODING_IDENTITY || c == TP_CODING_GZIP
          || c == TP_CODING_DEFLATE);
    return c;
}

static bool
has_word(const char *v, size_t n, const char *w)
{
    size_t i, j, k = strlen(w);

    for (i = 0; i + k <= n; i++) {
        for (j = 0; j < k && (v[i + j] | 0x20) == w[j]; j++) {
            /* ASCII case-insensitive: w is lower case, no '@'-like */
        }
        if (j == k) {
            return true;
        }
    }
    return false;
}

/* The elements of <v, n> reversed, padded, in <out> (4 n + 4 bytes). */
static size_t
reverse_elements(const char *v, size_t n, char *out)
{
    size_t end = n, start, o = 0;

    for (;;) {
        start = end;
        while (start > 0 && v[start - 1] != ',') {
            start--;
        }
        memcpy(out + o, " \t", 2);
        memcpy(out + o + 2, v + start, end - start);
        o += 2 + end - start;
        memcpy(out + o, " ,", 2);
        o += 2;
        if (start == 0) {
            return o;
        }
        end = start - 1;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *v = (const char *) data;
    char *buf = malloc(size * 4 + 16);
    enum tp_coding c;
    size_t i, n;

    CHECK(buf != NULL);
    CHECK(tp_accept_enc_choose(v, size, false) == TP_CODING_IDENTITY);
    c = choose(v, size);
    if (c == TP_CODING_GZIP) {
        CHECK(has_word(v, size, "gzip") || memchr(v, '*', size) != NULL);
    } else if (c == TP_CODING_DEFLATE) {
        CHECK(has_word(v, size, "deflate") || memchr(v, '*', size) != NULL);
    }
    for (i = 0; i < size; i++) {
        buf[i] = v[i] >= 'a' && v[i] <= 'z' ? (char) (v[i] - 0x20) : v[i];
    }
    CHECK(choose(buf, size) == c);
    n = reverse_elements(v, size, buf);
    CHECK(n <= size * 4 + 16);
    CHECK(choose(buf, n) == c);
    memcpy(buf, v, size);
    memcpy(buf + size, ",gzip", 5);
    CHECK(choose(buf, size + 5) == TP_CODING_GZIP);
    free(buf);
    return 0;
}

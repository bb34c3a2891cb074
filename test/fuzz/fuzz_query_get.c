/*
 * fuzz_query_get.c: libFuzzer target for the query-string lookup
 * (tp_query_get(), workers/tp_mapping.c) that parameter mappings,
 * multi-value query mappings and Lambda authorizer identity sources run
 * on the raw query a client sends.
 *
 * The input is "<name>\n<query>" (no newline: the name is empty).
 * Invariants CHECK()ed against a plain split of the query on '&':
 * - the lookup finds <name> exactly when some field is "<name>" or
 *   "<name>=...", and returns that first field's value;
 * - a value lies inside the query (callers resume the search after it:
 *   the multi-value mapping walks every value that way), and resuming
 *   after each value finds every such field in order, then nothing.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_mapping.h"

#include "tp_fuzz.h"

/* The next field "<name>[=value]" at or after <*p> (plain split). */
static bool
next_match(const char **p, const char *end, const char *name, size_t len,
    struct tp_str *val)
{
    const char *f, *amp, *eq;

    for (f = *p; f < end; f = amp + 1) {
        amp = memchr(f, '&', (size_t) (end - f));
        amp = amp != NULL ? amp : end;
        eq = memchr(f, '=', (size_t) (amp - f));
        if ((size_t) ((eq != NULL ? eq : amp) - f) == len
            && memcmp(f, name, len) == 0)
        {
            *val = eq != NULL ? (struct tp_str) { eq + 1,
                                    (size_t) (amp - eq - 1) }
                              : (struct tp_str) { amp, 0 };
            *p = amp + 1;
            return true;
        }
    }
    *p = end;
    return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *) data, *nl, *name, *p, *end, *amp;
    struct tp_str q, v, want;
    unsigned found = 0;
    size_t len;
    bool got;

    nl = memchr(in, '\n', size);
    name = nl != NULL ? in : "";
    len = nl != NULL ? (size_t) (nl - in) : 0;
    q.p = nl != NULL ? nl + 1 : in;
    q.len = size - (size_t) (q.p - in);
    end = q.p + q.len;
    p = q.p;
    /* Walk every value as a multi-value mapping does. */
    for (;;) {
        struct tp_str rest = { p, (size_t) (end - p) };

        got = tp_query_get(rest, name, len, &v);
        CHECK(got == next_match(&p, end, name, len, &want));
        if (!got) {
            break;
        }
        found++;
        CHECK(v.len == want.len && (v.len == 0
              || memcmp(v.p, want.p, v.len) == 0));
        CHECK(v.p >= q.p && v.p + v.len <= end);
        amp = memchr(v.p, '&', (size_t) (end - v.p));
        if (amp == NULL) {
            break;
        }
        CHECK(amp + 1 == p);
    }
    CHECK(found <= q.len + 1);
    return 0;
}

/*
 * fuzz_csv.c: libFuzzer target for turnpikectl's streaming CSV reader
 * (server/ctl/tpctl_csv.c), which `turnpikectl keys import` runs on files
 * an operator hands it.  turnpikectl's sources are not in libturnpike.a,
 * so the reader is compiled into this target (#include of its .c), with
 * its read(2) routed through script_read() below.
 *
 * Each input is read four ways:
 *  - from a memfd, opened by its /proc/self/fd path (real system calls);
 *  - through script_read(): in chunks of varied sizes, with EINTR now and
 *    then, so that the reader's input buffer ends anywhere in the input
 *    (a byte order mark often split: a pipe may hand it over bytewise);
 *  - the same, failing with EIO at a byte chosen from the input: records
 *    before it as usual, then "LINE: read error: ...", never a silent end;
 *  - for tiny inputs and some others, repeated past 64 KiB (long
 *    records, the 64 KiB record limit).
 * Each way, every record and the final error must be those of a reference
 * reader working on the whole buffer in memory (which takes a NUL byte
 * for the end of the input and then fails with its line, counted apart
 * as the '\n's before it), and every record must
 * hold: 1 <= nfields <= TPCTL_CSV_FIELDS; fields in rec, in order, each
 * NUL-terminated just before the next starts; rec_line <= line and lines
 * never go back; at most one record per input byte (it terminates).  And
 * the records read, written back as CSV with every field quoted, must
 * read back the same.
 *
 * Without TP_LIBFUZZER, main() replays every file under the directories
 * (or the files) named on the command line: make fuzz-replay.
 */
#include "../../server/ctl/tpctl_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static ssize_t script_read(int fd, void *buf, size_t n);

#define read script_read
#include "../../server/ctl/tpctl_csv.c"
#undef read

#define CHECK(x) ((x) ? (void) 0 : check_failed(__LINE__, #x))

#define REPEAT_MIN  (TPCTL_CSV_RECORD + 4096)   /* the repeated way */
#define REPEAT_MAX  (4 * TPCTL_CSV_RECORD)
#define NO_FAILURE  SIZE_MAX

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn))
check_failed(int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, line, what);
    abort();
}

/* What the reader says, written once: both readers must say it alike. */
#define MSG_CR      "a carriage return without a line feed"
#define MSG_LONG    "a record longer than 64 KiB"
#define MSG_NUL     "a NUL byte (the file must be UTF-8 text, not UTF-16 or " \
    "binary)"

static struct tpctl_csv csv;           /* 128 KiB: not on the stack */

/* A growable byte buffer. */
struct sbuf {
    unsigned char *p;
    size_t len, cap;
};

static void
sbuf_add(struct sbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
        CHECK(b->p != NULL);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* -- scripted reads ----------------------------------------------------- */

static struct {
    bool on;                         /* else reads are read(2)'s */
    const unsigned char *p;
    size_t n, pos;
    size_t fail_at;                  /* EIO when asked for this byte */
    uint64_t rng;
    unsigned eintr;                  /* interruptions left */
} script;

static uint64_t
rnd(void)
{
    script.rng ^= script.rng << 13;  /* xorshift64 */
    script.rng ^= script.rng >> 7;
    script.rng ^= script.rng << 17;
    return script.rng;
}

static uint64_t
hash(const uint8_t *p, size_t n, uint64_t salt)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ salt;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * UINT64_C(1099511628211);
    }
    return h != 0 ? h : 1;
}

static ssize_t
script_read(int fd, void *buf, size_t n)
{
    size_t k;

    if (!script.on) {
        return read(fd, buf, n);
    }
    if (script.eintr > 0 && rnd() % 8 == 0) {
        script.eintr--;
        errno = EINTR;
        return -1;
    }
    if (script.pos >= script.fail_at) {
        errno = EIO;
        return -1;
    }
    /* Mostly short reads; often 1 or 2 bytes at the start, where a byte
     * order mark must be recognised across reads. */
    k = rnd() % 4 == 0 ? n : 1 + rnd() % 64;
    if (script.pos < 3 && rnd() % 2 == 0) {
        k = 1 + rnd() % 2;
    }
    k = TP_MIN(k, TP_MIN(n, script.n - script.pos));
    if (script.fail_at != NO_FAILURE) {
        k = TP_MIN(k, script.fail_at - script.pos);
    }
    memcpy(buf, script.p + script.pos, k);
    script.pos += k;
    return (ssize_t) k;
}

/* -- the reference reader: the whole input in memory ------------------- */

struct ref {
    const unsigned char *p;
    size_t n, pos;
    size_t end;                      /* n, or where the first NUL is */
    size_t asked;                    /* bytes it asked for, EOF included */
    unsigned long line, rec_line, err_line;
    unsigned long nul_line;          /* the first NUL's line, or 0 */
    const char *why;
    unsigned nfields;
    size_t off[TPCTL_CSV_FIELDS];
    size_t len;
    char rec[TPCTL_CSV_RECORD];
};

static struct ref ref;

static void
ref_init(struct ref *r, const unsigned char *p, size_t n)
{
    const unsigned char *nul;
    size_t i;

    r->p = p;
    r->n = n;
    r->pos = n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
    r->asked = r->pos;
    r->line = 1;
    /* Every '\n' read is a line (a lone '\r' is an error), so the NUL's
     * line is one more than the '\n's before it. */
    nul = memchr(p + r->pos, '\0', n - r->pos);
    r->end = nul != NULL ? (size_t) (nul - p) : n;
    r->nul_line = 0;
    if (nul != NULL) {
        for (r->nul_line = 1, i = r->pos; i < r->end; i++) {
            r->nul_line += p[i] == '\n';
        }
    }
}

/* The input up to its first NUL: asking for the NUL (at r->end) reads it,
 * and the reading fails. */
static int
ref_getc(struct ref *r)
{
    r->asked = TP_MAX(r->asked, r->pos + 1);
    return r->pos < r->end ? r->p[r->pos++] : -1;
}

static int
ref_fail(struct ref *r, unsigned long line, const char *why)
{
    r->err_line = line;
    r->why = why;
    return TP_ERROR;
}

static bool
ref_put(struct ref *r, int ch)
{
    if (r->len == sizeof(r->rec)) {
        return false;
    }
    r->rec[r->len++] = (char) ch;
    return true;
}

static bool
ends_field(int ch)
{
    return ch == ',' || ch == '\n' || ch == '\r' || ch < 0;
}

/* One field starting with <*ch>: NULL, or why it is wrong. */
static const char *
ref_field(struct ref *r, int *ch)
{
    if (*ch != '"') {
        for (; !ends_field(*ch); *ch = ref_getc(r)) {
            if (*ch == '"') {
                return "a quote inside an unquoted field (quote the whole "
                    "field and double its quotes)";
            }
            if (!ref_put(r, *ch)) {
                return MSG_LONG;
            }
        }
        return NULL;
    }
    for (;;) {
        *ch = ref_getc(r);
        if (*ch < 0) {
            return "a quoted field is not closed";
        }
        if (*ch == '"') {
            *ch = ref_getc(r);
            if (*ch != '"') {
                break;
            }
        }
        r->line += *ch == '\n';
        if (!ref_put(r, *ch)) {
            return MSG_LONG;
        }
    }
    return ends_field(*ch) ? NULL
                           : "text after the closing quote of a field";
}

static int
ref_parse(struct ref *r)
{
    const char *why;
    int ch;

    r->len = 0;
    r->nfields = 0;
    while ((ch = ref_getc(r)) == '\n' || ch == '\r') {
        if (ch == '\r' && ref_getc(r) != '\n') {
            return ref_fail(r, r->line, MSG_CR);
        }
        r->line++;
    }
    if (ch < 0) {
        return TP_DONE;
    }
    r->rec_line = r->line;
    for (;;) {
        if (r->nfields == TPCTL_CSV_FIELDS) {  /* after the comma's next */
            return ref_fail(r, r->rec_line, "more than 32 fields");
        }
        r->off[r->nfields++] = r->len;
        why = ref_field(r, &ch);
        if (why == NULL && !ref_put(r, '\0')) {
            why = MSG_LONG;
        }
        if (why != NULL) {
            return ref_fail(r, r->rec_line, why);
        }
        if (ch != ',') {
            break;
        }
        ch = ref_getc(r);
    }
    if (ch == '\r' && ref_getc(r) != '\n') {
        return ref_fail(r, r->line, MSG_CR);
    }
    r->line += ch == '\r' || ch == '\n';
    return TP_OK;
}

/* The next record, or an error at a NUL byte, whatever the parse made of
 * the end there (a field closed, a record done, an unclosed quote). */
static int
ref_next(struct ref *r)
{
    int rc = ref_parse(r);

    if (r->nul_line != 0 && r->asked > r->end) {
        return ref_fail(r, r->nul_line, MSG_NUL);
    }
    return rc;
}

/* -- the real reader ----------------------------------------------------- */

/* The record must be well formed and the reference's. */
static void
check_record(const struct tpctl_csv *c, const struct ref *r,
    unsigned long prev_line)
{
    const char *end;
    unsigned i;

    CHECK(c->nfields >= 1 && c->nfields <= TPCTL_CSV_FIELDS);
    CHECK(c->len >= c->nfields && c->len <= sizeof(c->rec));
    CHECK(c->field[0] == c->rec);
    for (i = 0; i < c->nfields; i++) {
        end = i + 1 < c->nfields ? c->field[i + 1] : c->rec + c->len;
        CHECK(c->field[i] >= c->rec && end > c->field[i]);
        CHECK(end <= c->rec + c->len);
        CHECK(end[-1] == '\0');            /* NUL-terminated in rec */
        CHECK((size_t) (c->field[i] - c->rec) == r->off[i]);
    }
    CHECK(c->rec_line >= prev_line && c->line >= c->rec_line);
    CHECK(c->nfields == r->nfields && c->len == r->len);
    CHECK(memcmp(c->rec, r->rec, c->len) == 0);
    CHECK(c->rec_line == r->rec_line && c->line == r->line);
}

/* The record as CSV with every field quoted: reads back the same. */
static void
write_record(const struct tpctl_csv *c, struct sbuf *out)
{
    const char *p, *end;
    unsigned i;

    for (i = 0; i < c->nfields; i++) {
        end = (i + 1 < c->nfields ? c->field[i + 1] : c->rec + c->len) - 1;
        sbuf_add(out, i == 0 ? "\"" : ",\"", i == 0 ? 1 : 2);
        for (p = c->field[i]; p < end; p++) {
            sbuf_add(out, p, 1);
            if (*p == '"') {
                sbuf_add(out, "\"", 1);
            }
        }
        sbuf_add(out, "\"", 1);
    }
    sbuf_add(out, "\r\n", 2);
}

/* Opens <p, n> in a memfd (real reads), or scripted with EIO at byte
 * <fail_at> (NO_FAILURE: none). */
static void
open_csv(const unsigned char *p, size_t n, bool memfd, size_t fail_at)
{
    char path[64], err[256];
    size_t done;
    ssize_t w;
    int fd;

    if (!memfd) {
        script.on = true;
        script.p = p;
        script.n = n;
        script.pos = 0;
        script.fail_at = fail_at;
        script.rng = hash(p, n, fail_at);
        script.eintr = 16;
        CHECK(tpctl_csv_open(&csv, "/dev/null", err, sizeof(err)) == TP_OK);
        return;
    }
    fd = memfd_create("fuzz_csv", MFD_CLOEXEC);
    CHECK(fd >= 0);
    for (done = 0; done < n; done += (size_t) w) {
        w = write(fd, p + done, n - done);
        CHECK(w > 0);
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK(tpctl_csv_open(&csv, path, err, sizeof(err)) == TP_OK);
    close(fd);                               /* the reader has its own */
}

/* Reads <p, n> (see open_csv) beside the reference reader: the records
 * (into <out> when not NULL) and how the reading ended. */
static int
read_csv(const unsigned char *p, size_t n, bool memfd, size_t fail_at,
    struct sbuf *out)
{
    char err[256], want[256];
    unsigned long prev_line = 1;
    size_t count;
    int rc, ref_rc;

    open_csv(p, n, memfd, fail_at);
    ref_init(&ref, p, n);
    for (count = 0;; count++) {
        CHECK(count <= n);                   /* each record takes a byte */
        rc = tpctl_csv_next(&csv, err, sizeof(err));
        ref_rc = ref_next(&ref);
        if (fail_at != NO_FAILURE && ref.asked > fail_at) {
            break;                           /* it met the failure */
        }
        CHECK(rc == ref_rc);
        if (rc != TP_OK) {
            break;
        }
        check_record(&csv, &ref, prev_line);
        prev_line = csv.line;
        if (out != NULL) {
            write_record(&csv, out);
        }
    }
    script.on = false;
    if (fail_at != NO_FAILURE && ref.asked > fail_at) {
        snprintf(want, sizeof(want), ": read error: %s", strerror(EIO));
        CHECK(rc == TP_ERROR && csv.read_errno == EIO);
        CHECK(err[0] >= '1' && err[0] <= '9'
              && strcmp(err + strspn(err, "0123456789"), want) == 0);
    } else if (rc == TP_ERROR) {
        snprintf(want, sizeof(want), "%lu: %s", ref.err_line, ref.why);
        CHECK(strcmp(err, want) == 0);
        CHECK(ref.err_line >= prev_line);
    } else {
        CHECK(rc == TP_DONE && csv.read_errno == 0);
        CHECK(csv.line == ref.line && csv.line >= prev_line);
    }
    tpctl_csv_close(&csv);
    CHECK(csv.fd == -1);
    return rc;
}

/* The input again and again, past the 64 KiB record limit. */
static void
read_repeated(const uint8_t *data, size_t size)
{
    size_t n, total = size * (REPEAT_MIN / size + 1);
    unsigned char *buf;

    if (total > REPEAT_MAX) {
        return;
    }
    buf = malloc(total);
    CHECK(buf != NULL);
    for (n = 0; n < total; n += size) {
        memcpy(buf + n, data, size);
    }
    (void) read_csv(buf, total, false, NO_FAILURE, NULL);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sbuf once = { NULL, 0, 0 }, twice = { NULL, 0, 0 };

    (void) read_csv(data, size, true, NO_FAILURE, &once);
    (void) read_csv(data, size, false, NO_FAILURE, NULL);
    (void) read_csv(data, size, false, hash(data, size, 1) % (size + 1),
        NULL);
    /* What was read, written back quoted, reads back the same. */
    CHECK(read_csv(once.p != NULL ? once.p : (const unsigned char *) "",
        once.len, false, NO_FAILURE, &twice) == TP_DONE);
    CHECK(twice.len == once.len
          && (once.len == 0 || memcmp(once.p, twice.p, once.len) == 0));
    free(once.p);
    free(twice.p);
    /* Tiny inputs and some others only: reading 64 KiB twice is slow. */
    if (size > 0 && (size <= 16 || hash(data, size, 2) % 8 == 0)) {
        read_repeated(data, size);
    }
    return 0;
}

#ifndef TP_LIBFUZZER

static int replayed;

static int
replay_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
    unsigned char *buf;
    size_t got = 0;
    ssize_t n;
    int fd;

    if (type != FTW_F || !S_ISREG(st->st_mode)
        || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    {
        return 0;
    }
    /* An exact-size copy, so that ASan catches reads past the input. */
    buf = malloc(st->st_size > 0 ? (size_t) st->st_size : 1);
    CHECK(buf != NULL);
    while (got < (size_t) st->st_size
        && (n = read(fd, buf + got, (size_t) st->st_size - got)) > 0)
    {
        got += (size_t) n;
    }
    close(fd);
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    replayed++;
    return 0;
}

int
main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        (void) nftw(argv[i], replay_one, 8, FTW_PHYS);   /* missing: fine */
    }
    printf("%s: %d files replayed\n", argv[0], replayed);
    return 0;
}

#endif /* TP_LIBFUZZER */

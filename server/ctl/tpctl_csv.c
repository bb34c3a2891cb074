/*
 * tpctl_csv.c: the CSV reader of tpctl_csv.h.  Reads the file through its
 * own buffer, so a file of millions of records streams in constant memory.
 */
#include "tpctl_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define CSV_EOF (-1)

/*
 * Reads more input after in[in_len]: false at its end or on a failure,
 * which is kept in in_errno until the reader gets there, since bytes read
 * before it (by tpctl_csv_open()) may still be parsed first.
 */
static bool
csv_fill(struct tpctl_csv *c)
{
    ssize_t n;

    do {
        n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        c->in_errno = n < 0 ? errno : 0;
        return false;
    }
    c->in_len += (size_t) n;
    return true;
}

static int
csv_getc(struct tpctl_csv *c)
{
    int ch;

    if (c->in_pos == c->in_len) {
        c->in_pos = c->in_len = 0;
        if (c->in_errno != 0 || !csv_fill(c)) {   /* a failure is final */
            c->read_errno = c->in_errno;
            return CSV_EOF;
        }
    }
    ch = c->in[c->in_pos++];
    if (ch == '\0') {
        /*
         * Not text (UTF-16, a binary file): the input ends here, and
         * tpctl_csv_next() fails as after a read error, naming its line.
         * Fields are NUL-terminated, so one would also cut a value short.
         */
        c->nul_line = c->line;
        return CSV_EOF;
    }
    return ch;
}

/* The input failed, or a NUL byte ended it: csv_error() says which. */
static bool
csv_failed(const struct tpctl_csv *c)
{
    return c->read_errno != 0 || c->nul_line != 0;
}

int
tpctl_csv_open(struct tpctl_csv *c, const char *path, char *err,
    size_t errlen)
{
    /* "-": standard input, as most Unix tools read it (dup'd, so that
     * closing it leaves descriptor 0 alone). */
    c->fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                   : open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return TP_ERROR;
    }
    c->line = 1;
    c->in_pos = c->in_len = 0;
    c->read_errno = c->in_errno = 0;
    c->nul_line = 0;
    /*
     * A byte order mark, as spreadsheets write UTF-8 CSV files.  A pipe
     * may hand it over a byte at a time: read until 3 bytes are in.
     */
    while (c->in_len < 3) {
        if (!csv_fill(c)) {
            break;
        }
    }
    if (c->in_len >= 3 && memcmp(c->in, "\xef\xbb\xbf", 3) == 0) {
        c->in_pos = 3;
    }
    return TP_OK;
}

void
tpctl_csv_close(struct tpctl_csv *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static int
csv_error(struct tpctl_csv *c, char *err, size_t errlen, unsigned long line,
    const char *msg)
{
    if (c->nul_line != 0) {
        snprintf(err, errlen, "%lu: a NUL byte (the file must be UTF-8 "
            "text, not UTF-16 or binary)", c->nul_line);
    } else if (c->read_errno != 0) {
        snprintf(err, errlen, "%lu: read error: %s", line,
            strerror(c->read_errno));
    } else {
        snprintf(err, errlen, "%lu: %s", line, msg);
    }
    return TP_ERROR;
}

static bool
csv_put(struct tpctl_csv *c, int ch)
{
    if (c->len == sizeof(c->rec)) {
        return false;
    }
    c->rec[c->len++] = (char) ch;
    return true;
}

/* One field whose first character is <*ch>; leaves the one after it. */
static const char *
csv_field(struct tpctl_csv *c, int *ch)
{
    if (*ch == '"') {
        for (;;) {
            *ch = csv_getc(c);
            if (*ch == CSV_EOF) {
                return "a quoted field is not closed";
            }
            if (*ch == '"' && (*ch = csv_getc(c)) != '"') {
                break;                       /* "" is a quote */
            }
            c->line += *ch == '\n';
            if (!csv_put(c, *ch)) {
                return "a record longer than 64 KiB";
            }
        }
        if (*ch != ',' && *ch != '\n' && *ch != '\r' && *ch != CSV_EOF) {
            return "text after the closing quote of a field";
        }
        return NULL;
    }
    while (*ch != ',' && *ch != '\n' && *ch != '\r' && *ch != CSV_EOF) {
        if (*ch == '"') {
            return "a quote inside an unquoted field (quote the whole "
                "field and double its quotes)";
        }
        if (!csv_put(c, *ch)) {
            return "a record longer than 64 KiB";
        }
        *ch = csv_getc(c);
    }
    return NULL;
}

int
tpctl_csv_next(struct tpctl_csv *c, char *err, size_t errlen)
{
    const char *why;
    int ch;

    c->len = 0;
    c->nfields = 0;
    for (;;) {                               /* blank lines */
        ch = csv_getc(c);
        if (ch == '\r' && (ch = csv_getc(c)) != '\n') {
            return csv_error(c, err, errlen, c->line, "a carriage return "
                "without a line feed");
        }
        if (ch != '\n') {
            break;
        }
        c->line++;
    }
    if (ch == CSV_EOF) {
        return csv_failed(c) ? csv_error(c, err, errlen, c->line, "")
                             : TP_DONE;
    }
    c->rec_line = c->line;
    for (;;) {
        if (c->nfields == TPCTL_CSV_FIELDS) {
            return csv_error(c, err, errlen, c->rec_line, "more than 32 "
                "fields");
        }
        c->field[c->nfields++] = c->rec + c->len;
        why = csv_field(c, &ch);
        if (why == NULL && !csv_put(c, '\0')) {
            why = "a record longer than 64 KiB";
        }
        if (why != NULL) {                   /* named by its first line */
            return csv_error(c, err, errlen, c->rec_line, why);
        }
        if (ch != ',') {
            break;
        }
        ch = csv_getc(c);
    }
    if (ch == '\r' && (ch = csv_getc(c)) != '\n') {
        return csv_error(c, err, errlen, c->line, "a carriage return "
            "without a line feed");
    }
    c->line += ch == '\n';
    return csv_failed(c) ? csv_error(c, err, errlen, c->line, "")
                         : TP_OK;
}

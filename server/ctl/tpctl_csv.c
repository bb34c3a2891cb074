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

static int
csv_getc(struct tpctl_csv *c)
{
    ssize_t n;

    if (c->in_pos == c->in_len) {
        do {
            n = read(c->fd, c->in, sizeof(c->in));
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            c->read_errno = n < 0 ? errno : 0;
            return CSV_EOF;
        }
        c->in_len = (size_t) n;
        c->in_pos = 0;
    }
    return c->in[c->in_pos++];
}

int
tpctl_csv_open(struct tpctl_csv *c, const char *path, char *err,
    size_t errlen)
{
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return TP_ERROR;
    }
    c->line = 1;
    c->in_pos = c->in_len = 0;
    c->read_errno = 0;
    /* A byte order mark, as spreadsheets write UTF-8 CSV files. */
    if (csv_getc(c) == 0xef && c->in_len >= 3 && c->in[1] == 0xbb
        && c->in[2] == 0xbf)
    {
        c->in_pos = 3;
    } else {
        c->in_pos = 0;
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
    if (c->read_errno != 0) {
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
        return c->read_errno != 0 ? csv_error(c, err, errlen, c->line, "")
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
    return c->read_errno != 0 ? csv_error(c, err, errlen, c->line, "")
                              : TP_OK;
}

/*
 * tpctl_csv.h: a streaming reader of RFC 4180 CSV files (the API key
 * import format): quoted fields with doubled quotes and line breaks, CRLF
 * or LF records, a UTF-8 byte order mark skipped, a NUL byte an error
 * (the file is not text).  turnpikectl only.
 */
#ifndef TPCTL_CSV_H
#define TPCTL_CSV_H

#include "tp_core.h"

#define TPCTL_CSV_FIELDS   32        /* columns per record */
#define TPCTL_CSV_RECORD   65536     /* bytes per record */

struct tpctl_csv {
    int fd;
    int read_errno;                  /* a read(2) failure */
    int in_errno;                    /* one after in[in_len], not met yet */
    unsigned long nul_line;          /* the line of a NUL byte met, or 0 */
    unsigned long line;              /* the line being read */
    unsigned long rec_line;          /* the line the record starts on */
    unsigned nfields;
    char *field[TPCTL_CSV_FIELDS];   /* NUL-terminated, into rec */
    char rec[TPCTL_CSV_RECORD];
    size_t len;
    size_t in_pos;
    size_t in_len;
    unsigned char in[65536];
};

/* TP_ERROR + <err> naming <path>. */
int tpctl_csv_open(struct tpctl_csv *c, const char *path, char *err,
    size_t errlen);
void tpctl_csv_close(struct tpctl_csv *c);

/*
 * The next record into c->field[c->nfields] (blank lines are skipped):
 * TP_OK, TP_DONE at the end, TP_ERROR with "LINE: message" in <err>.
 */
int tpctl_csv_next(struct tpctl_csv *c, char *err, size_t errlen);

#endif /* TPCTL_CSV_H */

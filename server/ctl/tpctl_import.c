/*
 * tpctl_import.c: turnpikectl keys import: API Gateway's API key CSV
 * format (a header naming the columns Name, Key, Description, Enabled,
 * UsagePlanIds in any order and case) streamed into one transaction of
 * the state database, so the whole file is imported or none of it.
 */
#include "tpctl.h"
#include "tpctl_csv.h"

#include <strings.h>
#include <time.h>

#define TPCTL_CSV_VALUE_MIN 30       /* API Gateway's rule for imports */
#define TPCTL_IDS_CHUNK     4096

enum { COL_NAME, COL_KEY, COL_DESCRIPTION, COL_ENABLED, COL_PLANS, NCOLS };

static const char *const tpctl_col_names[NCOLS] = {
    "Name", "Key", "Description", "Enabled", "UsagePlanIds"
};

struct tpctl_import {
    struct tpctl *c;
    struct tpctl_csv *csv;
    const char *path;
    int col[NCOLS];                  /* field index, -1: absent */
    unsigned ncols;
    time_t now;
    size_t count;
    struct tpctl_ids *ids;           /* the imported ids, in order */
    struct tpctl_ids *last;
};

struct tpctl_ids {
    struct tpctl_ids *next;
    unsigned n;
    char id[TPCTL_IDS_CHUNK][TP_APIKEY_ID_LEN + 1];
};

/* <s> without leading and trailing blanks (in place). */
static char *
tpctl_trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
        s[--n] = '\0';
    }
    return s;
}

/* The column named <f> (any case), or NCOLS. */
static unsigned
tpctl_col(const char *f)
{
    unsigned k;

    for (k = 0; k < NCOLS; k++) {
        if (strcasecmp(f, tpctl_col_names[k]) == 0) {
            break;
        }
    }
    return k;
}

static int
tpctl_import_header(struct tpctl_import *im, char *err, size_t errlen)
{
    unsigned i, k;
    char *f;

    for (k = 0; k < NCOLS; k++) {
        im->col[k] = -1;
    }
    for (i = 0; i < im->csv->nfields; i++) {
        f = tpctl_trim(im->csv->field[i]);
        k = tpctl_col(f);
        if (k == NCOLS) {
            snprintf(err, errlen, "unknown column \"%s\" (the columns are "
                "Name, Key, Description, Enabled and UsagePlanIds)", f);
            return TP_ERROR;
        }
        if (im->col[k] >= 0) {
            snprintf(err, errlen, "column %s appears twice",
                tpctl_col_names[k]);
            return TP_ERROR;
        }
        im->col[k] = (int) i;
    }
    if (im->col[COL_NAME] < 0 || im->col[COL_KEY] < 0) {
        snprintf(err, errlen, "the header needs the columns Name and Key");
        return TP_ERROR;
    }
    im->ncols = im->csv->nfields;
    return TP_OK;
}

static const char *
tpctl_import_field(const struct tpctl_import *im, int col)
{
    return im->col[col] >= 0 ? im->csv->field[im->col[col]] : "";
}

/* UsagePlanIds: "a,b, c" (quoted in the file when it has commas). */
static int
tpctl_import_plans(struct tpctl_import *im, struct tp_key_full *k,
    char *err, size_t errlen)
{
    const char *names[TP_APIKEY_MAX_PLANS + 1];
    char *s = (char *) tpctl_import_field(im, COL_PLANS), *t, *save;
    unsigned n = 0;

    for (t = strtok_r(s, ",", &save); t != NULL;
        t = strtok_r(NULL, ",", &save))
    {
        t = tpctl_trim(t);
        if (*t == '\0') {
            continue;
        }
        if (n == TP_NELEM(names)) {
            break;                           /* tpctl_key_plans says why */
        }
        names[n++] = t;
    }
    return tpctl_key_plans(im->c, names, n, k, err, errlen);
}

static int
tpctl_import_row(struct tpctl_import *im, struct tp_key_full *k, char *err,
    size_t errlen)
{
    const char *name = tpctl_import_field(im, COL_NAME);
    const char *value = tpctl_import_field(im, COL_KEY);
    const char *on = tpctl_import_field(im, COL_ENABLED), *why;
    size_t n = strlen(value);

    if (im->csv->nfields != im->ncols) {
        snprintf(err, errlen, "%u field%s; the header has %u",
            im->csv->nfields, im->csv->nfields > 1 ? "s" : "", im->ncols);
        return TP_ERROR;
    }
    memset(k, 0, sizeof(*k));
    if (strlen(name) > TP_APIKEY_NAME_MAX) {
        snprintf(err, errlen, "an API key name has 1 to %d characters",
            TP_APIKEY_NAME_MAX);
        return TP_ERROR;
    }
    snprintf(k->name, sizeof(k->name), "%s", name);
    if (n < TPCTL_CSV_VALUE_MIN || n > TP_APIKEY_VALUE_MAX) {
        snprintf(err, errlen, "API key \"%s\": an imported key value has %d "
            "to %d characters, not %zu", name, TPCTL_CSV_VALUE_MIN,
            TP_APIKEY_VALUE_MAX, n);
        return TP_ERROR;
    }
    why = tp_apikey_value_error(value, n);
    if (why != NULL) {
        snprintf(err, errlen, "API key \"%s\": %s", name, why);
        return TP_ERROR;
    }
    if (*on == '\0' || strcasecmp(on, "true") == 0) {
        k->info.enabled = true;
    } else if (strcasecmp(on, "false") != 0) {
        snprintf(err, errlen, "API key \"%s\": Enabled is \"%s\"; use true "
            "or false", name, on);
        return TP_ERROR;
    }
    tp_apikey_hash(value, n, k->hash);
    k->created = k->updated = (int64_t) im->now;
    if (tpctl_import_plans(im, k, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    return tpctl_key_new(im->c, k, err, errlen);
}

static int
tpctl_import_keep_id(struct tpctl_import *im, const char *id)
{
    struct tpctl_ids *ids = im->last;

    if (ids == NULL || ids->n == TPCTL_IDS_CHUNK) {
        ids = tp_arena_alloc(&im->c->arena, sizeof(*ids));
        if (ids == NULL) {
            return TP_ERROR;
        }
        ids->next = NULL;
        ids->n = 0;
        *(im->last != NULL ? &im->last->next : &im->ids) = ids;
        im->last = ids;
    }
    memcpy(ids->id[ids->n++], id, TP_APIKEY_ID_LEN + 1);
    im->count++;
    return TP_OK;
}

/* One record into the open import. */
static int
tpctl_import_add(struct tpctl_import *im, char *err, size_t errlen)
{
    struct tp_key_full k;
    unsigned tries;
    int rc;

    if (tpctl_import_row(im, &k, err, errlen) != TP_OK) {
        return TP_ERROR;
    }
    rc = tp_state_import_add(im->c->st, &k, err, errlen);
    for (tries = 1; rc == TP_BUSY && tries < 16; tries++) {
        if (tpctl_key_new_id(im->c, &k, err, errlen) != TP_OK) {
            return TP_ERROR;
        }
        rc = tp_state_import_add(im->c->st, &k, err, errlen);
    }
    if (rc == TP_OK && tpctl_import_keep_id(im, k.info.id) != TP_OK) {
        snprintf(err, errlen, "out of memory");
        return TP_ERROR;
    }
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

/* Every record after the header; "LINE: message" in <err>. */
static int
tpctl_import_rows(struct tpctl_import *im, char *err, size_t errlen)
{
    int rc, n;

    while ((rc = tpctl_csv_next(im->csv, err, errlen)) == TP_OK) {
        n = snprintf(err, errlen, "%lu: ", im->csv->rec_line);
        if (tpctl_import_add(im, err + n, errlen - (size_t) n) != TP_OK) {
            return TP_ERROR;
        }
    }
    return rc == TP_DONE ? TP_OK : TP_ERROR;
}

static void
tpctl_import_print(const struct tpctl_import *im)
{
    const struct tpctl_ids *ids;
    unsigned i;
    bool first = true;

    printf("{\"count\":%zu,\"ids\":[", im->count);
    for (ids = im->ids; ids != NULL; ids = ids->next) {
        for (i = 0; i < ids->n; i++) {
            fputs(first ? "\n" : ",\n", stdout);
            tpctl_json_str(stdout, ids->id[i]);
            first = false;
        }
    }
    fputs(first ? "]}\n" : "\n]}\n", stdout);
}

static int
tpctl_import_file(struct tpctl_import *im)
{
    char err[2048];
    int rc;

    rc = tpctl_csv_next(im->csv, err, sizeof(err));
    if (rc == TP_DONE) {
        return tpctl_fail("%s: the file is empty (its first line names the "
            "columns: Name,Key,Description,Enabled,UsagePlanIds)", im->path);
    }
    if (rc != TP_OK) {
        return tpctl_fail("%s:%s; nothing was imported", im->path, err);
    }
    if (tpctl_import_header(im, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s:%lu: %s; nothing was imported", im->path,
            im->csv->rec_line, err);
    }
    if (tpctl_state(im->c, TPCTL_WRITE) != TP_OK) {
        return TPCTL_FAIL;
    }
    if (tp_state_import_begin(im->c->st, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s", err);
    }
    if (tpctl_import_rows(im, err, sizeof(err)) != TP_OK) {
        tp_state_import_abort(im->c->st);
        return tpctl_fail("%s:%s; nothing was imported", im->path, err);
    }
    if (tp_state_import_commit(im->c->st, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s; nothing was imported", err);
    }
    tpctl_import_print(im);
    return TPCTL_OK;
}

int
tpctl_keys_import(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    struct tpctl_import im = { .c = c };
    char err[1024];
    int i, r, rc;

    for (i = 0; i < argc; i++) {
        if ((r = tpctl_opt(argc, argv, &i, "file", &im.path)) == 0) {
            return tpctl_bad_arg(cmd, argv[i]);
        }
        if (r < 0) {
            return tpctl_usage(cmd, "--file needs a value");
        }
    }
    if (im.path == NULL) {
        return tpctl_usage(cmd, "--file is required");
    }
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    im.csv = tp_arena_alloc(&c->arena, sizeof(*im.csv));
    if (im.csv == NULL) {
        return tpctl_fail("out of memory");
    }
    if (tpctl_csv_open(im.csv, im.path, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s", err);
    }
    im.now = time(NULL);
    rc = tpctl_import_file(&im);
    tpctl_csv_close(im.csv);
    return rc;
}

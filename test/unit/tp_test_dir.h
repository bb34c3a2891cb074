/*
 * tp_test_dir.h: temporary directories for unit tests that need files
 * (the state database, config files): made under /tmp, removed with
 * everything in them.
 */
#ifndef TP_TEST_DIR_H
#define TP_TEST_DIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static inline int
tp_test_rm_one(const char *p, const struct stat *sb, int flag,
    struct FTW *ftw)
{
    (void) sb;
    (void) flag;
    (void) ftw;
    return remove(p);
}

/* A new empty directory /tmp/<prefix>-XXXXXX in <dir>; NULL on failure. */
static inline char *
tp_test_dir_make(char *dir, size_t len, const char *prefix)
{
    snprintf(dir, len, "/tmp/%s-XXXXXX", prefix);
    return mkdtemp(dir);
}

static inline void
tp_test_dir_remove(const char *dir)
{
    nftw(dir, tp_test_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

#endif /* TP_TEST_DIR_H */

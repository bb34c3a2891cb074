/*
 * tp_cache_boot.c: removing a response cache left by an earlier boot (see
 * tp_cache_boot.h), under an exclusive lock on the "boot" file so that the
 * processes that open the cache at start (master, turnpikectl) agree.
 */
#include "tp_cache_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

static int
boot_fail(const char *path, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(errno));
    return TP_ERROR;
}

/* This boot's id into <buf>: its length, 0 when unknown. */
static size_t
boot_id(char *buf, size_t len)
{
    int fd = open(TP_CACHE_BOOT_ID, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return 0;
    }
    n = read(fd, buf, len);
    close(fd);
    return n > 0 ? (size_t) n : 0;
}

static int
boot_wipe(const char *dir, char *err, size_t errlen)
{
    static const char *const files[] = { "data.mdb", "lock.mdb" };
    char path[4096];
    unsigned i;

    for (i = 0; i < TP_NELEM(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            return boot_fail(path, "cannot remove the cache of an earlier "
                "boot", err, errlen);
        }
    }
    return TP_OK;
}

int
tp_cache_boot(const char *dir, char *err, size_t errlen)
{
    char now[64], was[64], path[4096];
    size_t n = boot_id(now, sizeof(now));
    ssize_t m;
    int fd, rc = TP_OK;

    if (n == 0) {
        return TP_OK;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, TP_CACHE_BOOT_FILE);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return boot_fail(path, "open", err, errlen);
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            rc = boot_fail(path, "lock", err, errlen);
            close(fd);
            return rc;
        }
    }
    m = pread(fd, was, sizeof(was), 0);
    if (m != (ssize_t) n || memcmp(was, now, n) != 0) {
        if (m > 0) {
            rc = boot_wipe(dir, err, errlen);
        } else if (m < 0) {
            rc = boot_fail(path, "read", err, errlen);
        }
        if (rc == TP_OK && (ftruncate(fd, 0) != 0
            || pwrite(fd, now, n, 0) != (ssize_t) n))
        {
            rc = boot_fail(path, "write", err, errlen);
        }
    }
    close(fd);                        /* and the lock with it */
    return rc;
}

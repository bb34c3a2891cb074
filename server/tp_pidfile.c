/*
 * tp_pidfile.c: writing, removing and signalling through the pid file.
 */
#include "tp_pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
tp_pidfile_write(const char *path)
{
    char buf[32];
    int fd, n;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return TP_ERROR;
    }
    n = snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
    if (write(fd, buf, (size_t) n) != n) {
        close(fd);
        return TP_ERROR;
    }
    return close(fd) == 0 ? TP_OK : TP_ERROR;
}

pid_t
tp_pidfile_read(const char *path)
{
    char buf[32];
    ssize_t n;
    long v;
    char *end;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = '\0';
    v = strtol(buf, &end, 10);
    if (v <= 0 || (*end != '\n' && *end != '\0')) {
        return -1;
    }
    return (pid_t) v;
}

void
tp_pidfile_remove(const char *path)
{
    if (tp_pidfile_read(path) == getpid()) {
        unlink(path);
    }
}

/*
 * A config with a syntax error must still be stoppable and its running
 * master reloadable (to report the error): find `pid_file = "..."` by text.
 */
static const char *
pidfile_scan(const char *conf, char *out, size_t outlen)
{
    char line[1024], *p, *q;
    FILE *f = fopen(conf, "r");
    const char *found = NULL;

    if (f == NULL) {
        return NULL;
    }
    while (found == NULL && fgets(line, sizeof(line), f) != NULL) {
        p = strstr(line, "pid_file");
        if (p == NULL || (p = strchr(p, '"')) == NULL
            || (q = strchr(p + 1, '"')) == NULL)
        {
            continue;
        }
        *q = '\0';
        snprintf(out, outlen, "%s", p + 1);
        found = out;
    }
    fclose(f);
    return found;
}

/* The pid file the config names (relative to its directory), or default. */
static int
pidfile_path(const char *conf, const char *prefix, char *out, size_t outlen)
{
    char real[PATH_MAX], scanned[PATH_MAX];
    const char *v = NULL;
    config_t cfg;
    int rc = TP_OK;

    config_init(&cfg);
    if (config_read_file(&cfg, conf) != CONFIG_TRUE) {
        fprintf(stderr, "turnpike: warning: %s:%d: %s (looking for pid_file "
            "anyway)\n", conf, config_error_line(&cfg),
            config_error_text(&cfg));
        v = pidfile_scan(conf, scanned, sizeof(scanned));
    } else if (config_lookup_string(&cfg, "server.pid_file", &v)
        != CONFIG_TRUE)
    {
        v = NULL;
    }
    if (v != NULL && v[0] != '/') {
        if (realpath(conf, real) == NULL) {
            rc = TP_ERROR;
        } else {
            snprintf(out, outlen, "%s/%s", dirname(real), v);
        }
    } else if (v != NULL) {
        snprintf(out, outlen, "%s", v);
    } else if (prefix != NULL) {
        snprintf(out, outlen, "%s/turnpike.pid", prefix);
    } else {
        snprintf(out, outlen, "%s", TP_PID_PATH);
    }
    config_destroy(&cfg);
    return rc;
}

int
tp_pidfile_signal(const char *conf, const char *prefix, const char *name)
{
    static const struct { const char *name; int sig; } sigs[] = {
        { "reload", SIGHUP }, { "reopen", SIGUSR1 },
        { "stop", SIGTERM }, { "quit", SIGQUIT },
    };
    char path[PATH_MAX + 64];
    pid_t pid;
    size_t i;

    for (i = 0; i < TP_NELEM(sigs); i++) {
        if (strcmp(sigs[i].name, name) == 0) {
            break;
        }
    }
    if (i == TP_NELEM(sigs)) {
        fprintf(stderr, "turnpike: unknown signal \"%s\" (use reload, reopen, "
            "stop or quit)\n", name);
        return 1;
    }
    if (pidfile_path(conf, prefix, path, sizeof(path)) != TP_OK) {
        return 1;
    }
    pid = tp_pidfile_read(path);
    if (pid <= 0) {
        fprintf(stderr, "turnpike: cannot read a pid from \"%s\": %s\n", path,
            errno != 0 ? strerror(errno) : "invalid content");
        return 1;
    }
    if (kill(pid, sigs[i].sig) != 0) {
        fprintf(stderr, "turnpike: kill(%d, %s) failed: %s\n", (int) pid,
            name, strerror(errno));
        return 1;
    }
    return 0;
}

/*
 * tpctl_invoke.c: turnpikectl invoke FUNCTION [--payload JSON | --file
 * FILE] [--event]: one invocation of a local function through the running
 * function host (its socket in data_dir, the newest generation's), the
 * way a worker makes it.  The function's answer goes to stdout; a line
 * "status=OK cold=1 duration_ms=3" (and error_type=...) to stderr; the
 * exit code is 0 only for status OK.  For operators trying a function
 * without an API in front of it, and for tests.  turnpikectl only.
 */
#include "tpctl.h"
#include "tp_fn.h"
#include "tp_fnproto.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const invoke_status[] = {
    "OK", "ERROR", "TIMEOUT", "THROTTLED", "CRASHED", "UNAVAILABLE"
};

/* Connects to data_dir/fnhost-<newest generation>.sock. */
static int
invoke_connect(const struct tpctl *c)
{
    struct sockaddr_un sa;
    struct dirent *de;
    unsigned gen, best = 0;
    DIR *d;
    int fd;

    if (chdir(c->m->server.data_dir) != 0
        || (d = opendir(".")) == NULL)
    {
        tpctl_fail("data_dir %s: %s", c->m->server.data_dir,
            strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char tail[8];

        if (sscanf(de->d_name, "fnhost-%u.so%7s", &gen, tail) == 2
            && strcmp(tail, "ck") == 0 && gen > best)
        {
            best = gen;
        }
    }
    closedir(d);
    if (best == 0) {
        tpctl_fail("no function host socket in %s (is turnpike running "
            "with functions?)", c->m->server.data_dir);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "fnhost-%u.sock", best);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        tpctl_fail("%s/%s: %s", c->m->server.data_dir, sa.sun_path,
            strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int
invoke_write(int fd, const void *p, size_t len)
{
    const char *b = p;

    while (len > 0) {
        ssize_t n = write(fd, b, len);

        if (n <= 0) {
            return TP_ERROR;
        }
        b += n;
        len -= (size_t) n;
    }
    return TP_OK;
}

/* Reads frames until the RESULT of call 1; prints it. */
static int
invoke_result(int fd)
{
    size_t len = 0, cap = 65536, flen;
    struct tp_fnmsg m;
    uint8_t *buf = malloc(cap);
    ssize_t n;
    int rc;

    while (buf != NULL) {
        rc = tp_fnproto_decode(buf, len, &m, &flen);
        if (rc == TP_OK) {
            break;
        }
        if (rc == TP_ERROR) {
            free(buf);
            return tpctl_fail("the function host sent a malformed frame");
        }
        if (flen > cap) {
            uint8_t *p = realloc(buf, flen);

            if (p == NULL) {
                break;
            }
            buf = p;
            cap = flen;
        }
        n = read(fd, buf + len, cap - len);
        if (n <= 0) {
            free(buf);
            return tpctl_fail("the function host closed the connection");
        }
        len += (size_t) n;
    }
    if (buf == NULL) {
        return tpctl_fail("out of memory");
    }
    fwrite(m.payload.p, 1, m.payload.len, stdout);
    fprintf(stderr, "status=%s cold=%d duration_ms=%u%s%.*s\n",
        m.status < TP_NELEM(invoke_status) ? invoke_status[m.status] : "?",
        m.cold ? 1 : 0, m.duration_ms, m.name.len > 0 ? " error_type=" : "",
        (int) m.name.len, m.name.p);
    rc = m.status == TP_FN_OK ? TPCTL_OK : TPCTL_FAIL;
    free(buf);
    return rc;
}

static char *
invoke_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n;

    *len = 0;
    if (f == NULL) {
        return NULL;
    }
    do {
        if (*len == cap) {
            char *p = cap > TP_FNPROTO_MAX_PAYLOAD ? NULL
                                                   : realloc(buf, cap + 65536);

            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
            cap += 65536;
        }
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    return buf;
}

int
tpctl_invoke(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    const char *fn = NULL, *payload = "{}", *file = NULL, *v;
    uint8_t head[TP_FNPROTO_HEAD_MAX];
    struct tp_fnmsg m;
    char *data = NULL;
    size_t hl;
    int i, fd, rc;

    memset(&m, 0, sizeof(m));
    for (i = 0; i < argc; i++) {
        if ((rc = tpctl_opt(argc, argv, &i, "payload", &v)) != 0) {
            if (rc < 0) {
                return tpctl_usage(cmd, "--payload needs a value");
            }
            payload = v;
        } else if ((rc = tpctl_opt(argc, argv, &i, "file", &v)) != 0) {
            if (rc < 0) {
                return tpctl_usage(cmd, "--file needs a value");
            }
            file = v;
        } else if (strcmp(argv[i], "--event") == 0) {
            m.event = true;
        } else if (argv[i][0] != '-' && fn == NULL) {
            fn = argv[i];
        } else {
            return tpctl_bad_arg(cmd, argv[i]);
        }
    }
    if (fn == NULL) {
        return tpctl_usage(cmd, "which function?");
    }
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    if (tp_model_find_function(c->m, fn) == NULL) {
        return tpctl_fail("no function \"%s\" in %s", fn, c->conf_path);
    }
    m.payload.p = payload;
    m.payload.len = strlen(payload);
    if (file != NULL) {
        data = invoke_read_file(file, &m.payload.len);
        if (data == NULL) {
            return tpctl_fail("%s: cannot read it, or over %u bytes", file,
                TP_FNPROTO_MAX_PAYLOAD);
        }
        m.payload.p = data;
    }
    m.type = TP_FNPROTO_INVOKE;
    m.call = 1;
    m.name.p = fn;
    m.name.len = strlen(fn);
    hl = tp_fnproto_encode_head(&m, head);
    fd = hl > 0 ? invoke_connect(c) : -1;
    if (fd < 0) {
        free(data);
        return hl > 0 ? TPCTL_FAIL : tpctl_fail("cannot frame it (payload "
            "over %u bytes?)", TP_FNPROTO_MAX_PAYLOAD);
    }
    rc = invoke_write(fd, head, hl) != TP_OK
        || invoke_write(fd, m.payload.p, m.payload.len) != TP_OK
        ? tpctl_fail("cannot send to the function host: %s",
            strerror(errno))
        : invoke_result(fd);
    close(fd);
    free(data);
    return rc;
}

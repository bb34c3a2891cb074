/*
 * fn-bootstrap.c: the cheapest Lambda Runtime API bootstrap the functions
 * section of scripts/bench could think of, so that what it measures is the
 * gateway, the function host and the Runtime API round trip, not a runtime.
 *
 * One keep-alive HTTP/1.1 connection to AWS_LAMBDA_RUNTIME_API over plain
 * blocking sockets: GET .../invocation/next, then POST .../response with a
 * constant proxy answer whose body is the handler's own time in ns (taken
 * with CLOCK_MONOTONIC around the "handler", which only formats the
 * answer), so the client can subtract it.
 *
 * Without AWS_LAMBDA_RUNTIME_API it exits 0 at once: that is the "bare
 * spawn" run the cold start is compared with.  "fn-bootstrap --spawn N"
 * does N fork+exec+wait of itself that way and prints each in ns.
 *
 * Not an example of a robust runtime: any protocol surprise ends it.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
static size_t have;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int dial(const char *api)
{
    char host[256];
    const char *colon = strrchr(api, ':');
    struct addrinfo hints = { .ai_family = AF_INET,
                              .ai_socktype = SOCK_STREAM }, *ai;
    int fd, one = 1;

    if (colon == NULL || (size_t)(colon - api) >= sizeof(host))
        return -1;
    memcpy(host, api, colon - api);
    host[colon - api] = '\0';
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        return -1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        exit(2);
    freeaddrinfo(ai);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            exit(3);
        p += w;
        n -= (size_t)w;
    }
}

/* Read one response; copy the request id header (if any) into rid and
 * return the body's length (the body is left at buf, consumed). */
static size_t read_response(int fd, char *rid, size_t ridsz)
{
    char *end, *h;
    size_t head, clen = 0;

    for (;;) {
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end != NULL)
            break;
        ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (r <= 0)
            exit(4);
        have += (size_t)r;
    }
    head = (size_t)(end - buf) + 4;
    for (h = strstr(buf, "\r\n"); h != NULL && h < end;
         h = strstr(h + 2, "\r\n")) {
        char *v = h + 2;
        if (strncasecmp(v, "content-length:", 15) == 0)
            clen = strtoul(v + 15, NULL, 10);
        else if (rid != NULL &&
                 strncasecmp(v, "lambda-runtime-aws-request-id:", 30) == 0) {
            size_t n = strcspn(v + 30, "\r");
            v += 30;
            while (*v == ' ')
                v++, n--;
            if (n >= ridsz)
                exit(5);
            memcpy(rid, v, n);
            rid[n] = '\0';
        }
    }
    while (have < head + clen) {
        ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (r <= 0)
            exit(4);
        have += (size_t)r;
    }
    memmove(buf, buf + head + clen, have - head - clen);
    have -= head + clen;
    return clen;
}

static int spawn_bench(const char *self, int n)
{
    for (int i = 0; i < n; i++) {
        long long t0 = now_ns();
        pid_t pid = fork();
        int st;
        if (pid == 0) {
            char *argv[] = { (char *)self, NULL };
            char *envp[] = { NULL };
            execve(self, argv, envp);
            _exit(127);
        }
        if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
            return 1;
        printf("%lld\n", now_ns() - t0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    static const char next[] =
        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"
        "Host: runtime\r\n\r\n";
    char rid[128], req[512], ans[128];
    int fd;

    if (argc == 3 && strcmp(argv[1], "--spawn") == 0)
        return spawn_bench(argv[0], atoi(argv[2]));
    if (api == NULL)
        return 0;
    fd = dial(api);
    if (fd < 0)
        return 2;
    for (;;) {
        long long t0, t1;
        int n, m;

        send_all(fd, next, sizeof(next) - 1);
        rid[0] = '\0';
        read_response(fd, rid, sizeof(rid));
        if (rid[0] == '\0')
            return 6;
        /* The handler: a constant answer carrying its own duration. */
        t0 = now_ns();
        t1 = now_ns();
        n = snprintf(ans, sizeof(ans),
                     "{\"statusCode\":200,\"body\":\"%lld\"}", t1 - t0);
        m = snprintf(req, sizeof(req),
                     "POST /2018-06-01/runtime/invocation/%s/response "
                     "HTTP/1.1\r\nHost: runtime\r\n"
                     "Content-Length: %d\r\n\r\n%s", rid, n, ans);
        send_all(fd, req, (size_t)m);
        read_response(fd, NULL, 0);
    }
}

/*
 * test_tp_conf.c: unit tests of the config loader through tp_conf_load()
 * (tp_conf.c, tp_conf_server.c, tp_conf_listen.c, tp_conf_api.c and
 * tp_upstream_conf.c): defaults, units, every kind of error with its
 * "FILE:LINE:" prefix, listeners, TLS identities, relative paths, stage
 * variables, integration targets and shared backends.
 *
 * Config files are written into a mkdtemp() directory; TLS cases use
 * self-signed certificates made there with openssl(1).  Backends are
 * numeric addresses or "localhost" only: nothing needs DNS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tp_conf.h"
#include "tp_lauth.h"
#include "tp_http_parse.h"
#include "tp_jwt.h"
#include "tp_log.h"
#include "tp_route.h"

#include "jwt_fixtures.h"

static char dir[PATH_MAX];           /* realpath of the temporary directory */
static char path[PATH_MAX + 32];     /* the config file of the current test */
static char err[2048];
static char logbuf[8192];            /* stderr captured by load_log() */
static struct tp_arena arena;
static struct tp_conf_opts opts;
static int nconf;

/* A listener line most tests need. */
#define LISTEN "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"

static int
run(const char *cmd)
{
    int rc = system(cmd);

    if (rc != 0) {
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    }
    return rc;
}

static int
group_setup(void **state)
{
    char tmpl[] = "/tmp/tp_conf_test_XXXXXX", cmd[PATH_MAX * 2 + 256];

    (void) state;
    if (mkdtemp(tmpl) == NULL || realpath(tmpl, dir) == NULL) {
        return -1;
    }
    /* Two unrelated identities: cert/key and cert2/key2. */
    snprintf(cmd, sizeof(cmd), "cd '%s' && openssl req -x509 -newkey "
        "rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout key.pem "
        "-out cert.pem >/dev/null 2>&1 && openssl req -x509 -newkey "
        "rsa:2048 -nodes -subj /CN=other -days 2 -keyout key2.pem "
        "-out cert2.pem >/dev/null 2>&1", dir);
    return run(cmd) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
    char cmd[PATH_MAX + 32];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return run(cmd) == 0 ? 0 : -1;
}

static int
setup(void **state)
{
    (void) state;
    tp_arena_init(&arena, 16384);
    tp_log_level = TP_LOG_ERROR;     /* quiet: load_log() turns warnings on */
    memset(&opts, 0, sizeof(opts));
    err[0] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    tp_arena_free(&arena);
    return 0;
}

/* Writes <text> to a fresh file in the test directory. */
static const char *
write_file(const char *name, const char *text)
{
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return path;
}

static struct tp_model *
load(const char *text)
{
    char name[32];

    snprintf(name, sizeof(name), "t%d.conf", ++nconf);
    opts.path = write_file(name, text);
    err[0] = '\0';
    return tp_conf_load(&arena, &opts, err, sizeof(err));
}

/* Loads <text> that must be valid. */
static struct tp_model *
load_ok(const char *text)
{
    struct tp_model *m = load(text);

    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    return m;
}

/* Loads with fd 2 (where tp_log writes) captured into logbuf. */
static struct tp_model *
load_log(const char *text)
{
    char lpath[PATH_MAX + 16];
    struct tp_model *m;
    int saved, fd;
    ssize_t n;

    snprintf(lpath, sizeof(lpath), "%s/stderr.txt", dir);
    fd = open(lpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    tp_log_level = TP_LOG_WARN;
    m = load(text);
    tp_log_level = TP_LOG_ERROR;
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    n = pread(fd, logbuf, sizeof(logbuf) - 1, 0);
    close(fd);
    logbuf[n > 0 ? n : 0] = '\0';
    return m;
}

/* 1-based line of the first occurrence of <needle> in <text>. */
static int
line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle), *p;
    int line = 1;

    if (at == NULL) {
        fail_msg("test bug: \"%s\" is not in the config", needle);
    }
    for (p = text; p < at; p++) {
        line += *p == '\n';
    }
    return line;
}

/*
 * Loading <text> fails; the message starts with "FILE:LINE: " where LINE
 * is that of <at> in <text>, and contains <what>.
 */
static void
load_err(const char *text, const char *at, const char *what)
{
    char prefix[PATH_MAX + 64];
    struct tp_model *m = load(text);

    if (m != NULL) {
        fail_msg("config accepted; wanted an error with \"%s\"", what);
    }
    snprintf(prefix, sizeof(prefix), "%s:%d: ", opts.path,
        line_of(text, at));
    if (strncmp(err, prefix, strlen(prefix)) != 0) {
        fail_msg("message \"%s\" does not start with \"%s\"", err, prefix);
    }
    if (strstr(err, what) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
    }
}

static const char *
ipstr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
    const void *a = ss->ss_family == AF_INET
        ? (const void *) &((const struct sockaddr_in *) ss)->sin_addr
        : (const void *) &((const struct sockaddr_in6 *) ss)->sin6_addr;

    return inet_ntop(ss->ss_family, a, buf, (socklen_t) len);
}

static unsigned
portof(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET
        ? ntohs(((const struct sockaddr_in *) ss)->sin_port)
        : ntohs(((const struct sockaddr_in6 *) ss)->sin6_port);
}

/* The template of <t> rendered with "{N}" for parameter N. */
static const char *
render(const struct tp_target *t)
{
    static char buf[1024];
    size_t n = 0;
    unsigned i;

    buf[0] = '\0';
    for (i = 0; i < t->nparts; i++) {
        const struct tp_tmpl_part *p = &t->parts[i];

        if (p->kind == TP_TMPL_LIT) {
            n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%.*s",
                (int) p->len, p->p);
        } else {
            assert_int_equal(p->kind, TP_TMPL_PARAM);
            n += (size_t) snprintf(buf + n, sizeof(buf) - n, "{%u}",
                p->param);
        }
        assert_true(n < sizeof(buf));
    }
    return buf;
}

/* ---- server ---- */

static void
test_server__tp_conf__defaults(void **state)
{
    struct tp_model *m;
    const struct tp_server_conf *sc;
    const struct tp_listener *l;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    char ip[64];

    (void) state;
    m = load_ok(LISTEN);
    sc = &m->server;
    assert_int_equal(sc->workers, ncpu > 512 ? 512 : ncpu);
    assert_null(sc->user);
    assert_null(sc->group);
    assert_string_equal(sc->pid_file, TP_PID_PATH);
    assert_string_equal(sc->error_log, TP_ERROR_LOG_PATH);
    assert_string_equal(sc->data_dir, TP_DATA_DIR);
    assert_int_equal(sc->log_level, TP_LOG_INFO);
    assert_true(sc->max_request_body == 10ULL * 1024 * 1024);
    assert_int_equal(sc->integration_timeout_ms, 29000);
    assert_int_equal(sc->client_header_timeout_ms, 60000);
    assert_int_equal(sc->client_body_timeout_ms, 60000);
    assert_int_equal(sc->keepalive_timeout_ms, 75000);
    assert_int_equal(sc->send_timeout_ms, 60000);
    assert_int_equal(sc->max_header_size, 16384);
    assert_int_equal(sc->max_uri_length, 10240);
    assert_int_equal(sc->keepalive_requests, 10000);
    assert_int_equal(sc->upstream_keepalive, 32);
    assert_int_equal(sc->upstream_keepalive_timeout_ms, 60000);
    assert_int_equal(sc->shutdown_timeout_ms, 30000);
    assert_int_equal(sc->worker_connections, 16384);

    assert_int_equal(m->napis, 0);
    assert_int_equal(m->ndomains, 0);
    assert_int_equal(m->nbackends, 0);
    assert_int_equal(m->nlisteners, 1);
    l = &m->listeners[0];
    assert_string_equal(l->address, "127.0.0.1:8080");
    assert_int_equal(l->port, 8080);
    assert_int_equal(l->fd, -1);
    assert_null(l->default_api);
    assert_null(l->tls);
    assert_int_equal(l->addr.ss_family, AF_INET);
    assert_int_equal(l->addrlen, sizeof(struct sockaddr_in));
    assert_string_equal(ipstr(&l->addr, ip, sizeof(ip)), "127.0.0.1");
    assert_int_equal(portof(&l->addr), 8080);
    assert_string_equal(l->src.file, opts.path);
    assert_int_equal(l->src.line, 1);
}

static void
test_server__tp_conf__prefix_paths(void **state)
{
    struct tp_model *m;

    (void) state;
    opts.prefix = "/srv/tp";
    m = load_ok(LISTEN);
    assert_string_equal(m->server.pid_file, "/srv/tp/turnpike.pid");
    assert_string_equal(m->server.error_log, "/srv/tp/error.log");
    assert_string_equal(m->server.data_dir, "/srv/tp/data");
}

static void
test_server__tp_conf__server_values(void **state)
{
    struct tp_model *m;
    const struct tp_server_conf *sc;

    (void) state;
    m = load_ok(
        "server = {\n"
        "  workers = 3;\n"
        "  user = \"www\";\n"
        "  group = \"wheel\";\n"
        "  log_level = \"debug\";\n"
        "  max_request_body = \"10M\";\n"
        "  integration_timeout_ms = 5000;\n"
        "  client_header_timeout_ms = 1000;\n"
        "  client_body_timeout_ms = 2000;\n"
        "  keepalive_timeout_ms = 0;\n"
        "  send_timeout_ms = 3000;\n"
        "  max_header_size = \"32K\";\n"
        "  max_uri_length = 4096;\n"
        "  keepalive_requests = 4294967295L;\n"
        "  upstream_keepalive = 0;\n"
        "  upstream_keepalive_timeout_ms = 1;\n"
        "  shutdown_timeout_ms = 0;\n"
        "  worker_connections = 16;\n"
        "};\n" LISTEN);
    sc = &m->server;
    assert_int_equal(sc->workers, 3);
    assert_string_equal(sc->user, "www");
    assert_string_equal(sc->group, "wheel");
    assert_int_equal(sc->log_level, TP_LOG_DEBUG);
    assert_true(sc->max_request_body == 10485760);
    assert_int_equal(sc->integration_timeout_ms, 5000);
    assert_int_equal(sc->client_header_timeout_ms, 1000);
    assert_int_equal(sc->client_body_timeout_ms, 2000);
    assert_int_equal(sc->keepalive_timeout_ms, 0);
    assert_int_equal(sc->send_timeout_ms, 3000);
    assert_int_equal(sc->max_header_size, 32768);
    assert_int_equal(sc->max_uri_length, 4096);
    assert_true(sc->keepalive_requests == UINT32_MAX);
    assert_int_equal(sc->upstream_keepalive, 0);
    assert_int_equal(sc->upstream_keepalive_timeout_ms, 1);
    assert_int_equal(sc->shutdown_timeout_ms, 0);
    assert_int_equal(sc->worker_connections, 16);
}

static void
test_server__tp_conf__sizes(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok("server = { max_request_body = 1024; };\n" LISTEN);
    assert_true(m->server.max_request_body == 1024);
    m = load_ok("server = { max_request_body = \"1G\"; };\n" LISTEN);
    assert_true(m->server.max_request_body == 1ULL << 30);
    m = load_ok("server = { max_request_body = \"16KB\"; };\n" LISTEN);
    assert_true(m->server.max_request_body == 16384);
    /* The maximum, 1 TiB: more than 32 bits are kept. */
    m = load_ok("server = { max_request_body = \"1024G\"; };\n" LISTEN);
    assert_true(m->server.max_request_body == 1ULL << 40);
    m = load_ok("server = { max_request_body = 0; };\n" LISTEN);
    assert_true(m->server.max_request_body == 0);
    m = load_ok("server = { max_header_size = \"16K\"; };\n" LISTEN);
    assert_int_equal(m->server.max_header_size, 16384);
    m = load_ok("server = { max_header_size = 1024; };\n" LISTEN);
    assert_int_equal(m->server.max_header_size, 1024);

    load_err("server = {\n  max_request_body = \"1025G\";\n};\n" LISTEN,
        "max_request_body",
        "'max_request_body' = 1100585369600 is out of range [0, "
        "1099511627776]");
    load_err("server = {\n  max_header_size = \"64K\";\n};\n" LISTEN,
        "max_header_size",
        "'max_header_size' = 65536 is out of range [1024, 65535]");
    load_err("server = {\n  max_request_body = \"10X\";\n};\n" LISTEN,
        "max_request_body", "'max_request_body': invalid size \"10X\"");
    load_err("server = {\n\n  max_request_body = \"\";\n};\n" LISTEN,
        "max_request_body", "invalid size \"\"");
    load_err("server = {\n  max_request_body = \"-1\";\n};\n" LISTEN,
        "max_request_body", "invalid size \"-1\"");
    load_err("server = {\n  max_request_body = 1.5;\n};\n" LISTEN,
        "max_request_body",
        "'max_request_body' must be a size (e.g. \"10M\"), not a number");
}

static void
test_server__tp_conf__workers(void **state)
{
    struct tp_model *m;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    (void) state;
    m = load_ok("server = { workers = \"auto\"; };\n" LISTEN);
    assert_int_equal(m->server.workers, ncpu > 512 ? 512 : ncpu);
    m = load_ok("server = { workers = 512; };\n" LISTEN);
    assert_int_equal(m->server.workers, 512);
    m = load_ok("server = { workers = 1; };\n" LISTEN);
    assert_int_equal(m->server.workers, 1);
    load_err("\nserver = { workers = 0; };\n" LISTEN, "workers",
        "'workers' = 0 is out of range [1, 512]");
    load_err("server = {\n workers = 513; };\n" LISTEN, "workers",
        "'workers' = 513 is out of range [1, 512]");
    load_err("server = {\n workers = \"many\"; };\n" LISTEN, "workers",
        "'workers' must be a number or \"auto\"");
    load_err("server = {\n workers = true; };\n" LISTEN, "workers",
        "'workers' must be a number or \"auto\"");
}

static void
test_server__tp_conf__log_level(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok("server = { log_level = \"error\"; };\n" LISTEN);
    assert_int_equal(m->server.log_level, TP_LOG_ERROR);
    m = load_ok("server = { log_level = \"warn\"; };\n" LISTEN);
    assert_int_equal(m->server.log_level, TP_LOG_WARN);
    load_err("server = {\n log_level = \"verbose\"; };\n" LISTEN,
        "log_level", "'log_level' must be \"error\"");
    load_err("server = {\n log_level = 3; };\n" LISTEN, "log_level",
        "'log_level' must be");
}

static void
test_server__tp_conf__uri_length_clamped(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok("server = { max_header_size = 2048; };\n" LISTEN);
    assert_int_equal(m->server.max_uri_length, 2048);
    m = load_ok("server = { max_header_size = 2048; max_uri_length = 100; "
        "};\n" LISTEN);
    assert_int_equal(m->server.max_uri_length, 100);
}

static void
test_server__tp_conf__relative_paths(void **state)
{
    struct tp_model *m;
    char want[PATH_MAX + 64];

    (void) state;
    m = load_ok("server = {\n"
        "  pid_file = \"run/tp.pid\";\n"
        "  error_log = \"/var/log/tp/error.log\";\n"
        "  data_dir = \"../data\";\n"
        "};\n" LISTEN);
    snprintf(want, sizeof(want), "%s/run/tp.pid", dir);
    assert_string_equal(m->server.pid_file, want);
    assert_string_equal(m->server.error_log, "/var/log/tp/error.log");
    snprintf(want, sizeof(want), "%s/../data", dir);
    assert_string_equal(m->server.data_dir, want);
}

/* The directory is that of the file, not the current directory. */
static void
test_server__tp_conf__relative_to_config_dir(void **state)
{
    struct tp_model *m;
    char sub[PATH_MAX + 16], want[PATH_MAX + 64], cwd[PATH_MAX];

    (void) state;
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    mkdir(sub, 0700);
    opts.path = write_file("sub/in_sub.conf",
        "server = { pid_file = \"tp.pid\"; };\n" LISTEN);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir("/"), 0);
    m = tp_conf_load(&arena, &opts, err, sizeof(err));
    assert_int_equal(chdir(cwd), 0);
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    snprintf(want, sizeof(want), "%s/sub/tp.pid", dir);
    assert_string_equal(m->server.pid_file, want);
}

/* ---- generic errors ---- */

static void
test_server__tp_conf__unknown_setting(void **state)
{
    (void) state;
    load_err("server = {\n  workers = 2;\n  wokers = 4;\n};\n" LISTEN,
        "wokers", "unknown setting 'wokers' in server");
    load_err(LISTEN "\nfrobnicate = 1;\n", "frobnicate",
        "unknown setting 'frobnicate'");
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    adress = \"x\"; }\n);\n", "adress",
        "unknown setting 'adress'");
    load_err("apis = ( { id = \"a\";\n  rutes = (); } );\n" LISTEN,
        "rutes", "unknown setting 'rutes'");
    load_err("apis = ( { id = \"a\";\n routes = (\n"
        "  { route = \"GET /\";\n    integ = { type = \"MOCK\"; }; }\n"
        "); } );\n" LISTEN, "integ =", "unknown setting 'integ'");
    load_err("apis = ( { id = \"a\";\n routes = (\n"
        "  { route = \"GET /\";\n    integration = { type = \"MOCK\";\n"
        "      url = \"http://127.0.0.1/\"; }; }\n); } );\n" LISTEN,
        "url", "unknown setting 'url' in integration");
    load_err("apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"prod\";\n    vars = { }; }\n); } );\n" LISTEN,
        "vars", "unknown setting 'vars'");
    load_err("listeners = ( { address = \"127.0.0.1:8443\";\n"
        "  tls = { certificate = \"cert.pem\"; key = \"key.pem\";\n"
        "    ciphers = \"ALL\"; }; } );\n", "ciphers",
        "unknown setting 'ciphers' in tls");
}

static void
test_server__tp_conf__wrong_type(void **state)
{
    (void) state;
    load_err("server = {\n  user = 5;\n};\n" LISTEN, "user",
        "'user' must be a string, not an integer");
    load_err("server = {\n  pid_file = [\"a\"];\n};\n" LISTEN, "pid_file",
        "'pid_file' must be a string, not an array [ ... ]");
    load_err("server = {\n  integration_timeout_ms = \"5s\";\n};\n" LISTEN,
        "integration_timeout_ms",
        "'integration_timeout_ms' must be an integer, not a string");
    load_err("server = {\n  keepalive_requests = 1.0;\n};\n" LISTEN,
        "keepalive_requests",
        "'keepalive_requests' must be an integer, not a number");
    load_err("server = {\n  max_request_body = true;\n};\n" LISTEN,
        "max_request_body", "must be a size (e.g. \"10M\"), not a boolean");
    load_err(LISTEN "server = 5;\n", "server",
        "'server' must be a group { ... }, not an integer");
    load_err("listeners = { a = 1; };\n", "listeners",
        "'listeners' must be a list ( ... ), not a group { ... }");
    load_err(LISTEN "apis = \"x\";\n", "apis",
        "'apis' must be a list ( ... ), not a string");
    load_err("listeners = ( \"127.0.0.1:80\" );\n", "listeners",
        "each listener must be a group");
    load_err("apis = ( { id = \"a\";\n stages = (\n"
        "  { name = \"p\"; variables = { port = 80; }; }\n); } );\n" LISTEN,
        "port", "stage variable 'port' must be a string");
}

static void
test_server__tp_conf__out_of_range(void **state)
{
    (void) state;
    load_err("server = {\n  integration_timeout_ms = 49;\n};\n" LISTEN,
        "integration_timeout_ms",
        "'integration_timeout_ms' = 49 is out of range [50, 86400000]");
    load_err("server = {\n  worker_connections = 15;\n};\n" LISTEN,
        "worker_connections",
        "'worker_connections' = 15 is out of range [16, 1000000]");
    load_err("server = {\n  max_uri_length = 70000;\n};\n" LISTEN,
        "max_uri_length", "'max_uri_length' = 70000 is out of range");
    load_err("server = {\n  send_timeout_ms = -1;\n};\n" LISTEN,
        "send_timeout_ms", "'send_timeout_ms' = -1 is out of range");
    load_err("server = {\n  keepalive_requests = 4294967296L;\n};\n" LISTEN,
        "keepalive_requests",
        "'keepalive_requests' = 4294967296 is out of range [1, 4294967295]");
    load_err("apis = ( { id = \"a\"; stages = ( { name = \"p\"; } );\n"
        " routes = ( { route = \"GET /\";\n"
        "   integration = { type = \"HTTP_PROXY\";\n"
        "     uri = \"http://127.0.0.1:9000/\";\n"
        "     timeout_ms = 10; }; } ); } );\n" LISTEN, "timeout_ms",
        "'timeout_ms' = 10 is out of range [50, 86400000]");
}

static void
test_server__tp_conf__syntax_error(void **state)
{
    (void) state;
    load_err("server = {\n  workers = 2;\n  max_request_body = ;\n};\n"
        LISTEN, "max_request_body", "syntax error");
    load_err(LISTEN "apis = (\n  { id = \"a\" }\n  { id = \"b\" }\n);\n",
        "{ id = \"b\"", "syntax error");
}

static void
test_server__tp_conf__missing_file(void **state)
{
    char p[PATH_MAX + 32];

    (void) state;
    snprintf(p, sizeof(p), "%s/does-not-exist.conf", dir);
    opts.path = p;
    assert_null(tp_conf_load(&arena, &opts, err, sizeof(err)));
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "cannot open"));
}

static void
test_server__tp_conf__no_listeners(void **state)
{
    (void) state;
    assert_null(load("server = { workers = 1; };\n"));
    assert_non_null(strstr(err, opts.path));
    assert_non_null(strstr(err, "no listeners"));
    load_err("\nlisteners = ( );\n", "listeners", "no listeners");
}

static void
test_server__tp_conf__unsupported_sections(void **state)
{
    struct tp_model *m;
    const char *text =
        LISTEN
        "metrics = { period = 10; namespace = \"Gw/Test\";\n"
        "  emf_log = \"/tmp/emf.log\"; };\n";

    (void) state;
    m = load_log(text);
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->nlisteners, 1);
    assert_true(m->server.metrics.enabled);
    assert_int_equal(m->server.metrics.period_s, 10);
    assert_string_equal(m->server.metrics.namespace_, "Gw/Test");
    assert_string_equal(m->server.metrics.emf_log, "/tmp/emf.log");
    m = load(LISTEN);
    assert_non_null(m);
    assert_int_equal(m->server.metrics.period_s, 60);
    assert_string_equal(m->server.metrics.namespace_, "AWS/ApiGateway");
    assert_null(m->server.metrics.emf_log);
    load_err(LISTEN "metrics = { period = 0; };\n", "period", "period");
    load_err(LISTEN "metrics = { namespace = \"\"; };\n", "namespace",
        "'namespace' must be 1 to 255 characters");
    load_err(LISTEN "metrics = { enabled = false; emf_log = \"x\"; };\n",
        "emf_log", "'emf_log' needs counting");

    /* Unsupported settings inside sections are warnings too. */
    m = load_log(
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = ( { name = \"f\"; command = \"/bin/true\"; },\n"
        "  { name = \"auth\"; command = \"/bin/true\"; } );\n"
        "authorizers = ( { name = \"auth\"; type = \"TOKEN\";\n"
        "  function = \"f\"; } );\n"
        "apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"p\"; cache = { }; } );\n"
        "  routes = ( { route = \"GET /\"; authorizer = \"auth\";\n"
        "    integration = { type = \"MOCK\"; function = \"f\"; }; } );\n"
        "} );\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->napis, 1);
    assert_null(strstr(logbuf, "CUSTOM authorization"));
}

/* metrics.admin: a listener of its own, never shared with an API's. */
static void
test_server__tp_conf__admin_listener(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_log(LISTEN "metrics = { admin = \"127.0.0.1:9180\"; };\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->nlisteners, 2);
    assert_false(m->listeners[0].admin);
    assert_true(m->listeners[1].admin);
    assert_int_equal(m->listeners[1].port, 9180);
    assert_null(m->listeners[1].default_api);
    assert_null(strstr(logbuf, "not a loopback"));

    m = load_log(LISTEN "metrics = { admin = \"*:9180\"; };\n");
    assert_non_null(m);
    assert_true(m->listeners[1].admin && m->listeners[2].admin);
    assert_non_null(strstr(logbuf, "is not a loopback address"));

    load_err(LISTEN "metrics = {\n admin = \"127.0.0.1:8080\"; };\n",
        "admin", "duplicate listener address");
    load_err(LISTEN "metrics = { admin = \"nowhere\"; };\n", "metrics",
        "invalid listener address");
    load_err(LISTEN "metrics = { admin = 9180; };\n", "metrics",
        "'admin' must be an address");
}

/* lambda = { ... }: the remote Lambda endpoint and its credentials. */
static void
test_server__tp_conf__lambda(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_log(LISTEN "lambda = { endpoint = \"http://127.0.0.1:9/p/\";\n"
        "  access_key_id = \"AKID\"; secret_access_key = \"s\";\n"
        "  region = \"eu-west-1\"; timeout_ms = 1000; };\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_non_null(m->lambda.endpoint);
    assert_false(m->lambda.endpoint->tls);
    assert_int_equal(m->lambda.endpoint->port, 9);
    assert_string_equal(m->lambda.path_prefix, "/p");
    assert_string_equal(m->lambda.region, "eu-west-1");
    assert_string_equal(m->lambda.access_key_id, "AKID");
    assert_null(m->lambda.session_token);
    assert_int_equal(m->lambda.timeout_ms, 1000);

    m = load(LISTEN);
    assert_non_null(m);
    assert_null(m->lambda.endpoint);
    load_err(LISTEN "lambda = { endpoint = \"ftp://x\"; };\n", "endpoint",
        "must start with http");
    load_err(LISTEN "lambda = {\n access_key_id = \"A\"; };\n", "lambda",
        "go together");
}

/* An identity policy, as a libconfig string's content. */
#define IAM_POLICY "{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": " \
    "[{\\\"Effect\\\": \\\"Allow\\\", \\\"Action\\\": " \
    "\\\"execute-api:Invoke\\\", \\\"Resource\\\": \\\"*\\\"}]}"

/* iam principals: sorted by access key id for the workers' lookup,
 * defaults, ARNs. */
static void
test_server__tp_conf__iam_principals(void **state)
{
    const struct tp_principal *p;
    struct tp_model *m;

    (void) state;
    m = load_ok(LISTEN
        "server = { account_id = \"123456789012\"; };\n"
        "iam = { principals = (\n"
        "  { name = \"zed\"; access_key_id = \"AKIAZZZZZZZZZZZZZZZZ\";\n"
        "    secret_access_key = \"s1\";\n"
        "    policies = ( \"" IAM_POLICY "\", \"" IAM_POLICY "\" ); },\n"
        "  { name = \"amy\"; access_key_id = \"AKIAAAAAAAAAAAAAAAAA\";\n"
        "    secret_access_key = \"secret2\"; session_token = \"tok\";\n"
        "    account_id = \"999988887777\"; },\n"
        "  { name = \"mid\"; access_key_id = \"AKIAMMMMMMMMMMMMMMMM\";\n"
        "    secret_access_key = \"s3\"; }\n"
        "); };\n");
    assert_int_equal(m->nprincipals, 3);
    assert_string_equal(m->principals[0].name, "amy");
    assert_string_equal(m->principals[2].name, "zed");
    p = tp_model_find_principal(m, "AKIAZZZZZZZZZZZZZZZZ", 20);
    assert_non_null(p);
    assert_string_equal(p->name, "zed");
    assert_string_equal(p->account_id, "123456789012");
    assert_string_equal(p->arn, "arn:aws:iam::123456789012:user/zed");
    assert_int_equal(p->npolicies, 2);
    assert_null(p->session_token);
    assert_int_equal(p->secret_len, 2);
    p = tp_model_find_principal(m, "AKIAAAAAAAAAAAAAAAAAX", 20);
    assert_non_null(p);                 /* the length given counts */
    assert_string_equal(p->arn, "arn:aws:iam::999988887777:user/amy");
    assert_int_equal(p->session_token_len, 3);
    assert_int_equal(p->npolicies, 0);
    assert_non_null(tp_model_find_principal(m, "AKIAMMMMMMMMMMMMMMMM", 20));
    assert_null(tp_model_find_principal(m, "AKIAMMMMMMMMMMMMMMM", 19));
    assert_null(tp_model_find_principal(m, "AKIAMMMMMMMMMMMMMMMMM", 21));
    assert_null(tp_model_find_principal(m, "", 0));
    m = load_ok(LISTEN);
    assert_int_equal(m->nprincipals, 0);
    assert_null(tp_model_find_principal(m, "AKIAMMMMMMMMMMMMMMMM", 20));
}

/* ---- listeners ---- */

static void
test_server__tp_conf__listen_wildcard(void **state)
{
    struct tp_model *m;
    char ip[64];
    unsigned i;

    (void) state;
    m = load_ok("listeners = (\n  { address = \"*:8080\"; },\n"
        "  { address = \"8081\"; }\n);\n");
    assert_int_equal(m->nlisteners, 4);
    for (i = 0; i < 4; i++) {
        const struct tp_listener *l = &m->listeners[i];

        assert_int_equal(l->port, i < 2 ? 8080 : 8081);
        assert_int_equal(portof(&l->addr), l->port);
        assert_string_equal(l->address, i < 2 ? "*:8080" : "8081");
        assert_int_equal(l->fd, -1);
        assert_int_equal(l->src.line, i < 2 ? 2 : 3);
        if (i % 2 == 0) {
            assert_int_equal(l->addr.ss_family, AF_INET);
            assert_int_equal(l->addrlen, sizeof(struct sockaddr_in));
            assert_string_equal(ipstr(&l->addr, ip, sizeof(ip)), "0.0.0.0");
        } else {
            assert_int_equal(l->addr.ss_family, AF_INET6);
            assert_int_equal(l->addrlen, sizeof(struct sockaddr_in6));
            assert_string_equal(ipstr(&l->addr, ip, sizeof(ip)), "::");
        }
    }
}

static void
test_server__tp_conf__listen_ipv6(void **state)
{
    struct tp_model *m;
    char ip[64];

    (void) state;
    m = load_ok("listeners = ( { address = \"[::1]:8443\"; },\n"
        "  { address = \"localhost:8080\"; } );\n");
    assert_int_equal(m->nlisteners, 2);
    assert_int_equal(m->listeners[0].addr.ss_family, AF_INET6);
    assert_string_equal(ipstr(&m->listeners[0].addr, ip, sizeof(ip)), "::1");
    assert_int_equal(m->listeners[0].port, 8443);
    assert_string_equal(m->listeners[0].address, "[::1]:8443");
    /* A name is resolved; the hosts file decides which family. */
    ipstr(&m->listeners[1].addr, ip, sizeof(ip));
    if (strcmp(ip, "127.0.0.1") != 0 && strcmp(ip, "::1") != 0) {
        fail_msg("localhost resolved to %s", ip);
    }
    assert_int_equal(m->listeners[1].port, 8080);
}

static void
test_server__tp_conf__listen_bad_address(void **state)
{
    static const char *const bad[] = {
        "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
        "127.0.0.1:80x", "127.0.0.1:-1", "[::1:80", "[::1]80", "*:0",
        "*:99999", "0", "http", "[]:80",
    };
    char text[256], want[128];
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(bad); i++) {
        snprintf(text, sizeof(text), "\nlisteners = (\n  { address = "
            "\"%s\"; }\n);\n", bad[i]);
        snprintf(want, sizeof(want), "invalid listener address \"%s\"",
            bad[i]);
        load_err(text, "address", want);
    }
    load_err("listeners = (\n { address = 8080; } );\n", "address",
        "a listener needs 'address'");
    load_err("listeners = (\n { default_api = \"x\"; } );\n", "{ default",
        "a listener needs 'address'");
}

static void
test_server__tp_conf__listen_duplicate(void **state)
{
    (void) state;
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\"; },\n"
        "  { address = \"127.0.0.1:8081\"; },\n"
        "  { address = \"127.0.0.1:8080\"; }\n);\n",
        "{ address = \"127.0.0.1:8080\"; }\n",
        "duplicate listener address \"127.0.0.1:8080\" (also at line 2)");
    /* "*:port" covers 0.0.0.0 and [::]. */
    load_err("listeners = (\n  { address = \"*:9000\"; },\n"
        "  { address = \"[::]:9000\"; }\n);\n", "[::]",
        "duplicate listener address \"[::]:9000\" (also at line 2)");
    load_err("listeners = (\n  { address = \"0.0.0.0:9000\"; },\n"
        "  { address = \"*:9000\"; }\n);\n", "*:9000",
        "duplicate listener address \"*:9000\" (also at line 2)");
    /* Same port, other address: fine. */
    assert_non_null(load_ok("listeners = ( { address = \"127.0.0.1:9000\"; "
        "}, { address = \"127.0.0.2:9000\"; } );\n"));
}

/* Private listeners: private, name (default from the address), allow. */
static void
test_server__tp_conf__listen_private(void **state)
{
    struct tp_model *m;
    struct tp_cidr ip;

    (void) state;
    m = load_ok("listeners = (\n"
        "  { address = \"127.0.0.1:8080\"; private = true;\n"
        "    allow = ( \"10.0.0.0/8\", \"127.0.0.1\", \"::1/128\" ); },\n"
        "  { address = \"*:8081\"; private = true; name = \"vpce-abc\"; },\n"
        "  { address = \"[::1]:8082\"; private = true; },\n"
        "  { address = \"127.0.0.1:8083\"; allow = ( \"127.0.0.0/8\" ); }\n"
        ");\n");
    assert_int_equal(m->nlisteners, 5);
    assert_true(m->listeners[0].private);
    assert_string_equal(m->listeners[0].name, "vpce-127-0-0-1-8080");
    assert_int_equal(m->listeners[0].nallow, 3);
    assert_int_equal(tp_cidr_parse("10.200.0.1", 10, false, &ip), TP_OK);
    assert_true(tp_cidr_list_has(m->listeners[0].allow, 3, &ip));
    assert_int_equal(tp_cidr_parse("11.0.0.1", 8, false, &ip), TP_OK);
    assert_false(tp_cidr_list_has(m->listeners[0].allow, 3, &ip));
    assert_string_equal(m->listeners[1].name, "vpce-abc");
    assert_string_equal(m->listeners[2].name, "vpce-abc");
    assert_int_equal(m->listeners[2].nallow, 0);
    assert_string_equal(m->listeners[3].name, "vpce-1-8082");
    assert_false(m->listeners[4].private);
    assert_null(m->listeners[4].name);
    assert_int_equal(m->listeners[4].nallow, 1);

    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    allow = ( \"10.0.0.0/8\",\n \"10.0.0.0/33\"\n ); } );\n",
        "allow", "'allow'[1]: entries are CIDRs such as "
        "\"10.0.0.0/8\" or \"::1/128\" (a bare address is /32 or /128), "
        "not \"10.0.0.0/33\"");
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    allow = ( 10 ); } );\n", "allow", "not an integer");
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    allow = ( ); } );\n", "allow", "at least one CIDR");
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    name = \"vpce-x\"; } );\n", "name", "'name' is for private "
        "listeners");
    load_err("listeners = (\n  { address = \"127.0.0.1:8080\";\n"
        "    private = \"yes\"; } );\n", "private", "private");
}

/* An API's policy, policy_file and endpoint_type. */
static void
test_server__tp_conf__api_access(void **state)
{
    static char big[8400], text[8600];
    struct tp_model *m;

    (void) state;
    write_file("policy.json", "{\"Statement\": {\"Effect\": \"Allow\", "
        "\"Principal\": \"*\", \"Action\": \"*\", \"Resource\": "
        "\"execute-api:/*\"}}");
    m = load_log(LISTEN
        "apis = ( { id = \"a\"; endpoint_type = \"PRIVATE\";\n"
        "  policy = \"{\\\"Statement\\\": {\\\"Effect\\\": \\\"Deny\\\", "
        "\\\"Principal\\\": \\\"*\\\", \\\"Action\\\": \\\"*\\\", "
        "\\\"Resource\\\": \\\"*\\\"}}\"; },\n"
        "  { id = \"b\"; policy_file = \"policy.json\"; },\n"
        "  { id = \"c\"; endpoint_type = \"PRIVATE\"; },\n"
        "  { id = \"d\"; endpoint_type = \"EDGE\"; } );\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->apis[0].endpoint_type, TP_ENDPOINT_PRIVATE);
    assert_non_null(m->apis[0].policy);
    assert_non_null(m->apis[1].policy);
    assert_int_equal(m->apis[1].endpoint_type, TP_ENDPOINT_REGIONAL);
    assert_null(m->apis[2].policy);
    assert_int_equal(m->apis[3].endpoint_type, TP_ENDPOINT_EDGE);
    assert_non_null(strstr(logbuf, "api \"c\" is PRIVATE and has no "
        "resource policy: every request to it is denied"));
    assert_non_null(strstr(logbuf, "api \"a\" is PRIVATE but no listener "
        "is (private = true)"));

    load_err(LISTEN "apis = ( { id = \"a\";\n"
        "  policy = \"{\\\"Statement\\\": [\"; } );\n", "policy",
        "policy: not valid JSON");
    load_err(LISTEN "apis = ( { id = \"a\";\n"
        "  policy = \"{\\\"Statement\\\": {\\\"Effect\\\": \\\"Allow\\\", "
        "\\\"Action\\\": \\\"*\\\", \\\"Resource\\\": \\\"*\\\"}}\"; } );\n",
        "policy", "policy: Statement: Principal (or NotPrincipal) is "
        "required in a resource policy");
    load_err(LISTEN "apis = ( { id = \"a\";\n"
        "  policy = \"{\\\"Statement\\\": {\\\"Effect\\\": \\\"Allow\\\", "
        "\\\"Principal\\\": \\\"*\\\", \\\"Action\\\": \\\"*\\\", "
        "\\\"Resource\\\": \\\"*\\\", \\\"Condition\\\": {\\\"IpAddres\\\": "
        "{}}}}\"; } );\n", "policy", "policy: Statement: unknown condition "
        "operator \"IpAddres\"");
    load_err(LISTEN "apis = ( { id = \"a\";\n  policy = 1; } );\n",
        "policy", "'policy' must be a string");
    load_err(LISTEN "apis = ( { id = \"a\"; policy = \"{}\";\n"
        "  policy_file = \"policy.json\"; } );\n", "policy_file",
        "give 'policy' or 'policy_file', not both");
    load_err(LISTEN "apis = ( { id = \"a\";\n"
        "  policy_file = \"nope.json\"; } );\n", "policy_file",
        "cannot read policy_file");
    load_err(LISTEN "apis = ( { id = \"a\"; type = \"HTTP\";\n"
        "  policy_file = \"policy.json\"; } );\n", "policy_file",
        "api \"a\": resource policies are for REST APIs");
    load_err(LISTEN "apis = ( { id = \"a\";\n"
        "  endpoint_type = \"PUBLIC\"; } );\n", "endpoint_type",
        "'endpoint_type' must be \"REGIONAL\", \"EDGE\" or \"PRIVATE\"");
    load_err(LISTEN "apis = ( { id = \"a\"; type = \"HTTP\";\n"
        "  endpoint_type = \"PRIVATE\"; } );\n", "endpoint_type",
        "HTTP and WebSocket APIs are REGIONAL only");
    /* a resource policy over 8192 characters */
    memset(big, 'x', 8300);
    big[8300] = '\0';
    snprintf(text, sizeof(text), "%sapis = ( { id = \"a\";\n  policy = "
        "\"{\\\"Id\\\": \\\"%s\\\", \\\"Statement\\\": []}\"; } );\n",
        LISTEN, big);
    load_err(text, "policy", "more than the limit of 8192");
}

#define API_DEMO \
    "apis = ( { id = \"demo\";\n" \
    "  stages = ( { name = \"prod\"; } );\n" \
    "  routes = ( { route = \"GET /\";\n" \
    "    integration = { type = \"MOCK\"; }; } ); } );\n"

static void
test_server__tp_conf__default_api(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok("apis = ( { id = \"other\"; }, { id = \"demo\"; } );\n"
        "listeners = ( { address = \"*:8080\"; default_api = \"demo\"; },\n"
        "  { address = \"127.0.0.1:9\"; } );\n");
    assert_int_equal(m->napis, 2);
    assert_int_equal(m->nlisteners, 3);
    assert_ptr_equal(m->listeners[0].default_api, &m->apis[1]);
    assert_ptr_equal(m->listeners[1].default_api, &m->apis[1]);
    assert_null(m->listeners[2].default_api);

    load_err("apis = ( { id = \"demo\"; } );\nlisteners = (\n"
        "  { address = \"*:8080\";\n    default_api = \"demp\"; } );\n",
        "default_api", "default_api \"demp\": unknown api");
    load_err("listeners = (\n  { address = \"*:8080\";\n"
        "    default_api = \"demo\"; } );\n", "default_api",
        "default_api \"demo\": unknown api");
}

/* ---- TLS ---- */

static void
test_server__tp_conf__tls_listener(void **state)
{
    struct tp_model *m;
    char cert[PATH_MAX + 16], key[PATH_MAX + 16];

    (void) state;
    m = load_ok("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"cert.pem\"; key = \"key.pem\"; }; },\n"
        "  { address = \"127.0.0.1:8444\";\n"
        "  tls = { certificate = \"cert2.pem\"; key = \"key2.pem\";\n"
        "          policy = \"TLS_1_0\"; }; } );\n");
    assert_int_equal(m->nlisteners, 3);
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    assert_non_null(m->listeners[0].tls);
    assert_ptr_equal(m->listeners[0].tls, m->listeners[1].tls);
    assert_string_equal(m->listeners[0].tls->certificate, cert);
    assert_string_equal(m->listeners[0].tls->key, key);
    assert_int_equal(m->listeners[0].tls->policy, TP_TLS_1_2);
    assert_non_null(m->listeners[0].tls->ctx);
    assert_int_equal(m->listeners[0].tls->src.line, 2);
    assert_non_null(m->listeners[2].tls);
    assert_int_equal(m->listeners[2].tls->policy, TP_TLS_1_0);
    assert_non_null(m->listeners[2].tls->ctx);
    snprintf(cert, sizeof(cert), "%s/cert2.pem", dir);
    assert_string_equal(m->listeners[2].tls->certificate, cert);
}

static void
test_server__tp_conf__tls_absolute_path(void **state)
{
    char text[PATH_MAX * 2 + 256];
    struct tp_model *m;

    (void) state;
    snprintf(text, sizeof(text), "listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"%s/cert.pem\"; key = \"%s/key.pem\"; }; "
        "} );\n", dir, dir);
    m = load_ok(text);
    assert_non_null(m->listeners[0].tls->ctx);
}

static void
test_server__tp_conf__tls_errors(void **state)
{
    char want[PATH_MAX + 64];

    (void) state;
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"cert.pem\"; }; } );\n", "tls",
        "TLS needs both 'certificate' and 'key'");
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { key = \"key.pem\"; }; } );\n", "tls",
        "TLS needs both 'certificate' and 'key'");
    snprintf(want, sizeof(want), "cannot load certificate \"%s/missing.pem\"",
        dir);
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"missing.pem\";\n"
        "          key = \"key.pem\"; }; } );\n", "tls", want);
    snprintf(want, sizeof(want), "cannot load key \"%s/nokey.pem\"", dir);
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"cert.pem\";\n"
        "          key = \"nokey.pem\"; }; } );\n", "tls", want);
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"cert.pem\";\n"
        "          key = \"key2.pem\"; }; } );\n", "tls",
        "key values mismatch");
    assert_non_null(strstr(err, "key2.pem"));
    /* A key is not a certificate. */
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"key.pem\";\n"
        "          key = \"key.pem\"; }; } );\n", "tls",
        "cannot load certificate");
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = { certificate = \"cert.pem\"; key = \"key.pem\";\n"
        "          policy = \"TLS_1_3\"; }; } );\n", "policy",
        "'policy' must be \"TLS_1_0\" or \"TLS_1_2\"");
    load_err("listeners = ( { address = \"*:8443\";\n"
        "  tls = \"cert.pem\"; } );\n", "tls",
        "'tls' must be a group { ... }, not a string");
}

static void
test_server__tp_conf__domains(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok(LISTEN "domains = (\n"
        "  { name = \"api.example.com\"; certificate = \"cert.pem\";\n"
        "    key = \"key.pem\"; },\n"
        "  { name = \"plain.example.com\"; }\n);\n");
    assert_int_equal(m->ndomains, 2);
    assert_string_equal(m->domains[0].name, "api.example.com");
    assert_non_null(m->domains[0].tls);
    assert_non_null(m->domains[0].tls->ctx);
    assert_int_equal(m->domains[0].tls->policy, TP_TLS_1_2);
    assert_string_equal(m->domains[1].name, "plain.example.com");
    assert_null(m->domains[1].tls);

    load_err(LISTEN "domains = (\n  { name = \"a.example\"; },\n"
        "  { name = \"A.Example\"; }\n);\n", "A.Example",
        "duplicate domain \"A.Example\"");
    load_err(LISTEN "domains = (\n  { certificate = \"cert.pem\"; }\n);\n",
        "certificate", "a domain needs 'name'");
    load_err(LISTEN "domains = (\n  { name = \"a.example\";\n"
        "    certificate = \"cert.pem\"; }\n);\n", "name",
        "TLS needs both 'certificate' and 'key'");
}

/* ---- apis ---- */

static void
test_server__tp_conf__api_basics(void **state)
{
    struct tp_model *m;
    const struct tp_api *api;
    struct tp_route_match mt;

    (void) state;
    m = load_ok(API_DEMO LISTEN);
    assert_int_equal(m->napis, 1);
    api = &m->apis[0];
    assert_string_equal(api->id, "demo");
    assert_int_equal(api->id_len, 4);
    assert_null(api->name);
    assert_int_equal(api->type, TP_API_REST);
    assert_int_equal(api->nstages, 1);
    assert_string_equal(api->stages[0].name, "prod");
    assert_int_equal(api->stages[0].name_len, 4);
    assert_int_equal(api->stages[0].idx, 0);
    assert_int_equal(api->stages[0].nvars, 0);
    assert_int_equal(api->nroutes, 1);
    assert_null(api->default_route);
    assert_string_equal(api->routes[0].key, "GET /");
    assert_int_equal(api->routes[0].src.line, 3);
    assert_int_equal(api->routes[0].integ.type, TP_INTEG_MOCK);
    assert_null(api->routes[0].integ.targets);
    assert_int_equal(api->routes[0].integ.src.line, 4);
    assert_int_equal(api->src.line, 1);
    assert_ptr_equal(tp_model_find_api(m, "demo", 4), api);
    assert_ptr_equal(tp_model_find_stage(api, "prod", 4), &api->stages[0]);
    /* The trie is compiled. */
    assert_non_null(api->trie);
    tp_route_match(api, TP_HTTP_GET, "/", 1, &mt);
    assert_ptr_equal(mt.route, &api->routes[0]);
}

static void
test_server__tp_conf__api_types(void **state)
{
    struct tp_model *m;

    (void) state;
    m = load_ok("apis = ( { id = \"h\"; type = \"HTTP\"; name = \"N\"; },\n"
        "  { id = \"w\"; type = \"WEBSOCKET\"; },\n"
        "  { id = \"r\"; type = \"REST\"; } );\n" LISTEN);
    assert_int_equal(m->apis[0].type, TP_API_HTTP);
    assert_string_equal(m->apis[0].name, "N");
    assert_int_equal(m->apis[1].type, TP_API_WEBSOCKET);
    assert_int_equal(m->apis[2].type, TP_API_REST);
    load_err("apis = ( { id = \"h\";\n type = \"GRAPHQL\"; } );\n" LISTEN,
        "type", "api 'type' must be \"REST\", \"HTTP\" or \"WEBSOCKET\"");
}

static void
test_server__tp_conf__api_ids(void **state)
{
    (void) state;
    load_err("apis = (\n  { id = \"demo\"; },\n  { id = \"x\"; },\n"
        "  { id = \"demo\"; }\n);\n" LISTEN, "{ id = \"demo\"; }\n);",
        "duplicate api id \"demo\"");
    load_err("apis = (\n  { id = \"Demo\"; }\n);\n" LISTEN, "Demo",
        "an api needs 'id' of lower-case letters");
    load_err("apis = (\n  { id = \"a.b\"; }\n);\n" LISTEN, "a.b",
        "an api needs 'id'");
    load_err("apis = (\n  { name = \"no id\"; }\n);\n" LISTEN, "no id",
        "an api needs 'id'");
    load_err("apis = (\n  { id = \"\"; }\n);\n" LISTEN, "id =",
        "an api needs 'id'");
}

static void
test_server__tp_conf__stages(void **state)
{
    struct tp_model *m;
    const struct tp_api *api;

    (void) state;
    m = load_ok("apis = ( { id = \"a\"; stages = (\n"
        "  { name = \"prod\"; variables = { backend = \"http://h\";\n"
        "                                  v2 = \"x\"; }; },\n"
        "  { name = \"$default\"; },\n"
        "  { name = \"dev_1-b\"; } ); } );\n" LISTEN);
    api = &m->apis[0];
    assert_int_equal(api->nstages, 3);
    assert_int_equal(api->stages[0].nvars, 2);
    assert_string_equal(tp_model_stage_var(&api->stages[0], "backend", 7),
        "http://h");
    assert_string_equal(tp_model_stage_var(&api->stages[0], "v2", 2), "x");
    assert_null(tp_model_stage_var(&api->stages[0], "v", 1));
    assert_string_equal(api->stages[1].name, "$default");
    assert_int_equal(api->stages[2].idx, 2);
    assert_int_equal(api->stages[2].src.line, 5);

    load_err("apis = ( { id = \"a\"; stages = (\n  { name = \"prod\"; },\n"
        "  { name = \"dev\"; },\n  { name = \"prod\"; }\n); } );\n" LISTEN,
        "{ name = \"prod\"; }\n);", "duplicate stage \"prod\"");
    load_err("apis = ( { id = \"a\"; stages = (\n  { name = \"a b\"; }\n"
        "); } );\n" LISTEN, "a b", "a stage needs 'name'");
    load_err("apis = ( { id = \"a\"; stages = (\n  { variables = { }; }\n"
        "); } );\n" LISTEN, "variables", "a stage needs 'name'");
}

/* An api with one stage per entry of <stages> and the given routes. */
#define API1(routes) \
    "apis = ( { id = \"a\";\n" \
    "  stages = ( { name = \"prod\"; } );\n" \
    "  routes = (\n" routes "\n  ); } );\n" LISTEN

static void
test_server__tp_conf__route_errors(void **state)
{
    (void) state;
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = { type = \"MOCK\"; }; },\n"
        "    { route = \"GET /b/\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "GET /b/", "route 'GET /b/' must not end with '/'");
    load_err(API1("    { route = \"FETCH /a\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "FETCH", "unknown method in route 'FETCH /a'");
    load_err(API1("    { route = \"GET /{p+}/x\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "GET /{p+}", "must be the last segment");
    load_err(API1("    { route = \"GET /{a}/{a}\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "GET /{a}", "duplicate parameter name");
    load_err(API1("    { route = \"GET/a\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "GET/a", "must be \"METHOD /path\"");
    /* $default is only for HTTP APIs. */
    load_err(API1("    { route = \"$default\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "$default", "route '$default' exists only in HTTP APIs");
    load_err(API1("    { integration = { type = \"MOCK\"; }; }"),
        "{ integration", "a route needs 'route' = \"METHOD /path\"");
    load_err(API1("    { route = 5;\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "route = 5", "'route' must be a string, not an integer");
    load_err(API1("    { route = \"GET /a\"; }"), "{ route",
        "route 'GET /a' needs an 'integration'");
    load_err("apis = ( { id = \"a\";\n  routes = (\n"
        "    \"GET /a\" ); } );\n" LISTEN, "\"GET /a\"",
        "each route must be a group");
}

/* A compile-time conflict names the line of the route that conflicts. */
static void
test_server__tp_conf__route_duplicate(void **state)
{
    (void) state;
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = { type = \"MOCK\"; }; },\n"
        "    { route = \"POST /a\";\n"
        "      integration = { type = \"MOCK\"; }; },\n"
        "    { route = \"GET /a\"; integration = { type = \"MOCK\"; }; }"),
        "{ route = \"GET /a\"; integration",
        "route 'GET /a' is defined twice");
}

static void
test_server__tp_conf__route_param_conflict(void **state)
{
    (void) state;
    load_err(API1("    { route = \"GET /a/{x}\";\n"
        "      integration = { type = \"MOCK\"; }; },\n"
        "    { route = \"POST /a/{y}\";\n"
        "      integration = { type = \"MOCK\"; }; }"),
        "POST /a/{y}", "conflicting parameter names {x} and {y}");
}

static void
test_server__tp_conf__http_default_route(void **state)
{
    struct tp_model *m;
    const struct tp_api *api;

    (void) state;
    m = load_ok("apis = ( { id = \"h\"; type = \"HTTP\";\n"
        "  stages = ( { name = \"$default\"; } );\n"
        "  routes = (\n"
        "    { route = \"GET /x\"; integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"http://127.0.0.1:9001\"; }; },\n"
        "    { route = \"$default\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "                      uri = \"http://127.0.0.1:9000\"; }; }\n"
        "  ); } );\n" LISTEN);
    api = &m->apis[0];
    assert_int_equal(api->nroutes, 1);
    assert_string_equal(api->routes[0].key, "GET /x");
    assert_non_null(api->default_route);
    assert_string_equal(api->default_route->key, "$default");
    assert_int_equal(api->default_route->method, TP_ROUTE_ANY);
    assert_string_equal(api->default_route->path, "/");
    assert_non_null(api->default_route->integ.targets);
    assert_string_equal(api->default_route->integ.targets[0].backend->hostport,
        "127.0.0.1:9000");

    load_err("apis = ( { id = \"h\"; type = \"HTTP\";\n"
        "  routes = (\n"
        "    { route = \"$default\"; integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"http://127.0.0.1:9000\"; }; },\n"
        "    { route = \"$default\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"http://127.0.0.1:9000\"; }; }\n"
        "  ); } );\n" LISTEN, "{ route = \"$default\";\n",
        "route '$default' is defined twice");
}

static void
test_server__tp_conf__integration_errors(void **state)
{
    (void) state;
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = {\n        type = \"LAMBDA\"; }; }"),
        "LAMBDA", "unknown integration type \"LAMBDA\"");
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = {\n        uri = \"http://h\"; }; }"),
        "integration", "an integration needs 'type'");
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = { type = \"HTTP_PROXY\"; }; }"),
        "integration", "an HTTP_PROXY integration needs 'uri'");
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = \"http://h\"; }"),
        "integration", "'integration' must be a group");
}

/* ---- integration targets ---- */

static void
test_server__tp_conf__stage_variables(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;
    const struct tp_backend *b;
    char ip[64];

    (void) state;
    m = load_ok("apis = ( { id = \"demo\";\n"
        "  stages = (\n"
        "    { name = \"prod\";\n"
        "      variables = { backend = \"http://127.0.0.1:9000\"; }; },\n"
        "    { name = \"dev\";\n"
        "      variables = { backend = \"http://localhost:9001\"; }; }\n"
        "  );\n"
        "  routes = ( { route = \"GET /pets/{petId}\";\n"
        "    integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"${stageVariables.backend}/pets/{petId}\"; }; } );\n"
        "} );\n" LISTEN);
    r = &m->apis[0].routes[0];
    assert_string_equal(r->integ.uri,
        "${stageVariables.backend}/pets/{petId}");
    assert_int_equal(r->integ.timeout_ms, 0);
    assert_non_null(r->integ.targets);

    b = r->integ.targets[0].backend;
    assert_non_null(b);
    assert_false(b->tls);
    assert_string_equal(b->host, "127.0.0.1");
    assert_string_equal(b->hostport, "127.0.0.1:9000");
    assert_int_equal(b->port, 9000);
    assert_int_equal(b->addr.ss_family, AF_INET);
    assert_string_equal(ipstr(&b->addr, ip, sizeof(ip)), "127.0.0.1");
    assert_int_equal(portof(&b->addr), 9000);
    assert_null(b->ssl_ctx);
    assert_string_equal(render(&r->integ.targets[0]), "/pets/{0}");
    assert_false(r->integ.targets[0].has_query);

    b = r->integ.targets[1].backend;
    assert_non_null(b);
    assert_string_equal(b->host, "localhost");
    assert_string_equal(b->hostport, "localhost:9001");
    assert_int_equal(b->port, 9001);
    assert_string_equal(ipstr(&b->addr, ip, sizeof(ip)), "127.0.0.1");
    assert_int_equal(portof(&b->addr), 9001);
    assert_string_equal(render(&r->integ.targets[1]), "/pets/{0}");

    assert_int_equal(m->nbackends, 2);
    assert_ptr_equal(m->backends[0], r->integ.targets[0].backend);
    assert_ptr_equal(m->backends[1], r->integ.targets[1].backend);
    assert_int_equal(m->backends[0]->id, 0);
    assert_int_equal(m->backends[1]->id, 1);
}

static void
test_server__tp_conf__stage_variable_in_path(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;

    (void) state;
    m = load_ok("apis = ( { id = \"demo\";\n"
        "  stages = (\n"
        "    { name = \"v1\"; variables = { ver = \"v1\"; h = \"127.0.0.1\"; "
        "}; },\n"
        "    { name = \"v2\"; variables = { ver = \"v2beta\"; h = "
        "\"localhost\"; }; }\n"
        "  );\n"
        "  routes = ( { route = \"ANY /{proxy+}\";\n"
        "    integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"http://${stageVariables.h}:8000/"
        "${stageVariables.ver}/{proxy}?s=${stageVariables.ver}\"; }; } );\n"
        "} );\n" LISTEN);
    r = &m->apis[0].routes[0];
    assert_string_equal(render(&r->integ.targets[0]), "/v1/{0}?s=v1");
    assert_true(r->integ.targets[0].has_query);
    assert_string_equal(r->integ.targets[0].backend->hostport,
        "127.0.0.1:8000");
    assert_string_equal(render(&r->integ.targets[1]),
        "/v2beta/{0}?s=v2beta");
    assert_string_equal(r->integ.targets[1].backend->hostport,
        "localhost:8000");
}

static void
test_server__tp_conf__default_ports(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;
    const struct tp_backend *b;
    char ip[64];

    (void) state;
    m = load_ok(API1(
        "    { route = \"GET /a\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://localhost/x\"; }; },\n"
        "    { route = \"GET /b\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://localhost:80/y\"; }; },\n"
        "    { route = \"GET /c\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"https://localhost\"; }; },\n"
        "    { route = \"GET /d\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"https://localhost:8443/\"; }; },\n"
        "    { route = \"GET /e\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://[::1]:9000/v6\"; }; },\n"
        "    { route = \"GET /f\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"HTTP://LocalHost/z\"; }; }"));
    r = m->apis[0].routes;

    b = r[0].integ.targets[0].backend;
    assert_string_equal(b->hostport, "localhost");
    assert_int_equal(b->port, 80);
    assert_false(b->tls);
    assert_string_equal(render(&r[0].integ.targets[0]), "/x");
    /* An explicit default port is the same origin. */
    assert_ptr_equal(r[1].integ.targets[0].backend, b);
    assert_string_equal(render(&r[1].integ.targets[0]), "/y");

    b = r[2].integ.targets[0].backend;
    assert_true(b->tls);
    assert_int_equal(b->port, 443);
    assert_string_equal(b->hostport, "localhost");
    assert_non_null(b->ssl_ctx);
    assert_string_equal(render(&r[2].integ.targets[0]), "/");

    b = r[3].integ.targets[0].backend;
    assert_true(b->tls);
    assert_int_equal(b->port, 8443);
    assert_string_equal(b->hostport, "localhost:8443");

    b = r[4].integ.targets[0].backend;
    assert_string_equal(b->host, "::1");
    assert_string_equal(b->hostport, "[::1]:9000");
    assert_int_equal(b->addr.ss_family, AF_INET6);
    assert_string_equal(ipstr(&b->addr, ip, sizeof(ip)), "::1");
    assert_string_equal(render(&r[4].integ.targets[0]), "/v6");

    /* Scheme and host compare case-insensitively. */
    assert_ptr_equal(r[5].integ.targets[0].backend,
        r[0].integ.targets[0].backend);
    assert_int_equal(m->nbackends, 4);
}

static void
test_server__tp_conf__shared_backends(void **state)
{
    struct tp_model *m;
    const struct tp_api *api;

    (void) state;
    m = load_ok("apis = ( { id = \"a\";\n"
        "  stages = ( { name = \"s1\"; variables = { b = "
        "\"http://127.0.0.1:9000\"; }; },\n"
        "             { name = \"s2\"; variables = { b = "
        "\"http://127.0.0.1:9000\"; }; } );\n"
        "  routes = (\n"
        "    { route = \"GET /a\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"${stageVariables.b}/a\"; }; },\n"
        "    { route = \"GET /b\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/b\"; }; },\n"
        "    { route = \"GET /c\"; integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9001/c\"; }; }\n"
        "  ); },\n"
        "  { id = \"b\"; stages = ( { name = \"p\"; } );\n"
        "    routes = ( { route = \"GET /\"; integration = {\n"
        "      type = \"HTTP_PROXY\"; uri = \"http://127.0.0.1:9000\"; }; } );"
        " } );\n" LISTEN);
    api = &m->apis[0];
    /* One origin, whatever the route, stage or api. */
    assert_int_equal(m->nbackends, 2);
    assert_ptr_equal(api->routes[0].integ.targets[0].backend, m->backends[0]);
    assert_ptr_equal(api->routes[0].integ.targets[1].backend, m->backends[0]);
    assert_ptr_equal(api->routes[1].integ.targets[0].backend, m->backends[0]);
    assert_ptr_equal(api->routes[1].integ.targets[1].backend, m->backends[0]);
    assert_ptr_equal(api->routes[2].integ.targets[0].backend, m->backends[1]);
    assert_ptr_equal(m->apis[1].routes[0].integ.targets[0].backend,
        m->backends[0]);
    assert_int_equal(m->backends[1]->port, 9001);
    assert_string_equal(render(&api->routes[0].integ.targets[1]), "/a");
}

static void
test_server__tp_conf__templates(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;

    (void) state;
    m = load_ok(API1(
        "    { route = \"GET /a/{id}/{rest+}\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/x/{rest}/{id}?q=1&id={id}\";"
        " }; },\n"
        "    { route = \"GET /b\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000\"; }; },\n"
        "    { route = \"GET /c\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/\"; }; }"));
    r = m->apis[0].routes;
    assert_string_equal(render(&r[0].integ.targets[0]),
        "/x/{1}/{0}?q=1&id={0}");
    assert_true(r[0].integ.targets[0].has_query);
    assert_int_equal(r[0].integ.targets[0].nparts, 6);
    assert_int_equal(r[0].integ.targets[0].parts[1].kind, TP_TMPL_PARAM);
    assert_int_equal(r[0].integ.targets[0].parts[1].param, 1);
    assert_string_equal(render(&r[1].integ.targets[0]), "/");
    assert_false(r[1].integ.targets[0].has_query);
    assert_string_equal(render(&r[2].integ.targets[0]), "/");
}

/* A uri with a query but no path still sends an origin-form target
 * ("/?x=1"), never a bare "?x=1". */
static void
test_server__tp_conf__template_query_only(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;

    (void) state;
    m = load_ok(API1(
        "    { route = \"GET /a\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000?x=1\"; }; }"));
    r = m->apis[0].routes;
    assert_int_equal(r[0].integ.targets[0].backend->port, 9000);
    assert_true(r[0].integ.targets[0].has_query);
    assert_string_equal(render(&r[0].integ.targets[0]), "/?x=1");
}

static void
test_server__tp_conf__uri_errors(void **state)
{
    static const struct {
        const char *uri;
        const char *what;
    } bad[] = {
        { "ftp://127.0.0.1/", "uri \"ftp://127.0.0.1/\" must start with "
          "http:// or https://" },
        { "127.0.0.1:9000/x", "must start with http:// or https://" },
        { "//127.0.0.1/x", "must start with http:// or https://" },
        { "http://127.0.0.1:0/", "bad port in uri \"http://127.0.0.1:0/\"" },
        { "http://127.0.0.1:65536/", "bad port" },
        { "http://127.0.0.1:x/", "bad port" },
        { "http://127.0.0.1:/", "bad port" },
        { "http:///x", "bad host in uri \"http:///x\"" },
        { "http://user@127.0.0.1/", "bad host" },
        { "http://[::1/", "in uri \"http://[::1/\"" },
        { "http://127.0.0.1#frag", "uri path must start with '/'" },
    };
    char text[1024];
    size_t i;

    (void) state;
    for (i = 0; i < TP_NELEM(bad); i++) {
        snprintf(text, sizeof(text), API1(
            "    { route = \"GET /a\";\n"
            "      integration = { type = \"HTTP_PROXY\";\n"
            "        uri = \"%s\"; }; }"), bad[i].uri);
        /* Target errors point at the integration and name the route. */
        load_err(text, "integration", bad[i].what);
        assert_non_null(strstr(err, ": route 'GET /a': "));
    }
}

static void
test_server__tp_conf__uri_unknown_param(void **state)
{
    (void) state;
    load_err(API1("    { route = \"GET /a/{id}\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/a/{idd}\"; }; }"),
        "integration",
        "uri refers to {idd}, which is neither a path parameter of route "
        "'GET /a/{id}' nor mapped by integration.request.path.idd");
    load_err(API1("    { route = \"ANY /{proxy+}\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/{proxy+}\"; }; }"),
        "integration", "uri refers to {proxy+}");
    load_err(API1("    { route = \"GET /a\";\n"
        "      integration = { type = \"HTTP_PROXY\";\n"
        "        uri = \"http://127.0.0.1:9000/{open\"; }; }"),
        "integration", "uri refers to {open");
}

/*
 * A stage without a variable the uri uses loads with a warning naming the
 * route, stage and variable; that stage's target is unusable (it answers
 * 500 at run time, as on AWS) while the other stage works.
 */
static void
test_server__tp_conf__stage_variable_undefined(void **state)
{
    struct tp_model *m;
    const struct tp_route *r;

    (void) state;
    m = load_log("apis = ( { id = \"demo\";\n"
        "  stages = (\n"
        "    { name = \"prod\";\n"
        "      variables = { backend = \"http://127.0.0.1:1\"; }; },\n"
        "    { name = \"dev\";\n"
        "      variables = { backnd = \"http://127.0.0.1:1\"; }; }\n"
        "  );\n"
        "  routes = ( { route = \"GET /\";\n"
        "    integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"${stageVariables.backend}/\"; }; } );\n"
        "} );\n" LISTEN);
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    r = &m->apis[0].routes[0];
    assert_non_null(r->integ.targets[0].backend);
    assert_null(r->integ.targets[1].backend);
    assert_non_null(r->integ.targets[1].error);
    assert_non_null(strstr(logbuf, "route 'GET /': stage \"dev\" does not "
        "define the variable 'backend'"));
    load_err("apis = ( { id = \"demo\";\n"
        "  stages = ( { name = \"prod\"; } );\n"
        "  routes = ( { route = \"GET /\";\n"
        "    integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"http://127.0.0.1/${stageVariables.x\"; }; } );\n"
        "} );\n" LISTEN, "integration", "unterminated ${stageVariables");
}

/* A stage variable that makes the uri too long is reported as such. */
static void
test_server__tp_conf__stage_variable_too_long(void **state)
{
    static char text[8192];
    char big[5001];

    (void) state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(text, sizeof(text), "apis = ( { id = \"demo\";\n"
        "  stages = ( { name = \"prod\";\n"
        "    variables = { big = \"http://127.0.0.1/%s\"; }; } );\n"
        "  routes = ( { route = \"GET /\";\n"
        "    integration = { type = \"HTTP_PROXY\";\n"
        "      uri = \"${stageVariables.big}\"; }; } );\n"
        "} );\n" LISTEN, big);
    assert_non_null(load_log(text));
    assert_non_null(strstr(logbuf, "expanded uri longer than"));
}

/* ---- authorizers ---- */

/* Where an authorizer "a"'s errors point (its line). */
#define AZ_AT "name = \"a\";"
#define PROXY9 "{ type = \"HTTP_PROXY\"; uri = \"http://127.0.0.1:9\"; };"
#define AZ_POOL "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/" \
    "eu-west-1_Pool"

static const struct tp_route *
find_route(const struct tp_api *api, const char *key)
{
    unsigned i;

    for (i = 0; i < api->nroutes; i++) {
        if (strcmp(api->routes[i].key, key) == 0) {
            return &api->routes[i];
        }
    }
    fail_msg("no route %s", key);
    return NULL;
}

static void
test_server__tp_conf__authorizers(void **state)
{
    const struct tp_authorizer *a;
    const struct tp_api *h, *r;
    struct tp_model *m;

    (void) state;
    write_file("jwks.json", JWKS_MAIN);
    m = load_log(
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = ( { name = \"f\"; command = \"/bin/true\"; },\n"
        "  { name = \"auth\"; command = \"/bin/true\"; } );\n"
        "authorizers = (\n"
        "  { name = \"file\"; type = \"jwt\"; issuer = \"" JWT_ISS "\";\n"
        "    audience = ( \"a\", \"b\" ); jwks = \"jwks.json\";\n"
        "    identity_source = \"$request.header.X-Token\";\n"
        "    clock_skew_s = 30; token_cache = false; },\n"
        "  { name = \"url\"; type = \"JWT\";\n"
        "    issuer = \"https://i.example\"; audience = ( \"a\" );\n"
        "    jwks = \"https://k.example:8443/x/k?v=1\";\n"
        "    algorithms = ( \"RS256\", \"ES384\" ); },\n"
        "  { name = \"oidc\"; type = \"JWT\";\n"
        "    issuer = \"https://o.example/r/\"; audience = ( \"a\" );\n"
        "    hs256_secret = \"" JWT_HS_SECRET "\"; },\n"
        "  { name = \"hs\"; type = \"JWT\"; issuer = \"x\";\n"
        "    audience = ( \"a\" ); algorithms = ( \"HS256\" );\n"
        "    hs256_secret = \"" JWT_HS_SECRET "\"; },\n"
        "  { name = \"pool\"; type = \"COGNITO_USER_POOLS\";\n"
        "    provider_arns = ( \"" AZ_POOL "\" ); },\n"
        "  { name = \"lambda\"; type = \"TOKEN\"; function = \"f\"; }\n"
        ");\n"
        "apis = (\n"
        "  { id = \"h\"; type = \"HTTP\"; routes = (\n"
        "    { route = \"GET /a\"; authorizer = \"file\";\n"
        "      authorization_scopes = ( \"s\" );\n"
        "      integration = " PROXY9 " },\n"
        "    { route = \"GET /b\"; authorization = \"jwt\";\n"
        "      authorizer = \"url\";\n"
        "      integration = " PROXY9 " },\n"
        "    { route = \"GET /c\"; authorization = \"NONE\";\n"
        "      authorizer = \"url\";\n"
        "      integration = " PROXY9 " } ); },\n"
        "  { id = \"r\"; routes = (\n"
        "    { route = \"GET /p\"; authorizer = \"pool\";\n"
        "      integration = { type = \"MOCK\"; }; },\n"
        "    { route = \"GET /l\"; authorizer = \"lambda\";\n"
        "      integration = { type = \"MOCK\"; }; } ); }\n"
        ");\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->nauthorizers, 6);
    assert_int_equal(m->nauthorizer_ids, 6);
    a = &m->authorizers[0];
    assert_int_equal(a->type, TP_AUTHORIZER_JWT);
    assert_string_equal(a->identity_header, "x-token");
    assert_false(a->cache_tokens);
    assert_non_null(a->jwks);
    assert_true(a->jwks->nkeys >= 3);
    assert_ptr_equal(a->jwt->jwks, a->jwks);
    assert_null(a->jwks_backend);
    assert_int_equal(a->jwt->mode, TP_JWT_MODE_JWT);
    assert_int_equal(a->jwt->leeway, 30);
    assert_int_equal(a->jwt->algs, 0);           /* the RS default */
    assert_int_equal(a->jwt->naudiences, 2);
    assert_string_equal(a->jwt->audiences[1], "b");
    assert_string_equal(a->jwt->issuer, JWT_ISS);
    a = &m->authorizers[1];
    assert_true(a->cache_tokens);
    assert_string_equal(a->identity_header, "authorization");
    assert_null(a->jwks);
    assert_string_equal(a->jwks_backend->hostport, "k.example:8443");
    assert_true(a->jwks_backend->tls);
    assert_string_equal(a->jwks_path, "/x/k?v=1");
    assert_null(a->discovery_path);
    assert_int_equal(a->jwt->algs, TP_JWA_BIT(TP_JWA_RS256)
        | TP_JWA_BIT(TP_JWA_ES384));
    a = &m->authorizers[2];                      /* OIDC discovery */
    assert_null(a->jwks_path);
    assert_string_equal(a->discovery_path,
        "/r/.well-known/openid-configuration");
    assert_int_equal(a->jwt->algs, TP_JWT_ALGS_DEFAULT
        | TP_JWA_BIT(TP_JWA_HS256));
    assert_int_equal(a->jwt->hs256_key_len, strlen(JWT_HS_SECRET));
    a = &m->authorizers[3];                      /* HS256 alone: no keys */
    assert_null(a->jwks_backend);
    assert_null(a->jwks);
    a = &m->authorizers[4];
    assert_int_equal(a->type, TP_AUTHORIZER_COGNITO);
    assert_int_equal(a->jwt->mode, TP_JWT_MODE_COGNITO);
    assert_string_equal(a->jwt->issuer,
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool");
    assert_string_equal(a->jwks_url, "https://cognito-idp.eu-west-1."
        "amazonaws.com/eu-west-1_Pool/.well-known/jwks.json");
    assert_int_equal(a->jwt->naudiences, 0);
    assert_int_equal(m->authorizers[5].type, TP_AUTHORIZER_TOKEN);
    assert_null(m->authorizers[5].jwt);
    h = &m->apis[0];
    r = &m->apis[1];
    assert_int_equal(find_route(h, "GET /a")->authorization, TP_AUTHZ_JWT);
    assert_ptr_equal(find_route(h, "GET /a")->auth, &m->authorizers[0]);
    assert_int_equal(find_route(h, "GET /b")->authorization, TP_AUTHZ_JWT);
    assert_int_equal(find_route(h, "GET /c")->authorization, TP_AUTHZ_NONE);
    assert_int_equal(find_route(r, "GET /p")->authorization,
        TP_AUTHZ_COGNITO);
    assert_ptr_equal(find_route(r, "GET /p")->auth, &m->authorizers[4]);
    assert_int_equal(find_route(r, "GET /l")->authorization,
        TP_AUTHZ_CUSTOM);
    assert_null(strstr(logbuf, "not supported yet"));
    assert_null(strstr(logbuf, "GET /a"));
    assert_null(strstr(logbuf, "GET /p"));
}

static void
test_server__tp_conf__functions(void **state)
{
    const struct tp_function *f;
    struct tp_model *m;
    char boot[PATH_MAX];

    (void) state;
    snprintf(boot, sizeof(boot), "%s", write_file("bootstrap",
        "#!/bin/sh\n"));
    assert_int_equal(chmod(boot, 0755), 0);
    m = load("listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = (\n"
        "  { name = \"hello\"; command = \"bootstrap\"; handler = \"h.x\";\n"
        "    memory = 256; timeout = 30; concurrency = 4; warm = 2;\n"
        "    idle_timeout = 86400;\n"
        "    environment = { GREETING = \"hi\"; Z9 = \"\"; }; },\n"
        "  { name = \"min-1_x\"; command = \"./bootstrap\"; } );\n"
        "apis = ( { id = \"a\"; routes = ( { route = \"GET /\";\n"
        "  integration = { type = \"AWS_PROXY\"; function = \"hello\"; };"
        " } );\n  stages = ( { name = \"p\"; } ); } );\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_int_equal(m->nfunctions, 2);
    f = tp_model_find_function(m, "hello");
    assert_non_null(f);
    assert_string_equal(f->command, boot);
    assert_int_equal(strncmp(f->task_root, dir, strlen(dir)), 0);
    assert_int_equal(strlen(f->task_root), strlen(boot) - 10);
    assert_string_equal(f->handler, "h.x");
    assert_int_equal(f->memory_mb, 256);
    assert_int_equal(f->timeout_s, 30);
    assert_int_equal(f->concurrency, 4);
    assert_int_equal(f->warm, 2);
    assert_int_equal(f->idle_timeout_s, 86400);
    assert_int_equal(f->nenv, 2);
    assert_string_equal(f->env[0].name, "GREETING");
    assert_string_equal(f->env[0].value, "hi");
    f = tp_model_find_function(m, "min-1_x");
    assert_non_null(f);
    /* Lambda's defaults */
    assert_int_equal(f->memory_mb, 128);
    assert_int_equal(f->timeout_s, 3);
    assert_int_equal(f->concurrency, 10);
    assert_int_equal(f->warm, 0);
    assert_int_equal(f->idle_timeout_s, 300);
    assert_string_equal(f->handler, "");
    assert_null(tp_model_find_function(m, "nope"));
}

static void
test_server__tp_conf__function_errors(void **state)
{
    static const char head[] =
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = (\n";
    char text[2048];
    const char *boot;

    (void) state;
    boot = write_file("bootstrap", "#!/bin/sh\n");
    assert_int_equal(chmod(boot, 0755), 0);
    assert_int_equal(chmod(write_file("noexec", "x"), 0644), 0);
#define FN_ERR(body, at, what) \
    do { \
        snprintf(text, sizeof(text), "%s%s);\n", head, body); \
        load_err(text, at, what); \
    } while (0)
    FN_ERR("{ command = \"bootstrap\"; }\n", "command", "needs a 'name'");
    FN_ERR("{ name = \"a b\"; command = \"bootstrap\"; }\n", "a b",
        "1 to 64 letters");
    FN_ERR("{ name = \"a\"; }\n", "name", "needs a 'command'");
    FN_ERR("{ name = \"a\";\n command = \"missing\"; }\n", "missing",
        "is not an executable file");
    FN_ERR("{ name = \"a\";\n command = \"noexec\"; }\n", "noexec",
        "is not an executable file");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n timeout = 901; }\n",
        "timeout", "timeout");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n timeout = 0; }\n",
        "timeout", "timeout");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n memory = 64; }\n",
        "memory", "memory");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\"; concurrency = 2;\n"
        " warm = 3; }\n", "warm", "exceeds concurrency");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n idle_timeout = 0; }\n",
        "idle_timeout", "idle_timeout");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n"
        " idle_timeout = 86401; }\n", "idle_timeout", "idle_timeout");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\";\n bogus = 1; }\n",
        "bogus", "bogus");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\"; environment = {\n"
        " AWS_REGION = \"x\"; }; }\n", "AWS_REGION", "is reserved");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\"; environment = {\n"
        " N = \"1\"; }; }\n", "N = ", "start with a letter");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\"; environment = {\n"
        " NN = 1; }; }\n", "NN", "must be a string");
    FN_ERR("{ name = \"a\"; command = \"bootstrap\"; },\n"
        "{ name = \"a\"; command = \"bootstrap\"; }\n", "{ name = \"a\"; "
        "command = \"bootstrap\"; }\n", "defined twice");
#undef FN_ERR
    /* an integration naming a function that does not exist */
    snprintf(text, sizeof(text), "%s{ name = \"a\"; command = "
        "\"bootstrap\"; } );\n"
        "apis = ( { id = \"x\"; routes = ( { route = \"GET /\";\n"
        "  integration = { type = \"AWS_PROXY\"; function = \"b\"; };"
        " } );\n  stages = ( { name = \"p\"; } ); } );\n", head);
    load_err(text, "integration", "function \"b\" is not defined");
}

static void
test_server__tp_conf__authorizer_errors(void **state)
{
    static const char head[] =
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = ( { name = \"f\"; command = \"/bin/true\"; },\n"
        "  { name = \"auth\"; command = \"/bin/true\"; } );\n"
        "authorizers = (\n";
    char text[2048];

    (void) state;
    write_file("jwks.json", JWKS_MAIN);
    write_file("mixed.json", "{\"keys\": [{\"kty\": \"oct\", \"k\": \"AA\", "
        "\"kid\": \"o\"}]}");
#define AZ_ERR(body, at, what) \
    do { \
        snprintf(text, sizeof(text), "%s%s);\n", head, body); \
        load_err(text, at, what); \
    } while (0)
    AZ_ERR("{ type = \"JWT\"; }\n", "type", "needs a 'name'");
    AZ_ERR("{ name = \"a\"; }\n", AZ_AT, "needs a 'type'");
    AZ_ERR("{ name = \"a\"; type = \"OAUTH\"; }\n", "OAUTH",
        "not \"OAUTH\"");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); jwks = \"missing.json\"; }\n", "missing",
        "cannot read jwks");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); jwks = \"mixed.json\"; }\n", "mixed",
        "has no usable key: key 0 (kid \"o\")");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( 1 ); }\n", "audience", "list of non-empty strings");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); clock_skew_s = 301; }\n", "clock_skew_s",
        "[0, 300]");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); token_cache = 1; }\n", "token_cache",
        "true or false");
    AZ_ERR("{ name = \"a\"; type = \"COGNITO_USER_POOLS\"; }\n", AZ_AT,
        "needs an issuer or provider_arns");
    AZ_ERR("{ name = \"a\"; type = \"COGNITO_USER_POOLS\";\n provider_arns = "
        "( \"" AZ_POOL "\", \"" AZ_POOL "2\" ); }\n", AZ_AT,
        "one user pool per authorizer");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); jwks = \"ftp://x/k\"; }\n", "ftp",
        "must be a file or an https:// URL");
    AZ_ERR("{ name = \"a\"; type = \"JWT\"; issuer = \"https://i\";\n"
        " audience = ( \"a\" ); jwks = \"https://x:99999/k\"; }\n", "99999",
        "bad port");
#undef AZ_ERR
    /* a route's authorizer of the wrong kind */
    snprintf(text, sizeof(text), "%s"
        "{ name = \"p\"; type = \"COGNITO_USER_POOLS\"; provider_arns = "
        "( \"" AZ_POOL "\" ); },\n"
        "{ name = \"l\"; type = \"REQUEST\"; function = \"f\"; ttl = 0; }\n"
        ");\n"
        "apis = ( { id = \"r\"; routes = (\n"
        "  { route = \"GET /p\"; authorization = \"CUSTOM\"; "
        "authorizer = \"p\";\n"
        "    integration = { type = \"MOCK\"; }; } ); } );\n",
        head);
    load_err(text, "GET /p", "authorization CUSTOM needs a Lambda (REQUEST or "
        "TOKEN) authorizer, but \"p\" is COGNITO_USER_POOLS");
    snprintf(text, sizeof(text), "%s"
        "{ name = \"l\"; type = \"REQUEST\"; function = \"f\"; ttl = 0; }\n"
        ");\n"
        "apis = ( { id = \"r\"; routes = (\n"
        "  { route = \"GET /p\"; authorization = \"COGNITO_USER_POOLS\";\n"
        "    authorizer = \"l\";\n"
        "    integration = { type = \"MOCK\"; }; } ); } );\n",
        head);
    load_err(text, "GET /p", "needs a COGNITO_USER_POOLS authorizer, but "
        "\"l\" is REQUEST");
}

/* Lambda authorizers: TOKEN and REQUEST settings, defaults, sources of
 * both syntaxes, OpenAPI-style URIs naming the function. */
static void
test_server__tp_conf__lambda_authorizers(void **state)
{
    const struct tp_lauth *la;
    struct tp_model *m;

    (void) state;
    m = load_log(
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = ( { name = \"f\"; command = \"/bin/true\"; },\n"
        "  { name = \"auth\"; command = \"/bin/true\"; } );\n"
        "authorizers = (\n"
        "  { name = \"tok\"; type = \"TOKEN\"; function = \"auth\";\n"
        "    identity_validation_expression = \"^Bearer [a-z]+$\"; },\n"
        "  { name = \"req\"; type = \"REQUEST\"; function = \"auth\";\n"
        "    identity_source = \"method.request.header.X-User, "
        "method.request.querystring.q, stageVariables.v, "
        "context.requestId\"; ttl = 0; },\n"
        "  { name = \"h2\"; type = \"REQUEST\"; uri = \"arn:aws:apigateway:"
        "us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:"
        "us-east-1:123456789012:function:remote:live/invocations\";\n"
        "    identity_source = ( \"$request.header.X-A\", "
        "\"$context.routeKey\" );\n"
        "    payload_format = \"2.0\"; simple_responses = true; "
        "ttl = 3600; },\n"
        "  { name = \"h1\"; type = \"REQUEST\"; function = \"auth\";\n"
        "    identity_source = \"$request.querystring.T\";\n"
        "    payload_format = \"1.0\"; }\n"
        ");\n"
        "apis = ( { id = \"r\"; routes = (\n"
        "  { route = \"GET /t\"; authorizer = \"tok\";\n"
        "    integration = { type = \"MOCK\"; }; } ); } );\n");
    if (m == NULL) {
        fail_msg("config rejected: %s", err);
    }
    assert_null(strstr(logbuf, "not supported"));
    la = m->authorizers[0].lambda;
    assert_non_null(la);
    assert_true(la->token);
    assert_string_equal(la->function, "auth");
    assert_int_equal(la->ttl_s, 300);
    assert_int_equal(la->nsources, 1);
    assert_int_equal(la->sources[0].kind, TP_LAUTH_HEADER);
    assert_string_equal(la->sources[0].name, "authorization");
    assert_non_null(la->validation);
    assert_true(m->server.cache_used);           /* a route uses "tok" */
    la = m->authorizers[1].lambda;
    assert_false(la->token);
    assert_int_equal(la->ttl_s, 0);
    assert_int_equal(la->nsources, 4);
    assert_int_equal(la->sources[0].kind, TP_LAUTH_HEADER);
    assert_string_equal(la->sources[0].name, "x-user");
    assert_int_equal(la->sources[1].kind, TP_LAUTH_QUERY);
    assert_string_equal(la->sources[1].name, "q");
    assert_int_equal(la->sources[2].kind, TP_LAUTH_STAGEVAR);
    assert_int_equal(la->sources[3].kind, TP_LAUTH_CONTEXT);
    assert_string_equal(la->sources[3].name, "requestId");
    assert_int_equal(la->http_format, TP_LAUTH_HTTP_2);
    assert_true(m->authorizers[0].lambda->local);
    la = m->authorizers[2].lambda;
    assert_string_equal(la->function, "remote");
    assert_false(la->local);                     /* no such local one */
    assert_non_null(strstr(logbuf, "authorizer \"h2\": \"remote\" is not in "
        "'functions' and no 'lambda' endpoint"));
    assert_non_null(la->uri);
    assert_true(la->simple);
    assert_int_equal(la->ttl_s, 3600);
    assert_int_equal(la->nsources, 2);
    assert_string_equal(la->sources[0].name, "x-a");
    assert_string_equal(la->sources[1].name, "routeKey");
    la = m->authorizers[3].lambda;
    assert_int_equal(la->http_format, TP_LAUTH_HTTP_1);
    assert_string_equal(la->sources[0].name, "T");  /* exact case */
    /* answers cached under one authorizer are not another's */
    assert_true(m->authorizers[0].lambda->cache_ns
        != m->authorizers[1].lambda->cache_ns);
}

static void
test_server__tp_conf__lambda_authorizer_errors(void **state)
{
    static const char head[] =
        "listeners = ( { address = \"127.0.0.1:8080\"; } );\n"
        "functions = ( { name = \"f\"; command = \"/bin/true\"; },\n"
        "  { name = \"auth\"; command = \"/bin/true\"; } );\n"
        "authorizers = (\n";
    char text[2048];

    (void) state;
#define AZ_ERR(body, at, what) \
    do { \
        snprintf(text, sizeof(text), "%s%s);\n", head, body); \
        load_err(text, at, what); \
    } while (0)
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; }\n", AZ_AT,
        "needs a 'function'");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"nope\"; }\n",
        AZ_AT, "function \"nope\" is not defined in 'functions'");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; uri = \"arn:aws:s3:::b\"; }\n",
        AZ_AT, "does not name a Lambda function");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"f\";\n"
        " ttl = 3601; }\n", "ttl", "[0, 3600]");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"f\";\n"
        " ttl = \"5\"; }\n", "ttl", "[0, 3600]");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"f\";\n"
        " identity_source = \"method.request.querystring.t\"; }\n", AZ_AT,
        "is a header");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"f\";\n"
        " identity_source = ( \"method.request.header.A\",\n"
        " \"method.request.header.B\" ); }\n", AZ_AT,
        "one identity source (a header), not 2");
    AZ_ERR("{ name = \"a\"; type = \"TOKEN\"; function = \"f\";\n"
        " identity_validation_expression = \"^(x\"; }\n", AZ_AT,
        "invalid identity_validation_expression \"^(x\"");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\";\n"
        " identity_source = \"method.request.header.A\";\n"
        " identity_validation_expression = \"x\"; }\n", AZ_AT,
        "applies to TOKEN authorizers");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\";\n"
        " identity_source = \"method.request.path.id\"; }\n", AZ_AT,
        "path parameters cannot be identity sources");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\";\n"
        " identity_source = \"$context.nope\"; }\n", AZ_AT,
        "unknown $context variable \"nope\"");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\"; }\n",
        AZ_AT, "caching (ttl 300) needs at least one identity source");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\"; ttl = 0;\n"
        " payload_format = \"3.0\"; }\n", AZ_AT,
        "payload_format must be \"1.0\" or \"2.0\", not \"3.0\"");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\"; ttl = 0;\n"
        " payload_format = \"1.0\"; simple_responses = true; }\n", AZ_AT,
        "simple_responses needs payload_format \"2.0\"");
    AZ_ERR("{ name = \"a\"; type = \"REQUEST\"; function = \"f\"; ttl = 0;\n"
        " simple_responses = 1; }\n", "simple_responses", "true or false");
#undef AZ_ERR
    snprintf(text, sizeof(text), "%s"
        "{ name = \"t\"; type = \"TOKEN\"; function = \"f\"; }\n);\n"
        "apis = ( { id = \"h\"; type = \"HTTP\"; routes = (\n"
        "  { route = \"GET /p\"; authorizer = \"t\";\n"
        "    integration = " PROXY9 " } ); } );\n", head);
    load_err(text, "GET /p", "HTTP APIs use REQUEST authorizers");
    snprintf(text, sizeof(text), "%s"
        "{ name = \"t\"; type = \"TOKEN\"; function = \"f\"; }\n);\n"
        "apis = ( { id = \"r\"; routes = (\n"
        "  { route = \"GET /c\"; authorization = \"CUSTOM\";\n"
        "    integration = { type = \"MOCK\"; }; } ); } );\n", head);
    load_err(text, "GET /c", "authorization CUSTOM needs an 'authorizer'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_server__tp_conf__defaults),
        T(test_server__tp_conf__listen_private),
        T(test_server__tp_conf__iam_principals),
        T(test_server__tp_conf__api_access),
        T(test_server__tp_conf__prefix_paths),
        T(test_server__tp_conf__server_values),
        T(test_server__tp_conf__sizes),
        T(test_server__tp_conf__workers),
        T(test_server__tp_conf__log_level),
        T(test_server__tp_conf__uri_length_clamped),
        T(test_server__tp_conf__relative_paths),
        T(test_server__tp_conf__relative_to_config_dir),
        T(test_server__tp_conf__unknown_setting),
        T(test_server__tp_conf__wrong_type),
        T(test_server__tp_conf__out_of_range),
        T(test_server__tp_conf__syntax_error),
        T(test_server__tp_conf__missing_file),
        T(test_server__tp_conf__no_listeners),
        T(test_server__tp_conf__unsupported_sections),
        T(test_server__tp_conf__admin_listener),
        T(test_server__tp_conf__lambda),
        T(test_server__tp_conf__listen_wildcard),
        T(test_server__tp_conf__listen_ipv6),
        T(test_server__tp_conf__listen_bad_address),
        T(test_server__tp_conf__listen_duplicate),
        T(test_server__tp_conf__default_api),
        T(test_server__tp_conf__tls_listener),
        T(test_server__tp_conf__tls_absolute_path),
        T(test_server__tp_conf__tls_errors),
        T(test_server__tp_conf__domains),
        T(test_server__tp_conf__api_basics),
        T(test_server__tp_conf__api_types),
        T(test_server__tp_conf__api_ids),
        T(test_server__tp_conf__stages),
        T(test_server__tp_conf__route_errors),
        T(test_server__tp_conf__route_duplicate),
        T(test_server__tp_conf__route_param_conflict),
        T(test_server__tp_conf__http_default_route),
        T(test_server__tp_conf__integration_errors),
        T(test_server__tp_conf__stage_variables),
        T(test_server__tp_conf__stage_variable_in_path),
        T(test_server__tp_conf__default_ports),
        T(test_server__tp_conf__shared_backends),
        T(test_server__tp_conf__templates),
        T(test_server__tp_conf__template_query_only),
        T(test_server__tp_conf__uri_errors),
        T(test_server__tp_conf__uri_unknown_param),
        T(test_server__tp_conf__stage_variable_undefined),
        T(test_server__tp_conf__stage_variable_too_long),
        T(test_server__tp_conf__authorizers),
        T(test_server__tp_conf__authorizer_errors),
        T(test_server__tp_conf__lambda_authorizers),
        T(test_server__tp_conf__lambda_authorizer_errors),
        T(test_server__tp_conf__functions),
        T(test_server__tp_conf__function_errors),
#undef T
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

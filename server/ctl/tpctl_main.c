/*
 * tpctl_main.c: turnpikectl's command line: global options, the command
 * table, usage and error output, exit codes.  turnpikectl manages the API
 * keys of the state database, reports usage and shows the live traffic
 * (stats); it reads the same config file as turnpike.
 */
#include "tpctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#define TPCTL_GLOBAL "[-c FILE] [-p DIR]"

static const struct tpctl_cmd tpctl_cmds[] = {
    { "keys create", "--name NAME --plan PLAN [--plan PLAN ...] "
        "[--value VALUE] [--disabled]", tpctl_keys_create },
    { "keys list", "", tpctl_keys_list },
    { "keys enable", "NAME", tpctl_keys_enable },
    { "keys disable", "NAME", tpctl_keys_enable },
    { "keys delete", "NAME", tpctl_keys_enable },
    { "keys import", "--file FILE.csv", tpctl_keys_import },
    { "cache flush", "API/STAGE", tpctl_cache_flush },
    { "cache stats", "[API/STAGE]", tpctl_cache_stats },
    { "stats", "[-i SECONDS] [-n COUNT | --once] [--json] [-r]",
        tpctl_stats },
    { "invoke", "FUNCTION [--payload JSON | --file FILE] [--event]",
        tpctl_invoke },
    { "usage", "--plan PLAN [--key NAME] [--start YYYY-MM-DD] "
        "[--end YYYY-MM-DD]", tpctl_usage_cmd },
};

static void
tpctl_print_usage(FILE *f, const struct tpctl_cmd *cmd)
{
    unsigned i;

    for (i = 0; i < TP_NELEM(tpctl_cmds); i++) {
        if (cmd == NULL || cmd == &tpctl_cmds[i]) {
            fprintf(f, "%s turnpikectl " TPCTL_GLOBAL " %s%s%s\n",
                cmd != NULL || i == 0 ? "usage:" : "      ",
                tpctl_cmds[i].words, tpctl_cmds[i].usage[0] ? " " : "",
                tpctl_cmds[i].usage);
        }
    }
}

int
tpctl_fail(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("turnpikectl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return TPCTL_FAIL;
}

int
tpctl_usage(const struct tpctl_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("turnpikectl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    tpctl_print_usage(stderr, cmd);
    return TPCTL_USAGE;
}

int
tpctl_bad_arg(const struct tpctl_cmd *cmd, const char *arg)
{
    return tpctl_usage(cmd, arg[0] == '-' ? "unknown option \"%s\""
                                          : "unexpected argument \"%s\"", arg);
}

int
tpctl_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, n) != 0) {
        return 0;
    }
    if (a[2 + n] == '=') {
        *val = a + 3 + n;
        return 1;
    }
    if (a[2 + n] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

/* The command named by the words at argv[0..]; how many words it took. */
static const struct tpctl_cmd *
tpctl_find(int argc, char **argv, int *used)
{
    unsigned i;
    size_t n;

    for (i = 0; i < TP_NELEM(tpctl_cmds); i++) {
        const char *w = tpctl_cmds[i].words, *sp = strchr(w, ' ');

        n = sp != NULL ? (size_t) (sp - w) : strlen(w);
        if (strncmp(argv[0], w, n) != 0 || argv[0][n] != '\0') {
            continue;
        }
        if (sp == NULL) {
            *used = 1;
            return &tpctl_cmds[i];
        }
        if (argc > 1 && strcmp(argv[1], sp + 1) == 0) {
            *used = 2;
            return &tpctl_cmds[i];
        }
    }
    return NULL;
}

static int
tpctl_global(struct tpctl *c, int argc, char **argv, int *i)
{
    for (*i = 1; *i < argc && argv[*i][0] == '-'; (*i)++) {
        const char *a = argv[*i];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            tpctl_print_usage(stdout, NULL);
            exit(TPCTL_OK);
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
            printf("turnpikectl %s\n", TP_VERSION);
            exit(TPCTL_OK);
        }
        if (strcmp(a, "-c") != 0 && strcmp(a, "-p") != 0) {
            return tpctl_usage(NULL, "unknown option \"%s\"", a);
        }
        if (*i + 1 == argc) {
            return tpctl_usage(NULL, "option \"%s\" needs a value", a);
        }
        if (a[1] == 'c') {
            c->conf_path = argv[++*i];
        } else {
            c->prefix = argv[++*i];
        }
    }
    return TPCTL_OK;
}

int
main(int argc, char **argv)
{
    static char outbuf[1 << 16];
    struct tpctl c;
    const struct tpctl_cmd *cmd;
    int i, used, rc;

    memset(&c, 0, sizeof(c));
    c.conf_path = TP_CONF_PATH;
    rc = tpctl_global(&c, argc, argv, &i);
    if (rc != TPCTL_OK) {
        return rc;
    }
    if (i >= argc) {
        return tpctl_usage(NULL, "no command given");
    }
    cmd = tpctl_find(argc - i, argv + i, &used);
    if (cmd == NULL && (strcmp(argv[i], "keys") == 0
            || strcmp(argv[i], "cache") == 0))
    {
        if (i + 1 >= argc) {
            return tpctl_usage(NULL, "%s needs a command", argv[i]);
        }
        return tpctl_usage(NULL, "unknown command \"%s %s\"", argv[i],
            argv[i + 1]);
    }
    if (cmd == NULL) {
        return tpctl_usage(NULL, "unknown command \"%s\"", argv[i]);
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    tp_arena_init(&c.arena, 65536);
    rc = cmd->run(&c, cmd, argc - i - used, argv + i + used);
    tp_state_close(c.st);
    tp_arena_free(&c.arena);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        return tpctl_fail("cannot write the output: %s", strerror(errno));
    }
    return rc;
}

/*
 * tp_conf_functions.c: the top-level `functions` section, the local
 * functions the function host runs (workers/tp_fnhost.c).  Master only.
 *
 *   functions = (
 *     { name = "hello"; command = "functions/hello/bootstrap";
 *       handler = "hello.handler"; memory = 128; timeout = 3;
 *       concurrency = 10; warm = 1; idle_timeout = 300;
 *       environment = { GREETING = "hi"; }; }
 *   );
 *
 * Limits follow Lambda's: names of 1-64 [A-Za-z0-9_-], memory 128-10240
 * MB, timeout 1-900 s, environment keys [A-Za-z][A-Za-z0-9_]+ that are
 * not reserved, 4 KB of environment in all.  idle_timeout (1-86400 s,
 * default 300) is ours: how long an idle instance above warm is kept.
 */
#include "tp_conf_int.h"

#include <sys/stat.h>
#include <unistd.h>

#define F_OFF(f) offsetof(struct tp_function, f)
#define FN_ENV_MAX 4096              /* bytes of keys and values */

static const struct tp_conf_field function_fields[] = {
    { "name", TP_CT_STR, F_OFF(name), 0, 0, NULL },
    { "command", TP_CT_PATH, F_OFF(command), 0, 0, NULL },
    { "handler", TP_CT_STR, F_OFF(handler), 0, 0, NULL },
    { "memory", TP_CT_INT, F_OFF(memory_mb), 128, 10240, NULL },
    { "timeout", TP_CT_INT, F_OFF(timeout_s), 1, 900, NULL },
    { "concurrency", TP_CT_INT, F_OFF(concurrency), 1, 1000, NULL },
    { "warm", TP_CT_INT, F_OFF(warm), 0, 1000, NULL },
    { "idle_timeout", TP_CT_INT, F_OFF(idle_timeout_s), 1, 86400, NULL },
    { "environment", TP_CT_GROUP, 0, 0, 0, NULL },
};

/* Set by the host; a function cannot override them (as on Lambda). */
static const char *const reserved_env[] = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
};

static bool
fn_name_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 64) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
        {
            return false;
        }
    }
    return true;
}

static bool
fn_env_key_ok(const char *s)
{
    size_t i;

    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))
        || s[1] == '\0')
    {
        return false;
    }
    for (i = 1; s[i] != '\0'; i++) {
        char ch = s[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9') || ch == '_'))
        {
            return false;
        }
    }
    return true;
}

static int
fn_env(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_function *f)
{
    const config_setting_t *e = config_setting_get_member(g, "environment");
    int i, n = e != NULL ? config_setting_length(e) : 0;
    size_t total = 0, k;

    f->env = tp_arena_calloc(c->a, sizeof(*f->env) * (size_t) (n + 1));
    if (f->env == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const config_setting_t *v = config_setting_get_elem(e, (unsigned) i);
        const char *name = config_setting_name(v);

        if (!fn_env_key_ok(name)) {
            return tp_conf_error(c, v, "function \"%s\": environment "
                "variable \"%s\": names start with a letter and have at "
                "least 2 characters of [A-Za-z0-9_]", f->name, name);
        }
        for (k = 0; k < TP_NELEM(reserved_env); k++) {
            if (strcmp(name, reserved_env[k]) == 0) {
                return tp_conf_error(c, v, "function \"%s\": environment "
                    "variable \"%s\" is reserved (the host sets it)",
                    f->name, name);
            }
        }
        if (config_setting_type(v) != CONFIG_TYPE_STRING) {
            return tp_conf_error(c, v, "function \"%s\": environment "
                "variable \"%s\" must be a string", f->name, name);
        }
        f->env[i].name = tp_arena_strdup(c->a, name);
        f->env[i].value = tp_conf_str(c, v);
        if (f->env[i].name == NULL || f->env[i].value == NULL) {
            return tp_conf_error(c, v, "out of memory");
        }
        total += strlen(name) + strlen(f->env[i].value);
    }
    if (total > FN_ENV_MAX) {
        return tp_conf_error(c, e, "function \"%s\": environment of %zu "
            "bytes; at most %d", f->name, total, FN_ENV_MAX);
    }
    f->nenv = (unsigned) n;
    return TP_OK;
}

static int
fn_command(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_function *f)
{
    const config_setting_t *s = config_setting_get_member(g, "command");
    struct stat st;
    char *root, *slash;

    if (f->command == NULL) {
        return tp_conf_error(c, g, "function \"%s\" needs a 'command' (its "
            "bootstrap executable)", f->name);
    }
    if (stat(f->command, &st) != 0 || !S_ISREG(st.st_mode)
        || (st.st_mode & 0111) == 0 || access(f->command, X_OK) != 0)
    {
        return tp_conf_error(c, s, "function \"%s\": command \"%s\" is not "
            "an executable file", f->name, f->command);
    }
    root = tp_arena_strdup(c->a, f->command);
    if (root == NULL) {
        return tp_conf_error(c, s, "out of memory");
    }
    slash = strrchr(root, '/');
    slash[slash == root ? 1 : 0] = '\0';
    f->task_root = root;
    return TP_OK;
}

static int
conf_function(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_function *f)
{
    f->memory_mb = 128;
    f->timeout_s = 3;
    f->concurrency = 10;
    f->idle_timeout_s = 300;
    f->src = tp_conf_src(c, g);
    if (!config_setting_is_group(g)) {
        return tp_conf_error(c, g, "each function must be a group "
            "{ name = ...; command = ...; }");
    }
    if (tp_conf_apply(c, g, function_fields, TP_NELEM(function_fields), f)
        != TP_OK)
    {
        return TP_ERROR;
    }
    if (f->name == NULL || !fn_name_ok(f->name)) {
        return tp_conf_error(c, g, "a function needs a 'name' of 1 to 64 "
            "letters, digits, '-' or '_'");
    }
    if (f->handler == NULL) {
        f->handler = "";
    }
    if (f->warm > f->concurrency) {
        return tp_conf_error(c, config_setting_get_member(g, "warm"),
            "function \"%s\": warm (%u) exceeds concurrency (%u)", f->name,
            f->warm, f->concurrency);
    }
    return fn_command(c, g, f) != TP_OK ? TP_ERROR : fn_env(c, g, f);
}

/* The parser of one element, in tp_conf_named_list()'s shape. */
static int
conf_function_item(struct tp_conf_ctx *c, const config_setting_t *g, void *it)
{
    return conf_function(c, g, it);
}

int
tp_conf_functions(struct tp_conf_ctx *c, const config_setting_t *l)
{
    void *list = NULL;

    if (tp_conf_named_list(c, l, sizeof(struct tp_function),
            offsetof(struct tp_function, name),
            offsetof(struct tp_function, src), "function",
            conf_function_item, &list, &c->m->nfunctions) != TP_OK)
    {
        return TP_ERROR;
    }
    c->m->functions = list;
    return TP_OK;
}

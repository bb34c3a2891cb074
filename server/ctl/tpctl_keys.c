/*
 * tpctl_keys.c: turnpikectl keys create, enable, disable and delete: one
 * key of the state database at a time.  Keys defined in the config file
 * are changed there, never here.
 */
#include "tpctl.h"

#include <time.h>

#define TPCTL_ID_TRIES 16            /* random ids colliding in a row */

/* Adds <k> to the state, drawing new ids while the state has them. */
static int
tpctl_create_key(struct tpctl *c, struct tp_key_full *k, char *err,
    size_t errlen)
{
    unsigned tries;
    int rc = TP_BUSY;

    for (tries = 0; rc == TP_BUSY && tries < TPCTL_ID_TRIES; tries++) {
        if (tries > 0 && tpctl_key_new_id(c, k, err, errlen) != TP_OK) {
            return TP_ERROR;
        }
        rc = tp_state_key_create(c->st, k, err, errlen);
    }
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

struct tpctl_create {
    const char *name;
    const char *value;               /* NULL: a random one */
    const char *plans[64];
    unsigned nplans;
    bool disabled;
};

static int
tpctl_create_args(const struct tpctl_cmd *cmd, int argc, char **argv,
    struct tpctl_create *a)
{
    const char *v;
    int i, r;

    for (i = 0; i < argc; i++) {
        v = NULL;
        if ((r = tpctl_opt(argc, argv, &i, "name", &a->name)) == 0
            && (r = tpctl_opt(argc, argv, &i, "value", &a->value)) == 0
            && (r = tpctl_opt(argc, argv, &i, "plan", &v)) == 0)
        {
            if (strcmp(argv[i], "--disabled") != 0) {
                return tpctl_bad_arg(cmd, argv[i]);
            }
            a->disabled = true;
        } else if (r < 0) {
            return tpctl_usage(cmd, "%s needs a value", argv[i]);
        } else if (v != NULL) {
            if (a->nplans == TP_NELEM(a->plans)) {
                return tpctl_usage(cmd, "too many --plan options");
            }
            a->plans[a->nplans++] = v;
        }
    }
    if (a->name == NULL || a->nplans == 0) {
        return tpctl_usage(cmd, "%s is required", a->name == NULL ? "--name"
                                                                : "--plan");
    }
    return TPCTL_OK;
}

int
tpctl_keys_create(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    struct tpctl_create a = { .name = NULL };
    const char *vplans[TP_APIKEY_MAX_PLANS], *why;
    char gen[TP_APIKEY_GEN_LEN + 1], err[2048];
    struct tpctl_key_view view;
    struct tp_key_full k;
    int rc;

    rc = tpctl_create_args(cmd, argc, argv, &a);
    if (rc != TPCTL_OK || (rc = tpctl_load(c)) != TPCTL_OK) {
        return rc;
    }
    memset(&k, 0, sizeof(k));
    if (strlen(a.name) > TP_APIKEY_NAME_MAX) {
        return tpctl_fail("an API key name has 1 to %d characters",
            TP_APIKEY_NAME_MAX);
    }
    snprintf(k.name, sizeof(k.name), "%s", a.name);
    if (tpctl_key_plans(c, a.plans, a.nplans, &k, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s", err);
    }
    if (a.value == NULL) {
        if (tp_apikey_random_value(gen) != TP_OK) {
            return tpctl_fail("no random numbers for a key value");
        }
        a.value = gen;
    }
    why = tp_apikey_value_error(a.value, strlen(a.value));
    if (why != NULL) {
        return tpctl_fail("%s", why);
    }
    tp_apikey_hash(a.value, strlen(a.value), k.hash);
    if (tpctl_key_new(c, &k, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s", err);
    }
    k.info.enabled = !a.disabled;
    k.created = k.updated = (int64_t) time(NULL);
    if (tpctl_state(c, TPCTL_WRITE) != TP_OK) {
        return TPCTL_FAIL;
    }
    if (tpctl_create_key(c, &k, err, sizeof(err)) != TP_OK) {
        return tpctl_fail("%s", err);
    }
    tpctl_view_state(&view, &k, vplans);
    view.value = a.value;            /* shown this once */
    view.source = NULL;
    tpctl_json_key(stdout, &view);
    putchar('\n');
    return TPCTL_OK;
}

/* keys enable|disable|delete NAME. */
int
tpctl_keys_enable(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    const char *verb = strchr(cmd->words, ' ') + 1, *name;
    const char *plans[TP_APIKEY_MAX_PLANS];
    const struct tp_conf_key *ck;
    struct tpctl_key_view view;
    struct tp_key_full k;
    char err[2048];
    int rc;

    if (argc > 0 && strcmp(argv[0], "--") == 0) {    /* a name like "-x" */
        argc--;
        argv++;
    } else if (argc > 0 && argv[0][0] == '-') {
        return tpctl_bad_arg(cmd, argv[0]);
    }
    if (argc != 1) {
        return argc == 0 ? tpctl_usage(cmd, "the key's NAME is missing")
                         : tpctl_bad_arg(cmd, argv[1]);
    }
    name = argv[0];
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    ck = tpctl_conf_key(c, name);
    if (ck != NULL) {
        return tpctl_fail("API key \"%s\" is defined in %s:%d; change it "
            "there", name, ck->src.file, ck->src.line);
    }
    rc = tpctl_state(c, TPCTL_EXISTING);
    if (rc == TP_DECLINED) {
        return tpctl_fail("no API key named \"%s\"", name);
    }
    if (rc != TP_OK) {
        return TPCTL_FAIL;
    }
    if (strcmp(verb, "delete") == 0) {
        rc = tp_state_key_delete(c->st, name, err, sizeof(err));
        return rc == TP_OK ? TPCTL_OK : tpctl_fail("%s", err);
    }
    if (tp_state_key_set_enabled(c->st, name, strcmp(verb, "enable") == 0,
            err, sizeof(err)) != TP_OK
        || tp_state_key_get(c->st, name, &k, err, sizeof(err)) != TP_OK)
    {
        return tpctl_fail("%s", err);
    }
    tpctl_view_state(&view, &k, plans);
    tpctl_json_key(stdout, &view);
    putchar('\n');
    return TPCTL_OK;
}

/*
 * tpctl_list.c: turnpikectl keys list: the config file's keys and the
 * state database's, merged in name order, one JSON item per line.  Values
 * are never shown (only their hashes are stored).
 */
#include "tpctl.h"

struct tpctl_list {
    struct tpctl *c;
    unsigned next;                   /* next config key (c->keys order) */
    unsigned n;                      /* items printed */
};

static void
tpctl_list_item(struct tpctl_list *l, const struct tpctl_key_view *v)
{
    fputs(l->n++ == 0 ? "\n" : ",\n", stdout);
    tpctl_json_key(stdout, v);
}

/* The config keys that sort before <name> (all of them for NULL). */
static void
tpctl_list_conf(struct tpctl_list *l, const char *name)
{
    struct tpctl_key_view v;

    while (l->next < l->c->m->nkeys && (name == NULL
        || strcmp(l->c->keys[l->next]->name, name) <= 0))
    {
        tpctl_view_conf(&v, l->c->keys[l->next++]);
        tpctl_list_item(l, &v);
    }
}

static int
tpctl_list_state(const struct tp_key_full *k, void *arg)
{
    const char *plans[TP_APIKEY_MAX_PLANS];
    struct tpctl_key_view v;

    tpctl_list_conf(arg, k->name);
    tpctl_view_state(&v, k, plans);
    tpctl_list_item(arg, &v);
    return 0;
}

int
tpctl_keys_list(struct tpctl *c, const struct tpctl_cmd *cmd, int argc,
    char **argv)
{
    struct tpctl_list l = { c, 0, 0 };
    int rc;

    if (argc > 0) {
        return tpctl_bad_arg(cmd, argv[0]);
    }
    if (tpctl_load(c) != TPCTL_OK) {
        return TPCTL_FAIL;
    }
    rc = tpctl_state(c, TPCTL_READ);
    if (rc == TP_ERROR) {
        return TPCTL_FAIL;
    }
    fputs("{\"items\":[", stdout);
    if (rc == TP_OK && tp_state_key_each(c->st, tpctl_list_state, &l)
        != TP_OK)
    {
        return tpctl_fail("%s: cannot read the API keys",
            c->m->server.data_dir);
    }
    tpctl_list_conf(&l, NULL);
    fputs(l.n > 0 ? "\n]}\n" : "]}\n", stdout);
    return TPCTL_OK;
}

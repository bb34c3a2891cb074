/*
 * tpctl_json.c: turnpikectl's JSON output: escaped strings, ISO 8601
 * times, and API keys in the shape of API Gateway's ApiKey.
 */
#include "tpctl.h"

#include <time.h>

void
tpctl_json_str(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *) s;

    putc_unlocked('"', f);
    for (; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            putc_unlocked('\\', f);
            putc_unlocked(*p, f);
        } else if (*p < 0x20 || *p == 0x7f) {
            fputs("\\u00", f);
            putc_unlocked(hex[*p >> 4], f);
            putc_unlocked(hex[*p & 15], f);
        } else {
            putc_unlocked(*p, f);
        }
    }
    putc_unlocked('"', f);
}

void
tpctl_json_time(FILE *f, int64_t t)
{
    char buf[32];
    time_t tt = (time_t) t;
    struct tm tm;

    if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
        fputs("null", f);
        return;
    }
    strftime(buf, sizeof(buf), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
    fputs(buf, f);
}

void
tpctl_json_key(FILE *f, const struct tpctl_key_view *v)
{
    unsigned i;

    fputs("{\"id\":", f);
    tpctl_json_str(f, v->id);
    fputs(",\"name\":", f);
    tpctl_json_str(f, v->name);
    if (v->value != NULL) {
        fputs(",\"value\":", f);
        tpctl_json_str(f, v->value);
    }
    fprintf(f, ",\"enabled\":%s,\"createdDate\":",
        v->enabled ? "true" : "false");
    tpctl_json_time(f, v->created);
    fputs(",\"lastUpdatedDate\":", f);
    tpctl_json_time(f, v->updated);
    fputs(",\"usagePlanIds\":[", f);
    for (i = 0; i < v->nplans; i++) {
        if (i > 0) {
            putc_unlocked(',', f);
        }
        tpctl_json_str(f, v->plans[i]);
    }
    putc_unlocked(']', f);
    if (v->source != NULL) {
        fputs(",\"source\":", f);
        tpctl_json_str(f, v->source);
    }
    putc_unlocked('}', f);
}

void
tpctl_view_state(struct tpctl_key_view *v, const struct tp_key_full *k,
    const char **plans)
{
    unsigned i;

    for (i = 0; i < k->info.nplans; i++) {
        plans[i] = k->plan_names[i];
    }
    *v = (struct tpctl_key_view) { k->info.id, k->name, NULL,
        k->info.enabled, k->created, k->updated, plans, k->info.nplans,
        "turnpikectl" };
}

void
tpctl_view_conf(struct tpctl_key_view *v, const struct tp_conf_key *k)
{
    *v = (struct tpctl_key_view) { k->info.id, k->name, NULL,
        k->info.enabled, 0, 0, k->plan_names, k->info.nplans, "config" };
}

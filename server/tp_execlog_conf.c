/*
 * tp_execlog_conf.c: a stage's execution_log group.  Its file joins the
 * model's log files (tp_logfile.c).  Master only.
 */
#include "tp_execlog_conf.h"
#include "tp_logfile.h"

struct xlog_build {
    const char *path;
    const char *level;
    bool data_trace;
};

static const struct tp_conf_field xlog_fields[] = {
    { "path", TP_CT_PATH, offsetof(struct xlog_build, path), 0, 0, NULL },
    { "level", TP_CT_STR, offsetof(struct xlog_build, level), 0, 0, NULL },
    { "data_trace", TP_CT_BOOL, offsetof(struct xlog_build, data_trace),
        0, 0, NULL },
};

static const char *const level_names[] = { "OFF", "ERROR", "INFO" };

int
tp_execlog_conf(struct tp_conf_ctx *c, const config_setting_t *g,
    struct tp_stage *st)
{
    struct xlog_build b = { NULL, "ERROR", false };
    struct tp_exec_log *xl;
    unsigned level;

    if (tp_conf_apply(c, g, xlog_fields, TP_NELEM(xlog_fields), &b)
        != TP_OK)
    {
        return TP_ERROR;
    }
    for (level = 0; level < TP_NELEM(level_names); level++) {
        if (strcmp(b.level, level_names[level]) == 0) {
            break;
        }
    }
    if (level == TP_NELEM(level_names)) {
        return tp_conf_error(c, config_setting_get_member(g, "level"),
            "execution_log 'level' must be \"OFF\", \"ERROR\" or \"INFO\", "
            "not \"%s\"", b.level);
    }
    if (level == TP_XLOG_OFF) {
        return TP_OK;                /* no lines, no file */
    }
    if (b.path == NULL || b.path[strlen(b.path) - 1] == '/') {
        return tp_conf_error(c, g, "execution_log needs 'path' = \"FILE\"");
    }
    xl = tp_arena_calloc(c->a, sizeof(*xl));
    if (xl == NULL) {
        return tp_conf_error(c, g, "out of memory");
    }
    xl->file.path = b.path;
    xl->file.what = "execution log";
    xl->file.src = tp_conf_src(c, config_setting_get_member(g, "path"));
    xl->level = (uint8_t) level;
    xl->data_trace = b.data_trace;
    st->exec_log = xl;
    tp_logfile_add(c->m, &xl->file);
    return TP_OK;
}

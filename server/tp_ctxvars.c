/*
 * tp_ctxvars.c: the $context variable name table.  Pure; all processes.
 */
#include "tp_ctxvars.h"

static const char *const ctxvar_names[TP_CTX__COUNT] = {
#define X(id, name) name,
#include "tp_ctxvars.def"
#undef X
};

int
tp_ctxvar_id(const char *name, size_t len)
{
    int i;

    /* Linear: called while compiling formats, not per request. */
    for (i = 0; i < TP_CTX__COUNT; i++) {
        if (strlen(ctxvar_names[i]) == len
            && memcmp(ctxvar_names[i], name, len) == 0)
        {
            return i;
        }
    }
    return -1;
}

const char *
tp_ctxvar_name(enum tp_ctxvar id)
{
    return (unsigned) id < TP_CTX__COUNT ? ctxvar_names[id] : "?";
}

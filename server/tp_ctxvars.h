/*
 * tp_ctxvars.h: $context variable names <-> ids.  Pure; the master
 * compiles names to ids (access-log formats, templates), workers resolve
 * ids to values (workers/tp_context.c).
 */
#ifndef TP_CTXVARS_H
#define TP_CTXVARS_H

#include "tp_core.h"

enum tp_ctxvar {
#define X(id, name) TP_CTX_##id,
#include "tp_ctxvars.def"
#undef X
    TP_CTX__COUNT
};

/* The id of "<name>" (without "$context."), or -1 when unknown. */
int tp_ctxvar_id(const char *name, size_t len);

const char *tp_ctxvar_name(enum tp_ctxvar id);

#endif /* TP_CTXVARS_H */

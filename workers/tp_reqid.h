/*
 * tp_reqid.h: request ids (x-amzn-RequestId UUIDs and the short
 * apigw-requestid form).  Workers only; per-worker PRNG, no system call.
 */
#ifndef TP_REQID_H
#define TP_REQID_H

#include "tp_core.h"

struct tp_worker;

/* Seeds the worker's generator from getrandom(). */
void tp_reqid_seed(struct tp_worker *w);

/* Writes a version-4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") + NUL. */
void tp_reqid_new(struct tp_worker *w, char out[37]);

/*
 * Both forms at once: the UUID in <uuid> and the 16-character HTTP API id
 * in <short_id>, equal to tp_reqid_short(<uuid>), without re-reading it.
 */
void tp_reqid_pair(struct tp_worker *w, char uuid[37], char short_id[17]);

/* Derives the 16-character HTTP API id ("Mc7UVioPPHcEKPA=") from <uuid>. */
void tp_reqid_short(const char *uuid, char out[17]);

/* True when <s> is a well-formed UUID (a client-supplied request id). */
bool tp_reqid_valid(const char *s, size_t len);

#endif /* TP_REQID_H */

/*
 * tp_client_int.h: client-connection internals shared by tp_client.c and
 * tp_body.c.  Workers only.
 */
#ifndef TP_CLIENT_INT_H
#define TP_CLIENT_INT_H

#include "tp_request.h"

/* Arms the connection's one timer <ms> from now; 0 disarms it. */
void tp_client_timer(struct tp_client *c, uint32_t ms);

/* Releases everything of <c> (the request's on_abort runs first). */
void tp_client_free(struct tp_client *c);

#endif /* TP_CLIENT_INT_H */

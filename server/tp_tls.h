/*
 * tp_tls.h: OpenSSL contexts.  Server contexts (listeners, custom domains)
 * and client contexts (https backends) are built by the master while loading
 * the config, so -t checks certificates and keys and a reload picks up new
 * ones; workers use them after fork.
 */
#ifndef TP_TLS_H
#define TP_TLS_H

#include "tp_core.h"
#include "tp_arena.h"
#include "tp_model.h"

/* Builds t->ctx from t->certificate/t->key/t->policy; freed with <a>. */
int tp_tls_server_ctx(struct tp_arena *a, struct tp_tls_conf *t, char *err,
    size_t errlen);

/* Builds b->ssl_ctx (peer verification against b->tls_ca or the system). */
int tp_tls_client_ctx(struct tp_arena *a, struct tp_backend *b, char *err,
    size_t errlen);

/* Points every listener's SNI hook at <m>'s custom domains. */
void tp_tls_bind_model(struct tp_model *m);

/* Library versions for -v. */
const char *tp_tls_version(void);

#endif /* TP_TLS_H */

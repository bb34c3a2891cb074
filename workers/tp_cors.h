/*
 * tp_cors.h: HTTP API CORS (corsConfiguration): the gateway answers
 * preflight requests itself and adds the CORS headers to the responses of
 * allowed origins.  Workers only.
 */
#ifndef TP_CORS_H
#define TP_CORS_H

#include "tp_request.h"

/* Pipeline phase: answers an OPTIONS preflight of a CORS-enabled API. */
int tp_phase_cors(struct tp_request *r);

/* Appends Access-Control-Allow-Origin etc. when the request's Origin is
 * allowed (response of an actual request). */
int tp_cors_headers(struct tp_request *r, char *out, size_t cap,
    size_t *len);

#endif /* TP_CORS_H */

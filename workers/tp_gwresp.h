/*
 * tp_gwresp.h: API Gateway's gateway responses (errors the gateway itself
 * produces), with AWS's status codes, x-amzn-ErrorType values and default
 * messages (../shared/reference/errors.md).  Workers only.
 */
#ifndef TP_GWRESP_H
#define TP_GWRESP_H

#include "tp_core.h"

enum tp_gw {
    TP_GW_MISSING_AUTHENTICATION_TOKEN = 0,
    TP_GW_REQUEST_TOO_LARGE,
    TP_GW_INTEGRATION_FAILURE,
    TP_GW_INTEGRATION_TIMEOUT,
    TP_GW_API_CONFIGURATION_ERROR,
    TP_GW_NOT_FOUND,                 /* HTTP APIs / no API at all */
    TP_GW_INTERNAL,                  /* generic 500 */
    TP_GW_BAD_REQUEST,               /* malformed HTTP (status varies) */
    TP_GW__COUNT
};

struct tp_gwresp {
    const char *type;                /* AWS response type name */
    int status;
    const char *error_type;          /* x-amzn-ErrorType */
    const char *message;             /* REST default message */
    int http_status;                 /* HTTP APIs (not customizable) */
    const char *http_message;
};

const struct tp_gwresp *tp_gwresp_get(enum tp_gw type);

/* Reason phrase for <status> ("Unknown" when not in the table). */
const char *tp_http_reason(int status);

#endif /* TP_GWRESP_H */

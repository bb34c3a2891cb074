/*
 * tp_gwresp.h: API Gateway's gateway responses (errors the gateway itself
 * produces), with AWS's status codes, x-amzn-ErrorType values and default
 * messages (../shared/reference/errors.md).  The table is read by the
 * config loader (names of customisable types) and by workers (answers).
 */
#ifndef TP_GWRESP_H
#define TP_GWRESP_H

#include "tp_core.h"

/* Every response type AWS accepts, then turnpike's internal ones. */
enum tp_gw {
    TP_GW_ACCESS_DENIED = 0,
    TP_GW_API_CONFIGURATION_ERROR,
    TP_GW_AUTHORIZER_CONFIGURATION_ERROR,
    TP_GW_AUTHORIZER_FAILURE,
    TP_GW_BAD_REQUEST_PARAMETERS,
    TP_GW_BAD_REQUEST_BODY,
    TP_GW_DEFAULT_4XX,
    TP_GW_DEFAULT_5XX,
    TP_GW_EXPIRED_TOKEN,
    TP_GW_INTEGRATION_FAILURE,
    TP_GW_INTEGRATION_TIMEOUT,
    TP_GW_INVALID_API_KEY,
    TP_GW_INVALID_SIGNATURE,
    TP_GW_MISSING_AUTHENTICATION_TOKEN,
    TP_GW_QUOTA_EXCEEDED,
    TP_GW_REQUEST_TOO_LARGE,
    TP_GW_RESOURCE_NOT_FOUND,
    TP_GW_THROTTLED,
    TP_GW_UNAUTHORIZED,
    TP_GW_UNSUPPORTED_MEDIA_TYPE,
    TP_GW_WAF_FILTERED,
    TP_GW__AWS_COUNT,                /* the customisable types end here */
    TP_GW_NOT_FOUND = TP_GW__AWS_COUNT,  /* no API / HTTP API route miss */
    TP_GW_FORBIDDEN,                 /* custom domain without a mapping */
    TP_GW_INTERNAL,                  /* generic 500 */
    TP_GW__COUNT
};

struct tp_gwresp {
    const char *type;                /* AWS response type name */
    int status;                      /* REST default status */
    const char *error_type;          /* x-amzn-ErrorType */
    const char *message;             /* REST default message */
    int http_status;                 /* HTTP APIs (not customizable) */
    const char *http_message;
};

const struct tp_gwresp *tp_gwresp_get(enum tp_gw type);

/* The type named <name> ("DEFAULT_4XX" ...), or -1. */
int tp_gwresp_from_name(const char *name);

/* Reason phrase for <status> ("Unknown" when not in the table). */
const char *tp_http_reason(int status);

#endif /* TP_GWRESP_H */

/*
 * tp_lambda_arn.h: Lambda function names and ARNs (lambda.md 7): the
 * Invoke API's FunctionName (a name, "name:alias", a partial ARN
 * "123456789012:function:name" or a full ARN) and integration URIs that
 * name a remote function (a Lambda ARN, or API Gateway's
 * "arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/
 * invocations").  Pure: no allocation, the parts point into the input.
 */
#ifndef TP_LAMBDA_ARN_H
#define TP_LAMBDA_ARN_H

#include "tp_core.h"

#define TP_LAMBDA_NAME_MAX 64        /* a bare function name */
#define TP_LAMBDA_REF_MAX  170       /* FunctionName as a whole */

struct tp_lambda_ref {
    struct tp_str region;            /* empty when not given */
    struct tp_str account;           /* empty when not given */
    struct tp_str name;
    struct tp_str qualifier;         /* version or alias; empty: none */
};

/* FunctionName in any of its forms.  TP_ERROR when it is none. */
int tp_lambda_name_parse(const char *s, size_t len,
    struct tp_lambda_ref *out);

/*
 * An integration uri: TP_OK with a full ARN's parts (region, account and
 * name always set), TP_DECLINED when <uri> does not name a Lambda
 * function at all (an http(s) URL), TP_ERROR when it tries and is
 * malformed.
 */
int tp_lambda_uri_parse(const char *uri, struct tp_lambda_ref *out);

#endif /* TP_LAMBDA_ARN_H */

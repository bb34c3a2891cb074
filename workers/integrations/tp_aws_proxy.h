/*
 * tp_aws_proxy.h: AWS_PROXY (Lambda proxy) integrations.  Workers only.
 */
#ifndef TP_AWS_PROXY_H
#define TP_AWS_PROXY_H

#include "tp_request.h"

/* Invokes the route's function with the request as a proxy event and
 * answers with what it returns.  Ends the request. */
void tp_aws_proxy_start(struct tp_request *r);

#endif /* TP_AWS_PROXY_H */

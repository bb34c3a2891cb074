/*
 * tp_auth.h: what the authorize phase's checks share (tp_phase_auth.c,
 * tp_auth_*.c).  Workers only.
 *
 * Each route authorization type decides the identity side (IAM identity
 * policies, a verified token ...) and then hands its result to
 * tp_auth_finish(), which adds the API's resource policy (auth.md 7) and
 * either lets the request go on or answers it.
 */
#ifndef TP_AUTH_H
#define TP_AUTH_H

#include "tp_policy.h"
#include "tp_request.h"

/*
 * The method ARN of <r> (auth.md 2.3): arn:aws:execute-api:REGION:
 * ACCOUNT:API-ID/STAGE/METHOD/PATH, the path as requested without its
 * leading '/'.  In the request's arena; NULL when out of memory.
 */
const char *tp_auth_method_arn(struct tp_request *r);

/* Condition keys of <r> for tp_policy_req.key (ctx = the request). */
const char *tp_auth_condition_key(void *ctx, const char *name, size_t len);

/*
 * The identity side said <identity> (TP_POLICY_ALLOW for a verified
 * token); combines it with the API's resource policy per auth.md 7.
 * Answers 403 and returns TP_PHASE_DONE when denied, else
 * TP_PHASE_CONTINUE.
 */
int tp_auth_finish(struct tp_request *r, enum tp_policy_effect identity,
    bool cross_account);

/*
 * JWT (HTTP APIs) and COGNITO_USER_POOLS (REST APIs) routes: the token of
 * the route's authorizer (tp_auth_jwt.c).  TP_PHASE_DONE when it answered
 * or waits for the authorizer's keys (then it resumes the pipeline).
 */
int tp_auth_jwt(struct tp_request *r);

/*
 * CUSTOM routes (tp_auth_lambda.c): the route's Lambda authorizer, its
 * result cache or its function.  TP_PHASE_DONE when it answered or waits
 * for the function (then it resumes the pipeline).
 */
int tp_auth_lambda(struct tp_request *r);

/*
 * AWS_IAM (tp_auth_iam.c): verifies the request's SigV4 signature,
 * evaluates the principal's identity policies and finishes with
 * tp_auth_finish().  A phase result; may wait for the body.
 */
int tp_auth_iam(struct tp_request *r);

/*
 * May the request's IAM principal (none: false) perform <action>
 * ("execute-api:InvalidateCache") on its method ARN, by its identity
 * policies and the API's resource policy?
 */
bool tp_auth_iam_may(struct tp_request *r, const char *action);

#endif /* TP_AUTH_H */

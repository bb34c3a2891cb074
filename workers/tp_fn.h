/*
 * tp_fn.h: invoking a function from a worker (issue 7).  The AWS_PROXY
 * integration, Lambda authorizers and the Invoke API hand a payload to
 * a function and get its answer back through a callback; whether the
 * function runs in the local function host (a child of the master,
 * reached over a Unix socket) or is a remote Lambda (the Invoke API over
 * HTTPS with SigV4) is hidden behind this interface.  Workers only.
 */
#ifndef TP_FN_H
#define TP_FN_H

#include "tp_core.h"

struct tp_worker;

enum tp_fn_status {
    TP_FN_OK = 0,                    /* the function answered: payload is
                                        its response */
    TP_FN_ERROR,                     /* it reported an error (the Invoke
                                        API's X-Amz-Function-Error):
                                        payload is the error document */
    TP_FN_TIMEOUT,                   /* ran past its timeout */
    TP_FN_THROTTLED,                 /* concurrency limit reached and the
                                        wait for an instance ran out */
    TP_FN_CRASHED,                   /* the instance exited or failed to
                                        initialise */
    TP_FN_UNAVAILABLE                /* no such function, or the host /
                                        remote endpoint cannot be reached */
};

struct tp_fn_result {
    enum tp_fn_status status;
    const char *error_type;          /* "Unhandled", "Function.TimedOut",
                                        ...; NULL when none */
    struct tp_str payload;           /* valid during the callback only */
    uint32_t duration_ms;            /* the invocation inside the host */
    bool cold;                       /* an instance was started for it */
};

typedef void (*tp_fn_done)(void *ctx, const struct tp_fn_result *res);

struct tp_fn_call;                   /* one invocation in flight */

/*
 * Invokes <function> (a name from the config's functions) with <payload>
 * (copied before the return).  <done> runs later from the event loop,
 * exactly once, unless the call is cancelled first.  <event>: the
 * Invoke API's InvocationType=Event (queued, answered at once with an
 * empty TP_FN_OK).  NULL when the call cannot even be queued (then
 * nothing runs).
 */
struct tp_fn_call *tp_fn_invoke(struct tp_worker *w, const char *function,
    struct tp_str payload, const char *request_id, bool event,
    tp_fn_done done, void *ctx);

/*
 * tp_fn_invoke() with the Invoke API's client context: <client_ctx> is
 * X-Amz-Client-Context decoded, JSON text on one line of at most
 * TP_FNPROTO_MAX_CTX (2687) bytes, which the function's runtime gets as
 * Lambda-Runtime-Client-Context; len 0: none.
 */
struct tp_fn_call *tp_fn_invoke_ctx(struct tp_worker *w,
    const char *function, struct tp_str payload, const char *request_id,
    bool event, struct tp_str client_ctx, tp_fn_done done, void *ctx);

/* The caller is going away: <done> will not run for <call>. */
void tp_fn_cancel(struct tp_fn_call *call);

#endif /* TP_FN_H */

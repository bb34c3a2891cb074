/*
 * tp_cors.c: the CORS engine of HTTP APIs (http-api.md section 5).
 * Workers only.
 */
#include "tp_cors.h"
#include "tp_hdr.h"
#include "tp_mapping.h"
#include "tp_pipeline.h"
#include "tp_respond.h"

#include <stdio.h>
#include <strings.h>

/* The Access-Control-Allow-Origin value for <origin>, or NULL. */
static bool
cors_origin(const struct tp_cors *cors, struct tp_str origin,
    struct tp_str *out)
{
    unsigned i;

    for (i = 0; i < cors->norigins; i++) {
        const char *o = cors->origins[i];

        if (strcmp(o, "*") == 0) {
            /* With credentials the browser needs the origin itself. */
            *out = cors->credentials ? origin : TP_STR("*");
            return true;
        }
        if (strlen(o) == origin.len && strncasecmp(o, origin.p,
                origin.len) == 0)
        {
            *out = origin;
            return true;
        }
    }
    return false;
}

static int
cors_put(char *out, size_t cap, size_t *len, const char *name,
    struct tp_str v)
{
    size_t n = strlen(name);

    if (n + v.len + 4 > cap - *len) {
        return TP_ERROR;
    }
    memcpy(out + *len, name, n);
    memcpy(out + *len + n, ": ", 2);
    memcpy(out + *len + n + 2, v.p, v.len);
    memcpy(out + *len + n + 2 + v.len, "\r\n", 2);
    *len += n + v.len + 4;
    return TP_OK;
}

static struct tp_str
cors_s(const char *s)
{
    return (struct tp_str) { s, strlen(s) };
}

int
tp_cors_headers(struct tp_request *r, char *out, size_t cap, size_t *len)
{
    const struct tp_cors *cors = r->api->cors;
    struct tp_str origin, allow;
    int rc = TP_OK;

    if (!tp_req_header_get(r, "origin", false, &origin)
        || !cors_origin(cors, origin, &allow))
    {
        return TP_OK;
    }
    rc |= cors_put(out, cap, len, "Access-Control-Allow-Origin", allow);
    if (cors->credentials) {
        rc |= cors_put(out, cap, len, "Access-Control-Allow-Credentials",
            TP_STR("true"));
    }
    if (cors->expose != NULL) {
        rc |= cors_put(out, cap, len, "Access-Control-Expose-Headers",
            cors_s(cors->expose));
    }
    return rc == TP_OK ? TP_OK : TP_ERROR;
}

int
tp_phase_cors(struct tp_request *r)
{
    const struct tp_cors *cors = r->api->cors;
    struct tp_hdr_out h[4];
    struct tp_str origin, method, allow;
    char age[24];
    unsigned n = 0;

    if (cors == NULL || r->msg.method != TP_HTTP_OPTIONS
        || !tp_req_header_get(r, "origin", false, &origin)
        || !tp_req_header_get(r, "access-control-request-method", false,
            &method))
    {
        return TP_PHASE_CONTINUE;    /* not a preflight */
    }
    /* The origin check's headers come from tp_cors_headers (common
     * headers); the preflight adds methods, headers and max age. */
    if (cors_origin(cors, origin, &allow)) {
        if (cors->methods != NULL) {
            h[n++] = (struct tp_hdr_out) {
                TP_STR("Access-Control-Allow-Methods"), cors_s(cors->methods) };
        }
        if (cors->headers != NULL) {
            h[n++] = (struct tp_hdr_out) {
                TP_STR("Access-Control-Allow-Headers"), cors_s(cors->headers) };
        }
        if (cors->max_age >= 0) {
            h[n++] = (struct tp_hdr_out) { TP_STR("Access-Control-Max-Age"),
                { age, (size_t) (tp_fmt_u64(age, (uint64_t) cors->max_age)
                    - age) } };
        }
    }
    tp_respond_send(r, 204, TP_STR("text/plain"), h, n, TP_STR(""), NULL);
    return TP_PHASE_DONE;
}

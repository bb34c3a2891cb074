/*
 * tp_mock.c: MOCK integrations (rest-api.md section 3).  Workers only.
 */
#include "tp_mock.h"
#include "tp_integ.h"
#include "tp_respond.h"
#include "tp_time.h"

static void
mock_run(struct tp_request *r)
{
    struct tp_resp_view none = { NULL, NULL, TP_STR(""), NULL };
    struct tp_str body, ctype;
    int rc;

    rc = tp_body_collect(r);
    if (rc == TP_AGAIN) {
        return;                      /* mock_on_input continues */
    }
    r->on_input = NULL;
    if (rc != TP_OK) {
        tp_respond_status(r, rc);
        return;
    }
    rc = tp_integ_request_body(r, &body, &ctype);
    if (rc == 415) {
        tp_respond_gw(r, TP_GW_UNSUPPORTED_MEDIA_TYPE, NULL);
        return;
    }
    if (rc != TP_OK) {
        tp_respond_gw(r, TP_GW_API_CONFIGURATION_ERROR, NULL);
        return;
    }
    r->integ_start = r->integ_end = tp_clock.mono_us;
    r->integ_status = tp_integ_mock_status(body);
    tp_integ_respond(r, r->integ_status, &none);
}

static void
mock_on_input(struct tp_request *r)
{
    mock_run(r);
}

void
tp_mock_start(struct tp_request *r)
{
    r->on_input = mock_on_input;
    mock_run(r);
}

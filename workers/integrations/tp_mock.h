/*
 * tp_mock.h: the MOCK integration: no backend; the request template's
 * statusCode selects the integration response.  Workers only.
 */
#ifndef TP_MOCK_H
#define TP_MOCK_H

#include "tp_request.h"

void tp_mock_start(struct tp_request *r);

#endif /* TP_MOCK_H */

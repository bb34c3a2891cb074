/*
 * tp_test_mseries.h: a metrics series key (shm/tp_mstat.h) from plain
 * strings, for the unit tests of the metrics region and its readers.
 * The API name is the id; a non-empty resource makes a route series.
 */
#ifndef TP_TEST_MSERIES_H
#define TP_TEST_MSERIES_H

#include <stdio.h>
#include <string.h>

#include "tp_mstat.h"

static inline struct tp_mseries
tp_test_mseries(uint8_t kind, const char *api, const char *stage,
    const char *method, const char *res)
{
    struct tp_mseries k;

    memset(&k, 0, sizeof(k));
    k.kind = kind;
    k.route = res[0] != '\0';
    snprintf(k.api_id, sizeof(k.api_id), "%s", api);
    snprintf(k.api_name, sizeof(k.api_name), "%s", api);
    snprintf(k.stage, sizeof(k.stage), "%s", stage);
    snprintf(k.method, sizeof(k.method), "%s", method);
    snprintf(k.resource, sizeof(k.resource), "%s", res);
    return k;
}

#endif /* TP_TEST_MSERIES_H */

/*
 * tp_mprom.h: the metrics region as Prometheus text exposition format
 * 0.0.4, for the admin listener's /metrics.  Pure: a region and the time
 * in, text out (malloc'd: thousands of series make megabytes).
 *
 * Request series are labelled api (the API's id), stage, method (REST;
 * "" for HTTP APIs) and resource (REST: the resource path; HTTP APIs: the
 * route key, e.g. "GET /pets" or "$default"); a stage's requests that no
 * route took have method="" resource="", requests no API took api=""
 * stage="" too.  A request series appears once it counted a request.
 * Function series are labelled function and always appear.
 */
#ifndef TP_MPROM_H
#define TP_MPROM_H

#include "tp_mstat.h"

#define TP_MPROM_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* Writes <s> as a label value (without its quotes) to <out>, which has
 * room for 2 * strlen(s) bytes: backslash, quote and newline escaped.
 * Returns the length written. */
size_t tp_mprom_escape(char *out, const char *s);

/*
 * The whole exposition of <m> at real time <now_ms> (worker states) into
 * a malloc'd <*out> of <*len> bytes, to free().  TP_ERROR when out of
 * memory.
 */
int tp_mprom_render(const struct tp_mstat *m, uint64_t now_ms, char **out,
    size_t *len);

#endif /* TP_MPROM_H */

/*
 * tp_units.h: parsing of sizes ("10M") and similar config values.
 * Pure functions; used by the config loader (master) and unit tests.
 */
#ifndef TP_UNITS_H
#define TP_UNITS_H

#include "tp_core.h"

/*
 * Parses "<digits>[K|M|G]" (suffix case-insensitive, powers of 1024, an
 * optional trailing "B") into *<out>.  TP_ERROR on syntax or overflow.
 */
int tp_units_size(const char *s, uint64_t *out);

#endif /* TP_UNITS_H */

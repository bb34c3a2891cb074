/*
 * tp_cache_prepare.h: the master's response cache step of a start or a
 * reload.  Master only.
 */
#ifndef TP_CACHE_PREPARE_H
#define TP_CACHE_PREPARE_H

#include "tp_core.h"
#include "tp_model.h"

/* Opens and closes data_dir/cache when a stage uses it.  TP_ERROR +
 * <err>. */
int tp_cache_prepare(const struct tp_model *m, char *err, size_t errlen);

#endif /* TP_CACHE_PREPARE_H */

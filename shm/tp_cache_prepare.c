/*
 * tp_cache_prepare.c: the master's check of the response cache at a start
 * or a reload: when a stage uses the cache, data_dir/cache must open (it
 * is created if missing), so that a corrupt one is an error now rather
 * than every request bypassing the cache later.  The handle is closed
 * before fork(): LMDB handles must not cross one.
 */
#include "tp_cache.h"
#include "tp_cache_prepare.h"

#include <stdio.h>

int
tp_cache_prepare(const struct tp_model *m, char *err, size_t errlen)
{
    struct tp_cache *cache;
    char why[512];

    if (!m->server.cache_used) {
        return TP_OK;
    }
    if (tp_cache_open(&cache, m->server.data_dir, m->server.cache_size, why,
            sizeof(why)) != TP_OK)
    {
        snprintf(err, errlen, "response cache: %s", why);
        return TP_ERROR;
    }
    tp_cache_close(cache);
    return TP_OK;
}

/*
 * tp_cache_key.h: which requests use the response cache, and their keys.
 * Workers (and turnpikectl, for a stage's namespace).
 */
#ifndef TP_CACHE_KEY_H
#define TP_CACHE_KEY_H

#include "tp_cache_keymat.h"
#include "tp_request.h"

/* True when the request's stage caches its route and method: sets
 * r->cache.ttl_s. */
bool tp_cache_key_plan(struct tp_request *r);

/* Fills r->cache.key.  TP_ERROR: out of memory. */
int tp_cache_key_make(struct tp_request *r);


#endif /* TP_CACHE_KEY_H */

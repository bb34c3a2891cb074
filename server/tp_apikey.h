/*
 * tp_apikey.h: API key values and ids.  A key is known by the SHA-256 of
 * its value (the value itself is never stored or logged) and by a short
 * public id, as API Gateway's ApiKey.id.  All processes and turnpikectl.
 */
#ifndef TP_APIKEY_H
#define TP_APIKEY_H

#include "tp_core.h"

#define TP_APIKEY_HASH_LEN   32      /* SHA-256 */
#define TP_APIKEY_ID_LEN     10      /* [a-z0-9], like API Gateway's */
#define TP_APIKEY_VALUE_MIN  20      /* API Gateway's bounds */
#define TP_APIKEY_VALUE_MAX  128
#define TP_APIKEY_GEN_LEN    40      /* length of generated values */
#define TP_APIKEY_MAX_PLANS  10      /* usage plans per key (AWS) */
#define TP_APIKEY_NAME_MAX   1024
#define TP_PLAN_NAME_MAX     128     /* usage plan names */

/* What a request needs to know about a key: fixed size, no strings. */
struct tp_key_info {
    char id[TP_APIKEY_ID_LEN + 1];
    bool enabled;
    uint8_t nplans;
    uint64_t plans[TP_APIKEY_MAX_PLANS];     /* tp_plan_hash() of each */
};

/* NULL when <v> (length <len>) is a valid key value, else why not. */
const char *tp_apikey_value_error(const char *v, size_t len);

void tp_apikey_hash(const char *v, size_t len,
    uint8_t out[TP_APIKEY_HASH_LEN]);

/* The id of a key defined in the config file: derived from its name, so
 * it is the same on every start (quota counters are kept by id). */
void tp_apikey_id_from_name(const char *name, char out[TP_APIKEY_ID_LEN + 1]);

/* A random id / value (turnpikectl); TP_ERROR when no randomness. */
int tp_apikey_random_id(char out[TP_APIKEY_ID_LEN + 1]);
int tp_apikey_random_value(char out[TP_APIKEY_GEN_LEN + 1]);

#endif /* TP_APIKEY_H */

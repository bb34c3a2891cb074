/*
 * tp_apikey.c: key values, hashes and ids (OpenSSL for SHA-256 and the
 * random generator).
 */
#include "tp_apikey.h"
#include "tp_hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

static const char id_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
static const char value_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const char *
tp_apikey_value_error(const char *v, size_t len)
{
    size_t i;

    if (len < TP_APIKEY_VALUE_MIN) {
        return "an API key value needs at least 20 characters";
    }
    if (len > TP_APIKEY_VALUE_MAX) {
        return "an API key value has at most 128 characters";
    }
    for (i = 0; i < len; i++) {
        if (v[i] <= ' ' || v[i] > '~') {
            return "an API key value is printable ASCII without spaces";
        }
    }
    return NULL;
}

/*
 * Every request with a key hashes it.  OpenSSL 3's one-shot SHA256()
 * fetches the algorithm from the provider store and makes and frees a
 * context on each call, which costs more than hashing a key: so each
 * process fetches SHA-256 once and reuses one context.  These two statics
 * are a cache of OpenSSL objects, not state: every process is
 * single-threaded and uses what it inherits through fork() as its own.
 * Should OpenSSL fail, the one-shot call gives the same hash, and the
 * next call tries again.
 */
void
tp_apikey_hash(const char *v, size_t len, uint8_t out[TP_APIKEY_HASH_LEN])
{
    static EVP_MD *md;
    static EVP_MD_CTX *ctx;

    if (ctx == NULL) {
        md = md != NULL ? md : EVP_MD_fetch(NULL, "SHA256", NULL);
        ctx = md != NULL ? EVP_MD_CTX_new() : NULL;
    }
    if (ctx == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1
        || EVP_DigestUpdate(ctx, v, len) != 1
        || EVP_DigestFinal_ex(ctx, out, NULL) != 1)
    {
        SHA256((const unsigned char *) v, len, out);
    }
}

void
tp_apikey_id_from_name(const char *name, char out[TP_APIKEY_ID_LEN + 1])
{
    const char *s[2] = { "apikey", name };
    uint64_t h = tp_hash_strs(2, s);
    unsigned i;

    for (i = 0; i < TP_APIKEY_ID_LEN; i++) {
        out[i] = id_alphabet[h % 36];
        h /= 36;
    }
    out[TP_APIKEY_ID_LEN] = '\0';
}

/* <n> characters of <alphabet> (of length <k>), without modulo bias. */
static int
apikey_random(char *out, size_t n, const char *alphabet, unsigned k)
{
    unsigned char b[64];
    size_t got = 0, i;
    unsigned limit = 256 - 256 % k;

    while (got < n) {
        if (RAND_bytes(b, sizeof(b)) != 1) {
            return TP_ERROR;
        }
        for (i = 0; i < sizeof(b) && got < n; i++) {
            if (b[i] < limit) {
                out[got++] = alphabet[b[i] % k];
            }
        }
    }
    out[n] = '\0';
    return TP_OK;
}

int
tp_apikey_random_id(char out[TP_APIKEY_ID_LEN + 1])
{
    return apikey_random(out, TP_APIKEY_ID_LEN, id_alphabet, 36);
}

int
tp_apikey_random_value(char out[TP_APIKEY_GEN_LEN + 1])
{
    return apikey_random(out, TP_APIKEY_GEN_LEN, value_alphabet, 62);
}

/*
 * fuzz_tls_sni.c: libFuzzer target for tp_tls_sni_name(), which reads the
 * server_name extension body of every ClientHello a TLS listener gets, as
 * the client sent it, before OpenSSL has checked it.
 *
 * The input is the extension body.  Besides reading only its bytes (an
 * exact copy), a name found must lie inside the input, be non-empty, be
 * preceded by its entry header (type 0, its 2-byte length), in a list
 * whose length is the rest of the input; and the name alone, encoded
 * again as a one-entry list, must parse to the same bytes.
 *
 * Without TP_LIBFUZZER, main() (tp_fuzz.h) replays the corpus: make
 * fuzz-replay.
 */
#include "tp_tls.h"

#include "tp_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *n;
    const char *name, *again;
    size_t len, len2;
    unsigned char *ext;

    if (!tp_tls_sni_name(data, size, &name, &len)) {
        return 0;
    }
    n = (const unsigned char *) name;
    CHECK(size >= 5 && (((size_t) data[0] << 8) | data[1]) == size - 2);
    CHECK(len > 0 && n >= data + 5 && n + len <= data + size);
    CHECK(n[-3] == 0 && (((size_t) n[-2] << 8) | n[-1]) == len);
    ext = malloc(len + 5);
    CHECK(ext != NULL);
    ext[0] = (unsigned char) ((len + 3) >> 8);
    ext[1] = (unsigned char) (len + 3);
    ext[2] = 0;
    ext[3] = (unsigned char) (len >> 8);
    ext[4] = (unsigned char) len;
    memcpy(ext + 5, name, len);
    CHECK(tp_tls_sni_name(ext, len + 5, &again, &len2));
    CHECK(len2 == len && again == (const char *) ext + 5);
    free(ext);
    return 0;
}

/* redact.c — see redact.h. */
#include "redact.h"

#include <openssl/sha.h>

#include "digest.h"

void redact_fingerprint(const uint8_t *secret, size_t len, char out[REDACT_FP_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t md[SHA256_DIGEST_LENGTH];
    EVP_Digest(secret, len, md, NULL, digest_sha256(), NULL);
    for (int i = 0; i < REDACT_FP_HEX / 2; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[REDACT_FP_HEX] = 0;
}

struct json_object *redact_json(const char *kind, const uint8_t *secret, size_t len)
{
    char fp[REDACT_FP_HEX + 1];
    redact_fingerprint(secret, len, fp);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string(kind));
    json_object_object_add(o, "length", json_object_new_int64((int64_t)len));
    json_object_object_add(o, "sha256", json_object_new_string(fp));
    return o;
}

/* redact.h — the only form in which a secret (private key, seed phrase,
 * password, cookie, token) leaves its parser: its kind, its length and a
 * short SHA-256 fingerprint, enough to correlate sightings, never to recover
 * it. EVE builders accept secrets only through these functions. */
#ifndef WW_REDACT_H
#define WW_REDACT_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#define REDACT_FP_HEX 16 /* hex digits of SHA-256 kept: 64 bits */

/* Writes the first REDACT_FP_HEX hex digits of SHA-256(secret) and a NUL. */
void redact_fingerprint(const uint8_t *secret, size_t len, char out[REDACT_FP_HEX + 1]);
/* Returns {"kind": kind, "length": len, "sha256": "<fingerprint>"}. */
struct json_object *redact_json(const char *kind, const uint8_t *secret, size_t len);

#endif

/* digest.h — message digests fetched from OpenSSL once per process.
 * EVP_sha256() and friends make OpenSSL 3 look the algorithm up (under a
 * lock) on every use; per-flow and per-event hashing made that lookup a
 * measurable share of the packet path. */
#ifndef WW_DIGEST_H
#define WW_DIGEST_H

#include <openssl/evp.h>

const EVP_MD *digest_sha1(void);
const EVP_MD *digest_sha256(void);
const EVP_MD *digest_md5(void);

#endif

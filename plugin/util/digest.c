/* digest.c — see digest.h. The fetched methods live until exit. */
#include "digest.h"

static const EVP_MD *fetch(EVP_MD **slot, const char *name)
{
    if (!*slot)
        *slot = EVP_MD_fetch(NULL, name, NULL);
    return *slot;
}

const EVP_MD *digest_sha1(void)
{
    static EVP_MD *md;
    return fetch(&md, "SHA1");
}

const EVP_MD *digest_sha256(void)
{
    static EVP_MD *md;
    return fetch(&md, "SHA256");
}

const EVP_MD *digest_md5(void)
{
    static EVP_MD *md;
    return fetch(&md, "MD5");
}

/* x509-cert.c — see x509-cert.h. */
#include "x509-cert.h"

#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../util/digest.h"
#include "x509-der.h"

#define SHA1_LEN 20
#define KEY_LEN 32 /* SHA-256 */

/* ---- formatting ------------------------------------------------------------ */

static void hex_colon(const uint8_t *p, size_t n, bool upper, char *out, size_t outlen)
{
    const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 3 < outlen; i++) {
        if (i)
            out[o++] = ':';
        out[o++] = hex[p[i] >> 4];
        out[o++] = hex[p[i] & 0xf];
        out[o] = '\0';
    }
}

static void name_print(const X509_NAME *name, char *out, size_t outlen)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    /* "C=US, O=Example, CN=host": RDNs in certificate order, as Suricata writes them */
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
                                           ASN1_STRFLGS_UTF8_CONVERT) >= 0) {
        char *data = NULL;
        long n = BIO_get_mem_data(b, &data);
        if (n > 0 && data) {
            size_t len = (size_t)n < outlen - 1 ? (size_t)n : outlen - 1;
            memcpy(out, data, len);
            out[len] = '\0';
        }
    }
    BIO_free(b);
}

/* The decoders get the bytes up to `end` of the enclosing element, as
 * d2i_X509 gives them, and must stop exactly at the end of the field. */

static bool name_text(struct span name, const uint8_t *end, char *out, size_t outlen)
{
    const unsigned char *q = name.p;
    X509_NAME *n = d2i_X509_NAME(NULL, &q, (long)(end - name.p));
    bool ok = n && q == name.p + name.len;
    out[0] = '\0';
    if (ok)
        name_print(n, out, outlen);
    X509_NAME_free(n);
    return ok;
}

/* An unreadable date (ASN1_TIME_to_tm refuses it) is an empty string, not an error. */
static bool time_text(struct span t, const uint8_t *end, char *out, size_t outlen)
{
    const unsigned char *q = t.p;
    ASN1_TIME *at = d2i_ASN1_TIME(NULL, &q, (long)(end - t.p));
    bool ok = at && q == t.p + t.len;
    struct tm tm;
    out[0] = '\0';
    if (ok && ASN1_TIME_to_tm(at, &tm) == 1)
        strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
    ASN1_TIME_free(at);
    return ok;
}

static bool decode_text(const uint8_t *der, size_t len, struct x509_cert_text *out)
{
    struct x509_der_fields f;
    if (!x509_der_walk(der, len, &f))
        return false;
    const uint8_t *der_end = der + len;
    const uint8_t *validity_end = f.not_after.p + f.not_after.len;
    /* the serial as the octets of its INTEGER (a leading 00 stays), like Suricata */
    hex_colon(f.serial.p, f.serial.len, true, out->serial, sizeof(out->serial));
    return name_text(f.subject, der_end, out->subject, sizeof(out->subject)) &&
           name_text(f.issuer, der_end, out->issuer, sizeof(out->issuer)) &&
           time_text(f.not_before, validity_end, out->notbefore, sizeof(out->notbefore)) &&
           time_text(f.not_after, validity_end, out->notafter, sizeof(out->notafter));
}

/* ---- cache ----------------------------------------------------------------- */

/* Real traffic presents the same few server certificates again and again
 * (a site's certificate on every connection to it), and decoding and
 * printing the two Names is still most of the cost of a certificate, so
 * the text of the last certificates seen is kept (Zeek caches certificates
 * by fingerprint for the same reason). The key is the SHA-256 of the DER and
 * its length, not the SHA-1 fingerprint the event logs: SHA-1 chosen-prefix
 * collisions are within reach, and one must not make a second certificate
 * show the first one's subject to rules on tls.cert_subject.
 *
 * 128 sets of 2 entries, the least recently used one replaced: ~200 KiB,
 * one cache per process (libnids has one engine per process, so
 * --workers forks). Only certificates that decoded are kept, and only
 * when their five strings fit in an entry. */
#define CACHE_SETS 128
#define CACHE_WAYS 2
#define CACHE_TEXT_MAX 820 /* the six strings of struct x509_cert_text, NUL-separated */

struct cache_entry {
    uint8_t key[KEY_LEN];
    uint32_t der_len; /* 0: empty */
    char text[CACHE_TEXT_MAX];
};

struct cache_set {
    struct cache_entry way[CACHE_WAYS];
    uint8_t mru; /* the way used last */
};

static struct cache_set cache[CACHE_SETS];

struct text_field {
    size_t off, size;
};

/* The strings of an entry, in the order they are stored. */
static const struct text_field text_fields[] = {
    {offsetof(struct x509_cert_text, subject), sizeof(((struct x509_cert_text *)0)->subject)},
    {offsetof(struct x509_cert_text, issuer), sizeof(((struct x509_cert_text *)0)->issuer)},
    {offsetof(struct x509_cert_text, serial), sizeof(((struct x509_cert_text *)0)->serial)},
    {offsetof(struct x509_cert_text, notbefore), sizeof(((struct x509_cert_text *)0)->notbefore)},
    {offsetof(struct x509_cert_text, notafter), sizeof(((struct x509_cert_text *)0)->notafter)},
    {offsetof(struct x509_cert_text, fingerprint),
     sizeof(((struct x509_cert_text *)0)->fingerprint)},
};
#define NFIELDS (sizeof(text_fields) / sizeof(text_fields[0]))

static struct cache_set *cache_set_of(const uint8_t key[KEY_LEN])
{
    return &cache[key[0] % CACHE_SETS]; /* SHA-256 output: any octet is uniform */
}

static bool cache_get(const uint8_t key[KEY_LEN], size_t der_len, struct x509_cert_text *out)
{
    struct cache_set *s = cache_set_of(key);
    for (uint8_t w = 0; w < CACHE_WAYS; w++) {
        const struct cache_entry *e = &s->way[w];
        if (e->der_len != der_len || memcmp(e->key, key, KEY_LEN) != 0)
            continue;
        const char *src = e->text;
        for (size_t i = 0; i < NFIELDS; i++) {
            size_t n = strlen(src) + 1; /* fits: it was copied from this field */
            memcpy((char *)out + text_fields[i].off, src, n);
            src += n;
        }
        s->mru = w;
        return true;
    }
    return false;
}

static void cache_put(const uint8_t key[KEY_LEN], size_t der_len,
                      const struct x509_cert_text *t)
{
    char text[CACHE_TEXT_MAX];
    size_t used = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *src = (const char *)t + text_fields[i].off;
        size_t n = strnlen(src, text_fields[i].size - 1) + 1;
        if (n > sizeof(text) - used)
            return;
        memcpy(text + used, src, n);
        text[used + n - 1] = '\0';
        used += n;
    }
    struct cache_set *s = cache_set_of(key);
    uint8_t w = (uint8_t)((s->mru + 1) % CACHE_WAYS);
    struct cache_entry *e = &s->way[w];
    memcpy(e->key, key, KEY_LEN);
    e->der_len = (uint32_t)der_len;
    memcpy(e->text, text, used);
    s->mru = w;
}

/* The SHA-1 fingerprint as "aa:bb:...", or "" without a digest (never seen). */
static void fingerprint_text(const uint8_t *der, size_t len, struct x509_cert_text *out)
{
    uint8_t sha1[SHA1_LEN];
    unsigned int dlen = 0;
    out->fingerprint[0] = '\0';
    if (EVP_Digest(der, len, sha1, &dlen, digest_sha1(), NULL) && dlen == SHA1_LEN)
        hex_colon(sha1, SHA1_LEN, false, out->fingerprint, sizeof(out->fingerprint));
}

bool x509_cert_text(const uint8_t *der, size_t len, struct x509_cert_text *out)
{
    uint8_t key[KEY_LEN];
    unsigned int dlen = 0;
    /* without a digest (never seen) the fields still come, uncached */
    bool keyed = len <= UINT32_MAX && EVP_Digest(der, len, key, &dlen, digest_sha256(), NULL) &&
                 dlen == KEY_LEN;
    if (keyed && cache_get(key, len, out))
        return true;
    if (!decode_text(der, len, out))
        return false;
    fingerprint_text(der, len, out);
    if (keyed)
        cache_put(key, len, out);
    return true;
}

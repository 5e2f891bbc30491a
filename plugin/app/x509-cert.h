/* x509-cert.h — the text a `tls` event gives of a server certificate:
 * subject, issuer, serial, validity and SHA-1 fingerprint, written as
 * Suricata writes them. x509-der.c delimits the fields; OpenSSL decodes and
 * prints only the Names and Times; results are cached by the SHA-256 of the DER. */
#ifndef WW_X509_CERT_H
#define WW_X509_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X509_CERT_NAME_MAX 2048 /* subject / issuer text, longer ones are cut */

struct x509_cert_text {
    char subject[X509_CERT_NAME_MAX], issuer[X509_CERT_NAME_MAX]; /* "C=US, O=Example, CN=host" */
    char serial[3 * 64];        /* "0C:00:99", the first 63 octets */
    char fingerprint[3 * 20];   /* SHA-1 of the DER, "aa:bb:..." */
    char notbefore[20], notafter[20]; /* "2026-11-25T15:14:45", "" when unreadable */
};

/* Fills out from one DER certificate; false (out unspecified) when der is
 * not exactly one well-formed certificate. */
bool x509_cert_text(const uint8_t *der, size_t len, struct x509_cert_text *out);

#endif

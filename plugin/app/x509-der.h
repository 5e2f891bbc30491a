/* x509-der.h — a strict walk over one DER X.509 certificate (RFC 5280 §4.1)
 * that finds the spans of the TBSCertificate fields we log, without
 * decoding anything else (OpenSSL's d2i_X509 decodes the public key too,
 * which under OpenSSL 3 is by far the costliest part).
 *
 *   Certificate    ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                                 signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version INTEGER OPTIONAL,
 *                                 serialNumber INTEGER, signature AlgorithmIdentifier,
 *                                 issuer Name, validity SEQUENCE { notBefore Time, notAfter Time },
 *                                 subject Name, subjectPublicKeyInfo SEQUENCE { AlgorithmIdentifier,
 *                                 BIT STRING }, [1] IMPLICIT BIT STRING OPTIONAL,
 *                                 [2] IMPLICIT BIT STRING OPTIONAL,
 *                                 [3] EXPLICIT SEQUENCE OF Extension OPTIONAL }
 *   Extension      ::= SEQUENCE { OID, critical BOOLEAN OPTIONAL, OCTET STRING }
 *
 * Every element is checked as far as d2i_X509 checks it (tags, definite
 * lengths within their parent, no bytes left over in a SEQUENCE, INTEGERs
 * minimal, OBJECT IDENTIFIERs well-formed, BOOLEANs one byte, BIT STRINGs
 * with at most 7 unused bits), so input d2i_X509 refused is refused here.
 * The Names and Times are only delimited: the caller decodes them. */
#ifndef WW_X509_DER_H
#define WW_X509_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/rd.h"

struct x509_der_fields {
    struct span serial;     /* the serialNumber INTEGER's content bytes */
    struct span issuer;     /* whole Name TLVs */
    struct span subject;
    struct span not_before; /* whole Time TLVs (UTCTime or GeneralizedTime) */
    struct span not_after;
};

/* Returns true when der[0..len) is exactly one well-formed Certificate (the
 * outer SEQUENCE spans all of it), with out filled; false otherwise. Never
 * reads outside der[0..len). */
bool x509_der_walk(const uint8_t *der, size_t len, struct x509_der_fields *out);

#endif

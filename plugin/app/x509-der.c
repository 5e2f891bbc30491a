/* x509-der.c — see x509-der.h. X.690 §8.1 encodings: identifier octet,
 * definite length (short, or long form 0x8N followed by N octets), content.
 *
 * Where DER and OpenSSL's d2i_X509 part ways, d2i_X509 is followed, so that
 * the certificates OpenSSL accepted (and TLS clients built on it accept)
 * still give their fields: non-minimal long-form lengths and tag numbers;
 * tags compared by class and number, with the constructed bit checked only
 * where d2i_X509 checks it (SEQUENCEs and EXPLICIT tags constructed;
 * INTEGER, BOOLEAN, NULL and OBJECT IDENTIFIER primitive; SEQUENCE OF
 * either way); strings in BER constructed form. Refused although d2i_X509
 * takes them: indefinite lengths, and bytes after the certificate, which
 * OpenSSL's TLS client refuses too (SSL_R_CERT_LENGTH_MISMATCH). */
#include "x509-der.h"

#include <limits.h>

enum {
    TAG_BOOLEAN = 0x01,
    TAG_INTEGER = 0x02,
    TAG_BIT_STRING = 0x03,
    TAG_OCTET_STRING = 0x04,
    TAG_NULL = 0x05,
    TAG_OID = 0x06,
    TAG_ENUMERATED = 0x0a,
    TAG_UTCTIME = 0x17,
    TAG_GENERALIZEDTIME = 0x18,
    TAG_UNIVERSALSTRING = 0x1c,
    TAG_BMPSTRING = 0x1e,
    TAG_SEQUENCE = 0x30,
    TAG_SET = 0x31,
    TAG_VERSION = 0xa0,    /* [0] EXPLICIT */
    TAG_ISSUER_UID = 0x81, /* [1] IMPLICIT BIT STRING */
    TAG_SUBJECT_UID = 0x82,
    TAG_EXTENSIONS = 0xa3, /* [3] EXPLICIT */
};

#define TAG_CLASS_MASK 0xc0
#define TAG_CONSTRUCTED 0x20
#define TAG_NUMBER_MASK 0x1f /* all ones: a high tag number follows */
#define TAG_NUMBER_MAX (INT_MAX >> 7) /* before each base-128 step, as OpenSSL checks */
#define STRING_NEST_MAX 5    /* constructed strings within a constructed string (OpenSSL's limit) */

struct tlv {
    uint8_t tag;         /* class, constructed bit and tag number, the number capped at 31 */
    struct span whole;   /* identifier, length and content octets */
    struct span content;
};

/* The identifier octets (X.690 §8.1.2): a tag number of 31 or more follows
 * the first octet in base 128. d2i takes small numbers written that way
 * too, so they are brought back to one octet. */
static bool tag_read(struct rd *r, uint8_t *tag)
{
    uint8_t first = rd_u8(r);
    uint32_t number = first & TAG_NUMBER_MASK;
    if (number == TAG_NUMBER_MASK) {
        number = 0;
        uint8_t b;
        do {
            b = rd_u8(r);
            if (number > TAG_NUMBER_MAX)
                return false;
            number = number << 7 | (b & 0x7f);
        } while ((b & 0x80) && !r->err);
    }
    *tag = (uint8_t)((first & ~TAG_NUMBER_MASK) |
                     (number < TAG_NUMBER_MASK ? number : TAG_NUMBER_MASK));
    return !r->err;
}

/* Reads the next TLV of r (r ends where the enclosing element's content
 * ends); false when it is malformed or overruns. */
static bool tlv_next(struct rd *r, struct tlv *t)
{
    const uint8_t *start = r->p;
    if (!tag_read(r, &t->tag))
        return false;
    uint8_t first = rd_u8(r);
    if (r->err || first == 0x80) /* indefinite length */
        return false;
    size_t len = first;
    if (first & 0x80) {
        size_t n = first & 0x7f;
        /* OpenSSL wants one octet after the length octets, even for an empty
         * content; matched so an empty long-form element ends a SEQUENCE
         * exactly when d2i_X509 allows it. */
        if (rd_left(r) < n + 1)
            return false;
        len = 0;
        for (size_t i = 0; i < n; i++) {
            len = len << 8 | r->p[i];
            if (len > rd_left(r)) /* also keeps the shift from overflowing */
                return false;
        }
        r->p += n;
    }
    t->content = rd_bytes(r, len);
    t->whole.p = start;
    t->whole.len = (size_t)(r->p - start);
    return !r->err;
}

/* The two zero octets that end an indefinite length: out of place anywhere here. */
static bool is_end_of_contents(const struct tlv *t)
{
    return t->whole.len == 2 && t->whole.p[0] == 0 && t->whole.p[1] == 0;
}

/* Same class and tag number; the constructed bit is the caller's business. */
static bool tag_matches(uint8_t tag, uint8_t want)
{
    return (tag & ~TAG_CONSTRUCTED) == (want & ~TAG_CONSTRUCTED);
}

/* The next TLV of r, whose identifier must be exactly tag: class, number
 * and the constructed bit. */
static bool tlv_expect(struct rd *r, uint8_t tag, struct tlv *t)
{
    return tlv_next(r, t) && t->tag == tag;
}

/* An OPTIONAL element: consumes the next TLV of r when its class and number
 * are tag's. False only when that TLV is malformed. */
static bool tlv_optional(struct rd *r, uint8_t tag, struct tlv *t, bool *present)
{
    struct rd peek = *r;
    *present = false;
    if (rd_left(r) == 0)
        return true;
    if (!tlv_next(&peek, t))
        return false;
    *present = tag_matches(t->tag, tag);
    if (*present)
        *r = peek;
    return true;
}

/* ---- contents, checked as d2i_X509 checks them ----------------------------- */

/* Two's complement in the fewest octets (X.690 §8.3.2). */
static bool integer_ok(struct span c)
{
    if (c.len == 0)
        return false;
    if (c.len == 1)
        return true;
    bool neg = c.p[0] & 0x80;
    bool next_neg = c.p[1] & 0x80;
    return !((c.p[0] == 0x00 && !next_neg) || (c.p[0] == 0xff && neg && next_neg));
}

/* Subidentifiers in base 128 with no leading 0x80 octet, the last one
 * complete (X.690 §8.19.2). */
static bool oid_ok(struct span c)
{
    if (c.len == 0 || (c.p[c.len - 1] & 0x80))
        return false;
    for (size_t i = 0; i < c.len; i++)
        if (c.p[i] == 0x80 && (i == 0 || !(c.p[i - 1] & 0x80)))
            return false;
    return true;
}

/* The content of a string type as d2i gathers it: the octets of a
 * primitive encoding, or those of every primitive TLV (of any tag) nested in
 * a constructed one (X.690 §8.7.3, §8.6.3). */
struct gathered {
    size_t len;
    int first; /* the first octet, -1 while none */
};

static bool string_gather(struct span c, bool constructed, int depth, struct gathered *g)
{
    if (!constructed) {
        if (g->first < 0 && c.len > 0)
            g->first = c.p[0];
        g->len += c.len;
        return true;
    }
    struct rd in = rd_init(c.p, c.len);
    while (rd_left(&in) > 0) {
        struct tlv t;
        bool nested;
        if (!tlv_next(&in, &t) || is_end_of_contents(&t))
            return false;
        nested = t.tag & TAG_CONSTRUCTED;
        if (nested && depth >= STRING_NEST_MAX)
            return false;
        if (!string_gather(t.content, nested, depth + 1, g))
            return false;
    }
    return true;
}

/* A string TLV's gathered content; false when the TLV is malformed. */
static bool string_content(const struct tlv *t, struct gathered *g)
{
    g->len = 0;
    g->first = -1;
    return string_gather(t->content, t->tag & TAG_CONSTRUCTED, 0, g);
}

/* The unused-bits octet, at most 7, then the bits (X.690 §8.6.2). */
static bool bit_string_ok(const struct tlv *t)
{
    struct gathered g;
    return string_content(t, &g) && g.len >= 1 && g.first <= 7;
}

static bool expect_integer(struct rd *r, struct tlv *t)
{
    return tlv_expect(r, TAG_INTEGER, t) && integer_ok(t->content);
}

static bool expect_string(struct rd *r, uint8_t tag, struct tlv *t)
{
    struct gathered g;
    return tlv_next(r, t) && tag_matches(t->tag, tag) && string_content(t, &g);
}

static bool expect_bit_string(struct rd *r)
{
    struct tlv t;
    return expect_string(r, TAG_BIT_STRING, &t) && bit_string_ok(&t);
}

/* An ANY value (AlgorithmIdentifier parameters): universal types that
 * OpenSSL converts must hold valid content; SEQUENCE, SET and the other
 * classes are kept as they are. */
static bool any_ok(const struct tlv *t)
{
    if ((t->tag & TAG_CLASS_MASK) != 0)
        return true;
    uint8_t number = t->tag & TAG_NUMBER_MASK;
    bool constructed = t->tag & TAG_CONSTRUCTED;
    struct gathered g;
    switch (number) {
    case 0:
        return !is_end_of_contents(t);
    case TAG_SEQUENCE & TAG_NUMBER_MASK:
    case TAG_SET & TAG_NUMBER_MASK:
        return constructed;
    case TAG_BOOLEAN:
        return !constructed && t->content.len == 1;
    case TAG_NULL:
        return !constructed && t->content.len == 0;
    case TAG_INTEGER:
    case TAG_ENUMERATED:
        return !constructed && integer_ok(t->content);
    case TAG_OID:
        return !constructed && oid_ok(t->content);
    case TAG_BIT_STRING:
        return bit_string_ok(t);
    case TAG_BMPSTRING:
        return string_content(t, &g) && g.len % 2 == 0;
    case TAG_UNIVERSALSTRING:
        return string_content(t, &g) && g.len % 4 == 0;
    default:
        return string_content(t, &g);
    }
}

/* ---- the structure --------------------------------------------------------- */

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
static bool expect_algorithm(struct rd *r)
{
    struct tlv seq, oid, params;
    if (!tlv_expect(r, TAG_SEQUENCE, &seq))
        return false;
    struct rd in = rd_init(seq.content.p, seq.content.len);
    if (!tlv_expect(&in, TAG_OID, &oid) || !oid_ok(oid.content))
        return false;
    if (rd_left(&in) > 0 && !(tlv_next(&in, &params) && any_ok(&params)))
        return false;
    return rd_left(&in) == 0;
}

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN OPTIONAL, extnValue OCTET STRING } */
static bool expect_extension(struct rd *r)
{
    struct tlv seq, oid, critical, value;
    bool has_critical;
    if (!tlv_expect(r, TAG_SEQUENCE, &seq))
        return false;
    struct rd in = rd_init(seq.content.p, seq.content.len);
    if (!tlv_expect(&in, TAG_OID, &oid) || !oid_ok(oid.content))
        return false;
    if (!tlv_optional(&in, TAG_BOOLEAN, &critical, &has_critical) ||
        (has_critical && (critical.tag != TAG_BOOLEAN || critical.content.len != 1)))
        return false;
    return expect_string(&in, TAG_OCTET_STRING, &value) && rd_left(&in) == 0;
}

/* [3] EXPLICIT SEQUENCE OF Extension (possibly empty, as d2i_X509 allows) */
static bool extensions_ok(const struct tlv *explicit_tag)
{
    struct tlv list;
    if (explicit_tag->tag != TAG_EXTENSIONS)
        return false;
    struct rd in = rd_init(explicit_tag->content.p, explicit_tag->content.len);
    if (!tlv_next(&in, &list) || !tag_matches(list.tag, TAG_SEQUENCE) || rd_left(&in) != 0)
        return false;
    struct rd ext = rd_init(list.content.p, list.content.len);
    while (rd_left(&ext) > 0)
        if (!expect_extension(&ext))
            return false;
    return true;
}

/* [0] EXPLICIT INTEGER, exactly */
static bool version_ok(const struct tlv *explicit_tag)
{
    struct tlv v;
    if (explicit_tag->tag != TAG_VERSION)
        return false;
    struct rd in = rd_init(explicit_tag->content.p, explicit_tag->content.len);
    return expect_integer(&in, &v) && rd_left(&in) == 0;
}

/* A Name (SEQUENCE OF RelativeDistinguishedName), only delimited. */
static bool expect_name(struct rd *r, struct span *out)
{
    struct tlv t;
    if (!tlv_next(r, &t) || !tag_matches(t.tag, TAG_SEQUENCE))
        return false;
    *out = t.whole;
    return true;
}

/* Validity ::= SEQUENCE { notBefore Time, notAfter Time }, the Times only delimited */
static bool expect_validity(struct rd *r, struct x509_der_fields *out)
{
    struct tlv seq, before, after;
    if (!tlv_expect(r, TAG_SEQUENCE, &seq))
        return false;
    struct rd in = rd_init(seq.content.p, seq.content.len);
    if (!tlv_next(&in, &before) || !tlv_next(&in, &after) || rd_left(&in) != 0)
        return false;
    out->not_before = before.whole;
    out->not_after = after.whole;
    return (tag_matches(before.tag, TAG_UTCTIME) || tag_matches(before.tag, TAG_GENERALIZEDTIME)) &&
           (tag_matches(after.tag, TAG_UTCTIME) || tag_matches(after.tag, TAG_GENERALIZEDTIME));
}

static bool tbs_ok(struct span tbs, struct x509_der_fields *out)
{
    struct rd in = rd_init(tbs.p, tbs.len);
    struct tlv t, spki;
    bool present;
    if (!tlv_optional(&in, TAG_VERSION, &t, &present) || (present && !version_ok(&t)))
        return false;
    if (!expect_integer(&in, &t))
        return false;
    out->serial = t.content;
    if (!expect_algorithm(&in) || !expect_name(&in, &out->issuer) ||
        !expect_validity(&in, out) || !expect_name(&in, &out->subject))
        return false;
    /* SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }: only its shape */
    if (!tlv_expect(&in, TAG_SEQUENCE, &spki))
        return false;
    struct rd key = rd_init(spki.content.p, spki.content.len);
    if (!expect_algorithm(&key) || !expect_bit_string(&key) || rd_left(&key) != 0)
        return false;
    if (!tlv_optional(&in, TAG_ISSUER_UID, &t, &present) || (present && !bit_string_ok(&t)))
        return false;
    if (!tlv_optional(&in, TAG_SUBJECT_UID, &t, &present) || (present && !bit_string_ok(&t)))
        return false;
    if (!tlv_optional(&in, TAG_EXTENSIONS, &t, &present) || (present && !extensions_ok(&t)))
        return false;
    return rd_left(&in) == 0;
}

bool x509_der_walk(const uint8_t *der, size_t len, struct x509_der_fields *out)
{
    struct rd r = rd_init(der, len);
    struct tlv cert, tbs;
    memset(out, 0, sizeof(*out));
    if (!tlv_expect(&r, TAG_SEQUENCE, &cert) || rd_left(&r) != 0)
        return false;
    struct rd in = rd_init(cert.content.p, cert.content.len);
    return tlv_expect(&in, TAG_SEQUENCE, &tbs) && tbs_ok(tbs.content, out) &&
           expect_algorithm(&in) && expect_bit_string(&in) && rd_left(&in) == 0;
}

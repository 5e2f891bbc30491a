/* app-tls.c — TLS handshakes: RFC 5246 (TLS 1.2) §6.2 records, §7.4
 * handshake messages; RFC 8446 (TLS 1.3) §4.1.2-4.1.3 hellos and §4.2.1
 * supported_versions; RFC 6066 §3 SNI; RFC 7301 ALPN; RFC 8701 GREASE.
 * Fingerprints: JA3 / JA3S (salesforce/ja3) and JA4 (FoxIO's JA4.md).
 *
 *   record:    type(1) version(2) length(2) fragment[length]
 *   handshake: msg_type(1) length(3) body[length]   (may span records)
 *
 * Records are parsed as they arrive, in any chunking; handshake messages are
 * reassembled up to TLS_HS_MAX bytes. The ClientHello, ServerHello and (TLS
 * 1.2 and older) the server's first certificate become one `tls` event,
 * logged when the handshake is over for us: ServerHelloDone or the server's
 * ChangeCipherSpec (TLS <= 1.2), ServerHello (TLS 1.3: the rest is
 * encrypted), the first application data, or an alert. After that the flow
 * is encrypted and its bytes are ignored. The certificate's fields come
 * from x509-cert.c. */
#include "app-tls.h"
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/detect-buffer.h"
#include "../output/json-text.h"
#include "../util/ascii.h"
#include "../util/rd.h"
#include "../util/digest.h"
#include "x509-cert.h"

#define TLS_REC_HDR 5
#define TLS_REC_MAX (16384 + 2048) /* TLSCiphertext limit, RFC 5246 §6.2.3 */
#define TLS_HS_MAX 65536           /* reassembled handshake message cap */
#define TLS_LIST_MAX 256           /* ciphers, extensions, groups, sigalgs kept per hello */
#define TLS_SMALL_LIST_MAX 32      /* point formats, supported versions */
#define TLS_ALPN_MAX 16
#define TLS_ALPN_BYTES 512
#define TLS_SNI_MAX 255            /* a DNS name; longer ones are cut */

enum {
    REC_CCS = 20,
    REC_ALERT = 21,
    REC_HANDSHAKE = 22,
    REC_APPDATA = 23,
    REC_HEARTBEAT = 24,
};

enum {
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_CERTIFICATE = 11,
    HS_SERVER_HELLO_DONE = 14,
};

enum {
    EXT_SNI = 0,
    EXT_GROUPS = 10,
    EXT_POINT_FORMATS = 11,
    EXT_SIG_ALGS = 13,
    EXT_ALPN = 16,
    EXT_SUPPORTED_VERSIONS = 43,
};

struct u16_list {
    uint16_t v[TLS_LIST_MAX];
    size_t n;
    bool capped;
};

struct alpn_list {
    uint8_t bytes[TLS_ALPN_BYTES];
    uint16_t off[TLS_ALPN_MAX];
    uint8_t len[TLS_ALPN_MAX];
    size_t n, used;
};

struct tls_client_hello {
    bool seen;
    uint16_t version;
    struct u16_list ciphers, exts, groups, sigalgs;
    uint8_t pf[TLS_SMALL_LIST_MAX];
    size_t npf;
    uint16_t versions[TLS_SMALL_LIST_MAX];
    size_t nversions;
    uint8_t sid[32];
    uint8_t sid_len;
    bool has_sni;
    uint8_t sni[TLS_SNI_MAX];
    size_t sni_len;
    struct alpn_list alpn;
};

struct tls_server_hello {
    bool seen;
    uint16_t version;           /* legacy_version */
    uint16_t selected;          /* supported_versions, 0 when absent */
    uint16_t cipher;
    struct u16_list exts;
    uint8_t sid[32];
    uint8_t sid_len;
    struct alpn_list alpn;
};

struct tls_cert {
    bool seen;
    struct x509_cert_text text;
};

struct tls_dir {
    uint8_t hdr[TLS_REC_HDR];
    size_t hdr_have;
    uint8_t rec_type;
    size_t rec_left;            /* body bytes of the current record still to come */
    bool ccs;                   /* ChangeCipherSpec sent: later handshake records are encrypted */
    uint8_t hs_hdr[4];
    size_t hs_hdr_have;
    uint32_t hs_len;
    uint8_t *hs_buf;
    size_t hs_have, hs_cap;
    uint32_t hs_skip;           /* bytes of an over-cap message still to skip */
};

struct tls_state {
    struct tls_dir d[2];
    bool done;                  /* event logged: the rest of the session is encrypted */
    bool resumed;
    uint64_t tx_id;
    struct tls_client_hello ch;
    struct tls_server_hello sh;
    struct tls_cert cert;
};

/* The event of a handshake: its state and the fingerprints, computed when
 * the event is built. They live on tls_finish's stack, not in every flow's
 * state (most of whose size they were, all cleared at every new flow). */
struct tls_event {
    const struct tls_state *st;
    char ja3[6 * (3 * TLS_LIST_MAX + TLS_SMALL_LIST_MAX) + 16];
    char ja3_hash[33];
    char ja3s[6 * TLS_LIST_MAX + 32];
    char ja3s_hash[33];
    char ja4[40];
};

/* ---- helpers ------------------------------------------------------------- */

static bool is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); /* RFC 8701 §2 */
}

static uint32_t rd_be24(struct rd *r)
{
    uint32_t hi = rd_u8(r);
    return hi << 16 | rd_be16(r);
}

static void list_add(struct u16_list *l, uint16_t v)
{
    if (l->n < TLS_LIST_MAX)
        l->v[l->n++] = v;
    else
        l->capped = true;
}

static void hex_digest(const EVP_MD *md, const void *data, size_t len, char *out, size_t hexlen)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (!EVP_Digest(data, len, dig, &dlen, md, NULL))
        dlen = 0;
    size_t o = 0;
    for (unsigned i = 0; i < dlen && o + 2 <= hexlen; i++) {
        out[o++] = hex[dig[i] >> 4];
        out[o++] = hex[dig[i] & 0xf];
    }
    out[o] = '\0';
}

/* A bounded string builder: output that does not fit is cut, never overrun. */
struct sb {
    char *p;
    size_t cap, len;
};

static void sb_text(struct sb *b, const char *t)
{
    size_t n = strlen(t);
    if (b->len + n >= b->cap)
        return;
    memcpy(b->p + b->len, t, n + 1);
    b->len += n;
}

/* v in decimal ("771") or as 4 lower-case hex digits ("0303"). Written by
 * hand: JA3/JA4 strings hold dozens of numbers per handshake, and snprintf
 * was most of their cost. */
static void sb_num(struct sb *b, unsigned v, bool hex4)
{
    char t[12];
    size_t n = 0;
    if (hex4) {
        for (int shift = 12; shift >= 0; shift -= 4)
            t[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
    } else {
        char rev[10];
        size_t k = 0;
        do {
            rev[k++] = (char)('0' + v % 10);
            v /= 10;
        } while (v > 0);
        while (k > 0)
            t[n++] = rev[--k];
    }
    t[n] = '\0';
    sb_text(b, t);
}

/* The non-GREASE values of v, separated by sep. */
static void sb_list(struct sb *b, const uint16_t *v, size_t n, bool hex4, const char *sep)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (is_grease(v[i]))
            continue;
        if (!first)
            sb_text(b, sep);
        sb_num(b, v[i], hex4);
        first = false;
    }
}

/* ---- hello parsing ---------------------------------------------------------- */

static bool parse_u16_vector(struct span s, size_t lenbytes, struct u16_list *out)
{
    struct rd r = rd_init(s.p, s.len);
    size_t n = lenbytes == 1 ? rd_u8(&r) : rd_be16(&r);
    if (r.err || n % 2 || n > rd_left(&r))
        return false;
    for (size_t i = 0; i < n / 2; i++)
        list_add(out, rd_be16(&r));
    return !r.err;
}

static bool parse_alpn(struct span s, struct alpn_list *out)
{
    struct rd r = rd_init(s.p, s.len);
    struct span list = rd_bytes(&r, rd_be16(&r));
    if (r.err)
        return false;
    struct rd l = rd_init(list.p, list.len);
    while (rd_left(&l) > 0) {
        struct span p = rd_bytes(&l, rd_u8(&l));
        if (l.err)
            return false;
        if (out->n < TLS_ALPN_MAX && p.len <= TLS_ALPN_BYTES - out->used) {
            memcpy(out->bytes + out->used, p.p, p.len);
            out->off[out->n] = (uint16_t)out->used;
            out->len[out->n] = (uint8_t)p.len;
            out->used += p.len;
            out->n++;
        }
    }
    return true;
}

static bool parse_sni(struct span s, struct tls_client_hello *ch)
{
    struct rd r = rd_init(s.p, s.len);
    ch->has_sni = true;
    if (s.len == 0)
        return true; /* a server's empty acknowledgement shape; harmless in a ClientHello */
    struct span list = rd_bytes(&r, rd_be16(&r));
    struct rd l = rd_init(list.p, list.len);
    while (!r.err && rd_left(&l) > 0) {
        uint8_t type = rd_u8(&l);
        struct span name = rd_bytes(&l, rd_be16(&l));
        if (l.err)
            return false;
        if (type == 0 && ch->sni_len == 0) {
            ch->sni_len = name.len < TLS_SNI_MAX ? name.len : TLS_SNI_MAX;
            memcpy(ch->sni, name.p, ch->sni_len);
        }
    }
    return !r.err;
}

static bool client_ext(struct tls_client_hello *ch, uint16_t type, struct span data)
{
    struct u16_list tmp = {.n = 0, .capped = false};
    struct rd r = rd_init(data.p, data.len);

    switch (type) {
    case EXT_SNI:
        return parse_sni(data, ch);
    case EXT_GROUPS:
        return parse_u16_vector(data, 2, &ch->groups);
    case EXT_SIG_ALGS:
        return parse_u16_vector(data, 2, &ch->sigalgs);
    case EXT_ALPN:
        return parse_alpn(data, &ch->alpn);
    case EXT_POINT_FORMATS: {
        struct span pf = rd_bytes(&r, rd_u8(&r));
        if (r.err)
            return false;
        for (size_t i = 0; i < pf.len && ch->npf < TLS_SMALL_LIST_MAX; i++)
            ch->pf[ch->npf++] = pf.p[i];
        return true;
    }
    case EXT_SUPPORTED_VERSIONS:
        if (!parse_u16_vector(data, 1, &tmp))
            return false;
        for (size_t i = 0; i < tmp.n && ch->nversions < TLS_SMALL_LIST_MAX; i++)
            ch->versions[ch->nversions++] = tmp.v[i];
        return true;
    default:
        return true;
    }
}

/* Extensions block (optional in both hellos: pre-TLS-1.0 clients omit it). */
static bool parse_exts(struct rd *r, struct u16_list *types, struct tls_client_hello *ch,
                       struct tls_server_hello *sh)
{
    if (rd_left(r) == 0)
        return true;
    struct span block = rd_bytes(r, rd_be16(r));
    if (r->err)
        return false;
    struct rd e = rd_init(block.p, block.len);
    while (rd_left(&e) > 0) {
        uint16_t type = rd_be16(&e);
        struct span data = rd_bytes(&e, rd_be16(&e));
        if (e.err)
            return false;
        list_add(types, type);
        if (ch && !client_ext(ch, type, data))
            return false;
        if (sh && type == EXT_SUPPORTED_VERSIONS) {
            struct rd v = rd_init(data.p, data.len);
            sh->selected = rd_be16(&v);
            if (v.err)
                return false;
        }
        if (sh && type == EXT_ALPN && !parse_alpn(data, &sh->alpn))
            return false;
    }
    return true;
}

static bool parse_client_hello(struct tls_client_hello *ch, const uint8_t *p, size_t len)
{
    memset(ch, 0, sizeof(*ch));
    struct rd r = rd_init(p, len);
    ch->version = rd_be16(&r);
    rd_skip(&r, 32); /* random */
    struct span sid = rd_bytes(&r, rd_u8(&r));
    struct span cs = rd_bytes(&r, rd_be16(&r));
    rd_bytes(&r, rd_u8(&r)); /* compression methods */
    if (r.err || sid.len > 32 || cs.len % 2)
        return false;
    memcpy(ch->sid, sid.p, sid.len);
    ch->sid_len = (uint8_t)sid.len;
    struct rd c = rd_init(cs.p, cs.len);
    while (rd_left(&c) > 0)
        list_add(&ch->ciphers, rd_be16(&c));
    if (!parse_exts(&r, &ch->exts, ch, NULL))
        return false;
    ch->seen = true;
    return true;
}

static bool parse_server_hello(struct tls_server_hello *sh, const uint8_t *p, size_t len)
{
    memset(sh, 0, sizeof(*sh));
    struct rd r = rd_init(p, len);
    sh->version = rd_be16(&r);
    rd_skip(&r, 32);
    struct span sid = rd_bytes(&r, rd_u8(&r));
    sh->cipher = rd_be16(&r);
    rd_skip(&r, 1); /* compression method */
    if (r.err || sid.len > 32)
        return false;
    memcpy(sh->sid, sid.p, sid.len);
    sh->sid_len = (uint8_t)sid.len;
    if (!parse_exts(&r, &sh->exts, NULL, sh))
        return false;
    sh->seen = true;
    return true;
}

/* RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
static bool is_hello_retry(const uint8_t *p, size_t len)
{
    static const uint8_t hrr[32] = {
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
        0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
        0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    };
    return len >= 34 && memcmp(p + 2, hrr, sizeof(hrr)) == 0;
}

/* ---- certificates -------------------------------------------------------------- */

/* Returns false when the message is malformed; a bad DER certificate is not. */
static bool parse_certificate(struct app_ctx *ctx, struct flow *f, struct tls_cert *c,
                              const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    struct span list = rd_bytes(&r, rd_be24(&r));
    if (r.err)
        return false;
    struct rd l = rd_init(list.p, list.len);
    if (rd_left(&l) == 0)
        return true; /* no certificate sent */
    struct span der = rd_bytes(&l, rd_be24(&l));
    if (l.err)
        return false;
    if (!x509_cert_text(der.p, der.len, &c->text)) {
        app_anomaly(ctx, f, "CERTIFICATE_INVALID_DER");
        return true;
    }
    c->seen = true;
    return true;
}

/* ---- fingerprints ------------------------------------------------------------ */

static void ja3_compute(struct tls_event *ev)
{
    const struct tls_client_hello *ch = &ev->st->ch;
    struct sb b = {ev->ja3, sizeof(ev->ja3), 0};
    ev->ja3[0] = '\0';
    sb_num(&b, ch->version, false);
    sb_text(&b, ",");
    sb_list(&b, ch->ciphers.v, ch->ciphers.n, false, "-");
    sb_text(&b, ",");
    sb_list(&b, ch->exts.v, ch->exts.n, false, "-");
    sb_text(&b, ",");
    sb_list(&b, ch->groups.v, ch->groups.n, false, "-");
    sb_text(&b, ",");
    for (size_t i = 0; i < ch->npf; i++) {
        if (i)
            sb_text(&b, "-");
        sb_num(&b, ch->pf[i], false);
    }
    hex_digest(digest_md5(), ev->ja3, b.len, ev->ja3_hash, sizeof(ev->ja3_hash));
}

static void ja3s_compute(struct tls_event *ev)
{
    const struct tls_server_hello *sh = &ev->st->sh;
    struct sb b = {ev->ja3s, sizeof(ev->ja3s), 0};
    ev->ja3s[0] = '\0';
    sb_num(&b, sh->version, false);
    sb_text(&b, ",");
    sb_num(&b, sh->cipher, false);
    sb_text(&b, ",");
    sb_list(&b, sh->exts.v, sh->exts.n, false, "-");
    hex_digest(digest_md5(), ev->ja3s, b.len, ev->ja3s_hash, sizeof(ev->ja3s_hash));
}

static const char *ja4_version(uint16_t v)
{
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default: return "00";
    }
}

/* JA4.md "ALPN Extension Value": first and last character of the first ALPN,
 * or of its hex form when either byte is not alphanumeric; "00" when none. */
static void ja4_alpn(const struct alpn_list *a, char out[3])
{
    static const char hex[] = "0123456789abcdef";
    out[0] = out[1] = '0';
    out[2] = '\0';
    if (a->n == 0 || a->len[0] == 0)
        return;
    uint8_t first = a->bytes[a->off[0]], last = a->bytes[a->off[0] + a->len[0] - 1];
    if (is_alnum(first) && is_alnum(last)) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = hex[first >> 4];
        out[1] = hex[last & 0xf];
    }
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Sorted non-GREASE values, minus the skipped ones; returns the count. */
static size_t sorted_copy(const struct u16_list *l, uint16_t *out, bool skip_sni_alpn)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        uint16_t v = l->v[i];
        if (is_grease(v) || (skip_sni_alpn && (v == EXT_SNI || v == EXT_ALPN)))
            continue;
        out[n++] = v;
    }
    qsort(out, n, sizeof(out[0]), cmp_u16);
    return n;
}

static size_t count_non_grease(const struct u16_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !is_grease(l->v[i]);
    return n;
}

static void sha256_12(const char *s, size_t len, char out[13])
{
    char full[65];
    hex_digest(digest_sha256(), s, len, full, sizeof(full));
    memcpy(out, full, 12);
    out[12] = '\0';
}

static void ja4_compute(struct tls_event *ev)
{
    const struct tls_client_hello *ch = &ev->st->ch;
    uint16_t v = 0;
    for (size_t i = 0; i < ch->nversions; i++) {
        if (!is_grease(ch->versions[i]) && ch->versions[i] > v)
            v = ch->versions[i];
    }
    if (ch->nversions == 0)
        v = ch->version;
    size_t nc = count_non_grease(&ch->ciphers), ne = count_non_grease(&ch->exts);
    char alpn[3];
    ja4_alpn(&ch->alpn, alpn);

    uint16_t sorted[TLS_LIST_MAX];
    char raw[5 * 2 * TLS_LIST_MAX + 8];
    char b_hash[13] = "000000000000", c_hash[13] = "000000000000";

    size_t n = sorted_copy(&ch->ciphers, sorted, false);
    if (n > 0) {
        struct sb b = {raw, sizeof(raw), 0};
        sb_list(&b, sorted, n, true, ",");
        sha256_12(raw, b.len, b_hash);
    }
    n = sorted_copy(&ch->exts, sorted, true);
    if (n > 0) {
        struct sb b = {raw, sizeof(raw), 0};
        sb_list(&b, sorted, n, true, ",");
        if (count_non_grease(&ch->sigalgs) > 0) {
            sb_text(&b, "_");
            sb_list(&b, ch->sigalgs.v, ch->sigalgs.n, true, ",");
        }
        sha256_12(raw, b.len, c_hash);
    }
    snprintf(ev->ja4, sizeof(ev->ja4), "t%s%c%02zu%02zu%s_%s_%s", ja4_version(v),
             ch->has_sni ? 'd' : 'i', nc > 99 ? (size_t)99 : nc, ne > 99 ? (size_t)99 : ne,
             alpn, b_hash, c_hash);
}

/* ---- the event ----------------------------------------------------------------- */

static const char *tls_version_text(const struct tls_server_hello *sh)
{
    if (!sh->seen)
        return "UNDETERMINED";
    switch (sh->selected ? sh->selected : sh->version) {
    case 0x0304: return "TLS 1.3";
    case 0x0303: return "TLS 1.2";
    case 0x0302: return "TLS 1.1";
    case 0x0301: return "TLS 1.0";
    case 0x0300: return "SSLv3";
    case 0x0002: return "SSLv2";
    default: return "UNDETERMINED";
    }
}

/* A C string from the wire or derived from it, as eve_string writes it. */
static void put_str(struct json_text *w, const char *key, const char *s)
{
    jt_wire(w, key, (const uint8_t *)s, strlen(s));
}

static void put_alpns(struct json_text *w, const char *key, const struct alpn_list *a)
{
    jt_array(w, key);
    for (size_t i = 0; i < a->n; i++)
        jt_wire(w, NULL, a->bytes + a->off[i], a->len[i]);
    jt_end_array(w);
}

static void put_fingerprint(struct json_text *w, const char *key, const char *hash,
                            const char *string)
{
    jt_object(w, key);
    jt_string(w, "hash", hash);
    put_str(w, "string", string);
    jt_end_object(w);
}

static void tls_to_text(const void *tx, struct json_text *w)
{
    const struct tls_event *ev = tx;
    const struct tls_state *st = ev->st;
    jt_object(w, "tls");
    if (st->resumed)
        jt_bool(w, "session_resumed", true);
    if (st->cert.seen) {
        put_str(w, "subject", st->cert.text.subject);
        put_str(w, "issuerdn", st->cert.text.issuer);
        put_str(w, "serial", st->cert.text.serial);
        put_str(w, "fingerprint", st->cert.text.fingerprint);
    }
    if (st->ch.sni_len > 0)
        jt_wire(w, "sni", st->ch.sni, st->ch.sni_len);
    jt_string(w, "version", tls_version_text(&st->sh));
    if (st->cert.seen) {
        if (st->cert.text.notbefore[0])
            put_str(w, "notbefore", st->cert.text.notbefore);
        if (st->cert.text.notafter[0])
            put_str(w, "notafter", st->cert.text.notafter);
    }
    if (st->ch.seen)
        put_fingerprint(w, "ja3", ev->ja3_hash, ev->ja3);
    if (st->sh.seen)
        put_fingerprint(w, "ja3s", ev->ja3s_hash, ev->ja3s);
    if (st->ch.seen)
        jt_string(w, "ja4", ev->ja4);
    if (st->ch.alpn.n > 0)
        put_alpns(w, "client_alpns", &st->ch.alpn);
    if (st->sh.alpn.n > 0)
        put_alpns(w, "server_alpns", &st->sh.alpn);
    jt_end_object(w);
}

static int buf_sni = -1, buf_subject = -1, buf_issuer = -1, buf_serial = -1, buf_fp = -1,
           buf_ja3 = -1, buf_ja3_str = -1, buf_ja3s = -1, buf_ja3s_str = -1, buf_ja4 = -1;

static void tls_register_buffers(void)
{
    buf_sni = detect_buffer_register("tls.sni", "tls", BUF_TOSERVER);
    buf_subject = detect_buffer_register("tls.cert_subject", "tls", BUF_TOCLIENT);
    buf_issuer = detect_buffer_register("tls.cert_issuer", "tls", BUF_TOCLIENT);
    buf_serial = detect_buffer_register("tls.cert_serial", "tls", BUF_TOCLIENT);
    buf_fp = detect_buffer_register("tls.cert_fingerprint", "tls", BUF_TOCLIENT);
    buf_ja3 = detect_buffer_register("ja3.hash", "tls", BUF_TOSERVER);
    buf_ja3_str = detect_buffer_register("ja3.string", "tls", BUF_TOSERVER);
    buf_ja3s = detect_buffer_register("ja3s.hash", "tls", BUF_TOCLIENT);
    buf_ja3s_str = detect_buffer_register("ja3s.string", "tls", BUF_TOCLIENT);
    buf_ja4 = detect_buffer_register("ja4.hash", "tls", BUF_TOSERVER);
    detect_buffer_alias("tls_sni", "tls.sni");
    detect_buffer_alias("ja3_hash", "ja3.hash");
}

static void add_buf(struct app_tx *tx, int id, const void *p, size_t len)
{
    if (id < 0 || tx->nbufs >= APP_TX_MAX_BUFS)
        return;
    tx->bufs[tx->nbufs].id = id;
    tx->bufs[tx->nbufs].data = p;
    tx->bufs[tx->nbufs].len = len;
    tx->nbufs++;
}

/* Logs the session once; from here on its bytes are not parsed. */
static void tls_finish(struct app_ctx *ctx, struct flow *f, struct tls_state *st,
                       enum flow_dir dir)
{
    if (st->done)
        return;
    st->done = true;
    if (!st->ch.seen && !st->sh.seen)
        return;
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.event_type = "tls";
    tx.dir = dir;
    tx.tx_id = st->tx_id++;
    struct tls_event ev;
    ev.st = st;
    tx.to_text = tls_to_text;
    tx.tx = &ev;
    if (st->ch.seen) {
        ja3_compute(&ev);
        ja4_compute(&ev);
        if (st->ch.sni_len > 0)
            add_buf(&tx, buf_sni, st->ch.sni, st->ch.sni_len);
        add_buf(&tx, buf_ja3, ev.ja3_hash, strlen(ev.ja3_hash));
        add_buf(&tx, buf_ja3_str, ev.ja3, strlen(ev.ja3));
        add_buf(&tx, buf_ja4, ev.ja4, strlen(ev.ja4));
    }
    if (st->sh.seen) {
        ja3s_compute(&ev);
        add_buf(&tx, buf_ja3s, ev.ja3s_hash, strlen(ev.ja3s_hash));
        add_buf(&tx, buf_ja3s_str, ev.ja3s, strlen(ev.ja3s));
    }
    if (st->cert.seen) {
        add_buf(&tx, buf_subject, st->cert.text.subject, strlen(st->cert.text.subject));
        add_buf(&tx, buf_issuer, st->cert.text.issuer, strlen(st->cert.text.issuer));
        add_buf(&tx, buf_serial, st->cert.text.serial, strlen(st->cert.text.serial));
        add_buf(&tx, buf_fp, st->cert.text.fingerprint, strlen(st->cert.text.fingerprint));
    }
    app_tx_done(ctx, f, &tx);
}

/* ---- handshake messages ----------------------------------------------------------- */

/* Returns 0, or -1 when the message is malformed (anomaly raised). */
static int tls_handshake_msg(struct app_ctx *ctx, struct flow *f, struct tls_state *st,
                             enum flow_dir dir, uint8_t type, const uint8_t *p, size_t len)
{
    bool ok = true;
    if (dir == DIR_TOSERVER && type == HS_CLIENT_HELLO) {
        ok = parse_client_hello(&st->ch, p, len);
    } else if (dir == DIR_TOCLIENT && type == HS_SERVER_HELLO) {
        if (is_hello_retry(p, len))
            return 0; /* a second ClientHello follows */
        ok = parse_server_hello(&st->sh, p, len);
        if (ok && st->sh.selected == 0x0304)
            tls_finish(ctx, f, st, dir);
    } else if (dir == DIR_TOCLIENT && type == HS_CERTIFICATE && !st->cert.seen) {
        ok = parse_certificate(ctx, f, &st->cert, p, len);
    } else if (dir == DIR_TOCLIENT && type == HS_SERVER_HELLO_DONE) {
        tls_finish(ctx, f, st, dir);
    }
    if (!ok) {
        app_anomaly(ctx, f, "INVALID_HANDSHAKE_MESSAGE");
        return -1;
    }
    return 0;
}

static bool hs_append(struct tls_dir *d, const uint8_t *p, size_t n)
{
    if (d->hs_have + n > d->hs_cap) {
        size_t cap = d->hs_cap ? d->hs_cap : 1024;
        while (cap < d->hs_have + n)
            cap *= 2;
        if (cap > TLS_HS_MAX)
            cap = TLS_HS_MAX;
        uint8_t *nb = realloc(d->hs_buf, cap);
        if (!nb)
            return false;
        d->hs_buf = nb;
        d->hs_cap = cap;
    }
    memcpy(d->hs_buf + d->hs_have, p, n);
    d->hs_have += n;
    return true;
}

/* Feeds handshake-record bytes; messages may span records and share them. */
static int tls_hs_feed(struct app_ctx *ctx, struct flow *f, struct tls_state *st,
                       enum flow_dir dir, const uint8_t *p, size_t n)
{
    struct tls_dir *d = &st->d[dir];
    while (n > 0 && !st->done) {
        if (d->hs_hdr_have < 4) {
            d->hs_hdr[d->hs_hdr_have++] = *p++;
            n--;
            if (d->hs_hdr_have < 4)
                continue;
            d->hs_len = (uint32_t)d->hs_hdr[1] << 16 | (uint32_t)d->hs_hdr[2] << 8 | d->hs_hdr[3];
            d->hs_have = 0;
            if (d->hs_len > TLS_HS_MAX) {
                /* a claim we do not buffer: skip it and go on with the next message */
                app_anomaly(ctx, f, "HANDSHAKE_INVALID_LENGTH");
                d->hs_skip = d->hs_len;
                d->hs_len = 0;
            }
        } else if (d->hs_skip > 0) {
            size_t take = n < d->hs_skip ? n : d->hs_skip;
            d->hs_skip -= (uint32_t)take;
            p += take;
            n -= take;
            if (d->hs_skip == 0)
                d->hs_hdr_have = 0;
            continue;
        } else {
            size_t take = d->hs_len - d->hs_have;
            if (take > n)
                take = n;
            if (!hs_append(d, p, take))
                return -1;
            p += take;
            n -= take;
        }
        if (d->hs_hdr_have == 4 && d->hs_skip == 0 && d->hs_have == d->hs_len) {
            static const uint8_t empty[1];
            d->hs_hdr_have = 0;
            if (tls_handshake_msg(ctx, f, st, dir, d->hs_hdr[0], d->hs_buf ? d->hs_buf : empty,
                                  d->hs_len) != 0)
                return -1;
        }
    }
    return 0;
}

/* ---- records ---------------------------------------------------------------------- */

/* A record header was read; returns 0 or -1 (anomaly raised). */
static int tls_record_start(struct app_ctx *ctx, struct flow *f, struct tls_state *st,
                            enum flow_dir dir)
{
    struct tls_dir *d = &st->d[dir];
    uint8_t type = d->hdr[0];
    size_t len = (size_t)d->hdr[3] << 8 | d->hdr[4];
    d->hdr_have = 0;
    if (type < REC_CCS || type > REC_HEARTBEAT) {
        app_anomaly(ctx, f, "INVALID_RECORD_TYPE");
        return -1;
    }
    if (d->hdr[1] != 3 || d->hdr[2] > 4) {
        app_anomaly(ctx, f, "INVALID_RECORD_VERSION");
        return -1;
    }
    if (len > TLS_REC_MAX) {
        app_anomaly(ctx, f, "RECORD_OVERFLOW");
        return -1;
    }
    d->rec_type = type;
    d->rec_left = len;
    switch (type) {
    case REC_APPDATA:
    case REC_ALERT:
        tls_finish(ctx, f, st, dir);
        break;
    case REC_CCS:
        /* the server changes cipher before its ServerHelloDone only when it
         * resumes a session (RFC 5246 §7.3, abbreviated handshake) */
        if (dir == DIR_TOCLIENT && st->sh.seen) {
            st->resumed = !st->cert.seen && st->sh.sid_len > 0 &&
                          st->sh.sid_len == st->ch.sid_len &&
                          memcmp(st->sh.sid, st->ch.sid, st->sh.sid_len) == 0;
            tls_finish(ctx, f, st, dir);
        }
        d->ccs = true;
        break;
    default:
        break;
    }
    return 0;
}

static int tls_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                     const uint8_t *data, size_t len, bool gap)
{
    struct tls_state *st = state;
    struct tls_dir *d = &st->d[dir];
    if (st->done)
        return 0;
    if (gap || !data) {
        tls_finish(ctx, f, st, dir); /* what was seen so far; the records are lost */
        return 0;
    }
    while (len > 0 && !st->done) {
        if (d->rec_left == 0) {
            size_t take = TLS_REC_HDR - d->hdr_have;
            if (take > len)
                take = len;
            memcpy(d->hdr + d->hdr_have, data, take);
            d->hdr_have += take;
            data += take;
            len -= take;
            if (d->hdr_have == TLS_REC_HDR && tls_record_start(ctx, f, st, dir) != 0)
                return -1;
            continue;
        }
        size_t take = d->rec_left < len ? d->rec_left : len;
        if (d->rec_type == REC_HANDSHAKE && !d->ccs &&
            tls_hs_feed(ctx, f, st, dir, data, take) != 0)
            return -1;
        d->rec_left -= take;
        data += take;
        len -= take;
    }
    return 0;
}

/* ---- detection and state -------------------------------------------------------------- */

bool tls_record_looks_like_handshake(const uint8_t *data, size_t len)
{
    struct rd r = rd_init(data, data ? len : 0);
    uint8_t type = rd_u8(&r), major = rd_u8(&r), minor = rd_u8(&r);
    uint16_t rlen = rd_be16(&r);
    if (r.err || type != REC_HANDSHAKE || major != 3 || minor > 4 || rlen < 4 ||
        rlen > TLS_REC_MAX)
        return false;
    uint8_t hs = rd_u8(&r);
    if (r.err)
        return true; /* only the record header so far */
    if (hs != HS_CLIENT_HELLO && hs != HS_SERVER_HELLO)
        return false;
    uint32_t hlen = rd_be24(&r);
    uint8_t vmajor = rd_u8(&r);
    if (r.err)
        return true;
    /* both hellos: version(2) random(32) session_id(1+) cipher(s)(2+) compression(1+) */
    return hlen >= 38 && vmajor == 3;
}

static bool tls_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)dir;
    (void)f;
    return len >= 6 && tls_record_looks_like_handshake(data, len);
}

static void *tls_state_new(void)
{
    return calloc(1, sizeof(struct tls_state));
}

static void tls_state_free(void *state)
{
    struct tls_state *st = state;
    if (!st)
        return;
    free(st->d[0].hs_buf);
    free(st->d[1].hs_buf);
    free(st);
}

const struct app_parser tls_parser = {
    .name = "tls",
    .ipproto = 6,
    .register_buffers = tls_register_buffers,
    .probe = tls_probe,
    .state_new = tls_state_new,
    .state_free = tls_state_free,
    .parse = tls_parse,
};

/* app-dns.c — DNS over UDP and TCP: RFC 1035 §4 (message format, §4.1.4
 * name compression, §4.2.2 TCP length prefix), RFC 6891 (EDNS OPT record),
 * RFC 3596 (AAAA), RFC 2782 (SRV).
 *
 *   +--------+--------+--------+--------+--------+--------+
 *   |   ID   | FLAGS  |QDCOUNT |ANCOUNT |NSCOUNT |ARCOUNT |   12-byte header
 *   +--------+--------+--------+--------+--------+--------+
 *   | question: NAME QTYPE(2) QCLASS(2)         x QDCOUNT |
 *   | RR: NAME TYPE(2) CLASS(2) TTL(4) RDLEN(2) RDATA     |   x AN+NS+AR
 *
 * Every message (a datagram, or one length-prefixed message of a TCP
 * stream) becomes one transaction and one `dns` event in Suricata 8's
 * version 3 shape. Names are decompressed with at most DNS_PTR_HOPS pointer
 * hops, DNS_NAME_WIRE_MAX wire bytes and DNS_LABELS_MAX labels; anything
 * malformed raises an anomaly and the flow is no longer parsed. */
#include "app.h"

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/detect-buffer.h"
#include "../output/eve.h"
#include "../output/json-text.h"
#include "../util/rd.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_WIRE_MAX 255 /* RFC 1035 §2.3.4, length bytes included */
#define DNS_LABELS_MAX 127    /* (255 - 1) / 2: one-byte labels */
#define DNS_PTR_HOPS 16
#define DNS_QUERIES_MAX 16    /* logged per message; the rest are checked, not kept */
#define DNS_ANSWERS_MAX 64
#define DNS_AUTH_MAX 16
#define DNS_TXT_MAX 1024      /* TXT rdata bytes kept for logging */
#define DNS_PROBE_QDCOUNT_MAX 8

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_PTR 12
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_SRV 33
#define DNS_TYPE_OPT 41

enum dns_err {
    DNS_OK = 0,
    DNS_E_TRUNCATED,   /* the message ends inside a field */
    DNS_E_MALFORMED,   /* a field that cannot be right (label type, rdlength) */
    DNS_E_LOOP,        /* more than DNS_PTR_HOPS compression pointers */
    DNS_E_NAME_LONG,   /* more than DNS_NAME_WIRE_MAX bytes */
    DNS_E_LABELS,      /* more than DNS_LABELS_MAX labels */
};

/* Suricata's app-layer event names for the same conditions. */
static const char *const dns_err_event[] = {
    [DNS_OK] = "",
    [DNS_E_TRUNCATED] = "MALFORMED_DATA",
    [DNS_E_MALFORMED] = "MALFORMED_DATA",
    [DNS_E_LOOP] = "INFINITE_LOOP",
    [DNS_E_NAME_LONG] = "NAME_TOO_LONG",
    [DNS_E_LABELS] = "TOO_MANY_LABELS",
};

/* A decompressed name in dotted form, no trailing dot; "" is the root. */
struct dns_name {
    uint16_t len;
    char s[DNS_NAME_WIRE_MAX + 1];
};

struct dns_query {
    struct dns_name name;
    uint16_t type;
};

struct dns_rr {
    struct dns_name name;
    uint16_t type;
    uint32_t ttl;
    struct span rdata;          /* raw rdata inside the message */
    struct dns_name target;     /* CNAME, NS, PTR, MX exchange, SRV target, SOA mname */
    struct dns_name target2;    /* SOA rname */
    uint8_t txt[DNS_TXT_MAX];
    uint16_t txt_len;
    bool has_rdata;             /* rdata is rendered as a string */
};

struct dns_msg {
    uint64_t tx_id;
    uint16_t id, flags;
    uint16_t qdcount, ancount, nscount, arcount;
    size_t nq, nan, nns;
    struct dns_query q[DNS_QUERIES_MAX];
    struct dns_rr an[DNS_ANSWERS_MAX];
    struct dns_rr ns[DNS_AUTH_MAX];
    int opt_count;
    uint16_t edns_udp_size;
};

/* ---- names ---------------------------------------------------------------- */

/* Reads the name at r (inside msg) into out and leaves r after its in-place
 * part. Pointers may go backward or forward within msg; the hop limit stops
 * loops. Label bytes are copied as they are (eve_string escapes them). */
static enum dns_err dns_name_read(const uint8_t *msg, size_t msglen, struct rd *r,
                                  struct dns_name *out)
{
    struct rd cur = *r;
    size_t wire = 1; /* the terminating zero */
    unsigned labels = 0, hops = 0;
    bool jumped = false;

    out->len = 0;
    out->s[0] = '\0';
    for (;;) {
        uint8_t l = rd_u8(&cur);
        if (cur.err)
            return DNS_E_TRUNCATED;
        if (l == 0)
            break;
        if ((l & 0xc0) == 0xc0) {
            uint16_t off = (uint16_t)((l & 0x3f) << 8 | rd_u8(&cur));
            if (cur.err)
                return DNS_E_TRUNCATED;
            if (!jumped)
                *r = cur;
            jumped = true;
            if (++hops > DNS_PTR_HOPS)
                return DNS_E_LOOP;
            if (off >= msglen)
                return DNS_E_MALFORMED;
            cur = rd_init(msg + off, msglen - off);
            continue;
        }
        if (l & 0xc0)
            return DNS_E_MALFORMED; /* 0x40 / 0x80: extended label types (RFC 6891 §5) */
        if (++labels > DNS_LABELS_MAX)
            return DNS_E_LABELS;
        wire += 1u + l;
        if (wire > DNS_NAME_WIRE_MAX)
            return DNS_E_NAME_LONG;
        struct span lab = rd_bytes(&cur, l);
        if (cur.err)
            return DNS_E_TRUNCATED;
        if (out->len > 0)
            out->s[out->len++] = '.';
        memcpy(out->s + out->len, lab.p, lab.len);
        out->len = (uint16_t)(out->len + lab.len);
        out->s[out->len] = '\0';
    }
    if (!jumped)
        *r = cur;
    return DNS_OK;
}

/* ---- messages ------------------------------------------------------------- */

static enum dns_err dns_rdata_name(const uint8_t *msg, size_t msglen, struct span rdata,
                                   size_t skip, struct dns_name *out, size_t *used)
{
    if (skip > rdata.len)
        return DNS_E_MALFORMED;
    size_t off = (size_t)(rdata.p - msg) + skip;
    /* The name may point anywhere in the message, but its in-place part must
     * stay inside rdata: read against the message, then check the length. */
    struct rd whole = rd_init(msg + off, msglen - off);
    enum dns_err e = dns_name_read(msg, msglen, &whole, out);
    if (e != DNS_OK)
        return e == DNS_E_TRUNCATED ? DNS_E_MALFORMED : e;
    size_t n = (size_t)(whole.p - (msg + off));
    if (n > rdata.len - skip)
        return DNS_E_MALFORMED;
    if (used)
        *used = skip + n;
    return DNS_OK;
}

static enum dns_err dns_rdata_parse(const uint8_t *msg, size_t msglen, struct dns_rr *rr)
{
    size_t used = 0;
    enum dns_err e = DNS_OK;

    switch (rr->type) {
    case DNS_TYPE_A:
        return rr->rdata.len == 4 ? (rr->has_rdata = true, DNS_OK) : DNS_E_MALFORMED;
    case DNS_TYPE_AAAA:
        return rr->rdata.len == 16 ? (rr->has_rdata = true, DNS_OK) : DNS_E_MALFORMED;
    case DNS_TYPE_CNAME:
    case DNS_TYPE_NS:
    case DNS_TYPE_PTR:
        e = dns_rdata_name(msg, msglen, rr->rdata, 0, &rr->target, &used);
        rr->has_rdata = e == DNS_OK;
        return e;
    case DNS_TYPE_MX:
        e = dns_rdata_name(msg, msglen, rr->rdata, 2, &rr->target, &used);
        rr->has_rdata = e == DNS_OK;
        return e;
    case DNS_TYPE_SRV:
        return dns_rdata_name(msg, msglen, rr->rdata, 6, &rr->target, &used);
    case DNS_TYPE_SOA:
        e = dns_rdata_name(msg, msglen, rr->rdata, 0, &rr->target, &used);
        if (e == DNS_OK)
            e = dns_rdata_name(msg, msglen, rr->rdata, used, &rr->target2, &used);
        if (e == DNS_OK && rr->rdata.len - used < 20)
            e = DNS_E_MALFORMED;
        return e;
    case DNS_TYPE_TXT: {
        /* <character-string>s, concatenated for the log */
        struct rd r = rd_init(rr->rdata.p, rr->rdata.len);
        while (rd_left(&r) > 0) {
            uint8_t l = rd_u8(&r);
            struct span s = rd_bytes(&r, l);
            if (r.err)
                return DNS_E_MALFORMED;
            size_t room = DNS_TXT_MAX - rr->txt_len;
            size_t n = s.len < room ? s.len : room;
            memcpy(rr->txt + rr->txt_len, s.p, n);
            rr->txt_len = (uint16_t)(rr->txt_len + n);
        }
        rr->has_rdata = true;
        return DNS_OK;
    }
    default:
        return DNS_OK;
    }
}

/* Reads one resource record; keep is where to store it (NULL: check only). */
static enum dns_err dns_rr_read(const uint8_t *msg, size_t msglen, struct rd *r,
                                struct dns_rr *keep, struct dns_msg *m, bool additional)
{
    struct dns_rr scratch;
    struct dns_rr *rr = keep ? keep : &scratch;
    memset(rr, 0, sizeof(*rr));
    enum dns_err e = dns_name_read(msg, msglen, r, &rr->name);
    if (e != DNS_OK)
        return e;
    rr->type = rd_be16(r);
    uint16_t cls = rd_be16(r);
    rr->ttl = rd_be32(r);
    uint16_t rdlen = rd_be16(r);
    rr->rdata = rd_bytes(r, rdlen);
    if (r->err)
        return DNS_E_TRUNCATED;
    if (rr->type == DNS_TYPE_OPT) {
        /* RFC 6891 §6.1.1: only in the additional section, owner is the root,
         * at most one per message; CLASS carries the UDP payload size. */
        if (!additional || rr->name.len != 0 || ++m->opt_count > 1)
            return DNS_E_MALFORMED;
        m->edns_udp_size = cls;
        return DNS_OK;
    }
    return dns_rdata_parse(msg, msglen, rr);
}

static enum dns_err dns_msg_parse(const uint8_t *msg, size_t len, struct dns_msg *m)
{
    struct rd r = rd_init(msg, len);
    m->id = rd_be16(&r);
    m->flags = rd_be16(&r);
    m->qdcount = rd_be16(&r);
    m->ancount = rd_be16(&r);
    m->nscount = rd_be16(&r);
    m->arcount = rd_be16(&r);
    if (r.err)
        return DNS_E_TRUNCATED;

    /* Counts are claims: every entry is read from the bytes present, so a
     * large count costs at most one pass over the message. */
    for (uint32_t i = 0; i < m->qdcount; i++) {
        struct dns_query scratch;
        struct dns_query *q = m->nq < DNS_QUERIES_MAX ? &m->q[m->nq] : &scratch;
        enum dns_err e = dns_name_read(msg, len, &r, &q->name);
        if (e != DNS_OK)
            return e;
        q->type = rd_be16(&r);
        rd_skip(&r, 2); /* QCLASS */
        if (r.err)
            return DNS_E_TRUNCATED;
        if (q != &scratch)
            m->nq++;
    }
    for (uint32_t i = 0; i < m->ancount; i++) {
        struct dns_rr *keep = m->nan < DNS_ANSWERS_MAX ? &m->an[m->nan] : NULL;
        enum dns_err e = dns_rr_read(msg, len, &r, keep, m, false);
        if (e != DNS_OK)
            return e;
        if (keep)
            m->nan++;
    }
    for (uint32_t i = 0; i < m->nscount; i++) {
        struct dns_rr *keep = m->nns < DNS_AUTH_MAX ? &m->ns[m->nns] : NULL;
        enum dns_err e = dns_rr_read(msg, len, &r, keep, m, false);
        if (e != DNS_OK)
            return e;
        if (keep)
            m->nns++;
    }
    for (uint32_t i = 0; i < m->arcount; i++) {
        enum dns_err e = dns_rr_read(msg, len, &r, NULL, m, true);
        if (e != DNS_OK)
            return e;
    }
    return DNS_OK;
}

/* ---- EVE ------------------------------------------------------------------ */

static const char *dns_rrtype_name(uint16_t t, char *buf, size_t buflen)
{
    static const struct {
        uint16_t t;
        const char *n;
    } names[] = {
        {1, "A"},       {2, "NS"},       {5, "CNAME"},   {6, "SOA"},     {10, "NULL"},
        {11, "WKS"},    {12, "PTR"},     {13, "HINFO"},  {15, "MX"},     {16, "TXT"},
        {17, "RP"},     {24, "SIG"},     {25, "KEY"},    {28, "AAAA"},   {29, "LOC"},
        {33, "SRV"},    {35, "NAPTR"},   {37, "CERT"},   {39, "DNAME"},  {41, "OPT"},
        {43, "DS"},     {44, "SSHFP"},   {46, "RRSIG"},  {47, "NSEC"},   {48, "DNSKEY"},
        {50, "NSEC3"},  {51, "NSEC3PARAM"}, {52, "TLSA"}, {64, "SVCB"},  {65, "HTTPS"},
        {99, "SPF"},    {249, "TKEY"},   {250, "TSIG"},  {252, "AXFR"},  {255, "ANY"},
        {256, "URI"},   {257, "CAA"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].t == t)
            return names[i].n;
    }
    snprintf(buf, buflen, "%u", (unsigned)t);
    return buf;
}

static const char *dns_rcode_name(unsigned rcode, char *buf, size_t buflen)
{
    static const char *const names[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
        "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
    };
    if (rcode < sizeof(names) / sizeof(names[0]))
        return names[rcode];
    snprintf(buf, buflen, "%u", rcode);
    return buf;
}

static void put_name(struct json_text *w, const char *key, const struct dns_name *n)
{
    jt_wire(w, key, (const uint8_t *)n->s, n->len);
}

static void put_rrtype(struct json_text *w, uint16_t type)
{
    char num[8];
    jt_string(w, "rrtype", dns_rrtype_name(type, num, sizeof(num)));
}

/* A and AAAA rdata in the text of an address (AAAA uncompressed, as
 * Suricata prints it). */
static void put_address_rdata(struct json_text *w, const uint8_t *p, uint8_t family)
{
    struct ww_addr a = {.family = family};
    memcpy(a.a, p, family == 4 ? 4 : 16);
    eve_put_addr(w, "rdata", &a);
}

static void dns_rdata_text(const struct dns_rr *rr, struct json_text *w)
{
    switch (rr->type) {
    case DNS_TYPE_A:
        put_address_rdata(w, rr->rdata.p, 4);
        break;
    case DNS_TYPE_AAAA:
        put_address_rdata(w, rr->rdata.p, 6);
        break;
    case DNS_TYPE_TXT:
        jt_wire(w, "rdata", rr->txt, rr->txt_len);
        break;
    case DNS_TYPE_SOA: {
        struct rd r = rd_init(rr->rdata.p + rr->rdata.len - 20, 20);
        jt_object(w, "soa");
        put_name(w, "mname", &rr->target);
        put_name(w, "rname", &rr->target2);
        jt_i64(w, "serial", rd_be32(&r));
        jt_i64(w, "refresh", rd_be32(&r));
        jt_i64(w, "retry", rd_be32(&r));
        jt_i64(w, "expire", rd_be32(&r));
        jt_i64(w, "minimum", rd_be32(&r));
        jt_end_object(w);
        break;
    }
    case DNS_TYPE_SRV: {
        struct rd r = rd_init(rr->rdata.p, rr->rdata.len);
        jt_object(w, "srv");
        jt_i64(w, "priority", rd_be16(&r));
        jt_i64(w, "weight", rd_be16(&r));
        jt_i64(w, "port", rd_be16(&r));
        put_name(w, "name", &rr->target);
        jt_end_object(w);
        break;
    }
    default:
        if (rr->has_rdata)
            put_name(w, "rdata", &rr->target);
        break;
    }
}

static void dns_rrs_text(struct json_text *w, const char *key, const struct dns_rr *rrs, size_t n)
{
    jt_array(w, key);
    for (size_t i = 0; i < n; i++) {
        jt_object(w, NULL);
        put_name(w, "rrname", &rrs[i].name);
        put_rrtype(w, rrs[i].type);
        jt_i64(w, "ttl", rrs[i].ttl);
        dns_rdata_text(&rrs[i], w);
        jt_end_object(w);
    }
    jt_end_array(w);
}

/* The flags word in lower-case hex without leading zeros. */
static void put_flags(struct json_text *w, uint16_t flags)
{
    static const char hex[] = "0123456789abcdef";
    char text[4];
    size_t n = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned digit = (flags >> shift) & 0xf;
        if (digit != 0 || n > 0 || shift == 0)
            text[n++] = hex[digit];
    }
    jt_string_len(w, "flags", text, n);
}

static void dns_to_text(const void *tx, struct json_text *w)
{
    static const struct {
        uint16_t bit;
        const char *key;
    } bits[] = {{0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"},
                {0x0100, "rd"}, {0x0080, "ra"}, {0x0040, "z"}};
    const struct dns_msg *m = tx;
    char num[16];
    bool response = m->flags & 0x8000;

    jt_object(w, "dns");
    jt_i64(w, "version", 3);
    jt_string(w, "type", response ? "response" : "request");
    jt_u64(w, "tx_id", m->tx_id);
    jt_i64(w, "id", m->id);
    put_flags(w, m->flags);
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (m->flags & bits[i].bit)
            jt_bool(w, bits[i].key, true);
    }
    jt_i64(w, "opcode", (m->flags >> 11) & 0xf);
    if (response)
        jt_string(w, "rcode", dns_rcode_name(m->flags & 0xf, num, sizeof(num)));
    if (m->nq > 0) {
        jt_array(w, "queries");
        for (size_t i = 0; i < m->nq; i++) {
            jt_object(w, NULL);
            put_name(w, "rrname", &m->q[i].name);
            put_rrtype(w, m->q[i].type);
            jt_end_object(w);
        }
        jt_end_array(w);
    }
    if (m->nan > 0)
        dns_rrs_text(w, "answers", m->an, m->nan);
    if (m->nns > 0)
        dns_rrs_text(w, "authorities", m->ns, m->nns);
    jt_end_object(w);
}

/* ---- transactions ---------------------------------------------------------- */

static int buf_dns_query = -1, buf_dns_rrname = -1;

static void dns_register_buffers(void)
{
    buf_dns_query = detect_buffer_register("dns.query", "dns", BUF_TOSERVER);
    buf_dns_rrname = detect_buffer_register("dns.queries.rrname", "dns",
                                            BUF_TOSERVER | BUF_TOCLIENT);
    detect_buffer_alias("dns_query", "dns.query");
}

static void add_buf(struct app_tx *tx, int id, const struct dns_name *n)
{
    if (id < 0 || tx->nbufs >= APP_TX_MAX_BUFS)
        return;
    tx->bufs[tx->nbufs].id = id;
    tx->bufs[tx->nbufs].data = (const uint8_t *)n->s;
    tx->bufs[tx->nbufs].len = n->len;
    tx->nbufs++;
}

struct dns_flow {
    uint64_t next_tx;
    /* TCP framing, per direction */
    struct dns_frame {
        uint8_t lenbuf[2];
        uint8_t have_len;
        uint16_t need;
        uint8_t *buf;
        size_t have, cap;
    } fr[2];
};

/* Parses one complete message and hands it over; returns 0 or -1 (anomaly raised). */
static int dns_message(struct app_ctx *ctx, struct flow *f, struct dns_flow *st,
                       enum flow_dir dir, const uint8_t *msg, size_t len)
{
    /* One message is parsed at a time (one engine per process: libnids), so
     * its 140 KiB live in one scratch reused for every message: allocating
     * and freeing that much per datagram made glibc consolidate its heap
     * each time. Entries are cleared as they are read; clearing all of it up
     * front cost more than parsing it. */
    static struct dns_msg *scratch;
    if (!scratch && !(scratch = malloc(sizeof(*scratch))))
        return -1;
    struct dns_msg *m = scratch;
    memset(m, 0, offsetof(struct dns_msg, q));
    m->opt_count = 0;
    m->edns_udp_size = 0;
    enum dns_err e = dns_msg_parse(msg, len, m);
    if (e != DNS_OK) {
        app_anomaly(ctx, f, dns_err_event[e]);
        return -1;
    }
    m->tx_id = st->next_tx++;

    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.event_type = "dns";
    tx.dir = dir;
    tx.log_in_dir = true; /* Suricata 8 (dns v3): a response is logged from the responder */
    tx.tx_id = m->tx_id;
    tx.to_text = dns_to_text;
    tx.tx = m;
    bool request = !(m->flags & 0x8000);
    for (size_t i = 0; i < m->nq; i++) {
        if (request)
            add_buf(&tx, buf_dns_query, &m->q[i].name);
        add_buf(&tx, buf_dns_rrname, &m->q[i].name);
    }
    app_tx_done(ctx, f, &tx);
    return 0;
}

/* ---- probing ---------------------------------------------------------------- */

/* A header with sane counts followed by a question that parses. A port alone
 * is not enough: everything on port 53 is not DNS, and DNS runs elsewhere. */
static bool dns_looks_valid(const uint8_t *msg, size_t len)
{
    struct rd r = rd_init(msg, len);
    rd_skip(&r, 2);
    uint16_t flags = rd_be16(&r);
    uint16_t qd = rd_be16(&r), an = rd_be16(&r), ns = rd_be16(&r), ar = rd_be16(&r);
    if (r.err)
        return false;
    unsigned opcode = (flags >> 11) & 0xf;
    if (opcode == 3 || opcode > 6)
        return false;
    if (qd == 0 || qd > DNS_PROBE_QDCOUNT_MAX)
        return false;
    /* a question is at least 5 bytes, a record at least 11 */
    if ((size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > len - DNS_HDR_LEN)
        return false;
    struct dns_name n;
    if (dns_name_read(msg, len, &r, &n) != DNS_OK)
        return false;
    uint16_t qtype = rd_be16(&r), qclass = rd_be16(&r);
    if (r.err || qtype == 0)
        return false;
    return qclass == 1 || qclass == 3 || qclass == 4 || qclass == 254 || qclass == 255;
}

static bool dns_udp_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)dir;
    (void)f;
    return data && dns_looks_valid(data, len);
}

static bool dns_tcp_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)dir;
    (void)f;
    if (!data || len < 2 + DNS_HDR_LEN)
        return false;
    size_t mlen = (size_t)data[0] << 8 | data[1];
    if (mlen < DNS_HDR_LEN)
        return false;
    /* only the part of the message that arrived is checked */
    return dns_looks_valid(data + 2, mlen < len - 2 ? mlen : len - 2);
}

/* ---- parser entry points ------------------------------------------------------ */

static void *dns_state_new(void)
{
    return calloc(1, sizeof(struct dns_flow));
}

static void dns_state_free(void *state)
{
    struct dns_flow *st = state;
    if (!st)
        return;
    free(st->fr[0].buf);
    free(st->fr[1].buf);
    free(st);
}

static int dns_udp_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                         const uint8_t *data, size_t len, bool gap)
{
    if (gap || !data)
        return 0;
    return dns_message(ctx, f, state, dir, data, len);
}

/* Appends up to need bytes; the buffer grows with the data, not with the claim. */
static bool frame_append(struct dns_frame *fr, const uint8_t *p, size_t n)
{
    if (fr->have + n > fr->cap) {
        size_t cap = fr->cap ? fr->cap : 512;
        while (cap < fr->have + n)
            cap *= 2;
        if (cap > 65535)
            cap = 65535;
        uint8_t *nb = realloc(fr->buf, cap);
        if (!nb)
            return false;
        fr->buf = nb;
        fr->cap = cap;
    }
    memcpy(fr->buf + fr->have, p, n);
    fr->have += n;
    return true;
}

static int dns_tcp_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                         const uint8_t *data, size_t len, bool gap)
{
    struct dns_flow *st = state;
    struct dns_frame *fr = &st->fr[dir];
    if (gap || !data)
        return -1; /* the length prefixes are lost */
    while (len > 0) {
        if (fr->have_len < 2) {
            fr->lenbuf[fr->have_len++] = *data++;
            len--;
            if (fr->have_len == 2) {
                fr->need = (uint16_t)(fr->lenbuf[0] << 8 | fr->lenbuf[1]);
                if (fr->need < DNS_HDR_LEN) {
                    app_anomaly(ctx, f, "MALFORMED_DATA");
                    return -1;
                }
            }
            continue;
        }
        size_t take = fr->need - fr->have;
        if (take > len)
            take = len;
        if (fr->have == 0 && take == fr->need) {
            /* whole message in this chunk: no copy */
            if (dns_message(ctx, f, st, dir, data, take) != 0)
                return -1;
        } else {
            if (!frame_append(fr, data, take))
                return -1;
            if (fr->have == fr->need) {
                int rc = dns_message(ctx, f, st, dir, fr->buf, fr->have);
                fr->have = 0;
                if (rc != 0)
                    return -1;
            }
        }
        if (fr->have == 0)
            fr->have_len = 0;
        data += take;
        len -= take;
    }
    return 0;
}

const struct app_parser dns_udp_parser = {
    .name = "dns",
    .ipproto = 17,
    .register_buffers = dns_register_buffers,
    .probe = dns_udp_probe,
    .state_new = dns_state_new,
    .state_free = dns_state_free,
    .parse = dns_udp_parse,
};

const struct app_parser dns_tcp_parser = {
    .name = "dns",
    .ipproto = 6,
    .register_buffers = dns_register_buffers,
    .probe = dns_tcp_probe,
    .state_new = dns_state_new,
    .state_free = dns_state_free,
    .parse = dns_tcp_parse,
};

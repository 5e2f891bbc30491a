/* test-app-dns.c — the DNS parser (app-dns.c): real dnsmasq / dig messages
 * from pcaps/dns-basic and pcaps/dns-tcp, every rrtype we render, name
 * compression (pointers backward, forward, loops, hop limit), label and
 * length caps, EDNS OPT placement, truncation at every offset, TCP framing
 * split at every offset, probes and sticky buffers. tx-capture.h defines
 * app_tx_done() and app_anomaly(), so the engine is not linked. */
#define TX_CAPTURE_EVENT_TYPE "dns"
#define TX_CAPTURE_MAX 16
#define TX_CAPTURE_BUF_LEN 300
#include "tx-capture.h"

extern const struct app_parser dns_udp_parser;
extern const struct app_parser dns_tcp_parser;

static struct flow flow;

static int udp(const uint8_t *p, size_t n, enum flow_dir dir, void *st)
{
    return dns_udp_parser.parse(NULL, &flow, st, dir, p, n, false);
}

/* One datagram through a fresh state; returns parse()'s result. */
static int udp1(const uint8_t *p, size_t n, enum flow_dir dir)
{
    void *st = dns_udp_parser.state_new();
    assert_non_null(st);
    int rc = udp(p, n, dir, st);
    dns_udp_parser.state_free(st);
    return rc;
}

/* ---- a tiny message builder for crafted cases ------------------------------------ */

struct msg {
    uint8_t b[2048];
    size_t n;
};

static void put8(struct msg *m, unsigned v)
{
    assert_true(m->n < sizeof(m->b));
    m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
    put16(m, v >> 16);
    put16(m, v & 0xffff);
}

static void putbytes(struct msg *m, const void *p, size_t n)
{
    assert_true(m->n + n <= sizeof(m->b));
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* "a.b.c" as labels and the root label */
static void putname(struct msg *m, const char *dotted)
{
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        size_t l = dot ? (size_t)(dot - dotted) : strlen(dotted);
        put8(m, (unsigned)l);
        putbytes(m, dotted, l);
        dotted += l + (dot ? 1 : 0);
    }
    put8(m, 0);
}

static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                   unsigned ar)
{
    m->n = 0;
    put16(m, 0xbeef);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
}

static void question(struct msg *m, const char *name, unsigned type)
{
    putname(m, name);
    put16(m, type);
    put16(m, 1);
}

/* an RR owned by a pointer to the question name at offset 12 */
static void rr_hdr(struct msg *m, unsigned type, uint32_t ttl, unsigned rdlen)
{
    put16(m, 0xc00c);
    put16(m, type);
    put16(m, 1);
    put32(m, ttl);
    put16(m, rdlen);
}

/* ---- captured messages (pcaps/dns-basic, pcaps/dns-tcp) ---- */

/* dig query: wallet.internal A, RD, EDNS OPT with a COOKIE option (56 bytes) */
static const uint8_t dns_q_a[] = {
    0xf6, 0x04, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
    0xd6, 0x24, 0x8f, 0x8d, 0x76, 0xbb, 0x0e, 0x57,
};
/* dnsmasq: wallet.internal A 10.99.2.80, AA RD RA (60 bytes) */
static const uint8_t dns_r_a[] = {
    0xf6, 0x04, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x01, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x63, 0x02,
    0x50, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: wallet.internal AAAA fd00:99:2::80 (72 bytes) */
static const uint8_t dns_r_aaaa[] = {
    0x25, 0xaa, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x1c, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xfd, 0x00, 0x00,
    0x99, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x29,
    0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: www.wallet.internal CNAME wallet.internal, A 10.99.2.80 (93 bytes) */
static const uint8_t dns_r_cname[] = {
    0xb0, 0x84, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77,
    0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c,
    0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x11, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61,
    0x6c, 0x00, 0xc0, 0x31, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x63,
    0x02, 0x50, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: wallet.internal MX 10 mail.wallet.internal (+ its A in additionals) (96 bytes) */
static const uint8_t dns_r_mx[] = {
    0x33, 0x4f, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x0f, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x0a, 0x04,
    0x6d, 0x61, 0x69, 0x6c, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65,
    0x72, 0x6e, 0x61, 0x6c, 0x00, 0xc0, 0x2f, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x04, 0x0a, 0x63, 0x02, 0x19, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: wallet.internal TXT "v=spf1 -all" (68 bytes) */
static const uint8_t dns_r_txt[] = {
    0x55, 0xc2, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x10, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0b, 0x76, 0x3d,
    0x73, 0x70, 0x66, 0x31, 0x20, 0x2d, 0x61, 0x6c, 0x6c, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: _electrum._tcp.wallet.internal SRV 0 5 50002 wallet.internal (138 bytes) */
static const uint8_t dns_r_srv[] = {
    0xf8, 0x6e, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x09, 0x5f, 0x65, 0x6c,
    0x65, 0x63, 0x74, 0x72, 0x75, 0x6d, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x06, 0x77, 0x61, 0x6c, 0x6c,
    0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x21, 0x00, 0x01,
    0xc0, 0x0c, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x05,
    0xc3, 0x52, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e,
    0x61, 0x6c, 0x00, 0xc0, 0x42, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a,
    0x63, 0x02, 0x50, 0xc0, 0x42, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xfd,
    0x00, 0x00, 0x99, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00,
    0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* dnsmasq: 80.2.99.10.in-addr.arpa PTR wallet.internal (81 bytes) */
static const uint8_t dns_r_ptr[] = {
    0x5f, 0x77, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x02, 0x38, 0x30, 0x01,
    0x32, 0x02, 0x39, 0x39, 0x02, 0x31, 0x30, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0x04,
    0x61, 0x72, 0x70, 0x61, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x11, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74,
    0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00,
};
/* dnsmasq: nothere.wallet.internal NXDOMAIN (52 bytes) */
static const uint8_t dns_r_nx[] = {
    0x82, 0x88, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07, 0x6e, 0x6f, 0x74,
    0x68, 0x65, 0x72, 0x65, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65,
    0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
/* dig +tcp +keepopen: three length-prefixed queries on one connection (178 bytes) */
static const uint8_t dns_tcp_queries[] = {
    0x00, 0x38, 0x52, 0xcd, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77,
    0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a,
    0x00, 0x08, 0xc7, 0x55, 0xd3, 0x95, 0x48, 0x88, 0xd0, 0x69, 0x00, 0x3c, 0xb0, 0x18, 0x01, 0x20,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x06, 0x77, 0x61, 0x6c,
    0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
    0xc7, 0x55, 0xd3, 0x95, 0x48, 0x88, 0xd0, 0x69, 0x00, 0x38, 0xcd, 0x98, 0x01, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e,
    0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0xc7, 0x55, 0xd3, 0x95, 0x48, 0x88,
    0xd0, 0x69,
};
/* dnsmasq: the three length-prefixed responses (255 bytes) */
static const uint8_t dns_tcp_responses[] = {
    0x00, 0x3c, 0x52, 0xcd, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x77,
    0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00,
    0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a,
    0x63, 0x02, 0x50, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5d,
    0xb0, 0x18, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77,
    0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c,
    0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x11, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61,
    0x6c, 0x00, 0xc0, 0x31, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x63,
    0x02, 0x50, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0xcd,
    0x98, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x06, 0x77, 0x61, 0x6c, 0x6c,
    0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x00, 0x00, 0x0f, 0x00, 0x01,
    0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x00, 0x0a, 0x04, 0x6d,
    0x61, 0x69, 0x6c, 0x06, 0x77, 0x61, 0x6c, 0x6c, 0x65, 0x74, 0x08, 0x69, 0x6e, 0x74, 0x65, 0x72,
    0x6e, 0x61, 0x6c, 0x00, 0xc0, 0x2f, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
    0x0a, 0x63, 0x02, 0x19, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ---- real messages ------------------------------------------------------------- */

static void test_query_real(void **state)
{
    (void)state;
    dns_udp_parser.register_buffers();
    assert_int_equal(udp1(dns_q_a, sizeof(dns_q_a), DIR_TOSERVER), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(nanomaly, 0);
    assert_string_equal(jstr(0, "dns.type"), "request");
    assert_int_equal(jint(0, "dns.version"), 3);
    assert_int_equal(jint(0, "dns.tx_id"), 0);
    assert_int_equal(jint(0, "dns.id"), (dns_q_a[0] << 8) | dns_q_a[1]);
    assert_string_equal(jstr(0, "dns.flags"), "120"); /* RD + AD, as dig sends */
    assert_true(json_object_get_boolean(jpath(txs[0].ev, "dns.rd")));
    assert_false(has(0, "dns.qr"));
    assert_false(has(0, "dns.rcode"));
    assert_int_equal(jint(0, "dns.opcode"), 0);
    assert_string_equal(jstr(0, "dns.queries.0.rrname"), "wallet.internal");
    assert_string_equal(jstr(0, "dns.queries.0.rrtype"), "A");
    assert_false(has(0, "dns.answers")); /* the OPT record is not an answer */
    /* dns.query (requests only) and dns.queries.rrname */
    assert_int_equal(txs[0].nbufs, 2);
    assert_int_equal(txs[0].buf_id[0], detect_buffer_id("dns.query"));
    assert_int_equal(txs[0].buf_id[0], detect_buffer_id("dns_query"));
    assert_string_equal(txs[0].buf[0], "wallet.internal");
    assert_int_equal(txs[0].buf_id[1], detect_buffer_id("dns.queries.rrname"));
    assert_int_equal(detect_buffer_dirs(detect_buffer_id("dns.query")), BUF_TOSERVER);
    assert_string_equal(detect_buffer_app_proto(detect_buffer_id("dns.query")), "dns");
}

static void test_response_a(void **state)
{
    (void)state;
    dns_udp_parser.register_buffers();
    assert_int_equal(udp1(dns_r_a, sizeof(dns_r_a), DIR_TOCLIENT), 0);
    assert_int_equal(ntx, 1);
    assert_int_equal(txs[0].dir, DIR_TOCLIENT);
    assert_string_equal(jstr(0, "dns.type"), "response");
    assert_string_equal(jstr(0, "dns.flags"), "8580");
    assert_true(has(0, "dns.qr") && has(0, "dns.aa") && has(0, "dns.rd") && has(0, "dns.ra"));
    assert_false(has(0, "dns.tc") || has(0, "dns.z"));
    assert_string_equal(jstr(0, "dns.rcode"), "NOERROR");
    assert_string_equal(jstr(0, "dns.answers.0.rrname"), "wallet.internal");
    assert_string_equal(jstr(0, "dns.answers.0.rrtype"), "A");
    assert_int_equal(jint(0, "dns.answers.0.ttl"), 0);
    assert_string_equal(jstr(0, "dns.answers.0.rdata"), "10.99.2.80");
    assert_false(has(0, "dns.answers.1"));
    /* responses carry dns.queries.rrname only */
    assert_int_equal(txs[0].nbufs, 1);
    assert_int_equal(txs[0].buf_id[0], detect_buffer_id("dns.queries.rrname"));
}

static void test_rrtypes_real(void **state)
{
    (void)state;
    assert_int_equal(udp1(dns_r_aaaa, sizeof(dns_r_aaaa), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(0, "dns.answers.0.rrtype"), "AAAA");
    assert_string_equal(jstr(0, "dns.answers.0.rdata"), "fd00:0099:0002:0000:0000:0000:0000:0080");
    assert_int_equal(udp1(dns_r_cname, sizeof(dns_r_cname), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(1, "dns.answers.0.rrname"), "www.wallet.internal");
    assert_string_equal(jstr(1, "dns.answers.0.rrtype"), "CNAME");
    assert_string_equal(jstr(1, "dns.answers.0.rdata"), "wallet.internal");
    assert_string_equal(jstr(1, "dns.answers.1.rrname"), "wallet.internal");
    assert_string_equal(jstr(1, "dns.answers.1.rdata"), "10.99.2.80");
    assert_int_equal(udp1(dns_r_mx, sizeof(dns_r_mx), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(2, "dns.answers.0.rrtype"), "MX");
    assert_string_equal(jstr(2, "dns.answers.0.rdata"), "mail.wallet.internal");
    assert_int_equal(udp1(dns_r_txt, sizeof(dns_r_txt), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(3, "dns.answers.0.rrtype"), "TXT");
    assert_string_equal(jstr(3, "dns.answers.0.rdata"), "v=spf1 -all");
    assert_int_equal(udp1(dns_r_srv, sizeof(dns_r_srv), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(4, "dns.answers.0.rrtype"), "SRV");
    assert_false(has(4, "dns.answers.0.rdata"));
    assert_int_equal(jint(4, "dns.answers.0.srv.priority"), 0);
    assert_int_equal(jint(4, "dns.answers.0.srv.weight"), 5);
    assert_int_equal(jint(4, "dns.answers.0.srv.port"), 50002);
    assert_string_equal(jstr(4, "dns.answers.0.srv.name"), "wallet.internal");
    assert_int_equal(udp1(dns_r_ptr, sizeof(dns_r_ptr), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(5, "dns.queries.0.rrname"), "80.2.99.10.in-addr.arpa");
    assert_string_equal(jstr(5, "dns.answers.0.rrtype"), "PTR");
    assert_string_equal(jstr(5, "dns.answers.0.rdata"), "wallet.internal");
    assert_int_equal(udp1(dns_r_nx, sizeof(dns_r_nx), DIR_TOCLIENT), 0);
    assert_string_equal(jstr(6, "dns.rcode"), "NXDOMAIN");
    assert_false(has(6, "dns.answers"));
    assert_int_equal(nanomaly, 0);
}

/* NS, SOA (as an authority), an unknown type (no rdata), a multi-string TXT */
static void test_rrtypes_crafted(void **state)
{
    (void)state;
    struct msg m;
    header(&m, 0x8180, 1, 3, 1, 0);
    question(&m, "example.org", 2);
    rr_hdr(&m, 2, 3600, 6);
    put8(&m, 3);
    putbytes(&m, "ns1", 3);
    put16(&m, 0xc00c); /* ns1.example.org */
    rr_hdr(&m, 65280, 7, 3);
    putbytes(&m, "xyz", 3);
    rr_hdr(&m, 16, 60, 9); /* "abc" "def" "" */
    put8(&m, 3);
    putbytes(&m, "abc", 3);
    put8(&m, 3);
    putbytes(&m, "def", 3);
    put8(&m, 0);
    /* SOA: mname ns1 (pointer), rname hostmaster.example.org, five numbers */
    rr_hdr(&m, 6, 300, 2 + 13 + 20);
    put16(&m, 0xc000 | 41); /* ns1.example.org, the NS rdata above */
    put8(&m, 10);
    putbytes(&m, "hostmaster", 10);
    put16(&m, 0xc00c);
    put32(&m, 2024053101);
    put32(&m, 7200);
    put32(&m, 900);
    put32(&m, 1209600);
    put32(&m, 86400);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), 0);
    assert_int_equal(nanomaly, 0);
    assert_string_equal(jstr(0, "dns.answers.0.rrtype"), "NS");
    assert_string_equal(jstr(0, "dns.answers.0.rdata"), "ns1.example.org");
    assert_string_equal(jstr(0, "dns.answers.1.rrtype"), "65280");
    assert_false(has(0, "dns.answers.1.rdata"));
    assert_string_equal(jstr(0, "dns.answers.2.rdata"), "abcdef");
    assert_string_equal(jstr(0, "dns.authorities.0.rrtype"), "SOA");
    assert_string_equal(jstr(0, "dns.authorities.0.soa.mname"), "ns1.example.org");
    assert_string_equal(jstr(0, "dns.authorities.0.soa.rname"), "hostmaster.example.org");
    assert_int_equal(jint(0, "dns.authorities.0.soa.serial"), 2024053101);
    assert_int_equal(jint(0, "dns.authorities.0.soa.minimum"), 86400);
    assert_false(has(0, "dns.authorities.0.rdata"));
}

static void test_flags_and_rcodes(void **state)
{
    (void)state;
    struct msg m;
    header(&m, 0x8000 | (2 << 11) | 0x0200 | 0x0040 | 5, 1, 0, 0, 0);
    question(&m, "x.org", 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), 0);
    assert_string_equal(jstr(0, "dns.flags"), "9245");
    assert_true(has(0, "dns.tc") && has(0, "dns.z"));
    assert_int_equal(jint(0, "dns.opcode"), 2);
    assert_string_equal(jstr(0, "dns.rcode"), "REFUSED");
    header(&m, 0x800f, 1, 0, 0, 0);
    question(&m, "x.org", 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), 0);
    assert_string_equal(jstr(1, "dns.rcode"), "15");
}

/* tx ids count messages of the flow: a request and its response are two */
static void test_tx_ids(void **state)
{
    (void)state;
    void *st = dns_udp_parser.state_new();
    assert_int_equal(udp(dns_q_a, sizeof(dns_q_a), DIR_TOSERVER, st), 0);
    assert_int_equal(udp(dns_r_a, sizeof(dns_r_a), DIR_TOCLIENT, st), 0);
    dns_udp_parser.state_free(st);
    assert_int_equal(txs[0].tx_id, 0);
    assert_int_equal(txs[1].tx_id, 1);
    assert_int_equal(jint(1, "dns.tx_id"), 1);
}

/* ---- malformed input ----------------------------------------------------------------- */

static void test_truncation_every_offset(void **state)
{
    (void)state;
    const struct {
        const uint8_t *p;
        size_t n;
    } msgs[] = {{dns_q_a, sizeof(dns_q_a)},     {dns_r_cname, sizeof(dns_r_cname)},
                {dns_r_mx, sizeof(dns_r_mx)},   {dns_r_srv, sizeof(dns_r_srv)},
                {dns_r_txt, sizeof(dns_r_txt)}, {dns_r_aaaa, sizeof(dns_r_aaaa)}};
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        for (size_t k = 0; k < msgs[i].n; k++) {
            /* an exact-size heap copy, so ASan sees any read past the end */
            uint8_t *copy = malloc(k ? k : 1);
            memcpy(copy, msgs[i].p, k);
            reset();
            assert_int_equal(udp1(copy, k, DIR_TOCLIENT), -1);
            assert_int_equal(ntx, 0);
            assert_int_equal(nanomaly, 1);
            assert_string_equal(last_anomaly, "MALFORMED_DATA");
            free(copy);
        }
    }
}

static void test_pointer_self_loop(void **state)
{
    (void)state;
    struct msg m;
    header(&m, 0x0100, 1, 0, 0, 0);
    put16(&m, 0xc00c); /* points at itself */
    put16(&m, 1);
    put16(&m, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "INFINITE_LOOP");
    assert_int_equal(ntx, 0);
}

/* "a" -> pointer to "b" -> pointer back to "a": stopped by the hop limit */
static void test_pointer_mutual_loop(void **state)
{
    (void)state;
    struct msg m;
    header(&m, 0x0100, 1, 0, 0, 0);
    put8(&m, 1);
    putbytes(&m, "a", 1);
    put16(&m, 0xc000 | 20); /* offset 14 */
    put16(&m, 1);
    put16(&m, 1);
    put8(&m, 1);            /* offset 20 */
    putbytes(&m, "b", 1);
    put16(&m, 0xc00c);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "INFINITE_LOOP");
    assert_int_equal(ntx, 0);
}

/* An unknown-type answer whose rdata holds n pointers, each to the one
 * before (the first to the question name "end"), then an NS answer whose
 * rdata points at the last: resolving it takes n + 1 hops. */
static void pointer_chain(struct msg *m, unsigned n)
{
    header(m, 0x8180, 1, 2, 0, 0);
    question(m, "end", 1);
    rr_hdr(m, 65280, 0, 2 * n);
    size_t first = m->n, prev = 12;
    for (unsigned i = 0; i < n; i++) {
        put16(m, 0xc000 | (unsigned)prev);
        prev = first + 2 * i;
    }
    rr_hdr(m, 2, 0, 2);
    put16(m, 0xc000 | (unsigned)prev);
}

static void test_pointer_hop_limit(void **state)
{
    (void)state;
    struct msg m;
    pointer_chain(&m, 15); /* 16 hops: allowed */
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), 0);
    assert_string_equal(jstr(0, "dns.answers.1.rdata"), "end");
    pointer_chain(&m, 16); /* 17 hops */
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    assert_string_equal(last_anomaly, "INFINITE_LOOP");
    assert_int_equal(ntx, 1);
}

static void test_pointer_forward_and_backward(void **state)
{
    (void)state;
    struct msg m;
    /* the question's name points forward to the answer's rdata (offset 30);
     * the answer's owner points back to the question name */
    header(&m, 0x8180, 1, 1, 0, 0);
    put16(&m, 0xc000 | 30);
    put16(&m, 5);
    put16(&m, 1);
    put16(&m, 0xc00c);
    put16(&m, 5);
    put16(&m, 1);
    put32(&m, 30);
    put16(&m, 7);
    putname(&m, "ab.cd");
    assert_int_equal(m.n, 37);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), 0);
    assert_string_equal(jstr(0, "dns.queries.0.rrname"), "ab.cd");
    assert_string_equal(jstr(0, "dns.answers.0.rrname"), "ab.cd");
    assert_string_equal(jstr(0, "dns.answers.0.rdata"), "ab.cd");
    /* a pointer past the end */
    header(&m, 0x0100, 1, 0, 0, 0);
    put16(&m, 0xc000 | 200);
    put16(&m, 1);
    put16(&m, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "MALFORMED_DATA");
}

static void test_label_caps(void **state)
{
    (void)state;
    struct msg m;
    char name[600];
    /* 127 one-byte labels: 255 wire bytes, the most allowed */
    size_t o = 0;
    for (int i = 0; i < 127; i++)
        o += (size_t)snprintf(name + o, sizeof(name) - o, "%sa", i ? "." : "");
    header(&m, 0x0100, 1, 0, 0, 0);
    question(&m, name, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), 0);
    assert_int_equal(strlen(jstr(0, "dns.queries.0.rrname")), 253);
    /* 128 labels */
    snprintf(name + o, sizeof(name) - o, ".b");
    header(&m, 0x0100, 1, 0, 0, 0);
    question(&m, name, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "TOO_MANY_LABELS");
    /* four 63-byte labels: 257 wire bytes */
    char l63[64];
    memset(l63, 'x', 63);
    l63[63] = '\0';
    snprintf(name, sizeof(name), "%s.%s.%s.%s", l63, l63, l63, l63);
    header(&m, 0x0100, 1, 0, 0, 0);
    question(&m, name, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "NAME_TOO_LONG");
    /* three 63-byte labels and one of 61: 255 bytes, fine */
    snprintf(name, sizeof(name), "%s.%s.%s.%.61s", l63, l63, l63, l63);
    header(&m, 0x0100, 1, 0, 0, 0);
    question(&m, name, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), 0);
    /* label length 64..191: the 0x40 / 0x80 extended label types */
    header(&m, 0x0100, 1, 0, 0, 0);
    put8(&m, 0x40);
    for (int i = 0; i < 64; i++)
        put8(&m, 'y');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "MALFORMED_DATA");
}

static void test_edns(void **state)
{
    (void)state;
    struct msg m;
    /* OPT in the additional section, root owner: fine (dig's query has one too) */
    header(&m, 0x0100, 1, 0, 0, 1);
    question(&m, "wallet.internal", 1);
    put8(&m, 0);
    put16(&m, 41);
    put16(&m, 1232);
    put32(&m, 0x00008000); /* DO */
    put16(&m, 0);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), 0);
    assert_int_equal(ntx, 1);
    /* two OPT records */
    header(&m, 0x0100, 1, 0, 0, 2);
    question(&m, "wallet.internal", 1);
    for (int i = 0; i < 2; i++) {
        put8(&m, 0);
        put16(&m, 41);
        put16(&m, 1232);
        put32(&m, 0);
        put16(&m, 0);
    }
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
    assert_string_equal(last_anomaly, "MALFORMED_DATA");
    /* OPT as an answer */
    header(&m, 0x8180, 1, 1, 0, 0);
    question(&m, "wallet.internal", 1);
    put8(&m, 0);
    put16(&m, 41);
    put16(&m, 1232);
    put32(&m, 0);
    put16(&m, 0);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    /* OPT with a non-root owner */
    header(&m, 0x0100, 1, 0, 0, 1);
    question(&m, "wallet.internal", 1);
    put16(&m, 0xc00c);
    put16(&m, 41);
    put16(&m, 1232);
    put32(&m, 0);
    put16(&m, 0);
    assert_int_equal(udp1(m.b, m.n, DIR_TOSERVER), -1);
}

static void test_bad_rdata_lengths(void **state)
{
    (void)state;
    struct msg m;
    header(&m, 0x8180, 1, 1, 0, 0);
    question(&m, "a.b", 1);
    rr_hdr(&m, 1, 0, 5); /* A with 5 bytes */
    putbytes(&m, "\1\2\3\4\5", 5);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    /* a CNAME whose name runs past its rdlength */
    header(&m, 0x8180, 1, 1, 0, 0);
    question(&m, "a.b", 1);
    rr_hdr(&m, 5, 0, 2);
    putname(&m, "cc.dd");
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    /* rdlength past the end of the message */
    header(&m, 0x8180, 1, 1, 0, 0);
    question(&m, "a.b", 1);
    rr_hdr(&m, 16, 0, 300);
    putbytes(&m, "\3abc", 4);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    /* a count far beyond the data */
    header(&m, 0x8180, 1, 65535, 0, 0);
    question(&m, "a.b", 1);
    assert_int_equal(udp1(m.b, m.n, DIR_TOCLIENT), -1);
    assert_int_equal(ntx, 0);
}

/* ---- TCP framing ------------------------------------------------------------------------ */

static void tcp_feed_split(const uint8_t *p, size_t n, enum flow_dir dir, size_t k)
{
    void *st = dns_tcp_parser.state_new();
    uint8_t *a = malloc(k ? k : 1), *b = malloc(n - k ? n - k : 1);
    memcpy(a, p, k);
    memcpy(b, p + k, n - k);
    if (k)
        assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, dir, a, k, false), 0);
    if (n - k)
        assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, dir, b, n - k, false), 0);
    free(a);
    free(b);
    dns_tcp_parser.state_free(st);
}

static void test_tcp_split_every_offset(void **state)
{
    (void)state;
    dns_tcp_parser.register_buffers();
    for (size_t k = 0; k <= sizeof(dns_tcp_queries); k++) {
        reset();
        tcp_feed_split(dns_tcp_queries, sizeof(dns_tcp_queries), DIR_TOSERVER, k);
        assert_int_equal(ntx, 3);
        assert_int_equal(nanomaly, 0);
        assert_string_equal(jstr(0, "dns.queries.0.rrname"), "wallet.internal");
        assert_string_equal(jstr(1, "dns.queries.0.rrname"), "www.wallet.internal");
        assert_string_equal(jstr(2, "dns.queries.0.rrtype"), "MX");
        assert_int_equal(txs[2].tx_id, 2);
    }
    for (size_t k = 0; k <= sizeof(dns_tcp_responses); k++) {
        reset();
        tcp_feed_split(dns_tcp_responses, sizeof(dns_tcp_responses), DIR_TOCLIENT, k);
        assert_int_equal(ntx, 3);
        assert_string_equal(jstr(1, "dns.answers.0.rdata"), "wallet.internal");
        assert_string_equal(jstr(2, "dns.answers.0.rdata"), "mail.wallet.internal");
    }
}

static void test_tcp_byte_by_byte(void **state)
{
    (void)state;
    void *st = dns_tcp_parser.state_new();
    for (size_t i = 0; i < sizeof(dns_tcp_queries); i++)
        assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, DIR_TOSERVER, dns_tcp_queries + i,
                                              1, false), 0);
    dns_tcp_parser.state_free(st);
    assert_int_equal(ntx, 3);
}

static void test_tcp_bad_frames(void **state)
{
    (void)state;
    static const uint8_t short_len[] = {0x00, 0x05, 1, 2, 3, 4, 5};
    void *st = dns_tcp_parser.state_new();
    assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, DIR_TOSERVER, short_len,
                                          sizeof(short_len), false), -1);
    assert_string_equal(last_anomaly, "MALFORMED_DATA");
    dns_tcp_parser.state_free(st);
    /* a gap loses the framing */
    st = dns_tcp_parser.state_new();
    assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, DIR_TOSERVER, NULL, 10, true), -1);
    dns_tcp_parser.state_free(st);
    /* a frame declaring 65535 bytes that never arrive: buffered as it comes, no event */
    uint8_t big[2 + 100] = {0xff, 0xff};
    memcpy(big + 2, dns_q_a, sizeof(dns_q_a));
    st = dns_tcp_parser.state_new();
    assert_int_equal(dns_tcp_parser.parse(NULL, &flow, st, DIR_TOSERVER, big, sizeof(big),
                                          false), 0);
    dns_tcp_parser.state_free(st);
    assert_int_equal(ntx, 0);
}

/* ---- probes --------------------------------------------------------------------- */

static void test_probes(void **state)
{
    (void)state;
    assert_true(dns_udp_parser.probe(dns_q_a, sizeof(dns_q_a), DIR_TOSERVER, &flow));
    assert_true(dns_udp_parser.probe(dns_r_cname, sizeof(dns_r_cname), DIR_TOCLIENT, &flow));
    assert_true(dns_tcp_parser.probe(dns_tcp_queries, sizeof(dns_tcp_queries), DIR_TOSERVER,
                                     &flow));
    static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: wallet.internal\r\n\r\n";
    assert_false(dns_udp_parser.probe(http, sizeof(http) - 1, DIR_TOSERVER, &flow));
    assert_false(dns_tcp_parser.probe(http, sizeof(http) - 1, DIR_TOSERVER, &flow));
    assert_false(dns_udp_parser.probe(dns_q_a, 11, DIR_TOSERVER, &flow));
    struct msg m;
    header(&m, 0x0100, 0, 0, 0, 0); /* no question */
    assert_false(dns_udp_parser.probe(m.b, m.n, DIR_TOSERVER, &flow));
    header(&m, 0x0100, 1, 0, 0, 0);
    question(&m, "a.b", 1);
    assert_true(dns_udp_parser.probe(m.b, m.n, DIR_TOSERVER, &flow));
    m.b[m.n - 1] = 9; /* class 9 */
    assert_false(dns_udp_parser.probe(m.b, m.n, DIR_TOSERVER, &flow));
    header(&m, 0x0100, 1, 200, 0, 0); /* 200 answers cannot fit */
    question(&m, "a.b", 1);
    assert_false(dns_udp_parser.probe(m.b, m.n, DIR_TOSERVER, &flow));
    assert_false(dns_udp_parser.probe(NULL, 0, DIR_TOSERVER, &flow));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_query_real, teardown),
        cmocka_unit_test_teardown(test_response_a, teardown),
        cmocka_unit_test_teardown(test_rrtypes_real, teardown),
        cmocka_unit_test_teardown(test_rrtypes_crafted, teardown),
        cmocka_unit_test_teardown(test_flags_and_rcodes, teardown),
        cmocka_unit_test_teardown(test_tx_ids, teardown),
        cmocka_unit_test_teardown(test_truncation_every_offset, teardown),
        cmocka_unit_test_teardown(test_pointer_self_loop, teardown),
        cmocka_unit_test_teardown(test_pointer_mutual_loop, teardown),
        cmocka_unit_test_teardown(test_pointer_hop_limit, teardown),
        cmocka_unit_test_teardown(test_pointer_forward_and_backward, teardown),
        cmocka_unit_test_teardown(test_label_caps, teardown),
        cmocka_unit_test_teardown(test_edns, teardown),
        cmocka_unit_test_teardown(test_bad_rdata_lengths, teardown),
        cmocka_unit_test_teardown(test_tcp_split_every_offset, teardown),
        cmocka_unit_test_teardown(test_tcp_byte_by_byte, teardown),
        cmocka_unit_test_teardown(test_tcp_bad_frames, teardown),
        cmocka_unit_test_teardown(test_probes, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

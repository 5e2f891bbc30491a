/* decode-l4.c — the transport header after IPv4 / IPv6: TCP (RFC 9293 §3.1,
 * options §3.2), UDP (RFC 768), ICMPv4 (RFC 792), ICMPv6 (RFC 4443 §2.1).
 *
 * p/len is the IP payload, already cut to the IP length. In a first
 * fragment the header may be cut short by fragmentation and the UDP length
 * covers the whole datagram: then a short header is not an anomaly (the
 * reassembled packet is checked) and the UDP length is not compared. */
#include "../util/rd.h"
#include "decode.h"

#define L4_ICMP 1
#define L4_TCP 6
#define L4_UDP 17
#define L4_ICMPV6 58

#define TCP_HDR_LEN 20
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define UDP_HDR_LEN 8
#define UDP_PORT_VXLAN 4789 /* RFC 7348 §5 */

static enum decode_result l4_short(struct decode_ctx *c, bool first_frag, enum decode_event ev)
{
    if (first_frag)
        return DECODE_OK;
    return decode_invalid(c, ev);
}

static void l4_fill(struct pkt *pkt, const uint8_t *p, size_t len, const uint8_t *payload,
                    size_t payload_len)
{
    pkt->has_l4 = true;
    pkt->l4 = p;
    pkt->l4_len = len;
    pkt->payload = payload;
    pkt->payload_len = payload_len;
}

/* RFC 9293 §3.2: kinds 0 and 1 are one byte, the others carry a length
 * that counts kind and length and must stay inside the header. */
static bool tcp_options_ok(const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    while (rd_left(&r) > 0) {
        uint8_t kind = rd_u8(&r);
        if (kind == TCP_OPT_EOL)
            return true;
        if (kind == TCP_OPT_NOP)
            continue;
        uint8_t olen = rd_u8(&r);
        if (r.err || olen < 2 || (size_t)(olen - 2) > rd_left(&r))
            return false;
        rd_skip(&r, (size_t)olen - 2);
    }
    return true;
}

static enum decode_result decode_tcp(struct decode_ctx *c, const uint8_t *p, size_t len,
                                     bool first_frag)
{
    c->ctr[CTR_DECODER_TCP]++;
    struct pkt *pkt = c->pkt;

    struct rd r = rd_init(p, len);
    uint16_t sport = rd_be16(&r);
    uint16_t dport = rd_be16(&r);
    uint32_t seq = rd_be32(&r);
    uint32_t ack = rd_be32(&r);
    uint8_t off = rd_u8(&r);
    uint8_t flags = rd_u8(&r);
    uint16_t win = rd_be16(&r);
    rd_skip(&r, 4);
    if (r.err)
        return l4_short(c, first_frag, DEV_TCP_PKT_TOO_SMALL);
    size_t hlen = (size_t)(off >> 4) * 4;
    if (hlen < TCP_HDR_LEN)
        return decode_invalid(c, DEV_TCP_HLEN_TOO_SMALL);
    if (hlen > len)
        return l4_short(c, first_frag, DEV_TCP_PKT_TOO_SMALL);
    /* An anomaly, not a drop: stacks stop parsing options and keep the segment. */
    if (!tcp_options_ok(r.p, hlen - TCP_HDR_LEN))
        pkt_set_event(pkt, c->ctr, DEV_TCP_OPT_INVALID_LEN);

    pkt->sport = sport;
    pkt->dport = dport;
    pkt->seq = seq;
    pkt->ack = ack;
    pkt->tcp_flags = flags;
    pkt->tcp_win = win;
    l4_fill(pkt, p, len, p + hlen, len - hlen);
    return DECODE_OK;
}

static enum decode_result decode_udp(struct decode_ctx *c, const uint8_t *p, size_t len,
                                     bool first_frag)
{
    c->ctr[CTR_DECODER_UDP]++;
    struct pkt *pkt = c->pkt;

    struct rd r = rd_init(p, len);
    uint16_t sport = rd_be16(&r);
    uint16_t dport = rd_be16(&r);
    uint16_t ulen = rd_be16(&r);
    rd_skip(&r, 2);
    if (r.err)
        return l4_short(c, first_frag, DEV_UDP_PKT_TOO_SMALL);

    size_t dgram_len = len;
    if (!first_frag) {
        if (ulen < UDP_HDR_LEN)
            return decode_invalid(c, DEV_UDP_HLEN_INVALID);
        if (ulen > len)
            return decode_invalid(c, DEV_UDP_LEN_INVALID);
        dgram_len = ulen;
    }
    pkt->sport = sport;
    pkt->dport = dport;
    l4_fill(pkt, p, len, r.p, dgram_len - UDP_HDR_LEN);

    if (!first_frag && dport == UDP_PORT_VXLAN && decode_is_vxlan(pkt->payload, pkt->payload_len))
        return decode_vxlan(c, pkt->payload, pkt->payload_len);
    return DECODE_OK;
}

/* ICMPv4 and ICMPv6 share the first 8 bytes: type, code, checksum and a
 * 4-byte field whose meaning depends on the type. */
static enum decode_result decode_icmp(struct decode_ctx *c, bool v6, const uint8_t *p, size_t len,
                                      bool first_frag)
{
    c->ctr[v6 ? CTR_DECODER_ICMPV6 : CTR_DECODER_ICMPV4]++;
    struct pkt *pkt = c->pkt;

    struct rd r = rd_init(p, len);
    uint8_t type = rd_u8(&r);
    uint8_t code = rd_u8(&r);
    rd_skip(&r, 6);
    if (r.err)
        return l4_short(c, first_frag, v6 ? DEV_ICMPV6_PKT_TOO_SMALL : DEV_ICMPV4_PKT_TOO_SMALL);
    pkt->icmp_type = type;
    pkt->icmp_code = code;
    l4_fill(pkt, p, len, r.p, rd_left(&r));
    return DECODE_OK;
}

enum decode_result decode_l4(struct decode_ctx *c, uint8_t proto, const uint8_t *p, size_t len,
                             bool first_frag)
{
    switch (proto) {
    case L4_TCP:
        return decode_tcp(c, p, len, first_frag);
    case L4_UDP:
        return decode_udp(c, p, len, first_frag);
    case L4_ICMP:
        return decode_icmp(c, false, p, len, first_frag);
    case L4_ICMPV6:
        return decode_icmp(c, true, p, len, first_frag);
    default:
        return DECODE_OK;
    }
}

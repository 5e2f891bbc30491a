/* decode-tunnel.c — decapsulation: VXLAN (RFC 7348 §5), GRE (RFC 2784,
 * key and sequence RFC 2890), ERSPAN types I-III (draft-foschiano-erspan-03
 * §4), IP in IP (RFC 2003, RFC 4213 §3.5, RFC 2473).
 *
 * The packet reported is the innermost IP packet; pkt->tunnel names the
 * innermost tunnel crossed. A GRE packet whose payload we do not decode
 * (PPTP, RFC 1701 routing, other protocol types) is reported as the outer
 * IP packet. Each layer spends the budget of decode_enter_layer(), which
 * bounds the recursion of nested tunnels.
 *
 * VXLAN:  |R|R|R|R|I|R|R|R| reserved (24) | VNI (24) | reserved (8) | Ethernet
 * GRE:    |C|R|K|S|s|Recur| flags (5) | ver (3) | protocol type (16) |
 *         [checksum (16) reserved (16)] [key (32)] [sequence (32)] payload
 * ERSPAN II:  | ver=1 (4) | VLAN (12) | COS (3) | En (2) | T (1) | session (10) |
 *             | reserved (12) | index (20) | Ethernet
 * ERSPAN III: | ver=2 (4) | VLAN (12) | COS (3) | BSO (2) | T (1) | session (10) |
 *             | timestamp (32) |
 *             | SGT (16) | P (1) | FT (5) | HW id (6) | D (1) | Gra (2) | O (1) |
 *             [platform specific subheader (64), if O] | frame (FT 0 Ethernet, 2 IP) */
#include "../util/rd.h"
#include "decode.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_I 0x08
#define ETH_HDR_LEN 14

#define GRE_FLAG_C 0x8000
#define GRE_FLAG_K 0x2000
#define GRE_FLAG_S 0x1000
/* RFC 2784 §2.3: routing present, strict source route and the recursion
 * bit among bits 1-5 mean RFC 1701 GRE, which we do not decapsulate. */
#define GRE_FLAGS_RFC1701 (0x4000 | 0x0800 | 0x0400)
#define GRE_VERSION_MASK 0x0007
#define GRE_VERSION_PPTP 1 /* RFC 2637 §4.1: PPP inside */

#define GRE_PROTO_IPV4 0x0800
#define GRE_PROTO_IPV6 0x86DD
#define GRE_PROTO_TEB 0x6558 /* transparent Ethernet bridging */
#define GRE_PROTO_MPLS_UC 0x8847
#define GRE_PROTO_MPLS_MC 0x8848
#define GRE_PROTO_ERSPAN_II 0x88BE /* type I too: no GRE sequence number */
#define GRE_PROTO_ERSPAN_III 0x22EB

#define ERSPAN_II_VERSION 1
#define ERSPAN_III_VERSION 2
#define ERSPAN_III_FLAG_O 0x0001
#define ERSPAN_III_FT_ETHERNET 0
#define ERSPAN_III_FT_IP 2

#define IPPROTO_NUM_IPIP 4

bool decode_is_vxlan(const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    uint8_t flags = rd_u8(&r);
    rd_skip(&r, 6);
    uint8_t reserved = rd_u8(&r);
    rd_skip(&r, ETH_HDR_LEN);
    /* Suricata's test: the I flag set and the last reserved byte zero keep
     * other traffic to port 4789 from being taken for VXLAN. */
    return !r.err && (flags & VXLAN_FLAG_I) && reserved == 0;
}

enum decode_result decode_vxlan(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_VXLAN]++;

    struct rd r = rd_init(p, len);
    rd_skip(&r, VXLAN_HDR_LEN);
    struct span eth = rd_bytes(&r, rd_left(&r));
    struct rd er = rd_init(eth.p, eth.len);
    rd_skip(&er, 12);
    uint16_t inner_type = rd_be16(&er);
    if (r.err || er.err || !decode_ethertype_known(inner_type))
        return decode_invalid(c, DEV_VXLAN_UNKNOWN_PAYLOAD_TYPE);

    c->pkt->tunnel = PKT_TUNNEL_VXLAN;
    return decode_eth(c, eth.p, eth.len);
}

static enum decode_result erspan_ip(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    uint8_t vhl = rd_u8(&r);
    if (r.err)
        return decode_invalid(c, DEV_IPV4_PKT_TOO_SMALL);
    if (vhl >> 4 == 4)
        return decode_ipv4(c, p, len);
    if (vhl >> 4 == 6)
        return decode_ipv6(c, p, len);
    return decode_invalid(c, DEV_IPRAW_INVALID_IP_VERSION);
}

static enum decode_result decode_erspan_1(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_ERSPAN]++;
    c->pkt->tunnel = PKT_TUNNEL_ERSPAN;
    return decode_eth(c, p, len);
}

static enum decode_result decode_erspan_2(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_ERSPAN]++;

    struct rd r = rd_init(p, len);
    uint32_t w0 = rd_be32(&r);
    rd_skip(&r, 4);
    if (r.err)
        return decode_invalid(c, DEV_ERSPAN_HEADER_TOO_SMALL);
    if (w0 >> 28 != ERSPAN_II_VERSION)
        return decode_invalid(c, DEV_ERSPAN_UNSUPPORTED_VERSION);

    c->pkt->tunnel = PKT_TUNNEL_ERSPAN;
    return decode_eth(c, r.p, rd_left(&r));
}

static enum decode_result decode_erspan_3(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_ERSPAN]++;

    struct rd r = rd_init(p, len);
    uint32_t w0 = rd_be32(&r);
    rd_skip(&r, 4 + 2);
    uint16_t w2 = rd_be16(&r);
    if (!r.err && (w2 & ERSPAN_III_FLAG_O))
        rd_skip(&r, 8);
    if (r.err)
        return decode_invalid(c, DEV_ERSPAN_HEADER_TOO_SMALL);
    if (w0 >> 28 != ERSPAN_III_VERSION)
        return decode_invalid(c, DEV_ERSPAN_UNSUPPORTED_VERSION);

    c->pkt->tunnel = PKT_TUNNEL_ERSPAN;
    switch ((w2 >> 10) & 0x1F) {
    case ERSPAN_III_FT_ETHERNET:
        return decode_eth(c, r.p, rd_left(&r));
    case ERSPAN_III_FT_IP:
        return erspan_ip(c, r.p, rd_left(&r));
    default:
        /* Reserved frame types: nothing we can read. */
        return DECODE_SKIP;
    }
}

static enum decode_result gre_payload(struct decode_ctx *c, uint16_t proto, bool has_seq,
                                      const uint8_t *p, size_t len)
{
    switch (proto) {
    case GRE_PROTO_ERSPAN_II:
        /* Type I has no ERSPAN header and no GRE sequence number. */
        return has_seq ? decode_erspan_2(c, p, len) : decode_erspan_1(c, p, len);
    case GRE_PROTO_ERSPAN_III:
        return decode_erspan_3(c, p, len);
    case GRE_PROTO_IPV4:
    case GRE_PROTO_IPV6:
    case GRE_PROTO_TEB:
    case GRE_PROTO_MPLS_UC:
    case GRE_PROTO_MPLS_MC:
        break;
    default:
        return DECODE_OK;
    }

    c->pkt->tunnel = PKT_TUNNEL_GRE;
    if (proto == GRE_PROTO_TEB)
        return decode_eth(c, p, len);
    return decode_ethertype(c, proto, p, len);
}

enum decode_result decode_gre(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_GRE]++;

    struct rd r = rd_init(p, len);
    uint16_t flags = rd_be16(&r);
    uint16_t proto = rd_be16(&r);
    if (r.err)
        return decode_invalid(c, DEV_GRE_PKT_TOO_SMALL);

    unsigned version = flags & GRE_VERSION_MASK;
    if (version == GRE_VERSION_PPTP)
        return DECODE_OK;
    if (version != 0)
        return decode_invalid(c, DEV_GRE_WRONG_VERSION);
    if (flags & GRE_FLAGS_RFC1701)
        return DECODE_OK;

    size_t opt_len = 0;
    opt_len += (flags & GRE_FLAG_C) ? 4 : 0;
    opt_len += (flags & GRE_FLAG_K) ? 4 : 0;
    opt_len += (flags & GRE_FLAG_S) ? 4 : 0;
    rd_skip(&r, opt_len);
    if (r.err)
        return decode_invalid(c, DEV_GRE_VERSION0_HDR_TOO_BIG);
    return gre_payload(c, proto, (flags & GRE_FLAG_S) != 0, r.p, rd_left(&r));
}

enum decode_result decode_ipip(struct decode_ctx *c, uint8_t proto, const uint8_t *p, size_t len)
{
    struct pkt *pkt = c->pkt;
    bool outer_v4 = pkt->ip_version == 4;
    bool inner_v4 = proto == IPPROTO_NUM_IPIP;

    if (outer_v4 && !inner_v4)
        c->ctr[CTR_DECODER_IPV6_IN_IPV4]++;
    else if (!outer_v4 && inner_v4)
        c->ctr[CTR_DECODER_IPV4_IN_IPV6]++;
    pkt->tunnel = outer_v4 ? PKT_TUNNEL_IPV4 : PKT_TUNNEL_IPV6;
    return inner_v4 ? decode_ipv4(c, p, len) : decode_ipv6(c, p, len);
}

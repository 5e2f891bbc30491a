/* decode-ipv6.c — IPv6: RFC 8200 §3 (header), §4 (extension headers:
 * hop-by-hop §4.3, routing §4.4, fragment §4.5, destination options §4.6),
 * RFC 4302 §2 (AH), RFC 6946 (atomic fragments), RFC 7112 (the whole header
 * chain is in the first fragment), RFC 2473 (IP in IPv6).
 *
 *   | ver (4) | traffic class (8) | flow label (20)                |
 *   | payload length (16)         | next header (8) | hop limit (8) |
 *   | source (128) | destination (128) | extension headers | upper layer
 *
 * Extension header:  | next header (8) | length (8) | ... |
 *   length in 8-byte units past the first 8 (AH: 4-byte units minus 2).
 * Fragment header:   | next header (8) | reserved (8) | offset (13) res (2) M (1) |
 *                    | identification (32) | */
#include <string.h>

#include "../util/rd.h"
#include "decode.h"

#define IPV6_HDR_LEN 40
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_MAX_PAYLOAD 65535

#define NH_HOPOPTS 0
#define NH_IPIP 4
#define NH_TCP 6
#define NH_UDP 17
#define NH_IPV6 41
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_GRE 47
#define NH_AH 51
#define NH_ICMPV6 58
#define NH_DSTOPTS 60

/* The position in the header chain. */
struct ipv6_walk {
    const uint8_t *ip;
    size_t off; /* the header named by nh starts here */
    size_t end; /* 40 + payload length */
    uint8_t nh;
    bool stop; /* the rest is fragment data, not headers */
};

/* Moves past one extension header of (length + extra) * unit bytes. */
static bool ipv6_ext_span(struct ipv6_walk *w, size_t unit, size_t extra, struct span *hdr)
{
    struct rd r = rd_init(w->ip + w->off, w->end - w->off);
    uint8_t nh = rd_u8(&r);
    uint8_t hl = rd_u8(&r);
    if (r.err)
        return false;
    r = rd_init(w->ip + w->off, w->end - w->off);
    *hdr = rd_bytes(&r, ((size_t)hl + extra) * unit);
    if (r.err)
        return false;
    w->nh = nh;
    w->off += hdr->len;
    return true;
}

/* Hop-by-hop and destination options are TLVs; Pad1 alone has no length. */
static bool ipv6_options_ok(struct span hdr)
{
    struct rd r = rd_init(hdr.p, hdr.len);
    rd_skip(&r, 2);
    while (!r.err && rd_left(&r) > 0) {
        if (rd_u8(&r) == 0)
            continue;
        uint8_t olen = rd_u8(&r);
        if (r.err || olen > rd_left(&r))
            return false;
        rd_skip(&r, olen);
    }
    return !r.err;
}

static enum decode_result ipv6_opts_hdr(struct decode_ctx *c, struct ipv6_walk *w)
{
    struct span hdr;
    if (!ipv6_ext_span(w, 8, 1, &hdr))
        return decode_invalid(c, DEV_IPV6_TRUNC_EXTHDR);
    /* As in Suricata an anomaly only: hosts skip options they cannot parse. */
    if (!ipv6_options_ok(hdr))
        pkt_set_event(c->pkt, c->ctr, DEV_IPV6_EXTHDR_INVALID_OPTLEN);
    return DECODE_OK;
}

static enum decode_result ipv6_plain_hdr(struct decode_ctx *c, struct ipv6_walk *w, size_t unit,
                                         size_t extra)
{
    struct span hdr;
    if (!ipv6_ext_span(w, unit, extra, &hdr))
        return decode_invalid(c, DEV_IPV6_TRUNC_EXTHDR);
    return DECODE_OK;
}

static enum decode_result ipv6_frag_record(struct decode_ctx *c, struct ipv6_walk *w,
                                           size_t hdr_off, uint16_t offm, uint32_t id)
{
    struct pkt *pkt = c->pkt;
    uint32_t offset = (uint32_t)(offm >> 3) * 8;
    bool more = (offm & 1) != 0;
    size_t frag_len = w->end - w->off;

    /* Every fragment but the last carries a multiple of 8 bytes (§4.5). */
    if (more && frag_len % 8 != 0)
        return decode_invalid(c, DEV_IPV6_FRAG_INVALID_LENGTH);
    /* §4.5: the reassembled payload (unfragmentable part + fragments) must fit 16 bits. */
    if ((hdr_off - IPV6_HDR_LEN) + offset + frag_len > IPV6_MAX_PAYLOAD)
        return decode_invalid(c, DEV_IPV6_FRAG_PKT_TOO_LARGE);

    pkt->is_fragment = true;
    pkt->more_fragments = more;
    pkt->frag_id = id;
    pkt->frag_offset = offset;
    pkt->frag_hdr_off = hdr_off;
    pkt->frag_next_header = w->nh;
    w->stop = offset > 0;
    return DECODE_OK;
}

static enum decode_result ipv6_frag_hdr(struct decode_ctx *c, struct ipv6_walk *w)
{
    size_t hdr_off = w->off;
    struct rd r = rd_init(w->ip + w->off, w->end - w->off);
    uint8_t nh = rd_u8(&r);
    rd_skip(&r, 1);
    uint16_t offm = rd_be16(&r);
    uint32_t id = rd_be32(&r);
    if (r.err)
        return decode_invalid(c, DEV_IPV6_TRUNC_EXTHDR);

    if (c->pkt->is_fragment) {
        /* A fragment header inside a first fragment: the reassembler owns
         * what follows the outer one, so stop here. */
        w->stop = true;
        return DECODE_OK;
    }
    w->nh = nh;
    w->off += IPV6_FRAG_HDR_LEN;
    /* RFC 6946: offset 0 with M clear is an atomic fragment, a whole packet. */
    if ((offm & 0xFFF9) == 0)
        return DECODE_OK;
    return ipv6_frag_record(c, w, hdr_off, offm, id);
}

static enum decode_result ipv6_walk_exthdrs(struct decode_ctx *c, struct ipv6_walk *w)
{
    /* Each header is at least 8 bytes long, so the walk ends. */
    while (!w->stop) {
        enum decode_result res;
        switch (w->nh) {
        case NH_HOPOPTS:
        case NH_DSTOPTS:
            res = ipv6_opts_hdr(c, w);
            break;
        case NH_ROUTING:
            res = ipv6_plain_hdr(c, w, 8, 1);
            break;
        case NH_AH:
            res = ipv6_plain_hdr(c, w, 4, 2);
            break;
        case NH_FRAGMENT:
            res = ipv6_frag_hdr(c, w);
            break;
        default:
            return DECODE_OK;
        }
        if (res != DECODE_OK)
            return res;
    }
    return DECODE_OK;
}

static enum decode_result ipv6_payload(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    struct pkt *pkt = c->pkt;
    if (pkt->frag_offset > 0)
        return DECODE_OK;

    switch (pkt->proto) {
    case NH_TCP:
    case NH_UDP:
    case NH_ICMPV6:
        return decode_l4(c, pkt->proto, p, len, pkt->is_fragment);
    case NH_GRE:
    case NH_IPIP:
    case NH_IPV6:
        if (pkt->is_fragment)
            return DECODE_OK;
        if (pkt->proto == NH_GRE)
            return decode_gre(c, p, len);
        return decode_ipip(c, pkt->proto, p, len);
    default:
        /* 146-252 are unassigned and 255 reserved (IANA protocol numbers);
         * anything else (ESP, No Next Header, SCTP, OSPF...) is fine. */
        if ((pkt->proto >= 146 && pkt->proto <= 252) || pkt->proto == 255)
            pkt_set_event(pkt, c->ctr, DEV_IPV6_UNKNOWN_NEXT_HEADER);
        return DECODE_OK;
    }
}

static void ipv6_fill(struct pkt *pkt, const uint8_t *p, size_t ip_len, uint8_t hlim,
                      struct span src, struct span dst)
{
    decode_pkt_reset_ip(pkt);
    pkt->ip_version = 6;
    pkt->ip = p;
    pkt->ip_len = ip_len;
    pkt->ip_hlen = IPV6_HDR_LEN;
    pkt->src.family = 6;
    memcpy(pkt->src.a, src.p, 16);
    pkt->dst.family = 6;
    memcpy(pkt->dst.a, dst.p, 16);
    pkt->ttl = hlim;
}

enum decode_result decode_ipv6(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_IPV6]++;

    struct rd r = rd_init(p, len);
    uint32_t vtf = rd_be32(&r);
    uint16_t plen = rd_be16(&r);
    uint8_t nh = rd_u8(&r);
    uint8_t hlim = rd_u8(&r);
    struct span src = rd_bytes(&r, 16);
    struct span dst = rd_bytes(&r, 16);
    if (r.err)
        return decode_invalid(c, DEV_IPV6_PKT_TOO_SMALL);
    if (vtf >> 28 != 6)
        return decode_invalid(c, DEV_IPV6_WRONG_IP_VERSION);
    if (plen > rd_left(&r))
        return decode_invalid(c, DEV_IPV6_TRUNC_PKT);

    ipv6_fill(c->pkt, p, IPV6_HDR_LEN + (size_t)plen, hlim, src, dst);
    struct ipv6_walk w = {p, IPV6_HDR_LEN, IPV6_HDR_LEN + (size_t)plen, nh, false};
    enum decode_result res = ipv6_walk_exthdrs(c, &w);
    if (res != DECODE_OK)
        return res;
    c->pkt->ip_hlen = w.off;
    c->pkt->proto = w.nh;
    return ipv6_payload(c, p + w.off, w.end - w.off);
}

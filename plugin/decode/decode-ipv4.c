/* decode-ipv4.c — IPv4 header: RFC 791 §3.1 (header, options, fragments),
 * RFC 1071 (header checksum), RFC 2003 / RFC 4213 §3.5 (IP in IPv4).
 *
 *   | ver (4) IHL (4) | TOS (8) | total length (16)             |
 *   | identification (16)       | flags (3) | fragment offset (13) |
 *   | TTL (8) | protocol (8)    | header checksum (16)           |
 *   | source (32) | destination (32) | options (IHL*4 - 20) ...  |
 *
 * The packet ends at its total length: Ethernet padding and anything else
 * after it is not payload. */
#include <string.h>

#include "../util/rd.h"
#include "decode.h"

#define IPV4_HDR_LEN 20
#define IPV4_FLAG_MF 0x2000
#define IPV4_OFFSET_MASK 0x1FFF
#define IPV4_MAX_LEN 65535

#define IPV4_OPT_EOL 0
#define IPV4_OPT_NOP 1

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_IPIP 4
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_IPV6 41
#define IPPROTO_NUM_GRE 47

struct ipv4_hdr {
    uint8_t version;
    size_t hlen;
    size_t total;
    uint16_t id;
    uint16_t frag;
    uint8_t ttl;
    uint8_t proto;
    struct span src, dst;
};

/* Returns false when fewer than 20 bytes are there. */
static bool ipv4_read(const uint8_t *p, size_t len, struct ipv4_hdr *h)
{
    struct rd r = rd_init(p, len);
    uint8_t vhl = rd_u8(&r);
    rd_skip(&r, 1);
    h->version = vhl >> 4;
    h->hlen = (size_t)(vhl & 0x0F) * 4;
    h->total = rd_be16(&r);
    h->id = rd_be16(&r);
    h->frag = rd_be16(&r);
    h->ttl = rd_u8(&r);
    h->proto = rd_u8(&r);
    rd_skip(&r, 2);
    h->src = rd_bytes(&r, 4);
    h->dst = rd_bytes(&r, 4);
    return !r.err;
}

/* RFC 1071: the ones' complement sum over a correct header is 0xFFFF. */
static bool ipv4_csum_ok(const uint8_t *p, size_t hlen)
{
    struct rd r = rd_init(p, hlen);
    uint32_t sum = 0;
    while (rd_left(&r) >= 2)
        sum += rd_be16(&r);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return sum == 0xFFFF;
}

/* RFC 791 options: EOL and NOP are one byte, every other option carries a
 * length that counts its type and length bytes and must fit the header. */
static bool ipv4_options_ok(const uint8_t *p, size_t len)
{
    struct rd r = rd_init(p, len);
    while (rd_left(&r) > 0) {
        uint8_t type = rd_u8(&r);
        if (type == IPV4_OPT_EOL)
            return true;
        if (type == IPV4_OPT_NOP)
            continue;
        uint8_t olen = rd_u8(&r);
        if (r.err || olen < 2 || (size_t)(olen - 2) > rd_left(&r))
            return false;
        rd_skip(&r, (size_t)olen - 2);
    }
    return true;
}

static enum decode_result ipv4_check(struct decode_ctx *c, const uint8_t *p, size_t len,
                                     const struct ipv4_hdr *h)
{
    if (h->version != 4)
        return decode_invalid(c, DEV_IPV4_WRONG_IP_VERSION);
    if (h->hlen < IPV4_HDR_LEN)
        return decode_invalid(c, DEV_IPV4_HLEN_TOO_SMALL);
    if (h->total < h->hlen)
        return decode_invalid(c, DEV_IPV4_IPLEN_SMALLER_THAN_HLEN);
    if (h->total > len)
        return decode_invalid(c, DEV_IPV4_TRUNC_PKT);
    if (!ipv4_options_ok(p + IPV4_HDR_LEN, h->hlen - IPV4_HDR_LEN))
        return decode_invalid(c, DEV_IPV4_OPT_INVALID_LEN);
    /* A fragment reaching past 65535 bytes ("ping of death") cannot be
     * reassembled into a valid datagram. */
    size_t offset = (size_t)(h->frag & IPV4_OFFSET_MASK) * 8;
    if (offset + (h->total - h->hlen) > IPV4_MAX_LEN)
        return decode_invalid(c, DEV_IPV4_FRAG_PKT_TOO_LARGE);
    return DECODE_OK;
}

static void ipv4_fill(struct pkt *pkt, const uint8_t *p, const struct ipv4_hdr *h)
{
    decode_pkt_reset_ip(pkt);
    /* Kept, not dropped: captures taken on the sending host with checksum
     * offload, and anonymised captures, carry wrong header checksums. */
    pkt->ipv4_csum_bad = !ipv4_csum_ok(p, h->hlen);
    pkt->ip_version = 4;
    pkt->ip = p;
    pkt->ip_len = h->total;
    pkt->ip_hlen = h->hlen;
    pkt->src.family = 4;
    memcpy(pkt->src.a, h->src.p, 4);
    pkt->dst.family = 4;
    memcpy(pkt->dst.a, h->dst.p, 4);
    pkt->proto = h->proto;
    pkt->ttl = h->ttl;

    uint32_t offset = (uint32_t)(h->frag & IPV4_OFFSET_MASK) * 8;
    if ((h->frag & IPV4_FLAG_MF) || offset > 0) {
        pkt->is_fragment = true;
        pkt->more_fragments = (h->frag & IPV4_FLAG_MF) != 0;
        pkt->frag_id = h->id;
        pkt->frag_offset = offset;
    }
}

static enum decode_result ipv4_payload(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    const struct pkt *pkt = c->pkt;
    /* Only the first fragment holds the L4 header. */
    if (pkt->frag_offset > 0)
        return DECODE_OK;

    switch (pkt->proto) {
    case IPPROTO_NUM_TCP:
    case IPPROTO_NUM_UDP:
    case IPPROTO_NUM_ICMP:
        return decode_l4(c, pkt->proto, p, len, pkt->is_fragment);
    case IPPROTO_NUM_GRE:
    case IPPROTO_NUM_IPIP:
    case IPPROTO_NUM_IPV6:
        /* A fragmented tunnel packet is reported as it is: its inner packet
         * exists only after reassembly. */
        if (pkt->is_fragment)
            return DECODE_OK;
        if (pkt->proto == IPPROTO_NUM_GRE)
            return decode_gre(c, p, len);
        return decode_ipip(c, pkt->proto, p, len);
    default:
        return DECODE_OK;
    }
}

enum decode_result decode_ipv4(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_IPV4]++;

    struct ipv4_hdr h;
    if (!ipv4_read(p, len, &h))
        return decode_invalid(c, DEV_IPV4_PKT_TOO_SMALL);
    enum decode_result res = ipv4_check(c, p, len, &h);
    if (res != DECODE_OK)
        return res;

    ipv4_fill(c->pkt, p, &h);
    return ipv4_payload(c, p + h.hlen, h.total - h.hlen);
}

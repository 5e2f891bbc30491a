/* decode-eth.c — Ethernet II (IEEE 802.3 clause 3.2.6) and the ethertype
 * dispatch shared by every header that names its payload by ethertype
 * (VLAN, SLL, SLL2, GRE).
 *
 *   | dst MAC (6) | src MAC (6) | ethertype (2) | payload ...
 *
 * The FCS is normally stripped by the capture; any bytes after the IP
 * packet (padding, FCS) are cut off by the IP decoders. */
#include "../util/rd.h"
#include "decode.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_MPLS_UC 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_QINQ_AD 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100

bool decode_ethertype_known(uint16_t type)
{
    switch (type) {
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
    case ETHERTYPE_ARP:
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ_AD:
    case ETHERTYPE_QINQ_OLD:
    case ETHERTYPE_MPLS_UC:
    case ETHERTYPE_MPLS_MC:
        return true;
    default:
        return false;
    }
}

enum decode_result decode_ethertype(struct decode_ctx *c, uint16_t type, const uint8_t *p,
                                    size_t len)
{
    switch (type) {
    case ETHERTYPE_IPV4:
        return decode_ipv4(c, p, len);
    case ETHERTYPE_IPV6:
        return decode_ipv6(c, p, len);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ_AD:
    case ETHERTYPE_QINQ_OLD:
        return decode_vlan(c, p, len);
    case ETHERTYPE_MPLS_UC:
    case ETHERTYPE_MPLS_MC:
        return decode_mpls(c, p, len);
    case ETHERTYPE_ARP:
        c->ctr[CTR_DECODER_ARP]++;
        return DECODE_SKIP;
    default:
        /* LLDP, STP (802.3 length field), PPPoE...: Suricata counts
         * decoder.unknown_ethertype and raises no anomaly. */
        c->ctr[CTR_DECODER_UNKNOWN_ETHERTYPE]++;
        return DECODE_SKIP;
    }
}

enum decode_result decode_eth(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_ETHERNET]++;
    c->eth_vlans = 0;

    struct rd r = rd_init(p, len);
    rd_skip(&r, 12);
    uint16_t type = rd_be16(&r);
    if (r.err)
        return decode_invalid(c, DEV_ETHERNET_PKT_TOO_SMALL);
    return decode_ethertype(c, type, r.p, rd_left(&r));
}

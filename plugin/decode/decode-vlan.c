/* decode-vlan.c — IEEE 802.1Q C-tags (TPID 0x8100), 802.1ad S-tags (0x88a8)
 * and the pre-standard QinQ TPID 0x9100.
 *
 *   | TPID (2, read as the ethertype) | PCP (3) DEI (1) VID (12) | ethertype (2) |
 *
 * Tags are recorded outer first, only from the outermost Ethernet: a tag
 * inside a tunnel belongs to the mirrored network, not to ours. */
#include "../util/rd.h"
#include "decode.h"

static void vlan_count_depth(struct decode_ctx *c)
{
    static const enum counter by_depth[PKT_MAX_VLAN] = {CTR_DECODER_VLAN, CTR_DECODER_VLAN_QINQ,
                                                        CTR_DECODER_VLAN_QINQINQ};

    c->ctr[by_depth[c->eth_vlans]]++;
}

enum decode_result decode_vlan(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    /* Suricata's VLAN_MAX_LAYERS: a fourth tag is an anomaly, not a flow key. */
    if (c->eth_vlans >= PKT_MAX_VLAN)
        return decode_invalid(c, DEV_VLAN_TOO_MANY_LAYERS);
    vlan_count_depth(c);

    struct rd r = rd_init(p, len);
    uint16_t tci = rd_be16(&r);
    uint16_t type = rd_be16(&r);
    if (r.err)
        return decode_invalid(c, DEV_VLAN_HEADER_TOO_SMALL);

    struct pkt *pkt = c->pkt;
    if (pkt->tunnel == PKT_TUNNEL_NONE && pkt->vlan_count < PKT_MAX_VLAN)
        pkt->vlan[pkt->vlan_count++] = tci & 0x0FFF;
    c->eth_vlans++;

    if (!decode_ethertype_known(type)) {
        c->ctr[CTR_DECODER_UNKNOWN_ETHERTYPE]++;
        return decode_invalid(c, DEV_VLAN_UNKNOWN_TYPE);
    }
    return decode_ethertype(c, type, r.p, rd_left(&r));
}

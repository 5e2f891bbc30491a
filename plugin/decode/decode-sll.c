/* decode-sll.c — Linux cooked captures ("any" device).
 *
 * LINKTYPE_LINUX_SLL (113), 16 bytes (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
 *   | packet type (2) | ARPHRD (2) | addr len (2) | addr (8) | protocol (2) |
 * LINKTYPE_LINUX_SLL2 (276), 20 bytes (.../LINKTYPE_LINUX_SLL2.html):
 *   | protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | packet type (1) |
 *   | addr len (1) | addr (8) |
 *
 * The protocol is an ethertype for the link types that carry IP; the few
 * other values (802.2 LLC, CAN, netlink) land in decoder.unknown_ethertype. */
#include "../util/rd.h"
#include "decode.h"

enum decode_result decode_sll(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_SLL]++;

    struct rd r = rd_init(p, len);
    rd_skip(&r, 14);
    uint16_t proto = rd_be16(&r);
    if (r.err)
        return decode_invalid(c, DEV_SLL_PKT_TOO_SMALL);
    return decode_ethertype(c, proto, r.p, rd_left(&r));
}

enum decode_result decode_sll2(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_SLL2]++;

    struct rd r = rd_init(p, len);
    uint16_t proto = rd_be16(&r);
    rd_skip(&r, 18);
    if (r.err)
        return decode_invalid(c, DEV_SLL2_PKT_TOO_SMALL);
    return decode_ethertype(c, proto, r.p, rd_left(&r));
}

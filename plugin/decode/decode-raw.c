/* decode-raw.c — LINKTYPE_RAW (DLT_RAW 12 or 14, savefile 101): an IP
 * packet with no link header, IPv4 or IPv6 by its version nibble
 * (tcpdump.org/linktypes/LINKTYPE_RAW.html). */
#include "../util/rd.h"
#include "decode.h"

enum decode_result decode_raw(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_RAW]++;

    struct rd r = rd_init(p, len);
    uint8_t vhl = rd_u8(&r);
    if (r.err)
        return decode_invalid(c, DEV_IPV4_PKT_TOO_SMALL);
    switch (vhl >> 4) {
    case 4:
        return decode_ipv4(c, p, len);
    case 6:
        return decode_ipv6(c, p, len);
    default:
        return decode_invalid(c, DEV_IPRAW_INVALID_IP_VERSION);
    }
}

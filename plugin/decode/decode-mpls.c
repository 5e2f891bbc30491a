/* decode-mpls.c — MPLS label stack (RFC 3032) and its payload.
 *
 *   | label (20) | TC (3) | S (1) | TTL (8) |   repeated until S (bottom of stack)
 *
 * MPLS does not name its payload. A bottom label of 0 / 2 is the IPv4 / IPv6
 * explicit null (RFC 3032 §2.1); otherwise the first nibble decides, as in
 * Suricata: 4 IPv4, 6 IPv6, 0 an Ethernet pseudowire behind its control
 * word (RFC 4385 §3: the control word starts with nibble 0, RFC 4448). */
#include "../util/rd.h"
#include "decode.h"

#define MPLS_LABEL_IPV4_NULL 0
#define MPLS_LABEL_IPV6_NULL 2
#define MPLS_PW_CW_LEN 4

static enum decode_result mpls_payload(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    /* The pseudowire needs its whole control word; IP needs at least that much. */
    struct rd r = rd_init(p, len);
    uint8_t first = rd_u8(&r);
    rd_skip(&r, MPLS_PW_CW_LEN - 1);
    if (r.err)
        return decode_invalid(c, DEV_MPLS_PKT_TOO_SMALL);

    switch (first >> 4) {
    case 4:
        return decode_ipv4(c, p, len);
    case 6:
        return decode_ipv6(c, p, len);
    case 0:
        return decode_eth(c, r.p, rd_left(&r));
    default:
        return decode_invalid(c, DEV_MPLS_UNKNOWN_PAYLOAD_TYPE);
    }
}

enum decode_result decode_mpls(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_MPLS]++;

    struct rd r = rd_init(p, len);
    uint32_t shim;
    do {
        shim = rd_be32(&r);
        if (r.err)
            return decode_invalid(c, DEV_MPLS_HEADER_TOO_SMALL);
    } while ((shim & 0x100) == 0);

    uint32_t label = shim >> 12;
    if (label == MPLS_LABEL_IPV4_NULL)
        return decode_ipv4(c, r.p, rd_left(&r));
    if (label == MPLS_LABEL_IPV6_NULL)
        return decode_ipv6(c, r.p, rd_left(&r));
    return mpls_payload(c, r.p, rd_left(&r));
}

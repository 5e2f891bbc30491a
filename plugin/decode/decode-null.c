/* decode-null.c — BSD loopback: LINKTYPE_NULL (0) and LINKTYPE_LOOP (108).
 *
 *   | address family (4) | IP packet ...
 *
 * NULL stores the family in the byte order of the capturing host, LOOP in
 * network order; a capture read elsewhere may hold either, so both are
 * accepted (families fit in 16 bits, so the order is unambiguous). IPv6 has
 * three values: AF_INET6 of NetBSD/OpenBSD (24), FreeBSD (28), Darwin (30). */
#include "../util/rd.h"
#include "decode.h"

#define NULL_AF_INET 2
#define NULL_AF_INET6_BSD 24
#define NULL_AF_INET6_FREEBSD 28
#define NULL_AF_INET6_DARWIN 30

static uint32_t null_swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
}

enum decode_result decode_null(struct decode_ctx *c, const uint8_t *p, size_t len)
{
    if (!decode_enter_layer(c))
        return DECODE_INVALID;
    c->ctr[CTR_DECODER_NULL]++;

    struct rd r = rd_init(p, len);
    uint32_t af = rd_be32(&r);
    if (r.err)
        return decode_invalid(c, DEV_LTNULL_PKT_TOO_SMALL);
    if (af > 0xFFFF)
        af = null_swap32(af);

    switch (af) {
    case NULL_AF_INET:
        return decode_ipv4(c, r.p, rd_left(&r));
    case NULL_AF_INET6_BSD:
    case NULL_AF_INET6_FREEBSD:
    case NULL_AF_INET6_DARWIN:
        return decode_ipv6(c, r.p, rd_left(&r));
    default:
        /* Another family (AppleTalk, IPX...): not ours, but worth an anomaly
         * as Suricata raises one; the frame itself is not malformed. */
        pkt_set_event(c->pkt, c->ctr, DEV_LTNULL_UNSUPPORTED_TYPE);
        return DECODE_SKIP;
    }
}

/* decode.c — entry point of the packet decoders: picks the first decoder by
 * link type, and holds what every decoder shares (events, layer budget,
 * addresses).
 *
 * Link types: tcpdump.org/linktypes.html. DLT_RAW is 12 on most systems and
 * 14 on OpenBSD; savefiles store it as LINKTYPE_RAW 101. */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "decode.h"

#define LINKTYPE_NULL 0
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW_12 12
#define LINKTYPE_RAW_14 14
#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_IPV4 228
#define LINKTYPE_IPV6 229
#define LINKTYPE_LINUX_SLL2 276

void pkt_set_event(struct pkt *pkt, uint64_t *ctr, enum decode_event ev)
{
    if (ev <= DEV_NONE || ev >= DEV_COUNT)
        return;
    ctr[CTR_OF_DECODE_EVENT(ev)]++;
    if (pkt->event_count < PKT_MAX_EVENTS)
        pkt->events[pkt->event_count++] = ev;
}

bool decode_enter_layer(struct decode_ctx *c)
{
    if (c->layers >= DECODE_MAX_LAYERS) {
        c->ctr[CTR_DECODER_TOO_MANY_LAYERS]++;
        return false;
    }
    c->layers++;
    return true;
}

enum decode_result decode_invalid(struct decode_ctx *c, enum decode_event ev)
{
    pkt_set_event(c->pkt, c->ctr, ev);
    return DECODE_INVALID;
}

void decode_pkt_reset_ip(struct pkt *pkt)
{
    size_t from = offsetof(struct pkt, ip_version);
    memset((char *)pkt + from, 0, sizeof(*pkt) - from);
}

static enum decode_result decode_link(struct decode_ctx *c, int linktype, const uint8_t *p,
                                      size_t len)
{
    switch (linktype) {
    case LINKTYPE_ETHERNET:
        return decode_eth(c, p, len);
    case LINKTYPE_LINUX_SLL:
        return decode_sll(c, p, len);
    case LINKTYPE_LINUX_SLL2:
        return decode_sll2(c, p, len);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
        return decode_null(c, p, len);
    case LINKTYPE_RAW_12:
    case LINKTYPE_RAW_14:
    case LINKTYPE_RAW:
        return decode_raw(c, p, len);
    case LINKTYPE_IPV4:
        c->ctr[CTR_DECODER_RAW]++;
        return decode_ipv4(c, p, len);
    case LINKTYPE_IPV6:
        c->ctr[CTR_DECODER_RAW]++;
        return decode_ipv6(c, p, len);
    default:
        /* The capture layer refuses other link types; a frame that still
         * arrives with one is counted as invalid rather than dropped silently. */
        return DECODE_INVALID;
    }
}

enum decode_result decode_packet(const struct ww_packet *frame, struct pkt *pkt, uint64_t *ctr)
{
    memset(pkt, 0, sizeof(*pkt));
    pkt->frame = frame;

    enum decode_result res = DECODE_INVALID;
    if (frame != NULL && frame->data != NULL) {
        struct decode_ctx c = {pkt, ctr, 0, 0};
        res = decode_link(&c, frame->linktype, frame->data, frame->caplen);
    }
    if (res == DECODE_INVALID)
        ctr[CTR_DECODER_INVALID]++;
    return res;
}

bool ww_addr_eq(const struct ww_addr *a, const struct ww_addr *b)
{
    if (a->family != b->family)
        return false;
    size_t n = a->family == 4 ? 4 : sizeof(a->a);
    return memcmp(a->a, b->a, n) == 0;
}

void ww_addr_format(const struct ww_addr *a, char *buf, size_t len)
{
    if (len == 0)
        return;
    if (a->family == 4) {
        snprintf(buf, len, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2], a->a[3]);
        return;
    }
    if (a->family != 6) {
        buf[0] = '\0';
        return;
    }
    /* Suricata's default (ipv6-compress: no): eight zero-padded groups. */
    const uint8_t *b = a->a;
    snprintf(buf, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

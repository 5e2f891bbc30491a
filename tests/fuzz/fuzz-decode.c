/* fuzz-decode.c — libFuzzer harness for decode_packet() over every link type.
 *
 *   byte 0   link type: an index into linktypes[] below (modulo its size),
 *            so every decoder entry (and one unknown type) is reachable
 *   rest     the frame, copied to an exact-size heap block so a read past
 *            caplen is caught by AddressSanitizer
 *
 * After decoding, every span the decoder returned (ip, l4, payload) is read
 * end to end and checked to lie inside the frame. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

static const int linktypes[] = {
    1,   /* Ethernet */
    113, /* Linux SLL */
    276, /* Linux SLL2 */
    0,   /* BSD null */
    108, /* OpenBSD loop */
    12,  /* raw */
    14,  /* raw (OpenBSD) */
    101, /* LINKTYPE_RAW */
    228, /* IPv4 */
    229, /* IPv6 */
    147, /* a user DLT nobody decodes */
};

static volatile uint8_t sink;

static void check_span(const uint8_t *frame, size_t len, const uint8_t *p, size_t n)
{
    if (!p)
        return;
    if (p < frame || p > frame + len || n > (size_t)(frame + len - p))
        abort(); /* a span outside the frame */
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    sink ^= x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
    size_t len = size - 1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    memcpy(copy, data + 1, len);

    struct ww_packet frame = {
        .ts = {1700000000, 0},
        .caplen = (uint32_t)len,
        .len = (uint32_t)len,
        .linktype = lt,
        .data = copy,
        .pcap_cnt = 1,
    };
    uint64_t ctr[CTR_COUNT] = {0};
    struct pkt pkt;
    enum decode_result res = decode_packet(&frame, &pkt, ctr);
    if (res == DECODE_OK) {
        check_span(copy, len, pkt.ip, pkt.ip_len);
        if (pkt.has_l4)
            check_span(copy, len, pkt.l4, pkt.l4_len);
        check_span(copy, len, pkt.payload, pkt.payload_len);
        if (pkt.event_count > PKT_MAX_EVENTS || pkt.vlan_count > PKT_MAX_VLAN)
            abort();
        char buf[64];
        ww_addr_format(&pkt.src, buf, sizeof(buf));
        ww_addr_format(&pkt.dst, buf, sizeof(buf));
        sink ^= (uint8_t)buf[0];
    }
    free(copy);
    return 0;
}

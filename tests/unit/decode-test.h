/* decode-test.h — shared by tests/unit/test-decode-*.c: runs a frame
 * through decode_packet() and checks what every result must keep: pointers
 * inside the frame, decoder.invalid bumped exactly for DECODE_INVALID,
 * every recorded event counted. */
#ifndef WW_DECODE_TEST_H
#define WW_DECODE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"

#define LT_NULL 0
#define LT_ETHERNET 1
#define LT_RAW 12
#define LT_RAW_OPENBSD 14
#define LT_RAW_FILE 101
#define LT_LOOP 108
#define LT_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_SLL2 276

#define WW_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct dec {
    struct ww_packet frame;
    struct pkt pkt;
    uint64_t ctr[CTR_COUNT];
    enum decode_result res;
};

static inline bool dec_inside(const uint8_t *base, size_t len, const uint8_t *p, size_t n)
{
    return p >= base && (size_t)(p - base) <= len && n <= len - (size_t)(p - base);
}

static inline void dec_check(const struct dec *d)
{
    const struct pkt *pkt = &d->pkt;
    const uint8_t *base = d->frame.data;
    size_t len = d->frame.caplen;

    assert_true(d->res == DECODE_OK || d->res == DECODE_SKIP || d->res == DECODE_INVALID);
    assert_int_equal(d->ctr[CTR_DECODER_INVALID], d->res == DECODE_INVALID ? 1 : 0);
    assert_true(pkt->event_count <= PKT_MAX_EVENTS);
    assert_true(pkt->vlan_count <= PKT_MAX_VLAN);
    uint64_t counted = 0;
    for (int ev = DEV_NONE + 1; ev < DEV_COUNT; ev++)
        counted += d->ctr[CTR_OF_DECODE_EVENT(ev)];
    if (pkt->event_count < PKT_MAX_EVENTS)
        assert_int_equal(counted, pkt->event_count);
    if (d->res != DECODE_OK)
        return;

    assert_true(pkt->ip_version == 4 || pkt->ip_version == 6);
    assert_true(dec_inside(base, len, pkt->ip, pkt->ip_len));
    assert_true(pkt->ip_hlen <= pkt->ip_len);
    if (!pkt->has_l4)
        return;
    assert_true(dec_inside(pkt->ip, pkt->ip_len, pkt->l4, pkt->l4_len));
    assert_true(dec_inside(pkt->l4, pkt->l4_len, pkt->payload, pkt->payload_len));
}

static inline enum decode_result dec_run(struct dec *d, int linktype, const uint8_t *data,
                                         size_t len)
{
    memset(d, 0, sizeof(*d));
    d->frame.linktype = linktype;
    d->frame.data = data;
    d->frame.caplen = (uint32_t)len;
    d->frame.len = (uint32_t)len;
    d->res = decode_packet(&d->frame, &d->pkt, d->ctr);
    assert_ptr_equal(d->pkt.frame, &d->frame);
    dec_check(d);
    return d->res;
}

static inline bool dec_has_event(const struct dec *d, enum decode_event ev)
{
    for (unsigned i = 0; i < d->pkt.event_count; i++)
        if (d->pkt.events[i] == ev)
            return true;
    return false;
}

/* Every proper prefix of the frame, each in a heap block of exactly that
 * size so that ASan reports any read past it. */
static inline void dec_truncations(int linktype, const uint8_t *frame, size_t n)
{
    struct dec d;
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *buf = malloc(cut > 0 ? cut : 1);
        assert_non_null(buf);
        memcpy(buf, frame, cut);
        dec_run(&d, linktype, buf, cut);
        free(buf);
    }
}

/* The frame and each of its prefixes end where an unreadable page starts
 * (picohttpparser's test): an over-read faults even without ASan. */
static inline enum decode_result dec_guard_page(int linktype, const uint8_t *frame, size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    assert_true(n <= page);
    uint8_t *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);

    struct dec d;
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(map + page - cut, frame, cut);
        dec_run(&d, linktype, map + page - cut, cut);
    }
    memcpy(map + page - n, frame, n);
    enum decode_result res = dec_run(&d, linktype, map + page - n, n);
    munmap(map, 2 * page);
    return res;
}

/* Runs both checks on a valid frame. */
static inline void dec_robust(int linktype, const uint8_t *frame, size_t n)
{
    dec_truncations(linktype, frame, n);
    assert_int_equal(dec_guard_page(linktype, frame, n), DECODE_OK);
}

#endif

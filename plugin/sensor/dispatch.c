/* dispatch.c — the reader process of --workers N offline, and a worker's side
 * of the records it sends.
 *
 * Records: FRAME = struct frame_head, then the frame's bytes; TICK = a struct
 * timeval; COUNTERS = a struct ww_capture_stats. Producer and consumers are
 * the same binary, forked, so structs travel as they are.
 *
 * The clock: the engine expires flows when the second of the latest packet
 * time changes (advance_clock in engine.c), main.c's stats_offline fires when
 * packet time crosses a boundary, and events carry the latest packet time.
 * A worker sees only its own frames, so the reader keeps the latest time of
 * all (clock): every FRAME carries it, and each time it moves to a new second
 * every worker gets a TICK before the frame that moved it. The workers then
 * expire flows and write stats at the same packets, with the same times, as
 * a single run; the last TICK leaves every clock at the capture's end.
 *
 * Order across workers: a TICK carries the number of the frame it comes
 * before, so every record has a place in the capture (record_order). A
 * worker about to use state the workers share (share-order.h) waits until
 * no other ring holds a record placed before its frame
 * (dispatch_wait_before), asleep on that ring until its worker takes a
 * record far enough on (ring_progress) or runs dry. No cycle: the worker
 * furthest behind never waits for one ahead of it. */
#include "dispatch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame_head {
    struct timeval ts;
    struct timeval clock;
    uint64_t pcap_cnt;
    uint32_t caplen;
    uint32_t len;
    int32_t linktype;
    uint32_t unused;
};

struct tick {
    struct timeval clock;
    uint64_t before; /* the frame number it comes before */
};

struct reader {
    struct ring *const *rings;
    unsigned n;
    unsigned left; /* workers still taking records */
    bool *gone;
    const volatile sig_atomic_t *stop;
};

/* ---- the reader --------------------------------------------------------------- */

/* Returns RING_OK, or RING_GONE / RING_INTR / RING_FULL (when stopping) with
 * the record dropped. Waits for room only while not stopping: a stop can come
 * from the parent's death, after which no one tells the reader that a worker
 * it waits for has died too. */
static int push(struct reader *rd, unsigned i, enum dispatch_kind kind, const void *a,
                size_t alen, const void *b, size_t blen)
{
    if (rd->gone[i])
        return RING_GONE;
    int rc;
    for (;;) {
        rc = ring_put(rd->rings[i], (uint32_t)kind, a, alen, b, blen);
        if (rc != RING_FULL || *rd->stop)
            break;
        for (unsigned j = 0; j < rd->n; j++) /* the others work while this one drains */
            if (j != i)
                ring_kick(rd->rings[j]);
        rc = ring_wait_room(rd->rings[i], alen + blen);
        if (rc != RING_OK && rc != RING_INTR)
            break;
    }
    if (rc == RING_GONE) {
        rd->gone[i] = true;
        rd->left--;
    }
    return rc;
}

static void tick_all(struct reader *rd, const struct timeval *clock, uint64_t before)
{
    struct tick t = {*clock, before};
    for (unsigned i = 0; i < rd->n; i++)
        push(rd, i, DISPATCH_TICK, &t, sizeof(t), NULL, 0);
}

static void push_frame(struct reader *rd, const struct ww_packet *pkt, const struct timeval *clock)
{
    struct frame_head h = {
        .ts = pkt->ts,
        .clock = *clock,
        .pcap_cnt = pkt->pcap_cnt,
        .caplen = pkt->caplen,
        .len = pkt->len,
        .linktype = pkt->linktype,
    };
    /* libpcap caps frames of the link types we decode at 256 KiB and the
     * smallest ring takes 512 KiB: a longer frame can only be of a link type
     * the decoder counts as invalid without reading it, so it is cut. */
    size_t room = ring_max_record(rd->rings[0]) - sizeof(h);
    if (h.caplen > room)
        h.caplen = (uint32_t)room;
    push(rd, ww_engine_owner(pkt, rd->n), DISPATCH_FRAME, &h, sizeof(h), pkt->data, h.caplen);
}

/* Reads to the end, an error or a stop; returns 0 or the capture's error. */
static int read_all(struct reader *rd, ww_capture *cap, struct timeval *clock, bool *started,
                    uint64_t *last, char *err, size_t errlen)
{
    struct ww_packet pkt;
    while (!*rd->stop && rd->left > 0) {
        int rc = ww_capture_next(cap, &pkt, err, errlen);
        if (rc == 0) /* ww_capture_break: look at stop */
            continue;
        if (rc != 1)
            return rc == WW_E_EOF ? 0 : rc;
        if (!*started || timercmp(&pkt.ts, clock, >)) {
            bool new_second = !*started || pkt.ts.tv_sec != clock->tv_sec;
            *clock = pkt.ts;
            *started = true;
            if (new_second)
                tick_all(rd, clock, pkt.pcap_cnt);
        }
        push_frame(rd, &pkt, clock);
        *last = pkt.pcap_cnt;
    }
    return 0;
}

int dispatch_run(ww_capture *cap, struct ring *const *rings, unsigned n,
                 const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
    struct reader rd = {rings, n, n, calloc(n, sizeof(bool)), stop};
    int rc = WW_E_NOMEM;
    if (rd.gone == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(rc));
    } else {
        struct timeval clock = {0, 0};
        bool started = false;
        uint64_t last = 0;
        rc = read_all(&rd, cap, &clock, &started, &last, err, errlen);
        if (started)
            tick_all(&rd, &clock, last + 1);
        struct ww_capture_stats cs;
        memset(&cs, 0, sizeof(cs));
        ww_capture_stats(cap, &cs);
        push(&rd, 0, DISPATCH_COUNTERS, &cs, sizeof(cs), NULL, 0);
    }
    for (unsigned i = 0; i < n; i++)
        ring_finish(rings[i]);
    free(rd.gone);
    return rc;
}

/* ---- order across workers ---------------------------------------------------- */

/* 2 * n for frame n, 2 * n - 1 for the tick before it, the counters last. */
static uint64_t record_order(const struct ring_rec *rec)
{
    uint64_t n;
    if (rec->type == DISPATCH_FRAME && rec->len >= sizeof(struct frame_head))
        memcpy(&n, (const char *)rec->data + offsetof(struct frame_head, pcap_cnt), sizeof(n));
    else if (rec->type == DISPATCH_TICK && rec->len == sizeof(struct tick))
        memcpy(&n, (const char *)rec->data + offsetof(struct tick, before), sizeof(n));
    else
        return UINT64_MAX;
    return rec->type == DISPATCH_FRAME ? 2 * n : 2 * n - 1;
}

/* ---- a worker ----------------------------------------------------------------- */

static bool read_item(const struct ring_rec *rec, struct dispatch_item *it)
{
    struct frame_head h;
    switch (rec->type) {
    case DISPATCH_FRAME:
        if (rec->len < sizeof(h))
            return false;
        memcpy(&h, rec->data, sizeof(h));
        if (h.caplen != rec->len - sizeof(h))
            return false;
        it->clock = h.clock;
        it->pkt = (struct ww_packet){
            .ts = h.ts,
            .caplen = h.caplen,
            .len = h.len,
            .linktype = h.linktype,
            .data = (const uint8_t *)rec->data + sizeof(h),
            .pcap_cnt = h.pcap_cnt,
        };
        break;
    case DISPATCH_TICK:
        if (rec->len != sizeof(struct tick))
            return false;
        memcpy(&it->clock, rec->data, sizeof(it->clock)); /* clock is the first member */
        break;
    case DISPATCH_COUNTERS:
        if (rec->len != sizeof(it->stats))
            return false;
        memcpy(&it->stats, rec->data, sizeof(it->stats));
        break;
    default:
        return false;
    }
    it->kind = (enum dispatch_kind)rec->type;
    return true;
}

int dispatch_next(struct ring *ring, struct dispatch_item *it)
{
    struct ring_rec rec;
    for (;;) {
        int rc = ring_get(ring, &rec);
        if (rc == RING_END)
            return 0;
        if (rc != RING_OK)
            return -1;
        if (read_item(&rec, it)) {
            ring_progress(ring, record_order(&rec)); /* dispatch_wait_before's waiters */
            return 1;
        }
        ring_release(ring); /* not one of ours: cannot happen, skipped */
    }
}

void dispatch_done(struct ring *ring)
{
    ring_release(ring);
}

/* Whether ring holds a record placed before frame seq (false once its worker left). */
static bool holds_before(struct ring *ring, uint64_t seq)
{
    for (;;) {
        struct ring_rec rec;
        uint64_t at;
        int rc = ring_peek(ring, &rec, &at);
        bool before = rc == RING_OK && record_order(&rec) < 2 * seq;
        if (rc == RING_GONE || ring_peek_valid(ring, at))
            return before;
    }
}

void dispatch_wait_before(struct ring *const *rings, unsigned n, const struct ring *own,
                          uint64_t seq, const volatile sig_atomic_t *stop)
{
    for (unsigned i = 0; i < n; i++) {
        if (rings[i] == own)
            continue;
        while (!*stop && holds_before(rings[i], seq)) {
            ring_watch(rings[i], 2 * seq);
            if (!holds_before(rings[i], seq))
                break;
            ring_kick(rings[i]); /* it may sleep on a batch not yet full */
            if (ring_watch_sleep(rings[i]) == RING_GONE)
                break;
        }
    }
}

/* dispatch.h — --workers N offline: one reader process reads the capture and
 * hands each frame to the one worker that owns its flow (ww_engine_owner),
 * through that worker's ring (ring.h); the workers follow the capture's clock
 * through the frames and the ticks the reader sends to all of them. */
#ifndef WW_SENSOR_DISPATCH_H
#define WW_SENSOR_DISPATCH_H

#include <signal.h>
#include <sys/time.h>

#include <walletwatch.h>

#include "ring.h"

/* The reader: reads cap to its end, to a read error or until *stop, then
 * tells every worker the capture's last time, worker 0 the capture counters,
 * and finishes every ring. Returns 0, or WW_E_READ with "FILE: packet N:
 * message" in err (WW_E_NOMEM with its text). */
int dispatch_run(ww_capture *cap, struct ring *const *rings, unsigned n,
                 const volatile sig_atomic_t *stop, char *err, size_t errlen);

enum dispatch_kind {
    DISPATCH_FRAME = 1, /* feed pkt, after a tick to clock */
    DISPATCH_TICK,      /* the capture's clock moved to a new second: clock */
    DISPATCH_COUNTERS,  /* the capture's counters, at the end (worker 0 only) */
};

/* What a worker takes from its ring. */
struct dispatch_item {
    enum dispatch_kind kind;
    struct timeval clock;          /* FRAME, TICK: latest packet time so far */
    struct ww_packet pkt;          /* FRAME: data valid until dispatch_done */
    struct ww_capture_stats stats; /* COUNTERS */
};

/* A worker: returns 1 with the next item, 0 at the end, -1 when a signal
 * interrupted the wait (look at the flags, then call again). */
int dispatch_next(struct ring *ring, struct dispatch_item *it);
/* A worker: done with the item of the last dispatch_next. */
void dispatch_done(struct ring *ring);

/* A worker (own: its ring) handling frame seq: returns once no other ring
 * holds a record placed before it in the capture (each other worker has
 * handled its frames and ticks before seq), or when *stop is set. */
void dispatch_wait_before(struct ring *const *rings, unsigned n, const struct ring *own,
                          uint64_t seq, const volatile sig_atomic_t *stop);

#endif

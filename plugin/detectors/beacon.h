/* beacon.h — beaconing: one internal host contacting one external
 * destination (address, port, protocol) at a regular period, as an implant
 * polling its C2 does (TraderTraitor's RN Loader, ROOFDECK, sandcat...).
 *
 * Per (src, dst, dport, proto) the detector keeps the start times of the
 * pair's last flows. When the last `beacon.min-count` intervals between them
 * have a mean (the period) within [beacon.min-period, beacon.max-period]
 * seconds and a coefficient of variation (stddev / mean, population) below
 * `beacon.max-jitter` thousandths, it reports `c2.beacon` with {period_s,
 * jitter (the ratio), count (regular intervals, counted back as long as the
 * run stays regular), dst ("addr:port/proto")}, at most once per pair an
 * hour. Flows that start within 1 s of the pair's previous contact are the
 * same contact (a client opening parallel connections). The table is bounded
 * by `beacon.memcap` (0 turns the detector off) and evicts the least
 * recently contacted pair when full; evictions are counted. */
#ifndef WW_BEACON_H
#define WW_BEACON_H

#include <stdint.h>
#include <sys/time.h>

#include "../include/walletwatch.h"
#include "../stream/flow.h"
#include "detectors.h"

struct beacon;

struct beacon_stats {
    uint64_t pairs;      /* pairs tracked now */
    uint64_t contacts;   /* contacts recorded */
    uint64_t evicted;    /* pairs dropped to stay under beacon.memcap */
    uint64_t refused;    /* pairs not tracked: not even one fits under the memcap */
    uint64_t reported;   /* c2.beacon findings */
    uint64_t suppressed; /* regular contacts within the hour after a report */
    uint64_t memuse;     /* bytes charged to beacon.memcap */
};

/* Returns the detector configured by cfg, or NULL with each problem reported
 * (bad home-net, min-period above max-period, a memcap too small for the table). */
struct beacon *beacon_new(const ww_config *cfg, detectors_report_fn report, void *user);
void beacon_free(struct beacon *b);
/* Records the start of f (internal client to external server only) and adds
 * c2.beacon to out when the pair has become regular; b NULL: nothing. */
void beacon_on_flow_start(struct beacon *b, const struct flow *f, const struct timeval *now,
                          struct detector_verdict *out);
/* Fills st with the detector's counters. */
void beacon_get_stats(const struct beacon *b, struct beacon_stats *st);

#endif

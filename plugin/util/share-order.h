/* share-order.h — where a packet stands in the capture, for state the worker
 * processes of --workers N share (ww_share_new): the tamper detector's
 * requests, the thresholds that count across address pairs.
 *
 * Offline every worker waits, before it reads or changes shared state at
 * frame seq, until each other worker has handled its frames before seq. A
 * worker that changes the state at a later frame waited for this one in
 * turn, so the state sees every change in capture order, as one process
 * would. Live there is no order to keep: seq is 0 and nothing waits. */
#ifndef WW_UTIL_SHARE_ORDER_H
#define WW_UTIL_SHARE_ORDER_H

#include <stdint.h>

struct share_order {
    uint64_t seq; /* number of the frame being handled (pcap_cnt); 0 live */
    void (*wait)(uint64_t seq, void *user); /* NULL: one process, or live */
    void *user;
};

/* Returns once the frames before o->seq are handled everywhere (o may be NULL). */
static inline void share_order_wait(const struct share_order *o)
{
    if (o && o->seq && o->wait)
        o->wait(o->seq, o->user);
}

#endif

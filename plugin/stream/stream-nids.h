/* stream-nids.h — TCP reassembly and IP defragmentation on libnids.
 *
 * The engine hands every decoded TCP segment and IP fragment here; libnids
 * sees them as raw IPv4 (IPv6 through stand-in addresses, stream-v6map.h).
 * Around libnids this glue closes its known gaps:
 *  - sessions without a seen handshake are picked up midstream by feeding
 *    libnids a synthetic handshake built from the first data segment;
 *  - a hole that will not fill (the receiver ACKed past it, or too many
 *    segments wait behind it, or the flow ends) is declared lost and filled
 *    with a marked filler segment, which releases the data queued behind it;
 *  - data still queued when a flow ends is flushed the same way. */
#ifndef WW_STREAM_NIDS_H
#define WW_STREAM_NIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/log.h"
#include "flow.h"
#include "stream-events.h"

struct stream_sink {
    /* Reassembled payload in order; gap: len bytes lost (data is NULL). */
    void (*on_data)(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                    size_t len, bool gap);
    /* A stream anomaly on f. */
    void (*on_event)(void *user, struct flow *f, enum stream_event ev);
    /* An IP datagram rebuilt from fragments: account it and return its flow (or NULL).
     * For TCP, libnids reassembles it right after this returns. */
    struct flow *(*on_datagram)(void *user, struct pkt *pkt);
    void *user;
};

struct stream_config {
    uint64_t memcap;        /* sizes the libnids stream table */
    uint64_t depth;         /* per direction; 0 = no limit */
    uint64_t queue_limit;   /* libnids out-of-order queue bytes per direction */
    uint32_t gap_segments;  /* segments behind a hole before it is declared lost */
    uint32_t ipv6_hosts;
    uint32_t defrag_hosts;
    bool midstream;
    bool checksum;
};

struct stream;

/* Returns 0 and the (process-wide) reassembler, or WW_E_BUSY / WW_E_NIDS / WW_E_NOMEM. */
int stream_new(const struct stream_config *cfg, uint64_t *ctr, const struct stream_sink *sink,
               const struct wlog *log, struct stream **out);
/* Frees every session without delivering anything more. */
void stream_free(struct stream *s);
/* Reassembles one TCP segment of f (not a fragment). */
void stream_tcp_packet(struct stream *s, struct flow *f, enum flow_dir dir, const struct pkt *p);
/* Hands an IPv4 or IPv6 fragment to libnids' defragmenter. */
void stream_fragment(struct stream *s, const struct pkt *p);
/* Flushes f's queued data (declaring holes lost) and releases its session. */
void stream_flow_end(struct stream *s, struct flow *f);

#endif

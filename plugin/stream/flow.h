/* flow.h — the flow table: one entry per bidirectional conversation.
 *
 * Keyed by (addresses, ports, protocol, VLAN ids) in canonical order, so
 * both directions find the same entry. The client is the side that sent the
 * SYN, or for a flow picked up midstream the side guessed by port; for UDP
 * and others the sender of the first packet. Flows end by timeout (packet
 * time), eviction under the memcap, TCP port reuse, or end of input. */
#ifndef WW_FLOW_H
#define WW_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decode/decode.h"

enum flow_dir { DIR_TOSERVER = 0, DIR_TOCLIENT = 1 };

enum flow_state { FLOW_STATE_NEW, FLOW_STATE_ESTABLISHED, FLOW_STATE_CLOSED };

enum flow_end_reason {
    FLOW_END_TIMEOUT,   /* idle longer than its state's timeout */
    FLOW_END_SHUTDOWN,  /* end of input or exit */
    FLOW_END_FORCED,    /* evicted to stay under flow.memcap */
    FLOW_END_TCP_REUSE, /* a new SYN on the 5-tuple of a closed session */
};

/* What the TCP reassembly glue keeps per direction (sender = this side). */
struct flow_stream_dir {
    uint64_t delivered;   /* stream bytes handed to the app layer (incl. gap filler) */
    uint64_t gap_bytes;   /* bytes declared lost */
    uint32_t gap_count;
    bool depth_reached;
};

struct flow {
    /* client → server orientation */
    struct ww_addr cli, srv;
    uint16_t cli_port, srv_port;
    uint8_t proto;
    uint8_t ip_version;
    uint16_t vlan[2];
    uint8_t vlan_count;

    uint64_t flow_id;           /* stable within a run, 51 bits */
    char community_id[32];      /* "1:" + 28 base64 chars */
    struct timeval start, last;
    uint64_t pkts[2], bytes[2]; /* indexed by enum flow_dir; bytes are frame lengths */
    uint8_t tcp_flags[2];       /* OR of TCP flags seen per direction */
    uint8_t state;              /* enum flow_state */
    uint8_t end_reason;         /* enum flow_end_reason, set when it ends */
    uint8_t icmp_type[2], icmp_code[2]; /* first ICMP type/code per direction */
    bool seen_dir[2];
    bool midstream;             /* TCP picked up without its handshake */
    bool alerted;
    bool tcp_closed;            /* FIN or RST seen by reassembly: no midstream pickup after */
    bool stream_refused;        /* no reassembly state could be had (stream.memcap) */
    bool app_refused;           /* not parsed: app-layer.memcap was reached */
    const char *app_proto;      /* NULL until a parser claims the flow */

    struct flow_stream_dir sd[2];
    void *stream;               /* stream glue state (TCP), owned by stream-nids.c */
    void *app;                  /* app-layer state, owned by app/ */
    void *detect;               /* flowbits and stream windows, owned by detect/ */

    /* table bookkeeping, owned by flow.c */
    uint32_t hash;
    uint8_t timeout_class;
    struct flow *hnext;
    struct flow *lru_prev, *lru_next;
};

struct flow_table;

struct flow_config {
    uint64_t memcap;              /* bytes for flow entries and the hash */
    uint32_t timeout_new;         /* seconds */
    uint32_t timeout_established;
    uint32_t timeout_closed;
    uint32_t timeout_udp;
    uint16_t community_id_seed;
    uint64_t id_base;             /* mixed into flow ids (a worker's number) */
};

/* Called for every flow as it ends, before it is freed. */
typedef void (*flow_end_cb)(struct flow *f, void *user);

struct flow_table *flow_table_new(const struct flow_config *cfg, uint64_t *ctr, flow_end_cb on_end,
                                  void *user);
void flow_table_free(struct flow_table *t);

/* Finds or creates the flow of pkt and returns it with *dir set, or NULL when
 * the memcap leaves no room (flow.get_used_failed). */
struct flow *flow_lookup(struct flow_table *t, const struct pkt *pkt, enum flow_dir *dir);
/* Finds the flow of a 5-tuple seen in either direction, or NULL. */
struct flow *flow_find(struct flow_table *t, const struct ww_addr *a, uint16_t aport,
                       const struct ww_addr *b, uint16_t bport, uint8_t proto, enum flow_dir *dir);
/* Counts pkt on f and moves f in its timeout list. */
void flow_update(struct flow_table *t, struct flow *f, enum flow_dir dir, const struct pkt *pkt);
/* Ends flows idle past their timeout at now. */
void flow_expire(struct flow_table *t, const struct timeval *now);
/* Ends one flow now with reason. */
void flow_end(struct flow_table *t, struct flow *f, enum flow_end_reason reason);
/* Ends every flow (reason shutdown). */
void flow_end_all(struct flow_table *t);
/* Swaps client and server (a SYN/ACK or port guess showed the other side is the server). */
void flow_swap_direction(struct flow *f);
/* Returns the number of live flows. */
uint64_t flow_table_count(const struct flow_table *t);

#endif

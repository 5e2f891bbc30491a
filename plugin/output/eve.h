/* eve.h — EVE JSON events, written as text straight into one line buffer
 * (json-text.h): eve_begin_* writes "{" and the common header, the event's
 * own members follow, eve_end() closes the line and hands it to the host's
 * callback in one call. Strings from the wire go through jt_wire() (or
 * eve_string() in a json-c subtree) so that every line is valid UTF-8 JSON. */
#ifndef WW_EVE_H
#define WW_EVE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../include/walletwatch.h"
#include "../stream/flow.h"
#include "json-text.h"

/* Lines up to this size are built inside struct eve; a longer one gets a
 * heap buffer that is freed once the line has been handed over. */
#define EVE_LINE_STORAGE (16 * 1024)

struct eve {
    ww_event_cb cb;
    void *user;
    uint64_t lines; /* events emitted */
    struct json_text text; /* the line being built, in line[] until it outgrows it */
    char line[EVE_LINE_STORAGE];
};

/* "2024-05-31T10:15:22.123456+0000" (UTC, 6 fraction digits). */
void eve_format_time(const struct timeval *tv, char *buf, size_t len);
/* Members: tv in eve_format_time's format, a in ww_addr_format's. */
void eve_put_time(struct json_text *w, const char *key, const struct timeval *tv);
void eve_put_addr(struct json_text *w, const char *key, const struct ww_addr *a);
/* What the flow object of flow events and alerts starts with: packets and
 * bytes each way, start. */
void eve_put_flow_counts(struct json_text *w, const struct flow *f);

/* A JSON string of untrusted bytes: valid UTF-8 passes, every byte of an
 * invalid sequence becomes the text "\xNN" (as Suricata writes it). For
 * json-c subtrees; jt_wire() writes the same as text. */
struct json_object *eve_string(const uint8_t *s, size_t len);

/* Each eve_begin_* starts a line in eve and returns it for the event's own
 * members; eve_end() must follow before the next one. */

/* An event about one packet: timestamp, flow_id, pcap_cnt or in_iface,
 * event_type, vlan, src/dest in packet direction, proto, ip_v, pkt_src,
 * community_id. f may be NULL (no flow). */
struct json_text *eve_begin_packet(struct eve *eve, const char *event_type,
                                   const struct pkt *pkt, const struct flow *f);
/* An event about a flow, in flow (client → server) orientation. */
struct json_text *eve_begin_flow(struct eve *eve, const char *event_type, const struct flow *f,
                                 const struct timeval *ts);
/* A transaction event (http, dns, wallet...) in flow orientation at time
 * ts, with the pcap_cnt / in_iface of the frame that completed it (may be NULL). */
struct json_text *eve_begin_tx(struct eve *eve, const char *event_type, const struct flow *f,
                               const struct timeval *ts, const struct ww_packet *frame);
/* The same in the direction dir (src = the sender of data flowing that way). */
struct json_text *eve_begin_dir(struct eve *eve, const char *event_type, const struct flow *f,
                                enum flow_dir dir, const struct timeval *ts,
                                const struct ww_packet *frame);
/* Only timestamp and event_type (stats). */
struct json_text *eve_begin_bare(struct eve *eve, const char *event_type,
                                 const struct timeval *ts);

/* Closes the line begun in eve and hands it to the callback. */
void eve_end(struct eve *eve);

/* `flow` event for f, which has ended at f->last. */
void eve_log_flow(struct eve *eve, const struct flow *f);
/* `anomaly` event; pkt may be NULL for flow-level events (then f is required). */
void eve_log_anomaly(struct eve *eve, const struct pkt *pkt, const struct flow *f,
                     const char *type, const char *event);
/* `stats` event: every counter in ctr (enum counter), nested at the dots. */
void eve_log_stats(struct eve *eve, const struct timeval *ts, uint64_t uptime,
                   const uint64_t *ctr);

#endif

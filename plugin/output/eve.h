/* eve.h — EVE JSON events: the common header once, then each eve-<type>.c
 * adds only its own object. A line is assembled whole and handed to the
 * host's callback in one call. Strings from the wire go through
 * eve_string() so that every line is valid UTF-8 JSON. */
#ifndef WW_EVE_H
#define WW_EVE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../include/walletwatch.h"
#include "../stream/flow.h"

/* Lines up to this size are built inside struct eve; a longer one gets a
 * heap buffer that is freed once the line has been handed over. */
#define EVE_LINE_STORAGE (16 * 1024)

struct eve {
    ww_event_cb cb;
    void *user;
    uint64_t lines; /* events emitted */
    char line[EVE_LINE_STORAGE]; /* eve_emit builds each line here */
};

/* "2024-05-31T10:15:22.123456+0000" (UTC, 6 fraction digits). */
void eve_format_time(const struct timeval *tv, char *buf, size_t len);
/* Returns a JSON string of tv in eve_format_time's format. */
struct json_object *eve_time(const struct timeval *tv);

/* A JSON string of address a, as ww_addr_format writes it. */
struct json_object *eve_address(const struct ww_addr *a);

/* A JSON string of untrusted bytes: valid UTF-8 passes, every byte of an
 * invalid sequence becomes the text "\xNN" (as Suricata writes it). */
struct json_object *eve_string(const uint8_t *s, size_t len);

/* Starts an event about one packet: timestamp, flow_id, pcap_cnt or in_iface,
 * event_type, vlan, src/dest in packet direction, proto, ip_v, pkt_src,
 * community_id. f may be NULL (no flow). */
struct json_object *eve_begin_packet(const char *event_type, const struct pkt *pkt,
                                     const struct flow *f);
/* Starts an event about a flow, in flow (client → server) orientation. */
struct json_object *eve_begin_flow(const char *event_type, const struct flow *f,
                                   const struct timeval *ts);
/* Starts a transaction event (http, dns, wallet...) in flow orientation at
 * time ts, with the pcap_cnt / in_iface of the frame that completed it (may be NULL). */
struct json_object *eve_begin_tx(const char *event_type, const struct flow *f,
                                 const struct timeval *ts, const struct ww_packet *frame);
/* The same in the direction dir (src = the sender of data flowing that way). */
struct json_object *eve_begin_dir(const char *event_type, const struct flow *f,
                                  enum flow_dir dir, const struct timeval *ts,
                                  const struct ww_packet *frame);
/* Starts an event with only timestamp and event_type (stats). */
struct json_object *eve_begin_bare(const char *event_type, const struct timeval *ts);

/* Serialises o as one line, hands it to the callback and releases o. */
void eve_emit(struct eve *eve, struct json_object *o);

/* `flow` event for f, which has ended at f->last. */
void eve_log_flow(struct eve *eve, const struct flow *f);
/* `anomaly` event; pkt may be NULL for flow-level events (then f is required). */
void eve_log_anomaly(struct eve *eve, const struct pkt *pkt, const struct flow *f,
                     const char *type, const char *event);
/* `stats` event: every counter in ctr (enum counter), nested at the dots. */
void eve_log_stats(struct eve *eve, const struct timeval *ts, uint64_t uptime,
                   const uint64_t *ctr);

#endif

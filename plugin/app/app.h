/* app.h — the seam between reassembly and the protocol parsers.
 *
 * A parser registers one struct app_parser in app-detect.c's table (one
 * line) and never touches capture, decode or stream code: it is offered the
 * first bytes of each TCP direction or UDP datagram, claims the flow by
 * returning true from probe(), and then receives every reassembled chunk
 * (and every gap) of that flow in order. */
#ifndef WW_APP_H
#define WW_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../stream/flow.h"

#include <json-c/json.h>

struct app_ctx;   /* the engine's services to parsers: app_tx_done(), app_anomaly() */
struct json_text; /* output/json-text.h */

#define APP_TX_MAX_BUFS 24

/* One sticky-buffer value of a transaction (see detect/detect-buffer.h). */
struct app_buffer {
    int id;                     /* from detect_buffer_register() */
    const uint8_t *data;
    size_t len;
};

/* A transaction (an HTTP request/response pair, a DNS message, a TLS
 * handshake, a wallet call, a chat message) handed to the engine, which logs
 * its event and runs the rules on its buffers. Everything it points to only
 * needs to live for the app_tx_done() call. */
struct app_tx {
    const char *event_type;     /* its EVE event ("http", "dns", "tls", "wallet",
                                 * "messaging"), or NULL to log none */
    enum flow_dir dir;          /* direction of the data that completed it */
    bool log_in_dir;            /* log src/dest in that direction (DNS responses, as
                                 * Suricata does), not client -> server */
    uint64_t tx_id;             /* per flow, from 0 */
    struct app_buffer bufs[APP_TX_MAX_BUFS];
    size_t nbufs;
    /* Writes the transaction's member (e.g. "dns": {...}, with jt_* calls
     * from output/json-text.h) into an event; the same member goes into its
     * own event and into alerts on it. Wire strings must go through
     * jt_wire(); secrets only as redacted fingerprints. */
    void (*to_text)(const void *tx, struct json_text *event);
    /* The same as a json-c object added to event (eve_string() for wire
     * strings), for parsers that build a tree; set one of the two. */
    void (*to_json)(const void *tx, struct json_object *event);
    const void *tx;
    /* Details a detector attached (detectors.h); alerts on this transaction
     * carry them as alert.context. NULL for parsers. */
    struct json_object *alert_context;
};

/* Logs tx as its event type and inspects its buffers with the rules. */
void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx);
/* An app-layer anomaly: {"type":"applayer","event":event,"app_proto":...,"layer":"parser"},
 * counted, rate-limited. */
void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event);

struct app_parser {
    const char *name; /* app_proto in EVE, e.g. "http" */
    uint8_t ipproto;  /* 6 or 17 */
    /* Registers the parser's sticky buffers (detect_buffer_register); called
     * once per process before rules load. May be NULL. */
    void (*register_buffers)(void);
    /* Returns true when the first bytes of a direction look like this protocol. */
    bool (*probe)(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f);
    /* Returns new per-flow state, or NULL when out of memory. */
    void *(*state_new)(void);
    void (*state_free)(void *state);
    /* Parses a chunk (data NULL when gap: len bytes were lost); returns 0, or
     * -1 to stop parsing this flow. */
    int (*parse)(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                 const uint8_t *data, size_t len, bool gap);
    /* The flow ends (close, reset, timeout, end of input): log what is still
     * pending (a response delimited by the close, an unanswered request).
     * May be NULL. state_free follows. */
    void (*flow_end)(struct app_ctx *ctx, struct flow *f, void *state);
};

/* Calls every parser's register_buffers() once. */
void app_register_all(void);
/* Offers a chunk of f to the parsers: detection first, then the owner's parse(). */
void app_on_data(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, const uint8_t *data,
                 size_t len, bool gap);
/* Tells f's parser the flow ended, then releases its state. */
void app_on_flow_end(struct app_ctx *ctx, struct flow *f);

#endif

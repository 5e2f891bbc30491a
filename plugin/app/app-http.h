/* app-http.h — what the HTTP/1.x parser offers the protocols carried over
 * HTTP (wallet JSON-RPC, chat webhooks and APIs): each complete request /
 * response pair is shown to the consumers in app-http.c's table, in order;
 * a consumer that recognises it emits its own transaction (a `wallet` or
 * `messaging` event) through app_tx_done(). The `http` event is logged
 * either way. */
#ifndef WW_APP_HTTP_H
#define WW_APP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

struct http_bytes {
    const uint8_t *p;
    size_t len;
};

/* A request / response pair, bodies de-chunked and decompressed up to the
 * configured depth. Spans are valid during the on_tx call only. */
struct http_tx_view {
    uint64_t tx_id;
    struct http_bytes method, uri, protocol, host, user_agent, content_type;
    struct http_bytes basic_user;   /* user of an Authorization: Basic header; never the password */
    bool has_basic_auth;
    bool has_bearer_token;
    struct http_bytes req_body;
    bool req_body_truncated;
    bool has_response;              /* false when the flow ended before the response */
    uint16_t status;
    struct http_bytes resp_content_type;
    struct http_bytes resp_body;
    bool resp_body_truncated;
    /* Header lookup (case-insensitive name); returns false when absent. */
    bool (*header)(const struct http_tx_view *v, bool response, const char *name,
                   struct http_bytes *value);
    const void *priv;               /* for header() */
};

struct http_consumer {
    const char *name;
    /* Returns true when it recognised the pair and emitted its transaction. */
    bool (*on_tx)(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v);
};

/* Adds a consumer (from a parser's register_buffers hook); at most 16. */
void http_consumer_register(const struct http_consumer *c);

/* Registers the parser that takes a flow over after a 101 response to a
 * request with "Upgrade: <token>" (case-insensitive, e.g. "websocket");
 * the HTTP parser then hands it every further byte (its state_new, parse and
 * state_free are used; probe is not). At most 4. */
void http_upgrade_register(const char *token, const struct app_parser *p);
#endif

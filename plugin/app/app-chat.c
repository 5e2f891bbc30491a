/* Chat APIs over HTTP/1.x: an HTTP consumer (app-http.h) that turns the
 * requests that post a message into `messaging` events.
 *
 *   Matrix client-server API (spec v1.x, "Send a message event"):
 *     PUT /_matrix/client/{r0|v3|unstable}/rooms/{roomId}/send/m.room.message/{txnId}
 *     {"msgtype": "m.text", "body": "..."}              protocol "matrix"
 *   Mattermost incoming webhook:  POST /hooks/{id}      protocol "mattermost"
 *   Slack incoming webhook:       POST /services/T../B../..  protocol "slack"
 *   Rocket.Chat incoming webhook: POST /hooks/{id}/{token}   protocol "rocketchat"
 *     {"text": "...", "channel": "...", "username": "..."} as JSON, or as the
 *     form field payload=<url-encoded JSON>
 *   Rocket.Chat REST: POST /api/v1/chat.postMessage {"channel"|"roomId", "text"}
 *     and POST /api/v1/chat.sendMessage {"message": {"rid", "msg"}},
 *     user from X-User-Id                               protocol "rocketchat"
 *
 * Access tokens (Authorization: Bearer, ?access_token=, X-Auth-Token) and
 * webhook ids are secrets: only the presence of a token is recorded, as
 * auth.mechanism. JSON is parsed with json-c with a nesting cap; a body that
 * does not parse is an anomaly and no event. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app-http.h"
#include "messaging.h"
#include "../util/ascii.h"

#define CHAT_JSON_DEPTH 16
#define CHAT_BODY_MAX (256 * 1024)
#define CHAT_ROOM_MAX 512

struct chat_msg {
    const char *protocol;
    const char *mechanism;
    struct msg_span from, channel, body;
};

static bool bytes_eq(struct http_bytes b, const char *s)
{
    size_t n = strlen(s);
    return b.len == n && memcmp(b.p, s, n) == 0;
}

/* RFC 3986 percent-decoding ('+' as space when form); returns the length. */
static size_t pct_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap, bool form)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap; i++) {
        if (p[i] == '%' && n - i >= 3 && hex_value(p[i + 1]) >= 0 && hex_value(p[i + 2]) >= 0) {
            out[o++] = (uint8_t)(hex_value(p[i + 1]) << 4 | hex_value(p[i + 2]));
            i += 2;
        } else {
            out[o++] = (form && p[i] == '+') ? ' ' : p[i];
        }
    }
    return o;
}

/* Splits the path of uri (query dropped) into up to max segments. */
static size_t path_segments(struct http_bytes uri, struct http_bytes *seg, size_t max,
                            bool *has_token_param)
{
    const uint8_t *q = memchr(uri.p, '?', uri.len);
    size_t plen = q ? (size_t)(q - uri.p) : uri.len;
    *has_token_param = false;
    if (q) {
        size_t ql = uri.len - plen;
        for (size_t i = 1; i + 13 <= ql; i++)
            if (memcmp(q + i, "access_token=", 13) == 0 && (q[i - 1] == '?' || q[i - 1] == '&'))
                *has_token_param = true;
    }
    size_t n = 0, i = 0;
    while (i < plen) {
        while (i < plen && uri.p[i] == '/')
            i++;
        size_t s = i;
        while (i < plen && uri.p[i] != '/')
            i++;
        if (i > s) {
            if (n == max)
                return max + 1;
            seg[n].p = uri.p + s;
            seg[n].len = i - s;
            n++;
        }
    }
    return n;
}

static struct json_object *parse_json(const uint8_t *p, size_t n)
{
    struct json_tokener *tok = json_tokener_new_ex(CHAT_JSON_DEPTH);
    if (!tok)
        return NULL;
    struct json_object *o = json_tokener_parse_ex(tok, (const char *)p, (int)n);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(o);
        o = NULL;
    } else {
        for (size_t i = json_tokener_get_parse_end(tok); o && i < n; i++)
            if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') {
                json_object_put(o); /* trailing bytes after the document */
                o = NULL;
            }
    }
    json_tokener_free(tok);
    if (o && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        o = NULL;
    }
    return o;
}

static struct msg_span jstr(struct json_object *o, const char *key)
{
    struct msg_span s = {NULL, 0};
    struct json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)) {
        s.p = (const uint8_t *)json_object_get_string(v);
        s.len = (size_t)json_object_get_string_len(v);
    }
    return s;
}

static bool header(const struct http_tx_view *v, const char *name, struct http_bytes *val)
{
    return v->header && v->header(v, false, name, val) && val->len;
}

/* The request body as a JSON object: JSON itself, or a form's payload=. */
static struct json_object *chat_body(const struct http_tx_view *v, bool allow_form)
{
    struct http_bytes b = v->req_body;
    if (!b.p || !b.len || b.len > CHAT_BODY_MAX)
        return NULL;
    size_t i = 0;
    while (i < b.len && (b.p[i] == ' ' || b.p[i] == '\t' || b.p[i] == '\r' || b.p[i] == '\n'))
        i++;
    if (i < b.len && b.p[i] == '{')
        return parse_json(b.p, b.len);
    if (!allow_form)
        return NULL;
    /* application/x-www-form-urlencoded: payload=<url-encoded JSON> */
    for (size_t s = 0; s < b.len;) {
        const uint8_t *amp = memchr(b.p + s, '&', b.len - s);
        size_t e = amp ? (size_t)(amp - b.p) : b.len;
        if (e - s > 8 && memcmp(b.p + s, "payload=", 8) == 0) {
            uint8_t *dec = malloc(e - s);
            if (!dec)
                return NULL;
            size_t n = pct_decode(b.p + s + 8, e - s - 8, dec, e - s, true);
            struct json_object *o = parse_json(dec, n);
            free(dec);
            return o;
        }
        s = e + 1;
    }
    return NULL;
}

static void chat_emit(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                      const struct chat_msg *c)
{
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = c->protocol;
    m.kind = MSG_MESSAGE;
    m.from = c->from;
    m.channel = c->channel;
    m.body = c->body;
    m.auth_mechanism = c->mechanism;
    messaging_tx_done(ctx, f, DIR_TOSERVER, v->tx_id, &m);
}

static void chat_bad_body(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v)
{
    app_anomaly(ctx, f, v->req_body_truncated ? "chat.body_truncated" : "chat.invalid_json");
}

static bool chat_matrix(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                        const struct http_bytes *seg, size_t n, bool token_param)
{
    /* _matrix client VERSION rooms ROOM send m.room.message [TXN] */
    bool put = bytes_eq(v->method, "PUT") && n == 8;
    bool post = bytes_eq(v->method, "POST") && n == 7; /* r0 before txn ids were required */
    if ((!put && !post) || !bytes_eq(seg[1], "client") || !bytes_eq(seg[3], "rooms") ||
        !bytes_eq(seg[5], "send") || !bytes_eq(seg[6], "m.room.message"))
        return false;
    struct json_object *o = chat_body(v, false);
    struct chat_msg c = {.protocol = "matrix"};
    c.body = jstr(o, "body");
    if (!c.body.p) {
        if (!o)
            chat_bad_body(ctx, f, v);
        json_object_put(o);
        return false;
    }
    uint8_t room[CHAT_ROOM_MAX];
    c.channel.p = room;
    c.channel.len = pct_decode(seg[4].p, seg[4].len, room, sizeof(room), false);
    c.mechanism = v->has_bearer_token ? "Bearer" : token_param ? "access_token" : NULL;
    chat_emit(ctx, f, v, &c);
    json_object_put(o);
    return true;
}

static bool chat_webhook(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                         const char *protocol)
{
    struct json_object *o = chat_body(v, true);
    struct chat_msg c = {.protocol = protocol};
    c.body = jstr(o, "text");
    c.channel = jstr(o, "channel");
    c.from = jstr(o, "username");
    if (!c.body.p) {
        if (!o)
            chat_bad_body(ctx, f, v);
        json_object_put(o);
        return false;
    }
    chat_emit(ctx, f, v, &c);
    json_object_put(o);
    return true;
}

static bool chat_rocket_api(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v,
                            bool send_message)
{
    struct json_object *o = chat_body(v, false);
    struct chat_msg c = {.protocol = "rocketchat"};
    struct json_object *msg = o;
    if (send_message && !(o && json_object_object_get_ex(o, "message", &msg) &&
                          json_object_is_type(msg, json_type_object)))
        msg = NULL;
    c.body = jstr(msg, send_message ? "msg" : "text");
    c.channel = jstr(msg, send_message ? "rid" : "channel");
    if (!c.channel.p && !send_message)
        c.channel = jstr(msg, "roomId");
    if (!c.body.p) {
        if (!o)
            chat_bad_body(ctx, f, v);
        json_object_put(o);
        return false;
    }
    struct http_bytes h;
    if (header(v, "X-User-Id", &h)) {
        c.from.p = h.p;
        c.from.len = h.len;
    }
    if (header(v, "X-Auth-Token", &h))
        c.mechanism = "X-Auth-Token";
    chat_emit(ctx, f, v, &c);
    json_object_put(o);
    return true;
}

static bool chat_on_tx(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v)
{
    struct http_bytes seg[9];
    bool token_param;
    if (!v->uri.p || !v->method.p)
        return false;
    size_t n = path_segments(v->uri, seg, 8, &token_param);
    if (n == 0 || n > 8)
        return false;
    if (bytes_eq(seg[0], "_matrix") && n >= 7)
        return chat_matrix(ctx, f, v, seg, n, token_param);
    if (!bytes_eq(v->method, "POST"))
        return false;
    if (bytes_eq(seg[0], "hooks") && (n == 2 || n == 3))
        return chat_webhook(ctx, f, v, n == 2 ? "mattermost" : "rocketchat");
    if (bytes_eq(seg[0], "services") && n == 4)
        return chat_webhook(ctx, f, v, "slack");
    if (n == 3 && bytes_eq(seg[0], "api") && bytes_eq(seg[1], "v1")) {
        if (bytes_eq(seg[2], "chat.postMessage"))
            return chat_rocket_api(ctx, f, v, false);
        if (bytes_eq(seg[2], "chat.sendMessage"))
            return chat_rocket_api(ctx, f, v, true);
    }
    return false;
}

static const struct http_consumer chat_consumer = {
    .name = "chat",
    .on_tx = chat_on_tx,
};

static void chat_register_buffers(void)
{
    messaging_register_buffers();
    http_consumer_register(&chat_consumer);
}

/* Chat APIs ride on HTTP: the HTTP parser owns the flow, and this entry only
 * links the consumer in and registers it through the parser table. */
static bool chat_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)data;
    (void)len;
    (void)dir;
    (void)f;
    return false;
}

static void *chat_state_new(void)
{
    return NULL;
}

static void chat_state_free(void *state)
{
    (void)state;
}

static int chat_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool gap)
{
    (void)ctx, (void)f, (void)state, (void)dir, (void)data, (void)len, (void)gap;
    return -1;
}

const struct app_parser chat_parser = {
    .name = "chat",
    .ipproto = 6,
    .register_buffers = chat_register_buffers,
    .probe = chat_probe,
    .state_new = chat_state_new,
    .state_free = chat_state_free,
    .parse = chat_parse,
};

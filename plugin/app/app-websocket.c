/* WebSocket frames after an HTTP/1.1 upgrade: RFC 6455 §5.2 (framing),
 * §5.3 (client-to-server masking), §5.4 (fragmentation), §5.5 (control
 * frames).
 *
 *   byte 0  FIN RSV1 RSV2 RSV3 opcode(4)
 *   byte 1  MASK len(7)        len 126: 16-bit length follows, 127: 64-bit
 *           [masking key, 4 bytes, client frames only]  payload
 *
 * Reached only through app-http.c: a 101 response to "Upgrade: websocket"
 * hands the flow's further bytes here, so probe() never claims a flow.
 * Payloads are streamed, not buffered: a text message (opcode 1 plus its
 * continuation frames) is unmasked into a buffer of at most WS_MSG_MAX
 * bytes and becomes one `messaging` event; binary messages are counted,
 * not logged; a close frame ends parsing. A message compressed by
 * permessage-deflate (RSV1) is counted like a binary one. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app-http.h"
#include "messaging.h"
#include "../util/rd.h"

#define WS_MSG_MAX (256 * 1024)
#define WS_HDR_MAX 14
#define WS_CTL_MAX 125

enum ws_op { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };

struct ws_dir {
    uint8_t hdr[WS_HDR_MAX];
    size_t hdr_len;
    bool in_frame;       /* header complete, payload_left bytes to go */
    uint64_t payload_left;
    uint8_t opcode;
    bool fin;
    uint8_t mask[4];
    bool masked;
    size_t mask_off;
    uint8_t msg_op;      /* opcode of the message being assembled, or WS_CONT */
    bool msg_skip;       /* the message is not logged (binary, compressed) */
    uint8_t *msg;
    size_t msg_len;
    bool msg_truncated;
    bool mask_warned;
};

struct ws_state {
    struct ws_dir d[2];
    uint64_t tx_id;
    uint64_t binary_messages;
    uint64_t compressed_messages;
};

enum { WR_OK = 0, WR_STOP = -1 };

static bool is_control(uint8_t op)
{
    return op >= WS_CLOSE;
}

/* Bytes of header the first two bytes announce. */
static size_t hdr_need(const uint8_t *h)
{
    size_t n = 2;
    uint8_t l7 = h[1] & 0x7f;
    if (l7 == 126)
        n += 2;
    else if (l7 == 127)
        n += 8;
    if (h[1] & 0x80)
        n += 4;
    return n;
}

static void log_text(struct app_ctx *ctx, struct flow *f, struct ws_state *st,
                     enum flow_dir dir, struct ws_dir *d)
{
    static const uint8_t empty[1];
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "websocket";
    m.kind = MSG_MESSAGE;
    m.body.p = d->msg ? d->msg : empty;
    m.body.len = d->msg_len;
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

/* Checks a complete header and starts its frame; returns WR_STOP on a frame
 * RFC 6455 forbids. */
static int frame_start(struct app_ctx *ctx, struct flow *f, struct ws_state *st,
                       enum flow_dir dir, struct ws_dir *d)
{
    struct rd r = rd_init(d->hdr, d->hdr_len);
    uint8_t b0 = rd_u8(&r), b1 = rd_u8(&r);
    uint64_t len = b1 & 0x7f;
    if (len == 126)
        len = rd_be16(&r);
    else if (len == 127)
        len = (uint64_t)rd_be32(&r) << 32 | rd_be32(&r);
    d->masked = (b1 & 0x80) != 0;
    if (d->masked)
        memcpy(d->mask, rd_bytes(&r, 4).p, 4);
    d->opcode = b0 & 0x0f;
    d->fin = (b0 & 0x80) != 0;
    bool rsv1 = (b0 & 0x40) != 0;
    bool bad_op = (d->opcode > WS_BINARY && d->opcode < WS_CLOSE) || d->opcode > WS_PONG;
    bool bad_ctl = is_control(d->opcode) && (!d->fin || len > WS_CTL_MAX || rsv1);
    bool bad_seq = (d->opcode == WS_CONT) != (d->msg_op != WS_CONT) && !is_control(d->opcode);
    if (r.err || (b0 & 0x30) || bad_op || bad_ctl || bad_seq || (len >> 63)) {
        app_anomaly(ctx, f, "websocket.invalid_frame");
        return WR_STOP;
    }
    if (d->masked != (dir == DIR_TOSERVER) && !d->mask_warned) {
        d->mask_warned = true; /* §5.1: clients mask, servers do not */
        app_anomaly(ctx, f, d->masked ? "websocket.masked_server_frame"
                                      : "websocket.unmasked_client_frame");
    }
    if (d->opcode == WS_TEXT || d->opcode == WS_BINARY) {
        d->msg_op = d->opcode;
        d->msg_skip = d->opcode == WS_BINARY || rsv1;
        d->msg_len = 0;
        d->msg_truncated = false;
        if (d->opcode == WS_BINARY)
            st->binary_messages++;
        else if (rsv1)
            st->compressed_messages++;
    }
    d->payload_left = len;
    d->mask_off = 0;
    d->in_frame = true;
    return WR_OK;
}

static bool msg_append(struct app_ctx *ctx, struct flow *f, struct ws_dir *d, const uint8_t *p,
                       size_t n)
{
    if (!d->msg) {
        d->msg = malloc(WS_MSG_MAX);
        if (!d->msg)
            return false;
    }
    size_t room = WS_MSG_MAX - d->msg_len;
    if (n > room) {
        if (!d->msg_truncated)
            app_anomaly(ctx, f, "websocket.message_too_long");
        d->msg_truncated = true;
        n = room;
    }
    for (size_t i = 0; i < n; i++)
        d->msg[d->msg_len + i] = d->masked ? p[i] ^ d->mask[(d->mask_off + i) & 3] : p[i];
    d->msg_len += n;
    return true;
}

/* The frame's payload is complete. */
static int frame_end(struct app_ctx *ctx, struct flow *f, struct ws_state *st,
                     enum flow_dir dir, struct ws_dir *d)
{
    d->in_frame = false;
    d->hdr_len = 0;
    if (d->opcode == WS_CLOSE)
        return WR_STOP;
    if (is_control(d->opcode) || !d->fin)
        return WR_OK;
    if (d->msg_op == WS_TEXT && !d->msg_skip)
        log_text(ctx, f, st, dir, d);
    d->msg_op = WS_CONT;
    d->msg_len = 0;
    return WR_OK;
}

static int ws_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                    const uint8_t *data, size_t len, bool gap)
{
    struct ws_state *st = state;
    struct ws_dir *d = &st->d[dir];
    if (gap)
        return -1; /* frame boundaries are lost */
    struct rd r = rd_init(data, len);
    for (;;) {
        if (!d->in_frame) {
            size_t need = d->hdr_len < 2 ? 2 : hdr_need(d->hdr);
            if (d->hdr_len < need) {
                size_t n = need - d->hdr_len < rd_left(&r) ? need - d->hdr_len : rd_left(&r);
                memcpy(d->hdr + d->hdr_len, rd_bytes(&r, n).p, n);
                d->hdr_len += n;
                if (rd_left(&r) == 0 && d->hdr_len < (d->hdr_len < 2 ? 2 : hdr_need(d->hdr)))
                    return 0;
                continue;
            }
            if (frame_start(ctx, f, st, dir, d) == WR_STOP)
                return -1;
        }
        uint64_t left = d->payload_left;
        size_t n = left < rd_left(&r) ? (size_t)left : rd_left(&r);
        struct span p = rd_bytes(&r, n);
        bool keep = d->msg_op == WS_TEXT && !d->msg_skip && !is_control(d->opcode);
        if (keep && n && !msg_append(ctx, f, d, p.p, n))
            return -1;
        d->mask_off += n;
        d->payload_left -= n;
        if (d->payload_left > 0)
            return 0;
        if (frame_end(ctx, f, st, dir, d) == WR_STOP)
            return -1;
        if (rd_left(&r) == 0)
            return 0;
    }
}

/* Never claims a flow by content: the HTTP parser hands upgraded flows over. */
static bool ws_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)data;
    (void)len;
    (void)dir;
    (void)f;
    return false;
}

static void *ws_state_new(void)
{
    return calloc(1, sizeof(struct ws_state));
}

static void ws_state_free(void *state)
{
    struct ws_state *st = state;
    if (!st)
        return;
    for (int i = 0; i < 2; i++)
        free(st->d[i].msg);
    free(st);
}

extern const struct app_parser websocket_parser;

static void ws_register_buffers(void)
{
    messaging_register_buffers();
    http_upgrade_register("websocket", &websocket_parser);
}

const struct app_parser websocket_parser = {
    .name = "websocket",
    .ipproto = 6,
    .register_buffers = ws_register_buffers,
    .probe = ws_probe,
    .state_new = ws_state_new,
    .state_free = ws_state_free,
    .parse = ws_parse,
};

/* MQTT 3.1, 3.1.1 and 5.0 over TCP: OASIS MQTT v3.1.1 §2 (fixed header,
 * remaining length), §3.1 CONNECT, §3.3 PUBLISH; MQTT v5.0 §2.2.2
 * (properties) and §3.1.2.11, §3.3.2.3.
 *
 *   byte 0      type << 4 | flags
 *   bytes 1..4  remaining length, 7 bits a byte, high bit = more (§2.2.3)
 *   ...         variable header and payload (remaining length bytes)
 *
 * CONNECT is one `login` event (client id, user name, password flag; the
 * password only as a fingerprint); each PUBLISH, in either direction, is one
 * `messaging` event (channel = topic, body = payload). A packet longer than
 * MQTT_PACKET_MAX is skipped with an anomaly; a reserved type, a bad length
 * or a malformed CONNECT / PUBLISH stops the parser. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "messaging.h"
#include "../util/rd.h"

#define MQTT_PACKET_MAX (1024 * 1024)
#define MQTT_HDR_MAX 5
#define MQTT_ID_MAX 256

enum {
    MQTT_CONNECT = 1,
    MQTT_PUBLISH = 3,
};

struct mqtt_dir {
    uint8_t *p;
    size_t len, cap;
    size_t skip; /* bytes of an oversized packet still to drop */
};

struct mqtt_state {
    struct mqtt_dir d[2];
    uint64_t tx_id;
    uint8_t level; /* protocol level from CONNECT: 3, 4 or 5 */
    uint8_t client_id[MQTT_ID_MAX];
    size_t client_id_len;
};

enum { MR_OK = 0, MR_STOP = -1 };

/* §1.5.5 variable byte integer: at most 4 bytes. Sets err when longer. */
static uint32_t rd_varint(struct rd *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t b = rd_u8(r);
        v |= (uint32_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return v;
    }
    r->err = true;
    return 0;
}

static struct span rd_str16(struct rd *r)
{
    return rd_bytes(r, rd_be16(r));
}

static void skip_props(struct rd *r, uint8_t level)
{
    if (level == 5)
        rd_skip(r, rd_varint(r));
}

static struct msg_span mspan(struct span s)
{
    struct msg_span m = {s.p, s.len};
    return m;
}

/* ---- packets ----------------------------------------------------------------- */

static int on_connect(struct app_ctx *ctx, struct flow *f, struct mqtt_state *st,
                      enum flow_dir dir, struct rd *r)
{
    struct span name = rd_str16(r);
    uint8_t level = rd_u8(r);
    uint8_t flags = rd_u8(r);
    rd_skip(r, 2); /* keep alive */
    bool known = (name.len == 4 && memcmp(name.p, "MQTT", 4) == 0) ||
                 (name.len == 6 && memcmp(name.p, "MQIsdp", 6) == 0);
    if (r->err || !known || level < 3 || level > 5 || (flags & 0x01)) {
        app_anomaly(ctx, f, "mqtt.malformed_connect");
        return MR_STOP;
    }
    st->level = level;
    skip_props(r, level);
    struct span id = rd_str16(r);
    if (flags & 0x04) { /* will: properties (v5), topic, payload */
        skip_props(r, level);
        rd_str16(r);
        rd_str16(r);
    }
    struct span user = {NULL, 0}, pass = {NULL, 0};
    if (flags & 0x80)
        user = rd_str16(r);
    if (flags & 0x40)
        pass = rd_str16(r);
    if (r->err) {
        app_anomaly(ctx, f, "mqtt.malformed_connect");
        return MR_STOP;
    }
    st->client_id_len = id.len < MQTT_ID_MAX ? id.len : MQTT_ID_MAX;
    memcpy(st->client_id, id.p, st->client_id_len);
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "mqtt";
    m.kind = MSG_LOGIN;
    m.from = mspan(id);
    m.user = mspan(user);
    m.cleartext_password = (flags & 0x40) != 0;
    m.password = mspan(pass);
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
    return MR_OK;
}

static int on_publish(struct app_ctx *ctx, struct flow *f, struct mqtt_state *st,
                      enum flow_dir dir, uint8_t flags, struct rd *r)
{
    unsigned qos = (flags >> 1) & 3;
    struct span topic = rd_str16(r);
    if (qos > 0)
        rd_skip(r, 2); /* packet identifier */
    skip_props(r, st->level);
    if (r->err || qos == 3) {
        app_anomaly(ctx, f, "mqtt.malformed_publish");
        return MR_STOP;
    }
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "mqtt";
    m.kind = MSG_MESSAGE;
    struct msg_span client = {st->client_id_len ? st->client_id : NULL, st->client_id_len};
    if (dir == DIR_TOSERVER)
        m.from = client;
    else
        m.to = client;
    m.channel = mspan(topic);
    m.body.p = r->p;
    m.body.len = rd_left(r);
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
    return MR_OK;
}

static int on_packet(struct app_ctx *ctx, struct flow *f, struct mqtt_state *st,
                     enum flow_dir dir, uint8_t b0, const uint8_t *body, size_t len)
{
    struct rd r = rd_init(body, len);
    uint8_t type = b0 >> 4;
    if (type == MQTT_CONNECT && dir == DIR_TOSERVER)
        return on_connect(ctx, f, st, dir, &r);
    if (type == MQTT_PUBLISH)
        return on_publish(ctx, f, st, dir, b0 & 0x0f, &r);
    return MR_OK;
}

/* ---- driver ------------------------------------------------------------------ */

/* Handles the complete packets at the start of d's buffer; returns the bytes
 * used, or -1 to stop. */
static long mqtt_process(struct app_ctx *ctx, struct flow *f, struct mqtt_state *st,
                         enum flow_dir dir)
{
    struct mqtt_dir *d = &st->d[dir];
    struct rd r = rd_init(d->p, d->len);
    for (;;) {
        const uint8_t *start = r.p;
        uint8_t b0 = rd_u8(&r);
        uint32_t rem = rd_varint(&r);
        if (r.err) {
            /* Four continuation bytes are a bad length, fewer need more data. */
            if (rd_left(&r) == 0 && (size_t)(d->p + d->len - start) < MQTT_HDR_MAX)
                return (long)(start - d->p);
            app_anomaly(ctx, f, "mqtt.invalid_length");
            return -1;
        }
        if ((b0 >> 4) == 0) {
            app_anomaly(ctx, f, "mqtt.invalid_type");
            return -1;
        }
        if (rem > MQTT_PACKET_MAX) {
            app_anomaly(ctx, f, "mqtt.packet_too_large");
            size_t have = rd_left(&r);
            d->skip = rem - have;
            return (long)d->len;
        }
        if (rem > rd_left(&r))
            return (long)(start - d->p);
        struct span body = rd_bytes(&r, rem);
        if (on_packet(ctx, f, st, dir, b0, body.p, body.len) == MR_STOP)
            return -1;
    }
}

static bool mqtt_append(struct mqtt_dir *d, const uint8_t *data, size_t n)
{
    if (d->len + n > d->cap) {
        size_t cap = d->cap ? d->cap : 1024;
        while (cap < d->len + n)
            cap *= 2;
        uint8_t *p = realloc(d->p, cap);
        if (!p)
            return false;
        d->p = p;
        d->cap = cap;
    }
    memcpy(d->p + d->len, data, n);
    d->len += n;
    return true;
}

static int mqtt_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool gap)
{
    struct mqtt_state *st = state;
    struct mqtt_dir *d = &st->d[dir];
    if (gap)
        return -1; /* packet boundaries are lost */
    while (len > 0) {
        if (d->skip) {
            size_t n = len < d->skip ? len : d->skip;
            d->skip -= n;
            data += n;
            len -= n;
            continue;
        }
        /* Never hold more than one maximal packet with its header. */
        size_t room = MQTT_PACKET_MAX + MQTT_HDR_MAX - d->len;
        size_t n = len < room ? len : room;
        if (!mqtt_append(d, data, n))
            return -1;
        data += n;
        len -= n;
        long used = mqtt_process(ctx, f, st, dir);
        if (used < 0)
            return -1;
        memmove(d->p, d->p + used, d->len - (size_t)used);
        d->len -= (size_t)used;
    }
    return 0;
}

/* ---- registration ------------------------------------------------------------ */

/* A CONNECT: 0x10, a remaining length, then protocol name "MQTT" (3.1.1,
 * 5.0) or "MQIsdp" (3.1) and a known level. */
static bool mqtt_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)f;
    if (dir != DIR_TOSERVER)
        return false;
    struct rd r = rd_init(data, len);
    if (rd_u8(&r) != 0x10)
        return false;
    uint32_t rem = rd_varint(&r);
    struct span name = rd_str16(&r);
    uint8_t level = rd_u8(&r);
    if (r.err || rem < 10)
        return false;
    bool mqtt = name.len == 4 && memcmp(name.p, "MQTT", 4) == 0 && (level == 4 || level == 5);
    bool mqisdp = name.len == 6 && memcmp(name.p, "MQIsdp", 6) == 0 && level == 3;
    return mqtt || mqisdp;
}

static void *mqtt_state_new(void)
{
    struct mqtt_state *st = calloc(1, sizeof(*st));
    if (st)
        st->level = 4;
    return st;
}

static void mqtt_state_free(void *state)
{
    struct mqtt_state *st = state;
    if (!st)
        return;
    for (int i = 0; i < 2; i++) {
        if (st->d[i].p)
            explicit_bzero(st->d[i].p, st->d[i].cap); /* may hold a CONNECT password */
        free(st->d[i].p);
    }
    free(st);
}

static void mqtt_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser mqtt_parser = {
    .name = "mqtt",
    .ipproto = 6,
    .register_buffers = mqtt_register_buffers,
    .probe = mqtt_probe,
    .state_new = mqtt_state_new,
    .state_free = mqtt_state_free,
    .parse = mqtt_parse,
};

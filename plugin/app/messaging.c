/* messaging.c — builds the `messaging` event and buffers of a message. */
#include "messaging.h"

#include <string.h>

#include "../detect/detect-buffer.h"
#include "../output/eve.h"
#include "../util/redact.h"

enum { MB_BODY, MB_FROM, MB_TO, MB_CHANNEL, MB_PROTOCOL, MB_COUNT };
static const char *const msg_buffer_names[MB_COUNT] = {
    "messaging.body", "messaging.from", "messaging.to", "messaging.channel", "messaging.protocol",
};
static int msg_buffer_ids[MB_COUNT] = {-1, -1, -1, -1, -1};

void messaging_register_buffers(void)
{
    for (int i = 0; i < MB_COUNT; i++)
        if (msg_buffer_ids[i] < 0)
            msg_buffer_ids[i] =
                detect_buffer_register(msg_buffer_names[i], NULL, BUF_TOSERVER | BUF_TOCLIENT);
}

static void put_span(struct json_object *o, const char *key, struct msg_span s)
{
    if (s.p && s.len)
        json_object_object_add(o, key, eve_string(s.p, s.len));
}

static const char *kind_name(uint8_t kind)
{
    static const char *const names[] = {"message", "session", "login"};
    return kind < 3 ? names[kind] : "message";
}

static void messaging_to_json(const void *tx, struct json_object *event)
{
    const struct msg_view *m = tx;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "protocol", json_object_new_string(m->protocol));
    json_object_object_add(o, "kind", json_object_new_string(kind_name(m->kind)));
    put_span(o, "from", m->from);
    put_span(o, "to", m->to);
    put_span(o, "channel", m->channel);
    if (m->body.p)
        json_object_object_add(o, "body_length", json_object_new_int64((int64_t)m->body.len));
    json_object_object_add(o, "starttls_offered", json_object_new_boolean(m->starttls_offered));
    json_object_object_add(o, "encrypted", json_object_new_boolean(m->encrypted));
    if (m->auth_mechanism || m->user.len || m->cleartext_password) {
        struct json_object *a = json_object_new_object();
        if (m->auth_mechanism)
            json_object_object_add(a, "mechanism", json_object_new_string(m->auth_mechanism));
        put_span(a, "user", m->user);
        json_object_object_add(a, "cleartext_password",
                               json_object_new_boolean(m->cleartext_password));
        if (m->password.p && m->password.len)
            json_object_object_add(a, "password",
                                   redact_json("password", m->password.p, m->password.len));
        json_object_object_add(o, "auth", a);
    }
    json_object_object_add(event, "messaging", o);
}

static void add_buf(struct app_tx *tx, int id, struct msg_span s)
{
    if (id < 0 || !s.p || tx->nbufs >= APP_TX_MAX_BUFS)
        return;
    tx->bufs[tx->nbufs].id = id;
    tx->bufs[tx->nbufs].data = s.p;
    tx->bufs[tx->nbufs].len = s.len;
    tx->nbufs++;
}

void messaging_tx_done(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, uint64_t tx_id,
                       const struct msg_view *m)
{
    messaging_register_buffers();
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.event_type = "messaging";
    tx.dir = dir;
    tx.tx_id = tx_id;
    tx.to_json = messaging_to_json;
    tx.tx = m;
    struct msg_span proto = {(const uint8_t *)m->protocol, strlen(m->protocol)};
    add_buf(&tx, msg_buffer_ids[MB_BODY], m->body);
    add_buf(&tx, msg_buffer_ids[MB_FROM], m->from);
    add_buf(&tx, msg_buffer_ids[MB_TO], m->to);
    add_buf(&tx, msg_buffer_ids[MB_CHANNEL], m->channel);
    add_buf(&tx, msg_buffer_ids[MB_PROTOCOL], proto);
    app_tx_done(ctx, f, &tx);
}

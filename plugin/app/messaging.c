/* messaging.c — builds the `messaging` event and buffers of a message. */
#include "messaging.h"

#include <stdlib.h>
#include <string.h>

#include "../detect/detect-buffer.h"
#include "material.h"
#include "../output/eve.h"
#include "../util/redact.h"

#define MSG_MAX_FINDINGS 32

enum { MB_BODY, MB_FROM, MB_TO, MB_CHANNEL, MB_PROTOCOL, MB_MATERIAL, MB_COUNT };
static const char *const msg_buffer_names[MB_COUNT] = {
    "messaging.body",     "messaging.from",    "messaging.to",
    "messaging.channel",  "messaging.protocol", "messaging.material",
};
static int msg_buffer_ids[MB_COUNT] = {-1, -1, -1, -1, -1, -1};

/* A message with what the wallet-material classifier found in its text. */
struct msg_tx {
    const struct msg_view *m;
    struct material_finding found[MSG_MAX_FINDINGS];
    size_t nfound;
    char kinds[MSG_MAX_FINDINGS * 20]; /* messaging.material: "kind\n" per finding */
    size_t kinds_len;
};

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
    const struct msg_tx *mt = tx;
    const struct msg_view *m = mt->m;
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
    if (mt->nfound) {
        json_object_object_add(o, "wallet_material",
                               material_json(m->body.p, m->body.len, mt->found, mt->nfound));
        json_object_object_add(o, "wallet_material_severity",
                               json_object_new_int(material_severity(mt->found, mt->nfound)));
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

static void add_kind(struct msg_tx *mt, const char *k)
{
    size_t n = strlen(k);
    if (mt->kinds_len + n + 1 > sizeof(mt->kinds))
        return;
    memcpy(mt->kinds + mt->kinds_len, k, n);
    mt->kinds[mt->kinds_len + n] = '\n';
    mt->kinds_len += n + 1;
}

/* Runs the classifier over the text; the kinds found (and a cleartext
 * password of the login) become messaging.material. */
static void classify(struct msg_tx *mt)
{
    const struct msg_view *m = mt->m;
    mt->nfound = m->body.p ? material_scan(m->body.p, m->body.len, mt->found, MSG_MAX_FINDINGS) : 0;
    for (size_t i = 0; i < mt->nfound; i++)
        add_kind(mt, material_kind_name(mt->found[i].kind));
    if (m->cleartext_password)
        add_kind(mt, "cleartext-password");
}

void messaging_tx_done(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, uint64_t tx_id,
                       const struct msg_view *m)
{
    messaging_register_buffers();
    struct msg_tx *mt = calloc(1, sizeof(*mt));
    if (!mt)
        return;
    mt->m = m;
    classify(mt);
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.event_type = "messaging";
    tx.dir = dir;
    tx.tx_id = tx_id;
    tx.to_json = messaging_to_json;
    tx.tx = mt;
    struct msg_span proto = {(const uint8_t *)m->protocol, strlen(m->protocol)};
    add_buf(&tx, msg_buffer_ids[MB_BODY], m->body);
    add_buf(&tx, msg_buffer_ids[MB_FROM], m->from);
    add_buf(&tx, msg_buffer_ids[MB_TO], m->to);
    add_buf(&tx, msg_buffer_ids[MB_CHANNEL], m->channel);
    add_buf(&tx, msg_buffer_ids[MB_PROTOCOL], proto);
    struct msg_span kinds = {(const uint8_t *)mt->kinds, mt->kinds_len};
    if (mt->kinds_len)
        add_buf(&tx, msg_buffer_ids[MB_MATERIAL], kinds);
    app_tx_done(ctx, f, &tx);
    free(mt);
}

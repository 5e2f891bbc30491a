/* engine-app.c — the engine's services to app-layer parsers (app.h):
 * transactions become events (and, with rules loaded, go through detection),
 * parser anomalies become rate-limited anomaly events and counters. */
#include <string.h>

#include "../output/eve-tx.h"
#include "engine.h"

/* Suricata's per-protocol counter names, where the schema has them. */
struct app_counters {
    const char *proto;
    enum counter tx, error;
};

static const struct app_counters app_counters[] = {
    {"http", CTR_APP_TX_HTTP, CTR_APP_ERROR_HTTP},
    {"tls", CTR_APP_TX_TLS, CTR_APP_ERROR_TLS},
    {"dns", CTR_APP_TX_DNS_UDP, CTR_APP_ERROR_DNS_UDP},
    {"smtp", CTR_APP_TX_SMTP, CTR_APP_ERROR_SMTP},
    {"ftp", CTR_APP_TX_FTP, CTR_APP_ERROR_FTP},
    {"mqtt", CTR_APP_TX_MQTT, CTR_APP_ERROR_MQTT},
    {"telnet", CTR_APP_TX_TELNET, CTR_APP_ERROR_TELNET},
    {"websocket", CTR_APP_TX_WEBSOCKET, CTR_APP_ERROR_WEBSOCKET},
};

static const struct app_counters *counters_of(const struct flow *f)
{
    for (size_t i = 0; f->app_proto && i < sizeof(app_counters) / sizeof(app_counters[0]); i++)
        if (strcmp(app_counters[i].proto, f->app_proto) == 0)
            return &app_counters[i];
    return NULL;
}

/* Parser state per flow is bounded by each parser's caps but not charged
 * byte by byte; the number of flows holding it is bounded instead, at an
 * assumed 16 KiB each, so app-layer.memcap bounds the whole. */
#define APP_FLOW_COST (16 * 1024)

void engine_app_data(ww_engine *eng, struct flow *f, enum flow_dir dir, const uint8_t *data,
                     size_t len, bool gap)
{
    if (!eng->app_flows_max)
        eng->app_flows_max = conf_num(eng->cfg, CONF_APP_MEMCAP) / APP_FLOW_COST;
    bool had = f->app != NULL;
    if (!had && eng->app_flows >= eng->app_flows_max) {
        if (!f->app_refused)
            eng->ctr[CTR_APP_MEMCAP_REFUSED]++;
        f->app_refused = true;
        return;
    }
    app_on_data(&eng->app, f, dir, data, len, gap);
    if (!had && f->app)
        eng->app_flows++;
}

void engine_app_flow_end(ww_engine *eng, struct flow *f)
{
    if (f->app && eng->app_flows)
        eng->app_flows--;
    app_on_flow_end(&eng->app, f);
}

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    ww_engine *eng = ctx->eng;
    const struct app_counters *c = counters_of(f);
    if (c && tx->event_type)
        eng->ctr[c->tx]++;
    engine_detectors_tx(eng, f, tx);
    if (!tx->event_type)
        return;
    enum flow_dir dir = tx->log_in_dir ? tx->dir : DIR_TOSERVER;
    struct json_text *w = eve_begin_dir(&eng->eve, tx->event_type, f, dir, &eng->now, eng->frame);
    jt_u64(w, "tx_id", tx->tx_id);
    eve_put_tx(w, tx);
    if (f->app_proto)
        jt_string(w, "app_proto", f->app_proto);
    eve_end(&eng->eve);
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    ww_engine *eng = ctx->eng;
    const struct app_counters *c = counters_of(f);
    enum counter ctr = c ? c->error : CTR_APP_ERROR_OTHER;
    eng->ctr[ctr]++;
    if (!engine_anomaly_allowed(eng, ctr))
        return;
    struct json_text *w = eve_begin_tx(&eng->eve, "anomaly", f, &eng->now, eng->frame);
    jt_object(w, "anomaly");
    jt_string(w, "type", "applayer");
    jt_string(w, "event", event);
    if (f->app_proto)
        jt_string(w, "app_proto", f->app_proto);
    jt_string(w, "layer", "parser");
    jt_end_object(w);
    eve_end(&eng->eve);
}

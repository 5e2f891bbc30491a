/* eve-alert.c — the `alert` event (Suricata's AlertJson order): header in
 * the direction of the matching data, tx_id, alert{}, the transaction's
 * app-layer object, app_proto, direction, flow{} summary, payload_printable. */
#include "eve-alert.h"

#include <stdlib.h>
#include <string.h>

#include "eve-tx.h"

#define PAYLOAD_PRINTABLE_MAX 4096

static int cmp_meta(const void *a, const void *b)
{
    return strcmp(((const struct rule_meta *)a)->key, ((const struct rule_meta *)b)->key);
}

/* metadata: key -> [values], keys sorted (as Suricata renders it). */
static struct json_object *alert_metadata(const struct rule *r)
{
    struct rule_meta *sorted = malloc(r->nmeta * sizeof(*sorted));
    if (!sorted)
        return NULL;
    memcpy(sorted, r->meta, r->nmeta * sizeof(*sorted));
    qsort(sorted, r->nmeta, sizeof(*sorted), cmp_meta);
    struct json_object *m = json_object_new_object();
    for (uint32_t i = 0; i < r->nmeta; i++) {
        struct json_object *vals = json_object_new_array();
        for (uint32_t k = 0; k < sorted[i].nvalues; k++)
            json_object_array_add(vals, json_object_new_string(sorted[i].values[k]));
        json_object_object_add(m, sorted[i].key, vals);
    }
    free(sorted);
    return m;
}

static struct json_object *alert_object(const struct rule *r)
{
    struct json_object *a = json_object_new_object();
    json_object_object_add(a, "action", json_object_new_string("allowed"));
    json_object_object_add(a, "gid", json_object_new_int64(r->gid));
    json_object_object_add(a, "signature_id", json_object_new_int64(r->sid));
    json_object_object_add(a, "rev", json_object_new_int64(r->rev));
    json_object_object_add(a, "signature", eve_string((const uint8_t *)r->msg, strlen(r->msg)));
    const char *cat = r->category ? r->category : "";
    json_object_object_add(a, "category", json_object_new_string(cat));
    json_object_object_add(a, "severity", json_object_new_int(r->priority));
    if (r->nmeta) {
        struct json_object *m = alert_metadata(r);
        if (m)
            json_object_object_add(a, "metadata", m);
    }
    return a;
}

static void put_flow_summary(struct json_text *w, const struct flow *f)
{
    jt_object(w, "flow");
    eve_put_flow_counts(w, f);
    eve_put_addr(w, "src_ip", &f->cli);
    eve_put_addr(w, "dest_ip", &f->srv);
    if (f->proto == 6 || f->proto == 17) {
        jt_u64(w, "src_port", f->cli_port);
        jt_u64(w, "dest_port", f->srv_port);
    }
    jt_end_object(w);
}

/* The inspected bytes, non-printable ones as '.'. */
static void put_printable(struct json_text *w, const uint8_t *p, size_t len)
{
    char text[PAYLOAD_PRINTABLE_MAX];
    if (len > PAYLOAD_PRINTABLE_MAX)
        len = PAYLOAD_PRINTABLE_MAX;
    for (size_t i = 0; i < len; i++)
        text[i] = (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ? (char)p[i] : '.';
    jt_string_len(w, "payload_printable", text, len);
}

void eve_log_alert(struct eve *eve, const struct detect_hit *hit, const struct timeval *now,
                   const struct ww_packet *frame, bool payload_printable)
{
    struct flow *f = hit->f;
    struct json_text *w = hit->pkt ? eve_begin_packet(eve, "alert", hit->pkt, f)
                                   : eve_begin_dir(eve, "alert", f, hit->dir, now, frame);
    if (!hit->pkt)
        jt_string(w, "pkt_src", frame ? "wire/pcap" : "stream (flow timeout)");
    if (hit->tx)
        jt_u64(w, "tx_id", hit->tx->tx_id);
    struct json_object *alert = alert_object(hit->rule);
    if (hit->tx && hit->tx->alert_context)
        json_object_object_add(alert, "context", json_object_get(hit->tx->alert_context));
    jt_json(w, "alert", alert);
    json_object_put(alert);
    if (hit->tx)
        eve_put_tx(w, hit->tx);
    if (f->app_proto)
        jt_string(w, "app_proto", f->app_proto);
    jt_string(w, "direction", hit->dir == DIR_TOSERVER ? "to_server" : "to_client");
    put_flow_summary(w, f);
    if (payload_printable && hit->payload && hit->payload_len)
        put_printable(w, hit->payload, hit->payload_len);
    f->alerted = true;
    eve_end(eve);
}

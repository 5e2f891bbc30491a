/* eve-alert.c — the `alert` event (Suricata's AlertJson order): header in
 * the direction of the matching data, tx_id, alert{}, the transaction's
 * app-layer object, app_proto, direction, flow{} summary, payload_printable. */
#include "eve-alert.h"

#include <stdlib.h>
#include <string.h>

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

static struct json_object *flow_summary(const struct flow *f)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "pkts_toserver", json_object_new_uint64(f->pkts[DIR_TOSERVER]));
    json_object_object_add(o, "pkts_toclient", json_object_new_uint64(f->pkts[DIR_TOCLIENT]));
    json_object_object_add(o, "bytes_toserver", json_object_new_uint64(f->bytes[DIR_TOSERVER]));
    json_object_object_add(o, "bytes_toclient", json_object_new_uint64(f->bytes[DIR_TOCLIENT]));
    json_object_object_add(o, "start", eve_time(&f->start));
    json_object_object_add(o, "src_ip", eve_address(&f->cli));
    json_object_object_add(o, "dest_ip", eve_address(&f->srv));
    if (f->proto == 6 || f->proto == 17) {
        json_object_object_add(o, "src_port", json_object_new_int(f->cli_port));
        json_object_object_add(o, "dest_port", json_object_new_int(f->srv_port));
    }
    return o;
}

static struct json_object *printable(const uint8_t *p, size_t len)
{
    if (len > PAYLOAD_PRINTABLE_MAX)
        len = PAYLOAD_PRINTABLE_MAX;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < len; i++)
        s[i] = (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ? (char)p[i] : '.';
    s[len] = 0;
    struct json_object *o = json_object_new_string_len(s, (int)len);
    free(s);
    return o;
}

void eve_log_alert(struct eve *eve, const struct detect_hit *hit, const struct timeval *now,
                   const struct ww_packet *frame, bool payload_printable)
{
    struct flow *f = hit->f;
    struct json_object *o = hit->pkt ? eve_begin_packet("alert", hit->pkt, f)
                                     : eve_begin_dir("alert", f, hit->dir, now, frame);
    if (!o)
        return;
    if (!hit->pkt)
        json_object_object_add(
            o, "pkt_src", json_object_new_string(frame ? "wire/pcap" : "stream (flow timeout)"));
    if (hit->tx)
        json_object_object_add(o, "tx_id", json_object_new_uint64(hit->tx->tx_id));
    struct json_object *alert = alert_object(hit->rule);
    if (hit->tx && hit->tx->alert_context)
        json_object_object_add(alert, "context", json_object_get(hit->tx->alert_context));
    json_object_object_add(o, "alert", alert);
    if (hit->tx && hit->tx->to_json)
        hit->tx->to_json(hit->tx->tx, o);
    if (f->app_proto)
        json_object_object_add(o, "app_proto", json_object_new_string(f->app_proto));
    const char *dir = hit->dir == DIR_TOSERVER ? "to_server" : "to_client";
    json_object_object_add(o, "direction", json_object_new_string(dir));
    json_object_object_add(o, "flow", flow_summary(f));
    if (payload_printable && hit->payload && hit->payload_len) {
        struct json_object *p = printable(hit->payload, hit->payload_len);
        if (p)
            json_object_object_add(o, "payload_printable", p);
    }
    f->alerted = true;
    eve_emit(eve, o);
}

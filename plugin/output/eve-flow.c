/* eve-flow.c — the `flow` event, logged once when a flow ends
 * (Suricata src/output-json-flow.c; schema #/properties/flow and tcp). */
#include "eve.h"

#define PROTO_TCP 6

static const char *flow_state_name(uint8_t state)
{
    switch (state) {
    case FLOW_STATE_NEW:
        return "new";
    case FLOW_STATE_ESTABLISHED:
        return "established";
    case FLOW_STATE_CLOSED:
        return "closed";
    default:
        return "new";
    }
}

static const char *flow_reason_name(uint8_t reason)
{
    switch (reason) {
    case FLOW_END_TIMEOUT:
        return "timeout";
    case FLOW_END_SHUTDOWN:
        return "shutdown";
    case FLOW_END_FORCED:
        return "forced";
    case FLOW_END_TCP_REUSE:
        return "tcp_reuse";
    default:
        return "unknown";
    }
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add_ex(o, key, v,
                              JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static struct json_object *flow_object(const struct flow *f)
{
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;
    add(o, "pkts_toserver", json_object_new_uint64(f->pkts[DIR_TOSERVER]));
    add(o, "pkts_toclient", json_object_new_uint64(f->pkts[DIR_TOCLIENT]));
    add(o, "bytes_toserver", json_object_new_uint64(f->bytes[DIR_TOSERVER]));
    add(o, "bytes_toclient", json_object_new_uint64(f->bytes[DIR_TOCLIENT]));
    add(o, "start", eve_time(&f->start));
    add(o, "end", eve_time(&f->last));
    add(o, "age", json_object_new_int64((int64_t)f->last.tv_sec - (int64_t)f->start.tv_sec));
    add(o, "state", json_object_new_string(flow_state_name(f->state)));
    add(o, "reason", json_object_new_string(flow_reason_name(f->end_reason)));
    add(o, "alerted", json_object_new_boolean(f->alerted));
    return o;
}

static struct json_object *hex_flags(uint8_t flags)
{
    static const char hex[] = "0123456789abcdef";
    char text[2] = {hex[flags >> 4], hex[flags & 0x0f]};
    return json_object_new_string_len(text, 2);
}

/* Suricata's EveTcpFlags order; only the flags that were seen. */
static struct json_object *tcp_object(const struct flow *f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } bits[] = {
        {TCP_SYN, "syn"}, {TCP_FIN, "fin"}, {TCP_RST, "rst"}, {TCP_PSH, "psh"},
        {TCP_ACK, "ack"}, {TCP_URG, "urg"}, {TCP_ECE, "ecn"}, {TCP_CWR, "cwr"},
    };
    uint8_t ts = f->tcp_flags[DIR_TOSERVER], tc = f->tcp_flags[DIR_TOCLIENT];
    uint8_t all = ts | tc;
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;

    add(o, "tcp_flags", hex_flags(all));
    add(o, "tcp_flags_ts", hex_flags(ts));
    add(o, "tcp_flags_tc", hex_flags(tc));
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (all & bits[i].bit)
            add(o, bits[i].name, json_object_new_boolean(1));
    }
    if (f->sd[DIR_TOSERVER].gap_count > 0)
        add(o, "ts_gap", json_object_new_boolean(1));
    if (f->sd[DIR_TOCLIENT].gap_count > 0)
        add(o, "tc_gap", json_object_new_boolean(1));
    return o;
}

void eve_log_flow(struct eve *eve, const struct flow *f)
{
    struct json_object *o = eve_begin_flow("flow", f, &f->last);
    if (o == NULL)
        return;
    if (f->app_proto != NULL)
        add(o, "app_proto", json_object_new_string(f->app_proto));
    add(o, "flow", flow_object(f));
    if (f->proto == PROTO_TCP)
        add(o, "tcp", tcp_object(f));
    eve_emit(eve, o);
}

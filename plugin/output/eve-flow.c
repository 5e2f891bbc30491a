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

static void put_flow_object(struct json_text *w, const struct flow *f)
{
    jt_object(w, "flow");
    eve_put_flow_counts(w, f);
    eve_put_time(w, "end", &f->last);
    jt_i64(w, "age", (int64_t)f->last.tv_sec - (int64_t)f->start.tv_sec);
    jt_string(w, "state", flow_state_name(f->state));
    jt_string(w, "reason", flow_reason_name(f->end_reason));
    jt_bool(w, "alerted", f->alerted);
    jt_end_object(w);
}

static void put_hex_flags(struct json_text *w, const char *key, uint8_t flags)
{
    static const char hex[] = "0123456789abcdef";
    char text[2] = {hex[flags >> 4], hex[flags & 0x0f]};
    jt_string_len(w, key, text, 2);
}

/* Suricata's EveTcpFlags order; only the flags that were seen. */
static void put_tcp_object(struct json_text *w, const struct flow *f)
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

    jt_object(w, "tcp");
    put_hex_flags(w, "tcp_flags", all);
    put_hex_flags(w, "tcp_flags_ts", ts);
    put_hex_flags(w, "tcp_flags_tc", tc);
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (all & bits[i].bit)
            jt_bool(w, bits[i].name, true);
    }
    if (f->sd[DIR_TOSERVER].gap_count > 0)
        jt_bool(w, "ts_gap", true);
    if (f->sd[DIR_TOCLIENT].gap_count > 0)
        jt_bool(w, "tc_gap", true);
    jt_end_object(w);
}

void eve_log_flow(struct eve *eve, const struct flow *f)
{
    struct json_text *w = eve_begin_flow(eve, "flow", f, &f->last);
    if (f->app_proto != NULL)
        jt_string(w, "app_proto", f->app_proto);
    put_flow_object(w, f);
    if (f->proto == PROTO_TCP)
        put_tcp_object(w, f);
    eve_end(eve);
}

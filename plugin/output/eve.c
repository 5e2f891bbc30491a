/* eve.c — the common part of every EVE event (Suricata's CreateEveHeader,
 * src/output-json.c) and the line writer. Key order follows Suricata:
 * timestamp, flow_id, in_iface / pcap_cnt, event_type, vlan, addresses,
 * proto, ip_v, ICMP type/code, pkt_src, community_id. */
#include "eve.h"

#include <assert.h>
#include <string.h>

#include "../stream/community-id.h"
#include "eve-text.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

void eve_format_time(const struct timeval *tv, char *buf, size_t len)
{
    char text[EVE_TIME_BUF];
    size_t n = eve_time_text(tv, text);

    if (len == 0)
        return;
    if (n >= len)
        n = len - 1; /* cut as snprintf would */
    memcpy(buf, text, n);
    buf[n] = '\0';
}

struct json_object *eve_string(const uint8_t *s, size_t len)
{
    if (s == NULL || len == 0)
        return json_object_new_string("");
    if (len > WIRE_STRING_MAX)
        len = WIRE_STRING_MAX;
    if (utf8_valid_prefix(s, len) == len)
        return json_object_new_string_len((const char *)s, (int)len);

    char storage[256];
    struct text_buf b;
    text_buf_init(&b, storage, sizeof(storage));
    wire_text_append(&b, s, len, false);
    struct json_object *j = b.failed ? NULL : json_object_new_string_len(b.data, (int)b.len);
    text_buf_release(&b);
    return j;
}

void eve_put_time(struct json_text *w, const char *key, const struct timeval *tv)
{
    char text[EVE_TIME_BUF];
    size_t n = eve_time_text(tv, text);
    jt_string_len(w, key, text, n);
}

void eve_put_addr(struct json_text *w, const char *key, const struct ww_addr *a)
{
    char text[EVE_ADDR_BUF];
    size_t n = eve_addr_text(a, text);
    jt_string_len(w, key, text, n);
}

void eve_put_flow_counts(struct json_text *w, const struct flow *f)
{
    jt_u64(w, "pkts_toserver", f->pkts[DIR_TOSERVER]);
    jt_u64(w, "pkts_toclient", f->pkts[DIR_TOCLIENT]);
    jt_u64(w, "bytes_toserver", f->bytes[DIR_TOSERVER]);
    jt_u64(w, "bytes_toclient", f->bytes[DIR_TOCLIENT]);
    eve_put_time(w, "start", &f->start);
}

static void put_proto(struct json_text *w, uint8_t proto)
{
    char num[4];
    const char *name;

    switch (proto) {
    case PROTO_TCP:
        name = "TCP";
        break;
    case PROTO_UDP:
        name = "UDP";
        break;
    case PROTO_ICMP:
        name = "ICMP";
        break;
    case PROTO_ICMPV6:
        name = "IPv6-ICMP";
        break;
    default:
        num[u64_digits(proto, num)] = '\0';
        name = num;
        break;
    }
    jt_string(w, "proto", name);
}

static void put_vlan(struct json_text *w, const uint16_t *vlan, size_t n)
{
    if (n == 0)
        return;
    jt_array(w, "vlan");
    for (size_t i = 0; i < n; i++)
        jt_u64(w, NULL, vlan[i]);
    jt_end_array(w);
}

static bool has_ports(uint8_t proto)
{
    return proto == PROTO_TCP || proto == PROTO_UDP;
}

static bool is_icmp(uint8_t proto)
{
    return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

static const char *pkt_src_name(uint8_t tunnel)
{
    switch (tunnel) {
    case PKT_TUNNEL_GRE:
    case PKT_TUNNEL_ERSPAN:
        return "gre tunnel";
    case PKT_TUNNEL_VXLAN:
        return "vxlan encapsulation";
    case PKT_TUNNEL_IPV4:
        return "ipv4 tunnel";
    case PKT_TUNNEL_IPV6:
        return "ipv6 tunnel";
    default:
        return "wire/pcap";
    }
}

static void put_flow_community_id(struct json_text *w, const struct flow *f)
{
    size_t n = strnlen(f->community_id, sizeof(f->community_id));
    if (n > 0)
        jt_string_len(w, "community_id", f->community_id, n);
}

static void put_packet_community_id(struct json_text *w, const struct pkt *pkt)
{
    char cid[COMMUNITY_ID_LEN];
    uint16_t sport = 0, dport = 0;

    if (pkt->has_l4 && is_icmp(pkt->proto)) {
        sport = pkt->icmp_type;
        dport = pkt->icmp_code;
    } else if (pkt->has_l4) {
        sport = pkt->sport;
        dport = pkt->dport;
    }
    community_id_v1(0, &pkt->src, sport, &pkt->dst, dport, pkt->proto, cid);
    jt_string(w, "community_id", cid);
}

/* Packet direction 5-tuple; nothing when the frame never reached IP. */
static void put_packet_tuple(struct json_text *w, const struct pkt *pkt)
{
    bool ports = has_ports(pkt->proto) && pkt->has_l4;

    eve_put_addr(w, "src_ip", &pkt->src);
    if (ports)
        jt_u64(w, "src_port", pkt->sport);
    eve_put_addr(w, "dest_ip", &pkt->dst);
    if (ports)
        jt_u64(w, "dest_port", pkt->dport);
    put_proto(w, pkt->proto);
    jt_u64(w, "ip_v", pkt->ip_version);
    if (is_icmp(pkt->proto) && pkt->has_l4) {
        jt_u64(w, "icmp_type", pkt->icmp_type);
        jt_u64(w, "icmp_code", pkt->icmp_code);
    }
}

/* The line starts: "{" and then the members of the header. */
static struct json_text *begin_line(struct eve *eve, const struct timeval *ts)
{
    struct json_text *w = &eve->text;
    jt_init(w, eve->line, sizeof(eve->line));
    jt_object(w, NULL);
    eve_put_time(w, "timestamp", ts);
    return w;
}

/* in_iface or pcap_cnt of the frame, then event_type. */
static void put_frame_and_type(struct json_text *w, const struct ww_packet *frame,
                               const char *event_type)
{
    if (frame != NULL && frame->iface != NULL)
        jt_wire(w, "in_iface", (const uint8_t *)frame->iface, strlen(frame->iface));
    if (frame != NULL && frame->pcap_cnt > 0)
        jt_u64(w, "pcap_cnt", frame->pcap_cnt);
    jt_string(w, "event_type", event_type);
}

struct json_text *eve_begin_packet(struct eve *eve, const char *event_type,
                                   const struct pkt *pkt, const struct flow *f)
{
    assert(pkt != NULL && pkt->frame != NULL);
    bool is_ip = pkt->ip_version == 4 || pkt->ip_version == 6;
    struct json_text *w = begin_line(eve, &pkt->frame->ts);

    if (f != NULL)
        jt_u64(w, "flow_id", f->flow_id);
    put_frame_and_type(w, pkt->frame, event_type);
    put_vlan(w, pkt->vlan, pkt->vlan_count < PKT_MAX_VLAN ? pkt->vlan_count : PKT_MAX_VLAN);
    if (is_ip)
        put_packet_tuple(w, pkt);
    jt_string(w, "pkt_src", pkt_src_name(pkt->tunnel));
    if (f != NULL)
        put_flow_community_id(w, f);
    else if (is_ip)
        put_packet_community_id(w, pkt);
    return w;
}

struct json_text *eve_begin_flow(struct eve *eve, const char *event_type, const struct flow *f,
                                 const struct timeval *ts)
{
    return eve_begin_tx(eve, event_type, f, ts, NULL);
}

struct json_text *eve_begin_tx(struct eve *eve, const char *event_type, const struct flow *f,
                               const struct timeval *ts, const struct ww_packet *frame)
{
    return eve_begin_dir(eve, event_type, f, DIR_TOSERVER, ts, frame);
}

struct json_text *eve_begin_dir(struct eve *eve, const char *event_type, const struct flow *f,
                                enum flow_dir dir, const struct timeval *ts,
                                const struct ww_packet *frame)
{
    assert(f != NULL);
    bool ports = has_ports(f->proto);
    bool ts_dir = dir == DIR_TOSERVER;
    const struct ww_addr *src = ts_dir ? &f->cli : &f->srv, *dst = ts_dir ? &f->srv : &f->cli;
    uint16_t sport = ts_dir ? f->cli_port : f->srv_port, dport = ts_dir ? f->srv_port : f->cli_port;
    struct json_text *w = begin_line(eve, ts != NULL ? ts : &f->last);

    jt_u64(w, "flow_id", f->flow_id);
    put_frame_and_type(w, frame, event_type);
    put_vlan(w, f->vlan, f->vlan_count < 2 ? f->vlan_count : 2);
    eve_put_addr(w, "src_ip", src);
    if (ports)
        jt_u64(w, "src_port", sport);
    eve_put_addr(w, "dest_ip", dst);
    if (ports)
        jt_u64(w, "dest_port", dport);
    put_proto(w, f->proto);
    jt_u64(w, "ip_v", f->ip_version);
    if (is_icmp(f->proto)) {
        jt_u64(w, "icmp_type", f->icmp_type[DIR_TOSERVER]);
        jt_u64(w, "icmp_code", f->icmp_code[DIR_TOSERVER]);
        if (f->seen_dir[DIR_TOCLIENT] || f->pkts[DIR_TOCLIENT] > 0) {
            jt_u64(w, "response_icmp_type", f->icmp_type[DIR_TOCLIENT]);
            jt_u64(w, "response_icmp_code", f->icmp_code[DIR_TOCLIENT]);
        }
    }
    put_flow_community_id(w, f);
    return w;
}

struct json_text *eve_begin_bare(struct eve *eve, const char *event_type,
                                 const struct timeval *ts)
{
    struct json_text *w = begin_line(eve, ts);
    jt_string(w, "event_type", event_type);
    return w;
}

void eve_end(struct eve *eve)
{
    struct text_buf *line = &eve->text.buf;
    jt_end_object(&eve->text);
    text_buf_put(line, "", 1); /* NUL: the line is also a C string */
    if (!line->failed) {
        if (eve->cb != NULL)
            eve->cb(line->data, line->len - 1, eve->user);
        eve->lines++;
    }
    text_buf_release(line);
}

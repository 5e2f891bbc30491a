/* eve.c — the common part of every EVE event (Suricata's CreateEveHeader,
 * src/output-json.c) and the line writer. Key order follows Suricata:
 * timestamp, flow_id, in_iface / pcap_cnt, event_type, vlan, addresses,
 * proto, ip_v, ICMP type/code, pkt_src, community_id. */
#include "eve.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stream/community-id.h"
#include "eve-text.h"
#include "json-write.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/* json-c takes an int length; the sanitizer may grow a string fourfold. */
#define EVE_STRING_MAX ((size_t)(INT_MAX - 1) / 4)

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

struct json_object *eve_time(const struct timeval *tv)
{
    char text[EVE_TIME_BUF];
    size_t n = eve_time_text(tv, text);
    return json_object_new_string_len(text, (int)n);
}

/* Length of the well-formed UTF-8 sequence at s (Unicode §3.9, Table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF), or 0. NUL counts as
 * ill-formed so that it is written as text rather than cut a C string. */
static size_t utf8_seq_len(const uint8_t *s, size_t left)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c >= 0x01 && c <= 0x7f)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates D800..DFFF */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0; /* NUL, continuation byte, C0, C1, F5..FF */
    }
    if (n > left || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

/* True when the 8 bytes of w are all ASCII and none is NUL: each is then
 * a whole well-formed sequence, so a string can be checked a word at a time. */
static bool word_is_plain_ascii(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    return ((w | ((w - ones) & ~w)) & highs) == 0;
}

struct json_object *eve_string(const uint8_t *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    if (s == NULL || len == 0)
        return json_object_new_string("");
    if (len > EVE_STRING_MAX)
        len = EVE_STRING_MAX;
    while (i < len) {
        uint64_t w;
        if (len - i >= sizeof(w) && (memcpy(&w, s + i, sizeof(w)), word_is_plain_ascii(w))) {
            i += sizeof(w);
            continue;
        }
        size_t n = utf8_seq_len(s + i, len - i);
        if (n == 0)
            break;
        i += n;
    }
    if (i == len)
        return json_object_new_string_len((const char *)s, (int)len);

    char *buf = malloc(i + (len - i) * 4 + 1);
    if (buf == NULL)
        return NULL;
    memcpy(buf, s, i);
    size_t o = i;
    while (i < len) {
        size_t n = utf8_seq_len(s + i, len - i);
        if (n > 0) {
            memcpy(buf + o, s + i, n);
            o += n;
            i += n;
            continue;
        }
        /* one byte at a time: the next byte may start a valid sequence */
        buf[o++] = '\\';
        buf[o++] = 'x';
        buf[o++] = hex[s[i] >> 4];
        buf[o++] = hex[s[i] & 0x0f];
        i++;
    }
    struct json_object *j = json_object_new_string_len(buf, (int)o);
    free(buf);
    return j;
}

/* Keys here are literals added once, so json-c may skip the copy and the lookup. */
static void put(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add_ex(o, key, v,
                              JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

struct json_object *eve_address(const struct ww_addr *a)
{
    char text[EVE_ADDR_BUF];
    size_t n = eve_addr_text(a, text);
    return json_object_new_string_len(text, (int)n);
}

static void put_addr(struct json_object *o, const char *key, const struct ww_addr *a)
{
    put(o, key, eve_address(a));
}

static void put_proto(struct json_object *o, uint8_t proto)
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
        snprintf(num, sizeof(num), "%u", (unsigned)proto);
        name = num;
        break;
    }
    put(o, "proto", json_object_new_string(name));
}

static void put_vlan(struct json_object *o, const uint16_t *vlan, size_t n)
{
    if (n == 0)
        return;
    struct json_object *a = json_object_new_array();
    if (a == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_int(vlan[i]));
    put(o, "vlan", a);
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

static void put_flow_community_id(struct json_object *o, const struct flow *f)
{
    size_t n = strnlen(f->community_id, sizeof(f->community_id));
    if (n > 0)
        put(o, "community_id", json_object_new_string_len(f->community_id, (int)n));
}

static void put_packet_community_id(struct json_object *o, const struct pkt *pkt)
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
    put(o, "community_id", json_object_new_string(cid));
}

/* Packet direction 5-tuple; nothing when the frame never reached IP. */
static void put_packet_tuple(struct json_object *o, const struct pkt *pkt)
{
    bool ports = has_ports(pkt->proto) && pkt->has_l4;

    put_addr(o, "src_ip", &pkt->src);
    if (ports)
        put(o, "src_port", json_object_new_int(pkt->sport));
    put_addr(o, "dest_ip", &pkt->dst);
    if (ports)
        put(o, "dest_port", json_object_new_int(pkt->dport));
    put_proto(o, pkt->proto);
    put(o, "ip_v", json_object_new_int(pkt->ip_version));
    if (is_icmp(pkt->proto) && pkt->has_l4) {
        put(o, "icmp_type", json_object_new_int(pkt->icmp_type));
        put(o, "icmp_code", json_object_new_int(pkt->icmp_code));
    }
}

struct json_object *eve_begin_packet(const char *event_type, const struct pkt *pkt,
                                     const struct flow *f)
{
    assert(pkt != NULL && pkt->frame != NULL);
    bool is_ip = pkt->ip_version == 4 || pkt->ip_version == 6;
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;

    put(o, "timestamp", eve_time(&pkt->frame->ts));
    if (f != NULL)
        put(o, "flow_id", json_object_new_uint64(f->flow_id));
    if (pkt->frame->iface != NULL)
        put(o, "in_iface",
            eve_string((const uint8_t *)pkt->frame->iface, strlen(pkt->frame->iface)));
    if (pkt->frame->pcap_cnt > 0)
        put(o, "pcap_cnt", json_object_new_uint64(pkt->frame->pcap_cnt));
    put(o, "event_type", json_object_new_string(event_type));
    put_vlan(o, pkt->vlan, pkt->vlan_count < PKT_MAX_VLAN ? pkt->vlan_count : PKT_MAX_VLAN);
    if (is_ip)
        put_packet_tuple(o, pkt);
    put(o, "pkt_src", json_object_new_string(pkt_src_name(pkt->tunnel)));
    if (f != NULL)
        put_flow_community_id(o, f);
    else if (is_ip)
        put_packet_community_id(o, pkt);
    return o;
}

struct json_object *eve_begin_flow(const char *event_type, const struct flow *f,
                                   const struct timeval *ts)
{
    return eve_begin_tx(event_type, f, ts, NULL);
}

struct json_object *eve_begin_tx(const char *event_type, const struct flow *f,
                                 const struct timeval *ts, const struct ww_packet *frame)
{
    return eve_begin_dir(event_type, f, DIR_TOSERVER, ts, frame);
}

struct json_object *eve_begin_dir(const char *event_type, const struct flow *f,
                                  enum flow_dir dir, const struct timeval *ts,
                                  const struct ww_packet *frame)
{
    assert(f != NULL);
    bool ports = has_ports(f->proto);
    bool ts_dir = dir == DIR_TOSERVER;
    const struct ww_addr *src = ts_dir ? &f->cli : &f->srv, *dst = ts_dir ? &f->srv : &f->cli;
    uint16_t sport = ts_dir ? f->cli_port : f->srv_port, dport = ts_dir ? f->srv_port : f->cli_port;
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;

    put(o, "timestamp", eve_time(ts != NULL ? ts : &f->last));
    put(o, "flow_id", json_object_new_uint64(f->flow_id));
    if (frame != NULL && frame->iface != NULL)
        put(o, "in_iface", eve_string((const uint8_t *)frame->iface, strlen(frame->iface)));
    if (frame != NULL && frame->pcap_cnt > 0)
        put(o, "pcap_cnt", json_object_new_uint64(frame->pcap_cnt));
    put(o, "event_type", json_object_new_string(event_type));
    put_vlan(o, f->vlan, f->vlan_count < 2 ? f->vlan_count : 2);
    put_addr(o, "src_ip", src);
    if (ports)
        put(o, "src_port", json_object_new_int(sport));
    put_addr(o, "dest_ip", dst);
    if (ports)
        put(o, "dest_port", json_object_new_int(dport));
    put_proto(o, f->proto);
    put(o, "ip_v", json_object_new_int(f->ip_version));
    if (is_icmp(f->proto)) {
        put(o, "icmp_type", json_object_new_int(f->icmp_type[DIR_TOSERVER]));
        put(o, "icmp_code", json_object_new_int(f->icmp_code[DIR_TOSERVER]));
        if (f->seen_dir[DIR_TOCLIENT] || f->pkts[DIR_TOCLIENT] > 0) {
            put(o, "response_icmp_type", json_object_new_int(f->icmp_type[DIR_TOCLIENT]));
            put(o, "response_icmp_code", json_object_new_int(f->icmp_code[DIR_TOCLIENT]));
        }
    }
    put_flow_community_id(o, f);
    return o;
}

struct json_object *eve_begin_bare(const char *event_type, const struct timeval *ts)
{
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;
    put(o, "timestamp", eve_time(ts));
    put(o, "event_type", json_object_new_string(event_type));
    return o;
}

void eve_emit(struct eve *eve, struct json_object *o)
{
    if (o == NULL)
        return;
    struct text_buf line;
    text_buf_init(&line, eve->line, sizeof(eve->line));
    json_write(&line, o);
    text_buf_put(&line, "", 1); /* NUL: the line is also a C string */
    if (!line.failed) {
        if (eve->cb != NULL)
            eve->cb(line.data, line.len - 1, eve->user);
        eve->lines++;
    }
    text_buf_release(&line);
    json_object_put(o);
}

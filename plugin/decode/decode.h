/* decode.h — link layer to L4: our own bounds-checked decoders in front of
 * libnids, so that libnids only ever sees IP.
 *
 * decode_packet() walks the frame (Ethernet, 802.1Q/QinQ, MPLS, SLL/SLL2,
 * BSD loopback, raw IP; VXLAN and GRE/ERSPAN tunnels decapsulated to the
 * innermost IP packet), validates the IP header and the L4 header, and fills
 * a struct pkt whose pointers all point into the frame. */
#ifndef WW_DECODE_H
#define WW_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/walletwatch.h"
#include "../util/counters.h"
#include "decode-events.h"

#define PKT_MAX_VLAN 3
#define PKT_MAX_EVENTS 4
#define DECODE_MAX_LAYERS 16 /* link + tunnel layers before decoder.too_many_layers */

struct ww_addr {
    uint8_t family; /* 4 or 6 */
    uint8_t a[16];  /* IPv4 in the first 4 bytes, network order; the rest zero */
};

enum pkt_tunnel { PKT_TUNNEL_NONE, PKT_TUNNEL_VXLAN, PKT_TUNNEL_GRE, PKT_TUNNEL_ERSPAN,
                  PKT_TUNNEL_IPV4,   /* IP in IPv4 (proto 4 / 41): pkt_src "ipv4 tunnel" */
                  PKT_TUNNEL_IPV6 }; /* IP in IPv6 (next header 4 / 41): "ipv6 tunnel" */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

struct pkt {
    const struct ww_packet *frame;

    uint16_t vlan[PKT_MAX_VLAN]; /* outermost first */
    uint8_t vlan_count;
    uint8_t tunnel; /* enum pkt_tunnel: the innermost encapsulation crossed */
    enum decode_event events[PKT_MAX_EVENTS];
    uint8_t event_count;

    /* From here on, cleared before each (possibly inner) IP header:
     * decode_pkt_reset_ip keeps only the fields above. */

    /* Innermost IP packet, trimmed to its IP total / payload length, so
     * Ethernet padding is never payload. */
    uint8_t ip_version;        /* 4 or 6 */
    const uint8_t *ip;
    size_t ip_len;
    size_t ip_hlen;            /* IPv4 header / IPv6 fixed header plus extension headers */
    struct ww_addr src, dst;
    uint8_t proto;             /* L4 protocol: after IPv6 extension headers */
    uint8_t ttl;

    /* Fragments: IPv4 MF or offset != 0; IPv6 a fragment header that is not
     * atomic (offset 0 and M clear is an atomic fragment: a whole packet). */
    bool is_fragment;
    bool more_fragments;
    uint32_t frag_id;          /* IPv4: 16-bit id; IPv6: 32-bit id */
    uint32_t frag_offset;      /* in bytes */
    size_t frag_hdr_off;       /* IPv6: offset of the fragment header within ip, else 0 */
    uint8_t frag_next_header;  /* IPv6: next header named by the fragment header */

    /* L4: set only when the L4 header is present (unfragmented or first fragment). */
    bool has_l4;
    const uint8_t *l4;
    size_t l4_len;             /* L4 header + payload, up to the end of the IP packet */
    uint16_t sport, dport;
    uint32_t seq, ack;         /* TCP */
    uint8_t tcp_flags;
    uint16_t tcp_win;
    uint8_t icmp_type, icmp_code;
    const uint8_t *payload;    /* TCP / UDP / ICMP payload */
    size_t payload_len;

    bool ipv4_csum_bad;        /* IPv4 header checksum wrong (kept: offload and anonymised
                                * captures have them; the stream glue fixes a copy for libnids) */
    bool defragmented;         /* rebuilt from fragments by libnids (set by the stream glue) */
};

enum decode_result {
    DECODE_OK = 0,   /* an IP packet: pkt is filled */
    DECODE_SKIP,     /* not IP (ARP, LLDP...): counted, nothing else to do */
    DECODE_INVALID,  /* malformed: pkt->events says why; counters bumped */
};

/* Decodes one frame. Bumps decoder.* counters in ctr[] (indexed by enum
 * counter) and records anomalies in pkt->events (each already counted). */
enum decode_result decode_packet(const struct ww_packet *frame, struct pkt *pkt, uint64_t *ctr);

/* Records an event on pkt and bumps its counter. */
void pkt_set_event(struct pkt *pkt, uint64_t *ctr, enum decode_event ev);

/* Returns true when a and b hold the same address. */
bool ww_addr_eq(const struct ww_addr *a, const struct ww_addr *b);

/* Writes the address as Suricata prints it (IPv6 uncompressed, 39 chars). */
void ww_addr_format(const struct ww_addr *a, char *buf, size_t len);

/* Internal to plugin/decode/: one function per header. Each gets the bytes
 * that start with its header, records events on c->pkt and returns a
 * decode_result; decode_packet() alone bumps decoder.invalid. */
struct decode_ctx {
    struct pkt *pkt;
    uint64_t *ctr;
    unsigned layers;    /* headers entered, against DECODE_MAX_LAYERS */
    unsigned eth_vlans; /* VLAN tags since the last Ethernet header */
};

/* Returns false (counted in decoder.too_many_layers) once the layer budget is spent. */
bool decode_enter_layer(struct decode_ctx *c);
/* Returns DECODE_INVALID after recording ev. */
enum decode_result decode_invalid(struct decode_ctx *c, enum decode_event ev);
/* Returns true for the ethertypes decode_ethertype() hands to a decoder. */
bool decode_ethertype_known(uint16_t type);
enum decode_result decode_ethertype(struct decode_ctx *c, uint16_t type, const uint8_t *p,
                                    size_t len);
enum decode_result decode_eth(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_vlan(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_mpls(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_sll(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_sll2(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_null(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_raw(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_ipv4(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_ipv6(struct decode_ctx *c, const uint8_t *p, size_t len);
/* p/len: the IP payload. first_frag: the L4 header may be cut short by
 * fragmentation, and the UDP length covers more than this fragment. */
enum decode_result decode_l4(struct decode_ctx *c, uint8_t proto, const uint8_t *p, size_t len,
                             bool first_frag);
/* Decapsulates IP in IP (proto 4 / 41) after an outer IPv4 or IPv6 header. */
enum decode_result decode_ipip(struct decode_ctx *c, uint8_t proto, const uint8_t *p, size_t len);
/* Returns true when a UDP payload to port 4789 carries a valid VXLAN header. */
bool decode_is_vxlan(const uint8_t *p, size_t len);
enum decode_result decode_vxlan(struct decode_ctx *c, const uint8_t *p, size_t len);
enum decode_result decode_gre(struct decode_ctx *c, const uint8_t *p, size_t len);
/* Clears the IP and L4 fields before a (possibly inner) IP header fills them. */
void decode_pkt_reset_ip(struct pkt *pkt);

#endif

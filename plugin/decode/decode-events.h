/* decode-events.h — decoder anomalies: X(ENUM, "name").
 * An event is logged as anomaly.event "decoder.<name>" and counted as
 * stats "decoder.event.<name>"; every name exists in Suricata's schema. */
#ifndef WW_DECODE_EVENTS_H
#define WW_DECODE_EVENTS_H

#define DECODE_EVENTS(X)                                           \
    X(ETHERNET_PKT_TOO_SMALL, "ethernet.pkt_too_small")            \
    X(ETHERNET_UNKNOWN_ETHERTYPE, "ethernet.unknown_ethertype")    \
    X(VLAN_HEADER_TOO_SMALL, "vlan.header_too_small")              \
    X(VLAN_TOO_MANY_LAYERS, "vlan.too_many_layers")                \
    X(VLAN_UNKNOWN_TYPE, "vlan.unknown_type")                      \
    X(MPLS_HEADER_TOO_SMALL, "mpls.header_too_small")              \
    X(MPLS_PKT_TOO_SMALL, "mpls.pkt_too_small")                    \
    X(MPLS_UNKNOWN_PAYLOAD_TYPE, "mpls.unknown_payload_type")      \
    X(SLL_PKT_TOO_SMALL, "sll.pkt_too_small")                      \
    X(SLL2_PKT_TOO_SMALL, "sll2.pkt_too_small")                    \
    X(LTNULL_PKT_TOO_SMALL, "ltnull.pkt_too_small")                \
    X(LTNULL_UNSUPPORTED_TYPE, "ltnull.unsupported_type")          \
    X(IPRAW_INVALID_IP_VERSION, "ipraw.invalid_ip_version")        \
    X(IPV4_PKT_TOO_SMALL, "ipv4.pkt_too_small")                    \
    X(IPV4_HLEN_TOO_SMALL, "ipv4.hlen_too_small")                  \
    X(IPV4_IPLEN_SMALLER_THAN_HLEN, "ipv4.iplen_smaller_than_hlen") \
    X(IPV4_TRUNC_PKT, "ipv4.trunc_pkt")                            \
    X(IPV4_WRONG_IP_VERSION, "ipv4.wrong_ip_version")              \
    X(IPV4_OPT_INVALID_LEN, "ipv4.opt_invalid_len")                \
    X(IPV4_FRAG_PKT_TOO_LARGE, "ipv4.frag_pkt_too_large")          \
    X(IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                      \
    X(IPV6_PKT_TOO_SMALL, "ipv6.pkt_too_small")                    \
    X(IPV6_TRUNC_PKT, "ipv6.trunc_pkt")                            \
    X(IPV6_TRUNC_EXTHDR, "ipv6.trunc_exthdr")                      \
    X(IPV6_WRONG_IP_VERSION, "ipv6.wrong_ip_version")              \
    X(IPV6_EXTHDR_INVALID_OPTLEN, "ipv6.exthdr_invalid_optlen")    \
    X(IPV6_FRAG_INVALID_LENGTH, "ipv6.frag_invalid_length")        \
    X(IPV6_FRAG_IGNORED, "ipv6.frag_ignored")                      \
    X(IPV6_FRAG_PKT_TOO_LARGE, "ipv6.frag_pkt_too_large")          \
    X(IPV6_UNKNOWN_NEXT_HEADER, "ipv6.unknown_next_header")        \
    X(TCP_PKT_TOO_SMALL, "tcp.pkt_too_small")                      \
    X(TCP_HLEN_TOO_SMALL, "tcp.hlen_too_small")                    \
    X(TCP_INVALID_OPTLEN, "tcp.invalid_optlen")                    \
    X(TCP_OPT_INVALID_LEN, "tcp.opt_invalid_len")                  \
    X(UDP_PKT_TOO_SMALL, "udp.pkt_too_small")                      \
    X(UDP_HLEN_INVALID, "udp.hlen_invalid")                        \
    X(UDP_LEN_INVALID, "udp.len_invalid")                          \
    X(ICMPV4_PKT_TOO_SMALL, "icmpv4.pkt_too_small")                \
    X(ICMPV6_PKT_TOO_SMALL, "icmpv6.pkt_too_small")                \
    X(GRE_PKT_TOO_SMALL, "gre.pkt_too_small")                      \
    X(GRE_WRONG_VERSION, "gre.wrong_version")                      \
    X(GRE_VERSION0_HDR_TOO_BIG, "gre.version0_hdr_too_big")        \
    X(ERSPAN_HEADER_TOO_SMALL, "erspan.header_too_small")          \
    X(ERSPAN_UNSUPPORTED_VERSION, "erspan.unsupported_version")    \
    X(VXLAN_UNKNOWN_PAYLOAD_TYPE, "vxlan.unknown_payload_type")

enum decode_event {
    DEV_NONE = 0,
#define DEV_ENUM(e, name) DEV_##e,
    DECODE_EVENTS(DEV_ENUM)
#undef DEV_ENUM
    DEV_COUNT
};

#endif

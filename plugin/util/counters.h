/* counters.h — every stats counter, by its dotted EVE name.
 *
 * Names nest into the `stats` object at the dots and must exist in
 * Suricata's EVE schema (tests/eve-validate.py checks a full stats event).
 * Decoder and stream anomalies get a counter each, generated from their
 * event lists, so an event can never go uncounted. */
#ifndef WW_COUNTERS_H
#define WW_COUNTERS_H

#include <stdint.h>

#include "../decode/decode-events.h"
#include "../stream/stream-events.h"

#define WW_COUNTERS(X)                                          \
    X(CAPTURE_KERNEL_PACKETS, "capture.kernel_packets")         \
    X(CAPTURE_KERNEL_DROPS, "capture.kernel_drops")             \
    X(CAPTURE_KERNEL_IFDROPS, "capture.kernel_ifdrops")         \
    X(CAPTURE_ERRORS, "capture.errors")                         \
    X(DECODER_PKTS, "decoder.pkts")                             \
    X(DECODER_BYTES, "decoder.bytes")                           \
    X(DECODER_INVALID, "decoder.invalid")                       \
    X(DECODER_IPV4, "decoder.ipv4")                             \
    X(DECODER_IPV6, "decoder.ipv6")                             \
    X(DECODER_ETHERNET, "decoder.ethernet")                     \
    X(DECODER_RAW, "decoder.raw")                               \
    X(DECODER_NULL, "decoder.null")                             \
    X(DECODER_SLL, "decoder.sll")                               \
    X(DECODER_SLL2, "decoder.sll2")                             \
    X(DECODER_TCP, "decoder.tcp")                               \
    X(DECODER_UDP, "decoder.udp")                               \
    X(DECODER_ICMPV4, "decoder.icmpv4")                         \
    X(DECODER_ICMPV6, "decoder.icmpv6")                         \
    X(DECODER_VLAN, "decoder.vlan")                             \
    X(DECODER_VLAN_QINQ, "decoder.vlan_qinq")                   \
    X(DECODER_VLAN_QINQINQ, "decoder.vlan_qinqinq")             \
    X(DECODER_MPLS, "decoder.mpls")                             \
    X(DECODER_VXLAN, "decoder.vxlan")                           \
    X(DECODER_GRE, "decoder.gre")                               \
    X(DECODER_ERSPAN, "decoder.erspan")                         \
    X(DECODER_ARP, "decoder.arp")                               \
    X(DECODER_IPV4_IN_IPV6, "decoder.ipv4_in_ipv6")             \
    X(DECODER_IPV6_IN_IPV4, "decoder.ipv6_in_ipv4")             \
    X(DECODER_TOO_MANY_LAYERS, "decoder.too_many_layers")       \
    X(DECODER_UNKNOWN_ETHERTYPE, "decoder.unknown_ethertype")   \
    X(DECODER_MAX_PKT_SIZE, "decoder.max_pkt_size")             \
    X(DECODER_AVG_PKT_SIZE, "decoder.avg_pkt_size")             \
    X(DEFRAG_IPV4_FRAGMENTS, "defrag.ipv4.fragments")           \
    X(DEFRAG_IPV4_REASSEMBLED, "defrag.ipv4.reassembled")       \
    X(DEFRAG_IPV6_FRAGMENTS, "defrag.ipv6.fragments")           \
    X(DEFRAG_IPV6_REASSEMBLED, "defrag.ipv6.reassembled")       \
    X(DEFRAG_MAX_TRACKERS_REACHED, "defrag.max_trackers_reached") \
    X(FLOW_TOTAL, "flow.total")                                 \
    X(FLOW_ACTIVE, "flow.active")                               \
    X(FLOW_TCP, "flow.tcp")                                     \
    X(FLOW_UDP, "flow.udp")                                     \
    X(FLOW_ICMPV4, "flow.icmpv4")                               \
    X(FLOW_ICMPV6, "flow.icmpv6")                               \
    X(FLOW_MEMCAP, "flow.memcap")                               \
    X(FLOW_MEMUSE, "flow.memuse")                               \
    X(FLOW_TCP_REUSE, "flow.tcp_reuse")                         \
    X(FLOW_GET_USED_FAILED, "flow.get_used_failed")             \
    X(FLOW_EMERG_MODE_ENTERED, "flow.emerg_mode_entered")       \
    X(FLOW_END_STATE_NEW, "flow.end.state.new")                 \
    X(FLOW_END_STATE_ESTABLISHED, "flow.end.state.established") \
    X(FLOW_END_STATE_CLOSED, "flow.end.state.closed")           \
    X(FLOW_MGR_FLOWS_TIMEOUT, "flow.mgr.flows_timeout")         \
    X(FLOW_MGR_FLOWS_EVICTED, "flow.mgr.flows_evicted")         \
    X(TCP_SESSIONS, "tcp.sessions")                             \
    X(TCP_ACTIVE_SESSIONS, "tcp.active_sessions")               \
    X(TCP_SYN, "tcp.syn")                                       \
    X(TCP_SYNACK, "tcp.synack")                                 \
    X(TCP_RST, "tcp.rst")                                       \
    X(TCP_MIDSTREAM_PICKUPS, "tcp.midstream_pickups")           \
    X(TCP_PSEUDO, "tcp.pseudo")                                 \
    X(TCP_INVALID_CHECKSUM, "tcp.invalid_checksum")             \
    X(TCP_REASSEMBLY_GAP, "tcp.reassembly_gap")                 \
    X(TCP_STREAM_DEPTH_REACHED, "tcp.stream_depth_reached")     \
    X(TCP_SSN_MEMCAP_DROP, "tcp.ssn_memcap_drop")               \
    X(TCP_SEGMENT_MEMCAP_DROP, "tcp.segment_memcap_drop")       \
    X(TCP_NO_FLOW, "tcp.no_flow")                               \
    X(TCP_MEMUSE, "tcp.memuse")                                 \
    X(TCP_REASSEMBLY_MEMUSE, "tcp.reassembly_memuse")           \
    X(APP_TX_HTTP, "app_layer.tx.http")                         \
    X(APP_TX_TLS, "app_layer.tx.tls")                           \
    X(APP_TX_DNS_UDP, "app_layer.tx.dns_udp")                   \
    X(APP_TX_SMTP, "app_layer.tx.smtp")                         \
    X(APP_TX_FTP, "app_layer.tx.ftp")                           \
    X(APP_TX_MQTT, "app_layer.tx.mqtt")                         \
    X(APP_TX_TELNET, "app_layer.tx.telnet")                     \
    X(APP_TX_WEBSOCKET, "app_layer.tx.websocket")               \
    X(APP_ERROR_HTTP, "app_layer.error.http.parser")            \
    X(APP_ERROR_TLS, "app_layer.error.tls.parser")              \
    X(APP_ERROR_DNS_UDP, "app_layer.error.dns_udp.parser")      \
    X(APP_ERROR_SMTP, "app_layer.error.smtp.parser")            \
    X(APP_ERROR_FTP, "app_layer.error.ftp.parser")              \
    X(APP_ERROR_MQTT, "app_layer.error.mqtt.parser")            \
    X(APP_ERROR_TELNET, "app_layer.error.telnet.parser")        \
    X(APP_ERROR_WEBSOCKET, "app_layer.error.websocket.parser")  \
    X(APP_ERROR_OTHER, "app_layer.error.failed_tcp.parser")     \
    X(APP_MEMCAP_REFUSED, "app_layer.error.failed_tcp.alloc")   \
    X(DETECT_ALERT, "detect.alert")                             \
    X(DETECT_ALERTS_SUPPRESSED, "detect.alerts_suppressed")

enum counter {
#define CTR_ENUM(e, name) CTR_##e,
    WW_COUNTERS(CTR_ENUM)
#undef CTR_ENUM
#define CTR_DEV_ENUM(e, name) CTR_DEV_##e,
    DECODE_EVENTS(CTR_DEV_ENUM)
#undef CTR_DEV_ENUM
#define CTR_SEV_ENUM(e, name) CTR_SEV_##e,
    STREAM_EVENTS(CTR_SEV_ENUM)
#undef CTR_SEV_ENUM
    CTR_COUNT
};

/* The counter of a decode / stream event (event ids start at 1). */
#define CTR_OF_DECODE_EVENT(ev) ((enum counter)(CTR_DEV_ETHERNET_PKT_TOO_SMALL + (ev) - 1))
#define CTR_OF_STREAM_EVENT(ev) ((enum counter)(CTR_SEV_REASSEMBLY_SEQ_GAP + (ev) - 1))

/* Returns the dotted stats name of a counter. */
const char *counter_name(enum counter c);
/* Returns the counter with that dotted name, or CTR_COUNT. */
enum counter counter_by_name(const char *name);
/* Returns "decoder.<name>" / "stream.<name>", the anomaly.event text. */
const char *decode_event_name(enum decode_event ev);
const char *stream_event_name(enum stream_event ev);

#endif

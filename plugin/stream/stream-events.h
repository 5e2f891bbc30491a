/* stream-events.h — TCP stream anomalies: X(ENUM, "name").
 * Logged as anomaly {type "stream", event "stream.<name>"} and counted as
 * stats "stream.<name>"; every name exists in Suricata's schema. */
#ifndef WW_STREAM_EVENTS_H
#define WW_STREAM_EVENTS_H

#define STREAM_EVENTS(X)                                                \
    X(REASSEMBLY_SEQ_GAP, "reassembly_seq_gap")                         \
    X(REASSEMBLY_DEPTH_REACHED, "reassembly_depth_reached")             \
    X(REASSEMBLY_INSERT_LIMIT, "reassembly_insert_limit")               \
    X(REASSEMBLY_INSERT_MEMCAP, "reassembly_insert_memcap")             \
    X(PKT_INVALID_ACK, "pkt_invalid_ack")                               \
    X(FIN_BUT_NO_SESSION, "fin_but_no_session")                         \
    X(RST_BUT_NO_SESSION, "rst_but_no_session")                         \
    X(SUSPECTED_RST_INJECT, "suspected_rst_inject")

enum stream_event {
    SEV_NONE = 0,
#define SEV_ENUM(e, name) SEV_##e,
    STREAM_EVENTS(SEV_ENUM)
#undef SEV_ENUM
    SEV_COUNT
};

#endif

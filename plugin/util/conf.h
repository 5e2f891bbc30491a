/* conf.h — the engine's settings: every key with its type, default and
 * meaning in one table. A configuration file is a YAML subset: nested
 * `name:` blocks or dotted keys, `key: value`, `#` comments. */
#ifndef WW_CONF_H
#define WW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/walletwatch.h"

enum conf_type { CONF_SIZE, CONF_UINT, CONF_BOOL, CONF_CIDRS, CONF_STR };

/* X(ENUM, "key", type, "default", max, "meaning") */
#define CONF_KEYS(X)                                                                              \
    X(HOME_NET, "home-net", CONF_CIDRS, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7", 0,    \
      "comma-separated CIDRs of $HOME_NET")                                                       \
    X(COMMUNITY_ID_SEED, "community-id-seed", CONF_UINT, "0", 65535, "Community ID seed")         \
    X(FLOW_MEMCAP, "flow.memcap", CONF_SIZE, "128mb", 0, "memory for flow entries and hash")     \
    X(FLOW_TIMEOUT_NEW, "flow.timeout.new", CONF_UINT, "60", 86400,                               \
      "seconds before a flow seen one way only ends")                                             \
    X(FLOW_TIMEOUT_ESTABLISHED, "flow.timeout.established", CONF_UINT, "600", 86400,              \
      "seconds before an idle TCP session ends")                                                  \
    X(FLOW_TIMEOUT_CLOSED, "flow.timeout.closed", CONF_UINT, "10", 86400,                         \
      "seconds a closed TCP session is kept for late packets")                                    \
    X(FLOW_TIMEOUT_UDP, "flow.timeout.udp", CONF_UINT, "120", 86400,                              \
      "seconds before an idle two-way UDP/ICMP flow ends")                                        \
    X(STREAM_MEMCAP, "stream.memcap", CONF_SIZE, "64mb", 0,                                       \
      "memory for TCP sessions: sizes the libnids stream table")                                  \
    X(STREAM_DEPTH, "stream.reassembly.depth", CONF_SIZE, "1mb", 0,                               \
      "bytes reassembled per direction (0 = no limit)")                                           \
    X(STREAM_GAP_SEGMENTS, "stream.reassembly.gap-segments", CONF_UINT, "16", 64,                 \
      "segments queued behind a hole before the hole is declared lost")                           \
    X(STREAM_QUEUE_LIMIT, "stream.reassembly.queue-limit", CONF_SIZE, "1mb", 0,                   \
      "bytes queued out of order per direction before libnids drops the queue")                   \
    X(STREAM_MIDSTREAM, "stream.midstream", CONF_BOOL, "yes", 0,                                  \
      "pick up TCP sessions whose handshake was not seen")                                        \
    X(STREAM_CHECKSUM, "stream.checksum-validation", CONF_BOOL, "no", 0,                          \
      "drop TCP/UDP segments with a bad checksum (off: NIC offload is common)")                   \
    X(STREAM_IPV6_HOSTS, "stream.ipv6-hosts", CONF_UINT, "65536", 16777216,                       \
      "IPv6 addresses with live TCP sessions (each maps to a private IPv4 for libnids)")          \
    X(DEFRAG_HOSTS, "defrag.hosts", CONF_UINT, "256", 65536,                                      \
      "hosts with IP fragments in reassembly at once (libnids n_hosts)")                          \
    X(ANOMALY_RATE, "anomaly.rate-limit", CONF_UINT, "100", 1000000,                              \
      "anomaly events per second of capture time per event name; the rest are counted only")      \
    X(PAYLOAD_PRINTABLE, "eve.payload-printable", CONF_BOOL, "no", 0,                             \
      "alerts carry the inspected bytes as payload_printable")                                    \
    X(CLASSIFICATION_FILE, "classification-file", CONF_STR, "", 0,                                \
      "classification.config (empty: the one beside the first rules path)")                       \
    X(REFERENCE_FILE, "reference-config-file", CONF_STR, "", 0,                                   \
      "reference.config (empty: the one beside the first rules path)")                            \
    X(THRESHOLD_FILE, "threshold-file", CONF_STR, "", 0,                                          \
      "threshold.config (empty: the one beside the first rules path, if any)")                    \
    X(DEFAULT_SIGNATURE_DIR, "default-signature-dir", CONF_STR, "", 0,                           \
      "where classification.config etc. are looked for when not beside the rules")               \
    X(WALLET_POLICY, "wallet-policy", CONF_STR, "", 0,                                            \
      "wallet policy JSON (empty: wallet-policy.json beside the rules, else in "                  \
      "default-signature-dir, else none)")                                                        \
    X(APP_MEMCAP, "app-layer.memcap", CONF_SIZE, "256mb", 0,                                      \
      "parser state: at most memcap / 16 KiB flows are parsed at once; the rest are counted")     \
    X(DATASET_MEMCAP, "datasets.memcap", CONF_SIZE, "512mb", 0, "memory for all datasets")        \
    X(THRESHOLD_MEMCAP, "detect.thresholds.memcap", CONF_SIZE, "16mb", 0,                         \
      "memory for threshold and rate_filter state")                                               \
    X(BEACON_MIN_COUNT, "beacon.min-count", CONF_UINT, "6", 64,                                   \
      "regular intervals between one host's contacts with one external destination before "       \
      "c2.beacon")                                                                                \
    X(BEACON_MAX_JITTER, "beacon.max-jitter", CONF_UINT, "200", 1000,                             \
      "largest jitter of a beacon, in thousandths of its period (coefficient of variation; "      \
      "200 = 0.2)")                                                                               \
    X(BEACON_MIN_PERIOD, "beacon.min-period", CONF_UINT, "10", 604800,                            \
      "shortest beacon period, seconds")                                                          \
    X(BEACON_MAX_PERIOD, "beacon.max-period", CONF_UINT, "86400", 604800,                         \
      "longest beacon period, seconds")                                                           \
    X(BEACON_MEMCAP, "beacon.memcap", CONF_SIZE, "16mb", 0,                                       \
      "memory for beaconing state (least recently contacted pairs evicted; 0 = off)")             \
    X(WORKERS_COUNT, "workers.count", CONF_UINT, "1", 1024,                                       \
      "worker processes reading one capture; above 1 this engine keeps only its share of flows")  \
    X(WORKERS_ID, "workers.id", CONF_UINT, "0", 1023,                                             \
      "this engine's worker number (0 .. workers.count - 1); also keeps flow ids apart")

enum conf_key {
#define CONF_ENUM(e, key, type, def, max, doc) CONF_##e,
    CONF_KEYS(CONF_ENUM)
#undef CONF_ENUM
    CONF_COUNT
};

struct ww_config {
    uint64_t num[CONF_COUNT]; /* CONF_SIZE / CONF_UINT / CONF_BOOL values */
    char *str[CONF_COUNT];    /* every value as text */
};

uint64_t conf_num(const ww_config *cfg, enum conf_key k);
const char *conf_str(const ww_config *cfg, enum conf_key k);
/* Copies src into a new configuration; NULL when out of memory. */
ww_config *conf_dup(const ww_config *src);

/* Parses "1.2.3.0/24,fd00::/8" into out (n at most max); returns the count or -1. */
struct conf_cidr {
    uint8_t family; /* 4 or 6 */
    uint8_t prefix;
    uint8_t addr[16];
};
int conf_parse_cidrs(const char *text, struct conf_cidr *out, int max);

#endif

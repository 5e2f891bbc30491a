/* walletwatch.h — the public API of libwalletwatch.
 *
 * An engine takes link-layer frames, decodes them, reassembles TCP (libnids),
 * tracks flows and hands every finding to the host as one EVE JSON line.
 * libnids keeps process-global state, so a process holds at most one engine.
 * The library never prints, exits or installs signal handlers. */
#ifndef WALLETWATCH_H
#define WALLETWATCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WW_EXPORT __attribute__((visibility("default")))

/* X(name, text): every error code with its ww_strerror() text. */
#define WW_ERRNO_MAP(X)                                                 \
    X(NOMEM, "out of memory")                                           \
    X(INVAL, "invalid argument")                                        \
    X(CONFIG, "bad configuration")                                      \
    X(BUSY, "an engine already exists in this process")                 \
    X(NIDS, "libnids initialisation failed")                            \
    X(OPEN, "cannot open capture")                                      \
    X(READ, "capture file is truncated or corrupt")                     \
    X(FILTER, "bad BPF filter expression")                              \
    X(EOF, "end of capture")                                            \
    X(WRITE, "cannot write an output file")

enum {
    WW_OK = 0,
#define WW_ERR_ENUM(name, text) WW_E_##name,
    WW_E_FIRST_ = -100,
    WW_ERRNO_MAP(WW_ERR_ENUM)
#undef WW_ERR_ENUM
};

typedef struct ww_config ww_config;
typedef struct ww_engine ww_engine;
typedef struct ww_capture ww_capture;

/* One captured frame, as libpcap gives it. */
struct ww_packet {
    struct timeval ts;
    uint32_t caplen;         /* bytes present in data */
    uint32_t len;            /* bytes on the wire */
    int linktype;            /* DLT_* of data */
    const uint8_t *data;
    uint64_t pcap_cnt;       /* 1-based number within an offline read; 0 when live */
    const char *iface;       /* capture interface when live, else NULL */
};

/* Counters of the capture layer, merged into `stats` events. */
struct ww_capture_stats {
    uint64_t kernel_packets; /* pcap_stats ps_recv */
    uint64_t kernel_drops;   /* ps_drop: no room in the kernel buffer */
    uint64_t kernel_ifdrops; /* ps_ifdrop: dropped by the interface */
    uint64_t errors;         /* read errors */
};

enum ww_log_level { WW_LOG_ERR, WW_LOG_WARN, WW_LOG_INFO, WW_LOG_DEBUG };

/* Receives one whole EVE JSON object, without a newline. */
typedef void (*ww_event_cb)(const char *line, size_t len, void *user);
/* Receives one diagnostic line. */
typedef void (*ww_log_cb)(enum ww_log_level level, const char *msg, void *user);
/* Receives one problem found loading rules, as "FILE:LINE: message". */
typedef void (*ww_problem_cb)(const char *msg, void *user);
/* Receives reassembled TCP payload in stream order, per direction (to_client 0 or 1);
 * gap is 1 for bytes lost before the capture saw them (data is then NULL). */
typedef void (*ww_stream_cb)(uint64_t flow_id, int to_client, const uint8_t *data, size_t len,
                             int gap, void *user);

/* Returns a configuration holding the embedded defaults, or NULL. */
WW_EXPORT ww_config *ww_config_new(void);
/* Returns 0 or WW_E_CONFIG with "KEY: message" in err. */
WW_EXPORT int ww_config_set(ww_config *cfg, const char *key, const char *value, char *err,
                            size_t errlen);
/* Returns the value of key as text ("" when unknown). */
WW_EXPORT const char *ww_config_get(const ww_config *cfg, const char *key);
/* Returns 0 or WW_E_CONFIG with the first problem as "FILE:LINE: message" in err. */
WW_EXPORT int ww_config_load(ww_config *cfg, const char *path, char *err, size_t errlen);
/* Frees a configuration; engines keep their own copy. */
WW_EXPORT void ww_config_free(ww_config *cfg);

/* Returns 0 and an engine in *out, or WW_E_BUSY / WW_E_NIDS / WW_E_NOMEM / WW_E_CONFIG. */
WW_EXPORT int ww_engine_new(ww_engine **out, const ww_config *cfg, ww_event_cb on_event,
                            ww_log_cb on_log, void *user);
/* Returns 0 after loading rule files and directories of *.rules (with the
 * classification.config, reference.config and threshold.config beside the
 * first path) and swapping them in; bad rules are reported and skipped, counted
 * in *failed. Called again, it reloads: the new set is built beside the old one
 * and replaces it only when built; on WW_E_CONFIG (a path or file that cannot
 * be read) the old set stays. loaded / failed may be NULL. */
WW_EXPORT int ww_engine_load_rules(ww_engine *eng, const char *const *paths, size_t npaths,
                                   ww_problem_cb report, void *user, unsigned *loaded,
                                   unsigned *failed);
/* Also hands reassembled TCP payload to cb (for embedders and tools/ww-follow). */
WW_EXPORT void ww_engine_set_stream_cb(ww_engine *eng, ww_stream_cb cb);
/* Returns the worker (0 .. n - 1) that owns frame's flow: a symmetric hash of its
 * innermost address pair, 0 for a frame without one (workers.count / workers.id). */
WW_EXPORT unsigned ww_engine_owner(const struct ww_packet *frame, unsigned n);
/* Returns 0; a malformed frame is an anomaly event and a counter, never an error. */
WW_EXPORT int ww_engine_feed(ww_engine *eng, const struct ww_packet *pkt);
/* Returns 0 after expiring flows idle at time now (live capture calls it when idle). */
WW_EXPORT int ww_engine_tick(ww_engine *eng, const struct timeval *now);
/* Returns 0 after delivering buffered stream data and ending every flow (and
 * writing the learned policy), or WW_E_WRITE when that policy cannot be written. */
WW_EXPORT int ww_engine_flush(ww_engine *eng);
/* Returns 0 after enabling (path_out) or disabling (NULL) learning: wallet calls
 * are observed and ww_engine_flush writes a starting wallet policy to path_out. */
WW_EXPORT int ww_engine_learn(ww_engine *eng, const char *path_out);
/* Returns 0 after emitting a `stats` event; cap may be NULL. */
WW_EXPORT int ww_engine_emit_stats(ww_engine *eng, const struct ww_capture_stats *cap);
/* Returns the current value of a stats counter by dotted name, or 0 if unknown. */
WW_EXPORT uint64_t ww_engine_counter(const ww_engine *eng, const char *name);
/* Frees the engine; call ww_engine_flush first to keep buffered data. */
WW_EXPORT void ww_engine_free(ww_engine *eng);

/* State shared by the worker processes of --workers N: made before they are
 * forked, handed to each worker's engine before ww_engine_load_rules. The
 * transfer requests the tamper detector remembers (a chat message on one
 * worker, the wallet send on another) and the threshold counts tracked
 * by_src, by_dst or by_rule, which span address pairs. */
typedef struct ww_share ww_share;
/* Returns the shared state (sized by cfg: detect.thresholds.memcap), in memory
 * the processes forked afterwards share, or NULL. */
WW_EXPORT ww_share *ww_share_new(const ww_config *cfg);
/* Unmaps it in the calling process. */
WW_EXPORT void ww_share_free(ww_share *s);
/* Offline: returns once every other worker has handled the frames numbered
 * below seq (pcap_cnt), so a lookup sees what one process would have seen. */
typedef void (*ww_order_cb)(uint64_t seq, void *user);
/* Returns 0 after making eng use s; wait may be NULL (live: no capture order). */
WW_EXPORT int ww_engine_share(ww_engine *eng, ww_share *s, ww_order_cb wait, void *user);

/* Returns 0 and a reader over files and directories (read in name order, as one capture). */
WW_EXPORT int ww_capture_open_offline(ww_capture **out, const char *const *paths, size_t npaths,
                                      char *err, size_t errlen);
/* Returns 0 and a live capture on iface (promiscuous, 65535 snaplen, large buffer). */
WW_EXPORT int ww_capture_open_live(ww_capture **out, const char *iface, char *err, size_t errlen);
/* Returns 0 or WW_E_FILTER with libpcap's message in err. */
WW_EXPORT int ww_capture_set_filter(ww_capture *cap, const char *bpf, char *err, size_t errlen);
/* Returns 1 with a frame in *pkt (valid until the next call), 0 on a live timeout,
 * WW_E_EOF at the end, or WW_E_READ with "FILE: packet N: message" in err. */
WW_EXPORT int ww_capture_next(ww_capture *cap, struct ww_packet *pkt, char *err, size_t errlen);
/* Returns 0 after joining the live socket to PACKET_FANOUT group group_id (flow hash,
 * fragments reassembled first), or WW_E_INVAL / WW_E_OPEN with the reason in err. */
WW_EXPORT int ww_capture_set_fanout(ww_capture *cap, unsigned group_id, char *err, size_t errlen);
/* Returns 0 and the kernel counters (zeros offline). */
WW_EXPORT int ww_capture_stats(ww_capture *cap, struct ww_capture_stats *out);
/* Makes a blocked ww_capture_next return soon (safe from a signal handler). */
WW_EXPORT void ww_capture_break(ww_capture *cap);
/* Closes the capture. */
WW_EXPORT void ww_capture_close(ww_capture *cap);

/* Returns the library version, e.g. "0.1.0". */
WW_EXPORT const char *ww_version(void);
/* Returns the text of a WW_E_* code. */
WW_EXPORT const char *ww_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif

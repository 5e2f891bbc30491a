/* engine.h — the engine's state, shared by engine*.c (not installed). */
#ifndef WW_ENGINE_H
#define WW_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "../app/app.h"
#include "../detect/detect-engine.h"
#include "../detectors/detectors.h"
#include "../decode/decode.h"
#include "../output/eve.h"
#include "../stream/flow.h"
#include "../util/share-order.h"
#include "../stream/stream-nids.h"
#include "../util/conf.h"
#include "../util/counters.h"
#include "../util/log.h"

#define WW_VERSION "0.1.0"

/* What parsers get as struct app_ctx: the engine and the frame being processed. */
struct app_ctx {
    struct ww_engine *eng;
};

struct thr_table;

/* State the worker processes of --workers N share (ww_share_new). */
struct ww_share {
    struct detectors_shared detectors; /* transfer requests, wallet-policy windows */
    struct thr_table *thresholds;      /* thresholds tracked across flows (detect-threshold.h) */
};

struct ww_engine {
    ww_config *cfg;
    struct wlog log;
    struct eve eve;
    uint64_t ctr[CTR_COUNT];
    struct flow_table *flows;
    struct stream *stream;
    ww_stream_cb stream_cb;
    void *user;
    struct timeval now;          /* latest packet (or tick) time */
    time_t expired_at;           /* second of the last timeout sweep */
    time_t wall_start;
    /* anomaly rate limit: events logged in the current second, per counter */
    time_t anomaly_sec[CTR_COUNT];
    uint32_t anomaly_count[CTR_COUNT];
    const struct ww_packet *frame; /* the frame being processed, NULL outside feed */
    struct detect_engine *de;      /* the loaded ruleset, or NULL */
    struct flowbit_names *flowbits; /* interned for the process: stable across reloads */
    struct detectors *detectors;   /* loaded with the rules, or NULL */
    uint64_t app_flows, app_flows_max; /* flows holding parser state, and the cap */
    struct policy_learn *learn;    /* ww_engine_learn: wallet calls observed, or NULL */
    char *learn_path;              /* where ww_engine_flush writes the learned policy */
    int detector_buffer;           /* id of the detector.event buffer */
    ww_share *share;               /* ww_engine_share: the workers' tables, or NULL */
    struct share_order order;      /* seq: pcap_cnt of the latest frame fed (0 live) */
    struct app_ctx app;
};

/* Offers data to the parsers, within app-layer.memcap. */
void engine_app_data(ww_engine *eng, struct flow *f, enum flow_dir dir, const uint8_t *data,
                     size_t len, bool gap);

void engine_app_flow_end(ww_engine *eng, struct flow *f);

/* Run the rules (no-ops without a ruleset). */
void engine_detect_packet(ww_engine *eng, struct flow *f, enum flow_dir dir, const struct pkt *p);
void engine_detect_stream(ww_engine *eng, struct flow *f, enum flow_dir dir, const uint8_t *data,
                          size_t len, bool gap);
void engine_detect_tx(ww_engine *eng, struct flow *f, const struct app_tx *tx);
void engine_detect_free(ww_engine *eng);
/* The stateful detectors' hooks: findings go to the rules as detector.event. */
void engine_detectors_tx(ww_engine *eng, struct flow *f, const struct app_tx *tx);
void engine_detectors_flow_start(ww_engine *eng, struct flow *f);
/* Writes the learned policy (ww_engine_learn); returns 0 or WW_E_WRITE. */
int engine_learn_write(ww_engine *eng);
void engine_learn_free(ww_engine *eng);

/* Returns true when an anomaly event for counter c may be logged now (rate limit). */
bool engine_anomaly_allowed(ww_engine *eng, enum counter c);


#endif

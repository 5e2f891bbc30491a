/* engine.h — the engine's state, shared by engine*.c (not installed). */
#ifndef WW_ENGINE_H
#define WW_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "../app/app.h"
#include "../decode/decode.h"
#include "../output/eve.h"
#include "../stream/flow.h"
#include "../stream/stream-nids.h"
#include "../util/conf.h"
#include "../util/counters.h"
#include "../util/log.h"

#define WW_VERSION "0.1.0"

/* What parsers get as struct app_ctx: the engine and the frame being processed. */
struct app_ctx {
    struct ww_engine *eng;
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
    struct app_ctx app;
};

/* Returns true when an anomaly event for counter c may be logged now (rate limit). */
bool engine_anomaly_allowed(ww_engine *eng, enum counter c);


#endif

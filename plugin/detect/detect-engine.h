/* detect-engine.h — a loaded ruleset and the three places rules run:
 *
 *   detect_packet()  UDP, ICMP and other datagrams; TCP packet-only rules
 *                    (flow:no_stream, dsize)
 *   detect_stream()  TCP payload rules on the reassembled stream, through a
 *                    per-direction window so a pattern split across segments
 *                    or callbacks matches once, when its last byte arrives
 *   detect_tx()      rules on sticky buffers of an app-layer transaction
 *
 * A ruleset is immutable once loaded: a reload builds a new one beside it and
 * the engine swaps them between packets. Per-flow state (flowbits, stream
 * windows) lives on the flow and survives a reload, since flowbit names are
 * interned process-wide. */
#ifndef WW_DETECT_ENGINE_H
#define WW_DETECT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../app/app.h"
#include "../stream/flow.h"
#include "detect-flowbits.h"
#include "rule.h"

struct share_order;
struct thr_table;

struct detect_engine;

struct detect_config {
    const char *const *paths;     /* rule files, or directories of *.rules */
    size_t npaths;
    const char *classification_file; /* NULL: classification.config beside the first path */
    const char *reference_file;      /* NULL: reference.config beside it */
    const char *threshold_file;      /* NULL: threshold.config beside it, if present */
    const char *fallback_dir;        /* where those are looked for when not beside the rules */
    const char *home_net;
    struct flowbit_names *flowbits;  /* the caller's, kept across reloads */
    uint64_t dataset_memcap;
    uint64_t threshold_memcap;
    struct thr_table *threshold_shared; /* --workers N: the workers' table, or NULL */
};

struct detect_load_stats {
    unsigned loaded;
    unsigned failed;              /* bad rules, each reported */
};

/* Reports one problem as "FILE:LINE: message" (or "FILE: message"). */
typedef void (*detect_report_fn)(void *user, const char *msg);

/* Returns 0 and a ruleset (bad rules reported and left out), or WW_E_CONFIG
 * when a rule path or a configuration file cannot be read at all. */
int detect_engine_load(const struct detect_config *cfg, detect_report_fn report, void *user,
                       struct detect_engine **out, struct detect_load_stats *stats);
void detect_engine_free(struct detect_engine *de);

/* What a match looks like to the engine's alert writer. */
struct detect_hit {
    const struct rule *rule;
    struct flow *f;
    enum flow_dir dir;
    const struct pkt *pkt;        /* packet matches, else NULL */
    const struct app_tx *tx;      /* transaction matches, else NULL */
    const uint8_t *payload;       /* the inspected bytes, for payload_printable */
    size_t payload_len;
};

typedef void (*detect_alert_fn)(void *user, const struct detect_hit *hit);

struct detect_run {
    struct detect_engine *de;
    detect_alert_fn on_alert;
    void *user;
    const struct timeval *now;
    const struct share_order *order; /* where the packet stands, for shared thresholds */
    uint64_t *ctr;                /* detect.alert, detect.alerts_suppressed */
};

void detect_packet(const struct detect_run *run, struct flow *f, enum flow_dir dir,
                   const struct pkt *p);
void detect_stream(const struct detect_run *run, struct flow *f, enum flow_dir dir,
                   const uint8_t *data, size_t len, bool gap);
void detect_tx(const struct detect_run *run, struct flow *f, const struct app_tx *tx);
/* Frees the detection state a flow carries (f->detect). */
void detect_flow_free(struct flow *f);

#endif

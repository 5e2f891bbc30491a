/* detectors.h — the mission's stateful detectors, between the parsers and
 * the rules: wallet-API policy (policy.c), transfer tampering (tamper.c) and
 * beaconing (beacon.c).
 *
 * A detector does not write alerts itself. It names what it found
 * ("wallet.method_not_allowed", "wallet.destination_mismatch", "c2.beacon")
 * in the verdict; the engine offers those names to the rules as the
 * `detector.event` buffer, one "name\n" each, together with the transaction
 * that caused them, so every finding becomes an alert with a stable sid,
 * message, classtype and metadata from the shipped rules
 * (`detector.event; content:"wallet.destination_mismatch";`), and the
 * details go to alert.context. */
#ifndef WW_DETECTORS_H
#define WW_DETECTORS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "../app/app.h"
#include "../include/walletwatch.h"
#include "../stream/flow.h"

#define DETECTOR_NAMES_MAX 512

struct detector_verdict {
    char names[DETECTOR_NAMES_MAX]; /* "name\n" per finding */
    size_t len;
    struct json_object *context;    /* details, one key per finding; NULL if none */
};

/* Adds a finding (name without newline) with its details (taken; may be NULL). */
void detector_verdict_add(struct detector_verdict *v, const char *name, struct json_object *details);
/* Releases what a verdict holds. */
void detector_verdict_clear(struct detector_verdict *v);

struct detectors;
struct tamper;
struct policy_shared;
struct share_order;

/* --workers N: what the detectors keep in memory shared with the other
 * workers (ww_share_new), kept across rule reloads. */
struct detectors_shared {
    struct tamper *tamper;         /* transfer requests */
    struct policy_shared *policy;  /* wallet policy: callers' and assets' windows */
};

/* Problems in the detectors' configuration files, as "FILE:LINE: message". */
typedef void (*detectors_report_fn)(void *user, const char *msg);

/* Returns the detectors configured by cfg (wallet-policy file etc.; a file
 * not named in cfg is looked for beside the first of rule_paths, then in
 * default-signature-dir), or NULL with every problem reported; *failed set
 * when the configuration is bad. With shared (--workers N), state that spans
 * address pairs goes there instead of into tables of their own. */
struct detectors *detectors_new(const ww_config *cfg, const char *const *rule_paths,
                                size_t npaths, const struct detectors_shared *shared,
                                detectors_report_fn report, void *user, bool *failed);
void detectors_free(struct detectors *d);

/* A transaction, before the rules see it; o: where it stands in the capture. */
void detectors_on_tx(struct detectors *d, struct flow *f, const struct app_tx *tx,
                     const struct timeval *now, const struct share_order *o,
                     struct detector_verdict *out);
/* A new flow (its first packet). */
void detectors_on_flow_start(struct detectors *d, struct flow *f, const struct timeval *now,
                             struct detector_verdict *out);

#endif

/* detect-threshold.h — alert thresholds: the threshold / detection_filter
 * keywords and a threshold.config file (suppress, threshold, rate_filter by
 * gen_id/sig_id, track by_src/by_dst/by_rule/by_both), with per-key state in
 * a hash table bounded by a memcap. Time is packet time. */
#ifndef WW_DETECT_THRESHOLD_H
#define WW_DETECT_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decode/decode.h"
#include "rule.h"

struct threshold_ctx;

struct threshold_ctx *threshold_new(uint64_t memcap);
void threshold_free(struct threshold_ctx *t);
/* Loads a threshold.config file; every bad line is reported through report as
 * "FILE:LINE: message". Returns the number of bad lines, or -1 when the file
 * cannot be read (message in err). */
int threshold_load(struct threshold_ctx *t, const char *path,
                   void (*report)(void *user, const char *msg), void *user, char *err,
                   size_t errlen);

enum threshold_verdict { THRESHOLD_ALERT, THRESHOLD_SILENT /* matched, no alert */ };

/* Decides whether a matching rule alerts, applying the file's entries for its
 * gid/sid first, then the rule's own threshold/detection_filter. src/dst are
 * the packet's addresses; flow_id for track by_flow. */
enum threshold_verdict threshold_check(struct threshold_ctx *t, const struct rule *r,
                                       const struct ww_addr *src, const struct ww_addr *dst,
                                       uint64_t flow_id, const struct timeval *now);
/* Alerts suppressed so far (stats detect.alerts_suppressed). */
uint64_t threshold_suppressed(const struct threshold_ctx *t);
/* Tracking entries evicted, still live, to stay under the memcap. */
uint64_t threshold_evicted(const struct threshold_ctx *t);
/* Bytes of tracking state charged to the memcap. */
uint64_t threshold_memuse(const struct threshold_ctx *t);

#endif

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
#include "../util/share-order.h"
#include "rule.h"

struct threshold_ctx;
struct thr_table;

/* Returns an empty context whose counts fit memcap; with shared (the workers'
 * table, not owned), counts tracked by_src, by_dst and by_rule go there. */
struct threshold_ctx *threshold_new(uint64_t memcap, struct thr_table *shared);
void threshold_free(struct threshold_ctx *t);
/* Returns a table of counts in memory shared with the processes forked
 * afterwards (--workers N), entries within memcap, or NULL. */
struct thr_table *threshold_table_new_shared(uint64_t memcap);
/* Unmaps it in the calling process. */
void threshold_table_free(struct thr_table *tab);
/* Loads a threshold.config file; every bad line is reported through report as
 * "FILE:LINE: message". Returns the number of bad lines, or -1 when the file
 * cannot be read (message in err). */
int threshold_load(struct threshold_ctx *t, const char *path,
                   void (*report)(void *user, const char *msg), void *user, char *err,
                   size_t errlen);

enum threshold_verdict { THRESHOLD_ALERT, THRESHOLD_SILENT /* matched, no alert */ };

/* Decides whether a matching rule alerts, applying the file's entries for its
 * gid/sid first, then the rule's own threshold/detection_filter. src/dst are
 * the packet's addresses; flow_id for track by_flow; o: where the match
 * stands in the capture, for the shared table (NULL: no order). */
enum threshold_verdict threshold_check(struct threshold_ctx *t, const struct rule *r,
                                       const struct ww_addr *src, const struct ww_addr *dst,
                                       uint64_t flow_id, const struct timeval *now,
                                       const struct share_order *o);
/* Alerts suppressed so far (stats detect.alerts_suppressed). */
uint64_t threshold_suppressed(const struct threshold_ctx *t);
/* Tracking entries evicted, still live, to stay under the memcap. */
uint64_t threshold_evicted(const struct threshold_ctx *t);
/* Bytes of this process's own tracking state charged to the memcap. */
uint64_t threshold_memuse(const struct threshold_ctx *t);

#endif

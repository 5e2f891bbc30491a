/* detect-engine-int.h — the inside of a ruleset, shared by detect-engine.c
 * (loading), detect-groups.c (inspection groups) and detect-run.c. */
#ifndef WW_DETECT_ENGINE_INT_H
#define WW_DETECT_ENGINE_INT_H

#include "detect-addr.h"
#include "detect-buffer.h"
#include "detect-classify.h"
#include "detect-dataset.h"
#include "detect-engine.h"
#include "detect-mpm.h"
#include "detect-threshold.h"

/* Rules that inspect the same thing: a prefilter over their fast patterns
 * (ids are indexes into detect_engine.rules), plus the rules that have no fast
 * pattern in this group's buffer and are always evaluated. */
struct rule_group {
    struct mpm *mpm;
    struct mpm_builder build;  /* while loading */
    uint32_t *always;
    uint32_t nalways, cap;
    uint32_t lookback; /* stream group: bytes before new data a rule may look at */
};

enum packet_group { PG_TCP, PG_UDP, PG_OTHER, PG_COUNT };

struct detect_engine {
    struct rule **rules;
    size_t nrules, cap;
    struct rule_group packet[PG_COUNT]; /* per-packet rules by L4 protocol */
    struct rule_group stream;           /* TCP payload rules on the reassembled stream */
    struct rule_group tx[DETECT_BUF_MAX]; /* transaction rules, by fast-pattern buffer */
    /* Transaction rules without a fast pattern, by the first app-layer buffer
     * they need: a transaction without that buffer cannot match them. */
    struct rule_group tx_nofast[DETECT_BUF_MAX];
    struct mpm_scratch *scratch;
    uint32_t *seen;                     /* per rule index in rules[]: generation last evaluated */
    uint32_t generation;
    struct detect_vars *vars;
    struct dataset_registry *datasets;
    struct classification *classes;
    struct threshold_ctx *thresholds;
};

/* Builds the groups of de->rules; problems reported. Returns 0 or WW_E_*. */
int detect_groups_build(struct detect_engine *de, detect_report_fn report, void *user);
void detect_groups_free(struct detect_engine *de);

#endif

/* policy.h — the wallet-API policy (issue 5 §2): which servers are wallet
 * servers, who may call each method class, where each asset may be sent,
 * how much per call and per window, how often, at what hours, and how many
 * authentication failures are a burst. The format is docs/wallet-policy.md;
 * the shipped example is signatures/wallet-policy.json.
 *
 * Each violation is one finding in the verdict (wallet.caller_not_allowed,
 * wallet.destination_not_allowed, ...) with a JSON object of details: the
 * limit, the observed value, the caller. State (per-caller rate and
 * authentication windows, per-asset amount windows) is bounded; what is
 * evicted to stay in bounds is counted (policy_get_stats).
 *
 * policy-learn.c watches calls and writes a starting policy in the same
 * format (`walletwatch --learn FILE`). */
#ifndef WW_POLICY_H
#define WW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../app/app-wallet.h"
#include "../util/share-order.h"
#include "detectors.h"

#define POLICY_FILE_NAME "wallet-policy.json"
#define POLICY_FILE_MAX (4u << 20)      /* a policy file larger than this is refused */
#define POLICY_JSON_DEPTH 16
#define POLICY_MAX_CALLERS_DEFAULT 4096 /* rate / auth state entries; "max_callers" */
#define POLICY_MAX_CALLERS_LIMIT 1048576
#define POLICY_WINDOW_ENTRIES 1024      /* sends kept per asset window; older ones merge */

struct policy;
struct policy_shared;

struct policy_stats {
    uint64_t calls;           /* wallet calls judged */
    uint64_t callers_evicted; /* caller states dropped to stay within max_callers */
    uint64_t window_merged;   /* sends merged in a full per-asset window */
    size_t callers;           /* caller states live */
};

/* Returns the policy in file path, or NULL with every problem reported as
 * "FILE:LINE: message" and *failed set. home_net is the home-net CIDR list. */
struct policy *policy_load(const char *path, const char *home_net, detectors_report_fn report,
                           void *user, bool *failed);
/* The same from text already in memory; name is the FILE of the messages. */
struct policy *policy_parse(const char *name, const char *text, size_t len, const char *home_net,
                            detectors_report_fn report, void *user, bool *failed);
void policy_free(struct policy *p);

/* --workers N: p keeps its per-caller and per-asset window state in sh
 * (policy-shared.h) from now on, instead of its own. */
void policy_share(struct policy *p, struct policy_shared *sh);

/* Judges one wallet call on flow f at time now; adds one finding per
 * violation. o: where the call stands in the capture, for shared state
 * (share-order.h); may be NULL. */
void policy_on_call(struct policy *p, const struct flow *f, const struct wallet_call *c,
                    const struct timeval *now, const struct share_order *o,
                    struct detector_verdict *out);
/* Fills *st with the policy's counters. */
void policy_get_stats(const struct policy *p, struct policy_stats *st);

/* ---- learning (policy-learn.c) --------------------------------------------------- */

struct policy_learn;

/* Returns an empty observation, or NULL when out of memory. */
struct policy_learn *policy_learn_new(const char *home_net);
/* Records one wallet call. */
void policy_learn_call(struct policy_learn *l, const struct flow *f, const struct wallet_call *c,
                       const struct timeval *now);
/* Writes what was observed as a policy to path (via path.tmp and rename);
 * returns 0 or -1 with the reason in err. */
int policy_learn_write(const struct policy_learn *l, const char *path, char *err, size_t errlen);
void policy_learn_free(struct policy_learn *l);

/* ---- helpers shared by policy.c, policy-learn.c and tamper.c ------------------------ */

/* An exact decimal amount, scaled by 10^POLICY_DEC_SCALE. */
typedef __int128 policy_dec;
#define POLICY_DEC_SCALE 18

/* Parses a decimal "12.5" (at most 20 integer digits) into *out; digits
 * beyond the scale round up when round_up, else must be zero. Returns false
 * when s[0..n) is not such a number. */
bool policy_dec_parse(const char *s, size_t n, bool round_up, policy_dec *out);
/* Returns a + b, saturating at 10^38 (above any parseable amount; no overflow). */
policy_dec policy_dec_add(policy_dec a, policy_dec b);
/* Writes v as a decimal without trailing zeros ("12.5", "0.00000001"). */
void policy_dec_format(policy_dec v, char *buf, size_t len);
/* Returns true when two addresses are the same (case-insensitive for hex and
 * single-case bech32 spellings, exact for Base58). */
bool policy_addr_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* Returns the address of f that is not ip (the server of a call from ip). */
const struct ww_addr *policy_peer_of(const struct flow *f, const struct ww_addr *ip);
/* Writes ip as text. */
void policy_addr_text(const struct ww_addr *ip, char *buf, size_t len);

#endif

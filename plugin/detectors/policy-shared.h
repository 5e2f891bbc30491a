/* policy-shared.h — the wallet policy's state shared by the workers of
 * --workers N. A caller's calls and an asset's sends reach several wallet
 * nodes from several hosts, so over different address pairs and workers;
 * rate limits, authentication-failure bursts and per-window amounts must
 * count them together.
 *
 * Made before the workers fork (ww_share_new), before any policy is loaded,
 * so it is sized for the limits: POLICY_MAX_CALLERS_LIMIT caller entries
 * (a policy with max_callers N uses the first N, rounded up to a power of
 * two) and POLICY_SHARED_ASSETS asset windows, claimed by asset name. Pages
 * are taken only as they are used. One robust process-shared lock. */
#ifndef WW_POLICY_SHARED_H
#define WW_POLICY_SHARED_H

#include <stddef.h>

#include "../util/share-order.h"
#include "policy-state.h"

#define POLICY_SHARED_ASSETS 64 /* assets with a window; more keep their own */

struct policy_shared;

/* Returns the state, or NULL when it cannot be mapped. */
struct policy_shared *policy_shared_new(void);
/* Unmaps it in the calling process. */
void policy_shared_free(struct policy_shared *s);
/* The caller table: POLICY_MAX_CALLERS_LIMIT entries, of which a policy uses
 * its first max_callers (rounded up to a power of two). */
struct caller_state *policy_shared_callers(struct policy_shared *s);
/* The window of asset name (claimed at its first use; a reloaded policy
 * finds its sends again), or NULL when every slot is taken. */
struct asset_window *policy_shared_window(struct policy_shared *s, const char *name);
/* Waits for the other workers' earlier frames (o: share-order.h), then locks. */
void policy_shared_lock(struct policy_shared *s, const struct share_order *o);
void policy_shared_unlock(struct policy_shared *s);

#endif

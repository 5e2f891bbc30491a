/* tamper.h — transfer tampering (issue 5 §2, the DMM Bitcoin link): a
 * transfer request read in a cleartext channel (a chat or mail message, an
 * HTTP POST to an approval API) is remembered for TAMPER_WINDOW_SECS; a
 * wallet send of the same amount, in the same unit family, to a different
 * destination within that window is wallet.destination_mismatch. A request
 * or ticket id ("ticket #123", "request id: ABC-12", "TX-2024-001") seen
 * again with a different destination is wallet.request_destination_changed.
 *
 * Amounts are compared exactly after unit conversion (mBTC, sat, gwei, wei
 * to BTC / ETH); addresses are public and appear in full in the details. */
#ifndef WW_TAMPER_H
#define WW_TAMPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../app/app-wallet.h"
#include "detectors.h"
#include "../util/share-order.h"

#define TAMPER_WINDOW_SECS 3600   /* how long a request is remembered */
#define TAMPER_MAX_REQUESTS 1024  /* requests remembered; the oldest goes first */
#define TAMPER_ID_SEARCH 256      /* bytes around a request searched for its ticket id */
#define TAMPER_ADDR_MAX 128
#define TAMPER_ID_MAX 48

struct tamper;

/* A cleartext text that may carry transfer requests. */
struct tamper_text {
    const char *protocol;        /* "xmpp", "smtp", "http", ... */
    const uint8_t *text;
    size_t len;
    const uint8_t *from;         /* the sender as the protocol names it; may be NULL */
    size_t from_len;
    struct ww_addr sender_ip;
    const char *community_id; /* of the request's flow (stable across --workers); may be NULL */
};

struct tamper_stats {
    uint64_t requests; /* transfer requests remembered */
    uint64_t evicted;  /* requests dropped, still in their window, to make room */
    size_t live;
};

/* Returns an empty table (capacity max, window secs), or NULL when out of memory. */
struct tamper *tamper_new(size_t max, uint32_t window_secs);
/* The same in memory shared with the processes forked afterwards. */
struct tamper *tamper_new_shared(size_t max, uint32_t window_secs);
void tamper_free(struct tamper *t);
/* Remembers the transfer requests in m; adds wallet.request_destination_changed
 * when one repeats a known request id with another destination. o: where the
 * text stands in the capture (share-order.h); NULL for no order. */
void tamper_on_text(struct tamper *t, const struct tamper_text *m, const struct timeval *now,
                    const struct share_order *o, struct detector_verdict *out);
/* Judges a wallet send; adds wallet.destination_mismatch when it pays a
 * requested amount to an address other than the requested one. */
void tamper_on_call(struct tamper *t, const struct wallet_call *c, const struct timeval *now,
                    const struct share_order *o, struct detector_verdict *out);
/* Fills *st with the table's counters. */
void tamper_get_stats(struct tamper *t, struct tamper_stats *st);
/* Writes the request id found in text[lo..hi) outside [skip_b, skip_e) to id
 * (at most TAMPER_ID_MAX with its NUL); returns false when there is none. */
bool tamper_find_id(const uint8_t *text, size_t lo, size_t hi, size_t skip_b, size_t skip_e,
                    char *id);

#endif

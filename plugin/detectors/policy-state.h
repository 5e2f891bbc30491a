/* policy-state.h — what the wallet policy remembers between calls (policy.c),
 * in a form that can live in memory the workers of --workers N share
 * (policy-shared.c): no pointers, fixed sizes. */
#ifndef WW_POLICY_STATE_H
#define WW_POLICY_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../include/walletwatch.h"
#include "policy.h"

#define CALLER_USER_MAX 64

/* One caller (address and user): its rate and authentication-failure windows. */
struct caller_state {
    bool used;
    struct ww_addr ip;
    uint8_t user_len;
    char user[CALLER_USER_MAX];
    time_t last;
    time_t rate_start, auth_start;
    uint32_t rate_count, auth_count;
};

struct window_entry {
    time_t t;
    policy_dec amount;
};

/* One asset's sends within its window: a ring, and their sum. */
struct asset_window {
    struct window_entry ring[POLICY_WINDOW_ENTRIES];
    size_t head, n;
    policy_dec sum;
};

#endif

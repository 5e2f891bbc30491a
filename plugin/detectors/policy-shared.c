/* policy-shared.c — see policy-shared.h. */
#include "policy-shared.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../util/shared-mem.h"

#define ASSET_NAME_MAX 32

struct window_slot {
    char name[ASSET_NAME_MAX]; /* "" while free */
    struct asset_window w;
};

struct policy_shared {
    pthread_mutex_t lock;
    struct window_slot windows[POLICY_SHARED_ASSETS];
    struct caller_state callers[POLICY_MAX_CALLERS_LIMIT];
};

struct policy_shared *policy_shared_new(void)
{
    struct policy_shared *s = shared_map(sizeof(*s));
    if (s && !shared_lock_init(&s->lock)) {
        shared_unmap(s, sizeof(*s));
        return NULL;
    }
    return s;
}

void policy_shared_free(struct policy_shared *s)
{
    shared_unmap(s, sizeof(*s));
}

struct caller_state *policy_shared_callers(struct policy_shared *s)
{
    return s->callers;
}

struct asset_window *policy_shared_window(struct policy_shared *s, const char *name)
{
    if (strlen(name) >= ASSET_NAME_MAX)
        return NULL;
    struct asset_window *w = NULL;
    shared_lock(&s->lock);
    for (size_t i = 0; i < POLICY_SHARED_ASSETS && !w; i++) {
        struct window_slot *slot = &s->windows[i];
        if (!slot->name[0])
            snprintf(slot->name, sizeof(slot->name), "%s", name);
        if (strcmp(slot->name, name) == 0)
            w = &slot->w;
    }
    shared_unlock(&s->lock);
    return w;
}

void policy_shared_lock(struct policy_shared *s, const struct share_order *o)
{
    shared_lock_in_order(&s->lock, o);
}

void policy_shared_unlock(struct policy_shared *s)
{
    shared_unlock(&s->lock);
}

/* detect-flowbits.c — flowbit names interned to small ids, and the per-flow
 * bitset the flowbits keyword sets and tests.
 *
 * Names come from rules, not traffic, and are at most FLOWBITS_MAX, so the
 * table is a fixed open-addressing index over a name array (no memcap).
 * Names are case-sensitive, as in Suricata. */
#include "detect-flowbits.h"

#include <stdlib.h>
#include <string.h>

#define FB_INDEX_SLOTS (2 * FLOWBITS_MAX) /* load <= 1/2; power of two */

struct flowbit_names {
    char *names[FLOWBITS_MAX];
    int count;
    int16_t index[FB_INDEX_SLOTS]; /* id + 1; 0 = empty */
};

/* FNV-1a: the keys are rule text, so no seed is needed against flooding. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint8_t)*s;
        h *= 16777619u;
    }
    return h;
}

struct flowbit_names *flowbit_names_new(void)
{
    return calloc(1, sizeof(struct flowbit_names));
}

void flowbit_names_free(struct flowbit_names *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->count; i++)
        free(n->names[i]);
    free(n);
}

int flowbit_id(struct flowbit_names *n, const char *name)
{
    if (!n || !name || !name[0])
        return -1;
    uint32_t i = name_hash(name) & (FB_INDEX_SLOTS - 1);
    for (; n->index[i]; i = (i + 1) & (FB_INDEX_SLOTS - 1)) {
        int id = n->index[i] - 1;
        if (strcmp(n->names[id], name) == 0)
            return id;
    }
    if (n->count == FLOWBITS_MAX)
        return -1;
    size_t len = strlen(name) + 1;
    char *copy = malloc(len);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    n->names[n->count] = copy;
    n->index[i] = (int16_t)(n->count + 1);
    return n->count++;
}

const char *flowbit_name(const struct flowbit_names *n, int id)
{
    if (!n || id < 0 || id >= n->count)
        return NULL;
    return n->names[id];
}

/* Ids come from flowbit_id(); an out-of-range one (a caller's bug) is ignored
 * rather than writing past the flow's bitset. */
static bool valid(int id)
{
    return id >= 0 && id < FLOWBITS_MAX;
}

static uint64_t bit(int id)
{
    return 1ULL << (id % 64);
}

bool flowbit_isset(const struct flowbit_set *s, int id)
{
    return s && valid(id) && (s->words[id / 64] & bit(id)) != 0;
}

void flowbit_set(struct flowbit_set *s, int id)
{
    if (s && valid(id))
        s->words[id / 64] |= bit(id);
}

void flowbit_unset(struct flowbit_set *s, int id)
{
    if (s && valid(id))
        s->words[id / 64] &= ~bit(id);
}

void flowbit_toggle(struct flowbit_set *s, int id)
{
    if (s && valid(id))
        s->words[id / 64] ^= bit(id);
}

/* stream-v6map.c — see stream-v6map.h. Slots are an array indexed by
 * (stand-in − 240.0.0.1); a chained hash finds the slot of an address; idle
 * slots wait in least-recently-released order for reuse. */
#include "stream-v6map.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define V6MAP_NONE UINT32_MAX

struct v6slot {
    uint8_t addr[16];
    uint32_t refs;
    uint32_t hnext;            /* hash chain */
    uint32_t idle_prev, idle_next;
    bool used;
};

struct v6map {
    struct v6slot *slots;
    uint32_t max, used_count;
    uint32_t *buckets;
    uint32_t nbuckets;
    uint32_t idle_head, idle_tail;
};

static uint32_t addr_hash(const uint8_t a[16])
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    return h;
}

struct v6map *v6map_new(uint32_t max_hosts)
{
    struct v6map *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->max = max_hosts ? max_hosts : 1;
    m->nbuckets = 1;
    while (m->nbuckets < m->max)
        m->nbuckets <<= 1;
    m->slots = calloc(m->max, sizeof(*m->slots));
    m->buckets = malloc(m->nbuckets * sizeof(*m->buckets));
    if (!m->slots || !m->buckets) {
        v6map_free(m);
        return NULL;
    }
    memset(m->buckets, 0xff, m->nbuckets * sizeof(*m->buckets));
    m->idle_head = m->idle_tail = V6MAP_NONE;
    return m;
}

void v6map_free(struct v6map *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->buckets);
    free(m);
}

bool v6map_is_standin(uint32_t v4)
{
    return (ntohl(v4) & V6MAP_MASK) == V6MAP_NET;
}

static uint32_t slot_v4(uint32_t i)
{
    return htonl(V6MAP_NET + 1 + i);
}

static void idle_unlink(struct v6map *m, uint32_t i)
{
    struct v6slot *s = &m->slots[i];
    if (s->idle_prev != V6MAP_NONE)
        m->slots[s->idle_prev].idle_next = s->idle_next;
    else
        m->idle_head = s->idle_next;
    if (s->idle_next != V6MAP_NONE)
        m->slots[s->idle_next].idle_prev = s->idle_prev;
    else
        m->idle_tail = s->idle_prev;
}

static void idle_append(struct v6map *m, uint32_t i)
{
    struct v6slot *s = &m->slots[i];
    s->idle_next = V6MAP_NONE;
    s->idle_prev = m->idle_tail;
    if (m->idle_tail != V6MAP_NONE)
        m->slots[m->idle_tail].idle_next = i;
    else
        m->idle_head = i;
    m->idle_tail = i;
}

static void hash_remove(struct v6map *m, uint32_t i)
{
    uint32_t *pp = &m->buckets[addr_hash(m->slots[i].addr) & (m->nbuckets - 1)];
    while (*pp != V6MAP_NONE && *pp != i)
        pp = &m->slots[*pp].hnext;
    if (*pp == i)
        *pp = m->slots[i].hnext;
}

/* A slot for a new address: never used yet, or the longest idle one. */
static uint32_t slot_take(struct v6map *m)
{
    if (m->used_count < m->max)
        return m->used_count++;
    uint32_t i = m->idle_head;
    if (i == V6MAP_NONE)
        return V6MAP_NONE;
    idle_unlink(m, i);
    hash_remove(m, i);
    return i;
}

uint32_t v6map_get(struct v6map *m, const uint8_t addr[16])
{
    uint32_t *bucket = &m->buckets[addr_hash(addr) & (m->nbuckets - 1)];
    for (uint32_t i = *bucket; i != V6MAP_NONE; i = m->slots[i].hnext) {
        struct v6slot *s = &m->slots[i];
        if (memcmp(s->addr, addr, 16) == 0) {
            if (s->refs++ == 0)
                idle_unlink(m, i);
            return slot_v4(i);
        }
    }
    uint32_t i = slot_take(m);
    if (i == V6MAP_NONE)
        return 0;
    struct v6slot *s = &m->slots[i];
    memcpy(s->addr, addr, 16);
    s->refs = 1;
    s->used = true;
    s->hnext = *bucket;
    *bucket = i;
    return slot_v4(i);
}

static uint32_t slot_index(const struct v6map *m, uint32_t v4)
{
    if (!v6map_is_standin(v4))
        return V6MAP_NONE;
    uint32_t i = ntohl(v4) - V6MAP_NET - 1;
    return i < m->used_count && m->slots[i].used ? i : V6MAP_NONE;
}

void v6map_put(struct v6map *m, uint32_t v4)
{
    uint32_t i = slot_index(m, v4);
    if (i == V6MAP_NONE || m->slots[i].refs == 0)
        return;
    if (--m->slots[i].refs == 0)
        idle_append(m, i);
}

const uint8_t *v6map_lookup(const struct v6map *m, uint32_t v4)
{
    uint32_t i = slot_index(m, v4);
    return i == V6MAP_NONE ? NULL : m->slots[i].addr;
}

/* flow.c — the flow table: a chained hash over canonical keys, plus one
 * list per timeout class kept in last-seen order, so expiry only looks at
 * the oldest entries and the order flows end in never depends on the hash.
 *
 * The hash is keyed with a per-table random seed (hash flooding); flow ids
 * come from a counter through a bijective mixer, so runs are deterministic. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../util/hash.h"
#include "../util/mem.h"
#include "community-id.h"

enum timeout_class {
    TC_NEW,         /* one direction seen so far */
    TC_TCP_EST,     /* TCP, both directions */
    TC_TCP_CLOSED,  /* FIN both ways or RST */
    TC_OTHER_EST,   /* UDP / ICMP / other, both directions */
    TC_COUNT
};

struct lru {
    struct flow *head, *tail; /* head = least recently seen */
};

struct flow_table {
    struct flow_config cfg;
    struct memcap mem;
    struct flow **buckets;
    uint32_t nbuckets; /* power of two */
    uint64_t seed;
    uint64_t next_seq;
    uint64_t count;
    struct lru lru[TC_COUNT];
    uint64_t *ctr;
    flow_end_cb on_end;
    void *user;
};

struct flow_key {
    uint8_t lo[16], hi[16];
    uint16_t lo_port, hi_port;
    uint16_t vlan[2];
    uint8_t proto;
};

static void key_make(struct flow_key *k, const struct ww_addr *a, uint16_t ap,
                     const struct ww_addr *b, uint16_t bp, uint8_t proto, const uint16_t *vlan,
                     uint8_t nvlan)
{
    memset(k, 0, sizeof(*k));
    int c = memcmp(a->a, b->a, 16);
    bool a_first = c < 0 || (c == 0 && ap <= bp);
    memcpy(k->lo, a_first ? a->a : b->a, 16);
    memcpy(k->hi, a_first ? b->a : a->a, 16);
    k->lo_port = a_first ? ap : bp;
    k->hi_port = a_first ? bp : ap;
    for (uint8_t i = 0; i < nvlan && i < 2; i++)
        k->vlan[i] = vlan[i];
    k->proto = proto;
}

static uint32_t key_hash(const struct flow_table *t, const struct flow_key *k)
{
    uint64_t h = t->seed;
    uint64_t w;
    for (int i = 0; i < 16; i += 8) {
        memcpy(&w, k->lo + i, 8);
        h = mix64(h ^ w);
        memcpy(&w, k->hi + i, 8);
        h = mix64(h ^ w);
    }
    w = (uint64_t)k->lo_port << 48 | (uint64_t)k->hi_port << 32 | (uint64_t)k->vlan[0] << 16 |
        k->vlan[1];
    h = mix64(h ^ w ^ ((uint64_t)k->proto << 56));
    return (uint32_t)h;
}

static void flow_key_of(const struct flow *f, struct flow_key *k)
{
    key_make(k, &f->cli, f->cli_port, &f->srv, f->srv_port, f->proto, f->vlan, f->vlan_count);
}

/* L4 "ports" used for keys: ICMP flows are one per address pair. */
static void pkt_ports(const struct pkt *p, uint16_t *sport, uint16_t *dport)
{
    bool ported = p->proto == 6 || p->proto == 17 || p->proto == 132;
    *sport = ported ? p->sport : 0;
    *dport = ported ? p->dport : 0;
}

static uint32_t class_timeout(const struct flow_table *t, uint8_t tc)
{
    switch (tc) {
    case TC_TCP_EST:
        return t->cfg.timeout_established;
    case TC_TCP_CLOSED:
        return t->cfg.timeout_closed;
    case TC_OTHER_EST:
        return t->cfg.timeout_udp;
    default:
        return t->cfg.timeout_new;
    }
}

static void lru_unlink(struct flow_table *t, struct flow *f)
{
    struct lru *l = &t->lru[f->timeout_class];
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        l->head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        l->tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct flow_table *t, struct flow *f, uint8_t tc)
{
    struct lru *l = &t->lru[tc];
    f->timeout_class = tc;
    f->lru_next = NULL;
    f->lru_prev = l->tail;
    if (l->tail)
        l->tail->lru_next = f;
    else
        l->head = f;
    l->tail = f;
}

/* A TCP flow seen one way only but carrying ACKs is a session whose other
 * half takes another path (asymmetric routing, one-sided span): it gets the
 * established timeout, not the short one meant for unanswered SYNs. */
static uint8_t class_of(const struct flow *f)
{
    if (f->state == FLOW_STATE_CLOSED)
        return TC_TCP_CLOSED;
    bool both = f->seen_dir[0] && f->seen_dir[1];
    if (f->proto == 6)
        return both || ((f->tcp_flags[0] | f->tcp_flags[1]) & TCP_ACK) ? TC_TCP_EST : TC_NEW;
    return both ? TC_OTHER_EST : TC_NEW;
}

struct flow_table *flow_table_new(const struct flow_config *cfg, uint64_t *ctr, flow_end_cb on_end,
                                  void *user)
{
    struct flow_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cfg = *cfg;
    t->mem.limit = cfg->memcap;
    t->ctr = ctr;
    t->on_end = on_end;
    t->user = user;
    /* One bucket per two flows that fit the memcap, at most 2^24. */
    uint64_t fits = cfg->memcap / (sizeof(struct flow) + 2 * sizeof(struct flow *));
    t->nbuckets = 1024;
    while (t->nbuckets < fits / 2 && t->nbuckets < (1u << 24))
        t->nbuckets <<= 1;
    t->buckets = ww_mem_alloc(&t->mem, t->nbuckets * sizeof(struct flow *));
    if (!t->buckets || getrandom(&t->seed, sizeof(t->seed), 0) != sizeof(t->seed)) {
        free(t->buckets);
        free(t);
        return NULL;
    }
    ctr[CTR_FLOW_MEMCAP] = cfg->memcap;
    ctr[CTR_FLOW_MEMUSE] = t->mem.used;
    return t;
}

void flow_table_free(struct flow_table *t)
{
    if (!t)
        return;
    for (int c = 0; c < TC_COUNT; c++) {
        struct flow *f = t->lru[c].head;
        while (f) {
            struct flow *next = f->lru_next;
            free(f);
            f = next;
        }
    }
    free(t->buckets);
    free(t);
}

uint64_t flow_table_count(const struct flow_table *t)
{
    return t->count;
}

static struct flow *bucket_find(struct flow_table *t, const struct flow_key *k, uint32_t h)
{
    for (struct flow *f = t->buckets[h & (t->nbuckets - 1)]; f; f = f->hnext) {
        if (f->hash != h)
            continue;
        struct flow_key fk;
        flow_key_of(f, &fk);
        if (memcmp(&fk, k, sizeof(fk)) == 0)
            return f;
    }
    return NULL;
}

static enum flow_dir dir_of(const struct flow *f, const struct ww_addr *src, uint16_t sport)
{
    if (ww_addr_eq(src, &f->cli) && (sport == f->cli_port || !ww_addr_eq(src, &f->srv)))
        return DIR_TOSERVER;
    return DIR_TOCLIENT;
}

struct flow *flow_find(struct flow_table *t, const struct ww_addr *a, uint16_t aport,
                       const struct ww_addr *b, uint16_t bport, uint8_t proto, enum flow_dir *dir)
{
    /* Used by reassembly callbacks, which do not know VLAN ids: search untagged only. */
    struct flow_key k;
    key_make(&k, a, aport, b, bport, proto, NULL, 0);
    struct flow *f = bucket_find(t, &k, key_hash(t, &k));
    if (f && dir)
        *dir = dir_of(f, a, aport);
    return f;
}

/* Evicts the least recently seen flow, preferring closed, then one-way, then idle sessions. */
static bool flow_evict_one(struct flow_table *t)
{
    static const uint8_t order[] = {TC_TCP_CLOSED, TC_NEW, TC_OTHER_EST, TC_TCP_EST};
    for (size_t i = 0; i < sizeof(order); i++) {
        struct flow *f = t->lru[order[i]].head;
        if (f) {
            t->ctr[CTR_FLOW_MGR_FLOWS_EVICTED]++;
            flow_end(t, f, FLOW_END_FORCED);
            return true;
        }
    }
    return false;
}

static struct flow *flow_alloc(struct flow_table *t)
{
    struct flow *f = ww_mem_alloc(&t->mem, sizeof(*f));
    if (!f) {
        t->ctr[CTR_FLOW_EMERG_MODE_ENTERED]++;
        if (flow_evict_one(t))
            f = ww_mem_alloc(&t->mem, sizeof(*f));
    }
    if (!f)
        t->ctr[CTR_FLOW_GET_USED_FAILED]++;
    return f;
}

/* For TCP the client is the SYN sender; without a SYN, the side with the
 * higher port (the ephemeral one) is guessed to be the client. */
static bool src_is_client(const struct pkt *p)
{
    if (p->proto != 6)
        return true;
    if (p->tcp_flags & TCP_SYN)
        return !(p->tcp_flags & TCP_ACK);
    return p->sport >= p->dport;
}

static void flow_init(struct flow_table *t, struct flow *f, const struct pkt *p, uint16_t sport,
                      uint16_t dport)
{
    bool cli_src = src_is_client(p);
    f->cli = cli_src ? p->src : p->dst;
    f->srv = cli_src ? p->dst : p->src;
    f->cli_port = cli_src ? sport : dport;
    f->srv_port = cli_src ? dport : sport;
    f->proto = p->proto;
    f->ip_version = p->ip_version;
    f->vlan_count = p->vlan_count < 2 ? p->vlan_count : 2;
    for (uint8_t i = 0; i < f->vlan_count; i++)
        f->vlan[i] = p->vlan[i];
    f->flow_id = mix64(++t->next_seq + t->cfg.id_base) & 0x7ffffffffffffULL;
    f->start = f->last = p->frame->ts;
    f->state = FLOW_STATE_NEW;
    bool icmp = p->proto == 1 || p->proto == 58;
    community_id_v1(t->cfg.community_id_seed, &p->src, icmp ? p->icmp_type : sport, &p->dst,
                    icmp ? p->icmp_code : dport, p->proto, f->community_id);
}

struct flow *flow_lookup(struct flow_table *t, const struct pkt *pkt, enum flow_dir *dir)
{
    uint16_t sport, dport;
    pkt_ports(pkt, &sport, &dport);
    struct flow_key k;
    key_make(&k, &pkt->src, sport, &pkt->dst, dport, pkt->proto, pkt->vlan, pkt->vlan_count);
    uint32_t h = key_hash(t, &k);
    struct flow *f = bucket_find(t, &k, h);
    bool syn_only = pkt->proto == 6 && (pkt->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
    if (f && syn_only && f->state == FLOW_STATE_CLOSED) {
        t->ctr[CTR_FLOW_TCP_REUSE]++;
        flow_end(t, f, FLOW_END_TCP_REUSE);
        f = NULL;
    }
    if (!f) {
        f = flow_alloc(t);
        if (!f)
            return NULL;
        flow_init(t, f, pkt, sport, dport);
        f->hash = h;
        struct flow **b = &t->buckets[h & (t->nbuckets - 1)];
        f->hnext = *b;
        *b = f;
        lru_append(t, f, TC_NEW);
        t->count++;
        t->ctr[CTR_FLOW_TOTAL]++;
        t->ctr[CTR_FLOW_ACTIVE] = t->count;
        t->ctr[CTR_FLOW_MEMUSE] = t->mem.used;
        if (pkt->proto == 6)
            t->ctr[CTR_FLOW_TCP]++;
        else if (pkt->proto == 17)
            t->ctr[CTR_FLOW_UDP]++;
        else if (pkt->proto == 1)
            t->ctr[CTR_FLOW_ICMPV4]++;
        else if (pkt->proto == 58)
            t->ctr[CTR_FLOW_ICMPV6]++;
    }
    *dir = dir_of(f, &pkt->src, sport);
    return f;
}

void flow_swap_direction(struct flow *f)
{
    struct ww_addr a = f->cli;
    f->cli = f->srv;
    f->srv = a;
    uint16_t p = f->cli_port;
    f->cli_port = f->srv_port;
    f->srv_port = p;
#define SWAP2(arr)                                                                                 \
    do {                                                                                           \
        __typeof__(arr[0]) tmp_ = arr[0];                                                          \
        arr[0] = arr[1];                                                                           \
        arr[1] = tmp_;                                                                             \
    } while (0)
    SWAP2(f->pkts);
    SWAP2(f->bytes);
    SWAP2(f->tcp_flags);
    SWAP2(f->seen_dir);
    SWAP2(f->icmp_type);
    SWAP2(f->icmp_code);
    SWAP2(f->sd);
#undef SWAP2
}

static void tcp_state_update(struct flow *f, enum flow_dir dir, uint8_t flags)
{
    if (flags & TCP_RST) {
        f->state = FLOW_STATE_CLOSED;
        return;
    }
    bool fin_both = (f->tcp_flags[0] & TCP_FIN) && (f->tcp_flags[1] & TCP_FIN);
    if (fin_both) {
        f->state = FLOW_STATE_CLOSED;
        return;
    }
    (void)dir;
    if (f->state == FLOW_STATE_NEW && f->seen_dir[0] && f->seen_dir[1] && (flags & TCP_ACK))
        f->state = FLOW_STATE_ESTABLISHED;
}

void flow_update(struct flow_table *t, struct flow *f, enum flow_dir dir, const struct pkt *pkt)
{
    f->pkts[dir]++;
    f->bytes[dir] += pkt->frame->len;
    if (!f->seen_dir[dir] && (pkt->proto == 1 || pkt->proto == 58)) {
        f->icmp_type[dir] = pkt->icmp_type;
        f->icmp_code[dir] = pkt->icmp_code;
    }
    f->seen_dir[dir] = true;
    if (timercmp(&pkt->frame->ts, &f->last, >))
        f->last = pkt->frame->ts;
    if (pkt->proto == 6 && pkt->has_l4) {
        f->tcp_flags[dir] |= pkt->tcp_flags;
        tcp_state_update(f, dir, pkt->tcp_flags);
    } else if (f->state == FLOW_STATE_NEW && f->seen_dir[0] && f->seen_dir[1]) {
        f->state = FLOW_STATE_ESTABLISHED;
    }
    lru_unlink(t, f);
    lru_append(t, f, class_of(f));
}

static void bucket_remove(struct flow_table *t, struct flow *f)
{
    struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];
    while (*pp && *pp != f)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = f->hnext;
}

void flow_end(struct flow_table *t, struct flow *f, enum flow_end_reason reason)
{
    f->end_reason = (uint8_t)reason;
    static const enum counter by_state[] = {CTR_FLOW_END_STATE_NEW, CTR_FLOW_END_STATE_ESTABLISHED,
                                            CTR_FLOW_END_STATE_CLOSED};
    t->ctr[by_state[f->state]]++;
    if (t->on_end)
        t->on_end(f, t->user);
    lru_unlink(t, f);
    bucket_remove(t, f);
    ww_mem_free(&t->mem, f, sizeof(*f));
    t->count--;
    t->ctr[CTR_FLOW_ACTIVE] = t->count;
    t->ctr[CTR_FLOW_MEMUSE] = t->mem.used;
}

void flow_expire(struct flow_table *t, const struct timeval *now)
{
    for (int c = 0; c < TC_COUNT; c++) {
        uint32_t timeout = class_timeout(t, (uint8_t)c);
        struct flow *f;
        while ((f = t->lru[c].head) && f->last.tv_sec + (time_t)timeout < now->tv_sec) {
            t->ctr[CTR_FLOW_MGR_FLOWS_TIMEOUT]++;
            flow_end(t, f, FLOW_END_TIMEOUT);
        }
    }
}

/* Ends flows oldest first, so the order of flow events is the order of last activity. */
void flow_end_all(struct flow_table *t)
{
    for (;;) {
        struct flow *oldest = NULL;
        for (int c = 0; c < TC_COUNT; c++) {
            struct flow *f = t->lru[c].head;
            if (f && (!oldest || timercmp(&f->last, &oldest->last, <)))
                oldest = f;
        }
        if (!oldest)
            return;
        flow_end(t, oldest, FLOW_END_SHUTDOWN);
    }
}

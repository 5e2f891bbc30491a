/* beacon.c — beaconing: regular contacts from an internal host to one
 * external destination (see beacon.h for what is reported and when).
 *
 * A pair is (client, server, server port, protocol) of a flow whose client
 * is in $HOME_NET and whose server is not. Each pair keeps a ring of its last
 * start times, in a hash table bounded by beacon.memcap with an LRU list:
 * when a new pair does not fit, the least recently contacted pair goes
 * first (an implant beacons forever; a page load's one-off contacts age out).
 *
 * Regularity: the coefficient of variation of the intervals, CV = σ / μ
 * (population σ), the measure RITA and Flare use for beacon scoring. A
 * 60 s beacon with ±2 s uniform jitter has CV ≈ 0.02; a person browsing has
 * CV well above 1. The last min-count intervals must pass; the run is then
 * extended back through older intervals while it still passes, and its length
 * is the reported count. No libm: the square root is taken by Newton's
 * method, and the test itself compares squares. */
#include "beacon.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/conf.h"
#include "../util/mem.h"

#define BEACON_HOME_MAX 256
#define BEACON_HISTORY_MIN 32               /* starts kept per pair, at least */
#define BEACON_SAME_CONTACT_US 1000000LL    /* closer starts are one contact */
#define BEACON_REPORT_EVERY_US 3600000000LL /* one c2.beacon per pair an hour */
#define BEACON_BUCKETS_MIN 16u
#define BEACON_BUCKETS_MAX (1u << 20)

struct beacon_key {
    uint8_t family;
    uint8_t proto;
    uint16_t dport;
    uint8_t src[16];
    uint8_t dst[16];
};

struct beacon_pair {
    struct beacon_key key;
    uint32_t hash;
    struct beacon_pair *hnext;
    struct beacon_pair *lru_prev, *lru_next; /* lru_prev: more recently contacted */
    int64_t reported_us;                     /* last report (valid when reported) */
    bool reported;
    uint32_t n;       /* start times held */
    uint32_t head;    /* ring index of the oldest */
    int64_t starts[]; /* µs, ring of beacon->hist */
};

struct beacon {
    uint32_t min_count;  /* intervals */
    uint32_t max_jitter; /* thousandths */
    int64_t min_period_us, max_period_us;
    uint32_t hist; /* ring size */
    size_t pair_size;
    struct conf_cidr home[BEACON_HOME_MAX];
    int nhome;
    struct memcap cap;
    struct beacon_pair **buckets;
    uint32_t nbuckets; /* a power of two */
    uint32_t seed;
    struct beacon_pair *lru_head, *lru_tail;
    struct beacon_stats st;
};

static void reportf(detectors_report_fn report, void *user, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reportf(detectors_report_fn report, void *user, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (report)
        report(user, msg);
}

static bool in_cidr(const struct conf_cidr *c, const struct ww_addr *a)
{
    if (c->family != a->family)
        return false;
    unsigned full = c->prefix / 8, rest = c->prefix % 8;
    if (memcmp(c->addr, a->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (c->addr[full] & mask) == (a->a[full] & mask);
}

static bool in_home(const struct beacon *b, const struct ww_addr *a)
{
    for (int i = 0; i < b->nhome; i++)
        if (in_cidr(&b->home[i], a))
            return true;
    return false;
}

static uint32_t key_hash(const struct beacon *b, const struct beacon_key *k)
{
    const uint8_t *p = (const uint8_t *)k;
    uint32_t h = 2166136261u ^ b->seed; /* FNV-1a, seeded per instance */
    for (size_t i = 0; i < sizeof(*k); i++)
        h = (h ^ p[i]) * 16777619u;
    return h ^ (h >> 15);
}

static uint32_t buckets_for(uint64_t memcap, size_t pair_size)
{
    uint64_t want = memcap / pair_size / 2;
    uint32_t n = BEACON_BUCKETS_MIN;
    while (n < want && n < BEACON_BUCKETS_MAX)
        n <<= 1;
    return n;
}

static bool beacon_configure(struct beacon *b, const ww_config *cfg, detectors_report_fn report,
                             void *user)
{
    bool ok = true;
    b->min_count = (uint32_t)conf_num(cfg, CONF_BEACON_MIN_COUNT);
    b->max_jitter = (uint32_t)conf_num(cfg, CONF_BEACON_MAX_JITTER);
    b->min_period_us = (int64_t)conf_num(cfg, CONF_BEACON_MIN_PERIOD) * 1000000;
    b->max_period_us = (int64_t)conf_num(cfg, CONF_BEACON_MAX_PERIOD) * 1000000;
    b->cap.limit = conf_num(cfg, CONF_BEACON_MEMCAP);
    if (b->min_count < 2) {
        reportf(report, user, "beacon.min-count: %u intervals cannot show a period; use 2 or more",
                b->min_count);
        ok = false;
    }
    if (b->min_period_us > b->max_period_us) {
        reportf(report, user, "beacon.min-period (%s s) is above beacon.max-period (%s s)",
                conf_str(cfg, CONF_BEACON_MIN_PERIOD), conf_str(cfg, CONF_BEACON_MAX_PERIOD));
        ok = false;
    }
    b->nhome = conf_parse_cidrs(conf_str(cfg, CONF_HOME_NET), b->home, BEACON_HOME_MAX);
    if (b->nhome < 0) {
        reportf(report, user, "home-net: more than %d CIDRs or a bad one", BEACON_HOME_MAX);
        ok = false;
    }
    b->hist = b->min_count + 1 > BEACON_HISTORY_MIN ? b->min_count + 1 : BEACON_HISTORY_MIN;
    b->pair_size = sizeof(struct beacon_pair) + (size_t)b->hist * sizeof(int64_t);
    return ok;
}

struct beacon *beacon_new(const ww_config *cfg, detectors_report_fn report, void *user)
{
    struct beacon *b = calloc(1, sizeof(*b));
    if (!b) {
        reportf(report, user, "beacon: out of memory");
        return NULL;
    }
    if (!beacon_configure(b, cfg, report, user))
        goto fail;
    b->seed = (uint32_t)(uintptr_t)b ^ (uint32_t)((uintptr_t)b >> 32);
    if (b->cap.limit == 0)
        return b; /* turned off */
    b->nbuckets = buckets_for(b->cap.limit, b->pair_size);
    size_t need = b->nbuckets * sizeof(*b->buckets);
    b->buckets = ww_mem_alloc(&b->cap, need);
    if (!b->buckets || !ww_mem_fits(&b->cap, b->pair_size)) {
        reportf(report, user,
                "beacon.memcap: %s holds no pair (at least %zu bytes); 0 turns "
                "beaconing off",
                conf_str(cfg, CONF_BEACON_MEMCAP), need + b->pair_size);
        goto fail;
    }
    return b;
fail:
    beacon_free(b);
    return NULL;
}

void beacon_free(struct beacon *b)
{
    if (!b)
        return;
    for (struct beacon_pair *p = b->lru_head, *next; p; p = next) {
        next = p->lru_next;
        ww_mem_free(&b->cap, p, b->pair_size);
    }
    ww_mem_free(&b->cap, b->buckets, b->nbuckets * sizeof(*b->buckets));
    free(b);
}

static void lru_unlink(struct beacon *b, struct beacon_pair *p)
{
    if (p->lru_prev)
        p->lru_prev->lru_next = p->lru_next;
    else
        b->lru_head = p->lru_next;
    if (p->lru_next)
        p->lru_next->lru_prev = p->lru_prev;
    else
        b->lru_tail = p->lru_prev;
    p->lru_prev = p->lru_next = NULL;
}

static void lru_push_front(struct beacon *b, struct beacon_pair *p)
{
    p->lru_next = b->lru_head;
    p->lru_prev = NULL;
    if (b->lru_head)
        b->lru_head->lru_prev = p;
    b->lru_head = p;
    if (!b->lru_tail)
        b->lru_tail = p;
}

static void pair_remove(struct beacon *b, struct beacon_pair *p)
{
    struct beacon_pair **pp = &b->buckets[p->hash & (b->nbuckets - 1)];
    while (*pp && *pp != p)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = p->hnext;
    lru_unlink(b, p);
    ww_mem_free(&b->cap, p, b->pair_size);
    b->st.pairs--;
}

static struct beacon_pair *pair_find(struct beacon *b, const struct beacon_key *k, uint32_t h)
{
    for (struct beacon_pair *p = b->buckets[h & (b->nbuckets - 1)]; p; p = p->hnext)
        if (p->hash == h && memcmp(&p->key, k, sizeof(*k)) == 0)
            return p;
    return NULL;
}

/* A new pair, evicting the least recently contacted ones while over the memcap. */
static struct beacon_pair *pair_add(struct beacon *b, const struct beacon_key *k, uint32_t h)
{
    struct beacon_pair *p;
    while (!(p = ww_mem_alloc(&b->cap, b->pair_size))) {
        if (!b->lru_tail) {
            b->st.refused++;
            return NULL;
        }
        pair_remove(b, b->lru_tail);
        b->st.evicted++;
    }
    p->key = *k;
    p->hash = h;
    struct beacon_pair **bucket = &b->buckets[h & (b->nbuckets - 1)];
    p->hnext = *bucket;
    *bucket = p;
    lru_push_front(b, p);
    b->st.pairs++;
    return p;
}

static int64_t pair_start(const struct beacon *b, const struct beacon_pair *p, uint32_t i)
{
    return p->starts[(p->head + i) % b->hist]; /* i = 0: the oldest held */
}

/* Returns false when t is not a new contact (too close to, or before, the last). */
static bool pair_record(struct beacon *b, struct beacon_pair *p, int64_t t)
{
    if (p->n && t < pair_start(b, p, p->n - 1) + BEACON_SAME_CONTACT_US)
        return false;
    if (p->n < b->hist) {
        p->starts[(p->head + p->n) % b->hist] = t;
        p->n++;
    } else {
        p->starts[p->head] = t;
        p->head = (p->head + 1) % b->hist;
    }
    b->st.contacts++;
    return true;
}

static double root(double x)
{
    if (x <= 0)
        return 0;
    double r = x > 1 ? x : 1; /* >= sqrt(x): Newton then decreases monotonically */
    for (int i = 0; i < 128; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

struct beacon_run {
    double period_s;
    double jitter;  /* coefficient of variation */
    uint32_t count; /* intervals */
};

/* The longest run of the newest intervals (at least min-count) that is regular. */
static bool pair_regular(const struct beacon *b, const struct beacon_pair *p,
                         struct beacon_run *run)
{
    double sum = 0, sq = 0, lim = b->max_jitter / 1000.0;
    bool found = false;
    for (uint32_t k = 1; k < p->n; k++) {
        double d = (double)(pair_start(b, p, p->n - k) - pair_start(b, p, p->n - k - 1)) / 1e6;
        sum += d;
        sq += d * d;
        if (k < b->min_count)
            continue;
        double mean = sum / k, var = sq / k - mean * mean;
        if (var < 0)
            var = 0;
        if (mean * 1e6 < (double)b->min_period_us || mean * 1e6 > (double)b->max_period_us ||
            var >= lim * lim * mean * mean)
            break;
        found = true;
        run->period_s = mean;
        run->jitter = root(var) / mean;
        run->count = k;
    }
    return found;
}

static struct json_object *json_fixed(double v, int decimals)
{
    char text[32];
    snprintf(text, sizeof(text), "%.*f", decimals, v);
    return json_object_new_double_s(v, text);
}

static struct json_object *beacon_details(const struct beacon_key *k, const struct beacon_run *run)
{
    char addr[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN + 24];
    inet_ntop(k->family == 6 ? AF_INET6 : AF_INET, k->dst, addr, sizeof(addr));
    const char *proto = k->proto == 6 ? "tcp" : k->proto == 17 ? "udp" : NULL;
    char pnum[8];
    if (!proto) {
        snprintf(pnum, sizeof(pnum), "%u", k->proto);
        proto = pnum;
    }
    snprintf(dst, sizeof(dst), k->family == 6 ? "[%s]:%u/%s" : "%s:%u/%s", addr, k->dport, proto);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "period_s", json_fixed(run->period_s, 3));
    json_object_object_add(o, "jitter", json_fixed(run->jitter, 4));
    json_object_object_add(o, "count", json_object_new_int64(run->count));
    json_object_object_add(o, "dst", json_object_new_string(dst));
    return o;
}

void beacon_on_flow_start(struct beacon *b, const struct flow *f, const struct timeval *now,
                          struct detector_verdict *out)
{
    if (!b || !b->buckets || f->cli.family != f->srv.family || !in_home(b, &f->cli) ||
        in_home(b, &f->srv))
        return;
    struct beacon_key k;
    memset(&k, 0, sizeof(k));
    k.family = f->cli.family;
    k.proto = f->proto;
    k.dport = f->srv_port;
    memcpy(k.src, f->cli.a, sizeof(k.src));
    memcpy(k.dst, f->srv.a, sizeof(k.dst));
    uint32_t h = key_hash(b, &k);
    struct beacon_pair *p = pair_find(b, &k, h);
    if (!p && !(p = pair_add(b, &k, h)))
        return;
    lru_unlink(b, p);
    lru_push_front(b, p);
    int64_t t = (int64_t)now->tv_sec * 1000000 + now->tv_usec;
    struct beacon_run run;
    if (!pair_record(b, p, t) || !pair_regular(b, p, &run))
        return;
    if (p->reported && t - p->reported_us < BEACON_REPORT_EVERY_US) {
        b->st.suppressed++;
        return;
    }
    p->reported = true;
    p->reported_us = t;
    b->st.reported++;
    detector_verdict_add(out, "c2.beacon", beacon_details(&k, &run));
}

void beacon_get_stats(const struct beacon *b, struct beacon_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (!b)
        return;
    *st = b->st;
    st->memuse = b->cap.used;
}

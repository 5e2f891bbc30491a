/* detect-threshold.c — alert thresholds: the rule keywords threshold and
 * detection_filter, and threshold.config (suppress, threshold, event_filter,
 * rate_filter), as Suricata applies them (detect-engine-threshold.c).
 *
 * Per match, in this order:
 *  1. suppress lines for the rule's gid/sid, its gid with sig_id 0, or
 *     gen_id 0/sig_id 0: without track every match is silent; with track
 *     by_src / by_dst / by_either, matches whose address is in ip are.
 *  2. one counting step: a file threshold/event_filter for the exact sid
 *     replaces the rule's own keyword; a file entry for sig_id 0 applies
 *     only to rules without their own keyword (Suricata's precedence).
 *       threshold  alerts on the Nth, 2Nth... match of a window of T seconds
 *       limit      alerts on the first N matches of a window
 *       both       alerts once a window, on the Nth match
 *       detection_filter  alerts on every match after the Nth of a window
 *     A window starts at the first match and ends T seconds later (a match
 *     at exactly start + T opens the next one); seconds 0 means no window.
 *  3. rate_filter (exact sid, else sig_id 0 for rules without a keyword):
 *     once more than count matches fall in seconds, new_action holds for
 *     timeout seconds. An IDS cannot drop, so alert, drop and reject keep
 *     alerting (drop rules alert in IDS mode), while pass, sdrop and log
 *     silence the match (none of them logs an alert). A file rate_filter
 *     for the exact sid also replaces the rule's keyword.
 * Every silent verdict is counted in threshold_suppressed().
 *
 * State lives in a chained hash keyed by (gid, sid, step, track key), seeded
 * against flooding, with every entry on one list in last-use order. Entries
 * whose windows have ended count as new and are freed lazily; when the
 * memcap is full the least recently used entry is evicted and counted.
 *
 * --workers N: a flow and its address pair belong to one worker, so counts
 * tracked by_flow or by_both stay in the worker's own table; by_src, by_dst
 * and by_rule span address pairs and go to a table the workers share
 * (threshold_table_new_shared): one anonymous shared mapping made before the
 * fork, with its entries, so pointers into it hold in every worker, and a
 * robust process-shared lock. Offline each use of it first waits for the
 * other workers' earlier frames (share-order.h), so counts change in capture
 * order, as in one process. */
#include "detect-threshold.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../util/hash.h"
#include "../util/mem.h"
#include "../util/shared-mem.h"

#define US_PER_SEC 1000000LL
#define THR_MAX_LINE 65536
#define THR_MSG 512

/* ---- configuration ----------------------------------------------------------- */

enum cfg_kind { CFG_SUPPRESS, CFG_THRESHOLD, CFG_RATE };
enum supp_track { SUPP_ALL, SUPP_SRC, SUPP_DST, SUPP_EITHER };
enum new_action { NA_ALERT, NA_DROP, NA_REJECT, NA_PASS, NA_SDROP, NA_LOG };

struct net {
    uint8_t family; /* 4 or 6 */
    uint8_t bits;
    uint8_t a[16];
};

struct thr_cfg {
    uint8_t kind;       /* enum cfg_kind */
    uint8_t type;       /* enum threshold_type (CFG_THRESHOLD) */
    uint8_t track;      /* enum threshold_track, or enum supp_track */
    uint8_t new_action; /* enum new_action (CFG_RATE) */
    uint32_t gid, sid, count, seconds, timeout;
    struct net *nets;
    uint32_t nnets;
    uint32_t line;
};

/* ---- state ------------------------------------------------------------------- */

enum step { STEP_COUNT, STEP_RATE };

struct thr_key {
    uint32_t gid, sid;
    uint8_t step, track, fa, fb;
    uint8_t a[16], b[16];
    uint32_t pad;
    uint64_t flow_id;
};

struct thr_state {
    struct thr_key key;
    struct thr_state *hnext;
    struct thr_state *prev, *next; /* last-use list */
    uint32_t hash;
    uint32_t count;
    int64_t start;      /* window start, microseconds */
    int64_t rate_since; /* rate_filter new_action active since, or -1 */
    int64_t expires;    /* from here on the entry counts as new */
};

/* Counting state. A shared table's entries come from its own mapping (pool,
 * then freed entries) and every use holds its lock. */
struct thr_table {
    struct memcap mem;
    struct thr_state **buckets;
    uint32_t nbuckets; /* power of two */
    struct thr_state *oldest, *newest;
    uint64_t seed;
    bool shared;
    pthread_mutex_t lock;
    struct thr_state *free_list; /* shared: entries freed, linked by hnext */
    struct thr_state *pool;      /* shared: entries never used */
    size_t pool_left;
    size_t mapped;               /* shared: bytes of the mapping */
};

struct threshold_ctx {
    struct thr_cfg *cfg; /* sorted by gid, sid after each load */
    size_t ncfg, cfg_cap;
    struct thr_table *local;  /* this process's counts */
    struct thr_table *shared; /* the workers' (not owned), or NULL: all local */
    uint64_t suppressed, evicted;
};

/* ---- the state table --------------------------------------------------------- */

static uint32_t key_hash(const struct thr_table *tab, const struct thr_key *k)
{
    uint64_t h = tab->seed, w;
    const uint8_t *p = (const uint8_t *)k;
    for (size_t i = 0; i + 8 <= sizeof(*k); i += 8) {
        memcpy(&w, p + i, 8);
        h = mix64(h ^ w);
    }
    return (uint32_t)h;
}

static void list_unlink(struct thr_table *tab, struct thr_state *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        tab->oldest = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else
        tab->newest = s->prev;
    s->prev = s->next = NULL;
}

static void list_append(struct thr_table *tab, struct thr_state *s)
{
    s->prev = tab->newest;
    s->next = NULL;
    if (tab->newest)
        tab->newest->next = s;
    else
        tab->oldest = s;
    tab->newest = s;
}

static struct thr_state *entry_alloc(struct thr_table *tab)
{
    if (!tab->shared)
        return ww_mem_alloc(&tab->mem, sizeof(struct thr_state));
    if (!ww_mem_fits(&tab->mem, sizeof(struct thr_state)))
        return NULL;
    struct thr_state *s = tab->free_list;
    if (s)
        tab->free_list = s->hnext;
    else if (tab->pool_left) {
        s = tab->pool++;
        tab->pool_left--;
    } else {
        return NULL;
    }
    tab->mem.used += sizeof(*s);
    return s;
}

static void entry_free(struct thr_table *tab, struct thr_state *s)
{
    if (!tab->shared) {
        ww_mem_free(&tab->mem, s, sizeof(*s));
        return;
    }
    s->hnext = tab->free_list;
    tab->free_list = s;
    tab->mem.used -= sizeof(*s);
}

static void state_free(struct thr_table *tab, struct thr_state *s)
{
    struct thr_state **pp = &tab->buckets[s->hash & (tab->nbuckets - 1)];
    while (*pp != s)
        pp = &(*pp)->hnext;
    *pp = s->hnext;
    list_unlink(tab, s);
    entry_free(tab, s);
}

/* A few ended entries go per check, so memory follows traffic down again. */
static void expire_some(struct thr_table *tab, int64_t now)
{
    for (int i = 0; i < 2 && tab->oldest && tab->oldest->expires <= now; i++)
        state_free(tab, tab->oldest);
}

static void state_reset(struct thr_state *s, int64_t now)
{
    s->count = 0;
    s->start = now;
    s->rate_since = -1;
    s->expires = INT64_MAX;
}

/* At the memcap the least recently used entry makes room; dropping one
 * that had not ended yet loses state, so that is counted in *evicted. */
static struct thr_state *state_alloc(struct thr_table *tab, int64_t now, uint64_t *evicted)
{
    for (;;) {
        struct thr_state *s = entry_alloc(tab);
        if (s || !tab->oldest)
            return s;
        if (tab->oldest->expires > now)
            (*evicted)++;
        state_free(tab, tab->oldest);
    }
}

/* Returns the entry for k, new (or past its end) ones reset, with *fresh
 * set; NULL when not even one entry fits the memcap. */
static struct thr_state *state_get(struct thr_table *tab, const struct thr_key *k, int64_t now,
                                   uint64_t *evicted, bool *fresh)
{
    uint32_t h = key_hash(tab, k);
    struct thr_state *s = tab->buckets[h & (tab->nbuckets - 1)];
    while (s && (s->hash != h || memcmp(&s->key, k, sizeof(*k)) != 0))
        s = s->hnext;
    *fresh = !s || s->expires <= now;
    if (s) {
        list_unlink(tab, s);
        list_append(tab, s);
    } else {
        s = state_alloc(tab, now, evicted);
        if (!s)
            return NULL;
        s->key = *k;
        s->hash = h;
        struct thr_state **b = &tab->buckets[h & (tab->nbuckets - 1)];
        s->hnext = *b;
        *b = s;
        list_append(tab, s);
    }
    if (*fresh)
        state_reset(s, now);
    return s;
}

/* The table a track's counts live in. */
static struct thr_table *table_for(struct threshold_ctx *t, uint8_t track)
{
    return t->shared && track != TRACK_BY_FLOW && track != TRACK_BY_BOTH ? t->shared : t->local;
}

/* Takes a shared tab for a check at o's frame: waits for the other workers'
 * earlier frames, locks, frees a few ended entries (as every check does in
 * the local table). Nothing for the local table. */
static void table_enter(struct thr_table *tab, const struct share_order *o, int64_t now)
{
    if (!tab->shared)
        return;
    shared_lock_in_order(&tab->lock, o);
    expire_some(tab, now);
}

static void table_leave(struct thr_table *tab)
{
    if (tab->shared)
        shared_unlock(&tab->lock);
}

static void addr_put(uint8_t *fam, uint8_t *dst, const struct ww_addr *a)
{
    if (!a)
        return;
    *fam = a->family;
    memcpy(dst, a->a, 16);
}

/* by_both keys the unordered pair, so both directions share one entry. */
static void key_make(struct thr_key *k, const struct rule *r, uint8_t step, uint8_t track,
                     const struct ww_addr *src, const struct ww_addr *dst, uint64_t flow_id)
{
    memset(k, 0, sizeof(*k));
    k->gid = r->gid;
    k->sid = r->sid;
    k->step = step;
    k->track = track;
    switch (track) {
    case TRACK_BY_SRC:
        addr_put(&k->fa, k->a, src);
        break;
    case TRACK_BY_DST:
        addr_put(&k->fa, k->a, dst);
        break;
    case TRACK_BY_BOTH:
        addr_put(&k->fa, k->a, src);
        addr_put(&k->fb, k->b, dst);
        if (k->fa > k->fb || (k->fa == k->fb && memcmp(k->a, k->b, 16) > 0)) {
            struct thr_key tmp = *k;
            k->fa = tmp.fb;
            k->fb = tmp.fa;
            memcpy(k->a, tmp.b, 16);
            memcpy(k->b, tmp.a, 16);
        }
        break;
    case TRACK_BY_FLOW:
        k->flow_id = flow_id;
        break;
    default:
        break;
    }
}

/* ---- the counting steps ------------------------------------------------------ */

static int64_t window_us(uint32_t seconds)
{
    return seconds ? (int64_t)seconds * US_PER_SEC : INT64_MAX;
}

static bool in_window(const struct thr_state *s, uint32_t seconds, int64_t now)
{
    return !seconds || now - s->start < window_us(seconds);
}

static void set_expiry(struct thr_state *s, uint32_t seconds)
{
    s->expires = seconds ? s->start + window_us(seconds) : INT64_MAX;
}

/* Returns true when the match alerts. */
static bool count_step(struct thr_state *s, uint8_t type, uint32_t count, uint32_t seconds,
                       int64_t now)
{
    if (!in_window(s, seconds, now)) {
        s->start = now;
        s->count = 0;
    }
    set_expiry(s, seconds);
    if (s->count < UINT32_MAX)
        s->count++;
    switch (type) {
    case THR_THRESHOLD:
        if (s->count < count)
            return false;
        s->count = 0;
        return true;
    case THR_LIMIT:
        return s->count <= count;
    case THR_BOTH:
        return s->count == count;
    case THR_DETECTION_FILTER:
        return s->count > count;
    default:
        return true;
    }
}

/* Suricata's IsThresholdReached: returns true while new_action applies. */
static bool rate_step(struct thr_state *s, const struct thr_cfg *c, bool fresh, int64_t now)
{
    bool on = false;
    if (fresh) {
        s->count = 1;
    } else if (s->rate_since >= 0) {
        if (now - s->rate_since > (int64_t)c->timeout * US_PER_SEC)
            s->rate_since = -1;
        else
            on = true;
    } else if (in_window(s, c->seconds, now)) {
        if (s->count < UINT32_MAX)
            s->count++;
        if (s->count > c->count) {
            s->rate_since = now;
            on = true;
        }
    } else {
        s->start = now;
        s->count = 1;
    }
    set_expiry(s, c->seconds);
    if (s->rate_since >= 0) {
        int64_t off = s->rate_since + (int64_t)c->timeout * US_PER_SEC + 1;
        if (off > s->expires)
            s->expires = off;
    }
    return on;
}

static bool action_alerts(uint8_t a)
{
    return a == NA_ALERT || a == NA_DROP || a == NA_REJECT;
}

/* ---- configuration lookups --------------------------------------------------- */

static int cfg_cmp(const void *a, const void *b)
{
    const struct thr_cfg *x = a, *y = b;
    if (x->gid != y->gid)
        return x->gid < y->gid ? -1 : 1;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Returns the first entry for gid/sid, *n set to how many there are. */
static const struct thr_cfg *cfg_find(const struct threshold_ctx *t, uint32_t gid, uint32_t sid,
                                      size_t *n)
{
    size_t lo = 0, hi = t->ncfg;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct thr_cfg *c = &t->cfg[mid];
        if (c->gid < gid || (c->gid == gid && c->sid < sid))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->ncfg && t->cfg[end].gid == gid && t->cfg[end].sid == sid)
        end++;
    *n = end - lo;
    return *n ? &t->cfg[lo] : NULL;
}

static const struct thr_cfg *cfg_kind(const struct threshold_ctx *t, uint32_t gid, uint32_t sid,
                                      uint8_t kind)
{
    size_t n;
    const struct thr_cfg *c = cfg_find(t, gid, sid, &n);
    for (size_t i = 0; i < n; i++)
        if (c[i].kind == kind)
            return &c[i];
    return NULL;
}

/* sig_id 0 entries: the rule's gid first, then gen_id 0. */
static const struct thr_cfg *cfg_wild(const struct threshold_ctx *t, uint32_t gid, uint8_t kind)
{
    const struct thr_cfg *c = gid ? cfg_kind(t, gid, 0, kind) : NULL;
    return c ? c : cfg_kind(t, 0, 0, kind);
}

static bool net_match(const struct net *n, const struct ww_addr *a)
{
    if (!a || a->family != n->family)
        return false;
    unsigned full = n->bits / 8, rest = n->bits % 8;
    if (memcmp(n->a, a->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (n->a[full] & mask) == (a->a[full] & mask);
}

static bool nets_match(const struct thr_cfg *c, const struct ww_addr *a)
{
    for (uint32_t i = 0; i < c->nnets; i++)
        if (net_match(&c->nets[i], a))
            return true;
    return false;
}

static bool supp_hit(const struct thr_cfg *c, const struct ww_addr *src, const struct ww_addr *dst)
{
    switch (c->track) {
    case SUPP_SRC:
        return nets_match(c, src);
    case SUPP_DST:
        return nets_match(c, dst);
    case SUPP_EITHER:
        return nets_match(c, src) || nets_match(c, dst);
    default:
        return true;
    }
}

static bool suppressed(const struct threshold_ctx *t, const struct rule *r,
                       const struct ww_addr *src, const struct ww_addr *dst)
{
    const uint32_t keys[3][2] = {{r->gid, r->sid}, {r->gid, 0}, {0, 0}};
    for (int k = 0; k < 3; k++) {
        if (k > 0 && keys[k][0] == keys[k - 1][0] && keys[k][1] == keys[k - 1][1])
            continue;
        size_t n;
        const struct thr_cfg *c = cfg_find(t, keys[k][0], keys[k][1], &n);
        for (size_t i = 0; i < n; i++)
            if (c[i].kind == CFG_SUPPRESS && supp_hit(&c[i], src, dst))
                return true;
    }
    return false;
}

/* ---- the check --------------------------------------------------------------- */

static enum threshold_verdict silent(struct threshold_ctx *t)
{
    t->suppressed++;
    return THRESHOLD_SILENT;
}

enum threshold_verdict threshold_check(struct threshold_ctx *t, const struct rule *r,
                                       const struct ww_addr *src, const struct ww_addr *dst,
                                       uint64_t flow_id, const struct timeval *now,
                                       const struct share_order *o)
{
    if (!t || !r)
        return THRESHOLD_ALERT;
    int64_t us = now ? (int64_t)now->tv_sec * US_PER_SEC + now->tv_usec : 0;
    expire_some(t->local, us);
    if (suppressed(t, r, src, dst))
        return silent(t);

    const struct thr_cfg *thr = cfg_kind(t, r->gid, r->sid, CFG_THRESHOLD);
    const struct thr_cfg *rate = cfg_kind(t, r->gid, r->sid, CFG_RATE);
    bool own = r->threshold.type != THR_NONE && !thr && !rate;
    bool keyword = r->threshold.type != THR_NONE;
    if (!thr && !keyword)
        thr = cfg_wild(t, r->gid, CFG_THRESHOLD);
    if (!rate && !keyword)
        rate = cfg_wild(t, r->gid, CFG_RATE);

    struct thr_key k;
    bool fresh;
    if (own || thr) {
        uint8_t track = own ? r->threshold.track : thr->track;
        struct thr_table *tab = table_for(t, track);
        key_make(&k, r, STEP_COUNT, track, src, dst, flow_id);
        table_enter(tab, o, us);
        struct thr_state *s = state_get(tab, &k, us, &t->evicted, &fresh);
        bool alert = !s || (own ? count_step(s, r->threshold.type, r->threshold.count,
                                             r->threshold.seconds, us)
                                : count_step(s, thr->type, thr->count, thr->seconds, us));
        table_leave(tab);
        if (!alert)
            return silent(t);
    }
    if (rate) {
        struct thr_table *tab = table_for(t, rate->track);
        key_make(&k, r, STEP_RATE, rate->track, src, dst, flow_id);
        table_enter(tab, o, us);
        struct thr_state *s = state_get(tab, &k, us, &t->evicted, &fresh);
        bool on = s && rate_step(s, rate, fresh, us);
        table_leave(tab);
        if (on && !action_alerts(rate->new_action))
            return silent(t);
    }
    return THRESHOLD_ALERT;
}

uint64_t threshold_suppressed(const struct threshold_ctx *t)
{
    return t ? t->suppressed : 0;
}

uint64_t threshold_evicted(const struct threshold_ctx *t)
{
    return t ? t->evicted : 0;
}

uint64_t threshold_memuse(const struct threshold_ctx *t)
{
    return t ? t->local->mem.used : 0;
}

/* ---- threshold.config parsing ------------------------------------------------ */

enum opt {
    OPT_GEN_ID,
    OPT_SIG_ID,
    OPT_TYPE,
    OPT_TRACK,
    OPT_COUNT,
    OPT_SECONDS,
    OPT_IP,
    OPT_NEW_ACTION,
    OPT_TIMEOUT,
    OPT_COUNT_
};

static const char *const opt_names[OPT_COUNT_] = {
    "gen_id", "sig_id", "type", "track", "count", "seconds", "ip", "new_action", "timeout",
};

#define O(x) (1u << (x))
#define OPTS_SUPPRESS (O(OPT_GEN_ID) | O(OPT_SIG_ID) | O(OPT_TRACK) | O(OPT_IP))
#define OPTS_THRESHOLD                                                                             \
    (O(OPT_GEN_ID) | O(OPT_SIG_ID) | O(OPT_TYPE) | O(OPT_TRACK) | O(OPT_COUNT) | O(OPT_SECONDS))
#define OPTS_RATE                                                                                  \
    (O(OPT_GEN_ID) | O(OPT_SIG_ID) | O(OPT_TRACK) | O(OPT_COUNT) | O(OPT_SECONDS) |                \
     O(OPT_NEW_ACTION) | O(OPT_TIMEOUT))

struct parse {
    const char *directive;
    unsigned allowed, required;
    char *val[OPT_COUNT_];
    char *msg;
    size_t msglen;
};

static int perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(struct parse *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, p->msglen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *strip(char *s)
{
    while (blank(*s))
        s++;
    size_t n = strlen(s);
    while (n && blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int lookup_word(const char *w, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(w, names[i]) == 0)
            return i;
    return -1;
}

/* "name value": records value under name, checking it is allowed once. */
static int parse_option(struct parse *p, char *opt)
{
    opt = strip(opt);
    if (!*opt)
        return perr(p, "empty option");
    char *v = opt;
    while (*v && !blank(*v))
        v++;
    if (*v)
        *v++ = '\0';
    v = strip(v);
    int o = lookup_word(opt, opt_names, OPT_COUNT_);
    if (o < 0 || !(p->allowed & O(o)))
        return perr(p, "unknown option '%s' for %s", opt, p->directive);
    if (p->val[o])
        return perr(p, "duplicate option '%s'", opt);
    if (!*v)
        return perr(p, "option '%s' needs a value", opt);
    p->val[o] = v;
    return 0;
}

/* Splits on commas outside [brackets] (ip lists). */
static int parse_options(struct parse *p, char *rest)
{
    int depth = 0;
    char *start = strip(rest);
    for (char *c = start; *start; c++) {
        if (*c == '[')
            depth++;
        else if (*c == ']')
            depth--;
        if ((*c == ',' && depth == 0) || *c == '\0') {
            bool end = *c == '\0';
            *c = '\0';
            if (parse_option(p, start) < 0)
                return -1;
            if (end)
                break;
            start = c + 1;
        }
    }
    for (int o = 0; o < OPT_COUNT_; o++)
        if ((p->required & O(o)) && !p->val[o])
            return perr(p, "%s needs %s", p->directive, opt_names[o]);
    return 0;
}

static int parse_u32(struct parse *p, enum opt o, uint32_t *out)
{
    const char *v = p->val[o];
    char *end;
    if (*v < '0' || *v > '9')
        return perr(p, "bad %s '%s'", opt_names[o], v);
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n > UINT32_MAX)
        return perr(p, "bad %s '%s'", opt_names[o], v);
    *out = (uint32_t)n;
    return 0;
}

static int parse_net(struct parse *p, char *text, struct net *n)
{
    text = strip(text);
    if (text[0] == '$')
        return perr(p, "ip '%s': address variables are not supported in threshold.config", text);
    char *slash = strchr(text, '/');
    if (slash)
        *slash = '\0';
    memset(n, 0, sizeof(*n));
    if (inet_pton(AF_INET, text, n->a) == 1)
        n->family = 4;
    else if (inet_pton(AF_INET6, text, n->a) == 1)
        n->family = 6;
    unsigned max = n->family == 4 ? 32 : 128;
    n->bits = (uint8_t)max;
    if (n->family && slash) {
        char *end;
        errno = 0;
        unsigned long bits = strtoul(slash + 1, &end, 10);
        if (slash[1] < '0' || slash[1] > '9' || errno || *end || bits > max)
            n->family = 0;
        n->bits = (uint8_t)bits;
    }
    if (slash)
        *slash = '/';
    if (!n->family)
        return perr(p, "bad ip '%s'", text);
    return 0;
}

/* One address, one CIDR, or a [list] of them. */
static int parse_nets(struct parse *p, struct thr_cfg *c)
{
    char *v = p->val[OPT_IP];
    size_t len = strlen(v);
    bool list = v[0] == '[';
    if (list) {
        if (v[len - 1] != ']')
            return perr(p, "bad ip '%s'", v);
        v[len - 1] = '\0';
        v++;
    }
    uint32_t n = 1;
    for (const char *s = v; *s; s++)
        n += *s == ',';
    c->nets = calloc(n, sizeof(*c->nets));
    if (!c->nets)
        return perr(p, "out of memory");
    for (char *item = v;;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        if (parse_net(p, item, &c->nets[c->nnets]) < 0)
            return -1;
        c->nnets++;
        if (!comma)
            break;
        item = comma + 1;
    }
    return 0;
}

static int parse_track(struct parse *p, const char *const *names, int n, uint8_t *out)
{
    int i = lookup_word(p->val[OPT_TRACK], names, n);
    if (i < 0)
        return perr(p, "bad track '%s' for %s", p->val[OPT_TRACK], p->directive);
    *out = (uint8_t)i;
    return 0;
}

/* Indexed by enum threshold_track. */
static const char *const track_names[] = {"by_src", "by_dst", "by_rule", "by_both", "by_flow"};
/* Indexed by enum supp_track; "" is never written (no track). */
static const char *const supp_names[] = {"", "by_src", "by_dst", "by_either"};
/* Indexed by enum threshold_type. */
static const char *const type_names[] = {"", "threshold", "limit", "both"};
/* Indexed by enum new_action. */
static const char *const action_names[] = {"alert", "drop", "reject", "pass", "sdrop", "log"};

static int parse_suppress(struct parse *p, struct thr_cfg *c)
{
    if (!p->val[OPT_TRACK] != !p->val[OPT_IP])
        return perr(p, p->val[OPT_TRACK] ? "suppress with track needs ip"
                                         : "suppress with ip needs track");
    if (!p->val[OPT_TRACK])
        return 0;
    if (parse_track(p, supp_names + 1, 3, &c->track) < 0)
        return -1;
    c->track++;
    return parse_nets(p, c);
}

static int parse_threshold(struct parse *p, struct thr_cfg *c)
{
    int ty = lookup_word(p->val[OPT_TYPE], type_names + 1, 3);
    if (ty < 0)
        return perr(p, "bad type '%s' (expected threshold, limit or both)", p->val[OPT_TYPE]);
    c->type = (uint8_t)(ty + 1);
    if (parse_track(p, track_names, 5, &c->track) < 0)
        return -1;
    return parse_u32(p, OPT_COUNT, &c->count) < 0 ? -1 : parse_u32(p, OPT_SECONDS, &c->seconds);
}

static int parse_rate(struct parse *p, struct thr_cfg *c)
{
    if (parse_track(p, track_names, 4, &c->track) < 0)
        return -1;
    int a = lookup_word(p->val[OPT_NEW_ACTION], action_names, 6);
    if (a < 0)
        return perr(p, "bad new_action '%s' (expected alert, drop, pass, log, sdrop or reject)",
                    p->val[OPT_NEW_ACTION]);
    c->new_action = (uint8_t)a;
    if (parse_u32(p, OPT_COUNT, &c->count) < 0 || parse_u32(p, OPT_SECONDS, &c->seconds) < 0)
        return -1;
    return parse_u32(p, OPT_TIMEOUT, &c->timeout);
}

/* The directive word selects the kind and its options. */
static int parse_directive(struct parse *p, const char *word, struct thr_cfg *c)
{
    p->directive = word;
    if (strcmp(word, "suppress") == 0) {
        c->kind = CFG_SUPPRESS;
        p->allowed = OPTS_SUPPRESS;
        p->required = O(OPT_GEN_ID) | O(OPT_SIG_ID);
    } else if (strcmp(word, "threshold") == 0 || strcmp(word, "event_filter") == 0) {
        c->kind = CFG_THRESHOLD;
        p->allowed = p->required = OPTS_THRESHOLD;
    } else if (strcmp(word, "rate_filter") == 0) {
        c->kind = CFG_RATE;
        p->allowed = p->required = OPTS_RATE;
    } else {
        return perr(p,
                    "unknown directive '%s' (expected suppress, threshold, event_filter or "
                    "rate_filter)",
                    word);
    }
    return 0;
}

static const struct thr_cfg *cfg_same(const struct threshold_ctx *t, const struct thr_cfg *c)
{
    if (c->kind == CFG_SUPPRESS)
        return NULL;
    for (size_t i = 0; i < t->ncfg; i++) {
        const struct thr_cfg *o = &t->cfg[i];
        if (o->kind == c->kind && o->gid == c->gid && o->sid == c->sid)
            return o;
    }
    return NULL;
}

static int cfg_push(struct threshold_ctx *t, struct parse *p, struct thr_cfg *c)
{
    const struct thr_cfg *dup = cfg_same(t, c);
    if (dup)
        return perr(p, "duplicate %s for gen_id %u, sig_id %u (first on line %u)",
                    c->kind == CFG_RATE ? "rate_filter" : "threshold", c->gid, c->sid, dup->line);
    if (t->ncfg == t->cfg_cap) {
        size_t ncap = t->cfg_cap ? t->cfg_cap * 2 : 16;
        struct thr_cfg *n = realloc(t->cfg, ncap * sizeof(*n));
        if (!n)
            return perr(p, "out of memory");
        t->cfg = n;
        t->cfg_cap = ncap;
    }
    t->cfg[t->ncfg++] = *c;
    return 0;
}

static int parse_line(struct threshold_ctx *t, char *text, uint32_t line, char *msg, size_t msglen)
{
    struct parse p = {.msg = msg, .msglen = msglen};
    struct thr_cfg c = {.line = line};
    char *word = strip(text);
    char *rest = word;
    while (*rest && !blank(*rest))
        rest++;
    if (*rest)
        *rest++ = '\0';
    int rc = parse_directive(&p, word, &c);
    if (rc == 0)
        rc = parse_options(&p, rest);
    if (rc == 0)
        rc = parse_u32(&p, OPT_GEN_ID, &c.gid) < 0 ? -1 : parse_u32(&p, OPT_SIG_ID, &c.sid);
    if (rc == 0 && c.sid && !c.gid)
        rc = perr(&p, "sig_id %u needs a gen_id other than 0", c.sid);
    if (rc == 0)
        rc = c.kind == CFG_SUPPRESS    ? parse_suppress(&p, &c)
             : c.kind == CFG_THRESHOLD ? parse_threshold(&p, &c)
                                       : parse_rate(&p, &c);
    if (rc == 0)
        rc = cfg_push(t, &p, &c);
    if (rc < 0)
        free(c.nets);
    return rc;
}

/* ---- the file ---------------------------------------------------------------- */

struct reader {
    FILE *f;
    char *buf; /* one physical line */
    size_t cap;
    char *text; /* the logical line, continuations joined */
    size_t len, text_cap;
    uint32_t line; /* physical lines read */
};

static bool text_append(struct reader *rd, const char *s, size_t n)
{
    if (rd->len + n + 1 > rd->text_cap) {
        size_t ncap = (rd->len + n + 1) * 2;
        char *nt = realloc(rd->text, ncap);
        if (!nt)
            return false;
        rd->text = nt;
        rd->text_cap = ncap;
    }
    memcpy(rd->text + rd->len, s, n);
    rd->len += n;
    rd->text[rd->len] = '\0';
    return true;
}

/* Reads one logical line (a trailing '\' joins the next); *first is its
 * first physical line. Returns 1, 0 at the end, -1 when too long. */
static int read_logical(struct reader *rd, uint32_t *first)
{
    rd->len = 0;
    ssize_t got;
    *first = rd->line + 1;
    bool any = false;
    while ((got = getline(&rd->buf, &rd->cap, rd->f)) >= 0) {
        rd->line++;
        any = true;
        size_t n = (size_t)got;
        while (n && (rd->buf[n - 1] == '\n' || rd->buf[n - 1] == '\r'))
            n--;
        bool more = n && rd->buf[n - 1] == '\\';
        if (more)
            n--;
        if (rd->len + n > THR_MAX_LINE || !text_append(rd, rd->buf, n))
            return -1;
        if (!more)
            break;
        if (!text_append(rd, " ", 1))
            return -1;
    }
    return any;
}

int threshold_load(struct threshold_ctx *t, const char *path,
                   void (*report)(void *user, const char *msg), void *user, char *err,
                   size_t errlen)
{
    struct reader rd = {.f = fopen(path, "r")};
    if (!rd.f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int bad = 0;
    uint32_t first;
    int got;
    char msg[THR_MSG], full[THR_MSG + 256];
    while ((got = read_logical(&rd, &first)) != 0) {
        char *text = got > 0 ? strip(rd.text) : NULL;
        if (text && (!*text || *text == '#'))
            continue;
        if (!text)
            snprintf(msg, sizeof(msg), "line too long");
        if (!text || parse_line(t, text, first, msg, sizeof(msg)) < 0) {
            bad++;
            snprintf(full, sizeof(full), "%s:%u: %s", path, first, msg);
            if (report)
                report(user, full);
            if (!text)
                break;
        }
    }
    free(rd.buf);
    free(rd.text);
    fclose(rd.f);
    qsort(t->cfg, t->ncfg, sizeof(*t->cfg), cfg_cmp);
    return bad;
}

/* ---- life cycle -------------------------------------------------------------- */

/* About one bucket per two entries that fit, between 2^4 and 2^20. */
static uint32_t buckets_for(uint64_t memcap)
{
    uint64_t fits = memcap / (sizeof(struct thr_state) + sizeof(struct thr_state *));
    uint32_t n = 16;
    while (n < fits / 2 && n < (1u << 20))
        n <<= 1;
    return n;
}

static struct thr_table *table_new(uint64_t memcap)
{
    struct thr_table *tab = calloc(1, sizeof(*tab));
    if (!tab)
        return NULL;
    tab->mem.limit = memcap;
    tab->nbuckets = buckets_for(memcap);
    tab->buckets = ww_mem_alloc(&tab->mem, tab->nbuckets * sizeof(*tab->buckets));
    if (!tab->buckets || getrandom(&tab->seed, sizeof(tab->seed), 0) != sizeof(tab->seed)) {
        ww_mem_free(&tab->mem, tab->buckets, tab->nbuckets * sizeof(*tab->buckets));
        free(tab);
        return NULL;
    }
    return tab;
}

static void table_free(struct thr_table *tab)
{
    if (!tab)
        return;
    while (tab->oldest)
        state_free(tab, tab->oldest);
    ww_mem_free(&tab->mem, tab->buckets, tab->nbuckets * sizeof(*tab->buckets));
    free(tab);
}

struct thr_table *threshold_table_new_shared(uint64_t memcap)
{
    uint32_t nbuckets = buckets_for(memcap);
    uint64_t room = memcap > nbuckets * sizeof(struct thr_state *)
                        ? memcap - nbuckets * sizeof(struct thr_state *)
                        : 0;
    size_t entries = (size_t)(room / sizeof(struct thr_state));
    /* the table, its buckets, then every entry the memcap allows */
    size_t bytes = sizeof(struct thr_table) + nbuckets * sizeof(struct thr_state *) +
                   entries * sizeof(struct thr_state);
    void *m = shared_map(bytes); /* pages are taken only as entries are used */
    if (!m)
        return NULL;
    struct thr_table *tab = m; /* zero-filled */
    tab->shared = true;
    tab->mapped = bytes;
    tab->mem.limit = memcap;
    tab->nbuckets = nbuckets;
    tab->buckets = (struct thr_state **)(tab + 1);
    tab->mem.used = nbuckets * sizeof(struct thr_state *);
    tab->pool = (struct thr_state *)(tab->buckets + nbuckets);
    tab->pool_left = entries;
    if (getrandom(&tab->seed, sizeof(tab->seed), 0) != sizeof(tab->seed) ||
        !shared_lock_init(&tab->lock)) {
        shared_unmap(m, bytes);
        return NULL;
    }
    return tab;
}

void threshold_table_free(struct thr_table *tab)
{
    if (!tab)
        return;
    if (!tab->shared) {
        table_free(tab);
        return;
    }
    shared_unmap(tab, tab->mapped); /* in this process */
}

struct threshold_ctx *threshold_new(uint64_t memcap, struct thr_table *shared)
{
    struct threshold_ctx *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->local = table_new(memcap);
    if (!t->local) {
        free(t);
        return NULL;
    }
    t->shared = shared;
    return t;
}

void threshold_free(struct threshold_ctx *t)
{
    if (!t)
        return;
    table_free(t->local);
    for (size_t i = 0; i < t->ncfg; i++)
        free(t->cfg[i].nets);
    free(t->cfg);
    free(t);
}

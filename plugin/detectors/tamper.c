/* tamper.c — transfer tampering: requests remembered from cleartext
 * channels, matched against wallet sends (see tamper.h).
 *
 * The DMM Bitcoin theft (May 2024): an operator's legitimate transfer
 * request was altered on its way, so the signed transfer paid the
 * attacker. What the sensor can see is the request as first written (in an
 * internal chat, mail or approval API) and the send as executed (the wallet
 * RPC): same amount, other address. */
#include "tamper.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../app/material.h"
#include "../output/eve.h"
#include "policy.h"
#include "../util/ascii.h"
#include "../util/shared-mem.h"

struct request {
    struct timeval at;
    uint64_t seq;      /* the frame it was read in (share_order) */
    policy_dec amount; /* in the family's main unit (BTC, ETH...) */
    const char *family; /* a static string: the same in every forked worker */
    char amount_text[MAT_AMOUNT_MAX];
    char unit[MAT_UNIT_MAX];
    char addr[TAMPER_ADDR_MAX];
    size_t addr_len;
    char id[TAMPER_ID_MAX]; /* "" when the message named none */
    char protocol[16];
    char from[64];
    char sender_ip[48];
    char community_id[32];
};

/* The table. Shared (tamper_new_shared), it lives in one anonymous shared
 * mapping with its requests, and every access holds the process-shared lock:
 * robust, so that a worker that dies holding it does not stop the others. */
struct tamper {
    struct request *ring;
    size_t cap, head, n;
    uint32_t window;
    bool shared;
    pthread_mutex_t lock; /* shared tables only */
    struct tamper_stats st;
};

/* A shared table's mapping: the table, then its requests (aligned for them). */
struct shared_tamper {
    struct tamper t;
    struct request ring[];
};

static size_t mapping_bytes(size_t cap)
{
    return sizeof(struct shared_tamper) + cap * sizeof(struct request);
}

struct tamper *tamper_new(size_t max, uint32_t window_secs)
{
    struct tamper *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cap = max ? max : 1;
    t->window = window_secs;
    t->ring = calloc(t->cap, sizeof(*t->ring));
    if (!t->ring) {
        free(t);
        return NULL;
    }
    return t;
}

struct tamper *tamper_new_shared(size_t max, uint32_t window_secs)
{
    size_t cap = max ? max : 1;
    void *m = shared_map(mapping_bytes(cap));
    if (!m)
        return NULL;
    struct shared_tamper *st = m; /* zero-filled */
    struct tamper *t = &st->t;
    t->cap = cap;
    t->window = window_secs;
    t->ring = st->ring;
    t->shared = true;
    if (!shared_lock_init(&t->lock)) {
        shared_unmap(m, mapping_bytes(cap));
        return NULL;
    }
    return t;
}

void tamper_free(struct tamper *t)
{
    if (!t)
        return;
    if (t->shared) {
        shared_unmap(t, mapping_bytes(t->cap)); /* in this process; the others keep theirs */
        return;
    }
    free(t->ring);
    free(t);
}

/* Waits for the other workers' frames before o's (share-order.h), then, for
 * a shared table, takes its lock: never the other way round. */
static void lock(struct tamper *t, const struct share_order *o)
{
    share_order_wait(o);
    if (t->shared)
        shared_lock(&t->lock);
}

static void unlock(struct tamper *t)
{
    if (t->shared)
        shared_unlock(&t->lock);
}

/* ---- units --------------------------------------------------------------------- */

struct unit_family {
    const char *unit, *family;
    unsigned shift; /* the unit is 10^-shift of the family's main unit */
};

static const struct unit_family unit_families[] = {
    {"BTC", "BTC", 0},  {"tBTC", "BTC", 0}, {"mBTC", "BTC", 3},   {"sat", "SAT", 8},
    {"LTC", "LTC", 0},  {"ETH", "ETH", 0},  {"gwei", "ETH", 9},   {"wei", "ETH", 18},
    {"XMR", "XMR", 0},  {"DOGE", "DOGE", 0}, {"BCH", "BCH", 0},   {"USDT", "USDT", 0},
    {"USDC", "USDC", 0}, {"DAI", "DAI", 0},
};

/* Converts amount + unit to the family's main unit, exactly; false when it cannot. */
static bool to_family(const char *amount, const char *unit, policy_dec *out, const char **family)
{
    policy_dec v;
    if (!policy_dec_parse(amount, strlen(amount), false, &v))
        return false;
    for (size_t i = 0; i < sizeof(unit_families) / sizeof(unit_families[0]); i++) {
        if (strcmp(unit_families[i].unit, unit) != 0)
            continue;
        for (unsigned k = 0; k < unit_families[i].shift; k++) {
            if (v % 10)
                return false;
            v /= 10;
        }
        *out = v;
        *family = unit_families[i].family;
        return true;
    }
    return false;
}

static bool btc_like(const char *asset)
{
    static const char *const like[] = {"BTC", "LTC", "DOGE", "BCH", "DASH", "BTC-family"};
    for (size_t i = 0; i < sizeof(like) / sizeof(like[0]); i++)
        if (strcasecmp(asset, like[i]) == 0)
            return true;
    return false;
}

/* A request in family paid with a call in asset: satoshis are the base unit
 * of every Bitcoin-derived chain, and "BTC-family" is a bitcoind-style
 * server on a port that does not say which chain. */
static bool family_matches(const char *family, const char *asset)
{
    if (!asset)
        return false;
    if (strcasecmp(family, asset) == 0)
        return true;
    if (strcmp(family, "SAT") == 0)
        return btc_like(asset);
    return strcmp(asset, "BTC-family") == 0 && btc_like(family);
}

/* ---- request ids ------------------------------------------------------------------ */

static bool id_char(int c)
{
    return is_alnum(c) || c == '-' || c == '_';
}

/* Reads an id at text[i..hi): id characters, at least one digit; returns its length. */
static size_t read_id(const uint8_t *text, size_t i, size_t hi)
{
    size_t n = 0;
    bool digit = false;
    while (i + n < hi && id_char(text[i + n]) && n < TAMPER_ID_MAX - 1) {
        digit |= text[i + n] >= '0' && text[i + n] <= '9';
        n++;
    }
    while (n && (text[i + n - 1] == '-' || text[i + n - 1] == '_'))
        n--;
    if (i + n < hi && id_char(text[i + n]))
        return 0; /* longer than an id */
    return digit ? n : 0;
}

static bool word_at(const uint8_t *text, size_t i, size_t hi, const char *w, size_t lo)
{
    size_t n = strlen(w);
    if (i + n > hi || (i > lo && is_alnum(text[i - 1])))
        return false;
    for (size_t k = 0; k < n; k++)
        if (lower(text[i + k]) != w[k])
            return false;
    return i + n == hi || !is_alnum(text[i + n]);
}

/* "ticket #123", "request id: ABC-12", "ref. 77": a keyword, separators and
 * filler words ("id", "no", "number"), then the id. */
static size_t keyword_id(const uint8_t *text, size_t i, size_t lo, size_t hi, size_t *at)
{
    static const char *const keywords[] = {"ticket", "request", "req", "ref", "reference",
                                           "order", "case", "approval"};
    static const char *const filler[] = {"id", "no", "nr", "number"};
    for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
        if (!word_at(text, i, hi, keywords[k], lo))
            continue;
        size_t j = i + strlen(keywords[k]);
        for (int rounds = 0; rounds < 4 && j < hi; rounds++) {
            while (j < hi && (text[j] == ' ' || text[j] == '#' || text[j] == ':' ||
                              text[j] == '.' || text[j] == '\t'))
                j++;
            for (size_t f = 0; f < sizeof(filler) / sizeof(filler[0]); f++)
                if (word_at(text, j, hi, filler[f], lo)) {
                    j += strlen(filler[f]);
                    break;
                }
        }
        size_t n = read_id(text, j, hi);
        if (n) {
            *at = j;
            return n;
        }
    }
    return 0;
}

/* "TX-2024-001", "ABC-12": 2 to 8 capitals, a dash, then id characters with a digit. */
static size_t token_id(const uint8_t *text, size_t i, size_t lo, size_t hi)
{
    if (i > lo && id_char(text[i - 1]))
        return 0;
    size_t caps = 0;
    while (i + caps < hi && text[i + caps] >= 'A' && text[i + caps] <= 'Z')
        caps++;
    if (caps < 2 || caps > 8 || i + caps >= hi || text[i + caps] != '-')
        return 0;
    size_t n = read_id(text, i, hi);
    return n > caps + 1 ? n : 0;
}

bool tamper_find_id(const uint8_t *text, size_t lo, size_t hi, size_t skip_b, size_t skip_e,
                    char *id)
{
    size_t at = 0, n = 0;
    for (size_t i = lo; i < hi && !n; i++)
        if (i < skip_b || i >= skip_e)
            n = keyword_id(text, i, lo, hi, &at);
    for (size_t i = lo; i < hi && !n; i++)
        if ((i < skip_b || i >= skip_e) && (n = token_id(text, i, lo, hi)))
            at = i;
    if (!n || (at < skip_e && at + n > skip_b))
        return false;
    memcpy(id, text + at, n);
    id[n] = 0;
    return true;
}

/* ---- the table ------------------------------------------------------------------- */

void tamper_get_stats(struct tamper *t, struct tamper_stats *st)
{
    lock(t, NULL);
    *st = t->st;
    st->live = t->n;
    unlock(t);
}

static void expire(struct tamper *t, time_t now)
{
    while (t->n && now - t->ring[t->head].at.tv_sec >= (time_t)t->window) {
        t->head = (t->head + 1) % t->cap;
        t->n--;
    }
}

static struct request *slot(struct tamper *t)
{
    if (t->n == t->cap) {
        t->head = (t->head + 1) % t->cap;
        t->n--;
        t->st.evicted++;
    }
    struct request *r = &t->ring[(t->head + t->n) % t->cap];
    t->n++;
    t->st.requests++;
    memset(r, 0, sizeof(*r));
    return r;
}

/* The i-th remembered request in the order they were added, oldest first. */
static struct request *nth(struct tamper *t, size_t i)
{
    return &t->ring[(t->head + i) % t->cap];
}

/* Whether r is still in the window and was read at or before the frame o
 * names. Offline the waits keep later requests out of the table; at the end
 * of the capture, when each worker ends its flows at its own pace, this
 * check still does. */
static bool visible(const struct tamper *t, const struct request *r, const struct timeval *now,
                    const struct share_order *o)
{
    if (now->tv_sec - r->at.tv_sec >= (time_t)t->window)
        return false;
    return !o || !o->seq || r->seq <= o->seq;
}

/* Of a and b, the later read (b when both were read in one frame: added later). */
static const struct request *later(const struct request *a, const struct request *b)
{
    return a && a->seq > b->seq ? a : b;
}

static void copy_span(char *dst, size_t cap, const uint8_t *p, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, p, n);
    dst[n] = 0;
}

static void id_changed(const struct request *old, const struct request *r,
                       struct detector_verdict *out)
{
    char at[64];
    eve_format_time(&old->at, at, sizeof(at));
    struct json_object *d = json_object_new_object();
    json_object_object_add(d, "request_id", eve_string((const uint8_t *)r->id, strlen(r->id)));
    json_object_object_add(d, "first_address",
                           eve_string((const uint8_t *)old->addr, old->addr_len));
    json_object_object_add(d, "new_address", eve_string((const uint8_t *)r->addr, r->addr_len));
    json_object_object_add(d, "first_amount", json_object_new_string(old->amount_text));
    json_object_object_add(d, "new_amount", json_object_new_string(r->amount_text));
    json_object_object_add(d, "unit", json_object_new_string(r->unit));
    json_object_object_add(d, "first_seen_at", json_object_new_string(at));
    json_object_object_add(d, "first_protocol", json_object_new_string(old->protocol));
    json_object_object_add(d, "request_protocol", json_object_new_string(r->protocol));
    detector_verdict_add(out, "wallet.request_destination_changed", d);
}

/* Reports r when an earlier request of the window has its id and another
 * address (the latest such request). */
static void check_id(struct tamper *t, const struct request *r, const struct timeval *now,
                     const struct share_order *o, struct detector_verdict *out)
{
    if (!r->id[0])
        return;
    const struct request *old = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct request *q = nth(t, i);
        if (q == r || !visible(t, q, now, o) || !q->id[0] || strcasecmp(q->id, r->id) != 0)
            continue;
        if (!policy_addr_equal((const uint8_t *)q->addr, q->addr_len,
                               (const uint8_t *)r->addr, r->addr_len))
            old = later(old, q);
    }
    if (old)
        id_changed(old, r, out);
}

static void remember(struct tamper *t, const struct tamper_text *m, const struct material_finding *f,
                     const struct timeval *now, const struct share_order *o,
                     struct detector_verdict *out)
{
    policy_dec v;
    const char *family;
    if (!f->addr_len || f->addr_len >= TAMPER_ADDR_MAX || !to_family(f->amount, f->unit, &v, &family))
        return;
    struct request *r = slot(t);
    r->at = *now;
    r->seq = o ? o->seq : 0;
    r->amount = v;
    r->family = family;
    snprintf(r->amount_text, sizeof(r->amount_text), "%s", f->amount);
    snprintf(r->unit, sizeof(r->unit), "%s", f->unit);
    copy_span(r->addr, sizeof(r->addr), m->text + f->addr_offset, f->addr_len);
    r->addr_len = f->addr_len;
    snprintf(r->protocol, sizeof(r->protocol), "%s", m->protocol ? m->protocol : "unknown");
    if (m->from)
        copy_span(r->from, sizeof(r->from), m->from, m->from_len);
    policy_addr_text(&m->sender_ip, r->sender_ip, sizeof(r->sender_ip));
    if (m->community_id)
        snprintf(r->community_id, sizeof(r->community_id), "%s", m->community_id);
    size_t lo = f->offset > TAMPER_ID_SEARCH ? f->offset - TAMPER_ID_SEARCH : 0;
    size_t hi = f->offset + f->len + TAMPER_ID_SEARCH;
    size_t len = m->len < MAT_SCAN_MAX ? m->len : MAT_SCAN_MAX;
    hi = hi < len ? hi : len;
    tamper_find_id(m->text, lo, hi, f->addr_offset, f->addr_offset + f->addr_len, r->id);
    check_id(t, r, now, o, out);
}

void tamper_on_text(struct tamper *t, const struct tamper_text *m, const struct timeval *now,
                    const struct share_order *o, struct detector_verdict *out)
{
    struct material_finding f[MAT_MAX_FINDINGS];
    size_t n = material_scan_transfers(m->text, m->len, f, MAT_MAX_FINDINGS);
    if (!n)
        return;
    lock(t, o);
    expire(t, now->tv_sec);
    for (size_t i = 0; i < n; i++)
        remember(t, m, &f[i], now, o, out);
    unlock(t);
}

static void mismatch(const struct request *r, const struct wallet_str *sent, const char *amount,
                     const char *asset, struct detector_verdict *out)
{
    char at[64];
    eve_format_time(&r->at, at, sizeof(at));
    struct json_object *d = json_object_new_object();
    json_object_object_add(d, "requested_address", eve_string((const uint8_t *)r->addr, r->addr_len));
    json_object_object_add(d, "sent_address", eve_string(sent->p, sent->len));
    json_object_object_add(d, "amount", json_object_new_string(amount));
    json_object_object_add(d, "asset", json_object_new_string(asset));
    json_object_object_add(d, "requested_amount", json_object_new_string(r->amount_text));
    json_object_object_add(d, "requested_unit", json_object_new_string(r->unit));
    json_object_object_add(d, "requested_at", json_object_new_string(at));
    json_object_object_add(d, "request_protocol", json_object_new_string(r->protocol));
    if (r->from[0])
        json_object_object_add(d, "request_from",
                               eve_string((const uint8_t *)r->from, strlen(r->from)));
    json_object_object_add(d, "request_sender_ip", json_object_new_string(r->sender_ip));
    if (r->community_id[0])
        json_object_object_add(d, "request_community_id", json_object_new_string(r->community_id));
    if (r->id[0])
        json_object_object_add(d, "request_id", eve_string((const uint8_t *)r->id, strlen(r->id)));
    detector_verdict_add(out, "wallet.destination_mismatch", d);
}

/* Returns true after reporting dest when it pays a requested amount elsewhere
 * (against the latest such request). */
static bool check_dest(struct tamper *t, const struct wallet_call *c, const struct wallet_dest *dest,
                       const char *amount, const struct timeval *now,
                       const struct share_order *o, struct detector_verdict *out)
{
    policy_dec v;
    if (!dest->address.p || !policy_dec_parse(amount, strlen(amount), false, &v))
        return false;
    const struct request *other = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct request *r = nth(t, i);
        if (!visible(t, r, now, o) || r->amount != v || !family_matches(r->family, c->asset))
            continue;
        if (policy_addr_equal((const uint8_t *)r->addr, r->addr_len, dest->address.p,
                              dest->address.len))
            return false; /* a request asked for exactly this */
        other = later(other, r);
    }
    if (!other)
        return false;
    mismatch(other, &dest->address, amount, c->asset, out);
    return true;
}

void tamper_on_call(struct tamper *t, const struct wallet_call *c, const struct timeval *now,
                    const struct share_order *o, struct detector_verdict *out)
{
    if (c->cls != WALLET_CLASS_SEND || c->outcome == WALLET_OUTCOME_AUTH_FAILED)
        return;
    lock(t, o);
    expire(t, now->tv_sec);
    for (size_t i = 0; i < c->ndests; i++) {
        const struct wallet_dest *d = &c->dests[i];
        const char *amount = d->has_amount ? d->amount
                             : c->ndests == 1 && c->has_total ? c->amount_total
                                                              : NULL;
        if (amount && check_dest(t, c, d, amount, now, o, out))
            break;
    }
    unlock(t);
}

/* policy-learn.c — `--learn`: watch wallet calls and write a starting
 * policy (docs/wallet-policy.md) an operator edits: the servers seen, each
 * class's callers, each asset's destinations, the largest send rounded up
 * (two significant digits), the largest UTC-day total, and a rate limit
 * above the busiest minute seen. Every table is bounded; what did not fit is
 * counted in the written policy's comment, so nobody mistakes a truncated
 * observation for a complete one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/conf.h"
#include "policy.h"

#define LEARN_MAX_SERVERS 256
#define LEARN_MAX_CALLERS 1024
#define LEARN_MAX_ASSETS 32
#define LEARN_MAX_DESTS 256
#define LEARN_USER_MAX 64
#define LEARN_RATE_SECS 60
#define LEARN_ADDR_MAX 129

struct learn_caller {
    struct ww_addr ip;
    char user[LEARN_USER_MAX];
    unsigned classes; /* bit per enum wallet_class */
    time_t rate_start;
    uint32_t rate_count, rate_peak;
};

struct learn_asset {
    char name[24];
    char dests[LEARN_MAX_DESTS][LEARN_ADDR_MAX];
    size_t ndests;
    policy_dec max_call, day_sum, max_day;
    time_t day;
    bool any_amount;
};

struct policy_learn {
    struct conf_cidr home[256];
    int nhome;
    struct ww_addr servers[LEARN_MAX_SERVERS];
    size_t nservers;
    struct learn_caller callers[LEARN_MAX_CALLERS];
    size_t ncallers;
    struct learn_asset *assets[LEARN_MAX_ASSETS];
    size_t nassets;
    uint64_t calls, auth_failed, dropped;
    time_t first, last;
};

struct policy_learn *policy_learn_new(const char *home_net)
{
    struct policy_learn *l = calloc(1, sizeof(*l));
    if (l && home_net)
        l->nhome = conf_parse_cidrs(home_net, l->home, 256);
    if (l && l->nhome < 0)
        l->nhome = 0;
    return l;
}

void policy_learn_free(struct policy_learn *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nassets; i++)
        free(l->assets[i]);
    free(l);
}

static bool addr_eq(const struct ww_addr *a, const struct ww_addr *b)
{
    return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

static void note_server(struct policy_learn *l, const struct ww_addr *srv)
{
    for (size_t i = 0; i < l->nservers; i++)
        if (addr_eq(&l->servers[i], srv))
            return;
    if (l->nservers < LEARN_MAX_SERVERS)
        l->servers[l->nservers++] = *srv;
    else
        l->dropped++;
}

static struct learn_caller *note_caller(struct policy_learn *l, const struct wallet_call *c)
{
    char user[LEARN_USER_MAX] = "";
    if (c->user.p)
        snprintf(user, sizeof(user), "%.*s", (int)c->user.len, (const char *)c->user.p);
    for (size_t i = 0; i < l->ncallers; i++)
        if (addr_eq(&l->callers[i].ip, &c->caller_ip) && strcmp(l->callers[i].user, user) == 0)
            return &l->callers[i];
    if (l->ncallers == LEARN_MAX_CALLERS) {
        l->dropped++;
        return NULL;
    }
    struct learn_caller *k = &l->callers[l->ncallers++];
    k->ip = c->caller_ip;
    memcpy(k->user, user, sizeof(user));
    return k;
}

static struct learn_asset *note_asset(struct policy_learn *l, const char *name)
{
    for (size_t i = 0; i < l->nassets; i++)
        if (strcmp(l->assets[i]->name, name) == 0)
            return l->assets[i];
    if (l->nassets == LEARN_MAX_ASSETS || !(l->assets[l->nassets] = calloc(1, sizeof(struct learn_asset)))) {
        l->dropped++;
        return NULL;
    }
    snprintf(l->assets[l->nassets]->name, sizeof(l->assets[0]->name), "%s", name);
    return l->assets[l->nassets++];
}

static void note_dest(struct policy_learn *l, struct learn_asset *a, const struct wallet_str *s)
{
    if (!s->p || !s->len || s->len >= LEARN_ADDR_MAX)
        return;
    for (size_t i = 0; i < a->ndests; i++)
        if (policy_addr_equal((const uint8_t *)a->dests[i], strlen(a->dests[i]), s->p, s->len))
            return;
    if (a->ndests == LEARN_MAX_DESTS) {
        l->dropped++;
        return;
    }
    memcpy(a->dests[a->ndests], s->p, s->len);
    a->dests[a->ndests++][s->len] = 0;
}

static void note_send(struct policy_learn *l, const struct wallet_call *c, time_t now)
{
    struct learn_asset *a = note_asset(l, c->asset ? c->asset : "unknown");
    if (!a)
        return;
    policy_dec sum = 0, v;
    bool any = false;
    for (size_t i = 0; i < c->ndests; i++) {
        note_dest(l, a, &c->dests[i].address);
        if (c->dests[i].has_amount &&
            policy_dec_parse(c->dests[i].amount, strlen(c->dests[i].amount), true, &v)) {
            sum = policy_dec_add(sum, v);
            any = true;
        }
    }
    if (c->has_total && policy_dec_parse(c->amount_total, strlen(c->amount_total), true, &v)) {
        sum = v;
        any = true;
    }
    if (!any || c->outcome == WALLET_OUTCOME_AUTH_FAILED)
        return;
    a->any_amount = true;
    if (sum > a->max_call)
        a->max_call = sum;
    if (now / 86400 != a->day) {
        a->day = now / 86400;
        a->day_sum = 0;
    }
    a->day_sum = policy_dec_add(a->day_sum, sum);
    if (a->day_sum > a->max_day)
        a->max_day = a->day_sum;
}

void policy_learn_call(struct policy_learn *l, const struct flow *f, const struct wallet_call *c,
                       const struct timeval *now)
{
    if (!l->calls++)
        l->first = now->tv_sec;
    l->last = now->tv_sec;
    l->auth_failed += c->outcome == WALLET_OUTCOME_AUTH_FAILED;
    note_server(l, policy_peer_of(f, &c->caller_ip));
    struct learn_caller *k = note_caller(l, c);
    if (k) {
        k->classes |= 1u << (c->cls <= WALLET_CLASS_UNKNOWN ? c->cls : WALLET_CLASS_UNKNOWN);
        if (!k->rate_count || now->tv_sec - k->rate_start >= LEARN_RATE_SECS) {
            k->rate_start = now->tv_sec;
            k->rate_count = 0;
        }
        if (++k->rate_count > k->rate_peak)
            k->rate_peak = k->rate_count;
    }
    if (c->cls == WALLET_CLASS_SEND)
        note_send(l, c, now->tv_sec);
}

/* ---- writing ------------------------------------------------------------------------ */

/* Rounds v up to two significant digits (0.0123 -> 0.013, 12.5 -> 13). */
static policy_dec round_up2(policy_dec v)
{
    policy_dec unit = 1;
    while (v / unit >= 100)
        unit *= 10;
    return (v + unit - 1) / unit * unit;
}

static struct json_object *dec_json(policy_dec v)
{
    char buf[64];
    policy_dec_format(v, buf, sizeof(buf));
    return json_object_new_string(buf);
}

static void addr_cidr(const struct ww_addr *ip, char *buf, size_t len)
{
    char t[64];
    policy_addr_text(ip, t, sizeof(t));
    snprintf(buf, len, "%s", t);
}

static struct json_object *classes_json(const struct policy_learn *l)
{
    static const char *const names[] = {"read", "send", "key", "admin", "unknown"};
    struct json_object *o = json_object_new_object();
    for (unsigned c = 0; c <= WALLET_CLASS_UNKNOWN; c++) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < l->ncallers; i++) {
            const struct learn_caller *k = &l->callers[i];
            if (!(k->classes & (1u << c)))
                continue;
            char ip[64], entry[160];
            addr_cidr(&k->ip, ip, sizeof(ip));
            if (k->user[0])
                snprintf(entry, sizeof(entry), "%s@%s", k->user, ip);
            else
                snprintf(entry, sizeof(entry), "%s", ip);
            json_object_array_add(arr, json_object_new_string(entry));
        }
        struct json_object *cls = json_object_new_object();
        json_object_object_add(cls, "callers", arr);
        json_object_object_add(o, names[c], cls);
    }
    return o;
}

static struct json_object *assets_json(const struct policy_learn *l)
{
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < l->nassets; i++) {
        const struct learn_asset *a = l->assets[i];
        struct json_object *e = json_object_new_object(), *d = json_object_new_array();
        for (size_t k = 0; k < a->ndests; k++)
            json_object_array_add(d, json_object_new_string(a->dests[k]));
        json_object_object_add(e, "destinations", d);
        if (a->any_amount) {
            json_object_object_add(e, "max_per_call", dec_json(round_up2(a->max_call)));
            json_object_object_add(e, "max_per_window", dec_json(round_up2(a->max_day)));
            json_object_object_add(e, "window_seconds", json_object_new_int(86400));
        }
        json_object_object_add(o, a->name, e);
    }
    return o;
}

static struct json_object *learn_json(const struct policy_learn *l)
{
    struct json_object *o = json_object_new_object();
    char comment[512], t1[32] = "-", t2[32] = "-";
    struct tm tm;
    time_t first = l->first, last = l->last;
    if (l->calls && gmtime_r(&first, &tm))
        strftime(t1, sizeof(t1), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (l->calls && gmtime_r(&last, &tm))
        strftime(t2, sizeof(t2), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(comment, sizeof(comment),
             "learned by walletwatch --learn from %llu wallet calls (%llu authentication failures) "
             "between %s and %s; %llu servers, callers, assets or destinations did not fit and "
             "are missing. Review every entry before use: what was seen is not what is right.",
             (unsigned long long)l->calls, (unsigned long long)l->auth_failed, t1, t2,
             (unsigned long long)l->dropped);
    json_object_object_add(o, "comment", json_object_new_string(comment));
    json_object_object_add(o, "version", json_object_new_int(1));
    struct json_object *srv = json_object_new_array();
    bool home_only = true;
    for (size_t i = 0; i < l->nservers; i++) {
        char ip[64];
        addr_cidr(&l->servers[i], ip, sizeof(ip));
        json_object_array_add(srv, json_object_new_string(ip));
    }
    for (size_t i = 0; i < l->ncallers && l->nhome > 0; i++) {
        bool in = false;
        for (int h = 0; h < l->nhome && !in; h++) {
            const struct conf_cidr *c = &l->home[h];
            unsigned full = c->prefix / 8, rest = c->prefix % 8;
            in = c->family == l->callers[i].ip.family &&
                 memcmp(c->addr, l->callers[i].ip.a, full) == 0 &&
                 (!rest || ((c->addr[full] ^ l->callers[i].ip.a[full]) & (0xff << (8 - rest))) == 0);
        }
        home_only &= in;
    }
    json_object_object_add(o, "servers", srv);
    json_object_object_add(o, "home_net_only", json_object_new_boolean(home_only));
    json_object_object_add(o, "classes", classes_json(l));
    json_object_object_add(o, "assets", assets_json(l));
    uint32_t peak = 0;
    for (size_t i = 0; i < l->ncallers; i++)
        peak = l->callers[i].rate_peak > peak ? l->callers[i].rate_peak : peak;
    struct json_object *rate = json_object_new_object();
    json_object_object_add(rate, "calls", json_object_new_int64(peak < 5 ? 10 : (int64_t)peak * 2));
    json_object_object_add(rate, "seconds", json_object_new_int(LEARN_RATE_SECS));
    json_object_object_add(o, "rate_limit", rate);
    struct json_object *auth = json_object_new_object();
    json_object_object_add(auth, "count", json_object_new_int(5));
    json_object_object_add(auth, "seconds", json_object_new_int(60));
    json_object_object_add(o, "auth_failures", auth);
    return o;
}

int policy_learn_write(const struct policy_learn *l, const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    struct json_object *o = learn_json(l);
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                            JSON_C_TO_STRING_SPACED |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
    FILE *fp = fopen(tmp, "w");
    bool ok = fp && fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
    ok = fp && fclose(fp) == 0 && ok;
    json_object_put(o);
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write the learned policy", path);
        remove(tmp);
        return -1;
    }
    return 0;
}

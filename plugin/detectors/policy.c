/* policy.c — the wallet-API policy: loading and validating the JSON file
 * (docs/wallet-policy.md), and judging each wallet call against it.
 *
 * Validation reports every problem, located: json-c's tokener gives the byte
 * offset of a syntax error (turned into LINE:COL); for the meaning of a
 * value, a small scanner over the text (loc_scan) remembers the line of every
 * key and array element by its path ("classes.send.hours",
 * "assets.BTC.destinations[2]"), so "FILE:LINE: PATH: message" names it.
 *
 * Amounts are compared exactly: decimals become 128-bit integers in units of
 * 10^-18 (enough for wei); nothing goes through a double. */
#include "policy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "../output/eve.h"
#include "../util/conf.h"
#include "policy-shared.h"
#include "policy-state.h"

#define POLICY_HOME_MAX 256
#define POLICY_LIST_MAX 65536 /* entries of one list (servers, callers, destinations) */
#define POLICY_PATH_MAX 192
#define CALLER_PROBES 8
#define CLS_N 5

/* Indexed by enum wallet_class. */
static const char *const class_keys[CLS_N] = {"read", "send", "key", "admin", "unknown"};

struct caller_rule {
    bool any_net;
    struct conf_cidr net;
    char *user; /* NULL: any user (or none) */
};

struct class_rule {
    bool present;
    bool has_callers;
    struct caller_rule *callers;
    size_t ncallers;
    bool has_hours;
    unsigned from_min, to_min; /* [from, to) minutes of the UTC day; wraps when from > to */
    char hours[16];
};

struct asset_rule {
    char *name;
    bool has_dests;
    char **dests;
    size_t ndests;
    bool has_call_cap, has_window_cap;
    policy_dec call_cap, window_cap;
    uint32_t window_secs;
    struct asset_window *w; /* sends within the window */
    bool w_shared;          /* w is the workers' (policy_share) */
};

struct policy {
    bool has_servers;
    struct conf_cidr *servers;
    size_t nservers;
    struct conf_cidr home[POLICY_HOME_MAX];
    int nhome;
    bool home_net_only;
    struct class_rule cls[CLS_N];
    struct asset_rule *assets;
    size_t nassets;
    uint32_t rate_calls, rate_secs;
    uint32_t auth_count, auth_secs;
    size_t max_callers;
    struct caller_state *tab;
    size_t tab_size;
    struct policy_shared *sh; /* --workers N: tab and the windows are the workers' */
    struct policy_stats st;
};

/* ---- decimals, addresses ------------------------------------------------------------- */

bool policy_dec_parse(const char *s, size_t n, bool round_up, policy_dec *out)
{
    policy_dec v = 0;
    size_t i = 0, ints = 0, fracs = 0;
    bool inexact = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ints++) {
        if (ints >= 20)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (ints == 0)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, fracs++) {
            if (fracs < POLICY_DEC_SCALE)
                v = v * 10 + (s[i] - '0');
            else if (s[i] != '0')
                inexact = true;
        }
        if (fracs == 0)
            return false;
    }
    if (i != n || (inexact && !round_up))
        return false;
    for (size_t k = fracs < POLICY_DEC_SCALE ? fracs : POLICY_DEC_SCALE; k < POLICY_DEC_SCALE; k++)
        v *= 10;
    *out = v + (inexact ? 1 : 0);
    return true;
}

policy_dec policy_dec_add(policy_dec a, policy_dec b)
{
    policy_dec max = 1;
    for (int i = 0; i < 38; i++)
        max *= 10;
    return a >= max - b ? max : a + b;
}

void policy_dec_format(policy_dec v, char *buf, size_t len)
{
    char digits[64];
    size_t n = 0;
    if (v < 0)
        v = 0;
    do {
        digits[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v && n < sizeof(digits));
    while (n <= POLICY_DEC_SCALE)
        digits[n++] = '0';
    char out[80];
    size_t o = 0;
    for (size_t k = n; k > POLICY_DEC_SCALE; k--)
        out[o++] = digits[k - 1];
    size_t end = 0;
    for (size_t k = 0; k < POLICY_DEC_SCALE; k++)
        if (digits[k] != '0') {
            end = POLICY_DEC_SCALE - k;
            break;
        }
    if (end) {
        out[o++] = '.';
        for (size_t k = 0; k < end; k++)
            out[o++] = digits[POLICY_DEC_SCALE - 1 - k];
    }
    out[o] = 0;
    snprintf(buf, len, "%s", out);
}

static bool single_case(const uint8_t *s, size_t n)
{
    bool lower = false, upper = false;
    for (size_t i = 0; i < n; i++) {
        lower |= s[i] >= 'a' && s[i] <= 'z';
        upper |= s[i] >= 'A' && s[i] <= 'Z';
    }
    return !(lower && upper);
}

bool policy_addr_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen)
        return false;
    if (memcmp(a, b, alen) == 0)
        return true;
    bool hex = alen > 2 && a[0] == '0' && (a[1] == 'x' || a[1] == 'X');
    if (!hex && !(single_case(a, alen) && single_case(b, blen)))
        return false;
    return strncasecmp((const char *)a, (const char *)b, alen) == 0;
}

const struct ww_addr *policy_peer_of(const struct flow *f, const struct ww_addr *ip)
{
    bool is_cli = f->cli.family == ip->family && memcmp(f->cli.a, ip->a, 16) == 0;
    return is_cli ? &f->srv : &f->cli;
}

void policy_addr_text(const struct ww_addr *ip, char *buf, size_t len)
{
    if (!inet_ntop(ip->family == 6 ? AF_INET6 : AF_INET, ip->a, buf, (socklen_t)len))
        snprintf(buf, len, "?");
}

static bool cidr_match(const struct conf_cidr *c, const struct ww_addr *ip)
{
    if (c->family != ip->family)
        return false;
    unsigned full = c->prefix / 8, rest = c->prefix % 8;
    if (memcmp(c->addr, ip->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (c->addr[full] & mask) == (ip->a[full] & mask);
}

static bool in_cidrs(const struct conf_cidr *c, size_t n, const struct ww_addr *ip)
{
    for (size_t i = 0; i < n; i++)
        if (cidr_match(&c[i], ip))
            return true;
    return false;
}

/* ---- locating keys in the text --------------------------------------------------- */

struct loc {
    char path[POLICY_PATH_MAX];
    unsigned line;
};

struct problem {
    unsigned line;
    char *msg;
};

struct pctx {
    const char *name, *text;
    size_t len;
    struct loc *locs;
    size_t nlocs, cap;
    struct problem *probs; /* reported in line order at the end */
    size_t nprobs, pcap;
    detectors_report_fn report;
    void *user;
    bool *failed;
    bool oom;
};

static void problem(struct pctx *pc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static unsigned loc_line(const struct pctx *pc, const char *path)
{
    for (size_t i = 0; i < pc->nlocs; i++)
        if (strcmp(pc->locs[i].path, path) == 0)
            return pc->locs[i].line;
    return 0;
}

static void problem_at(struct pctx *pc, unsigned ln, const char *path, const char *msg);

static void problem(struct pctx *pc, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    problem_at(pc, loc_line(pc, path), path, msg);
}

/* Queues "FILE:LINE: PATH: msg" ("FILE: PATH: msg" when ln is 0). */
static void problem_at(struct pctx *pc, unsigned ln, const char *path, const char *msg)
{
    char line[1024];
    const char *sep = *path ? ": " : "";
    if (ln)
        snprintf(line, sizeof(line), "%s:%u: %s%s%s", pc->name, ln, path, sep, msg);
    else
        snprintf(line, sizeof(line), "%s: %s%s%s", pc->name, path, sep, msg);
    *pc->failed = true;
    if (pc->nprobs == pc->pcap) {
        size_t cap = pc->pcap ? pc->pcap * 2 : 16;
        struct problem *n = realloc(pc->probs, cap * sizeof(*n));
        if (!n) {
            pc->oom = true;
            return;
        }
        pc->probs = n;
        pc->pcap = cap;
    }
    if ((pc->probs[pc->nprobs].msg = strdup(line)) != NULL)
        pc->probs[pc->nprobs++].line = ln;
}

/* Reports the problems by line (unlocated ones last), in the order found on one line. */
static void problems_flush(struct pctx *pc)
{
    for (size_t i = 1; i < pc->nprobs; i++)
        for (size_t j = i; j > 0; j--) {
            unsigned a = pc->probs[j - 1].line ? pc->probs[j - 1].line : ~0u;
            unsigned b = pc->probs[j].line ? pc->probs[j].line : ~0u;
            if (a <= b)
                break;
            struct problem t = pc->probs[j];
            pc->probs[j] = pc->probs[j - 1];
            pc->probs[j - 1] = t;
        }
    for (size_t i = 0; i < pc->nprobs; i++) {
        if (pc->report)
            pc->report(pc->user, pc->probs[i].msg);
        free(pc->probs[i].msg);
    }
    free(pc->probs);
}

/* Records where path is; a key seen twice in one object is an error (json-c keeps the last). */
static void loc_add(struct pctx *pc, const char *path, unsigned line, bool is_key)
{
    unsigned first = loc_line(pc, path);
    if (first && is_key) {
        char msg[64];
        snprintf(msg, sizeof(msg), "duplicate key (first on line %u)", first);
        problem_at(pc, line, path, msg);
        return;
    }
    if (first)
        return;
    if (pc->nlocs == pc->cap) {
        size_t cap = pc->cap ? pc->cap * 2 : 64;
        struct loc *n = realloc(pc->locs, cap * sizeof(*n));
        if (!n) {
            pc->oom = true;
            return;
        }
        pc->locs = n;
        pc->cap = cap;
    }
    snprintf(pc->locs[pc->nlocs].path, POLICY_PATH_MAX, "%s", path);
    pc->locs[pc->nlocs++].line = line;
}

struct scan_frame {
    bool array, have_value;
    size_t index, path_len;
};

/* Skips the string starting at text[i] (a quote); returns the index of its closing quote. */
static size_t skip_string(const struct pctx *pc, size_t i, char *out, size_t outlen)
{
    size_t o = 0;
    for (i++; i < pc->len && pc->text[i] != '"'; i++) {
        if (pc->text[i] == '\\')
            i++;
        else if (o + 1 < outlen)
            out[o++] = pc->text[i];
    }
    if (outlen)
        out[o] = 0;
    return i;
}

/* Truncates path to n and appends a key or an index. */
static void path_set(char *path, size_t n, const char *key, size_t index, bool is_index)
{
    if (is_index)
        snprintf(path + n, POLICY_PATH_MAX - n, "[%zu]", index);
    else
        snprintf(path + n, POLICY_PATH_MAX - n, "%s%s", n ? "." : "", key);
}

/* Records the line of every key and array element; the text parsed as JSON already. */
static void loc_scan(struct pctx *pc)
{
    struct scan_frame st[POLICY_JSON_DEPTH + 2];
    int depth = -1;
    char path[POLICY_PATH_MAX] = "", key[POLICY_PATH_MAX];
    unsigned line = 1;
    bool expect_key = false;
    for (size_t i = 0; i < pc->len; i++) {
        char ch = pc->text[i];
        if (ch == '\n')
            line++;
        if (ch == '\n' || ch == ' ' || ch == '\t' || ch == '\r' || ch == ':')
            continue;
        struct scan_frame *top = depth >= 0 ? &st[depth] : NULL;
        if (ch == ',') {
            if (top && top->array) {
                top->index++;
                top->have_value = false;
            }
            expect_key = top && !top->array;
            continue;
        }
        if (ch == '}' || ch == ']') {
            depth--;
            expect_key = false;
            continue;
        }
        if (top && !top->array && expect_key && ch == '"') {
            i = skip_string(pc, i, key, sizeof(key));
            path_set(path, top->path_len, key, 0, false);
            loc_add(pc, path, line, true);
            expect_key = false;
            continue;
        }
        if (top && top->array && !top->have_value) {
            top->have_value = true;
            path_set(path, top->path_len, NULL, top->index, true);
            loc_add(pc, path, line, false);
        }
        if ((ch == '{' || ch == '[') && depth + 1 < (int)(sizeof(st) / sizeof(st[0]))) {
            st[++depth] = (struct scan_frame){ch == '[', false, 0, strlen(path)};
            expect_key = ch == '{';
        } else if (ch == '"') {
            i = skip_string(pc, i, NULL, 0);
        }
    }
}

/* ---- reading values ------------------------------------------------------------- */

static void join(char *out, const char *base, const char *key)
{
    if (snprintf(out, POLICY_PATH_MAX, "%s%s%s", base, *base ? "." : "", key) >= POLICY_PATH_MAX)
        out[POLICY_PATH_MAX - 1] = 0; /* a path this long is reported cut */
}

static void join_index(char *out, const char *base, size_t i)
{
    if (snprintf(out, POLICY_PATH_MAX, "%s[%zu]", base, i) >= POLICY_PATH_MAX)
        out[POLICY_PATH_MAX - 1] = 0;
}

/* Reports every key of o not in allowed ("comment" is always allowed). */
static bool keys_known(struct pctx *pc, struct json_object *o, const char *path,
                       const char *const *allowed)
{
    bool ok = true;
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        bool known = strcmp(k, "comment") == 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(k, allowed[i]) == 0;
        if (!known) {
            char p[POLICY_PATH_MAX];
            join(p, path, k);
            problem(pc, p, "unknown key '%s'", k);
            ok = false;
        }
    }
    return ok;
}

static bool want_type(struct pctx *pc, struct json_object *v, const char *path, json_type t,
                      const char *what)
{
    if (json_object_is_type(v, t))
        return true;
    problem(pc, path, "expected %s", what);
    return false;
}

static bool get_uint(struct pctx *pc, struct json_object *o, const char *path, const char *key,
                     uint32_t min, uint32_t max, uint32_t *out)
{
    struct json_object *v;
    char p[POLICY_PATH_MAX];
    join(p, path, key);
    if (!json_object_object_get_ex(o, key, &v)) {
        problem(pc, path, "missing key '%s'", key);
        return false;
    }
    int64_t n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || n < min || n > max) {
        problem(pc, p, "expected a whole number from %u to %u", min, max);
        return false;
    }
    *out = (uint32_t)n;
    return true;
}

static bool get_amount(struct pctx *pc, struct json_object *v, const char *path, policy_dec *out)
{
    const char *s = json_object_get_string(v);
    if (!json_object_is_type(v, json_type_string) || !policy_dec_parse(s, strlen(s), false, out)) {
        problem(pc, path,
                "expected an exact decimal amount as a string, e.g. \"12.5\" (at most 20 integer "
                "and 18 fractional digits)");
        return false;
    }
    return true;
}

static bool parse_one_cidr(const char *s, struct conf_cidr *c)
{
    return strchr(s, ',') == NULL && conf_parse_cidrs(s, c, 1) == 1;
}

/* Room for the n entries of a JSON list or object (at least one); NULL,
 * with pc->oom set, when memory ran out. */
static void *alloc_entries(struct pctx *pc, size_t n, size_t size)
{
    void *a = calloc(n ? n : 1, size);
    if (!a)
        pc->oom = true;
    return a;
}

/* "servers": ["10.0.0.5", "10.1.0.0/16"] */
static void load_servers(struct pctx *pc, struct policy *p, struct json_object *v)
{
    if (!want_type(pc, v, "servers", json_type_array, "a list of addresses or CIDRs"))
        return;
    size_t n = json_object_array_length(v);
    p->has_servers = true;
    if (!(p->servers = alloc_entries(pc, n, sizeof(*p->servers))))
        return;
    for (size_t i = 0; i < n && i < POLICY_LIST_MAX; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        char path[POLICY_PATH_MAX];
        join_index(path, "servers", i);
        const char *s = json_object_get_string(e);
        if (!json_object_is_type(e, json_type_string) ||
            !parse_one_cidr(s, &p->servers[p->nservers]))
            problem(pc, path, "expected an address or CIDR such as \"10.0.0.5\" or \"10.1.0.0/16\"");
        else
            p->nservers++;
    }
}

/* One caller: "any", "CIDR", "user:NAME" or "NAME@CIDR". */
static bool parse_caller(const char *s, struct caller_rule *c)
{
    memset(c, 0, sizeof(*c));
    if (strcmp(s, "any") == 0) {
        c->any_net = true;
        return true;
    }
    const char *net = s;
    size_t ulen = 0;
    const char *user = NULL;
    if (strncmp(s, "user:", 5) == 0) {
        user = s + 5;
        ulen = strlen(user);
        net = NULL;
    } else if (strchr(s, '@')) {
        user = s;
        ulen = (size_t)(strchr(s, '@') - s);
        net = strchr(s, '@') + 1;
    }
    if (user && (ulen == 0 || ulen >= CALLER_USER_MAX))
        return false;
    if (net && !parse_one_cidr(net, &c->net))
        return false;
    c->any_net = net == NULL;
    if (user && !(c->user = strndup(user, ulen)))
        return false;
    return true;
}

static bool parse_hhmm(const char *s, unsigned *min)
{
    if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' && s[3] >= '0' &&
          s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
        return false;
    unsigned h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    unsigned m = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
    *min = h * 60 + m;
    return h < 24 || (h == 24 && m == 0);
}

static void load_hours(struct pctx *pc, struct class_rule *r, struct json_object *v,
                       const char *path)
{
    const char *s = json_object_get_string(v);
    if (!json_object_is_type(v, json_type_string) || strlen(s) != 11 || s[5] != '-' ||
        !parse_hhmm(s, &r->from_min) || !parse_hhmm(s + 6, &r->to_min) ||
        r->from_min == r->to_min || r->from_min == 1440) {
        problem(pc, path, "expected \"HH:MM-HH:MM\" (UTC, e.g. \"08:00-18:00\"; may wrap midnight)");
        return;
    }
    r->has_hours = true;
    snprintf(r->hours, sizeof(r->hours), "%s", s);
}

static void load_callers(struct pctx *pc, struct class_rule *r, struct json_object *v,
                         const char *path)
{
    if (!want_type(pc, v, path, json_type_array, "a list of callers"))
        return;
    size_t n = json_object_array_length(v);
    r->has_callers = true;
    if (!(r->callers = alloc_entries(pc, n, sizeof(*r->callers))))
        return;
    for (size_t i = 0; i < n && i < POLICY_LIST_MAX; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        char p[POLICY_PATH_MAX];
        join_index(p, path, i);
        if (!json_object_is_type(e, json_type_string) ||
            !parse_caller(json_object_get_string(e), &r->callers[r->ncallers]))
            problem(pc, p,
                    "expected \"any\", an address or CIDR, \"user:NAME\" or \"NAME@CIDR\"");
        else
            r->ncallers++;
    }
}

static void load_classes(struct pctx *pc, struct policy *p, struct json_object *v)
{
    static const char *const keys[] = {"callers", "hours", NULL};
    static const char *const classes[] = {"read", "send", "key", "admin", "unknown", NULL};
    if (!want_type(pc, v, "classes", json_type_object, "an object of method classes"))
        return;
    keys_known(pc, v, "classes", classes);
    for (int c = 0; c < CLS_N; c++) {
        struct json_object *o, *e;
        char path[POLICY_PATH_MAX], sub[POLICY_PATH_MAX];
        if (!json_object_object_get_ex(v, class_keys[c], &o))
            continue;
        join(path, "classes", class_keys[c]);
        if (!want_type(pc, o, path, json_type_object, "an object with callers and hours"))
            continue;
        keys_known(pc, o, path, keys);
        p->cls[c].present = true;
        if (json_object_object_get_ex(o, "callers", &e)) {
            join(sub, path, "callers");
            load_callers(pc, &p->cls[c], e, sub);
        }
        if (json_object_object_get_ex(o, "hours", &e)) {
            join(sub, path, "hours");
            load_hours(pc, &p->cls[c], e, sub);
        }
    }
}

static void load_dests(struct pctx *pc, struct asset_rule *a, struct json_object *v,
                       const char *path)
{
    if (!want_type(pc, v, path, json_type_array, "a list of addresses"))
        return;
    size_t n = json_object_array_length(v);
    a->has_dests = true;
    if (!(a->dests = alloc_entries(pc, n, sizeof(*a->dests))))
        return;
    for (size_t i = 0; i < n && i < POLICY_LIST_MAX; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        char p[POLICY_PATH_MAX];
        join_index(p, path, i);
        const char *s = json_object_get_string(e);
        if (!json_object_is_type(e, json_type_string) || !*s || strlen(s) > 128)
            problem(pc, p, "expected an address (1 to 128 characters)");
        else if (!(a->dests[a->ndests++] = strdup(s)))
            pc->oom = true;
    }
}

static void load_asset(struct pctx *pc, struct asset_rule *a, const char *name,
                       struct json_object *o)
{
    static const char *const keys[] = {"destinations", "max_per_call", "max_per_window",
                                       "window_seconds", NULL};
    char path[POLICY_PATH_MAX], sub[POLICY_PATH_MAX];
    join(path, "assets", name);
    if (!(a->name = strdup(name)))
        pc->oom = true;
    if (!want_type(pc, o, path, json_type_object, "an object (destinations, max_per_call...)"))
        return;
    keys_known(pc, o, path, keys);
    struct json_object *e;
    if (json_object_object_get_ex(o, "destinations", &e)) {
        join(sub, path, "destinations");
        load_dests(pc, a, e, sub);
    }
    if (json_object_object_get_ex(o, "max_per_call", &e)) {
        join(sub, path, "max_per_call");
        a->has_call_cap = get_amount(pc, e, sub, &a->call_cap);
    }
    if (json_object_object_get_ex(o, "max_per_window", &e)) {
        join(sub, path, "max_per_window");
        a->has_window_cap = get_amount(pc, e, sub, &a->window_cap);
        a->window_secs = 86400;
        if (json_object_object_get_ex(o, "window_seconds", &e))
            get_uint(pc, o, path, "window_seconds", 1, 31 * 86400, &a->window_secs);
        a->w = calloc(1, sizeof(*a->w));
        if (!a->w)
            pc->oom = true;
    } else if (json_object_object_get_ex(o, "window_seconds", &e)) {
        join(sub, path, "window_seconds");
        problem(pc, sub, "needs max_per_window");
    }
}

static void load_assets(struct pctx *pc, struct policy *p, struct json_object *v)
{
    if (!want_type(pc, v, "assets", json_type_object, "an object of assets (\"BTC\": {...})"))
        return;
    size_t n = (size_t)json_object_object_length(v);
    if (!(p->assets = alloc_entries(pc, n, sizeof(*p->assets))))
        return;
    json_object_object_foreach(v, name, o)
    {
        if (!*name || strlen(name) > 16) {
            char path[POLICY_PATH_MAX];
            join(path, "assets", name);
            problem(pc, path, "an asset name has 1 to 16 characters (\"BTC\", \"ETH\", \"*\")");
            continue;
        }
        load_asset(pc, &p->assets[p->nassets++], name, o);
    }
}

/* "rate_limit": {"calls": N, "seconds": T}; "auth_failures": {"count": N, "seconds": T} */
static void load_pair(struct pctx *pc, struct json_object *v, const char *path, const char *nkey,
                      uint32_t *n, uint32_t *secs)
{
    const char *const keys[] = {nkey, "seconds", NULL};
    if (!want_type(pc, v, path, json_type_object, "an object") || !keys_known(pc, v, path, keys))
        return;
    uint32_t a = 0, b = 0;
    bool ok = get_uint(pc, v, path, nkey, 1, 1000000, &a);
    if (get_uint(pc, v, path, "seconds", 1, 31 * 86400, &b) && ok) {
        *n = a;
        *secs = b;
    }
}

static void load_top(struct pctx *pc, struct policy *p, struct json_object *root)
{
    static const char *const keys[] = {"version", "servers", "home_net_only", "classes",
                                       "assets", "rate_limit", "auth_failures", "max_callers",
                                       NULL};
    keys_known(pc, root, "", keys);
    struct json_object *v;
    uint32_t u;
    if (json_object_object_get_ex(root, "version", &v) && get_uint(pc, root, "", "version", 1, 1, &u))
        (void)u;
    if (json_object_object_get_ex(root, "servers", &v))
        load_servers(pc, p, v);
    if (json_object_object_get_ex(root, "home_net_only", &v) &&
        want_type(pc, v, "home_net_only", json_type_boolean, "true or false"))
        p->home_net_only = json_object_get_boolean(v);
    if (json_object_object_get_ex(root, "classes", &v))
        load_classes(pc, p, v);
    if (json_object_object_get_ex(root, "assets", &v))
        load_assets(pc, p, v);
    if (json_object_object_get_ex(root, "rate_limit", &v))
        load_pair(pc, v, "rate_limit", "calls", &p->rate_calls, &p->rate_secs);
    if (json_object_object_get_ex(root, "auth_failures", &v))
        load_pair(pc, v, "auth_failures", "count", &p->auth_count, &p->auth_secs);
    p->max_callers = POLICY_MAX_CALLERS_DEFAULT;
    if (json_object_object_get_ex(root, "max_callers", &v) &&
        get_uint(pc, root, "", "max_callers", 1, POLICY_MAX_CALLERS_LIMIT, &u))
        p->max_callers = u;
}

/* Returns the parsed text, or NULL with a located syntax error reported. */
static struct json_object *parse_json(struct pctx *pc)
{
    struct json_tokener *tok = json_tokener_new_ex(POLICY_JSON_DEPTH);
    if (!tok) {
        pc->oom = true;
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *o = json_tokener_parse_ex(tok, pc->text, (int)pc->len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    const char *what = NULL;
    if (err == json_tokener_continue)
        what = "unexpected end of file";
    else if (err != json_tokener_success)
        what = json_tokener_error_desc(err);
    for (size_t i = end; !what && i < pc->len; i++)
        if (pc->text[i] != ' ' && pc->text[i] != '\n' && pc->text[i] != '\t' && pc->text[i] != '\r') {
            what = "unexpected text after the policy object";
            end = i;
        }
    json_tokener_free(tok);
    if (!what)
        return o;
    json_object_put(o);
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < end && i < pc->len; i++, col++)
        if (pc->text[i] == '\n') {
            line++;
            col = 0;
        }
    char msg[512];
    snprintf(msg, sizeof(msg), "%s:%u:%u: syntax error: %s", pc->name, line, col, what);
    *pc->failed = true;
    if (pc->report)
        pc->report(pc->user, msg);
    return NULL;
}

static size_t pow2_at_least(size_t n)
{
    size_t s = 16;
    while (s < n)
        s *= 2;
    return s;
}

struct policy *policy_parse(const char *name, const char *text, size_t len, const char *home_net,
                            detectors_report_fn report, void *user, bool *failed)
{
    *failed = false;
    struct pctx pc = {name, text, len, NULL, 0, 0, NULL, 0, 0, report, user, failed, false};
    struct policy *p = calloc(1, sizeof(*p));
    struct json_object *root = p ? parse_json(&pc) : NULL;
    if (root && !json_object_is_type(root, json_type_object)) {
        problem(&pc, "", "the policy is a JSON object ({...})");
    } else if (root) {
        loc_scan(&pc);
        load_top(&pc, p, root);
    }
    json_object_put(root);
    if (p && !*failed && !pc.oom) {
        p->nhome = home_net ? conf_parse_cidrs(home_net, p->home, POLICY_HOME_MAX) : 0;
        p->nhome = p->nhome < 0 ? 0 : p->nhome;
        p->tab_size = pow2_at_least(p->max_callers);
        p->tab = calloc(p->tab_size, sizeof(*p->tab));
        pc.oom = !p->tab;
    }
    if (pc.oom && !*failed) {
        problem(&pc, "", "out of memory");
    }
    free(pc.locs);
    problems_flush(&pc);
    if (*failed) {
        policy_free(p);
        return NULL;
    }
    return p;
}

struct policy *policy_load(const char *path, const char *home_net, detectors_report_fn report,
                           void *user, bool *failed)
{
    char msg[1200];
    *failed = true;
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0 || st.st_size > (off_t)POLICY_FILE_MAX) {
        snprintf(msg, sizeof(msg), "%s: %s", path,
                 fp ? "larger than 4 MiB: not a wallet policy" : strerror(errno));
        if (fp)
            fclose(fp);
        if (report)
            report(user, msg);
        return NULL;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t n = text ? fread(text, 1, (size_t)st.st_size, fp) : 0;
    fclose(fp);
    if (!text) {
        snprintf(msg, sizeof(msg), "%s: out of memory", path);
        if (report)
            report(user, msg);
        return NULL;
    }
    text[n] = 0;
    struct policy *p = policy_parse(path, text, n, home_net, report, user, failed);
    free(text);
    return p;
}

void policy_free(struct policy *p)
{
    if (!p)
        return;
    free(p->servers);
    for (int c = 0; c < CLS_N; c++) {
        for (size_t i = 0; i < p->cls[c].ncallers; i++)
            free(p->cls[c].callers[i].user);
        free(p->cls[c].callers);
    }
    for (size_t a = 0; a < p->nassets; a++) {
        for (size_t i = 0; i < p->assets[a].ndests; i++)
            free(p->assets[a].dests[i]);
        free(p->assets[a].dests);
        free(p->assets[a].name);
        if (!p->assets[a].w_shared)
            free(p->assets[a].w);
    }
    free(p->assets);
    if (!p->sh)
        free(p->tab);
    free(p);
}

void policy_share(struct policy *p, struct policy_shared *sh)
{
    free(p->tab); /* tab_size <= POLICY_MAX_CALLERS_LIMIT: max_callers is checked at load */
    p->tab = policy_shared_callers(sh);
    p->sh = sh;
    for (size_t i = 0; i < p->nassets; i++) {
        struct asset_rule *a = &p->assets[i];
        struct asset_window *w = a->w ? policy_shared_window(sh, a->name) : NULL;
        if (w) { /* else (more windowed assets than slots) the window stays this worker's */
            free(a->w);
            a->w = w;
            a->w_shared = true;
        }
    }
}

void policy_get_stats(const struct policy *p, struct policy_stats *st)
{
    *st = p->st;
}

/* ---- judging a call ----------------------------------------------------------------- */

static struct json_object *caller_json(const struct wallet_call *c)
{
    char ip[64];
    policy_addr_text(&c->caller_ip, ip, sizeof(ip));
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "ip", json_object_new_string(ip));
    if (c->user.p)
        json_object_object_add(o, "user", eve_string(c->user.p, c->user.len));
    return o;
}

static struct json_object *finding(const struct wallet_call *c)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "caller", caller_json(c));
    json_object_object_add(o, "method", eve_string(c->method.p, c->method.len));
    json_object_object_add(o, "class", json_object_new_string(wallet_class_name(c->cls)));
    return o;
}

static void add_str(struct json_object *o, const char *key, const char *val)
{
    json_object_object_add(o, key, json_object_new_string(val));
}

static bool caller_matches(const struct caller_rule *r, const struct wallet_call *c)
{
    if (!r->any_net && !cidr_match(&r->net, &c->caller_ip))
        return false;
    if (!r->user)
        return true;
    return c->user.p && c->user.len == strlen(r->user) && memcmp(c->user.p, r->user, c->user.len) == 0;
}

static bool class_allows(const struct class_rule *r, const struct wallet_call *c)
{
    if (!r->present || !r->has_callers)
        return true;
    for (size_t i = 0; i < r->ncallers; i++)
        if (caller_matches(&r->callers[i], c))
            return true;
    return false;
}

static void check_caller(const struct policy *p, const struct wallet_call *c,
                         struct detector_verdict *out)
{
    int cls = c->cls < CLS_N ? (int)c->cls : WALLET_CLASS_UNKNOWN;
    if (class_allows(&p->cls[cls], c))
        return;
    struct json_object *allowed = json_object_new_array();
    for (int k = 0; k < CLS_N; k++)
        if (k != cls && p->cls[k].present && p->cls[k].has_callers && class_allows(&p->cls[k], c))
            json_object_array_add(allowed, json_object_new_string(class_keys[k]));
    struct json_object *d = finding(c);
    if (json_object_array_length(allowed) == 0) {
        json_object_put(allowed);
        detector_verdict_add(out, "wallet.caller_not_allowed", d);
        return;
    }
    json_object_object_add(d, "allowed_classes", allowed);
    detector_verdict_add(out, "wallet.method_class_not_allowed", d);
}

static void check_hours(const struct policy *p, const struct wallet_call *c,
                        const struct timeval *now, struct detector_verdict *out)
{
    const struct class_rule *r = &p->cls[c->cls < CLS_N ? c->cls : WALLET_CLASS_UNKNOWN];
    if (!r->present || !r->has_hours)
        return;
    unsigned sec = (unsigned)(((now->tv_sec % 86400) + 86400) % 86400), m = sec / 60;
    bool in = r->from_min < r->to_min ? m >= r->from_min && m < r->to_min
                                      : m >= r->from_min || m < r->to_min;
    if (in)
        return;
    char t[16];
    snprintf(t, sizeof(t), "%02u:%02u:%02u", sec / 3600, sec / 60 % 60, sec % 60);
    struct json_object *d = finding(c);
    add_str(d, "limit", r->hours);
    add_str(d, "observed", t);
    detector_verdict_add(out, "wallet.outside_hours", d);
}

/* Only calls that move value, touch keys or administer a wallet: queries
 * and unknown methods also reach public nodes and mining pools (getwork,
 * getblocktemplate, stratum), which are not wallet servers. */
static void check_server(const struct policy *p, const struct flow *f,
                         const struct wallet_call *c, struct detector_verdict *out)
{
    if (c->cls == WALLET_CLASS_READ || c->cls == WALLET_CLASS_UNKNOWN)
        return;
    const struct ww_addr *srv = policy_peer_of(f, &c->caller_ip);
    if (!p->has_servers || in_cidrs(p->servers, p->nservers, srv))
        return;
    char ip[64];
    policy_addr_text(srv, ip, sizeof(ip));
    struct json_object *d = finding(c);
    add_str(d, "observed", ip);
    json_object_object_add(d, "limit", json_object_new_int64((int64_t)p->nservers));
    add_str(d, "limit_is", "servers listed");
    detector_verdict_add(out, "wallet.unknown_server", d);
}

static void check_home(const struct policy *p, const struct wallet_call *c,
                       struct detector_verdict *out)
{
    if (!p->home_net_only || in_cidrs(p->home, (size_t)p->nhome, &c->caller_ip))
        return;
    struct json_object *d = finding(c);
    add_str(d, "limit", "$HOME_NET");
    detector_verdict_add(out, "wallet.call_from_outside_home_net", d);
}

static uint32_t caller_hash(const struct wallet_call *c)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < 16; i++)
        h = (h ^ c->caller_ip.a[i]) * 16777619u;
    for (size_t i = 0; c->user.p && i < c->user.len && i < CALLER_USER_MAX; i++)
        h = (h ^ c->user.p[i]) * 16777619u;
    return h;
}

/* The state of c's caller (address and user); the least recently seen of a
 * full probe run is evicted, and counted. */
static struct caller_state *caller_get(struct policy *p, const struct wallet_call *c, time_t now)
{
    size_t ulen = c->user.p ? (c->user.len < CALLER_USER_MAX ? c->user.len : CALLER_USER_MAX) : 0;
    uint32_t h = caller_hash(c);
    struct caller_state *victim = NULL;
    for (size_t k = 0; k < CALLER_PROBES; k++) {
        struct caller_state *e = &p->tab[(h + k) & (p->tab_size - 1)];
        if (e->used && e->ip.family == c->caller_ip.family &&
            memcmp(e->ip.a, c->caller_ip.a, 16) == 0 && e->user_len == ulen &&
            (!ulen || memcmp(e->user, c->user.p, ulen) == 0)) {
            e->last = now;
            return e;
        }
        if (!e->used) {
            victim = e;
            break;
        }
        if (!victim || e->last < victim->last)
            victim = e;
    }
    if (victim->used)
        p->st.callers_evicted++;
    else
        p->st.callers++;
    memset(victim, 0, sizeof(*victim));
    victim->used = true;
    victim->ip = c->caller_ip;
    victim->user_len = (uint8_t)ulen;
    if (ulen)
        memcpy(victim->user, c->user.p, ulen);
    victim->last = now;
    return victim;
}

/* Counts one event in a fixed window that opens at the first event; returns the count. */
static uint32_t window_count(time_t *start, uint32_t *count, time_t now, uint32_t secs)
{
    if (*count == 0 || now - *start >= (time_t)secs || now < *start) {
        *start = now;
        *count = 0;
    }
    return ++*count;
}

static void check_rates(struct policy *p, const struct wallet_call *c, const struct timeval *now,
                        struct detector_verdict *out)
{
    if (!p->rate_calls && !p->auth_count)
        return;
    struct caller_state *cs = caller_get(p, c, now->tv_sec);
    if (p->rate_calls &&
        window_count(&cs->rate_start, &cs->rate_count, now->tv_sec, p->rate_secs) ==
            p->rate_calls + 1) {
        struct json_object *d = finding(c);
        json_object_object_add(d, "limit", json_object_new_int64(p->rate_calls));
        json_object_object_add(d, "seconds", json_object_new_int64(p->rate_secs));
        json_object_object_add(d, "observed", json_object_new_int64(cs->rate_count));
        detector_verdict_add(out, "wallet.rate_exceeded", d);
    }
    if (p->auth_count && c->outcome == WALLET_OUTCOME_AUTH_FAILED &&
        window_count(&cs->auth_start, &cs->auth_count, now->tv_sec, p->auth_secs) ==
            p->auth_count) {
        struct json_object *d = finding(c);
        json_object_object_add(d, "limit", json_object_new_int64(p->auth_count));
        json_object_object_add(d, "seconds", json_object_new_int64(p->auth_secs));
        json_object_object_add(d, "observed", json_object_new_int64(cs->auth_count));
        detector_verdict_add(out, "wallet.auth_failure_burst", d);
    }
}

static struct asset_rule *asset_of(struct policy *p, const char *asset)
{
    struct asset_rule *any = NULL;
    for (size_t i = 0; i < p->nassets; i++) {
        if (asset && strcasecmp(p->assets[i].name, asset) == 0)
            return &p->assets[i];
        if (strcmp(p->assets[i].name, "*") == 0)
            any = &p->assets[i];
    }
    return any;
}

static bool dest_allowed(const struct asset_rule *a, const struct wallet_str *addr)
{
    for (size_t i = 0; i < a->ndests; i++)
        if (policy_addr_equal((const uint8_t *)a->dests[i], strlen(a->dests[i]), addr->p,
                              addr->len))
            return true;
    return false;
}

static void check_dests(const struct asset_rule *a, const struct wallet_call *c,
                        struct detector_verdict *out)
{
    if (!a->has_dests)
        return;
    struct json_object *bad = json_object_new_array();
    for (size_t i = 0; i < c->ndests; i++)
        if (c->dests[i].address.p && !dest_allowed(a, &c->dests[i].address))
            json_object_array_add(bad, eve_string(c->dests[i].address.p, c->dests[i].address.len));
    if (json_object_array_length(bad) == 0) {
        json_object_put(bad);
        return;
    }
    struct json_object *d = finding(c);
    add_str(d, "asset", c->asset ? c->asset : "unknown");
    json_object_object_add(d, "observed", bad);
    json_object_object_add(d, "limit", json_object_new_int64((int64_t)a->ndests));
    add_str(d, "limit_is", "destinations allowlisted");
    detector_verdict_add(out, "wallet.destination_not_allowed", d);
}

/* The amount the call moves: its total, else the sum of its destinations. */
static bool call_amount(const struct wallet_call *c, policy_dec *out)
{
    if (c->has_total)
        return policy_dec_parse(c->amount_total, strlen(c->amount_total), true, out);
    policy_dec sum = 0, v;
    bool any = false;
    for (size_t i = 0; i < c->ndests; i++) {
        if (!c->dests[i].has_amount)
            continue;
        if (!policy_dec_parse(c->dests[i].amount, strlen(c->dests[i].amount), true, &v))
            return false;
        sum = policy_dec_add(sum, v);
        any = true;
    }
    *out = sum;
    return any;
}

static void amount_finding(const struct wallet_call *c, const char *name, policy_dec limit,
                           const char *observed, struct detector_verdict *out)
{
    char lim[64];
    policy_dec_format(limit, lim, sizeof(lim));
    struct json_object *d = finding(c);
    add_str(d, "asset", c->asset ? c->asset : "unknown");
    add_str(d, "limit", lim);
    add_str(d, "observed", observed);
    detector_verdict_add(out, name, d);
}

/* Adds a send to the asset's window and returns the total within it. */
static policy_dec window_add(struct policy *p, struct asset_rule *a, time_t now, policy_dec v)
{
    struct asset_window *w = a->w;
    while (w->n && now - w->ring[w->head].t >= (time_t)a->window_secs) {
        w->sum -= w->ring[w->head].amount;
        if (w->sum < 0) /* only after saturating at 10^38 */
            w->sum = 0;
        w->head = (w->head + 1) % POLICY_WINDOW_ENTRIES;
        w->n--;
    }
    if (w->n == POLICY_WINDOW_ENTRIES) {
        /* Full: the oldest send joins the next one and stays as long as it does. */
        size_t next = (w->head + 1) % POLICY_WINDOW_ENTRIES;
        w->ring[next].amount = policy_dec_add(w->ring[next].amount, w->ring[w->head].amount);
        w->head = next;
        w->n--;
        p->st.window_merged++;
    }
    w->ring[(w->head + w->n) % POLICY_WINDOW_ENTRIES] = (struct window_entry){now, v};
    w->n++;
    w->sum = policy_dec_add(w->sum, v);
    return w->sum;
}

static void check_send(struct policy *p, const struct wallet_call *c, const struct timeval *now,
                       struct detector_verdict *out)
{
    struct asset_rule *a = asset_of(p, c->asset);
    if (!a)
        return;
    check_dests(a, c, out);
    policy_dec v;
    char obs[64];
    if (!call_amount(c, &v)) {
        if (c->sweep && a->has_call_cap)
            amount_finding(c, "wallet.amount_over_call_cap", a->call_cap, "whole balance (sweep)",
                           out);
        return;
    }
    policy_dec_format(v, obs, sizeof(obs));
    if (a->has_call_cap && v > a->call_cap)
        amount_finding(c, "wallet.amount_over_call_cap", a->call_cap, obs, out);
    bool moved = c->outcome == WALLET_OUTCOME_SUCCESS || c->outcome == WALLET_OUTCOME_NO_RESPONSE;
    if (!a->has_window_cap || !moved)
        return;
    policy_dec total = window_add(p, a, now->tv_sec, v);
    if (total <= a->window_cap)
        return;
    policy_dec_format(total, obs, sizeof(obs));
    amount_finding(c, "wallet.amount_over_window_cap", a->window_cap, obs, out);
    struct json_object *d = NULL;
    if (out->context && json_object_object_get_ex(out->context, "wallet.amount_over_window_cap", &d))
        json_object_object_add(d, "seconds", json_object_new_int64(a->window_secs));
}

void policy_on_call(struct policy *p, const struct flow *f, const struct wallet_call *c,
                    const struct timeval *now, const struct share_order *o,
                    struct detector_verdict *out)
{
    p->st.calls++;
    check_server(p, f, c, out);
    check_home(p, c, out);
    check_caller(p, c, out);
    check_hours(p, c, now, out);
    if (p->sh) /* the rest counts with the other workers, in capture order */
        policy_shared_lock(p->sh, o);
    check_rates(p, c, now, out);
    if (c->cls == WALLET_CLASS_SEND && c->outcome != WALLET_OUTCOME_AUTH_FAILED)
        check_send(p, c, now, out);
    if (p->sh)
        policy_shared_unlock(p->sh);
}

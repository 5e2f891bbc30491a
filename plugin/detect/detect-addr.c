/* detect-addr.c — rule addresses and ports (Suricata's header grammar).
 *
 * A group is a tree: a leaf is `any` or an inclusive range (an IPv4/IPv6
 * CIDR, an `a-b` address range, a port or `a:b` port range); a list holds
 * items, each possibly negated. A list matches when one of its positive
 * items matches (or it has none) and none of its negated items does, which
 * gives Suricata's meaning to `[10.0.0.0/8,!10.1.0.0/16]` and `!$HOME_NET`.
 * Variables expand recursively; expansion depth is capped and cycles are
 * reported rather than followed. Once parsed, a tree is compiled to the
 * ranges it matches (detect-ranges.h), and packets are matched on those. */
#include "detect-addr.h"
#include "detect-ranges.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_VAR_DEPTH 16 /* $A -> $B -> ... expansions */
#define ADDR_NEST_MAX 32  /* [ [ ... ] ] nesting */
#define ADDR_LEAF_MAX 128 /* longest single address or port text */

enum gnode_kind { GN_ANY, GN_RANGE, GN_LIST };

struct gnode {
    uint8_t kind; /* enum gnode_kind */
    bool neg;
    uint8_t family;         /* 4 or 6 for addresses, 0 for ports */
    uint8_t lo[16], hi[16]; /* GN_RANGE: inclusive, network order (ports: 2 bytes) */
    struct gnode *kids;     /* GN_LIST */
    uint32_t nkids;
};

/* The tree as written, and what it matches compiled to range sets. */
struct addr_group {
    struct gnode root;
    struct range_set v4, v6;
    bool all4, all6; /* every address of the family matches: `any`, the usual case */
};

struct port_group {
    struct gnode root;
    struct range_set ports;
    bool all;
};

struct gparse {
    const struct detect_vars *vars;
    bool ports;
    const char *stack[ADDR_VAR_DEPTH]; /* variables being expanded, for cycles */
    int nvars;
    int nest;
    char *err;
    size_t errlen;
};

/* ---- variables ------------------------------------------------------------- */

struct detect_var {
    char *name;
    char *value;
};

struct detect_vars {
    struct detect_var *v;
    size_t n;
};

/* Suricata's suricata.yaml defaults, plus walletwatch's own:
 *   WALLET_RPC_PORTS  the JSON-RPC ports of common wallets and nodes: Bitcoin
 *                     Core 8332 (mainnet), 18332 (testnet), 18443 (regtest);
 *                     Litecoin 9332, 19332, 19443; Ethereum/geth HTTP 8545 and
 *                     WebSocket 8546; Monero daemon 18081, wallet-rpc 18082,
 *                     18083, 18088; 7777 (common exchange/wallet admin port).
 *   WALLET_SERVERS    hosts running wallets or nodes; $HOME_NET by default. */
static const char *const vars_default[][2] = {
    {"EXTERNAL_NET", "!$HOME_NET"},
    {"HTTP_SERVERS", "$HOME_NET"},
    {"SMTP_SERVERS", "$HOME_NET"},
    {"SQL_SERVERS", "$HOME_NET"},
    {"DNS_SERVERS", "$HOME_NET"},
    {"TELNET_SERVERS", "$HOME_NET"},
    {"AIM_SERVERS", "$HOME_NET"},
    {"DC_SERVERS", "$HOME_NET"},
    {"DNP3_SERVER", "$HOME_NET"},
    {"DNP3_CLIENT", "$HOME_NET"},
    {"MODBUS_CLIENT", "$HOME_NET"},
    {"MODBUS_SERVER", "$HOME_NET"},
    {"ENIP_CLIENT", "$HOME_NET"},
    {"ENIP_SERVER", "$HOME_NET"},
    {"HTTP_PORTS", "80"},
    {"SHELLCODE_PORTS", "!80"},
    {"ORACLE_PORTS", "1521"},
    {"SSH_PORTS", "22"},
    {"DNP3_PORTS", "20000"},
    {"MODBUS_PORTS", "502"},
    {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
    {"FTP_PORTS", "21"},
    {"GENEVE_PORTS", "6081"},
    {"VXLAN_PORTS", "4789"},
    {"TEREDO_PORTS", "3544"},
    {"WALLET_RPC_PORTS",
     "[8332,9332,18332,18443,19332,19443,8545,8546,18081,18082,18083,18088,7777]"},
    {"WALLET_SERVERS", "$HOME_NET"},
};

static const struct detect_var *vars_get(const struct detect_vars *v, const char *name, size_t len)
{
    for (size_t i = 0; v != NULL && i < v->n; i++)
        if (strlen(v->v[i].name) == len && memcmp(v->v[i].name, name, len) == 0)
            return &v->v[i];
    return NULL;
}

int detect_vars_set(struct detect_vars *v, const char *name, const char *value)
{
    char *val = strdup(value);
    if (val == NULL)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->v[i].name, name) == 0) {
            free(v->v[i].value);
            v->v[i].value = val;
            return 0;
        }
    }
    struct detect_var *nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
    char *nm = strdup(name);
    if (nv == NULL || nm == NULL) {
        if (nv != NULL)
            v->v = nv;
        free(nm);
        free(val);
        return -1;
    }
    v->v = nv;
    v->v[v->n].name = nm;
    v->v[v->n].value = val;
    v->n++;
    return 0;
}

/* home-net is "a,b,c" in the configuration; as a variable it is a list. */
static int vars_set_home(struct detect_vars *v, const char *home_net)
{
    if (home_net == NULL || *home_net == '\0')
        return detect_vars_set(v, "HOME_NET", "any");
    if (home_net[0] == '[' || strchr(home_net, ',') == NULL)
        return detect_vars_set(v, "HOME_NET", home_net);
    size_t n = strlen(home_net) + 3;
    char *list = malloc(n);
    if (list == NULL)
        return -1;
    snprintf(list, n, "[%s]", home_net);
    int rc = detect_vars_set(v, "HOME_NET", list);
    free(list);
    return rc;
}

struct detect_vars *detect_vars_new(const char *home_net)
{
    struct detect_vars *v = calloc(1, sizeof(*v));
    if (v == NULL)
        return NULL;
    if (vars_set_home(v, home_net) < 0)
        goto fail;
    for (size_t i = 0; i < sizeof(vars_default) / sizeof(vars_default[0]); i++)
        if (detect_vars_set(v, vars_default[i][0], vars_default[i][1]) < 0)
            goto fail;
    return v;
fail:
    detect_vars_free(v);
    return NULL;
}

void detect_vars_free(struct detect_vars *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].name);
        free(v->v[i].value);
    }
    free(v->v);
    free(v);
}

/* ---- parsing ------------------------------------------------------------------ */

static void gnode_clear(struct gnode *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        gnode_clear(&n->kids[i]);
    free(n->kids);
    n->kids = NULL;
    n->nkids = 0;
}

static int gp_fail(struct gparse *gp, const char *what, const char *s, size_t len)
{
    snprintf(gp->err, gp->errlen, "%s '%.*s'", what, (int)len, s);
    return -1;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static bool parse_u16(const char *s, size_t len, uint16_t *out)
{
    char buf[8];
    if (len == 0 || len >= sizeof(buf) || s[0] < '0' || s[0] > '9')
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(buf, &end, 10);
    if (errno || *end != '\0' || v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* 80, 1024:, :1024, 80:90 */
static int parse_port_leaf(struct gparse *gp, const char *s, size_t len, struct gnode *out)
{
    const char *colon = memchr(s, ':', len);
    uint16_t lo = 0, hi = 65535;
    if (colon == NULL) {
        if (!parse_u16(s, len, &lo))
            return gp_fail(gp, "bad port", s, len);
        hi = lo;
    } else {
        size_t llen = (size_t)(colon - s), rlen = len - llen - 1;
        if ((llen == 0 && rlen == 0) || (llen > 0 && !parse_u16(s, llen, &lo)) ||
            (rlen > 0 && !parse_u16(colon + 1, rlen, &hi)) || lo > hi)
            return gp_fail(gp, "bad port", s, len);
    }
    out->kind = GN_RANGE;
    put_be16(out->lo, lo);
    put_be16(out->hi, hi);
    return 0;
}

static bool parse_ip(const char *s, uint8_t *family, uint8_t a[16])
{
    memset(a, 0, 16);
    if (inet_pton(AF_INET, s, a) == 1) {
        *family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, s, a) == 1) {
        *family = 6;
        return true;
    }
    return false;
}

/* Prefix length from "24" or, for IPv4, a contiguous dotted mask "255.255.255.0". */
static bool parse_prefix(const char *s, uint8_t family, unsigned *prefix)
{
    unsigned max = family == 4 ? 32 : 128;
    uint8_t m[16];
    if (family == 4 && strchr(s, '.') != NULL) {
        if (inet_pton(AF_INET, s, m) != 1)
            return false;
        uint32_t mask = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
        uint32_t inv = ~mask;
        if ((inv & (inv + 1)) != 0) /* ones then zeros only */
            return false;
        *prefix = (unsigned)__builtin_popcount(mask);
        return true;
    }
    char *end = NULL;
    errno = 0;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return false;
    *prefix = (unsigned)v;
    return true;
}

static void cidr_range(struct gnode *n, const uint8_t a[16], unsigned prefix)
{
    size_t alen = n->family == 4 ? 4 : 16;
    for (size_t i = 0; i < alen; i++) {
        unsigned bits = prefix >= 8 * (i + 1) ? 8 : (prefix > 8 * i ? prefix - 8 * i : 0);
        uint8_t mask = (uint8_t)(bits == 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
        n->lo[i] = a[i] & mask;
        n->hi[i] = (uint8_t)(a[i] | (uint8_t)~mask);
    }
}

/* 1.2.3.4, 1.2.3.0/24, 1.2.3.0/255.255.255.0, fd00::/8, 1.2.3.4-1.2.3.9 */
static int parse_addr_leaf(struct gparse *gp, const char *s, size_t len, struct gnode *out)
{
    char buf[ADDR_LEAF_MAX];
    if (len >= sizeof(buf))
        return gp_fail(gp, "bad address", s, len);
    memcpy(buf, s, len);
    buf[len] = '\0';
    uint8_t a[16], b[16], fb;
    char *dash = strchr(buf, '-'), *slash = strchr(buf, '/');
    out->kind = GN_RANGE;
    if (dash != NULL && slash == NULL) {
        *dash = '\0';
        if (!parse_ip(buf, &out->family, a) || !parse_ip(dash + 1, &fb, b) || fb != out->family ||
            memcmp(a, b, 16) > 0)
            return gp_fail(gp, "bad address", s, len);
        memcpy(out->lo, a, 16);
        memcpy(out->hi, b, 16);
        return 0;
    }
    if (slash != NULL)
        *slash = '\0';
    if (!parse_ip(buf, &out->family, a))
        return gp_fail(gp, "bad address", s, len);
    unsigned prefix = out->family == 4 ? 32 : 128;
    if (slash != NULL && !parse_prefix(slash + 1, out->family, &prefix))
        return gp_fail(gp, "bad address", s, len);
    cidr_range(out, a, prefix);
    return 0;
}

static int parse_list(struct gparse *gp, const char *s, size_t len, struct gnode *out);

/* $NAME: the variable's text is parsed as a list, with NAME on the stack so
 * that a variable reaching itself again is reported instead of recursing. */
static int parse_var(struct gparse *gp, const char *s, size_t len, struct gnode *out)
{
    const struct detect_var *var = vars_get(gp->vars, s + 1, len - 1);
    if (var == NULL)
        return gp_fail(gp, "unknown variable", s, len);
    for (int i = 0; i < gp->nvars; i++)
        if (gp->stack[i] == var->name)
            return gp_fail(gp, "variable cycle at", s, len);
    if (gp->nvars >= ADDR_VAR_DEPTH)
        return gp_fail(gp, "variables nested too deeply at", s, len);
    gp->stack[gp->nvars++] = var->name;
    int rc = parse_list(gp, var->value, strlen(var->value), out);
    gp->nvars--;
    return rc;
}

/* Index of the ']' closing the '[' at s[0], or len when there is none. */
static size_t close_bracket(const char *s, size_t len)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '[')
            depth++;
        else if (s[i] == ']' && --depth == 0)
            return i;
    }
    return len;
}

static bool is_any(const char *s, size_t len)
{
    return len == 3 && memcmp(s, "any", 3) == 0;
}

static int parse_item(struct gparse *gp, const char *s, size_t len, struct gnode *out)
{
    trim(&s, &len);
    memset(out, 0, sizeof(*out));
    if (len == 0) {
        snprintf(gp->err, gp->errlen, "empty %s in a list", gp->ports ? "port" : "address");
        return -1;
    }
    if (s[0] == '!') {
        if (parse_item(gp, s + 1, len - 1, out) < 0)
            return -1;
        if (out->kind == GN_ANY && !out->neg) {
            gnode_clear(out);
            snprintf(gp->err, gp->errlen, "'!any' is not allowed");
            return -1;
        }
        out->neg = !out->neg;
        return 0;
    }
    if (s[0] == '[') {
        size_t close = close_bracket(s, len);
        if (close != len - 1)
            return gp_fail(gp, "unbalanced brackets in", s, len);
        if (gp->nest >= ADDR_NEST_MAX)
            return gp_fail(gp, "lists nested too deeply in", s, len);
        gp->nest++;
        int rc = parse_list(gp, s + 1, len - 2, out);
        gp->nest--;
        return rc;
    }
    if (s[0] == '$')
        return parse_var(gp, s, len, out);
    if (is_any(s, len)) {
        out->kind = GN_ANY;
        return 0;
    }
    return gp->ports ? parse_port_leaf(gp, s, len, out) : parse_addr_leaf(gp, s, len, out);
}

static int list_add(struct gparse *gp, struct gnode *list, const char *s, size_t len)
{
    struct gnode *k = realloc(list->kids, (list->nkids + 1) * sizeof(*k));
    if (k == NULL) {
        snprintf(gp->err, gp->errlen, "out of memory");
        return -1;
    }
    list->kids = k;
    if (parse_item(gp, s, len, &k[list->nkids]) < 0)
        return -1;
    list->nkids++;
    return 0;
}

/* A one-item list is that item (with the list's negation folded in). */
static void list_unwrap(struct gnode *n)
{
    if (n->kind != GN_LIST || n->nkids != 1)
        return;
    struct gnode *kids = n->kids;
    bool neg = n->neg != kids[0].neg;
    *n = kids[0];
    n->neg = neg;
    free(kids);
}

/* "a, b, [c, !d]": items split at top-level commas. */
static int parse_list(struct gparse *gp, const char *s, size_t len, struct gnode *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = GN_LIST;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] == '[')
            depth++;
        else if (i < len && s[i] == ']' && --depth < 0)
            break;
        if (i < len && (s[i] != ',' || depth > 0))
            continue;
        if (list_add(gp, out, s + start, i - start) < 0) {
            gnode_clear(out);
            return -1;
        }
        start = i + 1;
    }
    if (depth != 0) {
        gnode_clear(out);
        return gp_fail(gp, "unbalanced brackets in", s, len);
    }
    list_unwrap(out);
    return 0;
}

static int group_parse(struct gnode *root, const char *text, const struct detect_vars *vars,
                       bool ports, char *err, size_t errlen)
{
    struct gparse gp = {.vars = vars, .ports = ports, .err = err, .errlen = errlen};
    if (text == NULL)
        text = "";
    size_t len = strlen(text);
    const char *s = text;
    trim(&s, &len);
    if (len == 0) {
        snprintf(err, errlen, "%s", ports ? "empty port" : "empty address");
        return -1;
    }
    return parse_item(&gp, s, len, root);
}

/* ---- compiling a tree to the values it matches ------------------------------------ */

static int compile_node(const struct gnode *n, uint8_t family, size_t klen, struct range_set *out);

static int replace(struct range_set *acc, int (*op)(struct range_set *, const struct range_set *,
                                                    const struct range_set *),
                   const struct range_set *with)
{
    struct range_set next;
    int rc = op(&next, acc, with);
    range_set_free(acc);
    *acc = next;
    return rc;
}

/* A list: in one of its positive items (or it has none), and in what each
 * negated item matches (that is, outside the item it negates). */
static int compile_list(const struct gnode *n, uint8_t family, size_t klen, range_value max,
                        struct range_set *out)
{
    struct range_set pos = {0}, need;
    bool has_pos = false;
    int rc = range_set_single(&need, 0, max);
    for (uint32_t i = 0; rc == 0 && i < n->nkids; i++) {
        struct range_set kid;
        rc = compile_node(&n->kids[i], family, klen, &kid);
        if (rc == 0 && n->kids[i].neg) {
            rc = replace(&need, range_set_intersect, &kid);
        } else if (rc == 0) {
            rc = replace(&pos, range_set_union, &kid);
            has_pos = true;
        }
        range_set_free(&kid);
    }
    if (rc == 0 && has_pos) {
        rc = range_set_intersect(out, &pos, &need);
    } else if (rc == 0) {
        *out = need;
        need = (struct range_set){0};
    }
    range_set_free(&pos);
    range_set_free(&need);
    return rc;
}

/* The values of one family (4, 6; 0 for ports) for which gnode_match(n) holds. */
static int compile_node(const struct gnode *n, uint8_t family, size_t klen, struct range_set *out)
{
    range_value max = klen == 16 ? ~(range_value)0 : ((range_value)1 << (8 * klen)) - 1;
    struct range_set core = {0};
    int rc = 0;
    if (n->kind == GN_ANY)
        rc = range_set_single(&core, 0, max);
    else if (n->kind == GN_RANGE && n->family == family)
        rc = range_set_single(&core, range_value_of(n->lo, klen), range_value_of(n->hi, klen));
    else if (n->kind == GN_LIST)
        rc = compile_list(n, family, klen, max, &core);
    if (rc == 0 && n->neg) {
        rc = range_set_complement(out, &core, max);
        range_set_free(&core);
    } else {
        *out = core;
    }
    return rc;
}

struct addr_group *addr_group_parse(const char *text, const struct detect_vars *vars, char *err,
                                    size_t errlen)
{
    struct addr_group *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (group_parse(&g->root, text, vars, false, err, errlen) < 0) {
        free(g);
        return NULL;
    }
    if (compile_node(&g->root, 4, 4, &g->v4) < 0 || compile_node(&g->root, 6, 16, &g->v6) < 0) {
        addr_group_free(g);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->all4 = range_set_is_all(&g->v4, UINT32_MAX);
    g->all6 = range_set_is_all(&g->v6, ~(range_value)0);
    return g;
}

struct port_group *port_group_parse(const char *text, const struct detect_vars *vars, char *err,
                                    size_t errlen)
{
    struct port_group *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (group_parse(&g->root, text, vars, true, err, errlen) < 0) {
        free(g);
        return NULL;
    }
    if (compile_node(&g->root, 0, 2, &g->ports) < 0) {
        port_group_free(g);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->all = range_set_is_all(&g->ports, UINT16_MAX);
    return g;
}

/* ---- matching ----------------------------------------------------------------- */

bool addr_group_match(const struct addr_group *g, const struct ww_addr *a)
{
    if (a->family == 4)
        return g->all4 || range_set_has(&g->v4, range_value_of(a->a, 4));
    return a->family == 6 && (g->all6 || range_set_has(&g->v6, range_value_of(a->a, 16)));
}

bool port_group_match(const struct port_group *g, uint16_t port)
{
    return g->all || range_set_has(&g->ports, port);
}

bool addr_group_is_any(const struct addr_group *g)
{
    return g->root.kind == GN_ANY && !g->root.neg;
}

bool port_group_is_any(const struct port_group *g)
{
    return g->root.kind == GN_ANY && !g->root.neg;
}

void addr_group_free(struct addr_group *g)
{
    if (g == NULL)
        return;
    gnode_clear(&g->root);
    range_set_free(&g->v4);
    range_set_free(&g->v6);
    free(g);
}

void port_group_free(struct port_group *g)
{
    if (g == NULL)
        return;
    gnode_clear(&g->root);
    range_set_free(&g->ports);
    free(g);
}

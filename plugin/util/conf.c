/* conf.c — settings: defaults, typed parsing, and the YAML-subset file loader. */
#include "conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conf_def {
    const char *key;
    enum conf_type type;
    const char *def;
    uint64_t max;
};

static const struct conf_def conf_defs[CONF_COUNT] = {
#define CONF_DEF(e, key, type, def, max, doc) {key, type, def, max},
    CONF_KEYS(CONF_DEF)
#undef CONF_DEF
};

#define CONF_MAX_CIDRS 256
#define CONF_LINE_MAX 1024
#define CONF_DEPTH_MAX 8

uint64_t conf_num(const ww_config *cfg, enum conf_key k)
{
    return cfg->num[k];
}

const char *conf_str(const ww_config *cfg, enum conf_key k)
{
    return cfg->str[k];
}

static bool parse_u64(const char *s, uint64_t *out, const char **unit)
{
    errno = 0;
    char *end = NULL;
    if (!isdigit((unsigned char)*s))
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    *out = v;
    *unit = end;
    return true;
}

static bool parse_size(const char *s, uint64_t *out)
{
    const char *unit;
    uint64_t v;
    if (!parse_u64(s, &v, &unit))
        return false;
    static const struct {
        const char *name;
        uint64_t mult;
    } units[] = {{"", 1},       {"b", 1},         {"kb", 1024},    {"k", 1024},     {"mb", 1 << 20},
                 {"m", 1 << 20}, {"gb", 1 << 30}, {"g", 1 << 30}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(unit, units[i].name) == 0) {
            if (v > UINT64_MAX / units[i].mult)
                return false;
            *out = v * units[i].mult;
            return true;
        }
    }
    return false;
}

static bool parse_bool(const char *s, uint64_t *out)
{
    static const char *yes[] = {"yes", "true", "on", "1"};
    static const char *no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return true;
        }
    }
    return false;
}

static bool parse_cidr(const char *s, size_t len, struct conf_cidr *c)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = 0;
    memset(c, 0, sizeof(*c));
    if (inet_pton(AF_INET, buf, c->addr) == 1) {
        c->family = 4;
        c->prefix = 32;
    } else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
        c->family = 6;
        c->prefix = 128;
    } else {
        return false;
    }
    if (slash) {
        const char *unit;
        uint64_t p;
        if (!parse_u64(slash + 1, &p, &unit) || *unit || p > c->prefix)
            return false;
        c->prefix = (uint8_t)p;
    }
    return true;
}

int conf_parse_cidrs(const char *text, struct conf_cidr *out, int max)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, ", ");
        if (n >= max || !parse_cidr(p, len, &out[n]))
            return -1;
        n++;
        p += len;
    }
    return n;
}

static int conf_find(const char *key)
{
    for (int i = 0; i < CONF_COUNT; i++)
        if (strcmp(conf_defs[i].key, key) == 0)
            return i;
    return -1;
}

/* Sets one key; on failure writes a message without location into err. */
static int conf_apply(ww_config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
    int k = conf_find(key);
    if (k < 0) {
        snprintf(err, errlen, "unknown configuration key '%s'", key);
        return WW_E_CONFIG;
    }
    const struct conf_def *d = &conf_defs[k];
    uint64_t v = 0;
    bool ok = true;
    const char *unit;
    struct conf_cidr cidrs[CONF_MAX_CIDRS];
    switch (d->type) {
    case CONF_SIZE:
        ok = parse_size(value, &v);
        break;
    case CONF_UINT:
        ok = parse_u64(value, &v, &unit) && *unit == 0 && v <= d->max;
        break;
    case CONF_BOOL:
        ok = parse_bool(value, &v);
        break;
    case CONF_CIDRS:
        ok = conf_parse_cidrs(value, cidrs, CONF_MAX_CIDRS) >= 0;
        break;
    case CONF_STR:
        break;
    }
    if (!ok) {
        static const char *what[] = {"a size (e.g. 64mb)", "a whole number", "yes or no",
                                     "a comma-separated list of CIDRs", "text"};
        if (d->type == CONF_UINT)
            snprintf(err, errlen, "'%s' for %s: expected a whole number from 0 to %llu", value,
                     key, (unsigned long long)d->max);
        else
            snprintf(err, errlen, "'%s' for %s: expected %s", value, key, what[d->type]);
        return WW_E_CONFIG;
    }
    char *copy = strdup(value);
    if (!copy)
        return WW_E_NOMEM;
    free(cfg->str[k]);
    cfg->str[k] = copy;
    cfg->num[k] = v;
    return 0;
}

WW_EXPORT void ww_config_free(ww_config *cfg)
{
    if (!cfg)
        return;
    for (int i = 0; i < CONF_COUNT; i++)
        free(cfg->str[i]);
    free(cfg);
}

WW_EXPORT ww_config *ww_config_new(void)
{
    ww_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        return NULL;
    char err[256];
    for (int i = 0; i < CONF_COUNT; i++) {
        if (conf_apply(cfg, conf_defs[i].key, conf_defs[i].def, err, sizeof(err)) != 0) {
            ww_config_free(cfg);
            return NULL;
        }
    }
    return cfg;
}

ww_config *conf_dup(const ww_config *src)
{
    ww_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        return NULL;
    for (int i = 0; i < CONF_COUNT; i++) {
        cfg->num[i] = src->num[i];
        cfg->str[i] = strdup(src->str[i]);
        if (!cfg->str[i]) {
            ww_config_free(cfg);
            return NULL;
        }
    }
    return cfg;
}

WW_EXPORT int ww_config_set(ww_config *cfg, const char *key, const char *value, char *err,
                            size_t errlen)
{
    if (!cfg || !key || !value)
        return WW_E_INVAL;
    char msg[512];
    int rc = conf_apply(cfg, key, value, msg, sizeof(msg));
    if (rc != 0 && err)
        snprintf(err, errlen, "%s", msg);
    return rc;
}

WW_EXPORT const char *ww_config_get(const ww_config *cfg, const char *key)
{
    int k = cfg && key ? conf_find(key) : -1;
    return k < 0 ? "" : cfg->str[k];
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/* Removes a '#' comment that is not inside quotes, then strips quotes from the value. */
static void strip_comment(char *s)
{
    char quote = 0;
    for (char *p = s; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
            *p = 0;
            return;
        }
    }
}

static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = 0;
        return v + 1;
    }
    return v;
}

struct conf_block {
    int indent;
    char prefix[256];
};

/* One line of the file: a `name:` block opener or a `key: value` setting. */
static int conf_line(ww_config *cfg, char *line, struct conf_block *stack, int *depth, char *msg,
                     size_t msglen)
{
    strip_comment(line);
    int indent = (int)strspn(line, " ");
    if (line[indent] == '\t') {
        snprintf(msg, msglen, "tabs are not allowed for indentation");
        return WW_E_CONFIG;
    }
    char *body = trim(line);
    if (!*body || strcmp(body, "---") == 0 || body[0] == '%')
        return 0;
    if (body[0] == '-') {
        snprintf(msg, msglen, "lists are not supported; use a comma-separated value");
        return WW_E_CONFIG;
    }
    char *colon = strchr(body, ':');
    if (!colon) {
        snprintf(msg, msglen, "expected 'key: value'");
        return WW_E_CONFIG;
    }
    *colon = 0;
    char *key = trim(body);
    char *value = unquote(trim(colon + 1));
    while (*depth > 0 && stack[*depth - 1].indent >= indent)
        (*depth)--;
    char full[256];
    int n = snprintf(full, sizeof(full), "%s%s%s", *depth ? stack[*depth - 1].prefix : "",
                     *depth ? "." : "", key);
    if (n < 0 || (size_t)n >= sizeof(full) || !*key) {
        snprintf(msg, msglen, "bad key");
        return WW_E_CONFIG;
    }
    if (*value)
        return conf_apply(cfg, full, value, msg, msglen);
    if (*depth >= CONF_DEPTH_MAX) {
        snprintf(msg, msglen, "nested too deeply");
        return WW_E_CONFIG;
    }
    stack[*depth].indent = indent;
    snprintf(stack[*depth].prefix, sizeof(stack[*depth].prefix), "%s", full);
    (*depth)++;
    return 0;
}

WW_EXPORT int ww_config_load(ww_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return WW_E_CONFIG;
    }
    struct conf_block stack[CONF_DEPTH_MAX];
    int depth = 0;
    char line[CONF_LINE_MAX + 2];
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        lineno++;
        char msg[512];
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(msg, sizeof(msg), "line longer than %d bytes", CONF_LINE_MAX);
            rc = WW_E_CONFIG;
        } else {
            rc = conf_line(cfg, line, stack, &depth, msg, sizeof(msg));
        }
        if (rc != 0)
            snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
    }
    fclose(f);
    return rc;
}

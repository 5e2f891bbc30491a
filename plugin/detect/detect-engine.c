/* detect-engine.c — loading a ruleset: rule files and directories, the
 * configuration files beside them, duplicate sids, and the inspection groups
 * with their Hyperscan prefilters (detect-engine-int.h). Running the rules
 * is detect-run.c. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../include/walletwatch.h"
#include "../util/hash.h"
#include "detect-engine-int.h"
#include "rule-parse.h"

#define MAX_RULE_FILES 4096

struct load_ctx {
    struct detect_engine *de;
    detect_report_fn report;
    void *user;
    unsigned failed;
    bool oom;
    /* gid:sid of the rules kept, open addressing: slot = index in de->rules + 1,
     * 0 empty; at most half full. Rule sets run to tens of thousands of rules. */
    uint32_t *sid_slots;
    size_t sid_cap; /* a power of two */
};

static uint64_t sid_key(const struct rule *r)
{
    return (uint64_t)r->gid << 32 | r->sid;
}

/* The slot of r's gid:sid: the kept rule with it, or the empty slot for it. */
static uint32_t *sid_slot(const struct load_ctx *lc, const struct rule *r)
{
    size_t mask = lc->sid_cap - 1, i = (size_t)mix64(sid_key(r)) & mask;
    while (lc->sid_slots[i] != 0 && sid_key(lc->de->rules[lc->sid_slots[i] - 1]) != sid_key(r))
        i = (i + 1) & mask;
    return &lc->sid_slots[i];
}

/* Keeps the table at most half full; false when out of memory. */
static bool sid_reserve(struct load_ctx *lc)
{
    if (2 * (lc->de->nrules + 1) <= lc->sid_cap)
        return true;
    size_t cap = lc->sid_cap ? 2 * lc->sid_cap : 1024;
    uint32_t *old = lc->sid_slots;
    size_t old_cap = lc->sid_cap;
    lc->sid_slots = calloc(cap, sizeof(*lc->sid_slots));
    if (!lc->sid_slots) {
        lc->sid_slots = old;
        return false;
    }
    lc->sid_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != 0)
            *sid_slot(lc, lc->de->rules[old[i] - 1]) = old[i];
    free(old);
    return true;
}

static void load_report(void *user, const char *msg)
{
    struct load_ctx *lc = user;
    lc->report(lc->user, msg);
}

static void load_error(void *user, const char *msg)
{
    struct load_ctx *lc = user;
    lc->failed++;
    lc->report(lc->user, msg);
}

/* Keeps a parsed rule unless its gid:sid was seen before. */
static void load_rule(void *user, struct rule *r)
{
    struct load_ctx *lc = user;
    struct detect_engine *de = lc->de;
    if (!sid_reserve(lc)) {
        lc->oom = true;
        rule_free(r);
        return;
    }
    uint32_t *slot = sid_slot(lc, r);
    if (*slot != 0) {
        const struct rule *o = de->rules[*slot - 1];
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s:%u: duplicate sid %u (first at %s:%u)", r->file, r->line,
                 r->sid, o->file, o->line);
        load_error(user, msg);
        rule_free(r);
        return;
    }
    if (de->nrules == de->cap) {
        size_t cap = de->cap ? de->cap * 2 : 256;
        struct rule **n = realloc(de->rules, cap * sizeof(*n));
        if (!n) {
            lc->oom = true;
            rule_free(r);
            return;
        }
        de->rules = n;
        de->cap = cap;
    }
    de->rules[de->nrules++] = r;
    *slot = (uint32_t)de->nrules;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The *.rules files of a directory, in name order; NULL with errno on failure. */
static char **list_rule_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = calloc(MAX_RULE_FILES, sizeof(*names));
    *n = 0;
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL && *n < MAX_RULE_FILES) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".rules"))
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        if (!p)
            break;
        snprintf(p, len, "%s/%s", dir, e->d_name);
        names[(*n)++] = p;
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof(*names), cmp_str);
    return names;
}

static int load_file(const char *path, const struct rule_parse_ctx *pc, struct load_ctx *lc)
{
    char err[1024];
    int bad = rule_file_load(path, pc, load_rule, load_error, lc, err, sizeof(err));
    if (bad < 0) {
        lc->report(lc->user, err);
        return WW_E_CONFIG;
    }
    return 0;
}

static int load_path(const char *path, struct rule_parse_ctx *pc, struct load_ctx *lc)
{
    struct stat st;
    char msg[1200];
    if (stat(path, &st) != 0) {
        snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
        lc->report(lc->user, msg);
        return WW_E_CONFIG;
    }
    if (!S_ISDIR(st.st_mode)) {
        char dir[1024];
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        pc->rule_dir = slash ? dir : ".";
        int rc = load_file(path, pc, lc);
        pc->rule_dir = NULL;
        return rc;
    }
    size_t n = 0;
    char **files = list_rule_files(path, &n);
    if (!files) {
        snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
        lc->report(lc->user, msg);
        return WW_E_CONFIG;
    }
    int rc = 0;
    pc->rule_dir = path;
    for (size_t i = 0; i < n; i++) {
        if (load_file(files[i], pc, lc) != 0)
            rc = WW_E_CONFIG;
        free(files[i]);
    }
    pc->rule_dir = NULL;
    free(files);
    return rc;
}

/* NAME beside the first rule path (the path itself when it is a directory). */
static void beside_rules(const struct detect_config *cfg, const char *name, char *out, size_t len)
{
    struct stat st;
    const char *first = cfg->npaths ? cfg->paths[0] : ".";
    if (stat(first, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(out, len, "%s/%s", first, name);
        return;
    }
    const char *slash = strrchr(first, '/');
    if (!slash)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "%.*s/%s", (int)(slash - first), first, name);
}

/* The given path, else NAME beside the rules, else in the fallback
 * directory, when it exists. */
static const char *config_file(const struct detect_config *cfg, const char *given,
                               const char *name, char *buf, size_t len)
{
    if (given)
        return given;
    struct stat st;
    beside_rules(cfg, name, buf, len);
    if (stat(buf, &st) == 0)
        return buf;
    if (!cfg->fallback_dir)
        return NULL;
    snprintf(buf, len, "%s/%s", cfg->fallback_dir, name);
    return stat(buf, &st) == 0 ? buf : NULL;
}

static int load_configs(struct detect_engine *de, const struct detect_config *cfg,
                        struct load_ctx *lc)
{
    char cbuf[1024], rbuf[1024], tbuf[1024], err[1200];
    const char *cpath =
        config_file(cfg, cfg->classification_file, "classification.config", cbuf, sizeof(cbuf));
    const char *rpath = config_file(cfg, cfg->reference_file, "reference.config", rbuf, sizeof(rbuf));
    de->classes = classification_load(cpath, rpath, load_report, lc, err, sizeof(err));
    if (!de->classes) {
        lc->report(lc->user, err);
        return WW_E_CONFIG;
    }
    const char *tpath = config_file(cfg, cfg->threshold_file, "threshold.config", tbuf, sizeof(tbuf));
    de->thresholds = threshold_new(cfg->threshold_memcap, cfg->threshold_shared);
    if (!de->thresholds)
        return WW_E_NOMEM;
    if (tpath && threshold_load(de->thresholds, tpath, load_error, lc, err, sizeof(err)) < 0) {
        lc->report(lc->user, err);
        return WW_E_CONFIG;
    }
    return 0;
}

int detect_engine_load(const struct detect_config *cfg, detect_report_fn report, void *user,
                       struct detect_engine **out, struct detect_load_stats *stats)
{
    *out = NULL;
    struct detect_engine *de = calloc(1, sizeof(*de));
    if (!de)
        return WW_E_NOMEM;
    struct load_ctx lc = {de, report, user, 0, false, NULL, 0};
    de->vars = detect_vars_new(cfg->home_net);
    de->datasets = dataset_registry_new(cfg->dataset_memcap);
    int rc = de->vars && de->datasets ? load_configs(de, cfg, &lc) : WW_E_NOMEM;
    struct rule_parse_ctx pc = {de->vars, de->datasets, cfg->flowbits, de->classes, NULL};
    for (size_t i = 0; rc == 0 && i < cfg->npaths; i++)
        rc = load_path(cfg->paths[i], &pc, &lc);
    free(lc.sid_slots);
    if (rc == 0 && lc.oom)
        rc = WW_E_NOMEM;
    if (rc == 0)
        rc = detect_groups_build(de, report, user);
    if (stats) {
        stats->loaded = (unsigned)de->nrules;
        stats->failed = lc.failed;
    }
    if (rc != 0) {
        detect_engine_free(de);
        return rc;
    }
    *out = de;
    return 0;
}

void detect_engine_free(struct detect_engine *de)
{
    if (!de)
        return;
    detect_groups_free(de);
    for (size_t i = 0; i < de->nrules; i++)
        rule_free(de->rules[i]);
    free(de->rules);
    threshold_free(de->thresholds);
    classification_free(de->classes);
    dataset_registry_free(de->datasets);
    detect_vars_free(de->vars);
    free(de);
}

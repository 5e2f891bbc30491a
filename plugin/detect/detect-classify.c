/* detect-classify.c — classification.config and reference.config, in
 * Suricata's formats (etc/classification.config, etc/reference.config):
 *   config classification: shortname,short description,priority
 *   config reference: type  url-prefix
 * '#' comments and blank lines are skipped; every other line that does not
 * parse is reported and skipped, so one typo does not lose the table. Names
 * compare case-insensitively, as Suricata lower-cases them on load. */
#include "detect-classify.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CLASS_LINE_MAX 4096

struct ref_entry {
    char *type;
    char *prefix;
};

struct classification {
    struct class_entry *classes; /* name and description owned (cast away const on free) */
    size_t nclasses;
    struct ref_entry *refs;
    size_t nrefs;
    bool refs_loaded;
};

struct cl_load {
    struct classification *c;
    const char *path;
    unsigned line;
    void (*report)(void *user, const char *msg);
    void *user;
    int bad;
};

static void cl_report(struct cl_load *ld, const char *msg)
{
    char buf[CLASS_LINE_MAX + 256];
    snprintf(buf, sizeof(buf), "%s:%u: %s", ld->path, ld->line, msg);
    ld->bad++;
    if (ld->report != NULL)
        ld->report(ld->user, buf);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Returns the text after "config <kind>:" or NULL when the line is not one. */
static char *after_directive(char *line, const char *kind)
{
    size_t klen = strlen(kind);
    if (strncmp(line, "config", 6) != 0 || (line[6] != ' ' && line[6] != '\t'))
        return NULL;
    char *p = trim(line + 6);
    if (strncasecmp(p, kind, klen) != 0 || p[klen] != ':')
        return NULL;
    return trim(p + klen + 1);
}

static struct class_entry *class_lookup(const struct classification *c, const char *name)
{
    for (size_t i = 0; i < c->nclasses; i++)
        if (strcasecmp(c->classes[i].name, name) == 0)
            return &c->classes[i];
    return NULL;
}

static bool parse_priority(const char *s, uint8_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v < 1 || v > 255)
        return false;
    *out = (uint8_t)v;
    return true;
}

static int class_store(struct classification *c, const char *name, const char *desc, uint8_t prio)
{
    char *n = strdup(name), *d = strdup(desc);
    struct class_entry *e = class_lookup(c, name);
    if (n == NULL || d == NULL)
        goto fail;
    if (e == NULL) { /* a later line for the same name replaces it, as in Suricata */
        struct class_entry *t = realloc(c->classes, (c->nclasses + 1) * sizeof(*t));
        if (t == NULL)
            goto fail;
        c->classes = t;
        e = &t[c->nclasses++];
    } else {
        free((char *)e->name);
        free((char *)e->description);
    }
    e->name = n;
    e->description = d;
    e->priority = prio;
    return 0;
fail:
    free(n);
    free(d);
    return -1;
}

static int class_line(struct cl_load *ld, char *line)
{
    char *p = after_directive(line, "classification");
    if (p == NULL) {
        cl_report(ld, "expected 'config classification: name,description,priority'");
        return 0;
    }
    char *c1 = strchr(p, ','), *c2 = c1 ? strrchr(c1 + 1, ',') : NULL;
    if (c1 == NULL || c2 == NULL) {
        cl_report(ld, "classification needs name,description,priority");
        return 0;
    }
    *c1 = *c2 = '\0';
    char *name = trim(p), *desc = trim(c1 + 1), *prio = trim(c2 + 1);
    uint8_t pr;
    if (*name == '\0' || strpbrk(name, " \t") != NULL) {
        cl_report(ld, "bad classification name");
        return 0;
    }
    if (!parse_priority(prio, &pr)) {
        char msg[CLASS_LINE_MAX];
        snprintf(msg, sizeof(msg), "bad priority '%s' (1..255)", prio);
        cl_report(ld, msg);
        return 0;
    }
    return class_store(ld->c, name, desc, pr);
}

static int ref_store(struct classification *c, const char *type, const char *prefix)
{
    char *t = strdup(type), *p = strdup(prefix);
    if (t == NULL || p == NULL)
        goto fail;
    for (size_t i = 0; i < c->nrefs; i++) {
        if (strcasecmp(c->refs[i].type, type) == 0) {
            free(c->refs[i].type);
            free(c->refs[i].prefix);
            c->refs[i].type = t;
            c->refs[i].prefix = p;
            return 0;
        }
    }
    struct ref_entry *r = realloc(c->refs, (c->nrefs + 1) * sizeof(*r));
    if (r == NULL)
        goto fail;
    c->refs = r;
    r[c->nrefs].type = t;
    r[c->nrefs].prefix = p;
    c->nrefs++;
    return 0;
fail:
    free(t);
    free(p);
    return -1;
}

static int ref_line(struct cl_load *ld, char *line)
{
    char *p = after_directive(line, "reference");
    if (p == NULL) {
        cl_report(ld, "expected 'config reference: type url'");
        return 0;
    }
    size_t tlen = strcspn(p, " \t");
    char *url = trim(p + tlen);
    if (tlen == 0 || *url == '\0' || p[tlen] == '\0') {
        cl_report(ld, "reference needs a type and a URL prefix");
        return 0;
    }
    p[tlen] = '\0';
    return ref_store(ld->c, p, url);
}

/* Reads path line by line; each meaningful line goes to fn. */
static int cl_read(struct cl_load *ld, int (*fn)(struct cl_load *, char *), char *err,
                   size_t errlen)
{
    FILE *f = fopen(ld->path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", ld->path, strerror(errno));
        return -1;
    }
    char buf[CLASS_LINE_MAX];
    int rc = 0;
    ld->line = 0;
    while (rc == 0 && fgets(buf, sizeof(buf), f) != NULL) {
        ld->line++;
        size_t n = strlen(buf);
        if (n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n')
                ;
            cl_report(ld, "line too long");
            continue;
        }
        char *line = trim(buf);
        if (*line == '\0' || *line == '#')
            continue;
        rc = fn(ld, line);
    }
    fclose(f);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}

struct classification *classification_load(const char *class_path, const char *ref_path,
                                           void (*report)(void *user, const char *msg), void *user,
                                           char *err, size_t errlen)
{
    struct classification *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    struct cl_load ld = {.c = c, .report = report, .user = user};
    if (class_path != NULL) {
        ld.path = class_path;
        if (cl_read(&ld, class_line, err, errlen) < 0)
            goto fail;
    }
    if (ref_path != NULL) {
        ld.path = ref_path;
        if (cl_read(&ld, ref_line, err, errlen) < 0)
            goto fail;
        c->refs_loaded = true;
    }
    return c;
fail:
    classification_free(c);
    return NULL;
}

void classification_free(struct classification *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nclasses; i++) {
        free((char *)c->classes[i].name);
        free((char *)c->classes[i].description);
    }
    for (size_t i = 0; i < c->nrefs; i++) {
        free(c->refs[i].type);
        free(c->refs[i].prefix);
    }
    free(c->classes);
    free(c->refs);
    free(c);
}

const struct class_entry *classification_find(const struct classification *c, const char *name)
{
    return c != NULL && name != NULL ? class_lookup(c, name) : NULL;
}

const char *reference_prefix(const struct classification *c, const char *type)
{
    for (size_t i = 0; c != NULL && i < c->nrefs; i++)
        if (strcasecmp(c->refs[i].type, type) == 0)
            return c->refs[i].prefix;
    return NULL;
}

bool classification_has_references(const struct classification *c)
{
    return c != NULL && c->refs_loaded;
}

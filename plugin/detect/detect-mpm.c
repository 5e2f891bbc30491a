/* detect-mpm.c — Hyperscan literal databases (hs_compile_lit_multi, block
 * mode, single match per literal). */
#include "detect-mpm.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mpm {
    hs_database_t *db;
};

struct mpm_scratch {
    hs_scratch_t *hs;
};

bool mpm_builder_add(struct mpm_builder *b, const uint8_t *pat, size_t len, bool nocase,
                     unsigned id)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        const char **p = realloc(b->pats, cap * sizeof(*p));
        if (!p)
            return false;
        b->pats = p;
        size_t *l = realloc(b->lens, cap * sizeof(*l));
        if (!l)
            return false;
        b->lens = l;
        unsigned *f = realloc(b->flags, cap * sizeof(*f));
        if (!f)
            return false;
        b->flags = f;
        unsigned *i = realloc(b->ids, cap * sizeof(*i));
        if (!i)
            return false;
        b->ids = i;
        b->cap = cap;
    }
    b->pats[b->n] = (const char *)pat;
    b->lens[b->n] = len;
    b->flags[b->n] = HS_FLAG_SINGLEMATCH | (nocase ? HS_FLAG_CASELESS : 0);
    b->ids[b->n] = id;
    b->n++;
    return true;
}

void mpm_builder_free(struct mpm_builder *b)
{
    free(b->pats);
    free(b->lens);
    free(b->flags);
    free(b->ids);
    memset(b, 0, sizeof(*b));
}

bool mpm_build(struct mpm_builder *b, struct mpm **out, char *err, size_t errlen)
{
    *out = NULL;
    if (b->n == 0)
        return true;
    struct mpm *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_lit_multi(b->pats, b->flags, b->ids, b->lens, (unsigned)b->n, HS_MODE_BLOCK,
                             NULL, &m->db, &cerr) != HS_SUCCESS) {
        snprintf(err, errlen, "hyperscan: %s", cerr ? cerr->message : "compile failed");
        hs_free_compile_error(cerr);
        free(m);
        return false;
    }
    *out = m;
    return true;
}

void mpm_free(struct mpm *m)
{
    if (!m)
        return;
    hs_free_database(m->db);
    free(m);
}

bool mpm_scratch_grow(struct mpm_scratch **s, const struct mpm *m)
{
    if (!m)
        return true;
    if (!*s) {
        *s = calloc(1, sizeof(**s));
        if (!*s)
            return false;
    }
    return hs_alloc_scratch(m->db, &(*s)->hs) == HS_SUCCESS;
}

void mpm_scratch_free(struct mpm_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    free(s);
}

struct scan_ctx {
    void (*on_id)(void *user, unsigned id);
    void *user;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *context)
{
    (void)from;
    (void)to;
    (void)flags;
    struct scan_ctx *c = context;
    c->on_id(c->user, id);
    return 0;
}

void mpm_scan(const struct mpm *m, struct mpm_scratch *s, const uint8_t *data, size_t len,
              void (*on_id)(void *user, unsigned id), void *user)
{
    if (!m || !s || len == 0)
        return;
    struct scan_ctx c = {on_id, user};
    /* Buffers beyond 4 GiB do not occur (stream chunks and bodies are capped). */
    hs_scan(m->db, (const char *)data, (unsigned)len, 0, s->hs, on_match, &c);
}

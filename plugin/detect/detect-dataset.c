/* detect-dataset.c — datasets: hash sets of strings, addresses and digests,
 * loaded once per ruleset and probed with a buffer's bytes.
 *
 * Suricata format (DS_FORMAT_SURICATA), as `dataset:...,load FILE` reads it:
 *   one entry a line; string sets base64 (standard alphabet, '=' padding
 *   optional), ipv4/ipv6 as text, sha256/md5 as hex of the exact length.
 *   Anything from the first ',' on is a datarep value or JSON and is ignored.
 *   Blank lines are skipped. Entries carry no provenance.
 *
 * Plain IOC format (DS_FORMAT_PLAIN), walletwatch's own:
 *
 *     # source: https://feed.example/iocs confidence: high
 *     evil.example
 *     Drainer.Example.NET   # seen in the March phishing wave
 *     # source: internal triage
 *     cafe.example
 *
 *   - one value a line, as text: strings as they are, addresses as inet_pton
 *     takes them, digests as hex of the exact length;
 *   - a line whose first non-blank character is '#' is a comment; its text
 *     (after '#', trimmed) is the provenance of the entries that follow, up to
 *     the next comment line (an empty comment clears it);
 *   - blanks then '#' after a value start that entry's own note, which is its
 *     provenance instead of the block's; a '#' inside a value ("a#b") is kept;
 *   - string values are stored lower-case and probes are folded to lower case,
 *     so a domain matches in whatever case the traffic spells it;
 *   - a CIDR is refused: a set holds single addresses, and a network belongs
 *     in an address rule variable, where it is matched as one.
 *
 * Storage: every entry is [u32 length][bytes] in an arena of chunks; an
 * open-addressing table (linear probing, load <= 1/2) holds a pointer, a
 * 32-bit hash and a provenance id per slot. Provenance strings are interned
 * per set, since a feed's comment covers thousands of entries. All of it is
 * charged to the registry's memcap. The hash is seeded per registry. */
#include "detect-dataset.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../util/ascii.h"
#include "../util/base64.h"
#include "../util/hash.h"
#include "../util/mem.h"

#define DS_MAX_LINE 65536       /* a longer line is an error, not an entry */
#define DS_CHUNK_MIN 4096       /* arena chunks double from here ... */
#define DS_CHUNK_MAX (1u << 20) /* ... up to here */
#define DS_MIN_SLOTS 64

struct ds_slot {
    const uint8_t *key; /* [u32 len][bytes] in the arena; NULL = empty */
    uint32_t hash;
    uint32_t prov; /* 0 = none, else index into prov[] */
};

struct ds_chunk {
    struct ds_chunk *next;
    size_t size, used;
    uint8_t data[];
};

/* Interned strings: prov[1..nprov], found through an open-addressing index. */
struct ds_strings {
    char **prov;
    uint32_t nprov, cap; /* prov has cap + 1 entries */
    uint32_t *index;     /* index_cap ids, 0 = empty */
    uint32_t index_cap;
};

struct dataset {
    struct dataset *next;
    struct dataset_registry *reg;
    char *name;
    char *path; /* the file as opened, NULL when none */
    enum dataset_type type;
    enum dataset_format fmt;
    struct ds_slot *slots;
    uint32_t cap; /* power of two, or 0 */
    uint64_t n;
    struct ds_chunk *chunks;
    size_t next_chunk;
    struct ds_strings strings;
};

struct dataset_registry {
    struct memcap mem;
    uint64_t seed;
    struct dataset *sets;
};

static const char *const type_names[] = {"string", "ipv4", "ipv6", "sha256", "md5"};

/* ---- hashing and probing ----------------------------------------------------- */

/* fold hashes the bytes as if lower-cased, so a probe needs no copy. */
static uint32_t ds_hash(uint64_t seed, const uint8_t *p, size_t n, bool fold)
{
    uint64_t h = seed ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w |= (uint64_t)(fold ? lower(p[i + k]) : p[i + k]) << (8 * k);
        h = mix64(h ^ w);
    }
    uint64_t w = 0;
    for (int k = 0; i < n; i++, k++)
        w |= (uint64_t)(fold ? lower(p[i]) : p[i]) << (8 * k);
    return (uint32_t)mix64(h ^ w ^ 0x9e3779b97f4a7c15ULL);
}

static uint32_t key_len(const uint8_t *key)
{
    uint32_t n;
    memcpy(&n, key, sizeof(n));
    return n;
}

static bool key_eq(const uint8_t *key, const uint8_t *p, size_t n, bool fold)
{
    if (key_len(key) != n)
        return false;
    const uint8_t *k = key + sizeof(uint32_t);
    if (!fold)
        return memcmp(k, p, n) == 0;
    for (size_t i = 0; i < n; i++)
        if (k[i] != lower(p[i]))
            return false;
    return true;
}

static bool folds(const struct dataset *s)
{
    return s->type == DS_STRING && s->fmt == DS_FORMAT_PLAIN;
}

static const struct ds_slot *slot_find(const struct dataset *s, const uint8_t *p, size_t n)
{
    if (s->cap == 0)
        return NULL;
    bool fold = folds(s);
    uint32_t h = ds_hash(s->reg->seed, p, n, fold);
    uint32_t mask = s->cap - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        const struct ds_slot *sl = &s->slots[i];
        if (!sl->key)
            return NULL;
        if (sl->hash == h && key_eq(sl->key, p, n, fold))
            return sl;
    }
}

/* ---- memory ------------------------------------------------------------------ */

static void *arena_alloc(struct dataset *s, size_t n)
{
    struct ds_chunk *c = s->chunks;
    if (!c || c->size - c->used < n) {
        size_t size = s->next_chunk ? s->next_chunk : DS_CHUNK_MIN;
        if (size < n)
            size = n;
        c = ww_mem_alloc(&s->reg->mem, sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->next = s->chunks;
        s->chunks = c;
        if (s->next_chunk < DS_CHUNK_MAX)
            s->next_chunk = s->next_chunk ? s->next_chunk * 2 : DS_CHUNK_MIN * 2;
    }
    /* Keys are read with memcpy, so no alignment is needed. */
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static char *mem_strdup(struct memcap *mem, const char *str, size_t n)
{
    char *p = ww_mem_alloc(mem, n + 1);
    if (p)
        memcpy(p, str, n);
    return p;
}

static void mem_strfree(struct memcap *mem, char *p)
{
    if (p)
        ww_mem_free(mem, p, strlen(p) + 1);
}

static int slots_grow(struct dataset *s)
{
    uint32_t ncap = s->cap ? s->cap * 2 : DS_MIN_SLOTS;
    if (ncap == 0)
        return -1;
    struct ds_slot *ns = ww_mem_alloc(&s->reg->mem, (size_t)ncap * sizeof(*ns));
    if (!ns)
        return -1;
    for (uint32_t i = 0; i < s->cap; i++) {
        const struct ds_slot *o = &s->slots[i];
        if (!o->key)
            continue;
        uint32_t j = o->hash & (ncap - 1);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = *o;
    }
    ww_mem_free(&s->reg->mem, s->slots, (size_t)s->cap * sizeof(*s->slots));
    s->slots = ns;
    s->cap = ncap;
    return 0;
}

/* Adds key (normalised already); a duplicate keeps its first provenance.
 * Returns 0, or -1 when the memcap is reached. */
static int set_add(struct dataset *s, const uint8_t *p, size_t n, uint32_t prov)
{
    if (n > UINT32_MAX - sizeof(uint32_t))
        return -1;
    uint32_t h = ds_hash(s->reg->seed, p, n, false);
    if (s->cap) {
        uint32_t mask = s->cap - 1;
        for (uint32_t i = h & mask; s->slots[i].key; i = (i + 1) & mask)
            if (s->slots[i].hash == h && key_eq(s->slots[i].key, p, n, false))
                return 0;
    }
    if ((s->n + 1) * 2 > s->cap && slots_grow(s) < 0)
        return -1;
    uint8_t *key = arena_alloc(s, sizeof(uint32_t) + n);
    if (!key)
        return -1;
    uint32_t len = (uint32_t)n;
    memcpy(key, &len, sizeof(len));
    memcpy(key + sizeof(len), p, n);
    uint32_t mask = s->cap - 1;
    uint32_t i = h & mask;
    while (s->slots[i].key)
        i = (i + 1) & mask;
    s->slots[i] = (struct ds_slot){.key = key, .hash = h, .prov = prov};
    s->n++;
    return 0;
}

/* ---- provenance strings ------------------------------------------------------ */

static int strings_index_grow(struct dataset *s)
{
    struct ds_strings *st = &s->strings;
    uint32_t ncap = st->index_cap ? st->index_cap * 2 : 16;
    uint32_t *ni = ww_mem_alloc(&s->reg->mem, (size_t)ncap * sizeof(*ni));
    if (!ni)
        return -1;
    for (uint32_t id = 1; id <= st->nprov; id++) {
        const char *str = st->prov[id];
        uint32_t j = ds_hash(s->reg->seed, (const uint8_t *)str, strlen(str), false) & (ncap - 1);
        while (ni[j])
            j = (j + 1) & (ncap - 1);
        ni[j] = id;
    }
    ww_mem_free(&s->reg->mem, st->index, (size_t)st->index_cap * sizeof(*st->index));
    st->index = ni;
    st->index_cap = ncap;
    return 0;
}

static int strings_push(struct dataset *s, char *copy)
{
    struct ds_strings *st = &s->strings;
    if (st->nprov == st->cap) {
        uint32_t ncap = st->cap ? st->cap * 2 : 8;
        char **np = ww_mem_alloc(&s->reg->mem, ((size_t)ncap + 1) * sizeof(*np));
        if (!np)
            return -1;
        if (st->prov)
            memcpy(np, st->prov, ((size_t)st->cap + 1) * sizeof(*np));
        ww_mem_free(&s->reg->mem, st->prov, ((size_t)st->cap + 1) * sizeof(*np));
        st->prov = np;
        st->cap = ncap;
    }
    st->prov[++st->nprov] = copy;
    return 0;
}

/* Returns the id of str[0..n) (0 when n is 0), interning it; -1 at the memcap. */
static int64_t strings_intern(struct dataset *s, const char *str, size_t n)
{
    struct ds_strings *st = &s->strings;
    if (n == 0)
        return 0;
    if ((st->nprov + 1) * 2 > st->index_cap && strings_index_grow(s) < 0)
        return -1;
    uint32_t mask = st->index_cap - 1;
    uint32_t j = ds_hash(s->reg->seed, (const uint8_t *)str, n, false) & mask;
    for (; st->index[j]; j = (j + 1) & mask) {
        const char *have = st->prov[st->index[j]];
        if (strlen(have) == n && memcmp(have, str, n) == 0)
            return st->index[j];
    }
    char *copy = mem_strdup(&s->reg->mem, str, n);
    if (!copy || strings_push(s, copy) < 0) {
        mem_strfree(&s->reg->mem, copy);
        return -1;
    }
    st->index[j] = st->nprov;
    return st->nprov;
}

/* ---- value parsers: text -> key bytes ---------------------------------------- */

/* Standard alphabet; '=' padding optional but, when present, only at the end
 * and completing a 4-character group. Returns the decoded length or -1. */
static long b64_decode(const char *in, size_t n, uint8_t *out)
{
    size_t pad = 0;
    while (pad < 2 && n > pad && in[n - 1 - pad] == '=')
        pad++;
    if (pad && n % 4 != 0)
        return -1;
    size_t len = n - pad;
    if (len % 4 == 1)
        return -1;
    struct base64_dec d = {0, 0};
    long o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = base64_value((uint8_t)in[i]);
        if (v < 0)
            return -1;
        if (base64_push(&d, v, &out[o]))
            o++;
    }
    return o;
}

/* Decodes exactly 2 * outlen hex digits; returns false on anything else. */
static bool hex_decode(const uint8_t *in, size_t n, uint8_t *out, size_t outlen)
{
    if (n != 2 * outlen)
        return false;
    for (size_t i = 0; i < outlen; i++) {
        int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static size_t digest_len(enum dataset_type t)
{
    return t == DS_SHA256 ? 32 : t == DS_MD5 ? 16 : 0;
}

/* ---- the loader -------------------------------------------------------------- */

struct ds_loader {
    struct dataset *s;
    unsigned long line;
    int64_t block_prov; /* the current comment's id */
    uint8_t *buf;       /* DS_MAX_LINE bytes of scratch */
    char *err;
    size_t errlen;
};

static int load_error(struct ds_loader *l, const char *msg)
{
    snprintf(l->err, l->errlen, "%s:%lu: %s", l->s->path, l->line, msg);
    return -1;
}

static int memcap_error(struct ds_loader *l)
{
    snprintf(l->err, l->errlen, "dataset '%s': memcap reached after %llu entries", l->s->name,
             (unsigned long long)l->s->n);
    return -1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, size_t *n)
{
    while (*n && is_blank(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && is_blank((*p)[*n - 1]))
        (*n)--;
}

static int parse_addr(struct ds_loader *l, const char *v, size_t n, size_t *klen)
{
    bool v4 = l->s->type == DS_IPV4;
    if (memchr(v, '/', n))
        return load_error(l, "CIDR not supported in a dataset; use an address rule variable");
    char text[INET6_ADDRSTRLEN + 1];
    if (n >= sizeof(text))
        return load_error(l, v4 ? "bad ipv4 address" : "bad ipv6 address");
    memcpy(text, v, n);
    text[n] = '\0';
    if (inet_pton(v4 ? AF_INET : AF_INET6, text, l->buf) != 1)
        return load_error(l, v4 ? "bad ipv4 address" : "bad ipv6 address");
    *klen = v4 ? 4 : 16;
    return 0;
}

/* Plain sets store the text lower-cased; Suricata sets store what the base64 decodes to. */
static int parse_string(struct ds_loader *l, const char *v, size_t n, size_t *klen)
{
    if (l->s->fmt == DS_FORMAT_PLAIN) {
        for (size_t i = 0; i < n; i++)
            l->buf[i] = lower((uint8_t)v[i]);
        *klen = n;
        return 0;
    }
    long got = b64_decode(v, n, l->buf);
    if (got < 0)
        return load_error(l, "bad base64");
    *klen = (size_t)got;
    return 0;
}

/* Turns the value text into the bytes stored in the set. */
static int parse_value(struct ds_loader *l, const char *v, size_t n, size_t *klen)
{
    struct dataset *s = l->s;
    if (n == 0)
        return load_error(l, "empty value");
    switch (s->type) {
    case DS_STRING:
        return parse_string(l, v, n, klen);
    case DS_IPV4:
    case DS_IPV6:
        return parse_addr(l, v, n, klen);
    case DS_SHA256:
    case DS_MD5:
        if (!hex_decode((const uint8_t *)v, n, l->buf, digest_len(s->type)))
            return load_error(l, s->type == DS_SHA256 ? "bad sha256: expected 64 hex digits"
                                                      : "bad md5: expected 32 hex digits");
        *klen = digest_len(s->type);
        return 0;
    }
    return load_error(l, "unknown dataset type");
}

/* Plain format: a comment line sets the block's provenance; "value  # note"
 * gives the entry its own. Returns the provenance id in *prov. */
static int plain_split(struct ds_loader *l, const char **v, size_t *n, int64_t *prov)
{
    *prov = l->block_prov;
    if (**v == '#') {
        const char *c = *v + 1;
        size_t cn = *n - 1;
        trim(&c, &cn);
        l->block_prov = strings_intern(l->s, c, cn);
        if (l->block_prov < 0)
            return memcap_error(l);
        *n = 0;
        return 0;
    }
    for (size_t i = 1; i < *n; i++) {
        if ((*v)[i] != '#' || !is_blank((*v)[i - 1]))
            continue;
        const char *c = *v + i + 1;
        size_t cn = *n - i - 1;
        trim(&c, &cn);
        *prov = cn ? strings_intern(l->s, c, cn) : l->block_prov;
        if (*prov < 0)
            return memcap_error(l);
        *n = i;
        trim(v, n);
        break;
    }
    return 0;
}

static int load_line(struct ds_loader *l, const char *text, size_t n)
{
    const char *v = text;
    int64_t prov = 0;
    trim(&v, &n);
    if (n == 0)
        return 0;
    if (l->s->fmt == DS_FORMAT_PLAIN) {
        if (plain_split(l, &v, &n, &prov) < 0)
            return -1;
        if (n == 0)
            return 0;
    } else {
        const char *comma = memchr(v, ',', n);
        if (comma) {
            n = (size_t)(comma - v);
            trim(&v, &n);
        }
    }
    size_t klen;
    if (parse_value(l, v, n, &klen) < 0)
        return -1;
    if (set_add(l->s, l->buf, klen, (uint32_t)prov) < 0)
        return memcap_error(l);
    return 0;
}

static int load_file(struct dataset *s, char *err, size_t errlen)
{
    FILE *f = fopen(s->path, "r");
    if (!f) {
        snprintf(err, errlen, "dataset '%s': cannot read %s: %s", s->name, s->path,
                 strerror(errno));
        return -1;
    }
    struct ds_loader l = {.s = s, .err = err, .errlen = errlen, .buf = malloc(DS_MAX_LINE)};
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    int rc = l.buf ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "dataset '%s': out of memory", s->name);
    while (rc == 0 && (got = getline(&line, &linecap, f)) >= 0) {
        l.line++;
        if ((size_t)got >= DS_MAX_LINE)
            rc = load_error(&l, "line too long");
        else
            rc = load_line(&l, line, (size_t)got);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "dataset '%s': cannot read %s: %s", s->name, s->path,
                 strerror(errno));
        rc = -1;
    }
    free(line);
    free(l.buf);
    fclose(f);
    return rc;
}

/* ---- sets and the registry --------------------------------------------------- */

static void set_free(struct dataset *s)
{
    struct memcap *mem = &s->reg->mem;
    while (s->chunks) {
        struct ds_chunk *c = s->chunks;
        s->chunks = c->next;
        ww_mem_free(mem, c, sizeof(*c) + c->size);
    }
    ww_mem_free(mem, s->slots, (size_t)s->cap * sizeof(*s->slots));
    struct ds_strings *st = &s->strings;
    for (uint32_t i = 1; i <= st->nprov; i++)
        mem_strfree(mem, st->prov[i]);
    if (st->prov)
        ww_mem_free(mem, st->prov, ((size_t)st->cap + 1) * sizeof(*st->prov));
    ww_mem_free(mem, st->index, (size_t)st->index_cap * sizeof(*st->index));
    mem_strfree(mem, s->name);
    mem_strfree(mem, s->path);
    ww_mem_free(mem, s, sizeof(*s));
}

/* path as given when absolute (or without rule_dir), else rule_dir/path. */
static char *resolve_path(struct memcap *mem, const char *path, const char *rule_dir)
{
    if (path[0] == '/' || !rule_dir || !rule_dir[0])
        return mem_strdup(mem, path, strlen(path));
    size_t dn = strlen(rule_dir), pn = strlen(path);
    bool slash = rule_dir[dn - 1] == '/';
    char *full = ww_mem_alloc(mem, dn + !slash + pn + 1);
    if (full)
        snprintf(full, dn + !slash + pn + 1, "%s%s%s", rule_dir, slash ? "" : "/", path);
    return full;
}

static struct dataset *registry_find(const struct dataset_registry *r, const char *name)
{
    for (struct dataset *s = r->sets; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

/* A later use must agree with the first on the type and, when it names a
 * file, on the file: silently keeping the first file would hide a typo. */
static struct dataset *reuse(struct dataset *s, enum dataset_type type, const char *path,
                             const char *rule_dir, char *err, size_t errlen)
{
    if (s->type != type) {
        snprintf(err, errlen, "dataset '%s' was declared with type %s at first use", s->name,
                 type_names[s->type]);
        return NULL;
    }
    if (!path)
        return s;
    char *full = resolve_path(&s->reg->mem, path, rule_dir);
    bool same = full && s->path && strcmp(full, s->path) == 0;
    mem_strfree(&s->reg->mem, full);
    if (same)
        return s;
    if (s->path)
        snprintf(err, errlen, "dataset '%s' was declared with load %s at first use", s->name,
                 s->path);
    else
        snprintf(err, errlen, "dataset '%s' was declared without load at first use", s->name);
    return NULL;
}

struct dataset *dataset_get(struct dataset_registry *r, const char *name, enum dataset_type type,
                            const char *path, enum dataset_format fmt, const char *rule_dir,
                            char *err, size_t errlen)
{
    if (!name || !name[0]) {
        snprintf(err, errlen, "dataset name is empty");
        return NULL;
    }
    if ((unsigned)type > DS_MD5) {
        snprintf(err, errlen, "dataset '%s': unknown type", name);
        return NULL;
    }
    struct dataset *s = registry_find(r, name);
    if (s)
        return reuse(s, type, path, rule_dir, err, errlen);
    s = ww_mem_alloc(&r->mem, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "dataset '%s': memcap reached after 0 entries", name);
        return NULL;
    }
    s->reg = r;
    s->type = type;
    s->fmt = fmt;
    s->name = mem_strdup(&r->mem, name, strlen(name));
    if (path)
        s->path = resolve_path(&r->mem, path, rule_dir);
    if (!s->name || (path && !s->path)) {
        snprintf(err, errlen, "dataset '%s': memcap reached after 0 entries", name);
        set_free(s);
        return NULL;
    }
    if (s->path && load_file(s, err, errlen) < 0) {
        set_free(s);
        return NULL;
    }
    s->next = r->sets;
    r->sets = s;
    return s;
}

struct dataset_registry *dataset_registry_new(uint64_t memcap)
{
    struct dataset_registry *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->mem.limit = memcap;
    if (getrandom(&r->seed, sizeof(r->seed), 0) != sizeof(r->seed)) {
        free(r);
        return NULL;
    }
    return r;
}

void dataset_registry_free(struct dataset_registry *r)
{
    if (!r)
        return;
    while (r->sets) {
        struct dataset *s = r->sets;
        r->sets = s->next;
        set_free(s);
    }
    free(r);
}

/* ---- lookups ----------------------------------------------------------------- */

static const struct ds_slot *lookup(const struct dataset *s, const uint8_t *data, size_t len)
{
    if (!s || !data || len == 0) /* no entry is empty */
        return NULL;
    switch (s->type) {
    case DS_IPV4:
        return len == 4 ? slot_find(s, data, len) : NULL;
    case DS_IPV6:
        return len == 16 ? slot_find(s, data, len) : NULL;
    case DS_SHA256:
    case DS_MD5: {
        size_t dl = digest_len(s->type);
        if (len == dl)
            return slot_find(s, data, len);
        uint8_t raw[32];
        if (!hex_decode(data, len, raw, dl))
            return NULL;
        return slot_find(s, raw, dl);
    }
    case DS_STRING:
        return slot_find(s, data, len);
    }
    return NULL;
}

bool dataset_contains(const struct dataset *s, const uint8_t *data, size_t len)
{
    return lookup(s, data, len) != NULL;
}

const char *dataset_source(const struct dataset *s, const uint8_t *data, size_t len)
{
    const struct ds_slot *sl = lookup(s, data, len);
    return sl && sl->prov ? s->strings.prov[sl->prov] : NULL;
}

enum dataset_type dataset_type_of(const struct dataset *s)
{
    return s->type;
}

uint64_t dataset_size(const struct dataset *s)
{
    return s->n;
}

/* rule-parse.c — Suricata rule syntax to struct rule.
 *
 *   action proto src sport -> dst dport (keyword:value; keyword; ...)
 *
 * Every problem is an error naming the keyword or value at fault: an unknown
 * or unsupported keyword is never skipped, so a rule never silently means
 * less than its author wrote. Keyword semantics follow Suricata 7/8 (see
 * shared/anchors/suricata-reference.md section c); payload keywords land in
 * per-buffer lists in rule order for detect-content.c to run. */
#include "rule-parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect-buffer.h"
#include "detect-content.h"
#include "../util/ascii.h"

#define RULE_TEXT_MAX (64 * 1024) /* a rule longer than this is refused, not truncated */
#define RP_ERR_MAX 1024
#define RP_TOKENS_MAX 32     /* comma-separated parts of one keyword value */
#define RP_REL_MAX (1 << 20) /* |distance|, within: Suricata's 1 MiB limit */

struct rp {
    struct rule *r;
    const struct rule_parse_ctx *ctx;
    char *err;
    size_t errlen;
    int cur_buf;     /* sticky buffer of the keywords that follow */
    int lc_buf;      /* buffer id of the last content, -1 when none */
    uint32_t lc_idx; /* its index in that buffer */
    bool have_sid, have_msg, have_rev, have_gid, have_prio, have_thr;
    unsigned prio;    /* priority:, 0 when not given */
    uint8_t hdr_flow; /* RFLOW_* implied by tcp-pkt / tcp-stream */
};

__attribute__((format(printf, 2, 3))) static int fail(struct rp *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int oom(struct rp *p)
{
    return fail(p, "out of memory");
}

/* ---- small text helpers ------------------------------------------------------ */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Splits s in place at commas into at most max trimmed parts; -1 when more. */
static int split(char *s, char sep, char **out, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return -1;
        char *c = strchr(s, sep);
        if (c != NULL)
            *c = '\0';
        out[n++] = trim(s);
        if (c == NULL)
            return n;
        s = c + 1;
    }
}

static bool parse_u64(const char *s, int base, uint64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || end == s || *end != '\0')
        return false;
    *out = v;
    return true;
}

static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!parse_u64(s, 10, &v) || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_i32(const char *s, int32_t min, int32_t max, int32_t *out)
{
    bool neg = *s == '-';
    uint64_t v;
    if (!parse_u64(neg ? s + 1 : s, 10, &v) || v > (uint64_t)INT32_MAX + 1)
        return false;
    int64_t x = neg ? -(int64_t)v : (int64_t)v;
    if (x < min || x > max)
        return false;
    *out = (int32_t)x;
    return true;
}

/* Index of the closing quote of a value starting with '"', or 0 when it is
 * missing or escaped. */
static size_t closing_quote(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || v[0] != '"' || v[n - 1] != '"')
        return 0;
    size_t bs = 0;
    for (size_t i = n - 1; i > 1 && v[i - 1] == '\\'; i--)
        bs++;
    return bs % 2 == 0 ? n - 1 : 0;
}

/* "text" -> text with \" \; \\ resolved (other escapes kept); bare text as is. */
static char *unquote_dup(const char *v)
{
    size_t q = closing_quote(v);
    const char *s = q ? v + 1 : v;
    size_t n = q ? q - 1 : strlen(v);
    char *out = malloc(n + 1), *o = out;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && strchr("\";\\", s[i + 1]) != NULL)
            i++;
        *o++ = s[i];
    }
    *o = '\0';
    return out;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *c = d; c != NULL && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return d;
}

/* ---- buffers and sigmatches -------------------------------------------------- */

static struct rule_buffer *buffer_find(const struct rule *r, int id)
{
    for (uint32_t i = 0; i < r->nbuffers; i++)
        if (r->buffers[i].id == id)
            return &r->buffers[i];
    return NULL;
}

static struct rule_buffer *buffer_get(struct rp *p, int id)
{
    struct rule *r = p->r;
    struct rule_buffer *b = buffer_find(r, id);
    if (b != NULL)
        return b;
    b = realloc(r->buffers, (r->nbuffers + 1) * sizeof(*b));
    if (b == NULL)
        return NULL;
    r->buffers = b;
    b = &b[r->nbuffers++];
    memset(b, 0, sizeof(*b));
    b->id = id;
    return b;
}

/* Appends a zeroed sigmatch to buffer id; valid until the next append there. */
static struct sigmatch *sm_append(struct rp *p, int id, uint8_t type)
{
    struct rule_buffer *b = buffer_get(p, id);
    if (b == NULL)
        return NULL;
    struct sigmatch *sm = realloc(b->sm, (b->nsm + 1) * sizeof(*sm));
    if (sm == NULL)
        return NULL;
    b->sm = sm;
    sm = &sm[b->nsm++];
    memset(sm, 0, sizeof(*sm));
    sm->type = type;
    return sm;
}

static void sm_release(struct sigmatch *sm)
{
    if (sm->type == SM_CONTENT)
        free(sm->u.content.pat);
    else if (sm->type == SM_PCRE && sm->u.pcre.re != NULL)
        sm_free(sm);
}

/* A buffer that belongs to an app protocol makes the rule that protocol's:
 * `alert tcp ... (http.uri; ...)` inspects HTTP only, and `alert dns` with
 * http.uri can never match, so it is refused. */
static int check_app(struct rp *p, int id)
{
    const char *app = detect_buffer_app_proto(id), *name = detect_buffer_name(id);
    struct rule *r = p->r;
    if (app == NULL)
        return 0;
    if (r->proto == RULE_PROTO_ICMP)
        return fail(p, "buffer '%s' is for %s, not icmp", name, app);
    if (r->app_proto != NULL) {
        if (strcasecmp(r->app_proto, app) != 0)
            return fail(p, "buffer '%s' is for %s, not %s", name, app, r->app_proto);
        return 0;
    }
    r->app_proto = lower_dup(app);
    return r->app_proto != NULL ? 0 : oom(p);
}

/* ---- content and its modifiers --------------------------------------------- */

/* |0D 0A| starting at s[*i] == '|': appends the bytes, leaves *i on the closing pipe. */
static int content_hex(struct rp *p, const char *s, size_t n, size_t *i, uint8_t *out,
                       uint32_t *olen)
{
    size_t start = *i;
    int hi = -1;
    for (size_t j = start + 1; j < n; j++) {
        if (s[j] == '|') {
            if (hi >= 0 || j == start + 1)
                break;
            *i = j;
            return 0;
        }
        if (s[j] == ' ')
            continue;
        int v = hex_value((unsigned char)s[j]);
        if (v < 0)
            break;
        if (hi < 0) {
            hi = v;
        } else {
            out[(*olen)++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    const char *close = memchr(s + start + 1, '|', n - start - 1);
    size_t end = close ? (size_t)(close - s) + 1 : n;
    return fail(p, "bad hex in content: %.*s", (int)(end - start), s + start);
}

/* The text between the quotes of content:"...": |hex| runs, and the escapes
 * \" \; \\ \: (Suricata refuses any other). */
static int content_decode(struct rp *p, const char *s, size_t n, uint8_t *out, uint32_t *olen)
{
    *olen = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '|') {
            if (content_hex(p, s, n, &i, out, olen) < 0)
                return -1;
        } else if (s[i] == '\\') {
            if (i + 1 == n || strchr("\";\\:", s[i + 1]) == NULL)
                return fail(p, "content: bad escape '\\%.1s'", i + 1 < n ? s + i + 1 : "");
            out[(*olen)++] = (uint8_t)s[++i];
        } else if (s[i] == '"') {
            return fail(p, "content: '\"' must be escaped");
        } else {
            out[(*olen)++] = (uint8_t)s[i];
        }
    }
    return 0;
}

static int kw_content(struct rp *p, char *val)
{
    bool neg = *val == '!';
    if (neg)
        val = trim(val + 1);
    size_t q = closing_quote(val);
    if (q == 0)
        return fail(p, "content needs a quoted string");
    uint8_t *pat = malloc(q);
    uint32_t len;
    if (pat == NULL)
        return oom(p);
    if (content_decode(p, val + 1, q - 1, pat, &len) < 0) {
        free(pat);
        return -1;
    }
    if (len == 0) {
        free(pat);
        return fail(p, "content is empty");
    }
    struct sigmatch *sm = sm_append(p, p->cur_buf, SM_CONTENT);
    if (sm == NULL) {
        free(pat);
        return oom(p);
    }
    sm->flags = neg ? SMF_NEGATED : 0;
    sm->u.content.pat = pat;
    sm->u.content.len = len;
    p->lc_buf = p->cur_buf;
    p->lc_idx = buffer_find(p->r, p->cur_buf)->nsm - 1;
    return 0;
}

static struct sigmatch *last_content(struct rp *p, const char *kw)
{
    if (p->lc_buf < 0) {
        fail(p, "'%s' needs a preceding content", kw);
        return NULL;
    }
    return &buffer_find(p->r, p->lc_buf)->sm[p->lc_idx];
}

/* Suricata refuses a negated fast pattern that is also positioned: the
 * prefilter cannot express "absent within these bytes". */
static int check_content(struct rp *p, const struct sigmatch *sm)
{
    uint16_t pos = SMF_OFFSET | SMF_DEPTH | SMF_DISTANCE | SMF_WITHIN;
    if ((sm->flags & SMF_NEGATED) && (sm->flags & SMF_FAST_EXPLICIT) && (sm->flags & pos))
        return fail(p, "fast_pattern can't be used on a negated content with "
                       "offset/depth/distance/within");
    return 0;
}

enum mod { MOD_DEPTH, MOD_OFFSET, MOD_DISTANCE, MOD_WITHIN };

static const struct {
    const char *name;
    uint16_t flag;
    uint16_t conflicts; /* absolute and relative positioning don't mix on one content */
    int32_t min, max;
} mods[] = {
    [MOD_DEPTH] = {"depth", SMF_DEPTH, SMF_DISTANCE | SMF_WITHIN | SMF_STARTSWITH, 1, INT32_MAX},
    [MOD_OFFSET] = {"offset", SMF_OFFSET, SMF_DISTANCE | SMF_WITHIN | SMF_STARTSWITH, 0, INT32_MAX},
    [MOD_DISTANCE] = {"distance", SMF_DISTANCE, SMF_DEPTH | SMF_OFFSET | SMF_STARTSWITH,
                      -RP_REL_MAX, RP_REL_MAX},
    [MOD_WITHIN] = {"within", SMF_WITHIN, SMF_DEPTH | SMF_OFFSET | SMF_STARTSWITH, 1, RP_REL_MAX},
};

static int content_mod(struct rp *p, enum mod m, char *val)
{
    const char *name = mods[m].name;
    struct sigmatch *sm = last_content(p, name);
    if (sm == NULL)
        return -1;
    int32_t v;
    if (!parse_i32(val, mods[m].min, mods[m].max, &v))
        return fail(p, "%s: bad value '%s'", name, val);
    if (sm->flags & mods[m].flag)
        return fail(p, "%s: used twice on one content", name);
    if (sm->flags & mods[m].conflicts) {
        const char *other = m <= MOD_OFFSET ? "distance/within" : "depth/offset";
        if (sm->flags & SMF_STARTSWITH)
            other = "startswith";
        return fail(p, "%s can't be combined with %s on one content", name, other);
    }
    struct sm_content *c = &sm->u.content;
    if ((m == MOD_DEPTH || m == MOD_WITHIN) && (uint32_t)v < c->len)
        return fail(p, "%s %d is smaller than the content (%u bytes)", name, (int)v, c->len);
    sm->flags |= mods[m].flag;
    if (m == MOD_DEPTH)
        c->depth = v;
    else if (m == MOD_OFFSET)
        c->offset = v;
    else if (m == MOD_DISTANCE)
        c->distance = v;
    else
        c->within = v;
    if (m >= MOD_DISTANCE)
        sm->flags |= SMF_RELATIVE;
    return check_content(p, sm);
}

static int kw_depth(struct rp *p, char *val)
{
    return content_mod(p, MOD_DEPTH, val);
}

static int kw_offset(struct rp *p, char *val)
{
    return content_mod(p, MOD_OFFSET, val);
}

static int kw_distance(struct rp *p, char *val)
{
    return content_mod(p, MOD_DISTANCE, val);
}

static int kw_within(struct rp *p, char *val)
{
    return content_mod(p, MOD_WITHIN, val);
}

static int kw_nocase(struct rp *p, char *val)
{
    (void)val;
    struct sigmatch *sm = last_content(p, "nocase");
    if (sm == NULL)
        return -1;
    if (sm->flags & SMF_NOCASE)
        return fail(p, "nocase: used twice on one content");
    sm->flags |= SMF_NOCASE;
    for (uint32_t i = 0; i < sm->u.content.len; i++)
        sm->u.content.pat[i] = (uint8_t)tolower(sm->u.content.pat[i]);
    return 0;
}

static int kw_startswith(struct rp *p, char *val)
{
    (void)val;
    struct sigmatch *sm = last_content(p, "startswith");
    if (sm == NULL)
        return -1;
    if (sm->flags & (SMF_DEPTH | SMF_OFFSET | SMF_DISTANCE | SMF_WITHIN))
        return fail(p, "startswith can't be combined with depth/offset/distance/within");
    if (sm->flags & SMF_STARTSWITH)
        return fail(p, "startswith: used twice on one content");
    sm->flags |= SMF_STARTSWITH;
    return 0;
}

static int kw_endswith(struct rp *p, char *val)
{
    (void)val;
    struct sigmatch *sm = last_content(p, "endswith");
    if (sm == NULL)
        return -1;
    if (sm->flags & SMF_ENDSWITH)
        return fail(p, "endswith: used twice on one content");
    sm->flags |= SMF_ENDSWITH;
    return 0;
}

static bool any_explicit_fast(const struct rule *r)
{
    for (uint32_t b = 0; b < r->nbuffers; b++)
        for (uint32_t i = 0; i < r->buffers[b].nsm; i++)
            if (r->buffers[b].sm[i].flags & SMF_FAST_EXPLICIT)
                return true;
    return false;
}

/* fast_pattern, and the legacy fast_pattern:only and fast_pattern:offset,len
 * (chop) forms, which select the same content: our prefilter uses it whole. */
static int kw_fast_pattern(struct rp *p, char *val)
{
    struct sigmatch *sm = last_content(p, "fast_pattern");
    if (sm == NULL)
        return -1;
    if (val != NULL && strcmp(val, "only") != 0) {
        char *parts[3];
        uint32_t a, b;
        if (split(val, ',', parts, 2) != 2 || !parse_u32(parts[0], 0, 65535, &a) ||
            !parse_u32(parts[1], 1, 65535, &b))
            return fail(p, "fast_pattern: bad value (expected only or offset,length)");
    }
    if (any_explicit_fast(p->r))
        return fail(p, "fast_pattern can be used on only one content in a rule");
    sm->flags |= SMF_FAST_EXPLICIT;
    return check_content(p, sm);
}

static int kw_rawbytes(struct rp *p, char *val)
{
    (void)p;
    (void)val;
    return 0; /* Snort compatibility: we never normalise pkt_data */
}

/* Snort-era modifiers that move the content before them into an HTTP buffer. */
static const struct {
    const char *kw;
    const char *buffer;
} legacy_mods[] = {
    {"http_uri", "http.uri"},
    {"http_raw_uri", "http.uri.raw"},
    {"http_header", "http.header"},
    {"http_raw_header", "http.header.raw"},
    {"http_method", "http.method"},
    {"http_cookie", "http.cookie"},
    {"http_user_agent", "http.user_agent"},
    {"http_host", "http.host"},
    {"http_raw_host", "http.host.raw"},
    {"http_client_body", "http.request_body"},
    {"http_server_body", "http.response_body"},
    {"http_stat_code", "http.stat_code"},
    {"http_stat_msg", "http.stat_msg"},
};

static int legacy_move(struct rp *p, const char *kw, const char *bufname)
{
    struct sigmatch *sm = last_content(p, kw);
    if (sm == NULL)
        return -1;
    int id = detect_buffer_id(bufname);
    if (id < 0)
        return fail(p, "unknown buffer '%s' (no parser registers it)", bufname);
    if (p->lc_buf != DETECT_BUF_PKT_DATA)
        return fail(p, "%s: the content before it is already in '%s'", kw,
                    detect_buffer_name(p->lc_buf));
    if (check_app(p, id) < 0)
        return -1;
    struct sigmatch copy = *sm;
    struct rule_buffer *from = buffer_find(p->r, DETECT_BUF_PKT_DATA);
    memmove(&from->sm[p->lc_idx], &from->sm[p->lc_idx + 1],
            (from->nsm - p->lc_idx - 1) * sizeof(*sm));
    from->nsm--;
    struct sigmatch *to = sm_append(p, id, SM_CONTENT);
    if (to == NULL) {
        free(copy.u.content.pat);
        p->lc_buf = -1;
        return oom(p);
    }
    *to = copy;
    p->lc_buf = id;
    p->lc_idx = buffer_find(p->r, id)->nsm - 1;
    return 0;
}

/* ---- pcre, byte_*, isdataat, bsize, dsize, dataset ----------------------------- */

static int kw_pcre(struct rp *p, char *val)
{
    bool neg = *val == '!';
    if (neg)
        val = trim(val + 1);
    size_t q = closing_quote(val);
    if (q == 0)
        return fail(p, "pcre needs a quoted \"/regex/flags\"");
    val[q] = '\0';
    struct sigmatch sm = {.type = SM_PCRE};
    const char *bufname = NULL;
    char msg[RP_ERR_MAX];
    if (sm_pcre_compile(val + 1, &sm, &bufname, msg, sizeof(msg)) < 0)
        return fail(p, "%s", msg); /* already "pcre: <PCRE2 message> at offset N" */
    int id = p->cur_buf;
    if (bufname != NULL && (id = detect_buffer_id(bufname)) < 0) {
        sm_free(&sm);
        return fail(p, "unknown buffer '%s' (no parser registers it)", bufname);
    }
    struct sigmatch *dst = check_app(p, id) < 0 ? NULL : sm_append(p, id, SM_PCRE);
    if (dst == NULL) {
        sm_free(&sm);
        return p->err[0] ? -1 : oom(p);
    }
    *dst = sm;
    dst->type = SM_PCRE;
    if (neg)
        dst->flags |= SMF_NEGATED;
    return 0;
}

enum byte_kw { BK_TEST, BK_JUMP };

static bool byte_base(const char *t, uint8_t *base)
{
    if (strcmp(t, "hex") == 0)
        *base = 16;
    else if (strcmp(t, "dec") == 0)
        *base = 10;
    else if (strcmp(t, "oct") == 0)
        *base = 8;
    else
        return false;
    return true;
}

/* "multiplier 4", "post_offset -2", "bitmask 0x3f": word then number. */
static bool word_value(const char *t, const char *word, char **num)
{
    size_t n = strlen(word);
    if (strncmp(t, word, n) != 0 || !isspace((unsigned char)t[n]))
        return false;
    *num = trim((char *)t + n);
    return true;
}

/* The options both byte_test and byte_jump take; returns 1 when t is one, 0
 * when not, -1 on error. */
static int byte_common_opt(struct rp *p, const char *kw, char *t, struct sigmatch *sm)
{
    struct sm_byte *b = &sm->u.byte;
    char *num;
    uint8_t base;
    if (strcmp(t, "relative") == 0)
        sm->flags |= SMF_RELATIVE;
    else if (strcmp(t, "big") == 0)
        b->flags |= BYTE_BIG;
    else if (strcmp(t, "little") == 0)
        b->flags |= BYTE_LITTLE;
    else if (strcmp(t, "string") == 0)
        b->flags |= BYTE_STRING;
    else if (byte_base(t, &base)) {
        if (b->base != 0)
            return fail(p, "%s: more than one of hex/dec/oct", kw);
        b->base = base;
    } else if (strcmp(t, "dce") == 0)
        return fail(p, "%s: 'dce' is not supported", kw);
    else if (word_value(t, "bitmask", &num)) {
        if (!parse_u64(num, 0, &b->bitmask) || b->bitmask == 0)
            return fail(p, "%s: bad bitmask '%s'", kw, num);
    } else
        return 0;
    return 1;
}

static int byte_jump_opt(struct rp *p, char *t, struct sm_byte *b)
{
    char *num;
    if (strcmp(t, "align") == 0)
        b->flags |= BYTE_ALIGN;
    else if (strcmp(t, "from_beginning") == 0)
        b->flags |= BYTE_FROM_BEGINNING;
    else if (strcmp(t, "from_end") == 0)
        b->flags |= BYTE_FROM_END;
    else if (word_value(t, "multiplier", &num)) {
        if (!parse_u32(num, 1, 65535, &b->multiplier))
            return fail(p, "byte_jump: bad multiplier '%s'", num);
    } else if (word_value(t, "post_offset", &num)) {
        if (!parse_i32(num, -RP_REL_MAX, RP_REL_MAX, &b->post_offset))
            return fail(p, "byte_jump: bad post_offset '%s'", num);
    } else
        return 0;
    return 1;
}

/* After every option is read: the combinations Suricata refuses. */
static int byte_check(struct rp *p, const char *kw, uint32_t nbytes, struct sm_byte *b)
{
    if ((b->flags & BYTE_BIG) && (b->flags & BYTE_LITTLE))
        return fail(p, "%s: big and little both given", kw);
    if ((b->flags & BYTE_FROM_BEGINNING) && (b->flags & BYTE_FROM_END))
        return fail(p, "%s: from_beginning and from_end both given", kw);
    if (b->base != 0 && !(b->flags & BYTE_STRING))
        return fail(p, "%s: hex/dec/oct need 'string'", kw);
    if (b->flags & BYTE_STRING) {
        if (b->base == 0)
            b->base = 10;
        if (nbytes < 1 || nbytes > 23)
            return fail(p, "%s: nbytes %u out of range (1..23 with string)", kw, nbytes);
    } else if (nbytes < 1 || nbytes > 8) {
        return fail(p, "%s: nbytes %u out of range (1..8)", kw, nbytes);
    }
    if (!(b->flags & BYTE_LITTLE))
        b->flags |= BYTE_BIG;
    b->nbytes = (uint8_t)nbytes;
    return 0;
}

static const struct {
    const char *op;
    uint8_t code;
} byte_ops[] = {
    {"<=", BOP_LE}, {">=", BOP_GE}, {"<", BOP_LT}, {">", BOP_GT},
    {"=", BOP_EQ},  {"&", BOP_AND}, {"|", BOP_OR}, {"^", BOP_XOR_NZ},
};

static int byte_op(struct rp *p, char *t, struct sm_byte *b)
{
    if (*t == '!') {
        b->flags |= BYTE_NEGATE;
        t = trim(t + 1);
        if (*t == '\0') /* "!" alone means "!=" in old Snort rules */
            t = "=";
    }
    for (size_t i = 0; i < sizeof(byte_ops) / sizeof(byte_ops[0]); i++) {
        if (strcmp(t, byte_ops[i].op) == 0) {
            b->op = byte_ops[i].code;
            return 0;
        }
    }
    return fail(p, "byte_test: bad operator '%s'", t);
}

/* byte_test:nbytes,[!]op,value,offset[,relative][,big|little][,string,hex|dec|oct][,bitmask X]
 * byte_jump:nbytes,offset[,relative][,multiplier N][,big|little][,string,...][,align]
 *           [,from_beginning|from_end][,post_offset N][,bitmask X] */
static int byte_kw(struct rp *p, enum byte_kw kind, char *val)
{
    const char *kw = kind == BK_TEST ? "byte_test" : "byte_jump";
    char *t[RP_TOKENS_MAX];
    int n = split(val, ',', t, RP_TOKENS_MAX), first_opt = kind == BK_TEST ? 4 : 2;
    struct sigmatch sm = {.type = kind == BK_TEST ? SM_BYTE_TEST : SM_BYTE_JUMP};
    struct sm_byte *b = &sm.u.byte;
    uint32_t nbytes;
    if (n < first_opt)
        return fail(p, "%s: needs at least %d values", kw, first_opt);
    if (!parse_u32(t[0], 0, 255, &nbytes))
        return fail(p, "%s: bad nbytes '%s'", kw, t[0]);
    if (kind == BK_TEST && (byte_op(p, t[1], b) < 0 || !parse_u64(t[2], 0, &b->value)))
        return p->err[0] ? -1 : fail(p, "%s: bad value '%s'", kw, t[2]);
    char *off = t[first_opt - 1];
    if (!parse_i32(off, -RP_REL_MAX, RP_REL_MAX, &b->offset))
        return fail(p, "%s: bad offset '%s'", kw, off);
    for (int i = first_opt; i < n; i++) {
        int rc = byte_common_opt(p, kw, t[i], &sm);
        if (rc == 0 && kind == BK_JUMP)
            rc = byte_jump_opt(p, t[i], b);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return fail(p, "%s: unknown option '%s'", kw, t[i]);
    }
    if (byte_check(p, kw, nbytes, b) < 0)
        return -1;
    struct sigmatch *dst = sm_append(p, p->cur_buf, sm.type);
    if (dst == NULL)
        return oom(p);
    *dst = sm;
    return 0;
}

static int kw_byte_test(struct rp *p, char *val)
{
    return byte_kw(p, BK_TEST, val);
}

static int kw_byte_jump(struct rp *p, char *val)
{
    return byte_kw(p, BK_JUMP, val);
}

/* isdataat:[!]N[,relative][,rawbytes] */
static int kw_isdataat(struct rp *p, char *val)
{
    char *t[4];
    int n = split(val, ',', t, 4);
    struct sigmatch sm = {.type = SM_ISDATAAT};
    char *num = t[0];
    if (n < 0)
        return fail(p, "isdataat: too many values");
    if (*num == '!') {
        sm.flags |= SMF_NEGATED;
        num = trim(num + 1);
    }
    if (!parse_i32(num, 0, 65535, &sm.u.isdataat.n))
        return fail(p, "isdataat: bad value '%s'", num);
    for (int i = 1; i < n; i++) {
        if (strcmp(t[i], "relative") == 0)
            sm.flags |= SMF_RELATIVE;
        else if (strcmp(t[i], "rawbytes") != 0)
            return fail(p, "isdataat: unknown option '%s'", t[i]);
    }
    struct sigmatch *dst = sm_append(p, p->cur_buf, SM_ISDATAAT);
    if (dst == NULL)
        return oom(p);
    *dst = sm;
    return 0;
}

/* N | <N | >N | lo<>hi (exclusive range), as bsize and dsize take them. */
static bool parse_size_expr(char *v, struct sm_size *s)
{
    char *range = strstr(v, "<>");
    uint32_t a, b;
    if (range != NULL) {
        *range = '\0';
        if (!parse_u32(trim(v), 0, UINT32_MAX, &a) ||
            !parse_u32(trim(range + 2), 0, UINT32_MAX, &b) || a >= b)
            return false;
        *s = (struct sm_size){.op = BSIZE_RANGE, .lo = a, .hi = b};
        return true;
    }
    uint8_t op = BSIZE_EQ;
    if (*v == '<' || *v == '>') {
        op = *v == '<' ? BSIZE_LT : BSIZE_GT;
        v = trim(v + 1);
    }
    if (!parse_u32(v, 0, UINT32_MAX, &a))
        return false;
    *s = (struct sm_size){.op = op, .lo = a, .hi = a};
    return true;
}

static int kw_bsize(struct rp *p, char *val)
{
    struct sm_size s;
    if (!parse_size_expr(val, &s))
        return fail(p, "bsize: bad value (expected N, <N, >N or N<>M)");
    struct sigmatch *dst = sm_append(p, p->cur_buf, SM_BSIZE);
    if (dst == NULL)
        return oom(p);
    dst->u.bsize = s;
    return 0;
}

static int kw_dsize(struct rp *p, char *val)
{
    if (p->r->has_dsize)
        return fail(p, "dsize: used twice");
    if (!parse_size_expr(val, &p->r->dsize))
        return fail(p, "dsize: bad value (expected N, <N, >N or N<>M)");
    p->r->has_dsize = true;
    return 0;
}

static const struct {
    const char *name;
    enum dataset_type type;
} ds_types[] = {
    {"string", DS_STRING}, {"ipv4", DS_IPV4}, {"ipv6", DS_IPV6},
    {"sha256", DS_SHA256}, {"md5", DS_MD5},
};

struct ds_args {
    const char *name, *load;
    int type; /* enum dataset_type, -1 until given */
    enum dataset_format fmt;
};

/* One "word value" option of dataset:. */
static int dataset_opt(struct rp *p, char *t, struct ds_args *a)
{
    static const char *const unsupported[] = {"state",     "save",        "memcap",
                                              "hashsize",  "context_key", "value_key",
                                              "array_key", "remove_key"};
    size_t wl = strcspn(t, " \t");
    char *v = trim(t + wl);
    t[wl] = '\0';
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        if (strcmp(t, unsupported[i]) == 0)
            return fail(p, "dataset: '%s' is not supported", t);
    if (*v == '\0')
        return fail(p, "dataset: '%s' needs a value", t);
    if (strcmp(t, "type") == 0) {
        for (size_t i = 0; i < sizeof(ds_types) / sizeof(ds_types[0]); i++)
            if (strcmp(v, ds_types[i].name) == 0)
                a->type = (int)ds_types[i].type;
        return a->type >= 0 ? 0 : fail(p, "dataset: unknown type '%s'", v);
    }
    if (strcmp(t, "load") == 0) {
        a->load = v;
        return 0;
    }
    if (strcmp(t, "format") == 0) {
        if (strcmp(v, "plain") == 0)
            a->fmt = DS_FORMAT_PLAIN;
        else if (strcmp(v, "csv") == 0)
            a->fmt = DS_FORMAT_SURICATA;
        else
            return fail(p, "dataset: format '%s' is not supported", v);
        return 0;
    }
    return fail(p, "dataset: unknown option '%s'", t);
}

/* set/unset would make the sets dynamic (Suricata's state/save): not supported. */
static int dataset_op(struct rp *p, const char *t, uint8_t *op)
{
    if (strcmp(t, "isset") == 0)
        *op = DATASET_ISSET;
    else if (strcmp(t, "isnotset") == 0)
        *op = DATASET_ISNOTSET;
    else if (strcmp(t, "set") == 0 || strcmp(t, "unset") == 0)
        return fail(p, "dataset: '%s' is not supported", t);
    else
        return fail(p, "dataset: unknown operation '%s'", t);
    return 0;
}

/* dataset:isset|isnotset,NAME[,type T][,load FILE][,format plain] on the
 * current buffer; ip.src / ip.dst hold addresses, so they need an address set. */
static int kw_dataset(struct rp *p, char *val)
{
    char *t[RP_TOKENS_MAX];
    int n = split(val, ',', t, RP_TOKENS_MAX);
    struct ds_args a = {.type = -1, .fmt = DS_FORMAT_SURICATA};
    uint8_t op = DATASET_ISSET;
    if (n < 2 || *t[1] == '\0')
        return fail(p, "dataset: needs an operation and a name");
    if (dataset_op(p, t[0], &op) < 0)
        return -1;
    a.name = t[1];
    for (int i = 2; i < n; i++)
        if (dataset_opt(p, t[i], &a) < 0)
            return -1;
    if (a.type < 0)
        return fail(p, "dataset: missing type");
    bool addr_buf = p->cur_buf == DETECT_BUF_IP_SRC || p->cur_buf == DETECT_BUF_IP_DST;
    if (addr_buf && a.type != DS_IPV4 && a.type != DS_IPV6)
        return fail(p, "dataset: buffer '%s' needs type ipv4 or ipv6",
                    detect_buffer_name(p->cur_buf));
    if (p->ctx->datasets == NULL)
        return fail(p, "dataset: no dataset registry");
    char msg[RP_ERR_MAX];
    struct dataset *set = dataset_get(p->ctx->datasets, a.name, (enum dataset_type)a.type, a.load,
                                      a.fmt, p->ctx->rule_dir, msg, sizeof(msg));
    if (set == NULL)
        return fail(p, "%s", msg); /* names the set and the file */
    struct sigmatch *sm = sm_append(p, p->cur_buf, SM_DATASET);
    if (sm == NULL)
        return oom(p);
    sm->u.dataset.set = set;
    sm->u.dataset.op = op;
    return 0;
}

/* ---- flow, flowbits, threshold ----------------------------------------------- */

static const struct {
    const char *name;
    uint8_t flag; /* 0: accepted, no effect */
} flow_opts[] = {
    {"established", RFLOW_ESTABLISHED},
    {"not_established", RFLOW_NOT_ESTABLISHED},
    {"stateless", 0},
    {"to_server", RFLOW_TO_SERVER},
    {"from_client", RFLOW_TO_SERVER},
    {"to_client", RFLOW_TO_CLIENT},
    {"from_server", RFLOW_TO_CLIENT},
    {"only_stream", RFLOW_ONLY_STREAM},
    {"no_stream", RFLOW_NO_STREAM},
};

static bool flow_conflict(uint8_t f)
{
    return ((f & RFLOW_ESTABLISHED) && (f & RFLOW_NOT_ESTABLISHED)) ||
           ((f & RFLOW_TO_SERVER) && (f & RFLOW_TO_CLIENT)) ||
           ((f & RFLOW_ONLY_STREAM) && (f & RFLOW_NO_STREAM));
}

static int flow_add(struct rp *p, const char *opt, uint8_t flag)
{
    uint8_t f = p->r->flow | flag;
    if (flow_conflict(f)) {
        bool by_proto = (p->hdr_flow & (RFLOW_ONLY_STREAM | RFLOW_NO_STREAM)) &&
                        (flag & (RFLOW_ONLY_STREAM | RFLOW_NO_STREAM));
        return fail(p, "flow: '%s' conflicts with %s", opt,
                    by_proto ? "the rule's protocol" : "an earlier option");
    }
    p->r->flow = f;
    return 0;
}

static int kw_flow(struct rp *p, char *val)
{
    char *t[RP_TOKENS_MAX];
    int n = split(val, ',', t, RP_TOKENS_MAX);
    if (n < 0)
        return fail(p, "flow: too many options");
    for (int i = 0; i < n; i++) {
        size_t k = 0, nopts = sizeof(flow_opts) / sizeof(flow_opts[0]);
        while (k < nopts && strcmp(t[i], flow_opts[k].name) != 0)
            k++;
        if (k == nopts)
            return fail(p, "flow: unknown option '%s'", t[i]);
        if (flow_add(p, t[i], flow_opts[k].flag) < 0)
            return -1;
    }
    return 0;
}

static const struct {
    const char *name;
    uint8_t op;
} fb_ops[] = {
    {"set", FB_SET},     {"isset", FB_ISSET},   {"isnotset", FB_ISNOTSET},
    {"unset", FB_UNSET}, {"toggle", FB_TOGGLE},
};

static int flowbit_names(struct rp *p, struct rule_flowbit *fb, char *names)
{
    char *t[8];
    int n = split(names, '|', t, 8);
    if (n < 0)
        return fail(p, "flowbits: more than 8 names");
    if (n > 1 && fb->op != FB_ISSET && fb->op != FB_ISNOTSET)
        return fail(p, "flowbits: 'a|b' is only allowed with isset and isnotset");
    for (int i = 0; i < n; i++) {
        if (*t[i] == '\0' || strpbrk(t[i], " \t") != NULL)
            return fail(p, "flowbits: bad name '%s'", t[i]);
        int id = p->ctx->flowbits ? flowbit_id(p->ctx->flowbits, t[i]) : -1;
        if (id < 0)
            return fail(p, "flowbits: no room for '%s' (%d names at most)", t[i], FLOWBITS_MAX);
        fb->ids[fb->nnames++] = (uint16_t)id;
    }
    return 0;
}

/* flowbits:set|isset|isnotset|unset|toggle,name  or  flowbits:noalert */
static int kw_flowbits(struct rp *p, char *val)
{
    char *t[3];
    int n = split(val, ',', t, 2);
    if (n < 0)
        return fail(p, "flowbits: too many values");
    if (n == 1 && strcmp(t[0], "noalert") == 0) {
        p->r->noalert = true;
        return 0;
    }
    size_t k = 0, nops = sizeof(fb_ops) / sizeof(fb_ops[0]);
    while (k < nops && strcmp(t[0], fb_ops[k].name) != 0)
        k++;
    if (k == nops)
        return fail(p, "flowbits: unknown operation '%s'", t[0]);
    if (n != 2)
        return fail(p, "flowbits: '%s' needs one name", t[0]);
    struct rule *r = p->r;
    struct rule_flowbit *fb = realloc(r->flowbits, (r->nflowbits + 1) * sizeof(*fb));
    if (fb == NULL)
        return oom(p);
    r->flowbits = fb;
    fb = &fb[r->nflowbits];
    memset(fb, 0, sizeof(*fb));
    fb->op = fb_ops[k].op;
    if (flowbit_names(p, fb, t[1]) < 0)
        return -1;
    r->nflowbits++;
    return 0;
}

static const char *const track_names[] = {
    [TRACK_BY_SRC] = "by_src",   [TRACK_BY_DST] = "by_dst",   [TRACK_BY_RULE] = "by_rule",
    [TRACK_BY_BOTH] = "by_both", [TRACK_BY_FLOW] = "by_flow",
};

static const char *const thr_names[] = {
    [THR_THRESHOLD] = "threshold",
    [THR_LIMIT] = "limit",
    [THR_BOTH] = "both",
};

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static int thr_opt(struct rp *p, const char *kw, char *t, struct rule_threshold *th, unsigned *seen)
{
    size_t wl = strcspn(t, " \t");
    char *v = trim(t + wl);
    int i;
    t[wl] = '\0';
    if (strcmp(t, "type") == 0 && strcmp(kw, "threshold") == 0) {
        if ((i = name_index(thr_names, 4, v)) < 0)
            return fail(p, "%s: type '%s' is not supported", kw, v);
        th->type = (uint8_t)i;
        *seen |= 1;
    } else if (strcmp(t, "track") == 0) {
        if ((i = name_index(track_names, 5, v)) < 0)
            return fail(p, "%s: bad track '%s'", kw, v);
        th->track = (uint8_t)i;
        *seen |= 2;
    } else if (strcmp(t, "count") == 0) {
        if (!parse_u32(v, 1, UINT32_MAX, &th->count))
            return fail(p, "%s: bad count '%s'", kw, v);
        *seen |= 4;
    } else if (strcmp(t, "seconds") == 0) {
        if (!parse_u32(v, 1, UINT32_MAX, &th->seconds))
            return fail(p, "%s: bad seconds '%s'", kw, v);
        *seen |= 8;
    } else {
        return fail(p, "%s: '%s' is not supported", kw, t);
    }
    return 0;
}

/* threshold:type T, track X, count N, seconds S;  detection_filter:track X, count N, seconds S */
static int threshold_kw(struct rp *p, const char *kw, char *val)
{
    static const char *const parts[] = {"type", "track", "count", "seconds"};
    bool is_df = strcmp(kw, "detection_filter") == 0;
    char *t[RP_TOKENS_MAX];
    int n = split(val, ',', t, RP_TOKENS_MAX);
    struct rule_threshold th = {.type = is_df ? THR_DETECTION_FILTER : THR_NONE};
    unsigned seen = is_df ? 1 : 0;
    if (p->have_thr)
        return fail(p, "%s: only one threshold or detection_filter per rule", kw);
    if (n < 0)
        return fail(p, "%s: too many options", kw);
    for (int i = 0; i < n; i++)
        if (thr_opt(p, kw, t[i], &th, &seen) < 0)
            return -1;
    for (unsigned b = 0; b < 4; b++)
        if (!(seen & (1u << b)))
            return fail(p, "%s: missing '%s'", kw, parts[b]);
    p->r->threshold = th;
    p->have_thr = true;
    return 0;
}

static int kw_threshold(struct rp *p, char *val)
{
    return threshold_kw(p, "threshold", val);
}

static int kw_detection_filter(struct rp *p, char *val)
{
    return threshold_kw(p, "detection_filter", val);
}

/* ---- meta keywords ----------------------------------------------------------- */

static int meta_once(struct rp *p, bool *have, const char *kw)
{
    if (*have)
        return fail(p, "%s: used twice", kw);
    *have = true;
    return 0;
}

static int kw_msg(struct rp *p, char *val)
{
    if (meta_once(p, &p->have_msg, "msg") < 0)
        return -1;
    p->r->msg = unquote_dup(val);
    return p->r->msg != NULL ? 0 : oom(p);
}

static int kw_sid(struct rp *p, char *val)
{
    if (meta_once(p, &p->have_sid, "sid") < 0)
        return -1;
    if (!parse_u32(val, 1, UINT32_MAX, &p->r->sid))
        return fail(p, "sid: bad value '%s' (1..4294967295)", val);
    return 0;
}

static int kw_rev(struct rp *p, char *val)
{
    if (meta_once(p, &p->have_rev, "rev") < 0)
        return -1;
    if (!parse_u32(val, 0, UINT32_MAX, &p->r->rev))
        return fail(p, "rev: bad value '%s'", val);
    return 0;
}

static int kw_gid(struct rp *p, char *val)
{
    if (meta_once(p, &p->have_gid, "gid") < 0)
        return -1;
    if (!parse_u32(val, 0, UINT32_MAX, &p->r->gid))
        return fail(p, "gid: bad value '%s'", val);
    return 0;
}

static int kw_priority(struct rp *p, char *val)
{
    uint32_t v;
    if (meta_once(p, &p->have_prio, "priority") < 0)
        return -1;
    if (!parse_u32(val, 1, 255, &v))
        return fail(p, "priority: bad value '%s' (1..255)", val);
    p->prio = v;
    return 0;
}

static int kw_classtype(struct rp *p, char *val)
{
    if (p->r->classtype != NULL)
        return fail(p, "classtype: used twice");
    const struct class_entry *ce = classification_find(p->ctx->classes, val);
    if (ce == NULL)
        return fail(p, "unknown classtype '%s'", val);
    p->r->classtype = strdup(ce->name);
    return p->r->classtype != NULL ? 0 : oom(p);
}

static int str_push(char ***arr, uint32_t *n, const char *s)
{
    char *d = strdup(s);
    char **a = d ? realloc(*arr, (*n + 1) * sizeof(*a)) : NULL;
    if (a == NULL) {
        free(d);
        return -1;
    }
    *arr = a;
    a[(*n)++] = d;
    return 0;
}

/* reference:type,value — the type must be in reference.config when one is loaded. */
static int kw_reference(struct rp *p, char *val)
{
    char *comma = strchr(val, ',');
    if (comma == NULL)
        return fail(p, "reference: expected type,value");
    *comma = '\0';
    char *type = trim(val), *ref = trim(comma + 1);
    if (*type == '\0' || *ref == '\0')
        return fail(p, "reference: expected type,value");
    if (classification_has_references(p->ctx->classes) &&
        reference_prefix(p->ctx->classes, type) == NULL)
        return fail(p, "unknown reference type '%s'", type);
    size_t n = strlen(type) + strlen(ref) + 2;
    char *joined = malloc(n);
    if (joined == NULL)
        return oom(p);
    snprintf(joined, n, "%s,%s", type, ref);
    int rc = str_push(&p->r->references, &p->r->nreferences, joined);
    free(joined);
    return rc == 0 ? 0 : oom(p);
}

static struct rule_meta *meta_key(struct rp *p, const char *key)
{
    struct rule *r = p->r;
    for (uint32_t i = 0; i < r->nmeta; i++)
        if (strcmp(r->meta[i].key, key) == 0)
            return &r->meta[i];
    struct rule_meta *m = realloc(r->meta, (r->nmeta + 1) * sizeof(*m));
    if (m == NULL)
        return NULL;
    r->meta = m;
    m = &m[r->nmeta];
    memset(m, 0, sizeof(*m));
    if ((m->key = strdup(key)) == NULL)
        return NULL;
    r->nmeta++;
    return m;
}

/* metadata:key value, key value — values grouped per key, in rule order, as
 * Suricata emits alert.metadata. */
static int kw_metadata(struct rp *p, char *val)
{
    char *t[RP_TOKENS_MAX * 4];
    int n = split(val, ',', t, RP_TOKENS_MAX * 4);
    if (n < 0)
        return fail(p, "metadata: too many entries");
    for (int i = 0; i < n; i++) {
        if (*t[i] == '\0')
            continue;
        size_t kl = strcspn(t[i], " \t");
        char *v = trim(t[i] + kl);
        if (*v == '\0')
            return fail(p, "metadata: '%s' has no value", t[i]);
        t[i][kl] = '\0';
        struct rule_meta *m = meta_key(p, t[i]);
        if (m == NULL || str_push(&m->values, &m->nvalues, v) < 0)
            return oom(p);
    }
    return 0;
}

static int kw_target(struct rp *p, char *val)
{
    if (strcmp(val, "src_ip") != 0 && strcmp(val, "dest_ip") != 0)
        return fail(p, "target: expected src_ip or dest_ip");
    return 0;
}

static int kw_requires(struct rp *p, char *val)
{
    (void)val;
    return fail(p, "requires: not supported");
}

static int kw_noalert(struct rp *p, char *val)
{
    (void)val;
    p->r->noalert = true;
    return 0;
}

/* ---- keyword table ------------------------------------------------------------ */

enum kw_value { KV_NONE, KV_REQUIRED, KV_OPTIONAL };

static const struct keyword {
    const char *name;
    int (*fn)(struct rp *p, char *val);
    uint8_t value;
} keywords[] = {
    {"msg", kw_msg, KV_REQUIRED},
    {"sid", kw_sid, KV_REQUIRED},
    {"rev", kw_rev, KV_REQUIRED},
    {"gid", kw_gid, KV_REQUIRED},
    {"classtype", kw_classtype, KV_REQUIRED},
    {"priority", kw_priority, KV_REQUIRED},
    {"reference", kw_reference, KV_REQUIRED},
    {"metadata", kw_metadata, KV_REQUIRED},
    {"target", kw_target, KV_REQUIRED},
    {"requires", kw_requires, KV_OPTIONAL},
    {"noalert", kw_noalert, KV_NONE},
    {"content", kw_content, KV_REQUIRED},
    {"nocase", kw_nocase, KV_NONE},
    {"depth", kw_depth, KV_REQUIRED},
    {"offset", kw_offset, KV_REQUIRED},
    {"distance", kw_distance, KV_REQUIRED},
    {"within", kw_within, KV_REQUIRED},
    {"startswith", kw_startswith, KV_NONE},
    {"endswith", kw_endswith, KV_NONE},
    {"fast_pattern", kw_fast_pattern, KV_OPTIONAL},
    {"rawbytes", kw_rawbytes, KV_NONE},
    {"pcre", kw_pcre, KV_REQUIRED},
    {"byte_test", kw_byte_test, KV_REQUIRED},
    {"byte_jump", kw_byte_jump, KV_REQUIRED},
    {"isdataat", kw_isdataat, KV_REQUIRED},
    {"bsize", kw_bsize, KV_REQUIRED},
    {"dsize", kw_dsize, KV_REQUIRED},
    {"dataset", kw_dataset, KV_REQUIRED},
    {"flow", kw_flow, KV_REQUIRED},
    {"flowbits", kw_flowbits, KV_REQUIRED},
    {"threshold", kw_threshold, KV_REQUIRED},
    {"detection_filter", kw_detection_filter, KV_REQUIRED},
};

/* A sticky-buffer keyword: what follows inspects that buffer. */
static int sticky_buffer(struct rp *p, int id)
{
    if (check_app(p, id) < 0)
        return -1;
    p->cur_buf = id;
    p->lc_buf = -1; /* content modifiers never reach back across a buffer switch */
    return 0;
}

static int keyword_value_ok(struct rp *p, const char *kw, uint8_t want, const char *val)
{
    if (want == KV_NONE && val != NULL)
        return fail(p, "%s: takes no value", kw);
    if (want == KV_REQUIRED && (val == NULL || *val == '\0'))
        return fail(p, "%s: needs a value", kw);
    return 0;
}

static int run_keyword(struct rp *p, const char *kw, char *val)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
        if (strcasecmp(kw, keywords[i].name) == 0) {
            if (keyword_value_ok(p, kw, keywords[i].value, val) < 0)
                return -1;
            return keywords[i].fn(p, val);
        }
    }
    for (size_t i = 0; i < sizeof(legacy_mods) / sizeof(legacy_mods[0]); i++)
        if (strcasecmp(kw, legacy_mods[i].kw) == 0)
            return keyword_value_ok(p, kw, KV_NONE, val) < 0
                       ? -1
                       : legacy_move(p, kw, legacy_mods[i].buffer);
    int id = detect_buffer_id(kw);
    if (id >= 0)
        return keyword_value_ok(p, kw, KV_NONE, val) < 0 ? -1 : sticky_buffer(p, id);
    return fail(p, "unknown keyword '%s'", kw);
}

/* Options: "kw:value; kw; ..." — a value ends at the first ';' not escaped
 * with a backslash (quotes don't protect it, as in Suricata). */
static int parse_options(struct rp *p, char *s)
{
    for (;;) {
        s = trim(s);
        if (*s == '\0')
            return 0;
        char *end = s;
        while (*end != '\0' && *end != ';')
            end += (*end == '\\' && end[1] != '\0') ? 2 : 1;
        if (*end == '\0')
            return fail(p, "'%.40s' is not terminated by ';'", s);
        *end = '\0';
        char *colon = strchr(s, ':'), *val = NULL;
        if (colon != NULL) {
            *colon = '\0';
            val = trim(colon + 1);
        }
        char *kw = trim(s);
        if (*kw == '\0')
            return fail(p, "empty option");
        if (run_keyword(p, kw, val) < 0)
            return -1;
        s = end + 1;
    }
}

/* ---- header -------------------------------------------------------------------- */

enum hdr_tok { H_ACTION, H_PROTO, H_SRC, H_SPORT, H_DIR, H_DST, H_DPORT, H_COUNT };

/* Splits at blanks outside [brackets], so "[1.2.3.4, 5.6.7.8]" stays one token. */
static int header_tokens(struct rp *p, char *h, char *tok[H_COUNT])
{
    int n = 0, depth = 0;
    char *s = h;
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '\0')
            break;
        if (n == H_COUNT)
            return fail(p, "bad rule header: unexpected '%.*s'", (int)strcspn(s, " \t"), s);
        tok[n++] = s;
        while (*s != '\0' && (depth > 0 || !isspace((unsigned char)*s))) {
            depth += *s == '[' ? 1 : *s == ']' ? -1 : 0;
            s++;
        }
        if (*s != '\0')
            *s++ = '\0';
    }
    if (n < H_COUNT)
        return fail(p, "bad rule header: expected 'action proto src_addr src_port -> "
                       "dst_addr dst_port (options)'");
    return 0;
}

static int parse_action(struct rp *p, const char *a)
{
    static const char *const ips[] = {"drop", "reject", "rejectsrc", "rejectdst", "rejectboth"};
    if (strcmp(a, "alert") == 0) {
        p->r->action = RULE_ALERT;
        return 0;
    }
    if (strcmp(a, "pass") == 0) {
        p->r->action = RULE_PASS;
        return 0;
    }
    for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
        if (strcmp(a, ips[i]) == 0)
            return fail(p, "action '%s' needs IPS mode; walletwatch is an IDS", a);
    return fail(p, "unknown action '%s'", a);
}

static const struct {
    const char *name;
    uint8_t proto;
    uint8_t flow; /* tcp-pkt / tcp-stream pin packet or stream inspection */
} l4_protos[] = {
    {"ip", RULE_PROTO_IP, 0},
    {"ipv4", RULE_PROTO_IP, 0},
    {"ip4", RULE_PROTO_IP, 0},
    {"ipv6", RULE_PROTO_IP, 0},
    {"ip6", RULE_PROTO_IP, 0},
    {"tcp", RULE_PROTO_TCP, 0},
    {"udp", RULE_PROTO_UDP, 0},
    {"icmp", RULE_PROTO_ICMP, 0},
    {"icmpv4", RULE_PROTO_ICMP, 0},
    {"icmpv6", RULE_PROTO_ICMP, 0},
    {"tcp-pkt", RULE_PROTO_TCP, RFLOW_NO_STREAM},
    {"tcp-stream", RULE_PROTO_TCP, RFLOW_ONLY_STREAM},
};

/* App-layer names accepted even before a parser registers buffers for them. */
static const char *const app_protos[] = {
    "http",      "dns",  "tls", "ssh",    "smtp",   "ftp",       "mqtt",
    "websocket", "xmpp", "irc", "telnet", "wallet", "messaging", "jsonrpc",
};

static int parse_proto(struct rp *p, const char *name)
{
    for (size_t i = 0; i < sizeof(l4_protos) / sizeof(l4_protos[0]); i++) {
        if (strcasecmp(name, l4_protos[i].name) == 0) {
            p->r->proto = l4_protos[i].proto;
            p->r->flow = p->hdr_flow = l4_protos[i].flow;
            return 0;
        }
    }
    if (strcasecmp(name, "http1") == 0)
        name = "http";
    bool known = detect_buffer_is_app_proto(name);
    for (size_t i = 0; !known && i < sizeof(app_protos) / sizeof(app_protos[0]); i++)
        known = strcasecmp(name, app_protos[i]) == 0;
    if (!known)
        return fail(p, "unknown protocol '%s'", name);
    p->r->proto = RULE_PROTO_APP;
    p->r->app_proto = lower_dup(name);
    return p->r->app_proto != NULL ? 0 : oom(p);
}

static int parse_endpoints(struct rp *p, char *tok[H_COUNT])
{
    struct rule *r = p->r;
    char msg[RP_ERR_MAX];
    const struct detect_vars *v = p->ctx->vars;
    if ((r->src = addr_group_parse(tok[H_SRC], v, msg, sizeof(msg))) == NULL ||
        (r->sport = port_group_parse(tok[H_SPORT], v, msg, sizeof(msg))) == NULL ||
        (r->dst = addr_group_parse(tok[H_DST], v, msg, sizeof(msg))) == NULL ||
        (r->dport = port_group_parse(tok[H_DPORT], v, msg, sizeof(msg))) == NULL)
        return fail(p, "%s", msg);
    if (strcmp(tok[H_DIR], "<>") == 0)
        r->bidirectional = true;
    else if (strcmp(tok[H_DIR], "=>") == 0)
        return fail(p, "transactional '=>' rules are not supported");
    else if (strcmp(tok[H_DIR], "->") != 0)
        return fail(p, "bad direction '%s' (expected -> or <>)", tok[H_DIR]);
    return 0;
}

static int parse_header(struct rp *p, char *h)
{
    char *tok[H_COUNT];
    if (header_tokens(p, h, tok) < 0 || parse_action(p, tok[H_ACTION]) < 0 ||
        parse_proto(p, tok[H_PROTO]) < 0)
        return -1;
    return parse_endpoints(p, tok);
}

/* ---- after the options: required keywords, severity, fast pattern ------------- */

/* Suricata's PatternStrength(): varied bytes make a rarer, better prefilter. */
static unsigned pattern_strength(const uint8_t *pat, uint32_t len)
{
    bool seen[256] = {false};
    unsigned s = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = pat[i];
        if (seen[c]) {
            s += 1;
            continue;
        }
        seen[c] = true;
        if (isalpha(c))
            s += 3;
        else if (isprint(c) || c == 0x00 || c == 0x01 || c == 0xff)
            s += 4;
        else
            s += 6;
    }
    return s;
}

static bool fast_better(const struct sigmatch *a, const struct sigmatch *best)
{
    if (best == NULL)
        return true;
    const struct sm_content *x = &a->u.content, *y = &best->u.content;
    if (x->len != y->len)
        return x->len > y->len;
    return pattern_strength(x->pat, x->len) > pattern_strength(y->pat, y->len);
}

/* The explicit fast_pattern content, else the longest (then strongest)
 * positive content of the app buffers, else of pkt_data. A negated content
 * is never the prefilter: its absence is what the rule looks for. */
static void choose_fast(struct rule *r)
{
    struct sigmatch *best = NULL;
    int best_buf = -1;
    for (int pass = 0; pass < 3 && best == NULL; pass++) {
        for (uint32_t b = 0; b < r->nbuffers; b++) {
            struct rule_buffer *rb = &r->buffers[b];
            if (pass == 1 && rb->id == DETECT_BUF_PKT_DATA)
                continue;
            if (pass == 2 && rb->id != DETECT_BUF_PKT_DATA)
                continue;
            for (uint32_t i = 0; i < rb->nsm; i++) {
                struct sigmatch *sm = &rb->sm[i];
                if (sm->type != SM_CONTENT || (sm->flags & SMF_NEGATED))
                    continue;
                bool want =
                    pass == 0 ? (sm->flags & SMF_FAST_EXPLICIT) != 0 : fast_better(sm, best);
                if (want && (pass > 0 || best == NULL)) {
                    best = sm;
                    best_buf = rb->id;
                }
            }
        }
    }
    if (best != NULL) {
        best->flags |= SMF_FAST_PATTERN;
        r->fast = best;
        r->fast_buffer = best_buf;
    }
}

static void drop_empty_buffers(struct rule *r)
{
    uint32_t o = 0;
    for (uint32_t i = 0; i < r->nbuffers; i++) {
        if (r->buffers[i].nsm == 0) {
            free(r->buffers[i].sm);
            continue;
        }
        r->buffers[o++] = r->buffers[i];
    }
    r->nbuffers = o;
}

static int finish(struct rp *p)
{
    struct rule *r = p->r;
    if (!p->have_sid)
        return fail(p, "missing sid");
    if (!p->have_msg)
        return fail(p, "missing msg");
    const struct class_entry *ce = classification_find(p->ctx->classes, r->classtype);
    r->priority = (uint8_t)(p->prio ? p->prio : ce ? ce->priority : 3);
    r->category = strdup(ce ? ce->description : "");
    if (r->category == NULL)
        return oom(p);
    drop_empty_buffers(r);
    choose_fast(r);
    return 0;
}

/* ---- entry points ----------------------------------------------------------------- */

static int split_rule(struct rp *p, char *text, char **opts)
{
    char *open = strchr(text, '(');
    char *close = strrchr(text, ')');
    if (open == NULL)
        return fail(p, "missing '(' before the options");
    if (close == NULL || close < open)
        return fail(p, "missing ')' after the options");
    if (*trim(close + 1) != '\0')
        return fail(p, "text after the closing ')'");
    *open = '\0';
    *close = '\0';
    *opts = open + 1;
    return 0;
}

struct rule *rule_parse(const char *text, const struct rule_parse_ctx *ctx, const char *file,
                        uint32_t line, char *err, size_t errlen)
{
    static const struct rule_parse_ctx no_ctx;
    struct rule *r = calloc(1, sizeof(*r));
    char *copy = strdup(text);
    struct rp p = {.r = r,
                   .ctx = ctx ? ctx : &no_ctx,
                   .err = err,
                   .errlen = errlen,
                   .cur_buf = DETECT_BUF_PKT_DATA,
                   .lc_buf = -1};
    char *opts = NULL;
    if (errlen > 0)
        err[0] = '\0';
    if (r == NULL || copy == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    r->gid = 1;
    r->line = line;
    r->fast_buffer = -1;
    if ((r->raw = strdup(text)) == NULL || (file && (r->file = strdup(file)) == NULL)) {
        oom(&p);
        goto fail;
    }
    if (split_rule(&p, copy, &opts) < 0 || parse_header(&p, copy) < 0 ||
        parse_options(&p, opts) < 0 || finish(&p) < 0)
        goto fail;
    free(copy);
    return r;
fail:
    free(copy);
    rule_free(r);
    return NULL;
}

static void rule_buffers_free(struct rule *r)
{
    for (uint32_t b = 0; b < r->nbuffers; b++) {
        for (uint32_t i = 0; i < r->buffers[b].nsm; i++)
            sm_release(&r->buffers[b].sm[i]);
        free(r->buffers[b].sm);
    }
    free(r->buffers);
}

static void strs_free(char **s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void rule_free(struct rule *r)
{
    if (r == NULL)
        return;
    addr_group_free(r->src);
    addr_group_free(r->dst);
    port_group_free(r->sport);
    port_group_free(r->dport);
    rule_buffers_free(r);
    for (uint32_t i = 0; i < r->nmeta; i++) {
        free(r->meta[i].key);
        strs_free(r->meta[i].values, r->meta[i].nvalues);
    }
    free(r->meta);
    strs_free(r->references, r->nreferences);
    free(r->flowbits);
    free(r->app_proto);
    free(r->msg);
    free(r->classtype);
    free(r->category);
    free(r->file);
    free(r->raw);
    free(r);
}

/* ---- rules files --------------------------------------------------------------------- */

struct rule_reader {
    const char *path;
    struct rule_parse_ctx ctx;
    void (*on_rule)(void *user, struct rule *r);
    void (*on_error)(void *user, const char *msg);
    void *user;
    char *text; /* the rule being assembled from continued lines */
    size_t len;
    uint32_t first; /* its first line: where errors point */
    bool too_long;
    int bad;
};

static void reader_error(struct rule_reader *rd, const char *msg)
{
    char buf[RP_ERR_MAX + PATH_MAX + 32];
    snprintf(buf, sizeof(buf), "%s:%u: %s", rd->path, rd->first, msg);
    rd->bad++;
    if (rd->on_error != NULL)
        rd->on_error(rd->user, buf);
}

static void reader_flush(struct rule_reader *rd)
{
    char msg[RP_ERR_MAX];
    if (rd->len == 0 && !rd->too_long)
        return;
    if (rd->too_long) {
        snprintf(msg, sizeof(msg), "rule longer than %d bytes", RULE_TEXT_MAX);
        reader_error(rd, msg);
    } else {
        struct rule *r = rule_parse(rd->text, &rd->ctx, rd->path, rd->first, msg, sizeof(msg));
        if (r == NULL)
            reader_error(rd, msg);
        else if (rd->on_rule != NULL)
            rd->on_rule(rd->user, r);
        else
            rule_free(r);
    }
    rd->len = 0;
    rd->text[0] = '\0';
    rd->too_long = false;
}

static void reader_append(struct rule_reader *rd, const char *s, size_t n)
{
    if (rd->too_long || rd->len + n >= RULE_TEXT_MAX) {
        rd->too_long = true;
        return;
    }
    memcpy(rd->text + rd->len, s, n);
    rd->len += n;
    rd->text[rd->len] = '\0';
}

/* One physical line: comments and blanks between rules are skipped; a
 * trailing backslash continues the rule on the next line. */
static void reader_line(struct rule_reader *rd, char *line, uint32_t lineno)
{
    size_t n = strlen(line);
    while (n > 0 && isspace((unsigned char)line[n - 1]))
        line[--n] = '\0';
    bool cont = n > 0 && line[n - 1] == '\\';
    if (cont)
        line[--n] = '\0';
    if (rd->len == 0 && !rd->too_long) {
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '\0' || *s == '#')
            return;
        rd->first = lineno;
        n -= (size_t)(s - line);
        line = s;
    }
    reader_append(rd, line, n);
    if (!cont)
        reader_flush(rd);
}

/* Dataset files named by a rule are relative to the rule file's directory. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

int rule_file_load(const char *path, const struct rule_parse_ctx *ctx,
                   void (*on_rule)(void *user, struct rule *r),
                   void (*on_error)(void *user, const char *msg), void *user, char *err,
                   size_t errlen)
{
    struct rule_reader rd = {.path = path, .on_rule = on_rule, .on_error = on_error, .user = user};
    char *dir = NULL, *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (ctx != NULL)
        rd.ctx = *ctx;
    if (rd.ctx.rule_dir == NULL)
        rd.ctx.rule_dir = dir = dir_of(path);
    rd.text = malloc(RULE_TEXT_MAX);
    if (rd.text == NULL || rd.ctx.rule_dir == NULL) {
        snprintf(err, errlen, "out of memory");
        rd.bad = -1;
        goto done;
    }
    rd.text[0] = '\0';
    uint32_t lineno = 0;
    while (getline(&line, &cap, f) != -1)
        reader_line(&rd, line, ++lineno);
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        rd.bad = -1;
        goto done;
    }
    reader_flush(&rd); /* a rule whose last line ended in a backslash */
done:
    fclose(f);
    free(line);
    free(rd.text);
    free(dir);
    return rd.bad;
}

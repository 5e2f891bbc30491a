/* detect-content.c — one buffer against the payload keywords a rule has for
 * it, with Suricata's semantics. Sources: src/detect-engine-content-inspection.c
 * (DetectEngineContentInspectionInternal), detect-depth.c, detect-bytetest.c,
 * detect-bytejump.c, detect-pcre.c, util-byte.c (ByteExtractString).
 *
 * A cursor (Suricata's det_ctx->buffer_offset) starts at 0. A positive
 * content or pcre match moves it to the match end, byte_jump moves it to the
 * jump target; negated keywords and the tests never move it.
 *
 * content windows [start, end), clamped to the buffer:
 *   absolute:  start = offset, end = offset + depth (depth counts from
 *              offset: detect-depth.c adds the offset); no depth: buffer end.
 *   relative:  start = max(0, cursor + distance),
 *              end = cursor + distance + within (within counts from where
 *              distance put the start, with the unclamped distance, exactly as
 *              the engine computes `prev_buffer_offset + within + distance`).
 *   startswith = [0, pattern length); endswith: the match must end at the
 *   buffer end.
 * An empty or inverted window never matches (a negated content then does).
 *
 * isdataat N: absolute matches when N < buffer length (byte N exists);
 * relative matches when cursor + N <= buffer length (N bytes remain).
 *
 * Backtracking: when the keywords after a content or pcre fail and one of
 * them reads the cursor it set, the content or pcre is retried at its next
 * occurrence (one byte after the previous start), recursively. A keyword that
 * ignores the cursor fails the same way for every retry, so it ends the whole
 * inspection at once (Suricata's no_match_discontinue). Every keyword
 * evaluation counts a step; past INSPECT_STEP_LIMIT the buffer does not match.
 * A content remembers the range of starts where it proved absent, so retries
 * do not rescan it: hostile input costs about one pass per content plus the
 * step limit, not limit x buffer length. */
#define _GNU_SOURCE /* memmem: glibc's is linear time (two-way) */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "detect-content.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "detect-dataset.h"
#include "../util/ascii.h"

/* Suricata's detect.inspection-recursion-limit default. */
#define INSPECT_STEP_LIMIT 3000
/* Suricata's SC_MATCH_LIMIT_DEFAULT / SC_MATCH_LIMIT_RECURSION_DEFAULT: a
 * catastrophic regex gives up instead of spinning on attacker bytes. */
#define PCRE_MATCH_LIMIT 3500
#define PCRE_DEPTH_LIMIT 1500
#define KMP_STACK 256    /* caseless patterns up to this long need no malloc */
#define INSPECT_MEMO 32  /* contents (by index) that remember where they are absent */
#define BYTE_TEXT_MAX 23 /* "01777777777777777777777" is UINT64_MAX in octal */

enum { INSPECT_ABORT = -1, INSPECT_NOMATCH = 0, INSPECT_MATCH = 1 };

/* No occurrence of the pattern starts in [lo, hi). */
struct absent {
    size_t lo, hi;
};

struct inspect {
    const struct sigmatch *sm;
    uint32_t nsm;
    const uint8_t *data;
    size_t len;
    uint32_t steps;
    size_t match_end; /* set when the last keyword matched */
    struct absent absent[INSPECT_MEMO];
};

static int inspect_at(struct inspect *in, uint32_t i, size_t cursor, size_t end_max);

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* ---- keyword classes -------------------------------------------------------- */

static bool sm_relative(const struct sigmatch *sm)
{
    switch (sm->type) {
    case SM_CONTENT:
        if (sm->flags & SMF_STARTSWITH)
            return false;
        return (sm->flags & (SMF_RELATIVE | SMF_DISTANCE | SMF_WITHIN)) != 0;
    case SM_PCRE:
    case SM_BYTE_TEST:
    case SM_BYTE_JUMP:
    case SM_ISDATAAT:
        return (sm->flags & SMF_RELATIVE) != 0;
    default:
        return false;
    }
}

static bool sm_sets_cursor(const struct sigmatch *sm)
{
    if (sm->type == SM_CONTENT || sm->type == SM_PCRE)
        return !(sm->flags & SMF_NEGATED);
    return sm->type == SM_BYTE_JUMP;
}

/* Whether a keyword after i reads the cursor i sets: only then can another
 * occurrence of i change the outcome (Suricata's *_RELATIVE_NEXT flags). */
static bool cursor_read_after(const struct inspect *in, uint32_t i)
{
    for (uint32_t j = i + 1; j < in->nsm; j++) {
        if (sm_relative(&in->sm[j]))
            return true;
        if (sm_sets_cursor(&in->sm[j]))
            return false;
    }
    return false;
}

/* A keyword that ignores the cursor fails whichever occurrence is retried. */
static int fail_code(const struct sigmatch *sm)
{
    return sm_relative(sm) ? INSPECT_NOMATCH : INSPECT_ABORT;
}

/* After keyword i matched up to end: the verdict of the keywords after it, or
 * INSPECT_NOMATCH when another occurrence of i may still change it, or
 * INSPECT_ABORT when none can. */
static int after_match(struct inspect *in, uint32_t i, size_t end, size_t end_max)
{
    int r = inspect_at(in, i + 1, end, end > end_max ? end : end_max);
    if (r != INSPECT_NOMATCH)
        return r;
    return cursor_read_after(in, i) ? INSPECT_NOMATCH : INSPECT_ABORT;
}

/* ---- content ------------------------------------------------------------------ */

struct window {
    size_t start, end;
};

static struct window content_window(const struct sigmatch *sm, size_t cursor, size_t len)
{
    const struct sm_content *c = &sm->u.content;
    int64_t l = (int64_t)len, s, e = l;
    if (sm->flags & SMF_STARTSWITH) {
        s = 0;
        e = c->len;
    } else if (sm_relative(sm)) {
        int64_t d = (sm->flags & SMF_DISTANCE) ? c->distance : 0;
        int64_t prev = (int64_t)cursor;
        s = prev + d;
        if (sm->flags & SMF_WITHIN)
            e = min64(e, prev + d + c->within);
        /* The parser refuses depth/offset with distance/within, as Suricata
         * does; its engine would still apply them like this. */
        int64_t off = (sm->flags & SMF_OFFSET) ? c->offset : 0;
        if (sm->flags & SMF_DEPTH)
            e = min64(e, prev + off + c->depth);
        s = max64(s, off);
    } else {
        s = (sm->flags & SMF_OFFSET) ? c->offset : 0;
        if (sm->flags & SMF_DEPTH)
            e = s + c->depth;
    }
    e = max64(0, min64(e, l));
    s = min64(max64(s, 0), e);
    return (struct window){(size_t)s, (size_t)e};
}

static bool equal_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (lower(a[k]) != lower(b[k]))
            return false;
    return true;
}

static void kmp_table(const uint8_t *pat, size_t m, uint32_t *next)
{
    next[0] = 0;
    for (size_t q = 1, k = 0; q < m; q++) {
        while (k > 0 && lower(pat[q]) != lower(pat[k]))
            k = next[k - 1];
        if (lower(pat[q]) == lower(pat[k]))
            k++;
        next[q] = (uint32_t)k;
    }
}

/* Knuth-Morris-Pratt: a hostile buffer cannot make a caseless search
 * O(n*m) as it can a naive scan. */
static bool find_nocase(const uint8_t *hay, size_t n, const uint8_t *pat, size_t m, size_t *pos)
{
    uint32_t stack[KMP_STACK];
    uint32_t *next = m <= KMP_STACK ? stack : malloc(m * sizeof(*next));
    bool found = false;
    if (next == NULL) { /* out of memory: the slow scan still answers */
        for (size_t k = 0; k + m <= n && !found; k++)
            if (equal_nocase(hay + k, pat, m))
                found = true, *pos = k;
        return found;
    }
    kmp_table(pat, m, next);
    for (size_t k = 0, q = 0; k < n; k++) {
        while (q > 0 && lower(hay[k]) != lower(pat[q]))
            q = next[q - 1];
        if (lower(hay[k]) == lower(pat[q]))
            q++;
        if (q == m) {
            *pos = k + 1 - m;
            found = true;
            break;
        }
    }
    if (next != stack)
        free(next);
    return found;
}

static bool pattern_at(const struct sigmatch *sm, const uint8_t *p)
{
    const struct sm_content *c = &sm->u.content;
    if (sm->flags & SMF_NOCASE)
        return equal_nocase(p, c->pat, c->len);
    return memcmp(p, c->pat, c->len) == 0;
}

/* The first occurrence starting in [from, end - len], or for endswith the
 * one ending at the buffer end. */
static bool content_find(const struct sigmatch *sm, const uint8_t *data, size_t len, size_t from,
                         size_t end, size_t *pos)
{
    const struct sm_content *c = &sm->u.content;
    size_t m = c->len;
    if (m == 0 || c->pat == NULL || from > end || end - from < m)
        return false;
    if (sm->flags & SMF_ENDSWITH) {
        if (end != len || !pattern_at(sm, data + end - m))
            return false;
        *pos = end - m;
        return true;
    }
    if (sm->flags & SMF_NOCASE) {
        if (!find_nocase(data + from, end - from, c->pat, m, pos))
            return false;
        *pos += from;
        return true;
    }
    const uint8_t *hit = memmem(data + from, end - from, c->pat, m);
    if (hit == NULL)
        return false;
    *pos = (size_t)(hit - data);
    return true;
}

/* content_find, skipping the starts an earlier search of this keyword
 * proved empty. Retries move windows forward over bytes already scanned;
 * without this, 64 KiB of "a" under `content:"a"; content:"b"; distance:0;`
 * rescans the buffer on every retry until the step limit. */
static bool content_search(struct inspect *in, uint32_t i, size_t from, size_t end, size_t *pos)
{
    const struct sigmatch *sm = &in->sm[i];
    if (i >= INSPECT_MEMO || (sm->flags & SMF_ENDSWITH))
        return content_find(sm, in->data, in->len, from, end, pos);
    struct absent *a = &in->absent[i];
    size_t t = (a->lo <= from && from < a->hi) ? a->hi : from;
    size_t m = sm->u.content.len;
    bool found = content_find(sm, in->data, in->len, t, end, pos);
    size_t hi = found ? *pos : (end >= m && end - m + 1 > t ? end - m + 1 : t);
    if (hi > t) {
        if (a->lo <= t && t <= a->hi)
            a->hi = hi > a->hi ? hi : a->hi;
        else
            *a = (struct absent){t, hi};
    }
    return found;
}

static int inspect_content(struct inspect *in, uint32_t i, size_t cursor, size_t end_max)
{
    const struct sigmatch *sm = &in->sm[i];
    struct window w = content_window(sm, cursor, in->len);
    size_t pos;
    if (sm->flags & SMF_NEGATED) {
        if (content_search(in, i, w.start, w.end, &pos))
            return fail_code(sm);
        return inspect_at(in, i + 1, cursor, end_max);
    }
    for (size_t from = w.start; content_search(in, i, from, w.end, &pos); from = pos + 1) {
        int r = after_match(in, i, pos + sm->u.content.len, end_max);
        if (r != INSPECT_NOMATCH)
            return r;
    }
    return fail_code(sm);
}

/* ---- pcre ---------------------------------------------------------------------- */

enum pcre_result { PM_MATCH, PM_NOMATCH, PM_ERROR };

/* One match context and match data per thread, reused by every call: the
 * hot path does not allocate. */
static _Thread_local pcre2_match_context *tls_mctx;
static _Thread_local pcre2_match_data *tls_mdata;

static bool pcre_thread_ready(void)
{
    if (tls_mctx == NULL) {
        tls_mctx = pcre2_match_context_create(NULL);
        if (tls_mctx == NULL)
            return false;
        pcre2_set_match_limit(tls_mctx, PCRE_MATCH_LIMIT);
        pcre2_set_depth_limit(tls_mctx, PCRE_DEPTH_LIMIT);
    }
    if (tls_mdata == NULL)
        tls_mdata = pcre2_match_data_create(1, NULL);
    return tls_mdata != NULL;
}

/* pcre2_jit_match skips PCRE2's UTF validity check, so a pattern that turned
 * UTF on with (*UTF) goes through pcre2_match, which checks and still JITs. */
static bool pcre_use_jit(const pcre2_code *re)
{
    size_t jit = 0;
    uint32_t opts = 0;
    pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &jit);
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts);
    return jit > 0 && !(opts & PCRE2_UTF);
}

static enum pcre_result pcre_run(const pcre2_code *re, const uint8_t *subj, size_t slen,
                                 size_t start, size_t *ms, size_t *me)
{
    if (re == NULL || !pcre_thread_ready())
        return PM_ERROR;
    int rc;
    if (pcre_use_jit(re))
        rc = pcre2_jit_match(re, subj, slen, start, 0, tls_mdata, tls_mctx);
    else
        rc = pcre2_match(re, subj, slen, start, 0, tls_mdata, tls_mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return PM_NOMATCH;
    if (rc < 0) /* limits hit, JIT stack full: no verdict */
        return PM_ERROR;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(tls_mdata);
    *ms = ov[0] < slen ? ov[0] : slen;
    *me = ov[1] < slen ? ov[1] : slen;
    if (*me < *ms)
        *me = *ms;
    return PM_MATCH;
}

/* A negated pcre matches only on a clean no-match: an attacker who makes the
 * regex hit its match limit does not get "absent" for free. */
static int inspect_pcre(struct inspect *in, uint32_t i, size_t cursor, size_t end_max)
{
    const struct sigmatch *sm = &in->sm[i];
    const pcre2_code *re = sm->u.pcre.re;
    size_t base = (sm->flags & SMF_RELATIVE) ? cursor : 0;
    const uint8_t *subj = in->data + base;
    size_t slen = in->len - base, ms, me;
    if (sm->flags & SMF_NEGATED) {
        if (pcre_run(re, subj, slen, 0, &ms, &me) != PM_NOMATCH)
            return fail_code(sm);
        return inspect_at(in, i + 1, cursor, end_max);
    }
    for (size_t start = 0; start <= slen; start = (ms > start ? ms : start) + 1) {
        if (pcre_run(re, subj, slen, start, &ms, &me) != PM_MATCH)
            break;
        int r = after_match(in, i, base + me, end_max);
        if (r != INSPECT_NOMATCH)
            return r;
    }
    return fail_code(sm);
}

/* ---- byte_test, byte_jump -------------------------------------------------------- */

/* Where the bytes are read: offset from the buffer start, or from the cursor
 * when relative; false unless all nbytes lie inside the buffer. */
static bool byte_pos(const struct sigmatch *sm, size_t cursor, size_t len, size_t *at)
{
    int64_t start = sm->u.byte.offset;
    if (sm->flags & SMF_RELATIVE)
        start += (int64_t)cursor;
    if (start < 0 || sm->u.byte.nbytes == 0 || (int64_t)sm->u.byte.nbytes > (int64_t)len - start)
        return false;
    *at = (size_t)start;
    return true;
}

/* Text as Suricata's ByteExtractString reads it: strtoull over exactly
 * nbytes characters (so leading blanks and a sign are accepted), failing only
 * on no digits or overflow. *used is the characters consumed. */
static bool byte_read_text(const struct sm_byte *b, const uint8_t *p, uint64_t *val, size_t *used)
{
    char buf[BYTE_TEXT_MAX + 1];
    int base = b->base ? b->base : 10;
    if (b->nbytes > BYTE_TEXT_MAX || (base != 8 && base != 10 && base != 16))
        return false;
    memcpy(buf, p, b->nbytes);
    buf[b->nbytes] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, base);
    if (errno == ERANGE || end == buf)
        return false;
    *val = v;
    *used = (size_t)(end - buf);
    return true;
}

/* Reads the number at p, where at least nbytes are readable (byte_pos). */
static bool byte_read(const struct sm_byte *b, const uint8_t *p, uint64_t *val, size_t *used)
{
    if (b->flags & BYTE_STRING)
        return byte_read_text(b, p, val, used);
    size_t n = b->nbytes;
    if (n > 8)
        return false;
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        v = (v << 8) | ((b->flags & BYTE_LITTLE) ? p[n - 1 - k] : p[k]);
    *val = v;
    *used = n;
    return true;
}

/* Suricata: AND with the mask, then shift right once per trailing zero bit
 * of the mask, so a field compares in its own units. */
static uint64_t byte_mask(const struct sm_byte *b, uint64_t v)
{
    uint64_t m = b->bitmask;
    if (m == 0)
        return v;
    v &= m;
    for (; !(m & 1); m >>= 1)
        v >>= 1;
    return v;
}

/* '^' is Suricata's "OR", which its code computes as XOR; '|' is a true OR. */
static bool byte_compare(uint8_t op, uint64_t v, uint64_t want)
{
    switch (op) {
    case BOP_LT:
        return v < want;
    case BOP_GT:
        return v > want;
    case BOP_LE:
        return v <= want;
    case BOP_GE:
        return v >= want;
    case BOP_EQ:
        return v == want;
    case BOP_AND:
        return (v & want) != 0;
    case BOP_OR:
        return (v | want) != 0;
    case BOP_XOR_NZ:
        return (v ^ want) != 0;
    default:
        return false;
    }
}

/* An unreadable value fails even when negated, as in Suricata. */
static bool byte_test(const struct sigmatch *sm, const uint8_t *data, size_t len, size_t cursor)
{
    const struct sm_byte *b = &sm->u.byte;
    size_t at, used;
    uint64_t v;
    if (!byte_pos(sm, cursor, len, &at) || !byte_read(b, data + at, &v, &used))
        return false;
    bool hit = byte_compare(b->op, byte_mask(b, v), b->value);
    return (b->flags & BYTE_NEGATE) ? !hit : hit;
}

/* The target is base + value*multiplier (aligned up to 4) + post_offset, where
 * base is the byte after the number read (text: after the digits consumed),
 * the buffer start (from_beginning) or its end (from_end). Before the buffer
 * clamps to 0; past the end fails. */
static bool byte_jump(const struct sigmatch *sm, const uint8_t *data, size_t len, size_t cursor,
                      size_t *to)
{
    const struct sm_byte *b = &sm->u.byte;
    size_t at, used;
    uint64_t v;
    if (len == 0 || !byte_pos(sm, cursor, len, &at) || !byte_read(b, data + at, &v, &used))
        return false;
    v = byte_mask(b, v);
    uint64_t mult = b->multiplier ? b->multiplier : 1;
    /* Past len + 2^32 no post_offset (an int32) can bring the target back
     * into the buffer; stopping here keeps the sums below in range, where
     * Suricata's unsigned arithmetic would wrap. */
    uint64_t limit = (uint64_t)len + ((uint64_t)1 << 32);
    if (v > limit / mult)
        return false;
    v *= mult;
    if ((b->flags & BYTE_ALIGN) && v % 4 != 0)
        v += 4 - v % 4;
    int64_t base = (int64_t)(at + used);
    if (b->flags & BYTE_FROM_BEGINNING)
        base = 0;
    else if (b->flags & BYTE_FROM_END)
        base = (int64_t)len;
    int64_t target = base + (int64_t)v + b->post_offset;
    if (target > (int64_t)len)
        return false;
    *to = target < 0 ? 0 : (size_t)target;
    return true;
}

/* ---- the rest ------------------------------------------------------------------- */

bool detect_match_dsize(const struct sm_size *s, size_t len)
{
    uint64_t n = len;
    switch (s->op) {
    case BSIZE_EQ:
        return n == s->lo;
    case BSIZE_LT:
        return n < s->lo;
    case BSIZE_GT:
        return n > s->lo;
    case BSIZE_RANGE:
        return n > s->lo && n < s->hi;
    default:
        return false;
    }
}

static bool dataset_match(const struct sm_dataset *d, const uint8_t *data, size_t len)
{
    bool hit = d->set != NULL && dataset_contains(d->set, data, len);
    return d->op == DATASET_ISNOTSET ? !hit : hit;
}

/* Suricata gives up on the buffer when an isdataat fails, except a negated
 * relative one, whose answer changes with the cursor. */
static int inspect_isdataat(struct inspect *in, uint32_t i, size_t cursor, size_t end_max)
{
    const struct sigmatch *sm = &in->sm[i];
    int64_t n = sm->u.isdataat.n, len = (int64_t)in->len;
    bool rel = (sm->flags & SMF_RELATIVE) != 0, neg = (sm->flags & SMF_NEGATED) != 0;
    bool present = rel ? (int64_t)cursor + n <= len : n < len;
    if (present == neg)
        return rel && neg ? INSPECT_NOMATCH : INSPECT_ABORT;
    return inspect_at(in, i + 1, cursor, end_max);
}

static int inspect_at(struct inspect *in, uint32_t i, size_t cursor, size_t end_max)
{
    if (i == in->nsm) {
        in->match_end = end_max;
        return INSPECT_MATCH;
    }
    if (++in->steps > INSPECT_STEP_LIMIT)
        return INSPECT_ABORT;
    const struct sigmatch *sm = &in->sm[i];
    bool ok;
    size_t to = cursor;
    switch (sm->type) {
    case SM_CONTENT:
        return inspect_content(in, i, cursor, end_max);
    case SM_PCRE:
        return inspect_pcre(in, i, cursor, end_max);
    case SM_ISDATAAT:
        return inspect_isdataat(in, i, cursor, end_max);
    case SM_BYTE_JUMP:
        ok = byte_jump(sm, in->data, in->len, cursor, &to);
        break;
    case SM_BYTE_TEST:
        ok = byte_test(sm, in->data, in->len, cursor);
        break;
    case SM_BSIZE:
        ok = detect_match_dsize(&sm->u.bsize, in->len);
        break;
    case SM_DATASET:
        ok = dataset_match(&sm->u.dataset, in->data, in->len);
        break;
    default:
        return INSPECT_ABORT;
    }
    if (!ok)
        return fail_code(sm);
    return inspect_at(in, i + 1, to, end_max);
}

bool detect_inspect_buffer(const struct rule_buffer *b, const uint8_t *data, size_t len,
                           size_t *match_end)
{
    static const uint8_t empty[1];
    if (match_end != NULL)
        *match_end = 0;
    if (b == NULL || (data == NULL && len > 0))
        return false;
    if (b->nsm == 0)
        return true;
    struct inspect in = {.sm = b->sm, .nsm = b->nsm, .data = data ? data : empty, .len = len};
    if (inspect_at(&in, 0, 0, 0) != INSPECT_MATCH)
        return false;
    if (match_end != NULL)
        *match_end = in.match_end;
    return true;
}

/* ---- pcre compile --------------------------------------------------------------- */

static const struct {
    char flag;
    const char *buffer;
} pcre_buffer_flags[] = {
    {'U', "http.uri"},           {'I', "http.uri.raw"},    {'P', "http.request_body"},
    {'Q', "http.response_body"}, {'H', "http.header"},     {'D', "http.header.raw"},
    {'M', "http.method"},        {'C', "http.cookie"},     {'S', "http.stat_code"},
    {'Y', "http.stat_msg"},      {'V', "http.user_agent"}, {'W', "http.host"},
    {'Z', "http.host.raw"},
};

static const struct {
    char flag;
    uint32_t opt;
} pcre_opt_flags[] = {
    {'i', PCRE2_CASELESS}, {'m', PCRE2_MULTILINE}, {'s', PCRE2_DOTALL},
    {'x', PCRE2_EXTENDED}, {'A', PCRE2_ANCHORED},  {'E', PCRE2_DOLLAR_ENDONLY},
    {'G', PCRE2_UNGREEDY},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *pcre_buffer_of(char f)
{
    for (size_t k = 0; k < NELEM(pcre_buffer_flags); k++)
        if (pcre_buffer_flags[k].flag == f)
            return pcre_buffer_flags[k].buffer;
    return NULL;
}

static bool pcre_opt_of(char f, uint32_t *opt)
{
    for (size_t k = 0; k < NELEM(pcre_opt_flags); k++) {
        if (pcre_opt_flags[k].flag == f) {
            *opt = pcre_opt_flags[k].opt;
            return true;
        }
    }
    return false;
}

struct pcre_flags {
    uint32_t opts;
    uint16_t smf;
    char buffer_flag;
    const char *buffer;
};

/* O (Suricata: override match limits) and B (Snort: raw bytes) are accepted
 * and have no effect here. */
static int pcre_parse_flags(const char *f, struct pcre_flags *out, char *err, size_t errlen)
{
    for (; *f != '\0'; f++) {
        uint32_t opt;
        const char *buf = pcre_buffer_of(*f);
        if (pcre_opt_of(*f, &opt)) {
            out->opts |= opt;
        } else if (*f == 'R') {
            out->smf |= SMF_RELATIVE;
        } else if (*f == 'O' || *f == 'B') {
            continue;
        } else if (buf != NULL) {
            if (out->buffer != NULL && out->buffer_flag != *f) {
                snprintf(err, errlen, "pcre: flag '%c' conflicts with '%c'", *f, out->buffer_flag);
                return -1;
            }
            out->buffer = buf;
            out->buffer_flag = *f;
        } else {
            snprintf(err, errlen, "pcre: unknown flag '%c'", *f);
            return -1;
        }
    }
    return 0;
}

/* The closing '/' is the last one, unless a backslash escapes it. */
static const char *pcre_closing_slash(const char *value)
{
    const char *close = strrchr(value, '/');
    if (value[0] != '/' || close == value)
        return NULL;
    size_t bs = 0;
    for (const char *q = close - 1; q > value && *q == '\\'; q--)
        bs++;
    return bs % 2 == 0 ? close : NULL;
}

int sm_pcre_compile(const char *value, struct sigmatch *sm, const char **buffer, char *err,
                    size_t errlen)
{
    struct pcre_flags pf = {0};
    if (buffer != NULL)
        *buffer = NULL;
    const char *close = pcre_closing_slash(value);
    if (close == NULL) {
        snprintf(err, errlen, "pcre: expected /regex/flags");
        return -1;
    }
    if (pcre_parse_flags(close + 1, &pf, err, errlen) < 0)
        return -1;
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)(value + 1), (size_t)(close - value - 1), pf.opts,
                                   &code, &at, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "error %d", code);
        snprintf(err, errlen, "pcre: %s at offset %zu", (const char *)msg, (size_t)at);
        return -1;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* no JIT: the interpreter runs it */
    sm->type = SM_PCRE;
    sm->flags |= pf.smf;
    sm->u.pcre.re = re;
    sm->u.pcre.opts = pf.opts;
    if (buffer != NULL)
        *buffer = pf.buffer;
    return 0;
}

void sm_free(struct sigmatch *sm)
{
    if (sm == NULL)
        return;
    if (sm->type == SM_CONTENT) {
        free(sm->u.content.pat);
        sm->u.content.pat = NULL;
    } else if (sm->type == SM_PCRE) {
        pcre2_code_free(sm->u.pcre.re);
        sm->u.pcre.re = NULL;
    }
}

/* test-detect-content.c — payload keywords on one buffer: content windows at
 * their exact edges, relative matching and backtracking, negation, nocase,
 * startswith/endswith, pcre (flags, R, compile errors), byte_test, byte_jump,
 * isdataat, bsize, and bounded work on hostile input. Sigmatches are built by
 * hand, as the rule parser would fill them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect-content.h"

#define NONE INT32_MIN

/* ---- builders ------------------------------------------------------------------ */

static struct sigmatch content_n(const char *pat, size_t len, uint16_t flags)
{
    struct sigmatch sm = {.type = SM_CONTENT, .flags = flags};
    sm.u.content.pat = (uint8_t *)(uintptr_t)pat;
    sm.u.content.len = (uint32_t)len;
    return sm;
}

static struct sigmatch ct(const char *pat, uint16_t flags)
{
    return content_n(pat, strlen(pat), flags);
}

/* offset / depth as given (NONE: not given). */
static struct sigmatch ct_abs(const char *pat, int32_t offset, int32_t depth)
{
    struct sigmatch sm = ct(pat, 0);
    if (offset != NONE) {
        sm.flags |= SMF_OFFSET;
        sm.u.content.offset = offset;
    }
    if (depth != NONE) {
        sm.flags |= SMF_DEPTH;
        sm.u.content.depth = depth;
    }
    return sm;
}

/* distance / within as given (NONE: not given), as the parser marks them. */
static struct sigmatch ct_rel(const char *pat, int32_t distance, int32_t within, uint16_t flags)
{
    struct sigmatch sm = ct(pat, flags | SMF_RELATIVE);
    if (distance != NONE) {
        sm.flags |= SMF_DISTANCE;
        sm.u.content.distance = distance;
    }
    if (within != NONE) {
        sm.flags |= SMF_WITHIN;
        sm.u.content.within = within;
    }
    return sm;
}

static struct sigmatch *compiled[128];
static int ncompiled;

static struct sigmatch pcre(const char *value, uint16_t flags)
{
    struct sigmatch sm = {.flags = flags};
    char err[256] = "";
    const char *buf = NULL;
    int rc = sm_pcre_compile(value, &sm, &buf, err, sizeof(err));
    if (rc != 0)
        fail_msg("%s: %s", value, err);
    assert_true(ncompiled < 128);
    compiled[ncompiled] = malloc(sizeof(sm));
    assert_non_null(compiled[ncompiled]);
    *compiled[ncompiled++] = sm;
    return sm;
}

static struct sigmatch btest(uint8_t nbytes, uint8_t op, uint64_t value, int32_t offset,
                             uint16_t bflags, uint16_t smf)
{
    struct sigmatch sm = {.type = SM_BYTE_TEST, .flags = smf};
    sm.u.byte = (struct sm_byte){
        .nbytes = nbytes, .op = op, .value = value, .offset = offset, .flags = bflags};
    if (bflags & BYTE_STRING)
        sm.u.byte.base = 10;
    return sm;
}

static struct sigmatch bjump(uint8_t nbytes, int32_t offset, uint16_t bflags, uint16_t smf,
                             uint32_t mult, int32_t post)
{
    struct sigmatch sm = {.type = SM_BYTE_JUMP, .flags = smf};
    sm.u.byte = (struct sm_byte){.nbytes = nbytes,
                                 .offset = offset,
                                 .flags = bflags,
                                 .multiplier = mult,
                                 .post_offset = post};
    if (bflags & BYTE_STRING)
        sm.u.byte.base = 10;
    return sm;
}

static struct sigmatch with_base(struct sigmatch sm, uint8_t base)
{
    sm.u.byte.base = base;
    return sm;
}

static struct sigmatch with_mask(struct sigmatch sm, uint64_t mask)
{
    sm.u.byte.bitmask = mask;
    return sm;
}

static struct sigmatch isdataat(int32_t n, uint16_t smf)
{
    struct sigmatch sm = {.type = SM_ISDATAAT, .flags = smf};
    sm.u.isdataat.n = n;
    return sm;
}

static struct sigmatch bsize(uint8_t op, uint32_t lo, uint32_t hi)
{
    struct sigmatch sm = {.type = SM_BSIZE};
    sm.u.bsize = (struct sm_size){.op = op, .lo = lo, .hi = hi};
    return sm;
}

static size_t last_end;

static bool inspect_n(const void *data, size_t len, struct sigmatch *sm, size_t n)
{
    struct rule_buffer b = {.id = 0, .sm = sm, .nsm = (uint32_t)n};
    last_end = (size_t)-1;
    return detect_inspect_buffer(&b, data, len, &last_end);
}

#define SMS(...) ((struct sigmatch[]){__VA_ARGS__})
#define NSM(...) (sizeof(SMS(__VA_ARGS__)) / sizeof(struct sigmatch))
/* M("literal", keywords...): buf must be a string literal (its sizeof is used). */
#define M(buf, ...) inspect_n(buf, sizeof(buf) - 1, SMS(__VA_ARGS__), NSM(__VA_ARGS__))

static int free_compiled(void **state)
{
    (void)state;
    for (int i = 0; i < ncompiled; i++) {
        sm_free(compiled[i]);
        free(compiled[i]);
    }
    ncompiled = 0;
    return 0;
}

/* ---- content: absolute ------------------------------------------------------------ */

static void test_content_plain(void **state)
{
    (void)state;
    assert_true(M("xxabcxx", ct("abc", 0)));
    assert_int_equal(last_end, 5);
    assert_false(M("xxabxcx", ct("abc", 0)));
    assert_false(M("ab", ct("abc", 0)));
    assert_true(M("abc", ct("abc", 0)));
    assert_false(M("", ct("a", 0)));
}

static void test_content_offset_edges(void **state)
{
    (void)state;
    /* "abcdef": "cd" at 2..4 */
    assert_true(M("abcdef", ct_abs("cd", 2, NONE)));
    assert_false(M("abcdef", ct_abs("cd", 3, NONE)));
    assert_true(M("abcdef", ct_abs("cd", 0, NONE)));
    assert_false(M("abcdef", ct_abs("cd", 6, NONE)));
    assert_false(M("abcdef", ct_abs("cd", 100, NONE)));
}

static void test_content_depth_edges(void **state)
{
    (void)state;
    assert_true(M("abcdef", ct_abs("cd", NONE, 4))); /* ends exactly at depth */
    assert_false(M("abcdef", ct_abs("cd", NONE, 3)));
    assert_true(M("abcdef", ct_abs("cd", NONE, 100))); /* depth past the end */
    /* depth counts from offset: window [offset, offset + depth) */
    assert_true(M("abcdef", ct_abs("cd", 1, 3)));
    assert_false(M("abcdef", ct_abs("cd", 1, 2)));
    assert_true(M("abcdef", ct_abs("cd", 2, 2)));
    assert_false(M("abcdef", ct_abs("cd", 3, 2)));
    assert_true(M("abcdef", ct_abs("ef", 4, 2)));
    assert_false(M("abcdef", ct_abs("ef", 4, 1)));
}

/* ---- content: relative ------------------------------------------------------------ */

static void test_distance_edges(void **state)
{
    (void)state;
    /* "abXcd": "ab" ends at 2, "cd" starts at 3 */
    assert_true(M("abXcd", ct("ab", 0), ct_rel("cd", 0, NONE, 0)));
    assert_true(M("abXcd", ct("ab", 0), ct_rel("cd", 1, NONE, 0)));
    assert_false(M("abXcd", ct("ab", 0), ct_rel("cd", 2, NONE, 0)));
    assert_int_equal(last_end, 0);
}

static void test_within_edges(void **state)
{
    (void)state;
    /* "cd" must end within 3 bytes of the end of "ab" */
    assert_true(M("abXcd", ct("ab", 0), ct_rel("cd", NONE, 3, 0)));
    assert_int_equal(last_end, 5);
    assert_false(M("abXcd", ct("ab", 0), ct_rel("cd", NONE, 2, 0)));
    assert_true(M("abcd", ct("ab", 0), ct_rel("cd", NONE, 2, 0)));
}

static void test_distance_and_within(void **state)
{
    (void)state;
    /* "abXXcd": window [2 + distance, 2 + distance + within) */
    assert_true(M("abXXcd", ct("ab", 0), ct_rel("cd", 2, 2, 0)));
    assert_false(M("abXXcd", ct("ab", 0), ct_rel("cd", 1, 2, 0)));
    assert_true(M("abXXcd", ct("ab", 0), ct_rel("cd", 1, 3, 0)));
    assert_false(M("abXXcd", ct("ab", 0), ct_rel("cd", 3, 2, 0)));
}

static void test_negative_distance(void **state)
{
    (void)state;
    /* "abcd": cursor 4 after "cd"; distance -3 within 2 -> [1, 3) = "bc" */
    assert_true(M("abcd", ct("cd", 0), ct_rel("bc", -3, 2, 0)));
    assert_false(M("abcd", ct("cd", 0), ct_rel("bc", -2, 2, 0)));
    assert_false(M("abcd", ct("cd", 0), ct_rel("bc", -4, 2, 0)));
    /* The start clamps at 0, the end uses the unclamped distance:
     * cursor 2, distance -10, within w -> [0, w - 8). */
    assert_true(M("abcd", ct("ab", 0), ct_rel("ab", -10, NONE, 0)));
    assert_true(M("abcd", ct("ab", 0), ct_rel("ab", -10, 10, 0)));
    assert_false(M("abcd", ct("ab", 0), ct_rel("ab", -10, 9, 0)));
}

static void test_relative_first_content(void **state)
{
    (void)state;
    /* no previous match: relative to the buffer start */
    assert_true(M("ab", ct_rel("b", 1, NONE, 0)));
    assert_false(M("ab", ct_rel("b", 2, NONE, 0)));
    assert_true(M("ab", ct_rel("a", NONE, 1, 0)));
    assert_false(M("xab", ct_rel("a", NONE, 1, 0)));
}

static void test_backtracking(void **state)
{
    (void)state;
    /* The first 'a' is followed by 'X'; the second by 'b'. */
    assert_true(M("aXab", ct("a", 0), ct_rel("b", 0, 1, 0)));
    assert_int_equal(last_end, 4);
    assert_false(M("aXaXb", ct("a", 0), ct_rel("b", 0, 1, 0)));
    /* Two levels: "ab" then "c" right after it, only at 3..6. */
    assert_true(M("abXabc", ct("a", 0), ct_rel("b", 0, 1, 0), ct_rel("c", 0, 1, 0)));
    assert_int_equal(last_end, 6);
    /* The retried content is relative itself. */
    assert_true(M("Kabxab!", ct("K", 0), ct_rel("ab", 0, NONE, 0), ct_rel("!", 0, 1, 0)));
}

/* The cursor a keyword sees can move backwards between retries (here a
 * byte_jump after a retried content); what an earlier search learned about
 * where "Z" is absent must not hide it. First 'J' jumps to 8 ("q"), the
 * second to 5 ("Z"). */
static void test_backtracking_cursor_moves_back(void **state)
{
    (void)state;
    assert_true(M("J\x06ZJ\x00Zxxqx", ct("J", 0), bjump(1, 0, BYTE_BIG, SMF_RELATIVE, 0, 0),
                  ct_rel("Z", 0, 1, 0)));
    assert_int_equal(last_end, 6);
    assert_true(M("J\x06ZJ\x00Zxxqx", ct("J", 0), bjump(1, 0, BYTE_BIG, SMF_RELATIVE, 0, 0),
                  ct_rel("Z", -3, NONE, 0)));
    assert_true(M("J\x00xJ\x00Z", ct("J", 0), bjump(1, 0, BYTE_BIG, SMF_RELATIVE, 0, 0),
                  ct_rel("Z", 0, 1, 0), ct_rel("Z", -1, 1, 0)));
}

static void test_no_retry_when_not_relative(void **state)
{
    (void)state;
    /* "b" is absolute: another "a" cannot help, and it is found anyway */
    assert_true(M("aab", ct("a", 0), ct("b", 0)));
    assert_false(M("aaa", ct("a", 0), ct("b", 0)));
    /* the next relative keyword reads the cursor of "c", not of "a" */
    assert_false(M("aXac", ct("a", 0), ct("c", 0), ct_rel("a", 0, 1, 0)));
}

static void test_negated_absolute(void **state)
{
    (void)state;
    assert_true(M("good", ct("evil", SMF_NEGATED)));
    assert_false(M("very evil", ct("evil", SMF_NEGATED)));
    struct sigmatch d = ct_abs("x", NONE, 2);
    d.flags |= SMF_NEGATED;
    assert_true(M("abx", d));
    assert_false(M("axb", d));
    assert_true(M("", ct("x", SMF_NEGATED)));
    assert_int_equal(last_end, 0);
}

static void test_negated_relative(void **state)
{
    (void)state;
    assert_false(M("abc", ct("a", 0), ct_rel("b", 0, 1, SMF_NEGATED)));
    assert_true(M("abc", ct("a", 0), ct_rel("c", 0, 1, SMF_NEGATED)));
    /* the first 'a' is followed by 'b', the second is not */
    assert_true(M("abac", ct("a", 0), ct_rel("b", 0, 1, SMF_NEGATED)));
    assert_false(M("abab", ct("a", 0), ct_rel("b", 0, 1, SMF_NEGATED)));
    /* an empty window holds nothing */
    assert_true(M("ab", ct("ab", 0), ct_rel("b", 0, NONE, SMF_NEGATED)));
}

static void test_negated_keeps_cursor(void **state)
{
    (void)state;
    assert_true(M("abcd", ct("ab", 0), ct("x", SMF_NEGATED), ct_rel("cd", 0, 2, 0)));
    assert_int_equal(last_end, 4);
}

static void test_nocase(void **state)
{
    (void)state;
    assert_true(M("xHeLLo", ct("hello", SMF_NOCASE)));
    assert_false(M("xHeLLo", ct("hello", 0)));
    assert_true(M("xhello", ct("hello", 0)));
    assert_true(M("AAAAB", ct("aab", SMF_NOCASE))); /* needs the failure table */
    assert_int_equal(last_end, 5);
    assert_false(M("AAAAC", ct("aab", SMF_NOCASE)));
    /* only ASCII letters fold */
    assert_false(M("\xc0", ct("\xe0", SMF_NOCASE)));
    /* nocase respects the window */
    struct sigmatch d = ct_abs("b", NONE, 2);
    d.flags |= SMF_NOCASE;
    assert_true(M("aBc", d));
    assert_false(M("acB", d));
}

static void test_nocase_long_pattern(void **state)
{
    (void)state;
    char pat[301], buf[400];
    memset(pat, 'q', 300);
    pat[299] = 'z';
    pat[300] = '\0';
    memset(buf, 'Q', sizeof(buf));
    buf[350] = 'Z';
    struct sigmatch sm[] = {ct(pat, SMF_NOCASE)};
    assert_true(inspect_n(buf, sizeof(buf), sm, 1));
    assert_int_equal(last_end, 351);
    buf[350] = 'Q';
    assert_false(inspect_n(buf, sizeof(buf), sm, 1));
}

static void test_startswith_endswith(void **state)
{
    (void)state;
    assert_true(M("abcd", ct("abc", SMF_STARTSWITH)));
    assert_false(M("xabc", ct("abc", SMF_STARTSWITH)));
    assert_false(M("ab", ct("abc", SMF_STARTSWITH)));
    assert_true(M("abcd", ct("cd", SMF_ENDSWITH)));
    assert_false(M("abcdx", ct("cd", SMF_ENDSWITH)));
    assert_true(M("cdcd", ct("cd", SMF_ENDSWITH)));
    assert_int_equal(last_end, 4);
    assert_true(M("abc", ct("abc", SMF_STARTSWITH | SMF_ENDSWITH)));
    assert_false(M("abcabc", ct("abc", SMF_STARTSWITH | SMF_ENDSWITH)));
    assert_true(M("aXd", ct("a", 0), ct_rel("d", 0, NONE, SMF_ENDSWITH)));
    assert_false(M("aXdd", ct("a", 0), ct_rel("d", 0, 2, SMF_ENDSWITH)));
    assert_true(M("aXdd", ct("a", 0), ct_rel("d", 0, 3, SMF_ENDSWITH)));
    /* negated: the buffer does not end with it */
    assert_false(M("abcd", ct("cd", SMF_ENDSWITH | SMF_NEGATED)));
    assert_true(M("cdab", ct("cd", SMF_ENDSWITH | SMF_NEGATED)));
    assert_true(M("xabc", ct("abc", SMF_STARTSWITH | SMF_NEGATED)));
    assert_false(M("abcx", ct("abc", SMF_STARTSWITH | SMF_NEGATED)));
}

static void test_match_end_is_largest(void **state)
{
    (void)state;
    assert_true(M("xxabyy", ct("yy", 0), ct("ab", 0)));
    assert_int_equal(last_end, 6);
    assert_true(M("xxabyy", ct("ab", 0), ct("q", SMF_NEGATED)));
    assert_int_equal(last_end, 4);
}

static void test_binary_content(void **state)
{
    (void)state;
    struct sigmatch sm[] = {content_n("\x00\x01", 2, 0)};
    assert_true(inspect_n("\xff\x00\x01\xff", 4, sm, 1));
    assert_int_equal(last_end, 3);
    assert_false(inspect_n("\xff\x00\x02\xff", 4, sm, 1));
}

/* ---- pcre -------------------------------------------------------------------------- */

static void test_pcre_basic_and_flags(void **state)
{
    (void)state;
    assert_true(M("xabc", pcre("/a.c/", 0)));
    assert_int_equal(last_end, 4);
    assert_false(M("xABC", pcre("/a.c/", 0)));
    assert_true(M("xABC", pcre("/a.c/i", 0)));
    assert_false(M("x\nab", pcre("/^ab/", 0)));
    assert_true(M("x\nab", pcre("/^ab/m", 0)));
    assert_false(M("a\nc", pcre("/a.c/", 0)));
    assert_true(M("a\nc", pcre("/a.c/s", 0)));
    assert_true(M("abc", pcre("/a b c/x", 0)));
    assert_false(M("xab", pcre("/ab/A", 0)));
    assert_true(M("abx", pcre("/ab/A", 0)));
    assert_true(M("abc\n", pcre("/c$/", 0)));
    assert_false(M("abc\n", pcre("/c$/E", 0)));
    assert_true(M("abcbc", pcre("/a.+c/", 0)));
    assert_int_equal(last_end, 5);
    assert_true(M("abcbc", pcre("/a.+c/G", 0)));
    assert_int_equal(last_end, 3);
    assert_true(M("abc", pcre("/b/OB", 0)));
    assert_true(M("", pcre("/^$/", 0)));
}

static void test_pcre_relative(void **state)
{
    (void)state;
    assert_true(M("abc", ct("ab", 0), pcre("/^c/R", 0)));
    assert_false(M("abxc", ct("ab", 0), pcre("/^c/R", 0)));
    assert_false(M("cab", ct("ab", 0), pcre("/c/R", 0)));
    assert_true(M("cab", ct("ab", 0), pcre("/c/", 0)));
    /* the pcre match end is the cursor for what follows */
    assert_true(M("abbbc", pcre("/b+/", 0), ct_rel("c", 0, 1, 0)));
    assert_int_equal(last_end, 5);
    /* backtracking into the pcre: "aX" fails, "aY" is followed by "z" */
    assert_true(M("aXaYz", pcre("/a./", 0), ct_rel("z", 0, 1, 0)));
    assert_false(M("aXaYq", pcre("/a./", 0), ct_rel("z", 0, 1, 0)));
    /* backtracking into a content from a relative pcre */
    assert_true(M("a1a2", ct("a", 0), pcre("/^2/R", 0)));
}

static void test_pcre_negated(void **state)
{
    (void)state;
    assert_true(M("good", pcre("/evil/", SMF_NEGATED)));
    assert_false(M("so evil", pcre("/evil/", SMF_NEGATED)));
    assert_true(M("evil ok", ct("ok", 0), pcre("/evil/R", SMF_NEGATED)));
    assert_false(M("ok evil", ct("ok", 0), pcre("/evil/R", SMF_NEGATED)));
    assert_true(M("ab", ct("b", 0), pcre("/^ab/R", SMF_NEGATED)));
    assert_int_equal(last_end, 2);
}

/* Catastrophic backtracking stops at the match limit (PCRE2 error -47);
 * neither the regex nor its negation matches then. */
static void test_pcre_match_limit(void **state)
{
    (void)state;
    static const char as[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
    assert_false(M(as, pcre("/^(a+)+$/", 0)));
    assert_false(M(as, pcre("/^(a+)+$/", SMF_NEGATED)));
    /* a clean no-match (PCRE2 sees no 'b' at all) is a negated match */
    assert_false(M(as, pcre("/(a+)+b/", 0)));
    assert_true(M(as, pcre("/(a+)+b/", SMF_NEGATED)));
}

static void compile_err(const char *value, const char *want)
{
    struct sigmatch sm = {.flags = SMF_NEGATED};
    char err[256] = "";
    const char *buf = "unset";
    assert_int_equal(sm_pcre_compile(value, &sm, &buf, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    assert_null(buf);
    assert_null(sm.u.pcre.re);
}

static void test_pcre_compile_errors(void **state)
{
    (void)state;
    compile_err("/a/q", "pcre: unknown flag 'q'");
    compile_err("/a/iRx!", "pcre: unknown flag '!'");
    compile_err("/(a/", "pcre: missing closing parenthesis at offset 2");
    compile_err("/a[/", "pcre: missing terminating ] for character class at offset 2");
    compile_err("/a**/", "pcre: quantifier does not follow a repeatable item at offset 2");
    compile_err("abc", "pcre: expected /regex/flags");
    compile_err("/abc", "pcre: expected /regex/flags");
    compile_err("/abc\\/", "pcre: expected /regex/flags");
    compile_err("", "pcre: expected /regex/flags");
    compile_err("/a/UI", "pcre: flag 'I' conflicts with 'U'");
}

static void test_pcre_compile_flags(void **state)
{
    (void)state;
    static const struct {
        const char *value, *buffer;
    } cases[] = {
        {"/a/U", "http.uri"},
        {"/a/I", "http.uri.raw"},
        {"/a/P", "http.request_body"},
        {"/a/Q", "http.response_body"},
        {"/a/H", "http.header"},
        {"/a/D", "http.header.raw"},
        {"/a/M", "http.method"},
        {"/a/C", "http.cookie"},
        {"/a/S", "http.stat_code"},
        {"/a/Y", "http.stat_msg"},
        {"/a/V", "http.user_agent"},
        {"/a/W", "http.host"},
        {"/a/Z", "http.host.raw"},
        {"/a/iUU", "http.uri"},
        {"/a/ismxAEGROB", NULL},
        {"/a\\/b/", NULL},
        {"/a/b/", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sigmatch sm = {.flags = SMF_NEGATED};
        char err[256] = "";
        const char *buf = "unset";
        assert_int_equal(sm_pcre_compile(cases[i].value, &sm, &buf, err, sizeof(err)), 0);
        if (cases[i].buffer == NULL)
            assert_null(buf);
        else
            assert_string_equal(buf, cases[i].buffer);
        assert_int_equal(sm.type, SM_PCRE);
        assert_non_null(sm.u.pcre.re);
        assert_true(sm.flags & SMF_NEGATED); /* the caller's flags stay */
        sm_free(&sm);
        assert_null(sm.u.pcre.re);
    }
    struct sigmatch sm = {0};
    char err[64];
    assert_int_equal(sm_pcre_compile("/a/iR", &sm, NULL, err, sizeof(err)), 0);
    assert_true(sm.flags & SMF_RELATIVE);
    assert_true(sm.u.pcre.opts & 0x00000008u); /* PCRE2_CASELESS */
    sm_free(&sm);
    /* "/a/b/": the last slash closes, so the regex is "a/b" */
    assert_true(M("xa/b", pcre("/a/b/", 0)));
}

/* ---- byte_test ---------------------------------------------------------------------- */

static void test_byte_test_ops(void **state)
{
    (void)state;
    /* "\x00\x10" = 16 big endian */
    assert_true(M("\x00\x10", btest(2, BOP_LT, 17, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_LT, 16, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_GT, 15, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_GT, 16, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_LE, 16, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_LE, 15, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_GE, 16, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_GE, 17, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_EQ, 16, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_EQ, 17, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_AND, 0x30, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_AND, 0x01, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_OR, 0, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x00", btest(2, BOP_OR, 0, 0, BYTE_BIG, 0)));
    assert_false(M("\x00\x10", btest(2, BOP_XOR_NZ, 16, 0, BYTE_BIG, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_XOR_NZ, 17, 0, BYTE_BIG, 0)));
    /* negated operator */
    assert_false(M("\x00\x10", btest(2, BOP_EQ, 16, 0, BYTE_BIG | BYTE_NEGATE, 0)));
    assert_true(M("\x00\x10", btest(2, BOP_EQ, 17, 0, BYTE_BIG | BYTE_NEGATE, 0)));
}

static void test_byte_test_endianness(void **state)
{
    (void)state;
    assert_true(M("\x10\x00", btest(2, BOP_EQ, 16, 0, BYTE_LITTLE, 0)));
    assert_true(M("\x10\x00", btest(2, BOP_EQ, 0x1000, 0, BYTE_BIG, 0)));
    assert_true(M("\x01\x02\x03\x04", btest(4, BOP_EQ, 0x01020304, 0, BYTE_BIG, 0)));
    assert_true(M("\x01\x02\x03\x04", btest(4, BOP_EQ, 0x04030201, 0, BYTE_LITTLE, 0)));
    assert_true(M("\x01\x02\x03", btest(3, BOP_EQ, 0x030201, 0, BYTE_LITTLE, 0)));
    assert_true(M("\x01\x02\x03\x04\x05\x06\x07\x08",
                  btest(8, BOP_EQ, 0x0102030405060708ull, 0, BYTE_BIG, 0)));
    assert_true(M("\x01\x02\x03\x04\x05\x06\x07\x08",
                  btest(8, BOP_EQ, 0x0807060504030201ull, 0, BYTE_LITTLE, 0)));
    assert_true(
        M("\xff\xff\xff\xff\xff\xff\xff\xff", btest(8, BOP_EQ, UINT64_MAX, 0, BYTE_BIG, 0)));
    assert_false(M("\x01", btest(9, BOP_EQ, 1, 0, BYTE_BIG, 0))); /* 9 binary bytes */
}

static void test_byte_test_string(void **state)
{
    (void)state;
    assert_true(M("123", btest(3, BOP_EQ, 123, 0, BYTE_STRING, 0)));
    assert_true(M("1234", btest(3, BOP_EQ, 123, 0, BYTE_STRING, 0)));
    assert_true(M("ff", with_base(btest(2, BOP_EQ, 255, 0, BYTE_STRING, 0), 16)));
    assert_true(M("0xff", with_base(btest(4, BOP_EQ, 255, 0, BYTE_STRING, 0), 16)));
    assert_true(M("17", with_base(btest(2, BOP_EQ, 15, 0, BYTE_STRING, 0), 8)));
    assert_true(M("19", with_base(btest(2, BOP_EQ, 1, 0, BYTE_STRING, 0), 8))); /* stops at '9' */
    assert_true(M(" 12", btest(3, BOP_EQ, 12, 0, BYTE_STRING, 0)));
    assert_true(M("12ab", btest(4, BOP_EQ, 12, 0, BYTE_STRING, 0)));
    /* no digits: no match, negated or not */
    assert_false(M("zz", btest(2, BOP_EQ, 0, 0, BYTE_STRING, 0)));
    assert_false(M("zz", btest(2, BOP_EQ, 5, 0, BYTE_STRING | BYTE_NEGATE, 0)));
    /* 23 characters is the longest, and overflow fails */
    assert_true(M("01777777777777777777777",
                  with_base(btest(23, BOP_EQ, UINT64_MAX, 0, BYTE_STRING, 0), 8)));
    assert_false(M("99999999999999999999999", btest(23, BOP_GT, 0, 0, BYTE_STRING, 0)));
    assert_false(M("000000000000000000000001", btest(24, BOP_EQ, 1, 0, BYTE_STRING, 0)));
}

static void test_byte_test_bitmask(void **state)
{
    (void)state;
    /* 0xF0 & 0xF0 = 0xF0, shifted right by the mask's 4 trailing zeros = 0x0F */
    assert_true(M("\xf0", with_mask(btest(1, BOP_EQ, 0x0f, 0, BYTE_BIG, 0), 0xf0)));
    assert_false(M("\xf0", with_mask(btest(1, BOP_EQ, 0xf0, 0, BYTE_BIG, 0), 0xf0)));
    assert_true(M("\x12\x34", with_mask(btest(2, BOP_EQ, 0x23, 0, BYTE_BIG, 0), 0x0ff0)));
    assert_true(M("\x0f", with_mask(btest(1, BOP_EQ, 0, 0, BYTE_BIG, 0), 0xf0)));
    assert_true(M("\x05", with_mask(btest(1, BOP_EQ, 5, 0, BYTE_BIG, 0), 0xff)));
}

static void test_byte_test_bounds_and_relative(void **state)
{
    (void)state;
    assert_true(M("abA", ct("ab", 0), btest(1, BOP_EQ, 'A', 0, BYTE_BIG, SMF_RELATIVE)));
    assert_true(M("abxA", ct("ab", 0), btest(1, BOP_EQ, 'A', 1, BYTE_BIG, SMF_RELATIVE)));
    assert_false(M("ab", ct("ab", 0), btest(1, BOP_EQ, 'A', 0, BYTE_BIG, SMF_RELATIVE)));
    assert_false(
        M("ab", ct("ab", 0), btest(1, BOP_EQ, 'A', 0, BYTE_BIG | BYTE_NEGATE, SMF_RELATIVE)));
    /* negative relative offset reaches back; before the buffer fails */
    assert_true(M("ab", ct("ab", 0), btest(1, BOP_EQ, 'a', -2, BYTE_BIG, SMF_RELATIVE)));
    assert_false(M("ab", ct("ab", 0), btest(1, BOP_EQ, 'a', -3, BYTE_BIG, SMF_RELATIVE)));
    assert_false(M("ab", btest(1, BOP_EQ, 'a', -1, BYTE_BIG, 0)));
    /* exactly at the end / one past */
    assert_true(M("\x00\x01", btest(1, BOP_EQ, 1, 1, BYTE_BIG, 0)));
    assert_false(M("\x00\x01", btest(2, BOP_EQ, 1, 1, BYTE_BIG, 0)));
    assert_false(M("\x00\x01", btest(1, BOP_EQ, 1, 2, BYTE_BIG, 0)));
    /* the relative test retries the content: only the second "L" has 7 after it */
    assert_true(M("L1L7", ct("L", 0), btest(1, BOP_EQ, '7', 0, BYTE_BIG, SMF_RELATIVE)));
}

/* ---- byte_jump ---------------------------------------------------------------------- */

static void test_byte_jump(void **state)
{
    (void)state;
    /* read 1 byte at 0 (= 2), land at 1 + 2 = 3 */
    assert_true(M("\x02XXyz", bjump(1, 0, BYTE_BIG, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    assert_false(M("\x01XXyz", bjump(1, 0, BYTE_BIG, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    /* multiplier */
    assert_true(M("\x01XXyz", bjump(1, 0, BYTE_BIG, 0, 2, 0), ct_rel("yz", 0, 2, 0)));
    /* align rounds the jump up to 4 */
    assert_true(
        M("\x01XXXXyz", bjump(1, 0, BYTE_BIG | BYTE_ALIGN, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    assert_true(
        M("\x04XXXXyz", bjump(1, 0, BYTE_BIG | BYTE_ALIGN, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    /* from_beginning: the jump counts from byte 0 */
    assert_true(
        M("\x03XXyz", bjump(1, 0, BYTE_BIG | BYTE_FROM_BEGINNING, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    /* from_end with post_offset -2: two bytes before the end */
    assert_true(
        M("\x00XXyz", bjump(1, 0, BYTE_BIG | BYTE_FROM_END, 0, 0, -2), ct_rel("yz", 0, 2, 0)));
    /* post_offset */
    assert_true(M("\x00XXyz", bjump(1, 0, BYTE_BIG, 0, 0, 2), ct_rel("yz", 0, 2, 0)));
    /* relative to a content, little endian */
    assert_true(M("L\x01\x00Xyz", ct("L", 0), bjump(2, 0, BYTE_LITTLE, SMF_RELATIVE, 0, 0),
                  ct_rel("yz", 0, 2, 0)));
    assert_int_equal(last_end, 6);
}

static void test_byte_jump_bounds(void **state)
{
    (void)state;
    /* landing exactly on the end is allowed; one past is not */
    assert_true(
        M("\x02XX", bjump(1, 0, BYTE_BIG, 0, 0, 0), isdataat(1, SMF_RELATIVE | SMF_NEGATED)));
    assert_false(M("\x03XX", bjump(1, 0, BYTE_BIG, 0, 0, 0)));
    /* before the start clamps to 0 */
    assert_true(M("\x02XX", bjump(1, 0, BYTE_BIG, 0, 0, -100), ct_rel("\x02", 0, 1, 0)));
    /* huge values and multipliers fail instead of wrapping */
    assert_false(M("\xff\xff\xff\xff\xff\xff\xff\xff", bjump(8, 0, BYTE_BIG, 0, 65535, -65535)));
    assert_false(M("", bjump(1, 0, BYTE_BIG, 0, 0, 0)));
    assert_false(M("\x01", bjump(2, 0, BYTE_BIG, 0, 0, 0)));
}

static void test_byte_jump_string(void **state)
{
    (void)state;
    assert_true(M("3abcyz", bjump(1, 0, BYTE_STRING, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    /* Suricata jumps from after the digits read, not after nbytes: "5" of
     * "5  " is one character, so 0 + 1 + 5 = 6. */
    assert_true(M("5  abcyz", bjump(3, 0, BYTE_STRING, 0, 0, 0), ct_rel("yz", 0, 2, 0)));
    assert_false(M("zzzz", bjump(2, 0, BYTE_STRING, 0, 0, 0)));
}

/* ---- isdataat, bsize, dataset ---------------------------------------------------- */

static void test_isdataat(void **state)
{
    (void)state;
    /* absolute: byte N exists, i.e. N < len */
    assert_true(M("abcd", isdataat(3, 0)));
    assert_false(M("abcd", isdataat(4, 0)));
    assert_true(M("abcd", isdataat(4, SMF_NEGATED)));
    assert_false(M("abcd", isdataat(3, SMF_NEGATED)));
    assert_false(M("", isdataat(0, 0)));
    /* relative: N bytes remain after the cursor */
    assert_true(M("abcd", ct("ab", 0), isdataat(2, SMF_RELATIVE)));
    assert_false(M("abcd", ct("ab", 0), isdataat(3, SMF_RELATIVE)));
    assert_true(M("abcd", ct("ab", 0), isdataat(3, SMF_RELATIVE | SMF_NEGATED)));
    assert_false(M("abcd", ct("ab", 0), isdataat(2, SMF_RELATIVE | SMF_NEGATED)));
    /* endswith spelled as isdataat:!1,relative, retrying the content */
    assert_true(M("abXab", ct("ab", 0), isdataat(1, SMF_RELATIVE | SMF_NEGATED)));
    assert_int_equal(last_end, 5);
}

static void test_bsize(void **state)
{
    (void)state;
    assert_true(M("abcd", bsize(BSIZE_EQ, 4, 4)));
    assert_false(M("abc", bsize(BSIZE_EQ, 4, 4)));
    assert_true(M("abc", bsize(BSIZE_LT, 4, 4)));
    assert_false(M("abcd", bsize(BSIZE_LT, 4, 4)));
    assert_true(M("abcde", bsize(BSIZE_GT, 4, 4)));
    assert_false(M("abcd", bsize(BSIZE_GT, 4, 4)));
    assert_true(M("abc", bsize(BSIZE_RANGE, 2, 4)));
    assert_false(M("ab", bsize(BSIZE_RANGE, 2, 4)));
    assert_false(M("abcd", bsize(BSIZE_RANGE, 2, 4)));
    struct sigmatch zero[] = {bsize(BSIZE_EQ, 0, 0)};
    assert_true(inspect_n(NULL, 0, zero, 1));
    assert_true(M("abcd", ct("cd", 0), bsize(BSIZE_EQ, 4, 4)));
    assert_false(M("abcd", ct("cd", 0), bsize(BSIZE_EQ, 5, 5)));
}

static void test_dsize(void **state)
{
    (void)state;
    struct sm_size eq = {BSIZE_EQ, 10, 10}, lt = {BSIZE_LT, 10, 10}, gt = {BSIZE_GT, 10, 10};
    struct sm_size range = {BSIZE_RANGE, 10, 20}, bad = {99, 0, 0};
    assert_true(detect_match_dsize(&eq, 10));
    assert_false(detect_match_dsize(&eq, 11));
    assert_true(detect_match_dsize(&lt, 9));
    assert_false(detect_match_dsize(&lt, 10));
    assert_true(detect_match_dsize(&gt, 11));
    assert_false(detect_match_dsize(&gt, 10));
    assert_true(detect_match_dsize(&range, 11));
    assert_true(detect_match_dsize(&range, 19));
    assert_false(detect_match_dsize(&range, 10));
    assert_false(detect_match_dsize(&range, 20));
    assert_false(detect_match_dsize(&bad, 0));
    struct sm_size big = {BSIZE_GT, UINT32_MAX, 0};
    assert_true(detect_match_dsize(&big, (size_t)UINT32_MAX + 1));
}

/* Datasets are tested with detect-dataset.c; a missing set is empty here. */
static void test_dataset_without_set(void **state)
{
    (void)state;
    struct sigmatch isset = {.type = SM_DATASET}, isnotset = {.type = SM_DATASET};
    isset.u.dataset = (struct sm_dataset){.set = NULL, .op = DATASET_ISSET};
    isnotset.u.dataset = (struct sm_dataset){.set = NULL, .op = DATASET_ISNOTSET};
    assert_false(M("x", isset));
    assert_true(M("x", isnotset));
}

/* ---- the call itself, hostile input ------------------------------------------------ */

static void test_inspect_edges(void **state)
{
    (void)state;
    struct rule_buffer none = {0};
    size_t end = 7;
    assert_true(detect_inspect_buffer(&none, (const uint8_t *)"x", 1, &end));
    assert_int_equal(end, 0);
    assert_false(detect_inspect_buffer(NULL, (const uint8_t *)"x", 1, &end));
    struct sigmatch sm[] = {ct("x", 0)};
    struct rule_buffer b = {.sm = sm, .nsm = 1};
    assert_true(detect_inspect_buffer(&b, (const uint8_t *)"x", 1, NULL));
    assert_false(detect_inspect_buffer(&b, NULL, 5, &end));
    assert_false(detect_inspect_buffer(&b, NULL, 0, &end));
    struct sigmatch unknown[] = {{.type = 200}};
    assert_false(M("x", unknown[0]));
}

/* 64 KiB of 'a': every 'a' is a candidate for the retry, none has a 'b'
 * after it. The step limit stops it after a bounded number of scans. */
static void test_hostile_backtracking(void **state)
{
    (void)state;
    size_t n = 64 * 1024;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    memset(buf, 'a', n);
    struct sigmatch sm[] = {ct("a", 0), ct_rel("b", 0, NONE, 0)};
    assert_false(inspect_n(buf, n, sm, 2));
    struct sigmatch sm2[] = {ct("a", 0), ct_rel("b", 0, 1, 0)};
    assert_false(inspect_n(buf, n, sm2, 2));
    char pat[201];
    memset(pat, 'a', 200);
    pat[199] = 'b';
    pat[200] = '\0';
    struct sigmatch sm3[] = {ct("a", 0), ct_rel(pat, 0, NONE, SMF_NOCASE)};
    assert_false(inspect_n(buf, n, sm3, 2));
    struct sigmatch sm4[] = {ct("a", 0), pcre("/^(a|aa)+b/R", 0)};
    assert_false(inspect_n(buf, n, sm4, 2));
    free(buf);
}

/* Past the step limit (3000) a match that needs more retries is not found. */
static void test_step_limit(void **state)
{
    (void)state;
    size_t n = 4000;
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    memset(buf, 'a', n);
    struct sigmatch sm[] = {ct("a", 0), ct_rel("b", 0, 1, 0)};
    buf[1000] = 'b';
    assert_true(inspect_n(buf, n, sm, 2));
    assert_int_equal(last_end, 1001);
    buf[1000] = 'a';
    buf[3500] = 'b';
    assert_false(inspect_n(buf, n, sm, 2));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_plain),
        cmocka_unit_test(test_content_offset_edges),
        cmocka_unit_test(test_content_depth_edges),
        cmocka_unit_test(test_distance_edges),
        cmocka_unit_test(test_within_edges),
        cmocka_unit_test(test_distance_and_within),
        cmocka_unit_test(test_negative_distance),
        cmocka_unit_test(test_relative_first_content),
        cmocka_unit_test(test_backtracking),
        cmocka_unit_test(test_backtracking_cursor_moves_back),
        cmocka_unit_test(test_no_retry_when_not_relative),
        cmocka_unit_test(test_negated_absolute),
        cmocka_unit_test(test_negated_relative),
        cmocka_unit_test(test_negated_keeps_cursor),
        cmocka_unit_test(test_nocase),
        cmocka_unit_test(test_nocase_long_pattern),
        cmocka_unit_test(test_startswith_endswith),
        cmocka_unit_test(test_match_end_is_largest),
        cmocka_unit_test(test_binary_content),
        cmocka_unit_test_teardown(test_pcre_basic_and_flags, free_compiled),
        cmocka_unit_test_teardown(test_pcre_relative, free_compiled),
        cmocka_unit_test_teardown(test_pcre_negated, free_compiled),
        cmocka_unit_test_teardown(test_pcre_match_limit, free_compiled),
        cmocka_unit_test(test_pcre_compile_errors),
        cmocka_unit_test_teardown(test_pcre_compile_flags, free_compiled),
        cmocka_unit_test(test_byte_test_ops),
        cmocka_unit_test(test_byte_test_endianness),
        cmocka_unit_test(test_byte_test_string),
        cmocka_unit_test(test_byte_test_bitmask),
        cmocka_unit_test(test_byte_test_bounds_and_relative),
        cmocka_unit_test(test_byte_jump),
        cmocka_unit_test(test_byte_jump_bounds),
        cmocka_unit_test(test_byte_jump_string),
        cmocka_unit_test(test_isdataat),
        cmocka_unit_test(test_bsize),
        cmocka_unit_test(test_dsize),
        cmocka_unit_test(test_dataset_without_set),
        cmocka_unit_test(test_inspect_edges),
        cmocka_unit_test_teardown(test_hostile_backtracking, free_compiled),
        cmocka_unit_test(test_step_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

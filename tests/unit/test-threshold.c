/* test-threshold.c — threshold / detection_filter at window edges with
 * exact alert counts, track separation, threshold.config (suppress with
 * ip/CIDR, threshold overrides, rate_filter), located config errors, and
 * state bounded by the memcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detect/detect-threshold.h"

#define MB (1024ULL * 1024)

static struct ww_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ww_addr x = {.family = 4, .a = {a, b, c, d}};
    return x;
}

static struct ww_addr v6(uint16_t first, uint16_t last)
{
    struct ww_addr x = {.family = 6};
    x.a[0] = (uint8_t)(first >> 8);
    x.a[1] = (uint8_t)first;
    x.a[14] = (uint8_t)(last >> 8);
    x.a[15] = (uint8_t)last;
    return x;
}

static struct rule mkrule(uint32_t gid, uint32_t sid, uint8_t type, uint8_t track, uint32_t count,
                          uint32_t seconds)
{
    struct rule r;
    memset(&r, 0, sizeof(r));
    r.gid = gid;
    r.sid = sid;
    r.threshold.type = type;
    r.threshold.track = track;
    r.threshold.count = count;
    r.threshold.seconds = seconds;
    return r;
}

static struct ww_addr A, B, C;

static int setup(void **state)
{
    (void)state;
    A = v4(10, 0, 0, 1);
    B = v4(10, 0, 0, 2);
    C = v4(192, 0, 2, 3);
    return 0;
}

/* 'A' when the match at sec.usec alerts, '.' when silent. */
static char at(struct threshold_ctx *t, const struct rule *r, const struct ww_addr *src,
               const struct ww_addr *dst, long sec, long usec)
{
    struct timeval tv = {.tv_sec = sec, .tv_usec = usec};
    return threshold_check(t, r, src, dst, 0, &tv, NULL) == THRESHOLD_ALERT ? 'A' : '.';
}

/* Verdicts for matches at the given whole seconds, A -> B. */
static void run(struct threshold_ctx *t, const struct rule *r, const long *secs, size_t n,
                char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = at(t, r, &A, &B, secs[i], 0);
    out[n] = '\0';
}

#define RUN(t, r, out, ...)                                                                        \
    do {                                                                                           \
        const long s_[] = {__VA_ARGS__};                                                           \
        run((t), (r), s_, sizeof(s_) / sizeof(s_[0]), (out));                                      \
    } while (0)

/* ---- rule keywords ----------------------------------------------------------- */

static void test_type_threshold(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 1, THR_THRESHOLD, TRACK_BY_SRC, 3, 60);
    char got[32];
    /* Every 3rd match of the window alerts; the count restarts, the window does not. */
    RUN(t, &r, got, 0, 1, 2, 3, 4, 5, 6);
    assert_string_equal(got, "..A..A.");
    /* The window opened at 0 closes at 60: the match at 60 is the first of
     * the next window, not the 3rd of this one. */
    RUN(t, &r, got, 59, 60, 61, 62);
    assert_string_equal(got, "...A");
    assert_int_equal(threshold_suppressed(t), 8);
    threshold_free(t);

    t = threshold_new(MB, NULL);
    r = mkrule(1, 1, THR_THRESHOLD, TRACK_BY_SRC, 2, 10);
    got[0] = at(t, &r, &A, &B, 100, 0);
    got[1] = at(t, &r, &A, &B, 109, 999999); /* last microsecond of the window */
    got[2] = at(t, &r, &A, &B, 110, 0);
    got[3] = at(t, &r, &A, &B, 120, 0); /* first microsecond of the next */
    got[4] = '\0';
    assert_string_equal(got, ".A..");
    threshold_free(t);
}

static void test_type_limit(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 2, THR_LIMIT, TRACK_BY_SRC, 2, 10);
    char got[32];
    RUN(t, &r, got, 0, 1, 2, 3, 9);
    assert_string_equal(got, "AA...");
    got[0] = at(t, &r, &A, &B, 9, 999999);
    got[1] = at(t, &r, &A, &B, 10, 0);
    got[2] = at(t, &r, &A, &B, 10, 500000);
    got[3] = at(t, &r, &A, &B, 11, 0);
    got[4] = '\0';
    assert_string_equal(got, ".AA.");
    threshold_free(t);
}

static void test_type_both(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 3, THR_BOTH, TRACK_BY_SRC, 3, 10);
    char got[32];
    RUN(t, &r, got, 0, 1, 2, 3, 4, 9, 10, 11, 12, 13);
    assert_string_equal(got, "..A.....A.");
    threshold_free(t);

    t = threshold_new(MB, NULL);
    r = mkrule(1, 3, THR_BOTH, TRACK_BY_SRC, 1, 10);
    RUN(t, &r, got, 0, 5, 10, 19, 20);
    assert_string_equal(got, "A.A.A");
    threshold_free(t);
}

static void test_detection_filter(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 4, THR_DETECTION_FILTER, TRACK_BY_SRC, 2, 10);
    char got[32];
    /* Alerts on every match after the 2nd of the window. */
    RUN(t, &r, got, 0, 1, 2, 3, 9, 10, 11, 12);
    assert_string_equal(got, "..AAA..A");
    threshold_free(t);
}

static void test_no_window(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 5, THR_LIMIT, TRACK_BY_RULE, 1, 0);
    char got[32];
    RUN(t, &r, got, 0, 100, 100000);
    assert_string_equal(got, "A..");
    struct rule none = mkrule(1, 6, THR_NONE, TRACK_BY_SRC, 0, 0);
    RUN(t, &none, got, 0, 0, 0);
    assert_string_equal(got, "AAA");
    threshold_free(t);
}

static void test_tracks(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct timeval tv = {.tv_sec = 1};
    char got[8];

    struct rule src = mkrule(1, 10, THR_LIMIT, TRACK_BY_SRC, 1, 60);
    got[0] = at(t, &src, &A, &B, 1, 0);
    got[1] = at(t, &src, &A, &C, 1, 0); /* same source */
    got[2] = at(t, &src, &B, &A, 1, 0);
    got[3] = '\0';
    assert_string_equal(got, "A.A");

    struct rule dst = mkrule(1, 11, THR_LIMIT, TRACK_BY_DST, 1, 60);
    got[0] = at(t, &dst, &A, &B, 1, 0);
    got[1] = at(t, &dst, &C, &B, 1, 0); /* same destination */
    got[2] = at(t, &dst, &A, &C, 1, 0);
    got[3] = '\0';
    assert_string_equal(got, "A.A");

    struct rule both = mkrule(1, 12, THR_LIMIT, TRACK_BY_BOTH, 1, 60);
    got[0] = at(t, &both, &A, &B, 1, 0);
    got[1] = at(t, &both, &B, &A, 1, 0); /* the pair in either direction */
    got[2] = at(t, &both, &A, &C, 1, 0);
    got[3] = '\0';
    assert_string_equal(got, "A.A");

    struct rule rul = mkrule(1, 13, THR_LIMIT, TRACK_BY_RULE, 1, 60);
    got[0] = at(t, &rul, &A, &B, 1, 0);
    got[1] = at(t, &rul, &C, &A, 1, 0);
    got[2] = '\0';
    assert_string_equal(got, "A.");

    struct rule flow = mkrule(1, 14, THR_LIMIT, TRACK_BY_FLOW, 1, 60);
    assert_int_equal(threshold_check(t, &flow, &A, &B, 7, &tv, NULL), THRESHOLD_ALERT);
    assert_int_equal(threshold_check(t, &flow, &A, &B, 7, &tv, NULL), THRESHOLD_SILENT);
    assert_int_equal(threshold_check(t, &flow, &A, &B, 8, &tv, NULL), THRESHOLD_ALERT);

    /* Same sid, another gid: separate state. */
    struct rule gid3 = mkrule(3, 10, THR_LIMIT, TRACK_BY_SRC, 1, 60);
    assert_int_equal(at(t, &gid3, &A, &B, 1, 0), 'A');

    /* IPv6 and IPv4 sources never share an entry. */
    struct ww_addr s6 = v6(0x2001, 1);
    assert_int_equal(at(t, &src, &s6, &B, 1, 0), 'A');
    assert_int_equal(at(t, &src, &s6, &B, 1, 0), '.');
    threshold_free(t);
}

/* ---- threshold.config -------------------------------------------------------- */

struct reports {
    char msgs[32][512];
    int n;
};

static void collect(void *user, const char *msg)
{
    struct reports *rp = user;
    if (rp->n < 32)
        snprintf(rp->msgs[rp->n++], sizeof(rp->msgs[0]), "%s", msg);
}

static char cfg_path[128];

static int load_cfg(struct threshold_ctx *t, const char *text, struct reports *rp)
{
    snprintf(cfg_path, sizeof(cfg_path), "/tmp/ww-threshold-XXXXXX");
    int fd = mkstemp(cfg_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[256];
    memset(rp, 0, sizeof(*rp));
    int bad = threshold_load(t, cfg_path, collect, rp, err, sizeof(err));
    unlink(cfg_path);
    return bad;
}

static void test_suppress(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct reports rp;
    assert_int_equal(load_cfg(t,
                              "# suppressions\n"
                              "suppress gen_id 1, sig_id 100\n"
                              "suppress gen_id 1, sig_id 101, track by_src, ip 10.0.0.0/8\n"
                              "suppress gen_id 1, sig_id 102, track by_dst, "
                              "ip [192.0.2.1, 2001:db8::/32]\n"
                              "suppress gen_id 1, sig_id 103, track by_either, ip 198.51.100.7\n"
                              "suppress gen_id 2, sig_id 0\n"
                              "suppress gen_id 0, sig_id 0, track by_src, ip 203.0.113.0/25\n",
                              &rp),
                     0);
    struct rule r100 = mkrule(1, 100, THR_NONE, 0, 0, 0), r101 = mkrule(1, 101, THR_NONE, 0, 0, 0),
                r102 = mkrule(1, 102, THR_NONE, 0, 0, 0), r103 = mkrule(1, 103, THR_NONE, 0, 0, 0),
                g2 = mkrule(2, 5, THR_NONE, 0, 0, 0), other = mkrule(1, 999, THR_NONE, 0, 0, 0);
    struct ww_addr x = v4(198, 51, 100, 7), in = v4(192, 0, 2, 1), out = v4(192, 0, 2, 2);
    struct ww_addr d6 = v6(0x2001, 0x5), d6b = v6(0x2002, 0x5), n25 = v4(203, 0, 113, 127),
                   o25 = v4(203, 0, 113, 128), eleven = v4(11, 0, 0, 1);
    d6.a[2] = 0x0d;
    d6.a[3] = 0xb8;
    char got[16];
    int i = 0;
    got[i++] = at(t, &r100, &A, &B, 1, 0);      /* . all of sid 100 */
    got[i++] = at(t, &r101, &A, &B, 1, 0);      /* . src 10.0.0.1 in 10/8 */
    got[i++] = at(t, &r101, &eleven, &A, 1, 0); /* A src outside, dst inside */
    got[i++] = at(t, &r102, &A, &in, 1, 0);     /* . */
    got[i++] = at(t, &r102, &A, &out, 1, 0);    /* A */
    got[i++] = at(t, &r102, &A, &d6, 1, 0);     /* . 2001:db8::5 */
    got[i++] = at(t, &r102, &A, &d6b, 1, 0);    /* A */
    got[i++] = at(t, &r103, &x, &A, 1, 0);      /* . by_either, as source */
    got[i++] = at(t, &r103, &A, &x, 1, 0);      /* . as destination */
    got[i++] = at(t, &r103, &A, &B, 1, 0);      /* A */
    got[i++] = at(t, &g2, &A, &B, 1, 0);        /* . gen_id 2, sig_id 0 */
    got[i++] = at(t, &other, &n25, &B, 1, 0);   /* . global, 203.0.113.127 in /25 */
    got[i++] = at(t, &other, &o25, &B, 1, 0);   /* A */
    got[i++] = at(t, &other, &B, &n25, 1, 0);   /* A by_src only */
    got[i] = '\0';
    assert_string_equal(got, "..A.A.A..A..AA");
    assert_int_equal(threshold_suppressed(t), 8);
    threshold_free(t);
}

static void test_config_threshold_overrides(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct reports rp;
    assert_int_equal(load_cfg(t,
                              "threshold gen_id 1, sig_id 200, type limit, track by_rule, "
                              "count 1, seconds 60\n"
                              "event_filter gen_id 1, sig_id 0, type limit, track by_rule, "
                              "count 2, seconds 60\n",
                              &rp),
                     0);
    char got[16];
    /* The file's entry for sid 200 replaces the rule's own limit of 5. */
    struct rule r200 = mkrule(1, 200, THR_LIMIT, TRACK_BY_SRC, 5, 60);
    RUN(t, &r200, got, 0, 1, 2);
    assert_string_equal(got, "A..");
    /* sig_id 0 covers rules without a keyword ... */
    struct rule r300 = mkrule(1, 300, THR_NONE, 0, 0, 0);
    RUN(t, &r300, got, 0, 1, 2, 3);
    assert_string_equal(got, "AA..");
    /* ... each rule with its own state ... */
    struct rule r302 = mkrule(1, 302, THR_NONE, 0, 0, 0);
    RUN(t, &r302, got, 0, 1, 2);
    assert_string_equal(got, "AA.");
    /* ... and leaves a rule's own keyword alone. */
    struct rule r301 = mkrule(1, 301, THR_LIMIT, TRACK_BY_SRC, 3, 60);
    RUN(t, &r301, got, 0, 1, 2, 3);
    assert_string_equal(got, "AAA.");
    /* Other gids are not covered by gen_id 1. */
    struct rule g5 = mkrule(5, 300, THR_NONE, 0, 0, 0);
    RUN(t, &g5, got, 0, 1, 2);
    assert_string_equal(got, "AAA");
    threshold_free(t);
}

static void test_rate_filter(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct reports rp;
    assert_int_equal(load_cfg(t,
                              "rate_filter gen_id 1, sig_id 400, track by_src, count 3, "
                              "seconds 10, new_action pass, timeout 5\n"
                              "rate_filter gen_id 1, sig_id 401, track by_rule, count 1, "
                              "seconds 10, new_action alert, timeout 5\n"
                              "rate_filter gen_id 1, sig_id 402, track by_rule, count 1, \\\n"
                              "    seconds 10, new_action drop, timeout 5\n"
                              "rate_filter gen_id 1, sig_id 403, track by_rule, count 1, "
                              "seconds 10, new_action sdrop, timeout 5\n",
                              &rp),
                     0);
    struct rule r400 = mkrule(1, 400, THR_NONE, 0, 0, 0);
    char got[16];
    int i = 0;
    got[i++] = at(t, &r400, &A, &B, 0, 0);
    got[i++] = at(t, &r400, &A, &B, 1, 0);
    got[i++] = at(t, &r400, &A, &B, 2, 0);
    got[i++] = at(t, &r400, &A, &B, 3, 0); /* 4th in 10 s: pass for 5 s */
    got[i++] = at(t, &r400, &B, &A, 3, 0); /* another source has its own rate */
    got[i++] = at(t, &r400, &A, &B, 8, 0); /* exactly 5 s later: still on */
    got[i++] = at(t, &r400, &A, &B, 8, 1); /* timeout over: back to alerting */
    got[i] = '\0';
    assert_string_equal(got, "AAA.A.A");
    assert_int_equal(threshold_suppressed(t), 2);

    /* alert and drop keep alerting in an IDS; sdrop is silent. */
    struct rule r401 = mkrule(1, 401, THR_NONE, 0, 0, 0), r402 = mkrule(1, 402, THR_NONE, 0, 0, 0),
                r403 = mkrule(1, 403, THR_NONE, 0, 0, 0);
    RUN(t, &r401, got, 0, 1, 2, 3);
    assert_string_equal(got, "AAAA");
    RUN(t, &r402, got, 0, 1, 2, 3);
    assert_string_equal(got, "AAAA");
    RUN(t, &r403, got, 0, 1, 2, 3);
    assert_string_equal(got, "A...");
    threshold_free(t);
}

static void test_bad_lines(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct reports rp;
    const char *text =
        "# comment\n"                                                                  /* 1 */
        "\n"                                                                           /* 2 */
        "supress gen_id 1, sig_id 1\n"                                                 /* 3 */
        "suppress gen_id 1\n"                                                          /* 4 */
        "suppress gen_id x, sig_id 1\n"                                                /* 5 */
        "suppress gen_id 1, sig_id 2, track by_src\n"                                  /* 6 */
        "suppress gen_id 1, sig_id 2, track by_rule, ip 1.2.3.4\n"                     /* 7 */
        "suppress gen_id 1, sig_id 2, track by_src, ip 1.2.3.300\n"                    /* 8 */
        "suppress gen_id 1, sig_id 2, track by_src, ip 10.0.0.0/33\n"                  /* 9 */
        "suppress gen_id 1, sig_id 2, track by_src, ip $HOME_NET\n"                    /* 10 */
        "threshold gen_id 1, sig_id 3, type every, track by_src, count 1, seconds 1\n" /* 11 */
        "threshold gen_id 1, sig_id 3, type limit, track by_src, count -1, seconds 1\n"
        "threshold gen_id 1, sig_id 3, type limit, track by_src, count 1, seconds 1, "
        "new_action drop\n"                                                            /* 13 */
        "threshold gen_id 1, sig_id 4, type limit, track by_src, count 1, seconds 1\n" /* 14 ok */
        "event_filter gen_id 1, sig_id 4, type both, track by_dst, count 1, seconds 1\n"
        "rate_filter gen_id 1, sig_id 5, track by_src, count 1, seconds 1, "
        "new_action block, timeout 1\n" /* 16 */
        "rate_filter gen_id 1, sig_id 5, track by_flow, count 1, seconds 1, "
        "new_action drop, timeout 1\n" /* 17 */
        "rate_filter gen_id 0, sig_id 5, track by_src, count 1, seconds 1, "
        "new_action drop, timeout 1\n"                                 /* 18 */
        "threshold gen_id 1, sig_id 6, type limit, count 1, count 2\n" /* 19 */
        "threshold gen_id 1, sig_id 7, type limit, \\\n"               /* 20 */
        "   track by_src, count 1, seconds 99999999999\n"              /* 21 */
        "rate_filter gen_id 1, sig_id 8, track by_rule, count 1, seconds 1, "
        "new_action alert, timeout 1\n"                                                /* 22 ok */
        "suppress gen_id 1, sig_id 9, track by_src, ip [10.0.0.1, bogus]\n"            /* 23 */
        "threshold gen_id 1, sig_id 10, type limit, track by_src, count , seconds 1\n" /* 24 */
        "rate_filter gen_id 1, sig_id 11, track by_src, count 1, seconds 1\n"          /* 25 */
        "   # indented comment\n";                                                     /* 26 */
    const char *want[] = {
        "3: unknown directive 'supress' (expected suppress, threshold, event_filter or "
        "rate_filter)",
        "4: suppress needs sig_id",
        "5: bad gen_id 'x'",
        "6: suppress with track needs ip",
        "7: bad track 'by_rule' for suppress",
        "8: bad ip '1.2.3.300'",
        "9: bad ip '10.0.0.0/33'",
        "10: ip '$HOME_NET': address variables are not supported in threshold.config",
        "11: bad type 'every' (expected threshold, limit or both)",
        "12: bad count '-1'",
        "13: unknown option 'new_action' for threshold",
        "15: duplicate threshold for gen_id 1, sig_id 4 (first on line 14)",
        "16: bad new_action 'block' (expected alert, drop, pass, log, sdrop or reject)",
        "17: bad track 'by_flow' for rate_filter",
        "18: sig_id 5 needs a gen_id other than 0",
        "19: duplicate option 'count'",
        "20: bad seconds '99999999999'",
        "23: bad ip 'bogus'",
        "24: option 'count' needs a value",
        "25: rate_filter needs new_action",
    };
    size_t nwant = sizeof(want) / sizeof(want[0]);
    assert_int_equal(load_cfg(t, text, &rp), (int)nwant);
    assert_int_equal(rp.n, (int)nwant);
    for (size_t i = 0; i < nwant; i++) {
        char full[600];
        snprintf(full, sizeof(full), "%s:%s", cfg_path, want[i]);
        assert_string_equal(rp.msgs[i], full);
    }
    /* The good lines took effect. */
    struct rule r4 = mkrule(1, 4, THR_NONE, 0, 0, 0);
    char got[8];
    RUN(t, &r4, got, 0, 0);
    assert_string_equal(got, "A.");

    char err[256];
    assert_int_equal(
        threshold_load(t, "/nonexistent/threshold.config", collect, &rp, err, sizeof(err)), -1);
    assert_string_equal(err, "cannot read /nonexistent/threshold.config: No such file or "
                             "directory");
    threshold_free(t);
}

/* ---- memory ------------------------------------------------------------------ */

static void test_memcap_eviction(void **state)
{
    (void)state;
    const uint64_t cap = 16 * 1024;
    struct threshold_ctx *t = threshold_new(cap, NULL);
    assert_non_null(t);
    struct rule r = mkrule(1, 500, THR_LIMIT, TRACK_BY_SRC, 1, 3600);
    uint64_t alerts = 0;
    /* A source address per match, as a scan with spoofed sources would send. */
    for (uint32_t i = 0; i < 100000; i++) {
        struct ww_addr s = v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
        alerts += at(t, &r, &s, &B, 1, 0) == 'A';
        assert_true(threshold_memuse(t) <= cap);
    }
    assert_int_equal(alerts, 100000);
    uint64_t evicted = threshold_evicted(t);
    assert_true(evicted > 99000 && evicted < 100000);
    /* The newest source is still tracked; the oldest was evicted and starts over. */
    struct ww_addr last = v4(10, 1, 0x86, 0x9f), first = v4(10, 0, 0, 0);
    assert_int_equal(at(t, &r, &last, &B, 2, 0), '.');
    assert_int_equal(at(t, &r, &first, &B, 2, 0), 'A');
    assert_int_equal(threshold_evicted(t), evicted + 1);
    threshold_free(t);
}

static void test_lazy_expiry(void **state)
{
    (void)state;
    struct threshold_ctx *t = threshold_new(MB, NULL);
    struct rule r = mkrule(1, 600, THR_LIMIT, TRACK_BY_SRC, 1, 10);
    uint64_t empty = threshold_memuse(t);
    for (uint8_t i = 0; i < 100; i++) {
        struct ww_addr s = v4(10, 9, 0, i);
        assert_int_equal(at(t, &r, &s, &B, 0, 0), 'A');
    }
    uint64_t full = threshold_memuse(t);
    assert_true(full > empty);
    /* Windows over: later checks free the ended entries, without counting evictions. */
    for (int i = 0; i < 60; i++)
        at(t, &r, &A, &B, 20 + i, 0);
    assert_true(threshold_memuse(t) < full);
    assert_true(threshold_memuse(t) - empty <= 2 * (full - empty) / 100);
    assert_int_equal(threshold_evicted(t), 0);
    /* A source whose window ended starts a new one. */
    struct ww_addr s0 = v4(10, 9, 0, 0);
    assert_int_equal(at(t, &r, &s0, &B, 100, 0), 'A');
    threshold_free(t);
}

static uint64_t waits;

static void count_wait(uint64_t seq, void *user)
{
    (void)seq;
    (void)user;
    waits++;
}

/* --workers N: by_src counts span workers through the shared table, by_flow
 * counts stay in each worker's own; only the shared table waits for order. */
static void test_shared_table(void **state)
{
    (void)state;
    struct thr_table *shared = threshold_table_new_shared(MB);
    assert_non_null(shared);
    struct rule by_src = mkrule(1, 1, THR_LIMIT, TRACK_BY_SRC, 1, 60);
    struct rule by_flow = mkrule(1, 2, THR_LIMIT, TRACK_BY_FLOW, 1, 60);
    struct timeval tv = {100, 0};
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* another worker: A's first match, and a flow of its own */
        struct threshold_ctx *t = threshold_new(MB, shared);
        bool ok = t && threshold_check(t, &by_src, &A, &B, 1, &tv, NULL) == THRESHOLD_ALERT &&
                  threshold_check(t, &by_flow, &A, &B, 1, &tv, NULL) == THRESHOLD_ALERT;
        threshold_free(t);
        _exit(ok ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct threshold_ctx *t = threshold_new(MB, shared);
    assert_non_null(t);
    struct share_order o = {7, count_wait, NULL};
    /* A's second match, to another host: the child's count holds */
    assert_int_equal(threshold_check(t, &by_src, &A, &C, 2, &tv, &o), THRESHOLD_SILENT);
    assert_int_equal(waits, 1);
    /* the same flow id here is another worker's flow: counted apart, no wait */
    assert_int_equal(threshold_check(t, &by_flow, &A, &B, 1, &tv, &o), THRESHOLD_ALERT);
    assert_int_equal(waits, 1);
    assert_int_equal(threshold_check(t, &by_src, &C, &A, 2, &tv, &o), THRESHOLD_ALERT);
    threshold_free(t);
    threshold_table_free(shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_threshold),  cmocka_unit_test(test_type_limit),
        cmocka_unit_test(test_type_both),       cmocka_unit_test(test_detection_filter),
        cmocka_unit_test(test_no_window),       cmocka_unit_test(test_tracks),
        cmocka_unit_test(test_suppress),        cmocka_unit_test(test_config_threshold_overrides),
        cmocka_unit_test(test_rate_filter),     cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_memcap_eviction), cmocka_unit_test(test_lazy_expiry),
        cmocka_unit_test(test_shared_table),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

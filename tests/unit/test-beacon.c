/* test-beacon.c — the beaconing detector: a regular period is reported once
 * with its details, jitter, too few contacts and periods outside the bounds
 * are not, pairs are kept apart (host, destination, port, protocol, internal
 * or external), a pair is reported at most once an hour, parallel flows are
 * one contact, the table stays under its memcap by evicting the least
 * recently contacted pair, and bad settings are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detectors/beacon.h"
#include "util/conf.h"

#define T0 1779494400LL /* 2026-05-23 00:00:00 UTC */

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

static struct flow mkflow(struct ww_addr cli, struct ww_addr srv, uint16_t dport, uint8_t proto)
{
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.cli = cli;
    f.srv = srv;
    f.cli_port = 40000;
    f.srv_port = dport;
    f.proto = proto;
    f.ip_version = cli.family;
    return f;
}

static char problems[1024];

static void collect(void *user, const char *msg)
{
    (void)user;
    size_t n = strlen(problems);
    snprintf(problems + n, sizeof(problems) - n, "%s\n", msg);
}

/* A detector with the defaults, changed by "key=value" pairs (NULL-terminated). */
static struct beacon *mk(const char *first, ...)
{
    ww_config *cfg = ww_config_new();
    assert_non_null(cfg);
    va_list ap;
    va_start(ap, first);
    for (const char *kv = first; kv; kv = va_arg(ap, const char *)) {
        char key[64], err[256];
        const char *eq = strchr(kv, '=');
        assert_non_null(eq);
        snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
        assert_int_equal(ww_config_set(cfg, key, eq + 1, err, sizeof(err)), 0);
    }
    va_end(ap);
    problems[0] = 0;
    struct beacon *b = beacon_new(cfg, collect, NULL);
    ww_config_free(cfg);
    return b;
}

/* Starts f at T0 + ms milliseconds; returns 1 when c2.beacon was reported
 * (its details in *details, taken; NULL: dropped). */
static int start(struct beacon *b, const struct flow *f, int64_t ms, struct json_object **details)
{
    struct timeval now = {.tv_sec = (time_t)(T0 + ms / 1000),
                          .tv_usec = (suseconds_t)(ms % 1000) * 1000};
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    beacon_on_flow_start(b, f, &now, &v);
    int found = 0;
    if (v.len) {
        assert_int_equal(v.len, strlen("c2.beacon\n"));
        assert_memory_equal(v.names, "c2.beacon\n", v.len);
        found = 1;
        if (details) {
            struct json_object *d = NULL;
            assert_true(json_object_object_get_ex(v.context, "c2.beacon", &d));
            *details = json_object_get(d);
        }
    }
    detector_verdict_clear(&v);
    return found;
}

/* Contacts at the given offsets (ms); returns how many reported. */
static int run(struct beacon *b, const struct flow *f, const int64_t *ms, size_t n)
{
    int hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += start(b, f, ms[i], NULL);
    return hits;
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_to_json_string_ext(v,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void test_regular(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    assert_non_null(b);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    /* contacts 1..6 (5 intervals): nothing yet */
    for (int i = 0; i < 6; i++)
        assert_int_equal(start(b, &f, i * 60000LL, NULL), 0);
    struct json_object *d = NULL;
    assert_int_equal(start(b, &f, 6 * 60000LL, &d), 1); /* the 6th interval */
    assert_string_equal(jstr(d, "period_s"), "60.000");
    assert_string_equal(jstr(d, "jitter"), "0.0000");
    assert_string_equal(jstr(d, "count"), "6");
    assert_string_equal(jstr(d, "dst"), "\"203.0.113.80:443/tcp\"");
    json_object_put(d);
    struct beacon_stats st;
    beacon_get_stats(b, &st);
    assert_int_equal(st.pairs, 1);
    assert_int_equal(st.contacts, 7);
    assert_int_equal(st.reported, 1);
    beacon_free(b);
}

static void test_jitter(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    /* 60 s ± 2 s: CV about 0.02, reported with its jitter */
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(198, 51, 100, 7), 443, 6);
    static const int64_t small[] = {0, 61000, 119500, 181000, 239000, 300500, 361900};
    struct json_object *d = NULL;
    assert_int_equal(run(b, &f, small, 6), 0);
    assert_int_equal(start(b, &f, small[6], &d), 1);
    assert_string_equal(jstr(d, "period_s"), "60.317");
    assert_string_equal(jstr(d, "jitter"), "0.0245");
    json_object_put(d);
    /* intervals 60 20 100 30 90 40 (s): mean 56.7, CV about 0.53 */
    struct flow g = mkflow(v4(10, 20, 0, 16), v4(198, 51, 100, 7), 443, 6);
    static const int64_t wide[] = {0, 60000, 80000, 180000, 210000, 300000, 340000};
    assert_int_equal(run(b, &g, wide, 7), 0);
    /* just over 0.2 (intervals 47 73 47 73 47 73 s: σ/μ = 13/60 = 0.217) */
    struct flow h = mkflow(v4(10, 20, 0, 17), v4(198, 51, 100, 7), 443, 6);
    static const int64_t edge[] = {0, 47000, 120000, 167000, 240000, 287000, 360000};
    assert_int_equal(run(b, &h, edge, 7), 0);
    beacon_free(b);
    /* the same at max-jitter 220 thousandths */
    b = mk("beacon.max-jitter=220", NULL);
    assert_int_equal(run(b, &h, edge, 7), 1);
    beacon_free(b);
}

static void test_too_few(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    static const int64_t six[] = {0, 60000, 120000, 180000, 240000, 300000};
    assert_int_equal(run(b, &f, six, 6), 0);
    beacon_free(b);
    /* a smaller min-count reports earlier */
    b = mk("beacon.min-count=3", NULL);
    assert_int_equal(run(b, &f, six, 3), 0);
    assert_int_equal(start(b, &f, six[3], NULL), 1);
    beacon_free(b);
}

static void test_period_bounds(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    int hits = 0;
    for (int i = 0; i < 10; i++) /* every 5 s: below 10 s */
        hits += start(b, &f, i * 5000LL, NULL);
    assert_int_equal(hits, 0);
    struct flow g = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 81), 443, 6);
    for (int i = 0; i < 8; i++) /* every 25 h: above 24 h */
        hits += start(b, &g, i * 90000000LL, NULL);
    assert_int_equal(hits, 0);
    struct flow h = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 82), 443, 6);
    for (int i = 0; i < 7; i++) /* exactly 10 s: the bounds are inclusive */
        hits += start(b, &h, i * 10000LL, NULL);
    assert_int_equal(hits, 1);
    beacon_free(b);
    b = mk("beacon.min-period=2", "beacon.max-period=8", NULL);
    hits = 0;
    for (int i = 0; i < 7; i++)
        hits += start(b, &f, i * 5000LL, NULL);
    assert_int_equal(hits, 1);
    beacon_free(b);
}

static void test_pairs_apart(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    struct flow pairs[] = {
        mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6),
        mkflow(v4(10, 20, 0, 16), v4(203, 0, 113, 80), 443, 6),  /* another host */
        mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 81), 443, 6),  /* another address */
        mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 8443, 6), /* another port */
        mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 17), /* another protocol */
    };
    /* each pair every 60 s, four contacts each, interleaved: never 6 intervals */
    int hits = 0;
    for (int i = 0; i < 4; i++)
        for (size_t p = 0; p < 5; p++)
            hits += start(b, &pairs[p], i * 60000LL + (int64_t)p * 7000, NULL);
    assert_int_equal(hits, 0);
    struct beacon_stats st;
    beacon_get_stats(b, &st);
    assert_int_equal(st.pairs, 5);
    /* internal to internal, external to internal, and external to external: not tracked */
    struct flow other[] = {
        mkflow(v4(10, 20, 0, 15), v4(10, 20, 0, 40), 8332, 6),
        mkflow(v4(203, 0, 113, 80), v4(10, 20, 0, 15), 22, 6),
        mkflow(v4(198, 51, 100, 1), v4(203, 0, 113, 80), 443, 6),
    };
    for (int i = 0; i < 10; i++)
        for (size_t p = 0; p < 3; p++)
            hits += start(b, &other[p], 600000 + i * 60000LL, NULL);
    assert_int_equal(hits, 0);
    beacon_get_stats(b, &st);
    assert_int_equal(st.pairs, 5);
    /* IPv6: its own pairs, its destination in brackets */
    struct flow six = mkflow(v6(0xfd00, 0x15), v6(0x2001, 0x80), 443, 6);
    struct json_object *d = NULL;
    for (int i = 0; i < 6; i++)
        hits += start(b, &six, i * 30000LL, NULL);
    assert_int_equal(hits, 0);
    assert_int_equal(start(b, &six, 6 * 30000LL, &d), 1);
    assert_string_equal(jstr(d, "dst"), "\"[2001::80]:443/tcp\"");
    json_object_put(d);
    beacon_free(b);
}

static void test_parallel_flows_one_contact(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    int hits = 0;
    for (int i = 0; i < 7; i++) { /* two connections 300 ms apart per contact */
        hits += start(b, &f, i * 60000LL, NULL);
        hits += start(b, &f, i * 60000LL + 300, NULL);
    }
    assert_int_equal(hits, 1);
    struct beacon_stats st;
    beacon_get_stats(b, &st);
    assert_int_equal(st.contacts, 7);
    beacon_free(b);
}

static void test_once_per_hour(void **state)
{
    (void)state;
    struct beacon *b = mk(NULL);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    int64_t first = -1, second = -1;
    struct json_object *d = NULL;
    for (int i = 0; i <= 400; i++) { /* every 10 s for 4000 s */
        struct json_object *got = NULL;
        if (start(b, &f, i * 10000LL, &got)) {
            if (first < 0)
                first = i;
            else if (second < 0)
                second = i, d = got, got = NULL;
            else
                fail_msg("a third report at contact %d", i);
        }
        json_object_put(got);
    }
    assert_int_equal(first, 6);
    assert_int_equal(second, 6 + 360);           /* 3600 s later */
    assert_string_equal(jstr(d, "count"), "31"); /* the whole history is regular */
    json_object_put(d);
    struct beacon_stats st;
    beacon_get_stats(b, &st);
    assert_int_equal(st.reported, 2);
    assert_int_equal(st.suppressed, 401 - 7 - 1);
    beacon_free(b);
}

static void test_memcap_eviction(void **state)
{
    (void)state;
    struct beacon *b = mk("beacon.memcap=4kb", NULL);
    assert_non_null(b);
    struct flow a = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    /* A contacted every 60 s, 5 one-off destinations between each: LRU keeps A */
    int hits = 0;
    uint8_t n = 0;
    for (int i = 0; i < 7; i++) {
        hits += start(b, &a, i * 60000LL, NULL);
        for (int j = 0; j < 5; j++, n++) {
            struct flow o = mkflow(v4(10, 20, 0, 15), v4(198, 51, 100, n), 443, 6);
            hits += start(b, &o, i * 60000LL + 1000 + j, NULL);
        }
    }
    assert_int_equal(hits, 1);
    struct beacon_stats st;
    beacon_get_stats(b, &st);
    assert_true(st.evicted > 0);
    assert_true(st.memuse <= 4096);
    assert_int_equal(st.refused, 0);
    /* B: six contacts, then more one-offs than the table holds, then the 7th: B was evicted */
    struct flow bb = mkflow(v4(10, 20, 0, 16), v4(203, 0, 113, 80), 443, 6);
    hits = 0;
    for (int i = 0; i < 6; i++)
        hits += start(b, &bb, 1000000 + i * 60000LL, NULL);
    for (int j = 0; j < 40; j++) {
        struct flow o = mkflow(v4(10, 20, 0, 16), v4(192, 0, 2, (uint8_t)j), 443, 6);
        hits += start(b, &o, 1000000 + 5 * 60000LL + 1000 + j, NULL);
    }
    hits += start(b, &bb, 1000000 + 6 * 60000LL, NULL);
    assert_int_equal(hits, 0);
    beacon_get_stats(b, &st);
    assert_true(st.memuse <= 4096);
    beacon_free(b);
}

static void test_settings(void **state)
{
    (void)state;
    assert_null(mk("beacon.min-period=100", "beacon.max-period=50", NULL));
    assert_string_equal(problems, "beacon.min-period (100 s) is above beacon.max-period (50 s)\n");
    assert_null(mk("beacon.min-count=1", NULL));
    assert_non_null(strstr(problems, "beacon.min-count"));
    assert_null(mk("beacon.memcap=100", NULL));
    assert_non_null(strstr(problems, "beacon.memcap"));
    /* memcap 0: off */
    struct beacon *b = mk("beacon.memcap=0", NULL);
    assert_non_null(b);
    struct flow f = mkflow(v4(10, 20, 0, 15), v4(203, 0, 113, 80), 443, 6);
    int hits = 0;
    for (int i = 0; i < 10; i++)
        hits += start(b, &f, i * 60000LL, NULL);
    assert_int_equal(hits, 0);
    beacon_free(b);
    /* home-net decides what is internal */
    b = mk("home-net=203.0.113.0/24", NULL);
    struct flow g = mkflow(v4(203, 0, 113, 5), v4(10, 20, 0, 15), 443, 6);
    for (int i = 0; i < 7; i++)
        hits += start(b, &g, i * 60000LL, NULL);
    assert_int_equal(hits, 1);
    beacon_free(b);
    ww_config *cfg = ww_config_new();
    char err[256];
    assert_int_not_equal(ww_config_set(cfg, "beacon.max-jitter", "1001", err, sizeof(err)), 0);
    assert_int_not_equal(ww_config_set(cfg, "beacon.min-count", "65", err, sizeof(err)), 0);
    ww_config_free(cfg);
    beacon_on_flow_start(NULL, &f, &(struct timeval){T0, 0}, NULL); /* no detector: nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular),       cmocka_unit_test(test_jitter),
        cmocka_unit_test(test_too_few),       cmocka_unit_test(test_period_bounds),
        cmocka_unit_test(test_pairs_apart),   cmocka_unit_test(test_parallel_flows_one_contact),
        cmocka_unit_test(test_once_per_hour), cmocka_unit_test(test_memcap_eviction),
        cmocka_unit_test(test_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

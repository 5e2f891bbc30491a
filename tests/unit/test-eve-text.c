/* test-eve-text.c — eve_time_text() and eve_addr_text() against the
 * printf-based text they replace: gmtime_r + snprintf for timestamps,
 * ww_addr_format for addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "output/eve-text.h"
#include "output/eve.h"
#include "test-rng.h"

/* What eve_format_time wrote before eve-text.c. */
static void reference_time(const struct timeval *tv, char *buf, size_t len)
{
    struct tm tm;
    time_t t = tv->tv_sec;
    long usec = (long)tv->tv_usec;

    if (usec < 0 || usec > 999999)
        usec = 0;
    if (gmtime_r(&t, &tm) == NULL) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%06ld+0000", (long long)tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
}

static void check_time(int64_t sec, long usec)
{
    struct timeval tv = {(time_t)sec, (suseconds_t)usec};
    char want[EVE_TIME_BUF], got[EVE_TIME_BUF];
    reference_time(&tv, want, sizeof(want));
    size_t n = eve_time_text(&tv, got);
    if (n != strlen(want) || strcmp(got, want) != 0)
        fail_msg("t=%lld us=%ld: want %s, got %s", (long long)sec, usec, want, got);

    /* eve_format_time cuts like snprintf */
    char small[12];
    reference_time(&tv, want, sizeof(small));
    eve_format_time(&tv, small, sizeof(small));
    assert_string_equal(small, want);
}

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t next_random(void)
{
    return test_rng_next(&rng_state);
}

static void test_time_edges(void **state)
{
    (void)state;
    static const int64_t secs[] = {
        0,           1,           59,          60,          3599,         3600,
        86399,       86400,       68169599,    68169600,    /* 1972-02-29 */
        951782399,   951782400,   951868800,   /* 2000-02-29, 03-01 */
        4107542399,  4107542400,  4107628800,  /* 2100-02-28, 03-01: no leap day */
        2147483647,  2147483648,  4294967295,  4294967296, 1717150522,
        253402300799, /* 9999-12-31T23:59:59, the last fast one */
        253402300800, 253402300801, -1, -86400, -86401, -62135596800, INT64_C(67767976233532799),
        INT64_C(67767976233532800), INT64_MAX, INT64_MIN,
    };
    static const long usecs[] = {0, 1, 9, 10, 99, 100, 999999, 1000000, -1, 123456, 5000000};
    for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
        for (size_t k = 0; k < sizeof(usecs) / sizeof(usecs[0]); k++)
            check_time(secs[i], usecs[k]);
}

static void test_time_every_day_and_random(void **state)
{
    (void)state;
    /* every day from 1970 to 2500 at a varying second of the day */
    for (int64_t d = 0; d < 195000; d++)
        check_time(d * 86400 + (d * 7919) % 86400, (long)(d % 1000000));
    for (int i = 0; i < 200000; i++)
        check_time((int64_t)(next_random() % (UINT64_C(253402300800) + 1000000)) - 500000,
                   (long)(next_random() % 1000000));
}

static void check_addr(const struct ww_addr *a)
{
    char want[64], got[EVE_ADDR_BUF];
    ww_addr_format(a, want, sizeof(want));
    size_t n = eve_addr_text(a, got);
    assert_int_equal(n, strlen(want));
    assert_string_equal(got, want);
}

static void test_addresses(void **state)
{
    (void)state;
    struct ww_addr a;
    memset(&a, 0, sizeof(a));
    a.family = 4;
    for (unsigned v = 0; v < 256; v++) {
        memset(a.a, (int)v, 4);
        a.a[(v + 1) % 4] = (uint8_t)(255 - v);
        check_addr(&a);
    }
    a.family = 6;
    for (unsigned v = 0; v < 256; v++) {
        for (int i = 0; i < 16; i++)
            a.a[i] = (uint8_t)(v * 17 + (unsigned)i * 31);
        check_addr(&a);
    }
    memset(a.a, 0, sizeof(a.a));
    check_addr(&a);
    memset(a.a, 0xff, sizeof(a.a));
    check_addr(&a);
    a.family = 0;
    check_addr(&a);
    a.family = 5;
    check_addr(&a);

    /* as a member of an event */
    char storage[64];
    struct json_text w;
    jt_init(&w, storage, sizeof(storage));
    eve_put_addr(&w, "ip", &(struct ww_addr){4, {192, 0, 2, 10}});
    assert_int_equal(w.buf.len, strlen("\"ip\":\"192.0.2.10\""));
    assert_memory_equal(w.buf.data, "\"ip\":\"192.0.2.10\"", w.buf.len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_edges),
        cmocka_unit_test(test_time_every_day_and_random),
        cmocka_unit_test(test_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* eve-text.c — see eve-text.h. Every EVE event has a timestamp and most
 * two addresses; snprintf and gmtime_r for them were a visible share of
 * the cost of an event. */
#include "eve-text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 9999-12-31T23:59:59: beyond it (and before 1970) gmtime_r writes the text. */
#define LAST_FOUR_DIGIT_SECOND INT64_C(253402300799)

static void two_digits(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* The year, month and day of a count of days since 1970-01-01 (days >= 0),
 * counted in 400-year eras of 146097 days that start on 1 March so that
 * the leap day falls at the end of a year. */
static void civil_date(int64_t days, unsigned *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468; /* days from 0000-03-01 */
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    unsigned mp = (5 * doy + 2) / 153;                                    /* March = 0 */

    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (unsigned)(era * 400) + yoe + (*month <= 2);
}

/* The general case through gmtime_r, as eve_format_time always did; the
 * year is widened so that one near INT_MAX cannot overflow. */
static size_t time_text_slow(time_t t, long usec, char *out)
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    int n = snprintf(out, EVE_TIME_BUF, "%04lld-%02d-%02dT%02d:%02d:%02d.%06ld+0000",
                     (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, usec);
    return n < 0 ? 0 : (size_t)n < EVE_TIME_BUF ? (size_t)n : EVE_TIME_BUF - 1;
}

size_t eve_time_text(const struct timeval *tv, char *out)
{
    int64_t t = (int64_t)tv->tv_sec;
    long usec = (long)tv->tv_usec;

    if (usec < 0 || usec > 999999)
        usec = 0;
    if (t < 0 || t > LAST_FOUR_DIGIT_SECOND)
        return time_text_slow(tv->tv_sec, usec, out);

    unsigned year, month, day, sod = (unsigned)(t % 86400), us = (unsigned)usec;
    civil_date(t / 86400, &year, &month, &day);
    memcpy(out, "0000-00-00T00:00:00.000000+0000", 32);
    two_digits(out, year / 100);
    two_digits(out + 2, year % 100);
    two_digits(out + 5, month);
    two_digits(out + 8, day);
    two_digits(out + 11, sod / 3600);
    two_digits(out + 14, sod / 60 % 60);
    two_digits(out + 17, sod % 60);
    two_digits(out + 20, us / 10000);
    two_digits(out + 22, us / 100 % 100);
    two_digits(out + 24, us % 100);
    return 31;
}

static size_t byte_decimal(char *out, unsigned v)
{
    if (v >= 100) {
        out[0] = (char)('0' + v / 100);
        two_digits(out + 1, v % 100);
        return 3;
    }
    if (v >= 10) {
        two_digits(out, v);
        return 2;
    }
    out[0] = (char)('0' + v);
    return 1;
}

size_t eve_addr_text(const struct ww_addr *a, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    if (a->family == 4) {
        for (int i = 0; i < 4; i++) {
            if (i > 0)
                out[n++] = '.';
            n += byte_decimal(out + n, a->a[i]);
        }
    } else if (a->family == 6) {
        /* eight zero-padded groups, Suricata's default (no compression) */
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 2 == 0)
                out[n++] = ':';
            out[n++] = hex[a->a[i] >> 4];
            out[n++] = hex[a->a[i] & 0x0f];
        }
    }
    out[n] = '\0';
    return n;
}

/* test-ranges.c — range sets: union joins touching ranges, intersection,
 * complement at 0 and at the top of 16-, 32- and 128-bit spaces, lookups at
 * every boundary, and a brute-force cross-check over a small universe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "detect/detect-ranges.h"

#define SMALL_MAX 63 /* brute-force universe: 0..63, one bit each in a uint64_t */

static struct range_set of(const range_value (*pairs)[2], size_t n)
{
    struct range_set s = {0};
    for (size_t i = 0; i < n; i++) {
        struct range_set one, next;
        assert_int_equal(range_set_single(&one, pairs[i][0], pairs[i][1]), 0);
        assert_int_equal(range_set_union(&next, &s, &one), 0);
        range_set_free(&s);
        range_set_free(&one);
        s = next;
    }
    return s;
}

static void union_joins_touching_and_overlapping(void **state)
{
    (void)state;
    const range_value p[][2] = {{10, 20}, {21, 30}, {5, 12}, {40, 50}, {45, 60}};
    struct range_set s = of(p, 5);
    assert_int_equal(s.n, 2);
    assert_true(s.r[0].lo == 5 && s.r[0].hi == 30);
    assert_true(s.r[1].lo == 40 && s.r[1].hi == 60);
    assert_false(range_set_has(&s, 4));
    assert_true(range_set_has(&s, 5));
    assert_true(range_set_has(&s, 30));
    assert_false(range_set_has(&s, 31));
    assert_false(range_set_has(&s, 39));
    assert_true(range_set_has(&s, 60));
    assert_false(range_set_has(&s, 61));
    range_set_free(&s);
}

static void complement_at_the_edges(void **state)
{
    (void)state;
    const range_value all128 = ~(range_value)0;
    const range_value maxes[] = {0xffff, 0xffffffff, all128};
    for (size_t m = 0; m < 3; m++) {
        range_value max = maxes[m];
        const range_value p[][2] = {{0, 0}, {7, 9}, {max, max}};
        struct range_set s = of(p, 3), c;
        assert_int_equal(range_set_complement(&c, &s, max), 0);
        assert_int_equal(c.n, 2);
        assert_true(c.r[0].lo == 1 && c.r[0].hi == 6);
        assert_true(c.r[1].lo == 10 && c.r[1].hi == max - 1);
        assert_false(range_set_has(&c, 0));
        assert_false(range_set_has(&c, max));
        range_set_free(&c);
        /* the complement of nothing is everything, and of everything nothing */
        struct range_set none = {0}, all;
        assert_int_equal(range_set_complement(&all, &none, max), 0);
        assert_true(all.n == 1 && all.r[0].lo == 0 && all.r[0].hi == max);
        assert_true(range_set_is_all(&all, max));
        assert_false(range_set_is_all(&all, max - 1));
        assert_false(range_set_is_all(&s, max));
        assert_int_equal(range_set_complement(&c, &all, max), 0);
        assert_int_equal(c.n, 0);
        range_set_free(&all);
        range_set_free(&c);
        range_set_free(&s);
    }
}

static uint64_t bits_of(const struct range_set *s)
{
    uint64_t b = 0;
    for (range_value v = 0; v <= SMALL_MAX; v++)
        if (range_set_has(s, v))
            b |= 1ull << v;
    return b;
}

/* Random sets over 0..63 against the same sets as bit masks. */
static void matches_bit_arithmetic(void **state)
{
    (void)state;
    srand(12345);
    for (int round = 0; round < 2000; round++) {
        struct range_set set[2];
        uint64_t mask[2] = {0, 0};
        for (int k = 0; k < 2; k++) {
            range_value p[6][2];
            size_t n = (size_t)(rand() % 6);
            for (size_t i = 0; i < n; i++) {
                unsigned lo = (unsigned)(rand() % (SMALL_MAX + 1));
                unsigned hi = lo + (unsigned)(rand() % (SMALL_MAX + 1 - lo));
                p[i][0] = lo;
                p[i][1] = hi;
                for (unsigned v = lo; v <= hi; v++)
                    mask[k] |= 1ull << v;
            }
            set[k] = of(p, n);
            assert_true(bits_of(&set[k]) == mask[k]);
        }
        struct range_set u, x, c;
        assert_int_equal(range_set_union(&u, &set[0], &set[1]), 0);
        assert_int_equal(range_set_intersect(&x, &set[0], &set[1]), 0);
        assert_int_equal(range_set_complement(&c, &set[0], SMALL_MAX), 0);
        assert_true(bits_of(&u) == (mask[0] | mask[1]));
        assert_true(bits_of(&x) == (mask[0] & mask[1]));
        assert_true(bits_of(&c) == ~mask[0]);
        /* the results stay sorted, disjoint and not touching */
        for (size_t i = 1; i < u.n; i++)
            assert_true(u.r[i].lo > u.r[i - 1].hi + 1);
        range_set_free(&u);
        range_set_free(&x);
        range_set_free(&c);
        range_set_free(&set[0]);
        range_set_free(&set[1]);
    }
}

static void big_endian_keys(void **state)
{
    (void)state;
    const uint8_t port[2] = {0x1f, 0x90};
    const uint8_t v4[4] = {10, 0, 0, 1};
    uint8_t v6[16] = {0xff};
    v6[15] = 1;
    assert_true(range_value_of(port, 2) == 8080);
    assert_true(range_value_of(v4, 4) == 0x0a000001);
    assert_true(range_value_of(v6, 16) == (((range_value)0xff << 120) | 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(union_joins_touching_and_overlapping),
        cmocka_unit_test(complement_at_the_edges),
        cmocka_unit_test(matches_bit_arithmetic),
        cmocka_unit_test(big_endian_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

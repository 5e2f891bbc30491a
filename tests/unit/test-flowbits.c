/* test-flowbits.c — flowbit name interning and the per-flow bitset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect-flowbits.h"

static void test_intern(void **state)
{
    (void)state;
    struct flowbit_names *n = flowbit_names_new();
    assert_non_null(n);
    int a = flowbit_id(n, "wallet.seen");
    int b = flowbit_id(n, "wallet.drainer");
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(flowbit_id(n, "wallet.seen"), a);
    /* Names are case-sensitive, as in Suricata. */
    assert_int_equal(flowbit_id(n, "Wallet.Seen"), 2);
    assert_string_equal(flowbit_name(n, a), "wallet.seen");
    assert_string_equal(flowbit_name(n, 2), "Wallet.Seen");
    assert_null(flowbit_name(n, 3));
    assert_null(flowbit_name(n, -1));
    assert_int_equal(flowbit_id(n, ""), -1);
    assert_int_equal(flowbit_id(n, NULL), -1);
    flowbit_names_free(n);
}

static void test_full(void **state)
{
    (void)state;
    struct flowbit_names *n = flowbit_names_new();
    char name[32];
    for (int i = 0; i < FLOWBITS_MAX; i++) {
        snprintf(name, sizeof(name), "bit%d", i);
        assert_int_equal(flowbit_id(n, name), i);
    }
    assert_int_equal(flowbit_id(n, "one.too.many"), -1);
    /* Existing names still resolve once the table is full. */
    assert_int_equal(flowbit_id(n, "bit0"), 0);
    assert_int_equal(flowbit_id(n, "bit1023"), FLOWBITS_MAX - 1);
    assert_string_equal(flowbit_name(n, 777), "bit777");
    flowbit_names_free(n);
}

static void test_bits(void **state)
{
    (void)state;
    struct flowbit_set s;
    memset(&s, 0, sizeof(s));
    const int ids[] = {0, 1, 63, 64, 65, 511, FLOWBITS_MAX - 1};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        assert_false(flowbit_isset(&s, ids[i]));
        flowbit_set(&s, ids[i]);
        assert_true(flowbit_isset(&s, ids[i]));
    }
    assert_false(flowbit_isset(&s, 2));
    assert_false(flowbit_isset(&s, 62));
    flowbit_unset(&s, 64);
    assert_false(flowbit_isset(&s, 64));
    assert_true(flowbit_isset(&s, 63));
    assert_true(flowbit_isset(&s, 65));
    flowbit_toggle(&s, 64);
    assert_true(flowbit_isset(&s, 64));
    flowbit_toggle(&s, 64);
    assert_false(flowbit_isset(&s, 64));
    flowbit_unset(&s, 64); /* unset of a clear bit stays clear */
    assert_false(flowbit_isset(&s, 64));
}

static void test_bad_ids(void **state)
{
    (void)state;
    struct flowbit_set s;
    memset(&s, 0, sizeof(s));
    struct flowbit_set zero = s;
    flowbit_set(&s, -1);
    flowbit_set(&s, FLOWBITS_MAX);
    flowbit_toggle(&s, FLOWBITS_MAX + 64);
    assert_memory_equal(&s, &zero, sizeof(s));
    assert_false(flowbit_isset(&s, -1));
    assert_false(flowbit_isset(&s, FLOWBITS_MAX));
    assert_false(flowbit_isset(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_bad_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

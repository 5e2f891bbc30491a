/* test-json-write.c — json_write() against json-c's own serialiser
 * (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, the flags EVE
 * lines were written with): every value below must come out byte for byte
 * the same. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/json-write.h"
#include "test-rng.h"

#define FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Both serialisations of o, compared; storage is deliberately tiny so that
 * every test also exercises the move to the heap. Releases o. */
static void check_same(struct json_object *o)
{
    size_t want_len = 0;
    const char *want = json_object_to_json_string_length(o, FLAGS, &want_len);
    assert_non_null(want);

    char small[8];
    struct text_buf b;
    text_buf_init(&b, small, sizeof(small));
    assert_true(json_write(&b, o));
    assert_false(b.failed);
    if (b.len != want_len || memcmp(b.data, want, want_len) != 0)
        fail_msg("json-c: %.*s\n   ours: %.*s", (int)want_len, want, (int)b.len, b.data);
    text_buf_release(&b);
    assert_ptr_equal(b.data, small);
    json_object_put(o);
}

static void test_every_byte_in_strings_and_keys(void **state)
{
    (void)state;
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i; /* NUL first: json-c writes it as \u0000 */
    check_same(json_object_new_string_len(all, sizeof(all)));

    struct json_object *o = json_object_new_object();
    char key[2] = {0, 0};
    for (int c = 1; c < 256; c++) {
        key[0] = (char)c;
        json_object_object_add(o, key, json_object_new_string_len(all + c, 256 - c));
    }
    check_same(o);

    static const char *awkward[] = {
        "",         "\"",        "\\",        "/",          "a/b\\c\"d", "</script>",
        "\x7f",     "\xc3\xa9",  "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff\xfe", "\\x00",
        "tab\there", "line\r\n", "\b\f",      "\x1f\x01",   "\xed\xa0\x80",
    };
    o = json_object_new_array();
    for (size_t i = 0; i < sizeof(awkward) / sizeof(awkward[0]); i++)
        json_object_array_add(o, json_object_new_string(awkward[i]));
    check_same(o);
}

static void test_integers(void **state)
{
    (void)state;
    static const int64_t s[] = {0, 1, -1, 9, 10, 99, 100, 101, 65535, -65536, 1000000007,
                                INT32_MIN, INT32_MAX, INT64_MAX, INT64_MAX - 1, INT64_MIN,
                                INT64_MIN + 1};
    static const uint64_t u[] = {0, 1, 10, 99, 100, (uint64_t)INT64_MAX, (uint64_t)INT64_MAX + 1,
                                 10000000000000000000u, UINT64_MAX - 1, UINT64_MAX};
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        json_object_array_add(a, json_object_new_int64(s[i]));
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        json_object_array_add(a, json_object_new_uint64(u[i]));
    json_object_array_add(a, json_object_new_int(INT32_MIN));
    check_same(a);

    /* every power of ten and its neighbours */
    a = json_object_new_array();
    for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10) {
        json_object_array_add(a, json_object_new_uint64(p - 1));
        json_object_array_add(a, json_object_new_uint64(p));
        json_object_array_add(a, json_object_new_uint64(p + 1));
        json_object_array_add(a, json_object_new_int64(-(int64_t)p));
    }
    check_same(a);
}

static void test_doubles_booleans_null(void **state)
{
    (void)state;
    static const double d[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1e300, 1e-300, 123456789012345678.0,
                               3.0e17, 2.5e-5, 1.0 / 3.0};
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
        json_object_array_add(a, json_object_new_double(d[i]));
    json_object_array_add(a, json_object_new_double(NAN));
    json_object_array_add(a, json_object_new_double(INFINITY));
    json_object_array_add(a, json_object_new_double(-INFINITY));
    json_object_array_add(a, json_object_new_double_s(0.5, "0.500")); /* beacon.c's form */
    json_object_array_add(a, json_object_new_boolean(1));
    json_object_array_add(a, json_object_new_boolean(0));
    json_object_array_add(a, NULL);
    check_same(a);

    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "null", NULL);
    json_object_object_add(o, "t", json_object_new_boolean(1));
    check_same(o);
    check_same(json_object_new_double(2.0)); /* a double at the top */
}

static void test_nested_and_empty(void **state)
{
    (void)state;
    check_same(json_object_new_object());
    check_same(json_object_new_array());

    struct json_object *o = json_object_new_object();
    struct json_object *inner = json_object_new_object();
    json_object_object_add(inner, "e", json_object_new_object());
    json_object_object_add(inner, "a", json_object_new_array());
    struct json_object *arr = json_object_new_array();
    json_object_array_add(arr, json_object_new_array());
    json_object_array_add(arr, json_object_new_object());
    json_object_array_add(arr, NULL);
    json_object_object_add(inner, "mixed", arr);
    json_object_object_add(o, "inner", inner);
    json_object_object_add(o, "k", json_object_new_string("v"));
    /* replacing a key keeps its place in json-c's insertion order */
    json_object_object_add(o, "inner", json_object_new_int(7));
    json_object_object_del(o, "k");
    json_object_object_add(o, "k", json_object_new_string("again"));
    check_same(o);
}

/* Documents as the parsers get them from the wire: json_tokener keeps each
 * double's text as userdata, and \u0000 makes a NUL inside a string. */
static void test_parsed_documents(void **state)
{
    (void)state;
    static const char *docs[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendTransaction\",\"params\":[{\"value\":"
        "\"0x1\",\"gas\":1.50,\"x\":-0.0e0,\"big\":18446744073709551615}]}",
        "[1.0,2.50,1e3,1E-3,-12.5000,0.1,123456789.123456789]",
        "{\"a\\u0000b\":\"c\\u0000d\\/e\\u001f\\u007f\\u00e9\\ud83d\\ude00\"}",
        "[-9223372036854775808,9223372036854775807,9223372036854775808]",
        "{\"\":{},\"x\":[[],[[]],{\"y\":null}],\"t\":true,\"f\":false}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        struct json_object *o = json_tokener_parse(docs[i]);
        assert_non_null(o);
        check_same(o);
    }
}

/* Random trees of every kind of node, from a fixed seed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    return test_rng_next(&rng_state);
}

static struct json_object *random_tree(int depth)
{
    char s[24];
    size_t n = next_random() % sizeof(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)next_random();
    switch (next_random() % (depth > 0 ? 9 : 6)) {
    case 0:
        return json_object_new_int64((int64_t)next_random() >> (next_random() % 64));
    case 1:
        return json_object_new_uint64(next_random() >> (next_random() % 64));
    case 2:
        return json_object_new_string_len(s, (int)n);
    case 3:
        return json_object_new_boolean(next_random() & 1);
    case 4: {
        double d;
        uint64_t bits = next_random();
        memcpy(&d, &bits, sizeof(d));
        return json_object_new_double(d);
    }
    case 5:
        return NULL;
    case 6:
    case 7: {
        struct json_object *o = json_object_new_object();
        for (size_t k = next_random() % 6; k > 0; k--) {
            s[n] = '\0'; /* a key ends at its first NUL, as in C */
            json_object_object_add(o, s, random_tree(depth - 1));
            s[0] = (char)next_random();
        }
        return o;
    }
    default: {
        struct json_object *a = json_object_new_array();
        for (size_t k = next_random() % 6; k > 0; k--)
            json_object_array_add(a, random_tree(depth - 1));
        return a;
    }
    }
}

static void test_random_trees(void **state)
{
    (void)state;
    for (int i = 0; i < 5000; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "tree", random_tree(5));
        check_same(o);
    }
}

static void test_digits(void **state)
{
    (void)state;
    char d[21], want[24];
    for (uint64_t v = 0; v < 2000; v++) {
        size_t n = u64_digits(v, d);
        snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(d, want, n);
    }
    assert_int_equal(u64_digits(UINT64_MAX, d), 20);
    assert_memory_equal(d, "18446744073709551615", 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_in_strings_and_keys),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_doubles_booleans_null),
        cmocka_unit_test(test_nested_and_empty),
        cmocka_unit_test(test_parsed_documents),
        cmocka_unit_test(test_random_trees),
        cmocka_unit_test(test_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

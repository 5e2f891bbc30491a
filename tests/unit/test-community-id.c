/* test-community-id.c — Community ID v1 against the vectors of
 * shared/anchors/suricata-reference.md (b) and the spec's baseline/
 * (baseline_deflt.json, baseline_seed1.json, baseline_nob64.json). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stream/community-id.h"

static struct ww_addr addr(const char *text)
{
    struct ww_addr a;
    memset(&a, 0, sizeof(a));
    if (strchr(text, ':') != NULL) {
        a.family = 6;
        assert_int_equal(inet_pton(AF_INET6, text, a.a), 1);
    } else {
        a.family = 4;
        assert_int_equal(inet_pton(AF_INET, text, a.a), 1);
    }
    return a;
}

struct vector {
    uint16_t seed;
    uint8_t proto;
    const char *src;
    uint16_t sport; /* ICMP: type */
    const char *dst;
    uint16_t dport; /* ICMP: code */
    const char *want;
};

static void check(const struct vector *v)
{
    struct ww_addr s = addr(v->src), d = addr(v->dst);
    char out[COMMUNITY_ID_LEN];
    memset(out, 'x', sizeof(out));
    community_id_v1(v->seed, &s, v->sport, &d, v->dport, v->proto, out);
    if (strcmp(out, v->want) != 0)
        fail_msg("seed %u proto %u %s:%u -> %s:%u: got %s, want %s", v->seed, v->proto, v->src,
                 v->sport, v->dst, v->dport, out, v->want);
    assert_int_equal(strlen(out), COMMUNITY_ID_LEN - 1);
}

static void check_all(const struct vector *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check(&v[i]);
}

/* suricata-reference.md (b), table rows in order. */
static const struct vector reference[] = {
    {0, 6, "1.2.3.4", 1122, "5.6.7.8", 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
    {0, 6, "5.6.7.8", 3344, "1.2.3.4", 1122, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
    {0, 17, "1.2.3.4", 1122, "5.6.7.8", 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="},
    {0, 1, "1.2.3.4", 8, "5.6.7.8", 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
    {0, 1, "5.6.7.8", 0, "1.2.3.4", 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
    {0, 1, "1.2.3.4", 11, "5.6.7.8", 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk="},
    {1, 6, "1.2.3.4", 1122, "5.6.7.8", 3344, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="},
    {7, 6, "172.26.0.39", 35958, "172.217.14.206", 443, "1:IwiTNfuO7aCaamMijl+7/X9uLx0="},
    {7, 6, "2600:1f13:f8:d400:3a6:303c:e011:18eb", 60202, "2607:f8b0:400a:800::200e", 443,
     "1:ptJhMvufAbB5nLDNW77cB800wFM="},
    {7, 6, "2600:1f13:f8:d400:3a6:303c:e011:18eb", 33892, "2001:4860:4860::8888", 443,
     "1:PGf+a0eBbs1OhuPtJmsF0Sm51v4="},
    {1, 6, "192.168.0.254", 56162, "192.168.0.254", 3306, "1:IJQHtzXv/tXud3FtXIufkDsfEd4="},
    {1, 6, "192.168.0.254", 3306, "192.168.0.254", 56162, "1:IJQHtzXv/tXud3FtXIufkDsfEd4="},
    /* the reference's port-less RSVP example, spec variant (no port bytes) */
    {0, 46, "1.2.3.4", 0, "5.6.7.8", 0, "1:ikv3kmf89luf73WPz1jOs49S768="},
};

/* Spec baseline/baseline_deflt.json; ICMP rows pass (type, code). */
static const struct vector baseline_seed0[] = {
    {0, 58, "fe80::200:86ff:fe05:80da", 135, "fe80::260:97ff:fe07:69ea", 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {0, 58, "fe80::260:97ff:fe07:69ea", 136, "fe80::200:86ff:fe05:80da", 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {0, 58, "fe80::260:97ff:fe07:69ea", 135, "fe80::200:86ff:fe05:80da", 0,
     "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {0, 58, "fe80::200:86ff:fe05:80da", 136, "fe80::260:97ff:fe07:69ea", 0,
     "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {0, 58, "3ffe:501:1800:2345::2", 3, "3ffe:507:0:1:200:86ff:fe05:80da", 0,
     "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="},
    {0, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", 1, "3ffe:507:0:1:200:86ff:fe05:80da", 4,
     "1:hLZd0XGWojozrvxqE0dWB1iM6R0="},
    {0, 58, "3ffe:507:0:1:200:86ff:fe05:80da", 128, "3ffe:501:0:1001::2", 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {0, 58, "3ffe:501:0:1001::2", 129, "3ffe:507:0:1:200:86ff:fe05:80da", 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {0, 58, "fe80::200:86ff:fe05:80da", 133, "ff02::2", 0, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="},
    {0, 58, "fe80::260:97ff:fe07:69ea", 134, "ff02::1", 0, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
    {0, 1, "192.168.0.89", 8, "192.168.0.1", 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {0, 1, "192.168.0.1", 0, "192.168.0.89", 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {0, 1, "10.0.0.1", 11, "10.0.0.2", 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM="},
    {0, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25,
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {0, 6, "2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {0, 132, "192.168.170.8", 7, "192.168.170.56", 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {0, 132, "192.168.170.56", 7, "192.168.170.8", 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {0, 6, "128.232.110.120", 34855, "66.35.250.204", 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {0, 6, "66.35.250.204", 80, "128.232.110.120", 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {0, 17, "192.168.1.52", 54585, "8.8.8.8", 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {0, 17, "8.8.8.8", 53, "192.168.1.52", 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {0, 46, "10.1.12.1", 0, "10.1.12.2", 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
    {0, 46, "10.1.12.2", 0, "10.1.12.1", 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
};

/* Spec baseline/baseline_seed1.json (a subset: one per protocol shape). */
static const struct vector baseline_seed1[] = {
    {1, 58, "fe80::200:86ff:fe05:80da", 135, "fe80::260:97ff:fe07:69ea", 0,
     "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {1, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", 1, "3ffe:507:0:1:200:86ff:fe05:80da", 4,
     "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8="},
    {1, 58, "3ffe:501:0:1001::2", 129, "3ffe:507:0:1:200:86ff:fe05:80da", 0,
     "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="},
    {1, 1, "192.168.0.1", 0, "192.168.0.89", 0, "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {1, 1, "10.0.0.1", 11, "10.0.0.2", 0, "1:XjUibYHaafLQ3pxQeiMI8g25q20="},
    {1, 6, "2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
     "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {1, 132, "192.168.170.56", 7, "192.168.170.8", 7, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {1, 17, "8.8.8.8", 53, "192.168.1.52", 54585, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {1, 46, "10.1.12.2", 0, "10.1.12.1", 0, "1:rYir8gphR31noO9iDRQmF/BteEI="},
};

static void test_reference_table(void **state)
{
    (void)state;
    check_all(reference, sizeof(reference) / sizeof(reference[0]));
}

static void test_spec_baseline_seed0(void **state)
{
    (void)state;
    check_all(baseline_seed0, sizeof(baseline_seed0) / sizeof(baseline_seed0[0]));
}

static void test_spec_baseline_seed1(void **state)
{
    (void)state;
    check_all(baseline_seed1, sizeof(baseline_seed1) / sizeof(baseline_seed1[0]));
}

static int b64_value(char c)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(alphabet, c);
    return c != '\0' && p != NULL ? (int)(p - alphabet) : -1;
}

/* The spec's --no-base64 vector: decode our base64 and compare the digest
 * with 1:c026f7386ef200559e95a53276ed03fb5db908b3. */
static void test_digest_without_base64(void **state)
{
    (void)state;
    struct ww_addr s = addr("1.2.3.4"), d = addr("5.6.7.8");
    char out[COMMUNITY_ID_LEN];
    community_id_v1(0, &s, 1122, &d, 3344, 6, out);
    const char *b = out + 2;
    uint8_t md[21];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *b != '\0' && *b != '='; b++) {
        int v = b64_value(*b);
        assert_true(v >= 0);
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            assert_true(n < sizeof(md));
            md[n++] = (uint8_t)(acc >> bits);
        }
    }
    assert_int_equal(n, 20);
    char hex[41];
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    assert_string_equal(hex, "c026f7386ef200559e95a53276ed03fb5db908b3");
}

/* One-way ICMP keeps packet order: the reverse of a time-exceeded is a
 * different ID, and the code goes into the hash. */
static void test_icmp_one_way_not_reordered(void **state)
{
    (void)state;
    struct ww_addr a = addr("1.2.3.4"), b = addr("5.6.7.8");
    char fwd[COMMUNITY_ID_LEN], rev[COMMUNITY_ID_LEN], code1[COMMUNITY_ID_LEN];
    community_id_v1(0, &a, 11, &b, 0, 1, fwd);
    community_id_v1(0, &b, 11, &a, 0, 1, rev);
    community_id_v1(0, &a, 11, &b, 1, 1, code1);
    assert_string_equal(fwd, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=");
    assert_string_not_equal(fwd, rev);
    assert_string_not_equal(fwd, code1);
}

/* Two-way ICMP ignores the code: echo code 5 hashes like code 0. */
static void test_icmp_two_way_ignores_code(void **state)
{
    (void)state;
    struct ww_addr a = addr("1.2.3.4"), b = addr("5.6.7.8");
    char out[COMMUNITY_ID_LEN];
    community_id_v1(0, &a, 8, &b, 5, 1, out);
    assert_string_equal(out, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
    community_id_v1(0, &b, 0, &a, 7, 1, out);
    assert_string_equal(out, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_table),
        cmocka_unit_test(test_spec_baseline_seed0),
        cmocka_unit_test(test_spec_baseline_seed1),
        cmocka_unit_test(test_digest_without_base64),
        cmocka_unit_test(test_icmp_one_way_not_reordered),
        cmocka_unit_test(test_icmp_two_way_ignores_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

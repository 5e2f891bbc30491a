/* test-addr.c — rule addresses and ports: IPv4/IPv6 CIDR boundaries,
 * ranges, negation of items and groups, nested lists, variables with their
 * defaults, cycles and depth limits, port ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "detect/detect-addr.h"

static char err[256];

static struct ww_addr ip(const char *s)
{
    struct ww_addr a;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, s, a.a) == 1) {
        a.family = 4;
    } else {
        assert_int_equal(inet_pton(AF_INET6, s, a.a), 1);
        a.family = 6;
    }
    return a;
}

/* Parses text against vars and checks each "+addr" matches, "-addr" does not. */
static void addr_check(const struct detect_vars *v, const char *text, const char *const *cases)
{
    struct addr_group *g = addr_group_parse(text, v, err, sizeof(err));
    if (g == NULL)
        fail_msg("'%s' did not parse: %s", text, err);
    for (; *cases != NULL; cases++) {
        struct ww_addr a = ip(*cases + 1);
        if (addr_group_match(g, &a) != (**cases == '+'))
            fail_msg("'%s' against %s: wrong answer", text, *cases);
    }
    addr_group_free(g);
}

static void addr_error(const struct detect_vars *v, const char *text, const char *msg)
{
    struct addr_group *g = addr_group_parse(text, v, err, sizeof(err));
    if (g != NULL) {
        addr_group_free(g);
        fail_msg("'%s' parsed but should not", text);
    }
    assert_string_equal(err, msg);
}

static void port_check(const struct detect_vars *v, const char *text, const int *yes, const int *no)
{
    struct port_group *g = port_group_parse(text, v, err, sizeof(err));
    if (g == NULL)
        fail_msg("'%s' did not parse: %s", text, err);
    for (; *yes >= 0; yes++)
        if (!port_group_match(g, (uint16_t)*yes))
            fail_msg("'%s' should match %d", text, *yes);
    for (; *no >= 0; no++)
        if (port_group_match(g, (uint16_t)*no))
            fail_msg("'%s' should not match %d", text, *no);
    port_group_free(g);
}

static void port_error(const struct detect_vars *v, const char *text, const char *msg)
{
    struct port_group *g = port_group_parse(text, v, err, sizeof(err));
    if (g != NULL) {
        port_group_free(g);
        fail_msg("'%s' parsed but should not", text);
    }
    assert_string_equal(err, msg);
}

static void test_any(void **state)
{
    (void)state;
    addr_check(NULL, "any",
               (const char *const[]){"+0.0.0.0", "+255.255.255.255", "+::", "+::1", NULL});
    struct addr_group *g = addr_group_parse("any", NULL, err, sizeof(err));
    assert_true(addr_group_is_any(g));
    addr_group_free(g);
    g = addr_group_parse("[any]", NULL, err, sizeof(err));
    assert_true(addr_group_is_any(g));
    addr_group_free(g);
    g = addr_group_parse("10.0.0.0/8", NULL, err, sizeof(err));
    assert_false(addr_group_is_any(g));
    addr_group_free(g);
    struct port_group *p = port_group_parse("any", NULL, err, sizeof(err));
    assert_true(port_group_is_any(p));
    port_group_free(p);
    p = port_group_parse("80", NULL, err, sizeof(err));
    assert_false(port_group_is_any(p));
    port_group_free(p);
}

static void test_ipv4_cidr(void **state)
{
    (void)state;
    addr_check(NULL, "10.0.0.0/8",
               (const char *const[]){"+10.0.0.0", "+10.255.255.255", "+10.1.2.3", "-9.255.255.255",
                                     "-11.0.0.0", "-::ffff:10.0.0.1", NULL});
    addr_check(NULL, "192.168.1.1",
               (const char *const[]){"+192.168.1.1", "-192.168.1.0", "-192.168.1.2", NULL});
    addr_check(NULL, "192.168.1.1/32", (const char *const[]){"+192.168.1.1", "-192.168.1.2", NULL});
    addr_check(NULL, "192.168.1.0/31",
               (const char *const[]){"+192.168.1.0", "+192.168.1.1", "-192.168.1.2", NULL});
    addr_check(NULL, "172.16.0.0/12",
               (const char *const[]){"+172.16.0.0", "+172.31.255.255", "-172.32.0.0",
                                     "-172.15.255.255", NULL});
    addr_check(NULL, "0.0.0.0/0",
               (const char *const[]){"+0.0.0.0", "+255.255.255.255", "-::1", NULL});
    /* host bits set: masked, as Suricata does */
    addr_check(NULL, "10.1.2.3/8", (const char *const[]){"+10.200.0.1", "-11.0.0.0", NULL});
    addr_check(NULL, "192.168.4.0/255.255.255.0",
               (const char *const[]){"+192.168.4.0", "+192.168.4.255", "-192.168.5.0", NULL});
    addr_check(NULL, "1.2.3.4-1.2.3.9",
               (const char *const[]){"-1.2.3.3", "+1.2.3.4", "+1.2.3.9", "-1.2.3.10", NULL});
}

static void test_ipv6_cidr(void **state)
{
    (void)state;
    addr_check(NULL, "2001:db8::/32",
               (const char *const[]){"+2001:db8::", "+2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
                                     "-2001:db9::", "-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
                                     "-32.1.13.184", NULL});
    addr_check(NULL, "fe80::/10", (const char *const[]){"+fe80::1", "+febf::1", "-fec0::", NULL});
    addr_check(NULL, "::1", (const char *const[]){"+::1", "-::2", "-::", NULL});
    addr_check(NULL, "::1/128", (const char *const[]){"+::1", "-::2", NULL});
    addr_check(NULL, "::/0", (const char *const[]){"+::", "+ffff::1", "-1.2.3.4", NULL});
    addr_check(NULL, "2001:db8::1/127",
               (const char *const[]){"+2001:db8::", "+2001:db8::1", "-2001:db8::2", NULL});
    addr_check(NULL, "fd00::/7", (const char *const[]){"+fc00::", "+fdff::1", "-fe00::", NULL});
}

static void test_negation_and_lists(void **state)
{
    (void)state;
    addr_check(NULL, "!10.0.0.0/8", (const char *const[]){"-10.0.0.1", "+11.0.0.1", "+::1", NULL});
    addr_check(NULL, "[10.0.0.0/8,!10.1.0.0/16]",
               (const char *const[]){"+10.2.0.1", "-10.1.0.1", "-10.1.255.255", "+10.0.255.255",
                                     "-11.0.0.1", NULL});
    /* order does not matter */
    addr_check(NULL, "[!10.1.0.0/16, 10.0.0.0/8]",
               (const char *const[]){"+10.2.0.1", "-10.1.0.1", NULL});
    /* only negated items: everything but them */
    addr_check(NULL, "[!1.2.3.4,!5.6.7.8]",
               (const char *const[]){"-1.2.3.4", "-5.6.7.8", "+1.2.3.5", "+::1", NULL});
    addr_check(
        NULL, "[[10.0.0.0/8,!10.1.0.0/16],192.168.0.0/16]",
        (const char *const[]){"+10.2.0.1", "-10.1.0.1", "+192.168.9.9", "-172.16.0.1", NULL});
    /* a negated group: the whole group's meaning is inverted */
    addr_check(NULL, "![10.0.0.0/8,!10.1.0.0/16]",
               (const char *const[]){"-10.2.0.1", "+10.1.0.1", "+11.0.0.1", NULL});
    addr_check(NULL, "[1.2.3.4, 2001:db8::/32]",
               (const char *const[]){"+1.2.3.4", "+2001:db8::5", "-1.2.3.5", NULL});
    addr_check(NULL, "!!1.2.3.4", (const char *const[]){"+1.2.3.4", "-1.2.3.5", NULL});
    addr_check(NULL, "[any,!1.2.3.4]", (const char *const[]){"-1.2.3.4", "+1.2.3.5", NULL});
}

static void test_addr_errors(void **state)
{
    (void)state;
    addr_error(NULL, "!any", "'!any' is not allowed");
    addr_error(NULL, "![any]", "'!any' is not allowed");
    addr_error(NULL, "10.0.0.300", "bad address '10.0.0.300'");
    addr_error(NULL, "10.0.0.0/33", "bad address '10.0.0.0/33'");
    addr_error(NULL, "10.0.0.0/", "bad address '10.0.0.0/'");
    addr_error(NULL, "10.0.0.0/255.0.255.0", "bad address '10.0.0.0/255.0.255.0'");
    addr_error(NULL, "::1/129", "bad address '::1/129'");
    addr_error(NULL, "1.2.3.9-1.2.3.4", "bad address '1.2.3.9-1.2.3.4'");
    addr_error(NULL, "1.2.3.4-::1", "bad address '1.2.3.4-::1'");
    addr_error(NULL, "example.com", "bad address 'example.com'");
    addr_error(NULL, "[1.2.3.4", "unbalanced brackets in '[1.2.3.4'");
    addr_error(NULL, "[1.2.3.4]]", "unbalanced brackets in '[1.2.3.4]]'");
    addr_error(NULL, "[1.2.3.4,]", "empty address in a list");
    addr_error(NULL, "[]", "empty address in a list");
    addr_error(NULL, "", "empty address");
    addr_error(NULL, "$NOPE", "unknown variable '$NOPE'");
}

static void test_vars(void **state)
{
    (void)state;
    struct detect_vars *v = detect_vars_new("10.0.0.0/8,192.168.0.0/16");
    assert_non_null(v);
    addr_check(v, "$HOME_NET",
               (const char *const[]){"+10.1.1.1", "+192.168.0.1", "-8.8.8.8", NULL});
    addr_check(v, "$EXTERNAL_NET",
               (const char *const[]){"-10.1.1.1", "+8.8.8.8", "+2001:db8::1", NULL});
    addr_check(v, "[$HOME_NET,!10.9.0.0/16]",
               (const char *const[]){"+10.1.1.1", "-10.9.1.1", NULL});
    addr_check(v, "!$HOME_NET", (const char *const[]){"-192.168.3.3", "+1.1.1.1", NULL});
    static const char *const servers[] = {
        "$HTTP_SERVERS",  "$SMTP_SERVERS", "$SQL_SERVERS", "$DNS_SERVERS",   "$TELNET_SERVERS",
        "$AIM_SERVERS",   "$DC_SERVERS",   "$DNP3_SERVER", "$DNP3_CLIENT",   "$MODBUS_CLIENT",
        "$MODBUS_SERVER", "$ENIP_CLIENT",  "$ENIP_SERVER", "$WALLET_SERVERS"};
    for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++)
        addr_check(v, servers[i], (const char *const[]){"+10.0.0.1", "-1.1.1.1", NULL});

    assert_int_equal(detect_vars_set(v, "NODES", "[1.2.3.4,$HOME_NET]"), 0);
    addr_check(v, "$NODES", (const char *const[]){"+1.2.3.4", "+10.0.0.1", "-1.2.3.5", NULL});
    assert_int_equal(detect_vars_set(v, "NODES", "5.5.5.5"), 0); /* replaced */
    addr_check(v, "$NODES", (const char *const[]){"+5.5.5.5", "-1.2.3.4", NULL});

    assert_int_equal(detect_vars_set(v, "SELF", "$SELF"), 0);
    addr_error(v, "$SELF", "variable cycle at '$SELF'");
    assert_int_equal(detect_vars_set(v, "A", "$B"), 0);
    assert_int_equal(detect_vars_set(v, "B", "[1.2.3.4,$A]"), 0);
    addr_error(v, "$A", "variable cycle at '$A'");
    addr_error(v, "[10.0.0.1,$B]", "variable cycle at '$B'");
    assert_int_equal(detect_vars_set(v, "ANY", "any"), 0);
    addr_error(v, "!$ANY", "'!any' is not allowed");
    assert_int_equal(detect_vars_set(v, "BAD", "[1.2.3.4,300.1.1.1]"), 0);
    addr_error(v, "$BAD", "bad address '300.1.1.1'");

    /* a chain of 16 variables resolves; 17 is too deep */
    char name[16], val[16];
    for (int i = 0; i < 17; i++) {
        snprintf(name, sizeof(name), "V%d", i);
        snprintf(val, sizeof(val), "$V%d", i + 1);
        assert_int_equal(detect_vars_set(v, name, val), 0);
    }
    assert_int_equal(detect_vars_set(v, "V16", "7.7.7.7"), 0);
    addr_check(v, "$V1", (const char *const[]){"+7.7.7.7", NULL});
    addr_error(v, "$V0", "variables nested too deeply at '$V16'");
    detect_vars_free(v);
}

static void test_home_net_any(void **state)
{
    (void)state;
    struct detect_vars *v = detect_vars_new(NULL);
    addr_check(v, "$HOME_NET", (const char *const[]){"+1.1.1.1", "+::1", NULL});
    addr_error(v, "$EXTERNAL_NET", "'!any' is not allowed");
    detect_vars_free(v);
    v = detect_vars_new("fd00::/8");
    addr_check(v, "$HOME_NET", (const char *const[]){"+fd00::1", "-fe00::1", "-10.0.0.1", NULL});
    addr_check(v, "$EXTERNAL_NET", (const char *const[]){"-fd00::1", "+10.0.0.1", NULL});
    detect_vars_free(v);
}

static void test_ports(void **state)
{
    (void)state;
    port_check(NULL, "80", (const int[]){80, -1}, (const int[]){79, 81, 0, 65535, -1});
    port_check(NULL, "80:90", (const int[]){80, 85, 90, -1}, (const int[]){79, 91, -1});
    port_check(NULL, "1024:", (const int[]){1024, 65535, -1}, (const int[]){1023, 0, -1});
    port_check(NULL, ":1024", (const int[]){0, 1, 1024, -1}, (const int[]){1025, -1});
    port_check(NULL, "0:65535", (const int[]){0, 65535, -1}, (const int[]){-1});
    port_check(NULL, "[80,443]", (const int[]){80, 443, -1}, (const int[]){81, 442, -1});
    port_check(NULL, "[80, 443, 8000:8080]", (const int[]){8000, 8080, -1},
               (const int[]){7999, 8081, -1});
    port_check(NULL, "!80", (const int[]){79, 81, -1}, (const int[]){80, -1});
    port_check(NULL, "[1:100,!50]", (const int[]){1, 49, 51, 100, -1},
               (const int[]){50, 0, 101, -1});
    port_check(NULL, "![1:100,!50]", (const int[]){50, 0, 101, -1}, (const int[]){1, 49, 51, -1});
    port_check(NULL, "[[1:10,!5],[20:30,!25]]", (const int[]){1, 20, -1},
               (const int[]){5, 25, 15, -1});
    port_check(NULL, "[!80,!443]", (const int[]){81, 8080, -1}, (const int[]){80, 443, -1});
}

static void test_port_vars(void **state)
{
    (void)state;
    struct detect_vars *v = detect_vars_new("10.0.0.0/8");
    port_check(v, "$HTTP_PORTS", (const int[]){80, -1}, (const int[]){8080, -1});
    port_check(v, "$SHELLCODE_PORTS", (const int[]){81, -1}, (const int[]){80, -1});
    port_check(v, "$FILE_DATA_PORTS", (const int[]){80, 110, 143, -1}, (const int[]){25, -1});
    port_check(v, "$ORACLE_PORTS", (const int[]){1521, -1}, (const int[]){-1});
    port_check(v, "$SSH_PORTS", (const int[]){22, -1}, (const int[]){-1});
    port_check(v, "$DNP3_PORTS", (const int[]){20000, -1}, (const int[]){-1});
    port_check(v, "$MODBUS_PORTS", (const int[]){502, -1}, (const int[]){-1});
    port_check(v, "$FTP_PORTS", (const int[]){21, -1}, (const int[]){-1});
    port_check(v, "$GENEVE_PORTS", (const int[]){6081, -1}, (const int[]){-1});
    port_check(v, "$VXLAN_PORTS", (const int[]){4789, -1}, (const int[]){-1});
    port_check(v, "$TEREDO_PORTS", (const int[]){3544, -1}, (const int[]){-1});
    port_check(v, "$WALLET_RPC_PORTS",
               (const int[]){8332, 9332, 18332, 18443, 19332, 19443, 8545, 8546, 18081, 18082,
                             18083, 18088, 7777, -1},
               (const int[]){8333, 80, 18084, -1});
    port_check(v, "[$HTTP_PORTS,!$HTTP_PORTS,8080]", (const int[]){8080, -1},
               (const int[]){80, -1});
    assert_int_equal(detect_vars_set(v, "P", "[$Q]"), 0);
    assert_int_equal(detect_vars_set(v, "Q", "$P"), 0);
    port_error(v, "$P", "variable cycle at '$P'");
    port_error(v, "$NOPE", "unknown variable '$NOPE'");
    detect_vars_free(v);
}

static void test_port_errors(void **state)
{
    (void)state;
    port_error(NULL, "70000", "bad port '70000'");
    port_error(NULL, "65536", "bad port '65536'");
    port_error(NULL, "-1", "bad port '-1'");
    port_error(NULL, "90:80", "bad port '90:80'");
    port_error(NULL, ":", "bad port ':'");
    port_error(NULL, "http", "bad port 'http'");
    port_error(NULL, "80:90:100", "bad port '80:90:100'");
    port_error(NULL, "!any", "'!any' is not allowed");
    port_error(NULL, "[80", "unbalanced brackets in '[80'");
    port_error(NULL, "[80,,81]", "empty port in a list");
    port_error(NULL, " ", "empty port");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any),          cmocka_unit_test(test_ipv4_cidr),
        cmocka_unit_test(test_ipv6_cidr),    cmocka_unit_test(test_negation_and_lists),
        cmocka_unit_test(test_addr_errors),  cmocka_unit_test(test_vars),
        cmocka_unit_test(test_home_net_any), cmocka_unit_test(test_ports),
        cmocka_unit_test(test_port_vars),    cmocka_unit_test(test_port_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

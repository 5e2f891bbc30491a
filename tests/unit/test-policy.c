/* test-policy.c — the wallet-API policy (plugin/detectors/policy.c): exact
 * decimals, loading and located errors, and one case per finding, with
 * wallet calls built by hand. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detectors/policy-shared.h"
#include "detectors/policy.h"

#define HOME "10.0.0.0/8"
#define T0 1717149600 /* 2024-05-31 10:00:00 UTC */

struct msgs {
    char text[8][512];
    int n;
};

static void collect(void *user, const char *msg)
{
    struct msgs *m = user;
    if (m->n < 8)
        snprintf(m->text[m->n++], sizeof(m->text[0]), "%s", msg);
}

static struct policy *load(const char *text, struct msgs *m)
{
    bool failed = false;
    memset(m, 0, sizeof(*m));
    struct policy *p = policy_parse("p.json", text, strlen(text), HOME, collect, m, &failed);
    assert_true((p == NULL) == failed);
    return p;
}

static void addr(struct ww_addr *a, const char *ip)
{
    memset(a, 0, sizeof(*a));
    a->family = 4;
    inet_pton(AF_INET, ip, a->a);
}

static struct flow g_flow;
static struct wallet_call g_call;

/* A call from caller (user may be NULL) to server, of class cls. */
static const struct wallet_call *mk(const char *caller, const char *user, const char *server,
                                    enum wallet_class cls, const char *method)
{
    memset(&g_call, 0, sizeof(g_call));
    memset(&g_flow, 0, sizeof(g_flow));
    addr(&g_flow.cli, caller);
    addr(&g_flow.srv, server);
    g_call.caller_ip = g_flow.cli;
    g_call.asset = "BTC";
    g_call.cls = cls;
    g_call.method.p = (const uint8_t *)method;
    g_call.method.len = strlen(method);
    if (user) {
        g_call.user.p = (const uint8_t *)user;
        g_call.user.len = strlen(user);
    }
    g_call.batch_index = -1;
    return &g_call;
}

static void dest(const char *address, const char *amount)
{
    struct wallet_dest *d = &g_call.dests[g_call.ndests++];
    d->address.p = (const uint8_t *)address;
    d->address.len = strlen(address);
    d->has_amount = amount != NULL;
    if (amount)
        snprintf(d->amount, sizeof(d->amount), "%s", amount);
}

/* Judges the current call at T0 + secs; returns the verdict's names. */
static const char *judge(struct policy *p, long secs, struct detector_verdict *v)
{
    struct timeval now = {T0 + secs, 0};
    detector_verdict_clear(v);
    policy_on_call(p, &g_flow, &g_call, &now, NULL, v);
    v->names[v->len < sizeof(v->names) ? v->len : sizeof(v->names) - 1] = 0;
    return v->names;
}

static const char *detail(const struct detector_verdict *v, const char *name, const char *key)
{
    struct json_object *d, *x;
    if (!v->context || !json_object_object_get_ex(v->context, name, &d) ||
        !json_object_object_get_ex(d, key, &x))
        return NULL;
    return json_object_get_string(x);
}

static void test_decimals(void **state)
{
    (void)state;
    policy_dec a, b;
    char buf[64];
    assert_true(policy_dec_parse("12.5", 4, false, &a));
    assert_true(policy_dec_parse("12.500000000000000000", 21, false, &b));
    assert_true(a == b);
    policy_dec_format(a, buf, sizeof(buf));
    assert_string_equal(buf, "12.5");
    assert_true(policy_dec_parse("0.00000001", 10, false, &a));
    policy_dec_format(a, buf, sizeof(buf));
    assert_string_equal(buf, "0.00000001");
    assert_true(policy_dec_parse("0.000000000000000001", 20, false, &a));
    assert_true(a == 1);
    /* a 19th decimal: refused exactly, one unit up when rounding up */
    assert_false(policy_dec_parse("0.0000000000000000001", 21, false, &a));
    assert_true(policy_dec_parse("0.0000000000000000001", 21, true, &a));
    assert_true(a == 1);
    assert_true(policy_dec_parse("99999999999999999999", 20, false, &a));
    assert_false(policy_dec_parse("100000000000000000000", 21, false, &a));
    const char *bad[] = {"", ".5", "5.", "1e3", "-1", "1.2.3", " 1", "0x10"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(policy_dec_parse(bad[i], strlen(bad[i]), false, &a));
    policy_dec_format(0, buf, sizeof(buf));
    assert_string_equal(buf, "0");
}

static void test_addresses(void **state)
{
    (void)state;
    const char *bech = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
    const char *up = "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ";
    assert_true(policy_addr_equal((const uint8_t *)bech, 42, (const uint8_t *)up, 42));
    const char *b58 = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    const char *b58l = "1a1zp1ep5qgefi2dmptftl5slmv7divfna";
    assert_false(policy_addr_equal((const uint8_t *)b58, 34, (const uint8_t *)b58l, 34));
    const char *eth = "0x2f0b23f53734252bda2277357e97e1517d6b042a";
    const char *ethm = "0x2F0b23f53734252bda2277357e97e1517d6b042A";
    assert_true(policy_addr_equal((const uint8_t *)eth, 42, (const uint8_t *)ethm, 42));
}

static void test_errors_located(void **state)
{
    (void)state;
    struct msgs m;
    assert_null(load("{\n  \"servers\": [\"10.0.0.1\",\n  ]\n}\n", &m));
    assert_int_equal(m.n, 1);
    assert_string_equal(m.text[0], "p.json:3:3: syntax error: unexpected character");
    assert_null(load("{\n \"classes\": {\n  \"send\": {\"hours\": \"8-18\"},\n  \"x\": 1},\n"
                     " \"rate_limit\": {\"calls\": 5}\n}",
                     &m));
    assert_int_equal(m.n, 3);
    assert_string_equal(m.text[0], "p.json:3: classes.send.hours: expected \"HH:MM-HH:MM\" "
                                   "(UTC, e.g. \"08:00-18:00\"; may wrap midnight)");
    assert_string_equal(m.text[1], "p.json:4: classes.x: unknown key 'x'");
    assert_string_equal(m.text[2], "p.json:5: rate_limit: missing key 'seconds'");
    assert_null(load("[]", &m));
    assert_string_equal(m.text[0], "p.json: the policy is a JSON object ({...})");
    struct policy *p = load("{\"comment\": \"all optional\"}", &m);
    assert_non_null(p);
    assert_int_equal(m.n, 0);
    policy_free(p);
}

static const char *POLICY =
    "{\"servers\": [\"10.40.0.40\"], \"home_net_only\": true,\n"
    " \"classes\": {\"read\": {\"callers\": [\"10.40.0.0/24\"]},\n"
    "   \"send\": {\"callers\": [\"treasury@10.40.0.41\"], \"hours\": \"08:00-18:00\"},\n"
    "   \"key\": {\"callers\": []}},\n"
    " \"assets\": {\"BTC\": {\"destinations\": [\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\"],\n"
    "   \"max_per_call\": \"5\", \"max_per_window\": \"8\", \"window_seconds\": 3600}},\n"
    " \"rate_limit\": {\"calls\": 3, \"seconds\": 60},\n"
    " \"auth_failures\": {\"count\": 2, \"seconds\": 60}}";

#define A_OK "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"

static void test_each_finding(void **state)
{
    (void)state;
    struct msgs m;
    struct policy *p = load(POLICY, &m);
    assert_non_null(p);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));

    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "1");
    assert_string_equal(judge(p, 0, &v), "");

    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1");
    assert_string_equal(judge(p, 100, &v), "wallet.destination_not_allowed\n");

    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "5.00000001");
    assert_string_equal(judge(p, 200, &v), "wallet.amount_over_call_cap\n");
    assert_string_equal(detail(&v, "wallet.amount_over_call_cap", "observed"), "5.00000001");
    /* 1 + 1 + 5.00000001 so far (refused destinations still moved value) */
    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "0.99999999");
    assert_string_equal(judge(p, 250, &v), "");
    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "0.00000001");
    g_call.outcome = WALLET_OUTCOME_ERROR; /* nothing moved: not counted */
    assert_string_equal(judge(p, 260, &v), "");
    g_call.outcome = WALLET_OUTCOME_SUCCESS;
    assert_string_equal(judge(p, 270, &v), "wallet.amount_over_window_cap\n");
    assert_string_equal(detail(&v, "wallet.amount_over_window_cap", "observed"), "8.00000001");
    assert_string_equal(detail(&v, "wallet.amount_over_window_cap", "limit"), "8");

    /* an hour after the first sends, the window holds only this one */
    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "2");
    assert_string_equal(judge(p, 3900, &v), "");

    mk("10.40.0.41", "treasury", "10.40.0.40", WALLET_CLASS_SEND, "sendtoaddress");
    dest(A_OK, "0.1");
    assert_string_equal(judge(p, 9 * 3600, &v), "wallet.outside_hours\n");
    assert_string_equal(detail(&v, "wallet.outside_hours", "observed"), "19:00:00");

    mk("10.40.0.30", NULL, "10.40.0.40", WALLET_CLASS_KEY, "dumpprivkey");
    assert_string_equal(judge(p, 300, &v), "wallet.method_class_not_allowed\n");
    mk("10.50.0.9", NULL, "10.40.0.40", WALLET_CLASS_READ, "getbalance");
    assert_string_equal(judge(p, 300, &v), "wallet.caller_not_allowed\n");
    mk("198.51.100.7", NULL, "10.40.0.40", WALLET_CLASS_READ, "getbalance");
    assert_string_equal(judge(p, 300, &v),
                        "wallet.call_from_outside_home_net\nwallet.caller_not_allowed\n");
    mk("10.40.0.31", NULL, "10.40.0.99", WALLET_CLASS_READ, "getbalance");
    assert_string_equal(judge(p, 300, &v), ""); /* queries may go to any node */
    mk("10.40.0.31", NULL, "10.40.0.99", WALLET_CLASS_ADMIN, "walletlock");
    assert_string_equal(judge(p, 300, &v), "wallet.unknown_server\n");
    assert_string_equal(detail(&v, "wallet.unknown_server", "observed"), "10.40.0.99");

    /* rate: 3 a minute; the 4th alerts, the 5th does not, a new window starts clean */
    for (int i = 0; i < 3; i++) {
        mk("10.40.0.32", NULL, "10.40.0.40", WALLET_CLASS_READ, "getblockcount");
        assert_string_equal(judge(p, 1000 + i, &v), "");
    }
    assert_string_equal(judge(p, 1003, &v), "wallet.rate_exceeded\n");
    assert_string_equal(judge(p, 1004, &v), "");
    assert_string_equal(judge(p, 1060, &v), "");

    mk("10.40.0.33", "ops", "10.40.0.40", WALLET_CLASS_READ, "getbalance");
    g_call.outcome = WALLET_OUTCOME_AUTH_FAILED;
    assert_string_equal(judge(p, 2000, &v), "");
    assert_string_equal(judge(p, 2001, &v), "wallet.auth_failure_burst\n");
    /* the same address with another user is another caller */
    mk("10.40.0.33", "other", "10.40.0.40", WALLET_CLASS_READ, "getbalance");
    g_call.outcome = WALLET_OUTCOME_AUTH_FAILED;
    assert_string_equal(judge(p, 2002, &v), "");

    detector_verdict_clear(&v);
    policy_free(p);
}

static void test_bounded_callers(void **state)
{
    (void)state;
    struct msgs m;
    struct policy *p = load("{\"rate_limit\": {\"calls\": 100, \"seconds\": 60}, "
                            "\"max_callers\": 16}",
                            &m);
    assert_non_null(p);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    char ip[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        mk(ip, NULL, "10.40.0.40", WALLET_CLASS_READ, "getbalance");
        judge(p, i, &v);
    }
    struct policy_stats st;
    policy_get_stats(p, &st);
    assert_int_equal(st.calls, 5000);
    assert_true(st.callers <= 16);
    assert_int_equal(st.callers + st.callers_evicted, 5000);
    detector_verdict_clear(&v);
    policy_free(p);
}

static void test_permissive_shipped(void **state)
{
    (void)state;
    FILE *fp = fopen("signatures/wallet-policy.json", "r");
    if (!fp)
        skip();
    fclose(fp);
    bool failed = true;
    struct msgs m;
    memset(&m, 0, sizeof(m));
    struct policy *p = policy_load("signatures/wallet-policy.json", HOME, collect, &m, &failed);
    assert_non_null(p);
    assert_false(failed);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    mk("10.1.2.3", "anyone", "10.9.9.9", WALLET_CLASS_SEND, "sendtoaddress");
    dest("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1000000");
    assert_string_equal(judge(p, 0, &v), "");
    detector_verdict_clear(&v);
    policy_free(p);
}

/* --workers N: two workers' policies count one caller's calls and one
 * asset's sends together in the shared state. */
static void test_shared_state(void **state)
{
    (void)state;
    static const char text[] =
        "{\"version\": 1, \"rate_limit\": {\"calls\": 2, \"seconds\": 60},"
        " \"assets\": {\"BTC\": {\"max_per_window\": \"5\"}}}";
    struct policy_shared *sh = policy_shared_new();
    assert_non_null(sh);
    struct msgs m;
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* worker 1: two calls of 10.0.0.7, a send of 3 BTC */
        struct policy *p = load(text, &m);
        if (!p)
            _exit(1);
        policy_share(p, sh);
        mk("10.0.0.7", NULL, "10.0.0.40", WALLET_CLASS_READ, "getblockcount");
        bool ok = judge(p, 0, &v)[0] == 0 && judge(p, 1, &v)[0] == 0;
        mk("10.0.0.8", NULL, "10.0.0.40", WALLET_CLASS_SEND, "sendtoaddress");
        dest("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3");
        g_call.outcome = WALLET_OUTCOME_SUCCESS;
        ok = ok && judge(p, 2, &v)[0] == 0;
        detector_verdict_clear(&v);
        policy_free(p);
        _exit(ok ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct policy *p = load(text, &m); /* worker 0, the other node */
    assert_non_null(p);
    policy_share(p, sh);
    mk("10.0.0.7", NULL, "10.0.0.41", WALLET_CLASS_READ, "getblockcount");
    assert_string_equal(judge(p, 3, &v), "wallet.rate_exceeded\n");
    mk("10.0.0.9", NULL, "10.0.0.41", WALLET_CLASS_SEND, "sendtoaddress");
    dest("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3");
    g_call.outcome = WALLET_OUTCOME_SUCCESS;
    assert_string_equal(judge(p, 4, &v), "wallet.amount_over_window_cap\n");
    assert_string_equal(detail(&v, "wallet.amount_over_window_cap", "observed"), "6");
    detector_verdict_clear(&v);
    policy_free(p);
    policy_shared_free(sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_errors_located),
        cmocka_unit_test(test_each_finding),
        cmocka_unit_test(test_bounded_callers),
        cmocka_unit_test(test_permissive_shipped),
        cmocka_unit_test(test_shared_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

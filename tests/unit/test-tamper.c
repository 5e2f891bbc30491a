/* test-tamper.c — transfer tampering (plugin/detectors/tamper.c): requests
 * read from text, matched against hand-built wallet sends; request ids. */
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

#include "detectors/tamper.h"

#define T0 1717149600
#define ADDR_A "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
#define ADDR_B "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
#define ADDR_D "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"

/* Where the helpers' texts and calls stand in the capture; NULL: no order. */
static const struct share_order *order;

static void text(struct tamper *t, const char *msg, long secs, struct detector_verdict *v)
{
    struct tamper_text m;
    memset(&m, 0, sizeof(m));
    m.protocol = "xmpp";
    m.text = (const uint8_t *)msg;
    m.len = strlen(msg);
    m.from = (const uint8_t *)"alice@corp";
    m.from_len = 10;
    m.sender_ip.family = 4;
    inet_pton(AF_INET, "10.0.0.5", m.sender_ip.a);
    struct timeval now = {T0 + secs, 0};
    detector_verdict_clear(v);
    tamper_on_text(t, &m, &now, order, v);
    v->names[v->len] = 0;
}

static void send_call(struct tamper *t, const char *asset, const char *address, const char *amount,
                      long secs, struct detector_verdict *v)
{
    static struct wallet_call c;
    memset(&c, 0, sizeof(c));
    c.asset = asset;
    c.cls = WALLET_CLASS_SEND;
    c.dests[0].address.p = (const uint8_t *)address;
    c.dests[0].address.len = strlen(address);
    c.dests[0].has_amount = true;
    snprintf(c.dests[0].amount, sizeof(c.dests[0].amount), "%s", amount);
    c.ndests = 1;
    struct timeval now = {T0 + secs, 0};
    detector_verdict_clear(v);
    tamper_on_call(t, &c, &now, order, v);
    v->names[v->len] = 0;
}

static const char *detail(const struct detector_verdict *v, const char *name, const char *key)
{
    struct json_object *d, *x;
    if (!v->context || !json_object_object_get_ex(v->context, name, &d) ||
        !json_object_object_get_ex(d, key, &x))
        return NULL;
    return json_object_get_string(x);
}

static void test_mismatch_and_control(void **state)
{
    (void)state;
    struct tamper *t = tamper_new(16, 3600);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    text(t, "please send 12.5 BTC to " ADDR_A " today", 0, &v);
    assert_string_equal(v.names, "");
    send_call(t, "BTC", ADDR_B, "12.50000000", 600, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "requested_address"), ADDR_A);
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "sent_address"), ADDR_B);
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "amount"), "12.50000000");
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "request_protocol"), "xmpp");
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "requested_at"),
                        "2024-05-31T10:00:00.000000+0000");
    send_call(t, "BTC", ADDR_A, "12.5", 700, &v);   /* control: the requested address */
    assert_string_equal(v.names, "");
    send_call(t, "BTC", ADDR_B, "12.6", 700, &v);   /* another amount */
    assert_string_equal(v.names, "");
    send_call(t, "ETH", ADDR_B, "12.5", 700, &v);   /* another family */
    assert_string_equal(v.names, "");
    send_call(t, "BTC", ADDR_B, "12.5", 3600, &v);  /* the window has passed */
    assert_string_equal(v.names, "");
    detector_verdict_clear(&v);
    tamper_free(t);
}

static void test_units(void **state)
{
    (void)state;
    struct tamper *t = tamper_new(16, 3600);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    text(t, "pay 1250 mBTC to " ADDR_A, 0, &v);
    send_call(t, "BTC-family", ADDR_B, "1.25", 10, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    text(t, "pay 150000 sats to " ADDR_D, 20, &v);
    send_call(t, "LTC", ADDR_B, "0.0015", 30, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    detector_verdict_clear(&v);
    tamper_free(t);
}

static void test_request_ids(void **state)
{
    (void)state;
    char id[TAMPER_ID_MAX];
    struct {
        const char *text, *id;
    } cases[] = {
        {"ticket #123: send", "123"},
        {"Request ID: ABC-12 send", "ABC-12"},
        {"per TX-2024-001, send", "TX-2024-001"},
        {"ref no. 77 please", "77"},
        {"request to send", NULL},
        {"TX- nothing", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const uint8_t *s = (const uint8_t *)cases[i].text;
        bool found = tamper_find_id(s, 0, strlen(cases[i].text), 0, 0, id);
        assert_int_equal(found, cases[i].id != NULL);
        if (found)
            assert_string_equal(id, cases[i].id);
    }
    struct tamper *t = tamper_new(16, 3600);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    text(t, "ticket #123: send 3 BTC to " ADDR_D, 0, &v);
    assert_string_equal(v.names, "");
    text(t, "ticket #123: send 3 BTC to " ADDR_D, 5, &v); /* the same, relayed */
    assert_string_equal(v.names, "");
    text(t, "ticket #123 (corrected): send 3 BTC to " ADDR_A, 10, &v);
    assert_string_equal(v.names, "wallet.request_destination_changed\n");
    assert_string_equal(detail(&v, "wallet.request_destination_changed", "first_address"), ADDR_D);
    assert_string_equal(detail(&v, "wallet.request_destination_changed", "new_address"), ADDR_A);
    detector_verdict_clear(&v);
    tamper_free(t);
}

static void test_bounded(void **state)
{
    (void)state;
    struct tamper *t = tamper_new(4, 3600);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    char msg[128];
    for (int i = 0; i < 10; i++) {
        snprintf(msg, sizeof(msg), "send %d BTC to %s", i + 1, ADDR_A);
        text(t, msg, i, &v);
    }
    struct tamper_stats st;
    tamper_get_stats(t, &st);
    assert_int_equal(st.requests, 10);
    assert_int_equal(st.evicted, 6);
    assert_int_equal(st.live, 4);
    send_call(t, "BTC", ADDR_B, "1", 20, &v); /* evicted: forgotten */
    assert_string_equal(v.names, "");
    send_call(t, "BTC", ADDR_B, "10", 20, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    detector_verdict_clear(&v);
    tamper_free(t);
}

static uint64_t waited_for;

static void record_wait(uint64_t seq, void *user)
{
    (void)user;
    waited_for = seq;
}

/* Workers ahead may have added requests of later frames: a send compares
 * only with requests read at or before its own frame, after the wait. */
static void test_order(void **state)
{
    (void)state;
    struct tamper *t = tamper_new(16, 3600);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    struct share_order o = {10, record_wait, NULL};
    order = &o;
    text(t, "please send 2 BTC to " ADDR_A, 0, &v);
    assert_int_equal(waited_for, 10);
    o.seq = 9; /* a send read before the request, handled after it */
    send_call(t, "BTC", ADDR_B, "2", 5, &v);
    assert_string_equal(v.names, "");
    assert_int_equal(waited_for, 9);
    o.seq = 11;
    send_call(t, "BTC", ADDR_B, "2", 5, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    waited_for = 0;
    o.seq = 0; /* live: no order, no wait */
    send_call(t, "BTC", ADDR_B, "2", 6, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    assert_int_equal(waited_for, 0);
    order = NULL;
    detector_verdict_clear(&v);
    tamper_free(t);
}

/* A request one process reads is matched by the send another one sees. */
static void test_shared_across_processes(void **state)
{
    (void)state;
    struct tamper *t = tamper_new_shared(16, 3600);
    assert_non_null(t);
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        text(t, "please send 7 BTC to " ADDR_A, 0, &v);
        detector_verdict_clear(&v);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    send_call(t, "BTC", ADDR_B, "7", 60, &v);
    assert_string_equal(v.names, "wallet.destination_mismatch\n");
    assert_string_equal(detail(&v, "wallet.destination_mismatch", "requested_address"), ADDR_A);
    struct tamper_stats st;
    tamper_get_stats(t, &st);
    assert_int_equal(st.requests, 1);
    detector_verdict_clear(&v);
    tamper_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mismatch_and_control),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_request_ids),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_shared_across_processes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

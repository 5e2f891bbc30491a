/* test-app-wallet.c — wallet JSON-RPC calls: the HTTP consumer fed with
 * hand-built http_tx_view pairs, the raw-TCP line parser fed with chunks
 * split at every offset, exact amount conversion, batches paired by id,
 * authentication failures, depth bombs and truncated JSON; every event is
 * serialised and searched for the secrets the inputs carry.
 *
 * app_tx_done, app_anomaly and http_consumer_register are defined here, so
 * the test links app-wallet.c with detect-buffer.c, eve.c, redact.c and the
 * utilities, never the engine or the HTTP parser. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/app-http.h"
#include "app/app-wallet.h"
#include "detect/detect-buffer.h"

/* ---- the engine's side, as the test sees it -------------------------------- */

#define MAX_EVENTS 64

struct captured {
    char *json; /* the "wallet" object's event, serialised */
    enum flow_dir dir;
    uint64_t tx_id;
    char *bufs[DETECT_BUF_MAX];
    size_t buf_len[DETECT_BUF_MAX];
};

static struct captured events[MAX_EVENTS];
static size_t n_events;
static char anomalies[16][64];
static size_t n_anomalies;
static const struct http_consumer *consumer;

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx;
    (void)f;
    assert_string_equal(tx->event_type, "wallet");
    assert_true(n_events < MAX_EVENTS);
    struct captured *c = &events[n_events++];
    memset(c, 0, sizeof(*c));
    struct json_object *ev = json_object_new_object();
    tx->to_json(tx->tx, ev);
    c->json = strdup(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(ev);
    c->dir = tx->dir;
    c->tx_id = tx->tx_id;
    for (size_t i = 0; i < tx->nbufs; i++) {
        int id = tx->bufs[i].id;
        assert_true(id >= 0 && id < DETECT_BUF_MAX);
        c->bufs[id] = malloc(tx->bufs[i].len + 1);
        memcpy(c->bufs[id], tx->bufs[i].data, tx->bufs[i].len);
        c->bufs[id][tx->bufs[i].len] = '\0';
        c->buf_len[id] = tx->bufs[i].len;
    }
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    if (n_anomalies < 16)
        snprintf(anomalies[n_anomalies++], sizeof(anomalies[0]), "%s", event);
}

void http_consumer_register(const struct http_consumer *c)
{
    consumer = c;
}

static void reset(void)
{
    for (size_t i = 0; i < n_events; i++) {
        free(events[i].json);
        for (size_t k = 0; k < DETECT_BUF_MAX; k++)
            free(events[i].bufs[k]);
    }
    n_events = 0;
    n_anomalies = 0;
}

static int setup(void **state)
{
    (void)state;
    reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    reset();
    return 0;
}

/* ---- inputs ------------------------------------------------------------------- */

static struct flow test_flow(uint16_t srv_port)
{
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.cli.family = 4;
    inet_pton(AF_INET, "10.99.0.1", f.cli.a);
    f.srv.family = 4;
    inet_pton(AF_INET, "10.99.0.2", f.srv.a);
    f.cli_port = 40000;
    f.srv_port = srv_port;
    f.proto = 6;
    return f;
}

static struct http_bytes hb(const char *s)
{
    struct http_bytes b = {(const uint8_t *)s, s ? strlen(s) : 0};
    return b;
}

struct pair {
    const char *uri;
    const char *user;
    const char *req;
    uint16_t status; /* 0: no response */
    const char *resp;
};

static bool feed_http(uint16_t port, const struct pair *p)
{
    struct http_tx_view v;
    memset(&v, 0, sizeof(v));
    v.tx_id = 7;
    v.method = hb("POST");
    v.uri = hb(p->uri ? p->uri : "/");
    v.protocol = hb("HTTP/1.1");
    v.content_type = hb("application/json");
    if (p->user) {
        v.basic_user = hb(p->user);
        v.has_basic_auth = true;
    }
    v.req_body = hb(p->req);
    v.has_response = p->status != 0;
    v.status = p->status;
    v.resp_body = hb(p->resp);
    struct flow f = test_flow(port);
    assert_non_null(consumer);
    return consumer->on_tx(NULL, &f, &v);
}

static struct json_object *wallet_obj(size_t i)
{
    assert_true(i < n_events);
    struct json_object *ev = json_tokener_parse(events[i].json);
    assert_non_null(ev);
    return ev;
}

/* The value at a dotted path of event i's "wallet" object, as text. */
static const char *field(size_t i, const char *path)
{
    static char out[512];
    struct json_object *ev = wallet_obj(i), *cur = NULL;
    json_object_object_get_ex(ev, "wallet", &cur);
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *part = buf, *dot; part && cur; part = dot ? dot + 1 : NULL) {
        dot = strchr(part, '.');
        if (dot)
            *dot = '\0';
        struct json_object *next = NULL;
        if (json_object_is_type(cur, json_type_array)) {
            char *end;
            unsigned long k = strtoul(part, &end, 10);
            next = *end == '\0' ? json_object_array_get_idx(cur, k) : NULL;
        } else if (!json_object_object_get_ex(cur, part, &next)) {
            next = NULL;
        }
        cur = next;
    }
    if (!cur)
        snprintf(out, sizeof(out), "<absent>");
    else
        snprintf(out, sizeof(out), "%s", json_object_get_string(cur));
    json_object_put(ev);
    return out;
}

static const char *buf_of(size_t i, const char *name)
{
    int id = detect_buffer_id(name);
    assert_true(id >= 0);
    return events[i].bufs[id] ? events[i].bufs[id] : "<absent>";
}

/* No event written so far contains any of the secrets. */
static void assert_no_secret(const char *const *secrets)
{
    for (size_t i = 0; i < n_events; i++)
        for (size_t k = 0; secrets[k]; k++)
            if (strstr(events[i].json, secrets[k])) {
                print_error("secret '%s' in event %zu: %s\n", secrets[k], i, events[i].json);
                fail();
            }
}

/* ---- Bitcoin Core family --------------------------------------------------------- */

static void test_btc_sendtoaddress(void **state)
{
    (void)state;
    struct pair p = {
        "/wallet/ops", "walletops",
        "{\"method\":\"sendtoaddress\",\"params\":["
        "\"rltc1qu6qsm57shnaglpqvlvg2k9usuyn7grzsn7r5fp\","
        "0.00000001],\"id\":1}\n",
        200,
        "{\"result\":\"f2b1b44b46b7af09bf44de66aed46b940a4bdbc5fb31d24de390f5dd5c0c86fc\","
        "\"error\":null,\"id\":1}\n"};
    assert_true(feed_http(19443, &p));
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "protocol"), "bitcoin-jsonrpc");
    assert_string_equal(field(0, "asset"), "LTC");
    assert_string_equal(field(0, "method"), "sendtoaddress");
    assert_string_equal(field(0, "class"), "send");
    assert_string_equal(field(0, "id"), "1");
    assert_string_equal(field(0, "wallet"), "ops");
    assert_string_equal(field(0, "caller.ip"), "10.99.0.1");
    assert_string_equal(field(0, "caller.user"), "walletops");
    assert_string_equal(field(0, "destinations.0.address"),
                        "rltc1qu6qsm57shnaglpqvlvg2k9usuyn7grzsn7r5fp");
    assert_string_equal(field(0, "destinations.0.amount"), "0.00000001");
    assert_string_equal(field(0, "amount_total"), "0.00000001");
    assert_string_equal(field(0, "outcome"), "success");
    assert_string_equal(field(0, "result_summary.txid"),
                        "f2b1b44b46b7af09bf44de66aed46b940a4bdbc5fb31d24de390f5dd5c0c86fc");
    assert_string_equal(field(0, "batch_index"), "<absent>");
    assert_int_equal(events[0].dir, DIR_TOCLIENT);
    assert_int_equal(events[0].tx_id, 7);
    assert_string_equal(buf_of(0, "wallet.method"), "sendtoaddress");
    assert_string_equal(buf_of(0, "wallet.class"), "send");
    assert_string_equal(buf_of(0, "wallet.destination"),
                        "rltc1qu6qsm57shnaglpqvlvg2k9usuyn7grzsn7r5fp");
    assert_string_equal(buf_of(0, "wallet.user"), "walletops");
    assert_string_equal(buf_of(0, "wallet.asset"), "LTC");
    assert_string_equal(buf_of(0, "wallet.params"),
                        "[\"rltc1qu6qsm57shnaglpqvlvg2k9usuyn7grzsn7r5fp\",0.00000001]");
}

static void test_btc_sendmany_amounts(void **state)
{
    (void)state;
    struct pair p = {
        "/", NULL,
        "{\"jsonrpc\":\"2.0\",\"method\":\"sendmany\",\"params\":[\"\",{\"bc1qa\":0.25,"
        "\"bc1qb\":1e-8,\"bc1qc\":\"21000000\",\"bc1qd\":1.123456789}],\"id\":\"x\"}",
        200, "{\"result\":\"ab\",\"error\":null,\"id\":\"x\"}"};
    assert_true(feed_http(8332, &p));
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "asset"), "BTC");
    assert_string_equal(field(0, "destinations.0.amount"), "0.25000000");
    assert_string_equal(field(0, "destinations.1.amount"), "0.00000001");
    assert_string_equal(field(0, "destinations.2.amount"), "21000000.00000000");
    /* More decimals than a satoshi are kept, never rounded. */
    assert_string_equal(field(0, "destinations.3.amount"), "1.123456789");
    assert_string_equal(field(0, "amount_total"), "21000001.373456799");
    assert_string_equal(buf_of(0, "wallet.destinations"), "bc1qa,bc1qb,bc1qc,bc1qd");
    assert_string_equal(buf_of(0, "wallet.destination"), "bc1qa");
    assert_string_equal(buf_of(0, "wallet.amount"), "21000001.373456799");
    assert_string_equal(field(0, "wallet"), "<absent>");
}

static void test_btc_send_outputs_and_named(void **state)
{
    (void)state;
    struct pair a = {
        "/", NULL,
        "{\"method\":\"send\",\"params\":[[{\"bc1qa\":0.1},{\"data\":\"00\"}]],\"id\":1}", 200,
        "{\"result\":{\"txid\":\"aa\",\"complete\":true},\"error\":null,\"id\":1}"};
    struct pair b = {
        "/", NULL,
        "{\"method\":\"sendtoaddress\",\"params\":{\"address\":\"bc1qz\",\"amount\":3},"
        "\"id\":2}",
        200, "{\"result\":\"bb\",\"error\":null,\"id\":2}"};
    struct pair c = {"/", NULL, "{\"method\":\"sendall\",\"params\":[[\"bc1qs\"]],\"id\":3}", 200,
                     "{\"result\":{\"txid\":\"cc\"},\"error\":null,\"id\":3}"};
    assert_true(feed_http(18443, &a));
    assert_true(feed_http(18443, &b));
    assert_true(feed_http(18443, &c));
    assert_int_equal(n_events, 3);
    assert_string_equal(field(0, "destinations.0.address"), "bc1qa");
    assert_string_equal(field(0, "destinations.1"), "<absent>");
    assert_string_equal(field(0, "result_summary.txid"), "aa");
    assert_string_equal(field(1, "destinations.0.address"), "bc1qz");
    assert_string_equal(field(1, "destinations.0.amount"), "3.00000000");
    assert_string_equal(field(2, "sweep"), "true");
    assert_string_equal(field(2, "destinations.0.address"), "bc1qs");
    assert_string_equal(field(2, "destinations.0.amount"), "<absent>");
    assert_string_equal(field(2, "amount_total"), "<absent>");
}

static void test_btc_batch_out_of_order(void **state)
{
    (void)state;
    struct pair p = {
        "/wallet/hot", "ops",
        "[{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"getbalance\",\"params\":[]},"
        "{\"jsonrpc\":\"1.0\",\"id\":\"b\",\"method\":\"getnewaddress\",\"params\":[]},"
        "{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"sendtoaddress\",\"params\":[\"bc1qx\",0.5]},"
        "{\"jsonrpc\":\"2.0\",\"method\":\"walletlock\"}]",
        200,
        "[{\"result\":null,\"error\":{\"code\":-6,\"message\":\"Insufficient funds\"},\"id\":3},"
        "{\"result\":12.5,\"error\":null,\"id\":1},"
        "{\"result\":\"bc1qnew\",\"error\":null,\"id\":\"b\"}]"};
    assert_true(feed_http(8332, &p));
    assert_int_equal(n_events, 4);
    assert_string_equal(field(0, "method"), "getbalance");
    assert_string_equal(field(0, "batch_index"), "0");
    assert_string_equal(field(0, "batch_size"), "4");
    assert_string_equal(field(0, "result_summary.balance"), "12.50000000");
    assert_string_equal(field(0, "wallet"), "hot");
    assert_string_equal(field(1, "method"), "getnewaddress");
    assert_string_equal(field(1, "id"), "b");
    assert_string_equal(field(1, "result_summary.address"), "bc1qnew");
    assert_string_equal(field(2, "method"), "sendtoaddress");
    assert_string_equal(field(2, "outcome"), "error");
    assert_string_equal(field(2, "error.code"), "-6");
    assert_string_equal(field(2, "error.message"), "Insufficient funds");
    assert_string_equal(field(2, "destinations.0.amount"), "0.50000000");
    assert_string_equal(field(3, "method"), "walletlock");
    assert_string_equal(field(3, "class"), "admin");
    assert_string_equal(field(3, "outcome"), "no_response");
}

static void test_btc_auth_failed(void **state)
{
    (void)state;
    struct pair p = {"/", "walletops", "{\"method\":\"getbalance\",\"params\":[],\"id\":1}\n", 401,
                     ""};
    assert_true(feed_http(19443, &p));
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "outcome"), "auth_failed");
    assert_string_equal(field(0, "http_status"), "401");
    assert_string_equal(field(0, "method"), "getbalance");
    assert_string_equal(field(0, "caller.user"), "walletops");
    assert_string_equal(buf_of(0, "wallet.outcome"), "auth_failed");
}

static void test_btc_secrets(void **state)
{
    (void)state;
    static const char *const secrets[] = {"correct-horse-battery", "cNxLeUgKuTHyRaK1xzNtWF89Cr4E",
                                          "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn",
                                          NULL};
    struct pair a = {"/wallet/ops", NULL,
                     "{\"method\":\"walletpassphrase\",\"params\":[\"correct-horse-battery\",60],"
                     "\"id\":1}",
                     500,
                     "{\"result\":null,\"error\":{\"code\":-14,\"message\":\"bad passphrase "
                     "correct-horse-battery\"},\"id\":1}"};
    struct pair b = {"/wallet/ops", NULL,
                     "{\"method\":\"dumpprivkey\",\"params\":[\"rltc1q7w4m\"],\"id\":2}", 200,
                     "{\"result\":\"cNxLeUgKuTHyRaK1xzNtWF89Cr4EHzRoZymuPAZg2mGx96aRpZqR\","
                     "\"error\":null,\"id\":2}"};
    struct pair c = {"/", NULL,
                     "{\"method\":\"importprivkey\",\"params\":{\"privkey\":"
                     "\"KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn\",\"label\":\"x\"},"
                     "\"id\":3}",
                     200, "{\"result\":null,\"error\":null,\"id\":3}"};
    assert_true(feed_http(8332, &a));
    assert_true(feed_http(8332, &b));
    assert_true(feed_http(8332, &c));
    assert_int_equal(n_events, 3);
    assert_string_equal(field(0, "class"), "admin");
    assert_string_equal(field(0, "secrets.0.kind"), "passphrase");
    assert_string_equal(field(0, "secrets.0.length"), "21");
    assert_string_equal(field(0, "secrets.0.source"), "params");
    assert_string_equal(field(0, "error.code"), "-14");
    assert_string_equal(field(0, "error.message"), "<absent>");
    assert_string_equal(field(0, "error.message_redacted"), "true");
    assert_string_equal(field(1, "class"), "key");
    assert_string_equal(field(1, "secrets.0.kind"), "wif");
    assert_string_equal(field(1, "secrets.0.source"), "result");
    assert_string_equal(field(1, "result_summary"), "<absent>");
    assert_string_equal(field(2, "secrets.0.kind"), "wif");
    /* The rules still see the raw values; only the event is clean. */
    assert_non_null(strstr(buf_of(1, "wallet.result"), "cNxLeUgKuTHyRaK1"));
    assert_non_null(strstr(buf_of(0, "wallet.params"), "correct-horse-battery"));
    assert_no_secret(secrets);
}

static void test_not_a_wallet_call(void **state)
{
    (void)state;
    struct pair a = {"/api/v1", NULL, "{\"method\":\"subscribe\",\"params\":[],\"id\":1}", 200,
                     "{\"result\":true,\"id\":1}"};
    struct pair b = {"/", NULL, "{\"name\":\"x\"}", 200, "{}"};
    struct pair c = {"/", NULL, "[1,2,3]", 200, "[]"};
    assert_false(feed_http(80, &a));
    assert_false(feed_http(8332, &b));
    assert_false(feed_http(8332, &c));
    assert_int_equal(n_events, 0);
    assert_int_equal(n_anomalies, 0);
    /* An unknown method on a wallet port or path is a wallet call of class unknown. */
    struct pair d = {"/wallet/x", NULL, "{\"method\":\"frobnicate\",\"params\":[],\"id\":1}", 200,
                     "{\"result\":1,\"error\":null,\"id\":1}"};
    assert_true(feed_http(80, &d));
    assert_string_equal(field(0, "class"), "unknown");
    assert_string_equal(field(0, "asset"), "BTC-family");
}

static void test_no_response(void **state)
{
    (void)state;
    struct pair p = {"/", NULL, "{\"method\":\"sendtoaddress\",\"params\":[\"bc1q\",1],\"id\":9}",
                     0, NULL};
    assert_true(feed_http(8332, &p));
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "outcome"), "no_response");
    assert_string_equal(field(0, "http_status"), "<absent>");
    assert_int_equal(events[0].dir, DIR_TOSERVER);
}

static void test_depth_bomb_and_truncated(void **state)
{
    (void)state;
    char bomb[4096];
    size_t o = 0;
    o += (size_t)snprintf(bomb + o, sizeof(bomb) - o, "{\"method\":\"getbalance\",\"params\":");
    for (int i = 0; i < 100; i++)
        bomb[o++] = '[';
    for (int i = 0; i < 100; i++)
        bomb[o++] = ']';
    o += (size_t)snprintf(bomb + o, sizeof(bomb) - o, ",\"id\":1}");
    bomb[o] = '\0';
    struct pair a = {"/", NULL, bomb, 200, "{\"result\":1,\"error\":null,\"id\":1}"};
    assert_false(feed_http(8332, &a));
    assert_int_equal(n_events, 0);
    assert_int_equal(n_anomalies, 1);
    assert_string_equal(anomalies[0], "WALLET_JSON_TOO_DEEP");

    struct pair b = {"/", NULL, "{\"method\":\"sendtoaddress\",\"params\":[\"bc1q\",1", 200, "{}"};
    assert_false(feed_http(8332, &b));
    assert_int_equal(n_anomalies, 2);
    assert_string_equal(anomalies[1], "WALLET_JSON_TRUNCATED");

    struct pair c = {"/", NULL, "{\"method\":\"getbalance\",\"id\":1} trailing", 200, "{}"};
    assert_false(feed_http(8332, &c));
    assert_string_equal(anomalies[2], "WALLET_JSON_INVALID");

    /* A response cut by the HTTP body depth: the call is still logged. */
    struct pair d = {"/", NULL, "{\"method\":\"listunspent\",\"params\":[],\"id\":1}", 200,
                     "{\"result\":[{\"txid\":\"aa\""};
    assert_true(feed_http(8332, &d));
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "response_unparsed"), "true");
    assert_string_equal(field(0, "outcome"), "success");
}

/* ---- Ethereum --------------------------------------------------------------------- */

static void test_eth(void **state)
{
    (void)state;
    static const char *const secrets[] = {"hunter2-eth", NULL};
    struct pair a = {
        "/", NULL,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendTransaction\",\"params\":"
        "[{\"from\":\"0xb60e8dd61c5d32be8058bb8eb970870f07233155\",\"to\":"
        "\"0xd46e8dd67c5d32be8058bb8eb970870f07244567\",\"value\":\"0xde0b6b3a7640001\"}]}",
        200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xe670ec64\"}"};
    struct pair b = {
        "/", NULL,
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"personal_unlockAccount\",\"params\":"
        "[\"0xb60e8dd61c5d32be8058bb8eb970870f07233155\",\"hunter2-eth\",300]}",
        200, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":true}"};
    struct pair c = {"/", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBalance\",\"params\":"
                     "[\"0xb60e8dd61c5d32be8058bb8eb970870f07233155\",\"latest\"]}",
                     200, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}"};
    struct pair d = {"/", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"admin_addPeer\","
                     "\"params\":[\"enode://x\"]}",
                     200, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":true}"};
    assert_true(feed_http(8545, &a));
    assert_true(feed_http(8545, &b));
    assert_true(feed_http(8545, &c));
    assert_true(feed_http(8545, &d));
    assert_int_equal(n_events, 4);
    assert_string_equal(field(0, "protocol"), "ethereum-jsonrpc");
    assert_string_equal(field(0, "asset"), "ETH");
    assert_string_equal(field(0, "class"), "send");
    assert_string_equal(field(0, "from"), "0xb60e8dd61c5d32be8058bb8eb970870f07233155");
    assert_string_equal(field(0, "destinations.0.address"),
                        "0xd46e8dd67c5d32be8058bb8eb970870f07244567");
    assert_string_equal(field(0, "destinations.0.amount"), "1.000000000000000001");
    assert_string_equal(field(0, "result_summary.txid"), "0xe670ec64");
    assert_string_equal(field(1, "class"), "admin");
    assert_string_equal(field(1, "secrets.0.kind"), "password");
    assert_string_equal(field(2, "result_summary.balance"), "0.000000000000000001");
    assert_string_equal(field(3, "class"), "admin");
    assert_no_secret(secrets);
}

/* Signed transactions: EIP-155's example (legacy: nonce 9, 20 gwei, to
 * 0x3535..., 1 ETH), an EIP-1559 one (1.5 ETH to 0xd46e...), a contract
 * creation (no recipient), and every truncation of the EIP-1559 one. */
#define EIP155_TX                                                                                  \
    "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025"   \
    "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb7"     \
    "03304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
#define EIP1559_TX                                                                                 \
    "0x02f86a0180010282520894d46e8dd67c5d32be8058bb8eb970870f072445678814d1120d7b16000080c001a0"   \
    "1111111111111111111111111111111111111111111111111111111111111111a0222222222222222222222222"   \
    "2222222222222222222222222222222222222222"

static void feed_raw_tx(const char *hex)
{
    char req[1024];
    snprintf(req, sizeof(req),
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\","
             "\"params\":[\"%s\"]}",
             hex);
    struct pair p = {"/", NULL, req, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xab\"}"};
    assert_true(feed_http(8545, &p));
}

static void test_eth_raw_transactions(void **state)
{
    (void)state;
    feed_raw_tx(EIP155_TX);
    feed_raw_tx(EIP1559_TX);
    feed_raw_tx("0x02cd018001028252088005826000c0");
    assert_int_equal(n_events, 3);
    assert_string_equal(field(0, "class"), "send");
    assert_string_equal(field(0, "destinations.0.address"),
                        "0x3535353535353535353535353535353535353535");
    assert_string_equal(field(0, "destinations.0.amount"), "1.000000000000000000");
    assert_string_equal(buf_of(0, "wallet.destination"),
                        "0x3535353535353535353535353535353535353535");
    assert_string_equal(field(0, "result_summary.txid"), "0xab");
    assert_string_equal(field(1, "destinations.0.address"),
                        "0xd46e8dd67c5d32be8058bb8eb970870f07244567");
    assert_string_equal(field(1, "destinations.0.amount"), "1.500000000000000000");
    assert_string_equal(field(2, "destinations"), "<absent>");
    /* Cut anywhere, the transaction yields no destination and no over-read. */
    const char *full = EIP1559_TX;
    char cut[256];
    for (size_t n = 2; n < strlen(full); n += 2) {
        reset();
        memcpy(cut, full, n);
        cut[n] = '\0';
        feed_raw_tx(cut);
        assert_int_equal(n_events, 1);
        assert_string_equal(field(0, "destinations"), "<absent>");
    }
}

/* ---- Monero -------------------------------------------------------------------------- */

static void test_monero(void **state)
{
    (void)state;
    static const char *const secrets[] = {
        "poaching unplugs remedy", "799bbccf790a4cb8cc63fa70957e85e3", "xmr-wallet-Pw", NULL};
    struct pair a = {"/json_rpc", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"transfer\",\"params\":"
                     "{\"destinations\":[{\"amount\":1500000000000,\"address\":\"8BBqR5\"},"
                     "{\"amount\":1,\"address\":\"45owNT\"}],\"account_index\":0}}",
                     200,
                     "{\r\n  \"error\": {\r\n    \"code\": -4,\r\n    \"message\": \"Failed to get "
                     "height\"\r\n  },\r\n  \"id\": \"7\",\r\n  \"jsonrpc\": \"2.0\"\r\n}"};
    struct pair b = {"/json_rpc", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":\"5\",\"method\":\"query_key\",\"params\":"
                     "{\"key_type\":\"mnemonic\"}}",
                     200,
                     "{\"id\":\"5\",\"jsonrpc\":\"2.0\",\"result\":{\"key\":\"poaching unplugs "
                     "remedy noodles atom\"}}"};
    struct pair c = {"/json_rpc", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":\"6\",\"method\":\"query_key\",\"params\":"
                     "{\"key_type\":\"spend_key\"}}",
                     200,
                     "{\"id\":\"6\",\"jsonrpc\":\"2.0\",\"result\":{\"key\":"
                     "\"799bbccf790a4cb8cc63fa70957e85e313c4c10e3c0b5e4d70331d3d9d9a3f07\"}}"};
    struct pair d = {"/json_rpc", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"create_wallet\",\"params\":"
                     "{\"filename\":\"ops\",\"password\":\"xmr-wallet-Pw\",\"language\":"
                     "\"English\"}}",
                     200, "{\"id\":\"1\",\"jsonrpc\":\"2.0\",\"result\":{}}"};
    struct pair e = {"/json_rpc", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"method\":\"get_balance\",\"params\":{}}",
                     200,
                     "{\"id\":\"2\",\"jsonrpc\":\"2.0\",\"result\":{\"balance\":1,"
                     "\"unlocked_balance\":0}}"};
    struct pair g = {
        "/json_rpc", NULL,
        "{\"jsonrpc\":\"2.0\",\"id\":\"8\",\"method\":\"transfer_split\",\"params\":"
        "{\"destinations\":[{\"amount\":2,\"address\":\"8B\"}]}}",
        200,
        "{\"id\":\"8\",\"jsonrpc\":\"2.0\",\"result\":{\"tx_hash_list\":[\"t1\",\"t2\"],"
        "\"fee_list\":[100000000,23]}}"};
    const struct pair *all[] = {&a, &b, &c, &d, &e, &g};
    for (size_t i = 0; i < 6; i++)
        assert_true(feed_http(18083, all[i]));
    assert_int_equal(n_events, 6);
    assert_string_equal(field(0, "protocol"), "monero-wallet-rpc");
    assert_string_equal(field(0, "asset"), "XMR");
    assert_string_equal(field(0, "class"), "send");
    assert_string_equal(field(0, "destinations.0.amount"), "1.500000000000");
    assert_string_equal(field(0, "destinations.1.amount"), "0.000000000001");
    assert_string_equal(field(0, "amount_total"), "1.500000000001");
    assert_string_equal(field(0, "outcome"), "error");
    assert_string_equal(field(0, "error.code"), "-4");
    assert_string_equal(field(0, "error.message"), "Failed to get height");
    assert_string_equal(field(1, "class"), "key");
    assert_string_equal(field(1, "secrets.0.kind"), "mnemonic");
    assert_string_equal(field(1, "secrets.0.source"), "result");
    assert_string_equal(field(2, "secrets.0.kind"), "spend_key");
    assert_string_equal(field(2, "secrets.0.length"), "64");
    assert_string_equal(field(3, "wallet"), "ops");
    assert_string_equal(field(3, "secrets.0.kind"), "password");
    assert_string_equal(field(4, "result_summary.balance"), "0.000000000001");
    assert_string_equal(field(5, "result_summary.txid"), "t1");
    assert_string_equal(field(5, "fee"), "0.000100000023");
    assert_no_secret(secrets);
}

/* ---- Electrum daemon over HTTP -------------------------------------------------------- */

static void test_electrum_cli(void **state)
{
    (void)state;
    static const char *const secrets[] = {"el-wallet-Pw", "alley afraid collect", NULL};
    struct pair a = {
        "/", "elops",
        "{\"jsonrpc\": \"2.0\", \"id\":\"1\", \"method\": \"run_cmdline\", \"params\": "
        "[{\"cmd\": \"getseed\", \"testnet\": true, \"password\": \"el-wallet-Pw\", "
        "\"cwd\": \"/tmp\"}] }",
        200,
        "{\"id\": \"1\", \"jsonrpc\": \"2.0\", \"result\": \"alley afraid collect "
        "choose sample\"}"};
    struct pair b = {
        "/", "elops",
        "{\"jsonrpc\": \"2.0\", \"id\":\"1\", \"method\": \"run_cmdline\", \"params\": "
        "[{\"cmd\": \"payto\", \"password\": \"el-wallet-Pw\", \"destination\": "
        "\"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx\", \"amount\": \"0.001\", "
        "\"fee\": \"0.0001\"}] }",
        200,
        "{\"id\": \"1\", \"jsonrpc\": \"2.0\", \"result\": {\"error\": \"Insufficient "
        "funds\"}}"};
    struct pair c = {"/", "elops",
                     "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"paytomany\",\"params\":"
                     "{\"outputs\":\"[[\\\"tb1qa\\\", 0.5], [\\\"tb1qb\\\", \\\"!\\\"]]\"}}",
                     200, "{\"id\":\"c1\",\"jsonrpc\":\"2.0\",\"result\":\"0200\"}"};
    struct pair d = {"/", "elops",
                     "{\"jsonrpc\":\"2.0\",\"id\":\"c2\",\"method\":\"getseed\",\"params\":{}}",
                     403, "Forbidden"};
    struct pair e = {
        "/", "elops",
        "{\"jsonrpc\": \"2.0\", \"id\":\"1\", \"method\": \"run_cmdline\", \"params\": "
        "[{\"cmd\": \"getbalance\", \"password\": null}] }",
        200, "{\"id\": \"1\", \"jsonrpc\": \"2.0\", \"result\": {\"confirmed\": \"0\"}}"};
    struct pair g = {
        "/", "elops",
        "{\"jsonrpc\": \"2.0\", \"id\":\"1\", \"method\": \"run_cmdline\", \"params\": "
        "[{\"cmd\": \"getseed\", \"password\": \"wrong-el-wallet-Pw\"}] }",
        200,
        "{\"id\": \"1\", \"jsonrpc\": \"2.0\", \"result\": {\"error\": \"Incorrect "
        "password\"}}"};
    const struct pair *all[] = {&a, &b, &c, &d, &e, &g};
    for (size_t i = 0; i < 6; i++)
        assert_true(feed_http(7777, all[i]));
    assert_int_equal(n_events, 6);
    /* A failed key export has no result secret, only the password it was given. */
    assert_string_equal(field(5, "outcome"), "error");
    assert_string_equal(field(5, "error.message"), "Incorrect password");
    assert_string_equal(field(5, "secrets.0.kind"), "password");
    assert_string_equal(field(5, "secrets.1"), "<absent>");
    assert_string_equal(field(0, "protocol"), "electrum");
    assert_string_equal(field(0, "method"), "getseed");
    assert_string_equal(field(0, "class"), "key");
    assert_string_equal(field(0, "caller.user"), "elops");
    assert_string_equal(field(0, "secrets.0.kind"), "password");
    assert_string_equal(field(0, "secrets.1.kind"), "mnemonic");
    assert_string_equal(field(0, "secrets.1.source"), "result");
    assert_string_equal(field(1, "method"), "payto");
    assert_string_equal(field(1, "class"), "send");
    assert_string_equal(field(1, "destinations.0.amount"), "0.00100000");
    assert_string_equal(field(1, "fee"), "0.00010000");
    assert_string_equal(field(1, "outcome"), "error");
    assert_string_equal(field(1, "error.message"), "Insufficient funds");
    assert_string_equal(field(2, "destinations.0.address"), "tb1qa");
    assert_string_equal(field(2, "destinations.1.address"), "tb1qb");
    assert_string_equal(field(2, "destinations.1.amount"), "<absent>");
    assert_string_equal(field(2, "sweep"), "true");
    assert_string_equal(buf_of(2, "wallet.destinations"), "tb1qa,tb1qb");
    assert_string_equal(field(3, "outcome"), "auth_failed");
    assert_string_equal(field(3, "http_status"), "403");
    assert_string_equal(field(4, "result_summary.balance"), "0.00000000");
    assert_string_equal(field(4, "secrets"), "<absent>");
    assert_no_secret(secrets);
}

/* ---- raw TCP: newline-delimited JSON-RPC ------------------------------------------------ */

static const char elx_to_server[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"server.version\","
                                    "\"params\":[\"electrum/4.3\",\"1.4\"]}\n"
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"blockchain."
                                    "scripthash.get_balance\",\"params\":[\"8b01\"]}\n"
                                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"blockchain."
                                    "transaction.broadcast\",\"params\":[\"0200\"]}\r\n";
static const char elx_to_client[] =
    "{\"jsonrpc\":\"2.0\",\"method\":\"blockchain.headers.subscribe\",\"params\":[{\"height\":5}]}"
    "\n"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"9f2c\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":[\"ElectrumX 1.16\",\"1.4\"]}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"confirmed\":100000001,\"unconfirmed\":0}}\n";

static void feed_tcp_split(void *st, struct flow *f, enum flow_dir dir, const char *s, size_t cut)
{
    size_t n = strlen(s);
    if (cut > 0)
        assert_int_equal(jsonrpc_parser.parse(NULL, f, st, dir, (const uint8_t *)s, cut, false), 0);
    if (cut < n)
        assert_int_equal(
            jsonrpc_parser.parse(NULL, f, st, dir, (const uint8_t *)s + cut, n - cut, false), 0);
}

static void check_elx_events(void)
{
    assert_int_equal(n_events, 3);
    /* Logged in response order: broadcast, version, balance. */
    assert_string_equal(field(0, "method"), "blockchain.transaction.broadcast");
    assert_string_equal(field(0, "protocol"), "electrum");
    assert_string_equal(field(0, "transport"), "tcp");
    assert_string_equal(field(0, "class"), "send");
    assert_string_equal(field(0, "result_summary.txid"), "9f2c");
    assert_string_equal(field(1, "method"), "server.version");
    assert_string_equal(field(1, "class"), "unknown");
    assert_string_equal(field(2, "class"), "read");
    assert_string_equal(field(2, "result_summary.balance"), "1.00000001");
    assert_string_equal(field(2, "caller.ip"), "10.99.0.1");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(events[i].dir, DIR_TOCLIENT);
    assert_int_equal(events[0].tx_id, 0);
    assert_int_equal(events[2].tx_id, 2);
}

static void test_tcp_split_everywhere(void **state)
{
    (void)state;
    struct flow f = test_flow(50001);
    size_t ns = strlen(elx_to_server), nc = strlen(elx_to_client);
    for (size_t cut = 0; cut <= ns; cut++) {
        reset();
        void *st = jsonrpc_parser.state_new();
        feed_tcp_split(st, &f, DIR_TOSERVER, elx_to_server, cut);
        feed_tcp_split(st, &f, DIR_TOCLIENT, elx_to_client, 0);
        check_elx_events();
        jsonrpc_parser.state_free(st);
    }
    for (size_t cut = 0; cut <= nc; cut++) {
        reset();
        void *st = jsonrpc_parser.state_new();
        feed_tcp_split(st, &f, DIR_TOSERVER, elx_to_server, ns);
        feed_tcp_split(st, &f, DIR_TOCLIENT, elx_to_client, cut);
        check_elx_events();
        jsonrpc_parser.state_free(st);
    }
    /* Byte by byte. */
    reset();
    void *st = jsonrpc_parser.state_new();
    for (size_t i = 0; i < ns; i++)
        assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER,
                                              (const uint8_t *)elx_to_server + i, 1, false),
                         0);
    for (size_t i = 0; i < nc; i++)
        assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOCLIENT,
                                              (const uint8_t *)elx_to_client + i, 1, false),
                         0);
    check_elx_events();
    jsonrpc_parser.state_free(st);
    assert_int_equal(n_anomalies, 0);
}

static void test_tcp_probe(void **state)
{
    (void)state;
    struct flow f = test_flow(50001);
    const char *req = "  {\"id\":1,\"method\":\"server.version\"}\n";
    const char *resp = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}\n";
    const char *http = "POST / HTTP/1.1\r\n\r\n{\"method\":\"x\"}";
    assert_true(jsonrpc_parser.probe((const uint8_t *)req, strlen(req), DIR_TOSERVER, &f));
    assert_true(jsonrpc_parser.probe((const uint8_t *)resp, strlen(resp), DIR_TOCLIENT, &f));
    assert_false(jsonrpc_parser.probe((const uint8_t *)http, strlen(http), DIR_TOSERVER, &f));
    assert_false(jsonrpc_parser.probe((const uint8_t *)"{\"a\":1}", 7, DIR_TOSERVER, &f));
    assert_false(jsonrpc_parser.probe((const uint8_t *)"", 0, DIR_TOSERVER, &f));
    assert_string_equal(jsonrpc_parser.name, "jsonrpc");
}

static void test_tcp_line_cap_gap_and_pending(void **state)
{
    (void)state;
    struct flow f = test_flow(50001);
    void *st = jsonrpc_parser.state_new();
    /* A gap drops the partial line; parsing resumes after the next LF. */
    const char *part = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"blockchain.sc";
    const char *rest = "ripthash.get_balance\"}\n{\"id\":6,\"method\":\"server.ping\"}\n";
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, (const uint8_t *)part,
                                          strlen(part), false),
                     0);
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, NULL, 100, true), 0);
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, (const uint8_t *)rest,
                                          strlen(rest), false),
                     0);
    const char *answers = "{\"id\":5,\"result\":1}\n{\"id\":6,\"result\":null}\n";
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOCLIENT, (const uint8_t *)answers,
                                          strlen(answers), false),
                     0);
    assert_int_equal(n_events, 1);
    assert_string_equal(field(0, "method"), "server.ping");
    /* A notification (no id) is logged at once as no_response. */
    const char *note = "{\"method\":\"mining.submit\",\"params\":[]}\n";
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, (const uint8_t *)note,
                                          strlen(note), false),
                     0);
    assert_int_equal(n_events, 2);
    assert_string_equal(field(1, "protocol"), "stratum");
    assert_string_equal(field(1, "outcome"), "no_response");
    assert_int_equal(events[1].dir, DIR_TOSERVER);
    /* The pending list overflows: the oldest request is logged unanswered. */
    char line[128];
    for (int i = 0; i < WALLET_MAX_PENDING + 1; i++) {
        int n = snprintf(line, sizeof(line), "{\"id\":%d,\"method\":\"server.ping\"}\n", 100 + i);
        assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, (const uint8_t *)line,
                                              (size_t)n, false),
                         0);
    }
    assert_int_equal(n_events, 3);
    assert_string_equal(field(2, "id"), "100");
    assert_string_equal(field(2, "outcome"), "no_response");
    /* Bad JSON on a line: an anomaly, the flow goes on. */
    const char *bad = "{\"id\":1,\"method\":}\n";
    assert_int_equal(
        jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, (const uint8_t *)bad, strlen(bad), false),
        0);
    assert_string_equal(anomalies[n_anomalies - 1], "WALLET_JSON_INVALID");
    /* A line over the cap: an anomaly and the flow is given up. */
    size_t big = WALLET_LINE_MAX + 10;
    uint8_t *junk = malloc(big);
    memset(junk, ' ', big);
    junk[0] = '{';
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, junk, big, false), -1);
    assert_string_equal(anomalies[n_anomalies - 1], "WALLET_LINE_TOO_LONG");
    free(junk);
    jsonrpc_parser.state_free(st);
}

static void test_tcp_depth_bomb_guard_page(void **state)
{
    (void)state;
    /* The line ends exactly at an unreadable page: any over-read faults. */
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *map =
        mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    size_t n = 0;
    uint8_t line[300];
    n += (size_t)snprintf((char *)line, sizeof(line), "{\"id\":1,\"method\":\"x\",\"params\":");
    for (int i = 0; i < 100; i++)
        line[n++] = '[';
    line[n++] = '\n';
    uint8_t *p = map + pg - n;
    memcpy(p, line, n);
    struct flow f = test_flow(50001);
    void *st = jsonrpc_parser.state_new();
    assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, p, n, false), 0);
    assert_int_equal(n_events, 0);
    assert_string_equal(anomalies[0], "WALLET_JSON_TOO_DEEP");
    /* Every prefix of a valid line, ending at the guard page. */
    const char *ok = "{\"id\":1,\"method\":\"server.ping\"}";
    for (size_t k = 0; k <= strlen(ok); k++) {
        memcpy(map + pg - k, ok, k);
        assert_int_equal(jsonrpc_parser.parse(NULL, &f, st, DIR_TOSERVER, map + pg - k, k, false),
                         0);
        jsonrpc_parser.state_free(st);
        st = jsonrpc_parser.state_new();
    }
    jsonrpc_parser.state_free(st);
    munmap(map, (size_t)pg * 2);
}

/* ---- amounts -------------------------------------------------------------------------------- */

static void test_amount_cmp(void **state)
{
    (void)state;
    int c = 99;
    assert_true(wallet_amount_cmp("1.5", "1.50000000", &c));
    assert_int_equal(c, 0);
    assert_true(wallet_amount_cmp("0.00000001", "1e-8", &c));
    assert_int_equal(c, 0);
    assert_true(wallet_amount_cmp("10", "9.999999999999999999", &c));
    assert_true(c > 0);
    assert_true(wallet_amount_cmp("-1", "0", &c));
    assert_true(c < 0);
    assert_false(wallet_amount_cmp("abc", "1", &c));
    assert_false(wallet_amount_cmp("1e", "1", &c));
    assert_false(wallet_amount_cmp("1e-99", "1", &c)); /* beyond 30 decimals: not exact */
}

static void test_eth_wei_extremes(void **state)
{
    (void)state;
    /* 2^256 - 1 wei, and a value too long to be a 256-bit quantity. */
    struct pair a = {
        "/", NULL,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendTransaction\",\"params\":"
        "[{\"to\":\"0xd4\",\"value\":\"0xffffffffffffffffffffffffffffffffffffffffffffffffff"
        "ffffffffffffff\"}]}",
        200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}"};
    struct pair b = {
        "/", NULL,
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_sendTransaction\",\"params\":"
        "[{\"to\":\"0xd4\",\"value\":\"0x1fffffffffffffffffffffffffffffffffffffffffffffffff"
        "fffffffffffffff\"}]}",
        200, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x1\"}"};
    struct pair c = {"/", NULL,
                     "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_sendTransaction\",\"params\":"
                     "[{\"to\":\"0xd4\",\"value\":\"0x0\"}]}",
                     200, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"0x1\"}"};
    assert_true(feed_http(8545, &a));
    assert_true(feed_http(8545, &b));
    assert_true(feed_http(8545, &c));
    assert_string_equal(field(0, "destinations.0.amount"),
                        "115792089237316195423570985008687907853269984665640564039457."
                        "584007913129639935");
    assert_string_equal(field(1, "destinations.0.amount"), "<absent>");
    assert_string_equal(field(1, "destinations.0.address"), "0xd4");
    assert_string_equal(field(2, "destinations.0.amount"), "0.000000000000000000");
}

int main(void)
{
    wallet_register();
    wallet_register(); /* idempotent */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_btc_sendtoaddress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_btc_sendmany_amounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_btc_send_outputs_and_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_btc_batch_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_btc_auth_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_btc_secrets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_wallet_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_bomb_and_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eth_wei_extremes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eth_raw_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_electrum_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_split_everywhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_line_cap_gap_and_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_depth_bomb_guard_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_amount_cmp, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

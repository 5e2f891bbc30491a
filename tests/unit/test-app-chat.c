/* test-app-chat.c — the chat-API HTTP consumer: Matrix send m.room.message,
 * Mattermost / Slack / Rocket.Chat incoming webhooks (JSON and form
 * payload=), Rocket.Chat chat.postMessage / chat.sendMessage; tokens never
 * logged; invalid, truncated and over-deep JSON; requests that are not chat.
 * The HTTP parser is not linked: views are built by hand and the consumer is
 * taken from http_consumer_register(). */
#include <strings.h>

#include "app-harness.h"
#include "app/app-http.h"

extern const struct app_parser chat_parser;

static const struct http_consumer *consumer;

void http_consumer_register(const struct http_consumer *c)
{
    consumer = c;
}

/* ---- hand-built request views ---- */
struct hdr {
    const char *name, *value;
};

struct req {
    struct http_tx_view v;
    const struct hdr *hdrs;
};

static bool req_header(const struct http_tx_view *v, bool response, const char *name,
                       struct http_bytes *value)
{
    const struct req *r = (const struct req *)v->priv;
    for (const struct hdr *h = r->hdrs; !response && h && h->name; h++)
        if (strcasecmp(h->name, name) == 0) {
            value->p = (const uint8_t *)h->value;
            value->len = strlen(h->value);
            return true;
        }
    return false;
}

static struct http_bytes B(const char *s)
{
    struct http_bytes b = {(const uint8_t *)s, s ? strlen(s) : 0};
    return b;
}

/* Shows method uri body to the consumer; returns its answer. */
static bool post(const char *method, const char *uri, const char *body, const struct hdr *hdrs,
                 bool bearer)
{
    static struct req r;
    memset(&r, 0, sizeof(r));
    r.hdrs = hdrs;
    r.v.tx_id = 3;
    r.v.method = B(method);
    r.v.uri = B(uri);
    r.v.protocol = B("HTTP/1.1");
    r.v.host = B("chat.example.org");
    r.v.content_type = B("application/json");
    r.v.has_bearer_token = bearer;
    r.v.req_body = B(body);
    r.v.has_response = true;
    r.v.status = 200;
    r.v.header = req_header;
    r.v.priv = &r;
    reset();
    return consumer->on_tx(NULL, &test_flow, &r.v);
}

static const char transfer[] = "Please send 1.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";

static void assert_body(int i, const char *want)
{
    assert_true(evs[i].has_body);
    assert_int_equal(evs[i].body_len, strlen(want));
    assert_memory_equal(evs[i].body, want, strlen(want));
}

static void test_registered(void **unused)
{
    (void)unused;
    assert_non_null(consumer);
    assert_false(chat_parser.probe((const uint8_t *)"PUT /_matrix", 12, DIR_TOSERVER, &test_flow));
}

static void test_matrix(void **unused)
{
    (void)unused;
    assert_true(post("PUT",
                     "/_matrix/client/v3/rooms/%21treasury%3Amatrix.example.org/send/"
                     "m.room.message/m1716000000.1",
                     "{\"msgtype\":\"m.text\",\"body\":\"Please send 1.5 BTC to "
                     "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\"}",
                     NULL, true));
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.protocol", "matrix");
    assert_str(0, "messaging.kind", "message");
    assert_str(0, "messaging.channel", "!treasury:matrix.example.org");
    assert_str(0, "messaging.auth.mechanism", "Bearer");
    assert_false(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_null(ev_get(0, "messaging.from"));
    assert_int_equal(evs[0].tx_id, 3);
    assert_int_equal(ev_int(0, "messaging.body_length"), strlen(transfer));
    assert_body(0, transfer);
    /* the text is not logged; its address is (wallet_material), addresses are no secret */
    assert_no_secret("Please send");
    /* r0, with the token in the query string (a secret: only its presence) */
    assert_true(post("PUT",
                     "/_matrix/client/r0/rooms/!abc:hs/send/m.room.message/42?access_token="
                     "syt_c2VjcmV0_token",
                     "{\"msgtype\":\"m.notice\",\"body\":\"hi\"}", NULL, false));
    assert_str(0, "messaging.channel", "!abc:hs");
    assert_str(0, "messaging.auth.mechanism", "access_token");
    assert_no_secret("syt_c2VjcmV0_token");
    /* other event types and other endpoints are not messages */
    assert_false(post("PUT", "/_matrix/client/v3/rooms/!a:hs/send/m.reaction/1", "{\"body\":\"x\"}",
                      NULL, true));
    assert_false(post("GET", "/_matrix/client/v3/sync", NULL, NULL, true));
    assert_false(post("PUT", "/_matrix/client/v3/rooms/!a:hs/send/m.room.message/1",
                      "{\"msgtype\":\"m.text\"}", NULL, true));
    assert_int_equal(nev, 0);
    reset();
}

static void test_mattermost(void **unused)
{
    (void)unused;
    assert_true(post("POST", "/hooks/xi3zkq8i9ifx7ytdzzw7on6cmo",
                     "{\"channel\":\"treasury\",\"username\":\"ops-bot\",\"text\":\"Please send "
                     "1.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\"}",
                     NULL, false));
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.protocol", "mattermost");
    assert_str(0, "messaging.channel", "treasury");
    assert_str(0, "messaging.from", "ops-bot");
    assert_null(ev_get(0, "messaging.auth"));
    assert_body(0, transfer);
    /* form-encoded payload= */
    assert_true(post("POST", "/hooks/xi3zkq8i9ifx7ytdzzw7on6cmo",
                     "payload=%7B%22text%22%3A+%22Hello%2C+world%22%2C+%22channel%22%3A%22town-"
                     "square%22%7D",
                     NULL, false));
    assert_str(0, "messaging.channel", "town-square");
    assert_body(0, "Hello, world");
    reset();
}

static void test_slack(void **unused)
{
    (void)unused;
    assert_true(post("POST", "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                     "{\"text\":\"deploy done\"}", NULL, false));
    assert_str(0, "messaging.protocol", "slack");
    assert_body(0, "deploy done");
    assert_null(ev_get(0, "messaging.channel"));
    reset();
}

static void test_rocketchat(void **unused)
{
    (void)unused;
    static const struct hdr h[] = {{"X-Auth-Token", "9HqLlyZOugoStsXCUfD_0YdwnNnunAJF8V47U3QHXSq"},
                                   {"X-User-Id", "aobEdbYhXfu5hkeqG"},
                                   {NULL, NULL}};
    assert_true(post("POST", "/api/v1/chat.postMessage",
                     "{\"channel\":\"#treasury\",\"text\":\"Please send 1.5 BTC to "
                     "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\"}",
                     h, false));
    assert_str(0, "messaging.protocol", "rocketchat");
    assert_str(0, "messaging.channel", "#treasury");
    assert_str(0, "messaging.from", "aobEdbYhXfu5hkeqG");
    assert_str(0, "messaging.auth.mechanism", "X-Auth-Token");
    assert_body(0, transfer);
    assert_no_secret("9HqLlyZOugoStsXCUfD");
    assert_true(post("POST", "/api/v1/chat.postMessage", "{\"roomId\":\"GENERAL\",\"text\":\"x\"}",
                     h, false));
    assert_str(0, "messaging.channel", "GENERAL");
    assert_true(post("POST", "/api/v1/chat.sendMessage",
                     "{\"message\":{\"rid\":\"GENERAL\",\"msg\":\"sent\"}}", h, false));
    assert_str(0, "messaging.channel", "GENERAL");
    assert_body(0, "sent");
    /* the Rocket.Chat incoming webhook: /hooks/{id}/{token} */
    assert_true(post("POST", "/hooks/6Zx8sQ/kQnT3Yd2", "{\"text\":\"hook\"}", NULL, false));
    assert_str(0, "messaging.protocol", "rocketchat");
    reset();
}

static void test_bad_json(void **unused)
{
    (void)unused;
    assert_false(post("POST", "/hooks/abc", "{\"text\": \"unterminated", NULL, false));
    assert_true(has_anomaly("chat.invalid_json"));
    assert_int_equal(nev, 0);
    assert_false(post("POST", "/hooks/abc", "{\"text\":\"x\"} trailing", NULL, false));
    assert_true(has_anomaly("chat.invalid_json"));
    /* nested deeper than the cap */
    char deep[200];
    size_t n = 0;
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"text\":\"x\",\"a\":");
    for (int i = 0; i < 40; i++)
        deep[n++] = '[';
    for (int i = 0; i < 40; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = 0;
    assert_false(post("POST", "/hooks/abc", deep, NULL, false));
    assert_true(has_anomaly("chat.invalid_json"));
    /* valid JSON without text: not a message, not an anomaly */
    assert_false(post("POST", "/hooks/abc", "{\"attachments\":[]}", NULL, false));
    assert_int_equal(nanom, 0);
    assert_false(post("POST", "/hooks/abc", "[1,2]", NULL, false));
    assert_false(post("POST", "/hooks/abc", "{\"text\":42}", NULL, false));
    assert_false(post("POST", "/hooks/abc", "", NULL, false));
    assert_false(post("POST", "/hooks/abc", "payload=%7B%7D", NULL, false));
    /* not chat at all */
    assert_false(post("POST", "/", "{\"method\":\"getbalance\"}", NULL, false));
    assert_false(post("GET", "/hooks/abc", NULL, NULL, false));
    assert_false(post("POST", "/hooks/a/b/c/d", "{\"text\":\"x\"}", NULL, false));
    assert_int_equal(nev, 0);
    reset();
}

/* Every prefix of a body: an anomaly or an event, never a crash (ASan). */
static void test_truncated_bodies(void **unused)
{
    (void)unused;
    static const char body[] =
        "{\"channel\":\"t\",\"username\":\"u\",\"text\":\"Please send 1.5 BTC\\u00e9\"}";
    for (size_t at = 0; at < sizeof(body) - 1; at++) {
        char *copy = malloc(at + 1);
        memcpy(copy, body, at);
        copy[at] = 0;
        post("POST", "/hooks/abc", copy, NULL, false);
        assert_int_equal(nev, 0);
        free(copy);
    }
    assert_true(post("POST", "/hooks/abc", body, NULL, false));
    assert_body(0, "Please send 1.5 BTC\xc3\xa9");
    reset();
}

int main(void)
{
    harness_init(&chat_parser, 8065);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),  cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_mattermost),  cmocka_unit_test(test_slack),
        cmocka_unit_test(test_rocketchat),  cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_truncated_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

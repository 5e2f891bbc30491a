/* test-app-mqtt.c — MQTT parser (app-mqtt.c): CONNECT 3.1.1 and 5.0 (client
 * id, user, password flag), PUBLISH both ways with QoS 0/1 and v5
 * properties, packets the parser ignores, bad types and lengths, oversize
 * packets skipped; every split offset and truncation; the password never
 * in the JSON. Packets were built with tests' generator comments below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/messaging.h"
#include "detect/detect-buffer.h"

extern const struct app_parser mqtt_parser;
#define PARSER mqtt_parser

/* ---- capture of transactions (the engine's app_tx_done is not linked) ------ */

#define MAX_EVENTS 64
#define MAX_TEXT 65536

struct captured {
    char *json[MAX_EVENTS];  /* the messaging object, as to_json writes it */
    uint8_t *body[MAX_EVENTS];
    size_t body_len[MAX_EVENTS];
    size_t n;
    char anomalies[1024];    /* "a;b;" */
};

static struct captured cap;

static void cap_reset(void)
{
    for (size_t i = 0; i < cap.n; i++) {
        free(cap.json[i]);
        free(cap.body[i]);
    }
    memset(&cap, 0, sizeof(cap));
}

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx;
    (void)f;
    assert_string_equal(tx->event_type, "messaging");
    assert_true(cap.n < MAX_EVENTS);
    struct json_object *o = json_object_new_object();
    tx->to_json(tx->tx, o);
    char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    int body_id = detect_buffer_id("messaging.body");
    for (size_t i = 0; i < tx->nbufs; i++)
        if (tx->bufs[i].id == body_id && body_id >= 0) {
            cap.body[cap.n] = malloc(tx->bufs[i].len + 1);
            memcpy(cap.body[cap.n], tx->bufs[i].data, tx->bufs[i].len);
            cap.body[cap.n][tx->bufs[i].len] = 0;
            cap.body_len[cap.n] = tx->bufs[i].len;
        }
    cap.json[cap.n++] = s;
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    size_t n = strlen(cap.anomalies);
    snprintf(cap.anomalies + n, sizeof(cap.anomalies) - n, "%s;", event);
}

/* ---- scripts: one chunk per step, in order ------------------------------- */

struct step {
    enum flow_dir dir;
    const char *data;
    size_t len;
};

#define TS(lit) {DIR_TOSERVER, lit, sizeof(lit) - 1}
#define TC(lit) {DIR_TOCLIENT, lit, sizeof(lit) - 1}
#define NSTEPS(a) (sizeof(a) / sizeof((a)[0]))

static struct flow test_flow;

/* Feeds one chunk through a heap copy of exactly its size, so that ASan
 * catches any read past the chunk. */
static int feed(void *st, enum flow_dir dir, const char *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    int rc = PARSER.parse(NULL, &test_flow, st, dir, copy, len, false);
    free(copy);
    return rc;
}

/* Runs steps; step split_step is cut at split_at (bytewise: every byte its
 * own chunk). Returns the last parse() result; stops feeding after -1. */
static int run_split(const struct step *steps, size_t n, size_t split_step, size_t split_at,
                     bool bytewise)
{
    cap_reset();
    memset(&test_flow, 0, sizeof(test_flow));
    test_flow.proto = 6;
    test_flow.app_proto = PARSER.name;
    void *st = PARSER.state_new();
    assert_non_null(st);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct step *s = &steps[i];
        if (bytewise) {
            for (size_t k = 0; k < s->len && rc == 0; k++)
                rc = feed(st, s->dir, s->data + k, 1);
        } else if (i == split_step) {
            rc = feed(st, s->dir, s->data, split_at);
            if (rc == 0)
                rc = feed(st, s->dir, s->data + split_at, s->len - split_at);
        } else {
            rc = feed(st, s->dir, s->data, s->len);
        }
    }
    PARSER.state_free(st);
    return rc;
}

static int run(const struct step *steps, size_t n)
{
    return run_split(steps, n, (size_t)-1, 0, false);
}

/* Everything the parser produced, as one string to compare runs. */
static char *cap_digest(void)
{
    size_t total = strlen(cap.anomalies) + 16;
    for (size_t i = 0; i < cap.n; i++)
        total += strlen(cap.json[i]) + cap.body_len[i] + 32;
    char *d = calloc(1, total);
    size_t off = 0;
    for (size_t i = 0; i < cap.n; i++) {
        off += (size_t)snprintf(d + off, total - off, "%s|%zu|", cap.json[i], cap.body_len[i]);
        if (cap.body[i])
            memcpy(d + off, cap.body[i], cap.body_len[i]);
        off += cap.body_len[i];
        d[off++] = '\n';
    }
    snprintf(d + off, total - off, "%s", cap.anomalies);
    return d;
}

/* Splitting any step at any offset, or feeding byte by byte, changes nothing. */
static void assert_split_invariant(const struct step *steps, size_t n)
{
    int want_rc = run(steps, n);
    char *want = cap_digest();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 1; k < steps[i].len; k++) {
            int rc = run_split(steps, n, i, k, false);
            char *got = cap_digest();
            if (strcmp(got, want) != 0 || rc != want_rc)
                fail_msg("step %zu split at %zu:\n got %s\nwant %s", i, k, got, want);
            free(got);
        }
    int rc = run_split(steps, n, 0, 0, true);
    char *got = cap_digest();
    assert_int_equal(rc, want_rc);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

/* Every prefix of the whole conversation (the capture ends there) is handled
 * without a crash, and produces a prefix of the full run's events. */
static void assert_truncation_safe(const struct step *steps, size_t n)
{
    run(steps, n);
    size_t full = cap.n;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < steps[i].len; k++) {
            struct step part[64];
            assert_true(i + 1 <= 64);
            memcpy(part, steps, (i + 1) * sizeof(*steps));
            part[i].len = k;
            run(part, i + 1);
            assert_true(cap.n <= full);
        }
}

static bool json_has(size_t i, const char *needle)
{
    return i < cap.n && strstr(cap.json[i], needle) != NULL;
}

static bool any_json_has(const char *needle)
{
    for (size_t i = 0; i < cap.n; i++)
        if (strstr(cap.json[i], needle))
            return true;
    return false;
}

/* ---- packets ------------------------------------------------------------- */

/* CONNECT v4, flags user|password|clean, keep alive 60, id "wallet-ops",
 * user "ops", password "mqttS3cret". */
#define CONN4                                                                                  \
    "\x10\x27\x00\x04MQTT\x04\xc2\x00\x3c\x00\x0awallet-ops\x00\x03ops\x00\x0amqttS3cret"
#define CONNACK "\x20\x02\x00\x00"
/* PUBLISH QoS 0 "wallet/approve" "approve tx 42" */
#define PUB0 "\x30\x1d\x00\x0ewallet/approve" "approve tx 42"
/* PUBLISH QoS 1 id 7 "wallet/seed" "abandon abandon about" */
#define PUB1 "\x32\x24\x00\x0bwallet/seed\x00\x07" "abandon abandon about"
/* SUBSCRIBE id 1 "wallet/#" QoS 0, SUBACK, PINGREQ, DISCONNECT */
#define SUB "\x82\x0d\x00\x01\x00\x08wallet/#\x00"
#define SUBACK "\x90\x03\x00\x01\x00"
#define PING "\xc0\x00"
#define DISC "\xe0\x00"
/* CONNECT v5: session expiry 30 (props), will (props: payload format 1,
 * topic "will/t", payload "bye"), user "u5", no password, id "c5". */
#define CONN5                                                                                  \
    "\x10\x28\x00\x04MQTT\x05\x86\x00\x1e\x05\x11\x00\x00\x00\x1e\x00\x02" "c5"               \
    "\x02\x01\x01\x00\x06will/t\x00\x03" "bye\x00\x02u5"
/* PUBLISH v5 QoS 1 retain, id 9, props (payload format 1, response topic
 * "resp/t"), topic "v5/topic", payload "hello v5" */
#define PUB5 "\x3b\x20\x00\x08v5/topic\x00\x09\x0b\x01\x01\x08\x00\x06resp/t" "hello v5"

static const struct step v4[] = {
    TS(CONN4), TC(CONNACK), TS(PUB0 PUB1), TS(SUB), TC(SUBACK "\x30\x1d\x00\x0ewallet/approve"
                                                    "approve tx 42"),
    TS(PING), TC("\xd0\x00"), TS(DISC),
};

static void test_v4_session(void **state)
{
    (void)state;
    assert_int_equal(run(v4, NSTEPS(v4)), 0);
    assert_string_equal(cap.anomalies, "");
    assert_int_equal(cap.n, 4);

    assert_true(json_has(0, "\"protocol\":\"mqtt\""));
    assert_true(json_has(0, "\"kind\":\"login\""));
    assert_true(json_has(0, "\"from\":\"wallet-ops\""));
    assert_true(json_has(0, "\"user\":\"ops\""));
    assert_true(json_has(0, "\"cleartext_password\":true"));
    assert_true(json_has(0, "\"password\":{\"kind\":\"password\",\"length\":10"));

    assert_true(json_has(1, "\"kind\":\"message\""));
    assert_true(json_has(1, "\"from\":\"wallet-ops\""));
    assert_true(json_has(1, "\"channel\":\"wallet\\/approve\""));
    assert_string_equal((char *)cap.body[1], "approve tx 42");
    assert_true(json_has(2, "\"channel\":\"wallet\\/seed\""));
    assert_string_equal((char *)cap.body[2], "abandon abandon about");

    assert_true(json_has(3, "\"to\":\"wallet-ops\""));
    assert_false(json_has(3, "\"from\""));
    assert_string_equal((char *)cap.body[3], "approve tx 42");
}

static void test_secrets_never_in_json(void **state)
{
    (void)state;
    run(v4, NSTEPS(v4));
    assert_false(any_json_has("mqttS3cret"));
    assert_false(any_json_has("abandon"));
    assert_false(any_json_has("approve tx"));
}

static void test_split_everywhere(void **state)
{
    (void)state;
    assert_split_invariant(v4, NSTEPS(v4));
    assert_truncation_safe(v4, NSTEPS(v4));
}

static const struct step v5[] = {TS(CONN5), TC("\x20\x03\x00\x00\x00"), TS(PUB5), TC(PUB5)};

static void test_v5_properties(void **state)
{
    (void)state;
    assert_int_equal(run(v5, NSTEPS(v5)), 0);
    assert_string_equal(cap.anomalies, "");
    assert_int_equal(cap.n, 3);
    assert_true(json_has(0, "\"from\":\"c5\""));
    assert_true(json_has(0, "\"user\":\"u5\""));
    assert_true(json_has(0, "\"cleartext_password\":false"));
    assert_false(json_has(0, "\"password\""));
    assert_true(json_has(1, "\"channel\":\"v5\\/topic\""));
    assert_string_equal((char *)cap.body[1], "hello v5");
    assert_string_equal((char *)cap.body[2], "hello v5");
    assert_split_invariant(v5, NSTEPS(v5));
}

static void test_mqisdp_v3(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS("\x10\x12\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x04" "abcd"),
        TS("\x30\x06\x00\x01t" "abc"),
    };
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(cap.n, 2);
    assert_true(json_has(0, "\"from\":\"abcd\""));
    assert_false(json_has(0, "\"auth\""));
    assert_string_equal((char *)cap.body[1], "abc");
}

static void test_garbage(void **state)
{
    (void)state;
    static const struct step s1[] = {TS(CONN4), TS("\x00\x00")};
    assert_int_equal(run(s1, NSTEPS(s1)), -1);
    assert_string_equal(cap.anomalies, "mqtt.invalid_type;");

    static const struct step s2[] = {TS(CONN4), TS("\x30\xff\xff\xff\xff\x01")};
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_string_equal(cap.anomalies, "mqtt.invalid_length;");

    static const struct step s3[] = {TS("\x10\x0c\x00\x04MQTT\x07\x02\x00\x3c\x00\x00")};
    assert_int_equal(run(s3, NSTEPS(s3)), -1);
    assert_string_equal(cap.anomalies, "mqtt.malformed_connect;");

    /* user flag without the user name */
    static const struct step s4[] = {TS("\x10\x0c\x00\x04MQTT\x04\x82\x00\x3c\x00\x00")};
    assert_int_equal(run(s4, NSTEPS(s4)), -1);
    assert_string_equal(cap.anomalies, "mqtt.malformed_connect;");

    /* topic longer than the packet; QoS 3 */
    static const struct step s5[] = {TS(CONN4), TS("\x30\x03\x00\x09t")};
    assert_int_equal(run(s5, NSTEPS(s5)), -1);
    assert_string_equal(cap.anomalies, "mqtt.malformed_publish;");
    static const struct step s6[] = {TS(CONN4), TS("\x36\x05\x00\x01t\x00\x01")};
    assert_int_equal(run(s6, NSTEPS(s6)), -1);
    assert_string_equal(cap.anomalies, "mqtt.malformed_publish;");
}

/* A 2 MiB PUBLISH is skipped without being buffered; the next one is seen. */
static void test_oversize_skipped(void **state)
{
    (void)state;
    size_t body = 2 * 1024 * 1024;
    uint8_t hdr[] = {0x30, 0x80, 0x80, 0x80, 0x01}; /* remaining length 2^21 */
    char *chunk = calloc(1, 65536);
    void *st = mqtt_parser.state_new();
    cap_reset();
    assert_int_equal(feed(st, DIR_TOSERVER, CONN4, sizeof(CONN4) - 1), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, (const char *)hdr, sizeof(hdr)), 0);
    for (size_t off = 0; off < body; off += 65536)
        assert_int_equal(feed(st, DIR_TOSERVER, chunk, 65536), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, PUB0, sizeof(PUB0) - 1), 0);
    assert_string_equal(cap.anomalies, "mqtt.packet_too_large;");
    assert_int_equal(cap.n, 2);
    assert_string_equal((char *)cap.body[1], "approve tx 42");
    mqtt_parser.state_free(st);
    free(chunk);
}

static void test_gap_stops(void **state)
{
    (void)state;
    void *st = mqtt_parser.state_new();
    assert_int_equal(mqtt_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 10, true), -1);
    mqtt_parser.state_free(st);
}

static bool probe(const char *s, size_t n, enum flow_dir dir)
{
    return mqtt_parser.probe((const uint8_t *)s, n, dir, &test_flow);
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(probe(CONN4, sizeof(CONN4) - 1, DIR_TOSERVER));
    assert_true(probe(CONN5, 9, DIR_TOSERVER));
    assert_true(probe("\x10\x12\x00\x06MQIsdp\x03", 11, DIR_TOSERVER));
    assert_false(probe(CONN4, 8, DIR_TOSERVER));
    assert_false(probe(CONN4, sizeof(CONN4) - 1, DIR_TOCLIENT));
    assert_false(probe("\x10\x27\x00\x04MQTX\x04", 9, DIR_TOSERVER));
    assert_false(probe("\x10\x27\x00\x04MQTT\x09", 9, DIR_TOSERVER));
    assert_false(probe("GET / HTTP/1.1\r\n", 16, DIR_TOSERVER));
    assert_false(probe("", 0, DIR_TOSERVER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_session),
        cmocka_unit_test(test_secrets_never_in_json),
        cmocka_unit_test(test_split_everywhere),
        cmocka_unit_test(test_v5_properties),
        cmocka_unit_test(test_mqisdp_v3),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_oversize_skipped),
        cmocka_unit_test(test_gap_stops),
        cmocka_unit_test(test_probe),
    };
    mqtt_parser.register_buffers();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cap_reset();
    return rc;
}

/* test-app-mqtt.c — MQTT parser (app-mqtt.c): CONNECT 3.1.1 and 5.0 (client
 * id, user, password flag), PUBLISH both ways with QoS 0/1 and v5
 * properties, packets the parser ignores, bad types and lengths, oversize
 * packets skipped; every split offset and truncation; the password never
 * in the JSON. Packets were built with tests' generator comments below. */
#include "app-harness.h"

extern const struct app_parser mqtt_parser;

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
    assert_string_equal(anomalies, "");
    assert_int_equal(nev, 4);

    assert_true(json_has(0, "\"protocol\":\"mqtt\""));
    assert_true(json_has(0, "\"kind\":\"login\""));
    assert_true(json_has(0, "\"from\":\"wallet-ops\""));
    assert_true(json_has(0, "\"user\":\"ops\""));
    assert_true(json_has(0, "\"cleartext_password\":true"));
    assert_true(json_has(0, "\"password\":{\"kind\":\"password\",\"length\":10"));

    assert_true(json_has(1, "\"kind\":\"message\""));
    assert_true(json_has(1, "\"from\":\"wallet-ops\""));
    assert_true(json_has(1, "\"channel\":\"wallet/approve\""));
    assert_string_equal((char *)evs[1].body, "approve tx 42");
    assert_true(json_has(2, "\"channel\":\"wallet/seed\""));
    assert_string_equal((char *)evs[2].body, "abandon abandon about");

    assert_true(json_has(3, "\"to\":\"wallet-ops\""));
    assert_false(json_has(3, "\"from\""));
    assert_string_equal((char *)evs[3].body, "approve tx 42");
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
    assert_string_equal(anomalies, "");
    assert_int_equal(nev, 3);
    assert_true(json_has(0, "\"from\":\"c5\""));
    assert_true(json_has(0, "\"user\":\"u5\""));
    assert_true(json_has(0, "\"cleartext_password\":false"));
    assert_false(json_has(0, "\"password\""));
    assert_true(json_has(1, "\"channel\":\"v5/topic\""));
    assert_string_equal((char *)evs[1].body, "hello v5");
    assert_string_equal((char *)evs[2].body, "hello v5");
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
    assert_int_equal(nev, 2);
    assert_true(json_has(0, "\"from\":\"abcd\""));
    assert_false(json_has(0, "\"auth\""));
    assert_string_equal((char *)evs[1].body, "abc");
}

static void test_garbage(void **state)
{
    (void)state;
    static const struct step s1[] = {TS(CONN4), TS("\x00\x00")};
    assert_int_equal(run(s1, NSTEPS(s1)), -1);
    assert_string_equal(anomalies, "mqtt.invalid_type;");

    static const struct step s2[] = {TS(CONN4), TS("\x30\xff\xff\xff\xff\x01")};
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_string_equal(anomalies, "mqtt.invalid_length;");

    static const struct step s3[] = {TS("\x10\x0c\x00\x04MQTT\x07\x02\x00\x3c\x00\x00")};
    assert_int_equal(run(s3, NSTEPS(s3)), -1);
    assert_string_equal(anomalies, "mqtt.malformed_connect;");

    /* user flag without the user name */
    static const struct step s4[] = {TS("\x10\x0c\x00\x04MQTT\x04\x82\x00\x3c\x00\x00")};
    assert_int_equal(run(s4, NSTEPS(s4)), -1);
    assert_string_equal(anomalies, "mqtt.malformed_connect;");

    /* topic longer than the packet; QoS 3 */
    static const struct step s5[] = {TS(CONN4), TS("\x30\x03\x00\x09t")};
    assert_int_equal(run(s5, NSTEPS(s5)), -1);
    assert_string_equal(anomalies, "mqtt.malformed_publish;");
    static const struct step s6[] = {TS(CONN4), TS("\x36\x05\x00\x01t\x00\x01")};
    assert_int_equal(run(s6, NSTEPS(s6)), -1);
    assert_string_equal(anomalies, "mqtt.malformed_publish;");
}

/* A 2 MiB PUBLISH is skipped without being buffered; the next one is seen. */
static void test_oversize_skipped(void **state)
{
    (void)state;
    size_t body = 2 * 1024 * 1024;
    uint8_t hdr[] = {0x30, 0x80, 0x80, 0x80, 0x01}; /* remaining length 2^21 */
    char *chunk = calloc(1, 65536);
    void *st = mqtt_parser.state_new();
    reset();
    assert_int_equal(feed(st, DIR_TOSERVER, CONN4, sizeof(CONN4) - 1), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, (const char *)hdr, sizeof(hdr)), 0);
    for (size_t off = 0; off < body; off += 65536)
        assert_int_equal(feed(st, DIR_TOSERVER, chunk, 65536), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, PUB0, sizeof(PUB0) - 1), 0);
    assert_string_equal(anomalies, "mqtt.packet_too_large;");
    assert_int_equal(nev, 2);
    assert_string_equal((char *)evs[1].body, "approve tx 42");
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
    harness_init(&mqtt_parser, 0);
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
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    reset();
    return rc;
}

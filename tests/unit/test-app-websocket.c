/* test-app-websocket.c — WebSocket frames (app-websocket.c): masked client
 * and unmasked server text frames, fragmentation with an interleaved
 * control frame, 16/64-bit lengths, binary and compressed messages not
 * logged, close, invalid frames, the message cap; every split offset; the
 * text never in the JSON; registration with the HTTP upgrade table. */
#include "app-harness.h"
#include "app/app-http.h"

extern const struct app_parser websocket_parser;

/* app-http.c's registry, captured. */
static const char *upgrade_token;
static const struct app_parser *upgrade_parser;

void http_upgrade_register(const char *token, const struct app_parser *p)
{
    upgrade_token = token;
    upgrade_parser = p;
}

/* ---- frames (RFC 6455 §5.7 examples) -------------------------------------- */

/* masked "Hello", key 37 fa 21 3d */
#define C_HELLO "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"
/* unmasked "Hello" */
#define S_HELLO "\x81\x05Hello"
/* "Hel" (FIN 0), ping "Hello", "lo" (continuation, FIN) */
#define S_FRAGMENTS "\x01\x03Hel\x89\x05Hello\x80\x02lo"
/* masked close 1000 */
#define C_CLOSE "\x88\x82\x00\x00\x00\x00\x03\xe8"

static const struct step chat[] = {
    TS(C_HELLO),
    TC(S_HELLO S_FRAGMENTS),
    TS("\x82\x84\x01\x02\x03\x04\x01\x02\x03\x04"), /* binary, not logged */
    TC("\x8a\x00"),                                /* pong, empty */
    TS("\x81\x80\x11\x22\x33\x44"),                /* empty text message */
    TS(C_CLOSE),
    TS(C_HELLO),                                   /* after close: not parsed */
};

static void test_chat(void **state)
{
    (void)state;
    assert_int_equal(run(chat, NSTEPS(chat)), -1);
    assert_string_equal(anomalies, "");
    assert_int_equal(nev, 4);
    assert_true(json_has(0, "\"protocol\":\"websocket\""));
    assert_true(json_has(0, "\"kind\":\"message\""));
    assert_true(json_has(0, "\"body_length\":5"));
    assert_string_equal((char *)evs[0].body, "Hello");
    assert_string_equal((char *)evs[1].body, "Hello");
    assert_string_equal((char *)evs[2].body, "Hello");
    assert_int_equal(evs[3].body_len, 0);
    assert_false(any_json_has("Hello"));
}

static void test_split_everywhere(void **state)
{
    (void)state;
    assert_split_invariant(chat, NSTEPS(chat));
    assert_truncation_safe(chat, NSTEPS(chat));
}

static void test_extended_lengths(void **state)
{
    (void)state;
    static char f16[4 + 300], f64[10 + 70000];
    memcpy(f16, "\x81\x7e\x01\x2c", 4);
    memset(f16 + 4, 'a', 300);
    memcpy(f64, "\x81\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10);
    memset(f64 + 10, 'b', 70000);
    struct step s[] = {{DIR_TOCLIENT, f16, sizeof(f16)}, {DIR_TOCLIENT, f64, sizeof(f64)}};
    assert_int_equal(run(s, 2), 0);
    assert_int_equal(nev, 2);
    assert_int_equal(evs[0].body_len, 300);
    assert_int_equal(evs[1].body_len, 70000);
    assert_int_equal(evs[1].body[69999], 'b');
}

static void test_message_cap(void **state)
{
    (void)state;
    /* 300 KiB in one frame: logged truncated to 256 KiB, one anomaly. */
    size_t n = 300 * 1024;
    char *f = malloc(10 + n);
    memcpy(f, "\x81\x7f\x00\x00\x00\x00\x00\x04\xb0\x00", 10);
    memset(f + 10, 'c', n);
    struct step s[] = {{DIR_TOCLIENT, f, 10 + n}, TC(S_HELLO)};
    assert_int_equal(run(s, 2), 0);
    assert_int_equal(nev, 2);
    assert_int_equal(evs[0].body_len, 256 * 1024);
    assert_string_equal(anomalies, "websocket.message_too_long;");
    assert_string_equal((char *)evs[1].body, "Hello");
    free(f);
}

static void test_compressed_not_logged(void **state)
{
    (void)state;
    static const struct step s[] = {TC("\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00"), TC(S_HELLO)};
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(nev, 1);
    assert_string_equal(anomalies, "");
}

static void test_invalid_frames(void **state)
{
    (void)state;
    static const struct step bad[][1] = {
        {TC("\x83\x00")},             /* reserved opcode */
        {TC("\xa1\x00")},             /* RSV2 */
        {TC("\x09\x00")},             /* fragmented ping */
        {TC("\x89\x7e\x00\x80")},     /* control frame over 125 bytes */
        {TC("\x80\x01x")},            /* continuation with no message */
        {TC("\x81\x7f\x80\x00\x00\x00\x00\x00\x00\x01")}, /* 64-bit length, MSB set */
    };
    for (size_t i = 0; i < NSTEPS(bad); i++) {
        assert_int_equal(run(bad[i], 1), -1);
        assert_string_equal(anomalies, "websocket.invalid_frame;");
    }
    static const struct step s[] = {TC("\x01\x01x\x81\x01y")}; /* new message inside one */
    assert_int_equal(run(s, 1), -1);
    assert_string_equal(anomalies, "websocket.invalid_frame;");
}

static void test_masking_direction(void **state)
{
    (void)state;
    static const struct step s[] = {TS(S_HELLO), TS(S_HELLO), TC(C_HELLO)};
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(nev, 3);
    assert_string_equal(anomalies,
                        "websocket.unmasked_client_frame;websocket.masked_server_frame;");
    assert_string_equal((char *)evs[2].body, "Hello");
}

static void test_gap_stops(void **state)
{
    (void)state;
    void *st = websocket_parser.state_new();
    assert_int_equal(websocket_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 10, true),
                     -1);
    websocket_parser.state_free(st);
}

static void test_registration(void **state)
{
    (void)state;
    assert_string_equal(upgrade_token, "websocket");
    assert_ptr_equal(upgrade_parser, &websocket_parser);
    assert_false(websocket_parser.probe((const uint8_t *)S_HELLO, 7, DIR_TOCLIENT, &test_flow));
    assert_int_equal(websocket_parser.ipproto, 6);
}

int main(void)
{
    harness_init(&websocket_parser, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chat),
        cmocka_unit_test(test_split_everywhere),
        cmocka_unit_test(test_extended_lengths),
        cmocka_unit_test(test_message_cap),
        cmocka_unit_test(test_compressed_not_logged),
        cmocka_unit_test(test_invalid_frames),
        cmocka_unit_test(test_masking_direction),
        cmocka_unit_test(test_gap_stops),
        cmocka_unit_test(test_registration),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    reset();
    return rc;
}

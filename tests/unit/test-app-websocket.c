/* test-app-websocket.c — WebSocket frames (app-websocket.c): masked client
 * and unmasked server text frames, fragmentation with an interleaved
 * control frame, 16/64-bit lengths, binary and compressed messages not
 * logged, close, invalid frames, the message cap; every split offset; the
 * text never in the JSON; registration with the HTTP upgrade table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/app-http.h"
#include "app/messaging.h"
#include "detect/detect-buffer.h"

extern const struct app_parser websocket_parser;
#define PARSER websocket_parser

/* app-http.c's registry, captured. */
static const char *upgrade_token;
static const struct app_parser *upgrade_parser;

void http_upgrade_register(const char *token, const struct app_parser *p)
{
    upgrade_token = token;
    upgrade_parser = p;
}

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
    assert_string_equal(cap.anomalies, "");
    assert_int_equal(cap.n, 4);
    assert_true(json_has(0, "\"protocol\":\"websocket\""));
    assert_true(json_has(0, "\"kind\":\"message\""));
    assert_true(json_has(0, "\"body_length\":5"));
    assert_string_equal((char *)cap.body[0], "Hello");
    assert_string_equal((char *)cap.body[1], "Hello");
    assert_string_equal((char *)cap.body[2], "Hello");
    assert_int_equal(cap.body_len[3], 0);
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
    assert_int_equal(cap.n, 2);
    assert_int_equal(cap.body_len[0], 300);
    assert_int_equal(cap.body_len[1], 70000);
    assert_int_equal(cap.body[1][69999], 'b');
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
    assert_int_equal(cap.n, 2);
    assert_int_equal(cap.body_len[0], 256 * 1024);
    assert_string_equal(cap.anomalies, "websocket.message_too_long;");
    assert_string_equal((char *)cap.body[1], "Hello");
    free(f);
}

static void test_compressed_not_logged(void **state)
{
    (void)state;
    static const struct step s[] = {TC("\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00"), TC(S_HELLO)};
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(cap.n, 1);
    assert_string_equal(cap.anomalies, "");
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
        assert_string_equal(cap.anomalies, "websocket.invalid_frame;");
    }
    static const struct step s[] = {TC("\x01\x01x\x81\x01y")}; /* new message inside one */
    assert_int_equal(run(s, 1), -1);
    assert_string_equal(cap.anomalies, "websocket.invalid_frame;");
}

static void test_masking_direction(void **state)
{
    (void)state;
    static const struct step s[] = {TS(S_HELLO), TS(S_HELLO), TC(C_HELLO)};
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(cap.n, 3);
    assert_string_equal(cap.anomalies,
                        "websocket.unmasked_client_frame;websocket.masked_server_frame;");
    assert_string_equal((char *)cap.body[2], "Hello");
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
    websocket_parser.register_buffers();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cap_reset();
    return rc;
}

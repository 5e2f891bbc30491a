/* test-app-irc.c — IRC parser (app-irc.c): registration with PASS, NICK,
 * USER; PRIVMSG / NOTICE both ways; IRCv3 tags; STARTTLS; garbage, long
 * lines, gaps; every split offset and truncation; PASS never in the JSON. */
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

extern const struct app_parser irc_parser;
#define PARSER irc_parser

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

/* ---- conversations ------------------------------------------------------- */

static const struct step session[] = {
    TC(":irc.example.net NOTICE * :*** Looking up your hostname...\r\n"),
    TS("PASS hunter2secret\r\nNICK alice\r\n"),
    TS("USER alice 0 * :Alice Example\r\n"),
    TC(":irc.example.net 001 alice :Welcome to the Internet Relay Network alice!alice@h\r\n"),
    TS("JOIN #ops\r\nPRIVMSG #ops :send 5 BTC to bc1qexample now\r\n"),
    TC("@time=2024-05-31T10:00:00.000Z :bob!bob@10.0.0.2 PRIVMSG #ops :ok, approved\r\n"
       ":bob!bob@10.0.0.2 NOTICE alice :\x01VERSION\x01\n"),
    TS("privmsg bob :lower-case command\r\n"),
    TS("PING :irc.example.net\r\n\r\nQUIT :bye\r\n"),
};

static void test_session_events(void **state)
{
    (void)state;
    assert_int_equal(run(session, NSTEPS(session)), 0);
    assert_string_equal(cap.anomalies, "");
    assert_int_equal(cap.n, 6);

    assert_true(json_has(0, "\"kind\":\"message\""));
    assert_true(json_has(0, "\"from\":\"irc.example.net\""));
    assert_true(json_has(0, "\"to\":\"*\""));

    assert_true(json_has(1, "\"kind\":\"login\""));
    assert_true(json_has(1, "\"from\":\"alice\""));
    assert_true(json_has(1, "\"mechanism\":\"PASS\""));
    assert_true(json_has(1, "\"user\":\"alice\""));
    assert_true(json_has(1, "\"cleartext_password\":true"));
    assert_true(json_has(1, "\"password\":{\"kind\":\"password\",\"length\":13"));

    assert_true(json_has(2, "\"from\":\"alice\""));
    assert_true(json_has(2, "\"channel\":\"#ops\""));
    assert_false(json_has(2, "\"to\""));
    assert_string_equal((char *)cap.body[2], "send 5 BTC to bc1qexample now");

    assert_true(json_has(3, "\"from\":\"bob\""));
    assert_true(json_has(3, "\"channel\":\"#ops\""));
    assert_string_equal((char *)cap.body[3], "ok, approved");

    assert_true(json_has(4, "\"to\":\"alice\""));
    assert_string_equal((char *)cap.body[4], "\x01VERSION\x01");

    assert_true(json_has(5, "\"to\":\"bob\""));
    assert_true(json_has(5, "\"from\":\"alice\""));
}

static void test_secrets_never_in_json(void **state)
{
    (void)state;
    run(session, NSTEPS(session));
    assert_false(any_json_has("hunter2secret"));
    assert_false(any_json_has("bc1qexample"));
    assert_false(any_json_has("approved"));
}

static void test_split_everywhere(void **state)
{
    (void)state;
    assert_split_invariant(session, NSTEPS(session));
    assert_truncation_safe(session, NSTEPS(session));
}

static void test_nick_after_user_and_no_pass(void **state)
{
    (void)state;
    static const struct step s[] = {
        TS("CAP LS 302\r\nUSER bob 0 * :Bob\r\n"),
        TS("NICK bob\r\n"),
        TS("NICK bob2\r\nPRIVMSG #c :x\r\n"),
    };
    run(s, NSTEPS(s));
    assert_int_equal(cap.n, 2);
    assert_true(json_has(0, "\"kind\":\"login\""));
    assert_true(json_has(0, "\"cleartext_password\":false"));
    assert_false(json_has(0, "\"mechanism\""));
    assert_false(json_has(0, "\"password\""));
    assert_true(json_has(1, "\"from\":\"bob2\""));
}

static const struct step starttls[] = {
    TS("STARTTLS\r\n"),
    TC(":irc.example.net 670 * :STARTTLS successful, go ahead with TLS handshake\r\n"),
    TS("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03"),
};

static void test_starttls_encrypted(void **state)
{
    (void)state;
    assert_int_equal(run(starttls, NSTEPS(starttls)), -1);
    assert_int_equal(cap.n, 1);
    assert_true(json_has(0, "\"kind\":\"session\""));
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_split_invariant(starttls, NSTEPS(starttls));

    /* Only the client's side: its ClientHello after STARTTLS. */
    static const struct step s2[] = {
        TS("NICK a\r\nSTARTTLS\r\n"),
        TS("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03\x0a\x00"),
    };
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_int_equal(cap.n, 1);
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_string_equal(cap.anomalies, "");

    /* 691: STARTTLS failed, the session stays in the clear. */
    static const struct step s3[] = {
        TS("STARTTLS\r\n"),
        TC(":irc.example.net 691 * :STARTTLS failed\r\n"),
        TS("NICK a\r\n"),
    };
    assert_int_equal(run(s3, NSTEPS(s3)), 0);
    assert_int_equal(cap.n, 0);
}

static void test_garbage_and_long_lines(void **state)
{
    (void)state;
    static const struct step s1[] = {TS("NICK a\r\n"), TS("\x16\x03\x01\x00\x30\x01\r\n")};
    assert_int_equal(run(s1, NSTEPS(s1)), -1);
    assert_string_equal(cap.anomalies, "irc.invalid_line;");

    static const struct step s2[] = {TS("NICK a\r\n"), TS("PRIV\x00MSG x :y\r\n")};
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_string_equal(cap.anomalies, "irc.invalid_line;");

    static const struct step s3[] = {TS("NICK a\r\n"), TS("12345 x\r\n")};
    assert_int_equal(run(s3, NSTEPS(s3)), -1);

    /* 8 KiB is accepted (IRCv3 tags), one byte more is not. */
    char *line = malloc(8192);
    memset(line, 'a', 8192);
    memcpy(line, "PRIVMSG #c :", 12);
    line[8190] = '\r';
    line[8191] = '\n';
    void *st = irc_parser.state_new();
    cap_reset();
    assert_int_equal(feed(st, DIR_TOSERVER, line, 8192), 0);
    assert_int_equal(cap.n, 1);
    assert_int_equal(cap.body_len[0], 8190 - 12);
    line[8191] = 'a';
    assert_int_equal(feed(st, DIR_TOSERVER, line, 8192), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, "\n", 1), -1);
    assert_string_equal(cap.anomalies, "irc.line_too_long;");
    irc_parser.state_free(st);
    free(line);
}

static void test_gap_resyncs_at_next_line(void **state)
{
    (void)state;
    void *st = irc_parser.state_new();
    cap_reset();
    assert_int_equal(feed(st, DIR_TOSERVER, "NICK a\r\nPRIVMSG #c :hal", 23), 0);
    assert_int_equal(irc_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 50, true), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, "f lost\r\nPRIVMSG #c :whole\r\n", 27), 0);
    assert_int_equal(cap.n, 1);
    assert_string_equal((char *)cap.body[0], "whole");
    irc_parser.state_free(st);
}

static bool probe(const char *s)
{
    return irc_parser.probe((const uint8_t *)s, strlen(s), DIR_TOSERVER, &test_flow);
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(probe("NICK alice\r\n"));
    assert_true(probe("nick alice\r\n"));
    assert_true(probe("CAP LS 302\r\n"));
    assert_true(probe("USER alice 0 * :Alice\r\n"));
    assert_true(probe("PASS x\r\nNICK a\r\n"));
    assert_true(probe(":irc.example.net NOTICE * :*** Looking up your hostname\r\n"));
    assert_true(probe(":card.freenode.net 002 molochtest :Your host"));
    assert_true(probe("NOTICE AUTH :*** Looking up your hostname\r\n"));
    assert_false(probe("USER anonymous\r\n"));   /* FTP, POP3 */
    assert_false(probe("PASS secret\r\n"));      /* FTP, POP3 */
    assert_false(probe("220 ftp.example.com ready\r\n"));
    assert_false(probe(":x PRIVMSGX"));
    assert_false(probe("GET / HTTP/1.1\r\n"));
    assert_false(probe(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_events),
        cmocka_unit_test(test_secrets_never_in_json),
        cmocka_unit_test(test_split_everywhere),
        cmocka_unit_test(test_nick_after_user_and_no_pass),
        cmocka_unit_test(test_starttls_encrypted),
        cmocka_unit_test(test_garbage_and_long_lines),
        cmocka_unit_test(test_gap_resyncs_at_next_line),
        cmocka_unit_test(test_probe),
    };
    irc_parser.register_buffers();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cap_reset();
    return rc;
}

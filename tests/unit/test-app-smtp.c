/* test-app-smtp.c — the SMTP parser: EHLO / STARTTLS offered, AUTH PLAIN and
 * LOGIN (user decoded, password only fingerprinted), pipelined MAIL / RCPT /
 * DATA, dot-unstuffing, header Subject as channel, body depth, BDAT,
 * STARTTLS upgrade as an encrypted session, garbage and over-long lines.
 * Every session is also fed byte by byte and cut at every offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "app/messaging.h"
#include "detect/detect-buffer.h"
#include "util/redact.h"

extern const struct app_parser smtp_parser;

/* ---- capture of the engine's services (the engine itself is not linked) ---- */
#define MAX_EV 16
#define BODY_MAX 70000

struct ev {
    struct json_object *j;
    char text[8192];
    uint8_t body[BODY_MAX];
    size_t body_len;
    bool has_body;
    enum flow_dir dir;
    uint64_t tx_id;
};

static struct ev evs[MAX_EV];
static int nev;
static char anomalies[16][64];
static int nanom;

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx;
    (void)f;
    assert_non_null(tx->to_json);
    assert_string_equal(tx->event_type, "messaging");
    if (nev == MAX_EV)
        return;
    struct ev *e = &evs[nev++];
    e->j = json_object_new_object();
    tx->to_json(tx->tx, e->j);
    snprintf(e->text, sizeof(e->text), "%s",
             json_object_to_json_string_ext(e->j, JSON_C_TO_STRING_PLAIN |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE));
    e->dir = tx->dir;
    e->tx_id = tx->tx_id;
    e->has_body = false;
    int body_id = detect_buffer_id("messaging.body");
    for (size_t i = 0; i < tx->nbufs; i++) {
        if (tx->bufs[i].id != body_id || body_id < 0)
            continue;
        size_t n = tx->bufs[i].len < BODY_MAX ? tx->bufs[i].len : BODY_MAX;
        memcpy(e->body, tx->bufs[i].data, n);
        e->body_len = n;
        e->has_body = true;
    }
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    if (nanom < 16)
        snprintf(anomalies[nanom++], sizeof(anomalies[0]), "%s", event);
}

static void reset(void)
{
    for (int i = 0; i < nev; i++)
        json_object_put(evs[i].j);
    nev = 0;
    nanom = 0;
}

static struct json_object *ev_get(int i, const char *path)
{
    struct json_object *cur = evs[i].j;
    while (cur && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        if (!json_object_object_get_ex(cur, key, &cur))
            return NULL;
        path += n + (dot ? 1 : 0);
    }
    return cur;
}

static const char *ev_str(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

static int64_t ev_int(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    assert_non_null(o);
    return json_object_get_int64(o);
}

static bool ev_bool(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_boolean));
    return json_object_get_boolean(o);
}

static void assert_str(int i, const char *path, const char *want)
{
    const char *got = ev_str(i, path);
    if (!got || strcmp(got, want) != 0)
        fail_msg("event %d %s: got \"%s\", want \"%s\" in %s", i, path, got ? got : "(absent)",
                 want, evs[i].text);
}

/* No captured event may hold secret, in any form. */
static void assert_no_secret(const char *secret)
{
    for (int i = 0; i < nev; i++)
        if (strstr(evs[i].text, secret))
            fail_msg("secret \"%s\" leaked into event %d: %s", secret, i, evs[i].text);
}

static bool has_anomaly(const char *name)
{
    for (int i = 0; i < nanom; i++)
        if (strcmp(anomalies[i], name) == 0)
            return true;
    return false;
}

/* ---- driving a parser over a scripted session ---- */
struct step {
    enum flow_dir dir;
    const char *data;
    size_t len;
};
#define TS(s) {DIR_TOSERVER, s, sizeof(s) - 1}
#define TC(s) {DIR_TOCLIENT, s, sizeof(s) - 1}

static struct flow test_flow;

/* Feeds steps to p; step `split` (if < n) is cut at offset `at`; bytewise
 * feeds every byte alone. Returns the last parse() result. */
static int run(const struct app_parser *p, const struct step *steps, size_t n, size_t split,
               size_t at, bool bytewise)
{
    reset();
    void *st = p->state_new();
    assert_non_null(st);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const uint8_t *d = (const uint8_t *)steps[i].data;
        size_t len = steps[i].len;
        if (bytewise) {
            for (size_t k = 0; k < len && rc == 0; k++)
                rc = p->parse(NULL, &test_flow, st, steps[i].dir, d + k, 1, false);
        } else if (i == split && at > 0 && at < len) {
            rc = p->parse(NULL, &test_flow, st, steps[i].dir, d, at, false);
            if (rc == 0)
                rc = p->parse(NULL, &test_flow, st, steps[i].dir, d + at, len - at, false);
        } else {
            rc = p->parse(NULL, &test_flow, st, steps[i].dir, d, len, false);
        }
    }
    p->state_free(st);
    return rc;
}

/* Runs the session whole, byte by byte, and cut at every offset of every
 * step, calling check() after each run. */
static void run_all_splits(const struct app_parser *p, const struct step *steps, size_t n,
                           void (*check)(int rc))
{
    check(run(p, steps, n, n, 0, false));
    check(run(p, steps, n, n, 0, true));
    for (size_t i = 0; i < n; i++)
        for (size_t at = 1; at < steps[i].len; at++)
            check(run(p, steps, n, i, at, false));
    reset();
}

/* ---- a cleartext session: AUTH PLAIN, one pipelined mail to two recipients ---- */

static const struct step plain_session[] = {
    TC("220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n"),
    TS("EHLO client.example.org\r\n"),
    TC("250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
       "250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"),
    /* base64("\0alice\0s3cret-pass") */
    TS("AUTH PLAIN AGFsaWNlAHMzY3JldC1wYXNz\r\n"),
    TC("235 2.7.0 Authentication successful\r\n"),
    TS("MAIL FROM:<alice@example.org> SIZE=300\r\nRCPT TO:<bob@example.org>\r\n"
       "RCPT TO:<carol@example.org>\r\nDATA\r\n"),
    TC("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"),
    TS("From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Urgent\r\n transfer\r\n"
       "\r\nPlease send 1.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\r\n"
       "..hidden dot line\r\n.\r\nQUIT\r\n"),
    TC("250 2.0.0 Ok: queued as 4F1A2\r\n221 2.0.0 Bye\r\n"),
};

static const char plain_body[] = "Please send 1.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\r\n"
                                 ".hidden dot line\r\n";

static void check_plain(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 2);
    /* the login */
    assert_str(0, "messaging.protocol", "smtp");
    assert_str(0, "messaging.kind", "login");
    assert_str(0, "messaging.auth.mechanism", "PLAIN");
    assert_str(0, "messaging.auth.user", "alice");
    assert_true(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_int_equal(ev_int(0, "messaging.auth.password.length"), 11);
    assert_true(ev_bool(0, "messaging.starttls_offered"));
    assert_int_equal(evs[0].tx_id, 0);
    /* the mail */
    assert_str(1, "messaging.kind", "message");
    assert_str(1, "messaging.from", "alice@example.org");
    assert_str(1, "messaging.to", "bob@example.org, carol@example.org");
    assert_str(1, "messaging.channel", "Urgent transfer");
    assert_false(ev_bool(1, "messaging.encrypted"));
    assert_true(ev_bool(1, "messaging.starttls_offered"));
    assert_null(ev_get(1, "messaging.auth"));
    assert_int_equal(evs[1].tx_id, 1);
    assert_int_equal(evs[1].dir, DIR_TOSERVER);
    assert_true(evs[1].has_body);
    assert_int_equal(evs[1].body_len, sizeof(plain_body) - 1);
    assert_memory_equal(evs[1].body, plain_body, sizeof(plain_body) - 1);
    assert_int_equal(ev_int(1, "messaging.body_length"), sizeof(plain_body) - 1);
    /* the body is a buffer, never logged; the password is only fingerprinted */
    assert_no_secret("s3cret-pass");
    assert_no_secret("AGFsaWNlAHMzY3JldC1wYXNz");
    assert_no_secret("bc1qxy2k");
}

static void test_plain_session(void **unused)
{
    (void)unused;
    run_all_splits(&smtp_parser, plain_session, sizeof(plain_session) / sizeof(plain_session[0]),
                   check_plain);
}

static void test_fingerprint(void **unused)
{
    (void)unused;
    size_t n = sizeof(plain_session) / sizeof(plain_session[0]);
    assert_int_equal(run(&smtp_parser, plain_session, n, n, 0, false), 0);
    /* sha256("s3cret-pass"), first 16 hex digits */
    char fp[REDACT_FP_HEX + 1];
    redact_fingerprint((const uint8_t *)"s3cret-pass", 11, fp);
    assert_str(0, "messaging.auth.password.sha256", fp);
    assert_str(0, "messaging.auth.password.kind", "password");
    reset();
}

/* ---- AUTH LOGIN: user and password each on their own base64 line ---- */

static const struct step login_session[] = {
    TC("220 mail.example.net ESMTP Exim 4.96\r\n"),
    TS("EHLO ws1\r\n"),
    TC("250-mail.example.net Hello ws1\r\n250-AUTH LOGIN\r\n250 HELP\r\n"),
    TS("AUTH LOGIN\r\n"),
    TC("334 VXNlcm5hbWU6\r\n"),
    TS("Ym9i\r\n"), /* "bob" */
    TC("334 UGFzc3dvcmQ6\r\n"),
    TS("aHVudGVyMg==\r\n"), /* "hunter2" */
    TC("235 Authentication succeeded\r\n"),
    TS("QUIT\r\n"),
    TC("221 bye\r\n"),
};

static void check_login(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.kind", "login");
    assert_str(0, "messaging.auth.mechanism", "LOGIN");
    assert_str(0, "messaging.auth.user", "bob");
    assert_true(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_int_equal(ev_int(0, "messaging.auth.password.length"), 7);
    assert_false(ev_bool(0, "messaging.starttls_offered"));
    assert_no_secret("hunter2");
    assert_no_secret("aHVudGVyMg");
}

static void test_auth_login(void **unused)
{
    (void)unused;
    run_all_splits(&smtp_parser, login_session, sizeof(login_session) / sizeof(login_session[0]),
                   check_login);
}

/* A challenge-response mechanism: named, no password, and its response line
 * is not mistaken for a command. */
static const struct step cram_session[] = {
    TC("220 mx ESMTP\r\n"),
    TS("EHLO a\r\nAUTH CRAM-MD5\r\n"),
    TC("250 mx\r\n334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"),
    TS("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"),
    TC("235 ok\r\n"),
};

static void check_cram(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.auth.mechanism", "CRAM-MD5");
    assert_false(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_null(ev_get(0, "messaging.auth.password"));
}

static void test_auth_cram(void **unused)
{
    (void)unused;
    run_all_splits(&smtp_parser, cram_session, sizeof(cram_session) / sizeof(cram_session[0]),
                   check_cram);
}

/* ---- STARTTLS: 220 turns the session into an encrypted one ---- */

static const struct step tls_session[] = {
    TC("220 mx.google.com ESMTP s4si9696358qcc.63 - gsmtp\r\n"),
    TS("EHLO host.example.com\r\n"),
    TC("250-mx.google.com at your service\r\n250-SIZE 35882577\r\n250-STARTTLS\r\n"
       "250 CHUNKING\r\n"),
    TS("STARTTLS\r\n"),
    TC("220 2.0.0 Ready to start TLS\r\n"),
    TS("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
};

static void check_tls(int rc)
{
    assert_int_equal(rc, -1); /* parsing stops at the upgrade */
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.kind", "session");
    assert_true(ev_bool(0, "messaging.encrypted"));
    assert_true(ev_bool(0, "messaging.starttls_offered"));
    assert_int_equal(evs[0].dir, DIR_TOCLIENT);
}

static void test_starttls(void **unused)
{
    (void)unused;
    run_all_splits(&smtp_parser, tls_session, sizeof(tls_session) / sizeof(tls_session[0]),
                   check_tls);
}

static void test_starttls_refused(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),  TS("EHLO a\r\n"),   TC("250 mx\r\n"),
        TS("STARTTLS\r\n"),      TC("454 4.7.0 TLS not available\r\n"),
        TS("MAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n"),
        TC("250 ok\r\n250 ok\r\n354 go\r\n"),
        TS("hi\r\n.\r\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.kind", "message");
    assert_false(ev_bool(0, "messaging.encrypted"));
    assert_false(ev_bool(0, "messaging.starttls_offered"));
    assert_null(ev_get(0, "messaging.from")); /* null reverse-path, no From header */
    assert_str(0, "messaging.to", "x@y");
    assert_int_equal(evs[0].body_len, 4);
    reset();
}

/* ---- DATA refused, RSET, a second mail; header fallbacks ---- */

static void test_two_mails(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),
        TS("HELO a\r\nMAIL FROM:<a@x>\r\nDATA\r\n"),
        TC("250 mx\r\n250 ok\r\n554 5.5.1 Error: no valid recipients\r\n"),
        TS("RSET\r\nMAIL FROM:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n"),
        TC("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
        TS("Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<d@x>\r\nRCPT TO:<e@x>\r\nDATA\r\n"),
        TC("250 queued\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
        TS("To: header-to@x\r\nSubject: two\r\n\r\nsecond\r\n.\r\n"),
        TC("250 queued\r\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 2);
    assert_str(0, "messaging.from", "b@x");
    assert_str(0, "messaging.to", "c@x");
    assert_str(0, "messaging.channel", "one");
    assert_str(1, "messaging.from", "d@x");
    assert_str(1, "messaging.to", "e@x");
    assert_str(1, "messaging.channel", "two");
    assert_memory_equal(evs[1].body, "second\r\n", 8);
    assert_int_equal(evs[1].tx_id, 1);
    reset();
}

/* ---- BDAT (RFC 3030) ---- */

static void test_bdat(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),
        TS("EHLO a\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 16\r\nSubject: s\r\n\r\nhi"),
        TS("BDAT 4 LAST\r\n\r\n.\n"),
        TC("250 a\r\n250 b\r\n250 c\r\n250 d\r\n250 e\r\n"),
        TS("QUIT\r\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.channel", "s");
    assert_int_equal(evs[0].body_len, 6); /* "hi\r\n.\n": no dot-unstuffing in BDAT */
    assert_memory_equal(evs[0].body, "hi\r\n.\n", 6);
    reset();
}

/* ---- the body depth: a long mail is cut at 64 KiB and still reported ---- */

static void test_body_depth(void **unused)
{
    (void)unused;
    void *st = smtp_parser.state_new();
    reset();
    static const char head[] = "EHLO a\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n";
    static const char replies[] = "250 a\r\n250 b\r\n250 c\r\n354 go\r\n";
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT,
                                       (const uint8_t *)"220 mx ESMTP\r\n", 14, false), 0);
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)head,
                                       sizeof(head) - 1, false), 0);
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT,
                                       (const uint8_t *)replies, sizeof(replies) - 1, false), 0);
    static const char hdr[] = "Subject: big\r\n\r\n";
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)hdr,
                                       sizeof(hdr) - 1, false), 0);
    uint8_t line[1000];
    memset(line, 'a', sizeof(line));
    line[998] = '\r';
    line[999] = '\n';
    for (int i = 0; i < 200; i++) /* 200 000 bytes */
        assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, line, 1000, false),
                         0);
    /* a gap inside the content: the message goes on */
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 500, true), 0);
    static const char end[] = "tail\r\n.\r\n";
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)end,
                                       sizeof(end) - 1, false), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.channel", "big");
    assert_int_equal(evs[0].body_len, 65536 - (sizeof(hdr) - 1));
    smtp_parser.state_free(st);
    reset();
}

/* ---- garbage ---- */

static void test_garbage_reply(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),
        TS("EHLO a\r\n"),
        TC("\x00\x01\x02 binary\r\n"),
        TS("MAIL FROM:<a@x>\r\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), -1);
    assert_true(has_anomaly("smtp.invalid_reply"));
    assert_int_equal(nev, 0);
    reset();
}

static void test_garbage_command(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),
        TS("\x16\x03\x01\x00\x05hello\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), -1);
    assert_true(has_anomaly("smtp.invalid_command"));
    reset();
}

static void test_long_line(void **unused)
{
    (void)unused;
    void *st = smtp_parser.state_new();
    reset();
    uint8_t junk[1024];
    memset(junk, 'A', sizeof(junk));
    int rc = 0;
    for (int i = 0; i < 8 && rc == 0; i++)
        rc = smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, junk, sizeof(junk), false);
    assert_int_equal(rc, -1);
    assert_true(has_anomaly("smtp.line_too_long"));
    smtp_parser.state_free(st);
    reset();
}

static void test_bad_base64(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 mx ESMTP\r\n"),
        TS("AUTH PLAIN\r\n"),
        TC("334 \r\n"),
        TS("!!!not base64!!!\r\n"),
        TC("535 no\r\n"),
        TS("QUIT\r\n"),
    };
    assert_int_equal(run(&smtp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), 0);
    assert_true(has_anomaly("smtp.auth_invalid_base64"));
    assert_int_equal(nev, 0);
    reset();
}

/* Every prefix of every session, fed in one piece then dropped: nothing
 * reads past its input (ASan) and nothing leaks. */
static void test_truncation(void **unused)
{
    (void)unused;
    const struct step *sessions[] = {plain_session, login_session, tls_session};
    size_t counts[] = {sizeof(plain_session) / sizeof(plain_session[0]),
                       sizeof(login_session) / sizeof(login_session[0]),
                       sizeof(tls_session) / sizeof(tls_session[0])};
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < counts[s]; i++)
            for (size_t at = 0; at <= sessions[s][i].len; at++) {
                reset();
                void *st = smtp_parser.state_new();
                int rc = 0;
                for (size_t j = 0; j < i && rc == 0; j++)
                    rc = smtp_parser.parse(NULL, &test_flow, st, sessions[s][j].dir,
                                           (const uint8_t *)sessions[s][j].data,
                                           sessions[s][j].len, false);
                uint8_t *copy = malloc(at ? at : 1);
                memcpy(copy, sessions[s][i].data, at);
                if (rc == 0 && at)
                    smtp_parser.parse(NULL, &test_flow, st, sessions[s][i].dir, copy, at, false);
                free(copy);
                smtp_parser.state_free(st);
            }
    reset();
}

static void test_probe(void **unused)
{
    (void)unused;
    const struct flow *f = &test_flow;
    bool (*probe)(const uint8_t *, size_t, enum flow_dir, const struct flow *) = smtp_parser.probe;
#define P(s, d) probe((const uint8_t *)(s), sizeof(s) - 1, d, f)
    assert_true(P("220 mx.example.org ESMTP Postfix\r\n", DIR_TOCLIENT));
    assert_true(P("220-pigeon.eyrie.af.mil ESMTP Sendmail\r\n", DIR_TOCLIENT));
    assert_true(P("EHLO delta.peach.mil\r\n", DIR_TOSERVER));
    assert_true(P("helo x\r\n", DIR_TOSERVER));
    assert_false(P("220 (vsFTPd 3.0.3)\r\n", DIR_TOCLIENT));
    assert_false(P("220 ready\r\n", DIR_TOCLIENT));
    assert_false(P("GET / HTTP/1.1\r\n", DIR_TOSERVER));
    assert_false(P("EHL", DIR_TOSERVER));
    assert_false(P("220", DIR_TOCLIENT));
#undef P
}

int main(void)
{
    test_flow.srv_port = 25;
    smtp_parser.register_buffers();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_session),   cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_auth_login),      cmocka_unit_test(test_auth_cram),
        cmocka_unit_test(test_starttls),        cmocka_unit_test(test_starttls_refused),
        cmocka_unit_test(test_two_mails),       cmocka_unit_test(test_bdat),
        cmocka_unit_test(test_body_depth),      cmocka_unit_test(test_garbage_reply),
        cmocka_unit_test(test_garbage_command), cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_bad_base64),      cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-app-smtp.c — the SMTP parser: EHLO / STARTTLS offered, AUTH PLAIN and
 * LOGIN (user decoded, password only fingerprinted), pipelined MAIL / RCPT /
 * DATA, dot-unstuffing, header Subject as channel, body depth, BDAT,
 * STARTTLS upgrade as an encrypted session, garbage and over-long lines.
 * Every session is also fed byte by byte and cut at every offset. */
#include "app-harness.h"
#include "util/redact.h"

extern const struct app_parser smtp_parser;

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
    assert_no_secret("Please send"); /* the text; its address may be logged */
}

static void test_plain_session(void **unused)
{
    (void)unused;
    run_all_splits(plain_session, NSTEPS(plain_session), check_plain);
}

static void test_fingerprint(void **unused)
{
    (void)unused;
    size_t n = NSTEPS(plain_session);
    assert_int_equal(run(plain_session, n), 0);
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
    run_all_splits(login_session, NSTEPS(login_session), check_login);
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
    run_all_splits(cram_session, NSTEPS(cram_session), check_cram);
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
    run_all_splits(tls_session, NSTEPS(tls_session), check_tls);
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
    assert_int_equal(run(s, NSTEPS(s)), 0);
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
    assert_int_equal(run(s, NSTEPS(s)), 0);
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
    assert_int_equal(run(s, NSTEPS(s)), 0);
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
    assert_int_equal(feed(st, DIR_TOCLIENT, "220 mx ESMTP\r\n", 14), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, head, sizeof(head) - 1), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, replies, sizeof(replies) - 1), 0);
    static const char hdr[] = "Subject: big\r\n\r\n";
    assert_int_equal(feed(st, DIR_TOSERVER, hdr, sizeof(hdr) - 1), 0);
    uint8_t line[1000];
    memset(line, 'a', sizeof(line));
    line[998] = '\r';
    line[999] = '\n';
    for (int i = 0; i < 200; i++) /* 200 000 bytes */
        assert_int_equal(feed(st, DIR_TOSERVER, line, 1000), 0);
    /* a gap inside the content: the message goes on */
    assert_int_equal(smtp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 500, true), 0);
    static const char end[] = "tail\r\n.\r\n";
    assert_int_equal(feed(st, DIR_TOSERVER, end, sizeof(end) - 1), 0);
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
    assert_int_equal(run(s, NSTEPS(s)), -1);
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
    assert_int_equal(run(s, NSTEPS(s)), -1);
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
        rc = feed(st, DIR_TOSERVER, junk, sizeof(junk));
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
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_true(has_anomaly("smtp.auth_invalid_base64"));
    assert_int_equal(nev, 0);
    reset();
}

/* Every prefix of every session, fed in one piece then dropped: nothing
 * reads past its input (ASan) and nothing leaks. */
static void test_truncation(void **unused)
{
    (void)unused;
    assert_truncation_safe(plain_session, NSTEPS(plain_session));
    assert_truncation_safe(login_session, NSTEPS(login_session));
    assert_truncation_safe(tls_session, NSTEPS(tls_session));
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
    harness_init(&smtp_parser, 25);
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

/* test-app-irc.c — IRC parser (app-irc.c): registration with PASS, NICK,
 * USER; PRIVMSG / NOTICE both ways; IRCv3 tags; STARTTLS; garbage, long
 * lines, gaps; every split offset and truncation; PASS never in the JSON. */
#include "app-harness.h"

extern const struct app_parser irc_parser;

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
    assert_string_equal(anomalies, "");
    assert_int_equal(nev, 6);

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
    assert_string_equal((char *)evs[2].body, "send 5 BTC to bc1qexample now");

    assert_true(json_has(3, "\"from\":\"bob\""));
    assert_true(json_has(3, "\"channel\":\"#ops\""));
    assert_string_equal((char *)evs[3].body, "ok, approved");

    assert_true(json_has(4, "\"to\":\"alice\""));
    assert_string_equal((char *)evs[4].body, "\x01VERSION\x01");

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
    assert_int_equal(nev, 2);
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
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"kind\":\"session\""));
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_split_invariant(starttls, NSTEPS(starttls));

    /* Only the client's side: its ClientHello after STARTTLS. */
    static const struct step s2[] = {
        TS("NICK a\r\nSTARTTLS\r\n"),
        TS("\x16\x03\x01\x00\x30\x01\x00\x00\x2c\x03\x03\x0a\x00"),
    };
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_int_equal(nev, 1);
    assert_true(json_has(0, "\"encrypted\":true"));
    assert_string_equal(anomalies, "");

    /* 691: STARTTLS failed, the session stays in the clear. */
    static const struct step s3[] = {
        TS("STARTTLS\r\n"),
        TC(":irc.example.net 691 * :STARTTLS failed\r\n"),
        TS("NICK a\r\n"),
    };
    assert_int_equal(run(s3, NSTEPS(s3)), 0);
    assert_int_equal(nev, 0);
}

static void test_garbage_and_long_lines(void **state)
{
    (void)state;
    static const struct step s1[] = {TS("NICK a\r\n"), TS("\x16\x03\x01\x00\x30\x01\r\n")};
    assert_int_equal(run(s1, NSTEPS(s1)), -1);
    assert_string_equal(anomalies, "irc.invalid_line;");

    static const struct step s2[] = {TS("NICK a\r\n"), TS("PRIV\x00MSG x :y\r\n")};
    assert_int_equal(run(s2, NSTEPS(s2)), -1);
    assert_string_equal(anomalies, "irc.invalid_line;");

    static const struct step s3[] = {TS("NICK a\r\n"), TS("12345 x\r\n")};
    assert_int_equal(run(s3, NSTEPS(s3)), -1);

    /* 8 KiB is accepted (IRCv3 tags), one byte more is not. */
    char *line = malloc(8192);
    memset(line, 'a', 8192);
    memcpy(line, "PRIVMSG #c :", 12);
    line[8190] = '\r';
    line[8191] = '\n';
    void *st = irc_parser.state_new();
    reset();
    assert_int_equal(feed(st, DIR_TOSERVER, line, 8192), 0);
    assert_int_equal(nev, 1);
    assert_int_equal(evs[0].body_len, 8190 - 12);
    line[8191] = 'a';
    assert_int_equal(feed(st, DIR_TOSERVER, line, 8192), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, "\n", 1), -1);
    assert_string_equal(anomalies, "irc.line_too_long;");
    irc_parser.state_free(st);
    free(line);
}

static void test_gap_resyncs_at_next_line(void **state)
{
    (void)state;
    void *st = irc_parser.state_new();
    reset();
    assert_int_equal(feed(st, DIR_TOSERVER, "NICK a\r\nPRIVMSG #c :hal", 23), 0);
    assert_int_equal(irc_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 50, true), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, "f lost\r\nPRIVMSG #c :whole\r\n", 27), 0);
    assert_int_equal(nev, 1);
    assert_string_equal((char *)evs[0].body, "whole");
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
    harness_init(&irc_parser, 0);
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
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    reset();
    return rc;
}

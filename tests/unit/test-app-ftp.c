/* test-app-ftp.c — the FTP control parser: USER / PASS pairs as logins with
 * the password only fingerprinted, multi-line replies (FEAT shows AUTH TLS
 * offered), AUTH TLS + 234 as an encrypted session, IAC before ABOR,
 * garbage and over-long lines. Sessions are also fed byte by byte and cut at
 * every offset. */
#include "app-harness.h"

extern const struct app_parser ftp_parser;

static const struct step login_session[] = {
    TC("220 (vsFTPd 3.0.3)\r\n"),
    TS("USER wallet-ops\r\n"),
    TC("331 Please specify the password.\r\n"),
    TS("PASS Tr0ub4dor&3\r\n"),
    TC("530 Login incorrect.\r\n"),
    TS("USER wallet-ops\r\n"),
    TC("331 Please specify the password.\r\n"),
    TS("PASS correct horse\r\n"),
    TC("230 Login successful.\r\n"),
    TS("FEAT\r\n"),
    TC("211-Features:\r\n EPRT\r\n EPSV\r\n 123 not a code line\r\n PASV\r\n211 End\r\n"),
    TS("\xff\xf4\xff\xf2" "ABOR\r\nQUIT\r\n"),
    TC("226 ok\r\n221 Goodbye.\r\n"),
};

static void check_login(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 2);
    for (int i = 0; i < 2; i++) {
        assert_str(i, "messaging.protocol", "ftp");
        assert_str(i, "messaging.kind", "login");
        assert_str(i, "messaging.auth.user", "wallet-ops");
        assert_str(i, "messaging.auth.mechanism", "USER/PASS");
        assert_true(ev_bool(i, "messaging.auth.cleartext_password"));
        assert_false(ev_bool(i, "messaging.encrypted"));
        assert_int_equal(evs[i].tx_id, (uint64_t)i);
        assert_int_equal(evs[i].dir, DIR_TOSERVER);
    }
    assert_int_equal(ev_int(0, "messaging.auth.password.length"), 11);
    assert_int_equal(ev_int(1, "messaging.auth.password.length"), 13);
    assert_no_secret("Tr0ub4dor");
    assert_no_secret("correct horse");
}

static void test_login(void **unused)
{
    (void)unused;
    run_all_splits(login_session, NSTEPS(login_session), check_login);
}

static const struct step tls_session[] = {
    TC("220-ProFTPD Server (Debian)\r\n220 welcome\r\n"),
    TS("FEAT\r\n"),
    TC("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n"),
    TS("AUTH TLS\r\n"),
    TC("234 AUTH TLS successful\r\n"),
    TS("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"),
};

static void check_tls(int rc)
{
    assert_int_equal(rc, -1);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.kind", "session");
    assert_true(ev_bool(0, "messaging.encrypted"));
    assert_true(ev_bool(0, "messaging.starttls_offered"));
    assert_null(ev_get(0, "messaging.auth"));
}

static void test_auth_tls(void **unused)
{
    (void)unused;
    run_all_splits(tls_session, NSTEPS(tls_session), check_tls);
}

static void test_auth_tls_refused(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 FTP ready\r\n"), TS("AUTH TLS\r\n"), TC("504 not supported\r\n"),
        TS("USER anonymous\r\n"), TC("331 ok\r\n"), TS("PASS guest@\r\n"), TC("230 ok\r\n"),
    };
    assert_int_equal(run(s, NSTEPS(s)), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.auth.user", "anonymous");
    assert_false(ev_bool(0, "messaging.starttls_offered"));
    reset();
}

static void test_pass_without_user(void **unused)
{
    (void)unused;
    static const struct step s[] = {TC("220 FTP\r\n"), TS("PASS lonely\r\n")};
    assert_int_equal(run(s, 2), 0);
    assert_int_equal(nev, 1);
    assert_null(ev_get(0, "messaging.auth.user"));
    assert_true(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_no_secret("lonely");
    reset();
}

static void test_garbage(void **unused)
{
    (void)unused;
    static const struct step s1[] = {TC("220 FTP\r\n"), TC("\x80\x81garbage\r\n")};
    assert_int_equal(run(s1, 2), -1);
    assert_true(has_anomaly("ftp.invalid_reply"));
    static const struct step s2[] = {TC("220 FTP\r\n"), TS("12345 x\r\n")};
    assert_int_equal(run(s2, 2), -1);
    assert_true(has_anomaly("ftp.invalid_command"));
    reset();
    void *st = ftp_parser.state_new();
    uint8_t junk[512];
    memset(junk, 'U', sizeof(junk));
    int rc = 0;
    for (int i = 0; i < 8 && rc == 0; i++)
        rc = feed(st, DIR_TOSERVER, junk, sizeof(junk));
    assert_int_equal(rc, -1);
    assert_true(has_anomaly("ftp.line_too_long"));
    ftp_parser.state_free(st);
    reset();
}

static void test_gap_resync(void **unused)
{
    (void)unused;
    void *st = ftp_parser.state_new();
    reset();
    static const char a[] = "USER al", b[] = "ice\r\nUSER bob\r\nPASS pw\r\n";
    assert_int_equal(feed(st, DIR_TOSERVER, a, sizeof(a) - 1), 0);
    assert_int_equal(ftp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 10, true), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, b, sizeof(b) - 1), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.auth.user", "bob");
    ftp_parser.state_free(st);
    reset();
}

static void test_truncation(void **unused)
{
    (void)unused;
    assert_truncation_safe(login_session, NSTEPS(login_session));
    reset();
}

static void test_probe(void **unused)
{
    (void)unused;
    struct flow f21, f2121;
    memset(&f21, 0, sizeof(f21));
    memset(&f2121, 0, sizeof(f2121));
    f21.srv_port = 21;
    f2121.srv_port = 2121;
#define P(s, d, f) ftp_parser.probe((const uint8_t *)(s), sizeof(s) - 1, d, f)
    assert_true(P("220 (vsFTPd 3.0.3)\r\n", DIR_TOCLIENT, &f2121));
    assert_true(P("220 ProFTPD Server (Debian) [::ffff:10.97.0.2]\r\n", DIR_TOCLIENT, &f2121));
    assert_true(P("220 ready\r\n", DIR_TOCLIENT, &f21));
    assert_false(P("220 ready\r\n", DIR_TOCLIENT, &f2121));
    assert_false(P("220 mx ESMTP Postfix\r\n", DIR_TOCLIENT, &f21));
    assert_true(P("USER bob\r\n", DIR_TOSERVER, &f21));
    assert_false(P("USER bob\r\n", DIR_TOSERVER, &f2121)); /* could be POP3 */
    assert_false(P("22", DIR_TOCLIENT, &f21));
#undef P
}

int main(void)
{
    harness_init(&ftp_parser, 21);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login),         cmocka_unit_test(test_auth_tls),
        cmocka_unit_test(test_auth_tls_refused), cmocka_unit_test(test_pass_without_user),
        cmocka_unit_test(test_garbage),       cmocka_unit_test(test_gap_resync),
        cmocka_unit_test(test_truncation),    cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-app-telnet.c — telnet logins: IAC negotiation stripped (IAC IAC is
 * data 255), the login and password prompts matched on the server's text,
 * the typed lines collected in line mode and in character mode (one byte
 * per segment, echoed, backspace), failed attempts, the password only
 * fingerprinted, the work caps, invalid IAC and over-long subnegotiation. */
#include "app-harness.h"
#include "util/redact.h"

extern const struct app_parser telnet_parser;

/* Line mode, as in an OpenBSD telnetd session: negotiation, banner, prompts. */
static const struct step linemode[] = {
    TS("\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f\xff\xfb\x20\xff\xfb\x21\xff\xfb\x22\xff\xfb\x27"),
    TC("\xff\xfd\x25"),
    TS("\xff\xfc\x25"),
    TC("\xff\xfb\x03\xff\xfd\x18\xff\xfa\x22\x01\x0b\xff\xf0"),
    TS("\xff\xfa\x18\x00xterm-color\xff\xf0\xff\xfa\x27\x00\x00USER\x01root\xff\xf0"),
    TC("\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\n"),
    TC("login: "),
    TS("fake\r\n"),
    TC("\xff\xfb\x01"),
    TS("\xff\xfd\x01"),
    TC("Password:"),
    TS("us\xff\xffr\r\n"), /* IAC IAC: one data byte 255 */
    TC("\r\n\xff\xfc\x01"),
    TC("Last login: Sat Nov 27 20:11:43 on ttyp2 from bam.zing.org\r\n$ "),
    TS("ls\r\n"),
    TC(".cshrc .login .profile\r\n$ "),
};

static void check_linemode(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.protocol", "telnet");
    assert_str(0, "messaging.kind", "login");
    assert_str(0, "messaging.auth.user", "fake");
    assert_true(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_int_equal(ev_int(0, "messaging.auth.password.length"), 4);
    assert_false(ev_bool(0, "messaging.encrypted"));
    assert_int_equal(evs[0].dir, DIR_TOSERVER);
    char fp[REDACT_FP_HEX + 1];
    redact_fingerprint((const uint8_t *)"us\xffr", 4, fp);
    assert_str(0, "messaging.auth.password.sha256", fp);
}

static void test_linemode(void **unused)
{
    (void)unused;
    run_all_splits(linemode, NSTEPS(linemode), check_linemode);
}

/* Character mode: one byte per segment, echoed by the server (not the
 * password), a typo erased with DEL, a failed attempt, then a second one. */
static const struct step charmode[] = {
    TC("\xff\xfb\x01\xff\xfb\x03"),
    TS("\xff\xfd\x01\xff\xfd\x03"),
    TC("\r\nDebian GNU/Linux 12\r\nww-telnet login: "),
    TS("a"), TC("a"), TS("l"), TC("l"), TS("i"), TC("i"), TS("x"), TC("x"),
    TS("\x7f"), TC("\b \b"), TS("c"), TC("c"), TS("e"), TC("e"),
    TS("\r"), TS("\0"), TC("\r\n"),
    TC("Password: "),
    TS("w"), TS("r"), TS("o"), TS("n"), TS("g"), TS("\r"), TS("\0"),
    TC("\r\n"),
    TC("\r\nLogin incorrect\r\nww-telnet login: "),
    TS("alice\r\n"),
    TC("alice\r\nPassword: "),
    TS("s3cr3t-seed\r\n"),
    TC("\r\nLinux ww-telnet 6.1.0 x86_64\r\n$ "),
};

static void check_charmode(int rc)
{
    assert_int_equal(rc, 0);
    assert_int_equal(nanom, 0);
    assert_int_equal(nev, 2);
    assert_str(0, "messaging.auth.user", "alice");
    assert_int_equal(ev_int(0, "messaging.auth.password.length"), 5);
    assert_str(1, "messaging.auth.user", "alice");
    assert_int_equal(ev_int(1, "messaging.auth.password.length"), 11);
    assert_int_equal(evs[1].tx_id, 1);
    assert_no_secret("wrong");
    assert_no_secret("s3cr3t-seed");
}

static void test_charmode(void **unused)
{
    (void)unused;
    run_all_splits(charmode, NSTEPS(charmode), check_charmode);
}

/* A device that asks only for a password ("User Access Verification"). */
static void test_password_only(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("\xff\xfb\x01\xff\xfb\x03\r\nUser Access Verification\r\n\r\nPassword: "),
        TS("cisco\r\n"),
        TC("\r\nrouter>"),
    };
    assert_int_equal(run(s, 3), 0);
    assert_int_equal(nev, 1);
    assert_null(ev_get(0, "messaging.auth.user"));
    assert_true(ev_bool(0, "messaging.auth.cleartext_password"));
    assert_no_secret("cisco");
    reset();
}

/* After a login the session is left alone once the server has sent more
 * than a few KiB without prompting again. */
static void test_stop_after_login(void **unused)
{
    (void)unused;
    void *st = telnet_parser.state_new();
    reset();
    static const char p1[] = "\xff\xfb\x01login: ", u[] = "bob\r\n", p2[] = "Password: ",
                      pw[] = "pw\r\n";
    assert_int_equal(feed(st, DIR_TOCLIENT, p1, sizeof(p1) - 1), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, u, sizeof(u) - 1), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, p2, sizeof(p2) - 1), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, pw, sizeof(pw) - 1), 0);
    assert_int_equal(nev, 1);
    uint8_t out[1024];
    memset(out, 'x', sizeof(out));
    int rc = 0, i;
    for (i = 0; i < 10 && rc == 0; i++)
        rc = feed(st, DIR_TOCLIENT, out, sizeof(out));
    assert_int_equal(rc, -1);
    assert_int_equal(i, 5);
    assert_int_equal(nanom, 0);
    telnet_parser.state_free(st);
    reset();
}

static void test_no_prompt_cap(void **unused)
{
    (void)unused;
    void *st = telnet_parser.state_new();
    reset();
    uint8_t out[4096];
    memset(out, 'y', sizeof(out));
    int rc = 0;
    for (int i = 0; i < 20 && rc == 0; i++)
        rc = feed(st, DIR_TOCLIENT, out, sizeof(out));
    assert_int_equal(rc, -1);
    assert_int_equal(nev, 0);
    assert_int_equal(nanom, 0);
    telnet_parser.state_free(st);
    reset();
}

static void test_garbage(void **unused)
{
    (void)unused;
    static const struct step s1[] = {TC("\xff\xfb\x01"), TC("hello \xff\x10 world")};
    assert_int_equal(run(s1, 2), -1);
    assert_true(has_anomaly("telnet.invalid_iac_command"));
    void *st = telnet_parser.state_new();
    reset();
    uint8_t sb[600];
    memset(sb, 'z', sizeof(sb));
    sb[0] = 0xff;
    sb[1] = 0xfa;
    int rc = 0;
    for (int i = 0; i < 4 && rc == 0; i++)
        rc = feed(st, DIR_TOSERVER, i ? sb + 2 : sb, i ? sizeof(sb) - 2 : sizeof(sb));
    assert_int_equal(rc, -1);
    assert_true(has_anomaly("telnet.subnegotiation_too_long"));
    telnet_parser.state_free(st);
    /* a typed line longer than the cap */
    static const struct step s2[] = {TC("\xff\xfb\x01login: ")};
    st = telnet_parser.state_new();
    reset();
    feed(st, s2[0].dir, s2[0].data, s2[0].len);
    uint8_t typed[300];
    memset(typed, 'q', sizeof(typed));
    assert_int_equal(feed(st, DIR_TOSERVER, typed, sizeof(typed)), -1);
    assert_true(has_anomaly("telnet.line_too_long"));
    telnet_parser.state_free(st);
    reset();
}

/* A gap in the typed password: that attempt is not reported. */
static void test_gap(void **unused)
{
    (void)unused;
    void *st = telnet_parser.state_new();
    reset();
    static const char p1[] = "\xff\xfb\x01login: ", u[] = "bob\r\n", p2[] = "Password: ",
                      pw[] = "pw\r\n";
    feed(st, DIR_TOCLIENT, p1, sizeof(p1) - 1);
    feed(st, DIR_TOSERVER, u, sizeof(u) - 1);
    feed(st, DIR_TOCLIENT, p2, sizeof(p2) - 1);
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 3, true);
    feed(st, DIR_TOSERVER, pw, sizeof(pw) - 1);
    assert_int_equal(nev, 0);
    telnet_parser.state_free(st);
    reset();
}

static void test_probe(void **unused)
{
    (void)unused;
#define P(s, d) telnet_parser.probe((const uint8_t *)(s), sizeof(s) - 1, d, &test_flow)
    assert_true(P("\xff\xfd\x03\xff\xfb\x18", DIR_TOSERVER));
    assert_true(P("\xff\xfb\x01\xff\xfb\x03", DIR_TOCLIENT));
    assert_true(P("\xff\xfa\x18\x01\xff\xf0", DIR_TOCLIENT));
    assert_false(P("\xff\xff\x00", DIR_TOCLIENT));
    assert_false(P("\xff", DIR_TOCLIENT));
    assert_false(P("login: ", DIR_TOCLIENT));
    assert_false(P("SSH-2.0-OpenSSH_9.2\r\n", DIR_TOCLIENT));
#undef P
}

int main(void)
{
    harness_init(&telnet_parser, 23);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linemode),      cmocka_unit_test(test_charmode),
        cmocka_unit_test(test_password_only), cmocka_unit_test(test_stop_after_login),
        cmocka_unit_test(test_no_prompt_cap), cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_gap),           cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test-app-telnet.c — telnet logins: IAC negotiation stripped (IAC IAC is
 * data 255), the login and password prompts matched on the server's text,
 * the typed lines collected in line mode and in character mode (one byte
 * per segment, echoed, backspace), failed attempts, the password only
 * fingerprinted, the work caps, invalid IAC and over-long subnegotiation. */
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

extern const struct app_parser telnet_parser;

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
    run_all_splits(&telnet_parser, linemode, sizeof(linemode) / sizeof(linemode[0]),
                   check_linemode);
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
    run_all_splits(&telnet_parser, charmode, sizeof(charmode) / sizeof(charmode[0]),
                   check_charmode);
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
    assert_int_equal(run(&telnet_parser, s, 3, 99, 0, false), 0);
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
    assert_int_equal(telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT,
                                         (const uint8_t *)p1, sizeof(p1) - 1, false), 0);
    assert_int_equal(telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)u,
                                         sizeof(u) - 1, false), 0);
    assert_int_equal(telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT,
                                         (const uint8_t *)p2, sizeof(p2) - 1, false), 0);
    assert_int_equal(telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)pw,
                                         sizeof(pw) - 1, false), 0);
    assert_int_equal(nev, 1);
    uint8_t out[1024];
    memset(out, 'x', sizeof(out));
    int rc = 0, i;
    for (i = 0; i < 10 && rc == 0; i++)
        rc = telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT, out, sizeof(out), false);
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
        rc = telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT, out, sizeof(out), false);
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
    assert_int_equal(run(&telnet_parser, s1, 2, 99, 0, false), -1);
    assert_true(has_anomaly("telnet.invalid_iac_command"));
    void *st = telnet_parser.state_new();
    reset();
    uint8_t sb[600];
    memset(sb, 'z', sizeof(sb));
    sb[0] = 0xff;
    sb[1] = 0xfa;
    int rc = 0;
    for (int i = 0; i < 4 && rc == 0; i++)
        rc = telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, i ? sb + 2 : sb,
                                 i ? sizeof(sb) - 2 : sizeof(sb), false);
    assert_int_equal(rc, -1);
    assert_true(has_anomaly("telnet.subnegotiation_too_long"));
    telnet_parser.state_free(st);
    /* a typed line longer than the cap */
    static const struct step s2[] = {TC("\xff\xfb\x01login: ")};
    st = telnet_parser.state_new();
    reset();
    telnet_parser.parse(NULL, &test_flow, st, s2[0].dir, (const uint8_t *)s2[0].data, s2[0].len,
                        false);
    uint8_t typed[300];
    memset(typed, 'q', sizeof(typed));
    assert_int_equal(
        telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, typed, sizeof(typed), false), -1);
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
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT, (const uint8_t *)p1, sizeof(p1) - 1,
                        false);
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)u, sizeof(u) - 1,
                        false);
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOCLIENT, (const uint8_t *)p2, sizeof(p2) - 1,
                        false);
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 3, true);
    telnet_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)pw, sizeof(pw) - 1,
                        false);
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
    test_flow.srv_port = 23;
    telnet_parser.register_buffers();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linemode),      cmocka_unit_test(test_charmode),
        cmocka_unit_test(test_password_only), cmocka_unit_test(test_stop_after_login),
        cmocka_unit_test(test_no_prompt_cap), cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_gap),           cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

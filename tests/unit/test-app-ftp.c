/* test-app-ftp.c — the FTP control parser: USER / PASS pairs as logins with
 * the password only fingerprinted, multi-line replies (FEAT shows AUTH TLS
 * offered), AUTH TLS + 234 as an encrypted session, IAC before ABOR,
 * garbage and over-long lines. Sessions are also fed byte by byte and cut at
 * every offset. */
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

extern const struct app_parser ftp_parser;

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
    run_all_splits(&ftp_parser, login_session, sizeof(login_session) / sizeof(login_session[0]),
                   check_login);
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
    run_all_splits(&ftp_parser, tls_session, sizeof(tls_session) / sizeof(tls_session[0]),
                   check_tls);
}

static void test_auth_tls_refused(void **unused)
{
    (void)unused;
    static const struct step s[] = {
        TC("220 FTP ready\r\n"), TS("AUTH TLS\r\n"), TC("504 not supported\r\n"),
        TS("USER anonymous\r\n"), TC("331 ok\r\n"), TS("PASS guest@\r\n"), TC("230 ok\r\n"),
    };
    assert_int_equal(run(&ftp_parser, s, sizeof(s) / sizeof(s[0]), 99, 0, false), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.auth.user", "anonymous");
    assert_false(ev_bool(0, "messaging.starttls_offered"));
    reset();
}

static void test_pass_without_user(void **unused)
{
    (void)unused;
    static const struct step s[] = {TC("220 FTP\r\n"), TS("PASS lonely\r\n")};
    assert_int_equal(run(&ftp_parser, s, 2, 99, 0, false), 0);
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
    assert_int_equal(run(&ftp_parser, s1, 2, 99, 0, false), -1);
    assert_true(has_anomaly("ftp.invalid_reply"));
    static const struct step s2[] = {TC("220 FTP\r\n"), TS("12345 x\r\n")};
    assert_int_equal(run(&ftp_parser, s2, 2, 99, 0, false), -1);
    assert_true(has_anomaly("ftp.invalid_command"));
    reset();
    void *st = ftp_parser.state_new();
    uint8_t junk[512];
    memset(junk, 'U', sizeof(junk));
    int rc = 0;
    for (int i = 0; i < 8 && rc == 0; i++)
        rc = ftp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, junk, sizeof(junk), false);
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
    assert_int_equal(ftp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)a,
                                      sizeof(a) - 1, false), 0);
    assert_int_equal(ftp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, NULL, 10, true), 0);
    assert_int_equal(ftp_parser.parse(NULL, &test_flow, st, DIR_TOSERVER, (const uint8_t *)b,
                                      sizeof(b) - 1, false), 0);
    assert_int_equal(nev, 1);
    assert_str(0, "messaging.auth.user", "bob");
    ftp_parser.state_free(st);
    reset();
}

static void test_truncation(void **unused)
{
    (void)unused;
    size_t n = sizeof(login_session) / sizeof(login_session[0]);
    for (size_t i = 0; i < n; i++)
        for (size_t at = 0; at <= login_session[i].len; at++) {
            reset();
            void *st = ftp_parser.state_new();
            for (size_t j = 0; j < i; j++)
                ftp_parser.parse(NULL, &test_flow, st, login_session[j].dir,
                                 (const uint8_t *)login_session[j].data, login_session[j].len,
                                 false);
            uint8_t *copy = malloc(at ? at : 1);
            memcpy(copy, login_session[i].data, at);
            if (at)
                ftp_parser.parse(NULL, &test_flow, st, login_session[i].dir, copy, at, false);
            free(copy);
            ftp_parser.state_free(st);
        }
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
    test_flow.srv_port = 21;
    ftp_parser.register_buffers();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login),         cmocka_unit_test(test_auth_tls),
        cmocka_unit_test(test_auth_tls_refused), cmocka_unit_test(test_pass_without_user),
        cmocka_unit_test(test_garbage),       cmocka_unit_test(test_gap_resync),
        cmocka_unit_test(test_truncation),    cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* FTP control connection: RFC 959 §4 (commands, replies, multi-line
 * replies "123-" ... "123 "), RFC 4217 (AUTH TLS, answered 234), RFC 2389
 * (FEAT, whose listing shows AUTH TLS is offered).
 *
 * Events (messaging.h): one `login` per USER/PASS pair (protocol "ftp",
 * mechanism "USER/PASS", cleartext_password true, the password only as a
 * fingerprint); one `session` with encrypted=true when AUTH TLS / AUTH SSL
 * is answered 234, after which the flow is TLS and is not parsed.
 *
 * Lines longer than FTP_LINE_MAX, replies without a three-digit code and
 * commands without a verb are anomalies that stop parsing the flow. Telnet
 * IAC sequences that clients put before ABOR (RFC 959 §4.1.3) are skipped. */
#include <stdlib.h>
#include <string.h>

#include "app-line.h"
#include "messaging.h"
#include "../util/rd.h"

#define FTP_LINE_MAX 2048
#define FTP_USER_MAX 256
#define FTP_PROBE_LINE 512

struct ftp_state {
    struct app_line ln[2];
    uint8_t line_buf[2][FTP_LINE_MAX];
    uint8_t user[FTP_USER_MAX];
    size_t user_len;
    bool have_user;
    bool auth_tls_pending; /* AUTH TLS sent, reply not yet seen */
    bool starttls_offered;
    bool in_reply;         /* inside a multi-line reply */
    char reply_code[3];
    uint64_t tx_id;
};

static void *ftp_state_new(void)
{
    struct ftp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    for (int d = 0; d < 2; d++)
        app_line_init(&st->ln[d], st->line_buf[d], FTP_LINE_MAX);
    return st;
}

static void ftp_state_free(void *state)
{
    if (!state)
        return;
    explicit_bzero(state, sizeof(struct ftp_state)); /* a PASS line may be buffered */
    free(state);
}

static void ftp_emit_login(struct app_ctx *ctx, struct flow *f, struct ftp_state *st,
                           struct span pass)
{
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "ftp";
    m.kind = MSG_LOGIN;
    m.starttls_offered = st->starttls_offered;
    m.auth_mechanism = "USER/PASS";
    m.user.p = st->user;
    m.user.len = st->have_user ? st->user_len : 0;
    m.cleartext_password = true;
    m.password.p = pass.p;
    m.password.len = pass.len;
    messaging_tx_done(ctx, f, DIR_TOSERVER, st->tx_id++, &m);
    st->have_user = false;
    st->user_len = 0;
}

/* Skips Telnet IAC commands (IAC IP, IAC DM, IAC x) before a verb. */
static struct span skip_iac(struct span l)
{
    while (l.len >= 2 && l.p[0] == 0xff) {
        l.p += 2;
        l.len -= 2;
    }
    if (l.len && l.p[0] == 0xf2) /* DM sent as urgent data after IAC */
        l.p++, l.len--;
    return l;
}

static int ftp_command(struct app_ctx *ctx, struct flow *f, struct ftp_state *st,
                       struct span line)
{
    line = skip_iac(line);
    if (line.len == 0)
        return 0;
    size_t i = 0;
    while (i < line.len && i <= 8 &&
           ((line.p[i] >= 'A' && line.p[i] <= 'Z') || (line.p[i] >= 'a' && line.p[i] <= 'z')))
        i++;
    if (i == 0 || i > 8 || (i < line.len && line.p[i] != ' ')) {
        app_anomaly(ctx, f, "ftp.invalid_command");
        return -1;
    }
    struct span verb = {line.p, i};
    struct span arg = {line.p + i, line.len - i};
    if (arg.len) /* RFC 959 §5.3.2: exactly one SP; a password may have more */
        arg.p++, arg.len--;
    if (line_ci_eq(verb.p, verb.len, "USER")) {
        st->user_len = 0;
        size_t n = arg.len < sizeof(st->user) ? arg.len : sizeof(st->user);
        memcpy(st->user, arg.p, n);
        st->user_len = n;
        st->have_user = true;
    } else if (line_ci_eq(verb.p, verb.len, "PASS")) {
        ftp_emit_login(ctx, f, st, arg);
    } else if (line_ci_eq(verb.p, verb.len, "AUTH")) {
        struct span a = line_trim(arg);
        st->auth_tls_pending = line_ci_eq(a.p, a.len, "TLS") || line_ci_eq(a.p, a.len, "SSL") ||
                               line_ci_eq(a.p, a.len, "TLS-C") || line_ci_eq(a.p, a.len, "TLS-P");
    }
    return 0;
}

static int ftp_client(struct app_ctx *ctx, struct flow *f, struct ftp_state *st, struct rd *r)
{
    while (rd_left(r)) {
        struct span line;
        int rc = app_line_next(&st->ln[DIR_TOSERVER], r, &line);
        if (rc < 0) {
            app_anomaly(ctx, f, "ftp.line_too_long");
            return -1;
        }
        if (rc == 0)
            continue;
        bool buffered = line.p == st->ln[DIR_TOSERVER].b;
        rc = ftp_command(ctx, f, st, line);
        if (buffered)
            explicit_bzero(st->ln[DIR_TOSERVER].b, line.len); /* a PASS line */
        if (rc < 0)
            return -1;
    }
    return 0;
}

static bool is_code(struct span l)
{
    return l.len >= 3 && l.p[0] >= '1' && l.p[0] <= '5' && l.p[1] >= '0' && l.p[1] <= '9' &&
           l.p[2] >= '0' && l.p[2] <= '9';
}

/* One reply line; returns -1 to stop. RFC 959 §4.2: a multi-line reply
 * starts "xyz-" and ends with a line "xyz " of the same code; lines between
 * are free text. */
static int ftp_reply_line(struct app_ctx *ctx, struct flow *f, struct ftp_state *st,
                          struct span line)
{
    if (st->in_reply) {
        bool last = line.len >= 3 && memcmp(line.p, st->reply_code, 3) == 0 &&
                    (line.len == 3 || line.p[3] == ' ');
        if (!last) {
            struct span t = line_trim(line);
            if (t.len >= 8 && (line_ci_eq(t.p, 8, "AUTH TLS") || line_ci_eq(t.p, 8, "AUTH SSL")))
                st->starttls_offered = true; /* a FEAT listing */
            return 0;
        }
        st->in_reply = false;
    } else {
        if (!is_code(line) || (line.len > 3 && line.p[3] != ' ' && line.p[3] != '-')) {
            app_anomaly(ctx, f, "ftp.invalid_reply");
            return -1;
        }
        if (line.len > 3 && line.p[3] == '-') {
            memcpy(st->reply_code, line.p, 3);
            st->in_reply = true;
            return 0;
        }
    }
    /* A final reply line: is it the answer to AUTH TLS? */
    if (st->auth_tls_pending && line.p[0] != '1') {
        st->auth_tls_pending = false;
        if (memcmp(line.p, "234", 3) == 0) {
            struct msg_view m;
            memset(&m, 0, sizeof(m));
            m.protocol = "ftp";
            m.kind = MSG_SESSION;
            m.starttls_offered = true;
            m.encrypted = true;
            messaging_tx_done(ctx, f, DIR_TOCLIENT, st->tx_id++, &m);
            return -1; /* RFC 4217 §4: the TLS handshake follows */
        }
    }
    return 0;
}

static int ftp_server(struct app_ctx *ctx, struct flow *f, struct ftp_state *st, struct rd *r)
{
    while (rd_left(r)) {
        struct span line;
        int rc = app_line_next(&st->ln[DIR_TOCLIENT], r, &line);
        if (rc < 0) {
            app_anomaly(ctx, f, "ftp.line_too_long");
            return -1;
        }
        if (rc == 0)
            continue;
        if (ftp_reply_line(ctx, f, st, line) < 0)
            return -1;
    }
    return 0;
}

static int ftp_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                     const uint8_t *data, size_t len, bool gap)
{
    struct ftp_state *st = state;
    if (gap) {
        app_line_gap(&st->ln[dir]);
        return 0;
    }
    struct rd r = rd_init(data, len);
    return dir == DIR_TOSERVER ? ftp_client(ctx, f, st, &r) : ftp_server(ctx, f, st, &r);
}

/* A "220" greeting that does not name SMTP and either names FTP or comes
 * from port 21; or, on port 21, a client opening with USER or AUTH (the
 * greeting was missed). POP3 also has USER, hence the port for that case. */
static bool ftp_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    if (dir == DIR_TOCLIENT) {
        if (len < 4 || memcmp(data, "220", 3) != 0 || (data[3] != ' ' && data[3] != '-'))
            return false;
        size_t n = len < FTP_PROBE_LINE ? len : FTP_PROBE_LINE;
        const uint8_t *nl = memchr(data, '\n', n);
        size_t ll = nl ? (size_t)(nl - data) : n;
        if (line_ci_contains(data, ll, "SMTP"))
            return false;
        return line_ci_contains(data, ll, "FTP") || f->srv_port == 21;
    }
    if (f->srv_port != 21 || len < 5)
        return false;
    return line_ci_eq(data, 5, "USER ") || line_ci_eq(data, 5, "AUTH ");
}

static void ftp_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser ftp_parser = {
    .name = "ftp",
    .ipproto = 6,
    .register_buffers = ftp_register_buffers,
    .probe = ftp_probe,
    .state_new = ftp_state_new,
    .state_free = ftp_state_free,
    .parse = ftp_parse,
};

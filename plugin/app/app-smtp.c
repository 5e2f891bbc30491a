/* SMTP: RFC 5321 (commands, replies, DATA dot-stuffing), RFC 3207 (STARTTLS),
 * RFC 4954 + RFC 4616 (AUTH PLAIN), draft-murchison-sasl-login (AUTH LOGIN),
 * RFC 3030 (BDAT), RFC 2920 (pipelining: replies answer commands in order).
 *
 * Events (messaging.h):
 *   - one `message` per mail: from = MAIL FROM, to = the RCPT TO addresses
 *     joined with ", " (the header From / To when the envelope was not seen),
 *     channel = Subject, body = the text after the header block, up to
 *     SMTP_BODY_DEPTH bytes, dot-unstuffed, as sent (no MIME decoding);
 *   - one `login` per AUTH: PLAIN and LOGIN carry the password in clear
 *     (base64 is not encryption): user decoded, password fingerprinted only;
 *     other mechanisms are recorded by name without credentials;
 *   - one `session` with encrypted=true when STARTTLS is answered 220: the
 *     rest of the flow is TLS and is not parsed.
 *
 * Both directions are line based (CRLF, LF tolerated) except message content
 * (DATA, BDAT), which is consumed byte by byte so that chunk boundaries may
 * fall anywhere. Lines longer than SMTP_LINE_MAX, reply lines without a
 * three-digit code and commands without a verb are anomalies that stop
 * parsing the flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app-line.h"
#include "messaging.h"
#include "../util/base64.h"
#include "../util/rd.h"

#define SMTP_LINE_MAX 4096       /* RFC 5321 §4.5.3.1: 512 (commands), 1000 (text) */
#define SMTP_BODY_DEPTH 65536    /* message bytes kept for the body buffer */
#define SMTP_PENDING_MAX 64      /* pipelined commands awaiting their reply */
#define SMTP_FROM_MAX 512
#define SMTP_TO_MAX 2048         /* joined RCPT TO addresses */
#define SMTP_USER_MAX 256
#define SMTP_SASL_MAX 1024       /* decoded AUTH response */
#define SMTP_SUBJECT_MAX 1024
#define SMTP_PROBE_LINE 512

enum smtp_cmd { C_OTHER, C_EHLO, C_STARTTLS, C_AUTH, C_DATA, C_BDAT, C_MAIL, C_RCPT, C_RSET };

enum smtp_auth { A_NONE, A_PLAIN, A_LOGIN_USER, A_LOGIN_PASS, A_OTHER };

/* Content states: after 354 the client sends dot-stuffed text ending in
 * CRLF.CRLF (RFC 5321 §4.5.2); BDAT sends a byte count instead. */
enum smtp_content { M_NONE, M_BOL, M_MID, M_DOT, M_DOTCR, M_BDAT };

struct smtp_state {
    struct app_line ln[2];
    uint8_t line_buf[2][SMTP_LINE_MAX];
    uint8_t pending[SMTP_PENDING_MAX]; /* ring of enum smtp_cmd */
    size_t pend_head, pend_n;
    bool reply_open; /* inside a multi-line reply ("250-...") */
    bool starttls_offered;
    uint64_t tx_id;

    uint8_t auth;      /* enum smtp_auth: the AUTH exchange in progress */
    bool sasl_expect;  /* a 334 asked for a client response line */
    char mech[24];
    uint8_t user[SMTP_USER_MAX];
    size_t user_len;

    uint8_t from[SMTP_FROM_MAX];
    size_t from_len;
    uint8_t to[SMTP_TO_MAX];
    size_t to_len;

    uint8_t content;   /* enum smtp_content */
    uint64_t bdat_left;
    bool bdat_last;
    uint8_t *msg;
    size_t msg_len, msg_cap;
};

/* ---- small helpers ---- */

static bool ci_prefix(const uint8_t *p, size_t n, const char *s)
{
    size_t sl = strlen(s);
    return n >= sl && line_ci_eq(p, sl, s);
}

/* RFC 4648 base64, padding optional; returns decoded length or -1. */
static long b64_decode(struct span in, uint8_t *out, size_t cap)
{
    struct base64_dec d = {0, 0};
    size_t o = 0;
    for (size_t i = 0; i < in.len && in.p[i] != '='; i++) {
        int v = base64_value(in.p[i]);
        uint8_t byte;
        if (v < 0)
            return -1;
        if (base64_push(&d, v, &byte)) {
            if (o >= cap)
                return -1;
            out[o++] = byte;
        }
    }
    return (long)o;
}

static void put_bytes(uint8_t *dst, size_t *dlen, size_t cap, const uint8_t *p, size_t n)
{
    if (n > cap - *dlen)
        n = cap - *dlen;
    memcpy(dst + *dlen, p, n);
    *dlen += n;
}

/* "<addr>" of "MAIL FROM:<addr> SIZE=..." (angle brackets optional). */
static struct span smtp_path(struct span arg)
{
    arg = line_trim(arg);
    if (arg.len && arg.p[0] == '<') {
        const uint8_t *gt = memchr(arg.p, '>', arg.len);
        struct span s = {arg.p + 1, gt ? (size_t)(gt - arg.p) - 1 : arg.len - 1};
        return s;
    }
    const uint8_t *sp = memchr(arg.p, ' ', arg.len);
    if (sp)
        arg.len = (size_t)(sp - arg.p);
    return arg;
}

/* ---- per-flow state ---- */

static void *smtp_state_new(void)
{
    struct smtp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    for (int d = 0; d < 2; d++)
        app_line_init(&st->ln[d], st->line_buf[d], SMTP_LINE_MAX);
    return st;
}

static void smtp_state_free(void *state)
{
    struct smtp_state *st = state;
    if (!st)
        return;
    free(st->msg);
    explicit_bzero(st, sizeof(*st)); /* the line buffers may hold AUTH responses */
    free(st);
}

static void pend_push(struct app_ctx *ctx, struct flow *f, struct smtp_state *st, uint8_t cmd)
{
    if (st->pend_n == SMTP_PENDING_MAX) {
        app_anomaly(ctx, f, "smtp.too_many_pipelined_commands");
        st->pend_head = (st->pend_head + 1) % SMTP_PENDING_MAX;
        st->pend_n--;
    }
    st->pending[(st->pend_head + st->pend_n) % SMTP_PENDING_MAX] = cmd;
    st->pend_n++;
}

static uint8_t pend_head(const struct smtp_state *st)
{
    return st->pend_n ? st->pending[st->pend_head] : C_OTHER;
}

static void pend_pop(struct smtp_state *st)
{
    if (st->pend_n) {
        st->pend_head = (st->pend_head + 1) % SMTP_PENDING_MAX;
        st->pend_n--;
    }
}

static void envelope_reset(struct smtp_state *st)
{
    st->from_len = st->to_len = 0;
    st->msg_len = 0;
    st->content = M_NONE;
}

/* ---- events ---- */

static void emit_login(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                       const uint8_t *pw, size_t pw_len, bool cleartext)
{
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "smtp";
    m.kind = MSG_LOGIN;
    m.starttls_offered = st->starttls_offered;
    m.auth_mechanism = st->mech;
    m.user.p = st->user;
    m.user.len = st->user_len;
    m.cleartext_password = cleartext;
    m.password.p = pw;
    m.password.len = pw_len;
    messaging_tx_done(ctx, f, DIR_TOSERVER, st->tx_id++, &m);
}

/* A header's value (first line only, for From / To fallbacks). */
struct smtp_headers {
    struct span from, to;
    uint8_t subject[SMTP_SUBJECT_MAX];
    size_t subject_len;
    bool has_subject;
    struct span body;
};

static bool header_line(struct span l)
{
    for (size_t i = 0; i < l.len; i++) {
        if (l.p[i] == ':')
            return i > 0;
        if (l.p[i] <= ' ' || l.p[i] >= 0x7f)
            return false;
    }
    return false;
}

/* RFC 5322 §2.2: header fields up to the first empty line; folded lines
 * start with white space. Subject is unfolded into h->subject. */
static void parse_headers(const uint8_t *msg, size_t len, struct smtp_headers *h)
{
    struct rd r = rd_init(msg, len);
    bool in_subject = false;
    memset(h, 0, sizeof(*h));
    h->body.p = msg;
    h->body.len = len;
    while (rd_left(&r)) {
        const uint8_t *start = r.p;
        struct span l = rd_line(&r, rd_left(&r));
        if (r.err) { /* last line without LF: a header block cut by the depth */
            r.err = false;
            l = rd_bytes(&r, rd_left(&r));
        }
        if (l.len == 0) {
            h->body.p = r.p;
            h->body.len = rd_left(&r);
            return;
        }
        if (l.p[0] == ' ' || l.p[0] == '\t') {
            if (in_subject)
                put_bytes(h->subject, &h->subject_len, sizeof(h->subject), l.p, l.len);
            continue;
        }
        if (!header_line(l)) { /* no header block: all of it is the body */
            h->body.p = start;
            h->body.len = len - (size_t)(h->body.p - msg);
            return;
        }
        const uint8_t *colon = memchr(l.p, ':', l.len);
        struct span name = {l.p, (size_t)(colon - l.p)};
        struct span val = {colon + 1, l.len - name.len - 1};
        val = line_trim(val);
        in_subject = false;
        if (line_ci_eq(name.p, name.len, "subject") && !h->has_subject) {
            h->has_subject = in_subject = true;
            put_bytes(h->subject, &h->subject_len, sizeof(h->subject), val.p, val.len);
        } else if (line_ci_eq(name.p, name.len, "from") && !h->from.p) {
            h->from = val;
        } else if (line_ci_eq(name.p, name.len, "to") && !h->to.p) {
            h->to = val;
        }
    }
    h->body.p = NULL; /* headers only, or cut by the depth before the body */
    h->body.len = 0;
}

static void emit_message(struct app_ctx *ctx, struct flow *f, struct smtp_state *st)
{
    struct smtp_headers *h = malloc(sizeof(*h));
    if (!h) {
        envelope_reset(st);
        return;
    }
    parse_headers(st->msg ? st->msg : (const uint8_t *)"", st->msg_len, h);
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "smtp";
    m.kind = MSG_MESSAGE;
    m.starttls_offered = st->starttls_offered;
    m.from.p = st->from;
    m.from.len = st->from_len;
    if (!st->from_len) {
        m.from.p = h->from.p;
        m.from.len = h->from.len;
    }
    m.to.p = st->to;
    m.to.len = st->to_len;
    if (!st->to_len) {
        m.to.p = h->to.p;
        m.to.len = h->to.len;
    }
    if (h->has_subject) {
        m.channel.p = h->subject;
        m.channel.len = h->subject_len;
    }
    m.body.p = h->body.p ? h->body.p : (const uint8_t *)"";
    m.body.len = h->body.len;
    messaging_tx_done(ctx, f, DIR_TOSERVER, st->tx_id++, &m);
    free(h);
    envelope_reset(st);
}

/* ---- message content ---- */

static void msg_append(struct smtp_state *st, const uint8_t *p, size_t n)
{
    if (n > SMTP_BODY_DEPTH - st->msg_len)
        n = SMTP_BODY_DEPTH - st->msg_len;
    if (!n)
        return;
    if (st->msg_len + n > st->msg_cap) {
        size_t cap = st->msg_cap ? st->msg_cap : 4096;
        while (cap < st->msg_len + n)
            cap *= 2;
        if (cap > SMTP_BODY_DEPTH)
            cap = SMTP_BODY_DEPTH;
        uint8_t *nb = realloc(st->msg, cap);
        if (!nb)
            return;
        st->msg = nb;
        st->msg_cap = cap;
    }
    memcpy(st->msg + st->msg_len, p, n);
    st->msg_len += n;
}

/* Dot-terminated content (RFC 5321 §4.5.2): a line "." ends it and a
 * leading dot of any other line is removed. Returns true at the end. */
static bool content_dot(struct smtp_state *st, struct rd *r)
{
    static const uint8_t cr = '\r';
    while (rd_left(r)) {
        uint8_t c = rd_u8(r);
        switch (st->content) {
        case M_BOL:
            if (c == '.') {
                st->content = M_DOT;
                continue;
            }
            break;
        case M_DOT:
            if (c == '\r') {
                st->content = M_DOTCR;
                continue;
            }
            if (c == '\n')
                return true; /* bare LF terminator, as lenient servers accept */
            break;           /* dot-stuffed line: the first dot is dropped */
        case M_DOTCR:
            if (c == '\n')
                return true;
            msg_append(st, &cr, 1);
            break;
        default:
            break;
        }
        msg_append(st, &c, 1);
        st->content = c == '\n' ? M_BOL : M_MID;
    }
    return false;
}

static void content_bdat(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                         struct rd *r)
{
    size_t n = rd_left(r);
    if (n > st->bdat_left)
        n = (size_t)st->bdat_left;
    struct span s = rd_bytes(r, n);
    msg_append(st, s.p, s.len);
    st->bdat_left -= n;
    if (st->bdat_left)
        return;
    st->content = M_NONE;
    if (st->bdat_last)
        emit_message(ctx, f, st);
}

/* ---- client commands ---- */

static void auth_start(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                       struct span arg);

static void sasl_response(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                          struct span line)
{
    uint8_t dec[SMTP_SASL_MAX];
    st->sasl_expect = false;
    line = line_trim(line);
    if (line.len == 1 && line.p[0] == '*') { /* RFC 4954 §4: client cancels */
        st->auth = A_NONE;
        return;
    }
    long n = b64_decode(line, dec, sizeof(dec));
    if (n < 0) {
        app_anomaly(ctx, f, "smtp.auth_invalid_base64");
        st->auth = A_NONE;
        return;
    }
    if (st->auth == A_PLAIN) {
        /* RFC 4616: [authzid] NUL authcid NUL passwd */
        uint8_t *z1 = memchr(dec, 0, (size_t)n);
        uint8_t *z2 = z1 ? memchr(z1 + 1, 0, (size_t)(dec + n - (z1 + 1))) : NULL;
        if (!z2) {
            app_anomaly(ctx, f, "smtp.auth_plain_malformed");
        } else {
            size_t ulen = (size_t)(z2 - (z1 + 1));
            const uint8_t *u = z1 + 1;
            if (!ulen) { /* no authcid: the authzid names the user */
                u = dec;
                ulen = (size_t)(z1 - dec);
            }
            st->user_len = 0;
            put_bytes(st->user, &st->user_len, sizeof(st->user), u, ulen);
            emit_login(ctx, f, st, z2 + 1, (size_t)(dec + n - (z2 + 1)), true);
        }
        st->auth = A_NONE;
    } else if (st->auth == A_LOGIN_USER) {
        st->user_len = 0;
        put_bytes(st->user, &st->user_len, sizeof(st->user), dec, (size_t)n);
        st->auth = A_LOGIN_PASS;
    } else if (st->auth == A_LOGIN_PASS) {
        emit_login(ctx, f, st, dec, (size_t)n, true);
        st->auth = A_NONE;
    }
    explicit_bzero(dec, sizeof(dec));
}

static void auth_start(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                       struct span arg)
{
    arg = line_trim(arg);
    const uint8_t *sp = memchr(arg.p, ' ', arg.len);
    struct span mech = {arg.p, sp ? (size_t)(sp - arg.p) : arg.len};
    struct span initial = {sp ? sp + 1 : arg.p + arg.len, sp ? arg.len - mech.len - 1 : 0};
    bool ok = mech.len > 0 && mech.len < sizeof(st->mech);
    for (size_t i = 0; ok && i < mech.len; i++) {
        uint8_t c = mech.p[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    }
    if (!ok) {
        snprintf(st->mech, sizeof(st->mech), "%s", "OTHER");
    } else {
        for (size_t i = 0; i < mech.len; i++)
            st->mech[i] = (char)(mech.p[i] >= 'a' && mech.p[i] <= 'z' ? mech.p[i] - 32
                                                                        : mech.p[i]);
        st->mech[mech.len] = 0;
    }
    st->user_len = 0;
    st->sasl_expect = false;
    if (ok && line_ci_eq(mech.p, mech.len, "PLAIN"))
        st->auth = A_PLAIN;
    else if (ok && line_ci_eq(mech.p, mech.len, "LOGIN"))
        st->auth = A_LOGIN_USER;
    else {
        st->auth = A_OTHER; /* challenge-response: no password on the wire */
        emit_login(ctx, f, st, NULL, 0, false);
        return;
    }
    initial = line_trim(initial);
    if (initial.len && !(initial.len == 1 && initial.p[0] == '=')) /* "=": empty response */
        sasl_response(ctx, f, st, initial);
}

/* The verb: 1..16 letters, then a space or the end of the line. */
static bool smtp_verb(struct span line, struct span *verb, struct span *arg)
{
    size_t i = 0;
    while (i < line.len && i <= 16 &&
           ((line.p[i] >= 'A' && line.p[i] <= 'Z') || (line.p[i] >= 'a' && line.p[i] <= 'z')))
        i++;
    if (i == 0 || i > 16 || (i < line.len && line.p[i] != ' '))
        return false;
    verb->p = line.p;
    verb->len = i;
    arg->p = line.p + (i < line.len ? i + 1 : i);
    arg->len = i < line.len ? line.len - i - 1 : 0;
    return true;
}

static bool parse_bdat(struct smtp_state *st, struct span arg)
{
    char num[24];
    arg = line_trim(arg);
    size_t i = 0;
    while (i < arg.len && arg.p[i] >= '0' && arg.p[i] <= '9')
        i++;
    if (i == 0 || i >= sizeof(num))
        return false;
    memcpy(num, arg.p, i);
    num[i] = 0;
    char *end;
    unsigned long long v = strtoull(num, &end, 10);
    if (*end)
        return false;
    struct span rest = {arg.p + i, arg.len - i};
    rest = line_trim(rest);
    st->bdat_left = v;
    st->bdat_last = line_ci_eq(rest.p, rest.len, "LAST");
    return true;
}

/* Returns -1 to stop parsing the flow. */
static int smtp_command(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                        struct span line)
{
    struct span verb, arg;
    if (st->sasl_expect && st->auth != A_NONE) {
        sasl_response(ctx, f, st, line);
        return 0;
    }
    if (line.len == 0)
        return 0;
    if (!smtp_verb(line, &verb, &arg)) {
        app_anomaly(ctx, f, "smtp.invalid_command");
        return -1;
    }
    uint8_t cmd = C_OTHER;
    if (line_ci_eq(verb.p, verb.len, "EHLO") || line_ci_eq(verb.p, verb.len, "HELO")) {
        cmd = C_EHLO;
    } else if (line_ci_eq(verb.p, verb.len, "STARTTLS")) {
        cmd = C_STARTTLS;
    } else if (line_ci_eq(verb.p, verb.len, "AUTH")) {
        cmd = C_AUTH;
        pend_push(ctx, f, st, cmd);
        auth_start(ctx, f, st, arg);
        return 0;
    } else if (line_ci_eq(verb.p, verb.len, "MAIL") && ci_prefix(arg.p, arg.len, "FROM:")) {
        cmd = C_MAIL;
        envelope_reset(st);
        struct span a = {arg.p + 5, arg.len - 5};
        a = smtp_path(a);
        put_bytes(st->from, &st->from_len, sizeof(st->from), a.p, a.len);
    } else if (line_ci_eq(verb.p, verb.len, "RCPT") && ci_prefix(arg.p, arg.len, "TO:")) {
        cmd = C_RCPT;
        struct span a = {arg.p + 3, arg.len - 3};
        a = smtp_path(a);
        if (st->to_len)
            put_bytes(st->to, &st->to_len, sizeof(st->to), (const uint8_t *)", ", 2);
        put_bytes(st->to, &st->to_len, sizeof(st->to), a.p, a.len);
    } else if (line_ci_eq(verb.p, verb.len, "DATA")) {
        cmd = C_DATA;
    } else if (line_ci_eq(verb.p, verb.len, "BDAT")) {
        if (!parse_bdat(st, arg)) {
            app_anomaly(ctx, f, "smtp.bdat_invalid_size");
            return -1;
        }
        cmd = C_BDAT;
        st->content = M_BDAT;
        if (!st->bdat_left) { /* "BDAT 0 LAST" */
            st->content = M_NONE;
            pend_push(ctx, f, st, cmd);
            if (st->bdat_last)
                emit_message(ctx, f, st);
            return 0;
        }
    } else if (line_ci_eq(verb.p, verb.len, "RSET")) {
        cmd = C_RSET;
        envelope_reset(st);
    }
    pend_push(ctx, f, st, cmd);
    return 0;
}

static int smtp_client(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                       struct rd *r)
{
    while (rd_left(r)) {
        if (st->content == M_BDAT) {
            content_bdat(ctx, f, st, r);
            continue;
        }
        if (st->content != M_NONE) {
            if (content_dot(st, r))
                emit_message(ctx, f, st);
            continue;
        }
        struct span line;
        int rc = app_line_next(&st->ln[DIR_TOSERVER], r, &line);
        if (rc < 0) {
            app_anomaly(ctx, f, "smtp.line_too_long");
            return -1;
        }
        if (rc == 0)
            continue;
        bool buffered = line.p == st->ln[DIR_TOSERVER].b;
        bool secret = st->sasl_expect || ci_prefix(line.p, line.len, "AUTH");
        rc = smtp_command(ctx, f, st, line);
        if (buffered && secret)
            explicit_bzero(st->ln[DIR_TOSERVER].b, line.len);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- server replies ---- */

/* The reply to pend_head() is complete with code; returns -1 to stop. */
static int smtp_reply_done(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                           int code)
{
    if (!st->pend_n)
        return 0; /* the greeting, or an unsolicited 421 */
    uint8_t cmd = pend_head(st);
    if (cmd == C_AUTH && code == 334) {
        st->sasl_expect = st->auth != A_NONE;
        return 0;
    }
    if (cmd == C_DATA && code == 354) {
        st->content = M_BOL;
        st->msg_len = 0;
        return 0;
    }
    pend_pop(st);
    if (cmd == C_AUTH) {
        st->auth = A_NONE;
        st->sasl_expect = false;
    } else if (cmd == C_STARTTLS && code == 220) {
        struct msg_view m;
        memset(&m, 0, sizeof(m));
        m.protocol = "smtp";
        m.kind = MSG_SESSION;
        m.starttls_offered = st->starttls_offered;
        m.encrypted = true;
        messaging_tx_done(ctx, f, DIR_TOCLIENT, st->tx_id++, &m);
        return -1; /* RFC 3207 §4.2: TLS starts right after the 220 */
    }
    return 0;
}

static int smtp_server(struct app_ctx *ctx, struct flow *f, struct smtp_state *st,
                       struct rd *r)
{
    while (rd_left(r)) {
        struct span line;
        int rc = app_line_next(&st->ln[DIR_TOCLIENT], r, &line);
        if (rc < 0) {
            app_anomaly(ctx, f, "smtp.line_too_long");
            return -1;
        }
        if (rc == 0)
            continue;
        /* RFC 5321 §4.2: Reply-code [ SP / "-" text ] */
        if (line.len < 3 || line.p[0] < '2' || line.p[0] > '5' || line.p[1] < '0' ||
            line.p[1] > '9' || line.p[2] < '0' || line.p[2] > '9' ||
            (line.len > 3 && line.p[3] != ' ' && line.p[3] != '-')) {
            app_anomaly(ctx, f, "smtp.invalid_reply");
            return -1;
        }
        int code = (line.p[0] - '0') * 100 + (line.p[1] - '0') * 10 + (line.p[2] - '0');
        if (pend_head(st) == C_EHLO && st->pend_n && line.len > 4) {
            struct span kw = {line.p + 4, line.len - 4};
            kw = line_trim(kw);
            if (line_ci_eq(kw.p, kw.len, "STARTTLS"))
                st->starttls_offered = true;
        }
        st->reply_open = line.len > 3 && line.p[3] == '-';
        if (!st->reply_open && smtp_reply_done(ctx, f, st, code) < 0)
            return -1;
    }
    return 0;
}

static int smtp_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool gap)
{
    struct smtp_state *st = state;
    if (gap) {
        /* Lost bytes: a line in progress is dropped and the next LF resyncs;
         * message content keeps going, its lost part missing from the body. */
        st->ln[dir].n = 0;
        if (dir == DIR_TOSERVER && st->content == M_BDAT) {
            st->bdat_left = len < st->bdat_left ? st->bdat_left - len : 0;
            if (!st->bdat_left)
                st->content = M_NONE;
        } else if (dir == DIR_TOSERVER && st->content != M_NONE) {
            st->content = M_MID;
        } else {
            st->ln[dir].resync = true;
        }
        return 0;
    }
    struct rd r = rd_init(data, len);
    return dir == DIR_TOSERVER ? smtp_client(ctx, f, st, &r) : smtp_server(ctx, f, st, &r);
}

/* A server greeting "220 host ESMTP ..." naming (E)SMTP, or a client that
 * opens with EHLO / HELO (the greeting was missed). */
static bool smtp_probe(const uint8_t *data, size_t len, enum flow_dir dir,
                       const struct flow *f)
{
    (void)f;
    if (dir == DIR_TOCLIENT) {
        if (len < 4 || memcmp(data, "220", 3) != 0 || (data[3] != ' ' && data[3] != '-'))
            return false;
        size_t n = len < SMTP_PROBE_LINE ? len : SMTP_PROBE_LINE;
        const uint8_t *nl = memchr(data, '\n', n);
        return line_ci_contains(data, nl ? (size_t)(nl - data) : n, "SMTP");
    }
    if (len < 5 || !(ci_prefix(data, len, "EHLO") || ci_prefix(data, len, "HELO")))
        return false;
    return data[4] == ' ' || data[4] == '\r' || data[4] == '\n';
}

static void smtp_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser smtp_parser = {
    .name = "smtp",
    .ipproto = 6,
    .register_buffers = smtp_register_buffers,
    .probe = smtp_probe,
    .state_new = smtp_state_new,
    .state_free = smtp_state_free,
    .parse = smtp_parse,
};

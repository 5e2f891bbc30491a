/* IRC client protocol: RFC 2812 §2.3 (message format), §3.1 (registration:
 * PASS, NICK, USER), §3.3 (PRIVMSG, NOTICE); IRCv3 message tags and
 * STARTTLS (numeric 670 RPL_STARTTLS, 691 ERR_STARTTLS).
 *
 *   [ "@" tags SP ] [ ":" prefix SP ] command *( SP middle ) [ SP ":" trailing ] CRLF
 *
 * RFC 2812 caps a line at 512 bytes; servers and IRCv3 tags exceed that,
 * so lines up to IRC_LINE_MAX are accepted and a longer one stops the
 * parser. Each PRIVMSG / NOTICE is a `messaging` event (sender: the
 * client's NICK toward the server, the prefix's nick from it); the
 * registration (NICK + USER, with PASS if sent) is one `login` event whose
 * password appears only as a fingerprint; a STARTTLS that the server
 * accepts is a `session` event with encrypted true, and parsing stops. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app-tls.h"
#include "messaging.h"
#include "../util/ascii.h"
#include "../util/rd.h"

#define IRC_LINE_MAX 8192
#define IRC_PARAMS_MAX 15 /* RFC 2812 §2.3 */
#define IRC_NAME_MAX 512
#define IRC_PROBE_WORD 16

struct irc_dir {
    uint8_t line[IRC_LINE_MAX];
    size_t len;
    bool resync; /* after a gap: drop bytes up to the next LF */
};

struct irc_name {
    uint8_t b[IRC_NAME_MAX];
    size_t len;
};

struct irc_state {
    struct irc_dir d[2];
    uint64_t tx_id;
    struct irc_name nick, user, pass;
    bool have_nick, have_user, have_pass, login_logged, starttls_requested;
};

struct irc_msg {
    struct span prefix;
    struct span command;
    struct span params[IRC_PARAMS_MAX];
    size_t nparams;
};

enum { IR_OK = 0, IR_STOP = -1 };

static bool cmd_is(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s.p[i];
        if (c >= 'a' && c <= 'z')
            c = (uint8_t)(c - 'a' + 'A');
        if (c != (uint8_t)lit[i])
            return false;
    }
    return true;
}

static struct span rd_word(struct rd *r)
{
    struct span s = {r->p, 0};
    while (rd_left(r) > 0 && r->p[0] != ' ')
        r->p++;
    s.len = (size_t)(r->p - s.p);
    return s;
}

static void rd_spaces(struct rd *r)
{
    while (rd_left(r) > 0 && r->p[0] == ' ')
        r->p++;
}

/* Splits a line (CRLF removed); returns false when it is not an IRC message. */
static bool irc_split(struct span line, struct irc_msg *m)
{
    struct rd r = rd_init(line.p, line.len);
    memset(m, 0, sizeof(*m));
    if (memchr(line.p, '\0', line.len))
        return false;
    if (rd_left(&r) > 0 && r.p[0] == '@') {
        rd_word(&r); /* IRCv3 tags */
        rd_spaces(&r);
    }
    if (rd_left(&r) > 0 && r.p[0] == ':') {
        r.p++;
        m->prefix = rd_word(&r);
        rd_spaces(&r);
    }
    m->command = rd_word(&r);
    struct span c = m->command;
    bool numeric = c.len == 3 && is_digit(c.p[0]) && is_digit(c.p[1]) && is_digit(c.p[2]);
    for (size_t i = 0; !numeric && i < c.len; i++)
        if (!is_alpha(c.p[i]))
            return false;
    if (c.len == 0)
        return false;
    while (rd_left(&r) > 0 && m->nparams < IRC_PARAMS_MAX) {
        rd_spaces(&r);
        if (rd_left(&r) == 0)
            break;
        if (r.p[0] == ':' || m->nparams == IRC_PARAMS_MAX - 1) {
            if (r.p[0] == ':')
                r.p++;
            m->params[m->nparams].p = r.p;
            m->params[m->nparams++].len = rd_left(&r);
            break;
        }
        m->params[m->nparams++] = rd_word(&r);
    }
    return true;
}

static void name_set(struct irc_name *n, struct span s)
{
    n->len = s.len < IRC_NAME_MAX ? s.len : IRC_NAME_MAX;
    memcpy(n->b, s.p, n->len);
}

static struct msg_span nspan(const struct irc_name *n)
{
    struct msg_span s = {n->len ? n->b : NULL, n->len};
    return s;
}

static bool is_channel(struct span t)
{
    return t.len > 0 && (t.p[0] == '#' || t.p[0] == '&' || t.p[0] == '+' || t.p[0] == '!');
}

/* ---- events ------------------------------------------------------------------ */

static void irc_view(const struct irc_state *st, struct msg_view *m, uint8_t kind)
{
    memset(m, 0, sizeof(*m));
    m->protocol = "irc";
    m->kind = kind;
    m->from = nspan(&st->nick);
    m->user = nspan(&st->user);
    m->cleartext_password = st->have_pass;
    m->password = nspan(&st->pass);
    if (st->have_pass)
        m->auth_mechanism = "PASS";
}

static void log_login(struct app_ctx *ctx, struct flow *f, struct irc_state *st,
                      enum flow_dir dir)
{
    if (st->login_logged || !st->have_nick || !st->have_user)
        return;
    st->login_logged = true;
    struct msg_view m;
    irc_view(st, &m, MSG_LOGIN);
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

static void log_encrypted(struct app_ctx *ctx, struct flow *f, struct irc_state *st,
                          enum flow_dir dir)
{
    struct msg_view m;
    irc_view(st, &m, MSG_SESSION);
    m.starttls_offered = true;
    m.encrypted = true;
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

static void log_message(struct app_ctx *ctx, struct flow *f, struct irc_state *st,
                        enum flow_dir dir, const struct irc_msg *im)
{
    if (im->nparams < 1)
        return;
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "irc";
    m.kind = MSG_MESSAGE;
    if (dir == DIR_TOSERVER) {
        m.from = nspan(&st->nick);
    } else if (im->prefix.len) {
        const uint8_t *bang = memchr(im->prefix.p, '!', im->prefix.len);
        m.from.p = im->prefix.p;
        m.from.len = bang ? (size_t)(bang - im->prefix.p) : im->prefix.len;
    }
    struct msg_span target = {im->params[0].p, im->params[0].len};
    if (is_channel(im->params[0]))
        m.channel = target;
    else
        m.to = target;
    static const uint8_t empty[1];
    m.body.p = im->nparams > 1 ? im->params[1].p : empty;
    m.body.len = im->nparams > 1 ? im->params[1].len : 0;
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

/* ---- commands ---------------------------------------------------------------- */

static void on_client(struct app_ctx *ctx, struct flow *f, struct irc_state *st,
                      const struct irc_msg *m)
{
    if (cmd_is(m->command, "PASS") && m->nparams >= 1) {
        name_set(&st->pass, m->params[0]);
        st->have_pass = true;
    } else if (cmd_is(m->command, "NICK") && m->nparams >= 1) {
        name_set(&st->nick, m->params[0]);
        st->have_nick = true;
        log_login(ctx, f, st, DIR_TOSERVER);
    } else if (cmd_is(m->command, "USER") && m->nparams >= 1) {
        name_set(&st->user, m->params[0]);
        st->have_user = true;
        log_login(ctx, f, st, DIR_TOSERVER);
    } else if (cmd_is(m->command, "STARTTLS")) {
        st->starttls_requested = true;
    } else if (cmd_is(m->command, "PRIVMSG") || cmd_is(m->command, "NOTICE")) {
        log_message(ctx, f, st, DIR_TOSERVER, m);
    }
}

static int on_server(struct app_ctx *ctx, struct flow *f, struct irc_state *st,
                     const struct irc_msg *m)
{
    if (cmd_is(m->command, "670") && st->starttls_requested) {
        log_encrypted(ctx, f, st, DIR_TOCLIENT);
        return IR_STOP;
    }
    if (cmd_is(m->command, "691"))
        st->starttls_requested = false;
    else if (cmd_is(m->command, "PRIVMSG") || cmd_is(m->command, "NOTICE"))
        log_message(ctx, f, st, DIR_TOCLIENT, m);
    return IR_OK;
}

static int on_line(struct app_ctx *ctx, struct flow *f, struct irc_state *st, enum flow_dir dir,
                   struct span line)
{
    struct irc_msg m;
    if (line.len == 0)
        return IR_OK;
    if (!irc_split(line, &m)) {
        /* After STARTTLS the client's next bytes are a TLS ClientHello. */
        if (st->starttls_requested && tls_record_looks_like_handshake(line.p, line.len)) {
            log_encrypted(ctx, f, st, dir);
            return IR_STOP;
        }
        app_anomaly(ctx, f, "irc.invalid_line");
        return IR_STOP;
    }
    if (dir == DIR_TOSERVER) {
        on_client(ctx, f, st, &m);
        return IR_OK;
    }
    return on_server(ctx, f, st, &m);
}

/* ---- driver ------------------------------------------------------------------ */

static int irc_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                     const uint8_t *data, size_t len, bool gap)
{
    struct irc_state *st = state;
    struct irc_dir *d = &st->d[dir];
    if (gap) {
        d->len = 0;
        d->resync = true;
        return 0;
    }
    struct rd r = rd_init(data, len);
    while (rd_left(&r) > 0) {
        const uint8_t *nl = memchr(r.p, '\n', rd_left(&r));
        size_t n = nl ? (size_t)(nl - r.p) + 1 : rd_left(&r);
        struct span piece = rd_bytes(&r, n);
        if (d->resync) {
            d->resync = !nl;
            continue;
        }
        if (piece.len > IRC_LINE_MAX - d->len) {
            app_anomaly(ctx, f, "irc.line_too_long");
            return -1;
        }
        memcpy(d->line + d->len, piece.p, piece.len);
        d->len += piece.len;
        if (!nl)
            break;
        struct rd lr = rd_init(d->line, d->len);
        struct span line = rd_line(&lr, IRC_LINE_MAX);
        d->len = 0;
        if (on_line(ctx, f, st, dir, line) == IR_STOP)
            return -1;
    }
    /* A partial line that cannot be IRC (a TLS record after STARTTLS) is
     * decided now rather than after IRC_LINE_MAX bytes. */
    if (st->starttls_requested && d->len >= 6 && tls_record_looks_like_handshake(d->line, d->len)) {
        struct span line = {d->line, d->len};
        d->len = 0;
        if (on_line(ctx, f, st, dir, line) == IR_STOP)
            return -1;
    }
    return 0;
}

/* ---- registration ------------------------------------------------------------ */

/* "USER name mode unused :real name": three words, then the trailing ':'. */
static bool user_line_has_realname(const uint8_t *p, size_t len)
{
    const uint8_t *nl = memchr(p, '\n', len);
    size_t n = nl ? (size_t)(nl - p) : len;
    unsigned spaces = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == ' ' && ++spaces == 4)
            return p[i + 1] == ':';
    return false;
}

static bool pass_then_registration(const uint8_t *p, size_t len)
{
    const uint8_t *nl = memchr(p, '\n', len);
    if (!nl)
        return false;
    size_t off = (size_t)(nl - p) + 1;
    struct span next = {p + off, len - off < 5 ? len - off : 5};
    return cmd_is(next, "NICK ") || cmd_is(next, "USER ");
}

/* The first line starts with a registration command from a client, or with a
 * server's prefixed NOTICE / numeric / PING (servers greet first). */
static bool irc_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)dir;
    (void)f;
    static const char *const server_cmds[] = {"NOTICE", "PING", "ERROR"};
    struct rd r = rd_init(data, len);
    bool prefixed = rd_left(&r) > 0 && r.p[0] == ':';
    if (prefixed) {
        r.p++;
        struct span prefix = rd_word(&r);
        if (prefix.len == 0 || prefix.len > 255 || rd_u8(&r) != ' ')
            return false;
    }
    const uint8_t *w = r.p;
    size_t lim = rd_left(&r) < IRC_PROBE_WORD ? rd_left(&r) : IRC_PROBE_WORD;
    const uint8_t *sp = memchr(w, ' ', lim);
    if (!sp)
        return false;
    struct span cmd = {w, (size_t)(sp - w)};
    if (prefixed && cmd.len == 3 && is_digit(w[0]) && is_digit(w[1]) && is_digit(w[2]))
        return true;
    for (size_t i = 0; i < sizeof(server_cmds) / sizeof(server_cmds[0]); i++)
        if (cmd_is(cmd, server_cmds[i]))
            return true;
    if (prefixed)
        return false;
    /* USER and PASS are also POP3 and FTP commands: USER must carry
     * RFC 2812's four parameters, PASS must be followed by NICK or USER. */
    if (cmd_is(cmd, "NICK") || cmd_is(cmd, "CAP"))
        return true;
    if (cmd_is(cmd, "USER"))
        return user_line_has_realname(r.p, rd_left(&r));
    if (cmd_is(cmd, "PASS"))
        return pass_then_registration(r.p, rd_left(&r));
    return false;
}

static void *irc_state_new(void)
{
    return calloc(1, sizeof(struct irc_state));
}

static void irc_state_free(void *state)
{
    if (!state)
        return;
    explicit_bzero(state, sizeof(struct irc_state)); /* PASS and buffered lines */
    free(state);
}

static void irc_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser irc_parser = {
    .name = "irc",
    .ipproto = 6,
    .register_buffers = irc_register_buffers,
    .probe = irc_probe,
    .state_new = irc_state_new,
    .state_free = irc_state_free,
    .parse = irc_parse,
};

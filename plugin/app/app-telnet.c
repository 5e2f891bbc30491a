/* Telnet logins: RFC 854 (IAC commands, IAC IAC = data byte 255, CR NUL),
 * RFC 855 (option negotiation WILL/WONT/DO/DONT, subnegotiation SB ... IAC SE).
 *
 * Telnet has no login command: the server prints a prompt ("login:",
 * "Username:") and the client types a line, then "Password:" and another
 * line. In character mode the client sends one byte per segment and the
 * server echoes the name (not the password), so prompts are matched on the
 * tail of the server's text after IAC sequences are stripped, and the
 * client's typed bytes are collected into a line (backspace honoured) until
 * CR or LF.
 *
 * Events (messaging.h): one `login` per password typed (protocol "telnet",
 * user, cleartext_password true, the password only as a fingerprint). After
 * a login the server gets TELNET_AFTER_LOGIN more bytes to prompt again (a
 * failed attempt); then, or after TELNET_MAX_ATTEMPTS, or when no prompt
 * came in the first TELNET_PRELOGIN_MAX bytes, the flow is left alone.
 * IAC followed by a byte below 240 (no such command) and a subnegotiation
 * longer than TELNET_SB_MAX are anomalies that stop parsing. */
#include <stdlib.h>
#include <string.h>

#include "messaging.h"
#include "../util/rd.h"

#define TELNET_LINE_MAX 256
#define TELNET_TAIL 64
#define TELNET_SB_MAX 1024
#define TELNET_PRELOGIN_MAX 65536
#define TELNET_AFTER_LOGIN 4096
#define TELNET_MAX_ATTEMPTS 5

enum { IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240 };

enum telnet_iac { T_DATA, T_IAC, T_OPT, T_SB, T_SB_IAC };

enum telnet_phase {
    P_WAIT,        /* no prompt yet */
    P_USER,        /* after a login prompt: the client types its name */
    P_PASS_PROMPT, /* name typed, waiting for the password prompt */
    P_PASS,        /* after a password prompt: the client types it */
    P_AFTER,       /* a password was typed: watching for a new prompt */
};

struct telnet_state {
    uint8_t iac[2];    /* enum telnet_iac per direction */
    size_t sb_len[2];
    uint8_t phase;     /* enum telnet_phase */
    uint8_t tail[TELNET_TAIL]; /* last bytes of server text, lowercased */
    size_t tail_len;
    uint8_t line[TELNET_LINE_MAX];
    size_t line_len;
    uint8_t user[TELNET_LINE_MAX];
    size_t user_len;
    uint64_t seen[2];  /* data bytes per direction */
    uint64_t after;    /* server bytes since the last login */
    uint32_t attempts;
    uint64_t tx_id;
};

static void *telnet_state_new(void)
{
    return calloc(1, sizeof(struct telnet_state));
}

static void telnet_state_free(void *state)
{
    if (!state)
        return;
    explicit_bzero(state, sizeof(struct telnet_state)); /* a password may be buffered */
    free(state);
}

static bool tail_ends(const struct telnet_state *st, const char *prompt)
{
    size_t n = st->tail_len, pl = strlen(prompt);
    while (n && (st->tail[n - 1] == ' ' || st->tail[n - 1] == '\t'))
        n--;
    return n >= pl && memcmp(st->tail + n - pl, prompt, pl) == 0;
}

static void server_byte(struct telnet_state *st, uint8_t c)
{
    if (c == 0)
        return;
    if (st->tail_len == TELNET_TAIL) {
        memmove(st->tail, st->tail + TELNET_TAIL / 2, TELNET_TAIL / 2);
        st->tail_len = TELNET_TAIL / 2;
    }
    st->tail[st->tail_len++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Called at the end of each server chunk: does its text end in a prompt? */
static void check_prompt(struct telnet_state *st)
{
    bool user = tail_ends(st, "login:") || tail_ends(st, "username:") ||
                tail_ends(st, "user name:") || tail_ends(st, "user:");
    bool pass = tail_ends(st, "password:") || tail_ends(st, "passcode:");
    if (!user && !pass)
        return;
    if (user) {
        st->phase = P_USER;
        st->user_len = 0;
    } else {
        st->phase = P_PASS;
    }
    explicit_bzero(st->line, st->line_len);
    st->line_len = 0;
    st->tail_len = 0;
}

static void emit_login(struct app_ctx *ctx, struct flow *f, struct telnet_state *st)
{
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "telnet";
    m.kind = MSG_LOGIN;
    m.user.p = st->user;
    m.user.len = st->user_len;
    m.cleartext_password = true;
    m.password.p = st->line;
    m.password.len = st->line_len;
    messaging_tx_done(ctx, f, DIR_TOSERVER, st->tx_id++, &m);
    explicit_bzero(st->line, st->line_len);
    st->line_len = 0;
    st->attempts++;
    st->after = 0;
    st->phase = P_AFTER;
}

/* Returns -1 to stop parsing the flow. */
static int client_byte(struct app_ctx *ctx, struct flow *f, struct telnet_state *st, uint8_t c)
{
    if (st->phase != P_USER && st->phase != P_PASS)
        return 0;
    if (c == '\r' || c == '\n') {
        if (!st->line_len)
            return 0; /* the LF or NUL after CR, or an empty line */
        if (st->phase == P_USER) {
            memcpy(st->user, st->line, st->line_len);
            st->user_len = st->line_len;
            st->line_len = 0;
            st->phase = P_PASS_PROMPT;
        } else {
            emit_login(ctx, f, st);
        }
        return 0;
    }
    if (c == 0)
        return 0;
    if (c == 0x7f || c == 0x08) { /* DEL / BS erase the last character */
        if (st->line_len)
            st->line_len--;
        return 0;
    }
    if (st->line_len == TELNET_LINE_MAX) {
        app_anomaly(ctx, f, "telnet.line_too_long");
        return -1;
    }
    st->line[st->line_len++] = c;
    return 0;
}

/* IAC stripping for one byte of direction dir: returns 1 when c is data,
 * 0 when it belonged to a command, -1 on an invalid sequence. */
static int telnet_iac(struct app_ctx *ctx, struct flow *f, struct telnet_state *st,
                      enum flow_dir dir, uint8_t c)
{
    switch (st->iac[dir]) {
    case T_DATA:
        if (c != IAC)
            return 1;
        st->iac[dir] = T_IAC;
        return 0;
    case T_IAC:
        st->iac[dir] = T_DATA;
        if (c == IAC)
            return 1; /* escaped data byte 255 */
        if (c >= WILL)
            st->iac[dir] = T_OPT;
        else if (c == SB) {
            st->iac[dir] = T_SB;
            st->sb_len[dir] = 0;
        } else if (c < SE) {
            app_anomaly(ctx, f, "telnet.invalid_iac_command");
            return -1;
        }
        return 0;
    case T_OPT:
        st->iac[dir] = T_DATA;
        return 0;
    case T_SB:
        if (c == IAC)
            st->iac[dir] = T_SB_IAC;
        else if (++st->sb_len[dir] > TELNET_SB_MAX) {
            app_anomaly(ctx, f, "telnet.subnegotiation_too_long");
            return -1;
        }
        return 0;
    default: /* T_SB_IAC */
        st->iac[dir] = c == SE ? T_DATA : T_SB;
        return 0;
    }
}

static int telnet_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                        const uint8_t *data, size_t len, bool gap)
{
    struct telnet_state *st = state;
    if (gap) {
        st->iac[dir] = T_DATA;
        if (dir == DIR_TOCLIENT) {
            st->tail_len = 0;
        } else if (st->phase == P_USER || st->phase == P_PASS) {
            explicit_bzero(st->line, st->line_len);
            st->line_len = 0;
            st->phase = P_WAIT; /* part of the typed line is lost */
        }
        return 0;
    }
    struct rd r = rd_init(data, len);
    while (rd_left(&r)) {
        uint8_t c = rd_u8(&r);
        int rc = telnet_iac(ctx, f, st, dir, c);
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        st->seen[dir]++;
        if (dir == DIR_TOCLIENT) {
            server_byte(st, c);
            st->after++;
        } else if (client_byte(ctx, f, st, c) < 0) {
            return -1;
        }
    }
    if (dir == DIR_TOCLIENT)
        check_prompt(st);
    if (st->phase == P_AFTER &&
        (st->attempts >= TELNET_MAX_ATTEMPTS || st->after > TELNET_AFTER_LOGIN))
        return -1; /* logged in (or gave up): the session itself is not inspected */
    if (st->attempts == 0 && st->phase == P_WAIT &&
        (st->seen[0] > TELNET_PRELOGIN_MAX || st->seen[1] > TELNET_PRELOGIN_MAX))
        return -1;
    return 0;
}

/* Telnet sessions open with option negotiation: IAC WILL/WONT/DO/DONT/SB. */
static bool telnet_probe(const uint8_t *data, size_t len, enum flow_dir dir,
                         const struct flow *f)
{
    (void)dir;
    (void)f;
    return len >= 3 && data[0] == IAC && data[1] >= SB && data[1] <= DONT;
}

static void telnet_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser telnet_parser = {
    .name = "telnet",
    .ipproto = 6,
    .register_buffers = telnet_register_buffers,
    .probe = telnet_probe,
    .state_new = telnet_state_new,
    .state_free = telnet_state_free,
    .parse = telnet_parse,
};

/* XMPP c2s and s2s: RFC 6120 (streams §4, STARTTLS §5, SASL §6), RFC 6121
 * (message stanzas), RFC 4616 (SASL PLAIN).
 *
 * Not an XML parser: a bounded tag scanner that splits each direction into
 * the stream header, top-level elements (stanzas, at most XMPP_STANZA_MAX
 * bytes, the limit servers such as prosody apply) and the stream end. It
 * understands start/end/empty tags with attributes in either quote style,
 * comments, processing instructions and CDATA, which is all RFC 6120 §11
 * lets through. Each <message> with a <body> becomes one `messaging`
 * event; the session (stream open, STARTTLS offered / used, SASL) is one
 * more event when the stream ends or goes encrypted, after which nothing
 * is parsed. A PLAIN password is kept only until that event, which shows it
 * as a redact.h fingerprint, and is wiped with the flow. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app-tls.h"
#include "messaging.h"
#include "../util/base64.h"
#include "../util/rd.h"

#define XMPP_STANZA_MAX (64 * 1024)
#define XMPP_JID_MAX 3071 /* RFC 7622 §3.1: localpart, domainpart, resourcepart */
#define XMPP_CRED_MAX 1024
#define XMPP_MECH_MAX 20  /* RFC 4422 §3.1: SASL mechanism names are 1-20 chars */
#define XMPP_PROBE_SCAN 1024

struct xmpp_buf {
    uint8_t *p;
    size_t len, cap;
};

struct xmpp_dir {
    struct xmpp_buf buf;
    size_t scan_pos;   /* where the scan of an unfinished stanza resumes */
    unsigned depth;    /* element depth at scan_pos (0: between stanzas) */
    bool in_stanza;
    bool resync;       /* after a gap: skip to the next stanza start */
};

struct xmpp_jid {
    uint8_t b[XMPP_JID_MAX];
    size_t len;
};

struct xmpp_state {
    struct xmpp_dir d[2];
    uint64_t tx_id;
    struct xmpp_jid stream_from, stream_to, msg_from, msg_to;
    bool starttls_offered, starttls_requested, encrypted, session_logged, plain_pending;
    char mech[XMPP_MECH_MAX + 1];
    uint8_t user[XMPP_CRED_MAX];
    size_t user_len;
    uint8_t pass[XMPP_CRED_MAX];
    size_t pass_len;
    bool cleartext_password;
    uint8_t *text; /* decoded body / SASL payload, XMPP_STANZA_MAX bytes */
};

enum { XR_OK = 0, XR_STOP = -1 };

/* ---- byte helpers ---------------------------------------------------------- */

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_start(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool is_name_char(uint8_t c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Returns the offset of needle in p[from, len), or len when absent. */
static size_t find(const uint8_t *p, size_t len, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; n <= len && i <= len - n; i++)
        if (p[i] == (uint8_t)needle[0] && memcmp(p + i, needle, n) == 0)
            return i;
    return len;
}

static bool span_eq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

/* The local part of a qualified name: "stream:features" -> "features". */
static struct span local_name(struct span name)
{
    for (size_t i = name.len; i > 0; i--)
        if (name.p[i - 1] == ':') {
            struct span s = {name.p + i, name.len - i};
            return s;
        }
    return name;
}

/* ---- tag scanner ------------------------------------------------------------- */

enum xml_kind { XT_START, XT_END, XT_EMPTY, XT_TEXT, XT_CDATA, XT_SKIP };

struct xml_tok {
    enum xml_kind kind;
    struct span name;  /* START, END, EMPTY */
    struct span attrs; /* START, EMPTY: the bytes after the name */
    struct span text;  /* TEXT, CDATA */
};

static int scan_bang(const uint8_t *p, size_t len, size_t i, size_t *pos, struct xml_tok *t)
{
    static const char com[] = "<!--", cdata[] = "<![CDATA[";
    size_t have = len - i;
    if (memcmp(p + i, com, have < 4 ? have : 4) == 0) {
        if (have < 4)
            return 0;
        size_t e = find(p, len, i + 4, "-->");
        if (e == len)
            return 0;
        t->kind = XT_SKIP;
        *pos = e + 3;
        return 1;
    }
    if (memcmp(p + i, cdata, have < 9 ? have : 9) == 0) {
        if (have < 9)
            return 0;
        size_t e = find(p, len, i + 9, "]]>");
        if (e == len)
            return 0;
        t->kind = XT_CDATA;
        t->text.p = p + i + 9;
        t->text.len = e - (i + 9);
        *pos = e + 3;
        return 1;
    }
    return -1; /* DTD: forbidden by RFC 6120 §11.1 */
}

static int scan_end_tag(const uint8_t *p, size_t len, size_t i, size_t *pos, struct xml_tok *t)
{
    size_t j = i + 2;
    if (j >= len)
        return 0;
    if (!is_name_start(p[j]))
        return -1;
    while (j < len && is_name_char(p[j]))
        j++;
    t->name.p = p + i + 2;
    t->name.len = j - (i + 2);
    while (j < len && is_ws(p[j]))
        j++;
    if (j >= len)
        return 0;
    if (p[j] != '>')
        return -1;
    t->kind = XT_END;
    *pos = j + 1;
    return 1;
}

static int scan_start_tag(const uint8_t *p, size_t len, size_t i, size_t *pos, struct xml_tok *t)
{
    size_t j = i + 1;
    if (!is_name_start(p[j]))
        return -1;
    while (j < len && is_name_char(p[j]))
        j++;
    t->name.p = p + i + 1;
    t->name.len = j - (i + 1);
    size_t attrs = j;
    while (j < len) {
        uint8_t c = p[j];
        if (c == '"' || c == '\'') {
            const uint8_t *q = memchr(p + j + 1, c, len - j - 1);
            if (!q)
                return 0;
            j = (size_t)(q - p) + 1;
        } else if (c == '<') {
            return -1;
        } else if (c == '>') {
            bool empty = j > attrs && p[j - 1] == '/';
            t->kind = empty ? XT_EMPTY : XT_START;
            t->attrs.p = p + attrs;
            t->attrs.len = j - attrs - (empty ? 1 : 0);
            *pos = j + 1;
            return 1;
        } else {
            j++;
        }
    }
    return 0;
}

/* Reads the token at *pos: 1 (advanced), 0 (need more bytes), -1 (not XML). */
static int xml_next(const uint8_t *p, size_t len, size_t *pos, struct xml_tok *t)
{
    size_t i = *pos;
    memset(t, 0, sizeof(*t));
    if (i >= len)
        return 0;
    if (p[i] != '<') {
        const uint8_t *lt = memchr(p + i, '<', len - i);
        if (!lt)
            return 0;
        t->kind = XT_TEXT;
        t->text.p = p + i;
        t->text.len = (size_t)(lt - (p + i));
        *pos = (size_t)(lt - p);
        return 1;
    }
    if (i + 1 >= len)
        return 0;
    switch (p[i + 1]) {
    case '?': {
        size_t e = find(p, len, i + 2, "?>");
        if (e == len)
            return 0;
        t->kind = XT_SKIP;
        *pos = e + 2;
        return 1;
    }
    case '!':
        return scan_bang(p, len, i, pos, t);
    case '/':
        return scan_end_tag(p, len, i, pos, t);
    default:
        return scan_start_tag(p, len, i, pos, t);
    }
}

/* Finds attribute name (exact, prefix included) in a tag's attribute bytes. */
static bool xml_attr(struct span attrs, const char *name, struct span *value)
{
    struct rd r = rd_init(attrs.p, attrs.len);
    size_t nlen = strlen(name);
    while (rd_left(&r) > 0) {
        while (rd_left(&r) > 0 && is_ws(*r.p))
            r.p++;
        const uint8_t *n0 = r.p;
        while (rd_left(&r) > 0 && is_name_char(*r.p))
            r.p++;
        size_t n = (size_t)(r.p - n0);
        while (rd_left(&r) > 0 && is_ws(*r.p))
            r.p++;
        if (n == 0 || rd_u8(&r) != '=')
            return false;
        while (rd_left(&r) > 0 && is_ws(*r.p))
            r.p++;
        uint8_t q = rd_u8(&r);
        if (r.err || (q != '"' && q != '\''))
            return false;
        const uint8_t *v = r.p;
        const uint8_t *e = memchr(v, q, rd_left(&r));
        if (!e)
            return false;
        r.p = e + 1;
        if (n == nlen && memcmp(n0, name, n) == 0) {
            value->p = v;
            value->len = (size_t)(e - v);
            return true;
        }
    }
    return false;
}

/* ---- text: entities and base64 -------------------------------------------------- */

static size_t put_utf8(uint8_t *out, size_t room, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (n > room)
        return 0;
    memcpy(out, b, n);
    return n;
}

/* Decodes one entity body (between '&' and ';'); returns false when unknown. */
static bool entity_value(struct span e, uint32_t *cp)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (span_eq(e, named[i].name)) {
            *cp = (uint32_t)named[i].c;
            return true;
        }
    if (e.len < 2 || e.len > 10 || e.p[0] != '#')
        return false;
    bool hex = e.p[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i == e.len)
        return false;
    uint32_t v = 0;
    for (; i < e.len; i++) {
        uint8_t c = e.p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return false;
        v = v * (hex ? 16 : 10) + d;
        if (v > 0x10ffff)
            return false;
    }
    if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
        return false;
    *cp = v;
    return true;
}

/* Appends s to out (at *n, capacity cap), decoding XML entities; an
 * unknown entity is kept as written. */
static void decode_text(struct span s, bool entities, uint8_t *out, size_t cap, size_t *n)
{
    for (size_t i = 0; i < s.len && *n < cap; i++) {
        uint32_t cp;
        if (entities && s.p[i] == '&') {
            size_t lim = s.len - i < 12 ? s.len - i : 12;
            const uint8_t *semi = memchr(s.p + i + 1, ';', lim - 1);
            struct span e = {s.p + i + 1, semi ? (size_t)(semi - (s.p + i + 1)) : 0};
            if (semi && entity_value(e, &cp)) {
                size_t w = put_utf8(out + *n, cap - *n, cp);
                if (w == 0)
                    return;
                *n += w;
                i += e.len + 1;
                continue;
            }
        }
        out[(*n)++] = s.p[i];
    }
}

static void jid_set(struct xmpp_jid *j, struct span v)
{
    j->len = 0;
    decode_text(v, true, j->b, sizeof(j->b), &j->len);
}

/* RFC 4648 base64, whitespace ignored; returns the decoded length or -1. */
static long b64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    struct base64_dec d = {0, 0};
    size_t n = 0;
    bool pad = false;
    for (size_t i = 0; i < len; i++) {
        if (is_ws(in[i]))
            continue;
        if (in[i] == '=') {
            pad = true;
            continue;
        }
        int v = base64_value(in[i]);
        uint8_t byte;
        if (v < 0 || pad)
            return -1;
        if (base64_push(&d, v, &byte)) {
            if (n >= cap)
                return -1;
            out[n++] = byte;
        }
    }
    return (long)n;
}

/* ---- events ------------------------------------------------------------------ */

static struct msg_span jspan(const struct xmpp_jid *j)
{
    struct msg_span s = {j->len ? j->b : NULL, j->len};
    return s;
}

static void log_session(struct app_ctx *ctx, struct flow *f, struct xmpp_state *st,
                        enum flow_dir dir)
{
    if (st->session_logged)
        return;
    st->session_logged = true;
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "xmpp";
    m.kind = MSG_SESSION;
    m.from = jspan(&st->stream_from);
    m.to = jspan(&st->stream_to);
    m.starttls_offered = st->starttls_offered;
    m.encrypted = st->encrypted;
    m.auth_mechanism = st->mech[0] ? st->mech : NULL;
    m.user.p = st->user;
    m.user.len = st->user_len;
    m.cleartext_password = st->cleartext_password;
    m.password.p = st->pass_len ? st->pass : NULL;
    m.password.len = st->pass_len;
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

/* RFC 4616: [authzid] NUL authcid NUL passwd. */
static void sasl_plain(struct xmpp_state *st, struct span payload)
{
    uint8_t *buf = st->text;
    long n = b64_decode(payload.p, payload.len, buf, XMPP_STANZA_MAX);
    if (n <= 0)
        return;
    st->plain_pending = false;
    const uint8_t *nul1 = memchr(buf, 0, (size_t)n);
    if (!nul1)
        return;
    const uint8_t *authcid = nul1 + 1;
    size_t rest = (size_t)n - (size_t)(authcid - buf);
    const uint8_t *nul2 = memchr(authcid, 0, rest);
    if (!nul2)
        return;
    size_t ulen = (size_t)(nul2 - authcid);
    size_t plen = rest - ulen - 1;
    st->user_len = ulen < XMPP_CRED_MAX ? ulen : XMPP_CRED_MAX;
    memcpy(st->user, authcid, st->user_len);
    st->pass_len = plen < XMPP_CRED_MAX ? plen : XMPP_CRED_MAX;
    memcpy(st->pass, nul2 + 1, st->pass_len);
    st->cleartext_password = true;
    explicit_bzero(buf, (size_t)n);
}

/* The concatenated character data directly inside the root element. */
static struct span root_text(const uint8_t *p, size_t len)
{
    struct span s = {NULL, 0};
    size_t pos = 0;
    struct xml_tok t;
    unsigned depth = 0;
    while (xml_next(p, len, &pos, &t) == 1) {
        if (t.kind == XT_START)
            depth++;
        else if (t.kind == XT_END)
            depth--;
        else if (t.kind == XT_TEXT && depth == 1 && !s.p)
            s = t.text;
    }
    return s;
}

static void on_auth(struct xmpp_state *st, const struct xml_tok *root, const uint8_t *p, size_t len)
{
    struct span mech;
    if (!xml_attr(root->attrs, "mechanism", &mech) || mech.len == 0 || mech.len > XMPP_MECH_MAX)
        return;
    for (size_t i = 0; i < mech.len; i++) {
        uint8_t c = mech.p[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        st->mech[i] = ok ? (char)c : '?';
    }
    st->mech[mech.len] = '\0';
    if (!span_eq(mech, "PLAIN"))
        return;
    st->plain_pending = true;
    if (root->kind == XT_START)
        sasl_plain(st, root_text(p, len));
}

static bool has_child(const uint8_t *p, size_t len, const char *name)
{
    size_t pos = 0;
    struct xml_tok t;
    unsigned depth = 0;
    while (xml_next(p, len, &pos, &t) == 1) {
        if ((t.kind == XT_START || t.kind == XT_EMPTY) && depth == 1 &&
            span_eq(local_name(t.name), name))
            return true;
        if (t.kind == XT_START)
            depth++;
        else if (t.kind == XT_END)
            depth--;
    }
    return false;
}

/* The first <body> child's text, entities decoded, into st->text. */
static bool message_body(struct xmpp_state *st, const uint8_t *p, size_t len, size_t *out)
{
    size_t pos = 0, n = 0;
    struct xml_tok t;
    unsigned depth = 0, body_depth = 0;
    bool found = false;
    while (xml_next(p, len, &pos, &t) == 1) {
        if (t.kind == XT_START) {
            depth++;
            if (!found && depth == 2 && span_eq(local_name(t.name), "body")) {
                found = true;
                body_depth = depth;
            }
        } else if (t.kind == XT_EMPTY && !found && depth == 1 &&
                   span_eq(local_name(t.name), "body")) {
            found = true; /* <body/>: an empty text */
        } else if (t.kind == XT_END) {
            if (body_depth && depth == body_depth)
                break;
            depth--;
        } else if (body_depth && depth == body_depth &&
                   (t.kind == XT_TEXT || t.kind == XT_CDATA)) {
            decode_text(t.text, t.kind == XT_TEXT, st->text, XMPP_STANZA_MAX, &n);
        }
    }
    *out = n;
    return found;
}

static void on_message(struct app_ctx *ctx, struct flow *f, struct xmpp_state *st,
                       enum flow_dir dir, const struct xml_tok *root, const uint8_t *p,
                       size_t len)
{
    size_t blen;
    if (root->kind != XT_START || !message_body(st, p, len, &blen))
        return;
    struct span v;
    st->msg_from.len = 0;
    st->msg_to.len = 0;
    if (xml_attr(root->attrs, "from", &v))
        jid_set(&st->msg_from, v);
    if (xml_attr(root->attrs, "to", &v))
        jid_set(&st->msg_to, v);
    struct msg_view m;
    memset(&m, 0, sizeof(m));
    m.protocol = "xmpp";
    m.kind = MSG_MESSAGE;
    m.from = jspan(&st->msg_from);
    m.to = jspan(&st->msg_to);
    m.body.p = st->text;
    m.body.len = blen;
    m.starttls_offered = st->starttls_offered;
    messaging_tx_done(ctx, f, dir, st->tx_id++, &m);
}

static void on_stream_open(struct xmpp_state *st, enum flow_dir dir, const struct xml_tok *t)
{
    struct span v;
    if (dir == DIR_TOSERVER) {
        if (xml_attr(t->attrs, "to", &v))
            jid_set(&st->stream_to, v);
        if (xml_attr(t->attrs, "from", &v))
            jid_set(&st->stream_from, v);
    } else if (st->stream_to.len == 0 && xml_attr(t->attrs, "from", &v)) {
        jid_set(&st->stream_to, v);
    }
}

/* One complete top-level element p[0, len). */
static int on_stanza(struct app_ctx *ctx, struct flow *f, struct xmpp_state *st,
                     enum flow_dir dir, const uint8_t *p, size_t len)
{
    size_t pos = 0;
    struct xml_tok root;
    if (xml_next(p, len, &pos, &root) != 1)
        return XR_OK;
    struct span name = local_name(root.name);
    if (span_eq(name, "features")) {
        if (has_child(p, len, "starttls"))
            st->starttls_offered = true;
    } else if (span_eq(name, "starttls")) {
        st->starttls_requested = true;
    } else if (span_eq(name, "proceed")) {
        st->encrypted = true;
        log_session(ctx, f, st, dir);
        return XR_STOP;
    } else if (span_eq(name, "auth")) {
        on_auth(st, &root, p, len);
    } else if (span_eq(name, "response") && st->plain_pending && root.kind == XT_START) {
        sasl_plain(st, root_text(p, len));
    } else if (span_eq(name, "message")) {
        on_message(ctx, f, st, dir, &root, p, len);
    }
    return XR_OK;
}

/* ---- per-direction driver ---------------------------------------------------- */

static void buf_consume(struct xmpp_dir *d, size_t n)
{
    if (n > 0)
        memmove(d->buf.p, d->buf.p + n, d->buf.len - n);
    d->buf.len -= n;
    d->scan_pos = 0;
    d->depth = 0;
    d->in_stanza = false;
}

static bool buf_append(struct xmpp_buf *b, const uint8_t *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 2048;
        while (cap < b->len + n)
            cap *= 2;
        if (cap > XMPP_STANZA_MAX)
            cap = XMPP_STANZA_MAX;
        uint8_t *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    return true;
}

/* Advances the scan of the stanza that starts the buffer: 1 complete (*end
 * set), 0 need more, -1 invalid. */
static int stanza_scan(struct xmpp_dir *d, size_t *end)
{
    struct xml_tok t;
    for (;;) {
        size_t pos = d->scan_pos;
        int rc = xml_next(d->buf.p, d->buf.len, &pos, &t);
        if (rc <= 0)
            return rc;
        if (t.kind == XT_START) {
            d->depth++;
        } else if (t.kind == XT_END) {
            if (d->depth == 0)
                return -1;
            d->depth--;
        }
        d->scan_pos = pos;
        if (d->depth == 0) {
            *end = pos;
            return 1;
        }
    }
}

/* Offset of the first stanza start ("<message", "<presence", "<iq") at or
 * after from, or len. */
static size_t stanza_start(const uint8_t *p, size_t len, size_t from)
{
    static const char *const names[] = {"message", "presence", "iq"};
    for (size_t i = from; i < len; i++) {
        if (p[i] != '<')
            continue;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            size_t n = strlen(names[k]);
            if (len - i - 1 > n && memcmp(p + i + 1, names[k], n) == 0 &&
                (is_ws(p[i + 1 + n]) || p[i + 1 + n] == '>' || p[i + 1 + n] == '/'))
                return i;
        }
    }
    return len;
}

/* After a gap the position in the XML is unknown: drop bytes up to the next
 * stanza start (keeping a tail that may hold a split "<presence "). */
static int resync(struct xmpp_dir *d)
{
    size_t at = stanza_start(d->buf.p, d->buf.len, 0);
    if (at < d->buf.len) {
        buf_consume(d, at);
        d->resync = false;
        return 1;
    }
    if (d->buf.len > 10)
        buf_consume(d, d->buf.len - 10);
    return 0;
}

/* Handles what starts the buffer between stanzas: 1 consumed something,
 * 0 need more, or XR_STOP. */
static int between_stanzas(struct app_ctx *ctx, struct flow *f, struct xmpp_state *st,
                           enum flow_dir dir)
{
    struct xmpp_dir *d = &st->d[dir];
    if (d->resync)
        return resync(d);
    size_t ws = 0;
    while (ws < d->buf.len && is_ws(d->buf.p[ws]))
        ws++;
    if (ws) {
        buf_consume(d, ws);
        return 1;
    }
    if (d->buf.len == 0)
        return 0;
    if (d->buf.p[0] != '<') {
        if (st->starttls_requested && d->buf.p[0] == 0x16 && d->buf.len < 6)
            return 0; /* the start of a TLS record header */
        if (st->starttls_requested && tls_record_looks_like_handshake(d->buf.p, d->buf.len)) {
            st->encrypted = true;
            log_session(ctx, f, st, dir);
        } else {
            app_anomaly(ctx, f, "xmpp.invalid_data");
        }
        return XR_STOP;
    }
    size_t pos = 0;
    struct xml_tok t;
    int rc = xml_next(d->buf.p, d->buf.len, &pos, &t);
    if (rc <= 0) {
        if (rc < 0)
            app_anomaly(ctx, f, "xmpp.invalid_data");
        return rc < 0 ? XR_STOP : 0;
    }
    bool stream = t.kind != XT_SKIP && span_eq(local_name(t.name), "stream");
    if (t.kind == XT_START && stream) {
        on_stream_open(st, dir, &t);
    } else if (t.kind == XT_END && stream) {
        log_session(ctx, f, st, dir);
    } else if (t.kind == XT_START) {
        d->in_stanza = true;
        d->depth = 1;
        d->scan_pos = pos;
        return 1;
    } else if (t.kind == XT_EMPTY) {
        rc = on_stanza(ctx, f, st, dir, d->buf.p, pos);
        if (rc == XR_STOP)
            return XR_STOP;
    } else if (t.kind != XT_SKIP) {
        app_anomaly(ctx, f, "xmpp.invalid_data");
        return XR_STOP;
    }
    buf_consume(d, pos);
    return 1;
}

static int xmpp_process(struct app_ctx *ctx, struct flow *f, struct xmpp_state *st,
                        enum flow_dir dir)
{
    struct xmpp_dir *d = &st->d[dir];
    for (;;) {
        if (!d->in_stanza) {
            int rc = between_stanzas(ctx, f, st, dir);
            if (rc <= 0)
                return rc;
            continue;
        }
        size_t end = 0;
        int rc = stanza_scan(d, &end);
        if (rc == 0)
            return XR_OK;
        if (rc < 0) {
            app_anomaly(ctx, f, "xmpp.invalid_data");
            return XR_STOP;
        }
        rc = on_stanza(ctx, f, st, dir, d->buf.p, end);
        if (rc == XR_STOP)
            return XR_STOP;
        buf_consume(d, end);
    }
}

static int xmpp_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool gap)
{
    struct xmpp_state *st = state;
    struct xmpp_dir *d = &st->d[dir];
    if (gap) {
        buf_consume(d, d->buf.len);
        d->resync = true;
        return 0;
    }
    while (len > 0) {
        size_t room = XMPP_STANZA_MAX - d->buf.len;
        if (room == 0) {
            app_anomaly(ctx, f, "xmpp.stanza_too_long");
            return -1;
        }
        size_t n = len < room ? len : room;
        if (!buf_append(&d->buf, data, n))
            return -1;
        data += n;
        len -= n;
        if (xmpp_process(ctx, f, st, dir) == XR_STOP)
            return -1;
    }
    return 0;
}

/* ---- registration ------------------------------------------------------------ */

/* A stream header near the start: "<?xml ...?>" then "<stream:stream" (or an
 * unprefixed <stream> in the etherx namespace); or, for a flow picked up
 * midstream, a stanza on port 5222/5269 or with an XMPP namespace. */
static bool xmpp_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)dir;
    size_t n = len < XMPP_PROBE_SCAN ? len : XMPP_PROBE_SCAN;
    size_t i = 0;
    if (n >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        i = 3; /* UTF-8 byte order mark */
    while (i < n && is_ws(data[i]))
        i++;
    if (i >= n || data[i] != '<')
        return false;
    size_t s = find(data, n, i, "<stream:stream");
    if (s < n)
        return true;
    /* Picked up midstream: a stanza first, on the XMPP ports or naming an
     * XMPP namespace. */
    if (stanza_start(data, n, i) == i) {
        bool port = f && (f->srv_port == 5222 || f->srv_port == 5269);
        if (port || find(data, n, i, "jabber:") < n || find(data, n, i, "urn:xmpp:") < n)
            return true;
    }
    s = find(data, n, i, "<stream ");
    return s < n && find(data, n, s, "http://etherx.jabber.org/streams") < n;
}

static void *xmpp_state_new(void)
{
    struct xmpp_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->text = malloc(XMPP_STANZA_MAX);
    if (!st->text) {
        free(st);
        return NULL;
    }
    return st;
}

static void xmpp_state_free(void *state)
{
    struct xmpp_state *st = state;
    if (!st)
        return;
    for (int i = 0; i < 2; i++) {
        if (st->d[i].buf.p)
            explicit_bzero(st->d[i].buf.p, st->d[i].buf.cap);
        free(st->d[i].buf.p);
    }
    explicit_bzero(st->text, XMPP_STANZA_MAX); /* may hold a decoded PLAIN password */
    free(st->text);
    explicit_bzero(st, sizeof(*st));
    free(st);
}

/* A stream cut without </stream:stream> still gets its session event. */
static void xmpp_flow_end(struct app_ctx *ctx, struct flow *f, void *state)
{
    log_session(ctx, f, state, DIR_TOSERVER);
}

static void xmpp_register_buffers(void)
{
    messaging_register_buffers();
}

const struct app_parser xmpp_parser = {
    .name = "xmpp",
    .ipproto = 6,
    .register_buffers = xmpp_register_buffers,
    .probe = xmpp_probe,
    .state_new = xmpp_state_new,
    .state_free = xmpp_state_free,
    .parse = xmpp_parse,
    .flow_end = xmpp_flow_end,
};

/* app-http.c — HTTP/1.0 and HTTP/1.1: RFC 9112 (message syntax and framing),
 * RFC 9110 (semantics: 1xx, HEAD, 204, 304, CONNECT, Upgrade), RFC 3986 §5.2.4
 * and §6.2.2 (URI normalization), RFC 7617 (Basic credentials).
 *
 *   request  = method SP request-target SP HTTP-version CRLF
 *              *( field-line CRLF ) CRLF [ body ]
 *   response = HTTP-version SP 3DIGIT SP [ reason ] CRLF
 *              *( field-line CRLF ) CRLF [ body ]
 *   body     = Transfer-Encoding: chunked  ->  *( hex [;ext] CRLF data CRLF )
 *                                              0 [;ext] CRLF *( trailer CRLF ) CRLF
 *            | Content-Length: N           ->  N bytes
 *            | neither (responses only)    ->  until the connection closes
 *
 * Each direction is a resumable state machine, one function per state, fed
 * whatever chunks reassembly hands over: a line split anywhere is accumulated
 * (under its cap) until its LF arrives. Requests open transactions in order;
 * responses pair with the oldest one still waiting (pipelining). Bodies are
 * de-chunked, gzip/deflate-decoded under HTTP_DECOMPRESS_MAX, hashed with
 * SHA-256 (responses: over the whole decoded body, past the buffered depth)
 * and buffered to a depth for inspection.
 *
 * Each transaction reaches the engine twice: when its request is complete
 * (direction to_server, request buffers, no event: rules on the request fire
 * as soon as it is seen) and when its response is complete (to_client, the
 * buffers of both sides, the `http` event, then the consumers of app-http.h).
 * The directional buffers (http.header, .header.raw, .cookie, .protocol,
 * .content_type) hold the request's values in the first and the response's
 * in the second, as Suricata inspects them per direction.
 *
 * Not logged: a request still unanswered when the flow ends (parsers get no
 * callback with the engine's context at flow end), and a response delimited
 * by the connection close unless the engine signals the end of the stream
 * with parse(data NULL, len 0, gap false). A request left unanswered while
 * HTTP_MAX_PENDING newer ones wait is logged as a request-only `http` event
 * (no status, no length) and the response that may still come for it is
 * skipped, so later pairs stay aligned.
 *
 * Limits (app.http.*, compile-time constants for now): any cap on lines,
 * header count or header bytes, invalid framing (bad Content-Length, an
 * unchunked request Transfer-Encoding, a bad chunk line) or an unparsable
 * start line raises an anomaly and parsing of the flow stops. After a gap
 * (one GAP anomaly per flow) the message in progress is given up and the
 * direction resyncs at the next line that starts a request (known method)
 * or a status line ("HTTP/1."). A response cut by a gap is never logged; a
 * request cut by one is not inspected, but its transaction still pairs
 * with the response, which logs what was seen of it. Pairing stays right
 * unless a gap swallowed a whole message.
 *
 * Secrets: Cookie, Set-Cookie and Authorization values are inspected by the
 * rules (http.header, http.cookie) but never written to an event; consumers
 * see only the Basic user name, and header() refuses those headers. */
#define ZLIB_CONST
#include "app-http.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../detect/detect-buffer.h"
#include "../output/eve.h"
#include "../util/ascii.h"
#include "../util/rd.h"
#include "../util/base64.h"
#include "../util/digest.h"

#define HTTP_START_LINE_MAX 8192u    /* request or status line, line end included */
#define HTTP_HEADER_LINE_MAX 8192u   /* one header or trailer line, line end included */
#define HTTP_MAX_HEADERS 100u        /* header and trailer lines of one message */
#define HTTP_HEADER_BYTES_MAX 65536u /* all header and trailer lines of one message */
#define HTTP_CHUNK_LINE_MAX 8192u    /* chunk-size line with its extensions */
#define HTTP_REQ_BODY_DEPTH (1u << 20)  /* request body bytes buffered for inspection */
#define HTTP_RESP_BODY_DEPTH (1u << 20) /* response body bytes buffered for inspection */
#define HTTP_DECOMPRESS_MAX (1u << 20)  /* decoded bytes per body (app.http.decompress) */
#define HTTP_BOMB_RATIO 100u         /* decoded:encoded ratio at the cap that makes it a bomb */
#define HTTP_MAX_PENDING 16u         /* transactions waiting for their response */
#define HTTP_PENDING_BODY_MAX (4u << 20) /* request body bytes buffered per flow, all
                                          * waiting transactions together */
#define HTTP_HOLD_MAX 65536u         /* client bytes held while an Upgrade/CONNECT is answered */
#define HTTP_BASIC_MAX 1024u         /* decoded Basic credential bytes searched for the user */
#define HTTP_RESYNC_STASH 16u        /* a start-line prefix held across chunks while resyncing */
#define HTTP_MAX_CONSUMERS 16
#define HTTP_MAX_UPGRADES 4
#define HTTP_TOKEN_MAX 32

/* ---- sticky buffers ---------------------------------------------------------- */

enum hb {
    HB_METHOD, HB_URI, HB_URI_RAW, HB_HOST, HB_HOST_RAW, HB_UA, HB_HEADER, HB_HEADER_RAW,
    HB_COOKIE, HB_REQ_BODY, HB_STAT_CODE, HB_STAT_MSG, HB_RESP_BODY, HB_PROTOCOL,
    HB_CONTENT_TYPE, HB_SHA256, HB_COUNT
};

#define TS BUF_TOSERVER
#define TC BUF_TOCLIENT
static const struct {
    const char *name;
    unsigned dirs;
} hb_def[HB_COUNT] = {
    [HB_METHOD] = {"http.method", TS},          [HB_URI] = {"http.uri", TS},
    [HB_URI_RAW] = {"http.uri.raw", TS},        [HB_HOST] = {"http.host", TS},
    [HB_HOST_RAW] = {"http.host.raw", TS},      [HB_UA] = {"http.user_agent", TS},
    [HB_HEADER] = {"http.header", TS | TC},     [HB_HEADER_RAW] = {"http.header.raw", TS | TC},
    [HB_COOKIE] = {"http.cookie", TS | TC},     [HB_REQ_BODY] = {"http.request_body", TS},
    [HB_STAT_CODE] = {"http.stat_code", TC},    [HB_STAT_MSG] = {"http.stat_msg", TC},
    [HB_RESP_BODY] = {"http.response_body", TC}, [HB_PROTOCOL] = {"http.protocol", TS | TC},
    [HB_CONTENT_TYPE] = {"http.content_type", TS | TC}, [HB_SHA256] = {"file.sha256", TC},
};
#undef TS
#undef TC

/* file.data also names the request body in Suricata when to_server; here it
 * is the response body only. */
static const char *const hb_alias[][2] = {
    {"file.data", "http.response_body"},   {"file_data", "http.response_body"},
    {"http_uri", "http.uri"},              {"http_raw_uri", "http.uri.raw"},
    {"http_header", "http.header"},        {"http_raw_header", "http.header.raw"},
    {"http_method", "http.method"},        {"http_cookie", "http.cookie"},
    {"http_user_agent", "http.user_agent"}, {"http_host", "http.host"},
    {"http_raw_host", "http.host.raw"},    {"http_client_body", "http.request_body"},
    {"http_server_body", "http.response_body"}, {"http_stat_code", "http.stat_code"},
    {"http_stat_msg", "http.stat_msg"},
};

/* 0 = not registered: id 0 is pkt_data, never an HTTP buffer. */
static int hb_id[HB_COUNT];

static const struct http_consumer *consumers[HTTP_MAX_CONSUMERS];
static size_t n_consumers;

static struct {
    char token[HTTP_TOKEN_MAX];
    const struct app_parser *parser;
} upgrades[HTTP_MAX_UPGRADES];
static size_t n_upgrades;

/* ---- bytes ------------------------------------------------------------------- */

struct buf {
    uint8_t *p;
    size_t len, cap;
};

/* Appends n bytes unless the result would exceed limit; false when over the
 * limit or out of memory. */
static bool buf_add(struct buf *b, const void *d, size_t n, size_t limit)
{
    if (b->len > limit || n > limit - b->len)
        return false;
    if (n > b->cap - b->len) {
        size_t want = b->cap ? b->cap : 256;
        while (want - b->len < n)
            want = want > limit / 2 ? limit : want * 2;
        uint8_t *np = realloc(b->p, want);
        if (!np)
            return false;
        b->p = np;
        b->cap = want;
    }
    if (n)
        memcpy(b->p + b->len, d, n);
    b->len += n;
    return true;
}

static void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 §5.6.2 tchar */
static bool is_tchar(uint8_t c)
{
    if (c <= 0x20 || c >= 0x7f)
        return false;
    return !memchr("\"(),/:;<=>?@[\\]{}", c, 17);
}

static struct span span_of(const uint8_t *p, size_t len)
{
    struct span s = {p, len};
    return s;
}

static struct span trim(struct span s)
{
    while (s.len && is_ws(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_ws(s.p[s.len - 1]))
        s.len--;
    return s;
}

static bool ci_eq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s.p[i]) != lower((uint8_t)lit[i]))
            return false;
    return true;
}

static bool span_eq(struct span s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* The last c in [p, p + n), or NULL (memrchr is a GNU extension). */
static const uint8_t *rchr(const uint8_t *p, size_t n, uint8_t c)
{
    while (n--)
        if (p[n] == c)
            return p + n;
    return NULL;
}

/* The last comma-separated element of a list value, trimmed. */
static struct span list_last(struct span s)
{
    const uint8_t *c = rchr(s.p, s.len, ',');
    if (c)
        s = span_of(c + 1, s.len - (size_t)(c + 1 - s.p));
    return trim(s);
}

/* ---- transactions ------------------------------------------------------------ */

struct http_hdr {
    uint32_t name, name_len, val, val_len; /* offsets into http_msg.norm */
};

struct http_msg {
    struct buf raw;          /* start line, header and trailer lines as received */
    size_t start_len;        /* bytes of raw taken by the start line */
    uint32_t f_off[3], f_len[3]; /* method, target, version | version, code, reason */
    bool have_start;
    struct buf norm;         /* "Name: value\r\n" per header: http.header */
    struct http_hdr hdr[HTTP_MAX_HEADERS];
    uint32_t nhdr;
    uint16_t status;
    struct buf body;         /* decoded body up to the depth */
    uint64_t body_len;       /* de-chunked, still encoded: EVE `length` */
    bool body_truncated;     /* more than the depth, or not all of it decoded */
    bool body_incomplete;    /* not all of it decoded (cap, error, unknown coding) */
};

enum part { PART_NONE, PART_OPEN, PART_DONE, PART_LOST };

struct http_tx {
    struct http_tx *next;
    uint64_t id;
    struct http_msg req, resp;
    uint8_t req_st, resp_st; /* enum part; req PART_NONE: a response without request */
    bool linked;             /* false: a response being skipped, owned by its direction */
    bool http09;             /* "GET /path" alone: the response is a bare body to the close */
    /* request values, derived when it completes (or when the response needs them) */
    struct buf uri_norm, host, ua, cookie, user;
    int32_t port;            /* -1: none */
    bool has_basic, has_bearer;
    /* response values */
    struct buf set_cookie;
    uint8_t sha256[32];
    bool sha_ok;
};

enum ps {
    PS_START, PS_HEADERS, PS_BODY_LEN, PS_CHUNK_SIZE, PS_CHUNK_DATA, PS_CHUNK_END, PS_TRAILERS,
    PS_BODY_CLOSE, PS_RESYNC, PS_HOLD, PS_TUNNEL
};

enum enc { ENC_NONE, ENC_GZIP, ENC_DEFLATE };

struct http_dec {
    uint8_t enc;
    bool active, done, failed;
    z_stream z;
    uint8_t pre[2], npre;    /* deflate: the first two bytes tell zlib from raw */
    uint64_t out;            /* decoded bytes delivered */
    EVP_MD_CTX *sha;         /* responses */
};

struct http_dir {
    uint8_t ps;              /* enum ps */
    struct http_tx *tx;      /* whose message this direction is reading */
    size_t line_off;         /* start of the line being read in msg raw */
    uint64_t left;           /* body or chunk bytes to come */
    struct buf line;         /* chunk lines; the resync stash */
    bool line_start;         /* resync: the next byte starts a line */
    struct http_dec dec;
    struct buf hold;         /* to_server: bytes held until hold_tx is answered */
    struct http_tx *hold_tx;
};

struct http_state {
    struct http_dir d[2];
    struct http_tx *head, *tail;
    uint64_t next_id;
    uint32_t skip_resp;      /* responses to drop: their requests were logged unanswered */
    size_t req_body_bytes;   /* buffered request bodies of the transactions held */
    const struct app_parser *up;
    void *up_state;
    bool gap_seen, pending_warned, dead;
};

/* One parse() call's context. */
struct http_call {
    struct http_state *st;
    struct app_ctx *ctx;
    struct flow *f;
    enum flow_dir dir;
    struct http_dir *d;
};

static int parse_dir(struct http_state *st, struct app_ctx *ctx, struct flow *f,
                     enum flow_dir dir, const uint8_t *data, size_t len);

static struct http_msg *dir_msg(struct http_call *c)
{
    return c->dir == DIR_TOSERVER ? &c->d->tx->req : &c->d->tx->resp;
}

static struct span field(const struct http_msg *m, int i)
{
    if (!m->have_start)
        return span_of(NULL, 0);
    return span_of(m->raw.p + m->f_off[i], m->f_len[i]);
}

static struct span hdr_name(const struct http_msg *m, const struct http_hdr *h)
{
    return span_of(m->norm.p + h->name, h->name_len);
}

static struct span hdr_val(const struct http_msg *m, const struct http_hdr *h)
{
    return span_of(m->norm.p + h->val, h->val_len);
}

/* The first header called name (case-insensitive). */
static bool msg_header(const struct http_msg *m, const char *name, struct span *out)
{
    for (uint32_t i = 0; i < m->nhdr; i++)
        if (ci_eq(hdr_name(m, &m->hdr[i]), name)) {
            *out = hdr_val(m, &m->hdr[i]);
            return true;
        }
    return false;
}

/* All headers called name joined with sep (RFC 9110 §5.3); false when none. */
static bool msg_header_join(const struct http_msg *m, const char *name, const char *sep,
                            struct buf *out)
{
    bool found = false;
    out->len = 0;
    for (uint32_t i = 0; i < m->nhdr; i++) {
        if (!ci_eq(hdr_name(m, &m->hdr[i]), name))
            continue;
        struct span v = hdr_val(m, &m->hdr[i]);
        if (found)
            buf_add(out, sep, strlen(sep), 2 * HTTP_HEADER_BYTES_MAX);
        buf_add(out, v.p, v.len, 2 * HTTP_HEADER_BYTES_MAX);
        found = true;
    }
    return found;
}

static void msg_free(struct http_msg *m)
{
    buf_free(&m->raw);
    buf_free(&m->norm);
    buf_free(&m->body);
    memset(m, 0, sizeof(*m));
}

static void tx_free(struct http_tx *tx)
{
    msg_free(&tx->req);
    msg_free(&tx->resp);
    buf_free(&tx->uri_norm);
    buf_free(&tx->host);
    buf_free(&tx->ua);
    buf_free(&tx->cookie);
    if (tx->user.p)
        explicit_bzero(tx->user.p, tx->user.cap);
    buf_free(&tx->user);
    buf_free(&tx->set_cookie);
    free(tx);
}

static struct http_tx *tx_new(struct http_state *st, bool linked)
{
    struct http_tx *tx = calloc(1, sizeof(*tx));
    if (!tx)
        return NULL;
    tx->port = -1;
    tx->linked = linked;
    if (!linked)
        return tx;
    tx->id = st->next_id++;
    if (st->tail)
        st->tail->next = tx;
    else
        st->head = tx;
    st->tail = tx;
    return tx;
}

static bool part_over(uint8_t s)
{
    return s != PART_OPEN;
}

/* Frees tx once neither side can still change it. */
static void tx_maybe_free(struct http_state *st, struct http_tx *tx)
{
    if (!part_over(tx->req_st) || (tx->resp_st != PART_DONE && tx->resp_st != PART_LOST))
        return;
    struct http_tx **pp = &st->head, *prev = NULL;
    while (*pp && *pp != tx) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    st->req_body_bytes -= tx->req.body.len;
    *pp = tx->next;
    if (st->tail == tx)
        st->tail = prev;
    tx_free(tx);
}

/* ---- derived request values ---------------------------------------------------- */

static bool is_unreserved(uint8_t c)
{
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 3986 §6.2.2: %XX of an unreserved character becomes the character,
 * other escapes get upper-case hex. Never longer than the input. */
static size_t pct_normalize(struct span in, uint8_t *o)
{
    size_t k = 0;
    for (size_t i = 0; i < in.len; i++) {
        int hi, lo;
        if (in.p[i] == '%' && in.len - i >= 3 && (hi = hex_value(in.p[i + 1])) >= 0 &&
            (lo = hex_value(in.p[i + 2])) >= 0) {
            uint8_t v = (uint8_t)(hi << 4 | lo);
            if (is_unreserved(v)) {
                o[k++] = v;
            } else {
                o[k++] = '%';
                o[k++] = (uint8_t)"0123456789ABCDEF"[hi];
                o[k++] = (uint8_t)"0123456789ABCDEF"[lo];
            }
            i += 2;
            continue;
        }
        o[k++] = in.p[i];
    }
    return k;
}

/* RFC 3986 §5.2.4 dot segments, and "//" → "/", for a path starting with
 * "/"; anything else ("*", a relative path) is copied. Never longer. */
static size_t path_normalize(const uint8_t *p, size_t n, uint8_t *o)
{
    size_t k = 0, i = 0;
    if (n == 0 || p[0] != '/') {
        memcpy(o, p, n);
        return n;
    }
    while (i < n) {
        while (i < n && p[i] == '/')
            i++;
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        size_t sl = j - i;
        bool last = j == n;
        if ((sl == 1 && p[i] == '.') || (sl == 2 && p[i] == '.' && p[i + 1] == '.')) {
            if (sl == 2) {
                while (k > 0 && o[k - 1] != '/')
                    k--;
                if (k > 0)
                    k--;
            }
            if (last)
                o[k++] = '/';
        } else if (sl == 0) {
            o[k++] = '/';
        } else {
            o[k++] = '/';
            memcpy(o + k, p + i, sl);
            k += sl;
        }
        i = j;
    }
    if (k == 0)
        o[k++] = '/';
    return k;
}

/* absolute-form "scheme://authority/path?query" → authority and the rest */
static bool uri_absolute(struct span uri, struct span *authority, struct span *rest)
{
    size_t i = 0;
    while (i < uri.len &&
           (is_alnum(uri.p[i]) || uri.p[i] == '+' || uri.p[i] == '-' || uri.p[i] == '.'))
        i++;
    if (i == 0 || uri.len - i < 3 || memcmp(uri.p + i, "://", 3) != 0)
        return false;
    size_t a = i + 3, e = a;
    while (e < uri.len && uri.p[e] != '/' && uri.p[e] != '?' && uri.p[e] != '#')
        e++;
    *authority = span_of(uri.p + a, e - a);
    *rest = span_of(uri.p + e, uri.len - e);
    return true;
}

static bool uri_normalize(struct span uri, struct buf *out)
{
    struct span auth, rest = uri;
    bool abs = uri_absolute(uri, &auth, &rest);
    out->len = 0;
    if (abs && rest.len == 0)
        return buf_add(out, "/", 1, 1);
    uint8_t *tmp = malloc(rest.len * 2 + 1);
    if (!tmp)
        return false;
    size_t n = pct_normalize(rest, tmp);
    const uint8_t *q = memchr(tmp, '?', n);
    size_t plen = q ? (size_t)(q - tmp) : n;
    uint8_t *o = tmp + rest.len;
    size_t k = path_normalize(tmp, plen, o);
    bool ok = buf_add(out, o, k, k + n) && buf_add(out, tmp + plen, n - plen, k + n);
    free(tmp);
    return ok;
}

/* host[:port], [v6][:port], with userinfo dropped: lower-cased host, port or -1 */
static void host_normalize(struct span a, struct buf *host, int32_t *port)
{
    const uint8_t *at = rchr(a.p, a.len, '@');
    if (at)
        a = span_of(at + 1, a.len - (size_t)(at + 1 - a.p));
    size_t hl = a.len;
    const uint8_t *colon = NULL;
    if (a.len && a.p[0] == '[') {
        const uint8_t *rb = memchr(a.p, ']', a.len);
        hl = rb ? (size_t)(rb - a.p) + 1 : a.len;
        if (hl < a.len && a.p[hl] == ':')
            colon = a.p + hl;
    } else if ((colon = rchr(a.p, a.len, ':'))) {
        hl = (size_t)(colon - a.p);
    }
    *port = -1;
    if (colon) {
        size_t pl = a.len - hl - 1;
        uint32_t v = 0;
        bool ok = pl >= 1 && pl <= 5;
        for (size_t i = 0; ok && i < pl; i++) {
            ok = is_digit(colon[1 + i]);
            v = v * 10 + (uint32_t)(colon[1 + i] - '0');
        }
        if (ok && v <= 65535)
            *port = (int32_t)v;
    }
    host->len = 0;
    if (buf_add(host, a.p, hl, HTTP_START_LINE_MAX + HTTP_HEADER_LINE_MAX))
        for (size_t i = 0; i < host->len; i++)
            host->p[i] = lower(host->p[i]);
}

/* Standard base64, padding optional; stops at '=' or after max bytes. */
static size_t b64_decode(struct span in, uint8_t *out, size_t max)
{
    struct base64_dec d = {0, 0};
    size_t k = 0;
    for (size_t i = 0; i < in.len && in.p[i] != '=' && k < max; i++) {
        int v = base64_value(in.p[i]);
        if (v < 0)
            break;
        if (base64_push(&d, v, &out[k]))
            k++;
    }
    return k;
}

/* RFC 7617: the user is what precedes the first ':' of the decoded
 * credentials; the password never leaves this function. */
static void basic_user(struct span cred, struct buf *user)
{
    uint8_t dec[HTTP_BASIC_MAX];
    size_t n = b64_decode(trim(cred), dec, sizeof(dec));
    const uint8_t *colon = memchr(dec, ':', n);
    user->len = 0;
    if (colon)
        buf_add(user, dec, (size_t)(colon - dec), HTTP_BASIC_MAX);
    explicit_bzero(dec, sizeof(dec));
}

static void derive_request(struct http_tx *tx)
{
    const struct http_msg *m = &tx->req;
    struct span uri = field(m, 1), auth, rest, v;
    tx->uri_norm.len = tx->host.len = tx->ua.len = tx->cookie.len = tx->user.len = 0;
    tx->port = -1;
    tx->has_basic = tx->has_bearer = false;
    if (!m->have_start)
        return;
    uri_normalize(uri, &tx->uri_norm);
    if (uri_absolute(uri, &auth, &rest))
        host_normalize(auth, &tx->host, &tx->port);
    else if (msg_header(m, "Host", &v))
        host_normalize(v, &tx->host, &tx->port);
    msg_header_join(m, "User-Agent", ", ", &tx->ua);
    msg_header_join(m, "Cookie", "; ", &tx->cookie);
    if (msg_header(m, "Authorization", &v)) {
        size_t i = 0;
        while (i < v.len && !is_ws(v.p[i]))
            i++;
        struct span scheme = span_of(v.p, i);
        if (ci_eq(scheme, "Basic")) {
            tx->has_basic = true;
            basic_user(span_of(v.p + i, v.len - i), &tx->user);
        } else if (ci_eq(scheme, "Bearer")) {
            tx->has_bearer = true;
        }
    }
}

static struct span req_host_raw(const struct http_tx *tx)
{
    struct span auth, rest, v = {NULL, 0};
    if (uri_absolute(field(&tx->req, 1), &auth, &rest))
        return auth;
    msg_header(&tx->req, "Host", &v);
    return v;
}

static bool req_method_is(const struct http_tx *tx, const char *m)
{
    return tx->req_st != PART_NONE && span_eq(field(&tx->req, 0), m);
}

/* ---- events, buffers, consumers -------------------------------------------------- */

static void put_str(struct json_text *w, const char *key, struct span s)
{
    jt_wire(w, key, s.p, s.len);
}

static void put_header(struct json_text *w, const char *key, const struct http_msg *m,
                       const char *name)
{
    struct span v;
    if (msg_header(m, name, &v))
        put_str(w, key, v);
}

/* The `http` object, Suricata's basic + extended fields that exist. */
static void http_to_text(const void *p, struct json_text *w)
{
    const struct http_tx *tx = p;
    const struct http_msg *rq = &tx->req, *rs = &tx->resp;
    bool req = rq->have_start, resp = tx->resp_st == PART_DONE;
    jt_object(w, "http");
    if (req) {
        if (tx->host.len)
            put_str(w, "hostname", span_of(tx->host.p, tx->host.len));
        if (tx->port >= 0)
            jt_i64(w, "http_port", tx->port);
        put_str(w, "url", field(rq, 1));
        if (msg_header(rq, "User-Agent", &(struct span){0}))
            put_str(w, "http_user_agent", span_of(tx->ua.p, tx->ua.len));
        put_header(w, "xff", rq, "X-Forwarded-For");
    }
    struct span ct;
    if (resp && msg_header(rs, "Content-Type", &ct)) {
        const uint8_t *semi = ct.len ? memchr(ct.p, ';', ct.len) : NULL;
        put_str(w, "http_content_type", trim(span_of(ct.p, semi ? (size_t)(semi - ct.p) : ct.len)));
    }
    if (req) {
        put_header(w, "http_refer", rq, "Referer");
        put_str(w, "http_method", field(rq, 0));
        if (rq->f_len[2]) /* none for HTTP/0.9 */
            put_str(w, "protocol", field(rq, 2));
    } else if (resp) {
        put_str(w, "protocol", field(rs, 0));
    }
    if (resp) {
        if (rs->have_start)
            jt_i64(w, "status", rs->status);
        put_header(w, "redirect", rs, "Location");
        jt_u64(w, "length", rs->body_len);
    }
    jt_end_object(w);
}

static void tx_buf(struct app_tx *a, enum hb b, struct span s)
{
    if (!hb_id[b] || s.len == 0 || a->nbufs >= APP_TX_MAX_BUFS)
        return;
    a->bufs[a->nbufs].id = hb_id[b];
    a->bufs[a->nbufs].data = s.p;
    a->bufs[a->nbufs].len = s.len;
    a->nbufs++;
}

static struct span buf_span(const struct buf *b)
{
    return span_of(b->p, b->len);
}

static void side_bufs(struct app_tx *a, const struct http_msg *m, const struct buf *cookie,
                      bool request)
{
    struct span ct = {NULL, 0};
    tx_buf(a, HB_HEADER, buf_span(&m->norm));
    if (m->raw.p) /* NULL when no byte came: an HTTP/0.9 response cut by the close */
        tx_buf(a, HB_HEADER_RAW, span_of(m->raw.p + m->start_len, m->raw.len - m->start_len));
    tx_buf(a, HB_COOKIE, buf_span(cookie));
    tx_buf(a, HB_PROTOCOL, field(m, request ? 2 : 0));
    msg_header(m, "Content-Type", &ct);
    tx_buf(a, HB_CONTENT_TYPE, ct);
}

static void request_bufs(struct app_tx *a, const struct http_tx *tx, bool directional)
{
    const struct http_msg *m = &tx->req;
    if (!m->have_start)
        return;
    tx_buf(a, HB_METHOD, field(m, 0));
    tx_buf(a, HB_URI, buf_span(&tx->uri_norm));
    tx_buf(a, HB_URI_RAW, field(m, 1));
    tx_buf(a, HB_HOST, buf_span(&tx->host));
    tx_buf(a, HB_HOST_RAW, req_host_raw(tx));
    tx_buf(a, HB_UA, buf_span(&tx->ua));
    tx_buf(a, HB_REQ_BODY, buf_span(&m->body));
    if (directional)
        side_bufs(a, m, &tx->cookie, true);
}

static void app_tx_init(struct app_tx *a, const struct http_tx *tx, enum flow_dir dir,
                        const char *event_type)
{
    memset(a, 0, sizeof(*a));
    a->event_type = event_type;
    a->dir = dir;
    a->tx_id = tx->id;
    a->to_text = http_to_text;
    a->tx = tx;
}

static void emit_request(struct http_call *c, struct http_tx *tx)
{
    struct app_tx a;
    app_tx_init(&a, tx, DIR_TOSERVER, NULL);
    request_bufs(&a, tx, true);
    app_tx_done(c->ctx, c->f, &a);
}

static void emit_response(struct http_call *c, struct http_tx *tx)
{
    struct app_tx a;
    const struct http_msg *m = &tx->resp;
    app_tx_init(&a, tx, DIR_TOCLIENT, "http");
    request_bufs(&a, tx, false);
    side_bufs(&a, m, &tx->set_cookie, false);
    tx_buf(&a, HB_STAT_CODE, field(m, 1));
    tx_buf(&a, HB_STAT_MSG, field(m, 2));
    tx_buf(&a, HB_RESP_BODY, buf_span(&m->body));
    if (tx->sha_ok)
        tx_buf(&a, HB_SHA256, span_of(tx->sha256, sizeof(tx->sha256)));
    app_tx_done(c->ctx, c->f, &a);
}

static bool is_secret_header(const char *name)
{
    struct span n = span_of((const uint8_t *)name, strlen(name));
    return ci_eq(n, "Authorization") || ci_eq(n, "Proxy-Authorization") || ci_eq(n, "Cookie") ||
           ci_eq(n, "Set-Cookie");
}

/* Consumers see every header but the secret ones (they would log them). */
static bool view_header(const struct http_tx_view *v, bool response, const char *name,
                        struct http_bytes *value)
{
    const struct http_tx *tx = v->priv;
    struct span s;
    if (!name || is_secret_header(name) || (response && tx->resp_st != PART_DONE))
        return false;
    if (!msg_header(response ? &tx->resp : &tx->req, name, &s))
        return false;
    value->p = s.p;
    value->len = s.len;
    return true;
}

static struct http_bytes hb(struct span s)
{
    struct http_bytes b = {s.p, s.len};
    return b;
}

static void run_consumers(struct http_call *c, const struct http_tx *tx)
{
    if (n_consumers == 0)
        return;
    const struct http_msg *rq = &tx->req, *rs = &tx->resp;
    struct http_tx_view v;
    struct span s = {NULL, 0};
    memset(&v, 0, sizeof(v));
    v.tx_id = tx->id;
    v.method = hb(field(rq, 0));
    v.uri = hb(field(rq, 1));
    v.protocol = hb(field(rq, 2));
    v.host = hb(buf_span(&tx->host));
    v.user_agent = hb(buf_span(&tx->ua));
    if (msg_header(rq, "Content-Type", &s))
        v.content_type = hb(s);
    v.basic_user = hb(buf_span(&tx->user));
    v.has_basic_auth = tx->has_basic;
    v.has_bearer_token = tx->has_bearer;
    v.req_body = hb(buf_span(&rq->body));
    v.req_body_truncated = rq->body_truncated || tx->req_st != PART_DONE;
    v.has_response = tx->resp_st == PART_DONE;
    if (v.has_response) {
        v.status = rs->status;
        s = span_of(NULL, 0);
        if (msg_header(rs, "Content-Type", &s))
            v.resp_content_type = hb(s);
        v.resp_body = hb(buf_span(&rs->body));
        v.resp_body_truncated = rs->body_truncated;
    }
    v.header = view_header;
    v.priv = tx;
    for (size_t i = 0; i < n_consumers; i++)
        consumers[i]->on_tx(c->ctx, c->f, &v);
}

/* ---- body decoding ----------------------------------------------------------------- */

static void dec_free(struct http_dec *z)
{
    if (z->active)
        inflateEnd(&z->z);
    EVP_MD_CTX_free(z->sha);
    memset(z, 0, sizeof(*z));
}

static void dec_start(struct http_call *c, struct http_msg *m)
{
    struct http_dec *z = &c->d->dec;
    struct span ce;
    dec_free(z);
    if (msg_header(m, "Content-Encoding", &ce)) {
        if (ci_eq(ce, "gzip") || ci_eq(ce, "x-gzip"))
            z->enc = ENC_GZIP;
        else if (ci_eq(ce, "deflate"))
            z->enc = ENC_DEFLATE;
        else if (ce.len && !ci_eq(ce, "identity"))
            m->body_incomplete = true; /* br, layered codings: inspected as sent, no hash */
    }
    /* hashed only for rules on file.sha256: 6 % of all time with the shipped ones */
    if (c->dir == DIR_TOCLIENT && hb_id[HB_SHA256] && detect_buffer_used(hb_id[HB_SHA256])) {
        z->sha = EVP_MD_CTX_new();
        if (z->sha && EVP_DigestInit_ex(z->sha, digest_sha256(), NULL) != 1) {
            EVP_MD_CTX_free(z->sha);
            z->sha = NULL;
        }
    }
}

/* Decoded bytes: hashed in full, buffered to the depth. */
static void deliver(struct http_call *c, const uint8_t *p, size_t n)
{
    struct http_msg *m = dir_msg(c);
    struct http_dec *z = &c->d->dec;
    size_t depth = c->dir == DIR_TOSERVER ? HTTP_REQ_BODY_DEPTH : HTTP_RESP_BODY_DEPTH;
    size_t room = depth - m->body.len;
    if (c->dir == DIR_TOSERVER && HTTP_PENDING_BODY_MAX - c->st->req_body_bytes < room)
        room = HTTP_PENDING_BODY_MAX - c->st->req_body_bytes; /* pipelined bodies, unanswered */
    size_t k = n < room ? n : room;
    if (z->sha && EVP_DigestUpdate(z->sha, p, n) != 1) {
        EVP_MD_CTX_free(z->sha);
        z->sha = NULL;
    }
    z->out += n;
    if (k && !buf_add(&m->body, p, k, depth))
        k = 0;
    if (c->dir == DIR_TOSERVER)
        c->st->req_body_bytes += k;
    if (k < n)
        m->body_truncated = true;
}

static void dec_output(struct http_call *c, const uint8_t *p, size_t n)
{
    struct http_dec *z = &c->d->dec;
    uint64_t room = HTTP_DECOMPRESS_MAX - z->out;
    if (n <= room) {
        deliver(c, p, n);
        return;
    }
    deliver(c, p, (size_t)room);
    struct http_msg *m = dir_msg(c);
    m->body_truncated = m->body_incomplete = true;
    z->failed = true;
    /* A large ordinary download stops quietly at the cap, as at the depth;
     * a small input that expands past it is a bomb. */
    if (z->out / (z->z.total_in ? z->z.total_in : 1) >= HTTP_BOMB_RATIO)
        app_anomaly(c->ctx, c->f, "DECOMPRESSION_BOMB");
}

static void inflate_run(struct http_call *c, const uint8_t *in, size_t n)
{
    struct http_dec *z = &c->d->dec;
    uint8_t out[16384];
    while (n && !z->done && !z->failed) {
        uInt piece = n > (1u << 30) ? (1u << 30) : (uInt)n;
        z->z.next_in = in;
        z->z.avail_in = piece;
        for (;;) {
            z->z.next_out = out;
            z->z.avail_out = sizeof(out);
            uInt in_before = z->z.avail_in;
            int rc = inflate(&z->z, Z_NO_FLUSH);
            size_t got = sizeof(out) - z->z.avail_out;
            if (got)
                dec_output(c, out, got);
            if (z->failed)
                break;
            if (rc == Z_STREAM_END) {
                z->done = true; /* anything after the end of the stream is ignored */
                break;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                struct http_msg *m = dir_msg(c);
                m->body_truncated = m->body_incomplete = true;
                z->failed = true;
                app_anomaly(c->ctx, c->f, "DECOMPRESSION_FAILED");
                break;
            }
            if (rc == Z_BUF_ERROR || (z->z.avail_in == 0 && z->z.avail_out != 0) ||
                (got == 0 && z->z.avail_in == in_before))
                break;
        }
        in += piece;
        n -= piece;
    }
}

static bool dec_init(struct http_call *c)
{
    struct http_dec *z = &c->d->dec;
    int wbits = 15 + 16;
    if (z->enc == ENC_DEFLATE) /* RFC 9110 §8.4.1.2 says zlib; some servers send raw deflate */
        wbits = ((z->pre[0] & 0x0f) == 8 && ((z->pre[0] << 8) | z->pre[1]) % 31 == 0) ? 15 : -15;
    memset(&z->z, 0, sizeof(z->z));
    if (inflateInit2(&z->z, wbits) != Z_OK) {
        dir_msg(c)->body_incomplete = dir_msg(c)->body_truncated = true;
        z->failed = true;
        return false;
    }
    z->active = true;
    return true;
}

/* Body bytes after de-chunking. */
static void body_data(struct http_call *c, struct span s)
{
    struct http_dec *z = &c->d->dec;
    dir_msg(c)->body_len += s.len;
    if (z->enc == ENC_NONE) {
        deliver(c, s.p, s.len);
        return;
    }
    if (z->done || z->failed)
        return;
    if (!z->active && z->enc == ENC_DEFLATE) {
        struct rd r = rd_init(s.p, s.len);
        while (z->npre < 2 && rd_left(&r))
            z->pre[z->npre++] = rd_u8(&r);
        if (z->npre < 2 || !dec_init(c))
            return;
        inflate_run(c, z->pre, 2);
        s = span_of(r.p, rd_left(&r));
    } else if (!z->active && !dec_init(c)) {
        return;
    }
    if (s.len)
        inflate_run(c, s.p, s.len);
}

static void dec_finish(struct http_call *c)
{
    struct http_msg *m = dir_msg(c);
    struct http_dec *z = &c->d->dec;
    if (z->enc != ENC_NONE && !z->done)
        m->body_incomplete = true;
    if (z->sha && !m->body_incomplete && z->out > 0) {
        unsigned int len = 0;
        struct http_tx *tx = c->d->tx;
        tx->sha_ok = EVP_DigestFinal_ex(z->sha, tx->sha256, &len) == 1 && len == 32;
    }
    dec_free(z);
}

/* ---- lines ------------------------------------------------------------------------- */

/* Moves bytes up to and including the next LF from r into b, whose current
 * line starts at off and may not exceed max bytes (line end included).
 * Returns 1 with the line (line end dropped) in *line, 0 when r ran out
 * first, -1 over max, -2 out of memory. */
static int read_line(struct buf *b, size_t off, struct rd *r, size_t max, struct span *line)
{
    size_t have = b->len - off, left = rd_left(r);
    const uint8_t *nl = memchr(r->p, '\n', left);
    size_t take = nl ? (size_t)(nl - r->p) + 1 : left;
    if (have > max || take > max - have)
        return -1;
    struct span s = rd_bytes(r, take);
    if (!buf_add(b, s.p, s.len, off + max))
        return -2;
    if (!nl)
        return 0;
    line->p = b->p + off;
    line->len = b->len - off - 1;
    if (line->len && line->p[line->len - 1] == '\r')
        line->len--;
    return 1;
}

static int fail(struct http_call *c, const char *event)
{
    app_anomaly(c->ctx, c->f, event);
    c->st->dead = true;
    return -1;
}

static int line_fail(struct http_call *c, int rc, const char *too_long)
{
    return fail(c, rc == -2 ? "OUT_OF_MEMORY" : too_long);
}

/* Known request methods (RFC 9110 §9, WebDAV RFC 4918, PATCH RFC 5789). */
static const char *const methods[] = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PROPFIND",
    "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "MKCALENDAR",
};

/* Does p start a request line (to_server) or a status line (to_client)?
 * 1 yes, 0 no, -1 too short to tell but a prefix of one. */
static int match_start(const uint8_t *p, size_t n, enum flow_dir dir)
{
    if (dir == DIR_TOCLIENT) {
        static const char v[] = "HTTP/1.";
        size_t k = n < 7 ? n : 7;
        if (memcmp(p, v, k) != 0)
            return 0;
        return n >= 7 ? 1 : -1;
    }
    int res = 0;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        size_t ml = strlen(methods[i]);
        if (n > ml) {
            if (memcmp(p, methods[i], ml) == 0 && p[ml] == ' ')
                return 1;
        } else if (memcmp(p, methods[i], n) == 0) {
            res = -1;
        }
    }
    return res;
}

/* ---- start lines and headers --------------------------------------------------------- */

static void set_field(struct http_msg *m, int i, const uint8_t *p, size_t len)
{
    m->f_off[i] = (uint32_t)(p - m->raw.p);
    m->f_len[i] = (uint32_t)len;
}

/* method SP request-target SP HTTP-version; a target with stray spaces is
 * kept whole (the version is the last word). RFC 1945 §4.1's Simple-Request
 * "GET" SP Request-URI (HTTP/0.9) sets *http09. */
static bool parse_request_line(struct http_msg *m, struct span line, bool *http09)
{
    line = trim(line);
    size_t i = 0;
    while (i < line.len && is_tchar(line.p[i]))
        i++;
    if (i == 0 || i == line.len || line.p[i] != ' ')
        return false;
    set_field(m, 0, line.p, i);
    const uint8_t *sp = rchr(line.p + i, line.len - i, ' ');
    struct span ver = span_of(sp + 1, line.len - (size_t)(sp + 1 - line.p));
    *http09 = false;
    if (sp == line.p + i && i == 3 && memcmp(line.p, "GET", 3) == 0 && ver.len &&
        !memchr(ver.p, ' ', ver.len)) {
        set_field(m, 1, ver.p, ver.len);
        set_field(m, 2, ver.p + ver.len, 0);
        *http09 = true;
        return true;
    }
    struct span target = trim(span_of(line.p + i, (size_t)(sp - line.p) - i));
    if (target.len == 0 || ver.len < 5 || memcmp(ver.p, "HTTP/", 5) != 0)
        return false;
    set_field(m, 1, target.p, target.len);
    set_field(m, 2, ver.p, ver.len);
    return true;
}

/* HTTP-version SP 3DIGIT [SP reason-phrase] */
static bool parse_status_line(struct http_msg *m, struct span line)
{
    struct rd r = rd_init(line.p, line.len);
    struct span ver = rd_bytes(&r, 5);
    if (r.err || memcmp(ver.p, "HTTP/", 5) != 0)
        return false;
    while (rd_left(&r) && *r.p != ' ')
        rd_skip(&r, 1);
    ver.len = (size_t)(r.p - ver.p);
    while (rd_left(&r) && *r.p == ' ')
        rd_skip(&r, 1);
    struct span code = rd_bytes(&r, 3);
    if (r.err || !is_digit(code.p[0]) || !is_digit(code.p[1]) || !is_digit(code.p[2]) ||
        code.p[0] == '0')
        return false;
    if (rd_left(&r) && !is_ws(*r.p))
        return false;
    struct span reason = trim(span_of(r.p, rd_left(&r)));
    m->status = (uint16_t)((code.p[0] - '0') * 100 + (code.p[1] - '0') * 10 + (code.p[2] - '0'));
    set_field(m, 0, ver.p, ver.len);
    set_field(m, 1, code.p, 3);
    set_field(m, 2, reason.len ? reason.p : code.p + 3, reason.len);
    return true;
}

#define NORM_MAX (2 * HTTP_HEADER_BYTES_MAX)

/* One header or trailer line into norm; obs-fold (RFC 9112 §5.2) continues
 * the previous value after one space. Returns -1 over the count, -2 out of
 * memory. */
static int add_header(struct http_call *c, struct http_msg *m, struct span line)
{
    if (is_ws(line.p[0])) {
        struct span more = trim(line);
        if (m->nhdr == 0) {
            app_anomaly(c->ctx, c->f, "INVALID_HEADER");
            return 0;
        }
        struct http_hdr *h = &m->hdr[m->nhdr - 1];
        m->norm.len -= 2;
        bool sp = h->val_len && more.len;
        if ((sp && !buf_add(&m->norm, " ", 1, NORM_MAX)) ||
            !buf_add(&m->norm, more.p, more.len, NORM_MAX) ||
            !buf_add(&m->norm, "\r\n", 2, NORM_MAX))
            return -2;
        h->val_len += (uint32_t)(more.len + sp);
        return 0;
    }
    const uint8_t *colon = memchr(line.p, ':', line.len);
    if (!colon || colon == line.p) {
        app_anomaly(c->ctx, c->f, "INVALID_HEADER");
        return 0;
    }
    if (m->nhdr >= HTTP_MAX_HEADERS)
        return -1;
    struct span name = trim(span_of(line.p, (size_t)(colon - line.p)));
    struct span val = trim(span_of(colon + 1, line.len - (size_t)(colon + 1 - line.p)));
    struct http_hdr *h = &m->hdr[m->nhdr];
    h->name = (uint32_t)m->norm.len;
    h->name_len = (uint32_t)name.len;
    h->val = (uint32_t)(m->norm.len + name.len + 2);
    h->val_len = (uint32_t)val.len;
    if (!buf_add(&m->norm, name.p, name.len, NORM_MAX) || !buf_add(&m->norm, ": ", 2, NORM_MAX) ||
        !buf_add(&m->norm, val.p, val.len, NORM_MAX) || !buf_add(&m->norm, "\r\n", 2, NORM_MAX))
        return -2;
    m->nhdr++;
    return 0;
}

/* ---- message boundaries ------------------------------------------------------------------ */

static int hold_release(struct http_state *st, struct app_ctx *ctx, struct flow *f)
{
    struct http_dir *ts = &st->d[DIR_TOSERVER];
    struct buf h = ts->hold;
    memset(&ts->hold, 0, sizeof(ts->hold));
    ts->hold_tx = NULL;
    ts->ps = PS_START;
    int rc = h.len ? parse_dir(st, ctx, f, DIR_TOSERVER, h.p, h.len) : 0;
    buf_free(&h);
    return rc;
}

static const struct app_parser *upgrade_find(const struct http_tx *tx)
{
    struct span v;
    if (!msg_header(&tx->resp, "Upgrade", &v) && !msg_header(&tx->req, "Upgrade", &v))
        return NULL;
    while (v.len) {
        const uint8_t *comma = memchr(v.p, ',', v.len);
        size_t el = comma ? (size_t)(comma - v.p) : v.len;
        struct span tok = trim(span_of(v.p, el));
        const uint8_t *slash = tok.len ? memchr(tok.p, '/', tok.len) : NULL;
        if (slash) /* "websocket", "h2c", "TLS/1.2": the name without its version */
            tok.len = (size_t)(slash - tok.p);
        for (size_t i = 0; i < n_upgrades; i++)
            if (ci_eq(tok, upgrades[i].token))
                return upgrades[i].parser;
        v = comma ? span_of(comma + 1, v.len - el - 1) : span_of(NULL, 0);
    }
    return NULL;
}

static int request_complete(struct http_call *c)
{
    struct http_tx *tx = c->d->tx;
    struct span up;
    dec_finish(c);
    c->d->tx = NULL;
    c->d->ps = PS_START;
    tx->req_st = PART_DONE;
    derive_request(tx);
    emit_request(c, tx);
    if (tx->resp_st == PART_NONE || tx->resp_st == PART_OPEN) {
        /* After an Upgrade or CONNECT request the next client bytes may be
         * another protocol: hold them until the answer says which. */
        if (req_method_is(tx, "CONNECT") || msg_header(&tx->req, "Upgrade", &up)) {
            c->d->ps = PS_HOLD;
            c->d->hold_tx = tx;
        }
        return 0;
    }
    tx_maybe_free(c->st, tx);
    return 0;
}

static int response_complete(struct http_call *c)
{
    struct http_state *st = c->st;
    struct http_tx *tx = c->d->tx;
    uint16_t status = tx->resp.status;
    dec_finish(c);
    c->d->tx = NULL;
    c->d->ps = PS_START;
    if (!tx->linked) {
        tx_free(tx);
        return 0;
    }
    if (tx->resp.have_start && status < 200 && status != 101) { /* interim: the final one follows */
        msg_free(&tx->resp);
        tx->resp_st = PART_NONE;
        return 0;
    }
    tx->resp_st = PART_DONE;
    msg_header_join(&tx->resp, "Set-Cookie", ", ", &tx->set_cookie);
    if (tx->req_st != PART_DONE)
        derive_request(tx);
    emit_response(c, tx);
    run_consumers(c, tx);

    struct http_dir *ts = &st->d[DIR_TOSERVER];
    bool held = ts->ps == PS_HOLD && ts->hold_tx == tx;
    bool connect = req_method_is(tx, "CONNECT") && status < 300;
    int rc = 0;
    if (status == 101 || connect) {
        const struct app_parser *p = status == 101 ? upgrade_find(tx) : NULL;
        void *ups = p ? p->state_new() : NULL;
        tx_maybe_free(st, tx);
        if (ups) {
            st->up = p;
            st->up_state = ups;
            rc = hold_release(st, c->ctx, c->f); /* held bytes go to the new parser */
        } else {
            buf_free(&ts->hold);
            ts->hold_tx = NULL;
            ts->ps = c->d->ps = PS_TUNNEL;
        }
        return rc;
    }
    tx_maybe_free(st, tx);
    if (held)
        rc = hold_release(st, c->ctx, c->f);
    return rc;
}

static int message_complete(struct http_call *c)
{
    return c->dir == DIR_TOSERVER ? request_complete(c) : response_complete(c);
}

/* RFC 9112 §6.1: the final coding of the last Transfer-Encoding. */
static bool te_chunked(const struct http_msg *m, bool *present)
{
    struct span last = {NULL, 0};
    *present = false;
    for (uint32_t i = 0; i < m->nhdr; i++)
        if (ci_eq(hdr_name(m, &m->hdr[i]), "Transfer-Encoding")) {
            *present = true;
            last = hdr_val(m, &m->hdr[i]);
        }
    return *present && ci_eq(list_last(last), "chunked");
}

/* RFC 9112 §6.3 item 5: every Content-Length value (and list element) the
 * same decimal number. 0 none, 1 found, -1 invalid. */
static int content_length(const struct http_msg *m, uint64_t *len)
{
    int found = 0;
    for (uint32_t i = 0; i < m->nhdr; i++) {
        if (!ci_eq(hdr_name(m, &m->hdr[i]), "Content-Length"))
            continue;
        struct rd r = rd_init(m->norm.p + m->hdr[i].val, m->hdr[i].val_len);
        do {
            while (rd_left(&r) && (is_ws(*r.p) || *r.p == ','))
                rd_skip(&r, 1);
            uint64_t v = 0;
            size_t digits = 0;
            while (rd_left(&r) && is_digit(*r.p)) {
                if (++digits > 18)
                    return -1;
                v = v * 10 + (uint64_t)(rd_u8(&r) - '0');
            }
            while (rd_left(&r) && is_ws(*r.p))
                rd_skip(&r, 1);
            if (digits == 0 || (rd_left(&r) && *r.p != ',') || (found && v != *len))
                return -1;
            *len = v;
            found = 1;
        } while (rd_left(&r));
    }
    return found;
}

static int start_body(struct http_call *c, struct http_msg *m, uint64_t len, bool chunked,
                      bool to_close)
{
    dec_start(c, m);
    if (chunked) {
        c->d->ps = PS_CHUNK_SIZE;
        return 0;
    }
    if (to_close) {
        c->d->ps = PS_BODY_CLOSE;
        return 0;
    }
    if (len == 0)
        return message_complete(c);
    c->d->left = len;
    c->d->ps = PS_BODY_LEN;
    return 0;
}

static int end_of_headers(struct http_call *c)
{
    struct http_tx *tx = c->d->tx;
    struct http_msg *m = dir_msg(c);
    bool request = c->dir == DIR_TOSERVER, te;
    uint64_t len = 0;
    if (!request) {
        uint16_t s = m->status;
        /* RFC 9110 §6.4.1: 1xx, 204, 304 and answers to HEAD have no body;
         * a 2xx to CONNECT turns the connection into a tunnel. */
        if (s < 200 || s == 204 || s == 304 || req_method_is(tx, "HEAD") ||
            (req_method_is(tx, "CONNECT") && s < 300))
            return start_body(c, m, 0, false, false);
    }
    bool chunked = te_chunked(m, &te);
    int cl = content_length(m, &len);
    if (te && chunked && cl != 0)
        app_anomaly(c->ctx, c->f, "CONTENT_LENGTH_AND_CHUNKED"); /* smuggling: chunked wins */
    if (te && !chunked) {
        if (request) /* RFC 9112 §6.3 item 4: the length cannot be known */
            return fail(c, "INVALID_TRANSFER_ENCODING");
        return start_body(c, m, 0, false, true);
    }
    if (chunked)
        return start_body(c, m, 0, true, false);
    if (cl < 0)
        return fail(c, "INVALID_CONTENT_LENGTH");
    if (cl == 0 && !request)
        return start_body(c, m, 0, false, true);
    return start_body(c, m, len, false, false);
}

/* ---- per-state steps ------------------------------------------------------------------- */

static void evict_oldest_waiting(struct http_call *c)
{
    struct http_state *st = c->st;
    struct http_tx *oldest = NULL;
    size_t waiting = 0;
    for (struct http_tx *t = st->head; t; t = t->next)
        if (t->resp_st == PART_NONE && waiting++ == 0)
            oldest = t;
    if (waiting < HTTP_MAX_PENDING)
        return;
    if (!st->pending_warned) {
        st->pending_warned = true;
        app_anomaly(c->ctx, c->f, "TOO_MANY_PENDING_REQUESTS");
    }
    if (oldest->req_st == PART_DONE) { /* log it request-only; rules already saw it */
        struct app_tx a;
        app_tx_init(&a, oldest, DIR_TOSERVER, "http");
        app_tx_done(c->ctx, c->f, &a);
        run_consumers(c, oldest);
    }
    oldest->resp_st = PART_LOST;
    st->skip_resp++;
    tx_maybe_free(st, oldest);
}

/* Is the next response one to an HTTP/0.9 request? */
static bool next_is_http09(const struct http_state *st)
{
    const struct http_tx *tx = st->head;
    while (tx && tx->resp_st != PART_NONE)
        tx = tx->next;
    return st->skip_resp == 0 && tx && tx->http09;
}

static bool begin_message(struct http_call *c)
{
    struct http_state *st = c->st;
    struct http_tx *tx = NULL;
    if (c->dir == DIR_TOSERVER) {
        evict_oldest_waiting(c);
        tx = tx_new(st, true);
        if (tx)
            tx->req_st = PART_OPEN;
    } else if (st->skip_resp) {
        tx = tx_new(st, false);
        st->skip_resp -= tx != NULL;
    } else {
        for (tx = st->head; tx && tx->resp_st != PART_NONE; tx = tx->next)
            ;
        if (!tx) /* a response to no request we saw */
            tx = tx_new(st, true);
    }
    if (!tx)
        return false;
    if (c->dir == DIR_TOCLIENT)
        tx->resp_st = PART_OPEN;
    c->d->tx = tx;
    c->d->line_off = 0;
    return true;
}

static int st_start(struct http_call *c, struct rd *r)
{
    struct http_dir *d = c->d;
    struct span line;
    bool http09 = false;
    if (!d->tx && c->dir == DIR_TOCLIENT && next_is_http09(c->st)) {
        if (!begin_message(c))
            return fail(c, "OUT_OF_MEMORY");
        return start_body(c, dir_msg(c), 0, false, true); /* no status line, no headers */
    }
    if (!d->tx) {
        /* RFC 9112 §2.2: empty lines before a request line are ignored */
        while (rd_left(r) && (*r->p == '\r' || *r->p == '\n'))
            rd_skip(r, 1);
        if (!rd_left(r))
            return 0;
        if (!begin_message(c))
            return fail(c, "OUT_OF_MEMORY");
    }
    struct http_msg *m = dir_msg(c);
    bool request = c->dir == DIR_TOSERVER;
    int rc = read_line(&m->raw, 0, r, HTTP_START_LINE_MAX, &line);
    if (rc <= 0)
        return rc == 0 ? 0 : line_fail(c, rc, request ? "REQUEST_LINE_TOO_LONG" :
                                                        "RESPONSE_LINE_TOO_LONG");
    if (!(request ? parse_request_line(m, line, &http09) : parse_status_line(m, line)))
        return fail(c, request ? "INVALID_REQUEST_LINE" : "INVALID_RESPONSE_LINE");
    m->have_start = true;
    m->start_len = m->raw.len;
    d->line_off = m->raw.len;
    d->ps = PS_HEADERS;
    if (!http09)
        return 0;
    d->tx->http09 = true; /* no headers, no body */
    return start_body(c, m, 0, false, false);
}

/* Header lines, and trailer lines after the last chunk (counted together). */
static int st_headers(struct http_call *c, struct rd *r)
{
    struct http_dir *d = c->d;
    struct http_msg *m = dir_msg(c);
    struct span line;
    size_t budget = HTTP_HEADER_BYTES_MAX - (d->line_off - m->start_len);
    size_t max = budget < HTTP_HEADER_LINE_MAX ? budget : HTTP_HEADER_LINE_MAX;
    int rc = read_line(&m->raw, d->line_off, r, max, &line);
    if (rc <= 0)
        return rc == 0 ? 0 : line_fail(c, rc, max == budget ? "HEADERS_TOO_LONG" :
                                                              "HEADER_LINE_TOO_LONG");
    if (line.len == 0) {
        m->raw.len = d->line_off; /* the empty line ends the block; it is not kept */
        return d->ps == PS_TRAILERS ? message_complete(c) : end_of_headers(c);
    }
    rc = add_header(c, m, line);
    if (rc < 0)
        return line_fail(c, rc, "TOO_MANY_HEADERS");
    d->line_off = m->raw.len;
    return 0;
}

static int st_body_len(struct http_call *c, struct rd *r)
{
    size_t n = rd_left(r);
    if (n > c->d->left)
        n = (size_t)c->d->left;
    body_data(c, rd_bytes(r, n));
    c->d->left -= n;
    return c->d->left ? 0 : message_complete(c);
}

static int st_chunk_size(struct http_call *c, struct rd *r)
{
    struct http_dir *d = c->d;
    struct span line;
    int rc = read_line(&d->line, 0, r, HTTP_CHUNK_LINE_MAX, &line);
    if (rc <= 0)
        return rc == 0 ? 0 : line_fail(c, rc, "CHUNK_LINE_TOO_LONG");
    /* chunk-size [ BWS ; chunk-ext ]: the extensions are ignored */
    struct rd l = rd_init(line.p, line.len);
    while (rd_left(&l) && is_ws(*l.p))
        rd_skip(&l, 1);
    uint64_t size = 0;
    size_t digits = 0;
    while (rd_left(&l) && hex_value(*l.p) >= 0) {
        if (++digits > 15)
            return fail(c, "INVALID_CHUNK_SIZE");
        size = size << 4 | (uint64_t)hex_value(rd_u8(&l));
    }
    while (rd_left(&l) && is_ws(*l.p))
        rd_skip(&l, 1);
    if (digits == 0 || (rd_left(&l) && *l.p != ';'))
        return fail(c, "INVALID_CHUNK_SIZE");
    d->line.len = 0;
    if (size == 0) {
        d->line_off = dir_msg(c)->raw.len;
        d->ps = PS_TRAILERS;
        return 0;
    }
    d->left = size;
    d->ps = PS_CHUNK_DATA;
    return 0;
}

static int st_chunk_data(struct http_call *c, struct rd *r)
{
    size_t n = rd_left(r);
    if (n > c->d->left)
        n = (size_t)c->d->left;
    body_data(c, rd_bytes(r, n));
    c->d->left -= n;
    if (c->d->left == 0)
        c->d->ps = PS_CHUNK_END;
    return 0;
}

/* The CRLF after chunk data; anything else means the size lied. */
static int st_chunk_end(struct http_call *c, struct rd *r)
{
    struct span line;
    int rc = read_line(&c->d->line, 0, r, 2, &line);
    if (rc == 0)
        return 0;
    if (rc < 0 || line.len != 0)
        return rc == -2 ? fail(c, "OUT_OF_MEMORY") : fail(c, "INVALID_CHUNK_END");
    c->d->line.len = 0;
    c->d->ps = PS_CHUNK_SIZE;
    return 0;
}

static int st_body_close(struct http_call *c, struct rd *r)
{
    body_data(c, rd_bytes(r, rd_left(r)));
    return 0;
}

/* Looks for a line that starts a message; a prefix cut by the chunk end is
 * stashed and completed by the next chunk. */
static int st_resync(struct http_call *c, struct rd *r)
{
    struct http_dir *d = c->d;
    if (d->line.len) {
        uint8_t tmp[HTTP_RESYNC_STASH];
        size_t have = d->line.len, k = rd_left(r);
        if (k > sizeof(tmp) - have)
            k = sizeof(tmp) - have;
        memcpy(tmp, d->line.p, have);
        memcpy(tmp + have, r->p, k);
        int m = match_start(tmp, have + k, c->dir);
        if (m < 0) {
            buf_add(&d->line, r->p, k, HTTP_RESYNC_STASH);
            rd_skip(r, k);
            return 0;
        }
        d->line.len = 0;
        d->line_start = false;
        if (m > 0) {
            d->ps = PS_START;
            return parse_dir(c->st, c->ctx, c->f, c->dir, tmp, have);
        }
    }
    while (rd_left(r)) {
        if (d->line_start) {
            int m = match_start(r->p, rd_left(r), c->dir);
            if (m > 0) {
                d->ps = PS_START;
                return 0;
            }
            if (m < 0) {
                struct span s = rd_bytes(r, rd_left(r));
                buf_add(&d->line, s.p, s.len, HTTP_RESYNC_STASH);
                return 0;
            }
            d->line_start = false;
        }
        const uint8_t *nl = memchr(r->p, '\n', rd_left(r));
        rd_skip(r, nl ? (size_t)(nl - r->p) + 1 : rd_left(r));
        d->line_start = nl != NULL;
    }
    return 0;
}

static int st_hold(struct http_call *c, struct rd *r)
{
    struct http_dir *d = c->d;
    size_t n = rd_left(r);
    if (d->hold.len + n <= HTTP_HOLD_MAX && buf_add(&d->hold, r->p, n, HTTP_HOLD_MAX)) {
        rd_skip(r, n);
        return 0;
    }
    return hold_release(c->st, c->ctx, c->f); /* no answer in time: parse them as HTTP */
}

static int step(struct http_call *c, struct rd *r)
{
    switch (c->d->ps) {
    case PS_START:
        return st_start(c, r);
    case PS_HEADERS:
    case PS_TRAILERS:
        return st_headers(c, r);
    case PS_BODY_LEN:
        return st_body_len(c, r);
    case PS_CHUNK_SIZE:
        return st_chunk_size(c, r);
    case PS_CHUNK_DATA:
        return st_chunk_data(c, r);
    case PS_CHUNK_END:
        return st_chunk_end(c, r);
    case PS_BODY_CLOSE:
        return st_body_close(c, r);
    case PS_RESYNC:
        return st_resync(c, r);
    case PS_HOLD:
        return st_hold(c, r);
    default: /* PS_TUNNEL: not ours any more */
        rd_skip(r, rd_left(r));
        return 0;
    }
}

static int parse_dir(struct http_state *st, struct app_ctx *ctx, struct flow *f,
                     enum flow_dir dir, const uint8_t *data, size_t len)
{
    struct http_call c = {st, ctx, f, dir, &st->d[dir]};
    struct rd r = rd_init(data, len);
    while (rd_left(&r) && !st->dead) {
        if (st->up)
            return st->up->parse(ctx, f, st->up_state, dir, r.p, rd_left(&r), false);
        if (step(&c, &r) < 0)
            st->dead = true;
    }
    return st->dead ? -1 : 0;
}

/* A gap: the message in progress is given up without an event, then the
 * direction resyncs at the next start line. */
static int on_gap(struct http_state *st, struct app_ctx *ctx, struct flow *f, enum flow_dir dir)
{
    struct http_dir *d = &st->d[dir];
    int rc = 0;
    if (d->ps == PS_TUNNEL)
        return 0;
    if (!st->gap_seen) {
        st->gap_seen = true;
        app_anomaly(ctx, f, "GAP");
    }
    dec_free(&d->dec);
    struct http_tx *tx = d->tx;
    d->tx = NULL;
    d->line.len = 0;
    d->ps = PS_RESYNC;
    d->line_start = true;
    if (dir == DIR_TOSERVER) {
        buf_free(&d->hold);
        d->hold_tx = NULL;
    }
    if (!tx)
        return 0;
    if (!tx->linked) {
        tx_free(tx);
        return 0;
    }
    if (dir == DIR_TOSERVER) {
        tx->req_st = PART_LOST;
    } else {
        tx->resp_st = PART_LOST;
        if (st->d[DIR_TOSERVER].ps == PS_HOLD && st->d[DIR_TOSERVER].hold_tx == tx)
            rc = hold_release(st, ctx, f);
    }
    tx_maybe_free(st, tx);
    return rc;
}

/* End of a direction (parse with no data and no gap): ends a response
 * delimited by the close. */
static int on_eof(struct http_state *st, struct app_ctx *ctx, struct flow *f, enum flow_dir dir)
{
    struct http_call c = {st, ctx, f, dir, &st->d[dir]};
    if (c.d->ps == PS_BODY_CLOSE && c.d->tx)
        return message_complete(&c);
    return 0;
}

/* ---- the parser ------------------------------------------------------------------------------ */

static bool http_probe(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f)
{
    (void)f;
    return data && len && match_start(data, len, dir) > 0;
}

static void *http_state_new(void)
{
    return calloc(1, sizeof(struct http_state));
}

static void http_state_free(void *p)
{
    struct http_state *st = p;
    if (!st)
        return;
    if (st->up)
        st->up->state_free(st->up_state);
    for (int i = 0; i < 2; i++) {
        struct http_dir *d = &st->d[i];
        if (d->tx && !d->tx->linked)
            tx_free(d->tx);
        dec_free(&d->dec);
        buf_free(&d->line);
        buf_free(&d->hold);
    }
    while (st->head) {
        struct http_tx *next = st->head->next;
        tx_free(st->head);
        st->head = next;
    }
    free(st);
}

static int http_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool gap)
{
    struct http_state *st = state;
    int rc;
    if (st->dead)
        return -1;
    if (st->up) /* the end-of-flow call (data NULL, no gap) is HTTP's own: not forwarded */
        return data || gap ? st->up->parse(ctx, f, st->up_state, dir, data, len, gap) : 0;
    if (gap)
        rc = on_gap(st, ctx, f, dir);
    else if (!data || !len)
        rc = on_eof(st, ctx, f, dir);
    else
        rc = parse_dir(st, ctx, f, dir, data, len);
    if (rc < 0)
        st->dead = true;
    return rc < 0 ? -1 : 0;
}

/* The close ends a response without a length (HTTP/1.0, HTTP/0.9). */
static void http_flow_end(struct app_ctx *ctx, struct flow *f, void *state)
{
    http_parse(ctx, f, state, DIR_TOCLIENT, NULL, 0, false);
}

static void http_register_buffers(void)
{
    for (int i = 0; i < HB_COUNT; i++) {
        int id = detect_buffer_register(hb_def[i].name, "http", hb_def[i].dirs);
        hb_id[i] = id > 0 ? id : 0;
    }
    for (size_t i = 0; i < sizeof(hb_alias) / sizeof(hb_alias[0]); i++)
        detect_buffer_alias(hb_alias[i][0], hb_alias[i][1]);
}

const struct app_parser http_parser = {
    .name = "http",
    .ipproto = 6,
    .register_buffers = http_register_buffers,
    .probe = http_probe,
    .state_new = http_state_new,
    .state_free = http_state_free,
    .parse = http_parse,
    .flow_end = http_flow_end,
};

void http_consumer_register(const struct http_consumer *cons)
{
    if (!cons || !cons->on_tx)
        return;
    for (size_t i = 0; i < n_consumers; i++)
        if (consumers[i] == cons)
            return;
    if (n_consumers < HTTP_MAX_CONSUMERS)
        consumers[n_consumers++] = cons;
}

void http_upgrade_register(const char *token, const struct app_parser *p)
{
    size_t n = token ? strlen(token) : 0;
    if (!p || n == 0 || n >= HTTP_TOKEN_MAX)
        return;
    for (size_t i = 0; i < n_upgrades; i++)
        if (ci_eq(span_of((const uint8_t *)token, n), upgrades[i].token)) {
            upgrades[i].parser = p;
            return;
        }
    if (n_upgrades == HTTP_MAX_UPGRADES)
        return;
    memcpy(upgrades[n_upgrades].token, token, n + 1);
    upgrades[n_upgrades++].parser = p;
}

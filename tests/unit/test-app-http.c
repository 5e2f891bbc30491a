/* test-app-http.c — the HTTP/1.x parser: resumability at every split,
 * pipelining, framing (Content-Length, chunked, close), gzip/deflate and the
 * decompression cap, caps on lines and headers, HEAD/204/304, 100-continue,
 * gaps, URI normalization, Basic credentials and the Upgrade hand-off.
 *
 * app_tx_done() and app_anomaly() are defined here and record what the
 * parser hands the engine; this test references only symbols of
 * app-http.c, detect-buffer.c, output/ and util, so the engine's own
 * definitions (engine-app.o) are never pulled from the archive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "app/app-http.h"
#include "detect/detect-buffer.h"
#include "tx-json.h"

extern const struct app_parser http_parser;

/* ---- what the parser handed over ---------------------------------------- */

struct rbuf {
    char name[48];
    uint8_t *data;
    size_t len;
};

struct rec {
    int dir;
    char ev[16];
    uint64_t id;
    size_t nb;
    struct rbuf b[APP_TX_MAX_BUFS];
    char *json;
};

#define MAX_RECS 128
static struct rec recs[MAX_RECS];
static size_t nrec;
static char anomalies[64][48];
static size_t nanom;

static int ctx_dummy;
#define CTX ((struct app_ctx *)&ctx_dummy)
static struct flow flow;

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    assert_ptr_equal(ctx, CTX);
    assert_ptr_equal(f, &flow);
    assert_true(nrec < MAX_RECS);
    struct rec *r = &recs[nrec++];
    memset(r, 0, sizeof(*r));
    r->dir = tx->dir;
    snprintf(r->ev, sizeof(r->ev), "%s", tx->event_type ? tx->event_type : "-");
    r->id = tx->tx_id;
    r->nb = tx->nbufs;
    for (size_t i = 0; i < tx->nbufs; i++) {
        snprintf(r->b[i].name, sizeof(r->b[i].name), "%s", detect_buffer_name(tx->bufs[i].id));
        r->b[i].len = tx->bufs[i].len;
        r->b[i].data = malloc(tx->bufs[i].len + 1);
        memcpy(r->b[i].data, tx->bufs[i].data, tx->bufs[i].len);
    }
    struct json_object *o = tx_members_json(tx); /* checks the text is plain JSON */
    assert_non_null(o);
    json_object_put(o);
    r->json = tx_members_text(tx);
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    assert_true(nanom < 64);
    snprintf(anomalies[nanom++], sizeof(anomalies[0]), "%s", event);
}

/* What consumers saw. */
struct cview {
    uint64_t tx_id;
    char method[16], uri[256], user[64], auth_hdr[8], host_hdr[64];
    bool has_basic, has_bearer, has_response, auth_visible, cookie_visible;
    uint16_t status;
    size_t req_body_len, resp_body_len;
};
static struct cview views[MAX_RECS];
static size_t nview;

static void copy_bytes(char *dst, size_t cap, struct http_bytes b)
{
    size_t n = b.len < cap - 1 ? b.len : cap - 1;
    if (n)
        memcpy(dst, b.p, n);
    dst[n] = '\0';
}

static bool test_on_tx(struct app_ctx *ctx, struct flow *f, const struct http_tx_view *v)
{
    (void)ctx;
    (void)f;
    assert_true(nview < MAX_RECS);
    struct cview *c = &views[nview++];
    struct http_bytes h;
    memset(c, 0, sizeof(*c));
    c->tx_id = v->tx_id;
    copy_bytes(c->method, sizeof(c->method), v->method);
    copy_bytes(c->uri, sizeof(c->uri), v->uri);
    copy_bytes(c->user, sizeof(c->user), v->basic_user);
    c->has_basic = v->has_basic_auth;
    c->has_bearer = v->has_bearer_token;
    c->has_response = v->has_response;
    c->status = v->status;
    c->req_body_len = v->req_body.len;
    c->resp_body_len = v->resp_body.len;
    c->auth_visible = v->header(v, false, "authorization", &h);
    c->cookie_visible = v->header(v, false, "Cookie", &h);
    if (v->header(v, false, "host", &h))
        copy_bytes(c->host_hdr, sizeof(c->host_hdr), h);
    return false;
}

static const struct http_consumer test_consumer = {"test", test_on_tx};

static void reset(void)
{
    for (size_t i = 0; i < nrec; i++) {
        for (size_t j = 0; j < recs[i].nb; j++)
            free(recs[i].b[j].data);
        free(recs[i].json);
    }
    nrec = nanom = nview = 0;
}

static const struct rbuf *rec_buf(const struct rec *r, const char *name)
{
    for (size_t i = 0; i < r->nb; i++)
        if (strcmp(r->b[i].name, name) == 0)
            return &r->b[i];
    return NULL;
}

static void assert_buf(const struct rec *r, const char *name, const char *want)
{
    const struct rbuf *b = rec_buf(r, name);
    if (!want) {
        if (b)
            fail_msg("buffer %s present: %.*s", name, (int)b->len, b->data);
        return;
    }
    if (!b)
        fail_msg("buffer %s absent", name);
    if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0)
        fail_msg("buffer %s = \"%.*s\", want \"%s\"", name, (int)b->len, b->data, want);
}

static size_t count_anomaly(const char *ev)
{
    size_t n = 0;
    for (size_t i = 0; i < nanom; i++)
        n += strcmp(anomalies[i], ev) == 0;
    return n;
}

/* Every record as text, to compare runs fed in different chunkings. */
static char *serialize(void)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (size_t i = 0; i < nrec; i++) {
        const struct rec *r = &recs[i];
        size_t need = 256 + strlen(r->json);
        for (size_t j = 0; j < r->nb; j++)
            need += strlen(r->b[j].name) + 2 * r->b[j].len + 4;
        while (len + need >= cap)
            s = realloc(s, cap *= 2);
        len += (size_t)snprintf(s + len, cap - len, "%d %s %llu %s\n", r->dir, r->ev,
                                (unsigned long long)r->id, r->json);
        for (size_t j = 0; j < r->nb; j++) {
            len += (size_t)snprintf(s + len, cap - len, " %s=", r->b[j].name);
            for (size_t k = 0; k < r->b[j].len; k++)
                len += (size_t)snprintf(s + len, cap - len, "%02x", r->b[j].data[k]);
            s[len++] = '\n';
            s[len] = '\0';
        }
    }
    for (size_t i = 0; i < nanom; i++) {
        while (len + 64 >= cap)
            s = realloc(s, cap *= 2);
        len += (size_t)snprintf(s + len, cap - len, "anomaly %s\n", anomalies[i]);
    }
    return s;
}

/* ---- feeding ------------------------------------------------------------ */

/* Each chunk is copied to a buffer of exactly its size so that ASan catches
 * any read past it or any pointer kept after the call. */
static int feed(void *st, enum flow_dir dir, const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    int rc = http_parser.parse(CTX, &flow, st, dir, copy, len, false);
    free(copy);
    return rc;
}

static int feeds(void *st, enum flow_dir dir, const char *s)
{
    return feed(st, dir, s, strlen(s));
}

static int gap(void *st, enum flow_dir dir, size_t len)
{
    return http_parser.parse(CTX, &flow, st, dir, NULL, len, true);
}

/* Feeds data in two chunks split at k (k == len: one chunk). */
static int feed_split(void *st, enum flow_dir dir, const void *data, size_t len, size_t k)
{
    int rc = feed(st, dir, data, k);
    if (rc == 0 && k < len)
        rc = feed(st, dir, (const uint8_t *)data + k, len - k);
    return rc;
}

static int feed_bytewise(void *st, enum flow_dir dir, const void *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (feed(st, dir, (const uint8_t *)data + i, 1) != 0)
            return -1;
    return 0;
}

/* Runs a request stream and a response stream, each split at one offset. */
static char *run_split(const void *rq, size_t rql, size_t k1, const void *rs, size_t rsl,
                       size_t k2)
{
    reset();
    void *st = http_parser.state_new();
    assert_non_null(st);
    assert_int_equal(feed_split(st, DIR_TOSERVER, rq, rql, k1), 0);
    assert_int_equal(feed_split(st, DIR_TOCLIENT, rs, rsl, k2), 0);
    http_parser.state_free(st);
    return serialize();
}

/* The same records whatever the split, including one byte at a time. */
static void check_every_split(const void *rq, size_t rql, const void *rs, size_t rsl)
{
    char *base = run_split(rq, rql, rql, rs, rsl, rsl);
    for (size_t k = 1; k < rql; k++) {
        char *s = run_split(rq, rql, k, rs, rsl, rsl);
        if (strcmp(s, base) != 0)
            fail_msg("request split at %zu differs:\n%s\nvs\n%s", k, s, base);
        free(s);
    }
    for (size_t k = 1; k < rsl; k++) {
        char *s = run_split(rq, rql, rql, rs, rsl, k);
        if (strcmp(s, base) != 0)
            fail_msg("response split at %zu differs:\n%s\nvs\n%s", k, s, base);
        free(s);
    }
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feed_bytewise(st, DIR_TOSERVER, rq, rql), 0);
    assert_int_equal(feed_bytewise(st, DIR_TOCLIENT, rs, rsl), 0);
    http_parser.state_free(st);
    char *s = serialize();
    assert_string_equal(s, base);
    free(s);
    free(base);
    /* leave the records of the whole-chunk run for the caller to inspect */
    free(run_split(rq, rql, rql, rs, rsl, rsl));
}

static void sha256_hex(const void *p, size_t n, uint8_t out[32])
{
    unsigned int len = 0;
    EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

/* gzip (wbits 31), zlib (15) or raw deflate (-15) */
static size_t zpack(const void *in, size_t n, uint8_t *out, size_t cap, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t got = z.total_out;
    deflateEnd(&z);
    return got;
}

static size_t cat(uint8_t *dst, size_t off, const void *src, size_t n)
{
    memcpy(dst + off, src, n);
    return off + n;
}

/* ---- tests -------------------------------------------------------------- */

/* GET /a/./b//c?x=%41 HTTP/1.1 | Host: Example.COM:8080 | User-Agent: ua/1 | Cookie: s=1
 * HTTP/1.1 200 OK | Content-Type: text/html; charset=utf-8 | Content-Length: 5 | Set-Cookie: a=b | hello */
static const char basic_req[] = "GET /a/./b//c?x=%41 HTTP/1.1\r\n"
                                "Host: Example.COM:8080\r\n"
                                "User-Agent:ua/1 \r\n"
                                "Cookie: s=1\r\n"
                                "\r\n";
static const char basic_resp[] = "HTTP/1.1 200 OK\r\n"
                                 "Content-Type: text/html; charset=utf-8\r\n"
                                 "Content-Length: 5\r\n"
                                 "Set-Cookie: a=b\r\n"
                                 "\r\n"
                                 "hello";

static void test_split_every_offset(void **state)
{
    (void)state;
    check_every_split(basic_req, strlen(basic_req), basic_resp, strlen(basic_resp));
    assert_int_equal(nrec, 2);
    assert_int_equal(nanom, 0);
    /* request complete: to_server, no event, request buffers */
    assert_int_equal(recs[0].dir, DIR_TOSERVER);
    assert_string_equal(recs[0].ev, "-");
    assert_int_equal(recs[0].id, 0);
    assert_buf(&recs[0], "http.method", "GET");
    assert_buf(&recs[0], "http.uri", "/a/b/c?x=A");
    assert_buf(&recs[0], "http.uri.raw", "/a/./b//c?x=%41");
    assert_buf(&recs[0], "http.host", "example.com");
    assert_buf(&recs[0], "http.host.raw", "Example.COM:8080");
    assert_buf(&recs[0], "http.user_agent", "ua/1");
    assert_buf(&recs[0], "http.cookie", "s=1");
    assert_buf(&recs[0], "http.header",
               "Host: Example.COM:8080\r\nUser-Agent: ua/1\r\nCookie: s=1\r\n");
    assert_buf(&recs[0], "http.header.raw",
               "Host: Example.COM:8080\r\nUser-Agent:ua/1 \r\nCookie: s=1\r\n");
    assert_buf(&recs[0], "http.protocol", "HTTP/1.1");
    assert_buf(&recs[0], "http.stat_code", NULL);
    assert_buf(&recs[0], "http.request_body", NULL);
    assert_string_equal(recs[0].json, "{\"http\":{\"hostname\":\"example.com\",\"http_port\":8080,"
                                      "\"url\":\"/a/./b//c?x=%41\",\"http_user_agent\":\"ua/1\","
                                      "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\"}}");
    /* response complete: to_client, the http event, both sides */
    assert_int_equal(recs[1].dir, DIR_TOCLIENT);
    assert_string_equal(recs[1].ev, "http");
    assert_int_equal(recs[1].id, 0);
    assert_buf(&recs[1], "http.uri", "/a/b/c?x=A");
    assert_buf(&recs[1], "http.stat_code", "200");
    assert_buf(&recs[1], "http.stat_msg", "OK");
    assert_buf(&recs[1], "http.response_body", "hello");
    assert_buf(&recs[1], "http.cookie", "a=b");
    assert_buf(&recs[1], "http.content_type", "text/html; charset=utf-8");
    assert_buf(&recs[1], "http.header", "Content-Type: text/html; charset=utf-8\r\n"
                                        "Content-Length: 5\r\nSet-Cookie: a=b\r\n");
    uint8_t sha[32];
    sha256_hex("hello", 5, sha);
    const struct rbuf *b = rec_buf(&recs[1], "file.sha256");
    assert_non_null(b);
    assert_int_equal(b->len, 32);
    assert_memory_equal(b->data, sha, 32);
    assert_string_equal(recs[1].json,
                        "{\"http\":{\"hostname\":\"example.com\",\"http_port\":8080,"
                        "\"url\":\"/a/./b//c?x=%41\",\"http_user_agent\":\"ua/1\","
                        "\"http_content_type\":\"text/html\",\"http_method\":\"GET\","
                        "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":5}}");
    /* cookies never in an event */
    assert_null(strstr(recs[1].json, "s=1"));
    assert_null(strstr(recs[1].json, "a=b"));
}

/* Two requests (the second with a body) before two responses, fed in chunks
 * that cut both messages. */
static void test_pipelining(void **state)
{
    (void)state;
    static const char rq[] = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                             "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz";
    static const char rs[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                             "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo";
    check_every_split(rq, strlen(rq), rs, strlen(rs));
    assert_int_equal(nrec, 4);
    assert_int_equal(recs[0].dir, DIR_TOSERVER);
    assert_int_equal(recs[0].id, 0);
    assert_int_equal(recs[1].dir, DIR_TOSERVER);
    assert_int_equal(recs[1].id, 1);
    assert_buf(&recs[1], "http.request_body", "xyz");
    assert_int_equal(recs[2].id, 0);
    assert_buf(&recs[2], "http.uri", "/one");
    assert_buf(&recs[2], "http.response_body", "one");
    assert_int_equal(recs[3].id, 1);
    assert_buf(&recs[3], "http.uri", "/two");
    assert_buf(&recs[3], "http.stat_code", "404");
    assert_buf(&recs[3], "http.stat_msg", "Not Found");
    assert_buf(&recs[3], "http.response_body", "two");
    assert_buf(&recs[3], "http.request_body", "xyz");
    assert_int_equal(nview, 2);
    assert_string_equal(views[1].method, "POST");
    assert_int_equal(views[1].status, 404);
}

/* Chunked response: extensions, a bad-looking but legal "6 ; foo" size
 * line, trailers (which join http.header). */
static void test_chunked_trailers(void **state)
{
    (void)state;
    static const char rq[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    static const char rs[] = "HTTP/1.1 200 OK\r\n"
                             "Transfer-Encoding: gzip, chunked\r\n"
                             "\r\n"
                             "5;ext=1;name=\"v\"\r\nhello\r\n"
                             "6 ; foo\r\n world\r\n"
                             "0\r\n"
                             "X-Trailer: t\r\n"
                             "\r\n";
    /* gzip in Transfer-Encoding is not decoded (not in Content-Encoding): the body is
     * as sent, so make it plain text and check de-chunking only */
    check_every_split(rq, strlen(rq), rs, strlen(rs));
    assert_int_equal(nrec, 2);
    assert_int_equal(nanom, 0);
    assert_buf(&recs[1], "http.response_body", "hello world");
    assert_buf(&recs[1], "http.header", "Transfer-Encoding: gzip, chunked\r\nX-Trailer: t\r\n");
    assert_non_null(strstr(recs[1].json, "\"length\":11"));
}

static void test_chunked_request_then_next(void **state)
{
    (void)state;
    static const char rq[] = "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "3\r\nabc\r\n0\r\n\r\n"
                             "GET /q HTTP/1.1\r\n\r\n";
    static const char rs[] = "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
                             "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
    check_every_split(rq, strlen(rq), rs, strlen(rs));
    assert_int_equal(nrec, 4);
    assert_buf(&recs[0], "http.request_body", "abc");
    assert_buf(&recs[2], "http.stat_code", "204");
    assert_buf(&recs[3], "http.stat_code", "304");
    assert_buf(&recs[3], "http.uri", "/q");
    assert_non_null(strstr(recs[2].json, "\"length\":0"));
}

static void test_content_encoding(int wbits, const char *name, bool chunked)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog. "
                               "The quick brown fox jumps over the lazy dog.";
    uint8_t z[512], rs[1024];
    size_t zl = zpack(text, strlen(text), z, sizeof(z), wbits);
    char head[256], framing[64];
    if (chunked)
        snprintf(framing, sizeof(framing), "Transfer-Encoding: chunked");
    else
        snprintf(framing, sizeof(framing), "Content-Length: %zu", zl);
    int hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n%s\r\n\r\n",
                      name, framing);
    size_t n = cat(rs, 0, head, (size_t)hl);
    if (chunked) {
        /* the compressed stream in two chunks */
        char sz[16];
        size_t half = zl / 2;
        n = cat(rs, n, sz, (size_t)snprintf(sz, sizeof(sz), "%zx\r\n", half));
        n = cat(rs, n, z, half);
        n = cat(rs, n, "\r\n", 2);
        n = cat(rs, n, sz, (size_t)snprintf(sz, sizeof(sz), "%zx;e\r\n", zl - half));
        n = cat(rs, n, z + half, zl - half);
        n = cat(rs, n, "\r\n0\r\n\r\n", 7);
    } else {
        n = cat(rs, n, z, zl);
    }
    static const char rq[] = "GET /z HTTP/1.1\r\nAccept-Encoding: gzip, deflate\r\n\r\n";
    check_every_split(rq, strlen(rq), rs, n);
    assert_int_equal(nrec, 2);
    assert_int_equal(nanom, 0);
    assert_buf(&recs[1], "http.response_body", text);
    uint8_t sha[32];
    sha256_hex(text, strlen(text), sha);
    const struct rbuf *b = rec_buf(&recs[1], "file.sha256");
    assert_non_null(b);
    assert_memory_equal(b->data, sha, 32);
    char want[32];
    snprintf(want, sizeof(want), "\"length\":%zu}", zl);
    assert_non_null(strstr(recs[1].json, want));
}

static void test_gzip(void **state)
{
    (void)state;
    test_content_encoding(31, "gzip", false);
    test_content_encoding(31, "x-gzip", true);
}

static void test_deflate(void **state)
{
    (void)state;
    test_content_encoding(15, "deflate", false);  /* RFC 9110: zlib wrapper */
    test_content_encoding(-15, "Deflate", true);  /* what some servers send */
}

/* 8 MiB of zeros gzip to ~8 KiB: decoding stops at 1 MiB with an anomaly,
 * the event is still logged, the body truncated, no file hash. */
static void test_decompression_bomb(void **state)
{
    (void)state;
    size_t big = 8u << 20;
    uint8_t *zeros = calloc(1, big);
    uint8_t *z = malloc(64 << 10);
    size_t zl = zpack(zeros, big, z, 64 << 10, 31);
    free(zeros);
    char head[128];
    int hl = snprintf(head, sizeof(head),
                      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", zl);
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /bomb HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, head, (size_t)hl), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, z, zl), 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /next HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0);
    http_parser.state_free(st);
    free(z);
    assert_int_equal(count_anomaly("DECOMPRESSION_BOMB"), 1);
    assert_int_equal(nrec, 4);
    const struct rbuf *b = rec_buf(&recs[1], "http.response_body");
    assert_non_null(b);
    assert_int_equal(b->len, 1u << 20);
    assert_null(rec_buf(&recs[1], "file.sha256"));
    assert_string_equal(recs[1].ev, "http");
    assert_int_equal(views[0].resp_body_len, 1u << 20);
    assert_buf(&recs[3], "http.uri", "/next");
}

/* A large uncompressed body: buffered to the 1 MiB depth, hashed in full. */
static void test_body_depth_and_hash(void **state)
{
    (void)state;
    size_t big = (1u << 20) + 4096;
    uint8_t *body = malloc(big);
    for (size_t i = 0; i < big; i++)
        body[i] = (uint8_t)(i * 7);
    char head[96];
    int hl = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n", big);
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /f HTTP/1.0\r\n\r\n"), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, head, (size_t)hl), 0);
    for (size_t off = 0; off < big; off += 1460)
        assert_int_equal(feed(st, DIR_TOCLIENT, body + off, big - off < 1460 ? big - off : 1460), 0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 2);
    uint8_t sha[32];
    sha256_hex(body, big, sha);
    free(body);
    assert_int_equal(rec_buf(&recs[1], "http.response_body")->len, 1u << 20);
    assert_memory_equal(rec_buf(&recs[1], "file.sha256")->data, sha, 32);
    char want[32];
    snprintf(want, sizeof(want), "\"length\":%zu}", big);
    assert_non_null(strstr(recs[1].json, want));
}

/* Response bodies are hashed only while a loaded rule inspects file.sha256. */
static void test_hash_only_for_rules(void **state)
{
    (void)state;
    int sha_id = detect_buffer_id("file.sha256");
    for (int used = 0; used < 2; used++) {
        detect_buffer_set_used(sha_id, used);
        reset();
        void *st = http_parser.state_new();
        assert_int_equal(feeds(st, DIR_TOSERVER, "GET /f HTTP/1.0\r\n\r\n"), 0);
        assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                         0);
        http_parser.state_free(st);
        assert_int_equal(nrec, 2);
        assert_buf(&recs[1], "http.response_body", "hello");
        if (used)
            assert_non_null(rec_buf(&recs[1], "file.sha256"));
        else
            assert_null(rec_buf(&recs[1], "file.sha256"));
    }
}

static void expect_cap(const char *input, size_t len, const char *event)
{
    reset();
    void *st = http_parser.state_new();
    int rc = 0;
    /* in 1000-byte chunks, so the caps trip on accumulated lines */
    for (size_t off = 0; off < len && rc == 0; off += 1000)
        rc = feed(st, DIR_TOSERVER, input + off, len - off < 1000 ? len - off : 1000);
    assert_int_equal(rc, -1);
    assert_int_equal(count_anomaly(event), 1);
    assert_int_equal(nrec, 0);
    /* the flow is not parsed any more */
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET / HTTP/1.1\r\n\r\n"), -1);
    http_parser.state_free(st);
}

static void test_header_caps(void **state)
{
    (void)state;
    size_t cap = 200000;
    char *s = malloc(cap);
    size_t n;

    /* request line of 8 KiB + 1 (line end included) */
    n = (size_t)snprintf(s, cap, "GET /");
    memset(s + n, 'a', 8192 - n - 11);
    n = 8192 - 11;
    n += (size_t)snprintf(s + n, cap - n, " HTTP/1.1\r\n");
    assert_int_equal(n, 8192);
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feed(st, DIR_TOSERVER, s, n), 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "\r\n"), 0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 1);                    /* exactly 8 KiB passes */
    memmove(s + 6, s + 5, n - 5);                 /* one more byte does not */
    expect_cap(s, n + 1, "REQUEST_LINE_TOO_LONG");

    /* 101 headers */
    n = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\n");
    for (int i = 0; i < 101; i++)
        n += (size_t)snprintf(s + n, cap - n, "X-H%d: v\r\n", i);
    n += (size_t)snprintf(s + n, cap - n, "\r\n");
    expect_cap(s, n, "TOO_MANY_HEADERS");

    /* one header line over 8 KiB */
    n = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\nX-Long: ");
    memset(s + n, 'b', 8200);
    n += 8200;
    n += (size_t)snprintf(s + n, cap - n, "\r\n\r\n");
    expect_cap(s, n, "HEADER_LINE_TOO_LONG");

    /* 17 lines of 4 KiB: over 64 KiB of headers */
    n = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\n");
    for (int i = 0; i < 17; i++) {
        n += (size_t)snprintf(s + n, cap - n, "X-%02d: ", i);
        memset(s + n, 'c', 4096 - 8);
        n += 4096 - 8;
        n += (size_t)snprintf(s + n, cap - n, "\r\n");
    }
    n += (size_t)snprintf(s + n, cap - n, "\r\n");
    expect_cap(s, n, "HEADERS_TOO_LONG");

    /* a status line over the cap */
    memset(s, 'x', 9000);
    memcpy(s, "HTTP/1.1 200 ", 13);
    reset();
    st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET / HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(feed(st, DIR_TOCLIENT, s, 9000), -1);
    assert_int_equal(count_anomaly("RESPONSE_LINE_TOO_LONG"), 1);
    http_parser.state_free(st);
    free(s);
}

static void expect_invalid(const char *rq, const char *rs, const char *event)
{
    reset();
    void *st = http_parser.state_new();
    int rc = feeds(st, DIR_TOSERVER, rq);
    if (rs && rc == 0)
        rc = feeds(st, DIR_TOCLIENT, rs);
    assert_int_equal(rc, -1);
    assert_int_equal(count_anomaly(event), 1);
    http_parser.state_free(st);
}

static void test_invalid_framing(void **state)
{
    (void)state;
    expect_invalid("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", NULL,
                   "INVALID_CONTENT_LENGTH");
    expect_invalid("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", NULL, "INVALID_CONTENT_LENGTH");
    expect_invalid("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", NULL,
                   "INVALID_CONTENT_LENGTH");
    expect_invalid("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", NULL,
                   "INVALID_TRANSFER_ENCODING");
    expect_invalid("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", NULL,
                   "INVALID_CHUNK_SIZE");
    expect_invalid("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", NULL,
                   "INVALID_CHUNK_END");
    expect_invalid("GET / x\r\n", NULL, "INVALID_REQUEST_LINE");
    expect_invalid("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 2x0 OK\r\n", "INVALID_RESPONSE_LINE");
    expect_invalid("GET / HTTP/1.1\r\n\r\n", "SSH-2.0-x\r\n", "INVALID_RESPONSE_LINE");

    /* Content-Length identical twice is fine; with chunked it is a smuggling sign */
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nab"
                                             "POST / HTTP/1.1\r\nContent-Length: 50\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                                             "GET /after HTTP/1.1\r\n\r\n"),
                     0);
    http_parser.state_free(st);
    assert_int_equal(count_anomaly("CONTENT_LENGTH_AND_CHUNKED"), 1);
    assert_int_equal(nrec, 3);
    assert_buf(&recs[0], "http.request_body", "ab");
    assert_buf(&recs[1], "http.request_body", "x");
    assert_buf(&recs[2], "http.uri", "/after");
}

/* HEAD answered with a Content-Length but no body; 204 and 304 likewise. */
static void test_head_204_304(void **state)
{
    (void)state;
    static const char rq[] = "HEAD /h HTTP/1.1\r\n\r\nGET /n HTTP/1.1\r\n\r\nGET /m HTTP/1.1\r\n\r\n"
                             "GET /last HTTP/1.1\r\n\r\n";
    static const char rs[] = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                             "HTTP/1.1 204 No Content\r\n\r\n"
                             "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    check_every_split(rq, strlen(rq), rs, strlen(rs));
    assert_int_equal(nrec, 8);
    assert_buf(&recs[4], "http.method", "HEAD");
    assert_non_null(strstr(recs[4].json, "\"status\":200,\"length\":0}"));
    assert_buf(&recs[5], "http.stat_code", "204");
    assert_buf(&recs[6], "http.stat_code", "304");
    assert_buf(&recs[7], "http.uri", "/last");
    assert_buf(&recs[7], "http.response_body", "ok");
}

/* Expect: 100-continue: the interim 100 is not a response of its own. */
static void test_100_continue(void **state)
{
    (void)state;
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "PUT /u HTTP/1.1\r\nExpect: 100-continue\r\n"
                                             "Content-Length: 4\r\n\r\n"),
                     0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 100 Continue\r\n\r\n"), 0);
    assert_int_equal(nrec, 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "data"), 0);
    assert_int_equal(nrec, 1);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 102 Processing\r\n\r\n"
                                             "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
                     0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 2);
    assert_buf(&recs[1], "http.stat_code", "201");
    assert_buf(&recs[1], "http.request_body", "data");
    assert_non_null(strstr(recs[1].json, "\"status\":201"));
}

/* A gap inside the first response: it is given up (no event), the parser
 * resyncs at the next status line, which pairs with the second request. A
 * gap inside a request: the parser resyncs at the next request line, cut
 * across chunks ("GE" | "T ..."). */
static void test_gap_resync(void **state)
{
    (void)state;
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"),
                     0);
    assert_int_equal(gap(st, DIR_TOCLIENT, 50), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "tail of the body 1\r\nmore\r\nHTTP/1.1 4"), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "04 Not Found\r\nContent-Length: 0\r\n\r\n"), 0);
    assert_int_equal(nrec, 3);
    assert_string_equal(recs[2].ev, "http");
    assert_int_equal(recs[2].id, 1);
    assert_buf(&recs[2], "http.uri", "/2");
    assert_buf(&recs[2], "http.stat_code", "404");

    assert_int_equal(feeds(st, DIR_TOSERVER, "POST /3 HTTP/1.1\r\nContent-Length: 100\r\n\r\nab"),
                     0);
    assert_int_equal(gap(st, DIR_TOSERVER, 10), 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "junk without a line end"), 0);
    assert_int_equal(gap(st, DIR_TOSERVER, 10), 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "x\r\nGE"), 0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "T /4 HTTP/1.1\r\n\r\n"), 0);
    assert_int_equal(nrec, 4);
    assert_buf(&recs[3], "http.uri", "/4");
    assert_int_equal(recs[3].id, 3);
    /* the cut request /3 still pairs with its answer; /4 with the next */
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n"
                                             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                     0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 6);
    assert_int_equal(recs[4].id, 2);
    assert_buf(&recs[4], "http.uri", "/3");
    assert_buf(&recs[4], "http.stat_code", "413");
    assert_int_equal(recs[5].id, 3);
    assert_buf(&recs[5], "http.uri", "/4");
    assert_int_equal(count_anomaly("GAP"), 1);
    assert_int_equal(nanom, 1);
}

static const char *norm_uri(const char *target, char *host, size_t hcap)
{
    static char out[512];
    char rq[600];
    snprintf(rq, sizeof(rq), "GET %s HTTP/1.1\r\nHost: Fallback\r\n\r\n", target);
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, rq), 0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 1);
    const struct rbuf *b = rec_buf(&recs[0], "http.uri");
    snprintf(out, sizeof(out), "%.*s", (int)b->len, b->data);
    b = rec_buf(&recs[0], "http.host");
    snprintf(host, hcap, "%.*s", b ? (int)b->len : 0, b ? (const char *)b->data : "");
    return out;
}

static void test_uri_normalization(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"/", "/", "fallback"},
        {"/a/b/../c", "/a/c", "fallback"},
        {"/%2e%2e/%2E%2e/etc/passwd", "/etc/passwd", "fallback"},
        {"//x///y//", "/x/y/", "fallback"},
        {"/a/%7euser/%2f%3a", "/a/~user/%2F%3A", "fallback"},
        {"/a/.", "/a/", "fallback"},
        {"/a/b/..", "/a/", "fallback"},
        {"/..", "/", "fallback"},
        {"/../../x", "/x", "fallback"},
        {"/a/./b/../../c/./d?q=/../%41&r=//", "/c/d?q=/../A&r=//", "fallback"},
        {"/%zz%4", "/%zz%4", "fallback"},
        {"http://user:pw@WWW.Example.ORG:81/p/../q?z", "/q?z", "www.example.org"},
        {"http://[fd00::1]:8080", "/", "[fd00::1]"},
        {"*", "*", "fallback"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char host[64];
        const char *got = norm_uri(cases[i][0], host, sizeof(host));
        if (strcmp(got, cases[i][1]) != 0 || strcmp(host, cases[i][2]) != 0)
            fail_msg("%s -> %s (host %s), want %s (host %s)", cases[i][0], got, host, cases[i][1],
                     cases[i][2]);
    }
    char host[64];
    norm_uri("http://[fd00::1]:8080/x", host, sizeof(host));
    assert_non_null(strstr(recs[0].json, "\"http_port\":8080"));
}

/* Basic credentials: the consumer gets the user, never the password; the
 * event holds neither; header() refuses Authorization and Cookie. */
static void test_basic_user(void **state)
{
    (void)state;
    /* dXNlcjpwYXNzd29yZA== is base64("user:password") */
    static const char rq[] = "POST / HTTP/1.1\r\nHost: rpc:8332\r\n"
                             "Authorization: basic   dXNlcjpwYXNzd29yZA==\r\n"
                             "Cookie: session=secret\r\nContent-Length: 2\r\n\r\n{}"
                             "GET / HTTP/1.1\r\nAuthorization: Basic bm9jb2xvbg\r\n\r\n"
                             "GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\n\r\n";
    static const char rs[] = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    check_every_split(rq, strlen(rq), rs, strlen(rs));
    assert_int_equal(nview, 3);
    assert_true(views[0].has_basic);
    assert_string_equal(views[0].user, "user");
    assert_int_equal(views[0].status, 401);
    assert_true(views[0].has_response);
    assert_false(views[0].auth_visible);
    assert_false(views[0].cookie_visible);
    assert_string_equal(views[0].host_hdr, "rpc:8332");
    assert_int_equal(views[0].req_body_len, 2);
    assert_true(views[1].has_basic); /* no ':' in "nocolon": no user */
    assert_string_equal(views[1].user, "");
    assert_false(views[2].has_basic);
    assert_true(views[2].has_bearer);
    for (size_t i = 0; i < nrec; i++) {
        assert_null(strstr(recs[i].json, "password"));
        assert_null(strstr(recs[i].json, "dXNlcjpwYXNzd29yZA"));
        assert_null(strstr(recs[i].json, "secret"));
        assert_null(strstr(recs[i].json, "abc.def"));
    }
}

/* ---- Upgrade hand-off ---------------------------------------------------- */

struct fake_up {
    char log[256];
    size_t len;
};
static struct fake_up *fake_last;
static int fake_freed;

static void *fake_new(void)
{
    fake_last = calloc(1, sizeof(*fake_last));
    return fake_last;
}

static void fake_free(void *p)
{
    fake_freed++;
    free(p);
}

static int fake_parse(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                      const uint8_t *data, size_t len, bool is_gap)
{
    (void)ctx;
    (void)f;
    struct fake_up *u = state;
    int n = is_gap ? snprintf(u->log + u->len, sizeof(u->log) - u->len, "%c[gap %zu]",
                              dir == DIR_TOSERVER ? '>' : '<', len)
                   : snprintf(u->log + u->len, sizeof(u->log) - u->len, "%c%.*s",
                              dir == DIR_TOSERVER ? '>' : '<', (int)len, (const char *)data);
    u->len += (size_t)n;
    return 0;
}

static const struct app_parser fake_parser = {"fake", 6, NULL, NULL, fake_new, fake_free,
                                              fake_parse, NULL};

static void test_upgrade(void **state)
{
    (void)state;
    http_upgrade_register("fakeproto", &fake_parser);
    reset();
    fake_freed = 0;
    fake_last = NULL;
    void *st = http_parser.state_new();
    /* the client speaks the new protocol before the 101 is seen: held */
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\n"
                                             "Upgrade: FakeProto/2, other\r\n\r\nC1"),
                     0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "C2"), 0);
    assert_null(fake_last);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 101 Switching Protocols\r\n"
                                             "Upgrade: fakeproto\r\nConnection: Upgrade\r\n\r\nS1"),
                     0);
    assert_non_null(fake_last);
    assert_int_equal(feeds(st, DIR_TOSERVER, "C3"), 0);
    assert_int_equal(gap(st, DIR_TOCLIENT, 5), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "S2"), 0);
    assert_string_equal(fake_last->log, ">C1C2<S1>C3<[gap 5]<S2");
    assert_int_equal(nrec, 2);
    assert_buf(&recs[1], "http.stat_code", "101");
    http_parser.state_free(st);
    assert_int_equal(fake_freed, 1);

    /* an upgrade refused: the held bytes are HTTP again */
    reset();
    fake_last = NULL;
    st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /ws HTTP/1.1\r\nUpgrade: fakeproto\r\n\r\n"
                                             "GET /next HTTP/1.1\r\n\r\n"),
                     0);
    assert_int_equal(nrec, 1);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0);
    assert_int_equal(nrec, 3);
    assert_buf(&recs[2], "http.uri", "/next");
    assert_null(fake_last);
    http_parser.state_free(st);

    /* 101 to an unregistered protocol, and CONNECT: a tunnel we leave alone */
    reset();
    st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n\r\n"
                                             "\x16\x03\x01 tls"),
                     0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03"),
                     0);
    assert_int_equal(feeds(st, DIR_TOSERVER, "more tls"), 0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 2);
    assert_int_equal(nanom, 0);
    assert_null(fake_last);
}

/* ---- odds and ends ------------------------------------------------------- */

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum flow_dir dir;
        bool want;
    } cases[] = {
        {"GET / HTTP/1.1\r\n", DIR_TOSERVER, true},  {"PROPFIND /x", DIR_TOSERVER, true},
        {"POST ", DIR_TOSERVER, true},               {"GETX / HTTP/1.1", DIR_TOSERVER, false},
        {"get / HTTP/1.1", DIR_TOSERVER, false},     {"GE", DIR_TOSERVER, false},
        {"HTTP/1.1 200 OK\r\n", DIR_TOCLIENT, true}, {"HTTP/1.0 ", DIR_TOCLIENT, true},
        {"HTTP/2 200", DIR_TOCLIENT, false},         {"GET / HTTP/1.1", DIR_TOCLIENT, false},
        {"HTTP/1.1 200", DIR_TOSERVER, false},       {"SSH-2.0", DIR_TOSERVER, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (http_parser.probe((const uint8_t *)cases[i].s, strlen(cases[i].s), cases[i].dir,
                              &flow) != cases[i].want)
            fail_msg("probe(%s) != %d", cases[i].s, cases[i].want);
    assert_false(http_parser.probe(NULL, 0, DIR_TOSERVER, &flow));
}

/* A response ended by the close: logged on the end-of-stream notification;
 * a response seen before any request is still logged (no request fields). */
static void test_close_delimited(void **state)
{
    (void)state;
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /c HTTP/1.0\r\n\r\n"), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.0 200 OK\r\n\r\nbody until "), 0);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "close"), 0);
    assert_int_equal(nrec, 1);
    assert_int_equal(http_parser.parse(CTX, &flow, st, DIR_TOCLIENT, NULL, 0, false), 0);
    assert_int_equal(nrec, 2);
    assert_buf(&recs[1], "http.response_body", "body until close");
    http_parser.state_free(st);

    reset();
    st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 408 Request Timeout\r\n"
                                             "Content-Length: 0\r\n\r\n"),
                     0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 1);
    assert_string_equal(recs[0].json, "{\"http\":{\"protocol\":\"HTTP/1.1\",\"status\":408,"
                                      "\"length\":0}}");
}

/* HTTP/0.9 (RFC 1945 §4.1): "GET /path" alone, answered by a bare body
 * that ends with the connection; no protocol, no status in the event. */
static void test_http09(void **state)
{
    (void)state;
    reset();
    void *st = http_parser.state_new();
    assert_int_equal(feeds(st, DIR_TOSERVER, "GET /bad.html\r\n"), 0);
    assert_int_equal(nrec, 1);
    assert_buf(&recs[0], "http.uri", "/bad.html");
    assert_buf(&recs[0], "http.protocol", NULL);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "\r\n<html>HTTP/1.1 200 OK</html>\n"), 0);
    assert_int_equal(http_parser.parse(CTX, &flow, st, DIR_TOCLIENT, NULL, 0, false), 0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 2);
    assert_int_equal(nanom, 0);
    assert_buf(&recs[1], "http.response_body", "\r\n<html>HTTP/1.1 200 OK</html>\n");
    assert_buf(&recs[1], "http.stat_code", NULL);
    assert_string_equal(recs[1].json, "{\"http\":{\"url\":\"/bad.html\",\"http_method\":\"GET\","
                                      "\"length\":31}}");
    /* only GET has the simple form */
    expect_invalid("POST /x\r\n", NULL, "INVALID_REQUEST_LINE");
}

/* More than HTTP_MAX_PENDING (16) unanswered requests: the oldest is logged
 * request-only and its late response skipped, so pairing stays aligned. */
static void test_pending_cap(void **state)
{
    (void)state;
    reset();
    void *st = http_parser.state_new();
    char rq[64];
    for (int i = 0; i < 17; i++) {
        snprintf(rq, sizeof(rq), "GET /%d HTTP/1.1\r\n\r\n", i);
        assert_int_equal(feeds(st, DIR_TOSERVER, rq), 0);
    }
    assert_int_equal(count_anomaly("TOO_MANY_PENDING_REQUESTS"), 1);
    assert_int_equal(nrec, 18);
    assert_string_equal(recs[16].ev, "http"); /* /0, request-only, logged before /16 is seen */
    assert_int_equal(recs[16].id, 0);
    assert_int_equal(recs[16].nb, 0);
    assert_string_equal(recs[16].json, "{\"http\":{\"url\":\"/0\",\"http_method\":\"GET\","
                                       "\"protocol\":\"HTTP/1.1\"}}");
    assert_false(views[0].has_response);
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
                                             "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB"),
                     0);
    http_parser.state_free(st);
    assert_int_equal(nrec, 19);
    assert_buf(&recs[18], "http.uri", "/1");
    assert_buf(&recs[18], "http.response_body", "B");
}

/* Pipelined request bodies waiting for answers share a 4 MiB budget: the
 * fifth 1 MiB body is not buffered (truncated), until answers free room. */
static void test_pending_body_budget(void **state)
{
    (void)state;
    size_t mib = 1u << 20;
    uint8_t *body = malloc(mib);
    memset(body, 'q', mib);
    char head[96];
    int hl = snprintf(head, sizeof(head), "POST /b HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", mib);
    reset();
    void *st = http_parser.state_new();
    for (int i = 0; i < 5; i++) {
        assert_int_equal(feed(st, DIR_TOSERVER, head, (size_t)hl), 0);
        assert_int_equal(feed(st, DIR_TOSERVER, body, mib), 0);
    }
    assert_int_equal(nrec, 5);
    assert_int_equal(rec_buf(&recs[3], "http.request_body")->len, mib);
    assert_null(rec_buf(&recs[4], "http.request_body"));
    assert_int_equal(feeds(st, DIR_TOCLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, head, (size_t)hl), 0);
    assert_int_equal(feed(st, DIR_TOSERVER, body, mib), 0);
    assert_int_equal(rec_buf(&recs[6], "http.request_body")->len, mib);
    http_parser.state_free(st);
    free(body);
}

static void test_obs_fold_and_odd_headers(void **state)
{
    (void)state;
    static const char rq[] = "\r\nGET /f HTTP/1.1\r\n"
                             "User-Agent: a\r\n"
                             "X-Fold: one\r\n"
                             "\t two  \r\n"
                             "no colon here\r\n"
                             "User-Agent: b\n"
                             "\n";
    check_every_split(rq, strlen(rq), "", 0);
    assert_int_equal(nrec, 1);
    assert_buf(&recs[0], "http.user_agent", "a, b");
    assert_buf(&recs[0], "http.header", "User-Agent: a\r\nX-Fold: one two\r\nUser-Agent: b\r\n");
    assert_int_equal(count_anomaly("INVALID_HEADER"), 1);
}

static int group_setup(void **state)
{
    (void)state;
    http_parser.register_buffers();
    http_parser.register_buffers(); /* a second engine registers again: harmless */
    http_consumer_register(&test_consumer);
    http_consumer_register(&test_consumer);
    assert_true(detect_buffer_id("http.uri") > 0);
    assert_int_equal(detect_buffer_id("http_client_body"), detect_buffer_id("http.request_body"));
    assert_int_equal(detect_buffer_id("file_data"), detect_buffer_id("http.response_body"));
    assert_int_equal(detect_buffer_id("file.data"), detect_buffer_id("http.response_body"));
    assert_int_equal(detect_buffer_id("http_raw_host"), detect_buffer_id("http.host.raw"));
    assert_true(detect_buffer_id("file.sha256") > 0);
    detect_buffer_set_used(detect_buffer_id("file.sha256"), true); /* as a rule on it would */
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    reset();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_every_offset),
        cmocka_unit_test(test_pipelining),
        cmocka_unit_test(test_chunked_trailers),
        cmocka_unit_test(test_chunked_request_then_next),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_deflate),
        cmocka_unit_test(test_decompression_bomb),
        cmocka_unit_test(test_body_depth_and_hash),
        cmocka_unit_test(test_hash_only_for_rules),
        cmocka_unit_test(test_header_caps),
        cmocka_unit_test(test_invalid_framing),
        cmocka_unit_test(test_head_204_304),
        cmocka_unit_test(test_100_continue),
        cmocka_unit_test(test_gap_resync),
        cmocka_unit_test(test_uri_normalization),
        cmocka_unit_test(test_basic_user),
        cmocka_unit_test(test_upgrade),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_close_delimited),
        cmocka_unit_test(test_http09),
        cmocka_unit_test(test_pending_cap),
        cmocka_unit_test(test_pending_body_budget),
        cmocka_unit_test(test_obs_fold_and_odd_headers),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

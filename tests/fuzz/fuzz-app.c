/* fuzz-app.c — libFuzzer harness for one app-layer parser, compiled once per
 * parser with -DFUZZ_PARSER=<name>_parser (see the Makefile's fuzz block).
 *
 * The input is a small script that drives one flow through the parser the
 * way app-detect.c does: probe() on the first bytes of each direction (its
 * answer ignored: the parser is forced), state_new(), parse() per chunk in
 * either direction and for gaps, flow_end() unless parse() gave up, then
 * state_free().
 *
 *   byte 0      flow flags: bit 0 IPv6 addresses, bit 1 midstream pickup
 *   bytes 1-2   server port, big endian (the client is port 40000)
 *   then records until the input ends:
 *     ctl       bit 7 direction (0 to server, 1 to client), bit 6 gap,
 *               bits 5-0 high bits of the length
 *     lenlo     length = (ctl & 0x3f) << 8 | lenlo  (0..16383)
 *     data      length bytes (fewer when the input ends first); none for a gap,
 *               which reports length + 1 bytes lost. Zero-length data records
 *               are skipped. UDP parsers get each record as one datagram and
 *               never see a gap (the engine does not produce them).
 *
 * Each chunk is copied to its own heap block of exactly its length and freed
 * after parse(), so AddressSanitizer catches a read past the chunk and a
 * pointer kept into an earlier chunk.
 *
 * With -DFUZZ_HTTP_JSON=1 (wallet URIs) or 2 (chat URIs) the input is instead
 * the bodies of one HTTP exchange, so the JSON-RPC and chat extractors behind
 * the HTTP parser's consumers are reached directly:
 *   byte 0      bits 0-3 URI / port choice, bit 4 response 401, bit 5 no response,
 *               bit 6 request Authorization: Basic, bit 7 chunked request body
 *   bytes 1-2   request body length, big endian (clamped to what follows)
 *   then        request body, then the rest as the response body.
 *
 * app_tx_done() and app_anomaly() are defined here, so the engine's versions
 * (engine-app.o) are never pulled from the archive; app_tx_done() still
 * writes the transaction's part of its event (to_text or to_json), checks
 * it is UTF-8 and json-c's text of the same, and reads every buffer, so
 * the EVE emitters and buffer spans are fuzzed too. With FUZZ_DEBUG
 * set in the environment it prints each event's JSON and each anomaly, to
 * check what a seed reaches. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/app.h"
#include "detect/detect-buffer.h"
#include "output/eve-tx.h"
#include "output/json-text.h"

#ifndef FUZZ_PARSER
#define FUZZ_PARSER http_parser
#endif

extern const struct app_parser FUZZ_PARSER;

static bool debug; /* FUZZ_DEBUG set: print each event's JSON and each anomaly */

/* Opaque to the parsers: they only hand it back to app_tx_done()/app_anomaly(). */
struct app_ctx {
    uint64_t txs;
    uint64_t anomalies;
    volatile uint8_t sink;
};

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    if (!ctx || !f || !tx)
        abort();
    ctx->txs++;
    if (tx->nbufs > APP_TX_MAX_BUFS)
        abort();
    uint8_t x = 0;
    for (size_t i = 0; i < tx->nbufs; i++) {
        if (!detect_buffer_name(tx->bufs[i].id))
            abort(); /* an id that was never registered */
        const uint8_t *p = tx->bufs[i].data;
        for (size_t j = 0; p && j < tx->bufs[i].len; j++)
            x ^= p[j];
    }
    ctx->sink ^= x;
    if (!tx->to_text && !tx->to_json)
        return;
    /* the transaction's part of its event, as eve_put_tx writes it */
    char storage[256];
    struct json_text w;
    jt_init(&w, storage, sizeof(storage));
    jt_object(&w, NULL);
    jt_u64(&w, "tx_id", tx->tx_id);
    eve_put_tx(&w, tx);
    jt_end_object(&w);
    text_buf_put(&w.buf, "", 1);
    if (w.buf.failed)
        abort();
    size_t n = w.buf.len - 1;
    if (utf8_valid_prefix((const uint8_t *)w.buf.data, n) != n)
        abort(); /* every line is UTF-8 without NUL */
    /* json-c's text of the same: the tree to_json builds, or the text parsed
     * back (plain compact JSON comes back byte for byte) */
    struct json_object *o;
    if (tx->to_json) {
        o = json_object_new_object();
        json_object_object_add(o, "tx_id", json_object_new_uint64(tx->tx_id));
        tx->to_json(tx->tx, o);
    } else {
        o = json_tokener_parse(w.buf.data);
        if (!o)
            abort();
    }
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (len != n || memcmp(w.buf.data, s, len) != 0)
        abort();
    ctx->sink ^= (uint8_t)len;
    if (debug)
        fprintf(stderr, "%s %s\n", tx->event_type ? tx->event_type : "-", s);
    text_buf_release(&w.buf);
    json_object_put(o);
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    if (!ctx || !f || !event)
        abort();
    ctx->anomalies++;
    ctx->sink ^= (uint8_t)strlen(event);
    if (debug)
        fprintf(stderr, "anomaly %s\n", event);
}

static void flow_setup(struct flow *f, uint8_t flags, uint16_t srv_port)
{
    memset(f, 0, sizeof(*f));
    uint8_t ver = flags & 1 ? 6 : 4;
    f->ip_version = ver;
    f->cli.family = f->srv.family = ver;
    if (ver == 4) {
        memcpy(f->cli.a, (const uint8_t[]){10, 0, 0, 1}, 4);
        memcpy(f->srv.a, (const uint8_t[]){10, 0, 0, 2}, 4);
    } else {
        f->cli.a[0] = f->srv.a[0] = 0xfd;
        f->cli.a[15] = 1;
        f->srv.a[15] = 2;
    }
    f->cli_port = 40000;
    f->srv_port = srv_port;
    f->proto = FUZZ_PARSER.ipproto ? FUZZ_PARSER.ipproto : 6;
    f->midstream = (flags & 2) != 0;
    f->flow_id = 1;
    f->state = FLOW_STATE_ESTABLISHED;
    f->seen_dir[0] = f->seen_dir[1] = true;
    f->app_proto = FUZZ_PARSER.name;
}

/* Hands one chunk to the parser from its own exact-size heap block. Returns
 * the parser's verdict. */
static int feed(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                const uint8_t *data, size_t len, bool gap)
{
    if (gap)
        return FUZZ_PARSER.parse(ctx, f, state, dir, NULL, len, true);
    uint8_t *copy = malloc(len);
    if (!copy)
        return -1;
    memcpy(copy, data, len);
    int rc = FUZZ_PARSER.parse(ctx, f, state, dir, copy, len, false);
    free(copy);
    return rc;
}

#ifndef FUZZ_HTTP_JSON
static void run_flow(const uint8_t *script, size_t size, struct app_ctx *ctx, struct flow *f)
{
    bool probed[2] = {false, false};
    void *state = FUZZ_PARSER.state_new();
    int rc = 0;
    size_t off = 0;
    while (rc == 0 && size - off >= 2) {
        uint8_t ctl = script[off], lo = script[off + 1];
        off += 2;
        enum flow_dir dir = ctl & 0x80 ? DIR_TOCLIENT : DIR_TOSERVER;
        bool gap = (ctl & 0x40) != 0;
        size_t len = ((size_t)(ctl & 0x3f) << 8) | lo;
        if (gap) {
            if (f->proto == 6)
                rc = feed(ctx, f, state, dir, NULL, len + 1, true);
            continue;
        }
        if (len > size - off)
            len = size - off;
        const uint8_t *data = script + off;
        off += len;
        if (len == 0)
            continue;
        if (!probed[dir] && FUZZ_PARSER.probe) {
            uint8_t *copy = malloc(len);
            if (copy) {
                memcpy(copy, data, len);
                ctx->sink ^= (uint8_t)FUZZ_PARSER.probe(copy, len, dir, f);
                free(copy);
            }
            probed[dir] = true;
        }
        rc = feed(ctx, f, state, dir, data, len, false);
    }
    if (rc == 0 && FUZZ_PARSER.flow_end)
        FUZZ_PARSER.flow_end(ctx, f, state);
    FUZZ_PARSER.state_free(state);
}
#endif

#ifdef FUZZ_HTTP_JSON
struct uri_choice {
    const char *method, *uri;
    uint16_t port;
};

#if FUZZ_HTTP_JSON == 1
static const struct uri_choice uris[16] = {
    {"POST", "/", 8332},           {"POST", "/wallet/w1", 18443},  {"POST", "/json_rpc", 18082},
    {"POST", "/", 8545},           {"POST", "/", 9332},            {"POST", "/", 7777},
    {"POST", "/", 80},             {"POST", "/wallet/", 8332},     {"POST", "/json_rpc", 80},
    {"POST", "/", 18081},          {"POST", "/wallet/a%2Fb", 9332}, {"POST", "/", 8332},
    {"GET", "/", 8332},            {"POST", "/", 22555},           {"POST", "/rpc", 8545},
    {"POST", "/", 8332},
};
#else
static const struct uri_choice uris[16] = {
    {"PUT", "/_matrix/client/v3/rooms/!r:example.org/send/m.room.message/t1", 8008},
    {"PUT", "/_matrix/client/r0/rooms/%21r%3Aex/send/m.room.message/2", 443},
    {"POST", "/hooks/abcdefghijk", 8065},
    {"POST", "/services/T000/B000/XXXX", 443},
    {"POST", "/hooks/abc/tokentoken", 3000},
    {"POST", "/api/v1/chat.postMessage", 3000},
    {"POST", "/api/v1/chat.sendMessage", 3000},
    {"POST", "/_matrix/client/unstable/rooms/x/send/m.room.message/3?access_token=t", 80},
    {"PUT", "/_matrix/client/v3/rooms/x/send/m.reaction/1", 8008},
    {"POST", "/hooks/", 8065},
    {"POST", "/services/", 443},
    {"POST", "/api/v1/chat.postMessage?x=1", 3000},
    {"GET", "/api/v1/chat.postMessage", 3000},
    {"POST", "/hooks/id", 80},
    {"POST", "/api/v1/chat.sendMessage", 80},
    {"PUT", "/_matrix/client/v3/rooms/!a:b/send/m.room.message/", 8448},
};
#endif

/* Appends to a growable buffer; returns false when out of memory. */
static bool put(uint8_t **b, size_t *n, size_t *cap, const void *p, size_t len)
{
    if (*n + len > *cap) {
        size_t c = (*n + len) * 2 + 256;
        uint8_t *nb = realloc(*b, c);
        if (!nb)
            return false;
        *b = nb;
        *cap = c;
    }
    memcpy(*b + *n, p, len);
    *n += len;
    return true;
}

/* Builds the request and response and feeds them as two chunks. */
static void run_http_json(const uint8_t *in, size_t size, struct app_ctx *ctx, struct flow *f)
{
    if (size < 3)
        return;
    uint8_t sel = in[0];
    size_t rlen = (size_t)in[1] << 8 | in[2];
    in += 3, size -= 3;
    if (rlen > size)
        rlen = size;
    const struct uri_choice *u = &uris[sel & 15];
    flow_setup(f, 0, u->port);
    uint8_t *b = NULL;
    size_t n = 0, cap = 0;
    char hdr[512];
    int hl = snprintf(hdr, sizeof(hdr),
                      "%s %s HTTP/1.1\r\nHost: 10.0.0.2:%u\r\nContent-Type: application/json\r\n"
                      "%s%s",
                      u->method, u->uri, u->port,
                      sel & 0x40 ? "Authorization: Basic dXNlcjpwYXNz\r\n" : "",
                      sel & 0x80 ? "Transfer-Encoding: chunked\r\n" : "");
    bool ok = put(&b, &n, &cap, hdr, (size_t)hl);
    if (sel & 0x80) {
        hl = snprintf(hdr, sizeof(hdr), "\r\n%zx\r\n", rlen);
        ok = ok && put(&b, &n, &cap, hdr, (size_t)hl) && put(&b, &n, &cap, in, rlen) &&
             put(&b, &n, &cap, "\r\n0\r\n\r\n", 7);
    } else {
        hl = snprintf(hdr, sizeof(hdr), "Content-Length: %zu\r\n\r\n", rlen);
        ok = ok && put(&b, &n, &cap, hdr, (size_t)hl) && put(&b, &n, &cap, in, rlen);
    }
    size_t req_len = n;
    if (!(sel & 0x20)) {
        size_t blen = size - rlen;
        hl = snprintf(hdr, sizeof(hdr),
                      "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      sel & 0x10 ? "401 Unauthorized" : "200 OK", blen);
        ok = ok && put(&b, &n, &cap, hdr, (size_t)hl) && put(&b, &n, &cap, in + rlen, blen);
    }
    if (ok) {
        void *state = FUZZ_PARSER.state_new();
        int rc = feed(ctx, f, state, DIR_TOSERVER, b, req_len, false);
        if (rc == 0 && n > req_len)
            rc = feed(ctx, f, state, DIR_TOCLIENT, b + req_len, n - req_len, false);
        if (rc == 0 && FUZZ_PARSER.flow_end)
            FUZZ_PARSER.flow_end(ctx, f, state);
        FUZZ_PARSER.state_free(state);
    }
    free(b);
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    debug = getenv("FUZZ_DEBUG") != NULL;
    app_register_all(); /* as the engine does before rules load: buffers, HTTP consumers, upgrades */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct app_ctx ctx = {0};
    struct flow f;
#ifdef FUZZ_HTTP_JSON
    run_http_json(data, size, &ctx, &f);
#else
    if (size < 3)
        return 0;
    flow_setup(&f, data[0], (uint16_t)(data[1] << 8 | data[2]));
    run_flow(data + 3, size - 3, &ctx, &f);
#endif
    return 0;
}

/* app-detect.c — the parser table and protocol detection by content.
 *
 * Each flow is offered to every parser of its IP protocol until one claims
 * it. The first APP_PROBE_KEEP bytes of each direction are kept, so a
 * probe sees a first line split across segments, and the parser that claims
 * the flow still gets every byte from the start (the earlier direction
 * first). A flow no parser claims within APP_PROBE_BYTES each way stays
 * unparsed. A new protocol adds one line to app_parsers[]. */
#include "app.h"

#include "../detect/detect-buffer.h"

#include <stdlib.h>
#include <string.h>

#define APP_PROBE_BYTES 4096
#define APP_PROBE_KEEP 512

extern const struct app_parser dns_udp_parser;
extern const struct app_parser dns_tcp_parser;
extern const struct app_parser tls_parser;

extern const struct app_parser smtp_parser;
extern const struct app_parser chat_parser;
extern const struct app_parser telnet_parser;
extern const struct app_parser ftp_parser;
extern const struct app_parser http_parser;
extern const struct app_parser jsonrpc_parser;
extern const struct app_parser xmpp_parser;
extern const struct app_parser irc_parser;
extern const struct app_parser mqtt_parser;
extern const struct app_parser websocket_parser;

/* One line per parser; keep the end marker last. */
static const struct app_parser *const app_parsers[] = {
    &dns_udp_parser,
    &dns_tcp_parser,
    &tls_parser,
    &smtp_parser,
    &chat_parser,
    &telnet_parser,
    &ftp_parser,
    &http_parser,
    &jsonrpc_parser,
    &xmpp_parser,
    &irc_parser,
    &mqtt_parser,
    &websocket_parser, /* probe() is always false: reached via the HTTP upgrade */
    NULL, /* end of table */
};

struct app_flow {
    const struct app_parser *parser; /* NULL while undetected */
    void *state;
    uint32_t probed[2];              /* bytes seen per direction before detection */
    uint8_t (*keep)[APP_PROBE_KEEP]; /* their start, per direction; freed once claimed */
    uint16_t kept[2];
    int8_t first_dir;                /* direction that sent first, -1 before any */
    bool given_up;
};

static struct app_flow *app_flow_get(struct flow *f)
{
    if (!f->app) {
        struct app_flow *af = calloc(1, sizeof(struct app_flow));
        if (af)
            af->first_dir = -1;
        f->app = af;
    }
    return f->app;
}

static const struct app_parser *app_probe(const struct flow *f, enum flow_dir dir,
                                          const uint8_t *data, size_t len)
{
    for (size_t i = 0; app_parsers[i]; i++)
        if (app_parsers[i]->ipproto == f->proto && app_parsers[i]->probe(data, len, dir, f))
            return app_parsers[i];
    return NULL;
}

/* Hands the claiming parser what it missed of direction d: the kept start,
 * then a gap for anything seen beyond it. */
static int app_replay(struct app_ctx *ctx, struct flow *f, struct app_flow *af, enum flow_dir d)
{
    int rc = 0;
    if (af->kept[d])
        rc = af->parser->parse(ctx, f, af->state, d, af->keep[d], af->kept[d], false);
    if (rc == 0 && af->probed[d] > af->kept[d])
        rc = af->parser->parse(ctx, f, af->state, d, NULL, af->probed[d] - af->kept[d], true);
    return rc;
}

/* No parser claimed len more bytes of dir; returns 1 (still undetected). */
static int app_unclaimed(struct app_flow *af, enum flow_dir dir, size_t len)
{
    af->probed[dir] += (uint32_t)len;
    af->given_up = af->probed[0] >= APP_PROBE_BYTES && af->probed[1] >= APP_PROBE_BYTES;
    return 1;
}

/* p claimed the flow: its state, and the flow's app_proto. */
static bool app_claim(struct app_flow *af, struct flow *f, const struct app_parser *p)
{
    if (!(af->state = p->state_new()))
        return false;
    af->parser = p;
    f->app_proto = p->name;
    return true;
}

/* A datagram is probed on its own: nothing to keep or replay. */
static int app_detect_datagram(struct app_ctx *ctx, struct app_flow *af, struct flow *f,
                               enum flow_dir dir, const uint8_t *data, size_t len)
{
    const struct app_parser *p = app_probe(f, dir, data, len);
    if (!p)
        return app_unclaimed(af, dir, len);
    if (!app_claim(af, f, p))
        return -1;
    return p->parse(ctx, f, af->state, dir, data, len, false);
}

/* Returns the parser's verdict on the data so far (0 goes on), or 1 while undetected. */
static int app_detect(struct app_ctx *ctx, struct app_flow *af, struct flow *f,
                      enum flow_dir dir, const uint8_t *data, size_t len)
{
    if (f->proto != 6)
        return app_detect_datagram(ctx, af, f, dir, data, len);
    if (!af->keep && !(af->keep = calloc(2, APP_PROBE_KEEP)))
        return -1;
    if (af->first_dir < 0)
        af->first_dir = (int8_t)dir;
    uint16_t prior = af->kept[dir];
    size_t room = APP_PROBE_KEEP - prior;
    size_t take = len < room ? len : room;
    memcpy(af->keep[dir] + prior, data, take);
    af->kept[dir] = (uint16_t)(prior + take);
    const struct app_parser *p = app_probe(f, dir, af->keep[dir], af->kept[dir]);
    if (!p) {
        af->kept[dir] = prior == af->probed[dir] ? af->kept[dir] : prior;
        return app_unclaimed(af, dir, len);
    }
    if (!app_claim(af, f, p))
        return -1;
    enum flow_dir other = dir == DIR_TOSERVER ? DIR_TOCLIENT : DIR_TOSERVER;
    af->kept[dir] = prior; /* the current chunk goes whole, after the replay */
    int rc = af->first_dir == (int8_t)other ? app_replay(ctx, f, af, other) : 0;
    if (rc == 0)
        rc = app_replay(ctx, f, af, dir);
    if (rc == 0)
        rc = p->parse(ctx, f, af->state, dir, data, len, false);
    if (rc == 0 && af->first_dir != (int8_t)other)
        rc = app_replay(ctx, f, af, other);
    free(af->keep); /* claimed: the parser has had every byte */
    af->keep = NULL;
    return rc;
}

void app_register_all(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    /* Findings of the stateful detectors (detectors.h), for any protocol. */
    detect_buffer_register("detector.event", NULL, BUF_TOSERVER | BUF_TOCLIENT);
    for (size_t i = 0; app_parsers[i]; i++)
        if (app_parsers[i]->register_buffers)
            app_parsers[i]->register_buffers();
}

void app_on_data(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, const uint8_t *data,
                 size_t len, bool gap)
{
    if (!app_parsers[0])
        return; /* no parser registered: keep no per-flow state */
    struct app_flow *af = app_flow_get(f);
    if (!af || af->given_up)
        return;
    int rc;
    if (af->parser)
        rc = af->parser->parse(ctx, f, af->state, dir, data, len, gap);
    else if (gap) /* the start is gone: probe what comes after it */
        rc = (af->probed[dir] += (uint32_t)len, 1);
    else
        rc = app_detect(ctx, af, f, dir, data, len);
    if (rc < 0 || af->given_up) {
        af->given_up = true;
        free(af->keep);
        af->keep = NULL;
    }
}

void app_on_flow_end(struct app_ctx *ctx, struct flow *f)
{
    struct app_flow *af = f->app;
    if (!af)
        return;
    if (af->parser && af->parser->flow_end && !af->given_up)
        af->parser->flow_end(ctx, f, af->state);
    if (af->parser)
        af->parser->state_free(af->state);
    free(af->keep);
    free(af);
    f->app = NULL;
}

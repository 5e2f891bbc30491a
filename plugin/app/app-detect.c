/* app-detect.c — the parser table and protocol detection by content.
 *
 * Each flow is offered to every parser of its IP protocol until one claims
 * it; a flow no parser claims within its first APP_PROBE_BYTES per direction
 * stays unparsed. Protocol parsers arrive with the protocol-parsers issue:
 * each adds one line to app_parsers[]. */
#include "app.h"

#include <stdlib.h>

#define APP_PROBE_BYTES 4096

extern const struct app_parser dns_udp_parser;
extern const struct app_parser dns_tcp_parser;
extern const struct app_parser tls_parser;

/* One line per parser; keep the end marker last. */
static const struct app_parser *const app_parsers[] = {
    &dns_udp_parser,
    &dns_tcp_parser,
    &tls_parser,
    NULL, /* end of table */
};

struct app_flow {
    const struct app_parser *parser; /* NULL while undetected */
    void *state;
    uint32_t probed[2];              /* bytes offered to probe() per direction */
    bool given_up;
};

static struct app_flow *app_flow_get(struct flow *f)
{
    if (!f->app)
        f->app = calloc(1, sizeof(struct app_flow));
    return f->app;
}

static void app_detect(struct app_flow *af, struct flow *f, enum flow_dir dir,
                       const uint8_t *data, size_t len)
{
    for (size_t i = 0; app_parsers[i]; i++) {
        const struct app_parser *p = app_parsers[i];
        if (p->ipproto != f->proto || !p->probe(data, len, dir, f))
            continue;
        af->state = p->state_new();
        if (!af->state)
            break;
        af->parser = p;
        f->app_proto = p->name;
        return;
    }
    af->probed[dir] += (uint32_t)len;
    if (af->probed[0] >= APP_PROBE_BYTES && af->probed[1] >= APP_PROBE_BYTES)
        af->given_up = true;
}

void app_register_all(void)
{
    static bool done;
    if (done)
        return;
    done = true;
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
    if (!af->parser && !gap)
        app_detect(af, f, dir, data, len);
    if (af->parser && af->parser->parse(ctx, f, af->state, dir, data, len, gap) != 0)
        af->given_up = true;
}

void app_on_flow_end(struct flow *f)
{
    struct app_flow *af = f->app;
    if (!af)
        return;
    if (af->parser)
        af->parser->state_free(af->state);
    free(af);
    f->app = NULL;
}

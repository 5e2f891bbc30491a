/* detect-groups.c — which rules inspect what. Every rule lands in the
 * groups it can apply to (by protocol, and by where its keywords look:
 * packet, reassembled stream, or a transaction's buffers), and each group
 * gets one Hyperscan database over its rules' fast patterns, so a buffer is
 * scanned once and only rules whose fast pattern occurs are evaluated. */
#include <stdio.h>
#include <stdlib.h>

#include "../include/walletwatch.h"
#include "detect-engine-int.h"

static bool is_address_buffer(int id)
{
    return id == DETECT_BUF_IP_SRC || id == DETECT_BUF_IP_DST;
}

/* Returns the first app-layer buffer r inspects, or -1 when it has none. */
static int first_app_buffer(const struct rule *r)
{
    for (uint32_t i = 0; i < r->nbuffers; i++)
        if (r->buffers[i].id != DETECT_BUF_PKT_DATA && !is_address_buffer(r->buffers[i].id))
            return r->buffers[i].id;
    return -1;
}

static bool has_payload(const struct rule *r)
{
    for (uint32_t i = 0; i < r->nbuffers; i++)
        if (r->buffers[i].id == DETECT_BUF_PKT_DATA && r->buffers[i].nsm > 0)
            return true;
    return false;
}

static bool group_add(struct rule_group *g, const struct rule *r, uint32_t idx, int buffer)
{
    if (r->fast && r->fast_buffer == buffer) {
        const struct sm_content *c = &r->fast->u.content;
        return mpm_builder_add(&g->build, c->pat, c->len, r->fast->flags & SMF_NOCASE, idx);
    }
    if (g->nalways == g->cap) {
        uint32_t cap = g->cap ? g->cap * 2 : 16;
        uint32_t *a = realloc(g->always, cap * sizeof(*a));
        if (!a)
            return false;
        g->always = a;
        g->cap = cap;
    }
    g->always[g->nalways++] = idx;
    return true;
}

/* Packet rules: no payload keywords, or packet-only ones (flow:no_stream, dsize). */
static bool add_packet_or_stream(struct detect_engine *de, const struct rule *r, uint32_t idx)
{
    bool packet_only = (r->flow & RFLOW_NO_STREAM) || r->has_dsize || !has_payload(r);
    bool ok = true;
    switch (r->proto) {
    case RULE_PROTO_TCP:
        return group_add(packet_only ? &de->packet[PG_TCP] : &de->stream, r, idx, 0);
    case RULE_PROTO_UDP:
        return group_add(&de->packet[PG_UDP], r, idx, 0);
    case RULE_PROTO_ICMP:
        return group_add(&de->packet[PG_OTHER], r, idx, 0);
    default: /* ip, or an app-layer protocol without sticky buffers */
        ok = group_add(packet_only ? &de->packet[PG_TCP] : &de->stream, r, idx, 0);
        ok = ok && group_add(&de->packet[PG_UDP], r, idx, 0);
        return ok && (r->proto == RULE_PROTO_APP || group_add(&de->packet[PG_OTHER], r, idx, 0));
    }
}

/* The longest content of r's pkt_data, less one: how far before a stream
 * chunk's new bytes its match may start (see inspect_stream). */
static uint32_t stream_lookback(const struct rule *r)
{
    uint32_t max = 0;
    for (uint32_t i = 0; i < r->nbuffers; i++) {
        const struct rule_buffer *b = &r->buffers[i];
        for (uint32_t k = 0; b->id == DETECT_BUF_PKT_DATA && k < b->nsm; k++)
            if (b->sm[k].type == SM_CONTENT && b->sm[k].u.content.len > max + 1)
                max = b->sm[k].u.content.len - 1;
    }
    return max;
}

static uint8_t buffer_dirs(const struct rule *r)
{
    unsigned dirs = 0;
    for (uint32_t i = 0; i < r->nbuffers; i++)
        if (r->buffers[i].id >= DETECT_BUF_FIRST_APP)
            dirs |= detect_buffer_dirs(r->buffers[i].id);
    return (uint8_t)dirs;
}

static bool add_rule(struct detect_engine *de, struct rule *r, uint32_t idx)
{
    r->buffer_dirs = buffer_dirs(r);
    for (uint32_t i = 0; i < r->nbuffers; i++)
        detect_buffer_set_used(r->buffers[i].id, true);
    int app = first_app_buffer(r);
    if (app < 0) {
        uint32_t back = stream_lookback(r);
        if (back > de->stream.lookback)
            de->stream.lookback = back;
        return add_packet_or_stream(de, r, idx);
    }
    if (r->fast && r->fast_buffer > 0 && r->fast_buffer < DETECT_BUF_MAX)
        return group_add(&de->tx[r->fast_buffer], r, idx, r->fast_buffer);
    return app < DETECT_BUF_MAX && group_add(&de->tx_nofast[app], r, idx, -1);
}

static int group_finish(struct detect_engine *de, struct rule_group *g, detect_report_fn report,
                        void *user)
{
    char err[512];
    bool ok = mpm_build(&g->build, &g->mpm, err, sizeof(err));
    mpm_builder_free(&g->build);
    if (!ok) {
        report(user, err);
        return WW_E_CONFIG;
    }
    return mpm_scratch_grow(&de->scratch, g->mpm) ? 0 : WW_E_NOMEM;
}

static struct rule_group *group_at(struct detect_engine *de, size_t i)
{
    if (i < PG_COUNT)
        return &de->packet[i];
    if (i == PG_COUNT)
        return &de->stream;
    if (i < PG_COUNT + 1 + DETECT_BUF_MAX)
        return &de->tx_nofast[i - PG_COUNT - 1];
    return &de->tx[i - PG_COUNT - 1 - DETECT_BUF_MAX];
}

#define GROUP_COUNT (PG_COUNT + 1 + 2 * DETECT_BUF_MAX)

int detect_groups_build(struct detect_engine *de, detect_report_fn report, void *user)
{
    de->seen = calloc(de->nrules ? de->nrules : 1, sizeof(*de->seen));
    if (!de->seen)
        return WW_E_NOMEM;
    for (size_t i = 0; i < de->nrules; i++)
        if (!add_rule(de, de->rules[i], (uint32_t)i))
            return WW_E_NOMEM;
    for (size_t i = 0; i < GROUP_COUNT; i++) {
        int rc = group_finish(de, group_at(de, i), report, user);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void detect_groups_free(struct detect_engine *de)
{
    for (size_t i = 0; i < GROUP_COUNT; i++) {
        struct rule_group *g = group_at(de, i);
        mpm_builder_free(&g->build);
        mpm_free(g->mpm);
        free(g->always);
    }
    mpm_scratch_free(de->scratch);
    free(de->seen);
}

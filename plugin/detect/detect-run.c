/* detect-run.c — running a ruleset on a packet, a stream chunk or a
 * transaction: prefilter candidates, evaluate them in rule order, apply
 * flowbits, pass rules and thresholds, report alerts.
 *
 * Order: candidates are evaluated in load order, and a rule's flowbits take
 * effect as soon as it matches, so a later rule in the same inspection sees
 * them. A matching `pass` rule silences every alert of that inspection. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "detect-content.h"
#include "detect-engine-int.h"

/* Bytes of a direction's stream kept for the next chunk, so a pattern split
 * across segments or callbacks still matches. */
#define STREAM_KEEP 4096
#define MAX_CANDIDATES 4096

struct detect_window {
    uint8_t *buf;
    size_t len, cap;
};

/* A transaction may be offered more than once (an HTTP request, then the
 * same transaction with its response); a rule alerts once per transaction. */
#define TX_ALERTED_MAX 32

struct tx_alert_key {
    uint64_t tx_id;
    const void *tx;
    uint32_t rule;
};

struct detect_flow {
    struct flowbit_set *bits;
    struct detect_window win[2];
    struct tx_alert_key tx_alerted[TX_ALERTED_MAX]; /* a ring of the latest */
    uint8_t tx_alerted_next;
};

struct inspection {
    const struct detect_run *run;
    struct flow *f;
    enum flow_dir dir;
    const struct pkt *pkt;       /* packet inspections */
    const struct app_tx *tx;     /* transaction inspections */
    const uint8_t *data;         /* pkt_data: packet payload or stream window */
    size_t len;
    size_t new_from;             /* stream: a match must end after this offset */
    bool stream;
    uint8_t l4;
    struct ww_addr src, dst;     /* in the direction of the data */
    uint16_t sport, dport;
    uint32_t ncand;
    uint32_t cand[MAX_CANDIDATES]; /* last: not cleared per inspection */
};

/* ---- per-flow state ------------------------------------------------------------ */

static struct detect_flow *dflow(struct flow *f)
{
    if (!f->detect)
        f->detect = calloc(1, sizeof(struct detect_flow));
    return f->detect;
}

void detect_flow_free(struct flow *f)
{
    struct detect_flow *d = f->detect;
    if (!d)
        return;
    free(d->bits);
    free(d->win[0].buf);
    free(d->win[1].buf);
    free(d);
    f->detect = NULL;
}

static struct flowbit_set *flow_bits(struct flow *f, bool create)
{
    struct detect_flow *d = create ? dflow(f) : f->detect;
    if (d && !d->bits && create)
        d->bits = calloc(1, sizeof(*d->bits));
    return d ? d->bits : NULL;
}

/* ---- candidates ------------------------------------------------------------------ */

static void add_candidate(void *user, unsigned id)
{
    struct inspection *in = user;
    struct detect_engine *de = in->run->de;
    if (de->seen[id] == de->generation || in->ncand >= MAX_CANDIDATES)
        return;
    de->seen[id] = de->generation;
    in->cand[in->ncand++] = id;
}

static void add_group(struct inspection *in, const struct rule_group *g, const uint8_t *data,
                      size_t len)
{
    mpm_scan(g->mpm, in->run->de->scratch, data, len, add_candidate, in);
    for (uint32_t i = 0; i < g->nalways; i++)
        add_candidate(in, g->always[i]);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Candidates in rule order; usually a handful, for which insertion sort
 * beats qsort's set-up. */
static void sort_candidates(uint32_t *v, uint32_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof(*v), cmp_u32);
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = v[i], k = i;
        for (; k > 0 && v[k - 1] > x; k--)
            v[k] = v[k - 1];
        v[k] = x;
    }
}

/* ---- evaluating one rule ------------------------------------------------------------ */

static bool proto_ok(const struct inspection *in, const struct rule *r)
{
    switch (r->proto) {
    case RULE_PROTO_TCP:
        return in->l4 == 6;
    case RULE_PROTO_UDP:
        return in->l4 == 17;
    case RULE_PROTO_ICMP:
        return in->l4 == 1 || in->l4 == 58;
    case RULE_PROTO_APP:
        return in->f && in->f->app_proto && strcmp(in->f->app_proto, r->app_proto) == 0;
    default:
        return true;
    }
}

static bool addrs_ok(const struct inspection *in, const struct rule *r)
{
    bool fwd = addr_group_match(r->src, &in->src) && addr_group_match(r->dst, &in->dst) &&
               port_group_match(r->sport, in->sport) && port_group_match(r->dport, in->dport);
    if (fwd || !r->bidirectional)
        return fwd;
    return addr_group_match(r->src, &in->dst) && addr_group_match(r->dst, &in->src) &&
           port_group_match(r->sport, in->dport) && port_group_match(r->dport, in->sport);
}

static bool flow_ok(const struct inspection *in, const struct rule *r)
{
    const struct flow *f = in->f;
    bool established = f && f->seen_dir[0] && f->seen_dir[1] &&
                       (f->proto != 6 || f->state != FLOW_STATE_NEW);
    if ((r->flow & RFLOW_ESTABLISHED) && !established)
        return false;
    if ((r->flow & RFLOW_NOT_ESTABLISHED) && established)
        return false;
    if ((r->flow & RFLOW_TO_SERVER) && in->dir != DIR_TOSERVER)
        return false;
    if ((r->flow & RFLOW_TO_CLIENT) && in->dir != DIR_TOCLIENT)
        return false;
    if ((r->flow & RFLOW_ONLY_STREAM) && !in->stream)
        return false;
    return !((r->flow & RFLOW_NO_STREAM) && in->stream);
}

static bool flowbits_ok(const struct inspection *in, const struct rule *r)
{
    const struct flowbit_set *bits = in->f ? flow_bits(in->f, false) : NULL;
    for (uint32_t i = 0; i < r->nflowbits; i++) {
        const struct rule_flowbit *fb = &r->flowbits[i];
        if (fb->op != FB_ISSET && fb->op != FB_ISNOTSET)
            continue;
        bool any = false;
        for (uint8_t k = 0; k < fb->nnames && bits; k++)
            any = any || flowbit_isset(bits, fb->ids[k]);
        if ((fb->op == FB_ISSET) != any)
            return false;
    }
    return true;
}

/* The bytes of buffer id for this inspection, or false when it has none. */
static bool buffer_data(const struct inspection *in, int id, const uint8_t **data, size_t *len)
{
    if (id == DETECT_BUF_PKT_DATA) {
        *data = in->data;
        *len = in->len;
        return in->data != NULL || in->pkt != NULL;
    }
    const struct ww_addr *a = id == DETECT_BUF_IP_SRC   ? &in->src
                              : id == DETECT_BUF_IP_DST ? &in->dst
                                                        : NULL;
    if (a) {
        *data = a->a;
        *len = a->family == 4 ? 4 : 16;
        return true;
    }
    for (size_t i = 0; in->tx && i < in->tx->nbufs; i++) {
        if (in->tx->bufs[i].id == id) {
            *data = in->tx->bufs[i].data;
            *len = in->tx->bufs[i].len;
            return true;
        }
    }
    return false;
}

static size_t longest_content(const struct rule_buffer *b)
{
    size_t max = 1;
    for (uint32_t i = 0; i < b->nsm; i++)
        if (b->sm[i].type == SM_CONTENT && b->sm[i].u.content.len > max)
            max = b->sm[i].u.content.len;
    return max;
}

/* pkt_data of a stream window: from just before the new bytes (so a match
 * cannot lie wholly in bytes inspected last time), and only matches ending in
 * new bytes count. */
static bool inspect_stream(const struct inspection *in, const struct rule_buffer *b)
{
    size_t back = longest_content(b) - 1;
    size_t from = in->new_from > back ? in->new_from - back : 0;
    size_t end = 0;
    if (!detect_inspect_buffer(b, in->data + from, in->len - from, &end))
        return false;
    return from + end > in->new_from || (end == 0 && in->new_from == 0);
}

static bool buffers_ok(const struct inspection *in, const struct rule *r)
{
    for (uint32_t i = 0; i < r->nbuffers; i++) {
        const struct rule_buffer *b = &r->buffers[i];
        if (b->id == DETECT_BUF_PKT_DATA && in->stream) {
            if (!inspect_stream(in, b))
                return false;
            continue;
        }
        const uint8_t *data;
        size_t len;
        if (!buffer_data(in, b->id, &data, &len) || !detect_inspect_buffer(b, data, len, NULL))
            return false;
    }
    return true;
}

static bool rule_matches(const struct inspection *in, const struct rule *r)
{
    /* cheapest first: flow:to_server alone turns away half the packets */
    if (!proto_ok(in, r) || !flow_ok(in, r) || !addrs_ok(in, r) || !flowbits_ok(in, r))
        return false;
    if (r->has_dsize && (!in->pkt || !detect_match_dsize(&r->dsize, in->pkt->payload_len)))
        return false;
    return buffers_ok(in, r);
}

/* ---- after a match ---------------------------------------------------------------------- */

static void apply_flowbits(struct inspection *in, const struct rule *r)
{
    for (uint32_t i = 0; i < r->nflowbits; i++) {
        const struct rule_flowbit *fb = &r->flowbits[i];
        if (fb->op != FB_SET && fb->op != FB_UNSET && fb->op != FB_TOGGLE)
            continue;
        struct flowbit_set *bits = in->f ? flow_bits(in->f, true) : NULL;
        for (uint8_t k = 0; bits && k < fb->nnames; k++) {
            if (fb->op == FB_SET)
                flowbit_set(bits, fb->ids[k]);
            else if (fb->op == FB_UNSET)
                flowbit_unset(bits, fb->ids[k]);
            else
                flowbit_toggle(bits, fb->ids[k]);
        }
    }
}

static void report(struct inspection *in, const struct rule *r)
{
    const struct detect_run *run = in->run;
    uint64_t fid = in->f ? in->f->flow_id : 0;
    if (threshold_check(run->de->thresholds, r, &in->src, &in->dst, fid, run->now, run->order) !=
        THRESHOLD_ALERT) {
        run->ctr[CTR_DETECT_ALERTS_SUPPRESSED]++;
        return;
    }
    run->ctr[CTR_DETECT_ALERT]++;
    struct detect_hit hit = {r, in->f, in->dir, in->pkt, in->tx, in->data, in->len};
    if (in->stream && in->len > in->new_from) {
        hit.payload = in->data + in->new_from;
        hit.payload_len = in->len - in->new_from;
    }
    run->on_alert(run->user, &hit);
}

/* A transaction rule is seen from the side its buffers belong to: a rule on
 * tls.sni or http.uri alone is a to_server rule (flow:to_server, addresses in
 * that order) although the server's reply completed the transaction. */
static void orient_for_rule(struct inspection *in, const struct rule *r)
{
    enum flow_dir want = r->buffer_dirs == BUF_TOSERVER   ? DIR_TOSERVER
                         : r->buffer_dirs == BUF_TOCLIENT ? DIR_TOCLIENT
                                                          : in->tx->dir;
    if (want == in->dir)
        return;
    struct ww_addr a = in->src;
    in->src = in->dst;
    in->dst = a;
    uint16_t p = in->sport;
    in->sport = in->dport;
    in->dport = p;
    in->dir = want;
}

/* Returns true when rule idx already alerted on this transaction; else records it. */
static bool tx_seen(struct inspection *in, uint32_t idx)
{
    struct detect_flow *d = in->tx ? dflow(in->f) : NULL;
    if (!d)
        return false;
    struct tx_alert_key k = {in->tx->tx_id, in->tx->tx, idx};
    for (int i = 0; i < TX_ALERTED_MAX; i++) {
        const struct tx_alert_key *e = &d->tx_alerted[i];
        if (e->tx == k.tx && e->tx_id == k.tx_id && e->rule == k.rule)
            return true;
    }
    d->tx_alerted[d->tx_alerted_next] = k;
    d->tx_alerted_next = (uint8_t)((d->tx_alerted_next + 1) % TX_ALERTED_MAX);
    return false;
}

static void evaluate(struct inspection *in)
{
    struct detect_engine *de = in->run->de;
    sort_candidates(in->cand, in->ncand);
    const struct rule *matched[MAX_CANDIDATES];
    uint32_t nmatched = 0;
    bool pass = false;
    for (uint32_t i = 0; i < in->ncand; i++) {
        const struct rule *r = de->rules[in->cand[i]];
        if (in->tx)
            orient_for_rule(in, r);
        if (!rule_matches(in, r))
            continue;
        if (in->tx && tx_seen(in, in->cand[i]))
            continue;
        apply_flowbits(in, r);
        pass = pass || r->action == RULE_PASS;
        if (r->action == RULE_ALERT && !r->noalert)
            matched[nmatched++] = r;
    }
    for (uint32_t i = 0; !pass && i < nmatched; i++) {
        if (in->tx)
            orient_for_rule(in, matched[i]);
        report(in, matched[i]);
    }
}

/* ---- entry points ------------------------------------------------------------------------ */

static void inspection_init(struct inspection *in, const struct detect_run *run, struct flow *f,
                            enum flow_dir dir)
{
    memset(in, 0, offsetof(struct inspection, cand));
    in->run = run;
    in->f = f;
    in->dir = dir;
    in->l4 = f->proto;
    bool ts = dir == DIR_TOSERVER;
    in->src = ts ? f->cli : f->srv;
    in->dst = ts ? f->srv : f->cli;
    in->sport = ts ? f->cli_port : f->srv_port;
    in->dport = ts ? f->srv_port : f->cli_port;
    if (++run->de->generation == 0) { /* wrapped: forget every mark */
        memset(run->de->seen, 0, run->de->nrules * sizeof(*run->de->seen));
        run->de->generation = 1;
    }
}

void detect_packet(const struct detect_run *run, struct flow *f, enum flow_dir dir,
                   const struct pkt *p)
{
    if (!run->de || !f)
        return;
    struct inspection in;
    inspection_init(&in, run, f, dir);
    in.pkt = p;
    in.data = p->payload;
    in.len = p->payload_len;
    in.src = p->src;
    in.dst = p->dst;
    in.sport = p->sport;
    in.dport = p->dport;
    in.l4 = p->proto;
    enum packet_group g = p->proto == 6 ? PG_TCP : p->proto == 17 ? PG_UDP : PG_OTHER;
    add_group(&in, &run->de->packet[g], in.data, in.len);
    evaluate(&in);
}

static bool window_append(struct detect_window *w, const uint8_t *data, size_t len)
{
    if (w->len + len > w->cap) {
        size_t cap = w->len + len;
        uint8_t *b = realloc(w->buf, cap);
        if (!b)
            return false;
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
    return true;
}

/* Keeps the last STREAM_KEEP bytes, and gives back what a large chunk grew
 * the buffer to, so an idle flow holds at most STREAM_KEEP per direction. */
static void window_trim(struct detect_window *w)
{
    if (w->len > STREAM_KEEP) {
        memmove(w->buf, w->buf + w->len - STREAM_KEEP, STREAM_KEEP);
        w->len = STREAM_KEEP;
    }
    if (w->cap > 2 * STREAM_KEEP) {
        uint8_t *b = realloc(w->buf, STREAM_KEEP);
        if (b) {
            w->buf = b;
            w->cap = STREAM_KEEP;
        }
    }
}

void detect_stream(const struct detect_run *run, struct flow *f, enum flow_dir dir,
                   const uint8_t *data, size_t len, bool gap)
{
    if (!run->de || (!run->de->stream.mpm && !run->de->stream.nalways))
        return;
    struct detect_flow *d = dflow(f);
    if (!d)
        return;
    struct detect_window *w = &d->win[dir];
    if (gap) { /* nothing may match across bytes that were never seen */
        w->len = 0;
        return;
    }
    size_t keep = w->len;
    if (!window_append(w, data, len))
        return;
    struct inspection in;
    inspection_init(&in, run, f, dir);
    in.stream = true;
    in.data = w->buf;
    in.len = w->len;
    in.new_from = keep;
    /* The prefilter sees the new bytes plus the overlap a split pattern needs:
     * no rule's match may start further back (inspect_stream). */
    size_t lookback = run->de->stream.lookback;
    size_t from = keep > lookback ? keep - lookback : 0;
    add_group(&in, &run->de->stream, w->buf + from, w->len - from);
    evaluate(&in);
    window_trim(w);
}

void detect_tx(const struct detect_run *run, struct flow *f, const struct app_tx *tx)
{
    if (!run->de)
        return;
    struct inspection in;
    inspection_init(&in, run, f, tx->dir);
    in.tx = tx;
    for (size_t i = 0; i < tx->nbufs; i++) {
        int id = tx->bufs[i].id;
        if (id > 0 && id < DETECT_BUF_MAX) {
            add_group(&in, &run->de->tx[id], tx->bufs[i].data, tx->bufs[i].len);
            add_group(&in, &run->de->tx_nofast[id], NULL, 0);
        }
    }
    evaluate(&in);
}

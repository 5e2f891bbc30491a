/* stream-nids.c — libnids glue: see stream-nids.h for what it adds to libnids.
 *
 * libnids keeps one global state per process (nids_params, static tables),
 * so there is at most one struct stream, reached from the callbacks through
 * the_stream. We feed libnids ourselves: a DLT_RAW pcap_open_dead() handle
 * is its pcap_desc and nids_pcap_handler() gets bare IPv4 packets. */
#include "stream-nids.h"

#include <arpa/inet.h>
#include <nids.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "../util/mem.h"
#include "stream-v6map.h"

#define PEND_MAX 16          /* out-of-order segments tracked per direction */
#define FILLER_CHUNK 32768   /* largest filler segment fed at once */
#define HOLES_PER_FLUSH 64   /* bound on holes filled in one go */
#define NIDS_SCRATCH 65600   /* one IPv4 packet: 64 KiB + headers */


/* Sequence-space comparisons (RFC 793 §3.3). */
static bool seq_after(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

struct pend {
    uint32_t seq, end;
};

/* Per TCP flow: what libnids calls it, and what waits behind holes. */
struct stream_flow {
    struct tcp_stream *nids;    /* NULL until established, and after libnids frees it */
    uint32_t nids_cli, nids_srv; /* addresses libnids sees (network order; stand-ins for IPv6) */
    bool v6;
    bool syn_seen[2];           /* per direction: a SYN told us the initial sequence number */
    uint32_t isn[2];
    struct pend pend[2][PEND_MAX];
    uint8_t npend[2];
    uint32_t filler_left[2];    /* filler bytes libnids has yet to deliver, per direction */
};

struct stream {
    struct stream_config cfg;
    uint64_t *ctr;
    struct stream_sink sink;
    const struct wlog *log;
    pcap_t *dead;
    struct v6map *v6;
    struct memcap mem;
    struct flow *cur_flow;      /* flow of the packet being fed, for NIDS_JUST_EST */
    struct timeval now;         /* time of the packet being fed */
    const struct pkt *frag;     /* the fragment being fed: rebuilt datagrams come to on_ip */
    bool exiting;               /* nids_exit: flows are gone, ignore callbacks */
    struct pcap_pkthdr hdr;
    uint8_t scratch[NIDS_SCRATCH];
};

static struct stream *the_stream;

/* ---- feeding libnids ------------------------------------------------------- */

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The header lives in s: libnids keeps a pointer to it (nids_last_pcap_header). */
static void feed_ipv4(struct stream *s, uint8_t *ip, size_t len)
{
    s->hdr.ts = s->now;
    s->hdr.caplen = s->hdr.len = (bpf_u_int32)len;
    nids_pcap_handler(NULL, &s->hdr, ip);
}

/* Writes a 20-byte IPv4 header; frag is the flags+offset field. */
static void put_ipv4_header(uint8_t *ip, size_t total, uint16_t id, uint16_t frag, uint8_t ttl,
                            uint8_t proto, uint32_t src, uint32_t dst)
{
    ip[0] = 0x45;
    ip[1] = 0;
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    ip[4] = (uint8_t)(id >> 8);
    ip[5] = (uint8_t)id;
    ip[6] = (uint8_t)(frag >> 8);
    ip[7] = (uint8_t)frag;
    ip[8] = ttl;
    ip[9] = proto;
    ip[10] = ip[11] = 0;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    uint16_t sum = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(sum >> 8);
    ip[11] = (uint8_t)sum;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

/* A segment of our own (handshake or filler). SYNs carry window scale 14 so
 * that libnids' window check never rejects the real traffic that follows. */
static void inject_segment(struct stream *s, uint32_t src, uint32_t dst, uint16_t sport,
                           uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, size_t len)
{
    uint8_t *ip = s->scratch;
    size_t thl = (flags & TCP_SYN) ? 24 : 20;
    uint8_t *th = ip + 20;
    put_ipv4_header(ip, 20 + thl + len, 0, 0x4000, 64, 6, src, dst);
    put_be16(th, sport);
    put_be16(th + 2, dport);
    put_be32(th + 4, seq);
    put_be32(th + 8, ack);
    th[12] = (uint8_t)((thl / 4) << 4);
    th[13] = flags;
    put_be16(th + 14, 65535);
    put_be32(th + 16, 0); /* checksum (not verified by libnids here) and urgent pointer */
    if (thl == 24) {
        th[20] = 1;       /* NOP */
        th[21] = 3;       /* window scale, length 3, shift 14 */
        th[22] = 3;
        th[23] = 14;
    }
    memset(th + thl, 0, len);
    s->ctr[CTR_TCP_PSEUDO]++;
    feed_ipv4(s, ip, 20 + thl + len);
}

/* ---- per-flow state ------------------------------------------------------- */

/* A flow refused a session (memcap) is not asked again: counted once. */
static struct stream_flow *sflow_get(struct stream *s, struct flow *f)
{
    if (f->stream || f->stream_refused)
        return f->stream;
    struct stream_flow *sf = ww_mem_alloc(&s->mem, sizeof(*sf));
    if (!sf) {
        f->stream_refused = true;
        s->ctr[CTR_TCP_SSN_MEMCAP_DROP]++;
        return NULL;
    }
    if (f->ip_version == 6) {
        sf->v6 = true;
        sf->nids_cli = v6map_get(s->v6, f->cli.a);
        sf->nids_srv = v6map_get(s->v6, f->srv.a);
        if (!sf->nids_cli || !sf->nids_srv) {
            v6map_put(s->v6, sf->nids_cli);
            v6map_put(s->v6, sf->nids_srv);
            ww_mem_free(&s->mem, sf, sizeof(*sf));
            f->stream_refused = true;
            s->ctr[CTR_TCP_SSN_MEMCAP_DROP]++;
            return NULL;
        }
    } else {
        memcpy(&sf->nids_cli, f->cli.a, 4);
        memcpy(&sf->nids_srv, f->srv.a, 4);
    }
    f->stream = sf;
    s->ctr[CTR_TCP_SESSIONS]++;
    s->ctr[CTR_TCP_MEMUSE] = s->mem.used;
    return sf;
}

static void sflow_release(struct stream *s, struct flow *f)
{
    struct stream_flow *sf = f->stream;
    if (!sf)
        return;
    if (sf->v6) {
        v6map_put(s->v6, sf->nids_cli);
        v6map_put(s->v6, sf->nids_srv);
    }
    ww_mem_free(&s->mem, sf, sizeof(*sf));
    f->stream = NULL;
    s->ctr[CTR_TCP_MEMUSE] = s->mem.used;
}

/* The libnids session of f in either orientation, or NULL. */
static struct tcp_stream *nids_lookup(const struct stream_flow *sf, const struct flow *f)
{
    struct tuple4 t = {f->cli_port, f->srv_port, sf->nids_cli, sf->nids_srv};
    struct tcp_stream *a = nids_find_tcp_stream(&t);
    if (a)
        return a;
    struct tuple4 r = {f->srv_port, f->cli_port, sf->nids_srv, sf->nids_cli};
    return nids_find_tcp_stream(&r);
}

/* Sender and receiver halves of a direction (libnids' client is our client). */
static struct half_stream *half_sender(struct tcp_stream *a, enum flow_dir d)
{
    return d == DIR_TOSERVER ? &a->client : &a->server;
}

static struct half_stream *half_receiver(struct tcp_stream *a, enum flow_dir d)
{
    return d == DIR_TOSERVER ? &a->server : &a->client;
}

/* The next sequence number libnids will deliver in direction d. */
static uint32_t expected_seq(struct tcp_stream *a, enum flow_dir d)
{
    struct half_stream *rcv = half_receiver(a, d);
    return half_sender(a, d)->first_data_seq + (uint32_t)rcv->count + (uint32_t)rcv->urg_count;
}

/* ---- callbacks from libnids ------------------------------------------------ */

static void deliver(struct stream *s, struct flow *f, struct stream_flow *sf, struct tcp_stream *a,
                    enum flow_dir d)
{
    struct half_stream *rcv = half_receiver(a, d);
    size_t len = (size_t)rcv->count_new;
    const uint8_t *data = (const uint8_t *)rcv->data + (rcv->count - rcv->offset) - len;
    struct flow_stream_dir *sd = &f->sd[d];
    if (s->cfg.depth && sd->delivered + len > s->cfg.depth) {
        /* Keep collecting: with collect off libnids would drop our listener
         * and free the session later without telling us. */
        len = (size_t)(s->cfg.depth - sd->delivered);
        if (!sd->depth_reached)
            s->ctr[CTR_TCP_STREAM_DEPTH_REACHED]++;
        sd->depth_reached = true;
    }
    size_t filler = len < sf->filler_left[d] ? len : sf->filler_left[d];
    sf->filler_left[d] -= (uint32_t)filler;
    sd->delivered += len;
    if (filler)
        s->sink.on_data(s->sink.user, f, d, NULL, filler, true);
    if (len > filler)
        s->sink.on_data(s->sink.user, f, d, data + filler, len - filler, false);
}

/* Makes our flow's client the side libnids calls the client. */
static void align_orientation(struct flow *f, struct stream_flow *sf, struct tcp_stream *a)
{
    if (a->addr.saddr == sf->nids_cli && a->addr.source == f->cli_port)
        return;
    flow_swap_direction(f);
    uint32_t t = sf->nids_cli;
    sf->nids_cli = sf->nids_srv;
    sf->nids_srv = t;
}

static void on_tcp(struct tcp_stream *a, void **param)
{
    struct stream *s = the_stream;
    struct flow *f = *param;
    if (s->exiting)
        return;
    if (a->nids_state == NIDS_JUST_EST) {
        f = s->cur_flow;
        if (!f || !f->stream)
            return; /* not a flow we track: collect nothing */
        struct stream_flow *sf = f->stream;
        align_orientation(f, sf, a);
        sf->nids = a;
        *param = f;
        a->client.collect++;
        a->server.collect++;
        return;
    }
    if (!f || !f->stream)
        return;
    struct stream_flow *sf = f->stream;
    if (a->nids_state == NIDS_DATA) {
        if (a->server.count_new)
            deliver(s, f, sf, a, DIR_TOSERVER);
        if (a->client.count_new)
            deliver(s, f, sf, a, DIR_TOCLIENT);
        return;
    }
    /* CLOSE, RESET, TIMED_OUT (evicted: table full), EXITING: libnids frees it next. */
    if (a->nids_state == NIDS_TIMED_OUT)
        s->ctr[CTR_TCP_SSN_MEMCAP_DROP]++;
    sf->nids = NULL;
    sf->npend[0] = sf->npend[1] = 0;
    f->tcp_closed = true;
}

static void on_ip(struct ip *iph, int skblen)
{
    (void)skblen;
    struct stream *s = the_stream;
    if (!s->frag)
        return; /* an unfragmented packet we fed: already handled */
    size_t len = ntohs(iph->ip_len);
    struct ww_packet frame = {
        .ts = s->now, .caplen = (uint32_t)len, .len = (uint32_t)len, .linktype = DLT_RAW,
        .data = (const uint8_t *)iph,
    };
    struct pkt p;
    uint64_t scratch_ctr[CTR_COUNT] = {0};
    if (decode_packet(&frame, &p, scratch_ctr) != DECODE_OK)
        return;
    bool v6 = v6map_is_standin(iph->ip_src.s_addr) || v6map_is_standin(iph->ip_dst.s_addr);
    if (v6) {
        const uint8_t *src = v6map_lookup(s->v6, iph->ip_src.s_addr);
        const uint8_t *dst = v6map_lookup(s->v6, iph->ip_dst.s_addr);
        if (!src || !dst)
            return;
        p.ip_version = 6;
        p.src.family = p.dst.family = 6;
        memcpy(p.src.a, src, 16);
        memcpy(p.dst.a, dst, 16);
        s->ctr[CTR_DEFRAG_IPV6_REASSEMBLED]++;
    } else {
        s->ctr[CTR_DEFRAG_IPV4_REASSEMBLED]++;
    }
    /* Counted as one packet: the last fragment's link header plus the
     * datagram as it was on the wire (an IPv6 header is 20 bytes longer). */
    frame.len = (uint32_t)(s->frag->ip - s->frag->frame->data) + (uint32_t)len + (v6 ? 20 : 0);
    p.defragmented = true;
    struct flow *f = s->sink.on_datagram(s->sink.user, &p);
    s->cur_flow = f;
    if (f && p.proto == 6 && p.has_l4 && !sflow_get(s, f))
        s->cur_flow = NULL;
}

/* libnids warnings become counters; it would write them to syslog. */
static void on_nids_warning(int type, int err, struct ip *iph, void *data)
{
    (void)iph;
    (void)data;
    uint64_t *ctr = the_stream->ctr;
    if (type == NIDS_WARN_IP) {
        if (err == NIDS_WARN_IP_OVERLAP)
            ctr[CTR_DEV_IPV4_FRAG_OVERLAP]++;
        else if (err == NIDS_WARN_IP_OVERSIZED)
            ctr[CTR_DEV_IPV4_FRAG_PKT_TOO_LARGE]++;
        else
            ctr[CTR_DECODER_INVALID]++;
    } else if (type == NIDS_WARN_TCP && err == NIDS_WARN_TCP_BIGQUEUE) {
        ctr[CTR_SEV_REASSEMBLY_INSERT_LIMIT]++;
    }
    /* NIDS_WARN_TCP_TOOMUCH: counted in on_tcp's NIDS_TIMED_OUT, for our sessions only. */
}

/* libnids cannot continue after a failed malloc (it dereferences the result). */
static void on_nids_no_mem(char *where)
{
    (void)where;
    abort();
}

/* ---- midstream pickup and holes ---------------------------------------------- */

static bool needs_pickup(struct stream *s, struct stream_flow *sf, struct flow *f,
                         const struct pkt *p)
{
    if (!s->cfg.midstream || f->tcp_closed || f->state == FLOW_STATE_CLOSED)
        return false;
    if ((p->tcp_flags & (TCP_SYN | TCP_RST | TCP_ACK)) != TCP_ACK || p->payload_len == 0)
        return false;
    struct tcp_stream *a = sf->nids ? sf->nids : nids_lookup(sf, f);
    if (!a)
        return true;
    /* A SYN seen but its SYN/ACK missed: libnids would wait forever. */
    if (a->nids_state == 0 && a->server.state == TCP_CLOSE) {
        nids_free_tcp_stream(a);
        return true;
    }
    return false;
}

/* SYN and SYN/ACK seen but not the client's ACK (lost, or captured after
 * the first data): libnids would drop data until it comes, so feed it. */
static void complete_handshake(struct stream *s, struct stream_flow *sf, struct flow *f,
                               const struct pkt *p)
{
    if (sf->nids || (p->tcp_flags & (TCP_SYN | TCP_RST)) || p->payload_len == 0)
        return;
    struct tcp_stream *a = nids_lookup(sf, f);
    if (!a || a->nids_state != 0 || a->server.state != TCP_SYN_RECV)
        return;
    s->cur_flow = f;
    inject_segment(s, a->addr.saddr, a->addr.daddr, a->addr.source, a->addr.dest,
                   a->client.seq, a->server.seq, TCP_ACK, 0);
}

/* Feeds a synthetic handshake so libnids follows a session already under way.
 * Where a SYN was seen its sequence number is the start (captures reorder:
 * the first data seen may already be ACKed past the peer's first bytes). */
static void pickup(struct stream *s, struct stream_flow *sf, struct flow *f, enum flow_dir dir,
                   const struct pkt *p)
{
    uint32_t cli_next = dir == DIR_TOSERVER ? p->seq : p->ack;
    uint32_t srv_next = dir == DIR_TOSERVER ? p->ack : p->seq;
    if (sf->syn_seen[DIR_TOSERVER])
        cli_next = sf->isn[DIR_TOSERVER] + 1;
    if (sf->syn_seen[DIR_TOCLIENT])
        srv_next = sf->isn[DIR_TOCLIENT] + 1;
    s->cur_flow = f;
    inject_segment(s, sf->nids_cli, sf->nids_srv, f->cli_port, f->srv_port, cli_next - 1, 0,
                   TCP_SYN, 0);
    inject_segment(s, sf->nids_srv, sf->nids_cli, f->srv_port, f->cli_port, srv_next - 1, cli_next,
                   TCP_SYN | TCP_ACK, 0);
    inject_segment(s, sf->nids_cli, sf->nids_srv, f->cli_port, f->srv_port, cli_next, srv_next,
                   TCP_ACK, 0);
    if (sf->nids) {
        f->midstream = true;
        s->ctr[CTR_TCP_MIDSTREAM_PICKUPS]++;
    }
}

static void pend_prune(struct stream_flow *sf, enum flow_dir d, uint32_t exp)
{
    uint8_t n = 0;
    for (uint8_t i = 0; i < sf->npend[d]; i++)
        if (seq_after(sf->pend[d][i].end, exp))
            sf->pend[d][n++] = sf->pend[d][i];
    sf->npend[d] = n;
}

/* The lowest queued sequence number after exp, if any. */
static bool pend_first(const struct stream_flow *sf, enum flow_dir d, uint32_t exp, uint32_t *seq)
{
    bool found = false;
    for (uint8_t i = 0; i < sf->npend[d]; i++) {
        uint32_t q = sf->pend[d][i].seq;
        if (seq_after(q, exp) && (!found || seq_after(*seq, q))) {
            *seq = q;
            found = true;
        }
    }
    return found;
}

/* Feeds filler bytes [exp, exp+len) in direction d. The receiver may already
 * have ACKed past them, which libnids' window check refuses, so its
 * ack_seq is pulled back to exp for the injection and restored after. */
static void inject_filler(struct stream *s, struct stream_flow *sf, struct flow *f,
                          enum flow_dir d, uint32_t exp, uint32_t len)
{
    struct tcp_stream *a = sf->nids;
    struct half_stream *rcv = half_receiver(a, d);
    uint32_t saved_ack = rcv->ack_seq;
    u_short saved_win = rcv->window;
    rcv->ack_seq = exp;
    if (rcv->window == 0)
        rcv->window = 65535;
    sf->filler_left[d] += len;
    bool to_server = d == DIR_TOSERVER;
    inject_segment(s, to_server ? sf->nids_cli : sf->nids_srv,
                   to_server ? sf->nids_srv : sf->nids_cli, to_server ? f->cli_port : f->srv_port,
                   to_server ? f->srv_port : f->cli_port, exp, half_sender(a, d)->ack_seq,
                   TCP_ACK, len);
    if (sf->nids) {
        if (seq_after(saved_ack, rcv->ack_seq))
            rcv->ack_seq = saved_ack;
        if (rcv->window == 65535 && saved_win == 0)
            rcv->window = saved_win;
    }
    sf->filler_left[d] = 0; /* whatever libnids did not deliver is not coming */
}

/* Declares the hole at the head of direction d lost and fills it; returns false when none. */
static bool fill_one_hole(struct stream *s, struct stream_flow *sf, struct flow *f,
                          enum flow_dir d)
{
    if (!sf->nids)
        return false;
    uint32_t exp = expected_seq(sf->nids, d);
    pend_prune(sf, d, exp);
    uint32_t first = 0;
    if (!pend_first(sf, d, exp, &first))
        return false;
    uint32_t hole = first - exp;
    s->ctr[CTR_TCP_REASSEMBLY_GAP]++;
    f->sd[d].gap_count++;
    f->sd[d].gap_bytes += hole;
    s->sink.on_event(s->sink.user, f, SEV_REASSEMBLY_SEQ_GAP);
    while (hole > 0 && sf->nids) {
        uint32_t chunk = hole < FILLER_CHUNK ? hole : FILLER_CHUNK;
        inject_filler(s, sf, f, d, exp, chunk);
        exp += chunk;
        hole -= chunk;
    }
    if (sf->nids)
        pend_prune(sf, d, expected_seq(sf->nids, d));
    return true;
}

static void fill_holes(struct stream *s, struct stream_flow *sf, struct flow *f, enum flow_dir d)
{
    for (int i = 0; i < HOLES_PER_FLUSH && fill_one_hole(s, sf, f, d); i++)
        ;
}

/* Remembers a segment libnids had to queue behind a hole. */
static void track_pending(struct stream *s, struct stream_flow *sf, struct flow *f,
                          enum flow_dir d, const struct pkt *p)
{
    if (!sf->nids || p->payload_len == 0)
        return;
    uint32_t exp = expected_seq(sf->nids, d);
    pend_prune(sf, d, exp);
    if (!seq_after(p->seq, exp))
        return;
    if (sf->npend[d] >= PEND_MAX)
        fill_one_hole(s, sf, f, d);
    if (sf->npend[d] < PEND_MAX && sf->nids) {
        struct pend q = {p->seq, p->seq + (uint32_t)p->payload_len};
        sf->pend[d][sf->npend[d]++] = q;
    }
}

/* A hole is lost once its receiver ACKed past it, or enough data waits behind it. */
static void check_holes(struct stream *s, struct stream_flow *sf, struct flow *f)
{
    for (int d = 0; d < 2 && sf->nids; d++) {
        if (sf->npend[d] == 0)
            continue;
        uint32_t exp = expected_seq(sf->nids, d);
        bool acked_past = seq_after(half_receiver(sf->nids, d)->ack_seq, exp);
        if (acked_past || sf->npend[d] >= s->cfg.gap_segments)
            fill_holes(s, sf, f, d);
    }
}

/* ---- packets from the engine ------------------------------------------------ */

/* TCP checksum over the pseudo-header (RFC 793 §3.1, RFC 8200 §8.1). */
static bool tcp_checksum_ok(const struct pkt *p)
{
    uint32_t sum = 0;
    size_t alen = p->ip_version == 4 ? 4 : 16;
    for (size_t i = 0; i < alen; i += 2) {
        sum += (uint32_t)(p->src.a[i] << 8 | p->src.a[i + 1]);
        sum += (uint32_t)(p->dst.a[i] << 8 | p->dst.a[i + 1]);
    }
    sum += 6 + (uint32_t)p->l4_len;
    for (size_t i = 0; i + 1 < p->l4_len; i += 2)
        sum += (uint32_t)(p->l4[i] << 8 | p->l4[i + 1]);
    if (p->l4_len & 1)
        sum += (uint32_t)(p->l4[p->l4_len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

/* Feeds an IPv4 packet as captured; one whose header checksum is wrong goes
 * through a corrected copy, since libnids silently drops it otherwise. */
static void feed_captured_ipv4(struct stream *s, const struct pkt *p)
{
    if (!p->ipv4_csum_bad || p->ip_len > sizeof(s->scratch)) {
        feed_ipv4(s, (uint8_t *)p->ip, p->ip_len);
        return;
    }
    memcpy(s->scratch, p->ip, p->ip_len);
    s->scratch[10] = s->scratch[11] = 0;
    uint16_t sum = ip_checksum(s->scratch, p->ip_hlen);
    s->scratch[10] = (uint8_t)(sum >> 8);
    s->scratch[11] = (uint8_t)sum;
    feed_ipv4(s, s->scratch, p->ip_len);
}

/* Feeds the segment as IPv4: as captured, or rebuilt with stand-ins for IPv6. */
static void feed_segment(struct stream *s, struct stream_flow *sf, enum flow_dir dir,
                         const struct pkt *p)
{
    if (!sf->v6) {
        feed_captured_ipv4(s, p);
        return;
    }
    if (p->l4_len + 20 > sizeof(s->scratch))
        return;
    uint32_t src = dir == DIR_TOSERVER ? sf->nids_cli : sf->nids_srv;
    uint32_t dst = dir == DIR_TOSERVER ? sf->nids_srv : sf->nids_cli;
    put_ipv4_header(s->scratch, 20 + p->l4_len, 0, 0x4000, p->ttl, 6, src, dst);
    memcpy(s->scratch + 20, p->l4, p->l4_len);
    feed_ipv4(s, s->scratch, 20 + p->l4_len);
}

/* libnids accepts a RST anywhere in the window. A receiver accepts it only
 * at the exact next sequence number (RFC 5961 §3.2); one ahead of missing
 * data is reordered or injected, and would end reassembly before that data.
 * It is held back (counted); the flow still ends by its timeout. */
static bool rst_out_of_sequence(const struct stream_flow *sf, enum flow_dir dir,
                                const struct pkt *p)
{
    if (!(p->tcp_flags & TCP_RST) || !sf->nids || sf->nids->nids_state != NIDS_DATA)
        return false;
    return p->seq != expected_seq(sf->nids, dir);
}

void stream_tcp_packet(struct stream *s, struct flow *f, enum flow_dir dir, const struct pkt *p)
{
    if (s->cfg.checksum && (p->ipv4_csum_bad || !tcp_checksum_ok(p))) {
        s->ctr[CTR_TCP_INVALID_CHECKSUM]++;
        return;
    }
    if (p->tcp_flags & TCP_SYN)
        s->ctr[(p->tcp_flags & TCP_ACK) ? CTR_TCP_SYNACK : CTR_TCP_SYN]++;
    if (p->tcp_flags & TCP_RST)
        s->ctr[CTR_TCP_RST]++;
    struct stream_flow *sf = sflow_get(s, f);
    if (!sf)
        return;
    s->now = p->frame->ts;
    if (p->tcp_flags & TCP_SYN) {
        sf->syn_seen[dir] = true;
        sf->isn[dir] = p->seq;
    }
    complete_handshake(s, sf, f, p);
    if (needs_pickup(s, sf, f, p))
        pickup(s, sf, f, dir, p);
    if (rst_out_of_sequence(sf, dir, p)) {
        s->ctr[CTR_SEV_SUSPECTED_RST_INJECT]++;
        return;
    }
    s->cur_flow = f;
    feed_segment(s, sf, dir, p);
    s->cur_flow = NULL;
    if (!f->stream)
        return;
    /* The flow may have been re-oriented by libnids during the feed. */
    enum flow_dir d = ww_addr_eq(&p->src, &f->cli) && p->sport == f->cli_port ? DIR_TOSERVER
                                                                              : DIR_TOCLIENT;
    track_pending(s, sf, f, d, p);
    check_holes(s, sf, f);
}

void stream_fragment(struct stream *s, const struct pkt *p)
{
    s->now = p->frame->ts;
    s->ctr[p->ip_version == 4 ? CTR_DEFRAG_IPV4_FRAGMENTS : CTR_DEFRAG_IPV6_FRAGMENTS]++;
    s->frag = p;
    if (p->ip_version == 4) {
        feed_captured_ipv4(s, p);
    } else {
        /* An IPv6 fragment becomes an IPv4 fragment between stand-ins: libnids
         * defragments it, and on_ip maps the datagram back. */
        uint32_t src = v6map_get(s->v6, p->src.a), dst = v6map_get(s->v6, p->dst.a);
        size_t hdr_end = p->frag_hdr_off + 8;
        size_t body = p->ip_len > hdr_end ? p->ip_len - hdr_end : 0;
        if (src && dst && body + 20 <= sizeof(s->scratch) && p->frag_offset / 8 < 0x2000) {
            uint16_t frag = (uint16_t)((p->more_fragments ? 0x2000 : 0) | (p->frag_offset / 8));
            put_ipv4_header(s->scratch, 20 + body, (uint16_t)p->frag_id, frag, p->ttl,
                            p->frag_next_header, src, dst);
            memcpy(s->scratch + 20, p->ip + hdr_end, body);
            feed_ipv4(s, s->scratch, 20 + body);
        } else {
            s->ctr[CTR_DEV_IPV6_FRAG_IGNORED]++;
        }
        v6map_put(s->v6, src);
        v6map_put(s->v6, dst);
    }
    s->frag = NULL;
    s->cur_flow = NULL;
}

void stream_flow_end(struct stream *s, struct flow *f)
{
    struct stream_flow *sf = f->stream;
    if (!sf)
        return;
    /* Inside libnids (a flow evicted while a fragment is fed) we must not
     * feed it again: the queued data is dropped with the session. */
    if (sf->nids && sf->nids->nids_state == NIDS_DATA && !s->frag) {
        s->now = f->last;
        fill_holes(s, sf, f, DIR_TOSERVER);
        fill_holes(s, sf, f, DIR_TOCLIENT);
    }
    struct tcp_stream *a = sf->nids ? sf->nids : nids_lookup(sf, f);
    if (a)
        nids_free_tcp_stream(a);
    sflow_release(s, f);
}

/* ---- set-up ----------------------------------------------------------------- */

/* Sessions that fit the memcap: our state, libnids' stream and hash slot, and
 * the two 4 KiB receive buffers libnids allocates on first data. */
static int nids_table_size(uint64_t memcap)
{
    uint64_t per_session = sizeof(struct stream_flow) + sizeof(struct tcp_stream) + 16 + 8192;
    uint64_t sessions = memcap / per_session;
    uint64_t slots = sessions * 4 / 3 + 1; /* libnids follows 3/4 of its table */
    if (slots < 64)
        slots = 64;
    if (slots > (1u << 24))
        slots = 1u << 24;
    return (int)slots;
}

int stream_new(const struct stream_config *cfg, uint64_t *ctr, const struct stream_sink *sink,
               const struct wlog *log, struct stream **out)
{
    if (the_stream)
        return WW_E_BUSY;
    struct stream *s = calloc(1, sizeof(*s));
    if (!s)
        return WW_E_NOMEM;
    s->cfg = *cfg;
    if (s->cfg.gap_segments == 0 || s->cfg.gap_segments > PEND_MAX)
        s->cfg.gap_segments = PEND_MAX;
    s->ctr = ctr;
    s->sink = *sink;
    s->log = log;
    s->mem.limit = cfg->memcap;
    s->v6 = v6map_new(cfg->ipv6_hosts);
    s->dead = pcap_open_dead(DLT_RAW, 65535);
    if (!s->v6 || !s->dead) {
        stream_free(s);
        return WW_E_NOMEM;
    }
    nids_params.pcap_desc = s->dead;
    nids_params.filename = NULL;
    nids_params.device = NULL;
    nids_params.n_tcp_streams = nids_table_size(cfg->memcap);
    nids_params.n_hosts = (int)cfg->defrag_hosts;
    nids_params.scan_num_hosts = 0; /* its port-scan detector: not ours to run */
    nids_params.syslog = on_nids_warning;
    nids_params.no_mem = on_nids_no_mem;
    nids_params.queue_limit = (int)(cfg->queue_limit > 0x7fffffff ? 0x7fffffff : cfg->queue_limit);
    nids_params.tcp_workarounds = 0;
    nids_params.multiproc = 0;
    nids_params.one_loop_less = 0;
    if (!nids_init()) {
        LOG_ERR(log, "libnids: %s", nids_errbuf);
        stream_free(s);
        return WW_E_NIDS;
    }
    /* We verify checksums ourselves when asked; libnids must never drop
     * offloaded or rebuilt segments. */
    static struct nids_chksum_ctl no_checksums = {0, 0, NIDS_DONT_CHKSUM, 0};
    nids_register_chksum_ctl(&no_checksums, 1);
    nids_register_tcp(on_tcp);
    nids_register_ip(on_ip);
    the_stream = s;
    ctr[CTR_TCP_REASSEMBLY_MEMUSE] = 0;
    *out = s;
    return 0;
}

void stream_free(struct stream *s)
{
    if (!s)
        return;
    if (the_stream == s) {
        nids_unregister_tcp(on_tcp);
        nids_unregister_ip(on_ip);
        s->exiting = true;
        nids_exit();
        the_stream = NULL;
    }
    if (s->dead)
        pcap_close(s->dead);
    v6map_free(s->v6);
    free(s);
}

/* engine.c — the packet path behind walletwatch.h:
 *
 *   frame → decode → (fragment → libnids defrag →) flow → TCP reassembly
 *         → app layer → EVE
 *
 * Time is packet time: flows expire as the capture's clock advances, so an
 * offline run gives the same events however fast it runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../detect/detect-buffer.h"
#include "../util/hash.h"
#include "engine.h"

WW_EXPORT const char *ww_version(void)
{
    return WW_VERSION;
}

WW_EXPORT const char *ww_strerror(int err)
{
    switch (err) {
    case WW_OK:
        return "success";
#define WW_ERR_TEXT(name, text)                                                                    \
    case WW_E_##name:                                                                              \
        return text;
        WW_ERRNO_MAP(WW_ERR_TEXT)
#undef WW_ERR_TEXT
    default:
        return "unknown error";
    }
}

/* ---- anomalies ------------------------------------------------------------ */

/* At most anomaly.rate-limit events per name per second of capture time. */
bool engine_anomaly_allowed(ww_engine *eng, enum counter c)
{
    if (eng->anomaly_sec[c] != eng->now.tv_sec) {
        eng->anomaly_sec[c] = eng->now.tv_sec;
        eng->anomaly_count[c] = 0;
    }
    return eng->anomaly_count[c]++ < conf_num(eng->cfg, CONF_ANOMALY_RATE);
}

static void log_decode_events(ww_engine *eng, const struct pkt *p, const struct flow *f)
{
    for (uint8_t i = 0; i < p->event_count; i++) {
        enum decode_event ev = p->events[i];
        if (engine_anomaly_allowed(eng, CTR_OF_DECODE_EVENT(ev)))
            eve_log_anomaly(&eng->eve, p, f, "decode", decode_event_name(ev));
    }
}

/* ---- callbacks from the stream glue and the flow table ----------------------- */

static void on_stream_data(void *user, struct flow *f, enum flow_dir dir, const uint8_t *data,
                           size_t len, bool gap)
{
    ww_engine *eng = user;
    if (eng->stream_cb)
        eng->stream_cb(f->flow_id, dir == DIR_TOCLIENT, data, len, gap, eng->user);
    engine_detect_stream(eng, f, dir, data, len, gap);
    engine_app_data(eng, f, dir, data, len, gap);
}

static void on_stream_event(void *user, struct flow *f, enum stream_event ev)
{
    ww_engine *eng = user;
    enum counter c = CTR_OF_STREAM_EVENT(ev);
    eng->ctr[c]++;
    if (engine_anomaly_allowed(eng, c))
        eve_log_anomaly(&eng->eve, NULL, f, "stream", stream_event_name(ev));
}

static struct flow *on_datagram(void *user, struct pkt *p)
{
    ww_engine *eng = user;
    enum flow_dir dir;
    struct flow *f = flow_lookup(eng->flows, p, &dir);
    if (f)
        flow_update(eng->flows, f, dir, p);
    return f;
}

static void on_flow_end(struct flow *f, void *user)
{
    ww_engine *eng = user;
    stream_flow_end(eng->stream, f);
    engine_app_flow_end(eng, f);
    detect_flow_free(f);
    eve_log_flow(&eng->eve, f);
}

/* ---- set-up ------------------------------------------------------------------ */

static int engine_init_parts(ww_engine *eng)
{
    const ww_config *c = eng->cfg;
    uint64_t nworkers = conf_num(c, CONF_WORKERS_COUNT);
    if (nworkers > 1 && conf_num(c, CONF_WORKERS_ID) >= nworkers)
        return WW_E_CONFIG;
    struct flow_config fc = {
        .memcap = conf_num(c, CONF_FLOW_MEMCAP),
        .timeout_new = (uint32_t)conf_num(c, CONF_FLOW_TIMEOUT_NEW),
        .timeout_established = (uint32_t)conf_num(c, CONF_FLOW_TIMEOUT_ESTABLISHED),
        .timeout_closed = (uint32_t)conf_num(c, CONF_FLOW_TIMEOUT_CLOSED),
        .timeout_udp = (uint32_t)conf_num(c, CONF_FLOW_TIMEOUT_UDP),
        .community_id_seed = (uint16_t)conf_num(c, CONF_COMMUNITY_ID_SEED),
        /* Workers number flows 1, 2, ... each: the id in the top bits keeps
         * their flow_ids apart in the merged output (worker 0 = a single run). */
        .id_base = conf_num(c, CONF_WORKERS_ID) << 48,
    };
    eng->flows = flow_table_new(&fc, eng->ctr, on_flow_end, eng);
    if (!eng->flows)
        return WW_E_NOMEM;
    struct stream_config sc = {
        .memcap = conf_num(c, CONF_STREAM_MEMCAP),
        .depth = conf_num(c, CONF_STREAM_DEPTH),
        .queue_limit = conf_num(c, CONF_STREAM_QUEUE_LIMIT),
        .gap_segments = (uint32_t)conf_num(c, CONF_STREAM_GAP_SEGMENTS),
        .ipv6_hosts = (uint32_t)conf_num(c, CONF_STREAM_IPV6_HOSTS),
        .defrag_hosts = (uint32_t)conf_num(c, CONF_DEFRAG_HOSTS),
        .midstream = conf_num(c, CONF_STREAM_MIDSTREAM) != 0,
        .checksum = conf_num(c, CONF_STREAM_CHECKSUM) != 0,
    };
    struct stream_sink sink = {on_stream_data, on_stream_event, on_datagram, eng};
    return stream_new(&sc, eng->ctr, &sink, &eng->log, &eng->stream);
}

WW_EXPORT int ww_engine_new(ww_engine **out, const ww_config *cfg, ww_event_cb on_event,
                            ww_log_cb on_log, void *user)
{
    if (!out || !on_event)
        return WW_E_INVAL;
    ww_engine *eng = calloc(1, sizeof(*eng));
    if (!eng)
        return WW_E_NOMEM;
    eng->cfg = cfg ? conf_dup(cfg) : ww_config_new();
    eng->log.cb = on_log;
    eng->log.user = user;
    eng->eve.cb = on_event;
    eng->eve.user = user;
    eng->user = user;
    eng->app.eng = eng;
    eng->wall_start = time(NULL);
    app_register_all();
    eng->detector_buffer = detect_buffer_id("detector.event");
    int rc = eng->cfg ? engine_init_parts(eng) : WW_E_NOMEM;
    if (rc != 0) {
        ww_engine_free(eng);
        return rc;
    }
    *out = eng;
    return 0;
}

WW_EXPORT void ww_engine_set_stream_cb(ww_engine *eng, ww_stream_cb cb)
{
    eng->stream_cb = cb;
}

WW_EXPORT void ww_engine_free(ww_engine *eng)
{
    if (!eng)
        return;
    /* Sessions go first: libnids' exit walks them, and they point at flows. */
    stream_free(eng->stream);
    flow_table_free(eng->flows);
    engine_detect_free(eng);
    engine_learn_free(eng);
    ww_config_free(eng->cfg);
    free(eng);
}

/* ---- the packet path ------------------------------------------------------------ */

static void advance_clock(ww_engine *eng, const struct timeval *ts)
{
    if (timercmp(ts, &eng->now, >))
        eng->now = *ts;
    if (eng->now.tv_sec != eng->expired_at) {
        eng->expired_at = eng->now.tv_sec;
        flow_expire(eng->flows, &eng->now);
    }
}

static void count_frame(ww_engine *eng, const struct ww_packet *frame)
{
    eng->ctr[CTR_DECODER_PKTS]++;
    eng->ctr[CTR_DECODER_BYTES] += frame->len;
    if (frame->len > eng->ctr[CTR_DECODER_MAX_PKT_SIZE])
        eng->ctr[CTR_DECODER_MAX_PKT_SIZE] = frame->len;
}

/* --workers: a frame belongs to the worker its innermost address pair hashes
 * to. The hash is symmetric and ignores ports, so both directions and every
 * IP fragment of a flow meet in one worker; frames without addresses go to
 * worker 0. Offline the sensor's reader process asks ww_engine_owner for
 * every frame and feeds it to that worker alone. An engine configured with
 * workers.count > 1 (for hosts that give every frame to every engine) drops
 * the frames of other workers itself: decoded (to find the addresses) into
 * scratch counters and dropped uncounted, so the stats add up to one run's. */
static uint64_t addr_hash(const struct ww_addr *a)
{
    uint64_t hi, lo;
    memcpy(&hi, a->a, sizeof(hi));
    memcpy(&lo, a->a + sizeof(hi), sizeof(lo));
    return mix64(hi ^ mix64(lo ^ a->family));
}

static uint64_t owner_of(const struct pkt *p, enum decode_result r, uint64_t n)
{
    uint64_t h = r == DECODE_OK ? mix64(addr_hash(&p->src) + addr_hash(&p->dst)) : 0;
    return h % n;
}

WW_EXPORT unsigned ww_engine_owner(const struct ww_packet *frame, unsigned n)
{
    /* The decoder's counts are not wanted here: a sink nobody reads, rather
     * than a kilobyte cleared for every frame. */
    static _Thread_local uint64_t unread[CTR_COUNT];
    if (!frame || n <= 1)
        return 0;
    struct pkt p;
    return (unsigned)owner_of(&p, decode_packet(frame, &p, unread), n);
}

static bool decode_mine(ww_engine *eng, const struct ww_packet *frame, struct pkt *p,
                        enum decode_result *r)
{
    uint64_t scratch[CTR_COUNT] = {0};
    *r = decode_packet(frame, p, scratch);
    if (owner_of(p, *r, conf_num(eng->cfg, CONF_WORKERS_COUNT)) !=
        conf_num(eng->cfg, CONF_WORKERS_ID))
        return false;
    for (size_t i = 0; i < CTR_COUNT; i++)
        eng->ctr[i] += scratch[i];
    return true;
}

/* Decode, then the fragment path or the flow path. */
static void engine_process(ww_engine *eng, const struct ww_packet *frame)
{
    struct pkt p;
    enum decode_result r;
    if (conf_num(eng->cfg, CONF_WORKERS_COUNT) <= 1)
        r = decode_packet(frame, &p, eng->ctr);
    else if (!decode_mine(eng, frame, &p, &r))
        return;
    count_frame(eng, frame);
    if (r != DECODE_OK) {
        log_decode_events(eng, &p, NULL);
        return;
    }
    if (p.is_fragment) {
        log_decode_events(eng, &p, NULL);
        stream_fragment(eng->stream, &p);
        return;
    }
    enum flow_dir dir;
    struct flow *f = flow_lookup(eng->flows, &p, &dir);
    log_decode_events(eng, &p, f);
    if (!f)
        return;
    bool fresh = f->pkts[0] + f->pkts[1] == 0;
    flow_update(eng->flows, f, dir, &p);
    if (fresh)
        engine_detectors_flow_start(eng, f);
    engine_detect_packet(eng, f, dir, &p);
    if (p.proto == 6 && p.has_l4)
        stream_tcp_packet(eng->stream, f, dir, &p);
    else if (p.proto == 17 && p.has_l4 && p.payload_len > 0)
        engine_app_data(eng, f, dir, p.payload, p.payload_len, false);
    return;
}

WW_EXPORT int ww_engine_feed(ww_engine *eng, const struct ww_packet *frame)
{
    if (!eng || !frame || !frame->data)
        return WW_E_INVAL;
    /* Every worker follows the capture's clock, so flows time out as in one run. */
    eng->order.seq = frame->pcap_cnt;
    advance_clock(eng, &frame->ts);
    eng->frame = frame;
    engine_process(eng, frame);
    eng->frame = NULL;
    return 0;
}

WW_EXPORT int ww_engine_tick(ww_engine *eng, const struct timeval *now)
{
    if (!eng || !now)
        return WW_E_INVAL;
    advance_clock(eng, now);
    return 0;
}

WW_EXPORT int ww_engine_flush(ww_engine *eng)
{
    if (!eng)
        return WW_E_INVAL;
    flow_end_all(eng->flows);
    return engine_learn_write(eng);
}

WW_EXPORT int ww_engine_emit_stats(ww_engine *eng, const struct ww_capture_stats *cap)
{
    if (!eng)
        return WW_E_INVAL;
    if (cap) {
        eng->ctr[CTR_CAPTURE_KERNEL_PACKETS] = cap->kernel_packets;
        eng->ctr[CTR_CAPTURE_KERNEL_DROPS] = cap->kernel_drops;
        eng->ctr[CTR_CAPTURE_KERNEL_IFDROPS] = cap->kernel_ifdrops;
        eng->ctr[CTR_CAPTURE_ERRORS] = cap->errors;
    }
    struct timeval ts = eng->now;
    if (ts.tv_sec == 0)
        gettimeofday(&ts, NULL);
    time_t uptime = time(NULL) - eng->wall_start;
    eve_log_stats(&eng->eve, &ts, uptime > 0 ? (uint64_t)uptime : 0, eng->ctr);
    return 0;
}

WW_EXPORT uint64_t ww_engine_counter(const ww_engine *eng, const char *name)
{
    enum counter c = counter_by_name(name);
    return eng && c < CTR_COUNT ? eng->ctr[c] : 0;
}

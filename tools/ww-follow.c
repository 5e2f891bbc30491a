/* ww-follow — prints the TCP payload walletwatch reassembles, for comparison
 * with `tshark -z follow,tcp,raw` (tools/follow-compare.py).
 *
 *   ww-follow [-e EVENTS] FILE.pcap [FILE ...]
 *
 * One JSON line per stream callback chunk on stdout:
 *   {"flow_id":N,"dir":"to_server","offset":N,"len":N,"gap":false,"hex":"..."}
 * offset counts the bytes of that flow and direction delivered before the
 * chunk, gaps included; a gap has no "hex". Events are discarded unless -e
 * names a file to append them to. Built only on the public API. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../plugin/include/walletwatch.h"

/* Bytes delivered so far per (flow_id, direction): open addressing. */
struct slot {
    uint64_t flow_id;
    uint64_t offset;
    uint8_t used;
    uint8_t dir;
};

struct follow {
    struct slot *slots;
    size_t nslots; /* power of two */
    size_t count;
    FILE *events;
    char *line;
    size_t linecap;
    bool failed; /* out of memory or stdout error */
};

static size_t slot_hash(uint64_t id, int dir, size_t mask)
{
    uint64_t h = (id ^ (uint64_t)dir) * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 32) & mask;
}

static struct slot *slot_find(struct slot *slots, size_t n, uint64_t id, int dir)
{
    size_t mask = n - 1;
    for (size_t i = slot_hash(id, dir, mask);; i = (i + 1) & mask) {
        struct slot *s = &slots[i];
        if (!s->used || (s->flow_id == id && s->dir == dir))
            return s;
    }
}

static bool grow(struct follow *f)
{
    size_t n = f->nslots ? f->nslots * 2 : 1024;
    struct slot *slots = calloc(n, sizeof(*slots));
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < f->nslots; i++) {
        if (f->slots[i].used)
            *slot_find(slots, n, f->slots[i].flow_id, f->slots[i].dir) = f->slots[i];
    }
    free(f->slots);
    f->slots = slots;
    f->nslots = n;
    return true;
}

static uint64_t *offset_of(struct follow *f, uint64_t id, int dir)
{
    if ((f->count + 1) * 2 > f->nslots && !grow(f))
        return NULL;
    struct slot *s = slot_find(f->slots, f->nslots, id, dir);
    if (!s->used) {
        s->used = 1;
        s->flow_id = id;
        s->dir = (uint8_t)dir;
        s->offset = 0;
        f->count++;
    }
    return &s->offset;
}

static void on_stream(uint64_t flow_id, int to_client, const uint8_t *data, size_t len, int gap,
                      void *user)
{
    static const char hexdig[] = "0123456789abcdef";
    struct follow *f = user;
    int dir = to_client ? 1 : 0;
    uint64_t *off = offset_of(f, flow_id, dir);
    size_t need = 160 + (gap || data == NULL ? 0 : 2 * len);
    if (need > f->linecap) {
        char *l = realloc(f->line, need);
        if (l == NULL)
            off = NULL;
        else {
            f->line = l;
            f->linecap = need;
        }
    }
    if (off == NULL) {
        f->failed = true;
        return;
    }
    int n = snprintf(f->line, f->linecap,
                     "{\"flow_id\":%llu,\"dir\":\"%s\",\"offset\":%llu,\"len\":%zu,\"gap\":%s",
                     (unsigned long long)flow_id, dir ? "to_client" : "to_server",
                     (unsigned long long)*off, len, gap ? "true" : "false");
    size_t at = (size_t)n;
    if (!gap && data != NULL) {
        memcpy(f->line + at, ",\"hex\":\"", 8);
        at += 8;
        for (size_t i = 0; i < len; i++) {
            f->line[at++] = hexdig[data[i] >> 4];
            f->line[at++] = hexdig[data[i] & 15];
        }
        f->line[at++] = '"';
    }
    f->line[at++] = '}';
    f->line[at++] = '\n';
    if (fwrite(f->line, 1, at, stdout) != at)
        f->failed = true;
    *off += len;
}

static void on_event(const char *line, size_t len, void *user)
{
    struct follow *f = user;
    if (f->events != NULL) {
        fwrite(line, 1, len, f->events);
        fputc('\n', f->events);
    }
}

static void on_log(enum ww_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level <= WW_LOG_WARN)
        fprintf(stderr, "ww-follow: %s\n", msg);
}

static int usage(void)
{
    fprintf(stderr, "usage: ww-follow [-e EVENTS.json] [-s KEY=VALUE ...] FILE.pcap [FILE ...]\n");
    return 2;
}

/* Returns 0, or 1 when the capture could not be read through. */
static int follow_capture(ww_engine *eng, ww_capture *cap)
{
    struct ww_packet pkt;
    char err[1024];
    int rc;
    while ((rc = ww_capture_next(cap, &pkt, err, sizeof(err))) >= 0) {
        if (rc == 1)
            ww_engine_feed(eng, &pkt);
    }
    ww_engine_flush(eng);
    if (rc != WW_E_EOF) {
        fprintf(stderr, "ww-follow: %s\n", err);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct follow f;
    memset(&f, 0, sizeof(f));
    const char *events = NULL;
    const char *sets[32];
    int nsets = 0;
    int c;
    while ((c = getopt(argc, argv, "e:s:h")) != -1) {
        if (c == 'e')
            events = optarg;
        else if (c == 's' && nsets < 32)
            sets[nsets++] = optarg;
        else
            return usage();
    }
    if (optind >= argc)
        return usage();
    if (events != NULL && (f.events = fopen(events, "a")) == NULL) {
        perror(events);
        return 1;
    }
    int status = 1;
    char err[1024];
    ww_capture *cap = NULL;
    ww_engine *eng = NULL;
    ww_config *cfg = ww_config_new();
    const char *const *paths = (const char *const *)(argv + optind);
    if (cfg == NULL)
        goto out;
    for (int i = 0; i < nsets; i++) {
        char key[256];
        const char *eq = strchr(sets[i], '=');
        size_t klen = eq ? (size_t)(eq - sets[i]) : 0;
        if (!eq || klen >= sizeof(key)) {
            fprintf(stderr, "ww-follow: -s wants KEY=VALUE, got '%s'\n", sets[i]);
            goto out;
        }
        memcpy(key, sets[i], klen);
        key[klen] = 0;
        if (ww_config_set(cfg, key, eq + 1, err, sizeof(err)) != 0) {
            fprintf(stderr, "ww-follow: %s\n", err);
            goto out;
        }
    }
    if (ww_capture_open_offline(&cap, paths, (size_t)(argc - optind), err, sizeof(err)) != 0) {
        fprintf(stderr, "ww-follow: %s\n", err);
        goto out;
    }
    int rc = ww_engine_new(&eng, cfg, on_event, on_log, &f);
    if (rc != 0) {
        fprintf(stderr, "ww-follow: cannot start the engine: %s\n", ww_strerror(rc));
        goto out;
    }
    ww_engine_set_stream_cb(eng, on_stream);
    status = follow_capture(eng, cap);
    if (fflush(stdout) != 0 || f.failed) {
        fprintf(stderr, "ww-follow: output incomplete (out of memory or write error)\n");
        status = 1;
    }
out:
    if (eng != NULL)
        ww_engine_free(eng);
    if (cap != NULL)
        ww_capture_close(cap);
    if (cfg != NULL)
        ww_config_free(cfg);
    if (f.events != NULL)
        fclose(f.events);
    free(f.slots);
    free(f.line);
    return status;
}

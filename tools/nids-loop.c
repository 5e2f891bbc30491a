/* nids-loop — the reassembly baseline of tools/bench.sh: libnids alone, fed
 * the way walletwatch feeds it (a libpcap read loop, the link layer stripped
 * by our decoder, nids_pcap_handler on a DLT_RAW handle), following every
 * TCP session and touching every reassembled byte; no flow table, no
 * parsers, no rules, no events. Prints sessions and bytes. */
#include <nids.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/decode.h"

static uint64_t g_sessions, g_bytes, g_sum;

static void on_tcp(struct tcp_stream *a, void **param)
{
    (void)param;
    if (a->nids_state == NIDS_JUST_EST) {
        a->client.collect++;
        a->server.collect++;
        g_sessions++;
        return;
    }
    if (a->nids_state != NIDS_DATA)
        return;
    struct half_stream *h = a->server.count_new ? &a->server : &a->client;
    const uint8_t *d = (const uint8_t *)h->data;
    for (int i = 0; i < h->count_new; i += 64)
        g_sum += d[i];
    g_bytes += (uint64_t)h->count_new;
}

static void quiet(int type, int err, struct ip *iph, void *data)
{
    (void)type, (void)err, (void)iph, (void)data;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nids-loop FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(argv[1], err);
    if (!in) {
        fprintf(stderr, "nids-loop: %s\n", err);
        return 1;
    }
    nids_params.pcap_desc = pcap_open_dead(DLT_RAW, 65535);
    nids_params.n_tcp_streams = 16384;
    nids_params.scan_num_hosts = 0;
    nids_params.syslog = quiet;
    static struct nids_chksum_ctl off = {0, 0, NIDS_DONT_CHKSUM, 0};
    if (!nids_init()) {
        fprintf(stderr, "nids-loop: %s\n", nids_errbuf);
        return 1;
    }
    nids_register_chksum_ctl(&off, 1);
    nids_register_tcp(on_tcp);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t ctr[CTR_COUNT];
    while (pcap_next_ex(in, &h, &data) == 1) {
        struct ww_packet frame = {h->ts, h->caplen, h->len, pcap_datalink(in), data, 0, NULL};
        struct pkt p;
        if (decode_packet(&frame, &p, ctr) != DECODE_OK || p.ip_version != 4)
            continue;
        struct pcap_pkthdr ih = {h->ts, (bpf_u_int32)p.ip_len, (bpf_u_int32)p.ip_len};
        nids_pcap_handler(NULL, &ih, (u_char *)p.ip);
    }
    nids_exit();
    pcap_close(in);
    printf("%llu sessions %llu bytes (%llu)\n", (unsigned long long)g_sessions,
           (unsigned long long)g_bytes, (unsigned long long)(g_sum & 1));
    return 0;
}

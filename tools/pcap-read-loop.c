/* pcap-read-loop — the baseline of tools/bench.sh: a bare libpcap read loop
 * that touches every packet and nothing else. Prints packets and bytes. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap-read-loop FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap-read-loop: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t pkts = 0, bytes = 0, sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        pkts++;
        bytes += h->len;
        sum += data[h->caplen ? h->caplen - 1 : 0]; /* touch the data, as a decoder would */
    }
    pcap_close(p);
    printf("%llu packets %llu bytes (%llu)\n", (unsigned long long)pkts, (unsigned long long)bytes,
           (unsigned long long)(sum & 1));
    return rc == PCAP_ERROR ? 1 : 0;
}

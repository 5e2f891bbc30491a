/* ww-owner — which worker of --workers N each frame of a capture goes to
 * (ww_engine_owner, as the reader process asks it), for tests that must know
 * two flows landed on different workers (tests/run-workers.py --split).
 *
 *   ww-owner N FILE.pcap [FILE ...]
 *
 * One line per frame on stdout: "PCAP_CNT OWNER". Built only on the public API. */
#include <stdio.h>
#include <stdlib.h>

#include "../plugin/include/walletwatch.h"

int main(int argc, char **argv)
{
    char *end;
    unsigned long n = argc >= 3 ? strtoul(argv[1], &end, 10) : 0;
    if (argc < 3 || *end != '\0' || n < 1 || n > 1024) {
        fprintf(stderr, "usage: ww-owner N FILE.pcap [FILE ...]  (N from 1 to 1024)\n");
        return 2;
    }
    char err[1024];
    ww_capture *cap;
    if (ww_capture_open_offline(&cap, (const char *const *)argv + 2, (size_t)argc - 2, err,
                                sizeof(err)) != 0) {
        fprintf(stderr, "ww-owner: %s\n", err);
        return 1;
    }
    struct ww_packet pkt;
    int rc;
    while ((rc = ww_capture_next(cap, &pkt, err, sizeof(err))) == 1)
        printf("%llu %u\n", (unsigned long long)pkt.pcap_cnt, ww_engine_owner(&pkt, (unsigned)n));
    ww_capture_close(cap);
    if (rc != WW_E_EOF) {
        fprintf(stderr, "ww-owner: %s\n", err);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

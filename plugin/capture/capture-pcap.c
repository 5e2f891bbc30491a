/* capture-pcap.c — frames from libpcap: offline files and directories read as
 * one capture, or a live interface.
 *
 * Offline, every record of every file gets the next pcap_cnt (1-based, across
 * files), so pcap_cnt is the frame number Wireshark shows for a single file
 * and a read error can name the record that failed. For that reason the BPF
 * filter is applied here with pcap_offline_filter() rather than
 * pcap_setfilter(): records the filter rejects are still counted. Each file
 * keeps its own link type, and the filter is compiled again for each file. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

#include "../include/walletwatch.h"

#define CAP_SNAPLEN 65535
#define CAP_BUFFER_SIZE (64 << 20)
#define CAP_TIMEOUT_MS 100

struct ww_capture {
    pcap_t *p;                    /* current file, or the live handle */
    bool live;
    int fd;                       /* live: pcap_get_selectable_fd */
    char *iface;                  /* live only */
    char **files;                 /* offline: every file, in read order */
    int *linktypes;               /* offline: each file's link type, seen at open */
    size_t nfiles;
    size_t cur;                   /* index of the open file */
    uint64_t cnt;                 /* records read so far, all files */
    char *filter;                 /* BPF text, NULL for none */
    struct bpf_program prog;      /* filter compiled for the open offline file */
    bool have_prog;
    int read_err;                 /* sticky: 0, or the code returned once already */
    char *read_msg;
    volatile sig_atomic_t brk;    /* ww_capture_break was called */
    char *iobuf;                  /* offline: the open file's stdio buffer */
    struct pcap_stat last;        /* live: last raw pcap_stats, to widen 32-bit counters */
    struct ww_capture_stats acc;
};

/* Reads go through a 1 MiB stdio buffer of ours: with libpcap's default,
 * reading took one read() per 6 KiB (161k calls per GiB instead of 1k).
 * libpcap has read the file header by now; glibc's setvbuf syncs the stream
 * to its logical position first, so no byte is lost. */
#define CAPTURE_READ_BUFFER (1 << 20)

static void use_read_buffer(ww_capture *cap)
{
    if (!cap->iobuf)
        cap->iobuf = malloc(CAPTURE_READ_BUFFER);
    if (cap->iobuf && pcap_file(cap->p))
        setvbuf(pcap_file(cap->p), cap->iobuf, _IOFBF, CAPTURE_READ_BUFFER);
}

static void cap_free(ww_capture *cap)
{
    if (cap == NULL)
        return;
    if (cap->have_prog)
        pcap_freecode(&cap->prog);
    if (cap->p != NULL)
        pcap_close(cap->p);
    free(cap->iobuf); /* after the stream that used it is closed */
    for (size_t i = 0; i < cap->nfiles; i++)
        free(cap->files[i]);
    free(cap->files);
    free(cap->linktypes);
    free(cap->iface);
    free(cap->filter);
    free(cap->read_msg);
    free(cap);
}

static int add_file(ww_capture *cap, size_t *alloc, const char *path)
{
    if (cap->nfiles == *alloc) {
        size_t n = *alloc ? *alloc * 2 : 16;
        char **f = realloc(cap->files, n * sizeof(*f));
        if (f == NULL)
            return WW_E_NOMEM;
        cap->files = f;
        *alloc = n;
    }
    cap->files[cap->nfiles] = strdup(path);
    if (cap->files[cap->nfiles] == NULL)
        return WW_E_NOMEM;
    cap->nfiles++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the regular files of dir (no dotfiles), sorted by name with strcmp. */
static int add_dir(ww_capture *cap, size_t *alloc, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return WW_E_OPEN;
    }
    size_t first = cap->nfiles;
    int rc = 0;
    struct dirent *de;
    char path[PATH_MAX];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        int n = snprintf(path, sizeof(path), "%s%s%s", dir,
                         dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            snprintf(err, errlen, "%s/%s: %s", dir, de->d_name, strerror(ENAMETOOLONG));
            rc = WW_E_OPEN;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if ((rc = add_file(cap, alloc, path)) != 0) {
            snprintf(err, errlen, "%s", ww_strerror(rc));
            break;
        }
    }
    closedir(d);
    if (rc == 0 && cap->nfiles == first) {
        snprintf(err, errlen, "%s: no capture files in directory", dir);
        rc = WW_E_OPEN;
    }
    if (rc == 0)
        qsort(cap->files + first, cap->nfiles - first, sizeof(*cap->files), cmp_str);
    return rc;
}

static pcap_t *open_file(const char *path, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline(path, ebuf);
    if (p == NULL) {
        /* libpcap already says "PATH: No such file or directory" for fopen errors. */
        size_t plen = strlen(path);
        if (strncmp(ebuf, path, plen) == 0 && ebuf[plen] == ':')
            snprintf(err, errlen, "%s", ebuf);
        else
            snprintf(err, errlen, "%s: %s", path, ebuf);
    }
    return p;
}

/* Opens each file once so that a missing or unreadable one fails here, before
 * any packet is processed, and records its link type for the filter check. */
static int check_files(ww_capture *cap, char *err, size_t errlen)
{
    cap->linktypes = calloc(cap->nfiles, sizeof(*cap->linktypes));
    if (cap->linktypes == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(WW_E_NOMEM));
        return WW_E_NOMEM;
    }
    for (size_t i = 0; i < cap->nfiles; i++) {
        pcap_t *p = open_file(cap->files[i], err, errlen);
        if (p == NULL)
            return WW_E_OPEN;
        cap->linktypes[i] = pcap_datalink(p);
        if (i == 0) {
            cap->p = p; /* the first file stays open for reading */
            use_read_buffer(cap);
        } else {
            pcap_close(p);
        }
    }
    return 0;
}

WW_EXPORT int ww_capture_open_offline(ww_capture **out, const char *const *paths, size_t npaths,
                                      char *err, size_t errlen)
{
    if (out == NULL || paths == NULL || npaths == 0) {
        snprintf(err, errlen, "no capture file given");
        return WW_E_INVAL;
    }
    *out = NULL;
    ww_capture *cap = calloc(1, sizeof(*cap));
    if (cap == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(WW_E_NOMEM));
        return WW_E_NOMEM;
    }
    size_t alloc = 0;
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            rc = WW_E_OPEN;
        } else if (S_ISDIR(st.st_mode)) {
            rc = add_dir(cap, &alloc, paths[i], err, errlen);
        } else if ((rc = add_file(cap, &alloc, paths[i])) != 0) {
            snprintf(err, errlen, "%s", ww_strerror(rc));
        }
    }
    if (rc == 0)
        rc = check_files(cap, err, errlen);
    if (rc != 0) {
        cap_free(cap);
        return rc;
    }
    *out = cap;
    return 0;
}

/* pcap_activate's message: the status text, plus pcap's detail when it has one. */
static void activate_msg(pcap_t *p, const char *iface, int status, char *err, size_t errlen)
{
    const char *detail = pcap_geterr(p);
    const char *text = pcap_statustostr(status);
    if (detail != NULL && detail[0] != '\0' && strcmp(detail, text) != 0)
        snprintf(err, errlen, "%s: %s (%s)", iface, text, detail);
    else
        snprintf(err, errlen, "%s: %s", iface, text);
}

/* Not immediate mode: with it libpcap uses TPACKET_V2, whose ring slots are
 * snaplen-sized, so the 64 MiB buffer held ~1,000 packets and drops began at
 * 200 Mbit/s; TPACKET_V3 blocks with the 100 ms timeout (our own poll()
 * wakes the host in between) held 2 Gbit/s without a drop (tests/run-live-load.sh). */
static int live_setup(pcap_t *p, const char *iface, char *err, size_t errlen)
{
    if (pcap_set_snaplen(p, CAP_SNAPLEN) != 0 || pcap_set_promisc(p, 1) != 0 ||
        pcap_set_buffer_size(p, CAP_BUFFER_SIZE) != 0 || pcap_set_immediate_mode(p, 0) != 0 ||
        pcap_set_timeout(p, CAP_TIMEOUT_MS) != 0) {
        snprintf(err, errlen, "%s: cannot set capture options: %s", iface, pcap_geterr(p));
        return WW_E_OPEN;
    }
    return 0;
}

/* Activates the handle and makes it non-blocking; a pcap_activate warning
 * is left in err for the host. */
static int live_activate(ww_capture *cap, char *err, size_t errlen)
{
    int status = pcap_activate(cap->p);
    if (status < 0) {
        activate_msg(cap->p, cap->iface, status, err, errlen);
        return WW_E_OPEN;
    }
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    cap->fd = pcap_get_selectable_fd(cap->p);
    if (cap->fd < 0 || pcap_setnonblock(cap->p, 1, ebuf) != 0) {
        snprintf(err, errlen, "%s: cannot wait for packets: %s", cap->iface,
                 ebuf[0] != '\0' ? ebuf : "no selectable descriptor");
        return WW_E_OPEN;
    }
    if (status > 0)
        activate_msg(cap->p, cap->iface, status, err, errlen);
    return 0;
}

/* On success err holds a pcap_activate warning (e.g. no promiscuous mode on
 * "any") for the host to show, or the empty string. */
WW_EXPORT int ww_capture_open_live(ww_capture **out, const char *iface, char *err, size_t errlen)
{
    if (out == NULL || iface == NULL || iface[0] == '\0') {
        snprintf(err, errlen, "no interface given");
        return WW_E_INVAL;
    }
    *out = NULL;
    if (errlen > 0)
        err[0] = '\0';
    ww_capture *cap = calloc(1, sizeof(*cap));
    if (cap == NULL || (cap->iface = strdup(iface)) == NULL) {
        free(cap);
        snprintf(err, errlen, "%s", ww_strerror(WW_E_NOMEM));
        return WW_E_NOMEM;
    }
    cap->live = true;
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    cap->p = pcap_create(iface, ebuf);
    if (cap->p == NULL) {
        snprintf(err, errlen, "%s: %s", iface, ebuf);
        cap_free(cap);
        return WW_E_OPEN;
    }
    int rc = live_setup(cap->p, iface, err, errlen);
    if (rc != 0) {
        cap_free(cap);
        return rc;
    }
    if ((rc = live_activate(cap, err, errlen)) != 0) {
        cap_free(cap);
        return rc;
    }
    *out = cap;
    return 0;
}

static int compile_for(pcap_t *p, struct bpf_program *prog, const char *bpf, bpf_u_int32 mask,
                       char *err, size_t errlen)
{
    if (pcap_compile(p, prog, bpf, 1, mask) != 0) {
        snprintf(err, errlen, "%s", pcap_geterr(p));
        return WW_E_FILTER;
    }
    return 0;
}

/* Compiles bpf once per distinct link type so that a bad expression fails now. */
static int check_filter_offline(ww_capture *cap, const char *bpf, char *err, size_t errlen)
{
    for (size_t i = 0; i < cap->nfiles; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = cap->linktypes[j] == cap->linktypes[i];
        if (seen)
            continue;
        pcap_t *dead = pcap_open_dead(cap->linktypes[i], CAP_SNAPLEN);
        if (dead == NULL) {
            snprintf(err, errlen, "%s", ww_strerror(WW_E_NOMEM));
            return WW_E_NOMEM;
        }
        struct bpf_program prog;
        int rc = compile_for(dead, &prog, bpf, PCAP_NETMASK_UNKNOWN, err, errlen);
        if (rc == 0)
            pcap_freecode(&prog);
        pcap_close(dead);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Compiles the filter for the open offline file. */
static int load_filter(ww_capture *cap, char *err, size_t errlen)
{
    if (cap->have_prog) {
        pcap_freecode(&cap->prog);
        cap->have_prog = false;
    }
    if (cap->filter == NULL || cap->p == NULL)
        return 0;
    int rc = compile_for(cap->p, &cap->prog, cap->filter, PCAP_NETMASK_UNKNOWN, err, errlen);
    cap->have_prog = rc == 0;
    return rc;
}

static int set_filter_live(ww_capture *cap, const char *bpf, char *err, size_t errlen)
{
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    char ebuf[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(cap->iface, &net, &mask, ebuf) != 0)
        mask = PCAP_NETMASK_UNKNOWN;
    struct bpf_program prog;
    int rc = compile_for(cap->p, &prog, bpf, mask, err, errlen);
    if (rc != 0)
        return rc;
    if (pcap_setfilter(cap->p, &prog) != 0) {
        snprintf(err, errlen, "%s: %s", cap->iface, pcap_geterr(cap->p));
        rc = WW_E_FILTER;
    }
    pcap_freecode(&prog);
    return rc;
}

WW_EXPORT int ww_capture_set_filter(ww_capture *cap, const char *bpf, char *err, size_t errlen)
{
    if (cap == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(WW_E_INVAL));
        return WW_E_INVAL;
    }
    if (bpf == NULL || bpf[0] == '\0')
        bpf = NULL;
    if (cap->live)
        return bpf == NULL ? 0 : set_filter_live(cap, bpf, err, errlen);
    if (bpf != NULL) {
        int rc = check_filter_offline(cap, bpf, err, errlen);
        if (rc != 0)
            return rc;
    }
    char *copy = NULL;
    if (bpf != NULL && (copy = strdup(bpf)) == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(WW_E_NOMEM));
        return WW_E_NOMEM;
    }
    free(cap->filter);
    cap->filter = copy;
    return load_filter(cap, err, errlen);
}

static void fill_packet(const ww_capture *cap, struct ww_packet *pkt,
                        const struct pcap_pkthdr *h, const u_char *data)
{
    pkt->ts = h->ts;
    pkt->caplen = h->caplen;
    pkt->len = h->len;
    pkt->linktype = pcap_datalink(cap->p);
    pkt->data = data;
    pkt->pcap_cnt = cap->live ? 0 : cap->cnt;
    pkt->iface = cap->live ? cap->iface : NULL;
}

/* Remembers a read error so that later calls repeat it instead of reading on. */
static int fail_read(ww_capture *cap, const char *err)
{
    cap->acc.errors++;
    cap->read_err = WW_E_READ;
    free(cap->read_msg);
    cap->read_msg = strdup(err);
    return WW_E_READ;
}

/* Opens the next file, or returns WW_E_EOF after the last one. */
static int next_file(ww_capture *cap, char *err, size_t errlen)
{
    if (cap->p != NULL) {
        pcap_close(cap->p);
        cap->p = NULL;
        cap->cur++;
    }
    if (cap->cur >= cap->nfiles)
        return WW_E_EOF;
    cap->p = open_file(cap->files[cap->cur], err, errlen);
    if (cap->p == NULL)
        return WW_E_OPEN;
    use_read_buffer(cap);
    return load_filter(cap, err, errlen);
}

static int next_offline(ww_capture *cap, struct ww_packet *pkt, char *err, size_t errlen)
{
    for (;;) {
        if (cap->brk) {
            cap->brk = 0;
            return 0;
        }
        if (cap->p == NULL) {
            int rc = next_file(cap, err, errlen);
            if (rc != 0)
                return rc == WW_E_EOF ? rc : fail_read(cap, err);
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(cap->p, &h, &data);
        if (rc == 1) {
            cap->cnt++;
            if (cap->have_prog && pcap_offline_filter(&cap->prog, h, data) == 0)
                continue;
            fill_packet(cap, pkt, h, data);
            return 1;
        }
        if (rc == PCAP_ERROR_BREAK) {
            /* End of this file: the next call opens the following one. */
            int nrc = next_file(cap, err, errlen);
            if (nrc != 0)
                return nrc == WW_E_EOF ? nrc : fail_read(cap, err);
            continue;
        }
        snprintf(err, errlen, "%s: packet %llu: %s", cap->files[cap->cur],
                 (unsigned long long)cap->cnt + 1, pcap_geterr(cap->p));
        return fail_read(cap, err);
    }
}

/* Linux may not end a blocking read at the pcap timeout while no packet
 * arrives (pcap(3PCAP), "read timeout"), so the handle is non-blocking and
 * the wait is our own poll(): the host gets 0 at least every CAP_TIMEOUT_MS,
 * and a signal ends the wait at once (EINTR). */
static int read_live(ww_capture *cap, struct ww_packet *pkt, char *err, size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(cap->p, &h, &data);
    if (rc == 1) {
        fill_packet(cap, pkt, h, data);
        return 1;
    }
    if (rc == 0 || rc == PCAP_ERROR_BREAK)
        return 0;
    snprintf(err, errlen, "%s: %s", cap->iface, pcap_geterr(cap->p));
    return fail_read(cap, err);
}

static int next_live(ww_capture *cap, struct ww_packet *pkt, char *err, size_t errlen)
{
    if (cap->brk) {
        cap->brk = 0;
        return 0;
    }
    int rc = read_live(cap, pkt, err, errlen);
    if (rc != 0 || cap->brk)
        return rc;
    struct pollfd pfd = {.fd = cap->fd, .events = POLLIN};
    int n = poll(&pfd, 1, CAP_TIMEOUT_MS);
    if (n <= 0) /* timeout, or EINTR: the host looks at its flags */
        return 0;
    return read_live(cap, pkt, err, errlen);
}

WW_EXPORT int ww_capture_next(ww_capture *cap, struct ww_packet *pkt, char *err, size_t errlen)
{
    if (cap == NULL || pkt == NULL) {
        snprintf(err, errlen, "%s", ww_strerror(WW_E_INVAL));
        return WW_E_INVAL;
    }
    if (cap->read_err != 0) {
        snprintf(err, errlen, "%s", cap->read_msg != NULL ? cap->read_msg : "");
        return cap->read_err;
    }
    return cap->live ? next_live(cap, pkt, err, errlen) : next_offline(cap, pkt, err, errlen);
}

/* pcap_stats counters are 32-bit and wrap on a busy link: add the deltas. */
static void widen(uint64_t *acc, u_int *last, u_int now)
{
    *acc += (u_int)(now - *last);
    *last = now;
}

/* --workers live: each worker's socket joins one fanout group and the kernel
 * spreads packets by a flow hash that is the same both ways; FLAG_DEFRAG
 * reassembles IP fragments first so they hash with their flow. */
WW_EXPORT int ww_capture_set_fanout(ww_capture *cap, unsigned group_id, char *err, size_t errlen)
{
    if (cap == NULL || !cap->live || cap->fd < 0) {
        snprintf(err, errlen, "packet fanout needs a live capture");
        return WW_E_INVAL;
    }
#ifdef PACKET_FANOUT
    int val = (int)((group_id & 0xffffu) |
                    ((unsigned)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16));
    if (setsockopt(cap->fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val)) != 0) {
        snprintf(err, errlen, "%s: cannot join packet fanout group %u: %s", cap->iface,
                 group_id & 0xffffu, strerror(errno));
        return WW_E_OPEN;
    }
    return 0;
#else
    (void)group_id;
    snprintf(err, errlen, "%s: packet fanout is Linux only", cap->iface);
    return WW_E_OPEN;
#endif
}

WW_EXPORT int ww_capture_stats(ww_capture *cap, struct ww_capture_stats *out)
{
    if (cap == NULL || out == NULL)
        return WW_E_INVAL;
    if (cap->live && cap->p != NULL) {
        struct pcap_stat ps;
        if (pcap_stats(cap->p, &ps) == 0) {
            widen(&cap->acc.kernel_packets, &cap->last.ps_recv, ps.ps_recv);
            widen(&cap->acc.kernel_drops, &cap->last.ps_drop, ps.ps_drop);
            widen(&cap->acc.kernel_ifdrops, &cap->last.ps_ifdrop, ps.ps_ifdrop);
        }
    }
    *out = cap->acc;
    return 0;
}

/* Only sets flags: pcap_breakloop is a store plus, on Linux, a write() to an
 * eventfd, both async-signal-safe. Offline the handle changes between files,
 * so only our own flag is used there. */
WW_EXPORT void ww_capture_break(ww_capture *cap)
{
    if (cap == NULL)
        return;
    cap->brk = 1;
    if (cap->live && cap->p != NULL)
        pcap_breakloop(cap->p);
}

WW_EXPORT void ww_capture_close(ww_capture *cap)
{
    cap_free(cap);
}

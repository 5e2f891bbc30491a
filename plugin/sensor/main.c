/* main.c — the walletwatch command: options (SPEC "Command line"), the
 * capture loop, EVE output and signals. Built only on walletwatch.h. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <walletwatch.h>

#include "dispatch.h"
#include "eve-file.h"
#include "workers.h"

/* The exit statuses of SPEC, and the only ones main returns. */
enum status {
    STATUS_OK = 0,      /* success, also after SIGINT/SIGTERM */
    STATUS_RUNTIME = 1, /* cannot open the capture, truncated capture, cannot write events */
    STATUS_USAGE = 2,   /* bad option, configuration, signatures or BPF expression */
};

#define LIVE_FLUSH_NS (200 * 1000 * 1000L) /* longest a live event waits in the batch */

struct options {
    const char **reads;     /* -r, in order */
    size_t nreads;
    const char *iface;      /* -i */
    const char **sigs;      /* -S; none: the shipped signatures/ */
    size_t nsigs;
    const char *logdir;     /* -l */
    const char *eve;        /* --eve */
    const char *config;     /* -c */
    const char *home_net;   /* --home-net */
    const char **sets;      /* --set KEY=VALUE, in order */
    size_t nsets;
    bool test;              /* -T */
    unsigned long workers;  /* --workers */
    unsigned long stats_interval;
    const char *learn;      /* --learn FILE: write a starting wallet policy at the end */
    char *bpf;              /* trailing arguments, joined */
};

struct run {
    ww_engine *eng;
    const char *const *sigs; /* rule paths, reloaded on SIGUSR2 */
    size_t nsigs;
    ww_capture *cap;
    struct ring *ring;       /* a worker offline: frames from the reader instead of cap */
    struct ring *const *rings; /* ...and every worker's ring, for dispatch_wait_before */
    unsigned nrings;
    ww_share *share;         /* --workers N: the state the workers share */
    struct ww_capture_stats reader_counters; /* ...and the capture's counters at the end */
    struct eve_file eve;
    bool eve_open;
    bool live;
    unsigned long interval;  /* --stats-interval, 0 = only at exit */
    time_t stats_base;       /* offline: time of the first packet */
    time_t stats_next;       /* offline: next boundary in packet time */
    struct timespec wall_next; /* live: next stats by the monotonic clock */
    struct timespec last_flush;
};

static int g_log_level = WW_LOG_WARN;
static bool g_echo_quiet; /* workers 1..N-1: worker 0 alone reports what all would */
static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_reopen;
static volatile sig_atomic_t g_reload;
static ww_capture *volatile g_cap;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static void on_log(enum ww_log_level level, const char *msg, void *user)
{
    (void)user;
    if ((int)level > g_log_level || (int)level < 0)
        return;
    fprintf(stderr, "walletwatch: %s: %s\n", level_names[level], msg);
}

__attribute__((format(printf, 2, 3))) static void log_msg(enum ww_log_level level,
                                                          const char *fmt, ...)
{
    if ((int)level > g_log_level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    on_log(level, msg, NULL);
}

/* A message that ends the run; printed at every log level. */
__attribute__((format(printf, 1, 2))) static void fatal(const char *fmt, ...)
{
    va_list ap;
    fputs("walletwatch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void on_event(const char *line, size_t len, void *user)
{
    struct run *r = user;
    if (r->eve_open)
        eve_file_line(&r->eve, line, len);
}

/* Handlers only set flags; the main loop does the work. */
static void on_signal(int sig)
{
    switch (sig) {
    case SIGINT:
    case SIGTERM:
        g_stop = 1;
        if (g_cap != NULL)
            ww_capture_break(g_cap);
        break;
    case SIGHUP:
        g_reopen = 1;
        break;
    case SIGUSR2:
        g_reload = 1;
        break;
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    /* A closed stdout reader must be a write error (exit 1), not a silent death. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: walletwatch -r PATH [-r PATH ...] | -i IFACE [options] [BPF filter]\n"
        "\n"
        "Input:\n"
        "  -r PATH             read a pcap/pcapng file; a directory is read in name\n"
        "                      order; several -r are read as one capture\n"
        "  -i IFACE            capture live on IFACE\n"
        "Detection:\n"
        "  -S PATH             rules file or directory of *.rules (repeatable)\n"
        "  -c FILE             configuration file (overrides the embedded defaults)\n"
        "  --home-net LIST     comma-separated CIDRs for $HOME_NET\n"
        "  --set KEY=VALUE     set one configuration key (after -c; repeatable)\n"
        "  -T                  check configuration and signatures, then exit\n"
        "  --learn FILE        watch wallet calls and write a starting wallet policy\n"
        "                      to FILE when the run ends (docs/wallet-policy.md)\n"
        "Output:\n"
        "  -l DIR              write events to DIR/eve.json (default: .)\n"
        "  --eve FILE          write events to FILE; \"-\" is standard output\n"
        "  --stats-interval S  a stats event every S seconds (packet time offline,\n"
        "                      wall clock live); 0 = only at exit (default)\n"
        "  -q / -v / -vv       errors only / info / debug on stderr (default: warnings)\n"
        "Other:\n"
        "  --workers N         parallel worker processes (1..1024), flows split by\n"
        "                      address-pair hash (-r) or PACKET_FANOUT (-i)\n"
        "  --version, --help\n"
        "\n"
        "Trailing arguments form a BPF filter expression, as with tcpdump.\n"
        "Signals (live): SIGHUP reopens eve.json, SIGINT/SIGTERM flush and exit 0.\n"
        "Exit status: 0 success, 1 runtime failure, 2 usage/configuration error.\n");
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("walletwatch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'walletwatch --help' for more information.\n", stderr);
    return STATUS_USAGE;
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long *out)
{
    char *end;
    errno = 0;
    if (s[0] < '0' || s[0] > '9')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min)
        return false;
    *out = v;
    return true;
}

enum long_only {
    OPT_EVE = 256, OPT_HOME_NET, OPT_SET, OPT_WORKERS, OPT_STATS, OPT_VERSION, OPT_LEARN
};

static const struct option long_opts[] = {
    {"eve", required_argument, NULL, OPT_EVE},
    {"home-net", required_argument, NULL, OPT_HOME_NET},
    {"set", required_argument, NULL, OPT_SET},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {"stats-interval", required_argument, NULL, OPT_STATS},
    {"version", no_argument, NULL, OPT_VERSION},
    {"learn", required_argument, NULL, OPT_LEARN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Joins argv[first..] with spaces; NULL when there is none. */
static char *join_args(int argc, char **argv, int first)
{
    size_t len = 0;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len == 0)
        return NULL;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    size_t at = 0;
    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);
        memcpy(s + at, argv[i], n);
        at += n;
        s[at++] = i + 1 < argc ? ' ' : '\0';
    }
    return s;
}

static int bad_option(int c, char **argv, int at, bool missing_arg)
{
    if (c != 0 && c < 256 && c != '?' && c != ':') {
        char opt[2] = {(char)c, '\0'};
        return usage_error(missing_arg ? "option requires an argument -- '%s'"
                                       : "invalid option -- '%s'", opt);
    }
    return usage_error(missing_arg ? "option '%s' requires an argument"
                                   : "unrecognized option '%s'", argv[at]);
}

/* Returns -1 to go on, or the status to exit with. */
static int parse_value(int c, const char *arg, struct options *o)
{
    switch (c) {
    case 'r': o->reads[o->nreads++] = arg; break;
    case 'i': o->iface = arg; break;
    case 'S': o->sigs[o->nsigs++] = arg; break;
    case 'l': o->logdir = arg; break;
    case 'c': o->config = arg; break;
    case OPT_EVE: o->eve = arg; break;
    case OPT_HOME_NET: o->home_net = arg; break;
    case OPT_LEARN: o->learn = arg; break;
    case OPT_SET:
        if (strchr(arg, '=') == NULL || arg[0] == '=')
            return usage_error("--set %s: expected KEY=VALUE", arg);
        o->sets[o->nsets++] = arg;
        break;
    case OPT_WORKERS:
        if (!parse_ulong(arg, 1, &o->workers) || o->workers > WORKERS_MAX)
            return usage_error("--workers %s: expected a number from 1 to %d", arg, WORKERS_MAX);
        break;
    case OPT_STATS:
        if (!parse_ulong(arg, 0, &o->stats_interval))
            return usage_error("--stats-interval %s: expected a number of seconds >= 0", arg);
        break;
    }
    return -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    int verbose = 0;
    bool quiet = false;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":r:i:S:l:c:Tqvh", long_opts, NULL)) != -1) {
        int rc = -1;
        switch (c) {
        case 'T': o->test = true; break;
        case 'q': quiet = true; break;
        case 'v': verbose++; break;
        case 'h': usage(stdout); return STATUS_OK;
        case OPT_VERSION: printf("walletwatch %s\n", ww_version()); return STATUS_OK;
        case ':': return bad_option(optopt, argv, optind - 1, true);
        case '?': return bad_option(optopt, argv, optind - 1, false);
        default: rc = parse_value(c, optarg, o); break;
        }
        if (rc >= 0)
            return rc;
    }
    g_log_level = quiet ? WW_LOG_ERR : verbose >= 2 ? WW_LOG_DEBUG
                                     : verbose == 1 ? WW_LOG_INFO : WW_LOG_WARN;
    if (optind < argc && (o->bpf = join_args(argc, argv, optind)) == NULL) {
        fatal("%s", ww_strerror(WW_E_NOMEM));
        return STATUS_RUNTIME;
    }
    if (o->test)
        return -1;
    if (o->nreads == 0 && o->iface == NULL)
        return usage_error("%s", "no input: give -r PATH or -i IFACE");
    if (o->nreads > 0 && o->iface != NULL)
        return usage_error("%s", "-r and -i cannot be used together");
    if (o->learn != NULL && o->workers > 1)
        return usage_error("%s", "--learn needs --workers 1 (one process sees every call)");
    return -1;
}

/* Applies -c, then --home-net, then each --set; returns the status on failure. */
static int build_config(const struct options *o, ww_config **out)
{
    char err[1024];
    ww_config *cfg = ww_config_new();
    if (cfg == NULL) {
        fatal("%s", ww_strerror(WW_E_NOMEM));
        return STATUS_RUNTIME;
    }
    if (o->config != NULL && ww_config_load(cfg, o->config, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        goto fail;
    }
    if (o->home_net != NULL &&
        ww_config_set(cfg, "home-net", o->home_net, err, sizeof(err)) != 0) {
        fatal("%s", err);
        goto fail;
    }
    for (size_t i = 0; i < o->nsets; i++) {
        char key[256];
        const char *eq = strchr(o->sets[i], '=');
        size_t klen = (size_t)(eq - o->sets[i]);
        if (klen >= sizeof(key)) {
            fatal("--set %s: key too long", o->sets[i]);
            goto fail;
        }
        memcpy(key, o->sets[i], klen);
        key[klen] = '\0';
        if (ww_config_set(cfg, key, eq + 1, err, sizeof(err)) != 0) {
            fatal("%s", err);
            goto fail;
        }
    }
    *out = cfg;
    return -1;
fail:
    ww_config_free(cfg);
    return STATUS_USAGE;
}

#ifndef WW_SIGDIR
#define WW_SIGDIR "/usr/local/share/walletwatch/signatures"
#endif

/* The shipped signatures: ./signatures in the source tree, else the installed
 * set. Without -S they are the rules; either way their classification.config
 * and reference.config serve rules that have none beside them. */
static void default_signatures(struct options *o, ww_config *cfg)
{
    static const char *const candidates[] = {"signatures", WW_SIGDIR};
    struct stat st;
    const char *dir = NULL;
    for (size_t i = 0; !dir && i < 2; i++)
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            dir = candidates[i];
    char err[256];
    if (dir && !*ww_config_get(cfg, "default-signature-dir"))
        ww_config_set(cfg, "default-signature-dir", dir, err, sizeof(err));
    if (o->nsigs == 0 && dir)
        o->sigs[o->nsigs++] = dir;
    else if (o->nsigs == 0)
        log_msg(WW_LOG_WARN, "no signatures found (%s, %s): running without rules",
                candidates[0], candidates[1]);
}

/* Rule problems go to stderr exactly as reported: "FILE:LINE: message". */
static void on_problem(const char *msg, void *user)
{
    (void)user;
    if (g_log_level >= WW_LOG_ERR && !g_echo_quiet)
        fprintf(stderr, "%s\n", msg);
}

/* Loads (or reloads) the rules. Returns -1 when usable, else an exit status. */
static int load_rules(struct run *r, bool strict)
{
    unsigned loaded = 0, failed = 0;
    if (r->nsigs == 0)
        return -1;
    int rc = ww_engine_load_rules(r->eng, r->sigs, r->nsigs, on_problem, NULL, &loaded, &failed);
    if (rc != 0) {
        if (!g_echo_quiet)
            fatal("signatures not loaded: %s", ww_strerror(rc));
        return STATUS_USAGE;
    }
    /* -T prints only the problems (golden-tested); a run also says what it skipped. */
    if (failed > 0 && !strict && !g_echo_quiet)
        log_msg(WW_LOG_WARN, "%u rules loaded, %u skipped (see above)", loaded, failed);
    else
        log_msg(WW_LOG_INFO, "%u rules loaded, %u skipped", loaded, failed);
    return strict && failed > 0 ? STATUS_USAGE : -1;
}

static int new_engine(struct run *r, const ww_config *cfg)
{
    int rc = ww_engine_new(&r->eng, cfg, on_event, on_log, r);
    if (rc == 0)
        return -1;
    r->eng = NULL;
    fatal("cannot start the engine: %s", ww_strerror(rc));
    return rc == WW_E_CONFIG ? STATUS_USAGE : STATUS_RUNTIME;
}

static int open_capture(struct run *r, const struct options *o)
{
    char err[1024] = "";
    int rc;
    if (o->iface != NULL) {
        r->live = true;
        rc = ww_capture_open_live(&r->cap, o->iface, err, sizeof(err));
        if (rc == 0 && err[0] != '\0')
            log_msg(WW_LOG_WARN, "%s", err);
    } else {
        rc = ww_capture_open_offline(&r->cap, o->reads, o->nreads, err, sizeof(err));
    }
    if (rc != 0) {
        r->cap = NULL;
        fatal("%s", err);
        return STATUS_RUNTIME;
    }
    if (o->bpf != NULL && ww_capture_set_filter(r->cap, o->bpf, err, sizeof(err)) != 0) {
        fatal("bad BPF filter \"%s\": %s", o->bpf, err);
        return STATUS_USAGE;
    }
    return -1;
}

static int open_output(struct run *r, const struct options *o)
{
    char path[PATH_MAX], err[PATH_MAX + 256];
    const char *eve = o->eve;
    if (eve == NULL) {
        const char *dir = o->logdir != NULL ? o->logdir : ".";
        int n = snprintf(path, sizeof(path), "%s/eve.json", dir);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            fatal("%s/eve.json: %s", dir, strerror(ENAMETOOLONG));
            return STATUS_RUNTIME;
        }
        eve = path;
    }
    if (eve_file_open(&r->eve, eve, err, sizeof(err)) != 0) {
        fatal("%s", err);
        return STATUS_RUNTIME;
    }
    r->eve_open = true;
    return -1;
}

static void emit_stats(struct run *r)
{
    struct ww_capture_stats cs = r->reader_counters;
    if (r->cap != NULL)
        ww_capture_stats(r->cap, &cs);
    /* Offline the reader sends the capture's counters to worker 0 alone. */
    ww_engine_emit_stats(r->eng, g_echo_quiet && !r->live ? NULL : &cs);
    eve_file_flush(&r->eve);
}

/* Offline: one stats event each time packet time crosses a boundary
 * (first packet time + k * interval); a long silence gives one event. */
static void stats_offline(struct run *r, const struct timeval *ts)
{
    if (r->interval == 0)
        return;
    if (r->stats_next == 0) {
        r->stats_base = ts->tv_sec;
        r->stats_next = ts->tv_sec + (time_t)r->interval;
        return;
    }
    if (ts->tv_sec < r->stats_next)
        return;
    emit_stats(r);
    time_t k = (ts->tv_sec - r->stats_base) / (time_t)r->interval + 1;
    r->stats_next = r->stats_base + k * (time_t)r->interval;
}

static bool reached(const struct timespec *now, const struct timespec *t)
{
    return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

/* Live: stats by the wall clock, and queued events out within LIVE_FLUSH_NS. */
static void live_housekeeping(struct run *r, bool idle)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (r->interval > 0 && reached(&now, &r->wall_next)) {
        emit_stats(r);
        r->wall_next = now;
        r->wall_next.tv_sec += (time_t)r->interval;
    }
    long age = (now.tv_sec - r->last_flush.tv_sec) * 1000000000L +
               (now.tv_nsec - r->last_flush.tv_nsec);
    if (idle || age >= LIVE_FLUSH_NS) {
        eve_file_flush(&r->eve);
        r->last_flush = now;
    }
}

static void handle_flags(struct run *r)
{
    if (g_reopen) {
        g_reopen = 0;
        char err[PATH_MAX + 256];
        if (eve_file_reopen(&r->eve, err, sizeof(err)) != 0)
            log_msg(WW_LOG_ERR, "cannot reopen events file, still writing the old one: %s", err);
        else
            log_msg(WW_LOG_INFO, "reopened the events file");
    }
    if (g_reload) {
        g_reload = 0;
        unsigned loaded = 0, failed = 0;
        int rc = ww_engine_load_rules(r->eng, r->sigs, r->nsigs, on_problem, NULL, &loaded,
                                      &failed);
        if (rc != 0)
            log_msg(WW_LOG_ERR, "reload failed (%s): keeping the previous rules",
                    ww_strerror(rc));
        else
            log_msg(WW_LOG_INFO, "reloaded: %u rules loaded, %u skipped", loaded, failed);
    }
}

/* A worker offline: frames and clock ticks from the reader (dispatch.h),
 * handled in the order capture_loop handles a frame. */
static int ring_loop(struct run *r)
{
    struct dispatch_item it;
    while (!g_stop) {
        handle_flags(r);
        int rc = dispatch_next(r->ring, &it);
        if (rc == 0)
            break;
        if (rc < 0) /* a signal: look at the flags */
            continue;
        if (it.kind == DISPATCH_COUNTERS) {
            r->reader_counters = it.stats;
        } else {
            stats_offline(r, it.kind == DISPATCH_FRAME ? &it.pkt.ts : &it.clock);
            ww_engine_tick(r->eng, &it.clock);
            if (it.kind == DISPATCH_FRAME)
                ww_engine_feed(r->eng, &it.pkt);
        }
        dispatch_done(r->ring);
    }
    return STATUS_OK;
}

/* Feeds every packet to the engine; returns the status of the capture side. */
static int capture_loop(struct run *r)
{
    struct ww_packet pkt;
    char err[1024];
    if (r->ring != NULL)
        return ring_loop(r);
    if (r->live) {
        clock_gettime(CLOCK_MONOTONIC, &r->last_flush);
        r->wall_next = r->last_flush;
        r->wall_next.tv_sec += (time_t)r->interval;
    }
    while (!g_stop) {
        handle_flags(r);
        int rc = ww_capture_next(r->cap, &pkt, err, sizeof(err));
        if (rc == 1) {
            if (!r->live)
                stats_offline(r, &pkt.ts);
            ww_engine_feed(r->eng, &pkt);
            if (r->live)
                live_housekeeping(r, false);
        } else if (rc == 0) {
            if (r->live) {
                struct timeval now;
                gettimeofday(&now, NULL);
                ww_engine_tick(r->eng, &now);
                live_housekeeping(r, true);
            }
        } else if (rc == WW_E_EOF) {
            break;
        } else {
            fatal("%s", err);
            return STATUS_RUNTIME;
        }
    }
    return STATUS_OK;
}

/* -T: the configuration and every rule must load. */
static int check_only(const struct options *o, const ww_config *cfg)
{
    struct run r;
    memset(&r, 0, sizeof(r));
    r.sigs = o->sigs;
    r.nsigs = o->nsigs;
    int rc = new_engine(&r, cfg);
    if (rc >= 0)
        return rc;
    rc = load_rules(&r, true);
    ww_engine_free(r.eng);
    if (rc >= 0)
        return rc;
    log_msg(WW_LOG_INFO, "configuration OK");
    return STATUS_OK;
}

/* The reader of --workers N offline: reads the capture once and hands each
 * frame to its worker. Returns its exit status. */
static int run_reader(struct run *r, const struct options *o, struct workers_child *child)
{
    int status = open_capture(r, o);
    if (status < 0) {
        char err[1024];
        g_cap = r->cap;
        install_signals();
        int rc = dispatch_run(r->cap, child->rings, (unsigned)o->workers, &g_stop, err,
                              sizeof(err));
        g_cap = NULL;
        status = rc == 0 ? STATUS_OK : STATUS_RUNTIME;
        if (rc != 0)
            fatal("%s", err);
    }
    workers_child_done(child);
    return status;
}

/* The engine's wait before it uses state shared with the other workers. */
static void wait_order(uint64_t seq, void *user)
{
    struct run *r = user;
    dispatch_wait_before(r->rings, r->nrings, r->ring, seq, &g_stop);
}

/* --workers N: the capture, the BPF filter and the output are checked here,
 * once. Offline a reader process reopens the capture and sends each worker
 * the frames of its flows (dispatch.h); live each worker reopens the
 * interface and joins a fanout group. Each worker sends its events to this
 * process (workers.c). Rule problems are the same in every worker, so worker
 * 0 alone prints them. Returns the final status here or in the reader, -1 in
 * a worker. */
static int start_workers(struct run *r, const struct options *o, ww_config *cfg)
{
    int status = open_output(r, o);
    if (status >= 0)
        return status;
    ww_capture_close(r->cap); /* a socket or file nobody reads */
    r->cap = NULL;
    unsigned group = (unsigned)getpid() & 0xffff;
    if ((r->share = ww_share_new(cfg)) == NULL) {
        fatal("cannot start workers: %s", ww_strerror(WW_E_NOMEM));
        return STATUS_RUNTIME;
    }
    struct workers_child child;
    status = workers_run((unsigned)o->workers, o->iface == NULL, &r->eve, &child);
    if (status >= 0)
        return status;
    eve_file_close(&r->eve);
    if (child.reader) {
        r->eve_open = false;
        return run_reader(r, o, &child);
    }
    g_echo_quiet = child.id > 0;
    char num[32], err[1024];
    if (workers_child_output(&r->eve, &child) != 0) {
        fatal("%s", ww_strerror(WW_E_NOMEM));
        return STATUS_RUNTIME;
    }
    snprintf(num, sizeof(num), "%u", child.id);
    ww_config_set(cfg, "workers.id", num, err, sizeof(err)); /* flow ids apart */
    if (child.ring != NULL) {
        r->ring = child.ring;
        r->rings = child.rings;
        r->nrings = child.n;
        return -1;
    }
    if ((status = open_capture(r, o)) >= 0)
        return status;
    if (ww_capture_set_fanout(r->cap, group, err, sizeof(err)) != 0) {
        fatal("%s", err);
        return STATUS_RUNTIME;
    }
    return -1;
}

static int run(const struct options *o, ww_config *cfg)
{
    struct run r;
    memset(&r, 0, sizeof(r));
    r.interval = o->stats_interval;
    r.sigs = o->sigs;
    r.nsigs = o->nsigs;
    int status = open_capture(&r, o);
    if (status < 0 && o->workers > 1)
        status = start_workers(&r, o, cfg);
    if (status < 0)
        status = new_engine(&r, cfg);
    if (status < 0 && r.share != NULL)
        ww_engine_share(r.eng, r.share, r.ring != NULL ? wait_order : NULL, &r);
    if (status < 0)
        status = load_rules(&r, false);
    if (status < 0 && o->learn != NULL && ww_engine_learn(r.eng, o->learn) != 0) {
        fatal("--learn %s: %s", o->learn, ww_strerror(WW_E_NOMEM));
        status = STATUS_RUNTIME;
    }
    if (status < 0 && !r.eve_open)
        status = open_output(&r, o);
    if (status < 0) {
        g_cap = r.cap;
        install_signals();
        status = capture_loop(&r);
        if (ww_engine_flush(r.eng) != 0) /* the learned policy could not be written */
            status = STATUS_RUNTIME;
        emit_stats(&r);
        if (g_stop)
            log_msg(WW_LOG_INFO, "stopped by signal");
    }
    g_cap = NULL;
    if (r.eng != NULL)
        ww_engine_free(r.eng);
    if (r.cap != NULL)
        ww_capture_close(r.cap);
    ww_share_free(r.share);
    free((void *)r.rings); /* the array; the rings go with the process */
    if (r.eve_open) {
        eve_file_close(&r.eve);
        if (r.eve.write_errors > 0) {
            fatal("%llu of %llu events could not be written",
                  (unsigned long long)r.eve.write_errors, (unsigned long long)r.eve.lines);
            status = STATUS_RUNTIME;
        }
    }
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    memset(&o, 0, sizeof(o));
    o.workers = 1;
    size_t slots = (size_t)(argc > 0 ? argc : 1);
    o.reads = calloc(slots, sizeof(*o.reads));
    o.sigs = calloc(slots, sizeof(*o.sigs));
    o.sets = calloc(slots, sizeof(*o.sets));
    ww_config *cfg = NULL;
    int status = STATUS_RUNTIME;
    if (o.reads == NULL || o.sigs == NULL || o.sets == NULL) {
        fatal("%s", ww_strerror(WW_E_NOMEM));
        goto out;
    }
    status = parse_args(argc, argv, &o);
    if (status >= 0)
        goto out;
    status = build_config(&o, &cfg);
    if (status < 0) {
        default_signatures(&o, cfg);
        status = o.test ? check_only(&o, cfg) : run(&o, cfg);
    }
out:
    if (cfg != NULL)
        ww_config_free(cfg);
    free(o.reads);
    free(o.sigs);
    free(o.sets);
    free(o.bpf);
    return status;
}

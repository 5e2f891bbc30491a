/* workers.c — --workers N: the parent that merges, and a worker's pipe.
 *
 * libnids keeps one global state per process, so a worker is a process.
 * Offline one more process, the reader, reads the capture once and copies
 * each frame into the shared ring of the worker that owns its flow
 * (dispatch.c, ring.c); live each worker's socket gets its share from
 * PACKET_FANOUT. A worker writes its EVE lines, batched
 * but always whole (eve-file.c), to its own pipe. The parent polls every
 * pipe, cuts complete lines and hands each to eve_file_line, so each write()
 * to the EVE file carries whole lines: lines of different workers interleave,
 * their bytes never do. A partial line left by a worker that died is dropped.
 *
 * The reader writes nothing to its pipe: its end of file says it has ended,
 * and the parent then finishes every ring, so that no worker waits for a
 * reader that died. A worker's end of file makes the parent mark its ring
 * left, so that the reader does not wait for room there.
 *
 * `stats` events are not passed through. A worker's k-th stats event waits
 * until every worker still running has sent its k-th; then one merged event
 * is written. Offline the reader sends every worker a clock tick each time
 * packet time enters a new second, so all cross the --stats-interval
 * boundaries at the same packets and round k is the same interval everywhere;
 * live, rounds are matched by number. Merging: counters
 * add up, memcaps and memuse included (each worker has the configured caps,
 * so the total memory allowed is the per-worker value × N); uptime, *_max and
 * max_pkt_size take the maximum; avg_pkt_size is recomputed from
 * decoder.bytes / decoder.pkts; the timestamp is the latest. */
#define _GNU_SOURCE /* ppoll: wait with the signals unblocked, atomically */
#include "workers.h"

#include "ring.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define READ_MIN (16 * 1024) /* room a read gets; less and the buffer grows */
#define BUF_START (256 * 1024)
#define LINE_MAX_BYTES (64u << 20) /* a longer line is dropped, not buffered */
#define PIPE_BYTES (1 << 20)       /* fewer wake-ups than the default 64 KiB pipe */
#define STATUS_RUNTIME 1           /* SPEC: runtime failure */
#define RINGS_TOTAL (64u << 20)    /* shared out among the workers' rings... */
#define RING_LEAST (2u << 20)      /* ...each 2 MiB at least: frames up to 512 KiB */

struct worker {
    pid_t pid;
    int fd;    /* read end; -1 after end of file */
    char *buf; /* bytes read, not yet a whole line */
    size_t used, size;
    bool skipping; /* dropping the rest of an over-long line */
    char **stats;  /* stats lines waiting for their round, oldest first */
    size_t nstats, stats_alloc;
};

struct pool {
    struct worker *w;
    unsigned n;
    struct eve_file *out;
    struct ring **rings; /* offline: worker i's frames from the reader; NULL live */
    pid_t reader_pid;    /* 0 without a reader */
    int reader_fd;       /* its pipe; -1 after end of file */
    bool warned_long, warned_partial, warned_stats;
};

static volatile sig_atomic_t g_stop_sig;
static volatile sig_atomic_t g_hup;
static volatile sig_atomic_t g_usr2;

static void on_parent_signal(int sig)
{
    if (sig == SIGHUP)
        g_hup = 1;
    else if (sig == SIGUSR2)
        g_usr2 = 1;
    else
        g_stop_sig = sig;
}

static void warn(const char *msg, unsigned id)
{
    fprintf(stderr, "walletwatch: worker %u: %s\n", id, msg);
}

/* ---- stats -------------------------------------------------------------------- */

/* `{"timestamp":"...","event_type":"stats"`: the header of every stats event
 * (eve_begin_bare); other events carry flow_id or more between the two. */
static bool is_stats(const char *line, size_t len)
{
    static const char head[] = "{\"timestamp\":\"";
    static const char type[] = "\",\"event_type\":\"stats\"";
    size_t hl = sizeof(head) - 1, tl = sizeof(type) - 1;
    if (len < hl + tl || memcmp(line, head, hl) != 0)
        return false;
    const char *q = memchr(line + hl, '"', len - hl);
    return q != NULL && (size_t)(line + len - q) >= tl && memcmp(q, type, tl) == 0;
}

static bool takes_max(const char *key)
{
    size_t n = strlen(key);
    return strcmp(key, "uptime") == 0 || strcmp(key, "max_pkt_size") == 0 ||
           (n >= 4 && strcmp(key + n - 4, "_max") == 0);
}

static void merge_object(struct json_object *acc, struct json_object *o)
{
    struct json_object_iter it;
    json_object_object_foreachC(o, it)
    {
        struct json_object *a;
        if (!json_object_object_get_ex(acc, it.key, &a)) {
            json_object_object_add(acc, it.key, json_object_get(it.val));
        } else if (json_object_is_type(a, json_type_object) &&
                   json_object_is_type(it.val, json_type_object)) {
            merge_object(a, it.val);
        } else if (json_object_is_type(a, json_type_int) &&
                   json_object_is_type(it.val, json_type_int)) {
            uint64_t x = json_object_get_uint64(a), y = json_object_get_uint64(it.val);
            json_object_set_uint64(a, takes_max(it.key) ? (x > y ? x : y) : x + y);
        } else if (json_object_is_type(a, json_type_string) &&
                   json_object_is_type(it.val, json_type_string) &&
                   strcmp(json_object_get_string(it.val), json_object_get_string(a)) > 0) {
            json_object_object_add(acc, it.key, json_object_get(it.val)); /* latest timestamp */
        }
    }
}

static void recompute_avg(struct json_object *ev)
{
    struct json_object *s, *d, *pkts, *bytes, *avg;
    if (json_object_object_get_ex(ev, "stats", &s) && json_object_object_get_ex(s, "decoder", &d) &&
        json_object_object_get_ex(d, "pkts", &pkts) &&
        json_object_object_get_ex(d, "bytes", &bytes) &&
        json_object_object_get_ex(d, "avg_pkt_size", &avg)) {
        uint64_t p = json_object_get_uint64(pkts);
        json_object_set_uint64(avg, p > 0 ? json_object_get_uint64(bytes) / p : 0);
    }
}

/* Takes the oldest queued stats event of each worker that has one, writes one. */
static void write_merged(struct pool *pl)
{
    struct json_object *acc = NULL;
    for (unsigned i = 0; i < pl->n; i++) {
        struct worker *w = &pl->w[i];
        if (w->nstats == 0)
            continue;
        char *line = w->stats[0];
        memmove(w->stats, w->stats + 1, (w->nstats - 1) * sizeof(*w->stats));
        w->nstats--;
        struct json_object *o = json_tokener_parse(line);
        free(line);
        if (o == NULL || !json_object_is_type(o, json_type_object)) {
            if (!pl->warned_stats)
                warn("unreadable stats event, left out of the merged one", i);
            pl->warned_stats = true;
            json_object_put(o);
        } else if (acc == NULL) {
            acc = o;
        } else {
            merge_object(acc, o);
            json_object_put(o);
        }
    }
    if (acc == NULL)
        return;
    recompute_avg(acc);
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        acc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (s != NULL)
        eve_file_line(pl->out, s, len);
    json_object_put(acc);
}

/* A round is complete when every worker still running has queued its event;
 * at the end, whatever is queued is merged round by round. */
static void merge_rounds(struct pool *pl, bool at_end)
{
    for (;;) {
        bool any = false;
        for (unsigned i = 0; i < pl->n; i++) {
            if (pl->w[i].nstats > 0)
                any = true;
            else if (!at_end && pl->w[i].fd >= 0)
                return;
        }
        if (!any)
            return;
        write_merged(pl);
    }
}

static void queue_stats(struct pool *pl, unsigned id, const char *line, size_t len)
{
    struct worker *w = &pl->w[id];
    if (w->nstats == w->stats_alloc) {
        size_t n = w->stats_alloc ? w->stats_alloc * 2 : 4;
        char **s = realloc(w->stats, n * sizeof(*s));
        if (s == NULL)
            return;
        w->stats = s;
        w->stats_alloc = n;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return;
    memcpy(copy, line, len);
    copy[len] = '\0';
    w->stats[w->nstats++] = copy;
}

/* ---- reading the pipes ------------------------------------------------------------- */

static void take_lines(struct pool *pl, unsigned id)
{
    struct worker *w = &pl->w[id];
    size_t start = 0;
    char *nl;
    while ((nl = memchr(w->buf + start, '\n', w->used - start)) != NULL) {
        size_t len = (size_t)(nl - (w->buf + start));
        const char *line = w->buf + start;
        if (w->skipping)
            w->skipping = false;
        else if (is_stats(line, len))
            queue_stats(pl, id, line, len);
        else if (len > 0)
            eve_file_line(pl->out, line, len);
        start += len + 1;
    }
    memmove(w->buf, w->buf + start, w->used - start);
    w->used -= start;
}

/* Room for the next read: grows the buffer for a long line, up to LINE_MAX_BYTES. */
static void make_room(struct pool *pl, unsigned id)
{
    struct worker *w = &pl->w[id];
    if (w->size - w->used >= READ_MIN)
        return;
    size_t n = w->size * 2;
    char *b = n <= LINE_MAX_BYTES ? realloc(w->buf, n) : NULL;
    if (b != NULL) {
        w->buf = b;
        w->size = n;
        return;
    }
    if (!pl->warned_long)
        warn("event line too long, dropped", id);
    pl->warned_long = true;
    w->skipping = true;
    w->used = 0;
}

static void end_of_pipe(struct pool *pl, unsigned id)
{
    struct worker *w = &pl->w[id];
    if (w->used > 0 && !w->skipping && !pl->warned_partial)
        warn("ended inside an event line; the partial line was dropped", id);
    pl->warned_partial = pl->warned_partial || (w->used > 0 && !w->skipping);
    close(w->fd);
    w->fd = -1;
    w->used = 0;
    if (pl->rings != NULL) /* the reader must not wait for room in its ring */
        ring_leave(pl->rings[id]);
}

/* The reader wrote nothing; at its end (even a crash) every worker drains its ring. */
static void read_reader(struct pool *pl)
{
    char buf[256];
    ssize_t n = read(pl->reader_fd, buf, sizeof(buf));
    if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
        return;
    close(pl->reader_fd);
    pl->reader_fd = -1;
    for (unsigned i = 0; i < pl->n; i++)
        ring_finish(pl->rings[i]);
}

static void read_worker(struct pool *pl, unsigned id)
{
    struct worker *w = &pl->w[id];
    make_room(pl, id);
    ssize_t n = read(w->fd, w->buf + w->used, w->size - w->used);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        if (n < 0)
            warn(strerror(errno), id);
        end_of_pipe(pl, id);
        return;
    }
    w->used += (size_t)n;
    take_lines(pl, id);
}

/* ---- the parent -------------------------------------------------------------------- */

static void signal_workers(struct pool *pl, int sig)
{
    for (unsigned i = 0; i < pl->n; i++)
        if (pl->w[i].pid > 0 && pl->w[i].fd >= 0)
            kill(pl->w[i].pid, sig);
}

static void handle_signals(struct pool *pl)
{
    if (g_stop_sig != 0) {
        int sig = g_stop_sig;
        g_stop_sig = 0;
        if (pl->reader_fd >= 0) /* it stops reading; the workers drain its rings */
            kill(pl->reader_pid, sig);
        else
            signal_workers(pl, sig);
    }
    if (g_usr2) {
        g_usr2 = 0;
        signal_workers(pl, SIGUSR2);
    }
    if (g_hup) {
        g_hup = 0;
        char err[1024];
        if (eve_file_reopen(pl->out, err, sizeof(err)) != 0)
            fprintf(stderr,
                    "walletwatch: cannot reopen events file, still writing the old "
                    "one: %s\n",
                    err);
    }
}

/* Signals stay blocked except inside ppoll, so none is missed between the
 * flag check and the wait. */
static void parent_loop(struct pool *pl, struct pollfd *pfd, unsigned *idx)
{
    sigset_t block, old;
    sigemptyset(&block);
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR2};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_parent_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaddset(&block, sigs[i]);
        sigaction(sigs[i], &sa, NULL);
    }
    sa.sa_handler = SIG_IGN; /* a closed stdout reader is a write error, counted */
    sigaction(SIGPIPE, &sa, NULL);
    sigprocmask(SIG_BLOCK, &block, &old);
    for (;;) {
        handle_signals(pl);
        nfds_t nfd = 0;
        for (unsigned i = 0; i < pl->n; i++) {
            if (pl->w[i].fd < 0)
                continue;
            pfd[nfd] = (struct pollfd){.fd = pl->w[i].fd, .events = POLLIN};
            idx[nfd++] = i;
        }
        if (pl->reader_fd >= 0) {
            pfd[nfd] = (struct pollfd){.fd = pl->reader_fd, .events = POLLIN};
            idx[nfd++] = pl->n;
        }
        if (nfd == 0)
            break;
        int rc = ppoll(pfd, nfd, NULL, &old);
        if (rc < 0 && errno != EINTR) {
            fprintf(stderr, "walletwatch: poll: %s\n", strerror(errno));
            break;
        }
        for (nfds_t k = 0; rc > 0 && k < nfd; k++)
            if (pfd[k].revents != 0 && idx[k] == pl->n)
                read_reader(pl);
            else if (pfd[k].revents != 0)
                read_worker(pl, idx[k]);
        merge_rounds(pl, false);
        eve_file_flush(pl->out);
    }
    merge_rounds(pl, true);
    eve_file_flush(pl->out);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The exit status of a child; 1 when a signal killed it. */
static int wait_child(pid_t pid, const char *who)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "walletwatch: %s: killed by signal %d\n", who,
            WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return STATUS_RUNTIME;
}

/* The worst exit status of the workers and the reader. */
static int reap(struct pool *pl)
{
    int worst = 0;
    for (unsigned i = 0; i < pl->n; i++) {
        struct worker *w = &pl->w[i];
        if (w->fd >= 0)
            close(w->fd);
        if (w->pid <= 0)
            continue;
        char who[32];
        snprintf(who, sizeof(who), "worker %u", i);
        int code = wait_child(w->pid, who);
        worst = code > worst ? code : worst;
    }
    if (pl->reader_fd >= 0)
        close(pl->reader_fd);
    if (pl->reader_pid > 0) {
        int code = wait_child(pl->reader_pid, "reader");
        worst = code > worst ? code : worst;
    }
    return worst;
}

static void pool_free(struct pool *pl)
{
    for (unsigned i = 0; pl->w != NULL && i < pl->n; i++) {
        for (size_t k = 0; k < pl->w[i].nstats; k++)
            free(pl->w[i].stats[k]);
        free(pl->w[i].stats);
        free(pl->w[i].buf);
    }
    for (unsigned i = 0; pl->rings != NULL && i < pl->n; i++)
        ring_free(pl->rings[i]);
    free(pl->w);
    free(pl->rings);
}

/* In a new child: drop the parent's ends of the first n pipes, die with the parent. */
static void leave_parent(struct pool *pl, unsigned n, pid_t parent)
{
    for (unsigned j = 0; j < n; j++)
        close(pl->w[j].fd);
    free(pl->w);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent)
        _exit(STATUS_RUNTIME);
}

/* In the new worker i: its pipe and its ring. */
static void become_worker(struct pool *pl, unsigned i, int wfd, pid_t parent,
                          struct workers_child *child)
{
    leave_parent(pl, i, parent);
    child->id = i;
    child->fd = wfd;
    child->ring = pl->rings != NULL ? pl->rings[i] : NULL;
    child->rings = pl->rings; /* the others' too: dispatch_wait_before looks at them */
    child->n = pl->n;
}

/* In the reader: its pipe and every ring. */
static void become_reader(struct pool *pl, int wfd, pid_t parent, struct workers_child *child)
{
    leave_parent(pl, pl->n, parent);
    child->reader = true;
    child->fd = wfd;
    child->rings = pl->rings;
    child->n = pl->n;
}

/* Forks the reader after the workers; returns false when it could not start. */
static bool spawn_reader(struct pool *pl, pid_t parent, struct workers_child *child,
                         bool *in_child)
{
    int p[2];
    if (pipe(p) != 0) {
        fprintf(stderr, "walletwatch: cannot start the reader: %s\n", strerror(errno));
        return false;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        become_reader(pl, p[1], parent, child);
        *in_child = true;
        return true;
    }
    close(p[1]);
    if (pid < 0) {
        fprintf(stderr, "walletwatch: cannot start the reader: %s\n", strerror(errno));
        close(p[0]);
        return false;
    }
    pl->reader_pid = pid;
    pl->reader_fd = p[0];
    return true;
}

/* Returns true when every worker (and the reader) started; on failure the
 * rest are not. */
static bool spawn(struct pool *pl, struct workers_child *child, bool *in_child)
{
    pid_t parent = getpid();
    fflush(NULL); /* nothing buffered is written twice */
    for (unsigned i = 0; i < pl->n; i++) {
        int p[2];
        if (pipe(p) != 0) {
            fprintf(stderr, "walletwatch: cannot start worker %u: %s\n", i, strerror(errno));
            return false;
        }
#ifdef F_SETPIPE_SZ
        fcntl(p[0], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: the default also works */
#endif
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            become_worker(pl, i, p[1], parent, child);
            *in_child = true;
            return true;
        }
        close(p[1]);
        if (pid < 0) {
            fprintf(stderr, "walletwatch: cannot start worker %u: %s\n", i, strerror(errno));
            close(p[0]);
            return false;
        }
        pl->w[i].pid = pid;
        pl->w[i].fd = p[0];
    }
    return pl->rings == NULL || spawn_reader(pl, parent, child, in_child);
}

/* The size of each worker's ring: a power of two, RINGS_TOTAL shared out
 * (32 MiB each for two workers: room to even out bursts of one worker's
 * flows), RING_LEAST at least. */
static size_t ring_bytes(unsigned n)
{
    size_t each = RING_LEAST;
    while (each * 2 * n <= RINGS_TOTAL)
        each *= 2;
    return each;
}

static bool make_rings(struct pool *pl)
{
    pl->rings = calloc(pl->n, sizeof(*pl->rings));
    for (unsigned i = 0; pl->rings != NULL && i < pl->n; i++)
        if ((pl->rings[i] = ring_new(ring_bytes(pl->n))) == NULL)
            return false;
    return pl->rings != NULL;
}

int workers_run(unsigned n, bool with_reader, struct eve_file *out, struct workers_child *child)
{
    struct pool pl = {.n = n, .out = out, .reader_fd = -1};
    memset(child, 0, sizeof(*child));
    pl.w = calloc(n, sizeof(*pl.w));
    struct pollfd *pfd = calloc(n + 1, sizeof(*pfd));
    unsigned *idx = calloc(n + 1, sizeof(*idx));
    if (pl.w == NULL || pfd == NULL || idx == NULL || (with_reader && !make_rings(&pl))) {
        fprintf(stderr, "walletwatch: cannot start workers: %s\n", strerror(ENOMEM));
        pool_free(&pl);
        free(pfd);
        free(idx);
        return STATUS_RUNTIME;
    }
    for (unsigned i = 0; i < n; i++)
        pl.w[i].fd = -1;
    bool in_child = false;
    bool ok = spawn(&pl, child, &in_child);
    if (in_child) {
        free(pfd);
        free(idx);
        return -1;
    }
    for (unsigned i = 0; ok && i < n; i++) {
        pl.w[i].size = BUF_START;
        ok = (pl.w[i].buf = malloc(BUF_START)) != NULL;
    }
    if (!ok) { /* the children that did start would only wait or fill their pipes */
        signal_workers(&pl, SIGTERM);
        if (pl.reader_pid > 0)
            kill(pl.reader_pid, SIGTERM);
    } else {
        parent_loop(&pl, pfd, idx);
    }
    int status = reap(&pl);
    pool_free(&pl);
    free(pfd);
    free(idx);
    return ok ? status : STATUS_RUNTIME;
}

void workers_child_done(struct workers_child *child)
{
    free((void *)child->rings); /* the array; the rings go with the process */
    child->rings = NULL;
}

int workers_child_output(struct eve_file *ef, const struct workers_child *child)
{
    memset(ef, 0, sizeof(*ef));
    ef->fd = child->fd; /* path NULL: never reopened, never closed by eve_file_close */
    ef->buf = malloc(EVE_FILE_BUF);
    return ef->buf != NULL ? 0 : -1;
}

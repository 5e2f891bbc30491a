/* ring.c — the shared single-producer, single-consumer record ring.
 *
 * head and tail count bytes since the start and only grow; a record starts
 * at head % size with an 8-byte header {type, len}, its payload padded to 8
 * bytes. A record never wraps: when it does not fit before the end of the
 * buffer, a padding record (type 0) fills the rest and it goes at offset 0.
 * The producer publishes head after each record, the consumer tail after
 * each; each side keeps its last look at the other's counter and reads the
 * shared one again only when that look says it must wait.
 *
 * Sleeping: a side that found nothing to do sets its futex word to 1, looks
 * once more, then sleeps with FUTEX_WAIT (not _PRIVATE: the word is shared
 * between processes). The other side looks at that word after each publish
 * (sequentially consistent store, then load: either the sleeper sees the new
 * counter or the waker sees the 1) and, when it is 1 and the condition holds,
 * swaps it to 0 and calls FUTEX_WAKE. */
#define _GNU_SOURCE /* syscall */
#include "ring.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#define LINE 64
#define RING_HEAD 4096           /* the control block's page; the buffer follows */
#define RING_MIN (64u * 1024)
#define REC_HEAD 8
#define SPINS 128                /* looks before sleeping: a few microseconds */
#define TYPE_PAD 0

struct rec_head {
    uint32_t type;
    uint32_t len;
};

struct ring {
    /* the producer's: head written, tail_seen private */
    _Alignas(LINE) _Atomic uint64_t head;
    uint64_t tail_seen;
    /* the consumer's: tail written, the rest private */
    _Alignas(LINE) _Atomic uint64_t tail;
    uint64_t head_seen;
    uint64_t pending; /* bytes of the record ring_get handed out */
    /* futex words: 1 while that side sleeps or is about to */
    _Alignas(LINE) _Atomic uint32_t consumer_sleeps;
    _Alignas(LINE) _Atomic uint32_t producer_sleeps;
    _Atomic uint32_t finished; /* no record will follow */
    _Atomic uint32_t gone;     /* the consumer left */
    /* other processes waiting for the consumer's progress (ring_watch) */
    _Alignas(LINE) _Atomic uint32_t watchers; /* futex word: 1 while one sleeps */
    _Atomic uint64_t wanted;                  /* the least progress one waits for */
    /* fixed at creation */
    _Alignas(LINE) uint64_t size;
    uint64_t batch; /* queued bytes that make the producer wake a sleeping consumer */
};

_Static_assert(sizeof(struct ring) <= RING_HEAD, "control block fits its page");

static unsigned char *buffer(const struct ring *r)
{
    return (unsigned char *)r + RING_HEAD;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* Returns 0 when woken (or the word was no longer 1), -1 with errno. */
static int futex_wait(_Atomic uint32_t *word)
{
#ifdef __linux__
    return (int)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, 1u, NULL, NULL, 0);
#else
    (void)word; /* no futex: poll every millisecond */
    struct timespec ms = {0, 1000 * 1000};
    return nanosleep(&ms, NULL);
#endif
}

/* Wakes up to n processes sleeping on word, if one said it sleeps. */
static void wake_n(_Atomic uint32_t *word, int n)
{
    if (atomic_exchange(word, 0) == 0)
        return;
#ifdef __linux__
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
#else
    (void)n;
#endif
}

/* Wakes the side sleeping on word. */
static void wake(_Atomic uint32_t *word)
{
    wake_n(word, 1);
}

/* Wakes every process waiting for the consumer's progress. */
static void wake_watchers(struct ring *r)
{
    atomic_store(&r->wanted, UINT64_MAX);
    wake_n(&r->watchers, INT_MAX);
}

static uint64_t record_bytes(size_t len)
{
    return REC_HEAD + (((uint64_t)len + 7) & ~(uint64_t)7);
}

struct ring *ring_new(size_t bytes)
{
    size_t size = RING_MIN;
    while (size < bytes && size <= SIZE_MAX / 4)
        size *= 2;
    void *m = mmap(NULL, RING_HEAD + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    struct ring *r = m; /* zero-filled: counters 0, nobody sleeps */
    r->size = size;
    r->wanted = UINT64_MAX;
    r->batch = size / 8;
    return r;
}

void ring_free(struct ring *r)
{
    if (r != NULL)
        munmap(r, RING_HEAD + r->size);
}

size_t ring_max_record(const struct ring *r)
{
    return (size_t)(r->size / 4 - REC_HEAD);
}

size_t ring_used(const struct ring *r)
{
    return (size_t)(atomic_load((_Atomic uint64_t *)&r->head) -
                    atomic_load((_Atomic uint64_t *)&r->tail));
}

/* ---- producer ------------------------------------------------------------------- */

/* The end (in head bytes) of a record of len bytes put now, padding included. */
static uint64_t record_end(const struct ring *r, size_t len)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t need = record_bytes(len);
    uint64_t to_end = r->size - (head & (r->size - 1));
    return head + (to_end < need ? to_end : 0) + need;
}

/* Spins a little for the consumer to free room up to end. */
static bool room_for(struct ring *r, uint64_t end)
{
    for (unsigned i = 0;; i++) {
        if (end - r->tail_seen <= r->size)
            return true;
        if (i == SPINS)
            return false;
        if (i > 0)
            cpu_relax();
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
    }
}

static void write_head(struct ring *r, uint64_t at, uint32_t type, size_t len)
{
    struct rec_head h = {type, (uint32_t)len};
    memcpy(buffer(r) + (at & (r->size - 1)), &h, sizeof(h));
}

int ring_put(struct ring *r, uint32_t type, const void *a, size_t alen, const void *b,
             size_t blen)
{
    size_t len = alen + blen;
    if (len > ring_max_record(r) || len < alen || type == TYPE_PAD || type > RING_TYPE_MAX)
        return RING_TOO_BIG;
    if (atomic_load_explicit(&r->gone, memory_order_relaxed))
        return RING_GONE;
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t end = record_end(r, len);
    if (!room_for(r, end))
        return RING_FULL;
    uint64_t start = end - record_bytes(len);
    if (start != head) /* the rest of the buffer is padding; the record goes at 0 */
        write_head(r, head, TYPE_PAD, (size_t)(start - head - REC_HEAD));
    write_head(r, start, type, len);
    unsigned char *p = buffer(r) + (start & (r->size - 1)) + REC_HEAD;
    if (alen > 0)
        memcpy(p, a, alen);
    if (blen > 0)
        memcpy(p + alen, b, blen);
    atomic_store(&r->head, end);
    if (atomic_load(&r->consumer_sleeps) && end - atomic_load(&r->tail) >= r->batch)
        wake(&r->consumer_sleeps);
    return RING_OK;
}

void ring_kick(struct ring *r)
{
    if (atomic_load(&r->consumer_sleeps) && atomic_load(&r->head) != atomic_load(&r->tail))
        wake(&r->consumer_sleeps);
}

int ring_wait_room(struct ring *r, size_t len)
{
    if (len > ring_max_record(r))
        return RING_TOO_BIG;
    uint64_t end = record_end(r, len);
    for (;;) {
        if (atomic_load(&r->gone))
            return RING_GONE;
        if (room_for(r, end))
            return RING_OK;
        ring_kick(r); /* a full ring has woken its consumer already; make sure */
        atomic_store(&r->producer_sleeps, 1);
        r->tail_seen = atomic_load(&r->tail);
        if (end - r->tail_seen > r->size && !atomic_load(&r->gone)) {
            int rc = futex_wait(&r->producer_sleeps);
            int err = errno;
            atomic_store(&r->producer_sleeps, 0);
            if (rc != 0 && err == EINTR)
                return RING_INTR;
        } else {
            atomic_store(&r->producer_sleeps, 0);
        }
    }
}

void ring_finish(struct ring *r)
{
    atomic_store(&r->finished, 1);
    wake(&r->consumer_sleeps);
    wake_watchers(r);
}

/* ---- consumer ------------------------------------------------------------------- */

/* Moves tail past n bytes; wakes a sleeping producer once half the ring is free. */
static void advance(struct ring *r, uint64_t n)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed) + n;
    atomic_store(&r->tail, tail);
    if (atomic_load(&r->producer_sleeps) && atomic_load(&r->head) - tail <= r->size / 2)
        wake(&r->producer_sleeps);
}


/* Returns RING_OK once head_seen is past tail, else RING_END or RING_INTR. */
static int wait_data(struct ring *r, uint64_t tail)
{
    for (unsigned i = 0;; i++) {
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (r->head_seen != tail)
            return RING_OK;
        if (i < SPINS) {
            cpu_relax();
            continue;
        }
        if (atomic_load(&r->watchers)) /* run dry: nothing queued is left before anything */
            wake_watchers(r);
        atomic_store(&r->consumer_sleeps, 1);
        bool finished = atomic_load(&r->finished); /* before head: set after the last record */
        r->head_seen = atomic_load(&r->head);
        if (r->head_seen != tail || finished) {
            atomic_store(&r->consumer_sleeps, 0);
            return r->head_seen != tail ? RING_OK : RING_END;
        }
        int rc = futex_wait(&r->consumer_sleeps);
        int err = errno;
        atomic_store(&r->consumer_sleeps, 0);
        if (rc != 0 && err == EINTR)
            return RING_INTR;
    }
}

int ring_get(struct ring *r, struct ring_rec *rec)
{
    for (;;) {
        uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (tail == r->head_seen) {
            int rc = wait_data(r, tail);
            if (rc != RING_OK)
                return rc;
        }
        uint64_t off = tail & (r->size - 1);
        const unsigned char *p = buffer(r) + off;
        struct rec_head h;
        memcpy(&h, p, sizeof(h));
        if (record_bytes(h.len) > r->size - off) /* only a bug could write this */
            return RING_END;
        if (h.type == TYPE_PAD) {
            advance(r, record_bytes(h.len));
            continue;
        }
        rec->type = h.type;
        rec->data = p + REC_HEAD;
        rec->len = h.len;
        r->pending = record_bytes(h.len);
        return RING_OK;
    }
}

void ring_release(struct ring *r)
{
    advance(r, r->pending);
    r->pending = 0;
}

void ring_leave(struct ring *r)
{
    atomic_store(&r->gone, 1);
    wake(&r->producer_sleeps);
    wake_watchers(r);
}

/* ---- any process ---------------------------------------------------------------- */

int ring_peek(struct ring *r, struct ring_rec *rec, uint64_t *at)
{
    if (atomic_load(&r->gone))
        return RING_GONE;
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    *at = tail;
    for (uint64_t pos = tail; pos != head;) {
        uint64_t off = pos & (r->size - 1);
        struct rec_head h;
        memcpy(&h, buffer(r) + off, sizeof(h));
        if (record_bytes(h.len) > r->size - off || record_bytes(h.len) > head - pos)
            return RING_END; /* torn: the consumer moved on; ring_peek_valid says so */
        if (h.type != TYPE_PAD) {
            rec->type = h.type;
            rec->data = buffer(r) + off + REC_HEAD;
            rec->len = h.len;
            return RING_OK;
        }
        pos += record_bytes(h.len);
    }
    return RING_END;
}

bool ring_peek_valid(struct ring *r, uint64_t at)
{
    return atomic_load_explicit(&r->tail, memory_order_acquire) == at;
}

void ring_progress(struct ring *r, uint64_t progress)
{
    if (atomic_load(&r->watchers) && progress >= atomic_load(&r->wanted))
        wake_watchers(r);
}

void ring_watch(struct ring *r, uint64_t want)
{
    /* watchers first: a wake-up between the two stores clears it, and the
     * sleep then returns at once instead of missing the wake-up */
    atomic_store(&r->watchers, 1);
    uint64_t cur = atomic_load(&r->wanted);
    while (want < cur && !atomic_compare_exchange_weak(&r->wanted, &cur, want))
        ;
}

int ring_watch_sleep(struct ring *r)
{
    if (atomic_load(&r->gone))
        return RING_GONE;
    if (futex_wait(&r->watchers) != 0 && errno == EINTR)
        return RING_INTR;
    return RING_OK;
}

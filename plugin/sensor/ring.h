/* ring.h — a single-producer, single-consumer queue of records between two
 * processes: a power-of-two byte ring in an anonymous shared mapping made
 * before fork(). A record is copied in whole by the producer and read in
 * place by the consumer. A side that must wait spins briefly, then sleeps on
 * a futex; the other side makes the wake-up system call only when the
 * sleeper has said it sleeps, and only once there is enough to do: the
 * consumer when a batch has queued (or the producer kicks or finishes), the
 * producer when half the ring is free. */
#ifndef WW_SENSOR_RING_H
#define WW_SENSOR_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ring_status {
    RING_OK = 0,
    RING_END = 1,       /* ring_get: finished and drained */
    RING_FULL = -1,     /* ring_put: no room now; ring_wait_room, then try again */
    RING_GONE = -2,     /* the consumer left (ring_leave): records are not wanted */
    RING_INTR = -3,     /* a signal interrupted the wait */
    RING_TOO_BIG = -4,  /* longer than ring_max_record() */
};

#define RING_TYPE_MAX 0xfffffffeu /* record types are 1 .. RING_TYPE_MAX */

struct ring;

/* One record as ring_get hands it out: data stays valid until ring_release. */
struct ring_rec {
    uint32_t type;
    const void *data; /* 8-byte aligned */
    size_t len;
};

/* Returns a ring of at least bytes (rounded up to a power of two, 64 KiB at
 * least) in memory shared with the processes forked afterwards, or NULL. */
struct ring *ring_new(size_t bytes);
/* Unmaps the ring (in the calling process). */
void ring_free(struct ring *r);
/* Returns the longest record payload ring_put accepts (a quarter of the ring). */
size_t ring_max_record(const struct ring *r);
/* Returns the bytes queued (records and their headers), for tests. */
size_t ring_used(const struct ring *r);

/* Producer. Returns RING_OK after copying a then b as one record of type,
 * or RING_FULL (after a brief spin), RING_GONE or RING_TOO_BIG, writing nothing. */
int ring_put(struct ring *r, uint32_t type, const void *a, size_t alen, const void *b,
             size_t blen);
/* Returns RING_OK once a record of len bytes fits, or RING_GONE / RING_INTR. */
int ring_wait_room(struct ring *r, size_t len);
/* Wakes the consumer if it sleeps while records wait (a batch not yet full). */
void ring_kick(struct ring *r);
/* After the last record (producer, or the parent once the producer died):
 * the consumer drains what is queued and gets RING_END. */
void ring_finish(struct ring *r);

/* Consumer. Returns RING_OK with the oldest record in *rec, RING_END, or RING_INTR. */
int ring_get(struct ring *r, struct ring_rec *rec);
/* Frees the record handed out by the last ring_get. */
void ring_release(struct ring *r);
/* The consumer is gone (the parent, once it died): the producer stops waiting. */
void ring_leave(struct ring *r);

/* Any process: the oldest record not yet released (the one the consumer is
 * handling, or the next) in *rec, its position in *at. Returns RING_OK,
 * RING_END when none is queued, or RING_GONE when the consumer left. The
 * consumer may release it and the producer reuse its bytes meanwhile: the
 * answer, and what was read from the record, count only if
 * ring_peek_valid(r, at) says so afterwards. */
int ring_peek(struct ring *r, struct ring_rec *rec, uint64_t *at);
/* Whether the record ring_peek found at at was still unreleased. */
bool ring_peek_valid(struct ring *r, uint64_t at);

/* Progress: a number the consumer's user gives each record it takes (its
 * place in the capture), so that other processes can sleep until it gets
 * somewhere. Consumer: the record just taken has this progress; wakes the
 * watchers that wanted as much. It wakes them too when it runs dry, finishes
 * or leaves. */
void ring_progress(struct ring *r, uint64_t progress);
/* Any process: asks to be woken once progress reaches want. Look at what it
 * waits for once more, then ring_watch_sleep. */
void ring_watch(struct ring *r, uint64_t want);
/* Returns RING_OK when woken (or woken already: look again), RING_GONE, RING_INTR. */
int ring_watch_sleep(struct ring *r);

#endif

/* test-ring.c — sensor/ring.c: millions of records through a fork()ed
 * consumer arrive in order and intact across wrap-arounds of a small ring;
 * full and empty rings; records too long; a consumer that leaves; a signal
 * during a wait; a record below the wake-up batch waits for ring_kick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sensor/ring.h"

#define RECORDS 2000000u
#define PATTERN 65536

static uint8_t g_pattern[PATTERN + 16384];

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    return x;
}

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(g_pattern); i++)
        g_pattern[i] = (uint8_t)mix(i + 1);
}

/* Record k: type 1 + k % 5; the number k, then pattern bytes from k % PATTERN.
 * Mostly short, every 1000th as long as the ring takes, some empty. */
static size_t record_len(uint64_t k, size_t max)
{
    if (k % 1000 == 999)
        return max;
    if (k % 777 == 0)
        return 0;
    return 8 + (size_t)(mix(k) % 600);
}

static int put_record(struct ring *r, uint64_t k)
{
    size_t len = record_len(k, ring_max_record(r));
    if (len == 0)
        return ring_put(r, 1 + (uint32_t)(k % 5), NULL, 0, NULL, 0);
    return ring_put(r, 1 + (uint32_t)(k % 5), &k, sizeof(k), g_pattern + k % PATTERN,
                    len - sizeof(k));
}

/* In the consumer: returns 0 when record k is as put_record wrote it. */
static int check_record(const struct ring *r, const struct ring_rec *rec, uint64_t k)
{
    size_t len = record_len(k, ring_max_record(r));
    if (rec->type != 1 + k % 5 || rec->len != len)
        return 1;
    if (((uintptr_t)rec->data & 7) != 0)
        return 2;
    if (len == 0)
        return 0;
    uint64_t got;
    memcpy(&got, rec->data, sizeof(got));
    if (got != k)
        return 3;
    return memcmp((const uint8_t *)rec->data + 8, g_pattern + k % PATTERN, len - 8) != 0 ? 4 : 0;
}

static void put_blocking(struct ring *r, uint64_t k)
{
    int rc;
    while ((rc = put_record(r, k)) == RING_FULL)
        assert_int_equal(ring_wait_room(r, record_len(k, ring_max_record(r))), RING_OK);
    assert_int_equal(rc, RING_OK);
}

/* Leaves the ring (the producer fails fast) and exits with status. */
static void consumer_exit(struct ring *r, int status)
{
    if (status != 0)
        ring_leave(r);
    _exit(status);
}

/* The consumer of test_millions: exit status 0 when every record is right. */
static void consume_all(struct ring *r)
{
    struct ring_rec rec;
    for (uint64_t k = 0; k < RECORDS; k++) {
        if (ring_get(r, &rec) != RING_OK)
            consumer_exit(r, 10);
        int bad = check_record(r, &rec, k);
        if (bad != 0)
            consumer_exit(r, 10 + bad);
        ring_release(r);
    }
    consumer_exit(r, ring_get(r, &rec) == RING_END ? 0 : 20);
}

static void test_millions_through_a_child(void **state)
{
    (void)state;
    struct ring *r = ring_new(0); /* 64 KiB: tens of thousands of wrap-arounds */
    assert_non_null(r);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        consume_all(r);
    for (uint64_t k = 0; k < RECORDS; k++) {
        if (k % 200000 == 100000)
            sleep_ms(5); /* the consumer drains the ring and sleeps */
        put_blocking(r, k);
    }
    ring_finish(r);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(ring_used(r), 0);
    ring_free(r);
}

/* One process: fill, drain, fill again across the end of the buffer. */
static void test_full_and_empty(void **state)
{
    (void)state;
    struct ring *r = ring_new(0);
    assert_non_null(r);
    uint8_t rec[1000];
    for (int round = 0; round < 3; round++) {
        unsigned n = 0;
        int rc;
        memset(rec, round, sizeof(rec));
        while ((rc = ring_put(r, 7, &n, sizeof(n), rec, sizeof(rec) - sizeof(n))) == RING_OK)
            n++;
        assert_int_equal(rc, RING_FULL);
        assert_in_range(n, 64, 65); /* 65536 / 1008 bytes, less the padding at the end */
        assert_true(ring_used(r) >= 64 * 1008);
        struct ring_rec got;
        for (unsigned i = 0; i < n; i++) {
            assert_int_equal(ring_get(r, &got), RING_OK);
            assert_int_equal(got.type, 7);
            assert_int_equal(got.len, sizeof(rec));
            unsigned seq;
            memcpy(&seq, got.data, sizeof(seq));
            assert_int_equal(seq, i);
            assert_int_equal(((const uint8_t *)got.data)[999], round);
            ring_release(r);
        }
        assert_int_equal(ring_used(r), 0);
    }
    ring_finish(r);
    struct ring_rec got;
    assert_int_equal(ring_get(r, &got), RING_END);
    ring_free(r);
}

/* ring_peek: the record being handled stays the oldest until released;
 * padding is skipped; a position read before a release is no longer valid. */
static void test_peek(void **state)
{
    (void)state;
    struct ring *r = ring_new(0);
    assert_non_null(r);
    struct ring_rec rec, got;
    uint64_t at;
    assert_int_equal(ring_peek(r, &rec, &at), RING_END);
    assert_true(ring_peek_valid(r, at));
    static uint8_t big[16376];
    for (unsigned i = 0; i < 4; i++) /* 65528 of 65536 bytes: the next record goes after padding */
        assert_int_equal(ring_put(r, 1, big, i < 3 ? 16376 : 16368, NULL, 0), RING_OK);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(ring_get(r, &got), RING_OK);
        ring_release(r);
    }
    unsigned a = 1, b = 2;
    assert_int_equal(ring_put(r, 5, &a, sizeof(a), NULL, 0), RING_OK);
    assert_int_equal(ring_put(r, 6, &b, sizeof(b), NULL, 0), RING_OK);
    assert_int_equal(ring_peek(r, &rec, &at), RING_OK); /* past the padding */
    assert_int_equal(rec.type, 5);
    assert_int_equal(ring_get(r, &got), RING_OK);
    assert_int_equal(ring_peek(r, &rec, &at), RING_OK); /* handed out, not released */
    assert_int_equal(rec.type, 5);
    ring_release(r);
    assert_false(ring_peek_valid(r, at));
    assert_int_equal(ring_peek(r, &rec, &at), RING_OK);
    assert_int_equal(rec.type, 6);
    assert_true(ring_peek_valid(r, at));
    ring_leave(r);
    assert_int_equal(ring_peek(r, &rec, &at), RING_GONE);
    ring_free(r);
}

/* A watcher sleeps until the consumer has taken a record of the progress it
 * wants, and not before; then until it runs dry. */
static void test_watch_progress(void **state)
{
    (void)state;
    struct ring *r = ring_new(0);
    assert_non_null(r);
    _Atomic uint64_t *taken = mmap(NULL, sizeof(*taken), PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(taken != MAP_FAILED);
    *taken = 0;
    for (uint64_t i = 1; i <= 3; i++)
        assert_int_equal(ring_put(r, 1, &i, sizeof(i), NULL, 0), RING_OK);
    ring_watch(r, 2);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* the consumer: one record every 20 ms, then dry */
        struct ring_rec rec;
        for (int k = 0; k < 3; k++) {
            sleep_ms(20);
            if (ring_get(r, &rec) != RING_OK)
                _exit(1);
            uint64_t progress;
            memcpy(&progress, rec.data, sizeof(progress));
            *taken = progress;
            ring_progress(r, progress);
            ring_release(r);
        }
        ring_get(r, &rec); /* runs dry: wakes the watchers, then finishes */
        _exit(0);
    }
    assert_int_equal(ring_watch_sleep(r), RING_OK);
    assert_true(*taken >= 2);
    ring_watch(r, 10); /* never reached: woken when the ring runs dry */
    assert_int_equal(ring_watch_sleep(r), RING_OK);
    assert_int_equal(*taken, 3);
    ring_finish(r);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    munmap((void *)taken, sizeof(*taken));
    ring_free(r);
}

static void test_too_big(void **state)
{
    (void)state;
    struct ring *r = ring_new(100000); /* rounded up to 128 KiB */
    assert_non_null(r);
    size_t max = ring_max_record(r);
    assert_int_equal(max, 128 * 1024 / 4 - 8);
    static uint8_t big[128 * 1024];
    assert_int_equal(ring_put(r, 1, big, max + 1, NULL, 0), RING_TOO_BIG);
    assert_int_equal(ring_put(r, 1, big, max - 8, big, 9), RING_TOO_BIG);
    assert_int_equal(ring_put(r, 0, big, 8, NULL, 0), RING_TOO_BIG); /* type 0 is padding */
    assert_int_equal(ring_put(r, 1, big, max, NULL, 0), RING_OK);
    assert_int_equal(ring_wait_room(r, max + 1), RING_TOO_BIG);
    ring_free(r);
}

static void fill(struct ring *r)
{
    uint8_t rec[4000] = {0};
    while (ring_put(r, 1, rec, sizeof(rec), NULL, 0) == RING_OK)
        ;
}

/* The parent marks the ring left while the producer sleeps for room. */
static void test_consumer_leaves(void **state)
{
    (void)state;
    struct ring *r = ring_new(0);
    assert_non_null(r);
    fill(r);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sleep_ms(50);
        ring_leave(r);
        _exit(0);
    }
    assert_int_equal(ring_wait_room(r, 4000), RING_GONE);
    assert_int_equal(ring_put(r, 1, "x", 1, NULL, 0), RING_GONE);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    ring_free(r);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A signal ends either side's sleep with RING_INTR. */
static void test_signal_interrupts_waits(void **state)
{
    (void)state;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART, as the sensor's handlers */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50 * 1000}};
    struct ring *r = ring_new(0);
    assert_non_null(r);
    struct ring_rec rec;
    setitimer(ITIMER_REAL, &it, NULL);
    assert_int_equal(ring_get(r, &rec), RING_INTR); /* empty */
    fill(r);
    setitimer(ITIMER_REAL, &it, NULL);
    assert_int_equal(ring_wait_room(r, 4000), RING_INTR); /* full */
    signal(SIGALRM, SIG_DFL);
    ring_free(r);
}

/* A sleeping consumer is not woken for less than a batch until ring_kick. */
static void test_kick_wakes_for_a_small_batch(void **state)
{
    (void)state;
    struct ring *r = ring_new(0);
    assert_non_null(r);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ring_rec rec;
        if (ring_get(r, &rec) != RING_OK || rec.len != 5 || memcmp(rec.data, "hello", 5) != 0)
            _exit(1);
        ring_release(r);
        _exit(ring_get(r, &rec) == RING_END ? 0 : 2);
    }
    sleep_ms(100); /* the child sleeps on the empty ring */
    assert_int_equal(ring_put(r, 3, "hello", 5, NULL, 0), RING_OK);
    sleep_ms(100);
    assert_int_equal(ring_used(r), 16); /* not taken: 16 bytes are no batch */
    ring_kick(r);
    for (int i = 0; i < 500 && ring_used(r) != 0; i++)
        sleep_ms(10);
    assert_int_equal(ring_used(r), 0);
    ring_finish(r);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    ring_free(r);
}

int main(void)
{
    fill_pattern();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_millions_through_a_child),
        cmocka_unit_test(test_full_and_empty),
        cmocka_unit_test(test_peek),
        cmocka_unit_test(test_watch_progress),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_consumer_leaves),
        cmocka_unit_test(test_signal_interrupts_waits),
        cmocka_unit_test(test_kick_wakes_for_a_small_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

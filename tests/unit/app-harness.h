/* app-harness.h — what the messaging parsers' unit tests share: a capture of
 * the engine's two services, app_tx_done() and app_anomaly(), defined here so
 * that the engine's own object is never pulled from libwalletwatch.a; queries
 * on the captured events; and drivers that feed a scripted conversation
 * whole, cut at every offset, byte by byte and truncated.
 *
 * Each test is its own binary: include this header once, from the test's one
 * source file, and call harness_init() first thing in main(). Every captured
 * event must be a "messaging" one. */
#ifndef WW_TEST_APP_HARNESS_H
#define WW_TEST_APP_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "app/app.h"
#include "app/messaging.h"
#include "detect/detect-buffer.h"

/* ---- the capture --------------------------------------------------------- */

#define MAX_EV 64

struct ev {
    struct json_object *j; /* the event as to_json built it */
    char *text;            /* j serialised: plain, slashes not escaped */
    uint8_t *body;         /* the messaging.body buffer, NUL-terminated */
    size_t body_len;
    bool has_body;
    enum flow_dir dir;
    uint64_t tx_id;
};

static struct ev evs[MAX_EV];
static int nev;
static char anomalies[1024]; /* every anomaly in order, each ended by ';' */
static int nanom;

static const struct app_parser *harness_parser;
static struct flow test_flow;

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx;
    (void)f;
    assert_non_null(tx->to_json);
    assert_string_equal(tx->event_type, "messaging");
    assert_true(nev < MAX_EV);
    struct ev *e = &evs[nev++];
    memset(e, 0, sizeof(*e));
    e->j = json_object_new_object();
    tx->to_json(tx->tx, e->j);
    e->text = strdup(json_object_to_json_string_ext(e->j, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE));
    e->dir = tx->dir;
    e->tx_id = tx->tx_id;
    int body_id = detect_buffer_id("messaging.body");
    for (size_t i = 0; i < tx->nbufs; i++) {
        if (body_id < 0 || tx->bufs[i].id != body_id)
            continue;
        free(e->body);
        e->body = malloc(tx->bufs[i].len + 1);
        memcpy(e->body, tx->bufs[i].data, tx->bufs[i].len);
        e->body[tx->bufs[i].len] = '\0';
        e->body_len = tx->bufs[i].len;
        e->has_body = true;
    }
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    size_t n = strlen(anomalies);
    snprintf(anomalies + n, sizeof(anomalies) - n, "%s;", event);
    nanom++;
}

/* Forgets every captured event and anomaly. */
static inline void reset(void)
{
    for (int i = 0; i < nev; i++) {
        json_object_put(evs[i].j);
        free(evs[i].text);
        free(evs[i].body);
    }
    nev = 0;
    anomalies[0] = '\0';
    nanom = 0;
}

/* The parser the drivers feed, registered, and the flow it sees. */
static inline void harness_init(const struct app_parser *p, uint16_t srv_port)
{
    harness_parser = p;
    test_flow.proto = 6;
    test_flow.app_proto = p->name;
    test_flow.srv_port = srv_port;
    p->register_buffers();
}

/* ---- queries ------------------------------------------------------------- */

/* The value at a dotted path ("messaging.auth.user") of event i, or NULL. */
static inline struct json_object *ev_get(int i, const char *path)
{
    struct json_object *cur = evs[i].j;
    while (cur && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        char key[64];
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        if (!json_object_object_get_ex(cur, key, &cur))
            return NULL;
        path += n + (dot ? 1 : 0);
    }
    return cur;
}

static inline const char *ev_str(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

static inline int64_t ev_int(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    assert_non_null(o);
    return json_object_get_int64(o);
}

static inline bool ev_bool(int i, const char *path)
{
    struct json_object *o = ev_get(i, path);
    assert_non_null(o);
    assert_true(json_object_is_type(o, json_type_boolean));
    return json_object_get_boolean(o);
}

static inline void assert_str(int i, const char *path, const char *want)
{
    const char *got = ev_str(i, path);
    if (!got || strcmp(got, want) != 0)
        fail_msg("event %d %s: got \"%s\", want \"%s\" in %s", i, path, got ? got : "(absent)",
                 want, evs[i].text);
}

/* Whether event i's JSON text contains needle. */
static inline bool json_has(int i, const char *needle)
{
    return i < nev && strstr(evs[i].text, needle) != NULL;
}

static inline bool any_json_has(const char *needle)
{
    for (int i = 0; i < nev; i++)
        if (strstr(evs[i].text, needle))
            return true;
    return false;
}

/* No captured event may hold secret, in any form. */
static inline void assert_no_secret(const char *secret)
{
    for (int i = 0; i < nev; i++)
        if (strstr(evs[i].text, secret))
            fail_msg("secret \"%s\" leaked into event %d: %s", secret, i, evs[i].text);
}

static inline bool has_anomaly(const char *name)
{
    size_t n = strlen(name);
    for (const char *a = anomalies; *a;) {
        const char *end = strchr(a, ';');
        size_t len = end ? (size_t)(end - a) : strlen(a);
        if (len == n && memcmp(a, name, n) == 0)
            return true;
        if (!end)
            break;
        a = end + 1;
    }
    return false;
}

/* ---- driving the parser over a scripted conversation ---------------------- */

struct step {
    enum flow_dir dir;
    const char *data;
    size_t len;
};
#define TS(s) {DIR_TOSERVER, s, sizeof(s) - 1}
#define TC(s) {DIR_TOCLIENT, s, sizeof(s) - 1}
#define NSTEPS(a) (sizeof(a) / sizeof((a)[0]))

/* Feeds one chunk through a heap copy of exactly its size, so that ASan
 * catches any read past the chunk; returns parse()'s result. */
static inline int feed(void *st, enum flow_dir dir, const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, data, len);
    int rc = harness_parser->parse(NULL, &test_flow, st, dir, copy, len, false);
    free(copy);
    return rc;
}

/* Runs steps through a fresh state; step split_step is cut at split_at when
 * that falls inside it; bytewise feeds every byte alone. Stops after the
 * first nonzero parse() result and returns the last one. */
static inline int run_split(const struct step *steps, size_t n, size_t split_step, size_t split_at,
                            bool bytewise)
{
    reset();
    void *st = harness_parser->state_new();
    assert_non_null(st);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct step *s = &steps[i];
        if (bytewise) {
            for (size_t k = 0; k < s->len && rc == 0; k++)
                rc = feed(st, s->dir, s->data + k, 1);
        } else if (i == split_step && split_at > 0 && split_at < s->len) {
            rc = feed(st, s->dir, s->data, split_at);
            if (rc == 0)
                rc = feed(st, s->dir, s->data + split_at, s->len - split_at);
        } else {
            rc = feed(st, s->dir, s->data, s->len);
        }
    }
    harness_parser->state_free(st);
    return rc;
}

static inline int run(const struct step *steps, size_t n)
{
    return run_split(steps, n, SIZE_MAX, 0, false);
}

/* Runs the conversation whole, byte by byte, and cut at every offset of every
 * step, calling check() after each run. */
static inline void run_all_splits(const struct step *steps, size_t n, void (*check)(int rc))
{
    check(run(steps, n));
    check(run_split(steps, n, 0, 0, true));
    for (size_t i = 0; i < n; i++)
        for (size_t at = 1; at < steps[i].len; at++)
            check(run_split(steps, n, i, at, false));
    reset();
}

/* Everything the parser produced, as one string to compare runs. */
static inline char *events_digest(void)
{
    size_t total = strlen(anomalies) + 16;
    for (int i = 0; i < nev; i++)
        total += strlen(evs[i].text) + evs[i].body_len + 32;
    char *d = calloc(1, total);
    size_t off = 0;
    for (int i = 0; i < nev; i++) {
        off += (size_t)snprintf(d + off, total - off, "%s|%zu|", evs[i].text, evs[i].body_len);
        if (evs[i].body)
            memcpy(d + off, evs[i].body, evs[i].body_len);
        off += evs[i].body_len;
        d[off++] = '\n';
    }
    snprintf(d + off, total - off, "%s", anomalies);
    return d;
}

/* Splitting any step at any offset, or feeding byte by byte, changes nothing. */
static inline void assert_split_invariant(const struct step *steps, size_t n)
{
    int want_rc = run(steps, n);
    char *want = events_digest();
    for (size_t i = 0; i < n; i++)
        for (size_t k = 1; k < steps[i].len; k++) {
            int rc = run_split(steps, n, i, k, false);
            char *got = events_digest();
            if (strcmp(got, want) != 0 || rc != want_rc)
                fail_msg("step %zu split at %zu:\n got %s\nwant %s", i, k, got, want);
            free(got);
        }
    int rc = run_split(steps, n, 0, 0, true);
    char *got = events_digest();
    assert_int_equal(rc, want_rc);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

/* Every prefix of the whole conversation (the capture ends there) is handled
 * without a crash (ASan: nothing read past it, nothing leaked), and produces
 * no more events than the full run. */
static inline void assert_truncation_safe(const struct step *steps, size_t n)
{
    run(steps, n);
    int full = nev;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < steps[i].len; k++) {
            struct step part[64];
            assert_true(i + 1 <= 64);
            memcpy(part, steps, (i + 1) * sizeof(*steps));
            part[i].len = k;
            run(part, i + 1);
            assert_true(nev <= full);
        }
}

#endif

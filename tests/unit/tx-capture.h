/* tx-capture.h — what the single-event-type parsers' unit tests (DNS, TLS)
 * share: a capture of the engine's two services, app_tx_done() and
 * app_anomaly(), defined here so that the engine's own object is never pulled
 * from libwalletwatch.a, and queries on the captured transactions.
 *
 * Before including, define TX_CAPTURE_EVENT_TYPE (every captured transaction
 * must carry it), TX_CAPTURE_MAX (transactions per test) and
 * TX_CAPTURE_BUF_LEN (room for one sticky buffer, NUL included). Include once,
 * from the test's one source file; register teardown() with each test. */
#ifndef WW_TEST_TX_CAPTURE_H
#define WW_TEST_TX_CAPTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "app/app.h"
#include "detect/detect-buffer.h"
#include "tx-json.h"

struct seen_tx {
    struct json_object *ev; /* {"<event type>": {...}} as the events carry it */
    enum flow_dir dir;
    uint64_t tx_id;
    size_t nbufs;
    int buf_id[APP_TX_MAX_BUFS];
    char buf[APP_TX_MAX_BUFS][TX_CAPTURE_BUF_LEN];
};

static struct seen_tx txs[TX_CAPTURE_MAX];
static size_t ntx;
static char last_anomaly[64];
static unsigned nanomaly;

void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx;
    (void)f;
    assert_true(ntx < TX_CAPTURE_MAX);
    struct seen_tx *s = &txs[ntx++];
    assert_string_equal(tx->event_type, TX_CAPTURE_EVENT_TYPE);
    s->ev = tx_members_json(tx);
    assert_non_null(s->ev);
    s->dir = tx->dir;
    s->tx_id = tx->tx_id;
    s->nbufs = tx->nbufs;
    for (size_t i = 0; i < tx->nbufs; i++) {
        s->buf_id[i] = tx->bufs[i].id;
        assert_true(tx->bufs[i].len < sizeof(s->buf[i]));
        memcpy(s->buf[i], tx->bufs[i].data, tx->bufs[i].len);
        s->buf[i][tx->bufs[i].len] = '\0';
    }
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx;
    (void)f;
    snprintf(last_anomaly, sizeof(last_anomaly), "%s", event);
    nanomaly++;
}

static inline void reset(void)
{
    for (size_t i = 0; i < ntx; i++)
        json_object_put(txs[i].ev);
    ntx = 0;
    nanomaly = 0;
    last_anomaly[0] = '\0';
}

static inline int teardown(void **state)
{
    (void)state;
    reset();
    return 0;
}

/* The value at a dotted path ("dns.answers.0.rdata"), or NULL. */
static inline struct json_object *jpath(struct json_object *o, const char *path)
{
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *part = tmp, *next; part && o; part = next) {
        next = strchr(part, '.');
        if (next)
            *next++ = '\0';
        if (json_object_is_type(o, json_type_array)) {
            char *end;
            unsigned long i = strtoul(part, &end, 10);
            o = *end == '\0' ? json_object_array_get_idx(o, i) : NULL;
        } else if (!json_object_object_get_ex(o, part, &o)) {
            o = NULL;
        }
    }
    return o;
}

static inline const char *jstr(size_t tx, const char *path)
{
    struct json_object *o = jpath(txs[tx].ev, path);
    return o ? json_object_get_string(o) : "(absent)";
}

static inline int64_t jint(size_t tx, const char *path)
{
    struct json_object *o = jpath(txs[tx].ev, path);
    assert_non_null(o);
    return json_object_get_int64(o);
}

static inline bool has(size_t tx, const char *path)
{
    return jpath(txs[tx].ev, path) != NULL;
}

/* The value of the named sticky buffer in tx, or NULL. */
static inline const char *buf(size_t tx, const char *name)
{
    int id = detect_buffer_id(name);
    for (size_t i = 0; i < txs[tx].nbufs; i++) {
        if (txs[tx].buf_id[i] == id)
            return txs[tx].buf[i];
    }
    return NULL;
}

#endif

/* eve-stats.c — the `stats` event (Suricata src/output-json-stats.c):
 * every counter under "stats", nested at the dots of its name
 * ("decoder.pkts" → stats.decoder.pkts). */
#include <string.h>

#include "../util/counters.h"
#include "eve.h"

/* The object under key in parent, created if missing; NULL when key holds
 * a number (a name clash) or memory ran out. */
static struct json_object *child_object(struct json_object *parent, const char *key)
{
    struct json_object *c;
    if (json_object_object_get_ex(parent, key, &c))
        return json_object_is_type(c, json_type_object) ? c : NULL;
    c = json_object_new_object();
    if (c != NULL)
        json_object_object_add(parent, key, c);
    return c;
}

static void put_dotted(struct json_object *root, const char *name, uint64_t value)
{
    char seg[64];
    struct json_object *o = root;
    const char *p = name;
    const char *dot;

    while ((dot = strchr(p, '.')) != NULL) {
        size_t n = (size_t)(dot - p);
        if (n == 0 || n >= sizeof(seg))
            return;
        memcpy(seg, p, n);
        seg[n] = '\0';
        o = child_object(o, seg);
        if (o == NULL)
            return;
        p = dot + 1;
    }
    json_object_object_add(o, p, json_object_new_uint64(value));
}

void eve_log_stats(struct eve *eve, const struct timeval *ts, uint64_t uptime, const uint64_t *ctr)
{
    struct json_object *s = json_object_new_object();
    if (s == NULL)
        return;
    json_object_object_add(s, "uptime", json_object_new_uint64(uptime));
    for (unsigned i = 0; ctr != NULL && i < CTR_COUNT; i++) {
        uint64_t v = ctr[i];
        if (i == CTR_DECODER_AVG_PKT_SIZE) {
            uint64_t pkts = ctr[CTR_DECODER_PKTS];
            v = pkts > 0 ? ctr[CTR_DECODER_BYTES] / pkts : 0;
        }
        put_dotted(s, counter_name((enum counter)i), v);
    }
    struct json_text *w = eve_begin_bare(eve, "stats", ts);
    jt_json(w, "stats", s);
    eve_end(eve);
    json_object_put(s);
}

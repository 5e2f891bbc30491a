/* detectors.c — the verdict helpers and the dispatch to each detector.
 * With no detector configured yet, every hook is a no-op. */
#include "detectors.h"

#include <stdlib.h>
#include <string.h>

struct detectors {
    int unused;
};

void detector_verdict_add(struct detector_verdict *v, const char *name, struct json_object *details)
{
    size_t n = strlen(name);
    if (v->len + n + 1 <= sizeof(v->names)) {
        memcpy(v->names + v->len, name, n);
        v->names[v->len + n] = '\n';
        v->len += n + 1;
    }
    if (!details)
        return;
    if (!v->context)
        v->context = json_object_new_object();
    json_object_object_add(v->context, name, details);
}

void detector_verdict_clear(struct detector_verdict *v)
{
    json_object_put(v->context);
    memset(v, 0, sizeof(*v));
}

struct detectors *detectors_new(const ww_config *cfg, detectors_report_fn report, void *user,
                                bool *failed)
{
    (void)cfg;
    (void)report;
    (void)user;
    *failed = false;
    return calloc(1, sizeof(struct detectors));
}

void detectors_free(struct detectors *d)
{
    free(d);
}

void detectors_on_tx(struct detectors *d, struct flow *f, const struct app_tx *tx,
                     const struct timeval *now, struct detector_verdict *out)
{
    (void)d, (void)f, (void)tx, (void)now, (void)out;
}

void detectors_on_flow_start(struct detectors *d, struct flow *f, const struct timeval *now,
                             struct detector_verdict *out)
{
    (void)d, (void)f, (void)now, (void)out;
}

/* engine-detect.c — rules in the engine: loading and reloading a ruleset
 * (built beside the running one, swapped in between packets), and the calls
 * from the packet, stream and transaction paths into detection. */
#include <stdio.h>
#include <stdlib.h>

#include "../output/eve-alert.h"
#include "engine.h"

struct problem_relay {
    ww_problem_cb report;
    void *user;
};

static void relay(void *user, const char *msg)
{
    struct problem_relay *r = user;
    if (r->report)
        r->report(msg, r->user);
}

static const char *file_or_null(const ww_config *cfg, enum conf_key k)
{
    const char *s = conf_str(cfg, k);
    return s && *s ? s : NULL;
}

WW_EXPORT int ww_engine_load_rules(ww_engine *eng, const char *const *paths, size_t npaths,
                                   ww_problem_cb report, void *user, unsigned *loaded,
                                   unsigned *failed)
{
    if (!eng || (!paths && npaths))
        return WW_E_INVAL;
    if (!eng->flowbits && !(eng->flowbits = flowbit_names_new()))
        return WW_E_NOMEM;
    struct detect_config dc = {
        .paths = paths,
        .npaths = npaths,
        .classification_file = file_or_null(eng->cfg, CONF_CLASSIFICATION_FILE),
        .reference_file = file_or_null(eng->cfg, CONF_REFERENCE_FILE),
        .threshold_file = file_or_null(eng->cfg, CONF_THRESHOLD_FILE),
        .fallback_dir = file_or_null(eng->cfg, CONF_DEFAULT_SIGNATURE_DIR),
        .home_net = conf_str(eng->cfg, CONF_HOME_NET),
        .flowbits = eng->flowbits,
        .dataset_memcap = conf_num(eng->cfg, CONF_DATASET_MEMCAP),
        .threshold_memcap = conf_num(eng->cfg, CONF_THRESHOLD_MEMCAP),
        .threshold_shared = eng->share ? eng->share->thresholds : NULL,
    };
    struct problem_relay r = {report, user};
    struct detect_engine *de = NULL;
    struct detect_load_stats st = {0, 0};
    int rc = detect_engine_load(&dc, relay, &r, &de, &st);
    if (loaded)
        *loaded = st.loaded;
    if (failed)
        *failed = st.failed;
    if (rc != 0)
        return rc;
    bool bad = false;
    struct detectors *d = detectors_new(eng->cfg, paths, npaths,
                                        eng->share ? &eng->share->detectors : NULL, relay, &r,
                                        &bad);
    if (!d || bad) {
        detectors_free(d);
        detect_engine_free(de);
        if (failed)
            (*failed)++;
        return WW_E_CONFIG;
    }
    detect_engine_free(eng->de);
    eng->de = de;
    detectors_free(eng->detectors);
    eng->detectors = d;
    return 0;
}

void engine_detect_free(ww_engine *eng)
{
    detectors_free(eng->detectors);
    eng->detectors = NULL;
    detect_engine_free(eng->de);
    eng->de = NULL;
    flowbit_names_free(eng->flowbits);
    eng->flowbits = NULL;
}

static void on_alert(void *user, const struct detect_hit *hit)
{
    ww_engine *eng = user;
    eve_log_alert(&eng->eve, hit, &eng->now, eng->frame,
                  conf_num(eng->cfg, CONF_PAYLOAD_PRINTABLE) != 0);
}

static struct detect_run run_of(ww_engine *eng)
{
    struct detect_run run = {eng->de, on_alert, eng, &eng->now, &eng->order, eng->ctr};
    return run;
}

void engine_detect_packet(ww_engine *eng, struct flow *f, enum flow_dir dir, const struct pkt *p)
{
    if (!eng->de)
        return;
    struct detect_run run = run_of(eng);
    detect_packet(&run, f, dir, p);
}

void engine_detect_stream(ww_engine *eng, struct flow *f, enum flow_dir dir, const uint8_t *data,
                          size_t len, bool gap)
{
    if (!eng->de)
        return;
    struct detect_run run = run_of(eng);
    detect_stream(&run, f, dir, data, len, gap);
}

void engine_detect_tx(ww_engine *eng, struct flow *f, const struct app_tx *tx)
{
    if (!eng->de)
        return;
    struct detect_run run = run_of(eng);
    detect_tx(&run, f, tx);
}

/* engine-detectors.c — the stateful detectors in the packet path: each
 * transaction and each new flow goes past them; what they find is added to
 * the transaction as the detector.event buffer (with its details as
 * alert.context) before the rules run, so shipped rules turn findings into
 * alerts with stable sids. */
#include <stdlib.h>
#include <string.h>

#include "../app/app-wallet.h"
#include "../detect/detect-buffer.h"
#include "../detectors/policy.h"
#include "../detectors/policy-shared.h"
#include "../detect/detect-threshold.h"
#include "../detectors/tamper.h"
#include "../util/conf.h"
#include "engine.h"

static bool add_findings(ww_engine *eng, struct app_tx *tx, struct detector_verdict *v)
{
    if (!v->len || eng->detector_buffer < 0 || tx->nbufs >= APP_TX_MAX_BUFS)
        return false;
    tx->bufs[tx->nbufs].id = eng->detector_buffer;
    tx->bufs[tx->nbufs].data = (const uint8_t *)v->names;
    tx->bufs[tx->nbufs].len = v->len;
    tx->nbufs++;
    tx->alert_context = v->context;
    return true;
}

void engine_detectors_tx(ww_engine *eng, struct flow *f, const struct app_tx *tx)
{
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    if (eng->detectors)
        detectors_on_tx(eng->detectors, f, tx, &eng->now, &eng->order, &v);
    if (eng->learn && tx->tx && tx->event_type && strcmp(tx->event_type, "wallet") == 0)
        policy_learn_call(eng->learn, f, tx->tx, &eng->now);
    struct app_tx with = *tx;
    add_findings(eng, &with, &v);
    engine_detect_tx(eng, f, &with);
    detector_verdict_clear(&v);
}

void engine_detectors_flow_start(ww_engine *eng, struct flow *f)
{
    if (!eng->detectors)
        return;
    struct detector_verdict v;
    memset(&v, 0, sizeof(v));
    detectors_on_flow_start(eng->detectors, f, &eng->now, &v);
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.dir = DIR_TOSERVER;
    if (add_findings(eng, &tx, &v))
        engine_detect_tx(eng, f, &tx);
    detector_verdict_clear(&v);
}

WW_EXPORT ww_share *ww_share_new(const ww_config *cfg)
{
    ww_share *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->detectors.tamper = tamper_new_shared(TAMPER_MAX_REQUESTS, TAMPER_WINDOW_SECS);
    s->detectors.policy = policy_shared_new();
    s->thresholds = threshold_table_new_shared(conf_num(cfg, CONF_THRESHOLD_MEMCAP));
    if (!s->detectors.tamper || !s->detectors.policy || !s->thresholds) {
        ww_share_free(s);
        return NULL;
    }
    return s;
}

WW_EXPORT void ww_share_free(ww_share *s)
{
    if (!s)
        return;
    tamper_free(s->detectors.tamper);
    policy_shared_free(s->detectors.policy);
    threshold_table_free(s->thresholds);
    free(s);
}

WW_EXPORT int ww_engine_share(ww_engine *eng, ww_share *s, ww_order_cb wait, void *user)
{
    if (!eng || !s)
        return WW_E_INVAL;
    eng->share = s;
    eng->order.wait = wait;
    eng->order.user = user;
    return 0;
}

WW_EXPORT int ww_engine_learn(ww_engine *eng, const char *path_out)
{
    if (!eng)
        return WW_E_INVAL;
    engine_learn_free(eng);
    if (!path_out)
        return 0;
    eng->learn = policy_learn_new(conf_str(eng->cfg, CONF_HOME_NET));
    eng->learn_path = strdup(path_out);
    if (!eng->learn || !eng->learn_path) {
        engine_learn_free(eng);
        return WW_E_NOMEM;
    }
    return 0;
}

int engine_learn_write(ww_engine *eng)
{
    char err[4200];
    if (!eng->learn)
        return 0;
    if (policy_learn_write(eng->learn, eng->learn_path, err, sizeof(err)) != 0) {
        LOG_ERR(&eng->log, "%s", err);
        return WW_E_WRITE;
    }
    LOG_INFO(&eng->log, "wrote the learned wallet policy to %s", eng->learn_path);
    return 0;
}

void engine_learn_free(ww_engine *eng)
{
    policy_learn_free(eng->learn);
    free(eng->learn_path);
    eng->learn = NULL;
    eng->learn_path = NULL;
}

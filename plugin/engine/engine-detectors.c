/* engine-detectors.c — the stateful detectors in the packet path: each
 * transaction and each new flow goes past them; what they find is added to
 * the transaction as the detector.event buffer (with its details as
 * alert.context) before the rules run, so shipped rules turn findings into
 * alerts with stable sids. */
#include <string.h>

#include "../detect/detect-buffer.h"
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
        detectors_on_tx(eng->detectors, f, tx, &eng->now, &v);
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

/* eve-anomaly.c — the `anomaly` event (Suricata src/output-json-anomaly.c;
 * schema #/properties/anomaly): type "decode" | "stream" | "applayer",
 * event the dotted event name. */
#include "eve.h"

void eve_log_anomaly(struct eve *eve, const struct pkt *pkt, const struct flow *f, const char *type,
                     const char *event)
{
    struct json_text *w;

    if (pkt != NULL)
        w = eve_begin_packet(eve, "anomaly", pkt, f);
    else if (f != NULL)
        w = eve_begin_flow(eve, "anomaly", f, &f->last);
    else
        return;
    jt_object(w, "anomaly");
    jt_string(w, "type", type);
    jt_string(w, "event", event);
    jt_end_object(w);
    if (f != NULL && f->app_proto != NULL)
        jt_string(w, "app_proto", f->app_proto);
    eve_end(eve);
}

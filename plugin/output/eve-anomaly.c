/* eve-anomaly.c — the `anomaly` event (Suricata src/output-json-anomaly.c;
 * schema #/properties/anomaly): type "decode" | "stream" | "applayer",
 * event the dotted event name. */
#include "eve.h"

void eve_log_anomaly(struct eve *eve, const struct pkt *pkt, const struct flow *f, const char *type,
                     const char *event)
{
    struct json_object *o;

    if (pkt != NULL)
        o = eve_begin_packet("anomaly", pkt, f);
    else if (f != NULL)
        o = eve_begin_flow("anomaly", f, &f->last);
    else
        return;
    if (o == NULL)
        return;

    struct json_object *a = json_object_new_object();
    if (a != NULL) {
        json_object_object_add(a, "type", json_object_new_string(type));
        json_object_object_add(a, "event", json_object_new_string(event));
    }
    json_object_object_add(o, "anomaly", a);
    if (f != NULL && f->app_proto != NULL)
        json_object_object_add(o, "app_proto", json_object_new_string(f->app_proto));
    eve_emit(eve, o);
}

/* eve-alert.h — the `alert` event. */
#ifndef WW_EVE_ALERT_H
#define WW_EVE_ALERT_H

#include "../detect/detect-engine.h"
#include "eve.h"

/* Logs hit; frame is the packet being processed (NULL at a flush), now the
 * engine's time; payload_printable adds the inspected bytes with
 * non-printable ones as '.'. */
void eve_log_alert(struct eve *eve, const struct detect_hit *hit, const struct timeval *now,
                   const struct ww_packet *frame, bool payload_printable);

#endif

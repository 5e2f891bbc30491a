/* eve-tx.h — a transaction's member in an event: its own event
 * (app_tx_done) and every alert on it carry the same one. */
#ifndef WW_EVE_TX_H
#define WW_EVE_TX_H

#include "../app/app.h"
#include "json-text.h"

/* Writes tx's member(s) by its text emitter or, for a parser that builds a
 * json-c tree, by serialising that tree; nothing when it has neither. */
void eve_put_tx(struct json_text *w, const struct app_tx *tx);

#endif

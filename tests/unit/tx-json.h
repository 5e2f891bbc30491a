/* tx-json.h — what a transaction writes into its events (eve_put_tx: the
 * parser's text emitter or its json-c tree), for the parser tests that
 * capture app_tx_done(). */
#ifndef WW_TEST_TX_JSON_H
#define WW_TEST_TX_JSON_H

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/app.h"
#include "output/eve-tx.h"

/* {"<member>":{...}} exactly as an event carries the member(s); malloc'd. */
static inline char *tx_members_text(const struct app_tx *tx)
{
    struct json_text w;
    jt_init(&w, NULL, 0); /* no storage: the text goes to the heap */
    jt_object(&w, NULL);
    eve_put_tx(&w, tx);
    jt_end_object(&w);
    text_buf_put(&w.buf, "", 1);
    char *text = w.buf.failed ? NULL : strdup(w.buf.data);
    text_buf_release(&w.buf);
    return text;
}

/* The same text parsed by json-c, or NULL when it is not JSON or json-c
 * would not write it back byte for byte (then the emitter wrote something
 * other than plain compact JSON). */
static inline struct json_object *tx_members_json(const struct app_tx *tx)
{
    char *text = tx_members_text(tx);
    struct json_object *o = text ? json_tokener_parse(text) : NULL;
    const char *back = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE)
                         : NULL;
    if (back == NULL || strcmp(back, text) != 0) {
        json_object_put(o);
        o = NULL;
    }
    free(text);
    return o;
}

#endif

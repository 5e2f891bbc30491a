/* eve-tx.c — see eve-tx.h. */
#include "eve-tx.h"

void eve_put_tx(struct json_text *w, const struct app_tx *tx)
{
    if (tx->to_text != NULL) {
        tx->to_text(tx->tx, w);
    } else if (tx->to_json != NULL) {
        /* to_json adds its member to an object: a scratch one, whose members
         * become the event's (none of them can be a header key). */
        struct json_object *members = json_object_new_object();
        if (members == NULL) {
            w->buf.failed = true;
            return;
        }
        tx->to_json(tx->tx, members);
        jt_json_members(w, members);
        json_object_put(members);
    }
}

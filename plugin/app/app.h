/* app.h — the seam between reassembly and the protocol parsers.
 *
 * A parser registers one struct app_parser in app-detect.c's table (one
 * line) and never touches capture, decode or stream code: it is offered the
 * first bytes of each TCP direction or UDP datagram, claims the flow by
 * returning true from probe(), and then receives every reassembled chunk
 * (and every gap) of that flow in order. */
#ifndef WW_APP_H
#define WW_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../stream/flow.h"

struct app_ctx; /* the engine's services to parsers (events, counters) */

struct app_parser {
    const char *name; /* app_proto in EVE, e.g. "http" */
    uint8_t ipproto;  /* 6 or 17 */
    /* Returns true when the first bytes of a direction look like this protocol. */
    bool (*probe)(const uint8_t *data, size_t len, enum flow_dir dir, const struct flow *f);
    /* Returns new per-flow state, or NULL when out of memory. */
    void *(*state_new)(void);
    void (*state_free)(void *state);
    /* Parses a chunk (data NULL when gap: len bytes were lost); returns 0, or
     * -1 to stop parsing this flow. */
    int (*parse)(struct app_ctx *ctx, struct flow *f, void *state, enum flow_dir dir,
                 const uint8_t *data, size_t len, bool gap);
};

/* Offers a chunk of f to the parsers: detection first, then the owner's parse(). */
void app_on_data(struct app_ctx *ctx, struct flow *f, enum flow_dir dir, const uint8_t *data,
                 size_t len, bool gap);
/* Releases f's parser state when the flow ends. */
void app_on_flow_end(struct flow *f);

#endif

/* eve-text.h — the text of the values every EVE event carries, without
 * printf: timestamps (the format of eve_format_time) and addresses (the
 * text of ww_addr_format). */
#ifndef WW_EVE_TEXT_H
#define WW_EVE_TEXT_H

#include <stddef.h>
#include <sys/time.h>

#include "../decode/decode.h"

/* Room for any timestamp: 31 characters in years 0000..9999, more outside. */
#define EVE_TIME_BUF 64
/* Room for any address: 8 groups of 4 hex digits, 7 colons, NUL. */
#define EVE_ADDR_BUF 40

/* "2024-05-31T10:15:22.123456+0000" of tv into out[EVE_TIME_BUF],
 * NUL-terminated; returns its length. */
size_t eve_time_text(const struct timeval *tv, char *out);
/* ww_addr_format's text of a into out[EVE_ADDR_BUF], NUL-terminated;
 * returns its length ("" for a family other than 4 or 6). */
size_t eve_addr_text(const struct ww_addr *a, char *out);

#endif

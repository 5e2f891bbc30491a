/* community-id.h — Community ID v1 (corelight/community-id-spec). */
#ifndef WW_COMMUNITY_ID_H
#define WW_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"

#define COMMUNITY_ID_LEN 31 /* "1:" + 28 base64 characters + NUL */

/* Writes "1:<base64 sha1>" for the tuple into out (at least COMMUNITY_ID_LEN
 * bytes). For ICMP / ICMPv6 pass the type as sport and the code as dport:
 * the spec's counterpart rules are applied here. Ports are host order. */
void community_id_v1(uint16_t seed, const struct ww_addr *src, uint16_t sport,
                     const struct ww_addr *dst, uint16_t dport, uint8_t proto, char *out);

#endif

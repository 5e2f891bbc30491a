/* stream-v6map.h — IPv6 addresses stand-ins for libnids, which is IPv4-only.
 *
 * Each IPv6 address with TCP or fragments in reassembly is given a private
 * IPv4 address in 240.0.0.0/4 (reserved, "class E", never routed), so an IPv6
 * packet can be fed to libnids as an IPv4 packet and mapped back in the
 * callbacks. Mappings are reference-counted by flows; an unreferenced one is
 * kept (so fragments of one datagram keep their address) until its slot is
 * needed for a new address. */
#ifndef WW_STREAM_V6MAP_H
#define WW_STREAM_V6MAP_H

#include <stdbool.h>
#include <stdint.h>

#define V6MAP_NET 0xF0000000u /* 240.0.0.0/4, host order */
#define V6MAP_MASK 0xF0000000u

struct v6map;

struct v6map *v6map_new(uint32_t max_hosts);
void v6map_free(struct v6map *m);
/* Returns the stand-in IPv4 (network order) of addr with a reference taken, or 0 when full. */
uint32_t v6map_get(struct v6map *m, const uint8_t addr[16]);
/* Drops a reference taken by v6map_get. */
void v6map_put(struct v6map *m, uint32_t v4);
/* Returns the IPv6 address behind a stand-in, or NULL. */
const uint8_t *v6map_lookup(const struct v6map *m, uint32_t v4);
/* Returns true when a (network order) IPv4 address lies in the stand-in range. */
bool v6map_is_standin(uint32_t v4);

#endif

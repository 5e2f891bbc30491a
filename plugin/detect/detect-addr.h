/* detect-addr.h — rule addresses and ports: any, CIDRs (IPv4 and IPv6),
 * [lists], !negation, $VARIABLES, port ranges (80:90, 1024:, :1024). */
#ifndef WW_DETECT_ADDR_H
#define WW_DETECT_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"

struct addr_group;
struct port_group;

/* Variables: name (without '$') -> text. HOME_NET comes from home-net,
 * EXTERNAL_NET defaults to !$HOME_NET, *_PORTS / *_SERVERS have Suricata's defaults. */
struct detect_vars;
struct detect_vars *detect_vars_new(const char *home_net);
void detect_vars_free(struct detect_vars *v);
/* Sets or replaces a variable; returns 0, or -1 when out of memory. */
int detect_vars_set(struct detect_vars *v, const char *name, const char *value);

/* Parse; on error return NULL with a message (no location) in err. */
struct addr_group *addr_group_parse(const char *text, const struct detect_vars *vars, char *err,
                                    size_t errlen);
struct port_group *port_group_parse(const char *text, const struct detect_vars *vars, char *err,
                                    size_t errlen);
bool addr_group_match(const struct addr_group *g, const struct ww_addr *a);
bool port_group_match(const struct port_group *g, uint16_t port);
bool addr_group_is_any(const struct addr_group *g);
bool port_group_is_any(const struct port_group *g);
void addr_group_free(struct addr_group *g);
void port_group_free(struct port_group *g);

#endif

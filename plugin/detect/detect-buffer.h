/* detect-buffer.h — the names of sticky buffers.
 *
 * Buffer 0 is pkt_data (packet payload, or the reassembled stream for TCP).
 * App-layer parsers register their buffers ("http.uri", "dns.query",
 * "wallet.method"...) from their register_buffers() hook before rules are
 * loaded; the rule parser only ever asks this registry, so a new parser adds
 * buffers without touching the detection code. */
#ifndef WW_DETECT_BUFFER_H
#define WW_DETECT_BUFFER_H

#include <stdbool.h>

#define DETECT_BUF_PKT_DATA 0
/* Always present: the packet's source / destination address as 4 or 16
 * bytes (Suricata 7's ip.src / ip.dst), for address datasets. */
#define DETECT_BUF_IP_SRC 1
#define DETECT_BUF_IP_DST 2
#define DETECT_BUF_FIRST_APP 3 /* the first id a parser's registration gets */
#define DETECT_BUF_MAX 96

#define BUF_TOSERVER 0x1
#define BUF_TOCLIENT 0x2

/* Returns the id of name (registering it the first time), or -1 when the
 * table is full. app_proto restricts rules using it to that protocol; dirs is
 * BUF_TOSERVER | BUF_TOCLIENT. */
int detect_buffer_register(const char *name, const char *app_proto, unsigned dirs);
/* Makes alias (e.g. "file_data", or the legacy modifier "http_uri") name the same buffer. */
int detect_buffer_alias(const char *alias, const char *name);
/* Returns the id of a registered name or alias, or -1. */
int detect_buffer_id(const char *name);
/* Marks id as inspected (or not) by a rule of a loaded rule set, so that a
 * parser may skip work only such a buffer needs (hashing every response body
 * for file.sha256). The engine only ever sets it: after a reload that drops
 * the rule the work goes on, which is only slower, never wrong. */
void detect_buffer_set_used(int id, bool used);
bool detect_buffer_used(int id);
const char *detect_buffer_name(int id);
const char *detect_buffer_app_proto(int id);
unsigned detect_buffer_dirs(int id);
/* Returns the number of ids in use (ids are 0 .. count-1). */
int detect_buffer_count(void);
/* Returns true when some registered buffer belongs to app protocol proto. */
bool detect_buffer_is_app_proto(const char *proto);

#endif

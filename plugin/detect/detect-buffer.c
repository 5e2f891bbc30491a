/* detect-buffer.c — the sticky-buffer registry: names, aliases, the app
 * protocol a buffer belongs to and the directions it exists in.
 *
 * Lookups are linear: the table holds at most DETECT_BUF_MAX names and is
 * only consulted while rules load. Names live in fixed arrays so the
 * process-global table needs no teardown (parsers register once at start). */
#include "detect-buffer.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BUF_NAME_MAX 48
#define BUF_PROTO_MAX 24
#define BUF_ALIAS_MAX (2 * DETECT_BUF_MAX)

struct buf_entry {
    char name[BUF_NAME_MAX];
    char app_proto[BUF_PROTO_MAX]; /* "" = any protocol */
    unsigned dirs;
    bool used; /* a rule of a loaded rule set inspects it */
};

struct buf_alias {
    char alias[BUF_NAME_MAX];
    int id;
};

/* pkt_data, then the address buffers Suricata 7 names ip.src / ip.dst: they
 * hold the packet's source or destination address (4 or 16 bytes) so that
 * `dataset:isset,...,type ipv4` can test addresses like any other buffer. */
static struct buf_entry buf_table[DETECT_BUF_MAX] = {
    [DETECT_BUF_PKT_DATA] = {"pkt_data", "", BUF_TOSERVER | BUF_TOCLIENT, false},
    [DETECT_BUF_IP_SRC] = {"ip.src", "", BUF_TOSERVER | BUF_TOCLIENT, false},
    [DETECT_BUF_IP_DST] = {"ip.dst", "", BUF_TOSERVER | BUF_TOCLIENT, false},
};
static int buf_count = DETECT_BUF_FIRST_APP;
static struct buf_alias buf_aliases[BUF_ALIAS_MAX];
static int alias_count;

static bool buf_valid_id(int id)
{
    return id >= 0 && id < buf_count;
}

static int buf_find_name(const char *name)
{
    for (int i = 0; i < buf_count; i++)
        if (strcmp(buf_table[i].name, name) == 0)
            return i;
    return -1;
}

static int buf_find_alias(const char *alias)
{
    for (int i = 0; i < alias_count; i++)
        if (strcmp(buf_aliases[i].alias, alias) == 0)
            return buf_aliases[i].id;
    return -1;
}

int detect_buffer_id(const char *name)
{
    if (name == NULL)
        return -1;
    int id = buf_find_name(name);
    return id >= 0 ? id : buf_find_alias(name);
}

int detect_buffer_register(const char *name, const char *app_proto, unsigned dirs)
{
    if (name == NULL || *name == '\0')
        return -1;
    int id = detect_buffer_id(name);
    if (id >= 0)
        return id;
    const char *proto = app_proto ? app_proto : "";
    if (buf_count >= DETECT_BUF_MAX || strlen(name) >= BUF_NAME_MAX ||
        strlen(proto) >= BUF_PROTO_MAX)
        return -1;
    struct buf_entry *e = &buf_table[buf_count];
    snprintf(e->name, sizeof(e->name), "%s", name);
    snprintf(e->app_proto, sizeof(e->app_proto), "%s", proto);
    e->dirs = dirs & (BUF_TOSERVER | BUF_TOCLIENT);
    return buf_count++;
}

int detect_buffer_alias(const char *alias, const char *name)
{
    int id = detect_buffer_id(name);
    if (alias == NULL || id < 0)
        return -1;
    int have = detect_buffer_id(alias);
    if (have >= 0)
        return have == id ? id : -1; /* an alias never renames another buffer */
    if (alias_count >= BUF_ALIAS_MAX || strlen(alias) >= BUF_NAME_MAX)
        return -1;
    snprintf(buf_aliases[alias_count].alias, BUF_NAME_MAX, "%s", alias);
    buf_aliases[alias_count].id = id;
    alias_count++;
    return id;
}

const char *detect_buffer_name(int id)
{
    return buf_valid_id(id) ? buf_table[id].name : NULL;
}

const char *detect_buffer_app_proto(int id)
{
    if (!buf_valid_id(id) || buf_table[id].app_proto[0] == '\0')
        return NULL;
    return buf_table[id].app_proto;
}

void detect_buffer_set_used(int id, bool used)
{
    if (buf_valid_id(id))
        buf_table[id].used = used;
}

bool detect_buffer_used(int id)
{
    return buf_valid_id(id) && buf_table[id].used;
}

unsigned detect_buffer_dirs(int id)
{
    return buf_valid_id(id) ? buf_table[id].dirs : 0;
}

int detect_buffer_count(void)
{
    return buf_count;
}

bool detect_buffer_is_app_proto(const char *proto)
{
    for (int i = 0; i < buf_count; i++)
        if (buf_table[i].app_proto[0] && strcasecmp(buf_table[i].app_proto, proto) == 0)
            return true;
    return false;
}

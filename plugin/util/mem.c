/* mem.c — charged allocations (Suricata's HTPMalloc/HTPFree idea). */
#include "mem.h"

#include <stdlib.h>

int ww_mem_fits(const struct memcap *cap, size_t n)
{
    return cap->used <= cap->limit && n <= cap->limit - cap->used;
}

void *ww_mem_alloc(struct memcap *cap, size_t n)
{
    if (!ww_mem_fits(cap, n)) {
        cap->refused++;
        return NULL;
    }
    void *p = calloc(1, n);
    if (!p) {
        cap->refused++;
        return NULL;
    }
    cap->used += n;
    return p;
}

void ww_mem_free(struct memcap *cap, void *p, size_t n)
{
    if (!p)
        return;
    free(p);
    cap->used = n > cap->used ? 0 : cap->used - n;
}

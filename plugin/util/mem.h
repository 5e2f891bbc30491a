/* mem.h — memcaps: every allocation that grows with traffic is charged to
 * a cap first, and freed with the exact size it was charged. */
#ifndef WW_MEM_H
#define WW_MEM_H

#include <stddef.h>
#include <stdint.h>

struct memcap {
    uint64_t limit;
    uint64_t used;
    uint64_t refused; /* allocations refused because of the cap */
};

/* Returns zeroed memory charged to cap, or NULL when over the cap or out of memory. */
void *ww_mem_alloc(struct memcap *cap, size_t n);
/* Frees p and returns n bytes to cap. */
void ww_mem_free(struct memcap *cap, void *p, size_t n);
/* Returns 1 when n more bytes fit under the cap. */
int ww_mem_fits(const struct memcap *cap, size_t n);

#endif

/* detect-ranges.h — a set of integers as sorted, disjoint, inclusive ranges.
 *
 * Rule addresses and ports are written as trees of lists and negations
 * (detect-addr.c); matching a packet against such a tree walks every list.
 * Compiled once into one range set per address family (or for ports), a
 * match is a binary search. Values are 128-bit so IPv6 addresses fit; IPv4
 * addresses and ports use the low bits. */
#ifndef WW_DETECT_RANGES_H
#define WW_DETECT_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 range_value;

struct range {
    range_value lo, hi; /* inclusive */
};

struct range_set {
    struct range *r;
    size_t n;
};

/* Each returns 0, or -1 when out of memory (out is then empty). out may not
 * alias an input. */
int range_set_single(struct range_set *out, range_value lo, range_value hi);
int range_set_union(struct range_set *out, const struct range_set *a, const struct range_set *b);
int range_set_intersect(struct range_set *out, const struct range_set *a,
                        const struct range_set *b);
/* Everything in [0, max] that is not in a. */
int range_set_complement(struct range_set *out, const struct range_set *a, range_value max);

bool range_set_has(const struct range_set *s, range_value v);
/* True when s is all of [0, max]. */
bool range_set_is_all(const struct range_set *s, range_value max);
void range_set_free(struct range_set *s);

/* The value of a big-endian key of len bytes (ports: 2, IPv4: 4, IPv6: 16). */
range_value range_value_of(const uint8_t *key, size_t len);

#endif

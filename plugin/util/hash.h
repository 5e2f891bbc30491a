/* hash.h — the 64-bit mixer behind the sensor's hash tables (flows,
 * thresholds, datasets), its flow ids and its worker sharding. */
#ifndef WW_HASH_H
#define WW_HASH_H

#include <stdint.h>

/* The SplitMix64 finalizer: every input bit flips each output bit with
 * probability about 1/2, so keyed sums of words spread over buckets. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif

/* test-rng.h — a small reproducible pseudo-random sequence for unit tests
 * that sweep many generated inputs (xorshift64: never 0 from a non-zero seed). */
#ifndef WW_TEST_RNG_H
#define WW_TEST_RNG_H

#include <stdint.h>

static inline uint64_t test_rng_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

#endif

/* base64.h — RFC 4648 base64 (standard alphabet), decoded one character at a
 * time. What to do with padding, whitespace and characters outside the
 * alphabet stays with each caller: strict for dataset values, lenient for
 * credentials seen on the wire. */
#ifndef WW_BASE64_H
#define WW_BASE64_H

#include <stdbool.h>
#include <stdint.h>

/* The 6-bit value of c, or -1 when c is not in the alphabet ('=' is not). */
static inline int base64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

struct base64_dec {
    uint32_t acc;
    int bits;
};

/* Adds the 6-bit value v; true when that completed a byte, stored in *out. */
static inline bool base64_push(struct base64_dec *d, int v, uint8_t *out)
{
    d->acc = (d->acc << 6 | (uint32_t)v) & 0xffffff;
    d->bits += 6;
    if (d->bits < 8)
        return false;
    d->bits -= 8;
    *out = (uint8_t)(d->acc >> d->bits);
    return true;
}

#endif

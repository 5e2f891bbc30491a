/* ascii.h — locale-free character classes for protocol text: what <ctype.h>
 * does, minus the locale and the undefined behaviour on negative chars. */
#ifndef WW_ASCII_H
#define WW_ASCII_H

#include <stdbool.h>

static inline bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_alnum(int c)
{
    return is_digit(c) || is_alpha(c);
}

static inline bool is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* The value of hex digit c, or -1. */
static inline int hex_value(int c)
{
    if (is_digit(c))
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

#endif

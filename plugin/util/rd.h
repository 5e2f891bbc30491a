/* rd.h — a bounds-checked cursor over untrusted bytes.
 *
 * Every read goes through a cursor {p, end, err}. A short read sets the
 * sticky err, returns 0 (or an empty span) and never moves past end, so a
 * decoder checks r.err once per record instead of after every field. */
#ifndef WW_RD_H
#define WW_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
    const uint8_t *p;
    const uint8_t *end;
    bool err;
};

struct span {
    const uint8_t *p;
    size_t len;
};

static inline struct rd rd_init(const uint8_t *p, size_t len)
{
    /* (NULL, 0) is an empty reader: NULL + 0 is undefined behaviour in C. */
    struct rd r = {p, p ? p + len : p, false};
    return r;
}

static inline size_t rd_left(const struct rd *r)
{
    return (size_t)(r->end - r->p);
}

static inline bool rd_need(struct rd *r, size_t n)
{
    if (r->err || n > rd_left(r)) {
        r->err = true;
        return false;
    }
    return true;
}

static inline uint8_t rd_u8(struct rd *r)
{
    if (!rd_need(r, 1))
        return 0;
    return *r->p++;
}

static inline uint16_t rd_be16(struct rd *r)
{
    if (!rd_need(r, 2))
        return 0;
    uint16_t v = (uint16_t)(r->p[0] << 8 | r->p[1]);
    r->p += 2;
    return v;
}

static inline uint16_t rd_le16(struct rd *r)
{
    if (!rd_need(r, 2))
        return 0;
    uint16_t v = (uint16_t)(r->p[1] << 8 | r->p[0]);
    r->p += 2;
    return v;
}

static inline uint32_t rd_be32(struct rd *r)
{
    if (!rd_need(r, 4))
        return 0;
    uint32_t v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
                 r->p[3];
    r->p += 4;
    return v;
}

static inline uint32_t rd_le32(struct rd *r)
{
    if (!rd_need(r, 4))
        return 0;
    uint32_t v = (uint32_t)r->p[3] << 24 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[1] << 8 |
                 r->p[0];
    r->p += 4;
    return v;
}

static inline struct span rd_bytes(struct rd *r, size_t n)
{
    struct span s = {r->p, 0};
    if (!rd_need(r, n))
        return s;
    s.len = n;
    r->p += n;
    return s;
}

static inline void rd_skip(struct rd *r, size_t n)
{
    if (rd_need(r, n))
        r->p += n;
}

/* A line ending in LF (CR before it is dropped), at most max bytes long.
 * No LF within max bytes: err, and the cursor does not move. */
static inline struct span rd_line(struct rd *r, size_t max)
{
    struct span s = {r->p, 0};
    size_t left = rd_left(r);
    size_t scan = left < max ? left : max;
    const uint8_t *nl = r->err ? NULL : memchr(r->p, '\n', scan);
    if (!nl) {
        r->err = true;
        return s;
    }
    s.len = (size_t)(nl - r->p);
    r->p = nl + 1;
    if (s.len > 0 && s.p[s.len - 1] == '\r')
        s.len--;
    return s;
}

#endif

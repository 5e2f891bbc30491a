/* app-line.c — resumable LF-ended lines, capped when stitched (app-line.h). */
#include "app-line.h"

#include <string.h>

void app_line_init(struct app_line *l, uint8_t *buf, size_t cap)
{
    l->b = buf;
    l->cap = cap;
    l->n = 0;
    l->resync = false;
}

int app_line_next(struct app_line *l, struct rd *r, struct span *line)
{
    size_t left = rd_left(r);
    const uint8_t *nl = memchr(r->p, '\n', left);
    size_t take = nl ? (size_t)(nl - r->p) + 1 : left;
    if (l->resync) {
        rd_skip(r, take);
        l->resync = nl == NULL;
        return 0;
    }
    if (l->n == 0 && nl) {
        *line = rd_line(r, take);
        return 1;
    }
    if (take > l->cap - l->n)
        return -1;
    struct span s = rd_bytes(r, take);
    memcpy(l->b + l->n, s.p, s.len);
    l->n += s.len;
    if (!nl)
        return 0;
    line->p = l->b;
    line->len = l->n - 1;
    if (line->len && line->p[line->len - 1] == '\r')
        line->len--;
    l->n = 0;
    return 1;
}

void app_line_gap(struct app_line *l)
{
    l->n = 0;
    l->resync = true;
}

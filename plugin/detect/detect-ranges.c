/* detect-ranges.c — range sets: sorted, disjoint, inclusive; see detect-ranges.h. */
#include "detect-ranges.h"

#include <stdlib.h>
#include <string.h>

static int alloc_ranges(struct range_set *out, size_t n)
{
    out->n = 0;
    out->r = n ? malloc(n * sizeof(*out->r)) : NULL;
    return n && !out->r ? -1 : 0;
}

/* Appends [lo, hi] to a set being built in ascending order, joining it to
 * the last range when they touch or overlap. */
static void push(struct range_set *s, range_value lo, range_value hi)
{
    if (s->n > 0) {
        struct range *last = &s->r[s->n - 1];
        if (lo <= last->hi || lo - 1 == last->hi) {
            if (hi > last->hi)
                last->hi = hi;
            return;
        }
    }
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
}

int range_set_single(struct range_set *out, range_value lo, range_value hi)
{
    if (alloc_ranges(out, 1) < 0)
        return -1;
    push(out, lo, hi);
    return 0;
}

int range_set_union(struct range_set *out, const struct range_set *a, const struct range_set *b)
{
    if (alloc_ranges(out, a->n + b->n) < 0)
        return -1;
    size_t i = 0, k = 0;
    while (i < a->n || k < b->n) {
        const struct range *next = k == b->n || (i < a->n && a->r[i].lo <= b->r[k].lo)
                                       ? &a->r[i++]
                                       : &b->r[k++];
        push(out, next->lo, next->hi);
    }
    return 0;
}

int range_set_intersect(struct range_set *out, const struct range_set *a,
                        const struct range_set *b)
{
    if (alloc_ranges(out, a->n + b->n) < 0)
        return -1;
    size_t i = 0, k = 0;
    while (i < a->n && k < b->n) {
        range_value lo = a->r[i].lo > b->r[k].lo ? a->r[i].lo : b->r[k].lo;
        range_value hi = a->r[i].hi < b->r[k].hi ? a->r[i].hi : b->r[k].hi;
        if (lo <= hi)
            push(out, lo, hi);
        if (a->r[i].hi < b->r[k].hi)
            i++;
        else
            k++;
    }
    return 0;
}

int range_set_complement(struct range_set *out, const struct range_set *a, range_value max)
{
    if (alloc_ranges(out, a->n + 1) < 0)
        return -1;
    range_value from = 0;
    bool open = true; /* from is still below max + 1 */
    for (size_t i = 0; i < a->n && open; i++) {
        if (a->r[i].lo > from)
            push(out, from, a->r[i].lo - 1);
        open = a->r[i].hi < max;
        from = a->r[i].hi + 1;
    }
    if (open && from <= max)
        push(out, from, max);
    return 0;
}

bool range_set_has(const struct range_set *s, range_value v)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v < s->r[mid].lo)
            hi = mid;
        else if (v > s->r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

bool range_set_is_all(const struct range_set *s, range_value max)
{
    return s->n == 1 && s->r[0].lo == 0 && s->r[0].hi == max;
}

void range_set_free(struct range_set *s)
{
    free(s->r);
    s->r = NULL;
    s->n = 0;
}

range_value range_value_of(const uint8_t *key, size_t len)
{
    range_value v = 0;
    for (size_t i = 0; i < len; i++)
        v = v << 8 | key[i];
    return v;
}

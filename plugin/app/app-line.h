/* app-line.h — the lines of a text protocol (FTP, SMTP) over a stream that
 * arrives in chunks: LF-ended, a CR before the LF dropped, a line cut across
 * chunks stitched together in a buffer the parser's state owns, up to its
 * cap. After a gap the partial line is dropped and bytes up to the next LF
 * are skipped. Then the few ways such a parser looks at a line's words. */
#ifndef WW_APP_LINE_H
#define WW_APP_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../util/ascii.h"
#include "../util/rd.h"

struct app_line {
    uint8_t *b; /* cap bytes for a line cut across chunks */
    size_t cap;
    size_t n;    /* bytes of that line held so far */
    bool resync; /* after a gap: drop bytes up to the next LF */
};

/* Makes l use buf (cap bytes) and hold nothing. */
void app_line_init(struct app_line *l, uint8_t *buf, size_t cap);

/* Next complete line from r. Returns 1 with *line set (into r's bytes, or
 * into l->b when it was stitched; valid until the next call), 0 when the
 * bytes read so far end mid-line (kept) or were skipped to resync, -1 when a
 * line cut across chunks would exceed the cap. A line that arrives whole is
 * not held to the cap. */
int app_line_next(struct app_line *l, struct rd *r, struct span *line);

/* Bytes were lost: drops the partial line and resyncs at the next LF. */
void app_line_gap(struct app_line *l);

/* ---- looking at a line (ASCII case folding only) ---- */

/* Whether the n bytes at p are s, ignoring case. */
static inline bool line_ci_eq(const uint8_t *p, size_t n, const char *s)
{
    size_t sl = strlen(s);
    if (n != sl)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != lower((uint8_t)s[i]))
            return false;
    return true;
}

/* Whether the n bytes at p contain s, ignoring case. */
static inline bool line_ci_contains(const uint8_t *p, size_t n, const char *s)
{
    size_t sl = strlen(s);
    for (size_t i = 0; i + sl <= n; i++)
        if (line_ci_eq(p + i, sl, s))
            return true;
    return false;
}

/* s without leading and trailing spaces and tabs. */
static inline struct span line_trim(struct span s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    return s;
}

#endif

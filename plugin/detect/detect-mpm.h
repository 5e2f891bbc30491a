/* detect-mpm.h — the multi-pattern prefilter: every rule's fast pattern in
 * one Hyperscan literal database per inspection group, so a buffer is
 * scanned once and only the rules whose fast pattern occurs in it are
 * evaluated in full. */
#ifndef WW_DETECT_MPM_H
#define WW_DETECT_MPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mpm;
struct mpm_scratch;

struct mpm_builder {
    const char **pats;
    size_t *lens;
    unsigned *flags;
    unsigned *ids;
    size_t n, cap;
};

/* Adds a literal with the caller's id (a rule index); false when out of memory. */
bool mpm_builder_add(struct mpm_builder *b, const uint8_t *pat, size_t len, bool nocase,
                     unsigned id);
/* Compiles the literals (NULL database when there are none); false with a message in err. */
bool mpm_build(struct mpm_builder *b, struct mpm **out, char *err, size_t errlen);
void mpm_builder_free(struct mpm_builder *b);
void mpm_free(struct mpm *m);
/* Scratch space sized for every database it has been grown for. */
bool mpm_scratch_grow(struct mpm_scratch **s, const struct mpm *m);
void mpm_scratch_free(struct mpm_scratch *s);
/* Calls on_id once per distinct id whose literal occurs in data. */
void mpm_scan(const struct mpm *m, struct mpm_scratch *s, const uint8_t *data, size_t len,
              void (*on_id)(void *user, unsigned id), void *user);

#endif

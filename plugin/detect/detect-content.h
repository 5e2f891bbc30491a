/* detect-content.h — inspecting one buffer with a rule's keywords for it:
 * content (with offset/depth/distance/within, startswith/endswith, nocase,
 * negation), pcre (PCRE2, JIT), byte_test, byte_jump, isdataat, bsize and
 * dataset, with Suricata's relative semantics: a relative keyword that fails
 * makes the engine retry the previous content at its next occurrence. */
#ifndef WW_DETECT_CONTENT_H
#define WW_DETECT_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rule.h"

/* Returns true when every keyword of b matches data. *match_end (may be NULL)
 * gets the largest end offset of a positive match (0 when none). */
bool detect_inspect_buffer(const struct rule_buffer *b, const uint8_t *data, size_t len,
                           size_t *match_end);

/* Compiles a pcre keyword's value ("/re/flags", quotes removed). Buffer flags
 * (U, I, P, Q, H, D, M, C, S, Y, V, W, Z) are returned as a buffer name in
 * *buffer (NULL when none). Returns 0, or -1 with PCRE2's message and offset
 * (or the bad flag) in err. */
int sm_pcre_compile(const char *value, struct sigmatch *sm, const char **buffer, char *err,
                    size_t errlen);
void sm_free(struct sigmatch *sm);

/* Returns whether len satisfies a dsize or bsize test (=, <, >, lo<>hi exclusive). */
bool detect_match_dsize(const struct sm_size *s, size_t len);

#endif

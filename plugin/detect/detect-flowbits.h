/* detect-flowbits.h — named per-flow bits (flowbits keyword). Names are
 * interned once per ruleset; a flow keeps a small bitset, allocated on the
 * first set. */
#ifndef WW_DETECT_FLOWBITS_H
#define WW_DETECT_FLOWBITS_H

#include <stdbool.h>
#include <stdint.h>

#define FLOWBITS_MAX 1024

struct flowbit_names;
struct flowbit_names *flowbit_names_new(void);
void flowbit_names_free(struct flowbit_names *n);
/* Returns the id of name (interning it), or -1 when FLOWBITS_MAX are in use. */
int flowbit_id(struct flowbit_names *n, const char *name);
const char *flowbit_name(const struct flowbit_names *n, int id);

struct flowbit_set {            /* lives on the flow */
    uint64_t words[FLOWBITS_MAX / 64];
};

bool flowbit_isset(const struct flowbit_set *s, int id);
void flowbit_set(struct flowbit_set *s, int id);
void flowbit_unset(struct flowbit_set *s, int id);
void flowbit_toggle(struct flowbit_set *s, int id);

#endif

/* detect-classify.h — classification.config (classtype -> category text and
 * default priority) and reference.config (reference type -> URL prefix), in
 * Suricata's formats:
 *   config classification: shortname,short description,priority
 *   config reference: type  url-prefix */
#ifndef WW_DETECT_CLASSIFY_H
#define WW_DETECT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct classification;

struct class_entry {
    const char *name;
    const char *description;
    uint8_t priority;
};

/* Loads both files (either path may be NULL); bad lines are reported through
 * report as "FILE:LINE: message". Returns NULL only when out of memory or a
 * file cannot be read (message in err). */
struct classification *classification_load(const char *class_path, const char *ref_path,
                                           void (*report)(void *user, const char *msg),
                                           void *user, char *err, size_t errlen);
void classification_free(struct classification *c);
const struct class_entry *classification_find(const struct classification *c, const char *name);
/* Returns the URL prefix of a reference type ("url" -> "http://"), or NULL if unknown. */
const char *reference_prefix(const struct classification *c, const char *type);
/* Returns true when a reference.config was loaded (rules' reference types are then checked). */
bool classification_has_references(const struct classification *c);

#endif

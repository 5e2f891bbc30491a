/* detect-dataset.h — datasets: hash sets of strings, IPv4/IPv6 addresses,
 * SHA-256 and MD5 digests, loaded from Suricata's file format (one entry a
 * line; string sets base64-encoded) or from walletwatch's plain IOC format
 * (one value a line as text, '#' comments kept as the entry's provenance). */
#ifndef WW_DETECT_DATASET_H
#define WW_DETECT_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dataset_type { DS_STRING, DS_IPV4, DS_IPV6, DS_SHA256, DS_MD5 };
enum dataset_format { DS_FORMAT_SURICATA, DS_FORMAT_PLAIN };

struct dataset;
struct dataset_registry;  /* the sets of one ruleset, shared by name */

struct dataset_registry *dataset_registry_new(uint64_t memcap);
void dataset_registry_free(struct dataset_registry *r);

/* Returns the set called name, loading path (relative paths are taken relative
 * to rule_dir) the first time; NULL with "FILE:LINE: message" or a plain
 * message in err. A second use of a name must agree on the type. */
struct dataset *dataset_get(struct dataset_registry *r, const char *name, enum dataset_type type,
                            const char *path, enum dataset_format fmt, const char *rule_dir,
                            char *err, size_t errlen);
/* Membership of a buffer's bytes: strings as they are (plain sets compare
 * domains case-insensitively), addresses as 4/16 bytes, digests as raw bytes
 * or their hex text. */
bool dataset_contains(const struct dataset *s, const uint8_t *data, size_t len);
/* Returns the provenance comment of the entry, or NULL (plain format only). */
const char *dataset_source(const struct dataset *s, const uint8_t *data, size_t len);
enum dataset_type dataset_type_of(const struct dataset *s);
uint64_t dataset_size(const struct dataset *s);

#endif

/* rule-parse.h — Suricata rule syntax to struct rule, with every problem
 * reported as a message naming what is wrong (the caller adds FILE:LINE). */
#ifndef WW_RULE_PARSE_H
#define WW_RULE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "detect-addr.h"
#include "detect-classify.h"
#include "detect-dataset.h"
#include "detect-flowbits.h"
#include "rule.h"

struct rule_parse_ctx {
    const struct detect_vars *vars;
    struct dataset_registry *datasets;
    struct flowbit_names *flowbits;
    const struct classification *classes;
    const char *rule_dir;       /* for relative dataset paths */
};

/* Parses one rule. Returns it, or NULL with a message in err. */
struct rule *rule_parse(const char *text, const struct rule_parse_ctx *ctx, const char *file,
                        uint32_t line, char *err, size_t errlen);
void rule_free(struct rule *r);

/* Reads a rules file: '#' comments, blank lines, lines continued with a
 * trailing '\'. Calls on_rule for each good rule (which takes ownership) and
 * on_error with "FILE:LINE: message" for each bad one. Returns the number of
 * bad rules, or -1 when the file cannot be read (message in err). */
int rule_file_load(const char *path, const struct rule_parse_ctx *ctx,
                   void (*on_rule)(void *user, struct rule *r),
                   void (*on_error)(void *user, const char *msg), void *user, char *err,
                   size_t errlen);

#endif

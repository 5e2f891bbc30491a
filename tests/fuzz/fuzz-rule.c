/* fuzz-rule.c — libFuzzer harness for rule_parse(): the input is one rule's
 * text (a NUL is appended; an embedded NUL just ends the rule early).
 *
 * The parse context is what the engine gives it: address variables, a fresh
 * flowbit name table and dataset registry per input (so inputs do not depend
 * on each other), a classification and reference table written to a temp
 * directory at start-up, which is also the rule directory, holding one small
 * dataset file (d.lst) a rule may load. Every parser's sticky buffers are
 * registered first, as the engine does before loading rules. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "detect/rule-parse.h"

/* The parsers the buffer registration links in call these; nothing runs them here. */
void app_tx_done(struct app_ctx *ctx, struct flow *f, const struct app_tx *tx)
{
    (void)ctx, (void)f, (void)tx;
}

void app_anomaly(struct app_ctx *ctx, struct flow *f, const char *event)
{
    (void)ctx, (void)f, (void)event;
}

static char dir[64];
static struct detect_vars *vars;
static struct classification *classes;

static const char class_text[] =
    "config classification: trojan-activity,A Network Trojan was detected,1\n"
    "config classification: misc-activity,Misc activity,3\n"
    "config classification: wallet-anomaly,Anomalous Wallet API Activity,1\n"
    "config classification: bad-unknown,Potentially Bad Traffic,2\n";
static const char ref_text[] =
    "config reference: url http://\n"
    "config reference: cve http://cve.mitre.org/cgi-bin/cvename.cgi?name=\n";

static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char cpath[128], rpath[128], dpath[128], err[512];
    snprintf(dir, sizeof(dir), "/tmp/fuzz-rule.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    write_file("classification.config", class_text, cpath, sizeof(cpath));
    write_file("reference.config", ref_text, rpath, sizeof(rpath));
    write_file("d.lst", "ZXZpbA==\nYmFk\n", dpath, sizeof(dpath));
    classes = classification_load(cpath, rpath, NULL, NULL, err, sizeof(err));
    vars = detect_vars_new("[10.0.0.0/8,192.168.0.0/16,fd00::/8]");
    if (!classes || !vars)
        abort();
    detect_vars_set(vars, "DNS_SERVERS", "10.0.0.53");
    detect_vars_set(vars, "HTTP_PORTS", "[80,8080]");
    app_register_all();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct rule_parse_ctx ctx = {
        .vars = vars,
        .datasets = dataset_registry_new(1 << 20),
        .flowbits = flowbit_names_new(),
        .classes = classes,
        .rule_dir = dir,
    };
    char err[1024];
    err[0] = '\0';
    struct rule *r = rule_parse(text, &ctx, "fuzz.rules", 1, err, sizeof(err));
    if (r)
        rule_free(r);
    else if (strnlen(err, sizeof(err)) == sizeof(err))
        abort(); /* the message must be NUL-terminated */
    flowbit_names_free(ctx.flowbits);
    dataset_registry_free(ctx.datasets);
    free(text);
    return 0;
}

/* test-rule-parse.c — the rule parser keyword by keyword: a good example of
 * each and every error message it gives; header variations; metadata
 * grouping; fast pattern choice; legacy HTTP modifiers and sticky buffers
 * (registered here as a parser would); the buffer registry; classification
 * and reference files; rules files with continuations and located errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/detect-buffer.h"
#include "detect/rule-parse.h"

#define HDR "alert tcp any any -> any any "
/* A rule with msg and sid around the options under test. */
#define R(opts) HDR "(msg:\"m\"; " opts " sid:1;)"

static char err[1024];
static char tmpdir[64];
static struct rule_parse_ctx ctx;
static int buf_uri, buf_host, buf_dns, buf_file;

static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char class_text[] =
    "# test table\n"
    "config classification: trojan-activity,A Network Trojan was detected,1\n"
    "config classification: misc-activity,Misc activity,3\n"
    "config classification: wallet-anomaly,Anomalous Wallet API Activity,1\n"
    "\n"
    "config classification: bad-unknown,Potentially Bad Traffic, 2\n";
static const char ref_text[] =
    "config reference: url http://\n"
    "config reference: cve   http://cve.mitre.org/cgi-bin/cvename.cgi?name=\n"
    "config reference: mitre https://attack.mitre.org/techniques/\n";

static int setup(void **state)
{
    (void)state;
    char cpath[256], rpath[256];
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-rule-parse.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    write_file("class.config", class_text, cpath, sizeof(cpath));
    write_file("ref.config", ref_text, rpath, sizeof(rpath));
    write_file("domains.txt", "# from a test\nevil.example.com\nbad.example.net\n", cpath + 128,
               128);
    write_file("addrs.txt", "# test feed\n192.0.2.1\n198.51.100.7\n", cpath + 128, 128);
    write_file("strings.lst", "ZXZpbA==\n", cpath + 128, 128);
    ctx.vars = detect_vars_new("10.0.0.0/8,192.168.0.0/16");
    ctx.flowbits = flowbit_names_new();
    ctx.datasets = dataset_registry_new(1 << 24);
    ctx.classes = classification_load(cpath, rpath, NULL, NULL, err, sizeof(err));
    ctx.rule_dir = tmpdir;
    assert_non_null(ctx.vars);
    assert_non_null(ctx.classes);
    /* as app-http.c / app-dns.c would from their register_buffers() hooks */
    buf_uri = detect_buffer_register("http.uri", "http", BUF_TOSERVER);
    buf_host = detect_buffer_register("http.host", "http", BUF_TOSERVER);
    detect_buffer_register("http.header", "http", BUF_TOSERVER | BUF_TOCLIENT);
    detect_buffer_register("http.method", "http", BUF_TOSERVER);
    buf_file = detect_buffer_register("file.data", "http", BUF_TOSERVER | BUF_TOCLIENT);
    detect_buffer_alias("file_data", "file.data");
    buf_dns = detect_buffer_register("dns.query", "dns", BUF_TOSERVER);
    detect_buffer_alias("dns_query", "dns.query");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"class.config", "ref.config",  "domains.txt",
                                        "addrs.txt",    "strings.lst", "t.rules"};
    char path[256];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    detect_vars_free((struct detect_vars *)ctx.vars);
    flowbit_names_free(ctx.flowbits);
    dataset_registry_free(ctx.datasets);
    classification_free((struct classification *)ctx.classes);
    return 0;
}

static struct rule *parse_ok(const char *text)
{
    struct rule *r = rule_parse(text, &ctx, "t.rules", 7, err, sizeof(err));
    if (r == NULL)
        fail_msg("did not parse: %s\n  %s", err, text);
    return r;
}

static void parse_bad(const char *text, const char *msg)
{
    struct rule *r = rule_parse(text, &ctx, "t.rules", 7, err, sizeof(err));
    if (r != NULL) {
        rule_free(r);
        fail_msg("parsed but should fail with '%s':\n  %s", msg, text);
    }
    if (strcmp(err, msg) != 0)
        fail_msg("wrong message\n  got:  %s\n  want: %s\n  rule: %s", err, msg, text);
}

static const struct rule_buffer *buf(const struct rule *r, int id)
{
    for (uint32_t i = 0; i < r->nbuffers; i++)
        if (r->buffers[i].id == id)
            return &r->buffers[i];
    return NULL;
}

static const struct sigmatch *sm_at(const struct rule *r, int id, uint32_t i)
{
    const struct rule_buffer *b = buf(r, id);
    assert_non_null(b);
    assert_true(i < b->nsm);
    return &b->sm[i];
}

static void assert_pat(const struct sigmatch *sm, const char *bytes, size_t len)
{
    assert_int_equal(sm->type, SM_CONTENT);
    assert_int_equal(sm->u.content.len, len);
    assert_memory_equal(sm->u.content.pat, bytes, len);
}

/* ---- header ----------------------------------------------------------------- */

static void test_header_basic(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R(""));
    assert_int_equal(r->action, RULE_ALERT);
    assert_int_equal(r->proto, RULE_PROTO_TCP);
    assert_null(r->app_proto);
    assert_int_equal(r->sid, 1);
    assert_int_equal(r->gid, 1);
    assert_int_equal(r->rev, 0);
    assert_string_equal(r->msg, "m");
    assert_int_equal(r->priority, 3);
    assert_string_equal(r->category, "");
    assert_null(r->classtype);
    assert_true(addr_group_is_any(r->src));
    assert_true(port_group_is_any(r->dport));
    assert_false(r->bidirectional);
    assert_null(r->fast);
    assert_int_equal(r->nbuffers, 0);
    assert_string_equal(r->file, "t.rules");
    assert_int_equal(r->line, 7);
    assert_string_equal(r->raw, R(""));
    rule_free(r);
}

static void test_header_protocols(void **state)
{
    (void)state;
    static const struct {
        const char *proto;
        uint8_t want;
        const char *app;
        uint8_t flow;
    } cases[] = {
        {"ip", RULE_PROTO_IP, NULL, 0},
        {"ipv4", RULE_PROTO_IP, NULL, 0},
        {"ipv6", RULE_PROTO_IP, NULL, 0},
        {"udp", RULE_PROTO_UDP, NULL, 0},
        {"icmp", RULE_PROTO_ICMP, NULL, 0},
        {"icmpv4", RULE_PROTO_ICMP, NULL, 0},
        {"icmpv6", RULE_PROTO_ICMP, NULL, 0},
        {"TCP", RULE_PROTO_TCP, NULL, 0},
        {"tcp-pkt", RULE_PROTO_TCP, NULL, RFLOW_NO_STREAM},
        {"tcp-stream", RULE_PROTO_TCP, NULL, RFLOW_ONLY_STREAM},
        {"http", RULE_PROTO_APP, "http", 0},
        {"http1", RULE_PROTO_APP, "http", 0},
        {"dns", RULE_PROTO_APP, "dns", 0},
        {"tls", RULE_PROTO_APP, "tls", 0},
        {"wallet", RULE_PROTO_APP, "wallet", 0},
        {"jsonrpc", RULE_PROTO_APP, "jsonrpc", 0},
        {"messaging", RULE_PROTO_APP, "messaging", 0},
        {"ssh", RULE_PROTO_APP, "ssh", 0},
    };
    char text[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "alert %s any any -> any any (msg:\"m\"; sid:1;)",
                 cases[i].proto);
        struct rule *r = parse_ok(text);
        assert_int_equal(r->proto, cases[i].want);
        if (cases[i].app)
            assert_string_equal(r->app_proto, cases[i].app);
        else
            assert_null(r->app_proto);
        assert_int_equal(r->flow, cases[i].flow);
        rule_free(r);
    }
    /* a protocol only a registered buffer names */
    detect_buffer_register("quux.field", "quux", BUF_TOSERVER);
    struct rule *r = parse_ok("alert quux any any -> any any (msg:\"m\"; sid:1;)");
    assert_string_equal(r->app_proto, "quux");
    rule_free(r);
}

static void test_header_endpoints(void **state)
{
    (void)state;
    struct rule *r = parse_ok("pass udp [10.0.0.1, 10.0.0.2] [53,5353] <> $EXTERNAL_NET "
                              "$HTTP_PORTS (msg:\"m\"; sid:2;)");
    assert_int_equal(r->action, RULE_PASS);
    assert_true(r->bidirectional);
    struct ww_addr a = {.family = 4, .a = {10, 0, 0, 2}};
    assert_true(addr_group_match(r->src, &a));
    assert_false(addr_group_match(r->dst, &a));
    assert_true(port_group_match(r->sport, 5353));
    assert_true(port_group_match(r->dport, 80));
    assert_false(port_group_match(r->dport, 81));
    rule_free(r);
    r = parse_ok("alert tcp   $HOME_NET\t1024:  ->  [2001:db8::/32,!2001:db8::1] !80  "
                 "( msg:\"m\" ; sid : 3 ; )  ");
    assert_int_equal(r->sid, 3);
    rule_free(r);
}

static void test_header_errors(void **state)
{
    (void)state;
    static const char *const ips[] = {"drop", "reject", "rejectsrc", "rejectdst", "rejectboth"};
    char text[256], msg[128];
    for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
        snprintf(text, sizeof(text), "%s tcp any any -> any any (msg:\"m\"; sid:1;)", ips[i]);
        snprintf(msg, sizeof(msg), "action '%s' needs IPS mode; walletwatch is an IDS", ips[i]);
        parse_bad(text, msg);
    }
    parse_bad("log tcp any any -> any any (msg:\"m\"; sid:1;)", "unknown action 'log'");
    parse_bad("alert sctp any any -> any any (msg:\"m\"; sid:1;)", "unknown protocol 'sctp'");
    parse_bad("alert http2 any any -> any any (msg:\"m\"; sid:1;)", "unknown protocol 'http2'");
    parse_bad("alert tcp any any => any any (msg:\"m\"; sid:1;)",
              "transactional '=>' rules are not supported");
    parse_bad("alert tcp any any <- any any (msg:\"m\"; sid:1;)",
              "bad direction '<-' (expected -> or <>)");
    parse_bad("alert tcp any any -> any (msg:\"m\"; sid:1;)",
              "bad rule header: expected 'action proto src_addr src_port -> dst_addr dst_port "
              "(options)'");
    parse_bad("alert tcp any any -> any any any (msg:\"m\"; sid:1;)",
              "bad rule header: unexpected 'any'");
    parse_bad("alert tcp 1.2.3.256 any -> any any (msg:\"m\"; sid:1;)", "bad address '1.2.3.256'");
    parse_bad("alert tcp any 99999 -> any any (msg:\"m\"; sid:1;)", "bad port '99999'");
    parse_bad("alert tcp !any any -> any any (msg:\"m\"; sid:1;)", "'!any' is not allowed");
    parse_bad("alert tcp $NOPE any -> any any (msg:\"m\"; sid:1;)", "unknown variable '$NOPE'");
    parse_bad("alert tcp any any -> any any msg:\"m\"; sid:1;", "missing '(' before the options");
    parse_bad("alert tcp any any -> any any (msg:\"m\"; sid:1;", "missing ')' after the options");
    parse_bad("alert tcp any any -> any any (msg:\"m\"; sid:1;) x", "text after the closing ')'");
}

/* ---- option syntax and meta keywords ------------------------------------------ */

static void test_option_syntax(void **state)
{
    (void)state;
    parse_bad(R("foo;"), "unknown keyword 'foo'");
    parse_bad(R("foo:bar;"), "unknown keyword 'foo'");
    parse_bad(HDR "(msg:\"m\"; sid:1)", "'sid:1' is not terminated by ';'");
    parse_bad(R(";"), "empty option");
    parse_bad(R("content:\"a\"; nocase:1;"), "nocase: takes no value");
    parse_bad(HDR "(msg:\"m\"; sid;)", "sid: needs a value");
    parse_bad(HDR "(msg:\"m\"; sid:;)", "sid: needs a value");
    /* ';' inside a value must be escaped, even inside quotes */
    struct rule *r = parse_ok(HDR "(msg:\"a\\;b \\\"c\\\" d\\\\\"; sid:1;)");
    assert_string_equal(r->msg, "a;b \"c\" d\\");
    rule_free(r);
}

static void test_meta(void **state)
{
    (void)state;
    struct rule *r = parse_ok(HDR "(msg:\"wallet\"; classtype:trojan-activity; sid:9101000; "
                                  "rev:4; gid:3; reference:url,example.com/a; "
                                  "reference: cve , 2021-44228 ; target:dest_ip; noalert;)");
    assert_int_equal(r->sid, 9101000);
    assert_int_equal(r->rev, 4);
    assert_int_equal(r->gid, 3);
    assert_string_equal(r->classtype, "trojan-activity");
    assert_string_equal(r->category, "A Network Trojan was detected");
    assert_int_equal(r->priority, 1);
    assert_int_equal(r->nreferences, 2);
    assert_string_equal(r->references[0], "url,example.com/a");
    assert_string_equal(r->references[1], "cve,2021-44228");
    assert_true(r->noalert);
    rule_free(r);

    r = parse_ok(R("classtype:bad-unknown; priority:7;"));
    assert_int_equal(r->priority, 7); /* priority: beats the classtype's 2 */
    assert_string_equal(r->category, "Potentially Bad Traffic");
    rule_free(r);
    r = parse_ok(R("classtype:Misc-Activity;"));
    assert_int_equal(r->priority, 3);
    assert_string_equal(r->classtype, "misc-activity");
    rule_free(r);
    r = parse_ok(R("priority:255;"));
    assert_int_equal(r->priority, 255);
    rule_free(r);

    parse_bad(R("classtype:nope;"), "unknown classtype 'nope'");
    parse_bad(R("classtype:misc-activity; classtype:bad-unknown;"), "classtype: used twice");
    parse_bad(R("priority:0;"), "priority: bad value '0' (1..255)");
    parse_bad(R("priority:256;"), "priority: bad value '256' (1..255)");
    parse_bad(R("priority:1; priority:2;"), "priority: used twice");
    parse_bad(R("reference:bugtraq,123;"), "unknown reference type 'bugtraq'");
    parse_bad(R("reference:url;"), "reference: expected type,value");
    parse_bad(R("reference:url,;"), "reference: expected type,value");
    parse_bad(HDR "(msg:\"m\"; sid:0;)", "sid: bad value '0' (1..4294967295)");
    parse_bad(HDR "(msg:\"m\"; sid:4294967296;)", "sid: bad value '4294967296' (1..4294967295)");
    parse_bad(HDR "(msg:\"m\"; sid:12a;)", "sid: bad value '12a' (1..4294967295)");
    parse_bad(HDR "(msg:\"m\"; sid:-1;)", "sid: bad value '-1' (1..4294967295)");
    parse_bad(R("sid:2;"), "sid: used twice");
    parse_bad(R("msg:\"again\";"), "msg: used twice");
    parse_bad(R("rev:x;"), "rev: bad value 'x'");
    parse_bad(R("rev:1; rev:2;"), "rev: used twice");
    parse_bad(R("gid:x;"), "gid: bad value 'x'");
    parse_bad(R("target:both;"), "target: expected src_ip or dest_ip");
    parse_bad(R("requires:feature geoip;"), "requires: not supported");
    parse_bad(R("noalert:1;"), "noalert: takes no value");
}

static void test_reference_without_config(void **state)
{
    (void)state;
    struct rule_parse_ctx c = ctx;
    c.classes = NULL;
    struct rule *r = rule_parse(R("reference:anything,x;"), &c, NULL, 1, err, sizeof(err));
    assert_non_null(r); /* no reference.config loaded: any type is kept */
    assert_null(r->file);
    rule_free(r);
    r = rule_parse(R("classtype:misc-activity;"), &c, NULL, 1, err, sizeof(err));
    assert_null(r);
    assert_string_equal(err, "unknown classtype 'misc-activity'");
}

static void test_metadata(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("metadata:attack_target Client_Endpoint, mitre_technique_id "
                                "T1552, created_at 2024_01_01; metadata: mitre_technique_id "
                                "T1005,attack_target Server, signature_severity Major;"));
    assert_int_equal(r->nmeta, 4);
    assert_string_equal(r->meta[0].key, "attack_target");
    assert_int_equal(r->meta[0].nvalues, 2);
    assert_string_equal(r->meta[0].values[0], "Client_Endpoint");
    assert_string_equal(r->meta[0].values[1], "Server");
    assert_string_equal(r->meta[1].key, "mitre_technique_id");
    assert_int_equal(r->meta[1].nvalues, 2);
    assert_string_equal(r->meta[1].values[0], "T1552");
    assert_string_equal(r->meta[1].values[1], "T1005");
    assert_string_equal(r->meta[2].key, "created_at");
    assert_string_equal(r->meta[2].values[0], "2024_01_01");
    assert_string_equal(r->meta[3].key, "signature_severity");
    rule_free(r);
    r = parse_ok(R("metadata:key value with spaces;"));
    assert_string_equal(r->meta[0].key, "key");
    assert_string_equal(r->meta[0].values[0], "value with spaces");
    rule_free(r);
    parse_bad(R("metadata:lonely;"), "metadata: 'lonely' has no value");
    parse_bad(R("metadata;"), "metadata: needs a value");
}

static void test_missing_sid_msg(void **state)
{
    (void)state;
    parse_bad(HDR "(msg:\"m\";)", "missing sid");
    parse_bad(HDR "(sid:1;)", "missing msg");
    parse_bad(HDR "(content:\"x\";)", "missing sid");
    parse_bad(HDR "()", "missing sid");
}

/* ---- content ------------------------------------------------------------------- */

static void test_content_decode(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("content:\"GET |20 2F|x|0d0A|\";"));
    assert_pat(sm_at(r, 0, 0), "GET  /x\r\n", 9);
    assert_int_equal(sm_at(r, 0, 0)->flags, SMF_FAST_PATTERN);
    rule_free(r);
    r = parse_ok(R("content:\"a\\\"b\\;c\\\\d\\:e:f\";"));
    assert_pat(sm_at(r, 0, 0), "a\"b;c\\d:e:f", 11);
    rule_free(r);
    r = parse_ok(R("content:!\"evil\";"));
    assert_true(sm_at(r, 0, 0)->flags & SMF_NEGATED);
    assert_null(r->fast); /* only a negated content: no prefilter */
    rule_free(r);
    r = parse_ok(R("content: ! \"|00 01 ff|\";"));
    assert_pat(sm_at(r, 0, 0), "\x00\x01\xff", 3);
    assert_true(sm_at(r, 0, 0)->flags & SMF_NEGATED);
    rule_free(r);

    parse_bad(R("content:\"abc|0G|\";"), "bad hex in content: |0G|");
    parse_bad(R("content:\"|0D 0|\";"), "bad hex in content: |0D 0|");
    parse_bad(R("content:\"a|0D 0A\";"), "bad hex in content: |0D 0A");
    parse_bad(R("content:\"a||b\";"), "bad hex in content: ||");
    parse_bad(R("content:\"|0d\\0a|\";"), "bad hex in content: |0d\\0a|");
    parse_bad(R("content:\"a\\nb\";"), "content: bad escape '\\n'");
    parse_bad(R("content:\"a\"b\";"), "content: '\"' must be escaped");
    parse_bad(R("content:abc;"), "content needs a quoted string");
    parse_bad(R("content:\"abc;"), "content needs a quoted string");
    parse_bad(R("content:\"abc\\\";"), "content needs a quoted string");
    parse_bad(R("content:\"\";"), "content is empty");
    parse_bad(R("content;"), "content: needs a value");
}

static void test_content_modifiers(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("content:\"HeLLo\"; nocase; offset:2; depth:10; "
                                "content:\"World\"; distance:-3; within:20; "
                                "content:\"x\"; startswith; content:\"y\"; endswith; rawbytes;"));
    const struct sigmatch *a = sm_at(r, 0, 0), *b = sm_at(r, 0, 1);
    assert_pat(a, "hello", 5);
    assert_int_equal(a->flags & ~SMF_FAST_PATTERN, SMF_NOCASE | SMF_OFFSET | SMF_DEPTH);
    assert_int_equal(a->u.content.offset, 2);
    assert_int_equal(a->u.content.depth, 10);
    assert_int_equal(b->flags & ~SMF_FAST_PATTERN, SMF_DISTANCE | SMF_WITHIN | SMF_RELATIVE);
    assert_int_equal(b->u.content.distance, -3);
    assert_int_equal(b->u.content.within, 20);
    assert_int_equal(sm_at(r, 0, 2)->flags, SMF_STARTSWITH);
    assert_int_equal(sm_at(r, 0, 3)->flags, SMF_ENDSWITH);
    rule_free(r);
    r = parse_ok(R("content:\"ab\"; depth:2; content:\"cd\"; within:2; distance:0;"));
    assert_int_equal(sm_at(r, 0, 1)->u.content.distance, 0);
    rule_free(r);

    static const char *const mods[] = {"nocase;",     "depth:5;",      "offset:1;",
                                       "distance:0;", "within:5;",     "startswith;",
                                       "endswith;",   "fast_pattern;", "http_uri;"};
    char text[256], msg[128];
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        snprintf(text, sizeof(text), R("%s content:\"abc\";"), mods[i]);
        size_t kl = strcspn(mods[i], ":;");
        snprintf(msg, sizeof(msg), "'%.*s' needs a preceding content", (int)kl, mods[i]);
        parse_bad(text, msg);
    }
    parse_bad(R("content:\"abcdef\"; depth:5;"), "depth 5 is smaller than the content (6 bytes)");
    parse_bad(R("content:\"a\"; content:\"abcdef\"; within:3;"),
              "within 3 is smaller than the content (6 bytes)");
    parse_bad(R("content:\"a\"; depth:0;"), "depth: bad value '0'");
    parse_bad(R("content:\"a\"; offset:-1;"), "offset: bad value '-1'");
    parse_bad(R("content:\"a\"; within:0;"), "within: bad value '0'");
    parse_bad(R("content:\"a\"; distance:1048577;"), "distance: bad value '1048577'");
    parse_bad(R("content:\"a\"; depth:abc;"), "depth: bad value 'abc'");
    parse_bad(R("content:\"a\"; depth:4; depth:5;"), "depth: used twice on one content");
    parse_bad(R("content:\"a\"; nocase; nocase;"), "nocase: used twice on one content");
    parse_bad(R("content:\"a\"; depth:4; distance:0;"),
              "distance can't be combined with depth/offset on one content");
    parse_bad(R("content:\"a\"; within:4; offset:1;"),
              "offset can't be combined with distance/within on one content");
    parse_bad(R("content:\"a\"; startswith; depth:4;"),
              "depth can't be combined with startswith on one content");
    parse_bad(R("content:\"a\"; startswith; within:4;"),
              "within can't be combined with startswith on one content");
    parse_bad(R("content:\"a\"; offset:3; startswith;"),
              "startswith can't be combined with depth/offset/distance/within");
    parse_bad(R("content:\"a\"; startswith; startswith;"), "startswith: used twice on one content");
    parse_bad(R("content:\"a\"; endswith; endswith;"), "endswith: used twice on one content");
    parse_bad(R("rawbytes:1;"), "rawbytes: takes no value");
}

static void test_fast_pattern(void **state)
{
    (void)state;
    /* implicit: the longest */
    struct rule *r =
        parse_ok(R("content:\"short\"; content:\"much longer\"; content:\"mid-size\";"));
    assert_ptr_equal(r->fast, sm_at(r, 0, 1));
    assert_int_equal(r->fast_buffer, 0);
    assert_true(sm_at(r, 0, 1)->flags & SMF_FAST_PATTERN);
    assert_false(sm_at(r, 0, 0)->flags & SMF_FAST_PATTERN);
    rule_free(r);
    /* same length: the stronger (more varied) pattern wins */
    r = parse_ok(R("content:\"aaaa\"; content:\"|01 02 03 04|\"; content:\"abcd\";"));
    assert_ptr_equal(r->fast, sm_at(r, 0, 1));
    rule_free(r);
    r = parse_ok(R("content:\"abcd\"; content:\"aaaa\";"));
    assert_ptr_equal(r->fast, sm_at(r, 0, 0));
    rule_free(r);
    /* explicit, in every accepted form */
    static const char *const forms[] = {"fast_pattern;", "fast_pattern:only;", "fast_pattern:2,3;",
                                        "fast_pattern: 0 , 1 ;"};
    char text[256];
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        snprintf(text, sizeof(text), R("content:\"a long one\"; content:\"abc\"; %s"), forms[i]);
        r = parse_ok(text);
        assert_ptr_equal(r->fast, sm_at(r, 0, 1));
        assert_int_equal(sm_at(r, 0, 1)->flags, SMF_FAST_PATTERN | SMF_FAST_EXPLICIT);
        rule_free(r);
    }
    /* a negated content is never the prefilter */
    r = parse_ok(R("content:!\"a long negated one\"; content:\"abc\";"));
    assert_ptr_equal(r->fast, sm_at(r, 0, 1));
    rule_free(r);
    r = parse_ok(R("content:\"abc\"; content:!\"xyz\"; fast_pattern;"));
    assert_ptr_equal(r->fast, sm_at(r, 0, 0));
    assert_true(sm_at(r, 0, 1)->flags & SMF_FAST_EXPLICIT);
    assert_false(sm_at(r, 0, 1)->flags & SMF_FAST_PATTERN);
    rule_free(r);
    /* app buffers come before pkt_data */
    r = parse_ok(R("content:\"a very long payload pattern\"; http.uri; content:\"/x\";"));
    assert_ptr_equal(r->fast, sm_at(r, buf_uri, 0));
    assert_int_equal(r->fast_buffer, buf_uri);
    rule_free(r);

    parse_bad(R("content:\"a\"; fast_pattern; content:\"b\"; fast_pattern;"),
              "fast_pattern can be used on only one content in a rule");
    parse_bad(R("content:\"a\"; fast_pattern:x;"),
              "fast_pattern: bad value (expected only or offset,length)");
    parse_bad(R("content:\"a\"; fast_pattern:1,2,3;"),
              "fast_pattern: bad value (expected only or offset,length)");
    parse_bad(R("content:!\"a\"; depth:4; fast_pattern;"),
              "fast_pattern can't be used on a negated content with offset/depth/distance/within");
    parse_bad(R("content:!\"a\"; fast_pattern; distance:1;"),
              "fast_pattern can't be used on a negated content with offset/depth/distance/within");
}

/* ---- buffers ------------------------------------------------------------------------- */

static void test_buffer_registry(void **state)
{
    (void)state;
    assert_int_equal(detect_buffer_id("pkt_data"), DETECT_BUF_PKT_DATA);
    assert_int_equal(detect_buffer_id("ip.src"), DETECT_BUF_IP_SRC);
    assert_int_equal(detect_buffer_id("ip.dst"), DETECT_BUF_IP_DST);
    assert_true(buf_uri >= DETECT_BUF_FIRST_APP);
    assert_int_equal(detect_buffer_register("http.uri", "http", BUF_TOSERVER), buf_uri);
    assert_int_equal(detect_buffer_id("file_data"), buf_file);
    assert_int_equal(detect_buffer_alias("file_data", "file.data"), buf_file);
    assert_int_equal(detect_buffer_alias("file_data", "http.uri"), -1);
    assert_int_equal(detect_buffer_alias("x", "no.such"), -1);
    assert_int_equal(detect_buffer_id("no.such"), -1);
    assert_int_equal(detect_buffer_id(NULL), -1);
    assert_string_equal(detect_buffer_name(buf_dns), "dns.query");
    assert_string_equal(detect_buffer_app_proto(buf_dns), "dns");
    assert_null(detect_buffer_app_proto(DETECT_BUF_PKT_DATA));
    assert_null(detect_buffer_app_proto(DETECT_BUF_IP_SRC));
    assert_int_equal(detect_buffer_dirs(buf_uri), BUF_TOSERVER);
    assert_int_equal(detect_buffer_dirs(DETECT_BUF_IP_DST), BUF_TOSERVER | BUF_TOCLIENT);
    assert_null(detect_buffer_name(-1));
    assert_null(detect_buffer_name(DETECT_BUF_MAX));
    assert_int_equal(detect_buffer_dirs(DETECT_BUF_MAX), 0);
    assert_true(detect_buffer_count() > buf_dns);
    assert_true(detect_buffer_is_app_proto("dns"));
    assert_false(detect_buffer_is_app_proto("nope"));
    assert_int_equal(detect_buffer_register("", NULL, 0), -1);
    char longname[80];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(detect_buffer_register(longname, NULL, 0), -1);
    /* the table fills up and says so */
    char name[32];
    int last = 0;
    for (int i = 0; i < DETECT_BUF_MAX + 2 && last >= 0; i++) {
        snprintf(name, sizeof(name), "fill.%d", i);
        last = detect_buffer_register(name, NULL, BUF_TOSERVER);
    }
    assert_int_equal(last, -1);
    assert_int_equal(detect_buffer_count(), DETECT_BUF_MAX);
}

static void test_sticky_buffers(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("content:\"pkt\"; http.uri; content:\"/a\"; nocase; "
                                "pcre:\"/b+/R\"; http.host; content:\"h\"; pkt_data; "
                                "content:\"more\"; file_data; content:\"body\";"));
    assert_int_equal(r->proto, RULE_PROTO_TCP);
    assert_string_equal(r->app_proto, "http");
    assert_int_equal(buf(r, 0)->nsm, 2);
    assert_int_equal(buf(r, buf_uri)->nsm, 2);
    assert_int_equal(sm_at(r, buf_uri, 1)->type, SM_PCRE);
    assert_true(sm_at(r, buf_uri, 1)->flags & SMF_RELATIVE);
    assert_pat(sm_at(r, buf_host, 0), "h", 1);
    assert_pat(sm_at(r, buf_file, 0), "body", 4);
    assert_pat(sm_at(r, 0, 1), "more", 4);
    rule_free(r);
    r = parse_ok("alert http any any -> any any (msg:\"m\"; http.uri; content:\"x\"; sid:1;)");
    assert_int_equal(r->proto, RULE_PROTO_APP);
    rule_free(r);
    r = parse_ok("alert udp any any -> any any (msg:\"m\"; dns_query; content:\"evil\"; sid:1;)");
    assert_string_equal(r->app_proto, "dns");
    assert_int_equal(r->fast_buffer, buf_dns);
    rule_free(r);
    r = parse_ok("alert icmp any any -> any any (msg:\"m\"; ip.src; bsize:4; sid:1;)");
    assert_int_equal(sm_at(r, DETECT_BUF_IP_SRC, 0)->type, SM_BSIZE);
    rule_free(r);

    parse_bad("alert dns any any -> any any (msg:\"m\"; http.uri; sid:1;)",
              "buffer 'http.uri' is for http, not dns");
    parse_bad(R("http.uri; dns.query;"), "buffer 'dns.query' is for dns, not http");
    parse_bad("alert icmp any any -> any any (msg:\"m\"; http.uri; sid:1;)",
              "buffer 'http.uri' is for http, not icmp");
    parse_bad(R("http.uri:1;"), "http.uri: takes no value");
    /* modifiers don't reach back across a buffer switch */
    parse_bad(R("content:\"a\"; http.uri; nocase;"), "'nocase' needs a preceding content");
    parse_bad(R("http.request_body; content:\"a\";"), "unknown keyword 'http.request_body'");
}

static void test_legacy_modifiers(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("content:\"GET\"; http_method; content:\"/a\"; http_uri; "
                                "content:\"b\"; distance:0; http_uri; nocase; content:\"pkt\";"));
    assert_string_equal(r->app_proto, "http");
    int method = detect_buffer_id("http.method");
    assert_pat(sm_at(r, method, 0), "GET", 3);
    assert_int_equal(buf(r, buf_uri)->nsm, 2);
    assert_pat(sm_at(r, buf_uri, 1), "b", 1);
    assert_int_equal(sm_at(r, buf_uri, 1)->flags & ~SMF_FAST_PATTERN,
                     SMF_DISTANCE | SMF_RELATIVE | SMF_NOCASE);
    assert_int_equal(buf(r, 0)->nsm, 1);
    assert_pat(sm_at(r, 0, 0), "pkt", 3);
    rule_free(r);
    /* the content moves; the pcre after it stays in pkt_data */
    r = parse_ok(R("content:\"x\"; pcre:\"/y/\"; http_header;"));
    assert_int_equal(buf(r, 0)->nsm, 1);
    assert_int_equal(sm_at(r, 0, 0)->type, SM_PCRE);
    rule_free(r);
    /* everything moved: no empty pkt_data list is left behind */
    r = parse_ok(R("content:\"x\"; http_uri;"));
    assert_null(buf(r, 0));
    assert_int_equal(r->nbuffers, 1);
    rule_free(r);

    static const char *const unregistered[][2] = {
        {"http_raw_uri", "http.uri.raw"},
        {"http_raw_header", "http.header.raw"},
        {"http_cookie", "http.cookie"},
        {"http_user_agent", "http.user_agent"},
        {"http_raw_host", "http.host.raw"},
        {"http_client_body", "http.request_body"},
        {"http_server_body", "http.response_body"},
        {"http_stat_code", "http.stat_code"},
        {"http_stat_msg", "http.stat_msg"},
    };
    char text[256], msg[128];
    for (size_t i = 0; i < sizeof(unregistered) / sizeof(unregistered[0]); i++) {
        snprintf(text, sizeof(text), R("content:\"a\"; %s;"), unregistered[i][0]);
        snprintf(msg, sizeof(msg), "unknown buffer '%s' (no parser registers it)",
                 unregistered[i][1]);
        parse_bad(text, msg);
    }
    parse_bad(R("http.host; content:\"a\"; http_uri;"),
              "http_uri: the content before it is already in 'http.host'");
    parse_bad("alert dns any any -> any any (msg:\"m\"; content:\"a\"; http_uri; sid:1;)",
              "buffer 'http.uri' is for http, not dns");
    parse_bad(R("content:\"a\"; http_uri:1;"), "http_uri: takes no value");
}

/* ---- pcre ------------------------------------------------------------------------------ */

static void test_pcre(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("pcre:\"/^GET\\s+\\/x/i\"; pcre:!\"/evil\\;[0-9]/sm\"; "
                                "pcre:\"/\\/wallet/U\";"));
    assert_int_equal(buf(r, 0)->nsm, 2);
    assert_int_equal(sm_at(r, 0, 0)->type, SM_PCRE);
    assert_non_null(sm_at(r, 0, 0)->u.pcre.re);
    assert_false(sm_at(r, 0, 0)->flags & SMF_NEGATED);
    assert_true(sm_at(r, 0, 1)->flags & SMF_NEGATED);
    assert_int_equal(sm_at(r, buf_uri, 0)->type, SM_PCRE); /* U: this pcre only */
    assert_string_equal(r->app_proto, "http");
    assert_null(r->fast);
    rule_free(r);

    parse_bad(R("pcre:\"/a(b/\";"), "pcre: missing closing parenthesis at offset 3");
    parse_bad(R("pcre:\"/a/q\";"), "pcre: unknown flag 'q'");
    parse_bad(R("pcre:\"abc\";"), "pcre: expected /regex/flags");
    parse_bad(R("pcre:/abc/;"), "pcre needs a quoted \"/regex/flags\"");
    parse_bad(R("pcre:\"/a/C\";"), "unknown buffer 'http.cookie' (no parser registers it)");
    parse_bad("alert dns any any -> any any (msg:\"m\"; pcre:\"/a/U\"; sid:1;)",
              "buffer 'http.uri' is for http, not dns");
}

/* ---- byte_test, byte_jump, isdataat, bsize, dsize ------------------------------------ */

static void test_byte_test(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("byte_test:2,>,0x1000,4,relative,little; "
                                "byte_test:4,!=,7,-2; byte_test:1,&,0x80,0,bitmask 0xf0; "
                                "byte_test:3,<=,255,0,string,dec; byte_test:8,^,1,0,big; "
                                "byte_test:23, ! >=, 10, 1, string, hex;"));
    const struct sm_byte *b = &sm_at(r, 0, 0)->u.byte;
    assert_int_equal(sm_at(r, 0, 0)->type, SM_BYTE_TEST);
    assert_int_equal(b->nbytes, 2);
    assert_int_equal(b->op, BOP_GT);
    assert_int_equal(b->value, 0x1000);
    assert_int_equal(b->offset, 4);
    assert_int_equal(b->flags, BYTE_LITTLE);
    assert_true(sm_at(r, 0, 0)->flags & SMF_RELATIVE);
    b = &sm_at(r, 0, 1)->u.byte;
    assert_int_equal(b->op, BOP_EQ);
    assert_int_equal(b->flags, BYTE_NEGATE | BYTE_BIG);
    assert_int_equal(b->offset, -2);
    assert_int_equal(sm_at(r, 0, 2)->u.byte.bitmask, 0xf0);
    assert_int_equal(sm_at(r, 0, 2)->u.byte.op, BOP_AND);
    b = &sm_at(r, 0, 3)->u.byte;
    assert_int_equal(b->op, BOP_LE);
    assert_int_equal(b->flags, BYTE_STRING | BYTE_BIG);
    assert_int_equal(b->base, 10);
    assert_int_equal(sm_at(r, 0, 4)->u.byte.op, BOP_XOR_NZ);
    b = &sm_at(r, 0, 5)->u.byte;
    assert_int_equal(b->op, BOP_GE);
    assert_int_equal(b->base, 16);
    assert_int_equal(b->nbytes, 23);
    assert_true(b->flags & BYTE_NEGATE);
    rule_free(r);
    r = parse_ok(R("byte_test:1,|,1,0; byte_test:1,<,1,0; byte_test:1,=,1,0,string,oct;"));
    assert_int_equal(sm_at(r, 0, 0)->u.byte.op, BOP_OR);
    assert_int_equal(sm_at(r, 0, 1)->u.byte.op, BOP_LT);
    assert_int_equal(sm_at(r, 0, 2)->u.byte.base, 8);
    rule_free(r);

    parse_bad(R("byte_test:2,>,1;"), "byte_test: needs at least 4 values");
    parse_bad(R("byte_test:0,>,1,0;"), "byte_test: nbytes 0 out of range (1..8)");
    parse_bad(R("byte_test:9,>,1,0;"), "byte_test: nbytes 9 out of range (1..8)");
    parse_bad(R("byte_test:24,>,1,0,string;"),
              "byte_test: nbytes 24 out of range (1..23 with string)");
    parse_bad(R("byte_test:x,>,1,0;"), "byte_test: bad nbytes 'x'");
    parse_bad(R("byte_test:2,~,1,0;"), "byte_test: bad operator '~'");
    parse_bad(R("byte_test:2,>,one,0;"), "byte_test: bad value 'one'");
    parse_bad(R("byte_test:2,>,1,zero;"), "byte_test: bad offset 'zero'");
    parse_bad(R("byte_test:2,>,1,0,dce;"), "byte_test: 'dce' is not supported");
    parse_bad(R("byte_test:2,>,1,0,hex;"), "byte_test: hex/dec/oct need 'string'");
    parse_bad(R("byte_test:2,>,1,0,string,hex,dec;"), "byte_test: more than one of hex/dec/oct");
    parse_bad(R("byte_test:2,>,1,0,big,little;"), "byte_test: big and little both given");
    parse_bad(R("byte_test:2,>,1,0,bitmask 0;"), "byte_test: bad bitmask '0'");
    parse_bad(R("byte_test:2,>,1,0,align;"), "byte_test: unknown option 'align'");
}

static void test_byte_jump(void **state)
{
    (void)state;
    struct rule *r =
        parse_ok(R("byte_jump:4,12,relative,little,multiplier 2,align,"
                   "post_offset -4,bitmask 0x0fff; "
                   "byte_jump:2,0,from_beginning; byte_jump:3,1,string,dec,from_end;"));
    const struct sm_byte *b = &sm_at(r, 0, 0)->u.byte;
    assert_int_equal(sm_at(r, 0, 0)->type, SM_BYTE_JUMP);
    assert_int_equal(b->nbytes, 4);
    assert_int_equal(b->offset, 12);
    assert_int_equal(b->multiplier, 2);
    assert_int_equal(b->post_offset, -4);
    assert_int_equal(b->bitmask, 0x0fff);
    assert_int_equal(b->flags, BYTE_LITTLE | BYTE_ALIGN);
    assert_true(sm_at(r, 0, 0)->flags & SMF_RELATIVE);
    assert_int_equal(sm_at(r, 0, 1)->u.byte.flags, BYTE_FROM_BEGINNING | BYTE_BIG);
    b = &sm_at(r, 0, 2)->u.byte;
    assert_int_equal(b->flags, BYTE_STRING | BYTE_FROM_END | BYTE_BIG);
    assert_int_equal(b->base, 10);
    rule_free(r);

    parse_bad(R("byte_jump:4;"), "byte_jump: needs at least 2 values");
    parse_bad(R("byte_jump:4,0,from_beginning,from_end;"),
              "byte_jump: from_beginning and from_end both given");
    parse_bad(R("byte_jump:4,0,multiplier 0;"), "byte_jump: bad multiplier '0'");
    parse_bad(R("byte_jump:4,0,post_offset x;"), "byte_jump: bad post_offset 'x'");
    parse_bad(R("byte_jump:4,0,dce;"), "byte_jump: 'dce' is not supported");
    parse_bad(R("byte_jump:4,0,sideways;"), "byte_jump: unknown option 'sideways'");
    parse_bad(R("byte_jump:9,0;"), "byte_jump: nbytes 9 out of range (1..8)");
}

static void test_isdataat(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("isdataat:10; isdataat:!1,relative; isdataat:5,rawbytes;"));
    assert_int_equal(sm_at(r, 0, 0)->type, SM_ISDATAAT);
    assert_int_equal(sm_at(r, 0, 0)->u.isdataat.n, 10);
    assert_int_equal(sm_at(r, 0, 0)->flags, 0);
    assert_int_equal(sm_at(r, 0, 1)->flags, SMF_NEGATED | SMF_RELATIVE);
    assert_int_equal(sm_at(r, 0, 1)->u.isdataat.n, 1);
    rule_free(r);
    parse_bad(R("isdataat:x;"), "isdataat: bad value 'x'");
    parse_bad(R("isdataat:-1;"), "isdataat: bad value '-1'");
    parse_bad(R("isdataat:1,absolute;"), "isdataat: unknown option 'absolute'");
    parse_bad(R("isdataat:1,relative,rawbytes,x,y;"), "isdataat: too many values");
}

static void test_bsize_dsize(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("http.uri; bsize:10; bsize:<5; bsize: > 7; bsize:2<>9; "
                                "dsize:<300;"));
    const struct sm_size *s = &sm_at(r, buf_uri, 0)->u.bsize;
    assert_int_equal(sm_at(r, buf_uri, 0)->type, SM_BSIZE);
    assert_int_equal(s->op, BSIZE_EQ);
    assert_int_equal(s->lo, 10);
    assert_int_equal(sm_at(r, buf_uri, 1)->u.bsize.op, BSIZE_LT);
    assert_int_equal(sm_at(r, buf_uri, 1)->u.bsize.lo, 5);
    assert_int_equal(sm_at(r, buf_uri, 2)->u.bsize.op, BSIZE_GT);
    assert_int_equal(sm_at(r, buf_uri, 2)->u.bsize.lo, 7);
    s = &sm_at(r, buf_uri, 3)->u.bsize;
    assert_int_equal(s->op, BSIZE_RANGE);
    assert_int_equal(s->lo, 2);
    assert_int_equal(s->hi, 9);
    assert_true(r->has_dsize);
    assert_int_equal(r->dsize.op, BSIZE_LT);
    assert_int_equal(r->dsize.lo, 300);
    rule_free(r);
    r = parse_ok(R("dsize:0;"));
    assert_int_equal(r->dsize.op, BSIZE_EQ);
    assert_int_equal(r->dsize.lo, 0);
    rule_free(r);
    r = parse_ok(R("dsize:10 <> 20;"));
    assert_int_equal(r->dsize.op, BSIZE_RANGE);
    rule_free(r);
    parse_bad(R("bsize:x;"), "bsize: bad value (expected N, <N, >N or N<>M)");
    parse_bad(R("bsize:9<>2;"), "bsize: bad value (expected N, <N, >N or N<>M)");
    parse_bad(R("bsize:3<>3;"), "bsize: bad value (expected N, <N, >N or N<>M)");
    parse_bad(R("dsize:<;"), "dsize: bad value (expected N, <N, >N or N<>M)");
    parse_bad(R("dsize:-1;"), "dsize: bad value (expected N, <N, >N or N<>M)");
    parse_bad(R("dsize:1; dsize:2;"), "dsize: used twice");
}

/* ---- dataset ---------------------------------------------------------------------------- */

static void test_dataset(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("dns_query; dataset:isset,bad-domains,type string,"
                                "load domains.txt,format plain; ip.dst; "
                                "dataset:isnotset,feed,type ipv4,load addrs.txt,format plain; "
                                "pkt_data; dataset:isset,b64,type string,load strings.lst;"));
    const struct sigmatch *sm = sm_at(r, buf_dns, 0);
    assert_int_equal(sm->type, SM_DATASET);
    assert_int_equal(sm->u.dataset.op, DATASET_ISSET);
    assert_non_null(sm->u.dataset.set);
    assert_true(dataset_contains(sm->u.dataset.set, (const uint8_t *)"evil.example.com", 16));
    sm = sm_at(r, DETECT_BUF_IP_DST, 0);
    assert_int_equal(sm->u.dataset.op, DATASET_ISNOTSET);
    assert_true(dataset_contains(sm->u.dataset.set, (const uint8_t *)"\xc0\x00\x02\x01", 4));
    sm = sm_at(r, 0, 0);
    assert_true(dataset_contains(sm->u.dataset.set, (const uint8_t *)"evil", 4));
    rule_free(r);
    /* a second rule reuses the loaded set by name */
    r = parse_ok(R("ip.src; dataset:isset,feed,type ipv4,load addrs.txt,format plain;"));
    rule_free(r);

    parse_bad(R("dataset:set,x,type string;"), "dataset: 'set' is not supported");
    parse_bad(R("dataset:unset,x,type string;"), "dataset: 'unset' is not supported");
    parse_bad(R("dataset:isset,x,type string,state x.lst;"), "dataset: 'state' is not supported");
    parse_bad(R("dataset:isset,x,type string,save x.lst;"), "dataset: 'save' is not supported");
    parse_bad(R("dataset:isset,x,type string,memcap 10mb;"), "dataset: 'memcap' is not supported");
    parse_bad(R("dataset:isset,x,type string,hashsize 10;"),
              "dataset: 'hashsize' is not supported");
    parse_bad(R("dataset:isset,x,type string,format json;"),
              "dataset: format 'json' is not supported");
    parse_bad(R("dataset:isset,x,type ip;"), "dataset: unknown type 'ip'");
    parse_bad(R("dataset:isset,x,load a.lst;"), "dataset: missing type");
    parse_bad(R("dataset:isset,x,type string,frob 1;"), "dataset: unknown option 'frob'");
    parse_bad(R("dataset:isset,x,type;"), "dataset: 'type' needs a value");
    parse_bad(R("dataset:check,x;"), "dataset: unknown operation 'check'");
    parse_bad(R("dataset:isset;"), "dataset: needs an operation and a name");
    parse_bad(R("ip.src; dataset:isset,x,type string,load domains.txt;"),
              "dataset: buffer 'ip.src' needs type ipv4 or ipv6");
    char msg[512];
    snprintf(msg, sizeof(msg),
             "dataset 'gone': cannot read %s/missing.lst: No such file or directory", tmpdir);
    parse_bad(R("dataset:isset,gone,type string,load missing.lst;"), msg);
    struct rule_parse_ctx c = ctx;
    c.datasets = NULL;
    assert_null(rule_parse(R("dataset:isset,x,type string;"), &c, NULL, 1, err, sizeof(err)));
    assert_string_equal(err, "dataset: no dataset registry");
}

/* ---- flow, flowbits, threshold ------------------------------------------------------------ */

static void test_flow(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("flow:established,to_server;"));
    assert_int_equal(r->flow, RFLOW_ESTABLISHED | RFLOW_TO_SERVER);
    rule_free(r);
    r = parse_ok(R("flow: from_server , not_established, only_stream, stateless;"));
    assert_int_equal(r->flow, RFLOW_TO_CLIENT | RFLOW_NOT_ESTABLISHED | RFLOW_ONLY_STREAM);
    rule_free(r);
    r = parse_ok(R("flow:from_client,no_stream;"));
    assert_int_equal(r->flow, RFLOW_TO_SERVER | RFLOW_NO_STREAM);
    rule_free(r);
    r = parse_ok(R("flow:to_client; flow:established;"));
    assert_int_equal(r->flow, RFLOW_TO_CLIENT | RFLOW_ESTABLISHED);
    rule_free(r);
    r = parse_ok("alert tcp-stream any any -> any any (msg:\"m\"; flow:to_server; sid:1;)");
    assert_int_equal(r->flow, RFLOW_TO_SERVER | RFLOW_ONLY_STREAM);
    rule_free(r);
    parse_bad(R("flow:established,not_established;"),
              "flow: 'not_established' conflicts with an earlier option");
    parse_bad(R("flow:to_server,from_server;"),
              "flow: 'from_server' conflicts with an earlier option");
    parse_bad(R("flow:only_stream; flow:no_stream;"),
              "flow: 'no_stream' conflicts with an earlier option");
    parse_bad("alert tcp-pkt any any -> any any (msg:\"m\"; flow:only_stream; sid:1;)",
              "flow: 'only_stream' conflicts with the rule's protocol");
    parse_bad("alert tcp-stream any any -> any any (msg:\"m\"; flow:no_stream; sid:1;)",
              "flow: 'no_stream' conflicts with the rule's protocol");
    r = parse_ok(R("FLOW:established; Content:\"x\"; NOCASE;"));
    assert_int_equal(r->flow, RFLOW_ESTABLISHED);
    rule_free(r);
    parse_bad(R("flow:only_frag;"), "flow: unknown option 'only_frag'");
    parse_bad(R("flow;"), "flow: needs a value");
}

static void test_flowbits(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("flowbits:set,wallet.seen; flowbits:isset,a|b| c; "
                                "flowbits:isnotset,d; flowbits:unset,e; flowbits:toggle,f; "
                                "flowbits:noalert;"));
    assert_true(r->noalert);
    assert_int_equal(r->nflowbits, 5);
    assert_int_equal(r->flowbits[0].op, FB_SET);
    assert_int_equal(r->flowbits[0].nnames, 1);
    assert_string_equal(flowbit_name(ctx.flowbits, r->flowbits[0].ids[0]), "wallet.seen");
    assert_int_equal(r->flowbits[1].op, FB_ISSET);
    assert_int_equal(r->flowbits[1].nnames, 3);
    assert_string_equal(flowbit_name(ctx.flowbits, r->flowbits[1].ids[2]), "c");
    assert_int_equal(r->flowbits[2].op, FB_ISNOTSET);
    assert_int_equal(r->flowbits[3].op, FB_UNSET);
    assert_int_equal(r->flowbits[4].op, FB_TOGGLE);
    rule_free(r);
    /* names are interned once per ruleset */
    r = parse_ok(R("flowbits:isset,wallet.seen;"));
    assert_int_equal(r->flowbits[0].ids[0], flowbit_id(ctx.flowbits, "wallet.seen"));
    rule_free(r);

    parse_bad(R("flowbits:set,a|b;"), "flowbits: 'a|b' is only allowed with isset and isnotset");
    parse_bad(R("flowbits:flip,a;"), "flowbits: unknown operation 'flip'");
    parse_bad(R("flowbits:set;"), "flowbits: 'set' needs one name");
    parse_bad(R("flowbits:set,a,b;"), "flowbits: too many values");
    parse_bad(R("flowbits:isset,a||b;"), "flowbits: bad name ''");
    parse_bad(R("flowbits:set,a b;"), "flowbits: bad name 'a b'");
    parse_bad(R("flowbits:isset,a|b|c|d|e|f|g|h|i;"), "flowbits: more than 8 names");
}

static void test_threshold(void **state)
{
    (void)state;
    struct rule *r = parse_ok(R("threshold: type limit, track by_src, count 1, seconds 60;"));
    assert_int_equal(r->threshold.type, THR_LIMIT);
    assert_int_equal(r->threshold.track, TRACK_BY_SRC);
    assert_int_equal(r->threshold.count, 1);
    assert_int_equal(r->threshold.seconds, 60);
    rule_free(r);
    r = parse_ok(R("threshold:seconds 5,count 10,track by_flow,type both;"));
    assert_int_equal(r->threshold.type, THR_BOTH);
    assert_int_equal(r->threshold.track, TRACK_BY_FLOW);
    rule_free(r);
    r = parse_ok(R("threshold:type threshold,track by_rule,count 3,seconds 1;"));
    assert_int_equal(r->threshold.type, THR_THRESHOLD);
    assert_int_equal(r->threshold.track, TRACK_BY_RULE);
    rule_free(r);
    r = parse_ok(R("detection_filter:track by_both,count 5,seconds 30;"));
    assert_int_equal(r->threshold.type, THR_DETECTION_FILTER);
    assert_int_equal(r->threshold.track, TRACK_BY_BOTH);
    assert_int_equal(r->threshold.count, 5);
    rule_free(r);
    r = parse_ok(R("detection_filter:track by_dst,count 1,seconds 1;"));
    assert_int_equal(r->threshold.track, TRACK_BY_DST);
    rule_free(r);

    parse_bad(R("threshold:type limit,track by_src,seconds 60;"), "threshold: missing 'count'");
    parse_bad(R("threshold:track by_src,count 1,seconds 60;"), "threshold: missing 'type'");
    parse_bad(R("threshold:type limit,count 1,seconds 60;"), "threshold: missing 'track'");
    parse_bad(R("threshold:type limit,track by_src,count 1;"), "threshold: missing 'seconds'");
    parse_bad(R("threshold:type backoff,track by_flow,count 1,multiplier 10;"),
              "threshold: type 'backoff' is not supported");
    parse_bad(R("threshold:type limit,track by_port,count 1,seconds 1;"),
              "threshold: bad track 'by_port'");
    parse_bad(R("threshold:type limit,track by_src,count 0,seconds 1;"),
              "threshold: bad count '0'");
    parse_bad(R("threshold:type limit,track by_src,count 1,seconds x;"),
              "threshold: bad seconds 'x'");
    parse_bad(R("threshold:type limit,track by_src,count 1,seconds 1,multiplier 2;"),
              "threshold: 'multiplier' is not supported");
    parse_bad(R("detection_filter:track by_src,count 1;"), "detection_filter: missing 'seconds'");
    parse_bad(R("detection_filter:type limit,track by_src,count 1,seconds 1;"),
              "detection_filter: 'type' is not supported");
    parse_bad(R("detection_filter:track by_src,count 1,seconds 1,unique_on dst_port;"),
              "detection_filter: 'unique_on' is not supported");
    parse_bad(R("threshold:type limit,track by_src,count 1,seconds 1; "
                "detection_filter:track by_src,count 1,seconds 1;"),
              "detection_filter: only one threshold or detection_filter per rule");
}

/* ---- files ------------------------------------------------------------------------------- */

struct collected {
    char msgs[8][512];
    int nerr;
    uint32_t sids[8];
    int nrules;
};

static void on_rule(void *user, struct rule *r)
{
    struct collected *c = user;
    if (c->nrules < 8)
        c->sids[c->nrules++] = r->sid;
    rule_free(r);
}

static void on_error(void *user, const char *msg)
{
    struct collected *c = user;
    if (c->nerr < 8)
        snprintf(c->msgs[c->nerr++], sizeof(c->msgs[0]), "%s", msg);
}

static void test_file_load(void **state)
{
    (void)state;
    char path[256], want[512];
    write_file("t.rules",
               "# comment\n"
               "\n"
               "   # indented comment\n"
               "alert tcp any any -> any any (msg:\"one\"; \\\n"
               "    content:\"a\"; \\\n"
               "    sid:1;)\n"
               "alert tcp any any -> any any (msg:\"two\"; \\\n"
               "    frobnicate; \\\n"
               "    sid:2;)\r\n"
               "alert tcp any any -> any any (msg:\"three\"; sid:3;)   \n"
               "drop tcp any any -> any any (msg:\"four\"; sid:4;)\n"
               "alert tcp any any -> any any (msg:\"five\"; \\\n"
               "    sid:5;)\\\n",
               path, sizeof(path));
    struct collected c;
    memset(&c, 0, sizeof(c));
    int bad = rule_file_load(path, &ctx, on_rule, on_error, &c, err, sizeof(err));
    assert_int_equal(bad, 2);
    assert_int_equal(c.nrules, 3);
    assert_int_equal(c.sids[0], 1);
    assert_int_equal(c.sids[1], 3);
    assert_int_equal(c.sids[2], 5);
    assert_int_equal(c.nerr, 2);
    snprintf(want, sizeof(want), "%s:7: unknown keyword 'frobnicate'", path);
    assert_string_equal(c.msgs[0], want);
    snprintf(want, sizeof(want), "%s:11: action 'drop' needs IPS mode; walletwatch is an IDS",
             path);
    assert_string_equal(c.msgs[1], want);

    snprintf(path, sizeof(path), "%s/nope.rules", tmpdir);
    assert_int_equal(rule_file_load(path, &ctx, on_rule, on_error, &c, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "cannot open %s: No such file or directory", path);
    assert_string_equal(err, want);
}

/* Dataset paths are relative to the rules file when the caller names no directory. */
static void test_file_rule_dir(void **state)
{
    (void)state;
    char path[256];
    write_file("t.rules",
               "alert udp any any -> any any (msg:\"d\"; dns.query; "
               "dataset:isset,rel-domains,type string,load domains.txt,format plain; sid:1;)\n",
               path, sizeof(path));
    struct rule_parse_ctx c = ctx;
    c.rule_dir = NULL;
    struct collected col;
    memset(&col, 0, sizeof(col));
    assert_int_equal(rule_file_load(path, &c, on_rule, on_error, &col, err, sizeof(err)), 0);
    assert_int_equal(col.nrules, 1);
}

static void test_file_too_long(void **state)
{
    (void)state;
    char path[256], want[512];
    size_t n = 70 * 1024;
    char *text = malloc(n + 64);
    assert_non_null(text);
    int k = snprintf(text, n, "alert tcp any any -> any any (msg:\"");
    memset(text + k, 'x', n - (size_t)k);
    snprintf(text + n, 64, "\"; sid:1;)\nalert tcp any any -> any any (msg:\"ok\"; sid:2;)\n");
    write_file("t.rules", text, path, sizeof(path));
    free(text);
    struct collected c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(rule_file_load(path, &ctx, on_rule, on_error, &c, err, sizeof(err)), 1);
    snprintf(want, sizeof(want), "%s:1: rule longer than 65536 bytes", path);
    assert_string_equal(c.msgs[0], want);
    assert_int_equal(c.nrules, 1);
    assert_int_equal(c.sids[0], 2);
}

static void test_classification_file(void **state)
{
    (void)state;
    char cpath[256], rpath[256], want[512];
    write_file("class.config",
               "config classification: good,Good One,2\n"
               "config classification: noprio,No Priority\n"
               "config classification: badprio,Bad,0\n"
               "config classification: big,Big,256\n"
               "config classification: a b,Spaced,1\n"
               "config classifikation: x,y,1\n"
               "config classification: good,Replaced,4\n"
               "config classification: desc,With, comma,3\n",
               cpath, sizeof(cpath));
    write_file("ref.config",
               "config reference: url http://\n"
               "config reference: lonely\n"
               "reference: x y\n"
               "config reference: URL https://\n",
               rpath, sizeof(rpath));
    struct collected c;
    memset(&c, 0, sizeof(c));
    struct classification *cl = classification_load(cpath, rpath, on_error, &c, err, sizeof(err));
    assert_non_null(cl);
    assert_int_equal(c.nerr, 7);
    snprintf(want, sizeof(want), "%s:2: classification needs name,description,priority", cpath);
    assert_string_equal(c.msgs[0], want);
    snprintf(want, sizeof(want), "%s:3: bad priority '0' (1..255)", cpath);
    assert_string_equal(c.msgs[1], want);
    snprintf(want, sizeof(want), "%s:4: bad priority '256' (1..255)", cpath);
    assert_string_equal(c.msgs[2], want);
    snprintf(want, sizeof(want), "%s:5: bad classification name", cpath);
    assert_string_equal(c.msgs[3], want);
    snprintf(want, sizeof(want),
             "%s:6: expected 'config classification: name,description,priority'", cpath);
    assert_string_equal(c.msgs[4], want);
    snprintf(want, sizeof(want), "%s:2: reference needs a type and a URL prefix", rpath);
    assert_string_equal(c.msgs[5], want);
    snprintf(want, sizeof(want), "%s:3: expected 'config reference: type url'", rpath);
    assert_string_equal(c.msgs[6], want);
    const struct class_entry *e = classification_find(cl, "GOOD");
    assert_non_null(e);
    assert_string_equal(e->description, "Replaced");
    assert_int_equal(e->priority, 4);
    e = classification_find(cl, "desc");
    assert_string_equal(e->description, "With, comma");
    assert_null(classification_find(cl, "badprio"));
    assert_null(classification_find(cl, NULL));
    assert_string_equal(reference_prefix(cl, "url"), "https://");
    assert_null(reference_prefix(cl, "cve"));
    assert_true(classification_has_references(cl));
    classification_free(cl);

    cl = classification_load(NULL, NULL, NULL, NULL, err, sizeof(err));
    assert_non_null(cl);
    assert_false(classification_has_references(cl));
    assert_null(classification_find(cl, "good"));
    classification_free(cl);
    assert_null(classification_load("/nonexistent/c.config", NULL, NULL, NULL, err, sizeof(err)));
    assert_string_equal(err, "cannot open /nonexistent/c.config: No such file or directory");
    write_file("class.config", class_text, cpath, sizeof(cpath));
}

/* The shipped files load cleanly and carry walletwatch's own entries. */
static void test_shipped_configs(void **state)
{
    (void)state;
    const char *cpath = "signatures/classification.config", *rpath = "signatures/reference.config";
    if (access(cpath, R_OK) != 0 || access(rpath, R_OK) != 0)
        skip(); /* run from outside the source tree */
    struct collected c;
    memset(&c, 0, sizeof(c));
    struct classification *cl = classification_load(cpath, rpath, on_error, &c, err, sizeof(err));
    assert_non_null(cl);
    assert_int_equal(c.nerr, 0);
    static const struct {
        const char *name, *desc;
        int prio;
    } want[] = {
        {"trojan-activity", "A Network Trojan was detected", 1},
        {"policy-violation", "Potential Corporate Privacy Violation", 1},
        {"bad-unknown", "Potentially Bad Traffic", 2},
        {"command-and-control", "Malware Command and Control Activity Detected", 1},
        {"coin-mining", "Crypto Currency Mining Activity Detected", 2},
        {"icmp-event", "Generic ICMP event", 3},
        {"tcp-connection", "A TCP connection was detected", 4},
        {"wallet-anomaly", "Anomalous Wallet API Activity", 1},
        {"cleartext-secret", "Cleartext Wallet Secret or Credential", 1},
        {"cleartext-messaging", "Unencrypted Internal Messaging", 2},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct class_entry *e = classification_find(cl, want[i].name);
        assert_non_null(e);
        assert_string_equal(e->description, want[i].desc);
        assert_int_equal(e->priority, want[i].prio);
    }
    assert_string_equal(reference_prefix(cl, "cve"),
                        "http://cve.mitre.org/cgi-bin/cvename.cgi?name=");
    assert_string_equal(reference_prefix(cl, "mitre"), "https://attack.mitre.org/techniques/");
    assert_string_equal(reference_prefix(cl, "github"), "https://github.com/");
    assert_string_equal(reference_prefix(cl, "url"), "http://");
    assert_non_null(reference_prefix(cl, "bugtraq"));
    classification_free(cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_basic),
        cmocka_unit_test(test_header_protocols),
        cmocka_unit_test(test_header_endpoints),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_option_syntax),
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_reference_without_config),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_missing_sid_msg),
        cmocka_unit_test(test_content_decode),
        cmocka_unit_test(test_content_modifiers),
        cmocka_unit_test(test_fast_pattern),
        cmocka_unit_test(test_sticky_buffers),
        cmocka_unit_test(test_legacy_modifiers),
        cmocka_unit_test(test_pcre),
        cmocka_unit_test(test_byte_test),
        cmocka_unit_test(test_byte_jump),
        cmocka_unit_test(test_isdataat),
        cmocka_unit_test(test_bsize_dsize),
        cmocka_unit_test(test_dataset),
        cmocka_unit_test(test_flow),
        cmocka_unit_test(test_flowbits),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_file_load),
        cmocka_unit_test(test_file_rule_dir),
        cmocka_unit_test(test_file_too_long),
        cmocka_unit_test(test_classification_file),
        cmocka_unit_test(test_shipped_configs),
        /* last: it fills the process-global buffer table */
        cmocka_unit_test(test_buffer_registry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

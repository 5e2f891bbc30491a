/* test-dataset.c — datasets: both file formats, every type, located errors,
 * provenance, case-insensitive plain domains, the memcap, and a
 * 1,000,000-entry string set (its load time goes to stderr, unasserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/detect-dataset.h"

#define MB (1024ULL * 1024)

static char dir[64];
static char err[512];
static char path[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/ww-dataset-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name; returns the full path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
    return path;
}

static struct dataset *load(struct dataset_registry *r, const char *name, enum dataset_type type,
                            enum dataset_format fmt, const char *text)
{
    const char *p = write_file(name, text);
    err[0] = '\0';
    return dataset_get(r, name, type, p, fmt, NULL, err, sizeof(err));
}

static void expect_error(enum dataset_type type, enum dataset_format fmt, const char *text,
                         const char *msg_after_path)
{
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    assert_null(load(r, "bad", type, fmt, text));
    char want[512];
    snprintf(want, sizeof(want), "%s/bad:%s", dir, msg_after_path);
    assert_string_equal(err, want);
    dataset_registry_free(r);
}

static bool has(const struct dataset *s, const char *str)
{
    return dataset_contains(s, (const uint8_t *)str, strlen(str));
}

/* ---- Suricata format --------------------------------------------------------- */

static void test_suricata_string(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *s =
        load(r, "ua", DS_STRING, DS_FORMAT_SURICATA,
             "TW96aWxsYS80LjAgKGNvbXBhdGlibGU7ICk=\n" /* Mozilla/4.0 (compatible; ) */
             "\n"
             "LmV2aWwuY29t\n"   /* .evil.com */
             "TWE,42\n"         /* Ma, datarep value */
             "  AAEC  \r\n"     /* 00 01 02 */
             "LmV2aWwuY29t\n"); /* duplicate */
    assert_non_null(s);
    assert_string_equal(err, "");
    assert_int_equal(dataset_size(s), 4);
    assert_int_equal(dataset_type_of(s), DS_STRING);
    assert_true(has(s, "Mozilla/4.0 (compatible; )"));
    assert_true(has(s, ".evil.com"));
    assert_true(has(s, "Ma"));
    assert_true(dataset_contains(s, (const uint8_t *)"\x00\x01\x02", 3));
    /* Suricata string sets compare exact bytes. */
    assert_false(has(s, ".EVIL.com"));
    assert_false(has(s, ".evil.com\n"));
    assert_false(has(s, "M"));
    assert_false(has(s, ""));
    assert_null(dataset_source(s, (const uint8_t *)".evil.com", 9));
    dataset_registry_free(r);
}

static void test_suricata_bad_base64(void **state)
{
    (void)state;
    expect_error(DS_STRING, DS_FORMAT_SURICATA, "LmV2aWwuY29t\nnot base64!\n", "2: bad base64");
    expect_error(DS_STRING, DS_FORMAT_SURICATA, "QUJD\nQUJDR\n", "2: bad base64"); /* 5 chars */
    expect_error(DS_STRING, DS_FORMAT_SURICATA, "QUI=\nQUI==\n", "2: bad base64"); /* over-padded */
    expect_error(DS_STRING, DS_FORMAT_SURICATA, "QU=I\n", "1: bad base64");        /* inner '=' */
    expect_error(DS_STRING, DS_FORMAT_SURICATA, "QUJD\n,5\n", "2: empty value");
}

static void test_suricata_ipv4(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *s =
        load(r, "v4", DS_IPV4, DS_FORMAT_SURICATA, "10.0.0.1\n192.168.1.1,3\n\n 203.0.113.7 \n");
    assert_non_null(s);
    assert_int_equal(dataset_size(s), 3);
    const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {192, 168, 1, 1}, c[4] = {203, 0, 113, 7};
    const uint8_t miss[4] = {10, 0, 0, 2};
    assert_true(dataset_contains(s, a, 4));
    assert_true(dataset_contains(s, b, 4));
    assert_true(dataset_contains(s, c, 4));
    assert_false(dataset_contains(s, miss, 4));
    assert_false(dataset_contains(s, a, 3));
    assert_false(has(s, "10.0.0.1")); /* text is not an address */
    dataset_registry_free(r);

    expect_error(DS_IPV4, DS_FORMAT_SURICATA, "10.0.0.1\n10.0.0.256\n", "2: bad ipv4 address");
    expect_error(DS_IPV4, DS_FORMAT_SURICATA, "2001:db8::1\n", "1: bad ipv4 address");
    expect_error(DS_IPV4, DS_FORMAT_SURICATA, "10.0.0.0/8\n",
                 "1: CIDR not supported in a dataset; use an address rule variable");
}

static void test_suricata_ipv6(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *s =
        load(r, "v6", DS_IPV6, DS_FORMAT_SURICATA, "2001:db8::1\n::ffff:10.0.0.1\n");
    assert_non_null(s);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
    a[15] = 1;
    uint8_t m[16] = {0};
    m[10] = m[11] = 0xff;
    m[12] = 10;
    m[15] = 1;
    assert_true(dataset_contains(s, a, 16));
    assert_true(dataset_contains(s, m, 16));
    a[15] = 2;
    assert_false(dataset_contains(s, a, 16));
    assert_false(dataset_contains(s, m + 12, 4));
    dataset_registry_free(r);

    expect_error(DS_IPV6, DS_FORMAT_SURICATA, "10.0.0.1\n", "1: bad ipv6 address");
    expect_error(DS_IPV6, DS_FORMAT_SURICATA, "2001:db8::/32\n",
                 "1: CIDR not supported in a dataset; use an address rule variable");
}

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MD5_EMPTY "d41d8cd98f00b204e9800998ecf8427e"

static void test_suricata_digests(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *sha =
        load(r, "sha", DS_SHA256, DS_FORMAT_SURICATA, SHA_EMPTY ",{\"note\":\"empty\"}\n");
    struct dataset *md5 =
        load(r, "md5", DS_MD5, DS_FORMAT_SURICATA, "D41D8CD98F00B204E9800998ECF8427E\n");
    assert_non_null(sha);
    assert_non_null(md5);
    const uint8_t sha_raw[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    assert_true(dataset_contains(sha, sha_raw, 32));
    assert_true(has(sha, SHA_EMPTY));
    assert_true(has(sha, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
    assert_false(has(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
    assert_false(has(sha, "z3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assert_false(dataset_contains(sha, sha_raw, 31));
    assert_true(has(md5, MD5_EMPTY));
    const uint8_t md5_raw[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
    assert_true(dataset_contains(md5, md5_raw, 16));
    assert_false(dataset_contains(md5, sha_raw, 16));
    dataset_registry_free(r);

    expect_error(DS_SHA256, DS_FORMAT_SURICATA, MD5_EMPTY "\n",
                 "1: bad sha256: expected 64 hex digits");
    expect_error(DS_MD5, DS_FORMAT_SURICATA, MD5_EMPTY "\nd41d8cd98f00b204e9800998ecf8427g\n",
                 "2: bad md5: expected 32 hex digits");
}

/* ---- plain IOC format -------------------------------------------------------- */

static const char *source_of(const struct dataset *s, const char *str)
{
    return dataset_source(s, (const uint8_t *)str, strlen(str));
}

static void test_plain_domains(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *s = load(r, "dom", DS_STRING, DS_FORMAT_PLAIN,
                             "evil-before-any-comment.example\n"
                             "# source: https://feed.example/iocs confidence: high\n"
                             "Drainer.Example.NET\n"
                             "wallet-connect.example   # seen in the March phishing wave\n"
                             "  claim.example\t\n"
                             "\n"
                             "#   source: internal triage  \n"
                             "a#b.example\n"
                             "#\n"
                             "bare.example\n");
    assert_non_null(s);
    assert_int_equal(dataset_size(s), 6);
    assert_true(has(s, "drainer.example.net"));
    assert_true(has(s, "DRAINER.EXAMPLE.NET"));
    assert_true(has(s, "Drainer.example.Net"));
    assert_false(has(s, "drainer.example.ne"));
    assert_true(has(s, "a#b.example"));
    assert_false(has(s, "wallet-connect.example   # seen in the March phishing wave"));

    assert_null(source_of(s, "evil-before-any-comment.example"));
    const char *high = source_of(s, "DRAINER.example.net");
    assert_string_equal(high, "source: https://feed.example/iocs confidence: high");
    assert_string_equal(source_of(s, "wallet-connect.example"), "seen in the March phishing wave");
    /* Interned: one copy for every entry under the comment. */
    assert_ptr_equal(source_of(s, "claim.example"), high);
    assert_string_equal(source_of(s, "a#b.example"), "source: internal triage");
    assert_null(source_of(s, "bare.example")); /* an empty comment clears it */
    assert_null(source_of(s, "not-there.example"));
    dataset_registry_free(r);
}

static void test_plain_addresses_and_digests(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    struct dataset *v4 = load(r, "v4", DS_IPV4, DS_FORMAT_PLAIN,
                              "# source: abuse feed\n198.51.100.9\n198.51.100.10  # sinkhole\n");
    assert_non_null(v4);
    const uint8_t a[4] = {198, 51, 100, 9}, b[4] = {198, 51, 100, 10};
    assert_string_equal(dataset_source(v4, a, 4), "source: abuse feed");
    assert_string_equal(dataset_source(v4, b, 4), "sinkhole");
    struct dataset *md5 =
        load(r, "md5", DS_MD5, DS_FORMAT_PLAIN, "# source: sandbox\n" MD5_EMPTY "\n");
    assert_non_null(md5);
    assert_string_equal(source_of(md5, "D41D8CD98F00B204E9800998ECF8427E"), "source: sandbox");
    dataset_registry_free(r);

    expect_error(DS_IPV4, DS_FORMAT_PLAIN, "# feed\n10.0.0.1\n10.1.0.0/16  # a network\n",
                 "3: CIDR not supported in a dataset; use an address rule variable");
    expect_error(DS_IPV6, DS_FORMAT_PLAIN, "fe80::1%eth0\n", "1: bad ipv6 address");
    expect_error(DS_SHA256, DS_FORMAT_PLAIN, "# x\nabc # short\n",
                 "2: bad sha256: expected 64 hex digits");
}

/* ---- the registry ------------------------------------------------------------ */

static void test_registry(void **state)
{
    (void)state;
    struct dataset_registry *r = dataset_registry_new(64 * MB);
    write_file("ips.lst", "10.0.0.1\n");
    struct dataset *s =
        dataset_get(r, "ips", DS_IPV4, "ips.lst", DS_FORMAT_SURICATA, dir, err, sizeof(err));
    assert_non_null(s);
    /* Later uses: by name alone, or naming the same file. */
    assert_ptr_equal(
        dataset_get(r, "ips", DS_IPV4, NULL, DS_FORMAT_SURICATA, NULL, err, sizeof(err)), s);
    assert_ptr_equal(
        dataset_get(r, "ips", DS_IPV4, path, DS_FORMAT_SURICATA, "/elsewhere", err, sizeof(err)),
        s);
    assert_null(dataset_get(r, "ips", DS_IPV6, NULL, DS_FORMAT_SURICATA, NULL, err, sizeof(err)));
    assert_string_equal(err, "dataset 'ips' was declared with type ipv4 at first use");
    assert_null(
        dataset_get(r, "ips", DS_IPV4, "other.lst", DS_FORMAT_SURICATA, dir, err, sizeof(err)));
    char want[512];
    snprintf(want, sizeof(want), "dataset 'ips' was declared with load %s/ips.lst at first use",
             dir);
    assert_string_equal(err, want);

    assert_null(
        dataset_get(r, "gone", DS_STRING, "missing.lst", DS_FORMAT_PLAIN, dir, err, sizeof(err)));
    snprintf(want, sizeof(want),
             "dataset 'gone': cannot read %s/missing.lst: No such file or "
             "directory",
             dir);
    assert_string_equal(err, want);
    /* A failed load leaves no set behind: the name can be declared again. */
    write_file("missing.lst", "x.example\n");
    assert_non_null(
        dataset_get(r, "gone", DS_STRING, "missing.lst", DS_FORMAT_PLAIN, dir, err, sizeof(err)));

    /* A set without a file starts empty. */
    struct dataset *e =
        dataset_get(r, "empty", DS_SHA256, NULL, DS_FORMAT_SURICATA, NULL, err, sizeof(err));
    assert_non_null(e);
    assert_int_equal(dataset_size(e), 0);
    assert_false(has(e, SHA_EMPTY));
    dataset_registry_free(r);
}

static void test_memcap(void **state)
{
    (void)state;
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(text + n, cap - n, "host%05d.example\n", i);
    struct dataset_registry *r = dataset_registry_new(64 * 1024);
    assert_null(load(r, "big", DS_STRING, DS_FORMAT_PLAIN, text));
    unsigned long long got = 0;
    assert_int_equal(sscanf(err, "dataset 'big': memcap reached after %llu entries", &got), 1);
    assert_true(got > 100 && got < 20000);
    char want[128];
    snprintf(want, sizeof(want), "dataset 'big': memcap reached after %llu entries", got);
    assert_string_equal(err, want);
    /* Everything the failed set took went back: a small set still fits. */
    assert_non_null(load(r, "small", DS_STRING, DS_FORMAT_PLAIN, "a.example\n"));
    dataset_registry_free(r);
    free(text);
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = 70000;
    char *text = malloc(n + 2);
    assert_non_null(text);
    memset(text, 'a', n);
    text[n] = '\n';
    text[n + 1] = '\0';
    expect_error(DS_STRING, DS_FORMAT_PLAIN, text, "1: line too long");
    free(text);
}

/* ---- 1,000,000 entries ------------------------------------------------------- */

static size_t b64(const uint8_t *in, size_t n, char *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = al[v >> 18];
        out[o++] = al[(v >> 12) & 63];
        out[o++] = i + 1 < n ? al[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? al[v & 63] : '=';
    }
    return o;
}

static double secs(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void test_million(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "%s/million.lst", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char host[64], enc[128];
    for (unsigned i = 0; i < 1000000; i++) {
        int hn = snprintf(host, sizeof(host), "wallet-%07u.drainer.example", i);
        size_t en = b64((const uint8_t *)host, (size_t)hn, enc);
        enc[en++] = '\n';
        assert_int_equal(fwrite(enc, 1, en, f), en);
    }
    fclose(f);

    struct dataset_registry *r = dataset_registry_new(512 * MB);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct dataset *s =
        dataset_get(r, "million", DS_STRING, path, DS_FORMAT_SURICATA, NULL, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(s);
    fprintf(stderr, "dataset: 1,000,000 base64 string entries loaded in %.3f s\n", secs(&t0, &t1));
    assert_int_equal(dataset_size(s), 1000000);
    assert_true(has(s, "wallet-0000000.drainer.example"));
    assert_true(has(s, "wallet-0654321.drainer.example"));
    assert_true(has(s, "wallet-0999999.drainer.example"));
    assert_false(has(s, "wallet-1000000.drainer.example"));
    assert_false(has(s, "WALLET-0000000.drainer.example"));
    dataset_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suricata_string),
        cmocka_unit_test(test_suricata_bad_base64),
        cmocka_unit_test(test_suricata_ipv4),
        cmocka_unit_test(test_suricata_ipv6),
        cmocka_unit_test(test_suricata_digests),
        cmocka_unit_test(test_plain_domains),
        cmocka_unit_test(test_plain_addresses_and_digests),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_memcap),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_million),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

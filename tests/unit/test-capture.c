/* test-capture.c — capture/capture-pcap.c: files and directories as one
 * capture, pcap_cnt across files, pcapng, truncated files, BPF. Every capture
 * is written here, under a mkdtemp directory, with pcap_dump or by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "include/walletwatch.h"

static char g_dir[PATH_MAX];

/* Ethernet / IPv4 / UDP 10.0.0.1:1000 -> 10.0.0.2:dport, 4 payload bytes of tag. */
static size_t make_udp(uint8_t *buf, uint16_t dport, uint8_t tag)
{
    static const uint8_t hdr[42] = {
        0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,                 /* eth, IPv4 */
        0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* ip, udp */
        0x03, 0xe8, 0, 0, 0, 12, 0, 0,                                   /* ports, len */
    };
    memcpy(buf, hdr, sizeof(hdr));
    buf[36] = (uint8_t)(dport >> 8);
    buf[37] = (uint8_t)dport;
    memset(buf + 42, tag, 4);
    return 46;
}

static void path_in(char *out, size_t len, const char *name)
{
    int n = snprintf(out, len, "%s/%s", g_dir, name);
    assert_true(n > 0 && (size_t)n < len);
}

/* A classic pcap file with n UDP frames tagged tag0, tag0+1, ..., ts = tag seconds. */
static void write_pcap(const char *name, int linktype, uint8_t tag0, int n, uint16_t dport)
{
    char path[PATH_MAX];
    path_in(path, sizeof(path), name);
    pcap_t *dead = pcap_open_dead(linktype, 65535);
    assert_non_null(dead);
    pcap_dumper_t *d = pcap_dump_open(dead, path);
    assert_non_null(d);
    for (int i = 0; i < n; i++) {
        uint8_t buf[64];
        size_t len = make_udp(buf, dport, (uint8_t)(tag0 + i));
        const uint8_t *data = buf;
        if (linktype == DLT_RAW) {
            data += 14;
            len -= 14;
        }
        struct pcap_pkthdr h = {.ts = {.tv_sec = tag0 + i, .tv_usec = 7}, .caplen = (bpf_u_int32)len,
                                .len = (bpf_u_int32)len};
        pcap_dump((u_char *)d, &h, data);
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

static void put32(FILE *f, uint32_t v)
{
    assert_int_equal(fwrite(&v, 4, 1, f), 1);
}

static void put16(FILE *f, uint16_t v)
{
    assert_int_equal(fwrite(&v, 2, 1, f), 1);
}

/* pcapng (host byte order): SHB, one Ethernet IDB (µs), n EPBs. */
static void write_pcapng(const char *name, uint8_t tag0, int n)
{
    char path[PATH_MAX];
    path_in(path, sizeof(path), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    put32(f, 0x0A0D0D0A); put32(f, 28); put32(f, 0x1A2B3C4D); /* SHB */
    put16(f, 1); put16(f, 0); put32(f, 0xffffffff); put32(f, 0xffffffff); put32(f, 28);
    put32(f, 1); put32(f, 20); put16(f, DLT_EN10MB); put16(f, 0); put32(f, 65535); put32(f, 20);
    for (int i = 0; i < n; i++) {
        uint8_t buf[64];
        size_t len = make_udp(buf, 53, (uint8_t)(tag0 + i)); /* 46, padded to 48 */
        uint64_t ts = (uint64_t)(tag0 + i) * 1000000 + 7;
        put32(f, 6); put32(f, 32 + 48); put32(f, 0);
        put32(f, (uint32_t)(ts >> 32)); put32(f, (uint32_t)ts);
        put32(f, (uint32_t)len); put32(f, (uint32_t)len);
        memset(buf + len, 0, 2);
        assert_int_equal(fwrite(buf, 48, 1, f), 1);
        put32(f, 32 + 48);
    }
    fclose(f);
}

static void truncate_file(const char *name, off_t cut_from_end)
{
    char path[PATH_MAX];
    struct stat st;
    path_in(path, sizeof(path), name);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - cut_from_end), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/ww-test-capture-XXXXXX");
    return mkdtemp(g_dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static ww_capture *open_one(const char *path)
{
    ww_capture *cap = NULL;
    char err[512] = "";
    int rc = ww_capture_open_offline(&cap, &path, 1, err, sizeof(err));
    if (rc != 0)
        fail_msg("open %s: %d %s", path, rc, err);
    return cap;
}

/* Reads one packet, asserting its pcap_cnt and tag byte. */
static void expect_packet(ww_capture *cap, uint64_t cnt, uint8_t tag, int linktype)
{
    struct ww_packet pkt;
    char err[512] = "";
    int rc = ww_capture_next(cap, &pkt, err, sizeof(err));
    if (rc != 1)
        fail_msg("packet %llu: rc %d %s", (unsigned long long)cnt, rc, err);
    assert_int_equal(pkt.pcap_cnt, cnt);
    assert_int_equal(pkt.linktype, linktype);
    assert_int_equal(pkt.data[pkt.caplen - 1], tag);
    assert_int_equal(pkt.ts.tv_sec, tag);
    assert_int_equal(pkt.ts.tv_usec, 7);
    assert_null(pkt.iface);
}

static void expect_rc(ww_capture *cap, int want, char *err, size_t errlen)
{
    struct ww_packet pkt;
    err[0] = '\0';
    assert_int_equal(ww_capture_next(cap, &pkt, err, errlen), want);
}

static void test_directory_in_name_order(void **state)
{
    (void)state;
    char sub[PATH_MAX], path[PATH_MAX], err[512];
    path_in(sub, sizeof(sub), "dir");
    assert_int_equal(mkdir(sub, 0755), 0);
    write_pcap("dir/b.pcap", DLT_EN10MB, 20, 2, 53);
    write_pcap("dir/a.pcap", DLT_EN10MB, 10, 3, 53);
    write_pcap("dir/.hidden.pcap", DLT_EN10MB, 90, 1, 53);
    path_in(path, sizeof(path), "dir/subdir");
    assert_int_equal(mkdir(path, 0755), 0);

    ww_capture *cap = open_one(sub);
    for (int i = 0; i < 3; i++)
        expect_packet(cap, (uint64_t)i + 1, (uint8_t)(10 + i), DLT_EN10MB);
    expect_packet(cap, 4, 20, DLT_EN10MB);
    expect_packet(cap, 5, 21, DLT_EN10MB);
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    struct ww_capture_stats st;
    assert_int_equal(ww_capture_stats(cap, &st), 0);
    assert_int_equal(st.kernel_packets + st.kernel_drops + st.kernel_ifdrops + st.errors, 0);
    ww_capture_close(cap);
}

static void test_several_paths_per_file_linktype(void **state)
{
    (void)state;
    char a[PATH_MAX], b[PATH_MAX], err[512];
    write_pcap("raw.pcap", DLT_RAW, 30, 1, 53);
    write_pcapng("eth.pcapng", 40, 2);
    path_in(a, sizeof(a), "raw.pcap");
    path_in(b, sizeof(b), "eth.pcapng");
    const char *paths[] = {a, b};
    ww_capture *cap = NULL;
    assert_int_equal(ww_capture_open_offline(&cap, paths, 2, err, sizeof(err)), 0);
    /* The filter compiles for both link types and applies to both files. */
    assert_int_equal(ww_capture_set_filter(cap, "udp port 53", err, sizeof(err)), 0);
    expect_packet(cap, 1, 30, DLT_RAW);
    expect_packet(cap, 2, 40, DLT_EN10MB);
    expect_packet(cap, 3, 41, DLT_EN10MB);
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    ww_capture_close(cap);
}

static void test_pcapng(void **state)
{
    (void)state;
    char path[PATH_MAX], err[512];
    write_pcapng("one.pcapng", 50, 3);
    path_in(path, sizeof(path), "one.pcapng");
    ww_capture *cap = open_one(path);
    for (int i = 0; i < 3; i++)
        expect_packet(cap, (uint64_t)i + 1, (uint8_t)(50 + i), DLT_EN10MB);
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    ww_capture_close(cap);
}

/* The good records come first, then WW_E_READ naming the file and the record. */
static void check_truncated(const char *name, uint64_t good, uint8_t tag0, const char *first,
                            uint64_t first_good)
{
    char path[PATH_MAX], want[PATH_MAX + 64], err[512];
    path_in(path, sizeof(path), name);
    ww_capture *cap;
    if (first != NULL) {
        char fpath[PATH_MAX];
        path_in(fpath, sizeof(fpath), first);
        const char *paths[] = {fpath, path};
        assert_int_equal(ww_capture_open_offline(&cap, paths, 2, err, sizeof(err)), 0);
        for (uint64_t i = 0; i < first_good; i++)
            expect_packet(cap, i + 1, (uint8_t)(1 + i), DLT_EN10MB);
    } else {
        cap = open_one(path);
    }
    for (uint64_t i = 0; i < good; i++)
        expect_packet(cap, first_good + i + 1, (uint8_t)(tag0 + i), DLT_EN10MB);
    expect_rc(cap, WW_E_READ, err, sizeof(err));
    snprintf(want, sizeof(want), "%s: packet %llu: ", path,
             (unsigned long long)(first_good + good + 1));
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want prefix \"%s\"", err, want);
    assert_non_null(strstr(err, "truncated"));
    /* Sticky: the same error again, no further packet. */
    char again[512];
    expect_rc(cap, WW_E_READ, again, sizeof(again));
    assert_string_equal(err, again);
    struct ww_capture_stats st;
    assert_int_equal(ww_capture_stats(cap, &st), 0);
    assert_int_equal(st.errors, 1);
    ww_capture_close(cap);
}

static void test_truncated_mid_record(void **state)
{
    (void)state;
    write_pcap("cut-data.pcap", DLT_EN10MB, 60, 3, 53);
    truncate_file("cut-data.pcap", 10); /* inside the third frame's bytes */
    check_truncated("cut-data.pcap", 2, 60, NULL, 0);
}

static void test_truncated_mid_header(void **state)
{
    (void)state;
    write_pcap("cut-hdr.pcap", DLT_EN10MB, 70, 3, 53);
    truncate_file("cut-hdr.pcap", 46 + 8); /* 8 of the 16 record-header bytes left */
    check_truncated("cut-hdr.pcap", 2, 70, NULL, 0);
}

static void test_truncated_second_file(void **state)
{
    (void)state;
    write_pcap("good.pcap", DLT_EN10MB, 1, 2, 53);
    write_pcap("bad.pcap", DLT_EN10MB, 80, 2, 53);
    truncate_file("bad.pcap", 1);
    check_truncated("bad.pcap", 1, 80, "good.pcap", 2);
}

static void test_truncated_pcapng(void **state)
{
    (void)state;
    write_pcapng("cut.pcapng", 85, 2);
    truncate_file("cut.pcapng", 20);
    check_truncated("cut.pcapng", 1, 85, NULL, 0);
}

static void test_missing_file(void **state)
{
    (void)state;
    char good[PATH_MAX], missing[PATH_MAX], want[PATH_MAX + 64], err[512] = "";
    write_pcap("present.pcap", DLT_EN10MB, 1, 1, 53);
    path_in(good, sizeof(good), "present.pcap");
    path_in(missing, sizeof(missing), "no-such.pcap");
    const char *paths[] = {good, missing};
    ww_capture *cap = (ww_capture *)1;
    assert_int_equal(ww_capture_open_offline(&cap, paths, 2, err, sizeof(err)), WW_E_OPEN);
    assert_null(cap);
    snprintf(want, sizeof(want), "%s: No such file or directory", missing);
    assert_string_equal(err, want);
}

static void test_not_a_capture(void **state)
{
    (void)state;
    char path[PATH_MAX], err[512] = "";
    path_in(path, sizeof(path), "text.pcap");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("hello, this is not a capture file\n", f);
    fclose(f);
    ww_capture *cap = NULL;
    const char *p = path;
    assert_int_equal(ww_capture_open_offline(&cap, &p, 1, err, sizeof(err)), WW_E_OPEN);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_int_equal(err[strlen(path)], ':');
}

static void test_empty_directory(void **state)
{
    (void)state;
    char sub[PATH_MAX], err[512] = "";
    path_in(sub, sizeof(sub), "empty");
    assert_int_equal(mkdir(sub, 0755), 0);
    ww_capture *cap = NULL;
    const char *p = sub;
    assert_int_equal(ww_capture_open_offline(&cap, &p, 1, err, sizeof(err)), WW_E_OPEN);
    assert_non_null(strstr(err, sub));
}

static void test_bad_bpf(void **state)
{
    (void)state;
    char path[PATH_MAX], err[512] = "";
    write_pcap("bpf.pcap", DLT_EN10MB, 1, 1, 53);
    path_in(path, sizeof(path), "bpf.pcap");
    ww_capture *cap = open_one(path);
    assert_int_equal(ww_capture_set_filter(cap, "tcp port", err, sizeof(err)), WW_E_FILTER);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, "syntax error"));
    ww_capture_close(cap);
}

/* "ether host" does not exist on raw IP: the filter is checked for every file. */
static void test_bpf_wrong_for_one_linktype(void **state)
{
    (void)state;
    char a[PATH_MAX], b[PATH_MAX], err[512] = "";
    write_pcap("l-eth.pcap", DLT_EN10MB, 1, 1, 53);
    write_pcap("l-raw.pcap", DLT_RAW, 1, 1, 53);
    path_in(a, sizeof(a), "l-eth.pcap");
    path_in(b, sizeof(b), "l-raw.pcap");
    const char *paths[] = {a, b};
    ww_capture *cap = NULL;
    assert_int_equal(ww_capture_open_offline(&cap, paths, 2, err, sizeof(err)), 0);
    assert_int_equal(ww_capture_set_filter(cap, "ether host 00:01:02:03:04:05", err, sizeof(err)),
                     WW_E_FILTER);
    assert_true(strlen(err) > 0);
    ww_capture_close(cap);
}

/* Records the filter rejects still take their pcap_cnt. */
static void test_bpf_keeps_record_numbers(void **state)
{
    (void)state;
    char sub[PATH_MAX], err[512];
    path_in(sub, sizeof(sub), "mixed");
    assert_int_equal(mkdir(sub, 0755), 0);
    write_pcap("mixed/1.pcap", DLT_EN10MB, 1, 2, 53);
    write_pcap("mixed/2.pcap", DLT_EN10MB, 3, 2, 123);
    write_pcap("mixed/3.pcap", DLT_EN10MB, 5, 1, 53);
    ww_capture *cap = open_one(sub);
    assert_int_equal(ww_capture_set_filter(cap, "udp dst port 53", err, sizeof(err)), 0);
    expect_packet(cap, 1, 1, DLT_EN10MB);
    expect_packet(cap, 2, 2, DLT_EN10MB);
    expect_packet(cap, 5, 5, DLT_EN10MB);
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    ww_capture_close(cap);
}

static void test_break_offline(void **state)
{
    (void)state;
    char path[PATH_MAX], err[512];
    write_pcap("brk.pcap", DLT_EN10MB, 1, 2, 53);
    path_in(path, sizeof(path), "brk.pcap");
    ww_capture *cap = open_one(path);
    expect_packet(cap, 1, 1, DLT_EN10MB);
    ww_capture_break(cap);
    expect_rc(cap, 0, err, sizeof(err));
    expect_packet(cap, 2, 2, DLT_EN10MB);
    expect_rc(cap, WW_E_EOF, err, sizeof(err));
    ww_capture_close(cap);
}

static void test_live_no_such_device(void **state)
{
    (void)state;
    char err[512] = "";
    ww_capture *cap = NULL;
    int rc = ww_capture_open_live(&cap, "ww-no-such-if0", err, sizeof(err));
    assert_int_equal(rc, WW_E_OPEN);
    assert_null(cap);
    assert_int_equal(strncmp(err, "ww-no-such-if0: ", 16), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directory_in_name_order),
        cmocka_unit_test(test_several_paths_per_file_linktype),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_truncated_mid_record),
        cmocka_unit_test(test_truncated_mid_header),
        cmocka_unit_test(test_truncated_second_file),
        cmocka_unit_test(test_truncated_pcapng),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_not_a_capture),
        cmocka_unit_test(test_empty_directory),
        cmocka_unit_test(test_bad_bpf),
        cmocka_unit_test(test_bpf_wrong_for_one_linktype),
        cmocka_unit_test(test_bpf_keeps_record_numbers),
        cmocka_unit_test(test_break_offline),
        cmocka_unit_test(test_live_no_such_device),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

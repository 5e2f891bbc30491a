/* test-eve.c — EVE common header, UTF-8 sanitizer, flow / anomaly / stats
 * events, counter names; every event written here is also run through
 * tests/eve-validate.py against Suricata's schema when it is present. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/eve-tx.h"
#include "output/eve.h"
#include "stream/community-id.h"
#include "util/counters.h"

/* ---- capture of emitted lines ------------------------------------------ */

struct sink {
    char line[16384];
    size_t len;
    unsigned count;
};

static struct sink sink;
static FILE *all_events; /* every line emitted, for the schema check */
static char events_path[] = "/tmp/test-eve-XXXXXX";
static unsigned events_written;

static void on_event(const char *line, size_t len, void *user)
{
    struct sink *s = user;
    assert_true(len < sizeof(s->line));
    assert_int_equal(strlen(line), len); /* no NUL inside a line */
    memcpy(s->line, line, len);
    s->line[len] = '\0';
    s->len = len;
    s->count++;
    if (all_events != NULL) {
        fprintf(all_events, "%s\n", line);
        events_written++;
    }
}

static struct eve test_eve(void)
{
    struct eve e = {.cb = on_event, .user = &sink};
    memset(&sink, 0, sizeof(sink));
    return e;
}

static struct ww_addr addr(const char *text)
{
    struct ww_addr a;
    memset(&a, 0, sizeof(a));
    a.family = strchr(text, ':') != NULL ? 6 : 4;
    assert_int_equal(inet_pton(a.family == 6 ? AF_INET6 : AF_INET, text, a.a), 1);
    return a;
}

/* ---- timestamps ---------------------------------------------------------- */

static void test_format_time(void **state)
{
    (void)state;
    char buf[64];
    struct timeval tv = {1717150522, 123456};
    eve_format_time(&tv, buf, sizeof(buf));
    assert_string_equal(buf, "2024-05-31T10:15:22.123456+0000");

    tv = (struct timeval){0, 0};
    eve_format_time(&tv, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01T00:00:00.000000+0000");

    tv = (struct timeval){1255711456, 7};
    eve_format_time(&tv, buf, sizeof(buf));
    assert_string_equal(buf, "2009-10-16T16:44:16.000007+0000");

    tv = (struct timeval){4294967295, 999999}; /* the last pcap second */
    eve_format_time(&tv, buf, sizeof(buf));
    assert_string_equal(buf, "2106-02-07T06:28:15.999999+0000");

    /* a short buffer truncates, never overruns */
    char small[11];
    tv = (struct timeval){1717150522, 0};
    eve_format_time(&tv, small, sizeof(small));
    assert_string_equal(small, "2024-05-31");
}

/* ---- UTF-8 sanitizer ----------------------------------------------------- */

/* eve_string(in) must hold exactly the bytes of want. */
static void check_string(const char *in, size_t in_len, const char *want)
{
    struct json_object *j = eve_string((const uint8_t *)in, in_len);
    assert_non_null(j);
    assert_true(json_object_is_type(j, json_type_string));
    int n = json_object_get_string_len(j);
    const char *got = json_object_get_string(j);
    if ((size_t)n != strlen(want) || memcmp(got, want, (size_t)n) != 0)
        fail_msg("eve_string: got \"%.*s\" (%d bytes), want \"%s\"", n, got, n, want);
    json_object_put(j);
}

#define CHECK(lit, want) check_string(lit, sizeof(lit) - 1, want)

static void test_string_valid(void **state)
{
    (void)state;
    CHECK("", "");
    CHECK("hello", "hello");
    CHECK("caf\xc3\xa9", "caf\xc3\xa9");           /* U+00E9, 2 bytes */
    CHECK("\xe2\x82\xac", "\xe2\x82\xac");         /* U+20AC, 3 bytes */
    CHECK("\xf0\x9d\x84\x9e", "\xf0\x9d\x84\x9e"); /* U+1D11E, 4 bytes */
    CHECK("\xc2\x80", "\xc2\x80");                 /* U+0080, smallest 2-byte */
    CHECK("\xe0\xa0\x80", "\xe0\xa0\x80");         /* U+0800, smallest 3-byte */
    CHECK("\xf0\x90\x80\x80", "\xf0\x90\x80\x80"); /* U+10000, smallest 4-byte */
    CHECK("\xed\x9f\xbf", "\xed\x9f\xbf");         /* U+D7FF, below surrogates */
    CHECK("\xee\x80\x80", "\xee\x80\x80");         /* U+E000, above surrogates */
    CHECK("\xef\xbf\xbf", "\xef\xbf\xbf");         /* U+FFFF */
    CHECK("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last one */
    CHECK("\x7f\x01\t", "\x7f\x01\t");             /* controls are json-c's job */
    struct json_object *j = eve_string(NULL, 0);
    assert_string_equal(json_object_get_string(j), "");
    json_object_put(j);
}

static void test_string_invalid_bytes(void **state)
{
    (void)state;
    CHECK("\x80", "\\x80"); /* lone continuation */
    CHECK("\xbf", "\\xbf");
    CHECK("\xff", "\\xff");
    CHECK("\xfe\xfe", "\\xfe\\xfe");
    CHECK("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80"); /* F5.. would be > U+10FFFF */
    CHECK("a\xff"
          "b",
          "a\\xffb");
    CHECK("\xff\xc3\xa9", "\\xff\xc3\xa9"); /* a valid sequence right after */
    CHECK("\xc3\xa9\x80\xc3\xa9", "\xc3\xa9\\x80\xc3\xa9");
}

static void test_string_truncated(void **state)
{
    (void)state;
    CHECK("a\xc3", "a\\xc3");        /* 2-byte cut at the end */
    CHECK("\xe2\x82", "\\xe2\\x82"); /* 3-byte cut */
    CHECK("\xe2\x82"
          "A",
          "\\xe2\\x82A");                     /* 3-byte cut by ASCII */
    CHECK("\xf0\x9d\x84", "\\xf0\\x9d\\x84"); /* 4-byte cut */
    CHECK("\xf0\x9d\x84"
          "\xc3\xa9",
          "\\xf0\\x9d\\x84\xc3\xa9");
    CHECK("\xc3\xc3\xa9", "\\xc3\xc3\xa9"); /* new lead byte inside */
}

static void test_string_overlong(void **state)
{
    (void)state;
    CHECK("\xc0\xaf", "\\xc0\\xaf"); /* '/' in 2 bytes */
    CHECK("\xc1\xbf", "\\xc1\\xbf");
    CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* '/' in 3 bytes */
    CHECK("\xe0\x9f\xbf", "\\xe0\\x9f\\xbf");          /* U+07FF in 3 bytes */
    CHECK("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* '/' in 4 bytes */
    CHECK("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf"); /* U+FFFF in 4 bytes */
    CHECK("\xc0\x80", "\\xc0\\x80");                   /* "modified UTF-8" NUL */
}

static void test_string_surrogates_and_range(void **state)
{
    (void)state;
    CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");                            /* U+D800 */
    CHECK("\xed\xbf\xbf", "\\xed\\xbf\\xbf");                            /* U+DFFF */
    CHECK("\xed\xa0\xbd\xed\xb2\xa9", "\\xed\\xa0\\xbd\\xed\\xb2\\xa9"); /* CESU-8 pair */
    CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");                   /* U+110000 */
}

static void test_string_nul(void **state)
{
    (void)state;
    CHECK("a\0b", "a\\x00b");
    CHECK("\0", "\\x00");
    CHECK("\xc3\xa9\0", "\xc3\xa9\\x00");
}

/* Plain ASCII is checked eight bytes at a time: a bad byte (or a valid
 * multi-byte sequence) at any offset of a long string is still seen. */
static void test_string_long_ascii(void **state)
{
    (void)state;
    static const char bad[] = {'\0', '\x80', '\xff', '\xc3', '\x7f'};
    char in[41], want[48];
    for (size_t pos = 0; pos < sizeof(in); pos++) {
        for (size_t k = 0; k < sizeof(bad); k++) {
            memset(in, 'a', sizeof(in));
            in[pos] = bad[k];
            memset(want, 'a', sizeof(in));
            if (bad[k] == '\x7f') { /* valid: DEL stays as it is */
                want[pos] = '\x7f';
                want[sizeof(in)] = '\0';
            } else {
                snprintf(want + pos, sizeof(want) - pos, "\\x%02x", (unsigned char)bad[k]);
                memset(want + pos + 4, 'a', sizeof(in) - pos - 1);
                want[sizeof(in) + 3] = '\0';
            }
            check_string(in, sizeof(in), want);
        }
        memset(in, 'a', sizeof(in));
        if (pos + 2 <= sizeof(in)) {
            memcpy(in + pos, "\xc3\xa9", 2);
            memcpy(want, in, sizeof(in));
            want[sizeof(in)] = '\0';
            check_string(in, sizeof(in), want);
        }
    }
}

/* Serialised, the sanitized string is plain JSON: backslashes doubled,
 * controls as \u00XX, UTF-8 raw, '/' not escaped. */
static void test_string_serialised(void **state)
{
    (void)state;
    static const char in[] = "a/\x01\n\xff\xc3\xa9\"\0";
    struct json_object *j = eve_string((const uint8_t *)in, sizeof(in) - 1);
    const char *s =
        json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    assert_string_equal(s, "\"a/\\u0001\\n\\\\xff\xc3\xa9\\\"\\\\x00\"");
    json_object_put(j);
}

/* ---- packet header ------------------------------------------------------- */

static void tcp_packet(struct ww_packet *frame, struct pkt *p)
{
    memset(frame, 0, sizeof(*frame));
    frame->ts = (struct timeval){1255711456, 372155};
    frame->pcap_cnt = 6;
    memset(p, 0, sizeof(*p));
    p->frame = frame;
    p->ip_version = 4;
    p->src = addr("208.69.36.231");
    p->dst = addr("192.168.2.3");
    p->proto = 6;
    p->has_l4 = true;
    p->sport = 80;
    p->dport = 37010;
}

static void test_packet_header_ipv4_flow(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    struct flow f;
    tcp_packet(&frame, &p);
    memset(&f, 0, sizeof(f));
    f.flow_id = 1234567890123ULL;
    community_id_v1(0, &p.dst, p.dport, &p.src, p.sport, 6, f.community_id);

    eve_begin_packet(&e, "alert", &p, &f);
    eve_end(&e);
    assert_int_equal(sink.count, 1);
    assert_int_equal(e.lines, 1);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2009-10-16T16:44:16.372155+0000\","
                        "\"flow_id\":1234567890123,\"pcap_cnt\":6,\"event_type\":\"alert\","
                        "\"src_ip\":\"208.69.36.231\",\"src_port\":80,"
                        "\"dest_ip\":\"192.168.2.3\",\"dest_port\":37010,\"proto\":\"TCP\","
                        "\"ip_v\":4,\"pkt_src\":\"wire/pcap\","
                        "\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\"}");
}

/* Without a flow: no flow_id, community_id computed from the packet. */
static void test_packet_header_ipv4_flowless(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    tcp_packet(&frame, &p);
    frame.pcap_cnt = 0; /* a pseudo packet: no pcap_cnt */
    p.tunnel = PKT_TUNNEL_ERSPAN;

    eve_begin_packet(&e, "anomaly", &p, NULL);
    eve_end(&e);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2009-10-16T16:44:16.372155+0000\","
                        "\"event_type\":\"anomaly\","
                        "\"src_ip\":\"208.69.36.231\",\"src_port\":80,"
                        "\"dest_ip\":\"192.168.2.3\",\"dest_port\":37010,\"proto\":\"TCP\","
                        "\"ip_v\":4,\"pkt_src\":\"gre tunnel\","
                        "\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\"}");
}

static void test_packet_header_ipv6_live_vlan(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    memset(&frame, 0, sizeof(frame));
    frame.ts = (struct timeval){1717150522, 123456};
    frame.iface = "eth0";
    memset(&p, 0, sizeof(p));
    p.frame = &frame;
    p.vlan[0] = 100;
    p.vlan[1] = 200;
    p.vlan_count = 2;
    p.tunnel = PKT_TUNNEL_VXLAN;
    p.ip_version = 6;
    p.src = addr("2001:db8::1");
    p.dst = addr("ff02::fb");
    p.proto = 17;
    p.has_l4 = true;
    p.sport = 5353;
    p.dport = 53;

    eve_begin_packet(&e, "dns", &p, NULL);
    eve_end(&e);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.123456+0000\","
                        "\"in_iface\":\"eth0\",\"event_type\":\"dns\",\"vlan\":[100,200],"
                        "\"src_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\",\"src_port\":5353,"
                        "\"dest_ip\":\"ff02:0000:0000:0000:0000:0000:0000:00fb\",\"dest_port\":53,"
                        "\"proto\":\"UDP\",\"ip_v\":6,\"pkt_src\":\"vxlan encapsulation\","
                        "\"community_id\":\"1:5an+hf9sSV91Qyj8/x1XK9sMT+I=\"}");
}

static void test_packet_header_icmpv6(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    memset(&frame, 0, sizeof(frame));
    frame.ts = (struct timeval){1717150522, 0};
    frame.pcap_cnt = 1;
    memset(&p, 0, sizeof(p));
    p.frame = &frame;
    p.ip_version = 6;
    p.src = addr("2001:db8::1");
    p.dst = addr("2001:db8::2");
    p.proto = 58;
    p.has_l4 = true;
    p.icmp_type = 128;
    p.icmp_code = 0;

    eve_begin_packet(&e, "anomaly", &p, NULL);
    eve_end(&e);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.000000+0000\",\"pcap_cnt\":1,"
                        "\"event_type\":\"anomaly\","
                        "\"src_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\","
                        "\"dest_ip\":\"2001:0db8:0000:0000:0000:0000:0000:0002\","
                        "\"proto\":\"IPv6-ICMP\",\"ip_v\":6,\"icmp_type\":128,\"icmp_code\":0,"
                        "\"pkt_src\":\"wire/pcap\","
                        "\"community_id\":\"1:u2vMS3HiWth2lIMKHB1fjELshpQ=\"}");
}

/* Other protocols: the number as a string, no ports; a non-first fragment
 * (no L4 header) has no ports either. */
static void test_packet_header_other_proto(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    tcp_packet(&frame, &p);
    p.proto = 47;
    p.has_l4 = false;
    eve_begin_packet(&e, "anomaly", &p, NULL);
    eve_end(&e);
    assert_non_null(strstr(sink.line, "\"dest_ip\":\"192.168.2.3\",\"proto\":\"47\",\"ip_v\":4,"));
    assert_null(strstr(sink.line, "_port"));

    tcp_packet(&frame, &p);
    p.has_l4 = false;
    p.is_fragment = true;
    eve_begin_packet(&e, "anomaly", &p, NULL);
    eve_end(&e);
    assert_non_null(strstr(sink.line, "\"proto\":\"TCP\""));
    assert_null(strstr(sink.line, "_port"));
}

/* A frame that never reached IP (decode failed early): no tuple. */
static void test_packet_header_not_ip(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct ww_packet frame;
    struct pkt p;
    memset(&frame, 0, sizeof(frame));
    frame.ts = (struct timeval){1717150522, 5};
    frame.pcap_cnt = 3;
    memset(&p, 0, sizeof(p));
    p.frame = &frame;
    eve_log_anomaly(&e, &p, NULL, "decode", decode_event_name(DEV_ETHERNET_PKT_TOO_SMALL));
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.000005+0000\",\"pcap_cnt\":3,"
                        "\"event_type\":\"anomaly\",\"pkt_src\":\"wire/pcap\","
                        "\"anomaly\":{\"type\":\"decode\","
                        "\"event\":\"decoder.ethernet.pkt_too_small\"}}");
}

/* ---- flow events ------------------------------------------------------- */

static void tcp_flow(struct flow *f)
{
    memset(f, 0, sizeof(*f));
    f->cli = addr("192.168.2.3");
    f->srv = addr("208.69.36.231");
    f->cli_port = 37010;
    f->srv_port = 80;
    f->proto = 6;
    f->ip_version = 4;
    f->flow_id = 42;
    community_id_v1(0, &f->cli, f->cli_port, &f->srv, f->srv_port, 6, f->community_id);
    f->start = (struct timeval){1255711456, 83524};
    f->last = (struct timeval){1255711458, 372155};
    f->pkts[DIR_TOSERVER] = 4;
    f->pkts[DIR_TOCLIENT] = 2;
    f->bytes[DIR_TOSERVER] = 379;
    f->bytes[DIR_TOCLIENT] = 1588;
    f->tcp_flags[DIR_TOSERVER] = TCP_SYN | TCP_ACK | TCP_PSH | TCP_FIN; /* 1b */
    f->tcp_flags[DIR_TOCLIENT] = TCP_SYN | TCP_ACK | TCP_RST;           /* 16 */
    f->state = FLOW_STATE_CLOSED;
    f->end_reason = FLOW_END_SHUTDOWN;
    f->seen_dir[0] = f->seen_dir[1] = true;
    f->app_proto = "http";
}

static void test_flow_event_tcp(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct flow f;
    tcp_flow(&f);
    f.vlan[0] = 7;
    f.vlan_count = 1;
    f.sd[DIR_TOCLIENT].gap_count = 1;
    f.alerted = true;

    eve_log_flow(&e, &f);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2009-10-16T16:44:18.372155+0000\",\"flow_id\":42,"
                        "\"event_type\":\"flow\",\"vlan\":[7],"
                        "\"src_ip\":\"192.168.2.3\",\"src_port\":37010,"
                        "\"dest_ip\":\"208.69.36.231\",\"dest_port\":80,\"proto\":\"TCP\","
                        "\"ip_v\":4,\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\","
                        "\"app_proto\":\"http\","
                        "\"flow\":{\"pkts_toserver\":4,\"pkts_toclient\":2,"
                        "\"bytes_toserver\":379,\"bytes_toclient\":1588,"
                        "\"start\":\"2009-10-16T16:44:16.083524+0000\","
                        "\"end\":\"2009-10-16T16:44:18.372155+0000\",\"age\":2,"
                        "\"state\":\"closed\",\"reason\":\"shutdown\",\"alerted\":true},"
                        "\"tcp\":{\"tcp_flags\":\"1f\",\"tcp_flags_ts\":\"1b\","
                        "\"tcp_flags_tc\":\"16\",\"syn\":true,\"fin\":true,\"rst\":true,"
                        "\"psh\":true,\"ack\":true,\"tc_gap\":true}}");
}

static void test_flow_event_tcp_ecn_cwr_states(void **state)
{
    (void)state;
    static const struct {
        uint8_t state, reason;
        const char *text;
    } cases[] = {
        {FLOW_STATE_NEW, FLOW_END_TIMEOUT, "\"state\":\"new\",\"reason\":\"timeout\""},
        {FLOW_STATE_ESTABLISHED, FLOW_END_FORCED,
         "\"state\":\"established\",\"reason\":\"forced\""},
        {FLOW_STATE_CLOSED, FLOW_END_TCP_REUSE, "\"state\":\"closed\",\"reason\":\"tcp_reuse\""},
    };
    struct eve e = test_eve();
    struct flow f;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tcp_flow(&f);
        f.app_proto = NULL;
        f.state = cases[i].state;
        f.end_reason = cases[i].reason;
        f.tcp_flags[DIR_TOSERVER] = TCP_SYN | TCP_ECE | TCP_CWR | TCP_URG;
        f.tcp_flags[DIR_TOCLIENT] = 0;
        f.sd[DIR_TOSERVER].gap_count = 3;
        eve_log_flow(&e, &f);
        assert_non_null(strstr(sink.line, cases[i].text));
        assert_null(strstr(sink.line, "app_proto"));
        assert_non_null(strstr(sink.line, "\"alerted\":false}"));
        assert_non_null(strstr(sink.line, "\"tcp\":{\"tcp_flags\":\"e2\",\"tcp_flags_ts\":\"e2\","
                                          "\"tcp_flags_tc\":\"00\",\"syn\":true,\"urg\":true,"
                                          "\"ecn\":true,\"cwr\":true,\"ts_gap\":true}}"));
    }
    assert_int_equal(e.lines, 3);
}

static void test_flow_event_icmp(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.cli = addr("10.0.0.1");
    f.srv = addr("10.0.0.2");
    f.proto = 1;
    f.ip_version = 4;
    f.flow_id = 9;
    f.start = f.last = (struct timeval){1717150522, 1};
    f.pkts[DIR_TOSERVER] = 1;
    f.icmp_type[DIR_TOSERVER] = 8;
    f.seen_dir[DIR_TOSERVER] = true;
    f.end_reason = FLOW_END_TIMEOUT;

    eve_log_flow(&e, &f);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.000001+0000\",\"flow_id\":9,"
                        "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\","
                        "\"dest_ip\":\"10.0.0.2\",\"proto\":\"ICMP\",\"ip_v\":4,"
                        "\"icmp_type\":8,\"icmp_code\":0,"
                        "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":0,"
                        "\"bytes_toserver\":0,\"bytes_toclient\":0,"
                        "\"start\":\"2024-05-31T10:15:22.000001+0000\","
                        "\"end\":\"2024-05-31T10:15:22.000001+0000\",\"age\":0,"
                        "\"state\":\"new\",\"reason\":\"timeout\",\"alerted\":false}}");

    f.pkts[DIR_TOCLIENT] = 1;
    f.seen_dir[DIR_TOCLIENT] = true;
    f.icmp_type[DIR_TOCLIENT] = 0;
    f.icmp_code[DIR_TOCLIENT] = 0;
    eve_log_flow(&e, &f);
    assert_non_null(strstr(sink.line, "\"icmp_type\":8,\"icmp_code\":0,"
                                      "\"response_icmp_type\":0,\"response_icmp_code\":0,"));
}

static void test_anomaly_flow_level(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct flow f;
    tcp_flow(&f);
    eve_log_anomaly(&e, NULL, &f, "stream", stream_event_name(SEV_REASSEMBLY_SEQ_GAP));
    assert_non_null(strstr(sink.line, "\"event_type\":\"anomaly\""));
    assert_non_null(strstr(sink.line, "\"anomaly\":{\"type\":\"stream\","
                                      "\"event\":\"stream.reassembly_seq_gap\"},"
                                      "\"app_proto\":\"http\"}"));
    assert_null(strstr(sink.line, "pkt_src"));
    assert_null(strstr(sink.line, "pcap_cnt"));

    /* with a packet the header is the packet's */
    struct ww_packet frame;
    struct pkt p;
    tcp_packet(&frame, &p);
    eve_log_anomaly(&e, &p, &f, "stream", stream_event_name(SEV_PKT_INVALID_ACK));
    assert_non_null(strstr(sink.line, "\"flow_id\":42,\"pcap_cnt\":6,\"event_type\":\"anomaly\""));
    assert_non_null(strstr(sink.line, "\"src_ip\":\"208.69.36.231\",\"src_port\":80,"));

    eve_log_anomaly(&e, NULL, NULL, "stream", "x"); /* nothing to say: nothing written */
    assert_int_equal(e.lines, 2);
}

/* ---- transaction events --------------------------------------------- */

static void member_as_text(const void *tx, struct json_text *w)
{
    jt_object(w, "dns");
    jt_i64(w, "version", 3);
    jt_wire(w, "rrname", tx, strlen(tx));
    jt_end_object(w);
}

static void member_as_json(const void *tx, struct json_object *event)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "sni", eve_string(tx, strlen(tx)));
    json_object_object_add(event, "tls", o);
}

/* A response in its own direction, live (in_iface, no pcap_cnt), with the
 * transaction's member from either kind of emitter. */
static void test_tx_event_in_direction(void **state)
{
    (void)state;
    struct eve e = test_eve();
    struct flow f;
    tcp_flow(&f);
    struct ww_packet frame;
    memset(&frame, 0, sizeof(frame));
    frame.iface = "eth\xff" "0";
    struct timeval ts = {1717150522, 42};
    struct app_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.to_text = member_as_text;
    tx.tx = "a.\xc3\xa9\x80";

    struct json_text *w = eve_begin_dir(&e, "dns", &f, DIR_TOCLIENT, &ts, &frame);
    jt_u64(w, "tx_id", 3);
    eve_put_tx(w, &tx);
    eve_end(&e);
    assert_string_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.000042+0000\",\"flow_id\":42,"
                        "\"in_iface\":\"eth\\\\xff0\",\"event_type\":\"dns\","
                        "\"src_ip\":\"208.69.36.231\",\"src_port\":80,"
                        "\"dest_ip\":\"192.168.2.3\",\"dest_port\":37010,\"proto\":\"TCP\","
                        "\"ip_v\":4,\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\","
                        "\"tx_id\":3,\"dns\":{\"version\":3,\"rrname\":\"a.\xc3\xa9\\\\x80\"}}");

    tx.to_text = NULL;
    tx.to_json = member_as_json;
    w = eve_begin_tx(&e, "tls", &f, &ts, NULL);
    eve_put_tx(w, &tx);
    eve_end(&e);
    assert_non_null(strstr(sink.line, "\"src_ip\":\"192.168.2.3\",\"src_port\":37010,"));
    assert_null(strstr(sink.line, "in_iface"));
    assert_non_null(strstr(sink.line, "\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\","
                                      "\"tls\":{\"sni\":\"a.\xc3\xa9\\\\x80\"}}"));

    tx.to_json = NULL; /* neither: no member */
    w = eve_begin_tx(&e, "tls", &f, &ts, NULL);
    eve_put_tx(w, &tx);
    eve_end(&e);
    assert_non_null(strstr(sink.line, "\"community_id\":\"1:xwPGz9BM6Rc+oY5cVZ6oT3eIyyU=\"}"));
    assert_int_equal(e.lines, 3);
}

/* ---- stats ---------------------------------------------------------- */

static struct json_object *path(struct json_object *o, const char *dotted)
{
    char key[128];
    const char *p = dotted;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        assert_true(n < sizeof(key));
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(o, key, &o))
            fail_msg("no key %s in %s", key, dotted);
        if (dot == NULL)
            return o;
        p = dot + 1;
    }
}

static void test_stats_nesting(void **state)
{
    (void)state;
    struct eve e = test_eve();
    uint64_t ctr[CTR_COUNT];
    for (unsigned i = 0; i < CTR_COUNT; i++)
        ctr[i] = 1000 + i;
    ctr[CTR_DECODER_PKTS] = 4;
    ctr[CTR_DECODER_BYTES] = 1001;
    ctr[CTR_DECODER_AVG_PKT_SIZE] = 999999; /* ignored: computed */
    ctr[CTR_FLOW_MEMCAP] = UINT64_MAX;
    struct timeval ts = {1717150522, 0};

    eve_log_stats(&e, &ts, 77, ctr);
    assert_int_equal(e.lines, 1);
    assert_memory_equal(sink.line,
                        "{\"timestamp\":\"2024-05-31T10:15:22.000000+0000\","
                        "\"event_type\":\"stats\",\"stats\":{\"uptime\":77,",
                        strlen("{\"timestamp\":\"2024-05-31T10:15:22.000000+0000\","
                               "\"event_type\":\"stats\",\"stats\":{\"uptime\":77,"));
    struct json_object *root = json_tokener_parse(sink.line);
    assert_non_null(root);
    struct json_object *s = path(root, "stats");
    assert_int_equal(json_object_get_int64(path(s, "decoder.pkts")), 4);
    assert_int_equal(json_object_get_int64(path(s, "decoder.avg_pkt_size")), 250);
    assert_true(json_object_get_uint64(path(s, "flow.memcap")) == UINT64_MAX);
    assert_int_equal(json_object_get_int64(path(s, "flow.end.state.closed")),
                     1000 + CTR_FLOW_END_STATE_CLOSED);
    assert_int_equal(json_object_get_int64(path(s, "defrag.ipv4.reassembled")),
                     1000 + CTR_DEFRAG_IPV4_REASSEMBLED);
    assert_int_equal(json_object_get_int64(path(s, "decoder.event.ipv4.trunc_pkt")),
                     1000 + CTR_OF_DECODE_EVENT(DEV_IPV4_TRUNC_PKT));
    assert_int_equal(json_object_get_int64(path(s, "stream.pkt_invalid_ack")),
                     1000 + CTR_OF_STREAM_EVENT(SEV_PKT_INVALID_ACK));
    /* every counter is in the event exactly where its name says */
    for (unsigned i = 0; i < CTR_COUNT; i++) {
        struct json_object *v = path(s, counter_name((enum counter)i));
        assert_true(json_object_is_type(v, json_type_int));
    }
    json_object_put(root);

    /* no packets: average 0, not a division by zero */
    memset(ctr, 0, sizeof(ctr));
    eve_log_stats(&e, &ts, 0, ctr);
    root = json_tokener_parse(sink.line);
    assert_int_equal(json_object_get_int64(path(root, "stats.decoder.avg_pkt_size")), 0);
    json_object_put(root);
}

/* ---- counter names ------------------------------------------------------ */

static void test_counter_names(void **state)
{
    (void)state;
    assert_string_equal(counter_name(CTR_DECODER_PKTS), "decoder.pkts");
    assert_string_equal(counter_name(CTR_DETECT_ALERTS_SUPPRESSED), "detect.alerts_suppressed");
    assert_string_equal(counter_name(CTR_OF_DECODE_EVENT(DEV_ETHERNET_PKT_TOO_SMALL)),
                        "decoder.event.ethernet.pkt_too_small");
    assert_string_equal(counter_name(CTR_OF_DECODE_EVENT(DEV_VXLAN_UNKNOWN_PAYLOAD_TYPE)),
                        "decoder.event.vxlan.unknown_payload_type");
    assert_string_equal(counter_name(CTR_OF_STREAM_EVENT(SEV_REASSEMBLY_SEQ_GAP)),
                        "stream.reassembly_seq_gap");
    assert_string_equal(counter_name(CTR_OF_STREAM_EVENT(SEV_RST_BUT_NO_SESSION)),
                        "stream.rst_but_no_session");
    assert_string_equal(decode_event_name(DEV_IPV4_TRUNC_PKT), "decoder.ipv4.trunc_pkt");
    assert_string_equal(stream_event_name(SEV_PKT_INVALID_ACK), "stream.pkt_invalid_ack");
    assert_non_null(decode_event_name(DEV_COUNT));
    assert_non_null(stream_event_name(SEV_COUNT));
    assert_non_null(counter_name(CTR_COUNT));

    for (unsigned i = 0; i < CTR_COUNT; i++) {
        const char *n = counter_name((enum counter)i);
        assert_non_null(n);
        assert_int_equal(counter_by_name(n), i); /* round trip, so names are unique */
    }
    assert_int_equal(counter_by_name("decoder.nope"), CTR_COUNT);
    assert_int_equal(counter_by_name(""), CTR_COUNT);
    assert_int_equal(counter_by_name(NULL), CTR_COUNT);
}

/* ---- schema ------------------------------------------------------------- */

/* tests/eve-validate.py and the schema, found from this file's path. */
static bool validator_paths(char *script, size_t slen, char *schema, size_t schlen)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", __FILE__);
    char *slash = strrchr(dir, '/'); /* .../tests/unit/test-eve.c */
    if (slash == NULL)
        return false;
    *slash = '\0';
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else
        *slash = '\0'; /* .../tests */
    snprintf(script, slen, "%s/eve-validate.py", dir);
    snprintf(schema, schlen, "%s/../../shared/anchors/suricata-eve-schema.json", dir);
    return access(script, R_OK) == 0 && access(schema, R_OK) == 0 &&
           access("/usr/bin/python3", X_OK) == 0;
}

static int run_validator(const char *script, const char *file)
{
    char cmd[8192];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s'", script, file);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Every event the tests above wrote, plus a stats event with every counter,
 * validates against Suricata's schema; a line with an unknown key does not. */
static void test_schema(void **state)
{
    (void)state;
    char script[4200], schema[4200];
    if (!validator_paths(script, sizeof(script), schema, sizeof(schema)))
        skip();

    struct eve e = test_eve();
    uint64_t ctr[CTR_COUNT];
    for (unsigned i = 0; i < CTR_COUNT; i++)
        ctr[i] = i;
    struct timeval ts = {1717150522, 0};
    eve_log_stats(&e, &ts, 5, ctr);
    fflush(all_events);
    assert_true(events_written >= 18); /* the events of the tests above are there */
    assert_int_equal(run_validator(script, events_path), 0);

    char bad[] = "/tmp/test-eve-bad-XXXXXX";
    int fd = mkstemp(bad);
    assert_true(fd >= 0);
    static const char line[] =
        "{\"timestamp\":\"2024-05-31T10:15:22.000000+0000\",\"event_type\":\"stats\","
        "\"stats\":{\"uptime\":1,\"decoder\":{\"not_a_counter\":1}}}\n";
    assert_int_equal(write(fd, line, sizeof(line) - 1), (ssize_t)(sizeof(line) - 1));
    close(fd);
    assert_int_equal(run_validator(script, bad), 1);
    unlink(bad);
}

static int open_events(void **state)
{
    (void)state;
    int fd = mkstemp(events_path);
    if (fd < 0)
        return -1;
    all_events = fdopen(fd, "w");
    return all_events != NULL ? 0 : -1;
}

static int close_events(void **state)
{
    (void)state;
    if (all_events != NULL)
        fclose(all_events);
    all_events = NULL;
    unlink(events_path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_string_valid),
        cmocka_unit_test(test_string_invalid_bytes),
        cmocka_unit_test(test_string_truncated),
        cmocka_unit_test(test_string_overlong),
        cmocka_unit_test(test_string_surrogates_and_range),
        cmocka_unit_test(test_string_nul),
        cmocka_unit_test(test_string_long_ascii),
        cmocka_unit_test(test_string_serialised),
        cmocka_unit_test(test_packet_header_ipv4_flow),
        cmocka_unit_test(test_packet_header_ipv4_flowless),
        cmocka_unit_test(test_packet_header_ipv6_live_vlan),
        cmocka_unit_test(test_packet_header_icmpv6),
        cmocka_unit_test(test_packet_header_other_proto),
        cmocka_unit_test(test_packet_header_not_ip),
        cmocka_unit_test(test_flow_event_tcp),
        cmocka_unit_test(test_flow_event_tcp_ecn_cwr_states),
        cmocka_unit_test(test_flow_event_icmp),
        cmocka_unit_test(test_anomaly_flow_level),
        cmocka_unit_test(test_tx_event_in_direction),
        cmocka_unit_test(test_stats_nesting),
        cmocka_unit_test(test_counter_names),
        cmocka_unit_test(test_schema), /* last: validates what the others wrote */
    };
    return cmocka_run_group_tests(tests, open_events, close_events);
}

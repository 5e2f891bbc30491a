/* community-id.c — Community ID v1: corelight/community-id-spec README and
 * pycommunityid (icmp.py, icmp6.py), checked against the spec's baseline.
 *
 *   SHA1( seed(2) | saddr(4|16) | daddr(4|16) | proto(1) | 0(1) [| sport(2) | dport(2)] )
 *
 * all in network byte order, the smaller address:port endpoint first; the
 * digest is base64-encoded with padding and prefixed "1:".
 *
 * Where Suricata and the spec differ we follow the spec (the point of the ID
 * is to match Zeek and others): protocols without ports (not TCP, UDP,
 * SCTP, ICMP, ICMPv6) hash without the four port bytes, and one-way ICMP
 * types hash (type, code) in packet order without reordering. */
#include "community-id.h"

#include <openssl/sha.h>

#include "../util/digest.h"
#include <stdbool.h>
#include <string.h>

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132

/* Zeek's ICMP4_counterpart / ICMP6_counterpart as pycommunityid has them:
 * request and reply types that pair up into one flow. */
static const uint8_t icmp4_pairs[][2] = {
    {8, 0},   /* echo, echo reply */
    {13, 14}, /* timestamp, reply */
    {15, 16}, /* information request, reply */
    {10, 9},  /* router solicitation, advertisement */
    {17, 18}, /* address mask request, reply */
};

static const uint8_t icmp6_pairs[][2] = {
    {128, 129}, /* echo request, reply */
    {130, 131}, /* MLD query, report */
    {133, 134}, /* router solicitation, advertisement */
    {135, 136}, /* neighbour solicitation, advertisement */
    {139, 140}, /* node information query, reply ("who are you") */
    {144, 145}, /* home agent address discovery request, reply */
};

/* Returns true and the counterpart type in *peer for two-way types. */
static bool icmp_counterpart(bool v6, uint16_t type, uint16_t *peer)
{
    const uint8_t(*pairs)[2] = v6 ? icmp6_pairs : icmp4_pairs;
    size_t n = v6 ? sizeof(icmp6_pairs) / sizeof(icmp6_pairs[0])
                  : sizeof(icmp4_pairs) / sizeof(icmp4_pairs[0]);
    for (size_t i = 0; i < n; i++) {
        for (int side = 0; side < 2; side++) {
            if (pairs[i][side] == type) {
                *peer = pairs[i][!side];
                return true;
            }
        }
    }
    return false;
}

static size_t addr_len(const struct ww_addr *a)
{
    return a->family == 6 ? 16 : 4;
}

/* True when (a, ap) sorts before (b, bp): addresses as big-endian unsigned
 * numbers, then ports. */
static bool endpoint_lt(const struct ww_addr *a, uint16_t ap, const struct ww_addr *b, uint16_t bp)
{
    int c = memcmp(a->a, b->a, addr_len(a));
    return c < 0 || (c == 0 && ap < bp);
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 §4 with padding; out holds 4 * ceil(len / 3) + 1 bytes. */
static void base64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = b64_alphabet[v >> 18 & 0x3f];
        *out++ = b64_alphabet[v >> 12 & 0x3f];
        *out++ = b64_alphabet[v >> 6 & 0x3f];
        *out++ = b64_alphabet[v & 0x3f];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        *out++ = b64_alphabet[v >> 18 & 0x3f];
        *out++ = b64_alphabet[v >> 12 & 0x3f];
        *out++ = '=';
        *out++ = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *out++ = b64_alphabet[v >> 18 & 0x3f];
        *out++ = b64_alphabet[v >> 12 & 0x3f];
        *out++ = b64_alphabet[v >> 6 & 0x3f];
        *out++ = '=';
    }
    *out = '\0';
}

static uint8_t *put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

void community_id_v1(uint16_t seed, const struct ww_addr *src, uint16_t sport,
                     const struct ww_addr *dst, uint16_t dport, uint8_t proto, char *out)
{
    bool has_ports = true;
    bool one_way = false;

    if (proto == PROTO_ICMP || proto == PROTO_ICMPV6) {
        uint16_t peer;
        bool two_way = icmp_counterpart(proto == PROTO_ICMPV6, sport, &peer);
        if (two_way)
            dport = peer;
        one_way = !two_way; /* dport stays the ICMP code */
    } else if (proto != PROTO_TCP && proto != PROTO_UDP && proto != PROTO_SCTP) {
        has_ports = false;
        sport = dport = 0;
    }

    const struct ww_addr *a = src, *b = dst;
    uint16_t ap = sport, bp = dport;
    if (!one_way && !endpoint_lt(src, sport, dst, dport)) {
        a = dst;
        b = src;
        ap = dport;
        bp = sport;
    }

    uint8_t buf[2 + 16 + 16 + 2 + 4];
    uint8_t *p = put_be16(buf, seed);
    size_t alen = addr_len(a);
    memcpy(p, a->a, alen);
    p += alen;
    memcpy(p, b->a, alen);
    p += alen;
    *p++ = proto;
    *p++ = 0;
    if (has_ports) {
        p = put_be16(p, ap);
        p = put_be16(p, bp);
    }

    uint8_t md[SHA_DIGEST_LENGTH];
    EVP_Digest(buf, (size_t)(p - buf), md, NULL, digest_sha1(), NULL);
    out[0] = '1';
    out[1] = ':';
    base64_encode(md, sizeof(md), out + 2);
}

/* test-decode-link.c — link layers: Ethernet, 802.1Q/QinQ, MPLS, Linux SLL
 * and SLL2, BSD loopback, raw IP; addresses. Frames were built with a small
 * Python builder; each header is spelled out in the comment above it. */
#include "decode-test.h"

/* Byte arrays keep their one-header-per-comment layout. */
/* clang-format off */
/* Ethernet | IPv4 10.0.0.1 > 10.0.0.2 | TCP 40000 > 80 SYN, 20 bytes of options, "GET " */
static const uint8_t eth_ipv4_tcp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x0800 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* ipv4 10.0.0.1 > 10.0.0.2 proto 6 len 64 ihl 5 id 0x1234 DF ttl 64 csum 0x1482 */
    0x45, 0x00, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x14, 0x82,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    /* tcp 40000 > 80 [S] seq 1000 ack 0 win 64240 off 10 */
    0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    /* tcp options */
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
    /* payload b'GET ' */
    0x47, 0x45, 0x54, 0x20,
};

/* Ethernet | IPv4 | UDP 5353 > 53 "abcd" | 14 bytes of padding */
static const uint8_t eth_ipv4_udp_padded[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x0800 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x00,
    /* ipv4 192.168.1.1 > 192.168.1.2 proto 17 len 32 ihl 5 id 0x1234 DF ttl 64 csum 0xa545 */
    0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0xa5, 0x45,
    0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x02,
    /* udp 5353 > 53 len 12 */
    0x14, 0xe9, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'abcd' */
    0x61, 0x62, 0x63, 0x64,
    /* Ethernet padding up to 60 bytes */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00,
};

/* Ethernet | 802.1Q vid 100 | IPv4 | UDP */
static const uint8_t eth_vlan_ipv4_udp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8100 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x81, 0x00,
    /* vlan 100 type 0x0800 */
    0xa0, 0x64, 0x08, 0x00,
    /* ipv4 10.1.1.1 > 10.1.1.2 proto 17 len 29 ihl 5 id 0x1234 DF ttl 64 csum 0x1298 */
    0x45, 0x00, 0x00, 0x1d, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x12, 0x98,
    0x0a, 0x01, 0x01, 0x01, 0x0a, 0x01, 0x01, 0x02,
    /* udp 1111 > 2222 len 9 */
    0x04, 0x57, 0x08, 0xae, 0x00, 0x09, 0x00, 0x00,
    /* payload b'x' */
    0x78,
};

/* Ethernet | 802.1ad vid 10 | 802.1Q vid 20 | IPv4 | UDP */
static const uint8_t eth_qinq_ipv4_udp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x88a8 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0xa8,
    /* vlan 10 type 0x8100 */
    0x00, 0x0a, 0x81, 0x00,
    /* vlan 20 type 0x0800 */
    0x00, 0x14, 0x08, 0x00,
    /* ipv4 10.1.1.1 > 10.1.1.2 proto 17 len 29 ihl 5 id 0x1234 DF ttl 64 csum 0x1298 */
    0x45, 0x00, 0x00, 0x1d, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x12, 0x98,
    0x0a, 0x01, 0x01, 0x01, 0x0a, 0x01, 0x01, 0x02,
    /* udp 1111 > 2222 len 9 */
    0x04, 0x57, 0x08, 0xae, 0x00, 0x09, 0x00, 0x00,
    /* payload b'x' */
    0x78,
};

/* Ethernet | QinQ 0x9100 vid 1 | 802.1ad vid 2 | 802.1Q vid 3 | IPv4 | UDP */
static const uint8_t eth_qinqinq_ipv4_udp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x9100 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x91, 0x00,
    /* vlan 1 type 0x88a8 */
    0x00, 0x01, 0x88, 0xa8,
    /* vlan 2 type 0x8100 */
    0x00, 0x02, 0x81, 0x00,
    /* vlan 3 type 0x0800 */
    0x00, 0x03, 0x08, 0x00,
    /* ipv4 10.1.1.1 > 10.1.1.2 proto 17 len 29 ihl 5 id 0x1234 DF ttl 64 csum 0x1298 */
    0x45, 0x00, 0x00, 0x1d, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x12, 0x98,
    0x0a, 0x01, 0x01, 0x01, 0x0a, 0x01, 0x01, 0x02,
    /* udp 1111 > 2222 len 9 */
    0x04, 0x57, 0x08, 0xae, 0x00, 0x09, 0x00, 0x00,
    /* payload b'x' */
    0x78,
};

/* Ethernet | four 802.1Q tags | IPv4 | UDP: one tag too many */
static const uint8_t eth_4vlan[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8100 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x81, 0x00,
    /* vlan 1 type 0x8100 */
    0x00, 0x01, 0x81, 0x00,
    /* vlan 2 type 0x8100 */
    0x00, 0x02, 0x81, 0x00,
    /* vlan 3 type 0x8100 */
    0x00, 0x03, 0x81, 0x00,
    /* vlan 4 type 0x0800 */
    0x00, 0x04, 0x08, 0x00,
    /* ipv4 10.1.1.1 > 10.1.1.2 proto 17 len 29 ihl 5 id 0x1234 DF ttl 64 csum 0x1298 */
    0x45, 0x00, 0x00, 0x1d, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x12, 0x98,
    0x0a, 0x01, 0x01, 0x01, 0x0a, 0x01, 0x01, 0x02,
    /* udp 1111 > 2222 len 9 */
    0x04, 0x57, 0x08, 0xae, 0x00, 0x09, 0x00, 0x00,
    /* payload b'x' */
    0x78,
};

/* Ethernet | 802.1Q vid 5 | LLDP (0x88cc): unknown type behind a tag */
static const uint8_t eth_vlan_lldp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8100 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x81, 0x00,
    /* vlan 5 type 0x88cc */
    0x00, 0x05, 0x88, 0xcc,
    /* LLDP body */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet | 802.1Q vid 5 | ARP */
static const uint8_t eth_vlan_arp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8100 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x81, 0x00,
    /* vlan 5 type 0x0806 */
    0x00, 0x05, 0x08, 0x06,
    /* ARP body */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/* Ethernet | ARP */
static const uint8_t eth_arp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x0806 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x08, 0x06,
    /* ARP request */
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};

/* Ethernet | LLDP */
static const uint8_t eth_lldp[] = {
    /* eth 66:77:88:99:aa:bb > 01:80:c2:00:00:0e type 0x88cc */
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0xcc,
    /* LLDP body */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet | MPLS 16 | MPLS 17 (bottom) | IPv4 (guessed from the nibble) | UDP */
static const uint8_t eth_mpls2_ipv4_udp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8847 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* mpls label 16 tc 0 s 0 ttl 64 */
    0x00, 0x01, 0x00, 0x40,
    /* mpls label 17 tc 0 s 1 ttl 64 */
    0x00, 0x01, 0x11, 0x40,
    /* ipv4 10.2.2.1 > 10.2.2.2 proto 17 len 30 ihl 5 id 0x1234 DF ttl 64 csum 0x1095 */
    0x45, 0x00, 0x00, 0x1e, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x10, 0x95,
    0x0a, 0x02, 0x02, 0x01, 0x0a, 0x02, 0x02, 0x02,
    /* udp 1000 > 2000 len 10 */
    0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0a, 0x00, 0x00,
    /* payload b'mp' */
    0x6d, 0x70,
};

/* Ethernet | MPLS 2 = IPv6 explicit null | IPv6 | UDP */
static const uint8_t eth_mpls_null6_udp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8847 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* mpls label 2 tc 0 s 1 ttl 64 */
    0x00, 0x00, 0x21, 0x40,
    /* ipv6 2001:db8::1 > 2001:db8::2 nh 17 plen 11 hlim 64 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,
    /* udp 1000 > 2000 len 11 */
    0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0b, 0x00, 0x00,
    /* payload b'six' */
    0x73, 0x69, 0x78,
};

/* Ethernet | MPLS 100 | PW control word | Ethernet | IPv4 | ICMP echo */
static const uint8_t eth_mpls_pw_eth_icmp[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8847 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* mpls label 100 tc 0 s 1 ttl 64 */
    0x00, 0x06, 0x41, 0x40,
    /* pseudowire control word 0 */
    0x00, 0x00, 0x00, 0x00,
    /* eth 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00,
    /* ipv4 172.16.0.1 > 172.16.0.2 proto 1 len 32 ihl 5 id 0x1234 DF ttl 64 csum 0xd085 */
    0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0xd0, 0x85,
    0xac, 0x10, 0x00, 0x01, 0xac, 0x10, 0x00, 0x02,
    /* icmp type 8 code 0 */
    0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
    /* payload b'ping' */
    0x70, 0x69, 0x6e, 0x67,
};

/* Ethernet | MPLS 100 | payload starting with nibble 5 */
static const uint8_t eth_mpls_unknown[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8847 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* mpls label 100 tc 0 s 1 ttl 64 */
    0x00, 0x06, 0x41, 0x40,
    /* nibble 5: no known payload */
    0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Ethernet | MPLS 16 | MPLS 17 without the bottom bit, then the frame ends */
static const uint8_t eth_mpls_no_bottom[] = {
    /* eth 66:77:88:99:aa:bb > 00:11:22:33:44:55 type 0x8847 */
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x88, 0x47,
    /* mpls label 16 tc 0 s 0 ttl 64 */
    0x00, 0x01, 0x00, 0x40,
    /* mpls label 17 tc 0 s 0 ttl 64 */
    0x00, 0x01, 0x10, 0x40,
};

/* Linux SLL | IPv4 | UDP */
static const uint8_t sll_ipv4_udp[] = {
    /* sll: outgoing (4), ARPHRD_ETHER, addr len 6, addr, proto 0x0800 */
    0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
    0x00, 0x00, 0x08, 0x00,
    /* ipv4 10.9.9.1 > 10.9.9.2 proto 17 len 31 ihl 5 id 0x1234 DF ttl 64 csum 0x0286 */
    0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x02, 0x86,
    0x0a, 0x09, 0x09, 0x01, 0x0a, 0x09, 0x09, 0x02,
    /* udp 53 > 33000 len 11 */
    0x00, 0x35, 0x80, 0xe8, 0x00, 0x0b, 0x00, 0x00,
    /* payload b'dns' */
    0x64, 0x6e, 0x73,
};

/* Linux SLL2 | IPv6 | UDP */
static const uint8_t sll2_ipv6_udp[] = {
    /* sll2: proto 0x86dd, reserved, ifindex 2, ARPHRD_ETHER, host (0), addr len 6, addr */
    0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x06,
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00,
    /* ipv6 fe80::1 > ff02::fb nh 17 plen 12 hlim 255 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb,
    /* udp 5353 > 5353 len 12 */
    0x14, 0xe9, 0x14, 0xe9, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'mdns' */
    0x6d, 0x64, 0x6e, 0x73,
};

/* DLT_NULL | IPv4 | UDP */
static const uint8_t null_le_ipv4_udp[] = {
    /* AF_INET (2) in little-endian host order */
    0x02, 0x00, 0x00, 0x00,
    /* ipv4 10.9.9.1 > 10.9.9.2 proto 17 len 31 ihl 5 id 0x1234 DF ttl 64 csum 0x0286 */
    0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x02, 0x86,
    0x0a, 0x09, 0x09, 0x01, 0x0a, 0x09, 0x09, 0x02,
    /* udp 53 > 33000 len 11 */
    0x00, 0x35, 0x80, 0xe8, 0x00, 0x0b, 0x00, 0x00,
    /* payload b'dns' */
    0x64, 0x6e, 0x73,
};

/* DLT_LOOP | IPv6 | UDP */
static const uint8_t loop_ipv6_udp[] = {
    /* AF_INET6 (30, Darwin) in network order */
    0x00, 0x00, 0x00, 0x1e,
    /* ipv6 fe80::1 > ff02::fb nh 17 plen 12 hlim 255 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb,
    /* udp 5353 > 5353 len 12 */
    0x14, 0xe9, 0x14, 0xe9, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'mdns' */
    0x6d, 0x64, 0x6e, 0x73,
};

/* DLT_NULL | IPv6 | UDP */
static const uint8_t null_le_ipv6_24[] = {
    /* AF_INET6 (24, NetBSD/OpenBSD) in little-endian */
    0x18, 0x00, 0x00, 0x00,
    /* ipv6 fe80::1 > ff02::fb nh 17 plen 12 hlim 255 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb,
    /* udp 5353 > 5353 len 12 */
    0x14, 0xe9, 0x14, 0xe9, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'mdns' */
    0x6d, 0x64, 0x6e, 0x73,
};

/* DLT_NULL | IPv6 | UDP */
static const uint8_t null_be_ipv6_28[] = {
    /* AF_INET6 (28, FreeBSD) in network order */
    0x00, 0x00, 0x00, 0x1c,
    /* ipv6 fe80::1 > ff02::fb nh 17 plen 12 hlim 255 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb,
    /* udp 5353 > 5353 len 12 */
    0x14, 0xe9, 0x14, 0xe9, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'mdns' */
    0x6d, 0x64, 0x6e, 0x73,
};

/* DLT_NULL | AppleTalk */
static const uint8_t null_appletalk[] = {
    /* AF_APPLETALK (16) in little-endian */
    0x10, 0x00, 0x00, 0x00,
    /* DDP body */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* raw IPv4 | UDP */
static const uint8_t raw_ipv4_udp[] = {
    /* ipv4 10.9.9.1 > 10.9.9.2 proto 17 len 31 ihl 5 id 0x1234 DF ttl 64 csum 0x0286 */
    0x45, 0x00, 0x00, 0x1f, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x02, 0x86,
    0x0a, 0x09, 0x09, 0x01, 0x0a, 0x09, 0x09, 0x02,
    /* udp 53 > 33000 len 11 */
    0x00, 0x35, 0x80, 0xe8, 0x00, 0x0b, 0x00, 0x00,
    /* payload b'dns' */
    0x64, 0x6e, 0x73,
};

/* raw IPv6 | UDP */
static const uint8_t raw_ipv6_udp[] = {
    /* ipv6 fe80::1 > ff02::fb nh 17 plen 12 hlim 255 */
    0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb,
    /* udp 5353 > 5353 len 12 */
    0x14, 0xe9, 0x14, 0xe9, 0x00, 0x0c, 0x00, 0x00,
    /* payload b'mdns' */
    0x6d, 0x64, 0x6e, 0x73,
};

/* raw: version nibble 5 */
static const uint8_t raw_bad_version[] = {
    /* version 5 */
    0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
/* clang-format on */

#define RUN(d, lt, frame) dec_run((d), (lt), (frame), sizeof(frame))

static void test_eth_ipv4_tcp(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_ipv4_tcp), DECODE_OK);
    const struct pkt *p = &d.pkt;
    assert_int_equal(p->ip_version, 4);
    assert_ptr_equal(p->ip, eth_ipv4_tcp + 14);
    assert_int_equal(p->ip_len, 64);
    assert_int_equal(p->ip_hlen, 20);
    assert_int_equal(p->proto, 6);
    assert_int_equal(p->ttl, 64);
    assert_false(p->is_fragment);
    assert_true(p->has_l4);
    assert_int_equal(p->sport, 40000);
    assert_int_equal(p->dport, 80);
    assert_int_equal(p->seq, 1000);
    assert_int_equal(p->ack, 0);
    assert_int_equal(p->tcp_flags, TCP_SYN);
    assert_int_equal(p->tcp_win, 64240);
    assert_ptr_equal(p->l4, eth_ipv4_tcp + 34);
    assert_int_equal(p->l4_len, 44);
    assert_int_equal(p->payload_len, 4);
    assert_memory_equal(p->payload, "GET ", 4);
    assert_int_equal(p->vlan_count, 0);
    assert_int_equal(p->tunnel, PKT_TUNNEL_NONE);
    assert_int_equal(p->event_count, 0);
    assert_int_equal(d.ctr[CTR_DECODER_ETHERNET], 1);
    assert_int_equal(d.ctr[CTR_DECODER_IPV4], 1);
    assert_int_equal(d.ctr[CTR_DECODER_TCP], 1);
    /* The engine counts packets and bytes, not the decoder. */
    assert_int_equal(d.ctr[CTR_DECODER_PKTS], 0);
    assert_int_equal(d.ctr[CTR_DECODER_BYTES], 0);

    char buf[WW_ADDR_STRLEN];
    ww_addr_format(&p->src, buf, sizeof(buf));
    assert_string_equal(buf, "10.0.0.1");
    ww_addr_format(&p->dst, buf, sizeof(buf));
    assert_string_equal(buf, "10.0.0.2");
}

static void test_eth_padding_trimmed(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_ipv4_udp_padded), DECODE_OK);
    assert_int_equal(sizeof(eth_ipv4_udp_padded), 60);
    assert_int_equal(d.pkt.ip_len, 32);
    assert_int_equal(d.pkt.l4_len, 12);
    assert_int_equal(d.pkt.payload_len, 4);
    assert_memory_equal(d.pkt.payload, "abcd", 4);
    assert_int_equal(d.pkt.sport, 5353);
    assert_int_equal(d.pkt.dport, 53);
    assert_int_equal(d.ctr[CTR_DECODER_UDP], 1);
}

static void test_eth_too_small(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(dec_run(&d, LT_ETHERNET, eth_ipv4_tcp, 13), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_ETHERNET_PKT_TOO_SMALL));
    assert_int_equal(d.ctr[CTR_DEV_ETHERNET_PKT_TOO_SMALL], 1);
    assert_int_equal(d.ctr[CTR_DECODER_INVALID], 1);
}

static void test_eth_arp_lldp_skipped(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_arp), DECODE_SKIP);
    assert_int_equal(d.ctr[CTR_DECODER_ARP], 1);
    assert_int_equal(d.pkt.event_count, 0);
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_lldp), DECODE_SKIP);
    assert_int_equal(d.ctr[CTR_DECODER_UNKNOWN_ETHERTYPE], 1);
    assert_int_equal(d.ctr[CTR_DECODER_INVALID], 0);
    assert_int_equal(d.pkt.event_count, 0);
}

static void test_vlan(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_vlan_ipv4_udp), DECODE_OK);
    assert_int_equal(d.pkt.vlan_count, 1);
    assert_int_equal(d.pkt.vlan[0], 100); /* PCP 5 is not part of the id */
    assert_int_equal(d.pkt.dport, 2222);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN], 1);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN_QINQ], 0);
}

static void test_qinq(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_qinq_ipv4_udp), DECODE_OK);
    assert_int_equal(d.pkt.vlan_count, 2);
    assert_int_equal(d.pkt.vlan[0], 10);
    assert_int_equal(d.pkt.vlan[1], 20);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN], 1);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN_QINQ], 1);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN_QINQINQ], 0);

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_qinqinq_ipv4_udp), DECODE_OK);
    assert_int_equal(d.pkt.vlan_count, 3);
    assert_int_equal(d.pkt.vlan[0], 1);
    assert_int_equal(d.pkt.vlan[1], 2);
    assert_int_equal(d.pkt.vlan[2], 3);
    assert_int_equal(d.ctr[CTR_DECODER_VLAN_QINQINQ], 1);
}

static void test_vlan_anomalies(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_4vlan), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_VLAN_TOO_MANY_LAYERS));

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_vlan_lldp), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_VLAN_UNKNOWN_TYPE));
    assert_int_equal(d.ctr[CTR_DECODER_UNKNOWN_ETHERTYPE], 1);

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_vlan_arp), DECODE_SKIP);
    assert_int_equal(d.ctr[CTR_DECODER_ARP], 1);

    /* Ethernet header and half a tag. */
    assert_int_equal(dec_run(&d, LT_ETHERNET, eth_vlan_ipv4_udp, 16), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_VLAN_HEADER_TOO_SMALL));
}

static void test_mpls(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_mpls2_ipv4_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 4);
    assert_ptr_equal(d.pkt.ip, eth_mpls2_ipv4_udp + 14 + 8);
    assert_int_equal(d.pkt.dport, 2000);
    assert_int_equal(d.ctr[CTR_DECODER_MPLS], 1);

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_mpls_null6_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);
    assert_int_equal(d.pkt.payload_len, 3);

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_mpls_pw_eth_icmp), DECODE_OK);
    assert_int_equal(d.pkt.proto, 1);
    assert_int_equal(d.pkt.icmp_type, 8);
    assert_int_equal(d.pkt.icmp_code, 0);
    assert_memory_equal(d.pkt.payload, "ping", 4);
    assert_int_equal(d.ctr[CTR_DECODER_ETHERNET], 2);
    assert_int_equal(d.ctr[CTR_DECODER_ICMPV4], 1);

    assert_int_equal(RUN(&d, LT_ETHERNET, eth_mpls_unknown), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_MPLS_UNKNOWN_PAYLOAD_TYPE));
    assert_int_equal(RUN(&d, LT_ETHERNET, eth_mpls_no_bottom), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_MPLS_HEADER_TOO_SMALL));
    /* Bottom label, then two bytes: too little to guess from. */
    assert_int_equal(dec_run(&d, LT_ETHERNET, eth_mpls_pw_eth_icmp, 14 + 4 + 2), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_MPLS_PKT_TOO_SMALL));
}

static void test_sll(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_SLL, sll_ipv4_udp), DECODE_OK);
    assert_ptr_equal(d.pkt.ip, sll_ipv4_udp + 16);
    assert_int_equal(d.pkt.sport, 53);
    assert_int_equal(d.ctr[CTR_DECODER_SLL], 1);
    assert_int_equal(dec_run(&d, LT_SLL, sll_ipv4_udp, 15), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_SLL_PKT_TOO_SMALL));

    assert_int_equal(RUN(&d, LT_SLL2, sll2_ipv6_udp), DECODE_OK);
    assert_ptr_equal(d.pkt.ip, sll2_ipv6_udp + 20);
    assert_int_equal(d.pkt.ip_version, 6);
    assert_int_equal(d.pkt.dport, 5353);
    assert_int_equal(d.pkt.ttl, 255);
    assert_int_equal(d.ctr[CTR_DECODER_SLL2], 1);
    assert_int_equal(dec_run(&d, LT_SLL2, sll2_ipv6_udp, 19), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_SLL2_PKT_TOO_SMALL));
}

static void test_null_loop(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, LT_NULL, null_le_ipv4_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 4);
    assert_ptr_equal(d.pkt.ip, null_le_ipv4_udp + 4);
    assert_int_equal(d.ctr[CTR_DECODER_NULL], 1);
    assert_int_equal(RUN(&d, LT_LOOP, loop_ipv6_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);
    assert_int_equal(RUN(&d, LT_NULL, null_le_ipv6_24), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);
    assert_int_equal(RUN(&d, LT_NULL, null_be_ipv6_28), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);

    assert_int_equal(RUN(&d, LT_NULL, null_appletalk), DECODE_SKIP);
    assert_true(dec_has_event(&d, DEV_LTNULL_UNSUPPORTED_TYPE));
    assert_int_equal(d.ctr[CTR_DEV_LTNULL_UNSUPPORTED_TYPE], 1);
    assert_int_equal(dec_run(&d, LT_LOOP, loop_ipv6_udp, 3), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_LTNULL_PKT_TOO_SMALL));
}

static void test_raw(void **state)
{
    (void)state;
    static const int v4_types[] = {LT_RAW, LT_RAW_OPENBSD, LT_RAW_FILE, LT_IPV4};
    struct dec d;
    for (size_t i = 0; i < sizeof(v4_types) / sizeof(v4_types[0]); i++) {
        assert_int_equal(RUN(&d, v4_types[i], raw_ipv4_udp), DECODE_OK);
        assert_ptr_equal(d.pkt.ip, raw_ipv4_udp);
        assert_int_equal(d.pkt.ip_version, 4);
        assert_int_equal(d.ctr[CTR_DECODER_RAW], 1);
    }
    assert_int_equal(RUN(&d, LT_RAW, raw_ipv6_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);
    assert_int_equal(RUN(&d, LT_IPV6, raw_ipv6_udp), DECODE_OK);
    assert_int_equal(d.pkt.ip_version, 6);
    /* DLT_IPV4 names the version: an IPv6 packet there is wrong. */
    assert_int_equal(RUN(&d, LT_IPV4, raw_ipv6_udp), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_IPV4_WRONG_IP_VERSION));
    assert_int_equal(RUN(&d, LT_RAW, raw_bad_version), DECODE_INVALID);
    assert_true(dec_has_event(&d, DEV_IPRAW_INVALID_IP_VERSION));
}

static void test_unknown_linktype_and_null(void **state)
{
    (void)state;
    struct dec d;
    assert_int_equal(RUN(&d, 147 /* DLT_USER0 */, raw_ipv4_udp), DECODE_INVALID);
    assert_int_equal(d.pkt.event_count, 0);

    struct ww_packet frame = {.linktype = LT_ETHERNET, .data = NULL, .caplen = 0};
    struct pkt pkt;
    uint64_t ctr[CTR_COUNT] = {0};
    assert_int_equal(decode_packet(&frame, &pkt, ctr), DECODE_INVALID);
    assert_int_equal(ctr[CTR_DECODER_INVALID], 1);
}

static void test_event_overflow_counts_all(void **state)
{
    (void)state;
    struct pkt pkt;
    uint64_t ctr[CTR_COUNT] = {0};
    memset(&pkt, 0, sizeof(pkt));
    for (int i = 0; i < PKT_MAX_EVENTS + 2; i++)
        pkt_set_event(&pkt, ctr, DEV_TCP_OPT_INVALID_LEN);
    pkt_set_event(&pkt, ctr, DEV_NONE);
    pkt_set_event(&pkt, ctr, DEV_COUNT);
    assert_int_equal(pkt.event_count, PKT_MAX_EVENTS);
    assert_int_equal(ctr[CTR_DEV_TCP_OPT_INVALID_LEN], PKT_MAX_EVENTS + 2);
}

static void test_addr(void **state)
{
    (void)state;
    struct ww_addr a = {.family = 6, .a = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01}};
    struct ww_addr b = a;
    char buf[WW_ADDR_STRLEN];
    ww_addr_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, "2001:0db8:0000:0000:0000:0000:0000:0001");
    assert_int_equal(strlen(buf), 39);
    assert_true(ww_addr_eq(&a, &b));
    b.a[15] = 2;
    assert_false(ww_addr_eq(&a, &b));

    struct ww_addr v4 = {.family = 4, .a = {255, 255, 0, 1}};
    ww_addr_format(&v4, buf, sizeof(buf));
    assert_string_equal(buf, "255.255.0.1");
    assert_false(ww_addr_eq(&v4, &a));
    /* A short buffer truncates, always terminated. */
    ww_addr_format(&a, buf, 5);
    assert_string_equal(buf, "2001");
}

static void test_link_truncation_and_guard_page(void **state)
{
    (void)state;
    dec_robust(LT_ETHERNET, eth_ipv4_tcp, sizeof(eth_ipv4_tcp));
    dec_robust(LT_ETHERNET, eth_ipv4_udp_padded, sizeof(eth_ipv4_udp_padded));
    dec_robust(LT_ETHERNET, eth_vlan_ipv4_udp, sizeof(eth_vlan_ipv4_udp));
    dec_robust(LT_ETHERNET, eth_qinq_ipv4_udp, sizeof(eth_qinq_ipv4_udp));
    dec_robust(LT_ETHERNET, eth_qinqinq_ipv4_udp, sizeof(eth_qinqinq_ipv4_udp));
    dec_robust(LT_ETHERNET, eth_mpls2_ipv4_udp, sizeof(eth_mpls2_ipv4_udp));
    dec_robust(LT_ETHERNET, eth_mpls_null6_udp, sizeof(eth_mpls_null6_udp));
    dec_robust(LT_ETHERNET, eth_mpls_pw_eth_icmp, sizeof(eth_mpls_pw_eth_icmp));
    dec_robust(LT_SLL, sll_ipv4_udp, sizeof(sll_ipv4_udp));
    dec_robust(LT_SLL2, sll2_ipv6_udp, sizeof(sll2_ipv6_udp));
    dec_robust(LT_NULL, null_le_ipv4_udp, sizeof(null_le_ipv4_udp));
    dec_robust(LT_LOOP, loop_ipv6_udp, sizeof(loop_ipv6_udp));
    dec_robust(LT_RAW, raw_ipv4_udp, sizeof(raw_ipv4_udp));
    dec_robust(LT_IPV6, raw_ipv6_udp, sizeof(raw_ipv6_udp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_ipv4_tcp),
        cmocka_unit_test(test_eth_padding_trimmed),
        cmocka_unit_test(test_eth_too_small),
        cmocka_unit_test(test_eth_arp_lldp_skipped),
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_qinq),
        cmocka_unit_test(test_vlan_anomalies),
        cmocka_unit_test(test_mpls),
        cmocka_unit_test(test_sll),
        cmocka_unit_test(test_null_loop),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_unknown_linktype_and_null),
        cmocka_unit_test(test_event_overflow_counts_all),
        cmocka_unit_test(test_addr),
        cmocka_unit_test(test_link_truncation_and_guard_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

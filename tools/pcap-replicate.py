#!/usr/bin/python3
"""pcap-replicate.py -- lay N copies of a capture end to end, each one a day
later and with its own host addresses, so that sessions multiply the way
they do in real traffic instead of the same conversation repeating.

  tools/pcap-replicate.py IN.pcap OUT.pcap COPIES [SHIFT_SECONDS]

Copy i (1..COPIES) is shifted i * SHIFT_SECONDS (default 86400) and has the
last 16 bits of every unicast IPv4 and IPv6 address XORed with a key of its
own (copy 1 keeps the original addresses; the keys are (i-1) * 0x9e3b mod
2^16, all distinct). Prefixes stay: 10/8, 172.16/12, 192.168/16 and any
/64 keep their place relative to $HOME_NET, so rules see the same mix of
directions. Multicast, broadcast and unspecified addresses are not changed.

Checksums are updated incrementally (RFC 1624 eqn. 3): the IPv4 header
checksum, and the TCP, UDP and ICMPv6 checksums whose pseudo-header holds
the addresses (UDP over IPv4 with no checksum keeps 0). A checksum that was
wrong in the original stays exactly as wrong. Non-first fragments carry no
L4 header; ARP and addresses inside tunnels or ICMP errors are left alone.

Link types: Ethernet (with 802.1Q/802.1ad tags), raw IP, Linux SLL; classic
pcap only (pcapng: convert with editcap -F pcap first). Reads IN once into
memory and plans each packet's patch offsets once; each copy then only
XORs and folds.
"""
import struct
import sys

ETH, RAW, RAW_BSD, SLL = 1, 101, 12, 113


def ip_offset(linktype, d):
    """Offset of the IP header in frame d, or -1."""
    if linktype in (RAW, RAW_BSD, 14):
        return 0
    if linktype == SLL:
        if len(d) < 16:
            return -1
        et, off = struct.unpack_from("!H", d, 14)[0], 16
    elif linktype == ETH:
        if len(d) < 14:
            return -1
        et, off = struct.unpack_from("!H", d, 12)[0], 14
        while et in (0x8100, 0x88A8, 0x9100) and len(d) >= off + 4:
            et = struct.unpack_from("!H", d, off + 2)[0]
            off += 4
    else:
        return -1
    return off if et in (0x0800, 0x86DD) else -1


def plan(linktype, d):
    """(address word offsets, checksum plans): what to patch in frame d.

    A checksum plan is (offset, is_udp)."""
    off = ip_offset(linktype, d)
    if off < 0 or len(d) < off + 20:
        return None
    ver = d[off] >> 4
    words, sums = [], []
    if ver == 4:
        ihl = (d[off] & 15) * 4
        if ihl < 20 or len(d) < off + ihl:
            return None
        for a in (off + 12, off + 16):
            first = d[a]
            if first == 0 or first >= 224:  # unspecified, multicast, broadcast
                continue
            words.append(a + 2)
        if not words:
            return None
        sums.append((off + 10, False))
        proto = d[off + 9]
        frag_off = struct.unpack_from("!H", d, off + 6)[0] & 0x1FFF
        l4 = off + ihl
        if frag_off == 0:
            if proto == 6 and len(d) >= l4 + 18:
                sums.append((l4 + 16, False))
            elif proto == 17 and len(d) >= l4 + 8:
                sums.append((l4 + 6, True))
        return words, sums
    if ver == 6:
        if len(d) < off + 40:
            return None
        for a in (off + 8, off + 24):
            if d[a] == 0xFF or d[a:a + 16] == bytes(16):
                continue
            words.append(a + 14)
        if not words:
            return None
        nh, l4 = d[off + 6], off + 40
        for _ in range(8):  # hop-by-hop, routing, destination options, fragment
            if nh in (0, 43, 60) and len(d) >= l4 + 8:
                nh, l4 = d[l4], l4 + 8 + d[l4 + 1] * 8
            elif nh == 44 and len(d) >= l4 + 8:
                if struct.unpack_from("!H", d, l4 + 2)[0] & 0xFFF8:
                    return words, sums  # not the first fragment
                nh, l4 = d[l4], l4 + 8
            else:
                break
        if nh == 6 and len(d) >= l4 + 18:
            sums.append((l4 + 16, False))
        elif nh == 17 and len(d) >= l4 + 8:
            sums.append((l4 + 6, False))  # mandatory over IPv6
        elif nh == 58 and len(d) >= l4 + 4:
            sums.append((l4 + 2, False))
        return words, sums
    return None


def patch(d, p, key):
    b = bytearray(d)
    words, sums = p
    delta = 0
    for o in words:
        old = b[o] << 8 | b[o + 1]
        new = old ^ key
        b[o], b[o + 1] = new >> 8, new & 0xFF
        delta += (~old & 0xFFFF) + new
    for o, is_udp in sums:
        hc = b[o] << 8 | b[o + 1]
        if is_udp and hc == 0:
            continue
        s = (~hc & 0xFFFF) + delta
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        hc = ~s & 0xFFFF
        if is_udp and hc == 0:
            hc = 0xFFFF
        b[o], b[o + 1] = hc >> 8, hc & 0xFF
    return bytes(b)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    shift = int(sys.argv[4]) if len(sys.argv) == 5 else 86400
    with open(src, "rb") as f:
        raw = f.read()
    magic = struct.unpack_from("<I", raw)[0]
    e = {0xA1B2C3D4: "<", 0xD4C3B2A1: ">", 0xA1B23C4D: "<", 0x4D3CB2A1: ">"}.get(magic)
    if e is None:
        sys.exit("pcap-replicate: %s: not a classic pcap file" % src)
    linktype = struct.unpack_from(e + "I", raw, 20)[0] & 0x0FFFFFFF
    pkts, pos = [], 24
    while pos + 16 <= len(raw):
        s, u, cl, wl = struct.unpack_from(e + "IIII", raw, pos)
        d = raw[pos + 16:pos + 16 + cl]
        if len(d) < cl:
            break
        pkts.append((s, u, cl, wl, d, plan(linktype, d)))
        pos += 16 + cl
    hdr = struct.Struct(e + "IIII")
    planned = sum(1 for p in pkts if p[5])
    with open(dst, "wb", buffering=1 << 22) as out:
        out.write(raw[:24])
        for i in range(1, copies + 1):
            key = ((i - 1) * 0x9E3B) & 0xFFFF
            add = i * shift
            chunk = []
            for s, u, cl, wl, d, p in pkts:
                chunk.append(hdr.pack(s + add, u, cl, wl))
                chunk.append(patch(d, p, key) if p and key else d)
            out.write(b"".join(chunk))
    print("pcap-replicate: %d copies of %d packets (%d with remapped addresses, link type %d)"
          % (copies, len(pkts), planned, linktype), file=sys.stderr)


if __name__ == "__main__":
    main()

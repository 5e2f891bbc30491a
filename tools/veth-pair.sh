# veth-pair.sh — sourced by the pcaps/*/record.sh scripts: two network
# namespaces joined by a veth pair, for recording a real server and client
# on a wire of their own.
#
# veth_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B
#   creates namespaces NS_A and NS_B, the veth IF_A (in NS_A, ADDR_A/24) and
#   its peer IF_B (in NS_B, ADDR_B/24), brings them and both loopbacks up and
#   turns the offloads off (checksums filled in, one frame per TCP segment,
#   as on a real wire). The caller's cleanup deletes the namespaces.
veth_pair() {
    local ns_a=$1 if_a=$2 addr_a=$3 ns_b=$4 if_b=$5 addr_b=$6
    ip netns add "$ns_a"
    ip netns add "$ns_b"
    ip link add "$if_a" netns "$ns_a" type veth peer name "$if_b" netns "$ns_b"
    ip -n "$ns_a" addr add "$addr_a/24" dev "$if_a"
    ip -n "$ns_b" addr add "$addr_b/24" dev "$if_b"
    local ns dev
    for ns in "$ns_a" "$ns_b"; do
        ip -n "$ns" link set lo up
    done
    ip -n "$ns_a" link set "$if_a" up
    ip -n "$ns_b" link set "$if_b" up
    for dev in "$ns_a:$if_a" "$ns_b:$if_b"; do
        ip netns exec "${dev%%:*}" ethtool -K "${dev#*:}" tx off tso off gso off gro off \
            >/dev/null 2>&1 || true
    done
}

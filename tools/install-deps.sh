#!/bin/sh
# Installs the Debian 12 packages that walletwatch builds and tests with.
set -e
PKGS="build-essential pkg-config libpcap-dev libnids-dev libpcre2-dev libjson-c-dev libssl-dev \
      zlib1g-dev libhyperscan-dev libcmocka-dev python3 python3-scapy python3-jsonschema tshark tcpdump tcpreplay time clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

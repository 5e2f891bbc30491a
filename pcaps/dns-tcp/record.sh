#!/bin/bash
# record.sh -- records pcaps/dns-tcp/input.pcap: DNS over TCP from a real
# dnsmasq, queried with dig +tcp. The set-up is pcaps/dns-basic/record.sh's
# (same namespaces, hosts file and records); see there.
set -euo pipefail
exec /bin/bash "$(cd "$(dirname "$0")" && pwd)/../dns-basic/record.sh" tcp

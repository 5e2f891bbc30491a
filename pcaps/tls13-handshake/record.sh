#!/bin/bash
# record.sh -- records pcaps/tls13-handshake/input.pcap: the
# pcaps/tls12-handshake/record.sh session (same namespaces, certificate,
# SNI and ALPN) with both ends limited to TLS 1.3; see there.
set -euo pipefail
exec /bin/bash "$(cd "$(dirname "$0")" && pwd)/../tls12-handshake/record.sh" 1.3

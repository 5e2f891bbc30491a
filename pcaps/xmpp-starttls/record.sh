#!/bin/bash
# record.sh — records input.pcap beside this script: the xmpp-cleartext
# recording with the server requiring STARTTLS (the negative control). The
# recording itself is ../xmpp-cleartext/record.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=starttls OUT="$HERE" exec "$HERE/../xmpp-cleartext/record.sh"

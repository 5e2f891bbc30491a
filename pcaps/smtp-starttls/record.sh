#!/bin/sh
# record.sh — records pcaps/smtp-starttls/input.pcap: the same Postfix +
# swaks setup as pcaps/smtp-cleartext (see its record.sh), with STARTTLS
# offered and used before AUTH and the mail. Run as root on Debian 12.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=starttls exec sh "$HERE/../smtp-cleartext/record.sh" "${1:-$HERE/input.pcap}"

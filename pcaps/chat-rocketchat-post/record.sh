#!/bin/sh
# record.sh — crafted, not recorded: Debian 12 packages no Matrix, Mattermost,
# Slack or Rocket.Chat server. Regenerates every pcaps/chat-*/input.pcap with
# scapy (deterministic); see tools/craft-chat-pcaps.py for the request shapes.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$HERE/../../tools/craft-chat-pcaps.py" "$HERE/.."

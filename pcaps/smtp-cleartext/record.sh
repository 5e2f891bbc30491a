#!/bin/sh
# record.sh — records pcaps/smtp-cleartext/input.pcap from a real Postfix
# (Debian 12) and swaks: EHLO, AUTH PLAIN (Cyrus SASL, sasldb), one mail
# whose body asks for a bitcoin transfer. With MODE=starttls (used by
# pcaps/smtp-starttls/record.sh) Postfix offers STARTTLS with a throwaway
# self-signed certificate and swaks upgrades before AUTH and the mail. Run as root on Debian 12; creates
# and removes the network namespaces ww-smtp-a (client, 10.97.0.1) and
# ww-smtp-b (server, 10.97.0.2) and a temporary Postfix instance.
set -eu
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/input.pcap}
export DEBIAN_FRONTEND=noninteractive
if ! command -v swaks >/dev/null || ! command -v saslpasswd2 >/dev/null || [ ! -x /usr/sbin/postfix ]; then
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    apt-get install -y postfix swaks sasl2-bin libsasl2-modules tcpdump
fi
MODE=${MODE:-plain} # "starttls" for pcaps/smtp-starttls

TMP=$(mktemp -d /tmp/ww-smtp.XXXXXX)
chmod 755 "$TMP" # postfix's daemons run as user postfix
cleanup() {
    [ -f "$TMP/tcpdump.pid" ] && kill "$(cat "$TMP/tcpdump.pid")" 2>/dev/null || true
    ip netns exec ww-smtp-b postfix -c "$TMP/etc" stop 2>/dev/null || true
    ip netns del ww-smtp-a 2>/dev/null || true
    ip netns del ww-smtp-b 2>/dev/null || true
    [ -n "${KEEP:-}" ] && cp "$TMP/maillog" /tmp/ww-smtp-maillog 2>/dev/null; rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair ww-smtp-a ww-smtp-va 10.97.0.1 ww-smtp-b ww-smtp-vb 10.97.0.2

# A private Postfix instance: its own config, queue and data directories.
mkdir -p "$TMP/etc/sasl" "$TMP/queue" "$TMP/data"
cp /etc/postfix/master.cf "$TMP/etc/master.cf"
cp /etc/postfix/dynamicmaps.cf "$TMP/etc/" 2>/dev/null || true
cat > "$TMP/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $TMP/queue
data_directory = $TMP/data
myhostname = mx.ww-test.example
mydomain = ww-test.example
mydestination = ww-test.example, mx.ww-test.example
inet_interfaces = 10.97.0.2
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP Postfix (Debian/GNU)
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
local_recipient_maps =
alias_maps =
alias_database =
mailbox_size_limit = 0
maillog_file = /dev/stdout
CF
if [ "$MODE" = starttls ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.ww-test.example \
        -keyout "$TMP/etc/key.pem" -out "$TMP/etc/cert.pem" 2>/dev/null
    cat >> "$TMP/etc/main.cf" <<CF
smtpd_tls_security_level = may
smtpd_tls_cert_file = $TMP/etc/cert.pem
smtpd_tls_key_file = $TMP/etc/key.pem
smtpd_tls_auth_only = yes
CF
else
    echo "smtpd_tls_security_level = none" >> "$TMP/etc/main.cf"
fi
# smtpd runs chrooted per Debian's master.cf: switch chroot off for the temp instance
sed -i -E 's/^(smtp +inet +n +- +)y/\1n/' "$TMP/etc/master.cf"
sed -i -E 's/^([a-z]+ +unix +[n-] +- +)y/\1n/' "$TMP/etc/master.cf"
# Debian's Postfix reads <config dir>/sasl/smtpd.conf
cat > "$TMP/etc/sasl/smtpd.conf" <<CF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $TMP/etc/sasl/sasldb2
mech_list: PLAIN LOGIN
CF
echo 'Tr3asury-Pa55' | saslpasswd2 -p -c -f "$TMP/etc/sasl/sasldb2" -u mx.ww-test.example alice
chown postfix "$TMP/etc/sasl/sasldb2"
chown -R postfix "$TMP/data"
postfix -c "$TMP/etc" check 2>/dev/null || true
ip netns exec ww-smtp-b postfix -c "$TMP/etc" start-fg > "$TMP/maillog" 2>&1 &
sleep 2
for i in $(seq 1 50); do
    ip netns exec ww-smtp-b ss -ltn | grep -q '10.97.0.2:25 ' && break
    sleep 0.2
done

ip netns exec ww-smtp-a tcpdump -i ww-smtp-va -U -s 0 -w "$TMP/cap.pcap" 'tcp port 25' \
    >/dev/null 2>&1 &
echo $! > "$TMP/tcpdump.pid"
sleep 1

BODY='Hi ops,

The exchange settlement is due today. Please send 1.5 BTC to
bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh from the hot wallet.

.This line starts with a dot (dot-stuffed on the wire).
Thanks,
Alice'
if [ "$MODE" = starttls ]; then
    # the same mail, but STARTTLS first (AUTH is only offered inside TLS)
    ip netns exec ww-smtp-a swaks --server 10.97.0.2 --port 25 --helo ws1.ww-test.example \
        --from alice@ww-test.example --to bob@ww-test.example --tls \
        --auth PLAIN --auth-user alice@mx.ww-test.example --auth-password 'Tr3asury-Pa55' \
        --header 'Subject: Settlement transfer' --body "$BODY"
else
    ip netns exec ww-smtp-a swaks --server 10.97.0.2 --port 25 --helo ws1.ww-test.example \
        --from alice@ww-test.example --to bob@ww-test.example,carol@ww-test.example \
        --auth PLAIN --auth-user alice@mx.ww-test.example --auth-password 'Tr3asury-Pa55' \
        --header 'Subject: Settlement transfer' --body "$BODY"
fi
sleep 1
kill "$(cat "$TMP/tcpdump.pid")"
rm -f "$TMP/tcpdump.pid"
sleep 1
cp "$TMP/cap.pcap" "$OUT"
echo "wrote $OUT"

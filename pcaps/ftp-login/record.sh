#!/bin/sh
# record.sh — records pcaps/ftp-login/input.pcap from a real vsftpd
# (Debian 12): banner, FEAT, a wrong password (530), then the right one
# (230), PWD, QUIT, driven by Python's ftplib. Run as root on Debian 12;
# creates and removes the network namespaces ww-ftp-a (client, 10.97.0.1)
# and ww-ftp-b (server, 10.97.0.2), a temporary vsftpd config and a
# temporary local user "wwftp".
set -eu
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/input.pcap}
export DEBIAN_FRONTEND=noninteractive
[ -x /usr/sbin/vsftpd ] || apt-get install -y vsftpd tcpdump python3

TMP=$(mktemp -d /tmp/ww-ftp.XXXXXX)
cleanup() {
    [ -f "$TMP/tcpdump.pid" ] && kill "$(cat "$TMP/tcpdump.pid")" 2>/dev/null || true
    [ -f "$TMP/vsftpd.pid" ] && kill "$(cat "$TMP/vsftpd.pid")" 2>/dev/null || true
    ip netns del ww-ftp-a 2>/dev/null || true
    ip netns del ww-ftp-b 2>/dev/null || true
    userdel -r wwftp 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair ww-ftp-a ww-ftp-va 10.97.0.1 ww-ftp-b ww-ftp-vb 10.97.0.2

useradd -m -s /bin/sh wwftp
echo 'wwftp:Hot-Wallet-0ps' | chpasswd
mkdir -p /var/run/vsftpd/empty
cat > "$TMP/vsftpd.conf" <<CF
listen=YES
listen_ipv6=NO
listen_address=10.97.0.2
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
ssl_enable=NO
seccomp_sandbox=NO
CF
ip netns exec ww-ftp-b /usr/sbin/vsftpd "$TMP/vsftpd.conf" &
echo $! > "$TMP/vsftpd.pid"
sleep 1

ip netns exec ww-ftp-a tcpdump -i ww-ftp-va -U -s 0 -w "$TMP/cap.pcap" 'tcp port 21' \
    >/dev/null 2>&1 &
echo $! > "$TMP/tcpdump.pid"
sleep 1

ip netns exec ww-ftp-a /usr/bin/python3 - <<'PY'
import ftplib
ftp = ftplib.FTP()
ftp.connect("10.97.0.2", 21, timeout=10)
ftp.sendcmd("FEAT")
try:
    ftp.login("wwftp", "wrong-guess-1")
except ftplib.error_perm as e:
    print("expected:", e)
ftp.login("wwftp", "Hot-Wallet-0ps")
print(ftp.pwd())
ftp.quit()
PY
sleep 1
kill "$(cat "$TMP/tcpdump.pid")"
rm -f "$TMP/tcpdump.pid"
sleep 1
cp "$TMP/cap.pcap" "$OUT"
echo "wrote $OUT"

#!/bin/sh
# bench/auth/run.sh [MESSAGES [BODY_BYTES [POSTFIX_MSG_S]]]: what the
# outbound SPF/DKIM checks cost per message through auth_msg (as the
# milter calls them), against the same calls with the checks off, with a
# real DNS server (dnsmasq, loopback, record TTL 300 s) serving SPF and a
# DKIM key (opendkim-genkey) and a message signed by opendkim-testmsg.
# POSTFIX_MSG_S (default 668, the lab's no-milter baseline; take it from
# bench/milter/run.sh on the same machine) turns the warm cost into the
# throughput ratio it alone would leave.  Run it from "make bench-auth".
set -eu
n=${1:-100000}
size=${2:-2000}
base=${3:-668}
: "${top_srcdir:?}" "${top_builddir:?}"
bench=$top_builddir/bench/auth/bench_auth
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
GENKEY=$(command -v opendkim-genkey || echo /usr/sbin/opendkim-genkey)
TESTMSG=$(command -v opendkim-testmsg || echo /usr/sbin/opendkim-testmsg)
for x in "$bench" "$DNSMASQ" "$GENKEY" "$TESTMSG"; do
    [ -x "$x" ] || { echo "missing $x" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-bench-auth.XXXXXX")
trap '[ -s "$tmp/dnsmasq.pid" ] && kill "$(cat "$tmp/dnsmasq.pid")"; rm -rf "$tmp"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$GENKEY" -b 2048 -D "$tmp" -d example.test -s bench
# the record's strings joined (a long key spans several)
key=$(tr -d '\n' < "$tmp/bench.txt" | sed 's/.*(\(.*\)).*/\1/' | tr -d '" \t' |
    sed 's/.*p=//')
# a TXT string holds 255 bytes: split the key record
rec=$(printf 'v=DKIM1; k=rsa; p=%s' "$key" | fold -w 250 | sed 's/.*/"&"/' | paste -sd, -)
{
    echo "port=$port"
    echo "listen-address=127.0.0.1"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "local=/test/"
    echo "local-ttl=300"
    echo 'txt-record=example.test,"v=spf1 ip4:192.0.2.25 -all"'
    echo "txt-record=bench._domainkey.example.test,$rec"
} > "$tmp/dnsmasq.conf"
"$DNSMASQ" --conf-file="$tmp/dnsmasq.conf" --pid-file="$tmp/dnsmasq.pid" \
    --log-facility="$tmp/dnsmasq.log"

{
    printf 'From: Bench <bench@example.test>\nTo: rcpt@remote.test\n'
    printf 'Subject: bench\nDate: Wed, 25 Nov 2026 22:00:00 +0000\n'
    printf 'Message-ID: <bench@example.test>\n\n'
    head -c "$size" /dev/zero | tr '\0' 'x' | fold -w 76
    echo
} > "$tmp/plain.eml"
"$TESTMSG" -d example.test -k "$tmp/bench.private" -s bench \
    < "$tmp/plain.eml" > "$tmp/signed.eml"
echo "# $n messages of $size body bytes, 2048-bit key, $(nproc) cores"
"$bench" -r "127.0.0.1@$port" -e 192.0.2.25 -n "$n" -b "$base" "$tmp/signed.eml"

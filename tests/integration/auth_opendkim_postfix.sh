#!/bin/bash
# auth_opendkim_postfix.sh - a DKIM signature made by Debian's opendkim
# signing milter in a real Postfix instance (tests/lib/pfharness.sh)
# verifies through bounceguard's auth module, with the key served by a
# real DNS server (dnsmasq) on loopback; the same message changed in
# transit fails, and an unsigned one is "none".
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

driver="$top_builddir/tests/integration/auth_driver"
[ -x "$driver" ] || tap_bail "auth_driver not built"
pfh_available || tap_skip_all "$PFH_WHY"
OPENDKIM=$(command -v opendkim || echo /usr/sbin/opendkim)
GENKEY=$(command -v opendkim-genkey || echo /usr/sbin/opendkim-genkey)
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$OPENDKIM" ] || tap_skip_all "opendkim not installed (apt-get install opendkim)"
[ -x "$GENKEY" ] || tap_skip_all "opendkim-tools not installed"
[ -x "$DNSMASQ" ] || tap_skip_all "dnsmasq not installed"

pfh_init || tap_skip_all "cannot make a work directory"
cleanup() {
    [ -s "$PFH_W/dns/dnsmasq.pid" ] && kill "$(cat "$PFH_W/dns/dnsmasq.pid")" 2>/dev/null
    pfh_cleanup
}
trap cleanup EXIT INT TERM

K="$PFH_W/dkim"
mkdir -p "$K" "$PFH_W/dns"
"$GENKEY" -b 1024 -D "$K" -d example.test -s pf1 || tap_bail "opendkim-genkey failed"
cat > "$K/opendkim.conf" <<EOF
Mode s
Domain example.test
Selector pf1
KeyFile $K/pf1.private
Socket local:$K/dkim.sock
UMask 000
Canonicalization relaxed/simple
SignatureAlgorithm rsa-sha256
InternalHosts 127.0.0.1
RequireSafeKeys no
Syslog no
PidFile $K/opendkim.pid
EOF
pfh_spawn opendkim "$OPENDKIM" -f -x "$K/opendkim.conf"
pfh_wait_file "$K/dkim.sock" 20 >/dev/null || tap_bail "opendkim did not start"

dport=$(pfh_free_port)
# the record's strings joined (a long key spans several)
key=$(tr -d '\n' < "$K/pf1.txt" | sed 's/.*(\(.*\)).*/\1/' | tr -d '" \t' |
    sed 's/.*p=//')
{
    echo "port=$dport"
    echo "listen-address=127.0.0.1"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "local=/test/"
    echo "txt-record=pf1._domainkey.example.test,\"v=DKIM1; k=rsa; p=$key\""
} > "$PFH_W/dns/dnsmasq.conf"
"$DNSMASQ" --conf-file="$PFH_W/dns/dnsmasq.conf" \
    --pid-file="$PFH_W/dns/dnsmasq.pid" \
    --log-facility="$PFH_W/dns/dnsmasq.log" || tap_bail "dnsmasq did not start"

port=$(pfh_free_port)
unused=$(pfh_free_port)
pfh_topology_mta A "$port" "$unused" "unix:$K/dkim.sock" ||
    tap_skip_all "cannot make the Postfix instance"
pfh_start A || tap_bail "Postfix did not start"

qid=$(pfh_send "$port" alice@example.test bob@a.test \
    --subject "signed by opendkim" --body "Hello from the harness.")
tap_ok $? "message submitted to Postfix (queue id $qid)"
box=$(pfh_mailbox A)
f=$(pfh_wait_file "$box/*" 30)
[ -n "$f" ] && [ -f "$f" ]
tap_ok $? "delivered to the a.test mailbox"
f=$(ls "$box"/* 2>/dev/null | head -1)
grep -q '^DKIM-Signature: .*d=example.test' "$f" ||
    grep -A3 '^DKIM-Signature:' "$f" | grep -q 'd=example.test'
tap_ok $? "opendkim signed it (DKIM-Signature d=example.test)"

# Postfix's own Received/Return-Path/Delivered-To come above the
# signature and are not signed, so the message verifies as delivered.
got=$("$driver" -r "127.0.0.1@$dport" dkim "$f" example.test)
[ "$got" = "dkim=pass d=example.test s=pf1 aligned=1" ]
tap_ok $? "bounceguard verifies the opendkim signature: $got"

sed 's/Hello from the harness/Hello from a forger/' "$f" > "$PFH_W/changed.eml"
got=$("$driver" -r "127.0.0.1@$dport" dkim "$PFH_W/changed.eml" example.test)
[ "$got" = "dkim=fail d=example.test s=pf1 aligned=0" ]
tap_ok $? "a body changed after signing fails: $got"

got=$("$driver" -r "127.0.0.1@$dport" -e 192.0.2.10 sender \
    alice@example.test example.test "$f" | head -1)
echo "$got" | grep -q "spf=none ip=192.0.2.10 dkim=pass aligned=1 broken=0"
tap_ok $? "outbound check: aligned DKIM, nothing broken ($got)"
tap_done

#!/bin/sh
# auth_dns.sh - SPF and DKIM through bounceguard's own DNS path against a
# real DNS server (Debian's dnsmasq) on a loopback port given as the
# resolver override: SPF pass, fail, softfail, permerror, none, include
# and a: mechanisms, the HELO identity for the null sender; DKIM keys made
# by opendkim-genkey and signatures by libopendkim's opendkim-testmsg:
# pass, aligned or not, body changed, key missing; temperror (never fail)
# with the server down; the steady state of outbound checks costs no DNS.
. "$top_srcdir/tests/lib/tap.sh"

driver="$top_builddir/tests/integration/auth_driver"
[ -x "$driver" ] || tap_bail "auth_driver not built"
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || tap_skip_all "dnsmasq not installed (apt-get install dnsmasq-base)"
GENKEY=$(command -v opendkim-genkey || echo /usr/sbin/opendkim-genkey)
TESTMSG=$(command -v opendkim-testmsg || echo /usr/sbin/opendkim-testmsg)
[ -x "$GENKEY" ] && [ -x "$TESTMSG" ] ||
    tap_skip_all "opendkim-tools not installed"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"

T=$(mktemp -d /tmp/bg-auth-dns.XXXXXX) || tap_bail "mktemp failed"
cleanup() {
    [ -s "$T/dnsmasq.pid" ] && kill "$(cat "$T/dnsmasq.pid")" 2>/dev/null
    case $T in /tmp/bg-auth-dns.*) rm -rf "$T" ;; esac
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$GENKEY" -b 1024 -D "$T" -d example.test -s sel1 || tap_bail "opendkim-genkey failed"
# the record's strings joined (a long key spans several)
key=$(tr -d '\n' < "$T/sel1.txt" | sed 's/.*(\(.*\)).*/\1/' | tr -d '" \t' |
    sed 's/.*p=//')
{
    echo "port=$port"
    echo "listen-address=127.0.0.1"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "local=/test/"
    echo 'txt-record=pass.test,"v=spf1 ip4:192.0.2.10 -all"'
    echo 'txt-record=fail.test,"v=spf1 -all"'
    echo 'txt-record=softfail.test,"v=spf1 ~all"'
    echo 'txt-record=permerror.test,"v=spf1 ip4:192.0.2.10 bogus:x -all"'
    echo 'txt-record=inc.test,"v=spf1 a:mx.inc.test include:pass.test -all"'
    echo 'host-record=mx.inc.test,192.0.2.20'
    echo 'txt-record=helo.test,"v=spf1 ip4:192.0.2.30 -all"'
    echo 'txt-record=example.test,"v=spf1 ip4:192.0.2.10 -all"'
    echo "txt-record=sel1._domainkey.example.test,\"v=DKIM1; k=rsa; p=$key\""
} > "$T/dnsmasq.conf"
"$DNSMASQ" --conf-file="$T/dnsmasq.conf" --pid-file="$T/dnsmasq.pid" \
    --log-facility="$T/dnsmasq.log" || tap_bail "dnsmasq did not start"
R="127.0.0.1@$port"

spf() { # EXPECTED IP HELO MAILFROM
    got=$("$driver" -r "$R" spf "$2" "$3" "$4")
    [ "$got" = "spf=$1" ]
    tap_ok $? "SPF $1: $2 for <$4> helo $3 ($got)"
}
spf pass 192.0.2.10 mx.pass.test user@pass.test
spf fail 192.0.2.10 mx.fail.test user@fail.test
spf softfail 192.0.2.10 x.test user@softfail.test
spf permerror 192.0.2.10 x.test user@permerror.test
spf none 192.0.2.10 x.test user@nothing.test
spf pass 192.0.2.20 x.test user@inc.test
spf pass 192.0.2.10 x.test user@inc.test
spf fail 192.0.2.99 x.test user@inc.test
spf pass 192.0.2.30 helo.test ""
spf fail 192.0.2.10 helo.test ""

printf 'From: Alice <alice@example.test>\nTo: bob@remote.test\nSubject: hello\nDate: Wed, 25 Nov 2026 22:00:00 +0000\nMessage-ID: <t1@example.test>\n\nHello Bob,\nthis is a test.\n' > "$T/plain.eml"
"$TESTMSG" -d example.test -k "$T/sel1.private" -s sel1 < "$T/plain.eml" > "$T/signed.eml"
tap_ok $? "opendkim-testmsg signed a message"
sed 's/this is a test/this is a forgery/' "$T/signed.eml" > "$T/tampered.eml"
sed 's/s=sel1/s=gone/' "$T/signed.eml" > "$T/nokey.eml"

dkim() { # EXPECTED FILE FROMDOMAIN
    got=$("$driver" -r "$R" dkim "$T/$2" "$3")
    [ "$got" = "$1" ]
    tap_ok $? "DKIM $2 from $3: $got"
    [ "$got" = "$1" ] || tap_diag "expected $1"
}
dkim "dkim=pass d=example.test s=sel1 aligned=1" signed.eml example.test
dkim "dkim=pass d=example.test s=sel1 aligned=1" signed.eml news.example.test
dkim "dkim=pass d=example.test s=sel1 aligned=0" signed.eml other.test
dkim "dkim=fail d=example.test s=sel1 aligned=0" tampered.eml example.test
dkim "dkim=permerror d=example.test s=gone aligned=0" nokey.eml example.test
dkim "dkim=none d= s= aligned=0" plain.eml example.test

# outbound: 1000 messages of one domain; the steady state costs no DNS
out=$("$driver" -r "$R" -e 192.0.2.10 -n 1000 sender alice@example.test \
    example.test "$T/signed.eml")
echo "$out" | head -1 | grep -q 'spf=pass .*dkim=pass aligned=1 broken=0'
tap_ok $? "outbound: SPF and aligned DKIM pass"
echo "$out" | sed -n 2p | grep -q 'cached=1/1'
tap_ok $? "outbound: later messages answered from the result cache"
echo "$out" | tail -1 | grep -q 'dns_sent=[1-4] .*spf_checks=1 dkim_checks=1'
tap_ok $? "outbound: 1000 messages, one SPF and one DKIM check ($(echo "$out" | tail -1))"
echo "$out" | head -1 | grep -q 'settled=0/1$' &&
    echo "$out" | sed -n 2p | grep -q 'settled=1/1$'
tap_ok $? "outbound: a healthy verdict settles the domain (the milter may accept at DATA)"
out=$("$driver" -r "$R" -e 192.0.2.10 -e 192.0.2.99 -n 2 sender \
    alice@example.test example.test "$T/tampered.eml" | head -2)
echo "$out" | head -1 | grep -q 'spf=fail ip=192.0.2.99 dkim=fail .*broken=1 reason=spf_fail'
tap_ok $? "outbound: an egress address SPF refuses is reported ($(echo "$out" | head -1))"
echo "$out" | tail -1 | grep -q 'broken=1 .*settled=0/0$'
tap_ok $? "outbound: a broken domain is never settled: every message is checked"
out=$("$driver" -r "$R" -e 192.0.2.10 sender alice@example.test \
    example.test "$T/tampered.eml" | head -1)
echo "$out" | grep -q 'broken=1 reason=dkim_fail'
tap_ok $? "outbound: a broken DKIM signature is reported ($out)"

# inbound bounce: Authentication-Results
out=$("$driver" -r "$R" bounce 192.0.2.30 helo.test "" "$T/signed.eml")
echo "$out" | grep -q '^Authentication-Results: mx.bounceguard.test; spf=pass smtp.helo=helo.test; dkim=pass header.d=example.test header.s=sel1$'
tap_ok $? "inbound: Authentication-Results for a null-sender bounce"

# the DNS cache: a missing domain is asked once (negative caching)
out=$("$driver" -r "$R" -n 20 spf 192.0.2.10 x.test user@nothing.test)
echo "$out" | tail -1 | grep -q 'dns_queries=[0-9]* dns_sent=[12] '
tap_ok $? "negative answers are cached: $(echo "$out" | tail -1)"

# the server goes away: temperror, never fail, and never cached
kill "$(cat "$T/dnsmasq.pid")"
sleep 0.3
spf temperror 192.0.2.10 x.test user@pass.test
out=$("$driver" -r "$R" -n 3 spf 192.0.2.10 x.test user@pass.test | tail -1)
echo "$out" | grep -q 'dns_sent=[3-9] '
tap_ok $? "temporary failures are not cached: $out"
dkim "dkim=temperror d=example.test s=sel1 aligned=0" signed.eml example.test
out=$("$driver" -r "$R" -e 192.0.2.10 sender alice@example.test \
    example.test "$T/signed.eml" | head -1)
echo "$out" | grep -q 'spf=temperror .*dkim=temperror .*broken=0 .*settled=0/0$'
tap_ok $? "outbound: DNS down is not reported as broken, nor settled ($out)"
tap_done

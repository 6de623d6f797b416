#!/bin/bash
# milter_auth.sh - SPF/DKIM in the daemon's mail flow, with real parts: a
# DNS server (dnsmasq on a loopback port, given as auth.resolver) serving
# the test zones, and the private Postfix pair (A = our MTA with
# bounceguard, B = remote; see milter_lib.sh).
#   (a) a forged DSN (a message we never sent, to an address that exists)
#       from a host whose HELO name's SPF fails for the client address is
#       checked (spf=fail logged), stored as not credible and suppresses
#       nobody; the same recipient's real bounce (A's own DSN) does.
#   (b) outbound mail of a sender domain whose SPF does not authorise the
#       configured egress address raises exactly one alert (command hook)
#       for three messages inside the window.
#   (c) with auth.add_auth_results the delivered bounce carries an
#       Authentication-Results header saying spf=fail for the HELO name.
#   (d) after a reload to auth.credibility "lenient", an uncorrelated DSN
#       whose HELO name's SPF passes is credible (spf-pass) and suppresses;
#       one whose SPF fails still is not (auth-unverified).
#   (e) RFC 8601 section 5, with each engine (event, then libmilter after a
#       restart): a bounce from outside carrying Authentication-Results
#       fields that claim our authserv-id (as we write it; in another case
#       after a comment, folded) and one of another authserv-id is
#       delivered without the first two, with the other, and with ours
#       once; each removal is logged with the queue id.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || tap_skip_all "dnsmasq not installed (apt-get install dnsmasq-base)"
mt_prologue
on_exit() {
    [ -s "$W/dns/dnsmasq.pid" ] && kill "$(cat "$W/dns/dnsmasq.pid")" 2>/dev/null
    mt_on_exit
}
trap on_exit EXIT

# the zones: a.test (our sender domain) authorises only 192.0.2.25, not
# our configured egress address 198.51.100.7; the forger's HELO name
# mx.forged.test authorises only 192.0.2.99 (the client is 192.0.2.66)
mkdir -p "$W/dns"
DPORT=$(pfh_free_port) || tap_skip_all "no free port"
printf '%s\n' "port=$DPORT" listen-address=127.0.0.1 bind-interfaces \
    no-resolv no-hosts local=/test/ \
    'txt-record=a.test,"v=spf1 ip4:192.0.2.25 -all"' \
    'txt-record=mx.forged.test,"v=spf1 ip4:192.0.2.99 -all"' \
    'txt-record=mx.good.test,"v=spf1 ip4:192.0.2.66 -all"' \
    'txt-record=esp.test,"v=spf1 ip4:198.51.100.7 -all"' \
    > "$W/dns/dnsmasq.conf"
"$DNSMASQ" --conf-file="$W/dns/dnsmasq.conf" --pid-file="$W/dns/dnsmasq.pid" \
    --log-facility="$W/dns/dnsmasq.log" || tap_bail "dnsmasq did not start"

CRED=strict
auth_conf() {
    MT_BG_TOP_EXTRA="auth = {
    credibility = \"$CRED\";
    resolver = \"127.0.0.1@$DPORT\";
    inbound_check = true;
    add_auth_results = true;
    authserv_id = \"bg.a.test\";
    outbound_check = true;
    egress_addresses = [\"198.51.100.7\"];
};"
}
auth_conf
# libspf2 passes every loopback client, so the forger's address comes
# through XCLIENT (A trusts it from the test's loopback connection)
mt_up "smtpd_authorized_xclient_hosts = 127.0.0.0/8"
tap_ok 0 "dnsmasq, A, B and bounceguard (inbound and outbound checks) are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }
BGOUT=$W/bounceguard.out
ALERTS=$W/bg/alerts.json

# (a) the forged DSN: never-sent Message-ID, to sender1@a.test (exists)
mt_write_remote_dsn "$W/forged.eml" "never-sent.1@a.test" dead42@remote.test
mt_send_xclient_dsn mx.forged.test "$W/forged.eml"
tap_ok $? "A accepted the forged DSN from outside (client 192.0.2.66, HELO mx.forged.test)"
pfh_wait_log "$BGOUT" "auth: bounce spf=fail \(helo mx.forged.test\)" 20 \
    >/dev/null
tap_ok $? "bounceguard checked SPF of the HELO identity: fail"
mt_wait_sql "select credible from events where address='dead42@remote.test'" 0 10
tap_ok $? "the forged DSN's event is stored, credible=no"
grep -q "bounce: rcpt=<dead42@remote.test>.*credible=no" "$BGOUT"
tap_ok $? "the log line says credible=no"
[ "$(row "select count(*) from suppressions where address='dead42@remote.test'")" = 0 ]
tap_ok $? "the forged DSN suppresses nobody"

# (c) the delivered forged DSN carries our Authentication-Results
MB=$(pfh_mailbox a)
f=$(pfh_wait_file "$MB/*" 20)
tap_ok $? "the DSN was delivered to sender1@a.test"
grep -l 'never-sent.1@a.test' "$MB"/* > "$W/delivered" 2>/dev/null
f=$(head -1 "$W/delivered")
[ -n "$f" ] && grep -Eq '^Authentication-Results: bg\.a\.test;.*spf=fail' "$f" &&
    grep -A2 '^Authentication-Results:' "$f" | grep -q 'smtp.helo=mx.forged.test'
tap_ok $? "it carries Authentication-Results: bg.a.test; spf=fail smtp.helo=mx.forged.test"
[ -n "$f" ] && grep '^Authentication-Results:' -A1 "$f" | sed 's/^/# /'

# the same recipient's real bounce: A's own DSN is credible and suppresses
pfh_send "$PSUB" sender1@a.test dead42@remote.test --subject real \
    >/dev/null 2>&1
mt_wait_sql "select count(*) from suppressions where address='dead42@remote.test'" 1 20
tap_ok $? "A's own DSN for dead42@ suppresses it"
grep -q "bounce: rcpt=<dead42@remote.test>.*credible=yes" "$BGOUT"
tap_ok $? "that bounce is logged credible=yes"

# (b) outbound SPF of a.test for egress 198.51.100.7: fail, one alert
for i in 1 2 3; do
    pfh_send "$PSUB" "app$i@a.test" ok@remote.test --subject "out $i" \
        >/dev/null 2>&1
done
pfh_wait_log "$BGOUT" "auth: outbound from=<app3@a.test>: spf_fail" 20 >/dev/null
tap_ok $? "outbound SPF of a.test fails for the egress address (logged)"
pfh_wait_log "$ALERTS" '"outbound-spf"' 20 >/dev/null
tap_ok $? "an outbound-spf alert reached the command hook"
sleep 3
N=$(grep -o '"outbound-spf"' "$ALERTS" 2>/dev/null | wc -l)
[ "$N" -eq 1 ]
tap_ok $? "exactly one outbound-spf alert for every message in the window (got $N)"
grep -q '"a.test"' "$ALERTS" && grep -q '198.51.100.7' "$ALERTS"
tap_ok $? "the alert names a.test and the egress address"
N=$(grep -c "auth: outbound from=<.*@a.test>: spf_fail" "$BGOUT")
[ "$N" -ge 3 ]
tap_ok $? "every outbound message was checked ($N log lines, from the cache)"

# (b2) DMARC alignment: esp.test's SPF authorises the egress address, but
# mail with envelope bounce@esp.test and From: news@brand.test, unsigned,
# is carried by neither an aligned SPF pass nor an aligned DKIM pass: one
# outbound-dmarc alert; the same sender with its own From is fine
unaligned_msg() { # unaligned_msg FILE FROM SUBJECT
    printf '%s\r\n' "From: <$2>" "To: <ok@remote.test>" "Subject: $3" \
        "Date: $(date -R)" "Message-ID: <$3.$$@esp.test>" "" "hello" > "$1"
}
for i in 1 2; do
    unaligned_msg "$W/esp$i.eml" news@brand.test "esp-unaligned-$i"
    pfh_send "$PSUB" bounce@esp.test ok@remote.test --body-file "$W/esp$i.eml" \
        >/dev/null 2>&1
done
unaligned_msg "$W/esp3.eml" bounce@esp.test esp-aligned
pfh_send "$PSUB" bounce@esp.test ok@remote.test --body-file "$W/esp3.eml" \
    >/dev/null 2>&1
pfh_wait_log "$ALERTS" '"outbound-dmarc"' 20 >/dev/null
tap_ok $? "envelope esp.test with From brand.test and no signature: an outbound-dmarc alert"
sleep 3
N=$(grep -o '"outbound-dmarc"' "$ALERTS" 2>/dev/null | wc -l)
[ "$N" -eq 1 ]
tap_ok $? "exactly one outbound-dmarc alert for both messages (got $N)"
grep '"outbound-dmarc"' "$ALERTS" | grep -q '"dmarc_unaligned"' &&
    grep '"outbound-dmarc"' "$ALERTS" | grep -q 'not aligned with From brand.test'
tap_ok $? "it says dmarc_unaligned: esp.test not aligned with From brand.test"
N=$(grep -c "auth: outbound from=<bounce@esp.test>: dmarc_unaligned" "$BGOUT")
[ "$N" -eq 2 ]
tap_ok $? "the two unaligned messages are logged, the aligned one is not (got $N)"

# (d) lenient: the SPF result itself decides an uncorrelated bounce
CRED=lenient
auth_conf
mt_bg_config
kill -HUP "$(cat "$W/bounceguard.pid")"
pfh_wait_log "$BGOUT" "configuration reloaded" 10 >/dev/null
tap_ok $? "reloaded with auth.credibility = lenient"
mt_write_remote_dsn "$W/good.eml" "never-sent.2@a.test" dead43@remote.test
mt_send_xclient_dsn mx.good.test "$W/good.eml"
mt_wait_sql "select count(*) from suppressions where address='dead43@remote.test'" 1 20
tap_ok $? "an uncorrelated DSN whose HELO passes SPF suppresses dead43@"
grep -q "bounce: rcpt=<dead43@remote.test>.*credible=yes (spf-pass)" "$BGOUT"
tap_ok $? "logged credible=yes (spf-pass)"
mt_write_remote_dsn "$W/forged2.eml" "never-sent.3@a.test" dead44@remote.test
mt_send_xclient_dsn mx.forged.test "$W/forged2.eml"
mt_wait_sql "select credible from events where address='dead44@remote.test'" 0 20
tap_ok $? "the same with SPF fail is stored not credible"
grep -q "bounce: rcpt=<dead44@remote.test>.*credible=no (auth-unverified)" "$BGOUT" &&
    [ "$(row "select count(*) from suppressions where address='dead44@remote.test'")" = 0 ]
tap_ok $? "and suppresses nobody (auth-unverified)"

# (e) forged Authentication-Results: ours at fields 1 and 3 of that name
# (the last is removed first, so that Postfix, which renumbers after a
# deletion, removes the right one), another authserv-id's at field 2
ar_fields() { # ar_fields FILE: the Authentication-Results values, unfolded
    "$PFH_PYTHON" - "$1" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for v in m.get_all("Authentication-Results") or []:
    print(" ".join(str(v).split()))
PY
}
forged_ar() { # forged_ar ENGINE RCPT
    local e=$1 f qid
    mt_write_remote_dsn "$W/ar-$e.dsn" "never-sent.ar-$e@a.test" "$2"
    {
        printf '%s\n' \
            "Authentication-Results: bg.a.test; spf=pass smtp.helo=forged-a.$e" \
            "Authentication-Results: mx.other.test; spf=pass smtp.helo=other-c.$e" \
            "Authentication-Results: (checked (twice) upstream)" \
            "	BG.A.Test; dkim=pass header.d=forged-b.$e"
        cat "$W/ar-$e.dsn"
    } > "$W/ar-$e.eml"
    mt_send_xclient_dsn mx.forged.test "$W/ar-$e.eml"
    tap_ok $? "$e: A accepted a DSN with two forged Authentication-Results and another's"
    f=$(mt_delivered "$MB" "never-sent.ar-$e@a.test")
    tap_ok $? "$e: it was delivered"
    ar_fields "$f" > "$W/ar-$e.fields" 2>&1
    sed 's/^/# /' "$W/ar-$e.fields"
    ! grep -q 'forged-a\.' "$W/ar-$e.fields"
    tap_ok $? "$e: the field with our authserv-id as we write it is gone"
    ! grep -q 'forged-b\.' "$W/ar-$e.fields"
    tap_ok $? "$e: the one with it in another case, after a comment, folded, is gone"
    grep -qx "mx.other.test; spf=pass smtp.helo=other-c.$e" "$W/ar-$e.fields"
    tap_ok $? "$e: another authserv-id's field is still there"
    [ "$(grep -ci '^bg\.a\.test;' "$W/ar-$e.fields")" = 1 ] &&
        grep -q '^bg\.a\.test; spf=fail smtp.helo=mx.forged.test' \
            "$W/ar-$e.fields" &&
        [ "$(wc -l < "$W/ar-$e.fields")" = 2 ]
    tap_ok $? "$e: ours is there exactly once (spf=fail), and nothing else"
    qid=$(pfh_wait_log "$BGOUT" '[0-9A-Za-z]+: auth: removed forged Authentication-Results \(authserv-id bg\.a\.test\), field 3$' 10 |
        grep -oE '[0-9A-Za-z]+: auth: removed' | cut -d: -f1)
    [ -n "$qid" ] && grep -Eq "id $qid( |;|$)" "$f" &&
        grep -q "$qid: auth: removed forged Authentication-Results (authserv-id bg.a.test), field 1$" "$BGOUT"
    tap_ok $? "$e: the removals of fields 3 and 1 are logged with the queue id (${qid:-none})"
}
forged_ar event dead45@remote.test
MT_BG_CONF_EXTRA='engine = "libmilter";'
mt_bg_config
mt_bg_restart
tap_ok $? "bounceguard restarted with milter.engine = libmilter"
forged_ar libmilter dead46@remote.test
tap_done

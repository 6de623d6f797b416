#!/bin/bash
# milter_dkim.sh - DKIM through the daemon, end to end: Debian's opendkim
# signing milter first and bounceguard second on A's smtpd_milters (the
# private Postfix pair of milter_lib.sh), the public keys served as TXT
# records by a real DNS server (dnsmasq on a loopback port, given as
# auth.resolver).  opendkim signs with one key pair (ka) under every
# selector, with "simple" canonicalization (its default: header fields
# are hashed as written); DNS publishes ka's public key, except for
# selectors whose record is the other pair's (kb), where the signature
# cannot verify.
#   (a) outbound mail of d1.test signed d=d1.test (key published): the
#       daemon verifies dkim=pass, aligned; no alert.  The same for d4.test
#       whose fields are written "Subject:<TAB>..." and "To:<CRLF><TAB>..."
#       (the MTA passes values one leading SP shorter, if any).  And
#       d5.test's "From:<...>" (no SP), with the milter negotiating
#       SMFIP_HDR_LEADSPC (values as written).
#   (b) outbound mail of d2.test signed d=d2.test whose DNS key is kb:
#       dkim_fail logged for every message, exactly one outbound-dkim
#       alert (command hook) for the three messages inside the window.
#       d6.test's selector has no key record: dkim_permerror, one alert.
#   (c) outbound mail of d3.test signed d=other.test (valid signature,
#       another domain): exactly one outbound-dkim alert, dkim_unaligned.
#   (d) a DSN from outside (client 192.0.2.66 through XCLIENT, which
#       opendkim treats as internal, so it signs it on the way in) of
#       mx.remote.test signed d=remote.test: the delivered bounce carries
#       Authentication-Results ... dkim=pass header.d=remote.test, and with
#       credibility "lenient" and no correlation it is credible (dkim-pass)
#       and suppresses.
#   (e) the same of mx.broken.test, d=broken.test with the kb record:
#       dkim=fail in Authentication-Results, not credible (auth-unverified),
#       suppresses nobody.
#   (f) with milter.message_ids = "logfeed": d1.test's second message is
#       accepted at DATA once its first settled the domain; d2.test's
#       (broken) are each checked.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

OPENDKIM=$(command -v opendkim || echo /usr/sbin/opendkim)
GENKEY=$(command -v opendkim-genkey || echo /usr/sbin/opendkim-genkey)
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$OPENDKIM" ] || tap_skip_all "opendkim not installed (apt-get install opendkim)"
[ -x "$GENKEY" ] || tap_skip_all "opendkim-genkey not installed (apt-get install opendkim-tools)"
[ -x "$DNSMASQ" ] || tap_skip_all "dnsmasq not installed (apt-get install dnsmasq-base)"
mt_prologue
on_exit() {
    [ -s "$W/dns/dnsmasq.pid" ] && kill "$(cat "$W/dns/dnsmasq.pid")" 2>/dev/null
    mt_on_exit
}
trap on_exit EXIT

# ---------------------------------------------------------------- keys
K=$W/dkim
mkdir -p "$K" "$W/dns"
for k in ka kb; do
    "$GENKEY" -b 1024 -D "$K" -d d1.test -s "$k" ||
        tap_bail "opendkim-genkey failed"
done
# pubkey NAME: the p= value of NAME.txt (its strings joined)
pubkey() {
    tr -d '\n' < "$K/$1.txt" | sed 's/.*(\(.*\)).*/\1/' | tr -d '" \t' |
        sed 's/.*p=//'
}
KA=$(pubkey ka) && KB=$(pubkey kb) && [ -n "$KA" ] && [ -n "$KB" ] ||
    tap_bail "cannot read the public keys"

# opendkim: sign everything from its internal hosts by the From domain
cat > "$K/keys" <<EOF
k1 d1.test:s1:$K/ka.private
k2 d2.test:s2:$K/ka.private
k3 other.test:s3:$K/ka.private
k4 remote.test:r1:$K/ka.private
k5 broken.test:r2:$K/ka.private
k6 d4.test:s4:$K/ka.private
k7 d5.test:s5:$K/ka.private
k8 d6.test:s6:$K/ka.private
EOF
cat > "$K/signing" <<'EOF'
*@d1.test k1
*@d2.test k2
*@d3.test k3
*@mx.remote.test k4
*@mx.broken.test k5
*@d4.test k6
*@d5.test k7
*@d6.test k8
EOF
printf '127.0.0.1\n192.0.2.66\n' > "$K/internal"
cat > "$K/opendkim.conf" <<EOF
Mode s
KeyTable file:$K/keys
SigningTable refile:$K/signing
InternalHosts file:$K/internal
Socket local:$K/dkim.sock
UMask 000
Canonicalization simple/simple
SignatureAlgorithm rsa-sha256
RequireSafeKeys no
Syslog no
PidFile $K/opendkim.pid
EOF
pfh_spawn opendkim "$OPENDKIM" -f -x "$K/opendkim.conf"
pfh_wait_file "$K/dkim.sock" 20 >/dev/null || {
    sed 's/^/# /' "$W/opendkim.out"
    tap_bail "opendkim did not start"
}

# ----------------------------------------------------------------- DNS
DPORT=$(pfh_free_port) || tap_bail "no free port"
{
    printf '%s\n' "port=$DPORT" listen-address=127.0.0.1 bind-interfaces \
        no-resolv no-hosts local=/test/
    for r in s1._domainkey.d1.test:$KA s2._domainkey.d2.test:$KB \
        s3._domainkey.other.test:$KA r1._domainkey.remote.test:$KA \
        r2._domainkey.broken.test:$KB s4._domainkey.d4.test:$KA \
        s5._domainkey.d5.test:$KA; do
        echo "txt-record=${r%%:*},\"v=DKIM1; k=rsa; p=${r#*:}\""
    done
} > "$W/dns/dnsmasq.conf"
"$DNSMASQ" --conf-file="$W/dns/dnsmasq.conf" --pid-file="$W/dns/dnsmasq.pid" \
    --log-facility="$W/dns/dnsmasq.log" || tap_bail "dnsmasq did not start"

# ----------------------------------------------- A, B and bounceguard
MT_BG_TOP_EXTRA="auth = {
    credibility = \"lenient\";
    resolver = \"127.0.0.1@$DPORT\";
    inbound_check = true;
    add_auth_results = true;
    authserv_id = \"bg.a.test\";
    outbound_check = true;
};"
# opendkim first, bounceguard second: bounceguard sees the signature;
# XCLIENT gives the DSNs their outside client address
mt_up "smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = unix:$K/dkim.sock, unix:$W/bg/bg.sock"
tap_ok 0 "dnsmasq, opendkim (signing), A, B and bounceguard are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }
BGOUT=$W/bounceguard.out
ALERTS=$W/bg/alerts.json
MB=$(pfh_mailbox a)

# alerts KIND REASON SENDER: how many alerts in $ALERTS match
alerts() {
    "$PFH_PYTHON" - "$ALERTS" "$@" <<'PY'
import json, sys
path, kind, reason, sender = sys.argv[1:5]
n = 0
try:
    text = open(path).read()
except OSError:
    text = ""
dec = json.JSONDecoder()
i = 0
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    a, i = dec.raw_decode(text, i)
    if (a.get("kind"), a.get("reason"), a.get("sender_domain")) == \
            (kind, reason, sender):
        n += 1
print(n)
PY
}
# field FILE NAME: header field NAME of FILE, unfolded onto one line
field() {
    awk -v n="$2" 'BEGIN { n = tolower(n) ":" }
        /^$/ { exit }
        /^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); v = v $0 }; next }
        { if (on) exit; on = (tolower(substr($0, 1, length(n))) == n);
          if (on) v = $0 }
        END { print v }' "$1"
}

# (a) d1.test signed and published: pass, aligned, no alert
pfh_send "$PSUB" app1@d1.test sender1@a.test --subject "out d1 local" \
    >/dev/null 2>&1
f=$(mt_delivered "$MB" "out d1 local")
tap_ok $? "outbound mail of d1.test was delivered (to a.test)"
field "${f:-/dev/null}" DKIM-Signature | grep -q 'd=d1\.test;.*s=s1;'
tap_ok $? "opendkim signed it d=d1.test s=s1"
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d1.test>: dkim=pass \(d=d1.test s=s1, aligned\)" \
    20 >/dev/null
tap_ok $? "bounceguard, after opendkim, verified it: dkim=pass d=d1.test aligned"
pfh_send "$PSUB" app2@d1.test ok@remote.test --subject "out d1" \
    >/dev/null 2>&1
T=$(printf '\t')
printf '%s\r\n' "From: <app1@d4.test>" "To:" "$T<ok@remote.test>" \
    "Subject:${T}out d4 tab" "Message-ID: <tab.1@d4.test>" \
    "Date: $(date -R)" "" "body" > "$W/tab.eml"
pfh_send "$PSUB" app1@d4.test ok@remote.test --body-file "$W/tab.eml" \
    >/dev/null 2>&1
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d4.test>: dkim=pass \(d=d4.test s=s4, aligned\)" \
    20 >/dev/null
tap_ok $? "the same for d4.test's fields with a TAB or a line break after the colon"
printf '%s\r\n' "From:<app1@d5.test>" "To: <ok@remote.test>" \
    "Subject:out d5 no space" "Message-ID: <nosp.1@d5.test>" \
    "Date: $(date -R)" "" "body" > "$W/nosp.eml"
pfh_send "$PSUB" app1@d5.test ok@remote.test --body-file "$W/nosp.eml" \
    >/dev/null 2>&1
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d5.test>: dkim=" 20 >/dev/null
grep -q "auth: outbound from=<app1@d5.test>: dkim=pass (d=d5.test s=s5, aligned)" \
    "$BGOUT"
tap_ok $? "the same for d5.test's fields with no SP after the colon"

# (b) d2.test: the DNS record is another key: fail, one alert
for i in 1 2 3; do
    pfh_send "$PSUB" "app$i@d2.test" ok@remote.test --subject "out d2 $i" \
        >/dev/null 2>&1
done
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d2.test>: dkim=fail \(d=d2.test s=s2" \
    20 >/dev/null
tap_ok $? "bounceguard verified d2.test's signature: dkim=fail"
pfh_wait_log "$BGOUT" "auth: outbound from=<app3@d2.test>: dkim_fail" 20 >/dev/null
N=$(grep -c "auth: outbound from=<app[123]@d2.test>: dkim_fail, spf=none, dkim=fail$" "$BGOUT")
[ "$N" -eq 3 ]
tap_ok $? "dkim_fail logged for each of the 3 messages (got $N)"

# (b) d6.test: no key published for its selector: permerror, one alert
pfh_send "$PSUB" app1@d6.test ok@remote.test --subject "out d6" \
    >/dev/null 2>&1
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d6.test>: dkim_permerror, spf=none, dkim=permerror$" \
    20 >/dev/null
tap_ok $? "a signature whose key is not in DNS: dkim_permerror logged"

# (c) d3.test signed d=other.test: valid but not aligned
for i in 1 2; do
    pfh_send "$PSUB" "app$i@d3.test" ok@remote.test --subject "out d3 $i" \
        >/dev/null 2>&1
done
pfh_wait_log "$BGOUT" "auth: outbound from=<app1@d3.test>: dkim=pass \(d=other.test s=s3, not aligned\)" \
    20 >/dev/null
tap_ok $? "d3.test's signature d=other.test verifies, not aligned with d3.test"
pfh_wait_log "$BGOUT" "auth: outbound from=<app2@d3.test>: dkim_unaligned, spf=none, dkim=pass unaligned$" \
    20 >/dev/null
tap_ok $? "dkim_unaligned logged"

pfh_wait_log "$ALERTS" '"dkim_unaligned"' 20 >/dev/null
sleep 3 # anything more would be a second alert
N=$(alerts outbound-dkim dkim_fail d2.test)
[ "$N" = 1 ]
tap_ok $? "exactly one outbound-dkim alert, reason dkim_fail, for d2.test (got $N)"
N=$(alerts outbound-dkim dkim_permerror d6.test)
[ "$N" = 1 ]
tap_ok $? "exactly one outbound-dkim alert, reason dkim_permerror, for d6.test (got $N)"
N=$(alerts outbound-dkim dkim_unaligned d3.test)
[ "$N" = 1 ]
tap_ok $? "exactly one outbound-dkim alert, reason dkim_unaligned, for d3.test (got $N)"
grep -q 'other\.test' "$ALERTS"
tap_ok $? "the unaligned alert names the signing domain other.test"
! grep -Eq 'd[14]\.test' "$ALERTS" &&
    ! grep -Eq "auth: outbound from=<app[12]@d[14]\.test>: (dkim|spf)_" "$BGOUT"
tap_ok $? "no alert and no broken line for d1.test and d4.test"

# (c2) one envelope domain carrying two From domains (an ESP's stream):
# the result of d1.test's mail (pass, aligned) says nothing of d3.test's,
# which is verified on its own and alerts
stream_msg() { # stream_msg FILE FROM SUBJECT
    printf '%s\r\n' "From: <$2>" "To: <ok@remote.test>" "Subject: $3" \
        "Date: $(date -R)" "Message-ID: <$3.$$@stream.test>" "" "hello" > "$1"
}
stream_msg "$W/stream1.eml" news@d1.test stream-d1
pfh_send "$PSUB" bulk@stream.test ok@remote.test --body-file "$W/stream1.eml" \
    >/dev/null 2>&1
pfh_wait_log "$BGOUT" "auth: outbound from=<bulk@stream.test>: dkim=pass \(d=d1.test s=s1, aligned\)" \
    20 >/dev/null
tap_ok $? "bulk@stream.test with From d1.test: dkim=pass, aligned"
stream_msg "$W/stream2.eml" news@d3.test stream-d3
pfh_send "$PSUB" bulk@stream.test ok@remote.test --body-file "$W/stream2.eml" \
    >/dev/null 2>&1
pfh_wait_log "$BGOUT" "auth: outbound from=<bulk@stream.test>: dkim=pass \(d=other.test s=s3, not aligned\)" \
    20 >/dev/null
tap_ok $? "the same stream with From d3.test is verified on its own: d=other.test, not aligned"
pfh_wait_log "$ALERTS" '"stream.test"' 20 >/dev/null
N=$(alerts outbound-dkim dkim_unaligned stream.test)
[ "$N" = 1 ]
tap_ok $? "one outbound-dkim alert, dkim_unaligned, for the stream.test stream (got $N)"
[ -s "$ALERTS" ] && sed 's/^/# /' "$ALERTS"


# (d) a DSN of mx.remote.test signed d=remote.test on its way in
mt_write_remote_dsn "$W/good.eml" "never-sent.1@a.test" dead51@remote.test
mt_send_xclient_dsn mx.remote.test "$W/good.eml"
tap_ok $? "A accepted a DSN of mx.remote.test from outside (192.0.2.66)"
pfh_wait_log "$BGOUT" "auth: bounce spf=none \(helo mx.remote.test\), dkim=pass" \
    20 >/dev/null
tap_ok $? "bounceguard checked it: spf=none (helo), dkim=pass"
f=$(mt_delivered "$MB" "never-sent.1@a.test")
tap_ok $? "the DSN was delivered to sender1@a.test"
field "${f:-/dev/null}" DKIM-Signature | grep -q 'd=remote\.test;.*s=r1;'
tap_ok $? "it carries opendkim's signature d=remote.test s=r1"
AR=$(field "${f:-/dev/null}" Authentication-Results)
tap_diag "$AR"
echo "$AR" | grep -Eq '^Authentication-Results: bg\.a\.test;.* dkim=pass header\.d=remote\.test header\.s=r1'
tap_ok $? "Authentication-Results: bg.a.test; ... dkim=pass header.d=remote.test header.s=r1"
mt_wait_sql "select count(*) from suppressions where address='dead51@remote.test'" 1 20
tap_ok $? "lenient, uncorrelated, DKIM pass: the DSN suppresses dead51@"
grep -q "bounce: rcpt=<dead51@remote.test>.*credible=yes (dkim-pass)" "$BGOUT"
tap_ok $? "logged credible=yes (dkim-pass)"

# (e) a DSN of mx.broken.test whose signature does not verify
mt_write_remote_dsn "$W/bad.eml" "never-sent.2@a.test" dead52@remote.test
sed -i 's/mx\.remote\.test/mx.broken.test/g' "$W/bad.eml"
mt_send_xclient_dsn mx.broken.test "$W/bad.eml"
tap_ok $? "A accepted a DSN of mx.broken.test from outside"
pfh_wait_log "$BGOUT" "auth: bounce spf=none \(helo mx.broken.test\), dkim=fail" \
    20 >/dev/null
tap_ok $? "bounceguard checked it: dkim=fail"
f=$(mt_delivered "$MB" "never-sent.2@a.test")
AR=$(field "${f:-/dev/null}" Authentication-Results)
tap_diag "$AR"
echo "$AR" | grep -Eq '^Authentication-Results: bg\.a\.test;.* dkim=fail header\.d=broken\.test header\.s=r2'
tap_ok $? "Authentication-Results: ... dkim=fail header.d=broken.test header.s=r2"
mt_wait_sql "select credible from events where address='dead52@remote.test'" 0 20
tap_ok $? "its event is stored, credible=no"
grep -q "bounce: rcpt=<dead52@remote.test>.*credible=no (auth-unverified)" "$BGOUT" &&
    [ "$(row "select count(*) from suppressions where address='dead52@remote.test'")" = 0 ]
tap_ok $? "not credible (auth-unverified): it suppresses nobody"

# (f) milter.message_ids = "logfeed": once d1.test's verdict is settled
# (healthy and fresh) its next message is accepted at DATA; d2.test's
# (broken) mail is checked message by message
MT_BG_TOP_EXTRA="$MT_BG_TOP_EXTRA
logfeed = { path = \"$(pfh_log a)\"; start_at_end = true;
    state_file = \"$W/bg/logfeed.pos\"; };"
MT_BG_CONF_EXTRA='message_ids = "logfeed";'
PFH_BG_LOG_LEVEL=debug
mt_bg_config && mt_bg_restart
tap_ok $? "bounceguard restarted with milter.message_ids = \"logfeed\""
qids=
for d in d1 d1 d2 d2; do
    qids="$qids $(pfh_send "$PSUB" "app1@$d.test" ok@remote.test \
        --subject "log $d" 2>/dev/null)"
done
set -- $qids
pfh_wait_log "$BGOUT" "$4: auth: outbound from=<app1@d2.test>: dkim_fail" 20 >/dev/null
at_data() { grep -c "$1: data: outbound, accepted before the headers" "$BGOUT"; }
grep -q "$1: auth: outbound from=<app1@d1.test>: dkim=pass" "$BGOUT" &&
    [ "$(at_data "$1")" = 0 ] && [ "$(at_data "$2")" = 1 ]
tap_ok $? "d1.test: the first message verified (dkim=pass), the second accepted at DATA ($qids)"
[ "$(at_data "$3")" = 0 ] && [ "$(at_data "$4")" = 0 ] &&
    grep -q "$3: auth: outbound from=<app1@d2.test>: dkim_fail" "$BGOUT"
tap_ok $? "d2.test (broken): both messages checked, dkim_fail each, none accepted at DATA"
tap_done

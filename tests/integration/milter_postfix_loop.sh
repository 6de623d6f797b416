#!/bin/bash
# milter_postfix_loop.sh - bounceguard in a real Postfix mail flow.
#
# A (our MTA, bounceguard on smtpd_milters and non_smtpd_milters with
# internal_mail_filter_classes = bounce) relays to B, which refuses
# unknown@ (550 5.1.1), full@ (552 5.2.2), dmarc@ (550 5.7.26) and delays
# later@ (450 4.2.1) at remote.test.  Checks, with the store itself:
#   - A's own DSN reaches bounceguard, which records every recipient:
#     unknown@ suppressed (hard) within 2 s of B's rejection (latency
#     measured and printed), full@ counted soft, dmarc@ recorded as a
#     sender/auth failure, not suppressed, alerting the admin (an exec
#     sink), later@ recorded as delayed
#     once the delay warning (10 s) comes, then as a soft failure when the
#     message expires (60 s);
#   - a second message to all four: unknown@ refused at RCPT with 550
#     5.1.1, the others accepted, and the refusal is logged;
#   - A's own RCPT rejection (SMFIP_RCPT_REJ) is an smtp_reply event that
#     suppresses nobody;
#   - a DSN injected over SMTP from outside for a message A really sent is
#     recorded and joined to it (credible by correlation);
#   - bounceguard never made Postfix warn about the milter.
# A second part, milter_postfix_modes.sh, covers dry-run, remove and the
# kill/restart case.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue

mt_up "smtpd_recipient_restrictions =
    check_recipient_access inline:{ {blocked@remote.test=550 5.7.1 blocked here} },
    permit_mynetworks, reject_unauth_destination"
tap_ok 0 "A (127.0.0.1:$PA), B (127.0.0.1:$PB) and bounceguard are up"

# --- 1. the first message: B refuses three recipients, delays one
mt_latency_watch unknown@remote.test > "$W/latency.out" &
watch=$!
sleep 0.2
QID=$(pfh_send "$PSUB" sender1@a.test \
      ok@remote.test,gone@remote.test,unknown@remote.test,full@remote.test,dmarc@remote.test,later@remote.test \
      --subject "loop 1" 2>"$W/send1.err")
[ -n "$QID" ]
tap_ok $? "A queued the first message (${QID:-none})"
wait "$watch"
lat=$(cat "$W/latency.out")
tap_diag "DSN-to-decision latency (B's 5.1.1 log line to the committed suppression row): ${lat:-none} ms"
[ -n "$lat" ] && [ "${lat%.*}" -lt 2000 ]
tap_ok $? "unknown@remote.test suppressed within 2 s of B's rejection (${lat:-none} ms)"

row() { sqlite3 "$DB" "$1" 2>/dev/null; }
mt_wait_sql "select count(*) from events where address='full@remote.test'" 1 10
tap_ok $? "full@remote.test recorded"
[ "$(row "select bucket||','||source||','||credible from events where address='full@remote.test' limit 1")" = "soft,postfix_dsn,1" ]
tap_ok $? "full@remote.test is soft, from Postfix's own DSN, credible"
[ "$(row "select count(*) from suppressions where address='full@remote.test'")" = 0 ]
tap_ok $? "full@remote.test counted, not suppressed (one soft failure)"
mt_wait_sql "select count(*) from events where address='dmarc@remote.test'" 1 10
[ "$(row "select bucket||','||auth from events where address='dmarc@remote.test' limit 1")" = "sender,1" ]
tap_ok $? "dmarc@remote.test (5.7.26) flagged sender/auth"
[ "$(row "select count(*) from suppressions where address='dmarc@remote.test'")" = 0 ]
tap_ok $? "dmarc@remote.test not suppressed"
for i in $(seq 100); do
    grep -q "dmarc@remote.test" "$W/bg/alerts.json" 2>/dev/null && break
    sleep 0.1
done
grep -q "dmarc@remote.test" "$W/bg/alerts.json" 2>/dev/null
tap_ok $? "the 5.7.26 failure alerted the admin (exec sink)"
[ "$(row "select bucket||','||status from suppressions where address='unknown@remote.test'")" = "hard,5.1.1" ]
tap_ok $? "unknown@remote.test suppressed as hard 5.1.1"
grep -q "bounce: rcpt=<unknown@remote.test>, reason=[a-z_]*, bucket=hard, rule=[^,]*, status=5.1.1.*source=postfix_dsn, credible=yes (local-mta), orig_queue_id=$QID, joined=yes" "$W/bounceguard.out"
tap_ok $? "the decision line names queue id, recipient, reason, bucket, rule, source, and the DSN joined the tracked message"

# --- 2. the second message to all four
QID2=$(pfh_send "$PSUB" sender1@a.test \
       unknown@remote.test,full@remote.test,dmarc@remote.test,later@remote.test \
       --subject "loop 2" 2>"$W/send2.err")
grep -q "RCPT unknown@remote.test refused: 550 5.1.1 <unknown@remote.test>: recipient suppressed (user_unknown since" "$W/send2.err"
tap_ok $? "unknown@remote.test refused at RCPT: $(head -c 160 "$W/send2.err")"
[ -n "$QID2" ] && ! grep -Eq "RCPT (full|dmarc|later)@" "$W/send2.err"
tap_ok $? "full@, dmarc@ and later@ accepted (${QID2:-none})"
grep -q "suppress: rcpt=<unknown@remote.test>, from=<sender1@a.test>, reason=user_unknown, bucket=hard, .*action=reject" "$W/bounceguard.out"
tap_ok $? "the refusal is logged with reason, bucket, rule and action"

# --- 3. A refuses a recipient itself: an smtp_reply event, no suppression
pfh_send "$PSUB" sender1@a.test blocked@remote.test,ok@remote.test \
    --subject "loop 3" >/dev/null 2>&1
mt_wait_sql "select count(*) from events where address='blocked@remote.test' and source='smtp_reply'" 1 10
tap_ok $? "A's own RCPT rejection recorded as an smtp_reply event"
[ "$(row "select status||','||credible from events where address='blocked@remote.test'")" = "5.7.1,0" ] &&
    [ "$(row "select count(*) from suppressions where address='blocked@remote.test'")" = 0 ]
tap_ok $? "it carries the enhanced status and suppresses nobody"

# --- 4. a DSN from outside, over SMTP, for a message A really sent (B
# took gone@ first, its mailbox went away later)
MID=$(row "select message_id from outbound where queue_id='$QID'")
[ -n "$MID" ]
tap_ok $? "the first message was tracked (Message-ID ${MID:-none})"
mt_write_remote_dsn "$W/outside.eml" "$MID" gone@remote.test
pfh_send "$PA" "" sender1@a.test --body-file "$W/outside.eml" \
    >/dev/null 2>"$W/send4.err"
mt_wait_sql "select count(*) from events where address='gone@remote.test'" 1 10
tap_ok $? "the outside DSN's recipient was recorded"
[ "$(row "select source||','||credible||','||queue_id from events where address='gone@remote.test'")" = "dsn,1,$QID" ]
tap_ok $? "it is joined to A's message $QID and credible"
grep -q "bounce: rcpt=<gone@remote.test>.*credible=yes (correlated), orig_queue_id=$QID, joined=yes" "$W/bounceguard.out"
tap_ok $? "the log line says correlated"

# --- 5. the delay warning for later@ (delay_warning_time = 10s)
mt_wait_sql "select count(*) > 0 from events where address='later@remote.test' and action='delayed'" 1 40
tap_ok $? "later@remote.test (450 4.2.1) recorded as delayed"
[ "$(row "select count(*) from suppressions where address='later@remote.test'")" = 0 ]
tap_ok $? "later@remote.test not suppressed by a delay"

# --- 6. the expiry DSN for later@ (maximal_queue_lifetime = 60s): a
# "failed" action with B's 4.2.1, a soft failure
mt_wait_sql "select count(*) > 0 from events where address='later@remote.test' and action='failed' and status='4.2.1' and bucket='soft'" 1 150
tap_ok $? "later@remote.test's expiry DSN (failed, 4.2.1) recorded as soft"

# --- 7. DSN-to-decision latency over 20 bounces, one at a time
mt_latency_series 20 > "$W/series.out"
read -r p50 p99 nok <<EOF2
$(sort -n "$W/series.out" | awk '/^[0-9]/ { v[n++] = $1 } END {
    if (n == 0) { print "none none 0"; exit }
    p99 = int(n * 0.99 + 0.999) - 1
    print v[int((n - 1) / 2)], v[p99], n }')
EOF2
tap_diag "DSN-to-decision latency over $nok bounces: p50 ${p50} ms, p99 ${p99} ms (max of 20)"
[ "$nok" = 20 ] && [ "${p99%.*}" -lt 2000 ]
tap_ok $? "20 of 20 bounces decided, p99 under 2 s (p50 $p50 ms, p99 $p99 ms)"

! grep -Eq "warning: .*milter|milter-(reject|tempfail|discard).*from=<>" \
    "$(pfh_log a)"
tap_ok $? "A never warned about the milter nor refused a DSN"
tap_done

#!/bin/bash
# milter_message_ids.sh - milter.message_ids = "logfeed" in a real Postfix
# mail flow (A = our MTA with bounceguard, B = remote; see milter_lib.sh),
# with the log feed following A's maillog_file and the default strict
# credibility:
#   - an outbound submission is accepted at DATA (the filter sees no
#     header) and tracked; its Message-ID comes from cleanup's log line;
#   - a DSN from outside returning that Message-ID is joined to it,
#     credible, and suppresses its recipient; the same DSN with a
#     Message-ID we never sent suppresses nobody;
#   - a submission without a Message-ID is tracked with the one cleanup
#     adds;
#   - the suppressed recipient is refused at RCPT as before;
#   - a message to a recipient marked for removal (enforce = "remove")
#     still goes through the header phase and loses that recipient;
#   - with engine = "libmilter" a submission is accepted at DATA too;
#   - with a log feed that cannot start (its log cannot be opened), mail
#     goes through the header phase and keeps its Message-ID;
#   - with a feed on a log without cleanup's lines, 1,000 messages
#     accepted at DATA bring one warning; a Message-ID read later, a note.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue
LOGA=$(pfh_log a)
PFH_BG_LOG_LEVEL=debug
MT_BG_CONF_EXTRA='message_ids = "logfeed";'
MT_BG_TOP_EXTRA="logfeed = { path = \"$LOGA\"; start_at_end = false;
    state_file = \"$PFH_W/bg/logfeed.pos\"; save_interval = \"1s\"; };"
mt_up
tap_ok 0 "A (127.0.0.1:$PA), B (127.0.0.1:$PB) and bounceguard are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }
# logged_mid QID: the Message-ID A's cleanup logged for QID, without <>
logged_mid() {
    pfh_wait_log "$LOGA" "cleanup\[[0-9]+\]: $1: message-id=" 10 |
        sed -e 's/.*message-id=<\{0,1\}//' -e 's/>$//'
}

# --- 1. accepted at DATA, the Message-ID learned from the log
Q1=$(pfh_send "$PSUB" sender1@a.test ok1@remote.test,ok2@remote.test \
     --subject "ids 1" 2>"$W/send1.err")
[ -n "$Q1" ]
tap_ok $? "A queued a submission (${Q1:-none})"
pfh_wait_log "$W/bounceguard.out" "$Q1: data: outbound, accepted before the headers" 10 >/dev/null
tap_ok $? "bounceguard accepted it at DATA, before its headers"
MID1=$(logged_mid "$Q1")
[ -n "$MID1" ] && mt_wait_sql "select message_id from outbound where queue_id='$Q1'" "$MID1" 10
tap_ok $? "tracked with the Message-ID cleanup logged (${MID1:-none})"

# --- 2. DSNs from outside: the real one joins by that Message-ID
dsn() { mt_send_remote_dsn "$@"; }
ev() { mt_event "$1"; }
sup() { mt_suppressed "$1"; }
dsn real "$MID1" ok1@remote.test
mt_wait_sql "select count(*) from events where address='ok1@remote.test'" 1 10
[ "$(ev ok1@remote.test)" = "dsn,1,$Q1" ] && [ "$(sup ok1@remote.test)" = 1 ]
tap_ok $? "a DSN returning $MID1 is joined to $Q1, credible, and suppresses ($(ev ok1@remote.test))"
grep -q "bounce: rcpt=<ok1@remote.test>.*credible=yes (correlated), orig_queue_id=$Q1, joined=yes (message-id)" \
    "$W/bounceguard.out"
tap_ok $? "the log line says joined=yes (message-id)"
dsn forged "forged.$$@harness.test" ok2@remote.test
mt_wait_sql "select count(*) from events where address='ok2@remote.test'" 1 10
[ "$(ev ok2@remote.test)" = "dsn,0," ] && [ "$(sup ok2@remote.test)" = 0 ]
tap_ok $? "the same DSN with a Message-ID never sent suppresses nobody ($(ev ok2@remote.test))"

# --- 3. no Message-ID: cleanup adds one, and the row gets it
printf 'From: <sender1@a.test>\r\nTo: <ok3@remote.test>\r\nSubject: no id\r\n\r\nbody\r\n' \
    > "$W/noid.eml"
Q3=$(pfh_send "$PSUB" sender1@a.test ok3@remote.test --body-file "$W/noid.eml" \
     2>"$W/send3.err")
MID3=$(logged_mid "$Q3")
[ -n "$Q3" ] && [ -n "$MID3" ] &&
    mt_wait_sql "select message_id from outbound where queue_id='$Q3'" "$MID3" 10
tap_ok $? "a submission without Message-ID is tracked with the one cleanup added (${MID3:-none})"

# --- 4. enforcement at RCPT is unchanged
pfh_send "$PSUB" sender1@a.test ok1@remote.test --subject "again" \
    >/dev/null 2>"$W/send4.err"
grep -q "RCPT ok1@remote.test refused: 550" "$W/send4.err"
tap_ok $? "the suppressed recipient is refused at RCPT ($(head -c 120 "$W/send4.err"))"

# --- 5. a recipient to remove: the header phase and EOM as before
MT_BG_CONF_EXTRA='message_ids = "logfeed"; enforce = "remove";'
mt_bg_config && mt_bg_restart
tap_ok $? "bounceguard restarted with enforce = \"remove\""
Q5=$(pfh_send "$PSUB" sender1@a.test ok1@remote.test,ok5@remote.test \
     --subject "remove one" 2>"$W/send5.err")
mt_wait_sql "select recipients from outbound where queue_id='$Q5'" "ok5@remote.test" 10
tap_ok $? "a message with a suppressed recipient went through EOM: it was removed (${Q5:-none})"
[ -n "$(row "select message_id from outbound where queue_id='$Q5'")" ]
tap_ok $? "and its Message-ID came from its header ($(row "select message_id from outbound where queue_id='$Q5'"))"
! grep -q "$Q5: data: outbound, accepted before the headers" "$W/bounceguard.out"
tap_ok $? "it was not accepted at DATA"

# --- 6. the same with libmilter speaking the protocol
MT_BG_CONF_EXTRA='message_ids = "logfeed"; engine = "libmilter";'
mt_bg_config && mt_bg_restart
Q6=$(pfh_send "$PSUB" sender1@a.test ok6@remote.test --subject "libmilter" \
     2>"$W/send6.err")
MID6=$(logged_mid "$Q6")
pfh_wait_log "$W/bounceguard.out" "$Q6: data: outbound, accepted before the headers" 10 >/dev/null &&
    [ -n "$MID6" ] &&
    mt_wait_sql "select message_id from outbound where queue_id='$Q6'" "$MID6" 10
tap_ok $? "with libmilter: accepted at DATA and tracked with the logged Message-ID (${Q6:-none})"

# --- 7. no running feed: the header phase, as with "headers"
: > "$W/notadir"
MT_BG_TOP_EXTRA="logfeed = { path = \"$W/notadir/maillog\"; };"
MT_BG_CONF_EXTRA='message_ids = "logfeed";'
mt_bg_config && mt_bg_restart
pfh_wait_log "$W/bounceguard.out" "log feed not started" 10 >/dev/null
tap_ok $? "a log feed whose log cannot be opened does not start ($(grep -m1 'log feed not started' "$W/bounceguard.out"))"
Q7=$(pfh_send "$PSUB" sender1@a.test ok7@remote.test --subject "no feed" \
     2>"$W/send7.err")
mt_wait_sql "select count(*) from outbound where queue_id='$Q7' and message_id like '%@harness.test'" 1 10 &&
    ! grep -q "$Q7: data: outbound, accepted before the headers" "$W/bounceguard.out"
tap_ok $? "without it, outbound mail goes through the header phase and keeps its Message-ID (${Q7:-none})"

# --- 8. a log without cleanup's lines: one warning after 1,000 messages
: > "$W/quiet.log"
chmod 644 "$W/quiet.log"
MT_BG_TOP_EXTRA="logfeed = { path = \"$W/quiet.log\"; };"
mt_bg_config && mt_bg_restart
"$PFH_PYTHON" - "$PSUB" <<'PY' 2>"$W/send8.err"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="q.a.test")
for i in range(1001):
    s.sendmail("sender1@a.test", ["quiet%d@remote.test" % i],
               "Subject: quiet %d\r\n\r\nx\r\n" % i)
s.quit()
PY
pfh_wait_log "$W/bounceguard.out" "1000 outbound messages accepted at DATA while the log feed read no Message-ID" 20 >/dev/null &&
    [ "$(grep -c "accepted at DATA while the log feed read no" "$W/bounceguard.out")" = 1 ]
tap_ok $? "a feed that reads no Message-ID is warned about, once ($(grep -m1 -o 'warning: milter.message_ids.*Message-ID;' "$W/bounceguard.out"))"
printf '%s mail postfix/cleanup[1]: 4QUIET: message-id=<q@a.test>\n' \
    "$(date '+%b %e %H:%M:%S')" >> "$W/quiet.log"
sleep 1.5
pfh_send "$PSUB" sender1@a.test ok8@remote.test --subject "after" >/dev/null 2>&1
pfh_wait_log "$W/bounceguard.out" "Message-IDs are read from the log again" 10 >/dev/null
tap_ok $? "once the feed reads one again, a note says so"

! grep -Eq "warning: .*milter|milter-(reject|tempfail|discard).*from=<>" "$LOGA"
tap_ok $? "A never warned about the milter nor refused a DSN"
tap_done

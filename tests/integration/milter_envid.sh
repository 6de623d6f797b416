#!/bin/bash
# milter_envid.sh - bounces joined by Original-Envelope-Id, in a real
# Postfix mail flow (A = our MTA with bounceguard, B = remote; see
# milter_lib.sh), with the default strict credibility:
#   - a submission with MAIL FROM ... ENVID=<xtext> is tracked with its
#     envelope id decoded (Postfix hands MAIL FROM's ESMTP parameters to
#     the milter);
#   - a DSN from outside that returns no original headers, only
#     Original-Envelope-Id (as xtext, or as written decoded), is joined to
#     that message, credible, and suppresses its recipient; the log line
#     says joined=yes (envelope-id);
#   - the same DSN with an envelope id we never sent is not credible and
#     suppresses nobody;
#   - a DSN with the right envelope id naming an address that message was
#     not sent to is not credible for it (not-a-recipient): knowing an id
#     of ours does not let anybody suppress any address he likes;
#   - one post sent in two transactions under one envelope id: a DSN for a
#     recipient of the first joins the first, credible, and suppresses;
#   - a DSN for an alias, whose Final-Recipient is the mailbox the address
#     we sent to led to (Original-Recipient: the address): credible (the
#     original went to its Original-Recipient), recorded under the mailbox
#     that failed; the address we sent to is not suppressed (a DSN cannot
#     tell an alias of one mailbox from a group's), and later mail to it
#     goes through.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue
mt_up
tap_ok 0 "A (127.0.0.1:$PA), B (127.0.0.1:$PB) and bounceguard are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }

# --- 1. a submission with an xtext ENVID ("+2B" is '+', "+3D" is '=')
XT='job+2B42+3Dq.7f3a'
PLAIN='job+42=q.7f3a'
QID=$(pfh_send "$PSUB" sender1@a.test gone-xtext@remote.test,gone-plain@remote.test --envid "$XT" \
      --ret HDRS --subject "envid 1" 2>"$W/send1.err")
[ -n "$QID" ]
tap_ok $? "A queued a submission with ENVID=$XT (${QID:-none})"
mt_wait_sql "select envid from outbound where queue_id='$QID'" "$PLAIN" 10
tap_ok $? "tracked with its envelope id decoded ($(row "select envid from outbound where queue_id='$QID'"))"
QID0=$(pfh_send "$PSUB" sender1@a.test ok@remote.test --subject "no envid" \
       2>"$W/send0.err")
mt_wait_sql "select count(*) from outbound where queue_id='$QID0' and envid is null" 1 10
tap_ok $? "a submission without ENVID is tracked without one (${QID0:-none})"

# --- 2. DSNs from outside carrying only Original-Envelope-Id
# dsn NAME ENVID RCPT: a DSN whose only tie to what we sent is ENVID (no
# returned message, no Message-ID, no X-Postfix-Queue-ID), sent to A from
# outside
dsn() { mt_send_remote_dsn "$1" "" "$3" "$2"; }
ev() { mt_event "$1"; }
sup() { mt_suppressed "$1"; }

dsn xtext "$XT" gone-xtext@remote.test
mt_wait_sql "select count(*) from events where address='gone-xtext@remote.test'" 1 10
tap_ok $? "the DSN with Original-Envelope-Id: $XT was recorded"
[ "$(ev gone-xtext@remote.test)" = "dsn,1,$QID" ] && [ "$(sup gone-xtext@remote.test)" = 1 ]
tap_ok $? "it is joined to $QID, credible, and suppresses its recipient ($(ev gone-xtext@remote.test))"
grep -q "bounce: rcpt=<gone-xtext@remote.test>.*credible=yes (correlated), orig_queue_id=$QID, joined=yes (envelope-id)" \
    "$W/bounceguard.out"
tap_ok $? "the log line says joined=yes (envelope-id)"

dsn plain "$PLAIN" gone-plain@remote.test
mt_wait_sql "select count(*) from events where address='gone-plain@remote.test'" 1 10
[ "$(ev gone-plain@remote.test)" = "dsn,1,$QID" ] && [ "$(sup gone-plain@remote.test)" = 1 ]
tap_ok $? "an Original-Envelope-Id written decoded ($PLAIN) joins too ($(ev gone-plain@remote.test))"

dsn unknown "job+2B43+3Dq.0000" gone-unknown@remote.test
mt_wait_sql "select count(*) from events where address='gone-unknown@remote.test'" 1 10
tap_ok $? "the DSN with an envelope id we never sent was recorded"
[ "$(ev gone-unknown@remote.test)" = "dsn,0," ] && [ "$(sup gone-unknown@remote.test)" = 0 ]
tap_ok $? "it is not credible and suppresses nobody ($(ev gone-unknown@remote.test))"
grep -q "bounce: rcpt=<gone-unknown@remote.test>.*credible=no.*joined=no," \
    "$W/bounceguard.out"
tap_ok $? "its log line says credible=no, joined=no"

dsn stranger "$XT" stranger@remote.test
mt_wait_sql "select count(*) from events where address='stranger@remote.test'" 1 10
[ "$(ev stranger@remote.test)" = "dsn,0,$QID" ] && [ "$(sup stranger@remote.test)" = 0 ]
tap_ok $? "the right envelope id for an address $QID never went to: joined, not credible, no suppression ($(ev stranger@remote.test))"
grep -q "bounce: rcpt=<stranger@remote.test>.*credible=no (not-a-recipient).*joined=yes (envelope-id)" \
    "$W/bounceguard.out"
tap_ok $? "its log line says credible=no (not-a-recipient)"

Q1=$(pfh_send "$PSUB" sender1@a.test batch1@remote.test --envid post-7 \
     --subject "post part 1" 2>/dev/null)
Q2=$(pfh_send "$PSUB" sender1@a.test batch2@remote.test --envid post-7 \
     --subject "post part 2" 2>/dev/null)
mt_wait_sql "select count(*) from outbound where envid='post-7'" 2 10
tap_ok $? "one post tracked as two transactions under envelope id post-7 ($Q1, $Q2)"
dsn batch post-7 batch1@remote.test
mt_wait_sql "select count(*) from events where address='batch1@remote.test'" 1 10
[ "$(ev batch1@remote.test)" = "dsn,1,$Q1" ] && [ "$(sup batch1@remote.test)" = 1 ]
tap_ok $? "a DSN for batch1@ joins the first transaction, credible, suppresses ($(ev batch1@remote.test))"

QA=$(pfh_send "$PSUB" sender1@a.test sales@remote.test --envid alias-8 \
     --subject "to an alias" 2>/dev/null)
mt_wait_sql "select count(*) from outbound where envid='alias-8'" 1 10
tap_ok $? "a submission to sales@remote.test tracked under envelope id alias-8 (${QA:-none})"
MT_DSN_FINAL=j.weber@mbox.remote.test dsn alias alias-8 sales@remote.test
mt_wait_sql "select count(*) from events where address='j.weber@mbox.remote.test'" 1 10
[ "$(ev j.weber@mbox.remote.test)" = "dsn,1,$QA" ] && [ -z "$(ev sales@remote.test)" ] &&
    [ "$(sup sales@remote.test)" = 0 ]
tap_ok $? "a DSN whose Final-Recipient is the alias's mailbox is credible, recorded for the mailbox ($(ev j.weber@mbox.remote.test)), and suppresses nothing sent to"
QA2=$(pfh_send "$PSUB" sender1@a.test sales@remote.test --subject "again" \
      2>"$W/send-alias.err")
[ -n "$QA2" ] && ! grep -q "RCPT sales@remote.test refused" "$W/send-alias.err"
tap_ok $? "later mail to sales@remote.test goes through (${QA2:-none})"

! grep -Eq "warning: .*milter|milter-(reject|tempfail|discard).*from=<>" \
    "$(pfh_log a)"
tap_ok $? "A never warned about the milter nor refused a DSN"
tap_done

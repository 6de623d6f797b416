#!/bin/bash
# milter_postfix_modes.sh - bounceguard's enforcement modes and failure
# behaviour in a real Postfix flow (A = our MTA, B = remote; see
# milter_lib.sh).  After unknown@remote.test is suppressed by A's own DSN:
#   - dry run (switched on by a reload, SIGHUP): nothing refused, "would
#     suppress" logged;
#   - remove: the suppressed recipient is deleted at end of message and
#     the others still get it; a message left with no recipient is
#     discarded, with a log line;
#   - a DSN to a discard_bounces_to address is recorded, then discarded;
#   - a 50 MB DSN from outside is parsed up to milter.body_cap, recorded
#     and accepted, and bounceguard's memory stays small;
#   - bounceguard killed (SIGKILL) while 300 messages flow: Postfix carries
#     on (milter_default_action = accept), every message arrives; after a
#     restart the store is intact and enforcement works again.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue smtp-source

mt_up "message_size_limit = 60000000"
tap_ok 0 "A, B and bounceguard are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }
bg_pid() { cat "$W/bounceguard.pid"; }
# reconfigure the milter group and reload bounceguard (SIGHUP)
bg_reload() {
    local n
    MT_BG_CONF_EXTRA=$1
    mt_bg_config
    n=$(grep -c "configuration reloaded" "$W/bounceguard.out")
    kill -HUP "$(bg_pid)"
    for i in $(seq 50); do
        [ "$(grep -c "configuration reloaded" "$W/bounceguard.out")" -gt "$n" ] &&
            return 0
        sleep 0.1
    done
    return 1
}
count_sent() { # count_sent QID RCPT: A's "status=sent" lines
    grep -c "$1: to=<$2>.*status=sent" "$(pfh_log a)"
}

# --- learn unknown@remote.test
pfh_send "$PSUB" sender1@a.test unknown@remote.test --subject learn \
    >/dev/null 2>&1
mt_wait_sql "select count(*) from suppressions where address='unknown@remote.test'" 1 10
tap_ok $? "unknown@remote.test suppressed from A's DSN"

# --- dry run
bg_reload "dry_run = true;"
tap_ok $? "bounceguard reloaded its configuration (dry_run = true)"
Q=$(pfh_send "$PSUB" sender1@a.test unknown@remote.test,ok@remote.test \
    --subject dry 2>"$W/dry.err")
[ -n "$Q" ] && ! grep -q refused "$W/dry.err"
tap_ok $? "dry run: nothing refused ($Q)"
grep -q "would suppress: rcpt=<unknown@remote.test>, from=<sender1@a.test>, reason=user_unknown, bucket=hard, .*action=would_suppress" \
    "$W/bounceguard.out"
tap_ok $? "dry run: \"would suppress\" logged"

# --- remove
bg_reload "enforce = \"remove\";"
tap_ok $? "reloaded with enforce = remove"
Q=$(pfh_send "$PSUB" sender1@a.test unknown@remote.test,ok@remote.test \
    --subject remove 2>"$W/rm.err")
[ -n "$Q" ] && ! grep -q refused "$W/rm.err"
tap_ok $? "remove: the message is accepted at RCPT ($Q)"
pfh_wait_log "$(pfh_log a)" "$Q: removed" 20 >/dev/null
[ "$(count_sent "$Q" ok@remote.test)" = 1 ] &&
    ! grep -q "$Q: to=<unknown@remote.test>" "$(pfh_log a)"
tap_ok $? "remove: ok@ delivered, unknown@ never attempted"
Q=$(pfh_send "$PSUB" sender1@a.test unknown@remote.test --subject rm-all \
    2>/dev/null)
pfh_wait_log "$(pfh_log a)" "$Q: milter-discard" 20 >/dev/null
tap_ok $? "remove: a message with no recipient left is discarded ($Q)"
grep -q "$Q: discard: every recipient is suppressed" "$W/bounceguard.out"
tap_ok $? "remove: the discard is logged with the queue id"

# --- DSNs to a no-reply sender: learned from, then discarded
bg_reload "discard_bounces_to = [\"noreply@a.test\"];"
tap_ok $? "reloaded with discard_bounces_to = noreply@a.test"
Q=$(pfh_send "$PSUB" noreply@a.test dead4711@remote.test --subject noreply \
    2>/dev/null)
mt_wait_sql "select count(*) from suppressions where address='dead4711@remote.test'" 1 10
tap_ok $? "the DSN to noreply@a.test was learned from"
line=$(pfh_wait_log "$(pfh_log a)" "$Q: sender non-delivery notification: [0-9A-F]+" 10)
DQ=${line##*: }
pfh_wait_log "$(pfh_log a)" "${DQ:-NODSN}: milter-discard" 10 >/dev/null &&
    ! grep -q "${DQ:-NODSN}: to=<noreply@a.test>" "$(pfh_log a)"
tap_ok $? "and then discarded, never delivered (${DQ:-none})"
grep -q "${DQ:-NODSN}: bounce: processed and discarded" "$W/bounceguard.out"
tap_ok $? "the discard is logged with the DSN's queue id"

# --- a 50 MB DSN from outside
"$PFH_PYTHON" - "$W/big.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: MAILER-DAEMON@mx.remote.test\r\nTo: sender1@a.test\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
            "report-type=delivery-status; boundary=\"BIG\"\r\n\r\n"
            "--BIG\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.remote.test\r\n\r\n"
            "Final-Recipient: rfc822; huge@remote.test\r\nAction: failed\r\n"
            "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user"
            "\r\n\r\n--BIG\r\nContent-Type: text/plain\r\n\r\n")
    line = "x" * 76 + "\r\n"
    for _ in range(50 * 1024 * 1024 // len(line)):
        f.write(line)
    f.write("--BIG--\r\n")
PY
Q=$(pfh_send "$PA" "" sender1@a.test --body-file "$W/big.eml" --timeout 120 \
    2>"$W/big.err")
[ -n "$Q" ]
tap_ok $? "the 50 MB DSN was accepted ($Q) $(head -c 120 "$W/big.err")"
mt_wait_sql "select count(*) from events where address='huge@remote.test'" 1 20
tap_ok $? "its recipient was recorded (parsed up to the cap)"
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$(bg_pid)/status")
tap_diag "bounceguard peak RSS after the 50 MB DSN: ${rss} kB"
[ -n "$rss" ] && [ "$rss" -lt 65536 ]
tap_ok $? "bounceguard's peak memory stayed under 64 MB (${rss} kB)"

# --- kill -9 in the middle of a run
bg_reload "enforce = \"reject\";"
smtp-source -s 5 -m 300 -c -f sender1@a.test -t ok@remote.test \
    "127.0.0.1:$PSUB" >"$W/source.out" 2>&1 &
src=$!
sleep 0.5
kill -9 "$(bg_pid)"
wait "$src"
tap_ok $? "smtp-source pushed 300 messages while bounceguard was killed"
rm -f "$PFH_BG_SOCKET"
cat "$W/bounceguard.out" >> "$W/bounceguard.all"
pfh_bounceguard_start "$W/bg.conf"
tap_ok $? "bounceguard restarted"
for i in $(seq 200); do
    pfh_queue_empty a && break
    sleep 0.1
done
n=$(grep -c "to=<ok@remote.test>.*status=sent" "$(pfh_log b)")
# B's "sent" lines: every message A relayed, plus the earlier ones
m=$(grep -c "to=<ok@remote.test>, relay=127.0.0.1.*status=sent" "$(pfh_log a)")
tap_diag "A relayed $m messages to ok@remote.test in all, B delivered $n"
[ "$m" -ge 301 ] && [ "$m" = "$n" ]
tap_ok $? "every message arrived at the sink while bounceguard was down"
[ "$(row "pragma integrity_check")" = ok ]
tap_ok $? "the store passes SQLite's integrity check after SIGKILL"
[ "$(row "select count(*) from suppressions where address='unknown@remote.test'")" = 1 ]
tap_ok $? "the suppression survived"
pfh_send "$PSUB" sender1@a.test unknown@remote.test,ok@remote.test \
    --subject after >/dev/null 2>"$W/after.err"
grep -q "RCPT unknown@remote.test refused: 550 5.1.1" "$W/after.err"
tap_ok $? "after the restart, unknown@ is refused again"
tap_done

#!/bin/bash
# milter_postfix_prvs.sh - with auth.prvs_sign on, bounceguard signs the
# envelope sender of outbound mail (smfi_chgfrom at end of message), and a
# bounce from outside counts as credible when it returns to a valid
# signature and correlates with tracked mail (for that mail's recipients),
# and as forged when the signature is bad (A = our MTA, B = remote; see
# milter_lib.sh).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue

mkdir -p "$W/bg"
echo "3 a-secret-for-the-test" > "$W/bg/prvs.keys"
chown -R postfix:postfix "$W/bg"
chmod 600 "$W/bg/prvs.keys"
MT_BG_TOP_EXTRA="auth = { prvs_sign = true; prvs_key_file = \"$W/bg/prvs.keys\"; prvs_key = 3; };"
mt_up
tap_ok 0 "A, B and bounceguard (prvs_sign on) are up"
row() { sqlite3 "$DB" "$1" 2>/dev/null; }

# 1. the sender of outbound mail is signed on its way out
Q=$(pfh_send "$PSUB" sender1@a.test ok@remote.test --subject signed 2>/dev/null)
line=$(pfh_wait_log "$(pfh_log b)" "from=<prvs=3[0-9]{3}[0-9a-f]{6}=sender1@a.test>" 20)
[ -n "$line" ]
tap_ok $? "B saw the signed envelope sender ($Q)"
SIGNED=$(echo "$line" | grep -Eo "prvs=3[0-9]{3}[0-9a-f]{6}=sender1@a.test" | head -1)
tap_diag "signed sender: $SIGNED"
mt_wait_sql "select sender from outbound where queue_id='$Q'" sender1@a.test 10
tap_ok $? "tracking keeps the unsigned sender"

# 2. Postfix's own DSN to the signed sender is still credible (local MTA)
pfh_send "$PSUB" sender1@a.test dead77@remote.test --subject dead \
    >/dev/null 2>&1
mt_wait_sql "select count(*) from suppressions where address='dead77@remote.test'" 1 10
tap_ok $? "A's DSN for dead77@ (to the signed sender) suppressed it"

# 3. bounces from outside to a valid signature: credible for a recipient
# of the tracked mail they return; not for an address that mail never had,
# nor when they correlate with nothing (every recipient of ours sees the
# tag, and could name anyone)
MID=$(row "select message_id from outbound where queue_id='$Q'")
[ -n "$MID" ]
tap_ok $? "the signed message is tracked with its Message-ID ($MID)"
mt_write_remote_dsn "$W/good.eml" "$MID" ok@remote.test
pfh_send "$PA" "" "$SIGNED" --body-file "$W/good.eml" >/dev/null 2>&1
mt_wait_sql "select credible from events where address='ok@remote.test'" 1 10
tap_ok $? "a bounce to a valid prvs signature, of tracked mail, is credible"
grep -q "bounce: rcpt=<ok@remote.test>.*credible=yes (prvs-correlated" \
    "$W/bounceguard.out"
tap_ok $? "the log line says why: prvs-correlated"
mt_write_remote_dsn "$W/victim.eml" "$MID" victim@elsewhere.test
pfh_send "$PA" "" "$SIGNED" --body-file "$W/victim.eml" >/dev/null 2>&1
mt_wait_sql "select credible from events where address='victim@elsewhere.test'" 0 10 &&
    grep -q "bounce: rcpt=<victim@elsewhere.test>.*credible=no (not-a-recipient" \
        "$W/bounceguard.out"
tap_ok $? "... naming an address that mail never went to: not credible"
mt_write_remote_dsn "$W/untracked.eml" "not-tracked.1@a.test" good@remote.test
pfh_send "$PA" "" "$SIGNED" --body-file "$W/untracked.eml" >/dev/null 2>&1
mt_wait_sql "select credible from events where address='good@remote.test'" 0 10 &&
    grep -q "bounce: rcpt=<good@remote.test>.*credible=no (prvs-not-correlated" \
        "$W/bounceguard.out"
tap_ok $? "... about mail never tracked: not credible (prvs-not-correlated)"
[ "$(row "select count(*) from suppressions where address in ('victim@elsewhere.test', 'good@remote.test')")" = 0 ]
tap_ok $? "neither suppresses anybody"
mt_write_remote_dsn "$W/bad.eml" "not-tracked.2@a.test" bad@remote.test
pfh_send "$PA" "" "prvs=3000abcdef=sender1@a.test" --body-file "$W/bad.eml" \
    >/dev/null 2>&1
mt_wait_sql "select credible from events where address='bad@remote.test'" 0 10
tap_ok $? "a bounce to a forged prvs signature is recorded, not credible"
[ "$(row "select count(*) from suppressions where address='bad@remote.test'")" = 0 ]
tap_ok $? "the forged bounce suppresses nobody"
tap_done

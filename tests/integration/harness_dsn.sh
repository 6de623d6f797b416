#!/bin/bash
# harness_dsn.sh - proves the real-Postfix harness end to end.
#
# Instance A ("our MTA", bounceguard on smtpd_milters and non_smtpd_milters)
# relays to instance B ("remote MTA"), which accepts ok@remote.test and
# rejects unknown@remote.test with "550 5.1.1 User unknown" (and
# dmarc@remote.test with "550 5.7.26").  Checks: the
# accepted recipient reaches B, the rejection comes back to A as a DSN that
# carries "Status: 5.1.1", bounceguard saw both the message and the DSN
# (its log lines carry the queue ids), a message submitted with sendmail(1)
# bounces the same way, NOTIFY=NEVER suppresses the DSN,
# bounceguard exits on SIGTERM, and cleanup leaves no process behind.
#
# Skips (TAP) when not root or Postfix is missing; a missing
# $top_builddir/bounceguard (make check builds it) is an error.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

pfh_available || tap_skip_all "$PFH_WHY"
pfh_init || tap_skip_all "cannot create a work directory"
W=$PFH_W
trap 'pfh_cleanup' EXIT
tap_diag "work directory $W"

BG=$(pfh_bounceguard_bin)
[ -x "$BG" ] || tap_bail "bounceguard not built ($BG)"
have_bg=1

PA=$(pfh_free_port) && PB=$(pfh_free_port) || tap_skip_all "no free port"
pfh_topology_remote b "$PB"
pfh_topology_mta a "$PA" "$PB" "unix:$W/bg/bg.sock"
# the shipped rules from the source tree (nothing is installed)
[ -f "$top_srcdir/conf/rules.conf" ] &&
    PFH_BG_EXTRA_CONF="classify = { rules_file = \"$top_srcdir/conf/rules.conf\"; };"
pfh_bounceguard_config "$W/bg.conf"

# 1-2: daemons up
if [ "$have_bg" = 1 ]; then
    pfh_bounceguard_start "$W/bg.conf"
    tap_ok $? "bounceguard listens on $PFH_BG_SOCKET"
else
    tap_skip "bounceguard not built yet ($BG): Postfix part only"
fi
pfh_start
tap_ok $? "instances A (127.0.0.1:$PA) and B (127.0.0.1:$PB) started"

# 3: one message, one accepted and one rejected recipient
QID=$(pfh_send "$PA" "sender1@a.test" ok@remote.test,unknown@remote.test \
      --subject "harness dsn probe")
[ -n "$QID" ]
tap_ok $? "A queued the message (queue id ${QID:-none})"
[ -n "$QID" ] || QID=NOQUEUEID

# 4: B delivered the accepted recipient (discard counts as delivered)
pfh_wait_log "$(pfh_log b)" 'to=<ok@remote.test>.*status=sent' 20 >/dev/null
tap_ok $? "B accepted and delivered ok@remote.test"

# 5: A bounced the rejected recipient with B's exact reply
pfh_wait_log "$(pfh_log a)" \
    "$QID: to=<unknown@remote.test>.*dsn=5\.1\.1, status=bounced.*550 5\.1\.1" \
    20 >/dev/null
tap_ok $? "A logged status=bounced dsn=5.1.1 for unknown@remote.test"

# 6-7: the DSN was generated and captured
line=$(pfh_wait_log "$(pfh_log a)" \
    "$QID: sender non-delivery notification: [0-9A-F]+" 20)
DSNQID=${line##*: }
[ -n "$line" ]
tap_ok $? "A generated a DSN (queue id ${DSNQID:-none})"
[ -n "$DSNQID" ] || DSNQID=NODSNQUEUEID
dsn=$(pfh_wait_file "$(pfh_mailbox a)/*" 20)
dsn_ok() {
    [ -n "$dsn" ] &&
        grep -q '^Content-Type: multipart/report; report-type=delivery-status' \
            "$dsn" &&
        grep -q '^Status: 5\.1\.1' "$dsn" &&
        grep -q '^Final-Recipient: rfc822; *unknown@remote.test' "$dsn" &&
        grep -q "^X-Postfix-Queue-ID: $QID" "$dsn"
}
tap_check "captured DSN to sender1@a.test is a report with Status: 5.1.1" \
    dsn_ok

# 8: NOTIFY=NEVER: bounced, but no DSN.  (A recipient bounceguard has not
# seen fail yet: unknown@ may be suppressed by now.)
QID2=$(pfh_send "$PA" "sender2@a.test" dmarc@remote.test --notify NEVER \
       --subject "harness notify never")
pfh_wait_log "$(pfh_log a)" "${QID2:-NOQUEUEID}: removed" 20 >/dev/null &&
    grep -q "${QID2:-NOQUEUEID}: to=<dmarc@remote.test>.*status=bounced" \
        "$(pfh_log a)" &&
    ! grep -q "${QID2:-NOQUEUEID}: sender non-delivery notification" \
        "$(pfh_log a)"
tap_ok $? "NOTIFY=NEVER: bounced without a DSN"

# 9: a message submitted with sendmail(1) (pickup, non_smtpd_milters) to a
# recipient B refuses (552 5.2.2) comes back as a DSN too
printf 'From: <local1@a.test>\nTo: <full@remote.test>\nSubject: %s\n\n%s\n' \
    "harness local submission" "Submitted with sendmail(1)." |
    pfh_sendmail a local1@a.test full@remote.test
line=$(pfh_wait_log "$(pfh_log a)" "pickup.*: uid=0 from=<local1@a.test>" 20)
QID3=$(echo "$line" | sed -n 's/.*: \([0-9A-F]*\): uid=0 .*/\1/p')
line=$(pfh_wait_log "$(pfh_log a)" \
    "${QID3:-NOQUEUEID}: sender non-delivery notification: [0-9A-F]+" 20)
DSNQID3=${line##*: }
[ -n "$QID3" ] && [ -n "$line" ] &&
    grep -q "${QID3}: to=<full@remote.test>.*dsn=5\.2\.2, status=bounced" \
        "$(pfh_log a)"
tap_ok $? "sendmail(1) submission ${QID3:-none}: bounced 5.2.2, DSN ${DSNQID3:-none}"
[ -n "$DSNQID3" ] || DSNQID3=NODSNQUEUEID

# 10-13: bounceguard saw the messages and the DSNs, and A could reach it
if [ "$have_bg" = 1 ]; then
    pfh_wait_log "$W/bounceguard.out" "$QID" 10 >/dev/null
    tap_ok $? "bounceguard logged the message's queue id $QID"
    pfh_wait_log "$W/bounceguard.out" "$DSNQID" 10 >/dev/null
    tap_ok $? "bounceguard logged the DSN's queue id $DSNQID"
    pfh_wait_log "$W/bounceguard.out" "$DSNQID3" 10 >/dev/null
    tap_ok $? "bounceguard logged the DSN of the sendmail(1) submission ($DSNQID3)"
    ! grep -q 'Milter service' "$(pfh_log a)"
    tap_ok $? "A reached the milter every time (no milter warnings)"
else
    tap_skip "bounceguard not built: message seen by the milter"
    tap_skip "bounceguard not built: DSN seen by the milter"
    tap_skip "bounceguard not built: DSN of the local submission seen"
    tap_skip "bounceguard not built: milter reachable"
fi

# 14-15: teardown: bounceguard stops on SIGTERM, nothing is left behind
pfh_stop
if [ "$have_bg" = 1 ]; then
    pfh_kill bounceguard
    tap_ok $? "bounceguard exited on SIGTERM"
else
    tap_skip "bounceguard not built: exit on SIGTERM"
fi
pfh_cleanup --keep
left=$(echo $(pfh_leftovers) $(pgrep -f "$W"))
[ -z "$left" ]
tap_ok $? "cleanup left no process behind${left:+ (left: $left)}"
if [ "$tap_failed" -gt 0 ]; then
    for f in "$(pfh_log a)" "$(pfh_log b)" "$W/bounceguard.out"; do
        [ -f "$f" ] || continue
        tap_diag "---- $f"
        tail -n 40 "$f" | sed 's/^/# /'
    done
fi
[ "${PFH_KEEP:-0}" = 1 ] || rm -rf "$W"
tap_done

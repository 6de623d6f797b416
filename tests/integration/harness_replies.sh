#!/bin/bash
# harness_replies.sh - the remote instance B answers each test recipient
# with its exact reply, and A turns each into the DSN later tests rely on:
#   full@remote.test   552 5.2.2  -> bounced, DSN "Status: 5.2.2"
#   dmarc@remote.test  550 5.7.26 -> bounced, DSN "Status: 5.7.26"
#   later@remote.test  450 4.2.1  -> deferred, then (PFH_FAST_QUEUE: delay
#                                    warning after 10s) a "delayed" DSN with
#                                    "Action: delayed" and "Status: 4.2.1"
# Postfix only (no milter).  Skips when not root or Postfix is missing.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

pfh_available || tap_skip_all "$PFH_WHY"
pfh_init || tap_skip_all "cannot create a work directory"
W=$PFH_W
trap 'pfh_cleanup' EXIT

PA=$(pfh_free_port) && PB=$(pfh_free_port) || tap_skip_all "no free port"
pfh_topology_remote b "$PB"
PFH_FAST_QUEUE=1 pfh_topology_mta a "$PA" "$PB" ""
pfh_start
tap_ok $? "instances A and B started"
LOGA=$(pfh_log a)

# dsn_for SENDER: the captured DSN file addressed to SENDER (first match)
dsn_for() {
    local f
    for f in "$(pfh_mailbox a)"/*; do
        [ -f "$f" ] && grep -q "^To: .*$1" "$f" && { echo "$f"; return 0; }
    done
    return 1
}

# check_bounce RCPT CODE STATUS SENDER
check_bounce() {
    local rcpt=$1 code=$2 status=$3 sender=$4 qid f i
    qid=$(pfh_send "$PA" "$sender" "$rcpt" --subject "reply $status")
    pfh_wait_log "$LOGA" \
        "${qid:-NOQUEUEID}: to=<$rcpt>.*dsn=${status//./\\.}, status=bounced .*said: $code ${status//./\\.} " \
        20 >/dev/null || return 1
    for i in $(seq 100); do
        f=$(dsn_for "$sender") && break
        sleep 0.1
    done
    [ -n "${f:-}" ] && grep -q "^Status: ${status//./\\.}\$" "$f" &&
        grep -q '^Action: failed' "$f"
}

tap_check "552 5.2.2 from B: bounced, DSN with Status: 5.2.2" \
    check_bounce full@remote.test 552 5.2.2 s-full@a.test
tap_check "550 5.7.26 from B: bounced, DSN with Status: 5.7.26" \
    check_bounce dmarc@remote.test 550 5.7.26 s-dmarc@a.test

QID=$(pfh_send "$PA" s-later@a.test later@remote.test --subject "reply 4.2.1")
pfh_wait_log "$LOGA" \
    "${QID:-NOQUEUEID}: to=<later@remote.test>.*dsn=4\.2\.1, status=deferred .*said: 450 4\.2\.1 " \
    20 >/dev/null
tap_ok $? "450 4.2.1 from B: deferred"

delayed_ok() {
    local f i
    pfh_wait_log "$LOGA" "${QID:-NOQUEUEID}: sender delay notification" 40 \
        >/dev/null || return 1
    for i in $(seq 100); do
        f=$(dsn_for s-later@a.test) && break
        sleep 0.1
    done
    [ -n "${f:-}" ] && grep -q '^Action: delayed' "$f" &&
        grep -q '^Status: 4\.2\.1$' "$f"
}
tap_check "delay warning DSN with Action: delayed, Status: 4.2.1" delayed_ok

pfh_cleanup --keep
left=$(echo $(pfh_leftovers))
[ -z "$left" ]
tap_ok $? "cleanup left no process behind${left:+ (left: $left)}"
if [ "$tap_failed" -gt 0 ]; then
    tap_diag "---- $LOGA"
    tail -n 40 "$LOGA" | sed 's/^/# /'
fi
rm -rf "$W"
tap_done

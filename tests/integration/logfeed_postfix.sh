#!/bin/bash
# logfeed_postfix.sh - the log feed learns from a real Postfix's delivery
# log alone.  A writes maillog_file; B answers "452 4.2.2 Mailbox full" for
# busy@remote.test.  Three messages to busy@, sent with NOTIFY=NEVER (so no
# DSN exists), are deferred over a few seconds: with soft_threshold 3 and
# soft_span 2s the recipient is suppressed from the log events alone.
# Then flaky@remote.test is deferred once, delivered (status=sent) once B
# lets it through, and deferred twice more: the success cleared its count,
# so it is not suppressed; the control recipient steady@ that saw no
# success between is.
#
# Finally the feed is stopped, a deferral is logged while it is down, and
# the restarted feed counts that one once and nothing twice.
#
# The feed runs in tests/integration/logfeed-run, which makes the same
# logfeed_start()/logfeed_stop() calls as the daemon.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

RUN="$top_builddir/tests/integration/logfeed-run"
CTL="$top_builddir/bounceguardctl"
[ -x "$RUN" ] && [ -x "$CTL" ] || tap_bail "logfeed-run or bounceguardctl not built"
pfh_available || tap_skip_all "$PFH_WHY"
pfh_init || tap_skip_all "cannot create a work directory"
FEED_PIDS=
# the feeds are also ended by pid, should the work directory (and with it
# the harness's pid files) be gone
trap 'kill $FEED_PIDS 2>/dev/null; pfh_cleanup' EXIT

PA=$(pfh_free_port) && PB=$(pfh_free_port) || tap_skip_all "no free port"
pfh_topology_remote b "$PB"
RA="$PFH_W/b/etc/rcpt_access"
# the test's own entries (texthash: read when smtpd starts)
set_access() {
    grep -v -e '^busy@' -e '^flaky@' -e '^steady@' "$RA" > "$RA.new"
    printf '%s\n' "$@" >> "$RA.new"
    mv "$RA.new" "$RA"
}
FULL="452 4.2.2 Mailbox full"
set_access "busy@remote.test $FULL" "flaky@remote.test $FULL" \
    "steady@remote.test $FULL"
pfh_topology_mta a "$PA" "$PB" ""
pfh_start
tap_ok $? "instances A and B started"
LOGA=$(pfh_log a)

mkdir -p "$PFH_W/bg"
CONF="$PFH_W/bg/bounceguard.conf"
cat > "$CONF" <<EOF
store = { path = "$PFH_W/bg/bounceguard.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
policy = { soft_threshold = 3; soft_span = "2s"; };
logfeed = {
    path = "$LOGA";
    state_file = "$PFH_W/bg/logfeed.pos";
    start_at_end = false;
    save_interval = "1s";
    poll_interval = "1s";
};
EOF
pfh_spawn feed "$RUN" "$CONF"
FEED_PIDS="$FEED_PIDS $!"
pfh_wait_log "$PFH_W/feed.out" "following" 10 >/dev/null
tap_ok $? "the feed follows A's maillog_file"

# defer RCPT N [keep]: sends N messages (NOTIFY=NEVER), 1.5 s apart,
# waits for each one's deferral in A's log, then deletes the message from
# A's queue so that retries add no deferrals (unless "keep")
defer() {
    local rcpt=$1 n=$2 keep=${3:-} i qid
    for i in $(seq "$n"); do
        qid=$(pfh_send "$PA" "app@a.test" "$rcpt" --notify NEVER \
            --subject "defer $rcpt $i")
        pfh_wait_log "$LOGA" \
            "${qid:-NOQUEUEID}: to=<$rcpt>.*dsn=4\.2\.2, status=deferred .*said: 452 4\.2\.2 " \
            20 >/dev/null || return 1
        [ -n "$keep" ] || postsuper -c "$PFH_W/a/etc" -d "$qid" >/dev/null 2>&1
        sleep 1.5
    done
}

# suppressed ADDR: bounceguardctl check says yes (waits up to 10 s for the
# feed to commit)
suppressed() {
    local i
    for i in $(seq 50); do
        "$CTL" -c "$CONF" check "$1" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

defer busy@remote.test 3
tap_ok $? "three deferrals of busy@ (452 4.2.2) in A's log"
tap_check "busy@ is suppressed from log events alone" \
    suppressed busy@remote.test
"$CTL" -c "$CONF" show busy@remote.test > "$PFH_W/show-busy" 2>&1
grep -q '^source: *log' "$PFH_W/show-busy" &&
    grep -q '^reason: *mailbox_full' "$PFH_W/show-busy" &&
    grep -q '^bucket: *soft' "$PFH_W/show-busy"
tap_ok $? "the suppression says source log, mailbox_full, soft"
ls "$(pfh_mailbox a)" 2>/dev/null | grep -q . && NDSN=1 || NDSN=0
tap_ok "$NDSN" "no DSN was sent back (NOTIFY=NEVER): only the log knew"

# flaky@: one deferral, then B lets it through and A's retry delivers it
defer flaky@remote.test 1 keep
defer steady@remote.test 1
set_access "busy@remote.test $FULL" "steady@remote.test $FULL"
pfh_reload b
sleep 1
postqueue -c "$PFH_W/a/etc" -f
pfh_wait_log "$LOGA" "to=<flaky@remote.test>.*status=sent " 30 >/dev/null
tap_ok $? "flaky@ delivered on retry: status=sent in A's log"
set_access "busy@remote.test $FULL" "flaky@remote.test $FULL" \
    "steady@remote.test $FULL"
pfh_reload b
sleep 1
# two more deferrals each: steady@ reaches 3 (suppressed), flaky@ only 2
defer flaky@remote.test 2
defer steady@remote.test 2
tap_check "steady@ (no success between) is suppressed after 3 deferrals" \
    suppressed steady@remote.test
"$CTL" -c "$CONF" check flaky@remote.test >/dev/null 2>&1
tap_ok $(($? == 0)) "flaky@ is not suppressed: status=sent cleared its count"
"$CTL" -c "$CONF" show flaky@remote.test > "$PFH_W/show-flaky" 2>&1
grep -q 'delivered' "$PFH_W/show-flaky"
tap_ok $? "flaky@'s history has the delivered event from the log"

# delayed events of ADDR in its history
history_count() {
    "$CTL" -c "$CONF" show "$1" 2>/dev/null | grep -c ' delayed '
}

pfh_kill feed
tap_ok $? "the feed stops on SIGTERM"
[ -s "$PFH_W/bg/logfeed.pos" ]
tap_ok $? "the feed saved its position"
sed 's/^/# feed: /' "$PFH_W/feed.out" | tail -3

# restart: one deferral logged while the feed was down is counted once,
# and nothing read before the stop is counted again
H1=$(history_count steady@remote.test)
defer steady@remote.test 1
pfh_spawn feed2 "$RUN" "$CONF"
FEED_PIDS="$FEED_PIDS $!"
pfh_wait_log "$PFH_W/feed2.out" "resumed at the saved position" 10 >/dev/null
tap_ok $? "the restarted feed resumes at the saved position"
for i in $(seq 50); do
    [ "$(history_count steady@remote.test)" -gt "$H1" ] && break
    sleep 0.2
done
sleep 2
H2=$(history_count steady@remote.test)
[ "$H2" -eq $((H1 + 1)) ]
tap_ok $? "after the restart: $H1 + 1 deferrals of steady@, got $H2"
pfh_kill feed2
sed 's/^/# feed2: /' "$PFH_W/feed2.out" | tail -3
tap_done

#!/bin/sh
# logfeed_daemon.sh - the daemon itself follows the MTA's delivery log
# (logfeed = { path; state_file; }): Postfix log lines appended to the file
# reach the store (bounceguardctl show / check); after SIGHUP the feed
# still follows, with the new rules, and counts nothing twice; after a
# restart it resumes at the saved position: a line logged while the daemon
# was down is counted once, nothing read before is counted again.
# Deferrals that are authentication refusals (4.7.26) raise one alert per
# window on the command hook, counting each message and recipient once
# (not its retries); a bounced 5.7.26 line does not (its DSN alerts
# through the milter), nor does an ordinary deferral.
# Every process started here is killed on exit.
. "${top_srcdir:?}/tests/lib/tap.sh"
. "${top_srcdir:?}/tests/lib/wait.sh"

BG=${top_builddir:-.}/bounceguard
CTL=${top_builddir:-.}/bounceguardctl
[ -x "$BG" ] && [ -x "$CTL" ] || tap_bail "bounceguard not built"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-lfd.XXXXXX") || exit 1
chmod 755 "$W"
BGPID=
cleanup() {
    [ -n "$BGPID" ] && kill -KILL "$BGPID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

USER_LINE=
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$W"
    USER_LINE='user = "nobody";'
fi
LOG=$W/maillog
: > "$LOG"
chmod 644 "$LOG"
ALERTS=$W/alerts.json
printf '#!/bin/sh\ncat >> %s\necho >> %s\n' "$ALERTS" "$ALERTS" > "$W/alert.sh"
chmod 755 "$W/alert.sh"
CONF=$W/bg.conf
cat > "$CONF" <<EOF
socket = "unix:$W/bg.sock";
$USER_LINE
pidfile = "$W/bg.pid";
log_level = "info";
store = { path = "$W/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
policy = { soft_threshold = 10; };
alerts = { hold = "2s"; syslog = false; exec_command = "$W/alert.sh"; };
logfeed = {
    path = "$LOG";
    state_file = "$W/logfeed.pos";
    start_at_end = false;
    save_interval = "1s";
    poll_interval = "1s";
};
EOF

logged() { grep -q -e "$1" "$W/out"; }
suppressed() { "$CTL" -c "$CONF" check "$1" >/dev/null 2>&1; }
delays() { "$CTL" -c "$CONF" show "$1" 2>/dev/null | grep -c ' delayed '; }
delays_are() { [ "$(delays "$1")" -eq "$2" ]; }

# Postfix's smtp(8) lines, as maillog_file writes them
P="mail postfix/smtp[4242]"
SAID="relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5"
bounced() { # bounced QID ADDR
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) $P: $1: to=<$2>, $SAID, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <$2>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))" >> "$LOG"
}
deferred() { # deferred QID ADDR
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) $P: $1: to=<$2>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))" >> "$LOG"
}
queued() { # queued QID SENDER: qmgr's line naming the sender
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) mail postfix/qmgr[4243]: $1: from=<$2>, size=1234, nrcpt=1 (queue active)" >> "$LOG"
}
auth_deferred() { # auth_deferred QID ADDR
    queued "$1" app@a.test
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) $P: $1: to=<$2>, $SAID, dsn=4.7.26, status=deferred (host mx.example.com[192.0.2.1] said: 421 4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. (in reply to end of DATA command))" >> "$LOG"
}
auth_bounced() { # auth_bounced QID ADDR
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) $P: $1: to=<$2>, $SAID, dsn=5.7.26, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.7.26 Unauthenticated email from a.test is not accepted due to domain's DMARC policy (in reply to end of DATA command))" >> "$LOG"
}
alerts_of() { grep -o "\"$1\"" "$ALERTS" 2>/dev/null | wc -l; }

start() {
    "$BG" -f -c "$CONF" >> "$W/out" 2>&1 &
    BGPID=$!
    wait_for 10 test -S "$W/bg.sock"
}
stop() {
    kill -TERM "$BGPID" 2>/dev/null
    wait_for 20 dead "$BGPID"
    rc=$?
    wait "$BGPID" 2>/dev/null
    BGPID=
    return $rc
}

start
tap_ok $? "the daemon starts with a logfeed group"
wait_for 10 logged "log feed: following $LOG"
tap_ok $? "it says it follows the log file"

bounced 3F1A2B4C01 gone1@example.com
deferred 3F1A2B4C02 full@example.com
wait_for 15 suppressed gone1@example.com
tap_ok $? "a 5.1.1 bounce in the log suppresses gone1@ in the daemon's store"
"$CTL" -c "$CONF" show gone1@example.com > "$W/show1" 2>&1
grep -q '^source: *log' "$W/show1" && grep -q '^bucket: *hard' "$W/show1"
tap_ok $? "the suppression says source log, bucket hard"
wait_for 10 delays_are full@example.com 1
tap_ok $? "the deferral of full@ is in its history once"

kill -HUP "$BGPID"
wait_for 10 logged "configuration reloaded"
tap_ok $? "SIGHUP reloads"
bounced 3F1A2B4C03 gone2@example.com
deferred 3F1A2B4C04 full@example.com
wait_for 15 suppressed gone2@example.com
tap_ok $? "after the reload the feed still follows: gone2@ is suppressed"
sleep 2
N=$(delays full@example.com)
[ "$N" -eq 2 ]
tap_ok $? "after the reload full@ has 2 deferrals, nothing read twice (got $N)"

stop
tap_ok $? "SIGTERM stops the daemon and its feed"
[ -s "$W/logfeed.pos" ]
tap_ok $? "the feed saved its position"
deferred 3F1A2B4C05 full@example.com
start
tap_ok $? "the daemon starts again"
wait_for 10 delays_are full@example.com 3
tap_ok $? "the deferral logged while it was down is read"
sleep 3
N=$(delays full@example.com)
[ "$N" -eq 3 ]
tap_ok $? "after the restart full@ has 3 deferrals, none counted twice (got $N)"
N=$(grep -c 'log feed: following' "$W/out")
[ "$N" -eq 3 ]
tap_ok $? "the feed started at start, reload and restart ($N times)"
# authentication refusals in the log: three deferrals (and an ordinary
# one, and a bounced 5.7.26 whose DSN alerts elsewhere) give one alert
auth_deferred 3F1A2B4C06 u1@example.net
auth_deferred 3F1A2B4C07 u2@example.net
auth_deferred 3F1A2B4C08 u3@example.net
auth_deferred 3F1A2B4C06 u1@example.net # a retry: not counted again
deferred 3F1A2B4C09 full@example.net
auth_bounced 3F1A2B4C0A u4@example.net
wait_for 20 test -s "$ALERTS"
tap_ok $? "authentication deferrals in the log raise an alert"
sleep 3
N=$(alerts_of auth-bounce)
[ "$N" -eq 1 ]
tap_ok $? "exactly one alert for the three deferrals (got $N)"
grep -q '"example.net"' "$ALERTS" && grep -q '"count": *3' "$ALERTS" &&
    grep -q '4\.7\.26' "$ALERTS"
tap_ok $? "it names example.net, 4.7.26 and counts 3 refusals (a retry not again)"
grep -q '"sender_domain": *"a.test"' "$ALERTS"
tap_ok $? "it names our sending domain a.test (from qmgr's line)"
[ -n "${TAP_VERBOSE:-}" ] && sed 's/^/# /' "$ALERTS"
stop
tap_ok $? "the daemon stops again"
# what the daemon said, on a failure too
if [ -n "${TAP_VERBOSE:-}" ] || [ "$tap_failed" -ne 0 ]; then
    sed 's/^/# /' "$W/out"
fi
tap_done

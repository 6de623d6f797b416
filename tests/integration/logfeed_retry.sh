#!/bin/sh
# logfeed_retry.sh - what fails to start comes up by itself, with no mail
# passing: a store that does not open at start is tried again, and once it
# opens the log feed starts and reads the bounce logged meanwhile, the
# store's error logged once; a log file the daemon may not read is tried
# again, its error logged once, and followed once it is readable.  Every
# process started here is killed on exit.
. "${top_srcdir:?}/tests/lib/tap.sh"
. "${top_srcdir:?}/tests/lib/wait.sh"

BG=${top_builddir:-.}/bounceguard
CTL=${top_builddir:-.}/bounceguardctl
[ -x "$BG" ] && [ -x "$CTL" ] || tap_bail "bounceguard not built"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-lfr.XXXXXX") || exit 1
chmod 755 "$W"
BGPID=
cleanup() {
    [ -n "$BGPID" ] && kill -KILL "$BGPID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ROOT=
USER_LINE=
if [ "$(id -u)" -eq 0 ]; then
    ROOT=1
    chown nobody "$W"
    USER_LINE='user = "nobody";'
fi

# config NAME STORE-PATH LOG-PATH: writes $W/NAME.conf
config() {
    cat > "$W/$1.conf" <<EOF
socket = "unix:$W/$1.sock";
$USER_LINE
pidfile = "$W/$1.pid";
log_level = "info";
store = { path = "$2"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
alerts = { syslog = false; };
logfeed = {
    path = "$3";
    state_file = "$W/$1.pos";
    start_at_end = false;
    save_interval = "1s";
    poll_interval = "1s";
};
EOF
}
logged() { grep -q -e "$2" "$W/$1.out"; }
suppressed() { "$CTL" -c "$W/$1.conf" check "$2" >/dev/null 2>&1; }
bounced() { # bounced LOG QID ADDR: Postfix's smtp(8) line
    echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) mail postfix/smtp[4242]: $2: to=<$3>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <$3>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))" >> "$1"
}
start() { # start NAME
    "$BG" -f -c "$W/$1.conf" >> "$W/$1.out" 2>&1 &
    BGPID=$!
    wait_for 10 test -S "$W/$1.sock"
}
stop() {
    kill -TERM "$BGPID" 2>/dev/null
    wait_for 20 dead "$BGPID"
    rc=$?
    wait "$BGPID" 2>/dev/null
    BGPID=
    return $rc
}
show_out() { # on failure, or with TAP_VERBOSE: what the daemon said
    if [ -n "${TAP_VERBOSE:-}" ] || [ "$tap_failed" -ne 0 ]; then
        sed 's/^/# /' "$W/$1.out"
    fi
}

# 1. the store's directory does not exist yet when the daemon starts
: > "$W/a.log"
chmod 644 "$W/a.log"
config a "$W/db/a.db" "$W/a.log"
bounced "$W/a.log" 4A1B2C3D01 early@example.com
start a
tap_ok $? "the daemon starts while its store does not open"
wait_for 10 logged a "store unavailable: .*unable to open"
tap_ok $? "it says the store is unavailable"
logged a "log feed: following"
tap_ok $((!$?)) "the log feed waits for the store"
sleep 12 # at least one more attempt, failing the same way
N=$(grep -c "store unavailable" "$W/a.out")
[ "$N" -eq 1 ]
tap_ok $? "the same store error is logged once, not at each attempt (got $N)"
mkdir "$W/db"
[ -n "$ROOT" ] && chown nobody "$W/db"
bounced "$W/a.log" 4A1B2C3D02 meanwhile@example.com
wait_for 25 logged a "log feed: following"
tap_ok $? "with no mail passing the store opens and the feed starts"
wait_for 10 suppressed a meanwhile@example.com &&
    suppressed a early@example.com
tap_ok $? "both bounces logged before the store opened are recorded"
logged a "store open: sqlite, after [1-9][0-9]* failed attempts"
tap_ok $? "its opening is logged with the attempts that failed"
stop
tap_ok $? "the daemon stops"
show_out a

# 2. the log file is not readable by the daemon when it starts
if [ -n "$ROOT" ]; then
    : > "$W/b.log"
    chmod 600 "$W/b.log"
    config b "$W/b.db" "$W/b.log"
    bounced "$W/b.log" 4A1B2C3D03 hidden@example.com
    start b
    tap_ok $? "the daemon starts while its log is unreadable"
    wait_for 10 logged b "log feed not started: .*Permission denied"
    tap_ok $? "it says why the feed did not start"
    sleep 12 # at least one more attempt, failing the same way
    N=$(grep -c "log feed not started" "$W/b.out")
    [ "$N" -eq 1 ]
    tap_ok $? "the same failure is logged once, not at each attempt (got $N)"
    chmod 644 "$W/b.log"
    wait_for 25 logged b "log feed: following"
    tap_ok $? "once the log is readable the feed starts"
    wait_for 10 suppressed b hidden@example.com
    tap_ok $? "and the bounce it could not read is recorded"
    stop
    tap_ok $? "the daemon stops"
    show_out b
else
    tap_skip "an unreadable log needs root (the daemon runs as nobody)"
fi
tap_done

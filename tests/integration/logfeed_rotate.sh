#!/bin/sh
# logfeed_rotate.sh - the log follower loses and repeats nothing across
# rename rotation, copytruncate and restarts (saved position), including a
# restart after the file was rotated while the follower was down; and a
# log that cannot be opened is reported.
#
# Drives tests/integration/logfeed-follow (logfeed_tail + logfeed_pos),
# which prints every line it reads; every line written carries a serial
# number, and the numbers read must be exactly 1..N, in order, once each.
. "$top_srcdir/tests/lib/tap.sh"

FOLLOW="$top_builddir/tests/integration/logfeed-follow"
[ -x "$FOLLOW" ] || tap_bail "logfeed-follow not built"

W=$(mktemp -d /tmp/bg-logfeed-rotate.XXXXXX)
LOG=$W/maillog
STATE=$W/pos
OUT=$W/out
PID=
cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT INT TERM

# emit FROM TO FILE: appends Postfix delivery lines numbered FROM..TO
emit() {
    seq "$1" "$2" | awk '{ printf "Nov 25 22:24:21 mail postfix/smtp[4242]: 3F1A2B4C5D: to=<u%d@example.com>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.1]:25: Connection timed out)\n", $1 }' >> "$3"
}

start() {
    "$FOLLOW" "$LOG" "$STATE" >> "$OUT" 2>> "$W/err" &
    PID=$!
}

# stop: SIGTERM, and SIGKILL after 5 s so that a follower that does not
# stop cannot hang the test (it then fails: the counters line is missing)
stop() {
    kill -TERM "$PID" 2>/dev/null
    n=0
    while kill -0 "$PID" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
}

# wait_for N: until N lines were read (at most 10 s)
wait_for() {
    n=0
    while [ "$(wc -l < "$OUT")" -lt "$1" ] && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    sleep 0.3 # and nothing more arrives
}

# exactly N: the numbers read are 1..N in order, once each
exactly() {
    if [ "$(wc -c < "$OUT")" -gt 10000000 ]; then
        tap_diag "the follower wrote more than 10 MB: it repeats lines"
        return 1
    fi
    sed -n 's/.*to=<u\([0-9]*\)@.*/\1/p' "$OUT" > "$W/got"
    seq 1 "$1" > "$W/want"
    if cmp -s "$W/got" "$W/want"; then
        return 0
    fi
    tap_diag "want 1..$1, got $(wc -l < "$W/got") lines; first differences:"
    diff "$W/want" "$W/got" | head -5 | sed 's/^/# /'
    return 1
}

: > "$OUT"
emit 1 100 "$LOG"
start
wait_for 100
tap_check "reads an existing file from its start" exactly 100

emit 101 250 "$LOG"
wait_for 250
tap_check "follows appended lines" exactly 250

# rename rotation while a writer still appends to the old file
exec 3>>"$LOG"
mv "$LOG" "$LOG.1"
seq 251 300 | awk '{ printf "Nov 25 22:24:22 mail postfix/smtp[4242]: 3F1A2B4C5E: to=<u%d@example.com>, relay=none, dsn=2.0.0, status=sent (250 ok)\n", $1 }' >&3
exec 3>&-
emit 301 400 "$LOG"
wait_for 400
tap_check "rename rotation: old file finished, new file read" exactly 400

# logrotate "create": an empty new file appears before the writer
# reopens; what the writer still appends to the old file is not lost
exec 3>>"$LOG"
mv "$LOG" "$LOG.1"
: > "$LOG"
sleep 0.5
seq 401 420 | awk '{ printf "Nov 25 22:24:23 mail postfix/smtp[4242]: 3F1A2B4C5F: to=<u%d@example.com>, relay=none, dsn=2.0.0, status=sent (250 ok)\n", $1 }' >&3
sleep 0.5
exec 3>&-
wait_for 420
tap_check "rotation with an empty new file: the old file is read on" \
    exactly 420
emit 421 430 "$LOG"
wait_for 430
tap_check "... and the new file once the writer writes to it" exactly 430

# copytruncate once the follower has caught up
cp "$LOG" "$LOG.1"
: > "$LOG"
emit 431 480 "$LOG"
wait_for 480
tap_check "copytruncate: restarts at the start of the truncated file" \
    exactly 480

# truncate and grow past the old size at once
cp "$LOG" "$LOG.1"
: > "$LOG"
emit 481 730 "$LOG"
wait_for 730
tap_check "copytruncate then fast growth: detected by the last-line hash" \
    exactly 730

# restart: resume at the saved position
stop
emit 731 830 "$LOG"
start
wait_for 830
tap_check "restart resumes at the saved position" exactly 830

# restart after a rotation that happened while down
stop
emit 831 880 "$LOG"
mv "$LOG" "$LOG.1"
emit 881 930 "$LOG"
start
wait_for 930
tap_check "restart after rotation: finishes PATH.1, then the new file" \
    exactly 930

stop
[ "$(grep -c 'rotations=' "$W/err")" -eq 3 ]
tap_ok $? "each of the 3 followers stopped on SIGTERM and gave its counters"
sed 's/^/# /' "$W/err"

# a file that appears but cannot be opened is reported, not waited on in
# silence (root reads any file; a path through a regular file cannot open)
"$FOLLOW" "$W/sub/maillog" "$W/pos2" > /dev/null 2> "$W/err2" &
PID=$!
sleep 0.5
: > "$W/sub"
n=0
while kill -0 "$PID" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
grep -q "cannot open $W/sub/maillog: Not a directory" "$W/err2"
tap_ok $? "a log that appears but cannot be opened is reported ($(grep -m1 'cannot open' "$W/err2"))"
stop
tap_done

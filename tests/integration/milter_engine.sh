#!/bin/sh
# milter_engine.sh - the milter engines at the protocol level, with inputs
# no MTA sends in the happy path.  tests/milter/mproto_client.py plays the
# MTA against the real daemon on a unix socket: the negotiation, a whole
# outbound transaction answered exactly as the negotiated flags say (and
# tracked in the store), the same packets in one write and one byte a
# write, a 150 KB header and a 3 MB length prefix, garbage of several kinds
# while another connection goes on, more connections than threads, the idle
# timeout, a stop with connections open (the grace), QUIT_NC and a second
# session, ABORT and a second message, the client address of CONNECT, a
# DSN with its body and a header added at end of message, and a suppressed
# recipient refused with a 550 5.1.1 reply.
# The event engine (the default) gets every check; libmilter the ones that
# apply to both, each TAP line labelled with its engine.
. "$top_srcdir/tests/lib/tap.sh"

command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is not installed"
command -v sqlite3 >/dev/null 2>&1 || tap_skip_all "sqlite3 is not installed"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (the daemon drops to postfix)"
id postfix >/dev/null 2>&1 || tap_skip_all "no postfix user to run as"
BG_BIN=${BOUNCEGUARD:-$top_builddir/bounceguard}
CTL=$top_builddir/bounceguardctl
CLIENT=$top_srcdir/tests/milter/mproto_client.py
[ -x "$BG_BIN" ] || tap_bail "no bounceguard binary at $BG_BIN"
[ -x "$CTL" ] || tap_bail "no bounceguardctl binary at $CTL"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-me.XXXXXX") || exit 1
BGPID=
cleanup() {
    [ -n "$BGPID" ] && kill -KILL "$BGPID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 755 "$W"

# start_bg NAME ENGINE TIMEOUT [MILTER SETTINGS]: a fresh daemon and store
# in $W/NAME, the store holding a suppression of dead@remote.test; sets D,
# SOCK, BGPID.
start_bg() {
    D=$W/$1
    SOCK=$D/bg.sock
    mkdir -p "$D"
    cat >"$D/bg.conf" <<CONF
socket = "unix:$SOCK";
user = "postfix";
group = "postfix";
pidfile = "$D/bg.pid";
log_level = "info";
milter_timeout = "$3";
store = { backend = "sqlite"; path = "$D/bg.db"; batch_delay_ms = 10; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
milter = { engine = "$2"; threads = 2; add_header = true; ${4:-} };
CONF
    "$CTL" -c "$D/bg.conf" add --reason user_unknown dead@remote.test \
        >"$D/ctl.out" 2>&1 || tap_bail "cannot seed the store: $(cat "$D/ctl.out")"
    chown -R postfix:postfix "$D" && chmod 755 "$D"
    "$BG_BIN" -f -c "$D/bg.conf" >"$D/out" 2>&1 &
    BGPID=$!
    t=100
    while [ ! -S "$SOCK" ] && [ "$t" -gt 0 ] && kill -0 "$BGPID" 2>/dev/null
    do
        sleep 0.1
        t=$((t - 1))
    done
    [ -S "$SOCK" ] || { sed 's/^/# /' "$D/out"; tap_bail "bounceguard did not start"; }
}

# stop_bg: SIGTERM, the exit status in RC, the seconds it took (to the
# hundredth) in TOOK.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
stop_bg() { # stop_bg [T0_MS]: with T0 SIGTERM was sent at T0
    t0=${1:-$(now_ms)}
    [ -n "${1:-}" ] || kill -TERM "$BGPID"
    wait "$BGPID"
    RC=$?
    BGPID=
    TOOK=$(( $(now_ms) - t0 ))
    TOOK=$((TOOK / 1000)).$(printf '%02d' $((TOOK % 1000 / 10)))
}

# ck ENGINE DESCRIPTION SCENARIO [ARGS...]: one TAP line for a scenario of
# the client; its diagnostics follow as comments.
ck() {
    e=$1 what=$2
    shift 2
    timeout 120 python3 "$CLIENT" "$SOCK" "$e" "$@" >"$W/ck.out" 2>&1
    tap_ok $? "$e: $what"
    sed -n 's/^# /# /p; /^[^#]/s/^/# /p' "$W/ck.out"
}

alive() {
    kill -0 "$BGPID" 2>/dev/null
    tap_ok $? "$1: the daemon still runs ($2)"
}

# outbound ENGINE MSGID RECIPIENTS: the tracked row of a message, checked
# after the daemon stopped (the stop flushes the store's queue).
outbound() {
    r=$(sqlite3 "$D/bg.db" "select recipients from outbound where message_id = '$2'" 2>&1)
    [ "$r" = "$3" ]
    tap_ok $? "$1: $2 is tracked in the store for <$3> (got \"$r\")"
}

# The checks both engines take; $1 the engine.  Message-IDs carry the
# engine's name: one store per engine anyway, but the log reads better.
both_checks() {
    e=$1
    # 1. negotiation
    ck "$e" "OPTNEG: version <= 6, the flags bounceguard asks for, actions within the offer" optneg
    # 2. an outbound transaction, step by step as an MTA sends it
    ck "$e" "outbound transaction: no replies to NR steps, RCPT continues, EOH accepts" \
        txn "t2.$e@a.test" lockstep
    ck "$e" "outbound transaction without NR flags offered: every step answered" \
        txn "t2n.$e@a.test" lockstep narrow
    # 3. pipelining
    ck "$e" "the same packets in one write: the same replies in the same order" \
        txn "t3.$e@a.test" pipeline
    # 4. one byte a write
    ck "$e" "the same packets one byte a write: understood" \
        txn "t4.$e@a.test" split
    # many ESMTP parameters (more than the engine keeps on its stack)
    ck "$e" "MAIL with 100 ESMTP parameters, RCPT with 40: answered as usual" \
        params "t4p.$e@a.test"
    # the client's address from CONNECT alone decides the direction
    for fa in "4 127.0.0.1 y" "6 ::1 y" "6 IPv6:::1 y" "4 192.0.2.1 c" \
        "6 2001:db8::1 c" "U - c"; do
        set -- $fa
        ck "$e" "CONNECT family $1 address $2 without {client_addr}: RCPT to the suppressed address answered '$3'" \
            connaddr "$1" "$2" "$3"
    done
    # a DSN from outside: body chunks, EOM with a modification
    for m in lockstep pipeline split; do
        ck "$e" "a DSN from outside ($m): body chunks continue, EOM adds the verdict header and accepts" \
            dsn "$m" "$m"
    done
    # a DSN for more recipients than classify.max_recipients (100): the
    # rest are not recorded, and the log says so
    ck "$e" "a DSN for 150 recipients is accepted" dsnmany "many.$e" 150
    t=50
    until grep -q "more failed recipients than classify.max_recipients (100); the rest are not recorded" "$D/out" ||
        [ "$t" -eq 0 ]; do
        sleep 0.1
        t=$((t - 1))
    done
    [ "$t" -gt 0 ]
    tap_ok $? "$e: ... and the log says that the rest are not recorded"
    # 10. QUIT_NC and a second session on the connection
    ck "$e" "QUIT_NC: the connection carries a second session" \
        quitnc "t10a.$e@a.test" "t10b.$e@a.test"
    # 11. the reject path
    ck "$e" "RCPT to a suppressed recipient: 'y' with 550 5.1.1; the next RCPT continues" \
        reject dead@remote.test ok@remote.test "t11.$e@a.test" lockstep
    ck "$e" "the same, pipelined: the 'y' packet in its place among the replies" \
        reject dead@remote.test ok@remote.test "t11p.$e@a.test" pipeline
    # a message aborted after its header, then another on the session
    ck "$e" "ABORT, then a second message on the same session: accepted" \
        abort "t12a.$e@a.test" "t12b.$e@a.test"
    # 13. a DSN that writes the recipient in another case
    ck "$e" "a joined DSN for john.doe@ suppresses John.Doe@, the address we send to" \
        dsncase "t13.$e@a.test"
}

# 6. garbage.  The event engine ends a connection on any protocol error.
# libmilter (Debian's, 8.17) does too, except for a command before OPTNEG:
# its state machine restarts from HELO and runs it (early-served).
garbage_checks() {
    e=$1
    for seed in 1 2 3; do
        ck "$e" "random bytes (seed $seed) end the connection" garbage random $seed
    done
    if [ "$e" = libmilter ]; then
        ck "$e" "a command before OPTNEG is run, not refused (libmilter's way)" \
            early-served
    else
        ck "$e" "a command before OPTNEG ends the connection" garbage early
    fi
    ck "$e" "an unknown command ends the connection" garbage unknown
    ck "$e" "a packet of length 0 ends the connection" garbage zero
    ck "$e" "MAIL without its NUL ends the connection" garbage nonul
    ck "$e" "an OPTNEG without its numbers ends the connection" garbage shortopt
    if [ "$e" = libmilter ]; then
        ck "$e" "a second OPTNEG is dropped without a reply (libmilter's way)" \
            reoptneg-ignored "t6r.$e@a.test"
    else
        ck "$e" "a second OPTNEG ends the connection" garbage reoptneg
    fi
    others="random unknown zero nonul"
    [ "$e" = libmilter ] || others="$others early"
    ck "$e" "a connection mid-transaction completes while others send garbage; a new one works" \
        others "t6.$e@a.test" $others
    alive "$e" "after the garbage"
}

for e in event libmilter; do
    start_bg "$e" "$e" 1h
    both_checks "$e"
    garbage_checks "$e"
    if [ "$e" = event ]; then
        # 5. a 150 KB header; a 3 MB length prefix
        ck "$e" "a 150 KB header field is accepted, and a message after it" \
            big "t5.$e@a.test"
        ck "$e" "a 3 MB length prefix ends the connection; a new one works" \
            huge "t5h.$e@a.test"
        alive "$e" "after the 3 MB length prefix"
        # 7. more connections than threads (2)
        ck "$e" "20 connections held half way on 2 threads all complete" \
            many 20 "t7.$e"
        # 9. SIGTERM with connections open (the client sends it)
        t9=$(now_ms)
        ck "$e" "SIGTERM: a new connection is closed at once, one open finishes during the grace, an idle one is closed at its end" \
            stop "$BGPID" "t9.$e@a.test" 5
        t=$(sed -n 's/^sigterm_ms=//p' "$W/ck.out")
        [ -z "$t" ] || t9=$t
        stop_bg "$t9"
    else
        stop_bg
    fi
    [ "$RC" -eq 0 ]
    tap_ok $? "$e: SIGTERM: exit status 0 (got $RC)"
    ok=$(echo "$TOOK" | awk '{ print ($1 <= 6.5) ? 0 : 1 }')
    tap_ok "$ok" "$e: SIGTERM: the daemon exited within 6.5s (took ${TOOK}s)"
    [ ! -e "$SOCK" ]
    tap_ok $? "$e: SIGTERM: the socket file is removed"
    for m in t2 t2n t3 t4 t4p t10a t10b t11 t11p t12b t6; do
        outbound "$e" "$m.$e@a.test" ok@remote.test
    done
    n=$(sqlite3 "$D/bg.db" "select count(*) from events where address = 'gone@remote.test' and source = 'dsn'")
    [ "$n" = 3 ]
    tap_ok $? "$e: the three DSNs are recorded as events (count $n)"
    n=$(sqlite3 "$D/bg.db" "select count(*) from outbound where message_id = 't12a.$e@a.test'")
    [ "$n" = 0 ]
    tap_ok $? "$e: the aborted message is not tracked (count $n)"
    outbound "$e" "t6.$e@a.test.after" ok@remote.test
    if [ "$e" = event ]; then
        outbound "$e" "t5.$e@a.test" ok@remote.test
        outbound "$e" "t5.$e@a.test.next" ok@remote.test
        outbound "$e" "t5h.$e@a.test" ok@remote.test
        outbound "$e" "t9.$e@a.test" ok@remote.test
        n=$(sqlite3 "$D/bg.db" "select count(*) from outbound where message_id like 't7.$e.%'")
        [ "$n" = 20 ]
        tap_ok $? "$e: the 20 connections' messages are tracked (count $n)"
    fi
    [ "$tap_failed" -eq 0 ] || sed 's/^/# log: /' "$D/out" | tail -40
done

# enforce = "remove" past the 1000 recipients the filter keeps: the
# suppressed recipient logged as removed is removed
for e in event libmilter; do
    start_bg "remove-many-$e" "$e" 2h 'enforce = "remove";'
    ck "$e" "enforce = remove: the suppressed 1001st recipient is deleted at end of message" \
        remove-many "rmm.$e@a.test"
    stop_bg
done

# RCPT that cannot refuse (enforce = "tag": a header at end of message)
# asks for no RCPT reply; the message is still tracked
for e in event libmilter; do
    start_bg "tag-$e" "$e" 2h 'enforce = "tag";'
    ck "$e" "enforce = tag: OPTNEG also asks for no RCPT reply (SMFIP_NR_RCPT)" \
        optneg nr_rcpt
    ck "$e" "enforce = tag: RCPT unanswered, EOH accepts" \
        txn "tag.$e@a.test" lockstep
    stop_bg
    outbound "$e" "tag.$e@a.test" ok@remote.test
done

# enforce = "remove": the suppressed recipient is deleted at end of
# message; a recipient the filter did not look at keeps its copy
for e in event libmilter; do
    start_bg "remove-$e" "$e" 2h 'enforce = "remove";'
    ck "$e" "enforce = remove: a recipient too long to look at keeps the message (no discard)" \
        remove "rml.$e@a.test" long
    stop_bg
done

# 8. the idle timeout, on a daemon of its own (milter_timeout = 2s)
start_bg idle event 2s
ck event "idle connections (negotiated, silent, inside a packet) are closed after milter_timeout (2s); a busy one is not" \
    idle 2 "t8.event@a.test"
alive event "after the idle timeouts"
stop_bg
[ "$RC" -eq 0 ]
tap_ok $? "event (idle timeout): SIGTERM: exit status 0 (got $RC)"
tap_done

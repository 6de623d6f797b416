#!/bin/sh
# milter_miltertest.sh - Sendmail's side of the milter protocol: Debian's
# miltertest drives the real bounceguard daemon with Sendmail's macro names
# (tests/milter/sendmail_flow.lua): an outbound message is tracked, an
# inbound DSN for it is recorded and joined, the next outbound message to
# the dead recipient is refused at RCPT (enforce = reject), or has it
# deleted at end of message (remove), or gets a header (tag); inbound mail
# is left alone.  One fresh daemon and store per mode and engine (the event
# engine, the default, and libmilter).
. "$top_srcdir/tests/lib/tap.sh"

command -v miltertest >/dev/null 2>&1 ||
    tap_skip_all "miltertest is not installed (apt-get install miltertest)"
command -v sqlite3 >/dev/null 2>&1 || tap_skip_all "sqlite3 is not installed"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (the daemon drops to postfix)"
id postfix >/dev/null 2>&1 || tap_skip_all "no postfix user to run as"
BG_BIN=${BOUNCEGUARD:-$top_builddir/bounceguard}
[ -x "$BG_BIN" ] || tap_bail "no bounceguard binary at $BG_BIN"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-mt.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"

run_mode() { # run_mode MODE ENGINE
    d=$W/$1-$2
    mkdir -p "$d" && chown postfix:postfix "$d" && chmod 755 "$d"
    cat > "$d/bg.conf" <<CONF
socket = "unix:$d/bg.sock";
user = "postfix";
group = "postfix";
pidfile = "$d/bg.pid";
log_level = "info";
store = { backend = "sqlite"; path = "$d/bg.db"; batch_delay_ms = 10; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
milter = { add_header = true; enforce = "$1"; engine = "$2"; };
CONF
    MT_MODE=$1 BG_BIN=$BG_BIN BG_CONF=$d/bg.conf BG_SOCK=unix:$d/bg.sock \
        MT_DSN=$top_srcdir/tests/milter/dsn-remote.txt \
        timeout 120 miltertest -s "$top_srcdir/tests/milter/sendmail_flow.lua" \
        > "$d/mt.out" 2>&1
    rc=$?
    failed_before=$tap_failed
    # every "ok: ..." line of the script becomes one TAP line
    while IFS= read -r line; do
        case $line in
            "ok: "*) tap_ok 0 "$1/$2: ${line#ok: }" ;;
            *"FAILED: "*) tap_ok 1 "$1/$2: ${line#*FAILED: }" ;;
        esac
    done < "$d/mt.out"
    tap_ok "$rc" "$1/$2: the miltertest script ran to the end (exit $rc)"
    grep -q 'bounce: rcpt=<dead@remote.test>, reason=user_unknown, bucket=hard.*credible=yes (correlated)' "$d/mt.out"
    tap_ok $? "$1/$2: the DSN's decision was logged: hard, credible by correlation"
    grep -q "suppress: rcpt=<dead@remote.test>.*action=$1" "$d/mt.out"
    tap_ok $? "$1/$2: the enforcement was logged with reason and action"
    n=$(sqlite3 "$d/bg.db" "select count(*) from suppressions where address = 'dead@remote.test'" 2>/dev/null)
    [ "$n" = 1 ]
    tap_ok $? "$1/$2: the store holds the suppression (count $n)"
    n=$(sqlite3 "$d/bg.db" "select status || ',' || credible from events where address = 'relay@elsewhere.test' and source = 'smtp_reply'" 2>/dev/null)
    [ "$n" = "5.7.1,0" ]
    tap_ok $? "$1/$2: the MTA's own refusal is an smtp_reply event, never suppressing ($n)"
    [ "$tap_failed" -eq "$failed_before" ] || sed 's/^/# /' "$d/mt.out"
}

for engine in event libmilter; do
    for mode in reject remove tag; do
        run_mode "$mode" "$engine"
    done
done

# The store cannot be opened: milter.on_error, and a DSN is still accepted.
store_down() { # store_down ON_ERROR
    d=$W/down-$1
    mkdir -p "$d" && chown postfix:postfix "$d" && chmod 755 "$d"
    cat > "$d/bg.conf" <<CONF
socket = "unix:$d/bg.sock";
user = "postfix";
group = "postfix";
pidfile = "$d/bg.pid";
store = { backend = "sqlite"; path = "$d/missing/dir/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
milter = { on_error = "$1"; };
CONF
    MT_ON_ERROR=$1 BG_BIN=$BG_BIN BG_CONF=$d/bg.conf BG_SOCK=unix:$d/bg.sock \
        MT_DSN=$top_srcdir/tests/milter/dsn-remote.txt \
        timeout 120 miltertest -s "$top_srcdir/tests/milter/store_down.lua" \
        > "$d/mt.out" 2>&1
    rc=$?
    failed_before=$tap_failed
    while IFS= read -r line; do
        case $line in
            "ok: "*) tap_ok 0 "store down: ${line#ok: }" ;;
            *"FAILED: "*) tap_ok 1 "store down: ${line#*FAILED: }" ;;
        esac
    done < "$d/mt.out"
    tap_ok "$rc" "store down ($1): the script ran to the end (exit $rc)"
    case $1 in
        tempfail) says="outbound recipients are tempfailed" ;;
        *) says="mail is accepted unchecked" ;;
    esac
    grep -q "store unavailable: .*; $says" "$d/mt.out"
    tap_ok $? "store down ($1): logged, saying $says"
    [ "$tap_failed" -eq "$failed_before" ] || sed 's/^/# /' "$d/mt.out"
}
store_down accept
store_down tempfail
tap_done

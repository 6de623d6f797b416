#!/bin/sh
# milter_miltertest.sh - Sendmail's side of the milter protocol: Debian's
# miltertest drives the real bounceguard daemon with Sendmail's macro names
# (tests/milter/sendmail_flow.lua): an outbound message is tracked, an
# inbound DSN for it is recorded and joined, the next outbound message to
# the dead recipient is refused at RCPT, inbound mail is left alone.
. "$top_srcdir/tests/lib/tap.sh"

command -v miltertest >/dev/null 2>&1 ||
    tap_skip_all "miltertest is not installed (apt-get install miltertest)"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (the daemon drops to postfix)"
id postfix >/dev/null 2>&1 || tap_skip_all "no postfix user to run as"
BG_BIN=${BOUNCEGUARD:-$top_builddir/bounceguard}
[ -x "$BG_BIN" ] || tap_skip_all "no bounceguard binary at $BG_BIN"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-mt.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
chown postfix:postfix "$W"
cat > "$W/bg.conf" <<CONF
socket = "unix:$W/bg.sock";
user = "postfix";
group = "postfix";
pidfile = "$W/bg.pid";
log_level = "info";
store = { backend = "sqlite"; path = "$W/bg.db"; batch_delay_ms = 10; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
milter = { add_header = true; };
CONF

BG_BIN=$BG_BIN BG_CONF=$W/bg.conf BG_SOCK=unix:$W/bg.sock \
    MT_DSN=$top_srcdir/tests/milter/dsn-remote.txt \
    timeout 120 miltertest -s "$top_srcdir/tests/milter/sendmail_flow.lua" \
    > "$W/mt.out" 2>&1
rc=$?
# every "ok: ..." line of the script becomes one TAP line
while IFS= read -r line; do
    case $line in
        "ok: "*) tap_ok 0 "${line#ok: }" ;;
        *"FAILED: "*) tap_ok 1 "${line#*FAILED: }" ;;
    esac
done < "$W/mt.out"
tap_ok "$rc" "miltertest script ran to the end (exit $rc)"
grep -q 'bounce: rcpt=<dead@remote.test>, reason=user_unknown, bucket=hard.*credible=yes (correlated)' "$W/mt.out"
tap_ok $? "the DSN's decision was logged: hard, credible by correlation"
grep -q 'suppress: rcpt=<dead@remote.test>.*action=reject' "$W/mt.out"
tap_ok $? "the refusal was logged with reason and action"
n=$(sqlite3 "$W/bg.db" "select count(*) from suppressions where address = 'dead@remote.test'" 2>/dev/null)
[ "$n" = 1 ]
tap_ok $? "the store holds the suppression (count $n)"
[ "$tap_failed" -eq 0 ] || sed 's/^/# /' "$W/mt.out"
tap_done

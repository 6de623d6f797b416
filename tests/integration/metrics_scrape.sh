#!/bin/sh
# metrics_scrape.sh - the Prometheus endpoint of a running daemon: Debian's
# miltertest drives traffic through the real bounceguard
# (tests/milter/metrics_flow.lua: outbound mail, a DSN, a refused
# recipient), the endpoint is scraped while it runs, promtool checks the
# exposition, and the counters say what happened; the bounce-rate monitor
# (min_volume 1) raised its two levels once each.
. "$top_srcdir/tests/lib/tap.sh"

command -v miltertest >/dev/null 2>&1 ||
    tap_skip_all "miltertest is not installed (apt-get install miltertest)"
command -v curl >/dev/null 2>&1 || tap_skip_all "curl is not installed"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (the daemon drops to postfix)"
id postfix >/dev/null 2>&1 || tap_skip_all "no postfix user to run as"
BG_BIN=${BOUNCEGUARD:-$top_builddir/bounceguard}
[ -x "$BG_BIN" ] || tap_bail "no bounceguard binary at $BG_BIN"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-metrics.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
chown postfix:postfix "$W" && chmod 755 "$W"

# a free loopback port
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
    PORT=$((20000 + $$ % 20000))
cat > "$W/bg.conf" <<CONF
socket = "unix:$W/bg.sock";
user = "postfix";
group = "postfix";
pidfile = "$W/bg.pid";
log_level = "info";
store = { backend = "sqlite"; path = "$W/bg.db"; batch_delay_ms = 10; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
milter = { enforce = "reject"; };
alerts = { syslog = false; };
metrics = { enable = true; listen = "127.0.0.1:$PORT"; };
monitor = { min_volume = 1; check_interval = "1s"; domains = [ "a.test" ]; };
CONF
BG_BIN=$BG_BIN BG_CONF=$W/bg.conf BG_SOCK=unix:$W/bg.sock \
    MT_DSN=$top_srcdir/tests/milter/dsn-remote.txt \
    MT_URL=http://127.0.0.1:$PORT/metrics MT_SCRAPE=$W/scrape.txt \
    timeout 120 miltertest -s "$top_srcdir/tests/milter/metrics_flow.lua" \
    > "$W/mt.out" 2>&1
rc=$?
tap_ok "$rc" "the miltertest script ran to the end (exit $rc)"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$W/mt.out"
S=$W/scrape.txt
[ -s "$S" ]
tap_ok $? "the endpoint answered a scrape"

if command -v promtool >/dev/null 2>&1; then
    out=$(promtool check metrics < "$S" 2>&1)
    tap_ok $? "promtool check metrics accepts the exposition"
    [ -n "$out" ] && tap_diag "$out"
else
    tap_skip "promtool is not installed (apt-get install prometheus)"
fi
if command -v python3 >/dev/null 2>&1; then
    out=$(python3 "$top_srcdir/tests/integration/prom_check.py" "$S" 2>&1)
    tap_ok $? "the strict format check (prom_check.py) accepts it too"
    [ -n "$out" ] && tap_diag "$out"
else
    tap_skip "python3 is not installed: strict format check"
fi

# value NAME{LABELS}: the sample's value, or empty
value() { awk -v k="$1" '$1 == k { print $2 }' "$S"; }
at_least() { # at_least MIN SERIES
    v=$(value "$2")
    [ -n "$v" ] && awk -v v="$v" -v m="$1" 'BEGIN { exit !(v + 0 >= m) }'
    tap_ok $? "$2 >= $1 (is ${v:-absent})"
}
at_least 3 'bounceguard_messages_total{path="smtpd"}'
at_least 1 'bounceguard_dsns_total{path="smtpd"}'
at_least 1 'bounceguard_decisions_total{bucket="hard",reason="user_unknown"}'
at_least 1 'bounceguard_enforcements_total{action="reject"}'
at_least 1 'bounceguard_suppressions_total{change="added"}'
at_least 1 'bounceguard_store_lookup_seconds_count'
at_least 1 'bounceguard_store_write_seconds_count'
at_least 1 'bounceguard_dsn_decision_seconds_count'
at_least 2 'bounceguard_window_recipients{domain="a.test",window="24h",kind="sent"}'
at_least 1 'bounceguard_window_recipients{domain="a.test",window="24h",kind="hard"}'
at_least 2 'bounceguard_bounce_rate_level{domain="a.test"}'
grep -q '^bounceguard_rule_hits_total{rule="[^"]*"} 0$' "$S"
tap_ok $? "rules that never fired are listed at 0"
! grep -q '@' "$S"
tap_ok $? "no label holds an address"

n=$(grep -c 'monitor: a.test: bounce_rate_warn' "$W/mt.out")
[ "$n" -eq 1 ]
tap_ok $? "the warn level was announced once (saw $n)"
n=$(grep -c 'monitor: a.test: bounce_rate_crit' "$W/mt.out")
[ "$n" -eq 1 ]
tap_ok $? "the crit level was announced once (saw $n)"

code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>/dev/null)
[ "$code" != 200 ]
tap_ok $? "the daemon is gone after the script, endpoint closed (got ${code:-none})"

tap_done

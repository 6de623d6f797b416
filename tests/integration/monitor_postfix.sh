#!/bin/bash
# monitor_postfix.sh - the bounce-rate monitor end to end on the Postfix
# harness (milter_lib.sh): 100 messages submitted through A from
# sender@a.test, 5 of them to recipients B refuses with 550 5.1.1.  A's own
# DSNs reach bounceguard, so a.test's 24 h hard-bounce rate reads 5%: on the
# metrics endpoint, in "bounceguardctl report", and the 2% and 5% alerts
# were raised once each (syslog-free: the daemon's log).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue curl

mt_up
MPORT=$(pfh_free_port)
cat >> "$W/bg.conf" <<CONF
metrics = { enable = true; listen = "127.0.0.1:$MPORT"; };
monitor = { check_interval = "1s"; };
CONF
mt_bg_restart || { echo "Bail out! bounceguard did not restart"; exit 1; }
tap_ok 0 "A, B and bounceguard (metrics on $MPORT) are up"

sent=0
for i in $(seq 100); do
    if [ $((i % 20)) -eq 0 ]; then rcpt=dead$i@remote.test; else rcpt=ok$i@remote.test; fi
    pfh_send "$PSUB" sender@a.test "$rcpt" > /dev/null 2>&1 && sent=$((sent + 1))
done
[ "$sent" -eq 100 ]
tap_ok $? "100 messages submitted ($sent)"

mt_wait_sql "SELECT count(*) FROM suppressions WHERE address LIKE 'dead%@remote.test'" 5 60
tap_ok $? "the 5 refused recipients are suppressed (A's DSNs reached bounceguard)"
mt_wait_sql "SELECT count(*) FROM outbound" 100 30
tap_ok $? "the 100 messages are tracked"

scrape() { curl -s "http://127.0.0.1:$MPORT/metrics"; }
metric() { scrape | awk -v k="$1" '$1 == k { print $2 }'; }
rate=
for _ in $(seq 50); do
    rate=$(metric 'bounceguard_bounce_rate{domain="a.test",window="24h",bucket="hard"}')
    level=$(metric 'bounceguard_bounce_rate_level{domain="a.test"}')
    [ "${level:-0}" = 2 ] && break
    sleep 0.2
done
[ "$rate" = 0.050000 ]
tap_ok $? "the endpoint reads a.test's 24h hard rate as 5% ($rate)"
[ "${level:-}" = 2 ]
tap_ok $? "a.test's alert level is crit (${level:-none})"
sent24=$(metric 'bounceguard_window_recipients{domain="a.test",window="24h",kind="sent"}')
[ "$sent24" = 100 ]
tap_ok $? "100 recipients sent in the 24h window ($sent24)"

sleep 1.5 # one more check interval: nothing new may fire
out=$W/bounceguard.out
n=$(grep -c 'monitor: a.test: bounce_rate_warn' "$out")
[ "$n" -eq 1 ]
tap_ok $? "the 2% alert fired once (saw $n)"
n=$(grep -c 'monitor: a.test: bounce_rate_crit' "$out")
[ "$n" -eq 1 ]
tap_ok $? "the 5% alert fired once (saw $n)"
grep 'monitor: a.test:' "$out" | sed 's/^/# /'

line=$("$top_builddir/bounceguardctl" report --db "$DB" --since 1d | grep '^a\.test ')
[[ "$line" =~ ^a\.test\ +100\ +5\ +0\ +0\ +5\.00%\ .*CRIT$ ]]
tap_ok $? "bounceguardctl report: $line"

tap_done

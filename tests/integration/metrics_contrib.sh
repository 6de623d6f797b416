#!/bin/sh
# metrics_contrib.sh - the Grafana dashboard and the Prometheus rules in
# contrib/ stay in step with the metrics: valid JSON, rules accepted by
# promtool, and every metric name they use is one bounceguard.conf(5)
# documents (histogram suffixes aside).
. "$top_srcdir/tests/lib/tap.sh"

DASH=$top_srcdir/contrib/grafana/bounceguard.json
RULES=$top_srcdir/contrib/prometheus/bounceguard.rules.yml
MAN5=$top_srcdir/man/bounceguard.conf.5

if command -v python3 >/dev/null 2>&1; then
    python3 -m json.tool "$DASH" > /dev/null
    tap_ok $? "the dashboard is valid JSON"
else
    tap_skip "python3 is not installed: JSON check"
fi
if command -v promtool >/dev/null 2>&1; then
    promtool check rules "$RULES" > /dev/null
    tap_ok $? "promtool check rules accepts the alert rules"
else
    tap_skip "promtool is not installed (apt-get install prometheus)"
fi
for f in "$DASH" "$RULES"; do
    missing=
    for m in $(grep -o 'bounceguard_[a-z_]*' "$f" | sort -u); do
        base=$(printf '%s\n' "$m" | sed 's/_\(bucket\|count\|sum\)$//')
        grep -q "$base" "$MAN5" || missing="$missing $m"
    done
    [ -z "$missing" ]
    tap_ok $? "$(basename "$f") uses documented metric names only"
    [ -n "$missing" ] && tap_diag "undocumented:$missing"
done
tap_done

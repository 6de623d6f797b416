#!/bin/sh
# bench/report/run.sh - how long "bounceguardctl report" takes over a big
# history.  Usage: bench/report/run.sh [EVENTS=10000000] [DB]
#
# Generates EVENTS failure events (plus EVENTS/5 outbound messages and
# EVENTS/100 suppressions) over the last 7 days into a fresh SQLite store
# with gen_events.py (once: an existing DB is reused), then times the
# terminal report and the HTML report over 7 days, and the terminal
# report over 24 hours (the index on the event time then does the work),
# three times each, printing wall and CPU seconds and the median.
set -eu
N=${1:-10000000}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
CTL=$top_builddir/bounceguardctl
DB=${2:-$top_builddir/bench/report/events-$N.db}
[ -x "$CTL" ] || { echo "build bounceguardctl first" >&2; exit 1; }
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
    printf 'store = { path = "%s"; };\n' "$DB" > "$DB.conf"
    "$CTL" -c "$DB.conf" stats > /dev/null # creates the schema
    echo "# generating $N events into $DB"
    python3 "$top_srcdir/bench/report/gen_events.py" "$DB" "$N"
fi
echo "# $DB: $(sqlite3 "$DB" 'SELECT count(*) FROM events' 2>/dev/null || echo '?') events"
run() { # run LABEL ARGS...
    label=$1
    shift
    for i in 1 2 3; do
        /usr/bin/time -f "%e %U %S" "$CTL" report --db "$DB" "$@" \
            > /dev/null 2>> "$DB.times.$label" || exit 1
    done
    tail -3 "$DB.times.$label" | sort -n | awk -v l="$label" '
        { w[NR] = $1; c[NR] = $2 + $3 }
        END { printf "%-14s wall %s %s %s  median %.2f s  cpu median %.2f s\n",
              l, w[1], w[2], w[3], w[2], c[2] }'
}
run text-7d --since 7d
run html-7d --since 7d --html /dev/null
run text-24h --since 24h

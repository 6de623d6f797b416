#!/bin/sh
# bench/store/run.sh - the suppression store's benchmark.
#
#   durable decisions/s (group commit) on SQLite, and on PostgreSQL when a
#   private server can be started (root, Debian's postgresql);
#   lookups/s and p50/p99 latency with BENCH_SUPPRESSED (1,000,000)
#   suppressed addresses; peak memory (max RSS) of the lookup process at
#   10,000 and at BENCH_SUPPRESSED entries;
#   baseline: the plain sqlite3 command inserting the same rows (event +
#   suppression per decision) in one transaction, printed as a ratio.
#
# Usage: bench/store/run.sh [BUILDDIR]   (after "make tests/integration/store_driver")
# Env: BENCH_DECISIONS (200000), BENCH_SUPPRESSED (1000000),
#      BENCH_LOOKUPS (200000), BENCH_WORK (a temp dir).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
B=${1:-${top_builddir:-.}}
D=$B/tests/integration/store_driver
[ -x "$D" ] || { echo "run.sh: $D not built (make tests/integration/store_driver)" >&2; exit 77; }
N=${BENCH_DECISIONS:-200000}
M=${BENCH_SUPPRESSED:-1000000}
L=${BENCH_LOOKUPS:-200000}
W=${BENCH_WORK:-$(mktemp -d /tmp/bg-bench.XXXXXX)}
mkdir -p "$W"
cleanup() { [ -n "${PGUP:-}" ] && pgtmp_stop "$W"; rm -rf "$W"; }
trap cleanup EXIT
rss() { sed -n 's/^maxrss //p' "$1"; }
timed() { out=$1; shift; /usr/bin/time -f "maxrss %M" -o "$out" "$@"; }
now() { date +%s.%N; }

echo "== store benchmark: $N decisions, $M suppressed, $L lookups; $(nproc) cores"

# 1. durable decisions/s, SQLite (WAL, synchronous=FULL, group commit)
rm -f "$W/s.db"*
timed "$W/t1" "$D" -p "$W/s.db" -n "$N" -B 1000 -q 100000 record >"$W/r1"
sq=$(sed -n 's/^decisions\/s //p' "$W/r1")
echo "sqlite   durable decisions/s: $sq (peak RSS $(rss "$W/t1") KiB)"

# 2. baseline: the same rows through the sqlite3 command, one transaction
if command -v sqlite3 >/dev/null; then
    rm -f "$W/base.db"*
    sqlite3 "$W/s.db" .schema >"$W/schema.sql"
    sqlite3 "$W/base.db" "PRAGMA journal_mode=WAL" >/dev/null
    sqlite3 "$W/base.db" <"$W/schema.sql"
    awk -v n="$N" 'BEGIN {
        print "PRAGMA synchronous=FULL; BEGIN;";
        for (i = 0; i < n; i++) {
            a = "user-" i "@example.com"; t = 1700000000 + i;
            printf "INSERT INTO events (uuid, at, address, reason, bucket, auth, status, reply_code, diagnostic, source, action, credible, decision) VALUES (%c%032d%c, %d, %c%s%c, %cuser_unknown%c, %chard%c, 0, %c5.1.1%c, 550, %cdriver%c, %cdsn%c, %cfailed%c, 1, %csuppressed%c);\n", 39, i, 39, t, 39, a, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39;
            printf "INSERT INTO suppressions (address, domain, reason, bucket, status, reply_code, diagnostic, source, first_seen, last_seen, count, expires, manual) VALUES (%c%s%c, %cexample.com%c, %cuser_unknown%c, %chard%c, %c5.1.1%c, 550, %cdriver%c, %cdsn%c, %d, %d, 1, 0, 0);\n", 39, a, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, t, t;
        }
        print "COMMIT;" }' >"$W/base.sql"
    t0=$(now)
    sqlite3 "$W/base.db" <"$W/base.sql"
    t1=$(now)
    base=$(echo "$N $t0 $t1" | awk '{printf "%.0f", $1 / ($3 - $2)}')
    echo "baseline sqlite3 CLI decisions/s (the same event + suppression rows, one transaction): $base"
    echo "ratio store/baseline: $(echo "$sq $base" | awk '{printf "%.2f", $1 / $2}')"
else
    echo "baseline: SKIP (no sqlite3 command)"
fi

# 3. PostgreSQL, when a private server can be started
. "$TOP/tests/lib/pgtmp.sh"
if [ "$(id -u)" = 0 ] && pgtmp_start "$W"; then
    PGUP=1
    timed "$W/t3" "$D" -b postgresql -c "$PGTMP_CONNINFO" -n "$((N / 4))" -B 1000 \
        -q 100000 record >"$W/r3" 2>"$W/e3"
    echo "postgresql durable decisions/s: $(sed -n 's/^decisions\/s //p' "$W/r3") ($((N / 4)) decisions, 1 writer)"
else
    echo "postgresql: SKIP (no private server)"
fi

# 4. lookups at 10,000 and at M suppressed addresses
rm -f "$W/small.db"*
"$D" -p "$W/small.db" -n 10000 -B 1000 record >/dev/null
timed "$W/t4" "$D" -p "$W/small.db" -n "$L" -A 10000 bench-lookup >"$W/r4"
echo "lookup @10k:  $(cat "$W/r4") peak RSS $(rss "$W/t4") KiB"
rm -f "$W/s.db"*
t0=$(now)
"$D" -p "$W/s.db" -n "$M" -B 5000 -q 200000 record >/dev/null
t1=$(now)
echo "filled $M suppressions in $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s ($(du -m "$W/s.db" | cut -f1) MB)"
timed "$W/t5" "$D" -p "$W/s.db" -n "$L" -A "$M" bench-lookup >"$W/r5"
echo "lookup @$M: $(cat "$W/r5") peak RSS $(rss "$W/t5") KiB"
echo "goals: >= 20000 decisions/s (sqlite), p99 < 50 us at 1M, RSS flat in list size"

#!/bin/sh
# store_kill9.sh - kill -9 of a process in the middle of a stream of
# decisions: after restart every acknowledged decision is in the SQLite
# store and PRAGMA integrity_check is ok.
. "$top_srcdir/tests/lib/tap.sh"
D=$top_builddir/tests/integration/store_driver
[ -x "$D" ] || tap_bail "store_driver not built"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3 command"
W=$(mktemp -d /tmp/bg-kill9.XXXXXX)
trap 'rm -rf "$W"' EXIT
DB=$W/store.db

for round in 1 2 3; do
    : >"$W/out"
    "$D" -p "$DB" -n 1000000 -a 200 -P "r$round" record >"$W/out" 2>"$W/err" &
    pid=$!
    # let it acknowledge a few batches, then kill it without warning
    i=0
    while [ "$(grep -c acked "$W/out")" -lt $((round * 3)) ] && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    sleep 0.$round
    kill -9 $pid
    wait $pid 2>/dev/null
    last=$(grep acked "$W/out" | tail -1 | awk '{print $2}')
    tap_diag "round $round: last acknowledged decision before kill -9: ${last:-none}"
    tap_ok $([ -n "$last" ] && [ "$last" -gt 0 ]; echo $?) \
        "round $round: decisions were acknowledged before the kill"
    ic=$(sqlite3 "$DB" "PRAGMA integrity_check")
    tap_ok $([ "$ic" = ok ]; echo $?) "round $round: integrity_check is ok"
    "$D" -p "$DB" -n "${last:-1}" -P "r$round" lookup >"$W/look" 2>>"$W/err"
    tap_ok $? "round $round: every acknowledged decision is there ($(cat "$W/look"))"
done
# the store is usable after the last kill
"$D" -p "$DB" -n 100 -P after record >/dev/null 2>>"$W/err"
"$D" -p "$DB" -n 100 -P after lookup >/dev/null 2>>"$W/err"
tap_ok $? "the store takes new decisions after the crashes"
tap_done

#!/bin/sh
# store_diskfull.sh - the SQLite store's filesystem fills up (a 256 KiB
# tmpfs): a clear error is logged, lookups keep answering, decisions wait
# in memory up to store.queue_max, and all of them are written once space
# returns.
. "$top_srcdir/tests/lib/tap.sh"
D=$top_builddir/tests/integration/store_driver
[ -x "$D" ] || tap_bail "store_driver not built"
command -v sqlite3 >/dev/null || tap_skip_all "no sqlite3 command"
W=$(mktemp -d /tmp/bg-full.XXXXXX)
mkdir "$W/mnt"
if ! mount -t tmpfs -o size=256k tmpfs "$W/mnt" 2>/dev/null; then
    rm -rf "$W"
    tap_skip_all "cannot mount a tmpfs (needs root)"
fi
trap 'umount "$W/mnt" 2>/dev/null; rm -rf "$W"' EXIT
DB=$W/mnt/store.db
N=3000
: >"$W/out"; : >"$W/err"
"$D" -p "$DB" -n $N -a 1000 -q 500 -t 200 -P full record >"$W/out" 2>"$W/err" &
pid=$!
# wait until the writer reports the full disk
i=0
while ! grep -q "commit failed" "$W/err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
grep "commit failed" "$W/err" | head -1 | sed 's/^/# /'
grep -q "commit failed.*full" "$W/err"
tap_ok $? "a clear error names the full disk"
before=$(grep acked "$W/out" | tail -1 | awk '{print $2}')
sleep 1
after=$(grep acked "$W/out" | tail -1 | awk '{print $2}')
tap_ok $([ "${before:-0}" = "${after:-0}" ] && kill -0 $pid; echo $?) \
    "no acknowledgement while the disk is full (stuck at ${after:-0}), writer alive"
timeout 10 "$D" -p "$DB" -n 10 -P full lookup >"$W/look" 2>&1
rc=$?
tap_ok $([ $rc -le 1 ]; echo $?) "lookups answer while the disk is full ($(cat "$W/look" | tail -1))"
mount -o remount,size=64m "$W/mnt"
tap_diag "space returned"
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
wait $pid
tap_ok $? "the writer finished once space returned"
last=$(grep acked "$W/out" | tail -1 | awk '{print $2}')
tap_ok $([ "$last" = $N ]; echo $?) "all $N decisions acknowledged (last: $last)"
refused=$(sed -n 's/^refused //p' "$W/out")
tap_ok $([ "${refused:-0}" -gt 0 ]; echo $?) \
    "the in-memory bound (queue_max 500) held: $refused refusals, retried by the caller"
"$D" -p "$DB" -n $N -P full lookup >"$W/look" 2>&1
tap_ok $? "all of them are in the store ($(cat "$W/look"))"
ic=$(sqlite3 "$DB" "PRAGMA integrity_check")
tap_ok $([ "$ic" = ok ]; echo $?) "integrity_check is ok"
grep -q "commits again" "$W/err"
tap_ok $? "the recovery is logged"
tap_done

#!/bin/sh
# store_pgsql.sh - the PostgreSQL store against a real server started in a
# temp directory: stopped and started in the middle of a run (the local
# spool keeps the decisions; nothing is lost or applied twice), then two
# writers deciding on the same addresses at once (the counts add up), then
# outbound tracking by envelope id (migration, spool, lookups),
# Message-IDs learned after tracking, and two MTAs whose queue ids
# collide, and the log feed waiting for a server that is down.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pgtmp.sh"
D=$top_builddir/tests/integration/store_driver
[ -x "$D" ] || tap_bail "store_driver not built"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root to run PostgreSQL as postgres"
command -v psql >/dev/null || tap_skip_all "no psql"
W=$(mktemp -d /tmp/bg-pgsql.XXXXXX)
trap 'pgtmp_stop "$W"; rm -rf "$W"' EXIT
pgtmp_start "$W" || tap_skip_all "cannot start a private PostgreSQL ($PGTMP_BIN)"
C=$PGTMP_CONNINFO
if "$D" -b postgresql -c "$C" -n 0 lookup 2>&1 | grep -q "not built in"; then
    tap_skip_all "PostgreSQL backend not built"
fi

# 1. restart in the middle of a run: 20000 hard events on 500 addresses
N=20000
: >"$W/out"
"$D" -b postgresql -c "$C" -s "$W/spool" -n $N -a 500 -A 500 -P restart \
    -B 500 -w 150000 record >"$W/out" 2>"$W/err" &
pid=$!
i=0
while [ "$(grep -c acked "$W/out")" -lt 1 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
pgtmp_stop "$W"
tap_diag "server stopped after: $(grep acked "$W/out" | tail -1)"
sleep 2
spooled=$(grep -c . "$W/spool/pending.spool" 2>/dev/null || echo 0)
tap_diag "spooled while down: $spooled"
pgtmp_restart_only "$W"
tap_diag "server started again at: $(grep acked "$W/out" | tail -1)"
wait $pid
tap_ok $? "the writer finished the run across the restart"
tap_ok $([ "$spooled" -gt 0 ]; echo $?) "decisions were spooled while the server was down"
tap_ok $([ ! -s "$W/spool/pending.spool" ]; echo $?) "the spool was replayed and removed"
ev=$(pgtmp_psql "$W" "SELECT count(*), count(DISTINCT uuid) FROM events WHERE address LIKE 'restart-%'")
tap_ok $([ "$ev" = "$N|$N" ]; echo $?) "every event stored exactly once ($ev, want $N|$N)"
sum=$(pgtmp_psql "$W" "SELECT count(*), sum(count) FROM suppressions WHERE address LIKE 'restart-%'")
tap_ok $([ "$sum" = "500|$N" ]; echo $?) "suppression counts add up ($sum, want 500|$N)"
grep -q "spooling" "$W/err"; tap_ok $? "the outage was logged"
dg=$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'restart-%' AND diagnostic = E'driver:\\ttab\\nnewline \\\\backslash \"quote\" \\\\N end'")
tap_ok $([ "$dg" = $N ]; echo $?) "diagnostics with tabs, newlines, backslashes survive the spool ($dg)"

# 2. two writers, same 300 addresses, at once
M=10000
"$D" -b postgresql -c "$C" -n $M -S 0 -A 300 -P both -B 200 record >"$W/a" 2>"$W/ea" &
a=$!
"$D" -b postgresql -c "$C" -n $M -S $M -A 300 -P both -B 200 record >"$W/b" 2>"$W/eb" &
b=$!
wait $a; ra=$?
wait $b; rb=$?
tap_ok $([ $ra = 0 ] && [ $rb = 0 ]; echo $?) "both writers finished"
sum=$(pgtmp_psql "$W" "SELECT count(*), sum(count) FROM suppressions WHERE address LIKE 'both-%'")
tap_ok $([ "$sum" = "300|$((2 * M))" ]; echo $?) "concurrent counts add up exactly ($sum, want 300|$((2 * M)))"
ev=$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'both-%'")
tap_ok $([ "$ev" = $((2 * M)) ]; echo $?) "every concurrent event stored once ($ev)"
tap_diag "writer A: $(grep decisions "$W/a")  writer B: $(grep decisions "$W/b")"

# 3. a replay cut short by kill -9 and started again applies nothing twice
pgtmp_stop "$W"
K=10000
"$D" -b postgresql -c "$C" -s "$W/spool3" -n $K -A 100 -P replay -B 500 \
    record >"$W/c" 2>"$W/ec"
t0=$(date +%s)
"$D" -b postgresql -c "$C" -s "$W/spool4" -n 2000 -P replay lookup >"$W/l4" 2>"$W/el4"
rc=$?; t1=$(date +%s)
tap_ok $([ $rc = 1 ] && [ $((t1 - t0)) -le 5 ]; echo $?) \
    "lookups fail open and fast while the server is down ($(cat "$W/l4"), $((t1 - t0)) s, $(grep -c reader "$W/el4") connection attempts)"
spooled=$(grep -c . "$W/spool3/pending.spool" 2>/dev/null || echo 0)
tap_ok $([ "$spooled" = $K ]; echo $?) "all $K decisions spooled while the server is down ($spooled)"
pgtmp_restart_only "$W"
"$D" -b postgresql -c "$C" -s "$W/spool3" -n 0 -B 500 record >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'replay-%'")" -lt 1000 ] &&
    [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
kill -9 $pid; wait $pid 2>/dev/null
part=$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'replay-%'")
tap_diag "replay killed after $part events"
tap_ok $([ "$part" -lt $K ] && [ -s "$W/spool3/pending.spool" ]; echo $?) "the replay was cut short ($part of $K)"
"$D" -b postgresql -c "$C" -s "$W/spool3" -n 0 -B 500 record >/dev/null 2>&1
tap_ok $([ ! -s "$W/spool3/pending.spool" ]; echo $?) "the second replay finished"
ev=$(pgtmp_psql "$W" "SELECT count(*), count(DISTINCT uuid) FROM events WHERE address LIKE 'replay-%'")
sum=$(pgtmp_psql "$W" "SELECT sum(count) FROM suppressions WHERE address LIKE 'replay-%'")
tap_ok $([ "$ev" = "$K|$K" ] && [ "$sum" = $K ]; echo $?) "nothing applied twice (events $ev, counts $sum, want $K)"
dead=$(grep -c "deadlock" "$W/ea" "$W/eb" | awk -F: '{s+=$2} END {print s+0}')
tap_diag "batches retried after a deadlock: $dead"

# 4. outbound tracking by envelope id: a schema 1 database (no envid) is
# migrated, its rows still found; tracked envelope ids are found, through
# the spool too; an unknown one is not
"$D" -b postgresql -c "$C" -n 50 -P oldrow track >/dev/null 2>&1
pgtmp_psql "$W" "UPDATE outbound SET envid = NULL WHERE message_id LIKE 'oldrow-%';
    DROP INDEX outbound_envid; ALTER TABLE outbound DROP COLUMN envid;
    ALTER TABLE outbound DROP COLUMN mta;
    DELETE FROM schema_version WHERE version >= 2" >/dev/null
v=$(pgtmp_psql "$W" "SELECT max(version) FROM schema_version")
"$D" -b postgresql -c "$C" -n 100 -P envid track >"$W/t4" 2>"$W/et4"
rc=$?
v2=$(pgtmp_psql "$W" "SELECT max(version) FROM schema_version")
idx=$(pgtmp_psql "$W" "SELECT count(*) FROM pg_indexes WHERE indexname = 'outbound_envid'")
mta=$(pgtmp_psql "$W" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'outbound' AND column_name = 'mta'")
tap_ok $([ $rc = 0 ] && [ "$v" = 1 ] && [ "$v2" = 3 ] && [ "$idx" = 1 ] && [ "$mta" = 1 ]; echo $?) \
    "schema $v migrated to $v2 with the envid index ($idx) and the mta column ($mta), then $(cat "$W/t4")"
old=$(pgtmp_psql "$W" "SELECT count(*) FROM outbound WHERE message_id LIKE 'oldrow-%' AND envid IS NULL")
tap_ok $([ "$old" = 50 ]; echo $?) "rows tracked before the migration kept, without envelope id ($old)"
"$D" -b postgresql -c "$C" -n 100 -P envid find-envid >"$W/f4" 2>&1
tap_ok $? "every message found by its envelope id alone ($(cat "$W/f4"))"
"$D" -b postgresql -c "$C" -n 20 -P unknown find-envid >"$W/f4u" 2>&1
tap_ok $([ $? = 1 ] && grep -q "found 0 of 20" "$W/f4u"; echo $?) \
    "unknown envelope ids find nothing ($(cat "$W/f4u"))"
pgtmp_stop "$W"
"$D" -b postgresql -c "$C" -s "$W/spool5" -n 100 -P spooled track >/dev/null 2>"$W/et5"
spooled=$(grep -c "^O" "$W/spool5/pending.spool" 2>/dev/null || echo 0)
pgtmp_restart_only "$W"
"$D" -b postgresql -c "$C" -s "$W/spool5" -n 0 -B 500 record >/dev/null 2>&1
"$D" -b postgresql -c "$C" -n 100 -P spooled find-envid >"$W/f5" 2>&1
tap_ok $([ "$spooled" = 100 ] && [ ! -s "$W/spool5/pending.spool" ] &&
    grep -q "found 100 of 100" "$W/f5"; echo $?) \
    "envelope ids tracked while the server was down survive the spool ($spooled spooled, $(cat "$W/f5"))"
# a spool line written before envelope ids were tracked (7 fields) replays
mkdir -p "$W/spool6"
printf 'O\t%s\t%s\t%s\t%s\t%s\t%s\n' 0123456789abcdef0123456789abcdef \
    old-spool@example.org 4OLDSPOOL sender@example.org rcpt@example.com \
    1700000000 >"$W/spool6/pending.spool"
# and a damaged line whose number fields are \N: read as 0, no crash
printf 'M\t%s\t%s\t%s\t\\N\n' 0123456789abcdef0123456789abcde0 \
    damaged@example.org 4DAMAGED >>"$W/spool6/pending.spool"
"$D" -b postgresql -c "$C" -s "$W/spool6" -n 0 record >/dev/null 2>"$W/e6"
o6=$(pgtmp_psql "$W" "SELECT queue_id, envid IS NULL FROM outbound WHERE message_id = 'old-spool@example.org'")
tap_ok $([ "$o6" = "4OLDSPOOL|t" ] && [ ! -s "$W/spool6/pending.spool" ]; echo $?) \
    "a spool line of the old format replays, without envelope id ($o6), and a damaged one does no harm"

# 5. Message-IDs learned after tracking (milter.message_ids = "logfeed"):
# rows tracked without one get it by queue id, through the spool too; a
# row that has one keeps it
"$D" -b postgresql -c "$C" -n 50 -P late track-qid >/dev/null 2>&1
"$D" -b postgresql -c "$C" -n 50 -P late find-mid >"$W/f7a" 2>&1
"$D" -b postgresql -c "$C" -n 50 -P late set-mid >/dev/null 2>"$W/e7"
"$D" -b postgresql -c "$C" -n 50 -P late find-mid >"$W/f7" 2>&1
tap_ok $([ $? = 0 ] && grep -q "found 0 of 50" "$W/f7a"; echo $?) \
    "Message-IDs given by queue id (before: $(cat "$W/f7a"); after: $(cat "$W/f7"))"
"$D" -b postgresql -c "$C" -n 50 -P late2 track-qid >/dev/null 2>&1
pgtmp_stop "$W"
"$D" -b postgresql -c "$C" -s "$W/spool8" -n 50 -P late2 set-mid >/dev/null 2>"$W/e8"
spooled=$(grep -c "^M" "$W/spool8/pending.spool" 2>/dev/null || echo 0)
pgtmp_restart_only "$W"
"$D" -b postgresql -c "$C" -s "$W/spool8" -n 0 -B 500 record >/dev/null 2>&1
"$D" -b postgresql -c "$C" -n 50 -P late2 find-mid >"$W/f8" 2>&1
tap_ok $([ $? = 0 ] && [ "$spooled" = 50 ] && [ ! -s "$W/spool8/pending.spool" ]; echo $?) \
    "Message-IDs learned while the server was down survive the spool ($spooled spooled, $(cat "$W/f8"))"
pgtmp_psql "$W" "UPDATE outbound SET message_id = 'kept@example.org' WHERE queue_id = 'late-0.qid'" >/dev/null
"$D" -b postgresql -c "$C" -n 1 -P late set-mid >/dev/null 2>&1
k9=$(pgtmp_psql "$W" "SELECT message_id FROM outbound WHERE queue_id = 'late-0.qid'")
tap_ok $([ "$k9" = kept@example.org ]; echo $?) "a Message-ID already known is kept ($k9)"

# 6. two MTAs sharing the store whose queue ids collide (store.instance):
# what one's log feed learns by queue id reaches its own rows only, and a
# lookup by queue id alone finds its own message; a bounce's join by
# Message-ID still finds any MTA's
"$D" -b postgresql -c "$C" -I mta-a.test -n 40 -P coll track-qid >/dev/null 2>&1
"$D" -b postgresql -c "$C" -I mta-b.test -n 40 -P coll track-qid >/dev/null 2>&1
"$D" -b postgresql -c "$C" -I mta-a.test -n 40 -P coll set-mid >/dev/null 2>"$W/e10"
c10=$(pgtmp_psql "$W" "SELECT string_agg(mta || '=' || n, ' ' ORDER BY mta) FROM (SELECT mta, count(message_id) n FROM outbound WHERE queue_id LIKE 'coll-%' GROUP BY mta) g")
tap_ok $([ "$c10" = "mta-a.test=40 mta-b.test=0" ]; echo $?) \
    "a Message-ID learned by queue id goes to that MTA's rows only ($c10)"
"$D" -b postgresql -c "$C" -I mta-b.test -n 40 -P coll find-qid >"$W/f10b" 2>&1
rb=$?
"$D" -b postgresql -c "$C" -I mta-a.test -n 40 -P coll find-qid >"$W/f10a" 2>&1
ra=$?
tap_ok $([ $ra = 0 ] && [ $rb = 0 ]; echo $?) \
    "by queue id each MTA finds its own message (a: $(cat "$W/f10a"); b: $(cat "$W/f10b"))"
"$D" -b postgresql -c "$C" -I mta-b.test -n 40 -P coll find-mid >"$W/f10m" 2>&1
tap_ok $? "a bounce's join by Message-ID finds the other MTA's message ($(cat "$W/f10m"))"
old=$(pgtmp_psql "$W" "SELECT count(*) FROM outbound WHERE mta IS NULL AND message_id LIKE 'oldrow-%'")
new=$(pgtmp_psql "$W" "SELECT count(*) FROM outbound WHERE mta = '$(hostname)' AND message_id LIKE 'envid-%'")
tap_ok $([ "$old" = 50 ] && [ "$new" = 100 ]; echo $?) \
    "rows tracked before schema 3 have no instance ($old), later ones the host name by default ($new)"

# 7. a lookup that waits (the table locked by another session) gives up
# after store.lookup_timeout_ms, so that RCPT fails open at once rather
# than at the MTA's milter timeout; bounceguardctl's (no timeout) waits
"$D" -b postgresql -c "$C" -L 500 -P restart -w 2000000 lookup-time \
    >"$W/t11" 2>/dev/null &
p11=$!
"$D" -b postgresql -c "$C" -P restart -w 2000000 lookup-time \
    >"$W/t11b" 2>/dev/null &
p11b=$!
sleep 1 # both stores are open, their lookups 1 s away
pgtmp_psql "$W" "BEGIN; LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(5); COMMIT;" >/dev/null 2>&1
wait $p11 $p11b
t11=$(cat "$W/t11") t11b=$(cat "$W/t11b")
ms11=${t11##*ms=}
ms11b=${t11b##*ms=}
tap_ok $(case "$t11" in "rc=-1 ms="*) [ "$ms11" -lt 3000 ];; *) false;; esac; echo $?) \
    "a lookup behind a lock gives up after the timeout ($t11)"
tap_ok $(case "$t11b" in "rc=1 ms="*) [ "$ms11b" -ge 2000 ];; *) false;; esac; echo $?) \
    "... and waits for the lock without one ($t11b)"

# 8. the daemon's store opens while the server is down and keeps its
# decisions in memory until it returns (no spool); bounceguardctl's does
# not open
pgtmp_stop "$W"
"$D" -b postgresql -c "$C" -n 1 -P down lookup >/dev/null 2>&1
st12=$?
"$D" -b postgresql -c "$C" -d -n 30 -P downstart -t 30000 record >"$W/out12" 2>"$W/err12" &
pid12=$!
sleep 3
pgtmp_restart_only "$W"
wait $pid12
rc12=$?
n12=$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'downstart-%'")
tap_ok $([ $st12 = 2 ] && [ $rc12 = 0 ] && [ "$n12" = 30 ]; echo $?) \
    "a daemon's store opened while the server was down kept its 30 decisions ($n12 stored; a store without -d refused to open: $st12)"

# 9. the daemon's log feed while the server is down for longer than a
# flush may wait (10 s), with the store's memory queue (20 here, no spool)
# half taken: the feed stops reading the log, and reads on when the server
# is back; no line is lost.
RUN=$top_builddir/tests/integration/logfeed-run
cat >"$W/feed.conf" <<CONF
store = { backend = "postgresql"; conninfo = "$C"; queue_max = 20; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
logfeed = { path = "$W/maillog9"; poll_interval = "1s";
            state_file = "$W/feed.pos"; };
CONF
line9() {
    printf '%s mail postfix/smtp[4242]: 3F1A2B%04X: to=<feed9-%d@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$1" "$1"
}
: >"$W/maillog9"
pgtmp_stop "$W"
"$RUN" "$W/feed.conf" >"$W/feed.out" 2>&1 &
pid13=$!
sleep 1
i=0
while [ $i -lt 10 ]; do line9 $i; i=$((i + 1)); done >>"$W/maillog9"
sleep 2 # a commit has failed: the store is failing, its queue half taken
while [ $i -lt 200 ]; do line9 $i; i=$((i + 1)); done >>"$W/maillog9"
sleep 12
pgtmp_restart_only "$W"
n13=0 i=0
while [ "$n13" != 200 ] && [ $i -lt 60 ]; do
    sleep 0.5
    n13=$(pgtmp_psql "$W" "SELECT count(*) FROM events WHERE address LIKE 'feed9-%'" 2>/dev/null)
    i=$((i + 1))
done
kill $pid13
wait $pid13 2>/dev/null
tap_ok $([ "$n13" = 200 ]; echo $?) \
    "a log read while the server was down loses no line ($n13 of 200 recorded)"
grep -q 'reading paused' "$W/feed.out" && grep -q 'reading resumed' "$W/feed.out"
tap_ok $? "the feed says when it pauses for the store and when it reads on"
tap_done

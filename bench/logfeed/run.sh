#!/bin/sh
# bench/logfeed/run.sh - lines per second of a Postfix delivery log through
# parse + classify + store (bounceguardctl ingest into a temporary SQLite
# store), on one core, against `grep -c 'status='` over the same file in
# the same run as the floor; peak RSS from /usr/bin/time -v, measured on
# the full log and on a quarter of it (memory must stay flat).
#
# A third run keeps the database on tmpfs (/dev/shm) to show how much of
# the store's cost is the disk's (fsync) rather than the CPU's.
#
# Usage: run.sh [LINES]      (default 1000000)
# Needs: top_srcdir, top_builddir (make bench-logfeed sets them).
set -eu
LINES=${1:-1000000}
: "${top_srcdir:?}" "${top_builddir:?}"
CTL="$top_builddir/bounceguardctl"
[ -x "$CTL" ] || { echo "bench-logfeed: build bounceguardctl first" >&2; exit 1; }
W=$(mktemp -d /tmp/bg-bench-logfeed.XXXXXX)
SHM=
trap 'rm -rf "$W" ${SHM:+"$SHM"}' EXIT INT TERM
CPU="taskset -c 0"
command -v taskset >/dev/null 2>&1 || CPU=

# ------------------------------------------------------------ the log
# Mixed statuses the way a busy outbound relay logs them: per message one
# qmgr from= line, then deliveries (sent most, deferrals with a handful of
# recurring replies, bounces, connection and DNS failures), plus noise
# (smtpd connects, cleanup message-ids) that is not a delivery.
gen() {
    awk -v n="$1" 'BEGIN {
        srand(42);
        d[0] = "dsn=4.2.2, status=deferred (host mx%d.example.com[192.0.2.%d] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))";
        d[1] = "dsn=4.7.0, status=deferred (host mx%d.example.com[192.0.2.%d] said: 421 4.7.0 Try again later, closing connection. (in reply to MAIL FROM command))";
        d[2] = "dsn=4.4.1, status=deferred (connect to mx%d.example.com[192.0.2.%d]:25: Connection timed out)";
        d[3] = "dsn=4.2.0, status=deferred (host mx%d.example.com[192.0.2.%d] said: 450 4.2.0 <u@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html (in reply to RCPT TO command))";
        d[4] = "dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for name=example%d.net type=MX: Host not found, try again)";
        b[0] = "dsn=5.1.1, status=bounced (host mx%d.example.com[192.0.2.%d] said: 550 5.1.1 <u@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))";
        b[1] = "dsn=5.7.1, status=bounced (host mx%d.example.com[192.0.2.%d] said: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org (in reply to RCPT TO command))";
        b[2] = "dsn=5.2.1, status=bounced (host mx%d.example.com[192.0.2.%d] said: 550 5.2.1 The email account that you tried to reach is disabled. (in reply to RCPT TO command))";
        q = 0;
        for (i = 0; i < n; ) {
            q++;
            qid = sprintf("4%09X", q);
            ts = sprintf("Nov 25 %02d:%02d:%02d", int(i / 3600000) % 24, int(i / 60000) % 60, int(i / 1000) % 60);
            printf "%s mail postfix/qmgr[321]: %s: from=<app%d@sender.example>, size=%d, nrcpt=1 (queue active)\n", ts, qid, q % 50, 1000 + q % 9000; i++;
            if (i >= n) break;
            r = rand();
            rc = int(rand() * 200000);
            mx = rc % 7;
            pre = sprintf("%s mail postfix/smtp[%d]: %s: to=<user%d@dom%d.example>, relay=mx%d.example.com[192.0.2.%d]:25, delay=%.2f, delays=0.01/0/0.2/0.1, ", ts, 1000 + q % 500, qid, rc, rc % 1000, mx, mx, rand() * 5);
            if (r < 0.62) {
                printf "%sdsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)\n", pre, qid;
            } else if (r < 0.86) {
                k = int(rand() * 5);
                printf pre d[k] "\n", mx, mx;
            } else if (r < 0.93) {
                k = int(rand() * 3);
                printf pre b[k] "\n", mx, mx;
            } else {
                printf "%s mail postfix/smtpd[%d]: connect from unknown[198.51.100.%d]\n", ts, 2000 + q % 300, q % 250;
            }
            i++;
        }
    }'
}

echo "bench-logfeed: generating $LINES lines" >&2
gen "$LINES" > "$W/maillog"
gen $((LINES / 4)) > "$W/maillog.q"
SIZE=$(wc -c < "$W/maillog")

cat > "$W/bg.conf" <<CONF
store = { path = "$W/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
CONF

now() { date +%s.%N; }

# ------------------------------------------------------------ the floor
t0=$(now)
GREP_N=$($CPU grep -c 'status=' "$W/maillog")
t1=$(now)
GREP_S=$(echo "$t1 - $t0" | bc -l)

# ------------------------------------------------------------ parse + classify (no store)
/usr/bin/time -v $CPU "$CTL" -c "$W/bg.conf" ingest -q -n "$W/maillog" \
    > "$W/dry.out" 2> "$W/dry.time"

# ------------------------------------------------------------ parse + classify + store
/usr/bin/time -v $CPU "$CTL" -c "$W/bg.conf" ingest -q "$W/maillog" \
    > "$W/full.out" 2> "$W/full.time"
rm -f "$W/bg.db" "$W/bg.db-wal" "$W/bg.db-shm"
/usr/bin/time -v $CPU "$CTL" -c "$W/bg.conf" ingest -q "$W/maillog.q" \
    > "$W/quarter.out" 2> "$W/quarter.time"

# the join to outbound tracking (ingest -j; the live feed always joins):
# one store read per queue id, measured on the quarter log
rm -f "$W/bg.db" "$W/bg.db-wal" "$W/bg.db-shm"
/usr/bin/time -v $CPU "$CTL" -c "$W/bg.conf" ingest -q -j "$W/maillog.q" \
    > "$W/join.out" 2> "$W/join.time"

# the same with the database in memory (tmpfs): what is left once fsync
# costs nothing, i.e. the CPU share of the store
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    SHM=$(mktemp -d /dev/shm/bg-bench-logfeed.XXXXXX)
    sed "s|$W/bg.db|$SHM/bg.db|" "$W/bg.conf" > "$W/shm.conf"
    /usr/bin/time -v $CPU "$CTL" -c "$W/shm.conf" ingest -q "$W/maillog" \
        > "$W/shm.out" 2> "$W/shm.time"
    rm -rf "$SHM"
fi

# lines per CPU second (user + sys): the machine may be shared, and then
# wall-clock rates measure the neighbours as much as this program
cpu_rate() {
    awk -v n="$LINES" -v f="$2" '
        /User time \(seconds\)/ { u = $NF }
        /System time \(seconds\)/ { s = $NF }
        END { if (u + s > 0) printf "%.0f", f * n / (u + s); else print 0 }' "$1"
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$2"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }

FULL_RATE=$(field lines_per_s "$W/full.out")
DRY_RATE=$(field lines_per_s "$W/dry.out")
GREP_RATE=$(echo "$LINES / $GREP_S" | bc -l)
RATIO=$(echo "$FULL_RATE / $GREP_RATE" | bc -l)

echo "log: $LINES lines, $SIZE bytes; $(field deliveries "$W/full.out") deliveries, $(field recorded "$W/full.out") events recorded, $(field refused "$W/full.out") refused, cache hits $(field cache_hits "$W/full.out")"
printf 'floor  grep -c status=                 %10.0f lines/s (%s matches, %.3f s)\n' "$GREP_RATE" "$GREP_N" "$GREP_S"
printf 'ingest -n  parse + classify           %10.0f lines/s, %s lines per CPU second\n' "$DRY_RATE" "$(cpu_rate "$W/dry.time" 1)"
printf 'ingest     parse + classify + store   %10.0f lines/s (wall %s), %s lines per CPU second\n' "$FULL_RATE" "$(wall "$W/full.time")" "$(cpu_rate "$W/full.time" 1)"
if [ -n "$SHM" ]; then
    printf 'ingest     same, store on tmpfs       %10.0f lines/s (user %s s, sys %s s)\n' \
        "$(field lines_per_s "$W/shm.out")" \
        "$(sed -n 's/.*User time (seconds): //p' "$W/shm.time")" \
        "$(sed -n 's/.*System time (seconds): //p' "$W/shm.time")"
fi
printf 'ingest -j   with the outbound join    %10.0f lines/s, %s lines per CPU second (%d lines)\n' \
    "$(field lines_per_s "$W/join.out")" "$(cpu_rate "$W/join.time" 0.25)" $((LINES / 4))
printf 'ratio ingest / grep                   %10.3f\n' "$RATIO"
printf 'ratio ingest -n / grep                %10.3f\n' "$(echo "$DRY_RATE / $GREP_RATE" | bc -l)"
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'peak RSS: %s kB at %d lines, %s kB at %d lines\n' "$(rss "$W/full.time")" "$LINES" "$(rss "$W/quarter.time")" $((LINES / 4))
awk -v r="$FULL_RATE" -v d="$DRY_RATE" 'BEGIN {
    printf "goal >= 300000 lines/s: parse + classify %s, with the store %s\n",
        (d >= 300000 ? "met" : "NOT met"), (r >= 300000 ? "met" : "NOT met") }'

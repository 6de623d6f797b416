#!/bin/bash
# milter_stress.sh - 10,000 messages through A with bounceguard attached,
# 10% of them bouncing (B refuses dead<N>@remote.test with 550 5.1.1, so A
# writes 1,000 DSNs, each through bounceguard).  Checks: every ordinary
# message arrives at B's sink, every DSN arrives in the sender's mailbox,
# every DSN's decision is in the store (1,000 suppressions, 9,000 tracked
# messages), bounceguard's resident memory stays flat (second half of the
# run against the first), and Postfix never had to skip the milter.
# Slow (a few minutes on 2 cores).  MT_STRESS_N overrides the count.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"
. "$top_srcdir/tests/integration/milter_lib.sh"

mt_prologue
N=${MT_STRESS_N:-10000}
NDEAD=$((N / 10))
NOK=$((N - NDEAD))

MT_BG_LOG_LEVEL=notice
PFH_BG_LOG_LEVEL=notice
mt_up "default_process_limit = 20"
tap_ok 0 "A, B and bounceguard are up; B refuses dead<N>@remote.test"
bg_rss() { awk '/VmRSS/ { print $2 }' "/proc/$(cat "$W/bounceguard.pid")/status"; }
row() { sqlite3 "$DB" "$1" 2>/dev/null; }

# 4 SMTP sessions to the submission port, many messages per session
send_all() { # send_all FIRST LAST
    "$PFH_PYTHON" - "$PSUB" "$1" "$2" <<'PY'
import smtplib, sys, threading
port, first, last = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
errors = []
def worker(k):
    s = smtplib.SMTP("127.0.0.1", port, local_hostname="stress.a.test",
                     timeout=60)
    for i in range(first + k, last, 4):
        rcpt = "dead%d@remote.test" % i if i % 10 == 0 else "ok@remote.test"
        msg = ("From: <stress@a.test>\r\nTo: <%s>\r\nSubject: stress %d\r\n"
               "Message-ID: <stress.%d@a.test>\r\n\r\nmessage %d\r\n"
               % (rcpt, i, i, i))
        try:
            s.sendmail("stress@a.test", [rcpt], msg)
        except smtplib.SMTPException as e:
            errors.append("%d: %s" % (i, e))
            s = smtplib.SMTP("127.0.0.1", port, local_hostname="stress.a.test",
                             timeout=60)
    s.quit()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
for e in errors[:5]: print("# " + e)
sys.exit(1 if errors else 0)
PY
}

start=$(date +%s.%N)
send_all 0 $((N / 2))
tap_ok $? "first half submitted ($((N / 2)) messages)"
rss1=$(bg_rss)
send_all $((N / 2)) "$N"
tap_ok $? "second half submitted"
for i in $(seq 1200); do
    pfh_queue_empty a && break
    sleep 0.25
done
pfh_queue_empty a
tap_ok $? "A's queue drained"
end=$(date +%s.%N)
rss2=$(bg_rss)
tap_diag "$N messages in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s; bounceguard RSS ${rss1} kB at half, ${rss2} kB at the end"

sent=$(grep -c "to=<ok@remote.test>.*status=sent" "$(pfh_log b)")
[ "$sent" = "$NOK" ]
tap_ok $? "every ordinary message arrived at B's sink ($sent of $NOK)"
dsns=$(find "$(pfh_mailbox a)" -type f | wc -l)
[ "$dsns" = "$NDEAD" ]
tap_ok $? "every DSN arrived in the sender's mailbox ($dsns of $NDEAD)"
mt_wait_sql "select count(*) from suppressions where address like 'dead%@remote.test'" "$NDEAD" 30
tap_ok $? "every DSN's decision is in the store ($NDEAD suppressions)"
[ "$(row "select count(*) from events where source='postfix_dsn' and credible=1 and bucket='hard'")" = "$NDEAD" ]
tap_ok $? "each from a credible Postfix DSN, bucket hard"
mt_wait_sql "select count(*) from outbound" "$N" 30
tap_ok $? "every outbound message was tracked ($N)"
[ -n "$rss1" ] && [ -n "$rss2" ] && [ "$rss2" -le $((rss1 + rss1 / 5 + 2048)) ]
tap_ok $? "bounceguard's RSS stayed flat (${rss1} kB -> ${rss2} kB)"
! grep -Eq "warning: milter" "$(pfh_log a)"
tap_ok $? "Postfix never had to skip the milter"
tap_done

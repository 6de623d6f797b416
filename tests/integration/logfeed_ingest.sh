#!/bin/sh
# logfeed_ingest.sh - bounceguardctl ingest back-fills a delivery log from
# a file or standard input: the events it prints (-v) and records, the
# sender joined from the qmgr line, Sendmail's lines, the soft policy
# reached from the log's own timestamps, the summary and exit statuses.
. "$top_srcdir/tests/lib/tap.sh"

CTL="$top_builddir/bounceguardctl"
[ -x "$CTL" ] || tap_bail "bounceguardctl not built"
W=$(mktemp -d /tmp/bg-logfeed-ingest.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

cat > "$W/bg.conf" <<CONF
store = { path = "$W/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
policy = { soft_threshold = 3; soft_span = "1h"; };
CONF

# ISO timestamps an hour apart, ending now: the expiry of what they cause
# is counted from them
t() { date -u -d "$1 hours ago" +%Y-%m-%dT%H:%M:%S+00:00; }
T4=$(t 4) T3=$(t 3) T2=$(t 2) T1=$(t 1)
P="mail postfix/smtp[4242]"
SAID="relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5"
cat > "$W/maillog" <<LOG
$T4 mail postfix/qmgr[321]: 3F1A2B4C01: from=<app@example.org>, size=1234, nrcpt=1 (queue active)
$T3 $P: 3F1A2B4C01: to=<full@example.com>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
$T2 $P: 3F1A2B4C01: to=<full@example.com>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
$T1 $P: 3F1A2B4C01: to=<full@example.com>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
$T1 $P: 3F1A2B4C02: to=<gone@example.com>, $SAID, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))
$T1 $P: 3F1A2B4C03: to=<ok@example.com>, $SAID, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)
$T1 mail postfix/smtpd[555]: connect from unknown[192.0.2.9]
$T1 mx sm-mta[12345]: 4APMOLq1012345: to=<sm@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=30321, relay=mx.example.net. [198.51.100.1], dsn=5.1.1, stat=User unknown
LOG

"$CTL" -c "$W/bg.conf" ingest -n -v "$W/maillog" > "$W/dry" 2>&1
tap_ok $? "ingest -n exits 0"
grep -q '^full@example.com delayed mailbox_full soft 4.2.2 3F1A2B4C01$' "$W/dry"
tap_ok $? "-v prints a deferral as delayed, mailbox_full, soft"
grep -q '^gone@example.com failed user_unknown hard 5.1.1 ' "$W/dry" &&
    grep -q '^ok@example.com delivered delivered none 2.0.0 ' "$W/dry" &&
    grep -q '^sm@example.net failed user_unknown hard 5.1.1 ' "$W/dry"
tap_ok $? "bounces (Postfix and Sendmail) are hard, sent is a success"
grep -q 'lines=8 deliveries=6 .*recorded=0 ' "$W/dry"
tap_ok $? "the summary counts lines and deliveries; -n records nothing"
[ ! -e "$W/bg.db" ]
tap_ok $? "-n opens no store"

"$CTL" -c "$W/bg.conf" ingest - < "$W/maillog" > "$W/real" 2>&1
tap_ok $? "ingest - (standard input) exits 0"
grep -q 'recorded=6 refused=0' "$W/real"
tap_ok $? "six events recorded"
"$CTL" -c "$W/bg.conf" check full@example.com >/dev/null 2>&1
tap_ok $? "three deferrals over two hours of log time suppress full@"
"$CTL" -c "$W/bg.conf" check gone@example.com >/dev/null 2>&1
tap_ok $? "the 5.1.1 bounce suppresses gone@"
"$CTL" -c "$W/bg.conf" check ok@example.com >/dev/null 2>&1
tap_ok $(($? == 0)) "the delivered address is not suppressed"
"$CTL" -c "$W/bg.conf" show full@example.com > "$W/show" 2>&1
grep -q 'sender <app@example.org>' "$W/show" && grep -q '^source: *log' "$W/show"
tap_ok $? "the suppression carries the sender of the qmgr line and source log"

"$CTL" -c "$W/bg.conf" ingest "$W/nonexistent" > /dev/null 2>&1
tap_ok $(($? != 66)) "a missing file exits 66"
"$CTL" -c "$W/bg.conf" ingest > /dev/null 2>&1
tap_ok $(($? != 64)) "no argument is a usage error (64)"

# Syslog (RFC 3164) times carry no zone: each is local time at its own
# date, so a log read in winter keeps its summer lines' DST offset (and
# the other way round).  12:00 in Berlin is 10:00Z in July, 11:00Z in
# January, whenever the test runs.
mkdir "$W/tz"
cat > "$W/tz/bg.conf" <<CONF
store = { path = "$W/tz/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
CONF
{
    echo "Jul 25 12:00:00 $P: 3F1A2B4C11: to=<summer@example.com>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))"
    echo "Jan 25 12:00:00 $P: 3F1A2B4C12: to=<winter@example.com>, $SAID, dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))"
} > "$W/tz/maillog"
TZ=Europe/Berlin "$CTL" -c "$W/tz/bg.conf" ingest -q "$W/tz/maillog" \
    > /dev/null 2>&1
at() { sqlite3 "$W/tz/bg.db" "select at % 86400 from events where address='$1'"; }
s=$(at summer@example.com) w=$(at winter@example.com)
[ "$s" = 36000 ] && [ "$w" = 39600 ]
tap_ok $? "local times follow daylight saving (July 10:00Z: $s, January 11:00Z: $w)"

# The live feed (logfeed-run makes the daemon's calls) whose state file
# cannot be written says so once, not at every save_interval.
RUN="$top_builddir/tests/integration/logfeed-run"
mkdir "$W/live"
: > "$W/live/maillog"
cat > "$W/live/bg.conf" <<CONF
store = { path = "$W/live/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; };
logfeed = { path = "$W/live/maillog"; save_interval = "1s";
            state_file = "$W/live/no-such-dir/logfeed.pos"; };
CONF
"$RUN" "$W/live/bg.conf" > "$W/live/out" 2>&1 &
pid=$!
sleep 1
cat "$W/maillog" >> "$W/live/maillog"
sleep 3
kill "$pid"
wait "$pid" 2>/dev/null
n=$(grep -c 'logfeed.pos.*cannot create the position file' "$W/live/out")
[ "$n" -eq 1 ]
tap_ok $? "an unwritable state file is reported once, with its path ($n times)"
tap_done

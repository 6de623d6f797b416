#!/bin/bash
# bench/milter/run.sh - what attaching bounceguard costs Postfix.
#
# Usage: bench/milter/run.sh [MESSAGES=2000] [ROUNDS=3] [SESSIONS=8] [SIZE=2000]
#
# A private Postfix instance C (tests/lib/pfharness.sh, 127.0.0.1, a port
# picked at run time) receives MESSAGES messages from Postfix's smtp-source
# (one SMTP session per message, SESSIONS in parallel, SIZE bytes each) and
# delivers them to discard:.  Each round runs every mode once, interleaved,
# so slow drifts of the shared machine hit every mode alike:
#   none         no milter
#   null         bench/milter/nullmilter: libmilter, every callback, no work
#   floor        nullmilter -a: libmilter, "accept" at connect, so the MTA
#                sends nothing after the connect step: the least any
#                milter that sees each session costs; not in the default
#                MODES
#   steps        bench/milter/stepmilter: no work, on bounceguard's own
#                protocol codec, taking bounceguard's protocol steps for
#                outbound mail (replies at OPTNEG, RCPT and the end of the
#                headers, which cleanup(8) reads back and sends): what
#                those steps cost Postfix, whatever a filter does; not in
#                the default MODES
#   datastep     stepmilter -d: "accept" at DATA, so the MTA sends no
#                headers: the least a filter that can refuse recipients
#                costs; not in the default MODES
#   opendkim     Debian's OpenDKIM in verify mode (Mode v)
#   bounceguard  $top_builddir/bounceguard on its SQLite store
#   bgscrape     the same daemon while one curl process scrapes its
#                metrics endpoint 10 times a second (SCRAPE_RATE, like a
#                Prometheus with a 100 ms interval): what watching it costs
#   bglibmilter  the same daemon with milter.engine = "libmilter" (a
#                thread per connection) instead of its own event engine;
#                its own socket and store; not in the default MODES
#   bgauth       bounceguard with auth.outbound_check on (SPF of a.test,
#                the bench sender's domain, for one egress address, from a
#                dnsmasq on loopback; the results cached, as in the steady
#                state); not in the default MODES
#   bglog        bounceguard with milter.message_ids = "logfeed": its log
#                feed follows C's log and outbound mail is accepted at
#                DATA; not in the default MODES
#   bgauthlog    bgauth with milter.message_ids = "logfeed" (a domain's
#                headers are looked at once per verdict lifetime); not in
#                the default MODES
# all milters on unix sockets.  Each mode's rounds are logged to a file of
# their own (maillog.MODE), so a log feed reads only the lines of its own
# rounds.  Prints one line per run, then per mode the
# median of accepted msg/s (smtp-source's wall time), the median end-to-end
# msg/s (until the queue is empty) and the ratio of the median to "none".
# MODES="none null" limits the modes.  REUSE=yes sends each session's
# messages over one SMTP connection (smtp-source -d), as a submitting
# application or a relaying MTA does, instead of one connection per message.  Needs root, postfix, smtp-source;
# opendkim optional (the mode is skipped without it).  Takes about 3-4
# minutes with the defaults on 2 cores.
set -euo pipefail

N=${1:-2000}
R=${2:-3}
S=${3:-8}
SIZE=${4:-2000}
MODES=${MODES:-"none null opendkim bounceguard"}
case ${REUSE:-no} in
    yes) REUSE_FLAG=-d ;;
    no) REUSE_FLAG= ;;
    *) echo "REUSE must be yes or no" >&2; exit 2 ;;
esac

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
. "$top_srcdir/tests/lib/pfharness.sh"

SMTP_SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
[ -x "$SMTP_SOURCE" ] || { echo "smtp-source not found (package postfix)" >&2; exit 1; }
pfh_available || { echo "cannot run: $PFH_WHY" >&2; exit 1; }
case "$N$R$S$SIZE" in *[!0-9]*) echo "usage: $0 [N] [R] [S] [SIZE]" >&2; exit 2 ;; esac

pfh_init "${BENCH_WORKDIR:-}"
W=$PFH_W
stop_all() {
    [ -s "$W/bga/dnsmasq.pid" ] && kill "$(cat "$W/bga/dnsmasq.pid")" 2>/dev/null
    pfh_cleanup
}
trap stop_all EXIT INT TERM
echo "# work directory $W; $N messages x $R rounds, $S sessions, $SIZE bytes," \
    "connection reuse: ${REUSE:-no}"

PC=$(pfh_free_port)
pfh_instance c "$PC" "transport_maps = inline:{ bench.test=discard: }
milter_default_action = tempfail
milter_connect_macros = j {daemon_name} {daemon_addr} v _ {client_addr} {client_name}
smtpd_milters ="

# ---- the milters
declare -A SOCK
# start_bench_milter PROGRAM MODE [OPTION]: bench/milter/PROGRAM (nullmilter
# or stepmilter) on a socket of its own for MODE
start_bench_milter() {
    local prog=$1 mode=$2 bin=$top_builddir/bench/milter/$1
    [ -x "$bin" ] || { echo "# $mode: $bin not built (make bench/milter/$prog)"; return 1; }
    mkdir -p "$W/$mode"
    chmod 755 "$W/$mode"
    pfh_spawn "$prog-$mode" "$bin" -p "unix:$W/$mode/$mode.sock" ${3:+"$3"}
    pfh_wait_file "$W/$mode/$mode.sock" 10 >/dev/null
    SOCK[$mode]=unix:$W/$mode/$mode.sock
}
start_null() { start_bench_milter nullmilter null; }
start_floor() { start_bench_milter nullmilter floor -a; }
start_steps() { start_bench_milter stepmilter steps; }
start_datastep() { start_bench_milter stepmilter datastep -d; }

start_opendkim() {
    command -v opendkim >/dev/null || { echo "# opendkim: not installed"; return 1; }
    id opendkim >/dev/null 2>&1 || { echo "# opendkim: no opendkim user"; return 1; }
    mkdir -p "$W/dkim"
    chown opendkim "$W/dkim"
    chmod 755 "$W/dkim"
    cat > "$W/dkim/opendkim.conf" <<EOF
Syslog            no
Mode              v
Socket            local:$W/dkim/opendkim.sock
PidFile           $W/dkim/opendkim.pid
UserID            opendkim
UMask             000
AlwaysAddARHeader yes
AuthservID        c.bounceguard.test
EOF
    pfh_spawn opendkim opendkim -f -x "$W/dkim/opendkim.conf"
    pfh_wait_file "$W/dkim/opendkim.sock" 10 >/dev/null
    SOCK[opendkim]=unix:$W/dkim/opendkim.sock
}

start_bounceguard() {
    local bin
    bin=$(pfh_bounceguard_bin)
    [ -x "$bin" ] || { echo "# bounceguard: $bin not built"; return 1; }
    PFH_BG_LOG_LEVEL=${PFH_BG_LOG_LEVEL:-info}
    [ -f "$top_srcdir/conf/rules.conf" ] &&
        PFH_BG_EXTRA_CONF="classify = { rules_file = \"$top_srcdir/conf/rules.conf\"; };"
    # BG_BENCH_CONF: extra configuration text for bounceguard (and bgscrape),
    # e.g. 'milter = { noreply = true; };'
    [ -n "${BG_BENCH_CONF:-}" ] &&
        PFH_BG_EXTRA_CONF="${PFH_BG_EXTRA_CONF:-}
$BG_BENCH_CONF"
    case " $MODES " in *" bgscrape "*)
        METRICS_PORT=$(pfh_free_port)
        PFH_BG_EXTRA_CONF="${PFH_BG_EXTRA_CONF:-}
metrics = { enable = true; listen = \"127.0.0.1:$METRICS_PORT\"; };" ;;
    esac
    pfh_bounceguard_config "$W/bounceguard.conf"
    pfh_bounceguard_start "$W/bounceguard.conf" || return 1
    SOCK[bounceguard]=unix:$PFH_BG_SOCKET
}

# start_own_bg NAME DIR [CONF LINE...]: another bounceguard daemon with its
# own socket, store and configuration in DIR, the lines added to it
start_own_bg() {
    local name=$1 d=$2 bin
    shift 2
    bin=$(pfh_bounceguard_bin)
    [ -x "$bin" ] || { echo "# $name: $bin not built"; return 1; }
    mkdir -p "$d" && chown postfix:postfix "$d" && chmod 755 "$d"
    printf '%s\n' "socket = \"unix:$d/bg.sock\";" 'user = "postfix";' \
        'group = "postfix";' "pidfile = \"$d/bounceguard.pid\";" \
        "log_level = \"${PFH_BG_LOG_LEVEL:-info}\";" \
        "store = { backend = \"sqlite\"; path = \"$d/bounceguard.db\"; };" \
        "classify = { rules_file = \"$top_srcdir/conf/rules.conf\"; };" \
        "$@" > "$d/bg.conf"
    pfh_spawn "$name" "$bin" -f -c "$d/bg.conf"
    pfh_wait_file "$d/bg.sock" 10 >/dev/null || return 1
    SOCK[$name]=unix:$d/bg.sock
}

# a dnsmasq serving a.test's SPF record on a loopback port ($DNS_PORT),
# started once for the modes with SPF/DKIM checks
DNS_PORT=
start_dns() {
    local d=$W/bga
    [ -n "$DNS_PORT" ] && return 0
    command -v dnsmasq >/dev/null || { echo "# no dnsmasq"; return 1; }
    mkdir -p "$d" && chown postfix:postfix "$d" && chmod 755 "$d"
    DNS_PORT=$(pfh_free_port)
    printf '%s\n' "port=$DNS_PORT" listen-address=127.0.0.1 bind-interfaces \
        no-resolv no-hosts local=/test/ local-ttl=300 log-queries \
        'txt-record=a.test,"v=spf1 ip4:192.0.2.25 -all"' > "$d/dnsmasq.conf"
    dnsmasq --conf-file="$d/dnsmasq.conf" --pid-file="$d/dnsmasq.pid" \
        --log-facility="$d/dnsmasq.log" || { DNS_PORT=; return 1; }
}
auth_conf() {
    echo "auth = { outbound_check = true; egress_addresses = [\"192.0.2.25\"];" \
        "resolver = \"127.0.0.1@$DNS_PORT\"; };"
}
# the log feed of MODE: C's log of that mode's rounds, made readable by
# the daemon's user before postlogd(8) opens it
logfeed_conf() {
    install -m 644 /dev/null "$(pfh_log c).$1"
    echo "milter = { message_ids = \"logfeed\"; };" \
        "logfeed = { path = \"$(pfh_log c).$1\"; state_file = \"$2/logfeed.pos\"; };"
}

# bounceguard with the outbound SPF/DKIM checks on
start_bgauth() {
    start_dns && start_own_bg bgauth "$W/bga" "$(auth_conf)"
}
# bounceguard taking Message-IDs from the log, with and without the checks
start_bglog() {
    start_own_bg bglog "$W/bgl" "$(logfeed_conf bglog "$W/bgl")"
}
start_bgauthlog() {
    start_dns &&
        start_own_bg bgauthlog "$W/bgal" "$(auth_conf)" \
            "$(logfeed_conf bgauthlog "$W/bgal")"
}

# bounceguard on libmilter
start_bglibmilter() {
    start_own_bg bglibmilter "$W/bglm" 'milter = { engine = "libmilter"; };'
}

RUN_MODES=
for m in $MODES; do
    case $m in
        none) RUN_MODES="$RUN_MODES none" ;;
        null | floor | steps | datastep | opendkim | bounceguard | bglibmilter | \
            bgauth | bglog | bgauthlog)
            if "start_$m"; then RUN_MODES="$RUN_MODES $m"; else
                echo "# mode $m skipped"; fi ;;
        bgscrape)
            case " $MODES " in *" bounceguard "*) ;; *)
                echo "bgscrape needs the bounceguard mode" >&2; exit 2 ;; esac
            command -v curl >/dev/null || { echo "# bgscrape: no curl"; continue; }
            RUN_MODES="$RUN_MODES bgscrape" ;;
        *) echo "unknown mode $m" >&2; exit 2 ;;
    esac
done

pfh_start c
SPOOL=$W/c/spool
queued() {
    find "$SPOOL/incoming" "$SPOOL/active" "$SPOOL/deferred" \
        "$SPOOL/maildrop" -type f 2>/dev/null | wc -l
}

SOCK[bgscrape]=${SOCK[bounceguard]:-}
if [ -z "${SOCK[bgscrape]}" ] && [[ " $RUN_MODES " == *" bgscrape "* ]]; then
    echo "# bgscrape skipped: bounceguard did not start"
    RUN_MODES=${RUN_MODES/ bgscrape/}
fi
SCRAPE_RATE=${SCRAPE_RATE:-10/s}
SCRAPES=$W/scrapes.txt
scraper() { # scrapes until killed, one process and connection, as a
    # Prometheus server does; one status line per scrape in $SCRAPES
    exec stdbuf -oL curl -s -o /dev/null -w '%{http_code}\n' \
        --rate "$SCRAPE_RATE" \
        "http://127.0.0.1:$METRICS_PORT/metrics?n=[1-100000000]" >> "$SCRAPES"
}

RES=$W/results.txt
: > "$RES"
for r in $(seq "$R"); do
    for m in $RUN_MODES; do
        pfh_postconf c "smtpd_milters = ${SOCK[$m]:-}" \
            "maillog_file = $(pfh_log c).$m"
        pfh_reload c
        sleep 1.5
        scraper_pid=
        if [ "$m" = bgscrape ]; then scraper & scraper_pid=$!; fi
        t0=$(date +%s.%N)
        "$SMTP_SOURCE" ${REUSE_FLAG:+"$REUSE_FLAG"} -s "$S" -m "$N" -l "$SIZE" -f bench@a.test \
            -t rcpt@bench.test -M client.test "127.0.0.1:$PC"
        t1=$(date +%s.%N)
        while [ "$(queued)" -gt 0 ]; do sleep 0.05; done
        t2=$(date +%s.%N)
        if [ -n "$scraper_pid" ]; then
            kill "$scraper_pid" 2>/dev/null; wait "$scraper_pid" 2>/dev/null || true
        fi
        printf '%s round=%d accept_msg_s=%.1f end_to_end_msg_s=%.1f\n' "$m" "$r" \
            "$(echo "$N / ($t1 - $t0)" | bc -l)" \
            "$(echo "$N / ($t2 - $t0)" | bc -l)" | tee -a "$RES"
    done
done

# CPU time (user + system) each milter process used over its N x R
# messages, from /proc/PID/stat, before anything is stopped
cpu_per_message() { # NAME PIDFILE
    local pid ticks hz
    [ -s "$2" ] || return 0
    pid=$(cat "$2")
    [ -r "/proc/$pid/stat" ] || return 0
    ticks=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')
    hz=$(getconf CLK_TCK)
    echo "# cpu: $1 used $(echo "scale=2; $ticks / $hz" | bc -l) s," \
        "$(echo "scale=1; $ticks * 1000000 / $hz / ($N * $R)" | bc -l) us per message"
}
for m in $RUN_MODES; do
    case $m in
        null | floor) cpu_per_message "$m" "$W/nullmilter-$m.pid" ;;
        steps | datastep) cpu_per_message "$m" "$W/stepmilter-$m.pid" ;;
        opendkim) cpu_per_message "$m" "$W/opendkim.pid" ;;
        bounceguard) cpu_per_message "$m (with bgscrape if run)" "$W/bounceguard.pid" ;;
        bgauth) cpu_per_message "$m" "$W/bgauth.pid" ;;
        bglibmilter | bglog | bgauthlog) cpu_per_message "$m" "$W/$m.pid" ;;
    esac
done

LOGS=$(pfh_log c)*
sent=$(cat $LOGS | grep -c 'status=sent' || true)
bad=$(cat $LOGS | grep -cE 'status=(bounced|deferred)|milter-reject|reject:|warning: .*[Mm]ilter' || true)
runs=$(wc -l < "$RES")
echo "# maillog: sent=$sent (expected $((N * runs))) problems=$bad"
if [ -s "$SCRAPES" ]; then
    echo "# metrics scrapes: $(grep -c '^200$' "$SCRAPES") answered 200 of $(wc -l < "$SCRAPES")"
fi
# evidence that bounceguard did its work: the outbound mail it recorded
# (counted once it has stopped and flushed its store)
db=$W/bg/bounceguard.db
if [ -n "${SOCK[bounceguard]:-}" ] && [ -f "$db" ] && command -v sqlite3 >/dev/null; then
    pfh_stop c
    pfh_kill bounceguard || echo "# bounceguard did not stop on SIGTERM"
    nbg=$(printf '%s\n' $RUN_MODES | grep -c -e '^bounceguard$' -e '^bgscrape$')
    echo "# bounceguard store: $(sqlite3 "$db" 'SELECT count(*) FROM outbound' 2>/dev/null ||
        echo '?') outbound rows (expected $((N * R * nbg)))"
fi

if [ -n "${SOCK[bglibmilter]:-}" ]; then
    pfh_kill bglibmilter || echo "# bglibmilter did not stop on SIGTERM"
    echo "# bglibmilter store: $(sqlite3 "$W/bglm/bounceguard.db" 'SELECT count(*) FROM outbound' 2>/dev/null ||
        echo '?') outbound rows (expected $((N * R)))"
fi

# evidence that bgauth checked: its outbound rows and the SPF queries
# dnsmasq answered (a handful: the results are cached)
if [ -n "${SOCK[bgauth]:-}" ]; then
    pfh_kill bgauth || echo "# bgauth did not stop on SIGTERM"
    echo "# bgauth store: $(sqlite3 "$W/bga/bounceguard.db" 'SELECT count(*) FROM outbound' 2>/dev/null ||
        echo '?') outbound rows (expected $((N * R))); dnsmasq answered" \
        "$(grep -c 'query\[TXT\] a.test' "$W/bga/dnsmasq.log" 2>/dev/null || true)" \
        "TXT queries for a.test"
fi

# evidence that the log modes tracked every message and learned its
# Message-ID from the log (once their feeds have read the last lines)
case " $RUN_MODES " in *" bglog "* | *" bgauthlog "*) sleep 3 ;; esac
for m in bglog bgauthlog; do
    [ -n "${SOCK[$m]:-}" ] || continue
    d=$W/bgl
    [ $m = bgauthlog ] && d=$W/bgal
    pfh_kill $m || echo "# $m did not stop on SIGTERM"
    echo "# $m store: $(sqlite3 "$d/bounceguard.db" \
        'SELECT count(*), count(message_id) FROM outbound' 2>/dev/null ||
        echo '?') outbound rows, with Message-ID (expected $((N * R)) each)"
done

"$PFH_PYTHON" - "$RES" <<'PY'
import collections
import statistics
import sys

acc = collections.OrderedDict()
e2e = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    kv = dict(x.split("=") for x in p[1:])
    acc.setdefault(p[0], []).append(float(kv["accept_msg_s"]))
    e2e[p[0]].append(float(kv["end_to_end_msg_s"]))
base = statistics.median(acc["none"]) if "none" in acc else None
print("%-12s %10s %8s %14s  %s" % ("mode", "accept/s", "e2e/s",
                                   "ratio vs none", "runs (accept/s)"))
for m, a in acc.items():
    ma = statistics.median(a)
    ratio = "%.2f" % (ma / base) if base else "n/a"
    print("%-12s %10.1f %8.1f %14s  %s" % (
        m, ma, statistics.median(e2e[m]), ratio,
        ", ".join("%.0f" % x for x in a)))
if "bgscrape" in acc and "bounceguard" in acc:
    # rounds interleave the modes: the ratio within each round cancels
    # the drift of a shared machine
    r = [s / b for s, b in zip(acc["bgscrape"], acc["bounceguard"])]
    print("bgscrape / bounceguard per round: %s; median %.3f" % (
        ", ".join("%.3f" % x for x in r), statistics.median(r)))
# rounds interleave the modes: the ratio to "none" within each round
# cancels the drift of a shared machine
for m, a in acc.items():
    if m == "none" or "none" not in acc:
        continue
    r = [s / b for s, b in zip(a, acc["none"])]
    print("%s / none per round: %s; median %.3f" % (
        m, ", ".join("%.3f" % x for x in r), statistics.median(r)))
if "bglibmilter" in acc and "bounceguard" in acc:
    # the engine alone: the same filter on libmilter and on its own loop
    r = [s / b for s, b in zip(acc["bounceguard"], acc["bglibmilter"])]
    print("bounceguard / bglibmilter per round: %s; median %.3f" % (
        ", ".join("%.3f" % x for x in r), statistics.median(r)))
for m in ("bounceguard", "bgauth", "bglog", "bgauthlog"):
    if m in acc and "steps" in acc:
        # bounceguard's own work: against a filter that takes the same
        # protocol steps and does nothing
        r = [s / b for s, b in zip(acc[m], acc["steps"])]
        print("%s / steps per round: %s; median %.3f" % (
            m, ", ".join("%.3f" % x for x in r), statistics.median(r)))
if "bgauth" in acc and "bounceguard" in acc:
    # what the checks themselves cost, with the drift cancelled
    r = [s / b for s, b in zip(acc["bgauth"], acc["bounceguard"])]
    print("bgauth / bounceguard per round: %s; median %.3f" % (
        ", ".join("%.3f" % x for x in r), statistics.median(r)))
PY
[ "$bad" -eq 0 ] && [ "$sent" -eq $((N * runs)) ]

#!/bin/sh
# alert_syslog.sh - the syslog sink writes one line per alert at its own
# priority (LOG_ALERT by default, "crit" when configured), apart from the
# ordinary log.  syslog(3) talks to /dev/log: the test runs the alert
# service in a private mount namespace whose /dev is a tmpfs holding a
# datagram socket served by a small listener, so nothing outside sees it.
. "$top_srcdir/tests/lib/tap.sh"

driver="$top_builddir/tests/integration/alert_driver"
[ -x "$driver" ] || tap_bail "alert_driver not built"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"
command -v unshare >/dev/null 2>&1 || tap_skip_all "unshare not installed"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root for a private mount namespace"
unshare -m --propagation private true 2>/dev/null ||
    tap_skip_all "cannot make a mount namespace here"

T=$(mktemp -d /tmp/bg-alert-syslog.XXXXXX) || tap_bail "mktemp failed"
trap '[ -n "${KEEP:-}" ] || case $T in /tmp/bg-alert-syslog.*) rm -rf "$T" ;; esac' EXIT INT TERM
cat > "$T/listen.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists("/dev/log"):
    os.unlink("/dev/log")
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(30)
with open(sys.argv[1], "ab", buffering=0) as out:
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        out.write(data + b"\n")
        if b"recovered" in data:
            break
EOF
cat > "$T/run.sh" <<EOF
mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 || exit 1
python3 "$T/listen.py" "$T/log" &
i=0
while [ ! -e "$T/log.ready" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
# a one-second hold gathers the 50 events before the opening alert (without
# one, a loaded machine may open it with fewer)
"$driver" -s -H 1 -W 2 -Q 2 submit 50 gmail.example dmarc_fail sleep 5 stats
wait
python3 "$T/listen.py" "$T/log2" &
i=0
while [ ! -e "$T/log2.ready" ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
"$driver" -s -P crit -H 0 -W 2 -Q 2 submit 5 yahoo.example dmarc_fail sleep 4
wait
EOF
unshare -m --propagation private sh "$T/run.sh" > "$T/stats" 2> "$T/stderr"
tap_ok $? "alert service ran in a private namespace: $(tail -1 "$T/stats")"
# <PRI> = facility * 8 + severity; alert = 1, the default facility LOG_USER
# = 1 (8) unless log_open chose mail (2 -> 16): severity is PRI mod 8
sev=$(sed -n 's/^<\([0-9]*\)>.*alert opened.*/\1/p' "$T/log" | head -1)
[ -n "$sev" ] && [ $((sev % 8)) -eq 1 ]
tap_ok $? "the opening alert is logged at priority alert (PRI <$sev>)"
grep -q 'alert opened kind=auth-bounce sender=example.org receiver=gmail.example reason=dmarc_fail status=5.7.26 count=50 ' "$T/log"
tap_ok $? "one line carries the key, the status and the count of 50"
grep -q 'alert recovered .*count=50 new=0' "$T/log"
tap_ok $? "the recovery is logged too"
n=$(grep -c 'alert opened' "$T/log")
[ "$n" -eq 1 ]
tap_ok $? "one line per alert, not per event (got $n opening lines)"
sev=$(sed -n 's/^<\([0-9]*\)>.*alert opened.*/\1/p' "$T/log2" | head -1)
[ -n "$sev" ] && [ $((sev % 8)) -eq 2 ]
tap_ok $? "syslog_priority = crit is honoured (PRI <$sev>)"
tap_done

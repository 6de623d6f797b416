#!/bin/sh
# alert_storm.sh - a storm of DSN events all saying "550 5.7.26" gives one
# alert per window per key, with the right counts, on every channel: the
# webhook (a real HTTP listener on loopback), mail (a sendmail stand-in
# that keeps each message) and the command hook; then a recovery message.
# Drives the real alert service (dispatcher thread and sinks).
. "$top_srcdir/tests/lib/tap.sh"

driver="$top_builddir/tests/integration/alert_driver"
[ -x "$driver" ] || tap_bail "alert_driver not built"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"

T=$(mktemp -d /tmp/bg-alert-storm.XXXXXX)
trap 'kill $hook_pid 2>/dev/null; rm -rf "$T"' EXIT INT TERM
mkdir "$T/hook" "$T/mail" "$T/exec"
cat > "$T/sendmail" <<EOS
#!/bin/sh
f="$T/mail/\$\$.\$(date +%s%N)"
echo "\$*" > "\$f.args"
cat > "\$f.eml"
EOS
cat > "$T/exec.sh" <<EOS
#!/bin/sh
cat > "$T/exec/\$\$.\$(date +%s%N).json"
EOS
chmod +x "$T/sendmail" "$T/exec.sh"

python3 "$top_srcdir/tests/integration/alert_webhook.py" "$T/hook" 0 &
hook_pid=$!
i=0
while [ ! -s "$T/hook/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/hook/port" ] || tap_bail "webhook listener did not start"
url="http://127.0.0.1:$(cat "$T/hook/port")/hook"

# hold 2 s, window 4 s, quiet 6 s.  t=0: 1000 + 1000 events on two keys;
# t=3: 500 more on the first key.  Expected per channel:
#   gmail opened 1000/1000 (t=2), yahoo opened 1000 (t=2),
#   gmail ongoing 1500/500 (t=6), yahoo recovered 1000 (t=6),
#   gmail recovered 1500 (t=9).
start=$(date +%s%N)
"$driver" -w "$url" -m "$T/sendmail" -e "$T/exec.sh" -H 2 -W 4 -Q 6 \
    submit 1000 gmail.example dmarc_fail \
    submit 1000 yahoo.example dmarc_fail \
    sleep 3 submit 500 gmail.example dmarc_fail \
    sleep 10 stats > "$T/stats" 2> "$T/stderr"
tap_ok $? "driver ran"
tap_diag "$(cat "$T/stats")"
tap_diag "run took $((($(date +%s%N) - start) / 1000000)) ms"

summary() { # DIR PATTERN -> "domain state count new" lines, sorted
    python3 - "$1" "$2" <<'EOP'
import glob, json, sys
rows = []
for f in glob.glob(sys.argv[1] + "/" + sys.argv[2]):
    d = json.load(open(f))
    rows.append("%s %s %d %d" % (d["receiving_domain"], d["state"],
                                 d["count"], d["new_count"]))
print("\n".join(sorted(rows)))
EOP
}
expected="gmail.example ongoing 1500 500
gmail.example opened 1000 1000
gmail.example recovered 1500 0
yahoo.example opened 1000 1000
yahoo.example recovered 1000 0"

got=$(summary "$T/hook" "*.json")
[ "$got" = "$expected" ]
tap_ok $? "webhook: one alert per window per key with the right counts"
[ "$got" = "$expected" ] || tap_diag "webhook got: $got"

got=$(summary "$T/exec" "*.json")
[ "$got" = "$expected" ]
tap_ok $? "command hook: the same five alerts as JSON on stdin"
[ "$got" = "$expected" ] || tap_diag "exec got: $got"

n=$(ls "$T/mail"/*.eml 2>/dev/null | wc -l)
[ "$n" -eq 5 ]
tap_ok $? "mail: five alert messages (got $n)"
grep -l '^Subject: .*gmail.example.*(1000 events)' "$T/mail"/*.eml >/dev/null
tap_ok $? "mail: the opening alert says 1000 events"
grep -l '^Subject: \[bounceguard\] recovered: gmail.example.*(1500 events)' \
    "$T/mail"/*.eml >/dev/null
tap_ok $? "mail: the recovery message closes the incident with 1500"
bad=0
for f in "$T/mail"/*.eml; do
    grep -q '^Auto-Submitted: auto-generated$' "$f" || bad=1
    grep -q '^X-Bounceguard-Alert: 1$' "$f" || bad=1
    grep -q '^Message-ID: <bg-alert\.' "$f" || bad=1
done
tap_ok $bad "mail: every alert is marked auto-generated and as ours"
bad=0
for f in "$T/mail"/*.args; do
    [ "$(cat "$f")" = "-t -oi -f <>" ] || bad=1
done
tap_ok $bad "mail: sent with the null envelope sender (cannot bounce back)"
grep -q 'delivered=15 failed=0' "$T/stats"
tap_ok $? "15 deliveries (5 alerts x 3 sinks), none failed"
tap_done

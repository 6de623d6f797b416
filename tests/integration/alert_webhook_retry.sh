#!/bin/sh
# alert_webhook_retry.sh - a failing webhook is retried with back-off and
# then delivered; a dead one is given up and logged; neither delays the
# submission of events (the sinks' threads do the waiting), nor another
# sink.
. "$top_srcdir/tests/lib/tap.sh"

driver="$top_builddir/tests/integration/alert_driver"
[ -x "$driver" ] || tap_bail "alert_driver not built"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"

T=$(mktemp -d /tmp/bg-alert-retry.XXXXXX)
trap 'kill $hook_pid $hang_pid 2>/dev/null; rm -rf "$T"' EXIT INT TERM
mkdir "$T/hook"
python3 "$top_srcdir/tests/integration/alert_webhook.py" "$T/hook" 2 &
hook_pid=$!
i=0
while [ ! -s "$T/hook/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/hook/port" ] || tap_bail "webhook listener did not start"
port=$(cat "$T/hook/port")

# The listener answers 500 twice, then 200: retries 3, back-off 1 s.  The
# three events are held 1 s, so that they make one alert whenever the
# dispatcher wakes.
"$driver" -w "http://127.0.0.1:$port/x" -f slack -r 3 -b 1 -H 1 -W 60 \
    -Q 60 submit 3 gmail.example dmarc_fail sleep 7 stats \
    > "$T/stats" 2> "$T/stderr"
n=$(ls "$T/hook"/*.json 2>/dev/null | wc -l)
[ "$n" -eq 1 ]
tap_ok $? "delivered once after two failures (got $n bodies)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "text" in d and "gmail.example" in d["text"]' \
    "$T/hook"/0003.json 2>/dev/null
tap_ok $? "the third request carried a Slack-style {\"text\": ...} body"
grep -q 'delivered=1 failed=0' "$T/stats"
tap_ok $? "counted as delivered: $(cat "$T/stats")"

# A dead endpoint (the listener is gone): 2 retries, then logged.  The
# 1000 events are submitted while the dispatcher is busy retrying.
kill $hook_pid; wait $hook_pid 2>/dev/null
"$driver" -w "http://127.0.0.1:$port/x" -r 2 -b 1 -H 0 -W 60 -Q 60 \
    submit 1 a.example dmarc_fail sleep 1 \
    submit 1000 b.example dmarc_fail stats sleep 4 stats \
    > "$T/stats2" 2> "$T/stderr2"
grep -q 'alert not delivered by webhook' "$T/stderr2"
tap_ok $? "a dead webhook is given up and logged"
head -1 "$T/stats2" | grep -q 'submitted=1001 dropped=0'
tap_ok $? "events are accepted while the webhook is retried: $(head -1 "$T/stats2")"
tail -1 "$T/stats2" | grep -q 'failed=[12]'
tap_ok $? "failures counted: $(tail -1 "$T/stats2")"

# An endpoint that accepts and never answers, with five alerts still held
# back (hold 60 s) at shutdown: each sink gets a 10 s budget for them, not
# webhook_timeout (5 s here) per alert.
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
while True:
    conns.append(s.accept()[0])
' "$T/hang-port" &
hang_pid=$!
i=0
while [ ! -s "$T/hang-port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/hang-port" ] || tap_bail "hanging listener did not start"
t0=$(date +%s)
"$driver" -w "http://127.0.0.1:$(cat "$T/hang-port")/x" -r 2 -b 1 -H 60 \
    -W 60 -Q 60 submit 1 a.example dmarc_fail submit 1 b.example dmarc_fail \
    submit 1 c.example dmarc_fail submit 1 d.example dmarc_fail \
    submit 1 e.example dmarc_fail > /dev/null 2> "$T/stderr3"
took=$(($(date +%s) - t0))
[ "$took" -le 15 ]
tap_ok $? "shutdown with a hanging webhook keeps to the 10 s budget (took ${took}s)"
grep -q 'shutdown budget spent' "$T/stderr3"
tap_ok $? "alerts left when the budget is spent are logged as not delivered"

# The same hanging webhook beside a command sink: each sink has its own
# thread, so the command has the alert while the webhook still waits for
# its answer (timeout 5 s, then retries).
cat > "$T/exec.sh" <<ZZ
#!/bin/sh
cat > "$T/exec.json"
ZZ
chmod +x "$T/exec.sh"
"$driver" -w "http://127.0.0.1:$(cat "$T/hang-port")/x" -r 2 -b 1 -H 0 \
    -W 60 -Q 60 -e "$T/exec.sh" submit 1 a.example dmarc_fail sleep 3 stats \
    > "$T/stats4" 2> "$T/stderr4"
grep -q 'delivered=1 failed=0' "$T/stats4"
tap_ok $? "a hanging webhook holds back no other sink: $(cat "$T/stats4")"
grep -q '"a.example"' "$T/exec.json" 2>/dev/null
tap_ok $? "the command sink was fed the alert"
grep -q 'alert not delivered by webhook' "$T/stderr4"
tap_ok $? "the webhook's failure is still logged at shutdown"
tap_done

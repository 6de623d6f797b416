#!/bin/bash
# alert_postfix_mail.sh - alert mail through a real Postfix (the harness's
# private instance, its own sendmail): a storm of 1000 "550 5.7.26" events
# gives one opening alert with the count and one recovery message in the
# admin's mailbox, both sent with the null envelope sender (an alert can
# never bounce back and alert again) and marked as bounceguard's own; then
# the same submitted by SMTP (alerts.smtp_url).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

driver="$top_builddir/tests/integration/alert_driver"
[ -x "$driver" ] || tap_bail "alert_driver not built"
pfh_available || tap_skip_all "$PFH_WHY"
SENDMAIL=/usr/sbin/sendmail
[ -x "$SENDMAIL" ] || tap_skip_all "no /usr/sbin/sendmail"

pfh_init || tap_skip_all "cannot make a work directory"
trap pfh_cleanup EXIT INT TERM
port=$(pfh_free_port)
unused=$(pfh_free_port)
pfh_topology_mta A "$port" "$unused" "" || tap_bail "cannot make the instance"
pfh_start A || tap_bail "Postfix did not start"

# the alert sink runs sendmail_path with a bare environment: a wrapper
# points Postfix's sendmail at the private instance
cat > "$PFH_W/sendmail-A" <<EOF
#!/bin/sh
exec $SENDMAIL -C "$PFH_W/A/etc" "\$@"
EOF
chmod 755 "$PFH_W/sendmail-A"

"$driver" -m "$PFH_W/sendmail-A" -T admin@a.test -H 1 -W 3 -Q 4 \
    submit 1000 gmail.example dmarc_fail sleep 7 stats \
    > "$PFH_W/stats" 2> "$PFH_W/stderr"
tap_ok $? "driver ran: $(cat "$PFH_W/stats")"
grep -q 'delivered=2 failed=0' "$PFH_W/stats"
tap_ok $? "two alerts handed to sendmail"

box=$(pfh_mailbox A)
# box_count N: the messages in the admin's mailbox, once there are N (or
# after 20 s)
box_count() {
    i=0
    while [ "$(ls "$box" 2>/dev/null | wc -l)" -lt "$1" ] && [ $i -lt 100 ]; do
        sleep 0.2
        i=$((i + 1))
    done
    ls "$box" 2>/dev/null | wc -l
}
n=$(box_count 2)
[ "$n" -eq 2 ]
tap_ok $? "the admin's mailbox holds two alerts (got $n)"
open=$(grep -l '^Subject: \[bounceguard\] gmail.example .*(1000 events)' "$box"/* 2>/dev/null)
[ -n "$open" ]
tap_ok $? "the opening alert carries the count of 1000"
rec=$(grep -l '^Subject: \[bounceguard\] recovered: gmail.example' "$box"/* 2>/dev/null)
[ -n "$rec" ]
tap_ok $? "a recovery message ends the incident"
bad=0
for f in "$box"/*; do
    grep -q '^Return-Path: <>$' "$f" || bad=1
    grep -q '^Auto-Submitted: auto-generated$' "$f" || bad=1
    grep -q '^X-Bounceguard-Alert: 1$' "$f" || bad=1
done
tap_ok $bad "delivered with the null sender, Auto-Submitted and X-Bounceguard-Alert"
grep -q 'from=<>' "$(pfh_log A)"
tap_ok $? "Postfix logged the alerts with from=<>"

# the same by SMTP (alerts.smtp_url): no sendmail, no set-group-ID
# postdrop, which the hardened systemd unit does not allow
rm -f "$box"/*
"$driver" -u "smtp://127.0.0.1:$port" -T admin@a.test -H 1 -W 3 -Q 4 \
    submit 1000 gmail.example dmarc_fail sleep 7 stats \
    > "$PFH_W/stats2" 2> "$PFH_W/stderr2"
grep -q 'delivered=2 failed=0' "$PFH_W/stats2"
tap_ok $? "two alerts submitted by SMTP: $(cat "$PFH_W/stats2")"
n=$(box_count 2)
bad=0
for f in "$box"/*; do
    grep -q '^Return-Path: <>$' "$f" || bad=1
    grep -q '^X-Bounceguard-Alert: 1$' "$f" || bad=1
done
[ "$n" -eq 2 ] && [ "$bad" -eq 0 ] &&
    grep -l '^Subject: \[bounceguard\] gmail.example .*(1000 events)' "$box"/* >/dev/null
tap_ok $? "... in the admin's mailbox, with the null sender and the count ($n)"
"$driver" -u "smtp://127.0.0.1:$unused" -T admin@a.test -H 1 -W 3 -Q 4 \
    submit 10 gmail.example dmarc_fail sleep 3 stats \
    > "$PFH_W/stats3" 2> "$PFH_W/stderr3"
grep -q 'delivered=0 failed=1' "$PFH_W/stats3" &&
    grep -q 'alert not delivered by mail' "$PFH_W/stderr3"
tap_ok $? "a server that is not there: the alert is logged as not delivered"

# what goes over the wire: every line ends in CRLF (servers refuse bare
# LF), captured by a one-message SMTP server on loopback
cat > "$PFH_W/cap.py" <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(30)
c, _ = s.accept()
f = c.makefile("rb")
c.sendall(b"220 cap\r\n")
data, body = b"", False
for line in iter(f.readline, b""):
    if body:
        data += line
        if line == b".\r\n":
            body = False
            c.sendall(b"250 ok\r\n")
    elif line[:4].upper() == b"DATA":
        body = True
        c.sendall(b"354 go\r\n")
    elif line[:4].upper() == b"QUIT":
        c.sendall(b"221 bye\r\n")
        break
    else:
        c.sendall(b"250 ok\r\n")
open(sys.argv[2], "wb").write(data)
EOF
python3 "$PFH_W/cap.py" "$PFH_W/cap.port" "$PFH_W/cap.data" &
cap=$!
i=0
while [ ! -s "$PFH_W/cap.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$driver" -u "smtp://127.0.0.1:$(cat "$PFH_W/cap.port")" -T admin@a.test \
    -H 1 -W 3 -Q 100 submit 5 gmail.example dmarc_fail sleep 3 stats \
    > "$PFH_W/stats4" 2>&1
wait $cap
python3 -c 'import re, sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if d.count(b"\r\n") > 10 and not re.search(rb"(?<!\r)\n", d) else 1)' \
    "$PFH_W/cap.data"
tap_ok $? "by SMTP every line ends in CRLF ($(grep -c . "$PFH_W/cap.data" 2>/dev/null) lines)"
tap_done

# milter_lib.sh - helpers shared by the milter_*.sh tests (bash; source it
# after tap.sh and pfharness.sh).
#
#   mt_prologue [COMMAND...]     the start of every test: skips (TAP)
#       only without root, Postfix, python3, sqlite3 or one of the COMMANDs;
#       a bounceguard make check did not build, or no work directory, is
#       an error (Bail out!); sets $W and traps EXIT for mt_on_exit
#   mt_up [A_MAIN_CF_EXTRA]      mt_setup, and a topology or bounceguard
#       that does not come up is an error (logs shown, Bail out!)
#   mt_setup [A_MAIN_CF_EXTRA]   start B (remote; it also refuses
#       dead<N>@remote.test with 550 5.1.1), A (our MTA; port $PA for
#       mail from outside, $PSUB for submissions, whose {daemon_name} is
#       ORIGINATING) and bounceguard (socket, store $DB); bounceguard reads
#       $MT_BG_CONF_EXTRA (libconfig text inside milter = { ... })
#   mt_bg_config                 rewrite bounceguard's configuration
#       ($MT_BG_TOP_EXTRA: more top-level libconfig text, e.g. auth = {})
#       (alerts: an exec sink appending to $PFH_W/bg/alerts.json)
#   mt_bg_restart                stop and start bounceguard again
#   mt_wait_sql SQL VALUE SECS   wait until SQL (on $DB) prints VALUE
#   mt_latency_watch RCPT        print the milliseconds from B's reject line
#       for RCPT to the suppression row of RCPT in $DB (empty on timeout)
#   mt_latency_series N           send N messages, one at a time, to
#       dead<i>@remote.test; print the milliseconds from each B reject line
#       to its suppression row, one per line
#   mt_write_remote_dsn FILE MESSAGE_ID RCPT
#       an RFC 3464 DSN from "mx.remote.test" returning MESSAGE_ID, with a
#       5.1.1 failure for RCPT
#   mt_send_remote_dsn NAME MID RCPT [ENVID]
#       writes that DSN to $W/NAME.eml and sends it to A from outside (the
#       null sender, to sender1@a.test); errors in $W/NAME.err
#   mt_event ADDR                "source,credible,queue id" of ADDR's event
#   mt_suppressed ADDR           1 when ADDR is suppressed, else 0
#   mt_on_exit                   TAP diagnostics on failure, then cleanup

mt_prologue() {
    local c
    pfh_available || tap_skip_all "$PFH_WHY"
    for c in sqlite3 "$@"; do
        command -v "$c" >/dev/null || tap_skip_all "$c is not installed"
    done
    [ -x "$(pfh_bounceguard_bin)" ] ||
        tap_bail "bounceguard is not built ($(pfh_bounceguard_bin))"
    pfh_init || tap_bail "cannot create a work directory"
    W=$PFH_W
    trap 'mt_on_exit' EXIT
}

mt_up() {
    mt_setup "$@" && return 0
    mt_show_logs
    tap_bail "the Postfix topology or bounceguard did not come up"
}

mt_setup() {
    local extra=${1:-}
    PA=$(pfh_free_port) && PB=$(pfh_free_port) && PSUB=$(pfh_free_port) ||
        return 1
    PFH_FAST_QUEUE=1
    pfh_topology_remote b "$PB" || return 1
    # B also refuses dead<N>@remote.test, for tests that need many
    printf '/^dead[0-9]+@remote\\.test$/ 550 5.1.1 User unknown\n' \
        > "$PFH_W/b/etc/dead.re"
    pfh_postconf b "smtpd_recipient_restrictions = check_recipient_access regexp:$PFH_W/b/etc/dead.re, check_recipient_access texthash:$PFH_W/b/etc/rcpt_access, permit_mynetworks, reject_unauth_destination" ||
        return 1
    pfh_topology_mta a "$PA" "$PB" "unix:$PFH_W/bg/bg.sock" "$extra" ||
        return 1
    pfh_master_cf_add a "127.0.0.1:$PSUB inet n - n - - smtpd -o milter_macro_daemon_name=ORIGINATING"
    DB=$PFH_W/bg/bounceguard.db # pfh_bounceguard_config's store
    mt_bg_config || return 1
    pfh_bounceguard_start "$PFH_W/bg.conf" || return 1
    pfh_start || return 1
}

# (Re)writes $PFH_W/bg.conf with $MT_BG_CONF_EXTRA in the milter group.
mt_bg_config() {
    # alerts go to a command that appends them to $PFH_W/bg/alerts.json
    mkdir -p "$PFH_W/bg"
    printf '#!/bin/sh\ncat >> %s/bg/alerts.json\necho >> %s/bg/alerts.json\n' \
        "$PFH_W" "$PFH_W" > "$PFH_W/bg/alert.sh"
    chmod 755 "$PFH_W/bg/alert.sh"
    chown postfix:postfix "$PFH_W/bg"
    PFH_BG_EXTRA_CONF="${MT_BG_TOP_EXTRA:-}
classify = { rules_file = \"$top_srcdir/conf/rules.conf\"; };
alerts = { hold = 0; syslog = false; exec_command = \"$PFH_W/bg/alert.sh\"; };
milter = {
    internal_networks = [];
    outbound_daemons = [\"ORIGINATING\"];
    ${MT_BG_CONF_EXTRA:-}
};"
    pfh_bounceguard_config "$PFH_W/bg.conf"
}

mt_bg_restart() {
    pfh_kill bounceguard
    rm -f "$PFH_BG_SOCKET"
    cat "$PFH_W/bounceguard.out" >> "$PFH_W/bounceguard.all"
    pfh_bounceguard_start "$PFH_W/bg.conf"
}

mt_wait_sql() {
    local sql=$1 want=$2 t=${3:-10} i
    for i in $(seq $((t * 20))); do
        [ "$(sqlite3 "$DB" "$sql" 2>/dev/null)" = "$want" ] && return 0
        sleep 0.05
    done
    tap_diag "timeout (${t}s): $sql != $want (got $(sqlite3 "$DB" "$sql" 2>&1))"
    return 1
}

mt_latency_watch() {
    "$PFH_PYTHON" - "$(pfh_log b)" "$DB" "$1" <<'PY'
import os, sqlite3, sys, time
log, db, rcpt = sys.argv[1:4]
needle = "reject: RCPT from"
t_reject = None
deadline = time.time() + 30
pos = 0
while time.time() < deadline:
    if t_reject is None and os.path.exists(log):
        with open(log, errors="replace") as f:
            f.seek(pos)
            while True:
                line = f.readline()
                if not line.endswith("\n"):
                    break
                pos = f.tell()
                if needle in line and "<%s>" % rcpt in line:
                    t_reject = time.time()
                    break
    if t_reject is not None and os.path.exists(db):
        try:
            c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
            n = c.execute("select count(*) from suppressions where address=?",
                          (rcpt,)).fetchone()[0]
            c.close()
        except sqlite3.Error:
            n = 0
        if n:
            print("%.1f" % ((time.time() - t_reject) * 1000))
            sys.exit(0)
    time.sleep(0.002)
sys.exit(1)
PY
}

mt_latency_series() {
    "$PFH_PYTHON" - "$(pfh_log b)" "$DB" "$PSUB" "$1" <<'PY'
import os, smtplib, sqlite3, sys, threading, time
log, db, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def watch(rcpt, start, out):
    """Time B's reject line for rcpt, then the store row for it."""
    deadline = time.time() + 10
    pos, t_reject = start, None
    while time.time() < deadline and t_reject is None:
        with open(log, errors="replace") as f:
            f.seek(pos)
            while True:
                line = f.readline()
                if not line.endswith("\n"):
                    break
                pos = f.tell()
                if "reject: RCPT" in line and "<%s>" % rcpt in line:
                    t_reject = time.time()
                    break
        time.sleep(0.001)
    while t_reject is not None and time.time() < deadline:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        try:
            row = c.execute("select 1 from suppressions where address=?",
                            (rcpt,)).fetchone()
        except sqlite3.Error:
            row = None
        c.close()
        if row:
            out.append((time.time() - t_reject) * 1000)
            return
        time.sleep(0.001)

for i in range(n):
    rcpt = "dead%d@remote.test" % (900000 + i)
    out = []
    t = threading.Thread(target=watch, args=(rcpt, os.path.getsize(log), out))
    t.start()
    s = smtplib.SMTP("127.0.0.1", port, local_hostname="lat.a.test")
    s.sendmail("lat@a.test", [rcpt], "Subject: lat %d\r\n\r\nx\r\n" % i)
    s.quit()
    t.join()
    print("%.1f" % out[0] if out else "timeout", flush=True)
PY
}

# mt_send_xclient_dsn HELO FILE: sends FILE to A as a DSN (null sender, to
# sender1@a.test) from an outside client, 192.0.2.66 saying HELO, through
# XCLIENT (needs smtpd_authorized_xclient_hosts = 127.0.0.0/8 on A)
mt_send_xclient_dsn() {
    "$PFH_PYTHON" - "$PA" "$1" "$2" <<'PY'
import smtplib, sys
port, helo, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, local_hostname="t.harness.test")
s.ehlo()
code, _ = s.docmd("XCLIENT", "ADDR=192.0.2.66 NAME=[UNAVAILABLE] HELO=" + helo)
if code != 220:
    sys.exit("XCLIENT refused: %d" % code)
s.ehlo_resp = None
s.ehlo(helo)
s.sendmail("", ["sender1@a.test"], open(path, "rb").read())
s.quit()
PY
}

# mt_write_remote_dsn FILE MID RCPT [ENVID]: an RFC 3464 DSN from
# "mx.remote.test" with a 5.1.1 failure for RCPT, returning the headers of
# the original whose Message-ID is MID; with MID empty no original is
# returned, and with ENVID the report carries Original-Envelope-Id: ENVID.
# With MT_DSN_FINAL set, RCPT led to that mailbox (an alias), which
# failed: the group says Original-Recipient: RCPT, Final-Recipient: it.
mt_write_remote_dsn() {
    local file=$1 mid=$2 rcpt=$3 envid=${4:-} orig= orcpt=
    local final=${MT_DSN_FINAL:-$3}
    [ "$final" != "$rcpt" ] && orcpt="Original-Recipient: rfc822;$rcpt
"
    local group="Reporting-MTA: dns; mx.remote.test"
    [ -n "$envid" ] && group="$group
Original-Envelope-Id: $envid"
    [ -n "$mid" ] && orig="--RB.$$
Content-Type: text/rfc822-headers

From: <sender1@a.test>
To: <$rcpt>
Subject: loop 1
Message-ID: <$mid>

"
    cat > "$file" <<DSN
From: Mail Delivery System <MAILER-DAEMON@mx.remote.test>
To: sender1@a.test
Subject: Undelivered Mail Returned to Sender
Date: $(date -R)
Message-ID: <dsn.$$.$RANDOM@mx.remote.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="RB.$$"

--RB.$$
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to <$rcpt>.

--RB.$$
Content-Type: message/delivery-status

$group

${orcpt}Final-Recipient: rfc822; $final
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx2.remote.test
Diagnostic-Code: smtp; 550 5.1.1 <$final>: Recipient address rejected: User unknown

${orig}--RB.$$--
DSN
}

mt_send_remote_dsn() {
    mt_write_remote_dsn "$W/$1.eml" "$2" "$3" "${4:-}"
    pfh_send "$PA" "" sender1@a.test --body-file "$W/$1.eml" \
        >/dev/null 2>"$W/$1.err"
}

# mt_delivered DIR TEXT: the first file in mailbox DIR holding TEXT,
# waited for up to 20 s
mt_delivered() {
    local i f
    for i in $(seq 200); do
        f=$(grep -l -- "$2" "$1"/* 2>/dev/null | head -1)
        [ -n "$f" ] && { echo "$f"; return 0; }
        sleep 0.1
    done
    return 1
}
mt_event() {
    sqlite3 "$DB" "select source||','||credible||','||ifnull(queue_id,'')
        from events where address='$1'" 2>/dev/null
}

mt_suppressed() {
    sqlite3 "$DB" "select count(*) from suppressions where address='$1'" \
        2>/dev/null
}

mt_show_logs() {
    local f
    [ -n "${PFH_W:-}" ] || return 0
    for f in "$(pfh_log a)" "$(pfh_log b)" "$PFH_W/bounceguard.all" \
        "$PFH_W/bounceguard.out"; do
        [ -f "$f" ] || continue
        echo "# --- $f (last 40 lines)"
        tail -40 "$f" | sed 's/^/# /'
    done
}

mt_on_exit() {
    [ "${tap_failed:-0}" -gt 0 ] && mt_show_logs
    pfh_cleanup
}

#!/bin/sh
# daemon_signals.sh - the running daemon: it binds a unix socket (removing a
# stale one), drops to "nobody" when started as root, refuses a second
# instance on the same pid file or socket, keeps serving when SIGHUP finds a
# broken file (and says why, with file:line), reloads a good one on SIGHUP
# and SIGUSR1, keeps its rules when a reload finds broken site rules, warns
# about unreadable site rules and rules that run on every reply, and on
# SIGTERM exits 0 removing its socket and pid file (and says so when it
# cannot remove the pid file).
# Also: without -f it detaches and the pid file names the detached process.
# Every process started here is killed on exit.
. "${top_srcdir:?}/tests/lib/tap.sh"
. "${top_srcdir:?}/tests/lib/wait.sh"

BG=${top_builddir:-.}/bounceguard
[ -x "$BG" ] || tap_bail "bounceguard not built ($BG)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is needed"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-signals.XXXXXX") || exit 1
chmod 755 "$W"
PIDS=
cleanup() {
    for p in $PIDS $(cat "$W/bg.pid" 2>/dev/null); do
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

USER_LINE=
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$W"
    USER_LINE='user = "nobody";'
fi
SOCK=$W/bg.sock
write_conf() { # write_conf FILE LOG_LEVEL [LOCAL_RULES_FILE]
    local_rules=
    [ -z "${3:-}" ] || local_rules="local_rules_file = \"$3\";"
    cat >"$1" <<EOF
socket = "unix:$SOCK";
$USER_LINE
pidfile = "$W/bg.pid";
log_level = "$2";
store = { path = "$W/bg.db"; };
classify = { rules_file = "$top_srcdir/conf/rules.conf"; $local_rules };
EOF
}

# probe PATH: 0 when something accepts a connection on the unix socket
probe() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError:
    sys.exit(1)
EOF
}
logged() { grep -q -e "$1" "$W/out"; }
count() { grep -c -e "$1" "$W/out"; }
alive() { kill -0 "$1" 2>/dev/null; }

write_conf "$W/bg.conf" info

# A stale socket left by a crash: bound, then abandoned.
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$SOCK"
[ -S "$SOCK" ] && ! probe "$SOCK"
tap_ok $? "a stale socket is in place"

"$BG" -f -c "$W/bg.conf" >"$W/out" 2>&1 &
BGPID=$!
PIDS="$PIDS $BGPID"
wait_for 10 probe "$SOCK"
st=$?
tap_ok $st "the daemon replaced the stale socket and accepts connections"
[ "$st" -eq 0 ] || sed 's/^/# daemon: /' "$W/out"
# (the socket listens a moment before the line is written)
wait_for 5 logged "starting bounceguard .* on unix:$SOCK"
tap_ok $? "it logged its start"
[ "$(cat "$W/bg.pid" 2>/dev/null)" = "$BGPID" ]
tap_ok $? "the pid file holds its pid"

if [ -n "$USER_LINE" ]; then
    [ "$(ps -o user= -p "$BGPID" | tr -d ' ')" = nobody ]
    tap_ok $? "it runs as nobody"
    [ "$(stat -c %U "$SOCK")" = nobody ] &&
        [ "$(stat -c %a "$SOCK")" = 770 ]
    tap_ok $? "the socket belongs to nobody, mode 0770 (umask 0007)"
else
    tap_skip "not root: privilege drop"
    tap_skip "not root: socket owner"
fi

# A second daemon on the same pid file.
"$BG" -f -c "$W/bg.conf" >"$W/second.out" 2>&1
st=$?
[ "$st" -eq 75 ] &&
    grep -q "pidfile $W/bg.pid is locked by pid $BGPID: another bounceguard is running" \
        "$W/second.out"
tap_ok $? "a second daemon on the same pid file refuses (status $st)"

# A second daemon with its own pid file but the same socket.
sed "s|$W/bg.pid|$W/other.pid|" "$W/bg.conf" >"$W/other.conf"
"$BG" -f -c "$W/other.conf" >"$W/third.out" 2>&1
st=$?
[ "$st" -eq 69 ] && grep -q "running process accepts connections" "$W/third.out"
tap_ok $? "a second daemon on a live socket refuses (status $st)"
probe "$SOCK"
tap_ok $? "... and the first one still serves"

# Only the main thread may take HUP, INT, USR1 or TERM: every other thread
# (store, alerts, milter workers) was created with them blocked, except
# libmilter's signal thread, whose sigwait(2) opens HUP, INT and TERM.
python3 - "$BGPID" <<'EOF'
import os, sys
pid = sys.argv[1]
want = (1 << 0) | (1 << 1) | (1 << 9) | (1 << 14)  # HUP INT USR1 TERM
sigwait = (1 << 0) | (1 << 1) | (1 << 14)
bad = []
waiters = 0
for tid in os.listdir("/proc/%s/task" % pid):
    with open("/proc/%s/task/%s/status" % (pid, tid)) as f:
        blk = [int(l.split()[1], 16) for l in f if l.startswith("SigBlk:")][0]
    if tid == pid:
        if blk & want:
            bad.append("main thread blocks %x" % (blk & want))
    elif want & ~blk == sigwait and waiters == 0:
        waiters += 1
    elif blk & want != want:
        bad.append("thread %s lets %x through" % (tid, want & ~blk))
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
EOF
tap_ok $? "only the main thread takes the reload and stop signals"

# SIGHUP with a broken file.
cp "$W/bg.conf" "$W/good.conf"
printf 'socket_backlog = "lots";\n' >>"$W/bg.conf"
kill -HUP "$BGPID"
wait_for 5 logged "reload failed: $W/bg.conf:[0-9]*: socket_backlog: expected an integer"
tap_ok $? "SIGHUP with a broken file logs why, with file:line"
alive "$BGPID" && probe "$SOCK"
tap_ok $? "... and the daemon keeps serving"

# SIGHUP, then SIGUSR1, with a good file.
write_conf "$W/bg.conf" debug
kill -HUP "$BGPID"
wait_for 5 logged "configuration reloaded"
tap_ok $? "SIGHUP with a good file reloads"
kill -USR1 "$BGPID"
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' '$W/out') -ge 2 ]"
tap_ok $? "SIGUSR1 reloads too"
alive "$BGPID" && probe "$SOCK"
tap_ok $? "... still serving"

# Bursts: signals arriving while the previous one is being handled must
# not reach libmilter's signal thread (which would stop the milter).
before=$(count "configuration reloaded")
for i in 1 2 3 4 5; do
    kill -HUP "$BGPID"
    kill -HUP "$BGPID"
    kill -USR1 "$BGPID"
    kill -USR1 "$BGPID"
    sleep 0.2
done
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' '$W/out') -gt $before ]"
sleep 0.5
alive "$BGPID" && probe "$SOCK" && ! logged "stopping\|stopped"
tap_ok $? "bursts of SIGHUP and SIGUSR1 reload and keep the daemon serving"

# Keys read only at start-up are named when they change; others are not.
write_conf "$W/bg.conf" info
sed -i 's|store = { path = "\([^"]*\)"; };|store = { path = "\1"; batch_max = 17; };|' \
    "$W/bg.conf"
printf 'policy = { soft_threshold = 4; };\nmilter = { enforce = "off"; };\n' \
    >>"$W/bg.conf"
before=$(count "configuration reloaded")
kill -USR1 "$BGPID"
wait_for 5 sh -c "[ \$(grep -c 'configuration reloaded' '$W/out') -gt $before ]"
logged "store.batch_max changed: takes effect after a restart" &&
    logged "policy.soft_threshold changed: takes effect after a restart" &&
    ! logged "milter.enforce changed" && ! logged "log_level changed"
tap_ok $? "a reload warns about each changed start-up-only key, only those"

# Site rules.  reloaded N: N or more rule loads logged.
reloaded() { [ "$(count "classification rules loaded")" -ge "$1" ]; }
printf 'site-bad nosuch\n' >"$W/local.conf"
write_conf "$W/bg.conf" info "$W/local.conf"
before=$(count "classification rules loaded")
reloads=$(count "configuration reloaded")
kill -USR1 "$BGPID"
wait_for 5 logged "classification rules: $W/local.conf:1: unknown reason 'nosuch'"
tap_ok $? "broken site rules at a reload are logged with file:line"
alive "$BGPID" && probe "$SOCK" && [ "$(count "classification rules loaded")" -eq "$before" ]
tap_ok $? "... and the rules in use stay"
wait_for 5 logged "reload failed: $W/bg.conf: its classification rules do not load; keeping the running configuration" &&
    [ "$(count "configuration reloaded")" -eq "$reloads" ]
tap_ok $? "... the reload fails as a whole and says so"
printf 'site-slow policy code=550 text=/\\d{3}x?|ab/\n' >"$W/local.conf"
kill -USR1 "$BGPID"
wait_for 5 reloaded $((before + 1)) &&
    logged "classification rules: $W/local.conf:1: rule site-slow: its text= expression has no literal to look for first"
tap_ok $? "a site rule without a literal to look for is warned about"
rm -f "$W/local.conf"
kill -USR1 "$BGPID"
wait_for 5 reloaded $((before + 2)) &&
    logged "classification rules: local_rules_file $W/local.conf: cannot read it"
tap_ok $? "unreadable site rules are warned about, the shipped ones load"

# SIGTERM: clean stop.
kill -TERM "$BGPID"
wait_for 20 dead "$BGPID"
tap_ok $? "SIGTERM stops the daemon"
wait "$BGPID"
tap_ok $? "... with status 0"
[ ! -e "$SOCK" ] && [ ! -e "$W/bg.pid" ]
tap_ok $? "... removing the socket and the pid file"
logged "stopped bounceguard"
tap_ok $? "... and logging it"

# Without -f: detach, report readiness through the exit status.
"$BG" -c "$W/bg.conf" >"$W/detach.out" 2>&1
tap_ok $? "without -f the command returns 0 once the daemon is ready"
DPID=$(cat "$W/bg.pid" 2>/dev/null)
PIDS="$PIDS $DPID"
[ -n "$DPID" ] && alive "$DPID" && probe "$SOCK" &&
    [ "$(ps -o sid= -p "$DPID" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
tap_ok $? "the detached daemon serves, in its own session"
"$BG" -c "$W/bg.conf" >"$W/detach2.out" 2>&1
st=$?
[ "$st" -eq 75 ] && grep -q "is locked by pid $DPID" "$W/detach2.out"
tap_ok $? "a second detaching daemon reports the lock on the terminal ($st)"
[ -n "$DPID" ] && kill -TERM "$DPID"
wait_for 20 dead "$DPID"
tap_ok $? "SIGTERM stops the detached daemon"
[ ! -e "$SOCK" ]
tap_ok $? "... removing its socket"

# A pid file in a directory the daemon's user cannot write to: after the
# privilege drop it cannot be removed, and the daemon says so.
if [ "$(id -u)" -eq 0 ]; then
    mkdir "$W/rootdir" && chmod 755 "$W/rootdir"
    sed "s|^pidfile = .*|pidfile = \"$W/rootdir/bg.pid\";|" "$W/bg.conf" \
        >"$W/rootpid.conf"
    "$BG" -f -c "$W/rootpid.conf" >"$W/rootpid.out" 2>&1 &
    RPID=$!
    PIDS="$PIDS $RPID"
    wait_for 10 probe "$SOCK"
    kill -TERM "$RPID"
    wait_for 20 dead "$RPID"
    grep -q "cannot remove pidfile $W/rootdir/bg.pid: Permission denied" \
        "$W/rootpid.out"
    tap_ok $? "a pid file left behind is logged"
else
    tap_skip "not root: a pid file left behind is logged"
fi

tap_done

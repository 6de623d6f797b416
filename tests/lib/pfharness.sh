# pfharness.sh - private Postfix instances on loopback for bounceguard tests.
#
# Source it from bash (not sh).  Everything it makes lives in one work
# directory; it never reads or writes /etc/postfix's main.cf or master.cf and
# never touches a system Postfix.  Each instance has its own config
# directory, queue, data directory and log file (postlogd, no syslogd
# needed), listens on 127.0.0.1 on a port chosen at run time, and uses
# chroot = n everywhere.  Must run as root: Postfix's master needs root to
# drop to the postfix user.
#
# Contract:
#   pfh_available                 0 if the harness can run here; else 1 and
#                                 the reason in $PFH_WHY (use for TAP skip)
#   pfh_init [WORKDIR]            make/adopt the work dir ($PFH_W, absolute,
#                                 mode 0755 so user postfix can traverse it;
#                                 default: a new dir in ${PFH_TMPDIR:-/tmp})
#   pfh_free_port                 print an unused loopback TCP port,
#                                 claimed for this shell until pfh_cleanup
#   pfh_instance NAME PORT [MAIN_CF_TEXT]
#                                 create instance NAME ($PFH_W/NAME/{etc,
#                                 spool,data,log}); MAIN_CF_TEXT is appended
#                                 to main.cf (its entries replace earlier ones)
#   pfh_master_cf_add NAME LINE   append a master.cf service line
#   pfh_start [NAME...]           start instances (default: all), wait for
#                                 their SMTP port to answer
#   pfh_stop [NAME...]            stop instances (default: all), wait until
#                                 every process of theirs has exited
#   pfh_reload NAME               postfix reload
#   pfh_postconf NAME 'k = v'...  edit main.cf (postconf -e)
#   pfh_spawn NAME CMD...         run CMD in the background with output in
#                                 $PFH_W/NAME.out; its pid is remembered and
#                                 ended by pfh_cleanup
#   pfh_kill NAME                 end a process started by pfh_spawn: SIGTERM,
#                                 after 15s SIGKILL and return 1
#   pfh_cleanup [--keep]          stop everything this library started; trap-
#                                 friendly; removes $PFH_W unless --keep or
#                                 PFH_KEEP=1 (for debugging)
#   pfh_leftovers                 print pids of processes still using $PFH_W
#                                 (command line or working directory)
#   pfh_wait_log FILE REGEX [TIMEOUT=20]
#                                 wait until FILE has a line matching REGEX
#                                 (grep -E); prints that first line
#   pfh_wait_file GLOB [TIMEOUT=20]  wait until GLOB names an existing file
#   pfh_send PORT FROM RCPT[,RCPT...] [pfh-smtp.py options]
#                                 submit one message; prints the queue id.
#                                 Options: --notify NEVER, --ret, --envid,
#                                 --subject, --header 'H: v', --body-file
#   pfh_sendmail NAME FROM RCPT... < MESSAGE
#                                 submit MESSAGE to instance NAME with its
#                                 sendmail(1) (postdrop, pickup: the
#                                 non_smtpd_milters path)
#   pfh_log NAME                  path of NAME's maillog
#   pfh_queue_empty NAME          0 if NAME's queue holds no message
#
# Topology helpers (the standard bounceguard test setup):
#   pfh_topology_remote NAME PORT  "B": a remote MTA for remote.test that
#       rejects at RCPT time with exact replies, accepts everything else and
#       discards it:
#         unknown@remote.test 550 5.1.1 User unknown
#         full@remote.test    552 5.2.2 Mailbox full
#         dmarc@remote.test   550 5.7.26 Unauthenticated email is not accepted
#         later@remote.test   450 4.2.1 Try again later
#   pfh_topology_mta NAME PORT REMOTE_PORT MILTER [EXTRA]  "A": our MTA, with
#       MILTER (e.g. unix:/path) on smtpd_milters and non_smtpd_milters,
#       internal_mail_filter_classes = bounce, milter_default_action =
#       accept; remote.test goes to 127.0.0.1:REMOTE_PORT; mail for a.test
#       (the senders, hence Postfix's DSNs) is stored one file per message
#       in the maildir printed by pfh_mailbox NAME.  Short delay warning and
#       queue lifetimes when PFH_FAST_QUEUE=1.
#   pfh_mailbox NAME               the a.test maildir "new" directory of NAME
#   pfh_bounceguard_start CONF [ARGS...]
#       run $top_builddir/bounceguard -f -c CONF in the foreground in the
#       background; output in $PFH_W/bounceguard.out; waits for its socket
#       ($PFH_BG_SOCKET, set by pfh_bounceguard_config) to appear
#   pfh_bounceguard_config FILE  write a minimal configuration: socket in
#       $PFH_W/bg/bg.sock, user/group postfix, pidfile and SQLite store in
#       $PFH_W/bg; extra libconfig text from $PFH_BG_EXTRA_CONF
#
# Safe under "set -e" (the demo and the benchmark use it).
# Ports are picked at random, probed, and claimed in $PFH_PORTS_DIR (one
# directory per port, made atomically, holding the claiming shell's pid,
# given back by pfh_cleanup; the claim of a shell that is gone is stale), so
# that neither two calls of one test nor two tests run side by side get the
# same port: Postfix's master binds with SO_REUSEPORT, so two instances
# given one port would both listen and share its connections without a
# word.  A process outside the harness may still take a claimed port
# between the probe and the bind.
# Limits: one work directory per sourcing shell.  Not thread-safe (it's
# shell).

PFH_W=
PFH_INSTANCES=
PFH_SPAWNED=
PFH_WHY=
PFH_PORTS_DIR=${PFH_TMPDIR:-/tmp}/pfh-ports
PFH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PFH_POSTFIX=${PFH_POSTFIX:-$(command -v postfix 2>/dev/null || echo /usr/sbin/postfix)}
PFH_POSTCONF=${PFH_POSTCONF:-$(command -v postconf 2>/dev/null || echo /usr/sbin/postconf)}
PFH_PYTHON=${PFH_PYTHON:-$(command -v python3 2>/dev/null || echo /usr/bin/python3)}

pfh_diag() { echo "# pfh: $*" >&2; }

pfh_available() {
    if [ "$(id -u)" -ne 0 ]; then
        PFH_WHY="needs root (Postfix's master drops privileges itself)"
        return 1
    fi
    if [ ! -x "$PFH_POSTFIX" ]; then
        PFH_WHY="postfix is not installed (apt-get install postfix)"
        return 1
    fi
    if ! id postfix >/dev/null 2>&1; then
        PFH_WHY="no postfix user (install the Debian postfix package)"
        return 1
    fi
    if ! "$PFH_PYTHON" -c 'import smtplib' 2>/dev/null; then
        PFH_WHY="python3 is missing"
        return 1
    fi
    return 0
}

pfh_init() {
    if [ -n "${1:-}" ]; then
        mkdir -p "$1" || return 1
        PFH_W=$(cd "$1" && pwd) || return 1
    else
        PFH_W=$(mktemp -d "${PFH_TMPDIR:-/tmp}/pfh.XXXXXX") || return 1
    fi
    # mktemp makes 0700; Postfix's daemons (user postfix) must traverse it,
    # and every directory above it.
    chmod 755 "$PFH_W" || return 1
    local d=$PFH_W
    while [ "$d" != / ] && [ -n "$d" ]; do
        d=$(dirname "$d")
        if [ -z "$(find "$d" -maxdepth 0 -perm -o+x 2>/dev/null)" ]; then
            pfh_diag "$d is not searchable by others: user postfix cannot" \
                "reach $PFH_W (set PFH_TMPDIR)"
            return 1
        fi
    done
    PFH_INSTANCES=
    PFH_SPAWNED=
    export PFH_W
}

# Is something listening on 127.0.0.1:$1, or can't we bind it?
pfh_port_busy() {
    "$PFH_PYTHON" - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

# Claims port $1 for this shell ($$, the same in a command substitution);
# 1 when another live shell holds it.
pfh_claim_port() {
    local d=$PFH_PORTS_DIR/$1 owner
    # shared by every user's tests, like /tmp
    [ -d "$PFH_PORTS_DIR" ] || mkdir -m 1777 "$PFH_PORTS_DIR" 2>/dev/null
    if ! mkdir "$d" 2>/dev/null; then
        owner=$(cat "$d/pid" 2>/dev/null) || return 1
        # empty: being claimed right now; alive (whoever's process it is,
        # this shell included): taken
        [ -n "$owner" ] && [ ! -d "/proc/$owner" ] || return 1
        mv "$d" "$d.stale.$$" 2>/dev/null || return 1 # one mover wins
        rm -rf "$d.stale.$$"
        mkdir "$d" 2>/dev/null || return 1
    fi
    echo "$$" > "$d/pid"
}

# Gives back the ports this shell claimed.
pfh_release_ports() {
    local d
    for d in "$PFH_PORTS_DIR"/*/; do
        [ "$(cat "$d/pid" 2>/dev/null)" = "$$" ] && rm -rf "$d"
    done
    return 0
}

pfh_free_port() {
    local i port
    for i in $(seq 200); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        pfh_claim_port "$port" || continue
        if ! pfh_port_busy "$port"; then
            echo "$port"
            return 0
        fi
        rm -rf "${PFH_PORTS_DIR:?}/$port"
    done
    pfh_diag "no free port found"
    return 1
}

pfh_dir() { echo "$PFH_W/$1"; }
pfh_log() { echo "$PFH_W/$1/log/maillog"; }

pfh_instance() {
    local name=${1:?name} port=${2:?port} extra=${3:-}
    local d="$PFH_W/$name"
    [ -n "$PFH_W" ] || { pfh_diag "pfh_init first"; return 1; }
    mkdir -p "$d/etc" "$d/spool" "$d/data" "$d/log" || return 1
    chown root:root "$d/spool" && chmod 755 "$d/spool" "$d" "$d/etc" "$d/log"
    chown postfix:postfix "$d/data" && chmod 700 "$d/data"
    pfh_write_main_cf "$name" "$port" > "$d/etc/main.cf" || return 1
    if [ -n "$extra" ]; then
        printf '\n# --- test specific ---\n%s\n' "$extra" >> "$d/etc/main.cf"
        pfh_last_wins "$d/etc/main.cf" || return 1
    fi
    pfh_write_master_cf "$port" > "$d/etc/master.cf" || return 1
    echo "$port" > "$d/port"
    case " $PFH_INSTANCES " in
        *" $name "*) ;;
        *) PFH_INSTANCES="$PFH_INSTANCES $name" ;;
    esac
}

# pfh_last_wins FILE: keeps only the last entry of each parameter in the
# main.cf FILE (an entry: "name = value" and the indented lines after it).
# Postfix takes the last one too, but every process then logs "overriding
# earlier entry" at start; postlogd logs its own warning to its own socket,
# and with more than net.unix.max_dgram_qlen (10) such lines queued before
# it reads, it waits on itself and the whole instance stops logging.
pfh_last_wins() {
    awk '
        /^[A-Za-z0-9_]+[ \t]*=/ { n++; name[n] = $1; sub(/=.*/, "", name[n]);
                                  gsub(/[ \t]/, "", name[n]);
                                  last[name[n]] = n; text[n] = $0; next }
        /^[ \t]+[^ \t]/ && n > 0 && name[n] != "" { text[n] = text[n] "\n" $0;
                                                    next }
        { n++; name[n] = ""; text[n] = $0 }
        END { for (i = 1; i <= n; i++)
                  if (name[i] == "" || last[name[i]] == i) print text[i] }
    ' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}

pfh_write_main_cf() {
    local name=$1 d="$PFH_W/$1"
    cat <<EOF
# private test instance "$name" written by tests/lib/pfharness.sh
compatibility_level = 3.6
queue_directory = $d/spool
data_directory = $d/data
myhostname = $name-$$.bounceguard.test
mydomain = bounceguard.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file = $d/log/maillog
maillog_file_prefixes = $PFH_W
syslog_name = pfh-$name
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
biff = no
alias_maps =
alias_database =
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF
}

pfh_write_master_cf() {
    cat <<EOF
# service type private unpriv chroot wakeup maxproc command
127.0.0.1:$1 inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

pfh_master_cf_add() {
    echo "$2" >> "$PFH_W/$1/etc/master.cf"
}

pfh_postconf() {
    local name=$1
    shift
    "$PFH_POSTCONF" -c "$PFH_W/$name/etc" -e "$@"
}

pfh_port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pfh_start() {
    local names=${*:-$PFH_INSTANCES} n port i
    for n in $names; do
        if ! "$PFH_POSTFIX" -c "$PFH_W/$n/etc" check >"$PFH_W/$n/check.out" 2>&1
        then
            pfh_diag "postfix check failed for $n:"
            sed 's/^/# /' "$PFH_W/$n/check.out" >&2
            return 1
        fi
        if ! "$PFH_POSTFIX" -c "$PFH_W/$n/etc" start >"$PFH_W/$n/start.out" 2>&1
        then
            pfh_diag "postfix start failed for $n:"
            sed 's/^/# /' "$PFH_W/$n/start.out" "$(pfh_log "$n")" >&2 2>/dev/null
            return 1
        fi
    done
    for n in $names; do
        port=$(cat "$PFH_W/$n/port")
        for i in $(seq 100); do
            pfh_port_answers "$port" && break
            sleep 0.1
        done
        if ! pfh_port_answers "$port"; then
            pfh_diag "instance $n does not answer on 127.0.0.1:$port"
            return 1
        fi
    done
}

pfh_reload() {
    "$PFH_POSTFIX" -c "$PFH_W/$1/etc" reload >/dev/null 2>&1
}

pfh_master_pid() {
    local f="$PFH_W/$1/spool/pid/master.pid"
    [ -s "$f" ] && awk 'NR == 1 { print $1 }' "$f"
}

# Pids of processes whose working directory or command line is under dir $1.
pfh_pids_under() {
    local dir=${1%/} p cwd
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        [ "${p#/proc/}" = "$BASHPID" ] && continue
        cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
        case "$cwd/" in
            "$dir"/*) echo "${p#/proc/}"; continue ;;
        esac
        if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF -- "$dir/"; then
            echo "${p#/proc/}"
        fi
    done
}

pfh_leftovers() {
    [ -n "$PFH_W" ] && pfh_pids_under "$PFH_W"
}

pfh_wait_gone() { # pfh_wait_gone TIMEOUT_TENTHS PID...
    local n=$1 i p alive
    shift
    for i in $(seq "$n"); do
        alive=
        for p in "$@"; do
            kill -0 "$p" 2>/dev/null && alive=1
        done
        [ -z "$alive" ] && return 0
        sleep 0.1
    done
    return 1
}

pfh_stop() {
    local names=${*:-$PFH_INSTANCES} n pid pids
    for n in $names; do
        [ -f "$PFH_W/$n/etc/main.cf" ] || continue
        pid=$(pfh_master_pid "$n") || pid=
        "$PFH_POSTFIX" -c "$PFH_W/$n/etc" stop >/dev/null 2>&1 || true
        if [ -n "$pid" ]; then
            pfh_wait_gone 100 "$pid" || true
        fi
        # children exit once master is gone; make sure of it
        pids=$(pfh_pids_under "$PFH_W/$n/")
        if [ -n "$pids" ] && ! pfh_wait_gone 50 $pids; then
            kill -9 $pids 2>/dev/null || true
        fi
    done
    return 0
}

pfh_spawn() {
    local name=$1
    shift
    "$@" >"$PFH_W/$name.out" 2>&1 &
    echo $! > "$PFH_W/$name.pid"
    PFH_SPAWNED="$PFH_SPAWNED $name"
}

pfh_kill() {
    local f="$PFH_W/$1.pid" pid rc=0
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    # libmilter shuts down gracefully (it polls about every 5 seconds):
    # give it time, then insist and return 1
    if ! pfh_wait_gone 150 "$pid"; then
        pfh_diag "$1 (pid $pid) still runs 15s after SIGTERM; killing"
        kill -9 "$pid" 2>/dev/null || true
        pfh_wait_gone 20 "$pid" || true
        rc=1
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$f"
    return $rc
}

pfh_cleanup() {
    local s keep=${PFH_KEEP:-0}
    [ "${1:-}" = --keep ] && keep=quiet
    if [ -z "$PFH_W" ] || [ ! -d "$PFH_W" ]; then
        pfh_release_ports
        return 0
    fi
    pfh_stop
    for s in $PFH_SPAWNED; do
        pfh_kill "$s" || true
    done
    PFH_SPAWNED=
    pfh_release_ports
    if [ "$keep" = 1 ]; then
        pfh_diag "keeping $PFH_W"
    elif [ "$keep" = 0 ]; then
        rm -rf "$PFH_W"
    fi
    return 0
}

pfh_wait_log() {
    local file=$1 re=$2 t=${3:-20} i
    for i in $(seq $((t * 10))); do
        if [ -f "$file" ] && grep -Eq -- "$re" "$file"; then
            grep -E -m1 -- "$re" "$file"
            return 0
        fi
        sleep 0.1
    done
    pfh_diag "timeout (${t}s) waiting for /$re/ in $file"
    return 1
}

pfh_wait_file() {
    local glob=$1 t=${2:-20} i f
    for i in $(seq $((t * 10))); do
        for f in $glob; do
            [ -e "$f" ] && { echo "$f"; return 0; }
        done
        sleep 0.1
    done
    pfh_diag "timeout (${t}s) waiting for $glob"
    return 1
}

pfh_send() {
    local port=$1
    shift
    "$PFH_PYTHON" "$PFH_HERE/pfh-smtp.py" "127.0.0.1:$port" "$@"
}

pfh_sendmail() { # pfh_sendmail NAME FROM RCPT... < MESSAGE
    local name=$1 from=$2
    shift 2
    "${PFH_SENDMAIL:-/usr/sbin/sendmail}" -C "$PFH_W/$name/etc" -f "$from" \
        -- "$@"
}

pfh_queue_empty() {
    local s="$PFH_W/$1/spool"
    [ -z "$(find "$s/incoming" "$s/active" "$s/deferred" "$s/maildrop" \
        -type f 2>/dev/null | head -1)" ]
}

pfh_mailbox() { echo "$PFH_W/$1/mail/a.test/new"; }

pfh_topology_remote() {
    local name=$1 port=$2 d="$PFH_W/$1"
    pfh_instance "$name" "$port" "relay_domains = remote.test
transport_maps = inline:{ remote.test=discard: }
smtpd_recipient_restrictions =
    check_recipient_access texthash:$d/etc/rcpt_access,
    permit_mynetworks, reject_unauth_destination
milter_default_action = accept" || return 1
    cat > "$d/etc/rcpt_access" <<'EOF'
# texthash: needs no postmap.  Postfix answers
# "CODE X.Y.Z <rcpt>: Recipient address rejected: TEXT".
unknown@remote.test   550 5.1.1 User unknown
full@remote.test      552 5.2.2 Mailbox full
dmarc@remote.test     550 5.7.26 Unauthenticated email is not accepted
later@remote.test     450 4.2.1 Try again later
EOF
}

pfh_topology_mta() {
    local name=$1 port=$2 rport=$3 milter=$4 extra=${5:-} d="$PFH_W/$1"
    local uid gid fast=
    uid=$(id -u postfix) gid=$(id -g postfix)
    if [ "${PFH_FAST_QUEUE:-0}" = 1 ]; then
        fast="delay_warning_time = 10s
maximal_queue_lifetime = 60s
bounce_queue_lifetime = 60s"
    fi
    pfh_instance "$name" "$port" "smtpd_milters = $milter
non_smtpd_milters = $milter
internal_mail_filter_classes = bounce
milter_default_action = accept
milter_connect_macros = j {daemon_name} {daemon_addr} v _ {client_addr} {client_name}
transport_maps = inline:{ remote.test=smtp:[127.0.0.1]:$rport }
virtual_mailbox_domains = a.test
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = inline:{ @a.test=a.test/ }
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
$fast
$extra" || return 1
    mkdir -p "$d/mail" && chown postfix:postfix "$d/mail" && chmod 755 "$d/mail"
}

pfh_bounceguard_config() {
    local conf=${1:?conf} bg="$PFH_W/bg"
    mkdir -p "$bg" || return 1
    chown postfix:postfix "$bg" && chmod 755 "$bg"
    PFH_BG_SOCKET="$bg/bg.sock"
    cat > "$conf" <<EOF
# bounceguard.conf written by tests/lib/pfharness.sh
socket = "unix:$PFH_BG_SOCKET";
user = "postfix";
group = "postfix";
pidfile = "$bg/bounceguard.pid";
log_level = "${PFH_BG_LOG_LEVEL:-info}";
store = {
    backend = "sqlite";
    path = "$bg/bounceguard.db";
};
${PFH_BG_EXTRA_CONF:-}
EOF
}

pfh_bounceguard_bin() {
    echo "${BOUNCEGUARD:-${top_builddir:-.}/bounceguard}"
}

pfh_bounceguard_start() {
    local conf=${1:?conf} bin i
    shift
    bin=$(pfh_bounceguard_bin)
    [ -x "$bin" ] || { pfh_diag "no bounceguard at $bin"; return 1; }
    : "${PFH_BG_SOCKET:=$PFH_W/bg/bg.sock}"
    pfh_spawn bounceguard "$bin" -f -c "$conf" "$@"
    for i in $(seq 100); do
        [ -S "$PFH_BG_SOCKET" ] && return 0
        kill -0 "$(cat "$PFH_W/bounceguard.pid")" 2>/dev/null || break
        sleep 0.1
    done
    pfh_diag "bounceguard did not create $PFH_BG_SOCKET; its output:"
    sed 's/^/#   /' "$PFH_W/bounceguard.out" >&2
    return 1
}

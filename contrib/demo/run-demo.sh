#!/bin/bash
# run-demo.sh - bounceguard's main job, end to end, on one Debian 12 machine.
#
# As root: installs the Debian packages (contrib/install-deps.sh), builds
# bounceguard out of tree in _build-demo (autoreconf -fi, configure, make),
# then starts two private Postfix instances on 127.0.0.1 in a temporary
# directory -- A, "our MTA", with bounceguard attached on its embedded SQLite
# store, and B, "a remote MTA" that rejects some recipients -- sends a few
# messages through A, shows what bounceguard logged and what it stored,
# and tears everything down.  The system Postfix (/etc/postfix) is never
# touched.  Safe to re-run.
#
# Environment: BG_DEMO_SKIP_DEPS=1 skips the package installation,
# BG_DEMO_KEEP=1 keeps the work directory, BG_DEMO_JOBS (default 2).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$TOP/_build-demo
JOBS=${BG_DEMO_JOBS:-2}

say() { printf '\n==== %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "run-demo.sh: run as root (packages, and Postfix's master)" >&2
    exit 1
fi

if [ "${BG_DEMO_SKIP_DEPS:-0}" != 1 ]; then
    say "installing Debian packages"
    "$TOP/contrib/install-deps.sh"
fi

say "building bounceguard in $BUILD"
# Out of tree, so that the source tree stays usable for other builds
# (automake refuses a VPATH build once the source tree is configured).
(cd "$TOP" && autoreconf -fi)
mkdir -p "$BUILD"
if [ ! -f "$BUILD/Makefile" ]; then
    (cd "$BUILD" && "$TOP/configure" -q)
fi
make -C "$BUILD" -j"$JOBS" -s bounceguard
have_ctl=1
make -C "$BUILD" -j"$JOBS" -s bounceguardctl || have_ctl=0

export top_srcdir=$TOP top_builddir=$BUILD
. "$TOP/tests/lib/pfharness.sh"
pfh_available || { echo "run-demo.sh: $PFH_WHY" >&2; exit 1; }
pfh_init
W=$PFH_W
[ "${BG_DEMO_KEEP:-0}" = 1 ] && PFH_KEEP=1
trap pfh_cleanup EXIT INT TERM

say "starting bounceguard and two private Postfix instances in $W"
PA=$(pfh_free_port)
PB=$(pfh_free_port)
# the shipped rules from the source tree (nothing is installed)
PFH_BG_EXTRA_CONF="classify = { rules_file = \"$TOP/conf/rules.conf\"; };"
pfh_bounceguard_config "$W/bounceguard.conf"
pfh_topology_remote b "$PB"
pfh_topology_mta a "$PA" "$PB" "unix:$PFH_BG_SOCKET"
pfh_bounceguard_start "$W/bounceguard.conf"
pfh_start
echo "A (our MTA, bounceguard attached): 127.0.0.1:$PA"
echo "B (remote MTA for remote.test):    127.0.0.1:$PB"
echo "bounceguard: $PFH_BG_SOCKET, store $W/bg/bounceguard.db"

say "sending mail through A"
send() {
    local out qid
    out=$(pfh_send "$PA" "$@" 2>&1) || true
    qid=$(printf '%s\n' "$out" | tail -n1)
    printf '  %s -> %s: queued as %s\n' "$1" "$2" "${qid:-(nothing)}"
    printf '%s\n' "$out" | grep 'refused' | sed 's/^/      /' || true
}
send alice@a.test ok@remote.test --subject "demo: accepted"
send bob@a.test ok@remote.test,unknown@remote.test \
    --subject "demo: one unknown recipient"
send carol@a.test full@remote.test --subject "demo: mailbox full"
send dave@a.test dmarc@remote.test --subject "demo: unauthenticated"

say "waiting for Postfix's DSNs (bounces) to come back to A"
for i in $(seq 100); do
    [ "$(grep -c 'sender non-delivery notification' "$(pfh_log a)")" -ge 3 ] \
        && break
    sleep 0.1
done
sleep 1
grep -E 'status=(sent|bounced|deferred)|non-delivery' "$(pfh_log a)" |
    sed -E 's/^.*(pfh-a\/)/  \1/' | cut -c1-150 || true

say "sending to unknown@remote.test again, now that it has bounced"
send erin@a.test unknown@remote.test,ok@remote.test \
    --subject "demo: after the bounce"
sleep 1

say "a DSN as the sender received it (first lines of its report part)"
dsn=$(ls "$(pfh_mailbox a)"/* 2>/dev/null | head -n1 || true)
if [ -n "$dsn" ]; then
    grep -E '^(Subject|Final-Recipient|Action|Status|Diagnostic-Code):' \
        "$dsn" | awk '!/^Subject:/ || !seen++' | sed 's/^/  /' || true
fi

say "what bounceguard logged"
sed 's/^/  /' "$W/bounceguard.out"

# show_store: the first rows of the SQLite store's suppressions and events
# tables (or of every table when it has neither)
show_store() {
    local db=$W/bg/bounceguard.db t tables
    [ -f "$db" ] && command -v sqlite3 >/dev/null || return 0
    tables=$(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table'
                            AND name IN ('suppressions', 'events')
                            ORDER BY name DESC")
    [ -n "$tables" ] || tables=$(sqlite3 "$db" "SELECT name FROM sqlite_master
                                         WHERE type = 'table' ORDER BY name")
    for t in $tables; do
        echo "  -- $t"
        sqlite3 -header -column "$db" "SELECT * FROM \"$t\" LIMIT 5" |
            cut -c1-150 | sed 's/^/  /'
    done
}

say "what bounceguard stored (bounceguardctl list)"
if [ "$have_ctl" = 0 ]; then
    echo "  (bounceguardctl did not build)"
elif ! "$BUILD/bounceguardctl" -c "$W/bounceguard.conf" list 2>&1 |
    sed 's/^/  /'; then
    echo "  (bounceguardctl list failed; the store's tables as sqlite3 shows them:)"
    show_store
fi

say "tearing down"
trap - EXIT INT TERM
pfh_cleanup
left=$(echo $(pfh_leftovers))
if [ -n "$left" ]; then
    echo "processes left behind: $left" >&2
    exit 1
fi
echo "done: no process left behind"

#!/bin/sh
# systemd_unit.sh - the generated bounceguard.service passes
# "systemd-analyze verify" (pointed at the built daemon and the man pages of
# the source tree) and keeps its hardening; the tmpfiles.d and sysusers.d
# snippets name the directories and user the unit and the sample use.
. "${top_srcdir:?}/tests/lib/tap.sh"

UNIT=${top_builddir:-.}/systemd/bounceguard.service
[ -f "$UNIT" ] || tap_bail "systemd/bounceguard.service not generated"
command -v systemd-analyze >/dev/null 2>&1 ||
    tap_skip_all "systemd-analyze not installed"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-unit.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
mkdir -p "$W/unit" "$W/man/man5" "$W/man/man8"
cp "$top_srcdir/man/bounceguard.8" "$top_srcdir/man/bounceguardctl.8" \
    "$W/man/man8/"
cp "$top_srcdir/man/bounceguard.conf.5" "$W/man/man5/"
bg=$(cd "${top_builddir:-.}" && pwd)/bounceguard
sed "s|^ExecStart=[^ ]*|ExecStart=$bg|" "$UNIT" >"$W/unit/bounceguard.service"

MANPATH="$W/man:" systemd-analyze verify "$W/unit/bounceguard.service" \
    >"$W/verify.out" 2>&1
st=$?
tap_ok $st "systemd-analyze verify accepts the unit"
[ "$st" -eq 0 ] || sed 's/^/# /' "$W/verify.out"

for line in Type=simple 'ExecReload=/bin/kill -USR1 $MAINPID' \
    RuntimeDirectory=bounceguard StateDirectory=bounceguard \
    ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
    'CapabilityBoundingSet=' 'SystemCallFilter=@system-service' \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'; do
    grep -qxF "$line" "$UNIT"
    tap_ok $? "the unit has $line"
done
grep -q "^ExecStart=.*/bounceguard -f -c .*/bounceguard/bounceguard.conf$" \
    "$UNIT"
tap_ok $? "ExecStart runs the installed daemon in the foreground"

grep -q '^d /run/bounceguard .* bounceguard bounceguard' \
    "$top_srcdir/systemd/bounceguard.tmpfiles"
tap_ok $? "tmpfiles.d creates /run/bounceguard for user bounceguard"
grep -q '^u bounceguard ' "$top_srcdir/systemd/bounceguard.sysusers"
tap_ok $? "sysusers.d creates user bounceguard"

tap_done

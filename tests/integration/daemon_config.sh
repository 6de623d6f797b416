#!/bin/sh
# daemon_config.sh - "bounceguard -n" and "bounceguardctl check-config"
# accept the shipped sample (as is and moved to temporary paths) and reject
# broken files with FILE:LINE: KEY: and status 78; root without "user" is
# refused; usage errors give 64.
. "${top_srcdir:?}/tests/lib/tap.sh"

BG=${top_builddir:-.}/bounceguard
CTL=${top_builddir:-.}/bounceguardctl
SAMPLE=$top_srcdir/conf/bounceguard.conf
[ -x "$BG" ] || tap_bail "bounceguard not built ($BG)"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-config.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM

# expect STATUS PATTERN DESCRIPTION COMMAND...: status and stderr pattern
expect() {
    want=$1 pat=$2 d=$3
    shift 3
    "$@" >"$W/stdout" 2>"$W/stderr"
    got=$?
    if [ "$got" -eq "$want" ] && grep -q -e "$pat" "$W/stderr"; then
        tap_ok 0 "$d"
    else
        tap_ok 1 "$d"
        tap_diag "status $got (want $want), stderr:"
        sed 's/^/#   /' "$W/stderr"
    fi
}

"$BG" -V | grep -q '^bounceguard [0-9]'
tap_ok $? "-V prints the version"

"$BG" -n -c "$SAMPLE" 2>"$W/stderr"
tap_ok $? "-n accepts the shipped sample"

sed -e "s|/run/bounceguard|$W|g" -e "s|/var/lib/bounceguard|$W|g" \
    "$SAMPLE" >"$W/sample.conf"
"$BG" -n -c "$W/sample.conf" && ! grep -q /run/bounceguard "$W/sample.conf"
tap_ok $? "-n accepts the sample moved to temporary paths"

"$CTL" -c "$W/sample.conf" check-config >/dev/null
tap_ok $? "bounceguardctl check-config accepts it"

# Each broken file: CONTENT|EXPECTED (after the path)
n=0
while IFS='|' read -r content pattern; do
    n=$((n + 1))
    printf '%b' "$content" >"$W/bad$n.conf"
    expect 78 "^bounceguard: $W/bad$n.conf$pattern" \
        "-n rejects bad$n.conf with$pattern" \
        "$BG" -n -c "$W/bad$n.conf"
done <<'EOF'
user = "nobody";\nsocket = "/tmp/x.sock";\n|:2: socket: expected "unix:PATH" or "inet:PORT@HOST"
\n\nsockett = "unix:/x";\n|:3: sockett: unknown key
store = {\n  backend = "sqlite";\n  paht = "/x";\n};\n|:3: store.paht: unknown key
socket_backlog = "many";\n|:1: socket_backlog: expected an integer
socket_backlog = 0;\n|:1: socket_backlog: 0 out of range 1..65535
milter_timeout = "3d";\n|:1: milter_timeout: 259200 out of range
log_level = "chatty";\n|:1: log_level: "chatty": expected one of
policy = { soft_span = "soon"; };\n|:1: policy.soft_span: expected a duration
socket = "unix:/x"\nuser = ;\n|:2: syntax error
EOF

expect 78 "cannot read" "-n rejects a missing file" \
    "$BG" -n -c "$W/missing.conf"

if [ "$(id -u)" -eq 0 ]; then
    printf 'socket = "unix:%s/s.sock";\npidfile = "";\n' "$W" >"$W/nouser.conf"
    expect 78 'refusing to run as root without a "user"' \
        "root without a user is refused" "$BG" -f -c "$W/nouser.conf"
    [ ! -e "$W/s.sock" ]
    tap_ok $? "... before the socket was created"
    printf 'socket = "unix:%s/s.sock";\npidfile = "";\nuser = "%s";\n' \
        "$W" "no-such-user-bg" >"$W/baduser.conf"
    expect 78 'user "no-such-user-bg" does not exist' \
        "an unknown user is refused" "$BG" -f -c "$W/baduser.conf"
else
    tap_skip "not root: root without a user"
    tap_skip "not root: root without a user, socket"
    tap_skip "not root: unknown user"
fi

expect 64 "usage:" "an unknown option gives 64" "$BG" -x
expect 78 "$W/bad1.conf:2: socket:" \
    "bounceguardctl check-config rejects bad1.conf with 78" \
    "$CTL" -c "$W/bad1.conf" check-config
expect 64 "unknown command" "bounceguardctl: unknown command gives 64" \
    "$CTL" no-such-command

tap_done

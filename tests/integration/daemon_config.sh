#!/bin/sh
# daemon_config.sh - "bounceguard -n" and "bounceguardctl check-config"
# accept the shipped sample (as is and moved to temporary paths) and reject
# broken files with FILE:LINE: KEY: and status 78; they load the rules the
# file names, reject broken ones with the rules' FILE:LINE and 78, and warn
# about unreadable site rules and rules that run on every reply; root
# without "user" is refused; usage errors give 64.
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

# the sample as is, but for the shipped rules, which are not installed
# here, and its user, which need not exist here (-n looks it up)
RULES=$top_srcdir/conf/rules.conf
sed -e "s|#rules_file = .*|rules_file = \"$RULES\";|" \
    -e 's|^user = "bounceguard";|user = "nobody";|' "$SAMPLE" >"$W/asis.conf"
grep -q '^user = "nobody";' "$W/asis.conf"
tap_ok $? "the sample names its user"
"$BG" -n -c "$W/asis.conf" 2>"$W/stderr" && [ ! -s "$W/stderr" ]
tap_ok $? "-n accepts the shipped sample, silently"
sed 's|^user = "nobody";|user = "no-such-user-bg";|' "$W/asis.conf" >"$W/nouser.conf"
expect 78 "^bounceguard: $W/nouser.conf: user \"no-such-user-bg\" does not exist" \
    "-n rejects a user that does not exist, as the start would" \
    "$BG" -n -c "$W/nouser.conf"
"$CTL" -c "$W/nouser.conf" check-config >/dev/null 2>"$W/stderr"
[ $? -eq 78 ] && grep -q 'user "no-such-user-bg" does not exist' "$W/stderr"
tap_ok $? "check-config rejects it too"

sed -e "s|/run/bounceguard|$W|g" -e "s|/var/lib/bounceguard|$W|g" \
    "$W/asis.conf" >"$W/sample.conf"
"$BG" -n -c "$W/sample.conf" && ! grep -q /run/bounceguard "$W/sample.conf"
tap_ok $? "-n accepts the sample moved to temporary paths"

"$CTL" -c "$W/sample.conf" check-config >"$W/stdout"
[ $? -eq 0 ] && grep -q "^$W/sample.conf: OK ([1-9][0-9]* classification rules; prefilter: [1-9][0-9]* literals, [1-9][0-9]* states, [1-9][0-9]* kB)$" "$W/stdout"
tap_ok $? "bounceguardctl check-config accepts it and counts the rules and the prefilter"

# The rules: CONFIG LOCAL_RULES (printf) writes a configuration with site
# rules in $W/local.conf (none when LOCAL_RULES is "-").
rules_conf() {
    rm -f "$W/local.conf"
    [ "$2" = - ] || printf "$2" >"$W/local.conf"
    printf 'classify = { rules_file = "%s"; local_rules_file = "%s"; };\n' \
        "$RULES" "$W/local.conf" >"$1"
}
rules_conf "$W/r1.conf" 'site-x user_unknown text=/no such person/i\nsite-y nosuch\n'
expect 78 "^bounceguard: $W/local.conf:2: unknown reason 'nosuch'" \
    "-n rejects broken site rules with their file:line" "$BG" -n -c "$W/r1.conf"
expect 78 "$W/local.conf:2: unknown reason 'nosuch'" \
    "check-config rejects them too" "$CTL" -c "$W/r1.conf" check-config
printf 'classify = { rules_file = "%s"; };\n' "$W/missing-rules.conf" >"$W/r2.conf"
expect 78 "^bounceguard: $W/missing-rules.conf: cannot open" \
    "-n rejects a missing rules file" "$BG" -n -c "$W/r2.conf"
# the daemon itself: broken rules are a configuration error (78, which the
# systemd unit does not restart on), found before the socket is bound
{
    cat "$W/r1.conf"
    printf 'socket = "unix:%s/r1.sock";\npidfile = "";\nuser = "%s";\n' \
        "$W" "$(id -un)"
} >"$W/r1d.conf"
expect 78 "$W/local.conf:2: unknown reason 'nosuch'" \
    "a start with broken site rules exits 78 with their file:line" \
    "$BG" -f -c "$W/r1d.conf"
[ ! -e "$W/r1.sock" ]
tap_ok $? "... before the socket was created"
rules_conf "$W/r3.conf" 'site-slow policy code=550 text=/\\d{3}x?|ab/\n'
expect 0 "^bounceguard: warning: $W/local.conf:1: rule site-slow: its text= expression has no literal to look for first" \
    "-n warns about a rule that runs on every reply" "$BG" -n -c "$W/r3.conf"
expect 0 "^bounceguardctl: warning: $W/local.conf:1: rule site-slow:" \
    "check-config warns too" "$CTL" -c "$W/r3.conf" check-config
rules_conf "$W/r4.conf" 'site-fast policy code=550 text=/\\d{3} blocked by site policy/\n'
"$BG" -n -c "$W/r4.conf" 2>"$W/stderr" && [ ! -s "$W/stderr" ]
tap_ok $? "... and not about one with a literal"
rules_conf "$W/r5.conf" -
expect 0 "^bounceguard: warning: local_rules_file $W/local.conf: cannot read it (No such file or directory): only the shipped rules are used" \
    "-n warns about unreadable site rules" "$BG" -n -c "$W/r5.conf"

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

#!/bin/sh
# docs_config.sh - every key of the configuration schema is described in
# its own group's section of bounceguard.conf(5) (".It Cm KEY" under
# ".Ss Group"; the top-level keys under ".Ss Daemon") and shown in its own
# group's "{ }" block of the sample conf/bounceguard.conf ("KEY =",
# commented or not; top-level keys outside every block), so a key name two
# groups share cannot hide a missing entry; the three man pages pass
# "mandoc -Tlint" without warnings.
. "${top_srcdir:?}/tests/lib/tap.sh"

CTL=${top_builddir:-.}/bounceguardctl
MAN5=$top_srcdir/man/bounceguard.conf.5
SAMPLE=$top_srcdir/conf/bounceguard.conf
[ -x "$CTL" ] || tap_bail "bounceguardctl not built ($CTL)"

# man_section GROUP: the .Ss section of GROUP ("" = top level: "Daemon")
man_section() {
    awk -v g="$1" '
        /^\.S[sh] / {
            name = tolower($2)
            in_s = $1 == ".Ss" && (g == "" ? name == "daemon" : name == g)
            next
        }
        in_s' "$MAN5"
}
# conf_block GROUP: the lines of GROUP's "{ }" block ("" = outside them)
conf_block() {
    awk -v g="$1" '
        /^#?[a-z_]+ = \{/ {
            cur = $0; sub(/^#/, "", cur); sub(/ = \{.*/, "", cur); next
        }
        /^#?\};/ { cur = ""; next }
        cur == g' "$SAMPLE"
}

keys=$("$CTL" -c /dev/null check-config -d |
    sed -e 's/^# //' -e 's/ is unset$//' -e 's/ = .*//')
[ -n "$keys" ]
tap_ok $? "bounceguardctl check-config -d lists the schema's keys"

tmp=$(mktemp) || tap_bail "mktemp failed"
trap 'rm -f "$tmp" "$tmp.man" "$tmp.conf"' EXIT

for group in $(printf '%s\n' "$keys" | sed -n 's/\..*//p' | sort -u) ""; do
    if [ -z "$group" ]; then
        list=$(printf '%s\n' "$keys" | grep -v '\.')
        name="top-level"
    else
        list=$(printf '%s\n' "$keys" | sed -n "s/^$group\.//p")
        name="$group"
    fi
    missing_man= missing_conf=
    man_section "$group" >"$tmp.man"
    conf_block "$group" >"$tmp.conf"
    for k in $list; do
        grep -q "^\.It Cm $k\( \|$\)" "$tmp.man" ||
            missing_man="$missing_man $k"
        grep -q "^[[:space:]]*#\{0,1\}[[:space:]]*$k = " "$tmp.conf" ||
            missing_conf="$missing_conf $k"
    done
    [ -z "$missing_man" ]
    tap_ok $? "bounceguard.conf(5) describes every $name key in its section"
    [ -n "$missing_man" ] &&
        tap_diag "not in the $name section of bounceguard.conf.5:$missing_man"
    [ -z "$missing_conf" ]
    tap_ok $? "the sample shows every $name key in its block"
    [ -n "$missing_conf" ] &&
        tap_diag "not in the $name block of conf/bounceguard.conf:$missing_conf"
done

if command -v mandoc >/dev/null 2>&1; then
    for page in bounceguard.8 bounceguard.conf.5 bounceguardctl.8 \
        bounceguard-rules.5; do
        out=$(mandoc -Tlint -W warning "$top_srcdir/man/$page" 2>&1 |
            grep -v 'mandoc.db')
        [ -z "$out" ]
        tap_ok $? "mandoc -Tlint: $page has no warnings"
        [ -n "$out" ] && tap_diag "$out"
    done
else
    tap_skip "mandoc not installed: man page lint"
fi
# what man(1) runs on Debian: groff, whose mdoc reads a word that names a
# macro ("An", "No") inside a reference as that macro
if command -v groff >/dev/null 2>&1; then
    for page in bounceguard.8 bounceguard.conf.5 bounceguardctl.8 \
        bounceguard-rules.5; do
        out=$(groff -k -mdoc -Tutf8 -z "$top_srcdir/man/$page" 2>&1)
        [ -z "$out" ]
        tap_ok $? "groff -mdoc: $page renders without warnings"
        [ -n "$out" ] && tap_diag "$out"
    done
else
    tap_skip "groff not installed: man page rendering"
fi

tap_done

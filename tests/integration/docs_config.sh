#!/bin/sh
# docs_config.sh - every key of the configuration schema is described in
# bounceguard.conf(5) (".It Cm KEY") and shown in the sample
# conf/bounceguard.conf ("KEY =", commented or not); the three man pages
# pass "mandoc -Tlint" without warnings.
. "${top_srcdir:?}/tests/lib/tap.sh"

CTL=${top_builddir:-.}/bounceguardctl
MAN5=$top_srcdir/man/bounceguard.conf.5
SAMPLE=$top_srcdir/conf/bounceguard.conf
[ -x "$CTL" ] || tap_skip_all "bounceguardctl not built ($CTL)"

keys=$("$CTL" -c /dev/null check-config -d |
    sed -e 's/^# //' -e 's/ is unset$//' -e 's/ = .*//')
[ -n "$keys" ]
tap_ok $? "bounceguardctl check-config -d lists the schema's keys"

for group in $(printf '%s\n' "$keys" | sed -n 's/\..*//p' | sort -u) ""; do
    if [ -z "$group" ]; then
        list=$(printf '%s\n' "$keys" | grep -v '\.')
        name="top-level"
    else
        list=$(printf '%s\n' "$keys" | sed -n "s/^$group\.//p")
        name="$group"
    fi
    missing_man= missing_conf=
    for k in $list; do
        grep -q "^\.It Cm $k\( \|$\)" "$MAN5" || missing_man="$missing_man $k"
        grep -q "^[[:space:]]*#\{0,1\}$k = " "$SAMPLE" ||
            missing_conf="$missing_conf $k"
    done
    [ -z "$missing_man" ]
    tap_ok $? "bounceguard.conf(5) describes every $name key"
    [ -n "$missing_man" ] && tap_diag "not in bounceguard.conf.5:$missing_man"
    [ -z "$missing_conf" ]
    tap_ok $? "the sample shows every $name key"
    [ -n "$missing_conf" ] && tap_diag "not in conf/bounceguard.conf:$missing_conf"
done

if command -v mandoc >/dev/null 2>&1; then
    for page in bounceguard.8 bounceguard.conf.5 bounceguardctl.8; do
        out=$(mandoc -Tlint -W warning "$top_srcdir/man/$page" 2>&1 |
            grep -v 'mandoc.db')
        [ -z "$out" ]
        tap_ok $? "mandoc -Tlint: $page has no warnings"
        [ -n "$out" ] && tap_diag "$out"
    done
else
    tap_skip "mandoc not installed: man page lint"
fi

tap_done

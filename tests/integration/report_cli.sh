#!/bin/sh
# report_cli.sh - "bounceguardctl report" over a small history with known
# answers (report_fixture.py): rates per sending domain and their level,
# reasons, providers, new suppressions, auth failures; --domain; tables
# within 100 columns; manual and too old events left out.
. "$top_srcdir/tests/lib/tap.sh"

CTL=${top_builddir:-.}/bounceguardctl
[ -x "$CTL" ] || tap_bail "bounceguardctl not built ($CTL)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is not installed"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-report.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
printf 'store = { path = "%s/bg.db"; };\n' "$W" > "$W/bg.conf"
"$CTL" -c "$W/bg.conf" stats > /dev/null 2>&1 # creates the schema
python3 "$top_srcdir/tests/integration/report_fixture.py" "$W/bg.db"
tap_ok $? "fixture written"

"$CTL" -c "$W/bg.conf" report --since 7d > "$W/out" 2> "$W/err"
tap_ok $? "report exits 0"
line() { grep -E "$1" "$W/out" > /dev/null; tap_ok $? "$2"; }
line '^news\.example +100 +5 +3 +1 +5\.00% +3\.00% +CRIT$' \
    "news.example: 100 sent, 5 hard, 3 soft, 1 sender, 5.00 %, CRIT"
line '^shop\.example +50 +1 +0 +0 +2\.00% +0\.00% +WARN$' \
    "shop.example (sender <shop@SHOP.example>): 50 sent, 1 hard, 2.00 %, WARN"
line '^user_unknown +hard +6 ' "top reason user_unknown, 6 (manual, old left out)"
line '^gmail\.test +8 +5 +3 +0  mailbox_full|^gmail\.test +8 +5 +3 +0  user_unknown' \
    "gmail.test rejects 8: 5 hard, 3 soft"
line '^New suppressions: 6$' "6 new automatic suppressions"
line '^Authentication failures: 1$' "1 authentication failure"
line '^auth_dmarc +news\.example +yahoo\.test +1$' "it names who refused whom"
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$W/out")
[ "$w" -le 100 ]
tap_ok $? "every line fits 100 columns (widest $w)"

"$CTL" -c "$W/bg.conf" report --domain SHOP.example > "$W/shop"
tap_ok $? "report --domain exits 0"
! grep -q '^news\.example' "$W/shop" && grep -q '^shop\.example' "$W/shop"
tap_ok $? "--domain shows that sending domain only"

printf 'store = { path = "%s/bg.db"; };\nmonitor = { warn = "3%%"; crit = "10%%"; };\n' \
    "$W" > "$W/levels.conf"
"$CTL" -c "$W/levels.conf" report > "$W/levels"
grep -Eq '^news\.example .* 5\.00% .* WARN$' "$W/levels" &&
    grep -Eq '^shop\.example .* 2\.00% .* ok$' "$W/levels"
tap_ok $? "the levels follow monitor.warn and monitor.crit (3%, 10%)"

"$CTL" -c "$W/bg.conf" report --since 2d3 > /dev/null 2>&1
[ $? -eq 64 ]
tap_ok $? "a bad --since is a usage error (64)"

tap_done

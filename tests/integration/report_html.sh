#!/bin/sh
# report_html.sh - "bounceguardctl report --html FILE" in a real browser:
# Debian's headless Chromium renders the page (report_fixture.py history)
# to a PNG with logging on; the test checks that no console error was
# logged, that the DOM Chromium built holds the four charts with data and
# the 2% line, and that the file fetches nothing (no URL, no script).
. "$top_srcdir/tests/lib/tap.sh"

CTL=${top_builddir:-.}/bounceguardctl
[ -x "$CTL" ] || tap_bail "bounceguardctl not built ($CTL)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is not installed"
CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
    tap_skip_all "chromium is not installed (apt-get install chromium)"

W=$(mktemp -d "${TMPDIR:-/tmp}/bg-html.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
printf 'store = { path = "%s/bg.db"; };\n' "$W" > "$W/bg.conf"
"$CTL" -c "$W/bg.conf" stats > /dev/null 2>&1 # creates the schema
python3 "$top_srcdir/tests/integration/report_fixture.py" "$W/bg.db"
"$CTL" -c "$W/bg.conf" report --html "$W/report.html"
tap_ok $? "report --html exits 0"

! grep -Eiq 'https?:|<script|<link|<img|@import|url\(' "$W/report.html"
tap_ok $? "the page refers to nothing outside itself"

chrome() { # chrome OUTPUT-OPTION...
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$W/profile" --window-size=1200,2000 \
        --enable-logging=stderr --v=0 "$@" "file://$W/report.html"
}
chrome --screenshot="$W/report.png" > "$W/shot.out" 2> "$W/shot.err"
tap_ok $? "chromium rendered the page"
size=$(wc -c < "$W/report.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ]
tap_ok $? "the screenshot is a real image ($size bytes)"
! grep -E 'CONSOLE|Uncaught|ERR_FILE|Failed to load' "$W/shot.err" > "$W/console"
tap_ok $? "no console error and no failed load"
[ -s "$W/console" ] && sed 's/^/# /' "$W/console"

chrome --dump-dom > "$W/dom.html" 2> /dev/null
tap_ok $? "chromium dumped the DOM"
for chart in rate-chart reasons-chart providers-chart suppressions-chart; do
    n=$(sed -n "s/.*id=\"$chart\" data-points=\"\([0-9]*\)\".*/\1/p" \
        "$W/dom.html" | head -1)
    [ "${n:-0}" -gt 0 ]
    tap_ok $? "$chart is in the DOM with data (${n:-no} points)"
done
grep -q '<polyline class="rate"' "$W/dom.html"
tap_ok $? "the rate chart draws lines"
grep -q 'class="warn"' "$W/dom.html" && grep -q '>2%</text>' "$W/dom.html"
tap_ok $? "the 2% line is drawn and labelled"
grep -q 'news.example' "$W/dom.html"
tap_ok $? "the sending domain is named"

tap_done

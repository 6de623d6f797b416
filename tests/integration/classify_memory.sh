#!/bin/sh
# classify_memory.sh - the classifier's memory budget (16 MB, the goal of
# bench/classify) with the shipped rules: bench_classify loads
# conf/rules.conf and parses and classifies the project's golden fixtures
# and, when ../shared is there, the corpus; its peak resident set must stay
# below 16384 kB.  A rule whose literals widen the prefilter's table (see
# bounceguard-rules(5)) shows here.
. "$top_srcdir/tests/lib/tap.sh"

bench=$top_builddir/bench/classify/bench_classify
[ -x "$bench" ] || tap_bail "bench_classify not built ($bench)"
[ -x /usr/bin/time ] || tap_skip_all "/usr/bin/time is not installed"
files=$(ls "$top_srcdir"/tests/golden/*.eml)
corpus=${BG_SHARED:-$top_srcdir/../shared}/corpus/bounces
what="the golden fixtures"
if ls "$corpus"/*.eml >/dev/null 2>&1; then
    files="$files $(ls "$corpus"/*.eml)"
    what="the golden fixtures and the corpus"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-mem.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2086
/usr/bin/time -v -o "$tmp/time" "$bench" "$top_srcdir/conf/rules.conf" 2 \
    $files >"$tmp/out" 2>"$tmp/err"
tap_ok $? "bench_classify ran over $what ($(head -n 1 "$tmp/out" | cut -d' ' -f1,3))"
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
[ -n "$rss" ] && [ "$rss" -lt 16384 ]
tap_ok $? "peak memory ${rss:-?} kB < 16384 kB"
tap_done

#!/bin/sh
# bench/classify/run.sh [ROUNDS [SISIMAI_ROUNDS]]: bounce parsing and
# classification throughput on one core, against Debian's Sisimai on the
# same files in the same run.  Prints files per second and peak RSS of
# both, and the ratio.  Needs the corpus ($BG_SHARED/corpus/bounces),
# /usr/bin/time and libsisimai-perl.  Run it from "make bench-classify".
set -eu
rounds=${1:-200}
srounds=${2:-2}
: "${top_srcdir:?}" "${top_builddir:?}"
shared=${BG_SHARED:-$top_srcdir/../shared}
files=$(ls "$shared"/corpus/bounces/*.eml)
bench=$top_builddir/bench/classify/bench_classify
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# one core: taskset when available
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

run() { # run NAME COMMAND...: prints the summary, records peak RSS
    name=$1; shift
    /usr/bin/time -v -o "$tmp/$name.time" $pin "$@" > "$tmp/$name.out"
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$name.time")
    echo "$name: $(head -n 1 "$tmp/$name.out") peak_rss_kb=$rss"
    sed -n '2,$s/^/    classifier alone: /p' "$tmp/$name.out"
}

run bounceguard "$bench" "$top_srcdir/conf/rules.conf" "$rounds" $files
if perl -MSisimai -e 1 2>/dev/null; then
    run sisimai perl "$top_srcdir/bench/classify/sisimai.pl" "$srounds" $files
    bg=$(sed -n '1s/.*files_per_second=\([0-9]*\).*/\1/p' "$tmp/bounceguard.out")
    ss=$(sed -n '1s/.*files_per_second=\([0-9]*\).*/\1/p' "$tmp/sisimai.out")
    awk -v a="$bg" -v b="$ss" 'BEGIN {
        printf "ratio: bounceguard is %.1f times Sisimai (goal >= 100)\n", a / b }'
else
    echo "sisimai: not installed (apt-get install libsisimai-perl); no ratio"
fi
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/bounceguard.time")
echo "bounceguard peak memory: $rss kB (goal < 16384 kB)"

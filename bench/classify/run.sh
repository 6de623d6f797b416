#!/bin/sh
# bench/classify/run.sh [ROUNDS [SISIMAI_ROUNDS [ALTERNATIONS]]]: bounce
# parsing and classification throughput on one core, against Debian's
# Sisimai on the same files in the same run.  Run it from
# "make bench-classify".  Needs the corpus ($BG_SHARED/corpus/bounces),
# /usr/bin/time and libsisimai-perl.
#
# What each side measures (bench_classify.c, sisimai.pl): the files are
# read into memory and the rules / the Sisimai modules loaded before any
# timing, so process start-up is excluded on both sides; one untimed
# warm-up pass over all files; then passes timed one by one, each file
# parsed and classified from memory.  The figure of a process is the median
# over its passes of files per CPU second of the process (user + system,
# CLOCK_PROCESS_CPUTIME_ID), pinned to one core with taskset when there is
# one; wall-clock figures are printed too.  The two sides run in
# ALTERNATIONS interleaved turns (bounceguard, Sisimai, bounceguard, ...) so
# that both see the same machine load; the result of a side is the median
# of its turns, and the ratio is the ratio of the two medians.  Peak memory
# is the largest "Maximum resident set size" of /usr/bin/time -v over the
# side's turns (the whole process, corpus in memory included).
set -eu
rounds=${1:-40}
srounds=${2:-1}
turns=${3:-5}
: "${top_srcdir:?}" "${top_builddir:?}"
shared=${BG_SHARED:-$top_srcdir/../shared}
files=$(ls "$shared"/corpus/bounces/*.eml)
bench=$top_builddir/bench/classify/bench_classify
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

# turn NAME N COMMAND...: one turn; appends the summary line to NAME.lines
# and the peak RSS (kB) to NAME.rss
turn() {
    name=$1 n=$2
    shift 2
    /usr/bin/time -v -o "$tmp/$name.$n.time" $pin "$@" >"$tmp/$name.$n.out"
    head -n 1 "$tmp/$name.$n.out" >>"$tmp/$name.lines"
    sed -n 's/.*Maximum resident set size (kbytes): //p' \
        "$tmp/$name.$n.time" >>"$tmp/$name.rss"
    echo "$name turn $n: $(head -n 1 "$tmp/$name.$n.out")"
}

# field NAME KEY: the median of KEY=value over NAME's turns
field() {
    sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$tmp/$1.lines" | sort -n |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print 0; exit }
            if (NR % 2) print v[(NR + 1) / 2]
            else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

peak() { sort -n "$tmp/$1.rss" | tail -n 1; }

have_sisimai=0
perl -MSisimai -e 1 2>/dev/null && have_sisimai=1
echo "files: $(echo "$files" | wc -l); bounceguard $rounds passes per turn," \
    "Sisimai $srounds per turn, $turns turns each, interleaved; one core: ${pin:-no taskset}"
n=1
while [ "$n" -le "$turns" ]; do
    turn bounceguard "$n" "$bench" "$top_srcdir/conf/rules.conf" "$rounds" $files
    if [ "$have_sisimai" = 1 ]; then
        turn sisimai "$n" perl "$top_srcdir/bench/classify/sisimai.pl" \
            "$srounds" $files
    fi
    n=$((n + 1))
done
sed -n '2,$s/^/classifier alone (last turn): /p' "$tmp/bounceguard.$turns.out"

bg=$(field bounceguard files_per_second)
bgw=$(field bounceguard wall_files_per_second)
echo "bounceguard: median files_per_cpu_second=$bg wall=$bgw" \
    "peak_rss_kb=$(peak bounceguard)"
if [ "$have_sisimai" = 1 ]; then
    ss=$(field sisimai files_per_second)
    ssw=$(field sisimai wall_files_per_second)
    echo "sisimai: median files_per_cpu_second=$ss wall=$ssw" \
        "peak_rss_kb=$(peak sisimai)"
    awk -v a="$bg" -v b="$ss" -v c="$bgw" -v d="$ssw" 'BEGIN {
        printf "ratio: bounceguard is %.1f times Sisimai per CPU second" \
            " (%.1f by wall clock; goal >= 100)\n", a / b, c / d }'
else
    echo "sisimai: not installed (apt-get install libsisimai-perl); no ratio"
fi
echo "bounceguard peak memory: $(peak bounceguard) kB (goal < 16384 kB)"

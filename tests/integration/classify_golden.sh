#!/bin/sh
# classify_golden.sh: every recipient of the project's golden bounce
# fixtures (tests/golden/*.eml, one per format family) gets the bucket and
# reason listed in tests/integration/classify/golden.tsv; one TAP line per
# row.  A fixture added without a row, or a row without its fixture, fails.
. "$top_srcdir/tests/lib/tap.sh"

ctl=$top_builddir/bounceguardctl
[ -x "$ctl" ] || tap_bail "bounceguardctl not built"
ls "$top_srcdir"/tests/golden/*.eml >/dev/null 2>&1 ||
    tap_bail "no golden fixtures"
want=$top_srcdir/tests/integration/classify/golden.tsv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$ctl" classify --rules "$top_srcdir/conf/rules.conf" --format text \
    "$top_srcdir"/tests/golden/*.eml > "$tmp/got" 2> "$tmp/err"
# "file: recipient bucket reason ..." -> file TAB recipient TAB bucket TAB reason
sed -n 's/^\([^:]*\): \([^ ]*\) \([a-z]*\) \([a-z_]*\) .*/\1\t\2\t\3\t\4/p' \
    "$tmp/got" | sort > "$tmp/got.tsv"
grep -v '^#' "$want" | sort > "$tmp/want.tsv"

while IFS='	' read -r f r b why; do
    line=$(awk -F '\t' -v f="$f" -v r="$r" '$1 == f && $2 == r' "$tmp/got.tsv")
    got=$(printf '%s' "$line" | cut -f 3,4 | tr '\t' ' ')
    [ "$got" = "$b $why" ] || tap_diag "$f $r: got '${got:-nothing}'"
    [ "$got" = "$b $why" ]
    tap_ok $? "$f $r: $b $why"
done < "$tmp/want.tsv"
extra=$(awk -F '\t' 'FNR == NR { k[$1 "\t" $2]; next } !(($1 "\t" $2) in k)' \
    "$tmp/want.tsv" "$tmp/got.tsv")
[ -z "$extra" ]
tap_ok $? "no recipient without an expected row${extra:+: $extra}"
tap_done

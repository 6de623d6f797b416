#!/bin/sh
# run.sh - golden transcripts: each tests/golden/NAME.eml is parsed by
# dump_report and the dump compared with NAME.ref.  One TAP line per
# fixture; a difference is printed as a diff.  GOLDEN_UPDATE=1 rewrites the
# .ref files instead (review them before committing).
. "${top_srcdir:-.}/tests/lib/tap.sh"

dir="${top_srcdir:-.}/tests/golden"
dump="${top_builddir:-.}/tests/golden/dump_report"
[ -x "$dump" ] || tap_bail "dump_report not built"

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT INT TERM
for eml in "$dir"/*.eml; do
    name=$(basename "$eml" .eml)
    ref="$dir/$name.ref"
    if ! "$dump" "$eml" >"$tmp" 2>&1; then
        tap_ok 1 "$name: dump_report failed"
        continue
    fi
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$tmp" "$ref"
        tap_ok 0 "$name: reference rewritten"
        continue
    fi
    if [ ! -f "$ref" ]; then
        tap_ok 1 "$name: no $name.ref"
        continue
    fi
    if diff -u "$ref" "$tmp" >"$tmp.diff"; then
        tap_ok 0 "$name: report matches $name.ref"
    else
        sed 's/^/# /' "$tmp.diff"
        tap_ok 1 "$name: report matches $name.ref"
    fi
    rm -f "$tmp.diff"
done
# every fixture goes into the distribution (local.mk is in it too)
mk="$dir/local.mk"
if [ -f "$mk" ]; then
    missing=
    for eml in "$dir"/*.eml; do
        name=$(basename "$eml" .eml)
        grep -q "tests/golden/$name.eml tests/golden/$name.ref" "$mk" ||
            missing="$missing $name"
    done
    [ -z "$missing" ]
    tap_ok $? "every fixture is in EXTRA_DIST${missing:+, not:$missing}"
else
    tap_skip "no $mk"
fi
tap_done

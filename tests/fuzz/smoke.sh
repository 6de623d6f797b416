#!/bin/sh
# smoke.sh - builds every libFuzzer target tests/fuzz/fuzz_*.c with clang
# (-fsanitize=fuzzer,address,undefined, the pure core compiled in) and runs
# each for FUZZ_SECONDS (default 60), seeded from the shared bounce corpus
# ($BG_SHARED/corpus/bounces) and the project's golden fixtures.  A crash,
# leak or sanitizer report fails the test; no clang means a clean skip.
. "${top_srcdir:-.}/tests/lib/tap.sh"

src="${top_srcdir:-.}"
secs="${FUZZ_SECONDS:-60}"
CLANG="${CLANG:-clang}"

command -v "$CLANG" >/dev/null 2>&1 || tap_skip_all "clang not found"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# a throw-away check that libFuzzer links at all
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' >"$work/probe.c"
"$CLANG" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>/dev/null ||
    tap_skip_all "$CLANG cannot link libFuzzer"

mkdir "$work/seed"
[ -n "${BG_SHARED:-}" ] && [ -d "$BG_SHARED/corpus/bounces" ] &&
    cp "$BG_SHARED"/corpus/bounces/*.eml "$work/seed/" 2>/dev/null
cp "$src"/tests/golden/*.eml "$work/seed/" 2>/dev/null
tap_diag "seeds: $(ls "$work/seed" | wc -l) files; $secs s per target"

core=$(ls "$src"/src/core/*.c)
pcre=$(pkg-config --cflags --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
for target in "$src"/tests/fuzz/fuzz_*.c; do
    name=$(basename "$target" .c)
    if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -I"$src/src" -I"${top_builddir:-.}" \
        "$target" $core $pcre -lm -o "$work/$name" 2>"$work/$name.cc"; then
        sed 's/^/# /' "$work/$name.cc" | head -20
        tap_ok 1 "$name builds"
        continue
    fi
    tap_ok 0 "$name builds"
    mkdir -p "$work/$name.corpus"
    "$work/$name" -max_total_time="$secs" -max_len=262144 -timeout=10 \
        -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$work/$name-" \
        "$work/$name.corpus" "$work/seed" >"$work/$name.log" 2>&1
    rc=$?
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' \
        "$work/$name.log" | sed 's/^/# /'
    if [ $rc -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|runtime error' "$work/$name.log" |
            head -10 | sed 's/^/# /'
        for a in "$work/$name"-*; do
            [ -f "$a" ] && tap_diag "artifact: $(basename "$a")" &&
                cp "$a" "${top_builddir:-.}/" 2>/dev/null
        done
    fi
    tap_ok $rc "$name runs $secs s without a finding"
done
tap_done

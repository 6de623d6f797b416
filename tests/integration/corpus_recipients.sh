#!/bin/sh
# corpus_recipients.sh - recipient recall of report_parse() on the shared
# bounce corpus: every labelled (file, recipient) pair of labels.tsv must be
# found (case-insensitively) in at least 99% of the cases.  Prints the figure;
# skips cleanly when the corpus or the dump program is missing.
. "${top_srcdir:-.}/tests/lib/tap.sh"

corpus="${BG_SHARED:-}/corpus"
dump="${top_builddir:-.}/tests/golden/dump_report"
bar="${RECALL_BAR:-99.0}"

[ -n "${BG_SHARED:-}" ] && [ -f "$corpus/labels.tsv" ] ||
    tap_skip_all "no corpus (BG_SHARED=${BG_SHARED:-unset})"
[ -x "$dump" ] || tap_bail "dump_report not built"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

"$dump" -r "$corpus"/bounces/*.eml >"$tmp/found" 2>"$tmp/err"
tap_ok $? "report_parse reads every corpus file"

awk -F'\t' -v bar="$bar" -v miss="$tmp/missed" '
    FNR == NR { seen[$1 "\t" tolower($2)] = 1; next }
    FNR == 1 { next }                       # the header line of labels.tsv
    $2 == "" { next }
    {
        k = $1 "\t" tolower($2)
        if (k in done) next
        done[k] = 1; total++
        if (k in seen) found++; else print k > miss
    }
    END {
        pct = total ? 100.0 * found / total : 0
        printf "# recipients: %d/%d labelled pairs found (%.2f%%), bar %s%%\n",
            found, total, pct, bar
        exit !(total > 0 && pct >= bar)
    }' "$tmp/found" "$corpus/labels.tsv"
rc=$?
[ -s "$tmp/missed" ] && sed 's/^/# missed: /' "$tmp/missed"
tap_ok $rc "recipient recall on the corpus reaches the bar"

# Labels we believe are wrong, and what the parser says instead.
has() { grep -q "^$1	$2	" "$tmp/found"; }
# arf-11: "undisclosed-recipient-in-headers@libsisimai.org.invalid" is a
# placeholder the labeller invents; the report names no recipient at all.
has arf-11.eml ""
tap_ok $? "arf-11: no invented recipient (the label is a placeholder)"
# not__rb-issue-368-bug: labelled "not a bounce", but it says "reject
# reason: Mailbox full / target mail address: ..." about a returned mail.
has not__rb-issue-368-bug.eml "xxxx@yyyyyy.net"
tap_ok $? "not__rb-issue-368-bug: a mailbox-full bounce, not ordinary mail"
# lhost-dragonfly-*: the labeller found nobody; the notices name the
# recipient next to the remote reply ("<x@y>: 550 5.1.1 ...").
has lhost-dragonfly-11.eml "hostunknown@libsisimai.net"
tap_ok $? "lhost-dragonfly-11: the recipient the label misses is found"
tap_done

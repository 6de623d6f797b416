#!/bin/sh
# corpus_score.sh: classify every bounce of the shared corpus with
# "bounceguardctl classify" and score the JSON Lines against the reference
# labels with the corpus's own score.py.  Bars: recipient recall >= 99%,
# bucket agreement >= 95%, false suppressions <= 0.5% of the pairs.
#
# The reference labels come from another classifier.  Where a label is
# wrong, the pair is listed below with the reason, and the bars are checked
# on the labels with those corrections; the uncorrected figures are printed
# too.  An entry is a reviewed judgement about the message, never a way to
# make a rule pass: each one names what the bounce itself says.
. "$top_srcdir/tests/lib/tap.sh"

corpus=${BG_SHARED:-}/corpus
[ -n "${BG_SHARED:-}" ] && [ -d "$corpus/bounces" ] && [ -f "$corpus/score.py" ] ||
    tap_skip_all "no corpus (BG_SHARED=${BG_SHARED:-unset})"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not installed"
ctl=$top_builddir/bounceguardctl
[ -x "$ctl" ] || tap_bail "bounceguardctl not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# file <TAB> recipient <TAB> corrected Sisimai-style reason <TAB> why
cat > "$tmp/exceptions.tsv" <<'EXC'
rfc3464-01.eml	userunknown@bouncehammer.jp	userunknown	Status 5.1.1 and Diagnostic-Code "550 5.1.1 ... User Unknown": the mailbox does not exist, nothing says full
dos__rfc3464-01.eml	userunknown@bouncehammer.jp	userunknown	CRLF copy of rfc3464-01: same DSN, Status 5.1.1 "User Unknown"
mac__rfc3464-01.eml	userunknown@bouncehammer.jp	userunknown	bare-CR copy of rfc3464-01: same DSN, Status 5.1.1 "User Unknown"
lhost-postfix-13.eml	kijitora@example.jp	userunknown	the label carries the other recipient's reason: this recipient's DSN block says "550 5.2.1 ... User Unknown"; noraneko@ is the one with "Mailbox Full"
rhost-nttdocomo-03.eml	azumakuniyuki@ntt.docomo.example.ne.jp	filtered	"rejected" means the envelope sender was refused, but the reply names the recipient ("550 Unknown user <rcpt>" after end of DATA): a recipient-side filter
lhost-sendmail-21.eml	kijitora@cat.example.ne.jp	networkerror	"Deferred: Connection refused by mx...": a TCP connection failure and a delay, not a block of the sender
lhost-postfix-47.eml	kijitora@hotmail.example.com	rejected	"554 Transaction failed (in reply to MAIL FROM command)": the server refused the envelope sender before any recipient was given; a refusal of the sender, not a remote system error
lhost-gmail-07.eml	kijitora@example.ed.jp	securityerror	"500 Remote server does not support TLS": the sending side requires TLS the receiver lacks; a sender-side TLS policy, not a remote system error
EXC

rc=0
"$ctl" classify --rules "$top_srcdir/conf/rules.conf" "$corpus"/bounces/*.eml \
    > "$tmp/out.jsonl" 2> "$tmp/err.txt" || rc=$?
tap_diag "classify exit status $rc; $(wc -l < "$tmp/out.jsonl") objects; $(wc -l < "$tmp/err.txt") inputs not classified"
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
tap_ok $? "classify reads every corpus file (exit 0 or 1, got $rc)"

awk -F '\t' 'BEGIN { OFS = "\t" }
    FNR == NR { fix[$1 "\t" tolower($2)] = $3; next }
    { k = $1 "\t" tolower($2); if (k in fix) { $3 = fix[k]; $4 = "" } print }' \
    "$tmp/exceptions.tsv" "$corpus/labels.tsv" > "$tmp/labels.tsv"

python3 "$corpus/score.py" "$corpus/labels.tsv" "$corpus/reason-buckets.tsv" \
    "$tmp/out.jsonl" > "$tmp/raw.txt"
python3 "$corpus/score.py" "$tmp/labels.tsv" "$corpus/reason-buckets.tsv" \
    "$tmp/out.jsonl" > "$tmp/score.txt"
tap_diag "reference labels:     $(tail -n 1 "$tmp/raw.txt")"
tap_diag "with the corrections: $(tail -n 1 "$tmp/score.txt")"
sed -n '/^false suppressions/,$p' "$tmp/score.txt" | sed 's/^/# /'

# figure LINE-PREFIX: prints "OK N" from "PREFIX: OK/N = ..."
figure() {
    sed -n "s|^$1[^:]*: \([0-9]*\)/\([0-9]*\) .*|\1 \2|p" "$tmp/score.txt" | head -n 1
}
set -- $(figure "recipient recall")
rok=${1:-0}; n=${2:-0}
set -- $(figure "bucket agreement (primary or also_ok)")
bok=${1:-0}
fs=$(sed -n 's/^false suppressions[^:]*: \([0-9]*\).*/\1/p' "$tmp/score.txt")
fs=${fs:-999999}

[ "$n" -gt 0 ] && [ $((rok * 100)) -ge $((n * 99)) ]
tap_ok $? "recipient recall >= 99% ($rok/$n)"
[ "$n" -gt 0 ] && [ $((bok * 100)) -ge $((n * 95)) ]
tap_ok $? "bucket agreement >= 95% ($bok/$n)"
[ "$n" -gt 0 ] && [ $((fs * 1000)) -le $((n * 5)) ]
tap_ok $? "false suppressions <= 0.5% ($fs/$n)"

# every correction must still refer to a labelled pair
stale=0
while IFS='	' read -r f r _ _; do
    awk -F '\t' -v f="$f" -v r="$r" \
        '$1 == f && tolower($2) == tolower(r) { found = 1 } END { exit !found }' \
        "$corpus/labels.tsv" || { tap_diag "stale correction: $f $r"; stale=1; }
done < "$tmp/exceptions.tsv"
tap_ok $stale "every label correction names a labelled pair"
tap_done

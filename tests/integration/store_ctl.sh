#!/bin/sh
# store_ctl.sh - bounceguardctl's store commands on a fresh SQLite store:
# add/check/remove/show/list/stats/expire, export -> import round trips in
# CSV and JSON, the four provider formats detected by header, and bad rows
# reported as FILE:LINE with the good rows around them imported.
. "$top_srcdir/tests/lib/tap.sh"
CTL=$top_builddir/bounceguardctl
[ -x "$CTL" ] || tap_bail "bounceguardctl not built"
W=$(mktemp -d /tmp/bg-ctl.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkconf() { printf 'store = {\n    path = "%s";\n};\n' "$W/$1.db" >"$W/$1.conf"; }
mkconf a; mkconf b; mkconf c; mkconf j
A="$CTL -c $W/a.conf"

$A add --reason user_unknown Gone@Example.COM >/dev/null
tap_ok $? "add an address"
$A check Gone@example.com >/dev/null
tap_ok $? "check: exit 0 for a suppressed address (domain case folded)"
$A check gone@example.com >/dev/null
tap_ok $([ $? = 1 ]; echo $?) "check: exit 1 for another local part case (preserve)"
$A add nxdomain.example >/dev/null && $A check anyone@nxdomain.example >/dev/null
tap_ok $? "a domain entry suppresses every address of the domain"
$A add --expires 1h temp@example.net >/dev/null
$A list --format csv | grep -q '^temp@example.net,manual,hard,'
tap_ok $? "list --format csv shows the entry"
n=$($A list --domain example.net --format json | grep -c '"address"')
tap_ok $([ "$n" = 1 ]; echo $?) "list --domain filters ($n)"
n=$($A list --bucket soft --format csv | grep -vc '^address,')
tap_ok $([ "$n" = 0 ]; echo $?) "list --bucket filters ($n)"
$A add --bucket none n@example.net >/dev/null 2>&1
rc=$?
$A add --bucket sender s@example.net >/dev/null 2>&1
rc2=$?
tap_ok $([ $rc = 64 ] && [ $rc2 = 64 ] && ! $A check n@example.net >/dev/null &&
    ! $A check s@example.net >/dev/null; echo $?) \
    "add --bucket takes hard or soft only (64 otherwise, nothing stored)"
$A check -q >/dev/null 2>&1
tap_ok $([ $? = 64 ]; echo $?) "check -q without an address is a usage error"
$A remove Gone@Example.COM >/dev/null && ! $A check Gone@example.com >/dev/null
tap_ok $? "remove lifts it"
$A show Gone@example.com >"$W/show"
grep -q "lifted" "$W/show" && grep -q "suppressed:  no" "$W/show"
tap_ok $? "show prints the entry state and its event history"
$A stats >"$W/stats"
grep -q "^manual .* 3 *3 *3$" "$W/stats" || grep -q "^manual" "$W/stats"
tap_ok $? "stats counts by reason, bucket and domain"
$A expire | grep -q "expired 0"
tap_ok $? "expire runs"

# round trip: export, import into an empty store, export again
$A export -f csv "$W/a.csv" >/dev/null
"$CTL" -c "$W/b.conf" import "$W/a.csv" >"$W/imp" 2>&1
tap_ok $? "import of our own CSV ($(cat "$W/imp"))"
"$CTL" -c "$W/b.conf" export -f csv "$W/b.csv" >/dev/null
cut -d, -f1-4,14 "$W/a.csv" >"$W/a.cut"; cut -d, -f1-4,14 "$W/b.csv" >"$W/b.cut"
cmp -s "$W/a.cut" "$W/b.cut"
tap_ok $? "CSV round trip keeps address, reason, bucket, status and expiry"
$A export -f json "$W/a.json" >/dev/null
"$CTL" -c "$W/j.conf" import "$W/a.json" >"$W/imp" 2>&1
tap_ok $? "import of our own JSON ($(cat "$W/imp"))"
"$CTL" -c "$W/j.conf" export -f csv | cut -d, -f1-4,14 >"$W/j.cut"
cmp -s "$W/a.cut" "$W/j.cut"
tap_ok $? "JSON round trip keeps the same entries"

C="$CTL -c $W/c.conf"
cat >"$W/ses.csv" <<'X'
EmailAddress,Reason,LastUpdateTime
bounced@ses.example,BOUNCE,2024-03-01T10:00:00Z
complained@ses.example,COMPLAINT,2024-03-02T10:00:00.123Z
X
$C import "$W/ses.csv" | grep -q "ses: imported 2, skipped 0"
tap_ok $? "Amazon SES export detected and imported"
cat >"$W/sendgrid.csv" <<'X'
created,email,reason,status
1700000000,sg1@sendgrid.example,"550 5.1.1 The email account that you tried to reach does not exist",5.1.1
1700000100,sg2@sendgrid.example,"452 4.2.2 Mailbox full",4.2.2
X
$C import "$W/sendgrid.csv" | grep -q "sendgrid: imported 2, skipped 0"
tap_ok $? "SendGrid export detected and imported"
$C list --format csv | grep -q '^sg2@sendgrid.example,bounce,soft,4.2.2,'
tap_ok $? "SendGrid 4.x.x rows become soft entries"
cat >"$W/mailgun.csv" <<'X'
address,code,error,created_at
mg1@mailgun.example,550,No such user,"Fri, 01 Mar 2024 10:00:00 +0000"
mg2@mailgun.example,,,
X
$C import "$W/mailgun.csv" | grep -q "mailgun: imported 2, skipped 0"
tap_ok $? "Mailgun export detected and imported"
cat >"$W/postmark.csv" <<'X'
EmailAddress,SuppressionReason,Origin,CreatedAt
pm1@postmark.example,HardBounce,Recipient,2024-03-01T10:00:00-05:00
pm2@postmark.example,ManualSuppression,Customer,2024-03-01T10:00:00Z
X
$C import "$W/postmark.csv" | grep -q "postmark: imported 2, skipped 0"
tap_ok $? "Postmark export detected and imported"
$C check pm1@postmark.example >/dev/null && $C check mg1@mailgun.example >/dev/null && \
    $C check bounced@ses.example >/dev/null && $C check sg1@sendgrid.example >/dev/null
tap_ok $? "imported provider entries are suppressed"

cat >"$W/bad.csv" <<'X'
address,reason,bucket,status,expires
good1@bad.example,user_unknown,hard,5.1.1,0
not-an-address,user_unknown,hard,5.1.1,0
good2@bad.example,user_unknown,sideways,5.1.1,0
"good3@bad.example","quoted, with comma",hard,5.1.1,0
late@bad.example,user_unknown,hard,5.1.1,1
X
$C import "$W/bad.csv" >"$W/out" 2>"$W/err"
rc=$?
tap_ok $([ $rc = 65 ]; echo $?) "a file with bad rows exits 65 (EX_DATAERR)"
grep -q "^$W/bad.csv:3: no '@' in address" "$W/err" && \
    grep -q "^$W/bad.csv:4: bad bucket" "$W/err" && \
    grep -q "^$W/bad.csv:6: already expired" "$W/err"
tap_ok $? "bad rows are named FILE:LINE: why"
cat "$W/err" | sed 's/^/# /'
grep -q "imported 2, skipped 3" "$W/out"
tap_ok $? "the summary says what was imported and what was not ($(cat "$W/out"))"
$C check good1@bad.example >/dev/null && $C check good3@bad.example >/dev/null
tap_ok $? "rows before and after a bad row are imported"
printf 'foo,bar\n1,2\n' >"$W/unknown.csv"
$C import "$W/unknown.csv" >/dev/null 2>"$W/err"
tap_ok $([ $? = 65 ] && grep -q "unknown format" "$W/err"; echo $?) "an unknown format is refused"
# a write error on the standard output (disk full) is an I/O error, not a
# success: "export > backup.csv" must not exit 0 with a truncated file
if [ -w /dev/full ]; then
    $A export -f csv >/dev/full 2>"$W/err"
    rc=$?
    tap_ok $([ $rc = 74 ] && grep -q "standard output" "$W/err"; echo $?) \
        "export to a full standard output exits 74 ($rc)"
    $A list >/dev/full 2>/dev/null
    rc=$?
    tap_ok $([ $rc = 74 ]; echo $?) "list to a full standard output exits 74 ($rc)"
else
    tap_skip "no /dev/full: export to a full standard output"
    tap_skip "no /dev/full: list to a full standard output"
fi
tap_done

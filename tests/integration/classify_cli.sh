#!/bin/sh
# classify_cli.sh: the contract of "bounceguardctl classify" on the
# project's own fixtures (tests/integration/classify/): one JSON object per
# recipient with every key, the bucket and rule of each, auto-replies with
# bucket none, non-bounces on stderr with status 1, unreadable files with
# status 66, mbox and stdin input (an mbox file known without --mbox),
# --reply, --format text, bad rules with FILE:LINE and status 78, and a
# local rules file overriding a shipped rule.
. "$top_srcdir/tests/lib/tap.sh"

ctl=$top_builddir/bounceguardctl
[ -x "$ctl" ] || tap_bail "bounceguardctl not built"
fx=$top_srcdir/tests/integration/classify
rules=$top_srcdir/conf/rules.conf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bg-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# no -c: the default configuration file is read only when it exists
cl() { "$ctl" classify --rules "$rules" "$@"; }

# line_has FILE PATTERN...: some line of FILE contains every pattern
line_has() {
    f=$1; shift
    awk -v n=$# 'BEGIN { for (i = 1; i <= n; i++) p[i] = ARGV[i + 1];
                         ARGC = 2 }
        { ok = 1; for (i = 1; i <= n; i++) if (index($0, p[i]) == 0) ok = 0
          if (ok) found = 1 }
        END { exit !found }' "$f" "$@"
}

rc=0; cl "$fx/dsn-two.eml" > "$tmp/dsn.out" 2> "$tmp/dsn.err" || rc=$?
tap_ok $rc "a DSN exits 0"
[ "$(wc -l < "$tmp/dsn.out")" -eq 2 ]
tap_ok $? "one line per recipient"
line_has "$tmp/dsn.out" '"recipient":"gone@dest.example"' '"bucket":"hard"' \
    '"reason":"user_unknown"' '"status":"5.1.1"' '"reply":"550"' \
    '"action":"failed"' '"rule":"pf-unknown-table"' '"auth":false' \
    '"original_recipient":"Gone@Dest.example"' '"file":"dsn-two.eml"' \
    '"remote_mta":"in.dest.example"' \
    '"original_message_id":"news-42@sender.example"'
tap_ok $? "the unknown user is hard, with every field"
line_has "$tmp/dsn.out" '"recipient":"full@dest.example"' '"bucket":"soft"' \
    '"action":"delayed"' '"original_recipient":null'
tap_ok $? "the delayed full mailbox is soft; unknown keys are null"
for k in file recipient original_recipient action status reply reason \
    bucket auth rule diagnostic remote_mta mta original_message_id; do
    grep -q "\"$k\":" "$tmp/dsn.out" || { tap_diag "missing key $k"; rc=1; }
done
tap_ok $rc "every documented key is present"

rc=0; cl "$fx/vacation.eml" > "$tmp/v.out" 2>/dev/null || rc=$?
line_has "$tmp/v.out" '"bucket":"none"' '"reason":"vacation"'
tap_ok $? "an auto-reply prints its sender with bucket none (exit $rc)"

rc=0; cl "$fx/plain.eml" > "$tmp/p.out" 2> "$tmp/p.err" || rc=$?
[ "$rc" -eq 1 ] && [ ! -s "$tmp/p.out" ] && [ "$(wc -l < "$tmp/p.err")" -eq 1 ] &&
    grep -q "plain.eml" "$tmp/p.err"
tap_ok $? "a non-bounce: nothing on stdout, one line on stderr, status 1 ($rc)"

rc=0; cl "$tmp/missing.eml" > /dev/null 2> "$tmp/m.err" || rc=$?
[ "$rc" -eq 66 ] && grep -q "missing.eml" "$tmp/m.err"
tap_ok $? "an unreadable file is named, status 66 ($rc)"

rc=0; cl "$fx/dsn-two.eml" "$fx/plain.eml" > "$tmp/mix.out" 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l < "$tmp/mix.out")" -eq 2 ]
tap_ok $? "a bounce and a non-bounce: two objects, status 1 ($rc)"

{ echo "From MAILER-DAEMON  Wed Nov 25 10:00:00 2026"; cat "$fx/dsn-two.eml"
  echo; echo "From alice@dest.example  Wed Nov 25 10:01:00 2026"
  cat "$fx/vacation.eml"; } > "$tmp/box"
rc=0; cl --mbox --format text < "$tmp/box" > "$tmp/box.out" 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/box.out")" -eq 3 ] &&
    line_has "$tmp/box.out" "gone@dest.example hard user_unknown"
tap_ok $? "an mbox on stdin, text format: three recipients ($rc)"

# without --mbox: input that opens with a postmark and whose first
# message, a whole multipart, ends at the next postmark is read as an mbox
rc=0; cl "$tmp/box" > "$tmp/box2.out" 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/box2.out")" -eq 3 ] &&
    line_has "$tmp/box2.out" '"recipient":"gone@dest.example"' &&
    line_has "$tmp/box2.out" '"bucket":"none"'
tap_ok $? "an mbox file without --mbox: three recipients ($rc)"
# ... but not when the first message is no multipart, when one of its
# boundaries is left open, or at a "From " line that is no postmark: each
# is one message then (the DSN's two recipients, or a non-bounce)
{ echo "From MAILER-DAEMON  Wed Nov 25 10:00:00 2026"; cat "$fx/plain.eml"
  echo; echo "From gone@dest.example  Wed Nov 25 10:01:00 2026"
  cat "$fx/vacation.eml"; } > "$tmp/quoted"
rc=0; cl "$tmp/quoted" > "$tmp/quoted.out" 2> "$tmp/quoted.err" || rc=$?
[ "$rc" -eq 1 ] && [ ! -s "$tmp/quoted.out" ] &&
    [ "$(wc -l < "$tmp/quoted.err")" -eq 1 ]
tap_ok $? "a plain first message: one message, not a bounce ($rc)"
{ echo "From MAILER-DAEMON  Wed Nov 25 10:00:00 2026"
  grep -v -- '--$' "$fx/dsn-two.eml"
  echo; echo "From gone@dest.example  Wed Nov 25 10:01:00 2026"
  cat "$fx/vacation.eml"; } > "$tmp/open"
rc=0; cl "$tmp/open" > "$tmp/open.out" 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/open.out")" -eq 2 ] &&
    ! line_has "$tmp/open.out" '"reason":"vacation"'
tap_ok $? "a first multipart left open: one message ($rc)"
{ echo "From MAILER-DAEMON  Wed Nov 25 10:00:00 2026"; cat "$fx/dsn-two.eml"
  echo; echo "From the help desk: have a good day"; echo
  cat "$fx/vacation.eml"; } > "$tmp/footer"
rc=0; cl "$tmp/footer" > "$tmp/footer.out" 2>/dev/null || rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/footer.out")" -eq 2 ] &&
    ! line_has "$tmp/footer.out" '"reason":"vacation"'
tap_ok $? "a \"From \" line that is no postmark splits nothing ($rc)"

cl --reply "550-5.7.26 This mail is unauthenticated, which poses a security
550-5.7.26 risk to the sender and Gmail users <someone@gmail.example>" \
    > "$tmp/r.out"
line_has "$tmp/r.out" '"bucket":"sender"' '"auth":true' \
    '"recipient":"someone@gmail.example"' '"status":"5.7.26"' '"file":null'
tap_ok $? "--reply: a multi-line Gmail reply is an auth failure"

printf 'ok user_unknown\nbroken no_such_reason\n' > "$tmp/bad.rules"
rc=0; "$ctl" classify --rules "$tmp/bad.rules" --reply "550 x" \
    > /dev/null 2> "$tmp/bad.err" || rc=$?
[ "$rc" -eq 78 ] && grep -q "bad.rules:2: unknown reason 'no_such_reason'" \
    "$tmp/bad.err"
tap_ok $? "bad rules: FILE:LINE error, status 78 ($rc)"

printf 'pf-unknown-table mailbox_full text=/user unknown/i\n' > "$tmp/local.rules"
cl --local-rules "$tmp/local.rules" "$fx/dsn-two.eml" > "$tmp/l.out"
line_has "$tmp/l.out" '"recipient":"gone@dest.example"' \
    '"reason":"mailbox_full"' '"rule":"pf-unknown-table"'
tap_ok $? "a local rule replaces the shipped rule of the same id"

rc=0; cl --format yaml --reply x > /dev/null 2>&1 || rc=$?
[ "$rc" -eq 64 ]
tap_ok $? "an unknown format is a usage error ($rc)"
tap_done

#!/bin/sh
# auth_prvs.sh - BATV prvs through the auth interface: a signed envelope
# sender verifies and unwraps; a tag made with another key, a changed
# address or a forged tag does not; without prvs nothing is signed and
# every address is "unsigned".
. "$top_srcdir/tests/lib/tap.sh"

driver="$top_builddir/tests/integration/auth_driver"
[ -x "$driver" ] || tap_bail "auth_driver not built"
T=$(mktemp -d /tmp/bg-auth-prvs.XXXXXX) || tap_bail "mktemp failed"
trap 'case $T in /tmp/bg-auth-prvs.*) rm -rf "$T" ;; esac' EXIT INT TERM
printf '0 first-secret-0123456789abcdef\n' > "$T/keys"
printf '0 other-secret-0123456789abcdef\n' > "$T/other"

s=$("$driver" -k "$T/keys" prvs-sign news@example.org)
echo "$s" | grep -Eq '^prvs=0[0-9]{3}[0-9a-f]{6}=news@example.org$'
tap_ok $? "outbound sender signed: $s"
out=$("$driver" -k "$T/keys" prvs-check "$s")
[ "$out" = "prvs=valid orig=news@example.org" ]
tap_ok $? "the bounce to it is ours: $out"
out=$("$driver" -k "$T/other" prvs-check "$s")
[ "$out" = "prvs=bad-signature orig=news@example.org" ]
tap_ok $? "another key's secret does not verify it: $out"
forged=$(echo "$s" | sed 's/=news@/=boss@/')
out=$("$driver" -k "$T/keys" prvs-check "$forged")
echo "$out" | grep -q '^prvs=bad-signature '
tap_ok $? "a tag moved to another address fails: $out"
out=$("$driver" -k "$T/keys" prvs-check prvs=0123abcdef=news@example.org)
echo "$out" | grep -q '^prvs=bad-signature '
tap_ok $? "a made-up tag fails: $out"
out=$("$driver" prvs-sign news@example.org)
[ "$out" = "news@example.org" ]
tap_ok $? "prvs off: the sender is left alone"
out=$("$driver" prvs-check "$s")
[ "$out" = "prvs=unsigned orig=news@example.org" ]
tap_ok $? "prvs off: bounces are not judged by tags, only unwrapped ($out)"
tap_done

#!/bin/bash
# harness_ports.sh - pfh_free_port never hands one port out twice while its
# claimer lives, in one test or across tests run side by side: Postfix's
# master binds with SO_REUSEPORT, so two instances given the same port
# would share its connections without an error.  Needs neither root nor
# Postfix: the claims are files.  Also: a test's main.cf entries replace
# the harness's (pfh_last_wins()).

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pfharness.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/bg-ports.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
PFH_PORTS_DIR=$T/ports

# 300 ports, each from its own command substitution as the tests take them
for i in $(seq 300); do
    p=$(pfh_free_port) && echo "$p"
done > "$T/got"
[ "$(wc -l < "$T/got")" -eq 300 ] && [ -z "$(sort "$T/got" | uniq -d)" ]
tap_ok $? "300 ports taken one by one are all distinct"

[ "$(cat "$PFH_PORTS_DIR"/*/pid | sort -u)" = "$$" ] &&
    [ "$(find "$PFH_PORTS_DIR" -mindepth 1 -maxdepth 1 | wc -l)" -eq 300 ]
tap_ok $? "each is claimed for this shell"

p=$(head -n 1 "$T/got")
bash -c '. "$1"; PFH_PORTS_DIR=$2; pfh_claim_port "$3"' _ \
    "$top_srcdir/tests/lib/pfharness.sh" "$PFH_PORTS_DIR" "$p"
tap_ok $((!$?)) "another shell cannot claim a port this one holds"

# a claim whose shell is gone is stale (a pid no process has); its port
# lies outside pfh_free_port's range (20000-31999), so that none of the
# 300 above holds it
mkdir "$PFH_PORTS_DIR/19999" && echo 4194304 > "$PFH_PORTS_DIR/19999/pid"
pfh_claim_port 19999 && [ "$(cat "$PFH_PORTS_DIR/19999/pid")" = "$$" ]
tap_ok $? "a stale claim is taken over"

pfh_cleanup
[ -z "$(find "$PFH_PORTS_DIR" -mindepth 1 -maxdepth 1)" ]
tap_ok $? "pfh_cleanup gives the ports back"

# a test's main.cf text replaces the entries it repeats, continuation
# lines included: no Postfix process warns "overriding earlier entry"
printf '%s\n' '# base' 'smtpd_milters = unix:/a' 'myhostname = h' \
    'smtpd_recipient_restrictions =' '    permit_mynetworks,' '    reject' \
    '' '# test' 'smtpd_milters = unix:/k, unix:/a' \
    'smtpd_recipient_restrictions = permit' > "$T/main.cf"
pfh_last_wins "$T/main.cf"
printf '%s\n' '# base' 'myhostname = h' '' '# test' \
    'smtpd_milters = unix:/k, unix:/a' 'smtpd_recipient_restrictions = permit' |
    cmp -s - "$T/main.cf"
tap_ok $? "pfh_last_wins keeps the last entry of each parameter"
tap_done

# tap.sh: tiny TAP producer for shell tests.  Source it, call plan/ok/skip_all.
# Results go to stdout as TAP; diagnostics as "# ..." lines.
tap_n=0
tap_failed=0
tap_plan() { echo "1..$1"; }
tap_ok() {   # tap_ok CONDITION-STATUS DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"
    else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}
tap_check() { # tap_check DESCRIPTION COMMAND...  (runs the command)
    d=$1; shift
    if "$@"; then tap_ok 0 "$d"; else tap_ok 1 "$d"; fi
}
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $1"; }
tap_skip_all() { echo "1..0 # SKIP $1"; exit 0; }
# tap_bail REASON: something the test needs and the build should have made
# (or a set-up that must work) is missing: an error, never a skip.
tap_bail() { echo "Bail out! $1"; exit 99; }
tap_diag() { echo "# $*"; }
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

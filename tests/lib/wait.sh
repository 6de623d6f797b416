# wait.sh - waiting helpers for the integration tests, sourced after tap.sh.

# wait_for SECONDS COMMAND...: runs the command every 0.1 s until it
# succeeds (status 0) or SECONDS have passed (status 1).
wait_for() {
    _wait_left=$(($1 * 10))
    shift
    while [ "$_wait_left" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        _wait_left=$((_wait_left - 1))
    done
    return 1
}

# dead PID: no such process any more.
dead() { ! kill -0 "$1" 2>/dev/null; }

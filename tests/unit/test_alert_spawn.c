/*
 * test_alert_spawn.c - the helper runner: exit status, and the signal
 * state a child starts with (SIGPIPE back to default, nothing blocked),
 * whatever the daemon had set for itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>

#include "alert/alert_spawn.h"

/* Exits 0 when its own /proc status shows SIGPIPE (13: bit 12, the
 * fourth hex digit from the right) not ignored and no signal blocked. */
static const char check_prog[] =
    "/^SigIgn:/ { ign = $2 } /^SigBlk:/ { blk = $2 }"
    " END { d = index(\"0123456789abcdef\","
    " substr(ign, length(ign) - 3, 1)) - 1;"
    " if (d % 2) exit 1; if (blk !~ /^0+$/) exit 2; exit 0 }";

static void exit_status_is_returned(void **state)
{
    char *argv[] = {"/bin/sh", "-c", "read x; test \"$x\" = hello && exit 3",
                    NULL};
    const char *err = NULL;
    (void)state;
    assert_int_equal(alert_spawn_run(argv, "hello\n", 6, 5, &err), 3);
}

static void child_starts_with_default_signals(void **state)
{
    char *argv[] = {"/usr/bin/awk", (char *)check_prog, "/proc/self/status",
                    NULL};
    const char *err = NULL;
    sigset_t set, old;
    void (*prev)(int);
    (void)state;
    /* What the daemon does to itself. */
    prev = signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old);
    int r = alert_spawn_run(argv, "", 0, 5, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGPIPE, prev);
    assert_int_equal(r, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_is_returned),
        cmocka_unit_test(child_starts_with_default_signals),
    };
    return cmocka_run_group_tests_name("alert_spawn", tests, NULL, NULL);
}

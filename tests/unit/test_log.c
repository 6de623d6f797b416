/*
 * test_log.c - the log module's line format ("bounceguard[pid]: QUEUEID:
 * text", "warning: " and "error: " marks), level filtering, level names,
 * truncation of long lines and errno preservation.  Lines are captured by
 * pointing stderr at a pipe; syslog is never opened.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"

struct capture {
    int pipe[2];
    int saved_stderr;
    char buf[8192];
};

static void capture_start(struct capture *c)
{
    assert_int_equal(pipe(c->pipe), 0);
    assert_int_equal(fcntl(c->pipe[0], F_SETFL, O_NONBLOCK), 0);
    c->saved_stderr = dup(STDERR_FILENO);
    assert_true(c->saved_stderr >= 0);
    assert_true(dup2(c->pipe[1], STDERR_FILENO) >= 0);
}

/* Restores stderr and returns what was written (NUL-terminated). */
static const char *capture_end(struct capture *c)
{
    ssize_t n;

    assert_true(dup2(c->saved_stderr, STDERR_FILENO) >= 0);
    close(c->saved_stderr);
    close(c->pipe[1]);
    n = read(c->pipe[0], c->buf, sizeof c->buf - 1);
    close(c->pipe[0]);
    c->buf[n > 0 ? n : 0] = '\0';
    return c->buf;
}

static char *expected(char *buf, size_t size, const char *rest)
{
    snprintf(buf, size, "bounceguard[%ld]: %s\n", (long)getpid(), rest);
    return buf;
}

static int reset_level(void **state)
{
    (void)state;
    log_set_level(LOG_LVL_INFO);
    return 0;
}

static void test_line_without_queue_id(void **state)
{
    struct capture c;
    char want[256];

    capture_start(&c);
    log_notice(NULL, "starting %s on %s", "bounceguard", "unix:/x");
    assert_string_equal(
        capture_end(&c),
        expected(want, sizeof want, "starting bounceguard on unix:/x"));
}

static void test_line_with_queue_id(void **state)
{
    struct capture c;
    char want[256];

    capture_start(&c);
    log_info("4F2A1C0123", "from=<%s>", "a@example.org");
    assert_string_equal(
        capture_end(&c),
        expected(want, sizeof want, "4F2A1C0123: from=<a@example.org>"));
}

static void test_warning_and_error_marks(void **state)
{
    struct capture c;
    char want[512], line2[256];

    capture_start(&c);
    log_warning("ABC", "store slow");
    log_error(NULL, "reload failed: %s", "f.conf:3: x: unknown key");
    expected(want, sizeof want, "warning: ABC: store slow");
    strcat(want, expected(line2, sizeof line2,
                          "error: reload failed: f.conf:3: x: unknown key"));
    assert_string_equal(capture_end(&c), want);
}

static void test_level_filters_lines(void **state)
{
    struct capture c;
    char want[256];

    log_set_level(LOG_LVL_WARNING);
    assert_false(log_enabled(LOG_LVL_INFO));
    assert_true(log_enabled(LOG_LVL_ERROR));
    capture_start(&c);
    log_info("Q1", "not shown");
    log_debug("Q1", "not shown");
    log_notice(NULL, "not shown");
    log_warning(NULL, "shown");
    assert_string_equal(capture_end(&c),
                        expected(want, sizeof want, "warning: shown"));
    assert_int_equal(log_get_level(), LOG_LVL_WARNING);
}

static void test_level_names(void **state)
{
    static const char *const names[] = {"error", "warning", "notice", "info",
                                        "debug"};
    enum log_level level;

    for (int i = LOG_LVL_ERROR; i <= LOG_LVL_DEBUG; i++) {
        assert_true(log_level_parse(names[i], &level));
        assert_int_equal(level, i);
        assert_string_equal(log_level_name(level), names[i]);
    }
    assert_true(log_level_parse("DEBUG", &level));
    assert_false(log_level_parse("verbose", &level));
    assert_false(log_level_parse("", &level));
}

static void test_long_line_is_truncated(void **state)
{
    struct capture c;
    char big[6000];

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    capture_start(&c);
    log_notice("Q2", "%s", big);
    const char *out = capture_end(&c);
    size_t len = strlen(out);
    assert_true(len > 1000 && len < 2200);
    assert_int_equal(out[len - 1], '\n');
    assert_memory_equal(out + len - 4, "...", 3);
    assert_int_equal(strchr(out, '\n') - out, (ptrdiff_t)len - 1);
}

static void test_errno_is_preserved(void **state)
{
    struct capture c;

    capture_start(&c);
    errno = ENOENT;
    log_error(NULL, "x");
    assert_int_equal(errno, ENOENT);
    (void)capture_end(&c);
}

static void test_stderr_copy_can_be_turned_off(void **state)
{
    struct capture c;

    capture_start(&c);
    log_set_stderr(false);
    log_error("Q3", "not on stderr");
    log_set_stderr(true);
    assert_string_equal(capture_end(&c), "");
}

static void test_unknown_facility_is_refused(void **state)
{
    assert_false(log_open("bounceguard", "nosuchfacility", true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line_without_queue_id, reset_level),
        cmocka_unit_test_setup(test_line_with_queue_id, reset_level),
        cmocka_unit_test_setup(test_warning_and_error_marks, reset_level),
        cmocka_unit_test_setup(test_level_filters_lines, reset_level),
        cmocka_unit_test_setup(test_level_names, reset_level),
        cmocka_unit_test_setup(test_long_line_is_truncated, reset_level),
        cmocka_unit_test_setup(test_errno_is_preserved, reset_level),
        cmocka_unit_test_setup(test_stderr_copy_can_be_turned_off, reset_level),
        cmocka_unit_test_setup(test_unknown_facility_is_refused, reset_level),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}

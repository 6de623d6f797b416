/*
 * test_cfg.c - bounceguard.conf(5) loading: defaults, good files, every kind
 * of bad file with the FILE:LINE: KEY: message it must produce, durations
 * and sizes, snapshot refcounting.  Config files are written to temporary
 * files; the shipped sample is loaded from the source tree.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cfg.h"
#include "common/cfg_schema.h"

/* Writes text to a new temporary file; returns its malloc'ed path. */
static char *write_temp(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char *path;
    int fd;

    if (dir == NULL)
        dir = "/tmp";
    assert_true(asprintf(&path, "%s/test_cfg.XXXXXX", dir) > 0);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static struct bg_config *load_text(const char *text, char **error_r)
{
    struct bg_config *cfg = NULL;
    char *path = write_temp(text);

    *error_r = NULL;
    (void)cfg_load(path, &cfg, error_r);
    unlink(path);
    free(path);
    return cfg;
}

static void test_empty_file_gives_defaults(void **state)
{
    char *error;
    struct bg_config *cfg = load_text("", &error);

    assert_non_null(cfg);
    const struct bg_settings *s = cfg_settings(cfg);
    assert_string_equal(s->log_level, "info");
    assert_string_equal(s->syslog_facility, "mail");
    assert_int_equal(s->milter_timeout, 7200);
    assert_int_equal(s->socket_backlog, 64);
    assert_string_equal(s->store.backend, "sqlite");
    assert_non_null(s->store.path);
    assert_null(s->user);
    assert_int_equal(s->store.outbound_retention, 30 * 86400);
    assert_int_equal(s->policy.soft_threshold, 3);
    assert_false(s->policy.suppress_domains);
    assert_int_equal(s->classify.limits.max_depth, 8);
    assert_int_equal(s->classify.limits.max_header_bytes, 16 * 1024);
    assert_int_equal(s->milter.body_cap, 1024 * 1024);
    assert_int_equal(s->milter.internal_networks.count, 2);
    assert_string_equal(s->milter.internal_networks.items[1], "::1");
    assert_int_equal(s->milter.exempt_domains.count, 0);
    cfg_unref(&cfg);
    assert_null(cfg);
}

static void test_good_file_sets_values(void **state)
{
    char *error;
    struct bg_config *cfg = load_text(
        "socket = \"inet:8899@127.0.0.1\";\n"
        "user = \"nobody\";\n"
        "pidfile = \"\";\n"
        "log_level = \"debug\";\n"
        "milter_timeout = \"15m\";\n"
        "socket_backlog = 10;\n"
        "store = { backend = \"sqlite\"; path = \"/tmp/x.db\";\n"
        "          event_retention = 0; expire_interval = 120; };\n"
        "policy = { soft_span = \"2w\"; suppress_domains = true; };\n"
        "classify = { max_message_bytes = \"10M\"; max_parts = 7; };\n"
        "milter = { exempt_domains = [\"a.example\", \"b.example\"];\n"
        "           outbound_daemons = \"ORIGINATING\";\n"
        "           internal_networks = (); };\n",
        &error);

    assert_null(error);
    assert_non_null(cfg);
    const struct bg_settings *s = cfg_settings(cfg);
    assert_string_equal(s->socket, "inet:8899@127.0.0.1");
    assert_string_equal(s->user, "nobody");
    assert_string_equal(s->pidfile, "");
    assert_int_equal(s->milter_timeout, 900);
    assert_int_equal(s->socket_backlog, 10);
    assert_string_equal(s->store.path, "/tmp/x.db");
    assert_int_equal(s->store.event_retention, 0);
    assert_int_equal(s->store.expire_interval, 120);
    assert_int_equal(s->policy.soft_span, 14 * 86400);
    assert_true(s->policy.suppress_domains);
    assert_int_equal(s->classify.limits.max_message_bytes, 10 * 1024 * 1024);
    assert_int_equal(s->classify.limits.max_parts, 7);
    assert_int_equal(s->milter.exempt_domains.count, 2);
    assert_string_equal(s->milter.exempt_domains.items[1], "b.example");
    assert_int_equal(s->milter.outbound_daemons.count, 1);
    assert_int_equal(s->milter.internal_networks.count, 0);
    cfg_unref(&cfg);
}

struct bad_case {
    const char *text;
    const char *where; /* ":LINE: KEY: message" expected after the path */
};

static const struct bad_case bad_cases[] = {
    {"socket = \"/tmp/sock\";\n",
     ":1: socket: expected \"unix:PATH\" or \"inet:PORT@HOST\""},
    {"\n\nsocket = \"inet:99999@localhost\";\n",
     ":3: socket: expected \"unix:PATH\" or \"inet:PORT@HOST\""},
    {"socket = \"unix:relative/sock\";\n",
     ":1: socket: expected \"unix:PATH\""},
    {"sockett = \"unix:/x\";\n", ":1: sockett: unknown key"},
    {"store = { backend = \"sqlite\";\n  pth = \"/x\"; };\n",
     ":2: store.pth: unknown key"},
    {"store = \"sqlite\";\n", ":1: store: expected a group"},
    {"socket_backlog = \"ten\";\n", ":1: socket_backlog: expected an integer"},
    {"socket_backlog = 0;\n", ":1: socket_backlog: 0 out of range 1..65535"},
    {"socket_backlog = 1.5;\n", ":1: socket_backlog: expected an integer"},
    {"milter_timeout = \"10y\";\n", ":1: milter_timeout: expected a duration"},
    {"milter_timeout = \"2d\";\n",
     ":1: milter_timeout: 172800 out of range 1..86400"},
    {"log_level = \"loud\";\n",
     ":1: log_level: \"loud\": expected one of error|warning"},
    {"log_level = 3;\n", ":1: log_level: expected one of error"},
    {"user = 0;\n", ":1: user: expected a string"},
    {"user = \"a b\";\n", ":1: user: expected a user or group name"},
    {"pidfile = \"run/x.pid\";\n", ":1: pidfile: expected an absolute path"},
    {"umask = \"0999\";\n", ":1: umask: expected an octal mask"},
    {"auth = {\n  resolver = \"::1@53\";\n};\n",
     ":2: auth.resolver: expected an IPv4 address"},
    {"auth = { resolver = \"1.2.3\"; };\n",
     ":1: auth.resolver: expected an IPv4 address"},
    {"auth = {\n  authserv_id = \"mx example; com\";\n};\n",
     ":2: auth.authserv_id: expected a host name or other token"},
    {"alerts = {\n  smtp_url = \"http://127.0.0.1:25\";\n};\n",
     ":2: alerts.smtp_url: expected \"smtp://HOST[:PORT]\""},
    {"policy = {\n suppress_domains = \"yes\"; };\n",
     ":2: policy.suppress_domains: expected true or false"},
    {"classify = { max_message_bytes = \"12Q\"; };\n",
     ":1: classify.max_message_bytes: expected a size"},
    {"milter = { exempt_domains = [1, 2]; };\n",
     ":1: milter.exempt_domains: expected a list of strings"},
    {"milter = { enforce = \"bounce\"; };\n",
     ":1: milter.enforce: \"bounce\": expected one of"},
    {"milter = { message_ids = \"logfeed\"; };\n",
     ":1: milter.message_ids: \"logfeed\" needs the log feed (logfeed.path)"},
    {"milter = { message_ids = \"log\"; };\n",
     ":1: milter.message_ids: \"log\": expected one of"},
    {"store = { backend = \"postgresql\"; };\n",
     ":1: store.conninfo: required when backend is \"postgresql\""},
    {"log_level = \"info\";\nauth = {\n  prvs_sign = true;\n};\n",
     ":2: auth.prvs_key_file: required when prvs_sign is true"},
    {"monitor = {\n  enable = true;\n  warn = \"9%\";\n};\n",
     ":3: monitor.warn: need 0 < warn, recover <= warn <= crit"},
    {"socket = \"unix:/x\"\nuser = ;\n", ":2: syntax error"},
    {"socket = \"unix:/x\";\nsocket = \"unix:/y\";\n", ":2: syntax error"},
};

static void test_bad_files_name_file_line_key(void **state)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        char *path = write_temp(bad_cases[i].text);
        struct bg_config *cfg = NULL;
        char *error = NULL;

        assert_int_equal(cfg_load(path, &cfg, &error), -1);
        assert_null(cfg);
        assert_non_null(error);
        if (strncmp(error, path, strlen(path)) != 0 ||
            strstr(error + strlen(path), bad_cases[i].where) !=
                error + strlen(path))
            fail_msg("case %zu: got \"%s\", want \"%s%s\"", i, error, path,
                     bad_cases[i].where);
        free(error);
        unlink(path);
        free(path);
    }
}

/* An included file is found next to the including one, and its errors
 * name it. */
static void test_include_is_relative_and_named(void **state)
{
    char *dir, *main_path, *inc_path, *error = NULL;
    struct bg_config *cfg = NULL;
    FILE *fp;

    assert_true(asprintf(&dir, "%s/test_cfg.XXXXXX",
                         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") > 0);
    assert_non_null(mkdtemp(dir));
    assert_true(asprintf(&main_path, "%s/main.conf", dir) > 0);
    assert_true(asprintf(&inc_path, "%s/inc.conf", dir) > 0);
    assert_non_null(fp = fopen(main_path, "w"));
    fputs("log_level = \"debug\";\n@include \"inc.conf\"\n", fp);
    fclose(fp);
    assert_non_null(fp = fopen(inc_path, "w"));
    fputs("# included\nsocket_backlog = 7;\n", fp);
    fclose(fp);
    assert_int_equal(cfg_load(main_path, &cfg, &error), 0);
    assert_int_equal(cfg_settings(cfg)->socket_backlog, 7);
    cfg_unref(&cfg);

    assert_non_null(fp = fopen(inc_path, "w"));
    fputs("# included\nsocket_backlog = 0;\n", fp);
    fclose(fp);
    assert_int_equal(cfg_load(main_path, &cfg, &error), -1);
    char *want;
    assert_true(
        asprintf(&want, "%s:2: socket_backlog: 0 out of range", inc_path) > 0);
    if (strncmp(error, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want \"%s...\"", error, want);
    free(want);
    free(error);
    unlink(inc_path);
    unlink(main_path);
    rmdir(dir);
    free(inc_path);
    free(main_path);
    free(dir);
}

static void test_unreadable_file(void **state)
{
    struct bg_config *cfg = NULL;
    char *error = NULL;

    assert_int_equal(cfg_load("/nonexistent/bounceguard.conf", &cfg, &error),
                     -1);
    assert_null(cfg);
    assert_string_equal(error, "/nonexistent/bounceguard.conf: cannot read: "
                               "No such file or directory");
    free(error);
}

/* TOP_SRCDIR comes from the build; the sample is part of every tree. */
static void test_shipped_sample_loads(void **state)
{
    const char *path = TOP_SRCDIR "/conf/bounceguard.conf";
    struct bg_config *cfg = NULL;
    char *error = NULL;

    if (cfg_load(path, &cfg, &error) != 0)
        fail_msg("%s", error);
    assert_string_equal(cfg_settings(cfg)->socket,
                        "unix:/run/bounceguard/bounceguard.sock");
    assert_string_equal(cfg_settings(cfg)->user, "bounceguard");
    cfg_unref(&cfg);
}

struct unit_case {
    const char *text;
    int ret;
    long long value;
};

static void test_durations(void **state)
{
    static const struct unit_case cases[] = {
        {"90", 0, 90},
        {"30s", 0, 30},
        {"15m", 0, 900},
        {"72h", 0, 259200},
        {"30d", 0, 2592000},
        {"2w", 0, 1209600},
        {"0", 0, 0},
        {"", -1, 0},
        {"h", -1, 0},
        {"-5s", -1, 0},
        {"5x", -1, 0},
        {"5hh", -1, 0},
        {"99999999999999999999", -1, 0},
        {"9223372036854775807w", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long v = -1;
        int ret = cfg_parse_duration(cases[i].text, &v);
        if (ret != cases[i].ret || (ret == 0 && v != cases[i].value))
            fail_msg("duration \"%s\": ret %d value %lld", cases[i].text, ret,
                     v);
    }
}

static void test_sizes(void **state)
{
    static const struct unit_case cases[] = {
        {"65536", 0, 65536},  {"64k", 0, 65536},     {"64K", 0, 65536},
        {"10M", 0, 10485760}, {"1G", 0, 1073741824}, {"1T", -1, 0},
        {"k", -1, 0},         {"1.5M", -1, 0},       {" 1k", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long v = -1;
        int ret = cfg_parse_size(cases[i].text, &v);
        if (ret != cases[i].ret || (ret == 0 && v != cases[i].value))
            fail_msg("size \"%s\": ret %d value %lld", cases[i].text, ret, v);
    }
}

static void test_current_snapshot_swap(void **state)
{
    char *error;
    struct bg_config *a = load_text("log_level = \"error\";\n", &error);
    struct bg_config *b = load_text("log_level = \"debug\";\n", &error);

    assert_null(cfg_current());
    cfg_install(a);
    struct bg_config *held = cfg_current();
    assert_ptr_equal(held, a);
    cfg_install(b);
    /* the old snapshot stays valid while a reader holds it */
    assert_string_equal(cfg_settings(held)->log_level, "error");
    cfg_unref(&held);
    struct bg_config *now = cfg_current();
    assert_string_equal(cfg_settings(now)->log_level, "debug");
    cfg_unref(&now);
    cfg_install(NULL);
    assert_null(cfg_current());
}

static void test_schema_is_consistent(void **state)
{
    for (size_t g = 0; g < cfg_groups_count; g++) {
        const struct cfg_group *grp = &cfg_groups[g];
        assert_ptr_equal(cfg_schema_group(grp->name), grp);
        for (size_t k = 0; k < grp->n_keys; k++) {
            const struct cfg_key *key = &grp->keys[k];
            assert_ptr_equal(cfg_schema_key(grp, key->name), key);
            assert_non_null(key->help);
            if (key->type == CFG_ENUM)
                assert_non_null(key->choices);
            if (key->width != sizeof(long long) &&
                (key->type == CFG_INT || key->type == CFG_SIZE ||
                 key->type == CFG_DURATION))
                assert_true(key->width == sizeof(unsigned) && key->min >= 0 &&
                            key->max <= (long long)UINT32_MAX);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file_gives_defaults),
        cmocka_unit_test(test_good_file_sets_values),
        cmocka_unit_test(test_bad_files_name_file_line_key),
        cmocka_unit_test(test_include_is_relative_and_named),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_shipped_sample_loads),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_current_snapshot_swap),
        cmocka_unit_test(test_schema_is_consistent),
    };
    return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}

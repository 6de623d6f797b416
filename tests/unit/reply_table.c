/*
 * reply_table.c - see reply_table.h.
 */
#include "reply_table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct classify_rules *rules;

static int load_rules(void **state)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    char *err = NULL;
    const char *paths[1] = {path};

    (void)state;
    snprintf(path, sizeof path, "%s/conf/rules.conf", top ? top : TOP_SRCDIR);
    if (classify_rules_load(paths, 1, &rules, &err) < 0) {
        fprintf(stderr, "# %s\n", err ? err : "cannot load rules");
        free(err);
        return -1;
    }
    return 0;
}

static int free_rules(void **state)
{
    (void)state;
    classify_rules_free(&rules);
    return 0;
}

static void check_row(void **state)
{
    const struct reply_row *r = *state;
    struct verdict v;

    classify_reply(rules, r->text, strlen(r->text), NULL, 0, NULL, &v);
    if (v.bucket != r->bucket || (r->reason && strcmp(v.reason, r->reason)) ||
        v.auth != r->auth)
        fail_msg("\"%s\": got %s/%s%s by rule %s, want %s/%s%s", r->text,
                 bucket_name(v.bucket), v.reason, v.auth ? "/auth" : "",
                 v.rule, bucket_name(r->bucket),
                 r->reason ? r->reason : "*", r->auth ? "/auth" : "");
}

#define REPLY_TABLE_NAME 160 /* bytes of a row's test name */

int reply_table_run(const char *group, const struct reply_row *rows,
                    size_t n)
{
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    char(*names)[REPLY_TABLE_NAME] = calloc(n, sizeof *names);
    int rc;

    if (tests == NULL || names == NULL) {
        fprintf(stderr, "# out of memory\n");
        free(tests);
        free(names);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* one TAP line per row: no line breaks in the name */
        snprintf(names[i], sizeof names[i], "%s", rows[i].text);
        for (char *p = names[i]; *p != '\0'; p++)
            if (*p == '\r' || *p == '\n' || *p == '#')
                *p = ' ';
        tests[i].name = names[i];
        tests[i].test_func = check_row;
        tests[i].initial_state = (void *)&rows[i];
    }
    rc = _cmocka_run_group_tests(group, tests, n, load_rules, free_rules);
    free(tests);
    free(names);
    return rc;
}

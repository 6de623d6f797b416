/*
 * ctl.c - bounceguardctl's frame: global options, the command table, the
 * lazily loaded configuration and the built-in commands (help, version,
 * check-config).  See ctl.h for the contract of a command.
 */
#include "config.h"

#include "ctl/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cfg_schema.h"
#include "common/daemon.h"
#include "common/rulesfile.h"

struct ctl_lazy {
    struct bg_config *cfg;
};

struct ctl_command {
    const char *name;
    int (*run)(const struct ctl_env *env, int argc, char **argv);
    const char *help;
};

/* Alphabetic; one row per command. */
static const struct ctl_command ctl_commands[] = {
    {"add", cmd_add, "suppress an address or domain by hand"},
    {"check", cmd_check, "exit 0 when an address is suppressed, 1 when not"},
    {"check-config", cmd_check_config,
     "check the configuration file (-d: print every key's value)"},
    {"classify", cmd_classify,
     "classify bounce messages or one SMTP reply (JSON Lines)"},
    {"expire", cmd_expire, "run the store's expiry and retention now"},
    {"export", cmd_export, "write the suppression list (CSV or JSON)"},
    {"help", cmd_help, "list the commands"},
    {"import", cmd_import,
     "import a suppression list (own, SES, SendGrid, Mailgun, Postmark)"},
    {"ingest", cmd_ingest,
     "back-fill an MTA delivery log (FILE or -) into the store"},
    {"list", cmd_list, "list suppressions (filters; table, json or csv)"},
    {"remove", cmd_remove, "lift a suppression by hand"},
    {"report", cmd_report,
     "bounce rates, reasons, providers (terminal or --html FILE)"},
    {"show", cmd_show, "one address: its suppression and event history"},
    {"stats", cmd_stats, "suppressions by reason, bucket, domain"},
    {"version", cmd_version, "print the version"},
};

#define CTL_N_COMMANDS (sizeof ctl_commands / sizeof *ctl_commands)

void ctl_error(const char *fmt, ...)
{
    va_list ap;

    fputs("bounceguardctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

struct bg_config *ctl_config(const struct ctl_env *env)
{
    char *error = NULL;

    if (env->lazy->cfg != NULL)
        return env->lazy->cfg;
    if (cfg_load(env->config_path, &env->lazy->cfg, &error) != 0) {
        ctl_error("%s", error);
        free(error);
        exit(CTL_CONFIG);
    }
    return env->lazy->cfg;
}

const struct bg_settings *ctl_settings(const struct ctl_env *env)
{
    return cfg_settings(ctl_config(env));
}

struct bg_config *ctl_config_optional(const struct ctl_env *env)
{
    if (!env->config_explicit && env->lazy->cfg == NULL &&
        access(env->config_path, F_OK) != 0)
        return NULL;
    return ctl_config(env);
}

static void ctl_usage(FILE *fp)
{
    fprintf(fp,
            "usage: bounceguardctl [-c FILE] COMMAND [ARGS]\n"
            "  -c FILE  configuration file (default %s)\n\n"
            "commands:\n",
            CTL_DEFAULT_CONFIG);
    for (size_t i = 0; i < CTL_N_COMMANDS; i++)
        fprintf(fp, "  %-14s %s\n", ctl_commands[i].name, ctl_commands[i].help);
}

int cmd_help(const struct ctl_env *env, int argc, char **argv)
{
    (void)env;
    (void)argc;
    (void)argv;
    ctl_usage(stdout);
    return CTL_OK;
}

int cmd_version(const struct ctl_env *env, int argc, char **argv)
{
    (void)env;
    if (argc > 1) {
        ctl_error("usage: version");
        return CTL_USAGE;
    }
    (void)argv;
    printf("bounceguard %s\n", PACKAGE_VERSION);
    return CTL_OK;
}

/* Prints "group.key = value;" for every key of the schema, or
 * "# group.key is unset". */
static void ctl_dump_settings(const struct bg_settings *set)
{
    char value[4096];

    for (size_t g = 0; g < cfg_groups_count; g++) {
        const struct cfg_group *grp = &cfg_groups[g];
        for (size_t k = 0; k < grp->n_keys; k++) {
            cfg_value_format(set, &grp->keys[k], value, sizeof value);
            if (value[0] == '\0')
                printf("# %s%s%s is unset\n", grp->name,
                       grp->name[0] ? "." : "", grp->keys[k].name);
            else
                printf("%s%s%s = %s;\n", grp->name, grp->name[0] ? "." : "",
                       grp->keys[k].name, value);
        }
    }
}

static void ctl_warn(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "bounceguardctl: warning: %s\n", message);
}

int cmd_check_config(const struct ctl_env *env, int argc, char **argv)
{
    bool dump = false;
    int ch;

    while ((ch = getopt(argc, argv, "d")) != -1) {
        if (ch != 'd') {
            ctl_error("usage: check-config [-d]");
            return CTL_USAGE;
        }
        dump = true;
    }
    if (optind != argc) {
        ctl_error("usage: check-config [-d]");
        return CTL_USAGE;
    }
    const struct bg_settings *set = ctl_settings(env);
    char *error = NULL;
    struct classify_rules_stats stats;
    char what[160];
    if (dump) {
        ctl_dump_settings(set);
        return CTL_OK;
    }
    struct daemon_ids ids;
    if (daemon_ids_lookup(set->user, set->group, &ids, &error) != 0) {
        ctl_error("%s: %s", env->config_path, error);
        free(error);
        return CTL_CONFIG;
    }
    daemon_ids_free(&ids);
    if (rulesfile_check(&set->classify, &stats, ctl_warn, NULL, &error) != 0) {
        ctl_error("%s", error != NULL ? error : "cannot load the rules");
        free(error);
        return CTL_CONFIG;
    }
    rulesfile_describe(&stats, what, sizeof what);
    printf("%s: OK (%zu classification rules; %s)\n", env->config_path,
           stats.rules, what);
    return CTL_OK;
}

static const struct ctl_command *ctl_find(const char *name)
{
    for (size_t i = 0; i < CTL_N_COMMANDS; i++)
        if (strcmp(ctl_commands[i].name, name) == 0)
            return &ctl_commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    struct ctl_lazy lazy = {NULL};
    struct ctl_env env = {CTL_DEFAULT_CONFIG, false, &lazy};
    const struct ctl_command *cmd;
    int ch, status;

    /* "+": stop at the command name; its options are its own. */
    while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
        switch (ch) {
        case 'c':
            env.config_path = optarg;
            env.config_explicit = true;
            break;
        case 'h':
            ctl_usage(stdout);
            return CTL_OK;
        case 'V':
            printf("bounceguard %s\n", PACKAGE_VERSION);
            return CTL_OK;
        default:
            ctl_usage(stderr);
            return CTL_USAGE;
        }
    }
    if (optind >= argc) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    if ((cmd = ctl_find(argv[optind])) == NULL) {
        ctl_error("unknown command \"%s\" (try \"bounceguardctl help\")",
                  argv[optind]);
        return CTL_USAGE;
    }
    argc -= optind;
    argv += optind;
    optind = 0; /* glibc: a full reset, the command's getopt starts afresh */
    status = cmd->run(&env, argc, argv);
    cfg_unref(&lazy.cfg);
    /* A list or export cut short by a full disk is no success. */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        ctl_error("standard output: %s",
                  errno != 0 ? strerror(errno) : "write error");
        if (status == CTL_OK || status == CTL_NO)
            status = CTL_IOERR;
    }
    return status;
}

/*
 * ctl.h - the frame of bounceguardctl(8): "bounceguardctl [-c FILE] COMMAND
 * [ARGS]".
 *
 * Commands are data: one row {name, function, help} in the alphabetic table
 * of ctl.c and one declaration below.  A command is
 *     int cmd_NAME(const struct ctl_env *env, int argc, char **argv);
 * argv[0] is the command name, argv[1..] its arguments; getopt(3) is reset
 * before the call (optind = 0, glibc's full reset), so a command parses its
 * own options with getopt or getopt_long from argv[1].  It returns the process
 * exit status (CTL_* below, the sysexits(3) values).
 *
 * The configuration is loaded lazily, on the first ctl_config() or
 * ctl_settings() call: a command that needs none works without a file.  A
 * broken file ends the process there with "bounceguardctl: FILE:LINE: ..."
 * on stderr and status 78.  ctl_config_optional() is for commands that use
 * the file only when it exists (none given with -c, default path absent).
 *
 * Single-threaded.
 */
#ifndef BG_CTL_H
#define BG_CTL_H

#include <stdbool.h>
#include <sysexits.h>

#include "common/cfg.h"

/* Exit statuses of every command. */
#define CTL_OK 0
#define CTL_NO 1 /* the answer is no / not found */
#define CTL_USAGE EX_USAGE
#define CTL_DATAERR EX_DATAERR
#define CTL_NOINPUT EX_NOINPUT
#define CTL_UNAVAILABLE EX_UNAVAILABLE
#define CTL_SOFTWARE EX_SOFTWARE
#define CTL_IOERR EX_IOERR
#define CTL_CONFIG EX_CONFIG

#define CTL_DEFAULT_CONFIG SYSCONFDIR "/bounceguard/bounceguard.conf"

struct ctl_lazy; /* the loaded snapshot, private to ctl.c */

struct ctl_env {
    const char *config_path; /* -c FILE, else CTL_DEFAULT_CONFIG */
    bool config_explicit;    /* -c was given */
    struct ctl_lazy *lazy;
};

/* The configuration snapshot (owned by the frame, valid until exit). */
struct bg_config *ctl_config(const struct ctl_env *env);
const struct bg_settings *ctl_settings(const struct ctl_env *env);
/* NULL when no -c was given and the default file does not exist. */
struct bg_config *ctl_config_optional(const struct ctl_env *env);

/* "bounceguardctl: " + message on stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Commands, alphabetic; each has a row in ctl.c's table. */
int cmd_add(const struct ctl_env *env, int argc, char **argv);
int cmd_check(const struct ctl_env *env, int argc, char **argv);
int cmd_check_config(const struct ctl_env *env, int argc, char **argv);
int cmd_classify(const struct ctl_env *env, int argc, char **argv);
int cmd_expire(const struct ctl_env *env, int argc, char **argv);
int cmd_export(const struct ctl_env *env, int argc, char **argv);
int cmd_help(const struct ctl_env *env, int argc, char **argv);
int cmd_import(const struct ctl_env *env, int argc, char **argv);
int cmd_ingest(const struct ctl_env *env, int argc, char **argv);
int cmd_list(const struct ctl_env *env, int argc, char **argv);
int cmd_remove(const struct ctl_env *env, int argc, char **argv);
int cmd_report(const struct ctl_env *env, int argc, char **argv);
int cmd_show(const struct ctl_env *env, int argc, char **argv);
int cmd_stats(const struct ctl_env *env, int argc, char **argv);
int cmd_version(const struct ctl_env *env, int argc, char **argv);

#endif

/*
 * cfg.h - loading, validating and sharing bounceguard.conf(5).
 *
 * cfg_load() reads a libconfig file, checks every key against the schema
 * (cfg_schema.c: unknown keys, wrong types and out-of-range values are
 * errors), fills defaults, and returns an immutable snapshot.  Errors read
 * "FILE:LINE: KEY: what is wrong".
 *
 * Snapshots are refcounted.  The daemon keeps one "current" snapshot; a
 * reload builds a new one and swaps it in atomically (cfg_install), so a
 * callback that took a reference keeps a consistent view until it drops it.
 * Thread-safe.
 */
#ifndef BG_CFG_H
#define BG_CFG_H

#include "common/settings.h"

struct bg_config;

/* Returns 0 and a snapshot with one reference, or -1 and *error_r
 * (malloc'ed "FILE:LINE: ..." text, the caller frees it). */
int cfg_load(const char *path, struct bg_config **cfg_r, char **error_r);
const struct bg_settings *cfg_settings(const struct bg_config *cfg);
const char *cfg_path(const struct bg_config *cfg);
struct bg_config *cfg_ref(struct bg_config *cfg);
void cfg_unref(struct bg_config **cfg);

/* The process-wide current snapshot: cfg_current() returns a new reference
 * (NULL before the first install); cfg_install() takes over the caller's
 * reference and drops the old snapshot's. */
struct bg_config *cfg_current(void);
void cfg_install(struct bg_config *cfg);

/* Duration ("90", "30s", "15m", "72h", "30d", "2w") and size ("10M") parsing,
 * shared by the schema and the command-line tools. */
int cfg_parse_duration(const char *text, long long *seconds_r);
int cfg_parse_size(const char *text, long long *bytes_r);

#endif

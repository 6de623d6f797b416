/*
 * cfg_schema.h - the declarative schema of bounceguard.conf(5).
 *
 * Every key the file may hold is one row of a table: name, type, where the
 * value lives in struct bg_settings (offset and width), the default written
 * as it would appear in the file, the range of numbers, the choices of an
 * enum, an optional validator and one line of help.  A group of the file
 * ("store = { ... }") is one table plus one line in the registry
 * (cfg_groups[] in cfg_schema.c); the top-level keys are the group with an
 * empty name.  cfg.c walks these tables and nothing else, so adding a key is
 * adding a field to settings.h and a row here.
 *
 * Numbers are stored in fields of width sizeof(long long), sizeof(size_t) or
 * sizeof(unsigned) (see cfg_store_number() in cfg.c); fields narrower than
 * long long must have min >= 0 and a max that fits.  Strings and string lists
 * are malloc'ed and owned by the snapshot.
 *
 * The tables are constant data: thread-safe.
 */
#ifndef BG_CFG_SCHEMA_H
#define BG_CFG_SCHEMA_H

#include <stddef.h>

#include "common/settings.h"

enum cfg_type {
    CFG_BOOL,     /* true / false */
    CFG_INT,      /* integer */
    CFG_STRING,   /* string; an optional validator checks it */
    CFG_DURATION, /* integer seconds or "30s", "15m", "72h", "30d", "2w" */
    CFG_SIZE,     /* integer bytes or "64k", "10M", "1G" */
    CFG_ENUM,     /* one string of the "a|b|c" choices */
    CFG_STRLIST,  /* list or array of strings (a lone string is a list of 1) */
};

/* Checks one string value (each item of a list); returns 0, or -1 with a
 * static message in *error_r. */
typedef int cfg_validator(const char *value, const char **error_r);

struct cfg_key {
    const char *name;
    enum cfg_type type;
    size_t offset;      /* offsetof(struct bg_settings, field) */
    size_t width;       /* sizeof the field */
    const char *def;    /* default in file syntax (lists: "a,b"); NULL: unset */
    long long min, max; /* numbers; min > max means unbounded */
    const char *choices; /* CFG_ENUM: "a|b|c" */
    cfg_validator *validate;
    const char *help;
};

/* Checks the group as a whole once every key is set (e.g. a backend that
 * needs a second key); returns 0, or -1 with the key to blame and a static
 * message. */
typedef int cfg_group_check(const struct bg_settings *set, const char **key_r,
                            const char **error_r);

struct cfg_group {
    const char *name; /* "" for the top level */
    const struct cfg_key *keys;
    size_t n_keys;
    cfg_group_check *check; /* may be NULL */
};

extern const struct cfg_group cfg_groups[];
extern const size_t cfg_groups_count;

/* Finds a group by name ("" = top level); NULL when unknown. */
const struct cfg_group *cfg_schema_group(const char *name);
/* Finds a key of a group; NULL when unknown. */
const struct cfg_key *cfg_schema_key(const struct cfg_group *group,
                                     const char *name);
/* The name of a type for messages and documentation ("duration", ...). */
const char *cfg_type_name(enum cfg_type type);

/* Writes a key's value in file syntax ("72h" as 259200, lists as
 * ["a", "b"], unset strings as nothing) into buf; truncates to size. */
void cfg_value_format(const struct bg_settings *set, const struct cfg_key *key,
                      char *buf, size_t size);

/* Validators shared by several groups. */
cfg_validator cfg_valid_socket;  /* unix:PATH, local:PATH, inet[6]:PORT@HOST */
cfg_validator cfg_valid_abspath; /* "/..." */
cfg_validator cfg_valid_abspath_or_empty;
cfg_validator cfg_valid_umask; /* octal 0..0777 */
cfg_validator cfg_valid_name;  /* user or group name: no spaces, no ':' */

#endif

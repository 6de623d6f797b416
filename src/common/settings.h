/*
 * settings.h - every configuration value bounceguard knows, as loaded from
 * bounceguard.conf(5).  One struct per group of the file; cfg_schema.c holds
 * the table (key, type, default, min, max, validator) that fills each field,
 * so adding a key means adding a field here and a row there.
 *
 * A struct bg_settings is owned by an immutable, refcounted configuration
 * snapshot (cfg.h); readers never modify it.  Strings are malloc'ed and owned
 * by the snapshot; NULL means "not set".  Durations are in seconds.
 */
#ifndef BG_SETTINGS_H
#define BG_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/report.h"

/* A list of strings from a libconfig array or list. */
struct str_list {
    char **items;
    size_t count;
};

/* store = { ... } */
struct store_settings {
    char *backend;       /* "sqlite" or "postgresql" */
    char *path;          /* SQLite database file */
    char *conninfo;      /* PostgreSQL conninfo string */
    char *spool;         /* local durable spool directory (PostgreSQL) */
    long long batch_max; /* decisions per group commit */
    long long batch_delay_ms;
    long long queue_max; /* decisions held in memory when the store fails */
    long long outbound_retention; /* seconds */
    long long event_retention;    /* seconds; 0 = keep */
    long long expire_interval;    /* seconds between expiry runs */
    char *local_part;    /* "preserve", "lowercase" */
};

/* policy = { ... } */
struct policy_settings {
    long long soft_threshold;   /* soft failures before suppression */
    long long soft_span;        /* seconds the failures must span */
    long long soft_expiry;      /* seconds a soft-derived suppression lasts */
    long long hard_expiry;      /* 0 = permanent */
    bool suppress_domains;      /* domain-level failures suppress the domain */
};

/* classify = { ... } */
struct classify_settings {
    char *rules_file;
    char *local_rules_file;
    struct mime_limits limits;
};

/* milter = { ... } */
struct milter_settings {
    char *on_error;              /* "accept" or "tempfail" */
    char *enforce;               /* "reject", "tempfail", "remove", "tag", "off" */
    bool dry_run;
    char *reject_reply;          /* template */
    struct str_list internal_networks;
    struct str_list outbound_daemons;
    struct str_list exempt_domains;
    struct str_list exempt_senders;
    bool add_header;
    struct str_list discard_bounces_to;
    long long body_cap;          /* bytes of a bounce buffered */
};

struct bg_settings {
    /* top level */
    char *socket;          /* "unix:/path" or "inet:port@host" */
    char *user;
    char *group;
    char *pidfile;
    char *log_level;
    char *syslog_facility;
    long long milter_timeout; /* seconds, libmilter smfi_settimeout */
    long long socket_backlog;
    char *umask_str;
    struct store_settings store;
    struct policy_settings policy;
    struct classify_settings classify;
    struct milter_settings milter;
};

#endif

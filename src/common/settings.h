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
    char *instance; /* this MTA's name in a shared store, or NULL: the host
                       name (store_open() resolves it) */
    long long lookup_timeout_ms; /* PostgreSQL: longest lookup; 0 none */
    bool daemon; /* not a key: the daemon's store, whose writer starts
                    while PostgreSQL is down (decisions wait in memory) */
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
    char *rcpt_rejects;          /* "off", "record", "suppress" */
    bool noreply;                /* SMFIP_NR_CONN/MAIL/HDR (unix sockets) */
    char *engine;                /* "event" (mengine.c) or "libmilter" */
    long long threads;           /* event engine: callbacks at once */
    char *message_ids;           /* "headers" or "logfeed": where outbound
                                    Message-IDs come from */
};

/* auth = { ... }  (src/auth: SPF/DKIM checks, prvs, credibility) */
struct auth_settings {
    char *resolver;              /* "" system, "IP" or "IP@PORT" */
    long long dns_timeout;       /* seconds per query try */
    long long dns_attempts;      /* tries per query */
    long long cache_ttl_max;     /* seconds a DNS answer is kept at most */
    long long cache_negative;    /* seconds NXDOMAIN / no data is kept */
    long long cache_entries;     /* DNS answers kept */
    bool outbound_check;         /* SPF + DKIM of mail leaving through us */
    struct str_list egress_addresses; /* our public sending addresses */
    char *public_suffix_file;    /* for DMARC alignment; NULL: last 2 labels */
    bool inbound_check;          /* SPF + DKIM of bounces from outside */
    bool add_auth_results;       /* Authentication-Results on bounces */
    char *authserv_id;           /* NULL: the host name */
    char *credibility;           /* "strict", "lenient", "off" */
    bool prvs_sign;              /* sign outbound envelope senders */
    char *prvs_key_file;         /* "K secret" lines */
    long long prvs_key;          /* key number used for signing */
    long long prvs_days;         /* validity of a signature */
};

/* alerts = { ... }  (src/alert: aggregation and sinks) */
struct alert_settings {
    long long window;            /* seconds: at most one alert per key */
    long long hold;              /* seconds gathered before the first alert */
    long long quiet;             /* seconds without events: recovered */
    long long samples;           /* distinct diagnostics kept per incident */
    long long queue_ids;         /* queue ids kept per incident */
    long long max_incidents;     /* open incidents tracked */
    long long sender_rate;       /* sender-bucket bounces per window and
                                    receiving domain that alert; 0 = off */
    bool outbound_auth;          /* alert on failing outbound SPF/DKIM */
    struct str_list email_to;    /* admin addresses; empty: no email */
    char *email_from;            /* From: of alert mail */
    char *sendmail_path;
    char *smtp_url;              /* "smtp://host:port": alert mail submitted
                                    by SMTP, not sendmail_path; NULL none */
    bool syslog;                 /* log alerts at syslog_priority */
    char *syslog_priority;       /* "alert", "crit", "err", "warning" */
    char *webhook_url;           /* NULL: no webhook */
    char *webhook_format;        /* "generic", "slack", "matrix" */
    long long webhook_timeout;   /* seconds */
    long long webhook_retries;
    long long webhook_backoff;   /* seconds before the first retry */
    char *exec_command;          /* NULL: no command hook */
    long long exec_timeout;      /* seconds */
};

/* logfeed = { ... }  (src/logfeed: the live feed of the delivery log) */
struct logfeed_settings {
    char *path;                  /* log file followed; "-" = standard input;
                                    NULL: no feed */
    char *state_file;            /* saved position (inode, offset, hash) */
    bool start_at_end;           /* no saved position: skip the backlog */
    long long save_interval;     /* seconds between position saves */
    long long poll_interval;     /* seconds between rotation checks */
    long long cache_entries;     /* verdicts cached by reply text */
    long long max_line;          /* bytes of one line; longer are cut */
};

/* metrics = { ... }  (src/metrics: the Prometheus endpoint) */
struct metrics_settings {
    bool enable;                 /* serve GET /metrics */
    char *listen;                /* "127.0.0.1:9153", "[::1]:9153" */
    long long rate_domains;      /* sending domains exported (top by volume) */
};

/* monitor = { ... }  (core/rate.h: the bounce-rate monitor) */
struct monitor_settings {
    bool enable;
    char *warn;                  /* "2%": first alert level (24 h hard rate) */
    char *crit;                  /* "5%": second level */
    char *recover;               /* "1.5%": back to normal below this */
    long long min_volume;        /* recipients in 24 h before a rate counts */
    long long max_keys;          /* domains (and providers) tracked */
    long long check_interval;    /* seconds between re-evaluations */
    struct str_list domains;     /* always exported to metrics */
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
    struct auth_settings auth;
    struct alert_settings alerts;
    struct logfeed_settings logfeed;
    struct metrics_settings metrics;
    struct monitor_settings monitor;
};

#endif

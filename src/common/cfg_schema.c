/*
 * cfg_schema.c - the tables of bounceguard.conf(5); see cfg_schema.h.
 *
 * One table per group, one registry line per table (cfg_groups[] at the
 * end).  Every key here must be documented in man/bounceguard.conf.5 and
 * shown, commented, in conf/bounceguard.conf.
 */
#include "config.h"

#include "common/cfg_schema.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#define CFG_F(field)                                                           \
    offsetof(struct bg_settings, field),                                       \
        sizeof(((struct bg_settings *)0)->field)

#define K_BOOL(key, field, def, help)                                          \
    {key, CFG_BOOL, CFG_F(field), def, 0, -1, NULL, NULL, help}
#define K_INT(key, field, def, min, max, help)                                 \
    {key, CFG_INT, CFG_F(field), def, min, max, NULL, NULL, help}
#define K_DUR(key, field, def, min, max, help)                                 \
    {key, CFG_DURATION, CFG_F(field), def, min, max, NULL, NULL, help}
#define K_SIZE(key, field, def, min, max, help)                                \
    {key, CFG_SIZE, CFG_F(field), def, min, max, NULL, NULL, help}
#define K_STR(key, field, def, valid, help)                                    \
    {key, CFG_STRING, CFG_F(field), def, 0, -1, NULL, valid, help}
#define K_ENUM(key, field, def, choices, help)                                 \
    {key, CFG_ENUM, CFG_F(field), def, 0, -1, choices, NULL, help}
#define K_LIST(key, field, def, valid, help)                                   \
    {key, CFG_STRLIST, CFG_F(field), def, 0, -1, NULL, valid, help}
#define N_KEYS(table) (sizeof(table) / sizeof(table)[0])

#define DAY (24LL * 3600)
#define YEAR (366 * DAY)

/* ------------------------------------------------------------ validators */

static int cfg_valid_port(const char *p, size_t len)
{
    long port = 0;

    if (len == 0 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)p[i]))
            return -1;
        port = port * 10 + (p[i] - '0');
    }
    return port >= 1 && port <= 65535 ? 0 : -1;
}

int cfg_valid_socket(const char *value, const char **error_r)
{
    static const char expected[] =
        "expected \"unix:PATH\" or \"inet:PORT@HOST\"";
    const char *rest;

    if (strncmp(value, "unix:", 5) == 0 || strncmp(value, "local:", 6) == 0) {
        rest = strchr(value, ':') + 1;
        if (rest[0] != '/') {
            *error_r = "expected \"unix:PATH\" with an absolute PATH";
            return -1;
        }
        if (strlen(rest) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
            *error_r = "unix socket path too long";
            return -1;
        }
        return 0;
    }
    if (strncmp(value, "inet:", 5) == 0 || strncmp(value, "inet6:", 6) == 0) {
        rest = strchr(value, ':') + 1;
        const char *at = strchr(rest, '@');
        size_t plen = at != NULL ? (size_t)(at - rest) : strlen(rest);
        if (cfg_valid_port(rest, plen) == 0 && (at == NULL || at[1] != '\0'))
            return 0;
    }
    *error_r = expected;
    return -1;
}

int cfg_valid_abspath(const char *value, const char **error_r)
{
    if (value[0] != '/') {
        *error_r = "expected an absolute path";
        return -1;
    }
    return 0;
}

/* "smtp://host[:port]" (also "smtps://"), or "" for none. */
static int cfg_valid_smtp_url(const char *value, const char **error_r)
{
    const char *host = NULL;

    if (value[0] == '\0')
        return 0;
    if (strncmp(value, "smtp://", 7) == 0)
        host = value + 7;
    else if (strncmp(value, "smtps://", 8) == 0)
        host = value + 8;
    if (host == NULL || host[0] == '\0' || host[0] == ':' || host[0] == '/' ||
        strpbrk(value, " \t\r\n") != NULL) {
        *error_r = "expected \"smtp://HOST[:PORT]\", e.g. "
                   "\"smtp://127.0.0.1:25\"";
        return -1;
    }
    return 0;
}

/* An authserv-id the Authentication-Results header can carry as it is
 * (RFC 8601: a token; no blanks, quotes, ';', '(' or controls). */
static int cfg_valid_authserv_id(const char *value, const char **error_r)
{
    size_t len = strlen(value);

    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("\";()\\<>,", *p) != NULL)
            len = 0;
    if (len == 0 || len > 255) {
        *error_r = "expected a host name or other token (no blanks, quotes "
                   "or ';'), e.g. \"mx.example.org\"";
        return -1;
    }
    return 0;
}

int cfg_valid_abspath_or_empty(const char *value, const char **error_r)
{
    return value[0] == '\0' ? 0 : cfg_valid_abspath(value, error_r);
}

int cfg_valid_umask(const char *value, const char **error_r)
{
    size_t len = strlen(value);

    if (len == 0 || len > 4 || strspn(value, "01234567") != len) {
        *error_r = "expected an octal mask such as \"0007\"";
        return -1;
    }
    return 0;
}

int cfg_valid_name(const char *value, const char **error_r)
{
    if (value[0] == '\0' || value[0] == '-' || strlen(value) > 64 ||
        strpbrk(value, " \t:/") != NULL) {
        *error_r = "expected a user or group name";
        return -1;
    }
    return 0;
}

/* A name for this MTA in a shared store: 1 to 255 bytes of letters,
 * digits, '.', '-', '_' and ':' (a host name or an address fits). */
static int cfg_valid_instance(const char *value, const char **error_r)
{
    size_t n = strlen(value);

    if (n == 0 || n > 255 ||
        strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789.-_:") != n) {
        *error_r = "must be 1 to 255 letters, digits, '.', '-', '_' or ':'";
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- top level */

static const struct cfg_key cfg_top_keys[] = {
    K_STR("socket", socket, "unix:" RUNSTATEDIR "/bounceguard/bounceguard.sock",
          cfg_valid_socket, "milter socket: unix:PATH or inet:PORT@HOST"),
    K_STR("user", user, NULL, cfg_valid_name,
          "user to run as after binding the socket (required as root)"),
    K_STR("group", group, NULL, cfg_valid_name,
          "group to run as and of the unix socket (default: user's group)"),
    K_STR("pidfile", pidfile, RUNSTATEDIR "/bounceguard/bounceguard.pid",
          cfg_valid_abspath_or_empty, "locked pid file; \"\" for none"),
    K_ENUM("log_level", log_level, "info", "error|warning|notice|info|debug",
           "lines above this level are not logged"),
    K_ENUM("syslog_facility", syslog_facility, "mail",
           "mail|daemon|user|local0|local1|local2|local3|local4|local5|"
           "local6|local7",
           "syslog facility"),
    K_DUR("milter_timeout", milter_timeout, "2h", 1, DAY,
          "how long a milter connection may stay silent"),
    K_INT("socket_backlog", socket_backlog, "64", 1, 65535,
          "listen(2) backlog of the milter socket"),
    K_STR("umask", umask_str, "0007", cfg_valid_umask,
          "mask applied while creating the unix socket"),
};

/* ----------------------------------------------------------------- store */

static int cfg_store_check(const struct bg_settings *set, const char **key_r,
                           const char **error_r)
{
    if (strcmp(set->store.backend, "postgresql") == 0 &&
        set->store.conninfo == NULL) {
        *key_r = "store.conninfo";
        *error_r = "required when backend is \"postgresql\"";
        return -1;
    }
    return 0;
}

static const struct cfg_key cfg_store_keys[] = {
    K_ENUM("backend", store.backend, "sqlite", "sqlite|postgresql",
           "where suppression decisions are kept"),
    K_STR("path", store.path, LOCALSTATEDIR "/lib/bounceguard/bounceguard.db",
          cfg_valid_abspath, "SQLite database file"),
    K_STR("conninfo", store.conninfo, NULL, NULL,
          "PostgreSQL connection string"),
    K_STR("spool", store.spool, NULL, cfg_valid_abspath,
          "durable local spool while PostgreSQL is unreachable"),
    K_INT("batch_max", store.batch_max, "100", 1, 100000,
          "decisions per group commit"),
    K_INT("batch_delay_ms", store.batch_delay_ms, "50", 0, 60000,
          "longest wait before a group commit, milliseconds"),
    K_INT("queue_max", store.queue_max, "10000", 1, 10000000,
          "decisions held in memory while the store fails"),
    K_INT("lookup_timeout_ms", store.lookup_timeout_ms, "2000", 0, 60000,
          "longest wait of the daemon's suppression lookups (PostgreSQL),"
          " milliseconds; 0 waits"),
    K_DUR("outbound_retention", store.outbound_retention, "30d", 3600, YEAR,
          "how long records of outbound mail are kept"),
    K_DUR("event_retention", store.event_retention, "180d", 0, 10 * YEAR,
          "how long bounce events are kept; 0 keeps them"),
    K_DUR("expire_interval", store.expire_interval, "1h", 60, DAY,
          "time between expiry runs"),
    K_ENUM("local_part", store.local_part, "preserve", "preserve|lowercase",
           "how recipient local parts are compared"),
    K_STR("instance", store.instance, NULL, cfg_valid_instance,
          "this MTA's name in a shared PostgreSQL store (default: the host"
          " name)"),
};

/* ---------------------------------------------------------------- policy */

static const struct cfg_key cfg_policy_keys[] = {
    K_INT("soft_threshold", policy.soft_threshold, "3", 1, 1000,
          "soft failures before a recipient is suppressed"),
    K_DUR("soft_span", policy.soft_span, "72h", 0, YEAR,
          "time the soft failures must span"),
    K_DUR("soft_expiry", policy.soft_expiry, "30d", 3600, 10 * YEAR,
          "how long a soft-derived suppression lasts"),
    K_DUR("hard_expiry", policy.hard_expiry, "0", 0, 100 * YEAR,
          "how long a hard suppression lasts; 0 is permanent"),
    K_BOOL("suppress_domains", policy.suppress_domains, "false",
           "domain-level failures suppress the whole domain"),
};

/* -------------------------------------------------------------- classify */

static const struct cfg_key cfg_classify_keys[] = {
    K_STR("rules_file", classify.rules_file, PKGDATADIR "/rules.conf",
          cfg_valid_abspath, "shipped classification rules"),
    K_STR("local_rules_file", classify.local_rules_file, NULL,
          cfg_valid_abspath, "site rules, tried before the shipped ones"),
    K_SIZE("max_message_bytes", classify.limits.max_message_bytes, "1M",
           1024, 1LL << 30, "bytes of a bounce looked at"),
    K_INT("max_depth", classify.limits.max_depth, "8", 1, 64,
          "MIME nesting depth"),
    K_INT("max_parts", classify.limits.max_parts, "64", 1, 10000,
          "MIME parts in all"),
    K_SIZE("max_header_bytes", classify.limits.max_header_bytes, "16k", 256,
           1 << 20, "bytes of one unfolded header field"),
    K_INT("max_recipients", classify.limits.max_recipients, "100", 1, 100000,
          "failed recipients taken from one report"),
};

/* ---------------------------------------------------------------- milter */

/* "192.0.2.0/24", "10.1.2.3", "2001:db8::/32" (the milter's flow.c reads
 * them the same way). */
static int cfg_valid_network(const char *value, const char **error_r)
{
    unsigned char bytes[16];
    char addr[64];
    const char *slash = strchr(value, '/');
    size_t len = slash != NULL ? (size_t)(slash - value) : strlen(value);
    int family = AF_INET6;
    char *end;

    *error_r = "expected an IPv4 or IPv6 address or ADDRESS/PREFIX";
    if (len == 0 || len >= sizeof addr)
        return -1;
    memcpy(addr, value, len);
    addr[len] = '\0';
    if (inet_pton(AF_INET, addr, bytes) == 1)
        family = AF_INET;
    else if (inet_pton(AF_INET6, addr, bytes) != 1)
        return -1;
    if (slash == NULL)
        return 0;
    if (!isdigit((unsigned char)slash[1]) ||
        strtoul(slash + 1, &end, 10) > (family == AF_INET ? 32u : 128u) ||
        *end != '\0')
        return -1;
    return 0;
}

static const struct cfg_key cfg_milter_keys[] = {
    K_ENUM("on_error", milter.on_error, "accept", "accept|tempfail",
           "milter reply when bounceguard itself fails"),
    K_ENUM("enforce", milter.enforce, "reject",
           "reject|tempfail|remove|tag|off",
           "what happens to mail for a suppressed recipient"),
    K_BOOL("dry_run", milter.dry_run, "false",
           "log decisions without acting on them"),
    K_STR("reject_reply", milter.reject_reply,
          "550 5.1.1 <%r>: recipient suppressed (%s since %d)", NULL,
          "refusal template: %r address, %s reason, %b bucket, %d date"),
    K_LIST("internal_networks", milter.internal_networks,
           "127.0.0.0/8,::1", cfg_valid_network,
           "clients whose mail is outbound"),
    K_LIST("outbound_daemons", milter.outbound_daemons, NULL, NULL,
           "Postfix {daemon_name} values whose mail is outbound"),
    K_LIST("exempt_domains", milter.exempt_domains, NULL, NULL,
           "recipient domains never suppressed"),
    K_LIST("exempt_senders", milter.exempt_senders, NULL, NULL,
           "senders whose mail is never suppressed"),
    K_BOOL("add_header", milter.add_header, "false",
           "add an X-Bounceguard header to bounces seen"),
    K_LIST("discard_bounces_to", milter.discard_bounces_to, NULL, NULL,
           "addresses whose bounces are learned from and discarded"),
    K_SIZE("body_cap", milter.body_cap, "1M", 4096, 1LL << 30,
           "bytes of a bounce buffered"),
    K_ENUM("rcpt_rejects", milter.rcpt_rejects, "record",
           "off|record|suppress",
           "recipients the MTA refused itself (SMFIP_RCPT_REJ)"),
    K_BOOL("noreply", milter.noreply, "true",
           "connect, MAIL and headers without replies (unix sockets only)"),
    K_ENUM("engine", milter.engine, "event", "event|libmilter",
           "what speaks the milter protocol: bounceguard's own event loop "
           "or libmilter's thread per connection"),
    K_INT("threads", milter.threads, "32", 1, 256,
          "event engine: connections served at once"),
    K_ENUM("message_ids", milter.message_ids, "headers", "headers|logfeed",
           "where outbound Message-IDs come from: the header phase, or the "
           "MTA's log through the log feed (outbound mail is then accepted "
           "at DATA, before its headers)"),
};

static int cfg_milter_check(const struct bg_settings *set, const char **key_r,
                            const char **error_r)
{
    if (set->milter.message_ids != NULL &&
        strcmp(set->milter.message_ids, "logfeed") == 0 &&
        (set->logfeed.path == NULL || set->logfeed.path[0] == '\0')) {
        *key_r = "milter.message_ids";
        *error_r = "\"logfeed\" needs the log feed (logfeed.path): it reads "
                   "the Message-IDs from the MTA's log";
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ auth */

/* "" (system resolver), "IP" or "IP@PORT"; an IPv4 literal, the only
 * kind of server the DNS client (auth/dnsq.c) can ask. */
static int cfg_valid_resolver(const char *value, const char **error_r)
{
    const char *at = strrchr(value, '@');
    size_t iplen = at != NULL ? (size_t)(at - value) : strlen(value);
    char ip[INET_ADDRSTRLEN];
    struct in_addr addr;

    if (value[0] == '\0')
        return 0;
    if (iplen == 0 || iplen >= sizeof ip ||
        (at != NULL && cfg_valid_port(at + 1, strlen(at + 1)) < 0)) {
        *error_r = "expected \"IP\" or \"IP@PORT\", e.g. \"127.0.0.1@5353\"";
        return -1;
    }
    memcpy(ip, value, iplen);
    ip[iplen] = '\0';
    if (inet_pton(AF_INET, ip, &addr) != 1) {
        *error_r = "expected an IPv4 address, e.g. \"127.0.0.1@5353\"";
        return -1;
    }
    return 0;
}

static int cfg_auth_check(const struct bg_settings *set, const char **key_r,
                          const char **error_r)
{
    if (set->auth.prvs_sign && set->auth.prvs_key_file == NULL) {
        *key_r = "auth.prvs_key_file";
        *error_r = "required when prvs_sign is true";
        return -1;
    }
    return 0;
}

static const struct cfg_key cfg_auth_keys[] = {
    K_STR("resolver", auth.resolver, "", cfg_valid_resolver,
          "DNS server for SPF and DKIM: \"\" system, \"IP@PORT\""),
    K_DUR("dns_timeout", auth.dns_timeout, "5s", 1, 60,
          "seconds one DNS query try may take"),
    K_INT("dns_attempts", auth.dns_attempts, "2", 1, 5, "tries per DNS query"),
    K_DUR("cache_ttl_max", auth.cache_ttl_max, "1h", 0, DAY,
          "longest a DNS answer is cached (0: no cache)"),
    K_DUR("cache_negative", auth.cache_negative, "5m", 0, DAY,
          "how long a missing record is cached"),
    K_INT("cache_entries", auth.cache_entries, "10000", 16, 10000000,
          "DNS answers kept in the cache"),
    K_BOOL("outbound_check", auth.outbound_check, "false",
           "check SPF and DKIM of mail leaving through us"),
    K_LIST("egress_addresses", auth.egress_addresses, NULL, NULL,
           "public addresses our mail leaves from (for SPF)"),
    K_STR("public_suffix_file", auth.public_suffix_file, NULL,
          cfg_valid_abspath, "public suffix list for DMARC alignment"),
    K_BOOL("inbound_check", auth.inbound_check, "false",
           "check SPF and DKIM of bounces from outside"),
    K_BOOL("add_auth_results", auth.add_auth_results, "false",
           "add an Authentication-Results header to bounces"),
    K_STR("authserv_id", auth.authserv_id, NULL, cfg_valid_authserv_id,
          "authserv-id of Authentication-Results (default: host name)"),
    K_ENUM("credibility", auth.credibility, "strict", "strict|lenient|off",
           "which bounces may suppress (forged-bounce defence)"),
    K_BOOL("prvs_sign", auth.prvs_sign, "false",
           "sign outbound envelope senders (BATV prvs)"),
    K_STR("prvs_key_file", auth.prvs_key_file, NULL, cfg_valid_abspath,
          "prvs keys: \"DIGIT SECRET\" lines"),
    K_INT("prvs_key", auth.prvs_key, "0", 0, 9, "prvs key number to sign with"),
    K_INT("prvs_days", auth.prvs_days, "7", 1, 365,
          "days a prvs signature stays valid"),
};

/* ---------------------------------------------------------------- alerts */

static int cfg_valid_url(const char *value, const char **error_r)
{
    if (strncmp(value, "http://", 7) != 0 &&
        strncmp(value, "https://", 8) != 0) {
        *error_r = "expected an http:// or https:// URL";
        return -1;
    }
    return 0;
}

static const struct cfg_key cfg_alert_keys[] = {
    K_DUR("window", alerts.window, "15m", 1, DAY,
          "at most one alert per key in this time"),
    K_DUR("hold", alerts.hold, "1m", 0, DAY,
          "evidence gathered before the first alert of an incident"),
    K_DUR("quiet", alerts.quiet, "30m", 1, 7 * DAY,
          "time without events that ends an incident"),
    K_INT("samples", alerts.samples, "3", 0, 20,
          "distinct diagnostics quoted per alert"),
    K_INT("queue_ids", alerts.queue_ids, "20", 0, 1000,
          "affected queue ids listed per alert"),
    K_INT("max_incidents", alerts.max_incidents, "1000", 1, 100000,
          "open incidents tracked at once"),
    K_INT("sender_rate", alerts.sender_rate, "20", 0, 1000000,
          "blocklist/reputation bounces per window and domain that alert"),
    K_BOOL("outbound_auth", alerts.outbound_auth, "true",
           "alert when outbound SPF or DKIM checks fail"),
    K_LIST("email_to", alerts.email_to, NULL, NULL,
           "admin addresses alerted by mail"),
    K_STR("email_from", alerts.email_from, NULL, NULL,
          "From: of alert mail (default: bounceguard@host)"),
    K_STR("sendmail_path", alerts.sendmail_path, "/usr/sbin/sendmail",
          cfg_valid_abspath, "sendmail(1) binary used for alert mail"),
    K_STR("smtp_url", alerts.smtp_url, NULL, cfg_valid_smtp_url,
          "submit alert mail by SMTP to this server (smtp://host:port)"
          " instead of running sendmail_path"),
    K_BOOL("syslog", alerts.syslog, "true", "log alerts to syslog"),
    K_ENUM("syslog_priority", alerts.syslog_priority, "alert",
           "alert|crit|err|warning", "syslog priority of alert lines"),
    K_STR("webhook_url", alerts.webhook_url, NULL, cfg_valid_url,
          "HTTP endpoint posted JSON alerts"),
    K_ENUM("webhook_format", alerts.webhook_format, "generic",
           "generic|slack|matrix", "shape of the webhook JSON body"),
    K_DUR("webhook_timeout", alerts.webhook_timeout, "10s", 1, 300,
          "seconds one webhook request may take"),
    K_INT("webhook_retries", alerts.webhook_retries, "5", 0, 100,
          "retries of a failed webhook request"),
    K_DUR("webhook_backoff", alerts.webhook_backoff, "5s", 1, 3600,
          "wait before the first retry; doubles each time"),
    K_STR("exec_command", alerts.exec_command, NULL, cfg_valid_abspath,
          "program fed each alert as JSON on stdin"),
    K_DUR("exec_timeout", alerts.exec_timeout, "30s", 1, 3600,
          "seconds the command may run"),
};

/* --------------------------------------------------------------- logfeed */

static int cfg_valid_logfeed_path(const char *value, const char **error_r)
{
    if (strcmp(value, "-") == 0)
        return 0;
    return cfg_valid_abspath(value, error_r);
}

static const struct cfg_key cfg_logfeed_keys[] = {
    K_STR("path", logfeed.path, NULL, cfg_valid_logfeed_path,
          "delivery log followed (maillog_file or syslog file; - = stdin)"),
    K_STR("state_file", logfeed.state_file,
          LOCALSTATEDIR "/lib/bounceguard/logfeed.pos", cfg_valid_abspath,
          "where the read position is saved across restarts"),
    K_BOOL("start_at_end", logfeed.start_at_end, "true",
           "without a saved position, skip what the log already holds"),
    K_DUR("save_interval", logfeed.save_interval, "5s", 1, 3600,
          "how often the read position is saved"),
    K_DUR("poll_interval", logfeed.poll_interval, "1s", 1, 300,
          "how often rotation is checked when no event arrives"),
    K_INT("cache_entries", logfeed.cache_entries, "4096", 0, 1000000,
          "verdicts cached by reply text (0: no cache)"),
    K_SIZE("max_line", logfeed.max_line, "16384", 512, 1048576,
           "bytes of one log line; the rest is cut"),
};

/* ------------------------------------------------------ metrics, monitor */

/* "HOST:PORT" with a numeric IPv4 host or "[IPV6]:PORT". */
static int cfg_valid_listen(const char *value, const char **error_r)
{
    char host[INET6_ADDRSTRLEN + 2], addr[sizeof(struct in6_addr)];
    const char *colon = strrchr(value, ':');
    size_t hlen = colon != NULL ? (size_t)(colon - value) : 0;
    bool v6 = value[0] == '[';

    *error_r = "expected \"HOST:PORT\" or \"[IPV6]:PORT\", numeric host";
    if (colon == NULL || hlen < (size_t)(1 + 2 * v6) || hlen >= sizeof host ||
        cfg_valid_port(colon + 1, strlen(colon + 1)) != 0)
        return -1;
    if (v6 && value[hlen - 1] != ']')
        return -1;
    memcpy(host, value + v6, hlen - 2 * v6);
    host[hlen - 2 * v6] = '\0';
    return inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) == 1 ? 0 : -1;
}

/* "2%", "0.5%" or "2": a percentage from 0 to 100. */
static int cfg_valid_percent(const char *value, const char **error_r)
{
    char *end;
    double v = strtod(value, &end);

    if (end == value || (*end != '\0' && strcmp(end, "%") != 0) ||
        !(v >= 0 && v <= 100)) {
        *error_r = "expected a percentage from 0 to 100, e.g. \"2%\"";
        return -1;
    }
    return 0;
}

static const struct cfg_key cfg_metrics_keys[] = {
    K_BOOL("enable", metrics.enable, "false",
           "serve Prometheus metrics over HTTP"),
    K_STR("listen", metrics.listen, "127.0.0.1:9153", cfg_valid_listen,
          "address of the metrics endpoint (HOST:PORT, [IPV6]:PORT)"),
    K_INT("rate_domains", metrics.rate_domains, "20", 0, 1000,
          "sending domains with bounce-rate series (largest volume first)"),
};

static const struct cfg_key cfg_monitor_keys[] = {
    K_BOOL("enable", monitor.enable, "true",
           "watch the bounce rate of each sending domain"),
    K_STR("warn", monitor.warn, "2%", cfg_valid_percent,
          "24 h hard-bounce rate of the first alert"),
    K_STR("crit", monitor.crit, "5%", cfg_valid_percent,
          "24 h hard-bounce rate of the second alert"),
    K_STR("recover", monitor.recover, "1.5%", cfg_valid_percent,
          "rate under which a raised domain is announced recovered"),
    K_INT("min_volume", monitor.min_volume, "100", 1, 1000000000,
          "recipients sent in 24 h before a domain's rate can alert"),
    K_INT("max_keys", monitor.max_keys, "1000", 1, 100000,
          "sending domains (and receiving providers) tracked"),
    K_DUR("check_interval", monitor.check_interval, "1m", 1, 3600,
          "how often rates are re-evaluated (recoveries, metrics)"),
    K_LIST("domains", monitor.domains, NULL, NULL,
           "sending domains always exported as metrics"),
};

static int cfg_monitor_check(const struct bg_settings *set,
                             const char **key_r, const char **error_r)
{
    double warn = strtod(set->monitor.warn, NULL);

    if (strtod(set->monitor.recover, NULL) > warn ||
        warn > strtod(set->monitor.crit, NULL) || warn <= 0) {
        *key_r = "monitor.warn";
        *error_r = "need 0 < warn, recover <= warn <= crit";
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- registry */

/* One line per group, in the order of bounceguard.conf(5). */
const struct cfg_group cfg_groups[] = {
    {"", cfg_top_keys, N_KEYS(cfg_top_keys), NULL},
    {"store", cfg_store_keys, N_KEYS(cfg_store_keys), cfg_store_check},
    {"policy", cfg_policy_keys, N_KEYS(cfg_policy_keys), NULL},
    {"classify", cfg_classify_keys, N_KEYS(cfg_classify_keys), NULL},
    {"milter", cfg_milter_keys, N_KEYS(cfg_milter_keys), cfg_milter_check},
    {"auth", cfg_auth_keys, N_KEYS(cfg_auth_keys), cfg_auth_check},
    {"alerts", cfg_alert_keys, N_KEYS(cfg_alert_keys), NULL},
    {"logfeed", cfg_logfeed_keys, N_KEYS(cfg_logfeed_keys), NULL},
    {"metrics", cfg_metrics_keys, N_KEYS(cfg_metrics_keys), NULL},
    {"monitor", cfg_monitor_keys, N_KEYS(cfg_monitor_keys),
     cfg_monitor_check},
};
const size_t cfg_groups_count = N_KEYS(cfg_groups);

const struct cfg_group *cfg_schema_group(const char *name)
{
    for (size_t i = 0; i < cfg_groups_count; i++)
        if (strcmp(cfg_groups[i].name, name) == 0)
            return &cfg_groups[i];
    return NULL;
}

const struct cfg_key *cfg_schema_key(const struct cfg_group *group,
                                     const char *name)
{
    for (size_t i = 0; i < group->n_keys; i++)
        if (strcmp(group->keys[i].name, name) == 0)
            return &group->keys[i];
    return NULL;
}

const char *cfg_type_name(enum cfg_type type)
{
    switch (type) {
    case CFG_BOOL:
        return "boolean";
    case CFG_INT:
        return "integer";
    case CFG_STRING:
        return "string";
    case CFG_DURATION:
        return "duration";
    case CFG_SIZE:
        return "size";
    case CFG_ENUM:
        return "choice";
    case CFG_STRLIST:
        return "list of strings";
    }
    return "?";
}

/*
 * cfg.c - implementation of cfg.h: libconfig file -> validated snapshot.
 *
 * The loader knows no key by name: it walks the schema tables of
 * cfg_schema.c.  Defaults are filled first, then every setting of the file
 * is looked up, type-checked, range-checked, validated and stored over its
 * default; the first problem stops the load with "FILE:LINE: KEY: message".
 * Group checks run last.
 *
 * The current snapshot is the one piece of process-wide mutable state; a
 * mutex guards the pointer, an atomic counter each snapshot's references.
 */
#include "config.h"

#include "common/cfg.h"
#include "common/cfg_schema.h"

#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bg_config {
    atomic_int refs;
    char *path;
    struct bg_settings set;
};

/* State of one cfg_load() call. */
struct cfg_loader {
    const char *path;
    const char *include_dir; /* libconfig's copy, or NULL */
    struct bg_config *cfg;
    char *error; /* first error, malloc'ed */
};

static pthread_mutex_t cfg_current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bg_config *cfg_current_snapshot;

/* ------------------------------------------------------ duration and size */

static int cfg_parse_scaled(const char *text, long long *value_r,
                            long long (*unit)(char suffix))
{
    char *end;
    long long v, mult = 1;

    if (text == NULL || text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno != 0 || end == text)
        return -1;
    if (*end != '\0') {
        mult = unit(*end);
        if (mult <= 0 || end[1] != '\0')
            return -1;
    }
    if (v > LLONG_MAX / mult) /* @UNSAFE overflow guard */
        return -1;
    *value_r = v * mult;
    return 0;
}

static long long cfg_duration_unit(char c)
{
    switch (c) {
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 3600;
    case 'd':
        return 86400;
    case 'w':
        return 7 * 86400;
    default:
        return -1;
    }
}

static long long cfg_size_unit(char c)
{
    switch (c) {
    case 'k':
    case 'K':
        return 1024;
    case 'm':
    case 'M':
        return 1024 * 1024;
    case 'g':
    case 'G':
        return 1024LL * 1024 * 1024;
    default:
        return -1;
    }
}

int cfg_parse_duration(const char *text, long long *seconds_r)
{
    return cfg_parse_scaled(text, seconds_r, cfg_duration_unit);
}

int cfg_parse_size(const char *text, long long *bytes_r)
{
    return cfg_parse_scaled(text, bytes_r, cfg_size_unit);
}

/* ------------------------------------------------------------ field access */

static void *cfg_field(struct bg_settings *set, const struct cfg_key *key)
{
    return (char *)set + key->offset;
}

/* @UNSAFE: width is the sizeof of the field, taken by CFG_F() in the
 * schema; narrower fields have min >= 0 and a max that fits. */
static void cfg_store_number(void *field, size_t width, long long v)
{
    if (width == sizeof(long long)) {
        memcpy(field, &v, sizeof v);
    } else if (width == sizeof(unsigned)) {
        unsigned u = (unsigned)v;
        memcpy(field, &u, sizeof u);
    }
}

static void cfg_list_clear(struct str_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static void cfg_settings_free(struct bg_settings *set)
{
    for (size_t g = 0; g < cfg_groups_count; g++) {
        for (size_t k = 0; k < cfg_groups[g].n_keys; k++) {
            const struct cfg_key *key = &cfg_groups[g].keys[k];
            void *field = cfg_field(set, key);
            if (key->type == CFG_STRING || key->type == CFG_ENUM) {
                free(*(char **)field);
                *(char **)field = NULL;
            } else if (key->type == CFG_STRLIST) {
                cfg_list_clear(field);
            }
        }
    }
}

/* -------------------------------------------------------------- messages */

/* The file a setting or an error came from: libconfig names included files
 * as written in "@include", relative to the including file's directory. */
static const char *cfg_source_name(const struct cfg_loader *ld,
                                   const char *file, char *buf, size_t size)
{
    if (file == NULL)
        return ld->path;
    if (file[0] == '/' || ld->include_dir == NULL ||
        strcmp(file, ld->path) == 0)
        return file;
    snprintf(buf, size, "%s/%s", ld->include_dir, file);
    return buf;
}

static void cfg_fail(struct cfg_loader *ld, const config_setting_t *where,
                     const char *group, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void cfg_fail(struct cfg_loader *ld, const config_setting_t *where,
                     const char *group, const char *key, const char *fmt, ...)
{
    char text[512];
    const char *file = NULL;
    unsigned line = 0;
    va_list ap;

    if (ld->error != NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (where != NULL) {
        file = config_setting_source_file(where);
        line = config_setting_source_line(where);
    }
    char fbuf[4096];
    file = cfg_source_name(ld, file, fbuf, sizeof fbuf);
    const char *dot = group != NULL && group[0] != '\0' ? "." : "";
    if (group == NULL)
        group = "";
    size_t size = strlen(file) + strlen(group) + strlen(key) + strlen(text) +
                  32; /* @UNSAFE: ":%u: " and ". " fit in 32 */
    ld->error = malloc(size);
    if (ld->error == NULL)
        return;
    if (line > 0)
        snprintf(ld->error, size, "%s:%u: %s%s%s: %s", file, line, group, dot,
                 key, text);
    else
        snprintf(ld->error, size, "%s: %s%s%s: %s", file, group, dot, key,
                 text);
}

static char *cfg_strdup_error(const char *a, const char *b, const char *c)
{
    size_t size = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(size);

    if (s != NULL)
        snprintf(s, size, "%s%s%s", a, b, c);
    return s;
}

/* ------------------------------------------------------------- assigning */

static int cfg_check_range(const struct cfg_key *key, long long v,
                           const char **error_r)
{
    if (key->min <= key->max && (v < key->min || v > key->max)) {
        *error_r = "out of range";
        return -1;
    }
    return 0;
}

static int cfg_check_choice(const struct cfg_key *key, const char *value)
{
    size_t len = strlen(value);

    for (const char *p = key->choices; p != NULL && *p != '\0';) {
        const char *bar = strchr(p, '|');
        size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, value, n) == 0)
            return 0;
        p = bar != NULL ? bar + 1 : NULL;
    }
    return -1;
}

static long long cfg_no_unit(char c)
{
    (void)c;
    return -1;
}

static const char *cfg_number_expected(const struct cfg_key *key)
{
    if (key->type == CFG_DURATION)
        return "expected a duration such as 90, \"30s\", \"15m\", "
               "\"72h\", \"30d\" or \"2w\"";
    if (key->type == CFG_SIZE)
        return "expected a size such as 65536, \"64k\" or \"10M\"";
    return "expected an integer";
}

/* Parses text for a number-like key; -1 with *error_r when it does not. */
static int cfg_text_number(const struct cfg_key *key, const char *text,
                           long long *v_r, const char **error_r)
{
    long long (*unit)(char) = cfg_no_unit;

    if (key->type == CFG_DURATION)
        unit = cfg_duration_unit;
    else if (key->type == CFG_SIZE)
        unit = cfg_size_unit;
    *error_r = cfg_number_expected(key);
    return cfg_parse_scaled(text, v_r, unit);
}

static int cfg_assign_string(struct bg_settings *set, const struct cfg_key *key,
                             const char *text, const char **error_r)
{
    char **field = cfg_field(set, key);
    char *copy;

    if (key->type == CFG_ENUM && cfg_check_choice(key, text) != 0) {
        *error_r = NULL; /* the caller lists the choices */
        return -1;
    }
    if (key->validate != NULL && key->validate(text, error_r) != 0)
        return -1;
    if ((copy = strdup(text)) == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    free(*field);
    *field = copy;
    return 0;
}

static int cfg_list_append(struct str_list *list, const char *item)
{
    char **items = realloc(list->items, (list->count + 1) * sizeof *items);

    if (items == NULL)
        return -1;
    list->items = items;
    if ((items[list->count] = strdup(item)) == NULL)
        return -1;
    list->count++;
    return 0;
}

/* Fills a key's field from its default text; -1 means a broken schema. */
static int cfg_assign_default(struct bg_settings *set,
                              const struct cfg_key *key, const char **error_r)
{
    void *field = cfg_field(set, key);
    long long v;

    if (key->def == NULL)
        return 0;
    switch (key->type) {
    case CFG_BOOL:
        *(bool *)field = strcmp(key->def, "true") == 0;
        return 0;
    case CFG_INT:
    case CFG_DURATION:
    case CFG_SIZE:
        if (cfg_text_number(key, key->def, &v, error_r) != 0 ||
            cfg_check_range(key, v, error_r) != 0)
            return -1;
        cfg_store_number(field, key->width, v);
        return 0;
    case CFG_STRING:
    case CFG_ENUM:
        return cfg_assign_string(set, key, key->def, error_r);
    case CFG_STRLIST:
        break;
    }
    for (const char *p = key->def; *p != '\0';) {
        char item[256];
        size_t n = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)n, p);
        if (cfg_list_append(field, item) != 0) {
            *error_r = "out of memory";
            return -1;
        }
        p += n + (p[n] == ',');
    }
    return 0;
}

static int cfg_fill_defaults(struct cfg_loader *ld)
{
    const char *error = NULL;

    for (size_t g = 0; g < cfg_groups_count; g++) {
        for (size_t k = 0; k < cfg_groups[g].n_keys; k++) {
            const struct cfg_key *key = &cfg_groups[g].keys[k];
            if (cfg_assign_default(&ld->cfg->set, key, &error) != 0) {
                cfg_fail(ld, NULL, cfg_groups[g].name, key->name,
                         "bad built-in default: %s",
                         error != NULL ? error : "not a choice");
                return -1;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------ settings -> fields */

struct cfg_site {
    struct cfg_loader *ld;
    const config_setting_t *s;
    const char *group;
    const struct cfg_key *key;
};

static int cfg_set_number(const struct cfg_site *at)
{
    const char *error = cfg_number_expected(at->key);
    int type = config_setting_type(at->s);
    long long v;

    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
        v = config_setting_get_int64(at->s);
    } else if (type == CONFIG_TYPE_STRING && at->key->type != CFG_INT) {
        if (cfg_text_number(at->key, config_setting_get_string(at->s), &v,
                            &error) != 0)
            goto bad;
    } else {
        goto bad;
    }
    if (cfg_check_range(at->key, v, &error) != 0) {
        cfg_fail(at->ld, at->s, at->group, at->key->name,
                 "%lld out of range %lld..%lld", v, at->key->min, at->key->max);
        return -1;
    }
    cfg_store_number(cfg_field(&at->ld->cfg->set, at->key), at->key->width, v);
    return 0;
bad:
    cfg_fail(at->ld, at->s, at->group, at->key->name, "%s", error);
    return -1;
}

static int cfg_set_string(const struct cfg_site *at)
{
    const char *error = NULL;

    if (config_setting_type(at->s) != CONFIG_TYPE_STRING) {
        cfg_fail(at->ld, at->s, at->group, at->key->name,
                 at->key->type == CFG_ENUM ? "expected one of %s"
                                           : "expected a string%s",
                 at->key->type == CFG_ENUM ? at->key->choices : "");
        return -1;
    }
    const char *text = config_setting_get_string(at->s);
    if (cfg_assign_string(&at->ld->cfg->set, at->key, text, &error) == 0)
        return 0;
    if (error == NULL)
        cfg_fail(at->ld, at->s, at->group, at->key->name,
                 "\"%s\": expected one of %s", text, at->key->choices);
    else
        cfg_fail(at->ld, at->s, at->group, at->key->name, "%s", error);
    return -1;
}

static int cfg_set_list_item(const struct cfg_site *at,
                             const config_setting_t *item, struct str_list *l)
{
    const char *error = NULL;
    const char *text = config_setting_get_string(item);

    if (text == NULL) {
        cfg_fail(at->ld, item, at->group, at->key->name,
                 "expected a list of strings");
        return -1;
    }
    if (at->key->validate != NULL && at->key->validate(text, &error) != 0) {
        cfg_fail(at->ld, item, at->group, at->key->name, "\"%s\": %s", text,
                 error);
        return -1;
    }
    if (cfg_list_append(l, text) != 0) {
        cfg_fail(at->ld, item, at->group, at->key->name, "out of memory");
        return -1;
    }
    return 0;
}

static int cfg_set_list(const struct cfg_site *at)
{
    struct str_list *list = cfg_field(&at->ld->cfg->set, at->key);
    int type = config_setting_type(at->s);

    cfg_list_clear(list);
    if (type == CONFIG_TYPE_STRING)
        return cfg_set_list_item(at, at->s, list);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
        cfg_fail(at->ld, at->s, at->group, at->key->name,
                 "expected a list of strings");
        return -1;
    }
    for (int i = 0; i < config_setting_length(at->s); i++)
        if (cfg_set_list_item(at, config_setting_get_elem(at->s, i), list) != 0)
            return -1;
    return 0;
}

static int cfg_set_key(const struct cfg_site *at)
{
    switch (at->key->type) {
    case CFG_BOOL:
        if (config_setting_type(at->s) != CONFIG_TYPE_BOOL) {
            cfg_fail(at->ld, at->s, at->group, at->key->name,
                     "expected true or false");
            return -1;
        }
        *(bool *)cfg_field(&at->ld->cfg->set, at->key) =
            config_setting_get_bool(at->s) != 0;
        return 0;
    case CFG_INT:
    case CFG_DURATION:
    case CFG_SIZE:
        return cfg_set_number(at);
    case CFG_STRING:
    case CFG_ENUM:
        return cfg_set_string(at);
    case CFG_STRLIST:
        return cfg_set_list(at);
    }
    return -1;
}

/* Walks the settings of one group (or of the top level). */
static int cfg_walk(struct cfg_loader *ld, const config_setting_t *parent,
                    const struct cfg_group *group)
{
    for (int i = 0; i < config_setting_length(parent); i++) {
        const config_setting_t *s = config_setting_get_elem(parent, i);
        const char *name = config_setting_name(s);
        const struct cfg_group *sub;
        struct cfg_site at = {ld, s, group->name, NULL};

        if (name == NULL)
            name = "?";
        if (group->name[0] == '\0' && (sub = cfg_schema_group(name)) != NULL) {
            if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
                cfg_fail(ld, s, "", name, "expected a group { ... }");
                return -1;
            }
            if (cfg_walk(ld, s, sub) != 0)
                return -1;
            continue;
        }
        if ((at.key = cfg_schema_key(group, name)) == NULL) {
            cfg_fail(ld, s, group->name, name, "unknown key");
            return -1;
        }
        if (cfg_set_key(&at) != 0)
            return -1;
    }
    return 0;
}

/* The setting a group check blames: the key itself when the file sets it,
 * else its group's "name = { ... }" (NULL when the file has neither). */
static const config_setting_t *cfg_blamed(const config_t *lc, const char *key)
{
    const config_setting_t *s = config_lookup(lc, key);
    const char *dot = strchr(key, '.');
    char group[64];

    if (s != NULL || dot == NULL || (size_t)(dot - key) >= sizeof group)
        return s;
    memcpy(group, key, (size_t)(dot - key));
    group[dot - key] = '\0';
    return config_lookup(lc, group);
}

static int cfg_check_groups(struct cfg_loader *ld, const config_t *lc)
{
    for (size_t g = 0; g < cfg_groups_count; g++) {
        const char *key = cfg_groups[g].name, *error = NULL;
        if (cfg_groups[g].check == NULL ||
            cfg_groups[g].check(&ld->cfg->set, &key, &error) == 0)
            continue;
        cfg_fail(ld, cfg_blamed(lc, key), "", key, "%s", error);
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- loading */

/* "@include" names files relative to the including file's directory, not
 * to the working directory (the daemon runs in "/"). */
static void cfg_include_dir(config_t *lc, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;

    if (slash == NULL)
        return;
    dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir != NULL)
        config_set_include_dir(lc, dir); /* libconfig keeps a copy */
    free(dir);
}

static int cfg_read(struct cfg_loader *ld, config_t *lc)
{
    FILE *fp = fopen(ld->path, "r");

    if (fp == NULL) {
        ld->error =
            cfg_strdup_error(ld->path, ": cannot read: ", strerror(errno));
        return -1;
    }
    fclose(fp);
    cfg_include_dir(lc, ld->path);
    ld->include_dir = config_get_include_dir(lc);
    if (config_read_file(lc, ld->path) == CONFIG_TRUE)
        return 0;
    if (config_error_type(lc) == CONFIG_ERR_FILE_IO) {
        ld->error = cfg_strdup_error(ld->path,
                                     ": cannot read: ", config_error_text(lc));
        return -1;
    }
    char fbuf[4096], text[4608];
    snprintf(text, sizeof text, "%s:%d: syntax error: %s",
             cfg_source_name(ld, config_error_file(lc), fbuf, sizeof fbuf),
             config_error_line(lc), config_error_text(lc));
    ld->error = strdup(text);
    return -1;
}

static struct bg_config *cfg_new(const char *path)
{
    struct bg_config *cfg = calloc(1, sizeof *cfg);

    if (cfg == NULL)
        return NULL;
    if ((cfg->path = strdup(path)) == NULL) {
        free(cfg);
        return NULL;
    }
    atomic_init(&cfg->refs, 1);
    return cfg;
}

int cfg_load(const char *path, struct bg_config **cfg_r, char **error_r)
{
    struct cfg_loader ld = {path, NULL, NULL, NULL};
    config_t lc;
    int ret = -1;

    *cfg_r = NULL;
    config_init(&lc);
    if ((ld.cfg = cfg_new(path)) == NULL)
        ld.error = strdup("out of memory");
    else if (cfg_fill_defaults(&ld) == 0 && cfg_read(&ld, &lc) == 0 &&
             cfg_walk(&ld, config_root_setting(&lc), cfg_schema_group("")) ==
                 0 &&
             cfg_check_groups(&ld, &lc) == 0)
        ret = 0;
    config_destroy(&lc);
    if (ret == 0) {
        *cfg_r = ld.cfg;
        return 0;
    }
    cfg_unref(&ld.cfg);
    *error_r = ld.error != NULL ? ld.error : strdup("out of memory");
    return -1;
}

/* ------------------------------------------------------------ formatting */

static long long cfg_load_number(const void *field, size_t width)
{
    if (width == sizeof(long long)) {
        long long v;
        memcpy(&v, field, sizeof v);
        return v;
    }
    unsigned u = 0;
    if (width == sizeof(unsigned))
        memcpy(&u, field, sizeof u);
    return u;
}

static void cfg_list_format(const struct str_list *list, char *buf, size_t size)
{
    size_t off = 0;

    off += (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < list->count && off < size; i++)
        off += (size_t)snprintf(buf + off, size - off, "%s\"%s\"",
                                i > 0 ? ", " : "", list->items[i]);
    if (off < size)
        snprintf(buf + off, size - off, "]");
}

void cfg_value_format(const struct bg_settings *set, const struct cfg_key *key,
                      char *buf, size_t size)
{
    const void *field = (const char *)set + key->offset;
    const char *str;

    switch (key->type) {
    case CFG_BOOL:
        snprintf(buf, size, "%s", *(const bool *)field ? "true" : "false");
        break;
    case CFG_INT:
    case CFG_DURATION:
    case CFG_SIZE:
        snprintf(buf, size, "%lld", cfg_load_number(field, key->width));
        break;
    case CFG_STRING:
    case CFG_ENUM:
        str = *(char *const *)field;
        if (str != NULL)
            snprintf(buf, size, "\"%s\"", str);
        else if (size > 0)
            buf[0] = '\0';
        break;
    case CFG_STRLIST:
        cfg_list_format(field, buf, size);
        break;
    }
}

/* ------------------------------------------------------------- snapshots */

const struct bg_settings *cfg_settings(const struct bg_config *cfg)
{
    return &cfg->set;
}

const char *cfg_path(const struct bg_config *cfg)
{
    return cfg->path;
}

struct bg_config *cfg_ref(struct bg_config *cfg)
{
    atomic_fetch_add(&cfg->refs, 1);
    return cfg;
}

void cfg_unref(struct bg_config **cfgp)
{
    struct bg_config *cfg = *cfgp;

    *cfgp = NULL;
    if (cfg == NULL || atomic_fetch_sub(&cfg->refs, 1) != 1)
        return;
    cfg_settings_free(&cfg->set);
    free(cfg->path);
    free(cfg);
}

struct bg_config *cfg_current(void)
{
    struct bg_config *cfg;

    pthread_mutex_lock(&cfg_current_lock);
    cfg = cfg_current_snapshot != NULL ? cfg_ref(cfg_current_snapshot) : NULL;
    pthread_mutex_unlock(&cfg_current_lock);
    return cfg;
}

void cfg_install(struct bg_config *cfg)
{
    struct bg_config *old;

    pthread_mutex_lock(&cfg_current_lock);
    old = cfg_current_snapshot;
    cfg_current_snapshot = cfg;
    pthread_mutex_unlock(&cfg_current_lock);
    cfg_unref(&old);
}

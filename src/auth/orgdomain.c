/*
 * orgdomain.c - organisational domains with or without a public suffix
 * list.
 */
#include "config.h"

#include "auth/orgdomain.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_NAME_MAX 253
#define ORG_FILE_MAX (16u << 20)

struct orgdomain_list {
    char **rules; /* sorted; "a.b", "*.a.b" and "!a.b" as written */
    size_t count;
};

static int org_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool org_has(const struct orgdomain_list *list, const char *rule)
{
    return list->count > 0 &&
           bsearch(&rule, list->rules, list->count, sizeof *list->rules,
                   org_cmp) != NULL;
}

/* One rule line [p, end): the first word, lower-cased.  @UNSAFE */
static int org_add(struct orgdomain_list *list, size_t *cap, const char *p,
                   const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    const char *w = p;
    while (p < end && !isspace((unsigned char)*p))
        p++;
    size_t len = (size_t)(p - w);
    if (len == 0 || (len >= 2 && w[0] == '/' && w[1] == '/') ||
        len > ORG_NAME_MAX)
        return 0;
    if (list->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        char **n = realloc(list->rules, ncap * sizeof *n);
        if (n == NULL)
            return -1;
        list->rules = n;
        *cap = ncap;
    }
    char *r = malloc(len + 1);
    if (r == NULL)
        return -1;
    for (size_t i = 0; i < len; i++)
        r[i] = (char)tolower((unsigned char)w[i]);
    r[len] = '\0';
    list->rules[list->count++] = r;
    return 0;
}

int orgdomain_list_parse(const char *text, size_t len,
                         struct orgdomain_list **list_r, const char **error_r)
{
    struct orgdomain_list *list = calloc(1, sizeof *list);
    const char *p = text, *end = text + len;
    size_t cap = 0;

    *list_r = NULL;
    if (list == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        if (org_add(list, &cap, p, eol) < 0) {
            orgdomain_list_free(&list);
            *error_r = "out of memory";
            return -1;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (list->count > 0)
        qsort(list->rules, list->count, sizeof *list->rules, org_cmp);
    *list_r = list;
    return 0;
}

int orgdomain_list_load(const char *path, struct orgdomain_list **list_r,
                        const char **error_r)
{
    FILE *f = fopen(path, "re");
    char *buf;
    size_t len;
    int ret;

    *list_r = NULL;
    if (f == NULL) {
        *error_r = "cannot open the public suffix list";
        return -1;
    }
    if ((buf = malloc(ORG_FILE_MAX)) == NULL) {
        fclose(f);
        *error_r = "out of memory";
        return -1;
    }
    len = fread(buf, 1, ORG_FILE_MAX, f);
    if (len == ORG_FILE_MAX || ferror(f)) {
        *error_r = "public suffix list unreadable or too large";
        ret = -1;
    } else {
        ret = orgdomain_list_parse(buf, len, list_r, error_r);
    }
    fclose(f);
    free(buf);
    return ret;
}

void orgdomain_list_free(struct orgdomain_list **list)
{
    if (*list == NULL)
        return;
    for (size_t i = 0; i < (*list)->count; i++)
        free((*list)->rules[i]);
    free((*list)->rules);
    free(*list);
    *list = NULL;
}

/* Lower-cased copy without a trailing dot; false for unusable names. */
static bool org_norm(const char *name, char *out, size_t size)
{
    size_t len = name != NULL ? strlen(name) : 0;
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > ORG_NAME_MAX || len >= size || name[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[len] = '\0';
    return strstr(out, "..") == NULL;
}

static size_t org_labels(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == '.';
    return n;
}

/* Labels of the public suffix of d by the list (at least 1): the longest
 * matching rule, an exception rule meaning "one label less". */
static size_t org_suffix_labels(const struct orgdomain_list *list,
                                const char *d)
{
    char rule[ORG_NAME_MAX + 3];
    size_t best = 1;

    for (const char *s = d; s != NULL;) {
        size_t sl = org_labels(s);
        const char *parent = strchr(s, '.');
        snprintf(rule, sizeof rule, "!%s", s);
        if (org_has(list, rule))
            return sl - 1;
        if (org_has(list, s) && sl > best)
            best = sl;
        if (parent != NULL) {
            snprintf(rule, sizeof rule, "*%s", parent);
            if (org_has(list, rule) && sl > best)
                best = sl;
        }
        s = parent != NULL ? parent + 1 : NULL;
    }
    return best;
}

bool orgdomain_get(const struct orgdomain_list *list, const char *name,
                   char *out, size_t size)
{
    char d[ORG_NAME_MAX + 1];
    size_t labels, keep;

    if (!org_norm(name, d, sizeof d))
        return false;
    labels = org_labels(d);
    keep = list != NULL ? org_suffix_labels(list, d) + 1 : 2;
    if (keep > labels)
        keep = labels;
    /* p: the start of the last `keep` labels */
    const char *p = d;
    for (size_t skip = labels - keep; skip > 0; skip--)
        p = strchr(p, '.') + 1;
    if (strlen(p) >= size)
        return false;
    memcpy(out, p, strlen(p) + 1);
    return true;
}

bool orgdomain_aligned(const struct orgdomain_list *list, const char *a,
                       const char *b)
{
    char oa[ORG_NAME_MAX + 1], ob[ORG_NAME_MAX + 1];
    return orgdomain_get(list, a, oa, sizeof oa) &&
           orgdomain_get(list, b, ob, sizeof ob) && strcmp(oa, ob) == 0;
}

/*
 * globs.c - see globs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/globs.h"

/* A pattern; without '*' (star false), a string of its length matches when
 * (key & m) == v, m covering every byte but the '?' ones. */
struct glob {
    char *p;
    size_t len;
    bool star;
    uint64_t v[2], m[2];
};

struct globs {
    struct glob g[GLOBS_MAX];
    size_t n;
};

bool globs_glob(const char *p, const char *s)
{
    const char *star = NULL, *retry = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = ++p;
            retry = s;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else if (star != NULL) {
            p = star;
            s = ++retry;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static void glob_compile(struct glob *g)
{
    unsigned char v[16] = {0}, m[16] = {0};

    g->len = strlen(g->p);
    g->star = strchr(g->p, '*') != NULL || g->len > 16;
    for (size_t i = 0; i < g->len && i < 16; i++)
        if (g->p[i] != '?') {
            v[i] = (unsigned char)g->p[i];
            m[i] = 0xff;
        }
    memcpy(g->v, v, sizeof v);
    memcpy(g->m, m, sizeof m);
}

int globs_parse(const char *v, const char *allowed, struct globs **globs_r)
{
    struct globs *gs = calloc(1, sizeof *gs);
    int rc = 0;

    *globs_r = NULL;
    if (gs == NULL)
        return -2;
    while (*v != '\0' && rc == 0) {
        size_t k = strcspn(v, ",");
        if (k == 0 || k > GLOBS_LEN_MAX || gs->n == GLOBS_MAX ||
            strspn(v, allowed) < k) {
            rc = -1;
            break;
        }
        if ((gs->g[gs->n].p = strndup(v, k)) == NULL) {
            rc = -2;
            break;
        }
        glob_compile(&gs->g[gs->n++]);
        v += k + (v[k] == ',');
    }
    if (rc == 0)
        *globs_r = gs;
    else
        globs_free(&gs);
    return rc;
}

void globs_free(struct globs **globs)
{
    struct globs *gs = *globs;

    if (gs == NULL)
        return;
    for (size_t i = 0; i < gs->n; i++)
        free(gs->g[i].p);
    free(gs);
    *globs = NULL;
}

size_t globs_count(const struct globs *globs)
{
    return globs->n;
}

const char *globs_at(const struct globs *globs, size_t i)
{
    return globs->g[i].p;
}

void globs_key(const char *s, struct globs_key *key_r)
{
    unsigned char k[16] = {0};

    key_r->s = s;
    key_r->len = strlen(s);
    memcpy(k, s, key_r->len < sizeof k ? key_r->len : sizeof k);
    memcpy(key_r->k, k, sizeof k);
}

bool globs_match(const struct globs *globs, const struct globs_key *key)
{
    for (size_t i = 0; i < globs->n; i++) {
        const struct glob *g = &globs->g[i];
        if (g->star ? globs_glob(g->p, key->s)
                    : (key->len == g->len && (key->k[0] & g->m[0]) == g->v[0] &&
                       (key->k[1] & g->m[1]) == g->v[1]))
            return true;
    }
    return false;
}

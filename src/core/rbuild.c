/*
 * rbuild.c - adding recipients and fields to a struct report (see rbuild.h).
 */
#include "core/rbuild.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/addrscan.h"

#define RBUILD_BLOCK 1000 /* bytes malloc'd for a block of strings */
#define RBUILD_INDEX_FROM 16 /* recipients from which lookups use an index */

struct rbuild_block {
    struct rbuild_block *next;
    size_t used, cap;
    bool own; /* malloc()ed here (else room made with the report) */
    char data[];
};

void rbuild_room(struct rbuild *b, struct report_rcpt *room, size_t nroom,
                 void *mem, size_t size)
{
    struct rbuild_block *k = mem;

    b->r->rcpts = b->r->rcpts_room = room;
    b->cap = nroom;
    if (size <= sizeof *k)
        return;
    k->next = b->r->blocks;
    k->used = 0;
    k->cap = size - sizeof *k;
    k->own = false;
    b->r->blocks = k;
}

/* rbuild_alloc() when the head block has no room for n bytes: a new head
 * block or, for more than a quarter block, a block of their own put
 * behind the head. */
__attribute__((noinline)) static char *rbuild_alloc_block(struct rbuild *b,
                                                          size_t n)
{
    struct rbuild_block *h = b->r->blocks, *nb;
    size_t cap = n > RBUILD_BLOCK / 4 ? n : RBUILD_BLOCK - sizeof *nb;

    if ((nb = malloc(sizeof *nb + cap)) == NULL) { /* @UNSAFE: n <= len */
        b->oom = true;
        return NULL;
    }
    nb->cap = cap;
    nb->used = n;
    nb->own = true;
    if (cap == n && h != NULL) {
        nb->next = h->next;
        h->next = nb;
    } else {
        nb->next = h;
        b->r->blocks = nb;
    }
    return nb->data;
}

/* n bytes for a string of b's report: from the head block when they fit
 * (inline: the usual case), otherwise from a new block. */
static inline char *rbuild_alloc(struct rbuild *b, size_t n)
{
    struct rbuild_block *h = b->r->blocks;

    if (h != NULL && h->cap - h->used >= n) {
        h->used += n;
        return h->data + h->used - n;
    }
    return rbuild_alloc_block(b, n);
}

void rbuild_release(struct rbuild_block **blocks)
{
    struct rbuild_block *k = *blocks, *next;

    for (; k != NULL; k = next) {
        next = k->next;
        if (k->own)
            free(k);
    }
    *blocks = NULL;
}

void rbuild_drop(struct rbuild *b, char **field)
{
    (void)b; /* its bytes stay in the blocks until they are released */
    *field = NULL;
}

/* FNV-1a of s, ASCII case folded: equal for addresses strcasecmp() finds
 * equal, so that a lookup in the index compares strings only when keys
 * agree. */
static unsigned rbuild_key(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        h = (h ^ (ch >= 'A' && ch <= 'Z' ? ch + 32u : ch)) * 16777619u;
    }
    return h;
}

/* The entry for norm, or NULL.  Without an index, the entries are read in
 * turn (a report has few: no key is computed); with one, its slots from
 * norm's key on, up to an empty one.  A slot may be stale (an entry
 * dropped when a report cut its recipients, its place perhaps taken
 * again): the entry it names is compared like any other. */
struct report_rcpt *rbuild_lookup(struct rbuild *b, const char *norm)
{
    struct report_rcpt *rcpts = b->r->rcpts;
    size_t n = b->r->nrcpts;

    if (b->nindex == 0) {
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(rcpts[i].recipient, norm) == 0)
                return &rcpts[i];
        return NULL;
    }
    unsigned key = rbuild_key(norm);
    for (size_t s = key & (b->nindex - 1);; s = (s + 1) & (b->nindex - 1)) {
        unsigned e = b->index[s];
        if (e == 0)
            return NULL;
        if (e <= n && rcpts[e - 1].key == key &&
            strcasecmp(rcpts[e - 1].recipient, norm) == 0)
            return &rcpts[e - 1];
    }
}

/* Puts entry i (0-based) into the index, which has a free slot; its key
 * is set on the way. */
static void rbuild_index_put(struct rbuild *b, size_t i)
{
    struct report_rcpt *rc = &b->r->rcpts[i];
    size_t s = (rc->key = rbuild_key(rc->recipient)) & (b->nindex - 1);

    while (b->index[s] != 0)
        s = (s + 1) & (b->nindex - 1);
    b->index[s] = (unsigned)i + 1;
    b->nused++;
}

/* Indexes the entry just added, once there are RBUILD_INDEX_FROM: a new
 * index, four slots an entry, when the one in use is half full.  Its
 * bytes go with the report's strings. */
static bool rbuild_index_add(struct rbuild *b)
{
    size_t n = b->r->nrcpts;

    if (b->nindex == 0 && n < RBUILD_INDEX_FROM)
        return true;
    if (b->nindex == 0 || 2 * (b->nused + 1) > b->nindex) {
        size_t slots = 64;
        while (slots < 4 * n)
            slots *= 2;
        char *mem =
            rbuild_alloc(b, slots * sizeof *b->index + _Alignof(unsigned) - 1);
        if (mem == NULL)
            return false;
        uintptr_t a = ((uintptr_t)mem + _Alignof(unsigned) - 1) &
                      ~(uintptr_t)(_Alignof(unsigned) - 1);
        b->index = (unsigned *)a;
        b->nindex = slots;
        b->nused = 0;
        memset(b->index, 0, slots * sizeof *b->index);
        for (size_t i = 0; i + 1 < n; i++)
            rbuild_index_put(b, i);
    }
    rbuild_index_put(b, n - 1);
    return true;
}

static bool rbuild_grow(struct rbuild *b)
{
    size_t ncap = b->cap == 0 ? 4 : b->cap * 2;
    struct report_rcpt *n;

    if (ncap > b->lim->max_recipients)
        ncap = b->lim->max_recipients;
    if (b->r->rcpts != NULL && b->r->rcpts == b->r->rcpts_room) {
        /* out of the room made with the report: moved, not realloc()ed */
        n = malloc(ncap * sizeof *n); /* @UNSAFE: ncap <= max_recipients */
        if (n != NULL)
            memcpy(n, b->r->rcpts, b->r->nrcpts * sizeof *n);
    } else {
        n = realloc(b->r->rcpts, ncap * sizeof *n);
    }
    if (n == NULL) {
        b->oom = true;
        return false;
    }
    b->r->rcpts = n;
    b->cap = ncap;
    return true;
}

/* The entry for the normalised address norm[0..n), new or existing. */
static struct report_rcpt *rbuild_add(struct rbuild *b, const char *norm,
                                      size_t n, bool *is_new_r)
{
    struct report_rcpt *rc;

    if ((rc = rbuild_lookup(b, norm)) != NULL)
        return rc;
    if (b->r->nrcpts >= b->lim->max_recipients) {
        b->r->errors |= REPORT_ERR_RECIPIENTS;
        return NULL;
    }
    if (b->r->nrcpts == b->cap && !rbuild_grow(b))
        return NULL;
    rc = &b->r->rcpts[b->r->nrcpts];
    memset(rc, 0, sizeof *rc);
    if ((rc->recipient = rbuild_alloc(b, n + 1)) == NULL)
        return NULL;
    memcpy(rc->recipient, norm, n + 1);
    b->r->nrcpts++;
    if (!rbuild_index_add(b))
        return NULL;
    if (is_new_r != NULL)
        *is_new_r = true;
    return rc;
}

/* "Dave <dave@example.org>": the address in the brackets, normalised into
 * norm, when a name (or anything) comes before them; a whole field
 * normalised would run the name into the address. */
static bool rbuild_bracketed(const char *addr, size_t len, char *norm,
                             size_t cap)
{
    const char *lt = memchr(addr, '<', len), *gt;

    if (lt == NULL || lt == addr)
        return false;
    gt = memchr(lt, '>', (size_t)(addr + len - lt));
    return gt != NULL && addrscan_normalize(lt + 1, (size_t)(gt - lt - 1),
                                            norm, cap);
}

struct report_rcpt *rbuild_rcpt(struct rbuild *b, const char *addr,
                                size_t len, bool *is_new_r)
{
    char norm[ADDRSCAN_MAX];

    if (is_new_r != NULL)
        *is_new_r = false;
    if (rbuild_bracketed(addr, len, norm, sizeof norm))
        return rbuild_add(b, norm, strlen(norm), is_new_r);
    if (!addrscan_normalize(addr, len, norm, sizeof norm)) {
        /* "|/usr/bin/prog user@example.com": the address inside */
        size_t pos = 0, s, l;
        if (!addrscan_next(addr, len, &pos, &s, &l) ||
            !addrscan_normalize(addr + s, l, norm, sizeof norm))
            return NULL;
    }
    return rbuild_add(b, norm, strlen(norm), is_new_r);
}

struct report_rcpt *rbuild_rcpt_norm(struct rbuild *b, const char *norm,
                                     bool *is_new_r)
{
    size_t n = strlen(norm);

    if (n >= ADDRSCAN_MAX || !addrscan_stable(norm, n))
        return rbuild_rcpt(b, norm, n, is_new_r);
    if (is_new_r != NULL)
        *is_new_r = false;
    return rbuild_add(b, norm, n, is_new_r);
}

/* Bytes dropped from the end of a string (NUL among them). */
static bool rbuild_trailing(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* The copy of rbuild_str(); nul: s may hold NULs, to be blanked. */
static void rbuild_copy(struct rbuild *b, char **field, const char *s,
                        size_t len, bool nul)
{
    if (*field != NULL || s == NULL)
        return;
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, len--;
    while (len > 0 && rbuild_trailing(s[len - 1]))
        len--;
    if (len == 0)
        return;
    if ((*field = rbuild_alloc(b, len + 1)) == NULL)
        return;
    char *f = *field, *z = f;
    memcpy(f, s, len);
    f[len] = '\0';
    /* NUL bytes would cut the string */
    while (nul && (z = memchr(z, '\0', (size_t)(f + len - z))) != NULL)
        *z++ = ' ';
}

void rbuild_str(struct rbuild *b, char **field, const char *s, size_t len)
{
    rbuild_copy(b, field, s, len, true);
}

void rbuild_str_nonul(struct rbuild *b, char **field, const char *s,
                      size_t len)
{
    rbuild_copy(b, field, s, len, false);
}

static bool rbuild_status_ok(const char *s)
{
    size_t i = 0, parts = 1, digits = 0;

    if (s[0] != '2' && s[0] != '4' && s[0] != '5')
        return false;
    for (i = 1; s[i] != '\0'; i++) {
        if (s[i] == '.') {
            if (i > 0 && s[i - 1] == '.')
                return false;
            parts++;
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 3)
                return false;
        } else {
            return false;
        }
    }
    return parts == 3 && s[i - 1] != '.' && s[1] == '.';
}

void rbuild_codes(struct report_rcpt *rc, const char *status, int code)
{
    if (rc->status[0] == '\0' && status != NULL && rbuild_status_ok(status) &&
        strlen(status) < sizeof rc->status)
        strcpy(rc->status, status);
    if (rc->reply_code == 0 && code >= 200 && code <= 599)
        rc->reply_code = code;
}

/*
 * prefilter.c - see prefilter.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/prefilter.h"

#define PREFILTER_SPLIT_MIN 64 /* texts shorter are read by one scan */
#define PREFILTER_LEAD 16      /* bytes the second scan reads before mid */
#define PREFILTER_SPLIT4_MIN 192 /* texts read in four quarters at once */
#define PREFILTER_NARROW 65536   /* fewer states: a table of uint16_t */
#define PREFILTER_DEPTH_MIN 6    /* bytes of a literal the automaton reads */
#define PREFILTER_SHARE 8        /* literals it may leave alike */

/* A literal (lower case), its clause and its word boundaries; the
 * automaton reads its first plen bytes (ac_depths()), the rest from
 * check on is compared where those end (all of it when they hold a byte
 * from 0x80 on, which the automaton reads by its low four bits only). */
struct literal {
    char *text;
    size_t len, plen, check;
    size_t clause;
    uint16_t bpos[PREFILTER_BOUNDS];
    size_t nb;
    /* by ac_trie(): the literal first added of those alike (same text,
     * same boundaries) stands for them all, their clauses being
     * clauses[cfirst .. cfirst + ncl) */
    size_t cfirst, ncl;
};

/* What a state reports: the first plen bytes of a literal of len bytes
 * (text, lower case) end here; its bytes from check on are still to be
 * compared with the text there.  Found, it marks clauses[cfirst .. cfirst
 * + ncl) (struct literal). */
struct target {
    uint32_t cfirst, ncl;
    uint32_t len, plen, check;
    uint16_t bpos[PREFILTER_BOUNDS];
    uint32_t nb;
    const char *text;
};

struct prefilter {
    struct literal *lits;
    size_t nlits, alloc;
    size_t words; /* of the marked bit set */
    /* the automaton.  With fewer than 65,536 states (PREFILTER_NARROW),
     * state s (its number) goes on byte b to delta16[s * ncls + cls[b]],
     * two bytes an entry; else state s (its number times ncls) goes to
     * delta[s + cls[b]].  States from out_from (out_first times ncls, or
     * not) on have targets, those of state number k + out_first being
     * tgt[out_start[k] .. out_start[k + 1]) */
    unsigned char cls[256];
    size_t ncls, nstates;
    uint32_t *delta;
    uint16_t *delta16;
    uint32_t out_from, out_first;
    size_t *out_start;
    struct target *tgt;
    uint32_t *clauses;
};

struct prefilter *prefilter_new(void)
{
    struct prefilter *pf = calloc(1, sizeof *pf);

    if (pf != NULL)
        pf->words = 1;
    return pf;
}

void prefilter_free(struct prefilter **pfp)
{
    struct prefilter *pf = *pfp;

    if (pf == NULL)
        return;
    for (size_t i = 0; i < pf->nlits; i++)
        free(pf->lits[i].text);
    free(pf->lits);
    free(pf->delta);
    free(pf->delta16);
    free(pf->out_start);
    free(pf->tgt);
    free(pf->clauses);
    free(pf);
    *pfp = NULL;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

int prefilter_add(struct prefilter *pf, size_t clause, const char *s,
                  size_t len, const uint16_t *bpos, size_t nb)
{
    if (len == 0 || len > UINT32_MAX || clause >= UINT32_MAX ||
        nb > PREFILTER_BOUNDS)
        return -1;
    if (pf->nlits == pf->alloc) {
        size_t na = pf->alloc ? pf->alloc * 2 : 64;
        struct literal *p = realloc(pf->lits, na * sizeof *p);
        if (p == NULL)
            return -1;
        pf->lits = p;
        pf->alloc = na;
    }
    char *t = malloc(len + 1);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < len; i++)
        t[i] = lower(s[i]);
    t[len] = '\0';
    struct literal *l = &pf->lits[pf->nlits++];
    *l = (struct literal){.text = t, .len = len, .clause = clause, .nb = nb};
    if (nb > 0)
        memcpy(l->bpos, bpos, nb * sizeof *bpos);
    if (clause / 64 + 1 > pf->words)
        pf->words = clause / 64 + 1;
    return 0;
}

size_t prefilter_states(const struct prefilter *pf)
{
    return pf->delta != NULL || pf->delta16 != NULL ? pf->nstates : 0;
}

size_t prefilter_words(const struct prefilter *pf)
{
    return pf->words;
}

size_t prefilter_literals(const struct prefilter *pf)
{
    return pf->nlits;
}

size_t prefilter_table_bytes(const struct prefilter *pf)
{
    if (pf->delta16 != NULL)
        return pf->nstates * pf->ncls * sizeof *pf->delta16;
    if (pf->delta != NULL)
        return pf->nstates * pf->ncls * sizeof *pf->delta;
    return 0;
}

/* ------------------------------------------------------------ building */

/* A byte of a literal as the automaton reads it: from 0x80 on, by its
 * low four bits alone (literals in UTF-8 would need a class for each of
 * scores of bytes, and a table that many times wider). */
static unsigned char ac_key_byte(unsigned char c)
{
    return c >= 0x80 ? (unsigned char)(0x80 | (c & 15)) : c;
}

/* Byte classes: one per byte the automaton reads of some literal (an
 * upper-case letter in the class of its lower case, a byte from 0x80 on in
 * that of the bytes with its low four bits), class 0 for all others. */
static void ac_classes(struct prefilter *pf)
{
    unsigned char key_cls[256] = {0};

    pf->ncls = 1;
    for (size_t i = 0; i < pf->nlits; i++)
        for (size_t k = 0; k < pf->lits[i].plen; k++) {
            unsigned char c = ac_key_byte((unsigned char)pf->lits[i].text[k]);
            if (key_cls[c] == 0)
                key_cls[c] = (unsigned char)pf->ncls++;
        }
    for (unsigned c = 0; c < 256; c++) {
        unsigned lc = c >= 'A' && c <= 'Z' ? c + 32 : c;
        pf->cls[c] = key_cls[ac_key_byte((unsigned char)lc)];
    }
}

/* A literal as the trie reads it: its bytes' classes (or key bytes). */
struct class_key {
    const unsigned char *k;
    size_t len, lit;
};

static int class_key_cmp(const void *a, const void *b)
{
    const struct class_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->k, y->k, n);

    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* The literals, sorted, into keys[] (their bytes in buf[]): each whole,
 * as its key bytes (ac_key_byte()), or, when as_read, its start (its
 * first plen bytes) as the classes the automaton reads. */
static void ac_sorted_keys(const struct prefilter *pf, struct class_key *keys,
                           unsigned char *buf, bool as_read)
{
    for (size_t i = 0, at = 0; i < pf->nlits; i++) {
        const struct literal *l = &pf->lits[i];
        keys[i].k = buf + at;
        keys[i].len = as_read ? l->plen : l->len;
        keys[i].lit = i;
        for (size_t k = 0; k < keys[i].len; k++) {
            unsigned char c = (unsigned char)l->text[k];
            buf[at++] = as_read ? pf->cls[c] : ac_key_byte(c);
        }
    }
    qsort(keys, pf->nlits, sizeof *keys, class_key_cmp);
}

static size_t common_prefix(const struct class_key *x,
                            const struct class_key *y)
{
    size_t n = 0;

    while (n < x->len && n < y->len && x->k[n] == y->k[n])
        n++;
    return n;
}

/* How much of each literal the automaton reads (plen), and from where the
 * rest is compared (check): a literal's first PREFILTER_DEPTH_MIN bytes,
 * and more while more than PREFILTER_SHARE literals start alike (so
 * that a place in the text where the automaton stops has few literals to
 * compare), all of it at most.  Literals that start alike are neighbours
 * once sorted: more than SHARE share the first p bytes of literal j when
 * a run of SHARE + 1 neighbours that holds j does.  The automaton needs
 * states for those bytes only: a short literal or the start of a long one
 * is a path of the trie, the rest of a long one is not.  -1 when memory
 * runs out. */
static int ac_depths(struct prefilter *pf)
{
    size_t n = pf->nlits, total = 0;

    for (size_t i = 0; i < n; i++)
        total += pf->lits[i].len;
    struct class_key *keys = malloc((n ? n : 1) * sizeof *keys);
    size_t *lcp = malloc((n ? n : 1) * sizeof *lcp);
    unsigned char *buf = malloc(total ? total : 1);
    if (keys == NULL || lcp == NULL || buf == NULL) {
        free(keys);
        free(lcp);
        free(buf);
        return -1;
    }
    ac_sorted_keys(pf, keys, buf, false);
    for (size_t j = 1; j < n; j++) /* lcp[j]: of keys j - 1 and j */
        lcp[j] = common_prefix(&keys[j - 1], &keys[j]);
    for (size_t j = 0; j < n; j++) {
        size_t need = PREFILTER_DEPTH_MIN;
        /* each run [a, a + SHARE] that holds j */
        for (size_t a = j >= PREFILTER_SHARE ? j - PREFILTER_SHARE : 0;
             a <= j && a + PREFILTER_SHARE < n; a++) {
            size_t m = SIZE_MAX;
            for (size_t q = a + 1; q <= a + PREFILTER_SHARE; q++)
                m = lcp[q] < m ? lcp[q] : m;
            need = m + 1 > need ? m + 1 : need;
        }
        struct literal *l = &pf->lits[keys[j].lit];
        l->plen = need < l->len ? need : l->len;
        l->check = l->plen;
        for (size_t k = 0; k < l->plen; k++)
            if ((unsigned char)l->text[k] >= 0x80)
                l->check = 0;
    }
    free(keys);
    free(lcp);
    free(buf);
    return 0;
}

/* The states of the trie of the literals' starts (its root and one per
 * distinct prefix, cases folded), counted before it is built: the starts
 * as class strings, sorted, each adding the bytes past its longest
 * common prefix with the one before.  0 when memory runs out. */
static size_t ac_count_states(const struct prefilter *pf)
{
    size_t total = 0, n = 1;

    for (size_t i = 0; i < pf->nlits; i++)
        total += pf->lits[i].plen;
    struct class_key *keys = malloc((pf->nlits ? pf->nlits : 1) * sizeof *keys);
    unsigned char *buf = malloc(total ? total : 1);
    if (keys == NULL || buf == NULL) {
        free(keys);
        free(buf);
        return 0;
    }
    ac_sorted_keys(pf, keys, buf, true);
    for (size_t i = 0; i < pf->nlits; i++)
        n += keys[i].len - (i > 0 ? common_prefix(&keys[i - 1], &keys[i]) : 0);
    free(keys);
    free(buf);
    return n;
}

/* Work space of the build, states numbered in creation order.  The trie
 * becomes the final table in place (ac_table()), so that the build needs
 * no second copy of it: two bytes an entry when the states, counted first
 * (ac_count_states()), are fewer than 65,536, else four. */
struct build {
    void *trie;       /* max * ncls entries: the trie, the automaton, the
                         final table */
    bool wide;        /* its entries are uint32_t, else uint16_t */
    size_t *fail;     /* failure state */
    size_t *queue;    /* breadth-first order */
    size_t *own_head; /* first literal ending at a state, or SIZE_MAX */
    size_t *own_next; /* per literal: the next one ending at its state (of
                         those that stand for others: struct literal) */
    size_t *nout;     /* targets of a state, its failure states' included */
    size_t *newid;
};

static size_t tget(const struct build *b, size_t e)
{
    return b->wide ? ((const uint32_t *)b->trie)[e]
                   : ((const uint16_t *)b->trie)[e];
}

static void tset(struct build *b, size_t e, size_t v)
{
    if (b->wide)
        ((uint32_t *)b->trie)[e] = (uint32_t)v;
    else
        ((uint16_t *)b->trie)[e] = (uint16_t)v;
}

/* Are literals a and b alike but for their clause? */
static bool literals_alike(const struct literal *a, const struct literal *b)
{
    return a->len == b->len && a->nb == b->nb &&
           memcmp(a->text, b->text, a->len) == 0 &&
           memcmp(a->bpos, b->bpos, a->nb * sizeof *a->bpos) == 0;
}

/* Literal i ends at state s: it joins the literal alike there that
 * stands for others, or becomes one.  The literals one stands for are
 * chained in stand[], apart from the chain of a state's (own_next[]). */
static void ac_own(struct prefilter *pf, struct build *b, size_t s, size_t i,
                   size_t *stand)
{
    for (size_t j = b->own_head[s]; j != SIZE_MAX; j = b->own_next[j])
        if (literals_alike(&pf->lits[j], &pf->lits[i])) {
            stand[i] = stand[j];
            stand[j] = i;
            pf->lits[j].ncl++;
            return;
        }
    b->own_next[i] = b->own_head[s];
    b->own_head[s] = i;
    b->nout[s]++;
    pf->lits[i].ncl = 1;
}

/* The trie of the literals' starts; the clauses of the literals that
 * stand for others, listed together.  -1 when memory runs out. */
static int ac_trie(struct prefilter *pf, struct build *b)
{
    size_t *stand = malloc((pf->nlits ? pf->nlits : 1) * sizeof *stand);
    uint32_t *cl = malloc((pf->nlits ? pf->nlits : 1) * sizeof *cl);

    if (stand == NULL || cl == NULL) {
        free(stand);
        free(cl);
        return -1;
    }
    pf->nstates = 1;
    for (size_t i = 0; i < pf->nlits; i++) {
        size_t s = 0;
        for (size_t k = 0; k < pf->lits[i].plen; k++) {
            size_t e =
                s * pf->ncls + pf->cls[(unsigned char)pf->lits[i].text[k]];
            if (tget(b, e) == 0)
                tset(b, e, pf->nstates++);
            s = tget(b, e);
        }
        stand[i] = SIZE_MAX;
        pf->lits[i].ncl = 0;
        ac_own(pf, b, s, i, stand);
    }
    for (size_t i = 0, n = 0; i < pf->nlits; i++) {
        if (pf->lits[i].ncl == 0)
            continue; /* stood for by another */
        pf->lits[i].cfirst = n;
        cl[n++] = (uint32_t)pf->lits[i].clause;
        for (size_t j = stand[i]; j != SIZE_MAX; j = stand[j])
            cl[n++] = (uint32_t)pf->lits[j].clause;
    }
    free(stand);
    pf->clauses = cl;
    return 0;
}

/* Failure links in breadth-first order, the missing edges filled from
 * them, the targets counted (a state's own and its failure state's). */
static void ac_links(struct prefilter *pf, struct build *b)
{
    size_t qh = 0, qt = 0;

    b->queue[qt++] = 0;
    b->fail[0] = 0;
    while (qh < qt) {
        size_t s = b->queue[qh++];
        if (s != 0)
            b->nout[s] += b->nout[b->fail[s]];
        for (size_t c = 0; c < pf->ncls; c++) {
            size_t e = s * pf->ncls + c, to = tget(b, e);
            size_t f = s == 0 ? 0 : tget(b, b->fail[s] * pf->ncls + c);
            if (to != 0) { /* a trie edge */
                b->fail[to] = f;
                b->queue[qt++] = to;
            } else {
                tset(b, e, f);
            }
        }
    }
}

/* Moves row s of the table (ncls entries) to row newid[s], for every s,
 * in place: each cycle of the permutation is followed with one row held
 * aside (row, ncls entries).  done[] (nstates flags, zeroed) marks the
 * rows placed. */
static void ac_permute(struct prefilter *pf, struct build *b, void *row,
                       bool *done)
{
    size_t w = b->wide ? sizeof(uint32_t) : sizeof(uint16_t);
    size_t rl = pf->ncls * w;
    char *t = b->trie;

    for (size_t s = 0; s < pf->nstates; s++) {
        if (done[s])
            continue;
        memcpy(row, t + s * rl, rl); /* row of state s, to place */
        for (size_t at = s; !done[at];) {
            size_t to = b->newid[at];
            done[at] = true;
            if (to == s) {
                memcpy(t + to * rl, row, rl);
                break;
            }
            /* the row of the state placed at 'to' goes aside for its own
             * place; old state 'to' is placed next */
            char tmp[256 * sizeof(uint32_t)];
            memcpy(tmp, t + to * rl, rl);
            memcpy(t + to * rl, row, rl);
            memcpy(row, tmp, rl);
            at = to;
        }
    }
}

/* The automaton of the trie's states renumbered (newid[]) as the final
 * table: its entries translated, its rows moved (ac_permute()), the
 * entries of a table of four bytes an entry premultiplied by ncls, or
 * narrowed to two bytes when there are few states after all (the states
 * could not be counted first, for lack of memory). */
static int ac_table(struct prefilter *pf, struct build *b)
{
    size_t n = pf->nstates * pf->ncls;
    void *row = malloc(pf->ncls * sizeof(uint32_t));
    bool *done = calloc(pf->nstates, sizeof *done);

    if (row == NULL || done == NULL) {
        free(row);
        free(done);
        return -1;
    }
    for (size_t e = 0; e < n; e++)
        tset(b, e, b->newid[tget(b, e)]);
    ac_permute(pf, b, row, done);
    free(row);
    free(done);
    if (b->wide && pf->nstates < PREFILTER_NARROW) {
        const uint32_t *from = b->trie;
        uint16_t *to = b->trie;
        for (size_t e = 0; e < n; e++) /* to[e] ends before from[e] */
            to[e] = (uint16_t)from[e];
        b->wide = false;
    }
    if (b->wide) {
        uint32_t *d = b->trie;
        for (size_t e = 0; e < n; e++)
            d[e] *= (uint32_t)pf->ncls;
        pf->out_from = (uint32_t)(pf->out_first * pf->ncls);
    }
    size_t bytes = n * (b->wide ? sizeof(uint32_t) : sizeof(uint16_t));
    void *t = realloc(b->trie, bytes); /* the rows no state reached */
    if (t == NULL)
        t = b->trie;
    if (b->wide)
        pf->delta = t;
    else
        pf->delta16 = t;
    b->trie = NULL;
    return 0;
}

/* New numbers: the states without targets first (the start stays 0), then
 * those with; the final table (ac_table()). */
static int ac_number(struct prefilter *pf, struct build *b)
{
    size_t n = 0, total = 0;

    for (size_t s = 0; s < pf->nstates; s++)
        if (b->nout[s] == 0)
            b->newid[s] = n++;
    pf->out_first = pf->out_from = (uint32_t)n;
    for (size_t s = 0; s < pf->nstates; s++)
        if (b->nout[s] != 0) {
            b->newid[s] = n++;
            total += b->nout[s];
        }
    pf->out_start =
        calloc(pf->nstates - pf->out_first + 1, sizeof *pf->out_start);
    pf->tgt = malloc((total ? total : 1) * sizeof *pf->tgt);
    if (pf->out_start == NULL || pf->tgt == NULL)
        return -1;
    return 0;
}

/* The targets of each state with some: its own literals', then its
 * failure states'. */
static void ac_targets(struct prefilter *pf, struct build *b)
{
    for (size_t s = 0; s < pf->nstates; s++)
        if (b->nout[s] != 0)
            pf->out_start[b->newid[s] - pf->out_first + 1] = b->nout[s];
    for (size_t k = 0; k < pf->nstates - pf->out_first; k++)
        pf->out_start[k + 1] += pf->out_start[k];
    for (size_t s = 0; s < pf->nstates; s++) {
        if (b->nout[s] == 0)
            continue;
        size_t o = pf->out_start[b->newid[s] - pf->out_first];
        for (size_t t = s; t != 0; t = b->fail[t])
            for (size_t i = b->own_head[t]; i != SIZE_MAX; i = b->own_next[i]) {
                const struct literal *l = &pf->lits[i];
                struct target *g = &pf->tgt[o++];
                g->cfirst = (uint32_t)l->cfirst;
                g->ncl = (uint32_t)l->ncl;
                g->len = (uint32_t)l->len;
                g->plen = (uint32_t)l->plen;
                g->check = (uint32_t)l->check;
                g->text = l->text;
                g->nb = (uint32_t)l->nb;
                memcpy(g->bpos, l->bpos, sizeof g->bpos);
            }
    }
}

int prefilter_finish(struct prefilter *pf)
{
    size_t max = 1;
    struct build b = {0};
    int rc = -1;

    free(pf->delta);
    free(pf->delta16);
    free(pf->out_start);
    free(pf->tgt);
    free(pf->clauses);
    pf->delta = NULL;
    pf->delta16 = NULL;
    pf->out_start = NULL;
    pf->tgt = NULL;
    pf->clauses = NULL;
    if (ac_depths(pf) < 0)
        return -1;
    for (size_t i = 0; i < pf->nlits; i++)
        max += pf->lits[i].plen;
    ac_classes(pf);
    if (max > UINT32_MAX / pf->ncls)
        return -1;
    size_t exact = ac_count_states(pf); /* at most max */
    if (exact != 0)
        max = exact;
    b.wide = max >= PREFILTER_NARROW;
    b.trie = calloc(max * pf->ncls, b.wide ? sizeof(uint32_t)
                                           : sizeof(uint16_t));
    b.fail = malloc(6 * max * sizeof *b.fail);
    b.own_next = malloc((pf->nlits ? pf->nlits : 1) * sizeof *b.own_next);
    if (b.trie != NULL && b.fail != NULL && b.own_next != NULL) {
        b.queue = b.fail + max;
        b.own_head = b.queue + max;
        b.nout = b.own_head + max;
        b.newid = b.nout + max;
        memset(b.nout, 0, max * sizeof *b.nout);
        for (size_t s = 0; s < max; s++)
            b.own_head[s] = SIZE_MAX;
        rc = ac_trie(pf, &b);
        if (rc == 0)
            ac_links(pf, &b);
        if (rc == 0)
            rc = ac_number(pf, &b);
        if (rc == 0)
            ac_targets(pf, &b);
        if (rc == 0)
            rc = ac_table(pf, &b);
    }
    free(b.trie);
    free(b.fail);
    free(b.own_next);
    return rc;
}

/* ------------------------------------------------------------ scanning */

static bool is_word(const unsigned char *t, size_t len, size_t i)
{
    if (i >= len)
        return false;
    unsigned char c = t[i];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Does a word boundary hold at each of g's offsets for the occurrence
 * starting at t[at]? */
static bool bounds_ok(const struct target *g, const unsigned char *t,
                      size_t len, size_t at)
{
    for (uint32_t k = 0; k < g->nb; k++) {
        size_t p = at + g->bpos[k];
        bool before = p > 0 && is_word(t, len, p - 1);
        if (before == is_word(t, len, p))
            return false;
    }
    return true;
}

/* Does g's literal, lower case, start at t[at] (len bytes in all), ASCII
 * case ignored?  Its bytes before g->check are known to. */
static bool literal_at(const struct target *g, const unsigned char *t,
                       size_t len, size_t at)
{
    if (len - at < g->len)
        return false;
    for (uint32_t k = g->check; k < g->len; k++) {
        unsigned char c = t[at + k];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)g->text[k])
            return false;
    }
    return true;
}

/* Marks the clauses of the literals whose bytes the automaton reads end
 * at t[i] (state s), and are found whole there; out of the scan's loop,
 * which stays small. */
__attribute__((noinline)) static void scan_out(const struct prefilter *pf,
                                               size_t s, const unsigned char *t,
                                               size_t i, size_t len,
                                               uint64_t *marked)
{
    size_t k = (pf->delta16 != NULL ? s : s / pf->ncls) - pf->out_first;

    for (size_t o = pf->out_start[k]; o < pf->out_start[k + 1]; o++) {
        const struct target *g = &pf->tgt[o];
        size_t at = i + 1 - g->plen;
        if (g->check < g->len && !literal_at(g, t, len, at))
            continue;
        if (g->nb != 0 && !bounds_ok(g, t, len, at))
            continue;
        for (uint32_t q = g->cfirst; q < g->cfirst + g->ncl; q++) {
            uint32_t c = pf->clauses[q];
            marked[c / 64] |= UINT64_C(1) << (c % 64);
        }
    }
}

/* What a scan reads of the automaton, kept in registers.  The scanning
 * functions are inlined into one copy for each kind of table (narrow: a
 * constant there), so that a step is one load, or a multiply and a load,
 * and no test of the kind. */
struct view {
    const unsigned char *cls;
    const uint32_t *delta;
    const uint16_t *delta16;
    size_t ncls, from;
};

#define SCAN_INLINE static inline __attribute__((always_inline))

/* The state after state s on byte c. */
SCAN_INLINE size_t step(const struct view *v, bool narrow, size_t s,
                        unsigned char c)
{
    return narrow ? v->delta16[s * v->ncls + v->cls[c]]
                  : v->delta[s + v->cls[c]];
}

/* The scan of t[i..end) (of a text of len bytes) from state s: the
 * literals ending there marked, the state at end returned.  Four steps,
 * then one test of the highest state they went through (literals end in
 * few places: their states are rarely met). */
SCAN_INLINE size_t scan_run(const struct prefilter *pf, const struct view *v,
                            bool narrow, const unsigned char *t, size_t i,
                            size_t end, size_t len, size_t s, uint64_t *marked)
{
    const size_t from = v->from;

    for (; i + 4 <= end; i += 4) {
        size_t s1 = step(v, narrow, s, t[i]);
        size_t s2 = step(v, narrow, s1, t[i + 1]);
        size_t s3 = step(v, narrow, s2, t[i + 2]);
        size_t s4 = step(v, narrow, s3, t[i + 3]);
        size_t hi = s1 > s2 ? s1 : s2;
        hi = hi > s3 ? hi : s3;
        if ((hi > s4 ? hi : s4) >= from) {
            if (s1 >= from)
                scan_out(pf, s1, t, i, len, marked);
            if (s2 >= from)
                scan_out(pf, s2, t, i + 1, len, marked);
            if (s3 >= from)
                scan_out(pf, s3, t, i + 2, len, marked);
            if (s4 >= from)
                scan_out(pf, s4, t, i + 3, len, marked);
        }
        s = s4;
    }
    for (; i < end; i++) {
        s = step(v, narrow, s, t[i]);
        if (s >= from)
            scan_out(pf, s, t, i, len, marked);
    }
    return s;
}

/* n steps of two scans side by side, one from t[*ia] (state *sa), one
 * from t[*ib] (state *sb): two chains of loads that do not wait on each
 * other. */
SCAN_INLINE void scan_two(const struct prefilter *pf, const struct view *v,
                          bool narrow, const unsigned char *t, size_t n,
                          size_t len, size_t *ia, size_t *sa, size_t *ib,
                          size_t *sb, uint64_t *marked)
{
    size_t from = v->from, a = *sa, b = *sb, i = *ia, j = *ib;

    for (size_t k = 0; k < n; k++, i++, j++) {
        a = step(v, narrow, a, t[i]);
        b = step(v, narrow, b, t[j]);
        if (a >= from)
            scan_out(pf, a, t, i, len, marked);
        if (b >= from)
            scan_out(pf, b, t, j, len, marked);
    }
    *sa = a;
    *sb = b;
    *ia = i;
    *ib = j;
}

/* n steps of four scans side by side (st[k] from t[at[k]]). */
SCAN_INLINE void scan_four(const struct prefilter *pf, const struct view *v,
                           bool narrow, const unsigned char *t, size_t n,
                           size_t len, size_t at[4], size_t st[4],
                           uint64_t *marked)
{
    size_t from = v->from;
    size_t a = st[0], b = st[1], c = st[2], d = st[3];
    size_t i = at[0], j = at[1], k = at[2], l = at[3];

    for (size_t q = 0; q < n; q++, i++, j++, k++, l++) {
        a = step(v, narrow, a, t[i]);
        b = step(v, narrow, b, t[j]);
        c = step(v, narrow, c, t[k]);
        d = step(v, narrow, d, t[l]);
        if (a >= from)
            scan_out(pf, a, t, i, len, marked);
        if (b >= from)
            scan_out(pf, b, t, j, len, marked);
        if (c >= from)
            scan_out(pf, c, t, k, len, marked);
        if (d >= from)
            scan_out(pf, d, t, l, len, marked);
    }
    st[0] = a, st[1] = b, st[2] = c, st[3] = d;
    at[0] = i, at[1] = j, at[2] = k, at[3] = l;
}

/* Four quarters at once (scan_text()): scan k > 0 starts PREFILTER_LEAD
 * bytes before its quarter; the first one whose state where its quarter
 * starts is not the exact state there has the rest of the text read again
 * from that state. */
SCAN_INLINE void scan_quarters(const struct prefilter *pf,
                               const struct view *v, bool narrow,
                               const unsigned char *t, size_t len,
                               uint64_t *marked)
{
    size_t q = len / 4, at[4], st[4] = {0, 0, 0, 0}, start[4], exact[4];

    for (int k = 0; k < 4; k++)
        at[k] = k == 0 ? 0 : k * q - PREFILTER_LEAD;
    scan_four(pf, v, narrow, t, PREFILTER_LEAD, len, at, st, marked);
    for (int k = 1; k < 4; k++)
        start[k] = st[k]; /* at[k] == k * q */
    scan_four(pf, v, narrow, t, q - PREFILTER_LEAD, len, at, st, marked);
    exact[1] = st[0]; /* at[0] == q */
    scan_four(pf, v, narrow, t, PREFILTER_LEAD, len, at, st, marked);
    exact[2] = st[1]; /* at[1] == 2q */
    exact[3] = st[2]; /* at[2] == 3q */
    (void)scan_run(pf, v, narrow, t, at[3], len, len, st[3], marked);
    for (int k = 1; k < 4; k++)
        if (start[k] != exact[k]) {
            (void)scan_run(pf, v, narrow, t, k * q, len, len, exact[k],
                           marked);
            return;
        }
}

/* prefilter_scan() with one kind of table. */
SCAN_INLINE void scan_text(const struct prefilter *pf, bool narrow,
                           const unsigned char *t, size_t len,
                           uint64_t *marked)
{
    const struct view v = {.cls = pf->cls,
                           .delta = pf->delta,
                           .delta16 = pf->delta16,
                           .ncls = pf->ncls,
                           .from = pf->out_from};

    if (len < PREFILTER_SPLIT_MIN) {
        (void)scan_run(pf, &v, narrow, t, 0, len, len, 0, marked);
        return;
    }
    if (len >= PREFILTER_SPLIT4_MIN) {
        scan_quarters(pf, &v, narrow, t, len, marked);
        return;
    }
    /* Two halves at once.  The first scan reads [0, mid) from the start
     * state, exactly.  The second starts from the start state too,
     * PREFILTER_LEAD bytes before mid: every literal it reports is in the
     * text, and once its state at mid is the first scan's there, it goes
     * on as one scan would.  When the states differ (a literal longer
     * than the lead was under way at mid), [mid, len) is read again from
     * the exact state: no literal is missed either way. */
    size_t mid = (len + PREFILTER_LEAD) / 2, ia = 0, ib = mid - PREFILTER_LEAD;
    size_t sa = 0, sb = 0, sb_mid;
    scan_two(pf, &v, narrow, t, PREFILTER_LEAD, len, &ia, &sa, &ib, &sb,
             marked);
    sb_mid = sb; /* ib == mid */
    scan_two(pf, &v, narrow, t, mid - PREFILTER_LEAD, len, &ia, &sa, &ib, &sb,
             marked);
    (void)scan_run(pf, &v, narrow, t, ib, len, len, sb, marked);
    if (sa != sb_mid) /* ia == mid */
        (void)scan_run(pf, &v, narrow, t, mid, len, len, sa, marked);
}

__attribute__((noinline)) static void scan_narrow(const struct prefilter *pf,
                                                  const unsigned char *t,
                                                  size_t len, uint64_t *marked)
{
    scan_text(pf, true, t, len, marked);
}

__attribute__((noinline)) static void scan_wide(const struct prefilter *pf,
                                                const unsigned char *t,
                                                size_t len, uint64_t *marked)
{
    scan_text(pf, false, t, len, marked);
}

void prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
                    uint64_t *marked)
{
    const unsigned char *t = (const unsigned char *)text;

    if (pf->delta16 != NULL)
        scan_narrow(pf, t, len, marked);
    else if (pf->delta != NULL)
        scan_wide(pf, t, len, marked);
}

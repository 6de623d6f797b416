/*
 * mime.c - one-pass, non-recursive MIME structure walker (see mime.h).
 */
#include "core/mime.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/codec.h"
#include "core/hdr.h"
#include "core/scan.h"

#define MIME_FRAMES_INLINE 33 /* frames kept on the C stack (depth 32) */

struct mime_frame {
    char bnd[MIME_BOUNDARY_MAX];
    size_t blen;
    unsigned msg_depth; /* of the multipart entity itself */
    size_t pre_start;   /* where its preamble starts */
    bool seen;          /* a delimiter line was met */
};

enum mime_state {
    MIME_ST_HEADERS, /* reading an entity's header block */
    MIME_ST_BODY,    /* inside a leaf body */
    MIME_ST_SKIP,    /* preamble / epilogue: ignored text */
};

struct mime_walker {
    const char *buf;
    size_t len;
    const struct mime_limits *lim;
    mime_cb *cb;
    void *ctx;
    struct mime_frame *stack;
    unsigned nstack, nparts, errors;
    enum mime_state state;
    struct mime_part cur; /* entity being read */
    size_t start;         /* header start (HEADERS) or body start (BODY) */
    struct hdr_index ix;  /* fields of cur's header block, as it is read */
};

bool mime_is_message(const char *type)
{
    return type[0] == 'm' && (strcmp(type, "message/rfc822") == 0 ||
                              strcmp(type, "message/global") == 0);
}

/* mime_is_message() of p->type, a NUL-ended string in 64 bytes: its
 * bytes with the NUL compared in a word or two, not by strcmp(). */
static bool mime_part_is_message(const struct mime_part *p)
{
    return p->type[0] == 'm' &&
           (memcmp(p->type, "message/rfc822", 15) == 0 ||
            memcmp(p->type, "message/global", 15) == 0);
}

/* Index+1 of the frame whose delimiter line[0..ll) is, 0 if none; *close_r
 * tells a close delimiter. */
static unsigned mime_match(const struct mime_walker *w, const char *line,
                           size_t ll, bool *close_r)
{
    if (ll < 3 || line[0] != '-' || line[1] != '-')
        return 0;
    for (unsigned k = w->nstack; k > 0; k--) {
        const struct mime_frame *f = &w->stack[k - 1];
        if (ll - 2 < f->blen || memcmp(line + 2, f->bnd, f->blen) != 0)
            continue;
        size_t i = 2 + f->blen;
        *close_r = ll - i >= 2 && line[i] == '-' && line[i + 1] == '-';
        if (*close_r)
            i += 2;
        while (i < ll && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == ll || *close_r)
            return k;
    }
    return 0;
}

/* Is line[0..ll) the start or continuation of a header field?  For the
 * start of one, *colon_r is the offset of its colon (ll for the mbox
 * separator, which may have none). */
static bool mime_header_line(const char *line, size_t ll, bool first,
                             size_t *colon_r)
{
    if (line[0] == ' ' || line[0] == '\t')
        return !first;
    if (first && ll >= 5 && memcmp(line, "From ", 5) == 0) {
        *colon_r = HDR_COLON_UNKNOWN;
        return true; /* mbox separator */
    }
    size_t i = hdr_name_end(line, 0, ll);
    *colon_r = i;
    return i > 0 && i < ll && line[i] == ':';
}

/* Bytes hdr_unfold() turns into a space (so they end a token). */
static bool mime_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* Offset of the first byte of v[0..vlen) that is no mime_blank(). */
static size_t mime_skip_blanks(const char *v, size_t vlen)
{
    size_t i = 0;

    while (i < vlen && mime_blank(v[i]))
        i++;
    return i;
}

/* The first Content-Type and Content-Transfer-Encoding fields of ix, as
 * hdr_index_pick() finds them (ct->found, cte->found say which are). */
static void mime_type_fields(const struct hdr_index *ix, struct hdr_want *ct,
                             struct hdr_want *cte)
{
    *ct = (struct hdr_want)HDR_WANT("Content-Type");
    *cte = (struct hdr_want)HDR_WANT("Content-Transfer-Encoding");
    if (ix->over) {
        struct hdr_want w[2] = {*ct, *cte};
        hdr_index_pick(ix, w, 2);
        *ct = w[0];
        *cte = w[1];
        return;
    }
    const struct hdr_field *f = hdr_index_find(ix, ct->name, ct->name_len);
    if ((ct->found = f != NULL))
        ct->f = *f;
    f = hdr_index_find(ix, cte->name, cte->name_len);
    if ((cte->found = f != NULL))
        cte->f = *f;
}

/* Bytes that end the type in a Content-Type value: ';' and blanks. */
static const unsigned char mime_type_stop[256] = {
    [';'] = 1, [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['\0'] = 1};

#if defined(__SSE2__)
/* The start of the type at v[i..end) (end - i < 64) copied into type[],
 * lower case, 16 bytes a step while 16 remain; returns the bytes of the
 * type copied: all of it when a step met the byte that ends it, else those
 * of the whole steps taken (the byte loop does the rest).  A step stores
 * all 16 bytes (those past the type are scratch the byte loop overwrites
 * or the NUL ends). */
static size_t mime_type16(const char *v, size_t i, size_t end, char *type)
{
    const __m128i a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1);
    size_t n = 0;

    for (; i + 16 <= end; i += 16, n += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
        __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
        stop = _mm_or_si128(
            stop, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                               _mm_cmpeq_epi8(x, _mm_setzero_si128())));
        __m128i upper =
            _mm_and_si128(_mm_cmpgt_epi8(x, a1), _mm_cmplt_epi8(x, z1));
        x = _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(32)));
        _mm_storeu_si128((__m128i *)(void *)(type + n), x);
        unsigned m = (unsigned)_mm_movemask_epi8(stop);
        if (m != 0)
            return n + (size_t)__builtin_ctz(m); /* the type ends there */
    }
    return n;
}
#endif

/* The type of a Content-Type value v[0..vlen) into p->type, lower case:
 * its first word as the unfolded value has it, up to ';', "text/plain"
 * when that has no '/'. */
static void mime_read_type(struct mime_part *p, const char *v, size_t vlen)
{
    size_t i = mime_skip_blanks(v, vlen), n = 0;
    size_t end = vlen - i < sizeof p->type - 1 ? vlen : i + sizeof p->type - 1;

#if defined(__SSE2__)
    n = mime_type16(v, i, end, p->type);
    i += n;
#endif
    for (; i < end && mime_type_stop[(unsigned char)v[i]] == 0; i++) {
        unsigned char c = (unsigned char)v[i];
        p->type[n++] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
    }
    p->type[n] = '\0';
    if (memchr(p->type, '/', n) == NULL)
        strcpy(p->type, "text/plain");
}

/* Does the value v[0..vlen), without its leading blanks, start with the
 * lower-case word w (wl bytes), ignoring ASCII case? */
static bool mime_value_is(const char *v, size_t vlen, const char *w, size_t wl)
{
    size_t i = mime_skip_blanks(v, vlen);

    return vlen - i >= wl && hdr_caseeq(v + i, w, wl);
}

static void mime_lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
}

/* Fills type, charset (outside enclosed messages: msg_depth 0) and
 * transfer encoding of p from the fields of its header block and, for a
 * multipart type, its boundary into bnd (bcap bytes); returns whether a
 * boundary that is not empty was found.  The type, charset and boundary
 * parameters are read in one pass over the raw value. */
static bool mime_fill_type(struct mime_part *p, const struct hdr_index *ix,
                           char *bnd, size_t bcap)
{
    struct hdr_want ct, cte;
    struct hdr_pwant pw[2] = {
        {.name = "charset",
         .name_len = 7,
         .out = p->charset,
         .cap = sizeof p->charset},
        {.name = "boundary", .name_len = 8, .out = bnd, .cap = bcap}};

    strcpy(p->type, "text/plain");
    p->charset[0] = '\0';
    p->cte = MIME_CTE_IDENTITY;
    pw[1].found = false;
    mime_type_fields(ix, &ct, &cte);
    if (ct.found) {
        mime_read_type(p, ct.f.value, ct.f.value_len);
        /* the charset is read outside enclosed messages only */
        size_t first = p->msg_depth == 0 ? 0 : 1;
        size_t n = memcmp(p->type, "multipart/", 10) == 0 ? 2 : 1;
        if (first < n)
            hdr_params(ct.f.value, ct.f.value_len, pw + first, n - first);
        if (first == 0 && pw[0].found)
            mime_lower(p->charset);
    }
    if (cte.found) {
        if (mime_value_is(cte.f.value, cte.f.value_len, "base64", 6))
            p->cte = MIME_CTE_BASE64;
        else if (mime_value_is(cte.f.value, cte.f.value_len, "quoted-printable",
                               16))
            p->cte = MIME_CTE_QP;
    }
    return pw[1].found && bnd[0] != '\0';
}

/* Flags header fields longer than the limit. */
static void mime_check_fields(struct mime_walker *w, const struct mime_part *p)
{
    size_t pos = 0;
    struct hdr_field f;

    if (p->hdr_len <= w->lim->max_header_bytes)
        return;
    while (hdr_next(p->hdr, p->hdr_len, &pos, &f))
        if (f.value_len > w->lim->max_header_bytes)
            w->errors |= REPORT_ERR_HEADER;
}

static void mime_leaf(struct mime_walker *w, size_t end)
{
    struct mime_part *p = &w->cur;

    /* the line break before a delimiter belongs to the delimiter */
    if (end > w->start && w->buf[end - 1] == '\n')
        end--;
    if (end > w->start && w->buf[end - 1] == '\r')
        end--;
    p->body = w->buf + w->start;
    p->body_len = end - w->start;
    w->cb(w->ctx, MIME_EV_LEAF, p);
    p->body = NULL;
    p->body_len = 0;
}

/* Starts a new entity at pos; false when the part limit is reached. */
static bool mime_begin(struct mime_walker *w, size_t pos, unsigned depth,
                       unsigned msg_depth)
{
    if (++w->nparts > w->lim->max_parts) {
        w->errors |= REPORT_ERR_PARTS;
        return false;
    }
    memset(&w->cur, 0, sizeof w->cur);
    w->cur.depth = depth;
    w->cur.msg_depth = msg_depth;
    w->cur.index = w->nparts - 1;
    w->start = pos;
    w->state = MIME_ST_HEADERS;
    hdr_index_begin(&w->ix, w->buf + pos);
    return true;
}

/* The header block [w->start, hend) is complete; body starts at bpos. */
static bool mime_headers_done(struct mime_walker *w, size_t hend, size_t bpos)
{
    struct mime_part *p = &w->cur;
    char bnd[MIME_BOUNDARY_MAX];

    p->hdr = w->buf + w->start;
    p->hdr_len = hend - w->start;
    hdr_index_end(&w->ix, p->hdr_len);
    bool multi = mime_fill_type(p, &w->ix, bnd, sizeof bnd);
    mime_check_fields(w, p);
    p->fields = &w->ix;
    w->cb(w->ctx, MIME_EV_ENTITY, p);
    p->fields = NULL;
    if (multi) {
        if (w->nstack >= w->lim->max_depth) {
            w->errors |= REPORT_ERR_DEPTH;
        } else {
            struct mime_frame *fr = &w->stack[w->nstack++];
            fr->blen = strlen(bnd);
            memcpy(fr->bnd, bnd, fr->blen);
            fr->msg_depth = p->msg_depth;
            fr->pre_start = bpos;
            fr->seen = false;
            w->state = MIME_ST_SKIP;
            return true;
        }
    } else if (mime_part_is_message(p) && p->cte == MIME_CTE_IDENTITY) {
        if (p->msg_depth >= w->lim->max_depth)
            w->errors |= REPORT_ERR_DEPTH;
        else
            return mime_begin(w, bpos, p->depth, p->msg_depth + 1);
    }
    w->state = MIME_ST_BODY;
    w->start = bpos;
    return true;
}

/* One line while reading headers; returns false to stop the walk. */
static bool mime_header_step(struct mime_walker *w, size_t pos, size_t ll,
                             size_t next, size_t *pos_r)
{
    const char *line = w->buf + pos;
    size_t colon = HDR_COLON_UNKNOWN;
    bool close;

    *pos_r = pos + next;
    if (ll == 0)
        return mime_headers_done(w, pos, pos + next);
    if ((line[0] == '-' && mime_match(w, line, ll, &close) > 0) ||
        !mime_header_line(line, ll, pos == w->start, &colon)) {
        *pos_r = pos; /* not a header: the body starts here */
        return mime_headers_done(w, pos, pos);
    }
    hdr_index_line(&w->ix, pos - w->start, ll, next, colon);
    return true;
}

/* Frames above keep (0-based count) are being dropped at end; one whose
 * boundary never showed still has text worth reading: its preamble. */
static void mime_unseen(struct mime_walker *w, unsigned keep, size_t end)
{
    for (unsigned k = w->nstack; k > keep; k--) {
        struct mime_frame *f = &w->stack[k - 1];
        if (f->seen || w->nparts >= w->lim->max_parts)
            continue;
        memset(&w->cur, 0, sizeof w->cur);
        strcpy(w->cur.type, "text/plain");
        w->cur.depth = k;
        w->cur.msg_depth = f->msg_depth;
        w->cur.index = w->nparts++;
        w->start = f->pre_start;
        mime_leaf(w, end);
    }
}

/* A delimiter of frame k (1-based) at pos; returns false to stop. */
static bool mime_delimiter(struct mime_walker *w, unsigned k, bool close,
                           size_t pos, size_t next)
{
    if (w->state == MIME_ST_BODY)
        mime_leaf(w, pos);
    if (k < w->nstack) {
        w->errors |= REPORT_ERR_BOUNDARY; /* inner ones never closed */
        mime_unseen(w, k, pos);
    }
    w->nstack = k;
    w->stack[k - 1].seen = true;
    if (close) {
        w->nstack = k - 1;
        w->state = MIME_ST_SKIP;
        return true;
    }
    return mime_begin(w, next, k, w->stack[k - 1].msg_depth);
}

static void mime_finish(struct mime_walker *w)
{
    if (w->state == MIME_ST_HEADERS) {
        (void)mime_headers_done(w, w->len, w->len);
        if (w->state == MIME_ST_BODY)
            mime_leaf(w, w->len);
    } else if (w->state == MIME_ST_BODY) {
        mime_leaf(w, w->len);
    }
    if (w->nstack > 0)
        w->errors |= REPORT_ERR_BOUNDARY;
    mime_unseen(w, 0, w->len);
}

/* Offset of the next line at or after the line start pos that begins with
 * "--" (a delimiter candidate), or len; with no open multipart, len.
 * Lines start at pos and after every CR or LF (scan_line_pair()), so that
 * prose full of hyphens costs no more than base64. */
static size_t mime_next_dashes(const char *buf, size_t len, size_t pos,
                               unsigned nstack)
{
    if (nstack == 0)
        return len;
    if (pos + 1 < len && buf[pos] == '-' && buf[pos + 1] == '-')
        return pos;
    return scan_line_pair(buf, pos + 1, len, '-', '-', 0);
}

/* Sets up w; false when its frame stack cannot be had.  Neither the
 * frames nor the entity and its index are cleared: they are filled when
 * pushed or begun. */
static bool mime_walker_init(struct mime_walker *w, const char *buf, size_t len,
                             const struct mime_limits *lim, mime_cb *cb,
                             void *ctx, struct mime_frame *frames,
                             size_t nframes)
{
    w->buf = buf;
    w->len = len;
    w->lim = lim;
    w->cb = cb;
    w->ctx = ctx;
    w->nstack = w->nparts = w->errors = 0;
    w->state = MIME_ST_HEADERS;
    w->start = 0;
    if (lim->max_depth < nframes) { /* the usual depths: on the stack */
        w->stack = frames;
        return true;
    }
    w->stack = malloc((lim->max_depth + 1) * sizeof *w->stack); /* @UNSAFE */
    return w->stack != NULL;
}

unsigned mime_walk(const char *buf, size_t len, const struct mime_limits *lim,
                   mime_cb *cb, void *ctx)
{
    struct mime_frame frames[MIME_FRAMES_INLINE];
    struct mime_walker w;
    size_t pos = 0;

    if (!mime_walker_init(&w, buf, len, lim, cb, ctx, frames,
                          MIME_FRAMES_INLINE))
        return REPORT_ERR_PARTS;
    if (memchr(buf, '\0', len) != NULL)
        w.errors |= REPORT_ERR_NUL;
    bool go = mime_begin(&w, 0, 0, 0);
    while (go && pos < len) {
        size_t next, ll;
        bool close;
        unsigned k;

        if (w.state == MIME_ST_HEADERS) {
            /* field lines go to the index at once; any other line here */
            pos = w.start + hdr_index_run(&w.ix, pos - w.start, len - w.start,
                                          &ll, &next);
            if (pos < len)
                go = mime_header_step(&w, pos, ll, next, &pos);
            continue;
        }
        /* only "--" lines matter */
        if ((pos = mime_next_dashes(buf, len, pos, w.nstack)) >= len)
            break;
        ll = hdr_line(buf + pos, len - pos, &next);
        if ((k = mime_match(&w, buf + pos, ll, &close)) > 0)
            go = mime_delimiter(&w, k, close, pos, pos + next);
        pos += next;
    }
    if (go)
        mime_finish(&w);
    if (w.stack != frames)
        free(w.stack);
    return w.errors;
}

/* mime_multipart_whole()'s callback: is the top entity a multipart with a
 * boundary (one without is read as a leaf)? */
static void mime_top_multipart(void *ctx, enum mime_event ev,
                               const struct mime_part *p)
{
    bool *multi = ctx;

    if (p->index == 0)
        *multi =
            ev == MIME_EV_ENTITY && strncmp(p->type, "multipart/", 10) == 0;
}

bool mime_multipart_whole(const char *buf, size_t len,
                          const struct mime_limits *lim)
{
    bool multi = false;
    unsigned errors = mime_walk(buf, len, lim, mime_top_multipart, &multi);

    return multi && (errors & (REPORT_ERR_BOUNDARY | REPORT_ERR_PARTS |
                               REPORT_ERR_DEPTH)) == 0;
}

size_t mime_decode(const struct mime_part *p, char *out, size_t cap,
                   unsigned *errors)
{
    bool bad = false;
    size_t n;

    switch (p->cte) {
    case MIME_CTE_BASE64:
        n = codec_base64(p->body, p->body_len, out, cap, &bad);
        break;
    case MIME_CTE_QP:
        n = codec_qp(p->body, p->body_len, out, cap, false, &bad);
        break;
    default:
        n = p->body_len < cap ? p->body_len : cap;
        memcpy(out, p->body, n);
        break;
    }
    if (bad)
        *errors |= REPORT_ERR_ENCODING;
    return n;
}

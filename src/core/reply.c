/*
 * reply.c - see reply.h.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/reply.h"

/* The offset of the first byte of s[from..len) in '2'..'5' (that may
 * start a code or a status), or len: 16 bytes a step where SSE2 is. */
static size_t next_digit25(const char *s, size_t from, size_t len)
{
    size_t i = from;
#if defined(__SSE2__)
    const __m128i two = _mm_set1_epi8('2'), three = _mm_set1_epi8(3);

    for (; i + 16 <= len; i += 16) {
        __m128i t = _mm_sub_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(s + i)), two);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_min_epu8(t, three), t));
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < len && (unsigned char)(s[i] - '2') > 3)
        i++;
    return i;
}

/* Copies from s[from..end) to out the bytes above ' ' and the single
 * spaces between two of them (the second not d0, which may start a
 * continuation prefix), which normalising keeps as they are, up to the
 * first other byte; returns how many.  s[from - 1] must be no white space;
 * s[end] (when end < len) is only looked at.  SSE2 stores 16 bytes a step:
 * out must have room for end - from bytes. */
static size_t copy_plain(const char *s, size_t from, size_t end, size_t len,
                         char d0, char *out)
{
    size_t k = from;
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' '), dz = _mm_set1_epi8(d0);

    for (; k + 16 <= end && k + 17 <= len; k += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + k + 1));
        _mm_storeu_si128((__m128i *)(void *)(out + (k - from)), x);
        __m128i low_x = _mm_cmpeq_epi8(_mm_max_epu8(x, sp), sp);
        __m128i low_y = _mm_cmpeq_epi8(_mm_max_epu8(y, sp), sp);
        __m128i lone = _mm_andnot_si128(
            _mm_or_si128(low_y, _mm_cmpeq_epi8(y, dz)), _mm_cmpeq_epi8(x, sp));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(lone, low_x));
        if (m != 0)
            return k - from + (size_t)__builtin_ctz(m);
    }
#endif
    for (; k < end; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c <= ' ' && (c != ' ' || k + 1 >= len ||
                         (unsigned char)s[k + 1] <= ' ' || s[k + 1] == d0))
            break;
        out[k - from] = (char)c;
    }
    return k - from;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ' ', '\t', '\n', '\v', '\f', '\r' */
static bool is_space(char c)
{
    return c == ' ' || (unsigned char)(c - '\t') <= '\r' - '\t';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a run of 1..3 digits at s[0..len), 0 when none or longer. */
static size_t digits_1_3(const char *s, size_t len)
{
    size_t n = 0;

    while (n < len && is_digit(s[n]))
        n++;
    return n <= 3 ? n : 0;
}

/* Length of an enhanced status at s[0..len) (not checking what follows),
 * or 0. */
static size_t status_at(const char *s, size_t len)
{
    size_t n, m;

    if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
        return 0;
    n = digits_1_3(s + 2, len - 2);
    if (n == 0 || 2 + n >= len || s[2 + n] != '.')
        return 0;
    m = digits_1_3(s + 3 + n, len - 3 - n);
    if (m == 0)
        return 0;
    return 3 + n + m;
}

bool reply_status_valid(const char *s, size_t len)
{
    return len > 0 && status_at(s, len) == len;
}

/* A status may start here: not glued to a word, a number or a dot. */
static bool status_left_ok(const char *s, size_t i)
{
    return i == 0 ||
           !(is_alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '_');
}

/* ... and end here: not followed by more digits or ".digit" (an IP). */
static bool status_right_ok(const char *s, size_t len, size_t end)
{
    if (end >= len)
        return true;
    if (is_alnum(s[end]) || s[end] == '_')
        return false;
    if (s[end] == '.' && end + 1 < len && is_digit(s[end + 1]))
        return false;
    return true;
}

/* A status starting at s[i] standing on its own, copied into status_r
 * (written only when found). */
static bool status_here(const char *s, size_t len, size_t i, char *status_r)
{
    size_t n = status_at(s + i, len - i);

    if (n == 0 || !status_left_ok(s, i) || !status_right_ok(s, len, i + n))
        return false;
    memcpy(status_r, s + i, n); /* n <= 11 < REPLY_STATUS_MAX */
    status_r[n] = '\0';
    return true;
}

/* Finds a status of the given class (0 = any) from position 'from'. */
static bool find_status_class(const char *s, size_t len, size_t from, char cls,
                              char *status_r, size_t *pos_r)
{
    for (size_t i = from; i + 5 <= len; i++) {
        if ((i = next_digit25(s, i, len - 4)) + 5 > len)
            break;
        if (cls != 0 ? s[i] != cls
                     : (s[i] != '2' && s[i] != '4' && s[i] != '5'))
            continue;
        if (!status_here(s, len, i, status_r))
            continue;
        if (pos_r != NULL)
            *pos_r = i;
        return true;
    }
    return false;
}

/* The first 5.x.x status, else the first 4.x.x, else the first 2.x.x: in
 * one pass. */
bool reply_find_status(const char *s, size_t len, char *status_r)
{
    char st4[REPLY_STATUS_MAX] = "", st2[REPLY_STATUS_MAX] = "";

    status_r[0] = '\0';
    for (size_t i = 0; i + 5 <= len; i++) {
        if ((i = next_digit25(s, i, len - 4)) + 5 > len)
            break;
        if (s[i] == '5' && status_here(s, len, i, status_r))
            return true;
        if (s[i] == '4' && st4[0] == '\0')
            status_here(s, len, i, st4);
        else if (s[i] == '2' && st2[0] == '\0')
            status_here(s, len, i, st2);
    }
    memcpy(status_r, st4[0] != '\0' ? st4 : st2, REPLY_STATUS_MAX);
    return status_r[0] != '\0';
}

int reply_class(const char *status, int code)
{
    if (status != NULL && status[0] >= '2' && status[0] <= '5')
        return status[0] - '0';
    if (code >= 200 && code <= 599)
        return code / 100;
    return 0;
}

/* Does s[0..i) end with CJK punctuation or space in UTF-8 (the ideographic
 * space, comma, full stop and brackets, the fullwidth colon, semicolon,
 * comma and parenthesis), which may stand before a code as ASCII does? */
static bool cjk_punct_before(const char *s, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;

    if (i < 3)
        return false;
    if (u[i - 3] == 0xe3 && u[i - 2] == 0x80) /* U+3000-3002, U+300C-3011 */
        return (u[i - 1] >= 0x80 && u[i - 1] <= 0x82) ||
               (u[i - 1] >= 0x8c && u[i - 1] <= 0x91);
    if (u[i - 3] == 0xef && u[i - 2] == 0xbc) /* U+FF08 ( U+FF0C , U+FF1A : ; */
        return u[i - 1] == 0x88 || u[i - 1] == 0x8c || u[i - 1] == 0x9a ||
               u[i - 1] == 0x9b;
    return false;
}

/* Is the code at s[i] the first member of a pair that holds a server's
 * reply as a program prints it: "(550, b'5.1.1 ...')" (Python's smtplib),
 * "(550, '...')"? */
static bool code_in_pair(const char *s, size_t len, size_t i)
{
    size_t j = i + 5;

    if (i == 0 || s[i - 1] != '(' || i + 6 > len || s[i + 3] != ',' ||
        s[i + 4] != ' ')
        return false;
    if (s[j] == 'b')
        j++;
    return j < len && (s[j] == '\'' || s[j] == '"');
}

bool reply_size_unit(const char *s, size_t len)
{
    static const char *const units[] = {"kb",    "mb",   "gb",     "kib", "mib",
                                        "bytes", "byte", "octets", "ko",  "mo"};

    if (len == 0 || memchr("kmgboKMGBO", s[0], 10) == NULL)
        return false; /* most words: one test */
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t n = strlen(units[k]);
        if (len >= n && strncasecmp(s, units[k], n) == 0 &&
            (len == n || !is_alnum(s[n])))
            return true;
    }
    return false;
}

bool reply_phone_digits(const char *s, size_t len, size_t i)
{
    if (i + 5 < len && s[i + 3] == '-' && is_digit(s[i + 4]) &&
        is_digit(s[i + 5]))
        return true;
    /* "(408) 555-0143": the area code */
    return i > 0 && s[i - 1] == '(' && i + 9 < len && s[i + 3] == ')' &&
           s[i + 4] == ' ' && is_digit(s[i + 5]) && is_digit(s[i + 6]) &&
           is_digit(s[i + 7]) && s[i + 8] == '-' && is_digit(s[i + 9]);
}

/* A reply code at s[i]: [2-5][0-5][0-9], then end, space or '-' (or the
 * ',' of code_in_pair()); not a size ("412 KB", reply_size_unit()) nor
 * part of a telephone number (reply_phone_digits()). */
static int code_at(const char *s, size_t len, size_t i)
{
    if (i + 3 > len || s[i] < '2' || s[i] > '5' || s[i + 1] < '0' ||
        s[i + 1] > '5' || !is_digit(s[i + 2]))
        return 0;
    if ((i + 4 < len && s[i + 3] == ' ' &&
         reply_size_unit(s + i + 4, len - i - 4)) ||
        reply_phone_digits(s, len, i))
        return 0;
    if (i + 3 < len && !is_space(s[i + 3]) && s[i + 3] != '-' &&
        !code_in_pair(s, len, i))
        return 0;
    if (i > 0 && !strchr(" \t\r\n:;([\"'<=#", s[i - 1]) &&
        !cjk_punct_before(s, i))
        return 0;
    return (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && is_space(s[i]))
        i++;
    return i;
}

/* Skips an RFC 3464 diagnostic type ("smtp;", "X-Postfix;"). */
static size_t skip_diag_type(const char *s, size_t len)
{
    size_t i = skip_space(s, len, 0), j = i;

    while (j < len && j - i <= 20 && (is_alnum(s[j]) || s[j] == '-'))
        j++;
    if (j > i && j < len && s[j] == ';')
        return skip_space(s, len, j + 1);
    return i;
}

/* Does the code at s[i] follow "said:", as the reply of the server a
 * sending MTA names ("host mx.example[192.0.2.1] said: 450 ...")? */
static bool after_said(const char *s, size_t i)
{
    while (i > 0 && s[i - 1] == ' ')
        i--;
    return i >= 5 && strncasecmp(s + i - 5, "said:", 5) == 0;
}

/* May a later 5xx code replace the best one so far, a 4xx code that does
 * not stand at the start (attempts one after the other: "attempt 1: 451
 * ... attempt 7: 550 5.1.1 ...")?  Not one that a server's reply starts
 * with: a 5xx after it is one it quotes ("said: 450 4.1.1 ... undeliverable
 * address: host ... said: 550 5.1.1"). */
static bool later_5xx(const char *s, size_t len, int best, size_t best_pos,
                      size_t start)
{
    return best >= 400 && best < 500 && best_pos != start &&
           !after_said(s, best_pos) && !code_in_pair(s, len, best_pos);
}

/* Picks the reply code, in order of preference: a 4xx/5xx code at the
 * start (the reply's own: a code quoted after it, "450 ... said: 550 5.1.1",
 * is another server's) or followed by a status, a 2xx code at the start,
 * the first 4xx/5xx code standing on its own, a 2xx code followed by a
 * status (transcripts show successes before the failure).  A code in
 * parentheses after a 2xx code at the start is a quote ("250 2.0.0 OK
 * (451 4.7.1 greylisted before)"); a later 5xx code with a status
 * replaces a 4xx one that is not at the start (later_5xx()).  A code a
 * program prints paired with its reply (code_in_pair()) counts as one at
 * the start.  *pos_r is where it starts. */
static int find_code(const char *s, size_t len, size_t start, size_t *pos_r)
{
    int best = 0, rank = 0; /* rank: 4 best .. 1 worst */

    for (size_t i = start;
         i < len && (rank < 4 || later_5xx(s, len, best, *pos_r, start)); i++) {
        if ((i = next_digit25(s, i, len)) == len)
            break;
        int c = code_at(s, len, i), r = 0;
        if (c == 0 || (rank == 3 && s[i - 1] == '('))
            continue; /* after a 2xx reply, "(451 4.7.1 ...)" is quoted */
        bool st = i + 4 < len && status_at(s + i + 4, len - i - 4) > 0;
        bool head = i == start || code_in_pair(s, len, i);
        if (c >= 400 && (st || head))
            r = 4;
        else if (head)
            r = 3;
        else if (c >= 400)
            r = 2;
        else if (st)
            r = 1;
        if (r > rank ||
            (r == 4 && c >= 500 && later_5xx(s, len, best, *pos_r, start))) {
            rank = r;
            best = c;
            *pos_r = i;
        }
    }
    return best;
}

/* Output state of the normaliser. */
struct norm {
    char *buf;
    size_t size, len;
    bool space_pending, truncated;
};

/* Appends a byte that is not white space (a pending space first); false
 * when the buffer is full. */
static bool norm_put(struct norm *o, char c)
{
    if (o->space_pending) {
        if (o->len + 1 >= o->size) {
            o->truncated = true;
            return false;
        }
        o->buf[o->len++] = ' ';
        o->space_pending = false;
    }
    if (o->len + 1 >= o->size) {
        o->truncated = true;
        return false;
    }
    o->buf[o->len++] = c == '\0' ? ' ' : c;
    return true;
}

/* Length of a continuation prefix at s[i] ("550-5.7.26 ", "550 5.7.26 ",
 * "550-", and "550 " at the start of a line), for the reply's own code and
 * status, or 0. */
static size_t continuation_at(const char *s, size_t len, size_t i,
                              bool line_start, const struct reply *r)
{
    size_t slen = strlen(r->status), k;

    if (r->code == 0 || code_at(s, len, i) != r->code || i + 3 >= len)
        return 0;
    k = i + 4;
    if (slen > 0 && k + slen <= len && memcmp(s + k, r->status, slen) == 0 &&
        (k + slen == len || is_space(s[k + slen])))
        return k + slen - i;
    return s[i + 3] == '-' || line_start ? 4 : 0;
}

/* Copies the run of bytes from s[*i] up to white space other than single
 * spaces between words, as far as the buffer goes (NUL bytes become
 * spaces); false when it is full. */
static bool norm_run(const char *s, size_t len, size_t *i, char d0,
                     struct norm *o)
{
    if (!norm_put(o, s[*i])) /* the pending space, the first byte */
        return false;
    size_t k = *i + 1, room = o->size - 1 - o->len; /* @UNSAFE */
    size_t end = len - k < room ? len : k + room;
    char *out = o->buf + o->len;
    while (k < end) {
        size_t n = copy_plain(s, k, end, len, d0, out);
        out += n;
        k += n;
        if (k == end || is_space(s[k]))
            break;
        *out++ = s[k] != '\0' ? s[k] : ' '; /* another control byte */
        k++;
    }
    if (k > *i + 1 && s[k - 1] == ' ') { /* no room for the byte after */
        out--;
        k--;
    }
    o->len = (size_t)(out - o->buf);
    *i = k - 1;
    if (k < len && !is_space(s[k])) { /* more to copy and no room */
        o->truncated = true;
        return false;
    }
    return true;
}

/* Copies s[start..len) into o, white space squashed, the reply's own
 * continuation prefixes dropped (a token starting with the code's first
 * digit is the only place one may be). */
static void normalise(const char *s, size_t len, size_t start, size_t code_pos,
                      const struct reply *r, struct norm *o)
{
    char d0 = r->code != 0 ? (char)('0' + r->code / 100) : '\0';

    for (size_t i = start; i < len; i++) {
        char c = s[i];
        if (is_space(c)) {
            o->space_pending = o->len > 0;
            continue;
        }
        if (c == d0 && d0 != '\0' && i != code_pos &&
            (i == start || is_space(s[i - 1]))) {
            bool line_start = i > 0 && (s[i - 1] == '\n' || s[i - 1] == '\r');
            size_t n = continuation_at(s, len, i, line_start, r);
            if (n > 0) {
                i += n - 1;
                o->space_pending = o->len > 0;
                continue;
            }
        }
        if (!norm_run(s, len, &i, d0, o))
            return;
    }
}

/* The ASCII byte of an HTML character reference at p[0..n) ("&lt;",
 * "&#39;", "&#x27;") and its length in *len_r; 0 when there is none. */
static char entity_at(const char *p, size_t n, size_t *len_r)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&lt;", '<'},
                 {"&gt;", '>'},
                 {"&amp;", '&'},
                 {"&quot;", '"'},
                 {"&apos;", '\''}};
    unsigned v = 0;
    size_t i = 2;

    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        size_t l = strlen(named[k].name);
        if (n >= l && strncasecmp(p, named[k].name, l) == 0) {
            *len_r = l;
            return named[k].c;
        }
    }
    if (n < 4 || p[1] != '#')
        return 0;
    bool hex = p[2] == 'x' || p[2] == 'X';
    for (i += hex; i < n && i < 8 && p[i] != ';'; i++) {
        int d = is_digit(p[i])                      ? p[i] - '0'
                : hex && p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10
                : hex && p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10
                                                    : -1;
        if (d < 0)
            return 0;
        v = v * (hex ? 16 : 10) + (unsigned)d;
    }
    if (i >= n || p[i] != ';' || i == 2u + hex || v < 0x21 || v > 0x7e)
        return 0;
    *len_r = i + 1;
    return (char)v;
}

/* Typographic apostrophes (U+2018, U+2019 in UTF-8) as ASCII ones
 * ("doesn<U+2019>t" reads as "doesn't") and HTML character references of
 * ASCII characters as those characters ("doesn&#39;t", "&lt;a@b&gt;" as
 * "<a@b>": a reply copied out of an HTML page or a web form), in place in
 * buf[0..len), once.  The new length. */
static size_t fold_chars(char *buf, size_t len)
{
    char *q = memchr(buf, '\xe2', len), *a = memchr(buf, '&', len), *o;
    char *p = q == NULL || (a != NULL && a < q) ? a : q;
    const char *e = buf + len;

    if (p == NULL)
        return len;
    for (o = p; p < e;) {
        size_t l = 0;
        char c = 0;
        if (*p == '\xe2' && e - p >= 3 && p[1] == '\x80' &&
            (p[2] == '\x98' || p[2] == '\x99')) {
            c = '\'';
            l = 3;
        } else if (*p == '&') {
            c = entity_at(p, (size_t)(e - p), &l);
        }
        if (c != 0) {
            *o++ = c;
            p += l;
        } else {
            *o++ = *p++;
        }
    }
    return (size_t)(o - buf);
}

bool reply_parse(const char *text, size_t len, char *buf, size_t bufsize,
                 struct reply *r)
{
    size_t start = skip_diag_type(text, len), code_pos = len, spos;
    struct norm o = {.buf = buf, .size = bufsize};

    memset(r, 0, sizeof *r);
    r->code = find_code(text, len, start, &code_pos);
    if (r->code == 0)
        code_pos = len;
    if (r->code != 0 && code_pos + 4 < len &&
        status_at(text + code_pos + 4, len - code_pos - 4) > 0)
        find_status_class(text, len, code_pos + 4, 0, r->status, &spos);
    /* else a status of the code's own class (not "Postfix 2.10.1") */
    if (r->status[0] == '\0' && r->code != 0)
        find_status_class(text, len, start, (char)('0' + r->code / 100),
                          r->status, &spos);
    else if (r->status[0] == '\0')
        reply_find_status(text + start, len - start, r->status);
    normalise(text, len, start, code_pos, r, &o);
    o.len = fold_chars(buf, o.len);
    buf[o.len] = '\0';
    r->text = buf;
    r->text_len = o.len;
    r->truncated = o.truncated;
    return r->code != 0 || r->status[0] != '\0';
}

static bool addr_local_char(char c)
{
    return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static bool addr_domain_char(char c)
{
    return is_alnum(c) || c == '.' || c == '-' || c == '_';
}

/* The address around the '@' at s[at], or false. */
static bool addr_around(const char *s, size_t len, size_t at, char *addr_r,
                        size_t addr_size)
{
    size_t b = at, e = at + 1;

    while (b > 0 && addr_local_char(s[b - 1]))
        b--;
    while (e < len && addr_domain_char(s[e]))
        e++;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-'))
        e--; /* "user@example.com." at the end of a sentence */
    while (b < at && s[b] == '.')
        b++;
    if (b == at || e <= at + 1 || e - b >= addr_size)
        return false;
    if (memchr(s + at + 1, '.', e - at - 1) == NULL)
        return false;
    memcpy(addr_r, s + b, e - b);
    addr_r[e - b] = '\0';
    return true;
}

bool reply_find_address(const char *s, size_t len, char *addr_r,
                        size_t addr_size)
{
    const char *lt, *at;
    size_t i;

    if (addr_size == 0)
        return false;
    addr_r[0] = '\0';
    /* first choice: an address in angle brackets */
    for (i = 0; i < len; i++) {
        if (s[i] != '<')
            continue;
        lt = s + i + 1;
        const char *gt = memchr(lt, '>', len - i - 1);
        if (gt == NULL)
            break;
        at = memchr(lt, '@', (size_t)(gt - lt));
        if (at != NULL && addr_around(s, (size_t)(gt - s), (size_t)(at - s),
                                      addr_r, addr_size))
            return true;
    }
    for (i = 0; i < len; i++)
        if (s[i] == '@' && addr_around(s, len, i, addr_r, addr_size))
            return true;
    return false;
}

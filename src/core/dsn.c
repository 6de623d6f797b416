/*
 * dsn.c - RFC 3464 / RFC 6533 delivery-status bodies (see dsn.h).
 */
#include "core/dsn.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/charset.h"
#include "core/hdr.h"

#define DSN_VALUE_MAX 4096 /* one unfolded field value */
#define DSN_DIAG_JIS_MAX 1024 /* ISO-2022-JP diagnostic bytes made UTF-8 */

/* A letter, digit, '-' or '_' (of a type name): bit 0x20 set, a letter
 * is one of a-z. */
static bool dsn_type_char(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u ||
           c == '-' || c == '_';
}

const char *dsn_skip_type(const char *v, size_t len)
{
    size_t i = 0;

    while (i < len && (v[i] == ' ' || v[i] == '\t'))
        i++;
    size_t t = i;
    while (i < len && i - t < 24 && dsn_type_char((unsigned char)v[i]))
        i++;
    if (i > t && i < len && v[i] == ';')
        return v + i + 1;
    return v;
}

static bool dsn_isdigit(char c)
{
    return c >= '0' && c <= '9';
}

/* Is s[i..) (with s[i + 1] == '.') an enhanced status of class 2, 4 or 5
 * standing alone?  Its end in *end_r. */
static bool dsn_status_at(const char *s, size_t len, size_t i, size_t *end_r)
{
    if (s[i] != '2' && s[i] != '4' && s[i] != '5')
        return false;
    if (i > 0 && (dsn_isdigit(s[i - 1]) || s[i - 1] == '.'))
        return false;
    size_t j = i + 2, d1 = 0, d2 = 0;
    while (j < len && dsn_isdigit(s[j]) && d1 < 4)
        j++, d1++;
    if (d1 == 0 || d1 > 3 || j >= len || s[j] != '.')
        return false;
    j++;
    while (j < len && dsn_isdigit(s[j]) && d2 < 4)
        j++, d2++;
    if (d2 == 0 || d2 > 3 || (j < len && (dsn_isdigit(s[j]) ||
                                          (s[j] == '.' && j + 1 < len &&
                                           dsn_isdigit(s[j + 1])))))
        return false;
    *end_r = j;
    return true;
}

size_t dsn_find_status(const char *s, size_t len, char *out, size_t cap)
{
    /* every status has a '.' second: memchr() finds the candidates, the
     * one at s[j] standing for a status starting at j - 1 (j + 4 <= len) */
    const char *p = s + 1, *end = len >= 5 ? s + len - 3 : s + 1;
    size_t j;

    while (p < end && (p = memchr(p, '.', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - s) - 1;
        p++;
        if (!dsn_status_at(s, len, i, &j))
            continue;
        if (j - i + 1 > cap)
            return 0;
        memcpy(out, s + i, j - i);
        out[j - i] = '\0';
        return i + 1;
    }
    if (cap > 0)
        out[0] = '\0';
    return 0;
}

void dsn_scan_reply(const char *text, size_t len, int *code_r, char *status,
                    size_t cap)
{
    size_t i = 0;

    *code_r = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i + 3 <= len && text[i] >= '2' && text[i] <= '5' &&
        dsn_isdigit(text[i + 1]) && dsn_isdigit(text[i + 2]) &&
        (i + 3 == len || text[i + 3] == ' ' || text[i + 3] == '-'))
        *code_r = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 +
                  (text[i + 2] - '0');
    (void)dsn_find_status(text + i, len - i, status, cap);
}

/* The field names read; each field's name is looked up once. */
enum dsn_name {
    DN_OTHER,
    /* per-message fields */
    DN_REPORTING_MTA, DN_ARRIVAL_DATE, DN_ENVELOPE_ID, DN_PF_QUEUE_ID,
    DN_PF_SENDER, DN_RECEIVED_FROM_MTA, DN_DSN_GATEWAY,
    /* per-recipient fields */
    DN_FINAL, DN_ORIGINAL, DN_ACTION, DN_STATUS, DN_REMOTE_MTA,
    DN_DIAGNOSTIC, DN_LAST_ATTEMPT, DN_RETRY_UNTIL,
};

/* Do the 8 bytes at a equal the 8 ASCII bytes at lower, a's letters in
 * either case?  One word (SWAR): the words may differ only in bit 0x20 of
 * the lanes where lower holds a letter a-z (ASCII: no lane carries). */
static inline bool dsn_word_eq(const char *a, const char *lower)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t x, y;

    memcpy(&x, a, sizeof x);
    memcpy(&y, lower, sizeof y);
    uint64_t letter = (y + ones * 0x1f) & ~(y + ones * 0x05) & high;
    return ((x ^ y) & ~(letter >> 2)) == 0;
}

/* Is f called lower (a lower-case literal of f->name_len bytes, at least
 * 6), ASCII case ignored as strncasecmp() would?  The first letter is
 * compared first; then 8 bytes a step, the last word overlapping the one
 * before. */
static inline bool dsn_name_is(const struct hdr_field *f, const char *lower)
{
    size_t n = f->name_len, i = 0;

    if ((f->name[0] | 0x20) != lower[0])
        return false;
    if (n < 8) {
        for (; i < n; i++)
            if ((char)(f->name[i] >= 'A' && f->name[i] <= 'Z'
                           ? f->name[i] + 32 : f->name[i]) != lower[i])
                return false;
        return true;
    }
    for (; i + 8 < n; i += 8)
        if (!dsn_word_eq(f->name + i, lower + i))
            return false;
    return dsn_word_eq(f->name + n - 8, lower + n - 8);
}

/* The id of a field's name as usually written (the case of RFC 3464 and
 * Postfix): its length picks the one or two names it may be, compared as
 * they are (a constant length: a word or two); DN_OTHER otherwise. */
static enum dsn_name dsn_name_usual(const char *n, size_t len)
{
    switch (len) {
    case 6:
        return memcmp(n, "Action", 6) == 0   ? DN_ACTION
               : memcmp(n, "Status", 6) == 0 ? DN_STATUS
                                             : DN_OTHER;
    case 10:
        return memcmp(n, "Remote-MTA", 10) == 0 ? DN_REMOTE_MTA : DN_OTHER;
    case 11:
        return memcmp(n, "DSN-Gateway", 11) == 0 ? DN_DSN_GATEWAY : DN_OTHER;
    case 12:
        return memcmp(n, "Arrival-Date", 12) == 0 ? DN_ARRIVAL_DATE
                                                  : DN_OTHER;
    case 13:
        return memcmp(n, "Reporting-MTA", 13) == 0 ? DN_REPORTING_MTA
                                                   : DN_OTHER;
    case 15:
        return memcmp(n, "Final-Recipient", 15) == 0   ? DN_FINAL
               : memcmp(n, "Diagnostic-Code", 15) == 0 ? DN_DIAGNOSTIC
                                                       : DN_OTHER;
    case 16:
        return memcmp(n, "X-Postfix-Sender", 16) == 0   ? DN_PF_SENDER
               : memcmp(n, "Will-Retry-Until", 16) == 0 ? DN_RETRY_UNTIL
                                                        : DN_OTHER;
    case 17:
        return memcmp(n, "Last-Attempt-Date", 17) == 0 ? DN_LAST_ATTEMPT
               : memcmp(n, "Received-From-MTA", 17) == 0
                   ? DN_RECEIVED_FROM_MTA
                   : DN_OTHER;
    case 18:
        return memcmp(n, "Original-Recipient", 18) == 0   ? DN_ORIGINAL
               : memcmp(n, "X-Postfix-Queue-ID", 18) == 0 ? DN_PF_QUEUE_ID
                                                          : DN_OTHER;
    case 20:
        return memcmp(n, "Original-Envelope-Id", 20) == 0 ? DN_ENVELOPE_ID
                                                          : DN_OTHER;
    default:
        return DN_OTHER;
    }
}

/* The id of a field's name: as usually written first, else its length
 * picks the one or two names it may be (written in lower case here), so
 * that a name costs a comparison or two. */
static enum dsn_name dsn_name_of(const struct hdr_field *f)
{
    const char *a = NULL, *b = NULL; /* the candidates, in order */
    enum dsn_name ia = DN_OTHER, ib = DN_OTHER;
    enum dsn_name usual = dsn_name_usual(f->name, f->name_len);

    if (usual != DN_OTHER)
        return usual;
    switch (f->name_len) {
    case 6: a = "action", ia = DN_ACTION, b = "status", ib = DN_STATUS;
        break;
    case 10: a = "remote-mta", ia = DN_REMOTE_MTA;
        break;
    case 11: a = "dsn-gateway", ia = DN_DSN_GATEWAY;
        break;
    case 12: a = "arrival-date", ia = DN_ARRIVAL_DATE;
        break;
    case 13: a = "reporting-mta", ia = DN_REPORTING_MTA;
        break;
    case 15: a = "final-recipient", ia = DN_FINAL;
        b = "diagnostic-code", ib = DN_DIAGNOSTIC;
        break;
    case 16: a = "x-postfix-sender", ia = DN_PF_SENDER;
        b = "will-retry-until", ib = DN_RETRY_UNTIL;
        break;
    case 17: a = "received-from-mta", ia = DN_RECEIVED_FROM_MTA;
        b = "last-attempt-date", ib = DN_LAST_ATTEMPT;
        break;
    case 18: a = "x-postfix-queue-id", ia = DN_PF_QUEUE_ID;
        b = "original-recipient", ib = DN_ORIGINAL;
        break;
    case 20: a = "original-envelope-id", ia = DN_ENVELOPE_ID;
        break;
    default:
        return DN_OTHER;
    }
    if (dsn_name_is(f, a))
        return ia;
    if (b != NULL && dsn_name_is(f, b))
        return ib;
    return DN_OTHER;
}

static bool dsn_message_name(enum dsn_name id)
{
    return id >= DN_REPORTING_MTA && id <= DN_DSN_GATEWAY;
}

/* Per-recipient group state, and the work space of dsn_parse() (on its
 * stack: about 11 KB). */
struct dsn_group {
    struct report_rcpt *rc;
    char orig[DSN_VALUE_MAX]; /* Original-Recipient seen before Final- */
    bool has_orig;
    bool again; /* rc had a status or diagnostic from a group before: the
                   same Final-Recipient reported twice (an alias expanded
                   to several addresses) keeps its first group's status,
                   as it keeps its diagnostic */
    char v[DSN_VALUE_MAX];    /* one unfolded value */
    struct hdr_index ix;      /* the fields of the group being read */
};

static void dsn_message_field(struct rbuild *b, enum dsn_name id,
                              const char *v, size_t vl)
{
    struct report *r = b->r;
    const char *t = v; /* past a type, for the fields that have one */

    if (id == DN_REPORTING_MTA || id == DN_PF_SENDER)
        t = dsn_skip_type(v, vl);
    size_t tl = vl - (size_t)(t - v);
    if (id == DN_REPORTING_MTA)
        rbuild_str_nonul(b, &r->reporting_mta, t, tl);
    else if (id == DN_ARRIVAL_DATE)
        rbuild_str_nonul(b, &r->arrival_date, v, vl);
    else if (id == DN_ENVELOPE_ID)
        rbuild_str_nonul(b, &r->envelope_id, v, vl);
    else if (id == DN_PF_QUEUE_ID)
        rbuild_str_nonul(b, &r->postfix_queue_id, v, vl);
    else if (id == DN_PF_SENDER)
        rbuild_str_nonul(b, &r->postfix_sender, t, tl);
}

/* The Original-Recipient v[0..vl) of rc: past its type, without the
 * blanks and angle brackets some MTAs write around the address. */
static void dsn_set_orig(struct rbuild *b, struct report_rcpt *rc,
                         const char *v, size_t vl)
{
    const char *t = dsn_skip_type(v, vl), *e = v + vl;

    while (t < e && (*t == ' ' || *t == '\t' || *t == '<'))
        t++;
    while (e > t && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>'))
        e--;
    rbuild_str_nonul(b, &rc->original_recipient, t, (size_t)(e - t));
}

static void dsn_set_rcpt(struct rbuild *b, struct dsn_group *g,
                         struct report_rcpt *rc)
{
    g->rc = rc;
    g->again = rc != NULL && (rc->status[0] != '\0' || rc->diagnostic != NULL);
    if (rc != NULL && g->has_orig)
        dsn_set_orig(b, rc, g->orig, strlen(g->orig));
}

/* Does t[0..tl) hold an ISO-2022-JP shift into JIS X 0208 (ESC $ B or
 * ESC $ @)? */
static bool dsn_iso2022jp(const char *t, size_t tl)
{
    const char *e = memchr(t, '\x1b', tl);

    for (; e != NULL; e = memchr(e + 1, '\x1b', (size_t)(t + tl - e - 1)))
        if (t + tl - e >= 3 && e[1] == '$' && (e[2] == 'B' || e[2] == '@'))
            return true;
    return false;
}

/* A diagnostic as the report keeps it: a 7-bit one with ISO-2022-JP
 * shifts (as Japanese MTAs write it in a DSN part that declares no
 * charset) in UTF-8 (utf8: DSN_DIAG_JIS_MAX * 3 + 4 bytes). */
static const char *dsn_diag_text(const char *t, size_t *tl, char *utf8)
{
    size_t ul;

    if (*tl <= DSN_DIAG_JIS_MAX && dsn_iso2022jp(t, *tl) &&
        charset_to_utf8("iso-2022-jp", 11, t, *tl, utf8,
                        DSN_DIAG_JIS_MAX * 3 + 4, &ul)) {
        *tl = ul;
        return utf8;
    }
    return t;
}

static void dsn_diagnostic(struct rbuild *b, struct report_rcpt *rc,
                           const char *v, size_t vl)
{
    const char *t = dsn_skip_type(v, vl);
    size_t tl = vl - (size_t)(t - v);
    char st[16], utf8[DSN_DIAG_JIS_MAX * 3 + 4];
    int code;

    t = dsn_diag_text(t, &tl, utf8);
    if (t == utf8) /* what iconv() made of it */
        rbuild_str(b, &rc->diagnostic, t, tl);
    else
        rbuild_str_nonul(b, &rc->diagnostic, t, tl);
    dsn_scan_reply(t, tl, &code, st, sizeof st);
    rbuild_codes(rc, st, code); /* a Status: field still overrides */
}

/* A byte hdr_unfold() turns into a space between words (or drops). */
static bool dsn_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

/* The fields read in a value as it stands, folded or not (their words
 * hold no blank, and the blanks around them do not matter), when it is
 * shorter than an unfolded value may be. */
static bool dsn_read_raw(enum dsn_name id, size_t value_len)
{
    return (id == DN_ACTION || id == DN_STATUS) &&
           value_len < DSN_VALUE_MAX;
}

/* Action: its first word, lower-cased, up to a blank, '(' or ';'. */
static void dsn_action(struct rbuild *b, struct report_rcpt *rc,
                       const char *v, size_t vl)
{
    char a[32];
    size_t n = 0, i = 0;

    while (i < vl && dsn_blank_byte(v[i]))
        i++;
    for (; i < vl && n + 1 < sizeof a && !dsn_blank_byte(v[i]) &&
           v[i] != '(' && v[i] != ';';
         i++)
        a[n++] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    rbuild_str_nonul(b, &rc->action, a, n);
}

static void dsn_rcpt_field(struct rbuild *b, const struct dsn_group *g,
                           enum dsn_name id, const char *v, size_t vl)
{
    struct report_rcpt *rc = g->rc;

    if (id == DN_ACTION) {
        dsn_action(b, rc, v, vl);
    } else if (id == DN_STATUS && !g->again) {
        char st[16], old[16];
        memcpy(old, rc->status, sizeof old);
        rc->status[0] = '\0'; /* the field beats the diagnostic */
        if (dsn_find_status(v, vl, st, sizeof st) > 0)
            rbuild_codes(rc, st, 0);
        if (rc->status[0] == '\0')
            memcpy(rc->status, old, sizeof old);
    } else if (id == DN_REMOTE_MTA) {
        const char *t = dsn_skip_type(v, vl);
        rbuild_str_nonul(b, &rc->remote_mta, t, vl - (size_t)(t - v));
    } else if (id == DN_DIAGNOSTIC) {
        dsn_diagnostic(b, rc, v, vl);
    } else if (id == DN_LAST_ATTEMPT) {
        rbuild_str_nonul(b, &rc->last_attempt, v, vl);
    } else if (id == DN_RETRY_UNTIL) {
        rbuild_str_nonul(b, &rc->will_retry_until, v, vl);
    }
}

/* Is t[0..n) an address Exchange makes of one from another address
 * space (IMCEAEX-... for a legacy X.500 name, IMCEASMTP-..., IMCEAX400-...,
 * IMCEANOTES-...), one nobody sends mail to?  The local part starts
 * "IMCEA", a type in letters and '-'. */
static bool dsn_encapsulated(const char *t, size_t n)
{
    size_t i = 5;

    if (n < 7 || strncasecmp(t, "IMCEA", 5) != 0)
        return false;
    while (i < n && i < 16 && ((t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z'))
        i++;
    return i > 5 && i < n && t[i] == '-';
}

/* The recipient a bare local part t[0..n) ("rfc822; kelly", a local
 * delivery's) stands for: b->bare_as, when its local part is that one
 * (ASCII case ignored); else NULL. */
static struct report_rcpt *dsn_bare_rcpt(struct rbuild *b, const char *t,
                                         size_t n)
{
    const char *as = b->bare_as, *at;

    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '>'))
        n--;
    if (as == NULL || n == 0 || memchr(t, '@', n) != NULL ||
        (at = strrchr(as, '@')) == NULL || (size_t)(at - as) != n ||
        strncasecmp(as, t, n) != 0)
        return NULL;
    return rbuild_rcpt(b, as, strlen(as), NULL);
}

/* One field of the body, v[0..vl) unfolded (not NUL-terminated, and no
 * NUL in it: dsn_value()); g holds the recipient group being read.  The
 * fields' strings are stored so (rbuild_str_nonul()). */
static void dsn_field(struct rbuild *b, struct dsn_group *g,
                      enum dsn_name id, const char *v, size_t vl,
                      size_t *nrcpt)
{
    if (id == DN_FINAL) {
        const char *t = dsn_skip_type(v, vl), *e = v + vl;
        while (t < e && (*t == ' ' || *t == '<'))
            t++;
        struct report_rcpt *rc = NULL;
        if (g->has_orig &&
            (t >= e || *t == '@' || dsn_encapsulated(t, (size_t)(e - t)) ||
             memchr(t, '@', (size_t)(e - t)) == NULL)) {
            /* none ("unknown;"), a source route, no address anybody sends
             * to, or one of another kind ("x400; /C=US/ADMD=.../S=Smith/"):
             * the original recipient, when it is an address */
            const char *o = dsn_skip_type(g->orig, strlen(g->orig));
            rc = rbuild_rcpt(b, o, strlen(o), NULL);
        }
        if (rc == NULL)
            rc = rbuild_rcpt(b, v, vl, NULL);
        if (rc == NULL)
            rc = dsn_bare_rcpt(b, t, (size_t)(e - t));
        dsn_set_rcpt(b, g, rc);
        (*nrcpt)++;
        g->has_orig = false;
        return;
    }
    if (id == DN_ORIGINAL) {
        if (g->rc != NULL) {
            dsn_set_orig(b, g->rc, v, vl);
        } else if (vl < sizeof g->orig) {
            memcpy(g->orig, v, vl);
            g->orig[vl] = '\0';
            g->has_orig = true;
        }
        return;
    }
    if (g->rc != NULL)
        dsn_rcpt_field(b, g, id, v, vl);
    else
        dsn_message_field(b, id, v, vl);
}

/* A recipient known only by its Original-Recipient (RFC 3464 requires a
 * Final-Recipient, but some MTAs write only the other one). */
static void dsn_orig_rcpt(struct rbuild *b, struct dsn_group *g, size_t *n)
{
    if (g->rc == NULL && g->has_orig) {
        const char *t = dsn_skip_type(g->orig, strlen(g->orig));
        dsn_set_rcpt(b, g, rbuild_rcpt(b, t, strlen(t), NULL));
        (*n)++;
    }
}

/* End of a group. */
static void dsn_group_end(struct rbuild *b, struct dsn_group *g, size_t *n)
{
    dsn_orig_rcpt(b, g, n);
    g->rc = NULL;
    g->has_orig = false;
}

#if defined(__SSE2__)
/* Do the 16 bytes at p hold no blank but single spaces (no byte up to
 * ' ' but ' ', no two spaces side by side)? */
static bool dsn_plain16(const char *p)
{
    const __m128i sp = _mm_set1_epi8(' ');
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    unsigned low = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_max_epu8(x, sp), sp)); /* bytes <= ' ' */
    unsigned spaces = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, sp));

    return ((low & ~spaces) | (spaces & (spaces >> 1))) == 0;
}
#endif

/* Is v[0..n) (no blank at either end) already what hdr_unfold() makes of
 * it: no blank in it but single spaces?  (A byte below ' ' that is no
 * blank is turned down too: hdr_unfold() then decides.)  16 bytes a step
 * where SSE2 is, the steps overlapping by one byte so that every pair is
 * seen, the last ending at n; fewer than 16 bytes copied into a padded
 * block first. */
static bool dsn_plain(const char *v, size_t n)
{
#if defined(__SSE2__)
    char pad[16];

    if (n < 16) {
        memset(pad, 'x', sizeof pad);
        memcpy(pad, v, n);
        return dsn_plain16(pad);
    }
    for (size_t i = 0;; i += 15) {
        if (i + 16 > n)
            i = n - 16; /* @UNSAFE: n >= 16 */
        if (!dsn_plain16(v + i))
            return false;
        if (i + 16 == n)
            return true;
    }
#else
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= ' ' &&
            (v[i] != ' ' || (i + 1 < n && v[i + 1] == ' ')))
            return false;
    return true;
#endif
}

/* The value of f as hdr_unfold() makes it: its own bytes, trimmed of
 * blanks, when they are plain (dsn_plain()), else unfolded into buf
 * (DSN_VALUE_MAX bytes).  Its length in *len_r. */
static const char *dsn_value(const struct hdr_field *f, char *buf,
                             size_t *len_r)
{
    const char *v = f->value, *e = v + f->value_len;

    while (v < e && dsn_blank_byte(*v))
        v++;
    while (e > v && dsn_blank_byte(e[-1]))
        e--;
    if ((size_t)(e - v) < DSN_VALUE_MAX && dsn_plain(v, (size_t)(e - v))) {
        *len_r = (size_t)(e - v);
        return v;
    }
    *len_r = hdr_unfold(f->value, f->value_len, buf, DSN_VALUE_MAX);
    return buf;
}

/* Is v[0..vl) of address type utf-8 (RFC 6533): "utf-8;" after blanks? */
static bool dsn_utf8_type(const char *v, size_t vl)
{
    size_t i = 0;

    while (i < vl && (v[i] == ' ' || v[i] == '\t'))
        i++;
    return vl - i > 5 && strncasecmp(v + i, "utf-8", 5) == 0 && v[i + 5] == ';';
}

/* The value of the hex digit c, -1 when it is none. */
static int dsn_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The length of the EmbeddedUnicodeChar ("\x{HEXPOINT}", RFC 6533) at
 * v[i..vl), its code point in *cp; 0 when there is none there. */
static size_t dsn_unicode_char(const char *v, size_t vl, size_t i,
                               unsigned long *cp)
{
    size_t k = i + 3;
    int d;

    if (vl - i < 5 || v[i] != '\\' || v[i + 1] != 'x' || v[i + 2] != '{')
        return 0;
    for (*cp = 0; k < vl && k - i - 3 < 6 && (d = dsn_hex(v[k])) >= 0; k++)
        *cp = *cp * 16 + (unsigned long)d;
    if (k == i + 3 || k >= vl || v[k] != '}' || *cp == 0 || *cp > 0x10FFFF ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return k + 1 - i;
}

/* An address of type utf-8 with its EmbeddedUnicodeChars in UTF-8, into
 * out (which may be v: the result is never longer, an escape of at least
 * five bytes making a character of four at most); its length. */
static size_t dsn_utf8_unescape(const char *v, size_t vl, char *out)
{
    size_t i = 0, n = 0, k;
    unsigned long cp;

    while (i < vl) {
        if ((k = dsn_unicode_char(v, vl, i, &cp)) > 0) {
            n += charset_utf8_put(cp, out + n);
            i += k;
        } else {
            out[n++] = v[i++];
        }
    }
    return n;
}

/* The field f, unfolded (dsn_value()), to the reader of its kind (fields
 * no reader wants are not unfolded, nor those read as they stand). */
static void dsn_one(struct rbuild *b, struct dsn_group *g,
                    const struct hdr_field *f, enum dsn_name id, size_t *n)
{
    if (id == DN_OTHER || id == DN_RECEIVED_FROM_MTA ||
        id == DN_DSN_GATEWAY)
        return; /* nothing reads them: not even unfolded */
    if (dsn_read_raw(id, f->value_len)) {
        if (g->rc != NULL) /* else no reader, as in dsn_field() */
            dsn_rcpt_field(b, g, id, f->value, f->value_len);
        return;
    }
    size_t vl;
    const char *v = dsn_value(f, g->v, &vl);

    /* "Final-Recipient: utf-8; ivan\x{0438}@example.ru" (RFC 6533) */
    if ((id == DN_FINAL || id == DN_ORIGINAL) && memchr(v, '\\', vl) &&
        dsn_utf8_type(v, vl)) {
        vl = dsn_utf8_unescape(v, vl, g->v);
        v = g->v;
    }
    if (dsn_message_name(id))
        dsn_message_field(b, id, v, vl);
    else
        dsn_field(b, g, id, v, vl, n);
}

/* The fields fs[0..nf) of a group.  The recipient fields of a group are
 * read first, so that fields written before them (some MTAs put
 * Diagnostic-Code first) still belong to them: the first Final-Recipient,
 * and the first Original-Recipient before it.  Per-message fields are
 * recognised by name wherever they stand.  The names read before the
 * Final-Recipient are kept (up to HDR_INDEX_MAX) so as to be looked up
 * once. */
static void dsn_group_fields(struct rbuild *b, struct dsn_group *g,
                             const struct hdr_field *fs, size_t nf,
                             size_t *n)
{
    size_t fo = nf, ff = nf; /* first Original-, Final-Recipient */
    unsigned char ids[HDR_INDEX_MAX];
    size_t nids = 0; /* ids[i] = dsn_name_of(&fs[i]) for i < nids */

    for (size_t i = 0; i < nf && ff == nf; i++) {
        enum dsn_name id = dsn_name_of(&fs[i]);
        if (i < HDR_INDEX_MAX)
            ids[nids++] = (unsigned char)id;
        if (id == DN_ORIGINAL && fo == nf)
            fo = i;
        else if (id == DN_FINAL)
            ff = i;
    }
    if (fo < nf)
        dsn_one(b, g, &fs[fo], DN_ORIGINAL, n);
    if (ff < nf)
        dsn_one(b, g, &fs[ff], DN_FINAL, n);
    else /* its Action, Status, ... are the Original-Recipient's */
        dsn_orig_rcpt(b, g, n);
    for (size_t i = 0; i < nf; i++)
        if (i != fo && i != ff)
            dsn_one(b, g, &fs[i],
                    i < nids ? (enum dsn_name)ids[i] : dsn_name_of(&fs[i]),
                    n);
}

/* A group of more fields than an index holds: its fields gathered into an
 * array of their own. */
static void dsn_group_big(struct rbuild *b, struct dsn_group *g,
                          const char *t, size_t len, size_t *n)
{
    size_t pos = 0, nf = 0;
    struct hdr_field f, *fs;

    while (hdr_next(t, len, &pos, &f))
        nf++;
    fs = malloc(nf * sizeof *fs); /* @UNSAFE: nf <= len */
    if (fs == NULL) {
        b->oom = true;
        return;
    }
    for (pos = 0, nf = 0; hdr_next(t, len, &pos, &f);)
        fs[nf++] = f;
    dsn_group_fields(b, g, fs, nf, n);
    free(fs);
}

static bool dsn_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* The group that starts at the line text[pos..pos + ll) (not blank) and
 * runs to the next blank line: its fields are indexed as its lines are
 * read.  Returns where it ends. */
static size_t dsn_group(struct rbuild *b, struct dsn_group *g,
                        const char *text, size_t len, size_t pos, size_t ll,
                        size_t next, size_t *n)
{
    size_t end = pos;

    hdr_index_begin(&g->ix, text + pos);
    do {
        hdr_index_line(&g->ix, end - pos, ll, next, HDR_COLON_UNKNOWN);
        end += next;
        if (end >= len)
            break;
        ll = hdr_line(text + end, len - end, &next);
    } while (!dsn_blank(text + end, ll));
    hdr_index_end(&g->ix, end - pos);
    if (g->ix.over)
        dsn_group_big(b, g, text + pos, end - pos, n);
    else
        dsn_group_fields(b, g, g->ix.f, g->ix.n, n);
    return end;
}

size_t dsn_parse(struct rbuild *b, const char *text, size_t len)
{
    struct dsn_group gs, *g = &gs; /* its buffers read only as written */
    size_t pos = 0, n = 0;

    g->rc = NULL;
    g->has_orig = false;
    while (pos < len) {
        size_t next, ll = hdr_line(text + pos, len - pos, &next);
        if (dsn_blank(text + pos, ll)) {
            dsn_group_end(b, g, &n); /* blank line: end of a group */
            pos += next;
            continue;
        }
        pos = dsn_group(b, g, text, len, pos, ll, next, &n);
    }
    dsn_group_end(b, g, &n);
    return n;
}

/*
 * report.c - report_parse(): what a bounce says (see report.h).
 *
 * One MIME walk collects, in a single pass: the bounce's own headers, the
 * delivery-status and feedback-report parts, the header block of the
 * returned original, and the text parts of the notice, kept raw (ntext.h).
 * The decision comes afterwards: a DSN with recipients is a bounce (or a
 * success notice), an ARF report is feedback, and otherwise the text rules
 * (textbounce) and the auto-reply markers decide.  The text is made then,
 * all of it for the text rules, only its head when a DSN that answers for
 * every recipient leaves the text nothing to say but the family.
 */
#include "core/report.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/addrscan.h"
#include "core/charset.h"
#include "core/dsn.h"
#include "core/evjson.h"
#include "core/hdr.h"
#include "core/mime.h"
#include "core/ntext.h"
#include "core/rbuild.h"
#include "core/scan.h"
#include "core/sesjson.h"
#include "core/textbounce.h"

#define REPORT_HDR_VALUE 1024 /* one header value we keep */
#define REPORT_NOTICE_DIAG 2048 /* a notice's text as a diagnostic */
#define REPORT_WHOLE_MAX 8      /* cut replies completed from the text */
/* The head of the notice text that textbounce_notice_family() reads: its
 * phrases in the first 4 KB, and the lines that start there (for the cut
 * before a returned original).  A text that holds a line end past it is
 * enough (ntext_head()). */
#define REPORT_FAMILY_HEAD TEXTBOUNCE_HEAD

static int report_parse_nested(const char *msg, size_t len,
                               const struct mime_limits *lim,
                               unsigned nesting, struct report **report_r,
                               const char **error_r);

struct report_ctx {
    struct rbuild b;
    struct ntext nt; /* the human-readable notice text, made when needed */
    size_t dsn_rcpts;  /* recipient groups in delivery-status parts */
    bool have_orig;    /* orig_* filled from a returned original */
    bool is_feedback;  /* report-type=feedback-report or the part */
    bool is_mdn;       /* report-type=disposition-notification (RFC 8098) */
    char *mdn_refused; /* its Final-Recipient, when its disposition says a
                          system discarded the message (report_mdn()) */
    bool orig_cc;      /* the returned original has a Cc: with something */
    char *orig_cc_val; /* that Cc: (in the report's blocks), or NULL */
    char *orig_env;    /* its one envelope recipient, when a field names
                          it (report_orig_envelope()), or NULL */
    bool autoreply;    /* RFC 3834 & co. markers on the top entity */
    bool hard_autoreply; /* Auto-Submitted: auto-replied etc., not subject */
    bool is_dsn;       /* report-type=delivery-status on the top entity */
    bool list_mail;    /* List-Id: or List-Unsubscribe: (RFC 2369, 2919) */
    bool list_admin;   /* X-List-Administrivia: yes, a list manager's own
                          notice (Mailman's bounce notices among them) */
    bool list_digest;  /* a list's digest (list_mail, "digest") */
    bool cron_output;  /* X-Cron-Env: the output of a cron job (a log
                          summary that lists bounces, say) */
    bool conversation; /* a reply: "Re:" (report_top()) */
    bool answering;    /* In-Reply-To: or References:, or a ticket system's
                          tag in the Subject: it answers a message */
    bool personal;     /* no mark of an automatic message (Auto-Submitted:
                          but "no", Precedence:, X-Autoreply: ...) and no
                          Subject of a forward: a person wrote it */
    bool sure_autoreply; /* those or any Auto-Submitted but "no", and a
                            Subject that starts as an automatic reply's,
                            or with a ticket system's tag ("[Ticket #4812]") */
    /* the top entity's From: and To: and, once report_addrs() has read
     * them (only the text rules use them), their first addresses */
    struct hdr_want from_f, to_f;
    bool have_addrs;
    char *xfailed; /* X-Failed-Recipients value (in the report's blocks) */
    char *bare_dsn; /* a delivery-status part with a recipient group whose
                       recipient was no address (a bare local part, say),
                       kept to be read again (report_bare_dsn()) */
    size_t bare_len;
    char *inner_dsn; /* a delivery-status part of an enclosed message */
    size_t inner_len;
    unsigned inner_depth; /* of the messages it is enclosed in */
    const char *input;    /* the message parsed, input_len bytes */
    size_t input_len;
    /* the first enclosed message: from its header to the input's end */
    const char *enclosed;
    size_t enclosed_len;
    unsigned nesting; /* report_parse() of an inline forwarded notice */
    /* not cleared with the fields above (report_parse_nested()): "" until
     * report_addrs() reads them */
    char from_addr[ADDRSCAN_MAX];
    char to_addr[ADDRSCAN_MAX];
};

void mime_limits_default(struct mime_limits *lim)
{
    lim->max_message_bytes = 10u * 1024u * 1024u;
    lim->max_depth = 32;
    lim->max_parts = 1000;
    lim->max_header_bytes = 64u * 1024u;
    lim->max_recipients = 1000;
}

const char *report_kind_name(enum report_kind kind)
{
    switch (kind) {
    case REPORT_BOUNCE:
        return "bounce";
    case REPORT_DELIVERED:
        return "delivered";
    case REPORT_AUTOREPLY:
        return "autoreply";
    case REPORT_FEEDBACK:
        return "feedback";
    default:
        return "not-bounce";
    }
}

/* Is the value of field f (found) only blanks? */
static bool report_blank_value(const struct hdr_want *f)
{
    for (size_t i = 0; i < f->f.value_len; i++) {
        char ch = f->f.value[i];
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
            return false;
    }
    return true;
}

/* Stores the decoded value of field f into *field ("<...>" stripped for
 * message ids). */
static void report_hdr(struct report_ctx *c, const struct hdr_want *f,
                       bool msgid, char **field)
{
    char v[REPORT_HDR_VALUE];
    bool words;

    if (*field != NULL || !f->found)
        return;
    size_t n = hdr_decode_words(f->f.value, f->f.value_len, v, sizeof v,
                                &words);
    if (msgid && n >= 2 && v[0] == '<') {
        char *gt = memchr(v, '>', n);
        n = gt != NULL ? (size_t)(gt - v - 1) : n - 1;
        if (words)
            rbuild_str(&c->b, field, v + 1, n);
        else
            rbuild_str_nonul(&c->b, field, v + 1, n);
        return;
    }
    if (words)
        rbuild_str(&c->b, field, v, n);
    else /* only unfolded: no NUL */
        rbuild_str_nonul(&c->b, field, v, n);
}

/* Is the address s[st..st + l) part of a display name: within a quoted
 * string ("a@b Moderators" <c@d>), or bare but followed by an angle
 * address before the next ','? */
static bool report_in_display_name(const char *s, size_t n, size_t st, size_t l)
{
    bool quoted = false;

    for (size_t i = 0; i < st; i++) {
        if (quoted && s[i] == '\\')
            i++;
        else if (s[i] == '"')
            quoted = !quoted;
    }
    if (quoted)
        return true;
    if (st > 0 && s[st - 1] == '<')
        return false;
    for (size_t i = st + l; i < n && s[i] != ','; i++)
        if (s[i] == '<')
            return true;
    return false;
}

/* The first address of s[0..n) not in a display name, normalised, into
 * out (cap > 0 bytes): "" when there is none, and a string also when
 * addrscan_normalize() turns it down (it may fill all but the last byte,
 * which stays NUL). */
static void report_first_addr(const char *s, size_t n, char *out,
                              size_t cap)
{
    size_t pos = 0, st, l;

    out[0] = out[cap - 1] = '\0';
    while (addrscan_next(s, n, &pos, &st, &l))
        if (!report_in_display_name(s, n, st, l)) {
            (void)addrscan_normalize(s + st, l, out, cap);
            return;
        }
}

/* report_first_addr() of a string (NULL: none). */
static void report_str_addr(const char *s, char *out, size_t cap)
{
    report_first_addr(s != NULL ? s : "", s != NULL ? strlen(s) : 0, out,
                      cap);
}

/* report_first_addr() of field f (not found: none). */
static void report_hdr_addr(const struct hdr_want *f, char *out, size_t cap)
{
    char v[REPORT_HDR_VALUE];
    size_t n = f->found ? hdr_unfold(f->f.value, f->f.value_len, v, sizeof v)
                        : 0;

    report_first_addr(v, n, out, cap);
}

/* The first addresses of the top entity's From: and To:, read when the
 * text rules first need them (a DSN whose recipients are complete never
 * does). */
static void report_addrs(struct report_ctx *c)
{
    if (c->have_addrs)
        return;
    c->have_addrs = true;
    report_hdr_addr(&c->from_f, c->from_addr, sizeof c->from_addr);
    report_hdr_addr(&c->to_f, c->to_addr, sizeof c->to_addr);
}

enum {
    O_JMRP,
    O_MSGID,
    O_FROM,
    O_TO,
    O_SUBJECT,
    O_RETPATH,
    O_CC,
    O_XENVTO,
    O_ENVTO,
    O_XORIGTO,
    O_RECEIVED,
    O_N
};

/* Is addr a list manager's own (owner-l@, l-owner@, l+owner@,
 * l-bounces@), ASCII case ignored? */
static bool report_list_role(const char *addr)
{
    const char *at = strrchr(addr, '@');
    size_t n = at != NULL ? (size_t)(at - addr) : 0;

    if (n > 6 && strncasecmp(addr, "owner-", 6) == 0)
        return true;
    return (n > 6 && (strncasecmp(at - 6, "-owner", 6) == 0 ||
                      strncasecmp(at - 6, "+owner", 6) == 0)) ||
           (n > 8 && strncasecmp(at - 8, "-bounces", 8) == 0);
}

/* Is addr the address a list manager writes its notices from besides
 * those of report_list_role(): its robot's (sympa@, listserv@,
 * majordomo@, mailman@) or a list's requests address (l-request@),
 * ASCII case ignored?  (Mail sent to one can fail like any other.) */
static bool report_list_robot(const char *addr)
{
    static const char *const robots[] = {"sympa", "listserv", "majordomo",
                                         "mailman"};
    const char *at = strrchr(addr, '@');
    size_t n = at != NULL ? (size_t)(at - addr) : 0;

    for (size_t i = 0; i < sizeof robots / sizeof robots[0]; i++)
        if (n == strlen(robots[i]) && strncasecmp(addr, robots[i], n) == 0)
            return true;
    return n > 8 && strncasecmp(at - 8, "-request", 8) == 0;
}

/* The one address of s[0..n) into out (cap bytes), normalised; false
 * when it names none or more than one. */
static bool report_one_addr(const char *s, size_t n, char *out, size_t cap)
{
    size_t pos = 0, st, l, st2, l2;

    return addrscan_next(s, n, &pos, &st, &l) &&
           !addrscan_next(s, n, &pos, &st2, &l2) &&
           addrscan_normalize(s + st, l, out, cap);
}

/* The returned original's envelope recipient, which its To: may not name
 * (a list, "undisclosed-recipients:;", the one its Cc: names): the first
 * of X-Envelope-To:, Envelope-To: and X-Original-To: that names one
 * address, else the one after "for" in its first Received: ("by
 * mx.example ... for <a@b>; ...", written by the server that took it for
 * that recipient alone). */
static void report_orig_envelope(struct report_ctx *c, const struct hdr_want *w)
{
    char v[REPORT_HDR_VALUE], a[ADDRSCAN_MAX];
    size_t n;

    for (int k = O_XENVTO; k <= O_XORIGTO; k++) {
        if (!w[k].found)
            continue;
        n = hdr_unfold(w[k].f.value, w[k].f.value_len, v, sizeof v);
        if (report_one_addr(v, n, a, sizeof a)) {
            rbuild_str(&c->b, &c->orig_env, a, strlen(a));
            return;
        }
    }
    if (!w[O_RECEIVED].found)
        return;
    n = hdr_unfold(w[O_RECEIVED].f.value, w[O_RECEIVED].f.value_len, v,
                   sizeof v);
    for (size_t i = 0; i + 5 <= n; i++) {
        if ((v[i] != ' ' && v[i] != '\t') ||
            strncasecmp(v + i + 1, "for", 3) != 0 ||
            (v[i + 4] != ' ' && v[i + 4] != '\t'))
            continue;
        size_t j = i + 5, e;
        while (j < n && (v[j] == ' ' || v[j] == '<'))
            j++;
        for (e = j; e < n && v[e] != '>' && v[e] != ';' && v[e] != ' ';)
            e++;
        if (report_one_addr(v + j, e - j, a, sizeof a))
            rbuild_str(&c->b, &c->orig_env, a, strlen(a));
        return;
    }
}

/* The returned original's fields, from the walker's index ix of its
 * header block, or (ix NULL) from the block blk[0..len) itself; pasted:
 * the block is a notice's text that quotes the original's header, whose
 * envelope fields are not read (report_orig_envelope()). */
static void report_orig(struct report_ctx *c, const struct hdr_index *ix,
                        const char *blk, size_t len, bool pasted)
{
    struct report *r = c->b.r;
    struct hdr_want w[O_N] = {[O_JMRP] = HDR_WANT("X-HmXmrOriginalRecipient"),
                              [O_MSGID] = HDR_WANT("Message-ID"),
                              [O_FROM] = HDR_WANT("From"),
                              [O_TO] = HDR_WANT("To"),
                              [O_SUBJECT] = HDR_WANT("Subject"),
                              [O_RETPATH] = HDR_WANT("Return-Path"),
                              [O_CC] = HDR_WANT("Cc"),
                              [O_XENVTO] = HDR_WANT("X-Envelope-To"),
                              [O_ENVTO] = HDR_WANT("Envelope-To"),
                              [O_XORIGTO] = HDR_WANT("X-Original-To"),
                              [O_RECEIVED] = HDR_WANT("Received")};

    if (c->have_orig)
        return;
    c->have_orig = true;
    if (ix != NULL)
        hdr_index_pick(ix, w, O_N);
    else
        hdr_pick(blk, len, w, O_N);
    if (w[O_JMRP].found) {
        c->is_feedback = true; /* Microsoft JMRP complaint */
        (void)rbuild_rcpt(&c->b, w[O_JMRP].f.value, w[O_JMRP].f.value_len,
                          NULL);
    }
    report_hdr(c, &w[O_MSGID], true, &r->orig_message_id);
    report_hdr(c, &w[O_FROM], false, &r->orig_from);
    report_hdr(c, &w[O_TO], false, &r->orig_to);
    report_hdr(c, &w[O_SUBJECT], false, &r->orig_subject);
    report_hdr(c, &w[O_RETPATH], false, &r->orig_return_path);
    c->orig_cc = w[O_CC].found && !report_blank_value(&w[O_CC]);
    if (c->orig_cc)
        rbuild_str(&c->b, &c->orig_cc_val, w[O_CC].f.value,
                   w[O_CC].f.value_len);
    if (!pasted)
        report_orig_envelope(c, w);
}

/* Does the returned original's Cc: name someone besides the notice's own
 * recipient (report_addrs() read first), who got the notice and so is no
 * failed recipient of it? */
static bool report_cc_other(const struct report_ctx *c)
{
    const char *v = c->orig_cc_val;
    char a[ADDRSCAN_MAX];
    size_t pos = 0, s, l, n;

    if (!c->orig_cc)
        return false;
    if (v == NULL || c->to_addr[0] == '\0')
        return true;
    n = strlen(v);
    while (addrscan_next(v, n, &pos, &s, &l))
        if (!addrscan_normalize(v + s, l, a, sizeof a) ||
            strcasecmp(a, c->to_addr) != 0)
            return true;
    return false;
}

/* Is field f present and (prefix != NULL) starting with prefix? */
static bool report_hdr_has(const struct hdr_want *f, const char *prefix)
{
    char v[256];

    if (!f->found)
        return false;
    hdr_unfold(f->f.value, f->f.value_len, v, sizeof v);
    return prefix == NULL || strncasecmp(v, prefix, strlen(prefix)) == 0;
}

static char report_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Does a Subject start as an automatic reply's does (the prefixes mail
 * clients put before the subject replied to, in several languages)? */
static bool report_autoreply_prefix(const char *s)
{
    /* the ASCII ones, then those of other scripts, each as written */
    static const char *const pfx[] = {
        "auto:", "autoreply", "auto-reply", "auto reply", "automatic reply",
        "autorespons", "out of office", "out of the office", "vacation",
        "abwesenheit", "absence", "on vacation", "away from",
        "risposta automatica", "automatische antwort", "automatisch antwoord",
        "autosvar", "automaattinen vastaus", "automatiskt svar",
        "automatisk svar", "automatski odgovor", "samodejni odgovor",
        "balasan otomatis",
        /* Latin letters beyond ASCII */
        "réponse automatique", "respuesta automática", "resposta automática",
        "odpowiedź automatyczna", "automatická odpověď", "automatikus válasz",
        "răspuns automat", "otomatik yanıt", "automatická odpoveď",
        "trả lời tự động",
        /* Greek, Cyrillic, CJK */
        "Αυτόματη απάντηση", "Автоматический ответ", "Автоматична відповідь",
        "自動応答", "自動返信", "自动回复", "自動回覆"};
    char c0 = report_lower(s[0]); /* the prefixes are lower case */

    for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
        if (pfx[i][0] == c0 && strncasecmp(s, pfx[i], strlen(pfx[i])) == 0)
            return true;
    return false;
}

/* Does a Subject start with one of word[] (ASCII case ignored, a count
 * allowed: "Re[2]:") or of utf8[], and a colon (or a full-width one),
 * after a tag a list or a ticket system puts first ("[Support #4812]
 * Re:") if any? */
static bool report_subject_prefix(const char *s, const char *const *word,
                                  size_t nword, const char *const *utf8,
                                  size_t nutf8)
{
    size_t n = 0, i;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '[') {
        const char *close = memchr(s, ']', strnlen(s, 80));
        if (close != NULL)
            for (s = close + 1; *s == ' ' || *s == '\t';)
                s++;
    }
    for (i = 0; i < nutf8; i++)
        if (strncmp(s, utf8[i], strlen(utf8[i])) == 0) {
            const char *t = s + strlen(utf8[i]);
            return *t == ':' || strncmp(t, "：", strlen("：")) == 0;
        }
    while (n < 5 && ((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z'))
        n++;
    const char *t = s + n;
    if (*t == '[' || *t == '(') { /* a count: "Re[2]:" */
        char close = *t == '[' ? ']' : ')';
        for (t++; *t >= '0' && *t <= '9'; t++)
            ;
        if (*t++ != close)
            return false;
    }
    if (n == 0 || *t != ':')
        return false;
    for (i = 0; i < nword; i++)
        if (strlen(word[i]) == n && strncasecmp(s, word[i], n) == 0)
            return true;
    return false;
}

/* Does a Subject start as a reply's does ("Re:", "AW:", "SV:", "回复:")? */
static bool report_reply_prefix(const char *s)
{
    static const char *const word[] = {"re", "aw", "sv", "antw", "odp", "ynt",
                                       "vs", "rif", "r", "res", "ref", "atb"};
    static const char *const utf8[] = {"回复", "答复", "回覆", "返信", "Ответ"};

    return report_subject_prefix(s, word, sizeof word / sizeof *word, utf8,
                                 sizeof utf8 / sizeof *utf8);
}

/* Does a Subject start with a prefix mail clients put before the subject
 * they forward ("Fwd:", "FW:", "WG:", "TR:", "RV:", "转发:" ...)? */
static bool report_forward_prefix(const char *s)
{
    static const char *const word[] = {"fwd", "fw", "wg", "tr", "rv", "enc",
                                       "i", "pd", "doorst"};
    static const char *const utf8[] = {"转发", "轉寄", "転送", "Пересл"};

    return report_subject_prefix(s, word, sizeof word / sizeof *word, utf8,
                                 sizeof utf8 / sizeof *utf8);
}

/* Vacation-like subjects (only a hint: bounces win over it). */
static bool report_autoreply_subject(const char *s)
{
    return report_autoreply_prefix(s) || strstr(s, "Out of Office") != NULL ||
           strstr(s, "AutoReply") != NULL;
}

/* Does a Subject start with a ticket system's tag: "[Ticket #4812]",
 * "[#SR-2231]", "[Case 00412]", "[Request ID :##RE-1234##]" (a '#', or
 * "ticket", "case", "request" or "incident", then a digit, inside a leading
 * bracket)?  A mail system titles its notices with no such tag. */
static bool report_ticket_tag(const char *s)
{
    static const char *const word[] = {"ticket", "case", "request",
                                       "incident"};
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '[')
        return false;
    const char *close = memchr(s, ']', strnlen(s, 80));
    if (close == NULL)
        return false;
    bool marked = false; /* a '#' or one of word[] seen */
    for (const char *p = s + 1; p < close; p++) {
        if (*p == '#')
            marked = true;
        for (size_t i = 0; i < sizeof word / sizeof word[0]; i++)
            if ((size_t)(close - p) > strlen(word[i]) &&
                strncasecmp(p, word[i], strlen(word[i])) == 0)
                marked = true;
        if (marked && *p >= '0' && *p <= '9')
            return true;
    }
    return false;
}

/* Where w[0..wn) first stands in s[0..len) from offset from on, ASCII
 * case ignored; len when it does not. */
static size_t report_find(const char *s, size_t len, size_t from, const char *w,
                          size_t wn)
{
    for (size_t i = from; wn > 0 && i + wn <= len; i++)
        if (report_lower(s[i]) == report_lower(w[0]) &&
            strncasecmp(s + i, w, wn) == 0)
            return i;
    return len;
}

/* The bit of the 64 that byte c (lower case) stands for in a set of the
 * first bytes of strings. */
static uint64_t report_first_bit(char c)
{
    return (uint64_t)1 << ((unsigned char)report_lower(c) & 63u);
}

/* Does s[0..len) hold one of the n strings w[], caselessly?  One pass over
 * s: the strings are compared only where a byte may start one of them. */
static bool report_holds_any(const char *s, size_t len, const char *const *w,
                             size_t n)
{
    uint64_t firsts = 0;

    for (size_t k = 0; k < n; k++)
        firsts |= report_first_bit(w[k][0]);
    for (size_t i = 0; i < len; i++) {
        char c = report_lower(s[i]);
        if ((firsts & report_first_bit(c)) == 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            if (report_lower(w[k][0]) != c)
                continue;
            size_t wn = strlen(w[k]);
            if (wn > 0 && wn <= len - i && strncasecmp(s + i, w[k], wn) == 0)
                return true;
        }
    }
    return false;
}

/* Does s hold w, caselessly? */
static bool report_has_word(const char *s, const char *w)
{
    return report_holds_any(s, strlen(s), &w, 1);
}

/* Does a Subject title a summary of the mail a filter held ("Spam
 * Quarantine Summary", "Quarantine digest")?  Its list names the senders
 * of that mail, none of them a failed recipient. */
static bool report_held_digest(const char *subject, const char *from)
{
    /* quarantine (English, Dutch and French, German, Italian, Spanish),
     * spam; summary, digest, overview (Dutch, German: either case),
     * summary (German, Italian, Spanish, French) */
    static const char *const held[] = {"quarantin", "quarantai",
                                       "quarant\xc3\xa4", "quarantena",
                                       "cuarentena", "spam"};
    static const char *const summary[] = {
        "summary", "digest", "overview", "overzicht",
        "\xc3\xbc" "bersicht", "\xc3\x9c" "bersicht", "zusammenfassung",
        "riepilogo", "resumen", "r\xc3\xa9" "capitulatif"};
    const size_t nheld = sizeof held / sizeof *held;
    const size_t nsummary = sizeof summary / sizeof *summary;
    size_t n = strlen(subject), fn = from != NULL ? strlen(from) : 0;

    if (report_holds_any(subject, n, held, nheld))
        return report_holds_any(subject, n, summary, nsummary);
    /* a filter's digest titled without its word for held mail ("End User
     * Digest"), from an address named for what it sends (quarantine@,
     * pps-digest@); the short From is read first */
    static const char *const sender[] = {"quarantin", "digest", "spam"};
    return report_holds_any(from, fn, sender, sizeof sender / sizeof *sender) &&
           report_holds_any(subject, n, summary, nsummary);
}

enum {
    T_FROM, T_SUBJECT, T_MSGID, T_TO, T_CTYPE, T_AUTOSUB, T_XAUTOREPLY,
    T_XAUTORESPOND, T_PRECEDENCE, T_APPLE, T_XFAILED, T_LISTID, T_LISTUNSUB,
    T_INREPLYTO, T_REFERENCES, T_ADMIN, T_CRON, T_N
};

static void report_top(struct report_ctx *c, const struct mime_part *p)
{
    struct report *r = c->b.r;
    struct hdr_want w[T_N] = {
        [T_FROM] = HDR_WANT("From"), [T_SUBJECT] = HDR_WANT("Subject"),
        [T_MSGID] = HDR_WANT("Message-ID"), [T_TO] = HDR_WANT("To"),
        [T_CTYPE] = HDR_WANT("Content-Type"),
        [T_AUTOSUB] = HDR_WANT("Auto-Submitted"),
        [T_XAUTOREPLY] = HDR_WANT("X-Autoreply"),
        [T_XAUTORESPOND] = HDR_WANT("X-Autorespond"),
        [T_PRECEDENCE] = HDR_WANT("Precedence"),
        [T_APPLE] = HDR_WANT("X-Apple-Unsubscribe"),
        [T_XFAILED] = HDR_WANT("X-Failed-Recipients"),
        [T_LISTID] = HDR_WANT("List-Id"),
        [T_LISTUNSUB] = HDR_WANT("List-Unsubscribe"),
        [T_INREPLYTO] = HDR_WANT("In-Reply-To"),
        [T_REFERENCES] = HDR_WANT("References"),
        [T_ADMIN] = HDR_WANT("X-List-Administrivia"),
        [T_CRON] = HDR_WANT("X-Cron-Env")};
    char v[256];

    hdr_index_pick(p->fields, w, T_N);
    report_hdr(c, &w[T_FROM], false, &r->from);
    report_hdr(c, &w[T_SUBJECT], false, &r->subject);
    report_hdr(c, &w[T_MSGID], true, &r->message_id);
    c->from_f = w[T_FROM];
    c->to_f = w[T_TO];
    if (w[T_CTYPE].found &&
        hdr_param(w[T_CTYPE].f.value, w[T_CTYPE].f.value_len, "report-type",
                  v, sizeof v)) {
        c->is_feedback = strcasecmp(v, "feedback-report") == 0;
        c->is_mdn = strcasecmp(v, "disposition-notification") == 0;
        c->is_dsn = strcasecmp(v, "delivery-status") == 0 ||
                    strcasecmp(v, "global-delivery-status") == 0;
    }
    c->hard_autoreply = report_hdr_has(&w[T_AUTOSUB], "auto-replied") ||
                        report_hdr_has(&w[T_XAUTOREPLY], NULL) ||
                        report_hdr_has(&w[T_XAUTORESPOND], NULL) ||
                        report_hdr_has(&w[T_PRECEDENCE], "auto_reply") ||
                        report_hdr_has(&w[T_APPLE], NULL);
    c->autoreply = c->hard_autoreply ||
                   (r->subject != NULL && report_autoreply_subject(r->subject));
    /* any automatic submission (RFC 3834: Exchange marks its automatic
     * replies auto-generated) titled as an automatic reply */
    bool automatic = c->hard_autoreply ||
                     (w[T_AUTOSUB].found &&
                      !report_hdr_has(&w[T_AUTOSUB], "no"));
    c->personal = !automatic && !w[T_PRECEDENCE].found &&
                  !(r->subject != NULL && report_forward_prefix(r->subject));
    c->sure_autoreply = automatic && r->subject != NULL &&
                        (report_autoreply_prefix(r->subject) ||
                         report_ticket_tag(r->subject));
    if (w[T_XFAILED].found)
        rbuild_str(&c->b, &c->xfailed, w[T_XFAILED].f.value,
                   w[T_XFAILED].f.value_len);
    c->list_mail = w[T_LISTID].found || w[T_LISTUNSUB].found;
    c->list_admin = report_hdr_has(&w[T_ADMIN], "yes");
    c->cron_output = w[T_CRON].found;
    c->list_digest = c->list_mail && r->subject != NULL &&
                     report_has_word(r->subject, "digest");
    /* an answer, no message forwarded (whose notice is one: Sisimai's
     * reading, a person's "Fwd:" of a bounce keeps its failures) */
    c->answering = (w[T_INREPLYTO].found || w[T_REFERENCES].found ||
                    (r->subject != NULL && report_ticket_tag(r->subject))) &&
                   !(r->subject != NULL && report_forward_prefix(r->subject));
    /* a reply titled as one: a person's, unless it is marked an
     * automatic reply, or marked automatic and answers no message by its
     * headers (RFC 3834 replies may be titled "Re:" and name the message
     * they answer) */
    c->conversation = r->subject != NULL && report_reply_prefix(r->subject) &&
                      !c->hard_autoreply &&
                      (w[T_INREPLYTO].found || w[T_REFERENCES].found ||
                       !automatic);
}

static void report_entity(struct report_ctx *c, const struct mime_part *p)
{
    if (p->index == 0) {
        report_top(c, p);
    } else if (p->msg_depth == 1) {
        report_orig(c, p->fields, p->hdr, p->hdr_len, false);
        if (c->enclosed == NULL && p->hdr >= c->input &&
            p->hdr < c->input + c->input_len) {
            c->enclosed = p->hdr;
            c->enclosed_len = c->input_len - (size_t)(p->hdr - c->input);
        }
    }
}

/* Feedback report fields (RFC 5965): the reported recipients. */
static void report_feedback(struct report_ctx *c, const char *t, size_t n)
{
    size_t pos = 0;
    struct hdr_field f;

    c->is_feedback = true;
    while (hdr_next(t, n, &pos, &f)) {
        if ((f.name_len == 16 &&
             strncasecmp(f.name, "Original-Rcpt-To", 16) == 0) ||
            (f.name_len == 17 &&
             strncasecmp(f.name, "Removal-Recipient", 17) == 0))
            (void)rbuild_rcpt(&c->b, f.value, f.value_len, NULL);
    }
}

/* Is a disposition (RFC 8098 section 3.2.6) "automatic-action/...;
 * deleted", a message its recipient's system discarded?  A refusal that a
 * Sieve "reject" (RFC 5429) or a delivery agent over quota reports so. */
static bool report_mdn_discarded(const char *v, size_t n)
{
    const char *semi = memchr(v, ';', n);
    size_t i = 0;

    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (semi == NULL || n - i < 16 ||
        strncasecmp(v + i, "automatic-action", 16) != 0)
        return false;
    for (i = (size_t)(semi - v) + 1; i < n && (v[i] == ' ' || v[i] == '\t');)
        i++;
    return n - i >= 7 && strncasecmp(v + i, "deleted", 7) == 0 &&
           (n - i == 7 || memchr(" \t\r\n/;", v[i + 7], 6) != NULL);
}

/* The fields of a message/disposition-notification part: its
 * Final-Recipient kept when its Disposition says the message was
 * discarded. */
static void report_mdn(struct report_ctx *c, const char *t, size_t n)
{
    size_t pos = 0;
    struct hdr_field f, rcpt = {0};
    bool discarded = false;

    while (hdr_next(t, n, &pos, &f)) {
        if (f.name_len == 15 &&
            strncasecmp(f.name, "Final-Recipient", 15) == 0)
            rcpt = f;
        else if (f.name_len == 11 &&
                 strncasecmp(f.name, "Disposition", 11) == 0)
            discarded = report_mdn_discarded(f.value, f.value_len);
    }
    if (discarded && rcpt.value != NULL && c->mdn_refused == NULL)
        rbuild_str(&c->b, &c->mdn_refused, rcpt.value, rcpt.value_len);
}

/* What report_cb() does with a leaf, by its type. */
enum report_leaf {
    RL_OTHER = 0, /* not read (only encoding errors count) */
    RL_DSN,       /* message/delivery-status, message/global-delivery-status */
    RL_FEEDBACK,  /* message/feedback-report */
    RL_MDN,       /* message/disposition-notification */
    RL_ORIG,      /* text/rfc822-header*, message/rfc822-headers, and
                     message/rfc822 or message/global not walked into */
    /* the text kinds, last (report_cb() tells them by order): kept raw */
    RL_MULTIPART, /* multipart/ with no usable boundary */
    RL_HTML,      /* text/html */
    RL_TEXT,      /* other text/ types */
};

/* Is the type t (a NUL-ended string in the 64 bytes of mime_part.type,
 * or a suffix of one) the literal lit / does it start with lit?  Fixed
 * sizes within those bytes: compared in a word or two, not by a call. */
#define REPORT_TYPE_IS(t, lit) (memcmp((t), lit, sizeof lit) == 0)
#define REPORT_TYPE_HAS(t, lit) (memcmp((t), lit, sizeof lit - 1) == 0)

/* The subtype of a message/ leaf (t + 8 of its type). */
static enum report_leaf report_leaf_message(const char *sub)
{
    if (REPORT_TYPE_IS(sub, "delivery-status") ||
        REPORT_TYPE_IS(sub, "global-delivery-status"))
        return RL_DSN;
    if (REPORT_TYPE_IS(sub, "feedback-report"))
        return RL_FEEDBACK;
    if (REPORT_TYPE_IS(sub, "disposition-notification"))
        return RL_MDN;
    if (REPORT_TYPE_IS(sub, "rfc822-headers") ||
        REPORT_TYPE_IS(sub, "rfc822") || REPORT_TYPE_IS(sub, "global"))
        return RL_ORIG;
    return RL_OTHER;
}

/* The class of a leaf of type t (lower case; mime_part.type), read once. */
static enum report_leaf report_leaf_of(const char t[64])
{
    switch (t[0]) {
    case 't':
        if (!REPORT_TYPE_HAS(t, "text/"))
            return RL_OTHER;
        if (REPORT_TYPE_IS(t + 5, "html"))
            return RL_HTML;
        return REPORT_TYPE_HAS(t + 5, "rfc822-header") ? RL_ORIG : RL_TEXT;
    case 'm':
        if (REPORT_TYPE_HAS(t, "message/"))
            return report_leaf_message(t + 8);
        return REPORT_TYPE_HAS(t, "multipart/") ? RL_MULTIPART : RL_OTHER;
    case 'a': /* a sending service's events (evjson.h) read as text */
        return REPORT_TYPE_IS(t, "application/json") ? RL_TEXT : RL_OTHER;
    default:
        return RL_OTHER;
    }
}

/* A leaf of the notice itself (not of the returned original), decoded,
 * other than text. */
static void report_leaf0(struct report_ctx *c, enum report_leaf kind,
                         const char *d, size_t dn)
{
    switch (kind) {
    case RL_DSN: {
        size_t before = c->b.r->nrcpts, groups = dsn_parse(&c->b, d, dn);
        c->dsn_rcpts += groups;
        if (groups > c->b.r->nrcpts - before && c->bare_dsn == NULL) {
            if ((c->bare_dsn = malloc(dn + 1)) == NULL) {
                c->b.oom = true;
                break;
            }
            memcpy(c->bare_dsn, d, dn);
            c->bare_dsn[dn] = '\0';
            c->bare_len = dn;
        }
        break;
    }
    case RL_FEEDBACK:
        report_feedback(c, d, dn);
        break;
    case RL_MDN:
        report_mdn(c, d, dn);
        break;
    case RL_ORIG:
        report_orig(c, NULL, d, dn, false);
        break;
    default:
        break;
    }
}

static void report_cb(void *ctx, enum mime_event ev, const struct mime_part *p)
{
    struct report_ctx *c = ctx;

    if (ev == MIME_EV_ENTITY) {
        report_entity(c, p);
        return;
    }
    enum report_leaf kind = report_leaf_of(p->type);
    /* within enclosed messages, only the least deep delivery-status part
     * counts (the first of those): a notice about a notice, or a notice
     * forwarded as an attachment, once or more (mime_limits bound the
     * depth) */
    if (p->msg_depth >= 1 &&
        (kind != RL_DSN ||
         (c->inner_dsn != NULL && p->msg_depth >= c->inner_depth)))
        return;
    if (p->msg_depth == 0 && kind >= RL_MULTIPART) {
        ntext_leaf(&c->nt, p, kind == RL_HTML   ? NTEXT_HTML
                              : kind == RL_TEXT ? NTEXT_PLAIN
                                                : NTEXT_RAW);
        return; /* read when the decision needs it (ntext.h) */
    }
    if (p->msg_depth == 0 && kind == RL_OTHER) {
        char none; /* nothing is kept: only encoding errors count */
        if (p->cte != MIME_CTE_IDENTITY)
            (void)mime_decode(p, &none, 0, &c->b.r->errors);
        return;
    }
    if (p->msg_depth == 0 && p->cte == MIME_CTE_IDENTITY) {
        report_leaf0(c, kind, p->body, p->body_len); /* read in place */
        return;
    }
    char *d = malloc(p->body_len + 1);
    if (d == NULL) {
        c->b.oom = true;
        return;
    }
    size_t dn = mime_decode(p, d, p->body_len, &c->b.r->errors);
    d[dn] = '\0';
    if (p->msg_depth >= 1) { /* kept for a notice about a notice */
        free(c->inner_dsn);
        c->inner_dsn = d;
        c->inner_len = dn;
        c->inner_depth = p->msg_depth;
        return;
    }
    report_leaf0(c, kind, d, dn);
    free(d);
}

/* Kind of a DSN by its recipients' actions and statuses. */
static enum report_kind report_dsn_kind(const struct report *r)
{
    for (size_t i = 0; i < r->nrcpts; i++) {
        const struct report_rcpt *rc = &r->rcpts[i];
        if (rc->action != NULL &&
            ((rc->action[0] == 'f' && strcmp(rc->action, "failed") == 0) ||
             (rc->action[0] == 'd' && strcmp(rc->action, "delayed") == 0)))
            return REPORT_BOUNCE;
        if (rc->status[0] == '4' || rc->status[0] == '5')
            return REPORT_BOUNCE;
        if (rc->action == NULL && rc->status[0] == '\0')
            return REPORT_BOUNCE;
    }
    return REPORT_DELIVERED;
}

static void report_xfailed(struct report_ctx *c)
{
    size_t pos = 0, s, l, n;

    if (c->xfailed == NULL)
        return;
    n = strlen(c->xfailed);
    while (addrscan_next(c->xfailed, n, &pos, &s, &l))
        (void)rbuild_rcpt(&c->b, c->xfailed + s, l, NULL);
}

/* Is the line at t[i..len) field (fl >= 2 bytes, case-insensitive)? */
static bool report_line_is(const char *t, size_t len, size_t i,
                           const char *field, size_t fl)
{
    return len - i >= fl && strncasecmp(t + i, field, fl) == 0;
}

/* Does a line of t[0..len) start with field (case-insensitive; at least
 * 2 bytes, the first two ASCII letters)?  Lines start at 0 and after each
 * CR or LF; only those that start with the field's two letters are
 * compared (scan_line_pair()).  Linear in len. */
static bool report_has_line(const char *t, size_t len, const char *field)
{
    size_t fl = strlen(field);
    char a = (char)(field[0] | 0x20), b = (char)(field[1] | 0x20);

    if (fl > len)
        return false;
    if (report_line_is(t, len, 0, field, fl))
        return true;
    for (size_t p = 1; (p = scan_line_pair(t, p, len, a, b, 0x20)) < len;
         p++)
        if (report_line_is(t, len, p, field, fl))
            return true;
    return false;
}

/* The failed recipients of the notice msg[0..len) (enclosed in this one,
 * or pasted into it), as this report's; its format, or NULL when it is
 * no bounce. */
static const char *report_adopt(struct report_ctx *c, const char *msg,
                                size_t len)
{
    struct report *inner = NULL;
    const char *err, *mta = NULL;

    if (c->nesting > 0 || len == 0)
        return NULL;
    if (report_parse_nested(msg, len, c->b.lim, c->nesting + 1, &inner, &err) <
        0) {
        c->b.oom = true;
        return NULL;
    }
    if (inner->kind == REPORT_BOUNCE) {
        for (size_t i = 0; i < inner->nrcpts; i++) {
            const struct report_rcpt *ir = &inner->rcpts[i];
            struct report_rcpt *rc = rbuild_rcpt(
                &c->b, ir->recipient, strlen(ir->recipient), NULL);
            if (rc == NULL)
                continue;
            rbuild_str(&c->b, &rc->diagnostic, ir->diagnostic,
                       ir->diagnostic ? strlen(ir->diagnostic) : 0);
            rbuild_str(&c->b, &rc->action, ir->action,
                       ir->action ? strlen(ir->action) : 0);
            rbuild_str(&c->b, &rc->remote_mta, ir->remote_mta,
                       ir->remote_mta ? strlen(ir->remote_mta) : 0);
            rbuild_codes(rc, ir->status, ir->reply_code);
        }
        mta = inner->mta;
    }
    report_free(&inner);
    return mta;
}

#define REPORT_INLINE_HOPS 4   /* forwards of a forward followed down */
#define REPORT_INLINE_FIELDS 8 /* header fields of a pasted message read */

/* Do the header fields that open t[0..len) (a message pasted into a text
 * after "-----Original Message-----") give a Subject a person's forward
 * has ("FW: Undeliverable: ...")? */
static bool report_pasted_forward(const char *t, size_t len)
{
    struct hdr_field f;
    size_t pos = 0;
    char v[64];

    for (int k = 0; k < REPORT_INLINE_FIELDS && hdr_next(t, len, &pos, &f); k++)
        if (f.name_len == 7 && hdr_caseeq(f.name, "Subject", 7)) {
            size_t n = hdr_unfold(f.value, f.value_len, v, sizeof v - 1);
            v[n] = '\0';
            return report_forward_prefix(v);
        }
    return false;
}

/* Does the line at t[0..len) say that a mail client pasted a message
 * below it ("-----Original Message-----", "-------- Forwarded Message
 * --------", Outlook's localised "-----Ursprüngliche Nachricht-----" ...)?
 * A mail system's "Below this line is a copy of the message" does not. */
static bool report_pasted_marker(const char *t, size_t len)
{
    static const char *const mark[] = {"original message",
                                       "forwarded message",
                                       "urspr\xc3\xbcngliche nachricht",
                                       "message d'origine",
                                       "mensaje original",
                                       "messaggio originale",
                                       "oorspronkelijk bericht",
                                       "mensagem original"};
    const char *nl = memchr(t, '\n', len);

    return report_holds_any(t, nl != NULL ? (size_t)(nl - t) : len, mark,
                            sizeof mark / sizeof mark[0]);
}

/* Recipients of a forwarded notice pasted inline at text[orig..].  A
 * forward of a forward pasted below it ("FW: Undeliverable", sent on
 * again as "FW: FW: Undeliverable" under "-----Original Message-----")
 * is followed down to the message it forwards: the notice is there, and
 * the addresses of the forwards' own header lines are the people who
 * passed it on.  Only a mail client's marker leads down: below a mail
 * system's ("Below this line is a copy of the message") is the original
 * the notice returns, not the notice. */
static const char *report_inline(struct report_ctx *c, size_t orig)
{
    for (int hop = 0;
         hop < REPORT_INLINE_HOPS && orig < c->nt.len &&
         report_pasted_forward(c->nt.text + orig, c->nt.len - orig);
         hop++) {
        const char *t = c->nt.text + orig;
        size_t rest = c->nt.len - orig, next;
        size_t cut = textbounce_cut(t, rest, &next);
        if (next >= rest || !report_pasted_marker(t + cut, rest - cut))
            break;
        orig += next;
    }
    if (orig >= c->nt.len)
        return NULL;
    return report_adopt(c, c->nt.text + orig, c->nt.len - orig);
}

/* The one reply text[0..len) gives (textbounce_lone_reply()) into d (cap
 * bytes), when its status says more than X.0.0: the notice's reason, more
 * than its prose ("refused the message permanently ... 550 5.1.1 ...").
 * Its length, or 0. */
static size_t report_specific_reply(const char *text, size_t len, char *d,
                                    size_t cap)
{
    char st[16];
    size_t dl = textbounce_lone_reply(text, len, d, cap), off = 0, at;

    /* its first failure status (a "250 2.0.0" before it says nothing) */
    while (off < dl &&
           (at = dsn_find_status(d + off, dl - off, st, sizeof st)) > 0) {
        if (st[0] == '4' || st[0] == '5')
            return strlen(st) == 5 && strcmp(st + 1, ".0.0") == 0 ? 0 : dl;
        off += at;
    }
    return 0;
}

/* May c stand in a name around a local part (letter, digit, '.', '_',
 * '-', '+')? */
static bool report_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '+';
}

/* Is the local part lp[0..n) a word of text[0..len): not within a longer
 * name (letters, digits, '.', '_', '-', '+' around it, nor '@' after it)? */
static bool report_local_word(const char *text, size_t len, const char *lp,
                              size_t n)
{
    for (size_t i = report_find(text, len, 0, lp, n); i < len;
         i = report_find(text, len, i + 1, lp, n)) {
        char b = i > 0 ? text[i - 1] : ' ', a = i + n < len ? text[i + n] : ' ';
        if (!report_name_byte(b) && !report_name_byte(a) && a != '@')
            return true;
    }
    return false;
}

#define REPORT_NAMED_MAX 16 /* addresses of To: and Cc: looked for */

/* Is the local part lp[0..n) also a word a notice's prose may use ("please
 * contact support", "for more info")?  Such a name says nothing. */
static bool report_common_local(const char *lp, size_t n)
{
    static const char *const words[] = {
        "info",     "support",    "sales",     "admin",    "contact",
        "office",   "help",       "mail",      "team",     "service",
        "hello",    "billing",    "account",   "accounts", "news",
        "abuse",    "postmaster", "webmaster", "noreply",  "no-reply",
        "security", "hr",         "jobs",      "marketing"};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncasecmp(lp, words[i], n) == 0)
            return true;
    return false;
}

#define REPORT_NAME_MIN 5      /* bytes of a display name looked for */
#define REPORT_NAME_MAX 64     /* at most, as a local part's */
#define REPORT_NAME_SCAN 16384 /* bytes of the prose searched for one */

static bool report_name_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' ||
           c == '\'';
}

/* Does text[0..len) name the display name that the address at v[st..]
 * has in a To: or Cc: field v ("Helen Carter <h.c@example.com>", or
 * quoted, "\"Carter, Helen\" <...>"), as words of its own ("Helen Carter
 * on 03/07/2024 10:12")?  Only a name of two words or more, of
 * REPORT_NAME_MIN to REPORT_NAME_MAX bytes, is looked for, in the first
 * REPORT_NAME_SCAN bytes of the text. */
static bool report_display_named(const char *text, size_t len, const char *v,
                                 size_t st)
{
    size_t e = st, b;

    if (e == 0 || v[e - 1] != '<')
        return false;
    for (e--; e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t' ||
                        v[e - 1] == '\r' || v[e - 1] == '\n');)
        e--;
    if (e > 0 && v[e - 1] == '"') { /* the quoted name */
        for (b = e - 1; b > 0 && v[b - 1] != '"';)
            b--;
        if (b == 0)
            return false;
    } else {
        for (b = e; b > 0 && v[b - 1] != ',' && v[b - 1] != '>';)
            b--;
    }
    while (b < e && report_name_blank(v[b]))
        b++;
    while (e > b && report_name_blank(v[e - 1]))
        e--;
    if (e - b < REPORT_NAME_MIN || e - b > REPORT_NAME_MAX ||
        memchr(v + b, ' ', e - b) == NULL || memchr(v + b, '@', e - b) != NULL)
        return false;
    return report_local_word(
        text, len < REPORT_NAME_SCAN ? len : REPORT_NAME_SCAN, v + b, e - b);
}

/* The one address of the returned original's To: and Cc: whose local part
 * alone, or display name, the notice's text[0..len) names ("undeliverable
 * to the following: rwinter (user not found)", Exchange's "Helen Carter on
 * 03/07/2024 10:12"), into out (cap bytes); false when none or more than
 * one is named so. */
static bool report_named_local(const struct report_ctx *c, const char *text,
                               size_t len, char *out, size_t cap)
{
    const char *fields[2] = {c->b.r->orig_to, c->orig_cc_val};
    char a[ADDRSCAN_MAX];
    size_t found = 0, seen = 0;

    out[0] = '\0';
    for (size_t f = 0; f < 2; f++) {
        const char *v = fields[f];
        size_t pos = 0, st, l, n = v != NULL ? strlen(v) : 0;
        while (seen < REPORT_NAMED_MAX && addrscan_next(v, n, &pos, &st, &l)) {
            seen++;
            if (!addrscan_normalize(v + st, l, a, sizeof a))
                continue;
            const char *at = strrchr(a, '@');
            size_t ln = at != NULL ? (size_t)(at - a) : 0;
            if ((ln < 3 || report_common_local(a, ln) ||
                 !report_local_word(text, len, a, ln)) &&
                !report_display_named(text, len, v, st))
                continue;
            if (found++ == 0 && strlen(a) < cap)
                memcpy(out, a, strlen(a) + 1);
            else if (strcasecmp(out, a) != 0)
                return false;
        }
    }
    return found > 0;
}

/* The one address a notice's Subject names ("Undeliverable: Your invoice
 * to a@b"), into out (cap bytes), when it is neither the notice's own
 * sender or recipient nor a list's: a notice that returns no original
 * and names nobody in its prose names its recipient there. */
static bool report_subject_rcpt(const struct report_ctx *c, char *out,
                                size_t cap)
{
    const char *sj = c->b.r->subject;

    return sj != NULL && report_one_addr(sj, strlen(sj), out, cap) &&
           strcasecmp(out, c->from_addr) != 0 &&
           strcasecmp(out, c->to_addr) != 0 && !report_list_role(out) &&
           !textbounce_sender_role(out);
}

static bool report_list_manager(const struct report_ctx *c);
static bool report_list_refused(struct report_ctx *c);

/* Last resorts for a notice that names nobody in its prose: DSN fields
 * pasted as text, a delivery-status part of an enclosed notice, a notice
 * forwarded inline or as an attachment, the envelope recipient of the
 * returned original, its lone To: (one without a Cc: that may name the
 * one who failed), the address of the original's To: or Cc: the notice
 * names by local part or display name, the one address of its Subject. */
static const char *report_fallback(struct report_ctx *c, size_t orig)
{
    struct report *r = c->b.r;
    const char *mta;

    if (c->nt.len > 0 && dsn_parse(&c->b, c->nt.text, c->nt.len) > 0 &&
        r->nrcpts > 0)
        return "rfc3464";
    /* a notice deeper down is one a person forwarded, not the one a mail
     * system returned (whose own recipient it may well name) */
    if (c->inner_dsn != NULL &&
        (c->inner_depth < 2 || !textbounce_sender_role(c->from_addr)) &&
        dsn_parse(&c->b, c->inner_dsn, c->inner_len) > 0 && r->nrcpts > 0)
        return "rfc3464";
    if ((mta = report_inline(c, orig)) != NULL && r->nrcpts > 0)
        return mta;
    /* a notice a person forwarded as an attachment ("Fwd: Returned mail"):
     * its failures, not the To: of the mail it encloses (the notice, sent
     * to the one who forwards it) */
    if (c->enclosed != NULL && r->subject != NULL &&
        report_forward_prefix(r->subject) &&
        (mta = report_adopt(c, c->enclosed, c->enclosed_len)) != NULL &&
        r->nrcpts > 0)
        return mta;
    /* a list manager's notice that encloses no notice of a failure and
     * refuses no post (one held for moderation, a subscription confirmed)
     * is no failure of the list the post went to */
    if (report_list_manager(c) && !report_list_refused(c))
        return NULL;
    /* a list manager's own address (l-bounces@, where a returned
     * auto-reply went) is none */
    struct report_rcpt *rc = NULL;
    char a[ADDRSCAN_MAX];
    if (c->orig_env != NULL) {
        if (!report_list_role(c->orig_env))
            rc = rbuild_rcpt(&c->b, c->orig_env, strlen(c->orig_env), NULL);
    } else if (r->orig_to != NULL && !report_cc_other(c) &&
               report_one_addr(r->orig_to, strlen(r->orig_to), a, sizeof a) &&
               !report_list_role(a)) {
        rc = rbuild_rcpt(&c->b, a, strlen(a), NULL); /* To: names them all */
    } else if (report_named_local(c, c->nt.text,
                                  orig < c->nt.len ? orig : c->nt.len, a,
                                  sizeof a) &&
               !report_list_role(a)) {
        rc = rbuild_rcpt(&c->b, a, strlen(a), NULL);
    } else if (report_subject_rcpt(c, a, sizeof a)) {
        rc = rbuild_rcpt(&c->b, a, strlen(a), NULL);
    }
    if (rc != NULL) { /* what the notice says is all there is: the failed
                         reply of its transcript, else the one reply it
                         gives, else its text */
        char d[REPORT_HDR_VALUE];
        size_t cut = orig < c->nt.len ? orig : c->nt.len;
        size_t dl = textbounce_transcript_reply(c->nt.text, cut, d, sizeof d);
        if (dl == 0)
            dl = report_specific_reply(c->nt.text, cut, d, sizeof d);
        if (dl == 0)
            dl = hdr_unfold(c->nt.text, cut, d, sizeof d);
        rbuild_str(&c->b, &rc->diagnostic, d, dl);
        rbuild_str(&c->b, &rc->action, "failed", 6);
    }
    return r->nrcpts > 0 ? "text" : NULL;
}

/* A status "5.0.0" says less than the "5.1.1" of its own diagnostic. */
static void report_refine_status(struct report_rcpt *rc, const char *st)
{
    size_t n = strlen(rc->status);

    if (st[0] == '\0' || strlen(st) >= sizeof rc->status)
        return;
    if (rc->status[0] == '\0' ||
        (n == 5 && strcmp(rc->status + 1, ".0.0") == 0 &&
         st[0] == rc->status[0] && strcmp(st + 1, ".0.0") != 0))
        strcpy(rc->status, st);
}

/* Is the word w[0..n) one that says nothing of a failure's cause
 * ("delivery failed", "rejected", "mailbox unavailable")? */
static bool report_generic_word(const char *w, size_t n)
{
    static const char *const generic[] = {
        "smtp", "delivery", "failed", "failure", "rejected", "refused",
        "error", "permanent", "permanently", "temporary", "mailbox",
        "unavailable", "transaction", "undeliverable", "message", "mail",
        "not", "delivered", "requested", "action", "taken", "the", "was",
        "has", "been", "could", "status", "fatal", "denied", "bounced",
        "remote", "server", "host", "said", "reply", "code"};

    for (size_t i = 0; i < sizeof generic / sizeof generic[0]; i++)
        if (strlen(generic[i]) == n && strncasecmp(w, generic[i], n) == 0)
            return true;
    return false;
}

/* Does a diagnostic say nothing but codes and generic words ("550 5.0.0",
 * "smtp; 554 5.0.0 Transaction failed", "delivery failed"): no word of
 * three letters or more, after its type ("smtp;"), that report_generic_word()
 * does not know? */
static bool report_vague(const char *d)
{
    d = dsn_skip_type(d, strlen(d)); /* "smtp;", "X-Postfix;" */
    while (*d != '\0') {
        size_t n = 0;
        while (d[n] != '\0' &&
               ((unsigned char)d[n] >= 0x80 ||
                ((d[n] | 0x20) >= 'a' && (d[n] | 0x20) <= 'z')))
            n++;
        if (n >= 3 && !report_generic_word(d, n))
            return false;
        d += n > 0 ? n : 1;
    }
    return true;
}

/* Do the notice's words quote the diagnostic d (after its type, ASCII
 * case ignored): the same reply, with no more about its cause than the
 * words around it ("host ... said: 554 Transaction failed (in reply to
 * MAIL FROM command)")? */
static bool report_repeats(const char *words, const char *d)
{
    d = dsn_skip_type(d, strlen(d));
    while (*d == ' ')
        d++;
    size_t n = strlen(d);
    char d0 = report_lower(d[0]);
    for (; n > 0 && *words != '\0'; words++)
        if (report_lower(*words) == d0 && strncasecmp(words, d, n) == 0)
            return true;
    return false;
}

/* Does a recipient's status say no more than its class (none, X.0.0)? */
static bool report_status_vague(const struct report_rcpt *rc)
{
    return rc->status[0] == '\0' || strcmp(rc->status + 1, ".0.0") == 0;
}

/* The notice's words for a recipient whose diagnostic is only codes: the
 * codes, then those words ("550 5.0.0 Raison : l'adresse du destinataire
 * est inconnue"), so that the reply code and status stay the report's
 * and the rules read the words. */
static void report_explain(struct rbuild *b, struct report_rcpt *rc,
                           const char *words)
{
    size_t dl = strlen(rc->diagnostic), wl = strlen(words);
    char *joined = malloc(dl + 1 + wl + 1);

    if (joined == NULL) {
        b->oom = true;
        return;
    }
    memcpy(joined, rc->diagnostic, dl);
    joined[dl] = ' ';
    memcpy(joined + dl + 1, words, wl + 1);
    rbuild_drop(b, &rc->diagnostic);
    rbuild_str(b, &rc->diagnostic, joined, dl + 1 + wl);
    free(joined);
}

/* A lone recipient whose status and diagnostic say nothing of the cause:
 * the notice's text before the returned original (text[0..cut), its first
 * REPORT_NOTICE_DIAG bytes) is about it alone, and explains it, unless it
 * only quotes the same reply. */
static void report_explain_lone(struct report_ctx *c, size_t cut)
{
    struct report_rcpt *rc = &c->b.r->rcpts[0];
    char d[REPORT_NOTICE_DIAG];

    if (c->b.r->nrcpts != 1 || rc->diagnostic == NULL ||
        !report_status_vague(rc) || !report_vague(rc->diagnostic))
        return;
    size_t dl = hdr_unfold(c->nt.text, cut, d, sizeof d - 1);
    d[dl] = '\0';
    if (dl > 0 && !report_vague(d) && !report_repeats(d, rc->diagnostic))
        report_explain(&c->b, rc, d);
}

/* Fills what a DSN recipient lacks (diagnostic, reply code, a specific
 * status, words for a diagnostic of codes alone) from what the notice's
 * text says (tr): about the same address (named), or the one address of a
 * notice about one recipient.  A diagnostic of codes and generic words
 * that the text quotes with what it replied to gives way to the text's
 * account, when that names the address.  The words of a lone recipient
 * are the whole notice's (report_explain_lone()). */
static void report_enrich_rcpt(struct rbuild *b, struct report_rcpt *rc,
                               const struct report_rcpt *tr, bool lone,
                               bool named)
{
    char st[16];

    if (rc->diagnostic != NULL) {
        int code;
        dsn_scan_reply(rc->diagnostic, strlen(rc->diagnostic), &code, st,
                       sizeof st);
        report_refine_status(rc, st);
    }
    if (tr == NULL)
        return;
    bool vague = rc->diagnostic != NULL && tr->diagnostic != NULL &&
                 report_status_vague(rc) && report_vague(rc->diagnostic) &&
                 !report_vague(tr->diagnostic);
    if (rc->diagnostic == NULL && tr->diagnostic != NULL) {
        rbuild_str(b, &rc->diagnostic, tr->diagnostic,
                   strlen(tr->diagnostic));
    } else if (vague && named &&
               report_repeats(tr->diagnostic, rc->diagnostic)) {
        /* the text quotes the reply with what it was a reply to ("SMTP
         * error from remote mail server after EHLO x: 550 Rejected"):
         * the text's account, as a notice without a DSN is read */
        rbuild_drop(b, &rc->diagnostic);
        rbuild_str(b, &rc->diagnostic, tr->diagnostic, strlen(tr->diagnostic));
    } else if (vague && !lone) {
        report_explain(b, rc, tr->diagnostic);
    }
    if (rc->remote_mta == NULL && tr->remote_mta != NULL)
        rbuild_str(b, &rc->remote_mta, tr->remote_mta,
                   strlen(tr->remote_mta));
    if (rc->reply_code == 0 && (tr->status[0] == '\0' || rc->status[0] == '\0' ||
                                tr->status[0] == rc->status[0]))
        rc->reply_code = tr->reply_code;
    report_refine_status(rc, tr->status);
}

/* Does a DSN recipient lack a diagnostic, a reply code or a specific
 * status, or has it only the first line of a multi-line reply? */
static bool report_dsn_lacking(const struct report *r)
{
    for (size_t i = 0; i < r->nrcpts; i++) {
        const struct report_rcpt *rc = &r->rcpts[i];
        if (rc->diagnostic == NULL || report_status_vague(rc) ||
            textbounce_reply_cut(rc->diagnostic))
            return true;
    }
    return false;
}

/* The addresses a notice's text names as recipients only alone on a line
 * (textbounce.h): the notice's own parties, and the returned original's
 * sender (ofrom, oret: ADDRSCAN_MAX bytes each, kept as long as h), but
 * not one the report has as a recipient already (mail sent to oneself). */
static void report_parties(struct report_ctx *c, struct textbounce_hints *h,
                           char *ofrom, char *oret)
{
    const struct report *r = c->b.r;

    report_addrs(c);
    report_str_addr(r->orig_from, ofrom, ADDRSCAN_MAX);
    report_str_addr(r->orig_return_path, oret, ADDRSCAN_MAX);
    const char *parties[] = {c->to_addr, c->from_addr, ofrom, oret};
    for (size_t i = 0; i < sizeof parties / sizeof parties[0]; i++)
        if (parties[i][0] != '\0' && rbuild_lookup(&c->b, parties[i]) == NULL)
            h->exclude[h->nexclude++] = parties[i];
}

/* A diagnostic that holds only the first line of a multi-line reply (a
 * Sendmail DSN's): the whole reply, when the notice's text before the
 * returned original (c->nt.text[0..cut), a transcript) gives it. */
static void report_whole_reply(struct report_ctx *c, struct report_rcpt *rc,
                               size_t cut)
{
    char d[REPORT_NOTICE_DIAG];
    size_t dl;

    if (rc->diagnostic == NULL || !textbounce_reply_cut(rc->diagnostic))
        return;
    dl = textbounce_whole_reply(c->nt.text, cut, rc->diagnostic, d, sizeof d);
    if (dl == 0)
        return;
    rbuild_drop(&c->b, &rc->diagnostic);
    rbuild_str(&c->b, &rc->diagnostic, d, dl);
}

static void report_enrich(struct report_ctx *c)
{
    struct report *r = c->b.r, ts = {0}, *t = &ts; /* what the text says */
    struct rbuild tb = {.r = t, .lim = c->b.lim};
    struct textbounce_hints h = {.subject = r->subject ? r->subject : "",
                                 .from = c->from_addr,
                                 .known = r->rcpts,
                                 .nknown = r->nrcpts};
    size_t orig, cut = 0;
    char ofrom[ADDRSCAN_MAX], oret[ADDRSCAN_MAX];

    r->mta = "rfc3464";
    bool lacking = report_dsn_lacking(r);
    if (lacking) /* all the text is read only then, else its head */
        ntext_all(&c->nt);
    else
        ntext_head(&c->nt, REPORT_FAMILY_HEAD);
    if (c->nt.text != NULL) {
        const char *fam = textbounce_notice_family(c->nt.text, c->nt.len);
        if (strcmp(fam, "text") != 0)
            r->mta = fam;
        if (lacking) {
            report_parties(c, &h, ofrom, oret);
            cut = textbounce_cut(c->nt.text, c->nt.len, &orig);
            (void)textbounce_recipients(&tb, c->nt.text, cut, &h);
        }
    }
    for (size_t i = 0; i < r->nrcpts; i++) {
        /* each completion reads the text once: a few at most */
        if (lacking && c->nt.text != NULL && i < REPORT_WHOLE_MAX)
            report_whole_reply(c, &r->rcpts[i], cut);
        const struct report_rcpt *tr = rbuild_lookup(&tb, r->rcpts[i].recipient);
        bool named = tr != NULL;
        if (tr == NULL && t->nrcpts == 1 && r->nrcpts == 1)
            tr = &t->rcpts[0];
        report_enrich_rcpt(&c->b, &r->rcpts[i], tr, r->nrcpts == 1, named);
    }
    if (lacking && c->nt.text != NULL)
        report_explain_lone(c, cut);
    c->b.oom = c->b.oom || tb.oom;
    free(t->rcpts);
    rbuild_release(&t->blocks);
}

/* Recipients that only X-Failed-Recipients named (the notice's text names
 * none of them, so none has a diagnostic): the notice's text before the
 * returned original says why, for all of them (its first
 * REPORT_NOTICE_DIAG bytes, what the classifier reads of a diagnostic). */
static void report_notice_diagnostic(struct report_ctx *c, size_t cut)
{
    struct report *r = c->b.r;
    char d[REPORT_NOTICE_DIAG];
    size_t dl;

    for (size_t i = 0; i < r->nrcpts; i++)
        if (r->rcpts[i].diagnostic != NULL)
            return;
    dl = hdr_unfold(c->nt.text, cut, d, sizeof d);
    for (size_t i = 0; i < r->nrcpts && dl > 0; i++)
        rbuild_str(&c->b, &r->rcpts[i].diagnostic, d, dl);
}

#define REPORT_QUOTE_SCAN 16384 /* bytes read for a quoted recipient */
#define REPORT_QUOTE_RCPTS 8     /* recipients looked for, at most */

/* Does the first line of text[0..len) that names addr (ASCII case
 * ignored) start with '>' (after blanks): a quoted line?  Only the first
 * REPORT_QUOTE_SCAN bytes are read (the cost stays linear). */
static bool report_quoted_at(const char *text, size_t len, const char *addr)
{
    size_t n = strlen(addr);

    if (len > REPORT_QUOTE_SCAN)
        len = REPORT_QUOTE_SCAN;
    for (size_t i = 0; n > 0 && i + n <= len; i++) {
        if (report_lower(text[i]) != report_lower(addr[0]) ||
            strncasecmp(text + i, addr, n) != 0)
            continue;
        size_t ls = i;
        while (ls > 0 && text[ls - 1] != '\n' && text[ls - 1] != '\r')
            ls--;
        while (ls < i && (text[ls] == ' ' || text[ls] == '\t'))
            ls++;
        return text[ls] == '>';
    }
    return false;
}

/* Are all the recipients found in text[0..len) named first on quoted
 * lines?  (A notice of more than REPORT_QUOTE_RCPTS is taken as none.) */
static bool report_all_quoted(const struct report *r, const char *text,
                              size_t len)
{
    if (r->nrcpts > REPORT_QUOTE_RCPTS)
        return false;
    for (size_t i = 0; i < r->nrcpts; i++)
        if (!report_quoted_at(text, len, r->rcpts[i].recipient))
            return false;
    return r->nrcpts > 0;
}

enum report_line { LINE_BLANK, LINE_QUOTED, LINE_WORDS };

/* What the line at text[ls..len) is: blank, quoted (its first byte other
 * than a blank is '>') or words.  *next is where the line after it starts
 * (a CR, an LF or both end a line; len at the end). */
static enum report_line report_line_at(const char *text, size_t len, size_t ls,
                                       size_t *next)
{
    size_t i = ls;

    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    size_t e = scan_eol(text, i, len);
    *next = e >= len                                                ? len
            : text[e] == '\r' && e + 1 < len && text[e + 1] == '\n' ? e + 2
                                                                    : e + 1;
    if (i == e)
        return LINE_BLANK;
    return text[i] == '>' ? LINE_QUOTED : LINE_WORDS;
}

/* Where the first quoted line of text[0..len) that follows a line of its
 * own words starts (a block quoted at the very start is passed over), len
 * when none does. */
static size_t report_before_quote(const char *text, size_t len)
{
    bool own = false;

    for (size_t ls = 0, next; ls < len; ls = next) {
        enum report_line kind = report_line_at(text, len, ls, &next);
        if (kind == LINE_QUOTED && own)
            return ls;
        own = own || kind == LINE_WORDS;
    }
    return len;
}

/* The notice's own text (before any message it returns or quotes: an
 * automatic reply's words come before those it quotes), unfolded into
 * d[0..REPORT_NOTICE_DIAG) as a diagnostic: its length. */
static size_t report_notice_text(struct report_ctx *c,
                                 char d[REPORT_NOTICE_DIAG])
{
    size_t orig, cut;

    ntext_all(&c->nt);
    if (c->nt.text == NULL)
        return 0;
    cut = textbounce_cut(c->nt.text, c->nt.len, &orig);
    cut = report_before_quote(c->nt.text, cut);
    return cut > 0 ? hdr_unfold(c->nt.text, cut, d, REPORT_NOTICE_DIAG) : 0;
}

/* The message is an automatic reply: its one recipient, its sender, with
 * its text as the diagnostic, for the rules that read auto-replies. */
static void report_as_autoreply(struct report_ctx *c)
{
    struct report_rcpt *rc;
    char d[REPORT_NOTICE_DIAG];
    size_t dl;

    c->b.r->kind = REPORT_AUTOREPLY;
    c->b.r->mta = "rfc3834";
    rc = rbuild_rcpt(&c->b, c->from_addr, strlen(c->from_addr), NULL);
    if (rc != NULL && (dl = report_notice_text(c, d)) > 0)
        rbuild_str(&c->b, &rc->diagnostic, d, dl);
}

/* Phrases of a list manager's notice that it refused a post (lower
 * case): such a notice is a failure of the list's address; its other
 * notices (a post held for approval, a subscription confirmed) are not
 * (report_list_refused()). */
static const char *const report_refusal_words[] = {
    "rejected", "denied", "not allowed to post", "not allowed to send",
    "not authorized to send", "not authorised to send", "not permitted to post",
    "only subscribers may post", "only members may post",
    /* French, German, Spanish, Italian, Dutch, Portuguese: rejected,
     * refused; not allowed to send */
    "rejet\xc3\xa9", "refus\xc3\xa9", "pas autoris\xc3\xa9", "abgelehnt",
    "zur\xc3\xbc"
    "ckgewiesen",
    "nicht berechtigt", "rechazad", "no est\xc3\xa1 autorizad", "rifiutat",
    "non autorizzat", "geweigerd", "afgewezen", "rejeitad", "recusad"};
#define REPORT_REFUSAL_SCAN 4096 /* bytes of the notice read for them */

/* Does text[0..len) (its first REPORT_REFUSAL_SCAN bytes) hold one of
 * the refusal phrases, ASCII case ignored? */
static bool report_list_refusal(const char *text, size_t len)
{
    return report_holds_any(
        text, len < REPORT_REFUSAL_SCAN ? len : REPORT_REFUSAL_SCAN,
        report_refusal_words,
        sizeof report_refusal_words / sizeof report_refusal_words[0]);
}

/* Is the message a list manager's own notice: marked so
 * (X-List-Administrivia: yes) or from one of its addresses or its robot's
 * (c->from_addr read by now)? */
static bool report_list_manager(const struct report_ctx *c)
{
    return c->list_admin || report_list_role(c->from_addr) ||
           report_list_robot(c->from_addr);
}

/* A list manager's notice that it refused a post: marked as its own
 * (X-List-Administrivia: yes) or from its own address (c->from_addr read
 * by now), with a refusal phrase in its Subject or in its text before
 * any message it returns (c->nt read by now). */
static bool report_list_refused(struct report_ctx *c)
{
    const char *s = c->b.r->subject != NULL ? c->b.r->subject : "";
    size_t orig;

    if (!report_list_manager(c))
        return false;
    return report_list_refusal(s, strlen(s)) ||
           (c->nt.text != NULL &&
            report_list_refusal(c->nt.text,
                                textbounce_cut(c->nt.text, c->nt.len, &orig)));
}

/* No DSN part: the text, the auto-reply markers and ARF decide. */
static void report_text_decide(struct report_ctx *c)
{
    struct report *r = c->b.r;
    struct textbounce_hints h = {.subject = r->subject ? r->subject : "",
                                 .from = c->from_addr};
    size_t orig = 0, cut = textbounce_cut(c->nt.text, c->nt.len, &orig);
    char ofrom[ADDRSCAN_MAX], oret[ADDRSCAN_MAX];

    if (orig < c->nt.len && !c->have_orig) {
        size_t ol = c->nt.len - orig;
        report_orig(c, NULL, c->nt.text + orig, ol, true);
    }
    report_parties(c, &h, ofrom, oret);
    bool strong = textbounce_signal(c->nt.text, cut, &h) ||
                  c->xfailed != NULL || report_list_refused(c);
    /* an automatic reply may quote a failure ("my old address bounces
     * with 550 5.1.1 User unknown"): marked as one and titled as one, it
     * is one, unless it lists failed recipients as Exim does or comes from
     * a mail system (whose notice may carry the Subject of an automatic
     * reply it returns) */
    bool quoting = c->sure_autoreply && c->xfailed == NULL &&
                   !textbounce_sender_role(c->from_addr);
    if (c->autoreply && (!strong || quoting)) {
        report_as_autoreply(c);
        return;
    }
    enum report_kind sk;
    if (report_has_line(c->nt.text, c->nt.len, "Final-Recipient:") &&
        dsn_parse(&c->b, c->nt.text, c->nt.len) > 0 && r->nrcpts > 0) {
        r->kind = report_dsn_kind(r); /* DSN fields pasted as text */
        report_enrich(c); /* the prose around them, as a report's */
        return;
    }
    if (sesjson_parse(&c->b, c->nt.text, c->nt.len, &sk) > 0) {
        r->kind = sk;
        r->mta = "amazonses";
        return;
    }
    if (evjson_parse(&c->b, c->nt.text, c->nt.len, &sk) > 0) {
        r->kind = sk; /* another sending service's events */
        r->mta = "json-event";
        return;
    }
    if (!strong)
        return; /* prose that names addresses is not a notice by itself */
    size_t before = r->nrcpts;
    report_xfailed(c);
    /* with those X-Failed-Recipients added, if it named any */
    size_t listed = r->nrcpts > before ? r->nrcpts : 0;
    const char *mta = textbounce_parse(&c->b, c->nt.text, cut, &h);
    /* a list that names any names them all: an address the text quotes
     * besides them ("please try <new>") did not fail */
    if (listed > 0)
        r->nrcpts = listed;
    /* an automatic reply (a ticket system's, say), or any answer to a
     * message, that quotes a failure it was sent ("> <a@b>: ... said: 550
     * 5.1.1 ..."), from no mail system: the quote is no failure of its
     * own */
    if ((c->hard_autoreply || c->answering || c->personal) && listed == 0 &&
        c->xfailed == NULL && !textbounce_sender_role(c->from_addr) &&
        report_all_quoted(r, c->nt.text, cut)) {
        r->nrcpts = 0;
        if (c->hard_autoreply || c->sure_autoreply)
            report_as_autoreply(c);
        return;
    }
    if (r->nrcpts == 0)
        mta = report_fallback(c, orig);
    else
        report_notice_diagnostic(c, cut);
    if (mta != NULL || r->nrcpts > 0) {
        r->kind = REPORT_BOUNCE;
        r->mta = mta != NULL ? mta : "text";
    }
}

/* A message a recipient's system discarded and said so in a disposition
 * notification (report_mdn()): its Final-Recipient failed, for the
 * reason the notice's text gives (its first REPORT_NOTICE_DIAG bytes). */
static void report_mdn_refusal(struct report_ctx *c)
{
    struct report *r = c->b.r;
    const char *a = c->mdn_refused;
    const char *v = dsn_skip_type(a, strlen(a));
    struct report_rcpt *rc = rbuild_rcpt(&c->b, v, strlen(v), NULL);
    char d[REPORT_NOTICE_DIAG];
    size_t dl;

    if (rc == NULL)
        return;
    dl = report_notice_text(c, d);
    if (dl > 0)
        rbuild_str(&c->b, &rc->diagnostic, d, dl);
    rbuild_str(&c->b, &rc->action, "failed", 6);
    r->kind = REPORT_BOUNCE;
    r->mta = "mdn";
}

/* The DSN kept in c->bare_dsn read again, its bare local parts standing
 * for the returned original's one envelope recipient (else the one
 * address its To: names) when that has the same local part. */
static void report_bare_dsn(struct report_ctx *c)
{
    const struct report *r = c->b.r;
    char a[ADDRSCAN_MAX];

    if (c->orig_env != NULL)
        c->b.bare_as = c->orig_env;
    else if (r->orig_to != NULL &&
             report_one_addr(r->orig_to, strlen(r->orig_to), a, sizeof a))
        c->b.bare_as = a;
    else
        return;
    (void)dsn_parse(&c->b, c->bare_dsn, c->bare_len);
    c->b.bare_as = NULL;
}

/* Is the message a list manager's notice of what it did about a
 * member's bounces: Mailman's "Bounce action notification", "X's
 * subscription disabled on L" ("... due to their bounce score ...  The
 * triggering DSN if available is attached"), "Uncaught bounce
 * notification"?  From the list manager, with "bounce" in its Subject or
 * one of these phrases in the head of its text; not its request to
 * approve a held post, which may enclose a notice too, and quotes the
 * held post's Subject. */
static bool report_list_bounce_notice(struct report_ctx *c)
{
    static const char *const acts[] = {"bounce score",      "due to bounces",
                                       "excessive bounces", "triggering dsn",
                                       "bounce action",     "uncaught bounce",
                                       "bounce processing"};
    static const char *const approval[] = {
        "authorization is requested", "requires approval", "awaiting moderator",
        "awaits moderator"};
    const char *s = c->b.r->subject;

    report_addrs(c);
    if (!report_list_manager(c))
        return false;
    ntext_head(&c->nt, REPORT_FAMILY_HEAD);
    size_t n = c->nt.text == NULL               ? 0
               : c->nt.len < REPORT_FAMILY_HEAD ? c->nt.len
                                                : REPORT_FAMILY_HEAD;
    if (n > 0 && report_holds_any(c->nt.text, n, approval,
                                  sizeof approval / sizeof approval[0]))
        return false;
    return (s != NULL && report_has_word(s, "bounce")) ||
           (n > 0 && report_holds_any(c->nt.text, n, acts,
                                      sizeof acts / sizeof acts[0]));
}

static void report_decide(struct report_ctx *c)
{
    struct report *r = c->b.r;

    if (c->bare_dsn != NULL)
        report_bare_dsn(c);

    if (c->dsn_rcpts > 0 && r->nrcpts > 0) {
        r->kind = report_dsn_kind(r);
        report_enrich(c);
        return;
    }
    if (c->is_mdn) {
        /* a read receipt: whatever its text says, no failure; but a
         * message its recipient's system discarded failed there */
        if (c->mdn_refused != NULL)
            report_mdn_refusal(c);
        return;
    }
    /* a list manager's own notice of a bounce that encloses the notice it
     * acted on: that notice's report */
    bool list_bounce = (c->inner_dsn != NULL || c->enclosed != NULL) &&
                       report_list_bounce_notice(c);
    if (list_bounce && c->inner_dsn != NULL &&
        dsn_parse(&c->b, c->inner_dsn, c->inner_len) > 0 && r->nrcpts > 0) {
        r->kind = report_dsn_kind(r);
        r->mta = "rfc3464";
        return;
    }
    /* the same notice enclosing a bounce it could not read (Mailman's
     * "Uncaught bounce notification"): that bounce, whatever its format */
    const char *mta;
    if (list_bounce && c->enclosed != NULL &&
        (mta = report_adopt(c, c->enclosed, c->enclosed_len)) != NULL &&
        r->nrcpts > 0) {
        r->kind = REPORT_BOUNCE;
        r->mta = mta;
        return;
    }
    /* posts gathered by a list; a list's or a newsletter's mail, a reply
     * in a conversation, or a filter's summary of held mail, from no mail
     * system and with no report: they may discuss bounces, and quote
     * them; but a list manager's notice that it refused a post is read
     * as any notice is */
    bool discussion =
        c->list_mail || c->conversation ||
        (r->subject != NULL && report_held_digest(r->subject, r->from));
    if (discussion)
        report_addrs(c);
    if (c->list_digest || (c->cron_output && !c->is_dsn))
        return;
    if (discussion && !c->is_dsn && !textbounce_sender_role(c->from_addr)) {
        if (!report_list_manager(c))
            return; /* list mail: its text is never read */
        ntext_all(&c->nt);
        if (!report_list_refused(c))
            return;
    }
    if (c->is_feedback) {
        r->kind = REPORT_FEEDBACK;
        r->mta = "arf";
        size_t pos = 0, s, l;
        if (r->nrcpts == 0 && r->orig_to != NULL &&
            addrscan_next(r->orig_to, strlen(r->orig_to), &pos, &s, &l))
            (void)rbuild_rcpt(&c->b, r->orig_to + s, l, NULL);
        return;
    }
    ntext_all(&c->nt);
    if (c->nt.text != NULL)
        report_text_decide(c);
}

int report_parse(const char *msg, size_t len, const struct mime_limits *lim,
                 struct report **report_r, const char **error_r)
{
    return report_parse_nested(msg, len, lim, 0, report_r, error_r);
}

/* A report and, in the same allocation (the report first, so that it is
 * what free() is given), room for its first recipients and strings: most
 * reports need no other malloc().  About 1 KB, a size that glibc's
 * malloc() serves from its per-thread cache. */
#define REPORT_ROOM_RCPTS 4
struct report_mem {
    struct report r;
    struct report_rcpt rcpts[REPORT_ROOM_RCPTS];
    uint64_t strings[68]; /* the first block of strings (rbuild.h) */
};

static int report_parse_nested(const char *msg, size_t len,
                               const struct mime_limits *lim,
                               unsigned nesting, struct report **report_r,
                               const char **error_r)
{
    struct report_ctx c;
    char text0[NTEXT_FIRST];
    struct report_mem *m = malloc(sizeof *m);
    struct report *r = m != NULL ? &m->r : NULL;

    if (r == NULL) {
        *error_r = "out of memory";
        return -1;
    }
    memset(r, 0, sizeof *r);
    memset(&c, 0, offsetof(struct report_ctx, from_addr));
    c.from_addr[0] = c.to_addr[0] = '\0';
    c.b.r = r;
    rbuild_room(&c.b, m->rcpts, REPORT_ROOM_RCPTS, m->strings,
                sizeof m->strings);
    ntext_init(&c.nt, text0, &r->errors, &c.b.oom);
    c.b.lim = lim;
    c.nesting = nesting;
    c.input = msg;
    r->kind = REPORT_NOT_BOUNCE;
    r->mta = NULL;
    if (len > lim->max_message_bytes) {
        len = lim->max_message_bytes;
        r->errors |= REPORT_ERR_TRUNCATED;
    }
    c.input_len = len;
    r->errors |= mime_walk(msg, len, lim, report_cb, &c);
    if (!c.b.oom)
        report_decide(&c);
    if (!c.b.oom)
        ntext_finish(&c.nt);
    ntext_release(&c.nt);
    free(c.inner_dsn);
    free(c.bare_dsn);
    if (c.b.oom) {
        report_free(&r);
        *error_r = "out of memory";
        return -1;
    }
    *report_r = r;
    return 0;
}

void report_free(struct report **report)
{
    struct report *r = *report;

    if (r == NULL)
        return;
    if (r->rcpts != r->rcpts_room)
        free(r->rcpts);
    rbuild_release(&r->blocks);
    free(r); /* with the room made with it (struct report_mem) */
    *report = NULL;
}

/*
 * test_textbounce.c - the phrase searches of textbounce.c against plain
 * references: the family of a notice is the first family listed whose
 * phrase occurs (ASCII case ignored) in the first 4096 bytes (before the
 * returned original, for textbounce_notice_family()); a notice's Subject
 * signals a failure by one of its phrases; the returned original starts at
 * the first line that starts with a marker or a Received: (whose value is
 * no date) or Return-Path: field (textbounce_cut()); a recipient's remote MTA follows the first
 * "host " of its block; a notice says "delayed" by one of its delay
 * phrases; the phrases of a line with an '@' say whether its address is a
 * recipient.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/mime.h"
#include "core/textbounce.h"

#define TEST_HEAD 4096 /* text searched for a family (textbounce.c) */

/* The family phrases in textbounce.c's order, with their family. */
static const struct {
    const char *phrase;
    const char *name;
} families[] = {
    {"qmail-send program", "qmail"},
    {"this is the qmail", "qmail"},
    {"this message was created automatically by mail delivery software",
     "exim"},
    {"this is the mail system at host", "postfix"},
    {"----- transcript of session follows -----", "sendmail"},
    {"the following addresses had permanent fatal errors", "sendmail"},
    {"delivery has failed to these recipients or groups", "exchange"},
    {"did not reach the following recipient", "exchange"},
    {"your message did not reach some or all of the intended", "exchange"},
    {"google tried to deliver your message", "gmail"},
    {"delivery to the following recipient failed permanently", "gmail"},
    {"delivery to the following recipients failed", "gmail"},
    {"sorry, we were unable to deliver your message", "yahoo"},
    {"the response from the remote server was", "gmail"},
    {"the response was:", "gmail"},
    {"address not found", "gmail"},
    {"courier mail server", "courier"},
    {"your message was not delivered to:", "x400"},
    {"lotus domino", "domino"},
    {"domino directory", "domino"},
    {"the message that you sent was undeliverable to the following",
     "groupwise"},
    {"this report relates to a message you sent", "messagingserver"},
    {"remote server returned", "exchange"},
    {"couldn't be delivered", "exchange"},
    {"this message was undeliverable due to the following reason",
     "messagingserver"},
    {"hi. this is the", "qmail"},
    {"m-filter", "mfilter"},
    {"message from interscan", "trendmicro"},
    {"original message follows.", "imail"},
    {"mailmarshal", "mailmarshal"},
    {"opensmtpd", "opensmtpd"},
    {"barracuda", "barracuda"},
    {"mimecast", "mimecast"},
    {"amazonses.com", "amazonses"},
};
#define NFAMILIES (sizeof families / sizeof families[0])

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Does s[0..len) hold the lower-case needle, ASCII case ignored?  A byte
 * at a time. */
static bool ref_has(const char *s, size_t len, const char *needle)
{
    size_t nl = strlen(needle);

    for (size_t i = 0; i + nl <= len; i++) {
        size_t k = 0;
        while (k < nl && lower(s[i + k]) == needle[k])
            k++;
        if (k == nl)
            return true;
    }
    return false;
}

static const char *ref_family(const char *s, size_t len)
{
    if (len > TEST_HEAD)
        len = TEST_HEAD;
    for (size_t i = 0; i < NFAMILIES; i++)
        if (ref_has(s, len, families[i].phrase))
            return families[i].name;
    return "text";
}

static unsigned next_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* A random notice: filler, parts of phrases and whole phrases, letters in
 * either case, line ends of every kind; now and then past TEST_HEAD. */
static size_t make_text(char *t, size_t cap, unsigned *seed)
{
    static const char *const filler[] = {
        " ", "\n", "\r\n", "\r", "mail ", "the ", "deliver", "-----",
        "message ", "host", "m-", "qmail", "domino ", "\x80\xff", "."};
    size_t n = 0, want = next_rand(seed) % 7 == 0 ? 4200 : 600;

    while (n < want) {
        unsigned r = next_rand(seed);
        const char *piece;
        size_t pl;
        if (r % 5 == 0) {
            piece = families[(r >> 4) % NFAMILIES].phrase;
            pl = strlen(piece);
            if ((r >> 12) % 3 == 0) /* a phrase cut short */
                pl = pl / 2 + 1;
        } else {
            piece = filler[(r >> 4) % (sizeof filler / sizeof *filler)];
            pl = strlen(piece);
        }
        if (n + pl > cap)
            break;
        for (size_t i = 0; i < pl; i++) {
            char c = piece[i];
            if (c >= 'a' && c <= 'z' && next_rand(seed) % 2 == 0)
                c = (char)(c - 32);
            t[n++] = c;
        }
    }
    return n;
}

/* textbounce_family() names the family the reference finds, for every
 * length of the text cut from its end too. */
static void test_family_as_reference(void **state)
{
    static char t[5000];
    unsigned seed = 4711;
    (void)state;

    for (int round = 0; round < 3000; round++) {
        size_t n = make_text(t, sizeof t, &seed);
        size_t len = round % 2 == 0 ? n : next_rand(&seed) % (n + 1);
        assert_string_equal(textbounce_family(t, len), ref_family(t, len));
    }
}

/* Short texts, down to none: no phrase is read past the end. */
static void test_family_short_texts(void **state)
{
    static const char s[] = "M-FILTER";
    (void)state;

    for (size_t len = 0; len <= 8; len++)
        assert_string_equal(textbounce_family(s, len),
                            len == 8 ? "mfilter" : "text");
}

/* The Subject phrases of a notice, as textbounce.c lists them. */
static const char *const subject_words[] = {
    "undeliver", "delivery status notification", "failure notice",
    "returned mail", "delivery fail", "mail delivery failed",
    "not delivered", "could not be delivered", "delivery notification",
    "nondeliverable", "non-deliverable", "mail system error", "rejected",
    "bounce", "delivery problem", "failed delivery", "undelivered",
    "delivery failure", "non remis", "unzustellbar", "returned to sender",
    "mail failure", "error", "warning: could not", "delayed mail",
    "delivery delayed", "not member", "non-delivery",
    "no entregado", "non consegnat", "non recapitat", "n\xc3\xa3o entregue",
    "niet bezorgd", "onbestelbaar", "nicht zugestellt", "non distribu",
    "nie dostarczon", "\xe9\x85\x8d\xe4\xbf\xa1\xe4\xb8\x8d\xe8\x83\xbd",
    "\xd0\xbd\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2"
    "\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",
    "\xe9\x80\x80\xe4\xbf\xa1"};

/* textbounce_signal() of a Subject alone (no text, no sender) says what
 * the reference says: one of the phrases is in it. */
static void test_signal_subject_as_reference(void **state)
{
    static const char *const filler[] = {" ", "re: ", "x", "deliver", "err",
                                         "non", "-", "mail ", "\xc3\xa9"};
    char subject[200];
    unsigned seed = 31337;
    (void)state;

    for (int round = 0; round < 4000; round++) {
        size_t n = 0, want = next_rand(&seed) % 60;
        while (n < want) {
            unsigned r = next_rand(&seed);
            const char *p;
            size_t pl;
            if (r % 6 == 0) {
                p = subject_words[(r >> 4) % (sizeof subject_words /
                                              sizeof *subject_words)];
                pl = strlen(p);
                if ((r >> 12) % 2 == 0) /* a phrase cut short */
                    pl = pl / 2 + 1;
            } else {
                p = filler[(r >> 4) % (sizeof filler / sizeof *filler)];
                pl = strlen(p);
            }
            if (n + pl + 1 > sizeof subject)
                break;
            for (size_t i = 0; i < pl; i++)
                subject[n++] = p[i] >= 'a' && p[i] <= 'z' &&
                                       next_rand(&seed) % 2 == 0
                                   ? (char)(p[i] - 32)
                                   : p[i];
        }
        subject[n] = '\0';
        bool ref = false;
        for (size_t i = 0; i < sizeof subject_words / sizeof *subject_words;
             i++)
            ref = ref || ref_has(subject, n, subject_words[i]);
        struct textbounce_hints h = {.subject = subject, .from = ""};
        assert_int_equal(textbounce_signal("", 0, &h), ref);
    }
}

/* The markers of a returned original, as textbounce.c lists them. */
static const char *const mark_words[] = {
    "below this line is a copy of the message",
    "this is a copy of the message", "original message", "unsent message",
    "copy of the original message", "the header of the original message",
    "returned message", "undelivered message",
    "headers of the original message", "original message follows",
    "text of the message follows", "content-type: message/rfc822",
    "the original message headers", "rfc822 headers follow",
    "en-t\xc3\xaates de message d'origine",
    "en-t\xc3\xaates de message d\xe2\x80\x99origine",
    "en-t\xc3\xaates du message d'origine",
    "en-t\xc3\xaates du message d\xe2\x80\x99origine",
    "message d'origine", "message d\xe2\x80\x99origine",
    "message original", "messaggio originale",
    "intestazioni del messaggio originale", "mensaje original",
    "encabezados del mensaje original", "mensagem original",
    "cabe\xc3\xa7" "alhos da mensagem original",
    "urspr\xc3\xbcngliche nachricht", "originalnachricht",
    "oorspronkelijk bericht", "oorspronkelijke berichtkoppen",
    "\xd0\x98\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xd0\xb5 \xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",
    "\xd0\xb8\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xd0\xb5 \xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",
    "\xe5\x8e\x9f\xe5\xa7\x8b\xe9\x82\xae\xe4\xbb\xb6",
    "\xe5\x8e\x9f\xe5\xa7\x8b\xe9\x83\xb5\xe4\xbb\xb6",
    "\xe5\x8e\x9f\xe9\x82\xae\xe4\xbb\xb6",
    "\xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc\xe3\x82\xb8",
    "\xec\x9b\x90\xeb\xb3\xb8 \xeb\xa9\x94\xec\x8b\x9c\xec\xa7\x80"};

/* A line's length and, in *next_r, with its end (CRLF, CR or LF). */
static size_t ref_line(const char *t, size_t len, size_t p, size_t *next_r)
{
    size_t e = p;

    while (e < len && t[e] != '\r' && t[e] != '\n')
        e++;
    *next_r = e - p + (e >= len ? 0 : t[e] == '\r' && e + 1 < len &&
                                              t[e + 1] == '\n' ? 2 : 1);
    return e - p;
}

static bool ref_prefix(const char *s, size_t len, const char *lower_word)
{
    size_t n = strlen(lower_word);

    if (n > len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != lower_word[i])
            return false;
    return true;
}

/* A marker: after " \t-=*_[(", a phrase (starting with one of the
 * letters or a UTF-8 byte). */
static bool ref_marker(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && strchr(" \t-=*_[(", s[i]) != NULL && s[i] != '\0')
        i++;
    if (i >= len || s[i] == '\0' ||
        ((unsigned char)s[i] < 0x80 && strchr("bcehimortu", lower(s[i])) == NULL))
        return false;
    for (size_t k = 0; k < sizeof mark_words / sizeof *mark_words; k++)
        if (ref_prefix(s + i, len - i, mark_words[k]))
            return true;
    return false;
}

/* Is the value of a field at s[0..len) a date ("Thu, 1 Jan", "1 Jan")? */
static bool ref_date(const char *s, size_t len)
{
    size_t i = strspn(s, " \t");

    if (i >= len)
        return false;
    if (isdigit((unsigned char)s[i]))
        return true;
    return i + 5 <= len && isalpha((unsigned char)s[i]) &&
           isalpha((unsigned char)s[i + 1]) &&
           isalpha((unsigned char)s[i + 2]) && s[i + 3] == ',' &&
           s[i + 4] == ' ';
}

/* textbounce_cut() a line at a time, as first written; a marker on the
 * first line that is not blank is the notice's title, not a cut. */
static size_t ref_cut(const char *t, size_t len, size_t *orig_r)
{
    size_t p = 0, next;
    bool said = false;

    *orig_r = len;
    while (p < len) {
        size_t ll = ref_line(t, len, p, &next), b = 0;
        if ((ll > 9 && ref_prefix(t + p, ll, "received:") &&
             !ref_date(t + p + 9, ll - 9)) ||
            (ll > 12 && ref_prefix(t + p, ll, "return-path:"))) {
            *orig_r = p;
            return p;
        }
        if (said && ref_marker(t + p, ll)) {
            size_t q = p + next, n2;
            for (int k = 0; k < 4 && q < len; k++) {
                size_t l2 = ref_line(t, len, q, &n2), i = 0;
                while (i < l2 && (t[q + i] == ' ' || t[q + i] == '\t'))
                    i++;
                if (i < l2) {
                    if (memchr(t + q, ':', l2) != NULL)
                        *orig_r = q;
                    break;
                }
                q += n2;
            }
            return p;
        }
        while (b < ll && (t[p + b] == ' ' || t[p + b] == '\t'))
            b++;
        said = said || b < ll;
        p += next;
    }
    return p;
}

/* textbounce_cut() and textbounce_notice_family() on random notices of
 * decorated lines, markers (whole, cut short, after any decoration) and
 * header lines: the cut and the original's start as the reference has
 * them, and the family of the text before the cut. */
static void test_cut_as_reference(void **state)
{
    static const char *const piece[] = {
        "\n", "\r\n", "\r", " ", "\t", "-- ", "==", "*", "_", "[", "(",
        "Received: x", "Received:", "return-path: <a@b>", "RETURN-PATH:",
        "Received: Thu, 1", "Received:  12 Nov", "Received:\tMon,x",
        "To: a@b", "the ", "Tx", "u", "message follows", "R", "b", ":",
        "\xc2\xa0", "mail system at host"};
    static char t[3000];
    unsigned seed = 2024;
    (void)state;

    for (int round = 0; round < 6000; round++) {
        size_t n = 0, want = next_rand(&seed) % 1500;
        while (n < want) {
            unsigned r = next_rand(&seed);
            const char *p;
            size_t pl;
            if (r % 7 == 0) {
                p = mark_words[(r >> 4) %
                               (sizeof mark_words / sizeof *mark_words)];
                pl = strlen(p);
                if ((r >> 12) % 4 == 0)
                    pl = pl / 2 + 1;
            } else if (r % 7 == 1) {
                p = families[(r >> 4) % NFAMILIES].phrase;
                pl = strlen(p);
            } else {
                p = piece[(r >> 4) % (sizeof piece / sizeof *piece)];
                pl = strlen(p);
            }
            if (n + pl > sizeof t)
                break;
            for (size_t i = 0; i < pl; i++)
                t[n++] = p[i] >= 'a' && p[i] <= 'z' &&
                                 next_rand(&seed) % 2 == 0
                             ? (char)(p[i] - 32)
                             : p[i];
        }
        size_t oa, ob, ca = textbounce_cut(t, n, &oa), cb = ref_cut(t, n, &ob);
        assert_int_equal(ca, cb);
        assert_int_equal(oa, ob);
        assert_string_equal(textbounce_notice_family(t, n),
                            ref_family(t, cb));
    }
}

/* The remote MTA of a one-line block as the reference reads it: after the
 * first "host " (ASCII case ignored) of the line (blanks collapsed), a
 * name of letters, digits, '-' and '.', with a dot, longer than 3 bytes,
 * not ending in '.'; or none. */
static void ref_remote(const char *line, char *out, size_t cap)
{
    char d[512];
    size_t n = 0, i;

    for (i = 0; line[i] != '\0' && n + 1 < sizeof d; i++)
        if (line[i] != ' ' || (n > 0 && d[n - 1] != ' '))
            d[n++] = line[i];
    while (n > 0 && d[n - 1] == ' ')
        n--;
    out[0] = '\0';
    for (i = 0; i + 5 <= n; i++)
        if (ref_prefix(d + i, n - i, "host "))
            break;
    if (i + 5 > n)
        return;
    const char *h = d + i + 5;
    size_t k = 0, dots = 0;
    for (; h + k < d + n; k++) {
        char c = h[k];
        if (c == '.')
            dots++;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-'))
            break;
    }
    if (dots > 0 && k > 3 && h[k - 1] != '.' && k < cap)
        memcpy(out, h, k), out[k] = '\0';
}

/* A recipient's remote MTA, from "host " and "said:" in either order,
 * case and number: as the reference has it. */
static void test_remote_as_reference(void **state)
{
    static const char *const piece[] = {
        "host ", "HoSt ", "said: ", "SAID:", "550 5.1.1 ", "mx.example.org",
        "x", " ", "[192.0.2.1]", "mx.", "-", "hos", "sa", "h0st.a "};
    struct mime_limits lim;
    unsigned seed = 5150;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 3000; round++) {
        char line[400], want[400];
        size_t n = (size_t)snprintf(line, sizeof line, "<a@b.example>: ");
        size_t k = next_rand(&seed) % 12;
        for (size_t j = 0; j < k; j++) {
            const char *p = piece[next_rand(&seed) %
                                  (sizeof piece / sizeof *piece)];
            if (n + strlen(p) + 1 < sizeof line)
                n += (size_t)snprintf(line + n, sizeof line - n, "%s", p);
        }
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        struct textbounce_hints h = {.subject = "failure notice",
                                     .from = ""};
        assert_non_null(r);
        (void)textbounce_parse(&b, line, n, &h);
        assert_int_equal(r->nrcpts, 1);
        ref_remote(line, want, sizeof want);
        if (want[0] == '\0')
            assert_null(r->rcpts[0].remote_mta);
        else
            assert_string_equal(r->rcpts[0].remote_mta, want);
        report_free(&r);
    }
}

/* The delay phrases, as textbounce.c lists them. */
static const char *const delay_words[] = {
    "will be retried", "will retry", "will continue", "still trying",
    "has not yet been delivered", "not been delivered yet",
    "delivery delayed", "is delayed", "has been delayed",
    "no need to resend", "still being retried", "will keep trying",
    "still undelivered", "do not need to resend"};

/* textbounce_parse() of a notice naming one recipient among random family
 * and delay phrases: the family the reference finds in the first 4096
 * bytes, and, for a recipient whose reply is temporary, the action
 * "delayed" exactly when a delay phrase is there; one refused for good
 * (5xx, X.x.x of class 5) has failed whatever the notice says. */
static void test_parse_family_delay_as_reference(void **state)
{
    static char t[5000];
    struct mime_limits lim;
    unsigned seed = 1999;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 2000; round++) {
        bool refused = round % 2 == 1;
        size_t n = (size_t)snprintf(t, sizeof t, "<a@b.example>: %s\n\n",
                                    refused ? "550 5.1.1 unknown"
                                            : "452 4.2.2 mailbox full");
        size_t want = next_rand(&seed) % 7 == 0 ? 4300 : 900;
        while (n < want) {
            unsigned r = next_rand(&seed);
            const char *p = r % 3 == 0
                                ? delay_words[(r >> 4) % (sizeof delay_words /
                                                          sizeof *delay_words)]
                            : r % 3 == 1 ? families[(r >> 4) % NFAMILIES].phrase
                                         : " text\n";
            size_t pl = strlen(p);
            if ((r >> 12) % 4 == 0)
                pl = pl / 2 + 1; /* cut short */
            if (n + pl + 1 > sizeof t)
                break;
            for (size_t i = 0; i < pl; i++)
                t[n++] = p[i] >= 'a' && p[i] <= 'z' &&
                                 next_rand(&seed) % 2 == 0
                             ? (char)(p[i] - 32)
                             : p[i];
            t[n++] = ' ';
        }
        bool delayed = false;
        for (size_t i = 0; i < sizeof delay_words / sizeof *delay_words; i++)
            delayed = delayed || ref_has(t, n < TEST_HEAD ? n : TEST_HEAD,
                                         delay_words[i]);
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        struct textbounce_hints h = {.subject = "failure notice",
                                     .from = ""};
        assert_non_null(r);
        const char *fam = textbounce_parse(&b, t, n, &h);
        assert_non_null(fam);
        assert_string_equal(fam, ref_family(t, n));
        assert_true(r->nrcpts >= 1);
        assert_string_equal(r->rcpts[0].action,
                            delayed && !refused ? "delayed" : "failed");
        report_free(&r);
    }
}

/* Notices of many one-line blocks "<phrase> <address> here": a help-desk
 * or origin phrase makes the address no recipient, an envelope recipient
 * phrase ("RCPT TO:<") makes it one, other lines (no failure word) do
 * not; the lines read in the first pass over the '@' lines and after it
 * alike. */
static void test_line_phrases_as_reference(void **state)
{
    static const struct {
        const char *phrase;
        int kind; /* 0: neutral, 1: not a recipient, 2: a recipient */
    } lead[] = {{"note", 0}, {"contact", 1}, {"assistance:", 1},
                {"please send to", 1}, {"help desk", 1}, {"helpdesk", 1},
                {"generated from", 1}, {"expanded from", 1},
                {"generated by", 1}, {"RCPT TO:<", 2},
                {"recipient address:", 2}, {"Original-Recipient:", 2},
                {"final-recipient: x", 2}, {"rcpt to and contact", 1}};
    static char t[8000];
    struct mime_limits lim;
    unsigned seed = 777;
    (void)state;

    mime_limits_default(&lim);
    for (int round = 0; round < 300; round++) {
        size_t n = 0, nwant = 0, lines = 1 + next_rand(&seed) % 60;
        char want[64][32];
        for (size_t i = 0; i < lines; i++) {
            unsigned k = next_rand(&seed) % (sizeof lead / sizeof *lead);
            char addr[32];
            snprintf(addr, sizeof addr, "u%zu.r%d@example.org", i, round);
            n += (size_t)snprintf(t + n, sizeof t - n, "%s %s here\n\n",
                                  lead[k].phrase, addr);
            if (lead[k].kind == 2)
                memcpy(want[nwant++], addr, sizeof addr);
        }
        struct report *r = calloc(1, sizeof *r);
        struct rbuild b = {.r = r, .lim = &lim};
        struct textbounce_hints h = {.subject = "hello", .from = ""};
        assert_non_null(r);
        (void)textbounce_parse(&b, t, n, &h);
        assert_int_equal(r->nrcpts, nwant);
        for (size_t i = 0; i < nwant; i++)
            assert_string_equal(r->rcpts[i].recipient, want[i]);
        report_free(&r);
    }
}

/* textbounce_parse() of a notice text into a report of its own, under
 * the default limits. */
static struct report *parse_notice(const char *text)
{
    struct mime_limits lim;
    struct report *r = calloc(1, sizeof *r);
    struct rbuild b = {.r = r, .lim = &lim};
    struct textbounce_hints h = {.subject = "failure notice", .from = ""};

    assert_non_null(r);
    mime_limits_default(&lim);
    (void)textbounce_parse(&b, text, strlen(text), &h);
    return r;
}

/* A recipient whose reason is known from its first block takes its remote
 * MTA from a later one: "host " on its line, folded onto the next, on the
 * line above a bare address, or nowhere. */
static void test_remote_from_later_block(void **state)
{
    static const struct {
        const char *text, *remote;
    } cases[] = {
        {"<a@b.example>: 550 5.1.1 unknown\nuser\n\n"
         "<a@b.example>: host mx.example.org said: no\n",
         "mx.example.org"},
        {"<a@b.example>: 550 5.1.1 unknown\nuser\n\n"
         "<a@b.example>: delivery to HOST\n  mx.example.org failed\n",
         "mx.example.org"},
        {"<a@b.example>: 550 5.1.1 unknown\nuser\n\n"
         "relay host mx.example.org said:\n<a@b.example>\n",
         "mx.example.org"},
        {"<a@b.example>: 550 5.1.1 unknown\nuser\n\n"
         "<a@b.example>: the hos t mx.example.org\n",
         NULL},
        {"<a@b.example>: 550 5.1.1 unknown\nuser\n\n<a@b.example>: again\n",
         NULL},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = parse_notice(cases[i].text);
        assert_int_equal(r->nrcpts, 1);
        assert_int_equal(r->rcpts[0].reply_code, 550);
        if (cases[i].remote == NULL)
            assert_null(r->rcpts[0].remote_mta);
        else
            assert_string_equal(r->rcpts[0].remote_mta, cases[i].remote);
        report_free(&r);
    }
}

/* A line that gives an address for help or a new address names no
 * recipient after its phrase, and still names the one before it. */
static void test_helpdesk_phrase_position(void **state)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"<user@example.com>: host mx.example.com[192.0.2.1] said: 452 4.2.2 "
         "Mailbox full, please try again later\n",
         "user@example.com"},
        {"<user@example.com>: 550 5.1.6 recipient has moved; please try "
         "<user@new.example>\n",
         "user@example.com"},
        {"<user@example.com>: 551 5.1.6 the mailbox has moved to "
         "user@new.example\n",
         "user@example.com"},
        {"<user@example.com>: 550 5.1.1 unknown, please contact "
         "help@example.com\n",
         "user@example.com"},
        {"<user@example.com>: 551 5.1.6 User has moved.\n    Please update "
         "your records and try <user@new.example>\n",
         "user@example.com"},
        /* the phrase's last word on a line of its own, then the address */
        {"<user@example.com>: 550 5.1.1 unknown\r\n\r\nQuestions should be "
         "directed to the list administrator\r\nat:\r\n\r\n"
         "    list-owner@example.org\r\n",
         "user@example.com"},
        {"<user@example.com>: 550 5.1.1 unknown\n\nQuestions should be "
         "directed to the list administrator\nat:\n\n"
         "    list-owner@example.org\n",
         "user@example.com"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = parse_notice(cases[i].text);
        assert_int_equal(r->nrcpts, 1);
        assert_string_equal(r->rcpts[0].recipient, cases[i].want);
        report_free(&r);
    }
}

/* An address after a label of a message id, in any of the languages
 * notices use, is the message's id, not a recipient. */
static void test_msgid_labels(void **state)
{
    static const char *const labels[] = {
        "Message-ID:", "Message ID :", "Identifiant :", "Nachrichten-ID:",
        "ID del mensaje:", "Message identifier:\t"};
    (void)state;

    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "<user@example.com>: 550 5.1.1 unknown user\n\n"
                 "%s <20240412.ab12@sender.example>\n",
                 labels[i]);
        struct report *r = parse_notice(text);
        assert_int_equal(r->nrcpts, 1);
        assert_string_equal(r->rcpts[0].recipient, "user@example.com");
        report_free(&r);
    }
}

/* When no line names a recipient, echoed header lines are read too, but
 * never those that name the sender ("Sender:  a@b" in an antivirus
 * alert). */
static void test_relaxed_echo_lines(void **state)
{
    (void)state;
    struct report *r = parse_notice("The message was blocked and not "
                                    "delivered.\n\n  Sender:     "
                                    "a@example.com\n  Subject:    x\n"
                                    "  Action:     discarded (550 5.7.0 "
                                    "virus found)\n");
    assert_int_equal(r->nrcpts, 0);
    report_free(&r);
}

/* A lone recipient named by a label ("Recipient(s):") in a block that
 * says nothing of a failure takes the notice's words as its reason. */
static void test_labelled_recipient_reason(void **state)
{
    (void)state;
    struct report *r = parse_notice(
        "The gateway has blocked a message you sent: executable "
        "attachments are not allowed.\n\n"
        "  Sender:        a@example.org\n"
        "  Recipient(s):  b@example.com\n"
        "  Subject:       Scans\n");
    assert_int_equal(r->nrcpts, 1);
    assert_string_equal(r->rcpts[0].recipient, "b@example.com");
    assert_non_null(strstr(r->rcpts[0].diagnostic, "attachments are not"));
    report_free(&r);
}

/* Each row of an exported table is one recipient's: its reason is on its
 * row, not the rows below; two lines of prose that name two addresses
 * are no table. */
static void test_table_rows(void **state)
{
    (void)state;
    struct report *r = parse_notice(
        "created,type,category,recipient,response\n"
        "2025-04-16T09:00:41Z,BOUNCE,UNKNOWN_USER,a@example.org,\"550 5.1.1 "
        "User unknown\"\n"
        "2025-04-16T09:00:44Z,BOUNCE,MAILBOX_FULL,b@example.net,\"552 5.2.2 "
        "Mailbox quota exceeded\"\n"
        "2025-04-16T09:00:47Z,BOUNCE,POLICY,c@example.com,\"550 5.7.1 "
        "Unauthenticated email is not accepted\"\n");
    assert_int_equal(r->nrcpts, 3);
    assert_int_equal(r->rcpts[0].reply_code, 550);
    assert_null(strstr(r->rcpts[0].diagnostic, "quota"));
    assert_int_equal(r->rcpts[1].reply_code, 552);
    assert_null(strstr(r->rcpts[1].diagnostic, "Unauthenticated"));
    report_free(&r);

    /* a quoted field's comma is no column */
    r = parse_notice("date,name,recipient,response\n"
                     "2025-04-16,\"Lee, Ann\",a@example.org,\"550 5.1.1 "
                     "User unknown\"\n"
                     "2025-04-16,\"Bob\",b@example.net,\"552 5.2.2 Mailbox "
                     "quota exceeded\"\n");
    assert_int_equal(r->nrcpts, 2);
    assert_null(strstr(r->rcpts[0].diagnostic, "quota"));
    report_free(&r);

    /* labels and tabs before addresses, with no reply on the address's
     * line, are no table: the reason below still counts */
    r = parse_notice("Your message could not be delivered.\n\n"
                     "Recipient:\ta@example.org\n"
                     "Forwarded to:\ta.lee@mail.example.org\n"
                     "Reason:\t550 5.1.1 User unknown\n");
    assert_true(r->nrcpts >= 1);
    assert_string_equal(r->rcpts[0].recipient, "a@example.org");
    assert_non_null(strstr(r->rcpts[0].diagnostic, "550 5.1.1"));
    report_free(&r);

    r = parse_notice("The server did not accept your mailing for "
                     "a@example.org. It turned\ndown your sender address "
                     "news@example.net because that\ndomain could not be "
                     "found.\n\n  553 5.1.8 Sender address rejected\n");
    assert_int_equal(r->nrcpts, 1);
    assert_string_equal(r->rcpts[0].recipient, "a@example.org");
    assert_non_null(strstr(r->rcpts[0].diagnostic, "553 5.1.8"));
    report_free(&r);
}

/* The address a reply refuses as the sender ("<a@b>: Sender address
 * rejected") is no recipient; the recipient the notice names takes that
 * reply. */
static void test_sender_rejected_reply(void **state)
{
    (void)state;
    struct report *r = parse_notice(
        "Sorry, your mail could not be delivered.\n\n"
        "Recipient: a@example.ch\n"
        "Subject: Quotation\n\n"
        "The remote server said:\n"
        "553 5.1.8 <news@example.cn>: Sender address rejected: Domain not "
        "found\n");
    assert_int_equal(r->nrcpts, 1);
    assert_string_equal(r->rcpts[0].recipient, "a@example.ch");
    report_free(&r);
}

/* A recipient's line that says in another language that the mail could
 * not be delivered names a failed recipient; the text says it is a
 * notice. */
static void test_intl_failure_lines(void **state)
{
    static const char *const texts[] = {
        "Zpr\xc3\xa1vu pro adres\xc3\xa1ta a@example.cz nebylo mo\xc5\xben\xc3\xa9 "
        "doru\xc4\x8dit.\n",
        "Wiadomo\xc5\x9b\xc4\x87 do a@example.pl nie zosta\xc5\x82" "a "
        "dostarczona.\n",
        "Meddelandet till a@example.se kunde inte levereras.\n",
        "a@example.tr adresine teslim edilemedi.\n",
        "\xe9\x82\xae\xe4\xbb\xb6\xe6\x97\xa0\xe6\xb3\x95\xe6\x8a\x95"
        "\xe9\x80\x92\xe5\x88\xb0 a@example.cn\n"};
    struct textbounce_hints h = {.subject = "", .from = ""};
    (void)state;

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct report *r = parse_notice(texts[i]);
        assert_int_equal(r->nrcpts, 1);
        assert_memory_equal(r->rcpts[0].recipient, "a@example.", 10);
        assert_true(textbounce_signal(texts[i], strlen(texts[i]), &h));
        report_free(&r);
    }
}

/* A transcript's last failed reply, its continuation lines joined
 * without their markers; a success is none; cut short to the buffer. */
static void test_transcript_reply(void **state)
{
    static const char text[] =
        "12:00:01: <-- 220 mx.example ESMTP\n"
        "12:00:02: --> MAIL From:<a@example.org>\n"
        "12:00:02: <-- 451 4.3.0 try later\n"
        "12:00:09: <-- 552-5.3.4 Message too big\r\n"
        "12:00:09: <-- 552 5.3.4 (10 MB at most)\n"
        "12:00:09: <-- 552 5.3.4 not a continuation\n"
        "12:00:10: <-- 221 Bye\n";
    char out[128], small[12];
    (void)state;

    size_t n = textbounce_transcript_reply(text, sizeof text - 1, out,
                                           sizeof out);
    assert_string_equal(out, "552 5.3.4 not a continuation");
    assert_int_equal(n, strlen(out));
    size_t head = (size_t)(strstr(text, "12:00:09: <-- 552 5.3.4 not") - text);
    n = textbounce_transcript_reply(text, head, out, sizeof out);
    assert_string_equal(out,
                        "552-5.3.4 Message too big 552 5.3.4 (10 MB at most)");
    static const char sendmail[] = ">>> RCPT To:<b@example.org>\n"
                                   "<<< 550 5.1.1 <b@example.org>... unknown\n";
    n = textbounce_transcript_reply(sendmail, sizeof sendmail - 1, small,
                                    sizeof small);
    assert_string_equal(small, "550 5.1.1 <");
    assert_int_equal(n, 11);
    /* a text that ends right after the code */
    static const char bare[] = {'<', '-', '-', ' ', '5', '5', '0'};
    n = textbounce_transcript_reply(bare, sizeof bare, out, sizeof out);
    assert_string_equal(out, "550");
    /* a last line of the code alone ends the reply */
    static const char codeonly[] = "<<< 451-4.3.0 Try again later\n<<< 451\n";
    n = textbounce_transcript_reply(codeonly, sizeof codeonly - 1, out,
                                    sizeof out);
    assert_string_equal(out, "451-4.3.0 Try again later 451");
    static const char ok[] = "<-- 250 2.0.0 queued\nno marker 550 here\n";
    assert_int_equal(textbounce_transcript_reply(ok, sizeof ok - 1, out,
                                                 sizeof out), 0);
    assert_string_equal(out, "");
}

/* The first line of a multi-line reply alone is cut; the whole reply is
 * found after transcript markers or as lines of their own, unfolded; a
 * first line the text does not go on from gives none. */
static void test_whole_reply_completes_first_line(void **state)
{
    static const char first[] = "550-5.7.1 Our system has detected that this";
    static const char marked[] =
        "... while talking to mx.example.net.:\n"
        ">>> DATA\n"
        "<<< 550-5.7.1 Our system   has detected that this\n"
        "<<< 550-5.7.1 message is not RFC 5322 compliant.\r\n"
        "<<< 550 5.7.1 See the guidelines.\n"
        "554 5.0.0 Service unavailable\n";
    static const char bare[] = "Reason:\n"
                               "  550-5.7.1 Our system has detected that this\n"
                               "  550 5.7.1 message is spam.\n";
    static const char alone[] = "<<< 550-5.7.1 Our system has detected that "
                                "this\n<<< 250 ok\n";
    char out[256], small[16];
    (void)state;

    assert_true(textbounce_reply_cut(first));
    assert_true(textbounce_reply_cut(" 452-4.2.2 The account is"));
    assert_false(textbounce_reply_cut("550-5.7.1 a 550-5.7.1 b 550 5.7.1 c"));
    assert_false(textbounce_reply_cut("550 5.1.1 User unknown"));
    assert_false(textbounce_reply_cut("Mailbox full"));

    size_t n = textbounce_whole_reply(marked, sizeof marked - 1, first, out,
                                      sizeof out);
    assert_string_equal(out, "550-5.7.1 Our system has detected that this "
                             "550-5.7.1 message is not RFC 5322 compliant. "
                             "550 5.7.1 See the guidelines.");
    assert_int_equal(n, strlen(out));
    n = textbounce_whole_reply(bare, sizeof bare - 1, first, out, sizeof out);
    assert_string_equal(out, "550-5.7.1 Our system has detected that this "
                             "550 5.7.1 message is spam.");
    assert_int_equal(n, strlen(out));
    assert_false(textbounce_reply_cut("550-5.7.1 a 550"));
    n = textbounce_whole_reply(marked, sizeof marked - 1, first, small,
                               sizeof small);
    assert_int_equal(n, sizeof small - 1);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(
        textbounce_whole_reply(alone, sizeof alone - 1, first, out, sizeof out),
        0);
    assert_int_equal(textbounce_whole_reply(marked, sizeof marked - 1,
                                            "550-5.7.1 Other words", out,
                                            sizeof out),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family_as_reference),
        cmocka_unit_test(test_family_short_texts),
        cmocka_unit_test(test_signal_subject_as_reference),
        cmocka_unit_test(test_cut_as_reference),
        cmocka_unit_test(test_remote_as_reference),
        cmocka_unit_test(test_parse_family_delay_as_reference),
        cmocka_unit_test(test_line_phrases_as_reference),
        cmocka_unit_test(test_remote_from_later_block),
        cmocka_unit_test(test_helpdesk_phrase_position),
        cmocka_unit_test(test_msgid_labels),
        cmocka_unit_test(test_relaxed_echo_lines),
        cmocka_unit_test(test_labelled_recipient_reason),
        cmocka_unit_test(test_intl_failure_lines),
        cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_sender_rejected_reply),
        cmocka_unit_test(test_transcript_reply),
        cmocka_unit_test(test_whole_reply_completes_first_line),
    };
    return cmocka_run_group_tests_name("textbounce", tests, NULL, NULL);
}

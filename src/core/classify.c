/*
 * classify.c - see classify.h.  The decision is the rules file's; this file
 * only prepares what the rules look at (reply.h) and applies the few
 * invariants no rule may break:
 *   - a temporary failure (a 4xx reply code, a 4.x.x status, a DSN's
 *     Status: 4.x.x unless its Action is failed, or Action: delayed) is
 *     never "hard";
 *   - a message that is not a failure (auto-reply, feedback report,
 *     success notification) is bucket "none";
 *   - when no rule matches, the reason is "undetermined" (soft): the
 *     address is never suppressed on evidence the rules do not understand.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/addrscan.h"
#include "core/classify.h"
#include "core/hdr.h"
#include "core/reason.h"
#include "core/reply.h"
#include "core/rules.h"

#define CLASSIFY_TEXT_MAX 2048 /* normalised text looked at per reply */
#define CLASSIFY_SAME_MAX 8    /* earlier recipients compared for reuse */
#define CLASSIFY_SCRATCH 1024  /* bytes of stack for the rules' scratch */

static const char *const bucket_names[] = {
    [BUCKET_NONE] = "none",
    [BUCKET_SOFT] = "soft",
    [BUCKET_HARD] = "hard",
    [BUCKET_SENDER] = "sender",
};

const char *bucket_name(enum bucket b)
{
    if ((size_t)b < sizeof bucket_names / sizeof bucket_names[0])
        return bucket_names[b];
    return "none";
}

bool bucket_parse(const char *name, enum bucket *b_r)
{
    for (size_t i = 0; i < sizeof bucket_names / sizeof bucket_names[0]; i++) {
        if (strcmp(bucket_names[i], name) == 0) {
            *b_r = (enum bucket)i;
            return true;
        }
    }
    return false;
}

static void verdict_set(struct verdict *v, const char *reason_name,
                        const char *rule)
{
    const struct reason_info *ri = reason_lookup(reason_name);

    v->reason = ri->name;
    v->bucket = ri->bucket;
    v->auth = ri->auth;
    v->rule = rule;
}

/* The status the rules look at: a specific structured status wins; a
 * vague one ("5.0.0"), or one whose class contradicts the reply code (a
 * success status next to a 4xx/5xx code), yields to the status found in
 * the text.  A success status in the text with no reply code, for a
 * recipient that failed or was delayed (action), says nothing: "delivery
 * via Dovecot 2.3.21 failed" names a version. */
static void effective_status(const char *hint, const char *text_status,
                             int code, const char *action, char *out)
{
    if (text_status[0] == '2' && code == 0 && action != NULL &&
        (strcmp(action, "failed") == 0 || strcmp(action, "delayed") == 0))
        text_status = "";
    bool hint_ok = hint != NULL && reply_status_valid(hint, strlen(hint));
    bool hint_vague =
        hint_ok && strncmp(hint + 1, ".0.0", 4) == 0 && hint[5] == '\0';
    bool hint_clash = hint_ok && code >= 200 && hint[0] - '0' != code / 100 &&
                      text_status[0] - '0' == code / 100;
    /* alone, a status that contradicts its reply code on whether the mail
     * went through ("550 2.7.1", "250 5.1.1") says nothing */
    bool text_clash = !hint_ok && code >= 200 && code < 600 &&
                      text_status[0] != '\0' &&
                      (text_status[0] == '2') != (code / 100 == 2);
    const char *use = "";

    if (hint_ok && !(hint_vague && text_status[0] == hint[0]) && !hint_clash)
        use = hint;
    else if (text_status[0] != '\0' && !text_clash)
        use = text_status;
    else if (hint_ok)
        use = hint;
    size_t n = strlen(use);
    if (n >= REPLY_STATUS_MAX)
        n = REPLY_STATUS_MAX - 1;
    memcpy(out, use, n);
    out[n] = '\0';
}

static void fallback(struct verdict *v, int cls)
{
    if (cls == 2)
        verdict_set(v, "delivered", "builtin.success");
    else
        verdict_set(v, "undetermined", "builtin.default");
}

/* Does the word "expired" (any case, not the end of a longer word) stand
 * in text[0..at)? */
static bool expired_before(const char *text, size_t at)
{
    static const char word[] = "expired";
    const size_t n = sizeof word - 1;

    for (size_t i = 0; i + n <= at; i++)
        if ((text[i] | 0x20) == 'e' && strncasecmp(text + i, word, n) == 0 &&
            (i == 0 || !isalpha((unsigned char)text[i - 1])))
            return true;
    return false;
}

/* The class of the reply code that follows the arrow ending at text[j]
 * ("-> 450 4.2.1 ..."), 0 when none follows. */
static int arrow_code_class(const char *text, size_t len, size_t j)
{
    while (j < len && text[j] == ' ')
        j++;
    if (len - j < 3 || !isdigit((unsigned char)text[j]) ||
        !isdigit((unsigned char)text[j + 1]) ||
        !isdigit((unsigned char)text[j + 2]))
        return 0;
    if (len - j > 3 && text[j + 3] != ' ' && text[j + 3] != '-' &&
        text[j + 3] != '\t')
        return 0;
    return text[j] - '0';
}

/* Did the message expire on a temporary answer: Exchange's "550 5.4.300
 * Message expired -> 450 4.2.1 ..." gives up after the next server's
 * replies, the last of which (after the last arrow) was 4xx, so that the
 * address was never refused for good? */
static bool expired_on_temporary(const char *text, size_t len)
{
    size_t first = len;
    int last = 0;

    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] != '-' || text[i + 1] != '>')
            continue;
        int k = arrow_code_class(text, len, i + 2);
        if (k == 0)
            continue;
        if (first == len)
            first = i;
        last = k;
    }
    return last == 4 && expired_before(text, first);
}

/* The invariants that hold whatever the rules say.  A 4xx reply code is
 * temporary whatever status comes with it ("450 5.1.1"): the code is
 * what tells the client to try again (RFC 5321, 4.2.1).  For the same
 * reason a 5xx code is permanent whatever its status says ("550 4.1.1"):
 * the client gave up.  A 4.x.x status with no reply code is temporary, and
 * so is a DSN whose Status field (hint) says 4.x.x, even when its
 * diagnostic's more specific status has replaced it for the rules, unless
 * its Action says the delivery failed.  A message that expired on a 4xx
 * reply (expired_on_temporary(), read in the reply's text) is temporary
 * too. */
static void clamp(struct verdict *v, int cls, const char *hint,
                  const char *action, const char *text, size_t len)
{
    bool delayed = action != NULL && action[0] == 'd' &&
                   strcmp(action, "delayed") == 0;
    bool failed = action != NULL && strcmp(action, "failed") == 0;
    bool hint4 = !failed && hint != NULL && hint[0] == '4' &&
                 reply_status_valid(hint, strlen(hint));
    bool status4 = cls == 4 && v->reply_code / 100 != 5;

    if (v->bucket == BUCKET_HARD &&
        (status4 || v->reply_code / 100 == 4 || hint4 || delayed ||
         expired_on_temporary(text, len)))
        v->bucket = BUCKET_SOFT;
}

/* Blanks the letters and digits of text[from..to) to 'x' (its length,
 * dots, '@' and other punctuation kept). */
static void mask_span(char *text, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if ((text[i] >= 'a' && text[i] <= 'z') ||
            (text[i] >= 'A' && text[i] <= 'Z') ||
            (text[i] >= '0' && text[i] <= '9'))
            text[i] = 'x';
}

/* mask_span() of an address, its dots too ("x.y@a.example" reads
 * "xxx@xxxxxxxxx"): the words around an address are one sentence, and a
 * rule that stops at a sentence's end ('.') reads past it. */
static void mask_address(char *text, size_t from, size_t to)
{
    mask_span(text, from, to);
    for (size_t i = from; i < to; i++)
        if (text[i] == '.')
            text[i] = 'x';
}

/* Bytes of a host name: letters, digits, '-' and '.'. */
static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Is c an ASCII letter? */
static bool ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Is t[from..to) a last label of a name: two ASCII letters or more? */
static bool letters_label(const char *t, size_t from, size_t to)
{
    if (to - from < 2)
        return false;
    for (size_t k = from; k < to; k++)
        if (!ascii_letter(t[k]))
            return false;
    return true;
}

/* Is t[s..e) a host name to mask (mask_hosts())? */
static bool host_to_mask(const char *t, size_t len, size_t s, size_t e)
{
    size_t dots = 0, last = s;
    bool upper = false, lower = false;

    if (t[s] == '.' || t[e - 1] == '.' || (s > 0 && (t[s - 1] == '/' ||
                                                     t[s - 1] == ':')) ||
        (e < len && t[e] == '/') ||
        (e - s > 4 && strncasecmp(t + s, "www.", 4) == 0))
        return false; /* no name, or one in a web address */
    for (size_t k = s; k < e; k++)
        if (t[k] == '.') {
            if (t[k + 1] == '.')
                return false;
            dots++;
            last = k + 1;
        }
    if (dots < 2 || !letters_label(t, last, e))
        return false;
    for (size_t k = last; k < e; k++) {
        upper = upper || t[k] <= 'Z';
        lower = lower || t[k] >= 'a';
    }
    return !(upper && lower); /* "RESOLVER.ADR.RecipNotFound" */
}

/* Masks the host names of three labels or more in text[0..len) ("Remote
 * Server at mx1.spamfilter.example returned", "(mx-spam01.isp.example)"):
 * a run of letters, digits, '-' and '.' with two dots or more between
 * labels, whose last label has letters only, in one case (Exchange's
 * "RESOLVER.ADR.RecipNotFound" is no host).  Not one in a web address
 * (after "/" or ":", followed by "/", or starting "www."), which may name
 * a cause ("openspf.net", "groups.google.com/"); its path is masked by
 * mask_url_paths().  A dot that ends the name ("mx.example.net.") is not
 * part of it.  Only the runs around a dot before a letter are looked at. */
static void mask_hosts(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while ((p = memchr(p, '.', (size_t)(end - p))) != NULL) {
        if (p + 1 == end || !ascii_letter(p[1])) {
            p++; /* a sentence's end, a status, an address of digits */
            continue;
        }
        size_t s = (size_t)(p - text), e = s + 1;
        while (s > 0 && host_char(text[s - 1]))
            s--;
        while (e < len && host_char(text[e]))
            e++;
        size_t n = e - s > 1 && text[e - 1] == '.' ? e - 1 : e; /* "x.net." */
        if (host_to_mask(text, len, s, n))
            mask_span(text, s, n);
        p = text + e;
    }
}

/* Does a web address's path start at text[i], a '/' after a run of host
 * bytes with a dot whose last label has letters only? */
static bool url_path_at(const char *text, size_t i)
{
    size_t s = i, last = i;

    while (s > 0 && host_char(text[s - 1]))
        s--;
    for (size_t k = s; k < i; k++)
        if (text[k] == '.')
            last = k + 1;
    return last != i && letters_label(text, last, i);
}

/* Does a file's path start at text[i]: a '/' that starts a word, a
 * letter after it and another '/' in the word ("/home/kim/Mail/spam")?
 * Not a program's ("/usr/local/bin/procmail"), whose name says which
 * delivery agent failed. */
static bool file_path_at(const char *text, size_t len, size_t i)
{
    size_t slashes = 0, k;

    if ((i > 0 && memchr(" \"'(<=", text[i - 1], 6) == NULL) || i + 1 >= len ||
        !ascii_letter(text[i + 1]))
        return false;
    for (k = i + 1; k < len && memchr(" >)]\"'", text[k], 6) == NULL; k++) {
        if (text[k] != '/')
            continue;
        slashes++;
        if (k >= 3 && strncmp(text + k - 3, "bin/", 4) == 0)
            return false;
    }
    return slashes > 0;
}

/* Masks the paths of web addresses ("support.example/quarantine/help",
 * "x.example/?p=SpamPolicy") and of files ("/home/kim/Mail/spam"): the
 * page a reply points to, or the folder a delivery agent wrote to, is no
 * cause, the words around it are.  A web address's name stays readable,
 * '/' and the other punctuation are kept. */
static void mask_url_paths(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while ((p = memchr(p, '/', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - text), e = i;
        if ((i == 0 || !url_path_at(text, i)) && !file_path_at(text, len, i)) {
            p++;
            continue;
        }
        while (e < len && memchr(" >)]\"'", text[e], 6) == NULL)
            e++;
        mask_span(text, i, e);
        p = text + e;
    }
}

/* Is text[q..c) the inside of a display name: no address in it, and its
 * opening quote (text[q - 1]) at the start or after a blank or ',', ':',
 * ';', '(' (not a quote that closes a string before it)? */
static bool display_name_at(const char *text, size_t q, size_t c)
{
    if (q >= 2 && memchr(" ,:;(", text[q - 2], 5) == NULL)
        return false;
    for (size_t i = q; i < c; i++)
        if (text[i] == '@' || text[i] == '<' || text[i] == '>')
            return false;
    return true;
}

/* Masks a quoted display name written after its address ('<a@b>
 * ("Spam Filter")', '<a@b> "Unknown User"'): a quoted string of at most
 * four words and 64 bytes with no address in it, a blank and '(' allowed
 * between (a longer one may be a reason: '<a@b> "Your mail looks like
 * spam"'). */
static void mask_names_after(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while ((p = memchr(p, '>', (size_t)(end - p))) != NULL) {
        size_t q = (size_t)(p - text) + 1, blanks = 0;
        if (q < len && text[q] == ' ')
            q++;
        if (q < len && text[q] == '(')
            q++;
        if (q < len && text[q] == '"') {
            size_t stop = len - q > 65 ? q + 65 : len, c = q + 1;
            for (; c < stop && text[c] != '"'; c++)
                blanks += text[c] == ' ';
            if (c < stop && blanks < 4 && display_name_at(text, q + 1, c))
                mask_span(text, q + 1, c);
        }
        p++;
    }
}

/* Masks the quoted display names of addresses ('"Unknown User" <a@b>'):
 * a name someone chose is no cause.  Only a quoted string of at most
 * 100 bytes right before '<' (a blank between them allowed) is one, or
 * one right after '>' (mask_names_after()). */
static void mask_display_names(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    mask_names_after(text, len);

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        size_t e = (size_t)(p - text);
        if (e > 0 && text[e - 1] == ' ')
            e--;
        if (e >= 2 && text[e - 1] == '"') {
            size_t q = e - 1, stop = q > 100 ? q - 100 : 0;
            while (q > stop && text[q - 1] != '"')
                q--;
            if (q > 0 && text[q - 1] == '"' &&
                display_name_at(text, q, e - 1))
                mask_span(text, q, e - 1);
        }
        p++;
    }
}

/* A word or phrase and its length. */
struct lit {
    const char *s;
    size_t n;
};
#define LIT(s) {s, sizeof s - 1}

/* Cues of a denied cause: "this is not a spam block", "not on any
 * blocklist", "NOT related to spam filtering", "you are not blocked"
 * (the cause words after the cue are masked; after a bare "not " or
 * "no ", the next word only), "spam check passed", "the spam score was not the
 * reason", "your reputation is fine" (those before it).  Lower case. */
static const struct lit negate_before[] = {
    LIT("not a "),          LIT("not an "),          LIT("not on any "),
    LIT("not in any "),     LIT("not listed on any "), LIT("not listed in any "),
    LIT("not on our "),     LIT("not in our "),      LIT("not listed on our "),
    LIT("not listed in our "), LIT("not related to "), LIT("not due to "),
    LIT("not caused by "),  LIT("not because of "),  LIT("nothing to do with "),
    LIT("unrelated to "),   LIT("isn't a "),         LIT("is not about "),
    LIT("not about "),      LIT("not considered "),  LIT("not classified as "),
    LIT("not flagged as "), LIT("not marked as "),   LIT("not treated as "),
    LIT("not detected as "), LIT("not identified as "), LIT("not regarded as "),
    LIT("not deemed "),     LIT("passed spam and virus "),
    LIT("passed virus and spam "), LIT("passed all "), LIT("not "),
    /* French (after "n'"), German, Spanish, Italian, Portuguese */
    LIT("est pas li\xc3\xa9"), LIT("est pas d\xc3\xbb"),
    LIT("est pas un probl\xc3\xa8me de "), LIT("concerne pas "),
    LIT("nicht auf einer "), LIT("liegt nicht an "), LIT("hat nichts mit "),
    LIT("nicht wegen "), LIT("no est\xc3\xa1 relacionad"), LIT("no se debe a "),
    LIT("no es un problema de "), LIT("non \xc3\xa8 legat"),
    LIT("non dipende da"), LIT("non \xc3\xa8 dovut"),
    LIT("non \xc3\xa8 un problema di "), LIT("n\xc3\xa3o est\xc3\xa1 relacionad"),
    LIT("n\xc3\xa3o se deve a"),
    /* "no virus found", "no spam detected": the next word only */
    LIT("no ")};
static const struct lit negate_after[] = {
    LIT("was not the reason"), LIT("is not the reason"), LIT("was not the cause"),
    LIT("is not the cause"),   LIT("check passed"),      LIT("checks passed"),
    LIT("scan passed"),        LIT("test passed"),       LIT("is fine"),
    LIT("are fine"),           LIT("were not reached"),  LIT("was not reached"),
    LIT("were not run"),       LIT("was not run"),       LIT("all passed"),
    LIT("both passed"),        LIT("not evaluated"),     LIT("not checked"),
    LIT("check skipped"),      LIT("checks skipped")};

/* The stems of the sender-side causes a denial masks ("spam", "blocked",
 * "blocklists", ...), each at the start of a word. */
static const struct lit negated_stems[] = {
    LIT("spam"),  LIT("block"), LIT("black"), LIT("reputation"), LIT("filter"),
    LIT("antispam"), LIT("rbl"), LIT("dnsbl"), LIT("content"), LIT("virus"),
    LIT("rate"), LIT("throttl"),
    /* the same in French, Spanish, Italian, Portuguese, German */
    LIT("r\xc3\xa9putation"), LIT("reputaci"), LIT("reputazion"),
    LIT("reputa\xc3\xa7"), LIT("blocage"), LIT("bloqu"), LIT("blocc"),
    LIT("liste"), LIT("lista"), LIT("schwarze"), LIT("sperrliste")};

/* The stems of the authentication methods, masked as those are, but not
 * by the bare "no " or "not ": "no SPF record", "not DKIM signed" say the
 * authentication is missing, a failure. */
static const struct lit auth_stems[] = {LIT("spf"), LIT("dkim"), LIT("dmarc")};

#define NEGATE_SCOPE 100 /* bytes a denial reaches, at most */
#define NEGATE_WORDS 4   /* words after a cue it reaches, at most */
#define NEGATE_BACK 3    /* words before a cue it reaches, at most */

/* Is c, in lower case, the lower-case byte w? */
static bool lower_is(char c, char w)
{
    return (c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) == w;
}

static bool word_byte(char c)
{
    return ascii_letter(c) || (c >= '0' && c <= '9');
}

/* Does a clause end at text[i] (';', ':', ',', '(', ')', '!', '?', a
 * '.' before a blank or the end, or the blank before "but", "however",
 * "it is", "and", "because", "so": "not a trusted host and is listed")? */
static bool clause_end(const char *text, size_t len, size_t i)
{
    static const struct lit turns[] = {
        LIT(" but "), LIT(" however"), LIT(" it is "), LIT(" it was "),
        LIT(" it's "), LIT(" and "), LIT(" because "), LIT(" so ")};
    char c = text[i];

    if (c == '.')
        return i + 1 == len || text[i + 1] == ' ';
    if (c == ' ') {
        for (size_t k = 0; k < sizeof turns / sizeof *turns; k++)
            if (len - i >= turns[k].n && lower_is(text[i + 1], turns[k].s[1]) &&
                strncasecmp(text + i, turns[k].s, turns[k].n) == 0)
                return true;
        return false;
    }
    return c == ';' || c == ':' || c == ',' || c == '(' || c == ')' ||
           c == '!' || c == '?';
}

/* Does the word that holds text[i] go on before it (a hyphen joins two
 * words into one: "anti-virus")? */
static bool word_goes_back(const char *text, size_t i)
{
    return i > 0 && (word_byte(text[i - 1]) ||
                     (text[i - 1] == '-' && i > 1 && word_byte(text[i - 2])));
}

/* Does a list of causes go on at text[i] (a comma: "not a quota, spam
 * or blocklist problem"): a word or three, then another comma, "or" or
 * "nor"? */
static bool list_goes_on(const char *text, size_t len, size_t i)
{
    size_t j = i + 1, words = 0;

    if (text[i] != ',')
        return false;
    while (words <= 3) {
        while (j < len && text[j] == ' ')
            j++;
        if (j >= len || (!word_byte(text[j]) && text[j] != ','))
            return false;
        if (words > 0 && (text[j] == ',' ||
                          (len - j > 3 && strncasecmp(text + j, "or ", 3) == 0) ||
                          (len - j > 4 && strncasecmp(text + j, "nor ", 4) == 0)))
            return true;
        while (j < len && (word_byte(text[j]) || text[j] == '-'))
            j++;
        words++;
    }
    return false;
}

/* Length of the stem of stems[0..n) that starts text[i..to), or 0. */
static size_t stem_at(const char *text, size_t i, size_t to,
                      const struct lit *stems, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (lower_is(text[i], stems[k].s[0]) && to - i >= stems[k].n &&
            strncasecmp(text + i, stems[k].s, stems[k].n) == 0)
            return stems[k].n;
    return 0;
}

/* Is text[i..to), a word's start, a cause word a denial masks: one of
 * negated_stems[] but no list's name ("spamhaus", "spamcop"), or, unless
 * the denial is a bare "no " or "not " (bare), one of auth_stems[]? */
static bool cause_at(const char *text, size_t i, size_t to, bool bare)
{
    const size_t nn = sizeof negated_stems / sizeof *negated_stems;
    const size_t na = sizeof auth_stems / sizeof *auth_stems;

    if (stem_at(text, i, to, negated_stems, nn) > 0)
        return !((to - i >= 8 && strncasecmp(text + i, "spamhaus", 8) == 0) ||
                 (to - i >= 7 && strncasecmp(text + i, "spamcop", 7) == 0));
    return !bare && stem_at(text, i, to, auth_stems, na) > 0;
}

/* Masks the cause words (cause_at()) that start a word in
 * text[from..to); were there any? */
static bool mask_causes(char *text, size_t from, size_t to, bool bare)
{
    bool any = false;

    for (size_t i = from; i < to; i++) {
        if (!ascii_letter(text[i]) || (i > 0 && word_byte(text[i - 1])) ||
            !cause_at(text, i, to, bare))
            continue;
        size_t e = i;
        while (e < to && word_byte(text[e]))
            e++;
        mask_span(text, i, e);
        any = true;
        i = e;
    }
    return any;
}

/* Is one of cues[0..n) at text[i] (a word's start)?  Its length, or 0. */
static size_t cue_at(const char *text, size_t len, size_t i,
                     const struct lit *cues, size_t n)
{
    if (i > 0 && word_byte(text[i - 1]))
        return 0;
    for (size_t k = 0; k < n; k++) {
        size_t l = cues[k].n;
        if (len - i >= l && lower_is(text[i], cues[k].s[0]) &&
            lower_is(text[i + l - 1], cues[k].s[l - 1]) &&
            strncasecmp(text + i, cues[k].s, l) == 0)
            return l;
    }
    return 0;
}

/* Does a word every cue holds ("not", "n't", "unrelated", "passed",
 * "fine", "skipped"; "pas", "nicht", "no", "non", "não") start at
 * text[i]?  Only
 * there are cues looked for. */
static bool denial_anchor(const char *t, size_t len, size_t i)
{
    size_t n = len - i;

    switch (t[i] | 0x20) {
    case 'n': /* not, n't; no, non, nicht, não */
        return (n >= 3 && (t[i + 2] | 0x20) == 't' &&
                ((t[i + 1] | 0x20) == 'o' || t[i + 1] == '\'')) ||
               (n >= 3 && (t[i + 1] | 0x20) == 'o' && t[i + 2] == ' ') ||
               (n >= 4 && strncasecmp(t + i, "non ", 4) == 0) ||
               (n >= 5 && strncasecmp(t + i, "nicht", 5) == 0) ||
               (n >= 4 && memcmp(t + i + 1, "\xc3\xa3o", 3) == 0);
    case 'u':
        return n >= 9 && strncasecmp(t + i, "unrelated", 9) == 0;
    case 'p': /* passed; pas */
        return (n >= 6 && strncasecmp(t + i, "passed", 6) == 0) ||
               (n >= 4 && strncasecmp(t + i, "pas ", 4) == 0);
    case 'f':
        return n >= 4 && strncasecmp(t + i, "fine", 4) == 0;
    case 's':
        return n >= 7 && strncasecmp(t + i, "skipped", 7) == 0;
    default:
        return false;
    }
}

#if defined(__SSE2__)
/* The bits k of the 16 places t + k where three bytes, caseless, are
 * a, b, c (t + 17 readable; a, b and c lower case or not letters). */
static inline unsigned tri16(const char *t, char a, char b, char c)
{
    const __m128i f = _mm_set1_epi8(0x20);
    __m128i x0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)t), f);
    __m128i x1 = _mm_or_si128(
        _mm_loadu_si128((const __m128i *)(const void *)(t + 1)), f);
    __m128i x2 = _mm_or_si128(
        _mm_loadu_si128((const __m128i *)(const void *)(t + 2)), f);

    return (unsigned)_mm_movemask_epi8(_mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(x0, _mm_set1_epi8(a)),
                      _mm_cmpeq_epi8(x1, _mm_set1_epi8(b))),
        _mm_cmpeq_epi8(x2, _mm_set1_epi8(c))));
}
#endif

/* The first place from 'from' on where denial_anchor() holds, or len:
 * sixteen places a step where SSE2 is, by the first three bytes of the
 * anchors, so that the bytes of most replies cost no branch. */
static size_t next_anchor(const char *t, size_t len, size_t from)
{
    size_t i = from;
#if defined(__SSE2__)
    for (; i + 18 <= len; i += 16) {
        unsigned m = tri16(t + i, 'n', 'o', 't') | tri16(t + i, 'n', '\'', 't') |
                     tri16(t + i, 'u', 'n', 'r') | tri16(t + i, 'p', 'a', 's') |
                     tri16(t + i, 'f', 'i', 'n') | tri16(t + i, 'n', 'o', ' ') |
                     tri16(t + i, 'n', 'o', 'n') | tri16(t + i, 'n', 'i', 'c') |
                     tri16(t + i, 'n', (char)0xe3, (char)0xa3) |
                     tri16(t + i, 's', 'k', 'i');
        while (m != 0) {
            size_t k = i + (size_t)__builtin_ctz(m);
            if (denial_anchor(t, len, k))
                return k;
            m &= m - 1;
        }
    }
#endif
    for (; i < len; i++)
        if (denial_anchor(t, len, i))
            return i;
    return len;
}

/* Where the causes a cue at text[c] after them denies start:
 * NEGATE_BACK words back at most, not past the clause's start.  A list
 * joined by " and " ("anti-spam and anti-virus checks passed", "SPF, DKIM
 * and DMARC all passed") reaches NEGATE_BACK words further for each
 * " and ", and, once one is crossed, for each comma before it. */
static size_t deny_back_from(const char *text, size_t len, size_t c)
{
    size_t s = c, words = 0, most = NEGATE_BACK;
    bool joined = false; /* an " and " crossed */

    for (; s > 0 && c - s < NEGATE_SCOPE; s--) {
        size_t b = s - 1;
        if (text[b] == ' ' && len - b >= 5 &&
            strncasecmp(text + b, " and ", 5) == 0) {
            joined = true;
            most += NEGATE_BACK;
        } else if (text[b] == ',' && joined) {
            most += NEGATE_BACK;
        } else if (clause_end(text, len, b)) {
            break;
        }
        if (word_byte(text[b]) && !word_goes_back(text, b) && ++words == most)
            return b; /* the start of the last word counted */
    }
    return s;
}

/* Masks the cause words a cue at text[c] (a word's start) denies: from
 * the clause's start before one of negate_after[] (deny_back_from()), to
 * the clause's end after one of negate_before[].  Where reading goes on,
 * or 0 when no cue is there.  A cue of negate_after[] is looked for first:
 * "not evaluated" is one, not the bare "not ". */
static size_t deny_at(char *text, size_t len, size_t c, bool *masked)
{
    const size_t nb = sizeof negate_before / sizeof *negate_before;
    const size_t na = sizeof negate_after / sizeof *negate_after;
    size_t l = cue_at(text, len, c, negate_after, na);

    if (l > 0) {
        *masked |= mask_causes(text, deny_back_from(text, len, c), c, false);
        return c + l;
    }
    l = cue_at(text, len, c, negate_before, nb);
    if (l > 0) {
        /* after the bare "not " or "no " (the only cues of four bytes or
         * fewer), one word; a list reaches further ("not a quota, rate or
         * spam issue") */
        size_t e = c + l, words = 0, most = l <= 4 ? 1 : NEGATE_WORDS;
        for (; e < len && e - c < NEGATE_SCOPE; e++) {
            if (clause_end(text, len, e)) {
                if (!list_goes_on(text, len, e))
                    break;
                most += NEGATE_WORDS;
            }
            if (word_byte(text[e]) && (e == c + l || !word_byte(text[e - 1])) &&
                ++words > most)
                break;
        }
        /* from the cue's start: "passed spam and virus checks" names the
         * causes it denies in the cue itself */
        *masked |= mask_causes(text, c, e, l <= 4);
        return e;
    }
    return 0;
}

/* Masks the sender-side causes a reply denies, so that a rule reads only
 * what it asserts (deny_at()), NEGATE_SCOPE bytes at most either way;
 * did it mask any?  A cue starts at the word that holds an anchor
 * (denial_anchor()) or at the word before it ("is not the reason",
 * "check passed").  Lengths are kept. */
static bool mask_denied_causes(char *text, size_t len)
{
    size_t next = 0; /* text before it is read */
    bool masked = false;

    for (size_t i = 0; (i = next_anchor(text, len, i)) < len; i++) {
        size_t w = i, p;
        while (w > 0 && (word_byte(text[w - 1]) || text[w - 1] == '\''))
            w--;
        p = w;
        if (p > 1 && text[p - 1] == ' ' && word_byte(text[p - 2]))
            for (p--; p > 0 && word_byte(text[p - 1]);)
                p--;
        size_t to = 0;
        if (p < w && p >= next)
            to = deny_at(text, len, p, &masked);
        if (to == 0 && w >= next)
            to = deny_at(text, len, w, &masked);
        if (to > 0) {
            next = to;
            if (to > i + 1)
                i = to - 1;
        }
    }
    return masked;
}

/* Masks the name a resolver looked up ("Name service error for
 * name=virus-archive.example type=MX"): whatever words it holds, it is
 * where mail went, not why it failed. */
static void mask_lookup_names(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while (end - p > 5 && (p = memchr(p, '=', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - text) + 1, e = i;
        p++;
        if (i < 5 || strncasecmp(text + i - 5, "name=", 5) != 0)
            continue;
        while (e < len && host_char(text[e]))
            e++;
        mask_span(text, i, e);
    }
}

/* Is t[i..k) the type of a part of an X.500 name: "ou", "cn", "dc", "o"
 * or "c", any case?  (The longer first: stem_at() takes the first that
 * starts there.) */
static bool x500_type(const char *t, size_t i, size_t k)
{
    static const struct lit type[] = {LIT("ou"), LIT("cn"), LIT("dc"), LIT("o"),
                                      LIT("c")};

    return stem_at(t, i, k, type, sizeof type / sizeof type[0]) == k - i;
}

/* Masks the values of an X.500 name's parts ("/o=ExchangeLabs/ou=...
 * /cn=Recipients/cn=4f1c-spamfilter"), the path Exchange gives of a
 * mailbox: names, not causes.  A value ends at the next '/', a quote, a
 * sentence's end (". ") or the end of the text; one of "cn" (the last
 * part, a mailbox's name, after which the reason may go on) at a blank
 * too. */
static void mask_x500_values(char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while ((p = memchr(p, '/', (size_t)(end - p))) != NULL) {
        size_t i = (size_t)(p - text) + 1, k = i;
        p++;
        while (k < len && k - i < 3 && ascii_letter(text[k]))
            k++;
        if (k >= len || text[k] != '=' || !x500_type(text, i, k))
            continue;
        size_t e = k + 1;
        bool cn = k - i == 2 && (text[i] | 0x20) == 'c';
        while (e < len && text[e] != '/' && text[e] != '\'' && text[e] != '"' &&
               !(cn && text[e] == ' ') &&
               !(text[e] == '.' && (e + 1 == len || text[e + 1] == ' ')))
            e++;
        mask_span(text, k + 1, e);
    }
}

/* Masks the host name that follows "domain ", "lookup of " or "not
 * found: " ("the domain spamfilter-example.net couldn't be found", "lookup
 * of virus-labs.example responded"): a name said to be the domain, whose
 * words are no cause.  (Names of two labels stay elsewhere: some name
 * their cause, "spamhaus.org".) */
static void mask_named_domains(char *text, size_t len)
{
    /* the longer first: stem_at() takes the first that starts there */
    static const struct lit lead[] = {LIT("domain name "), LIT("domain "),
                                      LIT("lookup of "), LIT("not found: ")};

    for (size_t i = 0; i + 1 < len; i++) {
        /* every lead has 'o' second: most bytes are passed on that */
        if ((text[i + 1] | 0x20) != 'o' || (i > 0 && ascii_letter(text[i - 1])))
            continue;
        size_t n = stem_at(text, i, len, lead, sizeof lead / sizeof *lead);
        if (n == 0)
            continue;
        size_t s = i + n, e = s;
        while (e < len && host_char(text[e]))
            e++;
        if (e > s && text[e - 1] == '.')
            e--; /* a sentence's end, no part of the name */
        if (e > s && text[s] != '.' && ascii_letter(text[e - 1]) &&
            memchr(text + s, '.', e - s) != NULL)
            mask_span(text, s, e);
    }
}

#define SUBJECT_MASK_MAX 256 /* bytes of a quoted Subject masked */

/* Does a label other than a Subject's ("Sent:", "Date:", "To:", "From:",
 * "Cc:"), after a blank, start at t[i] (len bytes in all)? */
static bool next_label_at(const char *t, size_t len, size_t i)
{
    static const struct lit label[] = {LIT("sent:"), LIT("date:"), LIT("to:"),
                                       LIT("from:"), LIT("cc:")};

    return i > 0 && t[i - 1] == ' ' &&
           stem_at(t, i, len, label, sizeof label / sizeof label[0]) > 0;
}

/* Masks the Subject a notice quotes between its labels ("... Subject:
 * Your mailbox is full Sent: 03/07/2024 ..."): the words of the mail that
 * failed, not of its failure.  A Subject that opens the text stays (an
 * automatic reply's own, which rules read), and so does one that no label
 * follows within SUBJECT_MASK_MAX bytes (where it ends is unknown). */
static void mask_quoted_subjects(char *text, size_t len)
{
    /* the ':' is rare: looked for first (at c = i + 7, i >= 1, a byte
     * after it), the word before it then */
    for (size_t from = 8; from + 1 < len;) {
        const char *p = memchr(text + from, ':', len - 1 - from);
        if (p == NULL)
            return;
        size_t c = (size_t)(p - text), i = c - 7;
        from = c + 1;
        if (text[i - 1] != ' ' || strncasecmp(text + i, "subject:", 8) != 0)
            continue;
        size_t b = i + 8, e = b;
        while (e < len && e - b < SUBJECT_MASK_MAX &&
               !next_label_at(text, len, e))
            e++;
        if (e < len && e - b < SUBJECT_MASK_MAX)
            mask_span(text, b, e);
        from = e + 8; /* the next "subject:" starts after e */
    }
}

/* Masks the names that only say where mail went, so that no rule reads a
 * cause in them: addresses ("spam@", "userunknown@"), the host of a
 * "host NAME[ip]" or "host NAME [ip]" ("mx.spamexperts.example"), and any
 * other host name of three labels or more (mask_hosts()), the paths of
 * web addresses (mask_url_paths()) and quoted display names
 * (mask_display_names()).  The names of web addresses stay:
 * some name their cause ("openspf.net").  Lengths are kept. */
static void mask_names(char *text, size_t len)
{
    size_t pos = 0, st, l;
    const char *p = text, *end = text + len;

    while (addrscan_next(text, len, &pos, &st, &l))
        mask_address(text, st, st + l);
    mask_hosts(text, len);
    mask_url_paths(text, len);
    mask_lookup_names(text, len);
    mask_display_names(text, len);
    mask_quoted_subjects(text, len);
    mask_x500_values(text, len);
    mask_named_domains(text, len);
    while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
        size_t b = (size_t)(p - text), e = b > 0 && text[b - 1] == ' ' ? b - 1 : b;
        size_t h = e; /* the host name before "[ip]", after "host " */
        while (h > 0 && host_char(text[h - 1]))
            h--;
        if (h < e && h >= 5 && strncasecmp(text + h - 5, "host ", 5) == 0 &&
            (h == 5 || text[h - 6] == ' ')) /* not "ghost " */
            mask_span(text, h, e);
        p++;
    }
}

/* A reply that carries RFC 2047 encoded words as they stood in a header
 * it quotes ("=?UTF-8?Q?Respuesta_autom=C3=A1tica?= ..."): decoded into
 * dec (CLASSIFY_TEXT_MAX bytes) and *text, *len pointed there; else left
 * as it is. */
static void decode_quoted_words(const char **text, size_t *len, char *dec)
{
    bool words = false;
    size_t n = *len < CLASSIFY_TEXT_MAX ? *len : CLASSIFY_TEXT_MAX;

    if (*text == NULL || !hdr_has_word_start(*text, n))
        return;
    n = hdr_decode_words(*text, n, dec, CLASSIFY_TEXT_MAX, &words);
    if (words) {
        *text = dec;
        *len = n;
    }
}

/* classify_reply() with the caller's scratch space (NULL: no rules); did a
 * rule decide (else the fallback did)? */
static bool classify_reply_sc(const struct classify_rules *rules,
                              struct rules_scratch *sc, const char *text,
                              size_t len, const char *status_hint,
                              int code_hint, const char *action_hint,
                              struct verdict *v_r)
{
    char buf[CLASSIFY_TEXT_MAX], dec[CLASSIFY_TEXT_MAX];
    struct reply r;
    struct rule_info ri;

    memset(v_r, 0, sizeof *v_r);
    decode_quoted_words(&text, &len, dec);
    reply_parse(text != NULL ? text : "", text != NULL ? len : 0, buf,
                sizeof buf, &r);
    mask_names(r.text, r.text_len);
    v_r->reply_code = code_hint > 0 ? code_hint : r.code;
    effective_status(status_hint, r.status, v_r->reply_code, action_hint,
                     v_r->status);
    int cls = reply_class(v_r->status, v_r->reply_code);
    struct rules_subject s = {
        .text = r.text,
        .len = r.text_len,
        .status = v_r->status,
        .code = v_r->reply_code,
        .action = action_hint,
    };
    bool matched = sc != NULL && rules_match(rules, sc, &s, true, &ri);
    /* a sender-side cause the reply denies is no cause: read again
     * without it (mask_denied_causes()); only such a verdict can change */
    if (matched && ri.bucket == BUCKET_SENDER &&
        mask_denied_causes(r.text, r.text_len))
        matched = rules_match(rules, sc, &s, true, &ri);
    if (matched) {
        v_r->reason = ri.reason->name;
        v_r->bucket = ri.bucket;
        v_r->auth = ri.auth;
        v_r->rule = ri.id;
    } else {
        fallback(v_r, cls);
    }
    clamp(v_r, cls, status_hint, action_hint, r.text, r.text_len);
    return matched;
}

/* Scratch space for the rules on the caller's stack (mem), else on the
 * heap; NULL without rules (or memory). */
static struct rules_scratch *scratch_get(const struct classify_rules *rules,
                                         uint64_t *mem, size_t size)
{
    struct rules_scratch *sc;

    if (rules == NULL)
        return NULL;
    sc = rules_scratch_init(rules, mem, size);
    return sc != NULL ? sc : rules_scratch_new(rules);
}

void classify_reply(const struct classify_rules *rules, const char *text,
                    size_t len, const char *status_hint, int code_hint,
                    const char *action_hint, struct verdict *v_r)
{
    uint64_t mem[CLASSIFY_SCRATCH / sizeof(uint64_t)];
    struct rules_scratch *sc = scratch_get(rules, mem, sizeof mem);

    classify_reply_sc(rules, sc, text, len, status_hint, code_hint, action_hint,
                      v_r);
    rules_scratch_free(&sc);
}

/* A recipient whose action says it was not a failure ("failed" is told
 * by its first byte). */
static bool action_is_success(const char *action)
{
    if (action == NULL)
        return false;
    switch (action[0]) {
    case 'd':
        return strcmp(action, "delivered") == 0;
    case 'r':
        return strcmp(action, "relayed") == 0;
    case 'e':
        return strcmp(action, "expanded") == 0;
    default:
        return false;
    }
}

/* Does addr's local part say that nobody reads it (noreply@, no-reply@,
 * do_not_reply@, donotreply@, autoresponder@, mailer-daemon@,
 * postmaster@)?  An auto-reply from such an address speaks for another
 * mailbox: a mailbox its text says is closed is not its own. */
static bool noreply_address(const char *addr)
{
    static const char *const starts[] = {"noreply",      "donotreply",
                                         "autorespond",  "autoreply",
                                         "mailerdaemon", "postmaster"};
    char lp[16];
    size_t n = 0;

    for (; addr != NULL && *addr != '\0' && *addr != '@'; addr++)
        if (*addr != '-' && *addr != '_' && *addr != '.' && n < sizeof lp - 1)
            lp[n++] = (char)tolower((unsigned char)*addr);
    lp[n] = '\0';
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (strncmp(lp, starts[i], strlen(starts[i])) == 0)
            return true;
    return false;
}

static void classify_rcpt(const struct classify_rules *rules,
                          struct rules_scratch *sc, enum report_kind kind,
                          const struct report_rcpt *rc, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    switch (kind) {
    case REPORT_AUTOREPLY:
        /* its text, read by the rules with action=autoreplied only ("Your
         * message has not been delivered: this mailbox is closed"), unless
         * it comes from an address nobody reads */
        if (rc->diagnostic != NULL && !noreply_address(rc->recipient) &&
            classify_reply_sc(rules, sc, rc->diagnostic, strlen(rc->diagnostic),
                              NULL, 0, "autoreplied", v))
            return;
        memset(v, 0, sizeof *v);
        verdict_set(v, "vacation", "builtin.autoreply");
        break;
    case REPORT_FEEDBACK:
        verdict_set(v, "feedback", "builtin.feedback");
        break;
    case REPORT_DELIVERED:
        verdict_set(v, "delivered", "builtin.delivered");
        break;
    case REPORT_NOT_BOUNCE:
        verdict_set(v, "undetermined", "builtin.not-bounce");
        v->bucket = BUCKET_NONE;
        break;
    case REPORT_BOUNCE:
        if (action_is_success(rc->action)) {
            verdict_set(v, "delivered", "builtin.delivered");
            break;
        }
        classify_reply_sc(rules, sc, rc->diagnostic,
                          rc->diagnostic ? strlen(rc->diagnostic) : 0,
                          rc->status, rc->reply_code, rc->action, v);
        return;
    }
    snprintf(v->status, sizeof v->status, "%s", rc->status);
    v->reply_code = rc->reply_code;
}

static bool str_same(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Do two recipients give classify_rcpt() the same input (diagnostic,
 * status, reply code, action), hence the same verdict? */
static bool rcpt_same(const struct report_rcpt *a, const struct report_rcpt *b)
{
    return a->reply_code == b->reply_code &&
           strcmp(a->status, b->status) == 0 &&
           str_same(a->action, b->action) &&
           str_same(a->diagnostic, b->diagnostic);
}

void classify_report(const struct classify_rules *rules,
                     const struct report *report, struct verdict *verdicts)
{
    /* one scratch space for all the recipients of the report */
    uint64_t mem[CLASSIFY_SCRATCH / sizeof(uint64_t)];
    struct rules_scratch *sc =
        report->nrcpts > 0 ? scratch_get(rules, mem, sizeof mem) : NULL;

    for (size_t i = 0; i < report->nrcpts; i++) {
        const struct report_rcpt *rc = &report->rcpts[i];
        size_t j = i > CLASSIFY_SAME_MAX ? i - CLASSIFY_SAME_MAX : 0;
        /* recipients of one notice often share their diagnostic: the
         * verdict is a function of the input, classified once */
        while (j < i && !rcpt_same(&report->rcpts[j], rc))
            j++;
        if (j < i)
            verdicts[i] = verdicts[j];
        else
            classify_rcpt(rules, sc, report->kind, rc, &verdicts[i]);
    }
    rules_scratch_free(&sc);
}

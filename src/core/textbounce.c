/*
 * textbounce.c - plain-text bounce notices (see textbounce.h).
 *
 * The notice is read a line with an '@' at a time (memchr() skips the
 * others).  Every address in it is a candidate; it is taken as a failed
 * recipient when its line says so: the address stands alone, in <> or
 * quotes, or first with only a comment after it ("a@b (mailbox full)"),
 * or the line (or the block it opens) carries a reply code, an enhanced
 * status or a failure word.  Addresses on lines that
 * echo header fields (From:, Return-Path:, Received:, Message-ID: ...), the
 * bounce's own sender and recipient, and role addresses (postmaster,
 * MAILER-DAEMON) are never recipients.  The block of an address (its line
 * and the following ones up to a blank line, the next address line, the
 * heading of another section or Sendmail's account of a dialog with
 * another host) becomes its diagnostic, and the reply code
 * and status in it are kept; a recipient left without a code takes a line
 * of the notice that gives one for it, or Sendmail's result line for it
 * ("<a@b>... Deferred: ..."), or the notice's own words when only a label
 * names it.
 * An address seen again adds only what its recipient still lacks.  Bare
 * addresses listed one a line and followed by one reason all get it
 * (not Sendmail's "(reason: ...)", which is the address's above it alone).
 * A reply of several lines ("550-5.7.1 ...", "550 5.7.1 ...") is read as
 * one.
 *
 * The phrase sets (families, failure words, delay and notice phrases, the
 * phrases of a notice's Subject, the header fields echoed and the markers
 * of a returned original) are searched with tables built once per process
 * (pthread_once), immutable afterwards; a search for the family goes on
 * with the phrases that may still change its answer alone (tb_narrow_to()).
 * What a set says of a line is kept while the line is read (struct
 * tb_memo), and the first lines with an '@' are found, and read for their
 * help-desk, origin and envelope-recipient phrases, once for both passes
 * over them (help desks, then addresses).
 */
#include "core/textbounce.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/addrscan.h"
#include "core/dsn.h"
#include "core/hdr.h"
#include "core/reply.h"
#include "core/scan.h"

#define TB_BLOCK_MAX 2048 /* diagnostic text kept per recipient */
#define TB_BLOCK_LINES 12 /* lines of a block at most */
#define TB_COMPLETE_MAX 8 /* recipients whose code is searched for */
#define TB_REPLY_LINES 16 /* lines of one multi-line reply at most */
#define TB_HEAD_MAX TEXTBOUNCE_HEAD /* searched for family, signal, delay */

static char tb_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static bool tb_ascii_letter(char c)
{
    return tb_lower(c) >= 'a' && tb_lower(c) <= 'z';
}

static char tb_upper(char c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
}

/* First c (ASCII case ignored) in s[0..len), or NULL. */
static const char *tb_find1(const char *s, size_t len, char c)
{
    for (size_t i = 0; i < len; i++)
        if (tb_lower(s[i]) == tb_lower(c))
            return s + i;
    return NULL;
}

/* Case-insensitive search of needle in s[0..len): the candidates are the
 * positions where the needle's first two bytes stand (either case), found
 * 16 at a time where SSE2 is; the rest of the needle is compared there. */
static const char *tb_find(const char *s, size_t len, const char *needle)
{
    size_t nl = strlen(needle), i = 0;

    if (nl < 2 || nl > len)
        return nl == 1 && len > 0 ? tb_find1(s, len, needle[0]) : NULL;
    size_t end = len - nl + 1; /* candidates start before end */
    char l0 = tb_lower(needle[0]), l1 = tb_lower(needle[1]);
#if defined(__SSE2__)
    const __m128i a0 = _mm_set1_epi8(l0), b0 = _mm_set1_epi8(tb_upper(l0));
    const __m128i a1 = _mm_set1_epi8(l1), b1 = _mm_set1_epi8(tb_upper(l1));

    for (; i < end && i + 17 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i y =
            _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, a0), _mm_cmpeq_epi8(x, b0)),
            _mm_or_si128(_mm_cmpeq_epi8(y, a1), _mm_cmpeq_epi8(y, b1))));
        for (; m != 0; m &= m - 1) {
            size_t c = i + (size_t)__builtin_ctz(m);
            if (c >= end)
                return NULL;
            if (strncasecmp(s + c + 2, needle + 2, nl - 2) == 0)
                return s + c;
        }
    }
#endif
    for (; i < end; i++)
        if (tb_lower(s[i]) == l0 && tb_lower(s[i + 1]) == l1 &&
            strncasecmp(s + i + 2, needle + 2, nl - 2) == 0)
            return s + i;
    return NULL;
}

/* Offset of the first CR or LF in s[i..end), or end (scan_eol()). */
static inline size_t tb_next_eol(const char *s, size_t i, size_t end)
{
    return scan_eol(s, i, end);
}

/* hdr_line() of text[p..len) without a call per line (the module reads
 * many short lines): the line's length, and in *next_r the length of the
 * line with its end (CRLF, CR or LF). */
static inline size_t tb_line(const char *text, size_t len, size_t p,
                             size_t *next_r)
{
    size_t e = tb_next_eol(text, p, len);

    if (e >= len)
        *next_r = len - p;
    else if (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
        *next_r = e + 2 - p;
    else
        *next_r = e + 1 - p;
    return e - p;
}

/* Is needle (lower case, nl bytes) at s + c, whole before len?  Its first
 * two bytes, ASCII case ignored, are known to be there. */
static bool tb_at(const char *s, size_t len, size_t c, const char *needle,
                  size_t nl)
{
    return c + nl <= len && strncasecmp(s + c + 2, needle + 2, nl - 2) == 0;
}

#if defined(__SSE2__)
/* The lanes where the bytes x and the next ones y are the first two of
 * the lower-case needle n, ASCII case ignored. */
static inline __m128i tb_pair(__m128i x, __m128i y, const char *n)
{
    __m128i a = _mm_set1_epi8(n[0]), b = _mm_set1_epi8(tb_upper(n[0]));
    __m128i c = _mm_set1_epi8(n[1]), d = _mm_set1_epi8(tb_upper(n[1]));

    return _mm_and_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, a), _mm_cmpeq_epi8(x, b)),
        _mm_or_si128(_mm_cmpeq_epi8(y, c), _mm_cmpeq_epi8(y, d)));
}
#endif

/* tb_find() of two lower-case needles of two bytes or more in one pass:
 * the first occurrence of each in *r1 and *r2 (NULL when there is none).
 * The candidates are where either one's first two bytes stand. */
static void tb_find2(const char *s, size_t len, const char *n1,
                     const char *n2, const char **r1, const char **r2)
{
    size_t l1 = strlen(n1), l2 = strlen(n2), i = 0, end;

    *r1 = *r2 = NULL;
    if ((l1 < l2 ? l1 : l2) > len)
        return;
    end = len + 1 - (l1 < l2 ? l1 : l2); /* candidates start before end */
#if defined(__SSE2__)
    for (; i < end && i + 17 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i y =
            _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(tb_pair(x, y, n1), tb_pair(x, y, n2)));
        for (; m != 0; m &= m - 1) {
            size_t c = i + (size_t)__builtin_ctz(m);
            if (c >= end)
                return;
            if (*r1 == NULL && tb_lower(s[c]) == n1[0] &&
                tb_lower(s[c + 1]) == n1[1] && tb_at(s, len, c, n1, l1))
                *r1 = s + c;
            if (*r2 == NULL && tb_lower(s[c]) == n2[0] &&
                tb_lower(s[c + 1]) == n2[1] && tb_at(s, len, c, n2, l2))
                *r2 = s + c;
            if (*r1 != NULL && *r2 != NULL)
                return;
        }
    }
#endif
    for (; i < end; i++) {
        if (*r1 == NULL && tb_lower(s[i]) == n1[0] &&
            tb_lower(s[i + 1]) == n1[1] && tb_at(s, len, i, n1, l1))
            *r1 = s + i;
        if (*r2 == NULL && tb_lower(s[i]) == n2[0] &&
            tb_lower(s[i + 1]) == n2[1] && tb_at(s, len, i, n2, l2))
            *r2 = s + i;
    }
}

/* Format families: a phrase only its notices carry. */
static const struct tb_family {
    const char *needle; /* lower case */
    const char *name;
} tb_families[] = {
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

#define TB_SET_MAX 64 /* phrases of one set */

/* Bit 7 of each lane of w (eight bytes) that is a lower-case ASCII
 * letter (0x61..0x7a).  The sums are of the low seven bits, so that no
 * lane carries into the next one: bytes of UTF-8 sequences (0x80 and up)
 * are no letters and leave their neighbours alone. */
static uint64_t tb_letter_lanes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    uint64_t low = w & ~high;

    return (low + ones * 0x1f) & ~(low + ones * 0x05) & ~w & high;
}

/* Does s start with the lower-case needle nd[0..nl), ignoring ASCII case?
 * 8 bytes a word (SWAR): the words may differ only in bit 0x20 of the
 * lanes where the needle holds a letter a-z; the last nl % 8 bytes one by
 * one. */
static bool tb_eq_lower(const char *s, const char *nd, size_t nl)
{
    size_t i = 0;

    for (; i + 8 <= nl; i += 8) {
        uint64_t a, b;
        memcpy(&a, s + i, sizeof a);
        memcpy(&b, nd + i, sizeof b);
        uint64_t letter = tb_letter_lanes(b);
        if (((a ^ b) & ~(letter >> 2)) != 0)
            return false;
    }
    for (; i < nl; i++)
        if (tb_lower(s[i]) != nd[i])
            return false;
    return true;
}

/* Words that make a line a failure statement (then the commonest of
 * unknown, does not exist, full and refused in German, French, Spanish,
 * Italian, Portuguese and Dutch notices, and a few in Japanese, Chinese
 * and Russian ones). */
static const char *const tb_fail_words[] = {
    "unknown", "fail", "reject", "denied", "not ", "invalid", "error",
    "full", "quota", "unavailable", "no such", "undeliver", "bounce",
    "said", "refused", "disabled", "inactive", "suspend", "expired",
    "exceed", "blocked", "problem", "could not", "couldn't", "unable",
    "unrouteable", "unreachable", "timed out", "permanent", "temporary",
    "does not exist", "doesn't exist", "giving up", "cannot", "reason",
    "delay", "loop"};

/* The same in other languages (a set of its own: a set holds 64 phrases),
 * lower case as they stand in a sentence. */
static const char *const tb_fail_intl_words[] = {
    /* German */
    "unbekannt", "existiert nicht", "voll", "abgelehnt", "nicht zugestellt",
    "unzustellbar",
    /* French */
    "inconnu", "n'existe pas", "pleine", "introuvable", "pas pu \xc3\xaatre",
    "non remis",
    /* Spanish */
    "desconocido", "no existe", "lleno", "no se pudo", "no pudo ser",
    /* Italian */
    "sconosciuto", "inesistente", "piena", "non \xc3\xa8 stato possibile",
    "impossibile",
    /* Portuguese */
    "desconhecido", "n\xc3\xa3o foi poss\xc3\xadvel",
    "n\xc3\xa3o p\xc3\xb4""de",
    /* Dutch */
    "onbekend", "kon niet", "onbestelbaar",
    /* Czech and Slovak */
    "doru\xc4\x8d", "neexistuje",
    /* Polish */
    "dostarcz", "nie istnieje",
    /* Swedish, Danish, Norwegian */
    "levere",
    /* Turkish */
    "teslim edil",
    /* Hungarian */
    "nem siker",
    /* Romanian: error, could not (one, several), undelivered, does not
     * exist */
    "eroare", "nu a putut", "nu au putut", "nelivrat", "inexistent",
    /* Japanese: does not exist, cannot be found, cannot, capacity */
    "\xe5\xad\x98\xe5\x9c\xa8\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
    "\xe8\xa6\x8b\xe3\x81\xa4\xe3\x81\x8b\xe3"
    "\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
    "\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
    "\xe5\xae\xb9\xe9\x87\x8f",
    /* Chinese: does not exist, failed (both scripts), cannot (both) */
    "\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8", "\xe5\xa4\xb1\xe8\xb4\xa5",
    "\xe5\xa4\xb1\xe6\x95\x97", "\xe6\x97\xa0\xe6\xb3\x95",
    "\xe7\x84\xa1\xe6\xb3\x95",
    /* Korean: failure, does not exist */
    "\xec\x8b\xa4\xed\x8c\xa8",
    "\xec\xa1\xb4\xec\x9e\xac\xed\x95\x98\xec\xa7\x80",
    /* Russian: does not exist, not found, delivered (not ...), failed to */
    "\xd0\xbd\xd0\xb5 \xd1\x81\xd1\x83\xd1\x89\xd0"
    "\xb5\xd1\x81\xd1\x82\xd0\xb2\xd1\x83\xd0\xb5\xd1\x82",
    "\xd0\xbd\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd",
    "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd",
    "\xd0\xbd\xd0\xb5 \xd1\x83\xd0\xb4"
    "\xd0\xb0\xd0\xbb\xd0\xbe\xd1\x81\xd1\x8c",
};

/* Phrases that say the mail is still being tried. */
static const char *const tb_delay_words[] = {
    "will be retried", "will retry", "will continue", "still trying",
    "has not yet been delivered", "not been delivered yet",
    "delivery delayed", "is delayed", "has been delayed",
    "no need to resend", "still being retried", "will keep trying",
    "still undelivered", "do not need to resend", "delivery deferred",
    "not a final failure"};

/* Phrases that say, near its start, that a text is a notice. */
static const char *const tb_body_words[] = {
    "could not be delivered", "following address", "following recipient",
    "permanent error", "delivery failed", "undeliverable",
    "was not delivered", "delivery to the following", "unable to deliver",
    "couldn't be delivered", "fatal error", "transcript of session",
    "delivery has failed", "not be delivered", "message could not",
    "user unknown", "mailbox unavailable", "delivery problem",
    "invalid user", "no such user", "requested action not taken",
    "error message below", "rejected by the recipient",
    /* German, French, Spanish, Italian, Portuguese, Dutch */
    "konnte nicht zugestellt", "unzustellbar", "n'a pas pu \xc3\xaatre",
    "non distribuable", "no se pudo entregar", "no ha podido ser entregado",
    "non \xc3\xa8 stato possibile consegnare", "non recapitabile",
    "no se ha podido entregar", "non \xc3\xa8 stato consegnato",
    "n\xc3\xa3o foi poss\xc3\xadvel entregar", "kon niet worden afgeleverd",
    "niet worden bezorgd",
    /* Czech, Polish, Swedish, Danish and Norwegian, Turkish */
    "nebylo mo\xc5\xben\xc3\xa9 doru\xc4\x8dit", "nelze doru\xc4\x8dit",
    "nie mo\xc5\xbcna dostarczy\xc4\x87", "nie zosta\xc5\x82""a dostarczona",
    "kunde inte levereras", "kunne ikke leveres", "teslim edilemedi",
    /* Chinese (cannot be delivered, delivery failed), Japanese (cannot
     * deliver), Russian (cannot be delivered, failed to deliver) */
    "\xe6\x97\xa0\xe6\xb3\x95\xe6\x8a\x95\xe9\x80\x92",
    "\xe6\x8a\x95\xe9\x80\x92\xe5\xa4\xb1\xe8\xb4\xa5",
    "\xe7\x84\xa1\xe6\xb3\x95\xe5\x82\xb3\xe9\x81\x9e",
    "\xe9\x85\x8d\xe4\xbf\xa1\xe3\x81\xa7\xe3"
    "\x81\x8d\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
    "\xd0\xbd\xd0\xb5 \xd0\xbc\xd0\xbe\xd0\xb6\xd0\xb5\xd1\x82 "
    "\xd0\xb1\xd1\x8b\xd1\x82\xd1\x8c \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82"
    "\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",
    "\xd0\xbd\xd0\xb5 \xd1\x83\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xbe\xd1\x81\xd1\x8c "
    "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd1\x8c",
    /* Japanese (was not delivered), Ukrainian (could not be delivered) */
    "\xe9\x85\x8d\xe4\xbf\xa1\xe3\x81\x95\xe3\x82\x8c\xe3\x81\xbe\xe3\x81"
    "\x9b\xe3\x82\x93\xe3\x81\xa7\xe3\x81\x97\xe3\x81\x9f",
    "\xd0\xbd\xd0\xb5 \xd0\xb2\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xbe\xd1\x81\xd1\x8f "
    "\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd0\xb8"};

/* Phrases of a notice's Subject. */
static const char *const tb_subject_words[] = {
    "undeliver", "delivery status notification", "failure notice",
    "returned mail", "delivery fail", "mail delivery failed",
    "not delivered", "could not be delivered", "delivery notification",
    "nondeliverable", "non-deliverable", "mail system error", "rejected",
    "bounce", "delivery problem", "failed delivery", "undelivered",
    "delivery failure", "non remis", "unzustellbar", "returned to sender",
    "mail failure", "error", "warning: could not", "delayed mail",
    "delivery delayed", "not member", "non-delivery", "message blocked",
    "blocked message", "delivery deferred", "fml status report",
    "bouncing", "wasn't sent",
    /* not delivered: Spanish, Italian (two words), Portuguese, Dutch,
     * German, French, Polish */
    "no entregado", "non consegnat", "non recapitat", "n\xc3\xa3o entregue",
    "niet bezorgd", "onbestelbaar", "nicht zugestellt", "non distribu",
    "nie dostarczon",
    /* Japanese (undeliverable), Russian and Ukrainian (not delivered),
     * Chinese (returned mail) */
    "\xe9\x85\x8d\xe4\xbf\xa1\xe4\xb8\x8d\xe8\x83\xbd",
    "\xd0\xbd\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2"
    "\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe",
    "\xe9\x80\x80\xe4\xbf\xa1"};

/* A line that gives an address to write to for help. */
static const char *const tb_helpdesk_words[] = {
    "contact", "assistance", "please send", "help desk", "helpdesk",
    "should be directed to",
    /* German, French and Italian, Spanish, Dutch, Polish, Russian, Chinese,
     * Japanese */
    "wenden sie sich", "kontaktieren sie", "contactez", "contatta",
    "contacte con", "neem contact", "skontaktuj",
    "\xd1\x81\xd0\xb2\xd1"
    "\x8f\xd0\xb6\xd0\xb8\xd1\x82\xd0\xb5\xd1\x81\xd1\x8c", /* свяжитесь */
    "\xe8\x81\x94\xe7\xb3\xbb",                             /* 联系 */
    "\xe3\x81\x8a\xe5\x95\x8f\xe3\x81\x84\xe5\x90\x88\xe3\x82\x8f"
    "\xe3\x81\x9b", /* お問い合わせ */
    /* a new address given for a recipient that has moved */
    "please try", "please write to", "please resend to", "new address",
    /* where to send a refused post ("please forward this message to") */
    "please forward", "update your records", "forwarding address",
    "now reachable at", "moved to"};

/* A line that says where a recipient came from.  Its address, like a help
 * desk's, is not a recipient (TB_NOT_RCPT_BITS: both sets in one). */
static const char *const tb_origin_words[] = {
    "generated from", "expanded from", "generated by",
    /* a list manager's own list ("the ezmlm program. I'm managing the
     * <l@d> mailing list") */
    "managing the"};

/* "RCPT TO:<a@b>" and similar: the line names an envelope recipient. */
static const char *const tb_rcpt_words[] = {
    "rcpt to", "recipient address:", "original-recipient:",
    "final-recipient:", "recipient:", "recipient :", "recipient(s):",
    "recipients:",
    "recipient  ", /* a table's cell, its tags dropped (an HTML notice) */
    "*  to:", /* the summary of a transcript (MDaemon) */
    "your message to:", /* a gateway's summary of the mail it blocked */
    /* the label in other languages: French, German, Spanish and Italian,
     * Portuguese, Dutch, Polish, Russian, Chinese, Japanese, Korean (two) */
    "destinataire", "empf\xc3\xa4nger:", "destinatario:",
    "destinat\xc3\xa1rio:", "ontvanger:", "odbiorca:",
    "\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x83\xd1\x87\xd0\xb0\xd1\x82\xd0\xb5"
    "\xd0\xbb\xd1\x8c", /* получатель */
    "\xe6\x94\xb6\xe4\xbb\xb6\xe4\xba\xba", /* 收件人 */
    "\xe5\x8f\x97\xe4\xbf\xa1\xe8\x80\x85", /* 受信者 */
    "\xeb\xb0\x9b\xeb\x8a\x94 \xec\x82\xac\xeb\x9e\x8c", /* 받는 사람 */
    "\xec\x88\x98\xec\x8b\xa0\xec\x9e\x90", /* 수신자 */
    /* Russian as a label starts it (the case of Cyrillic letters is not
     * folded), Japanese (destination), Ukrainian (either case), Czech,
     * Hungarian, Turkish */
    "\xd0\x9f\xd0\xbe\xd0\xbb\xd1\x83\xd1\x87\xd0\xb0\xd1\x82\xd0\xb5"
    "\xd0\xbb\xd1\x8c", /* Получатель */
    "\xe5\xae\x9b\xe5\x85\x88", /* 宛先 */
    "\xd0\xbe\xd0\xb4\xd0\xb5\xd1\x80\xd0\xb6\xd1\x83\xd0\xb2\xd0\xb0"
    "\xd1\x87", /* одержувач */
    "\xd0\x9e\xd0\xb4\xd0\xb5\xd1\x80\xd0\xb6\xd1\x83\xd0\xb2\xd0\xb0"
    "\xd1\x87", /* Одержувач */
    "p\xc5\x99\xc3\xadjemce:", "c\xc3\xadmzett:", "al\xc4\xb1" "c\xc4\xb1:"};

/* The line before a sender's address. */
static const char *const tb_sent_by_words[] = {"sent by", "message from"};

/* Header fields echoed in a notice whose addresses are not recipients
 * (a line that starts with one). */
static const char *const tb_echo_names[] = {
    "from:", "sender:", "reply-to:", "return-path:", "received:",
    "message-id:", "envelope-from", "to:", "cc:", "sent:", "references:",
    "in-reply-to:", "x-", "by ", "for <", "(envelope-from",
    "dkim-signature:", "mail from:", "date:", "subject:", "id <",
    /* a recipient the notice reports delivered ("Delivered to: <a@b>") */
    "delivered to:", "delivered-to:"};

/* Marker phrases that introduce a returned original in a text notice (a
 * line that starts with one, after decoration), in English and as
 * localised notices (Exchange's among them) word them; the text is UTF-8
 * by now (ntext.h). */
static const char *const tb_mark_words[] = {
    "below this line is a copy of the message",
    "this is a copy of the message", "original message", "unsent message",
    "copy of the original message", "the header of the original message",
    "below is a copy of the original message",
    "returned message", "undelivered message",
    "headers of the original message", "original message follows",
    "text of the message follows", "content-type: message/rfc822",
    "the original message headers", "rfc822 headers follow",
    /* French, Italian, Spanish, Portuguese, German, Dutch */
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
    /* Russian (either case of its first letter), Chinese, Japanese, Korean */
    "\xd0\x98\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xd0\xb5 "
    "\xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",
    "\xd0\xb8\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd\xd0\xbe\xd0\xb5 "
    "\xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5",
    "\xe5\x8e\x9f\xe5\xa7\x8b\xe9\x82\xae\xe4\xbb\xb6",
    "\xe5\x8e\x9f\xe5\xa7\x8b\xe9\x83\xb5\xe4\xbb\xb6",
    "\xe5\x8e\x9f\xe9\x82\xae\xe4\xbb\xb6",
    "\xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc"
    "\xe3\x82\xb8",
    /* Japanese: the header of the mail sent (not "the mail sent", which
     * starts many a notice's first sentence) */
    "\xe9\x80\x81\xe4\xbf\xa1\xe3\x81\x95\xe3\x82\x8c\xe3\x81\x9f\xe3\x83"
    "\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x81\xae\xe3\x83\x98\xe3\x83\x83\xe3"
    "\x83\x80",
    /* the original mail */
    "\xe5\x85\x83\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab",
    "\xec\x9b\x90\xeb\xb3\xb8 \xeb\xa9\x94\xec\x8b\x9c\xec\xa7\x80"};

/* The phrase sets: each searched Wu-Manber style on blocks of three bytes,
 * ignoring ASCII case.  The window is the first m bytes (m: the shortest
 * phrase of the set, at least 3 in a set searched so) of a candidate
 * position; shift[] says how far the window may move on given the hash of
 * its last block (0: a phrase may start here, cand[] says which, and
 * head[] by the window's first four bytes (two in a set with a shorter
 * phrase) which of those may start it).
 * Built once per process (pthread_once, by each entry point of the module:
 * tb_sets_ready()), read-only afterwards. */
#define TB_WM_HASH 4096u /* block hash size (power of two) */

enum tb_set_id { TB_SET_FAMILY, TB_SET_FAIL, TB_SET_FAIL_INTL, TB_SET_DELAY,
                 TB_SET_BODY,
                 TB_SET_AT_LINE, TB_SET_SENT_BY, TB_SET_FAMILY_DELAY,
                 TB_SET_ECHO, TB_SET_MARK, TB_SET_SUBJECT, TB_NSETS };

/* TB_SET_FAMILY_DELAY: the family phrases (bits as in TB_SET_FAMILY)
 * followed by the delay phrases, for a notice whose family and delay are
 * both wanted in one pass. */
#define TB_NFAMILIES (sizeof tb_families / sizeof tb_families[0])
#define TB_NDELAY (sizeof tb_delay_words / sizeof tb_delay_words[0])
#define TB_FAMILY_BITS (((uint64_t)1 << TB_NFAMILIES) - 1)
#define TB_DELAY_BITS ((((uint64_t)1 << TB_NDELAY) - 1) << TB_NFAMILIES)

/* TB_SET_AT_LINE, what a line with an '@' is read for in one pass: the
 * help-desk phrases (TB_HELPDESK_BITS) and the origin phrases (with them,
 * TB_NOT_RCPT_BITS), then the envelope recipient phrases
 * (TB_RCPT_BITS). */
#define TB_NHELPDESK (sizeof tb_helpdesk_words / sizeof tb_helpdesk_words[0])
#define TB_NORIGIN (sizeof tb_origin_words / sizeof tb_origin_words[0])
#define TB_NRCPT (sizeof tb_rcpt_words / sizeof tb_rcpt_words[0])
#define TB_HELPDESK_BITS (((uint64_t)1 << TB_NHELPDESK) - 1)
#define TB_NOT_RCPT_BITS (((uint64_t)1 << (TB_NHELPDESK + TB_NORIGIN)) - 1)
#define TB_RCPT_BITS                                                         \
    ((((uint64_t)1 << TB_NRCPT) - 1) << (TB_NHELPDESK + TB_NORIGIN))

/* The family of a set of phrases found (TB_SET_FAMILY bits). */
static const char *tb_family_of(uint64_t found)
{
    found &= TB_FAMILY_BITS; /* the first family listed wins */
    return found == 0 ? "text" : tb_families[__builtin_ctzll(found)].name;
}

struct tb_set {
    const char *nd[TB_SET_MAX];
    size_t nlen[TB_SET_MAX];
    uint64_t w0[TB_SET_MAX]; /* a phrase's first 8 bytes (0 past its end) */
    uint64_t m0[TB_SET_MAX]; /* the bits of w0 a match has as they are */
    uint64_t use; /* the phrases of nd[] searched (bit i: nd[i]) */
    size_t nn, m;
    unsigned char shift[TB_WM_HASH];
    /* cand[] and head[], sparse (a set holds at most 64 phrases, each in
     * one slot of either): the slot's phrases are cand_bits[cand_ix[h]],
     * head_bits[head_ix[h]], entry 0 of both being none.  Small tables
     * stay in the caches from one notice to the next. */
    unsigned char cand_ix[TB_WM_HASH];
    unsigned char head_ix[TB_WM_HASH];
    uint64_t cand_bits[TB_SET_MAX + 1];
    uint64_t head_bits[TB_SET_MAX + 1];
    size_t ncand, nhead; /* entries used, entry 0 included */
};

static struct tb_set tb_sets[TB_NSETS]; /* written once by tb_sets_init() */
static pthread_once_t tb_sets_once = PTHREAD_ONCE_INIT;

/* Parts of the family (and delay) phrases, for a search that has found
 * some: only the families listed before the first one found may still
 * change the family, and the delay phrases only until one is found;
 * without the short phrases the window shifts further.  tb_narrow[] holds,
 * narrowest first, the first k families for each k whose shortest phrase
 * is longer than the (k+1)-th, then the delay phrases alone, then the
 * largest of those families with the delay phrases (the bits of all as in
 * TB_SET_FAMILY_DELAY).  Written once by tb_sets_init(). */
#define TB_NARROW_MAX 8
static struct tb_set tb_narrow[TB_NARROW_MAX];
static size_t tb_nnarrow;

static void tb_sets_init(void);

/* The sets are built: every entry point of the module calls this before
 * it reads them (the functions below it do not). */
static void tb_sets_ready(void)
{
    (void)pthread_once(&tb_sets_once, tb_sets_init);
}

/* Hash of the block s[0..2), read as one 16-bit word (in the machine's
 * byte order: the sets are built with the same function).  Setting bit
 * 0x20 of both bytes folds ASCII case (and some other pairs of bytes,
 * which only makes collisions): a block of the text and the same block in
 * another case always hash alike.  A multiplicative hash keeps the top 12
 * bits. */
static unsigned tb_wm_hash(const char *s)
{
    uint16_t v;

    _Static_assert(TB_WM_HASH == 1u << 12, "the hash keeps 12 bits");
    memcpy(&v, s, sizeof v);
    return ((uint32_t)(v | 0x2020u) * 2654435761u) >> 20;
}

/* tb_wm_hash() of the block s[1..4), case folded alike: the four bytes
 * at s are read as one word (one load, not three), the first one masked
 * out (keep[] says which it is in the machine's byte order). */
static unsigned tb_wm_hash3(const char *s)
{
    static const unsigned char keep[4] = {0, 0xff, 0xff, 0xff};
    uint32_t w, k;

    memcpy(&w, s, sizeof w);
    memcpy(&k, keep, sizeof k);
    return (((w | 0x20202020u) & k) * 2654435761u) >> 20;
}

/* w0[i] and m0[i] of set t: the lanes of the first 8 bytes of phrase i
 * (as many as it has) are to be equal but for bit 0x20 in its letters
 * (tb_eq_lower()); the lanes past its end do not count. */
static void tb_set_word(struct tb_set *t, size_t i)
{
    unsigned char w[8] = {0}, keep[8] = {0};
    uint64_t y, k;

    for (size_t j = 0; j < 8 && j < t->nlen[i]; j++) {
        w[j] = (unsigned char)t->nd[i][j];
        keep[j] = 0xff;
    }
    memcpy(&y, w, sizeof y);
    memcpy(&k, keep, sizeof k);
    uint64_t letter = tb_letter_lanes(y);
    t->w0[i] = y;
    t->m0[i] = k & ~(letter >> 2);
}

/* Does phrase k of set t start at s (room bytes there)?  Its first 8
 * bytes are one word compared with w0[k] where room allows (most
 * candidates differ there), the rest by tb_eq_lower(). */
static inline bool tb_phrase_at(const struct tb_set *t, unsigned k,
                                const char *s, size_t room)
{
    size_t nl = t->nlen[k];
    uint64_t w;

    if (nl > room)
        return false;
    if (room < 8)
        return tb_eq_lower(s, t->nd[k], nl);
    memcpy(&w, s, sizeof w);
    if (((w ^ t->w0[k]) & t->m0[k]) != 0)
        return false;
    return nl <= 8 || tb_eq_lower(s + 8, t->nd[k] + 8, nl - 8);
}

static void tb_set_build_some(struct tb_set *t, const char *const *nd,
                              size_t nn, uint64_t use);

/* tb_wm_hash() of the block s[0..4), case folded alike. */
static unsigned tb_wm_hash4(const char *s)
{
    uint32_t w;

    memcpy(&w, s, sizeof w);
    return ((w | 0x20202020u) * 2654435761u) >> 20;
}

/* The hash of a phrase's start that head[] is kept by: of its first four
 * bytes where every phrase of the set has four (few phrases share them),
 * else of its first two. */
static unsigned tb_head_hash(const struct tb_set *t, const char *s)
{
    return t->m >= 4 ? tb_wm_hash4(s) : tb_wm_hash(s);
}

/* Adds phrase i to slot h of a sparse table (struct tb_set): the slot
 * gets an entry of bits[] of its own the first time; *n entries are used.
 * Each phrase is added to one slot at most, so that TB_SET_MAX + 1 entries
 * always do. */
static void tb_slot_add(unsigned char *ix, uint64_t *bits, size_t *n,
                        unsigned h, size_t i)
{
    if (ix[h] == 0) {
        assert(*n <= TB_SET_MAX);
        ix[h] = (unsigned char)(*n)++;
    }
    bits[ix[h]] |= (uint64_t)1 << i;
}

/* The phrases whose start hashes to h (tb_head_hash()). */
static inline uint64_t tb_head(const struct tb_set *t, unsigned h)
{
    return t->head_bits[t->head_ix[h]];
}

/* Builds set t of the lower-case needles nd[0..nn) (none shorter than 2
 * bytes, nn <= TB_SET_MAX).  A set searched by tb_find_set_ends() has m
 * >= 4: the hash of a window's last block reads the byte before it. */
static void tb_set_build(struct tb_set *t, const char *const *nd, size_t nn)
{
    tb_set_build_some(t, nd, nn, nn < 64 ? ((uint64_t)1 << nn) - 1 : ~0ull);
}

/* tb_set_build() of the needles of use alone (bit i: nd[i]), each keeping
 * its bit. */
static void tb_set_build_some(struct tb_set *t, const char *const *nd,
                              size_t nn, uint64_t use)
{
    t->nn = nn;
    t->m = 255;
    t->use = use;
    t->ncand = t->nhead = 1; /* entry 0: no phrase */
    for (size_t i = 0; i < nn; i++) {
        t->nd[i] = nd[i];
        t->nlen[i] = strlen(nd[i]);
        if (t->nlen[i] < t->m && ((use >> i) & 1))
            t->m = t->nlen[i];
    }
    memset(t->shift, t->m > 2 ? (int)(t->m - 2) : 0, sizeof t->shift);
    for (size_t i = 0; i < nn; i++) {
        if (!((use >> i) & 1))
            continue;
        for (size_t j = 0; j + 2 < t->m; j++) {
            const char blk[4] = {0, nd[i][j], nd[i][j + 1], nd[i][j + 2]};
            unsigned h = tb_wm_hash3(blk);
            size_t sh = t->m - 3 - j;
            if (sh < t->shift[h])
                t->shift[h] = (unsigned char)sh;
            if (sh == 0)
                tb_slot_add(t->cand_ix, t->cand_bits, &t->ncand, h, i);
        }
        tb_slot_add(t->head_ix, t->head_bits, &t->nhead, tb_head_hash(t, nd[i]),
                    i);
        tb_set_word(t, i);
    }
}

/* tb_narrow[] of the family and delay needles fam[] (TB_SET_FAMILY_DELAY
 * order). */
static void tb_narrow_build(const char *const *fam)
{
    uint64_t widest = 0; /* the largest first families built alone */

    for (size_t k = 1, m = strlen(fam[0]); k < TB_NFAMILIES; k++) {
        if (strlen(fam[k]) < m && tb_nnarrow + 2 < TB_NARROW_MAX) {
            widest = ((uint64_t)1 << k) - 1;
            tb_set_build_some(&tb_narrow[tb_nnarrow++], fam,
                              TB_NFAMILIES + TB_NDELAY, widest);
        }
        if (strlen(fam[k]) < m)
            m = strlen(fam[k]);
    }
    tb_set_build_some(&tb_narrow[tb_nnarrow++], fam, TB_NFAMILIES + TB_NDELAY,
                      TB_DELAY_BITS);
    tb_set_build_some(&tb_narrow[tb_nnarrow++], fam, TB_NFAMILIES + TB_NDELAY,
                      widest | TB_DELAY_BITS);
}

static void tb_sets_init(void)
{
    const char *fam[TB_SET_MAX]; /* the phrases of a combined set */
    size_t nf = TB_NFAMILIES;

    _Static_assert(TB_NFAMILIES + TB_NDELAY <= TB_SET_MAX, "too many");
    _Static_assert(TB_NHELPDESK + TB_NORIGIN + TB_NRCPT <= TB_SET_MAX,
                   "too many");
    _Static_assert(sizeof tb_fail_words / sizeof tb_fail_words[0] <=
                       TB_SET_MAX, "too many");
    _Static_assert(sizeof tb_fail_intl_words / sizeof tb_fail_intl_words[0] <=
                       TB_SET_MAX, "too many");
    _Static_assert(sizeof tb_subject_words / sizeof tb_subject_words[0] <=
                       TB_SET_MAX, "too many");
    for (size_t i = 0; i < nf; i++)
        fam[i] = tb_families[i].needle;
    tb_set_build(&tb_sets[TB_SET_FAMILY], fam, nf);
    for (size_t i = 0; i < TB_NDELAY; i++)
        fam[nf + i] = tb_delay_words[i];
    tb_set_build(&tb_sets[TB_SET_FAMILY_DELAY], fam, nf + TB_NDELAY);
    tb_narrow_build(fam);
    tb_set_build(&tb_sets[TB_SET_FAIL], tb_fail_words,
                 sizeof tb_fail_words / sizeof tb_fail_words[0]);
    tb_set_build(&tb_sets[TB_SET_FAIL_INTL], tb_fail_intl_words,
                 sizeof tb_fail_intl_words / sizeof tb_fail_intl_words[0]);
    tb_set_build(&tb_sets[TB_SET_DELAY], tb_delay_words,
                 sizeof tb_delay_words / sizeof tb_delay_words[0]);
    tb_set_build(&tb_sets[TB_SET_BODY], tb_body_words,
                 sizeof tb_body_words / sizeof tb_body_words[0]);
    for (size_t i = 0; i < TB_NHELPDESK + TB_NORIGIN + TB_NRCPT; i++)
        fam[i] = i < TB_NHELPDESK ? tb_helpdesk_words[i]
                 : i < TB_NHELPDESK + TB_NORIGIN
                     ? tb_origin_words[i - TB_NHELPDESK]
                     : tb_rcpt_words[i - TB_NHELPDESK - TB_NORIGIN];
    tb_set_build(&tb_sets[TB_SET_AT_LINE], fam,
                 TB_NHELPDESK + TB_NORIGIN + TB_NRCPT);
    tb_set_build(&tb_sets[TB_SET_SENT_BY], tb_sent_by_words,
                 sizeof tb_sent_by_words / sizeof tb_sent_by_words[0]);
    tb_set_build(&tb_sets[TB_SET_ECHO], tb_echo_names,
                 sizeof tb_echo_names / sizeof tb_echo_names[0]);
    tb_set_build(&tb_sets[TB_SET_MARK], tb_mark_words,
                 sizeof tb_mark_words / sizeof tb_mark_words[0]);
    tb_set_build(&tb_sets[TB_SET_SUBJECT], tb_subject_words,
                 sizeof tb_subject_words / sizeof tb_subject_words[0]);
    for (int id = 0; id < TB_NSETS; id++) /* the searched ones */
        assert(id == TB_SET_ECHO || id == TB_SET_MARK || tb_sets[id].m >= 4);
    for (size_t i = 0; i < tb_nnarrow; i++)
        assert(tb_narrow[i].m >= 4);
}

/* Which phrases of set id occur in s[0..len): bit i stands for its i-th
 * phrase.  With first, the search ends at the first phrase found. */
static uint64_t tb_find_set_ends(enum tb_set_id id, const char *s,
                                 size_t len, bool first, size_t *ends);

static uint64_t tb_find_set(enum tb_set_id id, const char *s, size_t len,
                            bool first)
{
    return tb_find_set_ends(id, s, len, first, NULL);
}

/* The phrases of set t other than those of skip that start at s + a,
 * the window there having a shift of 0.  Out of line (and the hash of the
 * window's last block computed again): the window loop, without it, keeps
 * all it needs in registers. */
__attribute__((noinline)) static uint64_t
tb_wm_verify(const struct tb_set *t, const char *s, size_t len, size_t a,
             uint64_t c)
{
    uint64_t got = 0;

    for (; c != 0; c &= c - 1) {
        unsigned k = (unsigned)__builtin_ctzll(c);
        if (tb_phrase_at(t, k, s + a, len - a))
            got |= (uint64_t)1 << k;
    }
    return got;
}

__attribute__((noinline)) static uint64_t
tb_wm_hits(const struct tb_set *t, const char *s, size_t len, size_t a,
           uint64_t skip)
{
    unsigned h = tb_wm_hash3(s + a + t->m - 4);
    /* phrases that may end the window here and start it */
    uint64_t c = t->cand_bits[t->cand_ix[h]] & tb_head(t, tb_wm_hash4(s + a)) &
                 ~skip; /* m >= 4 */

    return c == 0 ? 0 : tb_wm_verify(t, s, len, a, c);
}

/* The first window start at or after at where phrases of set t other
 * than those of skip start: those phrases in *hits, the start returned;
 * len when there is none.  Most windows hold no block of a phrase and
 * move on by the full shift (m - 2): the two windows that follow a window
 * by full shifts are hashed and looked up with it, not after it, so that
 * the three loads of a step do not wait on each other.  The windows taken
 * are those a step at a time would take. */
static inline size_t tb_wm_next(const struct tb_set *t, const char *s,
                                size_t len, size_t at, uint64_t skip,
                                uint64_t *hits)
{
    const size_t full = t->m - 2; /* m >= 4 */

    for (size_t p = at + t->m - 1; p < len;) {
        size_t q = p + full, r = q + full;
        unsigned sh = t->shift[tb_wm_hash3(s + p - 3)]; /* p >= m - 1 >= 3 */
        if (r < len) {
            unsigned sq = t->shift[tb_wm_hash3(s + q - 3)];
            unsigned sr = t->shift[tb_wm_hash3(s + r - 3)];
            if (sh == full && sq == full && sr != 0) {
                p = r + sr;
                continue;
            }
            if (sh == full && sq == full) {
                p = r;
                sh = 0;
            } else if (sh == full) {
                p = q;
                sh = sq;
            }
        } else if (q < len) {
            unsigned sq = t->shift[tb_wm_hash3(s + q - 3)];
            if (sh == full) {
                p = q; /* the window there is the one to look at */
                sh = sq;
            }
        }
        if (sh != 0) {
            p += sh;
            continue;
        }
        size_t a = p - (t->m - 1);
        uint64_t got = tb_wm_hits(t, s, len, a, skip);
        if (got != 0) {
            *hits = got;
            return a;
        }
        p++;
    }
    return len;
}

/* The set a search of set id (the family phrases, or those and the delay
 * phrases) goes on with once it has found the phrases found, t so far:
 * the narrowest that holds all phrases that may still change its answer,
 * the families listed before the first one found and the delay phrases
 * while none is found.  NULL when none may: the search is over.  Other
 * sets are searched whole. */
static const struct tb_set *tb_narrow_to(enum tb_set_id id,
                                         const struct tb_set *t,
                                         uint64_t found)
{
    uint64_t fam = found & TB_FAMILY_BITS, need;

    if (id != TB_SET_FAMILY && id != TB_SET_FAMILY_DELAY)
        return t;
    need = fam != 0 ? ((uint64_t)1 << __builtin_ctzll(fam)) - 1
                    : TB_FAMILY_BITS;
    if (id == TB_SET_FAMILY_DELAY && (found & TB_DELAY_BITS) == 0)
        need |= TB_DELAY_BITS;
    if (need == 0)
        return NULL;
    for (size_t i = 0; i < tb_nnarrow; i++)
        if ((tb_narrow[i].use & need) == need)
            return tb_narrow[i].m > t->m ? &tb_narrow[i] : t;
    return t;
}

/* tb_find_set(), and with ends != NULL, ends[i] set to the end of the
 * first occurrence of each phrase i found (the window moves forward: the
 * first one found is the first one).  A search of the family phrases
 * stops looking for those listed after the first one it has found
 * (tb_narrow_to()): they can no longer name the family, and a phrase
 * that ends before a cut, which notice_family() may want, starts before
 * the first one found, and is found before it (a cut is a line's start,
 * and no phrase spans two lines). */
static uint64_t tb_find_set_ends(enum tb_set_id id, const char *s,
                                 size_t len, bool first, size_t *ends)
{
    const struct tb_set *t = &tb_sets[id];
    uint64_t found = 0, hits;

    for (size_t at = 0; (at = tb_wm_next(t, s, len, at, found, &hits)) < len;
         at++) {
        found |= hits;
        for (uint64_t c = hits; ends != NULL && c != 0; c &= c - 1) {
            unsigned k = (unsigned)__builtin_ctzll(c);
            ends[k] = at + t->nlen[k];
        }
        if (first || (t = tb_narrow_to(id, t, found)) == NULL)
            break;
    }
    return found;
}

/* Does s[0..len), cut to cap bytes, contain any phrase of set id? */
static bool tb_has_any(enum tb_set_id id, const char *s, size_t len,
                       size_t cap)
{
    return tb_find_set(id, s, len < cap ? len : cap, true) != 0;
}

const char *textbounce_family(const char *text, size_t len)
{
    tb_sets_ready();
    /* signatures come early in a notice; the first family listed wins */
    return tb_family_of(tb_find_set(TB_SET_FAMILY, text,
                                    len < TB_HEAD_MAX ? len : TB_HEAD_MAX,
                                    false));
}

static bool tb_is_code(const char *s, size_t len, size_t i)
{
    /* digits after it that start no status are a number's ("0118 555
     * 210", "555-0143", a telephone's); a unit after it, a size's
     * ("(412 KB)") */
    if (i + 5 < len && s[i + 3] == ' ' && s[i + 4] >= '0' && s[i + 4] <= '9' &&
        s[i + 5] != '.')
        return false;
    if (i + 4 < len && s[i + 3] == ' ' &&
        reply_size_unit(s + i + 4, len - i - 4))
        return false;
    if (reply_phone_digits(s, len, i))
        return false;
    return i + 3 <= len && (s[i] == '4' || s[i] == '5') && s[i + 1] >= '0' &&
           s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
           (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(' ||
            s[i - 1] == ':' || s[i - 1] == '#' || s[i - 1] == '[' ||
            s[i - 1] == '\t' || s[i - 1] == '"' || s[i - 1] == '\'' ||
            s[i - 1] == '=') &&
           (i + 3 == len || s[i + 3] == ' ' || s[i + 3] == '-' ||
            s[i + 3] == ')' || s[i + 3] == ']');
}

/* Offset of the first '4' or '5' in s[i..end), or end: 16 bytes a step
 * where SSE2 is (digits come often: scan_find2()'s 32 cost more here). */
static size_t tb_next45(const char *s, size_t i, size_t end)
{
#if defined(__SSE2__)
    for (; i + 16 <= end; i += 16) {
        unsigned m = scan_eq2_16(s + i, '4', '5');
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < end && s[i] != '4' && s[i] != '5')
        i++;
    return i;
}

/* First reply code 4xx/5xx standing alone in s[0..len), or 0; its offset
 * in *at_r (may be NULL).  Codes start with '4' or '5': tb_next45() finds
 * the candidates. */
static int tb_code_at(const char *s, size_t len, size_t *at_r)
{
    size_t end = len >= 3 ? len - 2 : 0; /* candidates: i + 3 <= len */

    for (size_t i = tb_next45(s, 0, end); i < end;
         i = tb_next45(s, i + 1, end))
        if (tb_is_code(s, len, i)) {
            if (at_r != NULL)
                *at_r = i;
            return (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + s[i + 2] -
                   '0';
        }
    return 0;
}

static int tb_code(const char *s, size_t len)
{
    return tb_code_at(s, len, NULL);
}

/* First enhanced status of class 4 or 5 in s[0..len) (a "250 2.1.5 Ok" of
 * a transcript is not the failure), into st; false if none. */
static bool tb_fail_status(const char *s, size_t len, char *st, size_t cap)
{
    size_t at, off = 0;

    while (off < len && (at = dsn_find_status(s + off, len - off, st,
                                               cap)) > 0) {
        if (st[0] == '4' || st[0] == '5')
            return true;
        off += at;
    }
    st[0] = '\0';
    return false;
}

static bool tb_failure_line(const char *s, size_t len)
{
    char st[16];

    if (tb_code(s, len) != 0 || dsn_find_status(s, len, st, sizeof st) > 0)
        return true;
    return tb_has_any(TB_SET_FAIL, s, len, TB_BLOCK_MAX) ||
           tb_has_any(TB_SET_FAIL_INTL, s, len, TB_BLOCK_MAX);
}

/* Does s[0..len) start with one of the phrases c of set t? */
static bool tb_starts_any(const struct tb_set *t, uint64_t c, const char *s,
                          size_t len)
{
    for (; c != 0; c &= c - 1) {
        unsigned k = (unsigned)__builtin_ctzll(c);
        if (tb_phrase_at(t, k, s, len))
            return true;
    }
    return false;
}

/* Does s[0..len) start with a phrase of set id (ASCII case ignored)?
 * Only the phrases that the hash of its first bytes picks (head[]) are
 * compared: most lines are turned down by that one look-up, here.  (A set
 * whose phrases all have four bytes needs four.) */
static inline bool tb_starts_set(enum tb_set_id id, const char *s,
                                 size_t len)
{
    const struct tb_set *t = &tb_sets[id];
    uint64_t c;

    if (len < (t->m >= 4 ? 4 : 2) || (c = tb_head(t, tb_head_hash(t, s))) == 0)
        return false;
    return tb_starts_any(t, c, s, len);
}

/* The fields of tb_echo_names[] that name the sender, bit i for its i-th
 * name: from:, sender:, reply-to:, return-path:, envelope-from,
 * (envelope-from, mail from:. */
#define TB_ECHO_SENDER_BITS                                                  \
    ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 15) | \
     (1u << 17))

/* The "to:" of tb_echo_names[]. */
#define TB_ECHO_TO_BIT (1u << 7)
/* Its "mail from:", a transcript's command. */
#define TB_ECHO_MAIL_FROM_BIT (1u << 17)

/* Does the line echo one of the header fields of tb_echo_names[] picked
 * by the bits of mask (after blanks and '>')? */
static bool tb_echo_of(const char *s, size_t len, uint64_t mask)
{
    const struct tb_set *t = &tb_sets[TB_SET_ECHO];
    size_t i = 0;
    uint64_t c;

    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
        i++;
    if (len - i < (t->m >= 4 ? 4u : 2u) ||
        (c = tb_head(t, tb_head_hash(t, s + i)) & mask) == 0)
        return false;
    return tb_starts_any(t, c, s + i, len - i);
}

/* Does the line echo a header field whose addresses are not recipients? */
static bool tb_header_echo(const char *s, size_t len)
{
    return tb_echo_of(s, len, ~(uint64_t)0);
}

/* Does it echo one that names the sender?  Even when echoed fields are
 * read for recipients, those are not. */
static bool tb_sender_echo(const char *s, size_t len)
{
    return tb_echo_of(s, len, TB_ECHO_SENDER_BITS);
}

/* Role addresses that send notices and never fail. */
static bool tb_role(const char *a)
{
    static const char *const roles[] = {"postmaster@", "mailer-daemon@",
                                        "mail-daemon@", "mailerdaemon@",
                                        "noreply-dmarc", "abuse@"};
    char c0 = tb_lower(a[0]); /* the roles are lower case */

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i][0] == c0 &&
            strncasecmp(a, roles[i], strlen(roles[i])) == 0)
            return true;
    return false;
}

/* Is the local part of a notice's sender a mail-system role, written in
 * any of the usual ways (MAILER-DAEMON, Mailer_Daemon, post_master...)? */
static bool tb_sender_role(const char *a)
{
    /* and the list managers that return a post they refuse */
    static const char *const roles[] = {"mailerdaemon", "maildaemon",
                                        "postmaster", "mailsystem",
                                        "maildelivery", "listserv",
                                        "sympa", "majordomo"};
    char lp[32];
    size_t n = 0;

    for (; *a != '\0' && *a != '@' && n + 1 < sizeof lp; a++)
        if ((*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z'))
            lp[n++] = tb_lower(*a);
    lp[n] = '\0';
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(lp, roles[i]) == 0)
            return true;
    return false;
}

/* Is the address (normalised) a mailing list's command address, written
 * to for help and subscriptions ("ml-ctl@" for fml, "list-request@",
 * "list+subscribe@")?
 * A notice from the list names it for that, never as a recipient. */
static bool tb_list_command(const char *norm)
{
    static const char *const suffixes[] = {"-ctl",         "-request",
                                           "-subscribe",   "+subscribe",
                                           "-unsubscribe", "+unsubscribe"};
    const char *at = strrchr(norm, '@');

    for (size_t i = 0; at != NULL && i < sizeof suffixes / sizeof suffixes[0];
         i++) {
        size_t n = strlen(suffixes[i]);
        if ((size_t)(at - norm) > n &&
            strncasecmp(at - n, suffixes[i], n) == 0)
            return true;
    }
    return false;
}

/* Addresses that are recipients only when they stand alone on a line:
 * roles, and the bounce's own sender and recipient (who may well have
 * written to themselves). */
static bool tb_suspect(const char *norm, const struct textbounce_hints *h)
{
    for (size_t i = 0; i < h->nknown; i++)
        if (h->known[i].recipient != NULL &&
            strcasecmp(norm, h->known[i].recipient) == 0)
            return false;
    if (tb_role(norm))
        return true;
    for (size_t i = 0; i < h->nexclude; i++)
        if (h->exclude[i] != NULL && strcasecmp(norm, h->exclude[i]) == 0)
            return true;
    return false;
}

/* Decoration before an address on its line (NUL counts as one). */
static bool tb_lead(char c)
{
    switch (c) {
    case ' ': case '\t': case '*': case '-': case ':': case '<': case '"':
    case '\'': case '\0':
        return true;
    default:
        return false;
    }
}

/* Decoration after an address on its line (NUL counts as one). */
static bool tb_trail(char c)
{
    switch (c) {
    case ' ': case '\t': case '.': case ':': case ',': case ';': case '>':
    case '"': case '\'': case '\0':
        return true;
    default:
        return false;
    }
}

/* What may stand before an address that starts a line (NUL too). */
static bool tb_bullet(char c)
{
    switch (c) {
    case ' ': case '\t': case '<': case '"': case '\'': case '*': case '-':
    case '\0':
        return true;
    default:
        return false;
    }
}

/* Is line[from..e) blanks (or a closing '>') and then one parenthesised
 * comment up to e: "<a@b> (mailbox full)"? */
static bool tb_comment_after(const char *line, size_t from, size_t e)
{
    size_t i = from;

    while (i < e && (line[i] == ' ' || line[i] == '\t' || line[i] == '>'))
        i++;
    if (i == from || i + 2 >= e || line[i] != '(' || line[e - 1] != ')')
        return false;
    return memchr(line + i + 1, ')', e - i - 2) == NULL;
}

/* Is the address at line[as..as+al) alone on its line (strict), or at
 * least the first thing on it, followed only by a comment, or within <> /
 * quotes (!strict)? */
/* Does an opening quotation mark of some script stand right before the
 * address at line[as] (a space between allowed): « “ ‘ 「 『 《 ＜ ? */
static bool tb_opening_quote(const char *line, size_t as)
{
    static const char *const quotes[] = {
        "\xc2\xab", "\xe2\x80\x9c", "\xe2\x80\x98", "\xe3\x80\x8c",
        "\xe3\x80\x8e", "\xe3\x80\x8a", "\xef\xbc\x9c"};

    if (as > 0 && line[as - 1] == ' ')
        as--;
    for (size_t k = 0; k < sizeof quotes / sizeof quotes[0]; k++) {
        size_t n = strlen(quotes[k]);
        if (as >= n && memcmp(line + as - n, quotes[k], n) == 0)
            return true;
    }
    return false;
}

static bool tb_standalone(const char *line, size_t ll, size_t as, size_t al,
                          bool strict)
{
    size_t i = 0, e = ll;

    while (i < as && tb_lead(line[i]))
        i++;
    while (e > as + al && tb_trail(line[e - 1]))
        e--;
    if (i == as && e == as + al)
        return true;
    if (strict)
        return false;
    if (i == as && tb_comment_after(line, as + al, e))
        return true;
    return as > 0 && (line[as - 1] == '<' || line[as - 1] == '"' ||
                      tb_opening_quote(line, as));
}

#define TB_HELPERS 4
#define TB_SENDERS 2 /* envelope senders a transcript names */
#define TB_HELPDESK_TAIL 48 /* bytes after a help-desk phrase that ends a line */
#define TB_AT_LINES 32 /* '@' lines remembered from the help-desk pass */
#define TB_LIST_MAX 8  /* bare addresses of a list awaiting its reason */

/* A line with an '@': its start, length, the next line's start, and the
 * phrases of TB_SET_AT_LINE it holds. */
struct tb_at {
    size_t ls, ll, next;
    uint64_t bits;
};

/* What a phrase set says about one line (the phrases found), kept while
 * the line is read (key: the line's start; NULL: nothing kept). */
struct tb_memo {
    const char *key;
    uint64_t bits;
};

struct tb_ctx {
    struct rbuild *b;
    const char *text;
    size_t len;
    const struct textbounce_hints *h;
    bool relaxed; /* second pass: header echoes count too */
    size_t found;
    const char *prev; /* the last non-blank line before the current one */
    size_t prev_len;
    char helpers[TB_HELPERS][ADDRSCAN_MAX]; /* help-desk addresses */
    size_t nhelpers;
    /* the addresses named as the message's sender ("MAIL FROM:<a@b>",
     * "Your message from <a@b>"), parties of the notice as the hints'
     * are (tb_party()) */
    char senders[TB_SENDERS][ADDRSCAN_MAX];
    size_t nsenders;
    const char **family_r; /* the family, found with the delay phrases */
    int delay;             /* delay phrases in the head: 1, 0, -1 unknown
                              (tb_delay()) */
    uint64_t family_found; /* the family phrases found with them */
    struct tb_at at[TB_AT_LINES]; /* the first '@' lines of the text */
    size_t nat;
    struct tb_memo line, sent_by; /* TB_SET_AT_LINE of the line, of prev */
    /* a block's first line, its length and whether it holds a reply
     * code: every address of one long line starts a block there */
    struct {
        const char *key;
        size_t len, next;
        bool reply;
    } own;
    /* A list of bare addresses, one a line, followed by one reason: the
     * recipients (indexes) of the list without a reason so far, the line
     * the next one must start at, and the pairs (recipient, recipient
     * whose reason it shares) found; see tb_list(), tb_share(). */
    size_t list[TB_LIST_MAX], nlist, list_next;
    size_t share[TB_LIST_MAX][2];
    size_t nshare;
    /* the line above the last bare address that did not continue such a
     * list: the heading of a list that goes on ("delivered to the
     * following recipients:"), read for each of its addresses */
    const char *list_head;
    size_t list_head_len;
};

/* The phrases of set id the line s[0..len) holds (with first, the first
 * one found only).  Asked again of the same line, the memo answers. */
static uint64_t tb_memo_bits(struct tb_memo *m, enum tb_set_id id,
                             const char *s, size_t len, bool first)
{
    if (m->key != s) {
        m->key = s;
        m->bits = tb_find_set(id, s, len, first);
    }
    return m->bits;
}

/* Is norm one of the n addresses of list (normalised, any case)? */
static bool tb_listed(const char (*list)[ADDRSCAN_MAX], size_t n,
                      const char *norm)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], norm) == 0)
            return true;
    return false;
}

/* Is norm one of the help-desk addresses of the notice? */
static bool tb_helper(const struct tb_ctx *c, const char *norm)
{
    return tb_listed(c->helpers, c->nhelpers, norm);
}

/* Notes the address at s[0..len), named as the message's sender. */
static void tb_note_sender(struct tb_ctx *c, const char *s, size_t len)
{
    char norm[ADDRSCAN_MAX];

    if (c->nsenders == TB_SENDERS ||
        !addrscan_normalize(s, len, norm, sizeof norm) ||
        tb_listed((const char(*)[ADDRSCAN_MAX])c->senders, c->nsenders, norm))
        return;
    memcpy(c->senders[c->nsenders++], norm, strlen(norm) + 1);
}

static bool tb_suspect(const char *norm, const struct textbounce_hints *h);

/* Is norm one of the notice's parties: a role, the bounce's own sender or
 * recipient (tb_suspect()), or the sender a transcript names? */
static bool tb_party(const struct tb_ctx *c, const char *norm)
{
    return tb_suspect(norm, c->h) || tb_listed(c->senders, c->nsenders, norm);
}

static bool tb_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* May c stand in a table's or a log's columns before an address: a digit
 * or the punctuation of dates, times, numbers and cell borders? */
static bool tb_row_column(char c)
{
    return (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '/' ||
           c == '|' || c == '(' || c == ')' || c == '[' || c == ']' ||
           c == '#' || c == ',';
}

/* The address line[0..ll) heads a section of, as its last word before a
 * ':' ("Technical details of permanent failure for b@example.net:"),
 * normalised into a[ADDRSCAN_MAX]; false when it heads none, or the
 * address is a command's argument ("after MAIL FROM:<a@b>:"). */
static bool tb_heading_of(const char *line, size_t ll, char *a)
{
    size_t e = ll, b;

    while (e > 0 && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    if (e < 4 || line[e - 1] != ':')
        return false;
    e--;
    if (line[e - 1] == '>')
        e--;
    for (b = e; b > 0 && line[b - 1] != ' ' && line[b - 1] != '\t' &&
                line[b - 1] != '<' && line[b - 1] != '(';)
        b--;
    if (b == e || memchr(line + b, '@', e - b) == NULL)
        return false;
    size_t o = b > 0 && (line[b - 1] == '<' || line[b - 1] == '(') ? b - 1 : b;
    if (o > 0 && line[o - 1] != ' ' && line[o - 1] != '\t')
        return false;
    return addrscan_normalize(line + b, e - b, a, ADDRSCAN_MAX);
}

/* Does line[0..ll) head the section of an address other than norm
 * (tb_heading_of())? */
static bool tb_heads_other(const char *line, size_t ll, const char *norm)
{
    char a[ADDRSCAN_MAX];

    return tb_heading_of(line, ll, a) && strcasecmp(a, norm) != 0;
}

/* Does line[0..ll) start with a reply code, after what may stand before
 * an address ("550 5.1.8 <a@b>: Sender address rejected")? */
static bool tb_reply_first(const char *line, size_t ll)
{
    size_t i = 0;

    while (i < ll && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return tb_is_code(line, ll, i);
}

/* Does line[0..ll) start with an address other than norm, or with a
 * transcript's RCPT command for one (">>> RCPT To:<other>"), or head
 * another recipient's section (tb_heads_other())?  A reply that names
 * one of the notice's parties (tb_party(): a Postfix "Sender address
 * rejected" quoted by Exim under the recipient) goes on the block. */
static bool tb_other_address(const struct tb_ctx *c, const char *line,
                             size_t ll, const char *norm)
{
    size_t pos = 0, s, l, i = 0;
    char a[ADDRSCAN_MAX];

    /* bullets, quote marks, and the columns of a log's or a table's row
     * before its address ("2024-05-02 08:14  a@b", "| 2 | a@b", "3. a@b") */
    while (i < ll && (tb_bullet(line[i]) || line[i] == '>' ||
                      tb_row_column(line[i])))
        i++;
    if (ll - i > 8 && (line[i] | 0x20) == 'r' &&
        strncasecmp(line + i, "rcpt to:", 8) == 0)
        for (i += 8; i < ll && tb_bullet(line[i]);)
            i++;
    pos = i;
    if (!addrscan_next(line, ll, &pos, &s, &l) || s != i)
        return tb_heads_other(line, ll, norm);
    return addrscan_normalize(line + s, l, a, sizeof a) &&
           strcasecmp(a, norm) != 0 &&
           !(tb_reply_first(line, ll) && tb_party(c, a));
}

/* The columns of a table's row: how many of each separator (',' ';' '|'
 * tab) stand before its first address. */
struct tb_row {
    size_t col[4];
};

/* The columns before the first address of line[0..ll), in *row (a
 * separator inside double quotes does not count), and the address,
 * normalised, in a.  False without an address, or with no separator
 * before it. */
static bool tb_row_columns(const char *line, size_t ll, struct tb_row *row,
                           char *a)
{
    static const char sep[4] = {',', ';', '|', '\t'};
    size_t pos = 0, s, l;
    bool any = false;

    if (!addrscan_next(line, ll, &pos, &s, &l) ||
        !addrscan_normalize(line + s, l, a, ADDRSCAN_MAX))
        return false;
    memset(row, 0, sizeof *row);
    bool quoted = false; /* inside a quoted field ("Lee, Ann") */
    for (size_t i = 0; i < s; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        for (int k = 0; k < 4 && !quoted; k++)
            if (line[i] == sep[k]) {
                row->col[k]++;
                any = true;
            }
    }
    return any;
}

/* Is line[0..ll) the next row of the table whose row for norm has the
 * columns *row0 ("2025-04-16,BOUNCE,UNKNOWN_USER,,a@b,\"550 ...\""): the
 * same columns before another address? */
static bool tb_next_row(const struct tb_row *row0, const char *line, size_t ll,
                        const char *norm)
{
    char b[ADDRSCAN_MAX];
    struct tb_row row;

    return tb_row_columns(line, ll, &row, b) && strcasecmp(b, norm) != 0 &&
           memcmp(row0, &row, sizeof row) == 0;
}

/* Offset of the first '@' in text[p..lim), or lim. */
static size_t tb_next_at(const struct tb_ctx *c, size_t p, size_t lim)
{
    const char *at = p < lim ? memchr(c->text + p, '@', lim - p) : NULL;

    return at != NULL ? (size_t)(at - c->text) : lim;
}

/* Does the head of the notice say that delivery is still tried (a delay
 * phrase)?  Found once, with the family phrases when the family is asked
 * for (the same pass). */
static bool tb_delay(struct tb_ctx *c)
{
    size_t head = c->len < TB_HEAD_MAX ? c->len : TB_HEAD_MAX;

    if (c->delay >= 0)
        return c->delay == 1;
    if (c->family_r != NULL) {
        c->family_found = tb_find_set(TB_SET_FAMILY_DELAY, c->text, head,
                                      false);
        c->delay = (c->family_found & ~TB_FAMILY_BITS) != 0;
    } else {
        c->delay = tb_has_any(TB_SET_DELAY, c->text, c->len, TB_HEAD_MAX);
    }
    return c->delay == 1;
}

/* Is s[0..len) the heading, set off by dashes, of a section that is no
 * recipient's: another list of them or a transcript ("   ----- The
 * following addresses had transient non-fatal errors -----", "-----
 * Transcript of session follows -----"), not one that tells about those
 * before it ("----- Non-delivered information -----")?  Three dashes or
 * more, after blanks, then words. */
static bool tb_dash_heading(const char *s, size_t len)
{
    size_t i = 0, d;

    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    for (d = i; d < len && s[d] == '-'; d++)
        ;
    if (d - i < 3)
        return false;
    while (d < len && s[d] == ' ')
        d++;
    return d < len && tb_ascii_letter(s[d]) &&
           (tb_find(s + d, len - d, "transcript") != NULL ||
            tb_find(s + d, len - d, "the following") != NULL);
}

/* Blanks at the start of line[0..ll). */
static size_t tb_lead_blanks(const char *line, size_t ll)
{
    size_t i = 0;

    while (i < ll && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i;
}

/* Does s[0..len) start with lead (ASCII case ignored) after blanks? */
static bool tb_opens_with(const char *s, size_t len, const char *lead)
{
    size_t i = tb_lead_blanks(s, len), n = strlen(lead);

    return len - i >= n && strncasecmp(s + i, lead, n) == 0;
}

/* Does s[0..len) open Sendmail's account of a dialog with a host, after
 * blanks: "... while talking to mx.example.net.:", or older versions'
 * "While talking to mx.example.net:" (the words, whatever ends the line)? */
static bool tb_talking_line(const char *s, size_t len)
{
    return tb_opens_with(s, len, "... while talking to ") ||
           tb_opens_with(s, len, "while talking to ");
}

/* If s[0..len) is a line of Sendmail's own summary of a recipient or
 * host, a reply code, a space, then words up to "... " ("554
 * <a@b.example>... Service unavailable", "550 b.example (smtp)... 550
 * Host unknown"), the words after that "... "; else NULL. */
static const char *tb_status_words(const char *s, size_t len)
{
    const char *dots;

    if (len <= 8 || (s[0] != '4' && s[0] != '5') || !tb_is_code(s, len, 0) ||
        s[3] != ' ' || (dots = tb_find(s + 4, len - 4, "... ")) == NULL)
        return NULL;
    return dots + 4;
}

/* End of the block that starts at the line at off (the address line): up
 * to a blank line (one right after the address line is skipped, unless
 * that line holds its own reply), a section's heading (tb_dash_heading()),
 * a dialog with another host (tb_talking_line()), right after a line of
 * Sendmail's summary (tb_status_words()) a line that is not indented, or
 * a line that starts with another address (after a row's columns:
 * tb_other_address()), or, after a table's row that holds its own reply,
 * the table's next row (tb_next_row()).  Only a line that may hold an '@'
 * is read for one: the next '@' is looked for once, not on every line (no
 * further than lim, after which every line is read). */
static size_t tb_block_end(struct tb_ctx *c, size_t off, const char *norm)
{
    size_t next, p = off, lines = 0, at;
    size_t lim = c->len - off > 2 * TB_BLOCK_MAX ? off + 2 * TB_BLOCK_MAX
                                                 : c->len;
    bool colon = false; /* the last line ended in ':' ("because:") */
    bool retry = true;  /* each line so far says only that it is retried */
    /* an address line with its own reply (a table's row) ends at the next
     * blank line, the first one too */
    if (c->own.key != c->text + p) {
        c->own.key = c->text + p;
        c->own.len = tb_line(c->text, c->len, p, &c->own.next);
        c->own.reply = tb_code(c->text + p, c->own.len) != 0;
    }
    size_t fl = c->own.len;
    bool own_reply = c->own.reply;
    next = c->own.next;
    struct tb_row row0;
    char a0[ADDRSCAN_MAX];
    bool table = own_reply && tb_row_columns(c->text + p, fl, &row0, a0) &&
                 strcasecmp(a0, norm) == 0;
    /* a line of Sendmail's summary is whole: a line after it that starts
     * at its left edge is about the next recipient or the session */
    bool status = own_reply && tb_status_words(c->text + p, fl) != NULL;

    p += next;
    at = tb_next_at(c, p, lim);
    while (p < c->len && lines < TB_BLOCK_LINES && p - off < TB_BLOCK_MAX) {
        size_t ll = tb_line(c->text, c->len, p, &next);
        if (tb_blank(c->text + p, ll)) {
            if ((lines > 0 && !colon && !retry) || (lines == 0 && own_reply))
                break;
        } else if ((status && c->text[p] != ' ' && c->text[p] != '\t') ||
                   tb_dash_heading(c->text + p, ll) ||
                   tb_talking_line(c->text + p, ll)) {
            break; /* the next section ("--- Transcript of session ---"),
                      or Sendmail's dialog with another host */
        } else if (at < p + ll &&
                   (tb_other_address(c, c->text + p, ll, norm) ||
                    (table && tb_next_row(&row0, c->text + p, ll, norm)))) {
            break;
        } else {
            size_t e = ll;
            while (e > 0 && (c->text[p + e - 1] == ' ' ||
                             c->text[p + e - 1] == '\t'))
                e--;
            colon = e > 0 && c->text[p + e - 1] == ':';
            /* "Message will be retried for 2 more day(s)": the reason
             * follows, after a blank line */
            retry = retry && ll < 80 && tb_delay(c) &&
                    tb_find_set(TB_SET_DELAY, c->text + p, ll, true) != 0;
            lines++;
        }
        p += next;
        if (at < p)
            at = tb_next_at(c, p, lim);
    }
    return p;
}

/* Reply code and the status that goes with it (after the code, same
 * class), else the first failure status of the text. */
static void tb_codes(struct report_rcpt *rc, const char *s, size_t n)
{
    size_t at = 0;
    int code = tb_code_at(s, n, &at);
    char st[16];

    if (code != 0 && tb_fail_status(s + at, n - at, st, sizeof st) &&
        st[0] == (char)('0' + code / 100))
        rbuild_codes(rc, st, code);
    else if (tb_fail_status(s, n, st, sizeof st))
        rbuild_codes(rc, st, code);
    else
        rbuild_codes(rc, NULL, code);
}

/* "host mx.example.org[192.0.2.1] said:" / "host mx.example.org [...]":
 * the remote MTA named in a block d[0..n) whose "host " is at h (NULL:
 * none), for a recipient without one. */
static void tb_remote(struct rbuild *b, struct report_rcpt *rc,
                      const char *d, size_t n, const char *h)
{
    size_t i, dots = 0;

    if (rc->remote_mta != NULL || h == NULL)
        return;
    h += 5;
    for (i = 0; h + i < d + n; i++) {
        char ch = h[i];
        if (ch == '.')
            dots++;
        else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= '0' && ch <= '9') || ch == '-'))
            break;
    }
    if (dots > 0 && i > 3 && h[i - 1] != '.') /* host name bytes alone */
        rbuild_str_nonul(b, &rc->remote_mta, h, i);
}

/* Has a recipient its diagnostic, reply code and status (so that another
 * block can add only its remote MTA)? */
static bool tb_known(const struct report_rcpt *rc)
{
    return rc->diagnostic != NULL && rc->reply_code != 0 &&
           rc->status[0] != '\0';
}

/* May the unfolded block text[bs..be) (after the line above it, for a bare
 * address) hold "host "?  Not unless the text as it stands holds "host":
 * unfolding only turns runs of blanks into one space. */
static bool tb_may_name_host(const struct tb_ctx *c, size_t bs, size_t be)
{
    return tb_find(c->text + bs, be - bs, "host") != NULL ||
           (c->prev != NULL && tb_find(c->prev, c->prev_len, "host") != NULL);
}

/* The words Sendmail gives a delivery program's exit status (sysexits.h)
 * that say nothing of the cause, which the program's own output, the line
 * above, tells ("mail.local: unknown user: a" above "554 <a@b>... Service
 * unavailable"). */
static const char *const tb_exit_words[] = {"service unavailable",
                                            "unknown mailer error",
                                            "can't create output",
                                            "insufficient permission",
                                            "internal error",
                                            "operating system error",
                                            "system file missing",
                                            "i/o error",
                                            "data format error",
                                            "cannot open input",
                                            "local configuration error",
                                            "remote protocol error"};

/* Is s[0..len) a line of Sendmail's summary (tb_status_words()) that
 * gives only a delivery program's exit status: after "... ", the words of
 * one and nothing more (an exit code's number after "unknown mailer
 * error", blanks or a '.')? */
static bool tb_exit_line(const char *s, size_t len)
{
    const char *w = tb_status_words(s, len);
    if (w == NULL)
        return false;
    size_t wl = len - (size_t)(w - s);
    while (wl > 0 &&
           (w[wl - 1] == ' ' || w[wl - 1] == '\t' || w[wl - 1] == '.' ||
            (w[wl - 1] >= '0' && w[wl - 1] <= '9')))
        wl--;
    for (size_t i = 0; i < sizeof tb_exit_words / sizeof tb_exit_words[0];
         i++) {
        size_t n = strlen(tb_exit_words[i]);
        if (wl == n && strncasecmp(w, tb_exit_words[i], n) == 0)
            return true;
    }
    return false;
}

/* Does s[0..len) tell the cause of an exit status of class cls ('4' or
 * '5') given on the line below it: a delivery program's output, its name
 * first ("mail.local: unknown user: a", "procmail: Quota exceeded ...",
 * "/bin/sh: line 1: x: not found"), with no address and no reply code;
 * or the server's failed reply of the same class in a transcript ("<<<
 * 550 Insecure Mail Relay" above "554 <a@b>... Remote protocol error")? */
static bool tb_cause_line(const char *s, size_t len, char cls)
{
    size_t i = tb_lead_blanks(s, len), k;

    if (len - i > 8 && memcmp(s + i, "<<< ", 4) == 0)
        return s[i + 4] == cls && tb_is_code(s, len, i + 4);
    for (k = i; k < len && k - i < 64 && s[k] != ' ' && s[k] != ':'; k++)
        ;
    return k - i >= 2 && k + 1 < len && s[k] == ':' && s[k + 1] == ' ' &&
           s[i] != '<' && s[i] != '>' && len < 200 &&
           memchr(s, '@', len) == NULL && tb_code(s, len) == 0;
}

/* Is the line that ends at prev + pl right above text[bs] (one line end
 * between them, no blank line)? */
static bool tb_right_above(const char *prev, size_t pl, const char *text,
                           size_t bs)
{
    const char *e = prev + pl, *b = text + bs;

    return e <= b && b - e <= 2 &&
           (b - e == 1 ? (*e == '\n' || *e == '\r')
                       : (b - e == 2 && e[0] == '\r' && e[1] == '\n'));
}

/* Fills a recipient's diagnostic, code and status from text[bs..be), or
 * only its remote MTA when the rest is known. */
static void tb_fill(struct tb_ctx *c, struct report_rcpt *rc, size_t bs,
                    size_t be, bool bare)
{
    char d[TB_BLOCK_MAX];
    /* a temporary failure met first (a transcript's early attempts) gives
     * way to a permanent one a later block gives */
    bool temporary = rc->reply_code / 100 == 4;

    if (tb_known(rc) && !temporary && !tb_may_name_host(c, bs, be))
        return; /* only a remote MTA is wanted, and none is named */
    size_t n = hdr_unfold(c->text + bs, be - bs, d, sizeof d);
    if (temporary && rc->diagnostic != NULL && tb_code(d, n) / 100 == 5) {
        rbuild_drop(c->b, &rc->diagnostic);
        rc->reply_code = 0;
        rc->status[0] = '\0';
    }

    /* a bare address: the reason is the line above it; the next bare
     * address of a list of them (tb_list()): the list's heading; a line
     * of Sendmail's summary that gives an exit status alone: the line
     * above it that tells why (tb_cause_line()) */
    const char *above = NULL;
    size_t al = 0, next;
    if (bare && c->nlist > 0 && bs == c->list_next && c->list_head != NULL) {
        above = c->list_head;
        al = c->list_head_len;
    } else if (c->prev != NULL &&
               (n < strlen(rc->recipient) + 8 ||
                (tb_exit_line(c->text + bs, tb_line(c->text, be, bs, &next)) &&
                 tb_right_above(c->prev, c->prev_len, c->text, bs) &&
                 tb_cause_line(c->prev, c->prev_len, c->text[bs])))) {
        above = c->prev;
        al = c->prev_len;
    }
    if (above != NULL && al < sizeof d / 2) {
        size_t pl = hdr_unfold(above, al, d, sizeof d / 2);
        d[pl++] = ' ';
        n = pl + hdr_unfold(c->text + bs, be - bs, d + pl, sizeof d - pl);
    }
    if (tb_known(rc)) {
        if (rc->remote_mta == NULL)
            tb_remote(c->b, rc, d, n, tb_find(d, n, "host "));
        return;
    }
    const char *said, *host;
    tb_find2(d, n, "said:", "host ", &said, &host);
    const char *from = said != NULL ? said + 5 : d;
    size_t fl = n - (size_t)(from - d);

    if (rc->diagnostic != NULL && rc->reply_code == 0 && tb_code(d, n))
        rbuild_drop(c->b, &rc->diagnostic); /* a later block's remote reply */
    if (rc->diagnostic == NULL) /* unfolded: no NUL */
        rbuild_str_nonul(c->b, &rc->diagnostic, d, n);
    tb_codes(rc, from, fl);
    if (rc->status[0] == '\0' && from != d)
        tb_codes(rc, d, n);
    tb_remote(c->b, rc, d, n, host);
}

/* Has a recipient no reply code and no status? */
static bool tb_no_codes(const struct report_rcpt *rc)
{
    return rc->reply_code == 0 && rc->status[0] == '\0';
}

/* Is the line after the address line at off, within the block ending at
 * be, Sendmail's reason for that address alone ("    (reason: 550 5.1.1
 * User unknown)")? */
static bool tb_own_reason(const struct tb_ctx *c, size_t off, size_t be)
{
    size_t next;

    (void)tb_line(c->text, c->len, off, &next);
    return off + next < be &&
           tb_opens_with(c->text + off + next, be - off - next, "(reason:");
}

/* Keeps track of a list of bare addresses, one a line, whose reason
 * follows the last of them ("Delivery to the following recipients failed:
 * / a@x / b@x / Reason: 550 ..."): a recipient alone on its line (bare)
 * whose block is that line alone waits for the list's reason; the next
 * bare recipient, on the line that ended the block, that has a reply
 * code or a status gives it to those waiting (tb_share(), once the whole
 * notice is read, so that a reason of their own found later wins).
 * Anything else ends the list. */
static void tb_list(struct tb_ctx *c, const struct report_rcpt *rc,
                    size_t off, size_t be, bool bare)
{
    size_t idx = (size_t)(rc - c->b->r->rcpts);

    if (c->nlist > 0 && (off != c->list_next || !bare))
        c->nlist = 0; /* not the list's next line */
    if (!bare)
        return;
    if (tb_no_codes(rc)) {
        size_t next;
        (void)tb_line(c->text, c->len, off, &next);
        if (!tb_blank(c->text + off + next, be - off - next) ||
            c->nlist == TB_LIST_MAX) {
            c->nlist = 0; /* a block of its own that says nothing */
            return;
        }
        if (c->nlist == 0) { /* the line above the list heads it */
            c->list_head = c->prev;
            c->list_head_len = c->prev_len;
        }
        c->list[c->nlist++] = idx;
        c->list_next = be;
        return;
    }
    /* Sendmail's "(reason: ...)" under an address is that address's own */
    bool own = tb_own_reason(c, off, be);
    for (size_t i = 0; i < c->nlist && c->nshare < TB_LIST_MAX && !own; i++) {
        c->share[c->nshare][0] = c->list[i];
        c->share[c->nshare++][1] = idx;
    }
    c->nlist = 0;
}

/* The reason of a list's last address to each address of the list that
 * has still none (tb_list()). */
static void tb_share(struct tb_ctx *c)
{
    struct report_rcpt *r = c->b->r->rcpts;

    for (size_t i = 0; i < c->nshare; i++) {
        struct report_rcpt *to = &r[c->share[i][0]];
        const struct report_rcpt *from = &r[c->share[i][1]];
        if (!tb_no_codes(to) || tb_no_codes(from))
            continue;
        rbuild_codes(to, from->status[0] != '\0' ? from->status : NULL,
                     from->reply_code);
        if (from->diagnostic != NULL) {
            rbuild_drop(c->b, &to->diagnostic);
            rbuild_str(c->b, &to->diagnostic, from->diagnostic,
                       strlen(from->diagnostic));
        }
    }
}

/* Where the word before the address at line[as..) ends: back over the
 * blanks and '<' between them. */
static size_t tb_before_address(const char *line, size_t as)
{
    while (as > 0 && (line[as - 1] == '<' || line[as - 1] == ' ' ||
                      line[as - 1] == '\t'))
        as--;
    return as;
}

/* Is the address at line[as..) a message id: after a label of one
 * ("Message-ID:", "Identifiant :", blanks and '<' between), wherever the
 * label stands on the line (a transcript line may start with a time
 * stamp), or in angle brackets after the word "message"? */
static bool tb_after_msgid(const char *line, size_t as)
{
    static const char *const labels[] = {
        "message-id", "message id", "message identifier", "msg-id", "msgid",
        "identifiant", "nachrichten-id", "id del mensaje", "id de mensaje",
        "id messaggio", "id da mensagem", "bericht-id"};
    size_t i = tb_before_address(line, as);

    /* "Delivery report for message <id@host>": an id in angle brackets */
    if (i >= 7 && i < as && line[as - 1] == '<' && line[i] == ' ' &&
        strncasecmp(line + i - 7, "message", 7) == 0 &&
        (i == 7 || !tb_ascii_letter(line[i - 8])))
        return true;
    if (i == 0 || line[i - 1] != ':')
        return false;
    i--;
    while (i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
        i--; /* French typography puts a space before the colon */
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t n = strlen(labels[k]);
        if (i >= n && strncasecmp(line + i - n, labels[k], n) == 0)
            return true;
    }
    return false;
}

/* Does the address at line[as..) follow, on its line, a phrase that
 * names the message's sender ("Your message from <a@b> to ...", "refused
 * your sender address a@b")? */
static bool tb_after_sender_phrase(const char *line, size_t as)
{
    static const char *const phrases[] = {"message from",   "sent by",
                                          "mail from:",     "mail from",
                                          "sender address", "from address",
                                          "your address",   "envelope sender",
                                          "return path"};
    size_t i = tb_before_address(line, as);
    char last = i > 0 ? (char)(line[i - 1] | 0x20) : '\0';
    if (last != 'm' && last != 'y' && last != ':' && last != 's' &&
        last != 'r' && last != 'h') /* how they all end */
        return false;
    for (size_t k = 0; k < sizeof phrases / sizeof phrases[0]; k++) {
        size_t n = strlen(phrases[k]);
        if (i >= n && strncasecmp(line + i - n, phrases[k], n) == 0)
            return true;
    }
    return false;
}

#define TB_KEY_REACH 120 /* bytes from a field's key to its address */

/* The key of the data field whose value holds the address at line[as..):
 * a JSON member's ("\"from\": \"Name <a@b>\""), a log's ("from=<a@b>",
 * "from : a@b"): its start in *k_r, its length returned; 0 when the
 * address is no field's value. */
static size_t tb_field_key(const char *line, size_t as, size_t *k_r)
{
    size_t i = as, lim = as > TB_KEY_REACH ? as - TB_KEY_REACH : 0, e;
    size_t eq = 0; /* the last '=' passed: a key's only where no ':' is
                      ("from=<a@b>", not "\"msg_from\": \"prvs=x=a@b\"") */

    while (i > lim && line[i - 1] != ':' && line[i - 1] != ',' &&
           line[i - 1] != '{') {
        if (line[i - 1] == '=' && eq == 0)
            eq = i;
        i--;
    }
    if (i == 0 || line[i - 1] != ':') {
        if (eq == 0)
            return 0;
        i = eq;
    }
    for (i--; i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t' ||
                        line[i - 1] == '"' || line[i - 1] == '\'');)
        i--;
    for (e = i; i > 0 && (tb_ascii_letter(line[i - 1]) ||
                          (line[i - 1] >= '0' && line[i - 1] <= '9') ||
                          line[i - 1] == '-' || line[i - 1] == '_');)
        i--;
    *k_r = i;
    return e - i;
}

/* Is the address at line[as..) the value of a data field that names the
 * message's sender, its id or its return path ("\"msg_from\": \"a@b\"",
 * "\"smtp-id\": \"<id@host>\"", "from=<a@b>"): an event a sending service
 * reports in JSON or a log line, where only the recipient's field names a
 * recipient? */
static bool tb_after_sender_key(const char *line, size_t as)
{
    static const char *const keys[] = {
        "from", "sender", "msg_from", "friendly_from", "mail_from",
        "mailfrom", "envelope-from", "envelope_from", "return-path",
        "return_path", "reply-to", "reply_to", "message-id", "message_id",
        "messageid", "smtp-id", "smtp_id", "x-message-id", "in-reply-to",
        "references"};
    size_t k, n = tb_field_key(line, as, &k);

    for (size_t j = 0; n > 0 && j < sizeof keys / sizeof keys[0]; j++)
        if (strlen(keys[j]) == n && strncasecmp(line + k, keys[j], n) == 0)
            return true;
    return false;
}

/* Is the address at line[as..) inside a web address ("https://host/
 * form?sender=a@b"), a query's value, never a recipient? */
static bool tb_in_url(const char *line, size_t as)
{
    size_t i = as;

    while (i > 0 && line[i - 1] != ' ' && line[i - 1] != '\t' &&
           line[i - 1] != '<' && line[i - 1] != '(')
        i--;
    return as - i > 7 && (line[i] | 0x20) == 'h' &&
           (strncasecmp(line + i, "http://", 7) == 0 ||
            (as - i > 8 && strncasecmp(line + i, "https://", 8) == 0));
}

static size_t tb_helpdesk_at(const char *line, size_t ll, uint64_t bits);
static bool tb_helpdesk_before(const struct tb_ctx *c);

/* bytes before an address that ends a sentence begun on the line before
 * ("to ", "an ") */
#define TB_CONTINUE_LEAD 12

/* Where the last sentence of s[0..len) starts: after its last ". ", "! ",
 * "? ", ": " or "; ", else at 0. */
static size_t tb_last_sentence(const char *s, size_t len)
{
    for (size_t b = len; b >= 2; b--)
        if (s[b - 1] == ' ' && strchr(".!?:;", s[b - 2]) != NULL)
            return b;
    return 0;
}

/* Does the address at text[as..) finish, near the start of its line (at
 * off, with only a word or two before it), a sentence the line just
 * before begins with a failure ("Your mailing could not be delivered\nto
 * a@b.  The server said ...")?  The failure stands in that line's last
 * sentence; the line names no address of its own and asks no one to be
 * written to. */
static bool tb_continues_failure(const struct tb_ctx *c, size_t off, size_t as)
{
    const char *p = c->prev, *line = c->text + off;
    size_t e, breaks = 0;

    if (p == NULL || as - off > TB_CONTINUE_LEAD || p + c->prev_len > line)
        return false;
    for (size_t i = off; i < as; i++)
        if (!tb_ascii_letter(c->text[i]) && c->text[i] != ' ' &&
            c->text[i] != '\t' && c->text[i] != '<' && c->text[i] != '"')
            return false;
    for (e = c->prev_len;
         e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r');)
        e--;
    for (const char *q = p + e; q < line; q++) /* adjacent lines only */
        if (*q == '\n')
            breaks++;
    if (e == 0 || breaks != 1 || strchr(".!?:;", p[e - 1]) != NULL ||
        memchr(p, '@', e) != NULL)
        return false;
    size_t b = tb_last_sentence(p, e);
    return !tb_helpdesk_before(c) && tb_failure_line(p + b, e - b);
}

/* Does Postfix's "Sender address rejected" follow the address that ends
 * before line[end] ("553 5.1.8 <a@b>: Sender address rejected: ...")?
 * That address is the message's sender, which the reply refuses. */
static bool tb_sender_rejected_after(const char *line, size_t ll, size_t end)
{
    static const char phrase[] = "sender address rejected";
    const size_t n = sizeof phrase - 1;
    size_t i = end + 2;

    if (end > ll || ll - end < 3 || line[end] != '>' || line[end + 1] != ':')
        return false;
    while (i < ll && line[i] == ' ')
        i++;
    return ll - i >= n && strncasecmp(line + i, phrase, n) == 0;
}

/* One address at text[as..as+al) on the line at off (length ll). */
static void tb_address(struct tb_ctx *c, size_t off, size_t ll, size_t as,
                       size_t al)
{
    char norm[ADDRSCAN_MAX];
    const char *line = c->text + off;

    if (tb_after_sender_phrase(line, as - off) ||
        tb_sender_rejected_after(line, ll, as - off + al)) {
        tb_note_sender(c, c->text + as, al);
        return;
    }
    if (tb_after_msgid(line, as - off) || tb_in_url(line, as - off) ||
        tb_after_sender_key(line, as - off) ||
        !addrscan_normalize(c->text + as, al, norm, sizeof norm) ||
        tb_list_command(norm))
        return;
    if (c->prev != NULL && tb_standalone(line, ll, as - off, al, true) &&
        (tb_memo_bits(&c->sent_by, TB_SET_SENT_BY, c->prev, c->prev_len,
                      true) != 0 ||
         tb_helpdesk_before(c)))
        return; /* "A message sent by\n  <sender>\ncould not be ...",
                   "please contact\n  <help desk>" */
    uint64_t bits = tb_memo_bits(&c->line, TB_SET_AT_LINE, line, ll, false);
    /* a line that says where a recipient came from names no recipient; one
     * that gives an address for help or a new address, none after the
     * phrase ("<a@b>: mailbox full, please try again later" names a@b) */
    if ((bits & TB_NOT_RCPT_BITS & ~TB_HELPDESK_BITS) != 0 ||
        ((bits & TB_HELPDESK_BITS) != 0 &&
         as - off >= tb_helpdesk_at(line, ll, bits)) ||
        tb_helper(c, norm))
        return;
    size_t be = 0; /* the block's end, found once it is needed */
    /* read again for want of any recipient, a notice's "To:" labels one
     * as "Recipient:" does ("We could not deliver your message.  To: a@b
     * Subject: ...") */
    bool to_label = c->relaxed && tb_echo_of(line, ll, TB_ECHO_TO_BIT);
    if (tb_party(c, norm)) {
        if (!tb_standalone(line, ll, as - off, al, true))
            return;
    } else if ((bits & TB_RCPT_BITS) == 0 && !to_label &&
               !tb_standalone(line, ll, as - off, al, false)) {
        be = tb_block_end(c, off, norm);
        if (!tb_failure_line(c->text + off, be - off) &&
            !tb_continues_failure(c, off, as))
            return;
    }
    struct report_rcpt *rc = rbuild_rcpt_norm(c->b, norm, NULL);
    if (rc == NULL)
        return;
    c->found++;
    if (tb_known(rc) && rc->remote_mta != NULL)
        return; /* a repeat that has nothing left to add */
    if (be == 0)
        be = tb_block_end(c, off, norm);
    bool bare = tb_standalone(line, ll, as - off, al, true);
    tb_fill(c, rc, off, be, bare);
    tb_list(c, rc, off, be, bare);
}

/* Start of the line that holds text[i], from being a line start at or
 * before i: the last CR or LF before i is looked for 16 bytes a step
 * where SSE2 is. */
static size_t tb_line_start(const char *text, size_t from, size_t i)
{
#if defined(__SSE2__)
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');

    for (; i >= from + 16; i -= 16) {
        __m128i x =
            _mm_loadu_si128((const __m128i *)(const void *)(text + i - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, lf)));
        if (m != 0)
            return i - 16 + (size_t)(32 - __builtin_clz(m));
    }
#endif
    while (i > from && text[i - 1] != '\n' && text[i - 1] != '\r')
        i--;
    return i;
}

/* The line of text that holds the next '@' at or after the line start *p:
 * its start in *ls_r, its length returned, *p moved past it.  False when
 * no '@' is left. */
static bool tb_at_line(const struct tb_ctx *c, size_t *p, size_t *ls_r,
                       size_t *ll_r)
{
    const char *at;
    size_t next;

    if (*p >= c->len || (at = memchr(c->text + *p, '@', c->len - *p)) == NULL)
        return false;
    *ls_r = tb_line_start(c->text, *p, (size_t)(at - c->text));
    *ll_r = tb_line(c->text, c->len, *ls_r, &next);
    *p = *ls_r + next;
    return true;
}

/* Where the first help-desk phrase of line[0..ll) (bits: the phrases of
 * TB_SET_AT_LINE it holds) ends: the address given for help follows it
 * ("a@b has left; please contact c@d": not a@b). */
static size_t tb_helpdesk_at(const char *line, size_t ll, uint64_t bits)
{
    size_t at = ll;

    for (size_t i = 0; i < TB_NHELPDESK; i++) {
        const char *f = (bits & (uint64_t)1 << i) != 0
                            ? tb_find(line, ll, tb_helpdesk_words[i])
                            : NULL;
        size_t e = f != NULL ? (size_t)(f - line) +
                                   strlen(tb_helpdesk_words[i])
                             : ll;
        if (e < at)
            at = e;
    }
    return at;
}

/* Collects the addresses given for help ("please contact <x>"): lines
 * without an '@' are skipped by memchr().  The first TB_AT_LINES lines read
 * are kept in c->at[] for tb_scan(), with what TB_SET_AT_LINE says of
 * them (help desk, origin, envelope recipient: one pass). */
/* Does the line before (c->prev) end by asking to write to a help desk
 * ("For further information, please contact", "wenden Sie sich bitte an
 * unseren Support unter"), so that the address on a line of its own
 * after it is the help desk's? */
static bool tb_helpdesk_before(const struct tb_ctx *c)
{
    uint64_t w = tb_find_set(TB_SET_AT_LINE, c->prev, c->prev_len, false);
    size_t at;

    if ((w & TB_HELPDESK_BITS) == 0 ||
        memchr(c->prev, '@', c->prev_len) != NULL)
        return false; /* it names its own address ("please try <x>") */
    at = tb_helpdesk_at(c->prev, c->prev_len, w);
    return at <= c->prev_len && c->prev_len - at <= TB_HELPDESK_TAIL;
}

static void tb_helpers(struct tb_ctx *c)
{
    size_t p = 0, ls, ll;

    while (c->nhelpers < TB_HELPERS && tb_at_line(c, &p, &ls, &ll)) {
        uint64_t w = tb_find_set(TB_SET_AT_LINE, c->text + ls, ll, false);
        size_t pos = 0, s, l;
        if (c->nat < TB_AT_LINES)
            c->at[c->nat++] = (struct tb_at){ls, ll, p, w};
        if ((w & TB_HELPDESK_BITS) != 0 &&
            (pos = tb_helpdesk_at(c->text + ls, ll, w)) < ll &&
            addrscan_next(c->text + ls, ll, &pos, &s, &l) &&
            addrscan_normalize(c->text + ls + s, l,
                               c->helpers[c->nhelpers], ADDRSCAN_MAX))
            c->nhelpers++;
    }
}

/* c->prev for a line at to: the last non-blank line of text[from..to)
 * (from a line start), or, when all of it is blank, c->prev as it is. */
static void tb_prev_line(struct tb_ctx *c, size_t from, size_t to)
{
    const char *t = c->text;
    size_t q = to, ls, next;

    while (q > from && (t[q - 1] == ' ' || t[q - 1] == '\t' ||
                        t[q - 1] == '\r' || t[q - 1] == '\n'))
        q--;
    if (q == from)
        return;
    ls = tb_line_start(t, from, q - 1);
    c->prev_len = tb_line(t, c->len, ls, &next);
    /* a phrase's last word alone ("... directed to the list administrator
     * / at:"): the line before it too */
    if (c->prev_len <= 4 && t[ls + c->prev_len - 1] == ':') {
        size_t e = ls;
        while (e > from && (t[e - 1] == '\n' || t[e - 1] == '\r'))
            e--;
        if (e > from) {
            size_t ps = tb_line_start(t, from, e);
            c->prev_len += ls - ps;
            ls = ps;
        }
    }
    c->prev = t + ls;
}

/* tb_at_line() for the i-th line with an '@': from c->at[] (and its
 * TB_SET_AT_LINE memo) as far as tb_helpers() kept them, read afterwards. */
static bool tb_scan_line(struct tb_ctx *c, size_t i, size_t *p, size_t *ls_r,
                         size_t *ll_r)
{
    if (i >= c->nat)
        return tb_at_line(c, p, ls_r, ll_r);
    *ls_r = c->at[i].ls;
    *ll_r = c->at[i].ll;
    *p = c->at[i].next;
    c->line.key = c->text + c->at[i].ls;
    c->line.bits = c->at[i].bits;
    return true;
}

/* The lines with an '@', found by memchr() (the first ones known from
 * tb_helpers()); the last non-blank line before each (c->prev) is looked
 * for backwards, only as far as the line read before. */
static void tb_scan(struct tb_ctx *c)
{
    size_t p = 0, ls, ll;

    for (size_t from = 0, i = 0; tb_scan_line(c, i, &p, &ls, &ll);
         from = p, i++) {
        const char *line = c->text + ls;
        size_t pos = 0, s, l;
        tb_prev_line(c, from, ls);
        if (c->relaxed ? !tb_sender_echo(line, ll)
                       : !tb_header_echo(line, ll)) {
            while (addrscan_next(line, ll, &pos, &s, &l))
                tb_address(c, ls, ll, ls + s, l);
        } else if (tb_echo_of(line, ll, TB_ECHO_MAIL_FROM_BIT) &&
                   addrscan_next(line, ll, &pos, &s, &l)) {
            tb_note_sender(c, line + s, l); /* ">>> MAIL FROM:<a@b>" */
        }
        c->prev = line; /* not blank: it has an '@' */
        c->prev_len = ll;
    }
}

/* The next line at or after the line start *p that holds a '4' or a '5'
 * (tb_next45(): the other lines cannot hold a reply code): its start in
 * *ls_r, its length returned, *p moved past it.  False when none is left. */
static bool tb_45_line(const struct tb_ctx *c, size_t *p, size_t *ls_r,
                       size_t *ll_r)
{
    size_t i = tb_next45(c->text, *p, c->len), next;

    if (i >= c->len)
        return false;
    *ls_r = tb_line_start(c->text, *p, i);
    *ll_r = tb_line(c->text, c->len, *ls_r, &next);
    *p = *ls_r + next;
    return true;
}

/* Labels of a paragraph that gives a failure's reason, lower case (the
 * ASCII ones compared so): "Reason:", "Grund:", "Causa:", "Причина:",
 * "原因：", "사유:". */
#define TB_LIT(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    size_t n;
} tb_reason_labels[] = {
    TB_LIT("reason"), TB_LIT("cause"), TB_LIT("grund"), TB_LIT("ursache"),
    TB_LIT("raison"), TB_LIT("motif"), TB_LIT("motivo"), TB_LIT("causa"),
    TB_LIT("raz\xc3\xb3n"), TB_LIT("raz\xc3\xa3o"), TB_LIT("oorzaak"),
    TB_LIT("reden"), TB_LIT("orsak"), TB_LIT("\xc3\xa5rsak"),
    TB_LIT("\xc3\xa5rsag"), TB_LIT("syy"), TB_LIT("przyczyna"),
    TB_LIT("pow\xc3\xb3" "d"), TB_LIT("d\xc5\xafvod"), TB_LIT("hata nedeni"),
    TB_LIT("neden"), TB_LIT("sebep"),
    /* причина, Причина, 原因, 理由, 사유, 이유 */
    TB_LIT("\xd0\xbf\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd0\xb0"),
    TB_LIT("\xd0\x9f\xd1\x80\xd0\xb8\xd1\x87\xd0\xb8\xd0\xbd\xd0\xb0"),
    TB_LIT("\xe5\x8e\x9f\xe5\x9b\xa0"), TB_LIT("\xe7\x90\x86\xe7\x94\xb1"),
    TB_LIT("\xec\x82\xac\xec\x9c\xa0"), TB_LIT("\xec\x9d\xb4\xec\x9c\xa0")};
#define TB_REASON_LABEL_MAX 24 /* bytes of a label and its blanks, at most */

/* Does a ':', ']' or the first byte of '：' or '】' stand in s[0..n) (n at
 * most TB_REASON_LABEL_MAX; one SSE2 step where readable bytes allow)? */
static bool tb_label_end_in(const char *s, size_t n, size_t readable)
{
#if defined(__SSE2__)
    if (readable >= 32) {
        uint32_t m = scan_eq2_16(s, ':', ']') | scan_eq2_16(s, '\xef', '\xe3') |
                     (uint32_t)(scan_eq2_16(s + 16, ':', ']') |
                                scan_eq2_16(s + 16, '\xef', '\xe3'))
                         << 16;
        return (m & (((uint32_t)1 << n) - 1)) != 0;
    }
#endif
    (void)readable;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':' || s[i] == ']' || s[i] == '\xef' || s[i] == '\xe3')
            return true;
    return false;
}

/* Can a reason label start with the byte c (as tb_lower() has it)? */
static bool tb_label_first(char c)
{
    switch (c) {
    case 'r': case 'c': case 'g': case 'u': case 'm': case 'o': case 's':
    case 'p': case 'd': case 'h': case 'n': case '\xc3': case '\xc5':
    case '\xd0': case '\xe5': case '\xe7': case '\xec':
        return true;
    default:
        return false;
    }
}

/* Length of the reason label line[0..ll) starts with, after blanks and a
 * '[' or '【', through its ':' (or '：', ']', '】'); 0 when none.  Lines
 * whose first byte starts no label, or with no such end near their start,
 * are passed over at once.  line[0..readable) may be read. */
static size_t tb_reason_label(const char *line, size_t ll, size_t readable)
{
    size_t i = 0;

    while (i < ll && (line[i] == ' ' || line[i] == '\t' || line[i] == '['))
        i++;
    if (ll - i >= 3 && memcmp(line + i, "\xe3\x80\x90", 3) == 0) /* 【 */
        i += 3;
    size_t room = ll - i < TB_REASON_LABEL_MAX ? ll - i : TB_REASON_LABEL_MAX;
    if (room < 4 || !tb_label_first(tb_lower(line[i])) ||
        !tb_label_end_in(line + i, room, readable - i))
        return 0;
    for (size_t k = 0; k < sizeof tb_reason_labels / sizeof *tb_reason_labels;
         k++) {
        size_t n = tb_reason_labels[k].n, j = i + n;
        if (ll - i < n ||
            tb_lower(line[i]) != tb_reason_labels[k].s[0] ||
            !tb_eq_lower(line + i, tb_reason_labels[k].s, n))
            continue;
        while (j < ll && line[j] == ' ')
            j++;
        if (j < ll && (line[j] == ':' || line[j] == ']'))
            return j + 1;
        if (ll - j >= 3 && (memcmp(line + j, "\xef\xbc\x9a", 3) == 0 ||
                            memcmp(line + j, "\xe3\x80\x91", 3) == 0))
            return j + 3;
    }
    return 0;
}

/* Does s[0..n) hold the bytes w[0..wl)? */
static bool tb_holds(const char *s, size_t n, const char *w, size_t wl)
{
    for (size_t i = 0; wl > 0 && i + wl <= n; i++)
        if (s[i] == w[0] && memcmp(s + i, w, wl) == 0)
            return true;
    return false;
}

#define TB_REASON_REACH 1024 /* bytes after the address searched for the
                                paragraph of reasons */

static size_t tb_find_address(const char *text, size_t len, const char *a);

/* A lone recipient with no code whose block did not hold the notice's
 * paragraph of reasons ("Grund: Die Nachricht hat die DMARC-Prüfung nicht
 * bestanden."), within TB_REASON_REACH bytes after the address's first
 * mention: that paragraph, to the next blank line, joins its diagnostic. */
static void tb_reason_paragraph(struct tb_ctx *c, struct report_rcpt *rc)
{
    size_t p, next, ll, head;

    if (c->b->r->nrcpts != 1 || rc->reply_code != 0 ||
        rc->status[0] != '\0' || rc->diagnostic == NULL)
        return;
    if ((p = tb_find_address(c->text, c->len, rc->recipient)) >= c->len)
        return;
    head = c->len - p > TB_REASON_REACH ? p + TB_REASON_REACH : c->len;
    for (; p < head; p += next) {
        ll = tb_line(c->text, c->len, p, &next);
        if (tb_reason_label(c->text + p, ll, c->len - p) > 0)
            break;
    }
    if (p >= head)
        return;
    size_t e = p;
    for (; e < c->len && e - p < TB_BLOCK_MAX; e += next) {
        ll = tb_line(c->text, c->len, e, &next);
        if (tb_blank(c->text + e, ll) && e > p)
            break;
    }
    char d[TB_BLOCK_MAX];
    size_t dl = strlen(rc->diagnostic), n;
    if (dl + 1 >= sizeof d)
        return;
    memcpy(d, rc->diagnostic, dl);
    d[dl++] = ' ';
    n = hdr_unfold(c->text + p, e - p, d + dl, sizeof d - dl);
    /* not when the block holds it already */
    if (n == 0 || tb_holds(rc->diagnostic, dl - 1, d + dl, n < 24 ? n : 24))
        return;
    rbuild_drop(c->b, &rc->diagnostic);
    rbuild_str_nonul(c->b, &rc->diagnostic, d, dl + n);
}

/* Is the last line with text before text[pos] a label of recipients, a
 * line that names them and ends with ':' ("Recipient(s) not delivered:")?
 * Only TB_BLOCK_MAX bytes back are read. */
static bool tb_label_before(const struct tb_ctx *c, size_t pos)
{
    size_t from = pos > TB_BLOCK_MAX ? pos - TB_BLOCK_MAX : 0, e = pos;

    while (e > from && c->text[e - 1] != '\n' && c->text[e - 1] != '\r')
        e--; /* the start of the address's line */
    while (e > from && (c->text[e - 1] == '\n' || c->text[e - 1] == '\r' ||
                        c->text[e - 1] == ' ' || c->text[e - 1] == '\t'))
        e--; /* blank lines and blanks */
    if (e == from || c->text[e - 1] != ':')
        return false;
    size_t ls = tb_line_start(c->text, from, e - 1);
    return tb_find(c->text + ls, e - ls, "recipient") != NULL ||
           (tb_find_set(TB_SET_AT_LINE, c->text + ls, e - ls, false) &
            TB_RCPT_BITS) != 0;
}

/* Does a lone recipient's block say nothing of a failure, the recipient
 * being named by a label: "Recipient(s):  a@b" (a gateway's among the
 * fields of the message it blocked), its block d[0..dl) saying nothing;
 * or its address at the start of a line after a line of such a label, its
 * paragraph saying nothing (the paragraphs after it are the notice's)? */
static bool tb_labelled_only(const struct tb_ctx *c,
                             const struct report_rcpt *rc, const char *d,
                             size_t dl)
{
    size_t an = strlen(rc->recipient), pos, next = 0, ll;

    if ((tb_find_set(TB_SET_AT_LINE, d, dl < 24 ? dl : 24, false) &
         TB_RCPT_BITS) != 0 ||
        (c->relaxed && tb_echo_of(d, dl, TB_ECHO_TO_BIT)))
        return !tb_failure_line(d, dl);
    while (dl > 0 && (*d == ' ' || *d == '\t' || *d == '<'))
        d++, dl--;
    if (an == 0 || dl < an || strncasecmp(d, rc->recipient, an) != 0 ||
        (pos = tb_find_address(c->text, c->len, rc->recipient)) >= c->len ||
        !tb_label_before(c, pos))
        return false;
    bool para = true; /* in the address's paragraph */
    for (size_t p = pos; p < c->len && p - pos < TB_REASON_REACH; p += next) {
        ll = tb_line(c->text, c->len, p, &next);
        para = para && !tb_blank(c->text + p, ll);
        if ((para && tb_failure_line(c->text + p, ll)) ||
            tb_reason_label(c->text + p, ll, c->len - p) > 0)
            return false; /* its reason, or one tb_reason_paragraph() adds */
    }
    return true;
}

/* A lone recipient named by a label whose block says nothing of a failure
 * (tb_labelled_only()): what the notice says is its reason, its first
 * TB_BLOCK_MAX bytes. */
static void tb_notice_as_reason(struct tb_ctx *c, struct report_rcpt *rc)
{
    char d[TB_BLOCK_MAX];
    size_t dl;

    if (c->b->r->nrcpts != 1 || rc->reply_code != 0 ||
        rc->status[0] != '\0' || rc->diagnostic == NULL)
        return;
    dl = strlen(rc->diagnostic);
    if (!tb_labelled_only(c, rc, rc->diagnostic, dl))
        return;
    size_t n = hdr_unfold(c->text, c->len, d, sizeof d);
    rbuild_drop(c->b, &rc->diagnostic);
    rbuild_str_nonul(c->b, &rc->diagnostic, d, n);
}

/* A recipient with no code whose result a line of Sendmail's transcript
 * gives, its address followed by "... " ("<a@b>... Deferred: Connection
 * refused by mx.b."): that line is its diagnostic. */
static void tb_ellipsis_line(struct tb_ctx *c, struct report_rcpt *rc)
{
    size_t al = strlen(rc->recipient), from = 0, next;
    const char *m;

    if (al == 0 || rc->reply_code != 0 || rc->status[0] != '\0')
        return;
    while ((m = tb_find(c->text + from, c->len - from, rc->recipient)) !=
           NULL) {
        size_t i = (size_t)(m - c->text) + al;
        from = i;
        if (i < c->len && c->text[i] == '>')
            i++;
        if (c->len - i < 7 || memcmp(c->text + i, "... ", 4) != 0)
            continue;
        size_t ls = tb_line_start(c->text, 0, (size_t)(m - c->text));
        size_t ll = tb_line(c->text, c->len, ls, &next);
        rbuild_drop(c->b, &rc->diagnostic);
        rbuild_str(c->b, &rc->diagnostic, c->text + ls, ll);
        return;
    }
}

/* A recipient without any code: the first line of the notice with a reply
 * code that names it, or for a lone recipient any such line. */
#define TB_SECTION_LOOK 6 /* lines after a recipient's heading read for a
                             reply */

/* One of several recipients, with no code, whose section is headed by a
 * line that ends with its address and a ':' (Gmail's notices): the
 * first reply within TB_SECTION_LOOK lines after the heading, with the
 * lines before it, is its diagnostic, unless another recipient's line
 * comes first. */
static void tb_section_reply(struct tb_ctx *c, struct report_rcpt *rc)
{
    size_t al = strlen(rc->recipient), from = 0, p, next;
    const char *m;
    char a[ADDRSCAN_MAX];

    if (c->b->r->nrcpts < 2 || al == 0 || rc->reply_code != 0 ||
        rc->status[0] != '\0')
        return; /* a lone one: any reply of the notice (tb_complete()) */
    while ((m = tb_find(c->text + from, c->len - from, rc->recipient)) !=
           NULL) {
        size_t ls = tb_line_start(c->text, from, (size_t)(m - c->text));
        size_t ll = tb_line(c->text, c->len, ls, &next);
        from = p = ls + next; /* the line after it */
        if (!tb_heading_of(c->text + ls, ll, a) ||
            strcasecmp(a, rc->recipient) != 0)
            continue;
        for (size_t k = 0, q = p; k < TB_SECTION_LOOK && q < c->len; k++) {
            size_t n2, l2 = tb_line(c->text, c->len, q, &n2);
            if (tb_other_address(c, c->text + q, l2, rc->recipient))
                break; /* another recipient's section */
            if (tb_code(c->text + q, l2) != 0) {
                char d[TB_BLOCK_MAX];
                size_t dl = hdr_unfold(c->text + p, q + l2 - p, d, sizeof d);
                tb_codes(rc, c->text + q, l2);
                rbuild_drop(c->b, &rc->diagnostic);
                rbuild_str_nonul(c->b, &rc->diagnostic, d, dl);
                return;
            }
            q += n2;
        }
    }
}

/* How the line c[0..n), from its reply code on, goes on with a reply
 * whose code is code[0..3): not at all, with more lines after it
 * ("550-..."), or as its last line ("550 ...", "550"). */
enum tb_reply_line { TB_REPLY_NOT, TB_REPLY_MORE, TB_REPLY_LAST };

static enum tb_reply_line tb_reply_line(const char *c, size_t n,
                                        const char *code)
{
    if (n < 3 || memcmp(c, code, 3) != 0)
        return TB_REPLY_NOT;
    if (n == 3 || c[3] == ' ')
        return TB_REPLY_LAST;
    return c[3] == '-' ? TB_REPLY_MORE : TB_REPLY_NOT;
}

/* Length of the reply that starts at the line start ls (ll bytes, the
 * next line at ls + next): the line, or all the lines of a multi-line
 * reply that opens there ("550-5.7.25 ...", "550-5.7.25 ...", "550 5.7.25
 * ...", each with the same code, TB_REPLY_LINES at most), up to the end
 * of its last line; *after_r is where the line after it starts. */
static size_t tb_reply_span(const char *text, size_t len, size_t ls, size_t ll,
                            size_t next, size_t *after_r)
{
    size_t p = ls + next, span = ll, n2, a = tb_lead_blanks(text + ls, ll);
    const char *code = text + ls + a;

    *after_r = p;
    if (ll - a < 4 || !tb_is_code(code, ll - a, 0) || code[3] != '-')
        return ll;
    for (size_t n = 1; n < TB_REPLY_LINES && p < len; n++) {
        size_t l2 = tb_line(text, len, p, &n2);
        size_t b = tb_lead_blanks(text + p, l2);
        enum tb_reply_line k = tb_reply_line(text + p + b, l2 - b, code);
        if (k == TB_REPLY_NOT)
            break;
        span = p + l2 - ls;
        p += n2;
        *after_r = p;
        if (k == TB_REPLY_LAST)
            break;
    }
    return span;
}

/* The one reply of text[0..len) (or replies alike) that holds a reply code
 * and a failure status but no address: true with its start and length,
 * false when there is none or two differ.  A multi-line reply is one
 * (tb_reply_span()). */
static bool tb_lone_reply(const char *text, size_t len, size_t *fs_r,
                          size_t *fl_r)
{
    size_t p = 0, fs = 0, fl = 0, next;
    char st[16];

    while (p < len) {
        size_t i = tb_next45(text, p, len);
        if (i >= len)
            break;
        size_t ls = tb_line_start(text, p, i);
        size_t ll = tb_line(text, len, ls, &next);
        const char *line = text + ls;
        p = ls + next;
        if (tb_code(line, ll) == 0 || memchr(line, '@', ll) != NULL ||
            !tb_fail_status(line, ll, st, sizeof st))
            continue;
        ll = tb_reply_span(text, len, ls, ll, next, &p);
        if (memchr(line, '@', ll) != NULL)
            continue; /* a line after the first names one */
        if (fl > 0 && (ll != fl || memcmp(line, text + fs, ll) != 0))
            return false; /* two reasons */
        fs = ls;
        fl = ll;
    }
    *fs_r = fs;
    *fl_r = fl;
    return fl > 0;
}

/* The one reply of a notice that states a reason once for the list of
 * recipients after it ("Could not be delivered because of 550 5.1.1 User
 * unknown. The following recipients were affected: a@b c@d"): with several
 * recipients, none with a code of its own, and exactly one line (or lines
 * alike) holding a reply code and a failure status but no address, that
 * line is the diagnostic of each. */
static void tb_shared_reply(struct tb_ctx *c)
{
    struct report *r = c->b->r;
    char d[TB_BLOCK_MAX];
    size_t fs, fl, dl;

    if (r->nrcpts < 2)
        return;
    for (size_t i = 0; i < r->nrcpts; i++)
        if (r->rcpts[i].reply_code != 0 || r->rcpts[i].status[0] != '\0')
            return;
    if (!tb_lone_reply(c->text, c->len, &fs, &fl))
        return; /* none, or two reasons: whose is whose is not said */
    dl = hdr_unfold(c->text + fs, fl, d, sizeof d); /* read once, bounded */
    tb_codes(&r->rcpts[0], d, dl);
    for (size_t i = 0; i < r->nrcpts; i++) {
        struct report_rcpt *rc = &r->rcpts[i];
        if (i > 0)
            rbuild_codes(
                rc, r->rcpts[0].status[0] != '\0' ? r->rcpts[0].status : NULL,
                r->rcpts[0].reply_code);
        rbuild_drop(c->b, &rc->diagnostic);
        rbuild_str_nonul(c->b, &rc->diagnostic, d, dl);
    }
}

/* rc's codes and diagnostic from the reply whose line starts at ls (ll
 * bytes, the next at ls + next): all its lines when it has several
 * (tb_reply_span()), as one. */
static void tb_complete_reply(struct tb_ctx *c, struct report_rcpt *rc,
                              size_t ls, size_t ll, size_t next)
{
    size_t after, span = tb_reply_span(c->text, c->len, ls, ll, next, &after);
    char d[TB_BLOCK_MAX];

    tb_codes(rc, c->text + ls, ll);
    rbuild_drop(c->b, &rc->diagnostic);
    if (span == ll) {
        rbuild_str(c->b, &rc->diagnostic, c->text + ls, ll);
        return;
    }
    size_t dl = hdr_unfold(c->text + ls, span, d, sizeof d);
    rbuild_str_nonul(c->b, &rc->diagnostic, d, dl);
}

static void tb_complete(struct tb_ctx *c)
{
    struct report *r = c->b->r;

    /* each recipient costs one pass over the text: a few at most */
    for (size_t i = 0; i < r->nrcpts && i < TB_COMPLETE_MAX; i++) {
        struct report_rcpt *rc = &r->rcpts[i];
        size_t p = 0, ls, ll, alen = strlen(rc->recipient);
        if (rc->reply_code != 0 || rc->status[0] != '\0')
            continue;
        while (tb_45_line(c, &p, &ls, &ll)) {
            const char *line = c->text + ls;
            if (tb_code(line, ll) != 0 &&
                (r->nrcpts == 1 || tb_find(line, ll, rc->recipient) ||
                 alen == 0)) {
                tb_complete_reply(c, rc, ls, ll, p - ls);
                break;
            }
        }
        tb_section_reply(c, rc);
        tb_ellipsis_line(c, rc);
        tb_notice_as_reason(c, rc);
        tb_reason_paragraph(c, rc);
    }
    tb_shared_reply(c);
}

/* A notice says "failed" unless it says the mail is still being tried.
 * With c->family_r, the family phrases are looked for in the same pass
 * (textbounce_family()). */
/* Phrases that open a section of recipients whose delivery failed for
 * good, in a notice that also lists delayed ones (Gmail's "Delivery to
 * the following recipient failed permanently:"). */
static const char *const tb_final_words[] = {
    "failed permanently", "permanent failure", "permanently failed",
    "permanent fatal error", "permanent error",
    "permanent fatal delivery error",
    /* MDaemon's "YOU DO NOT NEED TO RESEND YOUR MESSAGE TO DELIVERED
     * RECIPIENTS": it does for the others, which failed */
    "resend your message to delivered recipients"};

/* The end of the last phrase of words[0..n) that lies in text[0..pos),
 * caselessly, or 0. */
static size_t tb_last_phrase(const char *text, size_t pos,
                             const char *const *words, size_t n)
{
    size_t last = 0;

    for (size_t i = 0; i < pos; i++) {
        char c = (char)(text[i] | 0x20);
        for (size_t k = 0; k < n; k++) {
            if (words[k][0] != c)
                continue;
            size_t l = strlen(words[k]);
            if (l <= pos - i && i + l > last &&
                strncasecmp(text + i, words[k], l) == 0)
                last = i + l;
        }
    }
    return last;
}

/* Where the address a first stands in text[0..len), caselessly, or len. */
static size_t tb_find_address(const char *text, size_t len, const char *a)
{
    const char *at = strchr(a, '@');
    size_t n = strlen(a), before = at != NULL ? (size_t)(at - a) : 0;

    if (at == NULL)
        return len;
    for (const char *p = text;
         (p = memchr(p, '@', len - (size_t)(p - text))) != NULL; p++) {
        size_t i = (size_t)(p - text);
        if (i >= before && len - (i - before) >= n &&
            strncasecmp(text + i - before, a, n) == 0)
            return i - before;
    }
    return len;
}

/* In a notice with delay phrases, does a section of final failures open
 * before the recipient a (after the last delay phrase before it)? */
static bool tb_final_section(const struct tb_ctx *c, const char *a)
{
    const size_t nf = sizeof tb_final_words / sizeof *tb_final_words;
    const size_t nd = sizeof tb_delay_words / sizeof *tb_delay_words;
    size_t pos = tb_find_address(c->text, c->len, a);
    size_t fin = tb_last_phrase(c->text, pos, tb_final_words, nf);

    return fin > 0 && fin > tb_last_phrase(c->text, pos, tb_delay_words, nd);
}

/* Did the recipient's own reply refuse it for good: a 5xx code, with no
 * status or one of class 5 (a delay notice may list such refusals beside
 * the addresses still tried)? */
static bool tb_refused_for_good(const struct report_rcpt *rc)
{
    return rc->reply_code >= 500 && rc->reply_code < 600 &&
           (rc->status[0] == '\0' || rc->status[0] == '5');
}

/* Did the recipient's own reply accept it: no failure code, and a
 * success reply, a 2xx code and its status ("250 2.0.0 Ok" in a report's
 * row; a status alone may be a version number)?  If so, they are the
 * recipient's. */
static bool tb_accepted(struct report_rcpt *rc)
{
    char st[16];
    size_t at;

    if (rc->reply_code != 0 || rc->status[0] != '\0' ||
        rc->diagnostic == NULL)
        return false;
    const char *d = rc->diagnostic;
    at = dsn_find_status(d, strlen(d), st, sizeof st);
    if (at == 0 || st[0] != '2')
        return false;
    at--; /* the status starts at d[at], after "250 " */
    if (at < 4 || d[at - 1] != ' ' || d[at - 4] != '2' || d[at - 3] < '0' ||
        d[at - 3] > '9' || d[at - 2] < '0' || d[at - 2] > '9' ||
        (at > 4 && d[at - 5] != ' '))
        return false;
    rc->reply_code = 200 + (d[at - 3] - '0') * 10 + (d[at - 2] - '0');
    snprintf(rc->status, sizeof rc->status, "%s", st);
    return true;
}

static const char *tb_action_of(const struct tb_ctx *c,
                                struct report_rcpt *rc, bool delay)
{
    if (tb_accepted(rc))
        return "delivered";
    if (!delay || tb_refused_for_good(rc) ||
        tb_final_section(c, rc->recipient))
        return "failed";
    return "delayed";
}

static void tb_actions(struct tb_ctx *c)
{
    bool delay = tb_delay(c);

    if (c->family_r != NULL)
        *c->family_r = tb_family_of(c->family_found);
    for (size_t i = 0; i < c->b->r->nrcpts; i++) {
        struct report_rcpt *rc = &c->b->r->rcpts[i];
        const char *a = tb_action_of(c, rc, delay);
        rbuild_str(c->b, &rc->action, a, strlen(a));
    }
}

/* All of c but its arrays (helpers[], at[]): 2 KB not written for
 * nothing. */
static void tb_ctx_init(struct tb_ctx *c, struct rbuild *b, const char *text,
                        size_t len, const struct textbounce_hints *h,
                        const char **family_r)
{
    c->b = b;
    c->text = text;
    c->len = len;
    c->h = h;
    c->relaxed = false;
    c->found = 0;
    c->prev = NULL;
    c->prev_len = 0;
    c->nhelpers = 0;
    c->nsenders = 0;
    c->family_r = family_r;
    c->delay = -1;
    c->family_found = 0;
    c->nat = 0;
    c->line = c->sent_by = (struct tb_memo){NULL, 0};
    c->own.key = NULL;
    c->nlist = c->list_next = c->nshare = 0;
    c->list_head = NULL;
    c->list_head_len = 0;
}

/* textbounce_recipients(), and with family_r != NULL,
 * textbounce_family() into *family_r when it returns true. */
#define TB_TRANSCRIPT_LOOK 3 /* lines after an RCPT command read for its
                                reply */

/* The reply after a transcript's reply marker in line[0..ll) ("<-- 250
 * 2.1.5 Ok", "<<< 550 5.1.1 ..."), of any class from 2 to 5: its offset,
 * or ll when there is none.  Only the first marker found, in the order
 * of marks[], is looked at. */
static size_t tb_session_reply(const char *line, size_t ll)
{
    static const char *const marks[] = {"<-- ", "<<< ", "<- "};
    const char *m;

    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if ((m = tb_find(line, ll, marks[k])) != NULL) {
            size_t at = (size_t)(m - line) + strlen(marks[k]);
            if (at + 3 <= ll && line[at] >= '2' && line[at] <= '5' &&
                line[at + 1] >= '0' && line[at + 1] <= '9' &&
                line[at + 2] >= '0' && line[at + 2] <= '9' &&
                (at + 3 == ll || line[at + 3] == ' ' || line[at + 3] == '-' ||
                 line[at + 3] == ')' || line[at + 3] == ']'))
                return at;
            return ll;
        }
    return ll;
}

/* Does line[0..ll) hold a transcript's command marker ("--> ", ">>> ")? */
static bool tb_session_command(const char *line, size_t ll)
{
    return tb_find(line, ll, "--> ") != NULL ||
           tb_find(line, ll, ">>> ") != NULL;
}

/* The recipient whose address the RCPT command in line[0..ll) names
 * ("--> RCPT To:<a@b>", ">>> RCPT TO:<a@b>"), or NULL. */
static struct report_rcpt *tb_rcpt_command(struct tb_ctx *c, const char *line,
                                           size_t ll)
{
    const char *m = ll >= 8 ? tb_find(line, ll, "rcpt to:") : NULL;
    size_t pos, s, l;
    char a[ADDRSCAN_MAX];

    if (m == NULL)
        return NULL;
    pos = (size_t)(m - line) + 8;
    if (!addrscan_next(line, ll, &pos, &s, &l) ||
        !addrscan_normalize(line + s, l, a, sizeof a))
        return NULL;
    for (size_t i = 0; i < c->b->r->nrcpts; i++)
        if (strcasecmp(c->b->r->rcpts[i].recipient, a) == 0)
            return &c->b->r->rcpts[i];
    return NULL;
}

/* The reply r[0..n) a transcript shows to rc's RCPT command: its
 * diagnostic and codes, and "delivered" when it accepted the address. */
static void tb_transcript_answer(struct tb_ctx *c, struct report_rcpt *rc,
                                 const char *r, size_t n)
{
    rc->reply_code = 0;
    rc->status[0] = '\0';
    tb_codes(rc, r, n);
    rbuild_drop(c->b, &rc->diagnostic);
    rbuild_str(c->b, &rc->diagnostic, r, n);
    if (r[0] == '2') { /* tb_session_reply(): a code starts r */
        rbuild_drop(c->b, &rc->action);
        rbuild_str(c->b, &rc->action, "delivered", 9);
    }
}

/* Several recipients of a session transcript ("--> RCPT To:<a@b>", then
 * "<-- 550 5.1.1 ..."): each takes the reply to its last RCPT command,
 * the literal record of its fate; one whose address was accepted was
 * delivered.  A lone recipient keeps the notice's reasons. */
static void tb_transcript(struct tb_ctx *c)
{
    size_t p = 0, next;
    const char *m;

    if (c->b->r->nrcpts < 2)
        return;
    /* from one RCPT command to the next: the lines between hold none */
    while (p < c->len &&
           (m = tb_find(c->text + p, c->len - p, "rcpt to:")) != NULL) {
        p = tb_line_start(c->text, p, (size_t)(m - c->text));
        size_t ll = tb_line(c->text, c->len, p, &next);
        struct report_rcpt *rc = tb_rcpt_command(c, c->text + p, ll);
        p += next;
        for (size_t q = p, k = 0; rc != NULL && k < TB_TRANSCRIPT_LOOK &&
                                  q < c->len;
             k++) {
            size_t n2, l2 = tb_line(c->text, c->len, q, &n2);
            size_t at = tb_session_reply(c->text + q, l2);
            if (at < l2) {
                tb_transcript_answer(c, rc, c->text + q + at, l2 - at);
                break;
            }
            if (tb_session_command(c->text + q, l2))
                break; /* the next command: no reply shown for this one */
            q += n2;
        }
    }
}

static bool tb_recipients(struct rbuild *b, const char *text, size_t len,
                          const struct textbounce_hints *h,
                          const char **family_r)
{
    struct tb_ctx c; /* helpers[] and at[] are read only as far as filled */
    size_t before = b->r->nrcpts;

    tb_ctx_init(&c, b, text, len, h, family_r);
    tb_sets_ready();
    tb_helpers(&c);
    tb_scan(&c);
    if (c.found == 0 && before == 0 && textbounce_signal(text, len, h)) {
        c.relaxed = true;
        c.prev = NULL;
        c.nlist = 0;
        c.list_head = NULL;
        tb_scan(&c);
    }
    if (b->r->nrcpts == 0)
        return false;
    tb_share(&c);
    tb_complete(&c);
    tb_transcript(&c);
    tb_actions(&c);
    return true;
}

bool textbounce_recipients(struct rbuild *b, const char *text, size_t len,
                           const struct textbounce_hints *h)
{
    return tb_recipients(b, text, len, h, NULL);
}

const char *textbounce_parse(struct rbuild *b, const char *text, size_t len,
                             const struct textbounce_hints *h)
{
    const char *family = NULL;

    if (!tb_recipients(b, text, len, h, &family))
        return NULL;
    return family;
}

bool textbounce_sender_role(const char *addr)
{
    return tb_sender_role(addr);
}

bool textbounce_signal(const char *text, size_t len,
                       const struct textbounce_hints *h)
{
    const char *s = h->subject != NULL ? h->subject : "";

    tb_sets_ready();
    if (h->from != NULL && tb_sender_role(h->from))
        return true;
    size_t sl = strlen(s);
    if (tb_has_any(TB_SET_SUBJECT, s, sl, sl))
        return true;
    /* the notice says so near its start */
    return tb_has_any(TB_SET_BODY, text, len, TB_HEAD_MAX);
}

/* Decoration before a marker phrase: " \t-=*_[(". */
static bool tb_marker_lead(char c)
{
    switch (c) {
    case ' ': case '\t': case '-': case '=': case '*': case '_': case '[':
    case '(':
        return true;
    default:
        return false;
    }
}

/* Letters a marker may start with, either case, and the lead bytes of
 * UTF-8 letters. */
static bool tb_marker_first(char c)
{
    if ((unsigned char)c >= 0x80)
        return true;
    switch (tb_lower(c)) {
    case 'b': case 'c': case 'e': case 'h': case 'i': case 'm': case 'o':
    case 'r': case 't': case 'u':
        return true;
    default:
        return false;
    }
}

/* Does the line start, after decoration, with a marker phrase? */
/* Does a marker's line announce facts about the original rather than the
 * original itself ("原邮件信息：", "Original message details:")?  Its
 * time, subject and recipient come next, and the reason may follow them. */
static bool tb_summary(const char *s, size_t len)
{
    static const char *const words[] = {
        "\xe4\xbf\xa1\xe6\x81\xaf", "\xe8\xb3\x87\xe8\xa8\x8a",
        "\xe8\xaf\xa6\xe6\x83\x85", "\xe8\xa9\xb3\xe6\x83\x85",
        "details", "summary", "information"};

    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (tb_find(s, len, words[k]) != NULL)
            return true;
    return false;
}

static bool tb_marker(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && tb_marker_lead(s[i]))
        i++;
    if (i >= len || !tb_marker_first(s[i]))
        return false; /* no marker starts otherwise */
    return tb_starts_set(TB_SET_MARK, s + i, len - i) &&
           !tb_summary(s + i, len - i);
}

/* Does s[0..len), after blanks, start with a date ("Thu, 13 Nov ...",
 * "13 Nov ...", "2025-11-13")?  A notice's summary of the mail it
 * stopped ("Received:  Thu, 13 Nov 2025 ..."), not a trace header, whose
 * value starts with "from", "by", "(" or "with". */
static bool tb_date_after(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && s[i] >= '0' && s[i] <= '9')
        return true;
    return len - i >= 5 && tb_ascii_letter(s[i]) &&
           tb_ascii_letter(s[i + 1]) && tb_ascii_letter(s[i + 2]) &&
           s[i + 3] == ',' && s[i + 4] == ' ';
}

static bool tb_orig_start(const char *s, size_t len)
{
    if (len == 0 || tb_lower(s[0]) != 'r')
        return false;
    return (len > 9 && strncasecmp(s, "Received:", 9) == 0 &&
            !tb_date_after(s + 9, len - 9)) ||
           (len > 12 && strncasecmp(s, "Return-Path:", 12) == 0);
}

/* May a line that starts with c start the original or a marker?  Not
 * unless c is a marker's decoration (tb_marker_lead()) or first letter
 * (tb_marker_first(), 'r' among them for tb_orig_start(), and any byte
 * of a UTF-8 sequence): one bit of a mask, of the ASCII bytes below '@' by
 * value, of those above by their low five bits ('[' and '_' share theirs
 * with '{' and DEL, which are then let through to the full test as
 * well). */
static bool tb_cut_candidate(unsigned char c)
{
    const uint64_t low = (1ull << ' ') | (1ull << '\t') | (1ull << '-') |
                         (1ull << '=') | (1ull << '*') | (1ull << '(');
    const uint32_t high = (1u << ('b' & 31)) | (1u << ('c' & 31)) |
                          (1u << ('e' & 31)) | (1u << ('h' & 31)) |
                          (1u << ('i' & 31)) | (1u << ('m' & 31)) |
                          (1u << ('o' & 31)) | (1u << ('r' & 31)) |
                          (1u << ('t' & 31)) | (1u << ('u' & 31)) |
                          (1u << ('[' & 31)) | (1u << ('_' & 31));

    if (c < 0x40)
        return (low >> c) & 1;
    return c >= 0x80 || ((high >> (c & 31)) & 1);
}

/* textbounce_cut() over the lines that start before limit: when no line
 * there starts the original, the offset of the first line at or past
 * limit (or len) comes back. */
static size_t tb_cut(const char *text, size_t len, size_t limit,
                     size_t *orig_r)
{
    size_t p = 0, next;
    bool said = false; /* a line of text before */

    *orig_r = len;
    while (p < len && p < limit) {
        size_t ll = tb_line(text, len, p, &next);
        if (!tb_cut_candidate((unsigned char)text[p])) {
            said = said || ll > 0; /* a line holds no CR or LF */
            p += next; /* most lines: neither test can hold */
            continue;
        }
        if (tb_orig_start(text + p, ll)) {
            *orig_r = p;
            return p;
        }
        /* a marker as the notice's first line is its title ("Undelivered
         * message", an HTML notice's <title>), not the original's start */
        if (said && tb_marker(text + p, ll)) {
            size_t q = p + next, n2;
            for (int k = 0; k < 4 && q < len; k++) { /* skip blank lines */
                size_t l2 = tb_line(text, len, q, &n2);
                if (!tb_blank(text + q, l2)) {
                    if (memchr(text + q, ':', l2) != NULL)
                        *orig_r = q;
                    break;
                }
                q += n2;
            }
            return p;
        }
        said = said || !tb_blank(text + p, ll);
        p += next;
    }
    return p;
}

size_t textbounce_cut(const char *text, size_t len, size_t *orig_r)
{
    tb_sets_ready();
    return tb_cut(text, len, len, orig_r);
}

const char *textbounce_notice_family(const char *text, size_t len)
{
    size_t ends[TB_SET_MAX], orig, cut;

    tb_sets_ready();
    uint64_t found = tb_find_set_ends(TB_SET_FAMILY, text,
                                      len < TB_HEAD_MAX ? len : TB_HEAD_MAX,
                                      false, ends);

    /* textbounce_family() of the text before the cut: the first family
     * listed whose phrase ends before the cut.  The cut is looked for
     * only as far as that phrase's end: a signature comes early, the
     * returned original late. */
    if (found == 0)
        return "text";
    unsigned k = (unsigned)__builtin_ctzll(found);
    if ((cut = tb_cut(text, len, ends[k], &orig)) >= ends[k])
        return tb_families[k].name;
    for (found &= found - 1; found != 0; found &= found - 1) {
        k = (unsigned)__builtin_ctzll(found); /* the cut is known now */
        if (ends[k] <= cut)
            return tb_families[k].name;
    }
    return "text";
}

/* The server reply after a transcript marker in line[0..ll): its offset,
 * or ll when the line holds none with a 4xx or 5xx code. */
static size_t tb_marked_reply(const char *line, size_t ll)
{
    size_t at = tb_session_reply(line, ll);

    return at < ll && tb_is_code(line, ll, at) ? at : ll;
}

/* Appends line[0..ll) to out (*used of cap bytes), after a space when
 * out is not empty; cut short when full. */
static void tb_append(char *out, size_t cap, size_t *used, const char *line,
                      size_t ll)
{
    if (*used > 0 && *used + 1 < cap)
        out[(*used)++] = ' ';
    size_t n = cap - 1 - *used < ll ? cap - 1 - *used : ll;
    memcpy(out + *used, line, n);
    *used += n;
    out[*used] = '\0';
}

size_t textbounce_lone_reply(const char *text, size_t len, char *out,
                             size_t cap)
{
    size_t fs, fl;

    out[0] = '\0';
    tb_sets_ready();
    return tb_lone_reply(text, len, &fs, &fl)
               ? hdr_unfold(text + fs, fl, out, cap)
               : 0;
}

/* The reply whose first line is text[p..p+ll) from its code at p + at,
 * with the lines after it that go on with the same code (each after a
 * marker when the first has one: tb_marked_reply()), copied into out as
 * textbounce_transcript_reply() says; *p_r is set past its last line. */
static size_t tb_collect_reply(const char *text, size_t len, size_t p,
                               size_t at, bool marked, char *out, size_t cap,
                               size_t *p_r)
{
    size_t next, used = 0, ll = tb_line(text, len, p, &next);
    const char *code = text + p + at;
    /* "550-": continuation lines follow, with the same code again */
    bool more = tb_reply_line(code, ll - at, code) == TB_REPLY_MORE;

    tb_append(out, cap, &used, code, ll - at);
    for (p += next; p < len && more; p += next) {
        size_t ql = tb_line(text, len, p, &next);
        size_t qa = marked ? tb_marked_reply(text + p, ql)
                           : tb_lead_blanks(text + p, ql);
        enum tb_reply_line k = qa < ql
                                   ? tb_reply_line(text + p + qa, ql - qa, code)
                                   : TB_REPLY_NOT;
        if (k == TB_REPLY_NOT)
            break;
        more = k == TB_REPLY_MORE;
        tb_append(out, cap, &used, text + p + qa, ql - qa);
    }
    *p_r = p;
    return used;
}

size_t textbounce_transcript_reply(const char *text, size_t len, char *out,
                                   size_t cap)
{
    size_t p = 0, next, used = 0;

    out[0] = '\0';
    while (p < len) {
        size_t ll = tb_line(text, len, p, &next);
        size_t at = tb_marked_reply(text + p, ll);
        if (at < ll) /* a later failure replaces an earlier one */
            used = tb_collect_reply(text, len, p, at, true, out, cap, &p);
        else
            p += next;
    }
    return used;
}

bool textbounce_reply_cut(const char *diag)
{
    const char *d = diag;

    while (*d == ' ')
        d++;
    if (!tb_is_code(d, strlen(d), 0) || d[3] != '-')
        return false;
    for (const char *q = d + 4; (q = strchr(q, ' ')) != NULL; q++)
        if (strncmp(q + 1, d, 3) == 0 && (q[4] == ' ' || q[4] == '\0'))
            return false; /* its last line is there */
    return true;
}

size_t textbounce_whole_reply(const char *text, size_t len, const char *first,
                              char *out, size_t cap)
{
    size_t p = 0, next, fl = strlen(first);
    char line[TB_BLOCK_MAX];

    out[0] = '\0';
    while (fl >= 4 && p < len) {
        size_t ll = tb_line(text, len, p, &next);
        size_t at = tb_marked_reply(text + p, ll);
        bool marked = at < ll;
        if (!marked)
            at = tb_lead_blanks(text + p, ll);
        if (ll - at >= 4 && memcmp(text + p + at, first, 4) == 0 &&
            hdr_unfold(text + p + at, ll - at, line, sizeof line) == fl &&
            memcmp(line, first, fl) == 0) {
            char whole[TB_BLOCK_MAX];
            size_t used = tb_collect_reply(text, len, p, at, marked, whole,
                                           sizeof whole, &p);
            size_t n = hdr_unfold(whole, used, line, sizeof line);
            if (n > fl) { /* unfolded, as the first line was */
                n = n < cap ? n : cap - 1;
                memcpy(out, line, n);
                out[n] = '\0';
                return n;
            }
            continue;
        }
        p += next;
    }
    return 0;
}

/*
 * fuzz_rules.c - libFuzzer target for the rules loader and the reply
 * classifier.  Each input is used three ways:
 *   1. as a whole rules file (rules_load_buffer, rules_finish), and when it
 *      loads, classifies a few fixed replies with it;
 *   2. its first line as the regex of one text rule (caseless, so that
 *      simple branches are decided by their strings alone, and as written),
 *      the rest as a text: the literals must never change the decision (a
 *      rule matches with them exactly when it matches without), else abort;
 *   3. as an SMTP reply / diagnostic, classified with a small fixed rule
 *      set (reply_parse() and the matcher see arbitrary bytes).
 * Everything is freed: leaks are findings too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/classify.h"
#include "core/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_rules[] =
    "unknown user_unknown text=/user unknown|no such (user|mailbox)/i\n"
    "full mailbox_full status=?.2.2\n"
    "spam spam_detected class=5 text=/spam(haus)?|\\bube\\b/i\n"
    "moved has_moved code=551\n";

static const char *const replies[] = {
    "550 5.1.1 user unknown",
    "452 4.2.2 mailbox full",
    "550-5.7.1 blocked\r\n550 5.7.1 using spamhaus",
    "",
};

static struct classify_rules *load(const char *buf, size_t len)
{
    struct classify_rules *rs = NULL;
    char *err = NULL;

    if (rules_load_buffer(&rs, "fuzz", buf, len, &err) < 0 ||
        rules_finish(rs, &err) < 0) {
        classify_rules_free(&rs);
        rs = NULL;
    }
    free(err);
    return rs;
}

static void as_rules_file(const char *buf, size_t len)
{
    struct classify_rules *rs = load(buf, len);
    struct verdict v;

    if (rs == NULL)
        return;
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++)
        classify_reply(rs, replies[i], strlen(replies[i]), NULL, 0, NULL, &v);
    classify_rules_free(&rs);
}

/* One text rule of regex re[0..relen) with the flags ("i" or ""), matched
 * against text[0..tlen) with and without the literals. */
static void literals_agree(const char *re, size_t relen, const char *flags,
                           const char *text, size_t tlen)
{
    char *line = malloc(relen + 64);
    struct classify_rules *rs;
    int n;

    if (line == NULL)
        return;
    memcpy(line, "f user_unknown text=/", 21);
    memcpy(line + 21, re, relen);
    n = snprintf(line + 21 + relen, 8, "/%s\n", flags);
    rs = load(line, 21 + relen + (size_t)n);
    free(line);
    if (rs == NULL)
        return;
    struct rules_scratch *sc = rules_scratch_new(rs);
    struct rules_subject s = {.text = text, .len = tlen, .status = ""};
    struct rule_info a, b;
    if (sc != NULL &&
        rules_match(rs, sc, &s, false, &b) != rules_match(rs, sc, &s, true, &a))
        abort(); /* the literals changed the decision */
    rules_scratch_free(&sc);
    classify_rules_free(&rs);
}

static void prefilter_invariant(const char *buf, size_t len)
{
    const char *nl = memchr(buf, '\n', len);
    size_t relen = nl ? (size_t)(nl - buf) : len;
    const char *text = nl ? nl + 1 : "";
    size_t tlen = nl ? len - relen - 1 : 0;

    if (memchr(buf, '\0', relen) != NULL)
        return;
    literals_agree(buf, relen, "i", text, tlen);
    literals_agree(buf, relen, "", text, tlen);
}

static void as_reply(const char *buf, size_t len)
{
    struct classify_rules *rs = load(fixed_rules, sizeof fixed_rules - 1);
    struct verdict v;

    classify_reply(rs, buf, len, NULL, 0, NULL, &v);
    classify_reply(rs, buf, len, "5.0.0", 550, "delayed", &v);
    classify_rules_free(&rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;

    if (size > 65536)
        size = 65536;
    as_rules_file(buf, size);
    prefilter_invariant(buf, size);
    as_reply(buf, size);
    return 0;
}

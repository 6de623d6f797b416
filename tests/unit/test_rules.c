/*
 * test_rules.c - the rules file: FILE:LINE errors for every kind of bad
 * line, override by id, first match wins, each condition, bucket and auth
 * overrides, globs, and the literal prefilter never changing a decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/classify.h"
#include "core/rules.h"

static struct classify_rules *load(const char *text, char **err_r)
{
    struct classify_rules *rs = NULL;

    *err_r = NULL;
    if (rules_load_buffer(&rs, "test", text, strlen(text), err_r) < 0 ||
        rules_finish(rs, err_r) < 0) {
        classify_rules_free(&rs);
        return NULL;
    }
    return rs;
}

struct bad_case {
    const char *text;
    const char *error; /* expected start of the error */
};

static const struct bad_case bad[] = {
    {"x\n", "test:1: rule 'x' has no reason"},
    {"x no_such_reason\n", "test:1: unknown reason 'no_such_reason'"},
    {"x user_unknown text=/(unclosed/i\n", "test:1: text: bad regex at offset"},
    {"a user_unknown\na user_unknown\n",
     "test:2: duplicate rule id 'a' (first defined at line 1)"},
    {"bad!id user_unknown\n", "test:1: bad rule id"},
    {"x user_unknown status=5.x.1\n", "test:1: status: bad pattern list"},
    {"x user_unknown code=5a0\n", "test:1: code: bad pattern list"},
    {"x user_unknown foo=bar\n", "test:1: unknown condition 'foo'"},
    {"x user_unknown status=5.* status=4.*\n", "test:1: status: given twice"},
    {"x user_unknown code=55? code=4*\n", "test:1: code: given twice"},
    {"x user_unknown status\n", "test:1: expected key=value"},
    {"x user_unknown bucket=maybe\n", "test:1: bucket: expected hard"},
    {"x user_unknown action=bounced\n", "test:1: action: unknown action"},
    {"x user_unknown class=7\n", "test:1: class: expected 2, 3, 4 or 5"},
    {"x user_unknown auth=perhaps\n", "test:1: auth: expected yes or no"},
    {"x user_unknown text=/a/q\n", "test:1: text: unknown flag 'q'"},
    {"x user_unknown text=abc\n", "test:1: text: expected /REGEX/FLAGS"},
    {"x user_unknown text=//\n", "test:1: text: empty regex"},
    {"# comment\n\n   \nx bad\n", "test:4: unknown reason 'bad'"},
};

static void load_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *err = NULL;
        struct classify_rules *rs = load(bad[i].text, &err);
        if (rs != NULL || err == NULL ||
            strncmp(err, bad[i].error, strlen(bad[i].error)) != 0)
            fail_msg("\"%s\": got \"%s\", want \"%s...\"", bad[i].text,
                     err ? err : "(no error)", bad[i].error);
        free(err);
    }
}

static void long_line_and_nul(void **state)
{
    char *big = malloc(RULES_LINE_MAX + 64), *err = NULL;

    (void)state;
    assert_non_null(big);
    memset(big, 'a', RULES_LINE_MAX + 10);
    big[RULES_LINE_MAX + 10] = '\0';
    assert_null(load(big, &err));
    assert_string_equal(err, "test:1: line longer than 4096 bytes");
    free(err);
    free(big);
    struct classify_rules *rs = NULL;
    assert_int_equal(rules_load_buffer(&rs, "test", "x user\0_unknown", 15,
                                       &err), -1);
    assert_string_equal(err, "test:1: NUL byte in line");
    free(err);
    classify_rules_free(&rs);
}

static void classify_text(const struct classify_rules *rs, const char *text,
                          const char *status, int code, const char *action,
                          struct verdict *v)
{
    classify_reply(rs, text, strlen(text), status, code, action, v);
}

static void override_by_id(void **state)
{
    struct classify_rules *rs = NULL;
    char *err = NULL;
    const char *local = "same mailbox_full text=/user unknown/i\n"
                        "extra vacation text=/out of office/\n";
    const char *shipped = "first user_unknown text=/nobody/\n"
                          "same user_unknown text=/user unknown/i\n";
    struct verdict v;

    (void)state;
    assert_int_equal(rules_load_buffer(&rs, "local", local, strlen(local),
                                       &err), 0);
    assert_int_equal(rules_load_buffer(&rs, "shipped", shipped,
                                       strlen(shipped), &err), 0);
    assert_int_equal(rules_finish(rs, &err), 0);
    assert_int_equal(classify_rules_count(rs), 3); /* shipped "same" gone */
    classify_text(rs, "550 User Unknown", NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "same");
    assert_string_equal(v.reason, "mailbox_full");
    classify_text(rs, "550 nobody", NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "first");
    classify_rules_free(&rs);
    assert_null(rs);
}

static void conditions(void **state)
{
    char *err = NULL;
    const char *text =
        "act  mailbox_full   action=delayed\n"
        "st   has_moved      status=5.1.6,5.7.1?\n"
        "code no_mx          code=55?\n"
        "cls  system_error   class=4\n"
        "both user_unknown   status=5.1.* text=/gone/\n"
        "ovr  user_unknown   bucket=soft auth=yes text=/soft please/\n"
        "any  policy\n";
    struct classify_rules *rs = load(text, &err);
    struct verdict v;

    (void)state;
    assert_non_null(rs);
    classify_text(rs, "whatever", "5.1.1", 550, "delayed", &v);
    assert_string_equal(v.rule, "act");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_text(rs, "x", "5.7.17", 0, "failed", &v);
    assert_string_equal(v.rule, "st");
    classify_text(rs, "x", "5.7.1", 0, "failed", &v);
    assert_string_equal(v.rule, "any"); /* 5.7.1? needs one more char */
    classify_text(rs, "x", NULL, 554, NULL, &v);
    assert_string_equal(v.rule, "code");
    classify_text(rs, "421 busy", NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "cls");
    classify_text(rs, "it is gone", "5.1.3", 0, NULL, &v);
    assert_string_equal(v.rule, "both");
    classify_text(rs, "it is gone", "5.2.3", 0, NULL, &v);
    assert_string_equal(v.rule, "any");
    classify_text(rs, "soft please", NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "ovr");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    assert_true(v.auth);
    classify_rules_free(&rs);
}

/* An auto-reply's text (action "autoreplied") is read by the rules that
 * name that action, and by no other. */
static void autoreplied_reads_only_its_rules(void **state)
{
    char *err = NULL;
    const char *text = "plain user_unknown text=/gone/\n"
                       "ar mailbox_disabled action=autoreplied "
                       "text=/not delivered/\n"
                       "any policy\n";
    struct classify_rules *rs = load(text, &err);
    struct verdict v;

    (void)state;
    assert_non_null(rs);
    classify_text(rs, "gone, not delivered", NULL, 0, "autoreplied", &v);
    assert_string_equal(v.rule, "ar");
    classify_text(rs, "it is gone", NULL, 0, "autoreplied", &v);
    assert_true(strncmp(v.rule, "builtin.", 8) == 0);
    classify_text(rs, "not delivered", NULL, 0, "failed", &v);
    assert_string_equal(v.rule, "any");
    classify_text(rs, "gone", NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "plain");
    classify_rules_free(&rs);
}

static void invariants(void **state)
{
    char *err = NULL;
    struct classify_rules *rs = load("dead user_unknown text=/dead/\n", &err);
    struct verdict v;

    (void)state;
    /* a temporary failure is never hard */
    classify_text(rs, "450 4.1.1 dead", NULL, 0, NULL, &v);
    assert_string_equal(v.reason, "user_unknown");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_text(rs, "550 5.1.1 dead", NULL, 0, "delayed", &v);
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_text(rs, "550 5.1.1 dead", NULL, 0, "failed", &v);
    assert_int_equal(v.bucket, BUCKET_HARD);
    /* a 4xx code whatever its status; a DSN's Status 4.x.x, unless its
     * Action says it failed */
    classify_text(rs, "450 5.1.1 dead", NULL, 0, NULL, &v);
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_text(rs, "550 5.1.1 dead", "4.0.0", 0, NULL, &v);
    assert_string_equal(v.status, "5.1.1");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_text(rs, "550 5.1.1 dead", "4.0.0", 0, "failed", &v);
    assert_int_equal(v.bucket, BUCKET_HARD);
    /* no rule: undetermined, soft, and the built-in rule named */
    classify_text(rs, "550 5.1.1 what", NULL, 0, NULL, &v);
    assert_string_equal(v.reason, "undetermined");
    assert_string_equal(v.rule, "builtin.default");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    /* the structured status wins over a vague one in the text */
    classify_text(rs, "550 5.0.0 what", "5.2.2", 0, NULL, &v);
    assert_string_equal(v.status, "5.2.2");
    /* a vague structured status yields to the text's */
    classify_text(rs, "550 5.1.1 what", "5.0.0", 0, NULL, &v);
    assert_string_equal(v.status, "5.1.1");
    assert_int_equal(v.reply_code, 550);
    classify_rules_free(&rs);
}

/* A catastrophic regex hits the match limit and does not match. */
static void match_limit(void **state)
{
    char *err = NULL, text[64];
    struct classify_rules *rs = load("bad policy text=/(a+)+$/\n", &err);
    struct verdict v;

    (void)state;
    assert_non_null(rs);
    memset(text, 'a', 40);
    strcpy(text + 40, "!");
    classify_text(rs, text, NULL, 0, NULL, &v);
    assert_string_equal(v.rule, "builtin.default");
    classify_rules_free(&rs);
}

static void globs(void **state)
{
    (void)state;
    assert_true(rules_glob("5.1.*", "5.1.10"));
    assert_true(rules_glob("?.7.26", "4.7.26"));
    assert_false(rules_glob("?.7.26", "4.7.260"));
    assert_true(rules_glob("5.7.6??", "5.7.606"));
    assert_false(rules_glob("5.7.6??", "5.7.6"));
    assert_true(rules_glob("*", ""));
    assert_true(rules_glob("5*1", "5.1.1"));
    assert_false(rules_glob("55?", "45"));
}

/* status= and code= conditions decide as rules_glob() does, for globs
 * with and without '*' and strings of every length around theirs. */
static void condition_globs_agree_with_rules_glob(void **state)
{
    static const char *const globs[] = {"5.7.6??", "?.7.26", "5.1.*",
                                        "5.1.1",   "?.?.?",  "55?",
                                        "4*",      "5.10.?", "5.?0.1"};
    static const char *const strs[] = {
        "5.7.6", "5.7.60", "5.7.606", "5.7.6060", "4.7.26", "5.7.260",
        "5.1.1", "5.1.10", "5.1",     "2.0.0",    "550",    "55",
        "5500",  "421",    "4",       "5.1.1.1",  "5.7.26", "5.10.1",
        "5.10.", "5.00.1", "5.0.1"};
    char line[128], *err = NULL;

    (void)state;
    for (size_t g = 0; g < sizeof globs / sizeof globs[0]; g++) {
        bool code = strchr(globs[g], '.') == NULL;
        snprintf(line, sizeof line, "r policy %s=%s\n",
                 code ? "code" : "status", globs[g]);
        struct classify_rules *rs = load(line, &err);
        assert_non_null(rs);
        struct rules_scratch *sc = rules_scratch_new(rs);
        assert_non_null(sc);
        for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
            bool num = strchr(strs[i], '.') == NULL;
            if (num != code)
                continue;
            struct rules_subject s = {.text = "", .status = ""};
            struct rule_info ri;
            if (code)
                s.code = atoi(strs[i]);
            else
                s.status = strs[i];
            bool want = code && (s.code < 100 || s.code > 999)
                            ? false
                            : rules_glob(globs[g], strs[i]);
            if (rules_match(rs, sc, &s, true, &ri) != want)
                fail_msg("%s=%s on %s: expected %d", code ? "code" : "status",
                         globs[g], strs[i], (int)want);
        }
        rules_scratch_free(&sc);
        classify_rules_free(&rs);
    }
}

/* Class and action conditions for every class a reply code may give
 * (1..9 without a status) and every action, decided the same with and
 * without the prefilter's index. */
static void class_and_action_of_any_reply(void **state)
{
    static const char rules[] = "c2 policy class=2\n"
                                "c45 network class=4,5 action=delayed\n"
                                "af system_error action=failed,none\n"
                                "ar vacation action=autoreplied\n"
                                "any undetermined text=/./\n";
    static const int codes[] = {0, 150, 250, 350, 450, 550, 650, 750, 999};
    static const char *const actions[] = {
        NULL,       "failed",    "delayed",     "relayed",
        "expanded", "delivered", "autoreplied", "other"};
    char *err = NULL;
    struct classify_rules *rs = load(rules, &err);

    (void)state;
    assert_non_null(rs);
    struct rules_scratch *sc = rules_scratch_new(rs);
    assert_non_null(sc);
    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
        for (size_t a = 0; a < sizeof actions / sizeof actions[0]; a++) {
            struct rules_subject s = {.text = "x", .len = 1, .status = "",
                                      .code = codes[c], .action = actions[a]};
            struct rule_info x, y;
            bool mx = rules_match(rs, sc, &s, true, &x);
            bool my = rules_match(rs, sc, &s, false, &y);
            assert_true(mx && my);
            if (strcmp(x.id, y.id) != 0)
                fail_msg("code %d action %s: %s with the index, %s without",
                         codes[c], actions[a] ? actions[a] : "(none)", x.id,
                         y.id);
        }
    rules_scratch_free(&sc);
    classify_rules_free(&rs);
}

/* Texts run through the shipped rules with and without the prefilter. */
static const char *const texts[] = {
    "550 5.1.1 user unknown", "552 5.2.2 Mailbox full", "user  unknown",
    "550 5.7.1 blocked using zen.spamhaus.org", "421 4.7.0 try again later",
    "554 5.7.1 Message rejected: spam or virus", "550 SPF check failed",
    "550-5.7.26 This mail is unauthenticated",
    "550 Requested action not taken: mailbox unavailable",
    "Host or domain name not found. Name service error for name=x type=A",
    "connect to mx.example[192.0.2.1]:25: Connection timed out",
    "550 5.7.1 Relay access denied", "553 sorry, that domain isn't in my "
                                     "list of allowed rcpthosts",
    "The user you are trying to contact is receiving mail at a rate that "
    "prevents additional messages from being delivered",
    "Diagnostic: unknown USERs", "quota", "", "x",
    "550 5.1.1 <a@b>... User Unknown (in reply to end of DATA command)",
};

/* The path of the shipped rules file of the source tree, into path. */
static void shipped_rules_path(char *path, size_t size)
{
    const char *top = getenv("top_srcdir");

    snprintf(path, size, "%s/conf/rules.conf", top ? top : TOP_SRCDIR);
}

/* The shipped rules file of the source tree, loaded or the test fails. */
static struct classify_rules *load_shipped_rules(void)
{
    char path[4096], *err = NULL;
    const char *paths[1] = {path};
    struct classify_rules *rs = NULL;

    shipped_rules_path(path, sizeof path);
    if (classify_rules_load(paths, 1, &rs, &err) < 0)
        fail_msg("%s", err);
    return rs;
}

static void prefilter_never_changes_a_decision(void **state)
{
    struct classify_rules *rs = load_shipped_rules();
    size_t with_lits = 0, with_text = 0;

    (void)state;
    struct rules_scratch *sc = rules_scratch_new(rs);
    assert_non_null(sc);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct rules_subject s = {.text = texts[i], .len = strlen(texts[i]),
                                  .status = ""};
        struct rule_info a, b;
        bool ma = rules_match(rs, sc, &s, true, &a);
        bool mb = rules_match(rs, sc, &s, false, &b);
        assert_int_equal(ma, mb);
        if (ma && strcmp(a.id, b.id) != 0)
            fail_msg("\"%s\": %s with the prefilter, %s without", texts[i],
                     a.id, b.id);
    }
    for (size_t i = 0; i < classify_rules_count(rs); i++) {
        struct rule_info ri;
        assert_true(rules_at(rs, i, &ri));
        if (rules_prefilter_literals(rs, i) > 0)
            with_lits++;
    }
    with_text = with_lits;
    /* most text rules must be prefiltered, or the prefilter is useless */
    print_message("# %zu of %zu rules prefiltered by literals\n", with_text,
                  classify_rules_count(rs));
    assert_true(with_lits * 3 >= classify_rules_count(rs));
    rules_scratch_free(&sc);
    classify_rules_free(&rs);
}

/* Every text rule of the shipped file is prefiltered by literals: one that
 * is not (too many top-level branches to split, no literal found) runs
 * its regex on every text, which costs the benchmark a sixth. */
static void shipped_text_rules_are_prefiltered(void **state)
{
    struct classify_rules *rs = load_shipped_rules();
    char path[4096], line[RULES_LINE_MAX + 2];

    (void)state;
    shipped_rules_path(path, sizeof path);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t checked = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        size_t n = strcspn(line, " \t");
        if (line[0] == '#' || n == 0 || strstr(line, " text=/") == NULL)
            continue;
        line[n] = '\0';
        for (size_t i = 0; i < classify_rules_count(rs); i++) {
            struct rule_info ri;
            assert_true(rules_at(rs, i, &ri));
            if (strcmp(ri.id, line) != 0)
                continue;
            if (rules_prefilter_literals(rs, i) == 0)
                fail_msg("rule %s runs its regex on every text", line);
            checked++;
        }
    }
    fclose(fp);
    print_message("# %zu text rules, all prefiltered\n", checked);
    assert_true(checked > 50);
    classify_rules_free(&rs);
}

static void literal_extraction_is_safe(void **state)
{
    /* regexes whose literals must not exclude a matching text */
    static const struct {
        const char *re, *text;
    } cases[] = {
        {"users? unknown", "user unknown"},
        {"mail(box)? full", "mail full"},
        {"over ?quota", "overquota"},
        {"no such (user|mailbox)", "no such mailbox"},
        {"a\\.b\\.c|xyz", "a.b.c"},
        {"[Uu]ser unknown", "User unknown"},
        {"quota(?: exceeded)?", "quota"},
        {"(?i)MAILBOX", "mailbox"},
        {"ab{0,2}cdef", "acdef"},
        {"\\bspf\\b", "spf"},
        {"(mailbox|folder) (is )?full", "folder full"},
        {"(?:abc|def)x", "defx"},
        {"(ab|cd)", "cd"},
        {"(mailbox )?full of stuff", "full of stuff"},
        {"x(y(zzz|www)+)q", "xywwwq"},
        {"(?<!not )listed", "listed"},
        {"(*ACCEPT)abcdef", "zzz"},
        {"abc(*ACCEPT)def", "abc"},
        {"x{,3}yz", "x{,3}yz"},
    };
    char line[256], *err = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(line, sizeof line, "r user_unknown text=/%s/\n",
                 cases[i].re);
        struct classify_rules *rs = load(line, &err);
        if (rs == NULL)
            fail_msg("%s", err);
        struct rules_scratch *sc = rules_scratch_new(rs);
        struct rules_subject s = {.text = cases[i].text,
                                  .len = strlen(cases[i].text),
                                  .status = ""};
        struct rule_info ri;
        if (!rules_match(rs, sc, &s, true, &ri))
            fail_msg("/%s/ on \"%s\": the prefilter dropped a match",
                     cases[i].re, cases[i].text);
        rules_scratch_free(&sc);
        classify_rules_free(&rs);
    }
}

/* Replies that look like recipient failures but are not: the shipped rules
 * must never make them hard (a false suppression loses a good address). */
static const char *const never_hard[] = {
    "550 Recipient blocked",
    "550 Invalid domain name in HELO",
    "554 We do not accept mail from your IP address",
    "550 This server has moved, please use mx2.example.com",
    "550 5.1.1 <a@b>... 192.0.2.1 has sent to too many recipients this hour",
    "550 5.2.1 The user you are trying to contact is receiving mail at a "
    "rate that prevents additional messages from being delivered",
    "550 5.1.8 <a@b>: Sender address rejected: Domain not found",
    "553 5.1.7 <bounce@sender.example>... unknown user",
    "SMTP error from remote mail server after MAIL FROM:<a@b>: 550 5.1.1 "
    "user unknown",
    "550 5.7.1 <a@b>: Recipient address rejected: Multiple authentication "
    "checks failed",
    "550 5.7.1 Your account has been disabled for sending",
    "450 4.1.1 <a@b>: Recipient address rejected: User unknown",
    "451 4.4.4 Host or domain name not found, try again",
    "Host or domain name not found. Name service error for name=x type=MX: "
    "Host not found, try again",
    "550 5.1.1 User unknown (in reply to end of DATA command)",
    "521 5.2.1 : AOL will not accept delivery of this message.",
    "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using "
    "zen.spamhaus.org; user unknown",
    "550 Mailbox unavailable or access denied: IP not listed in DNSWL",
    "550 Verification failed for <bounce@sender.example> unrouteable address",
    "550 Sender verify failed",
};

static void shipped_never_hard(void **state)
{
    struct classify_rules *rs = load_shipped_rules();
    struct verdict v;

    (void)state;
    for (size_t i = 0; i < sizeof never_hard / sizeof never_hard[0]; i++) {
        classify_reply(rs, never_hard[i], strlen(never_hard[i]), NULL, 0,
                       NULL, &v);
        if (v.bucket == BUCKET_HARD)
            fail_msg("\"%s\": hard by rule %s (%s)", never_hard[i], v.rule,
                     v.reason);
    }
    classify_rules_free(&rs);
}

/* Receivers' replies about email authentication are sender-side failures
 * with auth set, by text or by status alone, so that they alert and never
 * suppress the recipient. */
static void authentication_replies(void **state)
{
    static const char *const replies[] = {
        "550 5.7.515 Access denied, sending domain example.org doesn't meet "
        "the required authentication level.",
        "550 5.7.515 Access denied.",
        "550 5.7.26 This mail is unauthenticated, which poses a security "
        "risk to the sender and its users.",
        "554 5.7.5 Permanent error evaluating DMARC policy",
        "421 4.7.24 The SPF record of the sending domain has errors.",
        "550 5.7.23 The message was not sent: SPF validation failed.",
        "550 5.7.1 Email rejected per DMARC policy for example.org",
    };
    struct classify_rules *rs = load_shipped_rules();
    struct verdict v;

    (void)state;
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        classify_reply(rs, replies[i], strlen(replies[i]), NULL, 0, NULL, &v);
        if (!v.auth || v.bucket != BUCKET_SENDER)
            fail_msg("\"%s\": %s/%s auth=%d by rule %s", replies[i],
                     v.reason, bucket_name(v.bucket), (int)v.auth, v.rule);
    }
    classify_rules_free(&rs);
}

/* The commonest wordings in other languages (UTF-8, as the parser decodes
 * them) reach the same reasons. */
static void international_texts(void **state)
{
    static const struct {
        const char *text, *reason;
    } cases[] = {
        {"550 Benutzer unbekannt", "user_unknown"},
        {"550 Empf\xc3\xa4nger unbekannt", "user_unknown"},
        {"550 Utilisateur inconnu", "user_unknown"},
        {"550 5.1.1 Adresse destinataire invalide", "user_unknown"},
        {"550 Usuario desconocido", "user_unknown"},
        {"550 Usu\xc3\xa1rio desconhecido", "user_unknown"},
        {"550 Utente sconosciuto", "user_unknown"},
        {"550 Gebruiker onbekend", "user_unknown"},
        {"Postfach voll", "mailbox_full"},
        {"Bo\xc3\xaete aux lettres pleine", "mailbox_full"},
        {"Casella di posta piena", "mailbox_full"},
        {"Caixa postal cheia", "mailbox_full"},
        {"Buz\xc3\xb3n lleno", "mailbox_full"},
    };
    struct classify_rules *rs = load_shipped_rules();
    struct verdict v;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        classify_reply(rs, cases[i].text, strlen(cases[i].text), NULL, 0,
                       NULL, &v);
        if (strcmp(v.reason, cases[i].reason) != 0)
            fail_msg("\"%s\": %s by rule %s, want %s", cases[i].text,
                     v.reason, v.rule, cases[i].reason);
    }
    classify_rules_free(&rs);
}

/* The example override file, its rules uncommented, loads before the
 * shipped file and replaces the shipped rule it names. */
static void local_example_loads(void **state)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[RULES_LINE_MAX + 2], *err = NULL;
    char *buf = calloc(1, 65536);
    size_t len = 0;
    struct classify_rules *rs = NULL;
    struct verdict v;

    (void)state;
    assert_non_null(buf);
    snprintf(path, sizeof path, "%s/conf/rules.local.example",
             top ? top : TOP_SRCDIR);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        const char *l = line;
        if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z')
            l++; /* "#id reason ..." is a commented-out rule */
        size_t n = strlen(l);
        assert_true(len + n < 65536);
        memcpy(buf + len, l, n);
        len += n;
    }
    fclose(fp);
    if (rules_load_buffer(&rs, path, buf, len, &err) < 0)
        fail_msg("%s", err);
    free(buf);
    assert_true(classify_rules_count(rs) >= 3);
    snprintf(path, sizeof path, "%s/conf/rules.conf", top ? top : TOP_SRCDIR);
    fp = fopen(path, "r");
    assert_non_null(fp);
    buf = calloc(1, 262144);
    assert_non_null(buf);
    len = fread(buf, 1, 262143, fp);
    fclose(fp);
    if (rules_load_buffer(&rs, path, buf, len, &err) < 0 ||
        rules_finish(rs, &err) < 0)
        fail_msg("%s", err);
    free(buf);
    classify_reply(rs, "550 5.2.1 mailbox is disabled", 29, NULL, 0, NULL,
                   &v);
    assert_string_equal(v.rule, "disabled-text");
    assert_int_equal(v.bucket, BUCKET_SOFT);
    classify_rules_free(&rs);
}

/* Every reason of the taxonomy is documented in bounceguard-rules(5). */
static void reasons_documented(void **state)
{
    const char *top = getenv("top_srcdir");
    char path[4096], want[128];
    char *buf = calloc(1, 262144);

    (void)state;
    assert_non_null(buf);
    snprintf(path, sizeof path, "%s/man/bounceguard-rules.5",
             top ? top : TOP_SRCDIR);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t len = fread(buf, 1, 262143, fp);
    fclose(fp);
    buf[len] = '\0';
    for (size_t i = 0; i < reason_count(); i++) {
        const struct reason_info *r = reason_at(i);
        snprintf(want, sizeof want, ".It Sy %s Ta %s Ta %s Ta", r->name,
                 bucket_name(r->bucket), r->auth ? "yes" : "no");
        if (strstr(buf, want) == NULL)
            fail_msg("%s: no row \"%s\"", path, want);
    }
    free(buf);
}

static void missing_file(void **state)
{
    const char *paths[1] = {"/nonexistent/rules.conf"};
    struct classify_rules *rs = NULL;
    char *err = NULL;

    (void)state;
    assert_int_equal(classify_rules_load(paths, 1, &rs, &err), -1);
    assert_null(rs);
    assert_non_null(strstr(err, "/nonexistent/rules.conf: cannot open"));
    free(err);
}

/* What rules hold: their count, the literals of their text expressions
 * (an exact branch gives its strings, "no such (user|mailbox)" two), the
 * automaton those make; nothing for no rules. */
static void stats_count_rules_and_literals(void **state)
{
    char *err = NULL;
    struct classify_rules *rs =
        load("a user_unknown text=/no such (user|mailbox)/i\n"
             "b mailbox_full status=?.2.2\n"
             "c spam_detected text=/spamhaus/i\n",
             &err);
    struct classify_rules_stats st;

    (void)state;
    assert_non_null(rs);
    classify_rules_stats(rs, &st);
    assert_int_equal(st.rules, 3);
    assert_int_equal(st.literals, 3);
    assert_true(st.states > 8 && st.table_bytes >= st.states * 2);
    classify_rules_free(&rs);
    classify_rules_stats(NULL, &st);
    assert_int_equal(st.rules + st.literals + st.states + st.table_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_errors),
        cmocka_unit_test(long_line_and_nul),
        cmocka_unit_test(override_by_id),
        cmocka_unit_test(conditions),
        cmocka_unit_test(autoreplied_reads_only_its_rules),
        cmocka_unit_test(invariants),
        cmocka_unit_test(match_limit),
        cmocka_unit_test(globs),
        cmocka_unit_test(condition_globs_agree_with_rules_glob),
        cmocka_unit_test(class_and_action_of_any_reply),
        cmocka_unit_test(prefilter_never_changes_a_decision),
        cmocka_unit_test(shipped_text_rules_are_prefiltered),
        cmocka_unit_test(literal_extraction_is_safe),
        cmocka_unit_test(shipped_never_hard),
        cmocka_unit_test(authentication_replies),
        cmocka_unit_test(international_texts),
        cmocka_unit_test(local_example_loads),
        cmocka_unit_test(reasons_documented),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(stats_count_rules_and_literals),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}

/*
 * test_logfeed_sink.c - what the log feed records for each kind of log
 * line (logfeed_sink.h, with the shipped rules), and the bounded LRU
 * behind its verdict and sender caches (logfeed_cache.h).  The store is
 * left out: events are caught by the sink's on_event callback.
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
#include "core/policy.h"
#include "logfeed/logfeed_cache.h"
#include "logfeed/logfeed_sink.h"
#include "metrics/metrics.h"

#define PFX "Nov 25 22:24:21 mail "
#define NOW 1795647600 /* 2026-11-25T23:00:00Z */

struct caught {
    char recipient[128], action[16], reason[32], status[16], queue_id[32];
    char sender[64], diagnostic[160], remote[64], message_id[64];
    enum bucket bucket;
    int reply_code;
    long long when;
    enum store_source source;
    bool credible;
};

struct fixture {
    struct classify_rules *rules;
    struct logfeed_sink *sink;
    struct caught ev[8];
    size_t n;
};

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static void catch_event(const struct store_event *e, void *ctx)
{
    struct fixture *f = ctx;
    struct caught *c;

    assert_true(f->n < sizeof f->ev / sizeof f->ev[0]);
    c = &f->ev[f->n++];
    COPY(c->recipient, e->recipient);
    COPY(c->action, e->action);
    COPY(c->reason, e->reason);
    COPY(c->status, e->status);
    COPY(c->queue_id, e->queue_id);
    COPY(c->sender, e->sender);
    COPY(c->diagnostic, e->diagnostic);
    COPY(c->remote, e->remote_mta);
    COPY(c->message_id, e->orig_message_id);
    c->bucket = e->bucket;
    c->reply_code = e->reply_code;
    c->when = e->when;
    c->source = e->source;
    c->credible = e->credible;
}

static int setup(void **state)
{
    static const char *paths[] = {TOP_SRCDIR "/conf/rules.conf"};
    struct logfeed_sink_settings set = {0};
    struct fixture *f = calloc(1, sizeof *f);
    char *err = NULL;

    if (f == NULL || classify_rules_load(paths, 1, &f->rules, &err) < 0) {
        fprintf(stderr, "# rules: %s\n", err ? err : "out of memory");
        free(err);
        free(f);
        return -1;
    }
    set.cache_entries = 16;
    set.on_event = catch_event;
    set.ctx = f;
    f->sink = logfeed_sink_new(&set, NULL, f->rules);
    *state = f;
    return f->sink != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    logfeed_sink_free(&f->sink);
    classify_rules_free(&f->rules);
    free(f);
    return 0;
}

static int feed(struct fixture *f, const char *line)
{
    return logfeed_sink_line(f->sink, line, strlen(line), NOW);
}

static void deferral_is_a_classified_soft_event_with_sender(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(feed(f, PFX "postfix/qmgr[321]: 3F1A2B4C76: "
                                 "from=<app@example.org>, size=1234, "
                                 "nrcpt=1 (queue active)"),
                     0);
    assert_int_equal(feed(f, PFX
                          "postfix/smtp[4242]: 3F1A2B4C76: to=<u@example.com>, "
                          "relay=mx.example.com[192.0.2.1]:25, delay=1.2, "
                          "delays=0.1/0.01/0.6/0.5, dsn=4.2.2, status=deferred "
                          "(host mx.example.com[192.0.2.1] said: 452 4.2.2 "
                          "Mailbox full (in reply to RCPT TO command))"),
                     1);
    assert_int_equal(f->n, 1);
    struct caught *c = &f->ev[0];
    assert_string_equal(c->recipient, "u@example.com");
    assert_string_equal(c->action, "delayed");
    assert_string_equal(c->reason, "mailbox_full");
    assert_int_equal(c->bucket, BUCKET_SOFT);
    assert_string_equal(c->status, "4.2.2");
    assert_int_equal(c->reply_code, 452);
    assert_string_equal(c->diagnostic, "452 4.2.2 Mailbox full");
    assert_string_equal(c->remote, "mx.example.com[192.0.2.1]");
    assert_string_equal(c->queue_id, "3F1A2B4C76");
    assert_string_equal(c->sender, "app@example.org");
    assert_int_equal(c->source, SRC_LOG);
    assert_true(c->credible);
    assert_int_equal(c->when, 1795645461LL); /* the line's own time */
}

static void bounce_is_hard(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(
        feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C77: to=<bob@example.org>, "
                    "relay=mx1.example.org[198.51.100.5]:25, delay=0.4, "
                    "delays=0/0/0.2/0.2, dsn=5.1.1, status=bounced (host "
                    "mx1.example.org[198.51.100.5] said: 550 5.1.1 "
                    "<bob@example.org>: Recipient address rejected: User "
                    "unknown in virtual mailbox table (in reply to RCPT TO "
                    "command))"),
        1);
    assert_string_equal(f->ev[0].action, "failed");
    assert_string_equal(f->ev[0].reason, "user_unknown");
    assert_int_equal(f->ev[0].bucket, BUCKET_HARD);
    assert_string_equal(f->ev[0].sender, ""); /* no qmgr line seen */
}

static void sent_is_a_success_event(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(
        feed(f, PFX "postfix/smtp[4243]: 3F1A2B4C79: to=<carol@example.com>, "
                    "relay=mx.example.com[192.0.2.1]:25, delay=0.35, "
                    "delays=0.02/0.01/0.12/0.2, dsn=2.0.0, status=sent (250 "
                    "2.0.0 Ok: queued as 4HqS0B2kZbz9sWM)"),
        1);
    assert_string_equal(f->ev[0].action, "delivered");
    assert_string_equal(f->ev[0].reason, "delivered");
    assert_int_equal(f->ev[0].bucket, BUCKET_NONE);
    assert_string_equal(f->ev[0].status, "2.0.0");
}

/* to= failed, not the alias or list of orig_to=: suppressing that would
 * stop mail to all its other members */
static void to_is_the_recipient_not_orig_to(void **state)
{
    struct fixture *f = *state;

    feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C81: to=<bob@example.org>, "
                "orig_to=<bob@lists.example.net>, relay=none, dsn=4.4.1, "
                "status=deferred (connect to mx1.example.org[198.51.100.5]:25: "
                "Connection timed out)");
    feed(f, PFX "postfix/local[888]: 3F1A2B4C82: to=<root@mail.example.com>, "
                "orig_to=<root>, relay=local, delay=0.02, "
                "delays=0.01/0/0/0.01, dsn=2.0.0, status=sent (delivered to "
                "mailbox)");
    assert_int_equal(f->n, 2);
    assert_string_equal(f->ev[0].recipient, "bob@example.org");
    assert_int_equal(f->ev[0].bucket, BUCKET_SOFT);
    assert_string_equal(f->ev[1].recipient, "root@mail.example.com");
}

static void skips_discard_expiry_probes_and_noise(void **state)
{
    struct fixture *f = *state;
    struct logfeed_sink_stats st;

    feed(f, PFX "postfix/discard[905]: 3F1A2B4C6F: to=<x@a.test>, "
                "relay=none, delay=0.03, delays=0.02/0.01/0/0, dsn=2.0.0, "
                "status=sent (a.test)");
    feed(f, PFX "postfix/qmgr[321]: 3F1A2B4C76: from=<app@example.org>, "
                "status=expired, returned to sender");
    feed(f, PFX "postfix/smtp[4254]: 3F1A2B4C75: to=<probe@example.com>, "
                "relay=mx.example.com[192.0.2.1]:25, delay=0.5, "
                "delays=0/0/0.2/0.3, dsn=5.1.1, status=undeliverable (host "
                "mx.example.com[192.0.2.1] said: 550 5.1.1 No such user (in "
                "reply to RCPT TO command))");
    feed(f, PFX "postfix/smtpd[555]: connect from unknown[192.0.2.9]");
    assert_int_equal(f->n, 0);
    logfeed_sink_stats(f->sink, &st);
    assert_int_equal(st.lines, 4);
    assert_int_equal(st.deliveries, 2);
    assert_int_equal(st.skipped, 2);
    assert_int_equal(st.expired, 1);
}

static void sendmail_recipients_are_one_event_each(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(
        feed(f, PFX "sm-mta[12345]: 4APMOLq1012345: "
                    "to=<x1@example.com>,<x2@example.com>, "
                    "ctladdr=<app@example.org> (1000/1000), delay=00:00:02, "
                    "xdelay=00:00:02, mailer=esmtp, pri=120394, "
                    "relay=mx.example.com. [192.0.2.1], dsn=4.2.2, "
                    "stat=Deferred: 452 4.2.2 Mailbox full"),
        1);
    assert_int_equal(f->n, 2);
    assert_string_equal(f->ev[0].recipient, "x1@example.com");
    assert_string_equal(f->ev[1].recipient, "x2@example.com");
    assert_string_equal(f->ev[1].reason, "mailbox_full");
}

static void same_reply_is_classified_once(void **state)
{
    struct fixture *f = *state;
    struct logfeed_sink_stats st;
    static const char line[] =
        PFX "postfix/smtp[4242]: 3F1A2B4C83: to=<u@example.com>, relay=none, "
            "dsn=4.2.2, status=deferred (host mx.example.com[192.0.2.1] said: "
            "452 4.2.2 Mailbox full (in reply to RCPT TO command))";

    feed(f, line);
    feed(f, line);
    feed(f, line);
    logfeed_sink_stats(f->sink, &st);
    assert_int_equal(st.cache_misses, 1);
    assert_int_equal(st.cache_hits, 2);
    assert_string_equal(f->ev[2].reason, f->ev[0].reason);
}

/* A SQLite store in a fresh directory DIR (a mkdtemp template) that
 * commits after delay_ms (or sooner, when flushed). */
static struct store *temp_store_delayed(char *dir, int delay_ms)
{
    struct store_settings set = {.batch_delay_ms = delay_ms};
    struct policy_settings pol;
    struct store *st = NULL;
    char path[64], *err = NULL;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.db", dir);
    set.backend = "sqlite";
    set.path = path;
    set.batch_max = 100;
    set.queue_max = 1000;
    set.expire_interval = 3600;
    set.local_part = "preserve";
    policy_settings_default(&pol);
    assert_int_equal(store_open(&set, &pol, &st, &err), 0);
    return st;
}

/* A SQLite store in a fresh directory DIR (a mkdtemp template). */
static struct store *temp_store(char *dir)
{
    return temp_store_delayed(dir, 0);
}

static void temp_store_close(struct store **st, const char *dir)
{
    char cmd[96];

    store_close(st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Replaces the fixture's sink by one on ST with a verdict cache of
 * cache_entries. */
static void sink_on_store_cache(struct fixture *f, struct store *st,
                                bool message_ids, size_t cache_entries)
{
    struct logfeed_sink_settings ss = {0};

    logfeed_sink_free(&f->sink);
    ss.cache_entries = cache_entries;
    ss.join_outbound = true;
    ss.message_ids = message_ids;
    ss.on_event = catch_event;
    ss.ctx = f;
    f->sink = logfeed_sink_new(&ss, st, f->rules);
    assert_non_null(f->sink);
}

/* Replaces the fixture's sink by one on ST. */
static void sink_on_store(struct fixture *f, struct store *st,
                          bool message_ids)
{
    sink_on_store_cache(f, st, message_ids, 16);
}

/* With a real (SQLite) store: a failure is joined to the tracked
 * outbound message of its queue id, and the events are recorded. */
static void failure_is_joined_to_outbound_tracking(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct store_health h;
    char dir[] = "/tmp/bg-test-logfeed.XXXXXX";
    const char *rcpts[] = {"u@example.com"};
    struct outbound_msg m = {.message_id = "abc.123@app.example.org",
                             .queue_id = "3F1A2B4C90",
                             .sender = "app@example.org",
                             .recipients = rcpts,
                             .nrecipients = 1,
                             .when = NOW - 60};

    st = temp_store(dir);
    assert_int_equal(store_track_outbound(st, &m), 0);
    assert_int_equal(store_flush(st, 10000), 0);
    sink_on_store(f, st, false);
    assert_int_equal(
        feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C90: to=<u@example.com>, "
                    "relay=none, dsn=4.2.2, status=deferred (host "
                    "mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full "
                    "(in reply to RCPT TO command))"),
        1);
    assert_string_equal(f->ev[0].message_id, "abc.123@app.example.org");
    assert_string_equal(f->ev[0].sender, "app@example.org");
    assert_int_equal(store_flush(st, 10000), 0);
    store_get_health(st, &h);
    assert_true(h.committed >= 2); /* the tracked message and the event */
    logfeed_sink_free(&f->sink);
    temp_store_close(&st, dir);
}

/* logfeed.cache_entries = 0 turns the verdict cache off (bounceguard.conf
 * (5)), not the sender of the qmgr line nor the join to outbound tracking. */
static void no_verdict_cache_keeps_sender_and_join(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct logfeed_sink_stats stats;
    char dir[] = "/tmp/bg-test-logfeed.XXXXXX";
    const char *rcpts[] = {"u@example.com"};
    struct outbound_msg m = {.message_id = "abc.124@app.example.org",
                             .queue_id = "3F1A2B4C92",
                             .sender = "app@example.org",
                             .recipients = rcpts,
                             .nrecipients = 1,
                             .when = NOW - 60};
    const char *bounce = PFX "postfix/smtp[4242]: 3F1A2B4C92: "
                             "to=<u@example.com>, relay=none, dsn=5.1.1, "
                             "status=bounced (host mx.example.com[192.0.2.1] "
                             "said: 550 5.1.1 No such user (in reply to RCPT "
                             "TO command))";

    st = temp_store(dir);
    assert_int_equal(store_track_outbound(st, &m), 0);
    assert_int_equal(store_flush(st, 10000), 0);
    sink_on_store_cache(f, st, false, 0);
    assert_int_equal(feed(f, PFX "postfix/qmgr[321]: 3F1A2B4C93: "
                                 "from=<other@example.org>, size=1, nrcpt=1 "
                                 "(queue active)"),
                     0);
    assert_int_equal(feed(f, bounce), 1);
    assert_int_equal(
        feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C93: to=<v@example.com>, "
                    "relay=none, dsn=4.2.2, status=deferred (host "
                    "mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full "
                    "(in reply to RCPT TO command))"),
        1);
    assert_int_equal(f->n, 2);
    assert_string_equal(f->ev[0].message_id, "abc.124@app.example.org");
    assert_string_equal(f->ev[0].sender, "app@example.org");
    assert_string_equal(f->ev[1].sender, "other@example.org");
    logfeed_sink_stats(f->sink, &stats);
    assert_int_equal(stats.cache_hits, 0); /* the verdict cache is off */
    logfeed_sink_free(&f->sink);
    temp_store_close(&st, dir);
}

/* The milter's tracking of a message may still wait in the store's queue
 * when the log reports its first failure: the join waits for it rather
 * than remember a miss for the queue id. */
static void failure_joins_tracking_still_queued(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    char dir[] = "/tmp/bg-test-logfeed.XXXXXX";
    const char *rcpts[] = {"u@example.com"};
    struct outbound_msg m = {.message_id = "abc.125@app.example.org",
                             .queue_id = "3F1A2B4C94",
                             .sender = "app@example.org",
                             .recipients = rcpts,
                             .nrecipients = 1,
                             .when = NOW - 1};
    const char *line = PFX "postfix/smtp[4242]: 3F1A2B4C94: "
                           "to=<u@example.com>, relay=none, dsn=4.2.2, "
                           "status=deferred (host mx.example.com[192.0.2.1] "
                           "said: 452 4.2.2 Mailbox full (in reply to RCPT "
                           "TO command))";

    st = temp_store_delayed(dir, 60000);
    assert_int_equal(store_track_outbound(st, &m), 0); /* not committed */
    sink_on_store(f, st, false);
    assert_int_equal(feed(f, line), 1);
    assert_int_equal(store_flush(st, 10000), 0);
    assert_int_equal(feed(f, line), 1); /* a retry, after the commit */
    assert_string_equal(f->ev[0].message_id, "abc.125@app.example.org");
    assert_string_equal(f->ev[1].message_id, "abc.125@app.example.org");
    logfeed_sink_free(&f->sink);
    temp_store_close(&st, dir);
}

/* A message tracked before its headers (milter.message_ids = "logfeed")
 * gets the Message-ID cleanup(8) logs, and a later failure of it joins
 * with that id; a sink without message_ids leaves the row alone. */
/* bounceguard_messages_total{path="log"}: what the registry renders */
static double log_messages(void)
{
    static const char series[] = "bounceguard_messages_total{path=\"log\"} ";
    struct metrics_out out;
    double v = -1;

    metrics_out_init(&out, 1 << 22);
    metrics_render(&out);
    const char *p = strstr(out.buf, series);
    if (p != NULL)
        v = strtod(p + sizeof series - 1, NULL);
    metrics_out_free(&out);
    return v;
}

/* Each message the log names once (cleanup's message-id line, Sendmail's
 * line with msgid=) counts as a message seen through the log; qmgr's
 * line, logged again at each retry, and delivery lines do not. */
static void log_messages_are_counted_once_each(void **state)
{
    struct fixture *f = *state;
    double before = log_messages();

    feed(f, PFX "postfix/cleanup[777]: 3F1A2B4C95: "
                "message-id=<count.1@app.example.org>");
    feed(f, PFX "postfix/qmgr[321]: 3F1A2B4C95: from=<app@example.org>, "
                "size=1, nrcpt=2 (queue active)");
    feed(f, PFX "postfix/qmgr[321]: 3F1A2B4C95: from=<app@example.org>, "
                "size=1, nrcpt=2 (queue active)");
    feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C95: to=<v@example.com>, "
                "relay=none, dsn=4.2.2, status=deferred (host "
                "mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full)");
    feed(f, "Jul 25 12:00:00 mx sendmail[99]: 5A1B2C3D4: from=<a@b.example>,"
            " size=1, class=0, nrcpts=1, msgid=<count.2@b.example>, "
            "proto=ESMTP, relay=localhost");
    assert_true(before >= 0);
    assert_true(log_messages() == before + 2);
}

static void cleanup_message_id_names_the_tracked_message(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct logfeed_sink_stats stats;
    struct outbound_msg found;
    char dir[] = "/tmp/bg-test-logfeed.XXXXXX";
    const char *rcpts[] = {"u@example.com"};
    struct outbound_msg m = {.queue_id = "3F1A2B4C91",
                             .sender = "app@example.org",
                             .recipients = rcpts,
                             .nrecipients = 1,
                             .when = NOW - 60};
    const char *line = PFX "postfix/cleanup[777]: 3F1A2B4C91: "
                           "message-id=<late.1@app.example.org>";

    st = temp_store(dir);
    assert_int_equal(store_track_outbound(st, &m), 0);
    sink_on_store(f, st, false);
    assert_int_equal(feed(f, line), 0);
    assert_int_equal(store_flush(st, 10000), 0);
    assert_int_equal(store_find_outbound(st, NULL, "3F1A2B4C91", &found), 1);
    assert_string_equal(found.message_id, ""); /* none yet */
    outbound_msg_clear(&found);

    sink_on_store(f, st, true);
    assert_int_equal(feed(f, line), 0);
    logfeed_sink_stats(f->sink, &stats);
    assert_int_equal(stats.message_ids, 1);
    assert_int_equal(store_flush(st, 10000), 0);
    assert_int_equal(
        store_find_outbound(st, "late.1@app.example.org", NULL, &found), 1);
    assert_string_equal(found.queue_id, "3F1A2B4C91");
    outbound_msg_clear(&found);
    assert_int_equal(
        feed(f, PFX "postfix/smtp[4242]: 3F1A2B4C91: to=<u@example.com>, "
                    "relay=none, dsn=5.1.1, status=bounced (host "
                    "mx.example.com[192.0.2.1] said: 550 5.1.1 No such user "
                    "(in reply to RCPT TO command))"),
        1);
    assert_string_equal(f->ev[0].message_id, "late.1@app.example.org");
    logfeed_sink_free(&f->sink);
    temp_store_close(&st, dir);
}

static void lru_evicts_the_least_recently_used(void **state)
{
    struct logfeed_cache *c = logfeed_cache_new(2, sizeof(int));
    int one = 1, two = 2, three = 3;
    const int *v;
    (void)state;

    assert_non_null(c);
    logfeed_cache_put(c, "a", 1, &one);
    logfeed_cache_put(c, "b", 1, &two);
    assert_non_null(logfeed_cache_get(c, "a", 1)); /* a is now recent */
    logfeed_cache_put(c, "c", 1, &three);          /* evicts b */
    assert_int_equal(logfeed_cache_count(c), 2);
    assert_null(logfeed_cache_get(c, "b", 1));
    v = logfeed_cache_get(c, "a", 1);
    assert_non_null(v);
    assert_int_equal(*v, 1);
    v = logfeed_cache_get(c, "c", 1);
    assert_non_null(v);
    assert_int_equal(*v, 3);
    logfeed_cache_put(c, "c", 1, &one); /* replace in place */
    assert_int_equal(*(const int *)logfeed_cache_get(c, "c", 1), 1);
    logfeed_cache_free(&c);
    assert_null(c);
}

static void zero_sized_cache_keeps_nothing(void **state)
{
    struct logfeed_cache *c = logfeed_cache_new(0, sizeof(int));
    int one = 1;
    (void)state;

    assert_non_null(c);
    logfeed_cache_put(c, "a", 1, &one);
    assert_null(logfeed_cache_get(c, "a", 1));
    assert_int_equal(logfeed_cache_count(c), 0);
    logfeed_cache_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            deferral_is_a_classified_soft_event_with_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(bounce_is_hard, setup, teardown),
        cmocka_unit_test_setup_teardown(sent_is_a_success_event, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(to_is_the_recipient_not_orig_to, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(log_messages_are_counted_once_each,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(skips_discard_expiry_probes_and_noise,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sendmail_recipients_are_one_event_each,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(same_reply_is_classified_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(failure_is_joined_to_outbound_tracking,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(failure_joins_tracking_still_queued,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            cleanup_message_id_names_the_tracked_message, setup, teardown),
        cmocka_unit_test_setup_teardown(no_verdict_cache_keeps_sender_and_join,
                                        setup, teardown),
        cmocka_unit_test(lru_evicts_the_least_recently_used),
        cmocka_unit_test(zero_sized_cache_keeps_nothing),
    };
    return cmocka_run_group_tests_name("logfeed_sink", tests, NULL, NULL);
}

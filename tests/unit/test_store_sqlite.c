/*
 * test_store_sqlite.c - the store over a real SQLite file: policy through
 * the writer thread, lookups, outbound tracking, admin walks, expiry,
 * persistence across reopen and the schema version check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "core/policy.h"
#include "store/store.h"

#define T0 1700000000LL
#define HOUR 3600LL
#define DAY (24 * HOUR)

struct fixture {
    char dir[64];
    char path[128];
    struct store_settings set;
    struct policy_settings pol;
    struct store *st;
};

static int open_store(struct fixture *f)
{
    char *err = NULL;
    int rc = store_open(&f->set, &f->pol, &f->st, &err);

    if (rc < 0)
        print_error("store_open: %s\n", err);
    free(err);
    return rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/bg-test-store.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/s.db", f->dir);
    f->set.backend = "sqlite";
    f->set.path = f->path;
    f->set.batch_max = 100;
    f->set.queue_max = 1000;
    f->set.expire_interval = 3600;
    f->set.local_part = "preserve";
    policy_settings_default(&f->pol);
    *state = f;
    return open_store(f);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    store_close(&f->st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static struct store_event event(const char *rcpt, long long when, enum bucket b,
                                const char *reason)
{
    struct store_event e = {
        .when = when,
        .recipient = rcpt,
        .reason = reason,
        .bucket = b,
        .status = b == BUCKET_HARD ? "5.1.1" : "4.2.2",
        .reply_code = b == BUCKET_HARD ? 550 : 452,
        .diagnostic = "test diagnostic",
        .source = SRC_DSN,
        .action = "failed",
        .orig_message_id = "m1@example.org",
        .queue_id = "4AbCdE",
        .sender = "news@example.org",
        .credible = true,
    };
    return e;
}

static void record(struct fixture *f, struct store_event e)
{
    assert_int_equal(store_record(f->st, &e), 0);
}

static void hard_bounce_suppresses(void **state)
{
    struct fixture *f = *state;
    struct suppression s;

    record(f, event("<Gone@Example.COM>", T0, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "Gone@example.com", T0, &s), 1);
    assert_string_equal(s.address, "Gone@example.com");
    assert_string_equal(s.reason, "user_unknown");
    assert_int_equal(s.bucket, BUCKET_HARD);
    assert_string_equal(s.status, "5.1.1");
    assert_int_equal(s.reply_code, 550);
    assert_string_equal(s.message_id, "m1@example.org");
    assert_int_equal(s.expires, 0);
    assert_int_equal(s.source, SRC_DSN);
    /* local part preserved: another case is another address */
    assert_int_equal(store_lookup(f->st, "gone@example.com", T0, NULL), 0);
    assert_int_equal(store_lookup(f->st, "other@example.com", T0, NULL), 0);
}

static void soft_bounces_suppress_only_when_persistent(void **state)
{
    struct fixture *f = *state;
    struct suppression s;

    record(f, event("full@example.net", T0, BUCKET_SOFT, "mailbox_full"));
    record(f,
           event("full@example.net", T0 + HOUR, BUCKET_SOFT, "mailbox_full"));
    record(f, event("full@example.net", T0 + 2 * HOUR, BUCKET_SOFT,
                    "mailbox_full"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "full@example.net", T0, NULL), 0);
    record(f, event("full@example.net", T0 + 80 * HOUR, BUCKET_SOFT,
                    "mailbox_full"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(
        store_lookup(f->st, "full@example.net", T0 + 81 * HOUR, &s), 1);
    assert_int_equal(s.expires, T0 + 80 * HOUR + 30 * DAY);
    /* expired: no longer suppressed */
    assert_int_equal(store_lookup(f->st, "full@example.net",
                                  T0 + 80 * HOUR + 30 * DAY, NULL),
                     0);
    /* a success lifts it */
    struct store_event ok =
        event("full@example.net", T0 + 82 * HOUR, BUCKET_NONE, "delivered");
    ok.action = "delivered";
    record(f, ok);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(
        store_lookup(f->st, "full@example.net", T0 + 83 * HOUR, NULL), 0);
}

static void forged_and_sender_never_suppress(void **state)
{
    struct fixture *f = *state;
    struct store_event e =
        event("victim@example.com", T0, BUCKET_HARD, "user_unknown");

    e.credible = false;
    record(f, e);
    record(f, event("rcpt@example.com", T0, BUCKET_SENDER, "spam"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "victim@example.com", T0, NULL), 0);
    assert_int_equal(store_lookup(f->st, "rcpt@example.com", T0, NULL), 0);
}

static void manual_remove_beats_older_bounce(void **state)
{
    struct fixture *f = *state;
    struct store_event rm = {
        .when = T0 + 10,
        .recipient = "back@example.com",
        .source = SRC_MANUAL,
        .action = STORE_ACTION_REMOVE,
    };

    record(f, event("back@example.com", T0, BUCKET_HARD, "user_unknown"));
    record(f, rm);
    record(f, event("back@example.com", T0 + 5, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "back@example.com", T0 + 20, NULL), 0);
    record(f, event("back@example.com", T0 + 30, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "back@example.com", T0 + 40, NULL), 1);
}

static void manual_add_and_domain_entry(void **state)
{
    struct fixture *f = *state;
    struct suppression s;
    struct store_event add = {
        .when = T0,
        .recipient = "Dead.EXAMPLE",
        .reason = "manual",
        .bucket = BUCKET_HARD,
        .source = SRC_MANUAL,
        .action = STORE_ACTION_ADD,
        .expires = T0 + DAY,
    };

    record(f, add);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "anyone@dead.example", T0 + 1, &s), 1);
    assert_string_equal(s.address, "dead.example");
    assert_true(s.manual);
    assert_int_equal(store_lookup(f->st, "anyone@dead.example", T0 + DAY, NULL),
                     0);
}

static void domain_suppression_when_switched_on(void **state)
{
    struct fixture *f = *state;

    store_close(&f->st);
    f->pol.suppress_domains = true;
    assert_int_equal(open_store(f), 0);
    record(f, event("a@nxdomain.example", T0, BUCKET_HARD, "domain_not_found"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "b@nxdomain.example", T0, NULL), 1);
}

static void outbound_tracking(void **state)
{
    struct fixture *f = *state;
    const char *rcpts[] = {"a@example.com", "b@example.net"};
    struct outbound_msg m = {
        .message_id = "abc@example.org",
        .queue_id = "4XyZ",
        .sender = "s@example.org",
        .recipients = rcpts,
        .nrecipients = 2,
        .when = T0,
    };
    struct outbound_msg found;

    assert_int_equal(store_track_outbound(f->st, &m), 0);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(
        store_find_outbound(f->st, "abc@example.org", NULL, &found), 1);
    assert_string_equal(found.sender, "s@example.org");
    assert_string_equal(found.queue_id, "4XyZ");
    assert_int_equal(found.nrecipients, 2);
    assert_string_equal(found.recipients[1], "b@example.net");
    assert_null(found.recipients[2]);
    outbound_msg_clear(&found);
    assert_int_equal(store_find_outbound(f->st, "nope@x", "4XyZ", &found), 1);
    outbound_msg_clear(&found);
    assert_int_equal(store_find_outbound(f->st, "nope@x", "nope", &found), 0);
}

/* A message tracked before its headers gets the Message-ID the log feed
 * reads, by queue id; one tracked outside the window (the queue id came
 * back), one that has an id already and empty arguments are left alone. */
static void outbound_message_id_learned_later(void **state)
{
    struct fixture *f = *state;
    const char *rcpts[] = {"a@example.com"};
    struct outbound_msg now = {.queue_id = "4Late",
                               .sender = "s@example.org",
                               .recipients = rcpts,
                               .nrecipients = 1,
                               .when = T0};
    struct outbound_msg old = now, known = now, found;

    old.queue_id = "4Reused";
    old.when = T0 - 2 * HOUR;
    known.queue_id = "4Known";
    known.message_id = "kept@example.org";
    assert_int_equal(store_track_outbound(f->st, &now), 0);
    assert_int_equal(store_track_outbound(f->st, &old), 0);
    assert_int_equal(store_track_outbound(f->st, &known), 0);
    assert_int_equal(
        store_outbound_message_id(f->st, "4Late", "late@example.org", T0 + 1),
        0);
    assert_int_equal(
        store_outbound_message_id(f->st, "4Reused", "new@example.org", T0), 0);
    assert_int_equal(
        store_outbound_message_id(f->st, "4Known", "other@example.org", T0),
        0);
    assert_int_equal(store_outbound_message_id(f->st, "", "x@example.org", T0),
                     -1);
    assert_int_equal(store_outbound_message_id(f->st, "4Late", NULL, T0), -1);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_find_outbound(f->st, "late@example.org", NULL, &found),
                     1);
    assert_string_equal(found.queue_id, "4Late");
    assert_string_equal(found.recipients[0], "a@example.com");
    outbound_msg_clear(&found);
    assert_int_equal(store_find_outbound(f->st, "new@example.org", NULL, &found),
                     0);
    assert_int_equal(
        store_find_outbound(f->st, "other@example.org", NULL, &found), 0);
    assert_int_equal(store_find_outbound(f->st, NULL, "4Known", &found), 1);
    assert_string_equal(found.message_id, "kept@example.org");
    outbound_msg_clear(&found);
}

/* One post sent in two transactions under one Message-ID: without a
 * recipient the newer is found; with one, the newest sent to it (compared
 * without case); with an address neither went to, the newer again. */
static void outbound_prefers_the_recipients_message(void **state)
{
    struct fixture *f = *state;
    const char *first[] = {"a@example.com", "B@example.com"};
    const char *second[] = {"c@example.com"};
    struct outbound_msg m = {
        .message_id = "post@example.org",
        .queue_id = "4One",
        .sender = "list@example.org",
        .recipients = first,
        .nrecipients = 2,
        .when = T0,
    };
    struct outbound_msg later = m, found;
    struct store_outbound_keys k = {"post@example.org", NULL, NULL, NULL};

    later.queue_id = "4Two";
    later.recipients = second;
    later.nrecipients = 1;
    later.when = T0 + 60;
    assert_int_equal(store_track_outbound(f->st, &m), 0);
    assert_int_equal(store_track_outbound(f->st, &later), 0);
    assert_int_equal(store_flush(f->st, 5000), 0);

    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 1);
    assert_string_equal(found.queue_id, "4Two");
    outbound_msg_clear(&found);
    k.recipient = "b@example.com";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 1);
    assert_string_equal(found.queue_id, "4One");
    outbound_msg_clear(&found);
    k.recipient = "c@example.com";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 1);
    assert_string_equal(found.queue_id, "4Two");
    outbound_msg_clear(&found);
    k.recipient = "nobody@example.com";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 1);
    assert_string_equal(found.queue_id, "4Two");
    outbound_msg_clear(&found);
    k.recipient = "a@example"; /* a whole line, not a part of one */
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 1);
    assert_string_equal(found.queue_id, "4Two");
    outbound_msg_clear(&found);
}

/* A DSN with only an Original-Envelope-Id finds the message by the ENVID
 * it was sent with; the returned Message-ID and the queue id come first;
 * an unknown envelope id finds nothing. */
static void outbound_found_by_envelope_id(void **state)
{
    struct fixture *f = *state;
    const char *rcpts[] = {"a@example.com"};
    struct outbound_msg m = {
        .message_id = "env@example.org",
        .queue_id = "4Env",
        .sender = "s@example.org",
        .recipients = rcpts,
        .nrecipients = 1,
        .when = T0,
        .envelope_id = "job+42 =x",
    };
    struct outbound_msg other = m, found;
    struct store_outbound_keys k = {NULL, NULL, "job+42 =x", NULL};
    enum store_outbound_key by;

    other.message_id = "other@example.org";
    other.queue_id = "4Other";
    other.envelope_id = NULL;
    assert_int_equal(store_track_outbound(f->st, &m), 0);
    assert_int_equal(store_track_outbound(f->st, &other), 0);
    assert_int_equal(store_flush(f->st, 5000), 0);

    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 1);
    assert_int_equal(by, STORE_OUT_ENVELOPE_ID);
    assert_string_equal(store_outbound_key_name(by), "envelope-id");
    assert_string_equal(found.message_id, "env@example.org");
    assert_string_equal(found.envelope_id, "job+42 =x");
    assert_string_equal(found.recipients[0], "a@example.com");
    outbound_msg_clear(&found);

    k.message_id = "other@example.org"; /* the first key that finds wins */
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 1);
    assert_int_equal(by, STORE_OUT_MESSAGE_ID);
    assert_string_equal(found.queue_id, "4Other");
    assert_null(found.envelope_id);
    outbound_msg_clear(&found);

    k.message_id = "unknown@example.org";
    k.queue_id = "4Other";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 1);
    assert_int_equal(by, STORE_OUT_QUEUE_ID);
    outbound_msg_clear(&found);

    k.queue_id = NULL; /* exact: another case, another id */
    k.envelope_id = "JOB+42 =x";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 0);
    assert_int_equal(by, STORE_OUT_NONE);
    k.envelope_id = "";
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 0);
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, NULL), 0);
}

static int count_cb(const struct suppression *s, void *ctx)
{
    (void)s;
    (*(int *)ctx)++;
    return 0;
}

static int hist_cb(const struct store_history_row *h, void *ctx)
{
    (void)h;
    (*(int *)ctx)++;
    return 0;
}

static int stat_cb(const char *key, long long n, void *ctx)
{
    if (strcmp(key, "user_unknown") == 0)
        *(long long *)ctx = n;
    return 0;
}

static void list_history_stats_expire(void **state)
{
    struct fixture *f = *state;
    struct store_filter all = {.bucket = -1};
    struct store_filter hard_net = {.bucket = BUCKET_HARD,
                                    .domain = "example.net"};
    int n = 0, h = 0;
    long long uu = 0;
    struct store_event add = {
        .when = T0,
        .recipient = "temp@example.net",
        .reason = "manual",
        .bucket = BUCKET_HARD,
        .source = SRC_MANUAL,
        .action = STORE_ACTION_ADD,
        .expires = T0 + 10,
    };

    record(f, event("x1@example.com", T0, BUCKET_HARD, "user_unknown"));
    record(f, event("x2@example.net", T0, BUCKET_HARD, "user_unknown"));
    record(f, event("x2@example.net", T0 + 1, BUCKET_HARD, "user_unknown"));
    record(f, add);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_list(f->st, &all, count_cb, &n), 0);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(store_list(f->st, &hard_net, count_cb, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_history(f->st, "x2@example.net", hist_cb, &h), 0);
    assert_int_equal(h, 2);
    assert_int_equal(store_stats(f->st, "reason", 0, T0, stat_cb, &uu), 0);
    assert_int_equal(uu, 2);
    assert_int_equal(store_expire(f->st, T0 + 11), 1);
    n = 0;
    assert_int_equal(store_list(f->st, &all, count_cb, &n), 0);
    assert_int_equal(n, 2);
}

static void survives_reopen_and_checks_version(void **state)
{
    struct fixture *f = *state;
    sqlite3 *db;
    char *err = NULL;
    struct store *st2;

    record(f, event("keep@example.com", T0, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    store_close(&f->st);
    assert_int_equal(open_store(f), 0);
    assert_int_equal(store_lookup(f->st, "keep@example.com", T0, NULL), 1);
    store_close(&f->st);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(&f->set, &f->pol, &st2, &err), -1);
    assert_non_null(strstr(err, "schema version 99"));
    free(err);
    assert_null(st2);
}

static void invalid_address_is_refused(void **state)
{
    struct fixture *f = *state;
    struct store_event e = event("not an address", T0, BUCKET_HARD, "x");
    struct store_health h;

    assert_int_equal(store_record(f->st, &e), -1);
    store_get_health(f->st, &h);
    assert_int_equal(h.queued, 0);
}

struct reader_arg {
    struct store *st;
    int hits, errors;
};

static void *reader_main(void *p)
{
    struct reader_arg *a = p;

    for (int i = 0; i < 2000; i++) {
        char addr[64];
        snprintf(addr, sizeof addr, "mt-%d@example.com", i % 200);
        int rc = store_lookup(a->st, addr, T0, NULL);
        a->hits += rc == 1;
        a->errors += rc < 0;
    }
    return NULL;
}

static void lookups_from_many_threads_while_writing(void **state)
{
    struct fixture *f = *state;
    pthread_t th[8];
    struct reader_arg args[8];

    for (int i = 0; i < 100; i++) {
        char addr[64];
        snprintf(addr, sizeof addr, "mt-%d@example.com", i);
        record(f, event(addr, T0, BUCKET_HARD, "user_unknown"));
    }
    assert_int_equal(store_flush(f->st, 5000), 0);
    for (int t = 0; t < 8; t++) {
        args[t] = (struct reader_arg){f->st, 0, 0};
        assert_int_equal(pthread_create(&th[t], NULL, reader_main, &args[t]),
                         0);
    }
    for (int i = 100; i < 200; i++) { /* the writer works meanwhile */
        char addr[64];
        snprintf(addr, sizeof addr, "mt-%d@example.com", i);
        record(f, event(addr, T0, BUCKET_SOFT, "mailbox_full"));
    }
    for (int t = 0; t < 8; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(args[t].errors, 0);
        /* the first 100 addresses are suppressed, the others never */
        assert_int_equal(args[t].hits, 1000);
    }
    assert_int_equal(store_flush(f->st, 5000), 0);
}

static void expiry_runs_on_its_own_schedule(void **state)
{
    struct fixture *f = *state;
    struct store_filter all = {.bucket = -1}; /* expired ones too */
    long long now = (long long)time(NULL);
    struct store_event add = {
        .when = now,
        .recipient = "short@example.com",
        .reason = "manual",
        .bucket = BUCKET_HARD,
        .source = SRC_MANUAL,
        .action = STORE_ACTION_ADD,
        .expires = now + 1,
    };
    int n = 0;

    store_close(&f->st);
    f->set.expire_interval = 1;
    assert_int_equal(open_store(f), 0);
    record(f, add);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_list(f->st, &all, count_cb, &n), 0);
    assert_int_equal(n, 1);
    for (int i = 0; i < 50 && n > 0; i++) { /* at most 5 s */
        usleep(100000);
        n = 0;
        assert_int_equal(store_list(f->st, &all, count_cb, &n), 0);
    }
    assert_int_equal(n, 0);
}

/* The writer remembers policy states; a second connection's commit (as
 * bounceguardctl remove from another process) must still be seen: with a
 * stale "suppressed" state the third bounce would only refresh a row that
 * is gone. */
static void other_connections_commits_are_seen(void **state)
{
    struct fixture *f = *state;
    struct store *st2 = NULL;
    char *err = NULL;
    struct store_event rm = {
        .when = T0 + 1,
        .recipient = "back@example.com",
        .source = SRC_MANUAL,
        .action = STORE_ACTION_REMOVE,
    };

    record(f, event("back@example.com", T0, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "back@example.com", T0, NULL), 1);
    assert_int_equal(store_open(&f->set, &f->pol, &st2, &err), 0);
    assert_int_equal(store_record(st2, &rm), 0);
    assert_int_equal(store_flush(st2, 5000), 0);
    store_close(&st2);
    assert_int_equal(store_lookup(f->st, "back@example.com", T0 + 1, NULL), 0);
    record(f, event("back@example.com", T0 + 2, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_lookup(f->st, "back@example.com", T0 + 2, NULL), 1);
}

/* A delivery to a recipient with nothing to clear writes nothing; one that
 * clears soft failures is history, and the remembered success still makes
 * an older soft failure that arrives late count for nothing. */
static void quiet_deliveries_write_nothing(void **state)
{
    struct fixture *f = *state;
    struct store_event ok = event("fine@example.com", T0, BUCKET_NONE, NULL);
    struct store_event late =
        event("fine@example.com", T0 - 10, BUCKET_SOFT, "mailbox_full");
    struct store_filter all = {.bucket = -1};
    int h = 0, n = 0;

    ok.action = "delivered";
    record(f, ok);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_history(f->st, "fine@example.com", hist_cb, &h), 0);
    assert_int_equal(h, 0);
    record(f, late); /* before the success: ignored ("none") */
    record(f, event("fine@example.com", T0 + 10, BUCKET_SOFT, "mailbox_full"));
    ok.when = T0 + 20;
    record(f, ok); /* clears the count: kept */
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_history(f->st, "fine@example.com", hist_cb, &h), 0);
    assert_int_equal(h, 3);
    assert_int_equal(store_list(f->st, &all, count_cb, &n), 0);
    assert_int_equal(n, 0);
}

static int sql(const char *path, const char *q)
{
    sqlite3 *db;
    int rc;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    rc = sqlite3_exec(db, q, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* What version 3 (outbound envelope ids) added, taken away again. */
#define V3_TO_V2                                                               \
    "DROP INDEX outbound_envid; ALTER TABLE outbound DROP COLUMN envid;"

/* A version 1 store (history indexed by the address's text) is migrated
 * on open with its history intact; rows another program inserted without
 * the history key are still found. */
static void history_survives_migration(void **state)
{
    struct fixture *f = *state;
    int h = 0;

    record(f, event("old@example.com", T0, BUCKET_HARD, "user_unknown"));
    assert_int_equal(store_flush(f->st, 5000), 0);
    store_close(&f->st);
    assert_int_equal(sql(f->path,
                         V3_TO_V2 "DROP INDEX events_akey;"
                                  " ALTER TABLE events DROP COLUMN akey;"
                                  " CREATE INDEX events_address ON"
                                  " events(address, at);"
                                  " PRAGMA user_version = 1"),
                     0);
    assert_int_equal(open_store(f), 0);
    assert_int_equal(store_history(f->st, "old@example.com", hist_cb, &h), 0);
    assert_int_equal(h, 1);
    assert_int_equal(sql(f->path, "INSERT INTO events (uuid, at, address)"
                                  " VALUES ('x', 1, 'old@example.com')"),
                     0);
    h = 0;
    assert_int_equal(store_history(f->st, "old@example.com", hist_cb, &h), 0);
    assert_int_equal(h, 2);
    h = 0;
    assert_int_equal(store_history(f->st, "new@example.com", hist_cb, &h), 0);
    assert_int_equal(h, 0);
}

/* The first column of the first row of Q, as an integer (-1: none). */
static long long sql_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    long long v = -1;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return v;
}

/* A version 2 store (outbound rows without an envelope id) is migrated
 * on open: its rows are still found by Message-ID and queue id, have no
 * envelope id, and new rows are found by theirs through an index. */
static void outbound_survives_envid_migration(void **state)
{
    struct fixture *f = *state;
    const char *rcpts[] = {"a@example.com"};
    struct outbound_msg old = {.message_id = "old@example.org",
                               .queue_id = "4Old",
                               .sender = "s@example.org",
                               .recipients = rcpts,
                               .nrecipients = 1,
                               .when = T0};
    struct outbound_msg m = old, found;
    struct store_outbound_keys k = {NULL, NULL, "env-new", NULL};
    enum store_outbound_key by;

    store_close(&f->st);
    assert_int_equal(sql(f->path, V3_TO_V2 "PRAGMA user_version = 2"), 0);
    assert_int_equal(sql(f->path, "INSERT INTO outbound (uuid, message_id,"
                                  " queue_id, sender, recipients, at) VALUES"
                                  " ('u1', 'old@example.org', '4Old',"
                                  " 's@example.org', 'a@example.com', 1)"),
                     0);
    assert_int_equal(open_store(f), 0);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 3);
    assert_int_equal(
        store_find_outbound(f->st, "old@example.org", NULL, &found), 1);
    assert_null(found.envelope_id);
    assert_string_equal(found.queue_id, "4Old");
    outbound_msg_clear(&found);
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 0);
    assert_int_equal(by, STORE_OUT_NONE);
    m.message_id = "new@example.org";
    m.queue_id = "4New";
    m.envelope_id = "env-new";
    assert_int_equal(store_track_outbound(f->st, &m), 0);
    assert_int_equal(store_flush(f->st, 5000), 0);
    assert_int_equal(store_find_outbound_by(f->st, &k, &found, &by), 1);
    assert_int_equal(by, STORE_OUT_ENVELOPE_ID);
    assert_string_equal(found.message_id, "new@example.org");
    outbound_msg_clear(&found);
    /* the lookup by envelope id is an index search, not a table scan */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM"
                                      " pragma_index_list('outbound')"
                                      " WHERE name = 'outbound_envid'"),
                     1);
    assert_int_equal(
        sql_int(f->path,
                "SELECT count(*) FROM (SELECT 1) WHERE EXISTS (SELECT 1 FROM"
                " outbound INDEXED BY outbound_envid WHERE envid = ?1)"),
        0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(hard_bounce_suppresses),
        T(soft_bounces_suppress_only_when_persistent),
        T(forged_and_sender_never_suppress),
        T(manual_remove_beats_older_bounce),
        T(manual_add_and_domain_entry),
        T(domain_suppression_when_switched_on),
        T(outbound_tracking),
        T(outbound_message_id_learned_later),
        T(list_history_stats_expire),
        T(survives_reopen_and_checks_version),
        T(invalid_address_is_refused),
        T(lookups_from_many_threads_while_writing),
        T(expiry_runs_on_its_own_schedule),
        T(other_connections_commits_are_seen),
        T(quiet_deliveries_write_nothing),
        T(history_survives_migration),
        T(outbound_prefers_the_recipients_message),
        T(outbound_found_by_envelope_id),
        T(outbound_survives_envid_migration),
    };
    return cmocka_run_group_tests_name("store_sqlite", tests, NULL, NULL);
}

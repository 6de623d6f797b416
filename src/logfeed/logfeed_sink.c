/*
 * logfeed_sink.c - one log line to classified store events; see
 * logfeed_sink.h.
 */
#include "config.h"

#include "logfeed/logfeed_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/logline.h"
#include "logfeed/logfeed_cache.h"
#include "metrics/metrics.h"

#define SINK_FLUSH_TIMEOUT_MS 10000
/* Queue ids whose sender and outbound join are remembered, whatever the
 * size of the verdict cache (cache_entries 0 turns that one off only). */
#define SINK_QUEUE_IDS_MIN 4096

/* How long a failure whose queue id outbound tracking does not know
 * waits for what is queued in the store (the milter's tracking of a
 * message sent a moment ago) before the miss is remembered. */
#define SINK_JOIN_WAIT_MS 2000
/* Longest Message-ID given to the store (RFC 5322 lines are 998 bytes). */
#define LOGFEED_MESSAGE_ID_MAX 998

/* Bytes of the queue-id -> sender map's values. */
struct sender_val {
    char addr[STORE_ADDR_MAX + 1];
};

/* What outbound tracking knows of a queue id (found == false: nothing). */
struct join_val {
    bool found;
    char message_id[256];
    char sender[STORE_ADDR_MAX + 1];
};

struct logfeed_sink {
    struct logfeed_sink_settings set;
    struct store *store;
    const struct classify_rules *rules;
    struct logfeed_cache *verdicts; /* struct verdict by reply */
    struct logfeed_cache *senders;  /* struct sender_val by queue id */
    struct logfeed_cache *joins;    /* struct join_val by queue id */
    struct logfeed_sink_stats stats;
    char *scratch; /* NUL-terminated copies of the line's fields */
    size_t scratch_cap, scratch_used;
    char key[LOGFEED_CACHE_KEY_MAX];
};

struct logfeed_sink *logfeed_sink_new(const struct logfeed_sink_settings *set,
                                      struct store *store,
                                      const struct classify_rules *rules)
{
    struct logfeed_sink *s = calloc(1, sizeof *s);
    size_t qids = set->cache_entries > SINK_QUEUE_IDS_MIN ? set->cache_entries
                                                          : SINK_QUEUE_IDS_MIN;

    if (s == NULL)
        return NULL;
    s->set = *set;
    s->store = store;
    s->rules = rules;
    s->verdicts = logfeed_cache_new(set->cache_entries, sizeof(struct verdict));
    s->senders = logfeed_cache_new(qids, sizeof(struct sender_val));
    s->joins = logfeed_cache_new(qids, sizeof(struct join_val));
    if (s->verdicts == NULL || s->senders == NULL || s->joins == NULL) {
        logfeed_sink_free(&s);
        return NULL;
    }
    return s;
}

void logfeed_sink_free(struct logfeed_sink **sp)
{
    struct logfeed_sink *s = *sp;

    if (s == NULL)
        return;
    logfeed_cache_free(&s->verdicts);
    logfeed_cache_free(&s->senders);
    logfeed_cache_free(&s->joins);
    free(s->scratch);
    free(s);
    *sp = NULL;
}

void logfeed_sink_stats(const struct logfeed_sink *s,
                        struct logfeed_sink_stats *stats_r)
{
    *stats_r = s->stats;
}

/* ------------------------------------------------------------ scratch */

/* Room for every field of a line of len bytes, each NUL-terminated. */
static bool scratch_reserve(struct logfeed_sink *s, size_t len)
{
    size_t need = 2 * len + 64; /* @UNSAFE: fields are parts of the line */

    s->scratch_used = 0;
    if (need <= s->scratch_cap)
        return true;
    char *p = realloc(s->scratch, need);
    if (p == NULL)
        return false;
    s->scratch = p;
    s->scratch_cap = need;
    return true;
}

static const char *dup_span(struct logfeed_sink *s, struct logline_span sp)
{
    char *dst;

    if (sp.p == NULL || s->scratch_used + sp.len + 1 > s->scratch_cap)
        return NULL;
    dst = s->scratch + s->scratch_used;
    memcpy(dst, sp.p, sp.len);
    dst[sp.len] = '\0';
    s->scratch_used += sp.len + 1;
    return dst;
}

/* ------------------------------------------------------------ verdicts */

/* The cache key: "action|dsn|code|reply", or false when it does not fit. */
static bool verdict_key(struct logfeed_sink *s, const struct logline *ll,
                        const char *action, size_t *len_r)
{
    char num[16];
    size_t alen = strlen(action), dlen = strlen(ll->dsn);
    int nlen = snprintf(num, sizeof num, "%d", ll->reply_code);
    size_t need = alen + dlen + (size_t)nlen + ll->reply.len + 3;
    char *p = s->key;

    if (nlen < 0 || need > sizeof s->key) /* @UNSAFE: all bounded above */
        return false;
    memcpy(p, action, alen);
    p += alen;
    *p++ = '|';
    memcpy(p, ll->dsn, dlen);
    p += dlen;
    *p++ = '|';
    memcpy(p, num, (size_t)nlen);
    p += nlen;
    *p++ = '|';
    if (ll->reply.len > 0)
        memcpy(p, ll->reply.p, ll->reply.len);
    *len_r = need;
    return true;
}

static void classify_cached(struct logfeed_sink *s, const struct logline *ll,
                            const char *action, struct verdict *v_r)
{
    const struct verdict *hit;
    size_t n = 0;
    bool cacheable = verdict_key(s, ll, action, &n);

    if (cacheable &&
        (hit = logfeed_cache_get(s->verdicts, s->key, n)) != NULL) {
        s->stats.cache_hits++;
        *v_r = *hit;
        return;
    }
    s->stats.cache_misses++;
    classify_reply(s->rules, ll->reply.p ? ll->reply.p : "", ll->reply.len,
                   ll->dsn[0] ? ll->dsn : NULL, ll->reply_code, action, v_r);
    if (cacheable)
        logfeed_cache_put(s->verdicts, s->key, n, v_r);
}

/* ------------------------------------------------------------ senders */

static void remember_sender(struct logfeed_sink *s, const struct logline *ll)
{
    struct sender_val v;

    if (ll->queue_id.p == NULL || ll->from.len > STORE_ADDR_MAX)
        return;
    memcpy(v.addr, ll->from.p, ll->from.len);
    v.addr[ll->from.len] = '\0';
    logfeed_cache_put(s->senders, ll->queue_id.p, ll->queue_id.len, &v);
}

static const char *sender_of(struct logfeed_sink *s, const struct logline *ll)
{
    const struct sender_val *v;

    if (ll->queue_id.p == NULL)
        return NULL;
    v = logfeed_cache_get(s->senders, ll->queue_id.p, ll->queue_id.len);
    return v != NULL ? v->addr : NULL;
}

/* The tracked outbound message of the line's queue id (the milter
 * tracks what leaves through it), for failures only: one indexed
 * read per queue id, cached, misses included. */
static const struct join_val *join_outbound(struct logfeed_sink *s,
                                            const struct logline *ll)
{
    const struct join_val *hit;
    struct join_val v;
    struct outbound_msg m;
    char qid[64];

    if (!s->set.join_outbound || s->store == NULL || ll->queue_id.p == NULL ||
        ll->queue_id.len >= sizeof qid)
        return NULL;
    hit = logfeed_cache_get(s->joins, ll->queue_id.p, ll->queue_id.len);
    if (hit != NULL)
        return hit->found ? hit : NULL;
    memcpy(qid, ll->queue_id.p, ll->queue_id.len);
    qid[ll->queue_id.len] = '\0';
    memset(&v, 0, sizeof v);
    memset(&m, 0, sizeof m);
    int rc = store_find_outbound(s->store, NULL, qid, &m);
    if (rc == 0) {
        /* tracked a moment ago, and still queued for the store? */
        struct store_health h;
        store_get_health(s->store, &h);
        if (h.queued > 0 && store_flush(s->store, SINK_JOIN_WAIT_MS) == 0)
            rc = store_find_outbound(s->store, NULL, qid, &m);
    }
    if (rc < 0)
        return NULL; /* a failed lookup is no miss to remember */
    if (rc == 1) {
        v.found = true;
        snprintf(v.message_id, sizeof v.message_id, "%s",
                 m.message_id ? m.message_id : "");
        snprintf(v.sender, sizeof v.sender, "%s", m.sender ? m.sender : "");
        outbound_msg_clear(&m);
    }
    logfeed_cache_put(s->joins, ll->queue_id.p, ll->queue_id.len, &v);
    hit = logfeed_cache_get(s->joins, ll->queue_id.p, ll->queue_id.len);
    return hit != NULL && hit->found ? hit : NULL;
}

/* ------------------------------------------------------------ events */

/* The time of a line, now when it has none.  A line without a zone is
 * taken at utc_offset, or with local_zone at the offset the local zone
 * had at that time (a log read across a daylight saving change). */
static time_t line_time(const struct logfeed_sink *s,
                        const struct logline_time *t, time_t now)
{
    time_t when;
    struct tm tm;

    if (!logline_time_resolve(t, s->set.utc_offset, now, &when))
        return now;
    if (s->set.local_zone && !t->has_offset &&
        localtime_r(&when, &tm) != NULL && tm.tm_gmtoff != s->set.utc_offset &&
        !logline_time_resolve(t, tm.tm_gmtoff, now, &when))
        return now;
    return when;
}

static const char *action_of(enum logline_status st)
{
    switch (st) {
    case LOGSTAT_SENT:
        return "delivered";
    case LOGSTAT_DEFERRED:
    case LOGSTAT_SOFTBOUNCE:
        return "delayed";
    case LOGSTAT_BOUNCED:
    case LOGSTAT_EXPIRED:
        return "failed";
    default:
        return NULL;
    }
}

static void count_status(struct logfeed_sink *s, enum logline_status st)
{
    if (st == LOGSTAT_SENT)
        s->stats.sent++;
    else if (st == LOGSTAT_DEFERRED || st == LOGSTAT_SOFTBOUNCE)
        s->stats.deferred++;
    else if (st == LOGSTAT_BOUNCED)
        s->stats.bounced++;
}

static int emit(struct logfeed_sink *s, struct store_event *ev)
{
    if (s->set.on_event != NULL)
        s->set.on_event(ev, s->set.ctx);
    if (s->store == NULL)
        return 1;
    if (store_record(s->store, ev) < 0) {
        /* the queue may be full: let the writer catch up, then retry */
        if (store_flush(s->store, SINK_FLUSH_TIMEOUT_MS) < 0 ||
            store_record(s->store, ev) < 0) {
            s->stats.refused++;
            return -1;
        }
    }
    s->stats.recorded++;
    return 1;
}

/* The address that failed (to=), not the alias, list or forward it was
 * reached through (orig_to=): one member's failure must not suppress a
 * list that has others. */
static struct logline_span recipient_span(const struct logline *ll)
{
    return ll->to;
}

/* Sendmail logs several recipients as "to=<a@x>,<b@y>": one event each. */
static int emit_each_recipient(struct logfeed_sink *s, struct store_event *ev,
                               struct logline_span to)
{
    const char *p = to.p, *end = to.p + to.len;
    int rc = 0;

    while (p < end) {
        const char *q = p;
        bool quoted = false;
        while (q < end && (quoted || *q != ',')) {
            if (*q == '"')
                quoted = !quoted;
            q++;
        }
        struct logline_span one = {p, (size_t)(q - p)};
        while (one.len > 0 && (one.p[0] == '<' || one.p[0] == ' ')) {
            one.p++;
            one.len--;
        }
        while (one.len > 0 && one.p[one.len - 1] == '>')
            one.len--;
        if (one.len > 0 && (ev->recipient = dup_span(s, one)) != NULL) {
            int r = emit(s, ev);
            rc = rc < 0 ? rc : r;
        }
        p = q < end ? q + 1 : q;
    }
    return rc;
}

static int handle_delivery(struct logfeed_sink *s, const struct logline *ll,
                           time_t now)
{
    struct store_event ev;
    struct verdict v;
    const char *action = action_of(ll->status);

    count_status(s, ll->status);
    if (action == NULL || logline_span_eq(ll->service, "discard") ||
        ll->to.len == 0) {
        s->stats.skipped++;
        return 0;
    }
    memset(&ev, 0, sizeof ev);
    if (ll->status == LOGSTAT_SENT) {
        memset(&v, 0, sizeof v);
        v.reason = "delivered";
        v.bucket = BUCKET_NONE;
    } else {
        classify_cached(s, ll, action, &v);
        metrics_inc(METRIC_DSNS, MPATH_LOG, 0);
        metrics_verdict(&v, MPATH_LOG);
    }
    ev.when = (long long)line_time(s, &ll->time, now);
    ev.reason = v.reason;
    ev.bucket = v.bucket;
    ev.auth = v.auth;
    ev.rule = v.rule;
    ev.status = ll->dsn[0] ? ll->dsn : (v.status[0] ? v.status : NULL);
    ev.reply_code = ll->reply_code ? ll->reply_code : v.reply_code;
    ev.diagnostic = dup_span(s, ll->reply);
    ev.source = SRC_LOG;
    ev.action = action;
    ev.reporting_mta = dup_span(s, ll->host);
    ev.remote_mta = dup_span(s, ll->remote.p ? ll->remote : ll->relay);
    ev.queue_id = dup_span(s, ll->queue_id);
    ev.sender = sender_of(s, ll);
    if (ll->status != LOGSTAT_SENT) {
        const struct join_val *j = join_outbound(s, ll);
        if (j != NULL) {
            ev.orig_message_id = j->message_id[0] ? j->message_id : NULL;
            if (ev.sender == NULL && j->sender[0])
                ev.sender = j->sender;
        }
    }
    ev.credible = true; /* our own MTA's log */
    return emit_each_recipient(s, &ev, recipient_span(ll));
}

/* The Message-ID the MTA logs for a queued message (Postfix cleanup,
 * Sendmail's from= line), for the outbound tracking of the milter, which
 * may have tracked the message before its headers. */
static int handle_message_id(struct logfeed_sink *s, const struct logline *ll,
                             time_t now)
{
    char qid[64], mid[LOGFEED_MESSAGE_ID_MAX + 1];
    time_t when;

    if (!s->set.message_ids || s->store == NULL || ll->queue_id.p == NULL ||
        ll->message_id.p == NULL || ll->queue_id.len >= sizeof qid ||
        ll->message_id.len >= sizeof mid)
        return 0;
    memcpy(qid, ll->queue_id.p, ll->queue_id.len);
    qid[ll->queue_id.len] = '\0';
    memcpy(mid, ll->message_id.p, ll->message_id.len);
    mid[ll->message_id.len] = '\0';
    when = line_time(s, &ll->time, now);
    if (store_outbound_message_id(s->store, qid, mid, (long long)when) < 0 &&
        (store_flush(s->store, SINK_FLUSH_TIMEOUT_MS) < 0 ||
         store_outbound_message_id(s->store, qid, mid, (long long)when) < 0)) {
        s->stats.refused++;
        return -1;
    }
    s->stats.message_ids++;
    return 0;
}

int logfeed_sink_line(struct logfeed_sink *s, const char *line, size_t len,
                      time_t now)
{
    struct logline ll;

    s->stats.lines++;
    switch (logline_parse(line, len, &ll)) {
    case LOGLINE_DELIVERY:
        s->stats.deliveries++;
        if (ll.errors & ~(unsigned)LOGLINE_ERR_PREFIX)
            s->stats.malformed++;
        if (!scratch_reserve(s, len)) {
            s->stats.refused++;
            return -1;
        }
        return handle_delivery(s, &ll, now);
    case LOGLINE_SENDER: /* Postfix's qmgr (again at each retry), or
                            Sendmail's one line with its msgid= */
        remember_sender(s, &ll);
        if (ll.message_id.p != NULL)
            metrics_inc(METRIC_MESSAGES, MPATH_LOG, 0);
        return handle_message_id(s, &ll, now);
    case LOGLINE_MESSAGE_ID: /* Postfix's cleanup: once a message */
        metrics_inc(METRIC_MESSAGES, MPATH_LOG, 0);
        return handle_message_id(s, &ll, now);
    case LOGLINE_EXPIRED:
        s->stats.expired++;
        return 0;
    case LOGLINE_OTHER:
        break;
    }
    return 0;
}
